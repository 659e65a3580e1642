"""What opening a patient needs, loaded before it is asked for.

Opening the first patient of a session imports SQLAlchemy and the models, the rule engine (which builds its
parser tables as it loads) and the assessment validator, and compiles the guidance library: about a second
in which the window would not answer. The app runs :func:`warm_up` on a worker thread as soon as the patient
list is painted, so that by the user's first click most or all of it is done. Nothing here touches Qt or changes
the database; it only fills caches the first opening would fill.
"""

from __future__ import annotations

import contextlib
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.storage.database import Database


OPENING_NEEDS = ("planner.record.plans", "planner.plan.generate", "planner.record.patient_history")
"""Modules opening a patient imports: SQLAlchemy, SQLModel and the tables; the plan and its findings."""


def warm_up(database: Database) -> None:
    for module in OPENING_NEEDS:
        importlib.import_module(module)
    from planner.assessment.schema import ASSESSMENT_FORMAT
    from planner.assessment.validate import validate_assessment
    from planner.errors import AssessmentError
    from planner.library.store import load_library

    load_library(database)  # the rule engine, and the library compiled and cached
    with contextlib.suppress(AssessmentError):
        validate_assessment({"format": ASSESSMENT_FORMAT})  # builds the schema validator; an empty one fails
