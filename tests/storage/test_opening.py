"""Opening a database in the parts the app splits around its first paint: the schema (checked and migrated,
backed up first) before; shipped documents and the daily backup after, reporting a damaged file the same way.
An up-to-date database goes through all of it, and lists its patients, with SQLAlchemy Core alone: neither the
ORM nor the tables, Alembic, the validator, the rule engine or ReportLab."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from planner.library.files import shipped_documents_stored
from planner.library.store import list_documents
from planner.opening import seed_shipped_documents
from planner.storage.backup import backup_database, list_backups
from planner.storage.database import DamagedDatabaseError, damage_reported, open_schema
from planner.storage.migrate import HEAD_REVISION, current_revision
from tests.conftest import damage_table
from tests.paths import FIXTURES, REPO

FIXTURE = FIXTURES / "schema-0001.sqlite3"
NEW_DOCUMENT = """---
id: SHIPPED-EXTRA
title: A document added by an update
source: Test
version: 1
kind: convention
---

## Section

A passage.
"""
HEAVY = (
    "sqlalchemy.orm",
    "sqlmodel",
    "planner.models",
    "alembic",
    "pydantic",
    "jsonschema",
    "rule_engine",
    "reportlab",
)


def test_up_to_date_database_opens_and_lists_with_sqlalchemy_core_alone(db_path: Path) -> None:
    code = (
        "import sys\n"
        "from planner.opening import seed_shipped_documents\n"
        "from planner.record.followup import due_list\n"
        "from planner.record.patients import list_patients\n"
        "from planner.storage.backup import automatic_backup\n"
        "from planner.storage.database import damage_reported, open_schema\n"
        f"database = open_schema({str(db_path)!r})\n"
        "with damage_reported(database):\n"
        "    seed_shipped_documents(database)\n"
        "    automatic_backup(database.path)\n"
        "list_patients(database)\n"
        "import datetime\n"
        "due_list(database, datetime.date(2026, 11, 1))\n"
        "database.dispose()\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_way_to_read_gets_the_same_connection_settings(db: Any) -> None:
    """Core reads, ORM sessions and writes all come from the one engine, configured in one place."""
    names = ("foreign_keys", "busy_timeout", "trusted_schema", "journal_mode", "synchronous", "recursive_triggers")
    with db.connection() as connection:
        core = [connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names]
    with db.read() as session:
        orm = [session.connection().exec_driver_sql(f"PRAGMA {name}").scalar() for name in names]
    with db.transaction() as connection:
        writing = [connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names]
    assert core == orm == writing
    assert core[:3] == [1, db.busy_timeout_ms, 0] and core[4:] == [2, 1]


def test_open_schema_backs_up_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    database = open_schema(path)
    assert current_revision(database) == HEAD_REVISION
    database.dispose()
    backups = list_backups(path)
    assert [b.path.name.endswith("before-migration.sqlite3") for b in backups] == [True]
    with sqlite3.connect(backups[0].path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001_initial",)


def _shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped documents copied to a resources folder the planner is pointed at."""
    documents = tmp_path / "resources" / "documents"
    shutil.copytree(REPO / "resources" / "documents", documents)
    monkeypatch.setenv("PLANNER_RESOURCES", str(documents.parent))
    return documents


def test_changed_shipped_document_is_stored_at_the_next_seed(
    db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = _shipped_copy(tmp_path, monkeypatch)
    assert shipped_documents_stored(db)
    anatomy = documents / "anatomy.md"
    text = re.sub(r"^version: .*$", "version: 99", anatomy.read_text(encoding="utf-8"), count=1, flags=re.M)
    anatomy.write_text(text, encoding="utf-8")
    assert not shipped_documents_stored(db)
    seed_shipped_documents(db)
    assert next(d for d in list_documents(db) if d.id == "ANATOMY").version == "99"
    assert shipped_documents_stored(db)


def test_clinic_override_of_a_shipped_document_needs_no_sync(
    db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync leaves a clinic's own version of a shipped document alone, so the check says there is nothing
    to do (rather than sending every start to the full sync), until the shipped set brings a new document."""
    from planner.library.store import import_documents

    documents = _shipped_copy(tmp_path, monkeypatch)
    clinic = (documents / "clinic.md").read_text(encoding="utf-8")
    override = tmp_path / "our-clinic.md"
    override.write_text(clinic.replace("version: ", "version: 99-local-", 1), encoding="utf-8")
    import_documents(db, [override])
    assert shipped_documents_stored(db)
    (documents / "extra.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    assert not shipped_documents_stored(db)
    seed_shipped_documents(db)
    assert shipped_documents_stored(db)
    assert {d.id: d.origin for d in list_documents(db)}["CLINIC"] == "imported"


def test_windows_line_endings_do_not_count_as_a_change(
    db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check hashes the text as the parser stores it, so a checkout with CRLF does not resync every start."""
    documents = _shipped_copy(tmp_path, monkeypatch)
    for path in documents.glob("*.md"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert shipped_documents_stored(db)


def test_damage_found_after_the_schema_check_is_reported_with_the_backup(db_path: Path) -> None:
    backup = backup_database(db_path)
    damage_table(db_path, "document")
    damaged = db_path.read_bytes()
    database = open_schema(db_path)  # the schema and its revision still read
    with pytest.raises(DamagedDatabaseError) as caught, damage_reported(database):
        seed_shipped_documents(database)
    assert caught.value.backup == backup
    assert db_path.read_bytes() == damaged


def test_start_up_lists_read_assessment_dates_from_the_index(db: Any) -> None:
    """The patient list and the due list never read an assessment's row (a large JSON document): on a big
    database that is tens of thousands of pages at every start."""
    from planner.storage.queries import ACTIVE_PATIENT_LIST, DUE_FOLLOW_UPS, PATIENT_FOLLOW_UPS, PATIENT_LIST

    parameters = {"horizon": "2026-12-01", "patient_id": "P-1"}
    with db.connection() as connection:
        for statement in (PATIENT_LIST, ACTIVE_PATIENT_LIST, DUE_FOLLOW_UPS, PATIENT_FOLLOW_UPS):
            explained = connection.execute(text(f"EXPLAIN QUERY PLAN {statement.text}"), parameters)
            plan = [row[3] for row in explained]
            on_assessment = [step for step in plan if " assessment " in f" {step} " or " a " in f" {step} "]
            assert on_assessment and all("COVERING INDEX ix_assessment_patient_assessed" in s for s in on_assessment)


def test_bulk_rows_pause_the_collector_and_restore_it(db: Any) -> None:
    import gc

    assert gc.isenabled()
    with db.rows(text("SELECT count(*) FROM patient")) as rows:
        assert not gc.isenabled()
        assert next(iter(rows))[0] == 0
    assert gc.isenabled()
    with pytest.raises(OperationalError), db.rows(text("SELECT nothing FROM nowhere")):
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with db.rows(text("SELECT 1")):
            pass
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()
