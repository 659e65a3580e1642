"""Plan generation: every recommendation of the library evaluated against one assessment's findings.

The result is an lsp-careplan/1 document (a plain dict, JSON-ready). It is deterministic: the same
assessment and the same library give the same plan, byte for byte, so a stored plan can be compared with a
regenerated one and item ids stay stable across runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from planner.assessment.schema import CAREPLAN_FORMAT, SECTION_KEYS
from planner.engine.findings import all_findings, weak_group_entries
from planner.engine.limbvolume import limb_volumes
from planner.engine.progress import Visit, ordered_visits, trend_series
from planner.errors import UserError
from planner.library.compiler import (
    REASON_SEPARATOR,
    CompiledEntry,
    CompiledLibrary,
    CompiledRecommendation,
)
from planner.library.parser import HANDOUT_TARGETS
from planner.library.templates import Template, has_value
from planner.library.translations import MISSING, PLAN_KEYS, TRANSLATED

SECTION_TITLES = {
    "pt": "Physical therapy",
    "ot": "Occupational therapy and adaptive equipment",
    "orthosis": "Orthoses and assistive devices",
    "lymphedema": "Lymphedema",
    "analgesia": "Analgesia",
    "medical": "Medical considerations, imaging and referral",
    "monitoring": "Monitoring and follow-up",
}
ALERT_RANK = {"urgent": 0, "caution": 1, "info": 2}

_CONTRACT_FINDINGS = ("distribution", "pain_band", "excess_volume_percent", "lymphedema_severity")
_EXTRA_FINDINGS = (
    "nerves_involved",
    "roots_involved",
    "common_roots",
    "fits_single_root",
    "months_since_onset",
    "ladder_step",
    "renal_band",
    "pregabalin_min_mg_day",
    "pregabalin_max_mg_day",
    "handout_tick_chart",
    "handout_walking_aids",
)


def evidence_for(
    library: CompiledLibrary, recommendation: CompiledRecommendation | CompiledEntry
) -> list[dict[str, str]]:
    """The passage the recommendation (or exercise, or equipment item) stands in, then any further passages it
    cites that still exist."""
    return _passages(library, [(recommendation.document_id, recommendation.section), *recommendation.cites])


def _passages(library: CompiledLibrary, places: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    evidence = []
    for document_id, section in places:
        text = library.passages.get((document_id, section))
        document = library.documents.get(document_id)
        if text is None or document is None:
            continue
        evidence.append(
            {
                "document": document.title,
                "document_id": document.id,
                "version": document.version,
                "section": section,
                "text": text,
            }
        )
    return evidence


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def findings_summary(assessment: dict[str, Any], library: CompiledLibrary, findings: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {"weak_groups": weak_group_entries(assessment, library)}
    for name in _CONTRACT_FINDINGS:
        summary[name] = _plain(findings.get(name))
    volumes = limb_volumes(assessment)
    if volumes:
        summary["limb_volume_ml"] = volumes
    for name in _EXTRA_FINDINGS:
        if name in findings:
            summary[name] = _plain(findings[name])
    return summary


RECOVERY_WINDOW_FINDINGS = ("recovery_window_from_months", "recovery_window_to_months")
"""Derived findings a document may define for the expected recovery window; the charts mark it."""


def progress_block(
    assessment: dict[str, Any],
    history: Sequence[Mapping[str, Any]],
    library: CompiledLibrary,
    findings: Mapping[str, Any],
) -> dict[str, Any]:
    """The values per visit, oldest first and ending with this assessment, and the expected recovery window."""
    weak_at_most = library.document_settings.get("weak_mrc_at_most")
    trends = trend_series([*ordered_visits(history), Visit.of(assessment)], weak_at_most)
    start, end = (findings.get(name) for name in RECOVERY_WINDOW_FINDINGS)
    trends["onset"] = assessment["history"].get("onset")
    trends["recovery_window_months"] = (
        {"from": _plain(start), "to": _plain(end)} if start is not None or end is not None else None
    )
    return trends


CATALOGUE_LISTS = {"exercise": "exercises", "equipment": "equipment"}
"""The plan list each kind of catalogue entry goes to; a held entry names that list as its ``section``."""


def hold_reasons(
    rec: CompiledRecommendation | CompiledEntry, findings: Mapping[str, Any], library: CompiledLibrary
) -> list[tuple[str, str]]:
    """(screen finding, reason) for every reason each of the item's screens gives to hold it (a ``::: reasons``
    screen gives one per case that holds); empty when the item may be offered."""
    reasons = []
    for name in rec.holding_screens(findings):
        finding = library.findings_by_name.get(name)
        texts = finding.reasons(findings) if finding is not None else [str(findings[name])]
        reasons += [(name, text) for text in texts]
    return reasons


def _held_entry(
    rec: CompiledRecommendation | CompiledEntry,
    reasons: list[tuple[str, str]],
    findings: Mapping[str, Any],
    library: CompiledLibrary,
) -> dict[str, Any]:
    """One entry of the plan's ``held`` list: a recommendation names its plan section, an exercise or an
    equipment item the list it would have joined (``exercises``, ``equipment``). The reason names every reason
    of every screen that holds, each once; the evidence is the passage of each of those screens."""
    screens = list(dict.fromkeys(name for name, _ in reasons))
    places = list(dict.fromkeys(place for name in screens if (place := library.finding_places.get(name))))
    if isinstance(rec, CompiledEntry):
        section, title = CATALOGUE_LISTS[rec.kind], rec.name.render(findings)
    else:
        section, title = rec.target, rec.title.render(findings)
    return {
        "id": rec.id,
        "section": section,
        "title": title,
        "reason": REASON_SEPARATOR.join(dict.fromkeys(text for _, text in reasons)),
        "screen": screens,
        "evidence": _passages(library, places) or evidence_for(library, rec),
    }


def active_screens(library: CompiledLibrary, findings: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each safety screen named by an exercise or equipment item that holds for this patient: its reasons and
    the passage that defines it. The plan carries them so that an exercise the clinician added from the library
    (its card names its screens) is held back when a later draft finds the screen holding, whether or not the
    exercise's own condition holds (:func:`planner.edits.apply_edits`)."""
    names = dict.fromkeys(name for entry in (*library.exercises, *library.equipment) for name in entry.screen)
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        if not has_value(findings.get(name)):
            continue
        finding = library.findings_by_name.get(name)
        texts = finding.reasons(findings) if finding is not None else [str(findings[name])]
        place = library.finding_places.get(name)
        out[name] = {
            "reasons": list(dict.fromkeys(texts)),
            "evidence": _passages(library, [place]) if place else [],
        }
    return out


