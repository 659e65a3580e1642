"""The app's answers to a database it cannot use: busy offers Retry (the default), never a restore; damaged
offers the backup, but Enter keeps the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.storage.database import DamagedDatabaseError, DatabaseBusyError, open_schema
from planner.ui.app import Startup, _recover, busy_box, damaged_box
from tests.conftest import damage_table, lock_held


def answer_boxes(answers: list[Callable[[QMessageBox], None]]) -> list[QMessageBox]:
    """Answer the modal message boxes as they come, one callable each; returns the boxes seen."""
    seen: list[QMessageBox] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and (not seen or seen[-1] is not box):
            seen.append(box)
            answers.pop(0)(box)
        if answers:
            QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)
    return seen


def texts(box: QMessageBox) -> set[str]:
    return {button.text().replace("&", "") for button in box.buttons()}


def test_busy_box_offers_retry_by_default_and_never_a_restore(qapp: Any) -> None:
    box, retry = busy_box(DatabaseBusyError(Path("/clinic/planner.sqlite3")))
    assert texts(box) == {"Retry", "Quit"}
    assert box.defaultButton() is retry and box.escapeButton().text() == "Quit"
    assert "in use by another program" in box.text() + box.informativeText()


def test_damaged_box_defaults_to_keeping_the_file(qapp: Any) -> None:
    failure = DamagedDatabaseError("damaged", Path("/clinic/planner.sqlite3"), Path("/clinic/backups/b.sqlite3"))
    box, restore = damaged_box(failure)
    assert box.defaultButton() is not restore and box.defaultButton().text() == "Keep the file and quit"
    assert box.escapeButton() is box.defaultButton()
    assert box.buttonRole(restore) == QMessageBox.ButtonRole.DestructiveRole


def test_retry_opens_the_database_once_the_other_program_lets_go(qapp: Any, db: Any, db_path: Path) -> None:
    db.dispose()
    before = db_path.read_bytes()
    with lock_held(db_path) as holder:

        def release_then_retry(box: QMessageBox) -> None:
            assert texts(box) == {"Retry", "Quit"}
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
            QTest.keyClick(box, Qt.Key.Key_Return)  # the default: Retry

        seen = answer_boxes([release_then_retry])
        database = _recover(db_path, DatabaseBusyError(db_path))
    assert len(seen) == 1 and database is not None
    database.dispose()
    assert db_path.read_bytes() == before


def test_quit_while_busy_changes_nothing(qapp: Any, db: Any, db_path: Path) -> None:
    db.dispose()
    before = db_path.read_bytes()
    seen = answer_boxes([lambda box: next(b for b in box.buttons() if b.text() == "Quit").click()])
    assert _recover(db_path, DatabaseBusyError(db_path)) is None
    assert len(seen) == 1 and db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.replaced-*"))


def test_enter_on_the_damaged_dialog_keeps_the_file(qapp: Any, db: Any, db_path: Path) -> None:
    from planner.storage.backup import backup_database

    db.dispose()
    backup_database(db_path)
    damage_table(db_path, "document")
    damaged = db_path.read_bytes()
    database = open_schema(db_path)  # the schema check does not read the damaged table
    try:
        from planner.opening import seed_shipped_documents
        from planner.storage.database import damage_reported

        with damage_reported(database):
            seed_shipped_documents(database)
    except DamagedDatabaseError as exc:
        failure = exc
    assert failure.backup is not None
    seen = answer_boxes([lambda box: QTest.keyClick(box, Qt.Key.Key_Return)])
    assert _recover(db_path, failure) is None
    assert "damaged" in seen[0].text()
    assert db_path.read_bytes() == damaged and not list(db_path.parent.glob("*.replaced-*"))


def test_a_busy_step_after_the_first_paint_asks_to_retry_and_starts_again(
    qtbot: Any, qapp: Any, db: Any, db_path: Path, settings: Any
) -> None:
    """Another program takes the database between the first paint and the documents' check: the window goes,
    the busy dialog asks, and Retry starts the app again on the same (untouched) file."""
    settings.setValue("firstRun/done", True)
    db.dispose()
    database = open_schema(db_path, busy_timeout_ms=200)
    with lock_held(db_path) as holder:

        def release_then_retry(box: QMessageBox) -> None:
            assert texts(box) == {"Retry", "Quit"}
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
            next(b for b in box.buttons() if b.text() == "Retry").click()

        seen = answer_boxes([release_then_retry])
        startup = Startup(qapp, settings, db_path)
        startup.show(database)
    assert len(seen) == 1
    window = startup.window
    assert window is not None and window.isVisible() and window.database is not database
    assert not list(db_path.parent.glob("*.replaced-*"))
    window.close()
    startup.dispose()


def test_a_read_that_meets_a_lock_says_in_use_not_something_went_wrong(
    qapp: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from sqlalchemy.exc import OperationalError

    from planner.record.patients import list_patients
    from planner.storage.database import Database
    from planner.ui.app import _install_exception_hook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    _install_exception_hook(qapp)
    quick = Database(db.path, busy_timeout_ms=100)
    with lock_held(db.path), pytest.raises(OperationalError) as caught:  # SQLite's error, as SQLAlchemy raises it
        list_patients(quick)
    shown: list[str] = []
    answer_boxes([lambda box: (shown.append(box.text()), box.accept())])
    sys.excepthook(caught.type, caught.value, caught.tb)
    assert "in use by another program" in shown[0] and "Something went wrong" not in shown[0]
