"""Reviews 12n, 12o and 12p: function, exercise and equipment cards (branch i12-fix12pa).

Each fix is tested on both sides of its threshold, from clinical-spec.md and the CLINIC and HOME-EXERCISE
conventions: a joint is moved for the patient only where its own muscles are graded 0 or 1 (R12p-03); a walker's
reasons are a grade of 3 or less, reduced position sense, a fall or walking with help, and MRC 4 alone calls for a
cane (R12p-04, R12n-10, R12n-15); a walking aid comes with training in its use (R12p-05); each fact is said once
(R12p-06); with a clot in the other leg what loads or presses on that leg waits (R12o-01); the handout names only
what the plan gives (R12o-03, R12n-13); the spinal hold's list of what goes on (R12o-04); a record that disagrees
with itself is checked and read the safe way (R12o-05); no text asks what the patient cannot do (R12o-09, R12n-07,
R12n-08). The reviewers' cases are in tests/fixtures/review12n, review12o and review12p.
"""

from __future__ import annotations

from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from tests.conftest import make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_plan_lint import round12pa_invariants
from tests.plan.views import checked_plan as plan_of
from tests.plan.views import entry_text as text
from tests.plan.views import handout_lines as lines
from tests.plan.views import offered_entries as entries

NOT_WALKING = "clinic-alert-walking-rising-mismatch"
OTHER_LEG = "in the other leg"

EXPECTATIONS_12N: dict[str, Expect] = {
    # R12n-13: femoral entrapment: the glide card only, so no stretching named
    "n05": Expect(
        offered={"entrap-pt-nerve-mobilization", "ex-femoral-glide"},
        texts={"entrap-pt-nerve-mobilization": "Do your nerve gliding exercises"},
        not_texts={"entrap-pt-nerve-mobilization": "stretching exercises"},
    ),
    # R12n-07: a non-walker who transfers by board is not trained to rise
    "n10": Expect(
        offered={"nlsp-ot-sit-to-stand", "clinic-ot-transfer-board"},
        texts={"nlsp-ot-sit-to-stand": "rising from sitting is not trained"},
        not_texts={"nlsp-ot-sit-to-stand": "train a safe method"},
    ),
    # R12n-08: the self-massage card does not forbid itself for the painful swollen leg
    "n16": Expect(
        offered={"ex-lymph-self-massage"},
        texts={"ex-lymph-self-massage": "more painful than usual"},
        not_texts={"ex-lymph-self-massage": "red, hot or painful"},
    ),
    # R12n-10: only the assisted walking points to a walker; MRC 4 alone would call for a cane
    "n17": Expect(
        offered={"clinic-aid-walker"},
        texts={"clinic-aid-walker": "MRC 4, would alone call for a cane"},
        not_texts={"clinic-aid-walker": "quadriceps: MRC 4"},
    ),
    # R12n-15: a cane with position sense unrecorded asks for it to be tested
    "n18": Expect(
        offered={"clinic-aid-cane", "eq-cane"},
        texts={"clinic-aid-cane": "Joint position sense is not recorded: test it", "eq-cane": "not recorded"},
    ),
}

