"""Dates as a clinic types them: the formats read, the day/month order, and the words shown back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from planner.dates import DateError, ambiguous, format_date, format_moment, long_date, read_typed_date

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("1958-04-03", True, date(1958, 4, 3)),
        ("1958-04-03", False, date(1958, 4, 3)),
        ("1958/4/3", True, date(1958, 4, 3)),
        ("19580403", True, date(1958, 4, 3)),
        ("3/4/1958", True, date(1958, 4, 3)),
        ("3/4/1958", False, date(1958, 3, 4)),
        ("03.04.1958", True, date(1958, 4, 3)),
        ("03-04-1958", False, date(1958, 3, 4)),
        ("25/4/1958", False, date(1958, 4, 25)),  # only one reading: the setting does not matter
        ("4/25/1958", True, date(1958, 4, 25)),
        ("3/4/58", True, date(1958, 4, 3)),
        ("3/4/26", True, date(2026, 4, 3)),
        ("3 Apr 1958", False, date(1958, 4, 3)),
        ("3 april 1958", True, date(1958, 4, 3)),
        ("April 3, 1958", True, date(1958, 4, 3)),
        ("Apr 3rd 1958", True, date(1958, 4, 3)),
        ("3rd of April 1958", True, date(1958, 4, 3)),
        ("3-Sept-1958", True, date(1958, 9, 3)),
        ("  3   Apr   1958 ", True, date(1958, 4, 3)),
        ("today", True, TODAY),
        ("Yesterday", True, TODAY - timedelta(days=1)),
    ],
)
def test_formats_a_clinic_types(text: str, day_first: bool, expected: date) -> None:
    assert read_typed_date(text, day_first=day_first, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no date was typed"),
        ("31/2/1958", "February 1958 has no day 31"),
        ("1958-13-01", "there is no month 13"),
        ("13/13/1958", "there is no month 13"),
        ("3/4", "the year is missing"),
        ("3 April", "the year is missing"),
        ("3 Fooember 1958", "'fooember' is not a month"),
        ("soon", "not a date I can read"),
        ("1958-04-03T10:00", "not a date I can read"),
    ],
)
def test_what_is_not_a_date_says_why(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        read_typed_date(text, today=TODAY)


def test_ambiguous_only_when_day_and_month_could_swap() -> None:
    assert ambiguous("3/4/1958")
    assert not ambiguous("25/4/1958")
    assert not ambiguous("4/4/1958")
    assert not ambiguous("1958-04-03")
    assert not ambiguous("3 Apr 1958")


def test_dates_read_back_in_words() -> None:
    assert format_date(date(1958, 4, 3)) == "3 Apr 1958"
    assert format_date("1958-04-03") == "3 Apr 1958"
    assert format_date(None) == ""
    assert long_date(date(1958, 4, 3)) == "Thursday 3 April 1958"


def test_moments_read_as_people_say_them() -> None:
    now = datetime(2026, 12, 5, 16, 0).astimezone()
    assert format_moment(now.replace(hour=14, minute=5), now) == "today at 14:05"
    assert format_moment(now - timedelta(days=1), now) == "yesterday at 16:00"
    assert format_moment(datetime(2026, 11, 20, 9, 30).astimezone(), now) == "Friday 20 November 2026 at 09:30"
    # A stored UTC time is shown in the machine's zone.
    stored = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    local = stored.astimezone()
    assert format_moment(stored, now).endswith(f"at {local.hour:02d}:{local.minute:02d}")
