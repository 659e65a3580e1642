"""Review 12g, the function and handout side (/work/team/reports/review12g.md): R12g-02 (the advice on the home
is not held with balance training), R12g-08 (one "do your exercises" line per handout), and the notes and left
items on the ankle devices of a non-walker, the seated stretch of a patient at risk of falling, the helper for
rising only, the surgical precautions from six to twelve weeks, cold in the clot line, the helper in the
elastic-laces steps and the Spanish handout title. Each rule is tested on both sides of its condition with a
minimal assessment written from clinical-spec.md; the faults that generalise are invariants of the plan lint
(tests/plan/test_plan_lint.py, ``function12g_invariants``)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.export.handout_labels import LABELS
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from planner.plan.generate import generate_plan
from tests.conftest import load_example, make_assessment
from tests.paths import FIXTURES
from tests.plan.test_plan_lint import GENERIC_EXERCISE_LINE, function12g_invariants
from tests.plan.views import handout_lines as lines

VISIT = date(2026, 11, 1)
CASES = FIXTURES / "review12f"


def days_before(days: int) -> str:
    return (VISIT - timedelta(days=days)).isoformat()


def plan_of(library: Any, **changes: Any) -> dict[str, Any]:
    assessment = make_assessment(**changes)
    validate_assessment(assessment, today=VISIT)
    plan = generate_plan(assessment, library)
    assert function12g_invariants(assessment, plan) == []
    return plan


def case(library: Any, stem: str) -> dict[str, Any]:
    path = next(CASES.glob(f"{stem}-*.json"))
    return generate_plan(validate_assessment(json.loads(path.read_text(encoding="utf-8"))), library)


def items(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for s in plan["sections"] for i in s["items"]}


def held(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in plan["held"]}


def card(plan: dict[str, Any], entry_id: str) -> dict[str, Any]:
    return next(e for e in (*plan["exercises"], *plan["equipment"]) if e["id"] == entry_id)


def handout_lines(plan: dict[str, Any]) -> list[str]:
    return [i["handout"] for i in items(plan).values() if i.get("handout")] + list(lines(plan).values())


@pytest.fixture(scope="module")
def spanish() -> Any:
    return compile_library(read_shipped_documents(), translations=read_shipped_translations())


# --- R12g-02: the advice on the home stays when balance training is held -----------------------------------

NON_WALKER_WHO_FELL = {
    "history": {"etiology": "idiopathic", "affected_side": "right"},
    "strength": {"knee_extension": {"right": 3}},
    "joint_position_sense": {"left": "normal", "right": "normal"},
    "function": {"ambulation": "non_ambulatory", "standing_transfer": "needs_help", "sit_to_stand": "needs_help"},
}


def test_r12g_02_the_spinal_hold_keeps_the_light_and_clutter_advice_of_f02(library: Any) -> None:
    plan = case(library, "f02")
    assert held(plan)["clinic-pt-falls"]["screen"] == ["red_flag_hold"]
    safety = items(plan)["clinic-pt-home-safety"]
    assert (
        safety["handout"]
        == "Keep a light within reach of your bed. Clear loose rugs, cords and clutter from the floor."
    )
    assert safety["detail"].startswith("Balance training is held back (see the safety screen); give this advice now.")
    assert lines(plan)["clinic-check-floors"] == "Keep floors clear, and a light within reach of your bed."


@pytest.mark.parametrize("falls", [0, 1])
def test_r12g_02_a_dvt_hold_keeps_the_home_advice_only_for_a_patient_who_fell(library: Any, falls: int) -> None:
    plan = plan_of(
        library,
        strength=NON_WALKER_WHO_FELL["strength"],
        joint_position_sense=NON_WALKER_WHO_FELL["joint_position_sense"],
        function={**NON_WALKER_WHO_FELL["function"], "falls_past_3_months": falls},
        history={"etiology": "idiopathic", "affected_side": "right", "dvt": True, "dvt_side": "right"},
    )
    assert ("clinic-pt-falls" in held(plan)) is bool(falls)
    assert ("clinic-pt-home-safety" in items(plan)) is bool(falls)
    assert ("clinic-check-floors" in lines(plan)) is bool(falls)
    if falls:
        assert "At night, call your helper before you get up." in items(plan)["clinic-pt-home-safety"]["handout"]
        assert not any("walk" in line.lower() for line in handout_lines(plan))


@pytest.mark.parametrize(("jps", "advised"), [("normal", False), ("impaired", True)])
def test_r12g_02_position_sense_alone_brings_the_home_advice_for_a_walker(
    library: Any, jps: str, advised: bool
) -> None:
    plan = plan_of(
        library,
        history={"etiology": "idiopathic", "affected_side": "right"},
        strength={"knee_extension": {"right": 4}},
        joint_position_sense={"left": "normal", "right": jps},
        function={"ambulation": "independent", "falls_past_3_months": 0, "standing_transfer": "independent"},
    )
    assert ("clinic-pt-home-safety" in items(plan)) is advised
    assert ("clinic-pt-falls" in items(plan)) is advised
    if advised:
        assert "light" not in items(plan)["clinic-pt-falls"]["handout"]  # said once, by the home item
        assert items(plan)["clinic-pt-home-safety"]["detail"] == (
            "Night lights, a light by the bed, floors clear of rugs, cords and clutter."
        )
        assert lines(plan)["clinic-check-floors"].endswith("before you walk at night.")


# --- R12g-08: one general exercise line per handout ------------------------------------------------------------


@pytest.mark.parametrize("stem", ["f01a", "f03", "f09"])
def test_r12g_08_the_reviewers_handouts_ask_for_the_exercises_once(library: Any, stem: str) -> None:
    plan = case(library, stem)
    generic = [line for line in handout_lines(plan) if GENERIC_EXERCISE_LINE.search(line)]
    assert generic == ["Do the exercises your therapist gave you."]
    assert "handout" not in items(plan)["mgmt-pt-strength-flexibility-gait"]


def test_r12g_08_the_example_keeps_why_the_exercises_matter_but_not_the_request(library: Any) -> None:
    plan = generate_plan(validate_assessment(load_example("neoplastic-after-radiation")), library)
    rehab = items(plan)["guide-pt-rehabilitation"]["handout"]
    assert rehab == (
        "Your therapy sessions and home exercises are part of your treatment, whatever the cause of your nerve problem."
    )
    assert lines(plan)["clinic-check-exercises"] == "Do the exercises your therapist gave you."


@pytest.mark.parametrize("palliative", [False, True])
def test_r12g_08_the_checklist_carries_the_palliative_wording(library: Any, palliative: bool) -> None:
    plan = plan_of(
        library,
        history={"etiology": "neoplastic", "affected_side": "right", "palliative": palliative},
        strength={"knee_extension": {"right": 3}},
        function={"ambulation": "independent"},
    )
    words = "Do the exercises that help you, as much as you feel able." if palliative else "Do the exercises your"
    assert lines(plan)["clinic-check-exercises"].startswith(words)
    assert "Do the ones that help you" not in items(plan)["guide-pt-rehabilitation"]["handout"]


def test_r12g_08_while_the_exercises_are_held_the_wait_is_said_and_no_request(library: Any) -> None:
    plan = plan_of(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "dvt": True},
        strength={"knee_extension": {"right": 3}},
        function={"ambulation": "independent"},
    )
    assert "clinic-check-exercises" not in lines(plan)
    # R12s-A04: no card is given, so the wait is the urgent line's alone, not "most home exercises" again
    assert "only when that doctor says they are safe" in lines(plan)["safety-urgent-dvt"]
    assert "most home exercises" not in items(plan)["guide-pt-rehabilitation"]["handout"]


@pytest.mark.parametrize("spine_review", [False, True])
def test_r12g_08_the_swelling_line_no_longer_asks_for_the_leg_exercises(library: Any, spine_review: bool) -> None:
    """The lymphedema item asked for "the leg exercises you were taught every day" beside the checklist's line,
    and kept asking while the same-day spinal review held the exercises back."""
    plan = plan_of(
        library,
        history={"etiology": "neoplastic", "affected_side": "right"},
        strength={"knee_extension": {"right": 4}},
        function={"ambulation": "independent"},
        lymphedema={"present": True, "phase": "reduction", "side": "right"},
        symptoms={"saddle_numbness": spine_review, "bowel_bladder_change": spine_review},
    )
    elevation = items(plan)["nlsp-lymph-reduction-elevation-education"]["handout"]
    assert elevation == "Raise your swollen leg when you sit or lie down."
    assert ("clinic-check-exercises" in lines(plan)) is not spine_review


# --- Ankle devices of a non-walker: one splint, never with a heel protector on the same foot ------------------

FOOT_DROP_NON_WALKER = {
    "history": {"etiology": "idiopathic", "affected_side": "right"},
    "function": {"ambulation": "non_ambulatory", "standing_transfer": "unable", "sit_to_stand": "unable"},
}


@pytest.mark.parametrize(("grade", "numb", "protectors"), [(3, False, False), (3, True, True), (1, False, True)])
def test_one_resting_foot_splint_and_the_protector_only_while_it_is_off(
    library: Any, grade: int, numb: bool, protectors: bool
) -> None:
    plan = plan_of(
        library,
        **FOOT_DROP_NON_WALKER,
        strength={"ankle_dorsiflexion": {"right": grade}},
        symptoms={"numbness": numb},
    )
    afo = items(plan)["clinic-afo-positioning"]
    assert afo["title"].startswith("Resting foot splint (right)") and "positioning splint" in afo["title"]
    assert afo["handout"].startswith("Wear your resting foot splint in bed, and in your chair")
    splint = card(plan, "eq-resting-splint")
    assert splint["name"] == "Resting foot splint"
    assert "Its heel is padded and open" in splint["instructions"][1]
    equipment = {e["id"] for e in plan["equipment"]}
    assert ("eq-heel-protectors" in equipment) is protectors
    assert ("never both at once" in afo["handout"]) is protectors
    assert ("Never put a heel protector on over it." in splint["instructions"][1]) is protectors
    if protectors:
        first = card(plan, "eq-heel-protectors")["instructions"][0]
        assert "only while the splint is off, never both at once" in first


def test_heel_protectors_without_a_splint_say_nothing_of_one(library: Any) -> None:
    plan = plan_of(
        library, **FOOT_DROP_NON_WALKER, strength={"knee_extension": {"right": 2}}, symptoms={"numbness": True}
    )
    assert "eq-resting-splint" not in {e["id"] for e in plan["equipment"]}
    assert card(plan, "eq-heel-protectors")["instructions"][0] == (
        "Put them on when you go to bed or rest for a long time."
    )


# --- The seated hamstring stretch of a patient at risk of falling ---------------------------------------------

DEVICE_WALKER = {
    "history": {"etiology": "idiopathic", "affected_side": "right"},
    "strength": {"knee_flexion": {"right": 4}},
    "joint_position_sense": {"left": "normal", "right": "normal"},
    "function": {
        "ambulation": "device",
        "standing_transfer": "independent",
        "sit_to_stand": "independent",
        "falls_past_3_months": 0,
    },
}


@pytest.mark.parametrize(
    ("change", "sits_back"),
    [
        ({}, False),
        ({"function": {"falls_past_3_months": 1}}, True),
        ({"joint_position_sense": {"right": "impaired"}}, True),
        ({"function": {"sit_to_stand": "needs_help"}}, True),
    ],
)
def test_the_hamstring_stretch_sits_back_for_a_patient_at_risk_of_falling(
    library: Any, change: dict[str, Any], sits_back: bool
) -> None:
    assessment = make_assessment(**DEVICE_WALKER)
    for key, value in change.items():
        assessment[key] = {**assessment[key], **value}
    validate_assessment(assessment, today=VISIT)
    plan = generate_plan(assessment, library)
    assert function12g_invariants(assessment, plan) == []
    steps = card(plan, "ex-hamstring-stretch")["instructions"]
    if sits_back:
        assert steps[0] == "Sit well back in a firm chair with armrests, with a low stool in front of you."
        assert steps[1].endswith("heel on the stool.")
        assert steps[2].startswith("Hold an armrest with one hand")
    else:
        assert steps[0] == "Sit on the edge of a firm chair."
        assert steps[1].endswith("heel on the floor.")


def test_the_hamstring_stretch_reads_position_sense_that_was_not_recorded_as_a_risk(library: Any) -> None:
    walker = {k: v for k, v in DEVICE_WALKER.items() if k != "joint_position_sense"}
    plan = plan_of(library, **walker)
    assert card(plan, "ex-hamstring-stretch")["instructions"][0].startswith("Sit well back")


# --- The helper for rising only on a standing strength card (f05) ---------------------------------------------

WALKS_ALONE_RISES_WITH_HELP = {
    "history": {"etiology": "idiopathic", "affected_side": "left"},
    "strength": {"hip_extension": {"left": 4}, "ankle_plantarflexion": {"left": 4}},
    "joint_position_sense": {"left": "normal", "right": "normal"},
    "function": {
        "ambulation": "independent",
        "sit_to_stand": "needs_help",
        "standing_transfer": "independent",
        "falls_past_3_months": 0,
    },
}
RISE_ONLY = "Have your helper beside you as you get up for it; once you are standing and holding on, you may do it"
THROUGHOUT = "Do this only with your helper standing beside you."


def test_f05_the_band_card_keeps_the_helper_for_getting_up_only(library: Any) -> None:
    plan = case(library, "f05")
    precautions = card(plan, "ex-hip-back-band")["precautions"]
    assert RISE_ONLY in precautions and THROUGHOUT not in precautions


@pytest.mark.parametrize(("ambulation", "rise_only"), [("independent", True), ("assisted", False)])
def test_the_helper_stays_throughout_only_for_a_patient_who_walks_with_one(
    library: Any, ambulation: str, rise_only: bool
) -> None:
    plan = plan_of(
        library,
        **{
            **WALKS_ALONE_RISES_WITH_HELP,
            "function": {**WALKS_ALONE_RISES_WITH_HELP["function"], "ambulation": ambulation},
        },
    )
    for entry_id in ("ex-hip-back-band", "ex-heel-raises-standing"):
        precautions = card(plan, entry_id)["precautions"]
        assert (RISE_ONLY in precautions) is rise_only
        assert (THROUGHOUT in precautions) is not rise_only


def test_balance_cards_keep_the_helper_beside_a_patient_who_needs_one_to_rise(library: Any) -> None:
    function = {**WALKS_ALONE_RISES_WITH_HELP["function"], "falls_past_3_months": 1}
    plan = plan_of(library, **{**WALKS_ALONE_RISES_WITH_HELP, "function": function})
    assert THROUGHOUT in card(plan, "ex-balance-feet-together")["precautions"]
    assert RISE_ONLY in card(plan, "ex-hip-back-band")["precautions"]


# --- N-5: the surgical precautions from six to twelve weeks ----------------------------------------------------

AFTER_HIP_SURGERY = {
    "strength": {"hip_extension": {"right": 4}, "hip_abduction": {"right": 4}, "knee_extension": {"right": 4}},
    "joint_position_sense": {"left": "normal", "right": "normal"},
    "function": {
        "ambulation": "independent",
        "standing_transfer": "independent",
        "sit_to_stand": "independent",
        "falls_past_3_months": 0,
    },
}
LOADED = ("ex-hip-back-band", "ex-knee-straighten-weight", "ex-knees-apart-band")
CHECK = "Before you start it, check with your surgeon or doctor that it is within the limits"


@pytest.mark.parametrize(("days", "phase"), [(42, "hold"), (43, "confirm"), (84, "confirm"), (85, None)])
def test_n5_resisted_work_is_held_six_weeks_then_confirmed_to_twelve(
    library: Any, days: int, phase: str | None
) -> None:
    plan = plan_of(library, **AFTER_HIP_SURGERY, history={"etiology": "postsurgical", "surgery_on": days_before(days)})
    alert = next((a for a in plan["alerts"] if a["id"] == "safety-alert-surgical-precautions"), None)
    offered = {e["id"]: e for e in plan["exercises"]}
    if phase == "hold":
        assert alert and alert["text"].startswith("Within 6 weeks")
        assert all(held(plan)[i]["screen"] == ["recent_event_hold"] for i in LOADED)
    elif phase == "confirm":
        assert alert and alert["text"].startswith("6 to 12 weeks after the injury or operation: confirm")
        assert "12 weeks" in alert["detail"]
        for entry_id in LOADED:
            assert CHECK in offered[entry_id]["precautions"], entry_id
        assert "Move only within the limits" in offered["ex-walking"]["precautions"]
        assert "safety-check-precautions" in lines(plan)
    else:
        assert alert is None and "safety-check-precautions" not in lines(plan)
        assert not any(CHECK in (e.get("precautions") or "") for e in plan["exercises"])
        assert "Move only within the limits" not in offered["ex-walking"]["precautions"]


def test_n5_an_injury_without_a_date_still_holds_and_reminds(library: Any) -> None:
    plan = plan_of(library, **AFTER_HIP_SURGERY, history={"etiology": "traumatic"})
    assert held(plan)["ex-hip-back-band"]["screen"] == ["recent_event_hold"]


# --- The clot line of the checklist names cold, as the DVT alert does ------------------------------------------


@pytest.mark.parametrize(
    ("side", "words"),
    [
        ("left", "There is a blood clot in your left leg. Do not rub, squeeze, warm or cool that leg."),
        ("bilateral", "Do not rub, squeeze, warm or cool them."),
        (None, "do not rub, squeeze, warm or cool either leg."),
    ],
)
def test_the_clot_line_says_warm_or_cool_as_the_alert_says_heat_or_cold(
    library: Any, side: str | None, words: str
) -> None:
    history: dict[str, Any] = {"etiology": "idiopathic", "affected_side": "left", "dvt": True}
    if side:
        history["dvt_side"] = side
    plan = plan_of(library, history=history, strength={"knee_extension": {"left": 4}})
    assert words in lines(plan)["safety-check-dvt"]
    alert = next(a for a in plan["alerts"] if a["id"] == "clinic-alert-compression-dvt")
    assert "no heat, cold or TENS on that leg" in alert["detail"]


def test_no_clot_no_clot_line(library: Any) -> None:
    plan = plan_of(library, history={"etiology": "idiopathic", "affected_side": "left"})
    assert "safety-check-dvt" not in lines(plan)


# --- The helper in the elastic-laces steps follows the record --------------------------------------------------


@pytest.mark.parametrize(
    ("dressing", "first"),
    [
        ("independent", None),
        (
            "needs_help",
            "Put the elastic laces in your shoes once, with the shoes on a table, or ask your helper to; set them so "
            "the shoe is snug.",
        ),
        ("unable", "Your helper puts the elastic laces in your shoes once and sets them so the shoe is snug."),
    ],
)
def test_the_first_elastic_laces_step_names_the_helper_when_dressing_needs_help(
    library: Any, dressing: str, first: str | None
) -> None:
    plan = plan_of(
        library,
        history={"etiology": "idiopathic", "affected_side": "left"},
        function={"lower_body_dressing": dressing, "ambulation": "independent"},
    )
    laces = next((e for e in plan["equipment"] if e["id"] == "eq-elastic-laces"), None)
    if first is None:
        assert laces is None
    else:
        assert laces and laces["instructions"][0] == first


# --- Spanish: the handout title and the new texts ---------------------------------------------------------------


def test_the_spanish_labels_never_say_su_twice() -> None:
    assert LABELS["es"]["title"] == "El plan de su terapeuta"
    double = re.compile(r"\b[Ss]us? \w+ de sus? \w+")
    assert [v for v in LABELS["es"].values() if double.search(v)] == []


def test_the_new_function_texts_print_in_gender_neutral_spanish(spanish: Any) -> None:
    plan = case(spanish, "f02")
    home = items(plan)["clinic-pt-home-safety"]["translation"]["handout"]
    assert home.startswith("Tenga una luz al alcance de la mano desde la cama.")
    floors = next(line for line in plan["handout"]["checklist"] if line["id"] == "clinic-check-floors")
    assert (
        floors["translation"]["text"] == "Mantenga el suelo despejado, y una luz al alcance de la mano desde la cama."
    )
    heel = card(plan, "eq-heel-protectors")["translation"]["instructions"][0]
    assert "nunca los dos a la vez" in heel
    raw = json.loads(next(CASES.glob("f05-*.json")).read_text(encoding="utf-8"))
    raw["patient"]["language"] = "es"
    f05 = generate_plan(validate_assessment(raw), spanish)
    band = card(f05, "ex-hip-back-band")["translation"]["precautions"]
    assert "una vez de pie y sujetándose, puede hacerlo sin su ayuda" in band
    assert not re.search(r"\b(agarrado|sentado|solo)\b", band)


def test_the_standing_cards_hold_on_in_gender_neutral_spanish() -> None:
    """'agarrado' (held on, masculine) read as addressed to a man; 'sujetándose' / 'sujétese' address anyone."""
    from planner.library.translations import translations_dir

    found = [
        f"{path.name}:{number}"
        for path in sorted((translations_dir() / "es").glob("*.md"))
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bagarrad[oa]s?\b", text)
    ]
    assert found == []
