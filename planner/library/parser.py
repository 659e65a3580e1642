"""Read a guidance document (Markdown with a header and fenced blocks) into plain data.

The parser only reads text: it never imports, evaluates or renders anything from a document. It checks the
shape (header keys, block syntax, known fields, required fields) and records the line of everything, so the
library compiler can report a bad condition at the line where it stands. See docs/document-format.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planner.engine.dosage import Dosage
from planner.engine.schedule import DueRule
from planner.errors import DocumentError, Problem
from planner.library.document_text import normalize_text

MAX_DOCUMENT_BYTES = 512 * 1024
"""A guidance document is prose; anything larger is refused before it is read."""

HEADER_KEYS = {"id", "title", "source", "version", "kind", "publisher", "date"}
REQUIRED_HEADER = ("id", "title", "source", "version", "kind")
DOCUMENT_KINDS = ("evidence", "convention")
SECTION_TARGETS = ("pt", "ot", "orthosis", "lymphedema", "analgesia", "medical", "monitoring")
HANDOUT_TARGETS = ("urgent", "preface", "checklist", "call")
"""Patient handout lines: ``urgent`` (what the patient must act on today, printed first in a box of its own),
``preface`` (a note on the first page, under the patient's details, for whoever reads the sheet with the
patient), ``checklist`` (a daily checklist line) and ``call`` (when to call the clinic)."""
TARGETS = (*SECTION_TARGETS, "alert", *HANDOUT_TARGETS)
ALERT_LEVELS = ("urgent", "caution", "info")
GATE_FIELDS = frozenset({"when", "screen", "exclusive", "cites"})
"""The fields every block that the plan offers shares (recommendations, exercises, equipment): the condition
it is offered under, the safety screens that must be clear, the group of which at most one member is offered,
and the further passages that support it. Each is read, checked and compiled the same way for all three kinds
(``_parse_gate`` here, ``_gate`` in the compiler), so an exercise is held back by the same screen as the
recommendation that names the same treatment."""
RECOMMENDATION_FIELDS = GATE_FIELDS | {"target", "level", "title", "detail", "handout", "order", "due"}
CATALOGUE_KINDS = ("exercise", "equipment")
"""Block kinds that add an entry to the plan's exercise programme or equipment list."""
_CATALOGUE_COMMON = GATE_FIELDS | {
    "name",
    "purpose",
    "step",
    "precautions",
    "illustration",
    "detail",
    "order",
    "category",
}
CATALOGUE_FIELDS: dict[str, frozenset[str]] = {
    "exercise": frozenset(_CATALOGUE_COMMON | {"dosage", "progression", "regression", "groups"}),
    "equipment": frozenset(_CATALOGUE_COMMON),
}
CATALOGUE_REQUIRED: dict[str, tuple[str, ...]] = {
    "exercise": ("name", "purpose", "step", "dosage", "when", "illustration", "category"),
    "equipment": ("name", "purpose", "step", "when", "illustration", "category"),
}
CATEGORIES: dict[str, tuple[str, ...]] = {
    "exercise": (
        "positioning",
        "passive",
        "assisted",
        "active",
        "resisted",
        "stretch",
        "nerve",
        "balance",
        "walking",
        "transfer",
        "wheelchair",
        "circulation",
        "lymphedema",
    ),
    "equipment": ("dressing", "bathing", "toileting", "transfers", "walking", "orthosis", "positioning", "home"),
}
FIGURE_FIELDS = frozenset({"view", "body", "start", "end", "props", "arrow", "anchor", "frame"})
REPEATABLE_FIELDS = {"cites", "step"}

MAX_ORDER = 999_999
"""Orders sort items; six digits are plenty, and the stored column is a 64-bit integer."""
_ORDER = re.compile(r"-?[0-9]{1,6}", re.ASCII)
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
_REC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_GROUP = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
_BLOCK_OPEN = re.compile(r"^:::\s*(\S+)(?:\s+(\S+))?\s*$")
_FIELD = re.compile(r"^([a-z_]+)\s*:\s?(.*)$")


@dataclass(slots=True)
class Passage:
    heading: str
    line: int
    text: str = ""


Span = tuple[int, int, int]
"""Where a piece of a field's value stands in the file: (line, 1-based column, length)."""


