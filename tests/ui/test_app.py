"""The desktop app's workflows, driven through the real widgets offscreen against a real SQLite file."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QSpinBox

from planner.assessment.validate import load_assessment_file
from planner.plan.text import DRAFT_MARK
from planner.record.assessments import store_assessment
from planner.record.plans import get_plan, plan_versions
from planner.record.visits import assessments_for
from planner.ui.patients import PatientDialog, PatientFilterModel, PatientListModel
from planner.ui.plan_review import ItemIdRole, PlanItemModel
from tests.conftest import example_paths


def plan_ids(window: Any) -> set[str]:
    plan = window.session.plan
    return {i["id"] for s in plan["sections"] for i in s["items"]} | {a["id"] for a in plan["alerts"]}


def add_example(window: Any, name: str = "neoplastic-after-radiation") -> str:
    path = next(p for p in example_paths() if p.stem == name)
    stored = store_assessment(window.database, load_assessment_file(path))
    window.patient_model.reload()
    assert window.select_patient(stored.patient_id)
    return stored.patient_id


def widget(window: Any, path: str) -> Any:
    """The editor's widget for a field path (a date field's line edit, where the typing goes)."""
    from planner.ui.date_field import DateField

    found = (
        window.editor.findChild(QComboBox, path)
        or window.editor.findChild(QLineEdit, path)
        or window.editor.findChild(QSpinBox, path)
        or window.editor.findChild(DateField, path)
    )
    return found.edit if isinstance(found, DateField) else found


def choose(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_create_patient_through_dialog(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: PatientDialog) -> int:
        dialog.patient_id.setText("MRN-9")
        dialog.name.setText("Zoë <b>Ψυχή</b> & Co")
        dialog.birth_date.setText("1970-05-06")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PatientDialog, "exec", fill)
    window.new_patient()
    assert window.patient_id == "MRN-9"
    assert window.patient_model.patient(window.patient_model.row_for("MRN-9")).name == "Zoë <b>Ψυχή</b> & Co"


def test_patient_dialog_shows_rule_and_keeps_input(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def fill(dialog: PatientDialog) -> int:
        if attempts:
            attempts.append(dialog.error.text())
            return QDialog.DialogCode.Rejected
        dialog.patient_id.setText("X-1")
        dialog.name.setText("Some One")
        dialog.birth_date.setText("1970-02-31")
        attempts.append("first")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PatientDialog, "exec", fill)
    window.new_patient()
    assert "Birth date: “1970-02-31” is not a date (February 1970 has no day 31)" in attempts[1]
    assert window.patient_model.row_for("X-1") == -1


def test_enter_assessment_through_widgets_and_body_map(window: Any, qtbot: Any) -> None:
    from planner.record.patients import save_patient

    save_patient(window.database, "P-7", "Body Map", new=True)
    window.patient_model.reload()
    window.select_patient("P-7")
    window.new_assessment()
    session = window.session
    assert session is not None and session.assessment_id is None
    # Pain and history through the form widgets
    nrs = widget(window, "pain.nrs")
    nrs.setValue(8)
    choose(widget(window, "history.etiology"), "idiopathic")
    choose(widget(window, "history.affected_side"), "right")
    # a recent onset, so the early-phase items (the short steroid course) apply whatever the day the test runs
    qtbot.keyClicks(widget(window, "history.onset"), (date.today() - timedelta(days=30)).isoformat())
    # Strength through the body map: click a region, pick a grade from its menu
    window.editor.tabs.setCurrentIndex(1)
    body = window.editor.body_map
    body.popupMenus = False
    qtbot.mouseClick(body, Qt.MouseButton.LeftButton, pos=body.regionCenter("knee_extension", "right"))
    assert body.selected() == ("knee_extension", "right")
    menu = body.lastGradeMenu()
    next(a for a in menu.actions() if a.data() == 2).trigger()
    assert session.value(("strength", "knee_extension", "right")) == 2
    # ... and by keyboard on the selected region
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_3)
    assert session.value(("strength", "knee_extension", "right")) == 3
    # The grid follows the map
    assert widget(window, "strength.knee_extension.right").currentData() == 3
    assert session.issues == []
    ids = plan_ids(window)
    assert {"who-step-3", "guide-med-idiopathic-first-line", "nlsp-ot-sit-to-stand"} <= ids
    assert window.save()
    stored = assessments_for(window.database, "P-7")
    assert len(stored) == 1 and stored[0].pain_nrs == 8


def test_plan_follows_edits_and_undo_redo(window: Any) -> None:
    add_example(window)
    session = window.session
    assert "who-step-2" in plan_ids(window)
    widget(window, "pain.nrs").setValue(9)
    assert "who-step-3" in plan_ids(window) and "who-step-2" not in plan_ids(window)
    window.undo_action.trigger()
    assert session.value(("pain", "nrs")) == 6 and "who-step-2" in plan_ids(window)
    assert widget(window, "pain.nrs").value() == 6
    window.redo_action.trigger()
    assert session.value(("pain", "nrs")) == 9 and widget(window, "pain.nrs").value() == 9


def test_invalid_value_shown_inline_and_kept(window: Any, qtbot: Any) -> None:
    add_example(window)
    edit = widget(window, "history.creatinine_clearance_ml_min")
    qtbot.keyClicks(edit, "250")
    assert window.session.issue_for(("history", "creatinine_clearance_ml_min"))
    assert edit.toolTip() == "Creatinine clearance: enter a number between 0 and 200 mL/min"
    assert "solid" in edit.styleSheet()
    assert edit.text() == "250"
    assert not window.session.plan_is_current
    assert window.plan_review.sign_button.isEnabled() is False
    assert window.save() is False
    assert "Creatinine clearance: enter a number between 0 and 200 mL/min" in window.warnings[-1]
    assert edit.text() == "250"
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert window.session.issue_for(("history", "creatinine_clearance_ml_min")) is None


def test_exclude_edit_reorder_and_add_items(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    add_example(window)
    review = window.plan_review
    monkeypatch.setattr(review, "ask_reason", lambda _title: ("done at home", True))
    assert review.select_item("clinic-aid-walker")
    row = review.model.itemFromIndex(review.tree.currentIndex())
    row.setCheckState(Qt.CheckState.Unchecked)
    assert window.session.edits.excluded == {"clinic-aid-walker": "done at home"}
    assert "clinic-aid-walker" not in plan_ids(window)
    assert review.select_item("clinic-aid-walker")  # still listed, unchecked, to re-include
    monkeypatch.setattr(review, "item_dialog", lambda *_a: ("", "Ankle brace, custom fitted", "Fit at next visit."))
    review.select_item("clinic-afo")
    review.edit_button.click()
    afo = next(i for s in window.session.plan["sections"] for i in s["items"] if i["id"] == "clinic-afo")
    assert afo["title"] == "Ankle brace, custom fitted" and afo["edited"]
    monkeypatch.setattr(review, "item_dialog", lambda *_a: ("orthosis", "Check shoes fit the brace", ""))
    review.add_button.click()
    orthosis = next(s for s in window.session.plan["sections"] if s["key"] == "orthosis")["items"]
    assert orthosis[-1]["source"] == "clinician"
    review.select_item("clinician-1")
    review.up_button.click()
    orthosis = next(s for s in window.session.plan["sections"] if s["key"] == "orthosis")["items"]
    assert [i["id"] for i in orthosis].index("clinician-1") == len(orthosis) - 2
    window.undo_action.trigger()  # undo the move
    window.undo_action.trigger()  # undo the added item
    assert "clinician-1" not in plan_ids(window)
    assert window.save()
    stored = get_plan(window.database, window.session.record.id)
    assert stored.edits.excluded == {"clinic-aid-walker": "done at home"}


def test_evidence_is_one_click_away(window: Any) -> None:
    add_example(window)
    review = window.plan_review
    review.select_item("clinic-aid-walker")
    text = review.evidence.toPlainText()
    assert "Walking aid thresholds" in text and "Open in the document library" in text
    opened: list[tuple[str, str]] = []
    review.openPassage.connect(lambda d, h: opened.append((d, h)))
    from PySide6.QtCore import QUrl

    review._link(QUrl("passage:0"))
    assert opened == [("CLINIC", "Walking aid thresholds")]


def test_sign_off_locks_and_change_starts_new_draft(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.ui.plan_review import SignDialog

    add_example(window)

    def sign(dialog: SignDialog) -> int:
        dialog.name.setText("J. Rivera")
        dialog.credentials.setText("PT, DPT")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SignDialog, "exec", sign)
    window.plan_review.sign_button.click()
    session = window.session
    assert session.signed and session.read_only
    assert "SIGNED" in window.plan_review.banner.text() and "J. Rivera" in window.plan_review.banner.text()
    assert widget(window, "pain.nrs").isEnabled() is False
    widget(window, "pain.nrs").setValue(2)  # ignored: read-only
    assert session.value(("pain", "nrs")) == 6
    window.plan_review.amend_button.click()
    widget(window, "pain.nrs").setValue(2)
    assert DRAFT_MARK in window.plan_review.banner.text()
    assert window.save()
    versions = plan_versions(window.database, session.assessment_id)
    assert [(v.version, v.status) for v in versions] == [(1, "signed"), (2, "draft")]
    assert versions[0].assessment["pain"]["nrs"] == 6 and versions[1].assessment["pain"]["nrs"] == 2


def test_history_opens_old_versions_read_only(window: Any) -> None:
    from planner.record.plans import sign_stored_plan

    patient = add_example(window)
    first = window.session.record
    sign_stored_plan(window.database, first.id, "A. Okafor", "PT")
    window.open_patient(patient)
    assert window.session.read_only
    window.history.show_patient(patient)
    top = window.history.tree.topLevelItem(0)
    assert top.child(0).text(1).startswith("signed")
    window.history.openPlan.emit(first.id)
    assert window.session.read_only and window.session.record.id == first.id


def test_export_both_pdfs_from_the_gui(window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    add_example(window)
    targets = iter([str(tmp_path / "plan.pdf"), str(tmp_path / "handout")])
    monkeypatch.setattr(window, "choose_export_path", lambda _suggested: next(targets))
    plan_file = window.export(False)
    handout_file = window.export(True)
    assert plan_file == tmp_path / "plan.pdf" and handout_file == tmp_path / "handout.pdf"
    plan_text = "".join(page.extract_text() for page in PdfReader(plan_file).pages)
    assert "Walter K." in plan_text and "Draft, for clinician review" in plan_text
    assert "Walter K." in "".join(page.extract_text() for page in PdfReader(handout_file).pages)
    assert window.settings.value("export/folder") == str(tmp_path)


def test_new_assessment_starts_from_previous(window: Any) -> None:
    patient = add_example(window)
    window.new_assessment()
    session = window.session
    assert session.assessment_id is None
    assert session.value(("strength", "ankle_dorsiflexion", "right")) == 2
    assert session.value(("history", "malignancy")) == "prostate"
    assert session.value(("patient", "id")) == patient


def test_autosave_recovery(window: Any, qtbot: Any, db: Any, settings: Any) -> None:
    from planner.ui.main_window import MainWindow

    add_example(window)
    widget(window, "pain.nrs").setValue(3)
    window.autosave()
    drafts = window.drafts.drafts()
    assert len(drafts) == 1 and drafts[0].assessment["pain"]["nrs"] == 3
    window.session.undo_stack.setClean()  # as if the app had died here
    second = MainWindow(db, settings)
    qtbot.addWidget(second)
    second.load_patients()
    draft = second.drafts.drafts()[0]
    second.restore_draft(
        draft.patient_id, draft.assessment_id, draft.assessment, draft.edits, draft.opened, draft.writer
    )
    assert second.session.value(("pain", "nrs")) == 3 and second.session.dirty
    assert second.save()
    assert second.drafts.drafts() == []
    second.session.undo_stack.setClean()


def test_patient_filter_folds_case_and_accents(window: Any, qtbot: Any) -> None:
    from planner.record.patients import save_patient

    save_patient(window.database, "Z-1", "Zoë Łukasz", new=True)
    save_patient(window.database, "Z-2", "Other Person", new=True)
    window.patient_model.reload()
    qtbot.keyClicks(window.patient_search, "zoe luk")
    assert window.patient_filter.rowCount() == 1
    window.patient_search.clear()
    qtbot.keyClicks(window.patient_search, "z-2")
    assert window.patient_filter.rowCount() == 1


def test_item_models(qtmodeltester: Any, db: Any) -> None:
    from planner.library.store import load_library
    from planner.plan.generate import generate_plan

    for path in example_paths():
        store_assessment(db, load_assessment_file(path))
    model = PatientListModel(db)
    model.reload()
    qtmodeltester.check(model)
    proxy = PatientFilterModel()
    proxy.setSourceModel(model)
    proxy.set_text("walt")
    qtmodeltester.check(proxy)
    plan_model = PlanItemModel()
    plan_model.populate(generate_plan(load_assessment_file(example_paths()[0]), load_library(db)), True)
    qtmodeltester.check(plan_model)
    assert plan_model.rowCount() >= 7
    assert plan_model.item(plan_model.rowCount() - 1).child(0).data(ItemIdRole)


def test_settings_reach_the_pdf_header(window: Any, db: Any) -> None:
    from planner.storage.clinic_settings import CLINIC_NAME, clinic_info, set_settings

    set_settings(db, {CLINIC_NAME: "Clínica Ñandú & Co"})
    assert clinic_info(db).name == "Clínica Ñandú & Co"
    add_example(window)
    assert window._export_context().clinic.name == "Clínica Ñandú & Co"


def test_keyboard_focus_and_accessible_names(window: Any) -> None:
    add_example(window)
    from PySide6.QtWidgets import QWidget

    unnamed = [
        w.objectName() or type(w).__name__
        for w in window.editor.findChildren(QWidget)
        if isinstance(w, (QLineEdit, QComboBox, QSpinBox))
        and not w.accessibleName()
        and w.parent() is not None
        and w.isVisibleTo(window.editor)
    ]
    assert unnamed == []
    assert window.patient_search.accessibleName() and window.plan_review.tree.accessibleName()
    assert json.dumps(window.session.assessment())  # the editor's state is plain JSON
    assert QPoint  # imported for body-map clicks


def test_markup_in_names_and_texts_shows_literally(window: Any) -> None:
    from planner.ui.plan_review import evidence_html

    hostile = '<img src="http://example.org/x.png"> <b>bold</b> & <font color=red>x</font>'
    from PySide6.QtWidgets import QTextBrowser

    browser = QTextBrowser()
    browser.setHtml(
        evidence_html(
            {
                "title": hostile,
                "detail": hostile,
                "evidence": [
                    {"document": hostile, "version": "1", "section": hostile, "text": hostile, "document_id": "X"}
                ],
            }
        )
    )
    assert browser.toPlainText().count(hostile) >= 3


def test_unexpected_error_shows_a_dialog_and_the_app_keeps_working(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from PySide6.QtWidgets import QApplication, QMessageBox

    from planner.ui import app as app_module

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module._install_exception_hook(QApplication.instance())
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert shown and "planner.log" in shown[0] and "keep working" in shown[0]
    add_example(window)  # still usable
    assert window.session is not None


def test_full_disk_while_saving_keeps_the_input(window: Any) -> None:
    import sqlite3

    from sqlalchemy import event

    add_example(window)
    widget(window, "pain.nrs").setValue(9)
    database = window.database
    pages = sqlite3.connect(database.path).execute("PRAGMA page_count").fetchone()[0]

    def cap(connection: sqlite3.Connection, _record: object) -> None:
        connection.execute(f"PRAGMA max_page_count = {pages}")

    database.engine.dispose()
    event.listen(database.engine, "connect", cap)
    window.session.set_value(("pain", "sites"), ["x" * 90] * 20)
    saved = window.save()
    event.remove(database.engine, "connect", cap)
    database.engine.dispose()
    assert saved is False and "disk is full" in window.warnings[-1]
    assert window.session.value(("pain", "nrs")) == 9 and widget(window, "pain.nrs").value() == 9
    assert window.session.dirty
    assert latest_plan_assessment(window)["pain"]["nrs"] == 6  # nothing partial was stored


def latest_plan_assessment(window: Any) -> dict[str, Any]:
    from planner.record.plans import latest_plan

    return latest_plan(window.database, window.session.assessment_id).assessment


def test_live_plan_compares_with_the_previous_visit(window: Any) -> None:
    add_example(window)
    window.new_assessment()
    session = window.session
    assert session.plan is None  # today's pain is not carried over from the last visit
    session.set_value(("pain", "nrs"), 6)
    assert "clinic-mon-progress-summary" in plan_ids(window)
    assert "red-alert-cancer-weakness-worsening" not in plan_ids(window)
    session.set_value(("strength", "ankle_dorsiflexion", "right"), 0)  # two grades lost, known cancer
    assert {"red-alert-cancer-weakness-worsening", "entrap-med-reimage-worsening"} <= plan_ids(window)
    assert session.plan["alerts"][0]["id"] == "red-alert-cancer-weakness-worsening"
    dorsiflexion = next(
        s for s in session.plan["progress"]["strength"] if (s["group"], s["side"]) == ("ankle_dorsiflexion", "right")
    )
    assert dorsiflexion["mrc"] == [2, 0]
    session.undo_stack.undo()
    assert "red-alert-cancer-weakness-worsening" not in plan_ids(window)


def test_new_fields_reach_the_plan_and_held_items_show_with_their_reason(window: Any) -> None:
    """An implanted device ticked in the editor holds TENS back: the plan view lists it under the safety screen
    with the reason, never as an item; agents tried and the entrapment site are written as lists and text."""
    from PySide6.QtWidgets import QCheckBox

    from planner.ui.plan_review import EntryRole, KindRole

    add_example(window)
    session = window.session
    assert "nlsp-analgesia-tens-anodyne" in plan_ids(window)
    boxes = [b for b in window.editor.findChildren(QCheckBox) if b.accessibleName().endswith(": Pacemaker")]
    assert len(boxes) == 1
    pacemaker = boxes[0]
    pacemaker.setChecked(True)
    assert session.value(("history", "implanted_devices")) == ["pacemaker"]
    assert "nlsp-analgesia-tens-anodyne" not in plan_ids(window)
    held = {entry["id"]: entry for entry in session.plan["held"]}
    assert "implanted electronic device" in held["nlsp-analgesia-tens-anodyne"]["reason"]
    model = window.plan_review.model
    rows = [model.item(r) for r in range(model.rowCount())]
    group = next(row for row in rows if row.data(KindRole) == "held-group")
    children = [group.child(r) for r in range(group.rowCount())]
    tens = next(c for c in children if c.data(EntryRole)["id"] == "nlsp-analgesia-tens-anodyne")
    assert "held:" in tens.text() and "implanted electronic device" in tens.text()
    assert not tens.isCheckable()
    window.plan_review.tree.setCurrentIndex(tens.index())
    assert "implanted electronic device" in window.plan_review.evidence.toPlainText()
    # Agents tried: a list in the assessment, cleared back to absent when none is ticked
    snri = next(b for b in window.editor.findChildren(QCheckBox) if b.accessibleName().endswith(": SNRI"))
    snri.setChecked(True)
    assert session.value(("pain", "neuropathic_agents_tried")) == ["snri"]
    snri.setChecked(False)
    assert session.value(("pain", "neuropathic_agents_tried")) is None
    choose(widget(window, "history.entrapment_site"), "piriformis")
    assert session.value(("history", "entrapment_site")) == "piriformis"
    assert session.issues == []
    # Undo puts the device back off, and TENS is offered again
    while session.value(("history", "implanted_devices")):
        session.undo_stack.undo()
    assert not pacemaker.isChecked()
    assert "nlsp-analgesia-tens-anodyne" in plan_ids(window)


def test_a_dvt_holds_home_exercises_and_the_plan_view_lists_them_with_the_reason(window: Any) -> None:
    """Exercises pass the same safety screen as plan items: ticking DVT moves the bridge (hip extension graded
    3) from the exercise list to the held group of the plan view, with its reason; undo offers it again."""
    from PySide6.QtWidgets import QCheckBox

    from planner.ui.plan_review import EntryRole, KindRole

    add_example(window)
    session = window.session
    assert "ex-bridge" in {e["id"] for e in session.plan["exercises"]}
    dvt = next(b for b in window.editor.findChildren(QCheckBox) if b.text() == "Deep venous thrombosis")
    dvt.setChecked(True)
    assert "ex-bridge" not in {e["id"] for e in session.plan["exercises"]}
    held = {entry["id"]: entry for entry in session.plan["held"]}
    assert held["ex-bridge"]["section"] == "exercises" and "acute DVT" in held["ex-bridge"]["reason"]
    model = window.plan_review.model
    group = next(model.item(r) for r in range(model.rowCount()) if model.item(r).data(KindRole) == "held-group")
    rows = {group.child(r).data(EntryRole)["id"]: group.child(r) for r in range(group.rowCount())}
    bridge = rows["ex-bridge"]
    assert bridge.text().startswith("Home exercise: Bridge  (held: an acute DVT") and not bridge.isCheckable()
    window.plan_review.tree.setCurrentIndex(bridge.index())
    evidence = window.plan_review.evidence.toPlainText()
    assert "Home exercise: Bridge" in evidence and "agreed with the medical team first" in evidence
    session.undo_stack.undo()
    assert "ex-bridge" in {e["id"] for e in session.plan["exercises"]}
