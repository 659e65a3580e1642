"""Patient texts in another language: translation files beside the documents, checked like documents.

A translation file holds, for one document and one language, the patient texts of that document (an item's
``handout`` line, a checklist or call line, an exercise's or equipment item's name, purpose, steps and
precautions), keyed by the id of the block and the field they translate. See docs/document-format.md,
"Translations". Shipped files live in ``resources/documents/translations/<language>/<DOC-ID>.md``.

Why the checks:

* A translation is a template like the English it translates: it must insert the same findings and have the
  same optional segments, or a patient would read a value the English never gave (or miss one it did). Unknown
  ids and fields are refused with their line, as in documents.
* Each block carries ``source:``, a short hash of the English texts it translates. When the English changes,
  the hash no longer matches and the translation is **stale**: the plan falls back to the English text and the
  handout says so, so a patient never reads a translation of advice the documents no longer give.
* A text with no translation falls back to English, visibly, too.

A file with errors is not used at all (its texts print in English, marked as missing); ``planner docs check``
and ``planner docs translations`` report the errors with their lines.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import DocumentError, Problem

if TYPE_CHECKING:
    from planner.engine.vocabulary import Kind
    from planner.library.parser import ParsedDocument
    from planner.library.templates import Template

TRANSLATION_LANGUAGES = {"es": "Spanish"}
"""Languages a handout may be printed in besides English (the assessment's ``patient.language``)."""
HEADER_KEYS = ("document", "language")
MAX_TRANSLATION_BYTES = 512 * 1024
_SOURCE = re.compile(r"[0-9a-f]{12}")

TRANSLATED = "translated"
STALE = "stale"
MISSING = "missing"
"""A patient text's state in a language: translated, stale (the English changed since), or missing."""

PLAN_KEYS = {
    "handout": "handout",
    "title": "text",
    "name": "name",
    "purpose": "purpose",
    "step": "instructions",
    "precautions": "precautions",
}
"""Where each translated document field goes in the plan (a checklist line's ``title`` is its ``text``)."""


def source_texts(document: ParsedDocument) -> dict[str, dict[str, str | list[str]]]:
    """The patient texts of a document, by block id and field, exactly as written (templates, not rendered)."""
    from planner.library.parser import HANDOUT_TARGETS

    texts: dict[str, dict[str, str | list[str]]] = {}
    for rec in document.recommendations:
        if rec.target in HANDOUT_TARGETS:
            texts[rec.id] = {"title": rec.title}
        elif rec.handout:
            texts[rec.id] = {"handout": rec.handout}
    for entry in document.entries:
        fields: dict[str, str | list[str]] = {
            "name": entry.texts["name"][0],
            "purpose": entry.texts["purpose"][0],
            "step": [text for text, _line in entry.steps],
        }
        if "precautions" in entry.texts:
            fields["precautions"] = entry.texts["precautions"][0]
        texts[entry.id] = fields
    return texts


def source_hash(texts: Mapping[str, str | list[str]]) -> str:
    """The short hash a translation block records of the English texts it translates."""
    payload = json.dumps(dict(texts), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:12]


@dataclass(slots=True)
class TranslationBlock:
    id: str
    line: int
    source: str
    source_line: int
    fields: dict[str, tuple[str, int]]
    steps: list[tuple[str, int]]


@dataclass(slots=True)
class ValuesBlock:
    """``::: values FINDING``: how a text finding's values read in the language, one ``english => translated``
    per line, for the patient texts that insert that finding (``Use your {walking_aid}``)."""

    finding: str
    line: int
    values: dict[str, str]


@dataclass(slots=True)
class ParsedTranslation:
    document: str
    language: str
    origin_name: str
    blocks: list[TranslationBlock]
    problems: list[Problem] = field(default_factory=list)
    values: list[ValuesBlock] = field(default_factory=list)


def parse_translation(text: str, origin_name: str) -> ParsedTranslation:
    """Read a translation file's shape (header, blocks, fields, lines); problems are collected, not raised."""
    from planner.library.document_text import normalize_text
    from planner.library.parser import _BLOCK_OPEN, _FIELD, _block_end, _parse_fields

    problems: list[Problem] = []
    parsed = ParsedTranslation("", "", origin_name, [], problems)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TRANSLATION_BYTES:
        problems.append(Problem(0, f"larger than {MAX_TRANSLATION_BYTES // 1024} KiB"))
        return parsed
    lines = normalize_text(text).split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(1, "a translation starts with a '---' header line"))
        return parsed
    header: dict[str, str] = {}
    index = 1
    while index < len(lines) and lines[index].strip() != "---":
        match = _FIELD.match(lines[index])
        if lines[index].strip() and (not match or match.group(1) not in HEADER_KEYS):
            problems.append(Problem(index + 1, f"header lines are 'document: DOC-ID' and 'language: {_languages()}'"))
        elif match:
            header[match.group(1)] = match.group(2).strip()
        index += 1
    if index >= len(lines):
        problems.append(Problem(1, "the header is not closed by a '---' line"))
        return parsed
    parsed.document, parsed.language = header.get("document", ""), header.get("language", "")
    if not parsed.document:
        problems.append(Problem(1, "header key 'document' is required"))
    if parsed.language not in TRANSLATION_LANGUAGES:
        problems.append(Problem(1, f"language: one of {_languages()}"))
    seen: set[str] = set()
    index += 1
    while index < len(lines):
        opening = lines[index].strip()
        if not opening.startswith(":::"):
            index += 1  # prose between blocks: the translator's notes
            continue
        end = _block_end(lines, index)
        match = _BLOCK_OPEN.match(opening)
        if end is None:
            problems.append(Problem(index + 1, "block is not closed by a ':::' line"))
            break
        if match and match.group(1) == "values" and match.group(2):
            body = [(i + 1, lines[i]) for i in range(index + 1, end)]
            parsed.values.append(_values(match.group(2), index + 1, body, problems))
        elif not match or match.group(1) != "translation" or not match.group(2):
            problems.append(Problem(index + 1, "a block opens with '::: translation ID' or '::: values FINDING'"))
        elif match.group(2) in seen:
            problems.append(Problem(index + 1, f"'{match.group(2)}' is translated twice"))
        else:
            seen.add(match.group(2))
            body = [(i + 1, lines[i]) for i in range(index + 1, end)]
            parsed.blocks.append(_block(match.group(2), index + 1, body, problems, _parse_fields))
        index = end + 1
    return parsed


