"""Turn the parsed documents of a library into one checked, ready-to-evaluate rule set.

The whole library is compiled together because documents depend on one another: a recommendation in one
document may use a finding that another defines, or cite another's passage. Compiling the library as it
would be after a change (an import, a removal, disabling a document) is how a change that would break a
condition elsewhere is refused before anything is stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.engine.conditions import Compiled, ExpressionError, compile_expression
from planner.engine.schedule import DueRule
from planner.engine.vocabulary import BASE_FINDINGS, MUSCLE_GROUPS, Kind
from planner.errors import DocumentError, Problem
from planner.library.parser import ParsedDocument, locate

MUSCLE_TABLE = "muscle_groups"
SETTINGS_TABLE = "settings"
MUSCLE_COLUMNS = ("key", "movement", "muscles", "nerve", "roots", "region")
REGIONS = ("proximal", "distal")
KNOWN_SETTINGS = {"weak_mrc_at_most": Kind.NUMBER}
ROOT_ORDER = ("L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5")

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True, slots=True)
class MuscleGroup:
    key: str
    movement: str
    muscles: str
    nerve: str
    roots: tuple[str, ...]
    roots_text: str
    region: str


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: str
    title: str
    version: str
    kind: str
    source: str


@dataclass(frozen=True, slots=True)
class Template:
    """Literal text and finding names, alternating: parts[0] text, parts[1] name, parts[2] text ..."""

    parts: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return self.parts[1::2]

    def render(self, findings: Mapping[str, Any]) -> str:
        parts = self.parts
        if len(parts) == 1:  # no finding named: most details and handout notes
            return parts[0]
        out = []
        for index, part in enumerate(parts):
            out.append(format_value(findings.get(part)) if index % 2 else part)
        return "".join(out)


@dataclass(frozen=True, slots=True)
class CompiledRecommendation:
    id: str
    document_id: str
    section: str
    target: str
    level: str | None
    order: int
    condition: Compiled
    title: Template
    detail: Template
    handout: Template
    cites: tuple[tuple[str, str], ...]
    due: DueRule | None = None


@dataclass(frozen=True, slots=True)
class CompiledFinding:
    name: str
    document_id: str
    kind: Kind
    cases: tuple[tuple[Compiled | None, Compiled], ...]

    def evaluate(self, findings: Mapping[str, Any]) -> Any:
        for condition, value in self.cases:
            if condition is None or condition.evaluate(findings):
                return value.evaluate(findings)
        return None


@dataclass(slots=True)
class CompiledLibrary:
    documents: dict[str, DocumentInfo]
    passages: dict[tuple[str, str], str]
    muscle_groups: dict[str, MuscleGroup]
    settings: dict[str, Any]
    derived: list[CompiledFinding]
    recommendations: list[CompiledRecommendation]
    version: str
    finding_kinds: dict[str, Kind] = field(default_factory=dict)


def library_version(documents: Iterable[ParsedDocument]) -> str:
    """A short fingerprint of the exact document texts in use, printed on every plan."""
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.id):
        digest.update(f"{doc.id}\x1f{doc.version}\x1f".encode())
        digest.update(hashlib.sha256(doc.body.encode("utf-8", "surrogatepass")).digest())
    return digest.hexdigest()[:12]


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


class _Collector:
    """Problems found while compiling, grouped by the document they belong to."""

    def __init__(
        self, documents: Mapping[str, ParsedDocument], known: Mapping[str, Iterable[Problem]] | None = None
    ) -> None:
        self.documents = documents
        self.by_document: dict[str, list[Problem]] = {key: list(found) for key, found in (known or {}).items()}

    def add(self, document_id: str, line: int, message: str, column: int = 0) -> None:
        self.by_document.setdefault(document_id, []).append(Problem(line, message, column))

    def add_expression(self, document_id: str, where: tuple[int, int], offset: int | None, message: str) -> None:
        """A problem in an expression: at its character ``offset`` when the expression error knows it, else at
        the start of the expression. ``where`` is the (line, column) of the expression's first character."""
        line, column = where
        self.add(document_id, line, message, column + (offset or 0) if column else 0)

    def raise_if_any(self, prefer: str | None) -> None:
        if not self.by_document:
            return
        doc_id = prefer if prefer in self.by_document else sorted(self.by_document)[0]
        doc = self.documents.get(doc_id)
        origin = doc.origin_name if doc else doc_id
        raise DocumentError(origin, self.by_document[doc_id], document_id=doc_id)


