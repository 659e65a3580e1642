"""Opening the SQLite database: connection settings, transactions, and bringing the schema up to date.

Every connection gets the same pragmas (foreign keys on, a busy timeout, a journal mode chosen by SQLite
version, full synchronous commits, untrusted schema), whether it is one of SQLAlchemy's or a plain
:mod:`sqlite3` connection from :meth:`Database.connect`. Writes go through :meth:`Database.write`, one
``BEGIN IMMEDIATE`` transaction per user action, so two processes never deadlock upgrading a read lock and a
failed action leaves nothing half-written.

SQLAlchemy is imported only when the engine is first used: the desktop app paints its window and lists the
patients with :mod:`sqlite3` alone, which saves a few hundred milliseconds and tens of MiB at start-up.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from planner.errors import NotFoundError, StorageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
    from sqlmodel import Session

Row = TypeVar("Row")

BUSY_TIMEOUT_MS = 10_000
WAL_SAFE_SQLITE = (3, 51, 3)
"""SQLite releases before this one carry the WAL-reset race that can corrupt a database (fixed in 3.51.3);
on those the rollback journal is used instead of WAL."""


def journal_mode_for(version: tuple[int, ...]) -> str:
    return "WAL" if version >= WAL_SAFE_SQLITE else "DELETE"


JOURNAL_MODE = journal_mode_for(sqlite3.sqlite_version_info)


def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    """The one place the connection pragmas are set, for SQLAlchemy's connections and :meth:`Database.connect`."""
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


_ENGINE_LOCK = threading.Lock()


class Database:
    """One SQLite file. Cheap to create: SQLAlchemy loads only when :attr:`engine` is first used (a read with
    :meth:`connect` needs only :mod:`sqlite3`). The schema is brought up to date by :func:`open_database`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def engine(self) -> Engine:
        # Made under a lock, and stored before the lock is let go: a warm-up thread and the window may ask
        # for it at once, and from Python 3.12 cached_property no longer locks.
        with _ENGINE_LOCK:
            made = self.__dict__.get("engine")
            if made is not None:
                return made
            from sqlalchemy import event
            from sqlmodel import create_engine

            engine = create_engine(f"sqlite:///{self.path}", connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _configure)
            event.listen(engine, "begin", _begin)
            self.__dict__["engine"] = engine
            return engine

    @cached_property
    def _reader(self) -> Engine:
        return self.engine.execution_options(sqlite_begin="DEFERRED")

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A plain sqlite3 connection with the engine's pragmas, closed on exit: for reads that the first
        screen needs (the patient list, the schema revision) without loading SQLAlchemy.

        It is in autocommit mode like the engine's connections: each statement is its own transaction unless
        the caller issues BEGIN.
        """
        connection = sqlite3.connect(self.path, check_same_thread=False)
        try:
            _configure(connection, None)
            yield connection
        finally:
            connection.close()

    @contextmanager
    def rows(self, sql: str, parameters: dict[str, Any] | tuple[Any, ...] = ()) -> Iterator[Iterator[tuple[Any, ...]]]:
        """The rows of one read with :meth:`connect`, for turning thousands of them into objects at once.

        The cyclic garbage collector is paused meanwhile: it would otherwise traverse the growing list of
        objects again and again (10,000 patients are listed in about 37 ms instead of 63). Rows make no
        reference cycles, and the collector is switched back on after, if it was on.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self.connect() as connection:
                yield connection.execute(sql, parameters)
        finally:
            if collecting:
                gc.enable()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: BEGIN IMMEDIATE, commit on success, roll back on any exception."""
        from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
        from sqlmodel import Session

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
        from sqlmodel import Session

        # Closing (not rolling back) ends the read transaction and leaves loaded objects usable.
        with Session(self._reader, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        if "engine" in self.__dict__:  # never load SQLAlchemy just to close it
            self.engine.dispose()


def open_database(path: Path | str, *, seed_library: bool = True) -> Database:
    """Open (creating if needed) the database at ``path``, migrate it, load the shipped documents and take the
    daily backup.

    A file that is not a usable planner database is reported with the newest good backup (if any) and is
    never modified. The desktop app runs the same steps, split around its first paint: :func:`open_schema`
    before, then :func:`seed_shipped_documents` and :func:`~planner.db.backup.automatic_backup` under
    :func:`damage_reported`.
    """
    from planner.db.backup import automatic_backup

    database = open_schema(path)
    with damage_reported(database):
        if seed_library:
            seed_shipped_documents(database)
        automatic_backup(database.path)
    return database


def open_schema(path: Path | str) -> Database:
    """What must happen before the database is used at all: the file is checked to be an SQLite database and
    its schema brought to the newest revision, after a backup when a migration is due.

    An up-to-date database is checked with :mod:`sqlite3` alone; Alembic and SQLAlchemy load only to migrate.
    """
    from planner.db.migrate import HEAD_REVISION, current_revision, known_revisions, upgrade

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
    with damage_reported(database):
        revision = current_revision(database)
        if revision is not None and revision not in known_revisions():
            raise StorageError(
                f"the database {path} was written by a newer version of the planner (schema {revision}; this "
                f"version knows up to {HEAD_REVISION}). Open it with the newer version; the file was not changed."
            )
        if revision != HEAD_REVISION:
            if revision is not None:
                from planner.db.backup import automatic_backup

                automatic_backup(path, before_migration=True)
            upgrade(database)
    return database


def seed_shipped_documents(database: Database) -> None:
    """Store the shipped documents that are new or changed. When every shipped file is already stored as it
    is (every start but the first after an update), this only compares the files with the stored texts, with
    :mod:`sqlite3`; the compiler and SQLAlchemy load only when there is something to store."""
    from planner.library.files import shipped_documents_stored

    if not shipped_documents_stored(database):
        from planner.library.store import sync_shipped_documents

        sync_shipped_documents(database)


def _is_database_error(exc: BaseException) -> bool:
    """sqlite3's DatabaseError, or SQLAlchemy's wrapper of one (checked without importing SQLAlchemy: if it
    raised the error, it is loaded)."""
    wrapped = sys.modules.get("sqlalchemy.exc")
    return isinstance(exc, sqlite3.DatabaseError) or (
        wrapped is not None and isinstance(exc, wrapped.DatabaseError)  # type: ignore[attr-defined]
    )


@contextmanager
def damage_reported(database: Database) -> Iterator[None]:
    """Run a step of opening ``database``: on failure the database is disposed, and an error that means a
    damaged file (SQLite errors, or stored text that no longer decodes) is logged and raised as a
    :class:`DamagedDatabaseError` naming the newest good backup; the file itself is never changed here."""
    try:
        yield
    except Exception as exc:
        database.dispose()
        if not (_is_database_error(exc) or isinstance(exc, (UnicodeDecodeError, ValueError))):
            raise
        from planner.logs import log_exception

        log_exception(exc)
        raise damaged_database_error(database.path, str(getattr(exc, "orig", exc))[:200]) from None


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
