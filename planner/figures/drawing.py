"""A neutral drawing description: what a figure looks like, in primitives any backend can paint.

The figure module (:mod:`planner.figures.render`) turns figure data into a :class:`Drawing`; the PDF backend
(:mod:`planner.export.figure_pdf`) and the app's (:mod:`planner.ui.figure_view`) only paint it. Coordinates
are in the figure's own units (centimetres of the drawn scene) with the origin at the bottom left and y
pointing up, as in ReportLab; the Qt backend flips y.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass

Point = tuple[float, float]
RGB = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Style:
    stroke: RGB | None = None
    width: float = 1.0
    fill: RGB | None = None
    dash: tuple[float, ...] | None = None  # on/off lengths in drawing units
    round: bool = True  # round caps and joins (else butt caps and mitre joins)


@dataclass(frozen=True, slots=True)
class Path:
    points: tuple[Point, ...]
    style: Style
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Circle:
    center: Point
    radius: float
    style: Style


Shape = Path | Circle


@dataclass(frozen=True, slots=True)
class Drawing:
    """Shapes in painting order (first is furthest back) inside a ``width`` x ``height`` box."""

    width: float
    height: float
    shapes: tuple[Shape, ...]

    def fingerprint(self) -> str:
        """A hash of the drawing as painted (coordinates to 0.1 unit), to tell two figures apart."""
        digest = hashlib.sha256(f"{self.width:.1f}x{self.height:.1f}".encode())
        for shape in self.shapes:
            digest.update(_describe(shape).encode())
        return digest.hexdigest()[:16]


def _describe(shape: Shape) -> str:
    style = shape.style
    head = f"{style.stroke}|{style.width:.2f}|{style.fill}|{style.dash}|{style.round}"
    if isinstance(shape, Circle):
        return f"C{shape.center[0]:.1f},{shape.center[1]:.1f},{shape.radius:.1f}|{head};"
    coords = ",".join(f"{x:.1f} {y:.1f}" for x, y in shape.points)
    return f"P{int(shape.closed)}{coords}|{head};"


def clip_shapes(shapes: list[Shape], box: tuple[float, float, float, float]) -> list[Shape]:
    """The shapes cut to ``box`` (x0, y0, x1, y1): open paths by Liang-Barsky, closed ones by
    Sutherland-Hodgman, circles kept when their centre is inside. Backends then need no clipping of their own.
    """
    out: list[Shape] = []
    for shape in shapes:
        if isinstance(shape, Circle):
            x, y = shape.center
            if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                out.append(shape)
        elif shape.closed:
            polygon = _clip_polygon(list(shape.points), box)
            if len(polygon) >= 3:
                out.append(Path(tuple(polygon), shape.style, True))
        else:
            for run in _clip_polyline(list(shape.points), box):
                out.append(Path(tuple(run), shape.style, False))
    return out


def _clip_segment(a: Point, b: Point, box: tuple[float, float, float, float]) -> tuple[Point, Point] | None:
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (a[0] + t0 * dx, a[1] + t0 * dy), (a[0] + t1 * dx, a[1] + t1 * dy)


def _clip_polyline(points: list[Point], box: tuple[float, float, float, float]) -> list[list[Point]]:
    runs: list[list[Point]] = []
    current: list[Point] = []
    for a, b in itertools.pairwise(points):
        segment = _clip_segment(a, b, box)
        if segment is None:
            if len(current) >= 2:
                runs.append(current)
            current = []
            continue
        start, end = segment
        if current and current[-1] == start:
            current.append(end)
        else:
            if len(current) >= 2:
                runs.append(current)
            current = [start, end]
        if end != b:
            runs.append(current)
            current = []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _clip_polygon(points: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    x0, y0, x1, y1 = box
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    )
    for inside, cross in edges:
        if not points:
            break
        result: list[Point] = []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
            previous = current
        points = result
    return points


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y
