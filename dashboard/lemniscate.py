"""The figure of eight as geometry: where each state sits, for the SVG the templates draw.

Rounds 1-3 and execution are nested lemniscates of Bernoulli (all four cross in the middle,
as every pass around the method does). Each is walked zij (upper left) -> ik (lower left)
-> wij (upper right) -> het (lower right), so a quarter of each curve is one side, and a
state sits on the quarter of its side, on the curve of its round. Closure has no side in
the figure: its states stand on a strip below it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from lemniscate.states.names import StateName as S
from lemniscate.states.table import STATES, Round, Side

WIDTH, HEIGHT = 960, 560
CX, CY = WIDTH / 2, 236
Y_STRETCH = 1.45  # a Bernoulli lemniscate is flat; stretched it reads as a figure of eight
CURVES: dict[Round, float] = {Round.one: 170, Round.two: 245, Round.three: 320, Round.execution: 405}
# Where each side's quarter starts on the parameter t, in the walking order of the method.
_QUARTER_START: dict[Side, float] = {
    Side.zij: math.pi / 2,
    Side.ik: math.pi,
    Side.wij: 3 * math.pi / 2,
    Side.het: 2 * math.pi,
}
CLOSURE_Y = 510
ROUND_LABELS: dict[Round, str] = {
    Round.one: "round 1",
    Round.two: "round 2",
    Round.three: "round 3",
    Round.execution: "execution",
}

# Round 2's ik/wij/het steps are walked again in round 3 after an initiative founding.
_REVISITED = (S.content_elaboration, S.collaboration_proposals, S.proposal_completion)


@dataclass(frozen=True)
class Node:
    """One state on one round: a place a coalition can stand."""

    state: str
    round: Round
    side: Side | None
    title: str
    x: float
    y: float

    @property
    def key(self) -> str:
        return f"{self.round.value}:{self.state}"


def _point(a: float, t: float) -> tuple[float, float]:
    denominator = 1 + math.sin(t) ** 2
    return (CX + a * math.cos(t) / denominator, CY + Y_STRETCH * a * math.sin(t) * math.cos(t) / denominator)


def curve_path(a: float, steps: int = 160) -> str:
    """The SVG path of one lemniscate, starting and ending in the middle."""
    points = [_point(a, math.pi / 2 + 2 * math.pi * i / steps) for i in range(steps + 1)]
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"


def _placements() -> list[tuple[str, Round, Side | None, str]]:
    placed: list[tuple[str, Round, Side | None, str]] = []
    for info in STATES:
        placed.append((info.id, info.round, info.side if info.round != Round.closure else None, info.title))
        if info.id in _REVISITED:
            placed.append((info.id, Round.three, info.side, info.title))
    return placed


def _along(a: float, start: float, fraction: float, samples: int = 200) -> tuple[float, float]:
    """The point `fraction` of the way along a quarter by length, not by parameter: the
    parameter crowds near the crossing, and states would crowd there with it."""
    points = [_point(a, start + (math.pi / 2) * i / samples) for i in range(samples + 1)]
    lengths = [0.0]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        lengths.append(lengths[-1] + math.hypot(x1 - x0, y1 - y0))
    target = fraction * lengths[-1]
    index = next(i for i, length in enumerate(lengths) if length >= target)
    return points[index]


def nodes() -> list[Node]:
    placed = _placements()
    out: list[Node] = []
    closure = [p for p in placed if p[1] == Round.closure]
    for round_, a in CURVES.items():
        for side, start in _QUARTER_START.items():
            here = [p for p in placed if p[1] == round_ and p[2] == side]
            for k, (state, _, _, title) in enumerate(here):
                # Spread along the quarter, clear of the crossing in the middle.
                fraction = 0.55 if len(here) == 1 else 0.3 + 0.45 * k / (len(here) - 1)
                x, y = _along(a, start, fraction)
                out.append(Node(state, round_, side, title, x, y))
    for k, (state, _, _, title) in enumerate(closure):
        out.append(
            Node(state, Round.closure, None, title, CX + (k - (len(closure) - 1) / 2) * 190, CLOSURE_Y)
        )
    return out


NODES: tuple[Node, ...] = tuple(nodes())


def node_for(state: str, round_: str | None) -> Node | None:
    """The place of a coalition in `state` on `round_` (as its search attributes say)."""
    for node in NODES:
        if node.state == state and (
            round_ is None or node.round.value == round_ or node.round == Round.closure
        ):
            return node
    return next((n for n in NODES if n.state == state), None)


def orbit(node: Node, index: int, radius: float) -> tuple[float, float]:
    """Where the index-th coalition's dot goes around its state's node (a sunflower spiral,
    so any number of dots spread evenly without overlapping much)."""
    angle = index * 2.39996  # the golden angle, in radians
    distance = radius + 7 + 3.2 * math.sqrt(index)
    return node.x + distance * math.cos(angle), node.y + distance * math.sin(angle)


def label_point(round_: Round) -> tuple[float, float]:
    """Where a round's name goes: just outside its curve's left tip."""
    x, y = _point(CURVES[round_], math.pi)
    return x - 6, y + 4


@dataclass(frozen=True)
class Curve:
    round: str
    d: str
    label: str
    label_x: float
    label_y: float


CURVE_PATHS: tuple[Curve, ...] = tuple(
    Curve(r.value, curve_path(a), ROUND_LABELS[r], *label_point(r)) for r, a in CURVES.items()
)
SIDE_LABELS: dict[str, tuple[str, float, float, str]] = {
    # side: (what it concerns, x, y, text-anchor), in the corners of the quarters
    "zij": ("society", 28, 44, "start"),
    "ik": ("individual", 28, 450, "start"),
    "wij": ("culture", WIDTH - 28, 44, "end"),
    "het": ("material", WIDTH - 28, 450, "end"),
}