def locate(spans: tuple[Span, ...], offset: int) -> tuple[int, int]:
    """The (line, column) of character ``offset`` of a value joined from ``spans`` with single spaces (as
    :func:`_parse_fields` joins a value continued on indented lines); (0, 0) when the spans are unknown."""
    for line, column, length in spans:
        if offset <= length:
            return line, column + offset
        offset -= length + 1
    if spans:
        line, column, length = spans[-1]
        return line, column + length
    return 0, 0


@dataclass(frozen=True, slots=True)
class Place:
    """Where a field's value stands in the file: the value as read (continued lines joined with single
    spaces) and the pieces it was joined from. Every kind of block keeps one per single field, so a problem
    inside a value (an expression, a screen name, a figure's pose) names its line and column."""

    text: str
    spans: tuple[Span, ...]

    def at(self, offset: int) -> tuple[int, int]:
        """(line, column) of character ``offset`` of the value."""
        return locate(self.spans, offset)

    def of(self, part: str) -> tuple[int, int]:
        """(line, column) of the first place ``part`` stands as a whole word in the value (its start if not)."""
        found = re.search(rf"(?<!\w){re.escape(part.strip())}(?!\w)", self.text) if part.strip() else None
        return self.at(found.start() if found else 0)


@dataclass(slots=True)
class Recommendation:
    id: str
    line: int
    section: str
    target: str
    when: str
    when_line: int
    title: str
    title_line: int
    detail: str = ""
    detail_line: int = 0
    handout: str = ""
    handout_line: int = 0
    level: str | None = None
    order: int = 100
    cites: list[tuple[str, str, int]] = field(default_factory=list)
    due: DueRule | None = None
    screen: list[str] = field(default_factory=list)
    screen_line: int = 0
    exclusive: str | None = None
    places: dict[str, Place] = field(default_factory=dict)
    """Where each single field's value stands in the file, for problems that name a column."""


@dataclass(slots=True)
class CatalogueEntry:
    """An ``::: exercise`` or ``::: equipment`` block: texts for the patient, a condition, a picture."""

    kind: str  # exercise | equipment
    id: str
    line: int
    section: str
    when: str
    when_line: int
    texts: dict[str, tuple[str, int]]  # name, purpose, precautions, detail: (template text, line)
    steps: list[tuple[str, int]]
    illustration: str
    illustration_line: int
    category: str
    order: int = 100
    cites: list[tuple[str, str, int]] = field(default_factory=list)
    dosage: Dosage | None = None
    progression: list[tuple[str, int]] = field(default_factory=list)
    regression: list[tuple[str, int]] = field(default_factory=list)
    groups: list[tuple[str, int]] = field(default_factory=list)
    screen: list[str] = field(default_factory=list)
    screen_line: int = 0
    exclusive: str | None = None
    places: dict[str, Place] = field(default_factory=dict)
    """Where each single field's value stands in the file, for problems that name a column."""
    link_conditions: dict[str, tuple[str, int]] = field(default_factory=dict)
    """``progression``/``regression``: the condition after ``if`` that guards the link (text, line)."""


LINK_CONDITION = re.compile(r"\s+if\s+")
"""Between a link's ids and its condition: ``progression: ex-hip-back-band if standing_work``."""


@dataclass(slots=True)
class FigureBlock:
    """An ``::: figure`` block: the data of one drawing, read by planner.figures when the library compiles."""

    id: str
    line: int
    fields: dict[str, tuple[str, int]]
    places: dict[str, Place] = field(default_factory=dict)


@dataclass(slots=True)
class DerivedCase:
    condition: str | None  # None for "otherwise"
    value: str
    line: int
    places: dict[str, Place] = field(default_factory=dict)
    """Where the condition and the value stand in the line ("condition", "value")."""


@dataclass(slots=True)
class DerivedFinding:
    name: str
    line: int
    cases: list[DerivedCase]
    section: str = ""
    collect: bool = False
    """A ``::: reasons`` block: every case that holds gives a reason, not only the first."""


@dataclass(slots=True)
class Table:
    name: str
    line: int
    columns: list[str]
    rows: list[dict[str, str]]
    places: list[dict[str, Place]] = field(default_factory=list)
    """Where each cell of each row stands (by column name), in the order of ``rows``."""


