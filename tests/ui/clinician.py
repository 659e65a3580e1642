"""What a clinician does at the end of a visit, through the real window: sign in the sign dialog, and export the
handout or the plan as a PDF file that is then read back."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtWidgets import QDialogButtonBox

from planner.ui.plan_review import SignDialog


def squash(text: str) -> str:
    """Text without white space: line breaks fall where the page width puts them."""
    return re.sub(r"\s+", "", text)


def sign_through_dialog(
    window: Any, monkeypatch: Any, *, tick: bool = False, name: str = "J. Rivera", credentials: str = "PT"
) -> dict[str, Any]:
    """Sign the open plan in the sign dialog: shown, filled in, and closed with its Sign button (which hides it,
    as ``exec()`` returning does), or cancelled while that button is disabled. ``tick`` ticks the box confirming
    what came over from the last visit. Returns what the dialog showed: ``question`` (the box's text, "" when
    not shown), ``enabled`` (the Sign button before the tick) and ``refused`` (the dialog's title when it came
    back after a refused sign-off; it is then cancelled)."""
    seen: dict[str, Any] = {}

    def run(dialog: SignDialog) -> int:
        if "question" in seen:
            seen["refused"] = dialog.windowTitle()
            return int(dialog.DialogCode.Rejected)
        dialog.show()
        button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        seen["question"] = dialog.confirm_carried.text() if dialog.confirm_carried.isVisible() else ""
        seen["enabled"] = button.isEnabled()
        if tick:
            dialog.confirm_carried.setChecked(True)
        dialog.name.setText(name)
        dialog.credentials.setText(credentials)
        if button.isEnabled():
            button.click()
        else:
            dialog.reject()
        assert not dialog.isVisible()
        return dialog.result()

    monkeypatch.setattr(window, "run_sign_dialog", run)
    window.sign()
    return seen


class PdfText:
    """An exported PDF's text as pypdf and, where poppler-utils is installed, pdftotext read it (white space
    removed). ``phrase in pdf`` holds when every reader finds it; readers that disagree fail the test."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.readers = {"pypdf": squash(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))}
        if shutil.which("pdftotext"):
            read = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
            self.readers["pdftotext"] = squash(read.stdout.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.readers.get("pdftotext", self.readers["pypdf"])

    def __contains__(self, phrase: str) -> bool:
        found = {name: squash(phrase) in text for name, text in self.readers.items()}
        assert len(set(found.values())) == 1, f"{phrase!r}: the readers disagree {found}"
        return next(iter(found.values()))

    def position(self, phrase: str) -> int:
        return self.text.index(squash(phrase))


def exported(window: Any, monkeypatch: Any, folder: Path, *, handout: bool) -> PdfText:
    """Export the open plan's handout (or the clinician plan) to a file as File > Export does, and read it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ("handout.pdf" if handout else "plan.pdf")
    monkeypatch.setattr(window, "choose_export_path", lambda _suggested: str(target))
    written = window.export(handout)
    assert written == target, window.warnings
    return PdfText(target)
