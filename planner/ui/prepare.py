"""Opening a patient prepared while the user reaches for the patient list (see :mod:`planner.warmup`).

The first time the pointer enters the patient list, or the user moves the keyboard focus to it or its search,
the warm-up starts on a worker thread (about a second and a half of work); a click that comes later finds it
done (first opening 0.15 s instead of 1.0-1.5 s with 10,000 patients). Until the user shows up nothing more
is loaded, so an idle window keeps its small start-up footprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt

from planner.ui.background import Background

if TYPE_CHECKING:
    from planner.db.engine import Database

INTENT = (QEvent.Type.Enter, QEvent.Type.FocusIn, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress)
USER_FOCUS = (
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)
"""Focus the user moved; not the focus a window hands its widget when it is shown or activated."""


def _by_the_user(event: QEvent) -> bool:
    return event.type() != QEvent.Type.FocusIn or event.reason() in USER_FOCUS  # type: ignore[attr-defined]


class PrepareOnIntent(QObject):
    """Starts :func:`planner.warmup.warm_up` once, at the first sign the user is about to open a patient."""

    def __init__(self, database: Database, watched: Sequence[QObject], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._watched = list(watched)
        self.job: Background | None = None
        for widget in self._watched:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.job is None and event.type() in INTENT and _by_the_user(event):
            self.start()
        return False  # the event goes on as usual

    def start(self) -> Background:
        """Start the warm-up now (once); the job, whose ``finished`` follows on the GUI thread."""
        from planner.warmup import warm_up

        if self.job is not None:
            return self.job
        for widget in self._watched:
            widget.removeEventFilter(self)
        database = self._database
        self.job = Background(lambda: warm_up(database), "warm-up", self)
        self.job.finished.connect(self._done)
        self.job.start()
        return self.job

    def _done(self, _result: object, error: Exception | None) -> None:
        """A failed warm-up only means the first opening does the work itself, and reports any error then;
        it is logged, not shown."""
        if error is not None:
            from planner.logs import log_exception

            log_exception(error)

    def wait(self) -> None:
        if self.job is not None:
            self.job.wait()