@dataclass(slots=True)
class ParsedDocument:
    id: str
    title: str
    source: str
    version: str
    kind: str
    publisher: str
    date: str
    body: str
    origin_name: str
    passages: list[Passage]
    recommendations: list[Recommendation]
    findings: list[DerivedFinding]
    tables: list[Table]
    entries: list[CatalogueEntry] = field(default_factory=list)
    figures: list[FigureBlock] = field(default_factory=list)


def parse_document(text: str, origin_name: str) -> ParsedDocument:
    """Parse ``text``; raise DocumentError listing every problem found (with line numbers)."""
    problems: list[Problem] = []
    if len(text.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES:
        raise DocumentError(origin_name, [Problem(0, f"larger than {MAX_DOCUMENT_BYTES // 1024} KiB")])
    if "\x00" in text:
        raise DocumentError(origin_name, [Problem(0, "contains a NUL character; not a text document")])
    text = normalize_text(text)
    lines = text.split("\n")
    header, body_start = _parse_header(lines, problems)
    doc = ParsedDocument(
        id=header.get("id", ""),
        title=header.get("title", ""),
        source=header.get("source", ""),
        version=header.get("version", ""),
        kind=header.get("kind", ""),
        publisher=header.get("publisher", ""),
        date=header.get("date", ""),
        body=text,
        origin_name=origin_name,
        passages=[],
        recommendations=[],
        findings=[],
        tables=[],
    )
    _parse_body(lines, body_start, doc, problems)
    if problems:
        raise DocumentError(origin_name, problems, document_id=doc.id or None, partial=doc)
    return doc


def _parse_header(lines: list[str], problems: list[Problem]) -> tuple[dict[str, str], int]:
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(1, "the document must start with a '---' header line"))
        return {}, 0
    header: dict[str, str] = {}
    for index in range(1, len(lines)):
        line = lines[index]
        number = index + 1
        if line.strip() == "---":
            break
        if not line.strip():
            continue
        match = _FIELD.match(line)
        if not match:
            problems.append(Problem(number, "header lines are 'key: value'"))
            continue
        key, value = match.group(1), match.group(2).strip()
        if key not in HEADER_KEYS:
            problems.append(Problem(number, f"unknown header key '{key}' (known: {', '.join(sorted(HEADER_KEYS))})"))
        elif key in header:
            problems.append(Problem(number, f"header key '{key}' given twice"))
        else:
            header[key] = value
    else:
        problems.append(Problem(1, "the header is not closed by a '---' line"))
        return header, len(lines)
    for key in REQUIRED_HEADER:
        if not header.get(key):
            problems.append(Problem(1, f"header key '{key}' is required"))
    if header.get("id") and not _DOC_ID.match(header["id"]):
        problems.append(Problem(1, "id: letters, digits and '-' only, at most 64 characters"))
    if header.get("kind") and header["kind"] not in DOCUMENT_KINDS:
        problems.append(Problem(1, f"kind must be one of: {', '.join(DOCUMENT_KINDS)}"))
    return header, index + 1


def _parse_body(lines: list[str], start: int, doc: ParsedDocument, problems: list[Problem]) -> None:
    current = Passage(heading=doc.title, line=start + 1)
    prose: list[str] = []
    headings: set[str] = set()
    rec_ids: set[tuple[str, str]] = set()
    index = start
    while index < len(lines):
        line = lines[index]
        number = index + 1
        if line.startswith("## "):
            _close_passage(doc, current, prose, problems)
            heading = line[3:].strip()
            if not heading:
                problems.append(Problem(number, "a section heading cannot be empty"))
            elif heading in headings:
                problems.append(Problem(number, f"section heading '{heading}' appears twice"))
            headings.add(heading)
            current, prose = Passage(heading=heading, line=number), []
            index += 1
            continue
        if line.startswith(":::"):
            end = _block_end(lines, index)
            if end is None:
                problems.append(Problem(number, "block is not closed by a ':::' line"))
                return
            _parse_block(lines, index, end, current.heading, doc, problems, rec_ids)
            index = end + 1
            continue
        prose.append(line)
        index += 1
    _close_passage(doc, current, prose, problems)


