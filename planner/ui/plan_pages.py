"""The Plan tab's pages for the clinician's decisions beyond the item list: the patient text of an item, the home
exercise cards, the equipment, and what to review from the last visit.

Every change is one edit function of :mod:`planner.edits` handed to the session's undo stack
(``session.set_edits(function(session.edits, ...), label)``), so undo, save, sign-off and carry-over treat them
alike. The lists are Qt models over the session's plan (:mod:`planner.ui.plan_models`), rebuilt when it changes;
the current row is kept across a rebuild.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.edits import (
    PER,
    DosageChange,
    add_exercise,
    confirm_all_carried,
    confirm_carried,
    decision_key,
    drop_decision,
    exclude_exercise,
    include_exercise,
    move_exercise,
    set_dosage,
    set_equipment_status,
)
from planner.engine.dosage import LIMITS
from planner.errors import UserError
from planner.ui.colours import CARRIED
from planner.ui.figure_view import FigureView
from planner.ui.flow_layout import FlowLayout, flow_policy
from planner.ui.plan_models import (
    CARRIED_SIGN,
    EntryRole,
    EquipmentModel,
    ExerciseModel,
    IdRole,
    KeyRole,
    ReviewModel,
    carried_words,
)
from planner.ui.session import AssessmentSession

DOSAGE_PARTS = (
    ("sets", "Se&ts"),
    ("reps", "Re&petitions"),
    ("hold_seconds", "Hol&d, seconds"),
    ("rest_seconds", "Rest, seconds"),
)
"""The dosage parts the clinician sets with a number each, with their labels (and mnemonics)."""
PER_WORDS = {"day": "a day", "week": "a week"}
CARD_DECISIONS = {"exercise_excluded": "taken out", "exercise_added": "added from the library", "dosage": "dosage"}
"""A card's decisions that carry over, in words."""
NOT_SET = "—"


_DRAWINGS: dict[tuple[str, str], Any] = {}


def figure_drawing(session: AssessmentSession, figure_id: str | None) -> Any:
    """The drawing of a library figure (rendered once per figure and library version), or None when the library
    has no such figure."""
    from planner.figures.render import render_figure

    library = session.library
    spec = library.figures.get(figure_id or "")
    if spec is None:
        return None
    key = (library.version, str(figure_id))
    if key not in _DRAWINGS:
        _DRAWINGS[key] = render_figure(spec)
    return _DRAWINGS[key]


def _keep_current(view: QAbstractItemView, id_role: int, rebuild: Any) -> None:
    """Rebuild a view's model and put the row that was current (by its id) back as current."""
    index = view.currentIndex()
    current = index.data(id_role) if index.isValid() else None
    scroll = view.verticalScrollBar().value()
    rebuild()
    model = view.model()
    target = next(
        (model.index(r, 0) for r in range(model.rowCount()) if model.index(r, 0).data(id_role) == current), None
    )
    if target is None and model.rowCount():
        target = model.index(0, 0)
    if target is not None:
        view.selectionModel().setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.verticalScrollBar().setValue(scroll)


class _Filling(QWidget):
    """Holds a page in a scroll area that it fills: it asks for no height-for-width, so a page whose labels wrap
    takes the height it is given instead of its preferred one (which scrolled a page that fits by a few pixels)."""

    def hasHeightForWidth(self) -> bool:
        return False


