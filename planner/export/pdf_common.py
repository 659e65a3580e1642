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
import weakref
from collections import Counter
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
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import cleanBlockQuotedText

from planner.export.fallback_font import draw_runs, font_runs, mark_fallback_runs, needs_fallback, runs_width
from planner.paths import fonts_dir
from planner.plan.text import passage_paragraphs

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
_UNCLEAN_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]|[ \u00a0]{2}")
"""Anything :func:`clean` would change inside a string: a control character, a line break, a double space."""


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
    value = str(text)
    # Most text is clean already (documents are cleaned when loaded): one search instead of four passes.
    if value == value.strip() and not _UNCLEAN_TEXT.search(value) and unicodedata.is_normalized("NFC", value):
        return value
    value = unicodedata.normalize("NFC", value)
    value = _LINE_BREAKS.sub(" ", value)
    value = _CONTROL.sub("", value)
    return _SPACES.sub(" ", value).strip()


def escape(text: object) -> str:
    """Make any user or document text safe to place inside ReportLab Paragraph markup.

    ``<b>``, ``<img src="http://...">`` or ``<font color=red>`` in a patient's name or a passage must
    print literally: markup would change the document, and ``<img>`` would make ReportLab load a file or
    URL. Quotes are escaped too. Letters the DejaVu fonts lack (a CJK name) come back inside a ``<font>``
    tag of our own naming the fallback font (see :mod:`planner.export.fallback_font`).
    """
    value = clean(text)
    escaped = (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )
    return mark_fallback_runs(escaped)  # CJK and other letters DejaVu lacks, in the fallback font


def paragraphs_of(text: object) -> list[str]:
    """Split stored passage text into escaped paragraphs: blank lines separate them, single breaks reflow.

    Passages are stored hard-wrapped as in their source documents; reflowing them keeps the printed
    reference list compact while keeping the author's paragraph breaks.
    """
    return [part for part in (escape(chunk) for chunk in passage_paragraphs(text)) if part]


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
    """The Paragraph both PDFs build: runs of one style merged, line breaks kept for the last width.

    Why, for speed (parsing, line breaking and drawing text are most of a render):

    * Text without tags (entities at most, as :func:`escape` writes them) is not run through ReportLab's
      markup parser, which takes some 60 µs for a short title and twice that with an entity in it: it
      becomes the one fragment the parser would make of it, cloned from a fragment parsed once per style.
    * ReportLab sets a paragraph whose text is one run of one style on a fast path, and any other paragraph
      word by word, about four times slower. Its parser ends a run at every character entity, so
      ``PM&amp;R`` or ``1.1&nbsp;`` alone would send a paragraph down the slow path; adjacent runs that
      differ in nothing but their text are joined again here, which changes nothing on the page.
    * Platypus wraps the same paragraph several times at the same width (a KeepTogether measures its parts
      and the frame then wraps each part again; a Table wraps each cell to size its rows and again to draw
      it), and ``Paragraph.wrap`` breaks the lines afresh every time. The result depends only on the width
      (text and style are fixed once the paragraph is built), so the later wraps reuse the first one.
    * A one-run, left-aligned paragraph (nearly all of them) is drawn as one text object set at its place
      on the page: the lines ReportLab would set, without moving the origin to the paragraph first, and
      without the second graphics-state save and colour reset ReportLab's general drawing code adds. A
      plan is some 300 short paragraphs, so the fixed cost of each is a fair part of a render (these two
      changes took a fifth off it). Anything else (other alignments, bullets, borders, links, mixed runs)
      is drawn by ReportLab.
    """

    _wrapped: tuple[float, float, list[float], Any, float] | None = None

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle,
        bulletText: str | None = None,
        frags: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if frags is None and text is not None:
            frags = _plain_frags(text, style)
        parsed = frags is None
        super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)
        if parsed:  # a piece of a split paragraph arrives as a word list, plain text as its one run
            self.frags = _join_runs(self.frags)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        wrapped = self._wrapped
        if wrapped is not None and wrapped[0] == availWidth:
            _, self.width, self._wrapWidths, self.blPara, self.height = wrapped
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        if availWidth >= rl_config._FUZZ:  # below it ReportLab returns "cannot fit here" without breaking lines
            self._wrapped = (availWidth, self.width, self._wrapWidths, self.blPara, self.height)
        return width, height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not self._plain():
            super().drawOn(canvas, x, y, _sW)
            return
        # Flowable.drawOn saves the graphics state, moves the origin to (x, y) and draws; the save is
        # kept, the move is not: the text is set at (x, y) itself.
        canvas.saveState()
        self.canv = canvas
        self._draw_plain(self._hAlignAdjust(x, _sW), y)
        del self.canv
        canvas.restoreState()

    def draw(self) -> None:
        if self._plain():
            self._draw_plain(0, 0)
        else:
            super().draw()

    def _plain(self) -> bool:
        """Whether this (wrapped) paragraph is one run of one style that :meth:`_draw_plain` can set."""
        lines = self.blPara
        return (
            lines.kind == 0
            and not (getattr(lines, "us_lines", None) or getattr(lines, "link", None))
            and not getattr(self, "_showBoundary", False)
            and _plain_drawable(self.style, self.bulletText)
        )

    def _draw_plain(self, x: float, y: float) -> None:
        """The lines ReportLab would set for this paragraph with its bottom left at (x, y), in one text object."""
        lines, style, canvas = self.blPara, self.style, self.canv
        left = x + style.leftIndent
        baseline = y + self.height - (lines.fontSize if rl_config.paraFontSizeHeightOffset else lines.ascent)
        text = canvas.beginText(left, baseline)
        self._draw_head(text, left, baseline)
        text.setFont(lines.fontName, lines.fontSize, style.leading)
        text.setFillColor(lines.textColor)
        offset = style.firstLineIndent
        for extra, words in lines.lines:
            # ReportLab's left-aligned line: an overfull line (negative extra space) is squeezed by
            # narrowing its spaces; a first-line indent is a move there and back.
            joined = " ".join(words)
            spaces = len(words) + joined.count("\u00a0") - 1
            squeeze = extra < -1e-8 and spaces > 0
            if offset:
                text.setXPos(offset)
            if squeeze:
                text.setWordSpace(extra / spaces)
            text._textOut(joined, 1)
            if squeeze:
                text.setWordSpace(0)
            if offset:
                text.setXPos(-offset)
                offset = 0
        self._draw_tail(text, left, baseline)
        canvas.drawText(text)

    def _draw_head(self, text: Any, left: float, baseline: float) -> None:
        """Runs set before the first line (none here; see :class:`MixedPara`)."""

    def _draw_tail(self, text: Any, left: float, baseline: float) -> None:
        """Runs set after the last word (none here; see :class:`MixedPara`)."""


