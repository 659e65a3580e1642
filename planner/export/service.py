"""Exporting PDFs: one path for the command line and the desktop app.

Renders in memory, then writes through :func:`write_file_atomically`, so a failed render never leaves a
partial file and an existing file is replaced only with consent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.clock import utc_now
from planner.db.engine import Database
from planner.export.context import ClinicInfo, ExportContext
from planner.export.files import write_file_atomically


def render_pdf(plan: dict[str, Any], assessment: dict[str, Any], context: ExportContext, *, handout: bool) -> bytes:
    if handout:
        from planner.export.handout import render_handout_pdf

        return render_handout_pdf(plan, assessment, context)
    from planner.export.clinician import render_clinician_pdf

    return render_clinician_pdf(plan, assessment, context)


def record_export(
    database: Database, patient_id: str, target: Path, *, handout: bool, plan_id: int | None = None
) -> None:
    """Exports are part of the trail: what was printed for whom, and where it went."""
    from planner.audit import log_action

    log_action(
        database,
        "export.handout_pdf" if handout else "export.clinician_pdf",
        f"patient:{patient_id}",
        {"file": str(target), "plan": plan_id},
    )


def export_pdf(
    database: Database,
    assessment: dict[str, Any],
    target: Path,
    *,
    handout: bool = False,
    overwrite: bool = False,
    clinic: ClinicInfo | None = None,
) -> Path:
    """Draft the plan for ``assessment`` from the database's library and write it as a PDF."""
    from planner.library.store import load_library
    from planner.plan.generate import generate_plan
    from planner.settings import clinic_info

    plan = generate_plan(assessment, load_library(database))
    context = ExportContext(clinic=clinic or clinic_info(database), generated_at=utc_now())
    written = write_file_atomically(target, render_pdf(plan, assessment, context, handout=handout), overwrite=overwrite)
    record_export(database, assessment["patient"]["id"], written, handout=handout)
    return written
