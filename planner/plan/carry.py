"""Decisions carry over between visits: a new visit's draft starts from the previous version's decisions.

What the clinician decided at the last visit (an item excluded and why, a rewording, a patient text of their own,
a free-text item, the exercise cards kept, added, taken out and their dosages, what was done about each piece of
equipment) is most often still right at the next: a new visit's draft starts from it rather than from nothing.
But a decision taken over is not yet a decision about *this* visit, so each one is marked "carried over from the
visit of DATE" (:class:`~planner.edits.CarriedMark`, stored in the edits of the plan version) until the clinician
confirms it or changes it; the assessment values copied into the new visit are marked the same way. A plan with
a mark not yet confirmed is not signed (:func:`planner.record.plans.sign_plan`).

A decision about an item the new plan no longer contains (the item's condition no longer holds, or the safety
screen now holds it) is not dropped: it stays in the edits, does nothing to the plan, and
:func:`review_entries` lists it as not in this plan any more, for the clinician to keep for a later visit or drop.

The order of items and cards is carried too, without a mark: it changes what is printed first, not what is done.
The next appointment is not carried (it was the date of this visit, or one before it).

Qt-free: the app's new visit (``MainWindow.new_assessment``) and any other caller use :func:`new_visit`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.edits import (
    EQUIPMENT_STATUSES,
    CarriedMark,
    DosageChange,
    PlanEdits,
    decision_key,
    split_key,
)

NOT_CARRIED = frozenset({"format", "patient", "assessed_on", "assessor"})
"""Top-level parts of an assessment that are not clinical values carried forward (who and when)."""
TODAYS = (("pain", "nrs"),)
"""Values a new visit records afresh rather than copying: the pain score is today's."""

EQUIPMENT_WORDS = {
    "recommended": "recommended",
    "issued": "issued",
    "owned": "already owned",
    "not_needed": "not needed",
}
assert set(EQUIPMENT_WORDS) == set(EQUIPMENT_STATUSES)


def follow_up_assessment(previous: dict[str, Any], assessor: str = "", today: date | None = None) -> dict[str, Any]:
    """A new visit starts from the previous one (history, grades, function), dated today; the pain score is
    today's to record, not last visit's carried over."""
    data = copy.deepcopy(previous)
    data["assessed_on"] = (today or date.today()).isoformat()
    for part, name in TODAYS:
        (data.get(part) or {}).pop(name, None)
    if assessor:
        data["assessor"] = assessor
    return data


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Each value of an assessment with its path; a list is one value (a set of check boxes, a column)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif value is not None:
        yield path, value


def carried_values(previous: dict[str, Any], new: dict[str, Any], visit: str) -> dict[str, CarriedMark]:
    """A mark for every clinical value of ``new`` that is the one of ``previous`` (copied into the new visit)."""
    marks: dict[str, CarriedMark] = {}
    for path, value in _leaves({k: v for k, v in new.items() if k not in NOT_CARRIED}):
        old: Any = previous
        for key in path:
            old = old.get(key) if isinstance(old, Mapping) else None
        if old is not None and old == value:
            marks[decision_key("value", ".".join(path))] = CarriedMark(visit)
    return marks


def _titles(plan: Mapping[str, Any]) -> dict[str, str]:
    """What the previous plan called each item, card and piece of equipment (by id), kept with its marks."""
    titles: dict[str, str] = {}
    for section in plan.get("sections") or ():
        for item in section.get("items") or ():
            titles[item["id"]] = str(item.get("title") or "")
    for entry in plan.get("excluded") or ():
        titles.setdefault(entry["id"], str(entry.get("title") or ""))
    named = ("exercises", "excluded_exercises", "equipment")
    for entry in (entry for part in named for entry in plan.get(part) or ()):
        titles.setdefault(entry["id"], str(entry.get("name") or ""))
    return titles


def carry_over(previous: PlanEdits, previous_plan: Mapping[str, Any], visit: str) -> PlanEdits:
    """The previous version's decisions as the new visit's draft edits, each marked as carried over from
    ``visit`` (its date). ``previous_plan`` is that version's plan as the clinician left it, for the titles."""
    titles = _titles(previous_plan)
    out = PlanEdits(
        excluded=dict(previous.excluded),
        rewritten={key: dict(value) for key, value in previous.rewritten.items()},
        order={key: list(value) for key, value in previous.order.items()},
        added=[copy.copy(item) for item in previous.added],
        handout=dict(previous.handout),
        exercise_order=list(previous.exercise_order),
        exercise_excluded=dict(previous.exercise_excluded),
        exercise_added=copy.deepcopy(previous.exercise_added),
        dosage=dict(previous.dosage),
        equipment=dict(previous.equipment),
    )

    def mark(kind: str, target: str, title: str = "") -> None:
        out.carried[decision_key(kind, target)] = CarriedMark(visit, title or titles.get(target, ""))

    for item_id in out.excluded:
        mark("excluded", item_id)
    for item_id, wording in out.rewritten.items():
        mark("wording", item_id, titles.get(item_id) or wording.get("title", ""))
    for item_id in out.handout:
        mark("patient_text", item_id)
    for item in out.added:
        mark("added", item.id, item.title)
    for exercise_id in out.exercise_excluded:
        mark("exercise_excluded", exercise_id)
    for entry in out.exercise_added:
        mark("exercise_added", entry["id"], str(entry.get("name") or ""))
    for exercise_id in out.dosage:
        mark("dosage", exercise_id)
    for equipment_id in out.equipment:
        mark("equipment", equipment_id)
    return out