def _plain_drawable(style: ParagraphStyle, bullet: str | None) -> bool:
    """Whether :meth:`Para.draw` sets a one-run paragraph in this style itself (left-aligned, unadorned)."""
    return (
        style.alignment == TA_LEFT
        and not bullet
        and not style.backColor
        and not (style.borderWidth and style.borderColor)
        and not getattr(style, "autoLeading", "")
        and style.wordWrap != "RTL"
    )


_PLAIN_RUNS: weakref.WeakKeyDictionary[ParagraphStyle, Any] = weakref.WeakKeyDictionary()
"""Per style, the fragment ReportLab's parser makes of a plain word (styles are not changed once built)."""


_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": "\u00a0"}
_ENTITY = re.compile("|".join(_ENTITIES))
_UNCLEAN = re.compile(r"[^\S ]|  |^ | $")
"""Whitespace other than single spaces between words (``\\s`` is the whitespace ``str.split`` splits on)."""


def _plain_frags(text: str, style: ParagraphStyle) -> list[Any] | None:
    """The fragments the parser would make of text without tags: none, or one run in the style's font.

    None when the parser is needed after all (see :func:`_plain_text`).
    """
    plain = _plain_text(text, style)
    if not plain:
        return None if plain is None else []
    run = _PLAIN_RUNS.get(style)
    if run is None:
        run = _PLAIN_RUNS[style] = Paragraph("x", style).frags[0]
    return [run.clone(text=plain)]


