"""Decisions carry over between visits (planner.plan.carry and the marks in planner.edits), without Qt.

A new visit's draft starts from the previous version's decisions and assessment values, each marked with the
visit it came from until confirmed or changed; a decision about an item the new plan no longer contains is
listed, not dropped; a plan with marks not yet confirmed is not signed. The app's side (the same across three
visits, with undo, save and reload) is in tests/ui/test_plan_decisions.py.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.edits import (
    CarriedMark,
    DosageChange,
    PlanEdits,
    add_exercise,
    add_item,
    apply_edits,
    confirm_all_carried,
    confirm_carried,
    drop_decision,
    exclude_exercise,
    exclude_item,
    include_exercise,
    include_item,
    move_exercise,
    order_items,
    reword_item,
    set_dosage,
    set_equipment_status,
    set_next_appointment,
    set_patient_text,
    settle_value,
    unconfirmed,
)
from planner.errors import UserError
from planner.plan.carry import carried_values, new_visit, review_entries
from planner.plan.generate import generate_plan, library_entry
from planner.record.assessments import save_draft, store_assessment
from planner.record.plans import get_plan, sign_plan, sign_stored_plan
from tests.conftest import load_example

VISIT_1 = "2026-11-20"


def decided(library: Any) -> tuple[dict[str, Any], PlanEdits, dict[str, Any]]:
    """The example's first visit with one decision of every kind."""
    assessment = load_example("neoplastic-after-radiation")
    content = generate_plan(assessment, library)
    edits = exclude_item(PlanEdits(), "clinic-aid-walker", "has a rollator of his own")
    edits = reword_item(edits, "clinic-afo", "Ankle brace, right", "Fitted on 2 Dec.")
    edits = set_patient_text(edits, "clinic-ot-chair", "Use the tall kitchen chair to stand up.")
    edits, _ = add_item(edits, "pt", "Pool therapy on Tuesdays", "", "Go to the pool on Tuesdays.")
    edits = order_items(edits, "pt", ["clinic-pt-falls", "guide-pt-rehabilitation"])
    edits = exclude_exercise(edits, "ex-walking", "walks with the physiotherapist")
    edits = add_exercise(edits, library_entry(library, "ex-heel-slides", assessment))
    edits = set_dosage(edits, "ex-bridge", DosageChange(sets=3, reps=8, note="On the bed."))
    edits = move_exercise(edits, [e["id"] for e in apply_edits(content, edits)["exercises"]], "ex-bridge", 0)
    edits = set_equipment_status(edits, "eq-reacher", "issued")
    edits = set_equipment_status(edits, "eq-tub-bench", "not_needed")
    edits = set_next_appointment(edits, "2026-12-15")
    return assessment, edits, apply_edits(content, edits)


def todays(assessment: dict[str, Any], nrs: int = 5) -> dict[str, Any]:
    """The new visit's assessment once today's pain score is recorded (it is never carried over)."""
    assessment["pain"]["nrs"] = nrs
    return validate_assessment(assessment)


