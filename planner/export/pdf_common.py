"""Pieces shared by the clinician plan and the patient handout PDFs (ReportLab platypus).

Why this module exists:

* Both documents must print any patient name and any document passage literally, in any script, so text
  goes through :func:`escape` (ReportLab's Paragraph parses a small HTML-like markup, and an unescaped
  ``<img src=...>`` would even make it try to fetch an image) and is set in the bundled DejaVu fonts, which
  cover Latin, Greek and Cyrillic; ReportLab's built-in Type 1 fonts cover Latin-1 only.
* The fonts are registered once per process: parsing the TrueType files is the slowest part of a render.
* The page footer ("Page x of y", when and from which library version the plan was drafted, and the draft
  mark on every page of an unsigned plan) is drawn by one canvas class, so the two documents cannot drift
  apart on what a printed page must carry.
* Nothing here reads from a network: the logo is read from a local file by this module, never by ReportLab
  (whose image loader would accept a URL).

This is a pure core module (no Qt); service.py imports it lazily, so importing ReportLab at the top is fine.
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, Image, PageTemplate, Paragraph, Table, TableStyle

from planner.paths import fonts_dir

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_ITALIC: "DejaVuSans-Oblique.ttf"}

DRAFT_MARK = "Draft, for clinician review"
"""Printed on every page of an unsigned document; the tests and the app look for this exact wording."""

PAGE_SIZE = A4
MARGIN = 18 * mm
FOOTER_SPACE = 16 * mm
"""Room kept below the frame for the footer lines, so body text never runs into them."""

# Palette: dark enough on white for print and for readers with low vision; colour never carries meaning
# alone (levels and weak grades are also spelt out or marked).
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#4d4d4d")
RULE = colors.HexColor("#8c8c8c")
SHADE = colors.HexColor("#eef1f4")
ACCENT = colors.HexColor("#1f4e79")
DRAFT_INK = colors.HexColor("#8b1a1a")
DRAFT_FILL = colors.HexColor("#fbeaea")

MAX_LOGO_BYTES = 5 * 1024 * 1024

_fonts_lock = threading.Lock()
_fonts_registered = False

# C0 and C1 control characters, DEL, lone surrogates and non-characters: ReportLab either rejects them or
# prints boxes. Tabs and line breaks become spaces (a Paragraph reflows text anyway).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \u00a0]{2,}")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def register_fonts() -> None:
    """Register the bundled DejaVu fonts and their family once per process (thread-safe).

    The family mapping makes ``<b>`` and ``<i>`` in our own markup select the bold and oblique files,
    so they are embedded too instead of falling back to a Type 1 font without Greek or Polish letters.
    """
    global _fonts_registered
    if _fonts_registered:
        return
    with _fonts_lock:
        if _fonts_registered:
            return
        folder = fonts_dir()
        for name, file_name in _FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)
        _fonts_registered = True


def clean(text: object) -> str:
    """``text`` as a str ReportLab can draw: control characters removed, line breaks and tabs as spaces.

    Used directly for canvas strings (which take no markup) and by :func:`escape` for Paragraph text.
    """
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    value = _LINE_BREAKS.sub(" ", value)
    value = _CONTROL.sub("", value)
    return _SPACES.sub(" ", value).strip()


def escape(text: object) -> str:
    """Make any user or document text safe to place inside ReportLab Paragraph markup.

    ``<b>``, ``<img src="http://...">`` or ``<font color=red>`` in a patient's name or a passage must
    print literally: markup would change the document, and ``<img>`` would make ReportLab load a file or
    URL. Quotes are escaped too so the text is safe inside an attribute value.
    """
    value = clean(text)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def paragraphs_of(text: object) -> list[str]:
    """Split stored passage text into escaped paragraphs: blank lines separate them, single breaks reflow.

    Passages are stored hard-wrapped as in their source documents; reflowing them keeps the printed
    reference list compact while keeping the author's paragraph breaks.
    """
    raw = "" if text is None else str(text).replace("\r\n", "\n")
    return [part for part in (escape(chunk) for chunk in _BLANK_LINE.split(raw)) if part]


def humanize(value: object, empty: str = "not recorded") -> str:
    """Show an enum value from the assessment (``needs_help``) as words (``needs help``); None as ``empty``."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("_", " ")


def format_datetime(value: datetime) -> str:
    """A timestamp as a clinician reads it: local wall-clock time with the zone, minutes precision.

    Stored times are aware UTC; the printout is read in the clinic, so it is shown in the machine's zone.
    A naive datetime is printed as given.
    """
    if value.tzinfo is not None:
        value = value.astimezone()
        zone = value.strftime("%Z") or value.strftime("UTC%z")
        return f"{value:%Y-%m-%d %H:%M} {zone}"
    return f"{value:%Y-%m-%d %H:%M}"