def _close_passage(doc: ParsedDocument, passage: Passage, prose: list[str], problems: list[Problem]) -> None:
    passage.text = _tidy_prose(prose)
    if passage.text or passage.heading != doc.title or doc.passages:
        doc.passages.append(passage)


_AUTHOR_NOTE = re.compile(r"[ \t]*\((?:\s*`[A-Za-z0-9_]+`\s*(?:,|;|and)?)+\s*\)")
"""A bracket that holds only finding names in backticks, such as ``(`under_18`)``: a cross-reference for the
document's authors from a sentence to the rule that carries it out. It is dropped from the passage, which a
clinician reads as evidence and where a code name means nothing."""


_INLINE_CODE = re.compile(r"`([^`\n]*)`")
"""A finding name in backticks inside a sentence: the passage keeps it as words (``under_18`` reads "under 18"),
never as a code mark. It is not an error, so that a stored document written before this rule still loads; the
shipped documents are written without them (tests/library)."""


def inline_code_names(text: str) -> list[str]:
    """The finding names in backticks that a passage of ``text`` would keep inside its sentences."""
    return _INLINE_CODE.findall(_AUTHOR_NOTE.sub("", text))


def _tidy_prose(prose: list[str]) -> str:
    """Join prose lines, dropping the document's H1 title and the authors' bracketed finding names, writing any
    other finding name in words, and collapsing runs of blank lines."""
    kept = [line.rstrip() for line in prose if not line.startswith("# ")]
    text = _AUTHOR_NOTE.sub("", "\n".join(kept)).strip("\n")
    text = _INLINE_CODE.sub(lambda match: match.group(1).replace("_", " "), text)
    return re.sub(r"\n{3,}", "\n\n", text)


def _block_end(lines: list[str], start: int) -> int | None:
    for index in range(start + 1, len(lines)):
        if lines[index].strip() == ":::":
            return index
        if _BLOCK_OPEN.match(lines[index].strip()):
            return None
    return None


def _parse_block(
    lines: list[str],
    start: int,
    end: int,
    section: str,
    doc: ParsedDocument,
    problems: list[Problem],
    rec_ids: set[tuple[str, str]],
) -> None:
    number = start + 1
    match = _BLOCK_OPEN.match(lines[start].strip())
    if not match:
        problems.append(Problem(number, "a block opens with '::: KIND NAME'"))
        return
    kind, name = match.group(1), match.group(2) or ""
    body = [(i + 1, lines[i]) for i in range(start + 1, end)]
    if kind in ("recommendation", *CATALOGUE_KINDS, "figure"):
        if not _REC_ID.match(name):
            problems.append(Problem(number, f"{kind} id: letters, digits, '-', '_' and '.' only"))
            return
        namespace = "figure" if kind == "figure" else "item"
        if (namespace, name) in rec_ids:
            problems.append(Problem(number, f"{kind} id '{name}' appears twice"))
            return
        rec_ids.add((namespace, name))
    if kind == "recommendation":
        recommendation = _parse_recommendation(name, number, section, body, problems)
        if recommendation is not None:
            doc.recommendations.append(recommendation)
    elif kind in CATALOGUE_KINDS:
        entry = _parse_entry(kind, name, number, section, body, problems)
        if entry is not None:
            doc.entries.append(entry)
    elif kind == "figure":
        fields = _read_fields(kind, name, number, body, FIGURE_FIELDS, problems)
        doc.figures.append(FigureBlock(name, number, fields.values, fields.places))
    elif kind in ("finding", "reasons"):
        if not _NAME.match(name):
            problems.append(Problem(number, f"{kind} name: lower-case letters, digits and '_', starting with a letter"))
            return
        cases = _parse_cases(body, problems)
        if kind == "reasons":
            problems.extend(
                Problem(case.line, "a reasons block has no 'otherwise': each case is a reason that holds or not")
                for case in cases
                if case.condition is None
            )
        doc.findings.append(DerivedFinding(name, number, cases, section, collect=kind == "reasons"))
    elif kind == "table":
        if not _NAME.match(name):
            problems.append(Problem(number, "table name: lower-case letters, digits and '_'"))
            return
        table = _parse_table(name, number, body, problems)
        if table is not None:
            doc.tables.append(table)
    else:
        known = "recommendation, exercise, equipment, figure, finding, reasons, table"
        problems.append(Problem(number, f"unknown block kind '{kind}' (known: {known})"))


