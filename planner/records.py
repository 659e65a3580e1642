"""The clinical record: storing assessments with their draft plans, and reading them back.

One user action, one transaction: an assessment is never stored without its patient or its first draft
plan, and a failure stores none of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import func, select

from planner.clock import utc_now
from planner.db.engine import Database
from planner.errors import NotFoundError
from planner.library.store import load_library
from planner.models import Assessment, Patient, Plan
from planner.plan.generate import generate_plan


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    patient_id: str
    patient_created: bool
    assessment_id: int
    plan_id: int
    plan_version: int


def store_assessment(database: Database, assessment: dict[str, Any]) -> StoredAssessment:
    """Store a validated assessment and a draft plan generated from it, creating the patient when new."""
    library = load_library(database)
    plan = generate_plan(assessment, library)
    info = assessment["patient"]
    now = utc_now()
    with database.write() as session:
        patient = session.get(Patient, info["id"])
        created = patient is None
        if patient is None:
            patient = Patient(id=info["id"], name=info["name"], created_at=now, updated_at=now)
        patient.name = info["name"]
        patient.birth_date = info.get("birth_date") or patient.birth_date
        patient.sex = info.get("sex") or patient.sex
        patient.updated_at = now
        session.add(patient)
        session.flush()  # the patient row must exist before the assessment that refers to it
        row = Assessment(
            patient_id=info["id"],
            assessed_on=assessment["assessed_on"],
            assessor=assessment.get("assessor"),
            etiology=assessment["history"]["etiology"],
            affected_side=assessment["history"]["affected_side"],
            pain_nrs=assessment["pain"]["nrs"],
            document=canonical_json(assessment),
            created_at=now,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        stored_plan = Plan(
            assessment_id=row.id,
            version=1,
            content=canonical_json(plan),
            library_version=library.version,
            created_at=now,
        )
        session.add(stored_plan)
        session.flush()
        assert stored_plan.id is not None
        return StoredAssessment(info["id"], created, row.id, stored_plan.id, stored_plan.version)


def get_assessment(database: Database, assessment_id: int) -> dict[str, Any]:
    with database.read() as session:
        row = session.get(Assessment, assessment_id)
        if row is None:
            raise NotFoundError(f"no assessment with id {assessment_id}")
        return json.loads(row.document)


def latest_assessment_id(database: Database, patient_id: str) -> int:
    with database.read() as session:
        if session.get(Patient, patient_id) is None:
            raise NotFoundError(f"no patient with id '{patient_id}'")
        query = (
            select(Assessment.id)
            .where(Assessment.patient_id == patient_id)
            .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
        )  # type: ignore[attr-defined]
        found = session.exec(query).first()
        if found is None:
            raise NotFoundError(f"patient '{patient_id}' has no stored assessment")
        return found


def count_rows(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {
            model.__tablename__: session.exec(select(func.count()).select_from(model)).one()  # type: ignore[attr-defined]
            for model in (Patient, Assessment, Plan)
        }