def scrolling(widget: QWidget, lines: int = 2, *, fill: bool = False) -> QScrollArea:
    """``widget`` in a frameless scroll area at least ``lines`` high: on a short screen it scrolls rather than
    make the window taller. ``fill``: a whole page, which scrolls only when the area is below its minimum."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    if fill:
        holder = _Filling()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        widget = holder
    area.setWidget(widget)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setMinimumHeight(widget.fontMetrics().lineSpacing() * lines + 6)
    return area


def _buttons(*buttons: QPushButton) -> QWidget:
    holder = QWidget()
    flow = FlowLayout(holder)
    for button in _named(*buttons):
        flow.addWidget(button)
    flow_policy(holder)
    return holder


def _named(*buttons: QPushButton) -> list[QPushButton]:
    for button in buttons:
        button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
    return list(buttons)


class PatientTextBox(QWidget):
    """An item's text on the patient's handout, in the clinician's words, with the documents' text beside it
    for reference. Empty and applied: the documents' text again (for a free-text item: not on the handout)."""

    applyRequested = Signal(str, object)  # item id, the text (None: the documents' again)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("Patien&t text for the handout:")
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName("Patient text for the handout")
        lines = self.text.fontMetrics().lineSpacing()
        self.text.setMinimumHeight(lines * 3 + 12)
        self.text.setMaximumHeight(lines * 5 + 12)
        self.label.setBuddy(self.text)
        self.generated = QLabel()
        self.generated.setWordWrap(True)
        self.generated.setAccessibleName("The documents' patient text")
        self.generated.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton("Appl&y patient text")
        self.restore_button = QPushButton("Use the &generated text")
        self.apply_button.clicked.connect(self._apply)
        self.restore_button.clicked.connect(self._restore)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.text)
        layout.addWidget(self.generated)
        layout.addWidget(_buttons(self.apply_button, self.restore_button))
        layout.addStretch(1)
        self._item_id: str | None = None

    def show_item(self, entry: dict[str, Any] | None, editable: bool) -> None:
        """Show the patient text of a plan item (an included one; none for alerts, held or excluded items)."""
        self._item_id = entry["id"] if entry else None
        if entry is None:
            self.text.setPlainText("")
            self.text.setReadOnly(True)
            self.generated.setText("Choose an included plan item to see and edit its text on the handout.")
            self.apply_button.setEnabled(False)
            self.restore_button.setEnabled(False)
            return
        self.text.setPlainText(str(entry.get("handout") or ""))
        if entry.get("source") == "clinician":
            about = "A free-text item of yours: the handout prints your text (none: the item is not on the handout)."
        else:
            generated = (entry.get("generated") or {}).get("handout") if entry.get("handout_edited") else None
            generated = generated if generated is not None else entry.get("handout")
            about = (
                f"From the documents: {generated}"
                if generated
                else "The documents give this item no patient text; write one to put it on the handout."
            )
        self.generated.setText(about)
        self.text.setReadOnly(not editable)
        self.apply_button.setEnabled(editable)
        self.restore_button.setEnabled(editable and bool(entry.get("handout_edited")))

    def _apply(self) -> None:
        if self._item_id is not None:
            self.applyRequested.emit(self._item_id, self.text.toPlainText().strip() or None)

    def _restore(self) -> None:
        if self._item_id is not None:
            self.applyRequested.emit(self._item_id, None)


