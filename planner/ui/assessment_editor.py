"""The assessment editor: every field of lsp-assessment/1, the strength grid beside the body map, and the
lymphedema table with volumes that follow each keystroke."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.assessment.schema import (
    ADL_FIELDS,
    ADL_LEVELS,
    AMBULATION,
    ENTRAPMENT_SITES,
    ETIOLOGIES,
    HISTORY_FLAGS,
    IMPLANTED_DEVICES,
    JPS_VALUES,
    NEUROPATHIC_AGENTS,
    SEXES,
    SIDES_AFFECTED,
    SYMPTOMS,
    TRAUMA_TYPES,
)
from planner.engine.limbvolume import excess_percent, frustum_volume_ml
from planner.engine.vocabulary import MUSCLE_GROUPS, SIDES
from planner.library.store import load_library
from planner.ui.binding import Binder
from planner.ui.bodymap import BodyMapWidget
from planner.ui.session import AssessmentSession

GRADE_LABELS = ("not tested", "0", "1", "2", "3", "4", "5")
GRADE_VALUES: tuple[int | None, ...] = (None, 0, 1, 2, 3, 4, 5)
FLAG_LABELS = {
    "palliative": "Palliative care",
    "mri_contraindicated": "MRI contraindicated (e.g. pacemaker)",
    "dvt": "Deep venous thrombosis",
    "arterial_insufficiency": "Arterial insufficiency",
    "infection": "Acute infection",
}
DEVICE_LABELS = {
    "pacemaker": "Pacemaker",
    "defibrillator": "Defibrillator",
    "neurostimulator": "Neurostimulator",
    "other": "Other device",
}
AGENT_LABELS = {
    "tricyclic": "Tricyclic",
    "ssri": "SSRI",
    "snri": "SNRI",
    "gabapentin": "Gabapentin",
    "pregabalin": "Pregabalin",
    "lidocaine_patch": "Lidocaine patch",
    "capsaicin": "Capsaicin",
    "other": "Other",
}
ENTRAPMENT_SITE_LABELS = ("piriformis (sciatic nerve)", "other site")
SYMPTOM_LABELS = {
    "numbness": "Numbness",
    "paresthesia": "Paresthesia",
    "allodynia": "Allodynia",
    "bowel_bladder_change": "New bowel or bladder change",
    "saddle_numbness": "Saddle numbness",
}


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class AssessmentEditor(QWidget):
    """Form over an :class:`AssessmentSession`; it holds no state of its own beyond the widgets."""

    def __init__(self, session: AssessmentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.binder = Binder(session)
        self.issues = QListWidget()
        self.issues.setAccessibleName("Problems in this assessment")
        self.issues.setMaximumHeight(90)
        self.issues.itemActivated.connect(self._focus_issue)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(_scroll(self._history_page()), "&History and flags")
        self.tabs.addTab(_scroll(self._strength_page()), "&Strength")
        self.tabs.addTab(_scroll(self._pain_page()), "Pain and &sensation")
        self.tabs.addTab(_scroll(self._lymphedema_page()), "&Lymphedema")
        self.tabs.addTab(_scroll(self._function_page()), "&Function")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.issues)
        layout.addWidget(self.tabs)
        session.planChanged.connect(self._on_plan)
        session.valueChanged.connect(self._on_value)
        session.changed.connect(self._follow_lock)
        self._read_only: bool | None = None
        self._on_plan()
        self._on_value(())
        self.set_read_only(session.read_only)

    # --- pages ---------------------------------------------------------------------------------------------
    def _history_page(self) -> QWidget:
        b = self.binder
        page = QWidget()
        grid = QGridLayout(page)
        patient = QGroupBox("Patient and visit")
        form = _form(patient)
        form.addRow("Patient &ID:", b.text(("patient", "id"), "Patient ID", required=True))
        form.addRow("&Name:", b.text(("patient", "name"), "Patient name", required=True))
        form.addRow("&Birth date:", b.date(("patient", "birth_date"), "Birth date"))
        form.addRow("Se&x:", b.choice(("patient", "sex"), "Sex", SEXES))
        form.addRow("&Assessed on:", b.date(("assessed_on",), "Assessed on", required=True))
        form.addRow("Assess&or:", b.text(("assessor",), "Assessor"))
        history = QGroupBox("History")
        form = _form(history)
        form.addRow("&Cause:", b.choice(("history", "etiology"), "Cause (etiology)", ETIOLOGIES, optional=False))
        form.addRow(
            "Affected &side:", b.choice(("history", "affected_side"), "Affected side", SIDES_AFFECTED, optional=False)
        )
        form.addRow("Onset:", b.date(("history", "onset"), "Onset date"))
        form.addRow(
            "Known &malignancy:",
            b.text(("history", "malignancy"), "Known malignancy", placeholder="e.g. prostate; leave empty if none"),
        )
        form.addRow(
            "Radiotherapy completed:", b.date(("history", "radiation_completed_on"), "Radiotherapy completed on")
        )
        form.addRow("Trauma on:", b.date(("history", "trauma_on"), "Trauma date"))
        form.addRow("Trauma type:", b.choice(("history", "trauma_type"), "Trauma type", TRAUMA_TYPES))
        form.addRow("Surgery on:", b.date(("history", "surgery_on"), "Surgery date"))
        form.addRow(
            "Suspected entrapment site:",
            b.choice(
                ("history", "entrapment_site"),
                "Suspected entrapment site",
                ENTRAPMENT_SITES,
                labels=ENTRAPMENT_SITE_LABELS,
            ),
        )
        form.addRow(
            "Creatinine clearance (mL/min):",
            b.number(("history", "creatinine_clearance_ml_min"), "Creatinine clearance", "0-200"),
        )
        flags = QGroupBox("Flags")
        flags_layout = QVBoxLayout(flags)
        for name in HISTORY_FLAGS:
            flags_layout.addWidget(b.flag(("history", name), FLAG_LABELS[name]))
        flags_layout.addWidget(QLabel("Implanted electronic devices:"))
        flags_layout.addWidget(
            b.choices(
                ("history", "implanted_devices"),
                "Implanted electronic devices",
                IMPLANTED_DEVICES,
                [DEVICE_LABELS[name] for name in IMPLANTED_DEVICES],
            )
        )
        flags_layout.addStretch(1)
        grid.addWidget(patient, 0, 0)
        grid.addWidget(flags, 0, 1)
        grid.addWidget(history, 1, 0, 1, 2)
        grid.setRowStretch(2, 1)
        return page

    def _strength_page(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        box = QGroupBox("MRC grade per muscle group (weak at 4 or below)")
        grid = QGridLayout(box)
        anatomy = load_library(self.session.database).muscle_groups
        for column, title in enumerate(("Muscle group", "Nerve · roots", "Left", "Right")):
            header = QLabel(f"<b>{title}</b>")
            grid.addWidget(header, 0, column)
        for row, group in enumerate(MUSCLE_GROUPS, start=1):
            info = anatomy.get(group)
            movement = info.movement if info else group.replace("_", " ")
            grid.addWidget(QLabel(movement.capitalize()), row, 0)
            nerve = QLabel(f"{info.nerve} · {info.roots_text}" if info else "")
            nerve.setForegroundRole(nerve.foregroundRole())
            nerve.setEnabled(False)
            grid.addWidget(nerve, row, 1)
            for column, side in enumerate(SIDES, start=2):
                combo = self.binder.choice(
                    ("strength", group, side),
                    f"{side.capitalize()} {movement} grade",
                    GRADE_VALUES[1:],
                    labels=GRADE_LABELS[1:],
                )
                combo.setItemText(0, GRADE_LABELS[0])
                grid.addWidget(combo, row, column)
        grid.setRowStretch(len(MUSCLE_GROUPS) + 1, 1)
        self.body_map = BodyMapWidget()
        self.body_map.setAnatomy({g: (a.movement, a.nerve, a.roots_text) for g, a in anatomy.items()})
        self.body_map.gradeRequested.connect(self._grade_from_map)
        self.body_map.selectionChanged.connect(self._select_from_map)
        layout.addWidget(box, 3)
        layout.addWidget(self.body_map, 4)
        return page

    def _pain_page(self) -> QWidget:
        b = self.binder
        page = QWidget()
        layout = QHBoxLayout(page)
        pain = QGroupBox("Pain")
        form = _form(pain)
        nrs_row = QHBoxLayout()
        nrs_row.addWidget(b.count(("pain", "nrs"), "Pain NRS 0-10", 0, 10))
        self.pain_band = QLabel()
        self.pain_band.setAccessibleName("Pain band")
        nrs_row.addWidget(self.pain_band, 1)
        form.addRow("Pain &NRS (0-10):", nrs_row)
        form.addRow(b.flag(("pain", "acute"), "Acute pain"))
        form.addRow(b.flag(("pain", "neuropathic"), "Neuropathic pain"))
        form.addRow("Si&tes:", b.text_list(("pain", "sites"), "Pain sites", "comma separated, e.g. buttock, thigh"))
        form.addRow(
            "Current analgesic &step:",
            b.choice(
                ("pain", "current_ladder_step"),
                "Current analgesic ladder step",
                (0, 1, 2, 3),
                labels=("0 none", "1", "2", "3"),
            ),
        )
        form.addRow(
            "&Pregabalin (mg/day):", b.number(("pain", "pregabalin_mg_day"), "Pregabalin total daily dose", "0-1200")
        )
        form.addRow(
            "Neuropathic agents tried:",
            b.choices(
                ("pain", "neuropathic_agents_tried"),
                "Neuropathic agents already tried",
                NEUROPATHIC_AGENTS,
                [AGENT_LABELS[name] for name in NEUROPATHIC_AGENTS],
            ),
        )
        sensation = QGroupBox("Sensation")
        form = _form(sensation)
        form.addRow(
            "Joint position sense, left:",
            b.choice(("joint_position_sense", "left"), "Joint position sense left", JPS_VALUES),
        )
        form.addRow(
            "Joint position sense, right:",
            b.choice(("joint_position_sense", "right"), "Joint position sense right", JPS_VALUES),
        )
        for name in SYMPTOMS:
            form.addRow(b.flag(("symptoms", name), SYMPTOM_LABELS[name]))
        layout.addWidget(pain)
        layout.addWidget(sensation)
        return page

    def _lymphedema_page(self) -> QWidget:
        b = self.binder
        page = QWidget()
        layout = QVBoxLayout(page)
        box = QGroupBox("Lymphedema")
        form = _form(box)
        form.addRow(b.flag(("lymphedema", "present"), "Lymphedema present"))
        form.addRow("Side:", b.choice(("lymphedema", "side"), "Lymphedema side", SIDES_AFFECTED))
        form.addRow("Phase:", b.choice(("lymphedema", "phase"), "Lymphedema phase", ("reduction", "maintenance")))
        form.addRow("Limb shape:", b.choice(("lymphedema", "limb_shape"), "Limb shape", ("regular", "irregular")))
        form.addRow("Interval (cm):", b.number(("lymphedema", "interval_cm"), "Measurement interval in cm", "1-20"))
        layout.addWidget(box)
        table_box = QGroupBox("Circumferences (cm), from the same landmark at each interval")
        table_layout = QVBoxLayout(table_box)
        self.circumferences = QTableWidget(0, 2)
        self.circumferences.setHorizontalHeaderLabels(["Left", "Right"])
        self.circumferences.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.circumferences.setAccessibleName("Limb circumferences table")
        self.circumferences.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.circumferences.itemChanged.connect(self._circumferences_edited)
        buttons = QHBoxLayout()
        self.add_point = QPushButton("&Add measurement point")
        self.add_point.clicked.connect(lambda: self._resize_circumferences(+1))
        self.remove_point = QPushButton("&Remove last point")
        self.remove_point.clicked.connect(lambda: self._resize_circumferences(-1))
        buttons.addWidget(self.add_point)
        buttons.addWidget(self.remove_point)
        buttons.addStretch(1)
        self.volumes = QLabel()
        self.volumes.setAccessibleName("Computed limb volumes")
        self.volumes.setWordWrap(True)
        table_layout.addWidget(self.circumferences)
        table_layout.addLayout(buttons)
        table_layout.addWidget(self.volumes)
        layout.addWidget(table_box, 1)
        return page

    def _function_page(self) -> QWidget:
        b = self.binder
        page = QWidget()
        layout = QVBoxLayout(page)
        box = QGroupBox("Function")
        form = _form(box)
        form.addRow("&Walking:", b.choice(("function", "ambulation"), "Walking (ambulation)", AMBULATION))
        labels = {
            "sit_to_stand": "Sit to stand",
            "standing_transfer": "Standing transfer",
            "lower_body_dressing": "Lower-body dressing",
            "bathing": "Bathing",
        }
        for name in ADL_FIELDS:
            form.addRow(f"{labels[name]}:", b.choice(("function", name), labels[name], ADL_LEVELS))
        form.addRow(
            "Falls in the last 3 months:",
            b.count(("function", "falls_past_3_months"), "Falls in the last 3 months", 0, 100, optional=True),
        )
        layout.addWidget(box)
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
            self.body_map.setGrades(self.session.value(("strength",)) or {})
        if not path or path[0] == "lymphedema":
            self._load_circumferences()

    def _on_plan(self) -> None:
        self.issues.clear()
        for issue in self.session.issues:
            self.issues.addItem(str(issue))
        self.issues.setVisible(bool(self.session.issues))
        findings = (self.session.plan or {}).get("findings", {})
        band = findings.get("pain_band") if self.session.plan_is_current else None
        self.pain_band.setText(f"band: {band}" if band else "")
        self._show_volumes()

    def _focus_issue(self, item: Any) -> None:
        field = item.text().split(":", 1)[0].split("[", 1)[0]
        for path in self.binder._widgets:
            if ".".join(path) == field:
                widget = self.binder.widget(path)
                page = widget
                while page is not None and self.tabs.indexOf(page) < 0:
                    page = page.parentWidget()
                if page is not None:
                    self.tabs.setCurrentWidget(page)
                widget.setFocus()
                return

    # --- lymphedema table ----------------------------------------------------------------------------------
    def _rows(self) -> dict[str, list[Any]]:
        return self.session.value(("lymphedema", "circumferences_cm")) or {"left": [], "right": []}

    def _load_circumferences(self) -> None:
        rows = self._rows()
        count = max(len(rows.get("left", [])), len(rows.get("right", [])))
        self.circumferences.blockSignals(True)
        self.circumferences.setRowCount(count)
        for column, side in enumerate(SIDES):
            values = rows.get(side, [])
            for row in range(count):
                text = "" if row >= len(values) or values[row] is None else str(values[row])
                item = self.circumferences.item(row, column)
                if item is None:
                    self.circumferences.setItem(row, column, QTableWidgetItem(text))
                elif item.text() != text:
                    item.setText(text)
        self.circumferences.setVerticalHeaderLabels([f"{i + 1}" for i in range(count)])
        self.circumferences.blockSignals(False)
        self._show_volumes()

    def _table_values(self) -> dict[str, list[Any]]:
        from planner.ui.binding import _number

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
        numbers = {s: [v for v in rows.get(s, []) if isinstance(v, int | float)] for s in SIDES}
        complete = all(len(numbers[s]) == len(rows.get(s, [])) >= 2 for s in SIDES)
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

    def _follow_lock(self) -> None:
        if self.session.read_only != self._read_only:
            self.set_read_only(self.session.read_only)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.binder.set_read_only(read_only)
        self.body_map.setReadOnly(read_only)
        self.circumferences.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if read_only else QAbstractItemView.EditTrigger.AllEditTriggers
        )
        self.add_point.setEnabled(not read_only)
        self.remove_point.setEnabled(not read_only)
