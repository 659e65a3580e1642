"""The main window: patient list on the left; Assessment, Plan and History tabs for the selected patient.

The window owns one :class:`AssessmentSession` at a time (the assessment open for editing or reading) and
rebuilds the editor and the plan review around it. Every action that changes stored data is an operation
(:mod:`planner.ui.operations`): it returns what it changed, the window emits that on :attr:`MainWindow.changed`,
and each view refreshes itself from it.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.errors import AssessmentError, UserError
from planner.paths import user_data_dir
from planner.storage.database import Database, ServerDatabase
from planner.storage.errors import PermissionRefusedError
from planner.ui import deferred
from planner.ui.due import DueListView
from planner.ui.history import HistoryView
from planner.ui.operations.changes import OpChanges
from planner.ui.patients import PatientDialog, PatientFilterModel, PatientIdRole, PatientListModel
from planner.ui.preferences import day_first

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QShowEvent

    from planner.export.context import ExportContext
    from planner.export.service import Rendered
    from planner.ui.autosave import DraftStore
    from planner.ui.session import AssessmentSession

# The records, settings, edits, export, the assessment session and its pages load SQLAlchemy, the validator and
# the rule engine, which the first screen (window and lists) does not need: they are reached through
# planner.ui.deferred, the one boundary between the first screen and the rest.

AUTOSAVE_DELAY_MS = 2000


def draft_question(draft: Any) -> str:
    """What the crash-recovery question says about a draft, with its dates as people read them: "Unsaved
    changes to the assessment of 20 Nov 2026 for Walter K. were kept today at 14:05. Restore them?"."""
    who = draft.patient_name or draft.patient_id
    assessed = draft.assessment.get("assessed_on") if isinstance(draft.assessment, dict) else None
    what = f"the assessment of {deferred.format_date(assessed)}" if assessed else "an assessment"
    try:
        when = deferred.format_moment(datetime.fromisoformat(draft.saved_at))
    except ValueError:
        when = draft.saved_at or "in an earlier session"
    if not when.startswith(("today", "yesterday", "in ")):
        when = f"on {when}"
    return f"Unsaved changes to {what} for {who} were kept {when}. Restore them?"


CHANGE_POLL_MS = 2000
"""How often a window on a clinic server looks for other workstations' changes (one indexed read)."""


