"""The patient-filter benchmark: the only figure of ``planner bench`` that needs Qt, so it lives in the UI."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TYPED = "ana sousa" * 2
"""Typed into the patient search, then erased key by key: erasing widens the list again, the costly way."""

EVENT_LOOP_ROUNDS = 3
"""Rounds of the event loop timed after each key: the list's delayed relayout, then its repaint (each posted
by the round before), then one that finds nothing left to do."""

PASSES = 5
"""Each key is timed in this many passes and counts by its median, so that another program busy for a moment
on a shared machine does not pass for the worst keystroke."""


def worst_filter_keystroke(database_path: Path) -> tuple[float, int]:
    """The worst keystroke in the main window's patient search, in milliseconds (from the key press until the
    filtered list is laid out and painted, the way a clinician waits for it), and the number of patients.
    planner.bench makes the figure of it (this module does not import planner.bench: no import cycle)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from planner.opening import open_database
    from planner.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    database = open_database(database_path)
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(database, settings)
        window.show()
        app.processEvents()
        window.load_patients()
        for _ in range(EVENT_LOOP_ROUNDS):
            app.processEvents()
        keys = [*TYPED, *[Qt.Key.Key_Backspace] * len(TYPED)]
        times: list[list[float]] = [[] for _ in keys]
        for _ in range(PASSES):
            for key, key_times in zip(keys, times, strict=True):
                started = time.perf_counter()
                if isinstance(key, str):
                    QTest.keyClicks(window.patient_search, key)
                else:
                    QTest.keyClick(window.patient_search, key)
                for _ in range(EVENT_LOOP_ROUNDS):
                    app.processEvents()
                key_times.append((time.perf_counter() - started) * 1000)
        patients = window.patient_model.rowCount()
        window.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    database.dispose()
    return max(statistics.median(key_times) for key_times in times), patients
