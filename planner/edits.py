"""The clinician's decisions on a generated plan, kept apart from the generated content.

The generated plan (lsp-careplan/1) is never changed in place: what the clinician decided is stored beside it,
with the plan version (part of what is signed), and applied on top by one function, :func:`apply_edits`, for the
app, the command line, both PDFs, the follow-up schedule and the text plan alike. That keeps what the documents
suggested and what the clinician decided visibly distinct, and lets a draft be regenerated when the assessment
changes without losing the decisions (they are keyed by item, exercise and equipment id).

The decisions:

* plan items: excluded (with a reason), reworded (title and detail), a patient text of the clinician's own
  (``handout``), the order within a section, and free-text items the clinician added (with a patient text too);
* home exercises: excluded (with a reason), added from the library (kept as the library rendered them when
  added, so the plan does not depend on the library staying the same), the order of the cards, and dosage
  changes per exercise (sets, repetitions, hold, rest, how often, a note);
* equipment: a status per item (recommended, issued, already owned, not needed; none = suggested only);
* the next appointment date the handout prints;
* what was carried over from the previous visit (``carried``): each decision taken over into a new visit's draft
  (and each assessment value copied into it) keeps a mark naming the visit it came from, until the clinician
  confirms it or changes it (see :mod:`planner.plan.carry`). Every edit function below settles the marks of the
  decisions it makes, so "changed" needs no bookkeeping of its own; a plan with marks not yet confirmed is not
  signed (:func:`unconfirmed`).

Every edit is a pure function here (``exclude_item``, ``set_dosage`` ...) that returns new edits, so each undo
command of the app calls one of them. The stored shape is documented in docs/careplan-additions.md; edits stored
before a decision existed load as "no such decision".
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from planner.assessment.schema import SECTION_KEYS
from planner.engine.dosage import LIMITS, Dosage
from planner.errors import UserError

MAX_TEXT = 2000
EQUIPMENT_STATUSES = ("recommended", "issued", "owned", "not_needed")
"""What the clinician decided about an equipment item; an item with none is only suggested by the documents."""
CHOSEN_EQUIPMENT = ("recommended", "issued", "owned")
"""The statuses that put an equipment item on the patient's handout."""
PER = ("day", "week")


@dataclass(slots=True)
class AddedItem:
    """A free-text plan item the clinician wrote; ``handout`` is its text for the patient (none: not printed)."""

    id: str
    section: str
    title: str
    detail: str = ""
    handout: str = ""


@dataclass(frozen=True, slots=True)
class DosageChange:
    """The clinician's dosage for one exercise: each part given replaces the document's (None keeps it);
    ``note`` is a line of the clinician's own printed on the card."""

    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    rest_seconds: int | None = None
    times: int | None = None
    per: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DosageChange:
        numbers = {name: _whole(data.get(name)) for name in ("sets", "reps", "hold_seconds", "rest_seconds", "times")}
        per = data.get("per")
        return cls(**numbers, per=per if per in PER else None, note=str(data.get("note") or ""))

    @property
    def empty(self) -> bool:
        return self == DosageChange()


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class CarriedMark:
    """A decision (or an assessment value) taken over from an earlier visit: ``visit`` is that visit's date
    (ISO), ``title`` what it was about as that visit's plan named it (so a decision about an item this plan no
    longer has can still be listed in words), ``confirmed`` whether the clinician has reviewed it."""

    visit: str
    title: str = ""
    confirmed: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"visit": self.visit}
        if self.title:
            out["title"] = self.title
        if self.confirmed:
            out["confirmed"] = True
        return out

    @classmethod
    def from_json(cls, data: Any) -> CarriedMark | None:
        if not isinstance(data, Mapping) or not data.get("visit"):
            return None
        return cls(str(data["visit"]), str(data.get("title") or ""), data.get("confirmed") is True)


DECISION_KINDS = (
    "excluded",
    "wording",
    "patient_text",
    "added",
    "order",
    "exercise_excluded",
    "exercise_added",
    "dosage",
    "exercise_order",
    "equipment",
    "value",
)
"""The kinds of carried marks: ``KIND:TARGET``, the target an item, exercise or equipment id, a section key
(``order``), nothing (``exercise_order``) or an assessment path with dots (``value:history.etiology``)."""


