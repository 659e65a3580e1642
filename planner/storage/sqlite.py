"""SQLite, and only SQLite: the database as a file, and the parts of SQLite no other database shares.

Here, and nowhere else in the planner, the :mod:`sqlite3` module is used:

* connecting to the file from its path, and the settings every connection gets (:func:`configure`: foreign
  keys on, a busy timeout, a journal mode chosen by SQLite version, full synchronous commits, untrusted
  schema, recursive triggers) and the ``BEGIN IMMEDIATE`` that makes one transaction of one user action;
* what went wrong, read from SQLite's result code, never from its wording: busy or locked (try again),
  corrupt or not a database (damage), a full disk, a read-only file;
* the file itself: its header, read-only connections, SQLite's own checks (``quick_check``,
  ``integrity_check``, ``foreign_key_check``), the triggers it stores, the online backup API, and holding
  it exclusively while a restore replaces it.

Everything else reads and writes through SQLAlchemy (planner.storage.database) with the portable statements
of planner.storage.queries; the full-text index, SQLite's FTS5, is planner.storage.search_sqlite. A clinic
server (PostgreSQL) gets its own module beside this one for the same jobs.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from planner.errors import StorageError
from planner.storage.errors import DatabaseBusyError

BUSY_TIMEOUT_MS = 10_000
"""How long a statement waits for another program's transaction to end before the database counts as busy."""
WAL_SAFE_SQLITE = (3, 51, 3)
"""SQLite releases before this one carry the WAL-reset race that can corrupt a database (fixed in 3.51.3);
on those the rollback journal is used instead of WAL."""
HEADER = b"SQLite format 3\x00"


def journal_mode_for(version: tuple[int, ...]) -> str:
    return "WAL" if version >= WAL_SAFE_SQLITE else "DELETE"


JOURNAL_MODE = journal_mode_for(sqlite3.sqlite_version_info)

DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error,)
"""What the driver raises itself (SQLAlchemy wraps these, keeping the original as ``.orig``)."""
COPY_ERRORS: tuple[type[Exception], ...] = (OSError, *DRIVER_ERRORS)
"""What copying a database file can raise: the file system's errors and the driver's."""
READ_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, UnicodeDecodeError)
"""What reading a file that may be damaged can raise: SQLite's errors, and UnicodeDecodeError when SQLite's
message quotes damaged schema text that is no longer UTF-8 (Python decodes the message to raise the error)."""


# Connections --------------------------------------------------------------------------------------------


