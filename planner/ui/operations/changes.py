"""What an operation changed, so each view can tell whether it has to refresh (anki's ``OpChanges``).

Imported by the first screen (window, patient list, follow-up list, history) before its first paint: it holds
dataclasses only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OpChanges:
    """The kinds of stored data an operation changed, and the patient it was about.

    ``patient_id`` is the patient the operation worked on: the window shows that patient afterwards (a new
    patient, the last one imported), and the history tab refreshes only when it is the one listed.
    """

    patients: bool = False
    """The patient list: names, birth dates, archived, the date last assessed."""
    record: bool = False
    """A patient's assessments and plan versions (stored, saved over, signed): the history tab."""
    followup: bool = False
    """The follow-up items due across patients."""
    library: bool = False
    """The document library: the open draft plan is made again from it."""
    open_plan: bool = False
    """The open plan's state without anything stored (unlocked for an amendment): the plan review."""
    patient_id: str | None = None

    def __bool__(self) -> bool:
        """Whether anything changed at all."""
        return any(getattr(self, field.name) for field in fields(self) if field.name != "patient_id")


@dataclass(frozen=True, slots=True)
class OpResult(Generic[T]):
    """What an operation made (a patient's row, a plan version, a written file) and what it changed."""

    value: T
    changes: OpChanges
