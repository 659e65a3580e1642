"""The body map's drawing, in logical units: both legs in two views and one region per muscle group and side.

One leg is described in (u, y): u is the distance from the figure's midline (medial = small u), y runs down
from the waist. Each leg is placed by mirroring u, so the medial side always faces the midline in both views.
The regions are cut from smooth outlines with boolean path operations at four times the logical size and
then thinned; that takes about half a second, so the result ships in ``resources/`` (see
:func:`geometry`) and is rebuilt from this module only when the file was made from another version of it.
Regenerate the file after changing anything here: ``python -m planner.ui.bodymap_geometry``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPolygonF, QTransform

from planner.engine.vocabulary import SIDES
from planner.paths import resources_dir

Point = tuple[float, float]

CANVAS_W = 560.0
CANVAS_H = 428.0
VIEW_CENTRES = {"front": 140.0, "back": 420.0}
FIGURE_TOP = 34.0

_OUTER: list[Point] = [
    (52, 0),
    (68, 24),
    (79, 58),
    (79, 92),
    (73, 132),
    (63, 176),
    (57, 202),
    (59, 226),
    (60, 248),
    (55, 282),
    (45, 314),
    (42, 334),
]
_INNER: list[Point] = [  # bottom to top
    (23, 334),
    (21, 315),
    (18, 285),
    (15, 252),
    (16, 226),
    (18, 202),
    (15, 175),
    (10, 135),
    (4, 102),
    (0, 92),
]
_FOOT = {  # from the lateral to the medial ankle
    "front": [(48, 346), (53, 360), (48, 372), (34, 377), (18, 376), (10, 368), (13, 350)],
    "back": [(46, 348), (42, 362), (33, 367), (24, 363), (19, 348)],
}


@dataclass(frozen=True, slots=True)
class _RegionSpec:
    """Where a muscle group sits on one leg: a rough closed outline (clipped to the leg and trimmed off the
    regions listed before it) and where its grade goes when the number does not fit inside."""

    group: str
    view: str
    outline: tuple[Point, ...]
    outside_label: Point


_SPECS: tuple[_RegionSpec, ...] = (
    # Front view: order matters, each region is trimmed away from the ones before it in the same view.
    _RegionSpec(
        "hip_flexion",
        "front",
        ((12, 62), (30, 52), (50, 60), (52, 78), (42, 94), (26, 98), (12, 90), (8, 76)),
        (40, 75),
    ),
    _RegionSpec(
        "hip_adduction",
        "front",
        ((2, 100), (22, 98), (30, 116), (28, 150), (22, 180), (16, 184), (9, 150), (3, 120)),
        (14, 130),
    ),
    _RegionSpec(
        "knee_extension",
        "front",
        ((48, 98), (64, 84), (80, 100), (78, 136), (70, 168), (58, 192), (44, 196), (34, 186), (33, 150), (36, 116)),
        (52, 140),
    ),
    _RegionSpec(
        "ankle_dorsiflexion",
        "front",
        ((25, 226), (40, 222), (45, 246), (43, 290), (37, 318), (30, 316), (26, 282), (23, 248)),
        (36, 262),
    ),
    _RegionSpec(
        "ankle_eversion",
        "front",
        ((48, 228), (68, 238), (68, 272), (58, 300), (47, 326), (45, 296), (47, 266), (46, 246)),
        (80, 270),
    ),
    _RegionSpec(
        "great_toe_extension",
        "front",
        ((13, 348), (28, 344), (36, 352), (34, 380), (16, 380), (8, 368)),
        (24, 388),
    ),
    # Back view.
    _RegionSpec(
        "hip_abduction",
        "back",
        ((24, 12), (52, 6), (76, 22), (90, 56), (80, 62), (62, 48), (40, 38), (22, 32)),
        (58, 30),
    ),
    _RegionSpec(
        "hip_extension",
        "back",
        ((4, 54), (28, 42), (56, 46), (76, 64), (80, 88), (66, 110), (40, 116), (14, 110), (3, 84)),
        (40, 80),
    ),
    _RegionSpec(
        "knee_flexion",
        "back",
        ((16, 128), (44, 122), (70, 134), (66, 172), (52, 196), (38, 200), (24, 194), (14, 162)),
        (42, 160),
    ),
    _RegionSpec(
        "ankle_plantarflexion",
        "back",
        ((20, 216), (40, 208), (62, 218), (68, 246), (58, 274), (40, 282), (22, 274), (12, 246)),
        (40, 244),
    ),
    _RegionSpec(
        "ankle_inversion",
        "back",
        ((12, 284), (36, 284), (40, 304), (36, 330), (24, 338), (16, 322), (14, 302)),
        (32, 386),
    ),
)

SPEC_BY_GROUP: dict[str, _RegionSpec] = {spec.group: spec for spec in _SPECS}

_REGION_GAP = 2.2  # logical units between neighbouring regions
_EDGE_INSET = 1.6  # logical units between a region and the leg outline


def side_sign(view: str, side: str) -> float:
    """Screen direction of a leg: front view shows the patient's right leg on the viewer's left, the back
    view (seen from behind) on the viewer's right."""
    right_on_left = view == "front"
    if side == "right":
        return -1.0 if right_on_left else 1.0
    return 1.0 if right_on_left else -1.0


