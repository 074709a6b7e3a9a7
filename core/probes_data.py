"""The samples drawn under a decision boundary: a plain record, importable without torch.

Kept apart from core.probes (which imports torch) so that the GUI's message types can name it
before torch is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DataPoints:
    """Samples to draw under the decision boundary, in raw (unscaled) input coordinates.

    ``y_*`` are class indices (classification) or the first target value (regression).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
