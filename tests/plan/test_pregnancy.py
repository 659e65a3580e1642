"""Pregnancy and breastfeeding (history.pregnancy; SAFETY "Pregnancy and breastfeeding"): review 12i found a
post-partum patient offered codeine and tramadol, because nothing recorded that she was breastfeeding. While either
is recorded, every drug and procedure item is held with that reason and one alert says why; the therapy items stand;
in pregnancy the imaging items and TENS carry their cautions. Written from the SAFETY section, each rule on both
sides; the clinician PDF read back; a male patient recorded as pregnant is refused with the field named."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import AssessmentError, validate_assessment
from planner.export.clinician import render_clinician_pdf
from planner.export.context import ClinicInfo, ExportContext
from tests.conftest import make_assessment
from tests.plan.views import checked_plan, entry_text, handout_lines, offered_entries

DRUG_ITEMS = ("who-step-1", "who-step-2", "who-step-3", "mgmt-analgesia-neuropathic-adjuvants")
"""Items that name a drug of the ladder or the neuropathic pathway (any of them offered proves the hold failed)."""


def case(pregnancy: str | None, **changes: Any) -> dict[str, Any]:
    """Pain 7/10, neuropathic, a known cancer on step 1: without a hold the plan opens a step and names drugs."""
    base: dict[str, Any] = {
        "patient": {"sex": "female", "birth_date": "1992-03-04"},
        "history": {"etiology": "neoplastic", "malignancy": "cervical cancer", "pregnancy": pregnancy},
        "pain": {"nrs": 7, "neuropathic": True, "current_ladder_step": 1},
        "strength": {"knee_extension": {"right": 4}},
        "function": {"ambulation": "independent"},
    }
    for key, value in changes.items():
        base[key] = {**base.get(key, {}), **value}
    return validate_assessment(make_assessment(**base))


def held_ids(plan: dict[str, Any], words: str) -> set[str]:
    return {entry["id"] for entry in plan["held"] if words in entry["reason"]}


def analgesia(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return next(section["items"] for section in plan["sections"] if section["key"] == "analgesia")


@pytest.mark.parametrize("state", ["pregnant", "breastfeeding"])
def test_drugs_and_procedures_are_held_in_pregnancy_and_breastfeeding(library: Any, state: str) -> None:
    plan = checked_plan(library, case(state))
    found = offered_entries(plan)
    assert "safety-alert-pregnancy" in found
    assert not [i for i in DRUG_ITEMS if i in found]
    words = {"pregnant": "pregnancy", "breastfeeding": "breastfeeding"}[state]
    service = found["nlsp-analgesia-pain-service"]["detail"]  # a referral, not a prescription: it stands
    assert f"{words.capitalize()} is recorded: the pain service plans" in service
    text = " ".join(entry_text(item) for item in analgesia(plan) if item["id"] != "nlsp-analgesia-pain-service")
    assert not re.search(r"codeine|tramadol|morphine|pregabalin|gabapentin|NSAID|opioid", text, re.IGNORECASE), text
    held = held_ids(plan, f"{words} is recorded")
    assert held and held >= {i for i in DRUG_ITEMS if i in {entry["id"] for entry in plan["held"]}}
    assert "who-step-3" in held and "mgmt-analgesia-neuropathic-adjuvants" in held  # 7/10 cancer pain: step 3
    assert "nlsp-analgesia-tens-anodyne" in found  # a therapy item stands
    alert = found["safety-alert-pregnancy"]["detail"]
    assert ("Codeine and tramadol are avoided while breastfeeding" in alert) is (state == "breastfeeding")
    assert ("those lying on the back are done tilted" in alert) is (state == "pregnant")
    # no sedation call line for an opioid the plan does not open
    assert "safety-call-opioid-sedation" not in handout_lines(plan)


@pytest.mark.parametrize("state", [None, "no"])
def test_nothing_is_held_when_not_pregnant_or_not_recorded(library: Any, state: str | None) -> None:
    plan = checked_plan(library, case(state))
    found = offered_entries(plan)
    assert "safety-alert-pregnancy" not in found
    assert not held_ids(plan, "pregnancy is recorded") and not held_ids(plan, "breastfeeding is recorded")
    assert [i for i in DRUG_ITEMS if i in found]


@pytest.mark.parametrize(("state", "caution"), [("pregnant", True), ("breastfeeding", False), ("no", False)])
def test_imaging_and_tens_cautions_in_pregnancy(library: Any, state: str, caution: bool) -> None:
    plan = checked_plan(library, case(state))
    found = offered_entries(plan)
    mri = found["acr-med-mri-plexus-malignancy"]["detail"]
    assert ("MRI without contrast is preferred" in mri) is caution
    tens = found["nlsp-analgesia-tens-anodyne"]
    assert ("the pads stay off the belly" in tens["detail"]) is caution
    assert ("While you are pregnant, keep the pads off your belly" in tens["handout"]) is caution


def test_a_male_patient_recorded_as_pregnant_is_refused_with_the_field_named() -> None:
    data = make_assessment(patient={"sex": "male"}, history={"pregnancy": "pregnant"})
    with pytest.raises(AssessmentError) as caught:
        validate_assessment(data)
    assert [issue.field for issue in caught.value.issues] == ["history.pregnancy"]
    assert "patient.sex" in str(caught.value)
    validate_assessment(make_assessment(patient={"sex": "male"}, history={"pregnancy": "no"}))


def test_the_clinician_pdf_shows_pregnancy_with_the_history_flags(library: Any) -> None:
    assessment = case("breastfeeding")
    plan = checked_plan(library, assessment)
    context = ExportContext(clinic=ClinicInfo(name="Clinic"), generated_at=datetime(2026, 11, 1, tzinfo=UTC))
    pdf = render_clinician_pdf(plan, assessment, context)
    first = " ".join((PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").split())
    assert "Breastfeeding" in first


# --- review 12r: the cancer treatment, the cards lying on the back, the drugs taken now, the pain review -------------


@pytest.mark.parametrize("state", ["pregnant", "no"])
def test_the_cancer_treatment_items_name_the_obstetric_team_in_pregnancy(library: Any, state: str) -> None:
    """R12r-01: the cancer is still treated, but pelvic radiotherapy is not given while the pregnancy continues."""
    found = offered_entries(checked_plan(library, case(state)))
    pregnant = state == "pregnant"
    first = " ".join(found["nlsp-med-treat-cancer-first"]["detail"].split())
    assert ("decided by the oncology and obstetric teams together" in first) is pregnant
    # R12s-B04: said once; the radiotherapy item points to the cancer-treatment item
    radiotherapy = " ".join(found["mgmt-med-radiotherapy-response"]["detail"].split())
    assert "decided by the oncology and obstetric teams together" not in radiotherapy
    assert ("no pelvic radiotherapy while the pregnancy continues (see the cancer-treatment item)" in radiotherapy) is (
        pregnant
    )


@pytest.mark.parametrize("state", ["pregnant", "breastfeeding", "no"])
def test_every_card_lying_on_the_back_says_how_to_lie_in_pregnancy(library: Any, state: str) -> None:
    """R12r-02: the tilt after about 20 weeks is on the card the patient reads, not only in the clinician's alert."""
    plan = checked_plan(library, case(state, strength={"hip_extension": {"right": 3}, "knee_extension": {"right": 3}}))
    supine = [e for e in plan["exercises"] if any("on your back" in step.lower() for step in e["instructions"])]
    assert supine, "the case must give a card done lying on the back"
    for card in supine:
        assert ("While you are pregnant: from about 20 weeks" in card["precautions"]) is (state == "pregnant"), card[
            "id"
        ]


