"""The app's backend of the figures: a neutral drawing painted with QPainter, in a widget or into an image.

As thin as the PDF backend (:mod:`planner.export.figure_pdf`): both paint the same
:class:`~planner.figures.drawing.Drawing`, so what the clinician sees in the app is what the patient gets on
paper. The drawing's y axis points up; Qt's points down, so the painter is flipped once.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from planner.figures.drawing import RGB, Circle, Drawing, Style


def _colour(rgb: RGB) -> QColor:
    return QColor.fromRgbF(*rgb)


def paint_drawing(painter: QPainter, drawing: Drawing, target: QRectF) -> None:
    """Paint ``drawing`` scaled to fit ``target`` (centred, aspect kept)."""
    scale = min(target.width() / drawing.width, target.height() / drawing.height)
    dx = target.x() + (target.width() - drawing.width * scale) / 2
    dy = target.y() + (target.height() - drawing.height * scale) / 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(dx, dy + drawing.height * scale)
    painter.scale(scale, -scale)
    painter.setClipRect(QRectF(0, 0, drawing.width, drawing.height))  # strokes of a cropped figure stay inside
    for shape in drawing.shapes:
        _set_style(painter, shape.style)
        if isinstance(shape, Circle):
            x, y = shape.center
            painter.drawEllipse(QPointF(x, y), shape.radius, shape.radius)
            continue
        path = QPainterPath(QPointF(*shape.points[0]))
        for point in shape.points[1:]:
            path.lineTo(QPointF(*point))
        if shape.closed:
            path.closeSubpath()
            painter.drawPath(path)
        else:
            painter.strokePath(path, painter.pen())
    painter.restore()


def _set_style(painter: QPainter, style: Style) -> None:
    if style.stroke is None:
        painter.setPen(Qt.PenStyle.NoPen)
    else:
        pen = QPen(_colour(style.stroke), style.width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap if style.round else Qt.PenCapStyle.FlatCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin if style.round else Qt.PenJoinStyle.MiterJoin)
        if style.dash:
            # Qt counts dash lengths in pen widths; the drawing counts them in its own units.
            pen.setDashPattern([max(d / style.width, 0.01) for d in style.dash])
        painter.setPen(pen)
    painter.setBrush(QBrush(_colour(style.fill)) if style.fill is not None else Qt.BrushStyle.NoBrush)


def drawing_image(drawing: Drawing, width: int, height: int) -> QImage:
    """The drawing on a white image of ``width`` x ``height`` pixels (for previews, tests and contact sheets)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        paint_drawing(painter, drawing, QRectF(0, 0, width, height))
    finally:
        painter.end()
    return image


class FigureView(QWidget):
    """Shows one exercise picture or equipment icon, scaled to the widget."""

    def __init__(self, drawing: Drawing | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drawing = drawing
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_drawing(self, drawing: Drawing | None) -> None:
        self._drawing = drawing
        self.update()

    def drawing(self) -> Drawing | None:
        return self._drawing

    def sizeHint(self) -> QSize:
        return QSize(240, 180)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._drawing is None:
            return
        painter = QPainter(self)
        try:
            paint_drawing(painter, self._drawing, QRectF(self.rect()).adjusted(4, 4, -4, -4))
        finally:
            painter.end()
