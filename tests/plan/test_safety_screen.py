"""The safety screen as a mechanism: the `screen` and `exclusive` fields, optional template segments, the held
list of a plan, and the shipped library's use of them (every item that offers a gated treatment names its
gate)."""

from __future__ import annotations

import re
import textwrap
from typing import Any

import pytest

from planner.errors import DocumentError
from planner.library.compiler import CompiledEntry, compile_library
from planner.library.files import read_shipped_documents
from planner.library.parser import parse_document
from planner.plan.generate import generate_plan
from tests.conftest import make_assessment

HEADER = "---\nid: SCREEN-TEST\ntitle: Screen test\nsource: s\nversion: 1\nkind: convention\n---\n"


def library_with(body: str) -> Any:
    documents = {d.id: d for d in read_shipped_documents()}
    documents["SCREEN-TEST"] = parse_document(HEADER + textwrap.dedent(body), "screen.md")
    return compile_library(documents.values(), prefer_errors_of="SCREEN-TEST")


def problems(body: str) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        library_with(body)
    return [str(p) for p in caught.value.problems]


SCREENED = """
    ## Cushion rule

    A cushion is not offered while the skin is broken.

    ::: finding cushion_hold
    infection => 'the skin is broken'
    :::

    ## Cushion

    Cushions help.

    ::: recommendation screen-cushion
    target: ot
    when: pain_nrs > 0
    screen: cushion_hold
    title: Cushion for {pain_nrs}/10
    handout: Sit on your cushion.
    :::

    ::: recommendation screen-cushion-line
    target: checklist
    when: pain_nrs > 0
    screen: cushion_hold
    title: Use the cushion.
    :::
    """


def test_a_screened_item_is_held_with_its_reason_and_the_screens_passage() -> None:
    library = library_with(SCREENED)
    clear = generate_plan(make_assessment(pain={"nrs": 4}), library)
    ot = next(s for s in clear["sections"] if s["key"] == "ot")
    assert "screen-cushion" in [i["id"] for i in ot["items"]]
    assert "screen-cushion-line" in [line["id"] for line in clear["handout"]["checklist"]]
    assert clear["held"] == []
    held_plan = generate_plan(make_assessment(pain={"nrs": 4}, history={"infection": True}), library)
    ot = next(s for s in held_plan["sections"] if s["key"] == "ot")
    assert "screen-cushion" not in [i["id"] for i in ot["items"]]
    assert "screen-cushion-line" not in [line["id"] for line in held_plan["handout"]["checklist"]]
    entry = next(e for e in held_plan["held"] if e["id"] == "screen-cushion")
    assert entry == {
        "id": "screen-cushion",
        "section": "ot",
        "title": "Cushion for 4/10",
        "reason": "the skin is broken",
        "screen": ["cushion_hold"],
        "evidence": [
            {
                "document": "Screen test",
                "document_id": "SCREEN-TEST",
                "version": "1",
                "section": "Cushion rule",
                "text": "A cushion is not offered while the skin is broken.",
            }
        ],
    }
    # A handout line held with its item has no entry of its own
    assert [e["id"] for e in held_plan["held"] if e["id"].startswith("screen-")] == ["screen-cushion"]
    # Not offered when its condition is false: nothing is listed as held either
    quiet = generate_plan(make_assessment(pain={"nrs": 0}, history={"infection": True}), library)
    assert not [e for e in quiet["held"] if e["id"] == "screen-cushion"]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("screen: nope", "screen: unknown finding 'nope'"),
        ("screen: infection", "'infection' must be a text finding"),
        ("screen: cushion_hold, cushion_hold", "a finding is named twice"),
        ("screen: Bad-Name", "finding names separated by commas"),
        ("exclusive: Two Words", "exclusive: a group name"),
    ],
)
def test_screen_and_exclusive_fields_are_checked_with_their_line(block: str, expected: str) -> None:
    body = SCREENED.replace("screen: cushion_hold\n    title: Cushion", f"{block}\n    title: Cushion")
    found = problems(body)
    assert any(expected in p for p in found), found
    assert any(p.startswith("line ") for p in found)


def test_an_alert_cannot_be_screened() -> None:
    found = problems("""
        ## S
        ::: recommendation screen-alert
        target: alert
        level: info
        when: true
        screen: heat_hold
        title: t
        :::
        """)
    assert any("screen is for plan items and handout lines, not alerts" in p for p in found)


# --- Optional template segments --------------------------------------------------------------------------


def render(template: str, **changes: Any) -> str:
    library = library_with(f"""
        ## S
        Text.

        ::: recommendation segment-test
        target: monitoring
        when: true
        title: t
        detail: {template}
        :::
        """)
    plan = generate_plan(make_assessment(**changes), library)
    return next(i for s in plan["sections"] for i in s["items"] if i["id"] == "segment-test")["detail"]