def decision_key(kind: str, target: str = "") -> str:
    """The key of a carried mark: ``excluded:clinic-aid-walker``, ``value:strength.hip_flexion.left``."""
    assert kind in DECISION_KINDS, kind
    return f"{kind}:{target}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, target = key.partition(":")
    return kind, target


@dataclass(slots=True)
class PlanEdits:
    excluded: dict[str, str] = field(default_factory=dict)  # item id -> reason ("" when none given)
    rewritten: dict[str, dict[str, str]] = field(default_factory=dict)  # item id -> {"title", "detail"}
    order: dict[str, list[str]] = field(default_factory=dict)  # section key -> item ids, clinician's order
    added: list[AddedItem] = field(default_factory=list)
    handout: dict[str, str] = field(default_factory=dict)  # document item id -> the clinician's patient text
    exercise_order: list[str] = field(default_factory=list)  # exercise ids, the clinician's order of the cards
    exercise_excluded: dict[str, str] = field(default_factory=dict)  # exercise id -> reason
    exercise_added: list[dict[str, Any]] = field(default_factory=list)  # library entries as rendered when added
    dosage: dict[str, DosageChange] = field(default_factory=dict)  # exercise id -> the clinician's dosage
    equipment: dict[str, str] = field(default_factory=dict)  # equipment id -> one of EQUIPMENT_STATUSES
    next_appointment: str | None = None  # ISO date the handout gives as the next appointment
    carried: dict[str, CarriedMark] = field(default_factory=dict)  # decision key -> where it was carried from

    def to_json(self) -> dict[str, Any]:
        """The stored form. Decisions added after the first version are written only when made, so the edits
        of a plan without them are stored (and hashed) exactly as before."""
        out: dict[str, Any] = {
            "excluded": dict(self.excluded),
            "rewritten": {k: dict(v) for k, v in self.rewritten.items()},
            "order": {k: list(v) for k, v in self.order.items()},
            "added": [_added_json(a) for a in self.added],
        }
        if self.handout:
            out["handout"] = dict(self.handout)
        exercises: dict[str, Any] = {}
        if self.exercise_order:
            exercises["order"] = list(self.exercise_order)
        if self.exercise_excluded:
            exercises["excluded"] = dict(self.exercise_excluded)
        if self.exercise_added:
            exercises["added"] = copy.deepcopy(self.exercise_added)
        if self.dosage:
            exercises["dosage"] = {k: v.to_json() for k, v in self.dosage.items()}
        if exercises:
            out["exercises"] = exercises
        if self.equipment:
            out["equipment"] = dict(self.equipment)
        if self.next_appointment:
            out["next_appointment"] = self.next_appointment
        if self.carried:
            out["carried"] = {key: mark.to_json() for key, mark in self.carried.items()}
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> PlanEdits:
        """Edits as stored, of any version: a decision the stored form does not carry is simply not made."""
        data = data or {}
        exercises = data.get("exercises") or {}
        return cls(
            excluded={str(k): str(v) for k, v in (data.get("excluded") or {}).items()},
            rewritten={
                str(k): {"title": str(v.get("title", "")), "detail": str(v.get("detail", ""))}
                for k, v in (data.get("rewritten") or {}).items()
            },
            order={str(k): [str(i) for i in v] for k, v in (data.get("order") or {}).items()},
            added=[
                AddedItem(
                    str(a["id"]),
                    str(a["section"]),
                    str(a["title"]),
                    str(a.get("detail", "")),
                    str(a.get("handout", "")),
                )
                for a in data.get("added") or ()
            ],
            handout={str(k): str(v) for k, v in (data.get("handout") or {}).items()},
            exercise_order=[str(i) for i in exercises.get("order") or ()],
            exercise_excluded={str(k): str(v) for k, v in (exercises.get("excluded") or {}).items()},
            exercise_added=[dict(e) for e in exercises.get("added") or () if isinstance(e, dict) and e.get("id")],
            dosage={str(k): DosageChange.from_json(v) for k, v in (exercises.get("dosage") or {}).items()},
            equipment={str(k): str(v) for k, v in (data.get("equipment") or {}).items() if v in EQUIPMENT_STATUSES},
            next_appointment=str(data["next_appointment"]) if data.get("next_appointment") else None,
            carried={
                str(key): mark
                for key, value in (data.get("carried") or {}).items()
                if split_key(str(key))[0] in DECISION_KINDS and (mark := CarriedMark.from_json(value)) is not None
            },
        )

    def copy(self) -> PlanEdits:
        return PlanEdits.from_json(self.to_json())

    def next_added_id(self) -> str:
        taken = {a.id for a in self.added}
        number = 1
        while f"clinician-{number}" in taken:
            number += 1
        return f"clinician-{number}"


