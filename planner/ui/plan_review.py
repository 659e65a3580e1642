"""Plan review: alerts on top, then the plan's pages: the seven sections (include, exclude with a reason, edit,
reorder and add items, each item's patient text and evidence one click away), the home exercise cards, the
equipment, and what to review from the last visit; the next appointment; sign-off.

The lists are models rebuilt from the session's plan each time it changes; every change a clinician makes goes
back to the session as new PlanEdits (one pure function of planner.edits) through the undo stack. What came over
from the last visit and is not reviewed yet is marked on its row (↻, words and colour) until confirmed or changed.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from planner.assessment.schema import SECTION_KEYS
from planner.dates import format_moment
from planner.edits import (
    PlanEdits,
    add_item,
    check_text,
    exclude_item,
    include_item,
    order_items,
    reword_item,
    set_next_appointment,
    set_patient_text,
)
from planner.engine.schedule import next_check_up, window_text
from planner.errors import UserError
from planner.plan.generate import SECTION_TITLES
from planner.plan.text import DRAFT_MARK, HELD_HEADING, held_by_reason, held_title, passage_paragraphs
from planner.ui.binding import CARRIED_STYLE
from planner.ui.colours import ALERT_LEVEL, BANNER, CARRIED
from planner.ui.date_field import DateField
from planner.ui.fields import describe, form_order
from planner.ui.flow_layout import FlowLayout, flow_policy
from planner.ui.plan_models import CARRIED_SIGN, carried_words, marks_of
from planner.ui.plan_pages import EquipmentPage, ExercisesPage, PatientTextBox, ReviewPage, scrolling
from planner.ui.session import AssessmentSession

ItemIdRole = Qt.ItemDataRole.UserRole + 1
SectionRole = Qt.ItemDataRole.UserRole + 2
EntryRole = Qt.ItemDataRole.UserRole + 3  # the plan entry dict (item or alert)
KindRole = Qt.ItemDataRole.UserRole + 4  # "alert", "section", "item"

ALERT_STYLE = {
    "urgent": (QStyle.StandardPixmap.SP_MessageBoxCritical, "URGENT"),
    "caution": (QStyle.StandardPixmap.SP_MessageBoxWarning, "CAUTION"),
    "info": (QStyle.StandardPixmap.SP_MessageBoxInformation, "INFO"),
}
"""Each alert level's icon and word (its colours are in planner.ui.colours.ALERT_LEVEL)."""
NARROW_WIDTH = 720
"""Below this width (logical pixels) the detail pane goes under the plan list instead of beside it."""
ITEM_DECISIONS = ("excluded", "wording", "patient_text", "added")
"""The kinds of carried decisions about a plan item (planner.edits.DECISION_KINDS)."""


