"""Review 12m (/work/team/reports/review12m.md), the function and handout side: R12m-01 (under the same-day spinal
hold the exercises in the bandage wait and range of motion waits for the review), R12m-02 (a patient who needs help
to bathe, or cannot bathe, washes with the helper on every bathing line; arranging help when bathing is not
possible), R12m-03 (the bath bench names a leg lifter only when the plan gives one), R12m-06 (a knee that gives way
at baseline is a call trigger only when it gives way more often), R12m-07 (a line for the parent or carer of a
patient under 18, and the pain measures used with them), R12m-09 (the wheelchair is a mobility aid, and gait
training names no aid the plan lacks), R12m-10 (the recent-fall clause on every standing balance card), the R12k-06
residue (under the spinal hold the transfer line says to get up only with the helper), the R12i-09 remainder
(rising is called harder only for a patient not recorded as rising alone) and both weak legs in the plural on the
reacher, hand shower and side-lying cards. The reviewer's cases (tests/fixtures/review12m) and each rule on both
sides of its threshold, written from clinical-spec.md; the faults that generalise are invariants of the plan lint
(tests/plan/test_plan_lint.py, ``final12m_invariants``)."""

from __future__ import annotations

from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.plan.generate import generate_plan
from tests.conftest import make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_plan_lint import clinical_invariants, final12m_invariants
from tests.plan.views import entry_text as text
from tests.plan.views import handout_lines as lines
from tests.plan.views import offered_entries as entries

HEEL_SLIDE = "sliding your heel"
ROM_WAITS = "Range-of-motion exercises wait for the same-day spinal review"
WASH_WITH_HELPER = "Wash only with your helper"
ARRANGE_WASHING = "Arrange help with washing"
LEG_LIFTER = "or use your leg lifter"
MORE_OFTEN = "gives way more often than before"
UNDER_YOU = "gives way under you"
PARENT = "with a parent or carer"
FALL_CLAUSE = "Have someone nearby, since you have fallen"
HARDER = "Getting up from a chair may be harder"