def _values(name: str, line: int, body: list[tuple[int, str]], problems: list[Problem]) -> ValuesBlock:
    block = ValuesBlock(name, line, {})
    for number, text in body:
        if not text.strip():
            continue
        english, sep, translated = text.partition("=>")
        english, translated = english.strip().strip("'\""), translated.strip().strip("'\"")
        if not sep or not english or not translated:
            problems.append(Problem(number, "a value line is 'english value => translated value'"))
        elif english in block.values:
            problems.append(Problem(number, f"value '{english}' is translated twice"))
        else:
            block.values[english] = translated
    return block


def _languages() -> str:
    return ", ".join(TRANSLATION_LANGUAGES)


def _block(
    block_id: str, line: int, body: list[tuple[int, str]], problems: list[Problem], read: Any
) -> TranslationBlock:
    block = TranslationBlock(block_id, line, "", line, {}, [])
    for key, value, number, _where in read(body, problems):
        if key == "step":
            block.steps.append((value, number))
        elif key == "source":
            block.source, block.source_line = value, number
        elif key in block.fields:
            problems.append(Problem(number, f"field '{key}' given twice"))
        else:
            block.fields[key] = (value, number)
    if not _SOURCE.fullmatch(block.source):
        problems.append(
            Problem(block.source_line, f"{block_id}: 'source:' is required, the 12-letter hash of the English texts")
        )
    return block


@dataclass(frozen=True, slots=True)
class TextTranslation:
    """One block's translation, ready to render: ``fields`` maps a document field to its template(s)."""

    status: str  # TRANSLATED or STALE
    fields: dict[str, Any]  # field -> Template, or tuple of Templates for "step"


