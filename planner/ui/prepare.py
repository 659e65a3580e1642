"""Opening a patient prepared while the user reaches for the patient list (see :mod:`planner.warmup`).

The first time the pointer rests on a row of the patient list, or the user types in its search field, the
warm-up starts on a worker thread (about a second and a half of work); a click that comes later finds it
done (first opening 0.15 s instead of 1.0-1.5 s with 10,000 patients). Until the user shows up nothing more
is loaded, so an idle window keeps its small start-up footprint.

Why signals and not an event filter: a filter written in Python sees every event of the widgets it watches,
which makes PySide build its (large) event-type enumerations at start-up, some 1.5 MiB; and focus or Enter
events also come when a window is shown, without any user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from planner.ui.background import Background

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractItemView, QLineEdit

    from planner.storage.database import Database


class PrepareOnIntent(QObject):
    """Starts :func:`planner.warmup.warm_up` once, at the first sign the user is about to open a patient."""

    def __init__(
        self, database: Database, view: QAbstractItemView, search: QLineEdit, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._database = database
        self.job: Background | None = None
        view.setMouseTracking(True)  # for ``entered``
        self._signals = [view.entered, search.textEdited]
        for signal in self._signals:
            signal.connect(self._intent)

    def _intent(self, *_args: object) -> None:
        self.start()

    def start(self) -> Background:
        """Start the warm-up now (once); the job, whose ``finished`` follows on the GUI thread."""
        from planner.warmup import warm_up

        if self.job is not None:
            return self.job
        for signal in self._signals:
            signal.disconnect(self._intent)
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
