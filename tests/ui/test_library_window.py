"""The library window on a real database: models, search as you type, safe rendering, import, enable, remove."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from planner.library.search import search_passages
from planner.library.store import get_document, list_documents
from planner.ui.library.models import (
    ContributionTableModel,
    DocumentIdRole,
    DocumentTableModel,
    SearchResultModel,
    SnippetHtmlRole,
    snippet_html,
)
from planner.ui.library.window import LibraryWindow, document_markdown, md_code, section_headings

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    # The offscreen platform says this whenever a top-level window is shown; it is not about this window.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

GOOD_DOC = """---
id: TEST-LOCAL
title: Local test document
source: Test
version: 1
kind: convention
---

## Local section

Local passage text about aquatic therapy.

::: recommendation test-local-1
target: pt
when: pain_nrs >= 4
title: Aquatic therapy
:::
"""

RAW_HTML_DOC = """---
id: TEST-RAW
title: Raw markup document
source: Test
version: 1
kind: convention
---

## Markup section

Before <img src="http://example.org/x.png"> and <b>raw</b> after.

A Markdown picture ![pic](http://example.org/p.png) is asked for and refused.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class Dialogs:
    """Stands in for the library window's modal dialogs: records what would have been shown."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, list[str]]] = []
        self.questions: list[str] = []
        self.answer = True
        self.files: list[Path] = []

    def error_text(self) -> str:
        return "\n".join(line for summary, details in self.errors for line in [summary, *details])


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    recorder = Dialogs()

    def show_error(_self: LibraryWindow, summary: str, details: Any = ()) -> None:
        recorder.errors.append((summary, list(details)))

    def confirm(_self: LibraryWindow, text: str) -> bool:
        recorder.questions.append(text)
        return recorder.answer

    monkeypatch.setattr(LibraryWindow, "_show_error", show_error)
    monkeypatch.setattr(LibraryWindow, "_confirm", confirm)
    monkeypatch.setattr(LibraryWindow, "_choose_files", lambda _self: list(recorder.files))
    return recorder


@pytest.fixture
def libwin(qtbot: Any, db: Any, dialogs: Dialogs) -> Iterator[LibraryWindow]:
    widget = LibraryWindow(db)
    qtbot.addWidget(widget)
    yield widget


def table_ids(libwin: LibraryWindow) -> list[str]:
    return [libwin.proxy.index(row, 0).data(DocumentIdRole) for row in range(libwin.proxy.rowCount())]


def show_active(qtbot: Any, widget: QWidget) -> None:
    """Shortcuts only fire in the active window."""
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=2000)


def import_file(qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs, path: Path) -> None:
    dialogs.files = [path]
    with qtbot.waitSignal(libwin.libraryChanged, timeout=2000):
        qtbot.mouseClick(libwin.import_button, Qt.MouseButton.LeftButton)


# -- models --------------------------------------------------------------------------------------------------


def test_document_model_passes_the_model_tester(qtmodeltester: Any, db: Any) -> None:
    qtmodeltester.check(DocumentTableModel(db))


def test_search_model_passes_the_model_tester(qtmodeltester: Any, db: Any) -> None:
    model = SearchResultModel()
    model.set_hits(search_passages(db, "walker"))
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_contribution_model_passes_the_model_tester(qtmodeltester: Any, db: Any) -> None:
    model = ContributionTableModel(db)
    model.set_document("CLINIC")
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_snippet_html_escapes_document_text_before_highlighting() -> None:
    assert snippet_html('<img src="x"> \x02a&b\x03 <b>') == "&lt;img src=&quot;x&quot;&gt; <b>a&amp;b</b> &lt;b&gt;"


def test_code_spans_hold_backticks_and_table_pipes_literally() -> None:
    assert md_code("a `b` c") == "``a `b` c``"
    assert md_code("x | y", in_table=True) == "`x \\| y`"


def test_document_markdown_drops_the_header_and_makes_blocks_readable() -> None:
    markdown = document_markdown(GOOD_DOC)
    assert "id: TEST-LOCAL" not in markdown
    assert ":::" not in markdown
    assert "**Recommendation** `test-local-1`" in markdown
    assert "`pain_nrs >= 4`" in markdown
    assert section_headings(GOOD_DOC) == ["Local section"]


# -- browsing and searching ----------------------------------------------------------------------------------


def test_table_lists_the_shipped_documents(libwin: LibraryWindow) -> None:
    ids = table_ids(libwin)
    assert {"ANATOMY", "CLINIC", "NLSP-TM"} <= set(ids)
    assert len(ids) == len(list_documents(libwin._database))
    assert libwin.current_document_id() is not None  # the first document is open for reading


def test_table_sorts_through_the_proxy(libwin: LibraryWindow) -> None:
    libwin.documents_view.sortByColumn(DocumentTableModel.TITLE, Qt.SortOrder.DescendingOrder)
    titles = [libwin.proxy.index(row, DocumentTableModel.TITLE).data() for row in range(libwin.proxy.rowCount())]
    assert titles == sorted(titles, key=str.casefold, reverse=True)


def test_typing_a_search_shows_highlighted_results_after_the_debounce(qtbot: Any, libwin: LibraryWindow) -> None:
    qtbot.keyClicks(libwin.search_field, "walker")
    assert libwin.search_model.rowCount() == 0  # nothing yet: the query waits for a pause in typing
    qtbot.waitUntil(lambda: libwin.search_model.rowCount() > 0, timeout=2000)
    snippet = libwin.search_model.index(0, 0).data(SnippetHtmlRole)
    assert re.search(r"<b>walker</b>", snippet, re.IGNORECASE)
    assert libwin.tabs.currentIndex() == libwin.results_tab
    assert "walker" in libwin.status_label.text()


def test_clicking_a_search_result_opens_the_passage(qtbot: Any, libwin: LibraryWindow) -> None:
    libwin.show()
    qtbot.waitExposed(libwin)
    libwin.search_field.setText("walker")
    qtbot.waitUntil(lambda: libwin.search_model.rowCount() > 0, timeout=2000)
    index = libwin.search_model.index(0, 0)
    hit = libwin.search_model.hit(0)
    assert hit is not None
    rect = libwin.results_view.visualRect(index)
    qtbot.mouseClick(libwin.results_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert libwin.current_document_id() == hit.document_id
    assert libwin.tabs.currentIndex() == libwin.read_tab
    assert libwin.read_view.textCursor().block().text() == hit.heading


def test_show_passage_selects_the_document_and_its_heading(libwin: LibraryWindow) -> None:
    heading = section_headings(get_document(libwin._database, "NLSP-TM").body)[1]
    assert libwin.showPassage("NLSP-TM", heading)
    assert libwin.current_document_id() == "NLSP-TM"
    assert libwin.tabs.currentIndex() == libwin.read_tab
    assert heading in libwin.read_view.toPlainText()
    assert libwin.read_view.textCursor().block().text() == heading
    assert libwin.title_label.text() == get_document(libwin._database, "NLSP-TM").title
    assert libwin.contribution_model.rowCount() > 0


def test_show_passage_scrolls_to_a_heading_of_the_anatomy(libwin: LibraryWindow) -> None:
    assert libwin.showPassage("ANATOMY", "Joint position sense")
    assert libwin.current_document_id() == "ANATOMY"
    assert libwin.read_view.textCursor().block().text() == "Joint position sense"


def test_show_passage_of_a_missing_document_says_so(libwin: LibraryWindow) -> None:
    assert not libwin.showPassage("NO-SUCH-DOC", "Anything")
    assert "NO-SUCH-DOC" in libwin.status_label.text()


def test_raw_html_in_a_document_is_shown_as_text(
    qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    import_file(qtbot, libwin, dialogs, write(tmp_path, "raw.md", RAW_HTML_DOC))
    libwin.show()
    qtbot.waitExposed(libwin)
    libwin.showPassage("TEST-RAW", "Markup section")
    libwin.read_view.viewport().repaint()
    text = libwin.read_view.toPlainText()
    assert '<img src="http://example.org/x.png">' in text
    assert "<b>raw</b>" in text
    # The HTML image is text, never a resource; the Markdown image is requested and refused (nothing loads).
    assert "http://example.org/x.png" not in libwin.read_view.blocked_resources
    assert set(libwin.read_view.blocked_resources) <= {"http://example.org/p.png"}
    block = libwin.read_view.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            char_format = fragments.fragment().charFormat()
            if char_format.isImageFormat():
                assert char_format.toImageFormat().name() == "http://example.org/p.png"
            fragments += 1
        block = block.next()


def test_recommendations_are_rendered_readably(
    qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    import_file(qtbot, libwin, dialogs, write(tmp_path, "good.md", GOOD_DOC))
    text = libwin.read_view.toPlainText()
    assert "Recommendation test-local-1" in text
    assert "When: pain_nrs >= 4" in text
    assert "Aquatic therapy" in text
    assert "id: TEST-LOCAL" not in text


# -- changing the library ------------------------------------------------------------------------------------


def test_importing_a_good_document_adds_it(qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs, tmp_path: Path) -> None:
    before = len(table_ids(libwin))
    import_file(qtbot, libwin, dialogs, write(tmp_path, "good.md", GOOD_DOC))
    assert len(table_ids(libwin)) == before + 1
    assert libwin.current_document_id() == "TEST-LOCAL"
    assert "TEST-LOCAL" in libwin.status_label.text()
    assert libwin.contribution_model.rowCount() == 1
    assert dialogs.errors == []


def test_importing_a_bad_document_lists_its_problems_and_changes_nothing(
    qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    bad = GOOD_DOC.replace("target: pt", "target: nowhere")
    line = bad.split("\n").index("target: nowhere") + 1
    before = len(list_documents(libwin._database))
    dialogs.files = [write(tmp_path, "bad.md", bad)]
    with qtbot.assertNotEmitted(libwin.libraryChanged):
        qtbot.mouseClick(libwin.import_button, Qt.MouseButton.LeftButton)
    assert f"bad.md: line {line}: target must be one of" in dialogs.error_text()
    assert len(list_documents(libwin._database)) == before
    assert len(table_ids(libwin)) == before
    assert "Traceback" not in dialogs.error_text()


def test_a_bad_condition_is_reported_at_its_line(libwin: LibraryWindow, dialogs: Dialogs, tmp_path: Path) -> None:
    bad = GOOD_DOC.replace("pain_nrs >= 4", "pain_nrs >= four")
    line = bad.split("\n").index("when: pain_nrs >= four") + 1
    before = [(d.id, d.version, d.enabled) for d in list_documents(libwin._database)]
    assert libwin.import_paths([write(tmp_path, "bad.md", bad)]) is False
    assert f"bad.md: line {line}, column 19: when: unknown finding 'four'" in dialogs.error_text()
    assert [(d.id, d.version, d.enabled) for d in list_documents(libwin._database)] == before
    assert "Nothing was imported" in libwin.status_label.text()


def test_import_shows_every_problem_of_a_file_in_line_order(
    libwin: LibraryWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    """A header problem used to hide the rest; a syntax error says what is wrong and where in the line."""
    bad = GOOD_DOC.replace("kind: convention", "kind: convention\ncolour: red").replace(
        "when: pain_nrs >= 4", "when: pain_nrs >= 4 &&"
    )
    bad += "\n::: recommendation test-local-2\ntarget: gym\nwhen: true\ntitle: Gym\n:::\n"
    assert libwin.import_paths([write(tmp_path, "bad.md", bad)]) is False
    (summary, details) = dialogs.errors[-1]
    assert summary == "Nothing was imported. bad.md was refused:"
    assert details == [
        "bad.md: line 7: unknown header key 'colour' (known: date, id, kind, publisher, source, title, version)",
        "bad.md: line 16, column 21: when: '&&' is not part of this language: write 'and'",
        "bad.md: line 21: target must be one of: pt, ot, orthosis, lymphedema, analgesia, medical, monitoring, "
        "alert, urgent, preface, checklist, call",
    ]


def test_dropping_a_markdown_file_imports_it(qtbot: Any, libwin: LibraryWindow, tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(write(tmp_path, "good.md", GOOD_DOC)))])
    enter = QDragEnterEvent(
        QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(libwin, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(libwin.libraryChanged, timeout=2000):
        QApplication.sendEvent(libwin, drop)
    assert "TEST-LOCAL" in table_ids(libwin)


def test_dragging_other_files_is_refused(libwin: LibraryWindow, tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(write(tmp_path, "notes.txt", "hello")))])
    enter = QDragEnterEvent(
        QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(libwin, enter)
    assert not enter.isAccepted()


def test_unchecking_enabled_disables_the_document(qtbot: Any, libwin: LibraryWindow) -> None:
    model = libwin.document_model
    index = model.index(model.row_for_id("DLRPN"), DocumentTableModel.ENABLED)
    with qtbot.waitSignal(libwin.libraryChanged, timeout=2000):
        assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert not get_document(libwin._database, "DLRPN").enabled
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    with qtbot.waitSignal(libwin.libraryChanged, timeout=2000):
        assert model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert get_document(libwin._database, "DLRPN").enabled


def test_disabling_a_document_others_depend_on_is_refused(qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs) -> None:
    model = libwin.document_model
    index = model.index(model.row_for_id("CLINIC"), DocumentTableModel.ENABLED)
    with qtbot.waitSignal(model.errorOccurred, timeout=2000) as blocker, qtbot.assertNotEmitted(libwin.libraryChanged):
        assert not model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert "CLINIC" in blocker.args[0]
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert get_document(libwin._database, "CLINIC").enabled
    assert dialogs.errors and "CLINIC" in dialogs.error_text()


def test_the_toggle_button_disables_the_selected_document(qtbot: Any, libwin: LibraryWindow) -> None:
    libwin.showPassage("DLRPN", "")
    assert libwin.toggle_button.text() == "Disable"
    with qtbot.waitSignal(libwin.libraryChanged, timeout=2000):
        qtbot.mouseClick(libwin.toggle_button, Qt.MouseButton.LeftButton)
    assert not get_document(libwin._database, "DLRPN").enabled
    assert libwin.toggle_button.text() == "Enable"


def test_removing_an_imported_document_asks_first(
    qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    import_file(qtbot, libwin, dialogs, write(tmp_path, "good.md", GOOD_DOC))
    assert libwin.remove_button.isEnabled()
    dialogs.answer = False
    with qtbot.assertNotEmitted(libwin.libraryChanged):
        qtbot.mouseClick(libwin.remove_button, Qt.MouseButton.LeftButton)
    assert "TEST-LOCAL" in table_ids(libwin)
    dialogs.answer = True
    with qtbot.waitSignal(libwin.libraryChanged, timeout=2000):
        qtbot.mouseClick(libwin.remove_button, Qt.MouseButton.LeftButton)
    assert "TEST-LOCAL" not in table_ids(libwin)
    assert len(dialogs.questions) == 2 and "TEST-LOCAL" in dialogs.questions[0]


def test_shipped_documents_cannot_be_removed(qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs) -> None:
    libwin.showPassage("CLINIC", "")
    assert not libwin.remove_button.isEnabled()
    show_active(qtbot, libwin)
    libwin.documents_view.setFocus()
    qtbot.keyClick(libwin.documents_view, Qt.Key.Key_Delete)
    assert dialogs.questions == []
    assert "CLINIC" in table_ids(libwin)


# -- keyboard and accessibility ------------------------------------------------------------------------------


def test_delete_key_removes_the_selected_imported_document(
    qtbot: Any, libwin: LibraryWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    import_file(qtbot, libwin, dialogs, write(tmp_path, "good.md", GOOD_DOC))
    show_active(qtbot, libwin)
    libwin.documents_view.setFocus()
    with qtbot.waitSignal(libwin.libraryChanged, timeout=2000):
        qtbot.keyClick(libwin.documents_view, Qt.Key.Key_Delete)
    assert dialogs.questions
    assert "TEST-LOCAL" not in table_ids(libwin)


def test_ctrl_f_focuses_the_search_field(qtbot: Any, libwin: LibraryWindow) -> None:
    show_active(qtbot, libwin)
    libwin.documents_view.setFocus()
    qtbot.keyClick(libwin.documents_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(libwin.search_field.hasFocus, timeout=2000)


def test_every_control_has_an_accessible_name(libwin: LibraryWindow) -> None:
    controls: list[QWidget] = [
        libwin,
        libwin.import_button,
        libwin.remove_button,
        libwin.toggle_button,
        libwin.search_field,
        libwin.documents_view,
        libwin.tabs,
        libwin.tabs.tabBar(),
        libwin.read_view,
        libwin.contributions_view,
        libwin.results_view,
        libwin.status_label,
    ]
    assert all(control.accessibleName() for control in controls)
