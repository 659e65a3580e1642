"""Restore is atomic and belongs to one database; backups of two databases in one folder stay apart; partial
files of a copy cut short never pile up."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import run
from planner.errors import StorageError
from planner.opening import open_database
from planner.record.patients import save_patient
from planner.storage.backup import (
    automatic_backup,
    backup_database,
    backup_folder,
    list_backups,
    newest_good_backup,
    rotate,
)
from planner.storage.database import DatabaseBusyError, open_schema
from planner.storage.restore import (
    REPLACED,
    REPLACING,
    RESTORE_PART,
    ForeignBackupError,
    finish_interrupted_restore,
    restore_backup,
)
from planner.storage.sqlite import file_database_id
from tests.conftest import REPO, lock_held
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "schema-0001.sqlite3"


def fresh(path: Path, *patients: str) -> Path:
    """A new, small planner database (its own id) holding ``patients``."""
    database = open_database(path, seed_library=False)
    for patient in patients:
        save_patient(database, patient, f"Name {patient}", new=True)
    database.dispose()
    return path


def add(path: Path, *patients: str) -> None:
    database = open_database(path, seed_library=False)
    for patient in patients:
        save_patient(database, patient, f"Name {patient}", new=True)
    database.dispose()


def patients(path: Path) -> set[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if "?" not in str(path) else sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {row[0] for row in connection.execute("SELECT id FROM patient")}
    finally:
        connection.close()


def beside(path: Path) -> set[str]:
    """The files in the database's folder."""
    return {entry.name for entry in os.scandir(path.parent) if entry.is_file()}


def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_file(tmp_path: Path) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    backup = backup_database(path)
    add(path, "C")
    kept = restore_backup(path, backup)
    assert patients(path) == {"A"}
    assert kept is not None and kept.name.startswith(f"clinic.sqlite3{REPLACED}") and patients(kept) == {"A", "C"}
    assert beside(path) == {"clinic.sqlite3", kept.name}  # nothing else left beside it


def test_restoring_the_database_onto_itself_is_refused(tmp_path: Path) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    before = path.read_bytes()
    with pytest.raises(StorageError, match="the database itself"):
        restore_backup(path, path)
    assert path.read_bytes() == before and beside(path) == {"clinic.sqlite3"}
    os.link(path, tmp_path / "second-name.sqlite3")  # the same file under another name
    with pytest.raises(StorageError, match="the database itself"):
        restore_backup(path, tmp_path / "second-name.sqlite3")
    assert path.read_bytes() == before


@pytest.mark.parametrize("kind", ["garbage", "foreign", "newer", "missing", "folder"])
def test_a_backup_that_fails_its_checks_changes_nothing(tmp_path: Path, kind: str) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    before = path.read_bytes()
    bad = tmp_path / "elsewhere" / "bad.sqlite3"
    bad.parent.mkdir()
    if kind == "garbage":
        bad.write_bytes(b"not a database" * 500)
    elif kind == "foreign":
        with sqlite3.connect(bad) as connection:
            connection.execute("CREATE TABLE notes (text)")
        connection.close()
    elif kind == "newer":
        shutil.copy(path, bad)
        with sqlite3.connect(bad) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
        connection.close()
    elif kind == "folder":
        bad.mkdir()
    with pytest.raises(StorageError):
        restore_backup(path, bad, force=True)
    assert path.read_bytes() == before and beside(path) == {"clinic.sqlite3"}


def test_restore_is_refused_while_another_program_holds_the_database(tmp_path: Path) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    backup = backup_database(path)
    add(path, "C")
    before = path.read_bytes()
    with lock_held(path, "IMMEDIATE"), pytest.raises(DatabaseBusyError, match="in use by another program"):
        restore_backup(path, backup, busy_timeout_ms=200)
    assert path.read_bytes() == before and beside(path) == {"clinic.sqlite3"}


