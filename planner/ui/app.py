"""Start-up of the desktop app, in this order: Qt application and settings; the database file checked and its
schema brought up to date (backed up first when a migration is due); the main window shown and painted; then
the shipped documents brought up to date and the patient list filled and painted, before any user input is
handled; then, from the event loop, the follow-up due list, the daily backup (on a worker thread), recovered
drafts and the first-run offer. Once the list is painted, what opening a patient needs is loaded on a worker
thread (:func:`planner.warmup.warm_up`), so that the first patient the user opens finds it ready.
``--smoke`` prints the milliseconds to "painted", "listed" and "settled" (start-up work over, the backup
written), and the resident memory then.

The first screen needs only PySide6 and SQLAlchemy Core: the ORM, the validator, the rule engine and ReportLab
load after it, on the warm-up's thread, or when a command needs them. A damaged or busy file found after the
first paint is reported as one found before it: the window goes, the newest good backup is offered (damaged)
or Retry (busy), and the app starts again.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.errors import UserError
from planner.opening import seed_shipped_documents
from planner.paths import APP_AUTHOR, APP_NAME, default_database_path
from planner.storage import postgres
from planner.storage.database import (
    DamagedDatabaseError,
    DatabaseBusyError,
    ServerDatabase,
    damage_reported,
    open_schema,
    open_server_schema,
)
from planner.storage.sqlite import is_busy
from planner.ui import deferred
from planner.ui.background import Background, failure_text, show_outcome
from planner.ui.colours import readable
from planner.ui.main_window import MainWindow
from planner.ui.preferences import DATABASE_SETTING
from planner.warmup import warm_up

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractButton

    from planner.storage.database import Database

NO_INPUT = QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents
"""Paint without handling clicks or keys: nothing the user does runs before the start-up step is complete."""


def _install_exception_hook(app: QApplication) -> None:
    """An unexpected error is logged and shown in a dialog naming the log; the app keeps working."""

    def hook(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
        if isinstance(value, UserError):
            QMessageBox.warning(app.activeWindow(), "LSP Planner", str(value))
            return
        window = app.activeWindow()
        database = getattr(window, "database", None)
        if is_busy(value) or postgres.is_busy(value):  # a read that waited in vain: not a bug, nothing lost
            where = getattr(database, "location", None) or "the database"
            QMessageBox.warning(window, "LSP Planner", str(DatabaseBusyError(where)))
            return
        if isinstance(database, ServerDatabase) and postgres.driver_error(value) is not None:
            # the clinic server refused or went away in the middle of a read: say so in words
            QMessageBox.warning(window, "LSP Planner", str(postgres.server_error(value, database.location, "Not read")))
            return

        where = deferred.log_exception(value)
        QMessageBox.critical(
            app.activeWindow(),
            "LSP Planner",
            f"Something went wrong ({kind.__name__}). Your data is safe; the details were "
            f"written to {where}.\nYou can keep working.",
        )

    sys.excepthook = hook


def database_path(args: argparse.Namespace, settings: QSettings) -> Path | str:
    """--db, then $PLANNER_DB, then the location chosen in Settings, then the per-user default. A clinic
    server's address (postgresql://...) is returned as it is."""
    from planner.paths import database_location

    if args.db:
        return args.db if isinstance(args.db, str) else Path(args.db)
    if os.environ.get("PLANNER_DB"):
        return database_location(os.environ["PLANNER_DB"])
    chosen = str(settings.value(DATABASE_SETTING, "") or "")
    return database_location(chosen) if chosen else default_database_path()


