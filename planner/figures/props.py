"""Props in 3-D: furniture and aids placed from the patient's pose, and the objects of equipment icons.

Each prop becomes a few :class:`Shape3` (outlines, solids drawn as the outline of their corners, spheres),
projected by the renderer with the same camera as the body, so one prop reads right in every view. Sizes are
those of ordinary household furniture and aids, in centimetres.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.figures.drawing import RGB, Style
from planner.figures.skeleton import HAND_R, Body, Vec, add, mul, sub
from planner.figures.spec import PropSpec

LINE: RGB = (0.36, 0.33, 0.3)
FILL: RGB = (0.95, 0.93, 0.88)
METAL: RGB = (0.55, 0.58, 0.62)
SOFT: RGB = (0.83, 0.9, 0.86)
BAND: RGB = (0.85, 0.2, 0.36)
STRAP: RGB = (0.58, 0.42, 0.26)
ORTHOSIS: RGB = (0.36, 0.62, 0.6)
WATER: RGB = (0.45, 0.7, 0.9)
LIGHT: RGB = (0.98, 0.8, 0.25)

SOLID = Style(LINE, 1.3, FILL)
OUTLINE = Style(LINE, 1.3)
TUBE = Style(METAL, 3.0)
THIN_TUBE = Style(METAL, 2.0)


@dataclass(frozen=True, slots=True)
class Shape3:
    kind: str  # line (open), polygon (closed), solid (outline of the points' hull), sphere
    points: tuple[Vec, ...]
    style: Style
    layer: str = "under"  # under the body, over it, or by depth (in front of the body only when nearer)
    radius: float = 0.0
    ghost: bool = False  # belongs to the start pose (drawn faded)


@dataclass(frozen=True, slots=True)
class Scene:
    """Where props are placed from: the poses (already placed in the world) and the posture's axes."""

    start: Body
    end: Body | None
    anterior: Vec
    right: Vec
    lying: bool
    bounds: tuple[float, float]  # x extent of the bodies


def _v(x: float, y: float, z: float = 0.0) -> Vec:
    return (x, y, z)


def box(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float, style: Style = SOLID, layer: str = "under"):
    corners = tuple(_v(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1))
    return Shape3("solid", corners, style, layer)


def line(*points: Vec, style: Style = OUTLINE, layer: str = "under") -> Shape3:
    return Shape3("line", tuple(points), style, layer)


def polygon(*points: Vec, style: Style = SOLID, layer: str = "under") -> Shape3:
    return Shape3("polygon", tuple(points), style, layer)


def flat(points: Sequence[tuple[float, float]], style: Style = SOLID, z: float = 0.0, closed: bool = True) -> Shape3:
    """A shape in the side-view plane (objects of icons are drawn flat, seen from the side)."""
    return Shape3("polygon" if closed else "line", tuple(_v(x, y, z) for x, y in points), style)


def circle(cx: float, cy: float, r: float, z: float = 0.0, style: Style = SOLID, n: int = 28) -> Shape3:
    points = [(cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)) for i in range(n)]
    return flat(points, style, z)


def disk_z(center: Vec, r: float, half: float, style: Style = SOLID, layer: str = "under") -> Shape3:
    """A cylinder across the body (axis along z), e.g. a rolled towel or a wheel: a circle from the side."""
    points = []
    for k in range(20):
        angle = 2 * math.pi * k / 20
        for dz in (-half, half):
            points.append(_v(center[0] + r * math.cos(angle), center[1] + r * math.sin(angle), center[2] + dz))
    return Shape3("solid", tuple(points), style, layer)


def rounded(cx: float, cy: float, w: float, h: float, r: float) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for (ox, oy), start in (
        ((w / 2 - r, h / 2 - r), 0),
        ((-w / 2 + r, h / 2 - r), 90),
        ((-w / 2 + r, -h / 2 + r), 180),
    ):
        points += _arc(cx + ox, cy + oy, r, start, start + 90)
    points += _arc(cx + w / 2 - r, cy - h / 2 + r, r, 270, 360)
    return points


def _arc(cx: float, cy: float, r: float, a0: float, a1: float, n: int = 6) -> list[tuple[float, float]]:
    return [
        (
            cx + r * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
            cy + r * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
        )
        for i in range(n + 1)
    ]


