"""Project rules that protect newcomers and the principles: CI runs the README's command; no clinical text in
Python; the core imports no Qt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.+?)\n```", readme)
    assert len(commands) >= 2 and "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_core_imports_no_qt() -> None:
    code = (
        "import sys, planner.cli, planner.plan.generate, planner.library.store, planner.export.service, "
        "planner.record.plans; assert not [m for m in sys.modules if m.startswith('PySide6')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_plan_phrases_live_only_in_resources() -> None:
    """Take phrases from the shipped recommendations and make sure no Python file carries them."""
    from planner.library.files import read_shipped_documents

    phrases = [r.title for d in read_shipped_documents() for r in d.recommendations if len(r.title) > 24]
    assert phrases
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "planner").rglob("*.py"))
    leaked = [phrase for phrase in phrases if phrase in sources]
    assert leaked == []


def test_an_unsigned_plan_is_marked_in_one_wording_defined_once() -> None:
    """The mark of an unsigned plan (terminal, app banner, every PDF page) is one constant, DRAFT_MARK."""
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "planner").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"[\"']draft, for clinician review", line, flags=re.IGNORECASE)
    ]
    assert found == ["planner/plan/text.py:9"]
