"""Review 12c, C-2: a walking record that contradicts the grades is put to the clinician, on both sides."""

from __future__ import annotations

from typing import Any

import pytest

from tests.plan.test_clinical_safety import offered, plan_for

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
