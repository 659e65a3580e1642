"""Review 12s, R12s-B02, and its confirmation 12t (R12t-A01 to A04).

R12s-B02: within six weeks of an operation or an injury (or while its date is unknown) the plan gives no resisted
exercise until the surgical team has set its precautions (SAFETY, *After an injury or operation*), so the
active-range item does not tell the therapist to add resistance for the groups at grade 4; from six to twelve weeks
it adds resistance once the precautions are confirmed; after twelve weeks, as for any patient. The reviewer's case is
tests/fixtures/review12s/V2; the fault that generalises is an invariant of the plan lint (``round12sd_invariants``).

R12t: in those six weeks the active-range item names the hip limits the held cards keep (no "against gravity"); the
moving-about line leaves the surgeon's limits to the walking-aid line that carries them; the sit-to-stand line names
no equipment; from six to twelve weeks the stretching line first asks the surgeon, and the alert names the cards that
bend the hip past a right angle or cross the midline. Each written from that SAFETY section, on both sides of its
threshold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from tests.conftest import make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_safety import days_before
from tests.plan.views import checked_plan, entry_text, handout_lines, offered_entries

AROM = "nlsp-pt-arom-progression"
WAITS = "resistance waits until the surgical or orthopaedic team has set its precautions"
CONFIRMED = "once the surgical team's precautions are confirmed"
MAY_ADD = "resistance may be added"


def arom_detail(library: Any, history: dict[str, Any]) -> str:
    assessment = make_assessment(
        history=history, strength={"hip_adduction": {"right": 4}, "hip_flexion": {"right": 3}}, pain={"nrs": 2}
    )
    return offered_entries(checked_plan(library, validate_assessment(assessment)))[AROM]["detail"]


@pytest.mark.parametrize(
    ("days", "waits", "confirmed"),
    [(21, True, False), (42, True, False), (43, False, True), (84, False, True), (85, False, False)],
)
def test_grade_4_resistance_follows_the_weeks_after_an_operation(
    library: Any, days: int, waits: bool, confirmed: bool
) -> None:
    detail = arom_detail(library, {"etiology": "postsurgical", "surgery_on": days_before(days)})
    assert (WAITS in detail) is waits
    assert (CONFIRMED in detail) is confirmed
    assert (MAY_ADD in detail) is not waits
    assert "right hip adduction" in detail


def test_an_injury_six_weeks_ago_holds_resistance_too(library: Any) -> None:
    detail = arom_detail(library, {"etiology": "traumatic", "trauma_type": "blunt", "trauma_on": days_before(30)})
    assert WAITS in detail and MAY_ADD not in detail


def test_without_an_operation_or_injury_resistance_is_added_as_the_grade_allows(library: Any) -> None:
    detail = arom_detail(library, {"etiology": "idiopathic"})
    assert "Progressive low resistance (grade 4): right hip adduction" in detail
    assert MAY_ADD in detail and WAITS not in detail and CONFIRMED not in detail


def test_the_reviewers_case_no_longer_adds_resistance(library: Any) -> None:
    path = FIXTURES / "review12s" / "V2-postsurgical-3w-mrc4.json"
    plan = checked_plan(library, validate_assessment(json.loads(path.read_text(encoding="utf-8"))))
    detail = offered_entries(plan)[AROM]["detail"]
    assert WAITS in detail and MAY_ADD not in detail and "Progressive low resistance" not in detail


def plan_with(library: Any, **changes: Any) -> dict[str, Any]:
    return offered_entries(checked_plan(library, validate_assessment(make_assessment(**changes))))


HIP_LIMITS = "the hip bends well short of 90 degrees and comes back to the midline"


@pytest.mark.parametrize(("days", "limits"), [(20, True), (50, False)])
def test_grade_3_movement_names_the_hip_limits_while_the_cards_wait(library: Any, days: int, limits: bool) -> None:
    detail = arom_detail(library, {"etiology": "postsurgical", "surgery_on": days_before(days)})
    assert (HIP_LIMITS in detail) is limits
    assert ("Active range of motion against gravity, no resistance yet (grade 3)" in detail) is not limits


SURGEON_LIMITS = "Keep to the limits on standing and walking that your surgeon or doctor gave you."


def test_the_moving_about_line_leaves_the_limits_to_the_walking_aid_line(library: Any) -> None:
    """Walking only with help brings the walker, whose line says the limits: the moving-about line does not repeat
    them (the checklist keeps its own line)."""
    found = plan_with(
        library,
        history={"etiology": "traumatic", "trauma_type": "blunt", "trauma_on": days_before(5)},
        strength={"hip_extension": {"right": 3}, "ankle_dorsiflexion": {"right": 2}},
        function={"ambulation": "assisted"},
    )
    assert "your surgeon or doctor gave you" in found["clinic-aid-walker"]["handout"]
    assert SURGEON_LIMITS not in found["nlsp-pt-mobilize-dvt-watch"]["handout"]


def test_the_sit_to_stand_line_names_no_equipment(library: Any) -> None:
    found = plan_with(library, strength={"knee_extension": {"right": 4}}, function={"ambulation": "independent"})
    handout = found["nlsp-ot-sit-to-stand"]["handout"]
    assert "Use the method your therapist showed you" in handout and "equipment" not in handout


STRETCH_CHECK = "Check with your surgeon or doctor that stretching is safe before you start."


@pytest.mark.parametrize(("days", "check"), [(30, False), (43, True), (84, True), (85, False)])
def test_the_stretching_line_waits_for_the_surgeon_from_six_to_twelve_weeks(
    library: Any, days: int, check: bool
) -> None:
    found = plan_with(
        library,
        history={"etiology": "postsurgical", "surgery_on": days_before(days)},
        strength={"hip_flexion": {"right": 3}},
        function={"ambulation": "device"},
    )
    handout = found["nlsp-pt-contracture-prevention"]["handout"]
    assert (STRETCH_CHECK in handout) is check
    assert ("Stretch your joints every day" in handout) is (days > 42)


# --- review 12t, reviewer B ------------------------------------------------------------------------------------------

RIGHT_ANGLE = "never bending at the hip past a right angle"


@pytest.mark.parametrize(("days", "limited"), [(20, True), (84, True), (85, False)])
def test_standing_up_from_a_chair_keeps_the_hip_short_of_a_right_angle_after_an_operation(
    library: Any, days: int, limited: bool
) -> None:
    """R12t-B01: the card that rises from a chair says where the hip stops through the twelve weeks."""
    found = plan_with(
        library,
        history={"etiology": "postsurgical", "surgery_on": days_before(days)},
        strength={"knee_extension": {"right": 4}},
        function={"ambulation": "independent", "sit_to_stand": "needs_help"},
    )
    card = entry_text(found["ex-sit-to-stand"])
    assert (RIGHT_ANGLE in card) is limited
    assert ("hips higher than your knees" in card) is limited
    assert ("Keep your operated or injured leg a little forward as you sit" in card) is limited  # sitting down too


@pytest.mark.parametrize("pregnancy", ["pregnant", "no"])
def test_knee_lifts_in_pregnancy_stop_before_the_belly(library: Any, pregnancy: str) -> None:
    """R12t-B02."""
    found = plan_with(
        library,
        patient={"id": "T-1", "name": "Test Patient", "sex": "female"},
        history={"pregnancy": pregnancy},
        strength={"hip_flexion": {"right": 3}},
        function={"ambulation": "independent"},
    )
    assert ("without pressing on it" in entry_text(found["ex-seated-march"])) is (pregnancy == "pregnant")


ONLY_WITH_HELPER = "Get in and out of it only with your helper"


@pytest.mark.parametrize(("standing_transfer", "board"), [("unable", True), ("needs_help", False)])
def test_the_wheelchair_line_leaves_the_helper_to_the_transfer_board_line(
    library: Any, standing_transfer: str, board: bool
) -> None:
    """R12t-B03: the helper rule of a board transfer is said by the board's line (and card), not again."""
    found = plan_with(
        library,
        strength={"hip_flexion": {"right": 2}},
        function={"ambulation": "non_ambulatory", "standing_transfer": standing_transfer},
    )
    wheelchair = found["clinic-pt-non-ambulatory"]["handout"]
    assert ("clinic-ot-transfer-board" in found) is board
    assert (ONLY_WITH_HELPER in wheelchair) is not board
    assert ("on your transfer board" in wheelchair) is board
    if board:
        assert "Have your helper with you" in found["clinic-ot-transfer-board"]["handout"]


