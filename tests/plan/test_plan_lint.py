"""Plan lint: the shipped examples and a few hundred generated assessments give plans a clinician can read.

The lint (planner.plan.lint) fails a plan that offers two items of one exclusive group, prints "not recorded"
inside a sentence, writes the same list of weak groups in two items, or offers an item while its own safety
screen says hold. The generated set also checks clinical invariants from clinical-spec.md that must hold
for every patient, whatever else is recorded.
"""

from __future__ import annotations

import json
import re
import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.parser import parse_document
from planner.plan.generate import generate_plan
from planner.plan.lint import lint_assessment, lint_plan
from tests.conftest import example_paths, load_example, make_assessment
from tests.paths import FIXTURES
from tests.strategies import ASSESSED_ON, assessments

WALK = re.compile(r"\bwalk", re.IGNORECASE)


def faults_of(assessment: dict[str, Any], library: Any) -> list[str]:
    """What the lint and the clinical invariants find in the plan of a validated assessment."""
    plan = generate_plan(assessment, library)
    findings = all_findings(assessment, library)
    return lint_plan(plan, library, findings) + clinical_invariants(assessment, plan, findings)


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_shipped_examples_pass_the_lint(library: Any, path: Any) -> None:
    assessment = validate_assessment(load_example(path.stem))
    assert lint_assessment(assessment, library) == []
    assert faults_of(assessment, library) == []


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("review*/*.json")), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_the_clinical_reviewers_cases_pass_the_lint(library: Any, path: Path) -> None:
    """Every case a clinical review wrote (tests/fixtures/review*/), whether or not a test expects more of it."""
    assert faults_of(validate_assessment(json.loads(path.read_text(encoding="utf-8"))), library) == []


def clinical_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """What clinical-spec.md (and the clinical review of issue 12) requires of every plan, checked from the
    outside: each rule below is written from the assessment itself, not from the documents' findings, so a
    document that gets a condition wrong is caught."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    held = {e["id"]: e for e in plan["held"]}
    history, pain = assessment["history"], assessment["pain"]
    function = assessment.get("function") or {}
    if function.get("ambulation") == "non_ambulatory":
        handouts = [i.get("handout", "") for i in items.values()] + [
            line["text"] for lines in plan["handout"].values() for line in lines
        ]
        faults += [f"walking advice for a patient who does not walk: {h!r}" for h in handouts if WALK.search(h)]
        faults += [
            f"{i} offered to a patient who does not walk" for i in ("mgmt-pt-gait-training", "clinic-afo") if i in items
        ]
    if history.get("dvt") and "clinic-alert-compression-dvt" not in alerts:
        faults.append("acute DVT without its alert")
    if history.get("implanted_devices") and "nlsp-analgesia-tens-anodyne" in items:
        faults.append("TENS offered with an implanted device")
    tumour_not_excluded = history["etiology"] == "unknown" and bool(
        (history.get("malignancy") or "").strip() or history.get("radiation_completed_on")
    )
    if "nlsp-analgesia-rhizotomy" in items and not (
        history["etiology"] == "neoplastic" or (tumour_not_excluded and history.get("palliative"))
    ):
        faults.append("neuroablation offered outside pain from tumour")
    if findings.get("pain_band") != "severe" and "nlsp-analgesia-rhizotomy" in items:
        faults.append("neuroablation offered for pain that is not severe")
    steps = [int(i[-1]) for i in items if i.startswith("who-step-")]
    current = pain.get("current_ladder_step") or 0
    if steps and steps[0] < current:
        faults.append(f"ladder step {steps[0]} below the current step {current}")
    event = acute_event_days(assessment)
    acute_after_event = bool(pain.get("acute")) and event is not None and event <= 30
    if (
        findings.get("pain_neuropathic")
        and not findings.get("cancer_related")
        and not findings.get("adjuvant_tried")
        and not acute_after_event
        and steps
        and steps[0] > max(1, current)
    ):
        faults.append("opioid step for non-cancer neuropathic pain with no adjuvant tried")
    if steps and findings.get("refractory_opens_opioids") and steps[0] > max(current + 1, 2):
        faults.append(f"refractory non-cancer pain jumps to step {steps[0]} from step {current}")
    clearance = history.get("creatinine_clearance_ml_min")
    if clearance is not None and clearance < 30:
        for item_id in ("who-step-2", "who-step-3"):
            if item_id in items and "poor choice" not in items[item_id]["detail"]:
                faults.append(f"{item_id} names morphine or codeine without the renal caution")
        if "who-step-2" in items and "tramadol needs a longer interval" not in items["who-step-2"]["detail"]:
            faults.append("tramadol named below 30 mL/min without its renal caution")
        adjuvants = items.get("mgmt-analgesia-neuropathic-adjuvants")
        if adjuvants and "duloxetine is avoided" not in adjuvants["detail"]:
            faults.append("SNRI offered below 30 mL/min without the duloxetine caution")
    if findings.get("weak_both_legs") and findings.get("fits_single_root"):
        faults.append("one root offered as the explanation of weakness in both legs")
    injury, operation = injury_days(assessment), operation_days(assessment)
    if "mgmt-analgesia-heat" in items and (
        lymphedema_on_painful_leg(assessment)
        or history.get("arterial_insufficiency")
        or history.get("infection")
        or (history.get("dvt") and not history.get("dvt_side"))
        or (acute_event_days(assessment) is None and history["etiology"] in ("traumatic", "postsurgical"))
        or (injury is not None and injury < 30)
        or (operation is not None and operation <= 7)
    ):
        faults.append("heat offered on a limb the screen excludes")
    faults += review12c_invariants(assessment, plan, items)
    faults += safety12e_invariants(assessment, plan, items)
    faults += safety12f_invariants(assessment, plan)
    pregabalin = [i for i in items.values() if "regabalin" in i["title"]]
    if len(pregabalin) > 1:
        faults.append("more than one pregabalin item")
    if history.get("dvt") and not history.get("dvt_side") and "nlsp-analgesia-tens-anodyne" in items:
        faults.append("TENS offered over a leg that may hold an acute DVT")
    if history.get("arterial_insufficiency"):
        handouts = " ".join(i.get("handout", "") for i in items.values())
        if "Raise your swollen leg" in handouts:
            faults.append("the handout tells a patient with arterial insufficiency to raise the leg")
    if history.get("palliative"):
        burdens = ("guide-med-electrodiagnostic", "acr-med-second-line-studies", "entrap-mon-repeat-edx")
        faults += [f"{i} offered in palliative care" for i in burdens if i in items]
    if "entrap-mon-repeat-edx" in items and (findings.get("months_since_onset") or 0) >= 3:
        faults.append("a repeat of the studies offered once its window is open")
    if {"entrap-mon-repeat-edx-surgery", "guide-med-electrodiagnostic"} <= items.keys():
        faults.append("two requests for electrodiagnostic studies")
    undated = history["etiology"] in ("traumatic", "postsurgical") and acute_event_days(assessment, onset=False) is None
    if undated and "safety-alert-record-event-date" not in alerts:
        faults.append("an injury or operation without its date, and no alert asks for it")
    if held.keys() & items.keys():
        faults.append(f"offered and held at once: {sorted(held.keys() & items.keys())}")
    faults += programme_invariants(assessment, plan)
    faults += standing_invariants(assessment, plan)
    faults += link_invariants(assessment, plan, findings)
    faults += unrecorded_invariants(assessment, plan)
    faults += coherence12e_invariants(assessment, plan)
    faults += coherence12f_invariants(assessment, plan)
    faults += wording12h_invariants(assessment, plan)
    faults += holds12h_invariants(assessment, plan)
    faults += pain12h_invariants(assessment, plan, findings)
    faults += medical12h_invariants(assessment, plan, findings)
    faults += pain12g_invariants(assessment, plan)
    faults += function12g_invariants(assessment, plan)
    faults += confirm12j_invariants(assessment, plan)
    faults += confirm12k_invariants(assessment, plan, findings)
    faults += final12m_invariants(assessment, plan)
    faults += final12l_invariants(assessment, plan, findings)
    faults += round12pb_invariants(assessment, plan, findings)
    faults += round12pd_invariants(assessment, plan)
    faults += round12pc_invariants(assessment, plan, findings)
    faults += round12pa_invariants(assessment, plan, findings)
    faults += round12qa_invariants(assessment, plan, findings)
    faults += round12qb_invariants(assessment, plan, findings)
    faults += round12sc_invariants(assessment, plan, findings)
    faults += round12sd_invariants(plan, findings)
    faults += round12sa_invariants(assessment, plan, findings)
    faults += round12sb_invariants(assessment, plan, findings)
    return faults


PROCEDURES = ("nlsp-analgesia-interventional", "mgmt-analgesia-scs-itb", "nlsp-analgesia-rhizotomy")
DRUG_ITEMS = (
    "who-step-1",
    "who-step-2",
    "who-step-3",
    "guide-analgesia-pregabalin",
    "mgmt-analgesia-neuropathic-adjuvants",
)


def review12c_invariants(assessment: dict[str, Any], plan: dict[str, Any], items: dict[str, Any]) -> list[str]:
    """Review 12c's unsafe findings as invariants, read from the assessment: no end-range stretch, nerve glide or
    resisted card within 6 weeks of an injury or operation; no spinal or implanted pain procedure with an acute
    infection, and none beside an acute DVT without the anticoagulant caution; no adult drug item under 18."""
    faults: list[str] = []
    history = assessment["history"]
    event = acute_event_days(assessment)
    if event is not None and event <= 42:
        loaded = [e["id"] for e in plan["exercises"] if e.get("category") in ("stretch", "nerve", "resisted")]
        faults += [f"{i} offered {event} days after an injury or operation" for i in loaded]
    if history.get("infection"):
        faults += [f"{i} offered with an acute infection" for i in PROCEDURES if i in items]
    if history.get("dvt"):
        faults += [
            f"{i} offered beside an acute DVT without the anticoagulant caution"
            for i in PROCEDURES
            if i in items and "anticoagulant timing" not in items[i]["detail"]
        ]
    if under_18(assessment):
        faults += [f"{i} offered to a patient under 18" for i in (*DRUG_ITEMS, *PROCEDURES) if i in items]
    return faults


def under_18(assessment: dict[str, Any]) -> bool:
    birth = (assessment.get("patient") or {}).get("birth_date")
    if not birth:
        return False
    visit, born = date.fromisoformat(assessment["assessed_on"]), date.fromisoformat(birth)
    return visit.year - born.year - ((visit.month, visit.day) < (born.month, born.day)) < 18


PELVIC_SITE = re.compile(r"buttock|bottom|gluteal|groin|perine|genital|saddle|sacr|coccyx|pelvi|hip|back|lumbar", re.I)
SEVERE_WEAKNESS_TITLE = re.compile(r"^Severe (?!pain)(?!or progressive)")
ORTHOSES = ("clinic-afo", "clinic-afo-positioning", "clinic-kafo")


def urgent_spine_review(assessment: dict[str, Any]) -> bool:
    """The same-day spinal review of clinical-spec.md, read from the assessment: red-flag symptoms, or weakness in
    both legs that is severe (MRC 2 or less on each side) or comes with cancer or a radiotherapy history (a
    plexopathy recorded as bilateral counts as both legs, as red-flags.md reads it)."""
    history, symptoms = assessment["history"], assessment.get("symptoms") or {}
    if symptoms.get("bowel_bladder_change") or symptoms.get("saddle_numbness"):
        return True
    grades: dict[str, list[int]] = {"left": [], "right": []}
    for sides in (assessment.get("strength") or {}).values():
        for side, grade in (sides or {}).items():
            if grade is not None and side in grades:
                grades[side].append(grade)
    weak = {side: [g for g in values if g <= 4] for side, values in grades.items()}
    both_weak = bool(weak["left"] and weak["right"])
    # a plexopathy recorded as bilateral, with weakness graded on one side only, counts as both legs weak
    recorded_both = history.get("affected_side") == "bilateral" and bool(weak["left"] or weak["right"])
    cancer = history["etiology"] in ("neoplastic", "radiation") or bool(
        (history.get("malignancy") or "").strip() or history.get("radiation_completed_on")
    )
    if cancer:
        return both_weak or recorded_both
    return both_weak and min(grades["left"]) <= 2 and min(grades["right"]) <= 2


def pregabalin_full_trial(assessment: dict[str, Any]) -> bool:
    """Pregabalin counts as tried only when it is listed as tried (review 12j R12j-02: a current dose says nothing
    of how long it has been taken) and any dose still taken is at 300 mg/day, the usual effective dose, or at the
    top of its labelled band when the kidneys set that lower; a lower recorded dose (150 mg/day is where treatment
    starts) is still being titrated, not a failed trial (review 12i R12i-04)."""
    pain = assessment["pain"]
    dose = pain.get("pregabalin_mg_day") or 0
    listed = "pregabalin" in (pain.get("neuropathic_agents_tried") or ())
    return listed and (not dose or dose >= min(300, pregabalin_top(assessment)))


def pregabalin_top(assessment: dict[str, Any]) -> int:
    """The top of the labelled pregabalin band for the recorded creatinine clearance (clinical-spec.md)."""
    clearance = assessment["history"].get("creatinine_clearance_ml_min")
    return 600 if clearance is None or clearance >= 60 else 300 if clearance >= 30 else 150 if clearance >= 15 else 75


def safety12e_invariants(assessment: dict[str, Any], plan: dict[str, Any], items: dict[str, Any]) -> list[str]:
    """Review 12e's unsafe and contradictory findings, read from the assessment (see review12e.md)."""
    faults: list[str] = []
    history, pain = assessment["history"], assessment["pain"]
    symptoms = assessment.get("symptoms") or {}
    handout = plan["handout"]
    patient = _patient_texts(plan)
    if urgent_spine_review(assessment):  # R12e-02, R12e-03
        if not handout.get("urgent"):
            faults.append("a same-day spinal review, and nothing urgent at the top of the handout")
        faults += [
            f"{line['id']} puts the spinal review in the daily checklist"
            for line in handout["checklist"]
            if "spine" in line["text"]
        ]
        waiting = [e["id"] for e in plan["exercises"] if e["category"] in ("assisted", "transfer")]
        faults += [f"{i} offered before the same-day spinal review" for i in waiting]
        if "clinic-pt-active-assisted" in items:
            faults.append("clinic-pt-active-assisted offered before the same-day spinal review")
        faults += [
            f"{i} calls worse weakness a reason to phone: {t!r}"
            for i, t in patient
            if t.startswith("Your leg gets weaker")
        ]
    for symptom, words in (
        ("saddle_numbness", "if you feel numb between your legs"),
        ("bowel_bladder_change", "control your bladder or bowels."),
    ):
        if symptoms.get(symptom):
            faults += [f"{i} warns of a sign the patient already has: {t!r}" for i, t in patient if words in t]
    steps = [i for i in items if i.startswith("who-step-")]
    gabapentinoid = bool(pain.get("pregabalin_mg_day")) or bool(
        {"gabapentin", "pregabalin"} & set(pain.get("neuropathic_agents_tried") or ())
    )
    for step in steps:  # R12e-04, R12e-10, R12e-11, R12e-12
        current, suggested = pain.get("current_ladder_step") or 0, int(step[-1])
        if suggested >= 2 and gabapentinoid and "respiratory depression" not in items[step]["detail"]:
            faults.append(f"{step} opens or continues an opioid beside a gabapentinoid without the sedation caution")
        title = items[step]["title"]
        if "one step up" in title and suggested != current + 1:
            faults.append(f"{step} says 'one step up' from step {current}")
        tried = set(pain.get("neuropathic_agents_tried") or ()) & {"tricyclic", "ssri", "snri", "gabapentin"}
        if "refractory to an adjuvant" in title and not (tried or pregabalin_full_trial(assessment)):
            faults.append(f"{step} calls the pain refractory with no adjuvant at a full trial dose")
    adjuvants = items.get("mgmt-analgesia-neuropathic-adjuvants")
    if adjuvants and (pain.get("current_ladder_step") or 0) == 3 and "opens the next step up" in adjuvants["detail"]:
        faults.append("the adjuvant item opens a step above the top of the ladder")
    if pain["nrs"] < 7:
        faults += [
            f"{e['id']} calls {pain['nrs']}/10 pain severe"
            for e in items.values()
            if "still severe then" in e.get("detail", "")
        ]
    graded = [
        g for sides in (assessment.get("strength") or {}).values() for g in (sides or {}).values() if g is not None
    ]
    if graded and min(graded) >= 4:  # R12e-05
        faults += [
            f"{i} calls weakness graded 4 or more severe"
            for i, e in items.items()
            if SEVERE_WEAKNESS_TITLE.match(e["title"])
        ]
    cancer = history["etiology"] in ("neoplastic", "radiation") or bool(
        (history.get("malignancy") or "").strip() or history.get("radiation_completed_on")
    )
    if cancer and "mgmt-analgesia-heat" in items and any(PELVIC_SITE.search(s) for s in pain.get("sites") or ()):
        faults.append("heat offered with cancer and a pain site over the pelvis")  # R12e-06
    if history.get("arterial_insufficiency"):  # R12e-07
        faults += [
            f"{i} fitted on a poorly supplied foot without the caution"
            for i in ORTHOSES
            if i in items and "vascular team" not in items[i]["detail"]
        ]
        faults += [
            f"{e['id']} on a poorly supplied foot without the caution"
            for e in plan["equipment"]
            if (e["category"] == "orthosis" or e["id"] == "eq-heel-protectors")
            and not re.search("blood supply|circulation is poor", e.get("precautions") or "")
        ]
    event = acute_event_days(assessment)
    if event is not None and event <= 42:  # R12e-15
        for item_id, entry in items.items():
            if "stretching" in entry.get("detail", "") and "surgical team" not in entry["detail"]:
                faults.append(f"{item_id} asks for stretching {event} days after an injury or operation")
        faults += [
            f"{i} tells the patient to stretch {event} days after an injury or operation"
            for i, t in patient
            if re.search(r"(^|\. )Stretch\b", t)
        ]
    operation = operation_days(assessment)
    ivig = items.get("guide-med-postoperative-ivig")
    recent = history.get("infection") or (operation is not None and operation <= 30)
    if ivig and recent and "excluded" not in ivig["detail"]:  # R12e-18
        faults.append("IVIg suggested while a collection or abscess may not be excluded")
    return faults


