"""The library window searches on a worker thread: a pasted page or a slow disk never freezes it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from planner.library import search
from planner.ui.library import window as window_module
from planner.ui.library.window import LibraryWindow

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def libwin(qtbot: Any, db: Any) -> Iterator[LibraryWindow]:
    widget = LibraryWindow(db)
    qtbot.addWidget(widget)
    yield widget
    qtbot.waitUntil(lambda: not widget.searching(), timeout=10_000)


@pytest.fixture
def search_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The real search, recording the thread each call runs on."""
    threads: list[str] = []

    def recorded(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return search.search_passages(*args, **kwargs)

    monkeypatch.setattr(window_module, "search_passages", recorded)
    return threads


def test_the_search_runs_off_the_gui_thread(qtbot: Any, libwin: LibraryWindow, search_threads: list[str]) -> None:
    libwin.search_field.setText("walker")
    libwin._run_search()
    assert libwin.searching()  # the call returned while the query runs
    qtbot.waitUntil(lambda: libwin.search_model.rowCount() > 0, timeout=10_000)
    assert search_threads == ["library-search"]
    assert threading.current_thread().name == "MainThread"


def test_a_pasted_page_is_refused_without_freezing(
    qtbot: Any, libwin: LibraryWindow, search_threads: list[str]
) -> None:
    libwin.search_field.setText("Pasted clinic letter, line after line of it. " * 2000)  # 92,000 characters
    qtbot.waitUntil(
        lambda: not libwin.searching() and "at most 200 characters" in libwin.status_label.text(), timeout=10_000
    )
    assert libwin.search_model.rowCount() == 0
    assert set(search_threads) <= {"library-search"}


def test_only_the_newest_query_is_shown(qtbot: Any, libwin: LibraryWindow) -> None:
    libwin.search_field.setText("walker")
    libwin._run_search()
    libwin.search_field.setText("neuropathic")
    libwin._run_search()  # waits for the first to end; the first one's results are dropped
    qtbot.waitUntil(lambda: not libwin.searching() and libwin.search_model.rowCount() > 0, timeout=10_000)
    shown = [libwin.search_model.hit(row) for row in range(libwin.search_model.rowCount())]
    assert shown == search.search_passages(libwin._database, "neuropathic", window_module.SEARCH_LIMIT)
    assert "neuropathic" in libwin.status_label.text()


def test_enter_moves_into_the_results_when_they_come(qtbot: Any, libwin: LibraryWindow) -> None:
    libwin.show()
    qtbot.waitExposed(libwin)
    libwin.search_field.setFocus()
    libwin.search_field.setText("orthoses")
    libwin._search_now()
    qtbot.waitUntil(lambda: libwin.results_view.currentIndex().isValid(), timeout=10_000)
    headings = {libwin.search_model.hit(row).heading for row in range(libwin.search_model.rowCount())}
    assert headings  # found through the synonyms and the stemmer
