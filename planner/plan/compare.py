"""What changed between two plan versions, item by item, as the clinician left each one (edits applied).

Items are matched by id, which is stable across runs for the same recommendation, so a reworded or re-dated
item shows as changed rather than as one removed and one added. Alerts are compared the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
COMPARED_FIELDS = ("title", "detail", "due_on", "due_until", "level", "section")
"""The fields whose change a clinician would care about (evidence follows the item and is not compared)."""


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # added | removed | changed
    item_id: str
    section: str  # section key, or "alerts"
    title: str  # the newer title (the older one for a removed item)
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: tuple[str, ...] = ()  # for a changed item: which of COMPARED_FIELDS differ


def _entries(plan: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for alert in plan.get("alerts", []):
        yield alert.get("id") or alert["text"], {**alert, "title": alert["text"], "section": "alerts"}
    for section in plan["sections"]:
        for item in section["items"]:
            yield item["id"], {**item, "section": section["key"]}


def compare_plans(older: dict[str, Any], newer: dict[str, Any]) -> list[Change]:
    """Changes from ``older`` to ``newer``, in the newer plan's order, removed items last."""
    before = dict(_entries(older))
    changes: list[Change] = []
    seen = set()
    for item_id, entry in _entries(newer):
        seen.add(item_id)
        old = before.get(item_id)
        if old is None:
            changes.append(Change(ADDED, item_id, entry["section"], entry["title"], None, entry))
            continue
        differing = tuple(f for f in COMPARED_FIELDS if old.get(f) != entry.get(f))
        if differing:
            changes.append(Change(CHANGED, item_id, entry["section"], entry["title"], old, entry, differing))
    for item_id, entry in before.items():
        if item_id not in seen:
            changes.append(Change(REMOVED, item_id, entry["section"], entry["title"], entry, None))
    return changes
