"""Reviews 12h and 12i (/work/team/reports/review12h.md, review12i.md): the medical, imaging, electrodiagnostic
and alert findings R12h-01, 05, 08, 10, 13, 18, 19 and R12i-06, 08, 15, 16, as the reviewers' own cases
(tests/fixtures/review12h, review12i) and as rules tested on both sides of their threshold, written from
clinical-spec.md. The faults that generalise are invariants of the plan lint (tests/plan/test_plan_lint.py,
``medical12h_invariants``)."""

from __future__ import annotations

from datetime import date, timedelta
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

VISIT = date(2026, 11, 1)  # the visit of tests.conftest.make_assessment
STEROID_HOLD = "no corticosteroid or immunosuppressant until it is treated and an abscess is excluded"
SPINE_HOLD = "same-day review for spinal compression comes first"
PALLIATIVE_IMAGING = "Palliative care is recorded: image only where the result would change the comfort care"
NO_RADIOTHERAPY_READING = "consider perineural or diffuse tumour spread first"
RADIATION_READING = "fits radiation plexopathy, a diagnosis of exclusion"  # R12n-06
RADIOTHERAPY_PADS = "Keep the pads off the skin that had radiotherapy."
CANCER_PADS = "Keep the pads away from where the cancer is or may be."
LAB = "tell the neurophysiology laboratory when booking"
BLEEDING = "weigh its bleeding risk (a haematoma, drugs against thrombosis) with the surgical team"
EACH_LEG = "Each leg on its own fits a single root"
LATE = "guide-med-idiopathic-late"
FIRST_LINE = "guide-med-idiopathic-first-line"


def _before(days: int) -> str:
    return (VISIT - timedelta(days=days)).isoformat()


EXPECTATIONS_12H: dict[str, Expect] = {
    # R12h-05: cervical cancer, no radiotherapy: diffuse change is tumour spread first, not radiation plexopathy
    "h01-tumour-moderate-step1-es": Expect(
        texts={
            "acr-med-mri-result-pathway": NO_RADIOTHERAPY_READING,
            "acr-med-mri-plexus-malignancy": "shows how far tumour involves the plexus",
        },
        not_texts={"acr-med-mri-result-pathway": RADIATION_READING},
    ),
    # R12h-08: palliative: the first MRI and the severe-pain alert carry the one palliative imaging rule
    "h03-tumour-palliative-eol-es": Expect(
        texts={
            "acr-med-mri-plexus-malignancy": PALLIATIVE_IMAGING,
            "acr-alert-tumor-infiltration-pain": PALLIATIVE_IMAGING,
        },
        not_texts={"acr-alert-tumor-infiltration-pain": "make sure imaging of the plexus is arranged"},
    ),
    # R12h-13: radiotherapy with no cancer recorded: the pads are kept off the irradiated skin, not "the cancer"
    "h04-radiation-nocancer-lymphedema": Expect(
        texts={
            "nlsp-analgesia-tens-anodyne": RADIOTHERAPY_PADS,
            "acr-med-mri-result-pathway": RADIATION_READING,
        },
        not_texts={"nlsp-analgesia-tens-anodyne": "Cancer is recorded"},
    ),
    # R12h-19: a pelvic fracture 5 days ago: the ladder names the NSAID's bleeding risk
    "h07-trauma-5days": Expect(ladder="who-step-3", texts={"who-step-3": BLEEDING}),
    # R12h-10 and R12h-18: the clot has its urgent handout line; the nerve studies name the pacemaker
    "h10-dvt-pacemaker": Expect(
        lines={"safety-urgent-dvt"},
        line_texts={"safety-urgent-dvt": "The blood clot in your left leg needs treatment from a doctor"},
        texts={
            "guide-med-electrodiagnostic": "A pacemaker or defibrillator is recorded: " + LAB,
        },  # R12s-A04: the clot's wait is the urgent line's alone
        not_texts={"guide-pt-rehabilitation": "the check you are being sent to"},
    ),
    # R12h-18: a spinal cord stimulator is switched off for the study
    "h11-nonwalker-mrc01-scs": Expect(
        texts={"guide-med-electrodiagnostic": "the stimulator is usually switched off for the study"},
    ),
    # R12h-01: infection and a same-day spinal review: both steroid items held, each reason said
    "h12-bilateral-severe-nocancer-infection": Expect(
        held={FIRST_LINE: STEROID_HOLD, "guide-med-idiopathic-severe": SPINE_HOLD},
        lines={"red-check-spine-review"},
        texts={"guide-pt-rehabilitation": "wait, as the urgent note at the top"},
    ),
}

