"""Limb volume from circumferences by the truncated-cone (frustum) method.

Each pair of neighbouring circumferences C1, C2 (cm) a distance h (cm) apart bounds a frustum of volume
h (C1² + C1·C2 + C2²) / (12π) cm³; the limb volume is their sum. 1 cm³ = 1 mL. The method is the one the
LIMB-VOL document describes; only the arithmetic lives here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any


def frustum_volume_ml(circumferences_cm: Sequence[float], interval_cm: float) -> float:
    total = 0.0
    for c1, c2 in itertools.pairwise(circumferences_cm):
        total += interval_cm * (c1 * c1 + c1 * c2 + c2 * c2) / (12 * math.pi)
    return total


def excess_percent(affected_ml: float, other_ml: float) -> float | None:
    if other_ml <= 0:
        return None
    return (affected_ml - other_ml) / other_ml * 100


def limb_volumes(assessment: Mapping[str, Any]) -> dict[str, float] | None:
    """Both limb volumes (mL, one decimal) of an lsp-assessment/1, or None when circumferences are missing."""
    lymphedema = assessment.get("lymphedema") or {}
    circumferences = lymphedema.get("circumferences_cm")
    interval = lymphedema.get("interval_cm")
    if not circumferences or not interval:
        return None
    return {side: round(frustum_volume_ml(circumferences[side], interval), 1) for side in ("left", "right")}


def affected_excess_percent(assessment: Mapping[str, Any]) -> float | None:
    """Excess volume of the lymphedematous limb over the other, one decimal; None unless one side is named."""
    lymphedema = assessment.get("lymphedema") or {}
    side = lymphedema.get("side") if lymphedema.get("present") else None
    volumes = limb_volumes(assessment)
    if not volumes or side not in ("left", "right"):
        return None
    other = "left" if side == "right" else "right"
    excess = excess_percent(volumes[side], volumes[other])
    return None if excess is None else round(excess, 1)
