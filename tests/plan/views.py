"""Views of a drafted plan that the clinical-review tests read: by id, as one text, the handout lines."""

from __future__ import annotations

from typing import Any

from planner.engine.findings import all_findings
from planner.plan.generate import generate_plan
from tests.plan.test_plan_lint import clinical_invariants


def checked_plan(
    library: Any, assessment: dict[str, Any], earlier: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The plan (after the ``earlier`` visits), checked by the lint's clinical invariants."""
    plan = generate_plan(assessment, library, earlier or [])
    assert clinical_invariants(assessment, plan, all_findings(assessment, library)) == []
    return plan


def offered_entries(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Alerts, items, exercises and equipment offered, by id."""
    found = {a["id"]: a for a in plan["alerts"]} | {i["id"]: i for s in plan["sections"] for i in s["items"]}
    return found | {e["id"]: e for e in (*plan["exercises"], *plan["equipment"])}


def entry_text(entry: dict[str, Any]) -> str:
    """Everything an item or card prints, for the clinician and the patient, as one text."""
    keys = ("title", "detail", "handout", "name", "purpose", "precautions")
    return " ".join([*(str(entry.get(k) or "") for k in keys), *entry.get("instructions", ())])


def handout_lines(plan: dict[str, Any]) -> dict[str, str]:
    """The handout's own lines (urgent, call, checklist), by id."""
    return {line["id"]: line["text"] for group in plan["handout"].values() for line in group}
