"""A patient across visits: the stored assessments, their plan versions, the trends and the schedule.

One JSON-ready summary serves ``planner history``, the app's history tab and the PDF progress page, so the
three always show the same figures.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from planner.engine.findings import all_findings
from planner.engine.schedule import window_text
from planner.errors import NotFoundError
from planner.export.context import short_hash
from planner.library.compiler import CompiledLibrary
from planner.library.store import load_library
from planner.plan.draft import draft_plan
from planner.plan.generate import progress_block
from planner.plan.text import trend_lines
from planner.record.followup import patient_schedule
from planner.record.patients import find_patient_id
from planner.record.plans import plan_versions
from planner.record.visits import patient_assessments
from planner.storage.database import Database


def plan_for_patient(database: Database, patient_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The patient's latest stored assessment and a fresh plan for it that takes the earlier ones into account."""
    visits = patient_assessments(database, find_patient_id(database, patient_id))
    if not visits:
        raise NotFoundError(f"patient '{patient_id}' has no stored assessment")
    latest_id, latest = visits[-1]
    return latest, draft_plan(database, latest, latest_id)


def trends(assessments: list[dict[str, Any]], library: CompiledLibrary) -> dict[str, Any]:
    """Values per visit, oldest first, and the expected recovery window as of the latest visit."""
    latest, earlier = assessments[-1], assessments[:-1]
    return progress_block(latest, earlier, library, all_findings(latest, library, earlier))


def patient_history(database: Database, patient_id: str, today: date) -> dict[str, Any]:
    patient_id = find_patient_id(database, patient_id)
    visits = patient_assessments(database, patient_id)
    out: dict[str, Any] = {"patient_id": patient_id, "assessments": [], "trends": None, "follow_up": []}
    for assessment_id, assessment in reversed(visits):  # newest first, as the app lists them
        out["assessments"].append(
            {
                "id": assessment_id,
                "assessed_on": assessment["assessed_on"],
                "assessor": assessment.get("assessor"),
                "etiology": assessment["history"]["etiology"],
                "pain_nrs": assessment["pain"]["nrs"],
                "plans": [
                    {
                        "id": plan.id,
                        "version": plan.version,
                        "status": plan.status,
                        "signer": plan.signer,
                        "signed_at": plan.signed_at.isoformat() if plan.signed_at else None,
                        "content_hash": plan.content_hash,
                        "library_version": plan.library_version,
                    }
                    for plan in plan_versions(database, assessment_id)
                ],
            }
        )
    if visits:
        out["patient_name"] = visits[-1][1]["patient"]["name"]
        out["trends"] = trends([a for _, a in visits], load_library(database))
    out["follow_up"] = [asdict(item) for item in patient_schedule(database, patient_id, today)]
    return out


def history_text(history: dict[str, Any]) -> str:
    lines = [f"History of {history.get('patient_name', '')} ({history['patient_id']})".replace(" ()", ""), ""]
    if not history["assessments"]:
        return "\n".join([*lines, "no stored assessment"]) + "\n"
    lines.append("Assessments (newest first)")
    for entry in history["assessments"]:
        lines.append(
            f"  #{entry['id']:<5} {entry['assessed_on']}  {entry['etiology']:<12} pain {entry['pain_nrs']}/10"
            f"  {entry['assessor'] or ''}".rstrip()
        )
        for plan in entry["plans"]:
            signed = ""
            if plan["signed_at"]:
                signed = (
                    f" by {plan['signer']} at {plan['signed_at'][:16]}, hash {short_hash(plan['content_hash'] or '')}"
                )
            lines.append(f"      plan {plan['id']} version {plan['version']}: {plan['status']}{signed}")
    lines += ["", *trend_lines(history["trends"])]
    if history["follow_up"]:
        lines += ["", "Follow-up (latest assessment)"]
        for item in history["follow_up"]:
            when = window_text(item["due_on"], item["due_until"])
            lines.append(f"  [{item['id']}] {when}  {item['status']:<8} {item['title']}")
    return "\n".join(lines) + "\n"
