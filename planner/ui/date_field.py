"""A date editor that takes a date typed the way a clinic writes it, or picked from a calendar.

QDateEdit cannot be empty (most dates of an assessment are optional) and accepts one format only. This field
reads any format :func:`planner.dates.read_typed_date` knows, shows back the date it understood in words ("3 Apr
1958") when the clinician leaves it, and opens a calendar with the button beside it or Alt+Down. Text that is
not a date is kept as typed, so the assessment's validation names the problem and nothing typed is lost.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from planner.dates import EXAMPLE, DateError, format_date, long_date, read_typed_date


class DateField(QWidget):
    """``edited`` carries what the assessment stores: an ISO date, the text as typed when it is not a date,
    or None when the field is emptied."""

    edited = Signal(object)

    def __init__(self, *, day_first: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day_first = day_first
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(f"e.g. {EXAMPLE}")
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._show_understood)
        self.button = QToolButton()
        self.button.setArrowType(Qt.ArrowType.DownArrow)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+Down opens the calendar from the field
        self.button.setToolTip("Choose from a calendar (Alt+Down)")
        self.button.clicked.connect(self.open_calendar)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.activated.connect(self._picked)
        self.calendar.clicked.connect(self._picked)
        self.menu = QMenu(self)
        holder = QWidgetAction(self.menu)
        holder.setDefaultWidget(self.calendar)
        self.menu.addAction(holder)
        QShortcut(QKeySequence("Alt+Down"), self.edit, self.open_calendar, context=Qt.ShortcutContext.WidgetShortcut)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._value: str | None = None

    # --- the value --------------------------------------------------------------------------------------
    def value(self) -> str | None:
        return self._value

    def set_value(self, value: str | None) -> None:
        """Show a stored value: a date in words, anything else as it is. The text being typed is left alone
        while it still stands for that value, so the caret does not jump."""
        self._value = value
        if self._read(self.edit.text()) == value and self.edit.hasFocus():
            return
        self.edit.setText(format_date(value) if value else "")
        self._explain()

    def understood(self) -> date | None:
        try:
            return read_typed_date(self.edit.text(), day_first=self.day_first) if self.edit.text().strip() else None
        except DateError:
            return None

    def _read(self, text: str) -> str | None:
        if not text.strip():
            return None
        try:
            return read_typed_date(text, day_first=self.day_first).isoformat()
        except DateError:
            return text

    def _typed(self, text: str) -> None:
        self._value = self._read(text)
        self._explain()
        self.edited.emit(self._value)

    def _show_understood(self) -> None:
        """Leaving the field shows the date as understood, in words: '3/4/1958' becomes '3 Apr 1958'."""
        day = self.understood()
        if day is not None and self.edit.text() != format_date(day):
            self.edit.setText(format_date(day))

    def _explain(self) -> None:
        day = self.understood()
        text = f"Understood as {long_date(day)}" if day else f"Type a date (e.g. {EXAMPLE}) or press Alt+Down"
        self.edit.setToolTip(text)
        self.edit.setAccessibleDescription(text)

    # --- the calendar -----------------------------------------------------------------------------------
    def open_calendar(self) -> None:
        if self.edit.isReadOnly():
            return
        day = self.understood() or date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.menu.popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        self.calendar.setFocus()

    def _picked(self, qdate: QDate) -> None:
        self.menu.close()
        day = date(qdate.year(), qdate.month(), qdate.day())
        self.edit.setText(format_date(day))
        self._value = day.isoformat()
        self._explain()
        self.edited.emit(self._value)
        self.edit.setFocus()

    # --- reading only -----------------------------------------------------------------------------------
    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    def isReadOnly(self) -> bool:
        return self.edit.isReadOnly()