def _plain_text(text: str, style: ParagraphStyle) -> str | None:
    """The text the parser would make of markup without tags, or None when the parser is needed after all:
    tags, a style that transforms text, or an entity other than the ones :func:`escape` and the
    renderers write."""
    if "<" in text or getattr(style, "textTransform", None):
        return None
    # The parser's own whitespace clean-up (runs of whitespace as one space, none at the ends), done
    # before entities are decoded; most text comes through clean() already in that form.
    cleaned = cleanBlockQuotedText(text) if _UNCLEAN.search(text) else text
    if "&" in cleaned:
        if "&" in _ENTITY.sub("", cleaned):
            return None
        cleaned = _ENTITY.sub(lambda match: _ENTITIES[match.group()], cleaned)
    return cleaned


def _join_runs(frags: list[Any]) -> list[Any]:
    """Parsed fragments with neighbours that differ only in their text joined into one."""
    joined: list[Any] = []
    for frag in frags:
        if joined and _same_but_text(joined[-1], frag):
            joined[-1].text += frag.text
        else:
            joined.append(frag)
    return joined


def _same_but_text(first: Any, second: Any) -> bool:
    one, two = first.__dict__, second.__dict__
    if "text" not in one or "text" not in two or one.keys() != two.keys():
        return False
    return all(one[key] == two[key] for key in one if key != "text")


@dataclass(frozen=True, slots=True)
class Run:
    """A short piece of text in its own font, size and colour (a reference marker, a muted label)."""

    text: str
    font: str
    size: float
    color: colors.Color


class MixedPara(Para):
    """Text in one style between a short head and tail in other styles.

    For example a reference entry ``12.  **Title**, version 1`` (head, text, tail) or an item's detail
    followed by reference markers ``[3][4]`` in accent colour (text, tail).

    Why: one differently styled ``[3]`` sends a whole paragraph down ReportLab's word-by-word path (see
    :class:`Para`), and details and reference entries are the bulk of a plan. Here the text alone is broken
    into lines; the head is drawn before the first line, whose indent grows by the head's width, and the
    tail after the last word, on the last line. When the tail does not fit there, or the text carries
    markup of its own, the paragraph is laid out as one mixed-style Paragraph instead, so the page is
    always the one ReportLab would print for the same markup. ``spaced`` puts a space (in the text's
    font) between head, text, tail and the runs within them, as the markup ``head text tail`` would.
    """

    _head: tuple[Run, ...] = ()
    _tail: tuple[Run, ...] = ()
    _space = 0.0
    _head_width = 0.0
    _tail_width = 0.0
    _tail_x = 0.0
    _joint = ""
    _plain_style: ParagraphStyle | None = None

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle,
        head: Sequence[Run] = (),
        tail: Sequence[Run] = (),
        *,
        spaced: bool = True,
        **kwargs: Any,
    ) -> None:
        head = tuple(run for run in head if run.text)
        tail = tuple(run for run in tail if run.text)
        if text is None or not (head or tail):  # plain text, or a piece of a split paragraph
            super().__init__(text, style, **kwargs)
            return
        joint = " " if spaced else ""
        space = pdfmetrics.stringWidth(joint, style.fontName, style.fontSize)
        head_width = _runs_width(head, space) + space if head else 0.0
        indented = style
        if head:
            indented = ParagraphStyle(style.name, parent=style, firstLineIndent=style.firstLineIndent + head_width)
        # An indent changes no fragment: take the plain style's (parsed once per style), not the new one's.
        frags = _plain_frags(text, style)
        super().__init__(text, indented, frags=frags, **kwargs)
        frag = self.frags[0] if len(self.frags) == 1 else None
        if (
            getattr(frag, "text", None) is None
            or (frag.fontName, frag.fontSize) != (style.fontName, style.fontSize)
            or not _plain_drawable(indented, self.bulletText)
            or any(needs_fallback(run.text) for run in (*head, *tail))  # runs in two fonts: ReportLab sets them
        ):
            super().__init__(_mixed_markup(head, text, tail, joint), style, **kwargs)
            return
        self._head, self._tail, self._joint, self._plain_style = head, tail, joint, style
        self._space, self._head_width = space, head_width
        self._tail_width = space + _runs_width(tail, space) if tail else 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        size = super().wrap(availWidth, availHeight)
        if self._tail and not self._place_tail():
            self._lay_out_mixed()
            size = super().wrap(availWidth, availHeight)
        return size

    def _place_tail(self) -> bool:
        """Put the tail after the last word when the last line has room for it; False when it has not."""
        lines = self.blPara
        if lines.kind != 0 or not lines.lines:
            return False
        unused = lines.lines[-1][0]
        if unused < self._tail_width:
            return False
        index = len(lines.lines) - 1
        widths = self._wrapWidths
        self._tail_x = widths[min(index, len(widths) - 1)] - unused + self._space
        return True

    def _lay_out_mixed(self) -> None:
        """Become the mixed-style Paragraph of the same markup (ReportLab breaks its lines word by word)."""
        frag = self.frags[0]
        text = frag.text if hasattr(frag, "text") else " ".join(frag.words)
        style = self._plain_style or self.style
        markup = _mixed_markup(self._head, _escape_markup(text), self._tail, self._joint)
        self._head, self._tail, self._wrapped = (), (), None
        Para.__init__(self, markup, style)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        if len(parts) > 1:  # the head goes with the first line, the tail with the last word
            first, last = parts[0], parts[-1]
            first._head, first._head_width, first._space = self._head, self._head_width, self._space
            last._tail, last._tail_width, last._space = self._tail, self._tail_width, self._space
            last._joint, last._plain_style = self._joint, last.style
        return parts

    def _draw_head(self, text: Any, left: float, baseline: float) -> None:
        """The head, drawn first so that text extraction reads it first; its runs end where the indent does."""
        if self._head:
            self._draw_runs(text, self._head, left + self.style.firstLineIndent - self._head_width, baseline)
            text.setTextOrigin(left, baseline)

    def _draw_tail(self, text: Any, left: float, baseline: float) -> None:
        if self._tail:
            style, index = self.style, len(self.blPara.lines) - 1
            x = left + (style.firstLineIndent if index == 0 else 0) + self._tail_x
            self._draw_runs(text, self._tail, x, baseline - index * style.leading)

    def _draw_runs(self, text: Any, runs: Sequence[Run], x: float, y: float) -> None:
        """Set runs one after the other from (x, y), ``space`` apart, in the paragraph's text object."""
        for run in runs:
            text.setTextOrigin(x, y)
            text.setFont(run.font, run.size)
            text.setFillColor(run.color)
            text.textOut(run.text)
            x += pdfmetrics.stringWidth(run.text, run.font, run.size) + self._space


