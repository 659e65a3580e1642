"""The patient dialog: a new patient who looks like a stored one takes a second OK; the id is normalised."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from planner.record.patients import save_patient
from planner.ui.patients import PatientDialog


def test_patient_dialog_asks_twice_for_a_similar_patient(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    save_patient(window.database, "A-1", "Ann Lee", "1950-01-02", new=True)
    shown: list[str] = []

    def fill(dialog: PatientDialog) -> int:
        if dialog.error.text():
            shown.append(dialog.error.text())
        dialog.patient_id.setText(" Jose\u0301-9 ")  # decomposed é, stray spaces
        dialog.name.setText("Ann Lee")
        dialog.birth_date.setText("1950-01-02")
        return QDialog.DialogCode.Accepted if len(shown) < 2 else QDialog.DialogCode.Rejected

    monkeypatch.setattr(PatientDialog, "exec", fill)
    window.new_patient()
    assert len(shown) == 1 and "same name and birth date as the stored patient A-1" in shown[0]
    assert window.patient_id == "Jos\u00e9-9"  # created after the second OK, its id normalised


def test_patient_dialog_refuses_a_lookalike_id(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    save_patient(window.database, "MRN-1", "Ann Lee", new=True)
    shown: list[str] = []

    def fill(dialog: PatientDialog) -> int:
        if dialog.error.text():
            shown.append(dialog.error.text())
            return QDialog.DialogCode.Rejected
        dialog.patient_id.setText("mrn-1")
        dialog.name.setText("Bo Chen")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PatientDialog, "exec", fill)
    window.new_patient()
    assert shown and "cannot be told apart from the id 'MRN-1'" in shown[0]
    assert window.patient_model.row_for("mrn-1") == -1
