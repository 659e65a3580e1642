"""Opening the SQLite database: connection settings, transactions, and bringing the schema up to date.

Every connection gets the same pragmas (foreign keys on, a busy timeout, a journal mode chosen by SQLite
version, full synchronous commits, untrusted schema), whether it is one of SQLAlchemy's or a plain
:mod:`sqlite3` connection from :meth:`Database.connect`. Writes go through :meth:`Database.write`, one
``BEGIN IMMEDIATE`` transaction per user action, so two processes never deadlock upgrading a read lock and a
failed action leaves nothing half-written.

SQLAlchemy is imported only when the engine is first used: the desktop app paints its window and lists the
patients with :mod:`sqlite3` alone, which saves a few hundred milliseconds and tens of MiB at start-up.

Connections are opened from the file's path, never from a URL string. What went wrong is read from SQLite's
result code, never from its wording: busy or locked is :class:`DatabaseBusyError` (try again), corrupt or
not a database is :class:`DamagedDatabaseError` (the only case a restore is offered for).
"""

from __future__ import annotations

import gc
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from planner.db.files import READ_ERRORS
from planner.errors import DamagedDataError, NotFoundError, StorageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

Row = TypeVar("Row")

BUSY_TIMEOUT_MS = 10_000
"""How long a statement waits for another program's transaction to end before the database counts as busy."""
WAL_SAFE_SQLITE = (3, 51, 3)
"""SQLite releases before this one carry the WAL-reset race that can corrupt a database (fixed in 3.51.3);
on those the rollback journal is used instead of WAL."""


def journal_mode_for(version: tuple[int, ...]) -> str:
    return "WAL" if version >= WAL_SAFE_SQLITE else "DELETE"


JOURNAL_MODE = journal_mode_for(sqlite3.sqlite_version_info)


def configure(connection: sqlite3.Connection, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """The one place the connection pragmas are set, for SQLAlchemy's connections and :meth:`Database.connect`.

    Recursive triggers are on so that a row deleted by a REPLACE conflict fires the delete guards too (the
    schema's own insert and update guards close that path for every connection, see planner.db.guards).
    """
    connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute("PRAGMA trusted_schema = OFF")
    cursor.execute("PRAGMA recursive_triggers = ON")
    cursor.execute(f"PRAGMA journal_mode = {JOURNAL_MODE}")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _begin(connection: Any) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind ``exc`` (itself, or the one SQLAlchemy wrapped), or None."""
    if isinstance(exc, sqlite3.Error):
        return exc
    wrapped = getattr(exc, "orig", None)
    return wrapped if isinstance(wrapped, sqlite3.Error) else None


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of the error behind ``exc`` (SQLITE_BUSY, SQLITE_CORRUPT, ...), or None."""
    error = sqlite_error(exc)
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
"""What SQLite reports for a damaged file or one that is not a database: the only errors that count as damage."""
BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
"""Another connection holds a lock SQLite waited for in vain: the database is in use, not damaged."""


def is_damage(exc: BaseException) -> bool:
    return sqlite_code(exc) in DAMAGE_CODES


def is_busy(exc: BaseException) -> bool:
    return sqlite_code(exc) in BUSY_CODES


class DatabaseBusyError(StorageError):
    """Another program held the database for longer than the busy timeout; nothing was changed. Trying again
    later is the remedy, never a restore."""

    def __init__(self, path: Path, doing: str = "") -> None:
        self.path = path
        what = f"{doing}: " if doing else ""
        super().__init__(
            f"{what}the database {path} is in use by another program (it kept it locked for longer than the "
            "planner waits). Nothing was changed; try again in a moment."
        )


def storage_error(exc: BaseException, path: Path) -> StorageError:
    """Explain a failed write in words a clinic can act on; nothing of the action was stored. Decided by
    SQLite's result code, never by the wording of its message."""
    if is_busy(exc):
        return DatabaseBusyError(path, "Nothing was saved and your entries are kept")
    code = sqlite_code(exc)
    reason = str(sqlite_error(exc) or exc)
    if code == sqlite3.SQLITE_FULL:
        advice = "the disk is full. Free some space and save again"
    elif code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        advice = "the database file cannot be written (read-only). Check the file's permissions"
    elif code in DAMAGE_CODES:
        advice = f"SQLite reports the file as damaged ({reason}). Run 'planner db check'"
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
    :meth:`connect` needs only :mod:`sqlite3`). The schema is brought up to date by :func:`open_database`.

    Every connection is opened from the path itself (absolute, so no file name is ever read as a URI and the
    working folder may change), never through a URL: any character a file name may hold works.
    """

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path).expanduser().absolute()
        self.busy_timeout_ms = busy_timeout_ms

    def _open_file(self) -> sqlite3.Connection:
        return sqlite3.connect(
            self.path, timeout=self.busy_timeout_ms / 1000, check_same_thread=False, isolation_level=None
        )

    def new_connection(self) -> sqlite3.Connection:
        """A configured sqlite3 connection to the file; the caller closes it."""
        connection = self._open_file()
        try:
            configure(connection, self.busy_timeout_ms)
        except BaseException:
            connection.close()
            raise
        return connection

    @cached_property
    def engine(self) -> Engine:
        # Made under a lock, and stored before the lock is let go: a warm-up thread and the window may ask
        # for it at once, and from Python 3.12 cached_property no longer locks.
        with _ENGINE_LOCK:
            made = self.__dict__.get("engine")
            if made is not None:
                return made
            from sqlalchemy import event
            from sqlalchemy.pool import QueuePool
            from sqlmodel import create_engine

            # The URL names the dialect only; the creator opens the file (a path in a URL string would be
            # parsed: '?' starts a query, '%41' is decoded, '#' and '[' confuse it).
            engine = create_engine("sqlite+pysqlite://", creator=self._open_file, poolclass=QueuePool)
            event.listen(engine, "connect", self._configure_pooled)
            event.listen(engine, "begin", _begin)
            self.__dict__["engine"] = engine
            return engine

    def _configure_pooled(self, connection: sqlite3.Connection, _record: Any) -> None:
        """After SQLAlchemy's own set-up of a new connection (which may change its isolation level)."""
        configure(connection, self.busy_timeout_ms)

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
        connection = self.new_connection()
        try:
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


