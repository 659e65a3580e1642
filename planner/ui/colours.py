"""Every colour the app draws status text with, as (text, background) pairs, and the contrast they must keep.

Colours are either taken from the palette (then light and dark themes both work by construction) or fixed
in pairs: a fixed background always comes with its own fixed text colour, never with the palette's text, so
a dark theme cannot put light text on a pale status colour. :func:`status_pairs` lists every pair the app
uses for a given palette; a test checks each against WCAG AA (4.5:1 for text) in a light and a dark palette.

Imported by the first screen: only QtGui.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyleFactory

TEXT_CONTRAST = 4.5
"""WCAG 2.1 AA for normal text."""
NON_TEXT_CONTRAST = 3.0
"""WCAG 2.1 AA for focus indicators and field borders (1.4.11)."""

Pair = tuple[str, str]
"""(text, background) as '#rrggbb'."""

DUE_STATUS: dict[str, Pair] = {
    "overdue": ("#5c0b0b", "#f6d5d5"),
    "due": ("#3e2f00", "#fbecc8"),
}
ALERT_LEVEL: dict[str, Pair] = {
    "urgent": ("#ffffff", "#b71c1c"),
    "caution": ("#000000", "#f9a825"),
    "info": ("#ffffff", "#1565c0"),
}
BANNER: dict[str, Pair] = {
    "signed": ("#ffffff", "#1b5e20"),
    "draft": ("#3e2f00", "#fff3cd"),
    "earlier": ("#1a1a1a", "#dfe3e8"),
    "error": ("#ffffff", "#b00020"),
}
CHANGE_KIND: dict[str, Pair] = {
    "added": ("#0b3d17", "#e3f4e6"),
    "removed": ("#5c0b0b", "#fbe3e1"),
    "changed": ("#3e2f00", "#fff1d6"),
}
"""Rows of the plan comparison, and the inserted and deleted words inside a changed item."""
WORD_CHANGE: dict[str, Pair] = {
    "inserted": ("#0b3d17", "#c8ebd0"),
    "deleted": ("#7a0b0b", "#f8d0cc"),
}
CARRIED: dict[str, Pair] = {
    "review": ("#0d2a4a", "#dbeafb"),
    "gone": ("#3e2f00", "#fff1d6"),
}
"""What was carried over from the last visit and is not reviewed yet (a decision, a value in the form), and a
decision about something the plan no longer contains."""
INVALID_FRAME = "#e53935"
"""The frame of a field with a problem: 3:1 against both the light and the dark palette's field colours."""


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2.1)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(first: QColor | str, second: QColor | str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    a, b = sorted((luminance(QColor(first)), luminance(QColor(second))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _towards(colour: QColor, target: QColor, amount: float = 0.08) -> QColor:
    return QColor.fromRgbF(
        colour.redF() + (target.redF() - colour.redF()) * amount,
        colour.greenF() + (target.greenF() - colour.greenF()) * amount,
        colour.blueF() + (target.blueF() - colour.blueF()) * amount,
    )


def status_pairs(palette: QPalette) -> dict[str, tuple[QColor, QColor]]:
    """Every (text, background) pair the app draws text with, named, for ``palette``: the fixed status pairs
    and the palette's own pairs that carry text (including a disabled field's)."""
    pairs: dict[str, tuple[QColor, QColor]] = {}
    for group, table in (
        ("due", DUE_STATUS),
        ("alert", ALERT_LEVEL),
        ("banner", BANNER),
        ("change", CHANGE_KIND),
        ("word", WORD_CHANGE),
        ("carried", CARRIED),
    ):
        for name, (text, background) in table.items():
            pairs[f"{group}.{name}"] = (QColor(text), QColor(background))
    role = QPalette.ColorRole
    active, disabled = QPalette.ColorGroup.Active, QPalette.ColorGroup.Disabled
    pairs["palette.window"] = (palette.color(active, role.WindowText), palette.color(active, role.Window))
    pairs["palette.base"] = (palette.color(active, role.Text), palette.color(active, role.Base))
    pairs["palette.selection"] = (palette.color(active, role.HighlightedText), palette.color(active, role.Highlight))
    pairs["palette.button"] = (palette.color(active, role.ButtonText), palette.color(active, role.Button))
    pairs["palette.tooltip"] = (palette.color(active, role.ToolTipText), palette.color(active, role.ToolTipBase))
    pairs["palette.link"] = (palette.color(active, role.Link), palette.color(active, role.Base))
    pairs["palette.placeholder"] = (palette.color(active, role.PlaceholderText), palette.color(active, role.Base))
    pairs["palette.disabled-field"] = (palette.color(disabled, role.Text), palette.color(disabled, role.Base))
    pairs["palette.disabled-button"] = (palette.color(disabled, role.ButtonText), palette.color(disabled, role.Button))
    return pairs


def light_palette() -> QPalette:
    """Fusion's light palette, as a test or a screenshot asks for it whatever the desktop's theme."""
    style = QStyleFactory.create("Fusion")
    return readable(style.standardPalette())


def dark_palette() -> QPalette:
    """A dark palette of the kind desktops ship (window #2d2d2d, fields #1e1e1e, light text)."""
    palette = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for name, value in (
        (role.Window, "#2d2d2d"),
        (role.WindowText, "#e8e8e8"),
        (role.Base, "#1e1e1e"),
        (role.AlternateBase, "#2a2a2a"),
        (role.ToolTipBase, "#3a3a3a"),
        (role.ToolTipText, "#f0f0f0"),
        (role.PlaceholderText, "#a6a6a6"),
        (role.Text, "#e8e8e8"),
        (role.Button, "#3a3a3a"),
        (role.ButtonText, "#e8e8e8"),
        (role.BrightText, "#ff6b6b"),
        (role.Light, "#4a4a4a"),
        (role.Midlight, "#404040"),
        (role.Mid, "#303030"),
        (role.Dark, "#202020"),
        (role.Shadow, "#000000"),
        (role.Highlight, "#3d8fe0"),
        (role.HighlightedText, "#000000"),
        (role.Link, "#7ab7ff"),
        (role.LinkVisited, "#c39bff"),
    ):
        palette.setColor(name, QColor(value))
    for name, value in (
        (role.WindowText, "#9a9a9a"),
        (role.Text, "#9a9a9a"),
        (role.ButtonText, "#9a9a9a"),
        (role.Base, "#262626"),
        (role.Button, "#333333"),
        (role.Highlight, "#505050"),
        (role.HighlightedText, "#d0d0d0"),
    ):
        palette.setColor(group.Disabled, name, QColor(value))
    return readable(palette)


def readable(palette: QPalette) -> QPalette:
    """``palette`` with what the app needs to be readable in it: a highlight (the focus ring and the
    selection) that stands out 3:1 from the window and the fields, its text 4.5:1 on it, and disabled text
    4.5:1 on disabled fields (a signed assessment shows its values in disabled fields). Colours already
    readable are kept, so a desktop theme's choices stay when they are good enough."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    window = palette.color(group.Active, role.Window)
    base = palette.color(group.Active, role.Base)
    dark = luminance(window) < 0.18
    for state in (group.Active, group.Inactive):
        highlight = QColor(palette.color(state, role.Highlight))
        for _ in range(40):
            if min(contrast(highlight, window), contrast(highlight, base)) >= NON_TEXT_CONTRAST:
                break
            highlight = _towards(highlight, QColor("#ffffff" if dark else "#000000"))
        palette.setColor(state, role.Highlight, highlight)
        text = palette.color(state, role.HighlightedText)
        if contrast(text, highlight) < TEXT_CONTRAST:
            better = max((QColor("#000000"), QColor("#ffffff")), key=lambda c: contrast(c, highlight))
            palette.setColor(state, role.HighlightedText, better)
    for text_role, back_role in (
        (role.Text, role.Base),
        (role.ButtonText, role.Button),
        (role.WindowText, role.Window),
    ):
        back = palette.color(group.Disabled, back_role)
        text = QColor(palette.color(group.Disabled, text_role))
        for _ in range(40):
            if contrast(text, back) >= TEXT_CONTRAST:
                break
            text = _towards(text, QColor("#ffffff" if luminance(back) < 0.18 else "#000000"))
        palette.setColor(group.Disabled, text_role, text)
    return palette
