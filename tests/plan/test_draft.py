"""One way to draft a plan (planner.plan.draft): the command line's plans and PDFs compare with the patient's
earlier visits exactly as the app's do; and the export options of the handout."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.library.files import read_shipped_documents
from planner.library.translations import source_texts
from planner.plan.draft import draft_plan
from planner.record.assessments import store_assessment
from planner.record.patient_history import plan_for_patient
from planner.record.visits import find_stored_assessment, patient_assessments
from tests.export.test_pdf_progress import visits
from tests.paths import REPO
from tests.test_cli import write_json


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def test_export_of_a_stored_patients_file_drafts_with_the_history(cli: Any, db: Any, tmp_path: Path) -> None:
    first, second, third = visits()
    store_assessment(db, first)
    store_assessment(db, second)
    out = tmp_path / "plan.pdf"
    code, printed, err = cli("export", str(write_json(tmp_path, "third.json", third)), "-o", str(out))
    assert code == 0, err
    assert printed.startswith("wrote")
    text = pdf_text(out)
    assert "Progress across visits" in text and "3 visits from 2026-01-10 to 2026-03-07" in text
    code, printed, _ = cli("plan", str(write_json(tmp_path, "third.json", third)), "--json")
    assert json.loads(printed)["progress"]["dates"] == ["2026-01-10", "2026-02-07", "2026-03-07"]


def test_a_stored_file_is_drafted_as_that_visit_not_compared_with_itself(cli: Any, db: Any, tmp_path: Path) -> None:
    first, second, _third = visits()
    store_assessment(db, first)
    stored = store_assessment(db, second)
    assert find_stored_assessment(db, second) == stored.assessment_id
    assert draft_plan(db, second, stored.assessment_id)["progress"]["dates"] == ["2026-01-10", "2026-02-07"]
    code, printed, _ = cli("plan", str(write_json(tmp_path, "second.json", second)), "--json")
    assert code == 0 and json.loads(printed)["progress"]["dates"] == ["2026-01-10", "2026-02-07"]
    latest, plan = plan_for_patient(db, second["patient"]["id"])
    assert latest == json.loads(json.dumps(second)) and plan["progress"]["dates"] == ["2026-01-10", "2026-02-07"]


def test_a_patient_not_stored_is_drafted_without_history(db: Any) -> None:
    first, _second, _third = visits()
    assert find_stored_assessment(db, first) is None
    assert "progress" not in draft_plan(db, first)


def test_export_of_the_handout_in_spanish_and_large_print(cli: Any, tmp_path: Path) -> None:
    source = REPO / "resources" / "examples" / "neoplastic-after-radiation.json"
    normal, large = tmp_path / "es.pdf", tmp_path / "es-large.pdf"
    assert cli("export", str(source), "-o", str(normal), "--handout", "--language", "es")[0] == 0
    assert cli("export", str(source), "-o", str(large), "--handout", "--language", "es", "--large-print")[0] == 0
    text = pdf_text(normal)
    assert "El plan de su terapeuta" in text and "Sus ejercicios" in text and "Puente" in text
    pages = PdfReader(large).pages
    assert len(pages) > len(PdfReader(normal).pages)
    assert max(len(re.findall(r"Ejercicio \d+:", page.extract_text() or "")) for page in pages) == 1


@pytest.mark.parametrize("option", [["--language", "es"], ["--large-print"]])
def test_handout_options_without_the_handout_are_refused(cli: Any, tmp_path: Path, option: list[str]) -> None:
    source = REPO / "resources" / "examples" / "neoplastic-after-radiation.json"
    code, _out, err = cli("export", str(source), "-o", str(tmp_path / "x.pdf"), *option)
    assert code == 2 and f"{option[0]} is an option of the patient handout (add --handout)" in err
    assert not (tmp_path / "x.pdf").exists()


def test_a_language_the_planner_does_not_know_is_refused(cli: Any, tmp_path: Path) -> None:
    source = REPO / "resources" / "examples" / "neoplastic-after-radiation.json"
    code, _out, err = cli("export", str(source), "-o", str(tmp_path / "x.pdf"), "--handout", "--language", "fr")
    assert code == 2 and "invalid choice: 'fr'" in err


def test_docs_translation_and_check(cli: Any) -> None:
    code, out, _ = cli("docs", "translation", "RED-FLAGS", "--language", "es")
    assert code == 0 and "::: translation red-call-bladder-bowel" in out and "source: " in out
    assert "Llame a la clínica ahora" in out  # what is translated and current is kept
    code, out, _ = cli("docs", "check")
    every_text = sum(len(source_texts(document)) for document in read_shipped_documents())
    assert code == 0 and f"translations (es): {every_text} patient texts" in out
    code, _out, err = cli("docs", "translation", "NO-SUCH", "--language", "es")
    assert code == 2 and "no shipped document 'NO-SUCH'" in err


def test_the_app_exports_the_plan_as_the_clinician_left_it(db: Any, tmp_path: Path) -> None:
    """The service applies the (empty) edits too: equipment statuses are present, none chosen."""
    from planner.export.service import export_pdf

    source = REPO / "resources" / "examples" / "neoplastic-after-radiation.json"
    exported = export_pdf(db, json.loads(source.read_text(encoding="utf-8")), tmp_path / "h.pdf", handout=True)
    assert exported.warning is None  # an English handout prints nothing in another language
    data = exported.path.read_bytes()
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)
    assert "Your exercises" in text and "Your equipment" not in text  # suggested items are not chosen ones


def test_every_caller_with_a_database_drafts_through_draft_plan() -> None:
    """generate_plan is the pure step under draft_plan: outside the draft module only the callers that make their
    own library and history (the plan lint, the demo data, the benchmarks) call it, so no face of the app drafts
    without the patient's earlier visits."""
    pure_callers = {"planner/plan/draft.py", "planner/plan/lint.py", "planner/demo.py", "planner/plan/generate.py"}
    callers = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "planner").rglob("*.py")
        if re.search(r"\bgenerate_plan\(", path.read_text(encoding="utf-8"))
    }
    assert callers <= pure_callers, sorted(callers - pure_callers)


def test_the_apps_editor_drafts_with_the_history_read_once(db: Any) -> None:
    first, second, third = visits()
    store_assessment(db, first)
    stored = store_assessment(db, second)
    visits_read = patient_assessments(db, first["patient"]["id"])
    assert len(visits_read) == 2
    assert draft_plan(db, third, visits=visits_read) == draft_plan(db, third)
    second_id = stored.assessment_id
    assert draft_plan(db, second, second_id, visits=visits_read) == draft_plan(db, second, second_id)
