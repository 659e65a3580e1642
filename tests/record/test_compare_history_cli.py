"""Plan version comparison, the patient history summary, and the command line for progress and follow-up."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.schema import SECTION_KEYS
from planner.cli import run
from planner.edits import AddedItem, PlanEdits
from planner.engine.findings import all_findings
from planner.engine.progress import recovery_window_dates
from planner.plan.compare import ADDED, CHANGED, COMPARED_FIELDS, FIELD_LABELS, REMOVED, by_section, compare_plans
from planner.plan.generate import generate_plan
from planner.record.assessments import save_draft, store_assessment
from planner.record.patient_history import patient_history, plan_for_patient
from planner.record.plans import get_plan, latest_plan, sign_stored_plan
from tests.conftest import make_assessment
from tests.engine.test_progress import FIRST, SECOND, THIRD


def test_compare_finds_added_removed_and_changed(library: Any) -> None:
    older = generate_plan(FIRST, library)
    newer = generate_plan(SECOND, library, [FIRST])
    changes = {(c.kind, c.item_id): c for c in compare_plans(older, newer)}
    assert (ADDED, "entrap-med-reimage-worsening") in changes  # a grade was lost
    assert (ADDED, "clinic-mon-progress-summary") in changes
    assert (REMOVED, "entrap-mon-repeat-mri") in changes  # replaced by the reimaging item
    changed = changes[(CHANGED, "clinic-reassess")]
    assert changed.fields == ("due_on",)
    assert changed.before["due_on"] == "2026-02-07" and changed.after["due_on"] == "2026-03-07"
    assert compare_plans(newer, newer) == []


def test_compare_sees_clinician_edits(db: Any) -> None:
    stored = store_assessment(db, FIRST)
    first = latest_plan(db, stored.assessment_id)
    sign_stored_plan(db, first.id, "J. Doe", "PT")
    edits = PlanEdits(
        excluded={"clinic-reassess": "seen weekly instead"},
        rewritten={"nlsp-pt-arom-progression": {"title": "AROM daily", "detail": "Ten of each."}},
        added=[AddedItem("clinician-1", "pt", "Pool therapy", "")],
    )
    second = save_draft(db, stored.assessment_id, first.assessment, edits, opened=get_plan(db, first.id).stamp)
    assert second.version == 2
    changes = compare_plans(first.final(), second.final())
    kinds = {(c.kind, c.item_id): c.fields for c in changes}
    assert (REMOVED, "clinic-reassess") in kinds
    assert (ADDED, "clinician-1") in kinds
    assert kinds[(CHANGED, "nlsp-pt-arom-progression")] == ("title", "detail")
    notes = {c.item_id: c.note for c in changes}
    assert notes["clinic-reassess"] == "excluded: seen weekly instead"
    assert notes["clinician-1"] == "clinician's item"
    assert notes["nlsp-pt-arom-progression"] == "reworded by the clinician"
    # back the other way: the excluded item comes back, the wording is the generated one again
    back = {c.item_id: (c.kind, c.note) for c in compare_plans(second.final(), first.final())}
    assert back["clinic-reassess"] == (ADDED, "included again")
    assert back["nlsp-pt-arom-progression"] == (CHANGED, "generated wording restored")
    assert back["clinician-1"] == (REMOVED, "")


def test_compare_groups_changes_by_section(library: Any) -> None:
    older = generate_plan(FIRST, library)
    newer = generate_plan(SECOND, library, [FIRST])
    changes = compare_plans(older, newer)
    grouped = by_section(changes)
    assert sorted(grouped, key=id) == sorted(changes, key=id)  # same changes, only reordered
    order = ["alerts", *SECTION_KEYS]
    ranks = [order.index(c.section) for c in grouped]
    assert ranks == sorted(ranks)
    for key in order:  # within a section, compare_plans' order is kept
        assert [c for c in grouped if c.section == key] == [c for c in changes if c.section == key]
    assert FIELD_LABELS["due_on"] == "due date" and set(FIELD_LABELS) == set(COMPARED_FIELDS)


@pytest.mark.parametrize(
    ("window", "onset", "expected"),
    [
        ({"from": 3, "to": 12}, "2026-01-31", (date(2026, 4, 30), date(2027, 1, 31))),  # calendar months
        ({"from": None, "to": 36}, "2026-01-01", (None, date(2029, 1, 1))),
        ({"from": 1.5, "to": None}, "2026-01-01", (date(2026, 2, 16), None)),  # a month and 15 days
        ({"from": 3, "to": 12}, None, None),  # no onset: nowhere to put it
        (None, "2026-01-01", None),  # the documents set no window for this cause
    ],
)
def test_recovery_window_dates(window: Any, onset: Any, expected: Any) -> None:
    trend = {"recovery_window_months": window, "onset": onset}
    assert recovery_window_dates(trend) == expected


def test_recovery_window_end_matches_the_stalled_rule(library: Any) -> None:
    """A visit on the drawn end is within the window for the documents' stalled-recovery rule too, and one two
    days later is past it (that rule counts 30.44-day months rounded to one decimal, about three days)."""
    onset = "2025-01-01"
    stalled = []
    end = recovery_window_dates({"recovery_window_months": {"from": 3, "to": 12}, "onset": onset})[1]
    for day in (end, end + timedelta(days=2)):
        base = make_assessment(
            assessed_on="2025-02-01",
            history={"etiology": "entrapment", "onset": onset, "affected_side": "right"},
            strength={"ankle_dorsiflexion": {"right": 2}},
        )
        later = copy.deepcopy(base)
        later["assessed_on"] = day.isoformat()
        stalled.append(all_findings(later, library, [base])["recovery_stalled"])
    assert stalled == [False, True]


def test_history_summary_and_plan_for_patient(db: Any, library: Any) -> None:
    for visit in (FIRST, THIRD, SECOND):  # stored out of order: dates decide
        store_assessment(db, visit)
    latest, plan = plan_for_patient(db, "T-1")
    assert latest["assessed_on"] == THIRD["assessed_on"]
    assert plan == generate_plan(THIRD, library, [FIRST, SECOND])
    history = patient_history(db, "T-1", THIRD_DAY)
    assert [a["assessed_on"] for a in history["assessments"]] == ["2026-03-07", "2026-02-07", "2026-01-10"]
    assert history["trends"]["dates"] == ["2026-01-10", "2026-02-07", "2026-03-07"]
    assert history["trends"]["pain_nrs"] == [7, 5, 8]
    assert [p["version"] for p in history["assessments"][0]["plans"]] == [1]
    # the stored draft of the second visit (stored last) compared with the first only
    second_plan = latest_plan(db, history["assessments"][1]["id"])
    assert second_plan.content["progress"]["dates"] == ["2026-01-10", "2026-02-07"]


THIRD_DAY = __import__("datetime").date(2026, 3, 7)


def cli(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, assessment: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(assessment), encoding="utf-8")
    return str(path)


def test_cli_plan_history_due_done(db_path: Path, tmp_path: Path, capsys: Any) -> None:
    db = str(db_path)
    files = [write(tmp_path, f"v{n}.json", v) for n, v in enumerate((FIRST, SECOND, THIRD))]
    assert cli(capsys, "--db", db, "import", *files)[0] == 0

    code, out, _ = cli(capsys, "--db", db, "plan", "--patient", "T-1", "--json")
    plan = json.loads(out)
    assert code == 0 and plan["progress"]["pain_nrs"] == [7, 5, 8]
    code, out, _ = cli(capsys, "--db", db, "plan", "--patient", "T-1")
    assert "Trends" in out and "ankle dorsiflexion (right), MRC" in out and "Due: 2026-04-04" in out

    code, out, _ = cli(capsys, "--db", db, "history", "T-1", "--on", "2026-04-10")
    assert code == 0 and "#3" in out and "overdue" in out and "Reassess strength" in out
    history = json.loads(cli(capsys, "--db", db, "history", "T-1", "--on", "2026-04-10", "--json")[1])
    reassess = next(f for f in history["follow_up"] if f["item_id"] == "clinic-reassess")
    assert (reassess["due_on"], reassess["status"]) == ("2026-04-04", "overdue")

    due = json.loads(cli(capsys, "--db", db, "due", "--on", "2026-04-10", "--json")[1])
    # pain rose 3 points at the third visit: the reimaging item is due 2 weeks after it, and so is the review of the
    # strong opioid that 8/10 opens (review 12g)
    assert [(d["item_id"], d["due_on"]) for d in due] == [
        ("clinic-mon-pain-review", "2026-03-21"),
        ("entrap-med-reimage-worsening", "2026-03-21"),
        ("clinic-reassess", "2026-04-04"),
    ]
    for item in due:
        code, out, _ = cli(capsys, "--db", db, "done", str(item["id"]), "--on", "2026-04-09", "--by", "A. PT")
        assert code == 0 and "done on 2026-04-09" in out
    assert "nothing due as of 2026-04-10" in cli(capsys, "--db", db, "due", "--on", "2026-04-10")[1]
    assert cli(capsys, "--db", db, "done", str(reassess["id"]), "--reopen")[0] == 0
    assert "Reassess strength" in cli(capsys, "--db", db, "due", "--on", "2026-04-10")[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan"], "give an assessment file or --patient ID"),
        (["plan", "x.json", "--patient", "T-1"], "give an assessment file or --patient ID"),
        (["plan", "--patient", "NOBODY"], "NOBODY"),
        (["history", "NOBODY"], "NOBODY"),
        (["due", "--on", "tomorrow"], "--on: 'tomorrow' is not a date"),
        (["due", "--days", "-1"], "--days: must be 0 or more"),
        (["done", "999"], "999"),
    ],
)
def test_cli_bad_input_names_the_problem(db_path: Path, capsys: Any, argv: list[str], message: str) -> None:
    code, _, err = cli(capsys, "--db", str(db_path), *argv)
    assert code == 2 and message in err and "Traceback" not in err


def test_same_day_reentry_compares_with_the_earlier_one(db: Any) -> None:
    morning = make_assessment(strength={"knee_extension": {"right": 4}})
    afternoon = copy.deepcopy(morning)
    afternoon["strength"]["knee_extension"]["right"] = 3
    store_assessment(db, morning)
    stored = store_assessment(db, afternoon)
    assert latest_plan(db, stored.assessment_id).content["progress"]["strength"][0]["mrc"] == [4, 3]


def test_recovery_window_dates_match_the_pdf_progress_page() -> None:
    """The app's charts and the printed progress page shade the same days."""
    from planner.export.progress_page import recovery_window_days

    progress = {"recovery_window_months": {"from": 3, "to": 12}, "onset": "2025-12-15"}
    first = date(2026, 1, 10)
    start, end = recovery_window_dates(progress)
    assert recovery_window_days(progress, first) == ((start - first).days, (end - first).days)
