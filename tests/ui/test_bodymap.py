"""The body map: every region is where it says, clicks and keys ask for grades, nothing changes by itself."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QVBoxLayout, QWidget

from planner.engine.vocabulary import MUSCLE_GROUPS, SIDES
from tests.conftest import make_assessment

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    # The offscreen platform says these when a window with a layout or a tooltip is shown; not about the map.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints", "This plugin does not support raise"),
]

FRONT = (
    "hip_flexion",
    "hip_adduction",
    "knee_extension",
    "ankle_dorsiflexion",
    "great_toe_extension",
    "ankle_eversion",
)
BACK = ("hip_abduction", "hip_extension", "knee_flexion", "ankle_plantarflexion", "ankle_inversion")
ALL_REGIONS = [(group, side) for group in MUSCLE_GROUPS for side in SIDES]


@pytest.fixture
def body(qtbot: Any) -> Any:
    from planner.ui.bodymap import BodyMapWidget

    widget = BodyMapWidget(popup_menus=False)
    qtbot.addWidget(widget)
    widget.resize(640, 480)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def centre(body: Any, group: str, side: str) -> QPointF:
    return QPointF(body.regionCenter(group, side))


# Geometry -------------------------------------------------------------------------------------------------


def test_every_region_hit_tests_to_itself(body: Any) -> None:
    centres = set()
    for group, side in ALL_REGIONS:
        point = body.regionCenter(group, side)
        assert body.rect().contains(point)
        assert body.regionAt(point) == (group, side)
        assert body.regionPath(group, side).contains(QPointF(point))
        centres.add((point.x(), point.y()))
    assert len(centres) == len(ALL_REGIONS)


def test_regions_do_not_overlap(body: Any) -> None:
    paths = {key: body.regionPath(*key) for key in ALL_REGIONS}
    for (a, path_a), (b, path_b) in combinations(paths.items(), 2):
        assert not path_a.intersects(path_b), f"{a} overlaps {b}"
    for x in range(0, body.width(), 5):
        for y in range(0, body.height(), 5):
            point = QPointF(x, y)
            inside = [key for key, path in paths.items() if path.contains(point)]
            assert len(inside) <= 1, (x, y, inside)


def test_regions_are_placed_anatomically(body: Any) -> None:
    middle = body.width() / 2
    for group in FRONT:
        # Front view on the left; the patient's right leg on the viewer's left.
        assert centre(body, group, "right").x() < centre(body, group, "left").x() < middle
    for group in BACK:
        # Back view on the right, seen from behind: the patient's right leg on the viewer's right.
        assert middle < centre(body, group, "left").x() < centre(body, group, "right").x()
    for side in SIDES:

        def y(group: str, side: str = side) -> float:
            return centre(body, group, side).y()

        assert y("hip_flexion") < y("knee_extension") < y("ankle_dorsiflexion") < y("great_toe_extension")
        assert y("hip_abduction") < y("hip_extension") < y("knee_flexion") < y("ankle_plantarflexion")
        assert y("ankle_plantarflexion") < y("ankle_inversion")
        # The medial groups sit nearer the midline of their view than their lateral neighbours.
        front_mid = (centre(body, "hip_adduction", "left").x() + centre(body, "hip_adduction", "right").x()) / 2
        assert abs(centre(body, "hip_adduction", side).x() - front_mid) < abs(
            centre(body, "knee_extension", side).x() - front_mid
        )
        assert abs(centre(body, "ankle_dorsiflexion", side).x() - front_mid) < abs(
            centre(body, "ankle_eversion", side).x() - front_mid
        )


def test_layout_scales_with_size_and_keeps_aspect(body: Any) -> None:
    small = body.regionPath("knee_extension", "left").boundingRect()
    body.resize(1280, 960)
    large = body.regionPath("knee_extension", "left").boundingRect()
    assert large.width() > small.width() * 1.6
    assert large.height() / large.width() == pytest.approx(small.height() / small.width(), rel=0.05)
    assert body.regionAt(body.regionCenter("ankle_inversion", "right")) == ("ankle_inversion", "right")
    assert body.sizeHint().width() >= body.minimumSizeHint().width()
    assert QSize(480, 380).expandedTo(body.sizeHint()) == body.sizeHint()


# Mouse ----------------------------------------------------------------------------------------------------


def test_clicking_each_region_selects_it(body: Any, qtbot: Any) -> None:
    for group, side in ALL_REGIONS:
        with qtbot.waitSignal(body.selectionChanged, timeout=1000) as selected:
            qtbot.mouseClick(body, Qt.MouseButton.LeftButton, pos=body.regionCenter(group, side))
        assert selected.args == [group, side]
        assert body.selected() == (group, side)


def test_click_outside_regions_selects_nothing(body: Any, qtbot: Any) -> None:
    with qtbot.assertNotEmitted(body.selectionChanged):
        qtbot.mouseClick(body, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    assert body.selected() is None
    assert body.lastGradeMenu() is None


def test_click_menu_offers_every_grade_and_requests_it(body: Any, qtbot: Any) -> None:
    body.setGrades({"hip_extension": {"left": 4}})
    qtbot.mouseClick(body, Qt.MouseButton.LeftButton, pos=body.regionCenter("hip_extension", "left"))
    menu = body.lastGradeMenu()
    assert menu is not None and not menu.isVisible()  # popup_menus=False: built, not shown
    actions = [action for action in menu.actions() if not action.isSeparator()]
    assert [action.data() for action in actions] == [0, 1, 2, 3, 4, 5, None]
    assert actions[-1].text().replace("&", "") == "Not tested"
    assert [action.isChecked() for action in actions] == [False, False, False, False, True, False, False]
    with qtbot.waitSignal(body.gradeRequested) as requested:
        actions[3].trigger()
    assert requested.args == ["hip_extension", "left", 3]
    with qtbot.waitSignal(body.gradeRequested) as requested:
        actions[-1].trigger()
    assert requested.args == ["hip_extension", "left", None]
    assert body.grades()["hip_extension"]["left"] == 4  # the owner decides; the map does not change itself


# Keyboard -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("grade", range(6))
def test_digit_keys_request_that_grade(body: Any, qtbot: Any, grade: int) -> None:
    body.setSelected("knee_extension", "right")
    with qtbot.waitSignal(body.gradeRequested) as requested:
        qtbot.keyClick(body, getattr(Qt.Key, f"Key_{grade}"))
    assert requested.args == ["knee_extension", "right", grade]


@pytest.mark.parametrize("key", [Qt.Key.Key_N, Qt.Key.Key_Delete, Qt.Key.Key_Backspace])
def test_not_tested_keys_request_none(body: Any, qtbot: Any, key: Qt.Key) -> None:
    body.setSelected("ankle_eversion", "left")
    with qtbot.waitSignal(body.gradeRequested) as requested:
        qtbot.keyClick(body, key)
    assert requested.args == ["ankle_eversion", "left", None]


def test_keys_without_selection_request_nothing(body: Any, qtbot: Any) -> None:
    with qtbot.assertNotEmitted(body.gradeRequested):
        qtbot.keyClick(body, Qt.Key.Key_3)
        qtbot.keyClick(body, Qt.Key.Key_N)


def test_up_down_walk_the_groups_in_form_order(body: Any, qtbot: Any) -> None:
    body.setSelected(MUSCLE_GROUPS[0], "left")
    for group in MUSCLE_GROUPS[1:]:
        with qtbot.waitSignal(body.selectionChanged) as selected:
            qtbot.keyClick(body, Qt.Key.Key_Down)
        assert selected.args == [group, "left"]
    with qtbot.assertNotEmitted(body.selectionChanged):
        qtbot.keyClick(body, Qt.Key.Key_Down)  # stops at the last group
    qtbot.keyClick(body, Qt.Key.Key_Up)
    assert body.selected() == (MUSCLE_GROUPS[-2], "left")
    qtbot.keyClick(body, Qt.Key.Key_Home)
    assert body.selected() == (MUSCLE_GROUPS[0], "left")


def test_left_right_switch_side_as_seen_on_screen(body: Any, qtbot: Any) -> None:
    body.setSelected("knee_extension", "left")  # front view: the patient's left leg is on the viewer's right
    with qtbot.waitSignal(body.selectionChanged) as selected:
        qtbot.keyClick(body, Qt.Key.Key_Left)
    assert selected.args == ["knee_extension", "right"]
    qtbot.keyClick(body, Qt.Key.Key_Right)
    assert body.selected() == ("knee_extension", "left")
    body.setSelected("knee_flexion", "right")  # back view: the patient's right leg is on the viewer's right
    qtbot.keyClick(body, Qt.Key.Key_Left)
    assert body.selected() == ("knee_flexion", "left")


def test_arrow_without_selection_starts_at_the_first_group(body: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(body.selectionChanged) as selected:
        qtbot.keyClick(body, Qt.Key.Key_Down)
    assert selected.args[0] == MUSCLE_GROUPS[0]


def test_enter_and_space_open_the_grade_menu(body: Any, qtbot: Any) -> None:
    body.setSelected("ankle_plantarflexion", "right")
    qtbot.keyClick(body, Qt.Key.Key_Return)
    menu = body.lastGradeMenu()
    assert menu is not None
    with qtbot.waitSignal(body.gradeRequested) as requested:
        next(action for action in menu.actions() if action.data() == 2).trigger()
    assert requested.args == ["ankle_plantarflexion", "right", 2]
    body.setSelected("hip_flexion", "left")
    qtbot.keyClick(body, Qt.Key.Key_Space)
    assert body.lastGradeMenu() is not menu


def test_tab_moves_focus_in_and_out(qtbot: Any) -> None:
    from planner.ui.bodymap import BodyMapWidget

    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    before, body, after = QLineEdit(), BodyMapWidget(popup_menus=False), QLineEdit()
    for widget in (before, body, after):
        layout.addWidget(widget)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    before.setFocus()
    qtbot.waitUntil(before.hasFocus, timeout=1000)
    assert body.focusPolicy() == Qt.FocusPolicy.StrongFocus
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.waitUntil(body.hasFocus, timeout=1000)
    qtbot.keyClick(body, Qt.Key.Key_Tab)
    qtbot.waitUntil(after.hasFocus, timeout=1000)


# Read-only, grades, selection -----------------------------------------------------------------------------


def test_read_only_blocks_grade_requests(body: Any, qtbot: Any) -> None:
    body.setReadOnly(True)
    assert body.isReadOnly()
    with qtbot.assertNotEmitted(body.gradeRequested):
        with qtbot.waitSignal(body.selectionChanged):  # inspecting still works
            qtbot.mouseClick(body, Qt.MouseButton.LeftButton, pos=body.regionCenter("knee_flexion", "left"))
        qtbot.keyClick(body, Qt.Key.Key_2)
        qtbot.keyClick(body, Qt.Key.Key_N)
        qtbot.keyClick(body, Qt.Key.Key_Return)
        body.requestGrade("knee_flexion", "left", 2)
        menu = body.gradeMenu("knee_flexion", "left")
        assert not any(action.isEnabled() for action in menu.actions() if not action.isSeparator())
    assert body.lastGradeMenu() is None
    body.setReadOnly(False)
    with qtbot.waitSignal(body.gradeRequested):
        qtbot.keyClick(body, Qt.Key.Key_2)


def test_set_grades_round_trip(body: Any) -> None:
    assert body.grades() == {group: {"left": None, "right": None} for group in MUSCLE_GROUPS}
    body.setGrades({"hip_flexion": {"left": 2}, "ankle_eversion": {"right": 5, "left": None}})
    grades = body.grades()
    assert grades["hip_flexion"] == {"left": 2, "right": None}
    assert grades["ankle_eversion"] == {"left": None, "right": 5}
    grades["hip_flexion"]["left"] = 0  # a copy
    assert body.grades()["hip_flexion"]["left"] == 2
    body.setGrades(body.grades())
    assert body.grades()["hip_flexion"]["left"] == 2
    body.setGrades({})
    assert body.grades()["hip_flexion"]["left"] is None


@pytest.mark.parametrize(
    "strength",
    [
        {"hip_flexion": {"left": 6}},
        {"hip_flexion": {"left": True}},
        {"hip_flex": {"left": 3}},
        {"hip_flexion": {"up": 3}},
    ],
)
def test_set_grades_rejects_bad_input(body: Any, strength: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        body.setGrades(strength)


def test_set_selected_does_not_emit(body: Any, qtbot: Any) -> None:
    with qtbot.assertNotEmitted(body.selectionChanged):
        body.setSelected("hip_abduction", "right")
    assert body.selected() == ("hip_abduction", "right")
    body.setSelected(None, None)
    assert body.selected() is None
    with pytest.raises(ValueError):
        body.setSelected("elbow_flexion", "left")


# Drawing --------------------------------------------------------------------------------------------------


def render(body: Any) -> QImage:
    image = QImage(body.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("#808080"))
    body.render(image)
    return image


def pixels_near(image: QImage, point: QPoint, radius: int) -> list[QColor]:
    area = QRect(point.x() - radius, point.y() - radius, 2 * radius, 2 * radius)
    return [image.pixelColor(x, y) for x in range(area.left(), area.right()) for y in range(area.top(), area.bottom())]


def test_grade_numbers_are_drawn(body: Any) -> None:
    body.setGrades({"knee_extension": {"left": 0}, "knee_flexion": {"right": 3}})
    assert body.regionLabel("knee_extension", "left") == "0"
    assert body.regionLabel("knee_flexion", "right") == "3"
    assert body.regionLabel("hip_flexion", "left") == "–"
    image = render(body)
    point = body.regionCenter("knee_extension", "left")
    colours = pixels_near(image, point, 8)
    # Grade 0 fills dark; the light pixels at the region's centre are the number drawn on it.
    assert any(colour.lightness() > 200 for colour in colours)
    assert any(colour.lightness() < 80 for colour in colours)


def test_fill_follows_the_grade(body: Any) -> None:
    body.setGrades({"ankle_dorsiflexion": {"right": 0}})
    dark = render(body)
    body.setGrades({"ankle_dorsiflexion": {"right": 5}})
    light = render(body)
    path = body.regionPath("ankle_dorsiflexion", "right").boundingRect()
    probe = QPoint(int(path.center().x()), int(path.top() + path.height() * 0.2))
    assert body.regionAt(probe) == ("ankle_dorsiflexion", "right")
    assert dark.pixelColor(probe).lightness() < light.pixelColor(probe).lightness() - 100


def test_renders_at_double_pixel_ratio(body: Any) -> None:
    body.setGrades({"hip_extension": {"right": 3}, "ankle_dorsiflexion": {"right": 2}})
    body.setSelected("hip_extension", "right")
    image = QImage(body.size() * 2, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(2)
    image.fill(Qt.GlobalColor.transparent)
    body.render(image)
    assert not image.isNull()
    point = body.regionCenter("hip_extension", "right") * 2
    assert image.pixelColor(point).alpha() == 255


def test_dark_palette_draws_light_outlines(body: Any) -> None:
    palette = body.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    body.setPalette(palette)
    image = QImage(body.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("#1e1e1e"))
    body.render(image)
    # The view titles and leg outlines take the palette's light text colour.
    title_strip = [image.pixelColor(x, y) for x in range(0, body.width(), 2) for y in range(0, 40)]
    assert max(colour.lightness() for colour in title_strip) > 200
    quadriceps = body.regionPath("knee_extension", "right")
    row = body.regionCenter("knee_extension", "right").y()
    region_starts = next(x for x in range(body.width()) if quadriceps.contains(QPointF(x, row)))
    assert max(image.pixelColor(x, row).lightness() for x in range(region_starts)) > 100


# Accessibility --------------------------------------------------------------------------------------------


def test_accessible_name_and_description(body: Any) -> None:
    assert body.accessibleName() == "Body map of leg muscle strength"
    body.setAnatomy({"knee_extension": ("knee extension", "femoral", "L2-L4")})
    body.setWeakAtMost(4)
    body.setGrades({"knee_extension": {"right": 3}})
    body.setSelected("knee_extension", "right")
    description = body.accessibleDescription()
    for part in ("right knee extension", "MRC grade 3", "weak", "femoral", "L2-L4"):
        assert part in description
    body.setSelected("hip_flexion", "left")
    assert "not tested" in body.accessibleDescription()


def test_tooltip_names_region_nerve_roots_and_grade(body: Any, qtbot: Any) -> None:
    body.setAnatomy({"knee_extension": ("knee extension", "femoral", "L2-L4")})
    body.setGrades({"knee_extension": {"right": 3}})
    expected = "Right knee extension (quadriceps) — femoral, L2-L4 — MRC 3"
    assert body.describeRegion("knee_extension", "right") == expected
    assert body.describeRegion("hip_flexion", "left") == "Left hip flexion (iliopsoas) — not tested"
    point = body.regionCenter("knee_extension", "right")
    event = QHelpEvent(QEvent.Type.ToolTip, point, body.mapToGlobal(point))
    body.event(event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=1000)
    assert QToolTip.text() == expected
    QToolTip.hideText()


def _outline(path: Any) -> tuple[Any, list[list[tuple[float, float]]]]:
    return path.fillRule(), [[(p.x(), p.y()) for p in polygon] for polygon in path.toSubpathPolygons()]


def test_shipped_geometry_is_what_the_module_builds(qapp: Any) -> None:
    """The map reads its outlines from resources/ (building them takes about half a second); the file must be
    the one this version of bodymap_geometry builds. If this fails: python -m planner.ui.bodymap_geometry"""
    from planner.ui import bodymap_geometry

    shipped = bodymap_geometry._read(bodymap_geometry.GEOMETRY_FILE)
    assert shipped is not None, "resources/bodymap-geometry.json was made from another version of the module"
    built = bodymap_geometry._build_geometry()
    for name in ("silhouettes", "details", "regions"):
        ours, theirs = getattr(shipped, name), getattr(built, name)
        assert ours.keys() == theirs.keys()
        assert all(_outline(ours[key]) == _outline(theirs[key]) for key in theirs), name
    for name in ("centres", "outside_labels", "leader_targets"):
        assert getattr(shipped, name) == getattr(built, name), name


def test_geometry_file_from_another_version_or_damaged_is_not_used(qapp: Any, tmp_path: Any) -> None:
    import json

    from planner.ui import bodymap_geometry

    stale = tmp_path / "stale.json"
    data = json.loads(bodymap_geometry.GEOMETRY_FILE.read_text(encoding="utf-8"))
    stale.write_text(json.dumps({**data, "source": "0" * 64}), encoding="utf-8")
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"source": "' + bodymap_geometry.source_fingerprint() + '", "regions": [', encoding="utf-8")
    assert bodymap_geometry._read(stale) is None
    assert bodymap_geometry._read(damaged) is None
    assert bodymap_geometry._read(tmp_path / "missing.json") is None


# The threshold of weakness comes from the library ---------------------------------------------------------


def _anatomy_with_threshold(tmp_path: Path, threshold: int) -> Path:
    """The shipped anatomy document as a clinic's own version, with ``weak_mrc_at_most`` set to ``threshold``."""
    text = (REPO / "resources" / "documents" / "anatomy.md").read_text(encoding="utf-8")
    edited, count = re.subn(r"^\| weak_mrc_at_most \| \d+ \|$", f"| weak_mrc_at_most | {threshold} |", text, flags=re.M)
    assert count == 1
    edited = re.sub(r"^version: (.*)$", r"version: \1-clinic", edited, count=1, flags=re.M)
    path = tmp_path / "anatomy-clinic.md"
    path.write_text(edited, encoding="utf-8")
    return path


