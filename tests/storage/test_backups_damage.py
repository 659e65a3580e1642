"""Backups rotate and verify; a damaged or foreign file is reported, kept byte for byte, and recoverable."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from planner.errors import UserError
from planner.opening import open_database
from planner.record.assessments import store_assessment
from planner.record.patients import count_rows
from planner.storage.backup import KEEP, automatic_backup, list_backups, rotate
from planner.storage.database import DamagedDatabaseError
from planner.storage.restore import restore_backup
from tests.conftest import make_assessment
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "schema-0001.sqlite3"


def test_backup_before_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    open_database(path).dispose()
    reasons = [b.path.name.rsplit("-", 1)[-1] for b in list_backups(path)]
    assert "migration.sqlite3" in reasons  # "...-before-migration.sqlite3"
    with sqlite3.connect(list_backups(path)[-1].path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001_initial",)


def test_daily_backup_only_when_changed_and_a_day_old(db: Any) -> None:
    path = db.path
    first = automatic_backup(path)
    assert first is None or first.exists()
    count = len(list_backups(path))
    assert automatic_backup(path) is None  # nothing new within the day
    newest = list_backups(path)[0].path
    old = time.time() - 2 * 86400
    os.utime(newest, (old, old))
    store_assessment(db, make_assessment())  # the data changed since
    assert automatic_backup(path) is not None
    assert len(list_backups(path)) == count + 1


def test_rotation_keeps_the_newest(db: Any) -> None:
    from planner.storage.backup import backup_database

    for _ in range(KEEP + 3):
        backup_database(db)
    rotate(db.path)
    assert len(list_backups(db.path)) == KEEP


def test_restore_keeps_the_replaced_file(db: Any, tmp_path: Path) -> None:
    from planner.storage.backup import backup_database

    store_assessment(db, make_assessment())
    backup = backup_database(db, tmp_path / "good.sqlite3")
    db.dispose()
    damaged = db.path.read_bytes()[:4096] + b"\x00garbage" * 100
    db.path.write_bytes(damaged)
    with pytest.raises(DamagedDatabaseError):
        open_database(db.path)
    kept = restore_backup(db.path, backup)
    assert kept is not None and kept.read_bytes() == damaged
    reopened = open_database(db.path)
    assert count_rows(reopened)["assessment"] == 1
    reopened.dispose()


def test_foreign_file_names_the_newest_backup(db: Any) -> None:
    from planner.storage.backup import backup_database

    backup = backup_database(db)
    db.dispose()
    db.path.write_bytes(b"PK\x03\x04 a zip file, not a database" * 50)
    before = db.path.read_bytes()
    with pytest.raises(DamagedDatabaseError) as caught:
        open_database(db.path)
    assert str(backup) in str(caught.value) and "db restore" in str(caught.value)
    assert db.path.read_bytes() == before


def test_flipped_bytes_never_crash_and_reported_files_are_untouched(template_db: Path, tmp_path: Path) -> None:
    rng = random.Random(7)
    original = template_db.read_bytes()
    opened = reported = 0
    for number in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 40)):
            position = rng.randrange(len(data)) if number % 3 else rng.randrange(100)
            data[position] ^= 1 << rng.randrange(8)
        path = tmp_path / f"copy-{number}" / "planner.sqlite3"
        path.parent.mkdir()
        path.write_bytes(bytes(data))
        try:
            open_database(path).dispose()
            opened += 1
        except UserError:
            reported += 1
            assert path.read_bytes() == bytes(data), "a reported file must be left exactly as it was"
    assert opened + reported == 60 and reported > 0


def test_schema_text_that_is_no_longer_utf8_is_reported_as_damage(template_db: Path, tmp_path: Path) -> None:
    """SQLite quotes the damaged schema in its message, which then fails to decode: still damage, not a crash."""
    data = bytearray(template_db.read_bytes())
    at = data.index(b"CREATE TRIGGER")
    data[at + 2] = 0xE1  # a UTF-8 lead byte followed by ASCII: invalid
    path = tmp_path / "planner.sqlite3"
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedDatabaseError):
        open_database(path)
    assert path.read_bytes() == bytes(data)


def test_a_changed_byte_inside_a_stored_document_is_damage_not_a_different_plan(
    template_db: Path, tmp_path: Path
) -> None:
    """A flipped bit inside a condition ('>= 4' read as '>= 5') is valid text to SQLite: the checksum stored with
    each document catches it. The start-up's check of the shipped documents finds the text changed and reports
    the damage instead of writing a new copy into the damaged file; no plan is drafted from it either."""
    from planner.errors import DamagedDataError
    from planner.library.store import load_library
    from planner.storage.check import check_database
    from planner.storage.database import Database

    data = bytearray(template_db.read_bytes())
    at = data.index(b"::: finding pain_uncontrolled\npain_nrs >= 4")  # in the stored document's text
    data[at + len("::: finding pain_uncontrolled\npain_nrs >= ")] = ord("5")
    path = tmp_path / "planner.sqlite3"
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedDatabaseError, match="CLINIC no longer matches its checksum"):
        open_database(path)
    assert path.read_bytes() == bytes(data)
    database = Database(path)
    with pytest.raises(DamagedDataError, match="CLINIC no longer matches its checksum"):
        load_library(database)
    assert any("CLINIC no longer matches its checksum" in p for p in check_database(database).problems)
    database.dispose()
    assert path.read_bytes() == bytes(data)