EXPECTATIONS_12O: dict[str, Expect] = {
    # R12o-01: clot in the right leg, left hip abduction 4: the band round both knees waits, the side lift serves
    "o01": Expect(
        offered={"ex-side-leg-lift"},
        held={"ex-knees-apart-band": OTHER_LEG},
        texts={"ex-side-leg-lift": "in place of the band card"},
    ),
    "o01v": Expect(
        offered={"ex-side-leg-lift", "ex-inner-leg-lift"},
        held={"ex-knees-apart-band": OTHER_LEG, "ex-pillow-squeeze": OTHER_LEG},
    ),
    # R12o-03: a 16-year-old non-walker: the carer line names the board and the cards done for him, not standing
    "o03": Expect(
        lines={"safety-check-carer"},
        line_texts={"safety-check-carer": "Be with them for every move on the transfer board"},
    ),
    # R12o-05: walking with help, rising and standing transfer unable: the record is checked, read as not walking
    "o04": Expect(
        offered={NOT_WALKING, "clinic-pt-non-ambulatory", "clinic-afo-positioning"},
        not_offered={"mgmt-pt-gait-training", "clinic-afo", "clinic-kafo", "eq-afo", "eq-kafo"},
        no_lines={"clinic-check-brace"},
        line_texts={"clinic-check-floors": "a light within reach of your bed"},
    ),
    "o04b": Expect(not_offered={NOT_WALKING, "mgmt-pt-gait-training"}),
    # R12o-04, R12o-09: non-walker on a board under the spinal hold, given a leg lifter
    "o05": Expect(
        offered={"nlsp-pt-mobilize-dvt-watch", "clinic-ot-transfer-board", "eq-tub-bench", "eq-leg-lifter"},
        texts={
            "nlsp-pt-mobilize-dvt-watch": "Pump your ankles, and have your legs moved for you",
            "clinic-ot-transfer-board": "Until your spine has been checked, use the transfer board only when you need",
            "eq-tub-bench": "let your helper lift your legs over the side one at a time, or use your leg lifter",
        },
        not_texts={
            "nlsp-pt-mobilize-dvt-watch": "Move your legs",
            "clinic-ot-transfer-board": "until your therapist says you can do it alone",
        },
    ),
}

EXPECTATIONS_12P: dict[str, Expect] = {
    # R12p-03: the only grade-1 group is the big toe: bent by hand, no carer ankle card
    "p03": Expect(
        offered={"ex-toe-lifts", "ex-ankle-assisted", "clinic-pt-passive"},
        not_offered={"ex-prom-ankle"},
        texts={
            "ex-toe-lifts": "Hold your big toe between your thumb and a finger",
            "clinic-pt-passive": "Bend your big toe gently up and down with your own hand",
        },
        not_texts={"clinic-pt-passive": "Your carer or your therapist will"},
    ),
    # R12p-04, R12p-05: a sensory-ataxic faller with no weakness, given a walker
    "p07": Expect(
        offered={"clinic-aid-walker", "eq-walker", "mgmt-pt-gait-training", "ex-walking"},
        lines={"clinic-check-exercises"},
        texts={"clinic-aid-walker": "are not weak", "eq-walker": "one foot after the other"},
        not_texts={"clinic-aid-walker": "MRC 5.", "eq-walker": "weaker leg"},
    ),
}


@pytest.mark.parametrize(
    ("path", "expect"),
    [
        *expected_cases(FIXTURES / "review12n", EXPECTATIONS_12N),
        *expected_cases(FIXTURES / "review12o", EXPECTATIONS_12O),
        *expected_cases(FIXTURES / "review12p", EXPECTATIONS_12P),
    ],
)
def test_round12pa_case(library: Any, path: Any, expect: Expect) -> None:
    check_case(library, path, expect)


def made(library: Any, earlier: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, dict[str, Any]]:
    """The offered entries of a minimal assessment's plan, checked by the lint's clinical invariants."""
    return entries(plan_of(library, validate_assessment(make_assessment(**changes)), earlier))


def made_lines(library: Any, **changes: Any) -> dict[str, str]:
    return lines(plan_of(library, validate_assessment(make_assessment(**changes))))


WALKS_ALONE = {"ambulation": "independent", "sit_to_stand": "independent", "standing_transfer": "independent"}


# --- R12p-03: a joint is moved for the patient only when its own muscles are graded 0-1 -----------------------------


@pytest.mark.parametrize(("ankle", "carer"), [(2, False), (1, True)])
def test_round12pa_toe_at_1_moves_the_ankle_for_the_patient_only_with_the_ankle_at_1(
    library: Any, ankle: int, carer: bool
) -> None:
    found = made(
        library,
        strength={"great_toe_extension": {"right": 1}, "ankle_dorsiflexion": {"right": ankle}},
        function={"ambulation": "device", "sit_to_stand": "independent", "standing_transfer": "independent"},
    )
    assert ("ex-prom-ankle" in found) is carer
    assert ("Your carer or your therapist will" in found["clinic-pt-passive"]["handout"]) is carer
    assert "thumb and a finger" in text(found["ex-toe-lifts"])


