"""Review 12l (/work/team/reports/review12l.md) and R12m-05/08 (/work/team/reports/review12m.md): R12l-01 (an
injury recorded beside a cancer history neither defers the plexus MRI nor brings the plexus-injury items or an
opioid step-down), R12l-02 (cold keeps off an infected or fresh wound), R12l-03 (an infected open injury heads
the handout, with no tick chart, and the helper may still move the leg), R12l-04 (a clot in the other leg holds
only what loads or works both legs; the injection hold names anticoagulation), R12l-06 (both swollen legs in the
plural), R12l-07 (the calf call line asks about a change), R12l-08 (no needle near infected skin), R12l-09 (the
late idiopathic item says "active again" once), R12l-10 (one surgical review alert), R12l-11 (the follow-up
measures said once), R12m-05 (an agent recorded as tried and working is continued) and R12m-08 (procedures after
the adjuvant titration; cancer pain titrates alongside the ladder). The reviewer's cases (tests/fixtures/review12l)
and each rule on both sides of its threshold, written from clinical-spec.md; the faults that generalise are
invariants of the plan lint (tests/plan/test_plan_lint.py, ``final12l_invariants``)."""

from __future__ import annotations

from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.plan.generate import generate_plan
from tests.conftest import make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_plan_lint import final12l_invariants
from tests.plan.views import checked_plan as plan_of
from tests.plan.views import entry_text as text
from tests.plan.views import handout_lines as lines
from tests.plan.views import offered_entries as entries

