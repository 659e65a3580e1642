"""Review 12q (/work/team/reports/review12q.md), transfers, walking in doubt and the weakness pattern: R12q-02 (a
patient whose transfers need a helper is told once, and only, to transfer with the helper), R12q-03 (walking
recorded beside rising or standing recorded unable is read as not walking in every item, the clinician's too),
R12q-04 (the one-group item alone says that the studies decide between root, nerve and plexus) and R12q-05 (the
sciatic fit names the gluteal nerves, which leave the pelvis by the piriformis, when a gluteal group is weak,
never the sciatic trunk alone). The reviewer's cases are in
tests/fixtures/review12q (qb-*); each rule is tested on both sides of its threshold, written from clinical-spec.md
("Therapy tiered by what the patient can do", "One plan a clinician reads") and the anatomy of the gluteal nerves.
The faults that generalise are invariants of the plan lint (tests/plan/test_plan_lint.py,
``round12qb_invariants``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from tests.conftest import load_example, make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case, expected_cases
from tests.plan.views import checked_plan as plan_of
from tests.plan.views import entry_text
from tests.plan.views import offered_entries as entries

Q_DIR = FIXTURES / "review12q"
ASK_FOR_HELP = "Ask for help whenever a transfer feels unsafe"
BOARD_LINE = "get in and out of it on your transfer board"
BOARD_HELPER = "Have your helper with you until your therapist says you can do it alone"
ONLY_WITH_HELPER = "Get in and out of it only with your helper, until your therapist says you can do it alone"
NON_WALKER, EDX, ONE_GROUP = "clinic-pt-non-ambulatory", "guide-med-electrodiagnostic", "guide-med-one-group-pattern"
WALK_ORTHOSIS, MISMATCH = "mgmt-orthosis-ambulation", "clinic-alert-walking-rising-mismatch"
BOTOX, GLIDES, CONFIRM_SITE = (
    "entrap-analgesia-botulinum-piriformis",
    "entrap-pt-nerve-mobilization",
    "entrap-med-confirm-site",
)
ASSISTED = "walks only with another person's help"
BOTH_NERVES = "the sciatic and inferior gluteal nerves, which both leave the pelvis below the piriformis"
POINTER = "see the item on the one weak group"

EXPECTATIONS: dict[str, Expect] = {
    # R12q-02: a non-walker at MRC 0-1 transfers by board: one helper rule, the strict one
    "qb-10-radiation-non-walker-grades-0-1": Expect(
        offered={NON_WALKER, "clinic-ot-transfer-board"},  # the board's line says the helper (R12t-B03)
        texts={NON_WALKER: BOARD_LINE, "clinic-ot-transfer-board": BOARD_HELPER},
        not_texts={NON_WALKER: ASK_FOR_HELP},
    ),
    # R12q-04: one weak group: the one-group item decides, the studies item points to it
    "qb-16-lymphedema-arterial-insufficiency": Expect(
        offered={EDX, ONE_GROUP},
        texts={EDX: POINTER, ONE_GROUP: "electrodiagnostic studies decide between them"},
        not_texts={EDX: "decides between"},
    ),
    "qb-20-entrapment-infection": Expect(
        offered={EDX, ONE_GROUP},
        texts={EDX: POINTER},
        not_texts={EDX: "decides between"},
    ),
    # R12q-05: hip extension (inferior gluteal) weak beside a sciatic-trunk pattern, no site recorded
    "qb-entrapment-piriformis-no-site": Expect(
        offered={BOTOX, GLIDES},
        texts={BOTOX: BOTH_NERVES, GLIDES: BOTH_NERVES},
        not_texts={BOTOX: "sciatic trunk", GLIDES: "sciatic trunk"},
    ),
}


@pytest.mark.parametrize(("path", "expect"), expected_cases(Q_DIR, EXPECTATIONS))
def test_review12qb_case(library: Any, path: Path, expect: Expect) -> None:
    check_case(library, path, expect)


def assess(**changes: Any) -> dict[str, Any]:
    return validate_assessment(make_assessment(**changes))


def idiopathic(**function: Any) -> dict[str, Any]:
    example = load_example("idiopathic-proximal")
    example["function"] = {**example["function"], **function}
    return validate_assessment(example)


# --- R12q-02: transfers with a helper, said one way -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("standing_transfer", "sit_to_stand", "helper"),
    [("independent", "independent", False), ("needs_help", "needs_help", True), ("unable", None, True)],
)
def test_the_wheelchair_line_asks_for_the_helper_at_every_transfer_when_transfers_need_one(
    library: Any, standing_transfer: str, sit_to_stand: str | None, helper: bool
) -> None:
    function = {"ambulation": "non_ambulatory", "standing_transfer": standing_transfer}
    if sit_to_stand:
        function["sit_to_stand"] = sit_to_stand
    found = entries(plan_of(library, assess(strength={"hip_flexion": {"right": 3}}, function=function)))
    handout = found[NON_WALKER]["handout"]
    board = "clinic-ot-transfer-board" in found  # its line says the helper, once (R12t-B03)
    assert (
        ONLY_WITH_HELPER in handout or (board and BOARD_HELPER in found["clinic-ot-transfer-board"]["handout"])
    ) is helper
    assert (ASK_FOR_HELP in handout) is not helper


def test_the_idiopathic_example_gives_the_strict_transfer_rule_once(library: Any) -> None:
    found = entries(plan_of(library, idiopathic()))
    helper_lines = [
        i
        for i, e in found.items()
        if BOARD_HELPER in (e.get("handout") or "") or ONLY_WITH_HELPER in (e.get("handout") or "")
    ]
    assert len(helper_lines) == 1
    assert not any(ASK_FOR_HELP in entry_text(e) for e in found.values())


# --- R12q-03: walking in doubt is read as not walking in every item ------------------------------------------------


def test_the_idiopathic_example_reads_the_patient_as_not_walking_in_every_clinician_item(library: Any) -> None:
    plan = plan_of(library, idiopathic())
    found = entries(plan)
    assert MISMATCH in found and WALK_ORTHOSIS not in found
    assert "recorded as walking only with another person's help" in found[MISMATCH]["detail"]
    assert [i for i, e in found.items() if i != MISMATCH and ASSISTED in entry_text(e)] == []
    assert "is read as not walking until the record is checked" in found["nlsp-pt-mobilize-dvt-watch"]["detail"]
    assert plan["findings"]["handout_walking_aids"] is False


def test_the_same_patient_rising_with_help_is_a_walker_again(library: Any) -> None:
    plan = plan_of(library, idiopathic(sit_to_stand="needs_help"))
    found = entries(plan)
    assert MISMATCH not in found and WALK_ORTHOSIS in found
    assert ASSISTED in found["nlsp-pt-mobilize-dvt-watch"]["detail"]
    assert plan["findings"]["handout_walking_aids"] is True


@pytest.mark.parametrize(("sit_to_stand", "in_doubt"), [("unable", True), ("needs_help", False)])
def test_an_independent_walker_who_cannot_rise_gets_the_bed_and_chair_items_of_a_non_walker(
    library: Any, sit_to_stand: str, in_doubt: bool
) -> None:
    """Mild weakness (MRC 4) alone calls for none of these; the not-walking reading does."""
    function = {"ambulation": "independent", "sit_to_stand": sit_to_stand, "standing_transfer": "needs_help"}
    found = entries(plan_of(library, assess(strength={"hip_flexion": {"right": 4}}, function=function)))
    non_walker_items = {"nlsp-pt-contracture-prevention", "nlsp-pt-mobilize-dvt-watch", "eq-commode", NON_WALKER}
    assert (non_walker_items <= found.keys()) is in_doubt
    assert not non_walker_items & found.keys() or in_doubt
    assert (WALK_ORTHOSIS in found) is False  # no distal weakness, no assisted walking


# --- R12q-04: the one-group reasoning said once ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("strength", "pointer"),
    [
        ({"ankle_dorsiflexion": {"right": 4}}, True),
        ({"ankle_dorsiflexion": {"right": 4}, "hip_flexion": {"right": 4}}, False),
    ],
)
def test_the_studies_item_points_to_the_one_group_item_only_when_it_is_there(
    library: Any, strength: dict[str, Any], pointer: bool
) -> None:
    found = entries(plan_of(library, assess(strength=strength)))
    assert (ONE_GROUP in found) is pointer
    assert (POINTER in found[EDX]["detail"]) is pointer
    assert "decides between them" not in found[EDX]["detail"]


# --- R12q-05: the sciatic fit and the gluteal nerves -----------------------------------------------------------------


def entrapment(site: str | None = None, **grades: int) -> dict[str, Any]:
    history: dict[str, Any] = {"etiology": "entrapment", "affected_side": "right", "onset": "2026-07-01"}
    if site:
        history["entrapment_site"] = site
    return assess(history=history, strength={g: {"right": v} for g, v in grades.items()}, pain={"nrs": 3})


@pytest.mark.parametrize(("hip_extension", "words"), [(4, BOTH_NERVES), (5, "The weakness fits the sciatic trunk.")])
def test_the_sciatic_fit_names_the_inferior_gluteal_nerve_when_hip_extension_is_weak(
    library: Any, hip_extension: int, words: str
) -> None:
    found = entries(plan_of(library, entrapment(hip_extension=hip_extension, knee_flexion=4)))
    assert words in found[BOTOX]["detail"]
    assert ("sciatic trunk" in found[GLIDES]["detail"]) is (hip_extension == 5)


def test_the_shipped_entrapment_example_names_both_nerves(library: Any) -> None:
    found = entries(plan_of(library, validate_assessment(load_example("entrapment-piriformis"))))
    assert BOTH_NERVES in found[BOTOX]["detail"]


@pytest.mark.parametrize(
    ("site", "words"), [(None, "the sciatic and gluteal nerves"), ("piriformis", "the sciatic and gluteal nerves")]
)
def test_weak_hip_abduction_beside_a_sciatic_pattern_names_the_gluteal_nerves(
    library: Any, site: str | None, words: str
) -> None:
    """The superior gluteal nerve leaves the pelvis just above the piriformis: a piriformis-level reading still holds
    (tests/plan/test_review12g_pain.py), but the sciatic trunk alone does not explain the weakness."""
    found = entries(plan_of(library, entrapment(site, hip_abduction=4, knee_flexion=4)))
    assert words in found[BOTOX]["detail"] and "sciatic trunk" not in found[BOTOX]["detail"]
    assert CONFIRM_SITE not in found


def test_the_reviewers_fixtures_are_read_as_run() -> None:
    for path in Q_DIR.glob("qb-*.json"):
        assert validate_assessment(json.loads(path.read_text(encoding="utf-8")))
