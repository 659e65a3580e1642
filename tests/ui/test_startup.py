"""Start-up: --smoke paints the window and fills the list; window state and the last patient come back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from planner.assessment.validate import load_assessment_file
from planner.records import store_assessment
from tests.conftest import example_paths


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
