"""An exercise's dosage: a document's ``dosage:`` field read into numbers and checked for sense.

A document writes ``dosage: 2 sets, 10 reps, hold 5 s, rest 30 s, 2 times a day`` (parts in any order, each at
most once). The numbers are the document's; the planner only checks that each lies in a range a home
programme can hold (so a typo such as ``100 sets`` is refused when the document loads, with its line) and
prints them back in plain units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

EXAMPLE = "2 sets, 10 reps, hold 5 s, rest 30 s, 2 times a day"

LIMITS: dict[str, tuple[int, int]] = {
    "sets": (1, 6),
    "reps": (1, 30),
    "hold_seconds": (1, 120),
    "rest_seconds": (0, 300),
    "minutes": (1, 120),
    "times_day": (1, 12),
    "times_week": (1, 7),
    "every_minutes": (10, 480),
}
"""The range a home-programme dosage may take, per part (whole numbers, both ends included)."""

_COUNT_WORDS = {"once": 1, "twice": 2}
_PARTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sets", re.compile(r"^(?P<n>\d{1,4})\s+sets?$")),
    ("reps", re.compile(r"^(?P<n>\d{1,4})\s+(?:reps?|repetitions?)$")),
    ("hold", re.compile(r"^hold\s+(?P<n>\d{1,4})\s*(?P<unit>s|sec|seconds?|min|minutes?)$")),
    ("rest", re.compile(r"^rest\s+(?P<n>\d{1,4})\s*(?P<unit>s|sec|seconds?|min|minutes?)$")),
    ("minutes", re.compile(r"^(?P<n>\d{1,4})\s*(?:min|minutes?)$")),
    ("times", re.compile(r"^(?P<n>\d{1,4}\s+times?|once|twice)\s+(?:a|per)\s+(?P<per>day|week)$")),
    ("every", re.compile(r"^every\s+(?P<n>\d{1,4})\s*(?P<unit>min|minutes?|hours?)$")),
)


def _match_part(part: str) -> tuple[str, re.Match[str]] | None:
    for name, pattern in _PARTS:
        match = pattern.match(part)
        if match:
            return name, match
    return None


def _seconds(number: int, unit: str) -> int:
    return number * 60 if unit.startswith("min") else number


@dataclass(frozen=True, slots=True)
class Dosage:
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    rest_seconds: int | None = None
    minutes: int | None = None
    times: int | None = None
    per: str | None = None  # "day" | "week" (with times)
    every_minutes: int | None = None

    @classmethod
    def parse(cls, text: str) -> Dosage:
        """Raises ValueError with a message fit for the document author."""
        values: dict[str, Any] = {}
        seen: set[str] = set()
        for raw in text.split(","):
            part = " ".join(raw.lower().split())
            if not part:
                continue
            found = _match_part(part)
            if found is None:
                raise ValueError(f"dosage: cannot read '{raw.strip()}' (write for example '{EXAMPLE}')")
            name, match = found
            group = "how often" if name in ("times", "every") else name
            if group in seen:
                raise ValueError(f"dosage: {group} is given twice")
            seen.add(group)
            count = match.group("n")
            number = _COUNT_WORDS.get(count) or int(count.split()[0])
            if name in ("hold", "rest"):
                values[f"{name}_seconds"] = _seconds(number, match.group("unit"))
            elif name == "times":
                values["times"], values["per"] = number, match.group("per")
            elif name == "every":
                values["every_minutes"] = number * 60 if match.group("unit").startswith("hour") else number
            else:
                values[name] = number
        dosage = cls(**values)
        dosage._check()
        return dosage

    def _check(self) -> None:
        for name, (low, high) in LIMITS.items():
            if name.startswith("times_"):
                value = self.times if self.per == name.removeprefix("times_") else None
                label = f"times a {self.per}"
            else:
                value, label = getattr(self, name), name.replace("_", " ")
            if value is not None and not low <= value <= high:
                raise ValueError(f"dosage: {label} must be from {low} to {high}, not {value}")
        if self.times is None and self.every_minutes is None:
            raise ValueError("dosage: say how often, 'N times a day', 'N times a week' or 'every N min'")
        if self.reps is None and self.minutes is None and self.every_minutes is None:
            raise ValueError("dosage: give repetitions ('10 reps') or a time ('10 min')")
        if self.sets is not None and self.reps is None:
            raise ValueError("dosage: sets need repetitions ('2 sets, 10 reps')")

    def as_dict(self) -> dict[str, Any]:
        """The plan's form: every part, null where the document gave none, and the plain-units line."""
        return {
            "sets": self.sets,
            "reps": self.reps,
            "hold_seconds": self.hold_seconds,
            "rest_seconds": self.rest_seconds,
            "minutes": self.minutes,
            "times": self.times,
            "per": self.per,
            "every_minutes": self.every_minutes,
            "text": self.describe(),
        }

    def describe(self) -> str:
        """The numbers in plain units, e.g. '2 sets of 10 · hold 5 seconds · rest 30 seconds · 2 times a day'."""
        parts: list[str] = []
        if self.reps is not None:
            reps = f"{self.reps} {_plural(self.reps, 'time')}"
            parts.append(f"{self.sets} {_plural(self.sets, 'set')} of {self.reps}" if self.sets else reps)
        if self.minutes is not None:
            parts.append(f"{self.minutes} {_plural(self.minutes, 'minute')}")
        if self.hold_seconds is not None:
            parts.append(f"hold {_duration(self.hold_seconds)}")
        if self.rest_seconds:
            parts.append(f"rest {_duration(self.rest_seconds)}")
        if self.times is not None:
            parts.append(f"{_times(self.times)} a {self.per}")
        elif self.every_minutes is not None:
            parts.append(f"every {_duration(self.every_minutes * 60)}")
        return " · ".join(parts)


def _plural(number: int, word: str) -> str:
    return word if number == 1 else f"{word}s"


def _times(number: int) -> str:
    return {1: "once", 2: "twice"}.get(number, f"{number} times")


def _duration(seconds: int) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600} {_plural(seconds // 3600, 'hour')}"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60} {_plural(seconds // 60, 'minute')}"
    return f"{seconds} {_plural(seconds, 'second')}"
