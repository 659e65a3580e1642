"""The History tab: trend charts across visits (series, gaps, recovery window, hover, the figures table), its
empty states, comparing two plan versions, and QtCharts staying out of start-up.

Real widgets offscreen over a real SQLite file; patients are stored through the core as the app stores them.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QToolTip

from planner.edits import AddedItem, PlanEdits
from planner.engine.progress import recovery_window_dates
from planner.plan.text import cell, trend_rows
from planner.record.assessments import save_draft, store_assessment
from planner.record.patient_history import patient_history
from planner.record.patients import save_patient
from planner.record.plans import get_plan, latest_plan, sign_stored_plan
from tests.conftest import make_assessment
from tests.engine.test_progress import FIRST, SECOND, THIRD

REPO = Path(__file__).resolve().parents[2]
ONSET = "2025-12-15"


def visits(etiology: str = "entrapment", onset: str | None = ONSET) -> list[dict[str, Any]]:
    """FIRST, SECOND and THIRD with a cause and onset; hip extension not graded at the second visit and knee
    flexion graded (weak) at the second only, so both lines have gaps."""
    out = []
    for visit in (FIRST, SECOND, THIRD):
        visit = copy.deepcopy(visit)
        visit["history"]["etiology"] = etiology
        if onset:
            visit["history"]["onset"] = onset
        out.append(visit)
    del out[1]["strength"]["hip_extension"]
    out[1]["strength"]["knee_flexion"] = {"right": 4}
    return out


def open_trends(window: Any, stored: list[dict[str, Any]]) -> Any:
    for visit in stored:
        store_assessment(window.database, visit)
    window.patient_model.reload()
    assert window.select_patient("T-1")
    window.tabs.setCurrentWidget(window.history)
    window.history.show_trends()
    assert window.history.charts is not None
    QApplication.processEvents()  # lay the charts out, as the first paint would
    return window.history.charts


def measure_points(chart: Any) -> dict[str, list[list[tuple[str, float]]]]:
    """Every line of a chart by name: one list of (date, value) per drawn segment (the window excluded)."""
    from PySide6.QtCharts import QLineSeries

    from planner.ui.trend_charts import day_of

    out: dict[str, list[list[tuple[str, float]]]] = {}
    for series in chart.series():
        if isinstance(series, QLineSeries) and not series.name().startswith("expected recovery"):
            points = [(day_of(p.x()).isoformat(), p.y()) for p in series.points()]
            out.setdefault(series.name(), []).append(points)
    return out


def window_series(chart: Any) -> list[Any]:
    return [s for s in chart.series() if s.name().startswith("expected recovery")]


def test_three_visits_chart_every_weak_group_with_gaps_for_missing_grades(window: Any) -> None:
    charts = open_trends(window, visits())
    assert set(charts.charts) == {"strength", "pain", "volume"}
    strength = measure_points(charts.charts["strength"])
    assert strength == {
        # not graded at the second visit: two separate points, no line drawn across the gap
        "hip extension (right)": [[("2026-01-10", 3.0)], [("2026-03-07", 4.0)]],
        "knee flexion (right)": [[("2026-02-07", 4.0)]],
        "ankle dorsiflexion (right)": [[("2026-01-10", 2.0), ("2026-02-07", 1.0), ("2026-03-07", 3.0)]],
    }
    # the legend names each measure once, however many segments it has, and names the window
    assert charts.legends["strength"] == [
        "expected recovery window",
        "hip extension (right)",
        "knee flexion (right)",
        "ankle dorsiflexion (right)",
    ]
    assert set(charts.legends) == {"strength"}  # one line: the chart's title names it
    column = charts.columns["strength"]
    shown = [w.text() for w in column.findChildren(QLabel)] + [w.text() for w in column.findChildren(QCheckBox)]
    assert all(name in shown for name in charts.legends["strength"])  # as text a screen reader reads
    assert charts.shown_lines() == ["hip extension (right)", "knee flexion (right)", "ankle dorsiflexion (right)"]
    assert not charts.choice_note.isVisibleTo(charts)  # three lines: all shown, nothing to choose
    assert measure_points(charts.charts["pain"]) == {
        "Pain NRS": [[("2026-01-10", 7.0), ("2026-02-07", 5.0), ("2026-03-07", 8.0)]]
    }
    assert measure_points(charts.charts["volume"]) == {
        "Excess limb volume %": [[("2026-01-10", 21.0), ("2026-02-07", 15.6), ("2026-03-07", 14.5)]]
    }
    y_axis = charts.charts["strength"].axes()[1]
    assert (y_axis.min(), y_axis.max()) == (0, 5)
    assert (charts.charts["pain"].axes()[1].min(), charts.charts["pain"].axes()[1].max()) == (0, 10)
    # every line shows its points, each measure with its own marker shape and dash pattern besides its colour
    lines = [s for s in charts.charts["strength"].series() if s.name() in strength]
    assert all(s.pointsVisible() for s in lines)
    first_of_each = {s.name(): s for s in reversed(lines)}
    assert len({s.pen().style() for s in first_of_each.values()}) == 3
    assert len({s.lightMarker().cacheKey() for s in first_of_each.values()}) == 3


def test_recovery_window_is_a_band_on_every_chart_and_the_axis_reaches_it(window: Any) -> None:
    from PySide6.QtCharts import QAreaSeries

    from planner.ui.trend_charts import day_of, msecs

    charts = open_trends(window, visits())
    start, end = recovery_window_dates(charts.trend)
    assert (start, end) == (date(2026, 3, 15), date(2026, 12, 15))  # 3 and 12 calendar months
    for chart in charts.charts.values():
        (band,) = window_series(chart)
        assert isinstance(band, QAreaSeries)
        xs = [day_of(p.x()) for p in band.upperSeries().points()]
        assert xs == [start, end]
        x_axis = chart.axes()[0]
        assert x_axis.min() < msecs(date(2026, 1, 10)) and x_axis.max() > msecs(end)
    assert "3 to 12 months from onset (onset 2025-12-15): 2026-03-15 to 2026-12-15" in charts.note.text()
    assert charts.show_window.isVisibleTo(charts)
    # hovering the band names it with its dates
    band = window_series(charts.charts["strength"])[0]
    band.hovered.emit(QPointF(msecs(date(2026, 6, 1)), 2.0), True)
    assert charts.hover_text == "expected recovery window: 2026-03-15 to 2026-12-15"
    # unticked: no band, and the time axis spans the visits only
    charts.show_window.setChecked(False)
    for chart in charts.charts.values():
        assert window_series(chart) == []
        assert chart.axes()[0].max() < msecs(date(2026, 3, 31))


def test_no_recovery_window_for_a_cause_without_one(window: Any) -> None:
    charts = open_trends(window, visits(etiology="neoplastic"))
    assert charts.trend["recovery_window_months"] is None
    assert all(window_series(chart) == [] for chart in charts.charts.values())
    assert not charts.show_window.isVisibleTo(charts)
    assert "recovery window" not in charts.note.text().lower()


def test_window_without_onset_is_named_but_not_drawn(window: Any) -> None:
    charts = open_trends(window, visits(onset=None))
    assert charts.trend["recovery_window_months"] == {"from": 3, "to": 12}
    assert all(window_series(chart) == [] for chart in charts.charts.values())
    assert "onset date is not recorded" in charts.note.text()


def test_one_sided_window_is_a_dashed_line(qtbot: Any) -> None:
    """Documents may set only one end of the window; the app draws that end alone."""
    from PySide6.QtCharts import QAreaSeries

    from planner.ui.trend_charts import TrendCharts, day_of

    charts = TrendCharts()
    qtbot.addWidget(charts)
    trend = {
        "dates": ["2026-01-10", "2026-02-07"],
        "strength": [{"group": "hip_extension", "side": "left", "mrc": [2, 3]}],
        "pain_nrs": [4, 3],
        "excess_volume_percent": [None, None],
        "ambulation": [None, None],
        "falls_past_3_months": [None, None],
        "onset": "2026-01-01",
        "recovery_window_months": {"from": None, "to": 6},
    }
    charts.show_trend(trend)
    assert set(charts.charts) == {"strength", "pain"}  # no volume recorded: no volume chart
    (marker,) = window_series(charts.charts["strength"])
    assert not isinstance(marker, QAreaSeries)
    assert marker.name() == "expected recovery by 2026-07-01"
    assert {day_of(p.x()) for p in marker.points()} == {date(2026, 7, 1)}
    assert "by 6 months after onset" in charts.note.text()


def test_hover_names_the_nearest_point_as_the_table_does(window: Any) -> None:
    from planner.ui.trend_charts import msecs

    charts = open_trends(window, visits())
    ankle = next(s for s in charts.charts["strength"].series() if s.name() == "ankle dorsiflexion (right)")
    # a line series reports where the cursor is on the line: the nearest visit is named
    ankle.hovered.emit(QPointF(msecs(date(2026, 2, 9)), 1.1), True)
    assert charts.hover_text == "ankle dorsiflexion (right), MRC: 1 on 2026-02-07"
    assert QToolTip.text() == charts.hover_text
    volume = charts.charts["volume"].series()[-1]
    volume.hovered.emit(QPointF(msecs(date(2026, 1, 10)), 21.0), True)
    assert charts.hover_text == "excess limb volume %: 21.0 on 2026-01-10"  # as the table prints it, not "21"
    hip_later = [s for s in charts.charts["strength"].series() if s.name() == "hip extension (right)"][1]
    hip_later.hovered.emit(QPointF(msecs(date(2026, 3, 1)), 4.0), True)
    assert charts.hover_text == "hip extension (right), MRC: 4 on 2026-03-07"
    hip_later.hovered.emit(QPointF(msecs(date(2026, 3, 1)), 4.0), False)


def test_figures_table_matches_the_command_line_rows(window: Any, qtmodeltester: Any) -> None:
    charts = open_trends(window, visits())
    trend = patient_history(window.database, "T-1", date(2026, 3, 7))["trends"]
    model = charts.table_model
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Measure",
        *trend["dates"],
    ]
    assert model.rows() == [(label, [cell(v) for v in values]) for label, values in trend_rows(trend)]
    assert model.rows()[0] == ("hip extension (right), MRC", ["3", "-", "4"])
    assert (
        model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == "hip extension (right), MRC, 2026-02-07: not recorded"
    )  # tooltip


def test_one_visit_shows_single_points_and_says_trends_need_two(window: Any) -> None:
    charts = open_trends(window, visits()[:1])
    assert "trends need two visits" in charts.note.text()
    for chart in charts.charts.values():
        for segments in measure_points(chart).values():
            assert [len(points) for points in segments] == [1]
    assert charts.table_model.columnCount() == 2


def test_empty_states_and_charts_only_when_on_screen(window: Any) -> None:
    history = window.history
    window.tabs.setCurrentWidget(window.history)
    history.show_trends()
    assert history.trends_page.currentWidget() is history.empty
    assert "Choose a patient" in history.empty.text()
    assert history.charts is None  # nothing to chart: QtCharts not needed yet
    save_patient(window.database, "N-1", "New Patient", new=True)
    window.patient_model.reload()
    window.select_patient("N-1")
    assert "No assessment yet" in history.empty.text()
    assert history.charts is None
    # the Trends page hidden: choosing a patient builds no chart
    window.tabs.setCurrentWidget(window.plan_page)
    for visit in visits():
        store_assessment(window.database, visit)
    window.patient_model.reload()
    window.select_patient("T-1")
    assert history.charts is None
    window.tabs.setCurrentWidget(window.history)  # shown: built for the patient on screen
    assert history.charts is not None and history.trends_page.currentWidget() is history.charts
    assert history.charts.trend["dates"] == ["2026-01-10", "2026-02-07", "2026-03-07"]
    window.select_patient("N-1")
    assert history.trends_page.currentWidget() is history.empty


def test_main_window_does_not_import_qtcharts_until_trends_are_shown(db_path: Path, db: Any) -> None:
    """QtCharts costs start-up time: importing the window, building it and choosing a patient must not load
    it; showing the Trends page does."""
    for visit in visits():
        store_assessment(db, visit)
    db.dispose()
    script = textwrap.dedent(
        f"""
        import sys
        import planner.ui.main_window
        assert "PySide6.QtCharts" not in sys.modules, "imported with the main window"
        from pathlib import Path
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        from planner.opening import open_database
        app = QApplication([])
        settings = QSettings(str(Path({str(db_path.parent)!r}) / "s.ini"), QSettings.Format.IniFormat)
        window = planner.ui.main_window.MainWindow(open_database(Path({str(db_path)!r})), settings)
        window.show()
        window.load_patients()
        window.select_patient("T-1")
        app.processEvents()
        assert "PySide6.QtCharts" not in sys.modules, "imported before the charts were shown"
        window.tabs.setCurrentWidget(window.history)
        window.history.show_trends()
        assert "PySide6.QtCharts" in sys.modules
        print("ok")
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


