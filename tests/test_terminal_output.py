"""Names, titles and passages are data: no control or escape sequence in them reaches a terminal raw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import run
from planner.terminal import for_terminal, json_for_terminal
from tests.conftest import make_assessment

HOSTILE = "Eve\x1b]0;owned\x07\x1b[2J\r\x9b31m\u202eLee\x08\x7f"
"""A window-title escape, clear screen, carriage return, an 8-bit CSI, a right-to-left override, backspace."""
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e", "\x08", "\x7f")

DOCUMENT = """---
id: EVIL-DOC
title: Title \x1b[31mred\x1b[0m and \u202eright-to-left
source: Somewhere \x1b]8;;file:///etc/passwd\x07link
version: 1
kind: convention
---

## Heading \x1b[5mblink

A passage about walking aids \x1b[2J cleared.

::: recommendation evil-item
target: pt
when: true
title: Item \x1b[41m title
:::
"""


def assert_clean(text: str) -> None:
    for character in RAW:
        assert character not in text, repr(character)


def test_for_terminal_shows_every_control_character_visibly() -> None:
    assert for_terminal(HOSTILE) == "Eve\\x1b]0;owned\\x07\\x1b[2J\\x0d\\x9b31m\\u202eLee\\x08\\x7f"
    assert for_terminal("line one\n\tline two — José 李") == "line one\n\tline two — José 李"
    assert for_terminal("bad \udcff byte") == "bad \\udcff byte"


def test_json_output_keeps_its_value_and_escapes_what_a_terminal_would_obey() -> None:
    value = {"name": HOSTILE + "\u2028"}
    text = json_for_terminal(json.dumps(value, ensure_ascii=False))
    assert_clean(text)
    assert json.loads(text) == value


@pytest.fixture
def hostile_db(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assessment = tmp_path / "evil.json"
    data = make_assessment(patient={"id": "EVIL-1", "name": HOSTILE}, pain={"nrs": 6, "sites": [HOSTILE]})
    assessment.write_text(json.dumps(data), encoding="utf-8")
    document = tmp_path / "evil.md"
    document.write_text(DOCUMENT, encoding="utf-8")
    assert run(["--db", str(db_path), "import", str(assessment)]) == 0
    assert run(["--db", str(db_path), "docs", "import", str(document)]) == 0
    capsys.readouterr()
    return assessment


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "{file}"],
        ["plan", "{file}", "--json"],
        ["plan", "--patient", "EVIL-1"],
        ["history", "EVIL-1"],
        ["history", "EVIL-1", "--json"],
        ["due", "--on", "2027-06-01"],
        ["due", "--on", "2027-06-01", "--json"],
        ["docs", "list"],
        ["docs", "show", "EVIL-DOC", "--text"],
        ["docs", "search", "walking aids"],
        ["docs", "search", "cleared"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_cli_text_never_carries_raw_control_characters(
    db_path: Path, hostile_db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code = run(["--db", str(db_path), *(arg.format(file=hostile_db) for arg in argv)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert_clean(out)
    assert_clean(err)
    if "--json" in argv:
        json.loads(out)  # still valid JSON
    assert "\\x1b" in out or "\\u001b" in out  # the escape is shown, not dropped


def test_error_messages_quoting_input_are_clean(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--db", str(db_path), "due", "--on", "2026\x1b[2J"]) == 2
    _out, err = capsys.readouterr()
    assert_clean(err)
    assert "2026\\x1b[2J" in err
