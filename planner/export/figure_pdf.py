"""The PDF backend of the figures: a neutral drawing painted as ReportLab graphics (vector, no image files).

Thin on purpose: composing a figure is :mod:`planner.figures.render`'s job; this only maps its paths and
circles onto ``reportlab.graphics.shapes`` at a scale that fits the box it is given.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Circle as RLCircle
from reportlab.graphics.shapes import Drawing as RLDrawing
from reportlab.graphics.shapes import Group, Polygon, PolyLine
from reportlab.graphics.shapes import Path as RLPath
from reportlab.lib.colors import Color

from planner.figures.drawing import RGB, Circle, Drawing, Style


def _colour(rgb: RGB | None) -> Color | None:
    return None if rgb is None else Color(*rgb)


def figure_drawing(drawing: Drawing, width: float, height: float) -> RLDrawing:
    """``drawing`` scaled to fit ``width`` x ``height`` points, centred, as a ReportLab Drawing flowable."""
    scale = min(width / drawing.width, height / drawing.height)
    dx = (width - drawing.width * scale) / 2
    dy = (height - drawing.height * scale) / 2
    out = RLDrawing(width, height)
    group = Group()
    # A cropped figure (a foot close-up) has strokes that reach past its box: clip them to it.
    clip = RLPath(strokeColor=None, fillColor=None)
    clip.moveTo(dx, dy)
    for x, y in ((drawing.width, 0), (drawing.width, drawing.height), (0, drawing.height)):
        clip.lineTo(dx + x * scale, dy + y * scale)
    clip.closePath()
    clip.isClipPath = 1
    group.add(clip)
    for shape in drawing.shapes:
        style = shape.style
        if isinstance(shape, Circle):
            x, y = shape.center
            node = RLCircle(dx + x * scale, dy + y * scale, shape.radius * scale)
            _apply(node, style, scale, filled=True)
        else:
            points = [value for x, y in shape.points for value in (dx + x * scale, dy + y * scale)]
            if shape.closed:
                node = Polygon(points)
                _apply(node, style, scale, filled=True)
            else:
                node = PolyLine(points)
                _apply(node, style, scale, filled=False)
        group.add(node)
    out.add(group)
    return out


def _apply(node: object, style: Style, scale: float, *, filled: bool) -> None:
    attributes = {
        "strokeColor": _colour(style.stroke),
        "strokeWidth": style.width * scale,
        "strokeLineCap": 1 if style.round else 0,
        "strokeLineJoin": 1 if style.round else 0,
        "strokeDashArray": [d * scale for d in style.dash] if style.dash else None,
    }
    if filled:
        attributes["fillColor"] = _colour(style.fill)
    for name, value in attributes.items():
        setattr(node, name, value)
