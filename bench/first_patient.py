"""The first patient opened after start, as a user meets it: ``python -m bench.first_patient DATABASE SETTINGS
[warm]``.

The app starts as ``planner`` does: the main window painted, the patient list filled and painted, then the
warm-up on its worker thread and the rest of start-up (due list, daily backup) from the event loop. The
user's first click on a patient comes :data:`USER_DELAY_MS` after the list is painted (someone who clicks the
first row as soon as it is there) or, with ``warm``, as soon as the warm-up is done (someone who takes a few
seconds to find the patient). "opened_ms" runs from that click until the patient's assessment is painted
and then the Plan tab shown and painted. It includes whatever the warm-up has not finished by then (the click
waits for it), reading the patient, drafting the plan, building the assessment editor and the plan review,
and both paints; it leaves out the user's reaction time. Also printed: "listed" (stamped by the parent),
"warmed_ms" (the warm-up's length, from the painted list; up to 20 ms late, as its end is polled) and the
resident memory with the patient open.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from planner.storage.database import open_schema
from planner.ui.app import Startup

USER_DELAY_MS = 1000
"""From the painted list to the user's first click: quick for a person who has to find the row first."""

EVENT_LOOP_ROUNDS = 3
"""Rounds of the event loop after a change: its layout, its paint (posted by the round before), then one
that finds nothing left to do."""


def main(database_path: Path, settings_path: Path, after_warm_up: bool = False) -> int:
    app = QApplication(sys.argv[:1])
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.setValue("firstRun/done", True)  # no first-run offer in the way
    startup = Startup(app, settings, database_path)
    startup.show(open_schema(database_path))
    listed = time.perf_counter()
    print("listed", flush=True)
    window, warming = startup.window, startup.warming
    assert window is not None and warming is not None and window.patient_model.rowCount()
    warming.finished.connect(lambda *_: print(f"warmed_ms {(time.perf_counter() - listed) * 1000:.1f}", flush=True))

    def open_first_patient() -> None:
        clicked = time.perf_counter()
        window.select_patient(window.patient_model.patient(0).id)
        for _ in range(EVENT_LOOP_ROUNDS):
            app.processEvents()
        window.tabs.setCurrentWidget(window.plan_page)
        for _ in range(EVENT_LOOP_ROUNDS):
            app.processEvents()
        opened = (time.perf_counter() - clicked) * 1000
        assert window.session is not None and window.session.plan is not None
        print(f"opened_ms {opened:.1f}", flush=True)
        status = Path("/proc/self/status")
        if status.exists():  # Linux; elsewhere the memory row is left out
            print("rss_kb", status.read_text().split("VmRSS:")[1].split()[0], flush=True)
        app.quit()

    if after_warm_up:
        warming.finished.connect(lambda *_: QTimer.singleShot(0, open_first_patient))
    else:
        QTimer.singleShot(USER_DELAY_MS, open_first_patient)
    code = app.exec()
    window.close()
    startup.dispose()
    return int(code)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] == ["warm"]))
