"""The stick figure's body: joint angles to 3-D points (forward kinematics), in centimetres.

World axes: x to the right of the side view, y up, z towards the side-view camera. A posture places the body
frame (anterior, superior, right) in the world; the exercised side is the patient's right, so in the side view
it is the near side. Angles are anatomical and relative (a hip angle is between thigh and trunk), so a pose
reads like a goniometer note: ``hip 90, knee 90`` is sitting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.figures.spec import ARM_JOINTS, LEG_JOINTS, SIDE_POINTS

Vec = tuple[float, float, float]

# Segment lengths and thicknesses of a 170 cm adult, in centimetres.
TRUNK = 50.0
HIP_HALF = 9.0
SHOULDER_HALF = 17.0
NECK = 5.0
HEAD_R = 10.5
THIGH = 43.0
SHIN = 42.0
ANKLE_HEIGHT = 6.5
HEEL_BACK = 5.0
FOOT = 15.0
TOE = 5.5
UPPER_ARM = 29.0
FOREARM = 27.0
HAND_R = 4.0
WIDTH = {"thigh": 13.0, "shin": 10.0, "foot": 7.0, "toe": 6.0, "upper_arm": 8.5, "forearm": 7.0}


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def rotate(v: Vec, axis: Vec, degrees: float) -> Vec:
    """``v`` turned about the unit ``axis`` by ``degrees`` (right-hand rule)."""
    if not degrees:
        return v
    angle = math.radians(degrees)
    c, s = math.cos(angle), math.sin(angle)
    k = cross(axis, v)
    d = dot(axis, v) * (1 - c)
    return (v[0] * c + k[0] * s + axis[0] * d, v[1] * c + k[1] * s + axis[1] * d, v[2] * c + k[2] * s + axis[2] * d)


@dataclass(frozen=True, slots=True)
class Posture:
    anterior: Vec
    superior: Vec
    defaults: dict[str, float]

    @property
    def right(self) -> Vec:
        return cross(self.anterior, self.superior)


_ARMS_DOWN = {"arm": 0.0, "elbow": 0.0, "other_arm": 0.0, "other_elbow": 0.0}
_ARMS_RESTING = {"arm": 25.0, "elbow": 65.0, "other_arm": 25.0, "other_elbow": 65.0}
_SEATED = {"hip": 90.0, "knee": 90.0, "other_hip": 90.0, "other_knee": 90.0}
POSTURES: dict[str, Posture] = {
    "standing": Posture((1, 0, 0), (0, 1, 0), {**_ARMS_DOWN, "elbow": 10.0, "other_elbow": 10.0}),
    "sitting": Posture((1, 0, 0), (0, 1, 0), {**_SEATED, **_ARMS_RESTING}),
    "long-sitting": Posture((1, 0, 0), (0, 1, 0), {"hip": 90.0, "other_hip": 90.0, "arm": 20.0, "other_arm": 20.0}),
    "supine": Posture((0, 1, 0), (-1, 0, 0), dict(_ARMS_DOWN)),
    "prone": Posture((0, -1, 0), (1, 0, 0), {"arm": 170.0, "other_arm": 170.0, "elbow": 90, "other_elbow": 90}),
    "side-lying": Posture(
        (0, 0, 1), (1, 0, 0), {"hip": 10.0, "other_hip": 40.0, "other_knee": 60.0, "arm": 90.0, "elbow": 100.0}
    ),
    "side-lying-under": Posture(
        (0, 0, -1), (1, 0, 0), {"other_hip": 60.0, "other_knee": 80.0, "arm": 90.0, "elbow": 100.0}
    ),
}


@dataclass(frozen=True, slots=True)
class Segment:
    """A limb part drawn as a capsule from ``a`` to ``b``; ``group`` says which body part it belongs to."""

    group: str  # leg, other_leg, arm, other_arm
    name: str
    a: Vec
    b: Vec
    width: float


@dataclass(frozen=True, slots=True)
class Body:
    """One pose in world coordinates: named points, limb capsules, the torso outline and the head."""

    points: dict[str, Vec]
    segments: tuple[Segment, ...]
    torso: tuple[Vec, ...]
    head: Vec
    nose: Vec

    def moved(self, offset: Vec) -> Body:
        return Body(
            {k: add(v, offset) for k, v in self.points.items()},
            tuple(Segment(s.group, s.name, add(s.a, offset), add(s.b, offset), s.width) for s in self.segments),
            tuple(add(p, offset) for p in self.torso),
            add(self.head, offset),
            add(self.nose, offset),
        )

    def lowest(self) -> float:
        """The lowest y of the body's surface: what rests on the floor, the seat or the bed."""
        candidates = [p[1] for p in self.torso]
        candidates += [min(s.a[1], s.b[1]) - s.width / 2 for s in self.segments]
        candidates.append(self.head[1] - HEAD_R)
        return min(candidates)


def pose_values(posture: str, pose: dict[str, float]) -> dict[str, float]:
    values = {name: 0.0 for name in ("trunk", "neck", "lift", "shift", "advance")}
    for side in ("", "other_"):
        for name in LEG_JOINTS + ARM_JOINTS:
            values[side + name] = 0.0
    values.update(POSTURES[posture].defaults)
    values.update(pose)
    return values


