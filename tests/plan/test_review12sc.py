"""Review 12s, reviewer B (/work/team/reports/review12s-B.md), pregnancy and the infection call line: R12s-B01 (the
cards done lying on the front are held back in pregnancy, with their reason on the safety screen; the cards that
bring the thigh to the body or lean forward stop short of the belly), R12s-B03 (a decompression opinion in pregnancy
leaves the timing to the obstetric team), R12s-B04 (the cancer-treatment sentence said once), R12s-B05 (the imaging
caution in full on the first imaging item, later items and the alert point to it), R12s-B06 (the pain-service item
says held procedures are on the safety screen), R12s-B07 (the infection call line names the wound after an
operation or an open injury), R12s-B08 (TENS with a pelvic pain site: pads on the thigh or lower leg only),
R12s-B09 (heat never on the belly), R12s-B10 (the bridge rests on the side between sets) and R12s-B11 (the clot
watch of a pregnant patient who does not walk asks for the obstetric VTE risk assessment). Written from the SAFETY
section *Pregnancy and breastfeeding* (general knowledge, labelled so there), each rule on both sides of its
threshold, in English and in Spanish. The reviewer's cases are in tests/fixtures/review12s; the faults that
generalise are invariants of the plan lint (tests/plan/test_plan_lint.py, ``round12sc_invariants``)."""

from __future__ import annotations

from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from planner.plan.generate import generate_plan
from tests.conftest import make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_plan_lint import round12sc_invariants
from tests.plan.views import checked_plan, handout_lines, offered_entries

S_DIR = FIXTURES / "review12s"
PRONE = "pregnancy is recorded: lying on the front puts weight on the womb"
TILT = "wedge under one hip"
BRIDGE_SIDE = "rest on your side between sets of lifts"
CLOT = "ask the obstetric team for a VTE risk assessment"
HEAT_BELLY, HEAT_BELLY_HANDOUT = "never over the belly", "never put warmth on your belly"
TENS_LEG, TENS_LEG_HANDOUT = "pads on the thigh or lower leg only", "This means your buttock, hip and groin too"
FULL_IMAGING, POINTER = "MRI without contrast is preferred", "as the first imaging item above says"
CANCER_TEAMS = "decided by the oncology and obstetric teams together"
RADIOTHERAPY_POINTER = "no pelvic radiotherapy while the pregnancy continues (see the cancer-treatment item)"
HELD_PROCEDURES, PROCEDURES_HERE = "listed under the safety screen", "are in the items of this section"
OPERATION_TIMING = "an elective release usually waits until after delivery"
WOUND = "your wound leaks"
MRI, RESULT, SECOND = "acr-med-mri-plexus-malignancy", "acr-med-mri-result-pathway", "acr-med-second-line-studies"
SERVICE, TENS, HEAT, WATCH = (
    "nlsp-analgesia-pain-service",
    "nlsp-analgesia-tens-anodyne",
    "mgmt-analgesia-heat",
    "nlsp-pt-mobilize-dvt-watch",
)
AFTER_CONSERVATIVE, SEVERE = "entrap-med-decompression-after-conservative", "entrap-med-decompression-severe"

