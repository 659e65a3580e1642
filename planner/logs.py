"""A rotating log file in the user log folder, for errors only and never with patient details.

Tracebacks are written (they hold code, not record contents); messages of user errors are not logged,
because they can quote what was typed.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from planner.paths import user_log_dir

LOG_NAME = "planner.log"
_logger = logging.getLogger("planner")


def log_path() -> Path:
    return user_log_dir() / LOG_NAME


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
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _logger.addHandler(handler)
    _logger.setLevel(logging.INFO)


def log_exception(exc: BaseException) -> Path:
    """Record an unexpected exception with its traceback; return where it went."""
    _ensure_handler()
    _logger.error("unexpected %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
    return log_path()
