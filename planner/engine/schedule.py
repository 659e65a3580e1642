"""When a follow-up item falls due: a document's ``due:`` field turned into dates for one assessment.

A document writes ``due: 4 weeks after assessment`` or ``due: 3-6 months after onset``. The planner only does
the calendar arithmetic; the interval and what it hangs on are the document's. Months are calendar months
(31 January plus one month is 28 or 29 February).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.dates import add_days, as_date

ANCHORS: dict[str, tuple[str, ...]] = {
    "assessment": (),
    "onset": ("onset",),
    "radiotherapy": ("radiation_completed_on",),
    "trauma": ("trauma_on",),
    "surgery": ("surgery_on",),
    "event": ("trauma_on", "surgery_on"),
}
"""What an interval may be counted from, and the assessment history dates it reads: the latest of them that
was recorded (``event``, the latest acute event, is the later of the trauma and the surgery); none: the visit."""

WHILE_AHEAD: dict[str, tuple[str, ...]] = {"event": ("onset",)}
"""Dates an anchor also counts from, but only while the interval from them still lies ahead of the visit: a
study timed from the latest ``event`` waits as long for a recent onset, whatever its cause, while an old onset
adds no date of its own (the study is then simply asked for now, undated, as before)."""

UNITS = ("day", "week", "month")

DAYS_PER_MONTH = 30.44
"""A month as a length of time (months since onset); due dates use calendar months instead."""

OVERDUE, DUE, UPCOMING, DONE = "overdue", "due", "upcoming", "done"
"""Where a dated follow-up item stands on a given day."""

_DUE = re.compile(
    r"^\s*(?P<start>[0-9]{1,4})(?:\s*-\s*(?P<end>[0-9]{1,4}))?\s+(?P<unit>days?|weeks?|months?)\s+after\s+(?P<anchor>[a-z]+)\s*$"
)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class DueRule:
    start: int
    end: int | None
    unit: str
    anchor: str

    @classmethod
    def parse(cls, text: str) -> DueRule:
        """Raises ValueError with a message fit for the document author."""
        match = _DUE.match(text)
        if not match:
            raise ValueError(
                "due: write 'N days|weeks|months after ANCHOR' or 'N-M months after ANCHOR'"
                f" (anchors: {', '.join(ANCHORS)})"
            )
        anchor = match["anchor"]
        if anchor not in ANCHORS:
            raise ValueError(f"due: unknown anchor '{anchor}' (known: {', '.join(ANCHORS)})")
        start, end = int(match["start"]), int(match["end"]) if match["end"] else None
        if end is not None and end < start:
            raise ValueError("due: the end of the range comes before its start")
        return cls(start, end, match["unit"].rstrip("s"), anchor)

    def _shift(self, day: date, amount: int) -> date:
        """``day`` moved on by ``amount`` units, held at the end of the calendar (year 9999)."""
        if self.unit == "month":
            try:
                return add_months(day, amount)
            except ValueError:  # past year 9999
                return date.max
        return add_days(day, amount * (7 if self.unit == "week" else 1))

    def dates(self, assessment: Mapping[str, Any]) -> tuple[date, date | None] | None:
        """(due on, due until) for this assessment, or None when the anchor date was not recorded.

        A window that opened before the visit is due from the visit itself: the item is due now.
        """
        visit = as_date(assessment["assessed_on"])
        fields = ANCHORS[self.anchor]
        history = assessment.get("history") or {}
        recorded = [as_date(history[field]) for field in fields if history.get(field)]
        ahead = [as_date(history[f]) for f in WHILE_AHEAD.get(self.anchor, ()) if history.get(f)]
        recorded += [day for day in ahead if self._shift(day, self.start) > visit]
        anchor = visit if not fields else max(recorded, default=None)
        if anchor is None:
            return None
        start = max(self._shift(anchor, self.start), visit)
        end = self._shift(anchor, self.end) if self.end is not None else None
        return start, (end if end is not None and end >= start else None)

    def __str__(self) -> str:
        span = f"{self.start}-{self.end}" if self.end is not None else str(self.start)
        plural = "" if self.end is None and self.start == 1 else "s"
        return f"{span} {self.unit}{plural} after {self.anchor}"


def status_on(today: date, due_on: str, due_until: str | None, completed_on: str | None = None) -> str:
    """Overdue once the last day of the item's window has passed; due from its first day."""
    if completed_on:
        return DONE
    if today > as_date(due_until or due_on):
        return OVERDUE
    return DUE if today >= as_date(due_on) else UPCOMING


def window_text(due_on: str, due_until: str | None) -> str:
    """'2026-12-15', or '2026-12-15 to 2027-03-15' for a window."""
    return due_on + (f" to {due_until}" if due_until else "")


@dataclass(frozen=True, slots=True)
class CheckUp:
    """The plan's next check-up: its date, the end of its window (None for one day), and whether it is overdue
    (its last day passed before the day asked about)."""

    due_on: str
    due_until: str | None = None
    overdue: bool = False


def next_check_up(plan: Mapping[str, Any], today: date) -> CheckUp | None:
    """The plan's next check-up on ``today``, from its dated monitoring items: the earliest item overdue (its
    last day has passed, so the patient is due now and must not be shown a later date as the next one); else
    the earliest date still ahead; else the earliest window still open (a window that opened before the visit,
    such as 3-6 months after onset). None when no item is dated.

    What the handout prints when the clinician set no appointment, and what the Plan tab suggests as one."""
    monitoring = next((s for s in plan.get("sections") or () if s.get("key") == "monitoring"), None)
    overdue, ahead, open_windows = [], [], []
    for item in (monitoring or {}).get("items") or ():
        if not item.get("due_on"):
            continue
        start, end = date.fromisoformat(item["due_on"]), item.get("due_until")
        last = date.fromisoformat(end) if end else start
        if last < today:
            overdue.append((last, start, end))
        elif start >= today:
            ahead.append((start, end))
        else:
            open_windows.append((start, end))
    if overdue:
        _last, start, end = min(overdue)
        return CheckUp(start.isoformat(), end, overdue=True)
    chosen = min(ahead or open_windows, default=None)  # a date ahead beats an open window
    return CheckUp(chosen[0].isoformat(), chosen[1]) if chosen else None
