"""The samples drawn under a decision boundary: a plain record, importable without torch.

Kept apart from core.probes (which imports torch) so that the GUI's message types can name it
before torch is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID_2D = 60  # 60 x 60 = 3,600 points: one forward pass of well under a millisecond for small nets
MAX_GRID_2D = 256  # the finest boundary grid a view may ask for (about one point per plot pixel)


@dataclass(frozen=True)
class DataPoints:
    """Samples to draw under the decision boundary, in raw (unscaled) input coordinates.

    ``y_*`` are class indices (classification) or the first target value (regression).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