def _parse_fields(body: list[tuple[int, str]], problems: list[Problem]) -> list[tuple[str, str, int, tuple[Span, ...]]]:
    """(key, value, line, spans) of each field; a value continued on indented lines is joined with spaces."""
    fields: list[tuple[str, str, int, tuple[Span, ...]]] = []
    for number, line in body:
        if not line.strip():
            continue
        if line[0] in " \t":
            if not fields:
                problems.append(Problem(number, "continuation line with no field before it"))
                continue
            key, value, first, spans = fields[-1]
            piece = line.strip()
            column = len(line) - len(line.lstrip()) + 1
            fields[-1] = (key, f"{value} {piece}".strip(), first, (*spans, (number, column, len(piece))))
            continue
        match = _FIELD.match(line)
        if not match:
            problems.append(Problem(number, "block lines are 'key: value' (indent a line to continue a value)"))
            continue
        raw = match.group(2)
        value = raw.strip()
        column = match.start(2) + len(raw) - len(raw.lstrip()) + 1
        fields.append((match.group(1), value, number, ((number, column, len(value)),)))
    return fields


@dataclass(slots=True)
class _Fields:
    """A block's fields as read: single fields by name, repeatable ones as lists, each with its line."""

    values: dict[str, tuple[str, int]]
    repeated: dict[str, list[tuple[str, int]]]
    cites: list[tuple[str, str, int]]
    places: dict[str, Place]

    def text(self, key: str, default: str = "") -> str:
        return self.values.get(key, (default, 0))[0]

    def line(self, key: str, default: int) -> int:
        return self.values.get(key, ("", default))[1]


def _read_fields(
    kind: str, block_id: str, line: int, body: list[tuple[int, str]], known: frozenset[str], problems: list[Problem]
) -> _Fields:
    """The one reader of block fields: unknown fields, fields given twice and the ``cites`` form are checked
    here, the same way for every kind of block, and where each single field's value stands is kept
    (``places``) so that a problem found later, in the compiler, can name its column."""
    fields = _Fields({}, {}, [], {})
    for key, value, number, spans in _parse_fields(body, problems):
        if key not in known:
            problems.append(Problem(number, f"unknown field '{key}' (known: {', '.join(sorted(known))})"))
        elif key == "cites":
            doc_id, sep, heading = value.partition(":")
            if not sep or not doc_id.strip() or not heading.strip():
                problems.append(Problem(number, "cites: write 'DOC-ID: Section heading'"))
            else:
                fields.cites.append((doc_id.strip(), heading.strip(), number))
        elif key in REPEATABLE_FIELDS:
            fields.repeated.setdefault(key, []).append((value, number))
        elif key in fields.values:
            problems.append(Problem(number, f"field '{key}' given twice"))
        else:
            fields.values[key] = (value, number)
            fields.places[key] = Place(value, spans)
    return fields


def _require(
    kind: str, block_id: str, line: int, fields: _Fields, required: tuple[str, ...], problems: list[Problem]
) -> None:
    for key in required:
        given = fields.repeated.get(key) if key in REPEATABLE_FIELDS else fields.text(key)
        if not given:
            problems.append(Problem(line, f"{kind} '{block_id}': field '{key}' is required"))


def _order(fields: _Fields, line: int, problems: list[Problem]) -> int:
    """The block's order: a whole number small enough for SQLite's integer column and for sorting."""
    text = fields.text("order", "100")
    if _ORDER.fullmatch(text):
        return int(text)
    problems.append(
        Problem(fields.line("order", line), f"order must be a whole number from -{MAX_ORDER} to {MAX_ORDER}")
    )
    return 100


