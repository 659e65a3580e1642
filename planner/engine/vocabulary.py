"""The names a guidance document may use in a condition or a template.

These are the *base findings*: facts the planner derives from an assessment with no clinical judgement
beyond arithmetic and the anatomy table (which itself comes from a document). Everything that decides
what to suggest (bands, thresholds, phases) is written in the documents, usually as a derived finding
(``::: finding`` block) built on these names.

Keeping the vocabulary in one table lets the document loader reject an unknown name with the line it
stands on, and lets ``docs/document-format.md`` be checked against the code by a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

MUSCLE_GROUPS: tuple[str, ...] = (
    "hip_flexion",
    "hip_adduction",
    "knee_extension",
    "hip_abduction",
    "hip_extension",
    "knee_flexion",
    "ankle_dorsiflexion",
    "great_toe_extension",
    "ankle_eversion",
    "ankle_inversion",
    "ankle_plantarflexion",
)
"""Muscle-group keys of lsp-assessment/1, in the order of the anatomy table."""

SIDES: tuple[str, ...] = ("left", "right")


class Kind(Enum):
    """Value kinds a finding can have; each maps onto a rule-engine data type."""

    NUMBER = "number"
    TEXT = "text"
    FLAG = "flag"
    LIST = "list"


@dataclass(frozen=True, slots=True)
class Finding:
    name: str
    kind: Kind
    description: str
    nullable: bool = False


def _f(name: str, kind: Kind, description: str, nullable: bool = False) -> Finding:
    return Finding(name, kind, description, nullable)


N, T, F, L = Kind.NUMBER, Kind.TEXT, Kind.FLAG, Kind.LIST

AFTER_DERIVED = frozenset({"exercise_cards"})
"""Base findings computed after the derived ones (they count what the plan offers): plan items and handout lines
may use them, a derived finding may not."""

_BASE: list[Finding] = [
    # Patient and history
    _f("age_years", N, "whole years at the assessment date", True),
    _f("sex", T, "female, male, other or unknown", True),
    _f("etiology", T, "neoplastic, radiation, idiopathic, diabetic, entrapment, traumatic, postsurgical, unknown"),
    _f("affected_side", T, "left, right or bilateral"),
    _f("bilateral", F, "affected_side is bilateral"),
    _f("days_since_onset", N, "days from onset to the assessment", True),
    _f("months_since_onset", N, "months (30.44 days) from onset to the assessment, one decimal", True),
    _f(
        "time_since_onset",
        T,
        "the time from onset to the assessment in words: days under 4 weeks, weeks under 8, then months"
        " ('5 days', '20 days', '5 weeks', '1.8 months', '4.1 months')",
        True,
    ),
    _f("known_malignancy", F, "a malignancy is recorded"),
    _f("malignancy", T, "the recorded malignancy", True),
    _f(
        "malignancy_text",
        T,
        "the recorded malignancy in lower case, so that a condition can look for a word in it"
        " ('prostate' in malignancy_text); empty when none is recorded",
    ),
    _f("radiotherapy", F, "a radiotherapy completion date is recorded, or the etiology is radiation"),
    _f("months_since_radiotherapy", N, "months from radiotherapy completion to the assessment", True),
    _f("years_since_radiotherapy", N, "years from radiotherapy completion to the assessment, one decimal", True),
    _f("trauma", F, "the etiology is traumatic or a trauma date is recorded"),
    _f("trauma_type", T, "blunt, penetrating, open or rupture", True),
    _f("days_since_trauma", N, "days from the trauma to the assessment", True),
    _f("surgery", F, "a surgery date is recorded or the etiology is postsurgical"),
    _f("days_since_surgery", N, "days from surgery to the assessment", True),
    _f("palliative", F, "care is palliative"),
    _f("mri_contraindicated", F, "MRI is contraindicated (for example a pacemaker)"),
    _f("dvt", F, "an acute deep venous thrombosis is recorded"),
    _f(
        "dvt_side",
        T,
        "leg of the acute DVT: left, right or bilateral (null when no DVT or its side is not recorded)",
        True,
    ),
    _f("arterial_insufficiency", F, "arterial insufficiency is recorded"),
    _f("infection", F, "an acute infection is recorded"),
    _f("creatinine_clearance", N, "creatinine clearance in mL/min", True),
    _f("implanted_devices", L, "implanted electronic devices: pacemaker, defibrillator, neurostimulator, other"),
    _f("entrapment_site", T, "suspected entrapment site: piriformis or other", True),
    _f("pregnancy", T, "pregnancy or breastfeeding: no, pregnant or breastfeeding (null when not recorded)", True),
    # Strength
    _f("weak_groups", L, "muscle-group keys weak on either side"),
    _f("weak_groups_left", L, "muscle-group keys weak on the left"),
    _f("weak_groups_right", L, "muscle-group keys weak on the right"),
    _f("weak_count", N, "number of weak group-and-side pairs"),
    _f("weak_summary", T, "readable list of the weak groups with side, grade, nerve and roots"),
    _f("lowest_mrc", N, "lowest grade recorded on any group and side", True),
    _f("proximal_weak", F, "a proximal group is weak"),
    _f("distal_weak", F, "a distal group is weak"),
    _f("distribution", T, "none, proximal, distal or mixed"),
    _f("nerves_involved", L, "peripheral nerves of the weak groups"),
    _f("nerve_count", N, "number of distinct peripheral nerves among the weak groups"),
    _f("roots_involved", L, "roots spanned by the weak groups (union)"),
    _f("common_roots", L, "roots shared by every weak group (intersection)"),
    _f(
        "fits_single_root",
        F,
        "weakness in one leg only, and a single root could explain every weak group of that leg",
    ),
    _f("fits_single_root_left", F, "a group is weak on the left and a single root could explain every one of them"),
    _f("fits_single_root_right", F, "a group is weak on the right and a single root could explain every one of them"),
    _f("common_roots_left", L, "roots shared by every weak group on the left"),
    _f("common_roots_right", L, "roots shared by every weak group on the right"),
    _f("weak_both_legs", F, "at least one group is weak on each side"),
    _f("lowest_mrc_left", N, "lowest grade recorded on the left", True),
    _f("lowest_mrc_right", N, "lowest grade recorded on the right", True),
    _f("strength_tested_count", N, "number of group-and-side grades recorded"),
    # Joint position sense
    _f("jps_left", T, "normal, impaired or absent", True),
    _f("jps_right", T, "normal, impaired or absent", True),
    _f("jps_impaired", F, "joint position sense impaired or absent on either side"),
    _f("jps_absent", F, "joint position sense absent on either side"),
    # Symptoms
    _f("numbness", F, "numbness reported"),
    _f("numbness_recorded", F, "the symptoms record numbness as present or absent (false when the key is missing)"),
    _f("paresthesia", F, "paresthesia reported"),
    _f("allodynia", F, "allodynia reported"),
    _f("bowel_bladder_change", F, "new bowel or bladder change"),
    _f("saddle_numbness", F, "saddle numbness"),
    # Pain
    _f("pain_nrs", N, "pain on the 0-10 numeric rating scale"),
    _f("pain_acute", F, "pain is acute"),
    _f("pain_neuropathic", F, "pain is neuropathic"),
    _f("pain_sites", L, "where it hurts, as written"),
    _f(
        "pain_sites_text",
        T,
        "every pain site in lower case, joined by commas, so that a condition can look for a word in any of them"
        " ('buttock' in pain_sites_text); empty when none is recorded",
    ),
    _f("current_ladder_step", N, "analgesic ladder step the patient is on (0 none, 1-3)"),
    _f("pregabalin_mg_day", N, "recorded pregabalin total daily dose", True),
    _f("on_pregabalin", F, "a pregabalin dose above zero is recorded"),
    _f(
        "neuropathic_agents_tried",
        L,
        "agents for neuropathic pain already tried: tricyclic, ssri, snri, gabapentin, pregabalin, lidocaine_patch,"
        " capsaicin, other",
    ),
    _f(
        "neuropathic_agents_past",
        L,
        "the agents tried, less pregabalin while a current pregabalin dose is recorded (a text then states that"
        " dose, so a drug still taken never reads as one tried before)",
    ),
    # Lymphedema
    _f("lymphedema", F, "lymphedema is present"),
    _f("lymphedema_side", T, "left, right or bilateral", True),
    _f("lymphedema_phase", T, "reduction or maintenance", True),
    _f("limb_shape", T, "regular or irregular", True),
    _f("limb_volume_left_ml", N, "left limb volume by the frustum method", True),
    _f("limb_volume_right_ml", N, "right limb volume by the frustum method", True),
    _f("excess_volume_percent", N, "excess volume of the affected limb over the other, percent", True),
    # Function
    _f("ambulation", T, "independent, device, assisted or non_ambulatory", True),
    _f("ambulatory", F, "ambulation is recorded and is not non_ambulatory"),
    _f("sit_to_stand", T, "independent, needs_help or unable", True),
    _f("standing_transfer", T, "independent, needs_help or unable", True),
    _f("lower_body_dressing", T, "independent, needs_help or unable", True),
    _f("bathing", T, "independent, needs_help or unable", True),
    _f("falls_past_3_months", N, "falls in the last three months", True),
]

for _grade in range(6):
    _BASE.append(
        _f(f"groups_at_mrc_{_grade}", L, f"groups graded {_grade}, each as side and movement ('right hip flexion')")
    )
for _group in MUSCLE_GROUPS:
    label = _group.replace("_", " ")
    _BASE.append(_f(f"mrc_{_group}", N, f"lowest grade of {label} on either side", True))
    for _side in SIDES:
        _BASE.append(_f(f"mrc_{_group}_{_side}", N, f"{label} grade on the {_side}", True))

_BASE += [
    # Progress since earlier stored assessments of the same patient (null, false or empty on a first visit).
    # Changes are current minus earlier: a positive MRC change is a gain, a positive pain change more pain.
    _f("assessment_number", N, "1 for the patient's first stored assessment, 2 for the next, and so on"),
    _f("has_previous", F, "an earlier assessment of the patient is stored"),
    _f("days_since_previous", N, "days since the previous assessment", True),
    _f("days_since_first", N, "days since the first assessment", True),
    _f(
        "mrc_drop_max", N, "largest fall in grade of any group and side since the previous assessment (0 if none)", True
    ),
    _f(
        "mrc_gain_max", N, "largest rise in grade of any group and side since the previous assessment (0 if none)", True
    ),
    _f(
        "mrc_change_total",
        N,
        "sum of the grade changes since the previous assessment, over pairs graded both times",
        True,
    ),
    _f("mrc_drop_max_since_first", N, "largest fall in grade of any group and side since the first assessment", True),
    _f("mrc_gain_max_since_first", N, "largest rise in grade of any group and side since the first assessment", True),
    _f("mrc_change_total_since_first", N, "sum of the grade changes since the first assessment", True),
    _f("worsened_groups", L, "muscle-group keys whose grade fell on either side since the previous assessment"),
    _f("improved_groups", L, "muscle-group keys whose grade rose on either side since the previous assessment"),
    _f(
        "max_gain_groups",
        L,
        "each group and side whose grade rose by mrc_gain_max since the previous assessment, as side and movement"
        " ('right hip flexion'); empty when none rose",
    ),
    _f(
        "max_drop_groups",
        L,
        "each group and side whose grade fell by mrc_drop_max since the previous assessment, as side and movement;"
        " empty when none fell",
    ),
    _f("weak_count_first", N, "number of weak group-and-side pairs at the first assessment (today's on a first visit)"),
    _f(
        "months_since_onset_first",
        N,
        "months (30.44 days) from onset to the first assessment, one decimal (today's on a first visit)",
        True,
    ),
    # The weakness pattern over every stored visit: a group weak at any visit counts, so a group that has
    # recovered still shows how far the lesion reached (equal to today's pattern on a first visit).
    _f("weak_groups_ever", L, "muscle-group keys weak on either side at any visit"),
    _f("weak_count_ever", N, "number of group-and-side pairs weak at any visit"),
    _f("nerves_involved_ever", L, "peripheral nerves of the groups weak at any visit"),
    _f("roots_involved_ever", L, "roots spanned by the groups weak at any visit (union)"),
    _f("common_roots_ever", L, "roots shared by every group weak at any visit (intersection)"),
    _f(
        "fits_single_root_ever",
        F,
        "the groups weak at any visit lie in one leg only, and a single root could explain every one of them",
    ),
    _f("weak_both_legs_ever", F, "at least one group has been weak on each side, at this visit or an earlier one"),
    _f("pain_nrs_previous", N, "pain score at the previous assessment", True),
    _f("pain_nrs_change", N, "change in pain score since the previous assessment", True),
    _f("pain_nrs_change_since_first", N, "change in pain score since the first assessment", True),
    _f(
        "excess_volume_change", N, "change in excess limb volume since the previous assessment, percentage points", True
    ),
    _f(
        "excess_volume_change_since_first",
        N,
        "change in excess limb volume since the first assessment, percentage points",
        True,
    ),
    _f("ambulation_change", T, "better, same or worse on the ambulation scale since the previous assessment", True),
    _f(
        "ambulation_change_since_first",
        T,
        "better, same or worse on the ambulation scale since the first assessment",
        True,
    ),
    _f("falls_change", N, "change in falls in the past 3 months since the previous assessment", True),
    _f(
        "exercise_cards",
        N,
        "exercise cards the plan offers (their condition holds and no screen holds them); known only once every "
        "finding is, so plan items and handout lines may use it, derived findings may not",
    ),
]
for _group in MUSCLE_GROUPS:
    label = _group.replace("_", " ")
    for _side in SIDES:
        _BASE.append(
            _f(
                f"mrc_change_{_group}_{_side}",
                N,
                f"change in {label} grade on the {_side} since the previous assessment",
                True,
            )
        )
        _BASE.append(
            _f(
                f"mrc_change_since_first_{_group}_{_side}",
                N,
                f"change in {label} grade on the {_side} since the first assessment",
                True,
            )
        )

BASE_FINDINGS: dict[str, Finding] = {f.name: f for f in _BASE}


def markdown_table() -> str:
    """The base findings as the Markdown table in docs/document-format.md (a test keeps the two equal)."""
    rows = ["| name | kind | meaning |", "| --- | --- | --- |"]
    for finding in BASE_FINDINGS.values():
        meaning = finding.description + (" (may be null)" if finding.nullable else "")
        rows.append(f"| `{finding.name}` | {finding.kind.value} | {meaning} |")
    return "\n".join(rows)
