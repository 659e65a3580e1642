"""The patient filter against a brute-force reference: random typing, erasing, pasting, archived patients
shown and hidden, sorting; with Qt's model tester watching every change."""

from __future__ import annotations

import random
from typing import Any

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTableView

from planner.record.patients import save_patient, set_patient_archived
from planner.ui.patients import PatientFilterModel, PatientIdRole, PatientListModel, fold

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    # The offscreen platform says this whenever a top-level window is shown; it is not about this window.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

NAMES = [
    "Zoë Łukasz",
    "ZOE lukasz",
    "zoe Lukasz",
    "Søren Ødegård",
    "Đorđe Perić",
    "José Núñez",
    "jose nunez",
    "Ana Sousa",
    "ana sousa",
    "Ana-Sofia Sousa",
    "Ψυχή Παπαδοπούλου",
    "Иван Иванова",
    "Jean-Luc O'Neil",
    "Mei Chen",
    "Ærin Ågren",
    "Straße Groß",
]
TYPED = "azoeluksnñ- ÆØŁ'ıiIΨΠ"


@pytest.fixture
def patients(db: Any) -> PatientListModel:
    """Sixty patients with repeated and near-repeated names, some born on the same day, a third archived."""
    chance = random.Random(5)
    for number in range(60):
        born = f"19{chance.randint(40, 99)}-0{chance.randint(1, 9)}-1{chance.randint(0, 9)}" if number % 4 else None
        save_patient(db, f"P-{number:03d}", chance.choice(NAMES), born, new=True)
        if number % 3 == 0:
            set_patient_archived(db, f"P-{number:03d}", True)
    model = PatientListModel(db)
    model.reload()
    return model


def shown(proxy: PatientFilterModel) -> list[int]:
    return [proxy.mapToSource(proxy.index(row, 0)).row() for row in range(proxy.rowCount())]


def expected(model: PatientListModel, text: str, show_archived: bool, column: int, order: Qt.SortOrder) -> list[int]:
    """Qt's own sort (QSortFilterProxyModel, as the list used to be), then the filter row by row."""
    reference = QSortFilterProxyModel()
    reference.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    reference.setSortLocaleAware(True)
    reference.setSourceModel(model)
    reference.sort(column, order)
    rows = [reference.mapToSource(reference.index(row, 0)).row() for row in range(reference.rowCount())]
    needle = fold(text.strip())
    return [
        row
        for row in rows
        if (show_archived or not model.patient(row).archived)
        and needle in fold(f"{model.patient(row).name} {model.patient(row).id}")
    ]


def test_filter_matches_a_brute_force_reference(patients: PatientListModel, qtmodeltester: Any) -> None:
    proxy = PatientFilterModel()
    proxy.setSourceModel(patients)
    qtmodeltester.check(proxy)
    chance = random.Random(11)
    text, show_archived, column, order = "", False, -1, Qt.SortOrder.AscendingOrder
    for _step in range(600):
        action = chance.random()
        if action < 0.45:
            text += chance.choice(TYPED)
        elif action < 0.65:
            text = text[:-1]
        elif action < 0.75:  # pasted: part of a name or an id, in any case
            source = chance.choice([*NAMES, "P-007", "p-04"])
            start = chance.randrange(len(source))
            text = source[start : start + chance.randint(1, 6)].upper()
        elif action < 0.8:
            text = ""
        elif action < 0.88:
            show_archived = not show_archived
            proxy.set_show_archived(show_archived)
        else:
            column = chance.randint(-1, PatientListModel.LAST_ASSESSED)
            order = chance.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
            proxy.sort(column, order)
        proxy.set_text(text)
        assert shown(proxy) == expected(patients, text, show_archived, column, order), (text, show_archived, column)
        assert [proxy.index(row, 0).data(PatientIdRole) for row in range(proxy.rowCount())] == [
            patients.patient(row).id for row in shown(proxy)
        ]


def test_narrowing_gives_the_rows_of_a_fresh_filter(patients: PatientListModel) -> None:
    typed = PatientFilterModel()
    typed.setSourceModel(patients)
    for name in ["zoe luk", "ana sousa", "jose", "p-0"]:
        typed.set_text("")
        for end in range(1, len(name) + 1):
            typed.set_text(name[:end])
            fresh = PatientFilterModel()
            fresh.setSourceModel(patients)
            fresh.set_text(name[:end])
            assert shown(typed) == shown(fresh), name[:end]


def test_selection_follows_its_patient_and_reload_keeps_the_filter(
    db: Any, patients: PatientListModel, qtbot: Any
) -> None:
    proxy = PatientFilterModel()
    proxy.setSourceModel(patients)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.show()
    proxy.set_text("sousa")
    view.setCurrentIndex(proxy.index(proxy.rowCount() - 1, 1))
    chosen = view.currentIndex().data(PatientIdRole)
    proxy.sort(PatientListModel.ID, Qt.SortOrder.DescendingOrder)
    proxy.set_text("sous")
    assert view.currentIndex().data(PatientIdRole) == chosen
    assert view.currentIndex().column() == 1
    proxy.set_text("zoe")  # the chosen patient is no longer listed: no current row, nothing else chosen
    assert not view.currentIndex().isValid()
    save_patient(db, "P-999", "Zoë Sousa", new=True)
    patients.reload()
    assert proxy.sortColumn() == PatientListModel.ID and proxy.sortOrder() == Qt.SortOrder.DescendingOrder
    assert "P-999" in [proxy.index(row, 0).data(PatientIdRole) for row in range(proxy.rowCount())]
    assert shown(proxy) == expected(patients, "zoe", False, PatientListModel.ID, Qt.SortOrder.DescendingOrder)


def test_headers_stay_when_no_patient_matches(patients: PatientListModel) -> None:
    proxy = PatientFilterModel()
    proxy.setSourceModel(patients)
    proxy.set_text("no such patient")
    assert proxy.rowCount() == 0
    assert [proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(proxy.columnCount())] == list(
        PatientListModel.HEADERS
    )


def test_filtering_out_the_open_patient_keeps_it_open(window: Any, qtbot: Any) -> None:
    save_patient(window.database, "Z-1", "Zoë Łukasz", new=True)
    save_patient(window.database, "Z-2", "Other Person", new=True)
    window.patient_model.reload()
    assert window.select_patient("Z-1")
    assert window.patient_id == "Z-1"
    qtbot.keyClicks(window.patient_search, "other")
    assert window.patient_filter.rowCount() == 1
    assert window.patient_id == "Z-1"  # searching does not close, or switch, the patient being worked on
    window.patient_search.clear()
    assert window.patient_filter.rowCount() == 2
    assert window.patient_id == "Z-1"
