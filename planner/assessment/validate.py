"""Validation of lsp-assessment/1 documents, with messages that name the field and the rule.

Two passes: the published JSON Schema (types, ranges, enumerations, unknown keys), then the rules that
relate fields to each other. Every problem found is reported at once, so a therapist fixing a file sees
the whole list rather than one error per attempt.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from planner.assessment.json_input import MAX_DEPTH, Duplicated, JSONInputError, Refused, loads
from planner.assessment.schema import ASSESSMENT_FORMAT, ASSESSMENT_SCHEMA, HISTORY_DATES
from planner.dates import is_calendar_date, parse_date
from planner.errors import AssessmentError, FieldIssue
from planner.input_files import InputFileError, read_limited, read_stream

MAX_ASSESSMENT_BYTES = 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())

    @checker.checks("date")
    def _is_date(value: object) -> bool:
        return not isinstance(value, str) or is_calendar_date(value)

    return Draft202012Validator(ASSESSMENT_SCHEMA, format_checker=checker)


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(error: Any) -> list[FieldIssue]:
    """Turn one jsonschema error into 'field: rule' in the words of the format's rules table."""
    field = _path(error.absolute_path)
    schema = error.schema
    if error.validator == "additionalProperties":
        known = ", ".join(schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(schema.get("properties", {})))
        return [
            FieldIssue(f"{field}.{name}" if field else name, f"unknown field (known here: {known})", "unknown_field")
            for name in extra
        ]
    if error.validator == "uniqueItems":
        return [FieldIssue(field, "must not list the same value twice", "unique")]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return [FieldIssue(f"{field}.{missing}" if field else missing, "is required", "required")]
    if error.validator == "anyOf":
        # Nullable fields: report the rule of the non-null branch, down to the innermost field.
        branch = next(i for i, s in enumerate(schema["anyOf"]) if s.get("type") != "null")
        inner = [e for e in error.context or () if e.relative_schema_path[0] == branch]
        if inner and any(e.absolute_path != error.absolute_path or e.validator != "type" for e in inner):
            return [issue for e in inner for issue in _describe(e)]
        schema = schema["anyOf"][branch]
    return [_rule_for(field, schema, error.instance)]


def _rule_for(field: str, schema: dict[str, Any], instance: Any) -> FieldIssue:
    got = (("got", _hashable(instance)),)
    if "const" in schema:
        return FieldIssue(field, f"must be exactly '{schema['const']}'", "const", (("value", schema["const"]),))
    if "enum" in schema:
        choices = tuple(schema["enum"])
        rule = f"must be one of: {', '.join(map(str, choices))} (got {instance!r})"
        return FieldIssue(field, rule, "choice", (("choices", choices), *got))
    kind = schema.get("type")
    if kind in ("integer", "number"):
        what = "a whole number" if kind == "integer" else "a number"
        bounds = (("low", schema.get("minimum")), ("high", schema.get("maximum")))
        return FieldIssue(field, _range_rule(what, schema, instance), kind, (*bounds, *got))
    if kind == "boolean":
        return FieldIssue(field, f"must be true or false (got {instance!r})", "boolean", got)
    if kind == "string" and schema.get("format") == "date":
        return FieldIssue(field, f"must be a date written YYYY-MM-DD (got {instance!r})", "date", got)
    if kind == "string":
        if not isinstance(instance, str):
            return FieldIssue(field, f"must be text (got {instance!r})", "text", got)
        if len(instance) > schema.get("maxLength", len(instance)):
            limit = schema["maxLength"]
            return FieldIssue(field, f"must be at most {limit} characters", "too_long", (("limit", limit),))
        return FieldIssue(field, "must not be empty", "empty")
    if kind == "array":
        if not isinstance(instance, list):
            return FieldIssue(field, "must be a list", "list")
        if "minItems" in schema and len(instance) < schema["minItems"]:
            count = schema["minItems"]
            return FieldIssue(field, f"needs at least {count} values", "too_few", (("count", count),))
        count = schema.get("maxItems")
        return FieldIssue(field, f"must have at most {count} values", "too_many", (("count", count),))
    if kind == "object":
        return FieldIssue(field, "must be an object ({...})", "object")
    return FieldIssue(field, "is not valid here", "invalid")


