"""Binding form widgets to paths of the assessment being edited.

Each widget writes its value through the session (so every keystroke is undoable) and is refreshed from the
session when that path changes (undo, redo, a click on the body map). Invalid values are never silently
dropped: the text as typed goes to the session, the core's validation names the rule, and the widget shows
it inline (a red frame, the problem in words as tooltip and accessible description).

Widgets are made from the form's field table (:mod:`planner.ui.fields`): the label, the kind of widget and
what it shows when nothing is recorded all come from there. Nothing is pre-filled: a required field starts
empty ("—", "not recorded") until the clinician records it.

A value copied from the last visit into a new one is marked as carried forward until it is changed or confirmed
(:mod:`planner.plan.carry`): its field is tinted, its label starts with ↻, and its tooltip and accessible
description say which visit it came from; the field's context menu (right click, or the Menu key) confirms it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QCheckBox, QComboBox, QFrame, QGridLayout, QLabel, QLineEdit, QMenu, QSpinBox, QWidget

from planner.dates import format_date
from planner.edits import CarriedMark, confirm_carried
from planner.errors import FieldIssue
from planner.ui.colours import CARRIED, INVALID_FRAME
from planner.ui.date_field import DateField
from planner.ui.fields import CHOICE, CHOICES, COUNT, DATE, FLAG, LIST, NUMBER, TEXT, Field, describe
from planner.ui.session import AssessmentSession, Path

INVALID_STYLE = f"border: 2px solid {INVALID_FRAME};"
CARRIED_STYLE = f"color: {CARRIED['review'][0]}; background: {CARRIED['review'][1]};"
CARRIED_SIGN = "↻"


def carried_forward_words(mark: CarriedMark) -> str:
    return f"Carried forward from the visit of {format_date(mark.visit)}: review it (change it, or confirm it)"


def _number(text: str) -> Any:
    """A typed number, or the text itself when it is not one (validation will name the rule)."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in text else value


def _format_number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_only_look(field: QWidget, read_only: bool) -> None:
    """A field that takes no typing looks like it: the window's colour behind its text instead of the base
    (white in a light palette) of a field waiting for input, in any palette, and no "e.g. ..." hint."""
    if isinstance(field, QLineEdit):
        if read_only and field.property("hint") is None:
            field.setProperty("hint", field.placeholderText())
        field.setPlaceholderText("" if read_only else str(field.property("hint") or field.placeholderText()))
    if not read_only:
        field.setPalette(QPalette())  # back to the inherited palette
        return
    palette = QPalette(field.palette())
    palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
    field.setPalette(palette)


