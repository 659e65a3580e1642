"""Follow-up operations: an item of the due list marked done, or opened again."""

from __future__ import annotations

from datetime import date

from planner.record.followup import DueItem, set_done
from planner.storage.database import Database
from planner.ui.operations.changes import OpChanges


def set_followup_done(database: Database, item: DueItem, on: date | None) -> OpChanges:
    """Record ``item`` done ``on`` a day, or (None) not done after all: the follow-up list."""
    set_done(database, item.id, on)
    return OpChanges(followup=True, patient_id=item.patient_id)
