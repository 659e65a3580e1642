"""Review 12f (/work/team/reports/review12f.md): the unsafe and safety-relevant findings R12f-01, 02, 03, 04, 06
and 07, and the lead's decision on cold over an acute DVT, as the reviewer's own cases
(tests/fixtures/review12f, as run) and as rules tested on both sides of their threshold. The faults that
generalise are invariants of the plan lint (tests/plan/test_plan_lint.py, ``safety12f_invariants``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.export.handout import render_handout_pdf
from planner.plan.generate import generate_plan
from tests.conftest import make_assessment
from tests.export.test_handout import context, pages_of, squash
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_clinical_safety import held, offered, plan_for

CASES_DIR = FIXTURES / "review12f"
NEUROLYSIS = "plexus dissection with surgical neurolysis"
AFTER_THE_STEP = "once that step has been tried"
PAD_CAUTION = "Pelvic pain may overlie the tumour: pads elsewhere unless the cancer team agrees"
TOPICAL_CAUTION = "(intact skin only: not on tumour or irradiated skin)"
NO_HOLD = "then lets it go back without holding it"
EMERGENCY = "Go to emergency now if your legs get weaker"

EXPECTATIONS: dict[str, Expect] = {
    # R12f-01 and R12f-06: top step, 6/10: no neurolysis (moderate); pads and topicals kept off the pelvic sites
    "f01a-pain6-neo-step3-pelvic": Expect(
        texts={"nlsp-analgesia-tens-anodyne": PAD_CAUTION, "mgmt-analgesia-topicals": TOPICAL_CAUTION},
        not_offered={"nlsp-analgesia-rhizotomy"},
        not_texts={"nlsp-analgesia-interventional": "neurolysis"},
        held={"mgmt-analgesia-heat": "may lie over the tumour"},
    ),
    # R12f-01: top step, 7/10: the rhizotomy item, with no deferral; no neurolysis for tumour pain (R12h-06)
    "f01b-pain7-neo-step3-pelvic": Expect(
        offered={"nlsp-analgesia-rhizotomy"},
        texts={"nlsp-analgesia-tens-anodyne": PAD_CAUTION},
        not_texts={
            "nlsp-analgesia-interventional": AFTER_THE_STEP,
            "mgmt-analgesia-scs-itb": AFTER_THE_STEP,
            "nlsp-analgesia-rhizotomy": "neurolysis",
        },
    ),
    # R12f-02 and R12f-03: same-day spinal review, non-walker: no held stretch, no transfer training
    "f02-urgent-spine-nonwalker-es": Expect(
        offered={"ex-prom-ankle", "clinic-pt-non-ambulatory", "clinic-ot-transfer-board"},
        texts={
            "ex-prom-ankle": NO_HOLD,
            "clinic-pt-non-ambulatory": "wheelchair and transfer training wait for the review",
            "clinic-ot-transfer-board": "once the same-day spinal review allows",
        },
        not_texts={
            "ex-prom-ankle": "slow count of 10",
            "clinic-pt-non-ambulatory": "Practise moving your wheelchair",
        },
        held={"ex-transfer-board": "same-day review"},
    ),
    # R12f-06: cancer with pelvic sites: the pad and topical cautions
    "f04a-neo-pelvic-sites": Expect(
        texts={"nlsp-analgesia-tens-anodyne": PAD_CAUTION, "mgmt-analgesia-topicals": TOPICAL_CAUTION},
        held={"mgmt-analgesia-heat": "may lie over the tumour"},
    ),
    # R12f-06: the same sites without cancer: heat offered, no tumour caution
    "f04b-idio-pelvic-sites": Expect(
        offered={"mgmt-analgesia-heat"},
        not_texts={"nlsp-analgesia-tens-anodyne": "tumour", "mgmt-analgesia-topicals": "tumour"},
    ),
    # R12f-01: step 2, 7/10: no neurolysis; the interventional items wait for step 3 to be tried
    "f06-palliative-transfer-board": Expect(
        ladder="who-step-3",
        texts={"nlsp-analgesia-interventional": AFTER_THE_STEP, "mgmt-analgesia-scs-itb": AFTER_THE_STEP},
        not_texts={"nlsp-analgesia-interventional": "neurolysis", "mgmt-analgesia-scs-itb": "; refer for"},
    ),
    # R12f-07: first studies now at 2.7 months: the repeat about 3 months later, not 9 days later
    "f07a-piri-fibular-only": Expect(
        offered={"guide-med-electrodiagnostic", "entrap-mon-repeat-edx-after-first"},
        not_offered={"entrap-mon-repeat-edx"},
    ),
    # Lead note: the clot is in the painful leg: cold waits for the medical team, and the alert says so
    "f08-device-dvt-same-leg": Expect(
        held={"mgmt-analgesia-cold": "cold on that leg only once the medical team agrees"},
        texts={"clinic-alert-compression-dvt": "no heat, cold or TENS on that leg"},
    ),
    # R12f-01: step 2, 8/10 with a pregabalin dose to correct: no neurolysis
    "f09-pgb-over-renal-band-opioid-es": Expect(
        texts={"nlsp-analgesia-interventional": AFTER_THE_STEP},
        not_texts={"nlsp-analgesia-interventional": "neurolysis"},
    ),
    # R12f-04: cancer and a same-day spinal review: the emergency line
    "c22-neoplastic-palliative-bilateral-saddle-icd": Expect(
        lines={"red-call-cancer-weakness"},
        line_texts={"red-call-cancer-weakness": EMERGENCY},
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(CASES_DIR, EXPECTATIONS))
def test_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


def case(stem: str) -> dict[str, Any]:
    return validate_assessment(json.loads((CASES_DIR / f"{stem}.json").read_text(encoding="utf-8")))


# --- R12f-01: the interventional items wait for the top step -------------------------------------------------


def tumour_pain(library: Any, step: int, nrs: int = 8, **history: Any) -> dict[str, Any]:
    return plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "right", "malignancy": "rectal"} | history,
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": nrs, "neuropathic": True, "current_ladder_step": step, "sites": ["thigh"]},
    )


@pytest.mark.parametrize(("step", "top"), [(2, False), (3, True)])
def test_tumour_procedures_only_once_the_top_step_has_been_tried(library: Any, step: int, top: bool) -> None:
    items = offered(tumour_pain(library, step))
    interventional, stimulator = items["nlsp-analgesia-interventional"], items["mgmt-analgesia-scs-itb"]
    assert NEUROLYSIS not in interventional["detail"]  # R12h-06: not for pain from a tumour
    assert ("nlsp-analgesia-rhizotomy" in items) is top
    assert (AFTER_THE_STEP in interventional["detail"]) is not top
    assert (AFTER_THE_STEP in stimulator["detail"]) is not top
    assert ("refer for specialist assessment." in stimulator["detail"]) is top


@pytest.mark.parametrize(("step", "nrs", "neurolysis"), [(2, 8, False), (3, 8, True), (3, 6, False)])
def test_neurolysis_after_radiotherapy_only_for_severe_pain_on_the_top_step(
    library: Any, step: int, nrs: int, neurolysis: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "radiation", "affected_side": "right", "radiation_completed_on": "2022-01-01"},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": nrs, "neuropathic": True, "current_ladder_step": step},
    )
    detail = offered(plan)["mgmt-analgesia-post-radiation-multimodal"]["detail"]
    assert (NEUROLYSIS in detail) is neurolysis


def test_pain_not_yet_refractory_after_radiotherapy_names_no_neurolysis(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "radiation", "affected_side": "right", "radiation_completed_on": "2022-01-01"},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1},
    )
    detail = offered(plan)["mgmt-analgesia-post-radiation-multimodal"]["detail"]
    assert "only if the pain becomes refractory" in detail and "neurolysis" not in detail


# --- R12f-02 and R12f-03: nothing held or trained before the same-day spinal review -------------------------


def spine(library: Any, urgent: bool, **changes: Any) -> dict[str, Any]:
    return plan_for(
        library,
        history={"etiology": "unknown", "affected_side": "right"},
        symptoms={"saddle_numbness": urgent},
        **changes,
    )


@pytest.mark.parametrize("urgent", [True, False])
def test_the_passive_ankle_card_holds_no_stretch_before_the_spinal_review(library: Any, urgent: bool) -> None:
    plan = spine(library, urgent, strength={"ankle_dorsiflexion": {"right": 1, "left": 5}})
    card = {e["id"]: e for e in plan["exercises"]}["ex-prom-ankle"]
    steps = " ".join(card["instructions"])
    assert (NO_HOLD in steps) is urgent
    assert ("slow count of 10" in steps) is not urgent
    assert ("sustained calf stretch" in card["detail"]) is not urgent


@pytest.mark.parametrize("urgent", [True, False])
def test_a_non_walker_practises_transfers_only_after_the_spinal_review(library: Any, urgent: bool) -> None:
    plan = spine(
        library,
        urgent,
        strength={"knee_extension": {"right": 2, "left": 5}},
        function={"ambulation": "non_ambulatory", "standing_transfer": "needs_help", "sit_to_stand": "needs_help"},
    )
    items = offered(plan)
    programme = items["clinic-pt-non-ambulatory"]
    assert ("Practise moving your wheelchair" in programme["handout"]) is not urgent
    assert ("do not practise it" in programme["handout"]) is urgent
    assert ("Train wheelchair propulsion" in programme["detail"]) is not urgent
    board = items["clinic-ot-transfer-board"]["detail"]
    assert ("once the same-day spinal review allows" in board) is urgent
    assert plan["findings"]["handout_tick_chart"] is not urgent


@pytest.mark.parametrize("urgent", [True, False])
def test_sit_to_stand_practice_waits_for_the_spinal_review(library: Any, urgent: bool) -> None:
    plan = spine(
        library,
        urgent,
        strength={"knee_extension": {"right": 3, "left": 5}},
        function={"ambulation": "device", "sit_to_stand": "needs_help", "standing_transfer": "independent"},
    )
    chair = offered(plan)["clinic-ot-chair"]["detail"]
    assert ("Practise the sit-to-stand technique" in chair) is not urgent
    assert ("sit-to-stand practice waits for the review" in chair) is urgent


@pytest.mark.parametrize("urgent", [True, False])
def test_the_transfer_items_train_nothing_before_the_spinal_review(library: Any, urgent: bool) -> None:
    """Review 12g R12g-01: the OT transfer items said "train a safe method" beside the holds of R12f-03."""
    plan = spine(
        library,
        urgent,
        strength={"hip_flexion": {"right": 3, "left": 5}, "ankle_dorsiflexion": {"right": 1, "left": 5}},
        function={"ambulation": "device", "sit_to_stand": "needs_help", "standing_transfer": "needs_help"},
    )
    items = offered(plan)
    for item_id in ("nlsp-ot-standing-transfer-safety", "nlsp-ot-sit-to-stand"):
        detail = items[item_id]["detail"]
        assert ("train a safe method" in detail) is not urgent, item_id
        assert ("waits for the review" in detail) is urgent, item_id


@pytest.mark.parametrize("urgent", [True, False])
def test_no_tick_chart_on_the_handout_while_the_spinal_review_is_awaited(library: Any, urgent: bool) -> None:
    assessment = validate_assessment(
        make_assessment(
            history={"etiology": "unknown", "affected_side": "right", "onset": "2026-10-01"},
            symptoms={"saddle_numbness": urgent},
            strength={"ankle_dorsiflexion": {"right": 1, "left": 5}},
        )
    )
    plan = generate_plan(assessment, library)
    assert plan["exercises"], "the case keeps its exercise cards either way"
    text = squash(" ".join(pages_of(render_handout_pdf(plan, assessment, context(library)))))
    assert (squash("Your exercise chart") in text) is not urgent


# --- R12f-04: the cancer line for worse weakness under the spinal review -------------------------------------


@pytest.mark.parametrize(("grade", "urgent"), [(4, True), (5, False)])
def test_a_cancer_patient_awaiting_the_spinal_review_is_sent_to_emergency(
    library: Any, grade: int, urgent: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "right", "malignancy": "prostate"},
        strength={"hip_flexion": {"right": 3, "left": grade}},
    )
    calls = {entry["id"]: entry["text"] for entry in plan["handout"]["call"]}
    assert calls["red-call-cancer-weakness"].startswith(EMERGENCY) is urgent
    assert ("over hours or days" in calls["red-call-cancer-weakness"]) is not urgent
    assert bool(plan["handout"]["urgent"]) is urgent


# --- R12f-06: pads and topicals over a possible tumour ---------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "sites", "pelvic", "cancer"),
    [
        ({"etiology": "neoplastic", "malignancy": "bladder"}, ["groin"], True, True),
        ({"etiology": "neoplastic", "malignancy": "bladder"}, ["thigh"], False, True),
        ({"etiology": "idiopathic"}, ["groin"], False, False),
    ],
)
def test_pads_and_topicals_keep_off_a_possible_tumour_site(
    library: Any, history: dict[str, Any], sites: list[str], pelvic: bool, cancer: bool
) -> None:
    plan = plan_for(
        library,
        history={"affected_side": "right"} | history,
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1, "sites": sites},
    )
    items = offered(plan)
    tens = items["nlsp-analgesia-tens-anodyne"]
    assert (PAD_CAUTION in tens["detail"]) is pelvic
    assert ("pads off any possible tumour site" in tens["detail"]) is (cancer and not pelvic)
    assert ("away from where the cancer is or may be" in tens["handout"]) is cancer
    assert (TOPICAL_CAUTION in items["mgmt-analgesia-topicals"]["detail"]) is pelvic
    passages = {f"{e['document_id']}: {e['section']}": e["text"] for e in tens["evidence"]}
    assert "kept off a known or possible tumour site" in passages["SAFETY: TENS"]
    topical_places = [f"{e['document_id']}: {e['section']}" for e in items["mgmt-analgesia-topicals"]["evidence"]]
    assert "SAFETY: Topical drugs over a possible tumour" in topical_places


@pytest.mark.parametrize("cancer", [True, False])
def test_the_anodyne_pads_carry_the_tumour_site_caution_too(library: Any, cancer: bool) -> None:
    history = {"etiology": "neoplastic", "malignancy": "bladder"} if cancer else {"etiology": "idiopathic"}
    plan = plan_for(
        library,
        history={"affected_side": "right", "implanted_devices": ["pacemaker"]} | history,
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1, "sites": ["sacrum"]},
    )
    anodyne = offered(plan)["nlsp-analgesia-anodyne"]
    assert (PAD_CAUTION in anodyne["detail"]) is cancer
    assert ("away from where the cancer is or may be" in anodyne["handout"]) is cancer


# --- R12f-07: a repeat of the studies is not due days after the first ------------------------------------------


@pytest.mark.parametrize(
    ("onset", "repeat", "due_on"),
    [
        # review 12g widened "about four weeks" to "at least about six weeks" (lead's note on f02)
        ("2026-09-15", "entrap-mon-repeat-edx", "2026-12-15"),  # 47 days: window opens 44 days after the first
        ("2026-09-14", "entrap-mon-repeat-edx-after-first", "2027-02-01"),  # 48 days: 3 months after the first
        ("2026-08-05", "entrap-mon-repeat-edx-after-first", "2027-02-01"),  # 88 days: 2.9 months
        ("2026-08-02", None, None),  # 91 days, 3.0 months: inside the window, the studies now serve both
    ],
)
def test_the_repeat_studies_come_weeks_after_the_first(
    library: Any, onset: str, repeat: str | None, due_on: str | None
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "onset": onset},
        strength={"hip_flexion": {"right": 3, "left": 5}},
    )
    items = offered(plan)
    assert "guide-med-electrodiagnostic" in items
    repeats = [i for i in items if i.startswith("entrap-mon-repeat-edx")]
    assert repeats == ([repeat] if repeat else [])
    if repeat:
        due = date.fromisoformat(items[repeat]["due_on"])
        assert items[repeat]["due_on"] == due_on and (due - date(2026, 11, 1)).days >= 42


@pytest.mark.parametrize(
    ("onset", "repeat", "due_on"),
    [
        ("2026-08-15", "entrap-mon-repeat-edx-after-first", "2027-02-01"),  # onset 71 days before the operation
        ("2026-10-01", "entrap-mon-repeat-edx", "2027-01-01"),  # 24 days before: the window is 7 weeks after
    ],
)
def test_the_repeat_counts_from_first_studies_that_wait_three_weeks_after_an_operation(
    library: Any, onset: str, repeat: str, due_on: str
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "postsurgical", "affected_side": "right", "onset": onset, "surgery_on": "2026-10-25"},
        strength={"hip_flexion": {"right": 3, "left": 5}},
    )
    items = offered(plan)
    assert items["guide-med-electrodiagnostic"]["due_on"] == "2026-11-15"
    assert [i for i in items if i.startswith("entrap-mon-repeat-edx")] == [repeat]
    assert items[repeat]["due_on"] == due_on


# --- Lead note: cold on a leg with an acute DVT ----------------------------------------------------------------


@pytest.mark.parametrize(("dvt_side", "on_painful_leg"), [("right", True), ("left", False), (None, True)])
def test_cold_waits_for_the_medical_team_on_the_leg_with_the_clot(
    library: Any, dvt_side: str | None, on_painful_leg: bool
) -> None:
    history: dict[str, Any] = {"etiology": "idiopathic", "affected_side": "right", "dvt": True}
    if dvt_side:
        history["dvt_side"] = dvt_side
    plan = plan_for(library, history=history, pain={"nrs": 5, "sites": ["thigh"]})
    assert "no heat, cold or TENS on that leg" in offered(plan)["clinic-alert-compression-dvt"]["detail"]
    if on_painful_leg:
        assert "only once the medical team agrees" in held(plan)["mgmt-analgesia-cold"]["reason"]
        assert "mgmt-analgesia-cold" not in offered(plan)
    else:
        cold = offered(plan)["mgmt-analgesia-cold"]
        assert "Keep cold off your left leg, which has the clot." in cold["handout"]
        assert "the acute DVT is not in the painful leg" in cold["detail"]


def test_cold_without_a_clot_names_none(library: Any) -> None:
    cold = offered(plan_for(library, history={"etiology": "idiopathic", "affected_side": "right"}, pain={"nrs": 5}))
    assert "clot" not in cold["mgmt-analgesia-cold"]["handout"] and "DVT" not in cold["mgmt-analgesia-cold"]["detail"]