EXPECTATIONS: dict[str, Expect] = {
    # B04, B05, B06, B08: cancer in pregnancy, severe pain on step 2, buttock pain
    "P1-preg-neoplastic-step2-severe": Expect(
        offered={MRI, RESULT, SECOND, SERVICE, TENS, "mgmt-med-radiotherapy-response"},
        held={"nlsp-analgesia-interventional": "pregnancy is recorded", "mgmt-analgesia-scs-itb": "pregnancy"},
        texts={
            "ex-hamstring-stretch": "only as far as your belly allows",
            "nlsp-med-treat-cancer-first": "chemotherapy timed by its",
            "mgmt-med-radiotherapy-response": "(see the cancer-treatment",
            MRI: FULL_IMAGING,
            RESULT: POINTER,
            SECOND: POINTER,
            "safety-alert-pregnancy": "(see the first imaging item)",
            SERVICE: HELD_PROCEDURES,
            TENS: TENS_LEG_HANDOUT,
        },
        not_texts={
            "mgmt-med-radiotherapy-response": "chemotherapy timed",
            RESULT: FULL_IMAGING,
            SECOND: FULL_IMAGING,
            "safety-alert-pregnancy": "MRI without contrast preferred",
            SERVICE: PROCEDURES_HERE,
        },
    ),
    # B07: infection three weeks after an operation names the wound (breastfeeding: no VTE sentence)
    "P2-breastfeeding-postsurgical-3w-infection": Expect(
        line_texts={"clinic-call-infection": WOUND},
        not_texts={WATCH: "VTE"},
    ),
    # B01, B09, B10, B11: a pregnant patient who does not walk
    "P3-preg-idiopathic-mrc23-nonwalker": Expect(
        offered={"ex-bridge", "ex-position-back", WATCH, HEAT},
        held={"ex-prone-lying": PRONE},
        texts={
            "ex-bridge": BRIDGE_SIDE,
            "ex-position-back": TILT,
            WATCH: CLOT,
            HEAT: HEAT_BELLY_HANDOUT,
            "safety-alert-pregnancy": "No exercise is done lying on the front",
        },
        not_texts={"ex-bridge": TILT, TENS: TENS_LEG_HANDOUT},
    ),
    # B03, B08, B09: piriformis entrapment in pregnancy, buttock pain
    "P4-preg-piriformis-tens": Expect(
        offered={AFTER_CONSERVATIVE, TENS, HEAT, "ex-piriformis-stretch"},
        texts={
            AFTER_CONSERVATIVE: OPERATION_TIMING,
            TENS: TENS_LEG_HANDOUT,
            HEAT: HEAT_BELLY,
            "ex-piriformis-stretch": "only as far as your belly allows",
        },
    ),
    # the same operation without infection: the usual call line
    "V2-postsurgical-3w-mrc4": Expect(
        line_texts={"clinic-call-infection": "You have a fever"},
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(S_DIR, EXPECTATIONS))
def test_review12sc_case(library: Any, path: Any, expect: Expect) -> None:
    check_case(library, path, expect)


def test_a_recent_operation_names_the_wound_without_an_infection_too(library: Any) -> None:
    """R12t-B06: the wound is where a collection shows, infection or not."""
    plan = checked_plan(library, validate_assessment(make_assessment(**V2())))
    line = handout_lines(plan)["clinic-call-infection"]
    assert WOUND in line and "fever or infection gets worse" not in line


def V2() -> dict[str, Any]:  # named after the reviewer's case
    return {
        "patient": {"sex": "female", "birth_date": "1990-05-05"},
        "history": {"etiology": "postsurgical", "onset": "2026-10-12", "surgery_on": "2026-10-11"},
        "pain": {"nrs": 6, "neuropathic": True, "sites": ["groin", "thigh"]},
        "function": {"ambulation": "device"},
        "strength": {"hip_flexion": {"right": 3}},
    }


def assess(pregnancy: str | None = "pregnant", **changes: Any) -> dict[str, Any]:
    """A woman whose record says ``pregnancy``, with ``changes`` merged in."""
    base: dict[str, Any] = {
        "patient": {"sex": "female", "birth_date": "1992-03-04"},
        "history": {"etiology": "idiopathic", "onset": "2026-09-01", "pregnancy": pregnancy},
    }
    for key, value in changes.items():
        base[key] = {**base[key], **value} if isinstance(value, dict) and key in base else value
    return validate_assessment(make_assessment(**base))


def plan_of(library: Any, assessment: dict[str, Any], earlier: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return checked_plan(library, assessment, earlier)


def held(plan: dict[str, Any]) -> dict[str, str]:
    return {entry["id"]: entry["reason"] for entry in plan["held"]}


def detail(plan: dict[str, Any], item_id: str) -> str:
    return " ".join(offered_entries(plan)[item_id]["detail"].split())


NON_WALKER = {
    "function": {"ambulation": "non_ambulatory", "sit_to_stand": "needs_help", "standing_transfer": "needs_help"},
    "strength": {"knee_flexion": {"right": 3}, "hip_extension": {"right": 3}},
    "pain": {"nrs": 3},
}


# --- R12s-B01: lying on the front ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["pregnant", "breastfeeding", "no"])
def test_the_cards_lying_on_the_front_are_held_in_pregnancy_only(library: Any, state: str) -> None:
    plan = plan_of(library, assess(state, **NON_WALKER))
    found, reasons = offered_entries(plan), held(plan)
    for card in ("ex-prone-lying", "ex-prone-knee-bend"):
        if state == "pregnant":
            assert card not in found and PRONE in reasons[card], card
        else:
            assert card in found and card not in reasons, card


@pytest.mark.parametrize("state", ["pregnant", "no"])
def test_the_hip_bend_done_for_you_stops_short_of_the_belly(library: Any, state: str) -> None:
    plan = plan_of(library, assess(state, strength={"hip_flexion": {"right": 1}, "hip_extension": {"right": 1}}))
    card = offered_entries(plan)["ex-prom-hip"]
    assert ("stops before your thigh presses on your belly" in card["precautions"]) is (state == "pregnant")


@pytest.mark.parametrize("state", ["pregnant", "no"])
def test_the_forward_lean_stretches_stop_short_of_the_belly(library: Any, state: str) -> None:
    walker = assess(state, function={"ambulation": "device"}, strength={"knee_extension": {"right": 4}})
    card = offered_entries(plan_of(library, walker))["ex-hamstring-stretch"]
    assert ("only as far as your belly allows" in card["precautions"]) is (state == "pregnant")
    piriformis = {"etiology": "entrapment", "entrapment_site": "piriformis", "affected_side": "left"}
    stretch = offered_entries(plan_of(library, assess(state, history=piriformis, pain={"nrs": 3})))
    assert ("only as far as your belly allows" in stretch["ex-piriformis-stretch"]["precautions"]) is (
        state == "pregnant"
    )


@pytest.mark.parametrize("state", ["pregnant", "no"])
def test_the_wheelchair_lift_leans_to_the_side_in_pregnancy(library: Any, state: str) -> None:
    plan = plan_of(library, assess(state, **NON_WALKER))
    steps = " ".join(offered_entries(plan)["ex-wheelchair-pressure-relief"]["instructions"])
    assert ("lean forward over your knees" in steps) is (state != "pregnant")
    assert "lean to one side and then the other" in steps


# --- R12s-B03: the decompression opinion --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "strength", "onset"),
    [
        (AFTER_CONSERVATIVE, {"knee_flexion": {"left": 4}}, "2026-06-01"),
        (SEVERE, {"knee_flexion": {"left": 2}}, "2026-10-01"),
    ],
)
@pytest.mark.parametrize("state", ["pregnant", "breastfeeding", "no"])
def test_a_decompression_opinion_in_pregnancy_leaves_the_timing_to_the_obstetric_team(
    library: Any, item: str, strength: dict[str, Any], onset: str, state: str
) -> None:
    history = {"etiology": "entrapment", "entrapment_site": "piriformis", "onset": onset, "affected_side": "left"}
    plan = plan_of(library, assess(state, history=history, strength=strength, pain={"nrs": 4}))
    text = detail(plan, item)  # the opinion itself is never held
    assert ("decided with the obstetric" in text) is (state == "pregnant")
    assert (OPERATION_TIMING in text) is (state == "pregnant")
    assert ("a severe or progressive deficit may not wait" in text) is (state == "pregnant" and item == SEVERE)


# --- R12s-B04, B05: said once ---------------------------------------------------------------------------------------

CANCER = {
    "history": {"etiology": "neoplastic", "malignancy": "cervical cancer", "onset": "2026-08-01"},
    "pain": {"nrs": 5, "neuropathic": True, "sites": ["thigh"]},
    "strength": {"knee_extension": {"right": 4}},
}


@pytest.mark.parametrize("state", ["pregnant", "no"])
def test_the_cancer_sentence_and_the_imaging_caution_are_said_once(library: Any, state: str) -> None:
    plan = plan_of(library, assess(state, **CANCER))
    pregnant = state == "pregnant"
    assert (CANCER_TEAMS in detail(plan, "nlsp-med-treat-cancer-first")) is pregnant
    assert CANCER_TEAMS not in detail(plan, "mgmt-med-radiotherapy-response")
    assert (RADIOTHERAPY_POINTER in detail(plan, "mgmt-med-radiotherapy-response")) is pregnant
    assert (FULL_IMAGING in detail(plan, MRI)) is pregnant
    for later in (RESULT, SECOND):
        assert FULL_IMAGING not in detail(plan, later) and (POINTER in detail(plan, later)) is pregnant
    alert = offered_entries(plan).get("safety-alert-pregnancy")
    assert (alert is not None) is pregnant
    if alert:
        assert "(see the first imaging item)" in alert["detail"] and "benefit outweighs" not in alert["detail"]


@pytest.mark.parametrize("worse", [False, True])
def test_repeat_imaging_before_the_study_takes_the_full_caution(library: Any, worse: bool) -> None:
    """Worse since the last visit: the repeat imaging item (order 5) comes first and says it in full; the
    plexus MRI then points back to it."""
    earlier = assess(assessed_on="2026-10-01", strength={"hip_flexion": {"right": 4}}, pain={"nrs": 2})
    now = assess(strength={"hip_flexion": {"right": 4 - 2 * worse}}, pain={"nrs": 2})
    plan = plan_of(library, now, [earlier])
    found = offered_entries(plan)
    assert ("entrap-med-reimage-worsening" in found) is worse
    mri = detail(plan, "guide-med-mri-plexus")
    assert (FULL_IMAGING in mri) is not worse and (POINTER in mri) is worse
    if worse:
        repeat = detail(plan, "entrap-med-reimage-worsening")
        assert FULL_IMAGING in repeat and "with contrast only if essential" in repeat
        assert "without and with contrast" not in repeat


# --- R12s-B06: the pain service and held procedures -----------------------------------------------------------------

REFRACTORY = {
    "history": {"etiology": "neoplastic", "malignancy": "rectal cancer", "onset": "2026-08-01"},
    "pain": {
        "nrs": 8,
        "neuropathic": True,
        "current_ladder_step": 3,
        "sites": ["thigh"],
        "neuropathic_agents_tried": ["pregabalin", "snri"],
    },
}


@pytest.mark.parametrize(
    ("state", "infection", "held_now"), [("no", False, False), ("pregnant", False, True), ("no", True, True)]
)
def test_the_pain_service_points_to_the_procedures_where_they_are(
    library: Any, state: str, infection: bool, held_now: bool
) -> None:
    changes = {**REFRACTORY, "history": {**REFRACTORY["history"], "infection": infection}}
    plan = plan_of(library, assess(state, **changes))
    text = detail(plan, SERVICE)
    assert ("nlsp-analgesia-interventional" in held(plan)) is held_now
    assert (HELD_PROCEDURES in text) is held_now
    assert (PROCEDURES_HERE in text) is not held_now


# --- R12s-B07: the wound on the infection call line -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "wound"),
    [
        ({"etiology": "postsurgical", "onset": "2026-10-12", "surgery_on": "2026-10-11", "infection": True}, True),
        (
            {"etiology": "idiopathic", "onset": "2026-10-12", "surgery_on": "2026-08-10", "infection": True},
            True,
        ),  # 83 d
        (
            {"etiology": "idiopathic", "onset": "2026-10-12", "surgery_on": "2026-08-08", "infection": True},
            False,
        ),  # 85 d
        ({"etiology": "postsurgical", "onset": "2026-10-12", "surgery_on": "2026-10-11", "infection": False}, True),
        (
            {"etiology": "traumatic", "onset": "2026-10-20", "trauma_on": "2026-10-20", "trauma_type": "open"},
            True,
        ),
        (
            {
                "etiology": "traumatic",
                "onset": "2026-10-20",
                "trauma_on": "2026-10-20",
                "trauma_type": "open",
                "infection": True,
            },
            True,
        ),
        (
            {
                "etiology": "traumatic",
                "onset": "2026-10-20",
                "trauma_on": "2026-10-20",
                "trauma_type": "blunt",
                "infection": True,
            },
            False,
        ),
        ({"etiology": "entrapment", "entrapment_site": "piriformis", "infection": True}, False),
    ],
)
def test_the_infection_call_line_names_the_wound_after_an_operation_or_open_injury(
    library: Any, history: dict[str, Any], wound: bool
) -> None:
    plan = plan_of(library, validate_assessment(make_assessment(history=history, pain={"nrs": 3})))
    line = handout_lines(plan)["clinic-call-infection"]
    assert (WOUND in line) is wound
    assert ("fever or infection gets worse" in line) is bool(history.get("infection"))


