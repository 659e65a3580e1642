"""The clinician's decisions in the Plan tab, each through the real widgets: an item's patient text, a free-text
item's, exercise cards added (or refused while the safety screen holds them), taken out with a reason, moved and
given a dosage, equipment ticked, the next appointment. Each is undone and redone, saved, opened again in a new
window over new connections to the same SQLite file (as after a restart), signed there, and exported: the handout
and the clinician plan, read back from the PDF files (pypdf and pdftotext), print it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from planner.record.assessments import store_assessment
from planner.record.plans import get_plan
from planner.ui.plan_models import EquipmentModel
from tests.conftest import load_example
from tests.ui.clinician import PdfText, exported, sign_through_dialog


def open_patient(window: Any, pain: dict[str, Any] | None = None, **history: Any) -> Any:
    assessment = load_example("neoplastic-after-radiation")
    assessment["history"] |= history
    assessment["pain"] |= pain or {}
    stored = store_assessment(window.database, assessment)
    window.patient_model.reload()
    assert window.select_patient(stored.patient_id)
    window.tabs.setCurrentIndex(1)
    return window.plan_review


def plan_item(review: Any, item_id: str) -> dict[str, Any]:
    return next(i for s in review.session.plan["sections"] for i in s["items"] if i["id"] == item_id)


def card(review: Any, exercise_id: str) -> dict[str, Any] | None:
    return next((c for c in review.session.plan["exercises"] if c["id"] == exercise_id), None)


def save_and_restart(window: Any, restart: Any) -> Any:
    """Save, then open the stored version in a new window over the same database file; its Plan tab."""
    assert window.save()
    return restart(window)


def sign_and_export(window: Any, monkeypatch: Any, folder: Path) -> tuple[PdfText, PdfText]:
    """Sign (nothing carried over to confirm) and export the handout and the clinician plan."""
    seen = sign_through_dialog(window, monkeypatch, name="Dr. Ana Ruiz", credentials="PT, DPT")
    assert seen["question"] == "" and "refused" not in seen and window.session.signed
    handout = exported(window, monkeypatch, folder, handout=True)
    return handout, exported(window, monkeypatch, folder, handout=False)


def test_an_items_patient_text_is_edited_undone_saved_reopened_and_signed(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    review = open_patient(window)
    assert review.select_item("clinic-ot-chair")
    box = review.patient_text
    generated = plan_item(review, "clinic-ot-chair")["handout"]
    assert generated in box.generated.text() and box.text.toPlainText() == generated  # shown for reference
    box.text.setPlainText("Use the tall kitchen chair to stand up.")
    box.apply_button.click()
    item = plan_item(review, "clinic-ot-chair")
    assert item["handout"] == "Use the tall kitchen chair to stand up." and item["handout_edited"]
    assert generated in box.generated.text()  # the documents' text stays in view
    assert review.session.undo_stack.undoText() == "Set patient text"
    window.undo()
    assert plan_item(review, "clinic-ot-chair")["handout"] == generated
    window.redo()
    window = save_and_restart(window, restart)
    review = window.plan_review
    assert plan_item(review, "clinic-ot-chair")["handout"] == "Use the tall kitchen chair to stand up."
    review.select_item("clinic-ot-chair")
    assert review.patient_text.text.toPlainText() == "Use the tall kitchen chair to stand up."
    assert review.patient_text.restore_button.isEnabled()
    handout, plan = sign_and_export(window, monkeypatch, tmp_path)
    assert "Use the tall kitchen chair to stand up." in handout and generated not in handout
    assert "Patient text: Use the tall kitchen chair to stand up." in plan
    # Signed: read-only; the text cannot be applied any more.
    review.select_item("clinic-ot-chair")
    assert not review.patient_text.apply_button.isEnabled() and review.patient_text.text.isReadOnly()


def test_going_back_to_the_generated_text(window: Any) -> None:
    review = open_patient(window)
    review.select_item("clinic-aid-walker")
    generated = plan_item(review, "clinic-aid-walker")["handout"]
    review.patient_text.text.setPlainText("Use the red walker we lent you.")
    review.patient_text.apply_button.click()
    assert plan_item(review, "clinic-aid-walker")["handout_edited"]
    review.patient_text.restore_button.click()
    assert plan_item(review, "clinic-aid-walker")["handout"] == generated
    assert "handout_edited" not in plan_item(review, "clinic-aid-walker")
    assert "clinic-aid-walker" not in review.session.edits.handout


def test_a_free_text_item_gets_a_patient_text_and_reaches_the_handout(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    review = open_patient(window)
    monkeypatch.setattr(
        review, "item_dialog", lambda *_a: ("pt", "Pool therapy on Tuesdays", "", "Go to the pool on Tuesdays at 10.")
    )
    review.add_button.click()
    item = plan_item(review, "clinician-1")
    assert item["source"] == "clinician" and item["handout"] == "Go to the pool on Tuesdays at 10."
    review.select_item("clinician-1")
    assert "free-text item of yours" in review.patient_text.generated.text()
    review.patient_text.text.setPlainText("Go to the pool on Thursdays at 10.")
    review.patient_text.apply_button.click()
    assert plan_item(review, "clinician-1")["handout"] == "Go to the pool on Thursdays at 10."
    window = save_and_restart(window, restart)
    assert plan_item(window.plan_review, "clinician-1")["handout"] == "Go to the pool on Thursdays at 10."
    handout, plan = sign_and_export(window, monkeypatch, tmp_path)
    assert "Go to the pool on Thursdays at 10." in handout and "Tuesdays" not in handout
    assert "Pool therapy on Tuesdays" in plan


def test_an_exercise_is_added_from_the_library_and_refused_while_the_screen_holds_it(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    review = open_patient(window)
    page = review.exercises
    review.pages.setCurrentWidget(page)
    chosen: dict[str, Any] = {}

    def run(dialog: Any) -> Any:
        assert dialog.choose(chosen["id"])
        dialog.accept()
        chosen["message"] = dialog.message.text() if dialog.message.isVisibleTo(dialog) else ""
        chosen["choices"] = [dialog.choices.item(r).text() for r in range(dialog.choices.rowCount())]
        return dialog.entry if dialog.result() == QDialog.DialogCode.Accepted else None

    monkeypatch.setattr(page, "run_add_dialog", run)
    chosen["id"] = "ex-heel-slides"  # not offered for this patient (no grade-2 hip or knee): added by hand
    assert card(review, "ex-heel-slides") is None
    page.add_button.click()
    added = card(review, "ex-heel-slides")
    assert added is not None and added["source"] == "clinician" and chosen["message"] == ""
    assert page.current_card()["id"] == "ex-heel-slides"
    assert page.figure.drawing() is not None  # its picture, drawn by the figure backend
    assert review.session.undo_stack.undoText() == "Add an exercise"
    window.undo()
    assert card(review, "ex-heel-slides") is None
    window.redo()
    assert card(review, "ex-heel-slides") is not None
    heel_slides = card(review, "ex-heel-slides")["name"]
    window = save_and_restart(window, restart)
    review = window.plan_review
    page = review.exercises
    monkeypatch.setattr(page, "run_add_dialog", run)
    assert card(review, "ex-heel-slides")["source"] == "clinician"
    number = [c["id"] for c in review.session.plan["exercises"]].index("ex-heel-slides") + 1
    assert f"Exercise {number}: {heel_slides}" in exported(window, monkeypatch, tmp_path, handout=True)
    # The same patient with a DVT recorded: the screen holds the exercise; adding it is refused with the reason.
    window.session.set_value(("history", "dvt"), True)
    assert card(review, "ex-heel-slides") is None  # the earlier decision does not put it back
    held = next(h for h in review.session.plan["held"] if h["id"] == "ex-heel-slides")
    assert held["reason"] == "an acute DVT is recorded"
    chosen["id"] = "ex-seated-march"
    before = review.session.edits.to_json()
    page.add_button.click()
    assert chosen["message"] == (
        "Not added. Knee lifts in sitting: held back by the safety screen (an acute DVT is recorded)"
    )
    assert review.session.edits.to_json() == before
    assert any(
        "Knee lifts in sitting" in text and "held back by the safety screen" in text for text in chosen["choices"]
    )


def test_a_card_is_taken_out_with_a_reason_and_put_back(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    review = open_patient(window)
    page = review.exercises
    review.pages.setCurrentWidget(page)
    monkeypatch.setattr(page, "ask_reason", lambda _name: ("walks with the physiotherapist", True))
    row = page.model.row_of("ex-walking")
    page.model.setData(page.model.index(row, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert card(review, "ex-walking") is None
    assert review.session.plan["excluded_exercises"] == [
        {"id": "ex-walking", "name": "Walking practice", "reason": "walks with the physiotherapist"}
    ]
    row = page.model.row_of("ex-walking")
    assert "(taken out: walks with the physiotherapist)" in page.model.index(row, 0).data()
    assert page.model.index(row, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    page.select("ex-walking")
    assert "Taken out" in page.about.text() and page.figure.drawing() is not None  # its picture still shown
    # Cancelling the reason takes nothing out.
    monkeypatch.setattr(page, "ask_reason", lambda _name: ("", False))
    row = page.model.row_of("ex-bridge")
    page.model.setData(page.model.index(row, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert card(review, "ex-bridge") is not None
    row = page.model.row_of("ex-walking")
    page.model.setData(page.model.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert card(review, "ex-walking") is not None
    window.undo()
    assert card(review, "ex-walking") is None
    window = save_and_restart(window, restart)
    assert card(window.plan_review, "ex-walking") is None
    assert window.session.edits.exercise_excluded == {"ex-walking": "walks with the physiotherapist"}
    handout, plan = sign_and_export(window, monkeypatch, tmp_path)
    assert "Walking practice" not in handout and "Bridge" in handout
    assert "Walking practice (home exercise): walks with the physiotherapist" in plan


def test_cards_are_reordered_and_the_handout_follows(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    review = open_patient(window)
    page = review.exercises
    review.pages.setCurrentWidget(page)
    before = page.model.kept_ids()
    page.select(before[2])
    page.up_button.click()
    after = page.model.kept_ids()
    assert after[1] == before[2] and after[2] == before[1]
    assert page.current_card()["id"] == before[2]  # the moved card stays current
    page.down_button.click()
    page.down_button.click()
    assert page.model.kept_ids()[3] == before[2]
    window.undo()
    window.undo()
    assert page.model.kept_ids() == after
    window = save_and_restart(window, restart)
    assert window.plan_review.exercises.model.kept_ids() == after
    assert [c["id"] for c in window.session.plan["exercises"]] == after
    names = [c["name"] for c in window.session.plan["exercises"]]
    handout, _plan = sign_and_export(window, monkeypatch, tmp_path)
    positions = [handout.position(f"Exercise {number}: {name}") for number, name in enumerate(names, 1)]
    assert positions == sorted(positions)


def test_a_dosage_is_changed_back_to_the_documents_and_printed(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    review = open_patient(window)
    page = review.exercises
    review.pages.setCurrentWidget(page)
    page.select("ex-bridge")
    assert page.spins["sets"].value() == 2 and page.spins["reps"].value() == 10
    assert page.spins["rest_seconds"].text() == "—"  # the document gives no rest
    page.spins["sets"].setValue(3)
    page.spins["reps"].setValue(8)
    page.times.setValue(1)
    page.note.setText("On the bed, not the floor.")
    page.apply_dosage.click()
    bridge = card(review, "ex-bridge")
    assert bridge["dosage"]["text"] == "3 sets of 8 · hold 3 seconds · once a day"
    assert bridge["note"] == "On the bed, not the floor." and bridge["generated_dosage"]["sets"] == 2
    assert review.session.edits.dosage["ex-bridge"].to_json() == {
        "sets": 3,
        "reps": 8,
        "times": 1,
        "per": "day",
        "note": "On the bed, not the floor.",
    }  # only what differs from the document's, and the note
    assert "[dosage set by you]" in page.model.index(page.model.row_of("ex-bridge"), 0).data()
    assert page.document_dosage.isEnabled()
    window.undo()
    assert "generated_dosage" not in card(review, "ex-bridge")
    window.redo()
    window = save_and_restart(window, restart)
    review = window.plan_review
    assert card(review, "ex-bridge")["dosage"]["text"] == "3 sets of 8 · hold 3 seconds · once a day"
    review.exercises.select("ex-bridge")
    assert review.exercises.spins["sets"].value() == 3 and review.exercises.note.text() == "On the bed, not the floor."
    handout, plan = sign_and_export(window, monkeypatch, tmp_path)
    assert "3 sets of 8" in handout and "On the bed, not the floor." in handout
    assert "Your therapist set this for you." in handout
    assert "3 sets of 8" in plan
    review.pages.setCurrentWidget(review.exercises)
    review.exercises.select("ex-bridge")
    assert not review.exercises.dosage_box.isEnabled()  # signed: read-only


def test_the_documents_dosage_again(window: Any) -> None:
    review = open_patient(window)
    page = review.exercises
    page.select("ex-bridge")
    page.spins["hold_seconds"].setValue(10)
    page.apply_dosage.click()
    assert card(review, "ex-bridge")["dosage"]["hold_seconds"] == 10
    page.document_dosage.click()
    assert card(review, "ex-bridge")["dosage"]["hold_seconds"] == 3 and "ex-bridge" not in review.session.edits.dosage


def test_equipment_is_ticked_one_decision_per_item_and_printed_with_its_status(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    review = open_patient(window)
    page = review.equipment
    review.pages.setCurrentWidget(page)
    model = page.model
    columns = {status: column for column, status in EquipmentModel.STATUS_COLUMNS.items()}

    def tick(equipment_id: str, status: str, on: bool = True) -> None:
        index = model.index(model.row_of(equipment_id), columns[status])
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
        model.setData(index, state, Qt.ItemDataRole.CheckStateRole)

    def status(equipment_id: str) -> str | None:
        return next(e["status"] for e in review.session.plan["equipment"] if e["id"] == equipment_id)

    tick("eq-reacher", "recommended")
    assert status("eq-reacher") == "recommended"
    tick("eq-reacher", "issued")  # another column replaces the decision
    assert status("eq-reacher") == "issued"
    checks = [model.index(model.row_of("eq-reacher"), c).data(Qt.ItemDataRole.CheckStateRole) for c in columns.values()]
    assert checks.count(Qt.CheckState.Checked) == 1
    tick("eq-tub-bench", "not_needed")
    tick("eq-walker", "owned")
    tick("eq-sock-aid", "recommended")
    tick("eq-sock-aid", "recommended", on=False)  # unticking the chosen one: suggested only again
    assert status("eq-sock-aid") is None
    window.undo()
    assert status("eq-sock-aid") == "recommended"
    window.redo()
    window = save_and_restart(window, restart)
    review = window.plan_review
    assert review.session.edits.equipment == {
        "eq-reacher": "issued",
        "eq-tub-bench": "not_needed",
        "eq-walker": "owned",
    }
    reacher = review.equipment.model.index(review.equipment.model.row_of("eq-reacher"), columns["issued"])
    assert reacher.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    handout, plan = sign_and_export(window, monkeypatch, tmp_path)
    assert "Reacher" in handout and "We gave you this" in handout
    assert "You already have this" in handout and "Bath bench" not in handout
    assert "Sock aid" not in handout
    assert "Issued: Reacher" in plan and "Not needed: Bath bench" in plan
    index = review.equipment.model.index(0, 2)
    assert not review.equipment.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable  # signed


def test_the_next_appointment_is_set_undone_and_printed(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    review = open_patient(window)
    field = review.next_appointment
    field.edit.setFocus()
    field.edit.setText("")
    from PySide6.QtTest import QTest

    QTest.keyClicks(field.edit, "15/12/2026")
    field.edit.editingFinished.emit()
    assert review.session.plan["next_appointment"] == "2026-12-15"
    assert review.session.undo_stack.undoText() == "Set the next appointment"
    window.undo()
    assert "next_appointment" not in review.session.plan
    window.redo()
    window = save_and_restart(window, restart)
    review = window.plan_review
    assert review.next_appointment.edit.text() == "15 Dec 2026"
    handout, plan = sign_and_export(window, monkeypatch, tmp_path)
    assert "Your next appointment" in handout and "15 December 2026" in handout
    assert "Next appointment 2026-12-15" in plan
    assert review.next_appointment.isReadOnly()


def test_the_next_appointment_is_prefilled_from_the_follow_up_schedule_as_a_suggestion(
    window: Any, restart: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    """The plan's next dated check-up (the 2-week review of the first opioid, after the visit of 20 Nov 2026)
    fills the field as a suggestion: tinted, in italics, with "Use this date". Passing through the field or
    saving decides nothing; accepting it (the button, or Enter) or typing another date makes it the clinician's
    appointment."""
    from PySide6.QtTest import QTest

    from planner.ui.plan_review import PlanReview

    monkeypatch.setattr(PlanReview, "today", staticmethod(lambda: date(2026, 11, 20)))
    review = open_patient(window)
    field, accept = review.next_appointment, review.accept_appointment
    assert field.edit.text() == "4 Dec 2026" and field.edit.font().italic()
    assert accept.isVisible() and "Suggested from the follow-up schedule" in field.edit.toolTip()
    assert "next_appointment" not in review.session.plan and not review.session.edits.next_appointment
    commands = review.session.undo_stack.count()
    field.edit.setFocus()
    field.edit.editingFinished.emit()  # tabbing through the field
    assert review.session.undo_stack.count() == commands and "next_appointment" not in review.session.plan
    window = save_and_restart(window, restart)  # an untouched suggestion is not stored
    review = window.plan_review
    field, accept = review.next_appointment, review.accept_appointment
    assert "next_appointment" not in review.session.plan and field.edit.text() == "4 Dec 2026" and accept.isVisible()
    accept.click()
    assert review.session.plan["next_appointment"] == "2026-12-04"
    assert review.session.undo_stack.undoText() == "Set the next appointment"
    assert not accept.isVisible() and not field.edit.font().italic()
    window.undo()
    assert "next_appointment" not in review.session.plan and accept.isVisible()  # a suggestion again
    field.edit.setFocus()
    QTest.keyClick(field.edit, Qt.Key.Key_Return)  # Enter accepts it as well
    assert review.session.plan["next_appointment"] == "2026-12-04" and not accept.isVisible()
    window.undo()
    field.edit.setFocus()
    field.edit.selectAll()
    QTest.keyClicks(field.edit, "23/12/2026")  # a date of the clinician's own
    assert not accept.isVisible()
    field.edit.editingFinished.emit()
    assert review.session.plan["next_appointment"] == "2026-12-23"
    handout, _plan = sign_and_export(window, monkeypatch, tmp_path)
    assert "Your next appointment" in handout and "23 December 2026" in handout
    assert not accept.isVisible()  # signed: no suggestion on a read-only plan


def test_no_suggestion_without_a_dated_check_up_ahead(window: Any, monkeypatch: Any) -> None:
    """In palliative care the review is agreed with the patient (no date): nothing is suggested; nor, on a later
    day, once every dated check-up has passed. (The pain is controlled here: a first opioid would bring its dated
    2-week review, palliative care or not, R12n-02.)"""
    from planner.ui.plan_review import PlanReview

    monkeypatch.setattr(PlanReview, "today", staticmethod(lambda: date(2026, 11, 20)))
    review = open_patient(window, pain={"nrs": 3}, palliative=True)
    assert review.next_appointment.edit.text() == "" and not review.accept_appointment.isVisible()
    monkeypatch.setattr(PlanReview, "today", staticmethod(lambda: date(2028, 1, 1)))
    review = open_patient(window)
    assert review.next_appointment.edit.text() == "" and not review.accept_appointment.isVisible()


def test_a_stored_patient_text_decision_opens_in_the_plan_view(window: Any) -> None:
    """A plan whose only change to an item is its patient text (no rewording) shows that item's detail: the
    detail pane once read the generated title of any edited item and failed on this one."""
    from planner.edits import PlanEdits, set_patient_text

    stored = store_assessment(
        window.database,
        load_example("neoplastic-after-radiation"),
        set_patient_text(PlanEdits(), "clinic-ot-chair", "Use the tall kitchen chair."),
    )
    window.patient_model.reload()
    window.select_patient(stored.patient_id)
    window.tabs.setCurrentIndex(1)
    assert window.plan_review.select_item("clinic-ot-chair")
    QApplication.processEvents()
    assert "Chair with armrests" in window.plan_review.evidence.toPlainText()
    assert get_plan(window.database, stored.plan_id).edits.handout


def test_every_decision_is_one_undo_step_calling_one_edit_function(window: Any, monkeypatch: Any) -> None:
    """Undo texts of the decisions, one step each, and the stack's clean state after save."""
    review = open_patient(window)
    steps = review.session.undo_stack
    review.select_item("clinic-ot-chair")
    review.patient_text.text.setPlainText("Tall chair.")
    review.patient_text.apply_button.click()
    review.equipment.model.setData(
        review.equipment.model.index(review.equipment.model.row_of("eq-reacher"), 3),
        Qt.CheckState.Checked,
        Qt.ItemDataRole.CheckStateRole,
    )
    review.exercises.select("ex-bridge")
    review.exercises.spins["sets"].setValue(4)
    review.exercises.apply_dosage.click()
    assert [steps.text(i) for i in range(steps.count())] == [
        "Set patient text",
        "Equipment decision",
        "Change the dosage",
    ]
    assert window.save() and steps.isClean()
