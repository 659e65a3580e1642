"""Review 12c, C-2: a walking record that contradicts the grades is put to the clinician, on both sides."""

from __future__ import annotations

from typing import Any

import pytest

from tests.plan.test_clinical_safety import held, offered, plan_for

ALERT = "clinic-alert-function-grade-mismatch"


@pytest.mark.parametrize(
    ("ambulation", "grade", "flagged"),
    [
        ("independent", 1, True),
        ("device", 0, True),
        ("independent", 2, False),
        ("assisted", 1, False),
        ("non_ambulatory", 4, True),
        ("non_ambulatory", 3, False),
    ],
)
def test_walking_and_grades_that_disagree_raise_one_info_alert(
    library: Any, ambulation: str, grade: int, flagged: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right"},
        strength={"knee_extension": {"right": grade, "left": 5}},
        function={"ambulation": ambulation},
    )
    alerts = offered(plan)
    assert (ALERT in alerts) is flagged
    if flagged:
        assert alerts[ALERT]["level"] == "info"
        assert "not walk" in alerts[ALERT]["detail"] or "graded 0 or 1" in alerts[ALERT]["detail"]


@pytest.mark.parametrize(("days_after_surgery", "held_back"), [(26, True), (43, False)])
def test_entrapment_gliding_advice_waits_for_six_weeks_after_an_operation_like_its_cards(
    library: Any, days_after_surgery: int, held_back: bool
) -> None:
    """Review 12d, N-1: while every glide and stretch card is held after an operation, the item (and its handout
    line "do your nerve gliding and stretching exercises every day") is held too; at 43 days both return."""
    from datetime import date, timedelta

    assessed = date(2026, 12, 6)
    plan = plan_for(
        library,
        assessed_on=assessed.isoformat(),
        history={
            "etiology": "entrapment",
            "affected_side": "right",
            "onset": "2026-10-01",
            "surgery_on": (assessed - timedelta(days=days_after_surgery)).isoformat(),
            "entrapment_site": "piriformis",
        },
        strength={"hip_extension": {"right": 4, "left": 5}},
        pain={"nrs": 4, "neuropathic": True, "current_ladder_step": 0},
    )
    item = "entrap-pt-nerve-mobilization"
    assert (item in held(plan)) is held_back
    assert (item in offered(plan)) is not held_back
