"""Reviews 12h and 12i (/work/team/reports/review12h.md, review12i.md): the wording findings R12h-14, 15, 16, 17
and 20, and R12i-07, 09, 10, 13 and 14, as the reviewers' own cases (tests/fixtures/review12h, review12i) and
as rules tested on both sides of their threshold. The faults that generalise are invariants of the plan lint
(tests/plan/test_plan_lint.py, ``wording12h_invariants``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.export.handout import render_handout_pdf
from planner.export.handout_labels import LABELS, dosage_rows
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from planner.plan.generate import catalogue_entry, generate_plan
from tests.conftest import make_assessment
from tests.export.test_handout import context, pages_of
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.test_clinical_safety import offered, plan_for

H_DIR = FIXTURES / "review12h"
I_DIR = FIXTURES / "review12i"
PROGRESS = "the weakness may still progress"
SIT_TO_STAND_LINE = "Getting up from a chair may be harder for you"
SLIDING = "sliding your leg on the bed"
FOOT_SUPPORTED = "with your foot supported"

H_EXPECTATIONS: dict[str, Expect] = {
    # R12h-16: maintenance phase: the card speaks of the stocking, never of the bandage
    "h04-radiation-nocancer-lymphedema": Expect(
        offered={"ex-lymph-routine"},
        texts={"ex-lymph-routine": "take the stocking off"},
        not_texts={"ex-lymph-routine": "bandage"},
    ),
    # R12h-17: palliative: the elevation line gives no daily exercise order beside "on the days it helps you"
    "h03-tumour-palliative-eol-es": Expect(
        offered={"nlsp-lymph-reduction-elevation-education"},
        not_texts={"nlsp-lymph-reduction-elevation-education": "every day"},
    ),
    # R12h-20: both legs weak and both feet drop: legs, calves and braces in the plural
    "h12-bilateral-severe-nocancer-infection": Expect(
        offered={"nlsp-pt-contracture-prevention"},
        texts={"nlsp-pt-contracture-prevention": "Rest your legs in the positions"},
        lines={"clinic-check-brace"},
        line_texts={"clinic-check-brace": "Put on your ankle braces"},
    ),
}

I_EXPECTATIONS: dict[str, Expect] = {
    # R12i-07: sensory only, full strength, walks alone, 3/10 acute: no bed positioning, no hourly pumps
    "i10": Expect(
        offered={"nlsp-pt-acute-positioning"},
        not_offered={"ex-position-back", "ex-ankle-pumps"},
        texts={"nlsp-pt-acute-positioning": "While this pain lasts"},
        not_texts={"nlsp-pt-acute-positioning": PROGRESS},
    ),
    # R12i-09: only the hamstrings weak proximally, rising independent: no sit-to-stand item
    "i04": Expect(not_offered={"nlsp-ot-sit-to-stand"}),
    "i06": Expect(not_offered={"nlsp-ot-sit-to-stand"}, offered={"nlsp-ot-standing-transfer-safety"}),
    # R12i-09: hip abductors weak with distal-predominant weakness: the item, but one transfer line
    "i07": Expect(
        offered={"nlsp-ot-sit-to-stand", "nlsp-ot-standing-transfer-safety"},
        not_texts={"nlsp-ot-sit-to-stand": "Getting up from a chair"},
    ),
    # R12i-14: a non-walker's commode does not speak of walking
    "i02": Expect(
        offered={"eq-commode"}, texts={"eq-commode": "go to the toilet"}, not_texts={"eq-commode": "walk to"}
    ),
    # R12i-14: the grade-2 groups are the ankle and the toe: the foot supported, no sliding of the leg
    "i12a": Expect(
        offered={"clinic-pt-active-assisted"},
        texts={"clinic-pt-active-assisted": FOOT_SUPPORTED},
        not_texts={"clinic-pt-active-assisted": SLIDING},
    ),
}


@pytest.fixture(scope="module")
def spanish() -> Any:
    """The shipped library with its shipped translations."""
    return compile_library(read_shipped_documents(), translations=read_shipped_translations())


@pytest.mark.parametrize(("path", "expect"), expected_cases(H_DIR, H_EXPECTATIONS))
def test_review12h_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


@pytest.mark.parametrize(("path", "expect"), expected_cases(I_DIR, I_EXPECTATIONS))
def test_review12i_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


def fixture(path: Path) -> dict[str, Any]:
    return validate_assessment(json.loads(path.read_text(encoding="utf-8")))


def patient_texts(entry: dict[str, Any]) -> str:
    return " ".join(
        [*(str(entry.get(k) or "") for k in ("handout", "name", "purpose", "precautions")), *entry["instructions"]]
        if "instructions" in entry
        else [str(entry.get("handout") or "")]
    )


# --- R12h-14 / R12i-13: "a la semana" -------------------------------------------------------------------


@pytest.mark.parametrize("times", range(1, 8))
def test_a_weekly_dosage_reads_a_la_semana_in_spanish(times: int) -> None:
    (label, often), *_ = dosage_rows({"times": times, "per": "week"}, "es")
    assert label == LABELS["es"]["how_often"]
    assert often.endswith(" a la semana") and " al semana" not in often
    assert often.startswith({1: "una vez", 2: "dos veces"}.get(times, f"{times} veces"))


@pytest.mark.parametrize("times", range(1, 13))
def test_a_daily_dosage_keeps_al_dia_in_spanish_and_english_unchanged(times: int) -> None:
    (_, often), *_ = dosage_rows({"times": times, "per": "day"}, "es")
    assert often.endswith(" al día")
    (_, english), *_ = dosage_rows({"times": times, "per": "week"}, "en")
    assert english.endswith(" a week") and "  " not in english


# --- R12h-15: no empty step, in any language, under the conditions that vary the steps ---------------------

VARIANTS: dict[str, dict[str, Any]] = {
    "ankle 0, non-walker, palliative": {
        "strength": {"ankle_dorsiflexion": {"right": 0, "left": 5}, "knee_extension": {"right": 1, "left": 5}},
        "function": {"ambulation": "non_ambulatory", "sit_to_stand": "unable", "standing_transfer": "unable"},
        "history": {"etiology": "neoplastic", "affected_side": "right", "malignancy": "rectal", "palliative": True},
    },
    "ankle 2, walker with help": {
        "strength": {"ankle_dorsiflexion": {"right": 2, "left": 5}, "hip_extension": {"right": 3, "left": 5}},
        "function": {"ambulation": "assisted", "sit_to_stand": "needs_help", "standing_transfer": "needs_help"},
    },
    "grade 4, walks alone, acute pain": {
        "strength": {"knee_extension": {"right": 4, "left": 5}, "ankle_dorsiflexion": {"right": 4, "left": 5}},
        "function": {"ambulation": "independent", "sit_to_stand": "independent", "standing_transfer": "independent"},
        "pain": {"nrs": 7, "acute": True},
    },
    "both legs, device, falls": {
        "history": {"etiology": "unknown", "affected_side": "bilateral"},
        "strength": {"ankle_dorsiflexion": {"right": 3, "left": 3}, "hip_abduction": {"right": 4, "left": 4}},
        "function": {"ambulation": "device", "falls_past_3_months": 2, "lower_body_dressing": "unable"},
    },
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_no_card_of_the_library_renders_an_empty_step(spanish: Any, variant: str, language: str) -> None:
    """Every exercise and equipment card, whether the plan offers it or not, in both languages: a step whose
    sentences are all conditional and false is left out, never printed as an empty numbered step."""
    assessment = make_assessment(**VARIANTS[variant])
    validate_assessment(assessment)
    findings = all_findings(assessment, spanish)
    for entry in (*spanish.exercises, *spanish.equipment):
        card = catalogue_entry(entry, spanish, findings, language)
        steps = card["translation"].get("instructions", []) if language != "en" else card["instructions"]
        assert all(step.strip() for step in card["instructions"]), entry.id
        assert all(step.strip() for step in steps), (entry.id, variant, steps)
        if language != "en":
            assert card["translation"]["status"] == "translated", entry.id
            assert len(steps) == len(card["instructions"]), (entry.id, variant)


def test_the_handout_numbers_the_steps_without_a_gap_even_for_a_stored_empty_step(spanish: Any) -> None:
    """A plan saved before empty steps were left out still prints 1, 2, 3: the handout skips an empty step."""
    assessment = make_assessment(
        patient={"id": "T-1", "name": "Test Patient", "language": "es"},
        strength={"ankle_dorsiflexion": {"right": 0, "left": 5}},
        function={"ambulation": "non_ambulatory"},
    )
    validate_assessment(assessment)
    plan = generate_plan(assessment, spanish)
    card = plan["exercises"][0]
    steps = card["translation"]["instructions"]
    card["translation"]["instructions"] = [steps[0], "", *steps[1:]]
    text = " ".join(pages_of(render_handout_pdf(plan, assessment, context(spanish))))
    numbers = [int(n) for n in re.findall(r"(?m)^\s*(\d)\.\s", text)]
    first = numbers[: len(steps)]
    assert first == list(range(1, len(steps) + 1))


# --- R12i-07: bed positioning and hourly pumps only for the immobile --------------------------------------


def acute(library: Any, grades: dict[str, dict[str, int]], ambulation: str, nrs: int = 3) -> dict[str, Any]:
    return plan_for(
        library,
        strength=grades,
        pain={"nrs": nrs, "acute": True},
        function={"ambulation": ambulation},
        symptoms={"numbness": True},
    )


@pytest.mark.parametrize(
    ("grades", "ambulation", "cards"),
    [
        ({}, "independent", False),
        ({"knee_extension": {"right": 3, "left": 5}}, "independent", False),
        ({"knee_extension": {"right": 3, "left": 5}}, "device", False),
        ({"knee_extension": {"right": 2, "left": 5}}, "device", True),
        ({"knee_extension": {"right": 3, "left": 5}}, "assisted", True),
    ],
)
def test_acute_pain_brings_bed_positioning_only_to_the_immobile(
    library: Any, grades: dict[str, Any], ambulation: str, cards: bool
) -> None:
    plan = acute(library, grades, ambulation)
    exercises = {e["id"] for e in plan["exercises"]}
    assert ("ex-position-back" in exercises) is cards
    assert ("ex-ankle-pumps" in exercises) is (cards or ambulation == "assisted")
    handout = offered(plan)["nlsp-pt-acute-positioning"]["handout"]
    assert ("Rest your leg in the positions" in handout) is cards


@pytest.mark.parametrize(("grades", "progress"), [({}, False), ({"hip_flexion": {"right": 4, "left": 5}}, True)])
def test_weakness_may_progress_only_when_weakness_is_recorded(library: Any, grades: Any, progress: bool) -> None:
    detail = offered(acute(library, grades, "independent"))["nlsp-pt-acute-positioning"]["detail"]
    assert (PROGRESS in detail) is progress
    assert ("No weakness is recorded today" in detail) is not progress


@pytest.mark.parametrize(("nrs", "words"), [(3, "While this pain lasts"), (4, "While your pain is bad")])
def test_the_acute_pain_line_matches_the_pain_recorded(library: Any, nrs: int, words: str) -> None:
    plan = acute(library, {}, "independent", nrs)
    assert offered(plan)["nlsp-pt-acute-positioning"]["handout"].startswith(words)


# --- R12i-09: sit to stand on the groups that make rising hard; one transfer line ----------------------------


@pytest.mark.parametrize(
    ("grades", "rising", "item"),
    [
        ({"knee_flexion": {"right": 4, "left": 5}}, "independent", False),
        ({"hip_flexion": {"right": 4, "left": 5}}, "independent", False),
        ({"knee_flexion": {"right": 4, "left": 5}}, "needs_help", True),
        ({"knee_extension": {"right": 4, "left": 5}}, "independent", True),
        ({"hip_extension": {"right": 4, "left": 5}}, "independent", True),
        ({"hip_abduction": {"right": 4, "left": 5}}, "independent", True),
        ({"knee_extension": {"right": 5, "left": 5}}, "independent", False),
    ],
)
def test_the_sit_to_stand_item_follows_the_groups_that_make_rising_hard(
    library: Any, grades: Any, rising: str, item: bool
) -> None:
    plan = plan_for(library, strength=grades, function={"ambulation": "independent", "sit_to_stand": rising})
    assert ("nlsp-ot-sit-to-stand" in offered(plan)) is item


@pytest.mark.parametrize("distal", [True, False])
def test_one_transfer_line_when_weakness_is_distal_and_proximal(library: Any, distal: bool) -> None:
    grades = {"knee_extension": {"right": 4, "left": 5}} | (
        {"ankle_dorsiflexion": {"right": 2, "left": 5}} if distal else {}
    )
    plan = plan_for(library, strength=grades, function={"ambulation": "device", "sit_to_stand": "independent"})
    items = offered(plan)
    lines = [i for i in ("nlsp-ot-sit-to-stand", "nlsp-ot-standing-transfer-safety") if items.get(i, {}).get("handout")]
    assert len(lines) == 1
    # rising is recorded independent here, so the line names the method without calling it harder (R12m, R12i-09)
    assert bool(items["nlsp-ot-sit-to-stand"].get("handout")) is not distal


# --- R12i-10: the improved groups once, and the grades in words -----------------------------------------------


def follow_up(library: Any, gain: int) -> dict[str, Any]:
    first = make_assessment(
        assessed_on="2026-09-01",
        strength={"knee_extension": {"right": 2, "left": 5}, "ankle_dorsiflexion": {"right": 2, "left": 5}},
    )
    second = make_assessment(
        strength={"knee_extension": {"right": 2 + gain, "left": 5}, "ankle_dorsiflexion": {"right": 3, "left": 5}}
    )
    validate_assessment(first)
    validate_assessment(second)
    return generate_plan(second, library, history=[first])


@pytest.mark.parametrize(("gain", "words"), [(1, "Largest gain: 1 grade, in"), (2, "Largest gain: 2 grades, in")])
def test_the_progress_item_says_grade_or_grades_in_words(library: Any, gain: int, words: str) -> None:
    plan = follow_up(library, gain)
    items = offered(plan)
    summary = items["clinic-mon-progress-summary"]["detail"]
    assert words in summary and "(s)" not in summary


def test_the_visit2_plan_lists_the_improved_groups_once(library: Any) -> None:
    plan = generate_plan(fixture(I_DIR / "i12.json"), library, history=[fixture(I_DIR / "i12a.json")])
    items = offered(plan)
    assert (
        "left hip abduction, left ankle dorsiflexion" in items["clinic-mon-progress-summary"]["detail"]
    )  # R12p-01: sides
    assert "1 grade," in items["clinic-mon-progress-summary"]["detail"]
    assert "nlsp-pt-advance-resistance" not in items  # the gain to grade 4 is said in the active-range item (R12p-06)
    assert "listed in the progress item" in items["nlsp-pt-arom-progression"]["detail"]


# --- R12h-16: the garment or the bandage, as the phase says ---------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "word", "other"), [("maintenance", "stocking", "bandage"), ("reduction", "bandage", "stocking off")]
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_lymphedema_card_names_what_the_leg_wears(
    spanish: Any, phase: str, word: str, other: str, language: str
) -> None:
    assessment = fixture(H_DIR / "h04-radiation-nocancer-lymphedema.json")
    assessment["lymphedema"]["phase"] = phase
    assessment["patient"]["language"] = language
    card = {e["id"]: e for e in generate_plan(assessment, spanish)["exercises"]}["ex-lymph-routine"]
    english = patient_texts(card)
    assert word in english and other not in english
    if language == "es":
        spanish = " ".join([card["translation"]["name"], *card["translation"]["instructions"]])
        assert ("media" in card["translation"]["name"]) is (phase == "maintenance")
        assert "puesto" not in spanish or "vendaje puesto" in spanish or "Mantenga puesto el vendaje" in spanish


# --- R12h-17: no daily exercise order in palliative care ---------------------------------------------------


@pytest.mark.parametrize("palliative", [True, False])
def test_the_elevation_line_orders_no_daily_exercise(spanish: Any, palliative: bool) -> None:
    """The checklist's exercise line says it once (R12g-08); in palliative care no line says "every day" (R12h-17)."""
    assessment = fixture(H_DIR / "h03-tumour-palliative-eol-es.json")
    assessment["history"]["palliative"] = palliative
    line = offered(generate_plan(assessment, spanish))["nlsp-lymph-reduction-elevation-education"]
    assert "every day" not in line["handout"]
    assert "cada día" not in line["translation"]["handout"]


