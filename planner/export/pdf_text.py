"""Text for the PDFs: cleaned, escaped, and marked up for ReportLab's Paragraph; nothing about layout.

Why this module exists apart from the layout (planner.export.pdf_common):

* Both documents must print any patient name and any document passage literally, in any script. ReportLab's
  Paragraph parses a small HTML-like markup, so every text that comes from a user or a document goes through
  :func:`escape` before it becomes markup: ``<b>`` typed in a name prints as ``<b>``, and ``<img src=...>``
  can never make ReportLab load a file or a URL.
* Letters the DejaVu fonts lack (a CJK name) are wrapped in a ``<font>`` tag naming the bundled fallback font
  (see :mod:`planner.export.fallback_font`), so they print instead of showing empty boxes.
* Markup is only ever written by the renderers themselves, through :func:`styled` and :func:`bold`, around
  text that was escaped first.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from planner.export.fallback_font import mark_fallback_runs
from planner.plan.text import passage_paragraphs

# C0 and C1 control characters, DEL, lone surrogates and non-characters: ReportLab either rejects them or
# prints boxes. Tabs and line breaks become spaces (a Paragraph reflows text anyway).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \u00a0]{2,}")
_UNCLEAN_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]|[ \u00a0]{2}")
"""Anything :func:`clean` would change inside a string: a control character, a line break, a double space."""


def clean(text: object) -> str:
    """``text`` as a str ReportLab can draw: control characters removed, line breaks and tabs as spaces.

    Used directly for canvas strings (which take no markup) and by :func:`escape` for Paragraph text.
    """
    if text is None:
        return ""
    value = str(text)
    if value == value.strip() and not _UNCLEAN_TEXT.search(value) and unicodedata.is_normalized("NFC", value):
        return value
    value = unicodedata.normalize("NFC", value)
    value = _LINE_BREAKS.sub(" ", value)
    value = _CONTROL.sub("", value)
    return _SPACES.sub(" ", value).strip()


def escape(text: object) -> str:
    """Any user or document text made safe to place inside Paragraph markup, printed literally.

    ``<b>``, ``<img src="http://...">`` or ``<font color=red>`` in a patient's name or a passage must print as
    typed: markup would change the document, and ``<img>`` would make ReportLab load a file or URL. Quotes are
    escaped too. Letters the DejaVu fonts lack come back inside a ``<font>`` tag naming the fallback font.
    """
    value = clean(text)
    escaped = (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )
    return mark_fallback_runs(escaped)


def styled(text: object, *, font: str | None = None, size: float | None = None, color: str | None = None) -> str:
    """``text`` escaped, then set in another font, size or colour (a ``#rrggbb`` string) inside a paragraph."""
    attributes = "".join(
        f' {name}="{value}"'
        for name, value in (("name", font), ("size", f"{size:g}" if size else None), ("color", color))
        if value
    )
    inner = escape(text)
    return f"<font{attributes}>{inner}</font>" if attributes and inner else inner


def bold(text: object) -> str:
    """``text`` escaped and set in bold (the family's bold face, embedded like the regular one)."""
    inner = escape(text)
    return f"<b>{inner}</b>" if inner else ""


def paragraphs_of(text: object) -> list[str]:
    """Stored passage text as escaped paragraphs: blank lines separate them, single line breaks reflow.

    Passages are stored hard-wrapped as in their source documents; reflowing them keeps the printed reference
    list compact while keeping the author's paragraph breaks.
    """
    return [part for part in (escape(chunk) for chunk in passage_paragraphs(text)) if part]


def humanize(value: object, empty: str = "not recorded") -> str:
    """An enum value from the assessment (``needs_help``) as words (``needs help``); None as ``empty``."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("_", " ")


def local_time(value: datetime) -> tuple[datetime, str]:
    """(wall-clock time, zone name) of a timestamp as the clinic reads it; the zone is "" for a naive datetime.

    Stored times are aware UTC; the printout is read in the clinic, so it is shown in the machine's zone. A naive
    datetime is taken as given.
    """
    if value.tzinfo is None:
        return value, ""
    value = value.astimezone()
    return value, value.strftime("%Z") or value.strftime("UTC%z")


def format_datetime(value: datetime) -> str:
    """A timestamp as a clinician reads it: local wall-clock time with the zone, minutes precision (ISO)."""
    value, zone = local_time(value)
    return f"{value:%Y-%m-%d %H:%M} {zone}".rstrip()


def format_date(value: object) -> str:
    """An ISO date (str or date) for print; anything else is shown as text, missing as ``not recorded``."""
    if isinstance(value, datetime):
        return f"{(value.astimezone() if value.tzinfo else value):%Y-%m-%d}"  # same zone as format_datetime
    if isinstance(value, date):
        return value.isoformat()
    return humanize(value)