OTHER_LEG = "in the other leg"
EXPECTATIONS_12L: dict[str, Expect] = {
    # R12l-01: neoplastic, pathological pelvic fracture 14 days ago: the cancer MRI now, the radiologist told
    "l03-neo-step2-pelvic-fracture-2wk": Expect(
        offered={"acr-med-mri-plexus-malignancy", "safety-alert-surgical-precautions"},
        not_offered={"guide-med-trauma-imaging-delay", "guide-med-trauma-blunt"},
        texts={"acr-med-mri-plexus-malignancy": "tell the radiologist"},
        not_texts={"clinic-mon-pain-review": "stepped down"},
    ),
    "l03v-no-trauma-date": Expect(
        offered={"acr-med-mri-plexus-malignancy"},
        not_offered={"guide-med-trauma-imaging-delay"},
        not_texts={"acr-med-mri-plexus-malignancy": "radiologist"},
    ),
    # R12l-06, R12l-07: both legs swollen
    "l04-radiation-6y-cervix-step3-bilat-lymph": Expect(
        offered={"ex-lymph-elevation", "eq-leg-wedge"},
        texts={"ex-lymph-elevation": "Rest both legs on pillows", "eq-leg-wedge": "your swollen legs"},
        line_texts={"clinic-check-garment": "compression stockings", "clinic-call-calf": "more swollen than usual"},
    ),
    # R12l-04, R12l-07: clot in the right leg, entrapment of the left
    "l05-entrap-piriformis-pad-dvt-other-leg": Expect(
        offered={"ex-toe-lifts", "ex-knee-bend-band", "ex-sciatic-glide", "nlsp-pt-arom-progression"},
        held={
            "ex-walking": OTHER_LEG,
            "ex-heel-raises-standing": OTHER_LEG,
            "mgmt-pt-gait-training": OTHER_LEG,
            "entrap-analgesia-steroid-injection": "anticoagulation",
        },
        texts={"clinic-alert-compression-dvt": "no standing, balance or walking practice"},
        not_texts={"clinic-alert-compression-dvt": "no exercise that works the leg,"},
        line_texts={"clinic-call-calf": "more swollen"},
    ),
    # R12l-02, R12l-03, R12l-08, R12l-10: infected open injury with a pacemaker
    "l06-trauma-open-infection-pacemaker": Expect(
        offered={"safety-alert-infected-open-injury", "guide-med-trauma-exploration"},
        not_offered={"guide-alert-trauma-surgical-review"},
        texts={
            "mgmt-analgesia-cold": "Keep the cold pack off any skin that is broken",
            "guide-med-electrodiagnostic": "no needle goes through or near infected skin",
            "safety-alert-infected-open-injury": "The same visit gives the surgical opinion",
        },
        lines={"safety-urgent-infected-wound", "safety-check-infected-wound"},
        # the only grade-1 group is the big toe, whose card waits with the other exercises: no passive card (R12p-03)
        line_texts={"safety-check-infected-wound": "do no exercises of your own with the injured leg"},
    ),
    # R12l-11: the follow-up measures once
    "l02-diabetic-crcl50-duloxetine-tried": Expect(
        offered={"clinic-reassess"},
        not_texts={"entrap-mon-follow-up": "Repeat the same measures"},
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12l", EXPECTATIONS_12L))
def test_final12l_case(library: Any, path: Any, expect: Expect) -> None:
    check_case(library, path, expect)


def made(library: Any, **changes: Any) -> dict[str, Any]:
    return plan_of(library, validate_assessment(make_assessment(**changes)))


HIP_WEAK = {"hip_flexion": {"right": 3}, "knee_extension": {"right": 3}}


# --- R12l-01 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("etiology", "malignancy", "deferred"),
    [
        ("traumatic", "", True),
        ("unknown", "", True),
        ("neoplastic", "prostate carcinoma", False),
        ("traumatic", "breast carcinoma 2019", False),
        ("idiopathic", "", False),
    ],
)
def test_final12l_injury_defers_plexus_imaging_only_as_the_cause_without_cancer(
    library: Any, etiology: str, malignancy: str, deferred: bool
) -> None:
    """An injury 14 days ago defers the plexus study for a month only when it may have caused the plexopathy and no
    cancer or radiotherapy history is open; otherwise the study is ordered now and the radiologist is told."""
    history = {"etiology": etiology, "trauma_on": "2026-10-18", "trauma_type": "blunt", "onset": "2026-09-01"}
    if malignancy:
        history["malignancy"] = malignancy
    found = entries(made(library, history=history, strength=HIP_WEAK))
    assert ("guide-med-trauma-imaging-delay" in found) is deferred
    first = found.get("acr-med-mri-plexus-malignancy") or found.get("guide-med-mri-plexus")
    if deferred:
        assert first is None
    else:
        assert first is not None and "tell the radiologist" in first["detail"]
    injury_cause = etiology == "traumatic" or (etiology == "unknown" and not malignancy)
    assert ("guide-med-trauma-blunt" in found) is injury_cause


@pytest.mark.parametrize(("etiology", "step_down"), [("traumatic", True), ("neoplastic", False)])
def test_final12l_opioid_step_down_only_for_injury_pain(library: Any, etiology: str, step_down: bool) -> None:
    """Severe acute pain 10 days after an injury opens step 3; the plan to step it down as the injury heals is for
    injury pain, not for pain from a tumour."""
    history = {"etiology": etiology, "trauma_on": "2026-10-22", "trauma_type": "blunt", "onset": "2026-10-22"}
    if etiology == "neoplastic":
        history["malignancy"] = "rectal carcinoma"
    pain = {"nrs": 8, "acute": True, "current_ladder_step": 1}
    review = entries(made(library, history=history, strength=HIP_WEAK, pain=pain))["clinic-mon-pain-review"]
    assert ("stepped down" in review["detail"]) is step_down


# --- R12l-02, R12l-03, R12l-08, R12l-10 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "words"),
    [
        ({"infection": True}, "never on infected or broken skin"),
        ({"etiology": "postsurgical", "surgery_on": "2026-10-10", "onset": "2026-10-10"}, "incision"),
        ({"etiology": "postsurgical", "surgery_on": "2026-09-10", "onset": "2026-09-10"}, None),
        ({}, None),
    ],
)
def test_final12l_cold_keeps_off_an_infected_or_fresh_wound(library: Any, history: dict[str, Any], words: Any) -> None:
    plan = made(library, history=history, pain={"nrs": 5}, strength=HIP_WEAK)
    cold = entries(plan)["mgmt-analgesia-cold"]
    if words:
        assert words in cold["detail"]
        assert "Keep the cold pack off" in cold["handout"]
    else:
        assert "not on or near" not in cold["detail"] and "infected" not in cold["detail"]
        assert "Keep the cold pack off" not in cold["handout"]


