"""A lower-limb body map that shows, and lets the therapist set, the MRC grade of each muscle group.

The map is a second view of the ``strength`` object of an assessment: seeing the weak groups on a leg makes a
proximal, distal or mixed pattern, and one side against the other, obvious at a glance, which a table of
numbers does not. The widget only *shows* grades and *asks* for changes (``gradeRequested``); the owner (an
undoable editor) applies them and calls ``setGrades`` back, so undo and redo stay in one place.

Geometry is drawn in fixed logical units (one figure per view, both legs) and scaled to the widget on resize;
the scaled paths are cached so painting only fills and strokes ready-made paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTransform,
)
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

from planner.engine.vocabulary import MUSCLE_GROUPS, SIDES
from planner.ui.bodymap_geometry import (
    CANVAS_H,
    CANVAS_W,
    SPEC_BY_GROUP,
    VIEW_CENTRES,
    geometry,
    place,
    side_sign,
)

Grade = int | None

GRADE_COLOURS: dict[int, QColor] = {
    0: QColor("#6b2103"),
    1: QColor("#a83a05"),
    2: QColor("#dc5a10"),
    3: QColor("#f5913f"),
    4: QColor("#fcc68f"),
    5: QColor("#f1ede8"),
}
"""Single-hue sequential (orange) ramp with evenly spaced lightness, darkest for no contraction and a near
neutral for normal power: lightness alone orders the grades, so it reads under every colour-vision deficiency
and in greyscale print. The grade number is always drawn as well."""

GRADE_MENU_LABELS: dict[Grade, str] = {
    0: "&0 – no contraction",
    1: "&1 – flicker",
    2: "&2 – gravity eliminated",
    3: "&3 – against gravity",
    4: "&4 – some resistance",
    5: "&5 – normal",
    None: "&Not tested",
}
"""Menu texts (with mnemonics, so a keyboard user can type the grade in the open menu)."""

NOT_TESTED_TEXT = "–"

MUSCLES: dict[str, str] = {
    "hip_flexion": "iliopsoas",
    "hip_adduction": "adductors",
    "knee_extension": "quadriceps",
    "hip_abduction": "gluteus medius and minimus",
    "hip_extension": "gluteus maximus",
    "knee_flexion": "hamstrings",
    "ankle_dorsiflexion": "tibialis anterior",
    "great_toe_extension": "extensor hallucis longus",
    "ankle_eversion": "fibularis longus and brevis",
    "ankle_inversion": "tibialis posterior",
    "ankle_plantarflexion": "gastrocnemius, soleus",
}
"""Muscle names of the anatomy table, only to name the muscle in a tooltip; the owner may replace them with
the library's own table through ``setAnatomy(..., muscles=...)``."""

KEYBOARD_ORDER: tuple[str, ...] = MUSCLE_GROUPS
"""Up/Down walk the groups in the order of the assessment form (the anatomy table), so the keyboard follows
the order a therapist records them in."""

_REFERENCE_LINE_HEIGHT = 14.0
"""Line height (pixels) of a 9-point font at 100 %: the size hints are tuned for it."""


@dataclass(slots=True)
class _Placed:
    """One region in widget coordinates, as cached after a resize."""

    path: QPainterPath
    centre: QPointF
    label_pos: QPointF
    label_inside: bool
    leader_to: QPointF


@dataclass(frozen=True, slots=True)
class _LegendItem:
    grade: Grade
    text: str
    swatch: QRectF
    text_pos: QPointF


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def label_text_on(fill: QColor) -> QColor:
    """The colour of a grade number drawn on ``fill``: near-black or white, whichever contrasts more."""
    dark, light = QColor("#1a1a1a"), QColor("#ffffff")
    on_dark = (_luminance(light) + 0.05) / (_luminance(fill) + 0.05)
    on_light = (_luminance(fill) + 0.05) / (_luminance(dark) + 0.05)
    return light if on_dark > on_light else dark


