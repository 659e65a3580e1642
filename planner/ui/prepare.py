"""Opening a patient prepared while the user reaches for the patient list (see :mod:`planner.warmup`).

The first time the pointer enters the window or the list, or the list or its search field takes the keyboard,
the warm-up starts on a worker thread (about a second and a half of work); a click that comes later finds it
done (first opening 0.15 s instead of 1.0-1.5 s with 10,000 patients). Until the user shows up nothing more
is loaded, so an idle window keeps its small start-up footprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject

from planner.ui.background import Background

if TYPE_CHECKING:
    from planner.db.engine import Database

INTENT = (QEvent.Type.Enter, QEvent.Type.FocusIn, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress)


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
        if self.job is None and event.type() in INTENT:
            self.start()
        return False  # the event goes on as usual

    def start(self) -> None:
        from planner.warmup import warm_up

        for widget in self._watched:
            widget.removeEventFilter(self)
        database = self._database
        self.job = Background(lambda: warm_up(database), "warm-up", self)
        self.job.finished.connect(self._done)
        self.job.start()

    def _done(self, _result: object, error: Exception | None) -> None:
        """A failed warm-up only means the first opening does the work itself, and reports any error then;
        it is logged, not shown."""
        if error is not None:
            from planner.logs import log_exception

            log_exception(error)

    def wait(self) -> None:
        if self.job is not None:
            self.job.wait()
