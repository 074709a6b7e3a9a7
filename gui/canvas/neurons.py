"""The neurons view: small Dense/Input layers drawn as columns of circles, joined neuron to neuron.

This is the textbook picture of a perceptron or a 2-2-1 XOR net. Colours and widths encode the
weights (W[i, j] joins input i to unit j, the file convention), so when training pushes new weights
only pens change: `weight_pens` is cheap and the items are never recreated.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QColor, QPen

from gui.style import NEGATIVE_COLOR, NEUTRAL_EDGE_COLOR, PAPER, POSITIVE_COLOR, tint

MAX_NEURONS = 16
# Big enough to carry a readable picture: during training each circle shows the neuron's output
# over the input plane on a MAP_SIZE tile (gui.canvas.overlays_training); at 9 px circles the
# tiles were 22 px, too small to read from the back of a classroom.
NEURON_RADIUS = 20.0
MAP_SIZE = 48.0  # the neuron map tile: a little larger than the circle it covers
NEURON_PITCH = MAP_SIZE + 8.0  # vertical distance between neuron centres: tiles never touch
LABELLED_LINES = 4  # write the weight values on the lines when there are at most this many


def neuron_count(layer_type: str, params: dict[str, Any]) -> int:
    """How many neurons the layer can show (0 when it is too big or not a vector layer)."""
    if layer_type == "Dense":
        units = params.get("units")
        return units if isinstance(units, int) and 1 <= units <= MAX_NEURONS else 0
    if layer_type == "Input":
        shape = params.get("shape")
        if isinstance(shape, (tuple, list)) and len(shape) == 1 and 1 <= shape[0] <= MAX_NEURONS:
            return int(shape[0])
    return 0


def column_height(count: int) -> float:
    return count * NEURON_PITCH


def neuron_lines(sources: list[QPointF], targets: list[QPointF]) -> list[QLineF]:
    """Row-major lines: index i * len(targets) + j joins source neuron i to target neuron j."""
    left, right = NEURON_RADIUS, NEURON_RADIUS
    return [QLineF(s + QPointF(left, 0), t - QPointF(right, 0)) for s in sources for t in targets]


def weight_color(value: float) -> QColor:
    if value == 0:
        return NEUTRAL_EDGE_COLOR
    return POSITIVE_COLOR if value > 0 else NEGATIVE_COLOR


def label_position(target_index: int, targets: int) -> float:
    """Where along a line its weight is written: staggered by target so labels do not overlap."""
    return 0.35 if targets == 1 else 0.25 + 0.5 * target_index / (targets - 1)


def weight_width(value: float) -> float:
    return 0.8 + 2.0 * min(abs(value), 3.0)


def weight_pens(matrix: np.ndarray | None, n_in: int, n_out: int) -> list[QPen]:
    """One pen per line (row-major); thin grey lines when there are no matching weights yet."""
    if matrix is None or matrix.shape != (n_in, n_out):
        pen = QPen(NEUTRAL_EDGE_COLOR, 1.0)
        return [pen] * (n_in * n_out)
    pens = []
    for value in matrix.reshape(-1):
        color = QColor(weight_color(float(value)))
        color.setAlphaF(0.9)
        pen = QPen(color, weight_width(float(value)))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pens.append(pen)
    return pens


def neuron_fill(bias: float | None) -> QColor:
    """Neuron body: white without a bias; tinted blue/orange by the bias' sign and size."""
    if bias is None:
        return PAPER
    strength = min(abs(bias), 2.0) / 2.0
    return tint(weight_color(bias), 0.85 - 0.45 * strength)


def format_weight(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:.3g}"
