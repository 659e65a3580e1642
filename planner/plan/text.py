"""A plan as readable plain text, for the terminal (``planner plan FILE``)."""

from __future__ import annotations

import textwrap
from typing import Any

DRAFT_MARK = "DRAFT, for clinician review"
WIDTH = 96


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent.rstrip()]


def _references(evidence: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e['document']}, {e['section']}" for e in evidence)


def render_plan_text(plan: dict[str, Any]) -> str:
    findings = plan["findings"]
    lines = [
        f"Care plan for {plan['patient']['name']} ({plan['patient']['id']}), assessed {plan['assessed_on']}",
        f"{DRAFT_MARK}. Library {plan.get('library_version', '?')}.",
        "",
        "Findings",
    ]
    weak = findings.get("weak_groups") or []
    if weak:
        for entry in weak:
            lines.append(
                f"  {entry['side']:<5} {entry['group'].replace('_', ' '):<22} MRC {entry['mrc']}  "
                f"{entry['nerve']} ({entry['roots']}, {entry['region']})"
            )
    else:
        lines.append("  no weak muscle group recorded")
    for name in ("distribution", "pain_band", "limb_volume_ml", "excess_volume_percent", "lymphedema_severity"):
        if findings.get(name) is not None:
            value = findings[name]
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v} mL" for k, v in value.items())
            lines.append(f"  {name.replace('_', ' ')}: {value}")
    if plan["alerts"]:
        lines += ["", "Alerts"]
        for alert in plan["alerts"]:
            lines += _wrap(f"[{alert['level'].upper()}] {alert['text']}", "  ")
            if alert.get("detail"):
                lines += _wrap(alert["detail"], "      ")
            lines += _wrap(f"Basis: {_references(alert['evidence'])}", "      ")
    for section in plan["sections"]:
        lines += ["", section["title"]]
        if not section["items"]:
            lines.append("  (nothing suggested)")
        for item in section["items"]:
            lines += _wrap(f"- {item['title']}", "  ")
            if item.get("detail"):
                lines += _wrap(item["detail"], "    ")
            lines += _wrap(f"Basis: {_references(item['evidence'])}", "    ")
    return "\n".join(lines) + "\n"