def compile_library(
    documents: Iterable[ParsedDocument],
    prefer_errors_of: str | None = None,
    known_problems: Mapping[str, Iterable[Problem]] | None = None,
) -> CompiledLibrary:
    """Check and compile ``documents`` as one library; raise DocumentError naming document and line.

    ``known_problems`` (by document id) are problems already found in some documents, such as the parser's in
    a partly read document: they are reported together with the compiler's, so an author sees every problem
    of a file at once, in line order.
    """
    docs: dict[str, ParsedDocument] = {}
    problems = _Collector(docs, known_problems)
    for doc in documents:
        if doc.id in docs:
            problems.add(doc.id, 1, f"document id '{doc.id}' is used by two documents")
        docs[doc.id] = doc
    passages = {(d.id, p.heading): p.text for d in docs.values() for p in d.passages}
    muscle_groups = _muscle_groups(docs.values(), problems)
    settings = _settings(docs.values(), problems)
    kinds: dict[str, Kind] = {name: f.kind for name, f in BASE_FINDINGS.items()}
    derived = _derived_findings(docs.values(), kinds, problems)
    recommendations = _recommendations(docs.values(), kinds, passages, problems)
    problems.raise_if_any(prefer_errors_of)
    return CompiledLibrary(
        documents={d.id: DocumentInfo(d.id, d.title, d.version, d.kind, d.source) for d in docs.values()},
        passages=passages,
        muscle_groups=muscle_groups,
        settings=settings,
        derived=derived,
        recommendations=recommendations,
        version=library_version(docs.values()),
        finding_kinds=kinds,
    )


def parse_roots(text: str) -> tuple[str, ...] | None:
    """'L4-S1' -> ('L4', 'L5', 'S1'); 'L5' -> ('L5',); None when it is not a root range."""
    parts = [p.strip().upper() for p in text.split("-")]
    if not 1 <= len(parts) <= 2 or any(p not in ROOT_ORDER for p in parts):
        return None
    first, last = ROOT_ORDER.index(parts[0]), ROOT_ORDER.index(parts[-1])
    if last < first:
        return None
    return ROOT_ORDER[first : last + 1]


def _muscle_groups(docs: Iterable[ParsedDocument], problems: _Collector) -> dict[str, MuscleGroup]:
    tables = [(d, t) for d in docs for t in d.tables if t.name == MUSCLE_TABLE]
    if not tables:
        return {}
    if len(tables) > 1:
        for doc, table in tables[1:]:
            problems.add(doc.id, table.line, f"table '{MUSCLE_TABLE}' is already defined by {tables[0][0].id}")
    doc, table = tables[0]
    missing = [c for c in MUSCLE_COLUMNS if c not in table.columns]
    if missing:
        problems.add(doc.id, table.line, f"table '{MUSCLE_TABLE}' needs columns: {', '.join(missing)}")
        return {}
    groups: dict[str, MuscleGroup] = {}
    for row in table.rows:
        line = int(row["__line__"])
        key = row["key"]
        roots = parse_roots(row["roots"])
        if key not in MUSCLE_GROUPS:
            problems.add(doc.id, line, f"unknown muscle group '{key}' (the assessment format fixes the groups)")
        elif key in groups:
            problems.add(doc.id, line, f"muscle group '{key}' appears twice")
        elif roots is None:
            problems.add(doc.id, line, f"roots '{row['roots']}' is not a root or a range such as L4-S1")
        elif row["region"] not in REGIONS:
            problems.add(doc.id, line, f"region must be one of: {', '.join(REGIONS)}")
        else:
            groups[key] = MuscleGroup(
                key, row["movement"], row["muscles"], row["nerve"], roots, row["roots"], row["region"]
            )
    absent = [g for g in MUSCLE_GROUPS if g not in groups]
    if absent and not problems.by_document.get(doc.id):
        problems.add(doc.id, table.line, f"table '{MUSCLE_TABLE}' lacks: {', '.join(absent)}")
    return groups


