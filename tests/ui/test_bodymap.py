"""The body map: every region is where it says, clicks and keys ask for grades, nothing changes by itself."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from planner.engine.vocabulary import MUSCLE_GROUPS, SIDES


@pytest.fixture
def body(qtbot: Any) -> Any:
    from planner.ui.bodymap import BodyMapWidget

    widget = BodyMapWidget(popup_menus=False)
    qtbot.addWidget(widget)
    widget.resize(640, 480)
    widget.show()
    return widget


def test_every_region_hit_tests_to_itself(body: Any) -> None:
    centres = set()
    for group in MUSCLE_GROUPS:
        for side in SIDES:
            centre = body.regionCenter(group, side)
            assert body.regionAt(centre) == (group, side)
            centres.add((centre.x(), centre.y()))
    assert len(centres) == len(MUSCLE_GROUPS) * len(SIDES)


def test_click_selects_and_menu_requests_grade(body: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(body.selectionChanged) as selected:
        qtbot.mouseClick(body, Qt.MouseButton.LeftButton, pos=body.regionCenter("hip_extension", "left"))
    assert selected.args == ["hip_extension", "left"]
    menu = body.lastGradeMenu()
    with qtbot.waitSignal(body.gradeRequested) as requested:
        next(a for a in menu.actions() if a.data() == 3).trigger()
    assert requested.args == ["hip_extension", "left", 3]
    assert body.grades()["hip_extension"]["left"] is None  # the owner decides; the map does not change itself


def test_keys_request_grades_and_move_selection(body: Any, qtbot: Any) -> None:
    body.setSelected("knee_extension", "right")
    body.setFocus()
    with qtbot.waitSignal(body.gradeRequested) as requested:
        qtbot.keyClick(body, Qt.Key.Key_4)
    assert requested.args == ["knee_extension", "right", 4]
    with qtbot.waitSignal(body.gradeRequested) as requested:
        qtbot.keyClick(body, Qt.Key.Key_N)
    assert requested.args == ["knee_extension", "right", None]
    qtbot.keyClick(body, Qt.Key.Key_Down)
    assert body.selected() != ("knee_extension", "right")


def test_read_only_blocks_requests(body: Any, qtbot: Any) -> None:
    body.setReadOnly(True)
    body.setSelected("knee_flexion", "left")
    with qtbot.assertNotEmitted(body.gradeRequested):
        qtbot.keyClick(body, Qt.Key.Key_2)
        body.requestGrade("knee_flexion", "left", 2)


def test_grades_round_trip_and_numbers_drawn(body: Any) -> None:
    body.setGrades({"hip_flexion": {"left": 2}, "ankle_eversion": {"right": 5}})
    grades = body.grades()
    assert grades["hip_flexion"] == {"left": 2, "right": None}
    assert grades["ankle_eversion"]["right"] == 5
    assert body.regionLabel("hip_flexion", "left") == "2"
    first = body.grab().toImage()
    body.setGrades({"hip_flexion": {"left": 5}})
    assert body.grab().toImage() != first


def test_accessible_and_renders_at_double_density(body: Any) -> None:
    assert body.accessibleName() == "Body map of leg muscle strength"
    image = QImage(1280, 960, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(2)
    image.fill(0)
    body.render(image)
    assert not image.isNull()
