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

from planner.engine.conditions import Compiled, ExpressionError, compile_expression, expression_context, screen
from planner.engine.dosage import Dosage
from planner.engine.schedule import DueRule
from planner.engine.vocabulary import AFTER_DERIVED, BASE_FINDINGS, MUSCLE_GROUPS, Kind
from planner.errors import DocumentError, EvaluationError, Problem
from planner.figures.spec import FigureError, FigureSpec, parse_figure
from planner.library.parser import CatalogueEntry, ParsedDocument, Place, Recommendation
from planner.library.templates import Template, compile_template, has_value
from planner.library.translations import ParsedTranslation, Translations, compile_translations

MUSCLE_TABLE = "muscle_groups"
SETTINGS_TABLE = "settings"
SYNONYMS_TABLE = "search_synonyms"
KNOWN_TABLES = (MUSCLE_TABLE, SETTINGS_TABLE, SYNONYMS_TABLE)
MAX_SYNONYMS = 12
"""Words in one synonym group: each search word expands into its group, so groups stay small."""
_SYNONYM_WORD = re.compile(r"[^\W_]{1,40}")
MUSCLE_COLUMNS = ("key", "movement", "muscles", "nerve", "roots", "region")
REGIONS = ("proximal", "distal")
KNOWN_SETTINGS = {"weak_mrc_at_most": Kind.NUMBER}
ROOT_ORDER = ("L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5")


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


class _Offered:
    """What every block the plan offers shares: its condition, evaluated with a failure named by where it
    stands (the document and the block), never by the patient's values."""

    __slots__ = ()
    id: str
    condition: Compiled
    document_id: str
    screen: tuple[str, ...]
    exclusive: str | None

    @property
    def label(self) -> str:
        raise NotImplementedError

    def fires(self, findings: Mapping[str, Any]) -> bool:
        """Whether the condition holds for ``findings``."""
        try:
            return bool(self.condition.evaluate(findings))
        except Exception as exc:  # the compiler's closures do not raise; if one ever did, say where
            raise EvaluationError(self.document_id, self.label, exc) from exc

    def holding_screens(self, findings: Mapping[str, Any]) -> list[str]:
        """The screens named by this block that hold it back for ``findings`` (a screen holds when it has a value)."""
        return [name for name in self.screen if has_value(findings.get(name))]

    def offered(self, findings: Mapping[str, Any]) -> bool:
        """Whether the plan offers this block: its condition holds and no screen holds it back."""
        return self.fires(findings) and not self.holding_screens(findings)


@dataclass(frozen=True, slots=True)
class CompiledRecommendation(_Offered):
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
    screen: tuple[str, ...] = ()
    exclusive: str | None = None

    @property
    def label(self) -> str:
        return f"recommendation '{self.id}'"


@dataclass(frozen=True, slots=True)
class CompiledEntry(_Offered):
    """An exercise or an equipment item, ready to evaluate: the same condition machinery as a recommendation,
    texts as templates (``steps`` one per instruction), and its picture by figure id."""

    kind: str  # exercise | equipment
    id: str
    document_id: str
    section: str
    category: str
    order: int
    condition: Compiled
    name: Template
    purpose: Template
    steps: tuple[Template, ...]
    precautions: Template
    detail: Template
    illustration: str
    cites: tuple[tuple[str, str], ...]
    dosage: Dosage | None = None
    progression: tuple[str, ...] = ()
    regression: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    screen: tuple[str, ...] = ()
    exclusive: str | None = None
    link_conditions: tuple[tuple[str, Compiled], ...] = ()
    """(``progression`` or ``regression``, condition): a link the plan shows only while its condition holds."""

    @property
    def label(self) -> str:
        return f"{self.kind} '{self.id}'"

    def links(self, field_name: str, findings: Mapping[str, Any]) -> tuple[str, ...]:
        """The progression or regression ids for ``findings``: none while the link's own condition is false."""
        for name, condition in self.link_conditions:
            if name == field_name and not condition.evaluate(findings):
                return ()
        return self.progression if field_name == "progression" else self.regression


REASON_SEPARATOR = "; "
"""Joins the reasons of a ``::: reasons`` finding, and the reasons that hold one item back."""