# --- comparing plan versions -------------------------------------------------------------------------------
def edited_versions(window: Any) -> tuple[Any, Any]:
    """Version 1 signed; version 2 excludes one item with a reason, rewords one and adds a free-text item."""
    stored = store_assessment(window.database, FIRST)
    first = latest_plan(window.database, stored.assessment_id)
    sign_stored_plan(window.database, first.id, "J. Doe", "PT")
    edits = PlanEdits(
        excluded={"clinic-reassess": "seen weekly instead"},
        rewritten={"nlsp-pt-arom-progression": {"title": "AROM daily", "detail": "Ten of each."}},
        added=[AddedItem("clinician-1", "pt", "Pool therapy", "")],
    )
    second = save_draft(
        window.database, stored.assessment_id, first.assessment, edits, opened=get_plan(window.database, first.id).stamp
    )
    window.patient_model.reload()
    window.select_patient("T-1")
    window.tabs.setCurrentWidget(window.history)
    return get_plan(window.database, first.id), second


def rows(model: Any) -> dict[str, list[str]]:
    from planner.ui.plan_compare import ItemIdRole

    return {
        model.index(r, 0).data(ItemIdRole): [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    }


def test_compare_two_selected_versions(window: Any, qtmodeltester: Any) -> None:
    from planner.ui.plan_compare import KindRole

    first, second = edited_versions(window)
    history = window.history
    top = history.tree.topLevelItem(0)
    assert history.compare_button.isEnabled() is False
    top.child(1).setSelected(True)  # the newer one first: the dialog still reads older -> newer
    assert history.compare_button.isEnabled() is False  # one version is not a comparison
    top.child(0).setSelected(True)
    assert history.compare_button.isEnabled() and history.selected_plan_ids() == [first.id, second.id]
    history.compare_button.click()
    dialog = history.compare_dialog
    assert dialog is not None and dialog.isVisible()
    assert (dialog.older.id, dialog.newer.id) == (first.id, second.id)
    model = dialog.model
    qtmodeltester.check(model)
    found = rows(model)
    assert set(found) == {"clinic-reassess", "nlsp-pt-arom-progression", "clinician-1"}
    reassess_title = next(
        i["title"] for s in first.final()["sections"] for i in s["items"] if i["id"] == "clinic-reassess"
    )
    arom = next(i for s in first.final()["sections"] for i in s["items"] if i["id"] == "nlsp-pt-arom-progression")
    assert found["clinic-reassess"][:3] == [
        "− removed (excluded: seen weekly instead)",
        "Monitoring and follow-up",
        reassess_title,
    ]
    reassess = next(i for s in first.final()["sections"] for i in s["items"] if i["id"] == "clinic-reassess")
    assert found["clinic-reassess"][3].startswith(f"detail: {reassess['detail']}\ndue date: ")  # what it said
    assert found["nlsp-pt-arom-progression"] == [
        "~ changed: title, detail (reworded by the clinician)",
        "Physical therapy",
        "AROM daily",
        f"title: {arom['title']} → AROM daily\ndetail: {arom['detail']} → Ten of each.",  # reworded whole
    ]
    assert found["clinician-1"] == ["+ added (clinician's item)", "Physical therapy", "Pool therapy", ""]
    # grouped by section: the physical therapy rows come before monitoring, removed or not
    sections = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert sections == ["Physical therapy", "Physical therapy", "Monitoring and follow-up"]
    # colour is not the only cue, but each kind has its own background too
    backgrounds = {
        model.index(r, 0).data(KindRole): model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole)
        for r in range(model.rowCount())
    }
    assert len({QColor(c).name() for c in backgrounds.values()}) == 3
    assert dialog.heading.text().startswith("From version 1 of the 10 Jan 2026 assessment (signed ")
    assert dialog.heading.text().endswith("to version 2 of the 10 Jan 2026 assessment (draft)")
    assert dialog.summary.text() == "3 changes: 1 added, 1 removed, 1 changed."