def _natural(field: str) -> list[Any]:
    """Sort key putting 'left[2]' before 'left[10]'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", field)]


def _range_rule(what: str, schema: dict[str, Any], instance: Any) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    bounds = f" from {low} to {high}" if low is not None and high is not None else ""
    return f"must be {what}{bounds} (got {instance!r})"


def value_issues(value: Any, field: str = "", depth: int = 0) -> list[FieldIssue]:
    """What no field of the format can hold, wherever it stands: numbers that are not finite (NaN, Infinity)
    or absurdly long, keys given twice, text with unpaired surrogates (which no file encoding can write),
    nesting beyond the bound. Checked before the schema, whose messages would quote such values."""
    if depth > MAX_DEPTH:
        return [FieldIssue(field, f"nested more than {MAX_DEPTH} levels deep")]
    if isinstance(value, Refused):
        return [FieldIssue(field, value.rule)]
    if isinstance(value, float) and not math.isfinite(value):
        return [FieldIssue(field, f"{value!r} is not a number the format allows (numbers must be finite)")]
    if isinstance(value, str):
        if _SURROGATE.search(value):
            return [FieldIssue(field, "contains an unpaired surrogate code (such as \\ud800), which is not text")]
        return []
    issues: list[FieldIssue] = []
    if isinstance(value, dict):
        for key in value.duplicates if isinstance(value, Duplicated) else ():
            issues.append(FieldIssue(_join(field, key), "is given twice (each field may appear once in an object)"))
        for key, item in value.items():
            if isinstance(key, str) and _SURROGATE.search(key):
                issues.append(FieldIssue(field, "has a field name with an unpaired surrogate code, which is not text"))
                continue
            issues += value_issues(item, _join(field, str(key)), depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            issues += value_issues(item, f"{field}[{index}]", depth + 1)
    return issues


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _hashable(value: Any) -> Any:
    """A value as an issue can hold it (issues are compared and de-duplicated)."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


def validate_assessment(data: Any, *, today: date | None = None, origin: str | None = None) -> dict[str, Any]:
    """Return ``data`` unchanged if it follows lsp-assessment/1, else raise AssessmentError listing issues."""
    if not isinstance(data, dict):
        raise AssessmentError([FieldIssue("", "an assessment must be a JSON object")], origin)
    broken = value_issues(data)
    if broken:
        raise AssessmentError(list(dict.fromkeys(broken)), origin)
    if data.get("format") != ASSESSMENT_FORMAT:
        raise AssessmentError([FieldIssue("format", f"must be exactly '{ASSESSMENT_FORMAT}'")], origin)
    issues = [issue for error in _validator().iter_errors(data) for issue in _describe(error)]
    if not issues:
        issues = _cross_field_issues(data, today or date.today())
    if issues:
        unique = list(dict.fromkeys(issues))
        raise AssessmentError(sorted(unique, key=lambda i: _natural(i.field)), origin)
    return data


