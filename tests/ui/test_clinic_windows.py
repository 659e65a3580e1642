"""Two workstations on one clinic server (PostgreSQL), each with its own login: each sees the other's
patients within a few seconds, a save over the other's change is refused naming who and keeps the entries,
and a front-desk login can export and print a handout but not sign."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QSpinBox

from planner.assessment.validate import load_assessment_file
from planner.opening import open_database
from planner.record.assessments import store_assessment
from planner.record.plans import get_plan, latest_plan
from planner.ui.main_window import CHANGE_POLL_MS, MainWindow
from planner.ui.plan_review import SignDialog
from tests.conftest import example_paths, make_assessment, url_as

pytestmark = pytest.mark.postgres


def open_window(qtbot: Any, database: Any, settings: Any) -> Any:
    window = MainWindow(database, settings)
    qtbot.addWidget(window)
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    window.warnings = []
    window.warn = lambda title, text: window.warnings.append(f"{title}: {text}")
    window.show()
    window.load_patients(reopen_last=False)
    return window


def pain(window: Any) -> QSpinBox:
    return window.editor.findChild(QSpinBox, "pain.nrs")


@pytest.fixture
def clinic(postgres_db: Any, logins: Any, qtbot: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Alice's and Lena's workstations (a clinician and the clinical lead), and the front desk's."""
    stored = store_assessment(postgres_db, load_assessment_file(example_paths()[0]))
    databases = [open_database(url_as(postgres_db, login)) for login in ("alice", "lena", "frank")]
    windows = [open_window(qtbot, database, settings) for database in databases]

    def sign(dialog: SignDialog) -> int:
        dialog.name.setText("A. Okafor")
        dialog.credentials.setText("PT")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SignDialog, "exec", sign)
    yield (*windows, stored)
    for window in windows:
        if window.session is not None:
            window.session.undo_stack.setClean()
        window.close()
    for database in databases:
        database.dispose()


def test_each_workstation_sees_the_others_new_patient_within_seconds(clinic: Any, qtbot: Any) -> None:
    alice, lena, frank, _stored = clinic
    assert alice.windowTitle().startswith("alice (clinician) on t_") and alice.windowTitle().endswith("LSP Planner")
    assert "frank (front desk)" in frank.windowTitle() and "lena (clinical lead)" in lena.windowTitle()
    assert alice.patient_model.row_for("W-2") < 0
    store_assessment(lena.database, make_assessment(patient={"id": "W-2", "name": "New At Lena"}))
    qtbot.waitUntil(lambda: alice.patient_model.row_for("W-2") >= 0, timeout=CHANGE_POLL_MS * 3)
    assert "updated from the clinic server" in alice.statusBar().currentMessage()
    assert not alice.refresh_if_changed()  # nothing new since: no reload


def test_a_save_over_the_other_workstations_save_is_refused_and_keeps_the_entries(clinic: Any) -> None:
    alice, lena, _frank, stored = clinic
    assert alice.select_patient(stored.patient_id) and lena.select_patient(stored.patient_id)
    pain(lena).setValue(2)
    assert lena.save()
    pain(alice).setValue(9)
    assert alice.save() is False
    assert "Not saved" in alice.warnings[-1] and "saved by lena" in alice.warnings[-1]
    assert "your entries are kept" in alice.warnings[-1]
    assert alice.session.value(("pain", "nrs")) == 9 and alice.session.dirty and pain(alice).value() == 9
    assert get_plan(alice.database, stored.plan_id).assessment["pain"]["nrs"] == 2


def test_the_front_desk_prints_a_handout_but_cannot_sign(
    clinic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _alice, _lena, frank, stored = clinic
    assert frank.select_patient(stored.patient_id)
    monkeypatch.setattr(frank, "choose_export_path", lambda suggested: str(tmp_path / suggested))
    written = frank.export(True)
    assert written is not None and written.read_bytes().startswith(b"%PDF")
    frank.plan_review.sign_button.click()
    assert "Not signed" in frank.warnings[-1] or "may not do this" in frank.warnings[-1], frank.warnings
    assert "clinician, front desk or clinical lead" in frank.warnings[-1]
    assert not latest_plan(frank.database, stored.assessment_id).signed