def open_database(path: Path | str, *, seed_library: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open (creating if needed) the database at ``path``, migrate it, load the shipped documents and take the
    daily backup.

    A file that is not a usable planner database is reported with the newest good backup (if any) and is
    never modified. The desktop app runs the same steps, split around its first paint: :func:`open_schema`
    before, then :func:`seed_shipped_documents` and :func:`~planner.db.backup.automatic_backup` under
    :func:`damage_reported`.
    """
    from planner.db.backup import automatic_backup

    database = open_schema(path, busy_timeout_ms=busy_timeout_ms)
    with damage_reported(database):
        if seed_library:
            seed_shipped_documents(database)
        automatic_backup(database.path)
    return database


def open_schema(path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """What must happen before the database is used at all: the path is checked to be a file holding a planner
    database (or nothing yet), a restore cut short is finished or undone, and the schema is brought to the
    newest revision, after a backup when a migration is due.

    An up-to-date database is checked with :mod:`sqlite3` alone; Alembic and SQLAlchemy load only to migrate.
    """
    from planner.db.identity import ensure_database_id
    from planner.db.migrate import HEAD_REVISION, current_revision, known_revisions, upgrade
    from planner.db.restore import finish_interrupted_restore

    database = Database(path, busy_timeout_ms=busy_timeout_ms)
    path = database.path
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file. Give the path of a file (new or existing).")
    if path.exists() and not path.is_file():
        raise StorageError(
            f"{path} is not a regular file (a device, a pipe or a socket) and cannot hold a database. "
            "Give the path of a file (new or existing)."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the folder for the database {path.parent}: {exc.strerror}") from None
    finish_interrupted_restore(path)
    if not path.exists():
        # Create the file readable by this user only, before SQLite opens it.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    elif not looks_like_sqlite(path):
        raise damaged_database_error(path, "it is not an SQLite database")
    with damage_reported(database):
        revision = current_revision(database)
        if revision is None and _holds_tables(database):
            raise ForeignDatabaseError(
                f"{path} is an SQLite database of another application (it has tables but no planner schema). "
                "The planner does not add its tables to it; the file was not changed. Choose another file."
            )
        if revision is not None and revision not in known_revisions():
            if not PLANNER_REVISION.fullmatch(revision):
                raise ForeignDatabaseError(
                    f"{path} is a database of another application (schema {revision!r} is not one of the "
                    "planner's). The file was not changed. Choose another file."
                )
            raise StorageError(
                f"the database {path} was written by a newer version of the planner (schema {revision}; this "
                f"version knows up to {HEAD_REVISION}). Open it with the newer version; the file was not changed."
            )
        if revision != HEAD_REVISION:
            if revision is not None:
                from planner.db.backup import automatic_backup

                automatic_backup(path, before_migration=True)
            upgrade(database)
        ensure_database_id(database)
    return database


PLANNER_REVISION = re.compile(r"\d{4}_[a-z0-9_]+")
"""How the planner names its schema revisions (planner/db/migrations/versions): another application's Alembic
revision ids do not look like this."""


def _holds_tables(database: Database) -> bool:
    with database.connect() as connection:
        row = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' LIMIT 1"
        ).fetchone()
    return row is not None


def seed_shipped_documents(database: Database) -> None:
    """Store the shipped documents that are new or changed. When every shipped file is already stored as it
    is (every start but the first after an update), this only compares the files with the stored texts, with
    :mod:`sqlite3`; the compiler and SQLAlchemy load only when there is something to store."""
    from planner.library.files import shipped_documents_stored

    if not shipped_documents_stored(database):
        from planner.library.store import sync_shipped_documents

        sync_shipped_documents(database)


@contextmanager
def damage_reported(database: Database) -> Iterator[None]:
    """Run a step of opening ``database``; on failure the database is disposed and the error explained.

    Damage is what SQLite itself reports: a file SQLite calls corrupt or not a database is logged and raised as
    a :class:`DamagedDatabaseError` naming the newest good backup. A database that another program keeps
    locked is :class:`DatabaseBusyError` (try again; never a restore). Stored values that do not decode are
    damage only when SQLite's own check of the file then finds a problem. Other storage errors (permissions,
    a full disk, input/output) are a plain :class:`StorageError`. The file itself is never changed here.
    """
    try:
        yield
    except Exception as exc:
        database.dispose()
        # A value whose stored type was changed by damage fails to convert (ValueError, or TypeError when a text
        # column holds a number): SQLite's own check decides below whether the file is damaged.
        if isinstance(exc, DamagedDataError):
            raise damaged_database_error(database.path, str(exc).split(":")[0]) from None
        if sqlite_error(exc) is None and not isinstance(exc, (ValueError, TypeError)):
            raise  # our own errors (already explained) and bugs
        from planner.logs import log_exception

        log_exception(exc)
        reason = str(sqlite_error(exc) or exc)[:200]
        if is_busy(exc):
            raise DatabaseBusyError(database.path, "The database could not be opened") from None
        if is_damage(exc):
            raise damaged_database_error(database.path, reason) from None
        if sqlite_code(exc) is not None:
            raise StorageError(
                f"the database {database.path} could not be opened ({reason}). The file was not changed."
            ) from None
        found = _sqlite_check(database)
        if found:
            raise damaged_database_error(database.path, found) from None
        raise StorageError(
            f"stored data in {database.path} cannot be read ({reason}), although SQLite finds the file itself "
            "intact. The file was not changed; run 'planner db check' for details, or restore a backup with "
            "'planner db restore'."
        ) from None


def _sqlite_check(database: Database) -> str:
    """SQLite's own verdict on the file: its first problem, or "" when it finds none (or cannot say why)."""
    try:
        with database.connect() as connection:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except READ_ERRORS as exc:
        if isinstance(exc, UnicodeDecodeError):
            return "its schema cannot be read"
        return str(exc) if is_damage(exc) else ""
    return "" if result == "ok" else str(result)[:200]


def looks_like_sqlite(path: Path) -> bool:
    """The file's header, read before SQLite opens it: empty (new) or SQLite's magic string. Anything else is
    what SQLite would call "not a database"."""
    with path.open("rb") as handle:
        header = handle.read(16)
    return header in (b"", b"SQLite format 3\x00")


class DamagedDatabaseError(StorageError):
    """SQLite reports the file at the database path as damaged or not a database; it was left exactly as it was."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


class ForeignDatabaseError(StorageError):
    """The path holds another application's SQLite database: refused, never given the planner's tables."""


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
        message += " No backup of it was found."
    return DamagedDatabaseError(message, path, backup.path if backup else None)