def test_a_new_visit_starts_from_every_decision_each_marked_with_the_visit(library: Any) -> None:
    assessment, edits, final = decided(library)
    new_assessment, carried = new_visit(assessment, edits, final, assessor="A. Lee, OT", today=date(2026, 11, 27))
    # The decisions are the previous version's (the next appointment was that visit's business).
    assert carried.excluded == edits.excluded and carried.rewritten == edits.rewritten
    assert carried.handout == edits.handout and [a.title for a in carried.added] == ["Pool therapy on Tuesdays"]
    assert carried.exercise_excluded == edits.exercise_excluded and carried.dosage == edits.dosage
    assert [e["id"] for e in carried.exercise_added] == ["ex-heel-slides"]
    assert carried.equipment == edits.equipment and carried.order == edits.order
    assert carried.exercise_order == edits.exercise_order and carried.next_appointment is None
    marks = {key: mark for key, mark in carried.carried.items() if not key.startswith("value:")}
    assert set(marks) == {
        "excluded:clinic-aid-walker",
        "wording:clinic-afo",
        "patient_text:clinic-ot-chair",
        "added:clinician-1",
        "exercise_excluded:ex-walking",
        "exercise_added:ex-heel-slides",
        "dosage:ex-bridge",
        "equipment:eq-reacher",
        "equipment:eq-tub-bench",
    }
    assert all(mark.visit == VISIT_1 and not mark.confirmed for mark in marks.values())
    assert marks["excluded:clinic-aid-walker"].title == "Walker for walking"  # the old plan's words, kept
    # The assessment: values copied and marked, the pain score and who/when today's.
    assert new_assessment["assessed_on"] == "2026-11-27" and new_assessment["assessor"] == "A. Lee, OT"
    assert "nrs" not in new_assessment["pain"]
    values = {key.removeprefix("value:") for key in carried.carried if key.startswith("value:")}
    assert {"history.etiology", "strength.hip_flexion.right", "function.ambulation", "pain.sites"} <= values
    assert {"lymphedema.circumferences_cm.left", "symptoms.numbness", "joint_position_sense.right"} <= values
    assert not any(v.startswith(("patient", "assessed_on", "assessor", "pain.nrs")) for v in values)
    assert "history.trauma_on" not in values  # null in the example: nothing was copied


def test_the_carried_plan_is_the_previous_plan_as_the_clinician_left_it(library: Any) -> None:
    assessment, edits, final = decided(library)
    new_assessment, carried = new_visit(assessment, edits, final, today=date(2026, 11, 27))
    again = apply_edits(generate_plan(todays(new_assessment), library), carried)
    assert [e["id"] for e in again["excluded"]] == ["clinic-aid-walker"]
    assert [c["id"] for c in again["exercises"]] == [c["id"] for c in final["exercises"]]
    assert {e["id"]: e["status"] for e in again["equipment"]} == {e["id"]: e["status"] for e in final["equipment"]}
    assert "next_appointment" not in again


EDITS_OF_EACH_KIND = [
    ("excluded:clinic-aid-walker", lambda e, lib: include_item(e, "clinic-aid-walker")),
    ("excluded:clinic-aid-walker", lambda e, lib: exclude_item(e, "clinic-aid-walker", "another reason")),
    ("wording:clinic-afo", lambda e, lib: reword_item(e, "clinic-afo", "Brace", "")),
    ("patient_text:clinic-ot-chair", lambda e, lib: set_patient_text(e, "clinic-ot-chair", None)),
    ("added:clinician-1", lambda e, lib: set_patient_text(e, "clinician-1", "Pool on Thursdays now.")),
    ("exercise_excluded:ex-walking", lambda e, lib: include_exercise(e, "ex-walking")),
    ("dosage:ex-bridge", lambda e, lib: set_dosage(e, "ex-bridge", DosageChange(sets=2))),
    ("equipment:eq-reacher", lambda e, lib: set_equipment_status(e, "eq-reacher", "owned")),
    ("exercise_added:ex-heel-slides", lambda e, lib: drop_decision(e, "exercise_added:ex-heel-slides")),
]


@pytest.mark.parametrize(
    ("key", "change"), EDITS_OF_EACH_KIND, ids=[f"{k} {i}" for i, (k, _) in enumerate(EDITS_OF_EACH_KIND)]
)
def test_changing_a_carried_decision_ends_its_mark_and_no_other(library: Any, key: str, change: Any) -> None:
    assessment, edits, final = decided(library)
    _new, carried = new_visit(assessment, edits, final, today=date(2026, 11, 27))
    changed = change(carried, library)
    assert key not in changed.carried
    assert set(carried.carried) - set(changed.carried) == {key}
    assert key in carried.carried  # pure: the input is unchanged