@dataclass(frozen=True, slots=True)
class CompiledFinding:
    name: str
    document_id: str
    kind: Kind
    cases: tuple[tuple[Compiled | None, Compiled], ...]
    section: str = ""
    collect: bool = False
    """A ``::: reasons`` finding: its value is every case that holds, not the first."""

    def evaluate(self, findings: Mapping[str, Any]) -> Any:
        try:
            if self.collect:
                return REASON_SEPARATOR.join(self.reasons(findings)) or None
            for condition, value in self.cases:
                if condition is None or condition.evaluate(findings):
                    return value.evaluate(findings)
        except Exception as exc:  # the compiler's closures do not raise; if one ever did, say where
            raise EvaluationError(self.document_id, f"finding '{self.name}'", exc) from exc
        return None

    def reasons(self, findings: Mapping[str, Any]) -> list[str]:
        """Each case that holds, in order and each text once: the reasons a screen gives (a plain finding gives
        its one value)."""
        if not self.collect:
            value = self.evaluate(findings)
            return [str(value)] if has_value(value) else []
        holding = (value for condition, value in self.cases if condition and condition.evaluate(findings))
        texts = (value.evaluate(findings) for value in holding)
        return list(dict.fromkeys(str(text) for text in texts if has_value(text)))


@dataclass(slots=True)
class CompiledLibrary:
    documents: dict[str, DocumentInfo]
    passages: dict[tuple[str, str], str]
    muscle_groups: dict[str, MuscleGroup]
    document_settings: dict[str, Any]
    """The documents' ``settings`` tables (``weak_mrc_at_most``): thresholds a clinic may edit, not the
    clinic's own settings (planner.storage.clinic_settings) nor this computer's preferences."""
    derived: list[CompiledFinding]
    recommendations: list[CompiledRecommendation]
    version: str
    finding_kinds: dict[str, Kind] = field(default_factory=dict)
    exercises: list[CompiledEntry] = field(default_factory=list)
    equipment: list[CompiledEntry] = field(default_factory=list)
    figures: dict[str, FigureSpec] = field(default_factory=dict)
    finding_places: dict[str, tuple[str, str]] = field(default_factory=dict)
    """(document id, section) where each derived finding is defined: a held item cites its screen's passage."""
    synonyms: tuple[tuple[str, ...], ...] = ()
    findings_by_name: dict[str, CompiledFinding] = field(default_factory=dict)
    exercises_by_id: dict[str, CompiledEntry] = field(default_factory=dict)
    """The exercises by id, for the links between cards (built once here, not on every draft)."""
    translations: Translations = field(default_factory=Translations)
    """The patient texts in other languages (planner.library.translations); empty unless compiled with them."""


def library_version(documents: Iterable[ParsedDocument]) -> str:
    """A short fingerprint of the exact document texts in use, printed on every plan."""
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.id):
        digest.update(f"{doc.id}\x1f{doc.version}\x1f".encode())
        digest.update(hashlib.sha256(doc.body.encode("utf-8", "surrogatepass")).digest())
    return digest.hexdigest()[:12]


