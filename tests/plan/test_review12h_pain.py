"""Reviews 12h and 12i on the pain pathway: the step for acute pain after an injury or operation (R12h-07,
R12i-03), what counts as tried and refractory (R12i-04), topical agents already tried (R12i-12), topicals on
broken, infected or clotted skin (R12h-04) and plexus dissection with neurolysis (R12h-06).

Written from clinical-spec.md: the CLINIC bands (4-6 step 2, 7-10 step 3; never below the current step), the
pain pathway by cause (for traumatic and postsurgical causes an adjuvant for neuropathic pain, opioids only if
refractory, refractory recorded, not guessed), pregabalin's studied range of 150-600 mg/day, the TENS screen
(not over broken or infected skin) and the DVT screen (that leg is not rubbed or warmed), and plexus dissection
with neurolysis among the measures for pain after radiotherapy, with comfort first in palliative care."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_clinical_safety import offered, plan_for
from tests.plan.views import entry_text

NEUROLYSIS = "neurolysis"
START_LOW = "lowest dose"
ADJUVANT_ALONGSIDE = "the neuropathic part is treated alongside that step with an adjuvant"
INTACT_SKIN = "intact skin only, never on infected or broken skin"
INCISION = "not on or near the incision until it has healed"
CLOT_LEG = "no cream rubbed into that leg"

H_EXPECTATIONS: dict[str, Expect] = {
    # R12h-07: 6/10 (moderate) ten days after an operation, on step 2: the band's step 2, no strong opioid, no
    # step-up alert; the adjuvant starts now, alongside. R12h-04: topicals kept off the incision
    "h05-postsurgical-10days": Expect(
        ladder="who-step-2",
        not_offered={"clinic-alert-pain-step-up"},
        texts={
            "who-step-2": "continue this step, the one of the pain band",
            "mgmt-analgesia-neuropathic-adjuvants": ADJUVANT_ALONGSIDE,
            "mgmt-analgesia-topicals": INCISION,
        },
        not_texts={"who-step-2": "follows the pain band"},
    ),
    # R12h-04: an acute infection: the topicals go on intact, uninfected skin only
    "h12-bilateral-severe-nocancer-infection": Expect(texts={"mgmt-analgesia-topicals": INTACT_SKIN}),
    # R12h-04: the clot is in the painful leg: no cream rubbed into it
    "h10-dvt-pacemaker": Expect(texts={"mgmt-analgesia-topicals": CLOT_LEG}),
    # R12h-06: a presacral recurrence, and palliative care 4 months after radiotherapy: no plexus operation
    "h02-tumour-severe-step3-opioid-pregabalin": Expect(
        offered={"mgmt-analgesia-post-radiation-multimodal", "nlsp-analgesia-interventional"},
        not_texts={
            "mgmt-analgesia-post-radiation-multimodal": NEUROLYSIS,
            "nlsp-analgesia-interventional": NEUROLYSIS,
        },
    ),
    "h03-tumour-palliative-eol-es": Expect(
        offered={"mgmt-analgesia-post-radiation-multimodal"},
        not_texts={
            "mgmt-analgesia-post-radiation-multimodal": NEUROLYSIS,
            "nlsp-analgesia-interventional": NEUROLYSIS,
        },
    ),
}

I_EXPECTATIONS: dict[str, Expect] = {
    # R12i-04: pregabalin 150 mg/day at a clearance of 72 (band 150-600) is still being titrated, not failed
    "i02": Expect(
        ladder="who-step-1",
        texts={"mgmt-analgesia-neuropathic-adjuvants": "has not yet failed, even if listed as tried"},
        not_texts={"mgmt-analgesia-neuropathic-adjuvants": "it is refractory"},
    ),
    # R12i-04: the review of severe pain on an adjuvant does not call it refractory at one to two weeks
    "i04": Expect(
        texts={"clinic-mon-pain-review": "for two to four weeks"},
        not_texts={"clinic-mon-pain-review": "counts as refractory"},
    ),
    # R12i-12: the lidocaine patch is recorded as tried: capsaicin only; the adjuvant item points to the topical
    # item rather than naming the agent a second time (R12n-12)
    "i06": Expect(
        texts={
            "mgmt-analgesia-topicals": "A lidocaine patch is recorded as tried",
            "mgmt-analgesia-neuropathic-adjuvants": "a topical agent not yet tried (see the topical item)",
        },
        not_texts={"mgmt-analgesia-topicals": "A lidocaine patch or"},
    ),
    # R12i-03: 4/10 on step 1, 14 days after an injury: the band's step 2, started low, an adjuvant alongside
    "i12a": Expect(
        ladder="who-step-2",
        texts={"who-step-2": START_LOW, "mgmt-analgesia-neuropathic-adjuvants": ADJUVANT_ALONGSIDE},
    ),
}


@pytest.mark.parametrize(
    ("path", "expect"),
    expected_cases(FIXTURES / "review12h", H_EXPECTATIONS) + expected_cases(FIXTURES / "review12i", I_EXPECTATIONS),
)
def test_pain12h_reviewer_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


def ladder(plan: dict[str, Any]) -> dict[str, Any]:
    (step,) = [item for item_id, item in offered(plan).items() if item_id.startswith("who-step-")]
    return step


# --- R12h-07 and R12i-03: acute pain after an injury or operation takes its band's step -----------------------


def after_event(library: Any, days: int, nrs: int, step: int, **history: Any) -> dict[str, Any]:
    """A postsurgical plexopathy ``days`` after the operation (the assessment is on 2026-11-01)."""
    surgery = {10: "2026-10-22", 14: "2026-10-18", 40: "2026-09-22"}[days]
    return plan_for(
        library,
        patient={"id": "T-1", "name": "Test Patient", "birth_date": "1951-01-01"},
        history={"etiology": "postsurgical", "affected_side": "right", "surgery_on": surgery} | history,
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": nrs, "acute": True, "neuropathic": True, "current_ladder_step": step},
    )


@pytest.mark.parametrize(("nrs", "step", "expected"), [(6, 2, 2), (7, 2, 3), (5, 1, 2), (3, 1, 1), (5, 3, 3)])
def test_pain12h_acute_pain_after_an_operation_takes_the_band_step_and_no_more(
    library: Any, nrs: int, step: int, expected: int
) -> None:
    plan = after_event(library, 10, nrs, step)
    assert ladder(plan)["id"] == f"who-step-{expected}"
    assert "clinic-alert-pain-step-up" not in offered(plan)
    adjuvants = offered(plan)["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert ADJUVANT_ALONGSIDE in adjuvants and "so it follows the ladder bands" not in adjuvants


def test_pain12h_after_the_first_month_the_adjuvant_comes_first(library: Any) -> None:
    """Past 30 days the acute rule ends: no adjuvant tried, so the ladder stays on the step in use."""
    plan = after_event(library, 40, 6, 1)
    assert ladder(plan)["id"] == "who-step-1"
    assert "adjuvant first" in ladder(plan)["title"]


@pytest.mark.parametrize(("nrs", "step", "start_low"), [(8, 0, True), (8, 1, True), (8, 2, False), (5, 0, True)])
def test_pain12h_an_opioid_naive_patient_starts_low(library: Any, nrs: int, step: int, start_low: bool) -> None:
    plan = after_event(library, 14, nrs, step, etiology="traumatic", trauma_on="2026-10-18", surgery_on=None)
    # the title says it in a few words, the detail says why (R12n-11)
    title, text = ladder(plan)["title"], entry_text(ladder(plan))
    assert ("lowest dose" in title) is start_low
    assert (START_LOW in text) is start_low
    assert ("no opioid is recorded" in text.lower()) is start_low
    # the step-skipping rule is stated only where a step is skipped (0 -> 2 or 3, 1 -> 3)
    assert ("rather than climb to it" in text) is (start_low and int(ladder(plan)["id"][-1]) > step + 1)


def test_pain12h_a_strong_opioid_for_an_opioid_naive_cancer_patient_starts_low(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "right", "malignancy": "rectal"},
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": 0},
    )
    assert ladder(plan)["id"] == "who-step-3" and START_LOW in entry_text(ladder(plan))
    assert "lowest dose" in ladder(plan)["title"]


# --- R12i-04: tried means an adequate trial; a pregabalin dose below it is titrated first ----------------------


@pytest.mark.parametrize(("dose", "refractory"), [(150, False), (225, False), (300, True), (450, True)])
def test_pain12h_pregabalin_is_tried_only_at_the_usual_effective_dose(
    library: Any, dose: int, refractory: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "creatinine_clearance_ml_min": 72},
        pain={
            "nrs": 8,
            "neuropathic": True,
            "current_ladder_step": 1,
            "pregabalin_mg_day": dose,
            "neuropathic_agents_tried": ["pregabalin"],
        },
    )
    assert ladder(plan)["id"] == ("who-step-2" if refractory else "who-step-1")
    adjuvants = offered(plan)["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert ("titrate it first" in adjuvants) is not refractory
    assert ("it is refractory" in adjuvants) is refractory


def test_pain12h_the_adjuvant_review_does_not_call_the_pain_refractory_at_two_weeks(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "entrapment", "affected_side": "right"},
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": 0},
    )
    review = offered(plan)["clinic-mon-pain-review"]["detail"]
    assert "counts as refractory" not in review
    assert "effective dose for two to four weeks" in review


# --- R12i-12: a topical agent recorded as tried is not offered again ---------------------------------------------


@pytest.mark.parametrize(
    ("tried", "title"),
    [
        ([], "Topical options: lidocaine patch or capsaicin cream"),
        (["lidocaine_patch"], "Topical options: capsaicin cream"),
        (["capsaicin"], "Topical options: lidocaine patch"),
        (["lidocaine_patch", "capsaicin"], None),
    ],
)
def test_pain12h_topicals_offer_only_what_was_not_tried(library: Any, tried: list[str], title: str | None) -> None:
    plan = plan_for(
        library,
        history={"etiology": "entrapment", "affected_side": "right"},
        pain={
            "nrs": 7,
            "neuropathic": True,
            "current_ladder_step": 2,
            "neuropathic_agents_tried": ["snri", "gabapentin", *tried],
        },
    )
    items = offered(plan)
    topicals = items.get("mgmt-analgesia-topicals")
    assert (topicals["title"] if topicals else None) == title
    adjuvants = items["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert ("both topical agents are recorded as tried" in adjuvants) is (title is None)


# --- R12h-04: topicals on broken, infected or clotted skin ------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "words"),
    [
        ({"infection": True}, INTACT_SKIN),
        ({"etiology": "postsurgical", "surgery_on": "2026-10-22"}, INCISION),
        ({"etiology": "postsurgical", "surgery_on": "2026-09-22"}, None),
        ({"etiology": "traumatic", "trauma_on": "2026-10-22", "trauma_type": "open"}, "not on or near it until"),
        ({"etiology": "traumatic", "trauma_on": "2026-10-22", "trauma_type": "blunt"}, None),
        ({"dvt": True, "dvt_side": "right"}, CLOT_LEG),
        ({"dvt": True, "dvt_side": "left"}, None),
        ({}, None),
    ],
)
def test_pain12h_topicals_carry_the_skin_screen(library: Any, history: dict[str, Any], words: str | None) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right"} | history,
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1, "sites": ["thigh"]},
    )
    detail = offered(plan)["mgmt-analgesia-topicals"]["detail"]
    if words is None:
        assert not any(w in detail for w in (INTACT_SKIN, INCISION, CLOT_LEG, "not on or near it until"))
    else:
        assert words in detail
        assert detail.count("until") <= 1 or words == INTACT_SKIN  # the reason once


# --- R12h-06: plexus dissection with neurolysis only for radiation fibrosis, outside palliative care -------------


@pytest.mark.parametrize(
    ("history", "named"),
    [
        ({"etiology": "radiation", "radiation_completed_on": "2022-01-01"}, True),
        ({"etiology": "radiation", "radiation_completed_on": "2022-01-01", "palliative": True}, False),
        ({"etiology": "neoplastic", "malignancy": "rectal", "radiation_completed_on": "2025-02-14"}, False),
        ({"etiology": "neoplastic", "malignancy": "rectal"}, False),
        ({"etiology": "unknown", "malignancy": "prostate", "radiation_completed_on": "2022-01-01"}, False),
    ],
)
def test_pain12h_plexus_neurolysis_only_for_radiation_fibrosis(
    library: Any, history: dict[str, Any], named: bool
) -> None:
    plan = plan_for(
        library,
        history={"affected_side": "right"} | history,
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": 3},
    )
    text = " ".join(item.get("detail", "") for item in offered(plan).values())
    assert (NEUROLYSIS in text) is named
    if named:
        assert "once imaging shows radiation fibrosis and no tumour at the plexus" in text
