"""Recording user actions in the append-only audit log, inside the same transaction as the action itself.

Entries name the acting user (the signer for sign-offs, otherwise the operating-system account) and what was
done to which record; they carry no clinical content and no patient names, only ids.

The log is a hash chain: each entry stores the hash of the entry before it and a hash of that and its own
content, so an entry changed, removed or slipped in shows when the chain is checked (``planner db check``).
The schema makes entries go at the end only (planner.storage.guards). The chain has no secret: someone who can
rewrite the file can recompute it all, which the signed plans' hashes printed on paper would then expose.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from typing import TYPE_CHECKING, Any

from planner.clock import stored_time, utc_now
from planner.storage.queries import APPEND_AUDIT_ENTRY, AUDIT_CHAIN, LAST_AUDIT_ENTRY

if TYPE_CHECKING:
    from sqlmodel import Session

    from planner.models.audit import AuditEntry
    from planner.storage.database import Database


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def chain_hash(
    prev_hash: str | None, entry_id: int, at: str, actor: str, action: str, subject: str, detail: str
) -> str:
    """An entry's hash: the previous entry's hash and this entry's stored values, as stored (text). Fixed for
    good: every database's chain was computed with it (migration 0006 chained the entries before it)."""
    payload = json.dumps([prev_hash or "", entry_id, at, actor, action, subject, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session, action: str, subject: str, detail: dict[str, Any] | None = None, actor: str | None = None
) -> None:
    """Append an entry after the last one, in the action's own transaction (BEGIN IMMEDIATE: no other writer
    can append in between). Written as text exactly as it is hashed.

    On a clinic server the actor is the connection's login, whatever is passed (the server refuses any
    other); a name passed for a sign-off is kept in the detail as ``signer``."""
    if session.get_bind().dialect.name == "postgresql":
        from planner.storage.postgres import current_role

        login = current_role(session.connection())
        if actor is not None and actor != login:
            detail = {**(detail or {}), "signer": actor}
        actor = login
    append_entry(session, stored_time(utc_now()), actor or current_user(), action, subject, detail or {})


def append_entry(session: Any, at: str, actor: str, action: str, subject: str, detail: dict[str, Any]) -> None:
    """Append one entry as given after the last one, chained to it (:func:`record` for the current action;
    copying a workstation's log into a clinic server keeps each entry's own time and actor)."""
    last = session.execute(LAST_AUDIT_ENTRY).first()
    values: dict[str, Any] = {
        "id": last[0] + 1 if last else 1,
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
        "prev_hash": last[1] if last else None,
    }
    values["entry_hash"] = chain_hash(
        values["prev_hash"],
        values["id"],
        values["at"],
        values["actor"],
        values["action"],
        values["subject"],
        values["detail"],
    )
    session.execute(APPEND_AUDIT_ENTRY, values)


def chain_problems(connection: Any, limit: int = 20) -> list[str]:
    """Where the audit log's hash chain breaks: an entry whose content no longer matches its hash, or that does
    not name the hash of the entry before it (one was changed, removed or inserted)."""
    problems: list[str] = []
    previous = None
    rows = connection.execute(AUDIT_CHAIN)
    for entry_id, at, actor, action, subject, detail, prev_hash, entry_hash in rows:
        if prev_hash != previous:
            problems.append(f"audit entry {entry_id} does not follow the entry before it (one was removed or added)")
        if entry_hash != chain_hash(prev_hash, entry_id, _as_stored(at), actor, action, subject, detail):
            problems.append(f"audit entry {entry_id} was changed after it was written")
        previous = entry_hash
        if len(problems) >= limit:
            break
    return problems


def _as_stored(at: Any) -> str:
    """An entry's time as it was written and hashed: SQLite gives the text back; PostgreSQL a UTC time."""
    if isinstance(at, str):
        return at
    from datetime import UTC

    return stored_time(at.astimezone(UTC))


def last_change(database: Database) -> int:
    """The number of the last action written to the database by anyone (0 for none): when it moves, another
    workstation changed something (see planner.storage.queries.LAST_CHANGE)."""
    from planner.storage.queries import LAST_CHANGE

    with database.connection() as connection:
        return int(connection.execute(LAST_CHANGE).scalar() or 0)


def log_action(database: Database, action: str, subject: str, detail: dict[str, Any] | None = None) -> None:
    """For actions that write nothing else to the database (an export)."""
    with database.write() as session:
        record(session, action, subject, detail)


def entries(database: Database, limit: int = 1000) -> list[AuditEntry]:
    from sqlmodel import col, select

    from planner.models.audit import AuditEntry

    with database.read() as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)))
