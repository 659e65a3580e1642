"""From a validated assessment to the findings that documents reason over.

Base findings are arithmetic and lookups: dates to intervals, grades to the list of weak groups with their
nerve, roots and region (from the anatomy document's table), circumferences to volumes. Derived findings
(bands, thresholds, the suggested ladder step) are then evaluated from the documents, in dependency order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from planner.engine.limbvolume import affected_excess_percent, limb_volumes
from planner.engine.progress import Label, Visit, ordered_visits, plain_label, progress_findings
from planner.engine.schedule import DAYS_PER_MONTH
from planner.engine.vocabulary import MUSCLE_GROUPS, SIDES
from planner.library.compiler import ROOT_ORDER, CompiledLibrary, MuscleGroup

DAYS_PER_YEAR = 365.25


def _days_between(earlier: str | None, later: date) -> int | None:
    if not earlier:
        return None
    return (later - date.fromisoformat(earlier)).days


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _age(birth: str | None, on: date) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def duration_words(days: int | None) -> str | None:
    """A time span as a sentence reads it: '20 days' under four weeks (where the days decide the 3-week and
    1-month timings, so whole weeks would misstate them), '5 weeks' (to the nearest week) under eight, then months
    to one decimal ('1.8 months', '4.1 months'); None when not recorded."""
    if days is None:
        return None
    if days < 28:
        return f"{days} day{'' if days == 1 else 's'}"
    if days < 56:
        weeks = (days + 3) // 7
        return f"{weeks} weeks"
    months = round(days / DAYS_PER_MONTH, 1)
    text = f"{months:.1f}".rstrip("0").rstrip(".")
    return f"{text} month{'' if text == '1' else 's'}"


def weak_group_entries(assessment: Mapping[str, Any], library: CompiledLibrary) -> list[dict[str, Any]]:
    """The weak groups in anatomy-table order, each side on its own, as lsp-careplan/1 lists them."""
    threshold = library.document_settings.get("weak_mrc_at_most")
    strength = assessment.get("strength") or {}
    entries: list[dict[str, Any]] = []
    if threshold is None:
        return entries
    for group in MUSCLE_GROUPS:
        grades = strength.get(group) or {}
        anatomy = library.muscle_groups.get(group)
        for side in SIDES:
            grade = grades.get(side)
            if grade is None or grade > threshold:
                continue
            entries.append(
                {
                    "group": group,
                    "side": side,
                    "mrc": grade,
                    "nerve": anatomy.nerve if anatomy else "",
                    "roots": anatomy.roots_text if anatomy else "",
                    "region": anatomy.region if anatomy else "",
                }
            )
    return entries


def _roots_of(entries: list[dict[str, Any]], library: CompiledLibrary) -> list[set[str]]:
    return [set(library.muscle_groups[e["group"]].roots) for e in entries if e["group"] in library.muscle_groups]


def _common(root_sets: list[set[str]]) -> tuple[str, ...]:
    common = set.intersection(*root_sets) if root_sets else set()
    return tuple(r for r in ROOT_ORDER if r in common)


def _strength_findings(assessment: dict[str, Any], library: CompiledLibrary) -> dict[str, Any]:
    strength = assessment.get("strength") or {}
    out: dict[str, Any] = {}
    tested = 0
    by_grade: dict[int, list[str]] = {grade: [] for grade in range(6)}
    lowest: dict[str, int | None] = dict.fromkeys(SIDES)
    label = movement_label(library)
    for group in MUSCLE_GROUPS:
        grades = strength.get(group) or {}
        values = []
        for side in SIDES:
            grade = grades.get(side)
            out[f"mrc_{group}_{side}"] = grade
            if grade is not None:
                values.append(grade)
                tested += 1
                by_grade[grade].append(label(group, side))
                current = lowest[side]
                lowest[side] = grade if current is None else min(current, grade)
        out[f"mrc_{group}"] = min(values) if values else None
    weak = weak_group_entries(assessment, library)
    anatomy: list[MuscleGroup] = [
        library.muscle_groups[e["group"]] for e in weak if e["group"] in library.muscle_groups
    ]
    proximal = any(e["region"] == "proximal" for e in weak)
    distal = any(e["region"] == "distal" for e in weak)
    per_side = {side: [e for e in weak if e["side"] == side] for side in SIDES}
    grades = [g for g in lowest.values() if g is not None]
    out.update(_pattern_findings(weak, library))
    out.update(
        {
            "weak_groups_left": tuple(e["group"] for e in per_side["left"]),
            "weak_groups_right": tuple(e["group"] for e in per_side["right"]),
            "weak_summary": "; ".join(_describe_weak(e, library) for e in weak) or "none",
            "lowest_mrc": min(grades) if grades else None,
            "lowest_mrc_left": lowest["left"],
            "lowest_mrc_right": lowest["right"],
            "proximal_weak": proximal,
            "distal_weak": distal,
            "distribution": "mixed"
            if proximal and distal
            else "proximal"
            if proximal
            else "distal"
            if distal
            else "none",
            "nerve_count": len({a.nerve for a in anatomy}),
            "strength_tested_count": tested,
            **{f"groups_at_mrc_{grade}": tuple(labels) for grade, labels in by_grade.items()},
        }
    )
    return out


def _pattern_findings(weak: list[dict[str, Any]], library: CompiledLibrary, suffix: str = "") -> dict[str, Any]:
    """What the distribution of ``weak`` (weak group entries) says of the lesion: the nerves and roots it spans
    and whether one root could explain it. Made for today's grades and, with ``_ever``, for every group weak at
    any visit, since a group that has recovered still showed how far the lesion reached."""
    anatomy = [library.muscle_groups[e["group"]] for e in weak if e["group"] in library.muscle_groups]
    root_sets = _roots_of(weak, library)
    union = set().union(*root_sets) if root_sets else set()
    per_side = {side: [e for e in weak if e["side"] == side] for side in SIDES}
    common_by_side = {side: _common(_roots_of(per_side[side], library)) for side in SIDES}
    single_by_side = {side: bool(per_side[side]) and bool(common_by_side[side]) for side in SIDES}
    both_legs = all(per_side[side] for side in SIDES)
    pattern: dict[str, Any] = {
        "weak_groups": tuple(dict.fromkeys(e["group"] for e in weak)),
        "weak_count": len(weak),
        "nerves_involved": tuple(dict.fromkeys(a.nerve for a in anatomy)),
        "roots_involved": tuple(r for r in ROOT_ORDER if r in union),
        "common_roots": _common(root_sets),
        # One root cannot explain weakness in both legs: the test is made for each leg on its own.
        "fits_single_root": not both_legs and any(single_by_side.values()),
        "weak_both_legs": both_legs,
    }
    if not suffix:
        pattern.update(
            {
                "common_roots_left": common_by_side["left"],
                "common_roots_right": common_by_side["right"],
                "fits_single_root_left": single_by_side["left"],
                "fits_single_root_right": single_by_side["right"],
            }
        )
    return {f"{name}{suffix}": value for name, value in pattern.items()}


def _lowest_grades(assessments: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A strength record holding, for each group and side, its lowest grade over ``assessments``."""
    strength: dict[str, dict[str, int]] = {}
    for assessment in assessments:
        for group, grades in (assessment.get("strength") or {}).items():
            for side, grade in (grades or {}).items():
                if grade is not None:
                    kept = strength.setdefault(group, {})
                    kept[side] = min(grade, kept.get(side, grade))
    return {"strength": strength}