@pytest.mark.parametrize("infection", [True, False])
def test_final12l_infected_open_injury_heads_the_handout_without_a_tick_chart(library: Any, infection: bool) -> None:
    history = {
        "etiology": "traumatic",
        "trauma_on": "2026-10-01",
        "trauma_type": "open",
        "onset": "2026-10-01",
        "infection": infection,
    }
    plan = made(library, history=history, strength={"ankle_dorsiflexion": {"right": 1}, "knee_extension": {"right": 3}})
    found, said = entries(plan), lines(plan)
    assert ("safety-urgent-infected-wound" in said) is infection
    assert plan["findings"]["handout_tick_chart"] is not infection
    assert ("guide-alert-trauma-surgical-review" in found) is not infection
    edx = found.get("guide-med-electrodiagnostic")
    if edx:
        assert ("infected skin" in edx["detail"]) is infection
    if infection:
        assert "See your surgical team today" in said["safety-urgent-infected-wound"]
        assert "See your surgical team today" not in said["safety-check-infected-wound"]


# --- R12l-04 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dvt_side", "other"), [("left", True), ("right", False), (None, False)])
def test_final12l_clot_in_the_other_leg_holds_only_what_loads_both(
    library: Any, dvt_side: str | None, other: bool
) -> None:
    history: dict[str, Any] = {"etiology": "entrapment", "affected_side": "right", "dvt": True}
    if dvt_side:
        history["dvt_side"] = dvt_side
    strength = {"knee_extension": {"right": 4}, "ankle_dorsiflexion": {"right": 3}}
    plan = made(library, history=history, strength=strength, function={"ambulation": "independent"})
    found, held = entries(plan), {e["id"]: e for e in plan["held"]}
    assert ("ex-knee-straighten-weight" in found) is other
    assert ("ex-ankle-lifts" in found) is other
    assert "ex-walking" in held and "ex-walking" not in found
    alert = found["clinic-alert-compression-dvt"]["detail"]
    assert ("no standing, balance or walking practice" in alert) is other
    urgent = lines(plan)["safety-urgent-dvt"]
    assert ("go on" in urgent) is other


# --- R12l-06, R12l-07 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["bilateral", "right"])
def test_final12l_lymphedema_cards_in_the_plural_for_both_legs(library: Any, side: str) -> None:
    lymphedema = {"present": True, "side": side, "phase": "maintenance"}
    plan = made(library, lymphedema=lymphedema, strength=HIP_WEAK)
    found, said = entries(plan), lines(plan)
    both = side == "bilateral"
    assert ("Raising your swollen legs" in found["ex-lymph-elevation"]["name"]) is both
    assert ("stockings" in said["clinic-check-garment"]) is both
    assert ("Do one leg at a time" in text(found["ex-lymph-self-massage"])) is both


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"lymphedema": {"present": True, "side": "right", "phase": "maintenance"}}, "more swollen than usual"),
        ({"history": {"dvt": True, "dvt_side": "right"}}, "than it is now"),
        ({}, "Your calf becomes swollen"),
    ],
)
def test_final12l_calf_call_line_asks_about_a_change(library: Any, changes: dict[str, Any], words: str) -> None:
    assert words in lines(made(library, strength=HIP_WEAK, **changes))["clinic-call-calf"]