def _runs_width(runs: Sequence[Run], space: float) -> float:
    """Width of runs set one after the other with ``space`` between them."""
    return sum(pdfmetrics.stringWidth(run.text, run.font, run.size) for run in runs) + space * (len(runs) - 1)


def _run_markup(run: Run) -> str:
    text = mark_fallback_runs(_escape_markup(run.text))
    return f'<font name="{run.font}" size="{run.size:g}" color="{run.color.hexval()}">{text}</font>'


def _mixed_markup(head: Sequence[Run], text: str, tail: Sequence[Run], joint: str) -> str:
    """The markup a :class:`MixedPara` stands for, laid out by ReportLab when the fast way does not apply."""
    return joint.join([*map(_run_markup, head), *([text] if text else []), *map(_run_markup, tail)])


def _escape_markup(text: str) -> str:
    """Text already cleaned (or taken back from a parsed paragraph) made safe as Paragraph markup again."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


class Keep(KeepTogether):
    """A KeepTogether that measures its parts without copying the page frame.

    ReportLab's KeepTogether deep-copies the current frame every time it measures its parts, in case a
    part adds content to the frame while it wraps (a footnote, a frame break). None of the parts the two
    PDFs keep together do (paragraphs, tables, spacers, ruled lines), and the copy cost some 5 % of a
    clinician render, so the frame is hidden from the measuring instead. What is kept together, and where
    the pages break, is unchanged.
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        template = getattr(self.canv, "_doctemplate", None)
        frame = getattr(template, "frame", None)
        if frame is None:
            return super().wrap(availWidth, availHeight)
        template.frame = None
        try:
            return super().wrap(availWidth, availHeight)
        finally:
            template.frame = frame


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


ROW_SPLIT_MIN = 72.0
"""A table row taller than the rest of a page splits across pages, in parts of at least an inch (72 pt)."""


