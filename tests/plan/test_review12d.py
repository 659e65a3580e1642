"""Review 12d (N-2 to N-4 and its wording findings) and review 12c's F-6, F-7 and F-9: one plan, each
instruction once and in words that fit the patient. Each test fails on the documents before issue 12's fourth
fix and checks both sides of the condition it is about.

The assessments are written from the reviews' cases (/work/team/review12d/cases, review12c/cases), not from the
planner's output.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from planner.plan.generate import generate_plan
from tests.conftest import make_assessment
from tests.plan.test_clinical_safety import handout_text, held, offered, plan_for

REFRACTORY_IDIOPATHIC = {
    "history": {"etiology": "idiopathic", "affected_side": "left", "onset": "2026-03-01"},
    "strength": {"hip_flexion": {"left": 4, "right": 5}},
    "pain": {
        "nrs": 8,
        "neuropathic": True,
        "current_ladder_step": 2,
        "neuropathic_agents_tried": ["gabapentin", "snri", "pregabalin"],
    },
    "function": {"ambulation": "independent"},
}


def _items(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for s in plan["sections"] for i in s["items"]}


def _spanish_handout(plan: dict[str, Any]) -> str:
    """Every handout text of the plan in the patient's Spanish (items and checklist/call lines)."""
    texts = [(i.get("translation") or {}).get("handout") or "" for s in plan["sections"] for i in s["items"]]
    for lines in plan["handout"].values():
        texts += [(line.get("translation") or {}).get("text") or "" for line in lines]
    return "\n".join(texts)


# --- N-2: one instruction about the pain service --------------------------------------------------------------


def test_review_of_a_new_opioid_step_is_made_with_the_pain_service_when_the_plan_refers_now(library: Any) -> None:
    plan = plan_for(library, **REFRACTORY_IDIOPATHIC)
    items = _items(plan)
    assert {"nlsp-analgesia-interventional", "mgmt-analgesia-scs-itb"} <= items.keys()
    review = items["clinic-mon-pain-review"]["detail"]
    assert "together with the pain service" in review
    assert "refer to the pain service" not in review


def test_review_still_refers_to_the_pain_service_when_the_procedures_are_held_back(library: Any) -> None:
    """An acute infection holds every procedure, not the referral (review 12j R12j-03): the analgesia section
    refers now, so the review is made with the pain service, not a second, later referral."""
    history = REFRACTORY_IDIOPATHIC["history"] | {"infection": True}
    plan = plan_for(library, **REFRACTORY_IDIOPATHIC | {"history": history})
    assert "nlsp-analgesia-interventional" in held(plan)
    assert "nlsp-analgesia-refer-during-hold" in _items(plan)
    review = _items(plan)["clinic-mon-pain-review"]["detail"]
    assert "if the pain is still not controlled then, refer to the pain service" not in review
    assert "together with the pain service" in review


# --- N-3: the older-adult NSAID caution once --------------------------------------------------------------------

AGED_ENTRAPMENT = {
    "patient": {"birth_date": "1948-03-03"},
    "history": {"etiology": "entrapment", "affected_side": "left", "entrapment_site": "other"},
    "strength": {"hip_flexion": {"left": 4, "right": 5}, "knee_extension": {"left": 4, "right": 5}},
    "function": {"ambulation": "independent"},
}


@pytest.mark.parametrize("clearance", [55, None])
def test_the_older_adult_nsaid_caution_is_printed_once_by_the_ladder_item(library: Any, clearance: Any) -> None:
    history = {"creatinine_clearance_ml_min": clearance} if clearance else {}
    plan = plan_for(
        library,
        **AGED_ENTRAPMENT | {"history": AGED_ENTRAPMENT["history"] | history},
        pain={"nrs": 5, "neuropathic": True, "current_ladder_step": 1},
    )
    items = _items(plan)
    caution = "Aged 65 or over"
    assert caution in items["who-step-1"]["detail"]
    assert caution not in items["entrap-analgesia-conservative-drugs"]["detail"]
    assert (
        "The ladder item names the drug class and its cautions"
        in items["entrap-analgesia-conservative-drugs"]["detail"]
    )


def test_without_pain_the_entrapment_item_keeps_the_caution_since_no_ladder_item_is_offered(library: Any) -> None:
    plan = plan_for(
        library,
        **AGED_ENTRAPMENT,
        pain={"nrs": 0},
        symptoms={"paresthesia": True},
    )
    items = _items(plan)
    assert not [i for i in items if i.startswith("who-step-")]
    assert "Aged 65 or over" in items["entrap-analgesia-conservative-drugs"]["detail"]


# --- N-4: palliative, one line for "as far as you feel able" ----------------------------------------------------