# --- R12l-09, R12l-11 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("grade", [2, 4])
def test_final12l_late_idiopathic_says_active_again_once(library: Any, grade: int) -> None:
    history = {"etiology": "idiopathic", "onset": "2026-03-01"}
    late = entries(made(library, history=history, strength={"hip_flexion": {"right": grade}}))[
        "guide-med-idiopathic-late"
    ]
    assert late["detail"].count("active again") == 1
    assert ("severe" in late["detail"]) is (grade == 2)


def test_final12l_follow_up_measures_said_once(library: Any) -> None:
    found = entries(made(library, history={"etiology": "entrapment"}, strength=HIP_WEAK, pain={"nrs": 4}))
    assert "sensory examination" in found["entrap-mon-follow-up"]["detail"]
    assert "Repeat the same measures" not in found["entrap-mon-follow-up"]["detail"]
    assert "Repeat the MRC grades" in found["clinic-reassess"]["detail"]


# --- R12m-05, R12m-08 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("nrs", "continued"), [(3, True), (6, False)])
def test_final12l_adjuvant_recorded_and_working_is_continued(library: Any, nrs: int, continued: bool) -> None:
    pain = {"nrs": nrs, "neuropathic": True, "pregabalin_mg_day": 300, "neuropathic_agents_tried": ["pregabalin"]}
    detail = entries(made(library, history={"etiology": "idiopathic"}, strength=HIP_WEAK, pain=pain))[
        "mgmt-analgesia-neuropathic-adjuvants"
    ]["detail"]
    assert ("continue it; the opioid steps stay closed" in detail) is continued
    assert "record an agent as tried" not in detail


def test_final12l_adjuvant_not_listed_is_asked_to_be_recorded(library: Any) -> None:
    pain = {"nrs": 3, "neuropathic": True}
    detail = entries(made(library, history={"etiology": "idiopathic"}, strength=HIP_WEAK, pain=pain))[
        "mgmt-analgesia-neuropathic-adjuvants"
    ]["detail"]
    assert "record an agent as tried" in detail


@pytest.mark.parametrize(("dose", "after"), [(150, True), (300, False)])
def test_final12l_procedures_wait_for_the_adjuvant_titration(library: Any, dose: int, after: bool) -> None:
    history = {"etiology": "neoplastic", "malignancy": "cervical carcinoma", "palliative": True}
    pain = {"nrs": 7, "neuropathic": True, "current_ladder_step": 3, "pregabalin_mg_day": dose}
    found = entries(made(library, history=history, strength=HIP_WEAK, pain=pain))
    procedures = [found[i] for i in ("nlsp-analgesia-rhizotomy", "nlsp-analgesia-interventional") if i in found]
    assert procedures
    assert all(("after its titration" in p["detail"]) is after for p in procedures)
    adjuvant = found["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert ("alongside the ladder step, before any procedure" in adjuvant) is after
    assert "before the pain is called refractory" not in adjuvant


def test_final12l_lint_finds_the_faults_it_names(library: Any) -> None:
    """The invariants catch the old texts: a deferred cancer MRI, cold with no wound clause, an urgent line missing."""
    assessment = validate_assessment(
        make_assessment(
            history={"etiology": "traumatic", "trauma_on": "2026-10-01", "trauma_type": "open", "infection": True},
            strength=HIP_WEAK,
            pain={"nrs": 5},
        )
    )
    plan = generate_plan(assessment, library)
    findings = all_findings(assessment, library)
    assert final12l_invariants(assessment, plan, findings) == []
    plan["handout"]["urgent"] = [
        line for line in plan["handout"]["urgent"] if line["id"] != "safety-urgent-infected-wound"
    ]
    cold = next(i for s in plan["sections"] for i in s["items"] if i["id"] == "mgmt-analgesia-cold")
    cold["detail"], cold["handout"] = "Cold can be added.", "You can put a wrapped cold pack on the painful area."
    faults = final12l_invariants(assessment, plan, findings)
    assert any("urgent box" in f for f in faults)
    assert any("cold offered" in f for f in faults)
    assert any("cold handout" in f for f in faults)
