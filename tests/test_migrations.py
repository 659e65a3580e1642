"""Migrations: the recorded head is Alembic's head, and the migrated schema is exactly the models' schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import planner.models  # noqa: F401
from planner.db.engine import open_database
from planner.db.migrate import HEAD_REVISION, alembic_config, current_revision


def test_head_constant_matches_scripts(db: Any) -> None:
    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    assert script.get_current_head() == HEAD_REVISION
    assert current_revision(db) == HEAD_REVISION


def test_migrated_schema_matches_models(db: Any) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if not (d[0] == "remove_table" and d[1].name.startswith("passage_fts"))
        ]
    assert differences == []


def test_new_database_is_private_and_has_fts(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    database = open_database(path)
    database.dispose()
    assert path.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(path) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"document", "passage", "passage_fts", "patient", "assessment", "plan", "alembic_version"} <= tables


def test_connection_pragmas(db: Any) -> None:
    with db.engine.connect() as connection:

        def pragma(name: str) -> Any:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000
        assert pragma("trusted_schema") == 0
        assert pragma("synchronous") == 2  # FULL
        assert pragma("journal_mode") in ("wal", "delete")


def test_garbage_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    import pytest

    from planner.errors import StorageError

    path = tmp_path / "not-a-db.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not a usable planner database"):
        open_database(path)
    assert path.read_bytes() == before


FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-*.sqlite3"))
TABLES = ("document", "passage", "recommendation", "definition", "patient", "assessment", "plan")


def _rows(path: Path, like: dict[str, list[tuple[Any, ...]]] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the record's tables; with ``like``, only the columns those rows had (migrations add
    columns at the end)."""
    with sqlite3.connect(path) as connection:
        rows = {table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in TABLES}
    if like is not None:
        rows = {
            table: [row[: len(like[table][0])] if like[table] else row for row in found]
            for table, found in rows.items()
        }
    return rows


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_old_schema_upgrades_with_every_record_intact(fixture: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / fixture.name
    shutil.copy(fixture, path)  # a closed fixture file, not a live database
    before = _rows(path)
    assert before["plan"] and before["patient"]
    database = open_database(path, seed_library=False)
    assert current_revision(database) == HEAD_REVISION
    database.dispose()
    assert _rows(path, like=before) == before
    seeded = open_database(path)  # and the shipped library loads beside the clinic's document
    seeded.dispose()
    after = _rows(path, like=before)
    assert {"FIX-DOC", "CLINIC"} <= {row[0] for row in after["document"]}
    assert after["plan"] == before["plan"] and after["patient"] == before["patient"]
    # 0006: every plan at row version 1, a database id, the guards, and an audit chain that holds
    from planner.audit import chain_problems
    from planner.db.guards import guard_problems

    with sqlite3.connect(path) as connection:
        assert {row[0] for row in connection.execute("SELECT row_version FROM plan")} == {1}
        assert len(connection.execute("SELECT id FROM database_identity").fetchall()) == 1
        assert guard_problems(connection) == [] and chain_problems(connection) == []
    connection.close()


def test_signed_plans_refuse_raw_sql_changes(db: Any) -> None:
    from planner.assessment.validate import load_assessment_file
    from planner.records import sign_stored_plan, store_assessment
    from tests.conftest import example_paths

    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    sign_stored_plan(db, stored.plan_id, "J. Rivera", "PT")
    with sqlite3.connect(db.path) as connection:
        for statement in ("UPDATE plan SET content = '{}' WHERE id = ?", "DELETE FROM plan WHERE id = ?"):
            with pytest.raises(sqlite3.IntegrityError, match="signed plan"):
                connection.execute(statement, (stored.plan_id,))
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM audit_log")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("UPDATE audit_log SET actor = 'x'")


def test_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    from planner.errors import StorageError

    path = tmp_path / "newer.sqlite3"
    open_database(path).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    before, backups = path.read_bytes(), sorted(tmp_path.rglob("*"))
    with pytest.raises(StorageError, match="written by a newer version of the planner"):
        open_database(path)
    assert path.read_bytes() == before
    assert sorted(tmp_path.rglob("*")) == backups  # no backup taken, nothing created
