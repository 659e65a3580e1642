"""The database: one SQLAlchemy engine, its transactions, and opening a file with the schema brought up to date.

Every read and write goes through the one engine of a :class:`Database`: SQLModel sessions for the rows the
ORM maps (:meth:`Database.read`, :meth:`Database.write`), and SQLAlchemy Core connections for the
hand-written statements of planner.storage.queries (:meth:`Database.connection`, :meth:`Database.rows`,
:meth:`Database.transaction`). A write is one user action: one transaction that takes the write lock at its
start (``BEGIN IMMEDIATE``), commits when the action is done and rolls back on any exception, so two
processes never deadlock upgrading a read lock and a failed action leaves nothing half-written. A read is
one read transaction, one consistent state of the file.

Opening a database for use (the schema, the shipped documents, the daily backup) is planner.opening.

The first screen (the patient list, the follow-up due list) needs SQLAlchemy Core only; the ORM (SQLModel
and the tables) loads when a patient is opened or a command needs it.

The database is an SQLite file, opened from its path (never from a URL string, which would be parsed). What
SQLite does that no other database does (its connection settings, result codes, the file, the backup API)
is planner.storage.sqlite; what went wrong is decided there from SQLite's result code, never from its
wording: busy or locked is :class:`DatabaseBusyError` (try again), corrupt or not a database is
:class:`DamagedDatabaseError` (the only case a restore is offered for).
"""

from __future__ import annotations

import gc
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from planner.errors import DamagedDataError, NotFoundError, StorageError
from planner.storage import sqlite
from planner.storage.errors import DamagedDatabaseError, DatabaseBusyError, ForeignDatabaseError
from planner.storage.sqlite import BUSY_TIMEOUT_MS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine, Row
    from sqlalchemy.sql.elements import TextClause
    from sqlmodel import Session

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DamagedDatabaseError",
    "Database",
    "DatabaseBusyError",
    "ForeignDatabaseError",
    "ServerDatabase",
    "damage_reported",
    "get_or_raise",
    "open_schema",
]

Model = TypeVar("Model")


def get_or_raise(session: Session, model: type[Model], key: Any) -> Model:
    """The row with primary key ``key``, or a NotFoundError naming what was asked for."""
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"no {model.__tablename__} with id {key!r}")  # type: ignore[attr-defined]
    return row


_ENGINE_LOCK = threading.Lock()


