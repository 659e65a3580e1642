"""The app tells the clinician, before the handout is printed, how many of its texts print in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.library.store import import_documents
from planner.record.assessments import store_assessment
from planner.ui.printing import PrintPreview
from tests.conftest import EXAMPLES_DIR, load_example


def spanish_patient(window: Any, tmp_path: Path, *, stale: bool) -> None:
    if stale:  # the clinic's own version of the exercises: the bridge's Spanish no longer matches its English
        shipped = (EXAMPLES_DIR.parent / "documents" / "exercises.md").read_text(encoding="utf-8")
        purpose = "purpose: Strengthens your buttock muscles, which you use"
        clinic = tmp_path / "exercises.md"
        clinic.write_text(shipped.replace(purpose, "purpose: Makes your buttock muscles stronger", 1), "utf-8")
        import_documents(window.database, [clinic])
    raw = load_example("neoplastic-after-radiation")
    raw["patient"]["language"] = "es"
    stored = store_assessment(window.database, validate_assessment(raw))
    window.patient_model.reload()
    window.select_patient(stored.patient_id)


def test_exporting_a_spanish_handout_with_english_texts_says_so(
    window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spanish_patient(window, tmp_path, stale=True)
    monkeypatch.setattr(window, "choose_export_path", lambda _suggested: str(tmp_path / "handout.pdf"))
    window.settings.setValue("export/open", False)
    assert window.export(True) == tmp_path / "handout.pdf"
    message = window.statusBar().currentMessage()
    assert "Warning: 1 patient text prints in English on this Spanish handout" in message


def test_printing_says_it_before_the_preview_opens(
    window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spanish_patient(window, tmp_path, stale=True)
    seen: list[str] = []
    monkeypatch.setattr(PrintPreview, "exec", lambda dialog: seen.append(window.statusBar().currentMessage()) or 0)
    window.print_plan(True)
    assert seen and "Warning: 1 patient text prints in English" in seen[0]


def test_a_current_spanish_handout_exports_without_a_warning(
    window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spanish_patient(window, tmp_path, stale=False)
    monkeypatch.setattr(window, "choose_export_path", lambda _suggested: str(tmp_path / "handout.pdf"))
    window.settings.setValue("export/open", False)
    assert window.export(True) is not None
    assert "Warning" not in window.statusBar().currentMessage()
