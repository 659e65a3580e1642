"""Binding form widgets to paths of the assessment being edited.

Each widget writes its value through the session (so every keystroke is undoable) and is refreshed from the
session when that path changes (undo, redo, a click on the body map). Invalid values are never silently
dropped: the text as typed goes to the session, the core's validation names the rule, and the widget shows
it inline (a red frame, the rule as tooltip and accessible description).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLineEdit, QSpinBox, QWidget

from planner.ui.session import AssessmentSession, Path

INVALID_STYLE = "border: 2px solid #c62828;"
NOT_SET = "—"


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


class Binder:
    """Creates bound widgets; ``refresh(path)`` and ``show_issues()`` keep them in step with the session."""

    def __init__(self, session: AssessmentSession) -> None:
        self.session = session
        self._widgets: dict[Path, tuple[QWidget, Callable[[Any], None]]] = {}
        session.valueChanged.connect(self.refresh)
        session.planChanged.connect(self.show_issues)

    def _register(self, path: Path, widget: QWidget, label: str, load: Callable[[Any], None]) -> None:
        widget.setAccessibleName(label)
        widget.setObjectName(".".join(path))
        self._widgets[path] = (widget, load)
        load(self.session.value(path))

    def refresh(self, path: Path) -> None:
        for bound_path, (widget, load) in self._widgets.items():
            if not path or bound_path[: len(path)] == path or path[: len(bound_path)] == bound_path:
                with QSignalBlocker(widget):
                    load(self.session.value(bound_path))

    def show_issues(self) -> None:
        for path, (widget, _load) in self._widgets.items():
            rule = self.session.issue_for(path)
            widget.setStyleSheet(INVALID_STYLE if rule else "")
            widget.setToolTip(rule or "")
            widget.setAccessibleDescription(rule or "")

    def set_read_only(self, read_only: bool) -> None:
        for widget, _load in self._widgets.values():
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(read_only)
            else:
                widget.setEnabled(not read_only)

    def widget(self, path: Path) -> QWidget:
        return self._widgets[path][0]

    # --- widget kinds --------------------------------------------------------------------------------------
    def text(self, path: Path, label: str, *, required: bool = False, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(
            lambda text: self.session.set_value(path, text if (text or required) else None, f"Edit {label}")
        )

        def load(value: Any) -> None:
            if edit.text() != (value or ""):
                edit.setText(value or "")

        self._register(path, edit, label, load)
        return edit

    def date(self, path: Path, label: str, *, required: bool = False) -> QLineEdit:
        return self.text(path, label, required=required, placeholder="YYYY-MM-DD")

    def number(self, path: Path, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda text: self.session.set_value(path, _number(text), f"Edit {label}"))

        def load(value: Any) -> None:
            if _number(edit.text()) != value:
                edit.setText(_format_number(value))

        self._register(path, edit, label, load)
        return edit

    def choice(
        self,
        path: Path,
        label: str,
        values: Sequence[Any],
        *,
        optional: bool = True,
        labels: Sequence[str] | None = None,
    ) -> QComboBox:
        combo = QComboBox()
        if optional:
            combo.addItem(NOT_SET, None)
        for index, value in enumerate(values):
            combo.addItem(labels[index] if labels else str(value).replace("_", " "), value)
        combo.activated.connect(lambda _i: self.session.set_value(path, combo.currentData(), f"Set {label}"))

        def load(value: Any) -> None:
            combo.setCurrentIndex(max(0, combo.findData(value)))

        self._register(path, combo, label, load)
        return combo

    def flag(self, path: Path, label: str) -> QCheckBox:
        box = QCheckBox(label)
        box.toggled.connect(lambda on: self.session.set_value(path, True if on else None, f"Set {label}"))
        self._register(path, box, label, lambda value: box.setChecked(bool(value)))
        return box

    def choices(
        self, path: Path, label: str, values: Sequence[str], labels: Sequence[str], *, columns: int = 2
    ) -> QWidget:
        """A set of check boxes for a list field whose members come from ``values`` (empty list: not set)."""
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        checks: dict[str, QCheckBox] = {}
        for index, (value, text) in enumerate(zip(values, labels, strict=True)):
            check = QCheckBox(text)
            check.setAccessibleName(f"{label}: {text}")
            checks[value] = check
            grid.addWidget(check, index // columns, index % columns)

        def write(_on: bool) -> None:
            chosen = [value for value in values if checks[value].isChecked()]
            self.session.set_value(path, chosen or None, f"Set {label}")

        for check in checks.values():
            check.toggled.connect(write)

        def load(value: Any) -> None:
            chosen = set(value) if isinstance(value, list) else set()
            for value_key, check in checks.items():
                with QSignalBlocker(check):
                    check.setChecked(value_key in chosen)

        self._register(path, box, label, load)
        return box

    def count(self, path: Path, label: str, low: int, high: int, *, optional: bool = False) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low - 1 if optional else low, high)
        if optional:
            spin.setSpecialValueText(NOT_SET)
        spin.valueChanged.connect(
            lambda v: self.session.set_value(path, None if optional and v < low else v, f"Set {label}")
        )
        self._register(
            path, spin, label, lambda value: spin.setValue(low - 1 if value is None and optional else int(value or low))
        )
        return spin

    def text_list(self, path: Path, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)

        def write(text: str) -> None:
            items = [part.strip() for part in text.split(",") if part.strip()]
            self.session.set_value(path, items or None, f"Edit {label}")

        edit.textEdited.connect(write)

        def load(value: Any) -> None:
            current = [p.strip() for p in edit.text().split(",") if p.strip()]
            if current != (value or []):
                edit.setText(", ".join(value or []))

        self._register(path, edit, label, load)
        return edit
