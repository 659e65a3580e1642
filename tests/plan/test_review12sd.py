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
from tests.plan.views import checked_plan, offered_entries

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