def test_confirming_keeps_the_mark_as_confirmed_and_signing_waits_for_every_one(library: Any) -> None:
    assessment, edits, final = decided(library)
    _new, carried = new_visit(assessment, edits, final, today=date(2026, 11, 27))
    some = confirm_carried(carried, ["excluded:clinic-aid-walker", "no-such:key"])
    assert some.carried["excluded:clinic-aid-walker"] == CarriedMark(VISIT_1, "Walker for walking", True)
    assert "excluded:clinic-aid-walker" not in unconfirmed(some) and len(unconfirmed(some)) == len(carried.carried) - 1
    everything = confirm_all_carried(carried)
    assert unconfirmed(everything) == {} and set(everything.carried) == set(carried.carried)
    assert everything.excluded == carried.excluded  # confirming decides nothing new


def test_changing_an_assessment_value_ends_its_mark_and_those_under_or_above_it(library: Any) -> None:
    assessment, edits, final = decided(library)
    _new, carried = new_visit(assessment, edits, final, today=date(2026, 11, 27))
    after = settle_value(carried, ("strength", "hip_flexion", "right"))
    assert set(carried.carried) - set(after.carried) == {"value:strength.hip_flexion.right"}
    after = settle_value(carried, ("lymphedema", "circumferences_cm"))  # the table, as the editor writes it
    assert set(carried.carried) - set(after.carried) == {
        "value:lymphedema.circumferences_cm.left",
        "value:lymphedema.circumferences_cm.right",
    }
    assert carried_values({"history": {"dvt": False}}, {"history": {"dvt": True}}, VISIT_1) == {}


def test_marks_are_stored_with_the_edits_and_old_edits_store_as_before(library: Any) -> None:
    assessment, edits, final = decided(library)
    _new, carried = new_visit(assessment, edits, final, today=date(2026, 11, 27))
    carried = confirm_carried(carried, ["equipment:eq-reacher"])
    stored = json.loads(json.dumps(carried.to_json()))
    assert PlanEdits.from_json(stored).carried == carried.carried
    assert stored["carried"]["equipment:eq-reacher"] == {"visit": VISIT_1, "title": "Reacher", "confirmed": True}
    assert "carried" not in edits.to_json()  # edits without marks: the stored shape (and hash) of before
    assert PlanEdits.from_json({"carried": {"bogus:x": {"visit": "2026-01-01"}, "excluded:y": {}}}).carried == {}


def test_a_decision_about_an_item_the_new_plan_no_longer_has_is_listed_never_dropped(library: Any) -> None:
    assessment, edits, final = decided(library)
    new_assessment, carried = new_visit(assessment, edits, final, today=date(2026, 11, 27))
    # The patient no longer walks (a wheelchair now), and a DVT was found: the walker item goes, and the safety
    # screen holds the heel slides the clinician had added (whose own condition does not hold: added by hand).
    new_assessment["function"]["ambulation"] = "non_ambulatory"
    new_assessment["history"]["dvt"] = True
    new_assessment = todays(new_assessment)
    plan = apply_edits(generate_plan(new_assessment, library), carried)
    assert "clinic-aid-walker" not in {i["id"] for s in plan["sections"] for i in s["items"]}
    assert "ex-heel-slides" not in {c["id"] for c in plan["exercises"]}
    entries = {entry.key: entry for entry in review_entries(carried, plan, new_assessment)}
    walker = entries["excluded:clinic-aid-walker"]
    assert not walker.present and walker.to_review and walker.title == "Walker for walking"
    assert walker.what == "excluded: has a rollator of his own" and walker.visit == VISIT_1
    assert not entries["exercise_added:ex-heel-slides"].present
    held = next(entry for entry in plan["held"] if entry["id"] == "ex-heel-slides")
    assert held["reason"] == "an acute DVT is recorded" and held["source"] == "clinician" and held["evidence"]
    assert carried.excluded["clinic-aid-walker"] == "has a rollator of his own"  # kept for a later visit
    listed = list(entries)
    assert listed.index("excluded:clinic-aid-walker") < listed.index("equipment:eq-reacher")  # absent ones first
    # Dropping it is the clinician's explicit choice, and undoable (a pure function).
    dropped = drop_decision(carried, "excluded:clinic-aid-walker")
    assert "clinic-aid-walker" not in dropped.excluded and "excluded:clinic-aid-walker" not in dropped.carried
    # A decision of this visit about something that then leaves the plan is listed too (no visit).
    today = exclude_item(PlanEdits(), "acr-med-mri-plexus-malignancy", "done last week")
    gone = review_entries(today, apply_edits(generate_plan(new_assessment, library), today), new_assessment)
    mri = [e for e in gone if e.key == "excluded:acr-med-mri-plexus-malignancy"]
    assert all(entry.visit is None for entry in gone)
    assert mri == [] or not mri[0].present