def test_palliative_exercise_line_is_printed_once(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "right", "palliative": True},
        strength={"knee_extension": {"right": 3, "left": 5}, "hip_flexion": {"right": 4, "left": 5}},
        function={"ambulation": "independent"},
    )
    items = _items(plan)
    assert "mgmt-pt-strength-flexibility-gait" in items
    # the checklist's line is the one exercise line of the handout (review 12g, R12g-08)
    assert len(re.findall(r"that help you, as much as you feel able", handout_text(plan))) == 1


# --- Under 18: "child" only under 12 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "word", "not_word"), [("2009-06-01", "young person", "child"), ("2017-06-01", "child", "young person")]
)
def test_the_paediatric_alert_calls_a_teenager_a_young_person(
    library: Any, birth: str, word: str, not_word: str
) -> None:
    plan = plan_for(library, patient={"birth_date": birth}, pain={"nrs": 3})
    detail = offered(plan)["safety-alert-paediatric"]["detail"]
    assert f"to the {word} with a paediatric" in detail
    assert not re.search(rf"\bthe {not_word}\b", detail)


# --- Resistance already given: use only the weight or band given ------------------------------------------------


def test_with_a_weight_card_given_the_handout_says_to_use_only_that_weight(library: Any) -> None:
    plan = plan_for(
        library, strength={"knee_extension": {"right": 4, "left": 5}}, function={"ambulation": "independent"}
    )
    assert any(e["category"] == "resisted" for e in plan["exercises"])
    line = _items(plan)["nlsp-pt-arom-progression"]["handout"]
    assert "use only the one your therapist gave you" in line
    assert "Do not add weights on your own" not in line
    assert "will add light resistance" not in line


def test_without_a_resisted_card_the_handout_says_resistance_comes_later(library: Any) -> None:
    plan = plan_for(
        library, strength={"knee_extension": {"right": 3, "left": 5}}, function={"ambulation": "independent"}
    )
    assert not any(e["category"] == "resisted" for e in plan["exercises"])
    line = _items(plan)["nlsp-pt-arom-progression"]["handout"]
    assert "your therapist will add light resistance. Do not add weights on your own." in line


# --- Plexus dissection with neurolysis: only for pain from a tumour (and, in its own item, after radiation) ------


@pytest.mark.parametrize("etiology", ["idiopathic", "unknown", "entrapment", "diabetic", "traumatic", "postsurgical"])
def test_plexus_dissection_is_not_offered_outside_tumour_or_radiation(library: Any, etiology: str) -> None:
    history = REFRACTORY_IDIOPATHIC["history"] | {"etiology": etiology, "trauma_on": "2026-03-01"}
    plan = plan_for(library, **REFRACTORY_IDIOPATHIC | {"history": history})
    items = _items(plan)
    assert "nlsp-analgesia-interventional" in items
    assert "neurolysis" not in " ".join(i["detail"] for i in items.values())


def test_plexus_dissection_is_not_offered_for_pain_from_a_tumour(library: Any) -> None:
    """Review 12h R12h-06: dissecting the plexus frees nerves from radiation scar, not from a tumour; the
    radiotherapy item names it for radiation fibrosis only (test_review12h_pain)."""
    plan = plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "left", "malignancy": "rectal carcinoma"},
        strength={"hip_flexion": {"left": 4, "right": 5}},
        pain={"nrs": 9, "neuropathic": True, "current_ladder_step": 3},
        function={"ambulation": "independent"},
    )
    items = _items(plan)
    assert "nlsp-analgesia-interventional" in items
    assert "neurolysis" not in " ".join(i["detail"] for i in items.values())


@pytest.mark.parametrize(
    ("history", "item"),
    [({"etiology": "radiation", "radiation_completed_on": "2020-01-01"}, "mgmt-analgesia-post-radiation-multimodal")],
)
@pytest.mark.parametrize(("nrs", "offered_there"), [(4, False), (6, False), (7, True), (9, True)])
def test_plexus_dissection_is_for_severe_pain_only(
    library: Any, history: dict[str, Any], item: str, nrs: int, offered_there: bool
) -> None:
    """Review 12e R12e-01: an operation on the plexus is not offered for moderate pain, even on the top step
    (clinical-spec: neuroablative procedures never for moderate pain; interventions for severe pain)."""
    plan = plan_for(
        library,
        history={"affected_side": "left", **history},
        strength={"hip_flexion": {"left": 4, "right": 5}},
        pain={"nrs": nrs, "neuropathic": True, "current_ladder_step": 3},
        function={"ambulation": "independent"},
    )
    details = " ".join(i["detail"] for i in _items(plan).values())
    assert item in _items(plan)
    assert ("plexus dissection" in details) is offered_there


