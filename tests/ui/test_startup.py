"""Start-up: --smoke paints the window and fills the list; window state and the last patient come back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from planner.assessment.validate import load_assessment_file
from planner.record.assessments import store_assessment
from tests.conftest import damage_table, example_paths

REPO = Path(__file__).resolve().parent.parent.parent


def test_smoke_start_prints_milliseconds(db_path: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "planner", "--db", str(db_path), "--smoke"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "main window painted and patient list filled in" in done.stdout and " ms" in done.stdout
    assert [line.split()[0] for line in done.stdout.splitlines() if line.split()[0] != "main"] == [
        "painted",
        "listed",
        "settled",
        "rss_kb",
    ]


def test_start_is_stamped_once_when_run_as_python_m_planner(db_path: Path, tmp_path: Path) -> None:
    """Under ``python -m planner`` the entry file runs as ``__main__``; were it imported again as
    ``planner.__main__`` it would run twice and stamp the start a second time, late (--smoke then reported
    51 ms for a 133 ms start). The import log shows whether anything imports it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "planner", "--db", str(db_path), "--smoke"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "planner.cli" in imported and "planner.ui.app" in imported
    assert "planner.__main__" not in imported


def test_geometry_splitter_and_last_patient_restored(qtbot: Any, db: Any, settings: Any) -> None:
    from planner.ui.main_window import MainWindow

    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    first = MainWindow(db, settings)
    qtbot.addWidget(first)
    first.show()
    first.load_patients()
    first.select_patient(stored.patient_id)
    first.resize(700, 520)  # within the offscreen screen, which clamps restored geometry
    first.splitter.setSizes([200, 576])  # within the editor's minimum width on the small offscreen screen
    qtbot.wait(10)  # let the layout settle, as it would on screen
    sizes = first.splitter.sizes()
    size = (first.size().width(), first.size().height())
    first.close()
    second = MainWindow(db, settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.wait(10)
    second.load_patients()
    assert second.patient_id == stored.patient_id
    assert (second.size().width(), second.size().height()) == size
    assert second.splitter.sizes() == sizes


def test_first_screen_needs_only_qt_and_sqlalchemy_core(db_path: Path, tmp_path: Path) -> None:
    """Up to the painted patient list (window, list, shipped-document check) the real start reads the database
    through SQLAlchemy Core, the one storage path, and loads none of the heavy libraries: not SQLAlchemy's ORM
    nor SQLModel and its tables, Alembic, the validators, the rule engine or ReportLab. The warm-up that follows
    loads them on its thread, and the start completes."""
    code = (
        "import sys\n"
        "from planner.ui import app\n"
        "heavy = ('sqlalchemy.orm', 'sqlmodel', 'alembic', 'pydantic', 'jsonschema', 'rule_engine', 'reportlab',\n"
        "         'planner.models')\n"
        "warm_up = app.Startup._warm_up\n"
        "def listed(startup, window):\n"
        "    print(sorted(m for m in heavy if m in sys.modules), flush=True)\n"
        "    warm_up(startup, window)\n"
        "app.Startup._warm_up = listed\n"
        "from planner.cli import run\n"
        f"assert run(['--db', {str(db_path)!r}, '--smoke']) == 0\n"
        "print(sorted(m for m in ('sqlalchemy.orm', 'rule_engine') if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert lines == ["[]", "['rule_engine', 'sqlalchemy.orm']"]


def test_first_paint_waits_for_nothing_the_window_does_not_show(db_path: Path, tmp_path: Path) -> None:
    """Up to the first paint, the real start (``planner --db ... --smoke``) loads neither the schedule rules,
    the assessment format, the draft store, the clock nor the message boxes' and file dialogs' classes: they are
    reached through the one boundary, :mod:`planner.ui.deferred`, when the lists are filled or a patient is
    opened. (json is not among them: SQLAlchemy, which opens the database, loads it.)"""
    code = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from planner.ui import app\n"
        "waiting = ('planner.engine.schedule', 'planner.assessment.schema', 'planner.ui.autosave',\n"
        "           'planner.clock', 'planner.record.plans', 'planner.ui.session')\n"
        "def fill(startup):\n"
        "    print(sorted(m for m in waiting if m in sys.modules))\n"
        "    QTimer.singleShot(0, startup.app.quit)\n"
        "app.Startup._fill = fill\n"
        "from planner.cli import run\n"
        f"assert run(['--db', {str(db_path)!r}, '--smoke']) == 0\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_every_name_beyond_the_boundary_is_found() -> None:
    """Each name the first screen reaches through :mod:`planner.ui.deferred` is where the table says (a module
    moved or a name renamed fails here, not when a user first needs it)."""
    from planner.ui import deferred

    for name, home in deferred.homes().items():
        assert getattr(deferred, name) is getattr(sys.modules[home], name)
    assert not hasattr(deferred, "no_such_name")


def _answer_message_boxes(answers: list[str]) -> list[str]:
    """Click through the modal message boxes start-up shows, in order, by button text; returns their texts."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(f"{box.text()}\n{box.informativeText()}")
            wanted = answers.pop(0)
            next(b for b in box.buttons() if b.text().replace("&", "") == wanted).click()
        if answers:
            QTimer.singleShot(10, click)

    QTimer.singleShot(0, click)
    return seen


def test_patient_list_then_due_list_then_daily_backup(
    qtbot: Any, qapp: Any, db: Any, db_path: Path, settings: Any
) -> None:
    """The patient list is filled before start-up returns to the event loop; the due list and the daily
    backup follow from it, in that order, and the app stays usable."""
    from datetime import date

    from planner.storage.backup import list_backups
    from planner.storage.database import open_schema
    from planner.ui.app import Startup
    from planner.ui.due import DAYS_AHEAD_SETTING
    from tests.conftest import make_assessment

    visit = make_assessment(
        assessed_on=date.today().isoformat(),
        history={"onset": date.today().isoformat()},
        strength={"knee_extension": {"right": 3}},
    )
    store_assessment(db, visit)
    db.dispose()
    shutil.rmtree(db_path.parent / "backups")  # the one taken when the fixture opened the file
    settings.setValue("firstRun/done", True)
    settings.setValue(DAYS_AHEAD_SETTING, 365)
    startup = Startup(qapp, settings, db_path)
    startup.show(open_schema(db_path))
    window = startup.window
    assert window is not None and window.patient_model.rowCount() == 1
    assert window.due.model.rowCount() == 0 and list_backups(db_path) == []  # both wait for the event loop
    qtbot.waitUntil(lambda: window.due.model.rowCount() > 0)
    qtbot.waitUntil(lambda: len(list_backups(db_path)) == 1)
    assert list_backups(db_path)[0].path.name.endswith("-daily.sqlite3")
    store_assessment(window.database, load_assessment_file(example_paths()[0]))  # and writable
    window.close()
    startup.dispose()


def test_a_failed_daily_backup_is_reported_and_the_app_goes_on(
    qtbot: Any, qapp: Any, db: Any, db_path: Path, settings: Any
) -> None:
    """A file where the backups folder should be makes the backup fail: a warning names it, the window
    stays, and the database is still written to."""
    from PySide6.QtWidgets import QMessageBox

    from planner.storage.database import open_schema
    from planner.ui.app import Startup

    db.dispose()
    shutil.rmtree(db_path.parent / "backups")
    (db_path.parent / "backups").write_text("not a folder")
    settings.setValue("firstRun/done", True)
    startup = Startup(qapp, settings, db_path)
    startup.show(open_schema(db_path))
    window = startup.window
    assert window is not None
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "backupFailed") is not None)
    box = window.findChild(QMessageBox, "backupFailed")
    assert "backup could not be made" in box.text() and str(db_path.parent / "backups") in box.text()
    assert window.isVisible() and startup.window is window
    store_assessment(window.database, load_assessment_file(example_paths()[0]))
    box.close()
    window.close()
    startup.dispose()


def test_after_start_the_first_opening_finds_the_library_compiled(
    qtbot: Any, qapp: Any, db: Any, db_path: Path, settings: Any
) -> None:
    """With no user input at all, the warm-up that follows the painted list compiles the guidance library;
    opening the first patient then uses that compiled library instead of compiling it again."""
    from planner.library import store
    from planner.storage.database import open_schema
    from planner.ui.app import Startup

    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    db.dispose()
    store._cache.clear()
    settings.setValue("firstRun/done", True)
    startup = Startup(qapp, settings, db_path)
    startup.show(open_schema(db_path))
    window = startup.window
    assert window is not None and window.patient_model.rowCount() == 1
    job = startup.warming
    assert job is not None
    qtbot.waitUntil(lambda: not job.running(), timeout=20000)
    compiled = [value for key, value in store._cache.items() if key[0] == str(db_path)]
    assert len(compiled) == 1
    assert window.select_patient(stored.patient_id) and window.patient_id == stored.patient_id
    assert window.session is not None and window.session.plan is not None
    assert next(value for key, value in store._cache.items() if key[0] == str(db_path)) is compiled[0]
    window.close()
    startup.dispose()


def test_last_sessions_patient_reopens_after_the_warm_up_with_the_list_usable_meanwhile(
    qtbot: Any, qapp: Any, db: Any, db_path: Path, settings: Any
) -> None:
    from planner.storage.database import open_schema
    from planner.ui.app import Startup

    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    db.dispose()
    settings.setValue("firstRun/done", True)
    settings.setValue("window/lastPatient", stored.patient_id)
    startup = Startup(qapp, settings, db_path)
    startup.show(open_schema(db_path))
    window = startup.window
    assert window is not None and window.patient_model.rowCount() == 1
    assert window.patient_id is None  # the list is there at once; the patient follows the warm-up
    assert startup.warming is not None
    qtbot.waitUntil(lambda: window.patient_id == stored.patient_id, timeout=20000)
    window.close()
    startup.dispose()


def test_background_work_runs_off_the_gui_thread_and_reports_on_it(qtbot: Any, qapp: Any) -> None:
    import threading

    from PySide6.QtCore import QThread

    from planner.ui.background import Background

    outcomes: list[tuple[object, object, bool]] = []

    def work() -> str:
        return threading.current_thread().name

    def failing() -> None:
        raise OSError("disk full")

    for count, job in enumerate((Background(work, "worker"), Background(failing, "failing")), start=1):
        job.finished.connect(
            lambda result, error: outcomes.append((result, error, QThread.currentThread() is qapp.thread()))
        )
        job.start()
        qtbot.waitUntil(lambda count=count: len(outcomes) == count, timeout=5000)
        job.wait()
    (result, error, on_gui), (failed_result, failure, failed_on_gui) = outcomes
    assert result == "worker" and error is None and on_gui
    assert failed_result is None and isinstance(failure, OSError) and failed_on_gui


def test_damage_found_after_the_first_paint_offers_the_backup(
    qtbot: Any, qapp: Any, db: Any, db_path: Path, settings: Any
) -> None:
    """A damaged table that the schema check does not read is found by the next step; it is reported as at
    start, and restoring the backup starts the app again on it (the damaged file kept beside it)."""
    from planner.storage.backup import backup_database
    from planner.storage.database import open_schema
    from planner.ui.app import Startup

    settings.setValue("firstRun/done", True)
    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    db.dispose()
    backup_database(db_path)
    damage_table(db_path, "document")
    damaged = db_path.read_bytes()
    database = open_schema(db_path)
    seen = _answer_message_boxes(["Restore the backup", "OK"])
    startup = Startup(qapp, settings, db_path)
    startup.show(database)
    assert "is not a usable planner database" in seen[0] and "The backup was restored" in seen[1]
    window = startup.window
    assert window is not None and window.isVisible() and window.database is not database
    assert window.patient_model.row_for(stored.patient_id) >= 0
    kept = list(db_path.parent.glob(f"{db_path.name}.replaced-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    window.close()
    startup.dispose()


def test_fold_of_plain_ascii_is_its_lower_case() -> None:
    """The quick path for ASCII names agrees with the full folding (which it skips)."""
    import string
    import unicodedata

    from planner.ui.patients import fold

    text = string.printable + " Anna-Lena O'Brien DEMO-1-000083"
    full = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    assert fold(text) == full == text.lower()
    assert fold("Zoë ŁUKASZ Øre Đak") == "zoe lukasz ore dak"


def test_fold_by_character_agrees_with_folding_the_whole_text() -> None:
    """Names with accents fold character by character from a table; that gives what folding the whole text
    gives, also for combining marks out of canonical order, stacked, alone or after letters they compose with,
    expanding case folds (ß, ﬁ), Hangul and characters from every plane."""
    import random

    from planner.ui.patients import fold, fold_text

    assert (
        fold("Ånne-Søren ĐORĐE Straße ﬁ 가")
        == fold_text("Ånne-Søren ĐORĐE Straße ﬁ 가")
        == "anne-soren dorde strasse fi \u1100\u1161"
    )
    chance = random.Random(7)
    marks = [chr(code) for code in range(0x300, 0x370)] + ["\u0323", "\u0327", "\u1dc0", "\u20d2"]
    letters = [chr(code) for code in range(0x20, 0x250)] + list("ŁłØøĐđßẞΣσςİıﬁǅ가각")
    for _ in range(20_000):
        text = "".join(
            chance.choice(marks)
            if (roll := chance.random()) < 0.3
            else chr(chance.randrange(0x80, 0x30000))
            if roll < 0.5
            else chance.choice(letters)
            for _ in range(chance.randint(1, 10))
        )
        assert fold(text) == fold_text(text), ascii(text)


RICHEST_EXAMPLE = "neoplastic-after-radiation.json"
"""The example with the most plan items, exercise cards and alerts (as in the benchmarks)."""

LOADED_ONLY_WHEN_ASKED = (
    "reportlab",
    "planner.export.pdf_common",
    "planner.export.clinician",
    "planner.ui.printing",
    "PySide6.QtPdf",
    "planner.library.search",
    "planner.ui.library.window",
    "PySide6.QtCharts",
    "alembic",
)
"""What an open patient does without until the user prints, searches, opens the library or the trends."""


def test_an_open_patient_holds_no_printing_search_or_library_window(db: Any, tmp_path: Path) -> None:
    """The memory of the app with a patient open is what that view needs: after the real start, its warm-up and
    the richest example opened on the Assessment and then the Plan tab (as ``python -m bench`` measures it),
    none of :data:`LOADED_ONLY_WHEN_ASKED` is loaded."""
    patient = store_assessment(db, load_assessment_file(REPO / "resources" / "examples" / RICHEST_EXAMPLE))
    db_path = db.path
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtCore import QSettings, QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from planner.storage.database import open_schema\n"
        "from planner.ui.app import Startup\n"
        "app = QApplication(sys.argv[:1])\n"
        f"settings = QSettings({str(tmp_path / 'settings.ini')!r}, QSettings.Format.IniFormat)\n"
        "settings.setValue('firstRun/done', True)\n"
        f"startup = Startup(app, settings, Path({str(db_path)!r}))\n"
        f"startup.show(open_schema(Path({str(db_path)!r})))\n"
        "window = startup.window\n"
        "def open_patient():\n"
        f"    window.select_patient({patient.patient_id!r})\n"
        "    for _ in range(3): app.processEvents()\n"
        "    window.tabs.setCurrentWidget(window.plan_page)\n"
        "    for _ in range(3): app.processEvents()\n"
        "    assert window.session is not None and window.session.plan is not None\n"
        f"    print(sorted(m for m in {LOADED_ONLY_WHEN_ASKED!r} if m in sys.modules), flush=True)\n"
        "    app.quit()\n"
        "startup.warming.finished.connect(lambda *_: QTimer.singleShot(0, open_patient))\n"
        "app.exec()\n"
        "window.close()\n"
        "startup.dispose()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith("[")] == ["[]"]
