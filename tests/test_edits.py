"""The clinician's decisions as data: stored with the plan version, signed, applied by one function.

Each edit is a pure function returning new edits (what an undo command calls); stored edits of any earlier shape
load as "no such decision"; the plan as the clinician left it carries the marks the PDFs and the app read.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.edits import (
    DosageChange,
    PlanEdits,
    add_exercise,
    add_item,
    apply_edits,
    exclude_exercise,
    exclude_item,
    include_exercise,
    include_item,
    move_exercise,
    order_exercises,
    order_items,
    remove_added_exercise,
    remove_added_item,
    reword_item,
    set_dosage,
    set_equipment_status,
    set_next_appointment,
    set_patient_text,
)
from planner.errors import UserError
from planner.plan.generate import generate_plan, library_entry
from planner.record.assessments import save_draft, store_assessment
from planner.record.plans import draft_hash, get_plan, sign_stored_plan, signature_hash
from tests.conftest import load_example

OLD_STORED_EDITS = {
    "excluded": {"clinic-aid-walker": "done at home"},
    "rewritten": {"nlsp-pt-arom-progression": {"title": "Active work", "detail": "Twice a day."}},
    "order": {"pt": ["nlsp-pt-arom-progression"]},
    "added": [{"id": "clinician-1", "section": "pt", "title": "Pool therapy", "detail": ""}],
}
"""Edits as the app stored them before exercise, equipment and patient-text decisions existed."""


@pytest.fixture(scope="module")
def plan(library: Any) -> dict[str, Any]:
    return generate_plan(load_example("neoplastic-after-radiation"), library)


def item(plan: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for s in plan["sections"] for i in s["items"] if i["id"] == item_id)


def test_edits_stored_before_these_decisions_load_and_store_exactly_as_they_were() -> None:
    edits = PlanEdits.from_json(copy.deepcopy(OLD_STORED_EDITS))
    assert edits.to_json() == OLD_STORED_EDITS  # the same JSON, so the same hash of an old draft
    assert not edits.handout and not edits.exercise_added and not edits.equipment and edits.next_appointment is None
    assert PlanEdits.from_json(None).to_json() == {"excluded": {}, "rewritten": {}, "order": {}, "added": []}


def test_every_decision_round_trips_through_its_stored_form(plan: dict[str, Any], library: Any) -> None:
    edits = PlanEdits()
    edits, added = add_item(edits, "pt", "Pool therapy", "Tuesdays", "Go to the pool every Tuesday.")
    edits = set_patient_text(edits, "clinic-ot-chair", "Use the tall kitchen chair to stand up.")
    edits = exclude_exercise(edits, "ex-walking", "walks with the physiotherapist")
    entry = library_entry(library, "ex-heel-slides", load_example("neoplastic-after-radiation"))
    edits = add_exercise(edits, entry)
    edits = set_dosage(edits, "ex-bridge", DosageChange(sets=3, reps=8, times=1, per="day", note="On the bed."))
    edits = set_equipment_status(edits, "eq-reacher", "issued")
    edits = set_next_appointment(edits, "2026-12-15")
    stored = json.loads(json.dumps(edits.to_json()))
    again = PlanEdits.from_json(stored)
    assert again.to_json() == edits.to_json()
    assert again.added[0].handout == "Go to the pool every Tuesday." and added == "clinician-1"
    assert again.dosage["ex-bridge"] == DosageChange(sets=3, reps=8, times=1, per="day", note="On the bed.")
    assert stored["exercises"]["added"][0]["id"] == "ex-heel-slides"
    assert stored["equipment"] == {"eq-reacher": "issued"} and stored["next_appointment"] == "2026-12-15"


def test_each_edit_is_a_pure_function_returning_new_edits() -> None:
    start = PlanEdits.from_json(copy.deepcopy(OLD_STORED_EDITS))
    before = start.to_json()
    calls = [
        lambda e: exclude_item(e, "x", "reason"),
        lambda e: include_item(e, "clinic-aid-walker"),
        lambda e: reword_item(e, "x", "Title", "Detail"),
        lambda e: set_patient_text(e, "x", "Text"),
        lambda e: add_item(e, "ot", "Title")[0],
        lambda e: remove_added_item(e, "clinician-1"),
        lambda e: order_items(e, "pt", ["b", "a"]),
        lambda e: exclude_exercise(e, "ex-bridge", "no"),
        lambda e: include_exercise(e, "ex-bridge"),
        lambda e: order_exercises(e, ["ex-b", "ex-a"]),
        lambda e: move_exercise(e, ["a", "b", "c"], "c", 0),
        lambda e: set_dosage(e, "ex-bridge", DosageChange(reps=5)),
        lambda e: set_equipment_status(e, "eq-reacher", "owned"),
        lambda e: set_next_appointment(e, "2027-01-05"),
        lambda e: remove_added_exercise(e, "ex-heel-slides"),
    ]
    for call in calls:
        result = call(start)
        assert result is not start
        assert start.to_json() == before  # the input is never changed: undo keeps the old edits as they were
    assert move_exercise(start, ["a", "b", "c"], "c", 0).exercise_order == ["c", "a", "b"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (DosageChange(sets=9), "sets must be from 1 to 6, not 9"),
        (DosageChange(reps=0), "reps must be from 1 to 30, not 0"),
        (DosageChange(hold_seconds=600), "hold seconds must be from 1 to 120"),
        (DosageChange(times=3), "how often needs both a number and 'day' or 'week'"),
        (DosageChange(times=20, per="day"), "times a day must be from 1 to 12, not 20"),
        (DosageChange(times=2, per="month"), "how often is per 'day' or per 'week'"),
        (DosageChange(note="x" * 2001), "dosage note: at most 2000 characters"),
    ],
)
def test_a_dosage_outside_what_a_home_programme_holds_is_refused(change: DosageChange, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        set_dosage(PlanEdits(), "ex-bridge", change)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: set_equipment_status(PlanEdits(), "eq-reacher", "lost"), "equipment status: one of"),
        (lambda: set_next_appointment(PlanEdits(), "2026-13-40"), "next appointment: '2026-13-40' is not a date"),
        (lambda: add_item(PlanEdits(), "nowhere", "T"), "section: must be one of"),
        (lambda: add_item(PlanEdits(), "pt", "  "), "title: must not be empty"),
        (lambda: add_exercise(PlanEdits(), {"id": "eq-reacher", "name": "Reacher"}), "not an exercise"),
    ],
)
def test_bad_decisions_are_refused_by_field(call: Any, message: str) -> None:
    with pytest.raises(UserError, match=message):
        call()


def test_the_plan_as_the_clinician_left_it(plan: dict[str, Any], library: Any) -> None:
    exercises = [e["id"] for e in plan["exercises"]]
    edits = PlanEdits()
    edits = set_patient_text(edits, "clinic-ot-chair", "Use the tall kitchen chair to stand up.")
    edits, added = add_item(edits, "pt", "Pool therapy", "", "Go to the pool every Tuesday.")
    edits = exclude_exercise(edits, exercises[0], "too easy now")
    edits = add_exercise(edits, library_entry(library, "ex-heel-slides", load_example("neoplastic-after-radiation")))
    edits = order_exercises(edits, ["ex-heel-slides", exercises[2]])
    edits = set_dosage(edits, "ex-bridge", DosageChange(sets=3, reps=8, note="Only on the bed."))
    edits = set_equipment_status(edits, "eq-reacher", "issued")
    edits = set_next_appointment(edits, "2026-12-15")
    final = apply_edits(plan, edits)
    chair = item(final, "clinic-ot-chair")
    assert chair["handout"] == "Use the tall kitchen chair to stand up." and chair["edited"] and chair["handout_edited"]
    assert chair["generated"]["handout"] == item(plan, "clinic-ot-chair")["handout"]
    assert (
        item(final, added)["handout"] == "Go to the pool every Tuesday." and item(final, added)["source"] == "clinician"
    )
    cards = final["exercises"]
    assert [c["id"] for c in cards][:2] == ["ex-heel-slides", exercises[2]]
    assert exercises[0] not in [c["id"] for c in cards]
    assert final["excluded_exercises"] == [
        {"id": exercises[0], "name": plan["exercises"][0]["name"], "reason": "too easy now"}
    ]
    bridge = next(c for c in cards if c["id"] == "ex-bridge")
    assert bridge["edited"] and bridge["note"] == "Only on the bed."
    assert bridge["dosage"]["sets"] == 3 and bridge["dosage"]["reps"] == 8 and bridge["dosage"]["hold_seconds"] == 3
    assert bridge["dosage"]["text"] == "3 sets of 8 · hold 3 seconds · twice a day"
    assert bridge["generated_dosage"]["text"] == "2 sets of 10 · hold 3 seconds · twice a day"
    assert next(c for c in cards if c["id"] == "ex-heel-slides")["source"] == "clinician"
    statuses = {e["id"]: e["status"] for e in final["equipment"]}
    assert statuses["eq-reacher"] == "issued" and statuses["eq-sock-aid"] is None
    assert final["next_appointment"] == "2026-12-15"
    assert plan.get("next_appointment") is None and "excluded_exercises" not in plan  # the content is not changed


def test_an_exercise_added_earlier_is_not_put_back_while_the_screen_holds_it(library: Any) -> None:
    raw = load_example("neoplastic-after-radiation")
    entry = library_entry(library, "ex-bridge", raw)
    edits = add_exercise(exclude_exercise(PlanEdits(), "ex-bridge", ""), entry)
    assert "ex-bridge" not in edits.exercise_excluded  # adding it again takes the exclusion back
    raw["history"]["dvt"] = True
    held_plan = generate_plan(validate_assessment(raw), library)
    assert "ex-bridge" in {h["id"] for h in held_plan["held"]}
    assert "ex-bridge" not in [c["id"] for c in apply_edits(held_plan, edits)["exercises"]]
    with pytest.raises(UserError, match="held back by the safety screen"):
        library_entry(library, "ex-bridge", raw)
    with pytest.raises(UserError, match="no exercise or equipment item 'ex-nothing'"):
        library_entry(library, "ex-nothing", raw)


def test_an_exercise_added_by_hand_is_held_by_its_screen_even_when_its_own_condition_does_not_hold(
    library: Any,
) -> None:
    """Heel slides are for a grade-2 hip or knee: this patient's are not, so the plan never offers (nor screens)
    them; the clinician added them by hand. With a DVT recorded later they must not come back on the handout."""
    raw = load_example("neoplastic-after-radiation")
    edits = add_exercise(PlanEdits(), library_entry(library, "ex-heel-slides", raw))
    assert "ex-heel-slides" in [c["id"] for c in apply_edits(generate_plan(raw, library), edits)["exercises"]]
    raw["history"]["dvt"] = True
    content = generate_plan(validate_assessment(raw), library)
    assert "ex-heel-slides" not in {h["id"] for h in content["held"]}  # its condition does not hold
    final = apply_edits(content, edits)
    assert "ex-heel-slides" not in [c["id"] for c in final["exercises"]]
    held = next(h for h in final["held"] if h["id"] == "ex-heel-slides")
    assert held["section"] == "exercises" and held["title"] == "Heel slides" and held["source"] == "clinician"
    assert held["reason"] == content["screens"]["exercise_hold"]["reasons"][0] == "an acute DVT is recorded"
    assert held["evidence"] and held["screen"] == ["exercise_hold"]
    assert "ex-heel-slides" not in {h["id"] for h in content["held"]}  # the content is not changed


def test_decisions_are_stored_with_the_plan_version_and_signed(db: Any) -> None:
    stored = store_assessment(db, load_example("neoplastic-after-radiation"))
    opened = get_plan(db, stored.plan_id)
    edits = set_equipment_status(set_dosage(PlanEdits(), "ex-bridge", DosageChange(reps=6)), "eq-reacher", "issued")
    record = save_draft(db, stored.assessment_id, opened.assessment, edits, opened=opened.stamp)
    assert record.edits.to_json() == edits.to_json()
    assert record.draft_hash == draft_hash(record.assessment, record.content, edits.to_json())
    assert next(c for c in record.final()["exercises"] if c["id"] == "ex-bridge")["dosage"]["reps"] == 6
    signed = sign_stored_plan(db, record.id, "J. Rivera", "PT")
    from planner.models import Plan

    with db.read() as session:
        row = session.get(Plan, signed.id)
        assert signature_hash(row, signed.content) == signed.content_hash
        row.edits = json.dumps({**json.loads(row.edits), "equipment": {"eq-reacher": "owned"}})
        assert signature_hash(row, signed.content) != signed.content_hash  # the decisions are part of what is signed
