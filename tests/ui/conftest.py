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


def open_window(qtbot: Any, database: Any, settings: Any, *, reopen_last: bool = True) -> Any:
    """A shown main window over ``database`` whose questions are answered (unsaved: discard) and whose warnings
    are collected in ``warnings``."""
    from PySide6.QtWidgets import QMessageBox

    from planner.ui.main_window import MainWindow

    main = MainWindow(database, settings)
    qtbot.addWidget(main)
    main.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    main.warnings = []
    main.warn = lambda title, text: main.warnings.append(f"{title}: {text}")
    main.show()
    main.load_patients(reopen_last=reopen_last)
    return main


@pytest.fixture
def window(qtbot: Any, db: Any, settings: Any) -> Iterator[Any]:
    main = open_window(qtbot, db, settings)
    yield main
    if main.session is not None:
        main.session.undo_stack.setClean()


@pytest.fixture
def restart(qtbot: Any, settings: Any) -> Iterator[Any]:
    """``restart(window)``: the plan version ``window`` shows (saved), opened in a new window over new connections
    to the same database file, as after the app was closed and started again; the Plan tab shown."""
    from planner.storage.database import Database

    opened: list[tuple[Any, Any]] = []

    def run(window: Any) -> Any:
        session = window.session
        assert session is not None and session.record is not None and not session.dirty, "save first"
        database = Database(window.database.path)
        main = open_window(qtbot, database, settings, reopen_last=False)
        opened.append((database, main))
        assert main.select_patient(window.patient_id)
        main.open_plan(session.record.id)
        main.tabs.setCurrentIndex(1)
        return main

    yield run
    for database, main in opened:
        if main.session is not None:
            main.session.undo_stack.setClean()
        database.dispose()
