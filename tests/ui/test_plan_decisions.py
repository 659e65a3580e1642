"""The clinician's decisions in the Plan tab, each through the real widgets: an item's patient text, a free-text
item's, exercise cards added (or refused while the safety screen holds them), taken out with a reason, moved and
given a dosage, equipment ticked, the next appointment. Each is undone and redone, saved and reopened, and
signed: the signed handout and clinician plan print it."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from planner.records import get_plan, store_assessment
from planner.ui.plan_models import EquipmentModel
from planner.ui.plan_review import SignDialog
from tests.conftest import load_example


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    return squash(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


def open_patient(window: Any, **history: Any) -> Any:
    assessment = load_example("neoplastic-after-radiation")
    assessment["history"] |= history
    stored = store_assessment(window.database, assessment)
    window.patient_model.reload()
    assert window.select_patient(stored.patient_id)
    window.tabs.setCurrentIndex(1)
    return window.plan_review


def plan_item(review: Any, item_id: str) -> dict[str, Any]:
    return next(i for s in review.session.plan["sections"] for i in s["items"] if i["id"] == item_id)


def card(review: Any, exercise_id: str) -> dict[str, Any] | None:
    return next((c for c in review.session.plan["exercises"] if c["id"] == exercise_id), None)


def sign(window: Any, monkeypatch: Any, *, confirm: bool | None = None) -> Any:
    """Sign through the sign dialog; ``confirm`` ticks (or leaves) its carried-over box, which must be shown."""
    seen: dict[str, Any] = {}

    def run(dialog: SignDialog) -> int:
        seen["carried"] = dialog.confirm_carried.isVisibleTo(dialog)
        seen["question"] = dialog.confirm_carried.text()

        button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        seen["enabled_before"] = button.isEnabled()
        if confirm:
            dialog.confirm_carried.setChecked(True)
        seen["enabled_after"] = button.isEnabled()
        dialog.name.setText("Dr. Ana Ruiz")
        dialog.credentials.setText("PT, DPT")
        return int(QDialog.DialogCode.Accepted) if button.isEnabled() else int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(window, "run_sign_dialog", run)
    window.sign()
    return seen


def reopen(window: Any) -> Any:
    """Open the stored plan version again, as after a restart."""
    record_id = window.session.record.id
    window.open_plan(record_id)
    window.tabs.setCurrentIndex(1)
    return window.plan_review


def test_an_items_patient_text_is_edited_undone_saved_reopened_and_signed(window: Any, monkeypatch: Any) -> None:
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
    assert window.save()
    review = reopen(window)
    assert plan_item(review, "clinic-ot-chair")["handout"] == "Use the tall kitchen chair to stand up."
    review.select_item("clinic-ot-chair")
    assert review.patient_text.text.toPlainText() == "Use the tall kitchen chair to stand up."
    assert review.patient_text.restore_button.isEnabled()
    seen = sign(window, monkeypatch)
    assert seen["carried"] is False and window.session.signed
    assert squash("Use the tall kitchen chair to stand up.") in pdf_text(window._render(True))
    assert squash("Patient text: Use the tall kitchen chair to stand up.") in pdf_text(window._render(False))
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


def test_a_free_text_item_gets_a_patient_text_and_reaches_the_handout(window: Any, monkeypatch: Any) -> None:
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
    assert squash("Go to the pool on Thursdays at 10.") in pdf_text(window._render(True))


def test_an_exercise_is_added_from_the_library_and_refused_while_the_screen_holds_it(
    window: Any, monkeypatch: Any
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


def test_a_card_is_taken_out_with_a_reason_and_put_back(window: Any, monkeypatch: Any) -> None:
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
    assert squash("Walking practice") not in pdf_text(window._render(True))
    clinician = pdf_text(window._render(False))
    assert squash("Walking practice (home exercise): walks with the physiotherapist") in clinician


def test_cards_are_reordered_and_the_handout_follows(window: Any) -> None:
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
    names = [c["name"] for c in review.session.plan["exercises"]]
    text = pdf_text(window._render(True))
    positions = [text.index(squash(f"Exercise {number}: {name}")) for number, name in enumerate(names[:3], 1)]
    assert positions == sorted(positions)


def test_a_dosage_is_changed_back_to_the_documents_and_printed(window: Any, monkeypatch: Any) -> None:
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
    assert window.save()
    review = reopen(window)
    assert card(review, "ex-bridge")["dosage"]["text"] == "3 sets of 8 · hold 3 seconds · once a day"
    sign(window, monkeypatch)
    handout = pdf_text(window._render(True))
    assert squash("3 sets of 8") in handout and squash("On the bed, not the floor.") in handout
    assert squash("Your therapist set this for you.") in handout
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


def test_equipment_is_ticked_one_decision_per_item_and_printed_with_its_status(window: Any, monkeypatch: Any) -> None:
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
    assert window.save()
    review = reopen(window)
    assert review.session.edits.equipment == {
        "eq-reacher": "issued",
        "eq-tub-bench": "not_needed",
        "eq-walker": "owned",
    }
    sign(window, monkeypatch)
    handout = pdf_text(window._render(True))
    assert squash("Reacher") in handout and squash("We gave you this") in handout
    assert squash("You already have this") in handout and squash("Bath bench") not in handout
    assert squash("Sock aid") not in handout
    clinician = pdf_text(window._render(False))
    assert squash("Issued: Reacher") in clinician and squash("Not needed: Bath bench") in clinician
    index = review.equipment.model.index(0, 2)
    assert not review.equipment.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable  # signed


def test_the_next_appointment_is_set_undone_and_printed(window: Any, monkeypatch: Any) -> None:
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
    assert window.save()
    review = reopen(window)
    assert review.next_appointment.edit.text() == "15 Dec 2026"
    sign(window, monkeypatch)
    handout = pdf_text(window._render(True))
    assert squash("Your next appointment") in handout and squash("15 December 2026") in handout, handout[:400]
    assert squash("Next appointment 2026-12-15") in pdf_text(window._render(False))
    assert review.next_appointment.isReadOnly()


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