def test_a_segment_prints_only_when_its_findings_have_a_value() -> None:
    template = "Start. [[Onset {months_since_onset} months ago. ]]End."
    assert render(template) == "Start. End."
    assert render(template, history={"onset": "2026-05-01"}) == "Start. Onset 6 months ago. End."


def test_a_guard_tests_without_printing_and_false_or_empty_count_as_absent() -> None:
    assert render("A[[ {?dvt}DVT noted.]]") == "A"
    assert render("A[[ {?dvt}DVT noted.]]", history={"dvt": True}) == "A DVT noted."
    assert render("Sites[[: {pain_sites}]].") == "Sites."
    assert render("Sites[[: {pain_sites}]].", pain={"nrs": 0, "sites": ["calf"]}) == "Sites: calf."
    # Zero is a value
    assert render("Pain[[ {pain_nrs}/10]].") == "Pain 0/10."


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("a ]] b", "']]' closes no '[['"),
        ("a [[ b {pain_nrs}", "'[[' is not closed"),
        ("[[a [[b {pain_nrs}]] ]]", "cannot nest"),
        ("[[no finding here]]", "must name a finding"),
        ("{?dvt} outside", "belongs inside an optional segment"),
        ("[[{?nope}x]]", "unknown finding '{nope}'"),
    ],
)
def test_segment_mistakes_are_named(template: str, expected: str) -> None:
    found = problems(f"""
        ## S
        ::: recommendation segment-bad
        target: monitoring
        when: true
        title: t
        detail: {template}
        :::
        """)
    assert any(expected in p for p in found), found


# --- The shipped library gates every item that offers a gated treatment ---------------------------------

GATES: list[tuple[str, str]] = [
    (r"\bheat\b|warmth", "heat_hold"),
    (r"(?<!blue or )\bcold\b", "cold_hold"),  # toes that turn "pale, blue or cold" are a sign, not a treatment
    (r"\bTENS\b", "tens_hold|tens_caution"),
    (r"massage", "massage_hold"),
    (
        r"\bcompression (bandag|garment|stocking)|bandaging|\bbandages\b|\bgarment|stocking(?!-glove)",
        "compression_hold",
    ),
    (r"NSAID|anti-inflammatory", "nsaid_caution|weak_opioid_renal_caution|opioid_renal_caution"),
    (r"morphine|codeine", "opioid_renal_caution|weak_opioid_renal_caution"),
    (r"contrast", "contrast_renal_caution"),
    (r"injection", "injection_hold"),
    (r"resist|strengthening|gait", "exercise_hold|pain_acute"),
]


def _gated_texts(rule: Any) -> tuple[list[Any], str]:
    """A rule's templates and their literal text (segments included): a recommendation's title, detail and
    handout; an exercise's or equipment item's name, purpose, steps, precautions and detail. Only the words: a finding's
    name (``contrast_pregnancy_caution``) offers nothing."""
    if isinstance(rule, CompiledEntry):
        templates = [rule.name, rule.purpose, *rule.steps, rule.precautions, rule.detail]
    else:
        templates = [rule.title, rule.detail, rule.handout]
    text = " ".join(part for template in templates for part in template.parts[0::2] if part)
    text += " " + " ".join(p for t in templates for s in t.segments for p in s.parts[0::2])  # words, not names
    return templates, text


def test_every_item_offering_a_gated_treatment_names_its_gate(library: Any) -> None:
    """Heat, cold, TENS, massage, compression, NSAIDs, opioids named, contrast, injections and resisted work:
    each item (not alerts, which warn), home exercise and equipment item that mentions one uses the matching
    safety finding: as its screen, in its condition, or in its text as a caution."""
    missing = []
    for rule in (*library.recommendations, *library.exercises, *library.equipment):
        if getattr(rule, "target", None) == "alert":
            continue
        templates, text = _gated_texts(rule)
        uses = set(rule.screen) | set(rule.condition.symbols)
        uses |= {name for t in templates for name in t.names}
        for pattern, gate in GATES:
            if re.search(pattern, text) and not uses & set(gate.split("|")):
                missing.append(f"{rule.id}: mentions /{pattern}/ without {gate}")
    assert missing == []


def test_resisted_exercises_name_the_exercise_screen(library: Any) -> None:
    """The words of an exercise can say 'band' or 'weight' without 'resist': its category says what it is."""
    gated = {"active", "resisted", "balance", "walking", "circulation"}
    assert [e.id for e in library.exercises if e.category in gated and "exercise_hold" not in e.screen] == []


def test_gated_exclusive_groups_are_used_by_more_than_one_rule(library: Any) -> None:
    """A group with one member is a typo in a document (the plan lint could never catch it)."""
    groups: dict[str, list[str]] = {}
    for rule in (*library.recommendations, *library.exercises, *library.equipment):
        if rule.exclusive:
            groups.setdefault(rule.exclusive, []).append(rule.id)
    assert groups and all(len(members) > 1 for members in groups.values()), groups
    assert any(e.exclusive for e in library.exercises) and any(e.exclusive for e in library.equipment)