# --- R12h-20: headings and number follow the record ------------------------------------------------------


@pytest.mark.parametrize(("ambulation", "heading"), [("non_ambulatory", False), ("assisted", True)])
def test_the_aids_heading_speaks_of_walking_only_to_a_walker(library: Any, ambulation: str, heading: bool) -> None:
    assessment = make_assessment(
        strength={"knee_extension": {"right": 2, "left": 5}, "ankle_dorsiflexion": {"right": 2, "left": 5}},
        function={"ambulation": ambulation},
    )
    validate_assessment(assessment)
    plan = generate_plan(assessment, library)
    assert plan["findings"]["handout_walking_aids"] is heading
    text = " ".join(pages_of(render_handout_pdf(plan, assessment, context(library))))
    assert ("Walking aids and braces" in text) is heading
    assert ("Wheelchair and splints" in text) is not heading


@pytest.mark.parametrize(("left", "plural"), [(2, True), (5, False)])
def test_a_two_leg_case_reads_legs_calves_and_braces(library: Any, left: int, plural: bool) -> None:
    plan = plan_for(
        library,
        history={"etiology": "unknown", "affected_side": "bilateral" if plural else "right"},
        strength={"ankle_dorsiflexion": {"right": 2, "left": left}, "knee_extension": {"right": 1, "left": left}},
        function={"ambulation": "device"},
    )
    cards = {e["id"]: e for e in plan["exercises"]}
    steps = " ".join(cards["ex-position-back"]["instructions"])
    assert ("with your legs straight" in steps and "under your calves" in steps) is plural
    brace = {line["id"]: line["text"] for lines in plan["handout"].values() for line in lines}["clinic-check-brace"]
    assert ("ankle braces" in brace) is plural
    assert ("ankle braces inside your shoes" in offered(plan)["clinic-afo"]["handout"]) is plural