@pytest.mark.parametrize(("grade", "added"), [(3, False), (4, True)])
def test_resistance_is_mentioned_only_beside_a_group_at_grade_4(library: Any, grade: int, added: bool) -> None:
    """R12t-B04, with severe pain: the load clause goes with the resistance clause."""
    found = plan_with(library, strength={"hip_flexion": {"right": grade}}, pain={"nrs": 8})
    detail = found["nlsp-pt-arom-progression"]["detail"]
    assert ("resistance may be added" in detail) is added
    assert ("keep the load within pain tolerance" in detail) is added
    assert "Advance each group as its grade rises" in detail


@pytest.mark.parametrize("case", ["P1-preg-neoplastic-step2-severe", "P4-preg-piriformis-tens"])
def test_tens_in_pregnancy_names_no_site_that_was_not_recorded_and_no_cancer_team_exception(
    library: Any, case: str
) -> None:
    """R12t-B05, on the reviewer's cases (a buttock pain site; P1 with a cancer)."""
    path = FIXTURES / "review12s" / f"{case}.json"
    plan = checked_plan(library, validate_assessment(json.loads(path.read_text(encoding="utf-8"))))
    detail = offered_entries(plan)["nlsp-analgesia-tens-anodyne"]["detail"]
    assert "the recorded pain site there is not padded" in detail and "groin, hip or sacrum" not in detail
    assert "unless the cancer team agrees" not in detail


