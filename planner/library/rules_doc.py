"""The clinical review table: every rule of a library in words, for a clinical lead to review in one sitting.

``docs/clinical-rules.md`` is this module's output for the shipped library (``planner docs rules --shipped``);
a test keeps the committed file equal to a fresh generation, so the table can never drift from the documents.
Conditions are rendered from rule-engine's parse tree into plain phrases ("`pain_nrs` is 4 or more"), the
same tree the planner evaluates, so what the table says is what the planner does.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Any

from planner.library.compiler import (
    CompiledEntry,
    CompiledFinding,
    CompiledLibrary,
    CompiledRecommendation,
)
from planner.library.parser import HANDOUT_TARGETS, SECTION_TARGETS
from planner.library.templates import Template

TARGET_HEADINGS = {
    "alert": "Alerts",
    "pt": "Physical therapy",
    "ot": "Occupational therapy and adaptive equipment",
    "orthosis": "Orthoses and assistive devices",
    "lymphedema": "Lymphedema",
    "analgesia": "Analgesia",
    "medical": "Medical considerations, imaging and referral",
    "monitoring": "Monitoring and follow-up",
    "urgent": "Patient handout: urgent, printed first",
    "preface": "Patient handout: a note on the first page",
    "checklist": "Patient handout: daily checklist",
    "call": "Patient handout: when to call the clinic",
}
TARGET_ORDER = ("alert", *SECTION_TARGETS, *HANDOUT_TARGETS)
CATALOGUE_HEADINGS = {"exercise": "Home exercises", "equipment": "Adaptive equipment"}
CAUTION_SUFFIX = "_caution"
"""A finding named ``*_caution`` that an item prints is listed as a caution the item carries."""

_ORDERING = {"le": "{} or less", "lt": "under {}", "ge": "{} or more", "gt": "over {}"}
_FLIPPED = {"le": "ge", "lt": "gt", "ge": "le", "gt": "lt"}
_ARITHMETIC = {"add": "+", "sub": "-", "mul": "×", "tdiv": "/", "fdiv": "//", "mod": "mod", "pow": "^"}
_FUNCTIONS = {"min": "the lowest of", "max": "the highest of", "sum": "the sum of", "abs": "the size of"}


@cache
def _ast() -> Any:
    import rule_engine

    return rule_engine.ast


def describe(text: str) -> str:
    """A condition or value expression in words; the text itself if it cannot be read."""
    import rule_engine

    try:
        expression = rule_engine.Rule(text, context=rule_engine.Context()).statement.expression
    except (rule_engine.errors.EngineError, ValueError, TypeError, RecursionError):
        return f"`{text}`"
    if isinstance(expression, _ast().BooleanExpression) and expression.value is True:
        return "always"
    return _words(expression)


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | float | int):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:g}"
    return f"“{value}”"


def _words(node: Any, parent: str | None = None) -> str:
    ast = _ast()
    if isinstance(node, ast.LogicExpression):
        joined = f" {node.type} ".join(_words(side, node.type) for side in _chain(node, node.type))
        return f"({joined})" if parent in ("and", "or", "not") and parent != node.type else joined
    if isinstance(node, ast.UnaryExpression) and node.type == "not":
        return f"not {_words(node.right, 'not')}" if _is_simple(node.right) else f"not ({_words(node.right)})"
    if isinstance(node, ast.UnaryExpression):
        return f"-{_words(node.right, 'arith')}"
    if isinstance(node, ast.ComparisonExpression) and node.type in ("eq", "ne"):
        return _equality(node)
    if isinstance(node, ast.ArithmeticComparisonExpression):
        left, right, kind = node.left, node.right, node.type
        if _is_literal(left) and not _is_literal(right):
            left, right, kind = right, left, _FLIPPED[kind]
        return f"{_words(left, 'cmp')} is {_ORDERING[kind].format(_words(right, 'cmp'))}"
    if isinstance(node, ast.ContainsExpression):
        if isinstance(node.container, ast.ArrayExpression):
            options = ", ".join(_words(member) for member in node.container.value)
            return f"{_words(node.member, 'cmp')} is one of {options}"
        return f"{_words(node.container, 'cmp')} includes {_words(node.member, 'cmp')}"
    if isinstance(node, ast.SymbolExpression):
        return f"`{node.name}`"
    if isinstance(node, ast.ArrayExpression):
        return ", ".join(_words(member) for member in node.value)
    if isinstance(node, ast.FunctionCallExpression) and isinstance(node.function, ast.SymbolExpression):
        arguments = ", ".join(_words(argument) for argument in node.arguments)
        return f"{_FUNCTIONS.get(node.function.name, node.function.name)} {arguments}"
    if isinstance(node, ast.GetAttributeExpression) and node.name == "length":
        return f"the number of {_words(node.object, 'cmp')}"
    if isinstance(node, ast.BinaryExpressionBase) and node.type in _ARITHMETIC:
        text = f"{_words(node.left, 'arith')} {_ARITHMETIC[node.type]} {_words(node.right, 'arith')}"
        return f"({text})" if parent == "arith" else text
    if isinstance(node, ast.LiteralExpressionBase):
        return _literal(node.value)
    return "(an expression)"


def _chain(node: Any, kind: str) -> list[Any]:
    """Flatten a run of the same logic operator: a and (b and c) reads as a and b and c."""
    ast = _ast()
    if isinstance(node, ast.LogicExpression) and node.type == kind:
        return [*_chain(node.left, kind), *_chain(node.right, kind)]
    return [node]


def _is_literal(node: Any) -> bool:
    return isinstance(node, _ast().LiteralExpressionBase) and not isinstance(node, _ast().ArrayExpression)


def _is_simple(node: Any) -> bool:
    return isinstance(node, _ast().SymbolExpression)


def _equality(node: Any) -> str:
    ast = _ast()
    left, right = node.left, node.right
    if _is_literal(left) and not _is_literal(right):
        left, right = right, left
    if isinstance(right, ast.NullExpression):
        return f"{_words(left, 'cmp')} is {'not recorded' if node.type == 'eq' else 'recorded'}"
    verb = "is" if node.type == "eq" else "is not"
    return f"{_words(left, 'cmp')} {verb} {_words(right, 'cmp')}"


def describe_finding(finding: CompiledFinding) -> str:
    """A derived finding's cases in words: 'if ...: value; otherwise: value'; a reasons finding gives every
    case that holds."""
    parts = []
    for condition, value in finding.cases:
        shown = describe(value.text)
        parts.append(f"otherwise {shown}" if condition is None else f"if {describe(condition.text)}: {shown}")
    text = "; ".join(parts) or "null"
    return f"every reason that holds, of: {text}" if finding.collect else text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _template_text(template: Template) -> str:
    out = []
    for index, part in enumerate(template.parts):
        if not index % 2:
            out.append(part)
        elif part.startswith("\x00"):
            segment = template.segments[int(part[1:])]
            guards = "".join(f"{{?{name}}}" for name in (*segment.guards, *(t.text for t in segment.tests)))
            inner = "".join(p if not i % 2 else f"{{{p}}}" for i, p in enumerate(segment.parts))
            out.append(f"[[{guards}{inner}]]")
        else:
            out.append(f"{{{part}}}")
    return "".join(out)


Rule = CompiledRecommendation | CompiledEntry
"""Anything the plan offers under a gate: a recommendation, an exercise or an equipment item."""


def _templates(rec: Rule) -> list[Template]:
    if isinstance(rec, CompiledEntry):
        return [rec.name, rec.purpose, *rec.steps, rec.precautions, rec.detail]
    return [rec.title, rec.detail, rec.handout]


def _cautions(rec: Rule) -> list[str]:
    names = [name for template in _templates(rec) for name in template.names]
    return list(dict.fromkeys(name for name in names if name.endswith(CAUTION_SUFFIX)))


def _source(library: CompiledLibrary, rec: Rule) -> str:
    document = library.documents.get(rec.document_id)
    title = document.title if document else rec.document_id
    text = f"{rec.document_id} ({title}), “{rec.section}”"
    cited = [f"{doc}, “{heading}”" for doc, heading in rec.cites]
    return text + (f"; also cites {'; '.join(cited)}" if cited else "")


def _rule_row(library: CompiledLibrary, rec: Rule) -> str:
    if isinstance(rec, CompiledEntry):
        rule = f"**{rec.id}** ({rec.category})<br>{_template_text(rec.name)}"
    else:
        level = f" ({rec.level})" if rec.level else ""
        rule = f"**{rec.id}**{level}<br>{_template_text(rec.title)}"
    gates = [f"held when `{name}` says hold" for name in rec.screen]
    gates += [f"adds `{name}`" for name in _cautions(rec)]
    when = describe(rec.condition.text)
    if isinstance(rec, CompiledRecommendation) and rec.due is not None:
        when += f"; due {rec.due}"
    cells = [rule, when, "<br>".join(gates) or "—", rec.exclusive or "—", _source(library, rec)]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _rules(library: CompiledLibrary) -> list[Rule]:
    return [*library.recommendations, *library.exercises, *library.equipment]


def _screens(library: CompiledLibrary) -> list[str]:
    used: dict[str, list[str]] = {}
    for rec in _rules(library):
        for name in rec.screen:
            used.setdefault(name, []).append(rec.id)
    return sorted(used)


def _finding_rows(library: CompiledLibrary, names: Iterable[str]) -> list[str]:
    derived = {finding.name: finding for finding in library.derived}
    rows = ["| finding | defined in | value |", "| --- | --- | --- |"]
    for name in names:
        finding = derived.get(name)
        if finding is None:
            rows.append(f"| `{name}` | base finding (docs/document-format.md) | computed by the planner |")
            continue
        place = f"{finding.document_id}, “{finding.section}”" if finding.section else finding.document_id
        rows.append(f"| `{name}` | {_cell(place)} | {_cell(describe_finding(finding))} |")
    return rows


def clinical_rules_markdown(library: CompiledLibrary) -> str:
    """The whole review table for ``library`` as Markdown."""
    recommendations = library.recommendations
    lines = [
        "# Clinical rules",
        "",
        "<!-- Generated by `planner docs rules --shipped` from resources/documents/; do not edit by hand. -->",
        "",
        f"Every rule of the shipped guidance library (version `{library.version}`): {len(recommendations)}"
        f" recommendations, {len(library.exercises)} home exercises, {len(library.equipment)} equipment items and"
        f" {len(library.derived)} derived findings in {len(library.documents)} documents.",
        "A rule is **offered when** its condition holds, unless a **safety screen** it names says hold: then the",
        "plan lists it under *Held back* with the reason in words. **Cautions** are sentences a rule prints when",
        "they apply (for example a renal caution beside a drug it names). Rules of one **exclusive group** are",
        "never offered together. Home exercises and equipment items pass the same gate and are listed after the",
        "plan sections. Names in `code` are findings: the base findings are described in",
        "docs/document-format.md; the derived ones are defined by the documents and listed at the end.",
        "",
        "## Documents",
        "",
        "| id | title | kind | version |",
        "| --- | --- | --- | --- |",
    ]
    for document in sorted(library.documents.values(), key=lambda d: d.id):
        lines.append(f"| {document.id} | {_cell(document.title)} | {document.kind} | {document.version} |")
    for target in TARGET_ORDER:
        rules = [rec for rec in recommendations if rec.target == target]
        if not rules:
            continue
        lines += [
            "",
            f"## {TARGET_HEADINGS.get(target, target)}",
            "",
            "| rule | offered when | safety screen and cautions | exclusive group | source |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [_rule_row(library, rec) for rec in rules]
    for kind, entries in (("exercise", library.exercises), ("equipment", library.equipment)):
        if not entries:
            continue
        lines += [
            "",
            f"## {CATALOGUE_HEADINGS[kind]}",
            "",
            f"| {kind} | offered when | safety screen and cautions | exclusive group | source |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [_rule_row(library, entry) for entry in entries]
    screens = _screens(library)
    cautions = sorted({name for rec in _rules(library) for name in _cautions(rec)})
    screen_note = "A screen holds its rules back with every reason that holds as the reason; null is clear."
    lines += ["", "## Safety screens", "", screen_note, ""]
    lines += _finding_rows(library, screens)
    lines += ["", "## Cautions", ""]
    lines += _finding_rows(library, cautions)
    others = sorted(f.name for f in library.derived if f.name not in set(screens) | set(cautions))
    lines += ["", "## Other derived findings", ""]
    lines += _finding_rows(library, others)
    return "\n".join(lines) + "\n"
