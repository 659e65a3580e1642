"""The window fits a 1280x800 screen at 100 % and a 1920x1080 screen at 200 % (960x540 logical pixels): the
minimum size of the main window and of every tab and page, with the default font and a larger one; panes
reflow or scroll instead of pushing the window wider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QScrollArea

from planner.record.assessments import store_assessment
from tests.conftest import load_example
from tests.ui.test_history_view import eleven_weak_groups

SMALL_SCREEN = (960, 540)
"""1920x1080 at 200 %, in logical pixels."""
ROOM = {None: 470, 12.0: SMALL_SCREEN[1]}
"""The height the window may need: with the default font, the small screen less a desktop's top panel and the
window's title bar (about 70 logical pixels); with a 12 pt font, the small screen."""
PAGE_HEIGHT = 300
"""The tallest a tab's page may need: below it, the follow-up list, the tab bar, menus and toolbar."""
PAGE_WIDTH = 560
"""The widest a page of the assessment may need: on the small screen beside the patient list it has about 600
pixels, so no page scrolls sideways there."""


@pytest.fixture(params=[None, 12.0], ids=["default font", "12 pt font"])
def font_size(request: pytest.FixtureRequest, qapp: Any) -> Iterator[float | None]:
    before = QApplication.font()
    if request.param is not None:
        font = QFont(before)
        font.setPointSizeF(request.param)
        QApplication.setFont(font)
    yield request.param
    QApplication.setFont(before)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def states(window: Any) -> Iterator[str]:
    """Every tab and page of the record, one after the other (the window as each shows it)."""
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        if tab == 0:
            for page in range(window.editor.tabs.count()):
                window.editor.tabs.setCurrentIndex(page)
                settle()
                yield f"assessment page {window.editor.tabs.tabText(page)}"
        elif tab == 2:
            for page in range(window.history.pages.count()):
                window.history.pages.setCurrentIndex(page)
                settle()
                yield f"history page {window.history.pages.tabText(page)}"
        else:
            settle()
            yield f"tab {window.tabs.tabText(tab)}"


def held_back() -> dict[str, Any]:
    """The example patient with a DVT and a pacemaker: the plan holds back many items (the held-items node)."""
    assessment = load_example("neoplastic-after-radiation")
    assessment["patient"] = {**assessment["patient"], "id": "HELD-1"}
    assessment["history"] |= {"dvt": True, "implanted_devices": ["pacemaker"]}
    return assessment


def test_main_window_and_every_tab_fit_the_small_screen(window: Any, font_size: float | None) -> None:
    for visit in eleven_weak_groups():  # a long history: eleven weak groups across three visits
        store_assessment(window.database, visit)
    store_assessment(window.database, load_example("neoplastic-after-radiation"))
    store_assessment(window.database, held_back())
    window.patient_model.reload()
    too_big = {}
    for patient in ("T-1", "MRN-0042", "HELD-1"):
        assert window.select_patient(patient)
        for state in states(window):
            hint = window.minimumSizeHint()
            if hint.width() > SMALL_SCREEN[0] or hint.height() > ROOM[font_size]:
                too_big[f"{patient}, {state}: window"] = (hint.width(), hint.height())
            page = window.tabs.currentWidget().minimumSizeHint()
            if page.width() > SMALL_SCREEN[0] // 2 or page.height() > PAGE_HEIGHT:
                too_big[f"{patient}, {state}: tab"] = (page.width(), page.height())
    assert too_big == {}


def test_no_page_of_the_assessment_scrolls_sideways_on_the_small_screen(window: Any) -> None:
    store_assessment(window.database, load_example("neoplastic-after-radiation"))
    window.patient_model.reload()
    assert window.select_patient("MRN-0042")
    settle()
    wide = {}
    for page in range(window.editor.tabs.count()):
        area = window.editor.tabs.widget(page)
        assert isinstance(area, QScrollArea)
        width = area.widget().minimumSizeHint().width()
        if width > PAGE_WIDTH:
            wide[window.editor.tabs.tabText(page)] = width
    assert wide == {}


def test_body_map_goes_under_the_grid_when_narrow(window: Any) -> None:
    store_assessment(window.database, load_example("neoplastic-after-radiation"))
    window.patient_model.reload()
    assert window.select_patient("MRN-0042")
    window.editor.tabs.setCurrentIndex(1)
    reflow = window.editor.strength_reflow
    window.resize(1280, 800)
    window.splitter.setSizes([330, 950])
    settle()
    assert reflow.is_side_by_side()
    map_box = window.editor.body_map.geometry()
    assert map_box.right() <= reflow.width()  # the back view and the legend are not clipped
    window.resize(*SMALL_SCREEN)
    window.splitter.setSizes([250, 710])
    settle()
    assert not reflow.is_side_by_side()
    assert window.editor.body_map.geometry().top() > 0  # under the grid
    assert window.editor.body_map.width() <= reflow.width()


