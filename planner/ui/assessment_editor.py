"""The assessment editor: every field of lsp-assessment/1, the strength grid beside (or, when narrow, above)
the body map, and the lymphedema table with volumes that follow each keystroke.

The pages are laid out from the field table (:mod:`planner.ui.fields`). Above them, a panel of fixed height
shows the problems in words (or that there are none, or that the assessment is signed and read-only), so the
form never moves while the clinician types and a click always lands where it was aimed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.dates import format_date, format_moment
from planner.engine.limbvolume import excess_percent, frustum_volume_ml
from planner.engine.vocabulary import MUSCLE_GROUPS, SIDES
from planner.errors import FieldIssue
from planner.library.store import load_library
from planner.ui.binding import Binder, _number, read_only_look
from planner.ui.bodymap import BodyMapWidget
from planner.ui.colours import BANNER, WORD_CHANGE
from planner.ui.fields import (
    CHOICES,
    FLAG,
    FLAGS,
    FUNCTION,
    HISTORY,
    LYMPHEDEMA,
    NUMBER,
    PAIN,
    PATIENT,
    SENSATION,
    Field,
    describe,
    form_order,
    label_for,
    strength_field,
)
from planner.ui.preferences import day_first
from planner.ui.reflow import Reflow
from planner.ui.session import AssessmentSession

if TYPE_CHECKING:
    from planner.library.compiler import CompiledLibrary

ISSUE_FIELD_ROLE = Qt.ItemDataRole.UserRole + 1
PANEL_LINES = 3
"""Problems shown at once in the panel above the form (more scroll): its height never changes."""
NO_PROBLEMS = "No problems: the plan follows every entry."


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


def _banner_style(kind: str) -> str:
    text, background = BANNER[kind]
    return f"background:{background}; color:{text}; font-weight:bold; padding:4px;"


class StatusPanel(QStackedWidget):
    """The fixed-size panel above the form: the problems in words (click one to go to its field), a line
    saying there are none, or the read-only banner of a signed or earlier version."""

    issueChosen = Signal(str)  # the issue's field path
    amendRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issues = QListWidget()
        self.issues.setAccessibleName("Problems in this assessment")
        self.issues.itemActivated.connect(self._chosen)
        self.issues.itemClicked.connect(self._chosen)
        self.clear_line = QLabel(NO_PROBLEMS)
        self.clear_line.setAccessibleName("Problems in this assessment")
        self.clear_line.setMargin(4)
        self.clear_line.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_text.setAccessibleName("Assessment status")
        self.amend_button = QPushButton("Amend (new draft version)")
        self.amend_button.clicked.connect(self.amendRequested.emit)
        self.banner = QFrame()
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(6, 4, 6, 4)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.amend_button, 0, Qt.AlignmentFlag.AlignTop)
        for page in (self.issues, self.clear_line, self.banner):
            self.addWidget(page)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.issues.addItem("")
        row = self.issues.sizeHintForRow(0)  # the style's row height, measured once
        self.issues.clear()
        self.setFixedHeight(row * self.lines() + 2 * self.issues.frameWidth() + 2)

    def lines(self) -> int:
        """How many problems show at once: PANEL_LINES, one fewer on a short screen (1080 at 200 %)."""
        screen = self.screen()
        short = screen is not None and screen.availableGeometry().height() < 640
        return PANEL_LINES - 1 if short else PANEL_LINES

    def show_issues(self, issues: list[tuple[str, str]]) -> None:
        """(field path, words) of each problem, in the validator's order."""
        self.issues.clear()
        for field, words in issues:
            item = QListWidgetItem(words)
            item.setData(ISSUE_FIELD_ROLE, field)
            item.setToolTip(f"{words}\n(field {field}; click to go to it)")
            self.issues.addItem(item)
        self.setCurrentWidget(self.issues if issues else self.clear_line)

    def show_banner(self, text: str, kind: str, can_amend: bool) -> None:
        self.banner_text.setText(text)
        self.banner.setStyleSheet(f"QFrame {{ {_banner_style(kind)} }}")
        self.amend_button.setVisible(can_amend)
        self.setCurrentWidget(self.banner)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.issueChosen.emit(str(item.data(ISSUE_FIELD_ROLE)))


