"""The follow-up due list in the main window: rows from the core, opening the patient, done and reopen."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from planner.record.assessments import store_assessment
from tests.record.test_followup import person


def fill(window: Any) -> None:
    # Bo's first studies are asked for on 10-25, so his repeat is dated 2027-01-25 (review 12f, R12f-07): on 11-12
    # only his reassessment on 11-22 lies ahead
    store_assessment(window.database, person("P-A", "Ada Ångström", "2026-09-15"))
    store_assessment(window.database, person("P-B", "Bo", "2026-10-25"))
    window.due.today = lambda: date(2026, 11, 12)
    window.due.days.setValue(0)
    window.load_patients()


def rows(window: Any) -> list[tuple[str, ...]]:
    model = window.due.model
    return [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


def test_due_list_shows_every_patient_with_status_text(window: Any, qtmodeltester: Any) -> None:
    fill(window)
    assert rows(window) == [
        (
            "Overdue",
            "2026-10-13",
            "Ada Ångström (P-A)",
            "Reassess strength, pain and function every 4 weeks",
            "Monitoring",
        ),
        (
            "Due",
            "2026-11-01 to 2027-02-01",
            "Ada Ångström (P-A)",
            "Repeat electrodiagnostic studies at 3-6 months for reinnervation",
            "Monitoring",
        ),
    ]
    assert "1 overdue, 1 due" in window.due.summary.text()
    assert window.due.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    qtmodeltester.check(window.due.model)
    window.due.days.setValue(30)
    assert len(rows(window)) == 3 and rows(window)[-1][0] == "Upcoming" and rows(window)[-1][2] == "Bo (P-B)"


def test_double_click_opens_the_patient(window: Any) -> None:
    fill(window)
    window.due.days.setValue(30)
    window.due.view.doubleClicked.emit(window.due.model.index(2, 3))
    assert window.patient_id == "P-B"


def test_mark_done_and_reopen(window: Any) -> None:
    fill(window)
    window.due.view.selectRow(0)
    assert window.due.done_button.isEnabled()
    window.due.mark_done()
    assert rows(window)[0][3].startswith("Repeat electrodiagnostic")
    assert "Marked done: Reassess strength" in window.due.summary.text()
    assert window.due.reopen_button.isEnabled()
    window.due.reopen_last()
    assert rows(window)[0][0] == "Overdue" and not window.due.reopen_button.isEnabled()


def test_saving_a_new_visit_updates_the_list(window: Any) -> None:
    fill(window)
    assert window.select_patient("P-A")
    window.new_assessment()
    window.session.set_value(("assessed_on",), "2026-11-12")
    window.session.set_value(("pain", "nrs"), 3)  # a new visit records today's pain
    assert window.save()
    patients = [r[2] for r in rows(window) if r[0] == "Overdue"]
    assert patients == []  # the new visit brought a new schedule for Ada


def test_archiving_a_patient_takes_their_items_off_the_list(window: Any) -> None:
    fill(window)
    window.due.days.setValue(30)
    assert window.select_patient("P-A")
    window.toggle_archived()
    assert {r[2] for r in rows(window)} == {"Bo (P-B)"}
    window.toggle_archived()
    assert "Ada Ångström (P-A)" in {r[2] for r in rows(window)}
