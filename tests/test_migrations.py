"""Migrations: the recorded head is Alembic's head, and the migrated schema is exactly the models' schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import planner.models  # noqa: F401
from planner.db.engine import open_database
from planner.db.migrate import HEAD_REVISION, alembic_config, current_revision


def test_head_constant_matches_scripts(db: Any) -> None:
    script = ScriptDirectory.from_config(alembic_config(db))  # type: ignore[arg-type]
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


def test_database_from_first_schema_upgrades_with_records_intact(tmp_path: Path) -> None:
    from planner.assessment.validate import load_assessment_file
    from planner.db.engine import Database
    from planner.db.migrate import upgrade
    from planner.records import store_assessment
    from tests.conftest import example_paths

    path = tmp_path / "old.sqlite3"
    old = Database(path)
    upgrade(old, "0001_initial")
    from planner.library.store import sync_shipped_documents

    sync_shipped_documents(old)
    stored = store_assessment(old, load_assessment_file(example_paths()[0]))
    old.dispose()

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with sqlite3.connect(path) as connection:
            return {
                table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("document", "passage", "recommendation", "patient", "assessment", "plan")
            }

    before = snapshot()
    database = open_database(path)
    assert current_revision(database) == HEAD_REVISION
    database.dispose()
    assert snapshot() == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM setting").fetchone() == (0,)
        assert connection.execute("SELECT id FROM plan").fetchall() == [(stored.plan_id,)]