def test_after_radiotherapy_the_radiation_item_names_it_and_the_interventional_item_does_not(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "radiation", "affected_side": "left", "radiation_completed_on": "2020-01-01"},
        strength={"hip_flexion": {"left": 4, "right": 5}},
        pain={"nrs": 9, "neuropathic": True, "current_ladder_step": 3},
        function={"ambulation": "independent"},
    )
    items = _items(plan)
    assert "neurolysis" not in items["nlsp-analgesia-interventional"]["detail"]
    assert "surgical neurolysis" in items["mgmt-analgesia-post-radiation-multimodal"]["detail"]


# --- F-6: board users do not stand ---------------------------------------------------------------------------------


def test_board_users_get_equipment_texts_without_standing(library: Any) -> None:
    plan = plan_for(
        library,
        strength={"knee_extension": {"right": 1, "left": 5}, "hip_extension": {"right": 1, "left": 5}},
        function={
            "ambulation": "non_ambulatory",
            "sit_to_stand": "needs_help",
            "standing_transfer": "unable",
            "bathing": "needs_help",
        },
    )
    assert (
        all_findings(
            validate_assessment(
                make_assessment(
                    strength={"knee_extension": {"right": 1, "left": 5}},
                    function={
                        "ambulation": "non_ambulatory",
                        "sit_to_stand": "needs_help",
                        "standing_transfer": "unable",
                    },
                )
            ),
            library,
        )["standing_mode"]
        == "slide"
    )
    equipment = {e["id"]: e for e in plan["equipment"]}
    assert "standing up" not in equipment["eq-raisers"]["purpose"]
    assert "moving across on your board" in equipment["eq-raisers"]["purpose"]
    shower = " ".join(equipment["eq-hand-shower"]["instructions"])
    assert "before you sit down" not in shower and "before you move across onto the seat" in shower


def test_patients_who_stand_keep_the_standing_texts(library: Any) -> None:
    plan = plan_for(
        library,
        strength={"knee_extension": {"right": 3, "left": 5}},
        function={"ambulation": "independent", "sit_to_stand": "needs_help", "bathing": "needs_help"},
    )
    equipment = {e["id"]: e for e in plan["equipment"]}
    assert "so standing up is easier" in equipment["eq-raisers"]["purpose"]
    assert "before you sit down" in " ".join(equipment["eq-hand-shower"]["instructions"])


# --- F-7: a patient who cannot dress the legs is dressed with a helper -------------------------------------------


@pytest.mark.parametrize(("dressing", "helped"), [("unable", True), ("needs_help", False)])
def test_dressing_aids_name_the_helper_for_a_patient_who_cannot_dress_the_legs(
    library: Any, dressing: str, helped: bool
) -> None:
    plan = plan_for(
        library,
        strength={"hip_flexion": {"right": 1, "left": 5}, "knee_extension": {"right": 1, "left": 5}},
        function={"ambulation": "non_ambulatory", "lower_body_dressing": dressing},
    )
    equipment = {e["id"]: e for e in plan["equipment"]}
    for aid in ("eq-reacher", "eq-sock-aid", "eq-shoe-horn"):
        steps = " ".join(equipment[aid]["instructions"])
        assert ("Your helper" in steps) is helped, aid
    line = _items(plan)["nlsp-ot-dressing-bathing-equipment"]["handout"]
    assert ("with your helper" in line) is helped
    assert ("Sit down to dress your legs and feet" in line) is not helped
    if helped:
        assert "Use the reacher to hold the waist" not in " ".join(equipment["eq-reacher"]["instructions"])


# --- F-9: a progression never leads to a card the patient may not do ---------------------------------------------


def test_bridge_does_not_progress_to_a_standing_card_for_a_patient_who_may_not_stand(library: Any) -> None:
    """Knee graded 2: the knee may give way, so no standing work; the bridge stays the hip card at grade 4."""
    plan = plan_for(
        library,
        strength={"hip_extension": {"right": 4, "left": 5}, "knee_extension": {"right": 2, "left": 5}},
        function={"ambulation": "device"},
    )
    bridge = next(e for e in plan["exercises"] if e["id"] == "ex-bridge")
    assert "ex-hip-back-band" not in bridge["progression"]


def test_bridge_progresses_to_the_standing_band_card_for_a_patient_who_stands_safely(library: Any) -> None:
    plan = plan_for(
        library, strength={"hip_extension": {"right": 3, "left": 5}}, function={"ambulation": "independent"}
    )
    bridge = next(e for e in plan["exercises"] if e["id"] == "ex-bridge")
    assert bridge["progression"] == ["ex-hip-back-band"]