EXPECTATIONS_12I: dict[str, Expect] = {
    # R12i-16 (i03, i04): the study also looks for reinnervation (plain English); i03 is left to the lint, where
    # another branch owns its one open fault
    "i04": Expect(texts={"guide-med-electrodiagnostic": "the same study also looks for reinnervation"}),
    # R12i-16: studies before surgery: the text follows the date four weeks ahead
    "i06": Expect(
        texts={"entrap-mon-repeat-edx-surgery": "book them within the next 4 weeks (date below)"},
        not_texts={"entrap-mon-repeat-edx-surgery": "do them now"},
    ),
    # R12i-06: both legs weak, each fits L5: spine imaging, and the per-side result said once
    "i07": Expect(
        offered={"red-med-spine-imaging-both-legs", "red-alert-both-legs"},
        texts={
            "red-med-spine-imaging-both-legs": EACH_LEG + " (roots shared by the weak groups of each leg: left L5;"
            " right L5)",
        },
    ),
    # R12i-08: sensory onset 10 days ago: the studies are booked from three weeks after it
    "i10": Expect(texts={"guide-med-electrodiagnostic": "Book the studies from three weeks after the onset"}),
    # R12i-15: 8 months, no weakness: no short course of corticosteroids
    "i11": Expect(offered={LATE}, not_offered={FIRST_LINE}, texts={LATE: "with no weakness"}),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12h", EXPECTATIONS_12H))
def test_review12h_medical_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12i", EXPECTATIONS_12I))
def test_review12i_medical_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


# --- R12h-01: no corticosteroid or immunosuppressant with an infection or before the spinal review -----------


def idiopathic(library: Any, infection: bool = False, saddle: bool = False, **history: Any) -> dict[str, Any]:
    return plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "onset": _before(30), "infection": infection}
        | history,
        symptoms={"saddle_numbness": saddle},
        strength={"hip_flexion": {"right": 1, "left": 5}, "knee_extension": {"right": 2, "left": 5}},
    )


@pytest.mark.parametrize(("infection", "saddle"), [(False, False), (True, False), (False, True)])
def test_steroids_wait_for_an_infection_and_the_spinal_review(library: Any, infection: bool, saddle: bool) -> None:
    plan = idiopathic(library, infection=infection, saddle=saddle)
    holding = infection or saddle
    for item_id in (FIRST_LINE, "guide-med-idiopathic-severe"):
        assert (item_id in offered(plan)) is not holding, item_id
        if holding:
            reason = held(plan)[item_id]["reason"]
            assert (STEROID_HOLD in reason) is infection and (SPINE_HOLD in reason) is saddle
    if infection:
        assert "safety-med-infection-abscess" in offered(plan)


@pytest.mark.parametrize("saddle", [False, True])
def test_the_steroid_injection_waits_for_the_spinal_review(library: Any, saddle: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "entrapment", "affected_side": "right"},
        symptoms={"saddle_numbness": saddle},
        strength={"ankle_dorsiflexion": {"right": 3, "left": 5}},
        pain={"nrs": 5},
    )
    assert ("entrap-analgesia-steroid-injection" in offered(plan)) is not saddle
    assert ("entrap-analgesia-steroid-injection" in held(plan)) is saddle


# --- R12i-15: the short course of corticosteroids belongs to the early, active phase ---------------------------


@pytest.mark.parametrize(("onset_days", "early"), [(85, True), (95, False), (250, False)])
def test_the_short_steroid_course_only_in_the_early_phase(library: Any, onset_days: int, early: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "onset": _before(onset_days)},
        symptoms={"numbness": True},
    )
    items = offered(plan)
    assert (FIRST_LINE in items) is early and (LATE in items) is not early
    if early:
        assert "within about 3 months of onset, or while weakness is still getting worse" in items[FIRST_LINE]["detail"]
    else:
        assert "unlikely to help" in items[LATE]["detail"] and "with no weakness" in items[LATE]["detail"]


