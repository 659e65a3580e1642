"""The layout both PDFs share: a renderer class with hooks, the page footer, styles and a few flowables.

The shape follows pretix's invoice renderer: :class:`PdfRenderer` holds the page size, margins and fonts as
attributes, and subclasses fill in hooks (:meth:`~PdfRenderer.story`, :meth:`~PdfRenderer.on_first_page`,
:meth:`~PdfRenderer.on_later_pages`); :meth:`~PdfRenderer.render` builds the document into bytes. Everything
is laid out with ReportLab's stock flowables (Paragraph, Table, KeepTogether) through its public API only, so a
ReportLab upgrade within the pinned major version cannot change a printout behind our back.

Why the footer is drawn the way it is: every page carries "Page x of y", when and from which library version the
plan was drafted, the patient, and the draft mark on every page of an unsigned document. The total page count is
only known once the last page is laid out, so each page shows a small form named after its number, and the
canvas defines those forms (``Page 3 of 10``) when it is saved, once the count is known: one pass, public API.

Text handling (cleaning, escaping, the CJK fallback font) lives in :mod:`planner.export.pdf_text`. Nothing here
reads from a network: the logo is read from a local file by this module, never by ReportLab (whose image loader
would accept a URL). This is a pure core module (no Qt); ReportLab is imported by the export modules only.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from planner.export.fallback_font import draw_runs, font_runs, runs_width
from planner.export.handout_labels import long_datetime
from planner.export.pdf_text import clean
from planner.paths import fonts_dir
from planner.plan.text import DRAFT_MARK

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_ITALIC: "DejaVuSans-Oblique.ttf"}

# DRAFT_MARK (planner.plan.text) is printed on every page of an unsigned document.

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


def register_fonts() -> None:
    """Register the bundled DejaVu fonts and their family once per process (thread-safe).

    The family mapping makes ``<b>`` and ``<i>`` in our own markup select the bold and oblique files, so they
    are embedded too instead of falling back to a Type 1 font without Greek or Polish letters. Parsing the
    TrueType files is the slowest part of a first render, hence once.
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


def stylesheet(base_size: float) -> dict[str, ParagraphStyle]:
    """Paragraph styles scaled from one body size (the clinician plan's small type, the handout's 14 pt or
    more). Headings keep with the next flowable so a heading is never stranded at the foot of a page."""
    register_fonts()
    leading = base_size * 1.3
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

    def derived(name: str, **changes: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=body, **changes)

    return {
        "body": body,
        "small": derived(
            "small", fontSize=base_size * 0.85, leading=base_size * 1.1, textColor=MUTED, spaceAfter=base_size * 0.2
        ),
        "cell": derived("cell", fontSize=base_size * 0.92, leading=base_size * 1.15, spaceAfter=0),
        "cell_bold": derived(
            "cell_bold", fontName=FONT_BOLD, fontSize=base_size * 0.92, leading=base_size * 1.15, spaceAfter=0
        ),
        "label": derived("label", fontSize=base_size * 0.85, leading=base_size * 1.1, textColor=MUTED, spaceAfter=0),
        "title": derived(
            "title",
            fontName=FONT_BOLD,
            fontSize=base_size * 1.7,
            leading=base_size * 2.1,
            textColor=ACCENT,
            spaceBefore=base_size * 0.2,
            spaceAfter=base_size * 0.4,
            keepWithNext=1,
        ),
        "h1": derived(
            "h1",
            fontName=FONT_BOLD,
            fontSize=base_size * 1.3,
            leading=base_size * 1.6,
            textColor=ACCENT,
            spaceBefore=base_size * 0.9,
            spaceAfter=base_size * 0.35,
            keepWithNext=1,
        ),
        "h2": derived(
            "h2",
            fontName=FONT_BOLD,
            fontSize=base_size * 1.08,
            leading=base_size * 1.35,
            spaceBefore=base_size * 0.6,
            spaceAfter=base_size * 0.2,
            keepWithNext=1,
        ),
        "clinic": derived(
            "clinic", fontName=FONT_BOLD, fontSize=base_size * 1.25, leading=base_size * 1.55, spaceAfter=0
        ),
        "draft": derived(
            "draft",
            fontName=FONT_BOLD,
            fontSize=base_size * 1.1,
            leading=base_size * 1.4,
            textColor=DRAFT_INK,
            spaceAfter=0,
        ),
    }


@dataclass(frozen=True, slots=True)
class Footer:
    """What every page's footer says; built by the renderer from the plan and the export context."""

    generated_at: datetime
    library_version: str | None
    draft: bool
    patient_line: str = ""
    document_label: str = ""
    page_label: str = "Page {number} of {total}"
    """How the page number reads (a handout in another language says it in that language)."""
    generated_label: str = "Generated"
    library_label: str = "Library version"
    draft_label: str = DRAFT_MARK
    """The footer's fixed words, in the handout's language on a handout."""
    language: str | None = None
    """The language the printing time is written in ("6 December 2026, 03:05 UTC"); None is English."""