# --- Surfaces the patient sits or lies on -------------------------------------------------------------------


def _seat_height(body: Body) -> float:
    return body.points["pelvis"][1] - 7.0


def _chair(body: Body, arms: bool, back: bool = True, seat_style: Style = SOLID) -> list[Shape3]:
    px, _, pz = body.points["pelvis"]
    seat = _seat_height(body)
    x0, x1, z0, z1 = px - 16, px + 30, pz - 22, pz + 22
    shapes = [box(x0, x1, seat - 4, seat, z0, z1, seat_style)]
    for x in (x0 + 2, x1 - 2):
        for z in (z0 + 2, z1 - 2):
            shapes.append(line(_v(x, seat - 4, z), _v(x, 0, z), style=TUBE, layer="depth"))
    if back:
        shapes.append(box(x0 - 3, x0, seat, seat + 48, z0, z1))
    if arms:
        for z in (z0 - 1, z1 + 1):
            shapes.append(
                line(
                    _v(x0, seat + 22, z),
                    _v(x1 - 6, seat + 22, z),
                    _v(x1 - 6, seat, z),
                    style=Style(LINE, 3.2),
                    layer="depth",
                )
            )
    return shapes


def _wheelchair(body: Body) -> list[Shape3]:
    px, _, pz = body.points["pelvis"]
    seat = _seat_height(body)
    shapes = [box(px - 16, px + 28, seat - 3, seat, pz - 22, pz + 22)]
    shapes.append(box(px - 19, px - 16, seat, seat + 42, pz - 22, pz + 22))
    for z in (pz - 27, pz + 27):
        layer = "depth"
        shapes.append(disk_z(_v(px - 4, 30, z), 30, 1.5, Style(LINE, 2.2, (0.9, 0.9, 0.9)), layer))
        shapes.append(disk_z(_v(px - 4, 30, z), 26, 0.5, Style(METAL, 1.0), layer))
        shapes.append(
            disk_z(_v(px + 30, 6, z - (3 if z < pz else -3)), 6, 1.0, Style(LINE, 1.6, (0.3, 0.3, 0.3)), layer)
        )
        shapes.append(line(_v(px + 28, seat - 3, z), _v(px + 30, 12, z), style=THIN_TUBE, layer=layer))
        shapes.append(line(_v(px - 19, seat + 42, z), _v(px - 26, seat + 44, z), style=Style(LINE, 3.0), layer=layer))
        shapes.append(line(_v(px - 16, seat + 20, z), _v(px + 16, seat + 20, z), style=Style(LINE, 3.0), layer=layer))
    heel, ball = body.points["heel"], body.points["ball"]
    shapes.append(box(min(heel[0], ball[0]) - 4, max(heel[0], ball[0]) + 4, -2, 1, pz - 20, pz + 20))
    return shapes


def _toilet(body: Body) -> list[Shape3]:
    px, _, pz = body.points["pelvis"]
    seat = _seat_height(body)
    shapes = [box(px - 22, px - 8, seat + 4, seat + 40, pz - 18, pz + 18)]
    bowl = [(px - 12, 0), (px + 10, 0), (px + 14, seat * 0.45), (px + 28, seat - 6), (px + 28, seat), (px - 14, seat)]
    shapes.append(Shape3("solid", tuple(_v(x, y, z) for x, y in bowl for z in (pz - 16, pz + 16)), SOLID))
    shapes.append(box(px - 14, px + 30, seat, seat + 3, pz - 18, pz + 18, Style(LINE, 1.3, (1, 1, 1))))
    return shapes


def _bed_for(scene: Scene, body: Body) -> list[Shape3]:
    if scene.lying:
        x0, x1 = scene.bounds[0] - 10, scene.bounds[1] + 10
        top = 0.0
        z0, z1 = -45.0, 45.0
    else:
        px, _, pz = body.points["pelvis"]
        x0, x1, top, z0, z1 = px - 30, px + 70, _seat_height(body), pz - 40, pz + 60
    shapes = [box(x0, x1, top - 14, top, z0, z1, Style(LINE, 1.3, (0.97, 0.97, 0.99)))]
    floor = top - 50 if scene.lying else 0.0
    for x in (x0 + 4, x1 - 4):
        for z in (z0 + 4, z1 - 4):
            shapes.append(line(_v(x, top - 14, z), _v(x, floor, z), style=Style(LINE, 3.0), layer="depth"))
    return shapes


