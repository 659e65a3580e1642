"""Read a guidance document (Markdown with a header and fenced blocks) into plain data.

The parser only reads text: it never imports, evaluates or renders anything from a document. It checks the
shape (header keys, block syntax, known fields, required fields) and records the line of everything, so the
library compiler can report a bad condition at the line where it stands. See docs/document-format.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planner.engine.schedule import DueRule
from planner.errors import DocumentError, Problem
from planner.library.files import normalize_text

MAX_DOCUMENT_BYTES = 512 * 1024
"""A guidance document is prose; anything larger is refused before it is read."""

HEADER_KEYS = {"id", "title", "source", "version", "kind", "publisher", "date"}
REQUIRED_HEADER = ("id", "title", "source", "version", "kind")
DOCUMENT_KINDS = ("evidence", "convention")
SECTION_TARGETS = ("pt", "ot", "orthosis", "lymphedema", "analgesia", "medical", "monitoring")
HANDOUT_TARGETS = ("checklist", "call")
TARGETS = (*SECTION_TARGETS, "alert", *HANDOUT_TARGETS)
ALERT_LEVELS = ("urgent", "caution", "info")
RECOMMENDATION_FIELDS = {"target", "level", "when", "title", "detail", "handout", "order", "cites", "due"}
REPEATABLE_FIELDS = {"cites"}

_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
_REC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
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
    when_spans: tuple[Span, ...] = ()


@dataclass(slots=True)
class DerivedCase:
    condition: str | None  # None for "otherwise"
    value: str
    line: int
    condition_column: int = 0  # 1-based, where the condition starts in its line
    value_column: int = 0  # 1-based, where the value after '=>' starts


@dataclass(slots=True)
class DerivedFinding:
    name: str
    line: int
    cases: list[DerivedCase]


@dataclass(slots=True)
class Table:
    name: str
    line: int
    columns: list[str]
    rows: list[dict[str, str]]


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
    rec_ids: set[str] = set()
    index = start
    while index < len(lines):
        line = lines[index]
        number = index + 1
        if line.startswith("## "):
            _close_passage(doc, current, prose)
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
    _close_passage(doc, current, prose)


def _close_passage(doc: ParsedDocument, passage: Passage, prose: list[str]) -> None:
    passage.text = _tidy_prose(prose)
    if passage.text or passage.heading != doc.title or doc.passages:
        doc.passages.append(passage)


def _tidy_prose(prose: list[str]) -> str:
    """Join prose lines, dropping the document's H1 title and collapsing runs of blank lines."""
    kept = [line.rstrip() for line in prose if not line.startswith("# ")]
    text = "\n".join(kept).strip("\n")
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
    rec_ids: set[str],
) -> None:
    number = start + 1
    match = _BLOCK_OPEN.match(lines[start].strip())
    if not match:
        problems.append(Problem(number, "a block opens with '::: KIND NAME'"))
        return
    kind, name = match.group(1), match.group(2) or ""
    body = [(i + 1, lines[i]) for i in range(start + 1, end)]
    if kind == "recommendation":
        if not _REC_ID.match(name):
            problems.append(Problem(number, "recommendation id: letters, digits, '-', '_' and '.' only"))
            return
        if name in rec_ids:
            problems.append(Problem(number, f"recommendation id '{name}' appears twice"))
            return
        rec_ids.add(name)
        recommendation = _parse_recommendation(name, number, section, body, problems)
        if recommendation is not None:
            doc.recommendations.append(recommendation)
    elif kind == "finding":
        if not _NAME.match(name):
            problems.append(Problem(number, "finding name: lower-case letters, digits and '_', starting with a letter"))
            return
        doc.findings.append(DerivedFinding(name, number, _parse_cases(body, problems)))
    elif kind == "table":
        if not _NAME.match(name):
            problems.append(Problem(number, "table name: lower-case letters, digits and '_'"))
            return
        table = _parse_table(name, number, body, problems)
        if table is not None:
            doc.tables.append(table)
    else:
        problems.append(Problem(number, f"unknown block kind '{kind}' (known: recommendation, finding, table)"))


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


def _parse_recommendation(
    rec_id: str, line: int, section: str, body: list[tuple[int, str]], problems: list[Problem]
) -> Recommendation | None:
    values: dict[str, tuple[str, int]] = {}
    spans: dict[str, tuple[Span, ...]] = {}
    cites: list[tuple[str, str, int]] = []
    before = len(problems)
    for key, value, number, where in _parse_fields(body, problems):
        if key not in RECOMMENDATION_FIELDS:
            problems.append(
                Problem(number, f"unknown field '{key}' (known: {', '.join(sorted(RECOMMENDATION_FIELDS))})")
            )
        elif key in REPEATABLE_FIELDS:
            doc_id, sep, heading = value.partition(":")
            if not sep or not doc_id.strip() or not heading.strip():
                problems.append(Problem(number, "cites: write 'DOC-ID: Section heading'"))
            else:
                cites.append((doc_id.strip(), heading.strip(), number))
        elif key in values:
            problems.append(Problem(number, f"field '{key}' given twice"))
        else:
            values[key] = (value, number)
            spans[key] = where
    for key in ("target", "when", "title"):
        if not values.get(key, ("", 0))[0]:
            problems.append(Problem(line, f"recommendation '{rec_id}': field '{key}' is required"))
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
    order_text, order_line = values.get("order", ("100", line))
    try:
        order = int(order_text)
    except ValueError:
        problems.append(Problem(order_line, "order must be a whole number"))
        order = 100
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
        cites=cites,
        due=due,
        when_spans=spans["when"],
    )


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
        condition_column = len(line) - len(line.lstrip()) + 1
        value_column = line.index("=>") + 3 + len(value) - len(value.lstrip())
        condition = condition.strip()
        cases.append(
            DerivedCase(
                None if condition == "otherwise" else condition, value.strip(), number, condition_column, value_column
            )
        )
    if not cases and not problems:
        problems.append(Problem(body[0][0] if body else 0, "a finding needs at least one case"))
    return cases


def _parse_table(name: str, line: int, body: list[tuple[int, str]], problems: list[Problem]) -> Table | None:
    rows = [(number, text.strip()) for number, text in body if text.strip()]
    if len(rows) < 2 or not rows[0][1].startswith("|"):
        problems.append(Problem(line, "a table block holds a Markdown table with a header row"))
        return None
    columns = _cells(rows[0][1])
    table = Table(name, line, columns, [])
    for number, text in rows[1:]:
        cells = _cells(text)
        if all(set(cell) <= set("-: ") for cell in cells):
            continue
        if len(cells) != len(columns):
            problems.append(Problem(number, f"row has {len(cells)} cells, the header has {len(columns)}"))
            continue
        table.rows.append(dict(zip(columns, cells, strict=True)) | {"__line__": str(number)})
    return table


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]