EXPECTATIONS_12M: dict[str, Expect] = {
    # R12m-09: walks with a helper, the plan's aid is the wheelchair; standing to transfer is recorded unable, so
    # the record is checked and the plan reads the patient as not walking: no gait training (R12o-05)
    "m01": Expect(
        offered={"clinic-aid-wheelchair", "eq-cushion", "clinic-alert-walking-rising-mismatch"},
        not_offered={"mgmt-pt-gait-training"},
        texts={"eq-cushion": "Mobility aid: wheelchair"},
        not_texts={"eq-cushion": "Walking aid"},
    ),
    # R12m-07: a 12-year-old: the parent or carer line, TENS and cold with them
    "m02": Expect(
        lines={"safety-check-carer"},
        texts={"nlsp-analgesia-tens-anodyne": PARENT, "mgmt-analgesia-cold": PARENT},
        line_texts={"safety-check-carer": "For your parent or carer"},
    ),
    # R12m-02, R12m-03, R12m-10, R12i-09: bathing unable, rises alone, one fall, no leg lifter
    "m03": Expect(
        offered={"eq-shower-chair", "eq-tub-bench", "eq-grab-bars", "ex-balance-feet-together", "ex-weight-shift"},
        not_offered={"eq-leg-lifter"},
        texts={
            "nlsp-ot-dressing-bathing-equipment": WASH_WITH_HELPER,
            "eq-shower-chair": "only with your helper beside you",
            "eq-grab-bars": "with your helper beside you",
            "eq-tub-bench": "let your helper lift your legs",
            "eq-long-sponge": "Your helper washes the parts you cannot reach",
            "ex-balance-feet-together": FALL_CLAUSE,
            "ex-weight-shift": FALL_CLAUSE,
        },
        not_texts={"eq-tub-bench": LEG_LIFTER, "nlsp-ot-sit-to-stand": HARDER},
    ),
    # R12m-06, R12m-09: knee extension 1 in a walker; the wheelchair is the plan's aid
    "m04": Expect(
        offered={"clinic-kafo", "eq-cushion"},
        line_texts={"clinic-call-weakness": MORE_OFTEN},
        texts={"eq-cushion": "Mobility aid: wheelchair"},
    ),
    # R12m-02, R12i-09: bathing needs help, rises alone (palliative, cane)
    "m05": Expect(
        texts={"nlsp-ot-dressing-bathing-equipment": WASH_WITH_HELPER},
        not_texts={"nlsp-ot-dressing-bathing-equipment": ARRANGE_WASHING, "nlsp-ot-sit-to-stand": HARDER},
    ),
    # R12m-01 and the plural leftovers: both legs weak, lymphedema, same-day spinal hold
    "m06": Expect(
        held={"ex-lymph-routine": "spinal"},
        offered={"ex-lymph-elevation", "ex-lymph-self-massage", "eq-reacher", "eq-hand-shower"},
        texts={
            "nlsp-lymph-reduction-elevation-education": ROM_WAITS,
            "eq-reacher": "Put your weaker leg in first",
            "eq-hand-shower": "Your legs may not feel hot water",
        },
        not_texts={
            "nlsp-lymph-reduction-elevation-education": "Add range-of-motion",
            "eq-reacher": "Put your weak leg in",
            "eq-hand-shower": "Your leg may not",
        },
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12m", EXPECTATIONS_12M))
def test_final12m_case(library: Any, path: Any, expect: Expect) -> None:
    check_case(library, path, expect)


def made(library: Any, **changes: Any) -> dict[str, Any]:
    """The plan of a made-up assessment, checked by the lint's clinical invariants."""
    assessment = validate_assessment(make_assessment(**changes))
    plan = generate_plan(assessment, library)
    assert clinical_invariants(assessment, plan, all_findings(assessment, library)) == []
    return plan


LYMPH = {"present": True, "side": "left", "phase": "reduction"}
CANCER = {"etiology": "radiation", "affected_side": "bilateral", "malignancy": "cervical cancer"}


# --- R12m-01: the spinal hold on the exercises in the bandage -------------------------------------------------------


@pytest.mark.parametrize("both_legs", [False, True])
def test_final12m_spinal_hold_holds_the_bandage_exercises(library: Any, both_legs: bool) -> None:
    """Weak in both legs with a cancer history is the same-day spinal review: the heel slide waits, raising the leg
    and the massage go on; one leg weak: the exercises in the bandage are given, range of motion is added."""
    strength = {"knee_extension": {"left": 3, "right": 4 if both_legs else 5}}
    history = CANCER | {"affected_side": "bilateral" if both_legs else "left"}
    plan = made(library, history=history, strength=strength, lymphedema=LYMPH)
    found, held = entries(plan), {h["id"]: h for h in plan["held"]}
    assert ("ex-lymph-routine" in held) is both_legs
    assert ("ex-lymph-routine" in found) is not both_legs
    assert {"ex-lymph-elevation", "ex-lymph-self-massage"} <= found.keys()
    education = text(found["nlsp-lymph-reduction-elevation-education"])
    assert (ROM_WAITS in education) is both_legs
    assert ("Add range-of-motion" in education) is not both_legs
    if not both_legs:
        assert HEEL_SLIDE in text(found["ex-lymph-routine"])


def test_final12m_lint_finds_an_active_step_under_the_spinal_hold(library: Any) -> None:
    assessment = validate_assessment(
        make_assessment(history=CANCER, strength={"knee_extension": {"left": 3, "right": 4}})
    )
    card = {
        "id": "ex-x",
        "category": "lymphedema",
        "precautions": "",
        "instructions": [f"Bend your knee by {HEEL_SLIDE}."],
    }
    plan = {"exercises": [card], "sections": [], "alerts": [], "equipment": [], "handout": {}}
    assert any("active movement" in f for f in final12m_invariants(assessment, plan))
    card["instructions"] = ["Your helper slowly bends your knee, so your heel slides towards your bottom."]
    assert final12m_invariants(assessment, plan) == []


# --- R12m-02: the helper on the bathing lines ----------------------------------------------------------------------


@pytest.mark.parametrize("bathing", ["independent", "needs_help", "unable"])
def test_final12m_bathing_help_puts_the_helper_on_every_bathing_line(library: Any, bathing: str) -> None:
    """A walker who rises alone: the bathing grade alone decides the helper on the bathing lines."""
    function = {"ambulation": "independent", "sit_to_stand": "independent", "standing_transfer": "independent"}
    plan = made(library, strength={"hip_flexion": {"right": 4, "left": 5}}, function=function | {"bathing": bathing})
    found = entries(plan)
    if bathing == "independent":
        assert not {"eq-shower-chair", "eq-tub-bench", "nlsp-ot-dressing-bathing-equipment"} & found.keys()
        return
    for card in ("eq-shower-chair", "eq-tub-bench", "eq-grab-bars"):
        assert "helper" in text(found[card]), card
    item = text(found["nlsp-ot-dressing-bathing-equipment"])
    assert WASH_WITH_HELPER in item
    assert (ARRANGE_WASHING in item) is (bathing == "unable")
    assert ("Your helper washes" in text(found["eq-long-sponge"])) is (bathing == "unable")


def test_final12m_dressing_keeps_its_one_pattern(library: Any) -> None:
    """Dressing already follows its grade: help dressing ('unable') names the helper, 'needs help' dresses seated
    with the equipment (no fall risk on a wet floor); the bathing rule does not change it."""
    for grade, helper in (("needs_help", False), ("unable", True)):
        plan = made(library, strength={"hip_flexion": {"right": 4, "left": 5}}, function={"lower_body_dressing": grade})
        assert ("helper" in text(entries(plan)["eq-reacher"])) is helper, grade


# --- R12m-03: the leg lifter named only when the plan gives one ----------------------------------------------------


@pytest.mark.parametrize(("hip_flexion", "lifter"), [(4, False), (3, True), (2, True)])
def test_final12m_bath_bench_names_the_leg_lifter_only_with_one(library: Any, hip_flexion: int, lifter: bool) -> None:
    plan = made(library, strength={"hip_flexion": {"right": hip_flexion, "left": 5}}, function={"bathing": "unable"})
    found = entries(plan)
    assert ("eq-leg-lifter" in found) is lifter
    assert (LEG_LIFTER in text(found["eq-tub-bench"])) is lifter
    assert "let your helper lift your legs" in text(found["eq-tub-bench"])


def test_final12m_lint_finds_a_card_naming_equipment_not_given(library: Any) -> None:
    assessment = validate_assessment(make_assessment())
    bench = {"id": "eq-tub-bench", "category": "bathing", "precautions": "", "instructions": [f"Slide, {LEG_LIFTER}."]}
    plan = {"exercises": [], "sections": [], "alerts": [], "equipment": [bench], "handout": {}}
    assert any("leg lifter" in f for f in final12m_invariants(assessment, plan))
    plan["equipment"].append({"id": "eq-leg-lifter", "category": "transfers", "instructions": [], "precautions": ""})
    assert final12m_invariants(assessment, plan) == []


# --- R12m-06: the knee that gives way at baseline -------------------------------------------------------------------


@pytest.mark.parametrize(("grade", "words"), [(3, UNDER_YOU), (2, MORE_OFTEN), (1, MORE_OFTEN)])
def test_final12m_call_line_for_a_knee_that_gives_way(library: Any, grade: int, words: str) -> None:
    plan = made(library, strength={"knee_extension": {"right": grade, "left": 5}}, function={"ambulation": "device"})
    assert words in lines(plan)["clinic-call-weakness"]


# --- R12m-07: the parent or carer of a patient under 18 -------------------------------------------------------------


@pytest.mark.parametrize(("birth_date", "child"), [("2008-11-01", False), ("2008-11-02", True), ("2014-04-10", True)])
def test_final12m_parent_or_carer_under_18(library: Any, birth_date: str, child: bool) -> None:
    """Assessed on 2026-11-01: born 2008-11-01 is 18 that day (an adult), a day later still 17; 2014 is 12."""
    pain = {"nrs": 5, "neuropathic": True}
    plan = made(library, patient={"birth_date": birth_date}, pain=pain, strength={"knee_extension": {"right": 3}})
    assert ("safety-check-carer" in lines(plan)) is child
    found = entries(plan)
    for item in ("nlsp-analgesia-tens-anodyne", "mgmt-analgesia-cold"):
        assert (PARENT in text(found[item])) is child, item


# --- R12m-09: the wheelchair is a mobility aid ----------------------------------------------------------------------


@pytest.mark.parametrize(("grade", "aid"), [(2, "wheelchair"), (3, "walker"), (4, "cane")])
def test_final12m_gait_training_names_only_the_plan_aid(library: Any, grade: int, aid: str) -> None:
    strength = {"hip_extension": {"right": grade, "left": 5}, "knee_extension": {"right": grade, "left": 5}}
    plan = made(library, strength=strength, function={"ambulation": "device"})
    found = entries(plan)
    gait = found["mgmt-pt-gait-training"]["detail"]
    assert "walking aid and orthosis" not in gait
    if aid == "wheelchair":
        assert "mobility aid is a wheelchair" in gait and "Mobility aid: wheelchair" in found["eq-cushion"]["detail"]
    else:
        assert f"with the {aid} of this plan" in gait


# --- R12m-10: the fall clause on every standing balance card --------------------------------------------------------


@pytest.mark.parametrize("falls", [0, 1])
def test_final12m_every_standing_balance_card_has_the_fall_clause(library: Any, falls: int) -> None:
    function = {"ambulation": "device", "sit_to_stand": "independent", "falls_past_3_months": falls}
    plan = made(
        library,
        strength={"hip_abduction": {"right": 4, "left": 5}},
        joint_position_sense={"right": "impaired", "left": "normal"},
        function=function,
    )
    cards = [c for c in plan["exercises"] if c["category"] == "balance" and c["id"] != "ex-sitting-balance"]
    assert {"ex-balance-feet-together", "ex-weight-shift"} <= {c["id"] for c in cards}
    for card in cards:
        assert (FALL_CLAUSE in (card.get("precautions") or "")) is bool(falls), card["id"]


# --- R12k-06 residue and R12i-09 remainder: the sit-to-stand lines -------------------------------------------------


@pytest.mark.parametrize(("rising", "harder"), [("independent", False), (None, True)])
def test_final12m_rising_called_harder_only_when_not_recorded_alone(
    library: Any, rising: str | None, harder: bool
) -> None:
    """Rising recorded as needing help brings the chair, whose line alone says how to stand up (review 12s-A05):
    the harder line is tested with rising not recorded, at grades that do not bring the chair."""
    strength = {"hip_extension": {"right": 4, "left": 5}, "knee_extension": {"right": 4, "left": 5}}
    function = {"ambulation": "independent"} | ({"sit_to_stand": rising} if rising else {})
    plan = made(library, strength=strength, function=function)
    assert "clinic-ot-chair" not in entries(plan)
    handout = entries(plan)["nlsp-ot-sit-to-stand"]["handout"]
    assert (HARDER in handout) is harder
    assert "the method" in handout


def test_final12m_spinal_hold_transfer_line_says_get_up_with_the_helper(library: Any) -> None:
    """k07's pattern: weakness mostly distal (the transfer line carries the handout), same-day spinal review."""
    strength = {
        "hip_flexion": {"left": 4, "right": 4},
        "knee_extension": {"left": 4, "right": 5},
        "ankle_dorsiflexion": {"left": 4, "right": 3},
    }
    history = {"etiology": "neoplastic", "affected_side": "bilateral", "malignancy": "prostate"}
    function = {"ambulation": "independent", "sit_to_stand": "independent", "standing_transfer": "independent"}
    found = entries(made(library, history=history, strength=strength, function=function))
    assert "with help" in found["nlsp-ot-sit-to-stand"]["detail"]
    line = found["nlsp-ot-standing-transfer-safety"]["handout"]
    assert "get up" in line and "helper" in line


# --- both weak legs in the plural ---------------------------------------------------------------------------------


@pytest.mark.parametrize("both", [False, True])
def test_final12m_one_leg_wording_follows_the_weak_legs(library: Any, both: bool) -> None:
    strength = {"hip_abduction": {"right": 3, "left": 4 if both else 5}}
    plan = made(
        library,
        history={"affected_side": "bilateral" if both else "right"},
        strength=strength,
        symptoms={"numbness": True},
        function={"lower_body_dressing": "needs_help", "bathing": "needs_help"},
    )
    found = entries(plan)
    assert ("Put your weaker leg in first" in text(found["eq-reacher"])) is both
    assert ("Your legs may not feel hot water" in text(found["eq-hand-shower"])) is both
    assert ("one weak leg on top" in text(found["ex-side-leg-lift"])) is both
    assert ("your weak leg on top" in text(found["ex-side-leg-lift"])) is not both