def _mat(scene: Scene) -> list[Shape3]:
    return [box(scene.bounds[0] - 10, scene.bounds[1] + 10, -3, 0, -40, 40, Style(LINE, 1.2, SOFT))]


def surface(prop: PropSpec, scene: Scene) -> list[Shape3]:
    body = scene.end if prop.args == ("end",) and scene.end is not None else scene.start
    if prop.name == "bed":
        return _bed_for(scene, body)
    if prop.name == "mat":
        return _mat(scene)
    if prop.name == "wheelchair":
        return _wheelchair(body)
    if prop.name == "toilet":
        return _toilet(body)
    return _chair(body, arms=prop.name == "armchair", back=prop.name != "stool")


# --- Things placed from the pose ----------------------------------------------------------------------------


def _walker(body: Body) -> list[Shape3]:
    hand = body.points["hand"]
    top = hand[1] - HAND_R
    x0, x1 = hand[0] - 8, hand[0] + 24
    shapes = []
    for z in (-30.0, 30.0):
        shapes.append(line(_v(x0, 0, z), _v(x0, top, z), _v(x1, top, z), _v(x1, 0, z), style=TUBE, layer="depth"))
        shapes.append(line(_v(x0, top * 0.45, z), _v(x1, top * 0.45, z), style=THIN_TUBE, layer="depth"))
        shapes.append(line(_v(x0 - 4, top, z), _v(x0 + 10, top, z), style=Style(LINE, 5.0), layer="depth"))
    shapes.append(line(_v(x1, top * 0.9, -30), _v(x1, top * 0.9, 30), style=TUBE))
    return shapes


def _cane(body: Body) -> list[Shape3]:
    hand = body.points["other_hand"]
    x, y, z = hand[0] + 2, hand[1], hand[2]
    return [
        line(
            _v(x, 0, z),
            _v(x, y + 2, z),
            _v(x - 3, y + 5, z),
            _v(x - 9, y + 4, z),
            style=Style(LINE, 3.2),
            layer="depth",
        ),
        line(_v(x - 2, 0, z), _v(x + 2, 0, z), style=Style((0.2, 0.2, 0.2), 4.0), layer="depth"),
    ]


def _counter(body: Body) -> list[Shape3]:
    hand = body.points["hand"]
    top = hand[1] - HAND_R
    x0 = hand[0] - 6
    return [
        box(x0, x0 + 55, top - 4, top, -45, 45),
        box(x0 + 4, x0 + 53, 0, top - 4, -43, 43, Style(LINE, 1.2, (0.9, 0.87, 0.8))),
    ]


def _wall(scene: Scene, side: str) -> list[Shape3]:
    x = scene.bounds[1] + 4 if side == "front" else scene.bounds[0] - 4
    thickness = 6 if side == "front" else -6
    return [box(min(x, x + thickness), max(x, x + thickness), 0, 190, -50, 50, Style(LINE, 1.2, (0.9, 0.9, 0.88)))]


def _board(scene: Scene) -> list[Shape3]:
    poses = [b for b in (scene.start, scene.end) if b is not None]
    px = scene.start.points["pelvis"][0]
    zs = [b.points["pelvis"][2] for b in poses]
    seat = _seat_height(scene.start)
    z0, z1 = min(zs) - 25, max(zs) + 25
    shapes = [box(px - 8, px + 24, seat, seat + 2.5, z0, z1, Style(LINE, 1.2, (0.8, 0.64, 0.42)))]
    for z in (z0 + 9, z1 - 9):  # the hand-holds cut near each end
        slot = [_v(px + 8 + 7 * math.cos(t), seat + 2.6, z + 2.5 * math.sin(t)) for t in _angles(16)]
        shapes.append(Shape3("polygon", tuple(slot), Style(LINE, 1.0, (0.55, 0.42, 0.26)), "over"))
    return shapes


def _floor(scene: Scene) -> list[Shape3]:
    return [line(_v(scene.bounds[0] - 25, 0, 0), _v(scene.bounds[1] + 25, 0, 0), style=Style(LINE, 1.6))]