def build_body(posture: str, values: dict[str, float]) -> Body:
    """Forward kinematics of one pose (the pelvis at the origin; the renderer places the body)."""
    frame = POSTURES[posture]
    ant, sup, rgt = frame.anterior, frame.superior, frame.right
    # The trunk leans forward about the right axis, taking the arms and head with it; the legs keep the
    # posture's frame, so "trunk 35" leans a seated patient forward without lifting the thighs.
    sup_t = rotate(sup, rgt, -values["trunk"])
    ant_t = rotate(ant, rgt, -values["trunk"])
    down_t = mul(sup_t, -1)
    down = mul(sup, -1)
    pelvis = (0.0, 0.0, 0.0)
    neck = mul(sup_t, TRUNK)
    head_dir = rotate(sup_t, rgt, -values["neck"])
    head = add(neck, mul(head_dir, NECK + HEAD_R))
    points: dict[str, Vec] = {"pelvis": pelvis, "neck": neck, "head": head}
    segments: list[Segment] = []
    for prefix, lateral in (("", 1.0), ("other_", -1.0)):
        group = f"{prefix}leg"

        def angle(name: str, prefix: str = prefix) -> float:
            return values[prefix + name]

        hip = mul(rgt, HIP_HALF * lateral)
        thigh_dir = rotate(rotate(down, ant, -lateral * angle("hip_abd")), rgt, angle("hip"))
        knee_axis = rotate(rotate(rgt, ant, -lateral * angle("hip_abd")), rgt, angle("hip"))
        # Outward rotation turns the knee's hinge about the thigh: with the knee bent, the foot swings inwards.
        knee_axis = rotate(knee_axis, thigh_dir, lateral * angle("hip_rot"))
        knee = add(hip, mul(thigh_dir, THIGH))
        shin_dir = rotate(thigh_dir, knee_axis, -angle("knee"))
        ankle = add(knee, mul(shin_dir, SHIN))
        foot_dir = rotate(shin_dir, knee_axis, 90 + angle("ankle"))
        # Turning the foot in (inversion) tilts the sole towards the midline about the foot's long axis and, as
        # the foot does, swings the forefoot inwards a little about the shin; turning out does the reverse.
        foot_dir = rotate(foot_dir, shin_dir, -lateral * 0.5 * angle("ankle_inv"))
        sole_normal = rotate(mul(shin_dir, 1.0), foot_dir, lateral * angle("ankle_inv"))
        sole_centre = add(ankle, mul(sole_normal, ANKLE_HEIGHT - WIDTH["foot"] / 2))
        heel = add(sole_centre, mul(foot_dir, -HEEL_BACK))
        ball = add(sole_centre, mul(foot_dir, FOOT))
        toe_dir = rotate(foot_dir, knee_axis, angle("toe"))
        toe = add(ball, mul(toe_dir, TOE))
        # The forefoot's width, across the foot at the sole: it tilts with inversion, which shows in a front view.
        across = mul(cross(sole_normal, foot_dir), lateral * 5.0)
        forefoot = add(ball, mul(foot_dir, -4.0))
        points[prefix + "edge"] = add(forefoot, across)
        points.update({prefix + "hip": hip, prefix + "knee": knee, prefix + "ankle": ankle})
        points.update({prefix + "heel": heel, prefix + "ball": ball, prefix + "toe": toe})
        segments += [
            Segment(group, "thigh", hip, knee, WIDTH["thigh"]),
            Segment(group, "shin", knee, ankle, WIDTH["shin"]),
            Segment(group, "heel", ankle, heel, WIDTH["foot"]),
            Segment(group, "foot", heel, ball, WIDTH["foot"]),
            Segment(group, "toe", ball, toe, WIDTH["toe"]),
            Segment(group, "forefoot", sub(forefoot, across), add(forefoot, across), 5.0),
        ]
        arm_group = f"{prefix}arm"
        shoulder = add(add(neck, mul(sup_t, -4.0)), mul(rgt, SHOULDER_HALF * lateral))
        arm_dir = rotate(rotate(down_t, ant_t, -lateral * angle("arm_abd")), rgt, angle("arm"))
        elbow_axis = rotate(rotate(rgt, ant_t, -lateral * angle("arm_abd")), rgt, angle("arm"))
        elbow = add(shoulder, mul(arm_dir, UPPER_ARM))
        forearm_dir = rotate(arm_dir, elbow_axis, angle("elbow"))
        hand = add(elbow, mul(forearm_dir, FOREARM))
        points.update({prefix + "shoulder": shoulder, prefix + "elbow": elbow, prefix + "hand": hand})
        segments += [
            Segment(arm_group, "upper_arm", shoulder, elbow, WIDTH["upper_arm"]),
            Segment(arm_group, "forearm", elbow, hand, WIDTH["forearm"]),
        ]
    torso = []
    for level, half, depth in ((add(neck, mul(sup_t, -3.0)), 16.0, 9.0), (pelvis, 14.0, 9.0)):
        for side_k, front_k in ((1, 0), (-1, 0), (0, 1), (0, -1), (0.8, 0.7), (-0.8, 0.7), (0.8, -0.7), (-0.8, -0.7)):
            torso.append(add(add(level, mul(rgt, half * side_k)), mul(ant_t, depth * front_k)))
    nose = add(head, mul(rotate(ant_t, rgt, -values["neck"]), HEAD_R + 2.5))
    assert set(SIDE_POINTS) <= set(points)
    return Body(points, tuple(segments), tuple(torso), head, nose)
