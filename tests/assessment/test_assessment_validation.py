"""Every rule of lsp-assessment/1: valid input passes untouched, each violation names its field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner.assessment.validate import load_assessment_file, parse_assessment_text, validate_assessment
from planner.errors import AssessmentError
from tests.conftest import example_paths, make_assessment

TODAY = date(2026, 11, 21)


def issues_of(data: Any) -> dict[str, str]:
    with pytest.raises(AssessmentError) as caught:
        validate_assessment(data, today=TODAY)
    return {issue.field: issue.rule for issue in caught.value.issues}


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_shipped_examples_are_valid(path: Any) -> None:
    data = load_assessment_file(path, today=TODAY)
    assert data["format"] == "lsp-assessment/1"


def test_minimal_assessment_is_valid() -> None:
    assert validate_assessment(make_assessment(), today=TODAY)["patient"]["id"] == "T-1"


@pytest.mark.parametrize(
    ("changes", "field", "rule_part"),
    [
        ({"format": "lsp-assessment/2"}, "format", "exactly 'lsp-assessment/1'"),
        ({"patient": {"id": ""}}, "patient.id", "must not be empty"),
        ({"patient": {"name": "   "}}, "patient.name", "must not be empty"),
        ({"patient": {"name": "x" * 201}}, "patient.name", "at most 200 characters"),
        ({"patient": {"birth_date": "1960-02-30"}}, "patient.birth_date", "YYYY-MM-DD"),
        ({"patient": {"birth_date": "2026-11-02"}}, "patient.birth_date", "not be after assessed_on"),
        ({"patient": {"sex": "m"}}, "patient.sex", "female, male, other, unknown"),
        ({"assessed_on": "2026-11-22"}, "assessed_on", "not be in the future"),
        ({"assessed_on": "21/11/2026"}, "assessed_on", "YYYY-MM-DD"),
        ({"assessor": "y" * 201}, "assessor", "at most 200 characters"),
        ({"history": {"etiology": "viral"}}, "history.etiology", "neoplastic, radiation"),
        ({"history": {"affected_side": "both"}}, "history.affected_side", "left, right, bilateral"),
        ({"history": {"onset": "2026-11-05"}}, "history.onset", "not be after assessed_on"),
        ({"history": {"radiation_completed_on": "2027-01-01"}}, "history.radiation_completed_on", "after"),
        ({"history": {"trauma_on": "2026-12-01"}}, "history.trauma_on", "after"),
        ({"history": {"surgery_on": "2026-11-30"}}, "history.surgery_on", "after"),
        ({"history": {"trauma_type": "crush"}}, "history.trauma_type", "blunt, penetrating, open, rupture"),
        ({"history": {"dvt": "yes"}}, "history.dvt", "true or false"),
        ({"history": {"creatinine_clearance_ml_min": 250}}, "history.creatinine_clearance_ml_min", "0 to 200"),
        ({"history": {"creatinine_clearance_ml_min": -1}}, "history.creatinine_clearance_ml_min", "0 to 200"),
        ({"strength": {"hip_flexion": {"left": 6}}}, "strength.hip_flexion.left", "whole number from 0 to 5"),
        ({"strength": {"hip_flexion": {"left": 3.5}}}, "strength.hip_flexion.left", "whole number"),
        ({"strength": {"hip_flexors": {"left": 3}}}, "strength.hip_flexors", "unknown field"),
        ({"strength": {"hip_flexion": {"middle": 3}}}, "strength.hip_flexion.middle", "unknown field"),
        ({"joint_position_sense": {"left": "reduced"}}, "joint_position_sense.left", "normal, impaired, absent"),
        ({"history": {"implanted_devices": "pacemaker"}}, "history.implanted_devices", "must be a list"),
        ({"history": {"implanted_devices": ["toaster"]}}, "history.implanted_devices[0]", "pacemaker, defibrillator"),
        ({"history": {"implanted_devices": ["other", "other"]}}, "history.implanted_devices", "same value twice"),
        ({"history": {"entrapment_site": "knee"}}, "history.entrapment_site", "piriformis, other"),
        ({"pain": {"nrs": 3, "neuropathic_agents_tried": ["opioid"]}}, "pain.neuropathic_agents_tried[0]", "tricyclic"),
        ({"symptoms": {"saddle_numbness": 1}}, "symptoms.saddle_numbness", "true or false"),
        ({"pain": {"nrs": 11}}, "pain.nrs", "0 to 10"),
        ({"pain": {"nrs": "5"}}, "pain.nrs", "whole number"),
        ({"pain": {"current_ladder_step": 4}}, "pain.current_ladder_step", "0 to 3"),
        ({"pain": {"pregabalin_mg_day": 1300}}, "pain.pregabalin_mg_day", "0 to 1200"),
        ({"pain": {"sites": "buttock"}}, "pain.sites", "list"),
        ({"lymphedema": {"present": True, "phase": "reduction"}}, "lymphedema.side", "required when"),
        ({"lymphedema": {"present": True, "side": "left"}}, "lymphedema.phase", "required when"),
        ({"lymphedema": {"present": True, "side": "left", "phase": "drain"}}, "lymphedema.phase", "reduction"),
        ({"lymphedema": {"present": False, "limb_shape": "odd"}}, "lymphedema.limb_shape", "regular, irregular"),
        ({"lymphedema": {"present": False, "interval_cm": 25}}, "lymphedema.interval_cm", "1 to 20"),
        (
            {
                "lymphedema": {
                    "present": False,
                    "interval_cm": 5,
                    "circumferences_cm": {"left": [20, 30], "right": [20, 30, 40]},
                }
            },
            "lymphedema.circumferences_cm",
            "same number",
        ),
        (
            {"lymphedema": {"present": False, "interval_cm": 5, "circumferences_cm": {"left": [20], "right": [20]}}},
            "lymphedema.circumferences_cm.left",
            "at least 2",
        ),
        (
            {
                "lymphedema": {
                    "present": False,
                    "interval_cm": 5,
                    "circumferences_cm": {"left": [4, 30], "right": [20, 30]},
                }
            },
            "lymphedema.circumferences_cm.left[0]",
            "5 to 150",
        ),
        (
            {"lymphedema": {"present": False, "circumferences_cm": {"left": [20, 30], "right": [20, 30]}}},
            "lymphedema.interval_cm",
            "required when circumferences",
        ),
        ({"lymphedema": {"side": "left"}}, "lymphedema.present", "is required"),
        ({"function": {"ambulation": "walks"}}, "function.ambulation", "independent, device, assisted"),
        ({"function": {"bathing": "dependent"}}, "function.bathing", "independent, needs_help, unable"),
        ({"function": {"falls_past_3_months": 101}}, "function.falls_past_3_months", "0 to 100"),
        ({"extra": 1}, "extra", "unknown field"),
    ],
)
def test_each_rule_names_its_field(changes: dict[str, Any], field: str, rule_part: str) -> None:
    issues = issues_of(make_assessment(**changes))
    assert field in issues, issues
    assert rule_part in issues[field]


@pytest.mark.parametrize("missing", ["patient", "assessed_on", "history", "strength", "pain"])
def test_required_top_level_fields(missing: str) -> None:
    data = make_assessment()
    del data[missing]
    assert issues_of(data)[missing] == "is required"


@pytest.mark.parametrize(
    ("section", "missing"),
    [("patient", "id"), ("patient", "name"), ("history", "etiology"), ("history", "affected_side"), ("pain", "nrs")],
)
def test_required_nested_fields(section: str, missing: str) -> None:
    data = make_assessment()
    del data[section][missing]
    assert issues_of(data)[f"{section}.{missing}"] == "is required"


def test_all_issues_reported_at_once() -> None:
    issues = issues_of(make_assessment(pain={"nrs": 12}, history={"etiology": "x"}, typo=True))
    assert {"pain.nrs", "history.etiology", "typo"} <= set(issues)


def test_any_characters_in_names_are_kept() -> None:
    name = 'Zoë <b>O\'Neil</b> & "Ψυχή"'
    data = validate_assessment(make_assessment(patient={"name": name}), today=TODAY)
    assert data["patient"]["name"] == name


def test_nulls_allowed_where_the_format_shows_them() -> None:
    data = make_assessment(
        history={"trauma_on": None, "trauma_type": None, "creatinine_clearance_ml_min": None},
        pain={"pregabalin_mg_day": None},
    )
    validate_assessment(data, today=TODAY)


def test_not_json_and_not_object() -> None:
    with pytest.raises(AssessmentError, match=r"not valid JSON \(line 1"):
        parse_assessment_text("{oops", "a.json")
    with pytest.raises(AssessmentError, match="JSON object"):
        parse_assessment_text("[1, 2]", "a.json")


def test_file_errors_name_the_file(tmp_path: Any) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(AssessmentError, match=r"nope\.json: cannot be read"):
        load_assessment_file(missing)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(AssessmentError, match=r"bin\.json: is not UTF-8"):
        load_assessment_file(binary)


def test_issues_carry_their_rule_and_figures_for_a_screen_to_word() -> None:
    """The command line prints field and rule; the app words the same issue with its labels, from the code
    and figures each issue carries."""
    data = make_assessment(
        lymphedema={"present": True, "interval_cm": 4, "circumferences_cm": {"left": [20, None], "right": [21, 22]}},
        history={"affected_side": "middle"},
    )
    with pytest.raises(AssessmentError) as caught:
        validate_assessment(data)
    issues = {issue.field: issue for issue in caught.value.issues}
    point = issues["lymphedema.circumferences_cm.left[1]"]
    assert point.code == "number" and point.param("low") == 5 and point.param("high") == 150
    assert point.param("got") is None
    side = issues["history.affected_side"]
    assert side.code == "choice" and side.param("choices") == ("left", "right", "bilateral")
    assert str(point) == "lymphedema.circumferences_cm.left[1]: must be a number from 5 to 150 (got None)"


def test_added_fields_are_optional_and_accepted() -> None:
    """The planner's additions to the format (docs/assessment-additions.md): all optional, null or absent alike."""
    full = make_assessment(
        history={"implanted_devices": ["pacemaker", "neurostimulator"], "entrapment_site": "piriformis"},
        pain={"nrs": 5, "neuropathic_agents_tried": ["snri", "pregabalin"]},
    )
    assert validate_assessment(full, today=TODAY) is full
    empty = make_assessment(
        history={"implanted_devices": None, "entrapment_site": None}, pain={"nrs": 5, "neuropathic_agents_tried": []}
    )
    assert validate_assessment(empty, today=TODAY) is empty


def test_published_schema_lists_the_added_fields() -> None:
    from planner.assessment.schema import schema_for

    history = schema_for("assessment")["properties"]["history"]["properties"]
    pain = schema_for("assessment")["properties"]["pain"]["properties"]
    assert {"implanted_devices", "entrapment_site"} <= history.keys()
    assert "neuropathic_agents_tried" in pain