NEUROABLATIVE = re.compile(r"neurolysis|plexus dissection|cordotomy|rhizotomy|neuroablat", re.IGNORECASE)
HELD_STRETCH = re.compile(r"holds? it there|count of \d+|(?<!no )sustained \w* ?stretch", re.IGNORECASE)
TRAINING = re.compile(r"\bPractise\b|\bTrain wheelchair\b")


def _on_painful_leg(history: dict[str, Any], side_field: str) -> bool:
    """A finding recorded for one leg lies on the painful (affected) leg, or may: no side, or both legs."""
    side = history.get(side_field)
    return side in (None, "bilateral") or history["affected_side"] in (side, "bilateral")


def safety12f_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Review 12f's unsafe and safety-relevant faults that generalise, read from the assessment (review12f.md):
    no neuroablative operation named before the top step of the ladder is on record, and no pain procedure
    offered for now while the ladder item opens a higher step; before a same-day spinal review no held stretch,
    no training of transfers or rising, no tick chart, and, with cancer, the emergency line for worse weakness;
    with cancer, pads and topicals never placed on a possible tumour site without a word; a repeat of the
    electrodiagnostic studies at least four weeks after the first; no cold on a leg that may hold an acute DVT."""
    faults: list[str] = []
    history, pain = assessment["history"], assessment["pain"]
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    entries = items | {a["id"]: a for a in plan["alerts"]}
    clinician = {
        i: " ".join(str(e.get(k) or "") for k in ("title", "text", "detail", "handout")) for i, e in entries.items()
    }
    current = pain.get("current_ladder_step") or 0
    if current < 3:  # R12f-01
        faults += [
            f"{i} names a neuroablative operation below the top step"
            for i, t in clinician.items()
            if NEUROABLATIVE.search(t)
        ]
    steps = [int(i[-1]) for i in items if i.startswith("who-step-")]
    if steps and steps[0] > current:
        faults += [
            f"{i} offered for now while the ladder opens step {steps[0]}"
            for i in ("nlsp-analgesia-interventional", "mgmt-analgesia-scs-itb")
            if i in items and "once that step has been tried" not in items[i]["detail"]
        ]
    cancer = history["etiology"] in ("neoplastic", "radiation") or bool(
        (history.get("malignancy") or "").strip() or history.get("radiation_completed_on")
    )
    if urgent_spine_review(assessment):  # R12f-02, R12f-03, R12f-04
        for card in plan["exercises"]:
            held_stretch = [
                t for t in (*card.get("instructions", ()), card.get("detail") or "") if HELD_STRETCH.search(t)
            ]
            faults += [f"{card['id']} holds a stretch before the same-day spinal review: {t!r}" for t in held_stretch]
        faults += [
            f"{i} asks for training before the same-day spinal review: {t!r}"
            for i, t in clinician.items()
            if TRAINING.search(t)
        ]
        if (plan.get("findings") or {}).get("handout_tick_chart") is not False:
            faults.append("an exercise tick chart on the handout before the same-day spinal review")
        calls = {line["id"]: line["text"] for line in plan["handout"]["call"]}
        line = calls.get("red-call-cancer-weakness")
        if cancer and line is not None and not line.startswith("Go to emergency now"):
            faults.append("a cancer patient awaiting the spinal review is told to call about worse weakness")
    if cancer:  # R12f-06
        pelvic = any(PELVIC_SITE.search(site) for site in pain.get("sites") or ())
        for item_id in ("nlsp-analgesia-tens-anodyne", "nlsp-analgesia-anodyne"):
            if item_id in items and not re.search(r"tumour|recurrence", items[item_id]["detail"]):
                faults.append(f"{item_id} with cancer recorded and no tumour-site caution for the pads")
            handout = items[item_id].get("handout", "") if item_id in items else ""
            if item_id in items and not ("where the cancer is" in handout or "skin that had radiotherapy" in handout):
                faults.append(f"{item_id} tells a patient with cancer nothing of where the pads go")
        topicals = items.get("mgmt-analgesia-topicals")
        if pelvic and topicals and "intact skin" not in topicals["detail"]:
            faults.append("a topical over a pelvic pain site that may lie over the tumour, with no caution")
    first = items.get("guide-med-electrodiagnostic")
    if first:  # R12f-07
        done = date.fromisoformat(first.get("due_on") or assessment["assessed_on"])
        for item_id, item in items.items():
            repeat = item_id.startswith("entrap-mon-repeat-edx") and not item_id.endswith("-surgery")
            # the 3-month window from onset spans 89 to 92 calendar days: "about four weeks" allows 26
            if repeat and item.get("due_on") and (date.fromisoformat(item["due_on"]) - done).days < 26:
                faults.append(f"{item_id} due {item['due_on']}, less than four weeks after the first studies")
    if history.get("dvt"):  # the lead's note on cold over a DVT
        if _on_painful_leg(history, "dvt_side") and "mgmt-analgesia-cold" in items:
            faults.append("cold offered on the painful area of a leg that may hold an acute DVT")
        alert = entries.get("clinic-alert-compression-dvt")
        if alert and "cold" not in alert["detail"]:
            faults.append("the DVT alert lists what is held and leaves cold out")
    return faults


ABLATIVE = re.compile(r"sympathectomy|neurolysis|neurolytic|plexus dissection|cordotomy|rhizotomy|ablat", re.I)
FIBULAR_GROUPS = {"ankle_dorsiflexion", "great_toe_extension", "ankle_eversion"}
SECOND_ADJUVANT = re.compile(r"Consider a second adjuvant|consider combining", re.IGNORECASE)


def _weak_groups(assessment: dict[str, Any]) -> set[str]:
    return {
        group
        for group, sides in (assessment.get("strength") or {}).items()
        if any(grade is not None and grade <= 4 for grade in (sides or {}).values())
    }


def pain12g_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Review 12g's pain and medical faults that form a class, read from the assessment (review12g.md and the
    lead's notes): no ablative procedure (sympathectomy included) named outside severe cancer-related pain on the
    top step; no second adjuvant suggested beside a pregabalin dose above its band, and a drug still taken never
    listed as tried; topicals carry the tumour-skin clause wherever the pads do; a new opioid step beside a
    gabapentinoid carries the call line on sedation, and a new strong opioid its early review; a repeat of the
    studies at least six weeks after the first; a piriformis site that the weakness does not point to is
    questioned; the studies are not described as a result beside a single-root pattern."""
    faults: list[str] = []
    history, pain = assessment["history"], assessment["pain"]
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    entries = items | {a["id"]: a for a in plan["alerts"]}
    current, nrs = pain.get("current_ladder_step") or 0, pain["nrs"]
    cancer_history = bool((history.get("malignancy") or "").strip() or history.get("radiation_completed_on"))
    cancer_cause = history["etiology"] in ("neoplastic", "radiation") or (
        history["etiology"] == "unknown" and cancer_history
    )
    if not (current == 3 and nrs >= 7 and cancer_cause):
        faults += [
            f"{i} names an ablative procedure outside severe cancer-related pain on the top step"
            for i, e in entries.items()
            if ABLATIVE.search(text_of_entry(e))
        ]
    dose = pain.get("pregabalin_mg_day") or 0
    adjuvants = items.get("mgmt-analgesia-neuropathic-adjuvants")
    if adjuvants and dose > pregabalin_top(assessment) and SECOND_ADJUVANT.search(adjuvants["detail"]):
        faults.append("a second adjuvant suggested beside a pregabalin dose above its band")
    if adjuvants and dose and re.search(r"Already tried:[^.]*pregabalin", adjuvants["detail"]):
        faults.append("pregabalin listed as already tried while a current dose is recorded")
    tens = [items[i] for i in ("nlsp-analgesia-tens-anodyne", "nlsp-analgesia-anodyne") if i in items]
    topicals = items.get("mgmt-analgesia-topicals")
    tumour_skin = any("tumour" in t["detail"] for t in tens) or history["etiology"] == "neoplastic" or cancer_history
    if topicals and tumour_skin and "intact skin" not in topicals["detail"]:
        faults.append("topicals without the tumour-skin clause that the pads carry")
    steps = [int(i[-1]) for i in items if i.startswith("who-step-")]
    step = steps[0] if steps else 0
    tried = set(pain.get("neuropathic_agents_tried") or ())
    gabapentinoid = bool(dose) or bool({"pregabalin", "gabapentin"} & tried)
    calls = {line["id"] for line in plan["handout"]["call"]}
    sedation = step >= 2 and gabapentinoid and (step > current or dose > pregabalin_top(assessment))
    if sedation and not under_18(assessment) and "safety-call-opioid-sedation" not in calls:
        faults.append("an opioid step beside a gabapentinoid with no call line on sedation and breathing")
    if "safety-call-opioid-sedation" in calls and not sedation:
        faults.append("the sedation call line without a new opioid step beside a gabapentinoid")
    if step == 3 and current < 3 and "clinic-mon-pain-review" not in items:
        faults.append("a new strong opioid without its early review")
    first = items.get("guide-med-electrodiagnostic")
    if first:
        done = date.fromisoformat(first.get("due_on") or assessment["assessed_on"])
        for item_id, item in items.items():
            repeat = item_id.startswith("entrap-mon-repeat-edx") and not item_id.endswith("-surgery")
            if repeat and item.get("due_on") and (date.fromisoformat(item["due_on"]) - done).days < 42:
                faults.append(f"{item_id} due {item['due_on']}, less than six weeks after the first studies")
    weak = _weak_groups(assessment)
    fibular_only = bool(weak) and weak <= FIBULAR_GROUPS
    femoral_weak = bool(weak & {"hip_flexion", "hip_adduction", "knee_extension"})
    piriformis = history["etiology"] == "entrapment" and history.get("entrapment_site") == "piriformis"
    if piriformis and (fibular_only or femoral_weak) and "entrap-med-confirm-site" not in items:
        faults.append("a piriformis site the weakness does not point to, and no prompt to confirm it")
    if "entrap-med-confirm-site" in items and not (piriformis and (fibular_only or femoral_weak)):
        faults.append("a prompt to confirm a site that the weakness fits")
    if first and "confirms" in first["detail"]:
        faults.append("the electrodiagnostic item reads as a result already obtained")
    return faults


def _days_before_visit(assessment: dict[str, Any], field: str) -> int | None:
    value = assessment["history"].get(field)
    if not value:
        return None
    return (date.fromisoformat(assessment["assessed_on"]) - date.fromisoformat(value)).days


def injury_days(assessment: dict[str, Any], onset: bool = True) -> int | None:
    days = _days_before_visit(assessment, "trauma_on")
    if days is None and onset and assessment["history"]["etiology"] == "traumatic":
        days = _days_before_visit(assessment, "onset")
    return days


def operation_days(assessment: dict[str, Any], onset: bool = True) -> int | None:
    days = _days_before_visit(assessment, "surgery_on")
    if days is None and onset and assessment["history"]["etiology"] == "postsurgical":
        days = _days_before_visit(assessment, "onset")
    return days


def acute_event_days(assessment: dict[str, Any], onset: bool = True) -> int | None:
    """Days since the latest injury or operation; with ``onset``, the onset stands in for a missing date of an
    injury or operation that is the recorded cause (the safe reading the review asked for)."""
    known = [d for d in (injury_days(assessment, onset), operation_days(assessment, onset)) if d is not None]
    return min(known) if known else None


STANDING_EXERCISES = {"ex-sit-to-stand", "ex-hip-back-band", "ex-heel-raises-standing"}
EXERTION = {"assisted", "active", "resisted", "stretch", "nerve", "balance", "walking", "circulation"}
"""Exercise categories that work or stretch the leg: held with an acute DVT (issue 12 review, A1)."""
SPINE_LOADING = {"active", "resisted", "stretch", "nerve", "balance", "walking"}
"""Exercise categories that wait for the same-day review of a spinal red flag (issue 12 review, A3)."""
EXERTION_ITEMS = {
    "nlsp-pt-arom-progression",
    "nlsp-pt-advance-resistance",
    "mgmt-pt-strength-flexibility-gait",
    "mgmt-pt-gait-training",
    "clinic-pt-active-assisted",
    "entrap-pt-nerve-mobilization",
    "clinic-pt-falls",
}
EXERTION_WORDS = re.compile(
    r"Practise walking|Do the (leg |strength |balance )?exercises|Stretch and move|nerve gliding|balance exercises"
    r"|Move your leg gently|Move your weak joints|Keep doing them as planned|Get up and move"
)

BOTH_LEGS = {"balance", "walking", "circulation"}
BOTH_LEGS_EXERCISES = {
    "ex-bridge",
    "ex-ankle-band-turns",
    "ex-knees-apart-band",
    "ex-pillow-squeeze",
    "ex-piriformis-stretch",
}
BOTH_LEGS_ITEMS = {"mgmt-pt-gait-training", "clinic-pt-falls"}
BOTH_LEGS_WORDS = re.compile(r"Practise walking|balance exercises|Get up and move")
"""What still waits when the acute DVT is recorded in the other leg than a one-sided plexopathy: standing, balance
and walking practice and the exercises that work both legs at once (SAFETY: Deep venous thrombosis; R12l-04)."""


def dvt_in_other_leg_only(assessment: dict[str, Any]) -> bool:
    """The clot is recorded in one leg and the plexopathy in the other only, so the weak leg's exercises done
    sitting or lying go on (the documents' ``dvt_affected_leg`` is false)."""
    history = assessment["history"]
    side, affected = history.get("dvt_side"), history.get("affected_side")
    weak_on_clot_side = any(
        grade is not None and grade < 5
        for sides in (assessment.get("strength") or {}).values()
        for leg, grade in (sides or {}).items()
        if leg == side
    )
    return side in ("left", "right") and affected in ("left", "right") and side != affected and not weak_on_clot_side


