"""Progress across visits: findings against hand-computed histories, and the rules over them on both sides
of each threshold (the thresholds are CLINIC's, see "Change between visits")."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from planner.assessment.schema import CAREPLAN_SCHEMA
from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.plan.generate import generate_plan
from tests.conftest import deep_merge, make_assessment
from tests.plan.test_plan_rules import ids


def visit(on: str, **changes: Any) -> dict[str, Any]:
    assessment = make_assessment(assessed_on=on, **changes)
    validate_assessment(assessment)
    return assessment


def cylinder_leg(left_cm: float, right_cm: float) -> dict[str, Any]:
    """Lymphedema of the right leg with constant circumferences: volume ratio is (right/left) squared."""
    return {
        "present": True,
        "side": "right",
        "phase": "reduction",
        "interval_cm": 4,
        "circumferences_cm": {"left": [left_cm] * 6, "right": [right_cm] * 6},
    }


FIRST = visit(
    "2026-01-10",
    strength={"hip_extension": {"right": 3}, "ankle_dorsiflexion": {"right": 2}, "knee_extension": {"left": 5}},
    pain={"nrs": 7},
    lymphedema=cylinder_leg(40, 44),  # (44/40)^2 - 1 = 21.0 %
    function={"ambulation": "assisted", "falls_past_3_months": 2},
)
SECOND = visit(
    "2026-02-07",
    strength={"hip_extension": {"right": 4}, "ankle_dorsiflexion": {"right": 1}, "knee_extension": {"left": 5}},
    pain={"nrs": 5},
    lymphedema=cylinder_leg(40, 43),
    function={"ambulation": "assisted", "falls_past_3_months": 1},
)
THIRD = visit(
    "2026-03-07",
    strength={"hip_extension": {"right": 4}, "ankle_dorsiflexion": {"right": 3}},
    pain={"nrs": 8},
    lymphedema=cylinder_leg(40, 42.8),  # (1.07)^2 - 1 = 14.49 -> 14.5 %
    function={"ambulation": "device", "falls_past_3_months": 1},
)


def test_progress_findings_match_a_hand_computed_history(library: Any) -> None:
    found = all_findings(THIRD, library, [SECOND, FIRST])  # any order: sorted by date
    assert found["assessment_number"] == 3
    assert found["has_previous"] is True
    assert found["days_since_previous"] == 28
    assert found["days_since_first"] == 56
    # hip extension right 3 -> 4 -> 4; ankle dorsiflexion right 2 -> 1 -> 3
    assert found["mrc_change_hip_extension_right"] == 0
    assert found["mrc_change_since_first_hip_extension_right"] == 1
    assert found["mrc_change_ankle_dorsiflexion_right"] == 2
    assert found["mrc_change_since_first_ankle_dorsiflexion_right"] == 1
    # knee extension was not graded at the third visit: no change either way
    assert found["mrc_change_knee_extension_left"] is None
    assert found["mrc_change_hip_extension_left"] is None
    assert (found["mrc_drop_max"], found["mrc_gain_max"], found["mrc_change_total"]) == (0, 2, 2)
    assert (found["mrc_drop_max_since_first"], found["mrc_gain_max_since_first"]) == (0, 1)
    assert found["mrc_change_total_since_first"] == 2
    assert found["improved_groups"] == ("ankle_dorsiflexion",)
    assert found["worsened_groups"] == ()
    assert (found["pain_nrs_previous"], found["pain_nrs_change"], found["pain_nrs_change_since_first"]) == (5, 3, 1)
    assert found["excess_volume_percent"] == 14.5
    assert found["excess_volume_change_since_first"] == pytest.approx(14.5 - 21.0)
    assert found["ambulation_change"] == "better"  # assisted -> device
    assert found["ambulation_change_since_first"] == "better"
    assert found["falls_change"] == 0


def test_second_visit_sees_the_drop(library: Any) -> None:
    found = all_findings(SECOND, library, [FIRST])
    assert found["mrc_drop_max"] == 1
    assert found["mrc_gain_max"] == 1
    assert found["worsened_groups"] == ("ankle_dorsiflexion",)
    assert found["improved_groups"] == ("hip_extension",)
    assert found["pain_nrs_change"] == -2
    assert found["falls_change"] == -1
    assert found["ambulation_change"] == "same"


def test_first_visit_has_no_progress_and_no_progress_block(library: Any) -> None:
    found = all_findings(FIRST, library)
    assert found["assessment_number"] == 1
    assert found["has_previous"] is False
    for name in ("days_since_previous", "mrc_drop_max", "pain_nrs_change", "excess_volume_change", "falls_change"):
        assert found[name] is None
    assert found["worsened_groups"] == ()
    for derived in ("strength_worsening", "pain_worsening", "strength_improving", "recovery_stalled"):
        assert found[derived] is False
    plan = generate_plan(FIRST, library)
    assert "progress" not in plan
    assert not ids(plan) & {"entrap-med-reimage-worsening", "clinic-mon-progress-summary", "nlsp-pt-advance-resistance"}


def test_progress_block_lists_every_pair_weak_at_any_visit(library: Any) -> None:
    plan = generate_plan(THIRD, library, [FIRST, SECOND])
    Draft202012Validator(CAREPLAN_SCHEMA).validate(plan)
    progress = plan["progress"]
    assert progress["dates"] == ["2026-01-10", "2026-02-07", "2026-03-07"]
    assert progress["pain_nrs"] == [7, 5, 8]
    assert progress["excess_volume_percent"] == [21.0, 15.6, 14.5]
    assert progress["ambulation"] == ["assisted", "assisted", "device"]
    assert progress["falls_past_3_months"] == [2, 1, 1]
    assert [(s["group"], s["side"], s["mrc"]) for s in progress["strength"]] == [
        ("hip_extension", "right", [3, 4, 4]),
        ("ankle_dorsiflexion", "right", [2, 1, 3]),
    ]
    assert progress["strength"][1]["change_since_previous"] == 2
    assert progress["strength"][1]["change_since_first"] == 1
    assert progress["recovery_window_months"] is None  # etiology unknown: no window in CLINIC


def pair(
    before: dict[str, Any], after: dict[str, Any], *, days: int = 28, **common: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two visits ``days`` apart with ``common`` fields shared and ``before``/``after`` merged in."""
    from datetime import date, timedelta

    second_on = (date(2026, 6, 1) + timedelta(days=days)).isoformat()
    return visit("2026-06-01", **deep_merge(common, before)), visit(second_on, **deep_merge(common, after))