def place(view: str, side: str) -> Callable[[Point], QPointF]:
    centre = VIEW_CENTRES[view]
    sign = side_sign(view, side)

    def to_canvas(point: Point) -> QPointF:
        return QPointF(centre + sign * point[0], FIGURE_TOP + point[1])

    return to_canvas


def _spline(path: QPainterPath, points: Sequence[QPointF], closed: bool, tension: float = 1.0) -> None:
    """Append a Catmull-Rom curve through ``points`` (as cubic Béziers): smooth outlines from a few points."""
    count = len(points)
    if closed:
        path.moveTo(points[0])
        segments = count
    else:
        segments = count - 1
    for index in range(segments):
        p0 = points[(index - 1) % count] if closed or index > 0 else points[0]
        p1 = points[index % count]
        p2 = points[(index + 1) % count]
        p3 = points[(index + 2) % count] if closed or index + 2 < count else points[-1]
        c1 = p1 + (p2 - p0) * (tension / 6.0)
        c2 = p2 - (p3 - p1) * (tension / 6.0)
        path.cubicTo(c1, c2, p2)
    if closed:
        path.closeSubpath()


def _leg_path(view: str, side: str) -> QPainterPath:
    """One leg from the waist to the sole; the midline from waist to crotch is its medial edge."""
    to_canvas = place(view, side)
    path = QPainterPath(to_canvas((0, 0)))
    path.lineTo(to_canvas(_OUTER[0]))
    contour = [to_canvas(p) for p in [*_OUTER, *_FOOT[view], *_INNER]]
    _spline(path, contour, closed=False)
    path.closeSubpath()
    return path


def _gap_around(path: QPainterPath) -> QPainterPath:
    """The region itself plus a band around it, as one path to subtract from a later region."""
    stroker = QPainterPathStroker()
    stroker.setWidth(2 * _REGION_GAP * _PRECISION)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    band = stroker.createStroke(path)
    band.addPath(path)
    band.setFillRule(Qt.FillRule.WindingFill)
    return band


def _shrunk(path: QPainterPath, by: float) -> QPainterPath:
    stroker = QPainterPathStroker()
    stroker.setWidth(2 * by)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return path.subtracted(stroker.createStroke(path))


@dataclass(frozen=True, slots=True)
class Geometry:
    """Everything drawn, in logical units; built once per widget (it does not depend on the size)."""

    silhouettes: dict[str, QPainterPath]
    details: dict[str, QPainterPath]
    regions: dict[tuple[str, str], QPainterPath]
    centres: dict[tuple[str, str], QPointF]
    """A point well inside each region: where its number goes and what ``regionCenter`` returns."""
    outside_labels: dict[tuple[str, str], QPointF]
    """Where the number goes when it does not fit inside (large fonts, small widgets)."""
    leader_targets: dict[tuple[str, str], QPointF]
    """The region's edge point nearest its outside label, where the leader line ends."""


_PRECISION = 4.0
"""Boolean path operations flatten curves into polygons; doing them at 4x the logical size keeps the facets
invisible when the map is drawn large."""


