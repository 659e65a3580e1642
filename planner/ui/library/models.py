"""Qt item models over the document library: the documents, one document's recommendations, search hits.

The models only map indexes to rows fetched from :mod:`planner.library.store`; every change goes through the
store, which checks the whole library before it writes. A refused change leaves the row as it was and is
reported through ``errorOccurred`` so the window decides how to show it (the model never opens a dialog).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from planner.errors import UserError
from planner.library.search import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from planner.library.store import IMPORTED, document_contributions, list_documents, set_document_enabled
from planner.models import Document, Recommendation
from planner.storage.database import Database
from planner.ui.row_table import RowTableModel

AnyIndex = QModelIndex | QPersistentModelIndex

DocumentIdRole = Qt.ItemDataRole.UserRole + 1
"""The document id of a row (documents, search hits)."""
SortRole = Qt.ItemDataRole.UserRole + 2
"""A key that sorts a column the way a reader expects (case-insensitive text, enabled before disabled)."""
OriginRole = Qt.ItemDataRole.UserRole + 3
"""'shipped' or 'imported': the window enables Remove only for imported documents."""
HeadingRole = Qt.ItemDataRole.UserRole + 4
"""The section heading of a search hit or a recommendation (what to scroll to in the Read tab)."""
SnippetHtmlRole = Qt.ItemDataRole.UserRole + 5
"""A search hit's snippet as safe HTML: all text escaped, only the match markers become <b>...</b>."""
ItemHtmlRole = Qt.ItemDataRole.UserRole + 6
"""The whole search-result entry as safe HTML (title § heading, then the snippet), for the list delegate."""
RecommendationIdRole = Qt.ItemDataRole.UserRole + 7


def snippet_html(snippet: str) -> str:
    """Escape every character of document text first, then turn the store's match markers into bold.

    The markers are control characters that ``html.escape`` leaves alone and no document contains, so a
    document can never smuggle markup into the list: ``<b>`` written in a document shows as ``&lt;b&gt;``.
    """
    escaped = html.escape(" ".join(snippet.split()), quote=True)
    return escaped.replace(HIGHLIGHT_START, "<b>").replace(HIGHLIGHT_END, "</b>")


def plain_snippet(snippet: str) -> str:
    """The snippet without markers, for screen readers and tooltips."""
    return " ".join(snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "").split())


def _is_checked(value: Any) -> bool:
    """PySide hands a view's check state to setData as an int or as a Qt.CheckState; accept both."""
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    if isinstance(value, bool):
        return value
    return int(value) == Qt.CheckState.Checked.value


