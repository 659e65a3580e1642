"""Document conditions are untrusted code: the safe subset refuses what could hang, exhaust memory or vary.

The refusals are checked one by one (the issue's examples among them) and through ``planner docs check``; a
hypothesis fuzz test then generates expressions over rule-engine's whole grammar, hostile pieces included,
and checks that every expression the compiler accepts evaluates the findings of valid assessments without
an exception, with bounded work (calls counted and value sizes checked, not a clock) and memory.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.assessment.validate import validate_assessment
from planner.cli import run
from planner.engine import conditions
from planner.engine.conditions import (
    ALLOWED_FUNCTIONS,
    MAX_EXPRESSION_CHARS,
    MAX_TEXT_CHARS,
    MAX_TOKENS,
    ExpressionError,
    compile_expression,
    screen,
)
from planner.engine.findings import all_findings
from planner.engine.vocabulary import BASE_FINDINGS, Kind
from planner.errors import EvaluationError
from planner.library.compiler import compile_library
from planner.library.files import read_shipped_documents
from planner.library.parser import parse_document
from planner.plan.generate import generate_plan
from tests.conftest import make_assessment
from tests.plan.test_safety import assessments

CONDITIONS_FILE = conditions.__file__
KINDS = {name: finding.kind for name, finding in BASE_FINDINGS.items()}

REFUSED = [
    ("pain_nrs ** 100000000 > 1", "powers"),
    ("2 ** 100000000 > 1", "powers"),
    ("pain_nrs << 100000000 > 1", "bit shifts"),
    ("1 << 10000000000 > 1", "bit shifts"),
    ("(pain_nrs >> 2) > 1", "bit shifts"),
    ("(pain_nrs & 1) == 1", "'&' is not part of this language: write 'and'"),
    ("(pain_nrs | 1) == 1", "'|' is not part of this language: write 'or'"),
    ("(pain_nrs ^ 1) == 1", "bit operations"),
    ("$range(10000000000).length > 0", "'$range': not an available built-in function"),
    ("malignancy =~ '(a+)+$'", "regular expressions"),
    ("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' =~ '(a+)+$'", "regular expressions"),
    ("malignancy =~~ 'x'", "regular expressions"),
    ("malignancy !~ 'x'", "regular expressions"),
    ("$random() > 0.5", "a plan must come out the same every time"),
    ("$now != null", "a plan must come out the same every time"),
    ("$today != null", "a plan must come out the same every time"),
    ("$split(malignancy).length > 1", "not an available built-in function"),
    ("$parse_float('1e999') > 1", "not an available built-in function"),
    ("$map", "not an available built-in function"),
    ("[g for g in weak_groups].length > 0", "comprehensions"),
    ("{'a': 1}.length > 0", "mappings and sets"),
    ("weak_groups[0] == 'hip_flexion'", "indexing"),
    ("malignancy[0:2] == 'pr'", "slices"),
    ("malignancy.as_upper == 'X'", "attributes other than .length"),
    ("b'x' != null", "prefixed literals"),
    ("d'2026-01-01' != null", "prefixed literals"),
    ("t'P1D' != null", "prefixed literals"),
    ("pain_nrs > inf", "infinity"),
    ("pain_nrs != nan", "not-a-number"),
    ("pain_nrs > 0x1F", "write numbers in decimal digits"),
    ("pain_nrs > 3 # a comment", "comments"),
    ("$min", "can only be called"),
    ("(" * 20 + "pain_nrs > 1" + ")" * 20, "brackets nested more than 16 deep"),
    (" or ".join(["dvt"] * 130), "more than 250 words and operators"),
    ("pain_nrs" + " + 1" * 60 + " > 0", "nested more than 48 operations deep"),
    ("'" + "a" * MAX_EXPRESSION_CHARS + "' != null", f"longer than {MAX_EXPRESSION_CHARS} characters"),
    ("1e999999 * 10 > 1", "cannot be computed"),
    ("not -[age_years]", "works on numbers only"),
]


REFUSED_AFTER_PARSING = {
    "indexing",
    "slices",
    "attributes other than .length",
    "can only be called",
    "nested more than 48 operations deep",
    "cannot be computed",
    "works on numbers only",
}
"""Refusals made once rule-engine has parsed the text: nothing in these is costly to parse (the costly
operators never reach the parser)."""


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=[text[:40] for text, _ in REFUSED])
def test_outside_the_safe_subset_is_refused_at_load_time(text: str, reason: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text, KINDS)
    assert reason in str(caught.value)
    if reason not in REFUSED_AFTER_PARSING:
        # Refused before rule-engine reads it: its parser computes constant parts, so 1 << 10000000000 would
        # be computed while checking the document.
        with pytest.raises(ExpressionError):
            screen(text)


def document_with(condition: str) -> str:
    return f"""---