def _cross_field_issues(data: dict[str, Any], today: date) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    assessed = parse_date(data["assessed_on"])
    if assessed > today:
        rule = f"must not be in the future (today is {today.isoformat()})"
        issues.append(FieldIssue("assessed_on", rule, "future", (("today", today.isoformat()),)))
    after = (("other", "assessed_on"), ("date", assessed.isoformat()))
    birth = data["patient"].get("birth_date")
    if birth and parse_date(birth) > assessed:
        issues.append(FieldIssue("patient.birth_date", "must not be after assessed_on", "after", after))
    history = data["history"]
    for name in HISTORY_DATES:
        value = history.get(name)
        if value and parse_date(value) > assessed:
            issues.append(FieldIssue(f"history.{name}", "must not be after assessed_on", "after", after))
    if history.get("dvt_side") and not history.get("dvt"):
        rule = "is recorded only with an acute DVT (history.dvt true)"
        issues.append(FieldIssue("history.dvt_side", rule, "only_with", (("other", "history.dvt"),)))
    if history.get("pregnancy") in ("pregnant", "breastfeeding") and data["patient"].get("sex") == "male":
        rule = f"is '{history['pregnancy']}' while patient.sex is 'male': check which of the two is wrong"
        issues.append(FieldIssue("history.pregnancy", rule, "conflict", (("other", "patient.sex"),)))
    lymphedema = data.get("lymphedema") or {}
    if lymphedema.get("present"):
        for name in ("side", "phase"):
            if not lymphedema.get(name):
                rule = "is required when lymphedema.present is true"
                issues.append(
                    FieldIssue(f"lymphedema.{name}", rule, "required_when", (("other", "lymphedema.present"),))
                )
    circumferences = lymphedema.get("circumferences_cm")
    if circumferences:
        if len(circumferences["left"]) != len(circumferences["right"]):
            rule = "left and right must have the same number of measurements"
            issues.append(FieldIssue("lymphedema.circumferences_cm", rule, "same_count"))
        if not lymphedema.get("interval_cm"):
            rule = "is required when circumferences are given"
            other = (("other", "lymphedema.circumferences_cm"),)
            issues.append(FieldIssue("lymphedema.interval_cm", rule, "required_when", other))
    return issues


def validate_patient(patient: dict[str, Any]) -> dict[str, Any]:
    """The patient part alone (for the patient dialog), by the same schema and messages."""
    from jsonschema import Draft202012Validator

    schema = ASSESSMENT_SCHEMA["properties"]["patient"]
    cleaned = {k: v for k, v in patient.items() if v is not None}
    broken = value_issues(cleaned, "patient")
    if broken:
        raise AssessmentError(broken)
    issues = [
        FieldIssue(f"patient.{issue.field}" if issue.field else "patient", issue.rule, issue.code, issue.params)
        for error in Draft202012Validator(schema, format_checker=_validator().format_checker).iter_errors(cleaned)
        for issue in _describe(error)
    ]
    if issues:
        raise AssessmentError(list(dict.fromkeys(issues)))
    return cleaned


def parse_assessment_text(text: str, origin: str | None = None, *, today: date | None = None) -> dict[str, Any]:
    try:
        data = loads(text)
    except JSONInputError as exc:
        raise AssessmentError([FieldIssue("", str(exc))], origin) from None
    return validate_assessment(data, today=today, origin=origin)


def _parse_bytes(raw: bytes, origin: str, today: date | None) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AssessmentError([FieldIssue("", f"is not UTF-8 text (byte {exc.start})")], origin) from None
    return parse_assessment_text(text, origin, today=today)


def load_assessment_file(path: Path, *, today: date | None = None) -> dict[str, Any]:
    """Read and validate the file at ``path``: a regular file or a pipe, at most 1 MiB (a folder or device is
    refused before anything is read)."""
    origin = str(path)
    try:
        raw = read_limited(path, MAX_ASSESSMENT_BYTES)
    except InputFileError as exc:
        raise AssessmentError([FieldIssue("", str(exc))], origin) from None
    return _parse_bytes(raw, origin, today)


def load_assessment_stream(stream: BinaryIO, origin: str, *, today: date | None = None) -> dict[str, Any]:
    """Read and validate an assessment from a stream (standard input), at most 1 MiB of it."""
    try:
        raw = read_stream(stream, MAX_ASSESSMENT_BYTES)
    except InputFileError as exc:
        raise AssessmentError([FieldIssue("", str(exc))], origin) from None
    return _parse_bytes(raw, origin, today)