@pytest.mark.parametrize(("previous_grade", "worsening"), [(4, True), (3, False)])
def test_worsening_weakness_keeps_the_early_phase_open(library: Any, previous_grade: int, worsening: bool) -> None:
    history = {"etiology": "idiopathic", "affected_side": "right", "onset": _before(150)}
    previous = make_assessment(
        assessed_on=_before(28), history=history, strength={"hip_flexion": {"right": previous_grade, "left": 5}}
    )
    assessment = make_assessment(history=history, strength={"hip_flexion": {"right": 3, "left": 5}})
    validate_assessment(assessment)
    items = offered(generate_plan(assessment, library, history=[previous]))
    assert (FIRST_LINE in items) is worsening and (LATE in items) is not worsening
    if worsening:
        assert "weakness has worsened since the last visit" in items[FIRST_LINE]["detail"]


def test_an_unrecorded_onset_keeps_the_steroid_item_and_asks_for_the_date(library: Any) -> None:
    plan = plan_for(library, history={"etiology": "idiopathic", "affected_side": "right"}, symptoms={"numbness": True})
    assert "the onset date is not recorded" in offered(plan)[FIRST_LINE]["detail"]


# --- R12h-05: the MRI result is read by whether radiotherapy is recorded ---------------------------------------


@pytest.mark.parametrize("irradiated", [False, True])
def test_diffuse_enhancement_is_radiation_plexopathy_only_after_radiotherapy(library: Any, irradiated: bool) -> None:
    history = {"etiology": "neoplastic", "affected_side": "right", "malignancy": "cervical carcinoma"}
    if irradiated:
        history["radiation_completed_on"] = "2024-01-10"
    items = offered(plan_for(library, history=history, strength={"hip_flexion": {"right": 3, "left": 5}}))
    result = items["acr-med-mri-result-pathway"]["detail"]
    assert (RADIATION_READING in result) is irradiated
    assert (NO_RADIOTHERAPY_READING in result) is not irradiated
    first = items["acr-med-mri-plexus-malignancy"]["detail"]
    assert ("separates recurrent tumor from treatment effects" in first) is irradiated


# --- R12h-08: one palliative rule for imaging -------------------------------------------------------------------


@pytest.mark.parametrize("palliative", [False, True])
def test_palliative_imaging_only_where_it_changes_comfort_care(library: Any, palliative: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "right", "malignancy": "rectal", "palliative": palliative},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": 3},
    )
    items = offered(plan)
    for item_id in ("acr-med-mri-plexus-malignancy", "acr-alert-tumor-infiltration-pain"):
        assert (PALLIATIVE_IMAGING in items[item_id]["detail"]) is palliative, item_id
    arranged = "make sure imaging of the plexus is arranged" in items["acr-alert-tumor-infiltration-pain"]["detail"]
    assert arranged is not palliative


@pytest.mark.parametrize("palliative", [False, True])
def test_palliative_rule_on_the_plexus_mri_without_cancer(library: Any, palliative: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "palliative": palliative},
        strength={"hip_flexion": {"right": 3, "left": 5}},
    )
    assert (PALLIATIVE_IMAGING in offered(plan)["guide-med-mri-plexus"]["detail"]) is palliative


# --- R12h-10: the clot on the first page of the handout, and the check named -----------------------------------


@pytest.mark.parametrize(
    ("dvt", "side", "words"),
    [
        (False, None, None),
        (True, "right", "The blood clot in your right leg needs treatment"),
        (True, "bilateral", "The blood clots in both your legs need treatment"),
        (True, None, "The blood clot in your leg needs treatment"),
    ],
)
def test_an_acute_dvt_has_its_urgent_handout_line(library: Any, dvt: bool, side: str | None, words: str | None) -> None:
    history: dict[str, Any] = {"etiology": "idiopathic", "affected_side": "right", "dvt": dvt}
    if side:
        history["dvt_side"] = side
    plan = plan_for(library, history=history, strength={"hip_flexion": {"right": 3, "left": 5}})
    urgent = {line["id"]: line["text"] for line in plan["handout"]["urgent"]}
    assert ("safety-urgent-dvt" in urgent) is dvt
    if words:
        assert urgent["safety-urgent-dvt"].startswith(words)
    handout = offered(plan)["guide-pt-rehabilitation"]["handout"]
    # R12s-A04: the urgent line alone tells the wait for the clot's doctor; the rehabilitation line does not repeat it
    assert ("only when that doctor says they are safe" in urgent.get("safety-urgent-dvt", "")) is dvt
    assert "doctor treating your blood clot" not in handout and "most home exercises" not in handout


