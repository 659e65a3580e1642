"""The assessment form's fields, declared once: path, label (with its mnemonic), kind and limits.

The editor lays its pages out from these tuples, the binder names each widget from them, and the problems
panel words a validation issue with the same labels ("Left leg, point 2: enter a circumference between 5 and
150 cm"), while the command line keeps the format's paths. To add a field, add one ``Field`` to the group it
belongs to (and to the format); nothing else names it.

Qt-free: this module is a table and the words built from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from planner.assessment.schema import (
    ADL_FIELDS,
    ADL_LEVELS,
    AMBULATION,
    DVT_SIDES,
    ENTRAPMENT_SITES,
    ETIOLOGIES,
    HISTORY_FLAGS,
    IMPLANTED_DEVICES,
    JPS_VALUES,
    NEUROPATHIC_AGENTS,
    PATIENT_LANGUAGES,
    PREGNANCY,
    SEXES,
    SIDES_AFFECTED,
    SYMPTOMS,
    TRAUMA_TYPES,
)
from planner.dates import EXAMPLE, DateError, format_date, read_typed_date
from planner.engine.vocabulary import MUSCLE_GROUPS, SIDES
from planner.errors import FieldIssue

TEXT, DATE, CHOICE, NUMBER, COUNT, FLAG, LIST = "text", "date", "choice", "number", "count", "flag", "list"
CHOICES = "choices"
"""A list whose members come from ``values``: one check box each (nothing ticked: not recorded)."""

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the form. ``text`` is the label as the form shows it, '&' before its mnemonic letter."""

    path: Path
    text: str
    kind: str
    values: tuple[Any, ...] = ()
    labels: tuple[str, ...] = ()  # how each value of a choice (or choices) is shown (default: the value in words)
    placeholder: str = ""
    low: float | None = None  # bounds of a number or count, as the format sets them (for the messages)
    high: float | None = None
    unit: str = ""  # "cm", "mL/min": said after the bounds
    noun: str = ""  # "a circumference": what to enter, in a range message
    required: bool = False  # the format requires it; the form never fills it in for the clinician
    blank: str = "—"  # what a choice or count shows when nothing is recorded
    item: str = "item"  # a list's element, in messages ("point 2")
    when: str = ""  # for a field others depend on: "“Lymphedema present” is ticked"

    @property
    def label(self) -> str:
        return self.text.replace("&&", "\0").replace("&", "").replace("\0", "&")

    @property
    def key(self) -> str:
        return ".".join(self.path)

    def value_text(self, value: Any) -> str:
        if value in self.values and self.labels:
            return self.labels[self.values.index(value)]
        return str(value).replace("_", " ")


FLAG_LABELS = {
    "palliative": "Palliative care",
    "mri_contraindicated": "MRI contraindicated (e.g. pacemaker)",
    "dvt": "Deep venous thrombosis",
    "arterial_insufficiency": "Arterial insufficiency",
    "infection": "Acute infection",
}
SYMPTOM_LABELS = {
    "numbness": "Numbness",
    "paresthesia": "Paresthesia",
    "allodynia": "Allodynia",
    "bowel_bladder_change": "New bowel or bladder change",
    "saddle_numbness": "Saddle numbness",
}
DEVICE_LABELS = {
    "pacemaker": "Pacemaker",
    "defibrillator": "Defibrillator",
    "neurostimulator": "Neurostimulator",
    "other": "Other device",
}
AGENT_LABELS = {
    "tricyclic": "Tricyclic",
    "ssri": "SSRI",
    "snri": "SNRI",
    "gabapentin": "Gabapentin",
    "pregabalin": "Pregabalin",
    "lidocaine_patch": "Lidocaine patch",
    "capsaicin": "Capsaicin",
    "other": "Other",
}
ADL_LABELS = {
    "sit_to_stand": "Sit to stan&d",
    "standing_transfer": "Standing t&ransfer",
    "lower_body_dressing": "Lower-body dressin&g",
    "bathing": "&Bathing",
}

