"""Dates in and out: the one form the formats store, and the forms people type and read.

The formats write dates as ``YYYY-MM-DD`` and nothing else. Python's ``date.fromisoformat`` (3.11 and later)
also accepts week dates (``2026-W48-1``), ordinal dates (``2026-332``) and the basic form (``20261128``):
taken in, such a date would print differently from what was typed and sort wrongly as text. So input goes
through :func:`parse_date`, which takes the one form; stored values are read back with :func:`as_date` and
compared as dates, never as strings, so a value stored before the rule was strict still sorts where it
belongs.

A clinic types a birth date the way its paper forms write it: ``3/4/1958``, ``03.04.1958``, ``1958-04-03``,
``3 Apr 1958``. The formats store ISO dates (lsp-assessment/1), so the app reads what was typed
(:func:`read_typed_date`), stores the ISO date and shows back, in words, which date it understood. Dates
written with numbers only are ambiguous between day-first and month-first; the order is a setting (taken
from the system's locale until chosen), and a date that can only be read one way (``25/4/1958``) is read
that way whatever the setting.

Qt-free, so the rules are tested without a window.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

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


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EXAMPLE = "3 Apr 1958"
"""How a date is shown back, and the example a message gives."""

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_COMPACT = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{2}|\d{4})$")
_WORDS = re.compile(r"[a-z]+|\d+")


class DateError(ValueError):
    """Typed text that is not a date; the message says why, in words."""


def _month(word: str) -> int | None:
    """A month from its English name or a prefix of at least three letters ('Apr', 'april', 'Sept')."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, start=1):
        if name.lower().startswith(word):
            return number
    return None


def _year(text: str, today: date) -> int:
    """A four-digit year as written; two digits are this century up to this year, else the last one."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= today.year % 100 else 1900
    return year


def _make(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"there is no month {month}")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"{MONTHS[month - 1]} {year} has no day {day}") from None


def read_typed_date(text: str, *, day_first: bool = True, today: date | None = None) -> date:
    """The date ``text`` stands for, or DateError saying why it is not one.

    ``day_first`` decides ``3/4/1958`` (3 April when true, 4 March when false); a number above 12 settles the
    order whatever it says.
    """
    today = today or date.today()
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise DateError("no date was typed")
    if cleaned.lower() in ("today", "yesterday"):
        return today - timedelta(days=0 if cleaned.lower() == "today" else 1)
    if match := _ISO.match(cleaned):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _COMPACT.match(cleaned):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(cleaned):
        first, second, year = int(match[1]), int(match[2]), _year(match[3], today)
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            day, month = second, first
        else:
            day, month = (first, second) if day_first else (second, first)
        return _make(year, month, day)
    parts = _WORDS.findall(cleaned.lower().replace("1st", "1").replace("2nd", "2").replace("3rd", "3"))
    parts = [p[:-2] if p.endswith("th") and p[:-2].isdigit() else p for p in parts]
    parts = [p for p in parts if p not in ("th", "st", "nd", "rd", "of")]
    words = [p for p in parts if not p.isdigit()]
    numbers = [p for p in parts if p.isdigit()]
    if len(words) == 1 and len(numbers) == 2 and len(parts) == 3:
        named = _month(words[0])
        if named is None:
            raise DateError(f"'{words[0]}' is not a month")
        day_text, year_text = (numbers[0], numbers[1]) if len(numbers[1]) in (2, 4) else (numbers[1], numbers[0])
        if len(year_text) not in (2, 4) or len(day_text) > 2:
            raise DateError(f"write the year with four digits, e.g. {EXAMPLE}")
        return _make(_year(year_text, today), named, int(day_text))
    if (len(numbers) == 2 and not words) or (len(parts) == 2 and len(words) == 1):
        raise DateError(f"the year is missing; e.g. {EXAMPLE}")
    raise DateError(f"not a date I can read; type it as e.g. {EXAMPLE} or 1958-04-03")


def ambiguous(text: str) -> bool:
    """Whether ``text`` is a numbers-only date whose day and month could be swapped (3/4/1958, not 25/4)."""
    match = _NUMERIC.match(" ".join(text.strip().split()))
    return (
        match is not None
        and int(match[1]) <= 12
        and int(match[2]) <= 12
        and match[1].lstrip("0") != match[2].lstrip("0")
    )


def format_date(value: date | str | None) -> str:
    """'3 Apr 1958': the day, the month in letters, the year; no order to guess. ISO text is accepted too."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return str(value)
    return f"{value.day} {MONTHS[value.month - 1][:3]} {value.year}"


def long_date(value: date) -> str:
    """'Thursday 3 April 1958', for saying which date was understood."""
    return f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def format_moment(moment: datetime, now: datetime | None = None) -> str:
    """A moment as people say it, in local time: 'today at 14:05', 'yesterday at 09:30', 'Friday 4 December
    2026 at 14:05'. Aware times are converted to the machine's zone; naive ones are taken as local."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    current = (now or datetime.now().astimezone()).astimezone() if local.tzinfo else (now or datetime.now())
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.date() == current.date():
        return f"today at {clock}"
    if local.date() == current.date() - timedelta(days=1):
        return f"yesterday at {clock}"
    return f"{long_date(local.date())} at {clock}"
