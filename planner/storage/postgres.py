"""PostgreSQL, and only PostgreSQL: a clinic server that several workstations share (clinic mode).

The counterpart of planner.storage.sqlite for a server: the address (``postgresql://HOST/DBNAME``), the
connection (through psycopg 3, the optional ``[clinic]`` extra), the settings every connection gets, the
transactions, and what went wrong decided from PostgreSQL's SQLSTATE, never from its wording.

* The password is never part of what the planner stores or shows: it comes from libpq's own conventions
  (``PGPASSWORD``, ``~/.pgpass``, a client certificate) or is asked for once at start and kept in memory only
  (:class:`ServerAddress` holds it apart from the URL and never prints it). TLS is libpq's: ``sslmode`` and
  ``sslrootcert`` in the URL (``?sslmode=verify-full&sslrootcert=/etc/planner/clinic-ca.pem``).
* Every connection works in UTC (stored times are UTC wall times, as on SQLite) and waits for a lock at most
  the busy timeout (``lock_timeout``), after which the action is a :class:`DatabaseBusyError` (try again).
* A write is one user action, as on SQLite: its transaction first takes the clinic database's one write lock
  (a transaction-level advisory lock, released at commit or rollback), so writers follow one another exactly
  as SQLite's ``BEGIN IMMEDIATE`` makes them, and the read-then-write checks of optimistic concurrency
  (planner.record.plans) see every change committed before them. A read is one ``REPEATABLE READ, READ ONLY``
  transaction: one consistent state of the database, and nothing written by mistake.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from planner.errors import StorageError
from planner.storage.errors import DatabaseBusyError, PermissionRefusedError

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
WRITE_LOCK = 0x706C616E6E6572  # "planner": the advisory lock every write transaction takes first
BUSY_STATES = frozenset({"40001", "40P01", "55P03", "57014"})
"""Serialization failure, deadlock, lock not available, statement cancelled (lock_timeout): in use, try again."""
PERMISSION_STATES = frozenset({"42501"})
"""Insufficient privilege: the connection's role may not do this (grants and row rules)."""
CONNECTION_CLASS = "08"
AUTHENTICATION_STATES = frozenset({"28000", "28P01"})


def is_server_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(SCHEMES)


@dataclass
class ServerAddress:
    """A clinic server database: the URL without its password (safe to show and to store in settings), and
    the password in memory only, when one was given or asked for."""

    url: str
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, location: str) -> ServerAddress:
        from sqlalchemy.engine import URL, make_url

        try:
            made = make_url(location)
        except Exception:
            raise StorageError(
                f"{location!r} is not a server address; write it as postgresql://HOST/DATABASE "
                "(or postgresql://USER@HOST/DATABASE?sslmode=verify-full&sslrootcert=CA.pem)"
            ) from None
        if not made.database:
            raise StorageError(f"the server address {location!r} names no database: postgresql://HOST/DATABASE")
        password = made.password
        # Made again without the password (URL.set leaves a field given as None as it was).
        made = URL.create("postgresql+psycopg", made.username, None, made.host, made.port, made.database, made.query)
        return cls(made.render_as_string(hide_password=False), password)

    @property
    def shown(self) -> str:
        """The address as messages show it: the URL as given, with no password (and a socket folder or CA file
        in it readable, not percent-encoded)."""
        return self._render(lambda text: text)

    @property
    def database_name(self) -> str:
        from sqlalchemy.engine import make_url

        return str(make_url(self.url).database)

    def libpq_url(self) -> str:
        """The address for libpq programs (pg_dump, pg_restore), percent-encoded: no password, which they
        read from PGPASSWORD."""
        from urllib.parse import quote

        return self._render(lambda text: quote(text, safe="/"))

    def _render(self, encode: Callable[[str], str]) -> str:
        from sqlalchemy.engine import make_url

        made = make_url(self.url)
        user = f"{encode(made.username)}@" if made.username else ""
        where = f"{user}{made.host or ''}{f':{made.port}' if made.port else ''}"
        query = "&".join(
            f"{key}={encode(value)}"
            for key, values in made.query.items()
            for value in ([values] if isinstance(values, str) else values)
        )
        return f"postgresql://{where}/{encode(str(made.database))}" + (f"?{query}" if query else "")


def connect_arguments(busy_timeout_ms: int) -> dict[str, Any]:
    """What every connection is opened with: UTC, a bounded wait for locks, and the application's name (so a
    clinic's administrator sees which connections are the planner's)."""
    return {
        "options": f"-c timezone=UTC -c lock_timeout={int(busy_timeout_ms)}",
        "application_name": "lsp-planner",
        "connect_timeout": 10,
    }


def create_engine(address: ServerAddress, busy_timeout_ms: int, ask_password: Callable[[str], str] | None) -> Any:
    """The SQLAlchemy engine over ``address``. When the server asks for a password that libpq's conventions do
    not supply, ``ask_password`` (the app's dialog, the terminal's prompt) is asked once and the answer kept
    in this process's memory only."""
    import sqlalchemy
    from sqlalchemy import event

    def provide(dialect: Any, _record: Any, _args: Any, kwargs: dict[str, Any]) -> None:
        if address.password is not None:
            kwargs["password"] = address.password

    engine = sqlalchemy.create_engine(
        address.url, connect_args=connect_arguments(busy_timeout_ms), pool_pre_ping=True, pool_size=3
    )
    event.listen(engine, "do_connect", provide)
    event.listen(engine, "begin", begin)
    _prove_login(engine, address, ask_password)
    return engine


