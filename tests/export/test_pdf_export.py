"""PDF export: both documents rendered from real plans and read back with pypdf.

The plans come from the real core (shipped documents in a temporary database), so these tests notice
when a document change breaks the printout, not only when the renderer changes. Text is compared with
all whitespace removed, because pypdf breaks lines wherever the layout wrapped them.
"""

from __future__ import annotations

import copy
import io
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import load_assessment_file, validate_assessment
from planner.export.clinician import render_clinician_pdf
from planner.export.context import ClinicInfo, ExportContext, Signature
from planner.export.handout import render_handout_pdf
from planner.export.pdf_text import clean, escape
from planner.export.service import render_document
from planner.library.compiler import CompiledLibrary
from planner.library.store import load_library
from planner.opening import open_database
from planner.plan.generate import generate_plan
from planner.plan.text import DRAFT_MARK
from tests.conftest import EXAMPLES_DIR

EXAMPLES = ("neoplastic-after-radiation", "idiopathic-proximal", "entrapment-piriformis")
HOSTILE_NAME = 'Zoë Ψυχή-Łukasz Иван <b>Bold</b> & "Co" <img src="http://example.org/x.png">'
GENERATED = datetime(2026, 11, 21, 8, 15, tzinfo=UTC)
SIGNATURE = Signature(
    signer="Dr. Jana Nováková", credentials="MD, PM&R", signed_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
)
CLINIC = ClinicInfo(name="Clínica Ñandú & <Co>", address="12 Harbour Street\nSpringfield 4021")


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CompiledLibrary]:
    database = open_database(tmp_path_factory.mktemp("pdf") / "db.sqlite3")
    try:
        yield load_library(database)
    finally:
        database.dispose()