def _added_json(item: AddedItem) -> dict[str, str]:
    out = {"id": item.id, "section": item.section, "title": item.title, "detail": item.detail}
    if item.handout:
        out["handout"] = item.handout
    return out


def _settle(edits: PlanEdits, *keys: str) -> PlanEdits:
    """The clinician made these decisions now: any mark saying they were carried over goes (in place, on the
    copy an edit function works on)."""
    for key in keys:
        edits.carried.pop(key, None)
    return edits


def _decided(edits: PlanEdits, kind: str, target: str = "") -> PlanEdits:
    """A copy of ``edits`` for an edit function to change: the decision (``kind``, ``target``) is the
    clinician's now, so its carried-over mark goes."""
    return _settle(edits.copy(), decision_key(kind, target))


def unconfirmed(edits: PlanEdits) -> dict[str, CarriedMark]:
    """The carried-over decisions and values not yet confirmed or changed (a plan with any is not signed)."""
    return {key: mark for key, mark in edits.carried.items() if not mark.confirmed}


def confirm_carried(edits: PlanEdits, keys: Iterable[str]) -> PlanEdits:
    """The clinician reviewed these carried-over decisions and keeps them as they are: the marks stay (they say
    where the decision came from) and read as confirmed."""
    out = edits.copy()
    for key in keys:
        mark = out.carried.get(key)
        if mark is not None:
            out.carried[key] = replace(mark, confirmed=True)
    return out


def confirm_all_carried(edits: PlanEdits) -> PlanEdits:
    return confirm_carried(edits, list(edits.carried))


def settle_value(edits: PlanEdits, path: Iterable[str]) -> PlanEdits:
    """An assessment value at ``path`` was changed: its carried-forward mark (and those of the values under it
    or above it: a whole table, one of its cells) goes."""
    changed = ".".join(path)
    out = edits.copy()
    for key in list(out.carried):
        kind, target = split_key(key)
        if kind == "value" and (
            target == changed or target.startswith(changed + ".") or changed.startswith(target + ".")
        ):
            del out.carried[key]
    return out


def drop_decision(edits: PlanEdits, key: str) -> PlanEdits:
    """Remove a decision (and its mark): for one about an item the plan no longer contains, which the
    clinician has seen listed and does not want kept for a later visit."""
    kind, target = split_key(key)
    out = edits.copy()
    if kind == "excluded":
        out.excluded.pop(target, None)
    elif kind == "wording":
        out.rewritten.pop(target, None)
    elif kind == "patient_text":
        out.handout.pop(target, None)
    elif kind == "added":
        return remove_added_item(_settle(out, key), target)
    elif kind == "order":
        out.order.pop(target, None)
    elif kind == "exercise_excluded":
        out.exercise_excluded.pop(target, None)
    elif kind == "exercise_added":
        out.exercise_added = [e for e in out.exercise_added if e["id"] != target]
        out.exercise_order = [i for i in out.exercise_order if i != target]
    elif kind == "dosage":
        out.dosage.pop(target, None)
    elif kind == "exercise_order":
        out.exercise_order = []
    elif kind == "equipment":
        out.equipment.pop(target, None)
    return _settle(out, key)


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


# --- one pure function per edit (each returns new edits; the app's undo commands call one each) ----------


def exclude_item(edits: PlanEdits, item_id: str, reason: str) -> PlanEdits:
    out = _decided(edits, "excluded", item_id)
    out.excluded[item_id] = check_text("reason", reason, required=False)
    return out