class Database:
    """One database file and the engine over it. Cheap to create: SQLAlchemy loads when :attr:`engine` is
    first used. The schema is brought up to date by :func:`open_schema`.

    Every connection is opened from the path itself (absolute, so no file name is ever read as a URI and the
    working folder may change): any character a file name may hold works.
    """

    dialect = "sqlite"
    is_server = False

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path: Path = Path(path).expanduser().absolute()
        self.busy_timeout_ms = busy_timeout_ms

    @property
    def location(self) -> str:
        """Where the database is, as messages show it (a file's path; a server's address without password)."""
        return str(self.path)

    @cached_property
    def engine(self) -> Engine:
        # Made under a lock, and stored before the lock is let go: a warm-up thread and the window may ask
        # for it at once, and from Python 3.12 cached_property no longer locks.
        with _ENGINE_LOCK:
            made = self.__dict__.get("engine")
            if made is not None:
                return made
            from sqlalchemy import create_engine, event
            from sqlalchemy.pool import QueuePool

            # The URL names the dialect only; the creator opens the file (a path in a URL string would be
            # parsed: '?' starts a query, '%41' is decoded, '#' and '[' confuse it).
            engine = create_engine(
                "sqlite+pysqlite://",
                creator=lambda: sqlite.connect(self.path, self.busy_timeout_ms),
                poolclass=QueuePool,
            )
            event.listen(engine, "connect", self._configure)
            event.listen(engine, "begin", sqlite.begin)
            self.__dict__["engine"] = engine
            return engine

    def _configure(self, connection: Any, _record: Any) -> None:
        """After SQLAlchemy's own set-up of a new connection (which may change its isolation level)."""
        sqlite.configure(connection, self.busy_timeout_ms)

    @cached_property
    def _reader(self) -> Engine:
        return self.engine.execution_options(sqlite_begin="DEFERRED", planner_access="read")

    def _write_error(self, exc: BaseException) -> StorageError:
        return sqlite.storage_error(exc, self.path)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection for reads: its statements share one read transaction, ended on exit."""
        with self._reader.connect() as connection:
            yield connection

    @contextmanager
    def rows(self, statement: TextClause, parameters: Mapping[str, Any] | None = None) -> Iterator[Iterator[Row]]:
        """The rows of one read, for turning thousands of them into objects at once.

        The cyclic garbage collector is paused meanwhile: it would otherwise traverse the growing list of
        objects again and again (10,000 patients are listed in about half the time). Rows make no reference
        cycles, and the collector is switched back on after, if it was on.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self.connection() as connection:
                yield iter(connection.execute(statement, dict(parameters or {})))
        finally:
            if collecting:
                gc.enable()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write with Core statements: BEGIN IMMEDIATE, commit on success, roll back on any exception."""
        from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

        try:
            with self.engine.begin() as connection:
                yield connection
        except SQLAlchemyDatabaseError as exc:
            raise self._write_error(exc) from None

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
                raise self._write_error(exc) from None
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


class ServerDatabase(Database):
    """A database on a clinic server (PostgreSQL, planner.storage.postgres): the same tables, statements and
    transactions as a file, over a connection that several workstations share. It has no file: ``path`` is
    None, and what is done to files (the daily copy, restoring one) is done with the server's own tools."""

    dialect = "postgresql"
    is_server = True

    def __init__(
        self,
        location: str,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        ask_password: Callable[[str], str] | None = None,
    ) -> None:
        from planner.storage.postgres import ServerAddress

        self.address = ServerAddress.parse(location)
        self.path = None  # type: ignore[assignment]
        self.busy_timeout_ms = busy_timeout_ms
        self.ask_password = ask_password

    @property
    def location(self) -> str:
        return self.address.shown

    @cached_property
    def engine(self) -> Engine:
        with _ENGINE_LOCK:
            made = self.__dict__.get("engine")
            if made is not None:
                return made
            from planner.storage import postgres

            engine = postgres.create_engine(self.address, self.busy_timeout_ms, self.ask_password)
            self.__dict__["engine"] = engine
            return engine

    def _write_error(self, exc: BaseException) -> StorageError:
        from planner.storage.postgres import server_error

        return server_error(exc, self.location)

    @cached_property
    def login(self) -> str:
        """Who this connection is on the server and the role the clinic gave them ("frank (front desk)")."""
        from planner.storage.postgres import login_description

        with self.connection() as connection:
            return login_description(connection)