def test_compare_with_previous_version_across_visits(window: Any) -> None:
    first, second = edited_versions(window)
    later = store_assessment(window.database, SECOND)
    window.history.show_patient("T-1")
    history = window.history
    later_plan = latest_plan(window.database, later.assessment_id)
    assert history.previous_version(second.id) == first.id
    assert history.previous_version(later_plan.id) == second.id  # the latest version of the visit before
    assert history.previous_version(first.id) is None
    dialog = history.compare(later_plan.id, second.id)  # either order: the older one is listed first
    assert (dialog.older.id, dialog.newer.id) == (second.id, later_plan.id)
    assert dialog.model.rowCount() > 0
    same = history.compare(first.id, first.id)
    assert same.model.rowCount() == 0 and same.summary.text().startswith("No differences")


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (date(2025, 12, 27), date(2026, 3, 20), ["Jan<br>2026", "Feb<br>2026", "Mar<br>2026"]),
        (date(2025, 12, 27), date(2026, 12, 31), ["Jan<br>2026", "Apr<br>2026", "Jul<br>2026", "Oct<br>2026"]),
        (date(2026, 1, 2), date(2026, 1, 28), ["10 Jan<br>2026"]),  # less than two months: the visit dates
    ],
)
def test_time_axis_labels_months_or_visit_dates(low: date, high: date, expected: list[str]) -> None:
    from planner.ui.trend_charts import time_ticks

    assert [label for label, _day in time_ticks(low, high, [date(2026, 1, 10)])] == expected


