"""Assessment operations: save, sign and amend the open assessment; import assessment files; the demo patient.

Save, sign and amend work on the open :class:`~planner.ui.session.AssessmentSession` (the entries as the screen
shows them, with their undo history); import and the demo patient store files through the core.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.assessment.validate import load_assessment_file
from planner.edits import confirm_all_carried, unconfirmed
from planner.errors import UserError
from planner.paths import examples_dir
from planner.record.assessments import StoredAssessment, store_assessment
from planner.record.plans import PlanRecord
from planner.storage.database import Database
from planner.ui.operations.changes import OpChanges, OpResult

if TYPE_CHECKING:
    from planner.ui.session import AssessmentSession

DEMO_EXAMPLE = "neoplastic-after-radiation.json"
"""The shipped example the first run offers as a demo patient."""


def _stored(patient_id: str) -> OpChanges:
    """An assessment and its plan stored: the patient's date last assessed, their history and their
    follow-up items."""
    return OpChanges(patients=True, record=True, followup=True, patient_id=patient_id)


def save_assessment(session: AssessmentSession) -> OpResult[PlanRecord]:
    """Store the open assessment and its draft plan (refused with a UserError naming the fields, the entries
    kept in the session)."""
    record = session.save()
    return OpResult(record, _stored(record.patient_id))


def sign_shown_plan(
    session: AssessmentSession, signer: str, credentials: str, *, confirm_carried: bool = False
) -> OpResult[PlanRecord]:
    """Sign the plan as the screen shows it. ``confirm_carried``: the clinician ticked that what came over from
    the last visit is confirmed, recorded as one undoable step before the sign-off. Signing saves first what is
    not stored yet, and then changes what the lists show as a save does."""
    if confirm_carried and unconfirmed(session.edits):
        session.set_edits(confirm_all_carried(session.edits), "Confirm everything carried over")
    saves = not session.shows_stored()
    record = session.sign(signer, credentials)
    if saves:
        return OpResult(record, _stored(record.patient_id))
    return OpResult(record, OpChanges(record=True, patient_id=record.patient_id))


def amend_signed_plan(session: AssessmentSession) -> OpChanges:
    """Unlock a signed plan for an amendment: the next save starts a new draft version; nothing is stored
    until then."""
    session.unlock_for_amendment()
    return OpChanges(open_plan=True)


@dataclass(frozen=True, slots=True)
class Imported:
    """The assessments stored from files, in order, and the error that stopped the import (the files before
    it are stored)."""

    stored: tuple[StoredAssessment, ...]
    error: UserError | None = None

    @property
    def notes(self) -> list[str]:
        """What the user should know about the stored files (a patient who looks like another)."""
        return [note for stored in self.stored for note in stored.notes]


def import_files(database: Database, paths: Iterable[Path]) -> OpResult[Imported]:
    """Store assessment files: every file is read and checked first, so a bad file stores none; a file then
    refused by the store stops the import after the ones before it."""
    stored: list[StoredAssessment] = []
    error = None
    try:
        assessments = [load_assessment_file(path) for path in paths]
        for assessment in assessments:
            stored.append(store_assessment(database, assessment))
    except UserError as exc:
        error = exc
    changes = _stored(stored[-1].patient_id) if stored else OpChanges()
    return OpResult(Imported(tuple(stored), error), changes)


def add_demo_patient(database: Database) -> OpResult[StoredAssessment]:
    """The demo patient of the first run: a shipped example, stored with its plan."""
    stored = store_assessment(database, load_assessment_file(examples_dir() / DEMO_EXAMPLE))
    return OpResult(stored, _stored(stored.patient_id))
