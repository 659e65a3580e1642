"""History tab: the patient's assessments by date, each with its plan versions, and the trends across visits.

"Visits and plan versions" lists every assessment with its plan versions; opening one is read-only unless it
is the latest draft. Two versions selected (of one assessment or of two) can be compared item by item.
"Trends" charts strength, pain and excess limb volume across visits with a table of the same figures.

The charts need QtCharts, which is slow to import, so :mod:`planner.ui.trend_charts` is imported the first
time the Trends page is on screen with a patient to show, and only the visible patient's charts are built:
choosing patients while the Trends page is hidden costs nothing.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.errors import NotFoundError
from planner.storage.database import Database
from planner.ui import deferred

if TYPE_CHECKING:
    from planner.ui.operations.changes import OpChanges
    from planner.ui.plan_compare import CompareDialog
    from planner.ui.trend_charts import TrendCharts

# The records, the patient history, the charts and the comparison are reached through planner.ui.deferred: they
# load SQLAlchemy, the rule engine and QtCharts, which the main window does not need before a patient is shown.

PlanIdRole = Qt.ItemDataRole.UserRole + 1

NO_PATIENT = "Choose a patient to see their trends across visits."
NO_ASSESSMENT = "No assessment yet for this patient: trends start with the first saved assessment."
COMPARE_HINT = "Select two plan versions (Ctrl+click) to compare them."

_CONTENTS = frozenset({"tree", "compare_button", "compare_hint", "empty", "trends_page", "pages"})
"""The widgets :meth:`HistoryView._build` makes."""


class HistoryView(QWidget):
    openPlan = Signal(int)  # plan id

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.patient_id: str | None = None
        self.charts: TrendCharts | None = None  # created the first time trends are shown
        self.compare_dialog: CompareDialog | None = None
        self._chronology: list[int] = []  # plan ids, oldest assessment and version first
        self._trends_stale = True
        self._built = False
        self._layout = QVBoxLayout(self)

    def __getattr__(self, name: str) -> Any:
        """The contents are built the first time the view is shown (a hidden tab at start-up, so not before the
        first paint); reaching for one of them before that builds them then."""
        if name in _CONTENTS and not self.__dict__.get("_built", True):
            self._build()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _build(self) -> None:
        """The visits tree with its compare button, and the Trends page; the tree is filled for the patient
        chosen meanwhile."""
        self._built = True
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Assessments and plan versions")
        self.tree.setHeaderLabels(["Date / version", "Status", "By", "Cause", "Pain NRS"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.compare_button = QPushButton("&Compare versions…")
        self.compare_button.setToolTip(COMPARE_HINT)
        self.compare_button.setEnabled(False)
        self.compare_button.clicked.connect(self.compare_selected)
        self.compare_hint = QLabel(COMPARE_HINT)
        self.compare_hint.setWordWrap(True)
        visits = QWidget()
        visits_layout = QVBoxLayout(visits)
        visits_layout.setContentsMargins(0, 4, 0, 0)
        visits_layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.compare_hint, 1)
        visits_layout.addLayout(buttons)
        self.empty = QLabel(NO_PATIENT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("Trends")
        self.trends_page = QStackedWidget()
        self.trends_page.addWidget(self.empty)
        self.pages = QTabWidget()
        self.pages.setAccessibleName("History views")
        self.pages.addTab(visits, "V&isits and plan versions")
        self.pages.addTab(self.trends_page, "&Trends")
        self.pages.currentChanged.connect(lambda _index: self._refresh_trends())
        self._layout.addWidget(self.pages)
        self._fill_tree(self.patient_id)

    # --- the patient ---------------------------------------------------------------------------------------
    def show_patient(self, patient_id: str | None) -> None:
        """List the patient's visits; the trends follow when (or as soon as) the Trends page is on screen."""
        self.patient_id = patient_id
        self._trends_stale = True
        if not self._built:
            return  # listed when the view is built
        self._fill_tree(patient_id)
        self._refresh_trends()

    def apply_changes(self, changes: OpChanges) -> None:
        """Listed again after an operation that stored or signed a plan of the patient shown (see
        planner.ui.operations)."""
        if changes.record and self.patient_id is not None and changes.patient_id in (None, self.patient_id):
            self.show_patient(self.patient_id)

    def show_trends(self) -> None:
        """Bring the Trends page forward (its charts are built if this view is on screen)."""
        self.pages.setCurrentWidget(self.trends_page)
        self._refresh_trends()

    def showEvent(self, event: QShowEvent) -> None:
        if not self._built:
            self._build()
            self.pages.show()  # now, rather than from the event loop as Qt shows a widget added to a shown one
        super().showEvent(event)
        self._refresh_trends()

    def _fill_tree(self, patient_id: str | None) -> None:
        self.tree.clear()
        self._chronology = []
        if not patient_id:
            self._selection_changed()
            return

        for summary in deferred.assessments_for(self.database, patient_id):  # newest first
            top = QTreeWidgetItem(
                [summary.assessed_on, "", summary.assessor or "", summary.etiology, str(summary.pain_nrs)]
            )
            versions = deferred.plan_versions(self.database, summary.id)
            for record in versions:
                if record.signed and record.signed_at:
                    status = f"signed {record.signed_at.astimezone().strftime('%Y-%m-%d %H:%M')}"
                    by = f"{record.signer}, {record.signer_credentials}"
                else:
                    status, by = "draft", ""
                child = QTreeWidgetItem([f"Plan version {record.version}", status, by, "", ""])
                child.setData(0, PlanIdRole, record.id)
                top.addChild(child)
            self._chronology[:0] = [record.id for record in versions]
            last = top.child(top.childCount() - 1) if top.childCount() else None
            top.setData(0, PlanIdRole, last.data(0, PlanIdRole) if last is not None else None)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)
        self._selection_changed()

    def _refresh_trends(self) -> None:
        """Build the trends when they are stale and on screen; otherwise wait for the page to be shown."""
        if (
            not self._trends_stale
            or not self._built
            or not self.isVisible()
            or self.pages.currentWidget() is not self.trends_page
        ):
            return
        self._trends_stale = False
        trend = None
        if self.patient_id:
            try:
                trend = deferred.patient_history(self.database, self.patient_id, date.today())["trends"]
            except NotFoundError:
                trend = None
        if trend is None:
            self.empty.setText(NO_ASSESSMENT if self.patient_id else NO_PATIENT)
            self.trends_page.setCurrentWidget(self.empty)
            return
        if self.charts is None:
            self.charts = deferred.TrendCharts()
            self.trends_page.addWidget(self.charts)
        self.trends_page.setCurrentWidget(self.charts)
        self.charts.show_trend(trend)

    # --- opening and comparing versions --------------------------------------------------------------------
    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        plan_id = item.data(0, PlanIdRole)
        if plan_id is not None:
            self.openPlan.emit(int(plan_id))

    def selected_plan_ids(self) -> list[int]:
        """The distinct plan versions selected, oldest first (an assessment row stands for its latest)."""
        chosen = {int(pid) for item in self.tree.selectedItems() if (pid := item.data(0, PlanIdRole)) is not None}
        return [pid for pid in self._chronology if pid in chosen]

    def previous_version(self, plan_id: int) -> int | None:
        """The version listed just before ``plan_id``: the one before it of the same assessment, or for a
        first version the latest version of the visit before."""
        if not self._built:
            self._build()
        index = self._chronology.index(plan_id) if plan_id in self._chronology else 0
        return self._chronology[index - 1] if index > 0 else None

    def _selection_changed(self) -> None:
        ready = len(self.selected_plan_ids()) == 2
        self.compare_button.setEnabled(ready)
        self.compare_hint.setText("" if ready else COMPARE_HINT)

    def compare_selected(self) -> CompareDialog | None:
        chosen = self.selected_plan_ids()
        if len(chosen) != 2:
            return None
        return self.compare(chosen[0], chosen[1])

    def compare(self, first_id: int, second_id: int) -> CompareDialog:
        """Open the comparison of two plan versions, the older one (as listed) first."""

        if not self._built:
            self._build()
        rank = {pid: index for index, pid in enumerate(self._chronology)}
        older_id, newer_id = sorted((first_id, second_id), key=lambda pid: rank.get(pid, pid))
        if self.compare_dialog is not None:
            self.compare_dialog.close()
        dialog = deferred.CompareDialog(
            deferred.get_plan(self.database, older_id), deferred.get_plan(self.database, newer_id), self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: self._forget_dialog(dialog))
        self.compare_dialog = dialog
        dialog.show()
        return dialog

    def _forget_dialog(self, dialog: Any) -> None:
        if self.compare_dialog is dialog:
            self.compare_dialog = None

    def _context_menu(self, position: QPoint) -> None:
        item = self.tree.itemAt(position)
        plan_id = item.data(0, PlanIdRole) if item is not None else None
        menu = QMenu(self)
        if plan_id is not None:
            menu.addAction("&Open this version", lambda: self.openPlan.emit(int(plan_id)))
            previous = self.previous_version(int(plan_id))
            compare_previous = menu.addAction(
                "Compare with the &previous version",
                lambda: self.compare(previous, int(plan_id)),  # type: ignore[arg-type]
            )
            compare_previous.setEnabled(previous is not None)
        compare_selected = menu.addAction("&Compare the two selected versions", self.compare_selected)
        compare_selected.setEnabled(len(self.selected_plan_ids()) == 2)
        menu.exec(self.tree.viewport().mapToGlobal(position))