class DocumentTableModel(RowTableModel):
    """Every stored document, enabled or not; the Enabled column is a check box that writes to the library."""

    TITLE, SOURCE, KIND, VERSION, ORIGIN, ENABLED = range(6)
    HEADERS = ("Title", "Source", "Kind", "Version", "Origin", "Enabled")

    DocumentIdRole = DocumentIdRole
    SortRole = SortRole
    OriginRole = OriginRole

    errorOccurred = Signal(str)
    """A change was refused (the message is for the user); the check box is back where it was."""
    enabledChanged = Signal(str, bool)
    """A document was enabled or disabled in the database (document id, new state)."""

    def __init__(self, database: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._database = database
        self.reload()

    # -- reading -------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch the documents again (after an import or removal elsewhere)."""
        self.set_rows(list_documents(self._database))

    def document(self, row: int) -> Document | None:
        return self.entry(row)

    def row_for_id(self, document_id: str) -> int:
        """The row of a document, or -1 when it is not in the library."""
        for row, document in enumerate(self.rows):
            if document.id == document_id:
                return row
        return -1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section == self.ENABLED:
            return "Only enabled documents contribute to plans and search"
        return super().headerData(section, orientation, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.ENABLED:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        document = self.document(index.row()) if index.isValid() else None
        if document is None:
            return None
        column = index.column()
        if role == DocumentIdRole:
            return document.id
        if role == OriginRole:
            return document.origin
        if role == Qt.ItemDataRole.CheckStateRole and column == self.ENABLED:
            return Qt.CheckState.Checked if document.enabled else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(document, column, accessible=role == Qt.ItemDataRole.AccessibleTextRole)
        if role == SortRole:
            if column == self.ENABLED:
                return 0 if document.enabled else 1
            return (self._text(document, column, accessible=False) or "").casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"{document.id}: {document.title}", document.source]
            if document.file_name:
                parts.append(f"File: {document.file_name}")
            return "\n".join(parts)
        return None

    def _text(self, document: Document, column: int, *, accessible: bool) -> str | None:
        if column == self.TITLE:
            return document.title
        if column == self.SOURCE:
            return document.source
        if column == self.KIND:
            return document.kind
        if column == self.VERSION:
            return document.version
        if column == self.ORIGIN:
            return document.origin
        if column == self.ENABLED and accessible:
            return "enabled" if document.enabled else "disabled"
        return None

    # -- writing -------------------------------------------------------------------------------------------

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Enable or disable a document in the library; a refusal leaves the check box as it was."""
        if not index.isValid() or index.column() != self.ENABLED or role != Qt.ItemDataRole.CheckStateRole:
            return False
        document = self.document(index.row())
        if document is None:
            return False
        enabled = _is_checked(value)
        if enabled == document.enabled:
            return True
        try:
            set_document_enabled(self._database, document.id, enabled)
        except UserError as exc:
            # Nothing was stored; repaint so a view that drew the click shows the real state again.
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
            self.errorOccurred.emit(str(exc))
            return False
        document.enabled = enabled
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole, SortRole])
        self.enabledChanged.emit(document.id, enabled)
        return True

    def is_imported(self, row: int) -> bool:
        document = self.document(row)
        return document is not None and document.origin == IMPORTED


class ContributionTableModel(RowTableModel):
    """The recommendations one document adds to plans: what disabling or removing it would take away."""

    ID, TARGET, TITLE, CONDITION = range(4)
    HEADERS = ("ID", "Target", "Title", "When")

    def __init__(self, database: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._database = database
        self._document_id: str | None = None

    def set_document(self, document_id: str | None) -> None:
        """Show the recommendations of ``document_id`` (None empties the table)."""
        self._document_id = document_id
        self.set_rows(document_contributions(self._database, document_id) if document_id else [])

    def recommendation(self, row: int) -> Recommendation | None:
        return self.entry(row)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rec = self.recommendation(index.row()) if index.isValid() else None
        if rec is None:
            return None
        if role == RecommendationIdRole:
            return rec.id
        if role == DocumentIdRole:
            return rec.document_id
        if role == HeadingRole:
            return rec.section
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            column = index.column()
            if column == self.ID:
                return rec.id
            if column == self.TARGET:
                return f"{rec.target} ({rec.level})" if rec.level else rec.target
            if column == self.CONDITION:
                return rec.condition
            if column == self.TITLE:
                return rec.title
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [rec.title, f"When: {rec.condition}", f"Section: {rec.section}"]
            if rec.detail:
                lines.insert(1, rec.detail)
            return "\n".join(lines)
        return None


class SearchResultModel(QAbstractListModel):
    """Search hits, best first. The display text is plain; the HTML roles are escaped before markup."""

    DocumentIdRole = DocumentIdRole
    HeadingRole = HeadingRole
    SnippetHtmlRole = SnippetHtmlRole
    ItemHtmlRole = ItemHtmlRole

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hit(index.row()) if index.isValid() else None
        if hit is None:
            return None
        if role == DocumentIdRole:
            return hit.document_id
        if role == HeadingRole:
            return hit.heading
        if role == SnippetHtmlRole:
            return snippet_html(hit.snippet)
        if role == ItemHtmlRole:
            return (
                f"<div style='font-weight:600'>{html.escape(hit.document_title)} § {html.escape(hit.heading)}</div>"
                f"<div style='margin-top:2px'>{snippet_html(hit.snippet)}</div>"
            )
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{hit.document_title} § {hit.heading}: {plain_snippet(hit.snippet)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.document_id}: {hit.document_title} § {hit.heading}"
        return None