@pytest.mark.parametrize(
    ("state", "step", "baby_line"), [("breastfeeding", 2, True), ("breastfeeding", 1, False), ("pregnant", 2, False)]
)
def test_drugs_taken_now_are_reviewed_now(library: Any, state: str, step: int, baby_line: bool) -> None:
    """R12r-03: a drug recorded as taken now is reviewed now; a breastfeeding mother on an opioid step is told the
    signs in the baby that need help at once."""
    plan = checked_plan(library, case(state, pain={"current_ladder_step": step, "pregabalin_mg_day": 150}))
    alert = offered_entries(plan)["safety-alert-pregnancy"]["detail"]
    assert ("of the ladder is recorded as taken now: the prescriber reviews that opioid now" in alert) is (step >= 2)
    assert "Pregabalin is recorded: the prescriber reviews it now" in alert
    assert ("safety-call-baby-opioid" in handout_lines(plan)) is baby_line


@pytest.mark.parametrize(
    ("changes", "review"),
    [
        ({"pain": {"nrs": 7}}, True),
        ({"pain": {"nrs": 5}}, False),
        ({"history": {"pregnancy": None}, "pain": {"nrs": 8}}, False),  # no hold: the ladder's own review
    ],
)
def test_severe_pain_keeps_a_dated_review_while_the_drugs_are_held(
    library: Any, changes: dict[str, Any], review: bool
) -> None:
    """R12r-04: holding the drug items does not hold the review of the pain."""
    pregnancy = changes.get("history", {}).get("pregnancy", "breastfeeding")
    plan = checked_plan(library, case(pregnancy, **{k: v for k, v in changes.items() if k != "history"}))
    found = offered_entries(plan)
    assert ("safety-mon-pain-review-held" in found) is review
    if review:
        assert found["safety-mon-pain-review-held"]["due_on"]
        assert "obstetric and pharmacy advice" in found["safety-mon-pain-review-held"]["detail"]


def test_a_child_in_severe_pain_keeps_a_dated_review(library: Any) -> None:
    assessment = validate_assessment(
        make_assessment(patient={"birth_date": "2014-04-10"}, pain={"nrs": 8, "neuropathic": True})
    )
    detail = offered_entries(checked_plan(library, assessment))["safety-mon-pain-review-held"]["detail"]
    assert "a paediatric specialist" in detail


@pytest.mark.parametrize("state", ["pregnant", "no"])
def test_the_plexus_mri_asks_for_contrast_only_if_essential_in_pregnancy(library: Any, state: str) -> None:
    """R12r-05: the request is not for a contrast study that the caution then advises against."""
    found = offered_entries(checked_plan(library, case(state)))
    mri = found["acr-med-mri-plexus-malignancy"]
    pregnant = state == "pregnant"
    assert ("without and with IV contrast" in mri["title"]) is not pregnant
    assert ("contrast only if the radiologist judges it essential" in " ".join(mri["title"].split())) is pregnant
    # R12s-B05: the full caution on the first imaging item only, a pointer on the later ones
    assert ("MRI without contrast is preferred" in mri["detail"]) is pregnant
    assert "MRI without contrast is preferred" not in found["acr-med-mri-result-pathway"]["detail"]
    assert ("as the first imaging item above says" in found["acr-med-mri-result-pathway"]["detail"]) is pregnant