def scene_prop(prop: PropSpec, scene: Scene) -> list[Shape3]:
    if prop.name == "walker":
        return _walker(scene.start)
    if prop.name == "cane":
        return _cane(scene.start)
    if prop.name == "counter":
        return _counter(scene.start)
    if prop.name == "wall":
        return _wall(scene, prop.args[0])
    if prop.name == "board":
        return _board(scene)
    return _floor(scene)


def _radius_at(point: str) -> float:
    name = point.removeprefix("other_")
    return {"knee": 6.5, "hip": 7.0, "ankle": 5.0, "heel": 4.0, "pelvis": 9.0}.get(name, 5.0)


def under(prop: PropSpec, scene: Scene) -> list[Shape3]:
    point = scene.start.points[prop.args[0]]
    top = point[1] - _radius_at(prop.args[0])
    x, z = point[0], point[2]
    if prop.name == "towel":
        r = max(3.5, top / 2) if top > 2 else 4.0
        return [disk_z(_v(x, top - r, z), r, 14, Style(LINE, 1.2, (0.97, 0.9, 0.75)))]
    height = max(top, 8.0)
    if prop.name == "wedge":
        length = 55.0
        tri = [(x + 12, 0), (x + 12, height), (x - length, 0)]
        return [
            Shape3("solid", tuple(_v(px, py, pz) for px, py in tri for pz in (z - 20, z + 20)), Style(LINE, 1.2, SOFT))
        ]
    points = rounded(x, height / 2, 34, height, min(5.0, height / 2))
    return [
        Shape3("solid", tuple(_v(px, py, pz) for px, py in points for pz in (z - 18, z + 18)), Style(LINE, 1.2, SOFT))
    ]


def _direction(scene: Scene, word: str) -> Vec:
    return {
        "front": scene.anterior,
        "back": mul(scene.anterior, -1),
        "up": (0.0, 1.0, 0.0),
        "down": (0.0, -1.0, 0.0),
        "out": scene.right,
        "in": mul(scene.right, -1),
    }[word]


def line_prop(prop: PropSpec, scene: Scene) -> list[Shape3]:
    colour, width = (BAND, 2.6) if prop.name == "band" else (STRAP, 4.0)
    shapes: list[Shape3] = []
    if prop.mode == "around":
        for body, ghost in ((scene.start, scene.end is not None), (scene.end, False)):
            if body is None:
                continue
            a, b = (body.points[p] for p in prop.args)
            a = add(body.points["hip"], mul(sub(a, body.points["hip"]), 0.82))
            b = add(body.points["other_hip"], mul(sub(b, body.points["other_hip"]), 0.82))
            ring = [add(c, _v(8 * math.cos(t), 8 * math.sin(t), 0)) for c in (a, b) for t in _angles(16)]
            ring += [add(c, _v(0, 8 * math.sin(t), 8 * math.cos(t))) for c in (a, b) for t in _angles(16)]
            shapes.append(Shape3("solid", tuple(ring), Style(colour, width), "over", ghost=ghost))
        return shapes
    attach, target = prop.args
    fixed: Vec | None = None
    if target in ("front", "back", "up", "down", "out", "in"):
        origin = scene.start.points[attach]
        direction = _direction(scene, target)
        fixed = add(origin, mul(direction, 42.0))
        if target == "down":
            fixed = _v(origin[0], 0.0, origin[2])
        post_top = fixed[1] + 8
        shapes.append(
            line(_v(fixed[0], 0, fixed[2]), _v(fixed[0], max(post_top, 12), fixed[2]), style=Style(LINE, 4.0))
        )
    for body, ghost in ((scene.start, scene.end is not None), (scene.end, False)):
        if body is None:
            continue
        end = fixed if fixed is not None else body.points[target]
        shapes.append(Shape3("line", (body.points[attach], end), Style(colour, width), "over", ghost=ghost))
    return shapes


def _angles(n: int) -> list[float]:
    return [2 * math.pi * k / n for k in range(n)]


def between(prop: PropSpec, scene: Scene) -> list[Shape3]:
    a, b = (scene.start.points[p] for p in prop.args)
    centre = mul(add(a, b), 0.5)
    gap = math.dist(a, b)
    return [Shape3("sphere", (centre,), Style(LINE, 1.2, (0.95, 0.75, 0.4)), "over", radius=max(6.0, gap / 2 - 5))]