@pytest.mark.parametrize(("toe", "by_hand"), [(1, True), (2, False)])
def test_round12pa_the_toe_card_bends_the_toe_by_hand_only_below_grade_2(library: Any, toe: int, by_hand: bool) -> None:
    card = made(library, strength={"great_toe_extension": {"right": toe}}, function=WALKS_ALONE)["ex-toe-lifts"]
    assert ("thumb and a finger" in text(card)) is by_hand
    assert ("Lift your big toe up" in text(card)) is not by_hand


# --- R12p-04, R12n-10, R12n-15: the walker's and the cane's reasons ---------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "said", "unsaid"),
    [
        (3, "quadriceps: MRC 3", "would alone call for a cane"),
        (4, "MRC 4, would alone call for a cane", "quadriceps: MRC"),
        (5, "are not weak", "quadriceps: MRC"),
    ],
)
def test_round12pa_walker_reasons_name_the_grade_only_where_it_is_one(
    library: Any, grade: int, said: str, unsaid: str
) -> None:
    strength = {"knee_extension": {"right": grade}, "ankle_dorsiflexion": {"right": 4}}
    found = made(
        library,
        strength=strength,
        joint_position_sense={"right": "impaired"},
        function={"ambulation": "device", "sit_to_stand": "independent", "standing_transfer": "independent"},
    )
    detail = found["clinic-aid-walker"]["detail"]
    assert said in detail and unsaid not in detail


@pytest.mark.parametrize(("weak", "step"), [(False, "one foot after the other"), (True, "weaker leg first")])
def test_round12pa_the_frame_names_a_weaker_leg_only_with_weakness(library: Any, weak: bool, step: str) -> None:
    found = made(
        library,
        strength={"hip_flexion": {"right": 4 if weak else 5}},
        joint_position_sense={"right": "impaired"},
        function=WALKS_ALONE,
    )
    assert step in text(found["eq-walker"])


@pytest.mark.parametrize(("jps", "asked"), [(None, True), ({"right": "normal", "left": "normal"}, False)])
def test_round12pa_cane_asks_for_position_sense_only_when_unrecorded(library: Any, jps: Any, asked: bool) -> None:
    changes: dict[str, Any] = {"strength": {"knee_extension": {"right": 4}}, "function": WALKS_ALONE}
    if jps:
        changes["joint_position_sense"] = jps
    found = made(library, **changes)
    assert ("not recorded: test it" in found["clinic-aid-cane"]["detail"]) is asked


# --- R12p-05: a walking aid with training in its use, and the exercise line with the balance cards --------------------


@pytest.mark.parametrize(("jps", "aid"), [("impaired", True), ("normal", False)])
def test_round12pa_a_new_walker_comes_with_gait_training(library: Any, jps: str, aid: bool) -> None:
    found = made(library, joint_position_sense={"right": jps, "left": "normal"}, function=WALKS_ALONE)
    assert ("clinic-aid-walker" in found) is aid
    assert ("mgmt-pt-gait-training" in found) is aid
    assert ("ex-walking" in found) is aid
    assert (
        "clinic-check-exercises" in made_lines(library, joint_position_sense={"right": jps}, function=WALKS_ALONE)
    ) is aid


# --- R12p-06: the move to resistance is said once ------------------------------------------------------------------


@pytest.mark.parametrize(("now", "folded"), [(4, True), (3, False)])
def test_round12pa_gain_to_grade_4_is_said_in_the_active_range_item(library: Any, now: int, folded: bool) -> None:
    earlier = make_assessment(assessed_on="2026-09-01", strength={"knee_extension": {"right": now - 1, "left": 5}})
    found = made(library, [validate_assessment(earlier)], strength={"knee_extension": {"right": now, "left": 5}})
    assert ("nlsp-pt-advance-resistance" not in found) is folded
    arom = found["nlsp-pt-arom-progression"]
    assert ("move on from active movement to low resistance" in arom["detail"]) is folded
    assert ("Your strength is getting better" in arom["handout"]) is folded


