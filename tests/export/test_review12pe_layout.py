"""Reviews 12n, 12o and 12p: the handout's layout, read back from real PDFs (R12o-02, R12n-18, R12p-07).

- "When to call us" is one box, never split over a page turn: every warning line on the page of its heading. It
  stands on page one under the urgent box; when it cannot fit there it starts whole on page two and page one
  says so. Only a list longer than a whole page goes on in a second box, under the heading marked "(continued)".
- The daily checklist is kept whole on one page.
- One tick chart per handout, every exercise in it: its weeks run on under "(continued)", never a second chart
  for the last exercises (large print with nine exercises printed two charts of four pages).

Each is checked over the shipped examples and the reviewers' cases, in English and Spanish, normal and large
print, and on both sides of its threshold with plans made longer or shorter on purpose.
"""

from __future__ import annotations

import copy
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import validate_assessment
from planner.export.context import ClinicInfo, ExportContext
from planner.export.handout import patient_text, render_handout_pdf
from planner.export.handout_labels import labels
from planner.plan.generate import generate_plan
from tests.conftest import load_example

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PRINTED = datetime(2026, 12, 6, 10, tzinfo=UTC)
CLINIC = ClinicInfo(name="Riverside Rehabilitation", address="12 Mill Road", phone="555 0142")
CASES = {
    "idiopathic-proximal": lambda: load_example("idiopathic-proximal"),
    "neoplastic-after-radiation": lambda: load_example("neoplastic-after-radiation"),
    "entrapment-piriformis": lambda: load_example("entrapment-piriformis"),
    "o01-dvt": lambda: fixture("review12o/o01-dvt-right-lymph-right-weak-left.json"),
    "o05-spinal-hold": lambda: fixture("review12o/o05-es-spinal-hold-nonwalker-board.json"),
    "p05-nine-exercises": lambda: fixture("review12p/p05-neo-prostate-step3-neurostimulator.json"),
}
PRINTS = {"normal": False, "large": True}


def fixture(name: str) -> dict[str, Any]:
    return validate_assessment(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def pages_of(pdf: bytes) -> list[str]:
    """Each page's text without spaces (a line break may fall anywhere in a sentence)."""
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def context(library: Any) -> ExportContext:
    return ExportContext(clinic=CLINIC, generated_at=PRINTED, figures=library.figures)


@pytest.fixture(scope="module")
def library() -> Any:
    """The shipped library with its shipped translations (as the application loads it), so that the Spanish
    handouts print Spanish."""
    from planner.library.compiler import compile_library
    from planner.library.files import read_shipped_documents
    from planner.library.translations import read_shipped_translations

    return compile_library(read_shipped_documents(), translations=read_shipped_translations())


@pytest.fixture(scope="module")
def plans(library: Any) -> dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]]:
    """(assessment, plan) of every case, in English and Spanish, drafted once for the module."""
    drafted = {}
    for name, load in CASES.items():
        assessment = load()
        for language in ("en", "es"):
            drafted[name, language] = assessment, generate_plan(assessment, library, language=language)
    return drafted


def render(library: Any, assessment: dict[str, Any], plan: dict[str, Any], large_print: bool) -> list[str]:
    return pages_of(render_handout_pdf(plan, assessment, context(library), large_print=large_print))


def call_lines(plan: dict[str, Any]) -> list[str]:
    language = plan.get("language") or "en"
    return [squash(patient_text(entry, "text", language)[0]) for entry in plan["handout"]["call"]]


def pages_with(pages: list[str], text: str) -> list[int]:
    return [number for number, page in enumerate(pages, start=1) if text in page]


