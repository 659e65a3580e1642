"""The patient list: a table model over the stored patients, a fast filter, and the patient dialog."""

from __future__ import annotations

import unicodedata
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from planner.assessment.schema import SEXES
from planner.db.engine import Database
from planner.records import PatientRow, list_patients

PatientIdRole = Qt.ItemDataRole.UserRole + 1
ArchivedRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so 'zoe' finds 'Zoë' and 'LUKASZ' finds 'Łukasz'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("ł", "l").replace("ø", "o").replace("đ", "d")


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

    def row_for(self, patient_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == patient_id), -1)

    def patient(self, row: int) -> PatientRow:
        return self._rows[row]

    def matches(self, row: int, needle: str) -> bool:
        return needle in self._keys[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            value = (row.name, row.id, row.birth_date or "", row.last_assessed_on or "")[index.column()]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == self.NAME and row.archived:
                return f"{value} (archived)"
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name} · {row.id} · {row.assessment_count} assessment(s)"
        if role == PatientIdRole:
            return row.id
        if role == ArchivedRole:
            return row.archived
        if role == Qt.ItemDataRole.ForegroundRole and row.archived:
            from PySide6.QtGui import QPalette
            from PySide6.QtWidgets import QApplication

            return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class PatientFilterModel(QSortFilterProxyModel):
    """Filters on name or id as you type, against precomputed folded keys (fast for 10,000 patients)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._show_archived = False
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = fold(text.strip())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_show_archived(self, show: bool) -> None:
        self.beginFilterChange()
        self._show_archived = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, PatientListModel)
        if not self._show_archived and model.patient(source_row).archived:
            return False
        return not self._needle or model.matches(source_row, self._needle)


class PatientDialog(QDialog):
    """New or edit patient; the core validates (same rules as the assessment format)."""

    def __init__(self, parent: QWidget | None = None, patient: PatientRow | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit patient" if patient else "New patient")
        form = QFormLayout(self)
        self.patient_id = QLineEdit(patient.id if patient else "")
        self.patient_id.setReadOnly(patient is not None)
        self.name = QLineEdit(patient.name if patient else "")
        self.birth_date = QLineEdit(patient.birth_date or "" if patient else "")
        self.birth_date.setPlaceholderText("YYYY-MM-DD")
        self.sex = QComboBox()
        self.sex.addItem("", None)
        for value in SEXES:
            self.sex.addItem(value, value)
        if patient and patient.sex:
            self.sex.setCurrentIndex(self.sex.findData(patient.sex))
        for label, widget in (
            ("Patient ID", self.patient_id),
            ("Name", self.name),
            ("Birth date", self.birth_date),
            ("Sex", self.sex),
        ):
            widget.setAccessibleName(label)
            form.addRow(f"&{label}:", widget)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: palette(highlighted-text); background: #b00020; padding: 4px;")
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id.text().strip(),
            "name": self.name.text().strip(),
            "birth_date": self.birth_date.text().strip() or None,
            "sex": self.sex.currentData(),
        }

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
