"""``planner db check``: SQLite's own integrity check plus the planner's invariants.

Problems are things that must not happen (a damaged file, a broken reference, a signed plan that no longer
matches its hash or the hash the audit log recorded when it was signed, a guard trigger missing or altered,
a break in the audit log's hash chain, a stored plan part whose text no longer matches its hash or that a
plan needs and is missing, no database id); notes are worth knowing but expected (a draft citing a passage
from a document that has since been revised).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from planner.errors import DamagedDataError, UserError
from planner.storage.database import Database


@dataclass(slots=True)
class CheckReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _trail_problems(connection: Any, signed: list[Any]) -> tuple[list[str], list[str]]:
    """The audit log's hash chain, and each signed plan's hash against the one the log recorded at signing.
    A plan signed before the audit log existed (schema 0003) has no entry: a note, not a problem."""
    from planner.clock import stored_time
    from planner.storage.audit import chain_problems
    from planner.storage.guards import guard_problems
    from planner.storage.identity import read_database_id
    from planner.storage.queries import AUDIT_ENTRIES_OF, FIRST_AUDIT_TIME

    problems: list[str] = []
    notes: list[str] = []
    problems += guard_problems(connection)
    problems += chain_problems(connection)
    if read_database_id(connection) is None:
        problems.append("the database has no id (its backups cannot be told from another database's)")
    recorded: dict[str, list[str]] = {}
    for subject, detail in connection.execute(AUDIT_ENTRIES_OF, {"action": "plan.sign"}):
        recorded.setdefault(subject, []).append(json.loads(detail).get("hash"))
    first = connection.execute(FIRST_AUDIT_TIME).scalar()
    before_trail = 0
    for plan in signed:
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
    from sqlmodel import col, select

    from planner.library.store import load_library
    from planner.models import Plan
    from planner.record.patients import unnormalized_patient_ids
    from planner.record.plans import plan_contents, signature_hash
    from planner.storage.plan_parts import part_problems
    from planner.storage.queries import DOCUMENT_COUNT, PATIENT_COUNT, search_index

    report = CheckReport()
    with database.connection() as connection:
        if database.is_server:
            from planner.storage.postgres import integrity_problems
        else:
            from planner.storage.sqlite import integrity_problems
        report.problems += integrity_problems(connection)
        index_problem = search_index(connection).check_index(connection)
        if index_problem:
            report.problems.append(f"full-text index: {index_problem}")
        report.problems += part_problems(connection)
    try:
        library = load_library(database)
    except DamagedDataError as exc:
        report.problems.append(f"library: {exc}")
        library = None
    except UserError as exc:
        report.problems.append(f"library: the enabled documents do not compile: {exc}")
        library = None
    with database.read() as session:
        plans = list(session.exec(select(Plan).order_by(col(Plan.id))))
        contents, missing = plan_contents(session, plans)
        report.counts = {
            "plans": len(plans),
            "signed": sum(1 for p in plans if p.status == "signed"),
            "patients": session.execute(PATIENT_COUNT).scalar_one(),
            "documents": session.execute(DOCUMENT_COUNT).scalar_one(),
        }
        signed = [p for p in plans if p.status == "signed"]
        trail_problems, trail_notes = _trail_problems(session.connection(), signed)
    report.problems += [f"plan {plan.id} (version {plan.version}): {problem}" for plan, problem in missing]
    report.problems += trail_problems
    report.notes += trail_notes
    stale = 0
    for plan in plans:
        assert plan.id is not None  # read from the table
        content = contents.get(plan.id)
        if content is None:
            continue  # its parts are missing: reported above
        if plan.status == "signed" and signature_hash(plan, content) != plan.content_hash:
            report.problems.append(f"plan {plan.id} (version {plan.version}) differs from what was signed")
        if library is None or plan.status == "signed":
            continue  # a signed plan keeps the passages it was signed with
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
