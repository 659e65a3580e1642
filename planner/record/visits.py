"""A patient's stored assessments (visits), read: in date order, before a given visit, and as summaries.

A new plan is drafted against the visits before it (planner.plan.draft reads them here), so progress across
visits is judged the same way by every caller. Dates are compared as dates: a value stored in another ISO
form before input was strict (a week date) still sorts on its day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planner.dates import as_date
from planner.record.patients import stored_patient_id
from planner.storage.database import Database, get_or_raise

if TYPE_CHECKING:
    from sqlmodel import Session


def earlier_visits(
    visits: list[tuple[int, dict[str, Any]]], assessed_on: str, assessment_id: int | None = None
) -> list[dict[str, Any]]:
    """Of a patient's stored (id, assessment) pairs, those before this one, oldest first: earlier dates, and
    on the same date those stored before it (a new assessment, with no id yet, follows every stored one)."""
    day = as_date(assessed_on)
    earlier = []
    for visit_id, visit in visits:
        if visit_id == assessment_id:
            continue
        visit_day = as_date(visit["assessed_on"])
        if visit_day < day or (visit_day == day and (assessment_id is None or visit_id < assessment_id)):
            earlier.append((visit_day, visit_id, visit))
    return [visit for *_key, visit in sorted(earlier, key=lambda e: e[:2])]


def stored_visits(session: Session, patient_id: str) -> list[tuple[int, dict[str, Any]]]:
    """(id, assessment) of the patient's stored assessments, oldest first by date (as dates), then by id."""
    from sqlmodel import select

    from planner.models import Assessment

    query = select(Assessment.id, Assessment.document).where(Assessment.patient_id == patient_id)
    rows = session.exec(query).all()
    visits = [(row_id, json.loads(document)) for row_id, document in rows if row_id is not None]  # stored: never None
    return sorted(visits, key=lambda visit: (as_date(visit[1]["assessed_on"]), visit[0]))


def stored_history(
    session: Session, assessment: dict[str, Any], assessment_id: int | None = None
) -> list[dict[str, Any]]:
    """The patient's stored assessments before ``assessment`` (see :func:`earlier_visits`), oldest first; none when
    the patient is not stored. What :func:`planner.plan.draft.draft_plan` drafts with."""
    patient_id = stored_patient_id(session, assessment["patient"]["id"])
    if patient_id is None:
        return []
    return earlier_visits(stored_visits(session, patient_id), assessment["assessed_on"], assessment_id)


def find_stored_assessment(database: Database, assessment: dict[str, Any]) -> int | None:
    """The id of a stored assessment with exactly this content (an exported file that was imported before), so
    that drafting it does not count the same visit twice; None when there is none."""
    with database.read() as session:
        patient_id = stored_patient_id(session, assessment["patient"]["id"])
        if patient_id is None:
            return None
        wanted = {**assessment, "patient": {**assessment["patient"], "id": patient_id}}
        for visit_id, visit in stored_visits(session, patient_id):
            if visit == wanted:
                return visit_id
    return None


def get_assessment(database: Database, assessment_id: int) -> dict[str, Any]:
    from planner.models import Assessment

    with database.read() as session:
        row = get_or_raise(session, Assessment, assessment_id)
        return json.loads(row.document)


def patient_assessments(database: Database, patient_id: str) -> list[tuple[int, dict[str, Any]]]:
    """(id, assessment) for every stored assessment of the patient, oldest first."""
    from planner.models import Patient

    with database.read() as session:
        get_or_raise(session, Patient, patient_id)
        return stored_visits(session, patient_id)


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    id: int
    patient_id: str
    assessed_on: str
    assessor: str | None
    etiology: str
    pain_nrs: int
    latest_plan_version: int | None
    latest_plan_status: str | None


def assessments_for(database: Database, patient_id: str) -> list[AssessmentSummary]:
    """A patient's assessments, newest first (dates compared as dates), with the state of each one's latest plan."""
    from sqlmodel import select

    from planner.models import Assessment
    from planner.record.plans import latest_plan_row

    with database.read() as session:
        rows = session.exec(select(Assessment).where(Assessment.patient_id == patient_id)).all()
        rows = sorted(rows, key=lambda row: (as_date(row.assessed_on), row.id or 0), reverse=True)
        out = []
        for row in rows:
            assert row.id is not None
            plan = latest_plan_row(session, row.id)
            out.append(
                AssessmentSummary(
                    row.id,
                    row.patient_id,
                    row.assessed_on,
                    row.assessor,
                    row.etiology,
                    row.pain_nrs,
                    plan.version if plan else None,
                    plan.status if plan else None,
                )
            )
        return out
