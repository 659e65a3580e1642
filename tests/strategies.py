"""Hypothesis strategies over the whole lsp-assessment/1 format, the fields the planner added included."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

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
    PREGNANCY,
    SIDES_AFFECTED,
    SYMPTOMS,
    TRAUMA_TYPES,
)
from planner.engine.vocabulary import MUSCLE_GROUPS

ASSESSED_ON = date(2026, 11, 1)
DATES = st.dates(min_value=date(1930, 1, 1), max_value=ASSESSED_ON).map(lambda d: d.isoformat())
RECENT = st.integers(0, 400).map(lambda days: date.fromordinal(ASSESSED_ON.toordinal() - days).isoformat())
"""Dates within about a year of the visit, where the intervals the rules test (7, 21, 30 days, 6 months) lie."""
GRADE = st.one_of(st.none(), st.integers(0, 5))


def _optional(strategy: Any) -> Any:
    return st.one_of(st.none(), strategy)


def _subset(values: tuple[str, ...]) -> Any:
    return _optional(st.lists(st.sampled_from(values), unique=True, min_size=1, max_size=3))


@st.composite
def assessments(draw: Any) -> dict[str, Any]:
    groups = draw(st.lists(st.sampled_from(MUSCLE_GROUPS), unique=True))
    strength = {
        g: {k: v for k, v in {"left": draw(GRADE), "right": draw(GRADE)}.items() if v is not None} for g in groups
    }
    count = draw(st.integers(2, 8))
    lymphedema = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "present": st.just(True),
                    "side": st.sampled_from(SIDES_AFFECTED),
                    "phase": st.sampled_from(["reduction", "maintenance"]),
                    "limb_shape": st.sampled_from(["regular", "irregular"]),
                    "interval_cm": st.integers(1, 20),
                    "circumferences_cm": st.fixed_dictionaries(
                        {
                            "left": st.lists(st.floats(5, 150), min_size=count, max_size=count),
                            "right": st.lists(st.floats(5, 150), min_size=count, max_size=count),
                        }
                    ),
                }
            ),
        )
    )
    history: dict[str, Any] = {
        "etiology": draw(st.sampled_from(ETIOLOGIES)),
        "affected_side": draw(st.sampled_from(SIDES_AFFECTED)),
        "onset": draw(_optional(st.one_of(DATES, RECENT))),
        "malignancy": draw(_optional(st.sampled_from(["", "prostate", "colon", "lymphoma"]))),
        "radiation_completed_on": draw(_optional(DATES)),
        "trauma_on": draw(_optional(RECENT)),
        "trauma_type": draw(_optional(st.sampled_from(TRAUMA_TYPES))),
        "surgery_on": draw(_optional(RECENT)),
        "creatinine_clearance_ml_min": draw(_optional(st.one_of(st.floats(0, 200), st.sampled_from([15, 29, 30, 60])))),
        "implanted_devices": draw(_subset(IMPLANTED_DEVICES)),
        "entrapment_site": draw(_optional(st.sampled_from(ENTRAPMENT_SITES))),
        "pregnancy": draw(_optional(st.sampled_from(PREGNANCY))),
        **{flag: draw(st.booleans()) for flag in HISTORY_FLAGS},
    }
    if history["dvt"]:
        history["dvt_side"] = draw(_optional(st.sampled_from(DVT_SIDES)))
    data: dict[str, Any] = {
        "format": "lsp-assessment/1",
        "patient": {
            "id": draw(st.text(min_size=1, max_size=20).filter(str.strip)),
            "name": draw(st.text(min_size=1, max_size=40).filter(str.strip)),
        },
        "assessed_on": ASSESSED_ON.isoformat(),
        "history": {key: value for key, value in history.items() if value is not None},
        "strength": strength,
        "joint_position_sense": {"left": draw(st.sampled_from(JPS_VALUES)), "right": draw(st.sampled_from(JPS_VALUES))},
        "symptoms": {name: draw(st.booleans()) for name in SYMPTOMS},
        "pain": {
            "nrs": draw(st.integers(0, 10)),
            "acute": draw(st.booleans()),
            "neuropathic": draw(st.booleans()),
            "sites": draw(_optional(st.lists(st.sampled_from(["buttock", "thigh", "calf"]), max_size=3))),
            "current_ladder_step": draw(st.integers(0, 3)),
            "pregabalin_mg_day": draw(_optional(st.one_of(st.floats(0, 1200), st.sampled_from([75, 150, 300])))),
            "neuropathic_agents_tried": draw(_subset(NEUROPATHIC_AGENTS)),
        },
        "function": {
            "ambulation": draw(_optional(st.sampled_from(AMBULATION))),
            "falls_past_3_months": draw(_optional(st.integers(0, 100))),
            **{name: draw(_optional(st.sampled_from(ADL_LEVELS))) for name in ADL_FIELDS},
        },
    }
    if lymphedema:
        data["lymphedema"] = lymphedema
    return data
