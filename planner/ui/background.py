"""One piece of core work run on a worker thread, its outcome handed back on the GUI thread.

For work that would freeze the window for seconds and needs nothing of Qt: the daily backup copies the
whole database file (over a gigabyte for a clinic with ten thousand patients, six seconds and more on an
ordinary disk). The work must not touch the app's own database connections or any widget; it gets its
own SQLite connections, which release Python's lock while SQLite works, so the window keeps painting and
answering. The outcome is announced by a signal on the GUI thread, in its event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from planner.errors import UserError
from planner.ui import deferred

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


class Background(QObject):
    """Runs ``work`` once on its own thread; ``finished(result, error)`` follows on the GUI thread.

    The worker thread makes no Qt call at all, not even a signal: it leaves its outcome in an attribute and
    ends, and a timer on the GUI thread notices and emits. (Signals emitted from a Python thread crashed
    PySide 6.11 now and then when the GUI thread ran the slot while the emit was still returning.)

    Give it a parent that outlives the work (the window): Qt then deletes it at a safe moment, whereas an
    unowned one in a reference cycle is deleted by Python's collector whenever it runs, possibly in the
    middle of its own timer event.

    The thread is not a daemon: a process asked to quit while the work runs waits for it rather than
    leave, say, half a backup file behind. :meth:`wait` makes that wait explicit where the app ends.
    """

    finished = Signal(object, object)
    POLL_MS = 20

    def __init__(self, work: Callable[[], Any], name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._thread = threading.Thread(target=self._run, name=name)
        self._outcome: tuple[Any, Exception | None] = (None, None)
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        self._thread.start()
        self._timer.start()

    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> None:
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            self._outcome = (self._work(), None)
        except Exception as exc:  # handed to the GUI thread, which reports it
            self._outcome = (None, exc)

    def _poll(self) -> None:
        if self._thread.is_alive():
            return
        self._timer.stop()
        self.finished.emit(*self._outcome)


def failure_text(error: Exception) -> str:
    """What to tell the user about a job that failed: a storage problem in its own words (it names the
    file and the rule); anything else is logged and named with where the details went."""
    if isinstance(error, UserError):
        return str(error)
    return f"{type(error).__name__}; the details were written to {deferred.log_exception(error)}"


def show_outcome(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, name: str) -> QMessageBox:
    """A job's outcome in a message box that does not block: the user may be busy with something else."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