class AddExerciseDialog(QDialog):
    """The library's exercises for this patient, those the safety screen holds marked with the reason; adding
    one it holds is refused with that reason (by the core, which renders the card)."""

    def __init__(self, session: AssessmentSession, in_plan: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add an exercise from the library")
        self.session = session
        self.entry: dict[str, Any] | None = None
        self.choices = QStandardItemModel(self)
        for choice in session.exercise_choices():
            text = f"{choice['name']} ({choice['category']})"
            if choice["id"] in in_plan:
                text += "  — in the plan"
            if choice["held"]:
                text += f"  — held back by the safety screen: {choice['held']}"
            row = QStandardItem(text)
            row.setData(choice["id"], IdRole)
            row.setData(choice, EntryRole)
            row.setToolTip(choice["purpose"])
            row.setEditable(False)
            self.choices.appendRow(row)
        self.filter = QSortFilterProxyModel(self)
        self.filter.setSourceModel(self.choices)
        self.filter.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setAccessibleName("Find an exercise")
        self.search.setPlaceholderText("Name or kind, e.g. bridge, balance")
        self.search.textChanged.connect(self.filter.setFilterFixedString)
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.search)
        self.list = QListView()
        self.list.setModel(self.filter)
        self.list.setAccessibleName("Exercises of the library")
        self.list.setWordWrap(True)
        self.list.doubleClicked.connect(lambda _index: self.accept())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Why the exercise cannot be added")
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        search_row = QHBoxLayout()
        search_row.addWidget(find_label)
        search_row.addWidget(self.search, 1)
        layout.addLayout(search_row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if self.filter.rowCount():
            self.list.setCurrentIndex(self.filter.index(0, 0))
        self.resize(640, 480)

    def choose(self, exercise_id: str) -> bool:
        """Make ``exercise_id`` the current row (for the keyboard and for tests)."""
        self.search.clear()
        for row in range(self.filter.rowCount()):
            index = self.filter.index(row, 0)
            if index.data(IdRole) == exercise_id:
                self.list.setCurrentIndex(index)
                return True
        return False

    def accept(self) -> None:
        index = self.list.currentIndex()
        if not index.isValid():
            return
        try:
            self.entry = self.session.library_exercise(index.data(IdRole))
        except UserError as exc:
            self.entry = None
            self.message.setText(f"Not added. {exc}")
            text, background = CARRIED["gone"]
            self.message.setStyleSheet(f"color:{text}; background:{background}; padding:4px;")
            self.message.show()
            return
        super().accept()


class ExercisesPage(QWidget):
    """The home exercise programme: the cards (kept ones checked, in order; taken-out ones with their reason),
    each with its picture, texts and dosage; add from the library, take out with a reason, reorder, dosage."""

    problem = Signal(str)  # a change refused, in words (a dosage out of range)

    def __init__(self, session: AssessmentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = ExerciseModel(self)
        self.model.checkRequested.connect(self._check)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Home exercise cards")
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._show_card())
        self.add_button = QPushButton("Add from li&brary…")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move do&wn")
        self.add_button.clicked.connect(self._add)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(+1))
        # The page's buttons go in the Plan tab's button row, shown while this page is (a short screen).
        self.page_buttons = _named(self.add_button, self.up_button, self.down_button)
        self.list.setToolTip("Ticked cards are on the handout; untick one to take it out (you give the reason).")
        self.list.setAccessibleDescription(self.list.toolTip())

        self.figure = FigureView()
        self.figure.setAccessibleName("Picture of the exercise")
        self.figure.setMinimumSize(200, 150)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.about.setAccessibleName("The exercise card")
        self.about.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.carried = QLabel()
        self.carried.setWordWrap(True)
        self.carried.setAccessibleName("Carried over")
        text, background = CARRIED["review"]
        self.carried.setStyleSheet(f"color:{text}; background:{background}; padding:4px;")
        self.dosage_box = self._dosage_box()
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.carried)
        # The card's words scroll in their own column, so a long card never pushes the dosage box below the pane:
        # the pane itself scrolls only when it is shorter than the picture's minimum and the whole dosage box.
        self.about_area = scrolling(self.about, lines=3)
        top = QHBoxLayout()
        top.addWidget(self.figure, 1)
        top.addWidget(self.about_area, 1)
        detail_layout.addLayout(top, 1)
        detail_layout.addWidget(self.dosage_box)
        self.detail_area = scrolling(detail, fill=True)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(self.detail_area)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.refresh()

    def _dosage_box(self) -> QGroupBox:
        box = QGroupBox("Dosage")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.spins: dict[str, QSpinBox] = {}
        captions = []
        for name, label in DOSAGE_PARTS:
            low, high = LIMITS[name]
            spin = QSpinBox()
            spin.setRange(low - 1, high)
            spin.setSpecialValueText(NOT_SET)
            spin.setAccessibleName(label.replace("&", ""))
            self.spins[name] = spin
            caption = QLabel(f"{label}:")
            caption.setBuddy(spin)
            captions.append((caption, spin))
        for (first, first_spin), (second, second_spin) in zip(captions[::2], captions[1::2], strict=True):
            pair = QWidget()  # two parts a row (sets and repetitions, hold and rest): the box keeps a short height
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            pair_layout.addWidget(first_spin)
            pair_layout.addSpacing(pair.fontMetrics().averageCharWidth() * 2)
            pair_layout.addWidget(second)
            pair_layout.addWidget(second_spin)
            pair_layout.addStretch(1)
            form.addRow(first, pair)
        self.times = QSpinBox()
        self.times.setRange(0, max(LIMITS["times_day"][1], LIMITS["times_week"][1]))
        self.times.setSpecialValueText(NOT_SET)
        self.times.setAccessibleName("How often, times")
        self.per = QComboBox()
        for per in PER:
            self.per.addItem(PER_WORDS[per], per)
        self.per.setAccessibleName("How often, per")
        often = QWidget()
        often_layout = QHBoxLayout(often)
        often_layout.setContentsMargins(0, 0, 0, 0)
        often_layout.addWidget(self.times)
        often_layout.addWidget(QLabel("times"))
        often_layout.addWidget(self.per)
        often_layout.addStretch(1)
        often_label = QLabel("How &often:")
        often_label.setBuddy(self.times)
        form.addRow(often_label, often)
        self.note = QLineEdit()
        self.note.setMinimumWidth(self.note.fontMetrics().averageCharWidth() * 40)
        self.note.setAccessibleName("Note on the card")
        self.note.setPlaceholderText("A line of yours printed on the card")
        note_label = QLabel("&Note on the card:")
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.note)
        self.apply_dosage = QPushButton("Appl&y dosage")
        self.document_dosage = QPushButton("Use the document's dosa&ge")
        self.apply_dosage.clicked.connect(self._apply_dosage)
        self.document_dosage.clicked.connect(self._document_dosage)
        form.addRow(_buttons(self.apply_dosage, self.document_dosage))
        self.dosage_text = QLabel()
        self.dosage_text.setWordWrap(True)
        self.dosage_text.setAccessibleName("The document's dosage")
        form.addRow(self.dosage_text)
        return box

    # --- display -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        editable = not self.session.read_only and self.session.plan is not None
        _keep_current(self.list, IdRole, lambda: self.model.populate(self.session.plan, self.session.edits, editable))
        self.add_button.setEnabled(editable)
        self._show_card()

    def current_card(self) -> dict[str, Any] | None:
        index = self.list.currentIndex()
        return index.data(EntryRole) if index.isValid() else None

    def select(self, exercise_id: str) -> bool:
        row = self.model.row_of(exercise_id)
        if row < 0:
            return False
        self.list.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        return True

    def _show_card(self) -> None:
        card = self.current_card()
        editable = not self.session.read_only and self.session.plan is not None
        kept = card is not None and card["id"] in self.model.kept_ids()
        self.up_button.setEnabled(editable and kept)
        self.down_button.setEnabled(editable and kept)
        self.dosage_box.setEnabled(editable and kept)
        self._show_carried(card)
        if card is None:
            self.figure.set_drawing(None)
            self.about.setText("No exercise cards." if not self.model.rowCount() else "")
            return
        full = self._full_card(card)
        self.figure.set_drawing(figure_drawing(self.session, full.get("illustration")))
        self.figure.setAccessibleDescription(f"Picture: {full.get('name', '')}")
        steps = "".join(f"<li>{html.escape(step)}</li>" for step in full.get("instructions") or ())
        parts = [f"<h3>{html.escape(str(full.get('name') or ''))}</h3>"]
        if full.get("purpose"):
            parts.append(f"<p>{html.escape(full['purpose'])}</p>")
        if steps:
            parts.append(f"<ol>{steps}</ol>")
        if full.get("precautions"):
            parts.append(f"<p><b>Take care:</b> {html.escape(full['precautions'])}</p>")
        if full.get("detail"):
            parts.append(f"<p><i>{html.escape(full['detail'])}</i></p>")
        if not kept:
            reason = card.get("reason")
            parts.append(f"<p><b>Taken out</b>{': ' + html.escape(reason) if reason else ''}.</p>")
        self.about.setText("".join(parts))
        self._load_dosage(full)

    def _full_card(self, card: dict[str, Any]) -> dict[str, Any]:
        """A taken-out row carries only id, name and reason: its card from the plan's content or the library."""
        if "instructions" in card:
            return card
        content = self.session.content or {}
        for entry in (*(content.get("exercises") or ()), *self.session.edits.exercise_added):
            if entry["id"] == card["id"]:
                return {**entry, "reason": card.get("reason")}
        return card

    def _show_carried(self, card: dict[str, Any] | None) -> None:
        """Which of this card's decisions came over from the last visit and wait for review, in words."""
        edits = self.session.edits
        found = []
        for kind, words in CARD_DECISIONS.items():
            mark = edits.carried.get(decision_key(kind, card["id"])) if card else None
            if mark is not None and not mark.confirmed:
                found.append((words, mark))
        if found:
            what = ", ".join(words for words, _mark in found)
            self.carried.setText(
                f"{CARRIED_SIGN} {what.capitalize()}: {carried_words(found[0][1])}. Change it here, or confirm it "
                "on the Review tab."
            )
        self.carried.setVisible(bool(found))

    def _load_dosage(self, card: dict[str, Any]) -> None:
        dosage = card.get("dosage") or {}
        for name, spin in self.spins.items():
            value = dosage.get(name)
            spin.setValue(value if isinstance(value, int) else spin.minimum())
        self.times.setValue(dosage.get("times") or 0)
        self.per.setCurrentIndex(max(0, self.per.findData(dosage.get("per") or "day")))
        self.note.setText(str(card.get("note") or ""))
        document = card.get("generated_dosage") or dosage
        self.dosage_text.setText(f"The document's dosage: {document.get('text') or NOT_SET}")
        self.document_dosage.setEnabled(bool(card.get("generated_dosage") or card.get("note")))

    # --- edits ---------------------------------------------------------------------------------------------
    def ask_reason(self, name: str) -> tuple[str, bool]:
        """The reason for taking a card out (a method, so tests can answer it)."""
        return QInputDialog.getText(self, "Take the exercise out", f"Reason for taking out “{name}”:")

    def _check(self, exercise_id: str, keep: bool) -> None:
        edits = self.session.edits
        if keep:
            self.session.set_edits(include_exercise(edits, exercise_id), "Put the exercise back")
            return
        card = self.model.data(self.model.index(self.model.row_of(exercise_id), 0), EntryRole) or {}
        reason, ok = self.ask_reason(str(card.get("name") or exercise_id))
        if ok:
            self.session.set_edits(exclude_exercise(edits, exercise_id, reason), "Take the exercise out")

    def add_dialog(self) -> AddExerciseDialog:
        return AddExerciseDialog(self.session, set(self.model.kept_ids()), self)

    def run_add_dialog(self, dialog: AddExerciseDialog) -> dict[str, Any] | None:
        """Show the dialog (a method, so tests can drive it) and return the card to add, if any."""
        return dialog.entry if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _add(self) -> None:
        entry = self.run_add_dialog(self.add_dialog())
        if entry is None:
            return
        try:
            edits = add_exercise(self.session.edits, entry)
        except UserError as exc:
            self.problem.emit(str(exc))
            return
        self.session.set_edits(edits, "Add an exercise")
        self.select(entry["id"])

    def _move(self, step: int) -> None:
        card = self.current_card()
        ids = self.model.kept_ids()
        if card is None or card["id"] not in ids:
            return
        position = ids.index(card["id"]) + step
        if not 0 <= position < len(ids):
            return
        self.session.set_edits(move_exercise(self.session.edits, ids, card["id"], position), "Move the exercise")
        self.select(card["id"])

    def dosage_change(self) -> DosageChange | None:
        """What the fields say, as the parts that differ from the document's dosage (None: nothing differs)."""
        card = self.current_card()
        if card is None:
            return None
        document = card.get("generated_dosage") or card.get("dosage") or {}
        values: dict[str, Any] = {}
        for name, spin in self.spins.items():
            value = None if spin.value() == spin.minimum() else spin.value()
            if value != document.get(name):
                values[name] = value
        times = self.times.value() or None
        per = self.per.currentData() if times else None
        if (times, per) != (document.get("times"), document.get("per")):
            values["times"], values["per"] = times, per
        change = DosageChange(**{k: v for k, v in values.items() if v is not None}, note=self.note.text().strip())
        return None if change.empty else change

    def _apply_dosage(self) -> None:
        card = self.current_card()
        if card is None:
            return
        try:
            edits = set_dosage(self.session.edits, card["id"], self.dosage_change())
        except UserError as exc:
            self.problem.emit(str(exc))
            return
        self.session.set_edits(edits, "Change the dosage")

    def _document_dosage(self) -> None:
        card = self.current_card()
        if card is not None:
            self.session.set_edits(set_dosage(self.session.edits, card["id"], None), "Use the document's dosage")