WOUND = "your wound leaks, or your wound or leg becomes red, hot or swollen"


@pytest.mark.parametrize(("days", "wound"), [(21, True), (84, True), (85, False)])
def test_the_call_line_names_the_wound_after_an_operation_without_an_infection(
    library: Any, days: int, wound: bool
) -> None:
    """R12t-B06: within twelve weeks of an operation the wound is where a collection or infection shows."""
    plan = checked_plan(
        library,
        validate_assessment(
            make_assessment(
                history={"etiology": "postsurgical", "surgery_on": days_before(days)},
                strength={"hip_flexion": {"right": 4}},
            )
        ),
    )
    assert (WOUND in handout_lines(plan)["clinic-call-infection"]) is wound


def test_the_pregnancy_alert_holds_lying_on_the_front_at_any_stage(library: Any) -> None:
    """R12t-B07."""
    found = plan_with(
        library,
        patient={"id": "T-1", "name": "Test Patient", "sex": "female"},
        history={"pregnancy": "pregnant"},
        strength={"hip_flexion": {"right": 3}},
    )
    text = entry_text(found["safety-alert-pregnancy"])
    assert "No exercise is done lying on the front while pregnant" in text


# --- review 12u ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "limited"), [(30, True), (84, True), (85, False)])
def test_every_line_on_rising_keeps_the_hip_short_of_a_right_angle_after_an_operation(
    library: Any, days: int, limited: bool
) -> None:
    """R12u-01/02: the chair line, the armchair card and the seated cards agree with the sit-to-stand card."""
    found = plan_with(
        library,
        history={"etiology": "postsurgical", "surgery_on": days_before(days)},
        strength={"knee_extension": {"right": 3}},
        function={"ambulation": "device", "falls_past_3_months": 0, "standing_transfer": "independent"},
        joint_position_sense={"right": "normal"},
    )
    rising = [entry_text(found[i]) for i in ("clinic-ot-chair", "eq-armchair", "eq-raised-toilet-seat") if i in found]
    assert rising
    assert all((RIGHT_ANGLE in text) is limited for text in rising)
    assert all(("lean forward and push" in text) is not limited for text in rising)
    seated = entry_text(found["ex-knee-straighten-seated"])
    assert ("hips higher than your knees" in seated) is limited


def test_the_wheelchair_line_names_the_board_without_pointing_to_another_line(library: Any) -> None:
    """R12u-03."""
    found = plan_with(
        library,
        strength={"hip_flexion": {"right": 2}},
        function={"ambulation": "non_ambulatory", "standing_transfer": "unable"},
    )
    handout = found["clinic-pt-non-ambulatory"]["handout"]
    assert handout.endswith("get in and out of it on your transfer board.") and "its line" not in handout


def test_the_six_to_twelve_week_alert_title_covers_every_exercise_that_waits(library: Any) -> None:
    """R12u-04."""
    found = plan_with(
        library,
        history={"etiology": "postsurgical", "surgery_on": days_before(60)},
        strength={"hip_flexion": {"right": 4}},
    )
    text = found["safety-alert-surgical-precautions"]["text"]
    assert "before the exercises that wait for them" in text and "resisted or loaded work" not in text


# --- review 12v ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "limited"), [(5, True), (84, True), (85, False)])
def test_seated_cards_and_pressure_relief_keep_the_hip_short_of_a_right_angle(
    library: Any, days: int, limited: bool
) -> None:
    """R12v-01/02: the pillow squeeze and the ankle cards sit on a high chair, and the wheelchair lift-off offers no
    lean over the knees, through the twelve weeks after an operation."""
    found = plan_with(
        library,
        history={"etiology": "postsurgical", "surgery_on": days_before(days)},
        strength={"hip_adduction": {"right": 4}, "ankle_dorsiflexion": {"right": 3}, "hip_flexion": {"right": 2}},
        function={"ambulation": "non_ambulatory"},
    )
    seated = [entry_text(found[i]) for i in ("ex-pillow-squeeze", "ex-ankle-lifts") if i in found]
    assert seated
    assert all(("hips higher than your knees" in text) is limited for text in seated)
    relief = entry_text(found["ex-wheelchair-pressure-relief"])
    assert ("lean forward over your knees" in relief) is not limited
