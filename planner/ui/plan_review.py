"""Plan review: alerts on top, then the seven sections; include, exclude (with a reason), edit, reorder and add
items; each item's evidence one click away; sign-off.

The tree is a model (``PlanItemModel``) rebuilt from the session's plan each time it changes; every change a
clinician makes goes back to the session as new PlanEdits through the undo stack.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from planner.assessment.schema import SECTION_KEYS
from planner.dates import format_moment
from planner.edits import (
    add_item,
    check_text,
    exclude_item,
    include_item,
    order_items,
    reword_item,
)
from planner.engine.schedule import window_text
from planner.errors import UserError
from planner.plan.generate import SECTION_TITLES
from planner.plan.text import DRAFT_MARK, HELD_HEADING, held_by_reason, held_title, passage_paragraphs
from planner.ui.colours import ALERT_LEVEL, BANNER
from planner.ui.flow_layout import FlowLayout, flow_policy
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


class PlanItemModel(QStandardItemModel):
    """Alerts, then sections with their items (checked = included; excluded items stay, unchecked)."""

    def populate(self, plan: dict[str, Any] | None, editable: bool) -> None:
        self.clear()
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
            icon = style.standardIcon(QStyle.StandardPixmap.SP_DialogCancelButton)
            for reason, entries in held_by_reason(plan):
                for entry in entries:
                    row = QStandardItem(icon, f"{held_title(entry)}  (held: {reason})")
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

    @staticmethod
    def _item_row(item: dict[str, Any], section: str, included: bool, editable: bool) -> QStandardItem:
        prefix = "✎ " if item.get("edited") else ("✚ " if item.get("source") == "clinician" else "")
        text = prefix + item["title"]
        if item.get("due_on"):
            text += f"  [due {window_text(item['due_on'], item.get('due_until'))}]"
        if not included:
            reason = item.get("reason")
            text += f"  (excluded{': ' + reason if reason else ''})"
        row = QStandardItem(text)
        row.setData(item, EntryRole)
        row.setData(item["id"], ItemIdRole)
        row.setData(section, SectionRole)
        row.setData("item", KindRole)
        row.setEditable(False)
        row.setCheckable(editable)
        row.setCheckState(Qt.CheckState.Checked if included else Qt.CheckState.Unchecked)
        row.setAccessibleText(f"{'Included' if included else 'Excluded'}: {item['title']}")
        if not editable:
            row.setFlags(row.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        return row


class ItemDialog(QDialog):
    """Edit an item's wording, or write a free-text item; texts are checked by the core's rules."""

    def __init__(self, parent: QWidget | None, title: str, detail: str, *, section: str | None = None) -> None:
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
        if section is not None:
            form.addRow("&Section:", self.section)
        form.addRow("&Title:", self.title)
        form.addRow("&Detail:", self.detail)
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


class SignDialog(QDialog):
    """Name and credentials of the signing clinician, each prefilled from the default assessor's."""

    def __init__(self, parent: QWidget | None, name: str = "", credentials: str = "") -> None:
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def evidence_html(entry: dict[str, Any]) -> str:
    """The detail and the cited passages, every text escaped (documents and clinicians write plain text)."""
    held = bool(entry.get("reason") and entry.get("screen"))
    title = held_title(entry) if held else entry.get("title") or entry.get("text", "")
    parts = [f"<h3>{html.escape(title)}</h3>"]
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
    if entry.get("generated"):
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
    """The Plan tab."""

    openPassage = Signal(str, str)  # document id, section heading
    signRequested = Signal()
    amendRequested = Signal()

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
        self.needs = QLabel()
        self.needs.setAccessibleName("What the plan needs")
        self.needs.setWordWrap(True)
        self.needs.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.needs.setMargin(12)
        self.needs.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton("Edit &wording…")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move d&own")
        self.add_button = QPushButton("Add free-te&xt item…")
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
        self.buttons = QWidget()
        flow = FlowLayout(self.buttons)
        for button in (self.edit_button, self.up_button, self.down_button, self.add_button):
            flow.addWidget(button)
        flow.addTrailing(self.amend_button)
        flow.addTrailing(self.sign_button)
        flow_policy(self.buttons)
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self.evidence)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        for pane in (self.tree, self.evidence):  # a short screen: each pane scrolls from three lines up
            pane.setMinimumHeight(pane.fontMetrics().lineSpacing() * 3 + 2 * pane.frameWidth() + 4)
        self.splitter = splitter
        self.body = QStackedWidget()
        self.body.addWidget(splitter)
        self.body.addWidget(self.needs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        layout.addWidget(self.alerts)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.buttons)
        session.planChanged.connect(self.refresh)
        session.changed.connect(self._update_state)
        self.refresh()

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
        self.model.populate(self.session.plan, editable)
        self.model.itemChanged.connect(self._check_changed)
        self.tree.expandAll()
        if not (current and self.select_item(current, scroll=False)):
            self._select_first_item()
        self.tree.verticalScrollBar().setValue(scroll)
        self._show_alerts()
        self._show_needs()
        self._update_state()

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
            self.body.setCurrentWidget(self.splitter)
            return
        from planner.ui.fields import describe, form_order

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
            self.banner.setText(f"✎ {DRAFT_MARK}{version}.{stale}")
            kind = "draft"
        foreground, background = BANNER[kind]
        self.banner.setStyleSheet(f"background:{background}; color:{foreground}; font-weight:bold;")
        editable = not session.read_only and session.plan is not None
        for button in (self.edit_button, self.up_button, self.down_button, self.add_button):
            button.setEnabled(editable)
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
        entry = index.data(EntryRole) if index.isValid() else None
        self.evidence.setHtml(evidence_html(entry) if entry else "")

    def _link(self, url: Any) -> None:
        target = url.toString()
        entry = self.tree.currentIndex().data(EntryRole) if self.tree.currentIndex().isValid() else None
        if entry and target.startswith("passage:") and target[len("passage:") :].isdigit():
            evidence = entry.get("evidence", [])
            index = int(target[len("passage:") :])
            if index < len(evidence):
                self.openPassage.emit(evidence[index].get("document_id", ""), evidence[index]["section"])

    # --- edits ---------------------------------------------------------------------------------------------
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

    def item_dialog(self, title: str, detail: str, section: str | None) -> tuple[str, str, str] | None:
        dialog = ItemDialog(self, title, detail, section=section)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                return dialog.values()
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
        _section, title, detail = result
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
        section, title, detail = result
        edits, item_id = add_item(self.session.edits, section, title, detail)
        self.session.set_edits(edits, "Add free-text item")
        self.select_item(item_id)
