"""Busy is not damaged: a database another process holds locked is "in use, try again", never a restore.

Damage is decided only by what SQLite reports (SQLITE_CORRUPT, SQLITE_NOTADB); the locks here are held by a
real second process (tests/lock_holder.py), and the busy timeout is shortened through the parameter every
opening takes.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner.errors import StorageError
from planner.opening import open_database
from planner.record.assessments import store_assessment
from planner.record.patients import count_rows
from planner.storage.database import DamagedDatabaseError, Database, DatabaseBusyError
from planner.storage.sqlite import is_busy, is_damage
from tests.conftest import REPO, damage_table, lock_held, make_assessment


def test_a_locked_database_is_busy_never_damaged(db_path: Path) -> None:
    before = db_path.read_bytes()
    with lock_held(db_path), pytest.raises(DatabaseBusyError) as caught:
        open_database(db_path, busy_timeout_ms=200)
    assert not isinstance(caught.value, DamagedDatabaseError)
    message = str(caught.value)
    assert "in use by another program" in message and "try again" in message
    assert "restore" not in message and "damaged" not in message
    assert db_path.read_bytes() == before
    open_database(db_path).dispose()  # and once the other program is done, it opens


def test_a_save_meeting_a_lock_is_busy_stores_nothing_and_keeps_the_entries(db: Any) -> None:
    quick = Database(db.path, busy_timeout_ms=200)
    before = count_rows(db)
    with lock_held(db.path, "IMMEDIATE"), pytest.raises(DatabaseBusyError, match="your entries are kept"):
        store_assessment(quick, make_assessment())
    quick.dispose()
    assert count_rows(db) == before


def test_damage_is_what_sqlite_reports(tmp_path: Path, db_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"x" * 8192)
    with pytest.raises(sqlite3.DatabaseError) as not_a_database:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master").fetchall()
    assert is_damage(not_a_database.value) and not is_busy(not_a_database.value)

    damage_table(db_path, "patient")
    with pytest.raises(sqlite3.DatabaseError) as corrupt:
        sqlite3.connect(db_path).execute("SELECT * FROM patient").fetchall()
    assert is_damage(corrupt.value)


def test_busy_through_sqlalchemy_is_busy(db: Any) -> None:
    """SQLAlchemy wraps SQLite's error; the code is read from the wrapped one."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    quick = Database(db.path, busy_timeout_ms=100)
    with lock_held(db.path), pytest.raises(OperationalError) as caught, quick.engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM patient")).scalar()
    quick.dispose()
    assert is_busy(caught.value) and not is_damage(caught.value)


def test_a_busy_opening_step_after_the_first_paint_is_not_damage(db: Any, db_path: Path) -> None:
    """The steps after the first paint (documents, backup) run under damage_reported: busy there is busy."""
    from planner.opening import seed_shipped_documents
    from planner.storage.database import damage_reported, open_schema

    db.dispose()
    database = open_schema(db_path, busy_timeout_ms=200)
    with lock_held(db_path), pytest.raises(DatabaseBusyError), damage_reported(database):
        seed_shipped_documents(database)


@pytest.mark.slow
def test_command_line_says_in_use_with_exit_2(db: Any, tmp_path: Path) -> None:
    """The command line waits the whole busy timeout (10 s), then says so: exit 2, no damage, no restore."""
    db.dispose()
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")}
    with lock_held(db.path):
        done = subprocess.run(
            [sys.executable, "-m", "planner", "--db", str(db.path), "due"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert "in use by another program" in done.stderr
    assert "damaged" not in done.stderr and "restore" not in done.stderr


def test_busy_error_is_a_storage_error_for_every_caller() -> None:
    error = DatabaseBusyError(Path("/clinic/planner.sqlite3"), "The backup was not restored")
    assert isinstance(error, StorageError) and "/clinic/planner.sqlite3" in str(error)
