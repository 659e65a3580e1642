"""Trend charts of the History tab: strength per weak muscle group and side, pain, excess limb volume, across
visits, with the expected recovery window marked, and the same figures as a table.

This is the only module that imports QtCharts, which is slow to load; :mod:`planner.ui.history` imports it the
first time a patient's trends are shown, never at start-up.

Every figure comes from the trend block of :func:`planner.record.patient_history.patient_history` and every label from
:mod:`planner.plan.text`, so the charts, the table, ``planner history`` and the PDF show the same numbers. A
value that was not recorded at a visit is a gap in its line, never a zero. Colour is never the only cue: each
line also has its own dash pattern and marker shape, the legend names it, hovering a point names it with its
value and date, and the table below lists every figure as text.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCharts import (
    QAreaSeries,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QMargins,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTime,
)
from PySide6.QtGui import QBrush, QColor, QCursor, QIcon, QImage, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.engine.progress import recovery_window_dates
from planner.engine.schedule import add_months
from planner.plan.text import PAIN_LABEL, VOLUME_LABEL, cell, strength_label, strength_row_label, trend_rows
from planner.ui.flow_layout import FlowLayout, flow_policy

AnyIndex = QModelIndex | QPersistentModelIndex

COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F")
"""Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), yellow left out: too pale
on white."""
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down")
MARKER_SIZE = 11
WINDOW_COLOUR = "#2E7D32"
WINDOW_NAME = "expected recovery window"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_TICKS = 5
NARROW_TICKS = 3
MAX_LINES = 4
"""Strength lines shown at first: more than this many crossing lines cannot be told apart, so with more weak
groups the most affected are shown and the clinician ticks any other in the legend (the table lists all)."""
"""At most this many time labels on the wide strength chart and on the narrow ones."""


def msecs(day: date) -> float:
    """A date as the x value of a chart: local noon, so a daylight-saving shift never moves it to another day."""
    return float(QDateTime(QDate(day.year, day.month, day.day), QTime(12, 0)).toMSecsSinceEpoch())


def day_of(x: float) -> date:
    """The date an x value stands for (the inverse of :func:`msecs`)."""
    qdate = QDateTime.fromMSecsSinceEpoch(round(x)).date()
    return date(qdate.year(), qdate.month(), qdate.day())


def time_ticks(low: date, high: date, days: list[date], max_ticks: int = MAX_TICKS) -> list[tuple[str, date]]:
    """Labels of the time axis: the first of each month (every n-th month when there are many), or the visit
    dates themselves when the axis spans less than two months.

    Evenly spaced date ticks would fall on arbitrary days; calendar months read at a glance, and the exact
    dates are in the tooltips and the table. Labels have two lines (month, year) so that a narrow chart never
    cuts them short.
    """
    first = date(low.year, low.month, 1)
    if first < low:
        first = add_months(first, 1)
    months = []
    while first <= high:
        months.append(first)
        first = add_months(first, 1)
    if len(months) < 2:
        return [(f"{day.day} {MONTHS[day.month - 1]}<br>{day.year}", day) for day in sorted(set(days))]
    step = math.ceil(len(months) / max_ticks)
    return [(f"{MONTHS[m.month - 1]}<br>{m.year}", m) for m in months[::step]]


def marker_image(shape: str, colour: QColor, size: int = MARKER_SIZE * 2) -> QImage:
    """A point marker of its own shape, so two lines are told apart without their colour."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#ffffff"), size / 10))
    painter.setBrush(colour)
    inset = size * 0.12
    left, top, right, bottom = inset, inset, size - inset, size - inset
    middle = size / 2
    path = QPainterPath()
    if shape == "square":
        path.addRect(left + 1, top + 1, right - left - 2, bottom - top - 2)
    elif shape == "triangle":
        path.moveTo(middle, top)
        path.lineTo(right, bottom)
        path.lineTo(left, bottom)
        path.closeSubpath()
    elif shape == "triangle-down":
        path.moveTo(left, top)
        path.lineTo(right, top)
        path.lineTo(middle, bottom)
        path.closeSubpath()
    elif shape == "diamond":
        path.moveTo(middle, top)
        path.lineTo(right, middle)
        path.lineTo(middle, bottom)
        path.lineTo(left, middle)
        path.closeSubpath()
    else:
        path.addEllipse(left, top, right - left, bottom - top)
    painter.drawPath(path)
    painter.end()
    return image