def _build_geometry() -> Geometry:
    fine = QTransform.fromScale(_PRECISION, _PRECISION)
    back = QTransform.fromScale(1 / _PRECISION, 1 / _PRECISION)
    silhouettes: dict[str, QPainterPath] = {}
    details: dict[str, QPainterPath] = {}
    regions: dict[tuple[str, str], QPainterPath] = {}
    centres: dict[tuple[str, str], QPointF] = {}
    outside_labels: dict[tuple[str, str], QPointF] = {}
    leader_targets: dict[tuple[str, str], QPointF] = {}
    for view in VIEW_CENTRES:
        legs = {side: fine.map(_leg_path(view, side)) for side in SIDES}
        silhouettes[view] = _decimated(back.map(legs["left"].united(legs["right"]).simplified()), _TOLERANCE)
        details[view] = _details(view)
        for side in SIDES:
            inside = _shrunk(legs[side], _EDGE_INSET * _PRECISION)
            placed: list[QPainterPath] = []
            to_canvas = place(view, side)
            for spec in _SPECS:
                if spec.view != view:
                    continue
                raw = QPainterPath()
                _spline(raw, [to_canvas(p) for p in spec.outline], closed=True)
                shape = fine.map(raw).intersected(inside)
                # Keep a gap to each region placed before. Subtracting them one by one (rather than their
                # accumulated union, grown) keeps every boolean operation small: about 100x faster.
                for earlier in placed:
                    if shape.intersects(_gap_around(earlier)):
                        shape = shape.subtracted(_gap_around(earlier))
                placed.append(shape)
                region = _decimated(back.map(shape.simplified()), _TOLERANCE)
                key = (spec.group, side)
                regions[key] = region
                centres[key] = _interior_point(region)
                outside_labels[key] = to_canvas(spec.outside_label)
                leader_targets[key] = _nearest_on_path(region, outside_labels[key])
    return Geometry(silhouettes, details, regions, centres, outside_labels, leader_targets)


_TOLERANCE = 0.06
"""Largest deviation (logical units, well under a pixel even when drawn large) allowed when thinning the
outlines the boolean operations leave: fewer vertices make painting and hit-testing cheaper."""


