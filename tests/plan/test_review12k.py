"""Review 12k (/work/team/reports/review12k.md), the function and handout side: R12k-01 (no resistance on any card
for a movement graded 3 or less: the big-toe card presses on the toe only at grade 4), R12k-02 (the positions are
named only with a position card), R12k-03 (6-12 weeks after an operation every card the alert means asks for the
surgical limits, the held ankle stretches too), R12k-04 (the nerve studies' purpose once), R12k-05 (no positioning
programme in words for a patient with no weakness, no gentle-movement line under the spinal hold), R12k-06 (the
helper on the transfer and walker lines under the spinal hold), R12k-07 (both legs and both feet in the plural, no
leg giving way under a patient who does not walk), R12k-08 (bed positioning for a hip or knee at 0-1 or a patient
who does not walk unaided) and R12k-09 (no stop rule met by the patient's own tingling, ankle movement in words).
The reviewer's cases (tests/fixtures/review12k, follow-ups with the earlier visit) and each rule on both sides of
its threshold, written from clinical-spec.md; the faults that generalise are invariants of the plan lint
(tests/plan/test_plan_lint.py, ``confirm12k_invariants``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from tests.conftest import make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_plan_lint import confirm12k_invariants
from tests.plan.views import checked_plan as plan_of
from tests.plan.views import entry_text as text
from tests.plan.views import offered_entries as entries

TOE_PRESS = "press down on the toe with a finger"
TOE_HELP = "Use a finger to help"
POSITIONS = "Rest your leg in the positions"
SURGEON_CHECK = "Before you hold the stretch, check with your surgeon or doctor"
GENTLE = "Move your leg gently"
SPINE_HELPER = "Until your spine has been checked"

EXPECTATIONS_12K: dict[str, Expect] = {
    # R12k-02: MRC 3 walker with no position card: no positions named
    "k01": Expect(
        not_offered={"ex-position-back", "ex-position-side"},
        not_texts={"nlsp-pt-contracture-prevention": POSITIONS},
    ),
    # R12k-07: both feet drop, non-walker: splints one on each foot, plural legs, no leg giving way
    "k03": Expect(
        offered={"clinic-afo-positioning", "eq-resting-splint", "eq-leg-lifter"},
        texts={
            "clinic-afo-positioning": "Wear your resting foot splints, one on each foot",
            "eq-resting-splint": "one on each foot",
            "eq-leg-lifter": "your weak legs, one at a time",
            "nlsp-pt-pressure-protection": "where your legs rest",
        },
        not_texts={"clinic-afo-positioning": "on that foot", "nlsp-pt-pressure-protection": "where your leg rests"},
        line_texts={"clinic-call-infection": "a leg becomes red"},
    ),
    # R12k-03, R12k-08: 77 days after the operation; a walker whose only grade-1 group is the great toe, which the
    # patient bends by hand: no carer ankle card beside the towel card (R12p-03)
    "k04a": Expect(
        offered={"ex-toe-lifts", "ex-ankle-assisted", "safety-alert-surgical-precautions"},
        not_offered={"ex-position-back", "ex-position-side", "ex-ankle-pumps", "ex-prom-ankle"},
        texts={"ex-ankle-assisted": SURGEON_CHECK},
    ),
    # R12k-01: great toe extension 2: the finger helps, it does not press
    "k04": Expect(
        offered={"ex-toe-lifts"},
        texts={"ex-toe-lifts": TOE_HELP},
        not_texts={"ex-toe-lifts": TOE_PRESS, "nlsp-pt-contracture-prevention": POSITIONS},
    ),
    # R12k-05, R12k-06: same-day spinal hold, walks independently: no gentle-movement line, the helper everywhere
    "k07": Expect(
        held={"ex-gentle-movement": "spinal"},
        texts={
            "nlsp-pt-acute-positioning": "waits for the same-day spinal review",
            "nlsp-ot-standing-transfer-safety": "with your helper beside you",
            "clinic-aid-walker": "Walk only with your helper beside you",
            "eq-walker": "Walk only with your helper beside you",
        },
        not_texts={"nlsp-pt-acute-positioning": "Move your leg", "nlsp-ot-standing-transfer-safety": "Take extra care"},
    ),
    # R12k-04, R12k-05, R12k-09: sensory only, acute pain, lymphedema in a garment, tingling recorded
    "k08": Expect(
        offered={"ex-lymph-routine", "ex-lymph-elevation", "guide-med-electrodiagnostic"},
        not_offered={"ex-ankle-pumps"},
        texts={
            "nlsp-pt-acute-positioning": "keep moving normally within comfort",
            "ex-lymph-routine": "tingles more than usual",
            "ex-lymph-elevation": "pull your toes up and point them away",
        },
        not_texts={
            "nlsp-pt-acute-positioning": "Limit exercise to positioning",
            "ex-lymph-elevation": "ankle pumps",
            "ex-lymph-routine": "ankle pumps",
        },
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12k", EXPECTATIONS_12K))
def test_confirm12k_case(library: Any, path: Any, expect: Expect) -> None:
    check_case(library, path, expect)


def fixture(folder: str, name: str) -> dict[str, Any]:
    return validate_assessment(json.loads((FIXTURES / folder / f"{name}.json").read_text(encoding="utf-8")))


def made(library: Any, earlier: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    return plan_of(library, validate_assessment(make_assessment(**changes)), earlier)


# --- follow-ups ----------------------------------------------------------------------------------------------------


def test_confirm12k_follow_ups_keep_the_toe_card_unresisted_below_4_and_name_no_positions(library: Any) -> None:
    """k04 after k04a (toe 1 -> 2) and i12 after i12a (toe 3): the toe card gives no resistance; k05 after k05a: no
    position card and no positions named."""
    k04 = entries(plan_of(library, fixture("review12k", "k04"), [fixture("review12k", "k04a")]))
    assert TOE_PRESS not in text(k04["ex-toe-lifts"]) and TOE_HELP in text(k04["ex-toe-lifts"])
    assert POSITIONS not in text(k04["nlsp-pt-contracture-prevention"])
    i12 = entries(plan_of(library, fixture("review12i", "i12"), [fixture("review12i", "i12a")]))
    assert TOE_PRESS not in text(i12["ex-toe-lifts"]) and TOE_HELP not in text(i12["ex-toe-lifts"])
    k05 = entries(plan_of(library, fixture("review12k", "k05"), [fixture("review12k", "k05a")]))
    assert "ex-position-back" not in k05
    assert POSITIONS not in text(k05.get("nlsp-pt-contracture-prevention", {}))


# --- R12k-01: resistance on the toe card only at grade 4 -------------------------------------------------------------


@pytest.mark.parametrize(("grade", "press", "finger_help"), [(2, False, True), (3, False, False), (4, True, False)])
def test_confirm12k_toe_card_presses_only_at_grade_4(library: Any, grade: int, press: bool, finger_help: bool) -> None:
    plan = made(library, strength={"great_toe_extension": {"right": grade, "left": 5}})
    card = entries(plan)["ex-toe-lifts"]
    assert (TOE_PRESS in text(card)) is press
    assert (TOE_HELP in text(card)) is finger_help
    assert card["detail"].count(",") <= 1  # the detail names one tier


def test_confirm12k_lint_finds_resistance_wording_on_an_active_card() -> None:
    """The class check reads every card whatever its category: a toe card pressing at grade 3 is a fault."""
    assessment = validate_assessment(make_assessment(strength={"great_toe_extension": {"right": 3, "left": 5}}))
    card = {"id": "ex-toe-lifts", "category": "active", "groups": ["great_toe_extension"], "precautions": ""}
    plan = {"exercises": [card | {"instructions": [f"When it gets easy, {TOE_PRESS} as you lift."]}]}
    plan |= {"sections": [], "alerts": [], "equipment": [], "handout": {}}
    assert any("resistance" in f for f in confirm12k_invariants(assessment, plan, {}))
    plan["exercises"][0]["instructions"] = ["Lift your big toe up while your other toes stay down."]
    assert confirm12k_invariants(assessment, plan, {}) == []


# --- R12k-02: positions named only with a position card ------------------------------------------------------------


@pytest.mark.parametrize(("ambulation", "cards"), [("device", False), ("non_ambulatory", True)])
def test_confirm12k_positions_named_only_with_a_position_card(library: Any, ambulation: str, cards: bool) -> None:
    plan = made(library, strength={"knee_extension": {"right": 3, "left": 5}}, function={"ambulation": ambulation})
    found = entries(plan)
    assert ("ex-position-back" in found) is cards
    assert (POSITIONS in text(found["nlsp-pt-contracture-prevention"])) is cards


# --- R12k-03: the held ankle stretches ask for the surgical limits 6-12 weeks after an operation ---------------------


@pytest.mark.parametrize(("surgery_on", "days"), [("2026-08-01", 92), ("2026-08-20", 73), ("2026-09-15", 47)])
def test_confirm12k_held_ankle_stretches_ask_for_the_limits_from_6_to_12_weeks(
    library: Any, surgery_on: str, days: int
) -> None:
    """92 days: no alert and no check; 73 and 47 days: the alert, and the check on both held ankle stretches."""
    history = {"etiology": "postsurgical", "affected_side": "right", "surgery_on": surgery_on, "onset": surgery_on}
    strength = {"ankle_dorsiflexion": {"right": 1, "left": 5}, "ankle_plantarflexion": {"right": 2, "left": 5}}
    found = entries(made(library, history=history, strength=strength))
    window = 42 < days <= 84
    assert ("safety-alert-surgical-precautions" in found) is window
    for card in ("ex-prom-ankle", "ex-ankle-assisted"):
        assert (SURGEON_CHECK in text(found[card])) is window, card


# --- R12k-04: the nerve studies' purpose once ----------------------------------------------------------------------


@pytest.mark.parametrize("weak", [False, True])
def test_confirm12k_studies_say_their_purpose_once(library: Any, weak: bool) -> None:
    grade = 3 if weak else 5
    plan = made(
        library,
        history={"onset": "2026-08-01"},
        strength={"knee_extension": {"right": grade, "left": 5}, "ankle_dorsiflexion": {"right": grade, "left": 5}},
        symptoms={"paresthesia": True},
    )
    detail = entries(plan)["guide-med-electrodiagnostic"]["detail"]
    assert detail.count("from a radiculopathy") == 1
    assert ("There is no weakness" in detail) is not weak


# --- R12k-05: the acute-pain item for no weakness and under the spinal hold ------------------------------------------


@pytest.mark.parametrize("grade", [5, 3])
def test_confirm12k_acute_pain_item_gives_no_positioning_without_weakness(library: Any, grade: int) -> None:
    plan = made(
        library,
        strength={"knee_extension": {"right": grade, "left": 5}},
        pain={"nrs": 5, "acute": True},
        function={"ambulation": "independent"},
    )
    item = entries(plan)["nlsp-pt-acute-positioning"]
    assert ("Limit exercise to positioning" in item["detail"]) is (grade < 5)
    assert ("positioning" in item["title"]) is (grade < 5)
    assert ("keep moving normally" in item["detail"]) is (grade == 5)


@pytest.mark.parametrize("bladder", [False, True])
def test_confirm12k_no_gentle_movement_line_under_the_spinal_hold(library: Any, bladder: bool) -> None:
    plan = made(
        library,
        strength={"knee_extension": {"right": 4, "left": 5}},
        pain={"nrs": 6, "acute": True},
        symptoms={"bowel_bladder_change": bladder},
        function={"ambulation": "independent"},
    )
    item = entries(plan)["nlsp-pt-acute-positioning"]
    assert (GENTLE in item["handout"]) is not bladder
    assert ("waits for the same-day spinal review" in item["detail"]) is bladder


# --- R12k-06: the helper under the spinal hold ----------------------------------------------------------------------


@pytest.mark.parametrize("bladder", [False, True])
def test_confirm12k_helper_on_transfer_and_walker_lines_under_the_spinal_hold(library: Any, bladder: bool) -> None:
    """Walks with a walker, rises and transfers alone, no fall, position sense intact: the helper only while the
    same-day spinal review is pending."""
    plan = made(
        library,
        strength={"ankle_dorsiflexion": {"right": 2, "left": 5}, "hip_abduction": {"right": 4, "left": 5}},
        symptoms={"bowel_bladder_change": bladder},
        joint_position_sense={"left": "normal", "right": "normal"},
        function={
            "ambulation": "device",
            "sit_to_stand": "independent",
            "standing_transfer": "independent",
            "falls_past_3_months": 1,
        },
    )
    found = entries(plan)
    assert ("helper" in found["clinic-aid-walker"]["handout"]) is bladder
    assert ("helper" in " ".join(found["eq-walker"]["instructions"])) is bladder
    transfer = found["nlsp-ot-standing-transfer-safety"]["handout"]
    assert (SPINE_HELPER in transfer and "helper" in transfer) is bladder


# --- R12k-07: both legs and both feet -------------------------------------------------------------------------------


@pytest.mark.parametrize("both", [False, True])
def test_confirm12k_both_legs_in_the_plural(library: Any, both: bool) -> None:
    left = 1 if both else 5
    plan = made(
        library,
        history={"affected_side": "bilateral" if both else "right"},
        strength={
            "ankle_dorsiflexion": {"right": 1, "left": left},
            "hip_flexion": {"right": 2, "left": 2 if both else 5},
        },
        function={"ambulation": "non_ambulatory", "standing_transfer": "unable"},
    )
    found = entries(plan)
    splint = found["clinic-afo-positioning"]["handout"]
    assert ("one on each foot" in splint) is both
    assert ("on that foot" in splint) is not both or "heel protector" not in splint
    assert ("your weak legs, one at a time" in text(found["eq-leg-lifter"])) is both
    assert ("under your knees" in text(found["ex-position-back"])) is both
    lines = {line["id"]: line["text"] for lines in plan["handout"].values() for line in lines}
    assert ("a leg becomes red" in lines["clinic-call-infection"]) is both
    assert "gives way" not in " ".join(lines.values())  # the patient does not walk


@pytest.mark.parametrize("ambulation", ["non_ambulatory", "independent"])
def test_confirm12k_leg_gives_way_only_for_a_walker(library: Any, ambulation: str) -> None:
    plan = made(library, strength={"knee_extension": {"right": 3, "left": 5}}, function={"ambulation": ambulation})
    lines = " ".join(line["text"] for lines in plan["handout"].values() for line in lines)
    assert ("gives way under you" in lines) is (ambulation == "independent")


# --- R12k-08: bed positioning for a hip or knee at 0-1 or a patient who does not walk unaided ------------------------


@pytest.mark.parametrize(
    ("group", "ambulation", "positions"),
    [
        ("great_toe_extension", "device", False),
        ("ankle_dorsiflexion", "independent", False),
        ("great_toe_extension", "assisted", True),
        ("knee_extension", "device", True),
        ("hip_flexion", "independent", True),
    ],
)
def test_confirm12k_bed_positioning_for_a_hip_or_knee_at_0_1_or_a_helped_walker(
    library: Any, group: str, ambulation: str, positions: bool
) -> None:
    plan = made(library, strength={group: {"right": 1, "left": 5}}, function={"ambulation": ambulation})
    found = entries(plan)
    assert ("ex-position-back" in found) is positions
    assert ("ex-position-side" in found) is positions
    assert ("ex-ankle-pumps" in found) is (positions or ambulation == "assisted")


# --- R12k-09: the lymphedema cards' stop rule and the ankle movement in words ---------------------------------------


@pytest.mark.parametrize("tingling", [False, True])
def test_confirm12k_lymphedema_cards_stop_on_more_tingling_and_describe_the_ankle_movement(
    library: Any, tingling: bool
) -> None:
    plan = made(
        library,
        symptoms={"paresthesia": tingling},
        lymphedema={"present": True, "side": "right", "phase": "maintenance"},
        function={"ambulation": "independent"},
    )
    found = entries(plan)
    assert "ex-ankle-pumps" not in found
    assert "tingles more than usual" in found["ex-lymph-routine"]["precautions"]
    assert "ankle pumps" not in text(found["ex-lymph-elevation"]).lower()
    assert "point them away" in text(found["ex-lymph-elevation"])
