"""A rotating log file in the user log folder, for errors only and never with patient details.

What is written for an exception: its type and the frames of its traceback (file, line, function and the
line of code: code, not record contents), for every exception in its chain. Exception *messages* are not
written: they quote data. ReportLab puts the paragraph it could not parse in its message (a patient's name,
an address), Python's own conversions quote the text they failed on (``could not convert string to float:
'...'``), a ``KeyError`` is its key, and our own user errors quote what was typed. A message is kept only
for the few kinds whose text comes from the machine, never from a record: SQLite's errors (they name
tables and constraints, not values), and an operating-system error's reason (without the file name, which
may be an export named after the patient). The log handler's formatter does the same for any record that
carries an exception, so no code path can log a message by mistake.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path
from types import TracebackType

from planner.paths import user_log_dir

LOG_NAME = "planner.log"
_logger = logging.getLogger("planner")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def log_path() -> Path:
    return user_log_dir() / LOG_NAME


def message_for_log(error: BaseException) -> str:
    """What the log may say of an exception's message (see the module's docstring)."""
    from planner.storage.sqlite import DRIVER_ERRORS

    if isinstance(error, DRIVER_ERRORS):
        return str(error)
    if isinstance(error, OSError):
        return f"[Errno {error.errno}] {error.strerror}" if error.errno else "(operating-system error)"
    if isinstance(error, RecursionError | MemoryError):
        return type(error).__doc__ or ""
    text = str(error)
    return f"(message withheld: {len(text)} characters)" if text else ""


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or while handling, oldest first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return chain[::-1]


def redacted_traceback(error: BaseException) -> str:
    """A traceback like Python's, for the whole chain, with messages as :func:`message_for_log` allows."""
    lines: list[str] = []
    chain = _chain(error)
    for index, link in enumerate(chain):
        if index:
            caused = chain[index].__cause__ is chain[index - 1]
            lines.append(
                "\nThe above exception was the direct cause of the following exception:\n"
                if caused
                else "\nDuring handling of the above exception, another exception occurred:\n"
            )
        if link.__traceback__ is not None:
            lines.append("Traceback (most recent call last):")
            for frame in traceback.extract_tb(link.__traceback__):
                lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
                if frame.line:
                    lines.append(f"    {frame.line.strip()}")
        kind = type(link)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        message = message_for_log(link)
        lines.append(f"{name}: {message}" if message else name)
    return "\n".join(lines)


class RedactingFormatter(logging.Formatter):
    """Every exception in a log record is written by :func:`redacted_traceback`."""

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:
        return redacted_traceback(ei[1]) if ei[1] is not None else ""


def _ensure_handler() -> None:
    if _logger.handlers:
        return
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        path.chmod(0o600)
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _logger.addHandler(handler)
    _logger.setLevel(logging.INFO)


def log_exception(exc: BaseException) -> Path:
    """Record an unexpected exception with its traceback (messages withheld); return where it went."""
    _ensure_handler()
    _logger.error("unexpected %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
    return log_path()