# --- R12o-01: with the clot in the other leg, what works or presses on both legs waits --------------------------------


@pytest.mark.parametrize(("clot", "band"), [("left", False), (None, True)])
def test_round12pa_band_and_pillow_wait_for_a_clot_in_the_other_leg(library: Any, clot: Any, band: bool) -> None:
    history: dict[str, Any] = {"etiology": "unknown", "affected_side": "right"}
    if clot:
        history |= {"dvt": True, "dvt_side": clot}
    plan = plan_of(
        library,
        validate_assessment(
            make_assessment(
                history=history,
                strength={"hip_abduction": {"right": 4}, "hip_adduction": {"right": 4}},
                function=WALKS_ALONE,
            )
        ),
    )
    found, held = entries(plan), {h["id"]: h["reason"] for h in plan["held"]}
    assert ("ex-knees-apart-band" in found) is band and ("ex-pillow-squeeze" in found) is band
    assert ("ex-side-leg-lift" in found) is not band and ("ex-inner-leg-lift" in found) is not band
    if not band:
        assert OTHER_LEG in held["ex-knees-apart-band"] and OTHER_LEG in held["ex-pillow-squeeze"]


def test_round12pa_every_card_whose_figure_moves_the_other_leg_waits_for_its_clot(library: Any) -> None:
    """A card whose picture moves the other leg works that leg too: it carries the both-legs hold (R12o-01)."""
    moving = []
    for entry in library.exercises:
        figure = library.figures.get(entry.illustration)
        if figure is None or not figure.end:
            continue
        start, end = figure.start or {}, figure.end
        legs = {k for k in (*start, *end) if k.startswith("other_") and k not in ("other_arm", "other_elbow")}
        if any(start.get(k, 0) != end.get(k, start.get(k, 0)) for k in legs):
            moving.append(entry.id)
            assert "both_legs_hold" in entry.screen, entry.id
    assert {"ex-knees-apart-band", "ex-pillow-squeeze", "ex-bridge"} <= set(moving)


# --- R12o-03: the carer line names only what the plan asks of the carer -----------------------------------------------


CHILD = {"patient": {"id": "T-1", "name": "Test Patient", "birth_date": "2012-01-01"}}


@pytest.mark.parametrize(
    ("changes", "said", "unsaid"),
    [
        (
            {"strength": {"knee_extension": {"right": 4}}, "function": WALKS_ALONE},
            "Stay close during the exercises done standing",
            "transfer board",
        ),
        (
            {
                "strength": {"knee_extension": {"right": 2}},
                "function": {"ambulation": "non_ambulatory", "standing_transfer": "unable"},
            },
            "Be with them for every move on the transfer board",
            "done standing",
        ),
        ({"strength": {}, "function": WALKS_ALONE}, "Help with the exercises and equipment", "pain treatments"),
    ],
)
def test_round12pa_the_carer_line_names_what_the_plan_gives(
    library: Any, changes: dict[str, Any], said: str, unsaid: str
) -> None:
    carer = made_lines(library, **CHILD, **changes)["safety-check-carer"]
    assert said in carer and unsaid not in carer


# --- R12o-04: under the spinal hold, ankle pumps and movement done for the patient ------------------------------------


@pytest.mark.parametrize("hold", [True, False])
def test_round12pa_spinal_hold_keeps_a_non_walker_to_its_list(library: Any, hold: bool) -> None:
    found = made(
        library,
        strength={"knee_extension": {"right": 2}},
        function={"ambulation": "non_ambulatory", "standing_transfer": "unable"},
        symptoms={"bowel_bladder_change": hold},
    )
    assert ("Pump your ankles" in found["nlsp-pt-mobilize-dvt-watch"].get("handout", "")) is hold
    board = found["clinic-ot-transfer-board"]["handout"]
    assert ("until your therapist says you can do it alone" in board) is not hold
    assert ("until your therapist says you can do it alone" in text(found["eq-transfer-board"])) is not hold