PATIENT = (
    Field(("patient", "id"), "Patient &ID", TEXT, required=True),
    Field(("patient", "name"), "&Name", TEXT, required=True),
    Field(("patient", "birth_date"), "&Birth date", DATE),
    Field(("patient", "sex"), "Se&x", CHOICE, SEXES),
    Field(("patient", "language"), "Handout language", CHOICE, PATIENT_LANGUAGES, ("English", "Spanish")),
    Field(("assessed_on",), "Assessed &on", DATE, required=True, noun="the assessment date"),
    Field(("assessor",), "Assesso&r", TEXT),
)
HISTORY = (
    Field(("history", "etiology"), "&Cause", CHOICE, ETIOLOGIES, required=True),
    Field(("history", "affected_side"), "Affected si&de", CHOICE, SIDES_AFFECTED, required=True),
    Field(("history", "onset"), "Onse&t", DATE),
    Field(("history", "malignancy"), "Kno&wn malignancy", TEXT, placeholder="e.g. prostate; leave empty if none"),
    Field(("history", "radiation_completed_on"), "Radiotherapy completed", DATE),
    Field(("history", "trauma_on"), "Trauma on", DATE),
    Field(("history", "trauma_type"), "Trauma type", CHOICE, TRAUMA_TYPES),
    Field(("history", "surgery_on"), "Sur&gery on", DATE),
    Field(
        ("history", "entrapment_site"),
        "Suspected entrapment site",
        CHOICE,
        ENTRAPMENT_SITES,
        ("piriformis (sciatic nerve)", "other site"),
    ),
    Field(
        ("history", "creatinine_clearance_ml_min"),
        "Creatinine clearance",
        NUMBER,
        placeholder="0-200",
        low=0,
        high=200,
        unit="mL/min",
    ),
)
_DVT_SIDE = Field(("history", "dvt_side"), "Leg of the DVT", CHOICE, DVT_SIDES, ("left leg", "right leg", "both legs"))
FLAGS = (
    *(
        field
        for name in HISTORY_FLAGS
        for field in (Field(("history", name), FLAG_LABELS[name], FLAG), *((_DVT_SIDE,) if name == "dvt" else ()))
    ),
    Field(
        ("history", "implanted_devices"),
        "I&mplanted electronic devices",
        CHOICES,
        IMPLANTED_DEVICES,
        tuple(DEVICE_LABELS[name] for name in IMPLANTED_DEVICES),
        item="device",
    ),
    Field(
        ("history", "pregnancy"),
        "Pregnant or breastfeeding",
        CHOICE,
        PREGNANCY,
        ("No", "Pregnant", "Breastfeeding"),
    ),
)
PAIN = (
    Field(("pain", "nrs"), "Pain N&RS (0-10)", COUNT, low=0, high=10, required=True, blank="not recorded"),
    Field(("pain", "acute"), "Acute pain", FLAG),
    Field(("pain", "neuropathic"), "Neuropathic pain", FLAG),
    Field(("pain", "sites"), "Si&tes", LIST, placeholder="comma separated, e.g. buttock, thigh", item="site"),
    Field(
        ("pain", "current_ladder_step"),
        "&Current analgesic step",
        CHOICE,
        (0, 1, 2, 3),
        ("0 none", "1", "2", "3"),
    ),
    Field(
        ("pain", "pregabalin_mg_day"),
        "Pre&gabalin",
        NUMBER,
        placeholder="mg/day, 0-1200",
        low=0,
        high=1200,
        unit="mg/day",
        noun="a daily dose",
    ),
    Field(
        ("pain", "neuropathic_agents_tried"),
        "&Neuropathic agents tried",
        CHOICES,
        NEUROPATHIC_AGENTS,
        tuple(AGENT_LABELS[name] for name in NEUROPATHIC_AGENTS),
        item="agent",
    ),
)
SENSATION = (
    Field(("joint_position_sense", "left"), "&Joint position sense, left", CHOICE, JPS_VALUES),
    Field(("joint_position_sense", "right"), "Joint position sense, r&ight", CHOICE, JPS_VALUES),
    *(Field(("symptoms", name), SYMPTOM_LABELS[name], FLAG) for name in SYMPTOMS),
)
LYMPHEDEMA = (
    Field(("lymphedema", "present"), "Lymphedema presen&t", FLAG, when="“Lymphedema present” is ticked"),
    Field(("lymphedema", "side"), "Si&de", CHOICE, SIDES_AFFECTED),
    Field(("lymphedema", "phase"), "Phase", CHOICE, ("reduction", "maintenance")),
    Field(("lymphedema", "limb_shape"), "Li&mb shape", CHOICE, ("regular", "irregular")),
    Field(
        ("lymphedema", "interval_cm"),
        "&Interval",
        NUMBER,
        placeholder="cm, 1-20",
        low=1,
        high=20,
        unit="cm",
        noun="an interval",
    ),
)
CIRCUMFERENCES = (
    Field(
        ("lymphedema", "circumferences_cm"),
        "Circumferences",
        LIST,
        item="point",
        when="circumferences are entered",
    ),
    *(
        Field(
            ("lymphedema", "circumferences_cm", side),
            f"{side.capitalize()} leg",
            LIST,
            low=5,
            high=150,
            unit="cm",
            noun="a circumference",
            item="point",
        )
        for side in SIDES
    ),
)
FUNCTION = (
    Field(("function", "ambulation"), "&Walking", CHOICE, AMBULATION),
    *(Field(("function", name), ADL_LABELS[name], CHOICE, ADL_LEVELS) for name in ADL_FIELDS),
    Field(
        ("function", "falls_past_3_months"),
        "Falls in the last &3 months",
        COUNT,
        low=0,
        high=100,
        blank="not recorded",
    ),
)
GRADE_VALUES: tuple[int, ...] = (0, 1, 2, 3, 4, 5)