def worn(prop: PropSpec, scene: Scene) -> list[Shape3]:
    shapes: list[Shape3] = []
    for body, ghost in ((scene.start, scene.end is not None), (scene.end, False)):
        if body is None:
            continue
        for shape in _worn_on(prop, body):
            shapes.append(Shape3(shape.kind, shape.points, shape.style, "over", shape.radius, ghost))
    return shapes


def _worn_on(prop: PropSpec, body: Body) -> list[Shape3]:
    p = body.points
    if prop.name == "weight":
        return [Shape3("sphere", (p[prop.args[0]],), Style(LINE, 1.2, (0.3, 0.32, 0.36)), radius=6.5)]
    knee, ankle, heel, ball = p["knee"], p["ankle"], p["heel"], p["ball"]
    forward = _unit(sub(ball, heel))
    back = mul(forward, -1.0)
    shell = Style(ORTHOSIS, 3.2)
    if prop.name == "stocking":
        path: tuple[Vec, ...] = (p["toe"], ball, heel, ankle, knee, add(p["hip"], mul(sub(knee, p["hip"]), 0.15)))
        return [Shape3("line", path, Style((0.78, 0.6, 0.5), 9.0)), Shape3("line", path, Style((0.9, 0.78, 0.7), 6.0))]
    if prop.name == "boot":
        path = (add(knee, mul(sub(ankle, knee), 0.6)), ankle, heel, add(heel, mul(sub(ball, heel), 0.8)))
        return [Shape3("line", path, Style(LINE, 19.0)), Shape3("line", path, Style(SOFT, 16.4))]
    calf_top = add(knee, mul(sub(ankle, knee), 0.22))
    below = _unit(sub(mul(add(heel, ball), 0.5), ankle))
    sole = [add(heel, mul(below, 4.5)), add(ball, mul(below, 4.5)), add(p["toe"], mul(below, 4.0))]
    shell_path = (add(calf_top, mul(back, 6.5)), add(ankle, mul(back, 6.5)), add(heel, mul(back, 3.0)), *sole)
    shapes = [Shape3("line", shell_path, Style(ORTHOSIS, 5.5 if prop.name == "splint" else 3.5))]
    shapes.append(Shape3("line", (add(calf_top, mul(back, 6.5)), add(calf_top, mul(forward, 6.0))), shell))
    if prop.name == "kafo":
        hip = p["hip"]
        thigh_top = add(hip, mul(sub(knee, hip), 0.25))
        shapes.append(Shape3("line", (thigh_top, knee, ankle), Style(METAL, 2.4)))
        shapes.append(Shape3("sphere", (knee,), Style(LINE, 1.0, METAL), radius=3.0))
        shapes.append(Shape3("line", (add(thigh_top, mul(back, 8)), add(thigh_top, mul(forward, 8))), shell))
    return shapes


def _unit(v: Vec) -> Vec:
    length = math.sqrt(v[0] ** 2 + v[1] ** 2 + v[2] ** 2) or 1.0
    return mul(v, 1 / length)


# --- Objects of equipment icons (drawn flat, side view) -----------------------------------------------------


def _reacher() -> list[Shape3]:
    return [
        flat([(8, 8), (76, 76)], Style(METAL, 3.0), closed=False),
        flat([(2, 18), (8, 8), (16, 4), (20, 10), (12, 14), (10, 24), (4, 24)], Style(LINE, 1.3, (0.3, 0.45, 0.7))),
        flat([(10, 16), (16, 20)], Style(LINE, 2.0), closed=False),
        flat([(76, 76), (84, 80), (90, 78)], Style(LINE, 2.4), closed=False),
        flat([(76, 76), (80, 84), (78, 90)], Style(LINE, 2.4), closed=False),
    ]


def _sock_aid() -> list[Shape3]:
    trough = [(30, 20), (60, 20), (66, 30), (62, 46), (34, 46), (26, 34)]
    return [
        flat(trough, Style(LINE, 1.4, (0.7, 0.82, 0.95))),
        flat([(34, 40), (58, 40)], Style(LINE, 1.0), closed=False),
        flat([(34, 46), (20, 70), (12, 86)], Style(STRAP, 2.0), closed=False),
        flat([(62, 46), (74, 72), (80, 88)], Style(STRAP, 2.0), closed=False),
        circle(11, 89, 4, style=Style(STRAP, 2.0)),
        circle(81, 91, 4, style=Style(STRAP, 2.0)),
    ]


