"""Decisions carry over between visits, in the app, across three visits (issue 16).

Visit 1: the clinician decides (an item excluded with a reason, a patient text, a card taken out, a dosage, an
equipment status, a free-text item) and signs. Visit 2 (New assessment) starts from those decisions and from the
assessment's values, each marked "carried over from the visit of 20 Nov 2026" on its row or field; the clinician
changes some (their marks end), confirms some, saves and reopens (the marks stay), and signs: signing asks to
confirm the rest. Visit 3 carries visit 2's decisions with visit 2's date; a decision about an item the new plan
no longer contains is listed as such, and dropped only when the clinician says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from planner.edits import DosageChange, set_dosage, unconfirmed
from planner.record.assessments import store_assessment
from planner.record.plans import get_plan, latest_plan
from planner.record.visits import assessments_for
from planner.ui.binding import CARRIED_SIGN
from planner.ui.colours import CARRIED
from planner.ui.plan_review import ItemIdRole
from tests.conftest import load_example
from tests.ui.clinician import exported, sign_through_dialog

FIRST = "2026-11-20"


def row_text(review: Any, item_id: str) -> tuple[str, str]:
    model = review.model
    for section in range(model.rowCount()):
        head = model.item(section)
        for row in range(head.rowCount()):
            child = head.child(row)
            if child.data(ItemIdRole) == item_id:
                return child.text(), child.accessibleText()
    raise AssertionError(item_id)


def first_visit(window: Any, monkeypatch: Any) -> None:
    """Visit 1, decided through the Plan tab's widgets, then signed."""
    stored = store_assessment(window.database, load_example("neoplastic-after-radiation"))
    window.patient_model.reload()
    window.select_patient(stored.patient_id)
    review = window.plan_review
    monkeypatch.setattr(review, "ask_reason", lambda _title: ("has a rollator of his own", True))
    review.select_item("clinic-aid-walker")
    index = review.tree.currentIndex()
    review.model.itemFromIndex(index).setCheckState(Qt.CheckState.Unchecked)
    review.select_item("clinic-ot-chair")
    review.patient_text.text.setPlainText("Use the tall kitchen chair to stand up.")
    review.patient_text.apply_button.click()
    monkeypatch.setattr(review.exercises, "ask_reason", lambda _name: ("walks with the physiotherapist", True))
    row = review.exercises.model.row_of("ex-walking")
    review.exercises.model.setData(
        review.exercises.model.index(row, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
    )
    review.exercises.select("ex-bridge")
    review.exercises.spins["sets"].setValue(3)
    review.exercises.apply_dosage.click()
    equipment = review.equipment.model
    checked = Qt.CheckState.Checked
    equipment.setData(equipment.index(equipment.row_of("eq-reacher"), 3), checked, Qt.ItemDataRole.CheckStateRole)
    equipment.setData(equipment.index(equipment.row_of("eq-walker"), 4), checked, Qt.ItemDataRole.CheckStateRole)
    monkeypatch.setattr(review, "item_dialog", lambda *_a: ("pt", "Pool therapy on Tuesdays", "", "Go to the pool."))
    review.add_button.click()
    assert window.save()
    seen = sign_through_dialog(window, monkeypatch, tick=False)
    assert seen["question"] == "" and window.session.signed


def test_decisions_and_values_carry_over_across_three_visits(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    first_visit(window, monkeypatch)
    first = window.session.record
    assert first.edits.equipment == {"eq-reacher": "issued", "eq-walker": "owned"}

    # --- visit 2: starts from visit 1 -------------------------------------------------------------------
    window.new_assessment()
    session, editor = window.session, window.editor
    assert session.value(("pain", "nrs")) is None  # today's to record
    etiology = editor.binder.widget(("history", "etiology"))
    assert CARRIED["review"][1] in etiology.styleSheet()
    assert "Carried forward from the visit of 20 Nov 2026" in etiology.accessibleDescription()
    label, text = editor.binder.labels[("history", "etiology")]
    assert label.text() == f"{CARRIED_SIGN} {text}"
    assert editor.carried.isVisibleTo(editor) and "from the visit of 20 Nov 2026" in editor.carried_text.text()
    assessed = editor.binder.widget(("assessed_on",))
    assert CARRIED["review"][1] not in assessed.edit.styleSheet()  # today's date is not carried
    session.set_value(("assessed_on",), "2026-11-27")
    session.set_value(("pain", "nrs"), 5)
    # Changing a value ends its mark only; undo brings the value and the mark back.
    grade = editor.binder.widget(("strength", "hip_flexion", "right"))
    assert CARRIED["review"][1] in grade.styleSheet()
    session.set_value(("strength", "hip_flexion", "right"), 5, "Set grade")
    assert CARRIED["review"][1] not in grade.styleSheet() and grade.accessibleDescription() == ""
    assert CARRIED["review"][1] in editor.binder.widget(("strength", "hip_extension", "right")).styleSheet()
    window.undo()
    assert CARRIED["review"][1] in grade.styleSheet() and session.value(("strength", "hip_flexion", "right")) == 4
    window.redo()
    # Confirming the values of one page: the history page's marks are confirmed, the strength grid's stay.
    editor.tabs.setCurrentIndex(0)
    editor.confirm_page()
    assert CARRIED["review"][1] not in etiology.styleSheet() and label.text() == text
    assert CARRIED["review"][1] in editor.binder.widget(("strength", "hip_extension", "right")).styleSheet()
    editor.binder.confirm([("function", "ambulation")])  # one field (its context menu's action)
    assert CARRIED["review"][1] not in editor.binder.widget(("function", "ambulation")).styleSheet()

    review = window.plan_review
    window.tabs.setCurrentIndex(1)
    text, spoken = row_text(review, "clinic-aid-walker")
    assert text.startswith(CARRIED_SIGN) and "(excluded: has a rollator of his own)" in text
    assert "(carried over from the visit of 20 Nov 2026: review)" in text and "carried over" in spoken
    assert "carried over from the last visit to review" in review.banner.text()
    # The excluded item's detail says why it is out and that the decision came over, above the documents' text.
    assert review.select_item("clinic-aid-walker")
    detail = review.evidence.toPlainText()
    assert "Carried over from the visit of 20 Nov 2026: review. Confirm it on the Review tab" in detail
    assert "Excluded from this plan: has a rollator of his own." in detail
    drafted = next(i for s in session.content["sections"] for i in s["items"] if i["id"] == "clinic-aid-walker")
    assert drafted["detail"][:40] in detail and "[1]" in detail  # its detail and its cited passage
    entries = {entry.key: entry for entry in review.review.model.entries()}
    for key in (
        "excluded:clinic-aid-walker",
        "patient_text:clinic-ot-chair",
        "added:clinician-1",
        "exercise_excluded:ex-walking",
        "dosage:ex-bridge",
        "equipment:eq-reacher",
        "equipment:eq-walker",
        "value:strength.hip_extension.right",
    ):
        assert entries[key].to_review and entries[key].visit == FIRST, key
    assert "value:history.etiology" in entries and not entries["value:history.etiology"].to_review  # confirmed
    assert "value:strength.hip_flexion.right" not in entries  # changed: this visit's own value
    listed = [review.review.model.index(r, 0).data() for r in range(review.review.model.rowCount())]
    assert any(line.startswith(f"{CARRIED_SIGN} Reacher — issued · carried over from the visit") for line in listed)
    assert f"{CARRIED_SIGN} Right hip extension — 3 · carried over from the visit of 20 Nov 2026: review" in listed
    assert f"{CARRIED_SIGN} Sites — buttock, thigh · carried over from the visit of 20 Nov 2026: review" in listed
    assert (
        f"{CARRIED_SIGN} Left leg — 22, 24.5, 31, 35.5, 42, 48 cm · carried over from the visit of 20 Nov 2026: review"
        in listed
    )
    assert review.pages.tabText(review.pages.indexOf(review.review)).startswith("&Review (")
    # The plan is the previous one as the clinician left it.
    plan = session.plan
    assert [e["id"] for e in plan["excluded"]] == ["clinic-aid-walker"]
    assert next(c for c in plan["exercises"] if c["id"] == "ex-bridge")["dosage"]["sets"] == 3
    # Confirm one decision on the Review page; change another where it is shown (the dosage).
    assert review.review.select("equipment:eq-reacher")
    review.review.confirm_button.click()
    assert session.edits.carried["equipment:eq-reacher"].confirmed
    review.exercises.select("ex-bridge")
    review.exercises.spins["sets"].setValue(2)
    review.exercises.spins["reps"].setValue(12)
    review.exercises.apply_dosage.click()
    assert "dosage:ex-bridge" not in session.edits.carried
    # Go to a value from the list: the Assessment tab, on its field.
    review.review.goTo.emit(entries["value:strength.hip_extension.right"])
    assert window.tabs.currentIndex() == 0 and editor.tabs.currentIndex() == 1
    window.tabs.setCurrentIndex(1)

    # Save and reopen in a new window over the same file: the marks are stored with the plan version.
    assert window.save()
    second_id = window.session.record.id
    waiting = set(unconfirmed(window.session.edits))
    window = restart(window)
    assert window.session.record.id == second_id
    assert set(unconfirmed(window.session.edits)) == waiting
    assert row_text(window.plan_review, "clinic-aid-walker")[0].startswith(CARRIED_SIGN)
    assert CARRIED["review"][1] in window.editor.binder.widget(("strength", "hip_extension", "right")).styleSheet()
    # Signing asks: the Sign button waits for the box; left unticked, nothing is signed.
    seen = sign_through_dialog(window, monkeypatch, tick=False)
    assert seen["question"].startswith(f"Con&firm the {len(waiting)} decisions and values carried over")
    assert "from the visit of 20 Nov 2026" in seen["question"] and not seen["enabled"]
    assert not window.session.signed
    seen = sign_through_dialog(window, monkeypatch, tick=True)
    assert "refused" not in seen, seen["refused"]
    assert window.session.signed
    second = get_plan(window.database, second_id)
    assert second.signed and not unconfirmed(second.edits) and second.edits.carried
    # Visit 2's handout and plan print visit 1's decisions as confirmed, and visit 2's own change.
    handout = exported(window, monkeypatch, tmp_path / "2", handout=True)
    assert "Use the tall kitchen chair to stand up." in handout and "Go to the pool." in handout
    assert "Reacher" in handout and "We gave you this" in handout and "Walking practice" not in handout
    assert "2 sets of 12" in handout
    plan = exported(window, monkeypatch, tmp_path / "2", handout=False)
    assert "Walker for walking" in plan and "has a rollator of his own" in plan
    assert "Walking practice (home exercise): walks with the physiotherapist" in plan

    # --- visit 3: starts from visit 2, with its date; the walker item is gone from the plan --------------
    window.new_assessment()
    session = window.session
    marks = {key: mark for key, mark in session.edits.carried.items() if not key.startswith("value:")}
    assert {mark.visit for mark in marks.values()} == {"2026-11-27"}
    assert not any(mark.confirmed for mark in marks.values())
    assert session.edits.dosage["ex-bridge"] == DosageChange(reps=12)  # 2 sets: the document's again
    session.set_value(("pain", "nrs"), 4)
    session.set_value(("function", "ambulation"), "non_ambulatory")  # a wheelchair now: no walker item
    window.tabs.setCurrentIndex(1)
    review = window.plan_review
    gone = [entry for entry in review.review.model.entries() if not entry.present]
    # The documents offer no walker, walking practice, walking frame or sit-to-stand chair to a patient who does
    # not walk (clinic.md: ``ambulation != 'non_ambulatory'``): the four decisions about them are listed.
    assert [entry.key for entry in gone] == [
        "excluded:clinic-aid-walker",
        "patient_text:clinic-ot-chair",
        "exercise_excluded:ex-walking",
        "equipment:eq-walker",
    ]
    line = review.review.model.index(0, 0).data()
    assert line == (
        f"{CARRIED_SIGN} Not in this plan any more: Walker for walking — excluded: has a rollator of his own · "
        "carried over from the visit of 27 Nov 2026: review"
    )
    background = review.review.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color().name()
    assert background == CARRIED["gone"][1]  # told apart from the decisions still in the plan
    assert review.review.model.index(4, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == CARRIED["review"][1]
    assert review.review.select("excluded:clinic-aid-walker")
    assert review.review.drop_button.isEnabled()
    review.review.drop_button.click()
    assert "clinic-aid-walker" not in session.edits.excluded
    window.undo()
    assert session.edits.excluded["clinic-aid-walker"] == "has a rollator of his own"  # undoable
    assert len(assessments_for(window.database, first.patient_id)) == 2  # visit 3 not saved yet
    # Signing waits for the review; confirmed on the Review page, nothing is left to ask.
    assert "refused" not in sign_through_dialog(window, monkeypatch, tick=False) and not session.signed
    review.review.confirm_all_button.click()
    assert not unconfirmed(session.edits) and session.edits.carried  # confirmed marks stay: from visit 2
    assert window.save()
    window = restart(window)
    seen = sign_through_dialog(window, monkeypatch)
    assert seen["question"] == "" and "refused" not in seen and window.session.signed
    third = window.session.record
    assert third.id not in (first.id, second_id) and third.edits.excluded == second.edits.excluded
    assert {mark.visit for key, mark in third.edits.carried.items() if not key.startswith("value:")} == {"2026-11-27"}
    handout = exported(window, monkeypatch, tmp_path / "3", handout=True)
    assert "Go to the pool." in handout and "We gave you this" in handout and "2 sets of 12" in handout
    assert "Use the tall kitchen chair to stand up." not in handout  # its item is not in this plan


def test_a_first_assessment_carries_nothing(window: Any) -> None:
    from planner.record.patients import save_patient

    save_patient(window.database, "N-1", "New Patient", new=True)
    window.patient_model.reload()
    window.select_patient("N-1")
    window.new_assessment()
    assert window.session.edits.carried == {}
    assert not window.editor.carried.isVisibleTo(window.editor)


def test_a_carried_dosage_set_again_through_the_core_ends_its_mark(window: Any, monkeypatch: Any) -> None:
    """The session's edits follow the same pure functions as the widgets (no path bypasses the marks)."""
    first_visit(window, monkeypatch)
    window.new_assessment()
    session = window.session
    session.set_edits(set_dosage(session.edits, "ex-bridge", DosageChange(sets=4)), "Change the dosage")
    assert "dosage:ex-bridge" not in session.edits.carried
    latest = latest_plan(window.database, assessments_for(window.database, "MRN-0042")[0].id)
    assert latest.signed
