"""Plan lint: what a clinician reading a plan must never meet, checked on the plan itself.

Each rule can be right alone and the plan still wrong as a whole: two steps of the ladder side by side, a
sentence with a hole in it ("Onset not recorded months ago"), the list of weak groups repeated item after
item, a caution printed without the passage that states it, or an item offered although its own safety
screen says hold. The lint reads a generated plan with the
findings it was drafted from and names every such fault, in the plan's items, alerts and handout lines and in
its exercises and equipment alike; the tests run it over the shipped examples and a few hundred generated
assessments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from planner.engine.findings import all_findings
from planner.library.compiler import CompiledEntry, CompiledLibrary
from planner.library.templates import SEGMENT_MARK, Template, format_value, has_value
from planner.plan.generate import CATALOGUE_LISTS, generate_plan

MISSING_TEXT = format_value(None)
"""What a finding that was not recorded prints as; it must never stand inside a plan's sentence. The lint looks
for the finding itself, printed outside an optional segment while null, so a sentence that says in words that a
fact was not recorded ("skin sensation is not recorded: test it") is not mistaken for one."""


def _entries(plan: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, id, entry) for every alert, item, handout line, exercise and equipment item the plan offers."""
    for alert in plan.get("alerts", []):
        yield "alert", alert.get("id", ""), alert
    for section in plan["sections"]:
        for item in section["items"]:
            yield section["key"], item["id"], item
    for target, lines in (plan.get("handout") or {}).items():
        for line in lines:
            yield target, line["id"], line
    for key in CATALOGUE_LISTS.values():
        for entry in plan.get(key) or []:
            yield key, entry["id"], entry


_TEXT_KEYS = ("title", "text", "detail", "handout", "name", "purpose", "precautions")


def _texts(entry: Mapping[str, Any]) -> list[str]:
    texts = [entry[key] for key in _TEXT_KEYS if isinstance(entry.get(key), str)]
    return texts + [step for step in entry.get("instructions") or () if isinstance(step, str)]


CAUTION = "_caution"
"""A finding named ``*_caution`` is a sentence an item prints when it applies: the item cites where it is stated."""


def _templates(rec: Any, held: bool) -> list[Template]:
    """The templates of a rule that the plan prints: a held entry prints only its title (or name)."""
    if isinstance(rec, CompiledEntry):
        return [rec.name] if held else [rec.name, rec.purpose, *rec.steps, rec.precautions, rec.detail]
    return [rec.title] if held else [rec.title, rec.detail, rec.handout]


def _printed_outside_segments(template: Template) -> list[str]:
    """The findings a template prints whatever their value: those outside an optional segment ``[[ ]]`` (a
    segment prints nothing unless each finding it names has a value)."""
    return [name for name in template.parts[1::2] if not name.startswith(SEGMENT_MARK)]


def weak_labels(plan: Mapping[str, Any], library: CompiledLibrary) -> list[str]:
    """The weak groups of the plan's findings as the texts name them: 'right hip extension'."""
    labels = []
    for entry in (plan.get("findings") or {}).get("weak_groups") or []:
        anatomy = library.muscle_groups.get(entry["group"])
        movement = anatomy.movement if anatomy else entry["group"].replace("_", " ")
        labels.append(f"{entry['side']} {movement}")
    return labels


def lint_plan(plan: Mapping[str, Any], library: CompiledLibrary, findings: Mapping[str, Any]) -> list[str]:
    """Every fault found in ``plan`` (drafted from ``findings``), each as one readable line; empty when clean."""
    rules = {rec.id: rec for rec in (*library.recommendations, *library.exercises, *library.equipment)}
    problems: list[str] = []
    entries = list(_entries(plan))

    groups: dict[str, list[str]] = defaultdict(list)
    for _kind, item_id, _entry in entries:
        rec = rules.get(item_id)
        if rec is not None and rec.exclusive:
            groups[rec.exclusive].append(item_id)
    for group, members in sorted(groups.items()):
        if len(members) > 1:
            problems.append(f"exclusive group '{group}' offered more than once: {', '.join(members)}")

    for kind, item_id, entry in [*entries, *(("held", e["id"], e) for e in plan.get("held", []))]:
        rec = rules.get(item_id)
        templates = _templates(rec, held=kind == "held") if rec is not None else []
        for name in dict.fromkeys(name for template in templates for name in _printed_outside_segments(template)):
            if findings.get(name) is None:
                text = " ".join(_texts(entry))
                problems.append(f"{kind} {item_id}: '{MISSING_TEXT}' inside a sentence ({name}): {text!r}")

    labels = weak_labels(plan, library)
    seen: dict[frozenset[str], str] = {}
    for _kind, item_id, entry in entries:
        joined = " ".join(_texts(entry))
        mentioned = frozenset(label for label in labels if label in joined)
        if len(mentioned) < 2:
            continue
        if mentioned in seen:
            problems.append(f"the same list of weak groups is written in {seen[mentioned]} and {item_id}")
        else:
            seen[mentioned] = item_id

    for kind, item_id, entry in entries:
        rec = rules.get(item_id)
        if rec is None:
            continue
        printed = " ".join(_texts(entry))
        cited = {(e.get("document_id"), e.get("section")) for e in entry.get("evidence") or ()}
        for name in dict.fromkeys(n for t in _templates(rec, held=False) for n in t.names if n.endswith(CAUTION)):
            value, place = findings.get(name), library.finding_places.get(name)
            if has_value(value) and str(value) in printed and place is not None and place not in cited:
                problems.append(f"{kind} {item_id} prints the caution {name} without citing {place[0]}: {place[1]}")

    problems += _excluded_links(plan, library, findings)
    problems += _said_twice(plan)

    held = {entry["id"] for entry in plan.get("held", [])}
    for _kind, item_id, _entry in entries:
        rec = rules.get(item_id)
        if rec is None:
            continue
        holding = [name for name in rec.screen if has_value(findings.get(name))]
        if holding:
            problems.append(f"{item_id} is offered although its screen says hold: {', '.join(holding)}")
        if item_id in held:
            problems.append(f"{item_id} is both offered and held back")
    return problems


