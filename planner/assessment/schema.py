"""JSON Schemas of the two public formats, lsp-assessment/1 and lsp-careplan/1.

The assessment schema is the validator's first pass (so the published schema can never drift from what the
planner accepts); rules a schema cannot state well (dates relative to the assessment date, both legs measured
at the same number of points) are checked after it in ``validate.py``.
"""

from __future__ import annotations

from typing import Any

from planner.engine.vocabulary import MUSCLE_GROUPS

ASSESSMENT_FORMAT = "lsp-assessment/1"
CAREPLAN_FORMAT = "lsp-careplan/1"

ETIOLOGIES = ("neoplastic", "radiation", "idiopathic", "diabetic", "entrapment", "traumatic", "postsurgical", "unknown")
SIDES_AFFECTED = ("left", "right", "bilateral")
TRAUMA_TYPES = ("blunt", "penetrating", "open", "rupture")
SEXES = ("female", "male", "other", "unknown")
JPS_VALUES = ("normal", "impaired", "absent")
AMBULATION = ("independent", "device", "assisted", "non_ambulatory")
ADL_LEVELS = ("independent", "needs_help", "unable")
ADL_FIELDS = ("sit_to_stand", "standing_transfer", "lower_body_dressing", "bathing")
HISTORY_DATES = ("onset", "radiation_completed_on", "trauma_on", "surgery_on")
HISTORY_FLAGS = ("palliative", "mri_contraindicated", "dvt", "arterial_insufficiency", "infection")
IMPLANTED_DEVICES = ("pacemaker", "defibrillator", "neurostimulator", "other")
"""Implanted electronic devices (history.implanted_devices): TENS and MRI both ask about them."""
DVT_SIDES = ("left", "right", "bilateral")
"""Leg of a recorded acute DVT (history.dvt_side): compression of the other leg need not wait for it."""
PREGNANCY = ("no", "pregnant", "breastfeeding")
"""Pregnancy or breastfeeding (history.pregnancy): the drug and procedure guidance is written for neither."""
ENTRAPMENT_SITES = ("piriformis", "other")
"""Suspected entrapment site (history.entrapment_site): piriformis (the sciatic nerve at the piriformis) or other."""
NEUROPATHIC_AGENTS = ("tricyclic", "ssri", "snri", "gabapentin", "pregabalin", "lidocaine_patch", "capsaicin", "other")
"""Agents for neuropathic pain already tried (pain.neuropathic_agents_tried), so refractory pain is recorded."""
PATIENT_LANGUAGES = ("en", "es")
"""Languages the patient's handout can be printed in (patient.language; absent: English)."""
SYMPTOMS = ("numbness", "paresthesia", "allodynia", "bowel_bladder_change", "saddle_numbness")
SECTION_KEYS = ("pt", "ot", "orthosis", "lymphedema", "analgesia", "medical", "monitoring")

_DATE = {"type": "string", "format": "date"}
_TEXT200 = {"type": "string", "maxLength": 200}


