"""Clinic settings kept in the database (the ``setting`` table), so the command line and the app print the same
header.

Not to be confused with the app's own preferences on this computer (window layout, date order, which database
to open: QSettings, planner.ui.preferences), nor with a document's ``settings`` table (thresholds such as
``weak_mrc_at_most``, compiled into ``CompiledLibrary.document_settings``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from planner.edits import check_text

if TYPE_CHECKING:
    from planner.export.context import ClinicInfo
    from planner.storage.database import Database

CLINIC_NAME = "clinic.name"
CLINIC_ADDRESS = "clinic.address"
CLINIC_LOGO = "clinic.logo"
CLINIC_PHONE = "clinic.phone"
ASSESSOR_NAME = "assessor.name"
ASSESSOR_CREDENTIALS = "assessor.credentials"
LEGACY_ASSESSOR = "assessor.default"
"""The default assessor as one text ("J. Rivera, PT"), as stored before name and credentials were kept apart;
read (split) until the settings are next saved, which stores the two parts and drops it."""

_CREDENTIAL = re.compile(r"^[A-Z][A-Za-z]*(?:[/.-][A-Za-z]+)*\.?$")


def _is_credential(part: str) -> bool:
    """'PT', 'DPT', 'OTR/L', 'MSc', 'PhD', 'CLT-LANA': short words of mostly capitals, not a name ('Jane')."""
    words = part.split()
    return bool(words) and all(
        _CREDENTIAL.match(word) and len(word) <= 12 and sum(c.isupper() for c in word) >= 2 for word in words
    )


def split_assessor(text: str) -> tuple[str, str]:
    """A name with its credentials after commas ("J. Rivera, PT, DPT") as (name, credentials); a text whose
    comma parts are not credential-like ("Rivera, Jane") is all name."""
    parts = [part.strip() for part in text.split(",")]
    cut = len(parts)
    while cut > 1 and _is_credential(parts[cut - 1]):
        cut -= 1
    name = ", ".join(part for part in parts[:cut] if part)
    return (name, ", ".join(parts[cut:])) if name else (text.strip(), "")


def assessor_text(name: str, credentials: str) -> str:
    """How the assessment's single assessor field writes them: "J. Rivera, PT"."""
    return ", ".join(part for part in (name.strip(), credentials.strip()) if part)


def default_assessor(database: Database) -> tuple[str, str]:
    """The default assessor's (name, credentials), from the two settings or, before they were saved apart,
    from the single older setting split by :func:`split_assessor`."""
    values = get_settings(database)
    if ASSESSOR_NAME in values or ASSESSOR_CREDENTIALS in values:
        return values.get(ASSESSOR_NAME, ""), values.get(ASSESSOR_CREDENTIALS, "")
    return split_assessor(values.get(LEGACY_ASSESSOR, ""))


def assessor_settings(name: str, credentials: str) -> dict[str, str]:
    """The settings that store a default assessor (for :func:`set_settings`): the two parts, the older single
    setting dropped."""
    return {ASSESSOR_NAME: name, ASSESSOR_CREDENTIALS: credentials, LEGACY_ASSESSOR: ""}


def get_settings(database: Database) -> dict[str, str]:
    from sqlmodel import select

    from planner.models import ClinicSetting

    with database.read() as session:
        return {row.key: row.value for row in session.exec(select(ClinicSetting))}


def set_settings(database: Database, values: dict[str, str]) -> None:
    """Store several settings in one transaction (an empty value removes the setting)."""
    from planner.models import ClinicSetting

    with database.write() as session:
        for key, value in values.items():
            value = check_text(key, value, required=False)
            row = session.get(ClinicSetting, key)
            if not value:
                if row is not None:
                    session.delete(row)
                continue
            session.add(ClinicSetting(key=key, value=value) if row is None else row)
            if row is not None:
                row.value = value


def clinic_info(database: Database) -> ClinicInfo:
    from planner.export.context import ClinicInfo

    values = get_settings(database)
    logo = values.get(CLINIC_LOGO)
    return ClinicInfo(
        name=values.get(CLINIC_NAME, ""),
        address=values.get(CLINIC_ADDRESS, ""),
        logo_path=Path(logo) if logo else None,
        phone=values.get(CLINIC_PHONE, ""),
    )
