"""Figure data as a document writes it (``::: figure ID`` blocks), read and checked into a FigureSpec.

A figure is a stick figure of a patient in a start and an end pose (joint angles in degrees), seen from a
named view, with props (a chair, a bed, a band ...) and an arrow that follows one body point from the start
pose to the end pose. Equipment icons are figures too, usually with no body and one object. Everything here is
geometry vocabulary; nothing clinical. See docs/document-format.md, "Figures".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VIEWS: dict[str, tuple[float, float]] = {
    "side": (0.0, 0.0),
    "front": (-90.0, 0.0),
    "top": (0.0, 90.0),
    "oblique": (-32.0, 14.0),
    "above": (-30.0, 50.0),
}
"""Camera per view: (yaw, pitch) in degrees applied to the scene (side looks at the patient's right side)."""

BODIES = ("standing", "sitting", "long-sitting", "supine", "prone", "side-lying", "side-lying-under", "none")
"""Starting postures: upright, seated on a chair, sitting up with legs out on a bed, lying on the back, on
the front, on the side with the exercised leg on top, on the side with the exercised leg underneath; or no body
(an object on its own, for equipment icons)."""

LEG_JOINTS = ("hip", "hip_abd", "hip_rot", "knee", "ankle", "ankle_inv", "toe")
ARM_JOINTS = ("arm", "arm_abd", "elbow")
JOINT_RANGES: dict[str, tuple[int, int]] = {
    "hip": (-30, 140),
    "hip_abd": (-30, 60),
    "hip_rot": (-45, 90),
    "knee": (0, 150),
    "ankle": (-50, 30),
    "ankle_inv": (-30, 40),
    "toe": (-40, 70),
    "arm": (-60, 180),
    "arm_abd": (-20, 180),
    "elbow": (0, 150),
}
"""Anatomical angles in degrees: hip and arm flexion forward, abduction away from the midline, outward
(external) hip rotation, knee and elbow flexion, ankle dorsiflexion (toes up) positive, inversion positive, toe
extension positive. Leg angles are measured from the posture, arm angles from the (possibly leaning) trunk."""
BODY_PARAMETERS: dict[str, tuple[int, int]] = {
    "trunk": (-60, 100),  # forward lean of the trunk from the posture, degrees (the legs stay put)
    "neck": (-40, 60),  # forward bend of the head on the trunk, degrees
    "lift": (-100, 100),  # translations of the whole body in centimetres: up,
    "shift": (-150, 150),  # towards the patient's right (towards the camera in the side view),
    "advance": (-150, 150),  # and forwards (to the right of the side view)
}
PARAMETERS: dict[str, tuple[int, int]] = {
    **BODY_PARAMETERS,
    **{name: JOINT_RANGES[name] for name in LEG_JOINTS + ARM_JOINTS},
    **{f"other_{name}": JOINT_RANGES[name] for name in LEG_JOINTS + ARM_JOINTS},
}
"""Every name a pose may set. Without ``other_`` a joint is the exercised side (drawn in colour); with it, the
other side."""

SIDE_POINTS = ("hip", "knee", "ankle", "heel", "ball", "toe", "edge", "shoulder", "elbow", "hand")
POINTS = ("pelvis", "neck", "head", *SIDE_POINTS, *(f"other_{p}" for p in SIDE_POINTS))
"""Body points props and arrows may name (``edge`` is the outer edge of the forefoot)."""

DIRECTIONS = ("front", "back", "up", "down", "out", "in")
FRAMES = ("body", "leg", "foot")
"""How much of the scene the picture shows: all of it, from the hips down, or from the knee down."""

SURFACES = ("bed", "mat", "chair", "armchair", "stool", "wheelchair", "toilet")
"""Things the patient sits or lies on; ``NAME`` or ``NAME at start|end`` (placed under that pose)."""
SCENE_PROPS = ("floor", "counter", "wall", "walker", "cane", "board")
"""Things placed from the patient's pose: a counter at hand height in front, a wall (``wall front|back``), a
walking frame or a cane under the hands, a transfer board under the thighs."""
UNDER_PROPS = ("pillow", "towel", "wedge")
"""``NAME under POINT``: filled in between the supporting surface and that body point."""
LINE_PROPS = ("band", "strap")
"""``NAME from POINT to POINT|DIRECTION`` or ``NAME around knees``: an exercise band or a towel or strap."""
BETWEEN_PROPS = ("ball",)
"""``NAME between POINT and POINT``."""
WORN_PROPS = ("weight", "afo", "kafo", "splint", "stocking", "boot")
"""Worn on the exercised leg: ``weight at POINT``; ``afo``, ``kafo``, ``splint`` (a resting foot splint),
``stocking`` (a compression garment), ``boot`` (a heel protector)."""
OBJECTS = (
    "reacher",
    "sock-aid",
    "shoe-horn",
    "shoe",
    "sponge",
    "shower-chair",
    "tub-bench",
    "shower-head",
    "grab-bar",
    "raised-toilet-seat",
    "toilet-frame",
    "commode",
    "bed-rail",
    "leg-lifter",
    "rollator",
    "cushion",
    "night-light",
    "quad-cane",
    "raisers",
)
"""Objects drawn on their own (equipment icons); with a body they stand beside it."""
PROPS = (*SURFACES, *SCENE_PROPS, *UNDER_PROPS, *LINE_PROPS, *BETWEEN_PROPS, *WORN_PROPS, *OBJECTS)

ARROW_POINTS = POINTS
_NUMBER = re.compile(r"^[+-]?\d{1,4}$")


class FigureError(ValueError):
    """A figure field that cannot be read; ``key`` names the field (for the line number) and ``part`` the piece
    of its value at fault, when it is one piece (for the column)."""

    def __init__(self, key: str, message: str, part: str = "") -> None:
        super().__init__(message)
        self.key = key
        self.part = part


@dataclass(frozen=True, slots=True)
class PropSpec:
    name: str
    mode: str = ""  # "", at, under, between, from, around, side (wall front/back)
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FigureSpec:
    id: str
    view: str
    body: str
    start: dict[str, float] = field(default_factory=dict)
    end: dict[str, float] | None = None
    props: tuple[PropSpec, ...] = ()
    arrow: str | None = None
    arrow_both: bool = False
    anchor: str | None = None
    frame: str = "body"


def parse_figure(figure_id: str, fields: dict[str, str]) -> FigureSpec:
    """Read a figure block's fields; raise FigureError naming the field and what is wrong."""
    view = fields.get("view", "side").strip()
    if view not in VIEWS:
        raise FigureError("view", f"view must be one of: {', '.join(VIEWS)}")
    body = fields.get("body", "").strip()
    if body not in BODIES:
        raise FigureError("body", f"body must be one of: {', '.join(BODIES)}")
    start = _pose(fields.get("start", ""), "start")
    end = _pose(fields["end"], "end") if fields.get("end", "").strip() else None
    if body == "none" and (start or end):
        raise FigureError("start" if start else "end", "a figure with no body has no pose")
    props = tuple(_prop(text.strip()) for text in fields.get("props", "").split(",") if text.strip())
    if body == "none":
        if not props:
            raise FigureError("props", "a figure with no body needs at least one object in props")
        for prop in props:
            if prop.mode or prop.name in (*UNDER_PROPS, *LINE_PROPS, *BETWEEN_PROPS, *WORN_PROPS):
                raise FigureError("props", f"'{prop.name}' needs a body to stand on or near", prop.name)
    arrow, both = None, False
    if fields.get("arrow", "").strip():
        words = fields["arrow"].split()
        arrow = words[0]
        both = words[1:] == ["both"]
        if arrow not in ARROW_POINTS or (len(words) > 1 and not both):
            raise FigureError("arrow", f"arrow: a body point ({', '.join(ARROW_POINTS)}), optionally then 'both'")
        if end is None:
            raise FigureError("arrow", "an arrow needs an end pose to point to")
    anchor = fields.get("anchor", "").strip() or None
    if anchor is not None and anchor not in POINTS:
        raise FigureError("anchor", f"anchor must be a body point: {', '.join(POINTS)}")
    frame = fields.get("frame", "body").strip()
    if frame not in FRAMES:
        raise FigureError("frame", f"frame must be one of: {', '.join(FRAMES)}")
    return FigureSpec(figure_id, view, body, start, end, props, arrow, both, anchor, frame)


def _pose(text: str, key: str) -> dict[str, float]:
    pose: dict[str, float] = {}
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2 or not _NUMBER.match(words[1]):
            raise FigureError(
                key, f"{key}: write 'joint degrees' pairs, e.g. 'hip 90, knee 45' (not '{part.strip()}')", part
            )
        name, value = words[0], int(words[1])
        if name not in PARAMETERS:
            raise FigureError(key, f"{key}: unknown joint '{name}' (known: {', '.join(PARAMETERS)})", part)
        low, high = PARAMETERS[name]
        if not low <= value <= high:
            raise FigureError(key, f"{key}: {name} must be from {low} to {high}, not {value}", part)
        if name in pose:
            raise FigureError(key, f"{key}: {name} is given twice", part)
        pose[name] = float(value)
    return pose


def _prop(text: str) -> PropSpec:
    words = text.split()
    name, rest = words[0], words[1:]
    if name not in PROPS:
        raise FigureError("props", f"unknown prop '{name}' (known: {', '.join(PROPS)})", text)

    def point(word: str) -> str:
        if word not in POINTS:
            raise FigureError("props", f"{name}: '{word}' is not a body point ({', '.join(POINTS)})", text)
        return word

    usage = {
        **dict.fromkeys(SURFACES, "NAME or NAME at start|end"),
        **dict.fromkeys(UNDER_PROPS, "NAME under POINT"),
        **dict.fromkeys(LINE_PROPS, "NAME from POINT to POINT|DIRECTION, or NAME around knees"),
        **dict.fromkeys(BETWEEN_PROPS, "NAME between POINT and POINT"),
        "weight": "weight at POINT",
        "wall": "wall front|back",
    }.get(name, "NAME alone")
    bad = FigureError("props", f"{name}: write '{usage.replace('NAME', name)}'", text)
    if name in SURFACES:
        if rest and rest not in (["at", "start"], ["at", "end"]):
            raise bad
        return PropSpec(name, "at" if rest else "", tuple(rest[1:]))
    if name in UNDER_PROPS:
        if len(rest) != 2 or rest[0] != "under":
            raise bad
        return PropSpec(name, "under", (point(rest[1]),))
    if name in LINE_PROPS:
        if rest == ["around", "knees"]:
            return PropSpec(name, "around", ("knee", "other_knee"))
        if len(rest) != 4 or rest[0] != "from" or rest[2] != "to":
            raise bad
        target = rest[3] if rest[3] in DIRECTIONS else point(rest[3])
        return PropSpec(name, "from", (point(rest[1]), target))
    if name in BETWEEN_PROPS:
        if len(rest) != 4 or rest[0] != "between" or rest[2] != "and":
            raise bad
        return PropSpec(name, "between", (point(rest[1]), point(rest[3])))
    if name == "weight":
        if len(rest) != 2 or rest[0] != "at":
            raise bad
        return PropSpec(name, "at", (point(rest[1]),))
    if name == "wall":
        if rest not in (["front"], ["back"]):
            raise bad
        return PropSpec(name, "side", tuple(rest))
    if rest:
        raise bad
    return PropSpec(name)
