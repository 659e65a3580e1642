"""A plan as readable plain text, for the terminal (``planner plan FILE``)."""

from __future__ import annotations

import re
import textwrap
from typing import Any

DRAFT_MARK = "Draft, for clinician review"
"""What marks an unsigned plan, in one wording wherever it shows: the terminal, the app's banner, and every
page of an unsigned PDF (the clinician copy prints it in capitals)."""
WIDTH = 96


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent.rstrip()]


def _references(evidence: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e['document']}, {e['section']}" for e in evidence)


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def passage_paragraphs(text: object) -> list[str]:
    """Stored passage text as paragraphs to set in a reader's width: blank lines separate paragraphs, and the
    line breaks inside one (passages are stored hard-wrapped, as their source documents are) become spaces.
    A list item ('- ', '1. ') starts a paragraph of its own."""
    raw = "" if text is None else str(text).replace("\r\n", "\n")
    paragraphs: list[str] = []
    for chunk in _BLANK_LINE.split(raw):
        current: list[str] = []
        for line in chunk.split("\n"):
            if _LIST_ITEM.match(line) and current:
                paragraphs.append(" ".join(current))
                current = []
            if line.strip():
                current.append(line.strip())
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def cell(value: Any) -> str:
    return "-" if value is None else str(value).replace("_", " ")


HELD_HEADING = "Held back by the safety screen"
"""Heading of the items a plan does not offer because their safety screen says hold (text, app and PDF)."""


HELD_LIST_LABELS = {"exercises": "Home exercise", "equipment": "Equipment"}
"""How a held entry that is not a plan item names the list it would have joined."""


def held_title(entry: dict[str, Any]) -> str:
    """A held entry's title as the text plan, the app and the PDF show it: an exercise or an equipment item is
    marked as such, so it is not read as a plan item."""
    label = HELD_LIST_LABELS.get(entry.get("section") or "")
    return f"{label}: {entry['title']}" if label else entry["title"]


def held_by_reason(plan: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The items a plan holds back, grouped by their reason so that each reason is said once."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in plan.get("held") or []:
        groups.setdefault(entry["reason"], []).append(entry)
    return list(groups.items())


def held_evidence(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The passages behind one reason of the held list, each once: entries held for the same words by different
    screens (an infection holds heat and injections) bring each screen's passage."""
    seen: dict[tuple[Any, Any], dict[str, Any]] = {}
    for entry in entries:
        for evidence in entry.get("evidence") or ():
            seen.setdefault((evidence.get("document_id"), evidence.get("section")), evidence)
    return list(seen.values())


PAIN_LABEL = "pain NRS"
VOLUME_LABEL = "excess limb volume %"
"""Row labels of the trend table; the app's charts name their series and tooltips with the same words."""


def strength_label(entry: dict[str, Any]) -> str:
    """A muscle group and side as the trend table and the charts name it: 'hip extension (right)'."""
    return f"{entry['group'].replace('_', ' ')} ({entry['side']})"


def strength_row_label(entry: dict[str, Any]) -> str:
    """The trend table's row label of a muscle group and side, which names the scale too."""
    return f"{strength_label(entry)}, MRC"


def trend_rows(trend: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """(label, value per visit) in the order every view shows them: strength, pain, volume, walking, falls."""
    rows = [(strength_row_label(s), list(s["mrc"])) for s in trend["strength"]]
    rows += [
        (PAIN_LABEL, trend["pain_nrs"]),
        (VOLUME_LABEL, trend["excess_volume_percent"]),
        ("ambulation", trend["ambulation"]),
        ("falls, past 3 months", trend["falls_past_3_months"]),
    ]
    return [(label, values) for label, values in rows if any(v is not None for v in values)]


def trend_lines(trend: dict[str, Any], width: int = 12) -> list[str]:
    lines = ["Trends".ljust(30) + "".join(d.rjust(width) for d in trend["dates"])]
    for label, values in trend_rows(trend):
        lines.append(f"  {label:<28}" + "".join(cell(v).rjust(width) for v in values))
    window = trend.get("recovery_window_months")
    if window:
        lines.append(
            f"  expected recovery window: {cell(window['from'])}-{cell(window['to'])} months from onset"
            f" ({cell(trend.get('onset'))})"
        )
    return lines


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
    if plan.get("progress"):
        lines += ["", *trend_lines(plan["progress"])]
    if plan["alerts"]:
        lines += ["", "Alerts"]
        for alert in plan["alerts"]:
            lines += _wrap(f"[{alert['level'].upper()}] {alert['text']}", "  ")
            if alert.get("detail"):
                lines += _wrap(alert["detail"], "      ")
            lines += _wrap(f"Basis: {_references(alert['evidence'])}", "      ")
    if plan.get("held"):
        lines += ["", HELD_HEADING]
        for reason, entries in held_by_reason(plan):
            lines += _wrap(f"Held: {reason}", "  ")
            for entry in entries:
                lines += _wrap(f"- {held_title(entry)}", "    ")
            lines += _wrap(f"Basis: {_references(held_evidence(entries))}", "      ")
    for section in plan["sections"]:
        lines += ["", section["title"]]
        if not section["items"]:
            lines.append("  (nothing suggested)")
        for item in section["items"]:
            lines += _wrap(f"- {item['title']}", "  ")
            if item.get("detail"):
                lines += _wrap(item["detail"], "    ")
            if item.get("due_on"):
                until = f" to {item['due_until']}" if item.get("due_until") else ""
                lines += _wrap(f"Due: {item['due_on']}{until} ({item['due_rule']})", "    ")
            lines += _wrap(f"Basis: {_references(item['evidence'])}", "    ")
    return "\n".join(lines) + "\n"
