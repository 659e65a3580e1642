"""Review 12j on the pain and medical side (R12j-01..09).

Written from clinical-spec.md, not from the output: items of one plan never contradict each other; what counts
as refractory is recorded, not guessed (an agent listed as tried after an adequate trial); a pregabalin dose
above its renal band is flagged and corrected, and the pain on a corrected dose is not yet known; interventional
care is for severe or refractory pain, and the spinal hold defers procedures, not a referral; the first month
after an operation is one window; texts say what is recorded (radiotherapy is not a recorded cancer); and a
topical agent recorded as tried is not offered again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_clinical_safety import held, offered, plan_for

LONG_TERM_GATE = "does not bring back long-term corticosteroids"
NOT_LISTED = "is not listed as tried"
REFRACTORY = "it is refractory"
STAY = "stay on this step until the adjuvant dose is corrected"  # short title, reason in the detail (R12n-11)
REFER_NOW = "refers to the pain service now"
BLOCKS_NOW = "as the pain is refractory, blocks of the sympathetic ganglia"
BLOCKS_LATER = "blocks of the sympathetic ganglia if the pain is still not controlled once step 3"
INCISION = "not on or near the incision until it has healed"
RT_NOT_CANCER = "radiotherapy is recorded and a recurrence is not yet excluded"

J_EXPECTATIONS: dict[str, Expect] = {
    # R12j-07: pregabalin 150 mg/day, below the trial dose: the dose is stated once
    "j01-trauma-open-12d-moderate-naive-pgb150-crcl45": Expect(
        texts={"mgmt-analgesia-neuropathic-adjuvants": "taken at 150 mg/day"},
        not_texts={"mgmt-analgesia-neuropathic-adjuvants": "Pregabalin is recorded at"},
    ),
    # R12j-04: pregabalin 300 mg/day at a clearance of 25 (band 25-150), 80 years old, 2 falls: the ladder stays
    # on step 1 until the dose is corrected and the pain reviewed; no item says a step is open
    "j03-postsurg-day60-pgb300-crcl25-icd-80y": Expect(
        ladder="who-step-1",
        offered={"pgb-alert-out-of-band", "clinic-mon-pain-review"},
        texts={
            "who-step-1": STAY,
            "clinic-mon-pain-review": "corrected the dose",
            "mgmt-analgesia-neuropathic-adjuvants": "no opioid step opens",
            "pgb-alert-out-of-band": "dizziness and falls",
        },
        not_texts={
            "mgmt-analgesia-neuropathic-adjuvants": REFRACTORY,
            "clinic-mon-pain-review": "opens ladder step",
        },
    ),
    "j04-idio-early-urgent-bladder-pgb150-es": Expect(
        not_texts={"mgmt-analgesia-neuropathic-adjuvants": "Pregabalin is recorded at"},
    ),
    # R12j-01: late idiopathic (10 months), severe and stable: no long-term immunosuppression item, offered or held
    "j05-idio-late-10mo-infection-refractory-scs": Expect(
        offered={"guide-med-idiopathic-late"},
        not_offered={"guide-med-idiopathic-severe"},
        texts={"guide-med-idiopathic-late": LONG_TERM_GATE},
    ),
    # R12j-03: 8/10 at the top step with a same-day spinal review: the procedures are held, the referral is not.
    # R12j-08: radiotherapy without a recorded cancer. R12j-09: both topicals tried
    "j06-radiation-nocancer-bilateral-severe-step3": Expect(
        offered={"nlsp-analgesia-refer-during-hold", "clinic-alert-pain-top-step"},
        held={
            "nlsp-analgesia-interventional": "spinal compression",
            "mgmt-analgesia-scs-itb": "spinal compression",
            "mgmt-analgesia-heat": RT_NOT_CANCER,
        },
        texts={"clinic-alert-pain-top-step": REFER_NOW},
        not_texts={
            "clinic-alert-pain-top-step": "options are in the analgesia section",
            "mgmt-analgesia-post-radiation-multimodal": "lidocaine",
        },
    ),
    "j07-neo-palliative-bilateral-severe-step3-es": Expect(
        not_offered={"nlsp-analgesia-refer-during-hold"},
        not_texts={"mgmt-analgesia-neuropathic-adjuvants": "Pregabalin is recorded at"},
    ),
    # R12j-05: 7/10 on step 2 after cancer surgery and radiotherapy: step 3 first, then the blocks
    "j08-postsurg-day90-cancer-rt-pacemaker-crcl28": Expect(
        ladder="who-step-3",
        texts={"mgmt-analgesia-post-radiation-multimodal": BLOCKS_LATER},
        not_texts={"mgmt-analgesia-post-radiation-multimodal": BLOCKS_NOW},
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12j", J_EXPECTATIONS))
def test_confirm12j_reviewer_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


def ladder(plan: dict[str, Any]) -> dict[str, Any]:
    (step,) = [item for item_id, item in offered(plan).items() if item_id.startswith("who-step-")]
    return step


def detail(plan: dict[str, Any], item_id: str) -> str:
    return offered(plan)[item_id]["detail"]


# --- R12j-01: long-term immunosuppression only in the early, active phase ------------------------------------


@pytest.mark.parametrize(("onset", "active"), [("2026-08-15", True), ("2026-07-01", False), ("2026-01-01", False)])
def test_confirm12j_long_term_immunosuppression_follows_the_active_phase(
    library: Any, onset: str, active: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "onset": onset},
        strength={"hip_flexion": {"right": 2, "left": 5}, "knee_extension": {"right": 3, "left": 5}},
    )
    items = offered(plan)
    assert ("guide-med-idiopathic-severe" in items) is active
    assert "guide-med-idiopathic-severe" not in held(plan)
    if not active:
        late = detail(plan, "guide-med-idiopathic-late")
        assert "unlikely to help" in late and LONG_TERM_GATE in late


def test_confirm12j_late_infection_does_not_promise_steroids_after_it(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "onset": "2026-01-01", "infection": True},
        strength={"hip_flexion": {"right": 2, "left": 5}},
    )
    assert "guide-med-idiopathic-severe" not in held(plan) | offered(plan)


# --- R12j-02: a current pregabalin dose is not a tried agent until it is listed ------------------------------


def pregabalin_plan(library: Any, dose: int, tried: list[str], clearance: int = 72, nrs: int = 8) -> dict[str, Any]:
    return plan_for(
        library,
        history={"etiology": "entrapment", "affected_side": "right", "creatinine_clearance_ml_min": clearance},
        pain={
            "nrs": nrs,
            "neuropathic": True,
            "current_ladder_step": 1,
            "pregabalin_mg_day": dose,
            "neuropathic_agents_tried": tried,
        },
    )


@pytest.mark.parametrize(
    ("dose", "tried", "step", "unlisted"),
    [
        (300, [], 1, True),
        (450, ["capsaicin"], 1, True),
        (300, ["pregabalin"], 2, False),
        (150, [], 1, False),
        (300, ["gabapentin"], 2, False),
    ],
)
def test_confirm12j_refractory_needs_pregabalin_listed_as_tried(
    library: Any, dose: int, tried: list[str], step: int, unlisted: bool
) -> None:
    plan = pregabalin_plan(library, dose, tried)
    assert ladder(plan)["id"] == f"who-step-{step}"
    adjuvants = detail(plan, "mgmt-analgesia-neuropathic-adjuvants")
    assert (REFRACTORY in adjuvants) is (step == 2)
    assert (NOT_LISTED in adjuvants) is unlisted
    if unlisted:
        assert "two to four weeks" in adjuvants and "record it as tried" in adjuvants
    assert adjuvants.count(f"{dose} mg/day") <= 1


# --- R12j-04: a dose above its renal band keeps the ladder where it is ---------------------------------------


@pytest.mark.parametrize(("clearance", "over"), [(25, True), (35, False)])
def test_confirm12j_over_band_pregabalin_keeps_the_step_until_corrected(
    library: Any, clearance: int, over: bool
) -> None:
    """300 mg/day listed as tried: above the 25-150 band under 30 mL/min, inside the 75-300 band at 35."""
    plan = pregabalin_plan(library, 300, ["pregabalin"], clearance=clearance, nrs=6)
    items = offered(plan)
    assert ladder(plan)["id"] == ("who-step-1" if over else "who-step-2")
    assert (STAY in ladder(plan)["title"]) is over
    adjuvants = items["mgmt-analgesia-neuropathic-adjuvants"]["detail"]
    assert (REFRACTORY in adjuvants) is not over
    review = items["clinic-mon-pain-review"]["detail"]
    assert ("corrected the dose" in review) is over
    assert ("opens ladder step" in review) is not over


# --- R12j-03: the procedure hold defers procedures, not the pain-service referral -----------------------------


@pytest.mark.parametrize(
    ("history", "hold"),
    [
        ({"etiology": "idiopathic", "infection": True}, True),
        ({"etiology": "idiopathic"}, False),
        ({"etiology": "neoplastic", "malignancy": "rectal", "infection": True}, False),
    ],
)
def test_confirm12j_top_step_pain_keeps_a_pain_service_referral(
    library: Any, history: dict[str, Any], hold: bool
) -> None:
    plan = plan_for(
        library,
        history={"affected_side": "right"} | history,
        pain={"nrs": 8, "neuropathic": True, "current_ladder_step": 3, "neuropathic_agents_tried": ["snri"]},
    )
    items, held_items = offered(plan), held(plan)
    assert ("nlsp-analgesia-refer-during-hold" in items) is hold
    assert ("nlsp-analgesia-interventional" in held_items) is bool(history.get("infection"))
    titles = [item["title"].lower() for section in plan["sections"] for item in section["items"]]
    assert any("pain service" in title for title in titles)
    alert = items["clinic-alert-pain-top-step"]["detail"]
    assert (REFER_NOW in alert) is (hold or "nlsp-analgesia-interventional" in held_items)


# --- R12j-05: one step-3 gate for every procedure ---------------------------------------------------------------


@pytest.mark.parametrize(("nrs", "step", "now"), [(7, 2, False), (8, 3, True)])
def test_confirm12j_sympathetic_blocks_wait_for_the_step_the_ladder_opens(
    library: Any, nrs: int, step: int, now: bool
) -> None:
    plan = plan_for(
        library,
        history={
            "etiology": "radiation",
            "affected_side": "right",
            "malignancy": "cervical",
            "radiation_completed_on": "2023-01-10",
        },
        pain={"nrs": nrs, "neuropathic": True, "current_ladder_step": step},
    )
    radiation = detail(plan, "mgmt-analgesia-post-radiation-multimodal")
    assert (BLOCKS_NOW in radiation) is now
    assert ("once step 3, which the ladder item opens, has been tried" in radiation) is not now
    for item_id in ("nlsp-analgesia-interventional", "mgmt-analgesia-scs-itb"):
        assert ("once that step has been tried" in detail(plan, item_id)) is not now


# --- R12j-06: the first month after an operation is one window -------------------------------------------------


@pytest.mark.parametrize(("surgery", "first_month"), [("2026-10-02", True), ("2026-10-01", False)])
def test_confirm12j_the_first_month_after_an_operation_is_one_window(
    library: Any, surgery: str, first_month: bool
) -> None:
    """Assessed on 2026-11-01: 30 days after 2026-10-02 (inside the month) and 31 after 2026-10-01."""
    plan = plan_for(
        library,
        history={"etiology": "postsurgical", "affected_side": "right", "surgery_on": surgery},
        strength={"hip_flexion": {"right": 3, "left": 5}},
        pain={"nrs": 6, "acute": True, "neuropathic": True, "current_ladder_step": 1, "sites": ["thigh"]},
    )
    assert (INCISION in detail(plan, "mgmt-analgesia-topicals")) is first_month
    assert ladder(plan)["id"] == ("who-step-2" if first_month else "who-step-1")
    assert ("acr-alert-postsurgical-collection" in offered(plan)) is first_month


@pytest.mark.parametrize(("trauma_on", "first_month"), [("2026-10-02", True), ("2026-10-01", False)])
def test_confirm12j_the_first_month_after_an_open_injury_is_the_same_window(
    library: Any, trauma_on: str, first_month: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "traumatic", "affected_side": "right", "trauma_on": trauma_on, "trauma_type": "open"},
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1, "sites": ["thigh"]},
    )
    assert ("not on or near it until" in detail(plan, "mgmt-analgesia-topicals")) is first_month


# --- R12j-07: the pregabalin dose is stated once ------------------------------------------------------------


@pytest.mark.parametrize(("nrs", "below_sentence"), [(6, True), (2, False)])
def test_confirm12j_the_pregabalin_dose_is_stated_once(library: Any, nrs: int, below_sentence: bool) -> None:
    plan = pregabalin_plan(library, 150, [], nrs=nrs)
    adjuvants = detail(plan, "mgmt-analgesia-neuropathic-adjuvants")
    assert adjuvants.count("150 mg/day") == 1
    assert ("below the 300 mg/day of a full trial" in adjuvants) is below_sentence


# --- R12j-08: "cancer is recorded" only when a cancer is recorded -------------------------------------------------


@pytest.mark.parametrize(("malignancy", "cancer"), [(None, False), ("cervical", True)])
def test_confirm12j_heat_hold_names_what_is_recorded(library: Any, malignancy: str | None, cancer: bool) -> None:
    history = {"etiology": "radiation", "affected_side": "right", "radiation_completed_on": "2023-01-10"}
    if malignancy:
        history["malignancy"] = malignancy
    plan = plan_for(library, history=history, pain={"nrs": 5, "neuropathic": True, "sites": ["groin"]})
    reason = held(plan)["mgmt-analgesia-heat"]["reason"]
    assert ("cancer is recorded" in reason) is cancer
    assert (RT_NOT_CANCER in reason) is not cancer


# --- R12j-09: the radiotherapy item names only the topicals not yet tried ----------------------------------------


@pytest.mark.parametrize(
    ("tried", "words"),
    [
        ([], "lidocaine patch or capsaicin cream"),
        (["lidocaine_patch"], "capsaicin cream"),
        (["lidocaine_patch", "capsaicin"], None),
    ],
)
def test_confirm12j_radiotherapy_item_follows_the_topicals_tried(
    library: Any, tried: list[str], words: str | None
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "radiation", "affected_side": "right", "radiation_completed_on": "2023-01-10"},
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1, "neuropathic_agents_tried": tried},
    )
    radiation = detail(plan, "mgmt-analgesia-post-radiation-multimodal")
    if words:  # review 12s-A06: the topical item names them, and the radiotherapy item points to it
        assert offered(plan)["mgmt-analgesia-topicals"]["title"] == f"Topical options: {words}"
        assert "a topical agent (see the topical item)" in radiation and "lidocaine" not in radiation
    else:
        assert "lidocaine" not in radiation and "capsaicin" not in radiation and "topical" not in radiation
