"""The document library window: browse, read, search, import, enable/disable and remove guidance documents.

Everything that changes the library goes through :mod:`planner.library.store`, which checks the whole library
before writing; this window only shows the outcome. A document is shown as a clinician would read it: the
Markdown is rendered with raw HTML switched off, and no resource (image, stylesheet) is ever loaded, so an
imported file cannot reach the network or inject markup. Modal dialogs sit behind small methods
(``_choose_files``, ``_confirm``, ``_show_error``) so tests replace them and never block.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeySequence,
    QPalette,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from planner.errors import DocumentError, UserError
from planner.library.parser import Recommendation, parse_document
from planner.library.search import search_passages
from planner.library.store import get_document, import_documents, remove_document
from planner.models import Document
from planner.storage.database import Database
from planner.ui.background import Background, failure_text
from planner.ui.html_delegate import HtmlItemDelegate
from planner.ui.library.models import (
    ContributionTableModel,
    DocumentIdRole,
    DocumentTableModel,
    HeadingRole,
    ItemHtmlRole,
    SearchResultModel,
    SortRole,
)

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
"""Long enough that a fast typist runs one query per pause, short enough to feel live."""
SEARCH_LIMIT = 100
SETTINGS_IMPORT_FOLDER = "library/importFolder"
DOCUMENT_FILTER = "Guidance documents (*.md)"
MARKDOWN_FEATURES = QTextDocument.MarkdownFeature.MarkdownDialectGitHub | QTextDocument.MarkdownFeature.MarkdownNoHTML
"""GitHub Markdown (tables) with raw HTML shown as text: a document can never become markup."""
MAX_LISTED_PROBLEMS = 200

_BLOCK_OPEN = re.compile(r"^:::\s*(\S+)(?:\s+(\S+))?\s*$")
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


# -- rendering a document as readable Markdown ---------------------------------------------------------------


def md_escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation character so document values render as the literal text."""
    return _MD_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def md_code(text: str, *, in_table: bool = False) -> str:
    """An inline code span that holds ``text`` literally, whatever backticks it contains.

    In a table cell a pipe must be escaped even inside a code span (GitHub tables split cells first).
    """
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def _code_block(lines: Sequence[str]) -> list[str]:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]


def _recommendation_markdown(name: str, rec: Recommendation | None, raw: Sequence[str]) -> list[str]:
    """A recommendation block as a small card a clinician can read; the raw block if it cannot be read."""
    if rec is None:
        return [f"**Recommendation** {md_code(name)}", "", *_code_block(raw)]
    target = md_escape(rec.target) + (f" ({md_escape(rec.level)})" if rec.level else "")
    lines = [
        f"**Recommendation** {md_code(rec.id, in_table=True)} → **{target}**, order {rec.order}",
        f"When: {md_code(rec.when, in_table=True)}",
    ]
    lines.append(f"*{md_escape(rec.title)}*")
    if rec.detail:
        lines.append(md_escape(rec.detail))
    if rec.handout:
        lines.append(f"Handout: {md_escape(rec.handout)}")
    for doc_id, heading, _line in rec.cites:
        lines.append(f"Cites: {md_escape(doc_id)} § {md_escape(heading)}")
    # A one-column table: Qt draws it as a bordered, padded card, so each recommendation reads as one unit.
    return [f"| {lines[0]} |", "| --- |", *(f"| {line} |" for line in lines[1:])]


