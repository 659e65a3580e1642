"""The command line: exit codes, messages that name the file and field, and what each subcommand prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.schema import SECTION_KEYS
from tests.conftest import EXAMPLES_DIR, example_paths, make_assessment


def write_json(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_plan_json_for_examples(cli: Any, path: Path) -> None:
    code, out, err = cli("plan", str(path), "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["format"] == "lsp-careplan/1"
    assert [s["key"] for s in plan["sections"]] == list(SECTION_KEYS)
    entries = [i for s in plan["sections"] for i in s["items"]] + plan["alerts"]
    assert entries and all(e["evidence"] for e in entries)


def test_plan_text(cli: Any) -> None:
    code, out, _ = cli("plan", str(example_paths()[0]))
    assert code == 0
    assert "Draft, for clinician review" in out
    assert "Physical therapy" in out and "Basis:" in out


def test_invalid_assessment_exits_2_naming_file_and_field(cli: Any, tmp_path: Path) -> None:
    path = write_json(tmp_path, "bad.json", make_assessment(pain={"nrs": 14}, mystery=1))
    code, out, err = cli("plan", str(path))
    assert code == 2 and out == ""
    assert f"{path}: pain.nrs: must be a whole number from 0 to 10 (got 14)" in err
    assert f"{path}: mystery: unknown field" in err
    assert "Traceback" not in err


def test_missing_file_and_bad_json(cli: Any, tmp_path: Path) -> None:
    code, _, err = cli("plan", str(tmp_path / "absent.json"))
    assert code == 2 and "absent.json: cannot be read" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, _, err = cli("plan", str(broken))
    assert code == 2 and "broken.json: not valid JSON (line 1" in err


def test_usage_errors_exit_2(cli: Any) -> None:
    assert cli("frobnicate")[0] == 2
    code, _, err = cli("plan")
    assert code == 2 and "give an assessment file or --patient ID" in err
    code, _, err = cli("schema", "invoice")
    assert code == 2 and "invalid choice" in err


def test_schema(cli: Any) -> None:
    code, out, _ = cli("schema", "assessment")
    schema = json.loads(out)
    assert code == 0 and schema["properties"]["format"]["const"] == "lsp-assessment/1"
    assert schema["additionalProperties"] is False
    code, out, _ = cli("schema", "careplan")
    assert json.loads(out)["properties"]["format"]["const"] == "lsp-careplan/1"


def test_import_prints_a_line_per_committed_assessment(cli: Any, tmp_path: Path) -> None:
    paths = [str(p) for p in example_paths()]
    code, out, _ = cli("import", *paths)
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == len(paths)
    assert all("new patient" in line and "draft plan" in line for line in lines)
    code, out, _ = cli("import", paths[0])
    assert code == 0 and "new patient" not in out and "assessment" in out


def test_import_stops_before_storing_anything_when_a_file_is_invalid(cli: Any, tmp_path: Path, db_path: Path) -> None:
    import sqlite3

    bad = write_json(tmp_path, "bad.json", make_assessment(history={"affected_side": "up"}))
    code, out, err = cli("import", str(example_paths()[0]), str(bad))
    assert code == 2 and "history.affected_side" in err and out == ""
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM assessment").fetchone() == (0,)


def test_docs_commands(cli: Any, tmp_path: Path) -> None:
    code, out, _ = cli("docs", "list")
    assert code == 0 and "ANATOMY" in out and "CLINIC" in out
    code, out, _ = cli("docs", "show", "CLINIC")
    assert code == 0 and "convention" in out and "Title:" in out
    code, out, _ = cli("docs", "search", "joint", "position")
    assert code == 0 and "ANATOMY § Joint position sense" in out and "**" in out
    code, _, err = cli("docs", "show", "NOPE")
    assert code == 2 and "no document with id 'NOPE'" in err
    doc = tmp_path / "mine.md"
    doc.write_text(
        "---\nid: MINE\ntitle: Mine\nsource: me\nversion: 1\nkind: convention\n---\n\n## Note\n\nText.\n\n"
        "::: recommendation mine-1\ntarget: monitoring\nwhen: true\ntitle: Call on Fridays\n:::\n",
        encoding="utf-8",
    )
    code, out, _ = cli("docs", "import", str(doc))
    assert code == 0 and "imported MINE" in out
    code, out, _ = cli("plan", str(example_paths()[0]), "--json")
    assert "Call on Fridays" in out
    code, out, _ = cli("docs", "remove", "MINE")
    assert code == 0
    code, out, _ = cli("plan", str(example_paths()[0]), "--json")
    assert "Call on Fridays" not in out
    code, _, err = cli("docs", "remove", "ANATOMY")
    assert code == 2 and "disable it instead" in err


def test_bad_document_import_exits_2_with_line(cli: Any, tmp_path: Path) -> None:
    doc = tmp_path / "broken.md"
    doc.write_text(
        "---\nid: B\ntitle: B\nsource: s\nversion: 1\nkind: evidence\n---\n## S\n"
        "::: recommendation b-1\ntarget: pt\nwhen: (pain_nrs > 3\ntitle: t\n:::\n",
        encoding="utf-8",
    )
    code, _, err = cli("docs", "import", str(doc))
    assert code == 2 and "broken.md: line 11, column 7: when: '(' is never closed" in err


def test_docs_check_lists_parse_and_condition_problems_together(cli: Any, tmp_path: Path) -> None:
    doc = tmp_path / "two.md"
    doc.write_text(
        "---\nid: B\ntitle: B\nsource: s\nversion: 1\nkind: evidence\n---\n## S\n"
        "::: recommendation b-1\ntarget: pt\nwhen: pain_nrs >\ntitle: t\n:::\n"
        "::: recommendation b-2\ntarget: gym\nwhen: true\ntitle: t\n:::\n",
        encoding="utf-8",
    )
    code, _, err = cli("docs", "check", str(doc))
    assert code == 2
    lines = [line for line in err.splitlines() if "two.md: line" in line]
    assert [line.split("two.md: ")[1].split(": ")[0] for line in lines] == ["line 11, column 17", "line 15"], err


def test_entry_point_runs_as_a_program(db_path: Path) -> None:
    env = {**os.environ, "PLANNER_DB": str(db_path)}
    done = subprocess.run(
        [sys.executable, "-m", "planner", "schema", "careplan"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and '"lsp-careplan/1"' in done.stdout


def test_plan_text_lists_held_items_under_their_reason(cli: Any, tmp_path: Path) -> None:
    assessment = make_assessment(
        history={"implanted_devices": ["defibrillator"], "infection": True}, pain={"nrs": 5, "neuropathic": True}
    )
    code, out, _err = cli("plan", str(write_json(tmp_path, "held.json", assessment)))
    assert code == 0
    held = out[out.index("Held back by the safety screen") : out.index("Physical therapy")]
    assert "Held: an implanted electronic device is recorded" in held
    assert "- TENS for neuropathic pain" in held  # review12e R12e-25: the device holds TENS, not Anodyne
    assert "- Anodyne therapy for neuropathic pain" in held  # which the infection holds
    assert "Held: an acute infection is recorded" in held and "- Physical pain measure: heat" in held
    assert "Basis: General physiotherapy, pharmacology and radiology safety knowledge" in held
    code, out, _err = cli("plan", str(write_json(tmp_path, "clear.json", make_assessment(pain={"nrs": 5}))))
    assert code == 0 and "Held back" not in out
    clot = make_assessment(history={"dvt": True}, strength={"knee_extension": {"right": 4}})
    code, out, _err = cli("plan", str(write_json(tmp_path, "clot.json", clot)))
    held = out[out.index("Held back by the safety screen") : out.index("Physical therapy")]
    assert code == 0 and "- Home exercise: Knee straightening with an ankle weight" in held


def test_a_spanish_handout_export_warns_of_texts_in_english(cli: Any, tmp_path: Path) -> None:
    """Review 12b, finding 1: a Spanish handout with texts in English is exported (the exit code says it was
    written), and stderr tells the clinician how many texts print in English before the page is printed."""
    example = str(EXAMPLES_DIR / "neoplastic-after-radiation.json")
    code, out, err = cli("export", example, "-o", str(tmp_path / "es.pdf"), "--handout", "--language", "es")
    assert code == 0 and "wrote" in out and "warning" not in err  # every shipped text has its Spanish
    shipped = (EXAMPLES_DIR.parent / "documents" / "exercises.md").read_text(encoding="utf-8")
    purpose = "purpose: Strengthens your buttock muscles, which you use"
    assert purpose in shipped
    clinic = tmp_path / "exercises.md"
    clinic.write_text(shipped.replace(purpose, "purpose: Makes your buttock muscles stronger", 1), encoding="utf-8")
    assert cli("docs", "import", str(clinic))[0] == 0  # the clinic's own version: the bridge's Spanish is stale
    code, out, err = cli("export", example, "-o", str(tmp_path / "es2.pdf"), "--handout", "--language", "es")
    assert code == 0 and (tmp_path / "es2.pdf").is_file()
    assert "planner: warning: 1 patient text prints in English on this Spanish handout" in err
    code, out, err = cli("export", example, "-o", str(tmp_path / "en.pdf"), "--handout")
    assert code == 0 and "warning" not in err  # an English handout has nothing to fall back from