def lint_assessment(
    assessment: dict[str, Any], library: CompiledLibrary, history: Sequence[Mapping[str, Any]] = ()
) -> list[str]:
    """Draft the plan for ``assessment`` and lint it."""
    plan = generate_plan(assessment, library, history)
    return lint_plan(plan, library, all_findings(assessment, library, history))


GRADES = range(6)


def excluded_for_patient(target: CompiledEntry, library: CompiledLibrary, findings: Mapping[str, Any]) -> bool:
    """Whether the patient may not do ``target`` at any grade of the muscle groups it works: its screen holds it,
    or its condition is false whatever the grade (a standing card for a patient who cannot stand). A card whose
    condition waits only for the grade to change is a step to come, not an excluded one; a card that names no
    muscle group is judged by its screen alone."""
    if any(has_value(findings.get(name)) for name in target.screen):
        return True
    if not target.groups:
        return False
    graded = ({**findings, **{f"mrc_{group}": grade for group in target.groups}} for grade in GRADES)
    return not any(target.fires(variant) for variant in graded)


def _excluded_links(plan: Mapping[str, Any], library: CompiledLibrary, findings: Mapping[str, Any]) -> list[str]:
    """A card's progression or regression never points to a card the patient's screen or tier excludes."""
    exercises = library.exercises_by_id
    problems = []
    for entry in plan.get("exercises") or []:
        for field_name in ("progression", "regression"):
            for target in entry.get(field_name) or ():
                if target in exercises and excluded_for_patient(exercises[target], library, findings):
                    problems.append(f"exercise {entry['id']}: its {field_name} {target} is excluded for this patient")
    return problems


SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CLAUSE_END = re.compile(r"[,;:]\s+")
SHORTEST_CLAUSE = 4
"""Words a leading clause needs before two handout lines that open with it count as saying the same thing."""
SUBORDINATE = frozenset({"while", "when", "if", "until", "before", "after", "as", "once", "where", "unless"})
"""A leading clause that opens with one of these sets a condition ("while your pain is bad, ...") and is not an
instruction of its own."""


def _said(text: str) -> Iterator[str]:
    """The sentences of a handout text, and the leading clause of each (lower case, without end punctuation)."""
    for sentence in SENTENCE_END.split(text.strip()):
        sentence = sentence.strip().rstrip(".!?").lower()
        if not sentence:
            continue
        yield sentence
        clause = CLAUSE_END.split(sentence, maxsplit=1)[0]
        words = clause.split()
        if clause != sentence and len(words) >= SHORTEST_CLAUSE and words[0] not in SUBORDINATE:
            yield clause


def _said_twice(plan: Mapping[str, Any]) -> list[str]:
    """No sentence of the items' handout lines is printed by two items, nor do two lines open with the same
    instruction: the patient reads each instruction once. (The daily checklist and the call list restate the
    key instructions on purpose, as a summary, so they are not compared.)"""
    lines = [(i["id"], i["handout"]) for s in plan["sections"] for i in s["items"] if i.get("handout")]
    first: dict[str, str] = {}
    problems = []
    for item_id, text in lines:
        for said in dict.fromkeys(_said(text)):
            if said in first and first[said] != item_id:
                problems.append(f"the handout says {said!r} twice: in {first[said]} and {item_id}")
            first.setdefault(said, item_id)
    return problems
