"""Settings → Connect to a clinic server: the address built from host, database, user and the clinic's CA,
never a password; what is missing is said in the dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.storage.postgres import ServerAddress
from planner.ui.settings_dialog import ServerDialog


def test_the_address_asks_for_verify_full_with_the_clinic_ca(qtbot: Any, tmp_path: Path) -> None:
    ca = tmp_path / "clinic ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog._accept()
    assert "Give the host" in dialog.problem.text() and not dialog.result()
    dialog.host.setText("db.clinic.example")
    dialog.user.setText("alice")
    dialog.ca.setText(str(tmp_path / "missing.pem"))
    dialog._accept()
    assert "no file at" in dialog.problem.text()
    dialog.ca.setText(str(ca))
    dialog._accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    url = dialog.url()
    assert url.startswith("postgresql://alice@db.clinic.example/planner?sslmode=verify-full&sslrootcert=")
    address = ServerAddress.parse(url)
    assert address.password is None and address.database_name == "planner"
    assert str(ca) in address.shown  # readable, not percent-encoded
    assert address.libpq_url().endswith("clinic%20ca.pem")  # for pg_dump: a URI libpq reads


def test_a_password_in_an_address_is_kept_apart_and_never_shown() -> None:
    address = ServerAddress.parse("postgresql://alice:s3cret@db.clinic.example/planner")
    assert address.password == "s3cret"
    assert "s3cret" not in address.shown and "s3cret" not in address.url and "s3cret" not in repr(address)
