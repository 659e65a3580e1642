"""Item models of the Plan tab's lists: the exercise cards, the equipment, and what to review from the last visit.

Each model only maps rows to the plan as the session holds it (rebuilt with ``beginResetModel`` when the plan
changes) and turns a check the clinician makes into a request (a signal) for the view to decide on: asking a
reason, calling one edit function, pushing it on the undo stack. None changes data of its own.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from planner.dates import format_date
from planner.edits import EQUIPMENT_STATUSES, CarriedMark, PlanEdits, decision_key, split_key
from planner.plan.carry import EQUIPMENT_WORDS, ReviewEntry
from planner.ui.colours import CARRIED

IdRole = Qt.ItemDataRole.UserRole + 11
EntryRole = Qt.ItemDataRole.UserRole + 12
KeyRole = Qt.ItemDataRole.UserRole + 13

Index = QModelIndex | QPersistentModelIndex
CARRIED_SIGN = "↻"
"""Marks what was carried over from the last visit and is not reviewed yet (beside its words, never alone)."""


def carried_words(mark: CarriedMark) -> str:
    """'carried over from the visit of 20 Nov 2026: review' (or 'confirmed')."""
    state = "confirmed" if mark.confirmed else "review"
    return f"carried over from the visit of {format_date(mark.visit)}: {state}"


def marks_of(edits: PlanEdits, target: str, kinds: tuple[str, ...]) -> list[CarriedMark]:
    """The carried marks of the decisions of ``kinds`` about ``target`` not yet reviewed."""
    return [m for kind in kinds if (m := edits.carried.get(decision_key(kind, target))) and not m.confirmed]


def _brush(colour: str) -> QBrush:
    return QBrush(QColor(colour))


class ExerciseModel(QAbstractListModel):
    """The home exercise cards: those kept, in the clinician's order (checked), then those taken out (unchecked,
    with the reason). Checking a row asks the view to put the card back or take it out."""

    checkRequested = Signal(str, bool)  # exercise id, keep it
    CARD_KINDS = ("exercise_excluded", "exercise_added", "dosage")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[dict[str, Any], bool]] = []
        self._edits = PlanEdits()
        self._editable = False

    def populate(self, plan: dict[str, Any] | None, edits: PlanEdits, editable: bool) -> None:
        self.beginResetModel()
        plan = plan or {}
        kept = [(card, True) for card in plan.get("exercises") or ()]
        excluded = [(entry, False) for entry in plan.get("excluded_exercises") or ()]
        self._rows, self._edits, self._editable = kept + excluded, edits, editable
        self.endResetModel()

    def kept_ids(self) -> list[str]:
        return [card["id"] for card, kept in self._rows if kept]

    def row_of(self, exercise_id: str) -> int:
        return next((row for row, (card, _kept) in enumerate(self._rows) if card["id"] == exercise_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def _text(self, row: int) -> str:
        card, kept = self._rows[row]
        marks = marks_of(self._edits, card["id"], self.CARD_KINDS)
        sign = f"{CARRIED_SIGN} " if marks else ""
        if not kept:
            reason = card.get("reason")
            return f"{sign}{card['name']}  (taken out{': ' + reason if reason else ''})"
        number = self.kept_ids().index(card["id"]) + 1
        dosage = (card.get("dosage") or {}).get("text") or ""
        changes = []
        if card.get("source") == "clinician":
            changes.append("added")
        if card.get("generated_dosage") or card.get("note"):
            changes.append("dosage set by you")
        extra = f"  [{', '.join(changes)}]" if changes else ""
        return f"{sign}{number}. {card['name']} — {dosage}{extra}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        card, kept = self._rows[index.row()]
        marks = marks_of(self._edits, card["id"], self.CARD_KINDS)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row())
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if kept else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and marks:
            return carried_words(marks[0])
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "Kept" if kept else "Taken out"
            return f"{state}: {self._text(index.row()).removeprefix(CARRIED_SIGN + ' ')}" + (
                f" ({carried_words(marks[0])})" if marks else ""
            )
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole) and marks:
            text, background = CARRIED["review"]
            return _brush(text if role == Qt.ItemDataRole.ForegroundRole else background)
        if role == IdRole:
            return card["id"]
        if role == EntryRole:
            return card
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or not self._editable:
            return False
        card, kept = self._rows[index.row()]
        keep = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        if keep != kept:
            self.checkRequested.emit(card["id"], keep)
        return False  # the plan changes through the session; the model is rebuilt from it


class EquipmentModel(QAbstractTableModel):
    """The equipment the documents suggest: name and category, then one column per decision (recommended,
    issued, already owned, not needed), one of which is ticked, or none (suggested only)."""

    statusRequested = Signal(str, object)  # equipment id, status or None
    NAME, CATEGORY = 0, 1
    STATUS_COLUMNS: ClassVar[dict[int, str]] = dict(enumerate(EQUIPMENT_STATUSES, start=2))
    HEADERS = ("Equipment", "For", *(EQUIPMENT_WORDS[s].capitalize() for s in EQUIPMENT_STATUSES))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._edits = PlanEdits()
        self._editable = False

    def populate(self, plan: dict[str, Any] | None, edits: PlanEdits, editable: bool) -> None:
        self.beginResetModel()
        self._rows = list((plan or {}).get("equipment") or ())
        self._edits, self._editable = edits, editable
        self.endResetModel()

    def row_of(self, equipment_id: str) -> int:
        return next((row for row, entry in enumerate(self._rows) if entry["id"] == equipment_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _mark(self, entry: dict[str, Any]) -> CarriedMark | None:
        marks = marks_of(self._edits, entry["id"], ("equipment",))
        return marks[0] if marks else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry, column = self._rows[index.row()], index.column()
        status = self.STATUS_COLUMNS.get(column)
        mark = self._mark(entry)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return f"{CARRIED_SIGN} {entry['name']}" if mark else entry["name"]
            if column == self.CATEGORY:
                return str(entry.get("category") or "")
            return None
        if role == Qt.ItemDataRole.CheckStateRole and status is not None:
            return Qt.CheckState.Checked if entry.get("status") == status else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.NAME:
                return f"{entry.get('purpose', '')}" + (f"\n{carried_words(mark)}" if mark else "")
            if status is not None:
                return f"{entry['name']}: {EQUIPMENT_WORDS[status]}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if status is not None:
                ticked = "ticked" if entry.get("status") == status else "not ticked"
                return f"{entry['name']}, {EQUIPMENT_WORDS[status]}: {ticked}"
            if column == self.NAME and mark:
                return f"{entry['name']} ({carried_words(mark)})"
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole) and mark and column == self.NAME:
            text, background = CARRIED["review"]
            return _brush(text if role == Qt.ItemDataRole.ForegroundRole else background)
        if role == IdRole:
            return entry["id"]
        if role == EntryRole:
            return entry
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and index.column() in self.STATUS_COLUMNS:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        status = self.STATUS_COLUMNS.get(index.column())
        if role != Qt.ItemDataRole.CheckStateRole or status is None or not self._editable:
            return False
        entry = self._rows[index.row()]
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        # One decision per item: ticking a column chooses it, unticking the chosen one leaves it undecided.
        self.statusRequested.emit(entry["id"], status if ticked else None)
        return False


class ReviewModel(QAbstractListModel):
    """What to review (planner.plan.carry.review_entries): decisions about what the plan no longer contains
    first, then carried-over decisions and values not reviewed yet, then those confirmed."""

    def __init__(self, parent: Any = None, describe_value: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[ReviewEntry] = []
        # An assessment value's entry in the form's words: (label, value as the form shows it).
        self._describe_value = describe_value or (lambda entry: (entry.target, entry.what))

    def populate(self, entries: list[ReviewEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entries(self) -> list[ReviewEntry]:
        return list(self._entries)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def text(self, entry: ReviewEntry) -> str:
        kind = split_key(entry.key)[0]
        title, what = self._describe_value(entry) if kind == "value" else (entry.title, entry.what)
        where = "" if entry.present else "Not in this plan any more: "
        sign = f"{CARRIED_SIGN} " if entry.to_review else ""
        origin = ""
        if entry.visit is not None:
            origin = f" · {carried_words(CarriedMark(entry.visit, confirmed=entry.confirmed))}"
        return f"{sign}{where}{title} — {what}{origin}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(entry)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.text(entry).removeprefix(f"{CARRIED_SIGN} ")
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            # About something no longer in the plan first: it stands out from the many marks still to review.
            pair = CARRIED["gone"] if not entry.present else (CARRIED["review"] if entry.to_review else None)
            if pair is None:
                return None
            return _brush(pair[0] if role == Qt.ItemDataRole.ForegroundRole else pair[1])
        if role == KeyRole:
            return entry.key
        if role == EntryRole:
            return entry
        return None