def document_markdown(body: str) -> str:
    """The document body as Markdown Qt can render: header removed, fenced blocks made readable.

    Blocks are found the way the parser finds them (a line starting ``:::`` up to a line ``:::``) so what
    the reader sees matches what the planner evaluates. The document's own ``# Title`` line is dropped
    because the window shows the title above the text.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() == "---":
                start = index + 1
                break
    try:
        recommendations = {rec.line: rec for rec in parse_document(body, "document").recommendations}
    except UserError:
        recommendations = {}  # stored documents always parse; show raw blocks rather than fail
    out: list[str] = []
    dropped_title = False
    index = start
    while index < len(lines):
        line = lines[index]
        if not dropped_title and line.startswith("# "):
            dropped_title = True
            index += 1
            continue
        if not line.startswith(":::"):
            out.append(line)
            index += 1
            continue
        end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == ":::"), len(lines))
        raw = lines[index + 1 : end]
        match = _BLOCK_OPEN.match(line.strip())
        kind, name = (match.group(1), match.group(2) or "") if match else ("", "")
        out.append("")
        if kind == "recommendation":
            out += _recommendation_markdown(name, recommendations.get(index + 1), raw)
        elif kind == "table":
            out += [f"**Table** {md_code(name)}", "", *(row.strip() for row in raw if row.strip())]
        elif kind == "finding":
            out += [f"**Finding** {md_code(name)}", "", *_code_block([row for row in raw if row.strip()])]
        else:
            out += _code_block(lines[index : end + 1])
        out.append("")
        index = end + 1
    return "\n".join(out)


def section_headings(body: str) -> list[str]:
    """The ``## `` section headings in document order (what evidence links cite)."""
    return [line[3:].strip() for line in body.replace("\r\n", "\n").split("\n") if line.startswith("## ")]


# -- widgets -------------------------------------------------------------------------------------------------