def _patient_texts(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, text) of every instruction the patient reads: item handouts, checklist and call lines, and the
    steps and precautions of the exercises and equipment offered."""
    texts = [(i["id"], i["handout"]) for s in plan["sections"] for i in s["items"] if i.get("handout")]
    texts += [(line["id"], line["text"]) for lines in plan["handout"].values() for line in lines]
    for entry in (*plan["exercises"], *plan["equipment"]):
        texts += [(entry["id"], step) for step in entry.get("instructions", ())]
        if entry.get("precautions"):
            texts.append((entry["id"], entry["precautions"]))
    return texts


def programme_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """The home programme and the equipment list follow the same spec as the plan items: nothing standing or
    walking for a patient who does not walk, no exertion of the leg with an acute DVT, no loading of the spine
    while a red flag awaits its review, no self-massage with a DVT or an infection, no exercise in a bandage
    while compression is held back, no leg raising with a poor arterial supply."""
    faults: list[str] = []
    exercises = {e["id"]: e for e in plan["exercises"]}
    equipment = {e["id"] for e in plan["equipment"]}
    items = {i["id"] for s in plan["sections"] for i in s["items"]}
    history = assessment["history"]
    symptoms = assessment.get("symptoms") or {}
    if (assessment.get("function") or {}).get("ambulation") == "non_ambulatory":
        standing = [
            i
            for i, e in exercises.items()
            if e["category"] == "walking"
            or i in STANDING_EXERCISES
            or (e["category"] == "balance" and "stand" in " ".join(e.get("instructions", ())).lower())
        ]
        faults += [f"{i} offered to a patient who does not walk" for i in standing]
        faults += [
            f"{i} offered to a patient who does not walk" for i in ("eq-afo", "eq-kafo", "eq-cane") if i in equipment
        ]
    if history.get("dvt") and dvt_in_other_leg_only(assessment):
        faults += [
            f"{i} offered with an acute DVT in the other leg, which it loads or works"
            for i, e in exercises.items()
            if e["category"] in BOTH_LEGS or i in STANDING_EXERCISES or i in BOTH_LEGS_EXERCISES
        ]
        faults += [f"{i} offered with an acute DVT" for i in sorted(BOTH_LEGS_ITEMS & items)]
        faults += [
            f"{i} tells a patient with an acute DVT to walk or train balance: {t!r}"
            for i, t in _patient_texts(plan)
            if BOTH_LEGS_WORDS.search(t)
        ]
    elif history.get("dvt"):
        faults += [
            f"{i} offered with an acute DVT"
            for i, e in exercises.items()
            if e["category"] in EXERTION or i in STANDING_EXERCISES
        ]
        faults += [f"{i} offered with an acute DVT" for i in sorted(EXERTION_ITEMS & items)]
        faults += [
            f"{i} tells a patient with an acute DVT to exert the leg: {t!r}"
            for i, t in _patient_texts(plan)
            if EXERTION_WORDS.search(t)
        ]
        if "safety-check-dvt" not in {line["id"] for line in plan["handout"]["checklist"]}:
            faults.append("the handout does not say that the leg has a clot")
    if symptoms.get("bowel_bladder_change") or symptoms.get("saddle_numbness"):
        faults += [
            f"{i} offered before the same-day spinal review"
            for i, e in exercises.items()
            if e["category"] in SPINE_LOADING or i == "ex-sit-to-stand"
        ]
        loading = EXERTION_ITEMS - {"clinic-pt-active-assisted"}  # helped movement in lying does not load the spine
        faults += [f"{i} offered before the same-day spinal review" for i in sorted(loading & items)]
    if (history.get("dvt") or history.get("infection")) and "ex-lymph-self-massage" in exercises:
        faults.append("self-massage offered with a DVT or an infection")
    held_compression = history.get("dvt") or history.get("infection") or history.get("arterial_insufficiency")
    if held_compression and "ex-lymph-routine" in exercises:
        faults.append("exercise in a bandage offered while compression is held back")
    raising = {"ex-lymph-elevation", "eq-leg-wedge"} & (exercises.keys() | equipment)
    if history.get("arterial_insufficiency") and raising:
        faults.append("leg raising offered with a poor arterial supply")
    checklist = {line["id"] for line in plan["handout"]["checklist"]}
    if "clinic-check-exercises" in checklist and not exercises:
        faults.append("the checklist asks for exercises the plan does not give")
    return faults


STAND = re.compile(r"\b(stand|stands|standing)\b", re.IGNORECASE)


def cannot_stand(assessment: dict[str, Any]) -> bool:
    """A patient who does not walk is taken as unable to stand until standing (to transfer, or from sitting)
    is recorded as possible; one recorded as unable to stand to transfer, who does not walk, cannot either."""
    function = assessment.get("function") or {}
    walks = function.get("ambulation") not in (None, "non_ambulatory")
    can = ("independent", "needs_help")
    if function.get("standing_transfer") == "unable" and not walks:
        return True
    if walking_in_doubt(assessment):
        return True
    return function.get("ambulation") == "non_ambulatory" and not (
        function.get("standing_transfer") in can or function.get("sit_to_stand") in can
    )


def standing_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """No standing instruction anywhere for a patient who cannot stand; for one who needs help to rise from a
    seat, every instruction to stand up names the helper (issue 12 review, A2)."""
    faults: list[str] = []
    function = assessment.get("function") or {}
    if cannot_stand(assessment):
        for item_id, text in _patient_texts(plan):
            for match in STAND.finditer(text):
                before, after = text[: match.start()].lower(), text[match.end() :].lower()
                if before.endswith("without ") or after.startswith(" transfer"):
                    continue
                faults.append(f"{item_id} tells a patient who cannot stand to stand: {text!r}")
                break
    if function.get("sit_to_stand") in ("needs_help", "unable"):
        for item_id, text in _patient_texts(plan):
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                rising = re.search(r"\bstand up\b|\bto stand\b|push up to standing", sentence, re.IGNORECASE)
                if rising and "helper" not in sentence:
                    faults.append(f"{item_id} tells a patient who cannot rise alone to stand: {sentence!r}")
    return faults


def link_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """A card leads only to cards the patient may do: never to a standing card for a patient who cannot stand or
    may not stand to exercise, never to a card held back; and the handout's word on resistance matches the cards
    given (issue 12, fix 4: review 12c F-9, review 12d wording)."""
    faults: list[str] = []
    held_ids = {entry["id"] for entry in plan["held"]}
    no_standing = cannot_stand(assessment) or not findings.get("standing_work")
    for entry in plan["exercises"]:
        for target in (*entry.get("progression", ()), *entry.get("regression", ())):
            if target in held_ids:
                faults.append(f"{entry['id']} leads to {target}, which is held back")
            if no_standing and target in STANDING_EXERCISES | {"ex-balance-tandem"}:
                faults.append(f"{entry['id']} leads to the standing card {target} for a patient who may not stand")
    resisted = any(e.get("category") == "resisted" for e in plan["exercises"])
    if bool(findings.get("resistance_given")) is not resisted:
        faults.append(f"resistance_given is {findings.get('resistance_given')} but a resisted card given: {resisted}")
    return faults


def unrecorded_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """A fact that was not recorded is never asserted as absent: "no numbness" is written only when numbness
    was recorded as absent, and otherwise the plan says it is not recorded (issue 12 review, A6)."""
    faults: list[str] = []
    symptoms = assessment.get("symptoms") or {}
    texts = [text_of_entry(e) for e in (*plan["alerts"], *(i for s in plan["sections"] for i in s["items"]))]
    for symptom in ("numbness", "allodynia"):
        if symptoms.get(symptom) is not None:
            continue
        for text in texts:
            for clause in re.split(r"[.;:]", text):
                if re.search(rf"\bno {symptom}\b|\bno \w+ or {symptom}\b", clause) and "recorded" not in clause:
                    faults.append(f"'no {symptom}' asserted though it was not recorded: {clause.strip()!r}")
    return faults


def _grade(assessment: dict[str, Any], group: str) -> int | None:
    """The lowest recorded grade of a group on either side (None when not tested)."""
    grades = [g for g in ((assessment.get("strength") or {}).get(group) or {}).values() if g is not None]
    return min(grades) if grades else None


def _at_most(assessment: dict[str, Any], grade: int, *groups: str) -> bool:
    return any((g := _grade(assessment, group)) is not None and g <= grade for group in groups)


def _weak_sides(assessment: dict[str, Any]) -> set[str]:
    return {
        side
        for sides in (assessment.get("strength") or {}).values()
        for side, grade in sides.items()
        if grade is not None and grade <= 4
    }


FIBULAR = ("ankle_dorsiflexion", "great_toe_extension", "ankle_eversion")
TIBIAL = ("ankle_plantarflexion", "ankle_inversion")


def coherence12e_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Review 12e's faults that generalise, read from the assessment: no cold on the painful area when the
    painful leg is the swollen one; no "walk only with your helper" for an independent walker whose grades and
    transfers do not call for one; no card asking for a movement the muscles cannot make; one handout line for
    board transfers; one low-start caution and no "first choice" for a tricyclic already tried; the device
    check in one item; no stronger leg or "your weak foot" when both legs are weak; no grades or home exercises
    in a plan without weakness; no piriformis item for a pattern that does not reach the sciatic trunk; no TENS
    for mild pain that is not neuropathic; the DVT alert names positioning only when the plan gives it."""
    faults: list[str] = []
    history, pain = assessment["history"], assessment["pain"]
    function = assessment.get("function") or {}
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    exercises = {e["id"]: e for e in plan["exercises"]}
    found = items | alerts | exercises | {e["id"]: e for e in plan["equipment"]}
    texts = _patient_texts(plan)
    swollen = (
        (assessment.get("lymphedema") or {}).get("side")
        if (assessment.get("lymphedema") or {}).get("present")
        else None
    )
    if swollen and "mgmt-analgesia-cold" in items and history["affected_side"] in (swollen, "bilateral"):
        faults.append("cold offered on the painful area of the swollen leg")
    if swollen == "bilateral" and "mgmt-analgesia-cold" in items:
        faults.append("cold offered on the painful area of the swollen leg")
    walks_alone = (
        function.get("ambulation") == "independent"
        and function.get("standing_transfer") not in ("unable", "needs_help")
        and not _at_most(assessment, 2, "hip_extension", "hip_abduction", "knee_extension")
        and not urgent_spine_review(assessment)  # R12k-06: the helper while the spinal review is pending
    )
    if walks_alone:
        faults += [
            f"{i} tells an independent walker to walk with a helper" for i, t in texts if "Walk only with your" in t
        ]
    gentle = exercises.get("ex-gentle-movement")
    if gentle:
        steps = " ".join(gentle.get("instructions", ()))
        if "slide your heel" in steps and _at_most(assessment, 1, "hip_flexion", "knee_extension", "knee_flexion"):
            faults.append("ex-gentle-movement asks for a heel slide the hip or knee cannot make")
        if "pull your toes" in steps and _at_most(assessment, 1, "ankle_dorsiflexion", "ankle_plantarflexion"):
            faults.append("ex-gentle-movement asks for an ankle movement the muscles cannot make")
    routine = exercises.get("ex-lymph-routine")
    cannot = ("hip_flexion", "knee_extension", "knee_flexion", "ankle_dorsiflexion", "ankle_plantarflexion")
    if routine and _at_most(assessment, 1, *cannot) and "helper moves it" not in " ".join(routine["instructions"]):
        faults.append("ex-lymph-routine asks for movements the muscles cannot make, without the helper")
    if "clinic-ot-transfer-board" in items:
        faults += [
            f"{i} repeats the board transfer line"
            for i, t in texts
            if i != "clinic-ot-transfer-board" and "Use the method and the equipment your therapist showed you" in t
        ]
    adjuvants = items.get("mgmt-analgesia-neuropathic-adjuvants")
    if adjuvants:
        detail = adjuvants["detail"]
        if len(re.findall(r"start low|dose low", detail)) > 1:
            faults.append("the adjuvant item says start low twice")
        if "tricyclic" in (pain.get("neuropathic_agents_tried") or []) and "poor first choice" in detail:
            faults.append("a tricyclic already tried is called a poor first choice")
    device_check = [i for i, e in found.items() if "that it is MR-conditional" in text_of_entry(e)]
    if len(device_check) > 1:
        faults.append(f"the MR-conditional device check written in {device_check}")
    if _weak_sides(assessment) >= {"left", "right"} or history["affected_side"] == "bilateral":
        faults += [
            f"{i} names a stronger leg or 'your weak foot' though both legs are weak"
            for i, t in texts
            if i in ("clinic-aid-cane", "eq-cane", "ex-ankle-band-turns")
            and ("stronger leg" in t or "your weak foot" in t)
        ]
    if not _weak_sides(assessment):
        handouts = [(i, e.get("handout", "")) for i, e in items.items()]
        faults += [
            f"{i} speaks of home exercises with no weakness" for i, h in handouts if "home exercises are part" in h
        ]
        faults += [f"{i} points to grades with no weakness" for i, e in items.items() if "grades listed" in e["detail"]]
    weak = {
        group
        for group, sides in (assessment.get("strength") or {}).items()
        if any(g is not None and g <= 4 for g in sides.values())
    }
    trunk = "knee_flexion" in weak or (weak & set(FIBULAR) and weak & set(TIBIAL))
    if history["etiology"] == "entrapment" and not history.get("entrapment_site") and not trunk:
        piriformis = {"entrap-analgesia-botulinum-piriformis", "ex-piriformis-stretch"} & found.keys()
        if piriformis and weak:
            faults.append(f"{sorted(piriformis)} offered with no site and no sciatic trunk pattern")
    if not pain.get("neuropathic") and (pain.get("nrs") or 0) < 4 and "nlsp-analgesia-tens-anodyne" in items:
        faults.append("TENS offered for mild pain that is not neuropathic")
    dvt_alert = alerts.get("clinic-alert-compression-dvt")
    if dvt_alert and "positioning" in dvt_alert.get("detail", "") and "ex-position-back" not in exercises:
        faults.append("the DVT alert points to positioning the plan does not give")
    return faults


def lymphedema_on_painful_leg(assessment: dict[str, Any]) -> bool:
    """The painful leg is the affected one; it is the swollen one when the lymphedema is on that side or on
    both, or when either side is not recorded (the safe reading)."""
    lymphedema = assessment.get("lymphedema") or {}
    if not lymphedema.get("present"):
        return False
    swollen, affected = lymphedema.get("side"), assessment["history"].get("affected_side")
    return swollen in (None, "bilateral") or affected in (None, "bilateral") or swollen == affected


JOINT_MOVE = re.compile(
    r"\bmove (?:each weak joint|your (?:weak |other weak )?joints|the joints|your legs?\b)"
    r"|\bhave (?:them|your legs) moved\b|\bbend your big toe\b",
    re.IGNORECASE,
)
SELF_DRESSING = ("Slip your foot in", "Put your weak leg in", "Slide your heel down", "Put the end of the shoe horn")


def coherence12f_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Review 12f's faults that generalise, read from the assessment: one handout line about moving the
    joints; heat held for lymphedema only when the painful leg is the swollen one, and named as kept off the
    swollen leg otherwise; no helper for every walk or transfer for a device walker who stands to transfer
    alone with no fall and intact joint position sense, and no helper for every transfer when standing to
    transfer is recorded independent; no self-dressing step for a patient who cannot dress; passive movement
    named (DVT alert, contracture item) only when a passive card is given; no "active rehabilitation" without
    weakness; no "until standing balance practice is safe" for a palliative patient who cannot stand."""
    faults: list[str] = []
    history = assessment["history"]
    function = assessment.get("function") or {}
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    held = {e["id"]: e for e in plan["held"]}
    exercises = {e["id"]: e for e in plan["exercises"]}
    moving = [i for i, e in items.items() if JOINT_MOVE.search(e.get("handout") or "")]
    if len(moving) > 1:
        faults.append(f"more than one handout line about moving the joints: {moving}")
    lymphedema = (assessment.get("lymphedema") or {}).get("present")
    heat_held = held.get("mgmt-analgesia-heat")
    if heat_held and "lymphedema" in heat_held["reason"] and not lymphedema_on_painful_leg(assessment):
        faults.append("heat held for lymphedema that is not on the painful leg")
    heat = items.get("mgmt-analgesia-heat")
    if heat and lymphedema and "keep heat off the swollen leg" not in heat["detail"]:
        faults.append("heat offered beside lymphedema of the other leg without keeping it off that leg")
    strength = assessment.get("strength") or {}
    strong_enough = not any(
        g is not None and g <= 2
        for group in ("hip_extension", "hip_abduction", "knee_extension")
        for g in (strength.get(group) or {}).values()
    )
    jps = assessment.get("joint_position_sense") or {}
    device_alone = (
        function.get("ambulation") == "device"
        and function.get("standing_transfer") == "independent"
        and function.get("falls_past_3_months") == 0
        and any(jps.values())
        and not any(v in ("impaired", "absent") for v in jps.values())
        and strong_enough
        and not urgent_spine_review(assessment)  # until the spinal review, walking is with a helper (R12k-06)
    )
    texts = _patient_texts(plan)
    if device_alone:
        faults += [
            f"{i} tells a device walker who transfers alone to walk with a helper"
            for i, t in texts
            if "Walk only with your" in t
        ]
    if function.get("standing_transfer") == "independent":
        faults += [
            f"{i} asks for a helper at every transfer though standing to transfer is independent"
            for i, t in texts
            if "have your helper with you every time" in t
        ]
    if function.get("lower_body_dressing") == "unable":
        faults += [
            f"{e['id']} asks a patient who cannot dress to do it alone: {step!r}"
            for e in plan["equipment"]
            for step in e.get("instructions", ())
            if step.startswith(SELF_DRESSING)
        ]
    passive = any(e.get("category") == "passive" for e in exercises.values())
    dvt_alert = alerts.get("clinic-alert-compression-dvt")
    if dvt_alert and "passive movement" in dvt_alert["detail"] and not passive:
        faults.append("the DVT alert names passive movement the plan does not give")
    contracture = items.get("nlsp-pt-contracture-prevention")
    if contracture and "passive only while" in contracture["detail"] and not passive:
        faults.append("the contracture item names passive movement the plan does not give")
    reassess = items.get("clinic-reassess")
    if reassess and "active rehabilitation" in reassess["detail"] and not _weak_sides(assessment):
        faults.append("clinic-reassess speaks of active rehabilitation with no weakness")
    falls = items.get("clinic-pt-falls")
    if falls and history.get("palliative") and cannot_stand(assessment) and "standing balance" in falls["detail"]:
        faults.append("balance training waits for standing in a palliative patient who cannot stand")
    return faults


TEMPLATE_PLURAL = re.compile(r"\w\((?:s|es)\)")
DAILY_EXERCISE = re.compile(r"[^.]*\b(?:every day|each day)\b[^.]*", re.IGNORECASE)
EXERCISE_WORDS = re.compile(r"exercis|stretch|\bmove\b|\bmoved\b", re.IGNORECASE)
RISING_GROUPS = ("hip_extension", "hip_abduction", "knee_extension")
HIP_KNEE = ("hip_flexion", "hip_extension", "hip_abduction", "hip_adduction", "knee_extension", "knee_flexion")


def _texts_of_plan(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, text) of every text the plan prints, for the clinician and the patient, in every language."""
    out: list[tuple[str, str]] = []
    for entry in (*plan["alerts"], *(i for s in plan["sections"] for i in s["items"])):
        out += [(entry["id"], str(entry.get(k) or "")) for k in ("title", "detail", "handout")]
    out += [(line["id"], line["text"]) for lines in plan["handout"].values() for line in lines]
    for entry in (*plan["exercises"], *plan["equipment"]):
        out += [(entry["id"], str(entry.get(k) or "")) for k in ("name", "purpose", "precautions", "detail")]
        out += [(entry["id"], step) for step in entry.get("instructions", ())]
    return out


def wording12h_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Reviews 12h and 12i's wording faults that generalise, read from the assessment: no empty step in any
    language; no "grade(s)" template artefact; no daily exercise order in palliative care; bed positioning and
    hourly ankle pumps only for the immobile, and "the weakness may still progress" only with weakness; the
    sit-to-stand item only for the groups that make rising hard or rising recorded as needing help, and one
    transfer line; no walking in a non-walker's cards and no walking-aid heading; the leg slid on the bed only
    for a hip or knee at grade 2; legs and braces in the plural when both are affected; no bandage in the
    maintenance phase's exercise card."""
    faults: list[str] = []
    history, function = assessment["history"], assessment.get("function") or {}
    strength = assessment.get("strength") or {}
    grades = [g for sides in strength.values() for g in (sides or {}).values() if g is not None]
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    exercises = {e["id"]: e for e in plan["exercises"]}
    entries = (*plan["exercises"], *plan["equipment"])
    for entry in entries:
        translated = (entry.get("translation") or {}).get("instructions") or ()
        if any(not step.strip() for step in (*entry.get("instructions", ()), *translated)):
            faults.append(f"{entry['id']} has an empty step")
    faults += [f"{i} prints a template plural: {t!r}" for i, t in _texts_of_plan(plan) if TEMPLATE_PLURAL.search(t)]
    patient = _patient_texts(plan) + [(e["id"], str(e.get(k) or "")) for e in entries for k in ("name", "purpose")]
    if history.get("palliative"):
        faults += [
            f"{i} orders daily exercise in palliative care: {sentence.strip()!r}"
            for i, text in patient
            for sentence in DAILY_EXERCISE.findall(text)
            if EXERCISE_WORDS.search(sentence)
        ]
    walks_unaided = function.get("ambulation") in ("independent", "device")
    if walks_unaided and not any(g <= 2 for g in grades):
        faults += [
            f"{i} for a patient who walks with no group at grade 2 or less"
            for i in ("ex-position-back",)
            if i in exercises
        ]
        if "ex-ankle-pumps" in exercises and not (assessment.get("lymphedema") or {}).get("present"):
            faults.append("hourly ankle pumps for a patient who walks with no group at grade 2 or less")
    acute_item = items.get("nlsp-pt-acute-positioning")
    if acute_item and "may still progress" in acute_item["detail"] and not any(g <= 4 for g in grades):
        faults.append("the acute-pain item says the weakness may progress, with no weakness recorded")
    rising_weak = _at_most(assessment, 4, *RISING_GROUPS)
    if "nlsp-ot-sit-to-stand" in items and function.get("sit_to_stand") == "independent" and not rising_weak:
        faults.append(
            "the sit-to-stand item with rising independent and hip extensors, abductors and quadriceps strong"
        )
    transfer_lines = [
        i for i in ("nlsp-ot-sit-to-stand", "nlsp-ot-standing-transfer-safety") if items.get(i, {}).get("handout")
    ]
    if len(transfer_lines) > 1:
        faults.append(f"two transfer lines in the handout: {transfer_lines}")
    if function.get("ambulation") == "non_ambulatory":
        faults += [f"{i} speaks of walking to a patient who does not walk: {t!r}" for i, t in patient if WALK.search(t)]
        if (plan.get("findings") or {}).get("handout_walking_aids") is not False:
            faults.append("the handout heads the aids section for walking aids for a patient who does not walk")
    slides = any(
        "sliding your leg on the bed" in t
        for i, t in patient
        if i in ("clinic-pt-active-assisted", "clinic-pt-passive")
    )
    if slides and not any(g == 2 for group in HIP_KNEE for g in (strength.get(group) or {}).values()):
        faults.append("the leg slid on the bed with no hip or knee group at grade 2")
    if _weak_sides(assessment) >= {"left", "right"}:
        faults += [f"{i} says 'your leg' to a patient weak in both legs" for i, t in patient if "Rest your leg in" in t]
    dorsiflexion = strength.get("ankle_dorsiflexion") or {}
    if all(dorsiflexion.get(side) is not None and dorsiflexion[side] <= 3 for side in ("left", "right")):
        faults += [f"{i} names one ankle brace when both feet drop" for i, t in patient if "your ankle brace " in t]
    lymphedema = assessment.get("lymphedema") or {}
    routine = exercises.get("ex-lymph-routine")
    if (
        routine
        and lymphedema.get("phase") == "maintenance"
        and "bandage"
        in text_of_entry(routine)
        + " ".join([routine["name"], routine["purpose"], routine.get("precautions") or "", *routine["instructions"]])
    ):
        faults.append("the exercise card speaks of the bandage in the maintenance phase")
    return faults