def test_a_progression_held_by_the_safety_screen_is_not_shown(library: Any) -> None:
    """Six weeks after an operation every resisted card is held: the seated knee card points to none."""
    plan = plan_for(
        library,
        history={"etiology": "postsurgical", "affected_side": "right", "surgery_on": "2026-10-10"},
        strength={"knee_extension": {"right": 3, "left": 5}},
        function={"ambulation": "independent"},
    )
    seated = next(e for e in plan["exercises"] if e["id"] == "ex-knee-straighten-seated")
    assert seated["progression"] == []


# --- "your bilateral leg" and the silent clot line ---------------------------------------------------------------


def test_bilateral_lymphedema_reads_both_your_legs(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "neoplastic", "affected_side": "bilateral"},
        lymphedema={"present": True, "side": "bilateral", "phase": "maintenance"},
        function={"ambulation": "independent"},
    )
    text = handout_text(plan)
    assert "bilateral leg" not in text
    assert "Wear your compression garment on both your legs" in text


def test_one_sided_lymphedema_names_the_leg(library: Any) -> None:
    plan = plan_for(
        library,
        lymphedema={"present": True, "side": "left", "phase": "reduction"},
        function={"ambulation": "independent"},
    )
    assert "Keep the bandages on your left leg" in handout_text(plan)
    assert "Wrap the left leg" in _items(plan)["nlsp-lymph-reduction-wrap-massage"]["detail"]


def test_heat_and_tens_name_the_leg_with_the_clot(library: Any) -> None:
    plan = plan_for(
        library,
        history={"etiology": "idiopathic", "affected_side": "right", "dvt": True, "dvt_side": "left"},
        pain={"nrs": 4, "neuropathic": True, "current_ladder_step": 1},
        symptoms={"numbness": False, "allodynia": False},
    )
    items = _items(plan)
    assert "Keep warmth off your left leg, which has the clot." in items["mgmt-analgesia-heat"]["handout"]
    assert "Keep the pads off your left leg, which has the clot." in items["nlsp-analgesia-tens-anodyne"]["handout"]


@pytest.mark.parametrize(
    ("side", "words"), [(None, "until your doctor tells you which leg has the clot"), ("bilateral", "each has a clot")]
)
def test_heat_and_tens_clot_lines_are_not_silent_without_a_side(library: Any, side: Any, words: str) -> None:
    """The screen holds heat and TENS here; a clinician who prints the line anyway (or a later screen change)
    must still read where the warmth and the pads may not go."""
    history = {"etiology": "idiopathic", "affected_side": "right", "dvt": True} | ({"dvt_side": side} if side else {})
    assessment = validate_assessment(make_assessment(history=history, pain={"nrs": 4, "neuropathic": True}))
    findings = all_findings(assessment, library)
    rules = {r.id: r for r in library.recommendations}
    for rule_id in ("mgmt-analgesia-heat", "nlsp-analgesia-tens-anodyne"):
        line = rules[rule_id].handout.render(findings)
        assert "both legs" in line and words in line, rule_id
        assert "bilateral leg" not in line


# --- "Change your position often" once, in English and in Spanish ----------------------------------------------


def test_a_non_walker_is_told_to_change_position_once_in_both_languages() -> None:
    library = compile_library(read_shipped_documents(), translations=read_shipped_translations())
    assessment = validate_assessment(
        make_assessment(
            patient={"language": "es"},
            strength={"knee_extension": {"right": 1, "left": 5}, "hip_extension": {"right": 1, "left": 5}},
            function={"ambulation": "non_ambulatory", "standing_transfer": "unable", "sit_to_stand": "unable"},
        )
    )
    plan = generate_plan(assessment, library)
    items = _items(plan)
    assert {"nlsp-pt-mobilize-dvt-watch", "nlsp-pt-pressure-protection"} <= items.keys()
    assert handout_text(plan).count("Change your position often") == 1
    assert _spanish_handout(plan).count("Cambie de postura a menudo") == 1


def test_a_board_user_without_pressure_care_is_still_told_to_change_position(library: Any) -> None:
    """Walks with a frame but cannot stand to transfer: since R12o-05 the record is checked and read as not
    walking, so the wheelchair's pressure-care item carries the instruction to change position, once."""
    plan = plan_for(
        library,
        strength={"knee_extension": {"right": 3, "left": 5}},
        function={"ambulation": "assisted", "standing_transfer": "unable"},
    )
    items = _items(plan)
    assert "Change your position often" in items["nlsp-pt-pressure-protection"]["handout"]
    assert "Change your position" not in (items["nlsp-pt-mobilize-dvt-watch"].get("handout") or "")
