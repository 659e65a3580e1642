"""Review 12f: the plan says each thing once and as the record reads (R12f-05, 08, 09, 10, the Part 1 leftovers
and two notes for the clinical lead). The reviewer's cases are in tests/fixtures/review12f (as run);
each finding is also tested on both sides of its condition with a minimal assessment, and the faults that
generalise are invariants of the plan lint (tests/plan/test_plan_lint.py, ``coherence12f_invariants``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations, read_translation_file, translations_dir
from planner.plan.generate import generate_plan
from tests.conftest import load_example
from tests.paths import FIXTURES
from tests.plan.test_clinical_safety import held, offered, plan_for
from tests.plan.test_plan_lint import JOINT_MOVE, coherence12f_invariants

CASES = FIXTURES / "review12f"


def plan_of(library: Any, stem: str) -> dict[str, Any]:
    path = next(CASES.glob(f"{stem}-*.json"))
    return generate_plan(validate_assessment(json.loads(path.read_text(encoding="utf-8"))), library)


def handouts(plan: dict[str, Any]) -> dict[str, str]:
    return {i["id"]: i["handout"] for s in plan["sections"] for i in s["items"] if i.get("handout")}


def moving_lines(plan: dict[str, Any]) -> dict[str, str]:
    return {i: h for i, h in handouts(plan).items() if JOINT_MOVE.search(h)}


def equipment_steps(plan: dict[str, Any], entry_id: str) -> list[str]:
    return next(e["instructions"] for e in plan["equipment"] if e["id"] == entry_id)


# --- R12f-05: one handout line about moving the joints, with one frequency ----------------------------------


@pytest.mark.parametrize("stem", ["f06", "c01", "c21"])
def test_r12f_05_a_non_walker_reads_one_line_about_moving_the_joints(library: Any, stem: str) -> None:
    plan = plan_of(library, stem)
    lines = moving_lines(plan)
    assert len(lines) == 1, lines
    (line,) = lines.values()
    frequencies = [
        f for f in ("every day", "Every day", "several times a day", "on the days", "On the days") if f in line
    ]
    assert len(frequencies) == 1, line


def test_r12f_05_the_palliative_board_user_is_told_once_on_the_days_it_helps(library: Any) -> None:
    plan = plan_of(library, "f06")
    lines = handouts(plan)
    assert lines["clinic-pt-active-assisted"].startswith("Move your weak joints with help, on the days it helps you")
    assert "Move the joints you can lift yourself" in lines["clinic-pt-active-assisted"]
    assert "nlsp-pt-arom-progression" not in lines
    assert lines["nlsp-pt-contracture-prevention"].startswith("Rest your leg in the positions")
    assert "nlsp-pt-mobilize-dvt-watch" not in lines


def test_r12f_05_the_idiopathic_example_moves_the_joints_once(library: Any) -> None:
    plan = generate_plan(validate_assessment(load_example("idiopathic-proximal")), library)
    assert list(moving_lines(plan)) == ["clinic-pt-active-assisted"]
    assert "Move your leg gently" not in handouts(plan)["nlsp-pt-acute-positioning"]


NON_WALKER = {"ambulation": "non_ambulatory", "sit_to_stand": "unable", "standing_transfer": "unable"}


@pytest.mark.parametrize(
    ("strength", "palliative", "carrier", "words"),
    [
        (
            {"ankle_dorsiflexion": {"right": 1}},
            False,
            "clinic-pt-passive",
            "cannot move yet, every day, as you were shown",
        ),
        ({"ankle_dorsiflexion": {"right": 1}}, True, "clinic-pt-passive", "cannot move yet, on the days it helps you"),
        (
            {"ankle_dorsiflexion": {"right": 1}, "hip_flexion": {"right": 2}},
            False,
            "clinic-pt-passive",
            "Move your other weak joints with help",
        ),
        ({"hip_flexion": {"right": 2}, "knee_extension": {"right": 3}}, False, "clinic-pt-active-assisted", "lift"),
        ({"knee_extension": {"right": 3}}, False, "nlsp-pt-arom-progression", "Move each weak joint"),
        ({"knee_extension": {"right": 5}}, False, "nlsp-pt-contracture-prevention", "Stretch and move your joints"),
    ],
)
def test_r12f_05_the_lowest_tier_carries_the_line_and_names_the_others(
    library: Any, strength: dict[str, Any], palliative: bool, carrier: str, words: str
) -> None:
    plan = plan_for(
        library,
        strength=strength,
        function=NON_WALKER,
        history={"etiology": "unknown", "affected_side": "right", "palliative": palliative},
    )
    lines = moving_lines(plan)
    assert list(lines) == [carrier], lines
    assert words in lines[carrier]
    assert "several times a day" not in " ".join(handouts(plan).values())


def test_r12f_05_early_mobilization_still_says_how_often_when_no_other_line_does(library: Any) -> None:
    """An assisted walker whose only weak group is held back by the same-day spinal review: no range-of-motion
    line is given, so the early-mobilization item keeps its own."""
    plan = plan_for(
        library,
        strength={"knee_extension": {"right": 4}},
        function={"ambulation": "non_ambulatory", "standing_transfer": "independent", "sit_to_stand": "independent"},
        symptoms={"saddle_numbness": True, "bowel_bladder_change": True},
    )
    lines = handouts(plan)
    assert "several times a day" in lines["nlsp-pt-mobilize-dvt-watch"]
    assert list(moving_lines(plan)) == ["nlsp-pt-mobilize-dvt-watch"]


# --- R12f-08: no gender-marked Spanish for the patient ---------------------------------------------------


def test_r12f_08_the_unable_dressing_texts_are_gender_neutral_in_spanish() -> None:
    spanish = compile_library(read_shipped_documents(), translations=read_shipped_translations())
    plan = plan_of(spanish, "c01")
    dressing = next(i for s in plan["sections"] for i in s["items"] if i["id"] == "nlsp-ot-dressing-bathing-equipment")
    assert "hacer por su cuenta lo que pueda" in dressing["translation"]["handout"]
    reacher = next(e for e in plan["equipment"] if e["id"] == "eq-reacher")
    assert "lo que pueda hacer sin ayuda" in reacher["translation"]["instructions"][0]
    printed = json.dumps(plan, ensure_ascii=False)
    assert "usted mismo" not in printed and "usted misma" not in printed


def test_r12f_08_no_spanish_text_reads_as_masculine_usted_mismo_or_camine_solo() -> None:
    found = []
    for path in sorted((translations_dir() / "es").glob("*.md")):
        for block in read_translation_file(path).blocks:
            texts = [value for value, _ in block.fields.values()] + [step for step, _ in block.steps]
            found += [f"{path.name} {block.id}" for t in texts if "usted mism" in t or "camine solo" in t]
    assert found == []


# --- R12f-09: heat is side-aware for lymphedema, like cold -------------------------------------------------

PAINFUL_LEFT = {
    "history": {"etiology": "idiopathic", "affected_side": "left"},
    "strength": {"ankle_dorsiflexion": {"left": 4}},
    "symptoms": {"numbness": False, "allodynia": False},
    "joint_position_sense": {"left": "normal", "right": "normal"},
    "pain": {"nrs": 5, "neuropathic": True, "sites": ["shin"]},
}


def test_r12f_09_lymphedema_of_the_other_leg_does_not_hold_heat(library: Any) -> None:
    plan = plan_of(library, "f03")
    assert "mgmt-analgesia-heat" not in held(plan)
    heat = offered(plan)["mgmt-analgesia-heat"]
    assert "Lymphedema of the other leg is recorded: keep heat off the swollen leg." in heat["detail"]
    assert "never on a swollen leg" in heat["handout"]


@pytest.mark.parametrize(("side", "is_held"), [("right", False), ("left", True), ("bilateral", True)])
def test_r12f_09_heat_is_held_on_the_swollen_painful_leg_only(library: Any, side: str | None, is_held: bool) -> None:
    lymphedema: dict[str, Any] = {"present": True, "phase": "maintenance"}
    if side:
        lymphedema["side"] = side
    plan = plan_for(library, **PAINFUL_LEFT, lymphedema=lymphedema)
    if is_held:
        assert held(plan)["mgmt-analgesia-heat"]["reason"].startswith("the painful leg is the swollen one")
    else:
        assert "mgmt-analgesia-heat" in offered(plan)
        assert "mgmt-analgesia-heat" not in held(plan)


# --- R12f-10: a device walker who stands to transfer alone ------------------------------------------------


def test_r12f_10_the_example_transfers_without_a_helper_at_every_transfer(library: Any) -> None:
    plan = generate_plan(validate_assessment(load_example("neoplastic-after-radiation")), library)
    line = handouts(plan)["nlsp-ot-standing-transfer-safety"]
    assert line == (
        "Take extra care when you move from one seat to another. Use the method and the equipment your therapist "
        "showed you."
    )


DEVICE_WALKER = {
    "history": {"etiology": "idiopathic", "affected_side": "right"},
    "strength": {"ankle_dorsiflexion": {"right": 2}, "knee_extension": {"right": 3}},
    "joint_position_sense": {"left": "normal", "right": "normal"},
    "function": {
        "ambulation": "device",
        "sit_to_stand": "needs_help",
        "standing_transfer": "independent",
        "falls_past_3_months": 0,
    },
}


@pytest.mark.parametrize(
    ("changes", "helper"),
    [
        ({}, False),
        ({"function": {"standing_transfer": "needs_help"}}, True),
        ({"function": {"falls_past_3_months": 1}}, True),
        ({"joint_position_sense": {"right": "impaired"}}, True),
        ({"function": {"sit_to_stand": "independent"}}, False),
    ],
)
def test_r12f_10_the_walking_helper_follows_the_transfer_the_falls_and_the_position_sense(
    library: Any, changes: dict[str, Any], helper: bool
) -> None:
    from tests.conftest import deep_merge

    plan = plan_for(library, **deep_merge(DEVICE_WALKER, changes))
    walking = " ".join(next(e for e in plan["exercises"] if e["id"] == "ex-walking")["instructions"])
    assert ("Walk only with your helper beside you" in walking) is helper
    transfer = handouts(plan)["nlsp-ot-standing-transfer-safety"]
    recorded = deep_merge(DEVICE_WALKER, changes)["function"]["standing_transfer"]
    assert ("have your helper with you every time" in transfer) is (recorded != "independent")


# --- Part 1 leftovers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("grade", "words"), [(5, False), (4, True)])
def test_part1_reassessment_speaks_of_rehabilitation_only_with_weakness(library: Any, grade: int, words: bool) -> None:
    plan = plan_for(library, strength={"hip_flexion": {"right": grade}}, symptoms={"numbness": True})
    assert ("during active rehabilitation" in offered(plan)["clinic-reassess"]["detail"]) is words


@pytest.mark.parametrize(("dressing", "helper"), [("unable", True), ("needs_help", False)])
def test_part1_elastic_laces_name_the_helper_for_a_patient_who_cannot_dress(
    library: Any, dressing: str, helper: bool
) -> None:
    plan = plan_for(library, function={"lower_body_dressing": dressing})
    steps = equipment_steps(plan, "eq-elastic-laces")
    assert ("Your helper slips your foot in with the long shoe horn." in steps) is helper
    assert ("Slip your foot in with the long shoe horn." in steps) is not helper


def test_part1_the_dvt_alert_names_passive_movement_only_with_a_passive_card(library: Any) -> None:
    plan = plan_of(library, "c20")
    alert = offered(plan)["clinic-alert-compression-dvt"]["detail"]
    assert "keep to the positioning of this plan:" in alert and "passive movement" not in alert
    contracture = offered(plan)["nlsp-pt-contracture-prevention"]["detail"]
    assert "passive only" not in contracture and "none for a leg with the clot" in contracture


@pytest.mark.parametrize(("grade", "passive"), [(1, True), (2, False)])
def test_part1_passive_movement_follows_the_passive_card(library: Any, grade: int, passive: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "unknown", "affected_side": "right", "dvt": True, "dvt_side": "right"},
        strength={"ankle_dorsiflexion": {"right": grade}},
        function=NON_WALKER,
    )
    alert = offered(plan)["clinic-alert-compression-dvt"]["detail"]
    assert ("gentle passive movement" in alert) is passive
    assert any(e["category"] == "passive" for e in plan["exercises"]) is passive
    contracture = offered(plan)["nlsp-pt-contracture-prevention"]["detail"]
    assert ("passive only while the acute DVT is treated" in contracture) is passive


# --- Notes for the clinical lead -----------------------------------------------------------------------------


def test_note_f08_contracture_text_matches_a_plan_without_cards(library: Any) -> None:
    plan = plan_of(library, "f08")
    assert not plan["exercises"]
    contracture = offered(plan)["nlsp-pt-contracture-prevention"]
    assert "passive only" not in contracture["detail"]
    assert "none for a leg with the clot until the medical team agrees" in contracture["detail"]
    assert not contracture.get("handout")


@pytest.mark.parametrize(("palliative", "waits"), [(True, False), (False, True)])
def test_note_f06_balance_does_not_wait_for_standing_in_palliative_care(
    library: Any, palliative: bool, waits: bool
) -> None:
    plan = plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "right", "palliative": palliative},
        strength={"knee_extension": {"right": 2}},
        joint_position_sense={"right": "impaired", "left": "normal"},
        function=NON_WALKER,
    )
    detail = offered(plan)["clinic-pt-falls"]["detail"]
    assert ("until standing balance practice is safe" in detail) is waits
    assert "in sitting" in detail


def test_note_f06_the_falls_item_says_in_sitting_only(library: Any) -> None:
    detail = offered(plan_of(library, "f06"))["clinic-pt-falls"]["detail"]
    assert "Train balance with safe support and visual cues, in sitting, as far as it serves" in detail


# --- The lint catches each fault it is for --------------------------------------------------------------------


def test_the_coherence12f_invariants_catch_the_old_faults(library: Any) -> None:
    assessment = validate_assessment(json.loads(next(CASES.glob("f06-*.json")).read_text(encoding="utf-8")))
    plan = generate_plan(assessment, library)
    assert coherence12f_invariants(assessment, plan) == []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    items["nlsp-pt-contracture-prevention"]["handout"] = "Move your joints gently, on the days it helps you."
    items["clinic-pt-falls"]["detail"] = "in sitting until standing balance practice is safe"
    faults = coherence12f_invariants(assessment, plan)
    assert any("more than one handout line about moving the joints" in f for f in faults)
    assert any("balance training waits for standing" in f for f in faults)


# --- Review 12g R12g-03: the stretch line invites no forcing, and an entrapment's own line is the one ------------


@pytest.mark.parametrize("stem", ["f03", "f09", "f07a"])
def test_the_stretch_line_stays_within_comfort_and_is_said_once(library: Any, stem: str) -> None:
    lines = [h for h in handouts(plan_of(library, stem)).values() if "tretch" in h]
    assert lines and not any("even when they feel stiff" in h for h in lines)
    assert len(lines) == 1, lines