id: HOSTILE
title: Hostile conditions
source: A test
version: 1
kind: convention
---

## Section

Text.

::: recommendation hostile-1
target: pt
when: {condition}
title: An item
:::
"""


@pytest.mark.parametrize(
    "condition",
    ["pain_nrs ** 100000000 > 1", "1 << 10000000000 > 1", "$range(10000000000).length > 0", "malignancy =~ '(a+)+$'"],
)
def test_docs_check_refuses_the_issues_examples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], condition: str
) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(document_with(condition), encoding="utf-8")
    assert run(["docs", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"hostile\.md: line 15, column [0-9]+: when: '", err)
    assert "not part of the condition language" in err or "not an available built-in function" in err


def chained_document(count: int, value: str, first: str = "pain_nrs + 2") -> str:
    """Derived findings that each square (or join) the one before: 2**count digits if unbounded."""
    blocks = [f"::: finding grow_0\notherwise => {value.format(previous=first)}\n:::"]
    blocks += [
        f"::: finding grow_{i}\notherwise => {value.format(previous=f'grow_{i - 1}')}\n:::" for i in range(1, count)
    ]
    last = f"grow_{count - 1}"
    blocks.append(f"::: recommendation grow-item\ntarget: pt\nwhen: {last} != null\ntitle: Grown {{{last}}}\n:::")
    text = "\n\n".join(blocks) + "\n\n::: recommendation h"
    return document_with("true").replace("::: recommendation hostile-1", text)


def test_derived_findings_cannot_grow_a_number_without_bound() -> None:
    """60 findings each squaring the last: 2**60 digits as Python integers; here they overflow to null."""
    document = parse_document(chained_document(60, "{previous} * {previous}"), "grow.md")
    library = compile_library([*read_shipped_documents(), document])
    tracemalloc.start()
    try:
        plan = generate_plan(make_assessment(pain={"nrs": 9}), library)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    titles = [item["title"] for section in plan["sections"] for item in section["items"]]
    assert "Grown not recorded" not in titles  # grow_59 overflowed to null, so the item does not fire
    assert all(not title.startswith("Grown") for title in titles)


def test_derived_findings_cannot_double_a_text_without_bound() -> None:
    """40 findings each joining the last to itself: 2**40 copies of the text; past 4,000 characters it is null."""
    document = parse_document(chained_document(40, "{previous} + {previous}", first="malignancy"), "j.md")
    library = compile_library([*read_shipped_documents(), document])
    tracemalloc.start()
    try:
        assessment = make_assessment(
            history={"etiology": "neoplastic", "affected_side": "right", "malignancy": "x" * 200}
        )
        plan = generate_plan(assessment, library)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    titles = [item["title"] for section in plan["sections"] for item in section["items"]]
    assert not [title for title in titles if title.startswith("Grown")]  # the last join is null: no item


def test_an_evaluation_error_names_the_document_and_item_never_the_patients_text() -> None:
    error = EvaluationError("CLINIC", "recommendation 'walker'", TypeError("'<' not supported: 'Zoë Secret'"))
    assert "CLINIC" in str(error) and "walker" in str(error) and "TypeError" in str(error)
    assert "Zoë" not in str(error)


# -- the fuzz test ---------------------------------------------------------------------------------------------

NAMES_BY_KIND = {kind: sorted(n for n, k in KINDS.items() if k is kind) for kind in Kind}
LITERALS = [
    "0",
    "1",
    "-1",
    "3.5",
    "1e308",
    "1e-308",
    "99999999999999999999999999",
    "0.0000001",
    "null",
    "true",
    "false",
    "''",
    "'a'",
    "'" + "a" * 60 + "!'",
    "'(a+)+$'",
    "'neoplastic'",
    "[]",
    "[1, 2, null]",
    "['hip_extension', 'knee_extension']",
    "1e999999",
    "0x10",
    "inf",
    "nan",
    "b'x'",
    "d'2026-01-01'",
]
BINARY = [
    "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^",
    "==", "!=", "<", "<=", ">", ">=", "and", "or", "in", "??", "=~", "=~~", "!~",
]  # fmt: skip
FUNCTIONS = [f"${name}" for name in (*ALLOWED_FUNCTIONS, "range", "random", "now", "today", "split", "map", "filter")]

atoms = st.one_of(st.sampled_from([n for names in NAMES_BY_KIND.values() for n in names]), st.sampled_from(LITERALS))


def _untyped(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Anything the grammar can say, hostile or not (most of it refused, by the screen or the type check)."""
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"not {c}"),
        children.map(lambda c: f"-{c}"),
        st.tuples(st.sampled_from(FUNCTIONS), st.lists(children, max_size=3)).map(
            lambda t: f"{t[0]}([{', '.join(t[1])}])"
        ),
        st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, st.sampled_from(["length", "as_upper", "to_str", "is_empty"])).map(
            lambda t: f"{t[0]}.{t[1]}"
        ),
        children.map(lambda c: f"{c}[0]"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.lists(children, max_size=4).map(lambda items: f"[{', '.join(items)}]"),
        children.map(lambda c: f"[x for x in {c}]"),
        st.integers(2, 40).map(lambda n: "(" * n + "pain_nrs" + ")" * n),
    )


