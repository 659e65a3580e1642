"""Findings against hand computation: weakness pattern, intervals, volumes, and the shipped derived bands."""

from __future__ import annotations

import math
from typing import Any

import pytest

from planner.engine.findings import all_findings
from planner.engine.limbvolume import excess_percent, frustum_volume_ml
from tests.conftest import load_example, make_assessment


def findings(library: Any, **changes: Any) -> dict[str, Any]:
    return all_findings(make_assessment(**changes), library)


def test_frustum_matches_hand_computation() -> None:
    # One segment, C1 = 30, C2 = 40, h = 10: 10 * (900 + 1200 + 1600) / (12 pi)
    assert frustum_volume_ml([30, 40], 10) == pytest.approx(37000 / (12 * math.pi))
    # A cylinder is the special case C1 = C2: pi r^2 h with r = C / (2 pi)
    circumference, height = 30.0, 20.0
    radius = circumference / (2 * math.pi)
    assert frustum_volume_ml([circumference] * 3, height / 2) == pytest.approx(math.pi * radius**2 * height)
    assert excess_percent(1200, 1000) == pytest.approx(20.0)


def test_example_volumes_match_the_format_document(library: Any) -> None:
    result = all_findings(load_example("neoplastic-after-radiation"), library)
    assert result["limb_volume_left_ml"] == 4738.8
    assert result["limb_volume_right_ml"] == 5963.1
    assert result["excess_volume_percent"] == 25.8
    assert result["lymphedema_severity"] == "moderate"
    assert result["age_years"] == 68
    assert result["days_since_onset"] == 97
    assert result["months_since_onset"] == 3.2
    assert result["years_since_radiotherapy"] == 2.1


def test_weak_threshold_and_distribution(library: Any) -> None:
    none = findings(library, strength={"hip_flexion": {"left": 5, "right": 5}})
    assert (none["weak_count"], none["distribution"], none["lowest_mrc"]) == (0, "none", 5)
    proximal = findings(library, strength={"knee_extension": {"left": 4}})
    assert (proximal["distribution"], proximal["weak_groups"]) == ("proximal", ("knee_extension",))
    distal = findings(library, strength={"ankle_dorsiflexion": {"right": 3}})
    assert distal["distribution"] == "distal" and distal["weak_groups_right"] == ("ankle_dorsiflexion",)
    mixed = findings(library, strength={"hip_extension": {"right": 3}, "ankle_eversion": {"right": 2}})
    assert mixed["distribution"] == "mixed" and mixed["weak_count"] == 2


def test_untested_groups_are_null(library: Any) -> None:
    result = findings(library, strength={"hip_flexion": {"left": 3}})
    assert result["mrc_hip_flexion_left"] == 3
    assert result["mrc_hip_flexion_right"] is None
    assert result["mrc_hip_flexion"] == 3
    assert result["mrc_knee_extension"] is None
    assert result["strength_tested_count"] == 1


def test_single_root_pattern(library: Any) -> None:
    l5 = findings(
        library,
        strength={
            "ankle_dorsiflexion": {"right": 3},
            "great_toe_extension": {"right": 2},
            "ankle_inversion": {"right": 4},
        },
    )
    assert l5["fits_single_root"] is True
    assert l5["common_roots"] == ("L5",)
    assert l5["nerve_count"] == 2
    plexus = findings(library, strength={"hip_flexion": {"left": 3}, "ankle_plantarflexion": {"left": 3}})
    assert plexus["fits_single_root"] is False
    assert plexus["roots_involved"] == ("L1", "L2", "L3", "S1", "S2")
    assert plexus["nerve_count"] == 2


def test_weak_summary_reads_from_anatomy(library: Any) -> None:
    result = findings(library, strength={"hip_extension": {"right": 3}})
    assert result["weak_summary"] == "right hip extension MRC 3 (inferior gluteal, L5-S2)"


def test_history_flags_and_intervals(library: Any) -> None:
    result = findings(
        library,
        history={
            "etiology": "traumatic",
            "trauma_on": "2026-10-20",
            "trauma_type": "blunt",
            "malignancy": "  ",
            "dvt": True,
        },
    )
    assert result["trauma"] is True and result["days_since_trauma"] == 12
    assert result["known_malignancy"] is False
    assert result["dvt"] is True and result["infection"] is False
    assert result["months_since_onset"] is None


@pytest.mark.parametrize(
    ("nrs", "band"),
    [(0, "none"), (1, "mild"), (3, "mild"), (4, "moderate"), (6, "moderate"), (7, "severe"), (10, "severe")],
)
def test_pain_band(library: Any, nrs: int, band: str) -> None:
    assert findings(library, pain={"nrs": nrs})["pain_band"] == band


@pytest.mark.parametrize(
    ("nrs", "current", "step"),
    [
        (0, 0, 0),
        (2, 0, 1),
        (5, 0, 2),
        (8, 0, 3),
        (5, 1, 2),
        (8, 1, 3),
        (5, 2, 3),  # moderate pain persisting on step 2: move up
        (2, 2, 2),  # controlled on step 2: stay
        (9, 3, 3),  # already at the top
        (4, 3, 3),
    ],
)
def test_ladder_step_never_below_current_while_uncontrolled(library: Any, nrs: int, current: int, step: int) -> None:
    assert findings(library, pain={"nrs": nrs, "current_ladder_step": current})["ladder_step"] == step


