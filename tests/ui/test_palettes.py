"""Every colour pair the app sets text in is readable (WCAG AA, 4.5:1) in a light and a dark palette."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from planner.engine.vocabulary import MUSCLE_GROUPS
from planner.ui.colours import (
    INVALID_FRAME,
    NON_TEXT_CONTRAST,
    TEXT_CONTRAST,
    contrast,
    dark_palette,
    light_palette,
    readable,
    status_pairs,
)

PALETTES = {"light": light_palette, "dark": dark_palette}


@pytest.fixture(params=sorted(PALETTES))
def palette(request: pytest.FixtureRequest, qapp: Any) -> Any:
    chosen = PALETTES[request.param]()
    before = QApplication.palette()
    QApplication.setPalette(chosen)
    yield chosen
    QApplication.setPalette(before)


def shown_text(model: Any, row: int, column: int, palette: QPalette) -> tuple[QColor, QColor]:
    """The text and background colours a view paints a cell with: the model's, or the palette's."""
    from PySide6.QtCore import Qt

    index = model.index(row, column)
    foreground = model.data(index, Qt.ItemDataRole.ForegroundRole)
    background = model.data(index, Qt.ItemDataRole.BackgroundRole)

    def colour(value: Any, fallback: QColor) -> QColor:
        if value is None:
            return fallback
        return value.color() if hasattr(value, "color") else QColor(value)

    return (
        colour(foreground, palette.color(QPalette.ColorRole.Text)),
        colour(background, palette.color(QPalette.ColorRole.Base)),
    )


def test_every_status_pair_reads_in_both_palettes(palette: QPalette) -> None:
    faint = {name: round(contrast(*pair), 2) for name, pair in status_pairs(palette).items()}
    assert {name: ratio for name, ratio in faint.items() if ratio < TEXT_CONTRAST} == {}


def test_field_frames_and_focus_stand_out_in_both_palettes(palette: QPalette) -> None:
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
        assert contrast(INVALID_FRAME, palette.color(role)) >= NON_TEXT_CONTRAST
        assert contrast(palette.color(QPalette.ColorRole.Highlight), palette.color(role)) >= NON_TEXT_CONTRAST


def test_readable_lifts_a_faint_highlight_and_keeps_a_good_one() -> None:
    faint = dark_palette()
    faint.setColor(QPalette.ColorRole.Highlight, QColor("#3a3f44"))  # a dark theme's dim selection colour
    faint.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#505050"))
    lifted = readable(faint)
    window = lifted.color(QPalette.ColorRole.Window)
    assert contrast(lifted.color(QPalette.ColorRole.Highlight), window) >= NON_TEXT_CONTRAST
    disabled = lifted.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert contrast(disabled, lifted.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base)) >= TEXT_CONTRAST
    good = light_palette()
    assert readable(good).color(QPalette.ColorRole.Highlight) == good.color(QPalette.ColorRole.Highlight)


def test_due_list_status_cells_read_in_both_palettes(palette: QPalette) -> None:
    """The 'Due' cell was light text (the dark palette's) on pale yellow."""
    from planner.engine.schedule import DUE, OVERDUE, UPCOMING
    from planner.record.followup import DueItem
    from planner.ui.due import DueListModel

    model = DueListModel()
    fields = DueItem.__dataclass_fields__
    items = []
    for status in (OVERDUE, DUE, UPCOMING):
        values = {name: None for name in fields}
        values.update(
            id=len(items) + 1,
            status=status,
            title="Reassess strength",
            patient_id="P-1",
            patient_name="Ana",
            section="monitoring",
            due_on="2026-12-01",
        )
        items.append(DueItem(**values))
    model.set_rows(items)
    for row in range(3):
        for column in range(model.columnCount()):
            text, background = shown_text(model, row, column, palette)
            assert contrast(text, background) >= TEXT_CONTRAST, (items[row].status, column)


def test_plan_comparison_rows_read_in_both_palettes(palette: QPalette) -> None:
    from planner.plan.compare import ADDED, CHANGED, REMOVED, Change
    from planner.ui.plan_compare import PlanChangesModel

    model = PlanChangesModel()
    entry = {"title": "t", "detail": "d"}
    model.set_changes(
        [
            Change(ADDED, "a", "pt", "t", None, entry),
            Change(REMOVED, "b", "pt", "t", entry, None),
            Change(CHANGED, "c", "pt", "t", entry, {**entry, "detail": "e"}, ("detail",)),
        ]
    )
    for row in range(3):
        for column in range(model.columnCount()):
            text, background = shown_text(model, row, column, palette)
            assert contrast(text, background) >= TEXT_CONTRAST


@pytest.mark.parametrize("size", [(380, 320), (560, 440), (900, 700)])
def test_body_map_numbers_read_in_both_palettes(palette: QPalette, qtbot: Any, size: tuple[int, int]) -> None:
    """Numbers on every grade's colour, and numbers set beside a small region (which may lie over another
    region: white on white or light orange in the dark palette, before)."""
    from planner.ui.bodymap import BodyMapWidget

    for shift in range(7):
        body = BodyMapWidget()
        qtbot.addWidget(body)
        body.setPalette(palette)
        body.resize(*size)
        grades = [None, 0, 1, 2, 3, 4, 5]
        body.setGrades(
            {
                group: {"left": grades[(i + shift) % 7], "right": grades[(i + shift + 3) % 7]}
                for i, group in enumerate(MUSCLE_GROUPS)
            }
        )
        faint = {key: round(contrast(*pair), 2) for key, pair in body.label_colours().items()}
        assert {key: ratio for key, ratio in faint.items() if ratio < TEXT_CONTRAST} == {}