class AssessmentEditor(QWidget):
    """Form over an :class:`AssessmentSession`; it holds no state of its own beyond the widgets."""

    amendRequested = Signal()

    def __init__(
        self, session: AssessmentSession, parent: QWidget | None = None, *, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.binder = Binder(session, day_first=day_first(settings))
        self.status = StatusPanel()
        self.status.issueChosen.connect(self.focus_field)
        self.status.amendRequested.connect(self.amendRequested.emit)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(_scroll(self._history_page()), "Histor&y and flags")
        self.tabs.addTab(_scroll(self._strength_page()), "&Strength")
        self.tabs.addTab(_scroll(self._pain_page()), "&Pain and sensation")
        self.tabs.addTab(_scroll(self._lymphedema_page()), "&Lymphedema")
        self.tabs.addTab(_scroll(self._function_page()), "F&unction")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        session.planChanged.connect(self._on_plan)
        session.valueChanged.connect(self._on_value)
        session.changed.connect(self._follow_lock)
        self._read_only: bool | None = None
        self._on_plan()
        self._on_value(())
        self.set_read_only(session.read_only)

    # --- pages ---------------------------------------------------------------------------------------------
    def _row(self, form: QFormLayout, field: Field, extra: QWidget | None = None) -> QWidget:
        """One field as a form row: its label (the buddy of its widget, so the mnemonic reaches it), the
        widget, and its unit or ``extra`` beside it. A flag is its own labelled check box; a set of check
        boxes goes under its label, the full width of the form."""
        widget = self.binder.bind(field)
        if field.kind in (FLAG, CHOICES):
            if field.kind == CHOICES:
                label = QLabel(f"{field.text}:")
                label.setBuddy(widget)
                form.addRow(label)
            form.addRow(widget)
            return widget
        beside = extra if extra is not None else (QLabel(field.unit) if field.kind == NUMBER and field.unit else None)
        label = QLabel(f"{field.text}:")
        label.setBuddy(widget)
        if beside is None:
            form.addRow(label, widget)
        else:
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(widget, 1)
            row_layout.addWidget(beside)
            form.addRow(label, row)
        return widget

    def _group(self, title: str, fields: tuple[Field, ...]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for field in fields:
            self._row(form, field)
        return box

    def _history_page(self) -> QWidget:
        page = QWidget()
        patient = self._group("Patient and visit", PATIENT)
        flags = self._group("Flags", FLAGS)
        top = Reflow(patient, flags, (3, 2))
        layout = QVBoxLayout(page)
        layout.addWidget(top)
        layout.addWidget(self._group("History", HISTORY))
        layout.addStretch(1)
        return page

    def _strength_page(self) -> QWidget:
        page = QWidget()
        box = self.strength_box = QGroupBox()
        grid = QGridLayout(box)
        library = load_library(self.session.database)
        anatomy = library.muscle_groups
        for column, title in enumerate(("Muscle group", "Nerve · roots", "Left", "Right")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        for row, group in enumerate(MUSCLE_GROUPS, start=1):
            info = anatomy.get(group)
            movement = info.movement if info else group.replace("_", " ")
            grid.addWidget(QLabel(movement.capitalize()), row, 0)
            nerve = QLabel(f"{info.nerve} · {info.roots_text}" if info else "")
            nerve.setWordWrap(True)
            nerve.setForegroundRole(nerve.foregroundRole())
            nerve.setEnabled(False)
            grid.addWidget(nerve, row, 1)
            for column, side in enumerate(SIDES, start=2):
                grid.addWidget(self.binder.bind(strength_field(group, side, movement)), row, column)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(MUSCLE_GROUPS) + 1, 1)
        self.body_map = BodyMapWidget()
        self.show_library(library)
        self.body_map.gradeRequested.connect(self._grade_from_map)
        self.body_map.selectionChanged.connect(self._select_from_map)
        self.strength_reflow = Reflow(box, self.body_map, (0, 1))  # the grid as it likes, the map the rest
        layout = QVBoxLayout(page)
        layout.addWidget(self.strength_reflow, 1)
        return page

    def show_library(self, library: CompiledLibrary) -> None:
        """What the strength page takes from the anatomy document: the muscle groups' names, nerves and roots,
        and the threshold of weakness (``weak_mrc_at_most``, a setting a clinic may edit), so the map marks
        as weak exactly the groups the plan's findings call weak. Called again when the library changes."""
        threshold = library.document_settings.get("weak_mrc_at_most")
        title = "MRC grade per muscle group"
        self.strength_box.setTitle(title if threshold is None else f"{title} (weak at {threshold:g} or below)")
        self.body_map.setAnatomy({g: (a.movement, a.nerve, a.roots_text) for g, a in library.muscle_groups.items()})
        self.body_map.setWeakAtMost(threshold)

    def _pain_page(self) -> QWidget:
        page = QWidget()
        pain = QGroupBox("Pain")
        form = QFormLayout(pain)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.pain_band = QLabel()
        self.pain_band.setAccessibleName("Pain band")
        self._row(form, PAIN[0], self.pain_band)
        for field in PAIN[1:]:
            self._row(form, field)
        sensation = self._group("Sensation", SENSATION)
        layout = QVBoxLayout(page)
        layout.addWidget(Reflow(pain, sensation, (1, 1)))
        layout.addStretch(1)
        return page

    def _lymphedema_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._group("Lymphedema", LYMPHEDEMA))
        table_box = QGroupBox("Circumferences (cm)")
        table_layout = QVBoxLayout(table_box)
        how = QLabel("Measured from the same landmark at each interval, both legs at the same points.")
        how.setWordWrap(True)
        table_layout.addWidget(how)
        self.circumferences = QTableWidget(0, 2)
        self.circumferences.setHorizontalHeaderLabels([label_for(f"lymphedema.circumferences_cm.{s}") for s in SIDES])
        self.circumferences.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.circumferences.setAccessibleName("Limb circumferences table")
        self.circumferences.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.circumferences.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.circumferences.itemChanged.connect(self._circumferences_edited)
        buttons = QHBoxLayout()
        self.add_point = QPushButton("Add measurement poi&nt")
        self.add_point.clicked.connect(lambda: self._resize_circumferences(+1))
        self.remove_point = QPushButton("&Remove last point")
        self.remove_point.clicked.connect(lambda: self._resize_circumferences(-1))
        buttons.addWidget(self.add_point)
        buttons.addWidget(self.remove_point)
        buttons.addStretch(1)
        self.volumes = QLabel()
        self.volumes.setAccessibleName("Computed limb volumes")
        self.volumes.setWordWrap(True)
        self.volumes.setMinimumHeight(self.volumes.fontMetrics().lineSpacing() * 2)  # its text wraps: no jump
        table_layout.addWidget(self.circumferences)
        table_layout.addLayout(buttons)
        table_layout.addWidget(self.volumes)
        layout.addWidget(table_box, 1)
        return page

    def _function_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._group("Function", FUNCTION))
        layout.addStretch(1)
        return page

    # --- reactions -----------------------------------------------------------------------------------------
    def _grade_from_map(self, group: str, side: str, grade: Any) -> None:
        self.session.set_value(("strength", group, side), grade, f"Set {side} {group.replace('_', ' ')} grade")

    def _select_from_map(self, group: str, side: str) -> None:
        widget = self.binder.widget(("strength", group, side))
        if isinstance(widget, QComboBox):
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_value(self, path: Any) -> None:
        if not path or path[0] == "strength":
            self.body_map.setGrades(self._grades())
        if not path or path[0] == "lymphedema":
            self._load_circumferences()

    def _grades(self) -> dict[str, Any]:
        """The strength object as the body map can show it: a grade that is not 0-5 (an invalid import) shows
        as not tested, and the problems panel names it."""
        grades = self.session.value(("strength",)) or {}
        return {
            group: {side: g for side, g in sides.items() if side in SIDES and (g is None or g in range(6))}
            for group, sides in grades.items()
            if group in MUSCLE_GROUPS and isinstance(sides, dict)
        }

    def _on_plan(self) -> None:
        findings = (self.session.plan or {}).get("findings", {})
        band = findings.get("pain_band") if self.session.plan_is_current else None
        self.pain_band.setText(f"band: {band}" if band else "")
        self._show_volumes()
        self._mark_circumferences()
        self._show_status()

    def _show_status(self) -> None:
        session = self.session
        record = session.record
        if session.read_only and record is not None:
            if record.signed:
                when = format_moment(record.signed_at) if record.signed_at else ""
                text = (
                    f"Signed: plan version {record.version}, {record.signer}, {record.signer_credentials}, {when}. "
                    "This assessment is read-only; amending starts a new draft version."
                )
                self.status.show_banner(text, "signed", can_amend=True)
            else:
                assessed = format_date(record.assessment.get("assessed_on"))
                text = f"An earlier version (plan version {record.version} of the {assessed} assessment): read-only."
                self.status.show_banner(text, "earlier", can_amend=False)
            return
        day_first_order = self.binder.day_first
        issues = sorted(session.issues, key=form_order)
        self.status.show_issues([(i.field, describe(i, day_first=day_first_order)) for i in issues])

    def issue_words(self) -> list[str]:
        """The problems as the panel shows them."""
        return [self.status.issues.item(row).text() for row in range(self.status.issues.count())]

    def focus_field(self, field: str) -> None:
        """Bring the page of a field forward and put the cursor in it (a circumference: its table cell)."""
        issue = FieldIssue(field, "")
        if field.startswith("lymphedema.circumferences_cm"):
            self.tabs.setCurrentIndex(3)
            row, column = self._cell_of(field)
            if row is not None:
                self.circumferences.setCurrentCell(row, column)
            self.circumferences.setFocus()
            return
        widget = self.binder.issue_widget(issue)
        if widget is None:
            return
        page = widget
        while page is not None and self.tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None:
            self.tabs.setCurrentWidget(page)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _cell_of(field: str) -> tuple[int | None, int]:
        """'lymphedema.circumferences_cm.right[2]' -> (2, 1)."""
        rest = field.removeprefix("lymphedema.circumferences_cm")
        column = 1 if rest.startswith(".right") else 0
        if "[" in rest:
            return int(rest.split("[", 1)[1].rstrip("]")), column
        return None, column

    # --- lymphedema table ----------------------------------------------------------------------------------
    def _rows(self) -> dict[str, list[Any]]:
        rows = self.session.value(("lymphedema", "circumferences_cm"))
        return rows if isinstance(rows, dict) else {"left": [], "right": []}

    def _load_circumferences(self) -> None:
        rows = self._rows()
        count = max(len(rows.get("left") or []), len(rows.get("right") or []))
        self.circumferences.blockSignals(True)
        self.circumferences.setRowCount(count)
        for column, side in enumerate(SIDES):
            values = rows.get(side) or []
            for row in range(count):
                text = "" if row >= len(values) or values[row] is None else str(values[row])
                item = self.circumferences.item(row, column)
                if item is None:
                    self.circumferences.setItem(row, column, QTableWidgetItem(text))
                elif item.text() != text:
                    item.setText(text)
        self.circumferences.setVerticalHeaderLabels([f"{i + 1}" for i in range(count)])
        self.circumferences.blockSignals(False)
        self._mark_circumferences()
        self._show_volumes()

    def _mark_circumferences(self) -> None:
        """A cell with a problem is tinted and says the problem in its tooltip: beside the value."""
        marked: dict[tuple[int, int], str] = {}
        for issue in self.session.issues:
            if issue.field.startswith("lymphedema.circumferences_cm") and "[" in issue.field:
                row, column = self._cell_of(issue.field)
                if row is not None:
                    marked[(row, column)] = describe(issue, day_first=self.binder.day_first)
        text, background = WORD_CHANGE["deleted"]
        self.circumferences.blockSignals(True)
        for row in range(self.circumferences.rowCount()):
            for column in range(2):
                item = self.circumferences.item(row, column)
                if item is None:
                    continue
                words = marked.get((row, column))
                item.setToolTip(words or "")
                item.setBackground(QBrush(QColor(background)) if words else QBrush())
                item.setForeground(QBrush(QColor(text)) if words else QBrush())
        self.circumferences.blockSignals(False)

    def _table_values(self) -> dict[str, list[Any]]:
        values: dict[str, list[Any]] = {"left": [], "right": []}
        for row in range(self.circumferences.rowCount()):
            for column, side in enumerate(SIDES):
                item = self.circumferences.item(row, column)
                values[side].append(_number(item.text()) if item and item.text().strip() else None)
        return values

    def _circumferences_edited(self, _item: Any) -> None:
        values = self._table_values()
        self.session.set_value(
            ("lymphedema", "circumferences_cm"), values if values["left"] else None, "Edit circumferences"
        )

    def _resize_circumferences(self, delta: int) -> None:
        values = self._table_values()
        for side in SIDES:
            values[side] = values[side] + [None] if delta > 0 else values[side][:-1]
        self.session.set_value(
            ("lymphedema", "circumferences_cm"),
            values if values["left"] else None,
            "Add measurement point" if delta > 0 else "Remove measurement point",
        )

    def _show_volumes(self) -> None:
        rows = self._rows()
        interval = self.session.value(("lymphedema", "interval_cm"))
        numbers = {s: [v for v in rows.get(s) or [] if isinstance(v, int | float)] for s in SIDES}
        complete = all(len(numbers[s]) == len(rows.get(s) or []) >= 2 for s in SIDES)
        if not complete or not isinstance(interval, int | float) or interval <= 0:
            self.volumes.setText("Volumes appear when both legs have at least two measurements and an interval.")
            return
        volumes = {s: frustum_volume_ml(numbers[s], interval) for s in SIDES}
        side = self.session.value(("lymphedema", "side"))
        text = f"Left {volumes['left']:.1f} mL · Right {volumes['right']:.1f} mL"
        if side in SIDES:
            other = "left" if side == "right" else "right"
            excess = excess_percent(volumes[side], volumes[other])
            if excess is not None:
                text += f" · Excess ({side}) {excess:.1f} %"
        findings = (self.session.plan or {}).get("findings", {})
        if self.session.plan_is_current and findings.get("lymphedema_severity"):
            text += f" · {findings['lymphedema_severity']}"
        self.volumes.setText(text)

    # --- read-only -----------------------------------------------------------------------------------------
    def _follow_lock(self) -> None:
        if self.session.read_only != self._read_only:
            self.set_read_only(self.session.read_only)
        self._show_status()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.binder.set_read_only(read_only)
        self.body_map.setReadOnly(read_only)
        self.circumferences.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if read_only else QAbstractItemView.EditTrigger.AllEditTriggers
        )
        read_only_look(self.circumferences, read_only)
        self.add_point.setEnabled(not read_only)
        self.remove_point.setEnabled(not read_only)
        self._show_status()
