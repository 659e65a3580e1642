"""Two windows on one database file (as two workstations would be): a save or a sign-off over the other's
change is refused with who and when, and the refused window keeps its entries; a clinician signs exactly
what their screen shows."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QSpinBox

from planner.assessment.validate import load_assessment_file
from planner.record.assessments import store_assessment
from planner.record.plans import get_plan, latest_plan
from planner.storage.database import Database
from planner.ui.plan_review import SignDialog
from tests.conftest import example_paths
from tests.ui.conftest import open_window as open_main_window


def open_window(qtbot: Any, database: Any, settings: Any, patient_id: str) -> Any:
    window = open_main_window(qtbot, database, settings, reopen_last=False)
    assert window.select_patient(patient_id)
    return window


def pain(window: Any) -> QSpinBox:
    return window.editor.findChild(QSpinBox, "pain.nrs")


@pytest.fixture
def two(qtbot: Any, db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    other = Database(db.path)  # its own connections, as another workstation would have
    first = open_window(qtbot, db, settings, stored.patient_id)
    second = open_window(qtbot, other, settings, stored.patient_id)

    def sign(dialog: SignDialog) -> int:
        dialog.name.setText("A. Okafor")
        dialog.credentials.setText("PT")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SignDialog, "exec", sign)
    yield first, second, stored
    for window in (first, second):
        if window.session is not None:
            window.session.undo_stack.setClean()
    other.dispose()


def test_a_save_over_the_other_windows_save_is_refused_and_keeps_the_entries(two: Any) -> None:
    first, second, stored = two
    pain(second).setValue(2)
    assert second.save()
    pain(first).setValue(9)
    assert first.save() is False
    assert "Not saved" in first.warnings[-1] and "saved by" in first.warnings[-1]
    assert "your entries are kept" in first.warnings[-1]
    assert first.session.value(("pain", "nrs")) == 9 and first.session.dirty and pain(first).value() == 9
    assert get_plan(first.database, stored.plan_id).assessment["pain"]["nrs"] == 2
    first.plan_review.sign_button.click()  # nor can the entries be signed over the other's save
    assert "Not signed" in first.warnings[-1]
    assert not latest_plan(first.database, stored.assessment_id).signed
    assert first.session.value(("pain", "nrs")) == 9


def test_a_sign_off_after_the_other_window_saved_is_refused(two: Any) -> None:
    """The first window shows the draft as it opened it (nothing typed); the other saves new content: the
    first cannot sign what it does not show."""
    first, second, stored = two
    assert not first.session.dirty
    pain(second).setValue(1)
    assert second.save()
    first.plan_review.sign_button.click()
    assert "Not signed" in first.warnings[-1] and "saved by" in first.warnings[-1]
    record = latest_plan(first.database, stored.assessment_id)
    assert not record.signed and record.assessment["pain"]["nrs"] == 1


def test_a_save_after_the_other_window_signed_is_refused(two: Any) -> None:
    first, second, stored = two
    second.plan_review.sign_button.click()
    assert get_plan(second.database, stored.plan_id).signed
    pain(first).setValue(8)
    assert first.save() is False and "signed by A. Okafor" in first.warnings[-1]
    assert [p.version for p in [latest_plan(first.database, stored.assessment_id)]] == [1]


EXTRA = """---
id: CLINIC-EXTRA
title: Our home visit convention
source: Local convention
version: 1
kind: convention
---

## Home visits

Every patient gets a home visit.

::: recommendation extra-home-visit
target: ot
order: 60
when: pain_nrs >= 0
title: Home visit
detail: Pain NRS {pain_nrs}.
:::
"""


def test_signing_signs_what_the_screen_shows_after_the_library_changed(
    qtbot: Any, db: Any, settings: Any, tmp_path: Any
) -> None:
    """A draft stored before a document was imported: the screen shows the plan drafted from today's
    library, and that, not the stored draft, is what gets signed (it is saved first)."""
    from planner.library.store import import_documents
    from planner.ui.session import AssessmentSession

    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    assert "extra-home-visit" not in {
        i["id"] for s in get_plan(db, stored.plan_id).content["sections"] for i in s["items"]
    }
    (tmp_path / "extra.md").write_text(EXTRA, encoding="utf-8")
    import_documents(db, [tmp_path / "extra.md"])
    window = open_window(qtbot, db, settings, stored.patient_id)
    session: AssessmentSession = window.session
    shown = {i["id"] for s in session.plan["sections"] for i in s["items"]}
    assert "extra-home-visit" in shown and not session.dirty
    shown_hash = session.shown_hash()
    record = session.sign("J. Rivera", "PT")
    assert record.signed and record.draft_hash == shown_hash
    assert {i["id"] for s in record.content["sections"] for i in s["items"]} == shown


def test_a_recovered_draft_is_not_saved_over_a_change_made_since_it_was_typed(
    two: Any, qtbot: Any, settings: Any
) -> None:
    first, second, stored = two
    pain(first).setValue(9)
    first.autosave()
    first.session.undo_stack.setClean()  # the first workstation dies here
    pain(second).setValue(2)
    assert second.save()
    again = open_window(qtbot, first.database, settings, stored.patient_id)
    (draft,) = again.drafts.drafts()
    assert draft.opened is not None
    again.restore_draft(
        draft.patient_id, draft.assessment_id, draft.assessment, draft.edits, draft.opened, draft.writer
    )
    assert again.session.value(("pain", "nrs")) == 9
    assert again.save() is False and "saved by" in again.warnings[-1]
    assert get_plan(again.database, stored.plan_id).assessment["pain"]["nrs"] == 2
    assert again.drafts.drafts() != []  # the typed entries are kept
    again.session.undo_stack.setClean()