def open_database_at(location: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """The database at ``location`` (a file path, or a clinic server's postgresql:// address), schema ready."""
    from planner.storage.postgres import is_server_url

    if is_server_url(location):
        return open_server_schema(str(location), busy_timeout_ms=busy_timeout_ms)
    return open_schema(location, busy_timeout_ms=busy_timeout_ms)


def open_server_schema(
    location: str,
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ask_password: Callable[[str], str] | None = None,
) -> ServerDatabase:
    """A clinic server's database with its schema brought to the newest revision (a new, empty database gets
    the whole schema). A database of another application, or of a newer planner, is refused untouched."""
    from sqlalchemy.exc import DBAPIError

    from planner.storage.identity import ensure_database_id
    from planner.storage.migrate import HEAD_REVISION, known_revisions, upgrade
    from planner.storage.postgres import server_error
    from planner.storage.server_identity import remember_database

    database = ServerDatabase(location, busy_timeout_ms=busy_timeout_ms, ask_password=ask_password)
    try:
        revision, holds_tables = _schema_state(database)
        if revision is None and holds_tables:
            raise ForeignDatabaseError(
                f"{database.location} holds another application's tables and no planner schema; the planner does "
                "not add its tables to it. Give the address of an empty database or of the clinic's planner database."
            )
        if revision is not None and revision not in known_revisions():
            raise StorageError(
                f"the database {database.location} has schema {revision!r}, which this version of the planner does "
                f"not know (it knows up to {HEAD_REVISION}). Nothing was changed."
            )
        if revision != HEAD_REVISION:
            upgrade(database)
        remember_database(database.address, ensure_database_id(database))  # what a restore here must be
    except DBAPIError as exc:
        database.dispose()
        raise server_error(exc, database.location, "The database could not be opened") from None
    except BaseException:
        database.dispose()
        raise
    return database


def open_schema(path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """What must happen before the database is used at all: the path is checked to be a file holding a planner
    database (or nothing yet), a restore cut short is finished or undone, and the schema is brought to the
    newest revision, after a backup when a migration is due.

    An up-to-date database is checked with SQLAlchemy Core alone; Alembic and the ORM load only to migrate.
    """
    from planner.storage.identity import ensure_database_id
    from planner.storage.migrate import HEAD_REVISION, known_revisions, upgrade
    from planner.storage.restore import finish_interrupted_restore

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
    elif not sqlite.looks_like_sqlite(path):
        raise damaged_database_error(path, "it is not an SQLite database")
    with damage_reported(database):
        revision, holds_tables = _schema_state(database)
        if revision is None and holds_tables:
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
                from planner.storage.backup import automatic_backup

                automatic_backup(path, before_migration=True)
            upgrade(database)
        ensure_database_id(database)
    return database


PLANNER_REVISION = re.compile(r"\d{4}_[a-z0-9_]+")
"""How the planner names its schema revisions (planner/storage/migrations/versions): another application's
Alembic revision ids do not look like this."""


def _schema_state(database: Database) -> tuple[str | None, bool]:
    """The stored schema revision (None when there is none) and whether the database holds any table;
    reading them also parses the schema, so a damaged one shows up here."""
    from sqlalchemy import inspect

    from planner.storage.migrate import stored_revision

    with database.connection() as connection:
        return stored_revision(connection), bool(inspect(connection).get_table_names())


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
        if database.is_server:  # a clinic server keeps its own pages whole: what failed is said by SQLSTATE
            from planner.storage.postgres import driver_error, server_error

            if driver_error(exc) is None:
                raise
            raise server_error(exc, database.location, "The database could not be opened") from None
        # A value whose stored type was changed by damage fails to convert (ValueError, or TypeError when a text
        # column holds a number): SQLite's own check decides below whether the file is damaged.
        if isinstance(exc, DamagedDataError):
            raise damaged_database_error(database.path, str(exc).split(":")[0]) from None
        if sqlite.driver_error(exc) is None and not isinstance(exc, (ValueError, TypeError)):
            raise  # our own errors (already explained) and bugs
        from planner.logs import log_exception

        log_exception(exc)
        reason = str(sqlite.driver_error(exc) or exc)[:200]
        if sqlite.is_busy(exc):
            raise DatabaseBusyError(database.path, "The database could not be opened") from None
        if sqlite.is_damage(exc):
            raise damaged_database_error(database.path, reason) from None
        if sqlite.result_code(exc) is not None:
            raise StorageError(
                f"the database {database.path} could not be opened ({reason}). The file was not changed."
            ) from None
        found = sqlite.quick_check_file(database.path, database.busy_timeout_ms)
        if found:
            raise damaged_database_error(database.path, found) from None
        raise StorageError(
            f"stored data in {database.path} cannot be read ({reason}), although SQLite finds the file itself "
            "intact. The file was not changed; run 'planner db check' for details, or restore a backup with "
            "'planner db restore'."
        ) from None


def damaged_database_error(path: Path, reason: str) -> DamagedDatabaseError:
    from planner.storage.backup import newest_good_backup

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
