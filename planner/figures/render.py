"""Figure data to a drawing: the one place where an exercise picture or an equipment icon is composed.

The start pose is drawn faded with a dashed edge, the end pose solid, the parts that move in colour, and an
arrow follows the named body point from the start to the end pose (its path is computed by moving the joints
together, so a bending knee gives a curved arrow and a heel slide a straight one). Both backends, the PDF's
and the app's, paint the same :class:`~planner.figures.drawing.Drawing`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

from planner.figures import props as P
from planner.figures.drawing import RGB, Circle, Drawing, Path, Point, Shape, Style, clip_shapes
from planner.figures.skeleton import HEAD_R, POSTURES, Body, Vec, add, build_body, mul, pose_values, sub
from planner.figures.spec import (
    ARM_JOINTS,
    LEG_JOINTS,
    LINE_PROPS,
    OBJECTS,
    SCENE_PROPS,
    SURFACES,
    UNDER_PROPS,
    VIEWS,
    WORN_PROPS,
    FigureSpec,
)

BODY_FILL: RGB = (0.87, 0.89, 0.92)
BODY_LINE: RGB = (0.2, 0.24, 0.3)
FOCUS_FILL: RGB = (0.45, 0.68, 0.93)
FOCUS_LINE: RGB = (0.07, 0.26, 0.52)
GHOST_FILL: RGB = (0.93, 0.94, 0.96)
GHOST_LINE: RGB = (0.56, 0.6, 0.68)
ARROW: RGB = (0.87, 0.33, 0.06)
OUTLINE = 1.3
GHOST_DASH = (3.5, 2.5)
ARROW_WIDTH = 2.6
ARROW_HEAD = 7.5
ARROW_CLEARANCE = 9.0
"""How far outside the moving body part the arrow runs, in centimetres of the scene."""

PIVOTS = {"ankle": "knee", "heel": "knee", "ball": "ankle", "toe": "ankle", "edge": "ankle", "knee": "hip"}
PIVOTS |= {"hand": "elbow"}
PIVOTS |= {"elbow": "shoulder", "head": "pelvis", "neck": "pelvis"}
PIVOTS |= {f"other_{k}": f"other_{v}" if v != "pelvis" else v for k, v in PIVOTS.items()}
_ON_FLOOR = {"chair", "armchair", "stool", "wheelchair", "toilet", "walker", "cane"}
_HIDDEN_POSTURE = {"bed": "supine", "mat": "supine", "walker": "standing", "cane": "standing", "counter": "standing"}


class _Camera:
    def __init__(self, view: str) -> None:
        yaw, pitch = VIEWS[view]
        self.cy, self.sy = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
        self.cp, self.sp = math.cos(math.radians(pitch)), math.sin(math.radians(pitch))

    def __call__(self, v: Vec) -> tuple[float, float, float]:
        x, y, z = v
        x1, z1 = x * self.cy + z * self.sy, -x * self.sy + z * self.cy
        return x1, y * self.cp - z1 * self.sp, y * self.sp + z1 * self.cp

    def flat(self, v: Vec) -> Point:
        x, y, _ = self(v)
        return x, y


class _Poses:
    """The start and end poses placed in the world, and any pose in between (for the arrow's path)."""

    def __init__(self, spec: FigureSpec, posture: str) -> None:
        self.spec, self.posture = spec, posture
        frame = POSTURES[posture]
        self.anterior, self.right = frame.anterior, frame.right
        self.start_values = pose_values(posture, spec.start)
        self.end_values = {**self.start_values, **spec.end} if spec.end is not None else None
        self._start_base = self._base(build_body(posture, self.start_values), None)
        self.start = self._start_base.moved(self._translation(self.start_values))
        self.end = self.at(1.0) if self.end_values is not None else None

    def _translation(self, values: dict[str, float]) -> Vec:
        moved = add(mul(self.right, values["shift"]), mul(self.anterior, values["advance"]))
        return add(moved, (0.0, values["lift"], 0.0))

    def _base(self, body: Body, reference: Body | None) -> Body:
        anchor = self.spec.anchor
        if reference is not None and anchor is not None:
            return body.moved(sub(reference.points[anchor], body.points[anchor]))
        point = body.points[anchor or "pelvis"]
        return body.moved((-point[0], -body.lowest(), -point[2]))

    def at(self, t: float) -> Body:
        assert self.end_values is not None
        values = {k: v + (self.end_values[k] - v) * t for k, v in self.start_values.items()}
        body = self._base(build_body(self.posture, values), self._start_base)
        return body.moved(self._translation(values))

    def moving_groups(self) -> set[str]:
        if self.end_values is None:
            return set()
        changed = {k for k, v in self.start_values.items() if abs(self.end_values[k] - v) > 0.5}
        groups = set()
        for prefix in ("", "other_"):
            if any(prefix + j in changed for j in LEG_JOINTS):
                groups.add(prefix + "leg")
            if any(prefix + j in changed for j in ARM_JOINTS):
                groups.add(prefix + "arm")
        if changed & {"trunk", "lift", "shift", "advance"}:
            groups |= {"torso", "leg", "other_leg", "arm", "other_arm"}
        if "neck" in changed:
            groups.add("torso")
        return groups


def render_figure(spec: FigureSpec) -> Drawing:
    """The drawing of one figure (deterministic: the same data always gives the same drawing)."""
    camera = _Camera(spec.view)
    if spec.body == "none":
        return _icon(spec, camera)
    poses = _Poses(spec, spec.body)
    bodies = [b for b in (poses.start, poses.end) if b is not None]
    xs = [p[0] for b in bodies for p in b.points.values()] + [p[0] for b in bodies for p in b.torso]
    scene = P.Scene(
        poses.start,
        poses.end,
        poses.anterior,
        poses.right,
        spec.body not in ("standing", "sitting"),
        (min(xs), max(xs)),
    )
    shapes3 = _props(spec, scene)
    if spec.body in ("standing", "sitting") and spec.view != "top" and not any(p.name == "floor" for p in spec.props):
        shapes3 = [*P.scene_prop(P.PropSpec("floor"), scene), *shapes3]
    moving = poses.moving_groups()
    layers: list[tuple[float, list[Shape]]] = []
    for group in ("leg", "other_leg", "arm", "other_arm", "torso"):
        layers.append(_group(poses.end or poses.start, group, group in moving, camera))
    for shape in (s for s in shapes3 if s.layer == "depth"):
        layers.append((_depth(shape.points, camera), _project(shape, camera)))
    out: list[Shape] = []
    for shape in (s for s in shapes3 if s.layer == "under"):
        out += _project(shape, camera)
    if poses.end is not None:
        for group in sorted(moving, key=lambda g: _group(poses.start, g, False, camera)[0]):
            out += _ghost(poses.start, group, camera)
    for _depth_key, shapes in sorted(layers, key=lambda layer: layer[0]):
        out += shapes
    for shape in (s for s in shapes3 if s.layer == "over"):
        out += _project(shape, camera)
    arrow = _arrow(spec, poses, camera) if spec.arrow and poses.end is not None else []
    out += arrow
    return _frame(out, _focus_points(spec, poses, camera, arrow, shapes3))


def _icon(spec: FigureSpec, camera: _Camera) -> Drawing:
    out: list[Shape] = []
    for prop in spec.props:
        if prop.name in OBJECTS:
            shapes3 = P.objects(prop, None)
        else:
            posture = _HIDDEN_POSTURE.get(prop.name, "sitting")
            body = build_body(posture, pose_values(posture, {}))
            body = body.moved((0.0, -body.lowest(), 0.0))
            xs = [p[0] for p in body.points.values()]
            scene = P.Scene(
                body, None, POSTURES[posture].anterior, POSTURES[posture].right, posture == "supine", (min(xs), max(xs))
            )
            shapes3 = _props(spec.__class__(spec.id, spec.view, posture, props=(prop,)), scene)
            if prop.name in _ON_FLOOR and spec.view != "top":  # an aid or a seat stands on the floor
                xs = [p[0] for shape in shapes3 for p in shape.points]
                shapes3.append(P.line((min(xs) - 8, 0.0, 0.0), (max(xs) + 8, 0.0, 0.0), style=P.Style(P.LINE, 1.6)))
        for shape in sorted(shapes3, key=lambda s: (s.layer == "over", _depth(s.points, camera))):
            out += _project(shape, camera)
    return _frame(out, None)


def _props(spec: FigureSpec, scene: P.Scene) -> list[P.Shape3]:
    shapes: list[P.Shape3] = []
    for prop in spec.props:
        if prop.name in SURFACES:
            shapes += P.surface(prop, scene)
        elif prop.name in SCENE_PROPS:
            shapes += P.scene_prop(prop, scene)
        elif prop.name in UNDER_PROPS:
            shapes += P.under(prop, scene)
        elif prop.name in LINE_PROPS:
            shapes += P.line_prop(prop, scene)
        elif prop.name in WORN_PROPS:
            shapes += P.worn(prop, scene)
        elif prop.name in OBJECTS:
            shapes += P.objects(prop, scene)
        else:
            shapes += P.between(prop, scene)
    return shapes


def _depth(points: Iterable[Vec], camera: _Camera) -> float:
    depths = [camera(p)[2] for p in points]
    return sum(depths) / len(depths)


def _project(shape: P.Shape3, camera: _Camera) -> list[Shape]:
    style = _faded(shape.style) if shape.ghost else shape.style
    if shape.kind == "sphere":
        return [Circle(camera.flat(shape.points[0]), shape.radius, style)]
    points = [camera.flat(p) for p in shape.points]
    if shape.kind == "solid":
        return [Path(tuple(_hull(points)), style, True)]
    return [Path(tuple(points), style, shape.kind == "polygon")]


def _faded(style: Style) -> Style:
    def light(colour: RGB | None) -> RGB | None:
        return None if colour is None else tuple(c + (1 - c) * 0.6 for c in colour)  # type: ignore[return-value]

    return Style(light(style.stroke), style.width, light(style.fill), GHOST_DASH, style.round)


def _group(body: Body, group: str, focus: bool, camera: _Camera) -> tuple[float, list[Shape]]:
    fill, edge = (FOCUS_FILL, FOCUS_LINE) if focus else (BODY_FILL, BODY_LINE)
    if group == "torso":
        hull = _hull([camera.flat(p) for p in body.torso])
        shapes: list[Shape] = [Path(tuple(hull), Style(edge, OUTLINE, fill), True)]
        head = camera.flat(body.head)
        shapes.append(Circle(head, HEAD_R, Style(edge, OUTLINE, fill)))
        nose = camera.flat(body.nose)
        offset = math.dist(head, nose)
        if offset > HEAD_R * 0.75:
            k = HEAD_R / offset
            edge_point = (head[0] + (nose[0] - head[0]) * k, head[1] + (nose[1] - head[1]) * k)
            shapes.append(Path((edge_point, nose), Style(edge, 2.4)))
        depth = _depth([*body.torso, body.head], camera)
        return depth, shapes
    segments = [s for s in body.segments if s.group == group]
    outline = [Path((camera.flat(s.a), camera.flat(s.b)), Style(edge, s.width + 2 * OUTLINE)) for s in segments]
    inside = [Path((camera.flat(s.a), camera.flat(s.b)), Style(fill, s.width)) for s in segments]
    return _depth([p for s in segments for p in (s.a, s.b)], camera), [*outline, *inside]


def _ghost(body: Body, group: str, camera: _Camera) -> list[Shape]:
    if group == "torso":
        hull = _hull([camera.flat(p) for p in body.torso])
        head = camera.flat(body.head)
        style = Style(GHOST_LINE, OUTLINE, GHOST_FILL, GHOST_DASH)
        return [Path(tuple(hull), style, True), Circle(head, HEAD_R, style)]
    segments = [s for s in body.segments if s.group == group]
    outline = [
        Path((camera.flat(s.a), camera.flat(s.b)), Style(GHOST_LINE, s.width + 2 * OUTLINE, dash=GHOST_DASH))
        for s in segments
    ]
    inside = [Path((camera.flat(s.a), camera.flat(s.b)), Style(GHOST_FILL, s.width)) for s in segments]
    return [*outline, *inside]


def _arrow(spec: FigureSpec, poses: _Poses, camera: _Camera) -> list[Shape]:
    # A body point turns about the joint above it, or about the anchor when the figure keeps one point still
    # (a heel raise turns about the toes); the arrow runs just outside that arc.
    point = spec.arrow or ""
    pivot = spec.anchor if spec.anchor and spec.anchor != point else PIVOTS.get(point)
    path: list[Point] = []
    steps = 28
    for i in range(steps + 1):
        body = poses.at(i / steps)
        p = body.points[point]
        if pivot is not None:
            arm = sub(p, body.points[pivot])
            length = math.sqrt(sum(c * c for c in arm)) or 1.0
            p = add(body.points[pivot], mul(arm, 1 + ARROW_CLEARANCE / length))
        path.append(camera.flat(p))
    if _length(path) < 4.0:
        return []
    style = Style(ARROW, ARROW_WIDTH)
    head_style = Style(ARROW, 0.8, ARROW)
    shapes: list[Shape] = []
    path, head = _trim(path, ARROW_HEAD * 0.8)
    shapes.append(Path(head, head_style, True))
    if spec.arrow_both:
        reversed_path, tail = _trim(list(reversed(path)), ARROW_HEAD * 0.8)
        path = list(reversed(reversed_path))
        shapes.append(Path(tail, head_style, True))
    return [Path(tuple(path), style), *shapes]


def _length(path: list[Point]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(path))


def _trim(path: list[Point], cut: float) -> tuple[list[Point], tuple[Point, ...]]:
    """Shorten the path's end by ``cut`` and return it with an arrowhead pointing along its last stretch."""
    tip = path[-1]
    remaining = cut
    points = list(path)
    while len(points) > 2 and math.dist(points[-2], tip) < remaining:
        points.pop()
    base = points[-2]
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    back = (tip[0] - ux * ARROW_HEAD, tip[1] - uy * ARROW_HEAD)
    points[-1] = (tip[0] - ux * cut, tip[1] - uy * cut)
    wing = ARROW_HEAD * 0.55
    head = (tip, (back[0] - uy * wing, back[1] + ux * wing), (back[0] + uy * wing, back[1] - ux * wing))
    return points, head


def _focus_points(
    spec: FigureSpec, poses: _Poses, camera: _Camera, arrow: list[Shape], shapes3: list[P.Shape3]
) -> list[Point] | None:
    if spec.frame == "body":
        return None
    names: tuple[str, ...] = ("shin", "ankle", "heel", "ball", "toe")
    if spec.frame == "leg":
        names = (
            "hip",
            "other_hip",
            "knee",
            "other_knee",
            "ankle",
            "other_ankle",
            "heel",
            "other_heel",
            "toe",
            "other_toe",
        )
    bodies = [b for b in (poses.start, poses.end) if b is not None]
    points = [camera.flat(_point(b, n)) for b in bodies for n in names]
    for drawn in arrow:
        if isinstance(drawn, Path):
            points += drawn.points
    for shape in shapes3:
        if shape.layer == "over":
            points += [camera.flat(p) for p in shape.points]
    return points


def _point(body: Body, name: str) -> Vec:
    if name == "shin":  # the lower half of the shin: a foot picture shows the ankle, not the knee
        return add(body.points["ankle"], mul(sub(body.points["knee"], body.points["ankle"]), 0.45))
    return body.points[name]


def _bounds(shapes: list[Shape]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for shape in shapes:
        if isinstance(shape, Circle):
            r = shape.radius + shape.style.width
            xs += [shape.center[0] - r, shape.center[0] + r]
            ys += [shape.center[1] - r, shape.center[1] + r]
        else:
            pad = shape.style.width / 2
            xs += [p[0] - pad for p in shape.points] + [p[0] + pad for p in shape.points]
            ys += [p[1] - pad for p in shape.points] + [p[1] + pad for p in shape.points]
    return min(xs), min(ys), max(xs), max(ys)


def _frame(shapes: list[Shape], focus: list[Point] | None) -> Drawing:
    """Fit the box around everything (or around ``focus``, clipping the rest), pad it, move it to the origin."""
    if focus:
        x0, y0 = min(p[0] for p in focus), min(p[1] for p in focus)
        x1, y1 = max(p[0] for p in focus), max(p[1] for p in focus)
        pad = 0.12 * max(x1 - x0, y1 - y0) + 8
    else:
        x0, y0, x1, y1 = _bounds(shapes)
        pad = 0.04 * max(x1 - x0, y1 - y0) + 2
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    width, height = x1 - x0, y1 - y0
    # Keep the picture from being a sliver, so cards can give every figure the same box.
    if width > 2.2 * height:
        grow = (width / 2.2 - height) / 2
        y0, y1 = y0 - grow, y1 + grow
    elif height > 1.6 * width:
        grow = (height / 1.6 - width) / 2
        x0, x1 = x0 - grow, x1 + grow
    if focus:
        shapes = clip_shapes(shapes, (x0, y0, x1, y1))
    moved = [_moved(shape, -x0, -y0) for shape in shapes]
    return Drawing(round(x1 - x0, 2), round(y1 - y0, 2), tuple(moved))


def _moved(shape: Shape, dx: float, dy: float) -> Shape:
    if isinstance(shape, Circle):
        return Circle((round(shape.center[0] + dx, 2), round(shape.center[1] + dy, 2)), shape.radius, shape.style)
    points = tuple((round(x + dx, 2), round(y + dy, 2)) for x, y in shape.points)
    return Path(points, shape.style, shape.closed)


def _hull(points: list[Point]) -> list[Point]:
    """Convex hull (monotone chain), counter-clockwise."""
    unique = sorted(set((round(x, 3), round(y, 3)) for x, y in points))
    if len(unique) <= 2:
        return unique

    def turn(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in unique:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(unique):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]
