"""Clinician edits to a generated plan, kept apart from the generated content.

The generated plan (lsp-careplan/1) is never changed in place: the clinician's exclusions (with reasons),
rewordings, ordering and free-text items are stored beside it and applied on top for display and printing.
That keeps what the documents suggested and what the clinician decided visibly distinct, and lets a draft
plan be regenerated when the assessment changes without losing the edits (they are keyed by item id).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from planner.assessment.schema import SECTION_KEYS
from planner.errors import UserError

MAX_TEXT = 2000


@dataclass(slots=True)
class AddedItem:
    id: str
    section: str
    title: str
    detail: str = ""


@dataclass(slots=True)
class PlanEdits:
    excluded: dict[str, str] = field(default_factory=dict)  # item id -> reason ("" when none given)
    rewritten: dict[str, dict[str, str]] = field(default_factory=dict)  # item id -> {"title", "detail"}
    order: dict[str, list[str]] = field(default_factory=dict)  # section key -> item ids, clinician's order
    added: list[AddedItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "excluded": dict(self.excluded),
            "rewritten": {k: dict(v) for k, v in self.rewritten.items()},
            "order": {k: list(v) for k, v in self.order.items()},
            "added": [{"id": a.id, "section": a.section, "title": a.title, "detail": a.detail} for a in self.added],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> PlanEdits:
        data = data or {}
        return cls(
            excluded={str(k): str(v) for k, v in (data.get("excluded") or {}).items()},
            rewritten={
                str(k): {"title": str(v.get("title", "")), "detail": str(v.get("detail", ""))}
                for k, v in (data.get("rewritten") or {}).items()
            },
            order={str(k): [str(i) for i in v] for k, v in (data.get("order") or {}).items()},
            added=[
                AddedItem(str(a["id"]), str(a["section"]), str(a["title"]), str(a.get("detail", "")))
                for a in data.get("added") or ()
            ],
        )

    def copy(self) -> PlanEdits:
        return PlanEdits.from_json(self.to_json())

    def next_added_id(self) -> str:
        taken = {a.id for a in self.added}
        number = 1
        while f"clinician-{number}" in taken:
            number += 1
        return f"clinician-{number}"


def check_text(name: str, text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise UserError(f"{name}: must not be empty")
    if len(text) > MAX_TEXT:
        raise UserError(f"{name}: at most {MAX_TEXT} characters")
    return text


def check_section(section: str) -> str:
    if section not in SECTION_KEYS:
        raise UserError(f"section: must be one of {', '.join(SECTION_KEYS)}")
    return section


def apply_edits(content: dict[str, Any], edits: PlanEdits) -> dict[str, Any]:
    """The plan as the clinician left it: excluded items out (listed with reasons), rewordings applied and
    marked, clinician order, free-text items added and marked as the clinician's."""
    plan = copy.deepcopy(content)
    excluded: list[dict[str, Any]] = []
    for section in plan["sections"]:
        items = []
        for item in section["items"]:
            if item["id"] in edits.excluded:
                excluded.append(
                    {
                        "id": item["id"],
                        "section": section["key"],
                        "title": item["title"],
                        "reason": edits.excluded[item["id"]],
                    }
                )
                continue
            rewrite = edits.rewritten.get(item["id"])
            if rewrite:
                item["generated"] = {"title": item["title"], "detail": item.get("detail", "")}
                item["title"] = rewrite["title"] or item["title"]
                item["detail"] = rewrite["detail"]
                item["edited"] = True
            item.setdefault("source", "document")
            items.append(item)
        for added in edits.added:
            if added.section == section["key"] and added.id not in edits.excluded:
                items.append(
                    {
                        "id": added.id,
                        "title": added.title,
                        "detail": added.detail,
                        "source": "clinician",
                        "evidence": [],
                    }
                )
        wanted = edits.order.get(section["key"])
        if wanted:
            rank = {item_id: index for index, item_id in enumerate(wanted)}
            items.sort(key=lambda i: rank.get(i["id"], len(rank)))
        section["items"] = items
    plan["excluded"] = excluded
    return plan
