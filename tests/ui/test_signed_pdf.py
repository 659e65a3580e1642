"""The printed signed plan shows a short form of its content hash, so paper can be checked against the record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QDialog

from planner.assessment.validate import load_assessment_file
from planner.export.context import short_hash
from planner.record.assessments import store_assessment
from planner.ui.plan_review import SignDialog
from tests.conftest import example_paths


def test_the_signed_pdf_carries_the_short_content_hash(
    window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = store_assessment(window.database, load_assessment_file(example_paths()[0]))
    window.patient_model.reload()
    window.select_patient(stored.patient_id)

    def sign(dialog: SignDialog) -> int:
        dialog.name.setText("J. Rivera")
        dialog.credentials.setText("PT")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SignDialog, "exec", sign)
    window.plan_review.sign_button.click()
    record = window.session.record
    assert record.signed and record.content_hash
    monkeypatch.setattr(window, "choose_export_path", lambda _suggested: str(tmp_path / "signed.pdf"))
    written = window.export(False)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(written).pages)
    assert "Content hash" in text and short_hash(record.content_hash) in text
    assert short_hash(record.content_hash) == " ".join(record.content_hash[i : i + 4] for i in range(0, 16, 4))
