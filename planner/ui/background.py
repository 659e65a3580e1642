"""One piece of core work run on a worker thread, its outcome handed back on the GUI thread.

For work that would freeze the window for seconds and needs nothing of Qt: the daily backup copies the
whole database file (over a gigabyte for a clinic with ten thousand patients, six seconds and more on an
ordinary disk). The work must not touch the app's own database connections or any widget; it gets its
own SQLite connections, which release Python's lock while SQLite works, so the window keeps painting and
answering. The outcome arrives through a queued signal, in the GUI thread's event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class Background(QObject):
    """Runs ``work`` once on its own thread; ``finished(result, error)`` follows on the GUI thread.

    The thread is not a daemon: a process asked to quit while the work runs waits for it rather than
    leave, say, half a backup file behind. :meth:`wait` makes that wait explicit where the app ends.
    """

    finished = Signal(object, object)

    def __init__(self, work: Callable[[], Any], name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._thread = threading.Thread(target=self._run, name=name)

    def start(self) -> None:
        self._thread.start()

    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> None:
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # handed to the GUI thread, which reports it
            self.finished.emit(None, exc)
        else:
            self.finished.emit(result, None)