def assert_call_box_whole(pages: list[str], plan: dict[str, Any]) -> None:
    """Every call line, and the phone line that closes the box, on a page that carries the box's heading (the
    heading itself, or that heading marked "(continued)"); the box's first page is page one, or page two with
    page one pointing to it."""
    words = labels(plan.get("language") or "en")
    heading, pointer = squash(words["call_heading"]), squash(words["call_overleaf"])
    headed = [n for n in pages_with(pages, heading) if pages[n - 1].count(heading) > pages[n - 1].count(pointer)]
    assert headed, "no call box"
    first = headed[0]
    assert first == 1 or (first == 2 and pointer in pages[0]), f"call box on page {first}"
    closing = squash(f"{words['call_us']} {CLINIC.phone}")
    for line in [*call_lines(plan), closing]:
        found = pages_with(pages, line)
        assert found, f"call line missing: {line[:40]}"
        assert set(found) <= set(headed), f"call line {line[:40]} on page {found}, its heading on {headed}"
    assert len(headed) == 1 or all(squash(words["continued"]) in pages[n - 1] for n in headed[1:])


@pytest.mark.parametrize("print_name", PRINTS)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("case_name", CASES)
def test_pe_the_call_box_is_never_split(
    library: Any, plans: Any, case_name: str, language: str, print_name: str
) -> None:
    """R12o-02: o01 in large print printed the DVT patient's ambulance lines on page 2, with no heading."""
    assessment, plan = plans[case_name, language]
    pages = render(library, assessment, plan, PRINTS[print_name])
    assert_call_box_whole(pages, plan)


def with_call_lines(plan: dict[str, Any], count: int) -> dict[str, Any]:
    """The plan with ``count`` call lines, made by repeating its own (each numbered, so each is found)."""
    changed = copy.deepcopy(plan)
    own = plan["handout"]["call"]
    changed["handout"]["call"] = [
        {**own[k % len(own)], "id": f"call-{k}", "text": f"{k + 1}. {own[k % len(own)]['text']}", "translation": None}
        for k in range(count)
    ]
    return changed


@pytest.mark.parametrize("language", ["en", "es"])
def test_pe_a_short_call_box_stands_on_page_one_under_the_urgent_box(library: Any, plans: Any, language: str) -> None:
    """Below the threshold: under the DVT patient's urgent box, a call box of three lines fits page one in large
    print, and stands there whole."""
    assessment, plan = plans["o01-dvt", language]
    assert plan["handout"]["urgent"], "the DVT case heads its handout with an urgent box"
    short = with_call_lines(plan, 3)
    pages = render(library, assessment, short, True)
    assert_call_box_whole(pages, short)
    heading = squash(labels(language)["call_heading"])
    assert pages_with(pages, heading) == [1]
    assert squash(labels(language)["call_overleaf"]) not in pages[0]
    assert squash(labels(language)["urgent_heading"]) in pages[0]


@pytest.mark.parametrize("language", ["en", "es"])
def test_pe_a_call_box_too_long_for_page_one_moves_whole_to_page_two(library: Any, plans: Any, language: str) -> None:
    """Above the threshold: the DVT patient's own ten call lines in large print cannot fit under the urgent box;
    the box starts whole on page two and page one says where it is (it used to print three lines on page one
    and the ambulance lines, headless, on page two)."""
    assessment, plan = plans["o01-dvt", language]
    pages = render(library, assessment, plan, True)
    words = labels(language)
    assert squash(words["call_overleaf"]) in pages[0]
    assert squash(words["call_heading"]) in pages[1]
    assert squash(words["urgent_heading"]) in pages[0]
    assert_call_box_whole(pages, plan)


def test_pe_a_call_list_longer_than_a_page_goes_on_under_its_heading(library: Any, plans: Any) -> None:
    """The hostile input: forty call lines fill more than a page; no line is printed away from a heading."""
    assessment, plan = plans["o01-dvt", "en"]
    long = with_call_lines(plan, 40)
    for large_print in (False, True):
        pages = render(library, assessment, long, large_print)
        assert len(pages_with(pages, squash(labels("en")["call_heading"]))) >= 2
        assert_call_box_whole(pages, long)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("case_name", ["idiopathic-proximal", "o01-dvt", "p05-nine-exercises"])
