"""Reviews 12h and 12i (/work/team/reports/review12h.md, review12i.md) on exercise holds, cards and helper safety:
R12h-02 (no sustained stretch under any screen that forbids stretching), R12h-03 (the surgical limits on every card
and equipment line that moves the hip), R12h-09 (no training of rising while the sit-to-stand card is held),
R12h-11 and R12i-11 (no "get up and move about" under the spinal review, and within the surgical limits), R12h-12
(no floor start for a patient who cannot get down and up safely), R12i-01 (resistance only for a gain to MRC 4),
R12i-02 (a transfer that needs help brings the helper) and R12i-05 (one card per ankle turning direction, resisted
only at MRC 4). The reviewers' cases (tests/fixtures/review12h, review12i) and each rule on both sides of its
threshold, written from clinical-spec.md; the faults that generalise are invariants of the plan lint
(tests/plan/test_plan_lint.py, ``holds12h_invariants``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.plan.generate import generate_plan
from tests.conftest import make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_clinical_safety import held, offered
from tests.plan.test_plan_lint import holds12h_invariants

NO_HOLD = "then lets it go back without holding it"
HOLD = "slow count of 10"
LIMITS = "within the limits your surgeon or doctor gave you"
WAITS = "training it waits"

EXPECTATIONS_12H: dict[str, Expect] = {
    # R12h-02, R12h-03: pelvic fracture 5 days ago: no held calf stretch; the limits on side-lying, push-up relief,
    # wheelchair transfers and the bath bench
    "h07-trauma-5days": Expect(
        offered={"ex-prom-ankle", "ex-position-side", "ex-wheelchair-pressure-relief", "eq-tub-bench"},
        texts={
            "ex-prom-ankle": NO_HOLD,
            "ex-position-side": LIMITS,
            "ex-wheelchair-pressure-relief": LIMITS,
            "clinic-pt-non-ambulatory": "Get in and out of it only within the limits",
            "eq-tub-bench": LIMITS,
            "eq-shower-chair": LIMITS,
        },
        not_texts={"ex-prom-ankle": HOLD},
    ),
    # R12h-03: hip surgery 10 days ago: the bath bench keeps to the limits
    "h05-postsurgical-10days": Expect(texts={"eq-tub-bench": LIMITS}),
    # R12h-12: 84, 3 falls, needs help to rise: the band card starts on the bed
    "h09-renal25-84y-falls-ischaemic": Expect(
        texts={"ex-ankle-band-up": "Sit on the bed with your leg out straight"},
        not_texts={"ex-ankle-band-up": "Sit on the floor"},
    ),
    # R12h-09: acute DVT: rising and standing transfers are not trained while the sit-to-stand card is held
    "h10-dvt-pacemaker": Expect(
        held={"ex-sit-to-stand": "DVT"},
        texts={"nlsp-ot-sit-to-stand": WAITS, "clinic-ot-chair": "sit-to-stand practice waits"},
        not_texts={"nlsp-ot-sit-to-stand": "train a safe method", "clinic-ot-chair": "Practise the sit-to-stand"},
    ),
    # R12h-11: same-day spinal review: no "get up and move about often"
    "h12-bilateral-severe-nocancer-infection": Expect(
        texts={"nlsp-pt-mobilize-dvt-watch": "Until your spine has been checked, get up only when you need to"},
        not_texts={"nlsp-pt-mobilize-dvt-watch": "Get up and move about"},
    ),
}

EXPECTATIONS_12I: dict[str, Expect] = {
    # R12i-05: inversion 4, eversion 3: the band resists only the in-turn, the active card only the out-turn
    "i06": Expect(
        offered={"ex-ankle-band-turns", "ex-ankle-turns"},
        texts={
            "ex-ankle-band-turns": "turn your foot in against it",
            "ex-ankle-turns": "Turn the sole of your foot out",
        },
        not_texts={"ex-ankle-band-turns": "out against the", "ex-ankle-turns": "Turn the sole of your foot in"},
    ),
    # R12i-02: 4 falls, standing transfer needs help, rising recorded independent: the helper on every line
    "i07": Expect(
        texts={
            "nlsp-ot-standing-transfer-safety": "have your helper with you every time",
            "eq-shower-chair": "only with your helper beside you",
            "eq-bed-lever": "with your helper beside you",
            "clinic-aid-walker": "Walk only with your helper beside you",
        },
    ),
    # R12i-11: pelvic injury 15 days ago: moving about and the walker within the surgical limits
    "i09": Expect(  # the walker's line says the limits; the moving-about line does not repeat them (R12t-A02)
        texts={"clinic-aid-walker": "Stand and walk only within the limits your surgeon"},
        not_texts={"nlsp-pt-mobilize-dvt-watch": "Keep to the limits on standing and walking that your surgeon"},
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12h", EXPECTATIONS_12H))
def test_holds_review12h_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


@pytest.mark.parametrize(("path", "expect"), expected_cases(FIXTURES / "review12i", EXPECTATIONS_12I))
def test_holds_review12i_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


def fixture(name: str) -> dict[str, Any]:
    return validate_assessment(json.loads((FIXTURES / "review12i" / f"{name}.json").read_text(encoding="utf-8")))


def test_holds_review12i_follow_up_moves_on_to_resistance_only_for_groups_now_at_4(library: Any) -> None:
    """i12 after i12a: eversion and inversion reached 4, dorsiflexion only 3; resistance for the groups at 4, said
    once, in the active-range item (R12p-06)."""
    plan = generate_plan(fixture("i12"), library, [fixture("i12a")])
    item = offered(plan)["nlsp-pt-arom-progression"]
    assert "those now graded 4 move on from active movement to low resistance" in item["detail"]
    assert "Your strength is getting better" in item["handout"]
    assert "nlsp-pt-advance-resistance" not in offered(plan)


def plan_and_faults(library: Any, earlier: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    """The plan of a minimal assessment with ``changes`` (after the ``earlier`` visits), checked by the invariants."""
    assessment = validate_assessment(make_assessment(**changes))
    plan = generate_plan(assessment, library, earlier or [])
    assert holds12h_invariants(assessment, plan) == []
    return plan


def cards(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in (*plan["exercises"], *plan["equipment"])}


def card_text(entry: dict[str, Any]) -> str:
    return " ".join((*entry["instructions"], entry.get("precautions") or "", entry.get("detail") or ""))


# --- R12h-02: no sustained stretch while a screen forbids stretching -------------------------------------------


@pytest.mark.parametrize(("days", "recent"), [(20, True), (42, True), (43, False), (90, False)])
def test_holds_passive_ankle_card_holds_no_stretch_within_six_weeks_of_an_injury(
    library: Any, days: int, recent: bool
) -> None:
    injured = {"2026-10-12": 20, "2026-09-20": 42, "2026-09-19": 43, "2026-08-03": 90}
    on = next(d for d, n in injured.items() if n == days)
    plan = plan_and_faults(
        library,
        history={"etiology": "traumatic", "affected_side": "right", "trauma_on": on, "onset": on},
        strength={"ankle_dorsiflexion": {"right": 1, "left": 5}},
    )
    card = cards(plan)["ex-prom-ankle"]
    steps = " ".join(card["instructions"])
    assert (NO_HOLD in steps) is recent
    assert (HOLD in steps) is not recent
    assert ("no sustained stretch until the surgical team has set its precautions" in card["detail"]) is recent
    assert (LIMITS in card["precautions"]) is recent


@pytest.mark.parametrize(("clot_side", "hold"), [("right", False), ("left", True)])
def test_holds_towel_stretch_of_the_ankle_follows_the_clot_and_the_injury(
    library: Any, clot_side: str, hold: bool
) -> None:
    """The helped ankle card is held with any DVT; without one, its held calf stretch waits for six weeks after an
    injury."""
    recent = plan_and_faults(
        library,
        history={"etiology": "traumatic", "affected_side": "right", "trauma_on": "2026-10-12"},
        strength={"ankle_dorsiflexion": {"right": 2, "left": 5}},
    )
    assert "count of 30" not in " ".join(cards(recent)["ex-ankle-assisted"]["instructions"])
    later = plan_and_faults(
        library,
        history={"etiology": "traumatic", "affected_side": "right", "trauma_on": "2026-06-01"},
        strength={"ankle_dorsiflexion": {"right": 2, "left": 5}},
    )
    assert "count of 30" in " ".join(cards(later)["ex-ankle-assisted"]["instructions"])
    clot = plan_and_faults(
        library,
        history={"etiology": "unknown", "affected_side": clot_side, "dvt": True, "dvt_side": "right"},
        strength={"ankle_dorsiflexion": {clot_side: 1, "left" if clot_side == "right" else "right": 5}},
    )
    steps = " ".join(cards(clot)["ex-prom-ankle"]["instructions"])
    assert (HOLD in steps) is hold


# --- R12h-03: every card and equipment line that moves the hip keeps to the surgical limits ---------------------


@pytest.mark.parametrize(("surgery_on", "recent"), [("2026-10-22", True), ("2026-08-01", False)])
def test_holds_hip_moving_cards_and_equipment_keep_to_the_surgical_limits(
    library: Any, surgery_on: str, recent: bool
) -> None:
    plan = plan_and_faults(
        library,
        history={"etiology": "postsurgical", "affected_side": "right", "surgery_on": surgery_on, "onset": surgery_on},
        strength={"hip_extension": {"right": 1, "left": 5}, "knee_extension": {"right": 2, "left": 5}},
        function={
            "ambulation": "non_ambulatory",
            "standing_transfer": "needs_help",
            "sit_to_stand": "needs_help",
            "bathing": "needs_help",
        },
    )
    given = cards(plan)
    for card_id in ("ex-position-side", "ex-wheelchair-pressure-relief", "eq-tub-bench", "eq-transfer-board"):
        assert (LIMITS in card_text(given[card_id])) is recent, card_id
    programme = offered(plan)["clinic-pt-non-ambulatory"]["handout"]
    assert ("Get in and out of it only within the limits" in programme) is recent


# --- R12h-09: rising and standing transfers are not trained while the sit-to-stand card is held ----------------


@pytest.mark.parametrize("dvt", [True, False])
def test_holds_rising_practice_follows_the_dvt_hold(library: Any, dvt: bool) -> None:
    plan = plan_and_faults(
        library,
        history={"etiology": "unknown", "affected_side": "right"} | ({"dvt": True, "dvt_side": "right"} if dvt else {}),
        strength={
            "hip_extension": {"right": 3, "left": 5},
            "knee_extension": {"right": 3, "left": 5},
            "ankle_dorsiflexion": {"right": 2, "left": 5},
        },
        function={"ambulation": "device", "sit_to_stand": "needs_help"},
    )
    items = offered(plan)
    assert ("train a safe method" in items["nlsp-ot-sit-to-stand"]["detail"]) is not dvt
    assert (WAITS in items["nlsp-ot-sit-to-stand"]["detail"]) is dvt
    assert ("Practise the sit-to-stand" in items["clinic-ot-chair"]["detail"]) is not dvt
    assert ("ex-sit-to-stand" in held(plan)) is dvt


# --- R12h-11, R12i-11: moving about under the spinal review and the surgical limits ------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"symptoms": {"saddle_numbness": True}}, "Until your spine has been checked"),
        ({"history": {"etiology": "traumatic", "affected_side": "right", "trauma_on": "2026-10-17"}}, "surgeon"),
        ({"history": {"etiology": "traumatic", "affected_side": "right", "trauma_on": "2026-06-01"}}, None),
    ],
)
def test_holds_moving_about_follows_the_spinal_and_surgical_holds(
    library: Any, changes: dict[str, Any], words: str | None
) -> None:
    plan = plan_and_faults(
        library,
        strength={"knee_extension": {"right": 3, "left": 5}},
        function={"ambulation": "assisted", "sit_to_stand": "needs_help"},
        **changes,
    )
    found = offered(plan)
    handout = found["nlsp-pt-mobilize-dvt-watch"]["handout"]
    if words is None:
        assert handout.startswith("Get up and move about with your helper often during the day.")
        assert "surgeon" not in handout
    elif words == "surgeon":  # said once, by the walker's line (R12t-A02)
        assert "surgeon" not in handout and words in found["clinic-aid-walker"]["handout"]
    else:
        assert words in handout


# --- R12h-12: a card started on the floor only for a patient who can get down and up safely ---------------------


@pytest.mark.parametrize(
    ("function", "floor"),
    [
        ({"falls_past_3_months": 0, "sit_to_stand": "independent", "standing_transfer": "independent"}, True),
        ({"falls_past_3_months": 1, "sit_to_stand": "independent", "standing_transfer": "independent"}, False),
        ({"falls_past_3_months": 0, "sit_to_stand": "needs_help", "standing_transfer": "independent"}, False),
        ({"falls_past_3_months": None, "sit_to_stand": "independent", "standing_transfer": "independent"}, False),
    ],
)
def test_holds_band_ankle_card_starts_on_the_floor_only_for_a_safe_riser(
    library: Any, function: dict[str, Any], floor: bool
) -> None:
    plan = plan_and_faults(
        library,
        strength={"ankle_dorsiflexion": {"right": 4, "left": 5}},
        function={"ambulation": "independent"} | {k: v for k, v in function.items() if v is not None},
    )
    first = cards(plan)["ex-ankle-band-up"]["instructions"][0]
    assert ("Sit on the floor" in first) is floor


# --- R12i-01: resistance only for a gain that reaches MRC 4 ----------------------------------------------------


@pytest.mark.parametrize(("before", "now", "resistance"), [(3, 4, True), (2, 3, False), (1, 2, False)])
def test_holds_a_gained_grade_moves_on_to_resistance_only_at_4(
    library: Any, before: int, now: int, resistance: bool
) -> None:
    earlier = make_assessment(assessed_on="2026-09-01", strength={"knee_extension": {"right": before, "left": 5}})
    plan = plan_and_faults(
        library, [validate_assessment(earlier)], strength={"knee_extension": {"right": now, "left": 5}}
    )
    items = offered(plan)
    if resistance:  # said once, in the active-range item (R12p-06)
        assert "nlsp-pt-advance-resistance" not in items
        assert "move on from active movement to low resistance" in items["nlsp-pt-arom-progression"]["detail"]
    else:
        item = items["nlsp-pt-advance-resistance"]
        assert "move your exercises on a step" in item["handout"]
        assert "low resistance" not in item["title"]


# --- R12i-02: a standing transfer that needs help brings the helper ----------------------------------------------


@pytest.mark.parametrize(("transfer", "helper"), [("needs_help", True), ("independent", False)])
def test_holds_transfer_needing_help_brings_the_helper(library: Any, transfer: str, helper: bool) -> None:
    assessment = validate_assessment(
        make_assessment(
            strength={"ankle_dorsiflexion": {"right": 2, "left": 5}, "knee_extension": {"right": 4, "left": 5}},
            function={
                "ambulation": "device",
                "sit_to_stand": "independent",
                "standing_transfer": transfer,
                "bathing": "needs_help",
                "falls_past_3_months": 0,
            },
            joint_position_sense={"left": "normal", "right": "normal"},
        )
    )
    plan = generate_plan(assessment, library)
    assert holds12h_invariants(assessment, plan) == []
    assert all_findings(assessment, library)["standing_mode"] == ("helper" if helper else "alone")
    # bathing needs help here, so the shower chair names the helper whatever the transfer (R12m-02)
    assert "with your helper beside you" in card_text(cards(plan)["eq-shower-chair"])


# --- R12i-05: one card per ankle turning direction, the band only for a direction graded 4 ----------------------


@pytest.mark.parametrize(("eversion", "out_on_band"), [(4, True), (3, False)])
def test_holds_ankle_band_resists_only_the_directions_graded_4(library: Any, eversion: int, out_on_band: bool) -> None:
    plan = plan_and_faults(
        library,
        strength={"ankle_inversion": {"right": 4, "left": 5}, "ankle_eversion": {"right": eversion, "left": 5}},
    )
    given = cards(plan)
    band = " ".join(given["ex-ankle-band-turns"]["instructions"])
    assert ("out against the" in band) is out_on_band
    assert "turn your foot in against it" in band
    assert ("ex-ankle-turns" in given) is not out_on_band
    if not out_on_band:
        turns = " ".join(given["ex-ankle-turns"]["instructions"])
        assert "Turn the sole of your foot out" in turns and "foot in" not in turns


# --- the invariants find the faults they are for ----------------------------------------------------------------


def test_holds_invariants_find_a_held_stretch_and_a_floor_start_they_are_for(library: Any) -> None:
    assessment = validate_assessment(
        make_assessment(
            history={"etiology": "traumatic", "affected_side": "right", "trauma_on": "2026-10-20"},
            strength={"ankle_dorsiflexion": {"right": 1, "left": 5}},
            function={"ambulation": "independent", "falls_past_3_months": 2},
        )
    )
    plan = generate_plan(assessment, library)
    card = next(e for e in plan["exercises"] if e["id"] == "ex-prom-ankle")
    card["instructions"] = [*card["instructions"], "Your helper holds it there for a slow count of 10."]
    card["precautions"] = ""
    plan["equipment"].append({"id": "eq-raisers", "instructions": ["Sit on the floor to fit them."]})
    faults = holds12h_invariants(assessment, plan)
    assert any("holds a stretch" in f for f in faults)
    assert any("starts on the floor" in f for f in faults)
    assert any("eq-raisers moves the hip" in f for f in faults)
