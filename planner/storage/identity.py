"""Each database's own id, stored inside it, so its backups can be told from another database's.

The id is made when the schema is created (migration 0006) and is never changed (triggers refuse updates,
deletes and a second row). A backup is a copy of the database, so it carries the same id: restoring checks
it, and only a database's own backups are offered for it. A file copied by hand keeps the id of the file it
was copied from; the planner cannot tell such twins apart. (A backup file's id is read from the file itself:
planner.storage.sqlite.file_database_id.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.storage.database import Database


def new_database_id() -> str:
    import uuid

    return uuid.uuid4().hex


def read_database_id(connection: Any) -> str | None:
    """The id stored in the database on ``connection`` (SQLAlchemy's); None when it has none (made before
    migration 0006)."""
    from sqlalchemy import inspect

    from planner.storage.queries import DATABASE_ID

    if not inspect(connection).has_table("database_identity"):
        return None
    found = connection.execute(DATABASE_ID).first()
    return str(found[0]) if found else None


def ensure_database_id(database: Database) -> str:
    """The database's id, made now if it has none (the schema makes it; this covers a row removed by hand)."""
    with database.connection() as connection:
        found = read_database_id(connection)
    if found is not None:
        return found
    from planner.clock import stored_time, utc_now
    from planner.storage.queries import ADD_DATABASE_ID

    made = new_database_id()
    with database.transaction() as connection:
        connection.execute(ADD_DATABASE_ID, {"id": made, "created_at": stored_time(utc_now())})
        return read_database_id(connection) or made
