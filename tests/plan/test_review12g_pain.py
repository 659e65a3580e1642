"""Review 12g (/work/team/reports/review12g.md): the pain and medical findings R12g-04, 05, 06 and 07, and the
lead's notes on a sedation call line, sympathectomy, an early review of a new strong opioid, the repeat of the
electrodiagnostic studies and a piriformis site the weakness does not point to. Each rule is tested on both
sides of its threshold, from clinical-spec.md; the faults that form a class are invariants of the plan lint
(tests/plan/test_plan_lint.py, ``pain12g_invariants``)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_clinical_safety import offered, plan_for

CASES_DIR = FIXTURES / "review12f"  # review 12g re-ran the cases of review 12f
SECOND_ADJUVANT = "Consider a second adjuvant class"
CORRECT_FIRST = "correct it first (see its alert), then judge whether a second class is needed"
SEDATION = "safety-call-opioid-sedation"
ASSESSED = date(2026, 11, 1)  # the assessment date of tests.conftest.make_assessment

EXPECTATIONS: dict[str, Expect] = {
    # R12g-04: the studies are asked for, not read, beside "Weakness fits a single root"; R12g-05: the topicals
    # keep off a possible tumour site away from the pelvis too; R12g-06: the cold line names the numb skin;
    # R12g-07: pregabalin over its band is corrected before a second class; lead's notes: the sedation call line
    # and the early review of the new strong opioid
    "f09-pgb-over-renal-band-opioid-es": Expect(
        offered={"guide-med-single-root-pattern", "clinic-mon-pain-review"},
        texts={
            "guide-med-electrodiagnostic": "tell a plexopathy (several nerve distributions)",
            "mgmt-analgesia-topicals": "not on a known or possible tumour site, nor on irradiated skin",
            "mgmt-analgesia-cold": "Some of your skin is numb",
            "mgmt-analgesia-neuropathic-adjuvants": CORRECT_FIRST,
            "clinic-mon-pain-review": "constipation",
        },
        not_texts={
            "guide-med-electrodiagnostic": "confirms",
            "mgmt-analgesia-neuropathic-adjuvants": SECOND_ADJUVANT,
        },
        lines={SEDATION},
    ),
    # lead's note on f02: the first studies at 7 weeks from onset; the repeat about 3 months later
    "f02-urgent-spine-nonwalker-es": Expect(
        offered={"guide-med-electrodiagnostic", "entrap-mon-repeat-edx-after-first"},
        not_offered={"entrap-mon-repeat-edx"},
        texts={"entrap-mon-repeat-edx-after-first": "at least about six weeks after the first study"},
    ),
    # lead's note on f07a: a piriformis site beside weakness of the fibular branches only
    "f07a-piri-fibular-only": Expect(
        offered={"entrap-med-confirm-site", "entrap-analgesia-botulinum-piriformis"},
        texts={
            "entrap-med-confirm-site": "common fibular nerve at the fibular head",
            "entrap-analgesia-botulinum-piriformis": "once the site is confirmed",
        },
    ),
    # palliative care: the new strong opioid is reviewed by the team that leads pain care
    "f06-palliative-transfer-board": Expect(
        offered={"clinic-mon-pain-review"},
        texts={"clinic-mon-pain-review": "palliative care team that leads pain care"},
    ),
}


@pytest.fixture(scope="module")
def spanish() -> Any:
    """The shipped library with its shipped translations."""
    return compile_library(read_shipped_documents(), translations=read_shipped_translations())


@pytest.mark.parametrize(("path", "expect"), expected_cases(CASES_DIR, EXPECTATIONS))
def test_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


def calls(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["id"]: line for line in plan["handout"]["call"]}


# --- R12g-04: the electrodiagnostic item says what the studies are for -----------------------------------------


@pytest.mark.parametrize(
    ("strength", "single_root"),
    [
        ({"hip_flexion": {"right": 3, "left": 5}, "knee_extension": {"right": 3, "left": 5}}, True),  # L2-L3
        ({"hip_flexion": {"right": 3, "left": 5}, "ankle_plantarflexion": {"right": 3, "left": 5}}, False),
    ],
)
def test_the_studies_are_asked_for_to_tell_plexopathy_from_radiculopathy(
    library: Any, strength: dict[str, Any], single_root: bool
) -> None:
    plan = plan_for(library, history={"etiology": "idiopathic", "onset": "2026-10-01"}, strength=strength)
    items = offered(plan)
    assert ("guide-med-single-root-pattern" in items) is single_root
    detail = items["guide-med-electrodiagnostic"]["detail"]
    assert "The studies tell a plexopathy (several nerve distributions) from a radiculopathy (one root)" in detail
    assert "confirms" not in detail
    assert ("the weakness here fits a single root" in detail) is single_root


# --- R12g-05: topicals follow the pads' tumour gate ------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "sites", "words"),
    [
        ({"etiology": "neoplastic", "malignancy": "colorectal"}, ["thigh"], "not on a known or possible tumour site"),
        ({"etiology": "radiation", "radiation_completed_on": "2023-03-01"}, ["shin"], "nor on irradiated skin"),
        ({"etiology": "unknown", "radiation_completed_on": "2023-03-01"}, ["foot"], "nor on irradiated skin"),
        ({"etiology": "neoplastic", "malignancy": "bladder"}, ["groin"], "not on tumour or irradiated skin"),
        ({"etiology": "idiopathic"}, ["thigh"], None),
        ({"etiology": "idiopathic"}, ["groin"], None),
    ],
)
def test_topicals_keep_off_a_possible_tumour_and_irradiated_skin_wherever_the_pads_do(
    library: Any, history: dict[str, Any], sites: list[str], words: str | None
) -> None:
    plan = plan_for(
        library,
        history={"affected_side": "right"} | history,
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1, "sites": sites},
    )
    items = offered(plan)
    topicals, tens = items["mgmt-analgesia-topicals"]["detail"], items["nlsp-analgesia-tens-anodyne"]["detail"]
    assert ("intact skin only" in topicals) is (words is not None)
    assert ("tumour" in tens) is (words is not None)  # one gate for both
    if words:
        assert words in topicals


# --- R12g-06: the cold handout line names numb skin --------------------------------------------------------------


@pytest.mark.parametrize("numb", [True, False])
def test_the_cold_line_tells_a_patient_with_numb_skin_to_keep_it_short(spanish: Any, numb: bool) -> None:
    plan = plan_for(
        spanish,
        patient={"id": "T-1", "name": "Test Patient", "language": "es"},
        history={"etiology": "idiopathic"},
        symptoms={"numbness": numb, "allodynia": False},
        pain={"nrs": 5, "sites": ["thigh"]},
    )
    cold = offered(plan)["mgmt-analgesia-cold"]
    assert ("Some of your skin is numb" in cold["handout"]) is numb
    assert cold["translation"]["status"] == "translated"
    assert ("Parte de su piel está adormecida" in cold["translation"]["handout"]) is numb


# --- R12g-07: a pregabalin dose above its band is corrected before a second class -----------------------------


@pytest.mark.parametrize(
    ("clearance", "dose", "over"),
    [(40, 450, True), (40, 300, False), (80, 600, False), (20, 200, True), (20, 150, False)],
)
def test_a_pregabalin_dose_over_its_band_is_corrected_before_a_second_adjuvant(
    library: Any, clearance: int, dose: int, over: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "creatinine_clearance_ml_min": clearance},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={
            "nrs": 6,
            "neuropathic": True,
            "sites": ["thigh"],
            "pregabalin_mg_day": dose,
            "neuropathic_agents_tried": ["pregabalin"],
        },
    )
    detail = offered(plan)["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert (CORRECT_FIRST in detail) is over
    assert (SECOND_ADJUVANT in detail) is not over
    assert f"Pregabalin is recorded at {dose} mg/day." in detail
    assert "Already tried" not in detail  # a drug still taken is not one tried before


def test_an_agent_tried_without_a_current_dose_still_reads_as_tried(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic"},
        pain={"nrs": 6, "neuropathic": True, "neuropathic_agents_tried": ["pregabalin", "snri"]},
    )
    detail = offered(plan)["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert "Already tried: pregabalin, snri." in detail and "Pregabalin is recorded at" not in detail


def test_both_classes_tried_and_the_dose_in_band_still_suggests_a_combination(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "creatinine_clearance_ml_min": 80},
        pain={"nrs": 6, "neuropathic": True, "pregabalin_mg_day": 300, "neuropathic_agents_tried": ["tricyclic"]},
    )
    detail = offered(plan)["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert "Already tried: tricyclic." in detail and "consider combining them" in detail


# --- Lead's note: the call line on sedation beside an opioid and a gabapentinoid -----------------------------


def cancer_pain(library: Any, current: int, nrs: int, **pain: Any) -> dict[str, Any]:
    return plan_for(
        library,
        patient={"id": "T-1", "name": "Test Patient", "birth_date": "1950-01-01", "language": "es"},
        history={"etiology": "neoplastic", "malignancy": "ovary", "creatinine_clearance_ml_min": 40},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": nrs, "neuropathic": True, "current_ladder_step": current, "sites": ["thigh"]} | pain,
    )


@pytest.mark.parametrize(
    ("current", "nrs", "pain", "line"),
    [
        (2, 8, {"pregabalin_mg_day": 150}, True),  # step 3 opened beside pregabalin
        (1, 5, {"neuropathic_agents_tried": ["gabapentin"]}, True),  # step 2 opened beside gabapentin
        (3, 8, {"pregabalin_mg_day": 150}, False),  # the step goes on, the dose is in its band
        (3, 8, {"pregabalin_mg_day": 450}, True),  # the step goes on beside a dose above its band
        (2, 8, {}, False),  # no gabapentinoid recorded
        (0, 2, {"pregabalin_mg_day": 150}, False),  # step 1: no opioid
    ],
)
def test_an_opioid_step_beside_a_gabapentinoid_brings_the_call_line_on_sedation(
    spanish: Any, current: int, nrs: int, pain: dict[str, Any], line: bool
) -> None:
    plan = cancer_pain(spanish, current, nrs, **pain)
    assert (SEDATION in calls(plan)) is line
    if line:
        entry = calls(plan)[SEDATION]
        assert entry["text"].startswith("Call an ambulance now") and "hard to wake" in entry["text"]
        assert "slow or shallow" in entry["text"]
        assert "cuesta despertarle" in entry["translation"]["text"]


def test_no_sedation_line_for_a_child_whose_drugs_the_plan_leaves_to_a_specialist(library: Any) -> None:
    plan = plan_for(
        library,
        patient={"id": "T-1", "name": "Test Patient", "birth_date": "2014-01-01"},
        history={"etiology": "neoplastic", "malignancy": "sarcoma"},
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": 2, "pregabalin_mg_day": 150},
    )
    assert SEDATION not in calls(plan)


# --- Lead's note: sympathectomy is ablative and takes the gate of the other ablative procedures -------------------


@pytest.mark.parametrize(("current", "nrs"), [(1, 6), (2, 8), (3, 6)])
def test_the_early_referral_names_no_ablative_procedure_below_severe_pain_on_the_top_step(
    library: Any, current: int, nrs: int
) -> None:
    plan = cancer_pain(library, current, nrs)
    texts = " ".join(" ".join(str(e.get(k) or "") for k in ("title", "detail")) for e in offered(plan).values())
    assert "sympathectomy" not in texts.lower() and "rhizotomy" not in texts and "neurolysis" not in texts
    if current == 1:  # not refractory yet: the referral names the procedures to discuss later, nerve blocks only
        assert "nerve blocks (local, regional or of the sympathetic ganglia) if the pain becomes refractory" in texts


def test_severe_tumour_pain_on_the_top_step_still_reaches_the_ablative_options(library: Any) -> None:
    assert "nlsp-analgesia-rhizotomy" in offered(cancer_pain(library, 3, 8))


@pytest.mark.parametrize(("etiology", "dissection"), [("radiation", True), ("entrapment", False)])
def test_plexus_dissection_after_radiotherapy_only_for_cancer_related_plexopathy(
    library: Any, etiology: str, dissection: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": etiology, "radiation_completed_on": "2022-01-01"},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": 3},
    )
    detail = offered(plan)["mgmt-analgesia-post-radiation-multimodal"]["detail"]
    assert ("plexus dissection" in detail) is dissection


# --- Lead's note: a new strong opioid is reviewed within two weeks ---------------------------------------------


@pytest.mark.parametrize(
    ("current", "nrs", "review"),
    [(2, 8, True), (0, 7, True), (3, 8, False), (1, 5, True)],
)
def test_a_new_strong_opioid_for_cancer_pain_is_reviewed_within_two_weeks(
    library: Any, current: int, nrs: int, review: bool
) -> None:
    """A first opioid (step 1 to 2) is reviewed as well since R12n-02; the top step kept is not a new step."""
    items = offered(cancer_pain(library, current, nrs))
    assert ("who-step-3" in items) is (nrs >= 7)
    assert ("clinic-mon-pain-review" in items) is review
    if review and nrs >= 7:
        item = items["clinic-mon-pain-review"]
        assert "a strong opioid" in item["detail"] and "constipation" in item["detail"]
        assert "breathing" in item["detail"]
        assert item["due_on"] == (ASSESSED + timedelta(days=14)).isoformat()


@pytest.mark.parametrize(("days", "acute"), [(10, True), (40, False)])
def test_a_strong_opioid_for_acute_pain_after_an_operation_is_reviewed_and_stepped_down(
    library: Any, days: int, acute: bool
) -> None:
    surgery = (ASSESSED - timedelta(days=days)).isoformat()
    plan = plan_for(
        library,
        history={"etiology": "postsurgical", "onset": surgery, "surgery_on": surgery},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 8, "acute": True, "current_ladder_step": 0, "sites": ["hip"]},
    )
    items = offered(plan)
    assert "who-step-3" in items and "clinic-mon-pain-review" in items
    detail = items["clinic-mon-pain-review"]["detail"]
    assert ("acute after the injury or operation" in detail) is acute
    assert ("stepped down as the acute pain settles" in detail) is acute


# --- Lead's note on f02: a repeat of the studies at least about six weeks after the first --------------------


@pytest.mark.parametrize(
    ("onset", "repeat"),
    [
        ("2026-09-15", "entrap-mon-repeat-edx"),  # 47 days: the window opens 44 days after the first studies
        ("2026-09-14", "entrap-mon-repeat-edx-after-first"),  # 48 days: it would open 42 days after, in December
    ],
)
def test_the_repeat_studies_wait_six_weeks_after_the_first(library: Any, onset: str, repeat: str) -> None:
    plan = plan_for(
        library,
        history={"etiology": "entrapment", "onset": onset},
        strength={"ankle_dorsiflexion": {"right": 3, "left": 5}},
    )
    items = offered(plan)
    assert [i for i in items if i.startswith("entrap-mon-repeat-edx")] == [repeat]
    assert (date.fromisoformat(items[repeat]["due_on"]) - ASSESSED).days >= 42


@pytest.mark.parametrize(
    ("onset", "repeat"),
    [
        ("2026-09-29", "entrap-mon-repeat-edx"),  # 26 days before the operation: window 44 days after the studies
        ("2026-09-28", "entrap-mon-repeat-edx-after-first"),  # 27 days before: it would open 43 days after
    ],
)
def test_the_six_weeks_count_from_first_studies_that_wait_three_weeks_after_an_operation(
    library: Any, onset: str, repeat: str
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "postsurgical", "onset": onset, "surgery_on": "2026-10-25"},
        strength={"hip_flexion": {"right": 3, "left": 5}},
    )
    items = offered(plan)
    first = date.fromisoformat(items["guide-med-electrodiagnostic"]["due_on"])
    assert first == date(2026, 11, 15)
    assert [i for i in items if i.startswith("entrap-mon-repeat-edx")] == [repeat]
    assert (date.fromisoformat(items[repeat]["due_on"]) - first).days >= 42


# --- Lead's note on f07a: a recorded site the weakness does not point to is confirmed ----------------------------


@pytest.mark.parametrize(
    ("site", "strength", "words"),
    [
        ("piriformis", {"ankle_dorsiflexion": {"right": 3}, "ankle_eversion": {"right": 4}}, "fibular head"),
        ("piriformis", {"knee_extension": {"right": 3}}, "femoral or obturator"),
        ("piriformis", {"knee_flexion": {"right": 3}, "ankle_dorsiflexion": {"right": 3}}, None),  # sciatic trunk
        ("piriformis", {"hip_abduction": {"right": 4}}, None),  # gluteal nerves leave the pelvis by the piriformis
        ("other", {"ankle_dorsiflexion": {"right": 3}}, None),
        (None, {"ankle_dorsiflexion": {"right": 3}}, None),  # no site: the glide item asks for one
    ],
)
def test_a_piriformis_site_the_weakness_does_not_point_to_is_confirmed(
    library: Any, site: str | None, strength: dict[str, Any], words: str | None
) -> None:
    history = {"etiology": "entrapment", "onset": "2026-10-01"} | ({"entrapment_site": site} if site else {})
    items = offered(plan_for(library, history=history, strength=strength, pain={"nrs": 4, "sites": ["leg"]}))
    assert ("entrap-med-confirm-site" in items) is (words is not None)
    if words:
        assert words in items["entrap-med-confirm-site"]["detail"]
        assert "once the site is confirmed" in items["entrap-analgesia-botulinum-piriformis"]["detail"]
    elif "entrap-analgesia-botulinum-piriformis" in items:
        assert "once the site is confirmed" not in items["entrap-analgesia-botulinum-piriformis"]["detail"]
