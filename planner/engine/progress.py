"""Progress across visits: what changed since the previous and the first stored assessment.

Like the other base findings these are arithmetic only (differences of grades, scores, volumes and dates,
and the order of the format's own ambulation scale). Whether a change matters (a drop of one grade, two
points of pain, five points of excess volume) is decided by the documents, usually as a derived finding.

Every change is *current minus earlier*: a positive MRC change is a gain in strength, a positive pain change
is more pain. A change is null when either visit did not record the value, and every progress finding is
null (or false, or empty) for a first assessment, so a rule over them never fires on one visit alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from planner.engine.limbvolume import affected_excess_percent
from planner.engine.schedule import DAYS_PER_MONTH, add_months
from planner.engine.vocabulary import MUSCLE_GROUPS, SIDES

AMBULATION_SCALE: tuple[str, ...] = ("independent", "device", "assisted", "non_ambulatory")
"""lsp-assessment/1's ambulation values, from the most to the least independent."""

Pair = tuple[str, str]
"""A muscle group and a side."""

Label = Callable[[str, str], str]
"""Words a muscle group and a side ('right hip flexion')."""


@dataclass(frozen=True, slots=True)
class Visit:
    """The figures of one assessment that progress compares."""

    assessed_on: date
    grades: Mapping[Pair, int]
    pain_nrs: int
    excess_volume_percent: float | None
    ambulation: str | None
    falls: int | None

    @classmethod
    def of(cls, assessment: Mapping[str, Any]) -> Visit:
        strength = assessment.get("strength") or {}
        grades = {
            (group, side): grade
            for group in MUSCLE_GROUPS
            for side in SIDES
            if (grade := (strength.get(group) or {}).get(side)) is not None
        }
        function = assessment.get("function") or {}
        return cls(
            assessed_on=date.fromisoformat(assessment["assessed_on"]),
            grades=grades,
            pain_nrs=assessment["pain"]["nrs"],
            excess_volume_percent=affected_excess_percent(assessment),
            ambulation=function.get("ambulation"),
            falls=function.get("falls_past_3_months"),
        )


def ordered_visits(assessments: Iterable[Mapping[str, Any]]) -> list[Visit]:
    """Visits oldest first (a stable sort, so same-day assessments keep the order they were stored in)."""
    return sorted((Visit.of(a) for a in assessments), key=lambda v: v.assessed_on)


def _difference(current: float | None, earlier: float | None) -> float | None:
    if current is None or earlier is None:
        return None
    return round(current - earlier, 1)


def _ambulation_change(current: str | None, earlier: str | None) -> str | None:
    if current not in AMBULATION_SCALE or earlier not in AMBULATION_SCALE:
        return None
    step = AMBULATION_SCALE.index(current) - AMBULATION_SCALE.index(earlier)
    return "same" if step == 0 else "worse" if step > 0 else "better"


def grade_changes(current: Visit, earlier: Visit) -> dict[Pair, int]:
    """Grade change of every group and side graded at both visits."""
    return {pair: grade - earlier.grades[pair] for pair, grade in current.grades.items() if pair in earlier.grades}


def _strength_summary(changes: Mapping[Pair, int], suffix: str) -> dict[str, Any]:
    values = list(changes.values())
    return {
        f"mrc_drop_max{suffix}": max(0, -min(values)) if values else None,
        f"mrc_gain_max{suffix}": max(0, max(values)) if values else None,
        f"mrc_change_total{suffix}": sum(values) if values else None,
    }


def _groups_where(changes: Mapping[Pair, int], test: Any) -> tuple[str, ...]:
    return tuple(g for g in MUSCLE_GROUPS if any(test(changes[(g, s)]) for s in SIDES if (g, s) in changes))


def plain_label(group: str, side: str) -> str:
    """'right hip flexion': a group and side as a sentence reads it, when no anatomy table names the movement."""
    return f"{side} {group.replace('_', ' ')}"


def _pairs_changed_by(changes: Mapping[Pair, int], change: int | None, label: Label) -> tuple[str, ...]:
    """Each group and side (as ``label`` words it) whose grade changed by exactly ``change``, in table order:
    the groups a sentence about the largest gain or loss names, and no others."""
    if not change:
        return ()
    return tuple(label(g, s) for g in MUSCLE_GROUPS for s in SIDES if changes.get((g, s)) == change)


