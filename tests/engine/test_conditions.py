"""Compiled conditions: typing at load time, and the null semantics documents rely on."""

from __future__ import annotations

from typing import Any

import pytest

from planner.engine.conditions import ExpressionError, compile_expression
from planner.engine.vocabulary import BASE_FINDINGS, Kind

KINDS = {name: f.kind for name, f in BASE_FINDINGS.items()}


def run(text: str, **findings: Any) -> Any:
    return compile_expression(text, KINDS).evaluate(findings)


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering_with_null_is_false(op: str) -> None:
    assert run(f"mrc_knee_extension {op} 3", mrc_knee_extension=None) is False
    assert run(f"3 {op} mrc_knee_extension", mrc_knee_extension=None) is False


def test_not_of_null_comparison_is_true_and_or_still_fires() -> None:
    assert run("not (mrc_knee_extension <= 2)", mrc_knee_extension=None) is True
    assert run("mrc_knee_extension <= 2 or jps_impaired", mrc_knee_extension=None, jps_impaired=True) is True


def test_equality_with_null() -> None:
    assert run("creatinine_clearance == null", creatinine_clearance=None) is True
    assert run("creatinine_clearance != null", creatinine_clearance=45) is True


def test_arithmetic_and_functions_skip_null() -> None:
    assert run("$min([mrc_hip_extension, mrc_knee_extension])", mrc_hip_extension=None, mrc_knee_extension=3) == 3
    assert run("$max([mrc_hip_extension, mrc_knee_extension])", mrc_hip_extension=None, mrc_knee_extension=None) is None
    assert run("pregabalin_mg_day + 10", pregabalin_mg_day=None) is None
    assert run("pain_nrs ?? 0", pain_nrs=None) == 0


def test_lists_strings_ternary() -> None:
    assert run("'hip_extension' in weak_groups", weak_groups=("hip_extension",)) is True
    assert run("etiology in ['neoplastic', 'radiation']", etiology="radiation") is True
    assert run("weak_groups.length", weak_groups=("a", "b")) == 2
    assert run("pain_nrs >= 7 ? 'severe' : 'other'", pain_nrs=8) == "severe"


def test_result_kinds() -> None:
    assert compile_expression("pain_nrs > 3", KINDS).kind is Kind.FLAG
    assert compile_expression("pain_nrs + 1", KINDS).kind is Kind.NUMBER
    assert compile_expression("'a'", KINDS).kind is Kind.TEXT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pain_nsr > 3", "unknown finding 'pain_nsr'"),
        ("pain_nrs >", "the condition ends after '>': a value is missing"),
        ("pain_nrs > 'high'", "mismatch"),
        ("", "the condition is empty"),
    ],
)
def test_bad_expressions_are_rejected(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        compile_expression(text, KINDS)


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("mrc_knee_extension <= and 2", "a value is missing between '<=' and 'and'", 22),
        ("(pain_nrs > 3", "'(' is never closed: a ')' is missing", 0),
        ("pain_nrs > 3 and (jps_impaired", "'(' is never closed", 17),
        ("pain_nrs > 3)", "')' has no matching '('", 12),
        ("pain_nrs => 3", "'=' is not part of this language: write '==' to compare", 9),
        ("pain_nrs > 3 && jps_impaired", "'&&' is not part of this language: write 'and'", 13),
        ("pain_nrs > 3 || jps_impaired", "'||' is not part of this language: write 'or'", 13),
        ("pain_nrs > 3 and", "the condition ends after 'and': a value is missing", 16),
        ("pain_nrs 3", "'3' cannot follow 'pain_nrs'", 9),
        ("'high", "the text opened with ' is never closed", 0),
        ("pain_nrs @ 3", "'@' cannot be used in a condition", 9),
        ("pain_nrs > 3 and pain_nsr < 5", "unknown finding 'pain_nsr'", 17),
    ],
)
def test_syntax_errors_say_what_is_wrong_and_where(text: str, message: str, offset: int) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text, KINDS)
    assert message in str(caught.value)
    assert caught.value.offset == offset


def test_symbols_are_collected() -> None:
    compiled = compile_expression("pain_nrs > 3 and $min([mrc_hip_extension]) < 4", KINDS)
    assert compiled.symbols == {"pain_nrs", "mrc_hip_extension"}


def test_one_context_serves_many_expressions_and_names_added_later() -> None:
    """The library compiles every expression with one rule-engine context (building one costs more than
    parsing a condition): a name added to the mapping afterwards still resolves, and each compiled expression
    keeps only its own symbols and type."""
    from planner.engine.conditions import expression_context

    types = {"pain_nrs": Kind.NUMBER}
    context = expression_context(types)
    first = compile_expression("pain_nrs > 3", types, context)
    types["band"] = Kind.TEXT
    second = compile_expression("band == 'severe'", types, context)
    assert (first.symbols, first.kind) == (frozenset({"pain_nrs"}), Kind.FLAG)
    assert (second.symbols, second.kind) == (frozenset({"band"}), Kind.FLAG)
    assert first.evaluate({"pain_nrs": 5}) and second.evaluate({"band": "severe"})
    with pytest.raises(ExpressionError, match="unknown finding 'nope'"):
        compile_expression("nope > 1", types, context)
    assert compile_expression("pain_nrs + 1", types, context).kind is Kind.NUMBER


def test_unary_minus_on_a_list_is_refused_when_the_document_is_read(library: Any) -> None:
    """`-[x]` used to compile and then raise TypeError inside a plan (found by the hypothesis test in
    test_condition_safety with 'not -[age_years]'); '-' takes numbers only, like the other arithmetic."""

    with pytest.raises(ExpressionError, match="numbers only"):
        compile_expression("not -[age_years]", library.finding_kinds)
    assert compile_expression("-age_years < 3", library.finding_kinds) is not None
