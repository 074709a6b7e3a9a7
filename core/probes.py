"""Numbers the live views need, computed in the worker thread between two training batches.

Decision-boundary grids, per-neuron output maps and confusion matrices: numpy and torch only, no Qt,
so they can run off the GUI thread and be tested on their own. Imported lazily by the worker (it
imports torch), never on the way to the first paint.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.datasets import Dataset
from core.losses import loss_entry
from core.probes_data import GRID_2D, MAX_GRID_2D, DataPoints

MAP_GRID = GRID_2D  # per-neuron maps are drawn on small tiles: never finer than this
SURFACE_BUDGET = 0.005  # seconds a picture may take (5% of the worker at 10 Hz); slower: coarser
GRID_1D = 200
MAX_POINTS = 2000  # samples drawn under the boundary; more only slow the scatter down
MAX_CONFUSION_ROWS = 5000
MAX_NEURONS = 16  # the canvas' neurons view draws layers up to this size
MARGIN = 0.15  # the picture extends past the data by this fraction of its range


@dataclass(frozen=True)
class SurfacePlan:
    """A fixed grid of inputs, built once per run in raw coordinates and pushed through the
    dataset's fitted scaling, so the network sees exactly what it was trained on."""

    kind: str  # "2d" | "1d"
    xs: np.ndarray
    ys: np.ndarray
    inputs: np.ndarray  # (points, features) float32, scaled
    extent: tuple[float, float, float, float]


def raw_inputs(dataset: Dataset, x: np.ndarray) -> np.ndarray:
    """Undo the input scaling (``x = (raw - offset) * factor``; factors are never zero)."""
    return x / dataset.scale_factor + dataset.scale_offset


def surface_plan(dataset: Dataset, grid: int = GRID_2D) -> SurfacePlan | None:
    """2-D inputs get a boundary grid of ``grid`` x ``grid`` points (what the view needs, see
    gui.training.boundary); one input with one regression output gets a curve."""
    shape = tuple(dataset.input_shape)
    if shape == (2,):
        return _plan_2d(dataset, min(max(int(grid), 2), MAX_GRID_2D))
    if shape == (1,) and dataset.task == "regression" and dataset.output_size == 1:
        return _plan_1d(dataset)
    return None


def _all_raw(dataset: Dataset) -> np.ndarray:
    return raw_inputs(dataset, np.concatenate([dataset.x_train, dataset.x_val]))


def _padded(values: np.ndarray) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    pad = max(high - low, 1e-6) * MARGIN
    return low - pad, high + pad


def coarser_grid(grid: int) -> int:
    """The next grid to try when a picture took longer than SURFACE_BUDGET."""
    return max(GRID_2D, int(grid * 0.7))


def _plan_2d(dataset: Dataset, grid: int) -> SurfacePlan:
    raw = _all_raw(dataset)
    (x0, x1), (y0, y1) = _padded(raw[:, 0]), _padded(raw[:, 1])
    xs = np.linspace(x0, x1, grid, dtype=np.float32)
    ys = np.linspace(y0, y1, grid, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)  # row index = y, column index = x
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    return SurfacePlan("2d", xs, ys, dataset.scale(points), (x0, x1, y0, y1))


def _plan_1d(dataset: Dataset) -> SurfacePlan:
    raw = _all_raw(dataset)[:, 0]
    x0, x1 = _padded(raw)
    targets = np.concatenate([dataset.y_train, dataset.y_val])[:, 0]
    y0, y1 = _padded(targets)
    xs = np.linspace(x0, x1, GRID_1D, dtype=np.float32)
    return SurfacePlan("1d", xs, np.zeros(0, np.float32), dataset.scale(xs[:, None]),
                       (x0, x1, y0, y1))


def target_indices(y: np.ndarray) -> np.ndarray:
    """Encoded targets back to class indices: indices stay, a 0/1 column thresholds, one-hot argmaxes."""
    if y.ndim == 1:
        return y.astype(np.int64)
    if y.shape[1] == 1:
        return (y[:, 0] >= 0.5).astype(np.int64)
    return y.argmax(axis=1).astype(np.int64)