def _set_of(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": list(values)}, "uniqueItems": True}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


_GRADE = {"type": "integer", "minimum": 0, "maximum": 5}
_SIDES_GRADE = _object({"left": _nullable(_GRADE), "right": _nullable(_GRADE)})
_CIRCUMFERENCES = {
    "type": "array",
    "minItems": 2,
    "items": {"type": "number", "minimum": 5, "maximum": 150},
}

ASSESSMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:lsp-planner:lsp-assessment/1",
    "title": "Lumbosacral plexopathy assessment (lsp-assessment/1)",
    **_object(
        {
            "format": {"const": ASSESSMENT_FORMAT},
            "patient": _object(
                {
                    "id": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                    "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                    "birth_date": _nullable(_DATE),
                    "sex": _nullable({"enum": list(SEXES)}),
                    "language": _nullable({"enum": list(PATIENT_LANGUAGES)}),
                },
                ("id", "name"),
            ),
            "assessed_on": _DATE,
            "assessor": _nullable(_TEXT200),
            "history": _object(
                {
                    "etiology": {"enum": list(ETIOLOGIES)},
                    "affected_side": {"enum": list(SIDES_AFFECTED)},
                    **{name: _nullable(_DATE) for name in HISTORY_DATES},
                    "malignancy": _nullable({"type": "string", "maxLength": 200}),
                    "trauma_type": _nullable({"enum": list(TRAUMA_TYPES)}),
                    **{name: _nullable({"type": "boolean"}) for name in HISTORY_FLAGS},
                    "creatinine_clearance_ml_min": _nullable({"type": "number", "minimum": 0, "maximum": 200}),
                    "implanted_devices": _nullable(_set_of(IMPLANTED_DEVICES)),
                    "entrapment_site": _nullable({"enum": list(ENTRAPMENT_SITES)}),
                    "dvt_side": _nullable({"enum": list(DVT_SIDES)}),
                    "pregnancy": _nullable({"enum": list(PREGNANCY)}),
                },
                ("etiology", "affected_side"),
            ),
            "strength": _object({group: _SIDES_GRADE for group in MUSCLE_GROUPS}),
            "joint_position_sense": _object(
                {"left": _nullable({"enum": list(JPS_VALUES)}), "right": _nullable({"enum": list(JPS_VALUES)})}
            ),
            "symptoms": _object({name: _nullable({"type": "boolean"}) for name in SYMPTOMS}),
            "pain": _object(
                {
                    "nrs": {"type": "integer", "minimum": 0, "maximum": 10},
                    "acute": _nullable({"type": "boolean"}),
                    "neuropathic": _nullable({"type": "boolean"}),
                    "sites": _nullable(
                        {"type": "array", "items": {"type": "string", "maxLength": 100}, "maxItems": 20}
                    ),
                    "current_ladder_step": _nullable({"type": "integer", "minimum": 0, "maximum": 3}),
                    "pregabalin_mg_day": _nullable({"type": "number", "minimum": 0, "maximum": 1200}),
                    "neuropathic_agents_tried": _nullable(_set_of(NEUROPATHIC_AGENTS)),
                },
                ("nrs",),
            ),
            "lymphedema": _object(
                {
                    "present": {"type": "boolean"},
                    "side": _nullable({"enum": list(SIDES_AFFECTED)}),
                    "phase": _nullable({"enum": ["reduction", "maintenance"]}),
                    "limb_shape": _nullable({"enum": ["regular", "irregular"]}),
                    "interval_cm": _nullable({"type": "number", "minimum": 1, "maximum": 20}),
                    "circumferences_cm": _nullable(
                        _object({"left": _CIRCUMFERENCES, "right": _CIRCUMFERENCES}, ("left", "right"))
                    ),
                },
                ("present",),
            ),
            "function": _object(
                {
                    "ambulation": _nullable({"enum": list(AMBULATION)}),
                    **{name: _nullable({"enum": list(ADL_LEVELS)}) for name in ADL_FIELDS},
                    "falls_past_3_months": _nullable({"type": "integer", "minimum": 0, "maximum": 100}),
                }
            ),
        },
        ("format", "patient", "assessed_on", "history", "strength", "pain"),
    ),
}

_EVIDENCE = _object(
    {
        "document": {"type": "string"},
        "document_id": {"type": "string"},
        "version": {"type": "string"},
        "section": {"type": "string"},
        "text": {"type": "string"},
    },
    ("document", "section", "text"),
)
_EVIDENCE_LIST = {"type": "array", "minItems": 1, "items": _EVIDENCE}

_TRANSLATION = {
    "type": "object",
    "required": ["language", "status"],
    "properties": {
        "language": {"enum": list(PATIENT_LANGUAGES)},
        "status": {"enum": ["translated", "stale", "missing"]},
    },
}
"""A patient text in the patient's language, beside the English (see docs/careplan-additions.md)."""

_ITEM_PROPERTIES: dict[str, Any] = {
    "id": {"type": "string"},
    "title": {"type": "string"},
    "detail": {"type": "string"},
    "handout": {"type": "string"},
    "source": {"enum": ["document", "clinician"]},
    "evidence": _EVIDENCE_LIST,
    "due_on": _DATE,
    "due_until": _DATE,
    "due_rule": {"type": "string"},
    "translation": _TRANSLATION,
}

_DOSAGE = {
    "type": ["object", "null"],
    "properties": {
        **{
            name: {"type": ["integer", "null"], "minimum": 0}
            for name in ("sets", "reps", "hold_seconds", "rest_seconds", "minutes", "times", "every_minutes")
        },
        "per": {"enum": ["day", "week", None]},
        "text": {"type": "string"},
    },
}
_CATALOGUE_ENTRY: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "purpose", "instructions", "illustration", "evidence"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "category": {"type": "string"},
        "purpose": {"type": "string"},
        "instructions": {"type": "array", "items": {"type": "string"}},
        "dosage": _DOSAGE,
        "progression": {"type": "array", "items": {"type": "string"}},
        "regression": {"type": "array", "items": {"type": "string"}},
        "groups": {"type": "array", "items": {"enum": list(MUSCLE_GROUPS)}},
        "precautions": {"type": "string"},
        "detail": {"type": "string"},
        "illustration": {"type": "string"},
        "screen": {"type": "array", "items": {"type": "string"}},
        "evidence": _EVIDENCE_LIST,
        "translation": _TRANSLATION,
    },
}
"""An exercise or an equipment item of the plan (an addition to lsp-careplan/1, see docs/careplan-additions.md)."""