def _shoe_outline(x: float, y: float) -> list[tuple[float, float]]:
    """A low laced shoe seen from the side, toe to the right."""
    return [
        (x, y + 2),
        (x + 2, y),
        (x + 50, y),
        (x + 56, y + 3),
        (x + 57, y + 9),
        (x + 50, y + 14),
        (x + 36, y + 19),
        (x + 22, y + 24),
        (x + 12, y + 24),
        (x + 10, y + 20),
        (x + 3, y + 22),
        (x, y + 16),
    ]


def _shoe(laces: bool = True) -> list[Shape3]:
    shapes = [
        flat(_shoe_outline(20, 10), Style(LINE, 1.4, (0.55, 0.42, 0.32))),
        flat([(21, 10.5), (71, 10.5)], Style(LINE, 3.0), closed=False),
    ]
    if laces:
        zigzag = [(34, 30), (40, 26), (44, 31), (50, 24), (54, 28), (60, 22), (64, 25)]
        shapes.append(flat(zigzag, Style(BAND, 2.0), closed=False))
        shapes += [circle(x, y, 0.9, style=Style(LINE, 0.8, LINE)) for x, y in ((34, 30), (44, 31), (54, 28))]
    return shapes


def _shoe_horn() -> list[Shape3]:
    return [
        *_shoe(laces=False),
        flat([(22, 30), (24, 86)], Style(METAL, 3.0), closed=False),
        flat([(18, 14), (26, 14), (27, 32), (19, 32)], Style(LINE, 1.3, METAL)),
        circle(24, 89, 4, style=Style(LINE, 1.6)),
    ]


def _sponge() -> list[Shape3]:
    return [
        flat([(10, 10), (40, 40), (62, 68), (72, 82)], Style(LINE, 3.2), closed=False),
        flat(rounded(80, 86, 22, 14, 5), Style(LINE, 1.3, (0.98, 0.85, 0.4))),
        flat([(6, 6), (14, 14)], Style(LINE, 5.5), closed=False),
    ]


def _shower_chair() -> list[Shape3]:
    shapes = [flat(rounded(45, 46, 52, 6, 2), Style(LINE, 1.3, (0.96, 0.96, 0.98)))]
    shapes.append(flat([(20, 49), (20, 88), (24, 88), (24, 49)], Style(LINE, 1.3, (0.96, 0.96, 0.98))))
    for x in (24, 66):
        shapes.append(flat([(x, 43), (x - 4, 2)], Style(METAL, 3.0), closed=False))
        shapes.append(flat([(x - 7, 1), (x - 1, 1)], Style((0.2, 0.2, 0.2), 3.5), closed=False))
    for x in (36, 46, 56):
        shapes.append(circle(x, 46, 1.2, style=Style(LINE, 0.8)))
    return shapes


def _tub(x0: float = 0, x1: float = 70, top: float = 45) -> list[Shape3]:
    return [flat([(x0, top), (x1, top), (x1 - 4, 2), (x0 + 4, 2)], Style(LINE, 1.4, (0.93, 0.96, 0.98)))]


def _tub_bench() -> list[Shape3]:
    shapes = _tub(30, 100, 44)
    shapes.append(flat(rounded(32, 52, 60, 5, 2), Style(LINE, 1.3, (0.98, 0.98, 0.98))))
    shapes.append(flat([(4, 55), (4, 86), (8, 86), (8, 55)], Style(LINE, 1.3, (0.98, 0.98, 0.98))))
    for x, bottom in ((8, 0), (22, 0), (44, 4), (58, 4)):
        shapes.append(flat([(x, 49), (x, bottom)], Style(METAL, 2.6), closed=False))
    return shapes


