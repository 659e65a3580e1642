"""docs/clinical-rules.md: generated from the shipped library, every rule with its condition in words, its
gates and its source; the committed file must equal a fresh generation."""

from __future__ import annotations

from typing import Any

import pytest

from planner.library.rules_doc import clinical_rules_markdown, describe
from tests.paths import REPO

RULES_DOC = REPO / "docs" / "clinical-rules.md"


def test_committed_review_table_equals_a_fresh_generation(library: Any) -> None:
    assert RULES_DOC.read_text(encoding="utf-8") == clinical_rules_markdown(library), (
        "regenerate it: planner docs rules --shipped > docs/clinical-rules.md"
    )


def test_every_rule_is_listed_with_its_gates_and_source(library: Any) -> None:
    text = clinical_rules_markdown(library)
    for rec in library.recommendations:
        row = next(line for line in text.splitlines() if line.startswith(f"| **{rec.id}**"))
        for name in rec.screen:
            assert f"held when `{name}` says hold" in row
        if rec.exclusive:
            assert f"| {rec.exclusive} |" in row
        assert f"{rec.document_id} (" in row
    for finding in library.derived:
        assert f"| `{finding.name}` |" in text
    heat = next(line for line in text.splitlines() if line.startswith("| **mgmt-analgesia-heat**"))
    assert "held when `heat_hold` says hold" in heat


def test_every_exercise_and_equipment_item_is_listed_with_its_gates(library: Any) -> None:
    text = clinical_rules_markdown(library)
    lines = text.splitlines()
    assert "## Home exercises" in lines and "## Adaptive equipment" in lines
    for entry in (*library.exercises, *library.equipment):
        row = next(line for line in lines if line.startswith(f"| **{entry.id}** ({entry.category})"))
        for name in entry.screen:
            assert f"held when `{name}` says hold" in row
        if entry.exclusive:
            assert f"| {entry.exclusive} |" in row
        assert f"{entry.document_id} (" in row
    band = next(line for line in lines if line.startswith("| **ex-knee-straighten-weight**"))
    assert "`mrc_knee_extension` is 4 and not `gentle_range_only`" in band
    assert "held when `exercise_hold` says hold" in band
    wedge = next(line for line in lines if line.startswith("| **eq-leg-wedge**"))
    assert "held when `elevation_hold` says hold" in wedge
    heat = next(line for line in lines if line.startswith("| **mgmt-analgesia-heat**"))
    assert "adds `heat_tumour_caution`" in heat and "adds `heat_sensation_caution`" in heat


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("true", "always"),
        ("pain_nrs >= 4", "`pain_nrs` is 4 or more"),
        ("3 >= lowest_mrc", "`lowest_mrc` is 3 or less"),
        ("creatinine_clearance < 30", "`creatinine_clearance` is under 30"),
        ("months_since_onset > 6", "`months_since_onset` is over 6"),
        ("ambulation == null", "`ambulation` is not recorded"),
        ("compression_hold != null", "`compression_hold` is recorded"),
        ("etiology == 'entrapment'", "`etiology` is “entrapment”"),
        ("ambulation != 'non_ambulatory'", "`ambulation` is not “non_ambulatory”"),
        ("etiology in ['neoplastic', 'radiation']", "`etiology` is one of “neoplastic”, “radiation”"),
        ("'snri' in neuropathic_agents_tried", "`neuropathic_agents_tried` includes “snri”"),
        ("implanted_devices.length > 0", "the number of `implanted_devices` is over 0"),
        ("$min([mrc_hip_extension, mrc_knee_extension])", "the lowest of `mrc_hip_extension`, `mrc_knee_extension`"),
        ("not pain_acute and (dvt or infection)", "not `pain_acute` and (`dvt` or `infection`)"),
        ("a and (b and c)", "`a` and `b` and `c`"),
        ("not (x <= 2)", "not (`x` is 2 or less)"),
        ("current_ladder_step + 1", "`current_ladder_step` + 1"),
    ],
)
def test_conditions_read_as_words(expression: str, words: str) -> None:
    assert describe(expression) == words


def test_cli_prints_the_review_table(capsys: Any, library: Any) -> None:
    from planner.cli import run

    assert run(["docs", "rules", "--shipped"]) == 0
    assert capsys.readouterr().out == clinical_rules_markdown(library)
