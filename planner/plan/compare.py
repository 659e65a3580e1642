"""What changed between two plan versions, item by item, as the clinician left each one (edits applied).

Items are matched by id, which is stable across runs for the same recommendation, so a reworded or re-dated
item shows as changed rather than as one removed and one added. Alerts are compared the same way.

Each change also says, where it can, how the clinician's edits explain it (an item excluded with its reason, a
clinician's own item, a reworded one), because "removed" alone would read as if the documents had dropped it.
"""

from __future__ import annotations

import difflib
import re
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


SAME, DELETED, INSERTED = "same", "deleted", "inserted"
_TOKEN = re.compile(r"\s+|\d{4}-\d{2}-\d{2}|\w+(?:[.,]\d+)*|[^\w\s]")
"""Words (a date or a decimal number is one word), single punctuation marks and runs of space, so a change
of '3' to '4' in 'MRC 3;' is one word changed, not the whole 'MRC 3;'."""


REWRITTEN = 0.5
"""Below this share of words in common a text counts as rewritten: shown whole, old then new, rather than as
scattered common words ('.', 'of') between changes."""


def word_changes(before: str, after: str) -> list[tuple[str, str]]:
    """``before`` turned into ``after`` as runs of (kind, text): SAME, DELETED or INSERTED. A replaced run
    comes as its DELETED run, then its INSERTED one; changes separated only by a space are one change."""
    old, new = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    segments: list[list[str]] = []  # ["same", text] or ["change", old, new]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < REWRITTEN:
        return [(kind, text) for kind, text in ((DELETED, before or ""), (INSERTED, after or "")) if text]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append([SAME, "".join(old[i1:i2])])
        else:
            segments.append(["change", "".join(old[i1:i2]), "".join(new[j1:j2])])
    merged: list[list[str]] = []
    for segment in segments:
        if (
            segment[0] == "change"
            and len(merged) >= 2
            and merged[-1][0] == SAME
            and not merged[-1][1].strip()
            and merged[-2][0] == "change"
        ):
            space = merged.pop()[1]
            merged[-1][1] += space + segment[1]
            merged[-1][2] += space + segment[2]
        else:
            merged.append(segment)
    runs: list[tuple[str, str]] = []
    for segment in merged:
        if segment[0] == SAME:
            runs.append((SAME, segment[1]))
            continue
        if segment[1]:
            runs.append((DELETED, segment[1]))
        if segment[2]:
            runs.append((INSERTED, segment[2]))
    return runs


def change_summary(runs: list[tuple[str, str]], context: int = 4) -> list[tuple[str, str]]:
    """The runs with long unchanged stretches cut to ``context`` words either side of a change ('…' stands
    for what is left out), so a one-word change in a paragraph reads '… quadriceps: MRC 3 → 4; joint …'."""
    if all(kind == SAME for kind, _ in runs):
        return runs
    out: list[tuple[str, str]] = []
    last = len(runs) - 1
    for position, (kind, text) in enumerate(runs):
        words = text.split(" ")
        if kind != SAME or len(words) <= context + 1 or (0 < position < last and len(words) <= 2 * context + 2):
            out.append((kind, text))
        elif position == 0:
            out.append((SAME, "… " + " ".join(words[-(context + 1) :])))
        elif position == last:
            out.append((SAME, " ".join(words[: context + 1]) + " …"))
        else:
            out.append((SAME, " ".join(words[: context + 1]) + " … " + " ".join(words[-(context + 1) :])))
    return out


def _spaced(text: str, shown: str) -> str:
    """``shown`` with the space around ``text`` kept outside it."""
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{shown}{trail}"


def change_text(runs: list[tuple[str, str]]) -> str:
    """Runs as plain text: a replaced run 'old → new', a deleted one '[removed: old]', an added one
    '[added: new]' (what a screen reader, a tooltip or a text listing says)."""
    parts: list[str] = []
    index = 0
    while index < len(runs):
        kind, text = runs[index]
        if kind == DELETED and index + 1 < len(runs) and runs[index + 1][0] == INSERTED:
            parts.append(_spaced(text, f"{text.strip()} → {runs[index + 1][1].strip()}"))
            index += 2
            continue
        if kind == DELETED:
            parts.append(_spaced(text, f"[removed: {text.strip()}]"))
        elif kind == INSERTED:
            parts.append(_spaced(text, f"[added: {text.strip()}]"))
        else:
            parts.append(text)
        index += 1
    return "".join(parts)
