"""Migrations: the recorded head is Alembic's head, the migrated schema is exactly the models' schema, and a
database of every earlier schema converts with every record intact: each plan's content reads back as it was
and each signature verifies as it did."""

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
from planner.opening import open_database
from planner.storage.database import Database
from planner.storage.migrate import HEAD_REVISION, alembic_config, current_revision
from tests.paths import FIXTURES


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
            if not (d[0] == "remove_table" and d[1].name.startswith(("passage_fts", "synonym_fts")))
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


SCHEMAS = sorted(FIXTURES.glob("schema-*.sqlite3"))
"""Databases as earlier schemas left them: 0001 and 0002 written with raw SQL, 0007 by the planner's own code
of that time (real plans, signed and amended; tests/fixtures/make_schema_0007.py)."""
TABLES = ("document", "passage", "recommendation", "definition", "patient", "assessment", "plan", "follow_up")


def _rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of the record's tables as {column: value}; a plan's content as the JSON it holds, read from
    ``content`` (before 0008) or resolved from ``packed_content`` and its parts (after), so the two compare."""
    import json

    from planner.storage.plan_parts import unpack

    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        rows = {
            table: [dict(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1")]
            for table in TABLES
            if table in tables
        }
        for plan in rows["plan"]:
            if "packed_content" in plan:
                packed = plan.pop("packed_content")
                with Database(path).connection() as reader:
                    plan["content"] = unpack(reader, [packed])[0]
            else:
                plan["content"] = json.loads(plan["content"])
    finally:
        connection.close()
    return rows


def _same_as_before(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]) -> None:
    """Every row that was there is there, each column it had with the same value (migrations add columns)."""
    for table, rows in before.items():
        assert len(after[table]) >= len(rows), table
        kept = {row["id"] if "id" in row else tuple(row.values()): row for row in after[table]}
        for row in rows:
            key = row["id"] if "id" in row else tuple(row.values())
            assert {column: kept[key].get(column) for column in row} == row, (table, key)


LIBRARY_TABLES = ("document", "passage", "recommendation", "definition")


def _without_shipped_library(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """``rows`` less the shipped documents and what they hold (passages, recommendations, definitions)."""
    shipped = {row["id"] for row in rows.get("document", []) if row.get("origin") == "shipped"}
    kept = {table: list(table_rows) for table, table_rows in rows.items()}
    for table in LIBRARY_TABLES:
        if table in kept:
            key = "id" if table == "document" else "document_id"
            kept[table] = [row for row in kept[table] if row.get(key) not in shipped]
    return kept


def _signatures_verify(rows: dict[str, list[dict[str, Any]]]) -> dict[int, bool]:
    """Whether each signed plan's stored hash is the hash of what it holds (assessment, content as generated,
    edits, signer, time; stored as UTC wall time, read back as aware UTC)."""
    import hashlib
    import json
    from datetime import UTC, datetime

    from planner.storage.plan_parts import canonical_json

    verdicts = {}
    for plan in rows["plan"]:
        if plan["status"] != "signed":
            continue
        payload = {
            "assessment": json.loads(plan["assessment"]),
            "content": plan["content"],
            "edits": json.loads(plan["edits"]),
            "signer": plan["signer"],
            "credentials": plan["signer_credentials"],
            "signed_at": datetime.fromisoformat(plan["signed_at"]).replace(tzinfo=UTC).isoformat(),
        }
        verdicts[plan["id"]] = hashlib.sha256(canonical_json(payload).encode()).hexdigest() == plan["content_hash"]
    return verdicts


@pytest.mark.parametrize("fixture", SCHEMAS, ids=lambda p: p.stem)
def test_old_schema_upgrades_with_every_record_intact(fixture: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / fixture.name
    shutil.copy(fixture, path)  # a closed fixture file, not a live database
    before = _rows(path)
    assert before["plan"] and before["patient"]
    database = open_database(path, seed_library=False)
    assert current_revision(database) == HEAD_REVISION
    database.dispose()
    _same_as_before(before, _rows(path))
    seeded = open_database(path)  # and the shipped library loads beside the clinic's documents
    after = _rows(path)
    # Seeding replaces the shipped documents stored at the fixture's time by this version's (as every start
    # does); everything else, the clinic's own documents included, stays as it was.
    _same_as_before(_without_shipped_library(before), _without_shipped_library(after))
    if "FIX-DOC" in {row["id"] for row in before["document"]}:
        assert {"FIX-DOC", "CLINIC"} <= {row["id"] for row in after["document"]}
    # 0008: every plan's content reads back as it was (compared above), and every signature verifies as before
    assert _signatures_verify(after) == _signatures_verify(before)
    # 0006: every plan keeps its row version, a database id, the guards, and an audit chain that holds
    from planner.storage.audit import chain_problems
    from planner.storage.guards import guard_problems

    with seeded.connection() as connection:
        assert {row["id"]: row["row_version"] for row in after["plan"]} == {
            row["id"]: row.get("row_version", 1) for row in before["plan"]
        }
        assert len(connection.exec_driver_sql("SELECT id FROM database_identity").all()) == 1
        assert guard_problems(connection) == [] and chain_problems(connection) == []
    seeded.dispose()


def test_plans_written_at_schema_0007_convert_with_signatures_and_check_intact(tmp_path: Path) -> None:
    """The planner's own plans of schema 0007 (signed, amended, drafts, synthetic patients): after 0008 each
    reads back through the record exactly as stored, every signed hash verifies, and ``db check`` passes.
    Down to 0007 again, every plan's content is the JSON it was."""
    import json
    import shutil

    from alembic import command

    from planner.record.plans import get_plan
    from planner.storage.check import check_database

    path = tmp_path / "planner.sqlite3"
    shutil.copy(FIXTURES / "schema-0007.sqlite3", path)
    before = _rows(path)
    assert sum(plan["status"] == "signed" for plan in before["plan"]) >= 4
    assert all(_signatures_verify(before).values())
    database = open_database(path)
    for plan in before["plan"]:
        record = get_plan(database, plan["id"])
        assert record.content == plan["content"]
        assert record.edits.to_json() == json.loads(plan["edits"]) or plan["edits"] == "{}"
    report = check_database(database)
    assert report.ok, report.problems
    assert report.counts["signed"] == sum(plan["status"] == "signed" for plan in before["plan"])
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.downgrade(config, "0007_search_stemming")  # type: ignore[arg-type]
    database.dispose()
    down = _rows(path)
    assert [plan["content"] for plan in down["plan"]] == [plan["content"] for plan in before["plan"]]
    again = open_database(path)
    assert check_database(again).ok
    again.dispose()


