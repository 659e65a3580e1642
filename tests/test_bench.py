"""The benchmarks keep working (run once, tiny; they assert no timing), and outside a source checkout
``planner bench`` says where they are instead of failing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner.cli import run
from tests.paths import REPO


@pytest.mark.slow
def test_bench_runs_tiny_and_prints_a_table_and_json(capsys: Any) -> None:
    assert run(["bench", "--patients", "5", "--recommendations", "5,10", "--documents", "5", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for row in (
        "launch to the window painted and the 5-patient list usable, timed from outside",
        "first patient opened after start (assessment and plan on screen)",
        "clicked as soon as the warm-up is done",
        "a keystroke in the assessment editor until the plan is repainted, richest example, p95",
        "clinician PDF, richest example (stock flowables)",
        "print preview, first page shown",
        "memory of the app with a patient open",
        "of which the libraries: stack floor (the bare window importing sqlalchemy first)",
        "of which the libraries: stack floor (the bare window importing sqlalchemy, sqlmodel and rule_engine first)",
        "of which ours",
        "full-text search over 5 documents, median",
        "daily backup, 5 patients",
        "patient filter per keystroke",
        "plan generation",
        "5 synthetic recommendations",
    ):
        assert row in out
    assert (
        run(["bench", "--json", "--patients", "3", "--recommendations", "3", "--documents", "3", "--repeat", "1"]) == 0
    )
    figures = json.loads(capsys.readouterr().out)
    assert all(f["value"] >= 0 and f["unit"] for f in figures)
    assert any(f["ratio"] for f in figures)
    for whole in ("launch to the window painted", "memory of the app with a patient open"):
        # the libraries' part and ours, the two rows after the whole, multiply to the whole's ratio
        at = next(i for i, f in enumerate(figures) if f["what"].startswith(whole))
        libraries, ours = figures[at + 1], figures[at + 2]
        assert libraries["what"].startswith("- of which the libraries") and ours["what"].startswith("- of which ours")
        assert libraries["ratio"] * ours["ratio"] == pytest.approx(figures[at]["ratio"])


def test_planner_bench_without_the_benchmarks_says_where_they_are(tmp_path: Path) -> None:
    """An installed app has no ``bench`` package: the command names the way to run them, with no traceback."""
    code = "import sys\nsys.modules['bench'] = None\nfrom planner.cli import run\nsys.exit(run(['bench']))\n"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "python -m bench" in done.stderr and "source checkout" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_installed_package_leaves_the_benchmarks_out() -> None:
    """Package discovery takes ``planner`` only: ``bench`` is a folder of the checkout, not of the app."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["planner*"]
    assert not list((REPO / "planner").rglob("bench*"))