def _settings(docs: Iterable[ParsedDocument], problems: _Collector) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for doc in docs:
        for table in (t for t in doc.tables if t.name == SETTINGS_TABLE):
            if "name" not in table.columns or "value" not in table.columns:
                problems.add(doc.id, table.line, "table 'settings' needs columns: name, value")
                continue
            for row in table.rows:
                line, name = int(row["__line__"]), row["name"]
                if name not in KNOWN_SETTINGS:
                    problems.add(doc.id, line, f"unknown setting '{name}' (known: {', '.join(KNOWN_SETTINGS)})")
                elif name in settings:
                    problems.add(doc.id, line, f"setting '{name}' is already defined by {owners[name]}")
                else:
                    try:
                        settings[name] = float(row["value"])
                    except ValueError:
                        problems.add(doc.id, line, f"setting '{name}' must be a number")
                        continue
                    owners[name] = doc.id
    for doc in docs:
        for table in doc.tables:
            if table.name not in (MUSCLE_TABLE, SETTINGS_TABLE):
                problems.add(doc.id, table.line, f"unknown table '{table.name}' (known: muscle_groups, settings)")
    return settings


def _symbols_of(text: str) -> set[str] | None:
    """The names an expression uses, read without type information (to order derived findings)."""
    import rule_engine

    context = rule_engine.Context()
    try:
        rule_engine.Rule(text, context=context)
    except (rule_engine.errors.EngineError, ValueError, TypeError, RecursionError):
        return None
    return {s for s in context.symbols if not s.startswith("$")}


def _derived_findings(
    docs: Iterable[ParsedDocument], kinds: dict[str, Kind], problems: _Collector
) -> list[CompiledFinding]:
    owners: dict[str, tuple[ParsedDocument, Any]] = {}
    for doc in docs:
        for finding in doc.findings:
            if finding.name in BASE_FINDINGS:
                problems.add(doc.id, finding.line, f"'{finding.name}' is a base finding computed by the planner")
            elif finding.name in owners:
                other = owners[finding.name][0].id
                problems.add(doc.id, finding.line, f"finding '{finding.name}' is already defined by {other}")
            else:
                owners[finding.name] = (doc, finding)
    dependencies: dict[str, set[str]] = {}
    for name, (_doc, finding) in owners.items():
        used: set[str] = set()
        for case in finding.cases:
            for text in (case.condition, case.value):
                symbols = _symbols_of(text) if text else set()
                used |= (symbols or set()) & owners.keys()
        dependencies[name] = used
    order = _topological(dependencies, owners, problems)
    compiled: list[CompiledFinding] = []
    for name in order:
        doc, finding = owners[name]
        cases: list[tuple[Compiled | None, Compiled]] = []
        value_kinds: set[Kind] = set()
        failed = False
        for case in finding.cases:
            where = (case.line, case.condition_column)
            try:
                condition = compile_expression(case.condition, kinds) if case.condition else None
                if condition is not None and condition.kind is not Kind.FLAG:
                    raise ExpressionError("the condition before '=>' must be true or false", 0)
                where = (case.line, case.value_column)
                value = compile_expression(case.value, kinds)
            except ExpressionError as exc:
                problems.add_expression(doc.id, where, exc.offset, f"finding '{name}': {exc}")
                failed = True
                continue
            if value.kind is not None:
                value_kinds.add(value.kind)
            cases.append((condition, value))
        if failed:
            continue
        if len(value_kinds) != 1:
            what = "has no value that is not null" if not value_kinds else "mixes value types"
            problems.add(doc.id, finding.line, f"finding '{name}' {what}")
            continue
        kind = value_kinds.pop()
        kinds[name] = kind
        compiled.append(CompiledFinding(name, doc.id, kind, tuple(cases)))
    return compiled


