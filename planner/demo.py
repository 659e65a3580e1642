"""Synthetic patients for demonstrations and benchmarks (``planner demo --patients N``).

Assessments are random but valid lsp-assessment/1 documents, each stored with a generated draft plan, so a
large database looks like years of real use. A fixed seed makes a run reproducible.
"""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta
from typing import Any

from planner.assessment.schema import ADL_FIELDS, ADL_LEVELS, AMBULATION, ETIOLOGIES, SIDES_AFFECTED
from planner.clock import utc_now
from planner.edits import PlanEdits
from planner.engine.vocabulary import MUSCLE_GROUPS
from planner.library.store import load_library
from planner.models import Assessment, Patient, Plan
from planner.plan.generate import generate_plan
from planner.record.followup import sync_plan
from planner.record.plans import canonical_json, store_version
from planner.storage.database import Database

FIRST = [
    "Ana",
    "Walter",
    "Dee",
    "Zoë",
    "Łukasz",
    "Ψυχή",
    "Иван",
    "Mei",
    "Jean-Luc",
    "Amara",
    "Søren",
    "Inés",
    "Kofi",
    "Aroha",
    "Niamh",
    "José",
    "Yuki",
    "Fatima",
    "Björn",
    "Priya",
]
LAST = [
    "Sousa",
    "Kowalski",
    "O'Neil",
    "Müller",
    "Papadopoulos",
    "Ivanova",
    "Chen",
    "Dubois",
    "Okafor",
    "García",
    "Nakamura",
    "Haddad",
    "Lindqvist",
    "Rao",
    "Ngata",
    "Byrne",
    "Novák",
    "Costa",
    "Schmidt",
    "Ahmed",
]


def synthetic_assessment(rng: random.Random, patient: dict[str, Any], assessed_on: date) -> dict[str, Any]:
    side = rng.choice(SIDES_AFFECTED)
    strength: dict[str, dict[str, int]] = {}
    for group in rng.sample(MUSCLE_GROUPS, rng.randint(2, len(MUSCLE_GROUPS))):
        strength[group] = {
            s: (rng.choice([1, 2, 3, 4, 4, 5]) if s == side or side == "bilateral" else 5) for s in ("left", "right")
        }
    etiology = rng.choice(ETIOLOGIES)
    onset = assessed_on - timedelta(days=rng.randint(10, 900))
    assessment: dict[str, Any] = {
        "format": "lsp-assessment/1",
        "patient": patient,
        "assessed_on": assessed_on.isoformat(),
        "assessor": rng.choice(["J. Rivera, PT", "M. Chen, OT", "A. Okafor, PT"]),
        "history": {
            "etiology": etiology,
            "affected_side": side,
            "onset": onset.isoformat(),
            "malignancy": "prostate" if etiology == "neoplastic" else None,
            "mri_contraindicated": rng.random() < 0.1,
            "dvt": rng.random() < 0.05,
            "creatinine_clearance_ml_min": rng.choice([None, 35, 55, 80, 95]),
        },
        "strength": strength,
        "joint_position_sense": {"left": rng.choice(["normal", "impaired"]), "right": "normal"},
        "pain": {
            "nrs": rng.randint(0, 10),
            "acute": rng.random() < 0.3,
            "neuropathic": rng.random() < 0.6,
            "current_ladder_step": rng.randint(0, 3),
        },
        "function": {
            "ambulation": rng.choice(AMBULATION),
            "falls_past_3_months": rng.randint(0, 3),
            **{name: rng.choice(ADL_LEVELS) for name in ADL_FIELDS},
        },
    }
    if rng.random() < 0.3:
        base = [rng.uniform(20, 30) + 4 * i for i in range(6)]
        assessment["lymphedema"] = {
            "present": True,
            "side": "left" if side == "left" else "right",
            "phase": rng.choice(["reduction", "maintenance"]),
            "interval_cm": 10,
            "circumferences_cm": {"left": [round(c, 1) for c in base], "right": [round(c * 1.1, 1) for c in base]},
        }
    return assessment


def next_visit(rng: random.Random, previous: dict[str, Any], on: date) -> dict[str, Any]:
    """A follow-up visit of the same patient: same history, grades and pain drifting a little."""
    assessment = copy.deepcopy(previous)
    assessment["assessed_on"] = on.isoformat()
    for grades in assessment["strength"].values():
        for side, grade in grades.items():
            if grade is not None and grade < 5:
                grades[side] = max(0, min(5, grade + rng.choice([-1, 0, 0, 1, 1])))
    pain = assessment["pain"]
    pain["nrs"] = max(0, min(10, pain["nrs"] + rng.randint(-3, 2)))
    pain["acute"] = pain["acute"] and rng.random() < 0.5
    lymphedema = assessment.get("lymphedema")
    if lymphedema:
        affected = lymphedema["side"]
        shrink = rng.uniform(0.96, 1.01)
        lymphedema["circumferences_cm"][affected] = [
            round(c * shrink, 1) for c in lymphedema["circumferences_cm"][affected]
        ]
    return assessment


def generate_demo(
    database: Database, patients: int, *, seed: int = 1, batch: int = 500, today: date | None = None
) -> int:
    """Store ``patients`` synthetic patients with 1-3 assessments each; return the number of assessments."""
    rng = random.Random(seed)
    library = load_library(database)
    today = today or date.today()
    no_edits = PlanEdits()
    stored = 0
    for start in range(0, patients, batch):
        with database.write() as session:
            now = utc_now()
            for number in range(start, min(start + batch, patients)):
                info = {
                    "id": f"DEMO-{seed}-{number:06d}",
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "birth_date": date(rng.randint(1935, 2000), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
                    "sex": rng.choice(["female", "male", "other", "unknown"]),
                }
                session.add(
                    Patient(
                        id=info["id"],
                        name=info["name"],
                        birth_date=info["birth_date"],
                        sex=info["sex"],
                        created_at=now,
                        updated_at=now,
                    )
                )
                session.flush()
                visit = today - timedelta(days=rng.randint(0, 700))
                earlier: list[dict[str, Any]] = []
                for _ in range(rng.randint(1, 3)):
                    if earlier:
                        assessment = next_visit(rng, earlier[-1], visit)
                    else:
                        assessment = synthetic_assessment(rng, info, visit)
                    document = canonical_json(assessment)
                    row = Assessment(
                        patient_id=info["id"],
                        assessed_on=assessment["assessed_on"],
                        assessor=assessment["assessor"],
                        etiology=assessment["history"]["etiology"],
                        affected_side=assessment["history"]["affected_side"],
                        pain_nrs=assessment["pain"]["nrs"],
                        document=document,
                        created_at=now,
                    )
                    session.add(row)
                    session.flush()
                    assert row.id is not None
                    content = generate_plan(assessment, library, earlier)
                    plan = Plan(
                        assessment_id=row.id,
                        version=1,
                        assessment=document,
                        packed_content=b"",
                        library_version=library.version,
                        created_at=now,
                    )
                    store_version(session, plan, assessment, content, no_edits, library.version)
                    sync_plan(session, plan, info["id"], content, no_edits)
                    earlier.append(assessment)
                    stored += 1
                    visit = min(today, visit + timedelta(days=rng.randint(20, 60)))
    return stored