class DocumentBrowser(QTextBrowser):
    """A read-only view that loads no resource at all: documents are text, and the app works offline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blocked_resources: list[str] = []
        self.setOpenLinks(False)
        self.setAcceptDrops(False)
        self.anchorClicked.connect(self._follow_link)

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        url = name.toString() if isinstance(name, QUrl) else name
        if url not in self.blocked_resources and len(self.blocked_resources) < 100:  # asked again on every paint
            self.blocked_resources.append(url)
            log.debug("blocked a document resource: %s", url)
        return None

    def _follow_link(self, url: QUrl) -> None:
        """Web links open in the browser only when clicked; anything else (file:, custom schemes) is ignored."""
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
        elif not url.scheme() and url.fragment():
            self.scrollToAnchor(url.fragment())


class ProblemDialog(QDialog):
    """A refusal with its reasons, one per line, as plain text (never rendered as markup) and copyable."""

    def __init__(self, summary: str, details: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Document library")
        self.setAccessibleName("Document library problem")
        layout = QVBoxLayout(self)
        label = QLabel(summary)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setAccessibleName("Summary")
        layout.addWidget(label)
        if details:
            text = QPlainTextEdit("\n".join(details))
            text.setReadOnly(True)
            text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            text.setAccessibleName("Problems")
            text.setMinimumSize(520, 160)
            layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class LibraryWindow(QWidget):
    """Browse, search and manage the guidance documents that plans are built from."""

    libraryChanged = Signal()
    """Emitted after an import, a removal, or enabling/disabling a document: plans should regenerate."""

    def __init__(self, database: Database, parent: QWidget | None = None, *, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._settings = settings  # None: the application's QSettings, opened when the import dialog opens
        self._shown_id: str | None = None
        self._heading_anchors: dict[str, str] = {}
        self._search_job: Background | None = None
        self._search_waiting: tuple[str, bool] | None = None  # the newest query, while a search runs
        self._focus_results = False
        self.setWindowTitle("Document library")
        self.setAccessibleName("Document library")
        self.setAcceptDrops(True)

        self.document_model = DocumentTableModel(database, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.document_model)
        self.proxy.setSortRole(SortRole)
        self.contribution_model = ContributionTableModel(database, self)
        self.search_model = SearchResultModel(self)

        self._build_widgets()
        self._build_layout()
        self._connect()

        self.documents_view.sortByColumn(DocumentTableModel.TITLE, Qt.SortOrder.AscendingOrder)
        if self.proxy.rowCount():
            self.documents_view.selectRow(0)
        self._update_actions()

    # -- construction --------------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.import_button = QPushButton("Import…")
        self.import_button.setAccessibleName("Import documents")
        self.import_button.setToolTip("Add guidance documents (.md files); you can also drop files on this window")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove document")
        self.remove_button.setToolTip("Remove the selected imported document (Delete)")
        self.toggle_button = QPushButton("Disable")
        self.toggle_button.setAccessibleName("Disable document")
        self.toggle_button.setToolTip("Enabled documents contribute to plans and search results")

        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Search all passages")
        self.search_field.setAccessibleName("Search all passages")
        self.search_field.setToolTip("Search the text of every enabled document (Ctrl+F)")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAcceptDrops(False)  # dropped files go to the window's import
        self.search_field.setMinimumWidth(240)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)

        view = QTableView()
        view.setModel(self.proxy)
        view.setAccessibleName("Documents")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSortingEnabled(True)
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        view.setTabKeyNavigation(False)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        # The title is what a reader scans for; the long source citation is elided (full text in the tooltip).
        header.setSectionResizeMode(DocumentTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DocumentTableModel.SOURCE, QHeaderView.ResizeMode.Interactive)
        for column in (
            DocumentTableModel.KIND,
            DocumentTableModel.VERSION,
            DocumentTableModel.ORIGIN,
            DocumentTableModel.ENABLED,
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        view.setColumnWidth(DocumentTableModel.SOURCE, 100)
        self.documents_view = view

        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        self.title_label.setAccessibleName("Document title")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.meta_label = QLabel()
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setWordWrap(True)
        self.meta_label.setAccessibleName("Document details")
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.read_view = DocumentBrowser()
        self.read_view.setAccessibleName("Document text")
        self.read_view.document().setUndoRedoEnabled(False)
        self.read_view.document().setDocumentMargin(10)

        self.contributions_view = QTableView()
        self.contributions_view.setModel(self.contribution_model)
        self.contributions_view.setAccessibleName("Recommendations this document contributes")
        self.contributions_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contributions_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.contributions_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.contributions_view.setTabKeyNavigation(False)
        self.contributions_view.setWordWrap(False)
        self.contributions_view.setAlternatingRowColors(True)
        self.contributions_view.verticalHeader().setVisible(False)
        self.contributions_view.setToolTip("Double-click a row to read the section it stands in")
        contribution_header = self.contributions_view.horizontalHeader()
        contribution_header.setHighlightSections(False)
        contribution_header.setStretchLastSection(True)
        contribution_header.setSectionResizeMode(ContributionTableModel.TARGET, QHeaderView.ResizeMode.ResizeToContents)
        self.contributions_view.setColumnWidth(ContributionTableModel.ID, 170)
        self.contributions_view.setColumnWidth(ContributionTableModel.TITLE, 280)

        self.results_view = QListView()
        self.results_view.setModel(self.search_model)
        self.results_view.setAccessibleName("Search results")
        self.results_view.setItemDelegate(HtmlItemDelegate(self.results_view, ItemHtmlRole))
        self.results_view.setWordWrap(True)
        self.results_view.setUniformItemSizes(False)
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.results_view.setAlternatingRowColors(True)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setSpacing(1)
        self.results_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # items wrap

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Document views")
        self.tabs.tabBar().setAccessibleName("Document view tabs")
        self.tabs.setDocumentMode(True)

        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setAccessibleName("Status")
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(self.status_label.fontMetrics().lineSpacing())  # no jump on first text

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.toggle_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.search_field, 1)

        read_page = QWidget()
        read_layout = QVBoxLayout(read_page)
        read_layout.setContentsMargins(8, 8, 8, 0)
        read_layout.setSpacing(4)
        read_layout.addWidget(self.title_label)
        read_layout.addWidget(self.meta_label)
        read_layout.addSpacing(4)
        read_layout.addWidget(self.read_view, 1)
        self.read_tab = self.tabs.addTab(read_page, "Read")
        self.contributions_tab = self.tabs.addTab(self.contributions_view, "Contributes")
        self.results_tab = self.tabs.addTab(self.results_view, "Search results")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setAccessibleName("Documents and document views")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.documents_view)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([600, 580])

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status_label)

        QWidget.setTabOrder(self.import_button, self.remove_button)
        QWidget.setTabOrder(self.remove_button, self.toggle_button)
        QWidget.setTabOrder(self.toggle_button, self.search_field)
        QWidget.setTabOrder(self.search_field, self.documents_view)
        QWidget.setTabOrder(self.documents_view, self.tabs)
        QWidget.setTabOrder(self.tabs, self.read_view)

    def _connect(self) -> None:
        self.import_button.clicked.connect(self._import_from_dialog)
        self.remove_button.clicked.connect(self._remove_selected)
        self.toggle_button.clicked.connect(self._toggle_selected)
        self.search_field.textChanged.connect(self._search_timer.start)
        self.search_field.returnPressed.connect(self._search_now)
        self._search_timer.timeout.connect(self._run_search)
        self.documents_view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.document_model.errorOccurred.connect(self._on_model_error)
        self.document_model.enabledChanged.connect(self._on_enabled_changed)
        self.results_view.clicked.connect(self._open_hit)
        self.results_view.activated.connect(self._open_hit)
        self.contributions_view.activated.connect(self._open_contribution)
        self.contributions_view.doubleClicked.connect(self._open_contribution)

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.documents_view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._remove_selected)

    def sizeHint(self) -> QSize:
        return QSize(1180, 760)

    # -- public API ----------------------------------------------------------------------------------------

    def showPassage(self, document_id: str, heading: str) -> bool:
        """Select a document, show it in Read and scroll to the section ``heading`` (an evidence link).

        Returns False (and says why in the status line) when the document is no longer in the library.
        """
        if not self._select_document(document_id):
            self._set_status(f"{document_id} is not in the library.")
            return False
        self._show_document(document_id)
        self.tabs.setCurrentIndex(self.read_tab)
        self._scroll_to_heading(heading)
        return True

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def current_document_id(self) -> str | None:
        index = self.documents_view.currentIndex()
        return index.data(DocumentIdRole) if index.isValid() else None

    # -- selection and reading -----------------------------------------------------------------------------

    def _current_source_row(self) -> int:
        index = self.documents_view.currentIndex()
        return self.proxy.mapToSource(index).row() if index.isValid() else -1

    def _current_document(self) -> Document | None:
        return self.document_model.document(self._current_source_row())

    def _select_document(self, document_id: str) -> bool:
        row = self.document_model.row_for_id(document_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.document_model.index(row, DocumentTableModel.TITLE))
        self.documents_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.documents_view.scrollTo(index)
        return True

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        document_id = current.data(DocumentIdRole) if current.isValid() else None
        if document_id:
            self._show_document(document_id)
        else:
            self._clear_document()
        self._update_actions()

    def _show_document(self, document_id: str, *, force: bool = False) -> None:
        """Render a document in Read and list its recommendations; cheap when it is already shown."""
        if document_id == self._shown_id and not force:
            return
        try:
            document = get_document(self._database, document_id)
        except UserError as exc:
            self._clear_document()
            self._set_status(str(exc))
            return
        self._shown_id = document_id
        self.title_label.setText(document.title)
        self.meta_label.setText(self._meta_text(document))
        text = self.read_view.document()
        text.setMarkdown(document_markdown(document.body), MARKDOWN_FEATURES)
        self._tidy_blocks(text)
        self._heading_anchors = self._add_heading_anchors(text, section_headings(document.body))
        self.read_view.setExtraSelections([])
        self.read_view.moveCursor(QTextCursor.MoveOperation.Start)
        self.read_view.verticalScrollBar().setValue(0)
        self.contribution_model.set_document(document_id)
        count = self.contribution_model.rowCount()
        self.tabs.setTabText(self.contributions_tab, f"Contributes ({count})")

    def _meta_text(self, document: Document) -> str:
        parts = [document.id, document.kind, f"version {document.version}"]
        if document.date:
            parts.append(document.date)
        parts.append(document.origin if not document.file_name else f"{document.origin} from {document.file_name}")
        lines = [" · ".join(parts), f"Source: {document.source}"]
        if document.publisher:
            lines.append(f"Publisher: {document.publisher}")
        if not document.enabled:
            lines.append("Disabled: this document does not contribute to plans or search.")
        return "\n".join(lines)

    def _clear_document(self) -> None:
        self._shown_id = None
        self._heading_anchors = {}
        self.title_label.clear()
        self.meta_label.clear()
        self.read_view.clear()
        self.contribution_model.set_document(None)
        self.tabs.setTabText(self.contributions_tab, "Contributes")

    def _tidy_blocks(self, text: QTextDocument) -> None:
        """Adjust Qt's Markdown layout for a narrow pane.

        Code lines are imported unbreakable, so one long finding case would put a horizontal scroll bar on
        the whole document; they are allowed to wrap. Block quotes get a slim left indent and no right
        indent (Qt's default of 40 px on both sides wastes a narrow pane). Table cells lose the paragraph
        margins they inherit, which otherwise pad some cells and not others.
        """
        cursor = QTextCursor(text)
        block = text.begin()
        while block.isValid():
            block_format = block.blockFormat()
            quote_level = block_format.intProperty(QTextFormat.Property.BlockQuoteLevel)
            cursor.setPosition(block.position())
            table = cursor.currentTable()
            in_table = table is not None
            if table is not None and not block.text() and block.next().isValid():
                here, after = table.cellAt(block.position()), table.cellAt(block.next().position())
                if here.isValid() and (here.row(), here.column()) == (after.row(), after.column()):
                    cursor.deleteChar()  # the importer opens a table's first cell with a stray empty line
                    block = cursor.block()
                    continue
            if block_format.nonBreakableLines() or quote_level or in_table:
                block_format.setNonBreakableLines(False)
                if in_table:
                    block_format.setTopMargin(0)
                    block_format.setBottomMargin(0)
                if quote_level:
                    block_format.setLeftMargin(16 * quote_level)
                    block_format.setRightMargin(0)
                cursor.setPosition(block.position())
                cursor.setBlockFormat(block_format)
            block = block.next()

    @staticmethod
    def _add_heading_anchors(text: QTextDocument, headings: Sequence[str]) -> dict[str, str]:
        """Name each rendered section heading so Read can scroll to it (Qt's Markdown import adds none).

        Rendered headings are matched to the source's ``## `` lines in order; when the counts differ (a
        heading-like line inside a code fence), they are matched by their visible text instead.
        """
        blocks = []
        block = text.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() == 2:
                blocks.append(block)
            block = block.next()
        pairs = list(zip(headings, blocks, strict=True)) if len(blocks) == len(headings) else []
        if not pairs:
            pairs = [(block.text(), block) for block in blocks]
        anchors: dict[str, str] = {}
        for number, (heading, block) in enumerate(pairs):
            name = f"section-{number}"
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            anchor = QTextCharFormat()
            anchor.setAnchor(True)
            anchor.setAnchorNames([name])
            cursor.mergeCharFormat(anchor)
            anchors.setdefault(heading, name)
        return anchors

    def _scroll_to_heading(self, heading: str) -> None:
        """Put the section heading at the top of Read and mark it; the preamble (the title) is the top."""
        name = self._heading_anchors.get(heading)
        if name is None:
            if not self.read_view.find(heading):
                self.read_view.moveCursor(QTextCursor.MoveOperation.Start)
                self.read_view.verticalScrollBar().setValue(0)
            return
        for block_cursor in self._anchor_cursors(name):
            self.read_view.setTextCursor(block_cursor)
            mark = QTextEdit.ExtraSelection()
            mark.cursor = QTextCursor(block_cursor)
            # A tint of the highlight colour marks the section without hiding the text in light or dark themes.
            tint = self.palette().color(QPalette.ColorRole.Highlight)
            tint.setAlpha(70)
            mark.format.setBackground(tint)
            mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            self.read_view.setExtraSelections([mark])
            break
        self.read_view.scrollToAnchor(name)

    def _anchor_cursors(self, name: str) -> list[QTextCursor]:
        block = self.read_view.document().begin()
        while block.isValid():
            fragment_iter = block.begin()
            while not fragment_iter.atEnd():
                fragment = fragment_iter.fragment()
                if name in fragment.charFormat().anchorNames():
                    return [QTextCursor(block)]
                fragment_iter += 1
            block = block.next()
        return []

    # -- search --------------------------------------------------------------------------------------------

    def _search_now(self) -> None:
        """Enter in the search field: search at once, and move into the results when they come."""
        self._focus_results = True
        self._run_search()

    def _run_search(self, *, announce: bool = True) -> None:
        """Query the passages on a worker thread; ``announce`` brings the results forward (not when only
        refreshing them).

        The window never waits for a search: the query runs in the background (its own pooled connection),
        and while one runs the newest query waits its turn; results of a query the field no longer holds
        are dropped. So a pasted page, or a slow disk, never freezes typing.
        """
        self._search_timer.stop()  # a query now makes a pending debounced one redundant
        query = self.search_field.text().strip()
        if self._search_job is not None:
            self._search_waiting = (query, announce)
            return
        if not query:
            self._show_hits(query, [], announce)
            return
        database = self._database
        job = Background(lambda: search_passages(database, query, SEARCH_LIMIT), "library-search", self)
        job.finished.connect(lambda hits, error: self._search_done(job, query, announce, hits, error))
        self._search_job = job
        job.start()

    def searching(self) -> bool:
        """Whether a search is running or waiting (for tests and for the status line)."""
        return self._search_job is not None

    def _search_done(self, job: Background, query: str, announce: bool, hits: Any, error: Exception | None) -> None:
        self._search_job = None
        job.deleteLater()
        waiting, self._search_waiting = self._search_waiting, None
        if waiting is not None and waiting[0] != query:
            self._run_search(announce=waiting[1])  # the field changed meanwhile: these results are stale
            return
        if error is not None:
            self._set_status(str(error) if isinstance(error, UserError) else f"Search failed: {failure_text(error)}")
            self.search_model.set_hits([])
            self.tabs.setTabText(self.results_tab, "Search results")
            return
        self._show_hits(query, hits, announce)

    def _show_hits(self, query: str, hits: list[Any], announce: bool) -> None:
        self.search_model.set_hits(hits)
        focus, self._focus_results = self._focus_results, False
        if not query:
            self.tabs.setTabText(self.results_tab, "Search results")
            return
        self.tabs.setTabText(self.results_tab, f"Search results ({len(hits)})")
        if not announce:
            return
        self.tabs.setCurrentIndex(self.results_tab)
        if not hits:
            self._set_status(f"No enabled document has a passage matching “{query}”.")
        else:
            self._set_status(f"{len(hits)} passage{'s' if len(hits) != 1 else ''} match “{query}”.")
        if focus and self.search_model.rowCount():
            self.results_view.setFocus(Qt.FocusReason.OtherFocusReason)
            self.results_view.setCurrentIndex(self.search_model.index(0, 0))

    def _open_hit(self, index: QModelIndex) -> None:
        if index.isValid():
            self.showPassage(index.data(DocumentIdRole), index.data(HeadingRole))

    def _open_contribution(self, index: QModelIndex) -> None:
        if index.isValid():
            self.showPassage(index.data(DocumentIdRole), index.data(HeadingRole))

    # -- changing the library ------------------------------------------------------------------------------

    def _update_actions(self) -> None:
        document = self._current_document()
        imported = self.document_model.is_imported(self._current_source_row())
        self.remove_button.setEnabled(imported)
        if document is not None and not imported:
            self.remove_button.setToolTip("Shipped documents cannot be removed; disable them instead")
        else:
            self.remove_button.setToolTip("Remove the selected imported document (Delete)")
        self.toggle_button.setEnabled(document is not None)
        label = "Disable" if document is None or document.enabled else "Enable"
        self.toggle_button.setText(label)
        self.toggle_button.setAccessibleName(f"{label} document")

    def _import_from_dialog(self) -> None:
        paths = self._choose_files()
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: Sequence[Path]) -> bool:
        """Import files all or nothing; on a problem show every reason and leave the library as it was."""
        try:
            imported = import_documents(self._database, list(paths))
        except DocumentError as exc:
            problems = [f"{exc.origin}: {problem}" for problem in exc.problems[:MAX_LISTED_PROBLEMS]]
            if len(exc.problems) > MAX_LISTED_PROBLEMS:
                problems.append(f"… and {len(exc.problems) - MAX_LISTED_PROBLEMS} more problems")
            self._set_status(f"Nothing was imported: {exc.origin} has problems.")
            self._show_error(f"Nothing was imported. {exc.origin} was refused:", problems)
            return False
        except UserError as exc:
            summary, *details = str(exc).split("\n")
            self._set_status(f"Nothing was imported: {summary}")
            self._show_error(f"Nothing was imported: {summary}", details)
            return False
        self._reload(select=imported[0].id if imported else None)
        self.tabs.setCurrentIndex(self.read_tab)
        names = ", ".join(document.id for document in imported)
        self._set_status(f"Imported {names}.")
        self._library_changed()
        return True

    def _remove_selected(self) -> None:
        document = self._current_document()
        if document is None or not self.document_model.is_imported(self._current_source_row()):
            return
        question = (
            f"Remove “{document.title}” ({document.id}) from the library?\n\n"
            "Plans will no longer include its recommendations. To get it back, import the file again."
        )
        if not self._confirm(question):
            return
        try:
            remove_document(self._database, document.id)
        except UserError as exc:
            summary, *details = str(exc).split("\n")
            self._set_status(f"{document.id} was not removed: {summary}")
            self._show_error(f"{document.id} was not removed: {summary}", details)
            return
        self._reload(select=document.id)
        if self.document_model.row_for_id(document.id) >= 0:
            self._set_status(f"Removed the imported {document.id}; the shipped version is in use again.")
        else:
            self._set_status(f"Removed {document.id}.")
        self._library_changed()

    def _toggle_selected(self) -> None:
        row = self._current_source_row()
        document = self.document_model.document(row)
        if document is None:
            return
        state = Qt.CheckState.Unchecked if document.enabled else Qt.CheckState.Checked
        index = self.document_model.index(row, DocumentTableModel.ENABLED)
        self.document_model.setData(index, state, Qt.ItemDataRole.CheckStateRole)

    def _on_enabled_changed(self, document_id: str, enabled: bool) -> None:
        if document_id == self._shown_id:
            document = self._current_document()
            if document is not None and document.id == document_id:
                self.meta_label.setText(self._meta_text(document))
        self._update_actions()
        state = "enabled: it contributes to plans" if enabled else "disabled: it no longer contributes to plans"
        self._set_status(f"{document_id} {state}.")
        self._library_changed()

    def _on_model_error(self, message: str) -> None:
        summary, *details = message.split("\n")
        self._set_status(f"Refused: {summary}")
        self._show_error(f"Refused: {summary}", details)

    def _reload(self, select: str | None) -> None:
        keep = select or self.current_document_id()
        self._shown_id = None
        self.document_model.reload()
        if not (keep and self._select_document(keep)) and self.proxy.rowCount():
            self.documents_view.selectRow(0)
        if self.current_document_id() is None:
            self._clear_document()
        self._update_actions()

    def _library_changed(self) -> None:
        if self.search_field.text().strip():
            self._run_search(announce=False)  # disabled or removed documents leave the results
        self.libraryChanged.emit()

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)

    # -- drag and drop -------------------------------------------------------------------------------------

    @staticmethod
    def _dropped_paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [
            Path(url.toLocalFile())
            for url in mime.urls()
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".md")
        ]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        # Import after the drop returns: a dialog opened inside the drop would hold the drag source.
        QTimer.singleShot(0, self, lambda: self.import_paths(paths))

    # -- dialogs (replaced in tests) -----------------------------------------------------------------------

    def _choose_files(self) -> list[Path]:
        settings = self._settings if self._settings is not None else QSettings()
        folder = str(settings.value(SETTINGS_IMPORT_FOLDER, "") or "")
        names, _filter = QFileDialog.getOpenFileNames(self, "Import guidance documents", folder, DOCUMENT_FILTER)
        if names:
            settings.setValue(SETTINGS_IMPORT_FOLDER, str(Path(names[0]).parent))
        return [Path(name) for name in names]

    def _confirm(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Document library", text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _show_error(self, summary: str, details: Sequence[str] = ()) -> None:
        ProblemDialog(summary, details, self).exec()
