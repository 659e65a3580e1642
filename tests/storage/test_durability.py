"""Nothing committed is lost and nothing half-written remains: SIGKILL mid-write, and four writers at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paths import REPO

WRITER = [sys.executable, "-m", "tests.durability_writer"]


def _spawn(path: Path, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*WRITER, str(path), tag, str(count)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _check_complete(path: Path, confirmed: set[tuple[int, int]]) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assessments = {r[0] for r in connection.execute("SELECT id FROM assessment")}
        plans = dict(connection.execute("SELECT id, assessment_id FROM plan").fetchall())
        orphans = connection.execute(
            "SELECT count(*) FROM assessment a WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.assessment_id = a.id) "
            "OR NOT EXISTS (SELECT 1 FROM patient t WHERE t.id = a.patient_id)"
        ).fetchone()[0]
    for assessment_id, plan_id in confirmed:
        assert assessment_id in assessments and plans.get(plan_id) == assessment_id
    assert orphans == 0, "an assessment without its plan or patient: a half-written record"


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_at_random_moments_loses_nothing_committed(db_path: Path) -> None:
    rng = random.Random(20261121)
    confirmed: set[tuple[int, int]] = set()
    for round_number in range(50):
        child = _spawn(db_path, f"K{round_number}", 10_000)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        # The kill comes after the writer has stored one or two records, then a random moment later: counted
        # in the writer's own progress, not in wall time, so a loaded machine still kills mid-write.
        seen = [child.stdout.readline() for _ in range(rng.randrange(1, 3))]
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        output, _ = child.communicate()
        for line in [*seen, *output.splitlines()]:
            if line.startswith("stored "):
                _, assessment_id, plan_id, _tag = line.split()
                confirmed.add((int(assessment_id), int(plan_id)))
    assert len(confirmed) >= 50, "each round waits for one or two stored records before its kill"
    _check_complete(db_path, confirmed)


@pytest.mark.slow
def test_four_writers_at_once_command_line_and_core(db_path: Path, tmp_path: Path) -> None:
    import json

    files = []
    for number in range(15):
        path = tmp_path / f"cli-{number}.json"
        path.write_text(
            json.dumps(
                {
                    "format": "lsp-assessment/1",
                    "patient": {"id": f"CLI-{number}", "name": "Command Line"},
                    "assessed_on": "2026-11-01",
                    "history": {"etiology": "unknown", "affected_side": "right"},
                    "strength": {},
                    "pain": {"nrs": 3},
                }
            ),
            encoding="utf-8",
        )
        files.append(str(path))
    env = {**os.environ, "PLANNER_DB": str(db_path)}
    commands = [
        subprocess.Popen(
            [sys.executable, "-m", "planner", "import", *files[i::2]],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    writers = [_spawn(db_path, f"W{i}", 25) for i in range(2)]
    outputs = [p.communicate(timeout=300) for p in [*commands, *writers]]
    for process, (_out, err) in zip([*commands, *writers], outputs, strict=True):
        assert process.returncode == 0, err
        assert "locked" not in err
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM assessment").fetchone() == (15 + 50,)
        assert connection.execute("SELECT count(*) FROM plan").fetchone() == (15 + 50,)
        assert connection.execute("SELECT count(*) FROM patient").fetchone() == (15 + 50,)


def test_full_disk_gives_a_clear_message_and_stores_nothing(db: object) -> None:
    from sqlalchemy import event

    from planner.assessment.validate import load_assessment_file
    from planner.errors import StorageError
    from planner.record.assessments import store_assessment
    from planner.record.patients import count_rows
    from tests.conftest import example_paths

    before = count_rows(db)  # type: ignore[arg-type]
    pages = sqlite3.connect(db.path).execute("PRAGMA page_count").fetchone()[0]  # type: ignore[attr-defined]

    def cap(connection: sqlite3.Connection, _record: object) -> None:
        connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"

    db.engine.dispose()  # type: ignore[attr-defined]
    event.listen(db.engine, "connect", cap)  # type: ignore[attr-defined]
    big = load_assessment_file(example_paths()[0])
    big["pain"]["sites"] = ["x" * 100] * 20
    with pytest.raises(StorageError, match="disk is full"):
        for number in range(200):
            big["patient"]["id"] = f"FULL-{number}"
            store_assessment(db, big)  # type: ignore[arg-type]
    event.remove(db.engine, "connect", cap)  # type: ignore[attr-defined]
    db.engine.dispose()  # type: ignore[attr-defined]
    after = count_rows(db)  # type: ignore[arg-type]
    assert after["assessment"] == after["plan"] >= before["assessment"]
    _check_complete(db.path, set())  # type: ignore[attr-defined]
