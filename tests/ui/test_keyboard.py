"""Keyboard work: tab switching, the patient search, focus after dialogs, window shortcuts in text fields, and
mnemonics unique in each window with no literal '&' on screen."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTabBar,
    QToolButton,
    QWidget,
)

from planner.record.assessments import store_assessment
from planner.record.patients import save_patient
from tests.conftest import load_example

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonic(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found[1].lower() if found else None


def shown_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Letter -> the labels that claim it, among the widgets of ``window`` on screen now (a hidden tab page's
    mnemonics are not active), with the menu bar's titles."""
    claims: dict[str, list[str]] = defaultdict(list)

    def claim(text: str) -> None:
        letter = mnemonic(text)
        if letter:
            claims[letter].append(text)

    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
            continue  # a toolbar button shows its action without the mnemonic
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            claim(widget.text())
        elif isinstance(widget, QGroupBox):
            claim(widget.title())
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if widget.isTabVisible(index):
                    claim(widget.tabText(index))
    menu_bar = getattr(window, "menuBar", None)
    if callable(menu_bar):
        for action in menu_bar().actions():
            claim(action.text())
    return claims


def literal_ampersands(window: QWidget) -> list[str]:
    """Labels on screen that would show a bare '&' (a mnemonic with no field to go to)."""
    found = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or label.buddy() is not None:
            continue
        text = label.text()
        if label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and re.search(r"<[a-zA-Z/]", text)
        ):
            continue
        if mnemonic(text):
            found.append(text)
    return found


def check_window(window: QWidget, state: str) -> list[str]:
    QApplication.processEvents()  # widgets added to a shown page are shown from the event loop
    problems = [
        f"{state}: '{letter}' is claimed by {texts}"
        for letter, texts in shown_mnemonics(window).items()
        if len(texts) > 1
    ]
    problems += [f"{state}: literal '&' in {text!r}" for text in literal_ampersands(window)]
    return problems


def check_menus(window: Any) -> list[str]:
    problems = []
    for menu in window.menuBar().findChildren(QMenu):
        claims: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            if action.text() and not action.isSeparator():
                letter = mnemonic(action.text())
                if letter:
                    claims[letter].append(action.text())
        problems += [f"menu {menu.title()}: '{key}' in {texts}" for key, texts in claims.items() if len(texts) > 1]
    return problems


def open_walter(window: Any) -> str:
    stored = store_assessment(window.database, load_example("neoplastic-after-radiation"))
    window.patient_model.reload()
    assert window.select_patient(stored.patient_id)
    return stored.patient_id


def test_every_mnemonic_of_the_main_window_is_unique_in_every_state(window: Any, monkeypatch: Any) -> None:
    open_walter(window)
    problems = check_menus(window)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        if tab == 0:
            for page in range(window.editor.tabs.count()):
                window.editor.tabs.setCurrentIndex(page)
                problems += check_window(window, f"assessment page {page}")
        elif tab == 2:
            for page in range(window.history.pages.count()):
                window.history.pages.setCurrentIndex(page)
                problems += check_window(window, f"history page {page}")
        else:
            problems += check_window(window, f"tab {tab}")
    # Signed: the amend buttons and the read-only banner appear.
    window.session.sign("J. Rivera", "PT")
    for tab in (0, 1):
        window.tabs.setCurrentIndex(tab)
        problems += check_window(window, f"signed, tab {tab}")
    assert problems == []


def test_dialogs_have_unique_mnemonics_and_no_literal_ampersand(window: Any, qtbot: Any) -> None:
    from planner.record.plans import get_plan
    from planner.ui.library.window import LibraryWindow
    from planner.ui.patients import PatientDialog
    from planner.ui.plan_compare import CompareDialog
    from planner.ui.plan_review import ItemDialog, SignDialog
    from planner.ui.settings_dialog import SettingsDialog

    open_walter(window)
    record = window.session.record
    dialogs = [
        PatientDialog(window),
        SignDialog(window, "J. Rivera", "PT"),
        ItemDialog(window, "", "", section="pt"),
        SettingsDialog(window.database, window, window.settings),
        LibraryWindow(window.database),
        CompareDialog(get_plan(window.database, record.id), get_plan(window.database, record.id), window),
    ]
    problems = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        problems += check_window(dialog, type(dialog).__name__)
        dialog.close()
    assert problems == []


