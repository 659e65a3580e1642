"""Input safety and privacy: property tests over the engine and both parsers, no network, user-only files."""

from __future__ import annotations

import copy
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.assessment.schema import SECTION_KEYS
from planner.assessment.validate import parse_assessment_text, validate_assessment
from planner.errors import AssessmentError, DocumentError
from planner.library.parser import parse_document
from planner.plan.generate import generate_plan
from planner.storage.sqlite import JOURNAL_MODE, journal_mode_for
from tests.strategies import assessments


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_valid_assessments_always_give_seven_sections_with_evidence(library: Any, data: dict[str, Any]) -> None:
    plan = generate_plan(validate_assessment(data), library)
    assert [s["key"] for s in plan["sections"]] == list(SECTION_KEYS)
    for entry in [i for s in plan["sections"] for i in s["items"]] + plan["alerts"]:
        assert entry["evidence"] and all(e["text"] for e in entry["evidence"])


MUTATIONS = [None, True, -1, 11, 3.5, "x", "", [], {}, {"unknown": 1}, "2026-13-40", 10**9]


@settings(max_examples=400, deadline=None)
@given(assessments(), st.data())
def test_mutated_assessments_give_a_named_field_never_a_crash(data: dict[str, Any], choice: Any) -> None:
    mutated = copy.deepcopy(data)
    node: Any = mutated
    path: list[str] = []
    while isinstance(node, dict) and node:
        key = choice.draw(st.sampled_from(sorted(node)))
        path.append(key)
        if not isinstance(node[key], dict) or not node[key] or choice.draw(st.booleans()):
            break
        node = node[key]
    if choice.draw(st.booleans()) and isinstance(node, dict):
        node["typo_" + path[-1]] = 1
    else:
        node[path[-1]] = choice.draw(st.sampled_from(MUTATIONS))
    try:
        validate_assessment(mutated)
    except AssessmentError as exc:
        assert exc.issues and all(issue.field for issue in exc.issues)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_an_assessment_or_a_clear_error(text: str) -> None:
    try:
        parse_assessment_text(text, "fuzz.json")
    except AssessmentError as exc:
        assert str(exc).startswith("fuzz.json")


DOCUMENT_PIECES = [
    "---\n",
    "id: FUZZ\n",
    "title: t\n",
    "source: s\n",
    "version: 1\n",
    "kind: convention\n",
    "## Section\n",
    "Some prose.\n",
    "::: recommendation r-1\n",
    "target: pt\n",
    "when: pain_nrs > 3\n",
    "title: {pain_nrs}\n",
    ":::\n",
    "::: finding f\n",
    "pain_nrs > 1 => 'a'\n",
    "otherwise => 1\n",
    "::: table settings\n",
    "| name | value |\n",
    "  continued\n",
    "{",
    "}",
    "\x00",
    "\r\n",
    "é",
    "=>",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(DOCUMENT_PIECES), st.text(max_size=20)), max_size=40))
def test_document_parser_fuzz_gives_a_document_or_a_located_error(pieces: list[str]) -> None:
    from planner.library.compiler import compile_library

    try:
        compile_library([parse_document("".join(pieces), "fuzz.md")])
    except DocumentError as exc:
        assert exc.origin == "fuzz.md" and exc.problems


def test_journal_mode_is_chosen_by_sqlite_version() -> None:
    """SQLite before 3.51.3 carries the WAL-reset corruption race: use the rollback journal there."""
    assert journal_mode_for((3, 40, 1)) == "DELETE"
    assert journal_mode_for((3, 51, 2)) == "DELETE"
    assert journal_mode_for((3, 51, 3)) == "WAL"
    import sqlite3

    assert journal_mode_for(sqlite3.sqlite_version_info) == JOURNAL_MODE


def test_whole_workflow_makes_no_network_connection(
    db_path: Path, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.cli import run
    from tests.conftest import example_paths

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the planner must make no network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    example = str(example_paths()[0])
    base = ["--db", str(db_path)]
    assert run([*base, "import", example]) == 0
    assert run([*base, "plan", example, "--json"]) == 0
    assert run([*base, "export", example, "-o", str(tmp_path / "p.pdf")]) == 0
    assert run([*base, "export", example, "-o", str(tmp_path / "h.pdf"), "--handout"]) == 0
    assert run([*base, "docs", "search", "walker"]) == 0
    assert run([*base, "db", "check"]) == 0
    assert run([*base, "db", "backup"]) == 0
    capsys.readouterr()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_files_are_readable_by_the_user_only(tmp_path: Path) -> None:
    from tests.conftest import example_paths

    db = tmp_path / "data" / "planner.sqlite3"
    env = {**os.environ, "PLANNER_DB": str(db)}
    for args in (
        ["import", str(example_paths()[0])],
        ["export", str(example_paths()[0]), "-o", str(tmp_path / "x.pdf")],
        ["db", "backup"],
    ):
        subprocess.run([sys.executable, "-m", "planner", *args], env=env, check=True, capture_output=True, timeout=120)
    created = [p for p in (tmp_path / "data").rglob("*") if p.is_file()] + [tmp_path / "x.pdf"]
    assert any("backups" in str(p) for p in created)
    for path in created:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_export_never_replaces_a_file_without_consent(tmp_path: Path) -> None:
    from planner.errors import UserError
    from planner.export.files import write_file_atomically

    target = tmp_path / "plan.pdf"
    target.write_bytes(b"precious")
    with pytest.raises(UserError, match="already exists"):
        write_file_atomically(target, b"new")
    assert target.read_bytes() == b"precious"
    write_file_atomically(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]  # no temporary file left behind
    with pytest.raises(UserError, match="does not exist"):
        write_file_atomically(tmp_path / "missing" / "x.pdf", b"x")