def format_date(value: object) -> str:
    """An ISO date (str or date) for print; anything else is shown as text, missing as ``not recorded``."""
    if isinstance(value, datetime):
        return f"{(value.astimezone() if value.tzinfo else value):%Y-%m-%d}"  # same zone as format_datetime
    if isinstance(value, date):
        return value.isoformat()
    return humanize(value)


def stylesheet(base_size: float) -> dict[str, ParagraphStyle]:
    """Paragraph styles scaled from one body size (10 pt for the clinician plan, 14 pt for the handout).

    Headings keep with the next flowable so a heading is never stranded at the foot of a page.
    """
    register_fonts()
    leading = base_size * 1.35
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=base_size,
        leading=leading,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=base_size * 0.3,
        bulletFontName=FONT,
    )
    styles = {
        "body": body,
        "small": ParagraphStyle(
            "small",
            parent=body,
            fontSize=base_size * 0.82,
            leading=base_size * 1.08,
            textColor=MUTED,
            spaceAfter=base_size * 0.2,
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=base_size * 0.9, leading=base_size * 1.15, spaceAfter=0),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=base_size * 0.9,
            leading=base_size * 1.15,
            spaceAfter=0,
        ),
        "label": ParagraphStyle(
            "label", parent=body, fontSize=base_size * 0.82, leading=base_size * 1.1, textColor=MUTED, spaceAfter=0
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=base_size * 1.8,
            leading=base_size * 2.2,
            textColor=ACCENT,
            spaceBefore=base_size * 0.4,
            spaceAfter=base_size * 0.5,
            keepWithNext=1,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=base_size * 1.35,
            leading=base_size * 1.7,
            textColor=ACCENT,
            spaceBefore=base_size * 1.1,
            spaceAfter=base_size * 0.45,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=base_size * 1.1,
            leading=base_size * 1.4,
            spaceBefore=base_size * 0.7,
            spaceAfter=base_size * 0.2,
            keepWithNext=1,
        ),
        "item_title": ParagraphStyle(
            "item_title",
            parent=body,
            fontName=FONT_BOLD,
            spaceBefore=base_size * 0.6,
            spaceAfter=base_size * 0.15,
            keepWithNext=1,
        ),
        "clinic": ParagraphStyle(
            "clinic",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=base_size * 1.25,
            leading=base_size * 1.55,
            spaceAfter=base_size * 0.1,
        ),
        "draft": ParagraphStyle(
            "draft",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=base_size * 1.1,
            leading=base_size * 1.45,
            textColor=DRAFT_INK,
            spaceAfter=0,
        ),
    }
    return styles


class Para(Paragraph):
    """A Paragraph that keeps its line breaks for the width it was last wrapped to; both PDFs use only this.

    Why: platypus wraps the same paragraph several times at the same width (a KeepTogether measures its
    parts and the frame then wraps each part again; a Table wraps each cell to size its rows and again to
    draw it), and ReportLab's ``Paragraph.wrap`` breaks the lines afresh every time. Line breaking is most
    of a render, and its result depends only on the width (text and style are fixed once the paragraph is
    built), so the later wraps reuse the first one. Pages come out byte for byte as without the memo.
    """

    _wrapped: tuple[float, float, list[float], Any, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        wrapped = self._wrapped
        if wrapped is not None and wrapped[0] == availWidth:
            _, self.width, self._wrapWidths, self.blPara, self.height = wrapped
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        if availWidth >= rl_config._FUZZ:  # below it ReportLab returns "cannot fit here" without breaking lines
            self._wrapped = (availWidth, self.width, self._wrapWidths, self.blPara, self.height)
        return width, height


def load_logo(path: Path | None, max_width: float, max_height: float) -> Image | None:
    """The clinic logo as a flowable scaled into the box, or None when absent, unreadable or not an image.

    The bytes are read here from a local file (never a URL: a path that looks like one is refused) and
    handed to ReportLab in memory, so the renderer can never reach the network. A broken logo must not
    stop a plan from printing, so every failure just drops the logo.
    """
    if path is None:
        return None
    text = str(path)
    if "://" in text or text.lower().startswith(("http:", "https:", "ftp:", "data:", "file:")):
        return None
    try:
        local = Path(text).expanduser()
        if not local.is_file() or local.stat().st_size > MAX_LOGO_BYTES:
            return None
        data = local.read_bytes()
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
        if width <= 0 or height <= 0:
            return None
        scale = min(max_width / width, max_height / height)
        return Image(io.BytesIO(data), width=width * scale, height=height * scale, hAlign="LEFT")
    except Exception:  # any unreadable or malformed image: print without the logo
        return None


class CheckBox(Flowable):
    """An empty square the patient ticks by hand (drawn, not a font glyph, so it prints at any size)."""

    def __init__(self, size: float) -> None:
        super().__init__()
        self.size = size
        self.width = size
        self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(1.2)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


class RuledLines(Flowable):
    """Blank ruled lines for handwritten notes or signature fields."""

    def __init__(self, count: int, spacing: float, width: float | None = None) -> None:
        super().__init__()
        self.count = count
        self.spacing = spacing
        self.fixed_width = width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = self.fixed_width or available_width
        self.height = self.count * self.spacing
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.6)
        for index in range(self.count):
            y = self.height - (index + 1) * self.spacing + 1
            self.canv.line(0, y, self.width, y)


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle whose cells use DejaVu: ReportLab sets each cell's font (Helvetica by default) even
    when the cell holds a Paragraph, which would add an unembedded Type 1 font to the file.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