# --- Conditions in segments, reasons blocks and every reason of a held item (issue 12 review, F37, D23) ----


def test_a_segment_may_test_a_condition() -> None:
    template = "A.[[ {?not dvt}No clot.]][[ {?dvt}Clot.]][[ {?falls_past_3_months >= 1}{falls_past_3_months} falls.]]"
    assert render(template) == "A. No clot."
    assert render(template, history={"dvt": True}) == "A. Clot."
    assert render(template, function={"falls_past_3_months": 0}) == "A. No clot."
    assert render(template, function={"falls_past_3_months": 2}) == "A. No clot. 2 falls."
    # A bare name still tests for a value; a condition must be true
    assert render("Pain[[ {?pain_nrs}recorded]].") == "Pain recorded."
    assert render("Pain[[ {?pain_nrs > 0}present]].") == "Pain."


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("[[{?pain_nrs + 1}x]]", "must be true or false"),
        ("[[{?nope > 1}x]]", "unknown finding 'nope'"),
        ("[[{?dvt and}x]]", "a value is missing"),
    ],
)
def test_a_condition_in_a_segment_is_checked_when_the_library_loads(template: str, expected: str) -> None:
    found = problems(f"""
        ## S
        ::: recommendation segment-bad
        target: monitoring
        when: true
        title: t
        detail: {template}
        :::
        """)
    assert any(expected in p for p in found), found


REASONS = """
    ## Cushion rule

    A cushion waits for broken skin and for a clot.

    ::: reasons cushion_hold
    infection => 'the skin is broken'
    dvt => 'an acute DVT is recorded'
    :::

    ::: reasons pad_hold
    dvt => 'an acute DVT is recorded'
    arterial_insufficiency => 'the foot is cold'
    :::

    ## Pad rule

    Pads wait too.

    ::: finding pad_hold_first
    dvt => 'first only'
    arterial_insufficiency => 'never shown'
    :::

    ## Cushion

    Cushions help.

    ::: recommendation screen-cushion
    target: ot
    when: true
    screen: cushion_hold, pad_hold
    title: Cushion
    :::

    ::: recommendation screen-pad
    target: ot
    when: true
    screen: pad_hold_first
    title: Pad
    :::
    """


def test_a_reasons_screen_gives_every_reason_and_a_held_item_names_each_once() -> None:
    library = library_with(REASONS)
    findings_plan = generate_plan(make_assessment(history={"infection": True, "dvt": True}), library)
    cushion = next(e for e in findings_plan["held"] if e["id"] == "screen-cushion")
    assert cushion["reason"] == "the skin is broken; an acute DVT is recorded"
    assert cushion["screen"] == ["cushion_hold", "pad_hold"]
    assert [e["section"] for e in cushion["evidence"]] == ["Cushion rule"]
    both = generate_plan(make_assessment(history={"dvt": True, "arterial_insufficiency": True}), library)
    cushion = next(e for e in both["held"] if e["id"] == "screen-cushion")
    assert cushion["reason"] == "an acute DVT is recorded; the foot is cold"  # the DVT said once
    # A plain finding used as a screen gives its one value, as before
    assert next(e for e in both["held"] if e["id"] == "screen-pad")["reason"] == "first only"


def test_a_reasons_block_is_text_and_has_no_otherwise() -> None:
    assert any("has no 'otherwise'" in p for p in problems("## S\n::: reasons r_hold\notherwise => 'x'\n:::\n"))
    assert any("reason in words" in p for p in problems("## S\n::: reasons r_hold\ndvt => 3\n:::\n"))


def test_the_held_list_cites_every_screens_passage_behind_one_reason(library: Any) -> None:
    """An infection holds heat and injections with the same words: the text plan's basis names both passages."""
    from planner.plan.text import render_plan_text

    plan = generate_plan(
        make_assessment(history={"etiology": "entrapment", "infection": True}, pain={"nrs": 5, "neuropathic": True}),
        library,
    )
    text = render_plan_text(plan)
    block = " ".join(text[text.index("Held: an acute infection is recorded") :].split("\n\n")[0].split())
    assert "Heat and cold" in block and "Injections" in block and "TENS" in block


def test_a_step_that_prints_nothing_is_left_out(library: Any) -> None:
    swollen = {"lymphedema": {"present": True, "side": "right", "phase": "maintenance"}}
    plan = generate_plan(make_assessment(history={"dvt": True, "dvt_side": "left"}, **swollen), library)
    elevation = next(e for e in plan["exercises"] if e["id"] == "ex-lymph-elevation")
    assert all(step.strip() for step in elevation["instructions"]) and "ankle pumps" not in " ".join(
        elevation["instructions"]
    )
