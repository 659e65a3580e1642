"""Done when: ``planner db restore`` and the daily backup, killed with SIGKILL at random moments (40 times
each), never leave the database missing or partly written, and leave no stray files behind."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.opening import open_database
from planner.record.patients import save_patient
from planner.storage.backup import KEEP, backup_database, backup_folder, list_backups
from planner.storage.restore import REPLACED, finish_interrupted_restore
from tests.conftest import REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"),
]
ROUNDS = 40


def content(path: Path) -> str:
    """A digest of everything the database holds, after checking SQLite finds it whole. Opened read-only: a
    hot journal beside it (which must never be there) would make this fail rather than be applied."""
    assert not path.with_name(path.name + "-journal").exists()
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()
    finally:
        connection.close()


def add_patients(path: Path, prefix: str, count: int) -> None:
    database = open_database(path, seed_library=False)
    for number in range(count):
        save_patient(database, f"{prefix}-{number}", f"Patient {prefix} {number}", new=True)
    database.dispose()


def spawn(*args: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.storage_faults", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
    return child


def finished(*args: str) -> float:
    """Run the work to its end; how long it took."""
    output, errors = spawn(*args).communicate(timeout=120)
    last = output.splitlines()[-1] if output else ""
    assert last.startswith("done"), errors
    return float(last.split()[1])


def killed(rng: random.Random, duration: float, *args: str) -> bool:
    """Start the work and kill it at a random moment within about its usual duration; True if it had ended."""
    child = spawn(*args)
    time.sleep(rng.uniform(0, duration * 2))
    os.kill(child.pid, signal.SIGKILL)
    output, _ = child.communicate(timeout=60)
    return "\ndone " in f"\n{output}"


def test_restore_killed_at_random_moments(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    add_patients(path, "A", 300)
    first = backup_database(path, tmp_path / "first.sqlite3")
    add_patients(path, "B", 300)
    second = backup_database(path, tmp_path / "second.sqlite3")
    states = {content(first): "first", content(second): "second"}
    durations = [finished("restore", str(path), str(backup)) for backup in (first, second, first)]
    duration = statistics.median(durations)
    rng = random.Random(20261122)
    outcomes = {"restored": 0, "not yet": 0, "left mid-way": 0}
    now = "first"
    for number in range(ROUNDS):
        target = (second, first)[number % 2] if now == "first" else (first, second)[number % 2]
        target_state = states[content(target)]
        ended = killed(rng, duration, "restore", str(path), str(target))
        state = states.get(content(path))  # at once, before anything tidies up: there, whole, a known state
        assert state in (now, target_state), "the database is neither what it was nor the backup"
        outcomes["restored" if state == target_state and state != now else "not yet"] += 1
        assert not ended or state == target_state
        now = state
        outcomes["left mid-way"] += any(
            ".restore.part" in p.name or ".replacing-" in p.name for p in tmp_path.iterdir()
        )
        finish_interrupted_restore(path)  # as the next opening or restore does
        beside = {p.name for p in tmp_path.iterdir() if p.is_file()} - {"first.sqlite3", "second.sqlite3"}
        kept = {name for name in beside if name.startswith(path.name + REPLACED)}
        assert beside - kept == {path.name}, f"stray files after round {number}: {beside - kept}"
    for name in kept:
        assert content(tmp_path / name) in states  # each replaced file is kept whole
    assert len(kept) <= ROUNDS + len(durations)
    print(f"\nrestore: {duration * 1000:.0f} ms; {ROUNDS} kills: {outcomes} (left mid-way: files to tidy)")
    assert outcomes["restored"] > 0 and outcomes["not yet"] > 0, "the kills should land both before and after"


def test_daily_backup_killed_at_random_moments(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    add_patients(path, "A", 600)
    original = content(path)
    folder = backup_folder(path)
    earlier = {content(backup.path) for backup in list_backups(path)}  # the one taken when it was made
    durations = [finished("backup", str(path)) for _ in range(3)]
    duration = statistics.median(durations)
    rng = random.Random(20261123)
    completed = 0
    for number in range(ROUNDS):
        completed += killed(rng, duration, "backup", str(path))
        assert content(path) == original, f"the database changed in round {number}"
        for backup in list_backups(path):
            assert content(backup.path) in earlier | {original}  # a backup under its final name is whole
        parts = [p for p in folder.iterdir() if ".part" in p.name]
        assert len([p for p in parts if p.name.endswith(".part")]) <= 2, f"partial files pile up: {parts}"
    finished("backup", str(path))
    assert not [p for p in folder.iterdir() if ".part" in p.name]
    assert 1 <= len(list_backups(path)) <= KEEP
    print(f"\ndaily backup: {duration * 1000:.0f} ms; {ROUNDS} kills, {completed} after it had finished")
