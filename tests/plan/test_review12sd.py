"""Review 12s, R12s-B02: within six weeks of an operation or an injury (or while its date is unknown) the plan gives
no resisted exercise until the surgical team has set its precautions (SAFETY, *After an injury or operation*), so the
active-range item does not tell the therapist to add resistance for the groups at grade 4; from six to twelve weeks
it adds resistance once the precautions are confirmed; after twelve weeks, as for any patient. Written from that
section, on both sides of each threshold; the reviewer's case is tests/fixtures/review12s/V2. The fault that
generalises is an invariant of the plan lint (``round12sd_invariants``)."""

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
