"""Patients: the list as the app shows it, creating and editing a patient, archiving, and finding one by id.

The app fills the list just after its first paint, so :func:`list_patients` reads plain rows with SQLAlchemy
Core (planner.storage.queries.PATIENT_LIST) and needs neither the ORM nor the tables, which the first screen
then never loads. Ids are normalised and compared as planner.record.patient_ids says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from planner.errors import NotFoundError, UserError
from planner.record.patient_ids import id_key, is_normalized_id, name_key, normalize_id
from planner.storage.queries import ACTIVE_PATIENT_LIST, PATIENT_IDS, PATIENT_LIST, PATIENT_NAMES

if TYPE_CHECKING:
    from sqlmodel import Session

    from planner.storage.database import Database


class PatientRow(NamedTuple):
    """One patient as listed. A named tuple rather than a frozen dataclass: 10,000 are made at start-up, in a
    third of the time (a frozen dataclass sets each field through object.__setattr__)."""

    id: str
    name: str
    birth_date: str | None
    sex: str | None
    archived: bool
    last_assessed_on: str | None
    assessment_count: int


def list_patients(database: Database, *, include_archived: bool = True) -> list[PatientRow]:
    """All patients with their latest assessment date, in one query, ordered by name.

    Plain rows rather than ORM objects (about a second less for 10,000 patients). Values that repeat across
    patients (dates, sex) are shared rather than stored once per row, which saves about a quarter of the
    list's memory.
    """
    shared: dict[str | None, str | None] = {}
    share = shared.setdefault
    with database.rows(PATIENT_LIST if include_archived else ACTIVE_PATIENT_LIST) as rows:
        return [
            PatientRow(r[0], r[1], share(r[2], r[2]), share(r[3], r[3]), bool(r[4]), share(r[5], r[5]), r[6])
            for r in rows
        ]


class SimilarPatientError(UserError):
    """A new patient has the name and birth date of a stored one; creating it anyway takes a second yes."""


def stored_patient_id(session: Session, raw_id: str) -> str | None:
    """The stored id that ``raw_id`` names: the id exactly as given, else its normalised form, else a stored id
    that normalises to the same (stored before ids were normalised; never rewritten, see
    planner.record.patient_ids)."""
    from planner.models import Patient

    for candidate in dict.fromkeys((raw_id, normalize_id(raw_id))):
        if candidate and session.get(Patient, candidate) is not None:
            return candidate
    wanted = normalize_id(raw_id)
    for (stored,) in session.execute(PATIENT_IDS):
        if normalize_id(stored) == wanted:
            return stored
    return None


def find_patient_id(database: Database, raw_id: str) -> str:
    """The stored id of the patient a user named (``--patient``, ``history ID``); NotFoundError when none."""
    with database.read() as session:
        found = stored_patient_id(session, raw_id)
    if found is None:
        raise NotFoundError(f"no patient with id {normalize_id(raw_id)!r}")
    return found


def unnormalized_patient_ids(database: Database) -> list[str]:
    """Notes for ``db check``: stored ids that are not in normalised form, or that look like another stored id.
    They are reported, never rewritten: signed plans and the audit trail refer to them as they are."""
    with database.connection() as connection:
        ids = [stored for (stored,) in connection.execute(PATIENT_IDS)]
    notes = [
        f"patient id {stored!r} is stored in a form new ids no longer take ({normalize_id(stored)!r}); "
        "lookups by either form find it"
        for stored in ids
        if not is_normalized_id(stored)
    ]
    by_key: dict[str, list[str]] = {}
    for stored in ids:
        by_key.setdefault(id_key(stored), []).append(stored)
    notes += [
        f"patient ids {', '.join(repr(i) for i in same)} cannot be told apart on screen or paper; check whether "
        "they are one patient"
        for same in by_key.values()
        if len(same) > 1
    ]
    return notes


def new_patient_checks(session: Session, patient_id: str, name: str, birth_date: str | None) -> list[str]:
    """Before a new patient is created: refuse an id that looks like a stored one; return a note for a stored
    patient with the same name and birth date (the caller decides whether that stops it)."""
    key = id_key(patient_id)
    similar_name = name_key(name)
    notes = []
    for stored_id, stored_name, stored_birth in session.execute(PATIENT_NAMES).all():
        if id_key(stored_id) == key:
            raise UserError(
                f"patient.id: '{patient_id}' cannot be told apart from the id '{stored_id}' of the stored patient "
                f"{stored_name} (they differ only in case, spacing, width or invisible characters). Use that "
                "patient's id, or an id that differs visibly."
            )
        if birth_date and stored_birth == birth_date and name_key(stored_name) == similar_name:
            notes.append(
                f"the new patient {patient_id} has the same name and birth date as the stored patient {stored_id}: "
                "check that they are two people, not one person under two ids"
            )
    return notes


def upsert_patient(session: Session, info: dict[str, Any]) -> bool:
    """Store the patient part of an assessment (created when new); True when it was created."""
    from planner.clock import utc_now
    from planner.models import Patient

    now = utc_now()
    patient = session.get(Patient, info["id"])
    created = patient is None
    if patient is None:
        patient = Patient(id=info["id"], name=info["name"], created_at=now, updated_at=now)
    patient.name = info["name"]
    patient.birth_date = info.get("birth_date") or patient.birth_date
    patient.sex = info.get("sex") or patient.sex
    patient.updated_at = now
    session.add(patient)
    session.flush()  # the patient row must exist before the assessment that refers to it
    return created


def save_patient(
    database: Database,
    patient_id: str,
    name: str,
    birth_date: str | None = None,
    sex: str | None = None,
    *,
    new: bool,
    allow_similar: bool = False,
) -> PatientRow:
    """Create (``new``) or update a patient, with the same rules as the assessment format.

    A new id is normalised and refused when it cannot be told apart from a stored one; a new patient with a
    stored patient's name and birth date raises :class:`SimilarPatientError` unless ``allow_similar``.
    """
    from planner.assessment.validate import validate_patient
    from planner.clock import utc_now
    from planner.models import Patient
    from planner.storage import audit

    info = validate_patient({"id": patient_id, "name": name, "birth_date": birth_date or None, "sex": sex or None})
    with database.write() as session:
        stored_id = stored_patient_id(session, info["id"])
        existing = session.get(Patient, stored_id) if stored_id is not None else None
        if new and existing is not None:
            raise UserError(f"patient.id: '{normalize_id(info['id'])}' is already used by {existing.name}")
        if not new and existing is None:
            raise NotFoundError(f"no patient with id '{info['id']}'")
        if new:
            info["id"] = normalize_id(info["id"])
            notes = new_patient_checks(session, info["id"], info["name"], info.get("birth_date"))
            if notes and not allow_similar:
                raise SimilarPatientError(f"{notes[0][0].upper()}{notes[0][1:]}. Choose OK again to create it anyway.")
        else:
            info["id"] = stored_id
        now = utc_now()
        patient = existing or Patient(id=info["id"], name=info["name"], created_at=now, updated_at=now)
        patient.name, patient.birth_date, patient.sex, patient.updated_at = (
            info["name"],
            info.get("birth_date"),
            info.get("sex"),
            now,
        )
        session.add(patient)
        audit.record(session, "patient.create" if new else "patient.update", f"patient:{info['id']}")
    return next(p for p in list_patients(database) if p.id == info["id"])


def set_patient_archived(database: Database, patient_id: str, archived: bool) -> None:
    from planner.clock import utc_now
    from planner.models import Patient
    from planner.storage import audit
    from planner.storage.database import get_or_raise

    with database.write() as session:
        patient = get_or_raise(session, Patient, patient_id)
        patient.archived = archived
        patient.updated_at = utc_now()
        session.add(patient)
        audit.record(session, "patient.archive" if archived else "patient.restore", f"patient:{patient_id}")


def count_rows(database: Database) -> dict[str, int]:
    """How many patients, assessments and plan versions are stored."""
    from sqlmodel import func, select

    from planner.models import Assessment, Patient, Plan

    with database.read() as session:
        return {
            model.__tablename__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Patient, Assessment, Plan)
        }
