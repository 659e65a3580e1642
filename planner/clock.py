"""The current time, in one place: stored times are aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def stored_time(moment: datetime) -> str:
    """A time as the database holds it: the wall time as given (UTC for ours), to the microsecond; the text
    SQLAlchemy writes for a DateTime column, so rows written either way read and hash alike."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