def sample(pen: QPen, marker: QImage | None, fill: QColor | None = None) -> QPixmap:
    """A legend sample: a stretch of the line in its dash pattern with its marker, or the window's shaded box."""
    pixmap = QPixmap(36, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(pen)
    if fill is not None:
        painter.setBrush(fill)
        painter.drawRect(QRectF(6, 2, 24, 12))
    else:
        painter.drawLine(QPointF(1, 8), QPointF(35, 8))
    if marker is not None:
        painter.drawImage(QRectF(18 - MARKER_SIZE / 2, 8 - MARKER_SIZE / 2, MARKER_SIZE, MARKER_SIZE), marker)
    painter.end()
    return pixmap


def runs(values: list[Any]) -> list[list[int]]:
    """Indexes of the recorded values, split where a visit did not record one (each run becomes a line)."""
    out: list[list[int]] = []
    current: list[int] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                out.append(current)
            current = []
        else:
            current.append(index)
    if current:
        out.append(current)
    return out


@dataclass(frozen=True, slots=True)
class Measure:
    """One line of a chart: its legend name, its row label in the table (tooltips use it), its value per visit
    date."""

    name: str
    label: str
    values: list[Any]
    dates: list[str]

    def point_text(self, visit: int) -> str:
        """What hovering a point says, worded and rounded as the table cell of that visit."""
        return f"{self.label}: {cell(self.values[visit])} on {self.dates[visit]}"


class TrendTableModel(QAbstractTableModel):
    """The figures of :func:`planner.plan.text.trend_rows` (the rows of ``planner history``), one column per
    visit date: the accessible, colour-free form of the charts."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._dates: list[str] = []
        self._rows: list[tuple[str, list[Any]]] = []

    def set_trend(self, trend: dict[str, Any] | None) -> None:
        self.beginResetModel()
        self._dates = list(trend["dates"]) if trend else []
        self._rows = trend_rows(trend) if trend else []
        self.endResetModel()

    def rows(self) -> list[tuple[str, list[str]]]:
        """The table as text, row by row (what a screen reader or a test reads)."""
        return [(label, [cell(v) for v in values]) for label, values in self._rows]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else (1 + len(self._dates) if self._rows else 0)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Measure"
        return self._dates[section - 1] if 0 < section <= len(self._dates) else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        label, values = self._rows[index.row()]
        column = index.column()
        if not (0 <= column <= len(values)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return label if column == 0 else cell(values[column - 1])
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return label
            value = values[column - 1]
            return f"{label}, {self._dates[column - 1]}: {'not recorded' if value is None else cell(value)}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == 0:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ChartGrid(QWidget):
    """The charts in one row (the first twice as wide) when the width allows their minimums, else the first
    on a row of its own above the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.columns: list[QWidget] = []
        self.wide = True

    def clear(self) -> None:
        for column in self.columns:
            self.grid.removeWidget(column)
        self.columns = []

    def set_charts(self, columns: list[QWidget]) -> None:
        self.clear()
        self.columns = columns
        self._arrange(self._fits(self.width()) if self.width() > 0 else True)

    def _fits(self, width: int) -> bool:
        needed = sum(c.minimumSizeHint().width() for c in self.columns) + self.grid.spacing() * len(self.columns)
        return width >= needed

    def _arrange(self, wide: bool) -> None:
        self.wide = wide
        for column in self.columns:
            self.grid.removeWidget(column)
        for index in range(4):
            self.grid.setColumnStretch(index, 0)
            self.grid.setRowStretch(index, 0)
        if not self.columns:
            return
        first, rest = self.columns[0], self.columns[1:]
        if wide:
            self.grid.addWidget(first, 0, 0)
            self.grid.setColumnStretch(0, 2)
            for index, column in enumerate(rest, start=1):
                self.grid.addWidget(column, 0, index)
                self.grid.setColumnStretch(index, 1)
            self.grid.setRowStretch(0, 1)
        else:
            self.grid.addWidget(first, 0, 0, 1, max(1, len(rest)))
            for index, column in enumerate(rest):
                self.grid.addWidget(column, 1, index)
                self.grid.setColumnStretch(index, 1)
            self.grid.setRowStretch(0, 3)
            self.grid.setRowStretch(1, 2)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        """As wide as the first chart or the others side by side: never the whole row."""
        if not self.columns:
            return QSize(0, 0)
        first, rest = self.columns[0].minimumSizeHint(), [c.minimumSizeHint() for c in self.columns[1:]]
        rest_width = sum(size.width() for size in rest) + self.grid.spacing() * max(0, len(rest) - 1)
        width = max(first.width(), rest_width)
        if self.wide:
            return QSize(width, max([first.height(), *(size.height() for size in rest)]))
        return QSize(width, first.height() + self.grid.spacing() + max((size.height() for size in rest), default=0))

    def resizeEvent(self, event: Any) -> None:
        wide = self._fits(event.size().width())
        if wide != self.wide:
            self._arrange(wide)
        super().resizeEvent(event)


class TrendCharts(QWidget):
    """Charts and table for one patient's trend block; :meth:`show_trend` replaces everything shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trend: dict[str, Any] | None = None
        self.charts: dict[str, QChart] = {}
        self.views: dict[str, QChartView] = {}
        self.columns: dict[str, QWidget] = {}  # a chart view with its legend, as placed in the row
        self.legends: dict[str, list[str]] = {}  # the legend's names, per chart that has one
        self.lines: dict[str, list[QLineSeries]] = {}  # the series of each strength measure, by name
        self.choices: dict[str, QCheckBox] = {}  # the legend's tick box of each strength measure
        self.chosen: set[str] | None = None  # the strength measures shown; None: the default choice
        self.hover_text = ""  # what the last hover showed
        self.window_text = ""
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("About these trends")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_window = QCheckBox("Show the expected recovery &window")
        self.show_window.setChecked(True)
        self.show_window.setToolTip(
            "The recovery window is a shaded band with dashed edges; unticked, the time axis spans the visits only"
        )
        self.show_window.toggled.connect(self._rebuild_charts)
        self.choice_note = QLabel()
        self.choice_note.setWordWrap(True)
        self.choice_note.setAccessibleName("Muscle groups shown")
        self.choice_note.hide()
        self.charts_host = ChartGrid()
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 4, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.note, 1)
        heading.addWidget(self.show_window, 0, Qt.AlignmentFlag.AlignTop)
        top_layout.addLayout(heading)
        top_layout.addWidget(self.choice_note)
        top_layout.addWidget(self.charts_host, 1)
        self.table_model = TrendTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setAccessibleName("Trend figures per visit")
        self.table.setAccessibleDescription("The figures the charts show, one column per visit date")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        # Small or zoomed screens: the charts scroll rather than make the window taller or wider.
        top_area = QScrollArea()
        top_area.setWidget(top)
        top_area.setWidgetResizable(True)
        top_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.splitter.addWidget(top_area)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    # --- content -------------------------------------------------------------------------------------------
    def show_trend(self, trend: dict[str, Any]) -> None:
        if (
            self.trend is None
            or self.trend.get("dates") != trend.get("dates")
            or self._names(self.trend) != self._names(trend)
        ):
            self.chosen = None  # another patient (or another visit): the default choice again
        self.trend = trend
        self.table_model.set_trend(trend)
        self.table.resizeColumnsToContents()
        window = trend.get("recovery_window_months")
        self.show_window.setVisible(recovery_window_dates(trend) is not None)
        self.note.setText(self._note_text(trend, window))
        self._rebuild_charts()
        # the table needs no more room than its rows; the charts get the rest
        rows_height = self.table.horizontalHeader().height() + sum(
            self.table.rowHeight(r) for r in range(self.table_model.rowCount())
        )
        total = max(self.splitter.height(), 400)
        screen = self.screen()
        short = screen is not None and screen.availableGeometry().height() < 640  # 1080 at 200 %: charts first
        table_height = min(rows_height + 2 * self.table.frameWidth() + 4, total // 4 if short else total * 2 // 5)
        self.splitter.setSizes([total - table_height, table_height])

    @staticmethod
    def _note_text(trend: dict[str, Any], window: dict[str, Any] | None) -> str:
        parts = []
        if len(trend["dates"]) == 1:
            parts.append(
                f"One visit so far ({trend['dates'][0]}): trends need two visits, so each chart shows single points."
            )
        else:
            parts.append(
                f"{len(trend['dates'])} visits, {trend['dates'][0]} to {trend['dates'][-1]}. "
                "A gap in a line is a visit that did not record the value."
            )
        if window:
            start, end = window.get("from"), window.get("to")
            if start is not None and end is not None:
                span = f"{cell(start)} to {cell(end)} months from onset"
            elif start is not None:
                span = f"from {cell(start)} months after onset"
            else:
                span = f"by {cell(end)} months after onset"
            dates = recovery_window_dates(trend)
            if dates is None:
                parts.append(
                    f"Expected recovery window: {span}; the onset date is not recorded, so the charts cannot mark it."
                )
            else:
                shown = " to ".join(d.isoformat() for d in dates if d is not None)
                parts.append(f"Expected recovery window: {span} (onset {trend['onset']}): {shown}.")
        return " ".join(parts)

    @staticmethod
    def _names(trend: dict[str, Any]) -> list[str]:
        return [strength_label(entry) for entry in trend.get("strength", [])]

    @staticmethod
    def default_choice(measures: list[Measure]) -> set[str]:
        """The strength lines shown at first: all of them up to MAX_LINES, else the MAX_LINES most affected
        (lowest grade at the latest visit that graded them, then the largest loss since the first)."""
        if len(measures) <= MAX_LINES:
            return {m.name for m in measures}

        def affected(measure: Measure) -> tuple[float, float]:
            graded = [v for v in measure.values if v is not None]
            latest = graded[-1] if graded else 6
            return (latest, graded[-1] - graded[0] if graded else 0)

        return {m.name for m in sorted(measures, key=affected)[:MAX_LINES]}

    def choose(self, name: str, shown: bool) -> None:
        """Show or hide one strength measure's line (the legend's tick box calls this)."""
        if self.chosen is None:
            self.chosen = {n for n, box in self.choices.items() if box.isChecked()}
        (self.chosen.add if shown else self.chosen.discard)(name)
        for series in self.lines.get(name, []):
            series.setVisible(shown)
        box = self.choices.get(name)
        if box is not None and box.isChecked() != shown:
            box.setChecked(shown)
        self._update_choice_note()

    def shown_lines(self) -> list[str]:
        """The strength measures whose lines are on the chart now, in legend order."""
        return [name for name, box in self.choices.items() if box.isChecked()]

    def _update_choice_note(self) -> None:
        total = len(self.choices)
        shown = len(self.shown_lines())
        if total > MAX_LINES or shown < total:
            self.choice_note.setText(
                f"Showing {shown} of {total} muscle groups: tick the ones to compare (the table lists all)."
            )
            self.choice_note.show()
        else:
            self.choice_note.hide()

    @staticmethod
    def _measures(trend: dict[str, Any]) -> dict[str, list[Measure]]:
        dates = trend["dates"]
        out = {
            "strength": [
                Measure(strength_label(entry), strength_row_label(entry), entry["mrc"], dates)
                for entry in trend["strength"]
            ],
            "pain": [Measure("Pain NRS", PAIN_LABEL, trend["pain_nrs"], dates)],
        }
        if any(v is not None for v in trend["excess_volume_percent"]):
            out["volume"] = [Measure("Excess limb volume %", VOLUME_LABEL, trend["excess_volume_percent"], dates)]
        return out

    def _rebuild_charts(self) -> None:
        self.charts_host.clear()
        for column in self.columns.values():
            column.deleteLater()
        self.columns.clear()
        self.views.clear()
        self.charts.clear()
        self.legends.clear()
        self.lines.clear()
        self.choices.clear()
        trend = self.trend
        if trend is None:
            return
        days = [date.fromisoformat(d) for d in trend["dates"]]
        window = recovery_window_dates(trend) if self.show_window.isChecked() else None
        x_range = self._x_range(days, window)
        low, high = day_of(x_range[0]), day_of(x_range[1])
        measures = self._measures(trend)
        add = functools.partial(self._add_chart, days=days, x_range=x_range, window=window)
        if measures["strength"]:
            ticks = time_ticks(low, high, days, MAX_TICKS)
            add("strength", "Strength (MRC grade)", (0, 5), measures["strength"], ticks=ticks)
        narrow = time_ticks(low, high, days, NARROW_TICKS)
        add("pain", "Pain (NRS)", (0, 10), measures["pain"], ticks=narrow)
        if "volume" in measures:
            values = [v for v in measures["volume"][0].values if v is not None]
            low_percent = min(0, math.floor(min(values) / 5) * 5)
            high_percent = max(10, math.ceil(max(values) / 5) * 5)
            y_range = (low_percent, high_percent)
            add("volume", "Excess limb volume (%)", y_range, measures["volume"], ticks=narrow)
        self._place_charts()

    def _place_charts(self) -> None:
        """One row, strength twice as wide as the others (it has most lines): the tab is short once the
        follow-up panel sits below it, and the table needs its rows too. Narrow, strength above the others."""
        self.charts_host.set_charts(
            [self.columns[key] for key in ("strength", "pain", "volume") if key in self.columns]
        )

    @staticmethod
    def _x_range(days: list[date], window: tuple[date | None, date | None] | None) -> tuple[float, float]:
        """The visits, and the recovery window when it is shown (it may lie well after them)."""
        marks = [*days, *(d for d in (window or ()) if d is not None)]
        low, high = min(marks), max(marks)
        span = (high - low).days
        pad_days = 14 if span == 0 else max(5, round(span * 0.04))
        pad = pad_days * 86_400_000
        return msecs(low) - pad, msecs(high) + pad

    def _add_chart(
        self,
        key: str,
        title: str,
        y_range: tuple[float, float],
        measures: list[Measure],
        *,
        days: list[date],
        x_range: tuple[float, float],
        ticks: list[tuple[str, date]],
        window: tuple[date | None, date | None] | None,
    ) -> None:
        chart = QChart()
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
        chart.setTitle(title)
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 4, 4))
        # The chart's own legend is a single row that cuts long names short; ours sits below it and wraps.
        chart.legend().setVisible(False)
        x_axis = QCategoryAxis()
        x_axis.setRange(*x_range)
        x_axis.setStartValue(x_range[0])
        for label, day in ticks:
            x_axis.append(label, msecs(day))
        x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        y_axis = QValueAxis()
        y_axis.setRange(*y_range)
        y_axis.setLabelFormat("%d")
        span = y_range[1] - y_range[0]
        y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        y_axis.setTickAnchor(0)
        y_axis.setTickInterval(1 if span <= 5 else 2 if span <= 10 else 5 if span <= 30 else 10)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        entries = []
        if window is not None:
            entries.append(self._add_window(key, chart, window, y_range, x_axis, y_axis))
        for index, measure in enumerate(measures):
            entries.append(self._add_measure(key, chart, measure, index, days, x_axis, y_axis))
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumSize(200, 180)
        view.setAccessibleName(f"{title} chart")
        view.setAccessibleDescription("One line per measure across visits; the table below lists the same figures")
        column = QWidget()
        many = len(measures) > MAX_LINES
        layout: QHBoxLayout | QVBoxLayout = QHBoxLayout(column) if many else QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(view, 1)
        if len(measures) > 1:  # one line needs no legend: the chart's title names it
            chosen = self.chosen if self.chosen is not None else self.default_choice(measures)
            legend = self._legend(title, entries, {m.name for m in measures}, chosen, column=many)
            layout.addWidget(self._scrolling(legend) if many else legend)
            self.legends[key] = [text for _pixmap, text in entries]
            for measure in measures:
                for series in self.lines.get(measure.name, []):
                    series.setVisible(measure.name in chosen)
            self._update_choice_note()
        self.charts[key] = chart
        self.views[key] = view
        self.columns[key] = column

    @staticmethod
    def _scrolling(legend: QWidget) -> QScrollArea:
        """A long legend beside its chart, scrolling when it is taller than the chart."""
        area = QScrollArea()
        area.setWidget(legend)
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setMinimumWidth(legend.sizeHint().width() + area.verticalScrollBar().sizeHint().width())
        area.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        return area

    def _legend(
        self,
        title: str,
        entries: list[tuple[QPixmap, str]],
        choosable: set[str],
        chosen: set[str],
        *,
        column: bool = False,
    ) -> QWidget:
        """Each line's sample (dash pattern and marker shape in its colour) and name, in rows that wrap to the
        width, or (``column``) one under the other; a measure's entry is a tick box that shows or hides its
        line."""
        box = QWidget()
        box.setAccessibleName(f"{title} legend")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 0, 8, 2)
        layout.setSpacing(2)
        flow_host = QWidget()
        flow: FlowLayout | QVBoxLayout = QVBoxLayout(flow_host) if column else FlowLayout(flow_host, spacing=10)
        if column:
            flow.setContentsMargins(0, 0, 0, 0)
            flow.setSpacing(0)
        else:
            flow_policy(flow_host)
        for pixmap, text in entries:
            if text in choosable:
                tick = QCheckBox(text)
                tick.setIcon(QIcon(pixmap))
                tick.setIconSize(pixmap.size())
                tick.setChecked(text in chosen)
                tick.setAccessibleName(f"Show {text}")
                tick.toggled.connect(lambda shown, name=text: self.choose(name, shown))
                self.choices[text] = tick
                flow.addWidget(tick)
            else:
                entry = QWidget()
                row = QHBoxLayout(entry)
                row.setContentsMargins(0, 0, 0, 0)
                row.setSpacing(4)
                sample_label = QLabel()
                sample_label.setPixmap(pixmap)
                row.addWidget(sample_label)
                row.addWidget(QLabel(text))
                flow.addWidget(entry)
        layout.addWidget(flow_host)
        if column:
            layout.addStretch(1)
        return box

    def _add_measure(
        self, key: str, chart: QChart, measure: Measure, index: int, days: list[date], x_axis: Any, y_axis: Any
    ) -> tuple[QPixmap, str]:
        colour = QColor(COLOURS[index % len(COLOURS)])
        pen = QPen(colour, 2.5)
        pen.setStyle(DASHES[index % len(DASHES)])
        marker = marker_image(MARKERS[index % len(MARKERS)], colour)
        for run in runs(measure.values):
            series = QLineSeries()
            series.setName(measure.name)
            series.setPen(pen)
            series.setColor(colour)
            series.setPointsVisible(True)
            series.setMarkerSize(MARKER_SIZE)
            series.setLightMarker(marker)
            for i in run:
                series.append(msecs(days[i]), float(measure.values[i]))
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
            series.hovered.connect(
                lambda point, state, s=series, m=measure, r=run: self._hovered(key, s, m, r, point, state)
            )
            if key == "strength":
                self.lines.setdefault(measure.name, []).append(series)
        return sample(pen, marker), measure.name

    def _add_window(
        self,
        key: str,
        chart: QChart,
        window: tuple[date | None, date | None],
        y_range: tuple[float, float],
        x_axis: Any,
        y_axis: Any,
    ) -> tuple[QPixmap, str]:
        """A shaded band with dashed edges from the window's start to its end, or one dashed line when only
        one end is set. Drawn first, so the lines of the measures lie on top of it."""
        start, end = window
        colour = QColor(WINDOW_COLOUR)
        low, high = y_range
        edge = QPen(colour, 1.5)
        edge.setStyle(Qt.PenStyle.DashLine)
        series: QXYSeries | QAreaSeries
        if start is not None and end is not None:
            upper, lower = QLineSeries(), QLineSeries()
            upper.append(msecs(start), high)
            upper.append(msecs(end), high)
            lower.append(msecs(start), low)
            lower.append(msecs(end), low)
            band = QAreaSeries(upper, lower)
            band.setName(WINDOW_NAME)
            fill = QColor(colour)
            fill.setAlpha(38)
            band.setBrush(QBrush(fill, Qt.BrushStyle.SolidPattern))
            band.setPen(edge)
            # PySide ties the band's life to its boundary lines' Python wrappers: make them the band's children
            # so they live (and die) with it, not with whatever Python happens to reference.
            upper.setParent(band)
            lower.setParent(band)
            series = band
            self.window_text = f"{WINDOW_NAME}: {start.isoformat()} to {end.isoformat()}"
        else:
            day = start or end
            assert day is not None
            series = QLineSeries()
            series.append(msecs(day), low)
            series.append(msecs(day), high)
            edge.setWidthF(2)
            series.setPen(edge)
            which = "from" if start is not None else "by"
            series.setName(f"expected recovery {which} {day.isoformat()}")
            self.window_text = series.name()
        chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        series.hovered.connect(lambda _point, state: self._show_tip(key, self.window_text, state))
        swatch = QColor(colour)
        swatch.setAlpha(90)  # a touch darker than the band, which is pale behind the lines
        return sample(edge, None, swatch if isinstance(series, QAreaSeries) else None), series.name()

    # --- hover ---------------------------------------------------------------------------------------------
    def _hovered(
        self, key: str, series: QLineSeries, measure: Measure, run: list[int], point: QPointF, state: bool
    ) -> None:
        """A line series reports the cursor's position, not a point: name the nearest recorded visit (``run``
        maps the series' points back to visits)."""
        if not state:
            QToolTip.hideText()
            return
        points = series.points()
        if not points:
            return
        nearest = min(range(len(points)), key=lambda i: abs(points[i].x() - point.x()))
        self._show_tip(key, measure.point_text(run[nearest]), True)

    def _show_tip(self, key: str, text: str, state: bool) -> None:
        if not state:
            QToolTip.hideText()
            return
        self.hover_text = text
        QToolTip.showText(QCursor.pos(), text, self.views.get(key))
