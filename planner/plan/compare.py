"""What changed between two plan versions, item by item, as the clinician left each one (edits applied).

Items are matched by id, which is stable across runs for the same recommendation, so a reworded or re-dated
item shows as changed rather than as one removed and one added. Alerts are compared the same way.

Each change also says, where it can, how the clinician's edits explain it (an item excluded with its reason, a
clinician's own item, a reworded one), because "removed" alone would read as if the documents had dropped it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from planner.assessment.schema import SECTION_KEYS

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
COMPARED_FIELDS = ("title", "detail", "due_on", "due_until", "level", "section")
"""The fields whose change a clinician would care about (evidence follows the item and is not compared)."""
FIELD_LABELS = {
    "title": "title",
    "detail": "detail",
    "due_on": "due date",
    "due_until": "due until",
    "level": "alert level",
    "section": "section",
}
"""How each compared field is named to a reader (the app's comparison and any text listing)."""


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # added | removed | changed
    item_id: str
    section: str  # section key, or "alerts"
    title: str  # the newer title (the older one for a removed item)
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: tuple[str, ...] = ()  # for a changed item: which of COMPARED_FIELDS differ
    note: str = ""  # how the clinician's edits explain the change, "" when they do not


def _entries(plan: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for alert in plan.get("alerts", []):
        yield alert.get("id") or alert["text"], {**alert, "title": alert["text"], "section": "alerts"}
    for section in plan["sections"]:
        for item in section["items"]:
            yield item["id"], {**item, "section": section["key"]}


def _excluded(plan: dict[str, Any]) -> dict[str, str]:
    """Item id -> exclusion reason, for a plan with edits applied (``PlanRecord.final()``)."""
    return {entry["id"]: entry.get("reason") or "" for entry in plan.get("excluded", [])}


def _added_note(entry: dict[str, Any], excluded_before: dict[str, str], item_id: str) -> str:
    if entry.get("source") == "clinician":
        return "clinician's item"
    return "included again" if item_id in excluded_before else ""


def _changed_note(old: dict[str, Any], new: dict[str, Any]) -> str:
    if new.get("edited") and not old.get("edited"):
        return "reworded by the clinician"
    if old.get("edited") and not new.get("edited"):
        return "generated wording restored"
    return ""


def compare_plans(older: dict[str, Any], newer: dict[str, Any]) -> list[Change]:
    """Changes from ``older`` to ``newer``, in the newer plan's order, removed items last."""
    before = dict(_entries(older))
    excluded_before, excluded_after = _excluded(older), _excluded(newer)
    changes: list[Change] = []
    seen = set()
    for item_id, entry in _entries(newer):
        seen.add(item_id)
        old = before.get(item_id)
        if old is None:
            note = _added_note(entry, excluded_before, item_id)
            changes.append(Change(ADDED, item_id, entry["section"], entry["title"], None, entry, note=note))
            continue
        differing = tuple(f for f in COMPARED_FIELDS if old.get(f) != entry.get(f))
        if differing:
            note = _changed_note(old, entry)
            changes.append(Change(CHANGED, item_id, entry["section"], entry["title"], old, entry, differing, note))
    for item_id, entry in before.items():
        if item_id not in seen:
            note = ""
            if item_id in excluded_after:
                reason = excluded_after[item_id]
                note = f"excluded: {reason}" if reason else "excluded"
            changes.append(Change(REMOVED, item_id, entry["section"], entry["title"], entry, None, note=note))
    return changes


def by_section(changes: list[Change]) -> list[Change]:
    """The changes grouped by section (alerts first, then the plan's sections in order), each group keeping the
    order :func:`compare_plans` gave it, so a removed item sits with its section rather than at the end."""
    rank = {key: index for index, key in enumerate(("alerts", *SECTION_KEYS))}
    return sorted(changes, key=lambda change: rank.get(change.section, len(rank)))