def _thin(points: list[QPointF], tolerance: float) -> list[QPointF]:
    """Douglas-Peucker: keep only the vertices needed to stay within ``tolerance`` of the original line."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        a, b = points[first], points[last]
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = (dx * dx + dy * dy) ** 0.5
        worst, worst_index = 0.0, -1
        for index in range(first + 1, last):
            p = points[index]
            if length > 1e-12:
                distance = abs(dy * (p.x() - a.x()) - dx * (p.y() - a.y())) / length
            else:
                distance = ((p.x() - a.x()) ** 2 + (p.y() - a.y()) ** 2) ** 0.5
            if distance > worst:
                worst, worst_index = distance, index
        if worst > tolerance:
            keep[worst_index] = True
            stack += [(first, worst_index), (worst_index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _decimated(path: QPainterPath, tolerance: float) -> QPainterPath:
    result = QPainterPath()
    result.setFillRule(path.fillRule())
    for polygon in path.toSubpathPolygons():
        points = [polygon.at(index) for index in range(polygon.size())]
        thinned = _thin(points, tolerance)
        if len(thinned) >= 3:
            result.addPolygon(QPolygonF(thinned))
            result.closeSubpath()
    return result


def _nearest_on_path(path: QPainterPath, point: QPointF) -> QPointF:
    polygon = path.toFillPolygon()
    best = polygon.at(0) if polygon.size() else point
    best_distance = float("inf")
    for index in range(polygon.size()):
        candidate = polygon.at(index)
        distance = (candidate.x() - point.x()) ** 2 + (candidate.y() - point.y()) ** 2
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


def _details(view: str) -> QPainterPath:
    """Thin anatomical landmarks (groin, kneecaps; gluteal cleft and folds, knee creases) that make the two
    views recognisable at a glance."""
    path = QPainterPath()
    centre = VIEW_CENTRES[view]
    if view == "back":
        path.moveTo(centre, FIGURE_TOP + 34)
        path.lineTo(centre, FIGURE_TOP + 90)
    for side in SIDES:
        to_canvas = place(view, side)
        if view == "front":
            path.moveTo(to_canvas((66, 30)))
            path.quadTo(to_canvas((30, 50)), to_canvas((6, 84)))
            patella = QPainterPath()
            _spline(patella, [to_canvas(p) for p in ((38, 198), (47, 207), (38, 218), (29, 207))], closed=True)
            path.addPath(patella)
        else:
            path.moveTo(to_canvas((4, 118)))
            path.quadTo(to_canvas((30, 124)), to_canvas((56, 114)))
            path.moveTo(to_canvas((26, 206)))
            path.quadTo(to_canvas((40, 209)), to_canvas((54, 205)))
    return path


def _interior_point(path: QPainterPath) -> QPointF:
    """A point well inside ``path``: the centroid of its polygon when that is inside, else the inside point
    of a coarse grid closest to it (regions are convex-ish, so the first case is the usual one)."""
    polygon = path.toFillPolygon()
    area = cx = cy = 0.0
    for index in range(polygon.size()):
        p, q = polygon.at(index), polygon.at((index + 1) % polygon.size())
        cross = p.x() * q.y() - q.x() * p.y()
        area += cross
        cx += (p.x() + q.x()) * cross
        cy += (p.y() + q.y()) * cross
    box = path.boundingRect()
    centroid = QPointF(cx / (3 * area), cy / (3 * area)) if abs(area) > 1e-9 else box.center()
    if path.contains(centroid):
        return centroid
    best: QPointF | None = None
    steps = 24
    for i in range(1, steps):
        for j in range(1, steps):
            candidate = QPointF(box.left() + box.width() * i / steps, box.top() + box.height() * j / steps)
            if path.contains(candidate) and (
                best is None or (candidate - centroid).manhattanLength() < (best - centroid).manhattanLength()
            ):
                best = candidate
    return best if best is not None else box.center()


GEOMETRY_FILE = resources_dir() / "bodymap-geometry.json"
_lock = threading.Lock()
_built: Geometry | None = None


def geometry() -> Geometry:
    """The logical geometry, the same for every map: read from :data:`GEOMETRY_FILE` when that was made from
    this very module (its SHA-256 is in the file), otherwise built; once per process either way."""
    global _built
    with _lock:  # a second caller waits for the first rather than building it again
        if _built is None:
            _built = _read(GEOMETRY_FILE) or _build_geometry()
        return _built


def source_fingerprint() -> str:
    """SHA-256 of this module's text, line endings made alike (a checkout on Windows may turn them to CRLF)."""
    return hashlib.sha256(Path(__file__).read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def _polygons(path: QPainterPath) -> list[list[list[float]]]:
    return [
        [[polygon.at(i).x(), polygon.at(i).y()] for i in range(polygon.size())] for polygon in path.toSubpathPolygons()
    ]


def _path(polygons: list[list[list[float]]], fill_rule: int) -> QPainterPath:
    """The path :func:`_decimated` makes of the same polygons."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule(fill_rule))
    for polygon in polygons:
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in polygon]))
        path.closeSubpath()
    return path


def _key(key: tuple[str, str]) -> str:
    return f"{key[0]}/{key[1]}"


def _unkey(text: str) -> tuple[str, str]:
    group, side = text.split("/", 1)
    return group, side


def _outline(path: QPainterPath) -> dict[str, object]:
    return {"fill": path.fillRule().value, "polygons": _polygons(path)}


def write(target: Path = GEOMETRY_FILE) -> None:
    """Build the geometry and store the thinned outlines and the label points (the landmarks are cheap)."""
    built = _build_geometry()

    def points(values: dict[tuple[str, str], QPointF]) -> dict[str, list[float]]:
        return {_key(key): [point.x(), point.y()] for key, point in values.items()}

    data = {
        "source": source_fingerprint(),
        "silhouettes": {view: _outline(path) for view, path in built.silhouettes.items()},
        "regions": {_key(key): _outline(path) for key, path in built.regions.items()},
        "centres": points(built.centres),
        "outside_labels": points(built.outside_labels),
        "leader_targets": points(built.leader_targets),
    }
    target.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


def _read(source: Path) -> Geometry | None:
    """The shipped geometry, or None when the file is missing, unreadable or made from another version."""
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        if data.get("source") != source_fingerprint():
            return None

        def points(values: dict[str, list[float]]) -> dict[tuple[str, str], QPointF]:
            return {_unkey(key): QPointF(x, y) for key, (x, y) in values.items()}

        return Geometry(
            silhouettes={view: _path(p["polygons"], p["fill"]) for view, p in data["silhouettes"].items()},
            details={view: _details(view) for view in VIEW_CENTRES},
            regions={_unkey(key): _path(p["polygons"], p["fill"]) for key, p in data["regions"].items()},
            centres=points(data["centres"]),
            outside_labels=points(data["outside_labels"]),
            leader_targets=points(data["leader_targets"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


if __name__ == "__main__":
    write()
    print(f"wrote {GEOMETRY_FILE}")
