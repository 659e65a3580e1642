"""Every hand-written statement runs against a freshly migrated schema, and is written in portable SQL.

planner.storage.queries holds every statement the planner writes by hand (the rest is SQLAlchemy's ORM);
planner.storage.search_sqlite holds the full-text search, which is SQLite's own. Each statement of both is
run here, on a new database brought to the newest schema by the migrations, empty and then holding a
patient with a signed plan: a statement naming a column or table the schema does not have, or a parameter
it is not given, fails here rather than on a clinician's screen. A statement added without an entry here
fails the test too, so none goes untried.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.sql.elements import TextClause

from planner.storage import queries, search_sqlite
from planner.storage.database import Database, open_schema
from tests.conftest import make_assessment
from tests.paths import REPO

PART_BODY = '{"text":"a passage"}'
PART_HASH = "5d1d1a1c3c6fa9d4b6d9cb93bd1d1b6cbd7b7e8b6f4d0c6d7e8f9a0b1c2d3e4f"  # any text: only its kind matters


def _next_audit_entry(connection: Any) -> dict[str, Any]:
    """An entry that goes after the last one and names its hash (the schema's guard wants both)."""
    last = connection.execute(queries.LAST_AUDIT_ENTRY).first()
    return {
        "id": (last[0] if last else 0) + 1,
        "at": "2026-12-01 10:00:00.000000",
        "actor": "tester",
        "action": "test.query",
        "subject": "queries",
        "detail": "{}",
        "prev_hash": last[1] if last else None,
        "entry_hash": "0" * 64,
    }


Parameters = dict[str, Any] | Callable[[Any], dict[str, Any]]

PORTABLE: dict[str, Parameters] = {
    "PATIENT_LIST": {},
    "ACTIVE_PATIENT_LIST": {},
    "DUE_FOLLOW_UPS": {"horizon": "2099-12-31"},
    "PATIENT_FOLLOW_UPS": {"patient_id": "Q-1"},
    "PATIENT_IDS": {},
    "PATIENT_NAMES": {},
    "PATIENT_COUNT": {},
    "DOCUMENT_BODIES": {"origin": "shipped"},
    "DOCUMENT_ORIGIN": {"document_id": "ANATOMY"},
    "ENABLED_DOCUMENT_CHECKSUMS": {},
    "DOCUMENT_COUNT": {},
    "SCHEMA_REVISION": {},
    "DATABASE_ID": {},
    "ADD_DATABASE_ID": {"id": "another-id", "created_at": "2026-12-01 10:00:00.000000"},
    "LAST_AUDIT_ENTRY": {},
    "APPEND_AUDIT_ENTRY": _next_audit_entry,
    "AUDIT_CHAIN": {},
    "AUDIT_ENTRIES_OF": {"action": "plan.sign"},
    "FIRST_AUDIT_TIME": {},
    "LAST_CHANGE": {},
    "PLAN_PARTS": {"ids": [1, 2, 10**9]},
    "STORED_PLAN_PARTS": {"hashes": [PART_HASH]},
    "ADD_PLAN_PART": {"hash": PART_HASH, "body": PART_BODY},
    "EVERY_PLAN_PART": {},
}
"""Each statement of planner.storage.queries and parameters to run it with."""

SQLITE_SEARCH: dict[str, Parameters] = {
    "INDEX_PASSAGES": {"document_id": "ANATOMY"},
    "UNINDEX_PASSAGES": {"document_id": "ANATOMY"},
    "ADD_SYNONYMS": {"words": "walker frame", "document_id": "ANATOMY"},
    "REMOVE_SYNONYMS": {"document_id": "ANATOMY"},
    "CHECK_INDEX": {},
    "SYNONYMS": {"word": 'words:"walker"'},
    "SEARCH_ALL": {"match": '"muscle"*', "highlight_start": "[", "highlight_end": "]", "limit": 5},
    "SEARCH_ENABLED": {"match": '"muscle"*', "highlight_start": "[", "highlight_end": "]", "limit": 5},
}
"""Each statement of planner.storage.search_sqlite (SQLite's FTS5) and parameters to run it with."""

NOT_PORTABLE = [
    r"\bCOLLATE\s+NOCASE\b",
    r"\browid\b",
    r"\bINSERT\s+OR\b",
    r"\bsqlite_\w+",
    r"\bPRAGMA\b",
    r"\bGLOB\b",
    r"\?",  # positional parameters
    r"\bIFNULL\b",
    r"\bstrftime\b",
    r"\bjulianday\b",
    r"\bdate\(",
]
"""SQLite's own syntax, which a PostgreSQL clinic server would refuse."""


def statements(module: Any) -> dict[str, TextClause]:
    return {name: value for name, value in vars(module).items() if isinstance(value, TextClause)}


@pytest.fixture
def fresh(tmp_path: Path) -> Any:
    """A new database file brought to the newest schema by the migrations (no documents, no patients)."""
    database = open_schema(tmp_path / "fresh.sqlite3")
    yield database
    database.dispose()


def _run_all(database: Database, module: Any, table: dict[str, Parameters]) -> dict[str, list[Any]]:
    """Run each statement in a transaction of its own that is rolled back, so each sees the same database."""
    results: dict[str, list[Any]] = {}
    for name, statement in statements(module).items():
        with database.engine.connect() as connection:
            transaction = connection.begin()
            given = table[name]
            parameters = given(connection) if callable(given) else given
            result = connection.execute(statement, parameters)
            results[name] = result.all() if result.returns_rows else []
            transaction.rollback()
    return results


def test_every_statement_has_parameters_here() -> None:
    assert set(statements(queries)) == set(PORTABLE)
    assert set(statements(search_sqlite)) == set(SQLITE_SEARCH)
    for table, module in ((PORTABLE, queries), (SQLITE_SEARCH, search_sqlite)):
        for name, statement in statements(module).items():
            given = table[name]
            if not callable(given):
                assert set(given) == set(statement._bindparams), name  # every parameter, and no other


def test_every_statement_runs_on_a_freshly_migrated_schema(fresh: Database) -> None:
    results = _run_all(fresh, queries, PORTABLE)
    assert results["PATIENT_LIST"] == [] and results["PATIENT_COUNT"] == [(0,)]
    assert results["SCHEMA_REVISION"] == [(_head(),)]
    assert len(results["DATABASE_ID"]) == 1
    _run_all(fresh, search_sqlite, SQLITE_SEARCH)


def test_every_statement_runs_on_a_schema_holding_a_signed_plan(fresh: Database) -> None:
    from planner.library.store import sync_shipped_documents
    from planner.record.assessments import store_assessment
    from planner.record.plans import sign_stored_plan

    sync_shipped_documents(fresh)
    stored = store_assessment(fresh, make_assessment(patient={"id": "Q-1", "name": "Query Patient"}))
    sign_stored_plan(fresh, stored.plan_id, "J. Rivera", "PT")

    results = _run_all(fresh, queries, PORTABLE)
    assert [row[0] for row in results["PATIENT_LIST"]] == ["Q-1"]
    assert results["PATIENT_FOLLOW_UPS"], "the signed plan's follow-ups"
    assert [row[0] for row in results["AUDIT_ENTRIES_OF"]] == [f"plan:{stored.plan_id}"]
    assert results["EVERY_PLAN_PART"], "the plan's parts are stored"
    assert ("ANATOMY",) in [(row[0],) for row in results["ENABLED_DOCUMENT_CHECKSUMS"]]
    found = _run_all(fresh, search_sqlite, SQLITE_SEARCH)
    assert found["SEARCH_ALL"] and found["SEARCH_ENABLED"]


@pytest.mark.parametrize("name", sorted(PORTABLE))
def test_the_portable_statements_use_no_sqlite_only_syntax(name: str) -> None:
    sql = getattr(queries, name).text
    for pattern in NOT_PORTABLE:
        assert not re.search(pattern, sql, flags=re.IGNORECASE), f"{name}: {pattern} is SQLite's own"


def _head() -> str:
    from planner.storage.migrate import HEAD_REVISION

    return HEAD_REVISION


def test_only_the_sqlite_dialect_module_uses_the_driver() -> None:
    """One storage path: everything else reads and writes through SQLAlchemy (the ORM, or the statements of
    planner.storage.queries), never through sqlite3 itself, so a second database needs a second dialect
    module and nothing more."""
    import ast

    package = REPO / "planner"
    users = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "sqlite3" for name in names):
                users.add(path.relative_to(package).as_posix())
    assert users == {"storage/sqlite.py"}