def _history_findings(
    assessment: dict[str, Any], library: CompiledLibrary, history: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The weakness pattern over every visit, and the first visit's weakness and time from onset (the same as
    today's on a first visit)."""
    visits = sorted(history, key=lambda a: str(a["assessed_on"]))
    first = visits[0] if visits else assessment
    onset = assessment["history"].get("onset")
    first_days = _days_between(onset, date.fromisoformat(str(first["assessed_on"])))
    return {
        **_pattern_findings(weak_group_entries(_lowest_grades([*visits, assessment]), library), library, "_ever"),
        "weak_count_first": len(weak_group_entries(first, library)),
        "months_since_onset_first": _one_decimal(first_days / DAYS_PER_MONTH) if first_days is not None else None,
    }


def movement_label(library: CompiledLibrary) -> Label:
    """'right hip flexion': a group and side in the anatomy table's words for the movement."""

    def label(group: str, side: str) -> str:
        anatomy = library.muscle_groups.get(group)
        return f"{side} {anatomy.movement}" if anatomy else plain_label(group, side)

    return label


def _describe_weak(entry: dict[str, Any], library: CompiledLibrary) -> str:
    anatomy = library.muscle_groups.get(entry["group"])
    movement = anatomy.movement if anatomy else entry["group"].replace("_", " ")
    return f"{entry['side']} {movement} MRC {entry['mrc']} ({entry['nerve']}, {entry['roots']})"


def _lymphedema_findings(assessment: dict[str, Any]) -> dict[str, Any]:
    lymphedema = assessment.get("lymphedema") or {}
    present = bool(lymphedema.get("present"))
    volumes = limb_volumes(assessment)
    return {
        "lymphedema": present,
        "lymphedema_side": lymphedema.get("side") if present else None,
        "lymphedema_phase": lymphedema.get("phase") if present else None,
        "limb_shape": lymphedema.get("limb_shape") if present else None,
        "limb_volume_left_ml": volumes["left"] if volumes else None,
        "limb_volume_right_ml": volumes["right"] if volumes else None,
        "excess_volume_percent": affected_excess_percent(assessment),
    }


def base_findings(assessment: dict[str, Any], library: CompiledLibrary) -> dict[str, Any]:
    """Every base finding of the vocabulary, computed from one validated assessment."""
    on = date.fromisoformat(assessment["assessed_on"])
    history = assessment["history"]
    pain = assessment["pain"]
    function = assessment.get("function") or {}
    jps = assessment.get("joint_position_sense") or {}
    symptoms = assessment.get("symptoms") or {}
    onset_days = _days_between(history.get("onset"), on)
    radiation_days = _days_between(history.get("radiation_completed_on"), on)
    malignancy = (history.get("malignancy") or "").strip()
    ambulation = function.get("ambulation")
    pregabalin = pain.get("pregabalin_mg_day")
    findings: dict[str, Any] = {
        "age_years": _age(assessment["patient"].get("birth_date"), on),
        "sex": assessment["patient"].get("sex"),
        "etiology": history["etiology"],
        "affected_side": history["affected_side"],
        "bilateral": history["affected_side"] == "bilateral",
        "days_since_onset": onset_days,
        "months_since_onset": _one_decimal(onset_days / DAYS_PER_MONTH) if onset_days is not None else None,
        "time_since_onset": duration_words(onset_days),
        "known_malignancy": bool(malignancy),
        "malignancy": malignancy or None,
        "malignancy_text": malignancy.lower(),
        "radiotherapy": radiation_days is not None or history["etiology"] == "radiation",
        "months_since_radiotherapy": _one_decimal(radiation_days / DAYS_PER_MONTH)
        if radiation_days is not None
        else None,
        "years_since_radiotherapy": _one_decimal(radiation_days / DAYS_PER_YEAR)
        if radiation_days is not None
        else None,
        "trauma": history["etiology"] == "traumatic" or bool(history.get("trauma_on")),
        "trauma_type": history.get("trauma_type"),
        "days_since_trauma": _days_between(history.get("trauma_on"), on),
        "surgery": history["etiology"] == "postsurgical" or bool(history.get("surgery_on")),
        "days_since_surgery": _days_between(history.get("surgery_on"), on),
        "creatinine_clearance": history.get("creatinine_clearance_ml_min"),
        "implanted_devices": tuple(history.get("implanted_devices") or ()),
        "entrapment_site": history.get("entrapment_site"),
        "pregnancy": history.get("pregnancy"),
        "jps_left": jps.get("left"),
        "jps_right": jps.get("right"),
        "jps_impaired": any(jps.get(s) in ("impaired", "absent") for s in SIDES),
        "jps_absent": any(jps.get(s) == "absent" for s in SIDES),
        "pain_nrs": pain["nrs"],
        "pain_acute": bool(pain.get("acute")),
        "pain_neuropathic": bool(pain.get("neuropathic")),
        "pain_sites": tuple(pain.get("sites") or ()),
        "pain_sites_text": ", ".join(str(site).lower() for site in pain.get("sites") or ()),
        "current_ladder_step": pain.get("current_ladder_step") or 0,
        "pregabalin_mg_day": pregabalin,
        "on_pregabalin": bool(pregabalin),
        "neuropathic_agents_tried": tuple(pain.get("neuropathic_agents_tried") or ()),
        "neuropathic_agents_past": tuple(
            agent for agent in pain.get("neuropathic_agents_tried") or () if not (agent == "pregabalin" and pregabalin)
        ),
        "ambulation": ambulation,
        "ambulatory": ambulation is not None and ambulation != "non_ambulatory",
        "sit_to_stand": function.get("sit_to_stand"),
        "standing_transfer": function.get("standing_transfer"),
        "lower_body_dressing": function.get("lower_body_dressing"),
        "bathing": function.get("bathing"),
        "falls_past_3_months": function.get("falls_past_3_months"),
    }
    for flag in ("palliative", "mri_contraindicated", "dvt", "arterial_insufficiency", "infection"):
        findings[flag] = bool(history.get(flag))
    for symptom in ("numbness", "paresthesia", "allodynia", "bowel_bladder_change", "saddle_numbness"):
        findings[symptom] = bool(symptoms.get(symptom))
    findings["numbness_recorded"] = symptoms.get("numbness") is not None
    findings["dvt_side"] = history.get("dvt_side") if findings["dvt"] else None
    findings.update(_strength_findings(assessment, library))
    findings.update(_lymphedema_findings(assessment))
    return findings


def all_findings(
    assessment: dict[str, Any], library: CompiledLibrary, history: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Base and progress findings, then the derived findings the documents define.

    ``history`` holds the patient's earlier assessments (any order); without it this is a first visit.
    """
    findings = base_findings(assessment, library)
    findings.update(progress_findings(Visit.of(assessment), ordered_visits(history), movement_label(library)))
    findings.update(_history_findings(assessment, library, history))
    for derived in library.derived:
        findings[derived.name] = derived.evaluate(findings)
    findings["exercise_cards"] = sum(1 for entry in library.exercises if entry.offered(findings))
    return findings