# --- R12s-B08, B09: TENS and heat ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "sites", "leg_only"),
    [
        ("pregnant", ["buttock"], True),
        ("pregnant", ["right hip"], True),
        ("pregnant", ["groin", "thigh"], True),
        ("pregnant", ["sacrum"], True),
        ("pregnant", ["thigh", "calf"], False),
        ("no", ["buttock"], False),
        ("breastfeeding", ["buttock"], False),
    ],
)
def test_tens_in_pregnancy_with_a_pelvic_pain_site_keeps_to_the_leg(
    library: Any, state: str, sites: list[str], leg_only: bool
) -> None:
    plan = plan_of(library, assess(state, pain={"nrs": 5, "neuropathic": True, "sites": sites}))
    tens = offered_entries(plan)[TENS]
    assert (TENS_LEG in " ".join(tens["detail"].split())) is leg_only
    assert (TENS_LEG_HANDOUT in tens["handout"]) is leg_only
    assert ("keep the pads off your belly" in tens["handout"]) is (state == "pregnant")


@pytest.mark.parametrize("state", ["pregnant", "breastfeeding", "no"])
def test_heat_in_pregnancy_never_on_the_belly(library: Any, state: str) -> None:
    plan = plan_of(library, assess(state, pain={"nrs": 4, "sites": ["thigh"]}, symptoms={"numbness": False}))
    heat = offered_entries(plan)[HEAT]
    assert (HEAT_BELLY in heat["detail"]) is (state == "pregnant")
    assert (HEAT_BELLY_HANDOUT in heat["handout"]) is (state == "pregnant")


