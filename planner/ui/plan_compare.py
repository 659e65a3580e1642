"""What changed between two plan versions, as a table: added, removed and changed items by section.

The comparison itself is :func:`planner.plan.compare.compare_plans` over the two versions as the clinician
left them (``PlanRecord.final()``); this module only lays it out. Each kind of change has a colour and, so
colour is never the only cue, a sign and a word: "+ added", "− removed", "~ changed: title, due date".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.plan.compare import ADDED, CHANGED, FIELD_LABELS, REMOVED, Change, by_section, compare_plans
from planner.plan.generate import SECTION_TITLES
from planner.records import PlanRecord
from planner.ui.colours import CHANGE_KIND
from planner.ui.row_table import RowTableModel

AnyIndex = QModelIndex | QPersistentModelIndex

KindRole = Qt.ItemDataRole.UserRole + 1  # added | removed | changed
ItemIdRole = Qt.ItemDataRole.UserRole + 2

KIND_STYLE = {ADDED: "+ added", REMOVED: "− removed", CHANGED: "~ changed"}
"""The sign and word of each kind of change (its colours: planner.ui.colours.CHANGE_KIND)."""
SHOWN_FIELDS = ("detail", "due_on", "due_until", "level")
"""What an added or removed item lists besides its title (which has its own column)."""


def section_title(key: str) -> str:
    return "Alerts" if key == "alerts" else SECTION_TITLES.get(key, key)


def field_text(field: str, entry: dict[str, Any]) -> str:
    value = entry.get(field)
    if field == "section" and value:
        value = section_title(str(value))
    return f"{FIELD_LABELS[field]}: {value if value not in (None, '') else '(none)'}"


def kind_text(change: Change) -> str:
    """'+ added', '− removed (excluded: reason)', '~ changed: title, due date (reworded by the clinician)'."""
    text = KIND_STYLE[change.kind]
    if change.kind == CHANGED:
        text += ": " + ", ".join(FIELD_LABELS[f] for f in change.fields)
    return f"{text} ({change.note})" if change.note else text


def side_text(change: Change, entry: dict[str, Any] | None) -> str:
    """One side (before or after) of a change: the differing fields of a changed item, or what an added or
    removed item said besides its title."""
    if entry is None:
        return ""
    fields = change.fields if change.kind == CHANGED else tuple(f for f in SHOWN_FIELDS if entry.get(f))
    return "\n".join(field_text(f, entry) for f in fields)


class PlanChangesModel(RowTableModel):
    """One row per change, grouped by section (alerts first, then the plan's sections)."""

    KIND, SECTION, ITEM, BEFORE, AFTER = range(5)
    HEADERS = ("Change", "Section", "Item", "Before (older version)", "After (newer version)")

    def set_changes(self, changes: list[Change]) -> None:
        self.set_rows(by_section(changes))

    def change(self, row: int) -> Change:
        return self.rows[row]

    def text(self, row: int, column: int) -> str:
        change = self.rows[row]
        if column == self.KIND:
            return kind_text(change)
        if column == self.SECTION:
            return section_title(change.section)
        if column == self.ITEM:
            return change.title
        if column == self.BEFORE:
            return side_text(change, change.before)
        return side_text(change, change.after)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        if not (0 <= index.column() < len(self.HEADERS)):
            return None
        change = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.HEADERS[index.column()]}: {self.text(index.row(), index.column()) or 'nothing'}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(CHANGE_KIND[change.kind][1])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(CHANGE_KIND[change.kind][0])  # its own text colour, in light and dark themes alike
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if role == KindRole:
            return change.kind
        if role == ItemIdRole:
            return change.item_id
        return None


def version_text(record: PlanRecord) -> str:
    """'version 2 of the 2026-01-10 assessment (signed 2026-01-12 14:03 by J. Doe)'."""
    if record.signed and record.signed_at:
        state = f"signed {record.signed_at.astimezone().strftime('%Y-%m-%d %H:%M')} by {record.signer}"
    else:
        state = record.status
    return f"version {record.version} of the {record.assessment['assessed_on']} assessment ({state})"


class CompareDialog(QDialog):
    """Changes from ``older`` to ``newer``; the caller decides which is which (see HistoryView)."""

    def __init__(self, older: PlanRecord, newer: PlanRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare plan versions")
        self.older, self.newer = older, newer
        changes = compare_plans(older.final(), newer.final())
        self.model = PlanChangesModel(self)
        self.model.set_changes(changes)
        self.heading = QLabel(f"From {version_text(older)}\nto {version_text(newer)}")
        self.heading.setAccessibleName("Compared versions")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        counts = {kind: sum(c.kind == kind for c in changes) for kind in (ADDED, REMOVED, CHANGED)}
        if changes:
            summary = (
                f"{len(changes)} change{'s' if len(changes) != 1 else ''}: {counts[ADDED]} added, "
                f"{counts[REMOVED]} removed, {counts[CHANGED]} changed."
            )
        else:
            summary = "No differences: both versions list the same items with the same wording and dates."
        self.summary = QLabel(summary)
        self.summary.setAccessibleName("Summary of changes")
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Changes between the two plan versions")
        self.view.setWordWrap(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in (
            (PlanChangesModel.KIND, 190),
            (PlanChangesModel.SECTION, 150),
            (PlanChangesModel.ITEM, 230),
        ):
            header.resizeSection(column, width)
        header.setSectionResizeMode(PlanChangesModel.BEFORE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PlanChangesModel.AFTER, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(1100, 560)
