"""Clinic settings kept in the database, so the command line and the app print the same header."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from planner.db.engine import Database
from planner.edits import check_text
from planner.export.context import ClinicInfo
from planner.models import Setting

CLINIC_NAME = "clinic.name"
CLINIC_ADDRESS = "clinic.address"
CLINIC_LOGO = "clinic.logo"
CLINIC_PHONE = "clinic.phone"
DEFAULT_ASSESSOR = "assessor.default"


def get_settings(database: Database) -> dict[str, str]:
    with database.read() as session:
        return {row.key: row.value for row in session.exec(select(Setting))}


def set_settings(database: Database, values: dict[str, str]) -> None:
    """Store several settings in one transaction (an empty value removes the setting)."""
    with database.write() as session:
        for key, value in values.items():
            value = check_text(key, value, required=False)
            row = session.get(Setting, key)
            if not value:
                if row is not None:
                    session.delete(row)
                continue
            session.add(Setting(key=key, value=value) if row is None else row)
            if row is not None:
                row.value = value


def clinic_info(database: Database) -> ClinicInfo:
    values = get_settings(database)
    logo = values.get(CLINIC_LOGO)
    return ClinicInfo(
        name=values.get(CLINIC_NAME, ""),
        address=values.get(CLINIC_ADDRESS, ""),
        logo_path=Path(logo) if logo else None,
        phone=values.get(CLINIC_PHONE, ""),
    )
