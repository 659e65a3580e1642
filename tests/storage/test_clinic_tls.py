"""TLS to a clinic server, as the README tells a clinic to set it up: the server has a certificate signed by the
clinic's own CA, and the planner connects with ``sslmode=verify-full`` and that CA. A certificate from another
CA, or a host name the certificate does not name, is refused with a message, not a traceback.

The CA and the certificate are made here with ``openssl`` for each run; the server is a throwaway one of its
own that listens on 127.0.0.1 (the other tests' server has no TCP port)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planner.cli import run
from planner.opening import open_database
from planner.record.assessments import store_assessment
from planner.record.patients import list_patients
from tests.conftest import make_assessment
from tests.postgres_server import REQUIRE, PostgresServer, start_server

pytestmark = pytest.mark.postgres

PASSWORD = "tls-test-Secret-42"


def _cannot(reason: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"the TLS tests must run ({REQUIRE}=1) but {reason}")
    pytest.skip(reason)


def _openssl(folder: Path, *arguments: str) -> None:
    done = subprocess.run(["openssl", *arguments], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def make_ca(folder: Path, name: str) -> Path:
    """A self-signed CA (as a clinic makes one): ``name``.crt and its key in ``folder``."""
    _openssl(
        folder,
        *("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
        *("-keyout", f"{name}.key", "-out", f"{name}.crt", "-days", "2", "-subj", f"/CN=LSP test clinic CA {name}"),
        *("-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"),
    )
    return folder / f"{name}.crt"


def make_server_certificate(folder: Path, ca: str) -> tuple[Path, Path]:
    """A server certificate for localhost (CN and subjectAltName), signed by the CA ``ca``."""
    (folder / "server.ext").write_text(
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n", encoding="utf-8"
    )
    _openssl(
        folder,
        *("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
        *("-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"),
    )
    _openssl(
        folder,
        *("x509", "-req", "-in", "server.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key", "-CAcreateserial"),
        *("-out", "server.crt", "-days", "2", "-extfile", "server.ext"),
    )
    return folder / "server.crt", folder / "server.key"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PostgresServer, Path, Path]]:
    """A server with ssl=on at 127.0.0.1, its certificate signed by the clinic CA; yields it, the clinic CA
    and another CA's certificate."""
    if shutil.which("openssl") is None:
        _cannot("openssl is not installed (apt-get install openssl), so no test certificate can be made")
    folder = tmp_path_factory.mktemp("tls")
    clinic_ca = make_ca(folder, "clinic")
    other_ca = make_ca(folder, "other")
    certificate = make_server_certificate(folder, "clinic")
    try:
        server = start_server(tls=certificate, port=free_port())
    except RuntimeError as exc:
        _cannot(f"no PostgreSQL server could be started: {exc}")
    server.admin('CREATE DATABASE "clinic"')
    try:
        yield server, clinic_ca, other_ca
    finally:
        server.stop()


def address(port: int, ca: Path, host: str = "localhost") -> str:
    return f"postgresql://postgres:{PASSWORD}@{host}:{port}/clinic?sslmode=verify-full&sslrootcert={ca}"


def test_verify_full_with_the_clinic_ca_connects_over_tls(tls_server: Any) -> None:
    server, clinic_ca, _other = tls_server
    database = open_database(address(server.port, clinic_ca))  # migrates the empty database over TLS
    try:
        store_assessment(database, make_assessment())
        assert [p.id for p in list_patients(database)] == ["T-1"]
        with database.connection() as connection:
            ssl, version = connection.exec_driver_sql(
                "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            ).one()
        assert ssl is True and version.startswith("TLS")
        assert PASSWORD not in database.location
    finally:
        database.dispose()


@pytest.mark.parametrize(
    ("which", "host", "words"),
    [("other", "localhost", "certificate verify failed"), ("clinic", "127.0.0.1", 'host name "127.0.0.1"')],
    ids=["another-CA", "host-not-in-certificate"],
)
def test_a_server_the_clinic_ca_does_not_vouch_for_is_refused_with_a_message(
    tls_server: Any, capsys: pytest.CaptureFixture[str], which: str, host: str, words: str
) -> None:
    server, clinic_ca, other_ca = tls_server
    ca = other_ca if which == "other" else clinic_ca
    code = run(["--db", address(server.port, ca, host), "db", "check"])
    captured = capsys.readouterr()
    message = captured.err + captured.out
    assert code != 0
    assert "Traceback" not in message and PASSWORD not in message
    assert "could not prove it is the clinic's server" in message and words in message
    assert "signed by the clinic CA the address names" in message