@pytest.fixture(scope="module")
def cases(library: CompiledLibrary) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Assessment and plan of each shared example, drafted once for the module."""
    out = {}
    for name in EXAMPLES:
        assessment = load_assessment_file(EXAMPLES_DIR / f"{name}.json")
        out[name] = (assessment, generate_plan(assessment, library))
    return out


def context(signature: Signature | None = None, clinic: ClinicInfo = CLINIC) -> ExportContext:
    return ExportContext(clinic=clinic, generated_at=GENERATED, signature=signature)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read(data: bytes) -> tuple[PdfReader, list[str]]:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() or "" for page in reader.pages]


def full_text(data: bytes) -> str:
    return squash("\n".join(read(data)[1]))


def contains(haystack: str, needle: str) -> bool:
    return squash(needle) in haystack


def all_items(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for section in plan["sections"]:
        yield from section["items"]


def all_evidence(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for entry in [*plan["alerts"], *all_items(plan), *plan["handout"]["checklist"], *plan["handout"]["call"]]:
        yield from entry.get("evidence") or []


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection during rendering fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the PDF renderer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize("name", EXAMPLES)
def test_clinician_pdf_carries_the_whole_plan(name: str, cases: dict[str, Any]) -> None:
    assessment, plan = cases[name]
    data = render_clinician_pdf(plan, assessment, context())
    reader, pages = read(data)
    total = len(reader.pages)
    assert total >= 1
    for number, page in enumerate(pages, start=1):
        assert contains(squash(page), f"Page {number} of {total}")
        assert contains(squash(page), DRAFT_MARK)  # on every page of an unsigned plan
    text = full_text(data)
    assert contains(text, assessment["patient"]["name"])
    assert contains(text, assessment["patient"]["id"])
    assert contains(text, plan["library_version"])
    for alert in plan["alerts"]:
        assert contains(text, alert["text"])
        assert contains(text, alert["detail"])
        assert contains(text, alert["level"].upper())
    for item in all_items(plan):
        assert contains(text, item["title"])
    for section in plan["sections"]:
        assert contains(text, section["title"])
        if not section["items"]:
            assert contains(text, "No items.")
    assert contains(text, "References")
    for evidence in all_evidence(plan):
        if any(evidence in (entry.get("evidence") or []) for entry in [*plan["alerts"], *all_items(plan)]):
            assert contains(text, evidence["document"])
            assert contains(text, f"section {evidence['section']}")


def test_alerts_are_on_the_first_page_urgent_first(cases: dict[str, Any]) -> None:
    assessment, plan = copy.deepcopy(cases["neoplastic-after-radiation"])
    evidence = next(all_evidence(plan))
    plan["alerts"] = [
        {"id": "i", "level": "info", "text": "Info alert here", "detail": "Info detail.", "evidence": [evidence]},
        {"id": "u", "level": "urgent", "text": "Urgent alert here", "detail": "Urgent detail.", "evidence": [evidence]},
    ]
    first_page = squash(read(render_clinician_pdf(plan, assessment, context()))[1][0])
    assert contains(first_page, "URGENT") and contains(first_page, "Urgent alert here")
    assert first_page.index("Urgentalerthere") < first_page.index("Infoalerthere")


def test_real_urgent_alert_is_printed_before_the_sections(library: CompiledLibrary) -> None:
    raw = load_assessment_file(EXAMPLES_DIR / "neoplastic-after-radiation.json")
    raw["symptoms"] = {"saddle_numbness": True}
    assessment = validate_assessment(raw)
    plan = generate_plan(assessment, library)
    assert plan["alerts"][0]["level"] == "urgent"
    pages = [squash(page) for page in read(render_clinician_pdf(plan, assessment, context()))[1]]
    first = squash(plan["alerts"][0]["text"])
    assert first in pages[0]
    text = "".join(pages)
    assert text.index(first) < text.index(squash("1. " + plan["sections"][0]["title"]))


def test_reference_list_numbers_distinct_passages(cases: dict[str, Any]) -> None:
    """Every passage cited once, numbered in order. Read line by line, not squashed: squashed, a page number
    before "2." reads as an entry number."""
    assessment, plan = cases["neoplastic-after-radiation"]
    raw = "\n".join(read(render_clinician_pdf(plan, assessment, context()))[1])
    cited = {
        (e["document"], e.get("version"), e["section"])
        for entry in [*plan["alerts"], *all_items(plan)]
        for e in entry.get("evidence") or []
    }
    references = raw[raw.rindex("References") :]
    numbers = [int(n) for n in re.findall(r"(?m)^\s*(\d+)\.\s", references)]
    entries = [squash(entry) for entry in re.split(r"(?m)^\s*\d+\.\s", references)[1:]]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= len(cited)  # + exercise and equipment
    assert len(set(entries)) == len(entries)  # each passage once
    assert contains(squash(raw), "[1]")


@pytest.mark.parametrize("name", EXAMPLES)
def test_handout_is_plain_language_only(name: str, cases: dict[str, Any]) -> None:
    assessment, plan = cases[name]
    data = render_handout_pdf(plan, assessment, context())
    reader, pages = read(data)
    total = len(reader.pages)
    assert all(contains(squash(page), f"Page {n} of {total}") for n, page in enumerate(pages, start=1))
    text = full_text(data)
    assert contains(text, f"For: {assessment['patient']['name']}")
    assert contains(text, DRAFT_MARK)
    assert contains(text, CLINIC.name)
    handout_texts = [item["handout"] for item in all_items(plan) if item.get("handout")]
    assert handout_texts, "the examples are expected to carry patient texts"
    for entry in handout_texts:
        assert contains(text, entry)
    for entry in [*plan["handout"]["checklist"], *plan["handout"]["call"]]:
        assert contains(text, entry["text"])
    for evidence in all_evidence(plan):
        assert not contains(text, evidence["text"])
        assert not contains(text, evidence["document"])
    assert "References" not in text
    assert not re.search(r"\d\s*mg", text)


def test_signed_documents_show_the_signer_and_no_draft_mark(cases: dict[str, Any]) -> None:
    assessment, plan = cases["neoplastic-after-radiation"]
    for render in (render_clinician_pdf, render_handout_pdf):
        text = full_text(render(plan, assessment, context(SIGNATURE)))
        assert contains(text, SIGNATURE.signer)
        assert contains(text, SIGNATURE.credentials)
        assert not contains(text, DRAFT_MARK)
    clinician = full_text(render_clinician_pdf(plan, assessment, context(SIGNATURE)))
    assert contains(clinician, "2026-11-21")


def test_unsigned_clinician_pdf_has_blank_signature_fields(cases: dict[str, Any]) -> None:
    assessment, plan = cases["idiopathic-proximal"]
    text = full_text(render_clinician_pdf(plan, assessment, context()))
    for label in ("Name", "Credentials", "Signature", "Date and time"):
        assert contains(text, label)


def test_hostile_name_prints_literally_without_network(
    library: CompiledLibrary, tmp_path: Path, no_network: None
) -> None:
    raw = load_assessment_file(EXAMPLES_DIR / "neoplastic-after-radiation.json")
    raw["patient"]["name"] = HOSTILE_NAME
    raw["assessor"] = "<font color=red>A & B</font>"
    assessment = validate_assessment(raw)
    plan = generate_plan(assessment, library)
    logo_url = ClinicInfo(name="<b>Clinic</b> & Co", logo_path=Path("http://example.org/x.png"))
    for render in (render_clinician_pdf, render_handout_pdf):
        text = full_text(render(plan, assessment, context(clinic=logo_url)))
        assert contains(text, HOSTILE_NAME)
        assert contains(text, "<b>Clinic</b> & Co")
    assert contains(full_text(render_clinician_pdf(plan, assessment, context())), "<font color=red>A & B</font>")


def test_local_logo_is_drawn_and_broken_logo_is_ignored(
    cases: dict[str, Any], tmp_path: Path, no_network: None
) -> None:
    from PIL import Image as PILImage

    assessment, plan = cases["entrapment-piriformis"]
    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (120, 40), "#1f4e79").save(logo)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    for render in (render_clinician_pdf, render_handout_pdf):
        reader, _pages = read(render(plan, assessment, context(clinic=ClinicInfo(name="C", logo_path=logo))))
        assert "/XObject" in reader.pages[0]["/Resources"]
        for path in (broken, tmp_path / "missing.png"):
            read(render(plan, assessment, context(clinic=ClinicInfo(name="C", logo_path=path))))


def test_control_characters_and_long_words_do_not_break_rendering(cases: dict[str, Any]) -> None:
    assessment, plan = copy.deepcopy(cases["idiopathic-proximal"])
    plan["patient"]["name"] = "A\x00B\x07C\u2028D"
    plan["sections"][0]["items"][0]["detail"] = "W" * 400
    for render in (render_clinician_pdf, render_handout_pdf):
        text = full_text(render(plan, assessment, context()))
        assert contains(text, "ABC")
        assert "\x00" not in text


def test_clinician_added_item_is_labelled(cases: dict[str, Any]) -> None:
    assessment, plan = copy.deepcopy(cases["entrapment-piriformis"])
    plan["sections"][3]["items"].append(
        {
            "id": "custom-1",
            "title": "Custom item from the therapist",
            "detail": "Detail typed by the clinician.",
            "source": "clinician",
        }
    )
    plan["sections"][0]["items"].append(
        {
            "id": "custom-2",
            "title": "Another custom item",
            "detail": "More.",
            "source": "clinician",
            "evidence": [],
            "handout": "Plain words here.",
        }
    )
    text = full_text(render_clinician_pdf(plan, assessment, context()))
    assert contains(text, "Custom item from the therapist")
    assert contains(text, "Another custom item")
    assert text.count(squash("(added by clinician)")) == 2
    assert contains(full_text(render_handout_pdf(plan, assessment, context())), "Plain words here.")


@pytest.mark.parametrize("handout", [False, True])
def test_fonts_are_embedded_dejavu(cases: dict[str, Any], handout: bool) -> None:
    assessment, plan = cases["neoplastic-after-radiation"]
    reader = PdfReader(io.BytesIO(render_document(plan, assessment, context(), handout=handout).pdf))
    seen = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            base = str(font["/BaseFont"])
            assert "DejaVu" in base, f"non-embedded or fallback font {base}"
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
            seen.add(base.split("+")[-1])
    # Two faces, no more: every face a document sets is a subset embedded in, and built for, every file.
    assert seen == {"DejaVuSans", "DejaVuSans-Bold"}


@pytest.mark.parametrize(
    "text",
    [
        "already clean",
        " leading",
        "trailing\u3000",
        "two  spaces",
        "nbsp\u00a0\u00a0pair",
        "tab\there",
        "line\u2028separator",
        "C1\x85control",
        "decomposed e\u0301",
        "lone \ud800 surrogate",
        "Zo\u00eb \u03a8\u03c5\u03c7\u03ae and a single\u00a0nbsp",
        "",
    ],
)
def test_clean_text_passes_through_as_cleaning_would_leave_it(text: str) -> None:
    """clean() returns text that needs no cleaning as it is; that shortcut must match the full cleaning."""
    import unicodedata

    from planner.export import pdf_text

    full = unicodedata.normalize("NFC", text)
    full = pdf_text._LINE_BREAKS.sub(" ", full)
    full = pdf_text._SPACES.sub(" ", pdf_text._CONTROL.sub("", full)).strip()
    assert clean(text) == full
    assert clean(full) == full


def test_escape_neutralises_markup() -> None:
    assert escape("<img src=\"x\"> & 'q'") == "&lt;img src=&quot;x&quot;&gt; &amp; &#39;q&#39;"
    assert escape("a\x00b\x1fc\nd") == "abc d"
    assert escape(None) == ""


def test_held_items_print_on_the_clinician_plan_once_per_reason_and_never_in_the_handout(
    library: CompiledLibrary,
) -> None:
    """The example with a DVT and a pacemaker: the safety screen's reasons print once each, with the items
    they hold, on the clinician plan; the patient handout carries none of the held advice."""
    assessment = copy.deepcopy(load_assessment_file(EXAMPLES_DIR / "neoplastic-after-radiation.json"))
    assessment["history"] |= {"dvt": True, "implanted_devices": ["pacemaker"]}
    plan = generate_plan(validate_assessment(assessment), library)
    held = {entry["id"]: entry for entry in plan["held"]}
    assert {"nlsp-analgesia-tens-anodyne", "mgmt-pt-gait-training", "mgmt-analgesia-heat"} <= held.keys()
    text = full_text(render_clinician_pdf(plan, assessment, context()))
    start = text.index(squash("Held back by the safety screen"), text.index(squash("Strength (MRC grade)")))
    block = text[start : text.index(squash("1. Physical therapy"), start)]
    for reason in {entry["reason"] for entry in plan["held"]}:
        assert block.count(f"Held:{squash(reason)}[") == 1, reason
    for entry in plan["held"]:
        assert contains(block, entry["title"])
    # a held home exercise is marked as one, under the same reason as the plan items it shares it with
    assert held["ex-bridge"]["section"] == "exercises" and contains(block, "Home exercise: Bridge")
    handout = full_text(render_handout_pdf(plan, assessment, context()))
    assert not contains(handout, "TENS") and not contains(handout, "warmth")
    assert not contains(handout, "Practise walking")
