"""The follow-up schedule: due dates from documents, rows kept in step with the plan, the due list across
patients on fixed dates, and completion."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner.edits import PlanEdits
from planner.engine.schedule import DONE, DUE, OVERDUE, UPCOMING, DueRule, add_months, status_on
from planner.errors import DocumentError
from planner.library.parser import parse_document
from planner.plan.generate import generate_plan
from planner.record.assessments import save_draft, store_assessment
from planner.record.followup import due_list, patient_schedule, set_done
from planner.record.plans import latest_plan
from tests.conftest import make_assessment


@pytest.fixture
def db(storage_db: Any) -> Any:
    """Every test here runs on an SQLite file and on a clinic server (PostgreSQL)."""
    return storage_db


def items_by_id(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for s in plan["sections"] for i in s["items"]}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 12, 31), 6, date(2027, 6, 30)),
    ],
)
def test_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_due_rule_dates() -> None:
    assessment = make_assessment(assessed_on="2026-11-01", history={"onset": "2026-09-15"})
    assert DueRule.parse("4 weeks after assessment").dates(assessment) == (date(2026, 11, 29), None)
    assert DueRule.parse("3-6 months after onset").dates(assessment) == (date(2026, 12, 15), date(2027, 3, 15))
    # a window that opened before the visit is due from the visit
    late = make_assessment(assessed_on="2027-01-10", history={"onset": "2026-09-15"})
    assert DueRule.parse("3-6 months after onset").dates(late) == (date(2027, 1, 10), date(2027, 3, 15))
    # no onset recorded: no date
    assert DueRule.parse("3-6 months after onset").dates(make_assessment()) is None
    assert str(DueRule.parse("1 day after trauma")) == "1 day after trauma"
    # 'event' counts from the latest acute event, the later of the trauma and the surgery
    event = DueRule.parse("3 weeks after event")
    both = make_assessment(history={"trauma_on": "2026-09-01", "surgery_on": "2026-10-25"})
    assert event.dates(both) == (date(2026, 11, 15), None)
    assert event.dates(make_assessment(history={"trauma_on": "2026-10-20"})) == (date(2026, 11, 10), None)
    assert event.dates(make_assessment()) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "N days|weeks|months after ANCHOR"),
        ("4 weeks after lunch", "unknown anchor 'lunch'"),
        ("6-3 months after onset", "end of the range comes before its start"),
    ],
)
def test_bad_due_field_names_the_line(text: str, message: str) -> None:
    document = "\n".join(
        [
            "---",
            "id: T",
            "title: T",
            "source: s",
            "version: 1",
            "kind: convention",
            "---",
            "## S",
            "",
            "Text.",
            "",
            "::: recommendation t-1",
            "target: monitoring",
            "when: true",
            "title: Check",
            f"due: {text}",
            ":::",
        ]
    )
    with pytest.raises(DocumentError) as caught:
        parse_document(document, "t.md")
    assert "line 16" in str(caught.value) and message in str(caught.value)


def test_due_only_on_section_items() -> None:
    document = "---\nid: T\ntitle: T\nsource: s\nversion: 1\nkind: convention\n---\n## S\n\n::: recommendation a\n"
    document += "target: alert\nlevel: info\nwhen: true\ntitle: A\ndue: 1 week after assessment\n:::\n"
    with pytest.raises(DocumentError, match="due is only for plan-section items"):
        parse_document(document, "t.md")


def test_shipped_documents_date_the_follow_up_items(library: Any) -> None:
    assessment = make_assessment(
        assessed_on="2026-11-01",
        history={"onset": "2026-09-15"},
        strength={"knee_extension": {"right": 3}},
    )
    items = items_by_id(generate_plan(assessment, library))
    assert (items["clinic-reassess"]["due_on"], items["clinic-reassess"]["due_rule"]) == (
        "2026-11-29",
        "4 weeks after assessment",
    )
    assert "due_until" not in items["clinic-reassess"]
    edx = items["entrap-mon-repeat-edx"]
    assert (edx["due_on"], edx["due_until"]) == ("2026-12-15", "2027-03-15")


def person(patient_id: str, name: str, on: str, **changes: Any) -> dict[str, Any]:
    return make_assessment(
        patient={"id": patient_id, "name": name},
        assessed_on=on,
        history={"onset": "2026-08-01"},
        strength={"knee_extension": {"right": 3}},
        **changes,
    )


def test_due_list_across_patients_on_fixed_dates(db: Any) -> None:
    # Ada's first studies are asked for 45 days after onset, so the 3-6 month window opens more than six weeks
    # after them and the repeat is dated from it (review 12g: at least about six weeks between the two)
    store_assessment(db, person("P-A", "Ada", "2026-09-15"))  # reassess 10-13, EDX 11-01..2027-02-01
    # Bo's first studies are asked for on 10-25, a week before the 3-6 month window opens: the repeat is dated about
    # 3 months after them, not from the window (review 12f, R12f-07)
    store_assessment(db, person("P-B", "Bo", "2026-10-25"))  # reassess 11-22, EDX 2027-01-25

    on = date(2026, 11, 12)
    listed = [(d.patient_id, d.item_id, d.status) for d in due_list(db, on, days_ahead=0)]
    assert listed == [
        ("P-A", "clinic-reassess", OVERDUE),
        ("P-A", "entrap-mon-repeat-edx", DUE),
    ]
    ahead = [(d.patient_id, d.item_id, d.status) for d in due_list(db, on, days_ahead=30)]
    assert ("P-B", "clinic-reassess", UPCOMING) in ahead and len(ahead) == 3
    assert status_on(date(2027, 2, 2), "2026-11-01", "2027-02-01") == OVERDUE
    assert status_on(date(2027, 2, 1), "2026-11-01", "2027-02-01") == DUE


def test_a_new_visit_supersedes_the_old_schedule(db: Any) -> None:
    store_assessment(db, person("P-A", "Ada", "2026-09-15"))
    assert {d.item_id for d in due_list(db, date(2026, 11, 12))} == {"clinic-reassess", "entrap-mon-repeat-edx"}
    # Onset less than 3 months before the new visit, so the repeat studies still lie ahead (issue 12 review C18),
    # dated about 3 months after the first studies asked for at this visit (review 12f, R12f-07)
    store_assessment(db, person("P-A", "Ada", "2026-10-20"))
    due = due_list(db, date(2026, 11, 12), days_ahead=90)
    expected = {("clinic-reassess", "2026-11-17"), ("entrap-mon-repeat-edx-after-first", "2027-01-20")}
    assert {(d.item_id, d.due_on) for d in due} == expected


def test_done_survives_a_new_draft_and_exclusion_drops_the_row(db: Any) -> None:
    stored = store_assessment(db, person("P-A", "Ada", "2026-09-15"))
    today = date(2026, 11, 12)
    reassess = next(d for d in due_list(db, today) if d.item_id == "clinic-reassess")
    set_done(db, reassess.id, date(2026, 11, 3), by="J. Doe, PT")
    assert [d.item_id for d in due_list(db, today)] == ["entrap-mon-repeat-edx"]
    schedule = {d.item_id: d for d in patient_schedule(db, "P-A", today)}
    assert schedule["clinic-reassess"].status == DONE
    assert schedule["clinic-reassess"].completed_on == "2026-11-03"

    plan = latest_plan(db, stored.assessment_id)
    edits = PlanEdits(excluded={"entrap-mon-repeat-edx": "done elsewhere"})
    save_draft(db, stored.assessment_id, plan.assessment, edits, opened=plan.stamp)
    schedule = {d.item_id: d for d in patient_schedule(db, "P-A", today)}
    assert set(schedule) == {"clinic-reassess"}
    assert schedule["clinic-reassess"].status == DONE  # kept through the regenerated draft

    set_done(db, reassess.id, None)
    assert [d.item_id for d in due_list(db, today)] == ["clinic-reassess"]


def test_archived_patients_are_left_out(db: Any) -> None:
    from planner.record.patients import set_patient_archived

    store_assessment(db, person("P-A", "Ada", "2026-09-15"))
    set_patient_archived(db, "P-A", True)
    assert due_list(db, date(2026, 11, 12)) == []