def connect(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A new connection to the file at ``path`` (absolute, so no name is ever read as a URI), not yet
    configured: SQLAlchemy's pool calls this, then :func:`configure` once its own set-up is done."""
    return sqlite3.connect(path, timeout=busy_timeout_ms / 1000, check_same_thread=False, isolation_level=None)


def configure(connection: sqlite3.Connection, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """The one place the connection pragmas are set.

    Recursive triggers are on so that a row deleted by a REPLACE conflict fires the delete guards too (the
    schema's own insert and update guards close that path for every connection, see planner.storage.guards).
    """
    connection.isolation_level = None  # transactions are begun by :func:`begin`
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute("PRAGMA trusted_schema = OFF")
    cursor.execute("PRAGMA recursive_triggers = ON")
    cursor.execute(f"PRAGMA journal_mode = {JOURNAL_MODE}")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def begin(connection: Any) -> None:
    """SQLAlchemy's ``begin`` event: ``BEGIN IMMEDIATE`` for writes (two writers never deadlock upgrading a
    read lock), ``BEGIN DEFERRED`` where the engine was given ``sqlite_begin="DEFERRED"`` (reads)."""
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def sqlite_uri(path: Path, **parameters: str) -> str:
    """An SQLite URI naming exactly ``path``: every character a file name may hold is percent-encoded, so
    '?', '#', '%' or '[' in a folder or file name never become part of the query."""
    uri = Path(path).absolute().as_uri()
    return f"{uri}?{urlencode(parameters)}" if parameters else uri


def read_only_connection(path: Path, timeout_s: float = BUSY_TIMEOUT_MS / 1000) -> sqlite3.Connection:
    """A read-only connection to the database file at ``path`` (nothing is created if it is missing)."""
    return sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True, timeout=timeout_s, isolation_level=None)


# What went wrong ----------------------------------------------------------------------------------------


def driver_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind ``exc`` (itself, or the one SQLAlchemy wrapped), or None."""
    if isinstance(exc, sqlite3.Error):
        return exc
    wrapped = getattr(exc, "orig", None)
    return wrapped if isinstance(wrapped, sqlite3.Error) else None


def result_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of the error behind ``exc`` (SQLITE_BUSY, SQLITE_CORRUPT, ...), or None."""
    code = getattr(driver_error(exc), "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
"""What SQLite reports for a damaged file or one that is not a database: the only errors that count as damage."""
BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
"""Another connection holds a lock SQLite waited for in vain: the database is in use, not damaged."""


def is_damage(exc: BaseException) -> bool:
    return result_code(exc) in DAMAGE_CODES


def is_busy(exc: BaseException) -> bool:
    return result_code(exc) in BUSY_CODES


def storage_error(exc: BaseException, path: Path) -> StorageError:
    """Explain a failed write in words a clinic can act on; nothing of the action was stored. Decided by
    SQLite's result code, never by the wording of its message."""
    if is_busy(exc):
        return DatabaseBusyError(path, "Nothing was saved and your entries are kept")
    code = result_code(exc)
    reason = str(driver_error(exc) or exc)
    if code == sqlite3.SQLITE_FULL:
        advice = "the disk is full. Free some space and save again"
    elif code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        advice = "the database file cannot be written (read-only). Check the file's permissions"
    elif code in DAMAGE_CODES:
        advice = f"SQLite reports the file as damaged ({reason}). Run 'planner db check'"
    else:
        advice = f"of a storage error ({reason})"
    return StorageError(f"Nothing was saved to {path} because {advice}; your entries are kept.")


# The file -----------------------------------------------------------------------------------------------


def looks_like_sqlite(path: Path) -> bool:
    """The file's header, read before SQLite opens it: empty (new) or SQLite's magic string. Anything else is
    what SQLite would call "not a database"."""
    with path.open("rb") as handle:
        header = handle.read(16)
    return header in (b"", HEADER)


def quick_check_file(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> str:
    """SQLite's own verdict on the file: its first problem, or "" when it finds none (or cannot say why)."""
    try:
        connection = read_only_connection(path, busy_timeout_ms / 1000)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except READ_ERRORS as exc:
        if isinstance(exc, UnicodeDecodeError):
            return "its schema cannot be read"
        return str(exc) if is_damage(exc) else ""
    return "" if result == "ok" else str(result)[:200]


def integrity_problems(connection: Any) -> list[str]:
    """SQLite's full integrity check and foreign-key check of the database on ``connection`` (SQLAlchemy's)."""
    problems = []
    result = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
    if result != ["ok"]:
        problems += [f"integrity: {line}" for line in result[:20]]
    for table, rowid, parent, _fk in connection.exec_driver_sql("PRAGMA foreign_key_check"):
        problems.append(f"foreign key: {table} row {rowid} refers to a missing {parent}")
    return problems


def stored_triggers(connection: Any) -> dict[str, str]:
    """Every trigger the database stores, by name, with the SQL it was made with."""
    rows = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    return {name: sql or "" for name, sql in rows}


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What a database file holds, read without changing it: SQLite's integrity verdict ("ok" or the first
    problem), the planner's schema revision and database id (None when it has none)."""

    integrity: str
    revision: str | None
    database_id: str | None


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


def _database_id(connection: sqlite3.Connection) -> str | None:
    from planner.storage.queries import DATABASE_ID

    if not _has_table(connection, "database_identity"):
        return None
    row = connection.execute(DATABASE_ID.text).fetchone()
    return str(row[0]) if row else None


def file_facts(path: Path) -> FileFacts:
    """The facts of the database file at ``path`` (read-only); raises one of :data:`READ_ERRORS` when SQLite
    cannot read it at all."""
    from planner.storage.queries import SCHEMA_REVISION

    connection = read_only_connection(path)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            return FileFacts(str(integrity), None, None)
        revision = None
        if _has_table(connection, "alembic_version"):
            row = connection.execute(SCHEMA_REVISION.text).fetchone()
            revision = row[0] if row else None
        return FileFacts("ok", revision, _database_id(connection))
    finally:
        connection.close()


def file_database_id(path: Path) -> str | None:
    """The id stored in the database file at ``path`` (read-only), or None when it has none or cannot be read."""
    try:
        connection = read_only_connection(path)
        try:
            return _database_id(connection)
        finally:
            connection.close()
    except READ_ERRORS:
        return None


def copy_database(partial: Path, source: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> str | None:
    """Copy the database at ``source`` into ``partial`` with the online backup API (one consistent state,
    whatever is written meanwhile), leave it self-contained (rollback journal mode, no WAL) and check it;
    returns the database id it holds. The caller makes the file durable and renames it into place."""
    reader = read_only_connection(source, busy_timeout_ms / 1000)
    writer = sqlite3.connect(partial, isolation_level=None)
    try:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode = DELETE")
        result = writer.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise StorageError(f"the copy written to {partial} did not pass its integrity check ({result})")
        return _database_id(writer)
    finally:
        reader.close()
        writer.close()


class Held:
    """The connection holding a database file's exclusive lock (None when there is no readable database) and
    the database id it holds."""

    __slots__ = ("connection", "database_id")

    def __init__(self, connection: sqlite3.Connection | None, database_id: str | None) -> None:
        self.connection = connection
        self.database_id = database_id

    def copy_to(self, target: Path) -> None:
        """A copy of the held file at ``target``, through the held connection (whose lock a second file
        descriptor of the same file would drop)."""
        assert self.connection is not None
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            self.connection.backup(copy)
        finally:
            copy.close()


@contextlib.contextmanager
def held_exclusively(target: Path, busy_timeout_ms: int, doing: str) -> Iterator[Held]:
    """The database at ``target`` held with SQLite's exclusive lock while it is replaced, so no program reads
    or writes it meanwhile; a program holding it for longer than the busy timeout makes this a busy error.

    Taking the lock first applies a hot journal the file may have (SQLite's own recovery of a write cut
    short), and a WAL is checkpointed into the file and switched off, so the file is whole by itself. A file
    SQLite cannot read at all is damaged: no program can be using it, and it is replaced as it is, its side
    files moving with it. One without SQLite's header is not even opened (SQLite would drop its WAL).
    """
    if not target.exists() or target.stat().st_size == 0 or not looks_like_sqlite(target):
        yield Held(None, None)
        return
    connection = sqlite3.connect(target, timeout=busy_timeout_ms / 1000, isolation_level=None)
    held = Held(connection, None)
    try:
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                if connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() != "delete":
                    raise DatabaseBusyError(target, doing)
            connection.execute("BEGIN EXCLUSIVE")
            held.database_id = _database_id(connection)
        except READ_ERRORS as exc:
            if is_busy(exc):
                raise DatabaseBusyError(target, doing) from None
            connection.close()  # SQLite cannot read it: damaged
            held.connection = None
        yield held
    finally:
        if held.connection is not None:
            held.connection.close()