def test_history_contents_are_built_when_first_shown_then_work_as_before(qtbot: Any, db: Any, settings: Any) -> None:
    """The History tab is hidden at start-up: its tree and Trends page are made the first time it is shown
    (not before the first paint), listing the patient chosen meanwhile, and then follow each patient."""
    from planner.ui.main_window import MainWindow

    for visit in visits():
        store_assessment(db, visit)
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    QApplication.processEvents()
    history = window.history
    assert history._built is False and "tree" not in vars(history)
    window.load_patients()
    assert window.select_patient("T-1")
    assert history._built is False  # choosing a patient lists nothing while the tab is hidden
    window.tabs.setCurrentWidget(history)
    assert history._built is True and history.pages.isVisible() and history.tree.isVisible()
    assert history.tree.topLevelItemCount() == 3
    assert [history.tree.topLevelItem(i).text(0) for i in range(3)] == ["2026-03-07", "2026-02-07", "2026-01-10"]
    save_patient(db, "N-1", "New Patient", new=True)
    window.patient_model.reload()
    window.select_patient("N-1")
    assert history.tree.topLevelItemCount() == 0
    window.select_patient("T-1")
    assert history.tree.topLevelItemCount() == 3


def test_history_contents_reached_before_the_tab_is_shown_are_built_then(qtbot: Any, db: Any) -> None:
    for visit in visits():
        store_assessment(db, visit)
    from planner.ui.history import HistoryView

    history = HistoryView(db)
    qtbot.addWidget(history)
    history.show_patient("T-1")
    assert history._built is False
    assert history.tree.topLevelItemCount() == 3 and history._built  # built, and listed, on first reach
    assert history.previous_version(history._chronology[0]) is None
    with pytest.raises(AttributeError):
        history.no_such_part  # noqa: B018


