"""Review 12e (/work/team/reports/review12e.md): the unsafe findings R12e-02 to R12e-07 and the contradictions in
the pain ladder, the safety alert and the work-up (R12e-10, -11, -12, -15, -18), as the reviewer's own cases
(tests/fixtures/review12e) and as rules tested on both sides of their threshold. Each case also passes the plan
lint and the clinical invariants (tests/plan/test_plan_lint.py, ``safety12e_invariants`` among them)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.export.handout import render_handout_pdf
from planner.plan.generate import generate_plan
from tests.export.test_handout import context, pages_of, squash
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_clinical_safety import held, offered, plan_for

CASES_DIR = FIXTURES / "review12e"
SPINE_LINE = "red-check-spine-review"
NOT_REFRACTORY = "refractory to an adjuvant"

EXPECTATIONS: dict[str, Expect] = {
    # R12e-04: pregabalin above its kidney band, aged 70, two falls: correct the dose first; sedation caution
    # review 12j R12j-04: and no opioid step opens until the dose is corrected and the pain reviewed
    "c04-diabetic-crcl28-pgb300-falls2": Expect(
        ladder="who-step-1",
        texts={
            "who-step-1": "stay on this step",
            "mgmt-analgesia-neuropathic-adjuvants": "correct it first",
            "clinic-mon-pain-review": "of the dose correction",
            "pgb-alert-out-of-band": "dizziness and falls",
        },
    ),
    # R12e-15: five days after an injury: the alert claims no held list, the contracture item holds stretching
    "c07-trauma-day5-blunt-acute": Expect(
        texts={
            "safety-alert-surgical-precautions": "any it would otherwise have given",
            "nlsp-pt-contracture-prevention": "no stretching until the surgical team has set its precautions",
        },
        not_texts={"safety-alert-surgical-precautions": "are held back (listed"},
    ),
    # R12e-12: refractory on step 3: no step above the top of the ladder
    "c08-trauma-rupture-refractory-step3": Expect(
        ladder="who-step-3",
        texts={"mgmt-analgesia-neuropathic-adjuvants": "the ladder has no higher step"},
        not_texts={"mgmt-analgesia-neuropathic-adjuvants": "opens the next step up"},
    ),
    # R12e-15 and R12e-18: three weeks after an operation, with an infection
    "c09-postsurgical-3wk-infection-age75": Expect(
        texts={
            "nlsp-pt-contracture-prevention": "no stretching until the surgical team",
            "guide-med-postoperative-ivig": "Once imaging has excluded a hematoma, a collection or an abscess",
        },
    ),
    # R12e-07: arterial insufficiency: the orthosis carries the pressure caution, for the clinician and the patient
    "c12-entrapment-ischaemic-numb-age82": Expect(
        texts={
            "clinic-afo": "vascular team's agreement",
            "eq-afo": "Your circulation is poor",
        },
        evidence={"clinic-afo": "SAFETY: Orthoses and splints on a poorly supplied foot"},
    ),
    # R12e-06: rectal cancer with buttock and perineal pain: heat is held, as it may lie over the tumour
    "c13-neoplastic-moderate-step3-crcl20-stimulator": Expect(
        held={"mgmt-analgesia-heat": "may lie over the tumour"},
    ),
    # R12e-05: MRC 4 throughout is not severe idiopathic plexopathy
    "c14-bilateral-L5-idiopathic": Expect(
        offered={"guide-med-idiopathic-first-line"},
        not_offered={"guide-med-idiopathic-severe"},
    ),
    # R12e-02 and R12e-03: severe weakness of both legs: urgent line first; helped exercise and transfer practice wait
    "c16-bilateral-severe-diabetic-nonwalker": Expect(
        held={
            "clinic-pt-active-assisted": "same-day review",
            "ex-heel-slides": "same-day review",
            "ex-sidelying-knee": "same-day review",
            "ex-ankle-assisted": "same-day review",
            "ex-transfer-board": "same-day review",
        },
        offered={
            "ex-position-back",
            "ex-wheelchair-pressure-relief",
            "ex-ankle-pumps",
            "clinic-ot-transfer-board",
            "eq-transfer-board",
        },
        lines={SPINE_LINE},
        line_texts={
            SPINE_LINE: "Go today for the urgent check of your spine",
            "clinic-call-weakness": "Go to emergency now if your legs get weaker",
        },
    ),
    # R12e-11: from step 0 the opioid step is the first one, not "one step up"; pain 4/10 is not "still severe"
    "c19-entrapment-piriformis-month10": Expect(
        ladder="who-step-2",
        texts={
            "who-step-2": "the first opioid step",
            "clinic-mon-pain-review": "still not controlled then",
        },
        not_texts={
            "who-step-2": "one step up",
            "clinic-mon-pain-review": "still severe",
        },
    ),
    # R12e-10 and R12e-04: acute pain six days after an operation, pregabalin below a full trial: not "refractory"
    "c20-postsurgical-day6-dvt-lymph-assisted": Expect(
        ladder="who-step-3",
        texts={
            "who-step-3": "move up to the step of the pain band, for the acute pain",
            "mgmt-analgesia-neuropathic-adjuvants": "below the 300 mg/day of a full trial",
            "guide-med-postoperative-ivig": "Once imaging has excluded",
        },
        not_texts={"who-step-3": NOT_REFRACTORY, "mgmt-analgesia-neuropathic-adjuvants": "it is refractory"},
    ),
    # R12e-02: saddle numbness already recorded: the emergency line speaks of it getting worse
    "c22-neoplastic-palliative-bilateral-saddle-icd": Expect(
        lines={SPINE_LINE, "red-call-saddle-numbness"},
        line_texts={"red-call-saddle-numbness": "spreads or gets worse"},
        held={"mgmt-analgesia-heat": "pelvic area"},
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(CASES_DIR, EXPECTATIONS))
def test_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


def case_plan(library: Any, stem: str) -> tuple[dict[str, Any], dict[str, Any]]:
    assessment = validate_assessment(json.loads((CASES_DIR / f"{stem}.json").read_text(encoding="utf-8")))
    return assessment, generate_plan(assessment, library)


# --- R12e-02: the urgent line reaches the patient first ------------------------------------------------------


@pytest.mark.parametrize(
    "stem", ["c16-bilateral-severe-diabetic-nonwalker", "c22-neoplastic-palliative-bilateral-saddle-icd"]
)
def test_the_spinal_review_is_the_first_thing_on_the_handout_not_a_tick_box(library: Any, stem: str) -> None:
    assessment, plan = case_plan(library, stem)
    assert [line["id"] for line in plan["handout"]["urgent"]] == [SPINE_LINE]
    assert SPINE_LINE not in [line["id"] for line in plan["handout"]["checklist"]]
    pages = pages_of(render_handout_pdf(plan, assessment, context(library)))
    first = squash(pages[0])
    urgent = first.index(squash("Urgent: do this first"))
    assert first.index(squash("Go today for the urgent check of your spine")) > urgent
    assert urgent < first.index(squash("Your therapist:")) < first.index(squash("When to call us"))
    assert squash("Your next check-up") not in first  # the 4-weekly reassessment date would read as the next step
    assert all(squash("urgent check of your spine") not in squash(page) for page in pages[1:])


def test_a_handout_without_an_urgent_line_has_no_box_and_keeps_its_check_up(library: Any) -> None:
    plan = plan_for(library, history={"etiology": "idiopathic", "affected_side": "right"})
    assert plan["handout"]["urgent"] == []
    assessment = validate_assessment(
        {
            "format": "lsp-assessment/1",
            "patient": {"id": "T-1", "name": "Test Patient"},
            "assessed_on": "2026-11-01",
            "history": {"etiology": "idiopathic", "affected_side": "right", "onset": "2026-10-01"},
            "strength": {"hip_flexion": {"right": 3, "left": 5}},
            "pain": {"nrs": 2},
        }
    )
    plan = generate_plan(assessment, library)
    first = squash(pages_of(render_handout_pdf(plan, assessment, context(library)))[0])
    assert squash("Urgent: do this first") not in first and squash("Your next check-up") in first


@pytest.mark.parametrize(
    ("symptoms", "line", "words"),
    [
        ({"saddle_numbness": True}, "red-call-saddle-numbness", "spreads or gets worse"),
        ({"saddle_numbness": False}, "red-call-saddle-numbness", "if you feel numb between your legs"),
        ({"bowel_bladder_change": True}, "red-call-bladder-bowel", "more than before"),
        ({"bowel_bladder_change": False}, "red-call-bladder-bowel", "cannot pass urine or control"),
    ],
)
def test_the_emergency_lines_speak_of_a_sign_already_present_as_one_that_worsens(
    library: Any, symptoms: dict[str, bool], line: str, words: str
) -> None:
    plan = plan_for(library, symptoms=symptoms)
    calls = {entry["id"]: entry["text"] for entry in plan["handout"]["call"]}
    assert words in calls[line]


@pytest.mark.parametrize(("grade", "emergency"), [(2, True), (3, False)])
def test_worse_weakness_sends_to_emergency_only_while_the_spine_review_is_awaited(
    library: Any, grade: int, emergency: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "diabetic", "affected_side": "bilateral"},
        strength={"hip_flexion": {"left": grade, "right": 2}},
    )
    calls = {entry["id"]: entry["text"] for entry in plan["handout"]["call"]}
    assert calls["clinic-call-weakness"].startswith("Go to emergency now") is emergency
    assert bool(plan["handout"]["urgent"]) is emergency


# --- R12e-04: an opioid beside a gabapentinoid ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "history", "caution"),
    [
        ({"pregabalin_mg_day": 300, "neuropathic_agents_tried": ["pregabalin"]}, {}, "Pregabalin is recorded"),
        ({"neuropathic_agents_tried": ["gabapentin"]}, {}, "among the agents tried"),
        ({"neuropathic_agents_tried": ["snri"]}, {}, None),
    ],
)
def test_an_opioid_step_beside_a_gabapentinoid_carries_the_sedation_caution(
    library: Any, pain: dict[str, Any], history: dict[str, Any], caution: str | None
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "creatinine_clearance_ml_min": 90} | history,
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": 1} | pain,
    )
    step = offered(plan)["who-step-2"]
    if caution is None:
        assert "respiratory depression" not in step["detail"]
    else:
        assert caution in step["detail"] and "respiratory depression" in step["detail"]
        assert "the more so here" not in step["detail"]  # 40 years, clearance 90, no falls


def test_the_sedation_caution_names_the_risks_that_apply(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "creatinine_clearance_ml_min": 45},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={
            "nrs": 8,
            "neuropathic": True,
            "current_ladder_step": 1,
            "pregabalin_mg_day": 300,
            "neuropathic_agents_tried": ["pregabalin"],  # review 12j R12j-02: listed, so a completed trial
        },
        function={"falls_past_3_months": 1},
    )
    detail = offered(plan)["who-step-2"]["detail"]
    assert "(creatinine clearance under 60 mL/min; a fall in the last 3 months)" in detail
    assert "correct it first" not in detail  # 300 mg/day is the top of 75-300, a full trial (R12i-04)


# --- R12e-05: severe idiopathic plexopathy ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "severe"),
    [
        ({"hip_flexion": 2}, True),
        ({"hip_flexion": 3}, False),
        ({"hip_flexion": 3, "knee_extension": 4, "hip_abduction": 4, "ankle_dorsiflexion": 4}, True),
        ({"hip_flexion": 4, "knee_extension": 4, "hip_abduction": 4, "ankle_dorsiflexion": 4}, False),
    ],
)
def test_long_term_immunotherapy_only_for_severe_idiopathic_weakness(
    library: Any, grades: dict[str, int], severe: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right"},
        strength={group: {"right": grade, "left": 5} for group, grade in grades.items()},
    )
    assert ("guide-med-idiopathic-severe" in offered(plan)) is severe


# --- R12e-06: heat and the tumour ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sites", "is_held"),
    [(["Left buttock"], True), (["lower back", "thigh"], True), (["thigh"], False), ([], False)],
)
def test_heat_is_held_over_a_pelvic_pain_site_in_cancer_and_kept_to_the_leg_otherwise(
    library: Any, sites: list[str], is_held: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "right", "malignancy": "rectal"},
        symptoms={"numbness": False, "allodynia": False},
        pain={"nrs": 4, "sites": sites},
    )
    if is_held:
        assert "may lie over the tumour" in held(plan)["mgmt-analgesia-heat"]["reason"]
    else:
        assert "Use it only on your thigh or lower leg" in offered(plan)["mgmt-analgesia-heat"]["handout"]


def test_heat_on_the_calf_in_cancer_keeps_off_the_leg_with_the_clot(library: Any) -> None:
    plan = plan_for(
        library,
        history={
            "etiology": "radiation",
            "affected_side": "right",
            "malignancy": "prostate",
            "dvt": True,
            "dvt_side": "left",
            "radiation_completed_on": "2023-03-01",
        },
        symptoms={"numbness": False, "allodynia": False},
        pain={"nrs": 6, "neuropathic": True, "current_ladder_step": 2, "sites": ["calf"]},
    )
    handout = offered(plan)["mgmt-analgesia-heat"]["handout"]
    assert "Keep warmth off your left leg" in handout and "Use it only on your thigh or lower leg" in handout


def test_heat_over_the_buttock_is_not_held_without_cancer(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "entrapment", "affected_side": "right"},
        symptoms={"numbness": False, "allodynia": False},
        pain={"nrs": 4, "sites": ["buttock"]},
    )
    assert "mgmt-analgesia-heat" in offered(plan)


# --- R12e-07: orthoses on a poorly supplied foot -------------------------------------------------------------


@pytest.mark.parametrize("ischaemic", [True, False])
def test_an_orthosis_on_a_poorly_supplied_foot_carries_the_pressure_caution(library: Any, ischaemic: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "arterial_insufficiency": ischaemic},
        strength={"ankle_dorsiflexion": {"right": 2, "left": 5}},
        function={"ambulation": "non_ambulatory"},
    )
    entries = offered(plan) | {entry["id"]: entry for entry in plan["equipment"]}
    for item_id in ("clinic-afo-positioning", "eq-resting-splint"):
        text = " ".join(str(entries[item_id].get(k) or "") for k in ("detail", "handout", "precautions"))
        assert ("vascular team" in text) is ischaemic, item_id


# --- R12e-10 and R12e-11: what counts as refractory, and the words of the step --------------------------------


@pytest.mark.parametrize(
    ("dose", "clearance", "refractory"),
    [
        (150, 90, False),
        (300, 90, True),
        (150, 45, False),
        (300, 45, True),
        (150, 20, True),
        (100, 20, False),
        (75, 10, True),
    ],
)
def test_pregabalin_counts_as_tried_only_at_a_full_trial_dose(
    library: Any, dose: int, clearance: int, refractory: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "creatinine_clearance_ml_min": clearance},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={
            "nrs": 6,
            "neuropathic": True,
            "current_ladder_step": 1,
            "pregabalin_mg_day": dose,
            "neuropathic_agents_tried": ["pregabalin"],
        },
    )
    items = offered(plan)
    assert ("who-step-2" in items) is refractory
    adjuvants = items["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert ("has not yet failed" in adjuvants) is not refractory


@pytest.mark.parametrize(("current", "words"), [(0, "the first opioid step"), (1, "one step up")])
def test_the_ladder_says_how_far_it_moves(library: Any, current: int, words: str) -> None:
    plan = plan_for(
        library,
        history={"etiology": "entrapment", "affected_side": "right"},
        pain={
            "nrs": 5,
            "neuropathic": True,
            "current_ladder_step": current,
            "neuropathic_agents_tried": ["gabapentin"],
        },
    )
    assert words in offered(plan)["who-step-2"]["title"]


# --- R12e-15: within six weeks of an operation ----------------------------------------------------------------


@pytest.mark.parametrize(("days", "recent"), [(20, True), (50, False)])
def test_no_stretching_in_the_contracture_item_until_the_surgical_team_has_set_limits(
    library: Any, days: int, recent: bool
) -> None:
    surgery = date(2026, 11, 1) - timedelta(days=days)
    plan = plan_for(
        library,
        assessed_on="2026-11-01",
        history={"etiology": "postsurgical", "affected_side": "right", "surgery_on": surgery.isoformat()},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 2},
    )
    item = offered(plan)["nlsp-pt-contracture-prevention"]
    assert ("no stretching until the surgical team" in item["detail"]) is recent
    assert ("do not stretch your joints yet" in item["handout"].lower()) is recent
    assert ("Stretch your joints every day" in item["handout"]) is not recent  # R12f-05: the move line is elsewhere
