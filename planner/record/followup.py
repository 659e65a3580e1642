"""The follow-up schedule: dated plan items, what is due across patients, and marking an item done.

Dates come from the documents (``due:`` on a recommendation, see planner.engine.schedule) and are stored in
each plan item; the ``follow_up`` table mirrors the items of an assessment's latest plan version so the due
list is one indexed query rather than a parse of every stored plan. Only a patient's latest assessment
counts: the next visit brings a new plan and its own schedule.

The due list is read as plain rows with SQLAlchemy Core (planner.storage.queries: it fills with the patient
list at start-up, before anything needs the ORM); writing goes through the ORM, imported when it happens.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from planner.dates import add_days
from planner.engine.schedule import status_on, window_text
from planner.storage.queries import DUE_FOLLOW_UPS, PATIENT_FOLLOW_UPS

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import TextClause
    from sqlmodel import Session

    from planner.edits import PlanEdits
    from planner.models import Plan
    from planner.storage.database import Database


def dated_items(plan: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(section key, item) for every item of a plan that carries a due date, in plan order."""
    for section in plan["sections"]:
        for item in section["items"]:
            if item.get("due_on"):
                yield section["key"], item


def sync_plan(session: Session, plan: Plan, patient_id: str, content: dict[str, Any], edits: PlanEdits) -> None:
    """Make the assessment's follow-up rows match this plan version (``content`` and ``edits``, as just
    stored in ``plan``) as the clinician left it.

    A completion is kept when the same item is still in the plan; an item the clinician excluded loses its
    row, since the plan no longer asks for it.
    """
    from sqlmodel import select

    from planner.edits import apply_edits
    from planner.models import FollowUp

    final = apply_edits(content, edits)
    existing = {
        row.item_id: row for row in session.exec(select(FollowUp).where(FollowUp.assessment_id == plan.assessment_id))
    }
    assert plan.id is not None
    for section, item in dated_items(final):
        fields = {
            "plan_id": plan.id,
            "section": section,
            "title": item["title"],
            "due_on": item["due_on"],
            "due_until": item.get("due_until"),
        }
        row = existing.pop(item["id"], None)
        if row is None:
            row = FollowUp(assessment_id=plan.assessment_id, patient_id=patient_id, item_id=item["id"], **fields)
        else:
            row.sqlmodel_update(fields)
        session.add(row)
    for row in existing.values():
        session.delete(row)


@dataclass(frozen=True, slots=True)
class DueItem:
    id: int
    patient_id: str
    patient_name: str
    assessment_id: int
    plan_id: int
    item_id: str
    section: str
    title: str
    due_on: str
    due_until: str | None
    completed_on: str | None
    status: str


def _items(database: Database, statement: TextClause, params: dict[str, Any], today: date) -> list[DueItem]:
    # One object per repeated value: thousands of items share a few titles and dates (10.6 MiB down to 4.4 for
    # the due list of 10,000 patients).
    shared: dict[Any, Any] = {}  # interning: each value maps to itself
    share = shared.setdefault
    with database.rows(statement, params) as rows:
        return [
            DueItem(
                number,
                share(patient, patient),
                share(name, name),
                assessment,
                plan,
                share(item, item),
                share(section, section),
                share(title, title),
                share(on, on),
                share(until, until),
                share(done, done),
                status_on(today, on, until, done),
            )
            for number, patient, name, assessment, plan, item, section, title, on, until, done in rows
        ]


def due_list(database: Database, today: date, days_ahead: int = 14) -> list[DueItem]:
    """Open follow-ups of active patients that are overdue, due, or due within ``days_ahead`` days."""
    horizon = add_days(today, days_ahead).isoformat()  # 9999-12-31 at the latest, never an overflow
    return _items(database, DUE_FOLLOW_UPS, {"horizon": horizon}, today)


def patient_schedule(database: Database, patient_id: str, today: date) -> list[DueItem]:
    """Every follow-up of the patient's latest assessment, done ones included."""
    return _items(database, PATIENT_FOLLOW_UPS, {"patient_id": patient_id}, today)


def set_done(database: Database, follow_up_id: int, done_on: date | None, by: str = "") -> None:
    """Mark a follow-up done on a date (or open it again with None); the plan itself is not touched."""
    from planner.models import FollowUp
    from planner.storage import audit
    from planner.storage.database import get_or_raise

    with database.write() as session:
        row = get_or_raise(session, FollowUp, follow_up_id)
        row.completed_on = done_on.isoformat() if done_on else None
        row.completed_by = (by.strip() or audit.current_user()) if done_on else None
        session.add(row)
        audit.record(
            session,
            "follow_up.done" if done_on else "follow_up.reopen",
            f"follow_up:{follow_up_id}",
            {"item": row.item_id, "assessment": row.assessment_id, "on": row.completed_on},
        )


def due_text(items: list[DueItem], today: date) -> str:
    if not items:
        return f"nothing due as of {today.isoformat()}\n"
    lines = [f"Follow-up due as of {today.isoformat()}"]
    for item in items:
        lines.append(
            f"  [{item.id}] {item.status:<8} {window_text(item.due_on, item.due_until):<24} {item.patient_name} "
            f"({item.patient_id}): {item.title}"
        )
    return "\n".join(lines) + "\n"