def test_review_entries_say_what_was_decided_in_words(library: Any) -> None:
    assessment, edits, final = decided(library)
    new_assessment, carried = new_visit(assessment, edits, final, today=date(2026, 11, 27))
    plan = apply_edits(generate_plan(todays(new_assessment), library), carried)
    entries = {entry.key: entry for entry in review_entries(carried, plan, new_assessment)}
    assert entries["dosage:ex-bridge"].what == "dosage: 3 sets of 8 · hold 3 seconds · twice a day; note: On the bed."
    assert entries["dosage:ex-bridge"].title == "Bridge"
    assert entries["equipment:eq-tub-bench"].what == "not needed"
    assert entries["patient_text:clinic-ot-chair"].what == "patient text: Use the tall kitchen chair to stand up."
    assert entries["value:history.etiology"].what == "neoplastic"
    assert entries["value:pain.sites"].what == "buttock, thigh"
    assert all(entry.present and entry.to_review for entry in entries.values())
    confirmed = review_entries(confirm_all_carried(carried), plan, new_assessment)
    assert confirmed and not any(entry.to_review for entry in confirmed)


def test_a_plan_with_unconfirmed_marks_is_not_signed(db: Any, library: Any) -> None:
    assessment, edits, _final = decided(library)
    stored = store_assessment(db, validate_assessment(assessment), edits)
    sign_stored_plan(db, stored.plan_id, "J. Rivera", "PT")
    record = get_plan(db, stored.plan_id)
    new_assessment, carried = new_visit(record.assessment, record.edits, record.final(), today=date(2026, 11, 27))
    second = store_assessment(db, todays(new_assessment), carried)
    with pytest.raises(
        UserError,
        match=r"Not signed: \d+ decisions or values carried over from the visit of "
        r"20 Nov 2026 are not reviewed yet",
    ):
        sign_stored_plan(db, second.plan_id, "J. Rivera", "PT")
    draft = get_plan(db, second.plan_id)
    assert draft.status != "signed"
    saved = save_draft(db, second.assessment_id, draft.assessment, confirm_all_carried(carried), opened=draft.stamp)
    signed = sign_plan(db, saved.id, "J. Rivera", "PT", opened=saved.stamp, shown_hash=saved.draft_hash)
    assert signed.signed and signed.edits.carried and not unconfirmed(signed.edits)


def test_three_visits_carry_the_latest_decisions_with_the_latest_date(library: Any) -> None:
    assessment, edits, final = decided(library)
    second_assessment, second = new_visit(assessment, edits, final, today=date(2026, 11, 27))
    second = confirm_carried(second, ["excluded:clinic-aid-walker"])
    second = set_dosage(second, "ex-bridge", DosageChange(sets=2, reps=12))
    second = set_equipment_status(second, "eq-shower-chair", "recommended")
    second_plan = apply_edits(generate_plan(todays(second_assessment), library), second)
    third_assessment, third = new_visit(second_assessment, second, second_plan, today=date(2026, 12, 4))
    assert third_assessment["assessed_on"] == "2026-12-04"
    assert third.dosage["ex-bridge"] == DosageChange(sets=2, reps=12)
    assert third.equipment["eq-shower-chair"] == "recommended"
    decisions = {k: m for k, m in third.carried.items() if not k.startswith("value:")}
    assert {mark.visit for mark in decisions.values()} == {"2026-11-27"}  # from the visit just before
    assert not any(mark.confirmed for mark in third.carried.values())  # each visit reviews them again
    assert "dosage:ex-bridge" in decisions and "equipment:eq-shower-chair" in decisions