def strength_field(group: str, side: str, movement: str | None = None) -> Field:
    """The grade of one muscle group and side; ``movement`` as the library's anatomy table names it."""
    words = movement or group.replace("_", " ")
    return Field(("strength", group, side), f"{side.capitalize()} {words}", CHOICE, GRADE_VALUES, blank="not tested")


STRENGTH = tuple(strength_field(group, side) for group in MUSCLE_GROUPS for side in SIDES)
PARTS = {
    "patient": "Patient",
    "history": "History",
    "strength": "Strength",
    "pain": "Pain",
    "lymphedema": "Lymphedema",
    "function": "Function",
    "joint_position_sense": "Joint position sense",
    "symptoms": "Symptoms",
    "format": "Format",
}
"""Labels of the parts of the assessment, for an issue about a whole part."""

FIELDS: dict[str, Field] = {
    field.key: field
    for group in (PATIENT, HISTORY, FLAGS, PAIN, SENSATION, LYMPHEDEMA, CIRCUMFERENCES, FUNCTION, STRENGTH)
    for field in group
}
"""Every field by its path as the format writes it ('lymphedema.interval_cm'): the one table of labels."""

_INDEX = re.compile(r"^(.*)\[(\d+)\]$")


def field_for(key: str) -> Field | None:
    """The field a path names; for an element of a list ('...left[1]'), the list's field."""
    match = _INDEX.match(key)
    return FIELDS.get(match[1] if match else key)


def label_for(key: str) -> str:
    """The label of a path as the form shows it; 'lymphedema.circumferences_cm.left[1]' -> 'Left leg, point 2'."""
    match = _INDEX.match(key)
    field = FIELDS.get(match[1] if match else key)
    if field is None:
        return PARTS.get(key, key.replace("_", " ").replace(".", ", ").capitalize())
    return f"{field.label}, {field.item} {int(match[2]) + 1}" if match else field.label


