"""Patient ids people cannot tell apart never become two patients silently; old stored ids keep working."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner.cli import run
from planner.errors import NotFoundError, UserError
from planner.record.assessments import store_assessment
from planner.record.patient_history import patient_history, plan_for_patient
from planner.record.patient_ids import id_key, normalize_id
from planner.record.patients import SimilarPatientError, find_patient_id, save_patient
from planner.storage.check import check_database
from tests.conftest import make_assessment

COMPOSED = "Jos\u00e9-7"
DECOMPOSED = "Jose\u0301-7"


def test_normal_forms() -> None:
    assert normalize_id(f"  {DECOMPOSED}\t") == COMPOSED
    for lookalike in ("mrn-1", "ＭＲＮ-１", "MRN\u200b-1", " MRN-1 ", "MRN-1\u2060", "ᴹRN-1".replace("ᴹ", "M")):
        assert id_key(lookalike) == id_key("MRN-1"), lookalike
    assert id_key("MRN-1") != id_key("MRN-7")


def test_import_normalises_the_id_and_joins_the_same_patient(db: Any) -> None:
    first = store_assessment(db, make_assessment(patient={"id": f" {DECOMPOSED} ", "name": "José Ruiz"}))
    assert first.patient_created and first.patient_id == COMPOSED
    second = store_assessment(
        db, make_assessment(patient={"id": COMPOSED, "name": "José Ruiz"}, assessed_on="2026-11-02")
    )
    assert not second.patient_created and second.patient_id == COMPOSED
    latest, _plan = plan_for_patient(db, DECOMPOSED)
    assert latest["patient"]["id"] == COMPOSED and latest["assessed_on"] == "2026-11-02"


@pytest.mark.parametrize("lookalike", ["mrn-1", "ＭＲＮ-1", "MRN\u200b-1", "MRN\u00ad-1", "Mrn-１"])
def test_an_id_that_cannot_be_told_apart_is_refused(db: Any, lookalike: str) -> None:
    store_assessment(db, make_assessment(patient={"id": "MRN-1", "name": "Ann Lee"}))
    with pytest.raises(UserError, match="cannot be told apart from the id 'MRN-1'"):
        store_assessment(db, make_assessment(patient={"id": lookalike, "name": "Ann Lee"}))
    with pytest.raises(UserError, match="cannot be told apart"):
        save_patient(db, lookalike, "Someone Else", new=True)


def test_same_name_and_birth_date_under_another_id_is_reported(db: Any) -> None:
    store_assessment(db, make_assessment(patient={"id": "A-1", "name": "Ann Lee", "birth_date": "1950-01-02"}))
    stored = store_assessment(
        db, make_assessment(patient={"id": "B-2", "name": "ann  LEE", "birth_date": "1950-01-02"})
    )
    assert stored.patient_created
    assert len(stored.notes) == 1 and "same name and birth date as the stored patient A-1" in stored.notes[0]
    with pytest.raises(SimilarPatientError, match="same name and birth date"):
        save_patient(db, "C-3", "Ann Lee", "1950-01-02", new=True)
    assert save_patient(db, "C-3", "Ann Lee", "1950-01-02", new=True, allow_similar=True).id == "C-3"


def test_the_cli_prints_the_note(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, patient_id in (("a.json", "A-1"), ("b.json", "B-2")):
        data = make_assessment(patient={"id": patient_id, "name": "Ann Lee", "birth_date": "1950-01-02"})
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    assert run(["--db", str(db_path), "import", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 0
    assert "b.json: note: the new patient B-2 has the same name and birth date" in capsys.readouterr().err


def legacy_patient(db_path: Path, patient_id: str) -> None:
    """A patient stored before ids were normalised (written as an older version would have)."""
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "INSERT INTO patient (id, name, archived, created_at, updated_at) VALUES (?, 'Old Record', 0, "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            (patient_id,),
        )
    connection.close()


def test_a_stored_id_that_is_not_normalised_keeps_working(db: Any, db_path: Path) -> None:
    legacy_patient(db_path, DECOMPOSED)
    assert find_patient_id(db, COMPOSED) == DECOMPOSED
    assert find_patient_id(db, DECOMPOSED) == DECOMPOSED
    stored = store_assessment(db, make_assessment(patient={"id": COMPOSED, "name": "Old Record"}))
    assert not stored.patient_created and stored.patient_id == DECOMPOSED  # joined, not a second patient
    assert patient_history(db, COMPOSED, date(2026, 11, 2))["patient_id"] == DECOMPOSED
    with pytest.raises(UserError, match="already used"):
        save_patient(db, COMPOSED, "Someone", new=True)
    assert save_patient(db, DECOMPOSED, "Old Record, renamed", new=False).id == DECOMPOSED
    notes = check_database(db).notes
    assert any(repr(DECOMPOSED) in note and "lookups by either form find it" in note for note in notes)
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM patient WHERE name LIKE 'Old Record%'").fetchone() == (1,)
    connection.close()
    with pytest.raises(NotFoundError):
        find_patient_id(db, "nobody")


def test_check_reports_stored_lookalikes(db: Any, db_path: Path) -> None:
    legacy_patient(db_path, "MRN-5")
    legacy_patient(db_path, "mrn-5")
    assert any("cannot be told apart" in note for note in check_database(db).notes)
