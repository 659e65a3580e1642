"""A card's precautions never leave it (review 12m, R12m-04): read back from real handouts, in normal and large
print and in both languages, no page starts with the "Take care" ("Cuidado") block, and each exercise or
equipment card's precautions print on the page of the card's name.

The cases are the shipped examples and the clinical reviewers' cases with the most cards (tests/fixtures/review*),
each with every piece of equipment chosen so the equipment cards print too, and hostile cards no page can hold.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from planner.assessment.validate import validate_assessment
from planner.edits import CHOSEN_EQUIPMENT, PlanEdits, apply_edits, set_equipment_status
from planner.export.context import ClinicInfo, ExportContext
from planner.export.handout import patient_text, render_handout_pdf
from planner.export.handout_labels import labels
from planner.plan.generate import generate_plan
from tests.conftest import example_paths
from tests.paths import FIXTURES

PRINTED = datetime(2026, 12, 1, 10, tzinfo=UTC)
CLINIC = ClinicInfo(name="Riverside Rehabilitation", address="12 Mill Road", phone="555 0142")
FOOTER_TOP = 20 * mm
"""Text below this height is the page footer (its rule is at 15.5 mm, the body frame ends at 28 mm)."""
REVIEW_CASES = [
    "review12m/m04.json",  # R12m-04: the transfer board's helper rule went to the next page in large print
    "review12m/m06.json",  # R12m-04: Spanish, "Cuidado" alone on a page in large print
    "review12h/h04-radiation-nocancer-lymphedema.json",  # the most cards (15)
    "review12k/k02.json",  # Spanish, 13 cards
    "review12h/h02-tumour-severe-step3-opioid-pregabalin.json",
    "review12i/i06.json",
    "review12h/h03-tumour-palliative-eol-es.json",
]
CASES = [*example_paths(), *(FIXTURES / name for name in REVIEW_CASES)]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body_lines(pdf: bytes) -> list[list[str]]:
    """Each page's body text as lines from the top down (the footer left out): lines are ordered by the height
    they are drawn at, not by the order they were written in; the pieces of a line keep their written order."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines: dict[int, list[str]] = {}

        def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: float, lines: Any = lines) -> None:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and y > FOOTER_TOP:
                lines.setdefault(-round(y), []).append(text.strip())

        page.extract_text(visitor_text=visit)
        pages.append([" ".join(pieces) for _y, pieces in sorted(lines.items())])
    return pages


def card_faults(plan: dict[str, Any], pdf: bytes) -> list[str]:
    """Where the handout parts a card from its precautions: a page that starts with the precautions label, or a
    card whose precautions are not on the page of its name."""
    language = plan.get("language") or "en"
    words = labels(language)
    lines = body_lines(pdf)
    faults = [
        f"page {number} starts with {page[0]!r}"
        for number, page in enumerate(lines, start=1)
        if page and page[0].startswith(words["take_care"] + ":")
    ]
    pages = [squash(" ".join(page)) for page in lines]
    # a card's name, then the note that it prints in English (if it does), then the equipment's status
    cards = [
        (squash(f"{words['exercise'].format(number=number)}: {patient_text(card, 'name', language)[0]}"), "", card)
        for number, card in enumerate(plan.get("exercises") or (), start=1)
    ]
    cards += [
        (squash(patient_text(entry, "name", language)[0]), squash(words["status_" + entry["status"]]), entry)
        for entry in plan.get("equipment") or ()
        if entry.get("status") in CHOSEN_EQUIPMENT
    ]
    for name, status, card in cards:
        heading = re.compile(re.escape(name) + r"(\([^)]*\))?" + re.escape(status))
        on = [number for number, page in enumerate(pages, start=1) if heading.search(page)]
        assert on, f"no page prints {name}"
        if not (card.get("precautions") or "").strip():
            continue
        care = squash(f"{words['take_care']}: {patient_text(card, 'precautions', language)[0]}")[:60]
        if care not in pages[on[0] - 1]:
            faults.append(f"{name}: its precautions are not on p.{on[0]}, the page of its name")
    return faults


