"""The patient-filter benchmark: the only figure of ``planner bench`` that needs Qt, so it lives in the UI."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from planner.bench import Figure


def filter_figures(database_path: Path) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from planner.db.engine import open_database
    from planner.ui.patients import PatientFilterModel, PatientListModel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    database = open_database(database_path)
    model = PatientListModel(database)
    model.reload()
    proxy = PatientFilterModel()
    proxy.setSourceModel(model)
    typed = ""
    times = []
    for character in "ana sousa" * 2:
        typed += character
        started = time.perf_counter()
        proxy.set_text(typed)
        proxy.rowCount()
        times.append((time.perf_counter() - started) * 1000)
        app.processEvents()
    database.dispose()
    return [
        Figure(
            f"patient filter per keystroke, {model.rowCount():,} patients, worst", max(times), None, "ms", "<= 16 ms"
        )
    ]