def _due_fields(rec: CompiledRecommendation, assessment: dict[str, Any]) -> dict[str, str]:
    dates = rec.due.dates(assessment) if rec.due else None
    if dates is None:
        return {}
    due_on, due_until = dates
    fields = {"due_on": due_on.isoformat(), "due_rule": str(rec.due)}
    if due_until is not None:
        fields["due_until"] = due_until.isoformat()
    return fields


def rendered_steps(
    steps: Iterable[Template], findings: Mapping[str, Any], shown: Mapping[str, Any] | None = None
) -> list[str]:
    """A card's steps for this patient, in any language: a step whose every sentence is conditional and false
    renders empty and is left out, so the numbered steps never skip a number (1, 2, 4)."""
    return [text for step in steps if (text := step.render(findings, shown)).strip()]


def translation(
    library: CompiledLibrary, language: str | None, block_id: str, findings: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The patient texts of a block in the patient's language, rendered for this patient, for the plan to carry
    beside the English: ``{"language": "es", "status": "translated", "handout": ...}``, or only the status
    (``stale``, ``missing``) when the handout must print the English and say why. None for English."""
    if not language or language == "en":
        return None
    found = library.translations.status(language, block_id)
    if found is None:
        return {"language": language, "status": MISSING}
    out: dict[str, Any] = {"language": language, "status": found.status}
    if found.status == TRANSLATED:
        shown = library.translations.findings_in(language, findings)  # printed values only, never tested
        for key, template in found.fields.items():
            if key == "step":
                out[PLAN_KEYS[key]] = rendered_steps(template, findings, shown)
            else:
                out[PLAN_KEYS[key]] = template.render(findings, shown)
    return out


def linked_exercises(
    entry: CompiledEntry, field_name: str, library: CompiledLibrary, findings: Mapping[str, Any]
) -> list[str]:
    """The harder (or easier) exercises an exercise points to for this patient: never one its link condition
    excludes, nor one the patient's safety screen holds back, so a card never leads to a card the patient may
    not do."""
    exercises = library.exercises_by_id
    return [
        target
        for target in entry.links(field_name, findings)
        if target in exercises and not hold_reasons(exercises[target], findings, library)
    ]


def catalogue_entry(
    entry: CompiledEntry, library: CompiledLibrary, findings: Mapping[str, Any], language: str | None = None
) -> dict[str, Any]:
    """One exercise or equipment item of the plan, its texts rendered for this patient (and in the patient's
    language when it is not English)."""
    out: dict[str, Any] = {
        "id": entry.id,
        "name": entry.name.render(findings),
        "category": entry.category,
        "purpose": entry.purpose.render(findings),
        "instructions": rendered_steps(entry.steps, findings),
    }
    if entry.kind == "exercise":
        out["dosage"] = entry.dosage.as_dict() if entry.dosage else None
        out["progression"] = linked_exercises(entry, "progression", library, findings)
        out["regression"] = linked_exercises(entry, "regression", library, findings)
        out["groups"] = list(entry.groups)
    out["precautions"] = entry.precautions.render(findings)
    out["detail"] = entry.detail.render(findings)
    out["illustration"] = entry.illustration
    if entry.screen:
        out["screen"] = list(entry.screen)  # so a card added by hand is held by the same screens (apply_edits)
    out["evidence"] = evidence_for(library, entry)
    translated = translation(library, language, entry.id, findings)
    if translated is not None:
        out["translation"] = translated
    return out


def library_entry(
    library: CompiledLibrary,
    entry_id: str,
    assessment: dict[str, Any],
    history: Sequence[Mapping[str, Any]] = (),
    language: str | None = None,
) -> dict[str, Any]:
    """An exercise or equipment item of the library rendered for this patient, whether or not its condition
    holds: what a clinician adds to the plan by hand. Refused (UserError) when the safety screen holds it."""
    entry = next((e for e in (*library.exercises, *library.equipment) if e.id == entry_id), None)
    if entry is None:
        raise UserError(f"no exercise or equipment item '{entry_id}' in the library")
    findings = all_findings(assessment, library, history)
    reasons = hold_reasons(entry, findings, library)
    if reasons:
        said = "; ".join(dict.fromkeys(text for _name, text in reasons))
        raise UserError(f"{entry.name.render(findings)}: held back by the safety screen ({said})")
    return catalogue_entry(entry, library, findings, plan_language(assessment, language))


def exercise_choices(
    library: CompiledLibrary, assessment: dict[str, Any], history: Sequence[Mapping[str, Any]] = ()
) -> list[dict[str, Any]]:
    """Every exercise of the library, for the clinician to add one by hand: ``id``, ``name``, ``category``,
    ``purpose`` and ``held``, the safety screen's reasons when it holds the exercise for this patient (None when
    it may be added; :func:`library_entry` refuses it with the same words)."""
    findings = all_findings(assessment, library, history)
    out = []
    for entry in library.exercises:
        reasons = hold_reasons(entry, findings, library)
        out.append(
            {
                "id": entry.id,
                "name": entry.name.render(findings),
                "category": entry.category,
                "purpose": entry.purpose.render(findings),
                "held": "; ".join(dict.fromkeys(text for _name, text in reasons)) or None,
            }
        )
    return out


def plan_language(assessment: dict[str, Any], language: str | None = None) -> str | None:
    """The language the patient's texts are printed in: the one asked for, else the patient's, else None (the
    plan then carries English only)."""
    return language or (assessment.get("patient") or {}).get("language") or None


def _catalogue(
    entries: Sequence[CompiledEntry],
    library: CompiledLibrary,
    findings: Mapping[str, Any],
    held: list[dict[str, Any]],
    language: str | None,
) -> list[dict[str, Any]]:
    """The entries whose condition holds, rendered; those a screen holds back go to ``held`` instead, through
    the same screen check as a recommendation."""
    offered = []
    for entry in entries:
        if not entry.fires(findings):
            continue
        reasons = hold_reasons(entry, findings, library)
        if reasons:
            held.append(_held_entry(entry, reasons, findings, library))
        else:
            offered.append(catalogue_entry(entry, library, findings, language))
    return offered


def generate_plan(
    assessment: dict[str, Any],
    library: CompiledLibrary,
    history: Sequence[Mapping[str, Any]] = (),
    language: str | None = None,
) -> dict[str, Any]:
    """The draft plan for ``assessment``; ``history`` holds the patient's earlier assessments, if any.

    ``language`` (default: the assessment's ``patient.language``) is the language of the patient's handout: when
    it is not English, every patient text carries its translation (or says it is stale or missing) beside the
    English, so the signed plan holds exactly the words the patient is given. Callers with a database draft
    through :func:`planner.plan.draft.draft_plan`, which gathers the library and the history."""
    findings = all_findings(assessment, library, history)
    language = plan_language(assessment, language)
    sections: dict[str, list[dict[str, Any]]] = {key: [] for key in SECTION_KEYS}
    alerts: list[tuple[int, int, str, dict[str, Any]]] = []
    handout: dict[str, list[dict[str, Any]]] = {target: [] for target in HANDOUT_TARGETS}
    held: list[dict[str, Any]] = []
    for rec in library.recommendations:  # already sorted by (order, id)
        if not rec.fires(findings):
            continue
        if rec.screen:
            reasons = hold_reasons(rec, findings, library)
            if reasons:
                if rec.target in sections:  # a handout line held with its item needs no entry of its own
                    held.append(_held_entry(rec, reasons, findings, library))
                continue
        evidence = evidence_for(library, rec)
        title = rec.title.render(findings)
        detail = rec.detail.render(findings)
        if rec.target == "alert":
            entry = {"id": rec.id, "level": rec.level, "text": title, "detail": detail, "evidence": evidence}
            alerts.append((ALERT_RANK[rec.level or "info"], rec.order, rec.id, entry))
        elif rec.target in handout:
            line: dict[str, Any] = {"id": rec.id, "text": title, "evidence": evidence}
            translated = translation(library, language, rec.id, findings)
            if translated is not None:
                line["translation"] = translated
            handout[rec.target].append(line)
        else:
            item: dict[str, Any] = {"id": rec.id, "title": title, "detail": detail, "evidence": evidence}
            handout_text = rec.handout.render(findings)
            if handout_text:
                item["handout"] = handout_text
                translated = translation(library, language, rec.id, findings)
                if translated is not None:
                    item["translation"] = translated
            item.update(_due_fields(rec, assessment))
            sections[rec.target].append(item)
    exercises = _catalogue(library.exercises, library, findings, held, language)
    equipment = _catalogue(library.equipment, library, findings, held, language)
    patient = assessment["patient"]
    plan = {
        "format": CAREPLAN_FORMAT,
        "patient": {"id": patient["id"], "name": patient["name"]},
        "assessed_on": assessment["assessed_on"],
        "library_version": library.version,
        "findings": findings_summary(assessment, library, findings),
        "alerts": [entry for *_key, entry in sorted(alerts, key=lambda a: a[:3])],
        "sections": [{"key": key, "title": SECTION_TITLES[key], "items": sections[key]} for key in SECTION_KEYS],
        "handout": handout,
        "exercises": exercises,
        "equipment": equipment,
        "held": held,
    }
    screens = active_screens(library, findings)
    if screens:
        plan["screens"] = screens
    if language:
        plan["language"] = language
    if history:
        plan["progress"] = progress_block(assessment, history, library, findings)
    return plan
