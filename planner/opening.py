"""Opening a database for use: the file checked and its schema brought up to date, the shipped documents
stored, the daily backup taken.

The storage package knows files, transactions and the schema; the document library knows documents. This is
where the two meet, above both, so that storage never reaches up into the library. The desktop app runs the
same steps split around its first paint (planner.ui.app): :func:`~planner.storage.database.open_schema`
before, the rest after, each under :func:`~planner.storage.database.damage_reported`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from planner.storage.database import Database, damage_reported, open_schema, open_server_schema
from planner.storage.sqlite import BUSY_TIMEOUT_MS


def open_database(
    path: Path | str,
    *,
    seed_library: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ask_password: Callable[[str], str] | None = None,
) -> Database:
    """Open (creating if needed) the database at ``path``, migrate it, load the shipped documents and take the
    daily backup.

    A file that is not a usable planner database is reported with the newest good backup (if any) and is
    never modified. ``path`` may be a clinic server's address (``postgresql://HOST/DBNAME``): then the
    password, when libpq's conventions give none, is asked of ``ask_password``; the server's backups are the
    server's (``planner db backup``), not a daily file copy.
    """
    from planner.storage.backup import automatic_backup
    from planner.storage.postgres import is_server_url

    if is_server_url(path):
        database: Database = open_server_schema(str(path), busy_timeout_ms=busy_timeout_ms, ask_password=ask_password)
        if seed_library:
            seed_shipped_documents(database)
        return database
    database = open_schema(path, busy_timeout_ms=busy_timeout_ms)
    with damage_reported(database):
        if seed_library:
            seed_shipped_documents(database)
        automatic_backup(database.path)
    return database


def seed_shipped_documents(database: Database) -> None:
    """Store the shipped documents that are new or changed. When every shipped file is already stored as it
    is (every start but the first after an update), this only compares the files with the stored texts
    (planner.library.files.shipped_documents_stored); the library store, its compiler and the ORM load only
    when there is something to store."""
    from planner.library.files import shipped_documents_stored

    if not shipped_documents_stored(database):
        from planner.library.store import sync_shipped_documents

        sync_shipped_documents(database)
