"""Window shortcuts that a text field would otherwise take.

On X11, Qt's line edits claim Ctrl+E (end of line), Ctrl+K and a few other Emacs-style keys before the
window's shortcuts see them: with the cursor in a field, Ctrl+E moved the cursor instead of exporting the
plan. :class:`YieldToWindow` is an event filter that lets the window's own shortcuts through; the keys every
text field needs (copy, paste, undo, select all...) stay with the field.

The filter is installed after a patient is opened, not at start-up: a Python event filter sees every event
of the widget it watches, which makes PySide build its (large) event-type enumeration.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

_EDITING = (
    QKeySequence.StandardKey.Copy,
    QKeySequence.StandardKey.Cut,
    QKeySequence.StandardKey.Paste,
    QKeySequence.StandardKey.Undo,
    QKeySequence.StandardKey.Redo,
    QKeySequence.StandardKey.SelectAll,
    QKeySequence.StandardKey.Delete,
    QKeySequence.StandardKey.Backspace,
    QKeySequence.StandardKey.DeleteStartOfWord,
    QKeySequence.StandardKey.DeleteEndOfWord,
    QKeySequence.StandardKey.MoveToNextWord,
    QKeySequence.StandardKey.MoveToPreviousWord,
    QKeySequence.StandardKey.SelectNextWord,
    QKeySequence.StandardKey.SelectPreviousWord,
)
"""What a text field keeps whatever the window binds."""


def window_keys(window: QWidget) -> set[int]:
    """The one-key shortcuts (with Ctrl) of ``window``'s actions, less the keys text editing needs."""
    # PySide6's type stubs lack QKeySequence.__getitem__, which the binding has: hence the two ignores.
    editing = {
        binding[0].toCombined()  # type: ignore[index]
        for key in _EDITING
        for binding in QKeySequence.keyBindings(key)
    }
    keys: set[int] = set()
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            if sequence.count() != 1:
                continue
            combination = sequence[0]  # type: ignore[index]
            if combination.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier:
                keys.add(combination.toCombined())
    return keys - editing


class YieldToWindow(QObject):
    """Install on a text field: a ShortcutOverride for one of ``keys`` is kept from the field, so the window's
    shortcut fires."""

    def __init__(self, keys: set[int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.keys = keys

    def watch(self, field: QWidget) -> None:
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            return event.keyCombination().toCombined() in self.keys  # type: ignore[attr-defined]
        return False
