"""The clinician PDF's progress page, read back: present only when the plan compares visits, with the
figures of every visit and the expected recovery window; and due dates printed on follow-up items."""

from __future__ import annotations

import copy
import io
import re
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader

from planner.export.clinician import render_clinician_pdf
from planner.export.context import ClinicInfo, ExportContext
from planner.plan.generate import generate_plan
from tests.engine.test_progress import FIRST, SECOND, THIRD

CONTEXT = ExportContext(ClinicInfo(name="Test clinic"), datetime(2026, 3, 8, 9, 0, tzinfo=UTC))


def pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def visits(etiology: str = "idiopathic", onset: str = "2025-06-01") -> list[dict[str, Any]]:
    out = []
    for visit in (FIRST, SECOND, THIRD):
        visit = copy.deepcopy(visit)
        visit["history"].update({"etiology": etiology, "onset": onset})
        out.append(visit)
    return out


def test_progress_page_shows_every_visit_and_the_window(library: Any) -> None:
    first, second, third = visits()
    plan = generate_plan(third, library, [first, second])
    text = pages(render_clinician_pdf(plan, third, CONTEXT))
    page = next(p for p in text if "Progress across visits" in p)
    assert "3 visits from 2026-01-10 to 2026-03-07" in page
    for label in ("MRC grade, groups weak at any visit", "Pain (0-10", "Excess limb volume (%)"):
        assert label in page
    assert "hip extension (right), MRC 3 4 4" in page
    assert "ankle dorsiflexion (right), MRC 2 1 3" in page
    assert "pain NRS 7 5 8" in page
    assert "excess limb volume % 21 15.6 14.5" in page
    assert (
        "Expected recovery window for this cause: 6 to 36 months from onset (2025-06-01), 2025-12-01 to 2028-06-01"
        in page
    )


def test_no_progress_page_for_a_first_visit(library: Any) -> None:
    first = visits()[0]
    text = " ".join(pages(render_clinician_pdf(generate_plan(first, library), first, CONTEXT)))
    assert "Progress across visits" not in text


def test_due_dates_print_on_follow_up_items(library: Any) -> None:
    first, second, third = visits()
    plan = generate_plan(third, library, [first, second])
    text = " ".join(pages(render_clinician_pdf(plan, third, CONTEXT)))
    # the item may run over a page break, whose footer and header then print between "Due" and its date
    assert re.search(r"Due (Page \d+ of \d+ .{0,200}?)?2026-04-04 \(4 weeks after assessment\)", text)
