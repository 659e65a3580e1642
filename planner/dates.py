"""Calendar dates in and out: one strict form accepted, dates compared as dates, arithmetic that cannot overflow.

The formats write dates as ``YYYY-MM-DD`` and nothing else. Python's ``date.fromisoformat`` (3.11 and later)
also accepts week dates (``2026-W48-1``), ordinal dates (``2026-332``) and the basic form (``20261128``):
taken in, such a date would print differently from what was typed and sort wrongly as text. So input goes
through :func:`parse_date`, which takes the one form; stored values are read back with :func:`as_date` and
compared as dates, never as strings, so a value stored before the rule was strict still sorts where it
belongs.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_CALENDAR_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_date(text: str) -> date:
    """The date written ``YYYY-MM-DD`` (ASCII digits, a real day of the calendar); ValueError otherwise."""
    if not isinstance(text, str) or not _CALENDAR_DATE.fullmatch(text):
        raise ValueError(f"not a date written YYYY-MM-DD: {text!r}")
    return date.fromisoformat(text)


def is_calendar_date(text: object) -> bool:
    try:
        parse_date(text)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def as_date(text: str) -> date:
    """A stored date back as a date, for comparing and sorting (any ISO 8601 form a store may hold)."""
    return date.fromisoformat(text)


def add_days(day: date, days: int) -> date:
    """``day`` plus ``days``, held at the ends of the calendar instead of overflowing (9999-12-31 plus a
    fortnight is 9999-12-31)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
