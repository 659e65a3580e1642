"""Shared fixtures: real SQLite files copied from one migrated, seeded template, and assessment builders."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.paths import REPO

pytest_plugins = ["tests.postgres_server"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The tests' own home for what the planner keeps per user (the default database, drafts, logs, settings, the
# ids of clinic databases seen): never the real user's folders, and inherited by the processes tests start.
_USER_HOME = Path(tempfile.mkdtemp(prefix="planner-tests-"))
for _variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_variable] = str(_USER_HOME / _variable.lower())

EXAMPLES_DIR = REPO / "resources" / "examples"
"""The sample assessments, shipped with the app (a clean clone has nothing outside the repository)."""


def example_paths() -> list[Path]:
    return sorted(EXAMPLES_DIR.glob("*.json"))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database seeded with the shipped documents; tests get copies of it."""
    from planner.opening import open_database

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = open_database(path)
    database.dispose()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "planner.sqlite3"
    source = sqlite3.connect(template_db)
    destination = sqlite3.connect(target)
    with destination:
        source.backup(destination)
    source.close()
    destination.close()
    return target


@pytest.fixture
def sqlite_db(db_path: Path) -> Iterator[Any]:
    from planner.opening import open_database

    database = open_database(db_path)
    yield database
    database.dispose()


@pytest.fixture
def db(sqlite_db: Any) -> Any:
    """A database file (the storage tests that run on PostgreSQL too use :func:`storage_db` as ``db``)."""
    return sqlite_db


@pytest.fixture(scope="session")
def postgres_template(postgres_server: Any) -> str:
    """One clinic server database migrated and seeded with the shipped documents; tests get copies of it."""
    from planner.opening import open_database

    name = postgres_server.new_database_name("template")
    postgres_server.admin(f'CREATE DATABASE "{name}"')
    database = open_database(postgres_server.url(name))
    database.dispose()
    return name


@pytest.fixture
def postgres_db(postgres_server: Any, postgres_template: str) -> Iterator[Any]:
    """A clinic server database of its own for one test (a copy of the template), opened as its owner."""
    from planner.opening import open_database
    from tests.postgres_server import fresh_database

    with fresh_database(postgres_server, postgres_template) as name:
        database = open_database(postgres_server.url(name))
        yield database
        database.dispose()


LOGINS = {"alice": "planner_clinician", "frank": "planner_front_desk", "lena": "planner_clinical_lead"}


@pytest.fixture(scope="session")
def logins(postgres_server: Any, postgres_template: str) -> dict[str, str]:
    """A login per role, each a member of the planner's group role (made by the template's migration)."""
    for login, role in LOGINS.items():
        postgres_server.admin(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') THEN "
            f"CREATE ROLE {login} LOGIN; END IF; END $$"
        )
        postgres_server.admin(f"GRANT {role} TO {login}")
    return LOGINS


def url_as(database: Any, login: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(database.address.shown).set(username=login).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def storage_db(request: pytest.FixtureRequest) -> Any:
    """The storage tests' database, on each engine the planner runs on: an SQLite file, and a clinic server
    database (PostgreSQL). A module runs its tests on both by naming this fixture ``db``."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "postgres_db")


@pytest.fixture(scope="session")
def library() -> Any:
    """The shipped library compiled straight from resources/ (no database needed)."""
    from planner.library.compiler import compile_library
    from planner.library.files import read_shipped_documents

    return compile_library(read_shipped_documents())


BASE_ASSESSMENT: dict[str, Any] = {
    "format": "lsp-assessment/1",
    "patient": {"id": "T-1", "name": "Test Patient"},
    "assessed_on": "2026-11-01",
    "history": {"etiology": "unknown", "affected_side": "right"},
    "strength": {},
    "pain": {"nrs": 0},
}


def deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def make_assessment(**changes: Any) -> dict[str, Any]:
    """A minimal valid assessment with ``changes`` merged in (nested dicts merge)."""
    return deep_merge(BASE_ASSESSMENT, changes)


def load_example(name: str) -> dict[str, Any]:
    for path in example_paths():
        if path.stem == name:
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(name)


def damage_table(path: Path, table: str) -> None:
    """Overwrite the root page of ``table`` with garbage, as a failing disk would."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    connection.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xa5" * page_size)


@contextmanager
def lock_held(path: Path, mode: str = "EXCLUSIVE") -> Iterator[subprocess.Popen[str]]:
    """Another process holding an SQLite lock on ``path`` (tests/lock_holder.py) until the block ends."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.lock_holder", str(path), mode],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        line = child.stdout.readline()
        assert line.strip() == "locked", child.stderr.read() if child.stderr else line
        yield child
    finally:
        if child.poll() is None:
            child.stdin.write("\n")
            child.stdin.close()
        child.wait(timeout=60)


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """The command line on the test's database: (exit code, stdout, stderr) of ``planner --db DB ARGS``."""
    from planner.cli import run

    def call(*args: str) -> tuple[int, str, str]:
        code = run(["--db", str(db_path), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return call