@dataclass(slots=True)
class Translations:
    """The usable translations of a library, by language then block id, and the problems found per file."""

    texts: dict[str, dict[str, TextTranslation]] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    stale: dict[str, list[str]] = field(default_factory=dict)
    """Per file, the ids whose English changed since they were translated (not an error: they fall back)."""
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    """Per language, per text finding, its values in the language (see :class:`ValuesBlock`)."""

    def status(self, language: str, block_id: str) -> TextTranslation | None:
        return self.texts.get(language, {}).get(block_id)

    def findings_in(self, language: str, findings: Mapping[str, Any]) -> Mapping[str, Any]:
        """``findings`` with the text values the language translates replaced by their translation, for
        rendering that language's templates (a value without a translation stays as it is)."""
        tables = self.values.get(language)
        if not tables:
            return findings
        local = dict(findings)
        for name, table in tables.items():
            value = findings.get(name)
            if isinstance(value, str) and value in table:
                local[name] = table[value]
        return local


def compile_translations(
    translations: Iterable[ParsedTranslation], documents: Mapping[str, ParsedDocument], kinds: Mapping[str, Kind]
) -> Translations:
    """Check each file against the document it translates and compile its texts as templates.

    A file with any problem is left out whole (every text of it falls back to English); its problems are kept
    in ``problems`` under its file name.
    """
    out = Translations()
    for translation in translations:
        problems = list(translation.problems)
        document = documents.get(translation.document)
        if translation.document and document is None:
            problems.append(Problem(1, f"document: no document '{translation.document}' in the library"))
        compiled: dict[str, TextTranslation] = {}
        stale: list[str] = []
        for values in translation.values:
            if values.finding not in kinds:
                problems.append(Problem(values.line, f"values: unknown finding '{values.finding}'"))
            elif kinds[values.finding].value != "text":
                problems.append(Problem(values.line, f"values: '{values.finding}' is not a text finding"))
        if document is not None and not problems:
            english = source_texts(document)
            for block in translation.blocks:
                result = _compile_block(block, english, document.id, kinds, problems)
                if result is not None:
                    compiled[block.id] = result
                    if result.status == STALE:
                        stale.append(block.id)
        if problems:
            out.problems[translation.origin_name] = sorted(problems, key=lambda p: p.line)
            continue
        out.texts.setdefault(translation.language, {}).update(compiled)
        for values in translation.values:
            out.values.setdefault(translation.language, {}).setdefault(values.finding, {}).update(values.values)
        if stale:
            out.stale[translation.origin_name] = stale
    return out


def _compile_block(
    block: TranslationBlock,
    english: Mapping[str, Mapping[str, str | list[str]]],
    document_id: str,
    kinds: Mapping[str, Kind],
    problems: list[Problem],
) -> TextTranslation | None:
    from planner.library.templates import compile_template

    source = english.get(block.id)
    if source is None:
        problems.append(Problem(block.line, f"'{block.id}' is not a patient text of {document_id}"))
        return None
    given = dict(block.fields)
    if block.steps:
        given["step"] = (block.steps[0][0], block.steps[0][1])
    if source_hash(source) != block.source:
        return TextTranslation(STALE, {})  # the English changed: its fields and findings may have changed too
    before = len(problems)
    for key, (_value, line) in given.items():
        if key not in source:
            known = ", ".join(source)
            problems.append(Problem(line, f"{block.id}: unknown field '{key}' (it translates: {known})"))
    compiled: dict[str, Any] = {}
    for key, text in source.items():
        if key == "step":
            if len(block.steps) != len(text):
                problems.append(
                    Problem(block.line, f"{block.id}: {len(block.steps)} steps, the English has {len(text)}")
                )
                continue
            pairs = [(english_step, *step) for english_step, step in zip(text, block.steps, strict=True)]
        elif key not in block.fields:
            problems.append(Problem(block.line, f"{block.id}: field '{key}' is not translated"))
            continue
        else:
            pairs = [(str(text), *block.fields[key])]
        templates = []
        for english_text, translated, line in pairs:
            template = compile_template(translated, kinds)
            original = compile_template(english_text, kinds)
            if isinstance(template, str):
                problems.append(Problem(line, f"{key}: {template}"))
            elif not translated.strip():
                problems.append(Problem(line, f"{key}: the translation is empty"))
            elif not isinstance(original, str) and _shape(template) != _shape(original):
                problems.append(
                    Problem(
                        line,
                        f"{key}: inserts {_describe(template)} where the English inserts {_describe(original)} "
                        "(the same findings and optional segments, in the same order of segments)",
                    )
                )
            else:
                templates.append(template)
        compiled[key] = tuple(templates) if key == "step" else (templates[0] if templates else None)
    if len(problems) > before:
        return None
    return TextTranslation(TRANSLATED, compiled)


