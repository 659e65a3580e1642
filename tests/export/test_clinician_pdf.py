"""The clinician plan: page 1 carries what matters first, the body of the richest example fits three pages, the
clinician's decisions show, the evidence is in an appendix; and the PDFs use ReportLab's public API only."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import validate_assessment
from planner.edits import (
    DosageChange,
    PlanEdits,
    add_item,
    apply_edits,
    exclude_exercise,
    exclude_item,
    reword_item,
    set_dosage,
    set_equipment_status,
)
from planner.engine.vocabulary import MUSCLE_GROUPS
from planner.export.clinician import APPENDIX, render_clinician_pdf
from planner.export.context import ClinicInfo, ExportContext, Signature, short_hash
from planner.export.pdf_text import humanize
from planner.plan.generate import generate_plan
from tests.conftest import REPO, example_paths, load_example

GENERATED = datetime(2026, 12, 1, 10, tzinfo=UTC)
CLINIC = ClinicInfo(name="Riverside Rehabilitation", address="12 Mill Road", phone="555 0142")
SIGNATURE = Signature(
    "Dr. Ana Ruiz", "PT, DPT", datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "3f2a9c1b77d0e4a5" + "0" * 48
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages_of(pdf: bytes) -> list[str]:
    return [squash(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def context(signature: Signature | None = None) -> ExportContext:
    return ExportContext(clinic=CLINIC, generated_at=GENERATED, signature=signature)


def richest(library: Any) -> tuple[str, dict[str, Any]]:
    """The example whose plan has the most items, exercises and equipment: picked by measuring."""

    def size(plan: dict[str, Any]) -> int:
        return sum(len(s["items"]) for s in plan["sections"]) + len(plan["exercises"]) + len(plan["equipment"])

    plans = {path.stem: generate_plan(load_example(path.stem), library) for path in example_paths()}
    name = max(plans, key=lambda stem: size(plans[stem]))
    return name, plans[name]


def test_the_richest_example_is_measured_not_assumed(library: Any) -> None:
    name, _plan = richest(library)
    assert name == "neoplastic-after-radiation"


def body_pages(pages: list[str]) -> int:
    """Pages before the appendix (which starts on a page of its own)."""
    return next(number for number, page in enumerate(pages) if squash(APPENDIX) in page)


def test_the_richest_body_fits_three_pages_and_the_evidence_follows_in_an_appendix(library: Any) -> None:
    name, plan = richest(library)
    assessment = load_example(name)
    pages = pages_of(render_clinician_pdf(apply_edits(plan, PlanEdits()), assessment, context()))
    assert body_pages(pages) <= 3
    appendix = "".join(pages[body_pages(pages) :])
    assert appendix.startswith(squash(APPENDIX)) or squash(APPENDIX + "1.") in appendix
    for section in plan["sections"]:
        for item in section["items"]:
            for evidence in item["evidence"]:
                where = f"{evidence['document']}, version {evidence['version']}, section {evidence['section']}"
                assert squash(where) in appendix
                assert squash(evidence["text"][:60]) in appendix
    body = "".join(pages[: body_pages(pages)])
    assert "[1]" in body
    for section in plan["sections"]:
        for item in section["items"]:
            assert squash(item["title"]) in body


@pytest.mark.parametrize("absent", [False, True], ids=["recorded-false", "left-out"])
def test_history_flags_not_set_read_no_never_not_recorded(library: Any, absent: bool) -> None:
    """The format defaults the history flags (and pain.acute, pain.neuropathic) to false: a flag left out of the
    assessment was not set, so page 1 says "No", never "not recorded" (F-5). "not recorded" stays for values that
    can be truly absent, such as the creatinine clearance."""
    raw = load_example("neoplastic-after-radiation")
    names = ("palliative", "mri_contraindicated", "dvt", "arterial_insufficiency", "infection")
    for name in names:
        if absent:
            raw["history"].pop(name, None)
        else:
            raw["history"][name] = False
    raw["history"]["dvt"] = True
    if absent:
        for name in ("acute", "neuropathic"):
            raw["pain"].pop(name, None)
    assessment = validate_assessment(raw)
    plan = apply_edits(generate_plan(assessment, library), PlanEdits())
    first = pages_of(render_clinician_pdf(plan, assessment, context()))[0]
    line = squash("Yes: DVT · No: Palliative, MRI contraindicated, Arterial insufficiency, Infection · Implanted")
    assert line in first
    assert squash("Creatinine clearance not recorded") in first
    flags = first[first.index(squash("History flags")) :]
    assert "notrecorded" not in flags[: flags.index("Implanted")]
    if absent:
        assert squash("Neuropathic / acute no / no") in first


def test_page_one_carries_identification_status_alerts_findings_flags_and_strength(library: Any) -> None:
    raw = load_example("neoplastic-after-radiation")
    raw["history"] |= {
        "creatinine_clearance_ml_min": 42,
        "palliative": True,
        "mri_contraindicated": True,
        "dvt": True,
        "arterial_insufficiency": True,
        "infection": True,
        "implanted_devices": ["pacemaker"],
        "trauma_on": "2026-07-01",
        "trauma_type": "blunt",
        "surgery_on": "2026-07-03",
    }
    raw["strength"] |= {group: {"left": 5, "right": 2} for group in MUSCLE_GROUPS if group not in raw["strength"]}
    assessment = validate_assessment(raw)
    plan = apply_edits(generate_plan(assessment, library), PlanEdits())
    pages = pages_of(render_clinician_pdf(plan, assessment, context()))
    first = pages[0]
    for text in (
        "Walter K.",
        "MRN-0042",
        "DRAFT, FOR CLINICIAN REVIEW Not signed.",
        "Name",
        "Credentials",
        "Signature",
        "Date and time",
        "Alerts",
        plan["alerts"][0]["text"],
        "Held back by the safety screen",
        "Key findings",
        "Creatinine clearance 42 mL/min",
        "Yes: Palliative, MRI contraindicated, DVT, Arterial insufficiency, Infection · Implanted",
        "Implanted devices pacemaker",
        "Trauma 2026-07-01 (blunt)",
        "Surgery 2026-07-03",
        "Radiotherapy done 2024-10-01",
        "Strength (MRC grade)",
        "Hip extension inferior gluteal L5-S2 5 3 *",
        *(humanize(group).capitalize() for group in MUSCLE_GROUPS),  # every group's row, the last one too
        "Ankle plantarflexion tibial S1-S2 5 2 *",
    ):
        assert squash(text) in first, text
    assert plan["alerts"][0]["level"] == "urgent"
    assert len(plan["alerts"]) >= 3 and len(plan["held"]) >= 15  # a long held list (17 with the documents of 12b)
    # The held list follows the strength table, before the first section; page 1 says how many are held.
    held = len(plan["held"])
    assert squash(f"Held back by the safety screen: {held} items for") in first
    body = "".join(pages)
    strength_at = body.index(squash("Strength (MRC grade)"))
    held_at = body.index(squash("Held back by the safety screen"), strength_at)
    assert held_at < body.index(squash("1. Physical therapy"), strength_at)


def test_a_signed_plan_says_who_signed_when_and_the_content_hash_on_page_one(library: Any) -> None:
    assessment = load_example("neoplastic-after-radiation")
    plan = apply_edits(generate_plan(assessment, library), PlanEdits())
    pages = pages_of(render_clinician_pdf(plan, assessment, context(SIGNATURE)))
    assert squash("Signed by Dr. Ana Ruiz, PT, DPT") in pages[0]
    assert squash(f"Content hash {short_hash(SIGNATURE.content_hash)}") in pages[0]
    assert squash("3f2a 9c1b 77d0 e4a5") in pages[0]
    assert not any("Draft,forclinicianreview" in page for page in pages)


def test_the_clinicians_decisions_are_marked_and_the_excluded_listed_with_reasons(library: Any) -> None:
    assessment = load_example("neoplastic-after-radiation")
    content = generate_plan(assessment, library)
    exercises = [e["id"] for e in content["exercises"]]
    edits = exclude_item(PlanEdits(), "clinic-aid-walker", "has a rollator of her own")
    edits = reword_item(edits, "nlsp-pt-arom-progression", "Active range of motion twice a day", "As shown.")
    edits, _ = add_item(edits, "pt", "Pool therapy on Tuesdays", "", "Go to the pool on Tuesdays.")
    edits = exclude_exercise(edits, exercises[-1], "skin too fragile")
    edits = set_dosage(edits, "ex-bridge", DosageChange(sets=3, reps=8, note="Only on the bed."))
    edits = set_equipment_status(edits, "eq-reacher", "issued")
    edits = set_equipment_status(edits, "eq-tub-bench", "not_needed")
    plan = apply_edits(content, edits)
    text = "".join(pages_of(render_clinician_pdf(plan, assessment, context())))
    assert squash("Active range of motion twice a day As shown.") in text
    assert squash("(edited by clinician)") in text
    assert squash("Pool therapy on Tuesdays") in text and squash("(added by clinician)") in text
    assert squash("Patient text: Go to the pool on Tuesdays.") in text
    assert squash("Excluded by the clinician") in text
    assert squash("Walker for walking (Orthoses and assistive devices): has a rollator of her own") in text
    excluded_name = content["exercises"][-1]["name"]
    assert squash(f"{excluded_name} (home exercise): skin too fragile") in text
    assert squash("Bridge (active)") in text and squash("3 sets of 8 · hold 3 seconds · twice a day") in text
    assert squash("dosage changed; the document's: 2 sets of 10 · hold 3 seconds · twice a day") in text
    assert squash("note: Only on the bed.") in text
    assert squash("Issued: Reacher") in text and squash("Not needed: Bath bench") in text
    assert squash("Suggested, no decision yet:") in text


def test_the_pdf_code_uses_no_private_reportlab_internals() -> None:
    """Stock flowables through the public API (issue 13): none of the private names the old renderer used."""
    private = (
        "_textOut",
        "_hAlignAdjust",
        "_FUZZ",
        "_wrapWidths",
        "_doctemplate",
        "_startPage",
        "_pagesize",
        "_cellvalues",
        "cleanBlockQuotedText",
        "rl_config",
    )
    for path in sorted((REPO / "planner" / "export").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert not [name for name in private if name in source], path.name


def test_reportlab_is_pinned_below_its_next_major_version() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"reportlab>=[0-9.]+,<6"', pyproject)
    import reportlab

    assert int(reportlab.Version.split(".")[0]) < 6


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_every_example_prints_page_x_of_y_on_every_page(library: Any, path: Any) -> None:
    assessment = load_example(path.stem)
    plan = apply_edits(generate_plan(assessment, library), PlanEdits())
    pages = pages_of(render_clinician_pdf(plan, assessment, context()))
    for number, page in enumerate(pages, start=1):
        assert f"Page{number}of{len(pages)}" in page


def test_the_footer_prints_the_time_in_words(library: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assessment = load_example("neoplastic-after-radiation")
        plan = apply_edits(generate_plan(assessment, library), PlanEdits())
        moment = ExportContext(clinic=CLINIC, generated_at=datetime(2026, 12, 6, 3, 5, tzinfo=UTC))
        pages = pages_of(render_clinician_pdf(plan, assessment, moment))
        assert all(squash("Generated 6 December 2026, 03:05 UTC") in page for page in pages)
    finally:
        monkeypatch.undo()
        time.tzset()