class MainWindow(QMainWindow):
    patientsLoaded = Signal()
    changed = Signal(object)
    """What an operation changed (:class:`~planner.ui.operations.changes.OpChanges`), emitted once after it: the
    patient list, the follow-up list and the history refresh themselves from it, then :meth:`_show_changes`."""

    def __init__(self, database: Database, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.settings = settings
        self.session: AssessmentSession | None = None
        self.patient_id: str | None = None
        self.library_window: Any = None
        self._shortcut_filter: Any = None
        self.setWindowTitle(self._app_title())
        self._autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        self._build_patient_list()
        self._build_tabs()
        self.splitter = QSplitter()
        self.splitter.addWidget(self.patient_panel)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 3)
        self.setCentralWidget(self.splitter)
        self._build_due_dock()
        # In this order: the lists are filled again before the window selects the patient the operation was
        # about, and the history refreshes the patient it lists before a newly selected one replaces it.
        for view in (self.patient_model, self.due, self.history):
            self.changed.connect(view.apply_changes)
        self.changed.connect(self._show_changes)
        self._build_actions()
        self.statusBar().showMessage("Ready")
        self._splitter_restored = False
        self._restore_geometry()
        self._show_empty()

    @cached_property
    def drafts(self) -> DraftStore:
        """Autosaved drafts beside the database; the store (and json, tempfile) loads when first used, after
        the first paint."""
        database = self.database
        if isinstance(database, ServerDatabase):  # on this workstation, apart for each clinic database
            return deferred.DraftStore(user_data_dir() / "drafts" / "server" / database.address.database_name)
        return deferred.DraftStore(self.database.path.parent / "drafts")

    # --- construction --------------------------------------------------------------------------------------
    def _build_patient_list(self) -> None:
        self.patient_model = PatientListModel(self.database, self)
        self.patient_filter = PatientFilterModel(self)
        self.patient_filter.setSourceModel(self.patient_model)
        self.patient_search = QLineEdit()
        self.patient_search.setPlaceholderText("Find patient by name or ID")
        self.patient_search.setAccessibleName("Find patient")
        self.patient_search.setClearButtonEnabled(True)
        self.patient_search.textChanged.connect(self.patient_filter.set_text)
        self.patient_search.returnPressed.connect(self.open_first_match)
        into_list = QAction("Go to the patient list", self.patient_search)
        into_list.setShortcut(QKeySequence("Down"))  # a string: Qt.Key is a large enumeration to build at start-up
        into_list.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        into_list.triggered.connect(self.focus_patient_list)
        self.patient_search.addAction(into_list)
        self.patient_view = QTableView()
        self.patient_view.setModel(self.patient_filter)
        self.patient_view.setAccessibleName("Patients")
        # Rows arrive ordered by name from the database; the proxy sorts only when a header is clicked, so
        # start-up never sorts 10,000 rows through data().
        header = self.patient_view.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(PatientListModel.NAME, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self.patient_filter.sort)
        self.patient_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.patient_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.patient_view.verticalHeader().hide()
        self.patient_view.horizontalHeader().setStretchLastSection(True)
        self.patient_view.selectionModel().currentRowChanged.connect(self._patient_chosen)
        self.show_archived = QCheckBox("Show &archived")
        self.show_archived.toggled.connect(self.patient_filter.set_show_archived)
        new_button = QPushButton("New patient…")
        new_button.setToolTip("New patient (Ctrl+N)")
        new_button.clicked.connect(self.new_patient)
        buttons = QHBoxLayout()
        buttons.addWidget(new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_archived)
        self.patient_panel = QWidget()
        layout = QVBoxLayout(self.patient_panel)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.patient_search)
        layout.addWidget(self.patient_view, 1)
        layout.addLayout(buttons)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Patient record")
        self.assessment_page = QWidget()
        self.assessment_layout = QVBoxLayout(self.assessment_page)
        self.plan_page = QWidget()
        self.plan_layout = QVBoxLayout(self.plan_page)
        self.history = HistoryView(self.database)
        self.history.openPlan.connect(self.open_plan)
        self.tabs.addTab(self.assessment_page, "Assessment")
        self.tabs.addTab(self.plan_page, "Plan")
        self.tabs.addTab(self.history, "History")

    def _build_due_dock(self) -> None:
        """Follow-up due across all patients, below the record; filled just after the patient list (see
        planner.ui.app.Startup), so a start-up with thousands of follow-ups does not hold up the list."""
        self.due = DueListView(self.database, self.settings)
        self.due.openPatient.connect(self.select_patient)
        self.due.changed.connect(self.changed)  # marking a follow-up done is an operation like the window's
        self.due_dock = QDockWidget("Follow-up due", self)
        self.due_dock.setObjectName("due-dock")
        self.due_dock.setWidget(self.due)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.due_dock)

    def _action(self, text: str, shortcut: Any, handler: Any, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(handler)
        action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.new_patient_action = self._action("&New patient…", key.New, self.new_patient)
        self.edit_patient_action = self._action("&Edit patient…", None, self.edit_patient)
        self.archive_action = self._action("A&rchive or restore patient", None, self.toggle_archived)
        self.new_assessment_action = self._action(
            "New &assessment", "Ctrl+Shift+N", self.new_assessment, "New assessment (starts from the previous one)"
        )
        self.save_action = self._action("&Save", key.Save, self.save)
        self.export_action = self._action("E&xport clinician plan (PDF)…", "Ctrl+E", lambda: self.export(False))
        self.handout_action = self._action("Export patient &handout (PDF)…", "Ctrl+Shift+E", lambda: self.export(True))
        self.print_action = self._action("&Print plan…", key.Print, lambda: self.print_plan(False))
        self.print_handout_action = self._action("Print hando&ut…", None, lambda: self.print_plan(True))
        self.import_action = self._action("&Import assessment files…", "Ctrl+I", self.import_assessments)
        self.settings_action = self._action("Se&ttings…", key.Preferences, self.open_settings)
        self.quit_action = self._action("&Quit", key.Quit, self.close)
        self.find_action = self._action("&Find patient", key.Find, self.focus_search)
        self.library_action = self._action("Document &library", "Ctrl+L", lambda: self.open_library())
        self.tab_actions = [
            self._action(text, f"Ctrl+{number}", lambda _checked=False, n=number: self.tabs.setCurrentIndex(n - 1))
            for number, text in enumerate(("&Assessment", "&Plan", "&History"), start=1)
        ]
        self.next_tab_action = self._action("&Next tab", None, lambda: self.step_tab(+1))
        self.next_tab_action.setShortcuts([QKeySequence("Ctrl+Tab"), QKeySequence("Ctrl+PgDown")])
        self.previous_tab_action = self._action("Pre&vious tab", None, lambda: self.step_tab(-1))
        self.previous_tab_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Tab"), QKeySequence("Ctrl+Shift+Backtab"), QKeySequence("Ctrl+PgUp")]
        )
        self.undo_action = self._action("&Undo", key.Undo, self.undo)
        self.redo_action = self._action("&Redo", key.Redo, self.redo)
        file_menu = self.menuBar().addMenu("&File")
        for action in (
            self.new_patient_action,
            self.edit_patient_action,
            self.archive_action,
            None,
            self.new_assessment_action,
            self.save_action,
            None,
            self.export_action,
            self.handout_action,
            self.print_action,
            self.print_handout_action,
            None,
            self.import_action,
            self.settings_action,
            None,
            self.quit_action,
        ):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        edit_menu = self.menuBar().addMenu("&Edit")
        for action in (self.undo_action, self.redo_action, None, self.find_action):
            edit_menu.addSeparator() if action is None else edit_menu.addAction(action)
        view_menu = self.menuBar().addMenu("&View")
        for action in (*self.tab_actions, self.next_tab_action, self.previous_tab_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.library_action)
        due_action = self.due_dock.toggleViewAction()
        due_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        view_menu.addAction(due_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&About", None, self.about))
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for action in (
            self.new_patient_action,
            self.new_assessment_action,
            self.save_action,
            self.undo_action,
            self.redo_action,
            self.export_action,
            self.handout_action,
            self.print_action,
            self.library_action,
        ):
            toolbar.addAction(action)
        self._update_actions()

    # --- settings ------------------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(self._first_size())
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        else:
            # The follow-up list a seventh of the screen's height: a small or zoomed screen keeps room for the
            # record.
            self.resizeDocks([self.due_dock], [max(90, min(140, self.height() // 7))], Qt.Orientation.Vertical)

    def _first_size(self) -> QSize:
        """1280x820, or the screen's available size when that is smaller (1920x1080 at 200 %: 960x540)."""
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is None or screen.isEmpty():
            return QSize(1280, 820)
        return QSize(min(1280, screen.width()), min(820, screen.height()))

    def showEvent(self, event: QShowEvent) -> None:
        """Splitter sizes are restored once the window has its real size, or they would be rescaled."""
        super().showEvent(event)
        if self._splitter_restored:
            return
        self._splitter_restored = True
        state = self.settings.value("window/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        else:
            patients = min(330, self.width() // 4 + 60)  # 330 at 1280 wide, 300 at 960
            self.splitter.setSizes([patients, max(400, self.width() - patients)])

    def _store_geometry(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/lastPatient", self.patient_id or "")
        self.settings.sync()

    # --- patients ------------------------------------------------------------------------------------------
    def load_patients(self, *, reopen_last: bool = True) -> None:
        """Fill the patient list (after first paint) and, unless told not to, reopen the last patient."""
        self.patient_model.reload()
        self._watch_other_workstations()
        last = self.last_patient()
        if last and reopen_last:
            self.select_patient(last)
        self.statusBar().showMessage(f"{self.patient_model.rowCount()} patients")
        self.patientsLoaded.emit()

    def _watch_other_workstations(self) -> None:
        """On a clinic server, look every few seconds whether anyone wrote to the database (its change counter,
        the audit log's last entry) and, when so, refresh the patient list and the due list."""
        if not self.database.is_server or getattr(self, "_change_timer", None) is not None:
            return
        self._seen_change = deferred.last_change(self.database)
        self._change_timer = QTimer(self, interval=CHANGE_POLL_MS)
        self._change_timer.timeout.connect(self.refresh_if_changed)
        self._change_timer.start()

    def refresh_if_changed(self) -> bool:
        """Refresh the lists when the clinic database changed since last looked; True when it did. The open
        patient stays open and the form keeps what is typed; a server that cannot be reached is said in the
        status bar and looked at again at the next tick."""
        try:
            mark = deferred.last_change(self.database)
        except Exception:  # the network or the server: not this window's business to fail on
            self.statusBar().showMessage("The clinic server cannot be reached; the lists may be out of date")
            return False
        if mark == self._seen_change:
            return False
        self._seen_change = mark
        # Another workstation's change, shown as an operation of this window's would be.
        self.changed.emit(OpChanges(patients=True, record=True, followup=True, patient_id=self.patient_id))
        self.statusBar().showMessage(f"{self.patient_model.rowCount()} patients (updated from the clinic server)")
        return True

    def last_patient(self) -> str:
        """The patient open when the app was last closed ("" for none)."""
        return str(self.settings.value("window/lastPatient", "") or "")

    def select_patient(self, patient_id: str) -> bool:
        row = self.patient_model.row_for(patient_id)
        if row < 0:
            return False
        proxy_index = self.patient_filter.mapFromSource(self.patient_model.index(row, 0))
        if not proxy_index.isValid():
            self.patient_search.clear()
            proxy_index = self.patient_filter.mapFromSource(self.patient_model.index(row, 0))
        self.patient_view.setCurrentIndex(proxy_index)
        self.patient_view.scrollTo(proxy_index)
        return True

    def _patient_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        patient_id = current.data(PatientIdRole) if current.isValid() else None
        if patient_id == self.patient_id:
            return
        if not self.confirm_discard():
            QTimer.singleShot(0, lambda: self.select_patient(self.patient_id) if self.patient_id else None)
            return
        self.open_patient(patient_id)

    def open_patient(self, patient_id: str | None) -> None:

        self.patient_id = patient_id
        self.history.show_patient(patient_id)
        if patient_id is None:
            self._show_empty()
            return
        summaries = deferred.assessments_for(self.database, patient_id)
        if not summaries:
            self._set_session(None)
            self._show_empty("No assessment yet for this patient. Use “New assessment” (Ctrl+Shift+N).")
        else:
            self.open_plan(deferred.latest_plan(self.database, summaries[0].id).id)
        self._update_actions()

    def new_patient(self) -> None:

        dialog = PatientDialog(self, day_first=day_first(self.settings))
        confirmed: dict[str, Any] | None = None  # values the user chose OK for again after a similar-patient note
        while dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            try:
                created = deferred.create_patient(self.database, **values, allow_similar=values == confirmed)
            except deferred.SimilarPatientError as exc:
                confirmed = values
                dialog.show_error(str(exc))
                continue
            except UserError as exc:
                dialog.show_error(self._in_words(exc))
                continue
            self.changed.emit(created.changes)
            self.statusBar().showMessage(f"Patient {created.value.name} created")
            return

    def edit_patient(self) -> None:

        if self.patient_id is None:
            return
        row = self.patient_model.patient(self.patient_model.row_for(self.patient_id))
        dialog = PatientDialog(self, row, day_first=day_first(self.settings))
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                edited = deferred.edit_patient(self.database, **dialog.values())
            except UserError as exc:
                dialog.show_error(self._in_words(exc))
                continue
            self.changed.emit(edited.changes)
            return

    def toggle_archived(self) -> None:

        if self.patient_id is None:
            return
        row = self.patient_model.patient(self.patient_model.row_for(self.patient_id))
        changes = deferred.set_archived(self.database, row.id, not row.archived)
        self.show_archived.setChecked(self.show_archived.isChecked() or not row.archived)  # it stays in sight
        self.changed.emit(changes)

    def focus_search(self) -> None:
        self.patient_search.setFocus()
        self.patient_search.selectAll()

    def open_first_match(self) -> None:
        """Enter in the search: open the first patient listed, and go on in the list."""
        if self.patient_filter.rowCount():
            if not self.patient_view.currentIndex().isValid() or self.patient_search.text():
                self.patient_view.setCurrentIndex(self.patient_filter.index(0, 0))
            self.patient_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_patient_list(self) -> None:
        """Down in the search: into the list, on the current patient (or the first listed)."""
        if self.patient_filter.rowCount() and not self.patient_view.currentIndex().isValid():
            self.patient_view.selectionModel().setCurrentIndex(
                self.patient_filter.index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self.patient_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    # --- sessions ------------------------------------------------------------------------------------------
    def _clear_layout(self, layout: QVBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # off screen now, not when the event loop deletes it
                widget.deleteLater()

    def _focus_in_record(self) -> bool:
        """Whether the keyboard focus is in the Assessment or Plan page (about to be rebuilt)."""
        focus = self.focusWidget()
        return focus is not None and any(page.isAncestorOf(focus) for page in (self.assessment_page, self.plan_page))

    def _focus_record(self) -> None:
        """After the pages are rebuilt, the focus goes to the new contents of the current tab. A focused widget
        that is deleted would leave the window without focus, and Qt would give it, when the window is next
        activated (after any dialog), to the first field of the window: the patient search."""
        page = self.tabs.currentWidget()
        if page is self.assessment_page and self.session is not None:
            self.editor.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)
        elif page is self.plan_page and self.session is not None:
            self.plan_review.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_empty(self, text: str = "Select or create a patient.") -> None:
        refocus = self._focus_in_record()
        if refocus:
            self.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)
        for layout in (self.assessment_layout, self.plan_layout):
            self._clear_layout(layout)
            label = QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            layout.addWidget(label)
        self._update_actions()

    def _set_session(self, session: AssessmentSession | None) -> None:

        refocus = self._focus_in_record()
        if refocus:
            self.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)  # off the widgets about to go
        if self.session is not None:
            # The old session's signals must not reach the window while it is being destroyed.
            self.session.undo_stack.blockSignals(True)
            self.session.blockSignals(True)
            self.session.deleteLater()
        self.session = session
        self._clear_layout(self.assessment_layout)
        self._clear_layout(self.plan_layout)
        if session is None:
            self._update_actions()
            return
        self.editor = deferred.AssessmentEditor(session, settings=self.settings)
        self.editor.amendRequested.connect(self.amend)
        self.plan_review = deferred.PlanReview(session, day_first=day_first(self.settings))
        self.plan_review.openPassage.connect(self.open_library)
        self.plan_review.signRequested.connect(self.sign)
        self.plan_review.amendRequested.connect(self.amend)
        self.plan_review.showField.connect(self.show_field)
        self.plan_review.problem.connect(lambda text: self.warn("Plan", text))
        self.assessment_layout.addWidget(self.editor)
        # Like the editor's pages, the plan scrolls as a whole on a screen too short for its panes (1080 at 200 %).
        self.plan_layout.addWidget(deferred.scrolling(self.plan_review, lines=6, fill=True))
        session.changed.connect(self._session_changed)
        session.undo_stack.canUndoChanged.connect(self._update_actions)
        session.undo_stack.canRedoChanged.connect(self._update_actions)
        session.savedChanged.connect(self._update_actions)
        self._yield_shortcuts()
        if refocus:
            self._focus_record()
        self._update_actions()

    def _yield_shortcuts(self) -> None:
        """Text fields let the window's shortcuts (Ctrl+E export...) through; see planner.ui.shortcuts. Set up
        when a patient is opened, not at start-up."""

        if self._shortcut_filter is None:
            self._shortcut_filter = deferred.YieldToWindow(deferred.window_keys(self), self)
            self._shortcut_filter.watch(self.patient_search)
        for field in self.editor.findChildren(QLineEdit):
            self._shortcut_filter.watch(field)

    def open_plan(self, plan_id: int) -> None:
        """Open a stored plan version: the latest draft is editable, anything else read-only."""

        if self.session is not None and self.session.dirty and not self.confirm_discard():
            return
        record = deferred.get_plan(self.database, plan_id)
        latest = deferred.latest_plan(self.database, record.assessment_id)
        read_only = record.signed or record.id != latest.id
        session = deferred.AssessmentSession(
            self.database, record.assessment, assessment_id=record.assessment_id, record=record, read_only=read_only
        )
        self._set_session(session)
        self.statusBar().showMessage(f"Opened plan version {record.version} ({record.status})")

    def new_assessment(self) -> None:
        """A new visit. For a patient seen before it starts from the latest plan version of the last visit: its
        assessment values and the clinician's decisions, each marked as carried over from that visit until
        confirmed or changed (planner.plan.carry)."""
        if self.patient_id is None or not self.confirm_discard():
            return
        assessor = deferred.assessor_text(*deferred.default_assessor(self.database))
        summaries = deferred.assessments_for(self.database, self.patient_id)
        edits = None
        if summaries:
            previous = deferred.latest_plan(self.database, summaries[0].id)
            assessment, edits = deferred.new_visit(
                previous.assessment, previous.edits, previous.final(), assessor=assessor
            )
        else:
            row = self.patient_model.patient(self.patient_model.row_for(self.patient_id))
            assessment = deferred.blank_assessment(
                {"id": row.id, "name": row.name, "birth_date": row.birth_date, "sex": row.sex}, assessor
            )
        self._set_session(deferred.AssessmentSession(self.database, assessment, edits=edits))
        self.tabs.setCurrentWidget(self.assessment_page)
        self.statusBar().showMessage("New assessment (not saved yet)")

    def show_field(self, path: str) -> None:
        """Go to an assessment field (from the Plan tab's review list)."""
        if self.session is not None:
            self.tabs.setCurrentWidget(self.assessment_page)
            self.editor.focus_field(path)

    def restore_draft(
        self,
        patient_id: str,
        assessment_id: int | None,
        assessment: dict[str, Any],
        edits: dict[str, Any],
        opened: tuple[int, int] | None = None,
        writer: str = "",
    ) -> None:
        """Bring back an autosaved draft. It works from the plan row version it was typed over (``opened``),
        so saving it is refused if someone changed the plan since; a draft from before drafts recorded that
        works from the latest. Drafts are offered once the patient list is filled (planner.ui.app.Startup)."""

        self.select_patient(patient_id)
        record = deferred.latest_plan(self.database, assessment_id) if assessment_id is not None else None
        session = deferred.AssessmentSession(
            self.database,
            assessment,
            assessment_id=assessment_id,
            record=record,
            read_only=False,
            opened=deferred.PlanStamp(*opened) if opened else None,
            draft_writer=writer,
        )
        session.set_edits(deferred.PlanEdits.from_json(edits), "Restore draft")
        self._set_session(session)
        session.undo_stack.resetClean()
        self.tabs.setCurrentWidget(self.assessment_page)

    def _session_changed(self) -> None:
        self._update_actions()
        if self.session is not None and self.session.dirty and not self.session.read_only:
            self._autosave_timer.start()

    def autosave(self) -> None:
        session = self.session
        if session is None or not session.dirty or self.patient_id is None:
            return
        try:
            opened = (session.opened.plan_id, session.opened.row_version) if session.opened else None
            self.drafts.write(
                self.patient_id,
                session.assessment_id,
                session.assessment(),
                session.edits.to_json(),
                opened,
                session.draft_writer,
            )
        except OSError as exc:
            self.statusBar().showMessage(f"Autosave failed: {exc.strerror}")

    def save(self) -> bool:
        session = self.session
        if session is None or session.read_only:
            return True
        try:
            saved = deferred.save_assessment(session)
        except UserError as exc:
            self.warn(
                "Not saved",
                f"The assessment was not saved:\n\n{self._in_words(exc)}\n\nYour entries are kept in the form.",
            )
            return False
        record = saved.value
        if self.patient_id:
            self.drafts.remove(self.patient_id, None, session.draft_writer)
            self.drafts.remove(self.patient_id, record.assessment_id, session.draft_writer)
        self._autosave_timer.stop()
        self.changed.emit(saved.changes)
        self.statusBar().showMessage(f"Saved: plan version {record.version} (draft)")
        return True

    def _in_words(self, error: UserError) -> str:
        """An error as the screen says it: an assessment's problems in the words of the form's labels."""

        if isinstance(error, AssessmentError):
            order = day_first(self.settings)
            return "\n".join(deferred.describe(issue, day_first=order) for issue in error.issues)
        return str(error)

    def confirm_discard(self) -> bool:
        """Ask about unsaved changes; True when it is fine to move on."""

        session = self.session
        if session is None or not session.dirty or session.read_only:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            if self.patient_id:
                self.drafts.remove(self.patient_id, session.assessment_id, session.draft_writer)
            return True
        return False

    def warn(self, title: str, text: str) -> None:
        """Every warning the window shows goes through here (tests capture it instead of a modal box)."""

        QMessageBox.warning(self, title, text)

    def ask_unsaved(self) -> QMessageBox.StandardButton:

        buttons = (
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        )
        return QMessageBox.question(
            self, "Unsaved changes", "Save the changes to this assessment?", buttons, QMessageBox.StandardButton.Save
        )

    def undo(self) -> None:
        if self.session is not None:
            self.session.undo_stack.undo()

    def redo(self) -> None:
        if self.session is not None:
            self.session.undo_stack.redo()

    def sign(self) -> None:

        session = self.session
        if session is None:
            return
        dialog = deferred.SignDialog(
            self, *deferred.default_assessor(self.database), carried=deferred.carried_question(session.edits)
        )
        while self.run_sign_dialog(dialog) == QDialog.DialogCode.Accepted:
            try:
                signed = deferred.sign_shown_plan(
                    session, dialog.name.text(), dialog.credentials.text(), confirm_carried=dialog.confirms_carried()
                )
            except (deferred.PlanChangedError, PermissionRefusedError) as exc:  # neither is helped by signing again
                self.warn("Not signed", str(exc))
                return
            except UserError as exc:
                dialog.setWindowTitle(str(exc))
                continue
            record = signed.value
            if self.patient_id:
                self.drafts.remove(self.patient_id, record.assessment_id, session.draft_writer)
            self.changed.emit(signed.changes)
            self.statusBar().showMessage(f"Plan version {record.version} signed by {record.signer}")
            return

    def run_sign_dialog(self, dialog: Any) -> Any:
        """Show the sign dialog (a method, so tests can answer it)."""
        return dialog.exec()

    def amend(self) -> None:
        if self.session is not None:
            self.changed.emit(deferred.amend_signed_plan(self.session))
            self.statusBar().showMessage("Amending: the next save starts a new draft version")

    # --- export and print ----------------------------------------------------------------------------------
    def _printable(self) -> bool:
        """Whether the open plan can be exported or printed; when the assessment has problems, says so."""
        session = self.session
        if session is None or session.plan is None:
            return False
        if not session.plan_is_current:
            self.warn("Export", "Fix the problems listed in the assessment first.")
            return False
        return True

    def _export_context(self) -> ExportContext:
        session = self.session
        assert session is not None
        return deferred.export_context(self.database, session.record, signed_shown=session.read_only)

    def choose_export_path(self, suggested: str) -> str:

        folder = str(self.settings.value("export/folder", str(Path.home())))
        path, _ = QFileDialog.getSaveFileName(self, "Export PDF", str(Path(folder) / suggested), "PDF (*.pdf)")
        return path

    def export(self, handout: bool) -> Path | None:

        session = self.session
        if session is None:
            return None
        kind = "handout" if handout else "plan"
        patient = session.assessment()["patient"]["id"]
        suggested = f"{patient}-{kind}-{session.assessment()['assessed_on']}.pdf"
        chosen = self.choose_export_path("".join(c if c.isalnum() or c in "-_." else "_" for c in suggested))
        if not chosen:
            return None
        if not chosen.lower().endswith(".pdf"):
            chosen += ".pdf"
        if not self._printable():
            return None
        assert session.plan is not None
        try:
            exported = deferred.export_plan_pdf(
                self.database,
                session.plan,
                session.assessment(),
                self._export_context(),
                Path(chosen),
                handout=handout,
                plan_id=session.record.id if session.record else None,
            )
        except UserError as exc:
            self.warn("Export", str(exc))
            return None
        written = exported.value.path
        self.changed.emit(exported.changes)
        self.settings.setValue("export/folder", str(written.parent))
        # Texts that print in English on a handout in another language: said before the clinician prints it.
        warning = f". Warning: {exported.value.warning}" if exported.value.warning else ""
        self.statusBar().showMessage(f"Exported {written}{warning}")
        if self.settings.value("export/open", True, type=bool):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
        return written

    def _render(self, handout: bool) -> Rendered | None:
        """The open plan's PDF, to print (None when there is nothing to print, or the assessment has problems)."""
        session = self.session
        if session is None or not self._printable():
            return None
        assert session.plan is not None
        return deferred.render_document(session.plan, session.assessment(), self._export_context(), handout=handout)

    def print_plan(self, handout: bool) -> None:
        rendered = self._render(handout)
        if rendered is not None:
            if rendered.warning:  # on screen before the preview opens, so it is read before printing
                self.statusBar().showMessage(f"Warning: {rendered.warning}")
            deferred.print_with_preview(self, rendered.pdf, "Patient handout" if handout else "Care plan")

    def choose_import_paths(self) -> list[str]:
        """The assessment files to import (a method, so tests can answer it)."""
        paths, _ = QFileDialog.getOpenFileNames(self, "Import assessments", "", "Assessments (*.json)")
        return paths

    def import_assessments(self) -> None:

        result = deferred.import_files(self.database, [Path(p) for p in self.choose_import_paths()])
        imported = result.value
        if imported.error is not None:
            self.warn("Import", f"{imported.error}\n\n{len(imported.stored)} assessment(s) were imported before this.")
        if imported.notes:
            self.warn("Import", "\n\n".join(imported.notes))
        self.changed.emit(result.changes)
        if imported.stored:
            self.statusBar().showMessage(f"Imported {len(imported.stored)} assessment(s)")

    # --- other windows -------------------------------------------------------------------------------------
    def open_library(self, document_id: str = "", heading: str = "") -> None:

        if self.library_window is None:
            self.library_window = deferred.LibraryWindow(self.database)
            self.library_window.setWindowTitle("Document library")
            self.library_window.resize(1100, 720)
            self.library_window.libraryChanged.connect(lambda: self.changed.emit(OpChanges(library=True)))
        self.library_window.show()
        self.library_window.raise_()
        if document_id:
            self.library_window.showPassage(document_id, heading)

    def open_settings(self) -> None:

        deferred.SettingsDialog(self.database, self, self.settings).exec()

    def about(self) -> None:

        QMessageBox.about(
            self,
            "About LSP Planner",
            "LSP Planner drafts care plans for lumbosacral plexopathy from guidance documents.\n"
            "Plans are drafts for clinician review; drug choices and doses are for the prescriber.",
        )

    def offer_demo(self) -> None:
        """First run: offer a demo patient from the shipped examples so a newcomer sees a full plan."""

        answer = QMessageBox.question(
            self,
            "Welcome to LSP Planner",
            "Welcome. Would you like a demo patient, so you can see a complete plan right away?\n\n"
            "You can archive the demo patient later.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.changed.emit(deferred.add_demo_patient(self.database).changes)
        self.tabs.setCurrentWidget(self.plan_page)

    def offer_drafts(self) -> None:
        for draft in self.drafts.drafts():
            if self.ask_restore(draft_question(draft)):
                self.restore_draft(
                    draft.patient_id, draft.assessment_id, draft.assessment, draft.edits, draft.opened, draft.writer
                )
                return
            draft.path.unlink(missing_ok=True)

    def ask_restore(self, text: str) -> bool:
        """Whether to restore a recovered draft (a method, so tests answer it)."""

        answer = QMessageBox.question(
            self,
            "Recover unsaved work",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,  # the default keeps the work; only No discards it
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- changes -------------------------------------------------------------------------------------------
    def _show_changes(self, changes: OpChanges) -> None:
        """What the window itself shows of an operation's changes, after the lists and the history refreshed
        themselves (see :attr:`changed`): the patient the operation was about selected (and kept selected in
        a list filled again), the open editor and draft plan following the library, the plan review following
        its plan's state."""
        if changes.patients:
            shown = changes.patient_id or self.patient_id
            if shown:
                self.select_patient(shown)
        if changes.library and self.session is not None:
            # The editor shows the library's anatomy (the body map's threshold of weakness included) and the
            # draft plan is made again from the documents as they are now.
            self.editor.show_library(deferred.load_library(self.database))
            if not self.session.read_only:
                self.session.refresh_plan()
        if changes.open_plan and self.session is not None:
            self.plan_review.refresh()

    # --- state ---------------------------------------------------------------------------------------------
    def _update_actions(self, *_ignored: object) -> None:

        has_patient = self.patient_id is not None
        session = self.session
        if session is not None and not shiboken6.isValid(session.undo_stack):
            return  # the window is being torn down and its session with it
        has_plan = session is not None and session.plan is not None
        self.edit_patient_action.setEnabled(has_patient)
        self.archive_action.setEnabled(has_patient)
        self.new_assessment_action.setEnabled(has_patient)
        self.save_action.setEnabled(session is not None and not session.read_only and session.dirty)
        for action in (self.export_action, self.handout_action, self.print_action, self.print_handout_action):
            action.setEnabled(has_plan)
        self.undo_action.setEnabled(session is not None and session.undo_stack.canUndo())
        self.redo_action.setEnabled(session is not None and session.undo_stack.canRedo())
        title = self._app_title()
        if session is not None:
            name = session.assessment()["patient"].get("name", "")
            title = f"{name} — {session.assessment().get('assessed_on', '')}{' *' if session.dirty else ''} — {title}"
        self.setWindowTitle(title)

    def _app_title(self) -> str:
        """The app's name; on a clinic server also as whom and on which database (two logins on one screen
        are told apart)."""
        database = self.database
        if isinstance(database, ServerDatabase):
            return f"{database.login} on {database.address.database_name} — LSP Planner"
        return "LSP Planner"

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_discard():
            event.ignore()
            return
        self._store_geometry()
        if self.library_window is not None:
            self.library_window.close()
        event.accept()