def _topological(
    dependencies: dict[str, set[str]], owners: Mapping[str, tuple[ParsedDocument, Any]], problems: _Collector
) -> list[str]:
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            doc, finding = owners[name]
            cycle = " -> ".join([*trail[trail.index(name) :], name])
            problems.add(doc.id, finding.line, f"findings depend on each other in a cycle: {cycle}")
            return
        state[name] = 1
        for dependency in sorted(dependencies[name]):
            visit(dependency, [*trail, name])
        state[name] = 2
        order.append(name)

    for name in sorted(dependencies):
        visit(name, [])
    return order


def _template(text: str, kinds: Mapping[str, Kind]) -> Template | str:
    """Compile a template, or return the reason it is wrong."""
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
            if name not in kinds:
                return f"unknown finding '{{{name}}}' in the text"
            parts.append("".join(literal))
            parts.append(name)
            literal = []
        position = match.end()
    literal.append(text[position:])
    parts.append("".join(literal))
    return Template(tuple(parts))


def _recommendations(
    docs: Iterable[ParsedDocument],
    kinds: Mapping[str, Kind],
    passages: Mapping[tuple[str, str], str],
    problems: _Collector,
) -> list[CompiledRecommendation]:
    seen: dict[str, str] = {}
    compiled: list[CompiledRecommendation] = []
    doc_ids = {d.id for d in docs}
    for doc in docs:
        for rec in doc.recommendations:
            if rec.id in seen:
                problems.add(doc.id, rec.line, f"recommendation id '{rec.id}' is already used by {seen[rec.id]}")
                continue
            seen[rec.id] = doc.id
            condition: Compiled | None = None
            try:
                condition = compile_expression(rec.when, kinds)
            except ExpressionError as exc:
                line, column = locate(rec.when_spans, exc.offset) if exc.offset is not None else (rec.when_line, 0)
                problems.add(doc.id, line or rec.when_line, f"when: {exc}", column)
            else:
                if condition.kind is not Kind.FLAG:
                    problems.add(doc.id, rec.when_line, "when: the condition must be true or false")
                    condition = None
            templates: dict[str, Template] = {}
            for name, text, line in (
                ("title", rec.title, rec.title_line),
                ("detail", rec.detail, rec.detail_line),
                ("handout", rec.handout, rec.handout_line),
            ):
                template = _template(text, kinds)
                if isinstance(template, str):
                    problems.add(doc.id, line, f"{name}: {template}")
                else:
                    templates[name] = template
            for cited_doc, heading, line in rec.cites:
                if cited_doc in doc_ids and (cited_doc, heading) not in passages:
                    problems.add(doc.id, line, f"cites: {cited_doc} has no section '{heading}'")
            if condition is None or len(templates) < 3:
                continue  # every problem of the recommendation is reported; it is not compiled
            compiled.append(
                CompiledRecommendation(
                    id=rec.id,
                    document_id=doc.id,
                    section=rec.section,
                    target=rec.target,
                    level=rec.level,
                    order=rec.order,
                    condition=condition,
                    title=templates["title"],
                    detail=templates["detail"],
                    handout=templates["handout"],
                    cites=tuple((d, h) for d, h, _ in rec.cites),
                    due=rec.due,
                )
            )
    compiled.sort(key=lambda r: (r.order, r.id))
    return compiled