def _names(kind: Kind) -> st.SearchStrategy[str]:
    return st.sampled_from(NAMES_BY_KIND[kind])


# Well-typed expressions over the safe subset, so that most generated expressions are accepted and reach
# evaluation; the hostile operators still appear in them now and then.
NUMBER_LITERALS = st.sampled_from(["0", "1", "-1", "2.5", "1e308", "-1e308", "1e-308", "99999999999999999999999999"])
TEXT_LITERALS = st.sampled_from(["''", "'a'", "'neoplastic'", "'" + "a" * 60 + "!'", "'(a+)+$'", "null"])
NUMBER_OPERATORS = st.sampled_from(["+", "-", "*", "/", "//", "%", "+", "*", "**", "<<"])
COMPARISONS = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "=~"])

numbers: st.SearchStrategy[str] = st.deferred(
    lambda: st.one_of(
        _names(Kind.NUMBER),
        NUMBER_LITERALS,
        st.tuples(numbers, NUMBER_OPERATORS, numbers).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        numbers.map(lambda n: f"-{n}"),
        st.tuples(st.sampled_from(["$min", "$max", "$sum"]), st.lists(numbers, max_size=4)).map(
            lambda t: f"{t[0]}([{', '.join(t[1])}])"
        ),
        numbers.map(lambda n: f"$abs({n})"),
        lists.map(lambda items: f"{items}.length"),
        texts.map(lambda text: f"({text}).length"),
        st.tuples(flags, numbers, numbers).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(numbers, numbers).map(lambda t: f"({t[0]} ?? {t[1]})"),
    )
)
texts: st.SearchStrategy[str] = st.deferred(
    lambda: st.one_of(
        _names(Kind.TEXT),
        TEXT_LITERALS,
        st.tuples(flags, texts, texts).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(texts, texts).map(lambda t: f"({t[0]} ?? {t[1]})"),
    )
)
lists: st.SearchStrategy[str] = st.deferred(
    lambda: st.one_of(_names(Kind.LIST), st.lists(texts, max_size=5).map(lambda items: f"[{', '.join(items)}]"))
)
flags: st.SearchStrategy[str] = st.deferred(
    lambda: st.one_of(
        _names(Kind.FLAG),
        st.sampled_from(["true", "false"]),
        st.tuples(numbers, COMPARISONS, numbers).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(texts, COMPARISONS, texts).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(texts, lists).map(lambda t: f"({t[0]} in {t[1]})"),
        st.tuples(texts, texts).map(lambda t: f"({t[0]} in {t[1]})"),
        st.tuples(flags, st.sampled_from(["and", "or"]), flags).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        flags.map(lambda flag: f"not {flag}"),
        numbers.map(lambda n: f"({n} == null)"),
    )
)

expressions = st.one_of(
    st.recursive(atoms, _untyped, max_leaves=10), flags, flags, flags, numbers, numbers, texts, lists
)


@st.composite
def extreme_assessments(draw: Any) -> dict[str, Any]:
    """Valid assessments, with the longest texts and lists the format allows now and then."""
    data = draw(assessments())
    if draw(st.booleans()):
        data["pain"]["sites"] = [draw(st.sampled_from(["a", "é" * 100, "a" * 99 + "!"])) for _ in range(20)]
        data["history"]["malignancy"] = "a" * 199 + "!"
    return data


