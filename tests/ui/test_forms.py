"""The assessment form through a therapist's day: a form that does not move, problems in words, dates as a
clinic types them, a signed assessment that looks read-only, and the sign dialog's two prefilled fields."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from planner.errors import FieldIssue
from planner.record.assessments import store_assessment
from planner.record.patients import save_patient
from planner.storage.clinic_settings import LEGACY_ASSESSOR, set_settings
from planner.ui.fields import FIELDS, describe, label_for
from tests.conftest import load_example


def open_example(window: Any, name: str = "neoplastic-after-radiation") -> Any:
    stored = store_assessment(window.database, load_example(name))
    window.patient_model.reload()
    assert window.select_patient(stored.patient_id)
    QApplication.processEvents()
    return window.session


def test_the_form_does_not_move_when_problems_come_and_go(window: Any, qtbot: Any) -> None:
    """Ticking 'Lymphedema present' and adding points used to open a problems box above the form and push
    every field down 95 px, so the next click landed on another field."""
    session = open_example(window)
    editor = window.editor
    editor.tabs.setCurrentIndex(3)
    QApplication.processEvents()
    add = editor.add_point
    top = add.mapTo(window, QPoint(0, 0))
    panel = editor.status.geometry()
    for _ in range(5):
        qtbot.mouseClick(add, Qt.MouseButton.LeftButton)  # each click adds an empty point: a problem each
        QApplication.processEvents()
        assert add.mapTo(window, QPoint(0, 0)) == top
        assert editor.status.geometry() == panel
    assert len(session.value(("lymphedema", "circumferences_cm"))["left"]) == 11
    assert editor.issue_words()[0] == "Left leg, point 7: enter a circumference between 5 and 150 cm"
    session.undo_stack.undo()
    QApplication.processEvents()
    assert add.mapTo(window, QPoint(0, 0)) == top and editor.status.geometry() == panel


def test_problems_are_in_words_on_screen_and_paths_on_the_command_line(window: Any) -> None:
    session = open_example(window)
    session.set_value(("lymphedema", "circumferences_cm", "left"), [22.0, None, 31.0, 35.5, 42.0, 48.0])
    session.set_value(("history", "creatinine_clearance_ml_min"), "abc")
    words = window.editor.issue_words()
    assert "Left leg, point 2: enter a circumference between 5 and 150 cm" in words
    assert "Creatinine clearance: “abc” is not a number; enter a number between 0 and 200 mL/min" in words
    assert all(".circumferences_cm" not in w and "_ml_min" not in w for w in words)
    issue = next(i for i in session.issues if i.field == "lymphedema.circumferences_cm.left[1]")
    assert str(issue) == "lymphedema.circumferences_cm.left[1]: must be a number from 5 to 150 (got None)"
    # The problem is also beside its field: the table cell is tinted and says it.
    cell = window.editor.circumferences.item(1, 0)
    assert cell.toolTip() == "Left leg, point 2: enter a circumference between 5 and 150 cm"
    # Clicking a problem goes to its field.
    window.editor.focus_field("history.creatinine_clearance_ml_min")
    assert window.editor.tabs.currentIndex() == 0


@pytest.mark.parametrize(
    ("issue", "words"),
    [
        (FieldIssue("history.affected_side", "is required", "required"), "Affected side: choose one (required)"),
        (FieldIssue("pain.nrs", "is required", "required"), "Pain NRS (0-10): enter a number (required)"),
        (
            FieldIssue("history.onset", "", "after", (("other", "assessed_on"), ("date", "2026-11-20"))),
            "Onset: must not be after the assessment date (20 Nov 2026)",
        ),
        (
            FieldIssue("assessed_on", "", "future", (("today", "2026-01-02"),)),
            "Assessed on: the date is after today (2 Jan 2026 by this computer's clock); check the date, or the "
            "computer's clock",
        ),
        (
            FieldIssue("lymphedema.interval_cm", "", "required_when", (("other", "lymphedema.circumferences_cm"),)),
            "Interval: enter it, since circumferences are entered",
        ),
        (
            FieldIssue("patient.birth_date", "", "date", (("got", "31/2/1958"),)),
            "Birth date: “31/2/1958” is not a date (February 1958 has no day 31)",
        ),
        (
            FieldIssue("lymphedema.side", "", "choice", (("choices", ("left", "right", "bilateral")),)),
            "Side: choose left, right or bilateral",
        ),
        (FieldIssue("strength.hip_flexion.left", "", "integer", (("low", 0), ("high", 5))), None),
        # the fields issue 12 added, worded from the same table
        (
            FieldIssue("history.implanted_devices", "must not list the same value twice", "unique"),
            "Implanted electronic devices: the same device is listed twice; keep it once",
        ),
        (
            FieldIssue("history.entrapment_site", "", "choice", (("choices", ("piriformis", "other")),)),
            "Suspected entrapment site: choose piriformis (sciatic nerve) or other site",
        ),
        (
            FieldIssue("pain.neuropathic_agents_tried[1]", "", "choice", (("choices", ("snri", "capsaicin")),)),
            "Neuropathic agents tried, agent 2: choose SNRI or Capsaicin",
        ),
    ],
)
def test_issue_words_use_the_form_labels(issue: FieldIssue, words: str | None) -> None:
    described = describe(issue)
    if words is None:
        assert described == "Left hip flexion: enter a whole number between 0 and 5"
    else:
        assert described == words


def test_every_field_of_the_form_has_a_label_and_no_path_is_shown_raw() -> None:
    from planner.assessment.schema import ASSESSMENT_SCHEMA

    def paths(schema: dict[str, Any], prefix: str = "") -> list[str]:
        found = []
        for name, sub in schema.get("properties", {}).items():
            key = f"{prefix}.{name}" if prefix else name
            inner = next((s for s in sub.get("anyOf", [sub]) if s.get("type") != "null"), sub)
            if inner.get("type") == "object" and inner.get("properties"):
                found += paths(inner, key)
            else:
                found.append(key)
        return found

    unlabelled = [key for key in paths(ASSESSMENT_SCHEMA) if key not in FIELDS and key != "format"]
    assert unlabelled == []
    assert label_for("lymphedema.circumferences_cm.right[0]") == "Right leg, point 1"


def test_added_fields_are_rows_of_the_field_table_worded_undoable_and_read_only_when_signed(window: Any) -> None:
    """The three fields issue 12 added (implanted devices and agents tried as check boxes, the entrapment site
    as a choice) are laid out from the field table: labelled (a mnemonic that reaches the first box), their
    problems in words in the panel and as a frame, every tick undoable, and read-only once signed."""
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

    session = open_example(window)
    editor = window.editor
    devices = editor.binder.widget(("history", "implanted_devices"))
    agents = editor.binder.widget(("pain", "neuropathic_agents_tried"))
    site = editor.binder.widget(("history", "entrapment_site"))
    labels = {label.buddy(): label.text() for label in editor.findChildren(QLabel) if label.buddy() is not None}
    assert labels[devices] == "I&mplanted electronic devices:"
    assert labels[agents] == "&Neuropathic agents tried:"
    assert labels[site] == "Suspected entrapment site:"
    boxes = devices.findChildren(QCheckBox)
    assert [b.text() for b in boxes] == ["Pacemaker", "Defibrillator", "Neurostimulator", "Other device"]
    assert boxes[0].accessibleName() == "Implanted electronic devices: Pacemaker"
    editor.tabs.setCurrentIndex(0)
    editor.binder.widget(("assessor",)).setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is boxes[0] and not boxes[0].isChecked()  # reached, not ticked
    QTest.keyClick(boxes[0], Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is boxes[1]  # then Tab goes box by box
    QTest.keyClick(boxes[1], Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is boxes[0]
    QTest.keyClick(boxes[0], Qt.Key.Key_Backtab)
    assert QApplication.focusWidget().text() == "Acute infection"  # the frame itself is no extra stop
    editor.tabs.setCurrentIndex(2)
    editor.binder.widget(("pain", "sites")).setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is agents.findChildren(QCheckBox)[0]
    assert isinstance(site, QComboBox) and [site.itemText(i) for i in range(site.count())] == [
        "—",
        "piriformis (sciatic nerve)",
        "other site",
    ]
    # Worded problems (a draft or a file may hold what the boxes cannot write), framed beside the field
    session.set_value(("history", "implanted_devices"), ["pacemaker", "pacemaker"])
    session.set_value(("pain", "neuropathic_agents_tried"), ["snri", "opioid"])
    words = editor.issue_words()
    assert "Implanted electronic devices: the same device is listed twice; keep it once" in words
    assert any(w.startswith("Neuropathic agents tried, agent 2: choose Tricyclic, SSRI, SNRI") for w in words)
    assert "border" in devices.styleSheet() and boxes[0].isChecked()
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert editor.issue_words() == []
    assert devices.styleSheet() == "" and not boxes[0].isChecked()
    # Ticks and choices are undoable, one step each
    snri = next(b for b in agents.findChildren(QCheckBox) if b.text() == "SNRI")
    snri.setChecked(True)
    boxes[1].setChecked(True)
    site.setCurrentIndex(1)
    site.activated.emit(1)
    assert session.value(("pain", "neuropathic_agents_tried")) == ["snri"]
    assert session.value(("history", "implanted_devices")) == ["defibrillator"]
    assert session.value(("history", "entrapment_site")) == "piriformis"
    session.undo_stack.undo()
    assert session.value(("history", "entrapment_site")) is None and site.currentIndex() == 0
    session.undo_stack.undo()
    assert session.value(("history", "implanted_devices")) is None and not boxes[1].isChecked()
    session.undo_stack.undo()
    assert session.value(("pain", "neuropathic_agents_tried")) is None and not snri.isChecked()
    session.undo_stack.redo()
    assert snri.isChecked()
    # Signed: nothing to tick
    session.sign("J. Rivera", "PT")
    QApplication.processEvents()
    assert not devices.isEnabled() and not agents.isEnabled() and not site.isEnabled()


def test_dates_are_typed_as_a_clinic_writes_them_and_shown_back_in_words(window: Any, qtbot: Any) -> None:
    session = open_example(window)
    field = window.editor.binder.widget(("history", "onset"))
    edit = field.edit
    edit.setFocus()
    edit.clear()
    qtbot.keyClicks(edit, "3/4/2026")
    assert session.value(("history", "onset")) == "2026-04-03"  # day first, as the settings say
    assert edit.toolTip().startswith("Understood as Friday 3 April 2026")
    edit.editingFinished.emit()
    assert edit.text() == "3 Apr 2026"
    edit.clear()
    qtbot.keyClicks(edit, "31/2/2026")
    assert session.value(("history", "onset")) == "31/2/2026"  # kept as typed: the problem is named
    assert "Onset: “31/2/2026” is not a date (February 2026 has no day 31)" in window.editor.issue_words()
    # The calendar sets the date too.
    from PySide6.QtCore import QDate

    field._picked(QDate(2026, 7, 1))
    assert session.value(("history", "onset")) == "2026-07-01" and edit.text() == "1 Jul 2026"
    session.undo_stack.undo()  # the edits of one field are one undo step
    assert session.value(("history", "onset")) == "2026-08-15"


def test_month_first_setting_reads_dates_the_other_way(window: Any) -> None:
    from planner.ui.patients import PatientDialog

    dialog = PatientDialog(window, day_first=False)
    dialog.birth_date.setText("3/4/1958")
    assert dialog.values()["birth_date"] == "1958-03-04"
    assert dialog.understood.text() == (
        "Understood as Tuesday 4 March 1958 (month first); the order of day and month is set in Settings."
    )


@pytest.mark.parametrize("typed", ["3/4/1958", "03.04.1958", "1958-04-03", "3 Apr 1958", "April 3, 1958"])
def test_patient_dialog_accepts_the_formats_a_clinic_types(window: Any, monkeypatch: Any, typed: str) -> None:
    from planner.ui.patients import PatientDialog

    seen: list[str] = []

    def fill(dialog: PatientDialog) -> int:
        dialog.patient_id.setText("D-1")
        dialog.name.setText("Dora Day")
        dialog.birth_date.setText(typed)
        seen.append(dialog.understood.text())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PatientDialog, "exec", fill)
    window.settings.setValue("dates/dayFirst", True)
    window.new_patient()
    row = window.patient_model.patient(window.patient_model.row_for("D-1"))
    assert row.birth_date == "1958-04-03"
    assert seen[0].startswith("Understood as Thursday 3 April 1958")


def test_signed_assessment_looks_read_only(window: Any) -> None:
    session = open_example(window)
    session.sign("J. Rivera", "PT")
    QApplication.processEvents()
    editor = window.editor
    assert editor.status.currentWidget() is editor.status.banner
    assert editor.status.banner_text.text().startswith("Signed: plan version 1, J. Rivera, PT, today at ")
    assert editor.status.amend_button.isVisible()
    name = editor.binder.widget(("patient", "name"))
    assert isinstance(name, QLineEdit) and name.isReadOnly()
    base = name.palette().color(QPalette.ColorRole.Base)
    assert base == name.palette().color(QPalette.ColorRole.Window)  # no "type here" white field
    onset = editor.binder.widget(("history", "onset"))
    assert onset.isReadOnly() and not onset.button.isEnabled()
    trauma = editor.binder.widget(("history", "trauma_on"))
    assert trauma.edit.placeholderText() == ""  # no "e.g. 3 Apr 1958" inviting typing
    assert not editor.binder.widget(("history", "etiology")).isEnabled()
    assert editor.body_map.isReadOnly()
    editor.status.amend_button.click()
    assert not name.isReadOnly() and name.palette().color(QPalette.ColorRole.Base) != base
    assert trauma.edit.placeholderText() == "e.g. 3 Apr 1958"
    assert editor.status.currentWidget() is not editor.status.banner


def test_sign_dialog_prefills_name_and_credentials_apart(window: Any, monkeypatch: Any) -> None:
    from planner.ui.plan_review import SignDialog

    set_settings(window.database, {LEGACY_ASSESSOR: "J. Rivera, PT, DPT"})  # as stored before the split
    open_example(window)
    seen: list[tuple[str, str]] = []

    def sign(dialog: SignDialog) -> int:
        seen.append((dialog.name.text(), dialog.credentials.text()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(SignDialog, "exec", sign)
    window.sign()
    assert seen == [("J. Rivera", "PT, DPT")]


def test_new_assessment_fills_the_assessor_from_both_settings(window: Any) -> None:
    from planner.storage.clinic_settings import assessor_settings

    set_settings(window.database, assessor_settings("Ana Sousa", "OTR/L"))
    save_patient(window.database, "N-2", "Nia North", new=True)
    window.patient_model.reload()
    window.select_patient("N-2")
    window.new_assessment()
    assert window.session.value(("assessor",)) == "Ana Sousa, OTR/L"


def test_a_clock_behind_the_assessment_date_keeps_a_signed_plan(window: Any, monkeypatch: Any) -> None:
    """A machine whose clock runs behind (a dead CMOS battery) made the stored assessment's date 'in the
    future': the signed plan went blank and export was disabled."""
    import datetime as real_datetime

    session = open_example(window)
    record = session.sign("J. Rivera", "PT")
    plan_id = record.id

    class Behind(real_datetime.date):
        @classmethod
        def today(cls) -> Any:
            return real_datetime.date(2020, 1, 1)

    monkeypatch.setattr("planner.assessment.validate.date", Behind)
    window.open_plan(plan_id)
    session = window.session
    assert session.plan is not None and session.plan_is_current
    assert window.export_action.isEnabled() and window.print_action.isEnabled()
    assert window.plan_review.model.rowCount() > 0
    assert window._render(False) is not None