class PlanItemModel(QStandardItemModel):
    """Alerts, then sections with their items (checked = included; excluded items stay, unchecked)."""

    def populate(self, plan: dict[str, Any] | None, editable: bool, edits: PlanEdits | None = None) -> None:
        self.clear()
        self._edits = edits or PlanEdits()
        self.setHorizontalHeaderLabels(["Plan"])
        if not plan:
            return
        root = self.invisibleRootItem()
        bold = QFont()
        bold.setBold(True)
        style = QApplication.style()
        if plan["alerts"]:
            alerts = QStandardItem(f"Alerts ({len(plan['alerts'])})")
            alerts.setData("alerts", KindRole)
            alerts.setEditable(False)
            alerts.setFont(bold)
            for alert in plan["alerts"]:
                icon, label = ALERT_STYLE[alert["level"]]
                row = QStandardItem(style.standardIcon(icon), f"{label}: {alert['text']}")
                row.setData(alert, EntryRole)
                row.setData("alert", KindRole)
                row.setData(alert["id"], ItemIdRole)
                row.setEditable(False)
                alerts.appendRow(row)
            root.appendRow(alerts)
        if plan.get("held"):
            held = QStandardItem(f"{HELD_HEADING} ({len(plan['held'])})")
            held.setData("held-group", KindRole)
            held.setEditable(False)
            held.setFont(bold)
            held_icon = style.standardIcon(QStyle.StandardPixmap.SP_DialogCancelButton)
            for reason, entries in held_by_reason(plan):
                for entry in entries:
                    row = QStandardItem(held_icon, f"{held_title(entry)}  (held: {reason})")
                    row.setData(entry, EntryRole)
                    row.setData("held", KindRole)
                    row.setData(entry["id"], ItemIdRole)  # so a refresh keeps it current, like any row
                    row.setEditable(False)
                    row.setAccessibleText(f"Held back: {held_title(entry)}. Reason: {reason}")
                    held.appendRow(row)
            root.appendRow(held)
        excluded = {e["id"]: e for e in plan.get("excluded", [])}
        for section in plan["sections"]:
            head = QStandardItem(f"{section['title']} ({len(section['items'])})")
            head.setData("section", KindRole)
            head.setData(section["key"], SectionRole)
            head.setEditable(False)
            head.setFont(bold)
            for item in section["items"]:
                head.appendRow(self._item_row(item, section["key"], True, editable))
            for entry in excluded.values():
                if entry["section"] == section["key"]:
                    head.appendRow(self._item_row(entry, section["key"], False, editable))
            root.appendRow(head)

    def _item_row(self, item: dict[str, Any], section: str, included: bool, editable: bool) -> QStandardItem:
        prefix = "✎ " if item.get("edited") else ("✚ " if item.get("source") == "clinician" else "")
        marks = marks_of(self._edits, item["id"], ITEM_DECISIONS)
        if marks:
            prefix = f"{CARRIED_SIGN} {prefix}"
        text = prefix + item["title"]
        if item.get("due_on"):
            text += f"  [due {window_text(item['due_on'], item.get('due_until'))}]"
        if not included:
            reason = item.get("reason")
            text += f"  (excluded{': ' + reason if reason else ''})"
        if marks:
            text += f"  ({carried_words(marks[0])})"
        row = QStandardItem(text)
        if marks:
            foreground, background = CARRIED["review"]
            row.setForeground(QBrush(QColor(foreground)))
            row.setBackground(QBrush(QColor(background)))
        row.setData(item, EntryRole)
        row.setData(item["id"], ItemIdRole)
        row.setData(section, SectionRole)
        row.setData("item", KindRole)
        row.setEditable(False)
        row.setCheckable(editable)
        row.setCheckState(Qt.CheckState.Checked if included else Qt.CheckState.Unchecked)
        row.setAccessibleText(
            f"{'Included' if included else 'Excluded'}: {item['title']}"
            + (f" ({carried_words(marks[0])})" if marks else "")
        )
        if not editable:
            row.setFlags(row.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        return row


class ItemDialog(QDialog):
    """Edit an item's wording, or write a free-text item; texts are checked by the core's rules."""

    def __init__(
        self, parent: QWidget | None, title: str, detail: str, *, section: str | None = None, handout: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan item")
        form = QFormLayout(self)
        self.section = QComboBox()
        for key in SECTION_KEYS:
            self.section.addItem(SECTION_TITLES[key], key)
        if section:
            self.section.setCurrentIndex(self.section.findData(section))
        self.section.setVisible(section is not None)
        self.section.setAccessibleName("Section")
        self.title = QLineEdit(title)
        self.title.setAccessibleName("Item title")
        self.detail = QPlainTextEdit(detail)
        self.detail.setAccessibleName("Item detail")
        self.detail.setTabChangesFocus(True)
        self.handout = QPlainTextEdit(handout)
        self.handout.setAccessibleName("Patient text for the handout")
        self.handout.setPlaceholderText("What the patient reads on the handout (none: not on the handout)")
        self.handout.setTabChangesFocus(True)
        if section is not None:
            form.addRow("&Section:", self.section)
        form.addRow("&Title:", self.title)
        form.addRow("&Detail:", self.detail)
        if section is not None:  # a free-text item: its patient text is written here (a document item's in the plan)
            form.addRow("&Patient text:", self.handout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, str, str]:
        return (
            str(self.section.currentData()),
            check_text("title", self.title.text(), required=True),
            check_text("detail", self.detail.toPlainText(), required=False),
        )

    def patient_text(self) -> str:
        return check_text("patient text", self.handout.toPlainText(), required=False)


def carried_question(edits: PlanEdits) -> str:
    """The sign dialog's line about what came over from the last visit and is not reviewed yet ("" when none)."""
    from planner.dates import format_date
    from planner.edits import unconfirmed

    waiting = unconfirmed(edits)
    if not waiting:
        return ""
    visits = ", ".join(format_date(visit) for visit in sorted({mark.visit for mark in waiting.values()}))
    count = len(waiting)
    return (
        f"Con&firm the {count} decision{'s' if count != 1 else ''} and value{'s' if count != 1 else ''} carried "
        f"over from the visit of {visits}, as the plan and the assessment show them"
    )


class SignDialog(QDialog):
    """Name and credentials of the signing clinician, each prefilled from the default assessor's."""

    def __init__(self, parent: QWidget | None, name: str = "", credentials: str = "", carried: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign the plan")
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "Signing stores this version read-only with the date and time.\n"
                "Later changes start a new draft version."
            )
        )
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Clinician name")
        self.credentials = QLineEdit(credentials)
        self.credentials.setAccessibleName("Credentials")
        self.credentials.setPlaceholderText("e.g. PT, DPT")
        form.addRow("&Name:", self.name)
        form.addRow("&Credentials:", self.credentials)
        # Carried-over decisions not reviewed yet: signing confirms them only when the clinician says so here.
        self.confirm_carried = QCheckBox(carried)
        self.confirm_carried.setVisible(bool(carried))
        self.confirm_carried.setAccessibleName("Confirm what was carried over")
        form.addRow(self.confirm_carried)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        sign = buttons.button(QDialogButtonBox.StandardButton.Ok)
        sign.setText("Sign")
        if carried:
            sign.setEnabled(False)
            self.confirm_carried.toggled.connect(sign.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._asks = bool(carried)

    def confirms_carried(self) -> bool:
        """The clinician ticked the box confirming what came over. Read after the dialog closed: the box is hidden
        with it then, so its visibility says nothing (reading it once left every carried mark unconfirmed and
        the dialog coming back with the refusal)."""
        return self._asks and self.confirm_carried.isChecked()


def evidence_html(entry: dict[str, Any], carried: str = "") -> str:
    """The detail and the cited passages, every text escaped (documents and clinicians write plain text).
    ``carried``: what of this item came over from the last visit and waits for review, in words. An excluded
    item (``excluded``: its reason, "" when none) shows why it is out above its detail."""
    held = bool(entry.get("reason") and entry.get("screen"))
    title = held_title(entry) if held else entry.get("title") or entry.get("text", "")
    parts = [f"<h3>{html.escape(title)}</h3>"]
    if carried:
        text, background = CARRIED["review"]
        parts.append(
            f"<p style='color:{text}; background:{background}'>{CARRIED_SIGN} {html.escape(carried)}. Confirm it on "
            "the Review tab, or change it here.</p>"
        )
    if "excluded" in entry:
        reason = entry["excluded"]
        parts.append(
            f"<p><b>Excluded from this plan</b>{': ' + html.escape(reason) if reason else ''}. "
            "<i>Tick the item to include it again.</i></p>"
        )
    if held:
        parts.append(
            f"<p><b>{html.escape(HELD_HEADING)}:</b> {html.escape(entry['reason'])}. "
            "<i>Not offered in this plan while this holds.</i></p>"
        )
    if entry.get("detail"):
        parts.append(f"<p>{html.escape(entry['detail'])}</p>")
    if entry.get("due_on"):
        when = window_text(entry["due_on"], entry.get("due_until"))
        parts.append(f"<p><b>Due:</b> {html.escape(when)} ({html.escape(entry.get('due_rule', ''))})</p>")
    if (entry.get("generated") or {}).get("title"):  # reworded (a patient text of the clinician's alone: none)
        parts.append(f"<p><i>Generated wording:</i> {html.escape(entry['generated']['title'])}</p>")
    if entry.get("source") == "clinician":
        parts.append("<p><i>Added by the clinician.</i></p>")
    for number, evidence in enumerate(entry.get("evidence", []), start=1):
        link = f"passage:{number - 1}"  # an index into the entry's evidence, resolved by PlanReview._link
        quoted = "".join(
            f"<p style='margin-left:14px; margin-top:0; margin-bottom:6px'>{html.escape(paragraph)}</p>"
            for paragraph in passage_paragraphs(evidence["text"])
        )
        parts.append(
            f"<h4>[{number}] {html.escape(evidence['document'])}, version {html.escape(evidence.get('version', ''))}"
            f" — {html.escape(evidence['section'])}</h4>"
            f"{quoted}"
            f'<p><a href="{html.escape(link)}">Open in the document library</a></p>'
        )
    return "".join(parts)


class PlanReview(QWidget):
    """The Plan tab: the banner and alerts, then a page each for the plan items, the home exercises, the
    equipment and what to review; the next appointment and the sign-off below."""

    openPassage = Signal(str, str)  # document id, section heading
    signRequested = Signal()
    amendRequested = Signal()
    showField = Signal(str)  # an assessment field's path, to go to on the Assessment tab
    problem = Signal(str)  # a change refused, in words

    def __init__(self, session: AssessmentSession, parent: QWidget | None = None, *, day_first: bool = True) -> None:
        super().__init__(parent)
        self.session = session
        self.day_first = day_first
        self.banner = QLabel()
        self.banner.setAccessibleName("Plan status")
        self.banner.setWordWrap(True)
        self.banner.setMargin(6)
        self.alerts = QLabel()
        self.alerts.setAccessibleName("Alerts")
        self.alerts.setWordWrap(True)
        self.alerts.setTextFormat(Qt.TextFormat.RichText)
        self.model = PlanItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Plan items")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.selectionModel().currentChanged.connect(self._show_current)
        self.model.itemChanged.connect(self._check_changed)
        self.evidence = QTextBrowser()
        self.evidence.setAccessibleName("Item detail and evidence")
        self.evidence.setOpenLinks(False)
        self.evidence.anchorClicked.connect(self._link)
        self.patient_text = PatientTextBox()
        self.patient_text.applyRequested.connect(self._set_patient_text)
        # The evidence above the patient text, each scrolling on its own: a short screen keeps both in reach.
        detail = QSplitter(Qt.Orientation.Vertical)
        detail.addWidget(self.evidence)
        detail.addWidget(scrolling(self.patient_text, lines=1))
        detail.setStretchFactor(0, 1)
        detail.setStretchFactor(1, 1)
        detail.setSizes([240, 200])
        detail.setChildrenCollapsible(False)
        self.needs = QLabel()
        self.needs.setAccessibleName("What the plan needs")
        self.needs.setWordWrap(True)
        self.needs.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.needs.setMargin(12)
        self.needs.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton("Edit &wording…")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move d&own")
        self.add_button = QPushButton("A&dd free-text item…")
        self.sign_button = QPushButton("&Sign plan…")
        self.amend_button = QPushButton("A&mend (new draft version)")
        for button, handler in (
            (self.edit_button, self._edit),
            (self.up_button, lambda: self._move(-1)),
            (self.down_button, lambda: self._move(+1)),
            (self.add_button, self._add),
            (self.sign_button, self.signRequested.emit),
            (self.amend_button, self.amendRequested.emit),
        ):
            button.clicked.connect(handler)
            button.setAccessibleName(button.text().replace("&", ""))
        self.next_appointment = DateField(day_first=day_first)
        self.next_appointment.edit.setAccessibleName("Next appointment")
        self.next_appointment.edit.setPlaceholderText("none set")
        self.next_appointment.edit.editingFinished.connect(self._set_next_appointment)
        self.next_appointment.calendar.clicked.connect(lambda _day: self._set_next_appointment())
        self.next_appointment.calendar.activated.connect(lambda _day: self._set_next_appointment())
        self.next_appointment.edit.returnPressed.connect(self._accept_suggested_appointment)
        self.next_appointment.edited.connect(lambda _value: self._show_suggestion(None))
        self.accept_appointment = QPushButton("Use this date")
        self.accept_appointment.setAccessibleName("Use the suggested next appointment")
        self.accept_appointment.setToolTip("Make the suggested date the next appointment the handout gives (Enter)")
        self.accept_appointment.clicked.connect(self._accept_suggested_appointment)
        self.accept_appointment.setVisible(False)
        self._suggested: str | None = None
        """The date shown in the next-appointment field as the follow-up schedule's suggestion, not yet decided."""
        next_label = QLabel("Ne&xt appointment:")
        next_label.setBuddy(self.next_appointment.edit)
        self.item_buttons = [self.edit_button, self.up_button, self.down_button, self.add_button]
        self.buttons = QWidget()
        flow = FlowLayout(self.buttons)
        self._button_row = flow
        self._next_label = next_label
        flow.addTrailing(self.amend_button)
        flow.addTrailing(self.sign_button)
        flow_policy(self.buttons)
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        for pane in (self.tree, self.evidence):  # a short screen: each pane scrolls from three lines up
            pane.setMinimumHeight(pane.fontMetrics().lineSpacing() * 3 + 2 * pane.frameWidth() + 4)
        self.splitter = splitter
        items_page = splitter
        self.exercises = ExercisesPage(session)
        self.exercises.problem.connect(self.problem.emit)
        self.equipment = EquipmentPage(session)
        from planner.ui.fields import label_for, value_words

        def in_words(entry: Any) -> tuple[str, str]:
            path = tuple(entry.target.split("."))
            return label_for(entry.target), value_words(entry.target, session.value(path))

        self.review = ReviewPage(session, in_words)
        self.review.goTo.connect(self.go_to)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.setAccessibleName("Plan pages")
        self.pages.addTab(items_page, "Plan &items")
        self.pages.addTab(self.exercises, "Home exer&cises")
        self.pages.addTab(self.equipment, "E&quipment")
        self.pages.addTab(self.review, "&Review")
        # One row of buttons below the pages: the current page's, then the next appointment, amend and sign.
        self.page_buttons = {
            items_page: self.item_buttons,
            self.exercises: self.exercises.page_buttons,
            self.equipment: [],
            self.review: self.review.page_buttons,
        }
        for button in (button for group in self.page_buttons.values() for button in group):
            self._button_row.addWidget(button)
        self.pages.currentChanged.connect(self._show_page_buttons)
        self._show_page_buttons()
        self.body = QStackedWidget()
        self.body.addWidget(self.pages)
        self.body.addWidget(self.needs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        top = QHBoxLayout()  # the plan's state, and the date the handout gives as the next appointment
        top.setSpacing(6)
        top.addWidget(self.banner, 1)
        top.addWidget(self._next_label)
        top.addWidget(self.next_appointment)
        top.addWidget(self.accept_appointment)
        layout.addLayout(top)
        layout.addWidget(self.alerts)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.buttons)
        session.planChanged.connect(self.refresh)
        session.changed.connect(self._update_state)
        self.refresh()
        if any(entry.to_review for entry in self.review.model.entries()):
            self.pages.setCurrentWidget(self.review)  # a new visit: what came over from the last one, first

    def _show_page_buttons(self, *_ignored: object) -> None:
        current = self.pages.currentWidget()
        for page, buttons in self.page_buttons.items():
            for button in buttons:
                button.setVisible(page is current)
        layout = self.buttons.layout()
        if layout is not None:
            layout.invalidate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow (a small or zoomed screen), the detail pane goes under the list rather than off screen."""
        wanted = Qt.Orientation.Horizontal if event.size().width() >= NARROW_WIDTH else Qt.Orientation.Vertical
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)
        super().resizeEvent(event)

    # --- display -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild the list from the plan; the item that was current stays current and the list keeps its
        scroll position (excluding an item must not throw the clinician back to the top)."""
        current = self._current_id()
        scroll = self.tree.verticalScrollBar().value()
        editable = not self.session.read_only
        self.model.itemChanged.disconnect(self._check_changed)
        self.model.populate(self.session.plan, editable, self.session.edits)
        self.model.itemChanged.connect(self._check_changed)
        self.tree.expandAll()
        if not (current and self.select_item(current, scroll=False)):
            self._select_first_item()
        self.tree.verticalScrollBar().setValue(scroll)
        self._show_current(self.tree.currentIndex(), QModelIndex())
        self._show_alerts()
        self._show_needs()
        self.exercises.refresh()
        self.equipment.refresh()
        self.review.refresh()
        waiting = sum(entry.to_review for entry in self.review.model.entries())
        self.pages.setTabText(self.pages.indexOf(self.review), f"&Review ({waiting})" if waiting else "&Review")
        if not self.next_appointment.edit.hasFocus():
            self._show_next_appointment()
        self._update_state()

    @staticmethod
    def today() -> date:
        return date.today()

    def _show_next_appointment(self) -> None:
        """The clinician's next appointment; without one, on a draft, the plan's next dated check-up still ahead,
        shown as a suggestion (tinted, in italics, with "Use this date") that becomes the appointment only when
        the clinician accepts it or sets a date of their own. The handout prints that check-up meanwhile."""
        plan = self.session.plan or {}
        chosen = plan.get("next_appointment")
        suggested = None
        if plan and not chosen and not self.session.read_only:
            check_up = next_check_up(plan, self.today())
            if check_up and date.fromisoformat(check_up.due_on) >= self.today():  # an open window has no one date
                suggested = check_up.due_on
        self.next_appointment.set_value(chosen or suggested)
        self._show_suggestion(suggested)

    def _show_suggestion(self, suggested: str | None) -> None:
        self._suggested = suggested
        edit = self.next_appointment.edit
        font = edit.font()
        font.setItalic(suggested is not None)
        edit.setFont(font)
        edit.setStyleSheet(f"QLineEdit {{ {CARRIED_STYLE} }}" if suggested else "")
        self.accept_appointment.setVisible(suggested is not None)
        words = (
            "Suggested from the follow-up schedule: the next check-up the plan dates. Press Enter or “Use this "
            "date” to make it the appointment, or type or pick another date."
            if suggested
            else ""
        )
        edit.setToolTip(words)  # a decided date keeps no word of the suggestion
        edit.setAccessibleDescription(words)

    def _show_alerts(self) -> None:
        plan = self.session.plan or {"alerts": []}
        rows = []
        for alert in plan["alerts"]:
            _icon, label = ALERT_STYLE[alert["level"]]
            foreground, background = ALERT_LEVEL[alert["level"]]
            rows.append(
                f"<div style='background:{background}; color:{foreground}; padding:4px; margin:1px'>"
                f"<b>⚠ {label}</b> — {html.escape(alert['text'])}</div>"
            )
        self.alerts.setText("".join(rows))
        self.alerts.setVisible(bool(rows))

    def _show_needs(self) -> None:
        """Before a first valid entry there is no plan: say what the assessment still needs, in the form's
        words, instead of an empty list."""
        if self.session.plan is not None:
            self.body.setCurrentWidget(self.pages)
            return
        needed = "".join(
            f"<li>{html.escape(describe(issue, day_first=self.day_first))}</li>"
            for issue in sorted(self.session.issues, key=form_order)
        )
        self.needs.setText(
            "<p><b>No plan yet.</b> The plan is drafted as soon as the assessment has what it needs:</p>"
            f"<ul>{needed}</ul><p>Record these on the Assessment tab (Ctrl+1).</p>"
        )
        self.body.setCurrentWidget(self.needs)

    def _update_state(self) -> None:
        session = self.session
        record = session.record
        if record is not None and record.signed and session.read_only:
            when = format_moment(record.signed_at) if record.signed_at else ""
            self.banner.setText(
                f"✔ SIGNED — version {record.version} by {record.signer}, {record.signer_credentials}"
                f", {when}. Read-only."
            )
            kind = "signed"
        elif session.read_only:
            self.banner.setText("Read-only (an earlier version).")
            kind = "earlier"
        else:
            version = f" — version {record.version}" if record else " — not saved yet"
            stale = ""
            if not session.plan_is_current and session.plan is not None:
                count = len(session.issues)
                stale = (
                    f"  The plan shows the last valid entry: {count} problem{'s' if count != 1 else ''} to fix on the "
                    "Assessment tab."
                )
            waiting = sum(entry.to_review for entry in self.review.model.entries())
            carried = f"  {CARRIED_SIGN} {waiting} carried over from the last visit to review." if waiting else ""
            self.banner.setText(f"✎ {DRAFT_MARK}{version}.{stale}{carried}")
            kind = "draft"
        foreground, background = BANNER[kind]
        self.banner.setStyleSheet(f"background:{background}; color:{foreground}; font-weight:bold;")
        editable = not session.read_only and session.plan is not None
        for button in (self.edit_button, self.up_button, self.down_button, self.add_button):
            button.setEnabled(editable)
        self.next_appointment.setReadOnly(not editable)
        self.sign_button.setEnabled(editable and session.plan_is_current)
        self.amend_button.setVisible(session.signed and session.read_only)

    def _select_first_item(self) -> None:
        """Show something useful in the evidence pane from the start: the first alert or item."""
        for row in range(self.model.rowCount()):
            section = self.model.item(row)
            if section.rowCount():
                self.tree.setCurrentIndex(section.child(0).index())
                return

    def _current_id(self) -> str | None:
        index = self.tree.currentIndex()
        return index.data(ItemIdRole) if index.isValid() else None

    def select_item(self, item_id: str, *, scroll: bool = True) -> bool:
        for section_row in range(self.model.rowCount()):
            section = self.model.item(section_row)
            for row in range(section.rowCount()):
                if section.child(row).data(ItemIdRole) == item_id:
                    index = section.child(row).index()
                    self.tree.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                    if scroll:
                        self.tree.scrollTo(index)
                    return True
        return False

    def _show_current(self, index: QModelIndex, _previous: QModelIndex) -> None:
        entry: dict[str, Any] | None = index.data(EntryRole) if index.isValid() else None
        is_item = entry is not None and index.data(KindRole) == "item"
        included = is_item and Qt.CheckState(index.data(Qt.ItemDataRole.CheckStateRole)) == Qt.CheckState.Checked
        shown = entry
        carried = ""
        if entry is not None and is_item:
            if not included:  # the plan lists an excluded item by id, title and reason: its detail from the draft
                shown = {**self._drafted_item(entry["id"]), **entry, "excluded": entry.get("reason") or ""}
                shown.pop("reason", None)
            marks = marks_of(self.session.edits, entry["id"], ITEM_DECISIONS)
            words = carried_words(marks[0]) if marks else ""
            carried = words[:1].upper() + words[1:]
        self.evidence.setHtml(evidence_html(shown, carried) if shown else "")
        self.patient_text.show_item(entry if included else None, not self.session.read_only)

    def _drafted_item(self, item_id: str) -> dict[str, Any]:
        """An item as the documents drafted it (before the clinician's decisions), or {} when not drafted."""
        for section in (self.session.content or {}).get("sections", ()):
            for item in section["items"]:
                if item["id"] == item_id:
                    return item
        return {}

    def _link(self, url: Any) -> None:
        target = url.toString()
        entry = self.tree.currentIndex().data(EntryRole) if self.tree.currentIndex().isValid() else None
        if entry and target.startswith("passage:") and target[len("passage:") :].isdigit():
            evidence = entry.get("evidence", [])
            index = int(target[len("passage:") :])
            if index < len(evidence):
                self.openPassage.emit(evidence[index].get("document_id", ""), evidence[index]["section"])

    def go_to(self, entry: Any) -> None:
        """Show where a decision to review lives: its item, card or equipment row, or its assessment field."""
        kind, target = entry.kind, entry.target
        if kind == "value":
            self.showField.emit(target)
        elif kind in ITEM_DECISIONS:
            self.pages.setCurrentIndex(0)
            self.select_item(target)
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        elif kind in ("exercise_excluded", "exercise_added", "dosage", "exercise_order"):
            self.pages.setCurrentWidget(self.exercises)
            self.exercises.select(target)
            self.exercises.list.setFocus(Qt.FocusReason.OtherFocusReason)
        elif kind == "equipment":
            self.pages.setCurrentWidget(self.equipment)
            self.equipment.select(target)
            self.equipment.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- edits ---------------------------------------------------------------------------------------------
    def _set_patient_text(self, item_id: str, text: str | None) -> None:
        try:
            edits = set_patient_text(self.session.edits, item_id, text)
        except UserError as exc:
            self.problem.emit(str(exc))
            return
        self.session.set_edits(edits, "Set patient text" if text else "Use the generated patient text")

    def _accept_suggested_appointment(self) -> None:
        if self._suggested is not None and self.next_appointment.value() == self._suggested:
            self._show_suggestion(None)
            self._set_next_appointment()

    def _set_next_appointment(self) -> None:
        if self.session.read_only:
            return
        value = self.next_appointment.value()
        if value == (self.session.plan or {}).get("next_appointment"):
            return
        if self._suggested is not None and value == self._suggested:
            return  # leaving the suggestion as it stands decides nothing
        try:
            edits = set_next_appointment(self.session.edits, value)
        except UserError as exc:
            self.problem.emit(str(exc))
            return
        self.session.set_edits(edits, "Set the next appointment")

    def ask_reason(self, title: str) -> tuple[str, bool]:
        """Optional reason for excluding an item (a method so tests can answer it)."""
        return QInputDialog.getText(self, "Exclude item", f"Reason for excluding “{title}” (optional):")

    def _check_changed(self, row: QStandardItem) -> None:
        if row.data(KindRole) != "item":
            return
        item_id = row.data(ItemIdRole)
        if row.checkState() == Qt.CheckState.Unchecked:
            reason, ok = self.ask_reason(row.data(EntryRole)["title"])
            if not ok:
                self.refresh()
                return
            self.session.set_edits(exclude_item(self.session.edits, item_id, reason), "Exclude item")
        else:
            self.session.set_edits(include_item(self.session.edits, item_id), "Include item")

    def item_dialog(self, title: str, detail: str, section: str | None) -> tuple[str, ...] | None:
        """The item's section, title and detail (and, for a free-text item, its patient text), or None."""
        dialog = ItemDialog(self, title, detail, section=section)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                values = dialog.values()
                return (*values, dialog.patient_text()) if section is not None else values
            except UserError as exc:
                dialog.setWindowTitle(str(exc))
        return None

    def _edit(self) -> None:
        index = self.tree.currentIndex()
        if not index.isValid() or index.data(KindRole) != "item":
            return
        entry = index.data(EntryRole)
        result = self.item_dialog(entry["title"], entry.get("detail", ""), None)
        if result is None:
            return
        _section, title, detail, *_rest = result
        self.session.set_edits(reword_item(self.session.edits, entry["id"], title, detail), "Edit item wording")

    def _move(self, step: int) -> None:
        index = self.tree.currentIndex()
        if not index.isValid() or index.data(KindRole) != "item":
            return
        section = index.data(SectionRole)
        parent = self.model.itemFromIndex(index.parent())
        ids = [
            parent.child(r).data(ItemIdRole)
            for r in range(parent.rowCount())
            if parent.child(r).checkState() == Qt.CheckState.Checked
        ]
        item_id = index.data(ItemIdRole)
        if item_id not in ids:
            return
        position = ids.index(item_id)
        target = position + step
        if not 0 <= target < len(ids):
            return
        ids[position], ids[target] = ids[target], ids[position]
        self.session.set_edits(order_items(self.session.edits, section, ids), "Move item")
        self.select_item(item_id)

    def _add(self) -> None:
        index = self.tree.currentIndex()
        section = (index.data(SectionRole) if index.isValid() else None) or "pt"
        result = self.item_dialog("", "", section)
        if result is None:
            return
        section, title, detail, *handout = result
        edits, item_id = add_item(self.session.edits, section, title, detail, handout[0] if handout else "")
        self.session.set_edits(edits, "Add free-text item")
        self.select_item(item_id)
