"""JSON text to Python values, with the limits of a file a therapist could have written by hand.

Python's ``json`` module accepts ``NaN`` and ``Infinity`` (which JSON does not have), keeps the last of two
values given for one key without a word, turns a 5,000-digit integer into a ValueError from deep inside
(Python's limit on converting long digit strings) and recurses once per level of nesting. Here:

* nesting is bounded before parsing (a scan that skips over strings), so ``[[[[...`` is refused at once;
* ``NaN``, ``Infinity``, numbers that overflow to infinity, and integers longer than any field allows are
  parsed into :class:`Refused` markers, and an object that names a key twice into a :class:`Duplicated`
  one, so that validation reports each with its field's path (see ``validate.value_issues``) instead of the
  parser stopping at the first, without a path.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 16
"""Objects and lists inside one another; lsp-assessment/1 needs four."""
MAX_INTEGER_DIGITS = 20
"""No field takes a whole number anywhere near this long."""

_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class Refused:
    """A value the parser read but the format cannot hold; ``rule`` says why, for the field's message."""

    __slots__ = ("rule",)

    def __init__(self, rule: str) -> None:
        self.rule = rule

    def __repr__(self) -> str:
        return f"Refused({self.rule!r})"


class Duplicated(dict[str, Any]):
    """An object that named one or more keys twice (the last value kept, as ``json`` does)."""

    duplicates: tuple[str, ...] = ()


class JSONInputError(ValueError):
    """Text that is not JSON, or nested beyond :data:`MAX_DEPTH`; the message says where."""


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                line, column = _line_column(text, match.start())
                raise JSONInputError(f"nested more than {limit} levels deep (line {line}, column {column})")
        elif token in "]}":
            depth -= 1


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    twice = []
    for key, _value in pairs:
        if key in seen and key not in twice:
            twice.append(key)
        seen.add(key)
    marked = Duplicated(result)
    marked.duplicates = tuple(twice)
    return marked


def _constant(name: str) -> Refused:
    return Refused(f"{name} is not a number the format allows (numbers must be finite)")


def _float(text: str) -> float | Refused:
    value = float(text)
    if math.isfinite(value):
        return value
    return Refused(f"{text[:20]}{'…' if len(text) > 20 else ''} is too large a number (numbers must be finite)")


def _int(text: str) -> int | Refused:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return Refused(f"a number of {len(text.lstrip('-'))} digits is far outside the range of any field")
    return int(text)


def loads(text: str) -> Any:
    """Parse ``text``; JSONInputError for what is not JSON or is nested too deeply."""
    check_depth(text)
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise JSONInputError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:  # cannot happen below MAX_DEPTH; kept so no input can become a crash
        raise JSONInputError(f"nested more than {MAX_DEPTH} levels deep") from None
