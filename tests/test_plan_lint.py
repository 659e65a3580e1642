"""Plan lint: the shipped examples and a few hundred generated assessments give plans a clinician can read.

The lint (planner.plan.lint) fails a plan that offers two items of one exclusive group, prints "not recorded"
inside a sentence, writes the same list of weak groups in two items, or offers an item while its own safety
screen says hold. The generated set also checks clinical invariants from clinical-spec.md that must hold
for every patient, whatever else is recorded.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from planner.assessment.validate import validate_assessment
from planner.engine.findings import all_findings
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.parser import parse_document
from planner.plan.generate import generate_plan
from planner.plan.lint import lint_assessment, lint_plan
from tests.conftest import example_paths, load_example, make_assessment
from tests.strategies import ASSESSED_ON, assessments

WALK = re.compile(r"\bwalk", re.IGNORECASE)


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_shipped_examples_pass_the_lint(library: Any, path: Any) -> None:
    assert lint_assessment(load_example(path.stem), library) == []


def clinical_invariants(assessment: dict[str, Any], plan: dict[str, Any], findings: dict[str, Any]) -> list[str]:
    """What clinical-spec.md requires of every plan, checked from the outside."""
    faults: list[str] = []
    items = {i["id"]: i for s in plan["sections"] for i in s["items"]}
    alerts = {a["id"]: a for a in plan["alerts"]}
    history, pain = assessment["history"], assessment["pain"]
    function = assessment.get("function") or {}
    if function.get("ambulation") == "non_ambulatory":
        handouts = [i.get("handout", "") for i in items.values()] + [
            line["text"] for lines in plan["handout"].values() for line in lines
        ]
        faults += [f"walking advice for a patient who does not walk: {h!r}" for h in handouts if WALK.search(h)]
        faults += [
            f"{i} offered to a patient who does not walk" for i in ("mgmt-pt-gait-training", "clinic-afo") if i in items
        ]
    if history.get("dvt") and "clinic-alert-compression-dvt" not in alerts:
        faults.append("acute DVT without its alert")
    if history.get("implanted_devices") and "nlsp-analgesia-tens-anodyne" in items:
        faults.append("TENS offered with an implanted device")
    if history["etiology"] != "neoplastic" and "nlsp-analgesia-rhizotomy" in items:
        faults.append("neuroablation offered outside tumour pain")
    if findings.get("pain_band") != "severe" and "nlsp-analgesia-rhizotomy" in items:
        faults.append("neuroablation offered for pain that is not severe")
    steps = [int(i[-1]) for i in items if i.startswith("who-step-")]
    current = pain.get("current_ladder_step") or 0
    if steps and steps[0] < current:
        faults.append(f"ladder step {steps[0]} below the current step {current}")
    if (
        findings.get("pain_neuropathic")
        and not findings.get("cancer_related")
        and not findings.get("adjuvant_tried")
        and steps
        and steps[0] > max(1, current)
    ):
        faults.append("opioid step for non-cancer neuropathic pain with no adjuvant tried")
    clearance = history.get("creatinine_clearance_ml_min")
    if clearance is not None and clearance < 30:
        for item_id in ("who-step-2", "who-step-3"):
            if item_id in items and "poor choices" not in items[item_id]["detail"]:
                faults.append(f"{item_id} names morphine or codeine without the renal caution")
    if findings.get("weak_both_legs") and findings.get("fits_single_root"):
        faults.append("one root offered as the explanation of weakness in both legs")
    if "mgmt-analgesia-heat" in items and (
        assessment.get("lymphedema") or history.get("arterial_insufficiency") or history.get("infection")
    ):
        faults.append("heat offered on a limb the screen excludes")
    pregabalin = [i for i in items.values() if "regabalin" in i["title"]]
    if len(pregabalin) > 1:
        faults.append("more than one pregabalin item")
    faults += programme_invariants(assessment, plan)
    return faults


STANDING_EXERCISES = {"ex-sit-to-stand", "ex-hip-back-band", "ex-heel-raises-standing"}
EXERTION = {"active", "resisted", "balance", "walking", "circulation"}


def programme_invariants(assessment: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """The home programme and the equipment list follow the same spec as the plan items: nothing standing or
    walking for a patient who does not walk, no exertion of a leg with an acute DVT, no self-massage with a DVT
    or an infection, no exercise in a bandage while compression is held back."""
    faults: list[str] = []
    exercises = {e["id"]: e for e in plan["exercises"]}
    equipment = {e["id"] for e in plan["equipment"]}
    history = assessment["history"]
    if (assessment.get("function") or {}).get("ambulation") == "non_ambulatory":
        standing = [
            i for i, e in exercises.items() if e["category"] in ("balance", "walking") or i in STANDING_EXERCISES
        ]
        faults += [f"{i} offered to a patient who does not walk" for i in standing]
        faults += [
            f"{i} offered to a patient who does not walk" for i in ("eq-afo", "eq-kafo", "eq-cane") if i in equipment
        ]
    if history.get("dvt"):
        faults += [f"{i} offered with an acute DVT" for i, e in exercises.items() if e["category"] in EXERTION]
    if (history.get("dvt") or history.get("infection")) and "ex-lymph-self-massage" in exercises:
        faults.append("self-massage offered with a DVT or an infection")
    held_compression = history.get("dvt") or history.get("infection") or history.get("arterial_insufficiency")
    if held_compression and "ex-lymph-routine" in exercises:
        faults.append("exercise in a bandage offered while compression is held back")
    return faults


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_generated_assessments_pass_the_lint_and_the_clinical_invariants(library: Any, data: dict[str, Any]) -> None:
    assessment = validate_assessment(data, today=ASSESSED_ON)
    plan = generate_plan(assessment, library)
    findings = all_findings(assessment, library)
    assert lint_plan(plan, library, findings) == []
    assert clinical_invariants(assessment, plan, findings) == []


# --- The lint finds each fault it is for (hostile libraries and plans) ------------------------------------

HEADER = "---\nid: LINT-TEST\ntitle: Lint test\nsource: s\nversion: 1\nkind: convention\n---\n"


def library_with(body: str) -> Any:
    documents = {d.id: d for d in read_shipped_documents()}
    documents["LINT-TEST"] = parse_document(HEADER + textwrap.dedent(body), "lint.md")
    return compile_library(documents.values(), prefer_errors_of="LINT-TEST")


def lint(library: Any, **changes: Any) -> list[str]:
    return lint_assessment(make_assessment(**changes), library)


def test_lint_finds_two_items_of_one_exclusive_group() -> None:
    library = library_with("""
        ## S
        Text.

        ::: recommendation lint-second-ladder
        target: analgesia
        when: pain_nrs >= 1
        exclusive: ladder-step
        title: Another ladder step
        :::
        """)
    assert any("exclusive group 'ladder-step'" in p for p in lint(library, pain={"nrs": 2}))


def test_lint_finds_not_recorded_inside_a_sentence() -> None:
    library = library_with("""
        ## S
        Text.

        ::: recommendation lint-onset
        target: monitoring
        when: true
        title: Onset {months_since_onset} months ago
        :::
        """)
    assert any("'not recorded' inside a sentence" in p for p in lint(library))
    assert not any("lint-onset" in p for p in lint(library, history={"onset": "2026-05-01"}))


def test_lint_finds_the_weak_group_list_written_twice() -> None:
    library = library_with("""
        ## S
        Text.

        ::: recommendation lint-list-one
        target: pt
        when: weak_count > 0
        title: One
        detail: {weak_summary}
        :::

        ::: recommendation lint-list-two
        target: monitoring
        when: weak_count > 0
        title: Two
        detail: Weak: {weak_summary}.
        :::
        """)
    two_groups = {"hip_extension": {"right": 3}, "knee_flexion": {"right": 3}}
    problems = [p for p in lint(library, strength=two_groups) if "same list of weak groups" in p]
    assert any("lint-list-one" in p for p in problems) and any("lint-list-two" in p for p in problems)
    assert not any("same list" in p for p in lint(library, strength={"hip_extension": {"right": 3}}))


def test_lint_finds_an_item_offered_while_its_screen_says_hold(library: Any) -> None:
    """The engine never does this; a plan tampered with (or drafted by an older engine) is caught."""
    assessment = make_assessment(pain={"nrs": 5}, history={"arterial_insufficiency": True})
    plan = generate_plan(assessment, library)
    findings = all_findings(assessment, library)
    assert lint_plan(plan, library, findings) == []
    heat = next(entry for entry in plan["held"] if entry["id"] == "mgmt-analgesia-heat")
    analgesia = next(s for s in plan["sections"] if s["key"] == "analgesia")
    analgesia["items"].append({"id": heat["id"], "title": heat["title"], "evidence": heat["evidence"]})
    problems = lint_plan(plan, library, findings)
    assert any("mgmt-analgesia-heat is offered although its screen says hold: heat_hold" in p for p in problems)
    assert any("both offered and held back" in p for p in problems)


# --- The lint reads the exercise programme and the equipment list too --------------------------------------

FIGURE = "::: figure fig-lint\nbody: sitting\nstart: knee 90\nprops: chair\n:::\n"


def equipment_block(entry_id: str, **fields: str) -> str:
    values = {
        "category": "home",
        "name": entry_id,
        "purpose": "Helps.",
        "step": "Use it.",
        "when": "true",
        "illustration": "fig-lint",
    } | fields
    return f"::: equipment {entry_id}\n" + "\n".join(f"{k}: {v}" for k, v in values.items()) + "\n:::\n"


def test_lint_finds_not_recorded_in_an_exercise_or_equipment_text() -> None:
    library = library_with(
        "## S\nText.\n\n" + equipment_block("eq-lint", detail="Onset {months_since_onset} months ago.") + FIGURE
    )
    assert any("equipment eq-lint: 'not recorded' inside a sentence" in p for p in lint(library))
    steps = library_with("## S\nText.\n\n" + equipment_block("eq-lint", step="Walk {walking_aid} daily.") + FIGURE)
    assert any("equipment eq-lint" in p for p in lint(steps))


def test_lint_finds_two_equipment_items_of_one_exclusive_group() -> None:
    body = equipment_block("eq-one", exclusive="lint-aids") + equipment_block("eq-two", exclusive="lint-aids")
    library = library_with("## S\nText.\n\n" + body + FIGURE)
    assert any("exclusive group 'lint-aids' offered more than once: eq-one, eq-two" in p for p in lint(library))


def test_lint_finds_an_exercise_offered_while_its_screen_says_hold(library: Any) -> None:
    assessment = make_assessment(strength={"knee_extension": {"right": 4}}, history={"dvt": True})
    plan = generate_plan(assessment, library)
    findings = all_findings(assessment, library)
    assert lint_plan(plan, library, findings) == []
    held = next(entry for entry in plan["held"] if entry["id"] == "ex-knee-straighten-weight")
    assert held["section"] == "exercises"
    plan["exercises"].append({"id": held["id"], "name": held["title"], "evidence": held["evidence"]})
    problems = lint_plan(plan, library, findings)
    assert any(
        "ex-knee-straighten-weight is offered although its screen says hold: exercise_hold" in p for p in problems
    )
    assert any("ex-knee-straighten-weight is both offered and held back" in p for p in problems)
    assert any(
        "offered with an acute DVT" in f
        for f in programme_invariants(
            assessment, plan | {"exercises": [{"id": "ex-knee-straighten-weight", "category": "resisted"}]}
        )
    )