class Binder:
    """Creates bound widgets; ``refresh(path)`` and ``show_issues()`` keep them in step with the session."""

    def __init__(self, session: AssessmentSession, *, day_first: bool = True) -> None:
        self.session = session
        self.day_first = day_first
        self._widgets: dict[Path, tuple[QWidget, Callable[[Any], None]]] = {}
        self.fields: dict[Path, Field] = {}
        self.labels: dict[Path, tuple[QWidget, str]] = {}  # the label showing a field's name, and its text
        session.valueChanged.connect(self.refresh)
        session.planChanged.connect(self.show_issues)

    def _register(self, field: Field, widget: QWidget, load: Callable[[Any], None]) -> None:
        widget.setAccessibleName(field.label)
        widget.setObjectName(field.key)
        self._widgets[field.path] = (widget, load)
        self.fields[field.path] = field
        if isinstance(widget, QCheckBox):
            self.labels[field.path] = (widget, widget.text())
        target = widget.edit if isinstance(widget, DateField) else widget
        target.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        target.customContextMenuRequested.connect(lambda pos: self._context_menu(field.path, target, pos))
        load(self.session.value(field.path))

    def set_label(self, path: Path, label: QLabel) -> None:
        """The label that names the field at ``path`` (it shows the carried-forward sign)."""
        self.labels[path] = (label, label.text())

    def carried_marks(self, path: Path) -> dict[str, CarriedMark]:
        """The carried-forward marks, not yet reviewed, of the value at ``path`` (or of the values under it)."""
        key = "value:" + ".".join(path)
        return {
            k: mark
            for k, mark in self.session.edits.carried.items()
            if not mark.confirmed and (k == key or k.startswith(key + "."))
        }

    def confirm(self, paths: list[Path]) -> None:
        """Keep the carried-forward values at ``paths`` as they are (one undoable step)."""
        keys = [key for path in paths for key in self.carried_marks(path)]
        if keys:
            self.session.set_edits(confirm_carried(self.session.edits, keys), "Confirm values carried forward")

    def _context_menu(self, path: Path, target: QWidget, pos: QPoint) -> None:
        if isinstance(target, QLineEdit):
            menu = target.createStandardContextMenu()
        elif isinstance(target, QSpinBox):
            menu = target.lineEdit().createStandardContextMenu()
        else:
            menu = QMenu(target)
        marks = self.carried_marks(path)
        if marks and not self.session.read_only:
            visit = format_date(next(iter(marks.values())).visit)
            action = QAction(f"Confirm the value carried forward from {visit}", menu)
            action.triggered.connect(lambda: self.confirm([path]))
            existing = menu.actions()
            if existing:
                menu.insertAction(existing[0], action)
                menu.insertSeparator(existing[0])
            else:
                menu.addAction(action)
        if menu.actions():
            menu.exec(target.mapToGlobal(pos))
        menu.deleteLater()

    def refresh(self, path: Path) -> None:
        for bound_path, (widget, load) in self._widgets.items():
            if not path or bound_path[: len(path)] == path or path[: len(bound_path)] == bound_path:
                with QSignalBlocker(widget):
                    load(self.session.value(bound_path))

    def show_issues(self) -> None:
        """Each field's problem (a red frame, the words in its tooltip and accessible description) and, for a
        value carried forward from the last visit and not reviewed yet, the mark that says so."""
        for path, (widget, _load) in self._widgets.items():
            issue = self.session.issue_for(path)
            words = describe(issue, day_first=self.day_first) if issue else ""
            marks = self.carried_marks(path)
            carried = carried_forward_words(next(iter(marks.values()))) if marks else ""
            target = widget.edit if isinstance(widget, DateField) else widget
            style = (INVALID_STYLE if issue else "") + (CARRIED_STYLE if marks else "")
            if style and type(target) is QFrame:  # check boxes: one frame around them, none on each box
                style = f"QFrame {{ {style} }}"
            target.setStyleSheet(style)
            said = "\n".join(part for part in (words, carried) if part)
            target.setToolTip(said or (target.toolTip() if isinstance(widget, DateField) else ""))
            widget.setAccessibleDescription(said)
            label = self.labels.get(path)
            if label is not None:
                shown, text = label
                wanted = f"{CARRIED_SIGN} {text}" if marks else text
                if shown.text() != wanted:  # type: ignore[attr-defined]
                    shown.setText(wanted)  # type: ignore[attr-defined]

    def set_read_only(self, read_only: bool) -> None:
        for widget, _load in self._widgets.values():
            if isinstance(widget, DateField):
                widget.setReadOnly(read_only)
                read_only_look(widget.edit, read_only)
            elif isinstance(widget, QLineEdit):
                widget.setReadOnly(read_only)
                read_only_look(widget, read_only)
            else:
                widget.setEnabled(not read_only)

    def widget(self, path: Path) -> QWidget:
        return self._widgets[path][0]

    def issue_widget(self, issue: FieldIssue) -> QWidget | None:
        """The widget that shows the field an issue is about (for an element of a list: none of its own)."""
        for path, (widget, _load) in self._widgets.items():
            if ".".join(path) == issue.field.split("[", 1)[0]:
                return widget
        return None

    # --- widget kinds --------------------------------------------------------------------------------------
    def bind(self, field: Field) -> QWidget:
        """The widget for ``field``, by its kind."""
        make = {
            TEXT: self._text,
            DATE: self._date,
            CHOICE: self._choice,
            NUMBER: self._number,
            COUNT: self._count,
            FLAG: self._flag,
            LIST: self._text_list,
            CHOICES: self._choices,
        }[field.kind]
        return make(field)

    def _text(self, field: Field) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(field.placeholder)
        path, required = field.path, field.required
        edit.textEdited.connect(
            lambda text: self.session.set_value(path, text if (text or required) else None, f"Edit {field.label}")
        )

        def load(value: Any) -> None:
            if edit.text() != (value or ""):
                edit.setText(value or "")

        self._register(field, edit, load)
        return edit

    def _date(self, field: Field) -> DateField:
        date_field = DateField(day_first=self.day_first)
        date_field.edit.setAccessibleName(field.label)
        date_field.button.setAccessibleName(f"Choose the {field.label.lower()} from a calendar")
        date_field.edited.connect(lambda value: self.session.set_value(field.path, value, f"Edit {field.label}"))
        self._register(field, date_field, date_field.set_value)
        return date_field

    def _number(self, field: Field) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(field.placeholder)
        edit.textEdited.connect(lambda text: self.session.set_value(field.path, _number(text), f"Edit {field.label}"))

        def load(value: Any) -> None:
            if _number(edit.text()) != value:
                edit.setText(_format_number(value))

        self._register(field, edit, load)
        return edit

    def _choice(self, field: Field) -> QComboBox:
        combo = QComboBox()
        combo.addItem(field.blank, None)
        for value in field.values:
            combo.addItem(field.value_text(value), value)
        combo.activated.connect(
            lambda _i: self.session.set_value(field.path, combo.currentData(), f"Set {field.label}")
        )

        def load(value: Any) -> None:
            combo.setCurrentIndex(max(0, combo.findData(value)))

        self._register(field, combo, load)
        return combo

    def _flag(self, field: Field) -> QCheckBox:
        box = QCheckBox(field.text)
        box.toggled.connect(lambda on: self.session.set_value(field.path, True if on else None, f"Set {field.label}"))
        self._register(field, box, lambda value: box.setChecked(bool(value)))
        return box

    def _choices(self, field: Field, *, columns: int = 2) -> QFrame:
        """A check box for each value of a list field (nothing ticked: not recorded, None). The label's
        mnemonic reaches the first box; each box is named "<field>: <value>" for a screen reader."""
        box = QFrame()  # a frame, so a problem can frame the boxes as a whole
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        checks: dict[Any, QCheckBox] = {}
        for index, value in enumerate(field.values):
            text = field.value_text(value)
            check = QCheckBox(text.replace("&", "&&"))
            check.setAccessibleName(f"{field.label}: {text}")
            checks[value] = check
            grid.addWidget(check, index // columns, index % columns)
        if checks:  # the label's mnemonic focuses a buddy that takes focus: this frame hands it to the first box
            box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            box.setFocusProxy(next(iter(checks.values())))

        def write(_on: bool) -> None:
            chosen = [value for value in field.values if checks[value].isChecked()]
            self.session.set_value(field.path, chosen or None, f"Set {field.label}")

        for check in checks.values():
            check.toggled.connect(write)

        def load(value: Any) -> None:
            chosen = set(value) if isinstance(value, list) else set()
            for key, check in checks.items():
                with QSignalBlocker(check):
                    check.setChecked(key in chosen)

        self._register(field, box, load)
        return box

    def _count(self, field: Field) -> QSpinBox:
        """A whole number, or nothing recorded (the value below the lowest, shown as the field's blank)."""
        low, high = int(field.low or 0), int(field.high or 0)
        spin = QSpinBox()
        spin.setRange(low - 1, high)
        spin.setSpecialValueText(field.blank)
        spin.valueChanged.connect(
            lambda v: self.session.set_value(field.path, None if v < low else v, f"Set {field.label}")
        )
        self._register(field, spin, lambda value: spin.setValue(value if isinstance(value, int) else low - 1))
        return spin

    def _text_list(self, field: Field) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(field.placeholder)

        def write(text: str) -> None:
            items = [part.strip() for part in text.split(",") if part.strip()]
            self.session.set_value(field.path, items or None, f"Edit {field.label}")

        edit.textEdited.connect(write)

        def load(value: Any) -> None:
            current = [p.strip() for p in edit.text().split(",") if p.strip()]
            if current != (value or []):
                edit.setText(", ".join(value or []))

        self._register(field, edit, load)
        return edit
