"""The audit trail records imports, edits with exclusion reasons, sign-offs, exports and document changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planner.assessment.validate import load_assessment_file
from planner.edits import PlanEdits
from planner.export.service import export_pdf
from planner.library.store import import_documents, remove_document
from planner.record.assessments import save_draft, store_assessment
from planner.record.plans import get_plan, sign_stored_plan
from planner.storage.audit import entries
from tests.conftest import example_paths
from tests.library.test_library_store import NEW_DOC


@pytest.fixture
def db(storage_db: Any) -> Any:
    """Every test here runs on an SQLite file and on a clinic server (PostgreSQL)."""
    return storage_db


def actions(db: Any) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [(e.action, e.subject, e.actor, json.loads(e.detail)) for e in reversed(entries(db))]


def test_trail_of_a_plan(db: Any, tmp_path: Path) -> None:
    assessment = load_assessment_file(example_paths()[0])
    stored = store_assessment(db, assessment)
    save_draft(
        db,
        stored.assessment_id,
        get_plan(db, stored.plan_id).assessment,
        PlanEdits(excluded={"clinic-aid-walker": "already has one"}),
        opened=get_plan(db, stored.plan_id).stamp,
    )
    sign_stored_plan(db, stored.plan_id, "J. Rivera", "PT")
    export_pdf(db, assessment, tmp_path / "plan.pdf")
    trail = [a for a in actions(db) if not a[0].startswith("document.")]
    assert [a[0] for a in trail] == ["assessment.store", "plan.save_draft", "plan.sign", "export.clinician_pdf"]
    assert trail[1][3]["excluded"] == {"clinic-aid-walker": "already has one"}
    assert trail[2][3]["credentials"] == "PT"
    if db.is_server:  # the server records the connection's login; the name typed is kept beside it
        assert trail[2][2] == "postgres" and trail[2][3]["signer"] == "J. Rivera"
        assert all(a[2] == "postgres" for a in trail)
    else:
        assert trail[2][2] == "J. Rivera"
    assert trail[3][3]["file"] == str(tmp_path / "plan.pdf")
    assert all(assessment["patient"]["name"] not in json.dumps(a) for a in trail)  # ids only, no names


def test_document_changes_are_recorded(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "extra.md"
    path.write_text(NEW_DOC, encoding="utf-8")
    import_documents(db, [path])
    remove_document(db, "CLINIC-EXTRA")
    document_actions = [(a[0], a[1]) for a in actions(db) if a[1] == "document:CLINIC-EXTRA"]
    assert document_actions == [
        ("document.load_imported", "document:CLINIC-EXTRA"),
        ("document.remove", "document:CLINIC-EXTRA"),
    ]


def tamper_with_signed_plan(db: Any, plan_id: int) -> None:
    """Change a signed plan as an attacker with the owner's rights would: set the guard aside first."""
    edits = '{"excluded": {"x": ""}}'
    if db.is_server:
        import psycopg

        with psycopg.connect(db.address.libpq_url()) as connection:
            connection.execute("ALTER TABLE plan DISABLE TRIGGER plan_before_update")
            connection.execute("UPDATE plan SET edits = %s WHERE id = %s", (edits, plan_id))
            connection.execute("ALTER TABLE plan ENABLE TRIGGER plan_before_update")
        return
    import sqlite3

    with sqlite3.connect(db.path) as connection:
        connection.execute("DROP TRIGGER plan_signed_no_update")
        connection.execute("UPDATE plan SET edits = ? WHERE id = ?", (edits, plan_id))


def test_db_check_finds_tampered_signed_plan(db: Any, capsys: Any) -> None:
    from planner.cli import run
    from planner.storage.check import check_database

    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    sign_stored_plan(db, stored.plan_id, "J. Rivera", "PT")
    assert check_database(db).ok
    assert run(["--db", db.location, "db", "check"]) == 0
    assert "ok (" in capsys.readouterr().out
    tamper_with_signed_plan(db, stored.plan_id)
    report = check_database(db)
    assert not report.ok and any(f"plan {stored.plan_id} (version 1) differs" in p for p in report.problems)
    assert run(["--db", db.location, "db", "check"]) == 1
    assert "PROBLEM: plan" in capsys.readouterr().out
