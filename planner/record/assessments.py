"""Storing assessments with their draft plans: a new visit, and saving an edited one.

One user action, one transaction: an assessment is never stored without its patient or its draft plan, and
a failure stores none of them. Saving over a signed plan version starts a new draft version of the same
assessment's plan (amending); the signed one is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planner.edits import PlanEdits
from planner.errors import UserError
from planner.plan.draft import draft_before_writing, draft_to_store
from planner.record import followup
from planner.record.patient_ids import normalize_id
from planner.record.patients import new_patient_checks, stored_patient_id, upsert_patient
from planner.record.plans import (
    SIGNED,
    PlanRecord,
    PlanStamp,
    canonical_json,
    latest_plan_row,
    plan_record,
    refuse_if_changed,
    store_version,
)
from planner.storage import audit
from planner.storage.database import Database, get_or_raise

if TYPE_CHECKING:
    from sqlmodel import Session

    from planner.models import Assessment


def _fill_assessment(row: Assessment, assessment: dict[str, Any]) -> None:
    row.assessed_on = assessment["assessed_on"]
    row.assessor = assessment.get("assessor")
    row.etiology = assessment["history"]["etiology"]
    row.affected_side = assessment["history"]["affected_side"]
    row.pain_nrs = assessment["pain"]["nrs"]
    row.document = canonical_json(assessment)


def _with_patient_id(session: Session, assessment: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The assessment with its patient's id as stored (see :mod:`planner.record.patient_ids`; a new patient's
    normalised), and whether the patient is new."""
    info = assessment["patient"]
    patient_id = stored_patient_id(session, info["id"])
    new = patient_id is None
    if patient_id is None:
        patient_id = normalize_id(info["id"])
    if patient_id != info["id"]:
        assessment = {**assessment, "patient": {**info, "id": patient_id}}
    return assessment, new


def _saved_assessment(
    session: Session, assessment_id: int, assessment: dict[str, Any]
) -> tuple[Assessment, dict[str, Any]]:
    """The stored assessment row being saved over, and the edited assessment with the row's patient id (the
    patient of a stored assessment cannot change)."""
    from planner.models import Assessment

    row = get_or_raise(session, Assessment, assessment_id)
    if normalize_id(assessment["patient"]["id"]) != normalize_id(row.patient_id):
        raise UserError("patient.id: cannot change on a stored assessment (record a new patient instead)")
    if assessment["patient"]["id"] != row.patient_id:
        assessment = {**assessment, "patient": {**assessment["patient"], "id": row.patient_id}}
    return row, assessment


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    patient_id: str
    patient_created: bool
    assessment_id: int
    plan_id: int
    plan_version: int
    notes: tuple[str, ...] = ()
    """What the user should know about the import (a patient who looks like another), in words."""


def store_assessment(
    database: Database, assessment: dict[str, Any], edits: PlanEdits | None = None
) -> StoredAssessment:
    """Store a validated assessment and a draft plan generated from it, creating the patient when new.

    The patient id is normalised (see :mod:`planner.record.patient_ids`): an id naming a stored patient in
    another spelling joins that patient; a new id that cannot be told apart from a stored one is refused; a
    new patient with a stored patient's name and birth date is stored and reported in ``notes``.
    The plan sees the patient's earlier assessments, so its progress findings compare with them.
    """
    from planner.clock import utc_now
    from planner.library.store import load_library
    from planner.models import Assessment, Plan

    library = load_library(database)
    edits = edits or PlanEdits()
    with database.read() as reading:
        planned, _new = _with_patient_id(reading, assessment)
    draft = draft_before_writing(database, planned, None, library)
    with database.write() as session:
        info = assessment["patient"]
        assessment, new = _with_patient_id(session, assessment)
        patient_id = assessment["patient"]["id"]
        notes = new_patient_checks(session, patient_id, info["name"], info.get("birth_date")) if new else []
        plan = draft_to_store(session, draft, assessment, None, library)
        created = upsert_patient(session, assessment["patient"])
        row = Assessment(
            patient_id=patient_id,
            created_at=utc_now(),
            assessed_on="",
            etiology="",
            affected_side="",
            pain_nrs=0,
            document="",
        )
        _fill_assessment(row, assessment)
        session.add(row)
        session.flush()
        assert row.id is not None
        stored = Plan(
            assessment_id=row.id,
            version=1,
            assessment="",
            packed_content=b"",
            library_version="",
            created_at=utc_now(),
        )
        store_version(session, stored, assessment, plan, edits, library.version)
        assert stored.id is not None
        followup.sync_plan(session, stored, row.patient_id, plan, edits)
        audit.record(
            session,
            "assessment.store",
            f"assessment:{row.id}",
            {"patient": row.patient_id, "plan": stored.id, "new_patient": created},
        )
        return StoredAssessment(row.patient_id, created, row.id, stored.id, stored.version, tuple(notes))


def save_draft(
    database: Database, assessment_id: int, assessment: dict[str, Any], edits: PlanEdits, *, opened: PlanStamp
) -> PlanRecord:
    """Save the edited assessment and the clinician's edits, regenerating the draft plan.

    ``opened`` is the plan row version the screen opened: when the assessment's latest plan is another one
    now (someone saved, signed or amended it meanwhile), nothing is stored and
    :class:`~planner.record.plans.PlanChangedError` says who and when. When the latest plan version is
    signed, a new draft version is started (the signed one is untouched).
    """
    from planner.clock import utc_now
    from planner.library.store import load_library
    from planner.models import Plan

    library = load_library(database)
    with database.read() as reading:
        _row, planned = _saved_assessment(reading, assessment_id, assessment)
        # Refused early, before drafting; the check that counts is the one under the write lock below.
        refuse_if_changed(reading, latest_plan_row(reading, assessment_id), opened, "Not saved")
    draft = draft_before_writing(database, planned, assessment_id, library)
    with database.write() as session:
        row, assessment = _saved_assessment(session, assessment_id, assessment)
        latest = latest_plan_row(session, assessment_id)
        refuse_if_changed(session, latest, opened, "Not saved")
        content = draft_to_store(session, draft, assessment, assessment_id, library)
        upsert_patient(session, assessment["patient"])
        _fill_assessment(row, assessment)
        session.add(row)
        if latest is None or latest.status == SIGNED:
            latest = Plan(
                assessment_id=assessment_id,
                version=(latest.version + 1) if latest else 1,
                assessment="",
                packed_content=b"",
                library_version="",
                created_at=utc_now(),
            )
        stored = store_version(session, latest, assessment, content, edits, library.version)
        followup.sync_plan(session, latest, row.patient_id, content, edits)
        audit.record(
            session,
            "plan.save_draft",
            f"plan:{latest.id}",
            {
                "assessment": assessment_id,
                "version": latest.version,
                "excluded": edits.excluded,
                "reworded": sorted(edits.rewritten),
                "added": [a.id for a in edits.added],
                **_decisions(edits),
            },
        )
        return plan_record(latest, row.patient_id, stored)


def _decisions(edits: PlanEdits) -> dict[str, Any]:
    """The exercise and equipment decisions of a save, for the audit trail (only those made)."""
    out: dict[str, Any] = {}
    if edits.exercise_excluded:
        out["exercises_excluded"] = edits.exercise_excluded
    if edits.exercise_added:
        out["exercises_added"] = [entry["id"] for entry in edits.exercise_added]
    if edits.dosage:
        out["dosage_changed"] = sorted(edits.dosage)
    if edits.equipment:
        out["equipment"] = edits.equipment
    if edits.handout:
        out["patient_texts"] = sorted(edits.handout)
    return out
