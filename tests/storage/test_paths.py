"""Any database path works: the file named is the file written, whatever characters its folder and name hold,
through opening, migration, import, backup, restore and check; a folder, a device or another application's
SQLite file given as the database is a clear error and is left alone."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from planner.cli import run
from planner.opening import open_database
from planner.storage.backup import list_backups
from planner.storage.migrate import HEAD_REVISION
from tests.conftest import example_paths
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "schema-0001.sqlite3"
NAMES = ["with space", "question?mark", "hash#tag", "percent%41", "bracket[1]", "quote'\"s", "José Núñez"]


def files_under(root: Path) -> set[Path]:
    return {Path(folder) / name for folder, _dirs, names in os.walk(root) for name in names}


def patient_ids(path: Path) -> set[str]:
    connection = sqlite3.connect(path)  # a plain path: no URI parsing
    try:
        return {row[0] for row in connection.execute("SELECT id FROM patient")}
    finally:
        connection.close()


@pytest.mark.parametrize("name", NAMES)
def test_open_import_backup_restore_and_check_write_the_file_named(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / f"folder {name}"
    path = folder / f"clinic {name}.sqlite3"
    example = example_paths()[0]
    assert run(["--db", str(path), "import", str(example)]) == 0, capsys.readouterr().err
    assert run(["--db", str(path), "db", "backup"]) == 0, capsys.readouterr().err
    backup = list_backups(path)[0].path
    assert backup.parent == folder / "backups" / path.name
    assert run(["--db", str(path), "import", str(example)]) == 0
    assert run(["--db", str(path), "db", "restore", str(backup)]) == 0, capsys.readouterr().err
    assert run(["--db", str(path), "db", "check"]) == 0, capsys.readouterr().out
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM assessment").fetchone() == (1,)  # the backup's
    connection.close()
    written = files_under(tmp_path)
    assert all(folder in p.parents for p in written), written  # nothing written anywhere else
    beside = {p.name for p in written if p.parent == folder}
    assert path.name in beside and all(n == path.name or n.startswith(f"{path.name}.replaced-") for n in beside)


@pytest.mark.parametrize("name", NAMES)
def test_an_old_schema_migrates_in_place_whatever_the_path(tmp_path: Path, name: str) -> None:
    folder = tmp_path / f"folder {name}"
    folder.mkdir()
    path = folder / f"clinic {name}.sqlite3"
    shutil.copy(FIXTURE, path)
    before = patient_ids(path)
    database = open_database(path)
    database.dispose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
    connection.close()
    assert patient_ids(path) == before
    reasons = [b.path.name.rsplit("-", 1)[-1] for b in list_backups(path)]
    assert "migration.sqlite3" in reasons
    assert all(folder in p.parents for p in files_under(tmp_path))


def test_a_folder_given_as_the_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(["--db", str(tmp_path), "due"]) == 2
    err = capsys.readouterr().err
    assert "is a folder, not a database file" in err and "unexpected" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_given_as_the_database_is_a_clear_error(device: str, capsys: pytest.CaptureFixture) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    assert run(["--db", device, "due"]) == 2
    err = capsys.readouterr().err
    assert "not a regular file" in err and "unexpected" not in err


@pytest.mark.parametrize("revision", [None, "a1b2c3d4e5f6"])
def test_another_applications_sqlite_file_is_refused_and_left_alone(
    tmp_path: Path, revision: str | None, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "notes.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        connection.execute("INSERT INTO notes (text) VALUES ('mine')")
        if revision:  # another application that also uses Alembic
            connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    connection.close()
    before = path.read_bytes()
    assert run(["--db", str(path), "due"]) == 2
    err = capsys.readouterr().err
    assert "another application" in err and "newer version" not in err
    assert path.read_bytes() == before and files_under(tmp_path) == {path}


def test_migrations_run_from_a_folder_whose_name_holds_percent_signs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alembic's options go through configparser, where '%' starts an interpolation: an installation folder
    such as '100%41' or '%(here)s' must not break the migrations."""
    import planner.storage.migrate as migrate

    scripts = tmp_path / "install 100%41 %(here)s" / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    database = open_database(tmp_path / "data %41" / "clinic.sqlite3", seed_library=False)
    assert migrate.current_revision(database) == migrate.HEAD_REVISION
    database.dispose()