def test_pe_the_checklist_is_kept_whole(library: Any, plans: Any, case_name: str, language: str) -> None:
    """R12n-18: the large-print checklist ran over pages 4 and 5."""
    assessment, plan = plans[case_name, language]
    entries = [squash(patient_text(e, "text", language)[0]) for e in plan["handout"]["checklist"]]
    assert entries
    for large_print in (False, True):
        pages = render(library, assessment, plan, large_print)
        heading = pages_with(pages, squash(labels(language)["checklist"]))
        assert len(heading) == 1
        for entry in entries:
            assert pages_with(pages, entry) == heading, entry[:40]


def chart_pages(pages: list[str], language: str) -> tuple[list[int], list[int]]:
    """(pages headed by the chart's heading alone, pages headed by it marked "(continued)")."""
    words = labels(language)
    chart, continued = squash(words["chart"]), squash(f"{words['chart']} {words['continued']}")
    both = pages_with(pages, chart)
    going_on = pages_with(pages, continued)
    return [n for n in both if n not in going_on], going_on


def chart_header(language: str, numbers: range) -> str:
    words = labels(language)
    return squash(words["week"].format(number="")) + squash(words["day"]) + "".join(str(n) for n in numbers)


@pytest.mark.parametrize("print_name", PRINTS)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("case_name", CASES)
def test_pe_one_tick_chart_holds_every_exercise(
    library: Any, plans: Any, case_name: str, language: str, print_name: str
) -> None:
    """R12p-07: one chart heading per handout (its other pages marked "(continued)"), every exercise a column
    of every page of it (one day's ticks on one page), every exercise named in its legend."""
    assessment, plan = plans[case_name, language]
    cards = plan["exercises"]
    pages = render(library, assessment, plan, PRINTS[print_name])
    first, going_on = chart_pages(pages, language)
    if plan["findings"].get("handout_tick_chart") is False or not cards:
        assert not first and not going_on
        return
    assert len(first) == 1, f"chart headings on pages {first}"
    assert all(page > first[0] for page in going_on)
    header = chart_header(language, range(1, len(cards) + 1))
    for number in [*first, *going_on]:
        assert header in pages[number - 1], f"page {number} lacks some exercise's column"
    for card in cards:
        assert squash(patient_text(card, "name", language)[0]) in pages[first[0] - 1]
    if not PRINTS[print_name] and len(cards) <= 12:
        assert not going_on, "normal print keeps its four weeks on one page"


def test_pe_nine_exercises_in_large_print_make_one_chart(library: Any, plans: Any) -> None:
    """The reviewer's case: nine exercises, large print; weeks 1-2 on one page, 3-4 on the next, continued."""
    assessment, plan = plans["p05-nine-exercises", "en"]
    assert len(plan["exercises"]) == 9
    pages = render(library, assessment, plan, True)
    first, going_on = chart_pages(pages, "en")
    assert len(first) == 1 and going_on == [first[0] + 1]


def test_pe_more_exercises_than_fit_across_go_on_under_the_same_heading(library: Any, plans: Any) -> None:
    """The hostile input: twenty exercises cannot fit across a page; the chart goes on in a further band of
    columns under "(continued)", never a second chart heading, and every exercise has its column."""
    assessment, plan = plans["p05-nine-exercises", "en"]
    many = copy.deepcopy(plan)
    many["exercises"] = [copy.deepcopy(plan["exercises"][k % 9]) for k in range(20)]
    for large_print in (False, True):
        pages = render(library, assessment, many, large_print)
        first, going_on = chart_pages(pages, "en")
        assert len(first) == 1 and going_on
        chart = "".join(pages[n - 1] for n in [*first, *going_on])
        # two bands of columns, each numbered on from the last: 1..k, then k+1..20
        assert any(
            chart_header("en", range(1, k + 1)) in chart and chart_header("en", range(k + 1, 21)) in chart
            for k in range(1, 20)
        )