class _Collector:
    """Problems found while compiling, grouped by the document they belong to."""

    def __init__(
        self, documents: Mapping[str, ParsedDocument], known: Mapping[str, Iterable[Problem]] | None = None
    ) -> None:
        self.documents = documents
        self.by_document: dict[str, list[Problem]] = {key: list(found) for key, found in (known or {}).items()}

    def add(self, document_id: str, line: int, message: str, column: int = 0) -> None:
        self.by_document.setdefault(document_id, []).append(Problem(line, message, column))

    def add_in(self, document_id: str, line: int, place: Place | None, offset: int | None, message: str) -> None:
        """A problem inside a field's value: at its character ``offset`` when both the offset and where the
        value stands are known, else on ``line`` as a whole."""
        at_line, column = place.at(offset) if place is not None and offset is not None else (line, 0)
        if not at_line or not column:
            at_line, column = line, 0
        self.add(document_id, at_line, message, column)

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
    translations: Iterable[ParsedTranslation] = (),
) -> CompiledLibrary:
    """Check and compile ``documents`` as one library; raise DocumentError naming document and line.

    ``known_problems`` (by document id) are problems already found in some documents, such as the parser's in
    a partly read document: they are reported together with the compiler's, so an author sees every problem
    of a file at once, in line order. ``translations`` (patient texts in other languages) are checked against
    the documents they translate; a translation with problems is left out (its texts print in English) rather
    than refusing the library.
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
    synonyms = tuple(group for doc in docs.values() for _line, group in synonym_groups(doc, problems))
    kinds: dict[str, Kind] = {name: f.kind for name, f in BASE_FINDINGS.items()}
    context = expression_context(kinds)  # one for every expression: derived findings add to kinds as they go
    derived = _derived_findings(docs.values(), kinds, problems, context)
    recommendations = _recommendations(docs.values(), kinds, passages, problems, context)
    figures = _figures(docs.values(), problems)
    item_ids = {r.id: r.document_id for r in recommendations}
    entries = _entries(docs.values(), kinds, passages, figures, item_ids, problems, context)
    _check_exclusive_kinds(docs.values(), problems)
    problems.raise_if_any(prefer_errors_of)
    return CompiledLibrary(
        documents={d.id: DocumentInfo(d.id, d.title, d.version, d.kind, d.source) for d in docs.values()},
        passages=passages,
        muscle_groups=muscle_groups,
        document_settings=settings,
        derived=derived,
        recommendations=recommendations,
        version=library_version(docs.values()),
        finding_kinds=kinds,
        exercises=[e for e in entries if e.kind == "exercise"],
        equipment=[e for e in entries if e.kind == "equipment"],
        figures=figures,
        finding_places={d.name: (d.document_id, d.section) for d in derived},
        synonyms=synonyms,
        findings_by_name={d.name: d for d in derived},
        exercises_by_id={e.id: e for e in entries if e.kind == "exercise"},
        translations=compile_translations(translations, docs, kinds),
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
    for row, cells in zip(table.rows, table.places, strict=True):
        line = int(row["__line__"])
        key = row["key"]
        roots = parse_roots(row["roots"])
        if key not in MUSCLE_GROUPS:
            message = f"unknown muscle group '{key}' (the assessment format fixes the groups)"
            problems.add_in(doc.id, line, cells["key"], 0, message)
        elif key in groups:
            problems.add_in(doc.id, line, cells["key"], 0, f"muscle group '{key}' appears twice")
        elif roots is None:
            message = f"roots '{row['roots']}' is not a root or a range such as L4-S1"
            problems.add_in(doc.id, line, cells["roots"], 0, message)
        elif row["region"] not in REGIONS:
            problems.add_in(doc.id, line, cells["region"], 0, f"region must be one of: {', '.join(REGIONS)}")
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
            for row, cells in zip(table.rows, table.places, strict=True):
                line, name = int(row["__line__"]), row["name"]
                if name not in KNOWN_SETTINGS:
                    message = f"unknown setting '{name}' (known: {', '.join(KNOWN_SETTINGS)})"
                    problems.add_in(doc.id, line, cells["name"], 0, message)
                elif name in settings:
                    message = f"setting '{name}' is already defined by {owners[name]}"
                    problems.add_in(doc.id, line, cells["name"], 0, message)
                else:
                    try:
                        settings[name] = float(row["value"])
                    except ValueError:
                        problems.add_in(doc.id, line, cells["value"], 0, f"setting '{name}' must be a number")
                        continue
                    owners[name] = doc.id
    for doc in docs:
        for table in doc.tables:
            if table.name not in KNOWN_TABLES:
                problems.add(doc.id, table.line, f"unknown table '{table.name}' (known: {', '.join(KNOWN_TABLES)})")
    return settings


def synonym_groups(doc: ParsedDocument, problems: _Collector | None = None) -> list[tuple[int, tuple[str, ...]]]:
    """The word groups of a document's ``search_synonyms`` tables, as (line, words); with ``problems``, each
    broken rule is reported there and its row left out (the library store writes what compiled)."""
    groups = []
    for table in (t for t in doc.tables if t.name == SYNONYMS_TABLE):
        if table.columns != ["words"]:
            if problems is not None:
                problems.add(doc.id, table.line, f"table '{SYNONYMS_TABLE}' has one column: words")
            continue
        for row in table.rows:
            line = int(row["__line__"])
            words = tuple(dict.fromkeys(word.strip() for word in row["words"].split(",") if word.strip()))
            wrong = next((word for word in words if not _SYNONYM_WORD.fullmatch(word)), None)
            if wrong is not None:
                message = f"'{wrong}' is not one word (letters and digits, at most 40)"
            elif not 2 <= len(words) <= MAX_SYNONYMS:
                message = f"a row lists 2 to {MAX_SYNONYMS} words that search treats as the same, separated by commas"
            else:
                groups.append((line, words))
                continue
            if problems is not None:
                problems.add(doc.id, line, f"{SYNONYMS_TABLE}: {message}")
    return groups


def _symbols_of(text: str) -> set[str] | None:
    """The names an expression uses, read without type information (to order derived findings); None for
    an expression that the safe subset refuses or that does not parse (its compilation reports why)."""
    import rule_engine

    context = rule_engine.Context()
    try:
        screen(text)  # before rule-engine, which evaluates constant parts as it parses
        rule_engine.Rule(text, context=context)
    except (rule_engine.errors.EngineError, ValueError, TypeError, ArithmeticError, RecursionError):
        return None
    return {s for s in context.symbols if not s.startswith("$")}


def _derived_findings(
    docs: Iterable[ParsedDocument], kinds: dict[str, Kind], problems: _Collector, context: Any
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
    for name, (owner, finding) in owners.items():
        used: set[str] = set()
        for case in finding.cases:
            for text in (case.condition, case.value):
                symbols = _symbols_of(text) if text else set()
                used |= (symbols or set()) & owners.keys()
                for late in sorted((symbols or set()) & AFTER_DERIVED):
                    problems.add(owner.id, case.line, f"finding '{name}': '{late}' is known only after the findings")
        dependencies[name] = used
    order = _topological(dependencies, owners, problems)
    compiled: list[CompiledFinding] = []
    for name in order:
        doc, finding = owners[name]
        cases: list[tuple[Compiled | None, Compiled]] = []
        value_kinds: set[Kind] = set()
        failed = False
        for case in finding.cases:
            where = case.places.get("condition")
            try:
                condition = compile_expression(case.condition, kinds, context) if case.condition else None
                if condition is not None and condition.kind is not Kind.FLAG:
                    raise ExpressionError("the condition before '=>' must be true or false", 0)
                where = case.places.get("value")
                value = compile_expression(case.value, kinds, context)
            except ExpressionError as exc:
                # a case is one line (CONDITION => VALUE): without a known offset, point at the part at fault
                offset = exc.offset if exc.offset is not None else 0
                problems.add_in(doc.id, case.line, where, offset, f"finding '{name}': {exc}")
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
        if finding.collect and kind is not Kind.TEXT:
            problems.add(doc.id, finding.line, f"reasons '{name}': every case gives a reason in words (text)")
            continue
        kinds[name] = kind
        compiled.append(CompiledFinding(name, doc.id, kind, tuple(cases), finding.section, finding.collect))
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


def _gate(
    doc_id: str, block: Recommendation | CatalogueEntry, kinds: Mapping[str, Kind], problems: _Collector, context: Any
) -> Compiled | None:
    """The gate of any block the plan offers, checked the one way for every kind: its ``when:`` condition
    compiled and true or false, and each ``screen:`` a known text finding (the reason to hold, null when clear).
    Returns the condition, or None when it cannot be used (every problem is reported)."""
    screen = block.places.get("screen")
    for name in block.screen:
        line, column = screen.of(name) if screen is not None else (block.screen_line, 0)
        if name not in kinds:
            problems.add(doc_id, line, f"screen: unknown finding '{name}'", column)
        elif kinds[name] is not Kind.TEXT:
            problems.add(
                doc_id,
                line,
                f"screen: '{name}' must be a text finding (the reason to hold the item, null when clear)",
                column,
            )
    try:
        condition = compile_expression(block.when, kinds, context)
    except ExpressionError as exc:
        problems.add_in(doc_id, block.when_line, block.places.get("when"), exc.offset, f"when: {exc}")
        return None
    if condition.kind is not Kind.FLAG:
        problems.add(doc_id, block.when_line, "when: the condition must be true or false")
        return None
    return condition


def _templates(
    doc_id: str,
    texts: Iterable[tuple[str, str, int]],
    kinds: Mapping[str, Kind],
    problems: _Collector,
    context: Any = None,
) -> list[Template] | None:
    """Each (field, text, line) compiled as a template, in order; None when any is wrong (each one reported)."""
    templates: list[Template] = []
    failed = False
    for name, text, line in texts:
        template = compile_template(text, kinds, context)
        if isinstance(template, str):
            problems.add(doc_id, line, f"{name}: {template}")
            failed = True
        else:
            templates.append(template)
    return None if failed else templates


def _check_cites(
    doc_id: str,
    cites: Iterable[tuple[str, str, int]],
    doc_ids: set[str],
    passages: Mapping[tuple[str, str], str],
    problems: _Collector,
) -> None:
    for cited_doc, heading, line in cites:
        if cited_doc in doc_ids and (cited_doc, heading) not in passages:
            problems.add(doc_id, line, f"cites: {cited_doc} has no section '{heading}'")


def _recommendations(
    docs: Iterable[ParsedDocument],
    kinds: Mapping[str, Kind],
    passages: Mapping[tuple[str, str], str],
    problems: _Collector,
    context: Any,
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
            condition = _gate(doc.id, rec, kinds, problems, context)
            texts = (
                ("title", rec.title, rec.title_line),
                ("detail", rec.detail, rec.detail_line),
                ("handout", rec.handout, rec.handout_line),
            )
            templates = _templates(doc.id, texts, kinds, problems, context)
            _check_cites(doc.id, rec.cites, doc_ids, passages, problems)
            if condition is None or templates is None:
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
                    title=templates[0],
                    detail=templates[1],
                    handout=templates[2],
                    cites=tuple((d, h) for d, h, _ in rec.cites),
                    due=rec.due,
                    screen=tuple(rec.screen),
                    exclusive=rec.exclusive,
                )
            )
    compiled.sort(key=lambda r: (r.order, r.id))
    return compiled


def _figures(docs: Iterable[ParsedDocument], problems: _Collector) -> dict[str, FigureSpec]:
    figures: dict[str, FigureSpec] = {}
    owners: dict[str, str] = {}
    for doc in docs:
        for block in doc.figures:
            if block.id in owners:
                problems.add(doc.id, block.line, f"figure id '{block.id}' is already used by {owners[block.id]}")
                continue
            owners[block.id] = doc.id
            try:
                figures[block.id] = parse_figure(block.id, {k: v for k, (v, _line) in block.fields.items()})
            except FigureError as exc:
                line = block.fields.get(exc.key, ("", block.line))[1]
                place = block.places.get(exc.key)
                at_line, column = place.of(exc.part) if place is not None else (line, 0)
                problems.add(doc.id, at_line or line, f"figure '{block.id}': {exc}", column)
    return figures


def _entries(
    docs: Iterable[ParsedDocument],
    kinds: Mapping[str, Kind],
    passages: Mapping[tuple[str, str], str],
    figures: Mapping[str, FigureSpec],
    item_ids: Mapping[str, str],
    problems: _Collector,
    context: Any,
) -> list[CompiledEntry]:
    """Exercises and equipment: compiled like recommendations (ids share one namespace with them, since a
    clinician's decision is kept by id), then their links checked across the whole library."""
    seen: dict[str, str] = dict(item_ids)
    parsed: dict[str, tuple[ParsedDocument, CatalogueEntry]] = {}
    compiled: list[CompiledEntry] = []
    doc_ids = {d.id for d in docs}
    for doc in docs:
        for entry in doc.entries:
            if entry.id in seen:
                problems.add(doc.id, entry.line, f"{entry.kind} id '{entry.id}' is already used by {seen[entry.id]}")
                continue
            seen[entry.id] = doc.id
            parsed[entry.id] = (doc, entry)
            condition = _gate(doc.id, entry, kinds, problems, context)
            fields = ("name", "purpose", "precautions", "detail")
            texts = [(key, *entry.texts.get(key, ("", 0))) for key in fields]
            texts += [("step", text, line) for text, line in entry.steps]
            templates = _templates(doc.id, texts, kinds, problems, context)
            _check_cites(doc.id, entry.cites, doc_ids, passages, problems)
            if entry.illustration not in figures and entry.illustration:
                problems.add(doc.id, entry.illustration_line, f"illustration: no figure '{entry.illustration}'")
            for group, line in entry.groups:
                if group not in MUSCLE_GROUPS:
                    problems.add(doc.id, line, f"groups: unknown muscle group '{group}'")
            link_conditions = _link_conditions(doc.id, entry, kinds, problems, context)
            if condition is None or templates is None or link_conditions is None:
                continue
            name, purpose, precautions, detail, *steps = templates
            compiled.append(
                CompiledEntry(
                    kind=entry.kind,
                    id=entry.id,
                    document_id=doc.id,
                    section=entry.section,
                    category=entry.category,
                    order=entry.order,
                    condition=condition,
                    name=name,
                    purpose=purpose,
                    steps=tuple(steps),
                    precautions=precautions,
                    detail=detail,
                    illustration=entry.illustration,
                    cites=tuple((d, h) for d, h, _ in entry.cites),
                    dosage=entry.dosage,
                    progression=tuple(i for i, _ in entry.progression),
                    regression=tuple(i for i, _ in entry.regression),
                    groups=tuple(g for g, _ in entry.groups),
                    screen=tuple(entry.screen),
                    exclusive=entry.exclusive,
                    link_conditions=link_conditions,
                )
            )
    _check_links(parsed, problems)
    compiled.sort(key=lambda e: (e.order, e.id))
    return compiled


def _check_exclusive_kinds(docs: Iterable[ParsedDocument], problems: _Collector) -> None:
    """An exclusive group holds one kind of block: recommendations, exercises and equipment are separate lists
    of the plan, so "at most one of them" across two lists would say nothing a reader could see."""
    kinds: dict[str, str] = {}
    for doc in docs:
        for rec in doc.recommendations:
            if rec.exclusive:
                kinds.setdefault(rec.exclusive, "recommendation")
    for doc in docs:
        for entry in doc.entries:
            if not entry.exclusive:
                continue
            first = kinds.setdefault(entry.exclusive, entry.kind)
            if first != entry.kind:
                problems.add(
                    doc.id,
                    entry.line,
                    f"exclusive: group '{entry.exclusive}' already holds {first} blocks; a group holds one kind",
                )


def _link_conditions(
    doc_id: str, entry: CatalogueEntry, kinds: Mapping[str, Kind], problems: _Collector, context: Any
) -> tuple[tuple[str, Compiled], ...] | None:
    """The ``if`` conditions of an exercise's links, compiled like its ``when:``; None when one is wrong."""
    compiled: list[tuple[str, Compiled]] = []
    for field_name, (text, line) in entry.link_conditions.items():
        try:
            condition = compile_expression(text, kinds, context)
        except ExpressionError as exc:
            problems.add(doc_id, line, f"{field_name}: the condition after 'if': {exc}")
            return None
        if condition.kind is not Kind.FLAG:
            problems.add(doc_id, line, f"{field_name}: the condition after 'if' must be true or false")
            return None
        compiled.append((field_name, condition))
    return tuple(compiled)


def _check_links(parsed: Mapping[str, tuple[ParsedDocument, CatalogueEntry]], problems: _Collector) -> None:
    """Progression and regression name other exercises, never the exercise itself, never both ways at once,
    and never lead back to where they started."""
    graphs: dict[str, dict[str, list[str]]] = {"progression": {}, "regression": {}}
    for entry_id, (doc, entry) in parsed.items():
        for field_name, links in (("progression", entry.progression), ("regression", entry.regression)):
            for target, line in links:
                other = parsed.get(target)
                if other is None:
                    problems.add(doc.id, line, f"{field_name}: no exercise '{target}'")
                elif other[1].kind != "exercise" or entry.kind != "exercise":
                    problems.add(doc.id, line, f"{field_name}: '{target}' is not an exercise")
                elif target == entry_id:
                    problems.add(doc.id, line, f"{field_name}: an exercise cannot lead to itself")
                else:
                    graphs[field_name].setdefault(entry_id, []).append(target)
        both = {t for t, _ in entry.progression} & {t for t, _ in entry.regression}
        for target in sorted(both):
            problems.add(doc.id, entry.line, f"'{target}' is both the progression and the regression of '{entry_id}'")
    for field_name, graph in graphs.items():
        for cycle in _cycles(graph):
            doc, entry = parsed[cycle[0]]
            problems.add(doc.id, entry.line, f"{field_name} goes round in a circle: {' -> '.join(cycle)}")


def _cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            found.append([*trail[trail.index(node) :], node])
            return
        state[node] = 1
        for target in graph.get(node, ()):
            visit(target, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        visit(node, [])
    return found