STRETCH_HELD = re.compile(r"holds? it there|(?<!no )sustained \w* ?stretch|count of \d+ to stretch", re.IGNORECASE)
RISING_PRACTICE = re.compile(r"Practise the sit-to-stand|train a safe method", re.IGNORECASE)
FLOOR_START = re.compile(r"\b(?:Sit|Lie|Kneel) on the floor\b")
ANKLE_GROUPS = {
    "ankle_dorsiflexion",
    "ankle_plantarflexion",
    "ankle_eversion",
    "ankle_inversion",
    "great_toe_extension",
}
HIP_MOVING = {"positioning", "passive", "assisted", "active", "balance", "walking", "transfer", "wheelchair"}
"""Exercise categories that move or load the hip and pelvis, unless every group the card works is of the ankle."""
HIP_EQUIPMENT = {
    "eq-shower-chair",
    "eq-tub-bench",
    "eq-grab-bars",
    "eq-raised-toilet-seat",
    "eq-toilet-frame",
    "eq-commode",
    "eq-armchair",
    "eq-raisers",
    "eq-transfer-board",
    "eq-bed-lever",
    "eq-leg-lifter",
    "eq-walker",
    "eq-cane",
    "eq-wheelchair",
}
"""Equipment used to move on and off a seat, into and out of bed or the bath, or to walk: it moves the hip."""
SURGICAL_LIMITS_LINES = re.compile(r"Practise moving your wheelchair|Get up and move about|Use your (?:walker|cane)")


def recent_event(assessment: dict[str, Any]) -> bool:
    """Within six weeks of an injury or operation, or one recorded as the cause with no date (safety.md)."""
    event = acute_event_days(assessment)
    undated = assessment["history"]["etiology"] in ("traumatic", "postsurgical") and event is None
    return undated or (event is not None and event <= 42)


def _card_texts(entry: dict[str, Any]) -> str:
    return " ".join((*entry.get("instructions", ()), entry.get("precautions") or ""))