def test_a_stored_plan_version_is_compact(db: Any) -> None:
    """Each distinct part once: a second patient's plan stores only what differs, and a plan row holds its
    content compressed, a fraction of the JSON it reads back as."""
    from planner.assessment.validate import load_assessment_file
    from planner.record.assessments import store_assessment
    from planner.record.plans import get_plan
    from planner.storage.plan_parts import canonical_json
    from tests.conftest import example_paths

    def stored(patient_id: str) -> tuple[int, int]:
        assessment = load_assessment_file(example_paths()[0])
        assessment["patient"] = {**assessment["patient"], "id": patient_id}
        plan_id = store_assessment(db, assessment).plan_id
        with sqlite3.connect(db.path) as connection:
            packed = connection.execute("SELECT length(packed_content) FROM plan WHERE id = ?", (plan_id,)).fetchone()
            parts = connection.execute("SELECT coalesce(sum(length(body)), 0) FROM plan_part").fetchone()
        connection.close()
        assert len(canonical_json(get_plan(db, plan_id).content)) > 20 * packed[0]
        return packed[0], parts[0]

    _first, parts_after_first = stored("P-1")
    _second, parts_after_second = stored("P-2")
    assert parts_after_second == parts_after_first  # the same plan for another patient adds no part


def test_signed_plans_refuse_raw_sql_changes(db: Any) -> None:
    from planner.assessment.validate import load_assessment_file
    from planner.record.assessments import store_assessment
    from planner.record.plans import sign_stored_plan
    from tests.conftest import example_paths

    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    sign_stored_plan(db, stored.plan_id, "J. Rivera", "PT")
    with sqlite3.connect(db.path) as connection:
        for statement in ("UPDATE plan SET packed_content = x'' WHERE id = ?", "DELETE FROM plan WHERE id = ?"):
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