HOT = """
import os, signal, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size = 1")  # spill changed pages into the file before the commit
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE patient SET name = hex(randomblob(2000))")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_databases_hot_journal_is_applied_to_it_and_never_to_the_restored_file(tmp_path: Path) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", *[f"P{i}" for i in range(200)])
    backup = backup_database(path)
    add(path, "LATER")
    subprocess.run([sys.executable, "-c", HOT, str(path)], check=False)  # a write cut short: a hot journal
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0
    kept = restore_backup(path, backup)
    assert not journal.exists()
    assert patients(path) == {f"P{i}" for i in range(200)}  # the backup, untouched by the old journal
    assert kept is not None and patients(kept) == {f"P{i}" for i in range(200)} | {"LATER"}
    with sqlite3.connect(kept) as connection:  # the write cut short was rolled back in the kept file
        assert connection.execute("SELECT count(*) FROM patient WHERE name LIKE 'Name %'").fetchone() == (201,)
    connection.close()


def test_side_files_of_a_damaged_database_move_with_it(tmp_path: Path) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    backup = backup_database(path)
    with path.open("r+b") as handle:
        handle.write(b"garbage garbage!")  # SQLite: not a database
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"a write-ahead log of the damaged file" * 100)
    kept = restore_backup(path, backup)
    assert kept is not None and not wal.exists()
    assert kept.with_name(kept.name + "-wal").read_bytes() == b"a write-ahead log of the damaged file" * 100
    assert patients(path) == {"A"}


def test_restore_onto_a_missing_database(tmp_path: Path) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    backup = backup_database(path, tmp_path / "copy.sqlite3")
    path.unlink()
    assert restore_backup(path, backup) is None
    assert patients(path) == {"A"}


def test_backups_of_two_databases_in_one_folder_stay_apart(tmp_path: Path) -> None:
    clinic = fresh(tmp_path / "clinic.sqlite3", "A")
    other = fresh(tmp_path / "clinic-b.sqlite3", "B")
    for _ in range(3):
        backup_database(other)
    own = backup_database(clinic)
    assert backup_folder(clinic) != backup_folder(other)
    assert {b.path for b in list_backups(clinic)} >= {own}
    assert all(b.path.parent == backup_folder(clinic) for b in list_backups(clinic))
    count = len(list_backups(other))
    rotate(clinic, keep=1)
    assert len(list_backups(clinic)) == 1 and len(list_backups(other)) == count  # never the neighbour's
    for backup in list_backups(clinic):
        backup.path.unlink()
    assert newest_good_backup(clinic) is None  # not the neighbour's


def test_a_backup_of_another_database_is_refused_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    clinic = fresh(tmp_path / "clinic.sqlite3", "A")
    other = fresh(tmp_path / "clinic-b.sqlite3", "B")
    theirs = backup_database(other)
    assert file_database_id(theirs) == file_database_id(other) != file_database_id(clinic)
    before = clinic.read_bytes()
    with pytest.raises(ForeignBackupError, match="backup of another database"):
        restore_backup(clinic, theirs)
    assert clinic.read_bytes() == before
    assert run(["--db", str(clinic), "db", "restore", str(theirs)]) == 2
    assert "backup of another database" in capsys.readouterr().err and clinic.read_bytes() == before
    assert run(["--db", str(clinic), "db", "restore", str(theirs), "--force"]) == 0
    assert "is kept as" in capsys.readouterr().out and patients(clinic) == {"B"}


def test_a_damaged_database_takes_only_its_own_backups(tmp_path: Path) -> None:
    clinic = fresh(tmp_path / "clinic.sqlite3", "A")
    other = fresh(tmp_path / "clinic-b.sqlite3", "B")
    own, theirs = backup_database(clinic), backup_database(other)
    outside = shutil.copy(own, tmp_path / "on-a-stick.sqlite3")  # its own, by id, from elsewhere
    clinic.write_bytes(b"\x00" * 8192)  # its id can no longer be read
    with pytest.raises(ForeignBackupError, match="cannot be shown"):
        restore_backup(clinic, theirs)
    assert newest_good_backup(clinic) is not None and newest_good_backup(clinic).path == own  # type: ignore[union-attr]
    restore_backup(clinic, Path(outside))
    assert patients(clinic) == {"A"}


def test_backups_from_before_per_database_folders_are_still_found(tmp_path: Path) -> None:
    clinic = fresh(tmp_path / "clinic.sqlite3", "A")
    fresh(tmp_path / "clinic-b.sqlite3", "B")
    shared = tmp_path / "backups"
    legacy = shared / "clinic-20261101-080000-000000-daily.sqlite3"
    neighbours = shared / "clinic-b-20261101-080000-000000-daily.sqlite3"
    shutil.copy(FIXTURE, legacy)  # made before databases had ids
    shutil.copy(FIXTURE, neighbours)
    found = list_backups(clinic)
    assert legacy in {b.path for b in found} and neighbours not in {b.path for b in found}
    assert next(b for b in found if b.path == legacy).legacy
    rotate(clinic, keep=0)
    assert legacy.exists() and neighbours.exists()  # never rotated away
    add(clinic, "C")
    kept = restore_backup(clinic, legacy)  # its own, by name, though it carries no id
    assert kept is not None
    with pytest.raises(ForeignBackupError):
        restore_backup(tmp_path / "clinic-b.sqlite3", legacy)  # not clinic-b's


def test_partial_files_left_by_a_backup_cut_short_are_removed(tmp_path: Path) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    folder = backup_folder(path)
    left = [folder / "clinic-20261101-080000-000000-daily.sqlite3.part", folder / "x.sqlite3.part-journal"]
    for name in left:
        name.write_bytes(b"half a backup")
    held = folder / "clinic-20261101-090000-000000-daily.sqlite3.part"
    code = (
        "import sys\nfrom pathlib import Path\nfrom planner.storage.files import PartialFile\n"
        f"with PartialFile(Path({str(held)!r})):\n    print('held', flush=True)\n    sys.stdin.readline()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "held"
    assert automatic_backup(path) is None  # no backup due today, and still the leftovers go
    assert not any(name.exists() for name in left)
    assert held.exists()  # a copy still being written is left alone
    child.stdin.write("\n")
    child.stdin.close()
    child.wait(timeout=30)
    assert not held.exists()
    assert not [p for p in folder.iterdir() if ".part" in p.name]


def _replacing(path: Path) -> Path:
    return path.with_name(f"{path.name}{REPLACING}20261101-080000-000000")


def test_a_restore_cut_short_before_the_swap_is_undone(tmp_path: Path) -> None:
    """The state a kill leaves after the database got its second name and gave up its journal, before the
    verified copy took its place: the database gets its journal back, and the rest goes."""
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    replacing = _replacing(path)
    os.link(path, replacing)
    replacing.with_name(replacing.name + "-journal").write_bytes(b"the database's own journal")
    shutil.copy(path, path.with_name(path.name + RESTORE_PART))
    finish_interrupted_restore(path)
    assert path.with_name(path.name + "-journal").read_bytes() == b"the database's own journal"
    path.with_name(path.name + "-journal").unlink()
    assert beside(path) == {"clinic.sqlite3"} and patients(path) == {"A"}


def test_a_restore_cut_short_after_the_swap_is_finished_when_the_database_is_opened(tmp_path: Path) -> None:
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    old = fresh(tmp_path / "old" / "clinic.sqlite3", "OLD")
    replacing = _replacing(path)
    os.replace(old, replacing)  # the replaced file, already moved aside under its second name
    replacing.with_name(replacing.name + "-wal").write_bytes(b"its log")
    open_schema(path).dispose()
    kept = path.with_name(f"{path.name}{REPLACED}20261101-080000-000000")
    assert beside(path) == {"clinic.sqlite3", kept.name, kept.name + "-wal"}
    assert patients(kept) == {"OLD"} and patients(path) == {"A"}


def test_in_wal_mode_an_idle_connection_is_seen_and_a_crashed_writers_log_stays_with_its_file(tmp_path: Path) -> None:
    """A database in WAL mode (the planner's mode from SQLite 3.51.3): another connection merely open is
    enough to refuse; a WAL a crashed writer left is folded into the file it belongs to, which is kept."""
    path = fresh(tmp_path / "clinic.sqlite3", "A")
    backup = backup_database(path)
    idle = sqlite3.connect(path, isolation_level=None)
    assert idle.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    idle.execute("INSERT INTO patient (id, name, archived, created_at, updated_at) VALUES ('W', 'W', 0, '', '')")
    with pytest.raises(DatabaseBusyError):
        restore_backup(path, backup, busy_timeout_ms=200)
    # The writer "crashes": its file and log as they were while it was open.
    shutil.copy(path, tmp_path / "file-then")
    shutil.copy(path.with_name(path.name + "-wal"), tmp_path / "log-then")
    idle.close()
    os.replace(tmp_path / "file-then", path)
    os.replace(tmp_path / "log-then", path.with_name(path.name + "-wal"))
    kept = restore_backup(path, backup)
    assert kept is not None and patients(kept) == {"A", "W"} and patients(path) == {"A"}
    assert beside(path) == {path.name, kept.name}
