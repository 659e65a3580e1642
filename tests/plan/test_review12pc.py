"""Reviews 12n and 12o on the pain and analgesia documents (/work/team/reports/review12n.md, review12o.md):
R12n-02 (a first opioid, by whatever path the ladder opens it, starts at its lowest dose and gets the review of
the new step), R12n-03 (in uncontrolled pain that the ladder answers, a pregabalin dose above its band is reduced
alongside the opioid review, not before it), R12n-09 (the anti-inflammatory item states NSAID risks or points to a
ladder item that names them), R12n-11 (short ladder titles, the reason in the detail), R12n-12 (the topical agents
named once), R12o-06 (the pain call line for pain already not controlled) and R12o-08 (one sentence for a clot leg
that is also the swollen one).

Written from clinical-spec.md: the WHO ladder was written for cancer pain; the CLINIC bands (4-6 step 2, 7-10
step 3); a strong opioid for a patient who has taken none starts at its lowest dose (WHO-LADDER); a new opioid step
is reviewed within two weeks; the pregabalin bands by creatinine clearance (60+: 150-600, 30-60: 75-300, 15-30:
25-150 mg/day); each fact said once; items of one plan never contradict each other. The faults that form a class
are invariants of the plan lint (tests/plan/test_plan_lint.py, ``round12pc_invariants``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from planner.plan.generate import generate_plan
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_clinical_safety import plan_for
from tests.plan.test_plan_lint import TITLE_LIMIT
from tests.plan.views import checked_plan, entry_text, handout_lines, offered_entries

CASES = FIXTURES / "cases"
LOWEST = "lowest dose"
REVIEW = "clinic-mon-pain-review"
HOLD_BACK = "before an opioid is started or raised"
ALONGSIDE = "review the opioid at the same time"
PAIN_LINE = "clinic-call-pain"
NOT_CONTROLLED_LINE = "do not control it"

EXPECTATIONS_12N: dict[str, Expect] = {
    # R12n-02: postsurgical day 12, 4/10, no opioid: a trial at the lowest dose of step 2, and its review
    "08-postsurgical-twelve-days": Expect(
        ladder="who-step-2",
        offered={REVIEW},
        texts={"who-step-2": LOWEST, REVIEW: "a first opioid as a trial"},
        line_texts={PAIN_LINE: "worse than it is now"},
    ),
    # R12n-02: unknown cause, both legs, 4/10, no opioid
    "14-unknown-severe-both-legs": Expect(
        ladder="who-step-2", offered={REVIEW}, texts={"who-step-2": "continued only if it helps"}
    ),
    # R12n-02: the acute path (trauma day 5) gets the review too, within days; R12n-11: its title is short
    "07-traumatic-five-days": Expect(
        ladder="who-step-2",
        offered={REVIEW},
        texts={"who-step-2": "rather than climb to it", REVIEW: "within days"},
    ),
    # R12n-02: the refractory path from step 1 says lowest dose; R12n-12: the topicals named by their own item
    "04-diabetic-both-legs-refractory": Expect(
        ladder="who-step-2",
        offered={REVIEW, "mgmt-analgesia-topicals"},
        texts={"who-step-2": LOWEST, "mgmt-analgesia-neuropathic-adjuvants": "(see the topical item)"},
        not_texts={"mgmt-analgesia-neuropathic-adjuvants": "(lidocaine patch or capsaicin cream)"},
    ),
    # R12n-03: cancer pain 9/10 at the top step, CrCl 20, pregabalin 300: reduced now, the opioid reviewed with it
    "11-neoplastic-renal-20-top-step": Expect(
        ladder="who-step-3",
        texts={"who-step-3": ALONGSIDE},
        not_texts={"who-step-3": HOLD_BACK},
    ),
    # R12n-09: no NSAID caution applies here, so the item states the usual risks itself; R12n-12 as in case 04
    "12-entrapment-refractory-top-step": Expect(
        texts={
            "entrap-analgesia-conservative-drugs": "weigh the usual NSAID risks",
            "mgmt-analgesia-neuropathic-adjuvants": "(see the topical item)",
        },
        not_texts={"entrap-analgesia-conservative-drugs": "ladder item names"},
    ),
    "05-entrapment-femoral-pattern": Expect(
        not_texts={"entrap-analgesia-conservative-drugs": "ladder item names"},
    ),
}

EXPECTATIONS_12O: dict[str, Expect] = {
    # R12o-08: the clot and the swelling are both in the right leg: one sentence keeps cold off it
    "o01-dvt-right-lymph-right-weak-left": Expect(
        texts={"mgmt-analgesia-cold": "Keep cold off your right leg, which is swollen and has the clot."},
        not_texts={"mgmt-analgesia-cold": "Keep cold off your swollen leg."},
    ),
    # R12o-06: 8/10 on the top step, and 6/10 on step 2 (Spanish): the call line asks about a change
    "o02-neo-palliative-pathfracture-10d": Expect(line_texts={PAIN_LINE: "worse than it is now"}),
    "o05-es-spinal-hold-nonwalker-board": Expect(line_texts={PAIN_LINE: "worse than it is now"}),
}


@pytest.mark.parametrize(
    ("path", "expect"),
    expected_cases(CASES, EXPECTATIONS_12N) + expected_cases(FIXTURES / "review12o", EXPECTATIONS_12O),
)
def test_round12pc_reviewer_case(library: Any, path: Any, expect: Expect) -> None:
    check_case(library, path, expect)


def ladder_of(plan: dict[str, Any]) -> dict[str, Any]:
    (item,) = [entry for entry_id, entry in offered_entries(plan).items() if entry_id.startswith("who-step-")]
    return item


def pain_plan(library: Any, etiology: str, nrs: int, step: int, **pain: Any) -> dict[str, Any]:
    history: dict[str, Any] = {"etiology": etiology, "affected_side": "right", "onset": "2026-05-01"}
    if etiology == "neoplastic":
        history["malignancy"] = "rectum"
    assessment = {
        "format": "lsp-assessment/1",
        "patient": {"id": "T-1", "name": "Test Patient", "birth_date": "1960-01-01"},
        "assessed_on": "2026-11-01",
        "history": history,
        "strength": {"hip_flexion": {"right": 3, "left": 5}},
        "pain": {"nrs": nrs, "current_ladder_step": step} | pain,
    }
    return checked_plan(library, assessment)


# --- R12n-02: every path that opens a first opioid ------------------------------------------------------------


@pytest.mark.parametrize(
    ("etiology", "nrs", "step", "first"),
    [
        ("postsurgical", 4, 0, True),  # the pain band, not neuropathic, not acute
        ("unknown", 6, 1, True),
        ("unknown", 3, 0, False),  # mild: step 1, no opioid
        ("unknown", 5, 2, False),  # already on a weak opioid: not a first opioid
        ("neoplastic", 5, 0, True),  # cancer pain by the band
        ("neoplastic", 8, 1, True),  # a strong opioid as the first one
        ("neoplastic", 8, 2, False),
    ],
)
def test_round12pc_a_first_opioid_starts_low_and_is_reviewed(
    library: Any, etiology: str, nrs: int, step: int, first: bool
) -> None:
    plan = pain_plan(library, etiology, nrs, step)
    ladder = ladder_of(plan)
    assert (int(ladder["id"][-1]) >= 2 and step < 2) is first
    assert (LOWEST in ladder["detail"]) is first
    assert ("lowest dose" in ladder["title"]) is first
    if first:
        assert REVIEW in offered_entries(plan)
        assert offered_entries(plan)[REVIEW]["due_on"] == "2026-11-15"


@pytest.mark.parametrize(("etiology", "trial"), [("idiopathic", True), ("neoplastic", False)])
def test_round12pc_outside_cancer_pain_a_first_opioid_is_a_trial(library: Any, etiology: str, trial: bool) -> None:
    """The ladder was written for cancer pain: borrowed for other pain, its first opioid is a trial."""
    ladder = ladder_of(pain_plan(library, etiology, 5, 0, neuropathic=False))
    assert ladder["id"] == "who-step-2"
    assert ("as a trial" in ladder["title"]) is trial
    assert ("continued only if it helps" in ladder["detail"]) is trial


def test_round12pc_the_refractory_path_from_step_zero_starts_low(library: Any) -> None:
    plan = pain_plan(library, "entrapment", 6, 0, neuropathic=True, neuropathic_agents_tried=["gabapentin"])
    ladder = ladder_of(plan)
    assert ladder["id"] == "who-step-2" and "the first opioid step" in ladder["title"]
    assert LOWEST in ladder["detail"] and REVIEW in offered_entries(plan)


# --- R12n-03: the pregabalin correction goes alongside the opioid in uncontrolled pain the ladder answers --------


@pytest.mark.parametrize(
    ("etiology", "nrs", "alongside"),
    [
        ("neoplastic", 9, True),  # cancer pain, not controlled at the top step
        ("neoplastic", 3, False),  # controlled: nothing to raise, the dose is corrected first
        ("diabetic", 8, False),  # the adjuvant-first pathway: the ladder stays until the dose is corrected
    ],
)
def test_round12pc_pregabalin_above_its_band_and_the_opioid(
    library: Any, etiology: str, nrs: int, alongside: bool
) -> None:
    """At a clearance of 20 mL/min the band is 25-150 mg/day, so 300 mg/day is above it."""
    history: dict[str, Any] = {"etiology": etiology, "affected_side": "right", "creatinine_clearance_ml_min": 20}
    if etiology == "neoplastic":
        history["malignancy"] = "rectum"
    plan = plan_for(
        library,
        history=history,
        pain={"nrs": nrs, "neuropathic": True, "current_ladder_step": 3, "pregabalin_mg_day": 300},
    )
    detail = ladder_of(plan)["detail"]
    assert "above its labelled range" in detail
    assert (ALONGSIDE in detail) is alongside
    assert (HOLD_BACK in detail) is not alongside


# --- R12n-09: the anti-inflammatory item and the NSAID cautions ------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "clearance", "pointer"),
    [
        ("1980-01-01", 90, False),  # no caution applies: the item states the usual risks itself
        ("1950-01-01", 90, True),  # aged 65 or over: the ladder item names the NSAID caution
        ("1980-01-01", 25, True),  # NSAIDs avoided: the ladder item says so
    ],
)
def test_round12pc_the_anti_inflammatory_item_points_only_to_a_caution_that_is_there(
    library: Any, birth: str, clearance: int, pointer: bool
) -> None:
    plan = plan_for(
        library,
        patient={"id": "T-1", "name": "Test Patient", "birth_date": birth},
        history={"etiology": "entrapment", "affected_side": "right", "creatinine_clearance_ml_min": clearance},
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 3},
    )
    items = offered_entries(plan)
    detail = items["entrap-analgesia-conservative-drugs"]["detail"]
    assert ("ladder item names" in detail) is pointer
    assert ("usual NSAID risks" in detail) is not pointer
    if pointer:
        assert "NSAID" in ladder_of(plan)["detail"]


# --- R12n-11: ladder titles are short --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("etiology", "nrs", "step", "pain"),
    [
        ("traumatic", 6, 0, {"acute": True}),
        ("entrapment", 6, 1, {"neuropathic": True, "neuropathic_agents_tried": ["gabapentin"]}),
        ("diabetic", 8, 1, {"neuropathic": True}),
        ("neoplastic", 8, 0, {}),
    ],
)
def test_round12pc_the_ladder_title_is_short(
    library: Any, etiology: str, nrs: int, step: int, pain: dict[str, Any]
) -> None:
    history = {"trauma_on": "2026-10-27", "trauma_type": "blunt"} if etiology == "traumatic" else {}
    plan = plan_for(
        library,
        history={"etiology": etiology, "affected_side": "right", "malignancy": "rectum"} | history
        if etiology == "neoplastic"
        else {"etiology": etiology, "affected_side": "right"} | history,
        pain={"nrs": nrs, "current_ladder_step": step} | pain,
    )
    ladder = ladder_of(plan)
    assert len(ladder["title"]) <= TITLE_LIMIT
    assert "no opioid is recorded" not in ladder["title"] and "rather than climb" not in ladder["title"]


# --- R12o-06: the pain call line, on both sides of the band ----------------------------------------------------


@pytest.mark.parametrize(("nrs", "uncontrolled"), [(3, False), (4, True), (0, False)])
def test_round12pc_the_pain_call_line_asks_about_a_change_when_pain_is_not_controlled(
    library: Any, nrs: int, uncontrolled: bool
) -> None:
    plan = plan_for(library, pain={"nrs": nrs, "current_ladder_step": 1})
    line = handout_lines(plan)[PAIN_LINE]
    assert (NOT_CONTROLLED_LINE in line) is not uncontrolled
    assert ("worse than it is now" in line) is uncontrolled


# --- R12o-08: cold kept off one leg, in one sentence ------------------------------------------------------------


@pytest.mark.parametrize(("lymph_side", "one_sentence"), [("right", True), ("left", False)])
def test_round12pc_cold_names_a_swollen_clot_leg_once(library: Any, lymph_side: str, one_sentence: bool) -> None:
    """Clot in the right leg; the plexopathy (and pain) in the left. Swelling of the right leg: one sentence;
    swelling of the left (the painful leg) holds cold back altogether."""
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "left", "dvt": True, "dvt_side": "right"},
        strength={"hip_flexion": {"left": 3, "right": 5}},
        pain={"nrs": 5, "current_ladder_step": 1},
        lymphedema={"present": True, "side": lymph_side, "phase": "reduction"},
    )
    items = offered_entries(plan)
    if not one_sentence:
        assert "mgmt-analgesia-cold" not in items
        return
    text = entry_text(items["mgmt-analgesia-cold"])
    assert text.count("Keep cold off") == 1
    assert "which is swollen and has the clot" in text
    assert "which is also the swollen one" in items["mgmt-analgesia-cold"]["detail"]


@pytest.mark.parametrize(("nrs", "changed"), [(6, True), (2, False)])
def test_round12pc_the_spanish_pain_call_line_asks_about_a_change(nrs: int, changed: bool) -> None:
    """R12o-06 in the reviewer's Spanish case (6/10 on step 2): the translated line follows the same switch."""
    spanish = compile_library(read_shipped_documents(), translations=read_shipped_translations())
    path = FIXTURES / "review12o" / "o05-es-spinal-hold-nonwalker-board.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["pain"]["nrs"] = nrs
    plan = generate_plan(validate_assessment(raw), spanish, language="es")
    (line,) = [
        line["translation"]["text"] for group in plan["handout"].values() for line in group if line["id"] == PAIN_LINE
    ]
    assert ("aparece un dolor nuevo" in line) is changed
    assert ("no lo controlan" in line) is not changed