def _parse_recommendation(
    rec_id: str, line: int, section: str, body: list[tuple[int, str]], problems: list[Problem]
) -> Recommendation | None:
    before = len(problems)
    fields = _read_fields("recommendation", rec_id, line, body, RECOMMENDATION_FIELDS, problems)
    values = fields.values
    _require("recommendation", rec_id, line, fields, ("target", "when", "title"), problems)
    target, target_line = values.get("target", ("", line))
    if target and target not in TARGETS:
        problems.append(Problem(target_line, f"target must be one of: {', '.join(TARGETS)}"))
    level, level_line = values.get("level", ("", line))
    if target == "alert" and level not in ALERT_LEVELS:
        problems.append(Problem(level_line, f"an alert needs level: {', '.join(ALERT_LEVELS)}"))
    if target != "alert" and level:
        problems.append(Problem(level_line, "level is only for alerts"))
    if "handout" in values and target not in SECTION_TARGETS:
        problems.append(Problem(values["handout"][1], "handout text is only for plan-section items"))
    order = _order(fields, line, problems)
    due: DueRule | None = None
    if "due" in values:
        due_text, due_line = values["due"]
        if target not in SECTION_TARGETS:
            problems.append(Problem(due_line, "due is only for plan-section items"))
        else:
            try:
                due = DueRule.parse(due_text)
            except ValueError as exc:
                problems.append(Problem(due_line, str(exc)))
    screen, screen_line, exclusive = _parse_gate(fields, target, line, problems)
    if len(problems) > before:
        return None
    when, when_line = values["when"]
    title, title_line = values["title"]
    detail, detail_line = values.get("detail", ("", 0))
    handout, handout_line = values.get("handout", ("", 0))
    return Recommendation(
        id=rec_id,
        line=line,
        section=section,
        target=target,
        when=when,
        when_line=when_line,
        title=title,
        title_line=title_line,
        detail=detail,
        detail_line=detail_line,
        handout=handout,
        handout_line=handout_line,
        level=level or None,
        order=order,
        cites=fields.cites,
        due=due,
        screen=screen,
        screen_line=screen_line,
        exclusive=exclusive,
        places=fields.places,
    )


def _id_list(text: str, line: int, what: str, problems: list[Problem]) -> list[tuple[str, int]]:
    ids = [part.strip() for part in text.split(",")]
    if any(not _REC_ID.match(i) for i in ids):
        problems.append(Problem(line, f"{what}: a comma-separated list of ids"))
        return []
    return [(i, line) for i in ids]


def _parse_entry(
    kind: str, entry_id: str, line: int, section: str, body: list[tuple[int, str]], problems: list[Problem]
) -> CatalogueEntry | None:
    """An exercise or an equipment item: the same reader, the same required texts, kind-specific extras."""
    before = len(problems)
    fields = _read_fields(kind, entry_id, line, body, CATALOGUE_FIELDS[kind], problems)
    values = fields.values
    _require(kind, entry_id, line, fields, CATALOGUE_REQUIRED[kind], problems)
    category = fields.text("category")
    if category and category not in CATEGORIES[kind]:
        problems.append(
            Problem(fields.line("category", line), f"category must be one of: {', '.join(CATEGORIES[kind])}")
        )
    order = _order(fields, line, problems)
    dosage: Dosage | None = None
    if fields.text("dosage"):
        try:
            dosage = Dosage.parse(fields.text("dosage"))
        except ValueError as exc:
            problems.append(Problem(fields.line("dosage", line), str(exc)))
    screen, screen_line, exclusive = _parse_gate(fields, kind, line, problems)
    link_conditions: dict[str, tuple[str, int]] = {}
    texts = {key: values[key] for key in ("progression", "regression", "groups") if key in values}
    for key in ("progression", "regression"):
        if key in texts:
            ids, *condition = LINK_CONDITION.split(texts[key][0], maxsplit=1)
            if condition:
                link_conditions[key] = (condition[0].strip(), texts[key][1])
            texts[key] = (ids, texts[key][1])
    links = {
        key: _id_list(texts[key][0], texts[key][1], key, problems) if key in texts else []
        for key in ("progression", "regression", "groups")
    }
    if len(problems) > before:
        return None
    return CatalogueEntry(
        kind=kind,
        id=entry_id,
        line=line,
        section=section,
        when=values["when"][0],
        when_line=values["when"][1],
        screen=screen,
        screen_line=screen_line,
        exclusive=exclusive,
        texts={key: values[key] for key in ("name", "purpose", "precautions", "detail") if key in values},
        steps=fields.repeated.get("step", []),
        illustration=values["illustration"][0],
        illustration_line=values["illustration"][1],
        category=category,
        order=order,
        cites=fields.cites,
        dosage=dosage,
        progression=links["progression"],
        regression=links["regression"],
        groups=links["groups"],
        places=fields.places,
        link_conditions=link_conditions,
    )


