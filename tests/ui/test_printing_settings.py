"""Printing goes through Qt's printer with the same PDF the export writes; settings are stored for the PDFs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.storage.clinic_settings import (
    ASSESSOR_CREDENTIALS,
    ASSESSOR_NAME,
    CLINIC_ADDRESS,
    CLINIC_NAME,
    get_settings,
)


def small_pdf() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    for number in range(3):
        page.drawString(72, 720, f"Page {number + 1}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def test_paint_pdf_prints_every_page(qtbot: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    from planner.ui.printing import paint_pdf

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(target))
    assert paint_pdf(small_pdf(), printer) == 3
    assert len(PdfReader(target).pages) == 3


def test_settings_dialog_saves_clinic_header(qtbot: Any, db: Any, tmp_path: Path) -> None:
    from planner.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.clinic_name.setText("Clínica <Ñandú> & Co")
    dialog.clinic_address.setPlainText("1 Rue de la Paix\nParis")
    dialog.assessor.setText("J. Rivera")
    dialog.credentials.setText("PT, DPT")
    dialog._save()
    values = get_settings(db)
    assert values[CLINIC_NAME] == "Clínica <Ñandú> & Co"
    assert values[CLINIC_ADDRESS] == "1 Rue de la Paix\nParis"
    assert (values[ASSESSOR_NAME], values[ASSESSOR_CREDENTIALS]) == ("J. Rivera", "PT, DPT")
    dialog.clinic_name.setText("")
    dialog._save()
    assert CLINIC_NAME not in get_settings(db)


def test_database_location_applies_from_next_start(qtbot: Any, db: Any, tmp_path: Path, monkeypatch: Any) -> None:
    import argparse

    from PySide6.QtCore import QSettings

    from planner.ui.app import database_path
    from planner.ui.preferences import DATABASE_SETTING
    from planner.ui.settings_dialog import SettingsDialog

    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = SettingsDialog(db, settings=store)
    qtbot.addWidget(dialog)
    chosen = str(tmp_path / "clinic.sqlite3")
    dialog.choose_database_file = lambda: chosen
    dialog._choose_database()
    assert store.value(DATABASE_SETTING) == chosen
    monkeypatch.delenv("PLANNER_DB", raising=False)
    assert database_path(argparse.Namespace(db=None), store) == Path(chosen)
    assert database_path(argparse.Namespace(db=tmp_path / "x.sqlite3"), store) == tmp_path / "x.sqlite3"
    monkeypatch.setenv("PLANNER_DB", str(tmp_path / "env.sqlite3"))
    assert database_path(argparse.Namespace(db=None), store) == tmp_path / "env.sqlite3"


def test_backup_now_writes_on_a_worker_and_the_dialog_waits_for_it(qtbot: Any, db: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    from planner.storage.backup import list_backups
    from planner.ui.settings_dialog import SettingsDialog

    before = len(list_backups(db.path))
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.backup_button.click()
    assert not dialog.backup_button.isEnabled()  # says it is backing up
    dialog.reject()
    assert dialog.isVisible()  # closing waits for the backup
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "backupDone") is not None, timeout=20000)
    box = dialog.findChild(QMessageBox, "backupDone")
    assert box.text().startswith("Backup written and verified")
    assert len(list_backups(db.path)) == before + 1 and dialog.backup_button.isEnabled()
    box.close()
    dialog.reject()
    assert not dialog.isVisible()


def test_the_preview_shows_the_pages_of_the_pdf_the_core_made(qtbot: Any, tmp_path: Path) -> None:
    """The first page is on screen without the others being rendered; Print sends every page to the printer."""
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    from planner.ui.printing import PrintPreview

    dialog = PrintPreview(small_pdf(), "Care plan")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.document.pageCount() == 3 and dialog.count.text() == "3 pages"
    assert dialog.view.document() is dialog.document

    def inked() -> bool:
        image = dialog.view.viewport().grab().toImage()
        return any(
            image.pixelColor(x, y).lightness() < 128
            for y in range(0, image.height(), 3)
            for x in range(0, image.width(), 3)
        )

    qtbot.waitUntil(inked, timeout=5000)  # the first page's text is drawn
    target = tmp_path / "printed.pdf"

    def to_file(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    dialog.choose_printer = to_file
    assert dialog.print_pages() == 3
    assert len(PdfReader(target).pages) == 3


def test_settings_dialog_saves_the_clinic_phone(qtbot: Any, db: Any) -> None:
    from planner.storage.clinic_settings import CLINIC_PHONE, clinic_info
    from planner.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.clinic_phone.setText(" +1 555 0142 ")
    dialog._save()
    assert get_settings(db)[CLINIC_PHONE] == "+1 555 0142"
    assert clinic_info(db).phone == "+1 555 0142"
    again = SettingsDialog(db)
    qtbot.addWidget(again)
    assert again.clinic_phone.text() == "+1 555 0142"
