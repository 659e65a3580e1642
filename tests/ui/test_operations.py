"""The operations layer (planner.ui.operations): each operation returns what it changed, against a real SQLite
file, and the window's views refresh themselves from the one change notification."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner.errors import UserError
from planner.record.assessments import store_assessment
from planner.record.patients import SimilarPatientError, count_rows, list_patients
from planner.storage.audit import entries
from planner.ui.operations.assessments import (
    add_demo_patient,
    amend_signed_plan,
    import_files,
    save_assessment,
    sign_shown_plan,
)
from planner.ui.operations.changes import OpChanges
from planner.ui.operations.export import export_context, export_plan_pdf
from planner.ui.operations.followup import set_followup_done
from planner.ui.operations.patients import create_patient, edit_patient, set_archived
from planner.ui.session import AssessmentSession
from tests.conftest import example_paths, load_example, make_assessment
from tests.ui.clinician import sign_through_dialog

TODAY = date(2026, 11, 12)


def person(patient_id: str, name: str, on: str) -> dict[str, Any]:
    """A visit with follow-up items: on 12 Nov 2026 one visit of 15 Sep has a reassessment overdue and a nerve
    study due."""
    return make_assessment(
        patient={"id": patient_id, "name": name},
        assessed_on=on,
        history={"onset": "2026-08-01"},
        strength={"knee_extension": {"right": 3}},
    )


def stored(patient_id: str) -> OpChanges:
    """What storing an assessment changes."""
    return OpChanges(patients=True, record=True, followup=True, patient_id=patient_id)


# --- each operation returns what it changed ------------------------------------------------------------------
def test_patient_operations_return_what_they_changed(db: Any) -> None:
    created = create_patient(db, "MRN-1", "Ada Lovelace", "1950-01-02", "female")
    patient = created.value.id
    assert created.changes == OpChanges(patients=True, patient_id=patient)
    assert [(p.id, p.name) for p in list_patients(db)] == [(patient, "Ada Lovelace")]
    with pytest.raises(SimilarPatientError):
        create_patient(db, "MRN-2", "Ada Lovelace", "1950-01-02")
    assert count_rows(db)["patient"] == 1
    assert create_patient(db, "MRN-2", "Ada Lovelace", "1950-01-02", allow_similar=True).changes.patients

    edited = edit_patient(db, patient, "Ada King", "1950-01-02", "female")
    assert edited.value.name == "Ada King"
    assert edited.changes == OpChanges(patients=True, followup=True, patient_id=patient)  # the due list names her

    assert set_archived(db, patient, True) == OpChanges(patients=True, followup=True, patient_id=patient)
    assert next(p for p in list_patients(db) if p.id == patient).archived
    assert set_archived(db, patient, False).patient_id == patient
    assert not next(p for p in list_patients(db) if p.id == patient).archived


def test_import_returns_what_it_stored_and_a_refused_file_changes_nothing(db: Any, tmp_path: Path) -> None:
    first, second, third = example_paths()
    result = import_files(db, [first, second])
    imported = result.value
    assert imported.error is None and len(imported.stored) == 2
    assert result.changes == stored(imported.stored[-1].patient_id)

    broken = tmp_path / "broken.json"
    broken.write_text("{}", encoding="utf-8")
    before = count_rows(db)
    refused = import_files(db, [third, broken])  # every file is read and checked before any is stored
    assert refused.value.stored == () and isinstance(refused.value.error, UserError)
    assert not refused.changes and refused.changes == OpChanges()
    assert count_rows(db) == before


def test_a_follow_up_marked_done_or_reopened_changes_the_follow_up_list(db: Any) -> None:
    from planner.record.followup import due_list

    store_assessment(db, person("P-A", "Ada", "2026-09-15"))
    (first, *_rest) = due_list(db, TODAY, days_ahead=0)
    assert set_followup_done(db, first, TODAY) == OpChanges(followup=True, patient_id="P-A")
    assert first.id not in {item.id for item in due_list(db, TODAY, days_ahead=0)}
    assert set_followup_done(db, first, None) == OpChanges(followup=True, patient_id="P-A")
    assert first.id in {item.id for item in due_list(db, TODAY, days_ahead=0)}


def test_the_demo_patient_is_stored_with_its_plan(db: Any) -> None:
    demo = add_demo_patient(db)
    assert demo.changes == stored(demo.value.patient_id)
    assert [p.id for p in list_patients(db)] == [demo.value.patient_id]
    assert count_rows(db) == {"patient": 1, "assessment": 1, "plan": 1}


def test_save_sign_amend_and_export_return_what_they_changed(qtbot: Any, db: Any, tmp_path: Path) -> None:
    session = AssessmentSession(db, load_example("neoplastic-after-radiation"))
    saved = save_assessment(session)
    patient = saved.value.patient_id
    assert saved.changes == stored(patient) and not session.dirty

    signed = sign_shown_plan(session, "J. Rivera", "PT")
    assert signed.value.signed and session.read_only
    assert signed.changes == OpChanges(record=True, patient_id=patient)  # nothing to save first: the lists stay

    pdf = export_plan_pdf(
        db,
        session.plan or {},
        session.assessment(),
        export_context(db, signed.value, signed_shown=True),
        tmp_path / "plan.pdf",
        handout=False,
        plan_id=signed.value.id,
    )
    assert pdf.value.path == tmp_path / "plan.pdf" and pdf.value.path.read_bytes().startswith(b"%PDF")
    assert pdf.value.warning is None  # the clinician plan prints no patient text in another language
    assert not pdf.changes  # the audit trail has it; no view shows it
    assert entries(db, 1)[0].action == "export.clinician_pdf"

    assert amend_signed_plan(session) == OpChanges(open_plan=True) and not session.read_only
    assert export_context(db, session.record, signed_shown=False).signature is None  # an amendment is unsigned


def test_signing_a_plan_not_saved_yet_reports_what_the_save_changed(qtbot: Any, db: Any) -> None:
    session = AssessmentSession(db, load_example("idiopathic-proximal"))
    signed = sign_shown_plan(session, "J. Rivera", "PT")
    assert signed.value.signed and count_rows(db)["assessment"] == 1
    assert signed.changes == stored(signed.value.patient_id)


# --- the views refresh from the notification -----------------------------------------------------------------
def due_patients(window: Any) -> list[str]:
    model = window.due.model
    return [model.index(row, 2).data() for row in range(model.rowCount())]


def ada_due(window: Any) -> list[str]:
    """The status of each follow-up item listed for Ada."""
    model = window.due.model
    return [model.index(row, 0).data() for row in range(model.rowCount()) if model.index(row, 2).data() == "Ada (P-A)"]


def fill(window: Any) -> None:
    """Two patients with follow-up items, the due list as on a fixed day and 30 days ahead (Bo's next item is his
    reassessment on 11-22: his repeat studies are dated 3 months after the first, review 12f R12f-07)."""
    window.due.today = lambda: TODAY
    window.due.days.setValue(30)
    store_assessment(window.database, person("P-A", "Ada", "2026-09-15"))
    store_assessment(window.database, person("P-B", "Bo", "2026-10-25"))


def test_the_lists_and_the_history_refresh_from_the_notification_alone(window: Any) -> None:
    """What the core stored reaches the screen only when the window says what changed."""
    fill(window)
    assert window.patient_model.rowCount() == 0 and due_patients(window) == []
    window.changed.emit(stored("P-A"))
    assert [window.patient_model.patient(r).id for r in range(window.patient_model.rowCount())] == ["P-A", "P-B"]
    assert window.patient_id == "P-A"  # the patient the operation was about is shown
    assert "Ada (P-A)" in due_patients(window) and "Bo (P-B)" in due_patients(window)
    assert window.history.tree.topLevelItemCount() == 1

    store_assessment(window.database, person("P-A", "Ada", "2026-11-01"))
    window.changed.emit(OpChanges(record=True, patient_id="P-B"))  # another patient's record: Ada's list stays
    assert window.history.tree.topLevelItemCount() == 1
    window.changed.emit(OpChanges(record=True, patient_id="P-A"))
    assert window.history.tree.topLevelItemCount() == 2


def test_archiving_is_one_notification_the_lists_refresh_from(window: Any, qtbot: Any) -> None:
    fill(window)
    window.load_patients()
    window.due.reload()
    assert window.select_patient("P-A")
    with qtbot.waitSignal(window.changed, timeout=1000) as archived:
        window.toggle_archived()
    assert archived.args == [OpChanges(patients=True, followup=True, patient_id="P-A")]
    row = window.patient_model.patient(window.patient_model.row_for("P-A"))
    assert row.archived and window.show_archived.isChecked()
    assert set(due_patients(window)) == {"Bo (P-B)"}  # an archived patient has nothing due
    assert window.patient_id == "P-A" and window.patient_view.currentIndex().isValid()  # still shown and selected


def test_signing_a_new_visit_not_saved_yet_updates_the_lists(window: Any, monkeypatch: Any) -> None:
    """Signing saves what is not stored yet; the patient list (date last assessed) and the due list (the new
    visit's schedule) show that save, as they do after Save."""
    fill(window)
    window.load_patients()
    window.due.reload()
    assert window.select_patient("P-A")
    assert ada_due(window) == ["Overdue", "Due"]
    window.new_assessment()
    window.session.set_value(("assessed_on",), TODAY.isoformat())
    window.session.set_value(("pain", "nrs"), 3)
    assert window.session.assessment_id is None
    sign_through_dialog(window, monkeypatch, tick=True)
    assert window.session.signed
    assert window.patient_model.patient(window.patient_model.row_for("P-A")).last_assessed_on == TODAY.isoformat()
    assert window.history.tree.topLevelItemCount() == 2
    assert "Overdue" not in ada_due(window)  # the new visit brought a new schedule for her


def test_importing_a_visit_of_the_open_patient_refreshes_their_history(window: Any, tmp_path: Path) -> None:
    fill(window)
    window.load_patients()
    assert window.select_patient("P-A")
    assert window.history.tree.topLevelItemCount() == 1
    visit = tmp_path / "visit.json"
    visit.write_text(json.dumps(person("P-A", "Ada", "2026-11-01")), encoding="utf-8")
    window.choose_import_paths = lambda: [str(visit)]
    window.import_assessments()
    assert window.warnings == [] and window.patient_id == "P-A"
    assert window.history.tree.topLevelItemCount() == 2
    assert window.patient_model.patient(window.patient_model.row_for("P-A")).last_assessed_on == "2026-11-01"


def test_marking_a_follow_up_done_is_an_operation_the_window_passes_on(window: Any, qtbot: Any) -> None:
    fill(window)
    window.load_patients()
    window.due.reload()
    assert ada_due(window) == ["Overdue", "Due"]
    window.due.view.selectRow(0)
    with qtbot.waitSignal(window.changed, timeout=1000) as done:
        window.due.mark_done()
    assert done.args == [OpChanges(followup=True, patient_id="P-A")]
    assert ada_due(window) == ["Due"]
    with qtbot.waitSignal(window.changed, timeout=1000) as reopened:
        window.due.reopen_last()
    assert reopened.args == [OpChanges(followup=True, patient_id="P-A")]
    assert ada_due(window) == ["Overdue", "Due"]
