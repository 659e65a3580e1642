"""Review 12s, reviewer A (/work/team/reports/review12s-A.md): R12s-A01 (the handout's "walk only with your helper"
is stated, with its reason, in the walking-aid item the clinician signs, and unrecorded fields that are the reason
are asked for), R12s-A03 (rising practice held: the handout gives no taught method, only "get up when you need to"
until the treating doctor says practising is safe), R12s-A05 (the chair line is the one line on standing up from
a chair, and keeps the helper), R12s-A06 (the post-radiation multimodal item points to the topical and pain-service
items) and R12s-A09 ("any one of these" only before more than one reason). Each rule is tested on both sides of
its threshold, written from clinical-spec.md ("One plan a clinician reads": each fact said once, no contradiction,
an unrecorded value asked for rather than read as text) and general clinical knowledge (a patient who needs help to
get up cannot get up alone after a stumble either). The faults that generalise are invariants of the plan lint
(tests/plan/test_plan_lint.py, ``round12sa_invariants``)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from planner.assessment.validate import validate_assessment
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.translations import read_shipped_translations
from planner.plan.generate import generate_plan
from tests.conftest import load_example, make_assessment
from tests.paths import FIXTURES
from tests.plan.test_clinical_cases import Expect, check_case
from tests.plan.test_plan_lint import round12sa_invariants
from tests.plan.views import checked_plan as plan_of
from tests.plan.views import offered_entries as entries

CASES = FIXTURES / "cases"
WALKER, CANE, CHAIR = "clinic-aid-walker", "clinic-aid-cane", "clinic-ot-chair"
SIT_TO_STAND, TRANSFER = "nlsp-ot-sit-to-stand", "nlsp-ot-standing-transfer-safety"
MULTIMODAL, TOPICALS = "mgmt-analgesia-post-radiation-multimodal", "mgmt-analgesia-topicals"
HELPER_WALK = "Walk only with your helper beside you"
HANDOUT_SAYS = "The handout says to walk only with a helper: "
ASK_RECORD = "Record what is missing to confirm or lift it."
TAUGHT = "your therapist showed you"
CLOT_HOLD = "Until the doctor treating your blood clot says practising is safe"
SHOWN_METHOD = "Getting up from a chair may be harder for you. Use the method your therapist showed you"


def case(stem: str) -> dict[str, Any]:
    return json.loads((CASES / f"{stem}.json").read_text(encoding="utf-8"))


def plan_for(library: Any, raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return entries(plan_of(library, validate_assessment(raw)))


def case_04(**function: Any) -> dict[str, Any]:
    """Case 04 (both legs, walker, rising needs help), with ``function`` merged into its record."""
    raw = case("04-diabetic-both-legs-refractory")
    raw["function"] = {**raw["function"], **function}
    return raw


# --- the reviewer's cases, through the shared case check ------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "expect"),
    [
        (
            "04-diabetic-both-legs-refractory",
            Expect(
                offered={WALKER, CHAIR},
                texts={WALKER: "rising needs help; standing transfer not recorded; falls not recorded; position sense"},
                not_texts={WALKER: "Any one of these"},
            ),
        ),
        ("01-neoplastic-dvt-without-lymphedema", Expect(offered={SIT_TO_STAND}, texts={SIT_TO_STAND: CLOT_HOLD})),
        ("03-idiopathic-opioid-naive-severe-neuropathic", Expect(offered={WALKER, CHAIR, SIT_TO_STAND})),
        ("05-entrapment-femoral-pattern", Expect(offered={WALKER, CHAIR}, texts={WALKER: "This points to a walker"})),
        ("02-radiation-pacemaker-no-cancer-text", Expect(offered={MULTIMODAL, TOPICALS})),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_review12sa_case(library: Any, stem: str, expect: Expect) -> None:
    check_case(library, CASES / f"{stem}.json", expect)


# --- R12s-A01: the helper at every walk is visible to the signer, with its reason ------------------------------------


def test_the_richest_example_tells_the_signer_why_the_patient_walks_only_with_a_helper(library: Any) -> None:
    found = plan_for(library, load_example("neoplastic-after-radiation"))
    walker = found[WALKER]
    assert HELPER_WALK in walker["handout"]
    assert HANDOUT_SAYS + "rising needs help; a recent fall; reduced position sense." in walker["detail"]
    assert ASK_RECORD not in walker["detail"]  # every reason is recorded


def test_case_04_asks_for_the_unrecorded_fields_its_helper_rests_on(library: Any) -> None:
    walker = plan_for(library, case_04())[WALKER]
    assert HELPER_WALK in walker["handout"]
    assert (
        HANDOUT_SAYS + "rising needs help; standing transfer not recorded; falls not recorded; position sense not "
        "recorded. " + ASK_RECORD
    ) in walker["detail"]


@pytest.mark.parametrize(
    ("function", "jps", "helper", "reasons", "ask"),
    [
        # all recorded and reassuring: the helper is for rising only, and walking is alone
        ({"standing_transfer": "independent", "falls_past_3_months": 0}, "normal", False, None, False),
        # one field missing: the helper rests on it, and it is asked for
        ({"standing_transfer": "independent"}, "normal", True, "rising needs help; falls not recorded.", True),
        # a recorded fall: the helper rests on the record, nothing to ask
        ({"standing_transfer": "independent", "falls_past_3_months": 1}, "normal", True, "a recent fall.", False),
        # rising recorded as independent: no helper at all
        ({"sit_to_stand": "independent"}, None, False, None, False),
    ],
)
def test_the_walker_helper_clause_follows_its_reasons(
    library: Any, function: dict[str, Any], jps: str | None, helper: bool, reasons: str | None, ask: bool
) -> None:
    raw = case_04(**function)
    if jps:
        raw["joint_position_sense"] = {"left": jps, "right": jps}
    walker = plan_for(library, raw)[WALKER]
    assert (HELPER_WALK in walker["handout"]) is helper
    assert (HANDOUT_SAYS in walker["detail"]) is helper
    if reasons:
        assert reasons in walker["detail"]
    assert (ASK_RECORD in walker["detail"]) is ask


@pytest.mark.parametrize(("sit_to_stand", "helper"), [("needs_help", True), ("independent", False)])
def test_the_cane_tells_the_signer_of_the_helper_too(library: Any, sit_to_stand: str, helper: bool) -> None:
    raw = make_assessment(
        strength={"hip_abduction": {"right": 4}},
        function={"ambulation": "device", "sit_to_stand": sit_to_stand},
    )
    cane = plan_for(library, raw)[CANE]
    assert (HELPER_WALK in cane["handout"]) is helper
    assert (HANDOUT_SAYS + "rising needs help; standing transfer not recorded" in cane["detail"]) is helper
    assert (ASK_RECORD in cane["detail"]) is helper


def test_a_patient_who_walks_with_another_persons_help_is_not_told_twice(library: Any) -> None:
    walker = plan_for(library, case("17-unknown-assisted-walker"))[WALKER]
    assert HELPER_WALK in walker["handout"]
    assert "walks only with another person's help" in walker["detail"]
    assert HANDOUT_SAYS not in walker["detail"]


def test_the_lint_catches_a_helper_the_signer_does_not_see(library: Any) -> None:
    raw = validate_assessment(load_example("neoplastic-after-radiation"))
    plan = generate_plan(raw, library)
    assert round12sa_invariants(raw, plan, {}) == []
    broken = copy.deepcopy(plan)
    walker = next(i for s in broken["sections"] for i in s["items"] if i["id"] == WALKER)
    walker["detail"] = walker["detail"].split(HANDOUT_SAYS)[0] + HANDOUT_SAYS + "falls not recorded."
    faults = round12sa_invariants(raw, broken, {})
    assert any("of a recorded field" in f for f in faults) and any("not asked for" in f for f in faults)
    walker["detail"] = walker["detail"].split(HANDOUT_SAYS)[0]
    assert any("the clinician is not told" in f for f in round12sa_invariants(raw, broken, {}))


# --- R12s-A03: rising practice held gives no taught method -----------------------------------------------------------


@pytest.mark.parametrize("dvt", [True, False])
def test_case_01_sit_to_stand_line_gives_no_taught_method_while_the_clot_holds_practice(
    library: Any, dvt: bool
) -> None:
    raw = case("01-neoplastic-dvt-without-lymphedema")
    raw["history"]["dvt"] = dvt
    line = plan_for(library, raw)[SIT_TO_STAND]["handout"]
    assert (line == CLOT_HOLD + ", get up from a chair only when you need to.") is dvt
    assert (TAUGHT in line) is not dvt


@pytest.mark.parametrize("dvt", [True, False])
def test_the_transfer_line_gives_no_taught_method_while_the_clot_holds_practice(library: Any, dvt: bool) -> None:
    raw = case("21-dvt-side-unknown-lymphedema-other-leg")
    raw["history"]["dvt"] = dvt
    line = plan_for(library, raw)[TRANSFER]["handout"]
    assert (CLOT_HOLD + ", move from one seat to another only when you need to" in line) is dvt
    assert (TAUGHT in line) is not dvt


def test_the_chair_line_with_a_helper_waits_for_the_doctor_too(library: Any) -> None:
    line = plan_for(library, case("80-postsurgical-day3-dvt-arterial-lymph"))[CHAIR]["handout"]
    assert CLOT_HOLD + ", get up from it only when you need to, with your helper beside you." in line
    assert TAUGHT not in line


def test_the_spanish_line_names_the_doctor_who_clears_practice() -> None:
    spanish = compile_library(read_shipped_documents(), translations=read_shipped_translations())
    plan = generate_plan(validate_assessment(case("01-neoplastic-dvt-without-lymphedema")), spanish, language="es")
    line = entries(plan)[SIT_TO_STAND]["translation"]["handout"]
    assert line.startswith("Hasta que el médico que trata su coágulo de sangre le diga que es seguro practicar")
    assert "le enseñó su terapeuta" not in line


# --- R12s-A05: one line on standing up from a chair, the helper kept -------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "helper"),
    [("03-idiopathic-opioid-naive-severe-neuropathic", False), ("04-diabetic-both-legs-refractory", True)],
)
def test_the_chair_line_alone_says_how_to_stand_up(library: Any, stem: str, helper: bool) -> None:
    found = plan_for(library, case(stem))
    assert not found[SIT_TO_STAND].get("handout")
    assert ("with your helper beside you" in found[CHAIR]["handout"]) is helper


def test_without_the_chair_the_sit_to_stand_line_keeps_the_helper(library: Any) -> None:
    found = plan_for(library, case("17-unknown-assisted-walker"))
    assert CHAIR not in found
    assert found[SIT_TO_STAND]["handout"] == SHOWN_METHOD + ", with your helper beside you."


# --- R12s-A06: the multimodal item points to the topical and pain-service items -------------------------------------


def test_the_richest_example_multimodal_item_points_instead_of_restating(library: Any) -> None:
    found = plan_for(library, load_example("neoplastic-after-radiation"))
    detail = found[MULTIMODAL]["detail"]
    assert "a topical agent (see the topical item)" in detail and "procedures: see the pain-service item" in detail
    assert "lidocaine" not in detail and "sympathetic" not in detail
    assert "sympathetic ganglia" in found["nlsp-analgesia-pain-service"]["detail"]


@pytest.mark.parametrize("neuropathic", [True, False])
def test_case_02_names_the_topical_only_where_its_item_is_absent(library: Any, neuropathic: bool) -> None:
    raw = case("02-radiation-pacemaker-no-cancer-text")
    raw["pain"]["neuropathic"] = neuropathic
    found = plan_for(library, raw)
    detail = found[MULTIMODAL]["detail"]
    assert (TOPICALS in found) is neuropathic
    assert ("(see the topical item)" in detail) is neuropathic
    assert ("lidocaine" in detail) is not neuropathic
    # no pain-service item in a radiation plexopathy: the blocks are named here
    assert "nlsp-analgesia-pain-service" not in found
    assert "blocks of the sympathetic ganglia" in detail


# --- R12s-A09: "any one of these" only before more than one reason --------------------------------------------------


@pytest.mark.parametrize(("falls", "many"), [(0, False), (1, True)])
def test_the_walker_says_any_one_of_these_only_for_more_than_one_reason(library: Any, falls: int, many: bool) -> None:
    raw = case("05-entrapment-femoral-pattern")
    raw.setdefault("function", {})["falls_past_3_months"] = falls
    detail = plan_for(library, raw)[WALKER]["detail"]
    assert ("Any one of these points to a walker" in detail) is many
    assert ("This points to a walker" in detail) is not many


def test_the_lint_catches_any_one_of_these_before_one_reason(library: Any) -> None:
    raw = validate_assessment(case("05-entrapment-femoral-pattern"))
    plan = generate_plan(raw, library)
    assert round12sa_invariants(raw, plan, {}) == []
    walker = next(i for s in plan["sections"] for i in s["items"] if i["id"] == WALKER)
    walker["detail"] = walker["detail"].replace("This points", "Any one of these points")
    assert any("gives 1 reason" in f for f in round12sa_invariants(raw, plan, {}))