def test_plan_detail_pane_goes_under_the_list_when_narrow(window: Any) -> None:
    store_assessment(window.database, load_example("neoplastic-after-radiation"))
    window.patient_model.reload()
    assert window.select_patient("MRN-0042")
    window.tabs.setCurrentIndex(1)
    review = window.plan_review
    from PySide6.QtCore import Qt

    window.resize(1280, 800)
    window.splitter.setSizes([330, 950])
    settle()
    assert review.splitter.orientation() == Qt.Orientation.Horizontal
    window.resize(*SMALL_SCREEN)
    window.splitter.setSizes([250, 710])
    settle()
    assert review.splitter.orientation() == Qt.Orientation.Vertical
    # The buttons wrap rather than push the Sign button off the window.
    assert review.sign_button.geometry().right() <= review.width()


def test_excluding_an_item_keeps_the_list_where_it_was(window: Any, monkeypatch: Any) -> None:
    from PySide6.QtCore import Qt

    from planner.ui.plan_review import ItemIdRole

    store_assessment(window.database, load_example("neoplastic-after-radiation"))
    window.patient_model.reload()
    assert window.select_patient("MRN-0042")
    window.tabs.setCurrentIndex(1)
    window.resize(1280, 800)
    settle()
    review = window.plan_review
    monkeypatch.setattr(review, "ask_reason", lambda _title: ("not now", True))
    assert review.select_item("clinic-reassess")  # near the end of the list
    bar = review.tree.verticalScrollBar()
    assert bar.value() > 0
    before = bar.value()
    row = review.model.itemFromIndex(review.tree.currentIndex())
    row.setCheckState(Qt.CheckState.Unchecked)
    settle()
    assert window.session.edits.excluded == {"clinic-reassess": "not now"}
    assert bar.value() == before
    assert review.tree.currentIndex().data(ItemIdRole) == "clinic-reassess"
    assert review.tree.selectionModel().isSelected(review.tree.currentIndex())


def test_a_held_item_stays_current_when_the_plan_is_rebuilt(window: Any) -> None:
    """The held-items node is part of the list like any section: a held row that was current stays current
    (and its reason stays in the detail pane) when an edit rebuilds the plan."""
    from planner.ui.plan_review import ItemIdRole, KindRole

    store_assessment(window.database, held_back())
    window.patient_model.reload()
    assert window.select_patient("HELD-1")
    window.tabs.setCurrentIndex(1)
    window.resize(1280, 800)
    settle()
    review = window.plan_review
    assert review.select_item("nlsp-analgesia-tens-anodyne")
    assert review.tree.currentIndex().data(KindRole) == "held"
    window.session.set_value(("pain", "nrs"), 6)  # any edit: the plan is generated and the list rebuilt
    settle()
    assert review.tree.currentIndex().data(ItemIdRole) == "nlsp-analgesia-tens-anodyne"
    assert "implanted electronic device" in review.evidence.toPlainText()


@pytest.mark.parametrize("card", ["ex-bridge", "longest"])
def test_the_dosage_box_shows_whole_at_1280x800_with_the_follow_up_list_open(window: Any, card: str) -> None:
    """Issue 16: the exercise card's dosage box was cut off (its pane scrolled) at 1280x800 with the follow-up
    list docked below. The card's words scroll in their own column instead, even for the longest card."""
    from PySide6.QtCore import QRect

    store_assessment(window.database, load_example("neoplastic-after-radiation"))
    window.patient_model.reload()
    assert window.select_patient("MRN-0042")
    window.resize(1280, 800)
    window.splitter.setSizes([330, 950])
    window.tabs.setCurrentIndex(1)
    page = window.plan_review.exercises
    window.plan_review.pages.setCurrentWidget(page)
    cards = window.session.plan["exercises"]
    target = max(cards, key=lambda c: len(str(c)))["id"] if card == "longest" else card
    assert page.select(target)
    settle()
    assert window.due_dock.isVisible() and window.due_dock.height() >= 90
    assert page.splitter.widget(1).verticalScrollBar().maximum() == 0  # the card's pane does not scroll
    box = page.dosage_box
    assert box.visibleRegion().boundingRect() == QRect(0, 0, box.width(), box.height())
    for child in (page.apply_dosage, page.dosage_text, page.note, *page.spins.values()):
        assert not child.visibleRegion().isEmpty(), child.accessibleName()