def test_compare_shows_the_words_that_changed_inside_an_item(window: Any) -> None:
    """A grade that went from 2 to 3 shows as 'MRC 2 → 3' in its sentence, not as two whole paragraphs."""
    import copy

    from tests.conftest import load_example

    example = load_example("neoplastic-after-radiation")
    stored = store_assessment(window.database, example)
    first = latest_plan(window.database, stored.assessment_id)
    sign_stored_plan(window.database, first.id, "J. Doe", "PT")  # the next save starts version 2
    better = copy.deepcopy(example)
    better["strength"]["ankle_dorsiflexion"]["right"] = 3
    opened = get_plan(window.database, first.id).stamp
    second = save_draft(window.database, stored.assessment_id, better, PlanEdits(), opened=opened)
    window.patient_model.reload()
    window.select_patient(example["patient"]["id"])
    window.tabs.setCurrentWidget(window.history)
    dialog = window.history.compare(first.id, second.id)
    found = rows(dialog.model)
    # (the item chosen names the lowest grade in its first sentence since issue 12 rewrote the PT texts)
    contracture = found["nlsp-pt-contracture-prevention"][3]
    assert contracture.startswith("detail: Lowest recorded grade: MRC 2 → 3. ")
    assert contracture.endswith(" …") and len(contracture) < 200  # the unchanged rest is cut short
    from planner.ui.plan_compare import HtmlRole, PlanChangesModel

    row = next(
        r for r in range(dialog.model.rowCount()) if dialog.model.change(r).item_id == "nlsp-pt-contracture-prevention"
    )
    marked = dialog.model.index(row, PlanChangesModel.CHANGES).data(HtmlRole)
    assert "text-decoration:line-through'>2</span> → <span" in marked and "font-weight:bold'>3</span>" in marked
    dialog.show()
    assert dialog.view.rowHeight(row) < 6 * dialog.view.fontMetrics().lineSpacing()


