"""Opening the SQLite database: connection settings, transactions, and bringing the schema up to date.

Every connection gets the same pragmas (foreign keys on, a busy timeout, a journal mode chosen by SQLite
version, full synchronous commits, untrusted schema). Writes go through :meth:`Database.write`, one
``BEGIN IMMEDIATE`` transaction per user action, so two processes never deadlock upgrading a read lock and a
failed action leaves nothing half-written.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlmodel import Session, create_engine

from planner.errors import NotFoundError, StorageError

Row = TypeVar("Row")

BUSY_TIMEOUT_MS = 10_000
WAL_SAFE_SQLITE = (3, 51, 3)
"""SQLite releases before this one carry the WAL-reset race that can corrupt a database (fixed in 3.51.3);
on those the rollback journal is used instead of WAL."""


def journal_mode_for(version: tuple[int, ...]) -> str:
    return "WAL" if version >= WAL_SAFE_SQLITE else "DELETE"


JOURNAL_MODE = journal_mode_for(sqlite3.sqlite_version_info)


def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA trusted_schema = OFF")
    cursor.execute(f"PRAGMA journal_mode = {JOURNAL_MODE}")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _begin(connection: Any) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def storage_error(exc: SQLAlchemyDatabaseError, path: Path) -> StorageError:
    """Explain a failed write in words a clinic can act on; nothing of the action was stored."""
    reason = str(getattr(exc, "orig", exc))
    if "full" in reason:
        advice = "the disk is full. Free some space and save again"
    elif "readonly" in reason or "read-only" in reason:
        advice = "the database file cannot be written (read-only). Check the file's permissions"
    elif "locked" in reason or "busy" in reason:
        advice = "another program kept the database busy. Save again in a moment"
    else:
        advice = f"of a storage error ({reason})"
    return StorageError(f"Nothing was saved to {path} because {advice}; your entries are kept.")


def get_or_raise(session: Session, model: type[Row], key: Any) -> Row:
    """The row with primary key ``key``, or a NotFoundError naming what was asked for."""
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"no {model.__tablename__} with id {key!r}")  # type: ignore[attr-defined]
    return row


class Database:
    """One SQLite file. Cheap to create; the schema is brought up to date by :func:`open_database`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine: Engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
        event.listen(self.engine, "connect", _configure)
        event.listen(self.engine, "begin", _begin)
        self._reader = self.engine.execution_options(sqlite_begin="DEFERRED")

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: BEGIN IMMEDIATE, commit on success, roll back on any exception."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except SQLAlchemyDatabaseError as exc:
                session.rollback()
                raise storage_error(exc, self.path) from None
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        # Closing (not rolling back) ends the read transaction and leaves loaded objects usable.
        with Session(self._reader, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str, *, seed_library: bool = True) -> Database:
    """Open (creating if needed) the database at ``path``, migrate it, and load the shipped documents.

    A file that is not a usable planner database is reported with the newest good backup (if any) and is
    never modified.
    """
    from planner.db.backup import automatic_backup
    from planner.db.migrate import HEAD_REVISION, current_revision, upgrade

    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the folder for the database {path.parent}: {exc.strerror}") from None
    if not path.exists():
        # Create the file readable by this user only, before SQLite opens it.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    elif not _looks_like_sqlite(path):
        raise damaged_database_error(path, "it is not an SQLite database")
    database = Database(path)
    try:
        revision = current_revision(database)
        if revision is not None and revision != HEAD_REVISION:
            automatic_backup(path, before_migration=True)
        upgrade(database)
        if seed_library:
            from planner.library.store import sync_shipped_documents

            sync_shipped_documents(database)
        automatic_backup(path)
    except (sqlite3.DatabaseError, SQLAlchemyDatabaseError, UnicodeDecodeError, ValueError) as exc:
        # A damaged file shows up as SQLite errors, or as stored text that no longer decodes.
        database.dispose()
        from planner.logs import log_exception

        log_exception(exc)
        raise damaged_database_error(path, str(getattr(exc, "orig", exc))[:200]) from None
    except Exception:
        database.dispose()
        raise
    return database


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        header = handle.read(16)
    return header in (b"", b"SQLite format 3\x00")


class DamagedDatabaseError(StorageError):
    """The file at the database path is damaged or foreign; it was left exactly as it was."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


def damaged_database_error(path: Path, reason: str) -> DamagedDatabaseError:
    from planner.db.backup import newest_good_backup

    backup = newest_good_backup(path)
    message = f"{path} is not a usable planner database ({reason}). The file was not changed."
    if backup is not None:
        when = backup.taken_at.strftime("%Y-%m-%d %H:%M")
        message += (
            f" The newest good backup is {backup.path} from {when}: restore it with "
            f"'planner --db {path} db restore {backup.path}' (the current file is kept, renamed)."
        )
    else:
        message += " No backup was found beside it."
    return DamagedDatabaseError(message, path, backup.path if backup else None)
