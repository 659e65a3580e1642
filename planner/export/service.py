"""Exporting PDFs: one path for the command line and the desktop app.

Renders in memory, then writes through :func:`write_file_atomically`, so a failed render never leaves a
partial file and an existing file is replaced only with consent. Both documents print the plan as the clinician
left it (:func:`planner.edits.apply_edits`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.clock import utc_now
from planner.export.context import ClinicInfo, ExportContext
from planner.export.files import write_file_atomically
from planner.storage.database import Database


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered PDF, with what the clinician must know before it is printed."""

    pdf: bytes
    english_texts: int = 0
    """Patient texts of a handout in another language that print in English (translation missing or stale)."""
    language: str | None = None
    """The handout's language (None for the clinician plan)."""

    @property
    def warning(self) -> str | None:
        """The sentence the command line and the app show before the handout is printed, when some of its
        texts print in English: a patient who reads only the handout's language cannot read them."""
        if not self.english_texts:
            return None
        from planner.library.translations import TRANSLATION_LANGUAGES

        language = TRANSLATION_LANGUAGES.get(self.language or "", self.language or "")
        texts = "text prints" if self.english_texts == 1 else "texts print"
        return (
            f"{self.english_texts} patient {texts} in English on this {language} handout (translation missing "
            "or out of date): explain them to the patient, or correct the translation, before printing"
        )


def render_document(
    plan: dict[str, Any],
    assessment: dict[str, Any],
    context: ExportContext,
    *,
    handout: bool,
    large_print: bool = False,
) -> Rendered:
    """The clinician plan or the patient handout of ``plan`` (edits applied), rendered."""
    if handout:
        from planner.export.handout import render_handout

        pdf, english = render_handout(plan, assessment, context, large_print=large_print)
        return Rendered(pdf, english, plan.get("language") or "en")
    from planner.export.clinician import render_clinician_pdf

    return Rendered(render_clinician_pdf(plan, assessment, context))


def record_export(
    database: Database, patient_id: str, target: Path, *, handout: bool, plan_id: int | None = None
) -> None:
    """Exports are part of the trail: what was printed for whom, and where it went."""
    from planner.storage.audit import log_action

    log_action(
        database,
        "export.handout_pdf" if handout else "export.clinician_pdf",
        f"patient:{patient_id}",
        {"file": str(target), "plan": plan_id},
    )


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    warning: str | None = None
    """What the clinician must know before printing (see :attr:`Rendered.warning`)."""


def export_pdf(
    database: Database,
    assessment: dict[str, Any],
    target: Path,
    *,
    handout: bool = False,
    overwrite: bool = False,
    clinic: ClinicInfo | None = None,
    language: str | None = None,
    large_print: bool = False,
) -> Exported:
    """Draft the plan for ``assessment`` (with the patient's stored history) and write it as a PDF.

    An assessment that is stored already is drafted as that stored visit (its own row is not its history).
    ``language`` prints the handout in that language instead of the patient's."""
    from planner.edits import PlanEdits, apply_edits
    from planner.library.store import load_library
    from planner.plan.draft import draft_plan
    from planner.record.visits import find_stored_assessment
    from planner.storage.clinic_settings import clinic_info

    plan = draft_plan(database, assessment, find_stored_assessment(database, assessment), language=language)
    context = ExportContext(
        clinic=clinic or clinic_info(database), generated_at=utc_now(), figures=load_library(database).figures
    )
    rendered = render_document(
        apply_edits(plan, PlanEdits()), assessment, context, handout=handout, large_print=large_print
    )
    written = write_file_atomically(target, rendered.pdf, overwrite=overwrite)
    record_export(database, assessment["patient"]["id"], written, handout=handout)
    return Exported(written, rendered.warning)