def test_the_handout_pdf_puts_the_clot_first_and_names_the_check(library: Any) -> None:
    assessment = validate_assessment(
        make_assessment(
            history={"etiology": "idiopathic", "affected_side": "left", "dvt": True, "dvt_side": "left"},
            strength={"hip_flexion": {"left": 3, "right": 5}},
        )
    )
    plan = generate_plan(assessment, library)
    pages = pages_of(render_handout_pdf(plan, assessment, context(library)))
    assert squash("The blood clot in your left leg needs treatment from a doctor") in squash(pages[0])
    assert squash("the check you are being sent to") not in squash(" ".join(pages))


@pytest.mark.parametrize(
    ("history", "words"),
    [
        (
            {"infection": True, "trauma_type": "open", "etiology": "traumatic", "trauma_on": _before(10)},
            "surgical team",
        ),
        ({"infection": True}, "the doctor treating the infection in your leg"),
    ],
)
def test_the_handout_names_the_infection_check_too(library: Any, history: dict[str, Any], words: str) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right"} | history,
        strength={"hip_flexion": {"right": 3, "left": 5}},
        lymphedema={"present": True, "side": "right", "phase": "maintenance"}
        if not history.get("trauma_type")
        else {"present": False},
    )
    assert words in offered(plan)["guide-pt-rehabilitation"]["handout"]


# --- R12h-13: a radiotherapy history is not called cancer -------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "cancer"),
    [
        ({"etiology": "radiation", "radiation_completed_on": "2022-03-01"}, False),
        ({"etiology": "unknown", "radiation_completed_on": "2022-03-01"}, False),
        ({"etiology": "radiation", "radiation_completed_on": "2022-03-01", "malignancy": "cervical"}, True),
        ({"etiology": "neoplastic"}, True),
    ],
)
def test_the_pad_caution_follows_what_is_recorded(library: Any, history: dict[str, Any], cancer: bool) -> None:
    for devices, item_id in (([], "nlsp-analgesia-tens-anodyne"), (["pacemaker"], "nlsp-analgesia-anodyne")):
        plan = plan_for(
            library,
            history={"affected_side": "right", "implanted_devices": devices} | history,
            strength={"hip_flexion": {"right": 3, "left": 5}},
            pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1, "sites": ["thigh"]},
        )
        item = offered(plan)[item_id]
        assert ("Cancer is recorded" in item["detail"]) is cancer, item_id
        assert ("Radiotherapy is recorded and a recurrence is not yet excluded" in item["detail"]) is not cancer
        assert (CANCER_PADS.replace("Keep the pads", "") in item["handout"]) is cancer, item_id
        assert ("off the skin that had radiotherapy" in item["handout"]) is not cancer, item_id


# --- R12h-18: the nerve studies and an implanted device ---------------------------------------------------------


@pytest.mark.parametrize(
    ("devices", "words"),
    [
        ([], None),
        (["pacemaker"], "A pacemaker or defibrillator is recorded"),
        (["neurostimulator"], "A neurostimulator is recorded"),
        (["defibrillator", "neurostimulator"], "A pacemaker or defibrillator and a neurostimulator are recorded"),
        (["other"], "An implanted device is recorded"),
    ],
)
def test_the_nerve_studies_tell_the_laboratory_of_a_device(library: Any, devices: list[str], words: str | None) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "implanted_devices": devices},
        strength={"hip_flexion": {"right": 3, "left": 5}},
    )
    edx = offered(plan)["guide-med-electrodiagnostic"]
    assert (LAB in edx["detail"]) is bool(devices)
    if words:
        assert words in edx["detail"]
    places = [f"{e['document_id']}: {e['section']}" for e in edx["evidence"]]
    assert "SAFETY: Implanted devices and nerve studies" in places


# --- R12h-19: an NSAID after a recent injury or operation -------------------------------------------------------


@pytest.mark.parametrize(("days", "caution"), [(42, True), (43, False)])
def test_the_nsaid_bleeding_caution_within_six_weeks_of_an_event(library: Any, days: int, caution: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "traumatic", "affected_side": "right", "trauma_type": "blunt", "trauma_on": _before(days)},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 5, "current_ladder_step": 1},
    )
    steps = [i for i in offered(plan) if i.startswith("who-step-")]
    assert len(steps) == 1
    assert (BLEEDING in offered(plan)[steps[0]]["detail"]) is caution


def test_a_clot_and_a_recent_operation_give_one_bleeding_caution(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "postsurgical", "affected_side": "right", "surgery_on": _before(10), "dvt": True},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 3, "current_ladder_step": 0},
    )
    detail = offered(plan)["who-step-1"]["detail"]
    assert detail.count("bleeding risk") == 1 and "anticoagulation, a haematoma" in detail