def include_item(edits: PlanEdits, item_id: str) -> PlanEdits:
    out = _decided(edits, "excluded", item_id)
    out.excluded.pop(item_id, None)
    return out


def reword_item(edits: PlanEdits, item_id: str, title: str, detail: str) -> PlanEdits:
    """The clinician's title and detail for an item (an added item's own text is changed in place)."""
    title = check_text("title", title, required=True)
    detail = check_text("detail", detail, required=False)
    out = _settle(edits.copy(), decision_key("wording", item_id), decision_key("added", item_id))
    added = next((a for a in out.added if a.id == item_id), None)
    if added is not None:
        added.title, added.detail = title, detail
    else:
        out.rewritten[item_id] = {"title": title, "detail": detail}
    return out


def restore_item_wording(edits: PlanEdits, item_id: str) -> PlanEdits:
    out = _decided(edits, "wording", item_id)
    out.rewritten.pop(item_id, None)
    return out


def set_patient_text(edits: PlanEdits, item_id: str, text: str | None) -> PlanEdits:
    """The item's text on the patient's handout in the clinician's words; None or blank goes back to the
    documents' text (for an added item: no text, so the item is not on the handout)."""
    value = check_text("patient text", text or "", required=False)
    out = _settle(edits.copy(), decision_key("patient_text", item_id), decision_key("added", item_id))
    added = next((a for a in out.added if a.id == item_id), None)
    if added is not None:
        added.handout = value
    elif value:
        out.handout[item_id] = value
    else:
        out.handout.pop(item_id, None)
    return out


def add_item(edits: PlanEdits, section: str, title: str, detail: str = "", handout: str = "") -> tuple[PlanEdits, str]:
    """A free-text item of the clinician's; returns the new edits and the item's id."""
    out = edits.copy()
    item_id = out.next_added_id()
    out.added.append(
        AddedItem(
            item_id,
            check_section(section),
            check_text("title", title, required=True),
            check_text("detail", detail, required=False),
            check_text("patient text", handout, required=False),
        )
    )
    return out, item_id


def remove_added_item(edits: PlanEdits, item_id: str) -> PlanEdits:
    out = _settle(edits.copy(), decision_key("added", item_id), decision_key("excluded", item_id))
    out.added = [a for a in out.added if a.id != item_id]
    out.excluded.pop(item_id, None)
    for ids in out.order.values():
        if item_id in ids:
            ids.remove(item_id)
    return out


def order_items(edits: PlanEdits, section: str, item_ids: Iterable[str]) -> PlanEdits:
    out = _decided(edits, "order", section)
    out.order[check_section(section)] = list(dict.fromkeys(item_ids))
    return out


def exclude_exercise(edits: PlanEdits, exercise_id: str, reason: str) -> PlanEdits:
    out = _decided(edits, "exercise_excluded", exercise_id)
    out.exercise_excluded[exercise_id] = check_text("reason", reason, required=False)
    return out


def include_exercise(edits: PlanEdits, exercise_id: str) -> PlanEdits:
    out = _decided(edits, "exercise_excluded", exercise_id)
    out.exercise_excluded.pop(exercise_id, None)
    return out


def add_exercise(edits: PlanEdits, entry: Mapping[str, Any]) -> PlanEdits:
    """An exercise from the library, as :func:`planner.plan.generate.library_entry` rendered it for this patient
    (the card is kept as added, so the plan never changes with the library). Added at the end of the cards."""
    if not entry.get("id") or not entry.get("name") or "dosage" not in entry:
        raise UserError("exercise: not an exercise of the library")
    out = _settle(
        edits.copy(), decision_key("exercise_added", entry["id"]), decision_key("exercise_excluded", entry["id"])
    )
    out.exercise_added = [e for e in out.exercise_added if e["id"] != entry["id"]]
    out.exercise_added.append(copy.deepcopy(dict(entry)))
    out.exercise_excluded.pop(entry["id"], None)
    if out.exercise_order and entry["id"] not in out.exercise_order:
        out.exercise_order.append(entry["id"])
    return out


