"""Each database's own id, stored inside it, so its backups can be told from another database's.

The id is made when the schema is created (migration 0006) and is never changed (triggers refuse updates,
deletes and a second row). A backup is a copy of the database, so it carries the same id: restoring checks
it, and only a database's own backups are offered for it. A file copied by hand keeps the id of the file it
was copied from; the planner cannot tell such twins apart.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.db.engine import Database


def new_database_id() -> str:
    import uuid

    return uuid.uuid4().hex


def read_database_id(connection: sqlite3.Connection) -> str | None:
    """The id stored in the database on ``connection``; None when it has none (made before migration 0006)."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'database_identity'"
    ).fetchone()
    if not exists:
        return None
    row = connection.execute("SELECT id FROM database_identity LIMIT 1").fetchone()
    return str(row[0]) if row else None


def file_database_id(path: Path) -> str | None:
    """The id stored in the database file at ``path`` (read-only), or None when it has none or cannot be read."""
    from planner.db.files import READ_ERRORS, read_only_connection

    try:
        connection = read_only_connection(path)
        try:
            return read_database_id(connection)
        finally:
            connection.close()
    except READ_ERRORS:
        return None


def ensure_database_id(database: Database) -> str:
    """The database's id, made now if it has none (the schema makes it; this covers a row removed by hand)."""
    with database.connect() as connection:
        found = read_database_id(connection)
        if found is not None:
            return found
        from planner.clock import stored_time, utc_now

        made = new_database_id()
        connection.execute(
            "INSERT INTO database_identity (id, created_at) SELECT ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM database_identity)",
            (made, stored_time(utc_now())),
        )
        return read_database_id(connection) or made
