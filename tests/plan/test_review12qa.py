"""Review 12q (/work/team/reports/review12q.md): R12q-01 (no heat in the first month after an operation, while the
prompt imaging for a haematoma or collection stands: SAFETY "Heat and cold"), R12q-06 (a numb leg's bandage is
checked by looking at the toes, not by feeling tightness: CLINIC "Compression safety") and R12q-07 (with a
prostate cancer the PET tracer is left to nuclear medicine, usually PSMA, not named FDG: ACR-MALIG and general
knowledge). The reviewer's cases and each rule on both sides of its threshold, written from clinical-spec.md; the
faults that generalise are invariants of the plan lint (tests/plan/test_plan_lint.py, ``round12qa_invariants``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from planner.plan.generate import generate_plan
from tests.conftest import load_example, make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_plan_lint import round12qa_invariants
from tests.plan.views import checked_plan as plan_of
from tests.plan.views import offered_entries as entries

COLLECTION_HOLD = "imaging has not yet excluded a haematoma or collection"
NUMB_WRAP = "check skin and toes at each change"
LOOK_AT_TOES = "look at your toes several times a day"
FEEL_TIGHT = "feel too tight"
PSMA = "usually PSMA"

EXPECTATIONS_12Q: dict[str, Expect] = {
    # R12q-01: twelve days after an operation, with the prompt collection imaging: heat is held
    "q08-postsurgical-twelve-days": Expect(
        offered={"acr-alert-postsurgical-collection", "acr-med-postsurgical-imaging"},
        held={"mgmt-analgesia-heat": COLLECTION_HOLD},
    ),
    # R12q-07: prostate cancer: PET/CT with the tracer note, no FDG named
    "q01-neoplastic-dvt-without-lymphedema": Expect(
        texts={"acr-med-mri-result-pathway": PSMA},
        not_texts={"acr-med-mri-result-pathway": "FDG", "acr-med-second-line-studies": "FDG"},
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12q", EXPECTATIONS_12Q))
def test_review12qa_reviewer_case(library: Any, path: Any, expect: Expect) -> None:
    check_case(library, path, expect)


def _plan(library: Any, **changes: Any) -> dict[str, Any]:
    return plan_of(library, validate_assessment(make_assessment(**changes)))


def _held(plan: dict[str, Any]) -> dict[str, str]:
    return {e["id"]: e["reason"] for e in plan["held"]}


# --- R12q-01: no heat while a postoperative haematoma or collection is not excluded ------------------------------


@pytest.mark.parametrize(("days", "held"), [(30, True), (31, False)])
def test_heat_waits_for_the_collection_imaging_in_the_first_month_after_surgery(
    library: Any, days: int, held: bool
) -> None:
    surgery_on = {30: "2026-10-02", 31: "2026-10-01"}[days]  # assessed on 2026-11-01
    plan = _plan(
        library,
        history={"etiology": "postsurgical", "affected_side": "left", "surgery_on": surgery_on},
        strength={"hip_flexion": {"left": 3}},
        pain={"nrs": 4},
        symptoms={"numbness": False, "allodynia": False},
    )
    found = entries(plan)
    assert ("acr-alert-postsurgical-collection" in found) is held  # the alert and the hold share one window
    assert ("mgmt-analgesia-heat" in found) is not held
    assert (COLLECTION_HOLD in _held(plan).get("mgmt-analgesia-heat", "")) is held


def test_an_operation_recorded_beside_another_cause_holds_heat_too(library: Any) -> None:
    """The collection alert stands for any recorded operation in the month, so the hold follows it."""
    plan = _plan(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "surgery_on": "2026-10-20"},
        strength={"hip_flexion": {"right": 3}},
        pain={"nrs": 4},
        symptoms={"numbness": False, "allodynia": False},
    )
    assert "acr-alert-postsurgical-collection" in entries(plan)
    assert COLLECTION_HOLD in _held(plan)["mgmt-analgesia-heat"]


def test_cold_stays_on_its_own_screen_after_surgery(library: Any) -> None:
    """Cold neither re-bleeds a haematoma nor spreads an abscess: the collection work-up does not hold it."""
    plan = _plan(
        library,
        history={"etiology": "postsurgical", "affected_side": "left", "surgery_on": "2026-10-20"},
        strength={"hip_flexion": {"left": 3}},
        pain={"nrs": 4},
        symptoms={"numbness": False, "allodynia": False},
    )
    assert "mgmt-analgesia-cold" in entries(plan)


def test_the_lint_catches_heat_beside_the_collection_alert(library: Any) -> None:
    assessment = validate_assessment(
        make_assessment(
            history={"etiology": "postsurgical", "affected_side": "left", "surgery_on": "2026-10-20"},
            strength={"hip_flexion": {"left": 3}},
            pain={"nrs": 4},
        )
    )
    plan = copy.deepcopy(plan_of(library, assessment))
    findings = all_findings(assessment, library)
    assert round12qa_invariants(assessment, plan, findings) == []
    heat = {"id": "mgmt-analgesia-heat", "title": "heat", "detail": "", "handout": ""}
    plan["sections"][0]["items"].append(heat)
    assert any("heat offered" in f for f in round12qa_invariants(assessment, plan, findings))


# --- R12q-06: a numb leg's bandage is checked by sight ------------------------------------------------------------

LYMPHEDEMA = {
    "present": True,
    "side": "right",
    "phase": "reduction",
    "interval_cm": 10,
    "circumferences_cm": {"left": [22.0, 24.5, 31.0, 35.5], "right": [24.0, 27.5, 35.0, 40.5]},
}


@pytest.mark.parametrize("numb", [False, True])
def test_bandaging_a_numb_leg_checks_the_toes_by_sight(library: Any, numb: bool) -> None:
    plan = _plan(
        library,
        history={"etiology": "radiation", "radiation_completed_on": "2023-01-10"},
        strength={"hip_flexion": {"right": 4}},
        pain={"nrs": 2},
        symptoms={"numbness": numb},
        lymphedema=LYMPHEDEMA,
    )
    wrap = entries(plan)["nlsp-lymph-reduction-wrap-massage"]
    assert (NUMB_WRAP in wrap["detail"]) is numb
    assert (LOOK_AT_TOES in wrap["handout"]) is numb
    assert (FEEL_TIGHT in wrap["handout"]) is not numb
    assert "slip" in wrap["handout"]


@pytest.mark.parametrize("numb", [False, True])
def test_the_spanish_bandage_line_follows_the_numbness(numb: bool) -> None:
    spanish = compile_library(read_shipped_documents(), translations=read_shipped_translations())
    raw = load_example("neoplastic-after-radiation")
    raw["symptoms"]["numbness"] = numb
    plan = generate_plan(validate_assessment(raw), spanish, language="es")
    handout = entries(plan)["nlsp-lymph-reduction-wrap-massage"]["translation"]["handout"]
    assert ("mírese los dedos del pie" in handout) is numb
    assert ("demasiado apretados o si se resbalan" in handout) is not numb


def test_the_richest_example_bandage_line_does_not_rest_on_feeling(library: Any) -> None:
    found = entries(plan_of(library, validate_assessment(load_example("neoplastic-after-radiation"))))
    wrap = found["nlsp-lymph-reduction-wrap-massage"]
    assert NUMB_WRAP in wrap["detail"] and LOOK_AT_TOES in wrap["handout"]
    assert FEEL_TIGHT not in wrap["handout"]


# --- R12q-07: the PET tracer for prostate cancer -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("malignancy", "prostate"),
    [("Prostate adenocarcinoma", True), ("prostate", True), ("bladder", False), ("cervix", False)],
)
def test_a_prostate_cancer_leaves_the_pet_tracer_to_nuclear_medicine(
    library: Any, malignancy: str, prostate: bool
) -> None:
    history = {"etiology": "neoplastic", "malignancy": malignancy, "radiation_completed_on": "2024-01-10"}
    found = entries(_plan(library, history=history, strength={"hip_flexion": {"right": 3}}, pain={"nrs": 5}))
    result = found["acr-med-mri-result-pathway"]["detail"]
    second = found["acr-med-second-line-studies"]
    assert (PSMA in result) is prostate
    assert ("FDG-PET/CT" in result) is not prostate
    assert ("FDG-PET/CT" in second["title"] + second["detail"]) is not prostate
    assert "PET/CT" in second["title"]


@pytest.mark.parametrize("prostate", [False, True])
def test_with_mri_contraindicated_the_ct_item_names_the_pet_the_same_way(library: Any, prostate: bool) -> None:
    history = {
        "etiology": "neoplastic",
        "malignancy": "prostate" if prostate else "rectum",
        "mri_contraindicated": True,
    }
    found = entries(_plan(library, history=history, strength={"hip_flexion": {"right": 3}}, pain={"nrs": 5}))
    ct = found["acr-med-ct-malignancy"]
    assert ("FDG" in ct["title"] + ct["detail"]) is not prostate
    assert (PSMA in found["acr-med-mri-result-pathway"]["detail"]) is prostate


def test_the_richest_example_names_no_fdg_pet_for_its_prostate_cancer(library: Any) -> None:
    plan = plan_of(library, validate_assessment(load_example("neoplastic-after-radiation")))
    clinician = " ".join(
        str(e.get(k) or "")
        for e in (*plan["alerts"], *(i for s in plan["sections"] for i in s["items"]))
        for k in ("title", "detail")
    )
    assert "FDG" not in clinician and PSMA in clinician
