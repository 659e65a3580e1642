"""An item delegate that paints an item's HTML (already escaped by the model) wrapped to its width, in the
view's palette: search results with their highlights, a plan comparison with its changed words."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

AnyIndex = QModelIndex | QPersistentModelIndex


class HtmlItemDelegate(QStyledItemDelegate):
    """Paints an item's (already escaped) HTML with the view's palette, wrapped to the view's width."""

    MARGIN = 6

    def __init__(self, parent: QWidget, role: int) -> None:
        super().__init__(parent)
        self._role = role

    def _document(self, option: QStyleOptionViewItem, index: AnyIndex) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(self.MARGIN)
        document.setHtml(str(index.data(self._role) or ""))
        return document

    def _width(self, option: QStyleOptionViewItem, index: AnyIndex) -> int:
        """The width the HTML is set in: a table's column, a list's whole row."""
        view = option.widget
        if isinstance(view, QTableView):
            return max(view.columnWidth(index.column()), 60)
        if isinstance(view, QListView):
            return max(view.viewport().width() - 2 * view.spacing() - 1, 100)
        return max(option.rect.width(), 100)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the style draws background, selection and focus; the HTML is drawn below
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        document = self._document(opt, index)
        document.setTextWidth(opt.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        group = (
            QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active else QPalette.ColorGroup.Inactive
        )
        role = (
            QPalette.ColorRole.HighlightedText
            if opt.state & QStyle.StateFlag.State_Selected
            else QPalette.ColorRole.Text
        )
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(group, role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(opt.rect.translated(-opt.rect.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        document = self._document(option, index)
        width = self._width(option, index)
        document.setTextWidth(width)
        return QSize(width, math.ceil(document.size().height()))
