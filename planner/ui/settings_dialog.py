"""Settings: clinic header and phone for PDFs, default assessor, database location, backup now."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from planner.errors import UserError
from planner.paths import user_data_dir
from planner.storage.backup import backup_database
from planner.storage.clinic_settings import (
    CLINIC_ADDRESS,
    CLINIC_LOGO,
    CLINIC_NAME,
    CLINIC_PHONE,
    assessor_settings,
    default_assessor,
    get_settings,
    set_settings,
)
from planner.storage.database import Database, ServerDatabase
from planner.storage.server_backup import backup_server
from planner.ui.background import Background, failure_text, show_outcome
from planner.ui.preferences import DATABASE_SETTING, DAY_FIRST_SETTING, day_first

BACKUP_NOW = "&Backup now"
BACKUP_DONE_BOX = "backupDone"


class SettingsDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.settings = settings or QSettings()
        self.setWindowTitle("Settings")
        values = get_settings(database)
        form = QFormLayout(self)
        self.clinic_name = QLineEdit(values.get(CLINIC_NAME, ""))
        self.clinic_address = QPlainTextEdit(values.get(CLINIC_ADDRESS, ""))
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setMaximumHeight(80)
        self.clinic_phone = QLineEdit(values.get(CLINIC_PHONE, ""))
        self.clinic_phone.setPlaceholderText("the number patients call, printed on the handout")
        self.logo = QLineEdit(values.get(CLINIC_LOGO, ""))
        browse = QPushButton("Bro&wse…")
        browse.setAccessibleName("Choose logo file")
        browse.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        name, credentials = default_assessor(database)
        self.assessor = QLineEdit(name)
        self.assessor.setPlaceholderText("e.g. J. Rivera")
        self.credentials = QLineEdit(credentials)
        self.credentials.setPlaceholderText("e.g. PT, DPT")
        for label, widget in (
            ("Clinic name", self.clinic_name),
            ("Clinic address", self.clinic_address),
            ("Clinic phone", self.clinic_phone),
            ("Logo image", self.logo),
            ("Default assessor's name", self.assessor),
            ("Default assessor's credentials", self.credentials),
        ):
            widget.setAccessibleName(label)
        form.addRow("Clinic na&me:", self.clinic_name)
        form.addRow("Clinic a&ddress:", self.clinic_address)
        form.addRow("Clinic p&hone:", self.clinic_phone)
        logo_label = QLabel("&Logo (PNG or JPEG):")
        logo_label.setBuddy(self.logo)  # the row is a layout: the label needs its field named
        form.addRow(logo_label, logo_row)
        form.addRow("Default &assessor:", self.assessor)
        form.addRow("Assessor's c&redentials:", self.credentials)
        self.date_order = QComboBox()
        self.date_order.addItem("Day first: 3/4/1958 is 3 April 1958", True)
        self.date_order.addItem("Month first: 3/4/1958 is March 4, 1958", False)
        self.date_order.setCurrentIndex(0 if day_first(self.settings) else 1)
        self.date_order.setAccessibleName("Order of day and month in dates typed as numbers")
        form.addRow("Dates typed as &numbers:", self.date_order)
        location = QLabel(database.location)
        location.setTextInteractionFlags(
            location.textInteractionFlags() | location.textInteractionFlags().TextSelectableByMouse
        )
        location.setAccessibleName("Database location")
        change = QPushButton("&Use another database…")
        change.setAccessibleName("Choose another database file")
        change.clicked.connect(self._choose_database)
        self.next_database = QLabel(str(self.settings.value(DATABASE_SETTING, "") or ""))
        self.next_database.setAccessibleName("Database used from the next start")
        server = QPushButton("Connect to a &clinic server…")
        server.setAccessibleName("Connect to a clinic server")
        server.clicked.connect(self._choose_server)
        database_row = QHBoxLayout()
        database_row.addWidget(location, 1)
        database_row.addWidget(change)
        database_row.addWidget(server)
        form.addRow("Database:", database_row)
        form.addRow("From the next start:", self.next_database)
        self.backup_button = QPushButton(BACKUP_NOW)
        self.backup_button.setAccessibleName("Backup now")
        self.backup_button.clicked.connect(self._backup)
        self._backup_job: Background | None = None
        form.addRow("", self.backup_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Clinic logo", "", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo.setText(path)

    def choose_database_file(self) -> str:
        folder = user_data_dir() if self.database.is_server else self.database.path.parent
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Database file",
            str(folder),
            "Planner database (*.sqlite3)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return path

    def _choose_database(self) -> None:
        path = self.choose_database_file()
        if path:
            self.settings.setValue(DATABASE_SETTING, path)
            self.next_database.setText(f"{path} (used after a restart; an existing file is opened, not replaced)")

    def _choose_server(self) -> None:
        dialog = ServerDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            url = dialog.url()
            self.settings.setValue(DATABASE_SETTING, url)
            self.next_database.setText(f"{url} (used after a restart; the password is asked for then)")

    def _backup(self) -> None:
        """A verified backup, written on a worker thread: a large database takes seconds, and the dialog
        stays responsive meanwhile. It cannot be closed until the backup is done (see :meth:`done`). On a
        clinic server: pg_dump."""
        database = self.database
        self.backup_button.setEnabled(False)
        self.backup_button.setText("Backing up…")
        if isinstance(database, ServerDatabase):
            work = functools.partial(backup_server, database)
        else:
            work = functools.partial(backup_database, database.path)
        self._backup_job = Background(work, "backup-now", self)
        self._backup_job.finished.connect(self._backed_up)
        self._backup_job.start()

    def _backed_up(self, target: Path | None, error: Exception | None) -> None:
        self._backup_job = None
        self.backup_button.setEnabled(True)
        self.backup_button.setText(BACKUP_NOW)
        if error is None:
            icon, text = QMessageBox.Icon.Information, f"Backup written and verified:\n{target}"
        else:
            icon, text = QMessageBox.Icon.Warning, f"The backup failed: {failure_text(error)}"
        show_outcome(self, icon, "Backup", text, BACKUP_DONE_BOX)

    def done(self, result: int) -> None:
        """Closing waits for a backup being written: the dialog owns it."""
        if self._backup_job is not None:
            return
        super().done(result)

    def _save(self) -> None:
        logo = self.logo.text().strip()
        if logo and not Path(logo).is_file():
            QMessageBox.warning(self, "Settings", f"Logo image: no file at {logo}")
            return
        try:
            set_settings(
                self.database,
                {
                    CLINIC_NAME: self.clinic_name.text(),
                    CLINIC_ADDRESS: self.clinic_address.toPlainText(),
                    CLINIC_PHONE: self.clinic_phone.text(),
                    CLINIC_LOGO: logo,
                    **assessor_settings(self.assessor.text(), self.credentials.text()),
                },
            )
        except UserError as exc:
            QMessageBox.warning(self, "Settings", str(exc))
            return
        self.settings.setValue(DAY_FIRST_SETTING, bool(self.date_order.currentData()))
        self.accept()


class ServerDialog(QDialog):
    """Connect to a clinic server: host, database, user and, for TLS, the clinic's CA certificate. The address
    is kept for the next start; the password never is (it is asked for at start, or read by libpq from
    PGPASSWORD or ~/.pgpass)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a clinic server")
        form = QFormLayout(self)
        self.host = QLineEdit()
        self.host.setPlaceholderText("db.clinic.example")
        self.database = QLineEdit("planner")
        self.user = QLineEdit()
        self.user.setPlaceholderText("your own login on the server")
        self.ca = QLineEdit()
        self.ca.setPlaceholderText("the clinic's CA certificate (PEM) for TLS: verify-full")
        form.addRow("&Host:", self.host)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Clinic &CA file:", self.ca)
        self.problem = QLabel("")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def url(self) -> str:
        from urllib.parse import quote

        user = quote(self.user.text().strip(), safe="")
        address = f"postgresql://{user + '@' if user else ''}{self.host.text().strip()}/"
        address += quote(self.database.text().strip(), safe="")
        ca = self.ca.text().strip()
        return address + (f"?sslmode=verify-full&sslrootcert={quote(ca, safe='/')}" if ca else "")

    def _accept(self) -> None:
        missing = [
            name for name, field in (("host", self.host), ("database", self.database)) if not field.text().strip()
        ]
        if missing:
            self.problem.setText(f"Give the {' and the '.join(missing)}.")
            return
        ca = self.ca.text().strip()
        if ca and not Path(ca).is_file():
            self.problem.setText(f"Clinic CA file: no file at {ca}")
            return
        self.accept()
