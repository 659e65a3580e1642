"""The document library window over a real database: listing, search, reading, import, enable, remove."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from planner.library.store import list_documents

GOOD = """---
id: TEST-LOCAL
title: Local test document
source: Test
version: 1
kind: convention
---

## Local section

Local passage text about aquatic therapy. <img src="http://example.org/x.png"> <b>raw</b>

::: recommendation test-local-1
target: pt
when: pain_nrs >= 4
title: Aquatic therapy
:::
"""


@pytest.fixture
def library_window(qtbot: Any, db: Any) -> Iterator[Any]:
    from planner.ui.library.window import LibraryWindow

    window = LibraryWindow(db)
    qtbot.addWidget(window)
    window.errors = []
    window._show_error = lambda summary, details=(): window.errors.append("\n".join([summary, *details]))
    window._confirm = lambda _text: True
    window.show()
    yield window


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_models_pass_the_model_tester(qtmodeltester: Any, library_window: Any, qtbot: Any) -> None:
    qtmodeltester.check(library_window.document_model)
    qtbot.keyClicks(library_window.search_field, "walker")
    qtbot.waitUntil(lambda: library_window.search_model.rowCount() > 0, timeout=3000)
    qtmodeltester.check(library_window.search_model)
    library_window.showPassage("CLINIC", "Walking aid thresholds")
    qtmodeltester.check(library_window.contribution_model)


def test_lists_shipped_documents(library_window: Any) -> None:
    ids = {library_window.document_model.document(r).id for r in range(library_window.document_model.rowCount())}
    assert {"ANATOMY", "CLINIC", "NLSP-TM", "WHO-LADDER"} <= ids


def test_search_highlights_matches(library_window: Any, qtbot: Any) -> None:
    from planner.ui.library.models import SnippetHtmlRole

    qtbot.keyClicks(library_window.search_field, "joint position")
    qtbot.waitUntil(lambda: library_window.search_model.rowCount() > 0, timeout=3000)
    html = library_window.search_model.index(0, 0).data(SnippetHtmlRole)
    assert "<b>" in html


def test_import_good_document_and_remove_it(library_window: Any, qtbot: Any, tmp_path: Path, db: Any) -> None:
    library_window._choose_files = lambda: [write(tmp_path, "good.md", GOOD)]
    with qtbot.waitSignal(library_window.libraryChanged, timeout=3000):
        library_window.import_button.click()
    assert "TEST-LOCAL" in {d.id for d in list_documents(db)}
    assert library_window.showPassage("TEST-LOCAL", "Local section")
    shown = library_window.findChild(__import__("PySide6.QtWidgets").QtWidgets.QTextBrowser).toPlainText()
    assert '<img src="http://example.org/x.png"> <b>raw</b>' in shown
    assert library_window.remove_button.isEnabled()
    with qtbot.waitSignal(library_window.libraryChanged, timeout=3000):
        library_window.remove_button.click()
    assert "TEST-LOCAL" not in {d.id for d in list_documents(db)}


def test_bad_document_is_refused_with_line(library_window: Any, tmp_path: Path, db: Any) -> None:
    before = [(d.id, d.version) for d in list_documents(db)]
    bad = write(tmp_path, "bad.md", GOOD.replace("pain_nrs >= 4", "pain_nrs >= four"))
    assert library_window.import_paths([bad]) is False
    assert "bad.md: line 15: when: unknown finding 'four'" in library_window.errors[-1]
    assert [(d.id, d.version) for d in list_documents(db)] == before


def test_drag_and_drop_imports(library_window: Any, qtbot: Any, tmp_path: Path, db: Any) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(write(tmp_path, "dropped.md", GOOD)))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(library_window.libraryChanged, timeout=3000):
        library_window.dropEvent(event)  # the import runs just after the drop returns
    assert "TEST-LOCAL" in {d.id for d in list_documents(db)}


def test_disabling_a_document_others_need_is_refused(library_window: Any, qtbot: Any, db: Any) -> None:
    model = library_window.document_model
    row = model.row_for_id("CLINIC")
    index = model.index(row, model.columnCount() - 1)
    with qtbot.waitSignal(model.errorOccurred, timeout=3000):
        model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert next(d for d in list_documents(db) if d.id == "CLINIC").enabled
    assert index.data(Qt.ItemDataRole.CheckStateRole) in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)


def test_show_passage_selects_document(library_window: Any) -> None:
    assert library_window.showPassage("ANATOMY", "Joint position sense")
    assert library_window.current_document_id() == "ANATOMY"