# --- R12s-B10: the bridge -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["pregnant", "no"])
def test_the_bridge_rests_on_the_side_and_the_other_back_cards_keep_the_tilt(library: Any, state: str) -> None:
    plan = plan_of(library, assess(state, strength={"hip_extension": {"right": 3}, "knee_flexion": {"right": 2}}))
    found = offered_entries(plan)
    pregnant = state == "pregnant"
    assert (BRIDGE_SIDE in found["ex-bridge"]["precautions"]) is pregnant
    assert TILT not in found["ex-bridge"]["precautions"]
    backs = [e for e in plan["exercises"] if e["id"] != "ex-bridge" and "on your back" in " ".join(e["instructions"])]
    assert backs
    for card in backs:
        assert (TILT in card["precautions"]) is pregnant, card["id"]


# --- R12s-B11: clots in a pregnant patient who does not walk ------------------------------------------------------


@pytest.mark.parametrize(("state", "clot"), [("pregnant", True), ("breastfeeding", False), ("no", False)])
def test_the_clot_watch_asks_for_the_obstetric_vte_assessment_in_pregnancy(
    library: Any, state: str, clot: bool
) -> None:
    plan = plan_of(library, assess(state, **NON_WALKER))
    assert (CLOT in detail(plan, WATCH)) is clot