def holds12h_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Reviews 12h and 12i on exercise holds, cards and helper safety, read from the assessment: no sustained
    stretch on any card or line while a screen forbids stretching (an acute DVT in the moved leg, a same-day
    spinal review, an injury or operation under six weeks old); every card, equipment line and handout line
    that moves or loads the hip keeps to the surgical limits in those six weeks; no training of rising or of
    standing transfers while the sit-to-stand card is held; no "get up and move about" before the spinal review;
    no card started on the floor for a patient who cannot get down and up safely; no resistance for a group
    below MRC 4, and one card per ankle turning direction; the helper named wherever standing to transfer needs
    one."""
    faults: list[str] = []
    history = assessment["history"]
    function = assessment.get("function") or {}
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    held_ids = {e["id"] for e in plan["held"]}
    texts = _patient_texts(plan)
    recent = recent_event(assessment)
    spine = urgent_spine_review(assessment)
    clot_leg = bool(history.get("dvt")) and _on_painful_leg(history, "dvt_side")
    if clot_leg or spine or recent:  # R12h-02
        for card in plan["exercises"]:
            if card["category"] == "stretch":
                faults.append(f"{card['id']} offered while a screen forbids stretching")
            faults += [
                f"{card['id']} holds a stretch while a screen forbids stretching: {t!r}"
                for t in (*card.get("instructions", ()), card.get("detail") or "")
                if STRETCH_HELD.search(t)
            ]
        faults += [
            f"{i} tells the patient to stretch while a screen forbids it: {t!r}"
            for i, t in texts
            if re.search(r"(^|\. )Stretch\b", t)
        ]
    if recent:  # R12h-03, R12i-11
        for card in plan["exercises"]:
            ankle_only = bool(card.get("groups")) and set(card["groups"]) <= ANKLE_GROUPS
            if card["category"] in HIP_MOVING and not ankle_only and "surgeon" not in _card_texts(card):
                faults.append(f"{card['id']} moves the hip within six weeks of an injury or operation, no limits")
        faults += [
            f"{e['id']} moves the hip within six weeks of an injury or operation, no limits"
            for e in plan["equipment"]
            if e["id"] in HIP_EQUIPMENT and "surgeon" not in _card_texts(e)
        ]
        aids = (items.get(aid) or {} for aid in ("clinic-aid-walker", "clinic-aid-cane"))
        aid_says_limits = any("surgeon" in (aid.get("handout") or "") for aid in aids)  # R12t-A02: said there
        faults += [  # the checklist has its own line on the limits (safety-check-precautions)
            f"{i} asks for transfers or walking within six weeks of an injury or operation, no limits: {e['handout']!r}"
            for i, e in items.items()
            if SURGICAL_LIMITS_LINES.search(e.get("handout") or "")
            and "surgeon" not in e["handout"]
            and not (i == "nlsp-pt-mobilize-dvt-watch" and aid_says_limits)
        ]
    if history.get("dvt") or spine or "ex-sit-to-stand" in held_ids:  # R12h-09
        faults += [
            f"{i} trains rising while the sit-to-stand card is held: {e['detail']!r}"
            for i, e in items.items()
            if RISING_PRACTICE.search(e.get("detail") or "")
        ]
    if spine:  # R12h-11
        faults += [f"{i} asks for moving about before the spinal review" for i, t in texts if "Get up and move" in t]
    floor_safe = (
        function.get("sit_to_stand") == "independent"
        and function.get("standing_transfer") not in ("needs_help", "unable")
        and function.get("ambulation") in ("independent", "device")
        and function.get("falls_past_3_months") == 0
    )
    if not floor_safe:  # R12h-12
        faults += [f"{i} starts on the floor: {t!r}" for i, t in texts if FLOOR_START.search(t)]
    grades = {
        group: min(g for g in sides.values() if g is not None)
        for group, sides in (assessment.get("strength") or {}).items()
        if any(g is not None for g in (sides or {}).values())
    }
    for card in plan["exercises"]:  # R12i-05
        worked = [grades[g] for g in card.get("groups") or () if g in grades]
        if card["category"] == "resisted" and worked and max(worked) <= 3:
            faults.append(f"{card['id']} works against resistance groups graded 3 or less")
    steps = {e["id"]: " ".join(e.get("instructions", ())) for e in plan["exercises"]}
    band = steps.get("ex-ankle-band-turns")
    if band is not None:
        if (grades.get("ankle_eversion") or 0) <= 3 and "out against the" in band:
            faults.append("ex-ankle-band-turns turns the foot out against the band with eversion graded 3 or less")
        if (grades.get("ankle_inversion") or 0) <= 3 and "in against it" in band:
            faults.append("ex-ankle-band-turns turns the foot in against the band with inversion graded 3 or less")
        turns = steps.get("ex-ankle-turns", "")
        if "in against it" in band and "Turn the sole of your foot in" in turns:
            faults.append("ankle inversion worked on two cards")
        if "out against the" in band and "turn it out" in turns.lower():
            faults.append("ankle eversion worked on two cards")
    advance = items.get("nlsp-pt-advance-resistance")  # R12i-01
    if advance and "add light resistance" in advance.get("handout", "") and not any(g >= 4 for g in grades.values()):
        faults.append("nlsp-pt-advance-resistance promises resistance with no group graded 4 or more")
    if function.get("standing_transfer") in ("needs_help", "unable"):  # R12i-02
        for item_id, text in texts:
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                rising = re.search(r"\bstand up\b|\bto stand\b|push up to standing", sentence, re.IGNORECASE)
                if rising and "helper" not in sentence and "without standing" not in sentence:
                    faults.append(f"{item_id} tells a patient whose transfers need help to stand alone: {sentence!r}")
    return faults


STEROID_ITEMS = ("guide-med-idiopathic-first-line", "guide-med-idiopathic-severe", "entrap-analgesia-steroid-injection")
IMAGING_ITEMS = (
    "guide-med-mri-plexus",
    "acr-med-mri-plexus-malignancy",
    "acr-med-ct-malignancy",
    "entrap-med-ct-alternative",
    "red-med-spine-imaging-both-legs",
)
SPINE_IMAGING = re.compile(r"(MRI|imaging|CT) of the (lumbar )?spine")
DONE_NOW = re.compile(r"\b(do|book) (them|it|the studies) now\b", re.IGNORECASE)


def medical12h_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Reviews 12h and 12i: the medical and work-up faults that generalise (review12h.md R12h-01, 05, 08, 10, 13,
    18, 19; review12i.md R12i-06, 08, 15, 16), read from the assessment."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    history = assessment["history"]
    visit = date.fromisoformat(assessment["assessed_on"])
    onset_days = _days_before_visit(assessment, "onset")
    # R12h-01: no corticosteroid or immunosuppressant while an infection or the same-day spinal review is open
    if history.get("infection") or urgent_spine_review(assessment):
        faults += [f"{i} offered with an infection or a pending spinal review" for i in STEROID_ITEMS if i in items]
    # R12h-05: diffuse change is read as radiation plexopathy only after radiotherapy
    irradiated = history["etiology"] == "radiation" or bool(history.get("radiation_completed_on"))
    for item_id, item in items.items():
        text = item["detail"].replace("it is not radiation-induced plexopathy", "")
        if not irradiated and "radiation-induced plexopathy" in text:
            faults.append(f"{item_id} reads the MRI as radiation plexopathy with no radiotherapy recorded")
    # R12h-08: in palliative care every imaging request carries the one palliative rule
    if history.get("palliative"):
        imaging = [i for i in IMAGING_ITEMS if i in items] + [
            i for i in ("acr-alert-tumor-infiltration-pain",) if i in alerts
        ]
        for item_id in imaging:
            if "image only where the result would change" not in (items.get(item_id) or alerts[item_id])["detail"]:
                faults.append(f"{item_id} asks for imaging in palliative care without the palliative rule")
    # R12h-10: an acute DVT is told first on the handout; the handout never points at an unnamed check
    if history.get("dvt") and not any("blood clot" in line["text"] for line in plan["handout"]["urgent"]):
        faults.append("an acute DVT with no line in the handout's urgent box")
    for entry_id, text in _patient_texts(plan):
        if "the check you are being sent to" in text:
            faults.append(f"{entry_id} sends the patient to a check it does not name")
    # R12h-13: a radiotherapy history with no cancer recorded is not called cancer
    cancer = history["etiology"] == "neoplastic" or bool((history.get("malignancy") or "").strip())
    if irradiated and not cancer:
        faults += [
            f"{i} says cancer is recorded" for i, item in items.items() if "Cancer is recorded" in item["detail"]
        ]
        faults += [
            f"{i} tells the patient where the cancer is" for i, t in _patient_texts(plan) if "the cancer is" in t
        ]
    # R12h-18: the nerve studies name an implanted device
    edx = items.get("guide-med-electrodiagnostic")
    if edx and history.get("implanted_devices") and "neurophysiology laboratory" not in edx["detail"]:
        faults.append("electrodiagnostic studies with an implanted device and no word to the laboratory")
    # R12h-19: an NSAID named within 6 weeks of an injury or operation carries the bleeding caution
    event = acute_event_days(assessment)
    if event is not None and event <= 42:
        for item_id in ("who-step-1", "who-step-2", "who-step-3"):
            if item_id in items and "bleeding risk" not in items[item_id]["detail"]:
                faults.append(f"{item_id} names an NSAID after a recent injury or operation without its bleeding risk")
    # R12i-06: weakness in both legs: the plan asks for imaging of the spine, and says so when each leg fits one root
    weak = {side: False for side in ("left", "right")}
    for sides in (assessment.get("strength") or {}).values():
        for side, grade in (sides or {}).items():
            if side in weak and grade is not None and grade <= 4:
                weak[side] = True
    if all(weak.values()):
        texts = [a["detail"] for a in alerts.values()] + [i["detail"] for i in items.values()]
        if not any(SPINE_IMAGING.search(t) for t in texts):
            faults.append("weakness in both legs and no imaging of the spine asked for")
        spine = items.get("red-med-spine-imaging-both-legs")
        each = findings.get("fits_single_root_left") and findings.get("fits_single_root_right")
        if spine and each and "Each leg on its own fits a single root" not in spine["detail"]:
            faults.append("each leg fits one root and the plan does not say so")
    # R12i-08: the studies are not dated sooner than three weeks after a recent onset
    studies_from = visit + timedelta(days=21 - onset_days) if onset_days is not None and onset_days < 21 else None
    if edx and studies_from and ("due_on" not in edx or date.fromisoformat(edx["due_on"]) < studies_from):
        faults.append("electrodiagnostic studies dated sooner than three weeks after a recent onset")
    # R12i-15: the short course of corticosteroids only in the early, active phase
    late = onset_days is not None and round(onset_days / 30.44, 1) > 3 and not findings.get("strength_worsening")
    if late and "guide-med-idiopathic-first-line" in items:
        faults.append("a short course of corticosteroids offered past the early, active phase")
    # R12i-16: an item dated weeks ahead does not say "now"
    for item_id, item in items.items():
        if item.get("due_on") and date.fromisoformat(item["due_on"]) > visit and DONE_NOW.search(item["detail"]):
            faults.append(f"{item_id} says now but falls due on {item['due_on']}")
    return faults


GENERIC_EXERCISE_LINE = re.compile(
    r"\bDo (your|the) (leg )?exercises\b|Keep doing them as planned|Do the ones that help you", re.IGNORECASE
)
"""A handout sentence that asks, in general words, for the exercises to be done (not a card's own instruction)."""
NEVER_BOTH = "never both at once"
EDGE_OF_SEAT = re.compile(r"\bon the edge of (a|the|your) (firm )?(chair|seat)", re.IGNORECASE)
HELPER_THROUGHOUT = "only with your helper standing beside you"
CHECK_WITH_SURGEON = "check with your surgeon or doctor"
SURGICAL_CHECK_CARDS = {"resisted", "stretch", "nerve"}
"""Card categories held for the first six weeks after an injury or operation, then given with a check first."""


def function12g_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Review 12g's faults on the function side that generalise, read from the assessment: advice on the home
    for every patient who fell or lost position sense, whatever holds the exercises (R12g-02); one general
    "do your exercises" line per handout (R12g-08); a resting foot splint and heel protectors never on one foot
    at once; no stretch leaning forward from the edge of a seat for a patient who fell, whose position sense
    is reduced or unrecorded, or who rises with help; no helper throughout a standing strength card for a
    patient who walks and stands to transfer alone and needs the helper only to rise; the surgical team's
    precautions confirmed before resisted, stretching or nerve work from six to twelve weeks, and no longer;
    cold named in the clot line as in the DVT alert; the helper named in the first step of the dressing
    equipment of a patient who cannot dress, and in the first elastic-laces step whenever dressing needs help."""
    faults: list[str] = []
    history = assessment["history"]
    function = assessment.get("function") or {}
    jps = assessment.get("joint_position_sense") or {}
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    lines = {line["id"]: line["text"] for group in plan["handout"].values() for line in group}
    exercises = {e["id"]: e for e in plan["exercises"]}
    equipment = {e["id"]: e for e in plan["equipment"]}
    item_handouts = [i.get("handout") or "" for i in items.values()]
    fell = (function.get("falls_past_3_months") or 0) >= 1
    jps_lost = any(v in ("impaired", "absent") for v in jps.values())
    if fell or jps_lost:
        if not any("light" in h and ("rugs" in h or "clutter" in h) for h in item_handouts):
            faults.append("a patient who fell or lost position sense has no lighting and clutter advice")
        if not any(t.startswith("Keep floors clear") for t in lines.values()):
            faults.append("a patient who fell or lost position sense has no safe-home checklist line")
    generic = [h for h in [*item_handouts, *lines.values()] if GENERIC_EXERCISE_LINE.search(h)]
    if len(generic) > 1:
        faults.append(f"the handout asks for the exercises in general words more than once: {generic}")
    protectors = equipment.get("eq-heel-protectors")
    splint = equipment.get("eq-resting-splint") or items.get("clinic-afo-positioning")
    if protectors and splint:
        if not any(NEVER_BOTH in step for step in protectors["instructions"]):
            faults.append("heel protectors beside a resting foot splint without saying which is worn when")
        afo = items.get("clinic-afo-positioning")
        if afo and NEVER_BOTH not in (afo.get("handout") or ""):
            faults.append("the resting foot splint's handout line does not say it is never worn with a protector")
    afo = items.get("clinic-afo-positioning")
    if afo and "resting foot splint" not in (afo.get("handout") or "") + afo["title"].lower():
        faults.append("the positioning splint is named differently in the plan and on its equipment card")
    sit_to_stand = function.get("sit_to_stand")
    rises_with_help = sit_to_stand in ("needs_help", "unable") or (
        sit_to_stand is None
        and (
            function.get("standing_transfer") in ("needs_help", "unable")
            or function.get("ambulation") in ("assisted", "non_ambulatory")
        )
    )
    if fell or jps_lost or not any(jps.values()) or rises_with_help:
        faults += [
            f"{e['id']} asks a patient at risk of falling to lean forward from the edge of a seat"
            for e in exercises.values()
            if e.get("category") == "stretch" and any(EDGE_OF_SEAT.search(step) for step in e["instructions"])
        ]
    strength = assessment.get("strength") or {}
    strong_enough = not any(
        g is not None and g <= 2
        for group in ("hip_extension", "hip_abduction", "knee_extension")
        for g in (strength.get(group) or {}).values()
    )
    walks_alone = function.get("ambulation") == "independent" or (
        function.get("ambulation") == "device"
        and function.get("falls_past_3_months") == 0
        and any(jps.values())
        and not jps_lost
    )
    if walks_alone and function.get("standing_transfer") == "independent" and strong_enough:
        faults += [
            f"{e['id']} keeps the helper beside a patient who needs one only to rise"
            for e in exercises.values()
            if e.get("category") == "resisted" and HELPER_THROUGHOUT in (e.get("precautions") or "")
        ]
    event = acute_event_days(assessment)
    checked = [
        e["id"] for e in exercises.values() if e.get("category") in SURGICAL_CHECK_CARDS or e["id"] == "ex-prone-lying"
    ]
    if event is not None and 42 < event <= 84:
        faults += [
            f"{i} given {event} days after the injury or operation without asking to check with the surgeon"
            for i in checked
            if CHECK_WITH_SURGEON not in (exercises[i].get("precautions") or "")
        ]
        alert = next((a for a in plan["alerts"] if a["id"] == "safety-alert-surgical-precautions"), None)
        if alert is None or "confirm" not in alert["text"]:
            faults.append(f"{event} days after the injury or operation and no prompt to confirm the precautions")
    if event is not None and event > 84:
        faults += [
            f"{e['id']} still asks to check with the surgeon {event} days after the event"
            for e in exercises.values()
            if CHECK_WITH_SURGEON in (e.get("precautions") or "")
        ]
    if history.get("dvt") and "cool" not in lines.get("safety-check-dvt", ""):
        faults.append("the clot line of the checklist does not name cold, as the DVT alert does")
    dressing = function.get("lower_body_dressing")
    laces = equipment.get("eq-elastic-laces")
    if laces and dressing in ("needs_help", "unable") and "helper" not in laces["instructions"][0]:
        faults.append("the first elastic-laces step does not name the helper though dressing needs help")
    if dressing == "unable":
        faults += [
            f"{e['id']} starts without the helper for a patient who cannot dress"
            for e in equipment.values()
            if e.get("category") == "dressing" and "helper" not in e["instructions"][0]
        ]
    return faults


def text_of_entry(entry: dict[str, Any]) -> str:
    return " ".join(str(entry.get(key) or "") for key in ("title", "text", "detail", "handout"))


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_generated_assessments_pass_the_lint_and_the_clinical_invariants(library: Any, data: dict[str, Any]) -> None:
    assert faults_of(validate_assessment(data, today=ASSESSED_ON), library) == []


# --- The lint finds each fault it is for (hostile libraries and plans) ------------------------------------

HEADER = "---\nid: LINT-TEST\ntitle: Lint test\nsource: s\nversion: 1\nkind: convention\n---\n"


def library_with(body: str) -> Any:
    documents = {d.id: d for d in read_shipped_documents()}
    documents["LINT-TEST"] = parse_document(HEADER + textwrap.dedent(body), "lint.md")
    return compile_library(documents.values(), prefer_errors_of="LINT-TEST")


def lint(library: Any, **changes: Any) -> list[str]:
    return lint_assessment(make_assessment(**changes), library)


def test_lint_finds_two_items_of_one_exclusive_group() -> None:
    library = library_with("""
        ## S
        Text.

        ::: recommendation lint-second-ladder
        target: analgesia
        when: pain_nrs >= 1
        exclusive: ladder-step
        title: Another ladder step
        :::
        """)
    assert any("exclusive group 'ladder-step'" in p for p in lint(library, pain={"nrs": 2}))


def test_lint_finds_not_recorded_inside_a_sentence() -> None:
    library = library_with("""
        ## S
        Text.

        ::: recommendation lint-onset
        target: monitoring
        when: true
        title: Onset {months_since_onset} months ago
        :::
        """)
    assert any("'not recorded' inside a sentence" in p for p in lint(library))
    assert not any("lint-onset" in p for p in lint(library, history={"onset": "2026-05-01"}))


def test_lint_finds_the_weak_group_list_written_twice() -> None:
    library = library_with("""
        ## S
        Text.

        ::: recommendation lint-list-one
        target: pt
        when: weak_count > 0
        title: One
        detail: {weak_summary}
        :::

        ::: recommendation lint-list-two
        target: monitoring
        when: weak_count > 0
        title: Two
        detail: Weak: {weak_summary}.
        :::
        """)
    two_groups = {"hip_extension": {"right": 3}, "knee_flexion": {"right": 3}}
    problems = [p for p in lint(library, strength=two_groups) if "same list of weak groups" in p]
    assert any("lint-list-one" in p for p in problems) and any("lint-list-two" in p for p in problems)
    assert not any("same list" in p for p in lint(library, strength={"hip_extension": {"right": 3}}))


def test_lint_finds_an_item_offered_while_its_screen_says_hold(library: Any) -> None:
    """The engine never does this; a plan tampered with (or drafted by an older engine) is caught."""
    assessment = make_assessment(pain={"nrs": 5}, history={"arterial_insufficiency": True})
    plan = generate_plan(assessment, library)
    findings = all_findings(assessment, library)
    assert lint_plan(plan, library, findings) == []
    heat = next(entry for entry in plan["held"] if entry["id"] == "mgmt-analgesia-heat")
    analgesia = next(s for s in plan["sections"] if s["key"] == "analgesia")
    analgesia["items"].append({"id": heat["id"], "title": heat["title"], "evidence": heat["evidence"]})
    problems = lint_plan(plan, library, findings)
    assert any("mgmt-analgesia-heat is offered although its screen says hold: heat_hold" in p for p in problems)
    assert any("both offered and held back" in p for p in problems)


# --- The lint reads the exercise programme and the equipment list too --------------------------------------

FIGURE = "::: figure fig-lint\nbody: sitting\nstart: knee 90\nprops: chair\n:::\n"


def equipment_block(entry_id: str, **fields: str) -> str:
    values = {
        "category": "home",
        "name": entry_id,
        "purpose": "Helps.",
        "step": "Use it.",
        "when": "true",
        "illustration": "fig-lint",
    } | fields
    return f"::: equipment {entry_id}\n" + "\n".join(f"{k}: {v}" for k, v in values.items()) + "\n:::\n"


def test_lint_finds_not_recorded_in_an_exercise_or_equipment_text() -> None:
    library = library_with(
        "## S\nText.\n\n" + equipment_block("eq-lint", detail="Onset {months_since_onset} months ago.") + FIGURE
    )
    assert any("equipment eq-lint: 'not recorded' inside a sentence" in p for p in lint(library))
    steps = library_with("## S\nText.\n\n" + equipment_block("eq-lint", step="Walk {walking_aid} daily.") + FIGURE)
    assert any("equipment eq-lint" in p for p in lint(steps))


def test_lint_finds_two_equipment_items_of_one_exclusive_group() -> None:
    body = equipment_block("eq-one", exclusive="lint-aids") + equipment_block("eq-two", exclusive="lint-aids")
    library = library_with("## S\nText.\n\n" + body + FIGURE)
    assert any("exclusive group 'lint-aids' offered more than once: eq-one, eq-two" in p for p in lint(library))


def test_lint_finds_an_exercise_offered_while_its_screen_says_hold(library: Any) -> None:
    assessment = make_assessment(strength={"knee_extension": {"right": 4}}, history={"dvt": True})
    plan = generate_plan(assessment, library)
    findings = all_findings(assessment, library)
    assert lint_plan(plan, library, findings) == []
    held = next(entry for entry in plan["held"] if entry["id"] == "ex-knee-straighten-weight")
    assert held["section"] == "exercises"
    plan["exercises"].append({"id": held["id"], "name": held["title"], "evidence": held["evidence"]})
    problems = lint_plan(plan, library, findings)
    assert any(
        "ex-knee-straighten-weight is offered although its screen says hold: exercise_hold" in p for p in problems
    )
    assert any("ex-knee-straighten-weight is both offered and held back" in p for p in problems)
    assert any(
        "offered with an acute DVT" in f
        for f in programme_invariants(
            assessment, plan | {"exercises": [{"id": "ex-knee-straighten-weight", "category": "resisted"}]}
        )
    )


def test_lint_finds_a_caution_printed_without_its_passage() -> None:
    """Every caution an item prints cites the passage that states it (issue 12 review, D22)."""
    body = """
        ## S
        Text.

        ::: recommendation lint-step
        target: analgesia
        when: pain_nrs >= 1
        title: A drug
        detail: Take it.[[ {nsaid_caution}]]
        :::

        ::: recommendation lint-step-cited
        target: analgesia
        when: pain_nrs >= 1
        title: Another drug
        detail: Take it.[[ {nsaid_caution}]]
        cites: SAFETY: Drugs and kidney function
        :::
        """
    library = library_with(body)
    low = lint(library, pain={"nrs": 2}, history={"creatinine_clearance_ml_min": 20})
    assert any(
        "lint-step prints the caution nsaid_caution without citing SAFETY: Drugs and kidney function" in p for p in low
    )
    assert not any("lint-step-cited" in p for p in low)
    assert not any("lint-step" in p for p in lint(library, pain={"nrs": 2}))  # not printed, nothing to cite


def test_lint_lets_a_sentence_say_in_words_that_a_fact_was_not_recorded() -> None:
    library = library_with("""
        ## S
        Text.

        ::: recommendation lint-words
        target: monitoring
        when: true
        title: Sensation
        detail: Skin sensation is not recorded: test it.[[ Onset {months_since_onset} months ago.]]
        :::
        """)
    assert not any("lint-words" in p for p in lint(library))


def test_lint_finds_an_instruction_printed_twice_in_the_handout() -> None:
    """Review 12d, N-4 and the repeated "change your position often": two items printing one instruction."""
    library = library_with("""
        ## S
        Text.

        ::: recommendation lint-once
        target: pt
        when: true
        title: One
        handout: Change your position often. Check your skin.
        :::

        ::: recommendation lint-twice
        target: ot
        when: true
        title: Two
        handout: Change your position often, and move your legs. While your pain is bad, rest.
        :::

        ::: recommendation lint-condition
        target: pt
        when: true
        title: Three
        handout: While your pain is bad, keep the movements small.
        :::
        """)
    problems = [p for p in lint(library) if "twice" in p]
    assert problems == ["the handout says 'change your position often' twice: in lint-once and lint-twice"]


def test_lint_finds_a_progression_to_a_card_the_patient_may_not_do() -> None:
    """Review 12c, F-9: a card whose progression is a standing card, for a patient who may not stand."""
    figure = "::: figure fig-lint-ex\nbody: sitting\nstart: knee 90\nprops: chair\n:::\n"

    def exercise(entry_id: str, when: str, link: str = "") -> str:
        return (
            f"::: exercise {entry_id}\ncategory: active\nname: {entry_id}\npurpose: Helps.\nstep: Do it.\n"
            f"dosage: 2 sets, 10 reps, 2 times a day\nwhen: {when}\ngroups: knee_extension\nillustration: fig-lint-ex\n"
            + (f"progression: {link}\n" if link else "")
            + ":::\n\n"
        )

    body = exercise("ex-lint-seated", "mrc_knee_extension == 3", "ex-lint-standing")
    body += exercise("ex-lint-standing", "mrc_knee_extension == 4 and standing_work")
    library = library_with("## S\nText.\n\n" + body + figure)
    may_not_stand = {"knee_extension": {"right": 3}, "hip_extension": {"right": 1}}
    problems = lint(library, strength=may_not_stand, function={"ambulation": "assisted", "standing_transfer": "unable"})
    assert "exercise ex-lint-seated: its progression ex-lint-standing is excluded for this patient" in problems
    assert not any(
        "ex-lint-seated" in p
        for p in lint(library, strength={"knee_extension": {"right": 3}}, function={"ambulation": "independent"})
    )
    guarded = library_with(
        "## S\nText.\n\n" + body.replace("ex-lint-standing\n:::", "ex-lint-standing if standing_work\n:::", 1) + figure
    )
    assert not any(
        "ex-lint-seated" in p
        for p in lint(
            guarded, strength=may_not_stand, function={"ambulation": "assisted", "standing_transfer": "unable"}
        )
    )


def test_a_link_condition_that_is_not_true_or_false_is_refused() -> None:
    from planner.errors import DocumentError

    body = (
        "## S\nText.\n\n::: exercise ex-lint-a\ncategory: active\nname: A\npurpose: Helps.\nstep: Do it.\n"
        "dosage: 2 sets, 10 reps, 2 times a day\nwhen: true\nillustration: fig-lint-ex\n"
        "progression: ex-lint-b if age_years\n:::\n\n"
        "::: exercise ex-lint-b\ncategory: active\nname: B\npurpose: Helps.\nstep: Do it.\n"
        "dosage: 2 sets, 10 reps, 2 times a day\nwhen: true\nillustration: fig-lint-ex\n:::\n\n"
        "::: figure fig-lint-ex\nbody: sitting\nstart: knee 90\nprops: chair\n:::\n"
    )
    with pytest.raises(DocumentError, match="the condition after 'if' must be true or false"):
        library_with(body)


def pain12h_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Reviews 12h and 12i on the pain pathway (R12h-04, R12h-06, R12h-07, R12i-03, R12i-04, R12i-12), read from
    the assessment: acute pain after an injury takes its band's step and no more, an opioid-naive start is low,
    'refractory' needs a full trial, topicals tried are not offered again and stay off broken, infected or clotted
    skin, and plexus neurolysis is for radiation fibrosis outside palliative care."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    history, pain = assessment["history"], assessment["pain"]
    nrs, current = pain["nrs"], pain.get("current_ladder_step") or 0
    band = 0 if nrs == 0 else 1 if nrs <= 3 else 2 if nrs <= 6 else 3
    steps = [int(i[-1]) for i in items if i.startswith("who-step-")]
    event = acute_event_days(assessment)
    cancer = history["etiology"] in ("neoplastic", "radiation") or (
        history["etiology"] == "unknown"
        and bool((history.get("malignancy") or "").strip() or history.get("radiation_completed_on"))
    )
    acute_rule = bool(pain.get("acute")) and event is not None and event <= 30 and not cancer
    if acute_rule and steps and steps[0] > max(band, current):
        faults.append(f"acute pain after an injury or operation goes past its band: step {steps[0]} at {nrs}/10")
    if (
        steps
        and acute_rule
        and pain.get("neuropathic")
        and "adjuvant" not in items.get("mgmt-analgesia-neuropathic-adjuvants", {}).get("detail", "")
    ):
        faults.append("acute neuropathic pain after an injury with no adjuvant alongside the step")
    for step in steps:
        title = items[f"who-step-{step}"]["title"]
        if current < 2 and (step == 3 or (step == 2 and acute_rule)) and "lowest dose" not in title:
            faults.append(f"who-step-{step} opens an opioid for a patient on none without starting low")
        if "follows the pain band" in title and step > max(band, current):
            faults.append(f"who-step-{step} says it follows the pain band, which sets step {band}")
    step_up = alerts.get("clinic-alert-pain-step-up")
    if step_up and not (steps and steps[0] > current):
        faults.append("the step-up alert fires while the ladder item stays on the current step")
    tried = set(pain.get("neuropathic_agents_tried") or ())
    adjuvants = items.get("mgmt-analgesia-neuropathic-adjuvants", {}).get("detail", "")
    first_line = tried & {"tricyclic", "ssri", "snri", "gabapentin"}
    if "it is refractory" in adjuvants and not (first_line or pregabalin_full_trial(assessment)):
        faults.append("the adjuvant item calls the pain refractory before a full trial of an adjuvant")
    texts = " ".join(text_of_entry(entry) for entry in [*items.values(), *alerts.values()])
    if "counts as refractory" in texts:
        faults.append("pain called refractory at a review, before an adequate trial of the adjuvant")
    topicals = items.get("mgmt-analgesia-topicals")
    if {"lidocaine_patch", "capsaicin"} <= tried and topicals:
        faults.append("topicals offered with both recorded as tried")
    if topicals:
        for agent, word in (("lidocaine_patch", "lidocaine"), ("capsaicin", "capsaicin")):
            if agent in tried and word in topicals["title"].lower():
                faults.append(f"{word} offered again although recorded as tried")
        injury, operation = injury_days(assessment), operation_days(assessment)
        wound = history.get("trauma_type") in ("open", "penetrating") and injury is not None and injury <= 30
        clot_leg = bool(history.get("dvt")) and (
            history.get("dvt_side") in (None, "bilateral", history["affected_side"])
            or history["affected_side"] == "bilateral"
        )
        screen = {
            "an acute infection": bool(history.get("infection")),
            "a fresh incision": operation is not None and operation <= 30,
            "a fresh wound": wound,
            "an acute DVT of the painful leg": clot_leg,
        }
        if any(screen.values()) and not re.search(
            r"intact skin only|incision until|near it until|leg with the clot|into that leg|into either leg",
            topicals["detail"],
        ):
            faults.append(f"topicals offered with {[k for k, v in screen.items() if v]} and no skin caution")
    if "neurolysis" in texts and (history["etiology"] != "radiation" or history.get("palliative")):
        faults.append("plexus neurolysis offered outside radiation fibrosis, or in palliative care")
    return faults


def confirm12j_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Review 12j on the pain and medical side, read from the assessment: no long-term immunosuppression beside
    'corticosteroids unlikely to help' (R12j-01); no refractory pain, and no opioid step opened for it, beside a
    pregabalin dose above its band (R12j-02, R12j-04); the top-step alert's pain-service pointer leads to an item
    (R12j-03); no procedure offered now while the ladder still opens a step (R12j-05); one first month after an
    operation (R12j-06); the pregabalin dose said once (R12j-07); 'cancer is recorded' only with a recorded cancer
    (R12j-08); the radiotherapy item names no topical recorded as tried (R12j-09)."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    held = {e["id"]: e for e in plan["held"]}
    history, pain = assessment["history"], assessment["pain"]
    current = pain.get("current_ladder_step") or 0
    steps = [int(i[-1]) for i in items if i.startswith("who-step-")]
    texts = [text_of_entry(e) for e in (*items.values(), *alerts.values(), *plan["exercises"], *plan["equipment"])]
    texts += [e["reason"] for e in held.values()]
    texts += [line["text"] for lines in plan["handout"].values() for line in lines]
    cancer = bool((history.get("malignancy") or "").strip()) or history["etiology"] == "neoplastic"
    if not cancer and any(re.search(r"\bcancer is recorded", t, re.IGNORECASE) for t in texts):
        faults.append("a text says cancer is recorded, but no cancer is")
    if "guide-med-idiopathic-late" in items and "guide-med-idiopathic-severe" in items | held:
        faults.append("long-term immunosuppression beside 'corticosteroids unlikely to help'")
    dose = pain.get("pregabalin_mg_day") or 0
    adjuvants = items.get("mgmt-analgesia-neuropathic-adjuvants", {}).get("detail", "")
    refractory_step = any("as the pain is refractory" in items[f"who-step-{s}"]["title"] for s in steps)
    if dose > pregabalin_top(assessment) and ("it is refractory" in adjuvants or refractory_step):
        faults.append("pain called refractory beside a pregabalin dose above its band")
    if dose and adjuvants.count(f"{dose} mg/day") > 1:
        faults.append("the adjuvant item states the pregabalin dose twice")
    top = alerts.get("clinic-alert-pain-top-step")
    pointer = bool(top) and "analgesia section" in text_of_entry(top)
    if pointer and not any("pain service" in i["title"].lower() for i in items.values()):
        faults.append("the top-step alert points to a pain-service item the plan does not offer")
    if steps and steps[0] > current:
        now = [i for i, e in items.items() if "as the pain is refractory, blocks" in text_of_entry(e)]
        faults += [f"{i} offers blocks now while the ladder still opens step {steps[0]}" for i in now]
    operation = operation_days(assessment)
    topicals = items.get("mgmt-analgesia-topicals", {}).get("detail", "")
    if operation is not None and operation > 30 and "The operation was less than a month ago" in topicals:
        faults.append(f"topicals call day {operation} after the operation the first month")
    radiation = items.get("mgmt-analgesia-post-radiation-multimodal", {}).get("detail", "")
    tried = set(pain.get("neuropathic_agents_tried") or ())
    for agent, word in (("lidocaine_patch", "lidocaine"), ("capsaicin", "capsaicin")):
        if agent in tried and word in radiation.lower():
            faults.append(f"the radiotherapy item names {word}, recorded as tried")
    return faults


RESISTANCE_WORDS = re.compile(
    r"\bpress (?:down|gently|against)|\bagainst (?:the|a|your) (?:band|hand|pillow|weight)|\bagainst it\b"
    r"|\b(?:ankle|light|a) weight\b|\bband (?:around|to|over)|\bloop of (?:exercise )?band|\bpush \w+ \w+ against",
    re.IGNORECASE,
)
"""Wording that sets a card against resistance (a band, a weight, a hand or a finger pressing): MRC 4 and above."""


LEG_SINGULAR = (
    "Rest your leg in",
    "Move your leg gently",
    "where your leg rests",
    "where your leg presses",
    "to lift your weak leg ",
    "Keeps your leg joints",
    "Keeps the joints of your leg ",
    "under your knee for long",
    "your leg becomes red",
    "blood supply to your leg",
)
"""Patient wording that names one leg where both are affected (R12h-20, R12k-07)."""
FOOT_SINGULAR = ("Wear your resting foot splint in", "on that foot", "Keeps your ankle at a right angle")
"""Patient wording that names one resting splint or one foot where both feet drop (R12k-07)."""
SURGEON_CHECK_CARDS = {"stretch", "nerve", "resisted"}
TRANSFER_LINES = ("nlsp-ot-standing-transfer-safety", "nlsp-ot-sit-to-stand")
"""Card categories the 6-12 week alert says ask the patient to check the surgical limits first."""


def confirm12k_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12k (/work/team/reports/review12k.md), read from the assessment: no card of any category speaks of
    resistance for movements graded 3 or less (R12k-01); the positions are named only with a position card
    (R12k-02); 6 to 12 weeks after an injury or operation every stretch, glide, resisted or held-stretch card asks
    for the surgical limits, as the alert says (R12k-03); the nerve studies' purpose once (R12k-04); no gentle
    movement line under the spinal hold and no positioning programme in words for a patient with no weakness
    (R12k-05); the helper on the transfer and walking-aid lines under the spinal hold (R12k-06); both legs and
    both feet in the plural, and no knee giving way under a patient who does not walk (R12k-07); the bed
    positioning programme only for a hip or knee at 0-1 or a patient who does not walk unaided (R12k-08); no stop
    rule met by the patient's own tingling, and no card named that the handout does not give (R12k-09)."""
    faults: list[str] = []
    function = assessment.get("function") or {}
    symptoms = assessment.get("symptoms") or {}
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    exercises = {e["id"]: e for e in plan["exercises"]}
    texts = _patient_texts(plan) + [
        (e["id"], str(e.get(k) or "")) for e in (*plan["exercises"], *plan["equipment"]) for k in ("name", "purpose")
    ]
    grades = {
        group: min(g for g in sides.values() if g is not None)
        for group, sides in (assessment.get("strength") or {}).items()
        if any(g is not None for g in (sides or {}).values())
    }
    for card in plan["exercises"]:  # R12k-01
        worked = [grades[g] for g in card.get("groups") or () if g in grades]
        if worked and max(worked) <= 3:
            faults += [
                f"{card['id']} speaks of resistance for movements graded 3 or less: {t!r}"
                for t in (*card.get("instructions", ()), card.get("precautions") or "")
                if RESISTANCE_WORDS.search(t)
            ]
    positions = {"ex-position-back", "ex-position-side"} & exercises.keys()
    if not positions:  # R12k-02
        faults += [f"{i} names positions not given" for i, t in texts if re.search(r"Rest your legs? in", t)]
    event = acute_event_days(assessment)
    alerted = "safety-alert-surgical-precautions" in {a["id"] for a in plan["alerts"]}
    if event is not None and 42 < event <= 84 and alerted:
        for card in plan["exercises"]:  # R12k-03
            held_stretch = any(STRETCH_HELD.search(t) for t in card.get("instructions", ()))
            if (card["category"] in SURGEON_CHECK_CARDS or held_stretch) and "surgeon" not in _card_texts(card):
                faults.append(f"{card['id']} does not ask for the surgical limits 6-12 weeks after the event")
    studies = items.get("guide-med-electrodiagnostic")
    if studies and studies["detail"].count("from a radiculopathy") > 1:  # R12k-04
        faults.append("the nerve-studies item says twice what the studies tell apart")
    spine = urgent_spine_review(assessment)
    if spine:  # R12k-05
        faults += [f"{i} asks for gentle movement under the spinal hold" for i, t in texts if "gently, only as" in t]
    acute = items.get("nlsp-pt-acute-positioning")
    if acute and not any(g <= 4 for g in grades.values()) and "positioning" in acute["title"] + acute["detail"]:
        faults.append("the acute-pain item gives a positioning programme to a patient with no weakness")
    walks = function.get("ambulation") not in (None, "non_ambulatory")
    if spine and walks:  # R12k-06
        for item_id in ("clinic-aid-walker", "clinic-aid-cane", *TRANSFER_LINES):
            handout = items.get(item_id, {}).get("handout") or ""
            if handout and "helper" not in handout:
                faults.append(f"{item_id} gives no helper under the spinal hold: {handout!r}")
    if _weak_sides(assessment) >= {"left", "right"}:  # R12k-07
        faults += [f"{i} names one leg, both are weak: {t!r}" for i, t in texts for w in LEG_SINGULAR if w in t]
    dorsiflexion = (assessment.get("strength") or {}).get("ankle_dorsiflexion") or {}
    if all(dorsiflexion.get(side) is not None and dorsiflexion[side] <= 3 for side in ("left", "right")):
        faults += [f"{i} names one splint or foot, both drop: {t!r}" for i, t in texts for w in FOOT_SINGULAR if w in t]
    if function.get("ambulation") == "non_ambulatory":
        faults += [f"{i} speaks of a leg giving way to a non-walker" for i, t in texts if "gives way" in t]
    hip_knee_paralysed = any(grades.get(g, 5) <= 1 for g in HIP_KNEE)
    walker = function.get("ambulation") in ("independent", "device")
    if walker and not hip_knee_paralysed and not assessment["pain"].get("acute"):  # R12k-08
        faults += [f"{i} for a walker with no hip or knee group at 0-1" for i in sorted(positions)]
        if "ex-ankle-pumps" in exercises and not (assessment.get("lymphedema") or {}).get("present"):
            faults.append("hourly ankle pumps for a walker with no hip or knee group at 0-1")
    if symptoms.get("paresthesia"):  # R12k-09
        faults += [
            f"{i} stops on tingling the patient already has: {t!r}"
            for i, t in texts
            if re.search(r"\btingles\b", t) and "more than usual" not in t
        ]
    if "ex-ankle-pumps" not in exercises:
        faults += [f"{i} names ankle pumps, a card not given: {t!r}" for i, t in texts if "ankle pumps" in t.lower()]
    return faults


ACTIVE_STEP = re.compile(
    r"(?<!helper )(?:bend and straighten your knee|sliding your heel|slide your heel (?:up|towards))"
)
"""An active leg movement done by the patient, which the same-day spinal review holds on every card (R12m-01)."""
CARD_NAMES = {
    "leg lifter": "eq-leg-lifter",
    "sock aid": "eq-sock-aid",
    "reacher": "eq-reacher",
    "long sponge": "eq-long-sponge",
    "hand-held shower": "eq-hand-shower",
    "transfer board": "eq-transfer-board",
    "commode": "eq-commode",
}
"""Equipment a patient text names by name, and the card that gives it (R12m-03)."""
BATHING_CARDS = ("eq-shower-chair", "eq-tub-bench", "eq-grab-bars")
PARENT_LINES = ("nlsp-analgesia-tens-anodyne", "mgmt-analgesia-heat", "mgmt-analgesia-cold")
ONE_LEG_WORDS = (
    "Put your weak leg in",
    "Your leg may not feel hot water",
    "your weak leg on top",
    "your weak leg underneath",
)
"""Patient wording that names one weak leg where both are weak (R12m, the R12k-07 leftovers)."""


def final12m_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Review 12m (/work/team/reports/review12m.md), read from the assessment: no card gives an active leg
    movement, and no item adds range-of-motion exercise, while the same-day spinal review holds exercise
    (R12m-01); a patient who needs help to bathe, or cannot bathe, washes with the helper on every bathing line
    (R12m-02); no text names a piece of equipment the plan does not give (R12m-03); the knee that gives way at
    baseline is no call trigger as such (R12m-06); a patient under 18 has a line for the parent or carer, and the
    pain measures are used with them (R12m-07); no wheelchair called a walking aid, and gait training names no
    aid the plan lacks (R12m-09); every standing balance card carries the recent-fall clause (R12m-10); under
    the spinal hold the sit-to-stand item has its helper line (R12k-06); the line that rising is harder only for
    a patient not recorded as rising alone (R12i-09); both weak legs named in the plural."""
    faults: list[str] = []
    function = assessment.get("function") or {}
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    equipment = {e["id"]: e for e in plan["equipment"]}
    texts = _patient_texts(plan)
    spine = urgent_spine_review(assessment)
    if spine:  # R12m-01
        cards = (*plan["exercises"], *plan["equipment"])
        faults += [
            f"{c['id']} gives an active movement under the spinal hold"
            for c in cards
            if ACTIVE_STEP.search(_card_texts(c))
        ]
        faults += [
            f"{i} adds range-of-motion exercise under the spinal hold"
            for i, item in items.items()
            if "Add range-of-motion" in item["detail"]
        ]
    if function.get("bathing") in ("needs_help", "unable"):  # R12m-02
        faults += [
            f"{i} gives no helper to a patient who needs help to bathe"
            for i in BATHING_CARDS
            if i in equipment and "helper" not in _card_texts(equipment[i])
        ]
        bathing = items.get("nlsp-ot-dressing-bathing-equipment")
        if bathing and "wash only with your helper" not in bathing.get("handout", "").lower():
            faults.append("the bathing line gives no helper to a patient who needs help to bathe")
    for i, text in texts:  # R12m-03
        faults += [
            f"{i} names the {name}, which the plan does not give"
            for name, card in CARD_NAMES.items()
            if name in text.lower() and card not in equipment and card != i
        ]
    knee = [g for g in ((assessment.get("strength") or {}).get("knee_extension") or {}).values() if g is not None]
    if knee and min(knee) <= 2:  # R12m-06
        faults += [
            f"{line['id']} makes the knee giving way a call trigger at baseline"
            for line in plan["handout"].get("call", ())
            if "gives way under you" in line["text"]
        ]
    if under_18(assessment):  # R12m-07
        if not any("parent or carer" in line["text"] for line in plan["handout"].get("preface", ())):
            faults.append("a patient under 18 has no line for the parent or carer")
        faults += [
            f"{i} is not with a parent or carer under 18"
            for i in PARENT_LINES
            if i in items and "parent or carer" not in items[i]["handout"]
        ]
    faults += [
        f"{e['id']} calls the wheelchair a walking aid"
        for e in plan["equipment"]
        if "Walking aid: wheelchair" in str(e.get("detail") or "")
    ]
    gait = items.get("mgmt-pt-gait-training")
    if (
        gait
        and not {"clinic-aid-cane", "clinic-aid-walker"} & items.keys()
        and "walking aid and orthosis" in gait["detail"]
    ):  # R12m-09
        faults.append("gait training names a walking aid the plan does not give")
    if (function.get("falls_past_3_months") or 0) >= 1:  # R12m-10
        for card in plan["exercises"]:
            standing_balance = card["category"] == "balance" and card["id"] != "ex-sitting-balance"
            if standing_balance and not re.search(r"helper|someone nearby", card.get("precautions") or ""):
                faults.append(f"{card['id']} has no fall clause after a recent fall")
    rising = items.get("nlsp-ot-sit-to-stand")
    walks = function.get("ambulation") not in (None, "non_ambulatory")
    rising_lines = [items.get(i, {}).get("handout") or "" for i in TRANSFER_LINES]
    helper_to_rise = any("get up" in line and "helper" in line for line in rising_lines)
    stands = any(rising_lines)  # a patient who slides across on a board has neither line
    if spine and walks and stands and rising and "with help" in rising["detail"] and not helper_to_rise:  # R12k-06
        faults.append("rising is with help under the spinal hold, and no handout line says to get up with the helper")
    if (
        rising and function.get("sit_to_stand") == "independent" and "may be harder" in rising.get("handout", "")
    ):  # R12i-09
        faults.append("rising is called harder for a patient recorded as rising alone")
    if _weak_sides(assessment) >= {"left", "right"}:
        faults += [f"{i} names one weak leg, both are weak: {t!r}" for i, t in texts for w in ONE_LEG_WORDS if w in t]
    return faults


TRAUMA_PLEXUS_ITEMS = (
    "guide-med-trauma-imaging-delay",
    "guide-med-trauma-blunt",
    "guide-med-trauma-exploration",
    "guide-med-trauma-rupture",
    "guide-alert-trauma-surgical-review",
)
PROCEDURE_ITEMS = ("nlsp-analgesia-interventional", "nlsp-analgesia-rhizotomy", "mgmt-analgesia-scs-itb")
ADJUVANT_CLASSES = {"tricyclic", "ssri", "snri", "gabapentin", "pregabalin"}


def final12l_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12l (/work/team/reports/review12l.md) and R12m-05/08, read from the assessment: an injury recorded
    beside a cancer or radiotherapy history neither defers the plexus MRI nor brings the plexus-injury items, and
    cancer pain is not planned to be stepped down (R12l-01); cold keeps off an infected or fresh wound (R12l-02);
    an infected open injury heads the handout and has no tick chart (R12l-03); a clot in the other leg is named
    with the exercise it stops, and a deep injection's hold names anticoagulation (R12l-04); both swollen legs
    in the plural (R12l-06); no call for a swollen calf to a patient whose calf is already swollen (R12l-07); the
    needle study keeps off infected skin (R12l-08); one surgical review alert (R12l-10); no request to record an
    agent already recorded as tried, and no procedure weighed beside an adjuvant still being raised without
    saying that it comes after (R12m-05, R12m-08)."""
    faults: list[str] = []
    history, pain = assessment["history"], assessment["pain"]
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    held = {e["id"]: e for e in plan["held"]}
    lines = {line["id"]: line["text"] for group in plan["handout"].values() for line in group}
    cancer = history["etiology"] in ("neoplastic", "radiation") or bool(
        (history.get("malignancy") or "").strip() or history.get("radiation_completed_on")
    )
    injury_cause = history["etiology"] == "traumatic" or (history["etiology"] == "unknown" and not cancer)
    if cancer and "guide-med-trauma-imaging-delay" in items:  # R12l-01
        faults.append("the plexus MRI deferred for an injury beside a cancer or radiotherapy history")
    if not injury_cause:
        faults += [
            f"{i} offered although the injury is not the cause of the plexopathy"
            for i in TRAUMA_PLEXUS_ITEMS
            if i in items or i in alerts
        ]
    if findings.get("cancer_related") and any("stepped down" in i.get("detail", "") for i in items.values()):
        faults.append("cancer pain planned to be stepped down as if it were injury pain")
    infection = bool(history.get("infection"))
    injury, operation = injury_days(assessment), operation_days(assessment)
    wound = (history.get("trauma_type") in ("open", "penetrating") and injury is not None and injury <= 30) or (
        operation is not None and operation <= 30
    )
    cold = items.get("mgmt-analgesia-cold")
    if cold and (infection or wound):  # R12l-02
        if "not on or near" not in cold["detail"] and "never on infected" not in cold["detail"]:
            faults.append("cold offered with an infection or a fresh wound, without keeping it off the skin")
        if "Keep the cold pack off" not in cold.get("handout", ""):
            faults.append("the cold handout does not keep the pack off the wound")
    infected_open = (
        infection
        and history.get("trauma_type") in ("open", "penetrating")
        and (acute_event_days(assessment) or 0) <= 42
        and acute_event_days(assessment) is not None
    )
    if infected_open:  # R12l-03
        if "safety-urgent-infected-wound" not in lines:
            faults.append("the surgical team today is not in the handout's urgent box")
        if plan["findings"].get("handout_tick_chart"):
            faults.append("a tick chart while the surgical review of an infected wound is pending")
        if "guide-alert-trauma-surgical-review" in alerts:  # R12l-10
            faults.append("two alerts for one surgical review")
    dvt_alert = alerts.get("clinic-alert-compression-dvt")
    other_leg = dvt_alert is not None and dvt_in_other_leg_only(assessment)
    if other_leg and "no exercise that works the leg," in dvt_alert["detail"]:  # R12l-04
        faults.append("the DVT alert says 'the leg' for a clot in the other leg")
    if history.get("dvt") and not infection:
        faults += [
            f"{e['id']} held for a DVT without naming anticoagulation"
            for e in held.values()
            if "injection_hold" in e.get("screen", ()) and "anticoagulation" not in e.get("reason", "")
        ]
    lymphedema = assessment.get("lymphedema") or {}
    if lymphedema.get("present") and lymphedema.get("side") == "bilateral":  # R12l-06
        texts = _patient_texts(plan) + [
            (e["id"], str(e.get(k) or ""))
            for e in (*plan["exercises"], *plan["equipment"])
            for k in ("name", "purpose")
        ]
        faults += [
            f"{i} speaks of one swollen leg or stocking with both legs swollen: {t!r}"
            for i, t in texts
            if re.search(r"your swollen leg\b|compression stocking\b(?!s)|your stocking\b(?!s)", t)
        ]
    calf = lines.get("clinic-call-calf", "")
    if (lymphedema.get("present") or history.get("dvt")) and calf.startswith("Your calf becomes swollen"):  # R12l-07
        faults.append("the call line for a swollen calf goes to a patient whose calf is already swollen or clotted")
    edx = items.get("guide-med-electrodiagnostic")
    if edx and infection and "infected skin" not in edx["detail"]:  # R12l-08
        faults.append("needle EMG planned with an infection, without keeping off infected skin")
    listed = ADJUVANT_CLASSES & set(pain.get("neuropathic_agents_tried") or ())
    adjuvants = items.get("mgmt-analgesia-neuropathic-adjuvants")
    if adjuvants and listed and "record an agent as tried" in adjuvants["detail"]:  # R12m-05
        faults.append("the adjuvant item asks to record as tried an agent already recorded")
    below_trial = "has not yet failed" in (adjuvants or {}).get("detail", "")
    if below_trial:  # R12m-08
        faults += [
            f"{i} weighs a procedure beside an adjuvant still being raised, without putting it after"
            for i in PROCEDURE_ITEMS
            if i in items and "after its titration" not in items[i]["detail"]
        ]
        if findings.get("cancer_related") and "before the pain is called refractory" in adjuvants["detail"]:
            faults.append("cancer pain called refractory or not in the adjuvant item")
    return faults


def evidence_texts(node: Any) -> list[str]:
    """Every evidence passage anywhere in a plan (items, alerts, held entries, exercises, equipment)."""
    if isinstance(node, dict):
        found = [e["text"] for e in node.get("evidence") or () if isinstance(e, dict) and "text" in e]
        return found + [t for key, value in node.items() if key != "evidence" for t in evidence_texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in evidence_texts(value)]
    return []


def round12pb_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12n/12p: one weak group never reads as a single root (it fits a root, one nerve or the plexus
    alike), a single root is offered only for two or more weak groups in one leg, and the evidence a clinician
    reads never shows a finding's code name."""
    faults: list[str] = []
    items = {i["id"] for s in plan["sections"] for i in s["items"]}
    weak = {
        (group, side)
        for group, grades in (assessment.get("strength") or {}).items()
        for side, grade in (grades or {}).items()
        if grade is not None and grade <= 4
    }
    # At a follow-up the pattern is that of every group weak at any visit (the plan's trends list them).
    ever = weak | {
        (row["group"], row["side"])
        for row in (plan.get("progress") or {}).get("strength") or ()
        if any(grade is not None and grade <= 4 for grade in row["mrc"])
    }
    if "guide-med-single-root-pattern" in items and (len(ever) < 2 or len({side for _g, side in ever}) > 1):
        faults.append(f"single-root item offered for the groups weak at any visit {sorted(ever)}")
    if len(weak) == 1 and len(ever) == 1 and "guide-med-one-group-pattern" not in items:
        faults.append("one weak group without the item saying its pattern cannot tell root, nerve or plexus apart")
    faults += [f"evidence prints a code name: {t[:80]!r}" for t in evidence_texts(plan) if "`" in t]
    return faults


EDX_ORDERS = (
    "guide-med-electrodiagnostic",
    "entrap-mon-repeat-edx",
    "entrap-mon-repeat-edx-after-first",
    "entrap-mon-repeat-edx-surgery",
)


def round12pd_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Reviews 12n and 12o (medical, imaging and work-up), read from the assessment: an acute infection holds the
    piriformis stretch while a gluteal abscess is not excluded, and says so where the plan speaks of it (R12n-01);
    a palliative plan weighs treatment of the cancer by the goals of care, not "first" (R12n-04); the cancer or
    radiotherapy pathway always says how the first study's result is acted on, whichever study replaces MRI
    (R12n-05); diffuse change after radiotherapy is not closed as radiation plexopathy before recurrence is
    excluded (R12n-06); a clot whose side is not recorded is not placed in "the painful leg", nor left to the
    doctor to name (R12n-14); a palliative plan that orders no nerve studies does not point to them (R12o-07)."""
    faults: list[str] = []
    history = assessment["history"]
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    exercises = {e["id"] for e in plan["exercises"]}
    lines = {line["id"]: line["text"] for group in plan["handout"].values() for line in group}
    if history.get("infection"):  # R12n-01
        if "ex-piriformis-stretch" in exercises:
            faults.append("the piriformis stretch given while a gluteal abscess is not excluded")
        mobilisation = items.get("entrap-pt-nerve-mobilization")
        detail = mobilisation["detail"] if mobilisation else ""
        if "including the piriformis" in detail and "piriformis stretch waits" not in detail:
            faults.append("piriformis stretching named with an infection recorded, without saying it waits")
        if "You have a fever" in lines.get("clinic-call-infection", ""):
            faults.append("the call line asks about a fever as if no infection were recorded")
    palliative = bool(history.get("palliative"))
    if palliative and "first where possible" in items.get("nlsp-med-treat-cancer-first", {}).get("detail", ""):
        faults.append("treating the cancer 'comes first' in a palliative plan")  # R12n-04
    cancer_pathway = history["etiology"] in ("neoplastic", "radiation") or bool(
        (history.get("malignancy") or "").strip() or history.get("radiation_completed_on")
    )
    result = items.get("acr-med-mri-result-pathway")
    if cancer_pathway and result is None:  # R12n-05
        faults.append("the cancer or radiotherapy pathway without the item on acting on the imaging result")
    radiotherapy = history["etiology"] == "radiation" or bool(history.get("radiation_completed_on"))
    if result and radiotherapy:  # R12n-06
        detail = result["detail"]
        if "radiation" in detail and "exclude perineural tumour spread" not in detail:
            faults.append(
                "diffuse change after radiotherapy read as radiation plexopathy before recurrence is excluded"
            )
        if history.get("mri_contraindicated") and "plexus MRI" in result["title"]:
            faults.append("the result item speaks of an MRI that is contraindicated")
    if history.get("dvt") and not history.get("dvt_side"):  # R12n-14
        texts = [e["reason"] or "" for e in plan["held"]] + [text_of_entry(i) for i in items.values()]
        texts += list(lines.values())
        faults += [
            f"a clot of unrecorded side placed in the painful leg: {t!r}" for t in texts if "in the painful leg" in t
        ]
        faults += [
            f"the patient left to be told the clot's side: {t!r}" for t in texts if "doctor tells you which," in t
        ]
    if palliative and not orders_nerve_studies(items):  # R12o-07
        texts = {i: text_of_entry(e) for i, e in (items | alerts).items()}
        faults += [
            f"{i} points to nerve studies the palliative plan leaves out"
            for i, t in texts.items()
            if "electrodiagnostic" in t.lower()
        ]
    return faults


def orders_nerve_studies(items: dict[str, Any]) -> bool:
    return any(i in items for i in EDX_ORDERS)


TITLE_LIMIT = 120  # characters: a title says what to do; its detail says why (R12n-11)
TOPICAL_NAMED = re.compile(r"topical agent[^.]*\((?:lidocaine|capsaicin)")
KEEP_OFF = re.compile(r"Keep (?:cold|warmth) off (your (?:left|right) leg|your swollen leg)")


def round12pc_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Reviews 12n and 12o on the pain documents (/work/team/reports/review12n.md, review12o.md), read from the
    assessment: a first opioid, by whatever path the ladder opens it, starts at its lowest dose and gets the
    review of the new step (R12n-02); an opioid is held back for a pregabalin correction only where the ladder
    itself stays on its step (R12n-03); the anti-inflammatory item points to the ladder for cautions only where
    the ladder names one (R12n-09); item titles stay short (R12n-11); the topical agents are named by the topical
    item alone (R12n-12); the pain call line is worded for pain already not controlled (R12o-06); one leg is
    kept off cold or warmth in one sentence (R12o-08)."""
    faults: list[str] = []
    history, pain = assessment["history"], assessment["pain"]
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    lines = {line["id"]: line["text"] for group in plan["handout"].values() for line in group}
    ladder = [item for item_id, item in items.items() if item_id.startswith("who-step-")]
    current = pain.get("current_ladder_step") or 0
    uncontrolled = (pain.get("nrs") or 0) >= 4
    for item in ladder:
        step, text = int(item["id"][-1]), f"{item['title']} {item['detail']}"
        if step >= 2 and current < 2:  # R12n-02: no opioid recorded, and this plan opens one
            if "lowest dose" not in item["title"]:
                faults.append(f"{item['id']} opens a first opioid without its lowest dose")
            if "clinic-mon-pain-review" not in items:
                faults.append(f"{item['id']} opens a first opioid with no review of the new step")
        if uncontrolled and "before an opioid is started or raised" in text and "stay on this step" not in text:
            faults.append(f"{item['id']} holds the opioid back for uncontrolled pain while the ladder moves")  # R12n-03
    adjuvants = items.get("mgmt-analgesia-neuropathic-adjuvants")
    if adjuvants and "mgmt-analgesia-topicals" in items and TOPICAL_NAMED.search(adjuvants["detail"]):
        faults.append("the adjuvant item names the topical agents again beside the topical item")  # R12n-12
    conservative = items.get("entrap-analgesia-conservative-drugs")
    named = any("NSAID" in item["detail"] for item in ladder)
    if conservative and "ladder item names" in conservative["detail"] and not named:  # R12n-09
        faults.append("the anti-inflammatory item points to cautions the ladder item does not name")
    faults += [
        f"{i['id']} title is {len(i['title'])} characters long"
        for i in items.values()
        if len(i["title"]) > TITLE_LIMIT  # R12n-11
    ]
    if uncontrolled and "do not control it" in lines.get("clinic-call-pain", ""):  # R12o-06
        faults.append("the pain call line is met on the day the handout is printed")
    lymphedema = assessment.get("lymphedema") or {}
    same_leg = (
        bool(history.get("dvt"))
        and history.get("dvt_side") in ("left", "right")
        and bool(lymphedema.get("present"))
        and lymphedema.get("side") == history.get("dvt_side")
    )
    for item_id in ("mgmt-analgesia-cold", "mgmt-analgesia-heat"):  # R12o-08
        kept_off = KEEP_OFF.findall(items.get(item_id, {}).get("handout", ""))
        if same_leg and len(kept_off) > 1:
            faults.append(f"{item_id} keeps the one swollen clot leg off twice: {kept_off}")
    return faults


def walking_in_doubt(assessment: dict[str, Any]) -> bool:
    """Walking recorded (alone, with an aid or with help) beside rising from a seat or standing to transfer recorded
    as unable even with help: a record that disagrees with itself, read as not walking until it is checked (R12o-05)."""
    function = assessment.get("function") or {}
    walks = function.get("ambulation") not in (None, "non_ambulatory")
    return walks and "unable" in (function.get("sit_to_stand"), function.get("standing_transfer"))


ROUND12PA_PAIN_MEASURES = ("mgmt-analgesia-heat", "mgmt-analgesia-cold", "nlsp-analgesia-tens-anodyne")
ANKLE_AND_ABOVE = (*HIP_KNEE, "ankle_dorsiflexion", "ankle_plantarflexion", "ankle_inversion", "ankle_eversion")


def round12pa_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Reviews 12n, 12o and 12p (function, exercise and equipment cards), read from the assessment: a grade-1 big
    toe alone starts no carer programme (R12p-03); no walker reason or frame step for weakness the patient does not
    have (R12p-04, R12n-10); a new walking aid comes with gait training, and a balance or walking card with the
    checklist line (R12p-05); the move to resistance said once (R12p-06); the carer line names only what the plan
    gives (R12o-03); no leg movement beyond the spinal hold's list (R12o-04); walking beside rising or standing
    to transfer recorded unable is checked and read as not walking (R12o-05); no lifting the legs over the bath
    alone beside a leg lifter (R12o-09); no training to rise while transfers are by board (R12n-07); no card
    forbidding itself for a painful leg (R12n-08); stretching named only with a stretch card (R12n-13); the cane
    asks for position sense that is not recorded (R12n-15)."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    held = {e["id"] for e in plan["held"]}
    exercises = {e["id"]: e for e in plan["exercises"]}
    equipment = {e["id"]: e for e in plan["equipment"]}
    lines = {line["id"]: line["text"] for entries in plan["handout"].values() for line in entries}
    texts = _patient_texts(plan)
    strength = assessment.get("strength") or {}
    weak = {group for group, sides in strength.items() for g in (sides or {}).values() if g is not None and g <= 4}
    toe_only = _at_most(assessment, 1, "great_toe_extension") and not _at_most(assessment, 1, *ANKLE_AND_ABOVE)
    if toe_only:  # R12p-03
        faults += [
            f"{i}: a carer-moved card for a grade-1 big toe alone"
            for i, e in exercises.items()
            if e["category"] == "passive"
        ]
        faults += [
            f"{i}: a carer programme for a grade-1 big toe alone"
            for i, t in texts
            if "Your carer or your therapist will" in t
        ]
    if not weak:  # R12p-04
        faults += [f"{i} names a weaker leg the patient does not have" for i, t in texts if "weaker leg" in t]
    proximal = [g for g in (_grade(assessment, x) for x in RISING_GROUPS) if g is not None]
    walker = items.get("clinic-aid-walker")
    if walker and proximal and min(proximal) >= 4 and "quadriceps: MRC" in walker["detail"]:  # R12p-04, R12n-10
        faults.append("the walker's reasons list a grade that calls for a cane or for no aid")
    if walker and proximal and min(proximal) == 4 and "would alone call for a cane" not in walker["detail"]:
        faults.append("the walker's reasons do not say that MRC 4 alone calls for a cane")
    pain_acute = bool(assessment["pain"].get("acute"))
    gait = "mgmt-pt-gait-training" in items or "mgmt-pt-gait-training" in held
    if (walker or "clinic-aid-cane" in items) and not pain_acute and not gait:  # R12p-05
        faults.append("a walking aid given with no gait training")
    if (
        any(e["category"] in ("balance", "walking") for e in exercises.values())
        and "clinic-check-exercises" not in lines
    ):
        faults.append("balance or walking cards with no checklist line to do the exercises")
    advance = items.get("nlsp-pt-advance-resistance")
    if advance and "nlsp-pt-arom-progression" in items and "low resistance" in advance["title"]:  # R12p-06
        faults.append("the move to low resistance said in two items")
    carer = lines.get("safety-check-carer", "")
    if carer:  # R12o-03
        standing = any(
            i in STANDING_EXERCISES or (e["category"] in ("walking", "balance") and STAND.search(_card_texts(e)))
            for i, e in exercises.items()
        )
        checks = (
            ("done standing", standing),
            ("pain treatments", any(i in items for i in ROUND12PA_PAIN_MEASURES)),
            ("cards done for them", any(e["category"] == "passive" for e in exercises.values())),
            ("transfer board", "clinic-ot-transfer-board" in items),
        )
        faults += [
            f"the carer line speaks of {words!r} the plan does not give"
            for words, given in checks
            if words in carer and not given
        ]
    if urgent_spine_review(assessment):  # R12o-04
        faults += [
            f"{i} goes beyond the spinal hold: {t!r}"
            for i, t in texts
            if re.search(
                r"\bmove your legs\b(?! and exercise only as much as your doctor says)"
                r"|until your therapist says you can do it alone",
                t,
                re.IGNORECASE,
            )
        ]
    if walking_in_doubt(assessment):  # R12o-05
        if "clinic-alert-walking-rising-mismatch" not in alerts:
            faults.append(
                "walking recorded beside rising or standing to transfer unable, and no alert asks to check it"
            )
        faults += [f"{i} speaks of walking to a patient read as not walking: {t!r}" for i, t in texts if WALK.search(t)]
    bench = equipment.get("eq-tub-bench")
    if bench and "eq-leg-lifter" in equipment and "then lift your legs over the side" in _card_texts(bench):  # R12o-09
        faults.append("the bath bench has the patient lift the legs over alone beside a leg lifter")
    if "clinic-ot-transfer-board" in items and "train a safe method" in items.get("nlsp-ot-sit-to-stand", {}).get(
        "detail", ""
    ):
        faults.append("rising from sitting trained while transfers are by board")  # R12n-07
    if (assessment["pain"].get("nrs") or 0) > 0:  # R12n-08
        faults += [
            f"{i} forbids itself for a painful leg: {t!r}"
            for i, t in texts
            if re.search(r"\bor painful\b|becomes painful", t)
        ]
    nerve = items.get("entrap-pt-nerve-mobilization")
    if (
        nerve
        and "stretching" in nerve.get("handout", "")
        and not any(e["category"] == "stretch" for e in exercises.values())
    ):
        faults.append("the nerve mobilization handout names stretching with no stretch card")  # R12n-13
    cane = items.get("clinic-aid-cane")
    jps = assessment.get("joint_position_sense") or {}
    if cane and jps.get("left") is None and jps.get("right") is None and "not recorded" not in cane["detail"]:
        faults.append("the cane reads unrecorded joint position sense as intact")  # R12n-15
    return faults


TOO_TIGHT_BY_FEEL = re.compile(r"feels? too tight|nota[ns]? demasiado apretad", re.IGNORECASE)


def round12qa_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12q (R12q-01, R12q-06, R12q-07), read from the assessment: no heat in the first month after an
    operation, while the prompt imaging for a haematoma or collection stands (SAFETY "Heat and cold"); no bandage
    check that rests on feeling tightness in a numb leg, and the bandaging item then asks for the toes to be checked
    (CLINIC "Compression safety"); with a prostate cancer recorded no FDG-PET is named and the PSMA tracer note is
    given, and never without one (ACR-MALIG, general knowledge)."""
    faults: list[str] = []
    history = assessment["history"]
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    surgery = history["etiology"] == "postsurgical" or bool(history.get("surgery_on"))
    operation = operation_days(assessment)
    if surgery and operation is not None and operation <= 30 and "mgmt-analgesia-heat" in items:  # R12q-01
        faults.append(f"heat offered {operation} days after an operation, before a haematoma or collection is excluded")
    if "mgmt-analgesia-heat" in items and any(a["id"].startswith("acr-alert-postsurgical") for a in plan["alerts"]):
        faults.append("heat offered beside the alert that asks for imaging of a postoperative collection")
    numb = bool((assessment.get("symptoms") or {}).get("numbness"))
    if numb:  # R12q-06
        faults += [
            f"{i} rests a numb leg's bandage check on feeling: {t!r}"
            for i, t in _patient_texts(plan)
            if TOO_TIGHT_BY_FEEL.search(t)
        ]
        wrap = items.get("nlsp-lymph-reduction-wrap-massage")
        if wrap and "toes" not in wrap["detail"]:
            faults.append("bandaging a numb leg without a check of the skin and toes at each change")
        if wrap and "toes" not in wrap.get("handout", ""):
            faults.append("the patient with a numb leg is not told to look at the toes under the bandage")
    prostate = "prostate" in (history.get("malignancy") or "").lower()
    clinician = [
        (e["id"], str(e.get(k) or ""))
        for e in (*plan["alerts"], *(i for s in plan["sections"] for i in s["items"]))
        for k in ("title", "detail")
    ]
    names_pet = any("PET" in t for _, t in clinician)
    if prostate:  # R12q-07
        faults += [f"{i} names FDG-PET for a prostate cancer" for i, t in clinician if "FDG" in t]
        if names_pet and not any("PSMA" in t for _, t in clinician):
            faults.append("a PET study is named for a prostate cancer without the PSMA tracer note")
    else:
        faults += [f"{i} names a PSMA tracer with no prostate cancer recorded" for i, t in clinician if "PSMA" in t]
    return faults


WALKER_WORDS = re.compile(r"\bpatient walks\b|\bpatient who walks\b|\b(aids|helps) walking\b", re.IGNORECASE)
ASK_FOR_HELP = "Ask for help whenever a transfer feels unsafe"
RECORD_CHECKS = ("clinic-alert-walking-rising-mismatch", "clinic-alert-function-grade-mismatch")  # quote the record
DECIDES_BETWEEN = re.compile(r"\bdecides? between\b")


def round12qb_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12q (transfers, walking in doubt, the weakness pattern), read from the assessment: a patient whose
    transfers need help, or who is given a transfer board, is told once and only to transfer with the helper, never
    to ask for help when it feels unsafe (R12q-02); a walking record that disagrees with rising or standing
    recorded unable is read as not walking in every clinician text too: no item calls the patient a walker or
    offers an orthosis for walking, and the handout's aids section is not headed for walking aids (R12q-03); that
    the studies decide between root, nerve and plexus is said by one item (R12q-04); the weakness is not said to
    fit the sciatic trunk when a gluteal group is weak (R12q-05)."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    function = assessment.get("function") or {}
    texts = _texts_of_plan(plan)
    transfers_helped = function.get("standing_transfer") in ("needs_help", "unable")
    if transfers_helped or "clinic-ot-transfer-board" in items:  # R12q-02
        faults += [f"{i}: transfers need a helper, yet: {ASK_FOR_HELP!r}" for i, t in texts if ASK_FOR_HELP in t]
    if walking_in_doubt(assessment):  # R12q-03
        faults += [
            f"{i} calls a patient read as not walking a walker: {t!r}"
            for i, t in texts
            if i not in RECORD_CHECKS and WALKER_WORDS.search(t)
        ]
        if "mgmt-orthosis-ambulation" in items:
            faults.append("an orthosis for walking is assessed for a patient read as not walking")
        if (plan.get("findings") or {}).get("handout_walking_aids"):
            faults.append("the handout heads its aids section for walking aids for a patient read as not walking")
    deciders = sorted({i for i, t in texts if DECIDES_BETWEEN.search(t)})
    if len(deciders) > 1:  # R12q-04
        faults.append(f"that the studies decide between the lesions is said by {len(deciders)} items: {deciders}")
    weak = _weak_groups(assessment)
    if weak & {"hip_extension", "hip_abduction"}:  # R12q-05
        faults += [f"{i} says the sciatic trunk beside a weak gluteal group" for i, t in texts if "sciatic trunk" in t]
    return faults


FULL_IMAGING_CAUTION = "MRI without contrast is preferred"
IMAGING_POINTER = "as the first imaging item above says"
PROCEDURES_HERE = "the procedures to weigh are in the items of this section"
PREGNANCY_SENTENCE = re.compile(r"(?:Pregnancy|Breastfeeding) is recorded: [^.]*\.")
PELVIC_SITE = re.compile(r"buttock|bottom|gluteal|groin|hip|sacr|pelvi", re.IGNORECASE)


def round12sc_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12s (B: pregnancy, /work/team/reports/review12s-B.md), read from the assessment: no card lying on the
    front while pregnant (R12s-B01); a decompression opinion in pregnancy says the timing is the obstetric team's
    (R12s-B03); no pregnancy sentence of 20 words or more is said twice (R12s-B04), and the full imaging caution
    once, on the first imaging item, later ones pointing back to it (R12s-B05); the pain-service item points to
    procedure items only when one is offered (R12s-B06); the infection call line names the wound within 12 weeks
    of an operation or an open injury, an infection recorded or not (R12s-B07, R12t-B06); in pregnancy TENS with a
    pelvic pain site keeps the pads to the thigh or lower leg (R12s-B08), heat stays off the belly (R12s-B09), no
    card pairs the wedge under one hip with lifting the bottom off the bed (R12s-B10), and the clot watch of a
    patient who does not walk asks the obstetric team for a VTE risk assessment, which it never does outside
    pregnancy (R12s-B11)."""
    faults: list[str] = []
    history = assessment["history"]
    pregnant = history.get("pregnancy") == "pregnant"
    sections = {s["key"]: s["items"] for s in plan["sections"]}
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    cards = {e["id"]: e for e in (*plan["exercises"], *plan["equipment"])}
    lines = {line["id"]: line["text"] for group in plan["handout"].values() for line in group}
    if pregnant:  # R12s-B01, R12s-B10
        for card_id, card in cards.items():
            text = " ".join([*card.get("instructions", ()), str(card.get("precautions") or "")])
            if re.search(r"(lie|lying) on your front", text, re.IGNORECASE):
                faults.append(f"{card_id}: a card lying on the front offered in pregnancy")
            if "wedge under one hip" in text and "bottom off the bed" in text:
                faults.append(f"{card_id}: the wedge under one hip beside lifting the bottom off the bed")
    for item_id in ("entrap-med-decompression-after-conservative", "entrap-med-decompression-severe"):  # R12s-B03
        if item_id in items and pregnant and "obstetric" not in items[item_id]["detail"]:
            faults.append(f"{item_id}: an operation in pregnancy without the obstetric team's timing")
    seen: dict[str, str] = {}  # R12s-B04
    for entry in (*plan["alerts"], *items.values()):
        for sentence in PREGNANCY_SENTENCE.findall(str(entry.get("detail") or "")):
            if len(sentence.split()) >= 20 and seen.setdefault(sentence, entry["id"]) != entry["id"]:
                faults.append(f"{entry['id']} repeats {seen[sentence]}: {sentence!r}")
    medical = [
        i for i in sections.get("medical", ()) if FULL_IMAGING_CAUTION in i["detail"] or IMAGING_POINTER in i["detail"]
    ]
    full = [i["id"] for i in medical if FULL_IMAGING_CAUTION in i["detail"]]  # R12s-B05
    if len(full) > 1:
        faults.append(f"the full imaging caution of pregnancy is given by {len(full)} items: {full}")
    if medical and FULL_IMAGING_CAUTION not in medical[0]["detail"]:
        faults.append(f"the first imaging item {medical[0]['id']} points to an imaging item above it")
    if pregnant and not full:
        faults.append("pregnancy without the imaging caution in any item")
    service = items.get("nlsp-analgesia-pain-service")  # R12s-B06
    if service and PROCEDURES_HERE in service["detail"]:
        here = [i["id"] for i in sections.get("analgesia", ()) if i["id"] in PROCEDURES]
        if not here:
            faults.append("the pain-service item points to procedure items of its section that are not offered")
    operation, injury = operation_days(assessment), injury_days(assessment)  # R12s-B07
    open_injury = history.get("trauma_type") in ("open", "penetrating")
    wound = (operation is not None and operation <= 84) or (open_injury and injury is not None and injury <= 84)
    if wound and "wound" not in lines.get("clinic-call-infection", ""):  # with or without an infection (R12t-B06)
        faults.append("a recent operation or open injury: the call line does not name the wound")
    tens = items.get("nlsp-analgesia-tens-anodyne")  # R12s-B08
    sites = " ".join((assessment.get("pain") or {}).get("sites") or ())
    if pregnant and tens and PELVIC_SITE.search(sites) and "thigh or lower leg" not in tens["handout"]:
        faults.append("TENS in pregnancy with a pelvic pain site: the handout does not keep the pads to the leg")
    heat = items.get("mgmt-analgesia-heat")  # R12s-B09
    if pregnant and heat and not ("belly" in heat["detail"] and "belly" in heat["handout"]):
        faults.append("heat in pregnancy without keeping it off the belly")
    watch = items.get("nlsp-pt-mobilize-dvt-watch")  # R12s-B11
    if watch and ("VTE risk assessment" in watch["detail"]) is not pregnant:
        faults.append(f"the clot watch {'omits' if pregnant else 'adds'} the obstetric VTE risk assessment")
    return faults


RESISTANCE_ADDED = ("resistance may be added", "Progressive low resistance")


DEEP_HIP_BEND = re.compile(
    r"\blean forward and push|\bLean forward, push|\bSit on a (firm )?chair|lean forward over your knees"
)


def round12sd_invariants(plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12s (R12s-B02): within six weeks of an operation or an injury, or while its date is unknown, the plan
    gives no resisted exercise, so no clinician text tells the therapist to add resistance. Reviews 12t/12u: through
    the twelve weeks of the surgical limits, no line or card teaches a full forward lean to rise or a seat that puts
    the hip at a right angle (R12t-B01, R12u-01/02)."""
    faults: list[str] = []
    if findings.get("surgical_limits_reminder"):
        faults += [
            f"{i} bends the hip to a right angle within twelve weeks of the event: {t!r}"
            for i, t in _texts_of_plan(plan)
            if DEEP_HIP_BEND.search(t)
        ]
    if findings.get("recent_event_hold") is None:
        return faults
    for entry in (i for s in plan["sections"] for i in s["items"]):
        faults += [
            f"{entry['id']} adds resistance within six weeks of the event: {words!r}"
            for words in RESISTANCE_ADDED
            if words in str(entry.get("detail") or "")
        ]
    return faults


WALKING_AIDS = ("clinic-aid-walker", "clinic-aid-cane")
HELPER_WALK = "Walk only with your helper beside you"
RISING_LINES = ("nlsp-ot-sit-to-stand", "nlsp-ot-standing-transfer-safety", "clinic-ot-chair")
WALKER_REASONS = ("Lowest grade of", "Joint position sense is", "Falls in the last", "walks only with another person")
UNRECORDED_HELPER = {
    "standing transfer not recorded": lambda a: (a.get("function") or {}).get("standing_transfer") is None,
    "falls not recorded": lambda a: (a.get("function") or {}).get("falls_past_3_months") is None,
    "position sense not recorded": lambda a: not any((a.get("joint_position_sense") or {}).values()),
}


def round12sa_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12s, reviewer A: a handout that tells the patient to walk only with a helper is stated, with its
    reason, in the walking-aid item the clinician signs, and a reason resting on a field that was not recorded names
    a field that is truly missing and asks for it (R12s-A01); a rising or transfer item whose training waits gives
    the patient no taught method (R12s-A03); the chair line, when offered, is the one line on standing up from a
    chair, and it keeps the helper (R12s-A05); the post-radiation multimodal item does not restate the topical or
    the pain-service item (R12s-A06); "any one of these" stands before more than one reason (R12s-A09)."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    function = assessment.get("function") or {}
    for aid in (items[i] for i in WALKING_AIDS if i in items):  # R12s-A01
        detail = aid.get("detail") or ""
        told = "walk only with a helper" in detail or "walks only with another person's help" in detail
        if HELPER_WALK in (aid.get("handout") or "") and not told:
            faults.append(f"{aid['id']}: the handout asks for a helper at every walk; the clinician is not told")
        missing = [words for words in UNRECORDED_HELPER if words in detail]
        faults += [
            f"{aid['id']} says {w!r} of a recorded field" for w in missing if not UNRECORDED_HELPER[w](assessment)
        ]
        if missing and "Record what is missing" not in detail:
            faults.append(f"{aid['id']}: the helper rests on unrecorded fields, and they are not asked for")
    for item in (items[i] for i in RISING_LINES if i in items):  # R12s-A03
        if "waits" in (item.get("detail") or "") and "therapist showed you" in (item.get("handout") or ""):
            faults.append(f"{item['id']}: training waits, yet the handout gives a method the therapist showed")
    chair = items.get("clinic-ot-chair")
    if chair and (items.get("nlsp-ot-sit-to-stand") or {}).get("handout"):  # R12s-A05
        faults.append("the handout says how to stand up from a chair twice: the sit-to-stand and the chair lines")
    helped = function.get("sit_to_stand") == "needs_help" or function.get("standing_transfer") == "needs_help"
    if chair and helped and "helper" not in (chair.get("handout") or ""):
        faults.append("rising needs help, yet the chair line, the one line on standing up, names no helper")
    multimodal = (items.get("mgmt-analgesia-post-radiation-multimodal") or {}).get("detail") or ""
    if "mgmt-analgesia-topicals" in items and re.search(r"lidocaine|capsaicin", multimodal):  # R12s-A06
        faults.append("the multimodal item restates the topical item's agents")
    service = (items.get("nlsp-analgesia-pain-service") or {}).get("detail") or ""
    if "sympathetic ganglia" in service and "sympathetic ganglia" in multimodal:
        faults.append("the multimodal item restates the pain-service item's sympathetic blocks")
    walker = (items.get("clinic-aid-walker") or {}).get("detail") or ""
    reasons = sum(reason in walker for reason in WALKER_REASONS)
    if ("Any one of these" in walker) != (reasons > 1):  # R12s-A09
        faults.append(f"the walker item gives {reasons} reason(s) and says {walker!r}")
    return faults


HIP_PAST_RIGHT_ANGLE = ("Lift one knee up towards the ceiling", "bends your hip and knee up towards your chest")
LIES_ON_WEAK_SIDE_OR_FRONT = re.compile(r"Lie on your (front|side with (your|one) weak leg underneath)")
FULL_RANGE = re.compile(r"through (its|their) full range")
SHORT_OF_RIGHT_ANGLE = "Stop well before your thigh points straight up"
NOT_ON_OPERATED_SIDE = "Do not lie on the side of your injury or operation"
ITEMS_BELOW = "the items below set its content"
HELD_FOR_NOW = "the items that would set its content are held back for now"
REHABILITATION = "guide-pt-rehabilitation"


def round12sb_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """Review 12s (reviewer A), read from the assessment: while an injury or an operation is recent (12 weeks, or
    its date unknown) no card bends the hip past a right angle, brings the leg across the midline lying on the
    weak side, or lies on the front unless the surgical team is asked first, and from six weeks only after it;
    heel slides stop short of a right angle, side-lying keeps off the operated side, and no handout line moves a
    joint "through its full range" (R12s-A02). "Most home exercises" only when the plan gives exercise cards, and
    the rehabilitation line does not repeat the clot's wait (R12s-A04). An entrapment NSAID beside the ladder says
    it is the step-1 drug (R12s-A07). The programme item points to the items below only when one is offered
    (R12s-A08)."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    history = assessment["history"]
    event = acute_event_days(assessment)
    undated = event is None and history["etiology"] in ("traumatic", "postsurgical")
    recent = undated or (event is not None and event <= 42)
    window = recent or (event is not None and event <= 84)
    for card in plan["exercises"]:  # R12s-A02
        steps = " ".join(card["instructions"])
        risky = any(p in steps for p in HIP_PAST_RIGHT_ANGLE) or LIES_ON_WEAK_SIDE_OR_FRONT.search(steps)
        if risky and recent:
            faults.append(f"{card['id']} bends the hip past a right angle or lies on the weak side or front early")
        elif risky and window and CHECK_WITH_SURGEON not in (card.get("precautions") or ""):
            faults.append(f"{card['id']} given within 12 weeks of the event without asking the surgeon first")
        for step in card["instructions"]:
            if window and "slide your heel" in step.lower() and SHORT_OF_RIGHT_ANGLE not in step:
                faults.append(f"{card['id']} slides the heel up with no stop short of a right angle")
            if window and step.startswith("Roll onto your side") and NOT_ON_OPERATED_SIDE not in step:
                faults.append(f"{card['id']} turns the patient on the side without naming the side to avoid")
            if not window and (SHORT_OF_RIGHT_ANGLE in step or NOT_ON_OPERATED_SIDE in step):
                faults.append(f"{card['id']} keeps a hip precaution with no recent injury or operation")
    if window:
        faults += [
            f"{i} moves a joint through its full range within 12 weeks of the event"
            for i, item in items.items()
            if FULL_RANGE.search(item.get("handout") or "")
        ]
    handouts = [(i, item.get("handout") or "") for i, item in items.items()]  # R12s-A04
    if not plan["exercises"]:
        faults += [f"{i} speaks of most home exercises with no card given" for i, h in handouts if "most home" in h]
    rehabilitation = items.get(REHABILITATION)
    if rehabilitation and "doctor treating your blood clot" in (rehabilitation.get("handout") or ""):
        faults.append("the rehabilitation line repeats the clot's wait for the doctor")
    entrap = items.get("entrap-analgesia-conservative-drugs")  # R12s-A07
    ladder = any(i.startswith("who-step-") for i in items)
    nsaid_named = entrap and "an anti-inflammatory for the compressed nerve" in entrap["title"]
    if nsaid_named and ladder and "step-1 drug of the ladder item" not in entrap["detail"]:
        faults.append("the entrapment anti-inflammatory does not say it is the ladder's step-1 drug")
    if rehabilitation:  # R12s-A08
        others = [i for s in plan["sections"] if s["key"] == "pt" for i in s["items"] if i["id"] != REHABILITATION]
        held_pt = [h for h in plan["held"] if h["section"] == "pt"]
        if (ITEMS_BELOW in rehabilitation["detail"]) is not bool(others):
            faults.append(f"the programme item's pointer to the items below, with {len(others)} other items")
        if HELD_FOR_NOW in rehabilitation["detail"] and not held_pt:
            faults.append("the programme item says its items are held, but none is")
    return faults