def _shower_head() -> list[Shape3]:
    return [
        flat([(70, 10), (70, 92)], Style(METAL, 3.0), closed=False),
        flat([(64, 80), (70, 80)], Style(LINE, 3.0), closed=False),
        flat([(66, 20), (50, 18), (40, 30), (44, 52), (56, 70), (62, 78)], Style(METAL, 1.8), closed=False),
        flat([(62, 78), (60, 86), (52, 92), (46, 88), (54, 80)], Style(LINE, 1.4, (0.8, 0.82, 0.86))),
        *[flat([(x, y), (x - 8, y - 14)], Style(WATER, 1.4), closed=False) for x, y in ((48, 86), (51, 83), (54, 80))],
    ]


def _tiles() -> list[Shape3]:
    shapes = [flat([(0, 0), (100, 0), (100, 100), (0, 100)], Style((0.8, 0.82, 0.85), 0.8, (0.97, 0.98, 0.99)))]
    for k in range(1, 5):
        shapes.append(flat([(0, k * 20), (100, k * 20)], Style((0.85, 0.87, 0.9), 0.6), closed=False))
        shapes.append(flat([(k * 20, 0), (k * 20, 100)], Style((0.85, 0.87, 0.9), 0.6), closed=False))
    return shapes


def _grab_bar() -> list[Shape3]:
    return [
        *_tiles(),
        flat([(18, 52), (82, 52)], Style(METAL, 5.0), closed=False),
        flat([(18, 52), (18, 44)], Style(METAL, 5.0), closed=False),
        flat([(82, 52), (82, 44)], Style(METAL, 5.0), closed=False),
        circle(18, 42, 4.5, style=Style(LINE, 1.2, METAL)),
        circle(82, 42, 4.5, style=Style(LINE, 1.2, METAL)),
    ]


def _toilet_shapes(raised: bool, frame: bool) -> list[Shape3]:
    shapes = [flat([(4, 46), (20, 46), (20, 82), (4, 82)], SOLID)]
    shapes.append(flat([(16, 2), (46, 2), (50, 20), (64, 34), (66, 42), (14, 42)], SOLID))
    seat_top = 44.0
    if raised:
        shapes.append(flat([(14, 42), (68, 42), (68, 56), (14, 56)], Style(LINE, 1.3, (0.75, 0.85, 0.95))))
        seat_top = 58.0
    else:
        shapes.append(flat([(14, 42), (68, 42), (68, 46), (14, 46)], Style(LINE, 1.3, (1, 1, 1))))
    if frame or raised:
        shapes.append(flat([(30, seat_top + 20), (66, seat_top + 20), (66, 2)], Style(METAL, 3.2), closed=False))
    return shapes


def _commode() -> list[Shape3]:
    shapes = _chair_icon(arms=True)
    shapes.append(flat([(34, 20), (60, 20), (58, 40), (36, 40)], Style(LINE, 1.2, (0.9, 0.92, 0.95))))
    return shapes


def _chair_icon(arms: bool) -> list[Shape3]:
    shapes = [
        flat([(22, 44), (76, 44), (76, 50), (22, 50)], SOLID),
        flat([(20, 50), (26, 50), (22, 96), (16, 96)], SOLID),
    ]
    shapes += [flat([(24, 44), (24, 0)], TUBE, closed=False), flat([(74, 44), (74, 0)], TUBE, closed=False)]
    if arms:
        shapes.append(flat([(24, 70), (72, 70), (72, 50)], Style(LINE, 3.4), closed=False))
    return shapes


def _bed_rail() -> list[Shape3]:
    return [
        flat([(0, 30), (100, 30), (100, 44), (0, 44)], Style(LINE, 1.3, (0.97, 0.97, 0.99))),
        flat([(4, 30), (4, 2)], Style(LINE, 3.0), closed=False),
        flat([(96, 30), (96, 2)], Style(LINE, 3.0), closed=False),
        flat([(40, 30), (40, 80), (66, 80), (66, 30)], Style(METAL, 4.0), closed=False),
        flat([(40, 62), (66, 62)], Style(METAL, 2.2), closed=False),
    ]


def _leg_lifter() -> list[Shape3]:
    return [
        flat([(50, 22), (50, 84)], Style(STRAP, 4.0), closed=False),
        flat(rounded(50, 90, 16, 12, 5), Style(STRAP, 3.0)),
        flat([(40, 22), (36, 10), (64, 10), (60, 22)], Style(STRAP, 3.0)),
    ]