# --- R12o-05: walking recorded beside rising or standing to transfer unable -------------------------------------------


@pytest.mark.parametrize(("transfer", "doubt"), [("unable", True), ("needs_help", False)])
def test_round12pa_walking_beside_a_transfer_unable_is_checked(library: Any, transfer: str, doubt: bool) -> None:
    found = made(
        library,
        strength={"knee_extension": {"right": 3}, "ankle_dorsiflexion": {"right": 2}},
        function={"ambulation": "assisted", "sit_to_stand": "needs_help", "standing_transfer": transfer},
    )
    assert (NOT_WALKING in found) is doubt
    assert ("mgmt-pt-gait-training" in found) is not doubt
    assert ("clinic-afo" in found) is not doubt and ("clinic-afo-positioning" in found) is doubt


# --- R12o-09: a leg lifter given means the legs are lifted over the bath side too -------------------------------------


@pytest.mark.parametrize(("hip", "lifter"), [(3, True), (5, False)])
def test_round12pa_bath_bench_lifts_the_legs_where_the_lifter_is_given(library: Any, hip: int, lifter: bool) -> None:
    found = made(
        library,
        strength={"hip_flexion": {"right": hip}, "knee_extension": {"right": 4}},
        function={**WALKS_ALONE, "bathing": "needs_help"},
    )
    assert ("eq-leg-lifter" in found) is lifter
    bench = text(found["eq-tub-bench"])
    assert ("or use your leg lifter" in bench) is lifter
    assert ("then lift your legs over the side" in bench) is not lifter


# --- R12n-07: rising is not trained while transfers are by board ------------------------------------------------------


@pytest.mark.parametrize(("transfer", "trained"), [("unable", False), ("needs_help", True)])
def test_round12pa_rising_is_trained_only_where_standing_is_safe(library: Any, transfer: str, trained: bool) -> None:
    found = made(
        library,
        strength={"hip_extension": {"right": 3}, "knee_extension": {"right": 3}},
        function={"ambulation": "non_ambulatory", "standing_transfer": transfer, "sit_to_stand": "needs_help"},
    )
    detail = found["nlsp-ot-sit-to-stand"]["detail"]
    assert ("train a safe method" in detail) is trained
    assert ("is not trained for now" in detail) is not trained


# --- R12n-13: stretching named only with the stretch card -------------------------------------------------------------


@pytest.mark.parametrize(("site", "stretch"), [("piriformis", True), ("other", False)])
def test_round12pa_nerve_mobilization_names_stretching_only_with_the_card(
    library: Any, site: str, stretch: bool
) -> None:
    found = made(
        library,
        history={"etiology": "entrapment", "affected_side": "right", "entrapment_site": site},
        function=WALKS_ALONE,
    )
    assert ("ex-piriformis-stretch" in found) is stretch
    assert ("stretching exercises" in found["entrap-pt-nerve-mobilization"]["handout"]) is stretch


# --- the lint family finds the faults it names ------------------------------------------------------------------------


def test_round12pa_lint_finds_the_faults_it_names(library: Any) -> None:
    assessment = validate_assessment(
        make_assessment(
            strength={"knee_extension": {"right": 4}},
            function={"ambulation": "assisted", "sit_to_stand": "unable", "standing_transfer": "needs_help"},
        )
    )
    plan = plan_of(library, assessment)
    assert round12pa_invariants(assessment, plan, {}) == []
    plan["alerts"] = [a for a in plan["alerts"] if a["id"] != NOT_WALKING]
    plan["sections"][0]["items"].append({"id": "x", "title": "x", "detail": "", "handout": "Walk to the shop."})
    faults = round12pa_invariants(assessment, plan, {})
    assert any("no alert asks to check it" in f for f in faults)
    assert any("speaks of walking" in f for f in faults)