def _shape(template: Template) -> tuple[Any, ...]:
    """What a template inserts: its findings outside segments, then each segment's findings, guards and
    conditions (``{?not dvt}``: a translation that changed or dropped one would print a sentence under other
    conditions than the English, for example advice meant for a patient without a clot to one with it)."""
    from planner.library.templates import SEGMENT_MARK

    direct = sorted(name for name in template.parts[1::2] if not name.startswith(SEGMENT_MARK))
    segments = [
        (sorted(segment.parts[1::2]), sorted(segment.guards), [" ".join(test.text.split()) for test in segment.tests])
        for segment in template.segments
    ]
    return (direct, segments)


def _describe(template: Template) -> str:
    direct, segments = _shape(template)
    parts = [f"{{{name}}}" for name in direct]
    parts += [
        "[[" + " ".join([*(f"{{{n}}}" for n in names), *(f"{{?{g}}}" for g in [*guards, *tests])]) + "]]"
        for names, guards, tests in segments
    ]
    return ", ".join(parts) or "nothing"


def untranslated(
    translations: Translations, documents: Iterable[ParsedDocument], language: str
) -> dict[str, list[str]]:
    """Per document, the patient texts with no usable translation in ``language`` (none written, or in a file
    with errors): they print in English, marked as missing, so ``planner docs check`` lists them."""
    have = translations.texts.get(language, {})
    out: dict[str, list[str]] = {}
    for document in documents:
        missing = [block_id for block_id in source_texts(document) if block_id not in have]
        if missing:
            out[document.id] = missing
    return out


def translations_dir() -> Path:
    from planner.paths import shipped_documents_dir

    return shipped_documents_dir() / "translations"


def read_translation_file(path: Path) -> ParsedTranslation:
    """A translation file, read like a document file (size-limited, UTF-8); problems kept in the result."""
    from planner.input_files import InputFileError, read_limited

    try:
        data = read_limited(path, MAX_TRANSLATION_BYTES)
        text = data.decode("utf-8")
    except InputFileError as exc:
        return ParsedTranslation("", "", str(path), [], [Problem(0, str(exc))])
    except UnicodeDecodeError as exc:
        return ParsedTranslation("", "", str(path), [], [Problem(0, f"is not UTF-8 text (byte {exc.start})")])
    return parse_translation(text, f"{path.parent.name}/{path.name}")


def read_shipped_translations() -> list[ParsedTranslation]:
    folder = translations_dir()
    return [read_translation_file(path) for path in sorted(folder.glob("*/*.md"))] if folder.is_dir() else []


def raise_problems(translations: Translations) -> None:
    """For ``planner docs check`` and the tests: the first file with problems as a DocumentError (with lines)."""
    for origin, problems in sorted(translations.problems.items()):
        raise DocumentError(origin, problems)


def translation_skeleton(document: ParsedDocument, language: str, existing: ParsedTranslation | None = None) -> str:
    """A translation file for ``document`` to fill in: every patient text in English with its ``source:``
    hash; blocks already translated (and not stale) and ``values`` blocks are kept as they are."""
    english = source_texts(document)
    kept = {block.id: block for block in (existing.blocks if existing else [])}
    lines = ["---", f"document: {document.id}", f"language: {language}", "---", ""]
    for values in existing.values if existing else ():
        lines.append(f"::: values {values.finding}")
        lines += [f"{english_value} => {translated}" for english_value, translated in values.values.items()]
        lines += [":::", ""]
    for block_id, texts in english.items():
        digest = source_hash(texts)
        lines.append(f"::: translation {block_id}")
        lines.append(f"source: {digest}")
        old = kept.get(block_id)
        if old is not None and old.source == digest:
            for key, (value, _line) in old.fields.items():
                lines.append(f"{key}: {value}")
            lines += [f"step: {value}" for value, _line in old.steps]
        else:
            for key, written in texts.items():
                lines += [f"{key}: {text}" for text in (written if isinstance(written, list) else [written])]
        lines += [":::", ""]
    return "\n".join(lines)
