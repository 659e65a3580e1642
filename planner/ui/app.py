"""Start-up of the desktop app, in this order: Qt application and settings; database (migrated, seeded);
main window shown; then, after the first paint, the patient list, recovered drafts and the first-run offer.

Heavy modules (ReportLab, the library window, printing) load only when first used.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.errors import UserError
from planner.logs import log_exception, log_path
from planner.paths import APP_AUTHOR, APP_NAME, default_database_path
from planner.ui.preferences import DATABASE_SETTING


def _install_exception_hook(app: QApplication) -> None:
    """An unexpected error is logged and shown in a dialog naming the log; the app keeps working."""

    def hook(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
        if isinstance(value, UserError):
            QMessageBox.warning(app.activeWindow(), "LSP Planner", str(value))
            return
        where = log_exception(value)
        QMessageBox.critical(
            app.activeWindow(),
            "LSP Planner",
            f"Something went wrong ({kind.__name__}). Your data is safe; the details were "
            f"written to {where}.\nYou can keep working.",
        )

    sys.excepthook = hook


def database_path(args: argparse.Namespace, settings: QSettings) -> Path:
    """--db, then $PLANNER_DB, then the location chosen in Settings, then the per-user default."""
    if args.db:
        return Path(args.db)
    if os.environ.get("PLANNER_DB"):
        return default_database_path()
    chosen = str(settings.value(DATABASE_SETTING, "") or "")
    return Path(chosen) if chosen else default_database_path()


def _open_or_recover(path: Path) -> Any:
    """Open the database; when it is damaged, offer the newest good backup (the damaged file is kept)."""
    from planner.db.backup import restore_backup
    from planner.db.engine import DamagedDatabaseError, open_database

    try:
        return open_database(path)
    except DamagedDatabaseError as exc:
        if exc.backup is None:
            QMessageBox.critical(None, "LSP Planner", str(exc))
            return None
        box = QMessageBox(QMessageBox.Icon.Critical, "LSP Planner", str(exc))
        restore = box.addButton("Restore the backup", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not restore:
            return None
        try:
            kept = restore_backup(path, exc.backup)
            database = open_database(path)
        except UserError as again:
            QMessageBox.critical(None, "LSP Planner", str(again))
            return None
        QMessageBox.information(None, "LSP Planner", f"The backup was restored. The damaged file is kept as {kept}.")
        return database
    except UserError as exc:
        QMessageBox.critical(None, "LSP Planner", f"The database could not be opened.\n\n{exc}")
        return None


def run_app(args: argparse.Namespace, started: float | None = None) -> int:
    started = started if started is not None else time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationDisplayName("LSP Planner")
    settings = QSettings()

    path = database_path(args, settings)
    database = _open_or_recover(path)
    if database is None:
        return 2
    from planner.ui.main_window import MainWindow

    _install_exception_hook(app)
    window = MainWindow(database, settings)
    smoke = bool(getattr(args, "smoke", False))

    def after_first_paint() -> None:
        window.load_patients()
        if smoke:
            app.processEvents()  # paint the filled list before the clock stops
            elapsed = (time.perf_counter() - started) * 1000
            print(f"listed {elapsed:.1f}", flush=True)
            print(
                f"main window painted and patient list filled in {elapsed:.0f} ms "
                f"({window.patient_model.rowCount()} patients)",
                flush=True,
            )
            if Path("/proc/self/status").exists():
                status = Path("/proc/self/status").read_text()
                print("rss_kb", status.split("VmRSS:")[1].split()[0], flush=True)
            app.quit()
            return
        window.offer_drafts()
        if not settings.value("firstRun/done", False, type=bool):
            settings.setValue("firstRun/done", True)
            if window.patient_model.rowCount() == 0:
                window.offer_demo()

    window.show()
    app.processEvents()  # the first paint happens here, before any data is loaded
    if smoke:
        print(f"painted {(time.perf_counter() - started) * 1000:.1f}", flush=True)
    QTimer.singleShot(0, after_first_paint)
    code = app.exec()
    database.dispose()
    return int(code)


__all__ = ["log_path", "run_app"]