@functools.cache
def shipped() -> Any:
    """The shipped library (a function, not a fixture: hypothesis would print a fixture's value)."""
    return compile_library(read_shipped_documents())


EVALUATION_CALLS_PER_CHARACTER = 4
"""Python calls the compiled closures may make per character of the expression. Each node of the tree is one
closure, called at most once per evaluation (a list or a built-in's arguments add a generator step per member),
and every node takes at least one character: so the work is linear in the expression, never in the values."""
EVALUATION_BYTES = 4 * 1024 * 1024


def largest_value(findings: dict[str, Any]) -> int:
    """The longest text or list among the findings (the format bounds them)."""
    return max((len(v) for v in findings.values() if isinstance(v, str | tuple | list)), default=0)


def bounded(value: Any, longest: int) -> bool:
    """A value of fixed size: a flag, null, a whole number within 2**53, a float, a text within
    MAX_TEXT_CHARS (or a finding's own), a list no longer than the expression's or a finding's, of such values."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -(2**53) <= value <= 2**53
    if isinstance(value, float):
        return True
    if isinstance(value, str):
        return len(value) <= max(MAX_TEXT_CHARS, longest)
    if isinstance(value, tuple | list):
        return len(value) <= max(MAX_TOKENS, longest) and all(bounded(v, longest) for v in value)
    return False


def traced_evaluation(compiled: Any, findings: dict[str, Any]) -> tuple[int, list[Any]]:
    """Evaluate ``compiled`` counting the Python calls made in the compiled closures and collecting every value
    they return: a deterministic measure of the work (a clock would flake on a loaded machine)."""
    calls = 0
    returned: list[Any] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if frame.f_code.co_filename != CONDITIONS_FILE:
            return
        if event == "call":
            calls += 1
        elif event == "return":
            returned.append(arg)

    before = sys.getprofile()
    sys.setprofile(profile)
    try:
        returned.append(compiled.evaluate(findings))  # must not raise
    finally:
        sys.setprofile(before)
    return calls, returned


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(expression=expressions, assessment=extreme_assessments())
@example(expression=" * ".join(["pain_nrs"] * 20) + " > 1", assessment=make_assessment(pain={"nrs": 9}))
@example(expression="$sum([1e308, 1e308]) > 1", assessment=make_assessment())
@example(expression="not -(age_years ?? 1) and [pain_nrs].length > 0", assessment=make_assessment())
def test_every_accepted_expression_evaluates_valid_assessments_in_bounded_work_and_memory(
    expression: str, assessment: dict[str, Any]
) -> None:
    """Bounded work, shown without a clock: the closures make at most a fixed number of calls per character of
    the expression, and every value they produce has a fixed bound on its size, so each call does bounded work
    (an operator on two bounded values, a membership test in a bounded list, a join capped at 4,000
    characters). An unbounded power, shift, range or regular expression would break one or the other."""
    library = shipped()
    try:
        compiled = compile_expression(expression, library.finding_kinds)
    except ExpressionError:
        return  # refused at load time: it never reaches a plan
    findings = all_findings(validate_assessment(assessment), library)
    tracemalloc.start()
    try:
        calls, returned = traced_evaluation(compiled, findings)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert calls <= EVALUATION_CALLS_PER_CHARACTER * len(expression), (calls, expression)
    longest = largest_value(findings)
    assert all(bounded(value, longest) for value in returned), expression
    assert peak < EVALUATION_BYTES, expression


def test_the_work_measure_sees_each_node_of_the_tree() -> None:
    """The call count grows with the expression and not with the values (a check of the measure itself)."""
    findings = {"pain_nrs": 7, "malignancy": "x" * 200}
    short = compile_expression("pain_nrs > 1", KINDS)
    longer = compile_expression(" and ".join(["pain_nrs > 1"] * 8), KINDS)
    short_calls, short_values = traced_evaluation(short, findings)
    longer_calls, _ = traced_evaluation(longer, findings)
    assert 2 <= short_calls < longer_calls <= EVALUATION_CALLS_PER_CHARACTER * 8 * len("pain_nrs > 1 and ")
    assert 7 in short_values and True in short_values
    assert not bounded(2**60, 0) and not bounded("x" * (MAX_TEXT_CHARS + 1), 0) and bounded(math.inf, 0)
