"""The one boundary between the first screen and the rest of the app: every name the first screen needs only
after its first paint, each imported the first time it is asked for.

The first screen (the main window, its patient list, follow-up list and history tab: :mod:`planner.ui.app`,
:mod:`~planner.ui.main_window`, :mod:`~planner.ui.patients`, :mod:`~planner.ui.due`,
:mod:`~planner.ui.history`) is painted from PySide6 and sqlite3 alone. What it needs later (the records with
SQLAlchemy, the validator and the rule engine, the assessment editor and plan review, ReportLab and the print
preview, the library window, the settings dialog, the charts) it reaches as ``deferred.<name>``, which
imports the name's module on first use. Right after the list is painted the warm-up (:mod:`planner.warmup`)
imports most of it on a worker thread, so by the user's first click little is left to load. Everywhere else
imports stay at the top of their modules.

Read ``deferred.save_patient`` as ``planner.records.save_patient``: :data:`HOMES` says where each name lives.
"""

# ruff: noqa: F401 - the names imported for type checkers are this module's attributes, reached through __getattr__

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers and readers
    from planner.assessment.schema import SEXES
    from planner.assessment.validate import load_assessment_file
    from planner.clock import utc_now
    from planner.dates import DateError, ambiguous, format_date, format_moment, long_date, read_typed_date
    from planner.db.backup import automatic_backup
    from planner.db.restore import restore_backup
    from planner.edits import PlanEdits
    from planner.engine.schedule import DUE, OVERDUE, UPCOMING, window_text
    from planner.export.context import ExportContext, Signature
    from planner.export.files import write_file_atomically
    from planner.export.service import record_export, render_pdf
    from planner.followup import due_list, set_done
    from planner.history import patient_history
    from planner.library.store import load_library
    from planner.logs import log_exception
    from planner.records import (
        PlanChangedError,
        PlanStamp,
        SimilarPatientError,
        assessments_for,
        get_plan,
        latest_plan,
        plan_versions,
        save_patient,
        set_patient_archived,
        store_assessment,
    )
    from planner.settings import assessor_text, clinic_info, default_assessor
    from planner.ui.assessment_editor import AssessmentEditor
    from planner.ui.autosave import DraftStore
    from planner.ui.date_field import DateField
    from planner.ui.fields import describe
    from planner.ui.library.window import LibraryWindow
    from planner.ui.plan_compare import CompareDialog
    from planner.ui.plan_review import PlanReview, SignDialog
    from planner.ui.printing import print_with_preview
    from planner.ui.session import AssessmentSession, blank_assessment, follow_up_assessment
    from planner.ui.settings_dialog import SettingsDialog
    from planner.ui.shortcuts import YieldToWindow, window_keys
    from planner.ui.trend_charts import TrendCharts

HOMES: dict[str, str] = {
    name: module
    for module, names in {
        "planner.assessment.schema": ("SEXES",),
        "planner.assessment.validate": ("load_assessment_file",),
        "planner.clock": ("utc_now",),
        "planner.dates": ("DateError", "ambiguous", "format_date", "format_moment", "long_date", "read_typed_date"),
        "planner.db.backup": ("automatic_backup",),
        "planner.db.restore": ("restore_backup",),
        "planner.edits": ("PlanEdits",),
        "planner.engine.schedule": ("DUE", "OVERDUE", "UPCOMING", "window_text"),
        "planner.export.context": ("ExportContext", "Signature"),
        "planner.export.files": ("write_file_atomically",),
        "planner.export.service": ("record_export", "render_pdf"),
        "planner.followup": ("due_list", "set_done"),
        "planner.history": ("patient_history",),
        "planner.library.store": ("load_library",),
        "planner.logs": ("log_exception",),
        "planner.records": (
            "PlanChangedError",
            "PlanStamp",
            "SimilarPatientError",
            "assessments_for",
            "get_plan",
            "latest_plan",
            "plan_versions",
            "save_patient",
            "set_patient_archived",
            "store_assessment",
        ),
        "planner.settings": ("assessor_text", "clinic_info", "default_assessor"),
        "planner.ui.assessment_editor": ("AssessmentEditor",),
        "planner.ui.autosave": ("DraftStore",),
        "planner.ui.date_field": ("DateField",),
        "planner.ui.fields": ("describe",),
        "planner.ui.library.window": ("LibraryWindow",),
        "planner.ui.plan_compare": ("CompareDialog",),
        "planner.ui.plan_review": ("PlanReview", "SignDialog"),
        "planner.ui.printing": ("print_with_preview",),
        "planner.ui.session": ("AssessmentSession", "blank_assessment", "follow_up_assessment"),
        "planner.ui.settings_dialog": ("SettingsDialog",),
        "planner.ui.shortcuts": ("YieldToWindow", "window_keys"),
        "planner.ui.trend_charts": ("TrendCharts",),
    }.items()
    for name in names
}
"""Each deferred name and the module it lives in."""


def __getattr__(name: str) -> Any:
    """``deferred.<name>``: the module that holds it imported on first use, the name kept here after that."""
    try:
        home = HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
