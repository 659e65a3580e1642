"""Letters the DejaVu fonts lack (Chinese, Japanese, Korean) printed in a fallback font, run by run.

A patient called 王小明 or 김민준 must print, not as empty boxes. DejaVu covers Latin, Greek and Cyrillic;
Droid Sans Fallback (shipped in resources/fonts/ with its Apache 2.0 licence beside it, never a system font:
users and CI have none) covers the CJK ideographs, kana and Hangul. Only the runs of text that DejaVu cannot
set change font, so a CJK name inside an English plan keeps the plan's type around it. The fallback file is
read the first time a text needs it, so an ordinary PDF does not pay for its 3 MB.

Two entry points: :func:`mark_fallback_runs` for Paragraph markup (wraps such runs in a ``<font>`` tag) and
:func:`font_runs` for strings drawn straight on the canvas (the page footer).
"""

from __future__ import annotations

import threading
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from planner.paths import fonts_dir

FALLBACK_FONT = "DroidSansFallback"
FALLBACK_FILE = "DroidSansFallback.ttf"
BASE_FONT = "DejaVuSans"
"""The font whose coverage decides (the bold and oblique DejaVu faces cover the same letters)."""

_lock = threading.Lock()


@cache
def _covered_by_base() -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(BASE_FONT).face.charToGlyph)


@cache
def _covered_by_fallback() -> frozenset[int]:
    """The fallback's letters, registering the font on first use (thread-safe)."""
    with _lock:
        if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FALLBACK_FONT, str(fonts_dir() / FALLBACK_FILE)))
    return frozenset(pdfmetrics.getFont(FALLBACK_FONT).face.charToGlyph)


def _needs_fallback(character: str) -> bool:
    code = ord(character)
    return code not in _covered_by_base() and code in _covered_by_fallback()


def font_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` cut into (font, run) pieces: ``font`` where DejaVu has the letters, the fallback where only it
    has them. Letters neither covers stay in ``font`` (they print as its missing-glyph box)."""
    if text.isascii():
        return [(font, text)] if text else []
    runs: list[tuple[str, str]] = []
    for character in text:
        wanted = FALLBACK_FONT if _needs_fallback(character) else font
        if runs and runs[-1][0] == wanted:
            runs[-1] = (wanted, runs[-1][1] + character)
        else:
            runs.append((wanted, character))
    return runs


def needs_fallback(text: str) -> bool:
    return not text.isascii() and any(_needs_fallback(character) for character in text)


def mark_fallback_runs(markup: str) -> str:
    """Paragraph markup with each run of letters only the fallback has wrapped in ``<font name=...>``.

    Safe on escaped markup: tags and entities are ASCII, which DejaVu covers, so only text is wrapped.
    """
    if not needs_fallback(markup):
        return markup
    return "".join(
        f'<font name="{FALLBACK_FONT}">{run}</font>' if font == FALLBACK_FONT else run
        for font, run in font_runs(markup, "")
    )


def runs_width(runs: list[tuple[str, str]], size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs)


def draw_runs(canvas: object, x: float, y: float, runs: list[tuple[str, str]], size: float) -> None:
    """Draw runs one after another from (x, y) on a ReportLab canvas, each in its font."""
    for font, run in runs:
        canvas.setFont(font, size)  # type: ignore[attr-defined]
        canvas.drawString(x, y, run)  # type: ignore[attr-defined]
        x += pdfmetrics.stringWidth(run, font, size)
