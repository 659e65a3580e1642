"""The follow-up list across all patients: what is overdue, due today, or due soon.

The rows come from the core (planner.record.followup.due_list, one indexed query); this module only shows them,
opens the patient on double-click, and marks an item done (with a way back, since a done item leaves the
list). Marking done is an operation (planner.ui.operations): the view says what changed on :attr:`changed`,
which the main window passes on to every view, this one included.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.errors import UserError
from planner.ui import deferred
from planner.ui.colours import DUE_STATUS
from planner.ui.row_table import RowTableModel

if TYPE_CHECKING:
    from planner.record.followup import DueItem
    from planner.storage.database import Database
    from planner.ui.operations.changes import OpChanges

# The schedule rules (statuses, window text) and the follow-up queries are reached through planner.ui.deferred:
# they load when the list is first filled, after the first paint.

DAYS_AHEAD_SETTING = "due/days_ahead"


@cache
def _status_text() -> dict[str, str]:

    return {deferred.OVERDUE: "Overdue", deferred.DUE: "Due", deferred.UPCOMING: "Upcoming"}


@cache
def _status_colours() -> dict[str, tuple[QBrush, QBrush]]:
    """(text, background) of the status cell of an overdue or due item: a fixed pair, never the palette's
    text on a fixed pale colour (light text on pale yellow in a dark theme)."""

    return {
        status: (QBrush(QColor(DUE_STATUS[name][0])), QBrush(QColor(DUE_STATUS[name][1])))
        for status, name in ((deferred.OVERDUE, "overdue"), (deferred.DUE, "due"))
    }


_SECTION_TEXT = {
    "pt": "PT",
    "ot": "OT",
    "orthosis": "Orthosis",
    "lymphedema": "Lymphedema",
    "analgesia": "Analgesia",
    "medical": "Medical",
    "monitoring": "Monitoring",
}

Index = QModelIndex | QPersistentModelIndex


class DueListModel(RowTableModel):
    STATUS, WHEN, PATIENT, ITEM, SECTION = range(5)
    HEADERS = ("Status", "Due", "Patient", "Follow-up", "Section")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.entry(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.STATUS:
                return _status_text().get(item.status, item.status)
            if column == self.WHEN:
                return deferred.window_text(item.due_on, item.due_until)
            if column == self.PATIENT:
                return f"{item.patient_name} ({item.patient_id})"
            if column == self.ITEM:
                return item.title
            return _SECTION_TEXT.get(item.section, item.section)
        if column == self.STATUS and item.status in _status_colours():
            if role == Qt.ItemDataRole.ForegroundRole:
                return _status_colours()[item.status][0]
            if role == Qt.ItemDataRole.BackgroundRole:
                return _status_colours()[item.status][1]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.ITEM:
            return item.title
        return None


class DueListView(QWidget):
    """Overdue, due and upcoming follow-up items of every active patient's latest assessment."""

    openPatient = Signal(str)
    changed = Signal(object)  # what marking done or reopening changed (OpChanges)

    def __init__(self, database: Database, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.settings = settings
        self.model = DueListModel(self)
        self._last_done: DueItem | None = None
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Follow-up due")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        # Columns fit the visible rows and the next hundred, not Qt's default thousand: with thousands of items
        # (10,000 patients) that is 10 ms per reload instead of 90, at start-up and after every save.
        self.view.horizontalHeader().setResizeContentsPrecision(100)
        self.view.doubleClicked.connect(self._open)
        # A short screen may leave the list two rows: it scrolls, and the record above keeps its room.
        self.view.setMinimumHeight(
            self.view.horizontalHeader().sizeHint().height() + 2 * self.fontMetrics().lineSpacing() + 8
        )
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.days = QSpinBox()
        self.days.setRange(0, 365)
        self.days.setSuffix(" days")
        self.days.setAccessibleName("Also show items due within")
        self.days.setValue(int(str(self.settings.value(DAYS_AHEAD_SETTING, 14))))
        self.days.valueChanged.connect(self._days_changed)
        self.summary = QLabel()
        self.done_button = QPushButton("Mar&k done")
        self.done_button.setToolTip("Record the selected follow-up as done today")
        self.done_button.clicked.connect(self.mark_done)
        self.reopen_button = QPushButton("Reopen last")
        self.reopen_button.setToolTip("Put back the item last marked done")
        self.reopen_button.clicked.connect(self.reopen_last)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel("Show due within"))
        top.addWidget(self.days)
        top.addWidget(self.done_button)
        top.addWidget(self.reopen_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._update_buttons()

    def today(self) -> date:
        return date.today()

    def reload(self) -> None:

        items = deferred.due_list(self.database, self.today(), days_ahead=self.days.value())
        self.model.set_rows(items)
        overdue = sum(1 for i in items if i.status == deferred.OVERDUE)
        due = sum(1 for i in items if i.status == deferred.DUE)
        self.summary.setText(f"{overdue} overdue, {due} due today or in their window, {len(items)} listed")
        self.view.resizeColumnsToContents()
        self._update_buttons()

    def apply_changes(self, changes: OpChanges) -> None:
        """Filled again after an operation that changed follow-up items or the patients they name (see
        planner.ui.operations)."""
        if changes.followup:
            self.reload()

    def selected(self) -> DueItem | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def mark_done(self) -> None:
        item = self.selected()
        if item is None:
            return

        try:
            changes = deferred.set_followup_done(self.database, item, self.today())
        except UserError as exc:
            self.summary.setText(f"Not marked done: {exc}")
            return
        self._last_done = item
        self.changed.emit(changes)
        self.summary.setText(f"Marked done: {item.title} ({item.patient_name}). " + self.summary.text())

    def reopen_last(self) -> None:
        if self._last_done is None:
            return

        try:
            changes = deferred.set_followup_done(self.database, self._last_done, None)
        except UserError as exc:
            self.summary.setText(f"Not reopened: {exc}")
            return
        self._last_done = None
        self.changed.emit(changes)

    def _days_changed(self, value: int) -> None:
        self.settings.setValue(DAYS_AHEAD_SETTING, value)
        self.reload()

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.openPatient.emit(self.model.rows[index.row()].patient_id)

    def _update_buttons(self) -> None:
        self.done_button.setEnabled(self.selected() is not None)
        self.reopen_button.setEnabled(self._last_done is not None)
