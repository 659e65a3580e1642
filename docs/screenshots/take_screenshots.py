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

SHOTS = (
    "plan",
    "strength",
    "lymphedema",
    "assessment",
    "visits",
    "history",
    "compare",
    "library",
    "new-patient",
    "signed",
    "problems",
    "needs",
    "pain",
    "held",
)


GRADES = (
    (2, 3, 3, 2, 1, 3, 0, 0, 1, 2, 3),
    (3, 3, 4, 3, 2, 3, 1, 0, 2, 3, 4),
    (4, 4, 4, 3, 3, 4, 2, 1, 2, 3, 4),
)
"""Right-leg MRC grades of the eleven muscle groups (in the format's order) at three visits."""


def _visits(example: dict[str, Any]) -> list[dict[str, Any]]:
    """A patient seen three times with weakness in all eleven muscle groups of the right leg, recovering."""
    from planner.engine.vocabulary import MUSCLE_GROUPS

    first = copy.deepcopy(example)
    first["patient"] = {"id": "MRN-0420", "name": "Rosa Lind", "birth_date": "1961-07-19", "sex": "female"}
    first["history"]["onset"] = "2026-05-04"
    visits = []
    for day, pain, grades in zip(("2026-06-01", "2026-08-03", "2026-10-05"), (7, 5, 4), GRADES, strict=True):
        visit = copy.deepcopy(first)
        visit["assessed_on"] = day
        visit["pain"]["nrs"] = pain
        visit["strength"] = {g: {"left": 5, "right": grade} for g, grade in zip(MUSCLE_GROUPS, grades, strict=True)}
        visits.append(visit)
    return visits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", choices=SHOTS)
    args = parser.parse_args()

    from PySide6.QtCore import QEvent, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from planner.ui.colours import dark_palette, light_palette

    app.setPalette(dark_palette() if args.dark else light_palette())
    scale = round(app.primaryScreen().devicePixelRatio())
    suffix = ("-200" if scale >= 2 else "") + ("-dark" if args.dark else "")

    from planner.assessment.validate import load_assessment_file, validate_assessment
    from planner.opening import open_database
    from planner.paths import examples_dir
    from planner.record.assessments import store_assessment
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
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

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
    for name, page in (("assessment", 0), ("strength", 1), ("pain", 2), ("lymphedema", 3)):
        if name in wanted:
            window.editor.tabs.setCurrentIndex(page)
            save(name)
    window.select_patient("MRN-0420")
    window.tabs.setCurrentWidget(window.history)
    if "visits" in wanted:
        window.history.pages.setCurrentIndex(0)
        save("visits")
    if "history" in wanted:  # the README's History picture: the Trends page
        window.history.show_trends()
        save("history")
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
    if "signed" in wanted:
        window.select_patient(walter)
        window.session.sign("J. Rivera", "PT, DPT")
        window.tabs.setCurrentWidget(window.assessment_page)
        window.editor.tabs.setCurrentIndex(0)
        save("signed")
    if "problems" in wanted or "needs" in wanted:
        from planner.record.patients import save_patient

        save_patient(database, "MRN-0500", "Noor Haddad", "1958-04-03", "female", new=True)
        window.patient_model.reload()
        window.select_patient("MRN-0500")
        window.new_assessment()
        session = window.session
        session.set_value(("lymphedema", "present"), True)
        session.set_value(("lymphedema", "circumferences_cm"), {"left": [22.0, 240], "right": [24.0, 27.5]})
        if "problems" in wanted:
            window.tabs.setCurrentWidget(window.assessment_page)
            window.editor.tabs.setCurrentIndex(3)
            save("problems")
        if "needs" in wanted:
            window.tabs.setCurrentWidget(window.plan_page)
            save("needs")
        session.undo_stack.setClean()
    if "held" in wanted:  # a DVT and a pacemaker: the safety screen holds items, exercises and equipment back
        held = copy.deepcopy(examples["neoplastic-after-radiation"])
        held["patient"] = {"id": "MRN-0512", "name": "Joan Park", "birth_date": "1952-09-14", "sex": "female"}
        held["history"] |= {"dvt": True, "implanted_devices": ["pacemaker"]}
        store_assessment(database, validate_assessment(held))
        from PySide6.QtWidgets import QMessageBox

        window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # leave Noor's new assessment unasked
        window.patient_model.reload()
        window.select_patient("MRN-0512")
        window.tabs.setCurrentWidget(window.plan_page)
        window.plan_review.select_item("nlsp-analgesia-tens-anodyne")
        save("held")
    window.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
