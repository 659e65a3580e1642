"""Two sessions on one plan: a save or a sign-off of a version someone changed since it was opened is refused,
naming who and when; nothing is signed but what the signer was shown. ``planner sign`` signs through the same
core function."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.cli import run
from planner.edits import PlanEdits
from planner.export.context import short_hash
from planner.record.assessments import save_draft, store_assessment
from planner.record.plans import (
    PlanChangedError,
    PlanSignedError,
    draft_hash,
    get_plan,
    latest_plan,
    plan_versions,
    sign_plan,
)
from tests.conftest import make_assessment


@pytest.fixture
def db(storage_db: Any) -> Any:
    """Every test here runs on an SQLite file and on a clinic server (PostgreSQL)."""
    return storage_db


def opened_twice(db: Any) -> tuple[Any, Any]:
    """One stored draft, as two screens opened it."""
    stored = store_assessment(db, make_assessment(pain={"nrs": 4}))
    return get_plan(db, stored.plan_id), get_plan(db, stored.plan_id)


def test_a_save_over_someone_elses_save_is_refused_naming_them(db: Any) -> None:
    first, second = opened_twice(db)
    saved = save_draft(db, first.assessment_id, make_assessment(pain={"nrs": 7}), PlanEdits(), opened=first.stamp)
    assert saved.row_version == first.row_version + 1
    with pytest.raises(PlanChangedError) as refused:
        save_draft(db, second.assessment_id, make_assessment(pain={"nrs": 2}), PlanEdits(), opened=second.stamp)
    message = str(refused.value)
    assert "saved by" in message and saved.created_at.strftime("%Y-%m-%d") in message
    assert "your entries are kept" in message
    assert get_plan(db, first.id).assessment["pain"]["nrs"] == 7  # the other save stands, nothing stored


def test_a_save_over_someone_elses_sign_off_is_refused(db: Any) -> None:
    first, second = opened_twice(db)
    sign_plan(db, first.id, "J. Rivera", "PT", opened=first.stamp, shown_hash=first.draft_hash)
    with pytest.raises(PlanChangedError, match=r"signed by J\. Rivera"):
        save_draft(db, second.assessment_id, make_assessment(pain={"nrs": 2}), PlanEdits(), opened=second.stamp)
    assert [v.version for v in plan_versions(db, first.assessment_id)] == [1]  # no version started


def test_a_sign_off_after_someone_saved_a_new_draft_is_refused(db: Any) -> None:
    """The screen shows the draft as opened; someone saves other content meanwhile: signing would sign what
    the screen never showed."""
    first, second = opened_twice(db)
    save_draft(db, first.assessment_id, make_assessment(pain={"nrs": 9}), PlanEdits(), opened=first.stamp)
    with pytest.raises(PlanChangedError, match="saved by"):
        sign_plan(db, second.id, "A. Okafor", "PT", opened=second.stamp, shown_hash=second.draft_hash)
    assert not get_plan(db, second.id).signed


def test_a_sign_off_of_content_other_than_shown_is_refused(db: Any) -> None:
    plan, _ = opened_twice(db)
    shown = draft_hash(make_assessment(pain={"nrs": 8}), plan.content, plan.edits.to_json())
    with pytest.raises(PlanChangedError, match="differs from the plan shown"):
        sign_plan(db, plan.id, "A. Okafor", "PT", opened=plan.stamp, shown_hash=shown)
    signed = sign_plan(db, plan.id, "A. Okafor", "PT", opened=plan.stamp, shown_hash=plan.draft_hash)
    assert signed.signed and signed.row_version == plan.row_version + 1


def test_an_amendment_over_someone_elses_amendment_is_refused(db: Any) -> None:
    plan, _ = opened_twice(db)
    signed = sign_plan(db, plan.id, "J. Rivera", "PT", opened=plan.stamp, shown_hash=plan.draft_hash)
    save_draft(db, plan.assessment_id, make_assessment(pain={"nrs": 5}), PlanEdits(), opened=signed.stamp)
    with pytest.raises(PlanChangedError, match="plan version 2"):
        save_draft(db, plan.assessment_id, make_assessment(pain={"nrs": 6}), PlanEdits(), opened=signed.stamp)
    assert [v.version for v in plan_versions(db, plan.assessment_id)] == [1, 2]


def test_the_update_itself_checks_the_row_version(db: Any) -> None:
    """Besides the comparison in the transaction, SQLAlchemy's UPDATE names the row version it read."""
    from sqlalchemy import event

    plan, _ = opened_twice(db)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    save_draft(db, plan.assessment_id, make_assessment(pain={"nrs": 3}), PlanEdits(), opened=plan.stamp)
    placeholder = "%(plan_row_version)s" if db.is_server else "?"
    assert any(s.startswith("UPDATE plan") or s.startswith('UPDATE "plan"') for s in statements), statements
    assert any(f"plan.row_version = {placeholder}" in s.replace('"', "") for s in statements)


def test_planner_sign_signs_the_stored_draft(db: Any, capsys: pytest.CaptureFixture) -> None:
    stored = store_assessment(db, make_assessment())
    code = run(["--db", db.location, "sign", str(stored.plan_id), "--signer", "J. Rivera", "--credentials", "PT"])
    out = capsys.readouterr().out
    record = get_plan(db, stored.plan_id)
    assert code == 0 and record.signed and record.signer == "J. Rivera"
    assert f"signed plan {stored.plan_id} (version 1)" in out and short_hash(record.content_hash or "") in out
    again = ["--db", db.location, "sign", str(stored.plan_id), "--signer", "X", "--credentials", "OT"]
    assert run(again) == 2 and "already signed by J. Rivera" in capsys.readouterr().err
    assert run(["--db", db.location, "sign", "999", "--signer", "X", "--credentials", "OT"]) == 2
    assert run(["--db", db.location, "sign", str(stored.plan_id), "--signer", "X"]) == 2  # usage


