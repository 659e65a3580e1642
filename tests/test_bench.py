"""The benchmark keeps working (run once, tiny); it asserts no timing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.cli import run


@pytest.mark.slow
def test_bench_runs_tiny_and_prints_a_table_and_json(capsys: Any) -> None:
    assert run(["bench", "--patients", "5", "--recommendations", "5,10", "--documents", "5", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for row in (
        "start-up to main window painted",
        "patient list usable",
        "resident memory",
        "plan generation",
        "5 synthetic recommendations",
        "clinician PDF",
        "full-text search over 5 documents",
        "patient filter per keystroke",
    ):
        assert row in out
    assert (
        run(["bench", "--json", "--patients", "3", "--recommendations", "3", "--documents", "3", "--repeat", "1"]) == 0
    )
    figures = json.loads(capsys.readouterr().out)
    assert all(f["value"] >= 0 and f["unit"] for f in figures)
    assert any(f["ratio"] for f in figures)
