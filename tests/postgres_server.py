"""A throwaway PostgreSQL server for the tests marked ``postgres``: started once per test session, stopped at
the end even when tests fail.

The server is the machine's own PostgreSQL (the Debian ``postgresql`` package, whose programs live in
/usr/lib/postgresql/<version>/bin): ``initdb`` into a temporary folder (run as the ``postgres`` user when the
tests run as root, which initdb refuses), a Unix socket in that folder and no TCP port, fsync off. Its
superuser is ``postgres``, every local connection is trusted (the socket folder is private to the run).

When no server can be started the ``postgres`` tests are skipped with the reason; with
``PLANNER_REQUIRE_POSTGRES=1`` (set by .ci/run) that skip is a failure instead, so CI always runs them.
``PLANNER_TEST_POSTGRES`` may name a server URL to use instead of starting one (its role must be able to
create databases and roles).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REQUIRE = "PLANNER_REQUIRE_POSTGRES"
EXTERNAL = "PLANNER_TEST_POSTGRES"
SUPERUSER = "postgres"
PASSWORD_LOGIN = "pat"
"""The one login of the test server that must give a password."""


def _binaries() -> Path | None:
    """The folder holding initdb and postgres: on the PATH, or the newest Debian-packaged version."""
    found = shutil.which("initdb")
    if found and shutil.which("postgres"):
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return versions[-1].parent if versions else None


def _as_server_user() -> list[str]:
    """The prefix that runs a program as the ``postgres`` user when the tests run as root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root, and runuser (to start PostgreSQL as the postgres user) is missing")
    return [runuser, "-u", SUPERUSER, "--"]


@dataclass
class PostgresServer:
    """A running server: connection URLs for the superuser (or any role) to any database."""

    socket_dir: str
    superuser: str = SUPERUSER
    process: subprocess.Popen[bytes] | None = None
    folder: Path | None = None
    external_url: str | None = None
    port: int | None = None
    """The TCP port, when the server listens on 127.0.0.1 too (``start_server(tls=..., port=...)``)."""
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        if self.external_url is not None:
            from sqlalchemy.engine import make_url

            made = make_url(self.external_url).set(database=database)
            if user is not None:
                made = made.set(username=user, password=None)
            return made.render_as_string(hide_password=False)
        port = f"&port={self.port}" if self.port is not None else ""
        return f"postgresql://{user or self.superuser}@/{database}?host={self.socket_dir}{port}"

    def admin(self, statement: str) -> None:
        """Run one statement as the superuser outside any transaction (CREATE DATABASE, CREATE ROLE)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]

    def new_database_name(self, prefix: str = "t") -> str:
        return f"{prefix}_{os.getpid()}_{next(self._names)}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # Fast shutdown (disconnect everyone, no checkpoint wait), sent to the server's own process group:
            # runuser, when it started the server, does not pass SIGINT on.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_server(*, tls: tuple[Path, Path] | None = None, port: int | None = None) -> PostgresServer:
    """initdb and start a server in a new temporary folder; raises RuntimeError saying why it cannot.

    With ``tls`` (a certificate and its key, PEM files) and ``port`` the server also listens on 127.0.0.1 at
    that port, with ``ssl=on`` and TLS connections only there (``hostssl``), as a clinic's server would; without
    them it has no TCP port at all."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise RuntimeError("psycopg is not installed (pip install -e '.[clinic]')") from None
    bin_dir = _binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    prefix = _as_server_user()
    folder = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    data, sockets = folder / "data", folder / "socket"
    sockets.mkdir()
    if prefix:
        shutil.chown(folder, SUPERUSER)
        shutil.chown(sockets, SUPERUSER)
    server = PostgresServer(str(sockets), folder=folder, port=port if tls else None)
    try:
        made = subprocess.run(
            [
                *prefix,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed: {made.stderr.strip()[-300:]}")
        # One login must give a password (PASSWORD_LOGIN, for the tests of asking for it); every other is trusted.
        hba = data / "pg_hba.conf"
        hba.write_text(f"local all {PASSWORD_LOGIN} scram-sha-256\nlocal all all trust\n", encoding="utf-8")
        network = ["-c", "listen_addresses="]
        if tls is not None:
            if port is None:
                raise RuntimeError("a TLS server needs a TCP port")
            for source, name in zip(tls, ("server.crt", "server.key"), strict=True):
                shutil.copyfile(source, data / name)
                (data / name).chmod(0o600)  # the server refuses a key others can read
                if prefix:
                    shutil.chown(data / name, SUPERUSER)
            with hba.open("a", encoding="utf-8") as lines:
                lines.write("hostssl all all 127.0.0.1/32 trust\n")
            network = ["-c", "listen_addresses=127.0.0.1", "-p", str(port), "-c", "ssl=on"]
        log = (folder / "server.log").open("wb")
        if prefix:
            shutil.chown(folder / "server.log", SUPERUSER)
        server.process = subprocess.Popen(
            [
                *prefix,
                str(bin_dir / "postgres"),
                "-D",
                str(data),
                "-k",
                str(sockets),
                *network,
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=100",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_until_ready(server, folder / "server.log")
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: PostgresServer, log: Path, timeout_s: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout_s
    while True:
        assert server.process is not None
        if server.process.poll() is not None:
            raise RuntimeError(f"the server stopped at start: {log.read_text(errors='replace')[-300:]}")
        try:
            psycopg.connect(server.url(), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not accept connections in {timeout_s:.0f} s") from None
            time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server, or a skip (a failure under PLANNER_REQUIRE_POSTGRES=1) saying why not."""
    external = os.environ.get(EXTERNAL)
    if external:
        yield PostgresServer("", external_url=external)
        return
    try:
        server = start_server()
    except RuntimeError as exc:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"PostgreSQL is required ({REQUIRE}=1) but no server could be started: {exc}")
        pytest.skip(f"no PostgreSQL server could be started: {exc}")
    # A run ended by SIGTERM (a CI timeout, `timeout`, a closed terminal) is ended as Ctrl+C ends it, through
    # pytest's teardown, so the server stops then too; atexit covers an exit that skips the teardown.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    atexit.register(server.stop)
    try:
        yield server
    finally:
        server.stop()
        atexit.unregister(server.stop)
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def fresh_database(server: PostgresServer, template: str | None = None) -> Iterator[str]:
    """A new, empty database (or a copy of ``template``) for one test, dropped after it; yields its name."""
    name = server.new_database_name()
    server.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield name
    finally:
        with contextlib.suppress(Exception):
            server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server (started by tests/postgres_server.py)")