def eleven_weak_groups() -> list[dict[str, Any]]:
    """Three visits with every muscle group of the right leg weak: eleven lines."""
    from planner.engine.vocabulary import MUSCLE_GROUPS

    out = []
    for number, (day, gain) in enumerate((("2026-01-10", 0), ("2026-02-07", 1), ("2026-03-07", 1))):
        grades = {
            group: {"left": 5, "right": min(4, [1, 2, 2, 3, 1, 2, 0, 3, 2, 3, 4][i] + gain * (i % 2 or number))}
            for i, group in enumerate(MUSCLE_GROUPS)
        }
        history = {"etiology": "entrapment", "onset": ONSET}
        out.append(make_assessment(assessed_on=day, history=history, strength=grades))
    return out


def test_eleven_weak_groups_stay_readable(window: Any, qtbot: Any) -> None:
    """Eleven crossing lines cannot be told apart: the most affected four are drawn, the legend ticks any
    other on or off, the table keeps all eleven, and the recovery window stays."""
    charts = open_trends(window, eleven_weak_groups())
    assert len(charts.legends["strength"]) == 12  # the window and eleven groups, each named
    assert len(charts.choices) == 11
    shown = charts.shown_lines()
    assert len(shown) == 4
    visible = {s.name() for s in charts.charts["strength"].series() if s.isVisible() and s.name() in charts.choices}
    assert visible == set(shown)
    assert "ankle dorsiflexion (right)" in shown  # graded 0, then 1: the most affected
    assert charts.choice_note.isVisibleTo(charts)
    assert charts.choice_note.text().startswith("Showing 4 of 11 muscle groups")
    assert len(window_series(charts.charts["strength"])) == 1  # the recovery window is kept
    assert sum(1 for label, _ in charts.table_model.rows() if label.endswith(", MRC")) == 11
    extra = next(name for name in charts.choices if name not in shown)
    qtbot.mouseClick(charts.choices[extra], Qt.MouseButton.LeftButton, pos=charts.choices[extra].rect().center())
    assert extra in charts.shown_lines()
    assert all(s.isVisible() for s in charts.lines[extra])
    assert charts.choice_note.text().startswith("Showing 5 of 11")
    charts.show_window.setChecked(False)  # the charts are rebuilt: the choice stays
    assert extra in charts.shown_lines() and len(charts.shown_lines()) == 5
