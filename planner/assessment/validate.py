"""Validation of lsp-assessment/1 documents, with messages that name the field and the rule.

Two passes: the published JSON Schema (types, ranges, enumerations, unknown keys), then the rules that
relate fields to each other. Every problem found is reported at once, so a therapist fixing a file sees
the whole list rather than one error per attempt.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from planner.assessment.schema import ASSESSMENT_FORMAT, ASSESSMENT_SCHEMA, HISTORY_DATES
from planner.errors import AssessmentError, FieldIssue

MAX_ASSESSMENT_BYTES = 1024 * 1024


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def _is_date(value: object) -> bool:
        if not isinstance(value, str):
            return True
        date.fromisoformat(value)
        return len(value) == 10

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
            FieldIssue(f"{field}.{name}" if field else name, f"unknown field (known here: {known})") for name in extra
        ]
    if error.validator == "uniqueItems":
        return [FieldIssue(field, "must not list the same value twice")]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return [FieldIssue(f"{field}.{missing}" if field else missing, "is required")]
    if error.validator == "anyOf":
        # Nullable fields: report the rule of the non-null branch, down to the innermost field.
        branch = next(i for i, s in enumerate(schema["anyOf"]) if s.get("type") != "null")
        inner = [e for e in error.context or () if e.relative_schema_path[0] == branch]
        if inner and any(e.absolute_path != error.absolute_path or e.validator != "type" for e in inner):
            return [issue for e in inner for issue in _describe(e)]
        schema = schema["anyOf"][branch]
    return [_rule_for(field, schema, error.instance)]


def _rule_for(field: str, schema: dict[str, Any], instance: Any) -> FieldIssue:
    if "const" in schema:
        return FieldIssue(field, f"must be exactly '{schema['const']}'")
    if "enum" in schema:
        return FieldIssue(field, f"must be one of: {', '.join(map(str, schema['enum']))} (got {instance!r})")
    kind = schema.get("type")
    if kind == "integer":
        return FieldIssue(field, _range_rule("a whole number", schema, instance))
    if kind == "number":
        return FieldIssue(field, _range_rule("a number", schema, instance))
    if kind == "boolean":
        return FieldIssue(field, f"must be true or false (got {instance!r})")
    if kind == "string" and schema.get("format") == "date":
        return FieldIssue(field, f"must be a date written YYYY-MM-DD (got {instance!r})")
    if kind == "string":
        if not isinstance(instance, str):
            return FieldIssue(field, f"must be text (got {instance!r})")
        if len(instance) > schema.get("maxLength", len(instance)):
            return FieldIssue(field, f"must be at most {schema['maxLength']} characters")
        return FieldIssue(field, "must not be empty")
    if kind == "array":
        if not isinstance(instance, list):
            return FieldIssue(field, "must be a list")
        if "minItems" in schema and len(instance) < schema["minItems"]:
            return FieldIssue(field, f"needs at least {schema['minItems']} values")
        return FieldIssue(field, f"must have at most {schema.get('maxItems')} values")
    if kind == "object":
        return FieldIssue(field, "must be an object ({...})")
    return FieldIssue(field, "is not valid here")


def _range_rule(what: str, schema: dict[str, Any], instance: Any) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    bounds = f" from {low} to {high}" if low is not None and high is not None else ""
    return f"must be {what}{bounds} (got {instance!r})"


def validate_assessment(data: Any, *, today: date | None = None, origin: str | None = None) -> dict[str, Any]:
    """Return ``data`` unchanged if it follows lsp-assessment/1, else raise AssessmentError listing issues."""
    if not isinstance(data, dict):
        raise AssessmentError([FieldIssue("", "an assessment must be a JSON object")], origin)
    if data.get("format") != ASSESSMENT_FORMAT:
        raise AssessmentError([FieldIssue("format", f"must be exactly '{ASSESSMENT_FORMAT}'")], origin)
    issues = [issue for error in _validator().iter_errors(data) for issue in _describe(error)]
    if not issues:
        issues = _cross_field_issues(data, today or date.today())
    if issues:
        unique = list(dict.fromkeys(issues))
        raise AssessmentError(sorted(unique, key=lambda i: i.field), origin)
    return data


def _cross_field_issues(data: dict[str, Any], today: date) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    assessed = date.fromisoformat(data["assessed_on"])
    if assessed > today:
        issues.append(FieldIssue("assessed_on", f"must not be in the future (today is {today.isoformat()})"))
    birth = data["patient"].get("birth_date")
    if birth and date.fromisoformat(birth) > assessed:
        issues.append(FieldIssue("patient.birth_date", "must not be after assessed_on"))
    history = data["history"]
    for name in HISTORY_DATES:
        value = history.get(name)
        if value and date.fromisoformat(value) > assessed:
            issues.append(FieldIssue(f"history.{name}", "must not be after assessed_on"))
    if history.get("dvt_side") and not history.get("dvt"):
        issues.append(FieldIssue("history.dvt_side", "is recorded only with an acute DVT (history.dvt true)"))
    lymphedema = data.get("lymphedema")
    if lymphedema and lymphedema.get("present"):
        for name in ("side", "phase"):
            if not lymphedema.get(name):
                issues.append(FieldIssue(f"lymphedema.{name}", "is required when lymphedema.present is true"))
    circumferences = (lymphedema or {}).get("circumferences_cm")
    if circumferences:
        if len(circumferences["left"]) != len(circumferences["right"]):
            issues.append(
                FieldIssue("lymphedema.circumferences_cm", "left and right must have the same number of measurements")
            )
        if not lymphedema.get("interval_cm"):
            issues.append(FieldIssue("lymphedema.interval_cm", "is required when circumferences are given"))
    return issues


def validate_patient(patient: dict[str, Any]) -> dict[str, Any]:
    """The patient part alone (for the patient dialog), by the same schema and messages."""
    from jsonschema import Draft202012Validator

    schema = ASSESSMENT_SCHEMA["properties"]["patient"]
    cleaned = {k: v for k, v in patient.items() if v is not None}
    issues = [
        FieldIssue(f"patient.{issue.field}" if issue.field else "patient", issue.rule)
        for error in Draft202012Validator(schema, format_checker=_validator().format_checker).iter_errors(cleaned)
        for issue in _describe(error)
    ]
    if issues:
        raise AssessmentError(list(dict.fromkeys(issues)))
    return cleaned


def parse_assessment_text(text: str, origin: str | None = None, *, today: date | None = None) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AssessmentError(
            [FieldIssue("", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")], origin
        ) from None
    return validate_assessment(data, today=today, origin=origin)


def load_assessment_file(path: Path, *, today: date | None = None) -> dict[str, Any]:
    origin = str(path)
    try:
        if path.stat().st_size > MAX_ASSESSMENT_BYTES:
            raise AssessmentError([FieldIssue("", "file is larger than 1 MiB")], origin)
        raw = path.read_bytes()
    except OSError as exc:
        raise AssessmentError([FieldIssue("", f"cannot be read: {exc.strerror or exc}")], origin) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AssessmentError([FieldIssue("", "is not UTF-8 text")], origin) from None
    return parse_assessment_text(text, origin, today=today)
