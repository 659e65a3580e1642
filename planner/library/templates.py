"""Templates: the texts of a document's blocks with findings inserted (``{name}``) and optional segments
(``[[ ... ]]``, printed only when what they name is recorded and their ``{?condition}`` tests hold).

Compiled once with the library (planner.library.compiler) and for each translation of a patient text
(planner.library.translations); rendered for every plan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.engine.conditions import Compiled, ExpressionError, compile_expression
from planner.engine.vocabulary import Kind

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True, slots=True)
class Segment:
    """An optional part of a template, ``[[ ... ]]``: printed only when every finding it prints has a value
    and every test it makes holds.

    ``parts`` alternate like a template's (text, name, text ...); ``guards`` are findings named with
    ``{?name}``, tested for a value but not printed; ``tests`` are conditions written ``{?CONDITION}`` (for
    example ``{?not dvt}`` or ``{?falls_past_3_months >= 1}``), which must be true.
    """

    parts: tuple[str, ...]
    guards: tuple[str, ...]
    tests: tuple[Compiled, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every finding the segment prints or tests."""
        tested = tuple(name for test in self.tests for name in sorted(test.symbols))
        return (*self.parts[1::2], *self.guards, *tested)

    def render(self, findings: Mapping[str, Any], shown: Mapping[str, Any] | None = None) -> str:
        if not all(has_value(findings.get(name)) for name in (*self.parts[1::2], *self.guards)):
            return ""
        if not all(test.evaluate(findings) for test in self.tests):
            return ""
        return _render_parts(self.parts, findings if shown is None else shown)


@dataclass(frozen=True, slots=True)
class Template:
    """Literal text and finding names, alternating: parts[0] text, parts[1] name, parts[2] text ...

    ``segments`` holds the optional parts: a name ``\x00N`` in ``parts`` stands for segment N.
    """

    parts: tuple[str, ...]
    segments: tuple[Segment, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        direct = tuple(name for name in self.parts[1::2] if not name.startswith(SEGMENT_MARK))
        return direct + tuple(name for segment in self.segments for name in segment.names)

    def render(self, findings: Mapping[str, Any], shown: Mapping[str, Any] | None = None) -> str:
        """The text for ``findings``. ``shown``, when given, holds the values as they print (a translation's
        words for a text finding, see :meth:`planner.library.translations.Translations.findings_in`); the
        segments' tests always read ``findings``, so ``{?walking_aid == 'walker'}`` holds in every language."""
        parts = self.parts
        if len(parts) == 1:  # no finding named: most details and handout notes
            return parts[0]
        printed = findings if shown is None else shown
        if not self.segments:
            return _render_parts(parts, printed)
        out = []
        for index, part in enumerate(parts):
            if not index % 2:
                out.append(part)
            elif part.startswith(SEGMENT_MARK):
                out.append(self.segments[int(part[1:])].render(findings, shown))
            else:
                out.append(format_value(printed.get(part)))
        return _tidy("".join(out))


SEGMENT_MARK = "\x00"
"""Marks a template part that stands for an optional segment (a finding name cannot contain it)."""


def _render_parts(parts: tuple[str, ...], findings: Mapping[str, Any]) -> str:
    return "".join(format_value(findings.get(part)) if index % 2 else part for index, part in enumerate(parts))


def _tidy(text: str) -> str:
    """Spacing left by segments that printed nothing: runs of spaces, and a space before punctuation."""
    text = re.sub(r" {2,}", " ", text)
    return re.sub(r" ([.,;:)])", r"\1", text).strip()


def has_value(value: Any) -> bool:
    """Whether a finding counts as recorded for an optional segment: not null, false, empty text or empty list."""
    if value is None or value is False:
        return False
    if isinstance(value, str | tuple | list):
        return bool(value)
    return True


def format_value(value: Any) -> str:
    """How a finding prints inside a title, detail or handout line."""
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer():
            return str(int(number))
        return f"{number:.1f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value) if value else "none"
    return str(value).replace("_", " ")


def compile_template(text: str, kinds: Mapping[str, Kind], context: Any = None) -> Template | str:
    """Compile a template, or return the reason it is wrong."""
    parts: list[str] = []
    segments: list[Segment] = []
    position = 0
    while True:
        start, stray = text.find("[[", position), text.find("]]", position)
        if stray >= 0 and (start < 0 or stray < start):
            return "']]' closes no '[['"
        if start < 0:
            break
        end = text.find("]]", start + 2)
        if end < 0:
            return "'[[' is not closed by ']]'"
        if 0 <= text.find("[[", start + 2) < end:
            return "optional segments '[[ ]]' cannot nest"
        before = _parts(text[position:start], kinds, guards=None)
        if isinstance(before, str):
            return before
        guards: list[str] = []
        inner = _parts(text[start + 2 : end], kinds, guards=guards)
        if isinstance(inner, str):
            return inner
        if not inner[1::2] and not guards:
            return "an optional segment '[[ ]]' must name a finding"
        tests = _guard_tests(guards, kinds, context)
        if isinstance(tests, str):
            return tests
        _join(parts, before)
        parts.extend([f"{SEGMENT_MARK}{len(segments)}", ""])
        names = tuple(guard for guard in guards if _BARE_NAME.match(guard))
        segments.append(Segment(tuple(inner), names, tests))
        position = end + 2
    rest = _parts(text[position:], kinds, guards=None)
    if isinstance(rest, str):
        return rest
    _join(parts, rest)
    return Template(tuple(parts), tuple(segments))


_BARE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""A guard that is one finding name tests for a value; any other guard is a condition."""


def _guard_tests(guards: list[str], kinds: Mapping[str, Kind], context: Any) -> tuple[Compiled, ...] | str:
    """The guards written as conditions (``{?not dvt}``), compiled like a ``when:`` and true or false."""
    tests = []
    for guard in guards:
        if _BARE_NAME.match(guard):
            continue
        try:
            test = compile_expression(guard, kinds, context)
        except ExpressionError as exc:
            return f"'{{?{guard}}}': {exc}"
        if test.kind is not Kind.FLAG:
            return f"'{{?{guard}}}' must be true or false"
        tests.append(test)
    return tuple(tests)


def _join(parts: list[str], more: list[str]) -> None:
    """Append alternating parts (text, name, text ...) to alternating parts ending in text, merging the texts
    that meet."""
    if parts:
        parts[-1] += more[0]
        parts.extend(more[1:])
    else:
        parts.extend(more)


def _parts(text: str, kinds: Mapping[str, Kind], guards: list[str] | None) -> list[str] | str:
    """Alternating literal text and finding names; ``{?...}`` guards go to ``guards`` (inside a segment)."""
    parts: list[str] = []
    literal: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        literal.append(text[position : match.start()])
        token = match.group(0)
        if token == "{{":
            literal.append("{")
        elif token == "}}":
            literal.append("}")
        elif match.group(1) is None:
            return f"unmatched '{token}' (write '{token}{token}' for a literal brace)"
        else:
            name = match.group(1).strip()
            guard = name.startswith("?")
            name = name[1:].strip() if guard else name
            if guard:
                if guards is None:
                    return f"'{{?{name}}}' tests a finding and belongs inside an optional segment '[[ ]]'"
                if _BARE_NAME.match(name) and name not in kinds:
                    return f"unknown finding '{{{name}}}' in the text"
                guards.append(name)
            elif name not in kinds:
                return f"unknown finding '{{{name}}}' in the text"
            else:
                parts.append("".join(literal))
                parts.append(name)
                literal = []
        position = match.end()
    literal.append(text[position:])
    parts.append("".join(literal))
    return parts