def test_the_checker_finds_clashes_and_literal_ampersands(qtbot: Any) -> None:
    """The checks above would catch the faults of before: Alt+S twice, a bare '&' beside a row of fields."""
    from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QPushButton, QSpinBox

    box = QWidget()
    qtbot.addWidget(box)
    form = QFormLayout(box)
    form.addRow(QPushButton("&Save"))
    form.addRow(QPushButton("Pain and &sensation"))
    row = QHBoxLayout()
    row.addWidget(QSpinBox())
    form.addRow("Pain &NRS (0-10):", row)  # a layout, not a widget: the label gets no buddy
    box.show()
    assert shown_mnemonics(box)["s"] == ["&Save", "Pain and &sensation"]
    assert literal_ampersands(box) == ["Pain &NRS (0-10):"]


def test_ctrl_number_and_ctrl_tab_switch_the_record_tabs(window: Any, qtbot: Any) -> None:
    open_walter(window)
    field = window.editor.binder.widget(("assessor",))
    window.tabs.setCurrentIndex(0)
    field.setFocus()
    for keys, expected in (
        ((Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier), 1),
        ((Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier), 2),
        ((Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier), 0),
        ((Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier), 1),
        ((Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier), 0),
        ((Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier), 2),
    ):
        qtbot.keyClick(QApplication.focusWidget() or window, *keys)
        assert window.tabs.currentIndex() == expected, keys
    # Ctrl+Tab from inside the editor's own tabs switches the record's tabs, not the editor's pages.
    window.tabs.setCurrentIndex(0)
    window.editor.tabs.setCurrentIndex(1)
    window.editor.tabs.tabBar().setFocus()
    qtbot.keyClick(window.editor.tabs.tabBar(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1 and window.editor.tabs.currentIndex() == 1


def test_enter_in_the_search_opens_the_first_match_and_down_goes_into_the_list(window: Any, qtbot: Any) -> None:
    for patient_id, name in (("A-1", "Ana Sousa"), ("B-2", "Bo Berg"), ("C-3", "Cy Sousa-Lima")):
        save_patient(window.database, patient_id, name, new=True)
    window.patient_model.reload()
    window.focus_search()
    qtbot.keyClicks(window.patient_search, "sousa")
    qtbot.keyClick(window.patient_search, Qt.Key.Key_Return)
    assert window.patient_id == "A-1"
    assert QApplication.focusWidget() is window.patient_view
    qtbot.keyClick(window.patient_view, Qt.Key.Key_Down)
    assert window.patient_id == "C-3"
    window.focus_search()
    window.patient_search.clear()
    qtbot.keyClick(window.patient_search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.patient_view


def test_focus_stays_in_the_record_when_its_pages_are_rebuilt_after_a_dialog(window: Any, qtbot: Any) -> None:
    """A new assessment (after the unsaved-changes question) rebuilds the Assessment page; the focus goes to
    the new page, never to the search box (where Ctrl+E would move a cursor and typing would filter)."""
    open_walter(window)
    window.tabs.setCurrentIndex(0)
    field = window.editor.binder.widget(("assessor",))
    field.setFocus()
    qtbot.keyClicks(field, " and J. Doe")
    asked = []

    def answer() -> QMessageBox.StandardButton:
        asked.append(True)
        return QMessageBox.StandardButton.Discard

    window.ask_unsaved = answer
    window.new_assessment()
    assert asked
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the old page's widgets are gone now
    focus = window.focusWidget()
    assert focus is not None and focus is not window.patient_search
    assert window.assessment_page.isAncestorOf(focus)
    # From the plan list, to another patient and back: the focus stays in the record's tabs.
    window.tabs.setCurrentIndex(1)
    window.plan_review.tree.setFocus()
    window.open_patient(None)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert window.focusWidget() is window.tabs.tabBar()


def test_a_text_field_lets_the_window_shortcuts_through(
    window: Any, qtbot: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    """On X11 a line edit claims Ctrl+E (end of line) before the window sees it; the field here claims every
    Ctrl key the same way, and the window's filter keeps Ctrl+E (export) for the window."""
    open_walter(window)
    exported: list[str] = []
    monkeypatch.setattr(window, "choose_export_path", lambda suggested: exported.append(suggested) or "")

    class GreedyEdit(QLineEdit):
        def event(self, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and event.key() != Qt.Key.Key_Control
            ):
                event.accept()
                return True
            return super().event(event)

    greedy = GreedyEdit(window.editor)
    greedy.show()
    greedy.setFocus()
    qtbot.keyClick(greedy, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert exported == []  # the field took it: what happened before
    window._shortcut_filter.watch(greedy)
    qtbot.keyClick(greedy, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(exported) == 1
    qtbot.keyClick(greedy, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all stays the field's
    assert len(exported) == 1


def test_window_keys_leave_text_editing_keys_to_the_field(window: Any) -> None:
    from planner.ui.shortcuts import window_keys

    keys = window_keys(window)
    assert QKeySequence("Ctrl+E")[0].toCombined() in keys
    assert QKeySequence("Ctrl+1")[0].toCombined() in keys
    for editing in ("Ctrl+C", "Ctrl+V", "Ctrl+X", "Ctrl+Z", "Ctrl+A"):
        assert QKeySequence(editing)[0].toCombined() not in keys, editing


def test_focus_ring_stands_out_in_light_and_dark(qtbot: Any) -> None:
    """The focus ring is drawn in the palette's highlight: 3:1 against the window and the fields (WCAG
    1.4.11) in both palettes, and a focused field looks different from an unfocused one."""
    from PySide6.QtGui import QPalette

    from planner.ui.colours import NON_TEXT_CONTRAST, contrast, dark_palette, light_palette

    for palette in (light_palette(), dark_palette()):
        highlight = palette.color(QPalette.ColorRole.Highlight)
        assert contrast(highlight, palette.color(QPalette.ColorRole.Window)) >= NON_TEXT_CONTRAST
        assert contrast(highlight, palette.color(QPalette.ColorRole.Base)) >= NON_TEXT_CONTRAST
        box = QWidget()
        qtbot.addWidget(box)
        box.setPalette(palette)
        first, second = QLineEdit(box), QLineEdit(box)
        first.setGeometry(10, 10, 120, 28)
        second.setGeometry(10, 50, 120, 28)
        box.resize(160, 90)
        box.show()
        box.activateWindow()
        first.setFocus()
        qtbot.waitUntil(first.hasFocus)
        focused = first.grab().toImage()
        unfocused = second.grab().toImage()
        ring = focused.pixelColor(0, focused.height() // 2)
        assert contrast(ring, palette.color(QPalette.ColorRole.Window)) >= NON_TEXT_CONTRAST or any(
            contrast(focused.pixelColor(x, focused.height() // 2), palette.color(QPalette.ColorRole.Window))
            >= NON_TEXT_CONTRAST
            for x in range(3)
        )
        assert focused != unfocused


def test_new_patient_assessment_starts_without_clinical_defaults(window: Any) -> None:
    save_patient(window.database, "N-1", "New Patient", new=True)
    window.patient_model.reload()
    window.select_patient("N-1")
    window.new_assessment()
    session = window.session
    assert session.value(("history", "affected_side")) is None
    assert session.value(("history", "etiology")) is None
    assert session.value(("pain", "nrs")) is None
    assert window.editor.binder.widget(("pain", "nrs")).text() == "not recorded"
    assert window.editor.binder.widget(("history", "affected_side")).currentText() == "—"
    assert session.plan is None
    needs = window.plan_review.needs.text()
    for words in (
        "Cause: choose one (required)",
        "Affected side: choose one (required)",
        "Pain NRS (0-10): enter a number (required)",
    ):
        assert words in needs
    assert window.plan_review.body.currentWidget() is window.plan_review.needs
    assert not window.plan_review.edit_button.isEnabled()  # nothing to edit before there is a plan
