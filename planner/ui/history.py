"""History tab: the patient's assessments by date, each with its plan versions; opening one is read-only
unless it is the latest draft."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from planner.db.engine import Database
from planner.records import assessments_for, plan_versions

PlanIdRole = Qt.ItemDataRole.UserRole + 1


class HistoryView(QWidget):
    openPlan = Signal(int)  # plan id

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Assessments and plan versions")
        self.tree.setHeaderLabels(["Date / version", "Status", "By", "Cause", "Pain NRS"])
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)

    def show_patient(self, patient_id: str | None) -> None:
        self.tree.clear()
        if not patient_id:
            return
        for summary in assessments_for(self.database, patient_id):
            top = QTreeWidgetItem(
                [summary.assessed_on, "", summary.assessor or "", summary.etiology, str(summary.pain_nrs)]
            )
            for record in plan_versions(self.database, summary.id):
                if record.signed and record.signed_at:
                    status = f"signed {record.signed_at.astimezone().strftime('%Y-%m-%d %H:%M')}"
                    by = f"{record.signer}, {record.signer_credentials}"
                else:
                    status, by = "draft", ""
                child = QTreeWidgetItem([f"Plan version {record.version}", status, by, "", ""])
                child.setData(0, PlanIdRole, record.id)
                top.addChild(child)
            top.setData(
                0, PlanIdRole, top.child(top.childCount() - 1).data(0, PlanIdRole) if top.childCount() else None
            )
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        plan_id = item.data(0, PlanIdRole)
        if plan_id is not None:
            self.openPlan.emit(int(plan_id))
