"""Printing the PDF the core already made: a preview that renders pages as they come into view, then the printer.

Why not QPrintPreviewDialog: it asks the document to paint every page onto a printer-resolution device before it
shows the first one, so a ten-page plan took some 14 s to appear. Here the preview is a QPdfView over the exported
PDF's bytes: QtPdf renders only the pages on screen, at screen resolution, so the first page shows at once however
long the plan is. Printing draws each page onto the printer at no more than :data:`PRINT_DPI`, page by page.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

PRINT_DPI = 300
"""Pages are rendered for the printer at this resolution at most: sharp on paper, and a page is some 9 MB, not the
500 MB a 1200 dpi printer's own resolution would take."""


def pdf_document(pdf: bytes, parent: QWidget | None = None) -> tuple[QPdfDocument, QBuffer]:
    """The PDF bytes as a QPdfDocument (the buffer must live as long as the document: both are returned)."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(parent)  # type: ignore[arg-type]  # the stubs omit that the parent may be None
    document.load(buffer)
    return document, buffer


def paint_document(document: QPdfDocument, printer: QPrinter) -> int:
    """Draw each page onto the printer, one at a time; returns the number of pages drawn."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        page_rect = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
        dpi = min(printer.resolution(), PRINT_DPI)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            size = document.pagePointSize(page)
            scale = min(page_rect.width() / size.width(), page_rect.height() / size.height())
            image = document.render(page, QSize(int(size.width() * dpi / 72), int(size.height() * dpi / 72)))
            painter.drawImage(QRect(0, 0, int(size.width() * scale), int(size.height() * scale)), image)
        return document.pageCount()
    finally:
        painter.end()


def paint_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Draw each page of ``pdf`` onto the printer; returns the number of pages drawn."""
    document, buffer = pdf_document(pdf)
    try:
        return paint_document(document, printer)
    finally:
        document.close()
        buffer.close()


class PrintPreview(QDialog):
    """The pages of a PDF, rendered as they scroll into view, with a Print button."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Print preview — {title}")
        self.title = title
        self.document, self._buffer = pdf_document(pdf, self)
        self.view = QPdfView(self)
        self.view.setAccessibleName("Pages")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocument(self.document)
        pages = self.document.pageCount()
        self.count = QLabel(f"{pages} page{'s' if pages != 1 else ''}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = buttons.addButton("&Print…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_pages)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.resize(900, 1000)

    def choose_printer(self, printer: QPrinter) -> bool:
        """The system's print dialog (a test replaces it)."""
        return QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted

    def print_pages(self) -> int:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        if not self.choose_printer(printer):
            return 0
        printed = paint_document(self.document, printer)
        self.accept()
        return printed


def print_with_preview(parent: QWidget, pdf: bytes, title: str) -> None:
    dialog = PrintPreview(pdf, title, parent)
    dialog.setWindowState(dialog.windowState() | Qt.WindowState.WindowMaximized)
    dialog.exec()