def predicted_indices(output: np.ndarray) -> np.ndarray:
    """The class the network picks: a single output column is thresholded at 0.5 (sigmoid, step)."""
    if output.shape[1] == 1:
        return (output[:, 0] >= 0.5).astype(np.int64)
    return output.argmax(axis=1).astype(np.int64)


def data_points(dataset: Dataset) -> DataPoints:
    """At most MAX_POINTS samples per part, in raw coordinates, with plain labels or values."""
    def part(x: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
        if len(x) > MAX_POINTS:
            rows = np.sort(np.random.default_rng(seed).choice(len(x), MAX_POINTS, replace=False))
            x, y = x[rows], y[rows]
        labels = target_indices(y) if dataset.task == "classification" else y[:, 0]
        return raw_inputs(dataset, x).astype(np.float32), labels

    x_train, y_train = part(dataset.x_train, dataset.y_train, 0)
    x_val, y_val = part(dataset.x_val, dataset.y_val, 1)
    return DataPoints(x_train, y_train, x_val, y_val)


def probabilities(output: np.ndarray, loss: str) -> np.ndarray:
    """(N, K) class probabilities from the Output layer's values, whatever the loss expects.

    Cross-entropy outputs are logits (softmax them); one column is p(class 1); several columns
    (one-hot targets with mse/bce) are clipped to [0, 1] and normalised.
    """
    if loss_entry(loss).class_indices:
        shifted = output - output.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True)
    clipped = np.clip(output, 0.0, 1.0)
    if output.shape[1] == 1:
        return np.concatenate([1.0 - clipped, clipped], axis=1)
    total = clipped.sum(axis=1, keepdims=True)
    return np.divide(clipped, total, out=np.full_like(clipped, 1.0 / clipped.shape[1]),
                     where=total > 1e-12)


def evaluate_surface(model, plan: SurfacePlan, loss: str,
                     classification: bool) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The output picture and every small layer's per-neuron maps, from one forward_all pass."""
    outputs = _forward_all(model, plan.inputs)
    final = outputs[-1].numpy().astype(np.float32)
    if plan.kind == "1d":
        return final[:, 0], {}
    g = len(plan.xs)
    if classification:
        probs = probabilities(final, loss).astype(np.float32)
        values = probs[:, 1] if probs.shape[1] == 2 else probs
    else:
        values = final[:, 0]
    values = values.reshape((g, g) + values.shape[1:])
    return values, _neuron_maps(model, outputs, g)


def _forward_all(model, inputs: np.ndarray) -> list:
    """Every layer's output in eval mode (dropout off), then the model's mode is restored."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model.forward_all(torch.as_tensor(inputs))
    finally:
        model.train(was_training)


def _neuron_maps(model, outputs: list, g: int) -> dict[str, np.ndarray]:
    """(units, G, G) for each Input/Dense layer small enough for the canvas' neurons view.

    A Dense layer's output already includes its activation, which is what the neuron "says".
    """
    maps = {}
    for layer_id, out in zip(model.layer_ids, outputs):
        if model.layer_types[layer_id] not in ("Input", "Dense") or out.dim() != 2:
            continue
        units = out.shape[1]
        if 1 <= units <= MAX_NEURONS:
            step = -(-g // MAP_GRID)  # a fine boundary grid, subsampled for the small tiles
            maps[layer_id] = np.ascontiguousarray(
                out.numpy().astype(np.float32).T.reshape(units, g, g)[:, ::step, ::step])
    return maps


def confusion_matrix(trainer, n_classes: int) -> tuple[np.ndarray, str]:
    """Counts on the validation set (the training set when there is none), rows = true class."""
    use_val = trainer.has_validation
    x = trainer.x_val if use_val else trainer.x_train
    y = trainer.y_val if use_val else trainer.y_train
    x, y = x[:MAX_CONFUSION_ROWS], y[:MAX_CONFUSION_ROWS]
    output = trainer.predict(x.numpy())
    true = target_indices(y.numpy())
    pred = np.clip(predicted_indices(output), 0, n_classes - 1)
    counts = np.bincount(true * n_classes + pred, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes), "validation" if use_val else "training"