def fired(library: Any, first: dict[str, Any], second: dict[str, Any]) -> set[str]:
    return ids(generate_plan(second, library, [first]))


CANCER = {"history": {"etiology": "neoplastic", "affected_side": "right", "malignancy": "cervical cancer"}}
WEAK = {"strength": {"knee_extension": {"right": 4}}}
PROGRESS_CASES: list[tuple[str, tuple[dict[str, Any], dict[str, Any]], set[str], set[str]]] = [
    (
        "a grade lost: review and repeat imaging",
        pair({"strength": {"knee_extension": {"right": 4}}}, {"strength": {"knee_extension": {"right": 3}}}),
        {"entrap-med-reimage-worsening", "clinic-mon-progress-summary"},
        {"entrap-mon-repeat-mri", "nlsp-pt-advance-resistance"},
    ),
    (
        "grades unchanged: no reimaging",
        pair(WEAK, WEAK),
        {"entrap-mon-repeat-mri", "clinic-mon-progress-summary"},
        {"entrap-med-reimage-worsening"},
    ),
    (
        "pain up 2 points: review and repeat imaging",
        pair({"pain": {"nrs": 4}}, {"pain": {"nrs": 6}}, **WEAK),
        {"entrap-med-reimage-worsening"},
        set(),
    ),
    (
        "pain up 1 point: no reimaging",
        pair({"pain": {"nrs": 4}}, {"pain": {"nrs": 5}}, **WEAK),
        set(),
        {"entrap-med-reimage-worsening"},
    ),
    (
        "cancer, 2 grades lost in 4 weeks: urgent alert",
        pair({"strength": {"knee_extension": {"right": 4}}}, {"strength": {"knee_extension": {"right": 2}}}, **CANCER),
        {"red-alert-cancer-weakness-worsening"},
        set(),
    ),
    (
        "cancer, 1 grade lost in 4 weeks: review, not the urgent alert",
        pair({"strength": {"knee_extension": {"right": 4}}}, {"strength": {"knee_extension": {"right": 3}}}, **CANCER),
        {"entrap-med-reimage-worsening"},
        {"red-alert-cancer-weakness-worsening"},
    ),
    (
        "cancer, 1 grade lost in 14 days: urgent alert",
        pair(
            {"strength": {"knee_extension": {"right": 4}}},
            {"strength": {"knee_extension": {"right": 3}}},
            days=14,
            **CANCER,
        ),
        {"red-alert-cancer-weakness-worsening"},
        set(),
    ),
    (
        "cancer, 1 grade lost in 15 days: no urgent alert",
        pair(
            {"strength": {"knee_extension": {"right": 4}}},
            {"strength": {"knee_extension": {"right": 3}}},
            days=15,
            **CANCER,
        ),
        set(),
        {"red-alert-cancer-weakness-worsening"},
    ),
    (
        "no cancer, 2 grades lost: review, no cancer alert",
        pair({"strength": {"knee_extension": {"right": 4}}}, {"strength": {"knee_extension": {"right": 2}}}),
        {"entrap-med-reimage-worsening"},
        {"red-alert-cancer-weakness-worsening"},
    ),
    (
        "entrapment, a grade lost: decompression opinion (progressive deficit)",
        pair(
            {"strength": {"knee_extension": {"right": 4}}},
            {"strength": {"knee_extension": {"right": 3}}},
            history={"etiology": "entrapment", "affected_side": "right"},
        ),
        {"entrap-med-decompression-severe"},
        set(),
    ),
    (
        "entrapment, grades unchanged at MRC 3: no decompression opinion",
        pair(
            {"strength": {"knee_extension": {"right": 3}}},
            {"strength": {"knee_extension": {"right": 3}}},
            history={"etiology": "entrapment", "affected_side": "right"},
        ),
        set(),
        {"entrap-med-decompression-severe"},
    ),
    (
        "a grade gained to 4, none lost, pain settled: resistance, said in the active-range item",
        pair({"strength": {"knee_extension": {"right": 3}}}, {"strength": {"knee_extension": {"right": 4}}}),
        {"nlsp-pt-arom-progression"},
        {"entrap-med-reimage-worsening", "nlsp-pt-advance-resistance"},
    ),
    (
        "a grade gained but another lost: no advance",
        pair(
            {"strength": {"knee_extension": {"right": 3}, "hip_flexion": {"right": 4}}},
            {"strength": {"knee_extension": {"right": 4}, "hip_flexion": {"right": 3}}},
        ),
        {"entrap-med-reimage-worsening"},
        {"nlsp-pt-advance-resistance"},
    ),
    (
        "a grade gained with acute pain: no advance",
        pair(
            {"strength": {"knee_extension": {"right": 3}}},
            {"strength": {"knee_extension": {"right": 4}}},
            pain={"nrs": 5, "acute": True},
        ),
        set(),
        {"nlsp-pt-advance-resistance"},
    ),
    (
        "excess volume down 6.6 points: step to maintenance",
        pair({"lymphedema": cylinder_leg(40, 44)}, {"lymphedema": cylinder_leg(40, 42.8)}),
        {"nlsp-lymph-step-to-maintenance"},
        set(),
    ),
    (
        "excess volume down 4.9 points: stay in reduction",
        pair({"lymphedema": cylinder_leg(40, 44)}, {"lymphedema": cylinder_leg(40, 43.1)}),  # 16.1 %
        set(),
        {"nlsp-lymph-step-to-maintenance"},
    ),
    (
        "excess volume down but compression on hold (DVT): no garment step",
        pair(
            {"lymphedema": cylinder_leg(40, 44)},
            {"lymphedema": cylinder_leg(40, 42.8), "history": {"dvt": True}},
        ),
        set(),
        {"nlsp-lymph-step-to-maintenance"},
    ),
    (
        "walking category worse: review the walking aid",
        pair(
            {"function": {"ambulation": "independent", "falls_past_3_months": 0}},
            {"function": {"ambulation": "device", "falls_past_3_months": 0}},
        ),
        {"clinic-pt-mobility-declined"},
        set(),
    ),
    (
        "one more fall: review the walking aid",
        pair(
            {"function": {"ambulation": "device", "falls_past_3_months": 0}},
            {"function": {"ambulation": "device", "falls_past_3_months": 1}},
        ),
        {"clinic-pt-mobility-declined"},
        set(),
    ),
    (
        "walking better and no new falls: nothing to review",
        pair(
            {"function": {"ambulation": "device", "falls_past_3_months": 1}},
            {"function": {"ambulation": "independent", "falls_past_3_months": 1}},
        ),
        set(),
        {"clinic-pt-mobility-declined"},
    ),
]


