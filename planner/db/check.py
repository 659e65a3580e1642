"""``planner db check``: SQLite's own integrity check plus the planner's invariants.

Problems are things that must not happen (a damaged file, a broken reference, a signed plan that no longer
matches its hash or the hash the audit log recorded when it was signed, a guard trigger missing or altered,
a break in the audit log's hash chain, no database id); notes are worth knowing but expected (a draft citing
a passage from a document that has since been revised).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import select

from planner.db.engine import Database
from planner.errors import DamagedDataError, UserError
from planner.models import Plan


@dataclass(slots=True)
class CheckReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _trail_problems(database: Database, plans: list[Plan]) -> tuple[list[str], list[str]]:
    """The audit log's hash chain, and each signed plan's hash against the one the log recorded at signing.
    A plan signed before the audit log existed (schema 0003) has no entry: a note, not a problem."""
    from planner.audit import chain_problems
    from planner.clock import stored_time
    from planner.db.guards import guard_problems
    from planner.db.identity import read_database_id

    problems: list[str] = []
    notes: list[str] = []
    with database.connect() as connection:
        problems += guard_problems(connection)
        problems += chain_problems(connection)
        if read_database_id(connection) is None:
            problems.append("the database has no id (its backups cannot be told from another database's)")
        recorded: dict[str, list[str]] = {}
        for subject, detail in connection.execute(
            "SELECT subject, detail FROM audit_log WHERE action = 'plan.sign' ORDER BY id"
        ):
            recorded.setdefault(subject, []).append(json.loads(detail).get("hash"))
        first = connection.execute("SELECT min(at) FROM audit_log").fetchone()[0]
    before_trail = 0
    for plan in plans:
        if plan.status != "signed":
            continue
        hashes = recorded.get(f"plan:{plan.id}")
        if hashes is None:
            if plan.signed_at is not None and (first is None or stored_time(plan.signed_at) < first):
                before_trail += 1
            else:
                problems.append(
                    f"plan {plan.id} (version {plan.version}) is signed but its sign-off is not in the audit log"
                )
        elif hashes != [plan.content_hash]:
            problems.append(
                f"plan {plan.id} (version {plan.version}) does not carry the hash recorded in the audit log "
                "when it was signed"
            )
    if before_trail:
        notes.append(
            f"{before_trail} signed plans predate the audit log; their hashes are checked against themselves only"
        )
    return problems, notes


def check_database(database: Database) -> CheckReport:
    from planner.library.store import load_library
    from planner.records import signature_hash, unnormalized_patient_ids

    report = CheckReport()
    with database.engine.connect() as connection:
        result = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        if result != ["ok"]:
            report.problems += [f"integrity: {line}" for line in result[:20]]
        for table, rowid, parent, _fk in connection.exec_driver_sql("PRAGMA foreign_key_check"):
            report.problems.append(f"foreign key: {table} row {rowid} refers to a missing {parent}")
        try:
            connection.exec_driver_sql("INSERT INTO passage_fts(passage_fts, rank) VALUES ('integrity-check', 1)")
        except Exception as exc:
            report.problems.append(f"full-text index: {exc}")
        connection.rollback()
    try:
        library = load_library(database)
    except DamagedDataError as exc:
        report.problems.append(f"library: {exc}")
        library = None
    except UserError as exc:
        report.problems.append(f"library: the enabled documents do not compile: {exc}")
        library = None
    with database.read() as session:
        plans = list(session.exec(select(Plan)))
        report.counts = {
            "plans": len(plans),
            "signed": sum(1 for p in plans if p.status == "signed"),
            "patients": session.execute(text("SELECT count(*) FROM patient")).scalar_one(),
            "documents": session.execute(text("SELECT count(*) FROM document")).scalar_one(),
        }
    trail_problems, trail_notes = _trail_problems(database, plans)
    report.problems += trail_problems
    report.notes += trail_notes
    stale = 0
    for plan in plans:
        if plan.status == "signed" and signature_hash(plan) != plan.content_hash:
            report.problems.append(f"plan {plan.id} (version {plan.version}) differs from what was signed")
        if library is None or plan.status == "signed":
            continue  # a signed plan keeps the passages it was signed with
        content = json.loads(plan.content)
        entries = [e for s in content.get("sections", []) for e in s.get("items", [])] + content.get("alerts", [])
        for entry in entries:
            for evidence in entry.get("evidence", []):
                if (evidence.get("document_id"), evidence.get("section")) not in library.passages:
                    stale += 1
    report.notes += unnormalized_patient_ids(database)
    if stale:
        report.notes.append(
            f"{stale} citations in draft plans point to passages no longer in the library "
            "(their documents were revised); the drafts refresh when next opened"
        )
    return report