def new_visit(
    previous_assessment: dict[str, Any],
    previous_edits: PlanEdits,
    previous_plan: Mapping[str, Any],
    *,
    assessor: str = "",
    today: date | None = None,
) -> tuple[dict[str, Any], PlanEdits]:
    """A new visit's assessment and draft edits from the previous plan version: the assessment's values and the
    clinician's decisions carried forward, each marked with the previous visit's date until confirmed or
    changed."""
    visit = str(previous_assessment.get("assessed_on") or "")
    assessment = follow_up_assessment(previous_assessment, assessor, today)
    edits = carry_over(previous_edits, previous_plan, visit)
    edits.carried.update(carried_values(previous_assessment, assessment, visit))
    return assessment, edits


# --- what the clinician reviews -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One decision to review: what it is about (``title``), what was decided (``what``), where it came from
    (``visit``, None for a decision of this visit) and whether the plan still contains what it is about."""

    key: str
    title: str
    what: str
    visit: str | None
    confirmed: bool
    present: bool

    @property
    def kind(self) -> str:
        return split_key(self.key)[0]

    @property
    def target(self) -> str:
        return split_key(self.key)[1]

    @property
    def to_review(self) -> bool:
        return self.visit is not None and not self.confirmed


def _present(kind: str, target: str, plan: Mapping[str, Any]) -> bool:
    items = {item["id"] for section in plan.get("sections") or () for item in section.get("items") or ()}
    items |= {entry["id"] for entry in plan.get("excluded") or ()}
    cards = {entry["id"] for entry in (*(plan.get("exercises") or ()), *(plan.get("excluded_exercises") or ()))}
    if kind in ("excluded", "wording", "patient_text", "added"):
        return target in items
    if kind in ("exercise_excluded", "exercise_added", "dosage"):
        return target in cards
    if kind == "equipment":
        return target in {entry["id"] for entry in plan.get("equipment") or ()}
    return True  # an order, an assessment value


def _dosage_words(change: DosageChange) -> str:
    parts = []
    if change.sets is not None:
        parts.append(f"{change.sets} sets")
    if change.reps is not None:
        parts.append(f"{change.reps} repetitions")
    if change.hold_seconds is not None:
        parts.append(f"hold {change.hold_seconds} s")
    if change.rest_seconds is not None:
        parts.append(f"rest {change.rest_seconds} s")
    if change.times is not None:
        parts.append(f"{change.times} {'time' if change.times == 1 else 'times'} a {change.per}")
    if change.note:
        parts.append(f"note: {change.note}")
    return ", ".join(parts)


def _decisions(edits: PlanEdits, plan: Mapping[str, Any], assessment: Mapping[str, Any]) -> dict[str, str]:
    """Every decision of ``edits`` by its key, in words (the marks' keys name the same decisions)."""
    cards = {entry["id"]: entry for entry in plan.get("exercises") or ()}
    out: dict[str, str] = {}
    for item_id, reason in edits.excluded.items():
        out[decision_key("excluded", item_id)] = f"excluded: {reason}" if reason else "excluded (no reason given)"
    for item_id, wording in edits.rewritten.items():
        out[decision_key("wording", item_id)] = f"reworded: {wording.get('title', '')}"
    for item_id, text in edits.handout.items():
        out[decision_key("patient_text", item_id)] = f"patient text: {text}"
    for item in edits.added:
        text = f"; patient text: {item.handout}" if item.handout else ""
        out[decision_key("added", item.id)] = f"free-text item{text}"
    for exercise_id, reason in edits.exercise_excluded.items():
        out[decision_key("exercise_excluded", exercise_id)] = (
            f"taken out of the programme: {reason}" if reason else "taken out of the programme (no reason given)"
        )
    for entry in edits.exercise_added:
        out[decision_key("exercise_added", entry["id"])] = "added from the library"
    for exercise_id, change in edits.dosage.items():
        shown = (cards.get(exercise_id) or {}).get("dosage") or {}
        words = shown.get("text") if (cards.get(exercise_id) or {}).get("edited") else ""
        out[decision_key("dosage", exercise_id)] = f"dosage: {words or _dosage_words(change)}"
        if change.note and words:
            out[decision_key("dosage", exercise_id)] += f"; note: {change.note}"
    for equipment_id, status in edits.equipment.items():
        out[decision_key("equipment", equipment_id)] = EQUIPMENT_WORDS.get(status, status)
    for key in edits.carried:
        kind, target = split_key(key)
        if kind == "value":
            value: Any = assessment
            for part in target.split("."):
                value = value.get(part) if isinstance(value, Mapping) else None
            out[key] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return out


def review_entries(edits: PlanEdits, plan: Mapping[str, Any], assessment: Mapping[str, Any]) -> list[ReviewEntry]:
    """What the clinician has to look at: every carried-over decision and value (to review until confirmed or
    changed), and every decision about something this plan no longer contains (carried or made this visit), in
    that order. ``plan`` is the plan with the edits applied; ``assessment`` the one being edited."""
    decided = _decisions(edits, plan, assessment)
    titles = _titles(plan)
    entries = []
    for key, what in decided.items():
        kind, target = split_key(key)
        mark = edits.carried.get(key)
        present = _present(kind, target, plan)
        if mark is None and present:
            continue  # a decision of this visit about something in the plan: nothing to review
        title = titles.get(target) or (mark.title if mark else "") or target
        entries.append(
            ReviewEntry(
                key=key,
                title=title,
                what=what,
                visit=mark.visit if mark else None,
                confirmed=bool(mark and mark.confirmed),
                present=present,
            )
        )
    entries.sort(key=lambda entry: (entry.present, not entry.to_review))
    return entries