def _parse_gate(fields: _Fields, target: str, line: int, problems: list[Problem]) -> tuple[list[str], int, str | None]:
    """The gate fields beyond ``when`` that every offered block shares: its screens and its exclusive group.

    ``screen: heat_hold, tens_hold`` names the findings that must all be clear (null) for the block to be
    offered; ``exclusive: group`` names the group of which a plan offers at most one member.
    """
    exclusive, exclusive_line = fields.values.get("exclusive", ("", line))
    if exclusive and not _GROUP.match(exclusive):
        problems.append(Problem(exclusive_line, "exclusive: a group name of lower-case letters, digits and '-'"))
    screen, screen_line = _parse_screen(fields.values.get("screen"), target, problems)
    return screen, screen_line, exclusive or None


def _parse_screen(value: tuple[str, int] | None, target: str, problems: list[Problem]) -> tuple[list[str], int]:
    if value is None:
        return [], 0
    text, screen_line = value
    names = [name.strip() for name in text.split(",")]
    if target == "alert":
        problems.append(Problem(screen_line, "screen is for plan items and handout lines, not alerts"))
    if not text.strip() or not all(_NAME.match(name) for name in names):
        problems.append(Problem(screen_line, "screen: finding names separated by commas"))
        return [], screen_line
    if len(set(names)) != len(names):
        problems.append(Problem(screen_line, "screen: a finding is named twice"))
    return names, screen_line


def _parse_cases(body: list[tuple[int, str]], problems: list[Problem]) -> list[DerivedCase]:
    cases: list[DerivedCase] = []
    for number, line in body:
        stripped = line.strip()
        if not stripped:
            continue
        condition, sep, value = stripped.partition("=>")
        if not sep or not condition.strip() or not value.strip():
            problems.append(Problem(number, "a finding case is 'CONDITION => VALUE' or 'otherwise => VALUE'"))
            continue
        if cases and cases[-1].condition is None:
            problems.append(Problem(number, "'otherwise' must be the last case"))
        value_column = line.index("=>") + 3 + len(value) - len(value.lstrip())
        condition, value = condition.strip(), value.strip()
        places = {
            "condition": Place(condition, ((number, len(line) - len(line.lstrip()) + 1, len(condition)),)),
            "value": Place(value, ((number, value_column, len(value)),)),
        }
        cases.append(DerivedCase(None if condition == "otherwise" else condition, value, number, places))
    if not cases and not problems:
        problems.append(Problem(body[0][0] if body else 0, "a finding needs at least one case"))
    return cases


def _parse_table(name: str, line: int, body: list[tuple[int, str]], problems: list[Problem]) -> Table | None:
    rows = [(number, text) for number, text in body if text.strip()]
    if len(rows) < 2 or not rows[0][1].strip().startswith("|"):
        problems.append(Problem(line, "a table block holds a Markdown table with a header row"))
        return None
    columns = [cell.text for cell in _cells(rows[0][0], rows[0][1])]
    table = Table(name, line, columns, [])
    for number, text in rows[1:]:
        cells = _cells(number, text)
        if all(set(cell.text) <= set("-: ") for cell in cells):
            continue
        if len(cells) != len(columns):
            problems.append(Problem(number, f"row has {len(cells)} cells, the header has {len(columns)}"))
            continue
        table.rows.append({c: cell.text for c, cell in zip(columns, cells, strict=True)} | {"__line__": str(number)})
        table.places.append(dict(zip(columns, cells, strict=True)))
    return table


def _cells(number: int, row: str) -> list[Place]:
    """The cells of a table row, each with where it stands in line ``number``."""
    cells: list[Place] = []
    stripped = row.strip()
    start = len(row) - len(row.lstrip()) + len(stripped) - len(stripped.lstrip("|"))
    stripped = stripped.strip("|")
    for raw in stripped.split("|"):
        text = raw.strip()
        column = start + len(raw) - len(raw.lstrip()) + 1
        cells.append(Place(text, ((number, column, len(text)),)))
        start += len(raw) + 1
    return cells
