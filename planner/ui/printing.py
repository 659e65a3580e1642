"""Printing through Qt's print dialog with a preview, from the same PDF the export writes."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget


def paint_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Draw each PDF page onto the printer at its resolution; returns the number of pages drawn."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        page_rect = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            size = document.pagePointSize(page)
            scale = min(page_rect.width() / size.width(), page_rect.height() / size.height())
            target = QSize(int(size.width() * scale), int(size.height() * scale))
            image = document.render(page, target)
            painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
        return document.pageCount()
    finally:
        painter.end()
        document.close()


def print_with_preview(parent: QWidget, pdf: bytes, title: str) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview — {title}")
    dialog.paintRequested.connect(lambda p: paint_pdf(pdf, p))
    dialog.setWindowState(dialog.windowState() | Qt.WindowState.WindowMaximized)
    dialog.exec()