@pytest.mark.parametrize(
    ("first", "second", "present", "absent"),
    [pytest.param(*case[1], case[2], case[3], id=case[0]) for case in PROGRESS_CASES],
)
def test_progress_rules(library: Any, first: Any, second: Any, present: set[str], absent: set[str]) -> None:
    fired_ids = fired(library, first, second)
    assert present <= fired_ids, present - fired_ids
    assert not (absent & fired_ids), absent & fired_ids


def idiopathic(onset: str) -> dict[str, Any]:
    return {"history": {"etiology": "idiopathic", "affected_side": "right", "onset": onset}}


@pytest.mark.parametrize(
    ("onset", "grades", "etiology", "stalled"),
    [
        ("2023-06-01", (3, 3), "idiopathic", True),  # 37.0 months at 2026-07-01, no gain
        ("2023-08-15", (3, 3), "idiopathic", False),  # 34.5 months: still inside 6-36
        ("2023-06-01", (3, 4), "idiopathic", False),  # gained a grade
        ("2023-06-01", (3, 3), "neoplastic", False),  # no window for tumour
        ("2025-06-01", (3, 3), "entrapment", True),  # 13 months, past 12
        ("2025-08-01", (3, 3), "entrapment", False),  # 11 months
    ],
)
def test_recovery_stalled_past_the_window(
    library: Any, onset: str, grades: tuple[int, int], etiology: str, stalled: bool
) -> None:
    history = {"history": {"etiology": etiology, "affected_side": "right", "onset": onset}}
    first = visit("2026-06-01", strength={"knee_extension": {"right": grades[0]}}, **history)
    second = visit("2026-07-01", strength={"knee_extension": {"right": grades[1]}}, **history)
    plan = generate_plan(second, library, [first])
    assert ("entrap-med-reimage-no-recovery" in ids(plan)) is stalled
    window = plan["progress"]["recovery_window_months"]
    if etiology == "neoplastic":
        assert window is None
    else:
        assert window == {"idiopathic": {"from": 6, "to": 36}, "entrapment": {"from": 3, "to": 12}}[etiology]