def test_the_body_map_marks_weak_what_the_anatomy_document_calls_weak(window: Any, tmp_path: Path) -> None:
    """The threshold is the anatomy document's setting, which a clinic may edit: the map, its legend and the
    strength page follow the document (and the plan's findings), never a number of their own."""
    from planner.library.store import import_documents, load_library
    from planner.record.assessments import store_assessment

    raw = make_assessment(strength={"knee_extension": {"left": 5, "right": 4}, "hip_flexion": {"right": 3}})
    stored = store_assessment(window.database, raw)
    window.patient_model.reload()
    assert window.select_patient(stored.patient_id)
    QApplication.processEvents()
    body, editor = window.editor.body_map, window.editor
    assert load_library(window.database).document_settings["weak_mrc_at_most"] == 4
    assert body.isWeak("knee_extension", "right") and body.isWeak("hip_flexion", "right")
    assert not body.isWeak("knee_extension", "left")
    assert editor.strength_box.title() == "MRC grade per muscle group (weak at 4 or below)"
    body.setSelected("knee_extension", "right")
    assert "MRC grade 4 (weak)" in body.accessibleDescription()
    before = body.grab().toImage()

    import_documents(window.database, [_anatomy_with_threshold(tmp_path, 3)])
    window.open_library()
    window.library_window.libraryChanged.emit()  # what the library window says after an import
    QApplication.processEvents()
    assert not body.isWeak("knee_extension", "right")  # grade 4 is no longer weak
    assert body.isWeak("hip_flexion", "right")
    assert editor.strength_box.title() == "MRC grade per muscle group (weak at 3 or below)"
    assert "MRC grade 4." in body.accessibleDescription()
    assert body.grab().toImage() != before  # the outline and the legend changed on screen
    findings = window.session.plan["findings"]
    weak = {(entry["group"], entry["side"]) for entry in findings.get("weak_groups", [])}
    assert ("knee_extension", "right") not in weak

    window.library_window.close()
    assert window.select_patient(stored.patient_id)  # a patient opened afterwards sees the same
    QApplication.processEvents()
    assert not window.editor.body_map.isWeak("knee_extension", "right")
    assert window.editor.body_map.weakAtMost() == 3
