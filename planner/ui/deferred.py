"""The one boundary between the first screen and the rest of the app: every name the first screen needs only
after its first paint, each imported the first time it is asked for.

The first screen (the main window, its patient list, follow-up list and history tab: :mod:`planner.ui.app`,
:mod:`~planner.ui.main_window`, :mod:`~planner.ui.patients`, :mod:`~planner.ui.due`,
:mod:`~planner.ui.history`) is painted from PySide6 and sqlite3 alone. What it needs later (the records with
SQLAlchemy, the validator and the rule engine, the operations of :mod:`planner.ui.operations`, the assessment
editor and plan review, ReportLab and the print preview, the library window, the settings dialog, the charts)
it reaches as ``deferred.<name>``, which imports the name's module on first use. Right after the list is
painted the warm-up (:mod:`planner.warmup`) imports most of it on a worker thread, so by the user's first
click little is left to load. Everywhere else imports stay at the top of their modules.

Read ``deferred.latest_plan`` as ``planner.record.plans.latest_plan``: the ``TYPE_CHECKING`` block says
where each name lives.
"""

# ruff: noqa: F401 - the names imported for type checkers are this module's attributes, reached through __getattr__

from __future__ import annotations

import ast
import functools
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the one list of deferred names: read by type checkers, and by _homes() at run time
    from planner.assessment.schema import SEXES
    from planner.dates import DateError, ambiguous, format_date, format_moment, long_date, read_typed_date
    from planner.edits import PlanEdits
    from planner.engine.schedule import DUE, OVERDUE, UPCOMING, window_text
    from planner.export.service import render_document
    from planner.library.store import load_library
    from planner.logs import log_exception
    from planner.plan.carry import new_visit
    from planner.record.followup import due_list
    from planner.record.patient_history import patient_history
    from planner.record.patients import SimilarPatientError
    from planner.record.plans import PlanChangedError, PlanStamp, get_plan, latest_plan, plan_versions
    from planner.record.visits import assessments_for
    from planner.storage.audit import last_change
    from planner.storage.backup import automatic_backup
    from planner.storage.clinic_settings import assessor_text, default_assessor
    from planner.storage.restore import restore_backup
    from planner.ui.assessment_editor import AssessmentEditor
    from planner.ui.autosave import DraftStore
    from planner.ui.date_field import DateField
    from planner.ui.fields import describe
    from planner.ui.library.window import LibraryWindow
    from planner.ui.operations.assessments import (
        add_demo_patient,
        amend_signed_plan,
        import_files,
        save_assessment,
        sign_shown_plan,
    )
    from planner.ui.operations.export import export_context, export_plan_pdf
    from planner.ui.operations.followup import set_followup_done
    from planner.ui.operations.patients import create_patient, edit_patient, set_archived
    from planner.ui.plan_compare import CompareDialog
    from planner.ui.plan_pages import scrolling
    from planner.ui.plan_review import PlanReview, SignDialog, carried_question
    from planner.ui.printing import print_with_preview
    from planner.ui.session import AssessmentSession, blank_assessment
    from planner.ui.settings_dialog import SettingsDialog
    from planner.ui.shortcuts import YieldToWindow, window_keys
    from planner.ui.trend_charts import TrendCharts


@functools.cache
def homes() -> dict[str, str]:
    """Each deferred name and the module it lives in, read from the ``TYPE_CHECKING`` block above, so the
    names are listed once (parsing this small file takes well under a millisecond, once)."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If))
    return {
        alias.name: statement.module
        for statement in block.body
        if isinstance(statement, ast.ImportFrom) and statement.module
        for alias in statement.names
    }


def __getattr__(name: str) -> Any:
    """``deferred.<name>``: the module that holds it imported on first use, the name kept here after that."""
    try:
        home = homes()[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