def value_words(key: str, value: Any) -> str:
    """A recorded value as the form shows it: a flag as yes or no, a choice in its words, a date as people read
    it, a number with its unit, a list item by item ('needs_help' -> 'needs help', True -> 'yes')."""
    field = field_for(key)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        numbers = [v for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        if field is not None and field.unit and value and len(numbers) == len(value):
            return f"{', '.join(_amount(v) for v in value)} {field.unit}"  # '22, 24.5 cm': the unit once
        return ", ".join(value_words(key, item) for item in value)
    if field is None:
        return str(value).replace("_", " ")
    if field.kind == DATE and isinstance(value, str):
        return format_date(value)
    if field.kind in (NUMBER, COUNT) and isinstance(value, int | float):
        return f"{_amount(value)} {field.unit}".strip()
    return field.value_text(value)


_ORDER = {key: position for position, key in enumerate(FIELDS)}


def form_order(issue: FieldIssue) -> int:
    """Sort key putting problems in the order the form shows their fields (patient, history, pain...); a
    stable sort keeps the validator's order within a field ('point 2' before 'point 10')."""
    field = field_for(issue.field)
    return _ORDER.get(field.key, len(_ORDER)) if field else -1


def _amount(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _range(field: Field | None, issue: FieldIssue, whole: bool) -> str:
    low, high = issue.param("low"), issue.param("high")
    noun = (field.noun if field else "") or ("a whole number" if whole else "a number")
    unit = f" {field.unit}" if field and field.unit else ""
    if low is not None and high is not None:
        return f"enter {noun} between {_amount(low)} and {_amount(high)}{unit}"
    return f"enter {noun}"


def _other_label(issue: FieldIssue) -> str:
    """The label of the field an issue names beside its own (its path when the form has no such field)."""
    name = str(issue.param("other"))
    other = field_for(name)
    return other.label if other else name


def describe(issue: FieldIssue, *, day_first: bool = True) -> str:
    """The issue in words, starting with the field's label: what the clinician should do about it."""
    label = label_for(issue.field) if issue.field else "The assessment"
    field = field_for(issue.field)
    code, got = issue.code, issue.param("got")
    if code == "required":
        kind = field.kind if field else TEXT
        what = {CHOICE: "choose one", DATE: "enter a date", COUNT: "enter a number", NUMBER: "enter a number"}
        return f"{label}: {what.get(kind, 'enter it')} (required)"
    if code in ("number", "integer"):
        typed = f"“{got}” is not a number; " if isinstance(got, str) else ""
        return f"{label}: {typed}{_range(field, issue, code == 'integer')}"
    if code == "choice":
        choices = issue.param("choices")
        options = choices if isinstance(choices, list | tuple) else ()
        shown = [field.value_text(c) if field else str(c).replace("_", " ") for c in options]
        return f"{label}: choose {', '.join(shown[:-1])} or {shown[-1]}" if len(shown) > 1 else f"{label}: choose one"
    if code == "date":
        try:
            read_typed_date(str(got), day_first=day_first)
            reason = f"write it as e.g. {EXAMPLE}"
        except DateError as exc:
            reason = str(exc)
        return f"{label}: “{got}” is not a date ({reason})"
    if code == "future":
        return (
            f"{label}: the date is after today ({format_date(str(issue.param('today')))} by this computer's clock); "
            "check the date, or the computer's clock"
        )
    if code == "after":
        other = field_for(str(issue.param("other")))
        other_words = (other.noun or other.label) if other else str(issue.param("other"))
        return f"{label}: must not be after {other_words} ({format_date(str(issue.param('date')))})"
    if code == "required_when":
        other = field_for(str(issue.param("other")))
        condition = (other.when or f"{other.label} is entered") if other else str(issue.param("other"))
        todo = "choose one" if field and field.kind == CHOICE else "enter it"
        return f"{label}: {todo}, since {condition}"
    if code == "only_with":
        return f"{label}: leave it empty unless “{_other_label(issue)}” is ticked"
    if code == "conflict":
        return f"{label}: does not fit “{_other_label(issue)}”; check which of the two is wrong"
    if code == "unique":
        return f"{label}: the same {field.item if field else 'value'} is listed twice; keep it once"
    if code == "same_count":
        return f"{label}: measure both legs at the same number of points"
    if code == "too_few":
        return f"{label}: enter at least {issue.param('count')} {field.item if field else 'item'}s"
    if code == "too_many":
        return f"{label}: at most {issue.param('count')} {field.item if field else 'item'}s"
    if code == "too_long":
        return f"{label}: at most {issue.param('limit')} characters"
    if code == "empty":
        return f"{label}: must not be empty"
    if code == "unknown_field":
        return f"{label}: not a field of this format"
    return f"{label}: {issue.rule}"
