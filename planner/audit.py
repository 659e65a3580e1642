"""Recording user actions in the append-only audit log, inside the same transaction as the action itself.

Entries name the acting user (the signer for sign-offs, otherwise the operating-system account) and what was
done to which record; they carry no clinical content and no patient names, only ids.
"""

from __future__ import annotations

import getpass
import json
from typing import Any

from sqlmodel import Session, col, select

from planner.clock import utc_now
from planner.db.engine import Database
from planner.models.audit import AuditEntry


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record(
    session: Session, action: str, subject: str, detail: dict[str, Any] | None = None, actor: str | None = None
) -> None:
    session.add(
        AuditEntry(
            at=utc_now(),
            actor=actor or current_user(),
            action=action,
            subject=subject,
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        )
    )


def log_action(database: Database, action: str, subject: str, detail: dict[str, Any] | None = None) -> None:
    """For actions that write nothing else to the database (an export)."""
    with database.write() as session:
        record(session, action, subject, detail)


def entries(database: Database, limit: int = 1000) -> list[AuditEntry]:
    with database.read() as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)))