def test_a_walking_pregnant_patient_has_no_clot_watch_item(library: Any) -> None:
    plan = plan_of(library, assess("pregnant", function={"ambulation": "independent"}, strength={}))
    assert WATCH not in offered_entries(plan)


# --- Spanish -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spanish() -> Any:
    return compile_library(read_shipped_documents(), translations=read_shipped_translations())


def translated(plan: dict[str, Any], entry_id: str) -> dict[str, Any]:
    return offered_entries(plan)[entry_id]["translation"]


@pytest.mark.parametrize("state", ["pregnant", "no"])
def test_the_spanish_texts_say_the_same(spanish: Any, state: str) -> None:
    pregnant = state == "pregnant"
    buttock = assess(state, pain={"nrs": 5, "neuropathic": True, "sites": ["buttock"]}, symptoms={"numbness": False})
    plan = generate_plan(buttock, spanish, language="es")
    assert ("solo en el muslo o en la parte baja de la pierna" in translated(plan, TENS)["handout"]) is pregnant
    assert ("nunca ponga calor sobre el vientre" in translated(plan, HEAT)["handout"]) is pregnant
    cards = generate_plan(assess(state, **NON_WALKER), spanish, language="es")
    bridge = translated(cards, "ex-bridge")["precautions"]
    assert ("descanse de lado entre una serie" in bridge) is pregnant
    assert "una cuña bajo una cadera" not in bridge
    relief = " ".join(translated(cards, "ex-wheelchair-pressure-relief")["instructions"])
    assert ("inclínese hacia delante sobre las rodillas" in relief) is not pregnant
    hips = generate_plan(assess(state, strength={"hip_flexion": {"right": 1}}), spanish, language="es")
    assert (
        "antes de que el muslo le presione el vientre" in translated(hips, "ex-prom-hip")["precautions"]
    ) is pregnant


@pytest.mark.parametrize(("surgery_on", "wound"), [("2026-10-11", True), ("2026-07-01", False)])
def test_the_spanish_call_line_names_the_wound(spanish: Any, surgery_on: str, wound: bool) -> None:
    history = {"etiology": "postsurgical", "onset": "2026-10-12", "surgery_on": surgery_on}
    plan = generate_plan(validate_assessment(make_assessment(history=history)), spanish, language="es")
    line = next(line for group in plan["handout"].values() for line in group if line["id"] == "clinic-call-infection")
    assert ("sale líquido de la herida" in line["translation"]["text"]) is wound


# --- the invariants catch the faults ------------------------------------------------------------------------------


def test_the_invariants_catch_each_fault(library: Any) -> None:
    assessment = assess(**NON_WALKER)
    plan = checked_plan(library, assessment)
    assert round12sc_invariants(assessment, plan, {}) == []
    broken = {
        **plan,
        "exercises": [*plan["exercises"], {"id": "ex-prone-lying", "instructions": ["Lie on your front."]}],
    }
    assert any("lying on the front" in f for f in round12sc_invariants(assessment, broken, {}))
    sections = [
        {**s, "items": [{**i, "detail": i["detail"].replace(CLOT, "")} for i in s["items"]]} for s in plan["sections"]
    ]
    assert any("omits" in f for f in round12sc_invariants(assessment, {**plan, "sections": sections}, {}))