def _blend(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


class BodyMapWidget(QWidget):
    """Front and back views of both legs with one region per muscle group and side, coloured and numbered by
    MRC grade.

    Selecting a region (click or arrow keys) and asking for a grade (menu, digit keys) only emits signals; the
    owner decides what happens and calls ``setGrades``, so every change goes through its undo stack.
    """

    selectionChanged = Signal(str, str)
    """(group, side): the user selected a region by click or keyboard (not emitted by ``setSelected``)."""

    gradeRequested = Signal(str, str, object)
    """(group, side, grade): the user asked for grade 0-5, or None for not tested. The map does not change."""

    _SIDE_WORD: ClassVar[dict[str, str]] = {"left": "Left", "right": "Right"}

    def __init__(self, parent: QWidget | None = None, *, popup_menus: bool = True) -> None:
        """``popup_menus=False`` builds the grade menu without showing it (see ``lastGradeMenu``), so tests
        and scripted use can drive the click path without a modal popup."""
        super().__init__(parent)
        self.popupMenus: bool = popup_menus
        self._grades: dict[str, dict[str, Grade]] = {g: dict.fromkeys(SIDES) for g in MUSCLE_GROUPS}
        self._anatomy: dict[str, tuple[str, str, str]] = {g: (g.replace("_", " "), "", "") for g in MUSCLE_GROUPS}
        self._muscles: dict[str, str] = dict(MUSCLES)
        self._selected: tuple[str, str] | None = None
        self._hover: tuple[str, str] | None = None
        self._pressed: tuple[str, str] | None = None
        self._read_only = False
        self._weak_at_most: float | None = None
        self._menu: QMenu | None = None
        self._geometry = geometry()
        self._placed: dict[tuple[str, str], _Placed] = {}
        self._silhouettes: dict[str, QPainterPath] = {}
        self._details: dict[str, QPainterPath] = {}
        self._texts: list[tuple[QPointF, str, QFont]] = []
        self._legend: list[_LegendItem] = []
        self._scale = 1.0
        self._label_font = QFont()
        self._legend_font = QFont()
        self._layout_size = QSize()

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Body map of leg muscle strength")
        self._update_description()

    # ------------------------------------------------------------------------------------------------------
    # Public API

    def setGrades(self, strength: Mapping[str, Mapping[str, int | None]]) -> None:
        """Show ``strength`` (the assessment's object); a missing group or side means not tested.

        Raises ValueError on an unknown group or side or a grade outside 0-5, so a typo in the owner shows
        up instead of silently painting a region as not tested.
        """
        grades: dict[str, dict[str, Grade]] = {g: dict.fromkeys(SIDES) for g in MUSCLE_GROUPS}
        for group, sides in strength.items():
            if group not in grades:
                raise ValueError(f"strength.{group}: unknown muscle group")
            for side, grade in sides.items():
                if side not in SIDES:
                    raise ValueError(f"strength.{group}.{side}: side must be left or right")
                if grade is not None and (isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5):
                    raise ValueError(f"strength.{group}.{side}: MRC grade must be 0-5 or absent, not {grade!r}")
                grades[group][side] = grade
        if grades != self._grades:
            self._grades = grades
            self._update_description()
            self.update()

    def grades(self) -> dict[str, dict[str, int | None]]:
        """Every group and side (None = not tested); a copy, so callers cannot change the map behind its back."""
        return {group: dict(sides) for group, sides in self._grades.items()}

    def setAnatomy(self, rows: Mapping[str, tuple[str, str, str]], muscles: Mapping[str, str] | None = None) -> None:
        """Name groups as the library's anatomy table does: group -> (movement, nerve, roots), and optionally
        group -> muscles. Used for tooltips and the accessible description, so a screen reader hears the
        nerve and roots behind a weak group, not just a number."""
        for group, row in rows.items():
            if group not in self._anatomy:
                raise ValueError(f"anatomy: unknown muscle group {group!r}")
            movement, nerve, roots = row
            self._anatomy[group] = (movement or group.replace("_", " "), nerve, roots)
        if muscles is not None:
            for group, names in muscles.items():
                if group not in self._anatomy:
                    raise ValueError(f"anatomy: unknown muscle group {group!r}")
                self._muscles[group] = names
        self._update_description()

    def setWeakAtMost(self, grade: float | None) -> None:
        """A group graded at or below ``grade`` is weak: the anatomy document's ``weak_mrc_at_most``, a setting
        a clinic may edit, so the owner passes the compiled library's value; None (a library without the
        setting) marks nothing weak, as the plan's findings then list no weak group. Weak regions get a bold
        outline, so weakness is visible without relying on colour."""
        if grade != self._weak_at_most:
            self._weak_at_most = grade
            self._layout_size = QSize()  # the legend names the threshold
            self._update_description()
            self.update()

    def weakAtMost(self) -> float | None:
        return self._weak_at_most

    def isWeak(self, group: str, side: str) -> bool:
        """Whether the map shows (group, side) as weak: graded at or below the threshold."""
        group, side = self._checked_key(group, side)
        return self._is_weak(self._grades[group][side])

    def _is_weak(self, grade: Grade) -> bool:
        return grade is not None and self._weak_at_most is not None and grade <= self._weak_at_most

    def setSelected(self, group: str | None, side: str | None) -> None:
        """Select a region from code (e.g. to follow the form's current row); None clears. Does not emit
        ``selectionChanged``, so an owner that mirrors the selection cannot loop."""
        key = None if group is None or side is None else self._checked_key(group, side)
        if key != self._selected:
            self._selected = key
            self._update_description()
            self.update()

    def selected(self) -> tuple[str, str] | None:
        """The selected (group, side), or None."""
        return self._selected

    def setReadOnly(self, read_only: bool) -> None:
        """A signed-off assessment is shown, not edited: selection still works, grade requests do not."""
        self._read_only = bool(read_only)
        if self._read_only and self._menu is not None:
            self._menu.close()
        self._update_cursor()
        self._update_description()

    def isReadOnly(self) -> bool:
        """Whether grade requests are blocked."""
        return self._read_only

    def regionCenter(self, group: str, side: str) -> QPoint:
        """A point inside the region, in widget coordinates (for tests, and to anchor the keyboard menu)."""
        placed = self._placed_regions()[self._checked_key(group, side)]
        return placed.centre.toPoint()

    def regionPath(self, group: str, side: str) -> QPainterPath:
        """The region's outline in widget coordinates (a copy)."""
        return QPainterPath(self._placed_regions()[self._checked_key(group, side)].path)

    def regionAt(self, pos: QPointF | QPoint) -> tuple[str, str] | None:
        """The (group, side) under ``pos``, counting a grade number drawn beside its region as part of it."""
        point = QPointF(pos)
        placed = self._placed_regions()
        for key, region in placed.items():
            if region.path.contains(point):
                return key
        metrics = QFontMetricsF(self._label_font)
        for key, region in placed.items():
            if not region.label_inside and self._label_rect(region.label_pos, metrics).contains(point):
                return key
        return None

    def regionLabel(self, group: str, side: str) -> str:
        """The text drawn on the region: the grade, or an en dash for not tested."""
        grade = self._grades[self._checked_key(group, side)[0]][side]
        return NOT_TESTED_TEXT if grade is None else str(grade)

    def describeRegion(self, group: str, side: str) -> str:
        """One line naming the region, its nerve and roots and its grade (the tooltip text)."""
        group, side = self._checked_key(group, side)
        movement, nerve, roots = self._anatomy[group]
        text = f"{self._SIDE_WORD[side]} {movement}"
        muscles = self._muscles.get(group)
        if muscles:
            text += f" ({muscles})"
        supply = ", ".join(part for part in (nerve, roots) if part)
        if supply:
            text += f" — {supply}"
        grade = self._grades[group][side]
        return text + (" — not tested" if grade is None else f" — MRC {grade}")

    def requestGrade(self, group: str, side: str, grade: int | None) -> None:
        """Ask the owner to set a grade (what the menu and digit keys call); ignored when read-only."""
        group, side = self._checked_key(group, side)
        if grade is not None and (isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5):
            raise ValueError(f"MRC grade must be 0-5 or None, not {grade!r}")
        if not self._read_only:
            self.gradeRequested.emit(group, side, grade)

    def gradeMenu(self, group: str, side: str) -> QMenu:
        """Build (not show) the grade menu for a region; its actions call ``requestGrade``.

        The current grade is checked so the menu also tells the user what is recorded now.
        """
        group, side = self._checked_key(group, side)
        menu = QMenu(self)
        menu.setTitle(self.describeRegion(group, side))
        menu.setAccessibleName(f"MRC grade for {self._SIDE_WORD[side].lower()} {self._anatomy[group][0]}")
        actions = QActionGroup(menu)
        actions.setExclusive(True)
        current = self._grades[group][side]
        for grade, text in GRADE_MENU_LABELS.items():
            action = QAction(text, menu)
            action.setData(grade)
            action.setCheckable(True)
            action.setChecked(grade == current)
            action.setEnabled(not self._read_only)
            action.triggered.connect(lambda _checked=False, g=grade: self.requestGrade(group, side, g))
            actions.addAction(action)
            menu.addAction(action)
            if grade == 5:
                menu.addSeparator()
        return menu

    def openGradeMenu(self, group: str, side: str, global_pos: QPoint | None = None) -> QMenu | None:
        """Build the grade menu and, when ``popupMenus`` is true, pop it up (non-modal) at ``global_pos`` or
        beside the region. Returns the menu, or None when read-only."""
        if self._read_only:
            return None
        if self._menu is not None:
            self._menu.close()
            self._menu.deleteLater()
        menu = self.gradeMenu(group, side)
        self._menu = menu
        menu.aboutToHide.connect(lambda: self._forget_menu(menu))
        if self.popupMenus:
            menu.popup(global_pos if global_pos is not None else self.mapToGlobal(self.regionCenter(group, side)))
        return menu

    def lastGradeMenu(self) -> QMenu | None:
        """The most recently built grade menu still alive, so a test can trigger its actions after a click."""
        return self._menu

    def sizeHint(self) -> QSize:
        """Room for both figures and the legend at a comfortable size; grows with a larger font (the user's
        text-size preference) so the numbers still fit their regions."""
        return self._font_scaled(540, 430)

    def minimumSizeHint(self) -> QSize:
        """Below this the grade numbers no longer fit their regions."""
        return self._font_scaled(380, 320)

    def _font_scaled(self, width: int, height: int) -> QSize:
        factor = max(1.0, QFontMetricsF(self.font()).height() / _REFERENCE_LINE_HEIGHT)
        return QSize(round(width * factor), round(height * factor))

    # ------------------------------------------------------------------------------------------------------
    # Layout (once per resize or font/style change)

    def _placed_regions(self) -> dict[tuple[str, str], _Placed]:
        if self._layout_size != self.size() or not self._placed:
            self._relayout()
        return self._placed

    def _relayout(self) -> None:
        """Scale the logical geometry into the widget and precompute label and legend positions, so a paint
        only fills and strokes cached paths."""
        self._layout_size = QSize(self.size())
        width, height = max(1, self.width()), max(1, self.height())
        base = QFont(self.font())
        size = base.pointSizeF() if base.pointSizeF() > 0 else 9.0
        self._legend_font = QFont(base)
        self._legend_font.setPointSizeF(size * min(1.5, max(0.9, width / CANVAS_W)))
        metrics = QFontMetricsF(self._legend_font)
        legend_rows, legend_height = self._legend_rows(metrics, width)
        figure_h = max(1.0, height - legend_height)
        scale = min(width / CANVAS_W, figure_h / CANVAS_H)
        self._scale = scale
        dx = (width - CANVAS_W * scale) / 2
        dy = (figure_h - CANVAS_H * scale) / 2
        transform = QTransform(scale, 0, 0, scale, dx, dy)

        self._label_font = QFont(base)
        self._label_font.setBold(True)
        self._label_font.setPointSizeF(size * min(2.2, max(1.0, scale * 1.1)))
        label_metrics = QFontMetricsF(self._label_font)

        self._silhouettes = {view: transform.map(path) for view, path in self._geometry.silhouettes.items()}
        self._details = {view: transform.map(path) for view, path in self._geometry.details.items()}
        self._placed = {}
        geometry = self._geometry
        for key, logical in geometry.regions.items():
            path = transform.map(logical)
            centre = transform.map(geometry.centres[key])
            inside = path.contains(self._label_rect(centre, label_metrics))
            outside = transform.map(geometry.outside_labels[key])
            leader = transform.map(geometry.leader_targets[key])
            self._placed[key] = _Placed(path, centre, centre if inside else outside, inside, leader)

        title_font = QFont(base)
        title_font.setBold(True)
        title_font.setPointSizeF(size * min(2.2, max(1.05, scale * 1.2)))
        side_font = QFont(title_font)
        self._texts = []
        for view, centre_x in VIEW_CENTRES.items():
            self._texts.append((transform.map(QPointF(centre_x, 14)), view.capitalize(), title_font))
            for side in SIDES:
                anchor = transform.map(place(view, side)((104, 64)))
                self._texts.append((anchor, side[0].upper(), side_font))

        self._legend = self._legend_items(legend_rows, metrics, width, figure_h)

    def _legend_rows(self, metrics: QFontMetricsF, width: int) -> tuple[list[list[tuple[Grade, str]]], float]:
        """Flow the legend entries into as many rows as the width needs (large fonts wrap, never clip)."""
        entries: list[tuple[Grade, str]] = [(None, "MRC grade:"), *[(g, str(g)) for g in range(6)]]
        entries.append((None, "Not tested"))
        if self._weak_at_most is not None:
            entries.append((-1, f"Bold outline: weak (≤ {self._weak_at_most:g})"))
        rows: list[list[tuple[Grade, str]]] = [[]]
        used = 0.0
        for entry in entries:
            need = self._legend_entry_width(entry, metrics)
            if rows[-1] and used + need > width - 16:
                rows.append([])
                used = 0.0
            rows[-1].append(entry)
            used += need
        line = max(metrics.height(), metrics.height() * 1.45)
        return rows, line * len(rows) + 10

    def _legend_entry_width(self, entry: tuple[Grade, str], metrics: QFontMetricsF) -> float:
        grade, text = entry
        swatch = 0.0 if grade is None and text != "Not tested" else metrics.height() * 1.5 + 4
        return swatch + metrics.horizontalAdvance(text) + metrics.height() * 0.9

    def _legend_items(
        self, rows: list[list[tuple[Grade, str]]], metrics: QFontMetricsF, width: int, top: float
    ) -> list[_LegendItem]:
        items: list[_LegendItem] = []
        line = metrics.height() * 1.45
        y = top + 4
        for row in rows:
            total = sum(self._legend_entry_width(entry, metrics) for entry in row) - metrics.height() * 0.9
            x = max(8.0, (width - total) / 2)
            for grade, text in row:
                has_swatch = not (grade is None and text != "Not tested")
                swatch = QRectF(x, y + (line - metrics.height()) / 2, metrics.height() * 1.5, metrics.height())
                text_x = x + (swatch.width() + 4 if has_swatch else 0)
                items.append(
                    _LegendItem(
                        grade if has_swatch else -2,
                        text,
                        swatch if has_swatch else QRectF(),
                        QPointF(text_x, y + (line + metrics.ascent() - metrics.descent()) / 2),
                    )
                )
                x = text_x + metrics.horizontalAdvance(text) + metrics.height() * 0.9
            y += line
        return items

    @staticmethod
    def _label_rect(centre: QPointF, metrics: QFontMetricsF) -> QRectF:
        width = metrics.horizontalAdvance("0") + 4
        height = metrics.ascent() + 2
        return QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)

    # ------------------------------------------------------------------------------------------------------
    # Painting

    def paintEvent(self, event: QPaintEvent) -> None:
        """Fill and stroke the cached paths; colours come from the palette so dark themes work."""
        placed = self._placed_regions()
        palette = self.palette()
        group_state = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        text = palette.color(group_state, QPalette.ColorRole.WindowText)
        window = palette.color(group_state, QPalette.ColorRole.Window)
        skin = _blend(window, text, 0.07)
        line = _blend(window, text, 0.55)
        faint = _blend(window, text, 0.35)

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scale = self._scale

        for view, silhouette in self._silhouettes.items():
            painter.setPen(QPen(line, max(1.0, 1.3 * scale)))
            painter.setBrush(skin)
            painter.drawPath(silhouette)
            painter.setPen(QPen(faint, max(0.8, 1.0 * scale), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._details[view])

        for key, region in placed.items():
            grade = self._grades[key[0]][key[1]]
            self._fill_region(painter, region.path, grade, window, text)
            if self._is_weak(grade):
                painter.setPen(QPen(text, max(1.6, 2.2 * scale)))
            else:
                painter.setPen(QPen(line, max(0.8, 1.0 * scale)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(region.path)
            if key == self._hover and key != self._selected and not self._read_only:
                painter.setPen(QPen(palette.color(group_state, QPalette.ColorRole.Highlight), max(1.0, 1.4 * scale)))
                painter.drawPath(region.path)

        if self._selected is not None:
            region = placed[self._selected]
            role_group = QPalette.ColorGroup.Active if self.hasFocus() else QPalette.ColorGroup.Inactive
            ring = palette.color(role_group, QPalette.ColorRole.Highlight)
            painter.setPen(QPen(window, max(4.5, 6.0 * scale), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPath(region.path)
            style = Qt.PenStyle.SolidLine if self.hasFocus() else Qt.PenStyle.DashLine
            painter.setPen(QPen(ring, max(2.5, 3.2 * scale), style, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            painter.drawPath(region.path)

        painter.setFont(self._label_font)
        metrics = QFontMetricsF(self._label_font)
        for key, region in placed.items():
            grade = self._grades[key[0]][key[1]]
            label = NOT_TESTED_TEXT if grade is None else str(grade)
            rect = self._label_rect(region.label_pos, metrics)
            if region.label_inside:
                painter.setPen(label_text_on(self.label_background(grade, window, text)))
            else:
                painter.setPen(QPen(faint, max(0.8, 1.0 * scale)))
                painter.drawLine(self._leader_start(region, metrics), region.leader_to)
                # A number set beside its region may lie over another region's colour: it sits on a patch of
                # the window's colour, so it reads as text on the window in any palette.
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(window)
                painter.drawRoundedRect(rect.adjusted(-1, 0, 1, 0), 3, 3)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)

        for anchor, word, font in self._texts:
            painter.setFont(font)
            painter.setPen(text)
            fm = QFontMetricsF(font)
            rect = QRectF(anchor.x() - fm.horizontalAdvance(word), anchor.y() - fm.height() / 2, 0, fm.height())
            rect.setWidth(2 * fm.horizontalAdvance(word))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, word)

        self._paint_legend(painter, window, text, line)
        painter.end()

    @staticmethod
    def label_background(grade: Grade, window: QColor, text: QColor) -> QColor:
        """What a grade number drawn inside its region stands on: the grade's colour, or the not-tested grey."""
        return GRADE_COLOURS[grade] if grade is not None else _blend(window, text, 0.18)

    def label_colours(self) -> dict[tuple[str, str], tuple[QColor, QColor]]:
        """(text, background) of each region's number as painted now: on the region's colour, or beside the
        region on the window's colour."""
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        colours = {}
        for key, region in self._placed_regions().items():
            grade = self._grades[key[0]][key[1]]
            if region.label_inside:
                background = self.label_background(grade, window, text)
                colours[key] = (label_text_on(background), background)
            else:
                colours[key] = (text, window)
        return colours

    def _leader_start(self, region: _Placed, metrics: QFontMetricsF) -> QPointF:
        rect = self._label_rect(region.label_pos, metrics).adjusted(-2, -2, 2, 2)
        target = region.leader_to
        x = min(max(target.x(), rect.left()), rect.right())
        y = min(max(target.y(), rect.top()), rect.bottom())
        return QPointF(x, y)

    def _fill_region(self, painter: QPainter, path: QPainterPath, grade: Grade, window: QColor, text: QColor) -> None:
        if grade is not None:
            painter.fillPath(path, GRADE_COLOURS[grade])
            return
        painter.fillPath(path, _blend(window, text, 0.18))
        hatch = QBrush(_blend(window, text, 0.5), Qt.BrushStyle.BDiagPattern)
        painter.fillPath(path, hatch)

    def _paint_legend(self, painter: QPainter, window: QColor, text: QColor, line: QColor) -> None:
        painter.setFont(self._legend_font)
        for item in self._legend:
            if item.grade != -2:
                if item.grade == -1:
                    painter.setPen(QPen(text, 2.2))
                else:
                    path = QPainterPath()
                    path.addRect(item.swatch)
                    self._fill_region(painter, path, item.grade, window, text)
                    painter.setPen(QPen(line, 1.0))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(item.swatch)
            painter.setPen(text)
            painter.drawText(item.text_pos, item.text)

    # ------------------------------------------------------------------------------------------------------
    # Interaction

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Select on press (immediate feedback); the menu opens on release over the same region."""
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        key = self.regionAt(event.position())
        self._pressed = key
        if key is not None:
            self._select_by_user(key)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Open the grade menu at the cursor when press and release hit the same region (a click)."""
        pressed, self._pressed = self._pressed, None
        if event.button() == Qt.MouseButton.LeftButton and pressed is not None:
            if self.regionAt(event.position()) == pressed:
                self.openGradeMenu(*pressed, event.globalPosition().toPoint())
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Track the hovered region for its outline highlight and the pointing cursor."""
        key = self.regionAt(event.position())
        if key != self._hover:
            self._hover = key
            self._update_cursor()
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        """Drop the hover highlight when the pointer leaves."""
        if self._hover is not None:
            self._hover = None
            self._update_cursor()
            self.update()
        super().leaveEvent(event)

    def event(self, event: QEvent) -> bool:
        """Tooltips name the region under the pointer (side, movement, muscles, nerve, roots, grade)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            key = self.regionAt(event.pos())
            if key is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.describeRegion(*key), self)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows move the selection, 0-5 / N / Delete request a grade, Enter/Space open the menu; anything
        else (Tab included) goes to QWidget so focus moves in and out normally."""
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End):
            self._move_vertical(key)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._move_horizontal(key)
        elif Qt.Key.Key_0.value <= key <= Qt.Key.Key_5.value and self._selected is not None:
            self.requestGrade(*self._selected, key - Qt.Key.Key_0.value)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_N) and self._selected is not None:
            self.requestGrade(*self._selected, None)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self._selected is not None:
            self.openGradeMenu(*self._selected)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        """The focus ring style depends on focus."""
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """The focus ring style depends on focus."""
        super().focusOutEvent(event)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Rebuild the scaled path cache for the new size."""
        super().resizeEvent(event)
        self._relayout()

    def changeEvent(self, event: QEvent) -> None:
        """A new font or style changes label sizes: rebuild the layout."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._placed = {}
            self.updateGeometry()
            self.update()
        super().changeEvent(event)

    # ------------------------------------------------------------------------------------------------------
    # Helpers

    def _move_vertical(self, key: int) -> None:
        if self._selected is None:
            self._select_by_user((KEYBOARD_ORDER[0], self._screen_side(KEYBOARD_ORDER[0], left=True)))
            return
        group, side = self._selected
        index = KEYBOARD_ORDER.index(group)
        if key == Qt.Key.Key_Up:
            index = max(0, index - 1)
        elif key == Qt.Key.Key_Down:
            index = min(len(KEYBOARD_ORDER) - 1, index + 1)
        elif key == Qt.Key.Key_Home:
            index = 0
        else:
            index = len(KEYBOARD_ORDER) - 1
        self._select_by_user((KEYBOARD_ORDER[index], side))

    def _move_horizontal(self, key: int) -> None:
        """Left/Right go to the region on that side of the screen (in the front view the patient's right leg
        is on the left, in the back view on the right), which is what the eye expects."""
        if self._selected is None:
            self._select_by_user((KEYBOARD_ORDER[0], self._screen_side(KEYBOARD_ORDER[0], left=True)))
            return
        group, _side = self._selected
        self._select_by_user((group, self._screen_side(group, left=key == Qt.Key.Key_Left)))

    @staticmethod
    def _screen_side(group: str, *, left: bool) -> str:
        view = SPEC_BY_GROUP[group].view
        for side in SIDES:
            if (side_sign(view, side) < 0) == left:
                return side
        raise AssertionError("unreachable")

    def _select_by_user(self, key: tuple[str, str]) -> None:
        if key != self._selected:
            self._selected = key
            self._update_description()
            self.update()
            self.selectionChanged.emit(*key)

    def _forget_menu(self, menu: QMenu) -> None:
        if self._menu is menu:
            self._menu = None
        menu.deleteLater()

    def _update_cursor(self) -> None:
        if self._hover is not None and not self._read_only:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()

    def _update_description(self) -> None:
        if self._selected is None:
            text = "No muscle group selected. Arrow keys choose a muscle group"
            text += "." if self._read_only else "; 0 to 5 set its MRC grade, N marks it not tested."
        else:
            group, side = self._selected
            movement, nerve, roots = self._anatomy[group]
            grade = self._grades[group][side]
            grade_text = (
                "not tested" if grade is None else f"MRC grade {grade}" + (" (weak)" if self._is_weak(grade) else "")
            )
            text = f"Selected: {side} {movement}, {grade_text}."
            if nerve:
                text += f" Nerve: {nerve}."
            if roots:
                text += f" Roots: {roots}."
        if self._read_only:
            text += " Read only."
        self.setAccessibleDescription(text)

    def _checked_key(self, group: str, side: str) -> tuple[str, str]:
        if group not in self._grades:
            raise ValueError(f"unknown muscle group {group!r}")
        if side not in SIDES:
            raise ValueError(f"side must be left or right, not {side!r}")
        return group, side
