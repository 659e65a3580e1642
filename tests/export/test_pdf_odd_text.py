"""Long and non-Latin text in the PDFs: exports never fail on valid text, and CJK names print.

Every PDF here is read back (pypdf and pdftotext) and its pages rendered as PNG with pdftoppm.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.assessment.validate import validate_assessment
from planner.export.context import ClinicInfo, ExportContext
from planner.export.fallback_font import FALLBACK_FONT
from planner.export.service import render_document
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.plan.generate import generate_plan
from tests.conftest import EXAMPLES_DIR

GENERATED = datetime(2026, 11, 21, 8, 15, tzinfo=UTC)
CJK_NAME = "王小明 山田太郎 김민준"


@pytest.fixture(scope="module")
def library() -> Any:
    return compile_library(read_shipped_documents())


def example() -> dict[str, Any]:
    return json.loads((EXAMPLES_DIR / "neoplastic-after-radiation.json").read_text(encoding="utf-8"))


def render_both(library: Any, assessment: dict[str, Any], clinic: ClinicInfo) -> list[bytes]:
    assessment = validate_assessment(assessment)
    plan = generate_plan(assessment, library)
    context = ExportContext(clinic=clinic, generated_at=GENERATED)
    return [render_document(plan, assessment, context, handout=handout).pdf for handout in (False, True)]


def text_of(pdf: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def long_text_cases() -> dict[str, tuple[dict[str, Any], ClinicInfo]]:
    plain = ClinicInfo(name="Clinic", address="1 Main Street")
    cases: dict[str, tuple[dict[str, Any], ClinicInfo]] = {}
    sites = example()
    sites["pain"]["sites"] = [f"site{i:02d}" + "x" * 94 for i in range(20)]  # 20 sites of 100 letters, no space
    cases["20 unbreakable pain sites"] = (sites, plain)
    spaced = example()
    spaced["pain"]["sites"] = [
        f"site{i:02d} lateral thigh, buttock and groin with burning pain on walking" for i in range(20)
    ]
    cases["20 long pain sites"] = (spaced, plain)
    address = "\n".join(f"Building {i}, Long Street {i}, Springfield" for i in range(120))
    cases["a 120-line clinic address"] = (example(), ClinicInfo(name="Clinic", address=address))
    names = example()
    names["patient"] = {"id": "I" * 200, "name": "Wolfeschlegelsteinhausenbergerdorff" * 5 + "x" * 25}
    names["assessor"] = "A" * 200
    names["history"]["malignancy"] = "m" * 200
    cases["names of 200 characters"] = (names, ClinicInfo(name="C" * 200, address=address))
    return cases


@pytest.mark.parametrize("case", list(long_text_cases()), ids=str)
def test_long_valid_text_never_fails_an_export(library: Any, case: str, tmp_path: Path) -> None:
    assessment, clinic = long_text_cases()[case]
    clinician, handout = render_both(library, assessment, clinic)
    for site in assessment["pain"].get("sites") or []:  # the clinician copy lists them
        assert "".join(site.split()) in text_of(clinician)  # every site printed in full (cells wrap, rows split)
    for pdf in (clinician, handout):
        text = text_of(pdf)
        for line in clinic.address.splitlines():
            assert "".join(line.split()) in text
        assert "".join(assessment["patient"]["name"].split()) in text
        pages = PdfReader(io.BytesIO(pdf)).pages
        assert all("Page" in page.extract_text() for page in pages)  # the footer on every page


def fonts_by_text(pdf: bytes) -> dict[str, set[str]]:
    """Each piece of text on the pages with the fonts it is set in (pypdf's text visitor)."""
    found: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
            if text.strip() and font is not None:
                found.setdefault(text.strip(), set()).add(str(font.get("/BaseFont")))

        page.extract_text(visitor_text=visit)
    return found


def test_cjk_names_and_sites_print_in_the_fallback_font(library: Any, tmp_path: Path) -> None:
    assessment = example()
    assessment["patient"]["name"] = CJK_NAME
    assessment["pain"]["sites"] = ["左大腿", "臀部 (buttock)"]
    for pdf in render_both(library, assessment, ClinicInfo(name="東京リハビリ Clinic", address="1-2-3 東京")):
        text = text_of(pdf)
        assert "".join(CJK_NAME.split()) in text and "東京リハビリClinic" in text
        fonts = fonts_by_text(pdf)
        cjk_fonts = {font for piece, used in fonts.items() if "王小明" in piece or "김민준" in piece for font in used}
        assert cjk_fonts and all(FALLBACK_FONT in font for font in cjk_fonts)
        latin = {font for piece, used in fonts.items() if piece.startswith("Clinic") for font in used}
        assert latin and all("DejaVu" in font for font in latin)  # only the runs that need it change font
    if shutil.which("pdftotext"):
        (tmp_path / "cjk.pdf").write_bytes(pdf)
        extracted = subprocess.run(["pdftotext", str(tmp_path / "cjk.pdf"), "-"], capture_output=True, text=True)
        assert CJK_NAME in extracted.stdout  # the footer and the heading, as drawn


def test_the_cjk_glyphs_are_drawn(library: Any, tmp_path: Path) -> None:
    """Look at the page: the name's area is inked in the CJK rendering as much as in a Latin one."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image

    inked = {}
    for label, name in (("cjk", "王王王王 山山山山"), ("latin", "WWWW MMMM")):
        assessment = example()
        assessment["patient"]["name"] = name
        handout = render_both(library, assessment, ClinicInfo())[1]
        path = tmp_path / f"{label}.pdf"
        path.write_bytes(handout)
        subprocess.run(
            ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / label)], check=True
        )
        image = Image.open(next(tmp_path.glob(f"{label}-*1.png"))).convert("L")
        inked[label] = sum(image.point(lambda value: 1 if value < 128 else 0).histogram()[1:2])
    assert inked["cjk"] > 0.8 * inked["latin"]  # empty boxes or blanks would leave far less ink


def test_an_ordinary_pdf_does_not_load_the_fallback_font(tmp_path: Path) -> None:
    script = f"""
import json
from datetime import datetime, UTC
from reportlab.pdfbase import pdfmetrics
from planner.export.context import ClinicInfo, ExportContext
from planner.export.service import render_document
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.plan.generate import generate_plan
assessment = json.loads(open({str(EXAMPLES_DIR / "neoplastic-after-radiation.json")!r}, encoding="utf-8").read())
plan = generate_plan(assessment, compile_library(read_shipped_documents()))
context = ExportContext(clinic=ClinicInfo(name="Clínica Ñandú"), generated_at=datetime.now(UTC))
for handout in (False, True):
    pdf = render_document(plan, assessment, context, handout=handout).pdf
    assert b"DroidSansFallback" not in pdf
print({FALLBACK_FONT!r} in pdfmetrics.getRegisteredFontNames())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