def test_history_shows_the_short_hash_of_a_signed_plan(db: Any, capsys: pytest.CaptureFixture) -> None:
    stored = store_assessment(db, make_assessment())
    assert run(["--db", db.location, "sign", str(stored.plan_id), "--signer", "J", "--credentials", "PT"]) == 0
    capsys.readouterr()
    assert run(["--db", db.location, "history", "T-1"]) == 0
    record = latest_plan(db, stored.assessment_id)
    assert short_hash(record.content_hash or "") in capsys.readouterr().out
    assert run(["--db", db.location, "history", "T-1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["assessments"][0]["plans"][0]["content_hash"] == record.content_hash


def test_already_signed_is_still_its_own_error(db: Any) -> None:
    plan, _ = opened_twice(db)
    signed = sign_plan(db, plan.id, "J. Rivera", "PT", opened=plan.stamp, shown_hash=plan.draft_hash)
    with pytest.raises(PlanSignedError):
        sign_plan(db, plan.id, "J. Rivera", "PT", opened=signed.stamp, shown_hash=signed.draft_hash)


# The write lock is not held while a plan is drafted: another workstation writes while one is drafting.


def second_workstation(db: Any) -> Any:
    """Another connection to the same database, as a second workstation has, that gives up on the write lock
    at once (so a lock held by the first would show as an error here, not as a wait)."""
    from planner.storage.database import Database, ServerDatabase

    if db.is_server:
        return ServerDatabase(db.location, busy_timeout_ms=100)
    return Database(db.path, busy_timeout_ms=100)


@pytest.fixture
def while_drafting(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``while_drafting(action)``: run ``action`` once, in the middle of the next plan drafted (the real
    generator runs around it)."""
    import planner.plan.draft

    real = planner.plan.draft.generate_plan
    pending: list[Any] = []

    def generate(*args: Any, **kwargs: Any) -> Any:
        if pending:
            pending.pop()()
        return real(*args, **kwargs)

    monkeypatch.setattr(planner.plan.draft, "generate_plan", generate)
    return pending.append


def test_another_workstation_writes_while_a_save_is_drafting(db: Any, while_drafting: Any) -> None:
    plan, _ = opened_twice(db)
    other = second_workstation(db)
    written: list[Any] = []
    while_drafting(lambda: written.append(store_assessment(other, make_assessment(patient={"id": "T-2"}))))
    saved = save_draft(db, plan.assessment_id, make_assessment(pain={"nrs": 6}), PlanEdits(), opened=plan.stamp)
    other.dispose()
    assert written and written[0].patient_id == "T-2"  # it got the write lock during the first one's drafting
    assert saved.assessment["pain"]["nrs"] == 6 and saved.row_version == plan.row_version + 1


def test_another_workstation_writes_while_a_new_visit_is_drafting(db: Any, while_drafting: Any) -> None:
    other = second_workstation(db)
    written: list[Any] = []
    while_drafting(lambda: written.append(store_assessment(other, make_assessment(patient={"id": "T-2"}))))
    stored = store_assessment(db, make_assessment(pain={"nrs": 3}))
    other.dispose()
    assert written and written[0].patient_id == "T-2"
    assert get_plan(db, stored.plan_id).assessment["pain"]["nrs"] == 3


def test_a_save_over_a_change_made_while_it_was_drafting_is_refused(db: Any, while_drafting: Any) -> None:
    """Drafting outside the lock does not weaken the check: the version is compared under the lock."""
    first, second = opened_twice(db)
    other = second_workstation(db)
    changes = make_assessment(pain={"nrs": 9})
    while_drafting(lambda: save_draft(other, first.assessment_id, changes, PlanEdits(), opened=first.stamp))
    with pytest.raises(PlanChangedError, match="saved by"):
        save_draft(db, second.assessment_id, make_assessment(pain={"nrs": 2}), PlanEdits(), opened=second.stamp)
    other.dispose()
    assert get_plan(db, first.id).assessment["pain"]["nrs"] == 9  # the other save stands, nothing stored


def test_a_visit_stored_while_a_save_was_drafting_is_in_the_saved_plan(db: Any, while_drafting: Any) -> None:
    """The draft was made without the earlier visit stored meanwhile; what is stored is drafted with it, as
    if the save had waited for it."""
    from planner.plan.draft import draft_plan

    plan, _ = opened_twice(db)
    now = make_assessment(pain={"nrs": 2})
    drafted_alone = draft_plan(db, now, plan.assessment_id)
    other = second_workstation(db)
    earlier = make_assessment(assessed_on="2026-10-01", pain={"nrs": 9})
    while_drafting(lambda: store_assessment(other, earlier))
    saved = save_draft(db, plan.assessment_id, now, PlanEdits(), opened=plan.stamp)
    other.dispose()
    assert saved.content == json.loads(json.dumps(draft_plan(db, now, plan.assessment_id)))
    assert saved.content != json.loads(json.dumps(drafted_alone))  # the earlier visit changed the plan
