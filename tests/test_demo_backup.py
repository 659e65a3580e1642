"""Synthetic demo data is valid and complete; backups use SQLite's backup API and are verified."""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from planner.assessment.validate import validate_assessment
from planner.demo import generate_demo, synthetic_assessment
from planner.record.patients import count_rows, list_patients
from planner.storage.backup import backup_database


def test_synthetic_assessments_are_valid() -> None:
    rng = random.Random(7)
    for _ in range(200):
        validate_assessment(
            synthetic_assessment(rng, {"id": "x", "name": "y"}, date(2026, 11, 1)), today=date(2026, 11, 21)
        )


def test_demo_fills_patients_assessments_and_plans(db: Any) -> None:
    stored = generate_demo(db, 30, seed=5, batch=7, today=date(2026, 11, 21))
    counts = count_rows(db)
    assert counts["patient"] == 30 and counts["assessment"] == stored == counts["plan"]
    assert all(p.assessment_count >= 1 for p in list_patients(db))


def test_backup_is_a_verified_copy(db: Any, tmp_path: Path) -> None:
    generate_demo(db, 3, seed=2, today=date(2026, 11, 21))
    target = backup_database(db, tmp_path / "copy.sqlite3")
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM patient").fetchone() == (3,)
    assert target.stat().st_mode & 0o777 == 0o600
    default = backup_database(db)
    assert default.parent == db.path.parent / "backups" / db.path.name and default.exists()
