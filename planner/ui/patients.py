"""The patient list: a table model over the stored patients, a fast filter, and the patient dialog."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QAbstractTableModel,
    QCollator,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from planner.record.patients import PatientRow, list_patients
from planner.storage.database import Database
from planner.ui import deferred
from planner.ui.colours import BANNER

if TYPE_CHECKING:
    from planner.ui.operations.changes import OpChanges

PatientIdRole = Qt.ItemDataRole.UserRole + 1
ArchivedRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex

CELL_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        PatientIdRole,
        ArchivedRole,
    }
)
"""The roles the patient list answers; a view asks others (font, alignment, decoration...) of every cell."""

RESHAPING_SIGNALS = (
    ("modelAboutToBeReset", "modelReset"),
    ("layoutAboutToBeChanged", "layoutChanged"),
    ("rowsAboutToBeInserted", "rowsInserted"),
    ("rowsAboutToBeRemoved", "rowsRemoved"),
    ("rowsAboutToBeMoved", "rowsMoved"),
    ("columnsAboutToBeInserted", "columnsInserted"),
    ("columnsAboutToBeRemoved", "columnsRemoved"),
    ("columnsAboutToBeMoved", "columnsMoved"),
)
"""A model's signals before and after a change of its shape."""


def fold_text(text: str) -> str:
    """Case- and accent-insensitive form, so 'zoe' finds 'Zoë' and 'LUKASZ' finds 'Łukasz': case folded,
    decomposed (NFKD), combining marks dropped, and the letters that carry their stroke built in made plain."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("ł", "l").replace("ø", "o").replace("đ", "d")


class _CharacterFolds(dict[int, str]):
    """Each character's :func:`fold_text`, worked out the first time it is met.

    Folding goes character by character: case folding and NFKD map each character on its own, and NFKD's
    only step across characters (putting combining marks in order) touches nothing that is kept. So a text
    folds as the concatenation of its characters' folds, which :meth:`str.translate` looks up in C.
    """

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_text(chr(code))
        return folded


_FOLDS = _CharacterFolds()


def fold(text: str) -> str:
    """:func:`fold_text`, fast: about a fifth of the time for a name with accents (10,000 patients listed at
    start-up fold their names and IDs)."""
    if text.isascii():  # nothing to decompose or strip
        return text.lower()
    return text.translate(_FOLDS)


class PatientListModel(QAbstractTableModel):
    """Rows are fetched from the core once per reload; the view and filter work on memory."""

    NAME, ID, BIRTH_DATE, LAST_ASSESSED = range(4)
    HEADERS = ("Name", "ID", "Birth date", "Last assessed")

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._rows: list[PatientRow] = []
        self._keys: list[str] = []

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = list_patients(self.database)
        self._keys = [fold(f"{r.name} {r.id}") for r in self._rows]
        self.endResetModel()

    def apply_changes(self, changes: OpChanges) -> None:
        """Filled again after an operation that changed patients (see planner.ui.operations)."""
        if changes.patients:
            self.reload()

    def row_for(self, patient_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == patient_id), -1)

    def patient(self, row: int) -> PatientRow:
        return self._rows[row]

    def rows_matching(self, needle: str, rows: Iterable[int]) -> list[int]:
        """Those of ``rows`` whose folded name or id contains the folded ``needle``, in the order given.

        One pass of plain Python over keys folded at reload: a keystroke in a list of 10,000 costs about a
        millisecond, where asking row by row from Qt costs a call into Python per row.
        """
        keys = self._keys
        return [row for row in rows if needle in keys[row]]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.cell(index.row(), index.column(), role) if index.isValid() else None

    def cell(self, row: int, column: int, role: int) -> Any:
        """What data() answers, by row and column: the filter model asks here without making a source index,
        since a view asks seven roles of every cell it paints."""
        if role not in CELL_ROLES or not 0 <= row < len(self._rows):
            return None
        patient = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.AccessibleTextRole:
            value = (patient.name, patient.id, patient.birth_date or "", patient.last_assessed_on or "")[column]
            if role == Qt.ItemDataRole.DisplayRole and column == self.NAME and patient.archived:
                return f"{value} (archived)"
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{patient.name} · {patient.id} · {patient.assessment_count} assessment(s)"
        if role == PatientIdRole:
            return patient.id
        if role == ArchivedRole:
            return patient.archived
        if role == Qt.ItemDataRole.ForegroundRole and patient.archived:
            return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class PatientFilterModel(QAbstractProxyModel):
    """The patient list as shown: filtered on name or id as you type, archived patients hidden unless asked
    for, sorted on the column whose header was clicked.

    Not a QSortFilterProxyModel: that one asks filterAcceptsRow of every patient on every keystroke, a call
    from Qt into Python per row (10,000 calls, 10 to 20 ms, before anything is drawn). Here the source model
    picks the matching rows in one pass, narrowing the previous matches while the text only grows, and the
    views hear one layout change, with their current row and selection carried to the same patients.
    Sorting compares the shown text as QSortFilterProxyModel does (locale-aware, case-insensitive, stable),
    once per click, so filtering a sorted list costs no more than filtering an unsorted one.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: PatientListModel | None = None
        self._connections: list[tuple[Any, Any]] = []
        self._needle = ""
        self._show_archived = False
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._sorted: list[int] = []  # every source row, in sort order
        self._listed: list[int] = []  # the same without archived patients, unless those are shown
        self._rows: list[int] = []  # the rows shown (source rows, in sort order)
        self._positions: dict[int, int] | None = None  # source row -> shown row, built when first needed

    # --- what is shown ----------------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        needle = fold(text.strip())
        if needle == self._needle:
            return
        narrowing = self._needle in needle  # then every row matching the new text matched the old one
        self._needle = needle
        self._show(self._matching(self._rows if narrowing else self._listed))

    def set_show_archived(self, show: bool) -> None:
        if show == self._show_archived:
            return
        self._show_archived = show
        self._list()
        self._show(self._matching(self._listed))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self._sort()
        self._list()
        shown = set(self._rows)
        self._show([row for row in self._listed if row in shown])

    def sortColumn(self) -> int:
        return self._sort_column

    def sortOrder(self) -> Qt.SortOrder:
        return self._sort_order

    def _matching(self, rows: list[int]) -> list[int]:
        if not self._needle or self._source is None:
            return list(rows)
        return self._source.rows_matching(self._needle, rows)

    def _sort(self) -> None:
        """Order every source row as QSortFilterProxyModel does: a stable sort of the shown text, compared
        by a case-insensitive collator for the current locale, a missing value after every text (column -1:
        the source's order); descending is that order reversed, equal rows included."""
        model = self._source
        rows = list(range(model.rowCount() if model is not None else 0))
        if model is not None and 0 <= self._sort_column < model.columnCount():
            collator = QCollator()
            collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            values = [model.cell(row, self._sort_column, Qt.ItemDataRole.DisplayRole) for row in rows]
            keys = [(value is None, collator.sortKey("" if value is None else str(value))) for value in values]
            rows.sort(key=keys.__getitem__)
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            rows.reverse()
        self._sorted = rows

    def _list(self) -> None:
        model = self._source
        if self._show_archived or model is None:
            self._listed = self._sorted
        else:
            self._listed = [row for row in self._sorted if not model.patient(row).archived]

    def _show(self, rows: list[int]) -> None:
        """Show ``rows`` (source rows in display order) as one layout change; persistent indexes (a view's
        current row and selection) follow their patient, or become invalid when it is no longer shown.
        The same rows in the same order change nothing, and the views are not told."""
        if rows == self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        shown_before = self._rows
        self._rows = rows
        self._positions = None
        if before:
            after = [self._shown_index(shown_before[index.row()], index.column()) for index in before]
            self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _shown_index(self, source_row: int, column: int) -> QModelIndex:
        if self._positions is None:
            self._positions = {row: position for position, row in enumerate(self._rows)}
        position = self._positions.get(source_row)
        return QModelIndex() if position is None else self.createIndex(position, column)

    # --- following the source model ---------------------------------------------------------------------
    def setSourceModel(self, model: QAbstractItemModel) -> None:
        if not isinstance(model, PatientListModel):
            raise TypeError("PatientFilterModel shows a PatientListModel")
        self.beginResetModel()
        for signal, slot in self._connections:
            signal.disconnect(slot)
        super().setSourceModel(model)
        self._source = model
        # The patient list only ever resets; any other change of shape is taken as a reset too.
        self._connections = [
            *((getattr(model, about_to), self.beginResetModel) for about_to, _done in RESHAPING_SIGNALS),
            *((getattr(model, done), self._source_reset) for _about_to, done in RESHAPING_SIGNALS),
            (model.dataChanged, self._source_data_changed),
            (model.headerDataChanged, self._source_header_changed),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self._source_reset()

    def _source_reset(self) -> None:
        self._sort()
        self._list()
        self._rows = self._matching(self._listed)
        self._positions = None
        self.endResetModel()

    def _source_data_changed(self) -> None:
        """Changed names or dates may change which rows match and their order: filter and sort again."""
        self._sort()
        self._list()
        self._show(self._matching(self._listed))

    def _source_header_changed(self, orientation: Qt.Orientation, first: int, last: int) -> None:
        if orientation == Qt.Orientation.Horizontal:
            self.headerDataChanged.emit(orientation, first, last)

    # --- QAbstractProxyModel ----------------------------------------------------------------------------
    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        if self._source is None or not proxy_index.isValid() or not 0 <= proxy_index.row() < len(self._rows):
            return QModelIndex()
        return self._source.index(self._rows[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        return self._shown_index(source_index.row(), source_index.column())

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, _index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def sibling(self, row: int, column: int, _index: Index) -> QModelIndex:
        return self.index(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() or self._source is None else self._source.columnCount()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        return self.rowCount(parent) > 0 and self.columnCount(parent) > 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()  # -1 for an invalid index
        if self._source is None or not 0 <= row < len(self._rows):
            return None
        return self._source.cell(self._rows[row], index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Asked of the source directly: QAbstractProxyModel finds a column through row 0, absent when no
        # patient matches.
        if self._source is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            section = self._rows[section] if 0 <= section < len(self._rows) else -1
        return self._source.headerData(section, orientation, role)


class PatientDialog(QDialog):
    """New or edit patient; the core validates (same rules as the assessment format).

    The birth date is typed the way the clinic writes it (3/4/1958, 03.04.1958, 3 Apr 1958, 1958-04-03) or
    picked from a calendar; the line under it says which date was understood, and in which order a date of
    numbers only was read.
    """

    def __init__(
        self, parent: QWidget | None = None, patient: PatientRow | None = None, *, day_first: bool = True
    ) -> None:

        super().__init__(parent)
        self.setWindowTitle("Edit patient" if patient else "New patient")
        self.day_first = day_first
        form = QFormLayout(self)
        self.patient_id = QLineEdit(patient.id if patient else "")
        self.patient_id.setReadOnly(patient is not None)
        self.name = QLineEdit(patient.name if patient else "")
        self.birth_field = deferred.DateField(day_first=day_first)
        self.birth_field.set_value(patient.birth_date if patient else None)
        self.birth_date = self.birth_field.edit
        self.birth_field.button.setAccessibleName("Choose the birth date from a calendar")
        self.sex = QComboBox()
        self.sex.addItem("", None)
        for value in deferred.SEXES:
            self.sex.addItem(value, value)
        if patient and patient.sex:
            self.sex.setCurrentIndex(self.sex.findData(patient.sex))
        self.understood = QLabel()
        self.understood.setAccessibleName("Birth date understood as")
        self.understood.setWordWrap(True)
        self.understood.setMinimumHeight(self.understood.fontMetrics().lineSpacing() * 2)
        self.birth_date.textChanged.connect(self._explain_birth_date)
        for label, widget in (
            ("Patient &ID", self.patient_id),
            ("&Name", self.name),
            ("&Birth date", self.birth_field),
            ("&Sex", self.sex),
        ):
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(f"{label}:", widget)
            if widget is self.birth_field:
                form.addRow("", self.understood)
        self.birth_date.setAccessibleName("Birth date")
        self.error = QLabel()
        self.error.setWordWrap(True)
        text, background = BANNER["error"]
        self.error.setStyleSheet(f"color: {text}; background: {background}; padding: 4px;")
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._explain_birth_date(self.birth_date.text())

    def birth_date_value(self) -> str | None:
        """The ISO date typed, or the text as typed when it is not a date (the rules then name the problem)."""

        text = self.birth_date.text().strip()
        if not text:
            return None
        try:
            return deferred.read_typed_date(text, day_first=self.day_first).isoformat()
        except deferred.DateError:
            return text

    def _explain_birth_date(self, text: str) -> None:

        if not text.strip():
            self.understood.setText("Type it as the clinic writes it (3/4/1958, 3 Apr 1958) or press Alt+Down.")
            return
        try:
            day = deferred.read_typed_date(text, day_first=self.day_first)
        except deferred.DateError as exc:
            self.understood.setText(f"Not a date yet: {exc}.")
            return
        order = ""
        if deferred.ambiguous(text):
            order = " (day first)" if self.day_first else " (month first)"
            order += "; the order of day and month is set in Settings."
        self.understood.setText(f"Understood as {deferred.long_date(day)}{order or '.'}")

    def values(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id.text().strip(),
            "name": self.name.text().strip(),
            "birth_date": self.birth_date_value(),
            "sex": self.sex.currentData(),
        }

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