@pytest.mark.parametrize(
    ("excess", "severity"), [(10.0, "mild"), (19.9, "mild"), (20.0, "moderate"), (40.0, "moderate"), (40.1, "severe")]
)
def test_lymphedema_severity_bands(library: Any, excess: float, severity: str) -> None:
    from planner.library.compiler import CompiledLibrary

    assert isinstance(library, CompiledLibrary)
    derived = next(d for d in library.derived if d.name == "lymphedema_severity")
    assert derived.evaluate({"excess_volume_percent": excess}) == severity
    assert derived.evaluate({"excess_volume_percent": None}) is None


def test_ambulation_mrc_is_lowest_of_the_three_groups(library: Any) -> None:
    result = findings(
        library, strength={"hip_extension": {"left": 4}, "knee_extension": {"right": 2}, "hip_flexion": {"left": 1}}
    )
    assert result["ambulation_mrc"] == 2
    assert findings(library, strength={"hip_flexion": {"left": 1}})["ambulation_mrc"] is None


def test_single_root_test_is_made_for_each_leg(library: Any) -> None:
    """One root cannot explain weakness in both legs (clinical-spec: weakness pattern, side by side)."""
    l5_both = findings(
        library,
        strength={"ankle_dorsiflexion": {"left": 3, "right": 3}, "great_toe_extension": {"left": 3, "right": 4}},
    )
    assert l5_both["fits_single_root_left"] is True and l5_both["fits_single_root_right"] is True
    assert l5_both["common_roots_left"] == ("L5",) and l5_both["common_roots_right"] == ("L5",)
    assert l5_both["weak_both_legs"] is True
    assert l5_both["fits_single_root"] is False
    s1_both = findings(library, strength={"ankle_plantarflexion": {"left": 4, "right": 4}})
    assert (s1_both["fits_single_root"], s1_both["weak_both_legs"]) == (False, True)
    left_only = findings(library, strength={"ankle_plantarflexion": {"left": 4, "right": 5}})
    assert (left_only["fits_single_root"], left_only["fits_single_root_left"]) == (True, True)
    assert (left_only["fits_single_root_right"], left_only["weak_both_legs"]) == (False, False)
    assert left_only["common_roots_right"] == ()
    # Left L5 pattern, right a plexus pattern: neither one root nor one leg
    mixed = findings(
        library,
        strength={"ankle_dorsiflexion": {"left": 3}, "hip_flexion": {"right": 3}, "ankle_plantarflexion": {"right": 3}},
    )
    assert mixed["fits_single_root_left"] is True and mixed["fits_single_root_right"] is False
    assert mixed["fits_single_root"] is False


def test_lowest_grade_per_side_and_groups_by_grade(library: Any) -> None:
    result = findings(
        library,
        strength={
            "hip_flexion": {"left": 1, "right": 4},
            "knee_extension": {"left": 2},
            "ankle_dorsiflexion": {"left": 5, "right": 0},
        },
    )
    assert (result["lowest_mrc_left"], result["lowest_mrc_right"], result["lowest_mrc"]) == (1, 0, 0)
    assert result["groups_at_mrc_0"] == ("right ankle dorsiflexion",)
    assert result["groups_at_mrc_1"] == ("left hip flexion",)
    assert result["groups_at_mrc_2"] == ("left knee extension",)
    assert result["groups_at_mrc_3"] == ()
    assert result["groups_at_mrc_4"] == ("right hip flexion",)
    assert result["groups_at_mrc_5"] == ("left ankle dorsiflexion",)
    none = findings(library)
    assert (none["lowest_mrc_left"], none["lowest_mrc_right"]) == (None, None)


def test_added_history_and_pain_fields_become_findings(library: Any) -> None:
    result = findings(
        library,
        history={"implanted_devices": ["pacemaker"], "entrapment_site": "piriformis"},
        pain={"nrs": 4, "neuropathic_agents_tried": ["snri"]},
    )
    assert result["implanted_devices"] == ("pacemaker",)
    assert result["entrapment_site"] == "piriformis"
    assert result["neuropathic_agents_tried"] == ("snri",)
    empty = findings(library)
    assert (empty["implanted_devices"], empty["entrapment_site"], empty["neuropathic_agents_tried"]) == ((), None, ())


@pytest.mark.parametrize(
    ("history", "days"),
    [
        ({}, None),
        ({"trauma_on": "2026-10-20"}, 12),
        ({"surgery_on": "2026-10-25"}, 7),
        ({"trauma_on": "2026-09-01", "surgery_on": "2026-10-25"}, 7),  # the latest event counts
    ],
)
def test_days_since_the_latest_acute_event(library: Any, history: dict[str, Any], days: int | None) -> None:
    assert findings(library, history=history)["acute_event_days"] == days