class EquipmentPage(QWidget):
    """The equipment the documents suggest, each ticked as recommended, issued, already owned or not needed
    (or left as suggested); the current item's picture, purpose and safe use beside the table."""

    def __init__(self, session: AssessmentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = EquipmentModel(self)
        self.model.statusRequested.connect(self._status)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Adaptive equipment")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(EquipmentModel.NAME, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._show_item())
        self.table.setToolTip(
            "Tick what you decided for each item: only items recommended, issued or already owned go on the "
            "handout. Space ticks the current cell."
        )
        self.table.setAccessibleDescription(self.table.toolTip())
        self.icon = FigureView()
        self.icon.setAccessibleName("Picture of the equipment")
        self.icon.setMinimumSize(100, 75)
        self.icon.setMaximumWidth(220)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.about.setAccessibleName("About the equipment")
        self.about.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        detail = QWidget()
        detail_layout = QHBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.icon)
        detail_layout.addWidget(self.about, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(scrolling(detail))
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 170])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        self.refresh()

    def refresh(self) -> None:
        editable = not self.session.read_only and self.session.plan is not None
        _keep_current(self.table, IdRole, lambda: self.model.populate(self.session.plan, self.session.edits, editable))
        self._show_item()

    def select(self, equipment_id: str, column: int = 0) -> bool:
        row = self.model.row_of(equipment_id)
        if row < 0:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, column), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        return True

    def _show_item(self) -> None:
        index = self.table.currentIndex()
        entry = index.data(EntryRole) if index.isValid() else None
        if entry is None:
            self.icon.set_drawing(None)
            self.about.setText("No equipment suggested." if not self.model.rowCount() else "")
            return
        self.icon.set_drawing(figure_drawing(self.session, entry.get("illustration")))
        steps = "".join(f"<li>{html.escape(step)}</li>" for step in entry.get("instructions") or ())
        parts = [f"<b>{html.escape(entry['name'])}</b>: {html.escape(str(entry.get('purpose') or ''))}"]
        if steps:
            parts.append(f"<ol>{steps}</ol>")
        if entry.get("detail"):
            parts.append(f"<p><i>{html.escape(entry['detail'])}</i></p>")
        self.about.setText("".join(parts))

    def _status(self, equipment_id: str, status: str | None) -> None:
        edits = set_equipment_status(self.session.edits, equipment_id, status)
        self.session.set_edits(edits, "Equipment decision")


