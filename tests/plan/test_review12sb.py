"""Review 12s, reviewer A (/work/team/reports/review12s-A.md), the findings of branch i12-fix12sb: R12s-A02 (hip
precautions while an injury or an operation is recent: no card bends the hip past a right angle, brings the leg
across the midline lying on the weak side, or lies on the front before the surgical team has set its limits, and
from six to twelve weeks only after asking; heel slides and leg slides on the back take their place; no handout
line says "through its full range"), R12s-A04 (the clot's wait is told once, and "most home exercises" only
beside exercise cards), R12s-A07 (the entrapment anti-inflammatory is the ladder's step-1 NSAID, not a second one)
and R12s-A08 (the programme item points to the items below only when one is offered). Each rule is tested on both
sides of its threshold; the clinical reasoning is in SAFETY, *After an injury or operation* (general clinical
knowledge: the commonest precautions after a hip replacement or a hip or pelvic repair). The faults that
generalise are invariants of the plan lint (tests/plan/test_plan_lint.py, ``round12sb_invariants``)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from tests.conftest import load_example, make_assessment
from tests.paths import FIXTURES
from tests.plan.test_plan_lint import CHECK_WITH_SURGEON
from tests.plan.views import checked_plan as plan_of
from tests.plan.views import handout_lines
from tests.plan.views import offered_entries as entries

CASES = FIXTURES / "cases"
REHAB, AROM, CONTRACTURE = "guide-pt-rehabilitation", "nlsp-pt-arom-progression", "nlsp-pt-contracture-prevention"
MARCH, INNER, PRONE_BEND = "ex-seated-march", "ex-inner-leg-lift", "ex-prone-knee-bend"
HEEL, SLIDE_OUT, SIDE_LIFT = "ex-heel-slides", "ex-leg-slide-out", "ex-side-leg-lift"
PROM_HIP, SIDE_REST = "ex-prom-hip", "ex-position-side"
ENTRAP_DRUG = "entrap-analgesia-conservative-drugs"
SHORT = "Stop well before your thigh points straight up"
LIMITS = "within the limits your surgeon or doctor gave you"
FULL = "through its full range"
RECENT = "the injury or operation was less than 6 weeks ago"
ITEMS_BELOW = "the items below set its content"
HELD = "the items that would set its content are held back for now (see the safety screen)"
NO_WEAKNESS = "no weakness is recorded, so the sessions follow strength and sensation"
ONE_NSAID = "step-1 drug of the ladder item"


def case(name: str) -> dict[str, Any]:
    return validate_assessment(json.loads(next(CASES.glob(f"{name}-*.json")).read_text(encoding="utf-8")))


def after_surgery(days: int | None, etiology: str = "postsurgical", **strength: int) -> dict[str, Any]:
    """A patient who walks with a cane, weak as given, ``days`` after an operation (None: date not recorded)."""
    visit = date(2026, 11, 1)
    history: dict[str, Any] = {"etiology": etiology, "affected_side": "left"}
    if days is not None:
        history["surgery_on"] = history["onset"] = (visit - timedelta(days=days)).isoformat()
    return validate_assessment(
        make_assessment(
            assessed_on=visit.isoformat(),
            history=history,
            strength={g: {"left": v} for g, v in strength.items()},
            pain={"nrs": 3},
            function={"ambulation": "device", "falls_past_3_months": 0},
            joint_position_sense={"left": "normal", "right": "normal"},
        )
    )


def held_ids(plan: dict[str, Any]) -> dict[str, str]:
    return {h["id"]: h["reason"] for h in plan["held"]}


# --- R12s-A02: hip precautions after an injury or operation ---------------------------------------------------------


def test_case_08_holds_the_knee_lift_and_the_bottom_leg_lift_and_gives_the_slides_on_the_back(library: Any) -> None:
    plan = plan_of(library, case("08"))
    found, held = entries(plan), held_ids(plan)
    assert RECENT in held[MARCH] and RECENT in held[INNER]
    assert MARCH not in found and INNER not in found
    assert SHORT in " ".join(found[HEEL]["instructions"])
    assert "do not take it across the middle" in " ".join(found[SLIDE_OUT]["instructions"])
    assert "In place of the knee lifts in sitting" in found[HEEL]["detail"]
    assert "In place of the bottom leg lift" in found[SLIDE_OUT]["detail"]
    assert LIMITS in found[AROM]["handout"] and FULL not in found[AROM]["handout"]
    assert found[CONTRACTURE]["handout"] == "Do not stretch your joints yet."  # the limits are said once


@pytest.mark.parametrize(
    ("days", "march", "asks_first", "slides"),
    [
        (None, False, False, True),
        (42, False, False, True),
        (43, True, True, False),
        (84, True, True, False),
        (85, True, False, False),
    ],
)
def test_the_knee_lift_waits_six_weeks_then_asks_the_surgeon_first_until_twelve(
    library: Any, days: int | None, march: bool, asks_first: bool, slides: bool
) -> None:
    found = entries(plan_of(library, after_surgery(days, hip_flexion=3, hip_adduction=3)))
    assert (MARCH in found) is march and (INNER in found) is march
    if march:
        assert (CHECK_WITH_SURGEON in found[MARCH]["precautions"]) is asks_first
        assert (CHECK_WITH_SURGEON in found[INNER]["precautions"]) is asks_first
    assert (HEEL in found) is slides and (SLIDE_OUT in found) is slides
    window = days is None or days <= 84
    assert (LIMITS in found[AROM]["handout"]) is window and (FULL in found[AROM]["handout"]) is not window


def test_without_an_injury_or_operation_the_knee_lift_is_given_as_before(library: Any) -> None:
    found = entries(plan_of(library, after_surgery(20, etiology="idiopathic", hip_flexion=3, hip_adduction=3)))
    # the surgery date alone still counts: an operation 20 days ago, whatever the cause recorded
    assert MARCH not in found
    plain = validate_assessment(
        make_assessment(
            history={"etiology": "idiopathic", "affected_side": "left", "onset": "2026-08-01"},
            strength={"hip_flexion": {"left": 3}, "hip_adduction": {"left": 3}},
            pain={"nrs": 3},
        )
    )
    found = entries(plan_of(library, plain))
    assert MARCH in found and INNER in found and HEEL not in found and SLIDE_OUT not in found
    assert "check with your surgeon" not in found[MARCH]["precautions"]
    assert FULL in found[AROM]["handout"]


@pytest.mark.parametrize(("days", "held"), [(30, True), (60, False)])
def test_the_knee_bend_lying_on_the_front_waits_with_lying_on_the_front(library: Any, days: int, held: bool) -> None:
    plan = plan_of(library, after_surgery(days, knee_flexion=3))
    found = entries(plan)
    assert (PRONE_BEND in held_ids(plan)) is held and (PRONE_BEND in found) is not held
    assert (HEEL in found) is held
    if not held:
        assert CHECK_WITH_SURGEON in found[PRONE_BEND]["precautions"]


@pytest.mark.parametrize(("days", "guarded"), [(20, True), (100, False)])
def test_side_lying_and_helped_hip_bends_say_where_to_stop(library: Any, days: int, guarded: bool) -> None:
    found = entries(plan_of(library, after_surgery(days, hip_abduction=3)))
    steps = " ".join(found[SIDE_LIFT]["instructions"])
    assert ("Put a pillow between your knees." in steps) is guarded
    assert ("Lower it slowly onto the pillow." in steps) is guarded
    found = entries(plan_of(library, after_surgery(days, hip_flexion=1, knee_extension=1)))
    steps = " ".join(found[PROM_HIP]["instructions"])
    assert ("stopping well before your thigh points straight up" in steps) is guarded
    assert ("up towards your chest" in steps) is not guarded
    assert ("Do not lie on the side of your injury or operation." in " ".join(found[SIDE_REST]["instructions"])) is (
        guarded
    )


def test_the_spanish_cards_carry_the_same_stops() -> None:
    library = compile_library(read_shipped_documents(), translations=read_shipped_translations())
    assessment = after_surgery(20, hip_flexion=3, hip_adduction=3)
    assessment["patient"]["language"] = "es"
    plan = plan_of(library, validate_assessment(assessment))
    cards = {e["id"]: e["translation"] for e in plan["exercises"]}
    assert cards[HEEL]["status"] == cards[SLIDE_OUT]["status"] == "translated"
    assert "Pare mucho antes de que el muslo quede apuntando hacia arriba." in " ".join(cards[HEEL]["instructions"])
    assert "no la pase al otro lado del centro" in " ".join(cards[SLIDE_OUT]["instructions"])
    arom = entries(plan)[AROM]["translation"]
    assert (
        "dentro de los límites que le dio su cirujano" in arom["handout"] and "todo su recorrido" not in arom["handout"]
    )


# --- R12s-A04: the clot's wait told once --------------------------------------------------------------------------


def test_case_01_tells_the_clot_wait_once_and_speaks_of_no_exercises_it_does_not_give(library: Any) -> None:
    plan = plan_of(library, case("01"))
    assert plan["exercises"] == []
    handout = entries(plan)[REHAB]["handout"]
    assert "most home exercises" not in handout and "blood clot" not in handout
    assert (
        "Start your home exercises only when that doctor says they are safe."
        in handout_lines(plan)["safety-urgent-dvt"]
    )


def test_with_a_card_the_patient_may_do_the_rehabilitation_line_says_which(library: Any) -> None:
    assessment = validate_assessment(
        make_assessment(
            history={"etiology": "neoplastic", "affected_side": "right", "malignancy": "prostate", "dvt": True},
            strength={"hip_flexion": {"right": 1}},
            pain={"nrs": 3},
        )
    )
    plan = plan_of(library, assessment)
    assert plan["exercises"]
    handout = entries(plan)[REHAB]["handout"]
    assert "For now, do only the exercises in this handout" in handout and "blood clot" not in handout


# --- R12s-A07: one NSAID for the entrapment and the ladder ----------------------------------------------------------


def test_the_entrapment_example_names_the_ladder_nsaid_as_the_one(library: Any) -> None:
    found = entries(plan_of(library, validate_assessment(load_example("entrapment-piriformis"))))
    assert "who-step-1" in found
    assert ONE_NSAID in found[ENTRAP_DRUG]["detail"] and "may also" not in found[ENTRAP_DRUG]["detail"]
    assert "as the step-1 drug" in found[ENTRAP_DRUG]["title"]


@pytest.mark.parametrize(("nrs", "ladder"), [(3, True), (0, False)])
def test_without_a_ladder_item_the_entrapment_item_stands_alone(library: Any, nrs: int, ladder: bool) -> None:
    history = {"etiology": "entrapment", "affected_side": "right", "onset": "2026-07-01"}
    symptoms = {"paresthesia": True}
    assessment = validate_assessment(
        make_assessment(history=history, pain={"nrs": nrs, "neuropathic": False}, symptoms=symptoms)
    )
    found = entries(plan_of(library, assessment))
    assert any(i.startswith("who-step-") for i in found) is ladder
    assert (ONE_NSAID in found[ENTRAP_DRUG]["detail"]) is ladder


def test_no_anti_inflammatory_at_low_clearance_says_nothing_of_a_second(library: Any) -> None:
    found = entries(plan_of(library, case("55")))
    assert "no anti-inflammatory" in found[ENTRAP_DRUG]["title"] and ONE_NSAID not in found[ENTRAP_DRUG]["detail"]


# --- R12s-A08: the programme item's pointer -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "words"), [("09", NO_WEAKNESS), ("01", HELD), ("08", ITEMS_BELOW)])
def test_the_programme_item_says_what_sets_the_sessions(library: Any, name: str, words: str) -> None:
    detail = entries(plan_of(library, case(name)))[REHAB]["detail"]
    assert words in detail
    assert sum(w in detail for w in (NO_WEAKNESS, HELD, ITEMS_BELOW)) == 1


def test_the_neoplastic_example_keeps_its_pointer(library: Any) -> None:
    found = entries(plan_of(library, validate_assessment(load_example("neoplastic-after-radiation"))))
    assert ITEMS_BELOW in found[REHAB]["detail"]
