"""Signed plans and the trail cannot be rewritten unnoticed: every SQL form that would (REPLACE conflicts
included) is refused by the schema itself through a plain sqlite3 connection with SQLite's defaults, and
``db check`` finds what someone who first drops the guards changes."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import load_assessment_file
from planner.cli import run
from planner.record.assessments import save_draft, store_assessment
from planner.record.plans import get_plan, sign_stored_plan
from planner.storage.check import check_database
from planner.storage.guards import GUARDS
from tests.conftest import example_paths

PLAN_COLUMNS = (
    "assessment, packed_content, edits, library_version, created_at"  # the NOT NULL columns besides the identity
)


def signed_and_draft(db: Any) -> tuple[Any, Any]:
    """Assessment 1: version 1 signed, version 2 a draft."""
    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    signed = sign_stored_plan(db, stored.plan_id, "J. Rivera", "PT")
    draft = save_draft(db, stored.assessment_id, signed.assessment, signed.edits, opened=signed.stamp)
    return signed, draft


def raw(db: Any) -> sqlite3.Connection:
    """A connection as another tool would open it: SQLite's defaults (no recursive triggers, no foreign keys)."""
    connection = sqlite3.connect(db.path, isolation_level=None)
    assert connection.execute("PRAGMA recursive_triggers").fetchone() == (0,)
    return connection


def copy_of(plan_id: int, **values: str) -> str:
    """An INSERT ... SELECT of plan ``plan_id``'s row with some columns replaced (SQL text)."""
    columns = ["id", "assessment_id", "version", "status", "signer", "signer_credentials", "signed_at"]
    columns += ["content_hash", "row_version", *PLAN_COLUMNS.split(", ")]
    chosen = ", ".join(values.get(column, column) for column in columns)
    return f"({', '.join(columns)}) SELECT {chosen} FROM plan WHERE id = {plan_id}"


def plan_forms(signed: Any, draft: Any) -> list[str]:
    s, d, as_draft = signed.id, draft.id, "'draft'"
    return [
        # over the signed plan's id
        f"INSERT OR REPLACE INTO plan {copy_of(d, id=str(s), status=as_draft, version='99')}",
        f"REPLACE INTO plan {copy_of(d, id=str(s), status=as_draft, version='99')}",
        # over the signed plan's (assessment, version)
        f"INSERT OR REPLACE INTO plan {copy_of(d, id='NULL', version=str(signed.version))}",
        f"REPLACE INTO plan {copy_of(d, id='1000', version=str(signed.version))}",
        # a draft moved onto the signed plan's identity
        f"UPDATE OR REPLACE plan SET id = {s} WHERE id = {d}",
        f"UPDATE OR REPLACE plan SET version = {signed.version} WHERE id = {d}",
        f"UPDATE OR REPLACE plan SET assessment_id = assessment_id, version = {signed.version} WHERE id = {d}",
        # the signed plan itself
        f"UPDATE plan SET status = 'draft' WHERE id = {s}",
        f"UPDATE OR REPLACE plan SET packed_content = x'' WHERE id = {s}",
        f"DELETE FROM plan WHERE id = {s}",
        f"INSERT OR IGNORE INTO plan {copy_of(d, id=str(s))}",
    ]


def test_every_sql_form_that_would_rewrite_a_signed_plan_is_refused(db: Any) -> None:
    signed, draft = signed_and_draft(db)
    connection = raw(db)
    before = connection.execute("SELECT * FROM plan ORDER BY id").fetchall()
    for statement in plan_forms(signed, draft):
        try:
            connection.execute(statement)
        except sqlite3.IntegrityError as refused:
            assert "signed plan" in str(refused) or "keeps its id" in str(refused), statement
        else:
            assert statement.startswith("INSERT OR IGNORE"), f"not refused: {statement}"
        assert connection.execute("SELECT * FROM plan ORDER BY id").fetchall() == before, statement
    connection.close()
    assert check_database(db).ok


