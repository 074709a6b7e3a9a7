"""Which datasets are pictures, and which of their samples the gallery shows (no Qt, no torch).

The data preview (before training) and the training job (the gallery of answers) both ask
`image_shape`, so a dataset is drawn as images in both or in neither; the panel asks
`expects_images` before the data is loaded. `pick_gallery` orders the samples mistakes first,
each group in dataset order: a sample keeps its place while it stays wrong, so the class sees the
mistakes thin out as the network learns, not a reshuffled grid.
"""

from __future__ import annotations

import math

import numpy as np

# Built-in datasets whose flat vectors are pictures (the file format keeps them flat for MLPs).
IMAGE_VECTORS = {"digits": (8, 8)}
IMAGE_BUILTINS = ("digits", "digits_images")  # pictures, flat or (1, H, W)
MIN_SIDE = 4  # an IDX vector of 16 values or more that is a square is an image


def image_shape(sample_shape: tuple[int, ...], source: str, name: str = "") -> tuple[int, int] | None:
    """(H, W) when each sample is a picture: (1, H, W) or (H, W) arrays, a built-in dataset of
    flat pictures (digits: 64 values = 8 × 8), or a square vector from an IDX file."""
    shape = tuple(int(d) for d in sample_shape)
    if len(shape) == 3 and shape[0] == 1:
        return shape[1], shape[2]
    if len(shape) == 2:
        return shape
    if len(shape) != 1:
        return None
    known = IMAGE_VECTORS.get(name) if source == "builtin" else None
    if known is not None and math.prod(known) == shape[0]:
        return known
    side = math.isqrt(shape[0])
    if source == "idx" and side * side == shape[0] and side >= MIN_SIDE:
        return side, side
    return None


def expects_images(source: str, name: str) -> bool:
    """Before the data is loaded: will this dataset be pictures? (IDX files nearly always are;
    the loaded shape decides in the end, through `image_shape`.)"""
    return source == "idx" or (source == "builtin" and name in IMAGE_BUILTINS)


def pick_gallery(true: np.ndarray, predicted: np.ndarray, limit: int) -> np.ndarray:
    """Row indices of at most ``limit`` samples: every mistake first, then correct answers."""
    wrong = np.flatnonzero(true != predicted)
    right = np.flatnonzero(true == predicted)
    return np.concatenate([wrong, right])[:limit]
