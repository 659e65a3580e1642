"""Conditions and value expressions from guidance documents, compiled once into plain closures.

Documents are untrusted text, so they are parsed and type-checked by rule-engine (a well-kept expression
language with its own grammar; nothing is handed to Python's ``eval``). rule-engine's tree is then turned
into nested closures, for two reasons:

* **Null semantics a clinician can rely on.** rule-engine raises on ``null <= 3``; a finding that was not
  recorded (a muscle not tested, no creatinine clearance) is normal in an assessment. Here an ordering
  comparison with null is simply false, arithmetic with null is null, and ``$min``/``$max`` skip nulls,
  so ``mrc_knee_extension <= 2 or jps_impaired`` still fires on the joint-position-sense half.
* **Speed.** A closure tree evaluates a typical condition in a microsecond or two, against ~25 us through
  rule-engine's own evaluator; the plan follows each keystroke in the editor.

Node types without a dedicated closure fall back to rule-engine's own ``evaluate`` on that subtree.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from types import ModuleType
from typing import Any

from planner.engine.vocabulary import Kind

Findings = Mapping[str, Any]
Evaluator = Callable[[Findings], Any]


@cache
def _engine() -> ModuleType:
    """rule-engine builds its parser tables when imported (about 0.4 s), so it is imported on first use:
    after the window is painted, not before."""
    import rule_engine

    return rule_engine


@cache
def _data_types() -> dict[Kind, Any]:
    data_type = _engine().DataType
    return {
        Kind.NUMBER: data_type.FLOAT,
        Kind.TEXT: data_type.STRING,
        Kind.FLAG: data_type.BOOLEAN,
        Kind.LIST: data_type.ARRAY(data_type.STRING),
    }


def _resolver(types: Mapping[str, Kind]) -> Callable[[str], Any]:
    """The rule engine's type for each finding name an expression uses, looked up as it asks.

    Why not ``type_resolver_from_dict``: that converts every name of the vocabulary (some 250) for each
    expression compiled, which was most of compiling a library; an expression uses a handful.
    """
    data_types, errors = _data_types(), _engine().errors

    def resolve(name: str) -> Any:
        kind = types.get(name)
        if kind is None:
            raise errors.SymbolResolutionError(name)
        return data_types[kind]

    return resolve


def kind_of(data_type: Any) -> Kind | None:
    """Map a rule-engine result type back to a finding kind (None when it is not one of ours)."""
    _DT = _engine().DataType
    if _DT.is_type(data_type, _DT.NULLABLE):
        data_type = data_type.inner_type
    if data_type == _DT.FLOAT:
        return Kind.NUMBER
    if data_type == _DT.STRING:
        return Kind.TEXT
    if data_type == _DT.BOOLEAN:
        return Kind.FLAG
    if _DT.is_type(data_type, _DT.ARRAY):
        return Kind.LIST
    return None


class ExpressionError(ValueError):
    """A condition that does not parse or type-check; the message is meant for a document author.

    ``offset`` is where in the expression's text the problem lies (0-based), when it is known: the compiler
    turns it into a line and column of the document.
    """

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


_OPERATORS = ("==", "!=", "<=", ">=", "=~", "<", ">", "+", "-", "*", "/", "%", "(", ",", "and", "or", "not", "in")
"""What a value must follow: an expression that stops right after one of these is missing a value."""
_SPELLINGS = {"=": "'==' to compare", "&": "'and'", "|": "'or'", "!": "'not' (or '!=' to compare)"}
"""Characters authors type from other languages, and what this language writes instead."""


def _last_operator(before: str) -> str | None:
    """The operator ``before`` ends with (a word operator only as a whole word), or None."""
    stripped = before.rstrip()
    for operator_text in sorted(_OPERATORS, key=len, reverse=True):
        if stripped.endswith(operator_text):
            if operator_text.isalpha() and stripped[: -len(operator_text)][-1:].isalnum():
                continue
            return operator_text
    return None


def _open_parenthesis(text: str) -> int | None:
    """The offset of the first '(' that is never closed (outside quoted text), or None."""
    stack: list[int] = []
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            stack.append(index)
        elif char == ")" and stack:
            stack.pop()
    return stack[0] if stack else None


def syntax_error(text: str, token: Any) -> ExpressionError:
    """What is wrong with a condition that does not parse, and where: ``token`` is the rule engine's token
    where parsing stopped (None when the text ended too early)."""
    if token is None:
        if not text.strip():
            return ExpressionError("the condition is empty", 0)
        unclosed = _open_parenthesis(text)
        if unclosed is not None:
            return ExpressionError("'(' is never closed: a ')' is missing", unclosed)
        operator_text = _last_operator(text)
        if operator_text is not None:
            return ExpressionError(
                f"the condition ends after '{operator_text}': a value is missing", len(text.rstrip())
            )
        return ExpressionError("the condition ends too early", len(text.rstrip()))
    offset = int(getattr(token, "lexpos", 0) or 0)
    value = str(getattr(token, "value", "") or "")
    char = value[:1]
    if char in _SPELLINGS and (getattr(token, "type", "") == "error" or value == char):
        while offset > 0 and text[offset - 1] == char:
            offset -= 1  # '&&' and '||' are reported where they start
        typed = char * 2 if text[offset : offset + 2] == char * 2 else char
        return ExpressionError(f"'{typed}' is not part of this language: write {_SPELLINGS[char]}", offset)
    if getattr(token, "type", "") == "error":
        if char in "'\"":
            return ExpressionError(f"the text opened with {char} is never closed", offset)
        return ExpressionError(f"'{char}' cannot be used in a condition", offset)
    before = text[:offset]
    if value == ")" and before.count("(") <= before.count(")"):
        return ExpressionError("')' has no matching '('", offset)
    operator_text = _last_operator(before)
    if operator_text is not None and operator_text != "not":
        return ExpressionError(f"a value is missing between '{operator_text}' and '{value}'", offset)
    previous = before.split()[-1] if before.split() else ""
    if previous:
        return ExpressionError(f"'{value}' cannot follow '{previous}' (an operator such as 'and' is missing?)", offset)
    return ExpressionError(f"a condition cannot start with '{value}'", offset)


@dataclass(frozen=True, slots=True)
class Compiled:
    text: str
    evaluate: Evaluator
    kind: Kind | None
    symbols: frozenset[str]


def expression_context(types: Mapping[str, Kind]) -> Any:
    """A rule-engine context resolving finding names in ``types`` (looked up as they are asked for, so names
    added to the mapping later resolve too). Building one costs more than parsing a typical condition (its
    table of built-in functions), so a library compiles all its expressions with one."""
    return _engine().Context(type_resolver=_resolver(types))


def compile_expression(text: str, types: Mapping[str, Kind], context: Any = None) -> Compiled:
    """Parse, type-check and compile ``text`` against the finding names in ``types`` (with ``context`` from
    :func:`expression_context` for the same ``types``, when compiling many)."""
    rule_engine = _engine()
    re_errors = rule_engine.errors
    if context is None:
        context = expression_context(types)
    try:
        rule = rule_engine.Rule(text, context=context)
    except re_errors.SymbolResolutionError as exc:
        close = difflib.get_close_matches(exc.symbol_name, list(types), n=1, cutoff=0.75)
        suggestion = f" (did you mean '{close[0]}'?)" if close else ""
        found = re.search(rf"(?<![\w$]){re.escape(exc.symbol_name)}(?!\w)", text)
        raise ExpressionError(
            f"unknown finding '{exc.symbol_name}'{suggestion}", found.start() if found else None
        ) from None
    except re_errors.RuleSyntaxError as exc:
        raise syntax_error(text, getattr(exc, "token", None)) from None
    except re_errors.EngineError as exc:
        raise ExpressionError(str(getattr(exc, "message", exc))) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise ExpressionError(f"cannot read the expression: {exc}") from None
    expression = rule.statement.expression
    symbols: set[str] = set()
    evaluator = _compile(expression, symbols)
    return Compiled(text, evaluator, kind_of(expression.result_type), frozenset(symbols))


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _literal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, tuple):
        re_ast = _engine().ast
        return tuple(_literal(v.value if isinstance(v, re_ast.LiteralExpressionBase) else v) for v in value)
    return value


def _ordering(op: Callable[[Any, Any], bool], left: Evaluator, right: Evaluator) -> Evaluator:
    def evaluate(findings: Findings) -> bool:
        a = left(findings)
        if a is None:
            return False
        b = right(findings)
        if b is None:
            return False
        try:
            return bool(op(a, b))
        except TypeError:
            return False

    return evaluate


def _arithmetic(op: Callable[[Any, Any], Any], left: Evaluator, right: Evaluator) -> Evaluator:
    def evaluate(findings: Findings) -> Any:
        a, b = left(findings), right(findings)
        if a is None or b is None:
            return None
        try:
            return op(a, b)
        except (ZeroDivisionError, TypeError):
            return None

    return evaluate


def _null_skipping(function: Callable[[Iterable[Any]], Any]) -> Callable[[Any], Any]:
    def call(values: Any) -> Any:
        present = [v for v in (values or ()) if v is not None]
        return function(present) if present else None

    return call


_BUILTINS: dict[str, Callable[..., Any]] = {
    "min": _null_skipping(min),
    "max": _null_skipping(max),
    "sum": lambda values: sum(v for v in (values or ()) if v is not None),
    "abs": lambda value: None if value is None else abs(value),
}

_ORDERING = {"ge": operator.ge, "gt": operator.gt, "le": operator.le, "lt": operator.lt}
_ARITHMETIC = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "tdiv": operator.truediv,
    "fdiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
}


def _compile(node: Any, symbols: set[str]) -> Evaluator:
    re_ast = _engine().ast
    if isinstance(node, re_ast.LiteralExpressionBase) and not isinstance(node, re_ast.ArrayExpression):
        value = _literal(node.value)
        return lambda _f: value
    if isinstance(node, re_ast.ArrayExpression):
        members = [_compile(member, symbols) for member in node.value]
        return lambda f: tuple(m(f) for m in members)
    if isinstance(node, re_ast.SymbolExpression):
        if node.scope == "built-in":
            builtin = _BUILTINS.get(node.name)
            if builtin is not None:
                return lambda _f: builtin
            return node.evaluate
        name = node.name
        symbols.add(name)
        return lambda f: f.get(name)
    if isinstance(node, re_ast.FunctionCallExpression):
        function = _compile(node.function, symbols)
        arguments = [_compile(argument, symbols) for argument in node.arguments]

        def call(f: Findings) -> Any:
            return _number(function(f)(*(a(f) for a in arguments)))

        return call
    if isinstance(node, re_ast.LogicExpression):
        left, right = _compile(node.left, symbols), _compile(node.right, symbols)
        if node.type == "and":
            return lambda f: bool(left(f)) and bool(right(f))
        if node.type == "or":
            return lambda f: bool(left(f)) or bool(right(f))
    if isinstance(node, re_ast.ArithmeticComparisonExpression) and node.type in _ORDERING:
        return _ordering(_ORDERING[node.type], _compile(node.left, symbols), _compile(node.right, symbols))
    if isinstance(node, re_ast.ComparisonExpression) and node.type in ("eq", "ne"):
        left, right = _compile(node.left, symbols), _compile(node.right, symbols)
        if node.type == "eq":
            return lambda f: left(f) == right(f)
        return lambda f: left(f) != right(f)
    if isinstance(node, re_ast.ContainsExpression):
        container, member = _compile(node.container, symbols), _compile(node.member, symbols)

        def contains(f: Findings) -> bool:
            values = container(f)
            return values is not None and member(f) in values

        return contains
    if isinstance(node, re_ast.UnaryExpression):
        right = _compile(node.right, symbols)
        if node.type == "not":
            return lambda f: not right(f)
        if node.type == "uminus":
            return lambda f: None if (v := right(f)) is None else -v
    if isinstance(node, re_ast.TernaryExpression):
        condition = _compile(node.condition, symbols)
        case_true, case_false = _compile(node.case_true, symbols), _compile(node.case_false, symbols)
        return lambda f: case_true(f) if condition(f) else case_false(f)
    if isinstance(node, re_ast.CoalesceExpression):
        left, right = _compile(node.left, symbols), _compile(node.right, symbols)
        return lambda f: v if (v := left(f)) is not None else right(f)
    if isinstance(node, re_ast.BinaryExpressionBase) and node.type in _ARITHMETIC:
        return _arithmetic(_ARITHMETIC[node.type], _compile(node.left, symbols), _compile(node.right, symbols))
    if isinstance(node, re_ast.GetAttributeExpression) and node.name == "length":
        target = _compile(node.object, symbols)
        return lambda f: None if (v := target(f)) is None else len(v)
    return _fallback(node, symbols)


def _fallback(node: Any, symbols: set[str]) -> Evaluator:
    """Evaluate an uncommon node with rule-engine itself; an evaluation error there counts as null."""
    _collect_symbols(node, symbols)

    engine_error = _engine().errors.EngineError

    def evaluate(f: Findings) -> Any:
        try:
            return _number(node.evaluate(dict(f)))
        except engine_error:
            return None

    return evaluate


def _collect_symbols(node: Any, symbols: set[str]) -> None:
    re_ast = _engine().ast
    if isinstance(node, re_ast.SymbolExpression):
        if node.scope != "built-in":
            symbols.add(node.name)
        return
    for attribute in (
        "left",
        "right",
        "container",
        "member",
        "object",
        "condition",
        "case_true",
        "case_false",
        "function",
        "iterable",
        "result",
        "item",
        "start",
        "stop",
    ):
        child = getattr(node, attribute, None)
        if isinstance(child, re_ast.ExpressionBase):
            _collect_symbols(child, symbols)
    for child in getattr(node, "arguments", ()) or ():
        _collect_symbols(child, symbols)