def test_crash_recovery_says_dates_as_people_read_them(window: Any) -> None:
    import re

    assessment = load_example("neoplastic-after-radiation")
    window.drafts.write("MRN-0042", None, assessment, {})
    asked: list[str] = []
    window.ask_restore = lambda text: asked.append(text) or False
    window.offer_drafts()
    assert len(asked) == 1
    pattern = (
        r"Unsaved changes to the assessment of 20 Nov 2026 for Walter K\. were kept today at \d\d:\d\d\. Restore them\?"
    )
    assert re.fullmatch(pattern, asked[0]), asked[0]
    assert window.drafts.drafts() == []  # declined: the draft is dropped


def test_cited_passages_wrap_as_paragraphs(qtbot: Any) -> None:
    """Passages are stored hard-wrapped as in their documents; the detail pane sets them as paragraphs (a
    line break inside a sentence used to break the line there)."""
    from PySide6.QtWidgets import QTextBrowser

    from planner.plan.text import passage_paragraphs
    from planner.ui.plan_review import evidence_html

    text = (
        "The need for a walking aid is judged from\nthe weakest of the hip extensors.\n\nA cane suits\nmild weakness."
    )
    assert passage_paragraphs(text) == [
        "The need for a walking aid is judged from the weakest of the hip extensors.",
        "A cane suits mild weakness.",
    ]
    assert passage_paragraphs("Steps:\n- rest\n- ice\n1. elevate") == ["Steps:", "- rest", "- ice", "1. elevate"]
    shown = evidence_html({"title": "Walker", "evidence": [{"document": "D", "section": "S", "text": text}]})
    assert "<br>" not in shown
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(shown)
    blocks = []
    block = browser.document().begin()
    while block.isValid():
        blocks.append(block.text())
        block = block.next()
    assert "The need for a walking aid is judged from the weakest of the hip extensors." in blocks
    assert "A cane suits mild weakness." in blocks


def test_a_dvt_side_without_a_dvt_is_worded_with_both_labels() -> None:
    from planner.errors import FieldIssue
    from planner.ui.fields import describe

    issue = FieldIssue(
        "history.dvt_side", "is recorded only with an acute DVT", "only_with", (("other", "history.dvt"),)
    )
    assert describe(issue) == "Leg of the DVT: leave it empty unless “Deep venous thrombosis” is ticked"


def test_pregnancy_for_a_male_patient_is_worded_with_both_labels() -> None:
    from planner.assessment.validate import validate_assessment
    from planner.errors import AssessmentError
    from planner.ui.fields import describe
    from tests.conftest import make_assessment

    with pytest.raises(AssessmentError) as caught:
        validate_assessment(make_assessment(patient={"sex": "male"}, history={"pregnancy": "pregnant"}))
    (issue,) = caught.value.issues
    assert describe(issue) == "Pregnant or breastfeeding: does not fit “Sex”; check which of the two is wrong"