# --- R12i-14: the commode and the assisted movement follow the record ------------------------------------


@pytest.mark.parametrize(("ambulation", "words"), [("non_ambulatory", "go to the toilet"), ("assisted", "walk to")])
def test_the_commode_speaks_of_walking_only_to_a_walker(library: Any, ambulation: str, words: str) -> None:
    plan = plan_for(library, function={"ambulation": ambulation}, strength={"knee_extension": {"right": 2, "left": 5}})
    commode = {e["id"]: e for e in plan["equipment"]}["eq-commode"]
    assert words in commode["purpose"]


@pytest.mark.parametrize(
    ("group", "sliding"),
    [("ankle_dorsiflexion", False), ("great_toe_extension", False), ("knee_extension", True), ("hip_abduction", True)],
)
def test_assisted_movement_slides_the_leg_only_for_a_hip_or_knee(library: Any, group: str, sliding: bool) -> None:
    plan = plan_for(library, strength={group: {"right": 2, "left": 5}}, function={"ambulation": "device"})
    handout = offered(plan)["clinic-pt-active-assisted"]["handout"]
    assert (SLIDING in handout) is sliding
    assert (FOOT_SUPPORTED in handout) is not sliding


@pytest.mark.parametrize(("group", "sliding"), [("ankle_dorsiflexion", False), ("knee_extension", True)])
def test_the_passive_item_names_the_assisted_joints_the_same_way(library: Any, group: str, sliding: bool) -> None:
    plan = plan_for(
        library,
        strength={"hip_flexion": {"right": 1, "left": 5}, group: {"right": 2, "left": 5}},
        function={"ambulation": "non_ambulatory"},
    )
    handout = offered(plan)["clinic-pt-passive"]["handout"]
    assert (SLIDING in handout) is sliding
    assert (FOOT_SUPPORTED in handout) is not sliding
