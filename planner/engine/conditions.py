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

**A document is untrusted code in a small language.** A condition must not be able to hang an import or a
plan, exhaust memory, or crash every plan when it is evaluated. So the language is a safe subset of
rule-engine's, decided here and documented in docs/document-format.md ("Conditions"):

* Before rule-engine sees the text (its parser already evaluates constant parts, so ``1 << 10**10`` would
  be computed while *checking* a document), :func:`screen` reads the tokens and refuses what the subset
  leaves out: powers, bit operations and shifts, regular expressions (backtracking patterns such as
  ``(a+)+$`` take exponential time on a patient's text), mappings, sets, comprehensions, comments, byte,
  date and duration literals, and every built-in but ``$min``, ``$max``, ``$sum`` and ``$abs``
  (``$range`` builds lists of any length; ``$random``, ``$now`` and ``$today`` would make a plan differ
  from one drafting to the next). It also bounds the text (:data:`MAX_EXPRESSION_CHARS`) and its nesting.
* :func:`_compile` then accepts exactly the node types it has a closure for (:data:`ALLOWED_NODES`); any
  other is refused at load time. There is no fallback to rule-engine's evaluator and its other null rules.
* The closures never raise on a valid assessment: arithmetic is on numbers, and ``+`` also joins two texts
  (a hold reason built from its parts) up to :data:`MAX_TEXT_CHARS` (a chain of derived findings that each
  double their text would otherwise grow exponentially; a longer result is null). Whole numbers beyond 2**53
  continue as floating point, and a result that is not a finite number (overflow, division by zero) is null.
  Every operation is constant-time or linear in a bounded input, and the tree depth is bounded, so an
  expression evaluates in bounded time and memory (a hypothesis fuzz test, tests/engine/test_condition_safety.py,
  checks this against hostile expressions).

rule-engine is pinned below its next major version (pyproject.toml): the compiler reads its tree.
"""

from __future__ import annotations

import difflib
import math
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


MAX_TEXT_CHARS = 4000
"""The longest text ``+`` may build; a longer join is null (see the module docstring)."""
MAX_EXPRESSION_CHARS = 1000
"""The longest condition or value the library accepts (the shipped documents' longest is under 300)."""
MAX_NESTING = 16
"""Parentheses and brackets inside one another."""
MAX_TOKENS = 250
"""Words, numbers and operators in one expression."""
MAX_DEPTH = 48
"""Depth of the compiled tree (a chain of 200 additions is a tree 200 deep, refused here)."""

ALLOWED_FUNCTIONS = ("abs", "max", "min", "sum")
"""The built-in functions a condition may call (written ``$min([...])``); see docs/document-format.md."""
NON_DETERMINISTIC = ("now", "random", "today")

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<string>(?P<prefix>[A-Za-z]?)(?P<quote>['"])(?:[^\\\n]|\\.)*?(?P=quote))
    | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[A-Za-z_0-9]*)
    | (?P<name>\$?[A-Za-z_][A-Za-z0-9_]*)
    | (?P<operator>\*\*|//|<<|>>|<=|>=|==|!=|=~~|=~|!~~|!~|\?\?|&\.|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_REFUSED_OPERATORS = {
    "**": "powers",
    "<<": "bit shifts",
    ">>": "bit shifts",
    "&.": "safe navigation (&.)",
    "^": "bit operations",
    "=~": "regular expressions",
    "=~~": "regular expressions",
    "!~": "regular expressions",
    "!~~": "regular expressions",
    "{": "mappings and sets",
    "}": "mappings and sets",
    "#": "comments",
}
_REFUSED_WORDS = {"for": "comprehensions", "if": "comprehensions", "inf": "infinity", "nan": "not-a-number"}
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _refused(what: str, token: str, offset: int) -> ExpressionError:
    return ExpressionError(
        f"'{token}': {what} are not part of the condition language (see docs/document-format.md)", offset
    )


def screen(text: str) -> None:
    """Refuse what the safe subset leaves out, by reading the tokens, before rule-engine parses (and partly
    evaluates) the text; ExpressionError names the token and carries its offset (the compiler reports it as a
    line and column of the document)."""
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(f"longer than {MAX_EXPRESSION_CHARS} characters")
    depth = tokens = 0
    for match in _TOKEN.finditer(text):
        kind, token, offset = match.lastgroup, match.group(), match.start()
        if kind == "space":
            continue
        tokens += 1
        if tokens > MAX_TOKENS:
            raise ExpressionError(f"more than {MAX_TOKENS} words and operators; split it into derived findings")
        if kind == "string" and match.group("prefix"):
            raise _refused("prefixed literals (bytes, dates, durations, raw text)", token[:12], offset)
        if kind == "number" and not _NUMBER.fullmatch(token):
            raise ExpressionError(f"'{token[:20]}': write numbers in decimal digits, such as 12.5", offset)
        if kind == "name":
            if token.startswith("$"):
                _check_function(token[1:], offset)
            elif token in _REFUSED_WORDS:
                raise _refused(_REFUSED_WORDS[token], token, offset)
        if kind == "operator":
            if token in ("&", "|"):  # most often 'and' or 'or' as other languages spell them
                typed = token * 2 if text[offset : offset + 2] == token * 2 else token
                raise ExpressionError(f"'{typed}' is not part of this language: write {_SPELLINGS[token]}", offset)
            if token in _REFUSED_OPERATORS:
                raise _refused(_REFUSED_OPERATORS[token], token, offset)
            if token in "([":
                depth += 1
                if depth > MAX_NESTING:
                    raise ExpressionError(f"brackets nested more than {MAX_NESTING} deep", offset)
            elif token in ")]":
                depth -= 1


def _check_function(name: str, offset: int) -> None:
    if name in ALLOWED_FUNCTIONS:
        return
    available = ", ".join(f"${function}" for function in ALLOWED_FUNCTIONS)
    if name in NON_DETERMINISTIC:
        raise ExpressionError(
            f"'${name}': not allowed, a plan must come out the same every time it is drafted "
            f"(built-in functions: {available})",
            offset,
        )
    raise ExpressionError(f"'${name}': not an available built-in function ({available})", offset)


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
    """Screen, parse, type-check and compile ``text`` against the finding names in ``types`` (with ``context``
    from :func:`expression_context` for the same ``types``, when compiling many)."""
    screen(text)
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
    except re_errors.ArithmeticError:
        raise ExpressionError(
            "its constant part cannot be computed (a division by zero, or a number too large)"
        ) from None
    except re_errors.EngineError as exc:
        raise ExpressionError(str(getattr(exc, "message", exc))) from None
    except RecursionError:
        raise ExpressionError("nested too deeply") from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise ExpressionError(f"cannot read the expression ({type(exc).__name__})") from None
    expression = rule.statement.expression
    symbols: set[str] = set()
    evaluator = _compile(expression, symbols, 0)
    return Compiled(text, evaluator, kind_of(expression.result_type), frozenset(symbols))


_INTEGER_LIMIT = 2**53
"""Whole numbers beyond this continue as floating point, so repeated multiplication (also across derived
findings that use one another) cannot grow a number without bound."""


def _bounded(value: Any) -> Any:
    """A computed number kept within fixed size: a large whole number as a float, a non-finite float as null."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -_INTEGER_LIMIT <= value <= _INTEGER_LIMIT else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _literal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _bounded(value)
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
            return _bounded(op(a, b))
        except (ArithmeticError, TypeError, ValueError):  # division by zero, overflow
            return None

    return evaluate


def _join(left: Evaluator, right: Evaluator) -> Evaluator:
    """``+`` on two texts: joined when the result stays within MAX_TEXT_CHARS, else null (as for null parts)."""

    def evaluate(findings: Findings) -> Any:
        a, b = left(findings), right(findings)
        if not isinstance(a, str) or not isinstance(b, str) or len(a) + len(b) > MAX_TEXT_CHARS:
            return None
        return a + b

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
assert set(_BUILTINS) == set(ALLOWED_FUNCTIONS)

_ORDERING = {"ge": operator.ge, "gt": operator.gt, "le": operator.le, "lt": operator.lt}
_ARITHMETIC = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "tdiv": operator.truediv,
    "fdiv": operator.floordiv,
    "mod": operator.mod,
}

ALLOWED_NODES = (
    "BooleanExpression",
    "FloatExpression",
    "StringExpression",
    "NullExpression",
    "ArrayExpression",
    "SymbolExpression",
    "FunctionCallExpression",
    "LogicExpression",
    "ArithmeticComparisonExpression",
    "ComparisonExpression",
    "ContainsExpression",
    "UnaryExpression",
    "TernaryExpression",
    "CoalesceExpression",
    "AddExpression",
    "SubtractExpression",
    "ArithmeticExpression",
    "GetAttributeExpression",
)
"""The rule-engine node types the compiler handles (each with the operator types :func:`_compile` names);
any other is refused when a document is loaded."""

_DESCRIPTIONS = {
    "BitwiseExpression": "bit operations",
    "BitwiseShiftExpression": "bit shifts",
    "FuzzyComparisonExpression": "regular expressions",
    "ComprehensionExpression": "comprehensions",
    "GetItemExpression": "indexing with [...]",
    "GetSliceExpression": "slices",
    "MappingExpression": "mappings",
    "SetExpression": "sets",
    "BytesExpression": "byte strings",
    "DatetimeExpression": "dates",
    "TimedeltaExpression": "durations",
    "FunctionExpression": "function values",
}


def _not_allowed(what: str) -> ExpressionError:
    return ExpressionError(f"{what} are not part of the condition language (see docs/document-format.md)")


def _compile(node: Any, symbols: set[str], depth: int) -> Evaluator:
    """The closure for ``node``: exactly the node types of :data:`ALLOWED_NODES`, or ExpressionError."""
    if depth > MAX_DEPTH:
        raise ExpressionError(f"nested more than {MAX_DEPTH} operations deep; split it into derived findings")
    re_ast = _engine().ast
    name = type(node).__name__
    if name not in ALLOWED_NODES:
        raise _not_allowed(_DESCRIPTIONS.get(name, f"expressions of the kind {name}"))
    depth += 1

    def sub(child: Any) -> Evaluator:
        return _compile(child, symbols, depth)

    if isinstance(node, re_ast.ArrayExpression):
        members = [sub(member) for member in node.value]
        return lambda f: tuple(m(f) for m in members)
    if isinstance(node, re_ast.LiteralExpressionBase):
        value = _literal(node.value)
        return lambda _f: value
    if isinstance(node, re_ast.SymbolExpression):
        if node.scope == "built-in":
            raise ExpressionError(f"${node.name} can only be called, as in $min([a, b])")
        name = node.name
        symbols.add(name)
        return lambda f: f.get(name)
    if isinstance(node, re_ast.FunctionCallExpression):
        function = node.function
        if not (
            isinstance(function, re_ast.SymbolExpression)
            and function.scope == "built-in"
            and function.name in _BUILTINS
        ):
            raise _not_allowed("calls of anything but $abs, $max, $min and $sum")
        builtin = _BUILTINS[function.name]
        arguments = [sub(argument) for argument in node.arguments]

        def call(f: Findings) -> Any:
            try:
                return _bounded(builtin(*(a(f) for a in arguments)))
            except (ArithmeticError, TypeError, ValueError):
                return None

        return call
    if isinstance(node, re_ast.LogicExpression):
        left, right = sub(node.left), sub(node.right)
        if node.type == "and":
            return lambda f: bool(left(f)) and bool(right(f))
        if node.type == "or":
            return lambda f: bool(left(f)) or bool(right(f))
    if isinstance(node, re_ast.ArithmeticComparisonExpression) and node.type in _ORDERING:
        return _ordering(_ORDERING[node.type], sub(node.left), sub(node.right))
    if name == "ComparisonExpression" and node.type in ("eq", "ne"):
        left, right = sub(node.left), sub(node.right)
        if node.type == "eq":
            return lambda f: left(f) == right(f)
        return lambda f: left(f) != right(f)
    if isinstance(node, re_ast.ContainsExpression):
        container, member = sub(node.container), sub(node.member)

        def contains(f: Findings) -> bool:
            values = container(f)
            if values is None:
                return False
            try:
                return member(f) in values
            except TypeError:  # None in a text: never contained
                return False

        return contains
    if isinstance(node, re_ast.UnaryExpression):
        right = sub(node.right)
        if node.type == "not":
            return lambda f: not right(f)
        if node.type == "uminus":
            # rule-engine does not type-check a negated list of symbols (``-[age]``): refused here by its kind,
            # and a value that is not a number at run time gives null, so the closure never raises.
            if kind_of(node.right.result_type) not in (Kind.NUMBER, None):
                raise ExpressionError("'-' works on numbers only")
            return lambda f: _bounded(-v) if _is_number(v := right(f)) else None
    if isinstance(node, re_ast.TernaryExpression):
        condition = sub(node.condition)
        case_true, case_false = sub(node.case_true), sub(node.case_false)
        return lambda f: case_true(f) if condition(f) else case_false(f)
    if isinstance(node, re_ast.CoalesceExpression):
        left, right = sub(node.left), sub(node.right)
        return lambda f: v if (v := left(f)) is not None else right(f)
    if isinstance(node, re_ast.BinaryExpressionBase) and node.type in _ARITHMETIC:
        kind = kind_of(node.result_type)
        if node.type == "add" and kind is Kind.TEXT:
            return _join(sub(node.left), sub(node.right))
        if kind is not Kind.NUMBER:
            raise ExpressionError(
                f"'{_SYMBOLS[node.type]}' works on numbers only ('+' also joins two texts; lists cannot be joined)"
            )
        return _arithmetic(_ARITHMETIC[node.type], sub(node.left), sub(node.right))
    if isinstance(node, re_ast.GetAttributeExpression):
        if node.name != "length":
            raise _not_allowed(f"attributes other than .length (here .{node.name})")
        target = sub(node.object)
        return lambda f: len(v) if isinstance(v := target(f), str | tuple | list) else None
    what = getattr(node, "type", None) or getattr(node, "name", None) or name
    raise _not_allowed(f"'{_SYMBOLS.get(str(what), what)}' operations")


_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "tdiv": "/", "fdiv": "//", "mod": "%", "pow": "**"}
