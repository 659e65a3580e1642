"""Take the README's screenshots: the app on a fresh database with the shipped examples and a three-visit
patient, in a light or a dark palette, at 100 % on a 1280x800 screen or at 200 % on a 1920x1080 one.

Run it under a real X server (Xvfb) so fonts and the window look as on a desktop, e.g.::

    Xvfb :95 -screen 0 1280x800x24 &
    DISPLAY=:95 QT_QPA_PLATFORM=xcb .venv/bin/python docs/screenshots/take_screenshots.py
    DISPLAY=:95 QT_QPA_PLATFORM=xcb .venv/bin/python docs/screenshots/take_screenshots.py --dark
    Xvfb :97 -screen 0 1920x1080x24 &
    DISPLAY=:97 QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=2 .venv/bin/python docs/screenshots/take_screenshots.py

File names: ``NAME.png`` (light, 100 %), ``NAME-dark.png``, ``NAME-200.png``, ``NAME-200-dark.png``.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

SHOTS = ("plan", "strength", "lymphedema", "assessment", "history", "trends", "compare", "library", "new-patient")


def _visits(example: dict[str, Any]) -> list[dict[str, Any]]:
    """A patient seen three times with weakness in all eleven muscle groups of the right leg, recovering."""
    first = copy.deepcopy(example)
    first["patient"] = {"id": "MRN-0420", "name": "Rosa Lind", "birth_date": "1961-07-19", "sex": "female"}
    first["history"]["onset"] = "2026-05-04"
    grades = [1, 2, 2, 3, 1, 2, 1, 0, 2, 3, 2]
    visits = []
    for number, (day, gain, pain) in enumerate((("2026-06-01", 0, 7), ("2026-08-03", 1, 5), ("2026-10-05", 2, 4))):
        visit = copy.deepcopy(first)
        visit["assessed_on"] = day
        visit["pain"]["nrs"] = pain
        visit["strength"] = {
            group: {"left": 5, "right": min(4, grade + gain + (index % 2 if number else 0))}
            for index, (group, grade) in enumerate(zip(_groups(), grades, strict=True))
        }
        visits.append(visit)
    return visits


def _groups() -> tuple[str, ...]:
    from planner.engine.vocabulary import MUSCLE_GROUPS

    return MUSCLE_GROUPS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", choices=SHOTS)
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from planner.ui.colours import dark_palette, light_palette

    app.setPalette(dark_palette() if args.dark else light_palette())
    scale = round(app.primaryScreen().devicePixelRatio())
    suffix = ("-200" if scale >= 2 else "") + ("-dark" if args.dark else "")

    from planner.assessment.validate import load_assessment_file, validate_assessment
    from planner.db.engine import open_database
    from planner.paths import examples_dir
    from planner.records import store_assessment
    from planner.ui.main_window import MainWindow

    folder = Path(tempfile.mkdtemp(prefix="lsp-shots-"))
    database = open_database(folder / "planner.sqlite3")
    examples = {path.stem: load_assessment_file(path) for path in sorted(examples_dir().glob("*.json"))}
    for assessment in examples.values():
        store_assessment(database, assessment)
    for visit in _visits(examples["entrapment-piriformis"]):
        store_assessment(database, validate_assessment(visit))
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("dates/dayFirst", True)
    window = MainWindow(database, settings)
    screen = app.primaryScreen().availableGeometry()
    window.setGeometry(screen)
    window.show()
    window.load_patients(reopen_last=False)
    wanted = set(args.only or SHOTS)
    args.out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def save(name: str, widget: Any = None) -> None:
        settle()
        target = args.out / f"{name}{suffix}.png"
        (widget or window).grab().save(str(target))
        print(target)

    walter = examples["neoplastic-after-radiation"]["patient"]["id"]
    window.select_patient(walter)
    if "plan" in wanted:
        window.tabs.setCurrentWidget(window.plan_page)
        window.plan_review.select_item("clinic-aid-walker")
        save("plan")
    window.tabs.setCurrentWidget(window.assessment_page)
    for name, page in (("assessment", 0), ("strength", 1), ("lymphedema", 3)):
        if name in wanted:
            window.editor.tabs.setCurrentIndex(page)
            save(name)
    window.select_patient("MRN-0420")
    window.tabs.setCurrentWidget(window.history)
    if "history" in wanted:
        window.history.pages.setCurrentIndex(0)
        save("history")
    if "trends" in wanted:
        window.history.show_trends()
        save("trends")
    if "compare" in wanted:
        window.history.pages.setCurrentIndex(0)
        chronology = window.history._chronology
        dialog = window.history.compare(chronology[-2], chronology[-1])
        dialog.resize(min(1100, screen.width()), min(560, screen.height()))
        save("compare", dialog)
        dialog.close()
    if "library" in wanted:
        window.open_library()
        library = window.library_window
        library.setGeometry(screen)
        library.search_field.setText("walking aid")
        library._run_search()
        save("library", library)
        library.close()
    if "new-patient" in wanted:
        from planner.ui.patients import PatientDialog

        dialog = PatientDialog(window)
        dialog.patient_id.setText("MRN-0420")
        dialog.name.setText("Ana Sousa")
        dialog.birth_date.setText("3/4/1958")
        dialog.birth_date.textEdited.emit("3/4/1958")
        dialog.show()
        save("new-patient", dialog)
        dialog.close()
    window.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
