"""Patient operations: create, edit, archive or restore."""

from __future__ import annotations

from planner.record.patients import PatientRow, save_patient, set_patient_archived
from planner.storage.database import Database
from planner.ui.operations.changes import OpChanges, OpResult


def create_patient(
    database: Database,
    patient_id: str,
    name: str,
    birth_date: str | None = None,
    sex: str | None = None,
    *,
    allow_similar: bool = False,
) -> OpResult[PatientRow]:
    """A new patient (refused with :class:`~planner.record.patients.SimilarPatientError` when one with the
    same name and birth date is stored, unless ``allow_similar``): the patient list gains a row."""
    row = save_patient(database, patient_id, name, birth_date, sex, new=True, allow_similar=allow_similar)
    return OpResult(row, OpChanges(patients=True, patient_id=row.id))


def edit_patient(
    database: Database, patient_id: str, name: str, birth_date: str | None = None, sex: str | None = None
) -> OpResult[PatientRow]:
    """A stored patient's name, birth date or sex: the patient list, and the follow-up list, which names the
    patient."""
    row = save_patient(database, patient_id, name, birth_date, sex, new=False)
    return OpResult(row, OpChanges(patients=True, followup=True, patient_id=row.id))


def set_archived(database: Database, patient_id: str, archived: bool) -> OpChanges:
    """Archive or restore a patient: the patient list, and the follow-up list (an archived patient has
    nothing due)."""
    set_patient_archived(database, patient_id, archived)
    return OpChanges(patients=True, followup=True, patient_id=patient_id)