# --- R12i-06: weakness in both legs: imaging of the lumbar spine ------------------------------------------------


@pytest.mark.parametrize(("left", "both"), [(5, False), (4, True)])
def test_both_legs_weak_asks_for_lumbar_spine_imaging(library: Any, left: int, both: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "unknown", "affected_side": "right"},
        strength={"ankle_dorsiflexion": {"right": 3, "left": left}, "great_toe_extension": {"right": 3, "left": left}},
    )
    items = offered(plan)
    assert ("red-med-spine-imaging-both-legs" in items) is both
    assert ("lumbar spine imaging of the medical section" in items["guide-med-mri-plexus"]["detail"]) is both
    if both:
        spine = items["red-med-spine-imaging-both-legs"]["detail"]
        assert "Request an MRI of the lumbar spine, from the conus to the sacrum" in spine
        assert EACH_LEG in spine
        assert "guide-med-single-root-pattern" not in items
    else:
        assert "guide-med-single-root-pattern" in items


def test_spine_imaging_for_both_legs_when_mri_is_ruled_out_and_each_leg_is_not_one_root(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "unknown", "affected_side": "right", "mri_contraindicated": True},
        strength={"hip_flexion": {"right": 4, "left": 4}, "ankle_plantarflexion": {"right": 4, "left": 5}},
    )
    spine = offered(plan)["red-med-spine-imaging-both-legs"]["detail"]
    assert "request a CT of the lumbar spine" in spine
    assert EACH_LEG not in spine


def test_the_urgent_review_carries_the_spine_imaging_itself(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "unknown", "affected_side": "right"},
        strength={"ankle_dorsiflexion": {"right": 2, "left": 2}},
    )
    items = offered(plan)
    assert "red-alert-both-legs-severe" in items and "red-med-spine-imaging-both-legs" not in items


# --- R12i-08: nerve studies after a recent onset, whatever its cause -------------------------------------------


@pytest.mark.parametrize(("onset_days", "recent"), [(10, True), (20, True), (21, False), (60, False)])
def test_nerve_studies_wait_three_weeks_after_a_recent_onset(library: Any, onset_days: int, recent: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "unknown", "affected_side": "right", "onset": _before(onset_days)},
        symptoms={"numbness": True},
    )
    edx = offered(plan)["guide-med-electrodiagnostic"]
    assert ("Book the studies from three weeks after the onset (date below)" in edx["detail"]) is recent
    if recent:
        assert edx["due_on"] == (VISIT + timedelta(days=21 - onset_days)).isoformat()
    else:
        assert "due_on" not in edx


def test_a_recent_onset_after_an_old_injury_dates_the_studies_from_the_onset(library: Any) -> None:
    plan = plan_for(
        library,
        history={
            "etiology": "traumatic",
            "affected_side": "right",
            "trauma_type": "blunt",
            "trauma_on": _before(60),
            "onset": _before(7),
        },
        strength={"hip_flexion": {"right": 3, "left": 5}},
    )
    assert offered(plan)["guide-med-electrodiagnostic"]["due_on"] == (VISIT + timedelta(days=14)).isoformat()


# --- R12i-16: the pre-surgery studies follow their date ---------------------------------------------------------


def test_the_studies_before_surgery_are_booked_by_their_date(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "entrapment", "affected_side": "right", "onset": _before(250)},
        strength={"ankle_dorsiflexion": {"right": 3, "left": 5}},
    )
    item = offered(plan)["entrap-mon-repeat-edx-surgery"]
    assert item["due_on"] == (VISIT + timedelta(weeks=4)).isoformat()
    assert "within the next 4 weeks (date below)" in item["detail"] and "do them now" not in item["detail"]


def test_the_event_anchor_counts_an_onset_only_while_its_interval_lies_ahead() -> None:
    """planner/engine/schedule.py WHILE_AHEAD: a recent onset dates a study timed from the event; an old one adds
    no date, so an undated request stays undated (R12i-08)."""
    from planner.engine.schedule import DueRule

    rule = DueRule.parse("3 weeks after event")
    recent = make_assessment(history={"onset": _before(10)})
    assert rule.dates(recent) == (VISIT + timedelta(days=11), None)
    assert rule.dates(make_assessment(history={"onset": _before(21)})) is None
    old_injury = make_assessment(history={"trauma_on": _before(90), "onset": _before(30)})
    assert rule.dates(old_injury) == (VISIT, None)  # due from the visit, as before