class ReviewPage(QWidget):
    """What was carried over from the last visit and is not reviewed yet, and every decision about something
    this plan no longer contains: confirm one or all, drop one that is about something gone, or go to it."""

    goTo = Signal(object)  # the ReviewEntry to show where it lives

    def __init__(self, session: AssessmentSession, describe_value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What to review")
        self.model = ReviewModel(self, describe_value)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Decisions and values to review")
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.activated.connect(lambda index: self.goTo.emit(index.data(EntryRole)))
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.confirm_button = QPushButton("Co&nfirm")
        self.confirm_all_button = QPushButton("Confirm a&ll")
        self.drop_button = QPushButton("Dro&p decision")
        self.confirm_button.clicked.connect(self._confirm)
        self.confirm_all_button.clicked.connect(self._confirm_all)
        self.drop_button.clicked.connect(self._drop)
        self.page_buttons = _named(self.confirm_button, self.confirm_all_button, self.drop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(self.summary))
        layout.addWidget(self.list, 1)
        self.refresh()

    def refresh(self) -> None:
        entries = self.session.review()
        _keep_current(self.list, KeyRole, lambda: self.model.populate(entries))
        waiting = [entry for entry in entries if entry.to_review]
        gone = [entry for entry in entries if not entry.present]
        visits = sorted({entry.visit for entry in waiting if entry.visit})
        parts = []
        if waiting:
            from planner.dates import format_date

            dates = ", ".join(format_date(v) for v in visits)
            parts.append(
                f"{CARRIED_SIGN} {len(waiting)} decision{'s' if len(waiting) != 1 else ''} and value"
                f"{'s' if len(waiting) != 1 else ''} carried over from the visit of {dates} to review: confirm "
                "them as they are, or change them where they are shown (a change ends the mark). Signing asks "
                "you to confirm what is left."
            )
        if gone:
            parts.append(
                f"{len(gone)} decision{'s are' if len(gone) != 1 else ' is'} about what this plan no longer "
                "contains: kept for a later visit unless you drop it."
            )
        if not parts:
            parts.append("Nothing to review: no decision carried over from an earlier visit waits for you.")
        self.summary.setText(" ".join(parts))
        self._update_buttons()

    def selected(self) -> list[Any]:
        return [index.data(EntryRole) for index in self.list.selectionModel().selectedRows()]

    def _update_buttons(self) -> None:
        editable = not self.session.read_only
        chosen = self.selected()
        self.confirm_button.setEnabled(editable and any(entry.to_review for entry in chosen))
        self.confirm_all_button.setEnabled(editable and any(entry.to_review for entry in self.model.entries()))
        self.drop_button.setEnabled(editable and any(not entry.present for entry in chosen))

    def select(self, key: str) -> bool:
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(KeyRole) == key:
                self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                return True
        return False

    def _confirm(self) -> None:
        keys = [entry.key for entry in self.selected() if entry.to_review]
        if keys:
            self.session.set_edits(confirm_carried(self.session.edits, keys), "Confirm carried-over decisions")

    def _confirm_all(self) -> None:
        self.session.set_edits(confirm_all_carried(self.session.edits), "Confirm everything carried over")

    def _drop(self) -> None:
        edits = self.session.edits
        for entry in self.selected():
            if not entry.present:
                edits = drop_decision(edits, entry.key)
        self.session.set_edits(edits, "Drop decisions about what the plan no longer contains")