def _rollator() -> list[Shape3]:
    shapes = [
        flat([(20, 86), (26, 86), (30, 10)], TUBE, closed=False),
        flat([(74, 86), (68, 86), (64, 10)], TUBE, closed=False),
    ]
    shapes.append(flat([(28, 46), (66, 46)], Style(LINE, 3.4), closed=False))
    for x in (30, 64):
        shapes.append(circle(x, 8, 8, style=Style(LINE, 1.6, (0.3, 0.3, 0.3))))
    shapes.append(flat([(12, 86), (24, 86)], Style(LINE, 5.0), closed=False))
    shapes.append(flat([(70, 86), (82, 86)], Style(LINE, 5.0), closed=False))
    return shapes


def _cushion() -> list[Shape3]:
    top = [(10 + 80 * i / 12, 40 + (3 if i % 2 else 0)) for i in range(13)]
    return [
        flat([(10, 26), (90, 26), *reversed(top)], Style(LINE, 1.4, SOFT)),
        flat([(10, 26), (90, 26)], Style(LINE, 2.0), closed=False),
    ]


def _night_light() -> list[Shape3]:
    shapes = [flat([(30, 20), (62, 20), (62, 70), (30, 70)], Style(LINE, 1.3, (0.96, 0.96, 0.96)))]
    shapes.append(flat(rounded(46, 45, 20, 26, 8), Style(LINE, 1.3, LIGHT)))
    for angle in (-40, -20, 0, 20, 40):
        rad = math.radians(angle)
        x0, y0 = 46 + 18 * math.sin(rad), 45 + 18 * math.cos(rad)
        x1, y1 = 46 + 30 * math.sin(rad), 45 + 30 * math.cos(rad)
        shapes.append(flat([(x0, y0), (x1, y1)], Style(LIGHT, 2.2), closed=False))
    shapes.append(flat([(10, 2), (90, 2)], Style(LINE, 1.6), closed=False))
    return shapes


def _quad_cane() -> list[Shape3]:
    return [
        flat([(50, 12), (50, 84), (46, 90), (36, 88)], Style(LINE, 3.2), closed=False),
        flat([(50, 12), (36, 4), (64, 4), (50, 12)], Style(METAL, 2.4), closed=False),
        flat([(42, 4), (42, 0)], Style(LINE, 3.0), closed=False),
        flat([(58, 4), (58, 0)], Style(LINE, 3.0), closed=False),
    ]


def _raisers() -> list[Shape3]:
    shapes = [
        flat([(22, 64), (76, 64), (76, 70), (22, 70)], SOLID),
        flat([(20, 70), (26, 70), (22, 100), (16, 100)], SOLID),
    ]
    for x in (24, 74):
        shapes.append(flat([(x, 64), (x, 16)], TUBE, closed=False))
        shapes.append(flat([(x - 8, 0), (x + 8, 0), (x + 6, 18), (x - 6, 18)], Style(LINE, 1.3, (0.8, 0.64, 0.42))))
    return shapes


OBJECT_DRAWERS: dict[str, Callable[[], list[Shape3]]] = {
    "reacher": _reacher,
    "sock-aid": _sock_aid,
    "shoe-horn": _shoe_horn,
    "shoe": _shoe,
    "sponge": _sponge,
    "shower-chair": _shower_chair,
    "tub-bench": _tub_bench,
    "shower-head": _shower_head,
    "grab-bar": _grab_bar,
    "raised-toilet-seat": lambda: _toilet_shapes(raised=True, frame=False),
    "toilet-frame": lambda: _toilet_shapes(raised=False, frame=True),
    "commode": _commode,
    "bed-rail": _bed_rail,
    "leg-lifter": _leg_lifter,
    "rollator": _rollator,
    "cushion": _cushion,
    "night-light": _night_light,
    "quad-cane": _quad_cane,
    "raisers": _raisers,
}


def objects(prop: PropSpec, scene: Scene | None) -> list[Shape3]:
    """An object on its own; beside a body it stands in front of the body's feet."""
    shapes = OBJECT_DRAWERS[prop.name]()
    if scene is None:
        return shapes
    dx = scene.bounds[1] + 10
    return [Shape3(s.kind, tuple((x + dx, y, z) for x, y, z in s.points), s.style, s.layer, s.radius) for s in shapes]
