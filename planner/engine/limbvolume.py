"""Limb volume from circumferences by the truncated-cone (frustum) method.

Each pair of neighbouring circumferences C1, C2 (cm) a distance h (cm) apart bounds a frustum of volume
h (C1² + C1·C2 + C2²) / (12π) cm³; the limb volume is their sum. 1 cm³ = 1 mL. The method is the one the
LIMB-VOL document describes; only the arithmetic lives here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence


def frustum_volume_ml(circumferences_cm: Sequence[float], interval_cm: float) -> float:
    total = 0.0
    for c1, c2 in itertools.pairwise(circumferences_cm):
        total += interval_cm * (c1 * c1 + c1 * c2 + c2 * c2) / (12 * math.pi)
    return total


def excess_percent(affected_ml: float, other_ml: float) -> float | None:
    if other_ml <= 0:
        return None
    return (affected_ml - other_ml) / other_ml * 100
