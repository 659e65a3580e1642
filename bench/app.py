"""The figures of the desktop app: launch, the first patient opened, a keystroke, print preview, memory and
the patient filter.

Launch and the first opening are timed from outside: the parent spawns a fresh interpreter and stamps each
line the child prints, so the interpreter's start and every import count. The floor is a bare PySide6
window (:mod:`bench.bare_window`) timed the same way, each app run followed by a floor run so that a busy
moment on the shared machine weighs on both alike. The other figures are timed in this process, on the real
main window, with the offscreen platform unless a display is set.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QSpinBox

from bench.core import richest_example
from bench.measure import Figure, median_of, percentile, run_timed
from planner.opening import open_database
from planner.record.assessments import store_assessment
from planner.ui.main_window import MainWindow
from planner.ui.printing import PrintPreview

PROJECT = Path(__file__).resolve().parent.parent
"""The folder holding ``bench/``: on the children's path, so ``python -m bench.bare_window`` finds it."""

EVENT_LOOP_ROUNDS = 3
"""Rounds of the event loop timed after each change: the delayed relayout, then the repaint (each posted by
the round before), then one that finds nothing left to do."""


def _child_env(config: str) -> dict[str, str]:
    """The timed programs' environment: settings of their own, and compiled bytecode kept between starts in a
    folder of their own (``PYTHONPYCACHEPREFIX``), as an installed app has it. Without that, a shell that sets
    ``PYTHONDONTWRITEBYTECODE`` would have every start compile the planner's modules from source, which the
    bare window, with no modules of its own, never pays for."""
    paths = [str(PROJECT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "XDG_CONFIG_HOME": config,
        "PYTHONPATH": os.pathsep.join(paths),
        "PYTHONPYCACHEPREFIX": str(Path(config) / "bytecode"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


BARE_WINDOW = [sys.executable, "-m", "bench.bare_window"]

LIST_STACK = ("sqlalchemy",)
"""What the first screen cannot do without: SQLAlchemy Core, the one storage path the list is read through."""

PATIENT_STACK = ("sqlalchemy", "sqlmodel", "rule_engine")
"""What an open patient cannot do without: SQLAlchemy, SQLModel for the records (with SQLAlchemy's ORM and
pydantic), and rule-engine for the documents' conditions."""


def launch_figures(database: Path, patients: int, repeat: int) -> list[Figure]:
    """``planner --smoke`` from spawn until it prints "listed" (the window painted and the whole list filled
    and painted, before any input is handled), beside the bare window's "painted"; then the first patient
    opened (see :mod:`bench.first_patient`), clicked 1 s after the list and clicked once the warm-up is done,
    with the warm-up's length and the memory with the patient open, beside the bare window's.

    Each ratio to the bare window is then split in two, computed from the same runs: the stack floor (the bare
    window importing the fixed-choice libraries the screen cannot avoid, :data:`LIST_STACK` for launch and
    :data:`PATIENT_STACK` for memory) against the bare window is the libraries' part; the app against the
    stack floor is ours. The two ratios multiply to the whole.

    Warm starts: one unmeasured start of each program comes first; the app's takes the day's backup and writes
    the settings, as the first start of a day does, and the backup is flushed to disk so the measured starts
    do not pay for writing it back; each writes the bytecode the measured starts read (see :func:`_child_env`).
    """
    planner_start = [sys.executable, "-m", "planner", "--db", str(database), "--smoke"]
    app: list[dict[str, float]] = []
    bare: list[dict[str, float]] = []
    list_stack: list[dict[str, float]] = []
    patient_stack: list[dict[str, float]] = []
    opened: list[dict[str, float]] = []
    opened_warm: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as config:
        env = _child_env(config)
        first_patient = [sys.executable, "-m", "bench.first_patient", str(database), str(Path(config) / "bench.ini")]
        for program in (planner_start, first_patient, [*BARE_WINDOW, *LIST_STACK], [*BARE_WINDOW, *PATIENT_STACK]):
            run_timed(program, env)
        if hasattr(os, "sync"):
            os.sync()
        for _ in range(repeat):
            app.append(run_timed(planner_start, env))
            bare.append(run_timed(BARE_WINDOW, env))
            list_stack.append(run_timed([*BARE_WINDOW, *LIST_STACK], env))
            opened.append(run_timed(first_patient, env))
            opened_warm.append(run_timed([*first_patient, "warm"], env))
            patient_stack.append(run_timed([*BARE_WINDOW, *PATIENT_STACK], env))
    floor = median_of(bare, "painted")
    launch = median_of(app, "listed")
    stack_floor = median_of(list_stack, "painted")
    figures = [
        Figure(
            f"launch to the window painted and the {patients:,}-patient list usable, timed from outside",
            launch,
            floor,
            "ms",
            "<= 2 x floor",
        ),
        Figure(
            f"- of which the libraries: stack floor (the bare window importing {_names(LIST_STACK)} first)",
            stack_floor,
            floor,
            "ms",
            "-",
        ),
        Figure("- of which ours: the launch against the stack floor", launch, stack_floor, "ms", "-"),
        Figure(
            "first patient opened after start (assessment and plan on screen), clicked 1 s after the list",
            median_of(opened, "opened_ms"),
            None,
            "ms",
            "<= 150 ms",
        ),
        Figure(
            "first patient opened after start, clicked as soon as the warm-up is done",
            median_of(opened_warm, "opened_ms"),
            None,
            "ms",
            "<= 150 ms",
        ),
    ]
    if all("warmed_ms" in run for run in opened_warm):
        warm_up = median_of(opened_warm, "warmed_ms")
        figures.append(Figure("warm-up, from the list painted until it is done", warm_up, None, "ms", "-"))
    if all("rss_kb" in run for run in [*opened, *bare, *patient_stack]):
        memory = median_of(opened, "rss_kb") / 1024
        bare_memory = median_of(bare, "rss_kb") / 1024
        stack_memory = median_of(patient_stack, "rss_kb") / 1024
        figures += [
            Figure("memory of the app with a patient open", memory, bare_memory, "MiB", "<= 2 x floor"),
            Figure(
                f"- of which the libraries: stack floor (the bare window importing {_names(PATIENT_STACK)} first)",
                stack_memory,
                bare_memory,
                "MiB",
                "-",
            ),
            Figure("- of which ours: the memory against the stack floor", memory, stack_memory, "MiB", "-"),
        ]
    return figures


def _names(modules: tuple[str, ...]) -> str:
    """``sqlalchemy, sqlmodel and rule_engine``."""
    return " and ".join(filter(None, [", ".join(modules[:-1]), modules[-1]]))


@contextmanager
def _main_window(database_path: Path) -> Iterator[tuple[QApplication, MainWindow]]:
    """The main window over ``database_path``, shown and its list filled, with settings of its own."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    database = open_database(database_path)
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(database, settings)
        window.show()
        app.processEvents()
        window.load_patients(reopen_last=False)
        _settle(app)
        try:
            yield app, window
        finally:
            window.close()
            window.deleteLater()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            database.dispose()


def _settle(app: QApplication) -> None:
    for _ in range(EVENT_LOOP_ROUNDS):
        app.processEvents()


def editor_figures(repeat: int) -> list[Figure]:
    """The richest example opened in the main window: a keystroke in the assessment editor, and the print
    preview of its clinician plan."""
    with tempfile.TemporaryDirectory() as folder:
        database_path = Path(folder) / "editor.sqlite3"
        database = open_database(database_path)
        patient = store_assessment(database, richest_example()).patient_id
        database.dispose()
        with _main_window(database_path) as (app, window):
            window.select_patient(patient)
            _settle(app)
            return [*_keystroke(app, window, repeat), *_print_preview(app, window, repeat)]


def _keystroke(app: QApplication, window: MainWindow, repeat: int) -> list[Figure]:
    """Up or Down in the pain score (0-10) of the open assessment, on its page of the editor: from the key
    press until the assessment is validated, the plan drafted again, the plan review rebuilt and the window
    repainted. (The plan review is on the Plan tab: Qt paints it when that tab is shown, not while the user
    types on the Assessment tab.) Up and Down alternate, so every key changes the score and the plan."""
    spin = window.editor.findChild(QSpinBox, "pain.nrs")
    assert spin is not None, "the pain score field"
    tabs = window.editor.tabs
    page = next(p for p in range(tabs.count()) if (tab := tabs.widget(p)) is not None and tab.isAncestorOf(spin))
    window.editor.tabs.setCurrentIndex(page)
    spin.setFocus()  # the user has clicked into the field
    _settle(app)
    keys = [Qt.Key.Key_Down, Qt.Key.Key_Up] if spin.value() > spin.minimum() + 1 else [Qt.Key.Key_Up, Qt.Key.Key_Down]
    values: list[float] = []
    plans = 0
    session = window.session
    assert session is not None
    for number in range(max(20, 12 * repeat)):
        before = session.plan
        started = time.perf_counter()
        QTest.keyClick(spin, keys[number % 2])
        _settle(app)
        values.append((time.perf_counter() - started) * 1000)
        plans += session.plan is not before
    assert plans == len(values), "every key drafts the plan again"
    session.undo_stack.setIndex(session.undo_stack.cleanIndex())  # back to the stored assessment, unchanged
    return [
        Figure(
            "a keystroke in the assessment editor until the plan is repainted, richest example, p95",
            percentile(values, 0.95),
            None,
            "ms",
            "<= 16 ms",
        )
    ]


PAGE_INK = re.compile(rb"[\x00-\x80]")
"""A dark pixel (grey level 128 or less) in the preview: the first page's text is on screen."""


def _print_preview(app: QApplication, window: MainWindow, repeat: int) -> list[Figure]:
    """Print preview of the clinician plan, through the window's Print plan action: from the action until
    the first page's text is on screen. It includes writing the PDF, opening the preview dialog and its
    first page rendered and painted; the check for the page (a look at the screen every millisecond or so)
    adds a little."""
    values = []
    for _ in range(max(3, repeat)):
        shown: list[float] = []

        def look(shown: list[float] = shown) -> None:
            preview = QApplication.activeModalWidget()
            if isinstance(preview, PrintPreview) and _shows_ink(preview):
                shown.append(time.perf_counter())
                preview.reject()
            else:
                QTimer.singleShot(1, look)

        QTimer.singleShot(0, look)
        started = time.perf_counter()
        window.print_action.trigger()
        assert shown, "the print preview showed its first page"
        values.append((shown[0] - started) * 1000)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return [Figure("print preview, first page shown", statistics.median(values), None, "ms", "<= 1000 ms")]


def _shows_ink(preview: PrintPreview) -> bool:
    image = preview.view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    return PAGE_INK.search(bytes(image.constBits())) is not None


TYPED = "ana sousa" * 2
"""Typed into the patient search, then erased key by key: erasing widens the list again, the costly way."""

PASSES = 5
"""Each key is timed in this many passes and counts by its median, so that another program busy for a moment
on a shared machine does not pass for the worst keystroke."""


def filter_figures(database_path: Path) -> list[Figure]:
    """The worst keystroke in the main window's patient search: from the key press until the filtered list
    is laid out and painted, the way a clinician waits for it."""
    with _main_window(database_path) as (app, window):
        keys = [*TYPED, *[Qt.Key.Key_Backspace] * len(TYPED)]
        key_times: list[list[float]] = [[] for _ in keys]
        for _ in range(PASSES):
            for key, timed in zip(keys, key_times, strict=True):
                started = time.perf_counter()
                if isinstance(key, str):
                    QTest.keyClicks(window.patient_search, key)
                else:
                    QTest.keyClick(window.patient_search, key)
                _settle(app)
                timed.append((time.perf_counter() - started) * 1000)
        patients = window.patient_model.rowCount()
    worst = max(statistics.median(timed) for timed in key_times)
    return [Figure(f"patient filter per keystroke, {patients:,} patients, worst", worst, None, "ms", "<= 16 ms")]
