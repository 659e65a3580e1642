"""Every user mistake is exit 2 with a message (never 1, "unexpected error"); odd but valid requests are 0.

One table of hostile or odd command lines, each run in-process against a real database; then the cases that
need a real process (a closed output pipe, a flood on standard input) and a multi-file import that fails
part way.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from planner.cli import run
from tests.conftest import example_paths, make_assessment

ORDER_DOCUMENT = """---
id: ORDER-TEST
title: Order test
source: A test
version: 1
kind: convention
---

## Section

Text.

::: recommendation order-test
target: pt
order: {order}
when: true
title: An item
:::
"""


def _file(name: str, text: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        path = folder / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        return str(path)

    return make


def _assessment_text(old: str, new: str) -> str:
    return json.dumps(make_assessment(pain={"nrs": 3})).replace(old, new)


# (id, arguments (callables make a file in tmp_path and give its path), exit status, words in the message)
CASES: list[tuple[str, list[Any], int, str]] = [
    ("deep JSON", ["plan", _file("deep.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")], 2, "nested more"),
    ("huge integer", ["plan", _file("big.json", _assessment_text('"nrs": 3', '"nrs": 3' + "0" * 5000))], 2, "digits"),
    ("NaN", ["plan", _file("nan.json", _assessment_text('"nrs": 3', '"nrs": NaN'))], 2, "pain.nrs: NaN"),
    ("lone surrogate in a file", ["plan", _file("s.json", _assessment_text("Test", "Te\\udc80st"))], 2, "surrogate"),
    ("lone surrogate in an argument", ["history", "P\udcff"], 2, "not valid text"),
    ("lone surrogate in --patient", ["plan", "--patient", "\udcff"], 2, "not valid text"),
    ("week date in a file", ["plan", _file("w.json", _assessment_text("2026-11-01", "2026-W44-1"))], 2, "YYYY-MM-DD"),
    ("week date in --on", ["due", "--on", "2026-W48-1"], 2, "--on: '2026-W48-1' is not a date"),
    ("the last day of the calendar", ["due", "--on", "9999-12-31"], 0, "Follow-up due as of 9999-12-31"),
    ("history on the last day", ["history", "P-1", "--on", "9999-12-31"], 0, "History of"),
    ("a horizon past the calendar", ["due", "--days", "999999999"], 0, "Follow-up due"),
    ("a horizon of 10**30 days", ["due", "--days", "1" + "0" * 30], 2, "--days: must be at most"),
    ("negative days", ["due", "--days", "-1"], 2, "--days: must be 0 or more"),
    ("a huge id", ["done", "99999999999999999999999"], 2, "there is no item 99999999999999999999999"),
    ("a huge id, mark undone", ["done", "9223372036854775808", "--reopen"], 2, "there is no item"),
    ("an id that is not a number", ["done", "１２"], 2, "is not an item number"),
    ("a huge search limit", ["docs", "search", "gait", "--limit", "99999999999999999999999"], 2, "--limit"),
    ("a huge demo", ["demo", "--patients", "1" + "0" * 25], 2, "--patients: must be at most"),
    ("order out of range", ["docs", "import", _file("o.md", ORDER_DOCUMENT.format(order=2**63))], 2, "order must"),
    (
        "order out of range, checked",
        ["docs", "check", _file("o.md", ORDER_DOCUMENT.format(order=-(10**30)))],
        2,
        "order",
    ),
    ("order in other digits", ["docs", "check", _file("o.md", ORDER_DOCUMENT.format(order="١٢"))], 2, "order must"),
    ("a device as an assessment", ["plan", "/dev/zero"], 2, "is a device or socket, not a file"),
    ("a device as a document", ["docs", "import", "/dev/zero"], 2, "is a device or socket, not a file"),
    ("a folder as an assessment", ["import", lambda folder: str(folder)], 2, "is a folder"),
]


@pytest.mark.parametrize(("argv", "status", "words"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_exit_status_and_message(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[Any], status: int, words: str
) -> None:
    assert run(["--db", str(db_path), "import", str(example_paths()[0])]) == 0
    stored = json.loads(example_paths()[0].read_text(encoding="utf-8"))["patient"]["id"]
    capsys.readouterr()
    arguments = [arg(tmp_path) if callable(arg) else arg.replace("P-1", stored) for arg in argv]
    code = run(["--db", str(db_path), *arguments])
    out, err = capsys.readouterr()
    assert code == status, (out, err)
    assert words in (err if status else out), (out, err)
    assert "unexpected error" not in err and "Traceback" not in err
    if status == 2:
        assert err.startswith("planner: ")


def _planner(*args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen([sys.executable, "-m", "planner", *args], env=environment, **kwargs)


def test_a_closed_output_pipe_ends_quietly(db_path: Path) -> None:
    """``planner plan x.json | head -1``: the reader goes away; no traceback, no "unexpected error"."""
    process = _planner(
        "--db", str(db_path), "plan", str(example_paths()[0]), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the planner writes a byte
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert err == ""


def test_a_flood_on_standard_input_is_refused_at_the_bound(db_path: Path) -> None:
    process = _planner("--db", str(db_path), "plan", "-", stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None and process.stderr is not None
    with contextlib.suppress(BrokenPipeError):  # the planner stops reading after 1 MiB of the 4 offered
        for _ in range(64):
            process.stdin.write(b"y" * 65536)
    with contextlib.suppress(BrokenPipeError):
        process.stdin.close()
    assert process.wait(timeout=120) == 2
    assert "<stdin>: is larger than 1 MiB" in process.stderr.read().decode()


def test_an_import_that_fails_part_way_says_what_was_stored(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "a.json"
    first.write_text(json.dumps(make_assessment(patient={"id": "MRN-1", "name": "Ann Lee"})), encoding="utf-8")
    # full-width letters: a different string that reads as the same id
    second = tmp_path / "b.json"
    second.write_text(json.dumps(make_assessment(patient={"id": "ＭＲＮ-1", "name": "Bo Chen"})), encoding="utf-8")
    third = tmp_path / "c.json"
    third.write_text(json.dumps(make_assessment(patient={"id": "MRN-3", "name": "Cy Diaz"})), encoding="utf-8")
    code = run(["--db", str(db_path), "import", str(first), str(second), str(third)])
    out, err = capsys.readouterr()
    assert code == 2
    assert f"{first}: new patient MRN-1" in out
    assert f"{second}: patient.id: 'ＭＲＮ-1' cannot be told apart from the id 'MRN-1'" in err
    assert f"stored: {first}\n" in err
    assert f"not stored: {second}, {third}" in err


def test_an_import_with_a_bad_file_stores_nothing_and_lists_every_problem(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(make_assessment()), encoding="utf-8")
    bad = [tmp_path / "bad1.json", tmp_path / "bad2.json"]
    bad[0].write_text("{", encoding="utf-8")
    bad[1].write_text(json.dumps(make_assessment(pain={"nrs": 11})), encoding="utf-8")
    code = run(["--db", str(db_path), "import", str(good), *map(str, bad)])
    _out, err = capsys.readouterr()
    assert code == 2
    assert f"{bad[0]}: not valid JSON" in err and f"{bad[1]}: pain.nrs" in err
    assert "nothing was stored" in err
    assert run(["--db", str(db_path), "history", "T-1"]) == 2  # no such patient: nothing was stored
