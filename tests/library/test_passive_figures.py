"""A card a carer does for the patient must never end in a passive straight-leg raise (review12c A-2).

With the hip flexed and the knee straight, the sciatic nerve is at full tension; done by a carer on a leg
with no sensation or joint position sense, nothing warns of a nerve stretched too far, and the library holds
such stretches after a nerve injury. So the figure of every passive or helped card, which shows the carer the
movement, ends with the thigh low whenever the knee is straight."""

from __future__ import annotations

from typing import Any

import pytest

HIP_LIFTED = 30  # degrees of hip flexion above which a straight knee tensions the sciatic nerve
KNEE_STRAIGHT = 20  # degrees of knee flexion below which the knee counts as straight


def _lying_cards(library: Any) -> list[Any]:
    return [
        e
        for e in library.exercises
        if e.category in ("passive", "assisted") and library.figures[e.illustration].body in ("supine", "long-sitting")
    ]


def test_there_are_passive_lying_cards_to_check(library: Any) -> None:
    assert "ex-prom-knee" in {e.id for e in _lying_cards(library)}


@pytest.mark.parametrize("pose", ["start", "end"])
def test_no_passive_or_helped_lying_card_shows_a_straight_leg_raise(library: Any, pose: str) -> None:
    raised = []
    for entry in _lying_cards(library):
        figure = library.figures[entry.illustration]
        angles = dict(figure.start)
        if pose == "end":
            angles |= figure.end or {}
        if angles.get("hip", 0) > HIP_LIFTED and angles.get("knee", 0) < KNEE_STRAIGHT:
            raised.append((entry.id, angles))
    assert raised == []