def page_table(data: Sequence[Sequence[Any]], **options: Any) -> Table:
    """Every table of both PDFs is made here: a row may split across pages (ReportLab's ``splitInRow``).

    Without it a row taller than a page (a 120-line clinic address in the letterhead, twenty long pain sites
    in the findings) cannot be placed anywhere and the export fails with a LayoutError. Each part of a split
    row is at least :data:`ROW_SPLIT_MIN` high, so the ordinary rows of a plan, far shorter than a page,
    still move to the next page whole, as before (their pages are unchanged, checked on the examples).
    """
    return Table(data, splitInRow=ROW_SPLIT_MIN, **options)


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle whose cells use DejaVu: ReportLab sets each cell's font (Helvetica by default) even
    when the cell holds a Paragraph, which would add an unembedded Type 1 font to the file.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


TextCell = tuple[str, ParagraphStyle]
"""A table cell as Paragraph markup (already escaped) in a style."""


def text_table(
    rows: Sequence[Sequence[TextCell | Flowable | list[Flowable]]],
    widths: Sequence[float],
    commands: Sequence[tuple[Any, ...]],
    *,
    padding: tuple[float, float],
    **options: Any,
) -> Table:
    """A Table whose text cells are handed to ReportLab as the cheapest thing that prints them.

    A cell of plain text that fits its column on one line becomes a string set in its style's font, size,
    leading and colour; any other becomes a :class:`Para` that wraps. The page is the same either way (a
    one-line paragraph sits on the same baseline of a row of the same height), but a string skips line
    breaking and the graphics-state save around each cell, which over the ~130 cells of a plan's tables
    was a tenth of a render. ``padding`` (left, right) decides what fits, so the table sets it and
    ``commands`` must not. Flowable cells pass through. The cells' looks are table style commands: style
    the returned table through ``commands`` only, since :func:`table_style` would reset its fonts.
    """
    left, right = padding
    cells: list[list[Any]] = []
    looks: dict[tuple[int, int], ParagraphStyle] = {}
    for row_index, row in enumerate(rows):
        out: list[Any] = []
        for column, cell in enumerate(row):
            if not isinstance(cell, tuple):
                out.append(cell)
                continue
            markup, style = cell
            plain = _plain_text(markup, style)
            room = widths[column] - left - right
            if plain and pdfmetrics.stringWidth(plain, style.fontName, style.fontSize) <= room:
                out.append(plain)
                looks[(column, row_index)] = style
            else:
                out.append(Para(markup, style))
        cells.append(out)
    table = page_table(cells, colWidths=list(widths), **options)
    padded = [("LEFTPADDING", (0, 0), (-1, -1), left), ("RIGHTPADDING", (0, 0), (-1, -1), right)]
    table.setStyle(table_style([*padded, *commands, *_look_commands(looks)]))
    return table


def _look_commands(looks: dict[tuple[int, int], ParagraphStyle]) -> list[tuple[Any, ...]]:
    """Font, size, leading and colour commands for string cells: per column the style most of its
    strings use, then each cell in another style (a dozen commands, not four for every cell)."""
    by_column: dict[int, Counter[ParagraphStyle]] = {}
    for (column, _row), style in looks.items():
        by_column.setdefault(column, Counter())[style] += 1
    usual = {column: counts.most_common(1)[0][0] for column, counts in by_column.items()}
    commands: list[tuple[Any, ...]] = []
    for column, style in usual.items():
        commands += _look(style, (column, 0), (column, -1))
    for (column, row), style in looks.items():
        if style is not usual[column]:
            commands += _look(style, (column, row), (column, row))
    return commands