_SERIES = {"type": "array"}
_PROGRESS: dict[str, Any] = {
    "type": "object",
    "required": ["dates", "strength", "pain_nrs", "excess_volume_percent", "ambulation", "falls_past_3_months"],
    "properties": {
        "dates": {"type": "array", "minItems": 2, "items": _DATE},
        "strength": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["group", "side", "mrc"],
                "properties": {
                    "group": {"enum": list(MUSCLE_GROUPS)},
                    "side": {"enum": ["left", "right"]},
                    "mrc": {"type": "array", "items": {"type": ["integer", "null"], "minimum": 0, "maximum": 5}},
                    "change_since_previous": {"type": ["integer", "null"]},
                    "change_since_first": {"type": ["integer", "null"]},
                },
            },
        },
        "pain_nrs": _SERIES,
        "excess_volume_percent": _SERIES,
        "ambulation": _SERIES,
        "falls_past_3_months": _SERIES,
        "onset": {"anyOf": [_DATE, {"type": "null"}]},
        "recovery_window_months": {"type": ["object", "null"]},
    },
}

CAREPLAN_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:lsp-planner:lsp-careplan/1",
    "title": "Lumbosacral plexopathy care plan (lsp-careplan/1)",
    "type": "object",
    "required": ["format", "patient", "assessed_on", "findings", "alerts", "sections"],
    "properties": {
        "format": {"const": CAREPLAN_FORMAT},
        "patient": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        },
        "assessed_on": _DATE,
        "library_version": {"type": "string"},
        "language": {"enum": list(PATIENT_LANGUAGES)},
        "findings": {
            "type": "object",
            "properties": {
                "weak_groups": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["group", "side", "mrc", "nerve", "roots", "region"],
                        "properties": {
                            "group": {"enum": list(MUSCLE_GROUPS)},
                            "side": {"enum": ["left", "right"]},
                            "mrc": {"type": "integer", "minimum": 0, "maximum": 5},
                            "nerve": {"type": "string"},
                            "roots": {"type": "string"},
                            "region": {"enum": ["proximal", "distal"]},
                        },
                    },
                },
                "distribution": {"enum": ["none", "proximal", "distal", "mixed"]},
            },
        },
        "alerts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["level", "text", "evidence"],
                "properties": {
                    "id": {"type": "string"},
                    "level": {"enum": ["urgent", "caution", "info"]},
                    "text": {"type": "string"},
                    "detail": {"type": "string"},
                    "evidence": _EVIDENCE_LIST,
                },
            },
        },
        "sections": {
            "type": "array",
            "minItems": len(SECTION_KEYS),
            "maxItems": len(SECTION_KEYS),
            "prefixItems": [
                {
                    "type": "object",
                    "required": ["key", "title", "items"],
                    "properties": {
                        "key": {"const": key},
                        "title": {"type": "string"},
                        "items": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "title", "evidence"],
                                "properties": _ITEM_PROPERTIES,
                            },
                        },
                    },
                }
                for key in SECTION_KEYS
            ],
        },
        "progress": _PROGRESS,
        "exercises": {"type": "array", "items": _CATALOGUE_ENTRY},
        "equipment": {"type": "array", "items": _CATALOGUE_ENTRY},
        "held": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "section", "title", "reason", "evidence"],
                "properties": {
                    "id": {"type": "string"},
                    "section": {"enum": [*SECTION_KEYS, "exercises", "equipment"]},
                    "title": {"type": "string"},
                    "reason": {"type": "string"},
                    "screen": {"type": "array", "items": {"type": "string"}},
                    "evidence": _EVIDENCE_LIST,
                },
            },
        },
        "screens": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["reasons", "evidence"],
                "properties": {"reasons": {"type": "array", "items": {"type": "string"}}, "evidence": _EVIDENCE_LIST},
            },
        },
        "handout": {
            "type": "object",
            "properties": {
                "urgent": {"type": "array"},
                "preface": {"type": "array"},
                "checklist": {"type": "array"},
                "call": {"type": "array"},
            },
        },
    },
}


def schema_for(name: str) -> dict[str, Any]:
    return {"assessment": ASSESSMENT_SCHEMA, "careplan": CAREPLAN_SCHEMA}[name]