def progress_findings(current: Visit, earlier_visits: Sequence[Visit], label: Label = plain_label) -> dict[str, Any]:
    """The progress findings of the vocabulary for ``current`` given the visits before it, oldest first;
    ``label`` words a group and side for the findings that list them."""
    previous = earlier_visits[-1] if earlier_visits else None
    first = earlier_visits[0] if earlier_visits else None
    since_previous = grade_changes(current, previous) if previous else {}
    since_first = grade_changes(current, first) if first else {}
    findings: dict[str, Any] = {
        "assessment_number": len(earlier_visits) + 1,
        "has_previous": previous is not None,
        "days_since_previous": (current.assessed_on - previous.assessed_on).days if previous else None,
        "days_since_first": (current.assessed_on - first.assessed_on).days if first else None,
        "worsened_groups": _groups_where(since_previous, lambda change: change < 0),
        "improved_groups": _groups_where(since_previous, lambda change: change > 0),
        "max_gain_groups": _pairs_changed_by(since_previous, max([0, *since_previous.values()]), label),
        "max_drop_groups": _pairs_changed_by(since_previous, min([0, *since_previous.values()]), label),
        "pain_nrs_previous": previous.pain_nrs if previous else None,
        "pain_nrs_change": _difference(current.pain_nrs, previous.pain_nrs) if previous else None,
        "pain_nrs_change_since_first": _difference(current.pain_nrs, first.pain_nrs) if first else None,
        "excess_volume_change": _difference(current.excess_volume_percent, previous.excess_volume_percent)
        if previous
        else None,
        "excess_volume_change_since_first": _difference(current.excess_volume_percent, first.excess_volume_percent)
        if first
        else None,
        "ambulation_change": _ambulation_change(current.ambulation, previous.ambulation) if previous else None,
        "ambulation_change_since_first": _ambulation_change(current.ambulation, first.ambulation) if first else None,
        "falls_change": _difference(current.falls, previous.falls) if previous else None,
    }
    findings.update(_strength_summary(since_previous, ""))
    findings.update(_strength_summary(since_first, "_since_first"))
    for group in MUSCLE_GROUPS:
        for side in SIDES:
            findings[f"mrc_change_{group}_{side}"] = since_previous.get((group, side))
            findings[f"mrc_change_since_first_{group}_{side}"] = since_first.get((group, side))
    return findings


def trend_series(visits: Sequence[Visit], weak_at_most: int | None) -> dict[str, Any]:
    """The values per visit (oldest first) that charts, the history command and the PDF progress page show.

    Strength lists every group and side that was weak (at or below ``weak_at_most``) at any visit, so a group
    that has recovered stays on the chart.
    """
    pairs = [
        (group, side)
        for group in MUSCLE_GROUPS
        for side in SIDES
        if weak_at_most is not None
        and any(v.grades.get((group, side)) is not None and v.grades[(group, side)] <= weak_at_most for v in visits)
    ]
    strength = []
    for group, side in pairs:
        grades = [v.grades.get((group, side)) for v in visits]
        strength.append(
            {
                "group": group,
                "side": side,
                "mrc": grades,
                "change_since_previous": _difference(grades[-1], grades[-2]) if len(grades) > 1 else None,
                "change_since_first": _difference(grades[-1], grades[0]) if len(grades) > 1 else None,
            }
        )
    return {
        "dates": [v.assessed_on.isoformat() for v in visits],
        "strength": strength,
        "pain_nrs": [v.pain_nrs for v in visits],
        "excess_volume_percent": [v.excess_volume_percent for v in visits],
        "ambulation": [v.ambulation for v in visits],
        "falls_past_3_months": [v.falls for v in visits],
    }


def recovery_window_dates(trend: dict[str, Any]) -> tuple[date | None, date | None] | None:
    """The expected recovery window of a trend block as calendar dates (from, to), or None when the documents
    set no window or the onset was not recorded. Either end may be None when a document sets only one.

    Months are calendar months from onset, as for due dates and on the PDF progress page, so the app and the
    printed plan mark the same days; a fraction of a month adds days of 30.44. (The stalled-recovery rule
    counts 30.44-day months to one decimal, which agrees with these dates to within a few days.)
    """
    window = trend.get("recovery_window_months")
    onset = trend.get("onset")
    if not window or not onset:
        return None
    start = date.fromisoformat(onset)

    def shifted(months: float | None) -> date | None:
        if months is None:
            return None
        whole = math.floor(months)
        return add_months(start, whole) + timedelta(days=round((months - whole) * DAYS_PER_MONTH))

    return shifted(window.get("from")), shifted(window.get("to"))
