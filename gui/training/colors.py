"""Colours of the live views, shared by the boundary, the preview, the confusion matrix and the
canvas' neuron maps.

Two classes use TensorFlow Playground's pair (orange = class 0 / negative, blue = class 1 /
positive), the same colours as the canvas' weights, so "blue" means the same thing everywhere.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from gui.style import NEGATIVE_COLOR, POSITIVE_COLOR

CLASS_COLORS = (NEGATIVE_COLOR.name(), POSITIVE_COLOR.name(), "#2ca02c", "#9467bd", "#d62728",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
TRAIN_COLOR = "#1565c0"
VALIDATION_COLOR = "#e65100"
BATCH_COLOR = (120, 144, 156, 80)
HISTORY_COLORS = ("#7986cb", "#4db6ac", "#ba68c8", "#a1887f", "#90a4ae", "#f06292")
ERROR_STYLE = "background:#fdecea; color:#b71c1c; border:1px solid #f5c2c0;"
WARNING_STYLE = "background:#fff8e1; color:#7a4f01; border:1px solid #ffe08a;"
INFO_STYLE = "background:#e8f5e9; color:#1b5e20; border:1px solid #b7dfb9;"
MUTED_STYLE = "color:#5f6368;"


def class_color(index: int) -> QColor:
    return QColor(CLASS_COLORS[int(index) % len(CLASS_COLORS)])


def _rgb(color: str | QColor) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def _lighten(rgb: np.ndarray, amount: float) -> np.ndarray:
    return rgb + (255.0 - rgb) * amount


def diverging_lut(size: int = 256, lighten: float = 0.25) -> np.ndarray:
    """(size, 3) uint8 from orange (0) through white (middle) to blue (1).

    ``lighten`` keeps the extremes pale enough for the data points drawn on top to stand out.
    """
    low = _lighten(_rgb(CLASS_COLORS[0]), lighten)
    high = _lighten(_rgb(CLASS_COLORS[1]), lighten)
    t = np.linspace(-1.0, 1.0, size)[:, None]
    white = np.full(3, 255.0)
    rgb = np.where(t < 0, white + (low - white) * -t, white + (high - white) * t)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def diverging_rgb(values: np.ndarray, lighten: float = 0.0) -> np.ndarray:
    """Values in [-1, 1] -> (..., 3) uint8 on the orange-white-blue scale."""
    lut = diverging_lut(256, lighten)
    index = np.clip(np.round((np.asarray(values) + 1.0) * 127.5), 0, 255).astype(np.int64)
    return lut[index]


def class_mixture_rgb(probabilities: np.ndarray, lighten: float = 0.35) -> np.ndarray:
    """(..., K) probabilities -> (..., 3) uint8: each pixel mixes the class colours by probability,
    so confident regions show their class colour and uncertain ones look greyish."""
    k = probabilities.shape[-1]
    palette = np.stack([_lighten(_rgb(CLASS_COLORS[i % len(CLASS_COLORS)]), lighten)
                        for i in range(k)])
    return np.clip(probabilities @ palette, 0, 255).astype(np.uint8)


def value_colors(values: np.ndarray, low: float, high: float) -> list[QColor]:
    """Regression targets on the diverging scale (low = orange, high = blue)."""
    span = max(high - low, 1e-12)
    rgb = diverging_rgb((np.asarray(values) - low) / span * 2.0 - 1.0)
    return [QColor(int(r), int(g), int(b)) for r, g, b in rgb]