@pytest.fixture(scope="module")
def plans(library: Any) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Each case's assessment and plan, every piece of equipment chosen (the cards print only when chosen)."""
    out = {}
    for path in CASES:
        assessment = validate_assessment(json.loads(Path(path).read_text(encoding="utf-8")))
        content = generate_plan(assessment, library)
        edits = PlanEdits()
        for entry in content.get("equipment") or ():
            edits = set_equipment_status(edits, entry["id"], "recommended")
        out[Path(path).stem] = (assessment, apply_edits(content, edits))
    return out


def context(library: Any) -> ExportContext:
    return ExportContext(clinic=CLINIC, generated_at=PRINTED, figures=library.figures)


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("name", [Path(path).stem for path in CASES])
def test_every_card_keeps_its_precautions_on_the_page_of_its_name(
    library: Any, plans: Any, name: str, large_print: bool
) -> None:
    assessment, plan = plans[name]
    pdf = render_handout_pdf(plan, assessment, context(library), large_print=large_print)
    assert card_faults(plan, pdf) == []


def test_the_cases_print_spanish_cards_and_equipment_cards(plans: Any) -> None:
    """The cases above test what they claim: Spanish cards, and equipment cards with precautions."""
    assert any(plan.get("language") == "es" and plan["exercises"] for _assessment, plan in plans.values())
    assert any(
        entry.get("precautions") and entry["status"] in CHOSEN_EQUIPMENT
        for _assessment, plan in plans.values()
        for entry in plan.get("equipment") or ()
    )


def test_the_transfer_board_helper_rule_stays_with_its_card_in_large_print(library: Any, plans: Any) -> None:
    """R12m-04 as the reviewer found it: in m04 the transfer board card's only helper rule went to the next page."""
    assessment, plan = plans["m04"]
    pages = body_lines(render_handout_pdf(plan, assessment, context(library), large_print=True))
    page = squash(" ".join(next(page for page in pages if any("transfer" in line for line in page[:2]))))
    assert squash("Take care: Always have a helper with you") in page


def test_no_page_is_left_blank_between_large_print_cards(library: Any, plans: Any) -> None:
    """A card that fills its page must not push the gap after it onto a page of its own."""
    assessment, plan = plans["m04"]
    pages = body_lines(render_handout_pdf(plan, assessment, context(library), large_print=True))
    assert [number for number, page in enumerate(pages, start=1) if not page] == []


LONG_STEP = "Keep your back straight and your foot flat, and move slowly, breathing out as you go. " * 3
LONG_NOTE = "Do it on the bed, never on the floor. " * 52  # near the longest note the clinician may write


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_card_taller_than_a_page_prints_its_precautions_with_its_name(
    library: Any, plans: Any, large_print: bool, language: str
) -> None:
    """Hostile cards no page can hold (twenty long steps; the longest note a clinician may write): the card
    splits over pages, and its precautions stay on the page of its name, ahead of the steps."""
    assessment, plan = plans["neoplastic-after-radiation" if language == "en" else "m06"]
    first, second, *rest = [card for card in plan["exercises"] if card.get("precautions")]
    noted = dict(plan)
    noted["exercises"] = [
        dict(first, instructions=[LONG_STEP] * 20, translation=None),
        dict(second, note=LONG_NOTE),  # the clinician's own words, printed as written
        *rest,
    ]
    noted["equipment"] = [
        dict(entry, instructions=[LONG_STEP] * 12, translation=None)
        for entry in plan.get("equipment") or ()
        if entry.get("precautions")
    ][:2]
    pdf = render_handout_pdf(noted, assessment, context(library), large_print=large_print)
    assert card_faults(noted, pdf) == []
    text = squash(" ".join(" ".join(page) for page in body_lines(pdf)))
    assert text.count(squash(LONG_STEP)) == 20 + 12 * len(noted["equipment"])  # nothing lost in the split