def _prove_login(engine: Any, address: ServerAddress, ask_password: Callable[[str], str] | None) -> None:
    """Connect once now, so a missing password is asked for at start (never in the middle of a save)."""
    from sqlalchemy.exc import DBAPIError

    try:
        engine.connect().close()
        return
    except DBAPIError as exc:
        if not needs_password(exc) or ask_password is None or address.password is not None:
            raise server_error(exc, address.shown, "Could not connect") from None
    address.password = ask_password(address.shown)
    try:
        engine.connect().close()
    except DBAPIError as exc:
        address.password = None
        raise server_error(exc, address.shown, "Could not connect") from None


def terminal_password(shown: str) -> str:
    """The password asked for on the terminal (not echoed), for the command line."""
    if not os.isatty(0):
        raise StorageError(
            f"the server {shown} asks for a password: set PGPASSWORD or a ~/.pgpass line, or run from a terminal"
        )
    return getpass.getpass(f"Password for {shown}: ")


def begin(connection: Any) -> None:
    """SQLAlchemy's ``begin`` event: a read is one REPEATABLE READ, READ ONLY transaction; a write takes the
    database's write lock first (see the module's docstring)."""
    if connection.get_execution_options().get("planner_access") == "read":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    else:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


# What went wrong ----------------------------------------------------------------------------------------


def driver_error(exc: BaseException) -> Exception | None:
    """The psycopg error behind ``exc`` (itself, or the one SQLAlchemy wrapped), or None."""
    try:
        import psycopg
    except ImportError:
        return None
    if isinstance(exc, psycopg.Error):
        return exc
    wrapped = getattr(exc, "orig", None)
    return wrapped if isinstance(wrapped, psycopg.Error) else None


def sqlstate(exc: BaseException) -> str | None:
    error = driver_error(exc)
    return getattr(error, "sqlstate", None) if error is not None else None


def is_busy(exc: BaseException) -> bool:
    return sqlstate(exc) in BUSY_STATES


def is_refused_for_role(exc: BaseException) -> bool:
    return sqlstate(exc) in PERMISSION_STATES


def needs_password(exc: BaseException) -> bool:
    message = str(driver_error(exc) or exc)
    return "no password supplied" in message or (sqlstate(exc) in AUTHENTICATION_STATES and "password" in message)


def _reason(exc: BaseException) -> str:
    error = driver_error(exc)
    diagnostic = getattr(error, "diag", None)
    primary = getattr(diagnostic, "message_primary", None) if diagnostic is not None else None
    return str(primary or error or exc).strip().splitlines()[0][:200]


def server_error(exc: BaseException, shown: str, doing: str = "Nothing was saved") -> StorageError:
    """Explain a failed action on the clinic server in words a clinic can act on; decided by SQLSTATE."""
    state = sqlstate(exc) or ""
    if state in BUSY_STATES:
        return DatabaseBusyError(shown, f"{doing} and your entries are kept")
    if state in PERMISSION_STATES:
        return PermissionRefusedError(
            f"{doing}: your login on the clinic server may not do this ({_reason(exc)}). Ask the clinic's "
            "administrator for the right role (clinician, front desk or clinical lead); your entries are kept."
        )
    if (state.startswith(CONNECTION_CLASS) or state == "") and "certificate" in _reason(exc).lower():
        return StorageError(
            f"{doing}: the clinic server {shown} could not prove it is the clinic's server ({_reason(exc)}). "
            "With sslmode=verify-full its certificate must be signed by the clinic CA the address names "
            "(sslrootcert) and name the host as the address writes it; no password was sent to it. Ask the "
            "clinic's administrator for the clinic CA file and the server's name; your entries are kept."
        )
    if state.startswith(CONNECTION_CLASS) or state in AUTHENTICATION_STATES or state == "":
        return StorageError(
            f"{doing}: the clinic server {shown} cannot be reached or refused the login ({_reason(exc)}). "
            "Check the network, the address and your password; your entries are kept."
        )
    return StorageError(
        f"{doing} on the clinic server {shown} because of a storage error ({_reason(exc)}); your entries are kept."
    )


def current_role(connection: Any) -> str:
    """The role the connection acts as (its login), as the audit log records it."""
    return str(connection.exec_driver_sql("SELECT session_user").scalar())


def integrity_problems(connection: Any) -> list[str]:
    """A clinic server keeps its own pages and foreign keys whole (and its administrator runs its checks);
    what the planner checks there is what it adds: guards, the chain, hashes (planner.storage.check)."""
    return []


PLANNER_ROLES_OF_LOGIN = (
    "SELECT rolname FROM pg_roles WHERE rolname IN ('planner_front_desk', 'planner_clinician', "
    "'planner_clinical_lead') AND pg_has_role(session_user, oid, 'MEMBER') ORDER BY rolname"
)


def login_description(connection: Any) -> str:
    """The connection's login and what the clinic made it ("frank (front desk)"; the schema's owner is
    "owner"), for the window's title."""
    from planner.storage.guards_postgres import ROLE_NAMES

    login = current_role(connection)
    held = [row[0] for row in connection.exec_driver_sql(PLANNER_ROLES_OF_LOGIN)]
    owner = connection.exec_driver_sql(
        "SELECT pg_has_role(session_user, tableowner, 'MEMBER') FROM pg_tables WHERE tablename = 'plan'"
    ).scalar()
    strongest = next(
        (ROLE_NAMES[r] for r in ("planner_clinical_lead", "planner_clinician", "planner_front_desk") if r in held), None
    )
    what = "owner" if owner else strongest or "no planner role"
    return f"{login} ({what})"
