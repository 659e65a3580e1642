"""Two panes side by side when there is room, one under the other when there is not.

A pane laid out side by side makes the window at least as wide as both; on a small or zoomed screen (1920x1080
at 200 % is 960 logical pixels wide) that pushes the second pane off screen. Here the panes stack instead, and
the scroll area around them scrolls down rather than sideways.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QWidget


class Reflow(QWidget):
    """``first`` beside ``second`` (stretched ``stretch``) when the width allows both their minimum widths,
    else ``first`` above ``second``."""

    def __init__(
        self, first: QWidget, second: QWidget, stretch: tuple[int, int] = (3, 4), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.first, self.second = first, second
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(first, stretch[0])
        self.box.addWidget(second, stretch[1])

    def side_by_side_width(self) -> int:
        return self.first.minimumSizeHint().width() + self.box.spacing() + self.second.minimumSizeHint().width()

    def is_side_by_side(self) -> bool:
        return self.box.direction() == QBoxLayout.Direction.LeftToRight

    def minimumSizeHint(self) -> QSize:
        """As wide as the wider pane needs (never both side by side: so this never makes a window wider than one
        pane); stacked, as tall as both panes like to be, so the scroll area around gives them that and
        scrolls."""
        width = max(self.first.minimumSizeHint().width(), self.second.minimumSizeHint().width())
        if self.is_side_by_side():
            height = max(self.first.minimumSizeHint().height(), self.second.minimumSizeHint().height())
        else:
            height = self.first.sizeHint().height() + self.box.spacing() + self.second.sizeHint().height()
        return QSize(width, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        wanted = (
            QBoxLayout.Direction.LeftToRight
            if event.size().width() >= self.side_by_side_width()
            else QBoxLayout.Direction.TopToBottom
        )
        if wanted != self.box.direction():
            self.box.setDirection(wanted)
            self.updateGeometry()  # the scroll area around asks again how tall this is
        super().resizeEvent(event)