def ask_server_password(shown: str) -> str:
    """The clinic server's password, asked once at start and kept in memory only (never stored)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    password, given = QInputDialog.getText(
        None, "LSP Planner", f"Password for the clinic server\n{shown}", QLineEdit.EchoMode.Password
    )
    if not given:
        raise UserError("no password was given for the clinic server; nothing was opened")
    return password


def _open_or_recover(path: Path | str) -> Database | None:
    """Open the database (checked, schema up to date) or report why it cannot be, offering a backup."""

    if isinstance(path, str):  # a clinic server: nothing to recover here, the server keeps its own backups
        try:
            return open_server_schema(path, ask_password=ask_server_password)
        except UserError as exc:
            QMessageBox.critical(None, "LSP Planner", f"The clinic server could not be opened.\n\n{exc}")
            return None
    try:
        return open_schema(path)
    except UserError as exc:
        return _recover(path, exc)


def _recover(path: Path | str, failure: UserError) -> Database | None:
    """Report why the database cannot be used, and offer what may help; None when the app cannot go on.

    Busy (another program holds the database): Retry, the default, opens it again; never a restore. Damaged
    (SQLite reports it corrupt or not a database) with a good backup: the backup is offered, the damaged file
    being kept, but the default button keeps the file and quits: nothing destructive happens on Enter.
    """

    if isinstance(path, str):  # a clinic server: its administrator restores it, never a workstation
        QMessageBox.critical(None, "LSP Planner", f"The clinic server could not be used.\n\n{failure}")
        return None

    while isinstance(failure, DatabaseBusyError):
        box, retry = busy_box(failure)
        box.exec()
        if box.clickedButton() is not retry:
            return None
        try:
            return open_schema(path)
        except UserError as again:
            failure = again
    if not isinstance(failure, DamagedDatabaseError):
        QMessageBox.critical(None, "LSP Planner", f"The database could not be opened.\n\n{failure}")
        return None
    if failure.backup is None:
        QMessageBox.critical(None, "LSP Planner", str(failure))
        return None
    box, restore = damaged_box(failure)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    try:
        kept = deferred.restore_backup(path, failure.backup)
        database = open_schema(path)
    except UserError as again:
        QMessageBox.critical(None, "LSP Planner", str(again))
        return None
    QMessageBox.information(None, "LSP Planner", f"The backup was restored. The damaged file is kept as {kept}.")
    return database


def busy_box(failure: UserError) -> tuple[QMessageBox, QAbstractButton]:
    """The database is in use by another program: Retry (the default) or Quit."""

    box = QMessageBox(QMessageBox.Icon.Warning, "LSP Planner", "The database is in use by another program.")
    box.setObjectName("databaseBusy")
    box.setInformativeText(
        f"{failure}\n\nWhen the other program has finished (or has been closed), choose Retry. "
        "Your data is not affected."
    )
    retry = box.addButton(QMessageBox.StandardButton.Retry)
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry)
    box.setEscapeButton(quit_button)
    return box, retry


def damaged_box(failure: UserError) -> tuple[QMessageBox, QAbstractButton]:
    """SQLite reports the database damaged: restoring the newest good backup is offered, never the default."""

    box = QMessageBox(QMessageBox.Icon.Critical, "LSP Planner", "The database file is damaged.")
    box.setObjectName("databaseDamaged")
    box.setInformativeText(
        f"{failure}\n\nRestoring puts the backup in place of the database; the damaged file is kept beside it, "
        "renamed. Entries made since the backup are not in it."
    )
    restore = box.addButton("Restore the backup", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep the file and quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box, restore


def _load_view(load: Callable[[], object]) -> None:
    """Fill a view from the database during start-up: only a database error means a damaged file (reported by
    the step); any other failure is shown like one in a slot (logged, a dialog) and the app keeps working."""
    from planner.storage.sqlite import driver_error

    try:
        load()
    except Exception as exc:
        if driver_error(exc) is not None:
            raise
        sys.excepthook(*sys.exc_info())


class Startup:
    """The main window first, then the rest of opening the database one step at a time.

    Each step after the first paint runs under :func:`planner.storage.database.damage_reported`, so a damaged file
    it meets is reported as at start: the window goes and :func:`_recover` offers the newest good backup.
    """

    def __init__(
        self, app: QApplication, settings: QSettings, path: Path | str, *, smoke: bool = False, started: float = 0.0
    ) -> None:
        self.app = app
        self.settings = settings
        self.path = path
        self.smoke = smoke
        self.started = started
        self.database: Database | None = None
        self.window: MainWindow | None = None
        self.backup: Background | None = None
        self.warming: Background | None = None

    def show(self, database: Database) -> None:
        """Show and paint the main window, then fill it (see :meth:`_fill`)."""

        self.database = database
        self.window = MainWindow(database, self.settings)
        self.window.show()
        self.app.processEvents(NO_INPUT)  # the first paint happens here, before any data is loaded
        self._mark("painted")
        self._fill()

    def _fill(self) -> None:
        """Shipped documents, then the patient list, painted at once. No user input is handled before both
        are done, so no plan is ever drafted from a library that is not yet up to date."""

        window = self.window
        assert window is not None
        if not self._step(seed_shipped_documents) or not self._step(
            lambda _database: _load_view(lambda: window.load_patients(reopen_last=False))
        ):
            return
        self.app.processEvents(NO_INPUT)  # paint the filled list before anything else runs
        elapsed = self._mark("listed")
        self._warm_up(window)
        if self.smoke:
            print(
                f"main window painted and patient list filled in {elapsed:.0f} ms "
                f"({window.patient_model.rowCount()} patients)",
                flush=True,
            )
        QTimer.singleShot(0, self._fill_due)

    def _warm_up(self, window: MainWindow) -> None:
        """What opening a patient needs, loaded on a worker thread as soon as the list is painted, while the
        user looks for the patient; the list is usable all the while. The last session's patient reopens
        when it is done, unless the user has chosen a patient meanwhile."""
        assert self.database is not None
        database = self.database
        self.warming = Background(lambda: warm_up(database), "warm-up", window)
        self.warming.finished.connect(self._warmed_up)
        last = window.last_patient()
        if last:
            self.warming.finished.connect(lambda *_outcome: self._reopen(window, last))
        self.warming.start()

    @staticmethod
    def _warmed_up(_result: object, error: Exception | None) -> None:
        """A failed warm-up only means the first opening does the work itself, and reports any error then;
        it is logged, not shown."""
        if error is not None:
            deferred.log_exception(error)

    @staticmethod
    def _reopen(window: MainWindow, patient_id: str) -> None:
        """The last session's patient, unless the user has meanwhile opened one or started a search."""
        if window.patient_id is None and not window.patient_search.text():
            window.select_patient(patient_id)

    def _fill_due(self) -> None:
        """The follow-up due list across patients (a query over every patient's latest plan): after the
        patient list, which it does not hold up."""
        window = self.window
        assert window is not None
        if self._step(lambda _database: _load_view(window.due.reload)):
            QTimer.singleShot(0, self._back_up)

    def _back_up(self) -> None:
        """The daily backup (the whole file, verified), on a worker thread: for a clinic's years of patients it
        takes seconds, and the window stays usable meanwhile. Recovered drafts and the first-run offer follow
        at once; the backup reads one consistent state of the file whatever is written meanwhile."""

        assert self.database is not None and self.window is not None
        if self.database.is_server:  # the server's backups are the clinic's (planner db backup: pg_dump)
            if self.smoke:
                self._report_smoke()
            else:
                self._after_backup_started()
            return
        path = self.database.path
        # Owned by the window, so Qt deletes it (never Python's collector, midway through one of its events).
        self.backup = Background(lambda: deferred.automatic_backup(path), "daily-backup", self.window)
        self.backup.finished.connect(self._backed_up)
        self.backup.start()
        if self.smoke:
            return  # reported when the backup is done
        self._after_backup_started()

    def _after_backup_started(self) -> None:
        """Recovered drafts and the first-run offer."""
        window = self.window
        assert window is not None
        window.offer_drafts()
        if not self.settings.value("firstRun/done", False, type=bool):
            self.settings.setValue("firstRun/done", True)
            if window.patient_model.rowCount() == 0:
                window.offer_demo()

    def _backed_up(self, _backup: object, error: Exception | None) -> None:
        """A failed daily backup is logged and reported without stopping the app: it never changes the
        database, and the earlier backups are kept."""
        if error is not None and self.window is not None:
            text = (
                f"Today's backup could not be made ({failure_text(error)}). Your data is unchanged and earlier "
                "backups are kept; the backup is tried again at the next start."
            )
            show_outcome(self.window, QMessageBox.Icon.Warning, "LSP Planner", text, "backupFailed")
        if self.smoke:
            self._report_smoke()

    def _step(self, work: Callable[[Database], object]) -> bool:
        """Run one step of opening; False when it failed and the app was restarted on a backup or is quitting."""

        assert self.database is not None and self.window is not None
        try:
            with damage_reported(self.database):
                work(self.database)
            return True
        except UserError as failure:
            self.window.hide()
            self.window.deleteLater()
            self.window = None
            quits = self.app.quitOnLastWindowClosed()
            self.app.setQuitOnLastWindowClosed(False)  # closing the report must not end the app before the restart
            database = _recover(self.path, failure)
            self.app.setQuitOnLastWindowClosed(quits)
            if database is None:
                self.database = None
                QTimer.singleShot(0, lambda: self.app.exit(2))  # also when the event loop is yet to start
            else:
                self.show(database)
            return False

    def _mark(self, word: str) -> float:
        """--smoke: print the milliseconds since the process started, after ``word``."""
        elapsed = (time.perf_counter() - self.started) * 1000
        if self.smoke:
            print(f"{word} {elapsed:.1f}", flush=True)
        return elapsed

    def _report_smoke(self) -> None:
        """--smoke: when start-up work is over (due list filled, backup checked) and the memory then; quit."""
        self._mark("settled")
        if Path("/proc/self/status").exists():
            status = Path("/proc/self/status").read_text()
            print("rss_kb", status.split("VmRSS:")[1].split()[0], flush=True)
        self.app.quit()

    def dispose(self) -> None:
        """Wait for a backup still being written and a warm-up still running (the window is gone by now), then
        close the database."""
        for job in (self.backup, self.warming):
            if job is not None:
                job.wait()
        if self.database is not None:
            self.database.dispose()


def run_app(args: argparse.Namespace, started: float | None = None) -> int:
    started = started if started is not None else time.perf_counter()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationDisplayName("LSP Planner")

    # The desktop's colours, lifted where a focus ring or disabled text is too faint.
    app.setPalette(readable(app.palette()))
    settings = QSettings()

    path = database_path(args, settings)
    database = _open_or_recover(path)
    if database is None:
        return 2
    _install_exception_hook(app)
    startup = Startup(app, settings, path, smoke=bool(getattr(args, "smoke", False)), started=started)
    startup.show(database)
    code = app.exec()
    startup.dispose()
    return int(code)
