"""The clinician plan's progress page: small charts and a table of the figures across visits.

It draws the plan's own ``progress`` block (planner.plan.generate.progress_block), so the page shows
exactly what the plan was drafted from; the rows are planner.plan.text.trend_rows, the same as the
terminal and the app. Lines differ by dash pattern and marker as well as colour, so a grey-scale print
still tells them apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from planner.engine.progress import recovery_window_dates
from planner.export.pdf_common import FONT, INK, MUTED, SHADE, grid_commands, page_table, table_style
from planner.export.pdf_text import escape, humanize
from planner.plan.text import trend_rows

Style = dict[str, Any]

_LINE_COLOURS = ["#1f4e79", "#b35c00", "#2e7d32", "#6a1b9a", "#8b1a1a", "#00695c", "#5d4037", "#37474f"]
_DASHES: list[Sequence[float] | None] = [None, (4, 2), (1, 2), (6, 2, 1, 2), (2, 2), (8, 3)]
_MARKERS = ["FilledCircle", "FilledSquare", "FilledTriangle", "FilledDiamond", "Circle", "Square"]
_WINDOW_FILL = colors.HexColor("#e3ecd9")


def _day(text: str, first: date) -> int:
    return (date.fromisoformat(text) - first).days


def recovery_window_days(progress: dict[str, Any], first: date) -> tuple[int, int] | None:
    """The expected recovery window as days from the first visit (the same dates as the app's charts), or None
    when it cannot be drawn as a band: no window, no onset, or no end to it."""
    dates = recovery_window_dates(progress)
    if dates is None or dates[1] is None:
        return None
    start = dates[0] or date.fromisoformat(progress["onset"])
    return (start - first).days, (dates[1] - first).days


def _chart(
    title: str,
    series: list[tuple[str, list[Any]]],
    days: list[int],
    first: date,
    y_max: float,
    window: tuple[int, int] | None,
    width: float,
) -> Drawing:
    """A line chart of ``series`` (label, value per visit) against days since the first visit."""
    height = 62 * mm
    legend_width = 58 * mm
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 12 * mm, 10 * mm
    plot.width, plot.height = width - legend_width - 16 * mm, height - 18 * mm
    data = [[(d, v) for d, v in zip(days, values, strict=True) if v is not None] for _, values in series]
    kept = [(label, points) for (label, _), points in zip(series, data, strict=True) if points]
    plot.data = [points for _, points in kept]
    span_end = max(days[-1], 1)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, span_end
    plot.xValueAxis.valueSteps = days[:: max(1, math.ceil(len(days) / 10))]  # at most 10 date labels
    plot.xValueAxis.labelTextFormat = lambda d: _short_date(first, d)
    plot.xValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = 6.5
    plot.xValueAxis.labels.angle = 0
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, y_max
    plot.yValueAxis.valueStep = 1 if y_max <= 10 else y_max / 5
    plot.yValueAxis.labels.fontName = FONT
    plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = SHADE
    for index in range(len(kept)):
        line = plot.lines[index]
        line.strokeColor = colors.HexColor(_LINE_COLOURS[index % len(_LINE_COLOURS)])
        line.strokeWidth = 1.2
        line.strokeDashArray = _DASHES[index % len(_DASHES)]
        line.symbol = makeMarker(_MARKERS[index % len(_MARKERS)], size=4)
        line.symbol.fillColor = line.strokeColor
        line.symbol.strokeColor = line.strokeColor
    if window is not None:
        start, end = max(window[0], 0), min(window[1], span_end)
        if start < end:
            x0 = plot.x + plot.width * start / span_end
            x1 = plot.x + plot.width * end / span_end
            drawing.add(Rect(x0, plot.y, x1 - x0, plot.height, fillColor=_WINDOW_FILL, strokeColor=None))
            drawing.add(
                String(
                    x0 + 1.5,
                    plot.y + plot.height - 7,
                    "expected recovery window",
                    fontName=FONT,
                    fontSize=6.5,
                    fillColor=MUTED,
                )
            )
    drawing.add(plot)
    drawing.add(String(plot.x, height - 5 * mm, title, fontName=FONT, fontSize=8.5, fillColor=INK))
    x = plot.x + plot.width + 5 * mm
    for index, (label, _) in enumerate(kept):  # a drawn legend: the swatch repeats dash and marker
        y = plot.y + plot.height - 4 - index * 10
        line = plot.lines[index]
        drawing.add(
            Line(
                x, y, x + 9 * mm, y, strokeColor=line.strokeColor, strokeWidth=1.2, strokeDashArray=line.strokeDashArray
            )
        )
        marker = makeMarker(_MARKERS[index % len(_MARKERS)], size=4, x=x + 4.5 * mm, y=y)
        marker.fillColor = marker.strokeColor = line.strokeColor
        drawing.add(marker)
        drawing.add(String(x + 11 * mm, y - 2.5, label, fontName=FONT, fontSize=7, fillColor=INK))
    return drawing


def _short_date(first: date, offset: float) -> str:
    return (first + timedelta(days=int(offset))).strftime("%d %b %y")


def progress_page(plan: dict[str, Any], styles: Style, width: float) -> list[Flowable]:
    """A new page with the charts and the table, when the plan compares more than one visit."""
    progress = plan.get("progress")
    if not progress or len(progress.get("dates") or []) < 2:
        return []
    dates = progress["dates"]
    first = date.fromisoformat(dates[0])
    days = [_day(d, first) for d in dates]
    window = recovery_window_days(progress, first)
    strength = [(f"{humanize(s['group'])} ({s['side']})", s["mrc"]) for s in progress["strength"]]
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("Progress across visits", styles["h1"]),
        Paragraph(
            escape(f"{len(dates)} visits from {dates[0]} to {dates[-1]}; values as recorded at each visit."),
            styles["small"],
        ),
    ]
    if strength:
        story.append(_chart("MRC grade, groups weak at any visit", strength, days, first, 5, window, width))
    story.append(
        _chart("Pain (0-10 numeric rating scale)", [("pain NRS", progress["pain_nrs"])], days, first, 10, window, width)
    )
    volume = progress.get("excess_volume_percent") or []
    recorded = [v for v in volume if v is not None]
    if recorded:
        top = max(10.0, math.ceil(max(recorded) / 10) * 10)
        story.append(_chart("Excess limb volume (%)", [("excess volume %", volume)], days, first, top, window, width))
    window_months = progress.get("recovery_window_months")
    if window_months:
        story.append(
            Paragraph(
                escape(
                    f"Expected recovery window for this cause: {humanize(window_months.get('from'))} to "
                    f"{humanize(window_months.get('to'))} months from onset "
                    f"({progress.get('onset') or 'not recorded'})" + _window_span(progress) + "."
                ),
                styles["small"],
            )
        )
    story.extend([Spacer(1, 2 * mm), KeepTogether([_values_table(progress, styles, width)])])
    return story


def _window_span(progress: dict[str, Any]) -> str:
    """', 2026-03-15 to 2026-12-15' (the band on the charts, which may lie past the visits)."""
    dates = recovery_window_dates(progress)
    if not dates:
        return ""
    start, end = (d.isoformat() if d else "open" for d in dates)
    return f", {start} to {end}"


def _values_table(progress: dict[str, Any], styles: Style, width: float) -> Table:
    dates = progress["dates"]
    label_width = 0.34 * width
    column = (width - label_width) / len(dates)
    header = [Paragraph("Measure", styles["cell_bold"])] + [Paragraph(escape(d), styles["cell_bold"]) for d in dates]
    rows = [
        [Paragraph(escape(label), styles["cell"])]
        + [Paragraph(escape("—" if v is None else humanize(v)), styles["cell"]) for v in values]
        for label, values in trend_rows(progress)
    ]
    widths = [label_width] + [column] * len(dates)
    table = page_table([header, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(grid_commands()))
    return table
