"""The clinical record: storing, drafting, editing, signing and versioning plans; patients."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.edits import AddedItem, PlanEdits, apply_edits
from planner.errors import AssessmentError, NotFoundError, UserError
from planner.record.assessments import save_draft, store_assessment
from planner.record.patients import count_rows, list_patients, save_patient, set_patient_archived
from planner.record.plans import PlanSignedError, get_plan, latest_plan, plan_versions, sign_stored_plan, signature_hash
from planner.record.visits import assessments_for
from tests.conftest import load_example, make_assessment


@pytest.fixture
def db(storage_db: Any) -> Any:
    """Every test here runs on an SQLite file and on a clinic server (PostgreSQL)."""
    return storage_db


def first_item(plan: dict[str, Any], section: str) -> dict[str, Any]:
    return next(s for s in plan["sections"] if s["key"] == section)["items"][0]


def test_store_creates_patient_assessment_and_draft(db: Any) -> None:
    stored = store_assessment(db, load_example("idiopathic-proximal"))
    assert stored.patient_created and stored.plan_version == 1
    record = get_plan(db, stored.plan_id)
    assert record.status == "draft" and not record.signed
    assert record.assessment["patient"]["name"] == "Ana Sousa"
    assert count_rows(db) == {"patient": 1, "assessment": 1, "plan": 1}
    again = store_assessment(db, load_example("idiopathic-proximal"))
    assert not again.patient_created
    assert [a.id for a in assessments_for(db, "MRN-0107")] == [again.assessment_id, stored.assessment_id]


def test_edits_exclude_reword_reorder_and_add(db: Any) -> None:
    stored = store_assessment(db, load_example("neoplastic-after-radiation"))
    content = get_plan(db, stored.plan_id).content
    pt_ids = [i["id"] for i in next(s for s in content["sections"] if s["key"] == "pt")["items"]]
    edits = PlanEdits(
        excluded={pt_ids[0]: "already done last week"},
        rewritten={pt_ids[1]: {"title": "My own wording", "detail": "Twice a day."}},
        order={"pt": [pt_ids[2], pt_ids[1]]},
        added=[AddedItem("clinician-1", "pt", "Pool session on Tuesdays", "")],
    )
    final = apply_edits(content, edits)
    pt = next(s for s in final["sections"] if s["key"] == "pt")["items"]
    assert pt_ids[0] not in [i["id"] for i in pt]
    assert final["excluded"] == [
        {
            "id": pt_ids[0],
            "section": "pt",
            "title": content["sections"][0]["items"][0]["title"],
            "reason": "already done last week",
        }
    ]
    assert [i["id"] for i in pt][:2] == [pt_ids[2], pt_ids[1]]
    reworded = next(i for i in pt if i["id"] == pt_ids[1])
    assert reworded["title"] == "My own wording" and reworded["edited"] and reworded["generated"]["title"]
    added = next(i for i in pt if i["id"] == "clinician-1")
    assert added["source"] == "clinician"
    # The stored edits survive a save and come back the same.
    opened = get_plan(db, stored.plan_id)
    record = save_draft(db, stored.assessment_id, opened.assessment, edits, opened=opened.stamp)
    assert record.edits.to_json() == edits.to_json()
    assert record.version == 1


def test_draft_follows_assessment_changes(db: Any) -> None:
    stored = store_assessment(db, make_assessment(pain={"nrs": 2}))
    record = save_draft(
        db,
        stored.assessment_id,
        make_assessment(pain={"nrs": 8}),
        PlanEdits(),
        opened=get_plan(db, stored.plan_id).stamp,
    )
    assert record.content["findings"]["pain_band"] == "severe"
    assert assessments_for(db, "T-1")[0].pain_nrs == 8


def test_signing_locks_the_version_and_changes_start_a_new_draft(db: Any) -> None:
    stored = store_assessment(db, make_assessment(pain={"nrs": 5}))
    signed = sign_stored_plan(db, stored.plan_id, "J. Rivera", "PT, DPT")
    assert signed.signed and signed.signer == "J. Rivera" and signed.signed_at is not None
    assert signed.content_hash and len(signed.content_hash) == 64
    with pytest.raises(PlanSignedError, match="already signed"):
        sign_stored_plan(db, stored.plan_id, "Someone", "OT")
    draft = save_draft(db, stored.assessment_id, make_assessment(pain={"nrs": 7}), PlanEdits(), opened=signed.stamp)
    assert draft.version == 2 and draft.status == "draft" and draft.id != stored.plan_id
    kept = get_plan(db, stored.plan_id)
    assert kept.signed and kept.content["findings"]["pain_band"] == "moderate"
    assert [p.version for p in plan_versions(db, stored.assessment_id)] == [1, 2]
    assert latest_plan(db, stored.assessment_id).id == draft.id


def test_signature_hash_covers_content(db: Any) -> None:
    from planner.models import Plan
    from planner.record.plans import stored_content

    stored = store_assessment(db, make_assessment())
    sign_stored_plan(db, stored.plan_id, "A", "PT")
    with db.read() as session:
        plan = session.get(Plan, stored.plan_id)
        content = stored_content(session, plan)
    assert signature_hash(plan, content) == plan.content_hash
    changed = json.loads(json.dumps(content).replace("Physical therapy", "Physio"))
    assert changed != content and signature_hash(plan, changed) != plan.content_hash


@pytest.mark.parametrize(
    ("signer", "credentials", "message"),
    [("", "PT", "signer: must not be empty"), ("A", "  ", "credentials: must not be empty")],
)
def test_signing_requires_name_and_credentials(db: Any, signer: str, credentials: str, message: str) -> None:
    stored = store_assessment(db, make_assessment())
    with pytest.raises(UserError, match=message):
        sign_stored_plan(db, stored.plan_id, signer, credentials)
    assert not get_plan(db, stored.plan_id).signed


def test_patients_create_update_archive(db: Any) -> None:
    save_patient(db, "P-1", "Zoë Ψυχή", "1970-01-02", "female", new=True)
    with pytest.raises(UserError, match="already used"):
        save_patient(db, "P-1", "Other", new=True)
    with pytest.raises(AssessmentError, match=r"patient\.birth_date"):
        save_patient(db, "P-2", "X", "1970-02-31", new=True)
    row = save_patient(db, "P-1", "Zoë Ψυχή-Smith", new=False)
    assert row.name == "Zoë Ψυχή-Smith" and row.assessment_count == 0
    set_patient_archived(db, "P-1", True)
    assert list_patients(db, include_archived=False) == []
    assert list_patients(db)[0].archived
    with pytest.raises(NotFoundError):
        set_patient_archived(db, "nope", True)


def test_changing_patient_id_of_a_stored_assessment_is_refused(db: Any) -> None:
    stored = store_assessment(db, make_assessment())
    with pytest.raises(UserError, match=r"patient\.id"):
        save_draft(
            db,
            stored.assessment_id,
            make_assessment(patient={"id": "OTHER"}),
            PlanEdits(),
            opened=get_plan(db, stored.plan_id).stamp,
        )