def _look(style: ParagraphStyle, start: tuple[int, int], end: tuple[int, int]) -> list[tuple[Any, ...]]:
    return [
        ("FONTNAME", start, end, style.fontName),
        ("FONTSIZE", start, end, style.fontSize),
        ("LEADING", start, end, style.leading),
        ("TEXTCOLOR", start, end, style.textColor),
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


GRID_PADDING = (3.0, 3.0)
"""Left and right cell padding of the data grids."""


def grid_commands() -> list[tuple[Any, ...]]:
    """The data tables' look (a shaded header row, hairlines between rows), shared by every grid in the
    plan; set with :data:`GRID_PADDING` through :func:`text_table`."""
    return [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]


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

    Page states are kept at each showPage and replayed in save(), the usual ReportLab recipe. All of the
    footer but the page number is the same on every page, so it is drawn once, as a form every page
    shows, rather than set afresh ten times. The initial font is DejaVu so ReportLab never adds a Type 1
    font to the file.
    """

    FOOTER_FORM = "footer"

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
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            if number == 1:
                self._define_footer()
            self.doForm(self.FOOTER_FORM)
            self.setFont(FONT_BOLD, 9)
            self.setFillColor(INK)
            width, _height = self._pagesize
            self.drawRightString(width - self._margin, FOOTER_SPACE - 4 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()

    def _define_footer(self) -> None:
        """The rule, the document and patient line, the generation line and the draft mark, as a form."""
        footer = self._footer
        width, _height = self._pagesize
        left, right = self._margin, width - self._margin
        top = FOOTER_SPACE - 4 * mm
        self.beginForm(self.FOOTER_FORM)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(left, top + 3.5 * mm, right, top + 3.5 * mm)
        self.setFillColor(MUTED)
        self.setFont(FONT, 8)
        first = footer.document_label
        if footer.patient_line:
            first = f"{first} · {footer.patient_line}" if first else footer.patient_line
        draw_runs(self, left, top, _fit(first, FONT, 8, (right - left) * 0.7), 8)
        generated = f"Generated {format_datetime(footer.generated_at)}"
        if footer.library_version:
            generated += f" · Library version {clean(footer.library_version)}"
        draw_runs(self, left, top - 3.8 * mm, _fit(generated, FONT, 8, (right - left) * 0.62), 8)
        if footer.draft:
            self.setFont(FONT_BOLD, 8.5)
            self.setFillColor(DRAFT_INK)
            self.drawRightString(right, top - 3.8 * mm, DRAFT_MARK)
        self.endForm()


def _fit(text: str, font: str, size: float, width: float) -> list[tuple[str, str]]:
    """A single canvas line as (font, text) runs, shortened with an ellipsis so that a 200-character name
    cannot run off the page; letters DejaVu lacks are in the fallback font."""
    text = clean(text)
    if runs_width(font_runs(text, font), size) <= width:
        return font_runs(text, font)
    while text and runs_width(font_runs(text + "…", font), size) > width:
        text = text[:-1]
    return font_runs(text.rstrip() + "…", font)


def build_pdf(
    story: list[Flowable],
    footer: Footer,
    *,
    title: str,
    author: str = "",
    subject: str = "",
    margin: float = MARGIN,
) -> bytes:
    """Lay out ``story`` on A4 pages with the shared footer and return the PDF as bytes (nothing on disk).

    The story list is consumed: ReportLab takes each flowable off it as it is placed, so a page's
    paragraphs, with their parsed text and line breaks, are freed once drawn instead of all being held
    (and scanned again and again by Python's garbage collector) until the last page is done.

    Rendering in memory lets the caller write the file atomically, so a failed render never leaves a
    partial PDF behind. The frame has no inner padding, so a table sized with :func:`frame_width` fills
    exactly the space between the margins and lines up with the footer rule.

    Page streams are written Flate-compressed only: ReportLab's default adds an ASCII85 layer to keep a
    file 7-bit clean, which a PDF embedding binary font streams never is; the layer only cost time (some
    7 % of a render) and a quarter more bytes per page stream. The setting is process-wide, like the fonts.
    """
    register_fonts()
    rl_config.useA85 = 0
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
    document.keepTogetherClass = Keep  # a heading and what follows it are kept together the cheaper way

    def canvas_maker(*args: Any, **kwargs: Any) -> NumberedCanvas:
        return NumberedCanvas(*args, footer=footer, margin=margin, **kwargs)

    document.build(story, canvasmaker=canvas_maker)
    return buffer.getvalue()


def frame_width(margin: float = MARGIN) -> float:
    """Usable text width of a page with the given side margins (for sizing table columns)."""
    return PAGE_SIZE[0] - 2 * margin


def draft_box(content: Flowable, width: float) -> Table:
    """The boxed draft mark both PDFs print when unsigned: border, fill and words, so it survives
    black-and-white printing."""
    table = page_table([[content]], colWidths=[width])
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
