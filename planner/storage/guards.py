"""The schema's guards: triggers with which the database itself refuses to rewrite what must not change.

Signed plans cannot be updated, deleted, or replaced by a REPLACE conflict (SQLite deletes the conflicting
row of ``INSERT OR REPLACE`` / ``UPDATE OR REPLACE`` without firing delete triggers unless recursive triggers
are on, so the insert and update guards close that path for every connection); a plan keeps its id,
assessment and version; the audit log is appended to at its end only, each entry naming the hash of the one
before; a stored plan part (planner.storage.plan_parts) is added once and never changed, deleted or
replaced by another text; the database's id is made once and never changed. Every update of a plan
increments its row version (SQLAlchemy does it for the planner; the trigger for any other writer).

These are the guards of the newest schema, as the migrations create them (0003, 0006 and 0008); a test
keeps the two the same, and ``planner db check`` compares a database's triggers with them. They are SQLite
triggers; on PostgreSQL the same guards would be triggers (or rules) of its own dialect beside these.
"""

from __future__ import annotations

from typing import Any

GUARDS: dict[str, str] = {
    "plan_signed_no_update": (
        "CREATE TRIGGER plan_signed_no_update BEFORE UPDATE ON plan WHEN OLD.status = 'signed' "
        "BEGIN SELECT RAISE(ABORT, 'a signed plan cannot be changed; amend it as a new version'); END"
    ),
    "plan_signed_no_delete": (
        "CREATE TRIGGER plan_signed_no_delete BEFORE DELETE ON plan WHEN OLD.status = 'signed' "
        "BEGIN SELECT RAISE(ABORT, 'a signed plan cannot be deleted'); END"
    ),
    "plan_signed_no_replace": (
        "CREATE TRIGGER plan_signed_no_replace BEFORE INSERT ON plan WHEN EXISTS (SELECT 1 FROM plan "
        "WHERE status = 'signed' AND (id = NEW.id OR (assessment_id = NEW.assessment_id AND version = NEW.version))) "
        "BEGIN SELECT RAISE(ABORT, 'a signed plan cannot be replaced'); END"
    ),
    "plan_identity_fixed": (
        "CREATE TRIGGER plan_identity_fixed BEFORE UPDATE OF id, assessment_id, version ON plan "
        "WHEN NEW.id IS NOT OLD.id OR NEW.assessment_id IS NOT OLD.assessment_id OR NEW.version IS NOT OLD.version "
        "BEGIN SELECT RAISE(ABORT, 'a plan keeps its id, assessment and version'); END"
    ),
    "plan_row_version": (
        "CREATE TRIGGER plan_row_version AFTER UPDATE ON plan WHEN NEW.row_version IS OLD.row_version "
        "BEGIN UPDATE plan SET row_version = OLD.row_version + 1 WHERE id = NEW.id; END"
    ),
    "audit_log_no_update": (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    ),
    "audit_log_no_delete": (
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    ),
    "audit_log_append_only": (
        "CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log "
        "WHEN NEW.id IS NULL OR NEW.id <= (SELECT coalesce(max(id), 0) FROM audit_log) "
        "OR NEW.prev_hash IS NOT (SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1) "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry goes after the last one "
        "and names its hash'); END"
    ),
    "database_identity_no_update": (
        "CREATE TRIGGER database_identity_no_update BEFORE UPDATE ON database_identity "
        "BEGIN SELECT RAISE(ABORT, 'the database id cannot be changed'); END"
    ),
    "database_identity_no_delete": (
        "CREATE TRIGGER database_identity_no_delete BEFORE DELETE ON database_identity "
        "BEGIN SELECT RAISE(ABORT, 'the database id cannot be changed'); END"
    ),
    "plan_part_no_update": (
        "CREATE TRIGGER plan_part_no_update BEFORE UPDATE ON plan_part "
        "BEGIN SELECT RAISE(ABORT, 'a stored plan part cannot be changed'); END"
    ),
    "plan_part_no_delete": (
        "CREATE TRIGGER plan_part_no_delete BEFORE DELETE ON plan_part "
        "BEGIN SELECT RAISE(ABORT, 'a stored plan part cannot be deleted'); END"
    ),
    "plan_part_no_replace": (
        "CREATE TRIGGER plan_part_no_replace BEFORE INSERT ON plan_part "
        "WHEN EXISTS (SELECT 1 FROM plan_part WHERE id = NEW.id OR (hash = NEW.hash AND body IS NOT NEW.body)) "
        "BEGIN SELECT RAISE(ABORT, 'a stored plan part cannot be replaced'); END"
    ),
    "database_identity_single": (
        "CREATE TRIGGER database_identity_single BEFORE INSERT ON database_identity "
        "WHEN EXISTS (SELECT 1 FROM database_identity) "
        "BEGIN SELECT RAISE(ABORT, 'the database id cannot be changed'); END"
    ),
}


def _normalized(sql: str) -> str:
    return " ".join(sql.split())


def guard_problems(connection: Any) -> list[str]:
    """The guards missing from the database on ``connection`` (SQLAlchemy's), or stored with other text than
    the planner's."""
    if connection.dialect.name == "postgresql":
        from planner.storage.guards_postgres import guard_problems as server_guard_problems

        return server_guard_problems(connection)
    from planner.storage.sqlite import stored_triggers

    stored = stored_triggers(connection)
    problems = []
    for name, sql in GUARDS.items():
        if name not in stored:
            problems.append(f"the guard trigger {name} is missing")
        elif _normalized(stored[name] or "") != _normalized(sql):
            problems.append(f"the guard trigger {name} differs from the planner's")
    return problems
