"""``planner db check``: SQLite's own integrity check plus the planner's invariants.

Problems are things that must not happen (a damaged file, a broken reference, a signed plan that no longer
matches its hash); notes are worth knowing but expected (a draft citing a passage from a document that has
since been revised).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import select

from planner.db.engine import Database
from planner.errors import UserError
from planner.models import Plan


@dataclass(slots=True)
class CheckReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


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