@dataclass(frozen=True, slots=True)
class Footer:
    """What every page's footer says; built by the renderer from the plan and the export context."""

    generated_at: datetime
    library_version: str | None
    draft: bool
    patient_line: str = ""
    document_label: str = ""


class NumberedCanvas(rl_canvas.Canvas):
    """A canvas that defers drawing the footer until the page count is known ("Page x of y").

    Page states are kept at each showPage and replayed in save(), the usual ReportLab recipe. The initial
    font is DejaVu so ReportLab never adds a Type 1 font to the file.
    """

    def __init__(self, *args: Any, footer: Footer, margin: float = MARGIN, **kwargs: Any) -> None:
        register_fonts()
        # The doc template passes these as None; a None would fall back to Helvetica.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 9
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._margin = margin
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        footer = self._footer
        width, _height = self._pagesize
        left, right = self._margin, width - self._margin
        top = FOOTER_SPACE - 4 * mm
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(left, top + 3.5 * mm, right, top + 3.5 * mm)
        self.setFillColor(MUTED)
        self.setFont(FONT, 8)
        first = footer.document_label
        if footer.patient_line:
            first = f"{first} · {footer.patient_line}" if first else footer.patient_line
        self.drawString(left, top, _fit(first, FONT, 8, (right - left) * 0.7))
        self.setFont(FONT_BOLD, 9)
        self.setFillColor(INK)
        self.drawRightString(right, top, f"Page {self._pageNumber} of {total}")
        self.setFont(FONT, 8)
        self.setFillColor(MUTED)
        generated = f"Generated {format_datetime(footer.generated_at)}"
        if footer.library_version:
            generated += f" · Library version {clean(footer.library_version)}"
        self.drawString(left, top - 3.8 * mm, _fit(generated, FONT, 8, (right - left) * 0.62))
        if footer.draft:
            self.setFont(FONT_BOLD, 8.5)
            self.setFillColor(DRAFT_INK)
            self.drawRightString(right, top - 3.8 * mm, DRAFT_MARK)
        self.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten a single canvas line with an ellipsis so a 200-character name cannot run off the page."""
    text = clean(text)
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def build_pdf(
    story: Sequence[Flowable],
    footer: Footer,
    *,
    title: str,
    author: str = "",
    subject: str = "",
    margin: float = MARGIN,
) -> bytes:
    """Lay out ``story`` on A4 pages with the shared footer and return the PDF as bytes (nothing on disk).

    Rendering in memory lets the caller write the file atomically, so a failed render never leaves a
    partial PDF behind. The frame has no inner padding, so a table sized with :func:`frame_width` fills
    exactly the space between the margins and lines up with the footer rule.
    """
    register_fonts()
    buffer = io.BytesIO()
    bottom = margin + FOOTER_SPACE - 6 * mm
    document = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=bottom,
        title=clean(title),
        author=clean(author),
        subject=clean(subject),
        creator="lsp-planner",
        producer="lsp-planner (ReportLab)",
        initialFontName=FONT,
    )
    frame = Frame(
        margin,
        bottom,
        PAGE_SIZE[0] - 2 * margin,
        PAGE_SIZE[1] - margin - bottom,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def canvas_maker(*args: Any, **kwargs: Any) -> NumberedCanvas:
        return NumberedCanvas(*args, footer=footer, margin=margin, **kwargs)

    document.build(list(story), canvasmaker=canvas_maker)
    return buffer.getvalue()


def frame_width(margin: float = MARGIN) -> float:
    """Usable text width of a page with the given side margins (for sizing table columns)."""
    return PAGE_SIZE[0] - 2 * margin


def draft_box(content: Flowable, width: float) -> Table:
    """The boxed draft mark both PDFs print when unsigned: border, fill and words, so it survives
    black-and-white printing."""
    table = Table([[content]], colWidths=[width])
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, DRAFT_INK),
                ("BACKGROUND", (0, 0), (-1, -1), DRAFT_FILL),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table