def remove_added_exercise(edits: PlanEdits, exercise_id: str) -> PlanEdits:
    out = _settle(edits.copy(), decision_key("exercise_added", exercise_id), decision_key("dosage", exercise_id))
    out.exercise_added = [e for e in out.exercise_added if e["id"] != exercise_id]
    out.exercise_order = [i for i in out.exercise_order if i != exercise_id]
    out.dosage.pop(exercise_id, None)
    return out


def order_exercises(edits: PlanEdits, exercise_ids: Iterable[str]) -> PlanEdits:
    """The cards in this order (ids not listed keep their place after the listed ones)."""
    out = _decided(edits, "exercise_order")
    out.exercise_order = list(dict.fromkeys(exercise_ids))
    return out


def move_exercise(edits: PlanEdits, current: Iterable[str], exercise_id: str, position: int) -> PlanEdits:
    """Move one card to ``position`` (0-based) among the ``current`` order of the cards."""
    ids = [i for i in current if i != exercise_id]
    ids.insert(max(0, min(position, len(ids))), exercise_id)
    return order_exercises(edits, ids)


def set_dosage(edits: PlanEdits, exercise_id: str, change: DosageChange | None) -> PlanEdits:
    """The clinician's dosage for an exercise (None: the document's again). Each number is checked against the
    range a home programme may hold, as the documents' dosages are."""
    out = _decided(edits, "dosage", exercise_id)
    if change is None or change.empty:
        out.dosage.pop(exercise_id, None)
        return out
    out.dosage[exercise_id] = check_dosage(change)
    return out


def check_dosage(change: DosageChange) -> DosageChange:
    for name in ("sets", "reps", "hold_seconds", "rest_seconds"):
        value = getattr(change, name)
        low, high = LIMITS[name]
        if value is not None and not low <= value <= high:
            raise UserError(f"dosage: {name.replace('_', ' ')} must be from {low} to {high}, not {value}")
    if (change.times is None) != (change.per is None):
        raise UserError("dosage: how often needs both a number and 'day' or 'week'")
    if change.per is not None:
        if change.per not in PER:
            raise UserError("dosage: how often is per 'day' or per 'week'")
        low, high = LIMITS[f"times_{change.per}"]
        if change.times is not None and not low <= change.times <= high:
            raise UserError(f"dosage: times a {change.per} must be from {low} to {high}, not {change.times}")
    return replace(change, note=check_text("dosage note", change.note, required=False))


def set_equipment_status(edits: PlanEdits, equipment_id: str, status: str | None) -> PlanEdits:
    out = _decided(edits, "equipment", equipment_id)
    if status is None:
        out.equipment.pop(equipment_id, None)
        return out
    if status not in EQUIPMENT_STATUSES:
        raise UserError(f"equipment status: one of {', '.join(EQUIPMENT_STATUSES)}")
    out.equipment[equipment_id] = status
    return out


def set_next_appointment(edits: PlanEdits, day: str | None) -> PlanEdits:
    from planner.dates import parse_date

    out = edits.copy()
    if not day:
        out.next_appointment = None
        return out
    try:
        out.next_appointment = parse_date(day).isoformat()
    except ValueError:
        raise UserError(f"next appointment: '{day}' is not a date (write it YYYY-MM-DD)") from None
    return out


# --- the plan as the clinician left it -------------------------------------------------------------------


