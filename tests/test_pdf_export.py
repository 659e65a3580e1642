"""PDFs read back: every part present, page numbers right, any Unicode name printed literally, no network."""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import load_assessment_file
from planner.export.context import ClinicInfo, ExportContext, Signature
from planner.export.service import render_pdf
from planner.plan.generate import generate_plan
from tests.conftest import example_paths

WHEN = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
HOSTILE = 'Zoë Ψυχή-Łukasz Иван <b>Bold</b> & "Co" <img src="http://example.org/x.png"> <font color=red>x</font>'


def text_of(pdf: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text), len(reader.pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def context(signature: Signature | None = None) -> ExportContext:
    return ExportContext(
        clinic=ClinicInfo(name="Clínica Ñandú & <Co>", address="1 Main St\nTown"),
        generated_at=WHEN,
        signature=signature,
    )


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_clinician_pdf_has_every_part(library: Any, path: Path, tmp_path: Path) -> None:
    assessment = load_assessment_file(path)
    plan = generate_plan(assessment, library)
    pdf = render_pdf(plan, assessment, context(), handout=False)
    assert pdf.startswith(b"%PDF")
    text, pages = text_of(pdf, tmp_path)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert assessment["patient"]["name"] in text
    assert "Draft, for clinician review" in text
    assert "Clínica Ñandú & <Co>" in text
    assert plan["library_version"] in text
    assert "References" in text
    for entry in plan["alerts"]:
        assert squash(entry["text"]) in text
    for section in plan["sections"]:
        assert squash(section["title"]) in text
        for item in section["items"]:
            assert squash(item["title"]) in text


def test_alerts_come_before_the_sections(library: Any, tmp_path: Path) -> None:
    assessment = load_assessment_file(example_paths()[0])
    assessment["symptoms"] = {"saddle_numbness": True}
    plan = generate_plan(assessment, library)
    text, _pages = text_of(render_pdf(plan, assessment, context(), handout=False), tmp_path)
    urgent = squash(plan["alerts"][0]["text"])
    assert plan["alerts"][0]["level"] == "urgent"
    assert text.index(urgent) < text.index("Physical therapy")


def test_signed_plan_shows_signer_not_draft(library: Any, tmp_path: Path) -> None:
    assessment = load_assessment_file(example_paths()[0])
    plan = generate_plan(assessment, library)
    signed = context(Signature("J. Rivera", "PT, DPT", WHEN))
    text, _ = text_of(render_pdf(plan, assessment, signed, handout=False), tmp_path)
    assert "J. Rivera" in text and "PT, DPT" in text
    assert "Draft, for clinician review" not in text


def test_handout_plain_parts_and_no_evidence(library: Any, tmp_path: Path) -> None:
    assessment = load_assessment_file(next(p for p in example_paths() if p.stem == "neoplastic-after-radiation"))
    plan = generate_plan(assessment, library)
    text, pages = text_of(render_pdf(plan, assessment, context(), handout=True), tmp_path)
    assert f"Page {pages} of {pages}" in text
    for title in ("Daily checklist", "When to call the clinic", "My notes"):
        assert title in text
    handout_texts = [i["handout"] for s in plan["sections"] for i in s["items"] if i.get("handout")]
    assert handout_texts
    for entry in handout_texts + [c["text"] for c in plan["handout"]["checklist"] + plan["handout"]["call"]]:
        assert squash(entry) in text
    passages = {e["text"] for s in plan["sections"] for i in s["items"] for e in i["evidence"]}
    assert not any(squash(p)[:60] in text for p in passages if len(p) > 60)


@pytest.mark.parametrize("handout", [False, True])
def test_any_name_prints_literally_and_nothing_is_fetched(
    library: Any, tmp_path: Path, handout: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("no network access while rendering")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    assessment = load_assessment_file(example_paths()[0])
    assessment["patient"]["name"] = HOSTILE
    plan = generate_plan(assessment, library)
    pdf = render_pdf(plan, assessment, context(), handout=handout)
    text, _ = text_of(pdf, tmp_path)
    assert HOSTILE in text
    assert b"DejaVu" in pdf  # the Unicode font is embedded
