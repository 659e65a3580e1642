"""GUI fixtures: a main window over a real database copy, with settings in a temporary file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    from PySide6.QtCore import QSettings

    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    store.setValue("export/open", False)
    return store


@pytest.fixture
def window(qtbot: Any, db: Any, settings: Any) -> Iterator[Any]:
    from planner.ui.main_window import MainWindow

    main = MainWindow(db, settings)
    qtbot.addWidget(main)
    from PySide6.QtWidgets import QMessageBox

    main.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    main.warnings = []
    main.warn = lambda title, text: main.warnings.append(f"{title}: {text}")
    main.show()
    main.load_patients()
    yield main
    if main.session is not None:
        main.session.undo_stack.setClean()