class PageCountCanvas(Canvas):
    """A canvas that prints "Page x of y" on every page in one pass.

    Each page shows a form named after its number; :meth:`save` defines the forms once the number of pages is
    known. Forms may be used before they are defined (ReportLab resolves them when the file is written).
    """

    def __init__(self, *args: Any, footer: Footer, right: float, baseline: float, **kwargs: Any) -> None:
        register_fonts()
        super().__init__(*args, **kwargs)
        self.setFont(FONT, 9)  # never the Type 1 default, which would add an unembedded font to the file
        self._footer = footer
        self._right = right
        self._baseline = baseline
        self._pages = 0

    def showPage(self) -> None:
        self._pages += 1
        self.doForm(f"page-number-{self._pages}")
        super().showPage()

    def save(self) -> None:
        for number in range(1, self._pages + 1):
            self.beginForm(f"page-number-{number}")
            self.setFont(FONT_BOLD, 9)
            self.setFillColor(INK)
            label = self._footer.page_label.format(number=number, total=self._pages)
            self.drawRightString(self._right, self._baseline, label)
            self.endForm()
        super().save()


class PdfRenderer:
    """One printed document: page geometry and fonts as attributes, content and page furniture as hooks.

    Subclasses set the attributes they change and implement :meth:`story`; :meth:`on_first_page` and
    :meth:`on_later_pages` draw on each page (both draw the shared footer here). :meth:`render` lays the story
    out on A4 pages and returns the PDF as bytes (nothing on disk: the caller writes the file atomically, so a
    failed render never leaves a partial PDF behind).
    """

    pagesize: tuple[float, float] = A4
    margin: float = 18 * mm
    footer_space: float = 16 * mm
    """Room kept below the frame for the footer lines, so body text never runs into them."""
    font: str = FONT
    font_bold: str = FONT_BOLD
    body_size: float = 10
    title: str = ""
    subject: str = ""
    author: str = ""

    def __init__(self, footer: Footer) -> None:
        self.footer = footer
        register_fonts()
        self.styles = self.stylesheet()

    # --- hooks ------------------------------------------------------------------------------------------
    def stylesheet(self) -> dict[str, ParagraphStyle]:
        return stylesheet(self.body_size)

    def story(self) -> list[Flowable]:
        raise NotImplementedError

    def on_first_page(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        self.draw_footer(canvas)

    def on_later_pages(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        self.draw_footer(canvas)

    # --- geometry ---------------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        """The text width between the side margins (tables sized to it line up with the footer rule)."""
        return self.pagesize[0] - 2 * self.margin

    @property
    def bottom(self) -> float:
        return self.margin + self.footer_space - 6 * mm

    @property
    def frame_height(self) -> float:
        """The height of the body frame: all a page has for a flowable that must not split."""
        return self.pagesize[1] - self.margin - self.bottom

    def paragraph(self, markup: str, style: str | ParagraphStyle = "body") -> Paragraph:
        """A stock Paragraph of markup the renderer wrote (user text inside it escaped by pdf_text)."""
        return Paragraph(markup, self.styles[style] if isinstance(style, str) else style)

    # --- building ---------------------------------------------------------------------------------------
    def render(self) -> bytes:
        """Lay out :meth:`story` with the footer and return the PDF as bytes."""
        buffer = io.BytesIO()
        document = BaseDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.margin,
            rightMargin=self.margin,
            topMargin=self.margin,
            bottomMargin=self.bottom,
            title=clean(self.title),
            author=clean(self.author),
            subject=clean(self.subject),
            creator="lsp-planner",
            producer="lsp-planner (ReportLab)",
            initialFontName=self.font,
        )
        frame = Frame(
            self.margin,
            self.bottom,
            self.width,
            self.frame_height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        document.addPageTemplates(
            [
                PageTemplate(id="first", frames=[frame], onPage=self.on_first_page, autoNextPageTemplate="later"),
                PageTemplate(id="later", frames=[frame], onPage=self.on_later_pages),
            ]
        )
        right, baseline = self.pagesize[0] - self.margin, self.footer_space - 4 * mm

        def canvas_maker(*args: Any, **kwargs: Any) -> PageCountCanvas:
            return PageCountCanvas(*args, footer=self.footer, right=right, baseline=baseline, **kwargs)

        document.build(self.story(), canvasmaker=canvas_maker)
        return buffer.getvalue()

    def draw_footer(self, canvas: Canvas) -> None:
        """The rule, the document and patient line, the generation line and the draft mark (the page number is
        the canvas's, see :class:`PageCountCanvas`)."""
        footer = self.footer
        left, right = self.margin, self.pagesize[0] - self.margin
        top = self.footer_space - 4 * mm
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, top + 3.5 * mm, right, top + 3.5 * mm)
        canvas.setFillColor(MUTED)
        first = footer.document_label
        if footer.patient_line:
            first = f"{first} · {footer.patient_line}" if first else footer.patient_line
        draw_runs(canvas, left, top, fit_line(first, FONT, 8, (right - left) * 0.7), 8)
        generated = f"{footer.generated_label} {long_datetime(footer.generated_at, footer.language)}"
        if footer.library_version:
            generated += f" · {footer.library_label} {clean(footer.library_version)}"
        # The line shares its row with the draft mark: it gets the room the mark leaves, and a size down to 7 pt
        # before anything is cut (a date in words in Spanish beside the Spanish mark only just fits at 8 pt).
        room = right - left
        if footer.draft:
            room -= runs_width(font_runs(footer.draft_label, FONT_BOLD), 8.5) + 4 * mm
        size = max(7.0, min(8.0, 8 * room / max(runs_width(font_runs(clean(generated), FONT), 8), 1)))
        draw_runs(canvas, left, top - 3.8 * mm, fit_line(generated, FONT, size, room), size)
        if footer.draft:
            canvas.setFont(FONT_BOLD, 8.5)
            canvas.setFillColor(DRAFT_INK)
            canvas.drawRightString(right, top - 3.8 * mm, footer.draft_label)
        canvas.restoreState()


def fit_line(text: str, font: str, size: float, width: float) -> list[tuple[str, str]]:
    """A single canvas line as (font, text) runs, shortened with an ellipsis so that a 200-character name
    cannot run off the page; letters DejaVu lacks are in the fallback font."""
    text = clean(text)
    if runs_width(font_runs(text, font), size) <= width:
        return font_runs(text, font)
    while text and runs_width(font_runs(text + "…", font), size) > width:
        text = text[:-1]
    return font_runs(text.rstrip() + "…", font)


class CheckBox(Flowable):
    """An empty square the patient ticks by hand (drawn, not a font glyph, so it prints at any size)."""

    def __init__(self, size: float, line_width: float = 1.2) -> None:
        super().__init__()
        self.size = size
        self.line_width = line_width
        self.width = size
        self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(self.line_width)
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


ROW_SPLIT_MIN = 72.0
"""A table row taller than the rest of a page splits across pages, in parts of at least an inch (72 pt)."""


def page_table(data: Sequence[Sequence[Any]], **options: Any) -> Table:
    """Every table of both PDFs is made here: a row may split across pages (ReportLab's ``splitInRow``).

    Without it a row taller than a page (a 120-line clinic address in the letterhead, twenty long pain sites
    in the findings) cannot be placed anywhere and the export fails with a LayoutError. Each part of a split
    row is at least :data:`ROW_SPLIT_MIN` high, so the ordinary rows of a plan, far shorter than a page, still
    move to the next page whole.
    """
    return Table(data, splitInRow=ROW_SPLIT_MIN, **options)


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle whose cells use DejaVu: ReportLab sets each cell's font (Helvetica by default) even when the
    cell holds a Paragraph, which would add an unembedded Type 1 font to the file."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def grid_commands(padding: float = 3) -> list[tuple[Any, ...]]:
    """The data tables' look (a shaded header row, hairlines between rows), shared by every grid."""
    return [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]


def letterhead(
    logo: Flowable | None, text: Any, width: float, *, rule: float, padding: float, space_after: float
) -> list[Flowable]:
    """The clinic's logo beside its name (a flowable or a list of them), ruled off from the page below; both
    documents open with it, the handout's a size larger."""
    if logo is not None:
        logo_width = logo.drawWidth + 6 * mm
        table = page_table([[logo, text or Spacer(1, 1)]], colWidths=[logo_width, width - logo_width])
    else:
        table = page_table([[text or Spacer(1, 1)]], colWidths=[width])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
                ("LINEBELOW", (0, -1), (-1, -1), rule, ACCENT),
            ]
        )
    )
    return [table, Spacer(1, space_after)]


def boxed(
    content: Any, width: float, *, border: colors.Color, fill: colors.Color, line: float = 1.0, padding: float = 8
) -> Table:
    """``content`` (a flowable or a list of them) in a box with a border and a fill."""
    table = page_table([[content]], colWidths=[width])
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), line, border),
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LEFTPADDING", (0, 0), (-1, -1), padding),
                ("RIGHTPADDING", (0, 0), (-1, -1), padding),
                ("TOPPADDING", (0, 0), (-1, -1), padding * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.75),
            ]
        )
    )
    return table


def draft_box(content: Flowable, width: float) -> Table:
    """The boxed draft mark both PDFs print when unsigned: border, fill and words, so it survives
    black-and-white printing."""
    return boxed(content, width, border=DRAFT_INK, fill=DRAFT_FILL, line=1.5)


def load_logo(path: Path | None, max_width: float, max_height: float) -> Image | None:
    """The clinic logo as a flowable scaled into the box, or None when absent, unreadable or not an image.

    The bytes are read here from a local file (never a URL: a path that looks like one is refused) and handed to
    ReportLab in memory, so the renderer can never reach the network. A broken logo must not stop a plan from
    printing, so every failure just drops the logo.
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