def apply_edits(content: dict[str, Any], edits: PlanEdits) -> dict[str, Any]:
    """The plan as the clinician left it.

    Plan items: excluded ones out (listed under ``excluded`` with their reasons), rewordings and the
    clinician's patient texts applied and marked ``edited``, the clinician's order, free-text items added and
    marked ``source: clinician``. ``exercises``: the clinician's cards in the clinician's order, each with its
    effective dosage (marked ``edited`` where the clinician changed it), excluded ones under
    ``excluded_exercises`` with their reasons. ``equipment``: each item with its ``status`` (None: suggested
    only). ``next_appointment`` when the clinician set one. Held items stay held: an exercise the safety screen
    holds is never put back by an earlier decision to add it (one held only because the clinician added it, its
    own condition not holding, joins the plan's ``held`` list with the screen's reasons).
    """
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
            patient_text = edits.handout.get(item["id"])
            if patient_text:
                item.setdefault("generated", {})["handout"] = item.get("handout", "")
                item["handout"] = patient_text
                item["handout_edited"] = True
                item["edited"] = True
                item.pop("translation", None)  # the clinician's wording wins over any translation of the old text
            item.setdefault("source", "document")
            items.append(item)
        for added in edits.added:
            if added.section == section["key"] and added.id not in edits.excluded:
                entry: dict[str, Any] = {
                    "id": added.id,
                    "title": added.title,
                    "detail": added.detail,
                    "source": "clinician",
                    "evidence": [],
                }
                if added.handout:
                    entry["handout"] = added.handout
                items.append(entry)
        wanted = edits.order.get(section["key"])
        if wanted:
            rank = {item_id: index for index, item_id in enumerate(wanted)}
            items.sort(key=lambda i: rank.get(i["id"], len(rank)))
        section["items"] = items
    plan["excluded"] = excluded
    if "exercises" in plan or edits.exercise_added:
        plan["exercises"], plan["excluded_exercises"] = _exercises(plan, edits)
    if "equipment" in plan:
        for entry in plan["equipment"]:
            entry["status"] = edits.equipment.get(entry["id"])
    if edits.next_appointment:
        plan["next_appointment"] = edits.next_appointment
    return plan


def _exercises(plan: dict[str, Any], edits: PlanEdits) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    held = {entry["id"] for entry in plan.get("held") or ()}
    screens = plan.get("screens") or {}
    cards = [dict(entry, source="document") for entry in plan.get("exercises") or ()]
    present = {card["id"] for card in cards}
    for entry in edits.exercise_added:
        if entry["id"] in present or entry["id"] in held:
            continue
        holding = [name for name in entry.get("screen") or () if name in screens]
        if holding:
            plan.setdefault("held", []).append(_held_card(entry, holding, screens))
            held.add(entry["id"])
            continue
        cards.append(dict(copy.deepcopy(entry), source="clinician"))
        present.add(entry["id"])
    kept, excluded = [], []
    for card in cards:
        if card["id"] in edits.exercise_excluded:
            excluded.append({"id": card["id"], "name": card["name"], "reason": edits.exercise_excluded[card["id"]]})
            continue
        change = edits.dosage.get(card["id"])
        if change is not None:
            _change_dosage(card, change)
        kept.append(card)
    if edits.exercise_order:
        rank = {exercise_id: index for index, exercise_id in enumerate(edits.exercise_order)}
        kept.sort(key=lambda card: rank.get(card["id"], len(rank)))
    return kept, excluded


def _held_card(entry: Mapping[str, Any], holding: list[str], screens: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's ``held`` entry for a card the clinician added that a safety screen now holds (as the plan's
    own held entries read: every reason once, the passages of the screens)."""
    reasons = dict.fromkeys(text for name in holding for text in screens[name].get("reasons") or ())
    evidence = [item for name in holding for item in screens[name].get("evidence") or ()]
    return {
        "id": entry["id"],
        "section": "exercises",
        "title": str(entry.get("name") or entry["id"]),
        "reason": "; ".join(reasons),
        "screen": holding,
        "evidence": evidence,
        "source": "clinician",
    }


def _change_dosage(card: dict[str, Any], change: DosageChange) -> None:
    """The card's dosage with the clinician's parts in place of the document's, printed back in plain units."""
    document = card.get("dosage") or {}
    values = {name: document.get(name) for name in Dosage.__slots__}
    for name in ("sets", "reps", "hold_seconds", "rest_seconds"):
        if getattr(change, name) is not None:
            values[name] = getattr(change, name)
    if change.times is not None:
        values["times"], values["per"], values["every_minutes"] = change.times, change.per, None
    changed = Dosage(**values).as_dict()
    if any(changed[name] != document.get(name) for name in Dosage.__slots__):
        card["generated_dosage"] = document
        card["dosage"] = changed
        card["edited"] = True
    if change.note:
        card["note"] = change.note
        card["edited"] = True
