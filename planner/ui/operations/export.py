"""Export operations: the clinician plan or the patient handout of the open plan, written as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.clock import utc_now
from planner.export.context import ExportContext, Signature
from planner.export.files import write_file_atomically
from planner.export.service import Exported, record_export, render_document
from planner.library.store import load_library
from planner.record.plans import PlanRecord
from planner.storage.clinic_settings import clinic_info
from planner.storage.database import Database
from planner.ui.operations.changes import OpChanges, OpResult


def export_context(database: Database, record: PlanRecord | None, *, signed_shown: bool) -> ExportContext:
    """The clinic, the time, the figures and the plan version printed with a plan; the signature only when the
    signed version is what the screen shows (``signed_shown``), never on a draft being amended."""
    signature = None
    if record is not None and record.signed and signed_shown and record.signed_at is not None:
        signature = Signature(
            record.signer or "", record.signer_credentials or "", record.signed_at, record.content_hash or ""
        )
    return ExportContext(
        clinic=clinic_info(database),
        generated_at=utc_now(),
        signature=signature,
        plan_version=record.version if record else None,
        figures=load_library(database).figures,
    )


def export_plan_pdf(
    database: Database,
    plan: dict[str, Any],
    assessment: dict[str, Any],
    context: ExportContext,
    target: Path,
    *,
    handout: bool,
    plan_id: int | None,
) -> OpResult[Exported]:
    """Render and write the PDF (replacing ``target``: the save dialog asked already) and record the export in
    the audit trail; the value says where it went and what the clinician must know before printing it (texts
    of a handout that print in English). Nothing a view shows changes."""
    rendered = render_document(plan, assessment, context, handout=handout)
    written = write_file_atomically(target, rendered.pdf, overwrite=True)
    record_export(database, assessment["patient"]["id"], written, handout=handout, plan_id=plan_id)
    return OpResult(Exported(written, rendered.warning), OpChanges(patient_id=assessment["patient"]["id"]))