def test_a_plans_identity_never_changes_even_a_drafts(db: Any) -> None:
    _signed, draft = signed_and_draft(db)
    connection = raw(db)
    for statement in (
        f"UPDATE plan SET id = 5000 WHERE id = {draft.id}",
        f"UPDATE plan SET version = 7 WHERE id = {draft.id}",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="keeps its id"):
            connection.execute(statement)
    connection.close()


def audit_forms(connection: sqlite3.Connection) -> list[str]:
    last_id, last_hash = connection.execute("SELECT id, entry_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    values = "'2026-11-22 10:00:00.000000', 'mallory', 'plan.sign', 'plan:1', '{}'"
    return [
        f"INSERT OR REPLACE INTO audit_log (id, at, actor, action, subject, detail, prev_hash, entry_hash) "
        f"VALUES (1, {values}, NULL, 'x')",
        f"REPLACE INTO audit_log (id, at, actor, action, subject, detail, prev_hash, entry_hash) "
        f"VALUES (2, {values}, '{last_hash}', 'x')",
        "UPDATE OR REPLACE audit_log SET id = 1 WHERE id = 2",
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log WHERE id = 1",
        # an entry slipped in anywhere but after the last, or not naming the last one's hash
        f"INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, entry_hash) "
        f"VALUES (NULL, {values}, '{last_hash}', 'x')",
        f"INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, entry_hash) "
        f"VALUES ({last_id + 1}, {values}, 'not the last hash', 'x')",
        f"INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, entry_hash) "
        f"VALUES ({values}, '{last_hash}', 'x')",
    ]


def test_every_sql_form_that_would_rewrite_the_audit_log_is_refused(db: Any) -> None:
    signed_and_draft(db)
    connection = raw(db)
    before = connection.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    for statement in audit_forms(connection):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(statement)
        assert connection.execute("SELECT * FROM audit_log ORDER BY id").fetchall() == before, statement
    connection.close()
    assert check_database(db).ok


def test_the_database_id_cannot_be_changed(db: Any) -> None:
    connection = raw(db)
    (identity,) = connection.execute("SELECT id FROM database_identity").fetchone()
    for statement in (
        "UPDATE database_identity SET id = 'other'",
        "UPDATE OR REPLACE database_identity SET id = 'other'",
        "DELETE FROM database_identity",
        f"INSERT OR REPLACE INTO database_identity (id, created_at) VALUES ('{identity}', '2026-01-01')",
        "INSERT INTO database_identity (id, created_at) VALUES ('second', '2026-01-01')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="database id"):
            connection.execute(statement)
    assert connection.execute("SELECT id FROM database_identity").fetchall() == [(identity,)]
    connection.close()


def test_our_connections_also_fire_delete_guards_on_replace(db: Any) -> None:
    """Defence in depth: recursive triggers on every connection the planner opens."""
    with db.connection() as connection:
        assert connection.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1
    with db.read() as session:
        assert session.connection().exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1


def test_a_raw_update_of_a_draft_counts_as_a_new_row_version(db: Any) -> None:
    _signed, draft = signed_and_draft(db)
    connection = raw(db)
    connection.execute(f"UPDATE plan SET edits = '{{}}' WHERE id = {draft.id}")
    connection.close()
    assert get_plan(db, draft.id).row_version == draft.row_version + 1


def test_the_guards_are_those_the_migrations_make(db: Any) -> None:
    connection = raw(db)
    stored = dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    connection.close()
    assert {name: " ".join(sql.split()) for name, sql in stored.items() if name in GUARDS} == {
        name: " ".join(sql.split()) for name, sql in GUARDS.items()
    }


def part_forms(connection: sqlite3.Connection) -> list[str]:
    (number, part, body) = connection.execute("SELECT id, hash, body FROM plan_part ORDER BY id LIMIT 1").fetchone()
    other = body.replace("a", "b", 1)
    assert other != body
    quoted = other.replace("'", "''")
    return [
        f"UPDATE plan_part SET body = '{quoted}' WHERE id = {number}",
        f"UPDATE OR REPLACE plan_part SET hash = '{part}' WHERE id != {number}",
        f"UPDATE OR REPLACE plan_part SET id = {number} WHERE id != {number}",
        f"DELETE FROM plan_part WHERE id = {number}",
        f"INSERT OR REPLACE INTO plan_part (hash, body) VALUES ('{part}', '{quoted}')",
        f"INSERT OR REPLACE INTO plan_part (id, hash, body) VALUES ({number}, '{'0' * 64}', '{quoted}')",
        f"REPLACE INTO plan_part (hash, body) VALUES ('{part}', '{quoted}')",
        f"INSERT INTO plan_part (hash, body) VALUES ('{part}', '{quoted}')",
    ]


def test_every_sql_form_that_would_change_a_stored_plan_part_is_refused(db: Any) -> None:
    """What a signed plan cites is stored once for every plan that cites it: no SQL can change it under them."""
    signed, _draft = signed_and_draft(db)
    connection = raw(db)
    before = connection.execute("SELECT * FROM plan_part ORDER BY id").fetchall()
    assert before
    for statement in part_forms(connection):
        with pytest.raises(sqlite3.IntegrityError, match="stored plan part"):
            connection.execute(statement)
        assert connection.execute("SELECT * FROM plan_part ORDER BY id").fetchall() == before, statement
    (_number, part, body) = before[0]
    connection.execute("INSERT OR IGNORE INTO plan_part (hash, body) VALUES (?, ?)", (part, body))  # the same: no-op
    connection.close()
    assert get_plan(db, signed.id).content == signed.content
    assert check_database(db).ok


# --- db check: what someone who drops the guards first can change, is found -------------------------------


def tamper(db: Any, *statements: str) -> None:
    with sqlite3.connect(db.path, isolation_level=None) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def problems(db: Any) -> list[str]:
    report = check_database(db)
    assert not report.ok
    return report.problems


def test_check_finds_a_missing_or_disarmed_guard(db: Any) -> None:
    tamper(db, "DROP TRIGGER plan_signed_no_replace")
    assert "the guard trigger plan_signed_no_replace is missing" in problems(db)
    tamper(
        db,
        "CREATE TRIGGER plan_signed_no_replace BEFORE INSERT ON plan WHEN 0 BEGIN SELECT 1; END",
    )
    assert "the guard trigger plan_signed_no_replace differs from the planner's" in problems(db)


def test_check_finds_a_changed_removed_or_added_audit_entry(db: Any) -> None:
    signed_and_draft(db)
    tamper(db, "DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    assert any("audit entry 2 was changed" in p for p in problems(db))


def test_check_finds_a_removed_audit_entry(db: Any) -> None:
    signed_and_draft(db)
    tamper(db, "DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE id = 3")
    assert any("audit entry 4 does not follow" in p for p in problems(db))


def test_check_finds_a_re_signed_plan_whose_hash_was_recomputed(db: Any) -> None:
    """Changing the signed content and recomputing its hash is caught by the hash the log kept at signing."""
    from planner.models import Plan
    from planner.record.plans import signature_hash, stored_content

    signed, _draft = signed_and_draft(db)
    with db.read() as session:
        plan = session.get(Plan, signed.id)
        content = stored_content(session, plan)
        plan.edits = json.dumps({"excluded": {"clinic-aid-walker": "forged"}})
        forged_hash = signature_hash(plan, content)
    tamper(
        db,
        "DROP TRIGGER plan_signed_no_update",
        f"UPDATE plan SET edits = '{plan.edits}', content_hash = '{forged_hash}', row_version = row_version + 1 "
        f"WHERE id = {signed.id}",
    )
    assert any("hash recorded in the audit log" in p for p in problems(db))


def test_check_finds_a_changed_or_missing_plan_part(db: Any) -> None:
    """A part's text changed (its hash then no longer matches) or removed: the plans citing it no longer read
    back, and db check names both the part and the plans."""
    signed, _draft = signed_and_draft(db)
    connection = raw(db)
    evidence = connection.execute(
        "SELECT hash FROM plan_part WHERE body LIKE '{\"document\":%' ORDER BY hash LIMIT 1"
    ).fetchone()[0]
    connection.close()
    tamper(
        db,
        "DROP TRIGGER plan_part_no_update",
        f"UPDATE plan_part SET body = replace(body, 'e', 'E') WHERE hash = '{evidence}'",
    )
    found = problems(db)
    assert f"the stored plan part {evidence[:16]} no longer matches its hash" in found
    assert any(p.startswith(f"plan {signed.id} (version 1): a part of a stored plan no longer matches") for p in found)
    tamper(db, "DROP TRIGGER plan_part_no_delete", f"DELETE FROM plan_part WHERE hash = '{evidence}'")
    assert any(p.startswith(f"plan {signed.id} (version 1): a part of a stored plan is missing") for p in problems(db))


def test_check_finds_a_signed_plan_with_no_sign_off_in_the_log(db: Any) -> None:
    _signed, draft = signed_and_draft(db)
    tamper(db, f"UPDATE plan SET status = 'signed', row_version = row_version + 1 WHERE id = {draft.id}")
    assert any("not in the audit log" in p for p in problems(db))


def test_check_on_the_command_line_exits_1_on_problems(db: Any, capsys: pytest.CaptureFixture) -> None:
    signed_and_draft(db)
    assert run(["--db", str(db.path), "db", "check"]) == 0
    tamper(db, "DROP TRIGGER audit_log_append_only")
    assert run(["--db", str(db.path), "db", "check"]) == 1
    assert "PROBLEM: the guard trigger audit_log_append_only is missing" in capsys.readouterr().out


def test_the_audit_log_of_an_older_database_is_chained_by_the_migration(tmp_path: Path) -> None:
    """A database at schema 0005 with audit entries: after the migration the chain holds and goes on."""
    from planner.opening import open_database
    from planner.storage.database import Database
    from planner.storage.migrate import upgrade

    path = tmp_path / "older.sqlite3"
    path.touch()
    older = Database(path)
    upgrade(older, "0005_patient_dates")
    older.dispose()
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            [(f"2026-11-0{n} 10:00:00.000000", "clinic", "patient.create", f"patient:P{n}", "{}") for n in range(1, 6)],
        )
    connection.close()
    database = open_database(path)
    store_assessment(database, load_assessment_file(example_paths()[0]))
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT id, prev_hash, entry_hash FROM audit_log ORDER BY id").fetchall()
    connection.close()
    assert len(rows) > 5 and rows[0][1] is None and all(row[2] for row in rows)
    assert all(later[1] == earlier[2] for earlier, later in itertools.pairwise(rows))
    assert check_database(database).ok
    database.dispose()


def test_migration_0006_goes_down_and_up_again_with_its_guards(tmp_path: Path) -> None:
    from alembic import command

    from planner.opening import open_database
    from planner.storage.migrate import alembic_config, current_revision

    database = open_database(tmp_path / "planner.sqlite3", seed_library=False)
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.downgrade(config, "0005_patient_dates")  # type: ignore[arg-type]
    assert current_revision(database) == "0005_patient_dates"
    with sqlite3.connect(database.path) as connection:
        triggers = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    connection.close()
    assert triggers == {"plan_signed_no_update", "plan_signed_no_delete", "audit_log_no_update", "audit_log_no_delete"}
    database.dispose()
    again = open_database(tmp_path / "planner.sqlite3", seed_library=False)
    assert check_database(again).ok
    again.dispose()
