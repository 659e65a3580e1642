"""What changed between two plan versions, as a table: added, removed and changed items by section.

The comparison itself is :func:`planner.plan.compare.compare_plans` over the two versions as the clinician
left them (``PlanRecord.final()``); this module only lays it out. Each kind of change has a colour and, so
colour is never the only cue, a sign and a word: "+ added", "− removed", "~ changed: title, due date".
Inside a changed item the words that changed are marked (struck through and in bold, with an arrow between a
word and its replacement: "MRC 3 → 4"), and long unchanged stretches are cut short, so a one-word change
does not hide in two whole paragraphs.
"""

from __future__ import annotations

import html
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

from planner.dates import format_date, format_moment
from planner.plan.compare import (
    ADDED,
    CHANGED,
    DELETED,
    FIELD_LABELS,
    INSERTED,
    REMOVED,
    SAME,
    Change,
    by_section,
    change_summary,
    change_text,
    compare_plans,
    word_changes,
)
from planner.plan.generate import SECTION_TITLES
from planner.record.plans import PlanRecord
from planner.ui.colours import CHANGE_KIND, WORD_CHANGE
from planner.ui.html_delegate import HtmlItemDelegate
from planner.ui.row_table import RowTableModel

AnyIndex = QModelIndex | QPersistentModelIndex

KindRole = Qt.ItemDataRole.UserRole + 1  # added | removed | changed
ItemIdRole = Qt.ItemDataRole.UserRole + 2
HtmlRole = Qt.ItemDataRole.UserRole + 3  # the "What changed" cell with its words marked

KIND_STYLE = {ADDED: "+ added", REMOVED: "− removed", CHANGED: "~ changed"}
"""The sign and word of each kind of change (its colours: planner.ui.colours.CHANGE_KIND)."""
SHOWN_FIELDS = ("detail", "due_on", "due_until", "level")
"""What an added or removed item lists besides its title (which has its own column)."""


def section_title(key: str) -> str:
    return "Alerts" if key == "alerts" else SECTION_TITLES.get(key, key)


def kind_text(change: Change) -> str:
    """'+ added', '− removed (excluded: reason)', '~ changed: title, due date (reworded by the clinician)'."""
    text = KIND_STYLE[change.kind]
    if change.kind == CHANGED:
        text += ": " + ", ".join(FIELD_LABELS[f] for f in change.fields)
    return f"{text} ({change.note})" if change.note else text


def _field_value(field: str, entry: dict[str, Any]) -> str:
    value = entry.get(field)
    if field == "section" and value:
        return section_title(str(value))
    if field in ("due_on", "due_until") and value:
        return format_date(str(value))
    return "" if value in (None, "") else str(value)


def change_lines(change: Change) -> list[tuple[str, list[tuple[str, str]]]]:
    """(field label, runs) per line of the 'What changed' cell: for a changed item each differing field with
    its words changed older -> newer (long unchanged stretches cut short); for an added or removed item what
    it said besides its title."""
    if change.kind == CHANGED:
        assert change.before is not None and change.after is not None
        return [
            (
                FIELD_LABELS[field],
                change_summary(word_changes(_field_value(field, change.before), _field_value(field, change.after))),
            )
            for field in change.fields
        ]
    entry = change.after if change.kind == ADDED else change.before
    assert entry is not None
    return [(FIELD_LABELS[f], [(SAME, _field_value(f, entry))]) for f in SHOWN_FIELDS if entry.get(f)]


def changes_text(change: Change) -> str:
    """The cell as plain text: 'detail: … quadriceps: MRC 3 → 4; joint …' (tooltips, screen readers)."""
    return "\n".join(f"{label}: {change_text(runs) or '(none)'}" for label, runs in change_lines(change))


def changes_html(change: Change) -> str:
    """The cell as escaped HTML: deleted words struck through, inserted words in bold, each in its own
    contrast-checked colours, an arrow between a replaced word and its replacement."""
    deleted_text, deleted_back = WORD_CHANGE["deleted"]
    inserted_text, inserted_back = WORD_CHANGE["inserted"]
    lines = []
    for label, runs in change_lines(change):
        parts = []
        for position, (kind, text) in enumerate(runs):
            shown = html.escape(text)
            if kind == DELETED:
                parts.append(
                    f"<span style='background-color:{deleted_back}; color:{deleted_text}; "
                    f"text-decoration:line-through'>{shown}</span>"
                )
                if position + 1 < len(runs) and runs[position + 1][0] == INSERTED:
                    parts.append(" → ")
            elif kind == INSERTED:
                parts.append(
                    f"<span style='background-color:{inserted_back}; color:{inserted_text}; "
                    f"font-weight:bold'>{shown}</span>"
                )
            else:
                parts.append(shown)
        lines.append(f"<b>{html.escape(label.capitalize())}:</b> {''.join(parts) or '(none)'}")
    return "<br>".join(lines)


class PlanChangesModel(RowTableModel):
    """One row per change, grouped by section (alerts first, then the plan's sections); the last column says
    what changed inside an item, word by word."""

    KIND, SECTION, ITEM, CHANGES = range(4)
    HEADERS = ("Change", "Section", "Item", "What changed (older → newer)")

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
        return changes_text(change)

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
        if role == HtmlRole and index.column() == self.CHANGES:
            return changes_html(change)
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
    """'version 2 of the 10 Jan 2026 assessment (signed Monday 12 January 2026 at 14:03 by J. Doe)'."""
    if record.signed and record.signed_at:
        state = f"signed {format_moment(record.signed_at)} by {record.signer}"
    else:
        state = record.status
    return f"version {record.version} of the {format_date(record.assessment['assessed_on'])} assessment ({state})"


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
        header.setSectionResizeMode(PlanChangesModel.CHANGES, QHeaderView.ResizeMode.Stretch)
        self.view.setItemDelegateForColumn(PlanChangesModel.CHANGES, HtmlItemDelegate(self.view, HtmlRole))
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(1100, 560)
