"""What the training worker sends to the GUI thread: frozen records of plain numbers and arrays.

Every record carries the ``run_id`` of the run that produced it, so the session can drop messages
that were already queued when a run was stopped or abandoned (CONVENTIONS rule 5). The records hold
core's own stats objects (BatchStats, EpochStats) untouched; nothing here imports torch or Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from core.network import Network
from core.probes_data import DataPoints

Weights = dict[str, dict[str, np.ndarray]]
BIG_NETWORK = 2000  # parameters; above this the canvas cannot show every weight anyway


class RunState(StrEnum):
    """Where the training session is. String-valued, so logs and tests read "paused"."""

    IDLE = "idle"
    PREPARING = "preparing"  # loading the data and compiling in the worker
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"  # asked to stop; the run's last message is on its way
    FINISHED = "finished"  # the run's last message arrived: its result goes into the document

    @property
    def active(self) -> bool:
        """A run exists that the session must follow (FINISHED is only a moment long)."""
        return self not in (RunState.IDLE, RunState.FINISHED)


@dataclass(frozen=True)
class RunRequest:
    """Everything a worker needs, copied at the Train click so later edits cannot reach the run."""

    run_id: int
    network: Network  # a snapshot: its graph is a copy, its settings are frozen records
    base_dir: Path | None = None
    first_step: str | None = None  # None = run freely; "batch"/"epoch" = start paused after it
    epoch_offset: int = 0  # epochs the weights already had: the learning-rate schedule goes on
    preview: bool = False  # no training: only picture the weights (a reopened file's boundary)
    # Seconds between messages of each kind (each one costs the GUI thread a few milliseconds
    # of Python while it holds the GIL; see bench/gui_training.py for the measured trade-off).
    progress_interval: float = 0.05  # batched batch/epoch stats: 20 Hz, what the plots show
    weights_interval: float = 0.1  # weight snapshots for the canvas: 10 Hz ...
    big_weights_interval: float = 0.25  # ... 4 Hz above BIG_NETWORK parameters
    surface_interval: float = 0.1  # decision-boundary grids: 10 Hz
    surface_grid: int = 60  # points per side of the boundary grid: what the view needs
    confusion_interval: float = 0.25  # confusion matrix of the latest epoch: 4 Hz
    gallery_interval: float = 1.0  # image samples' answers (a second forward pass): 1 Hz


@dataclass(frozen=True)
class RunPrepared:
    """The dataset is loaded and the network compiled: what the views need to set themselves up."""

    run_id: int
    dataset_name: str
    task: str  # classification | regression
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    input_shape: tuple[int, ...]
    epochs: int
    batches_per_epoch: int
    train_rows: int
    val_rows: int
    surface_kind: str | None  # "2d" (decision boundary), "1d" (fitted curve) or None
    extent: tuple[float, float, float, float] | None  # x0, x1, y0, y1 of the picture
    target_range: tuple[float, float] | None  # regression: colour scale of the outputs
    points: DataPoints | None
    image_shape: tuple[int, int] | None = None  # (H, W): the samples are pictures (a gallery)


@dataclass(frozen=True)
class ProgressUpdate:
    """Batches and epochs finished since the previous update, in order.

    The worker collects them and sends at most ~30 updates a second (and at every pause and at
    the end), so a 300-epoch XOR run that takes half a second is ~15 messages, not 600.
    """

    run_id: int
    batches: tuple[Any, ...]  # core.training.BatchStats
    epochs: tuple[Any, ...] = ()  # core.training.EpochStats


@dataclass(frozen=True)
class WeightsUpdate:
    run_id: int
    weights: Weights


@dataclass(frozen=True)
class SurfaceUpdate:
    """The network's answer over a grid of inputs.

    2-D: ``values`` is (G, G) — p(class 1) for two classes or the regression output — or
    (G, G, K) class probabilities for K > 2; row index = y, column index = x. 1-D: ``values`` is
    (G,) outputs along ``xs``. ``neuron_maps`` maps a layer id to its (units, G, G) outputs.
    """

    run_id: int
    epoch: int  # epochs completed when the grid was computed
    values: np.ndarray
    xs: np.ndarray
    ys: np.ndarray
    neuron_maps: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class ConfusionUpdate:
    """Rows are true classes, columns predicted classes, counted on ``subset``."""

    run_id: int
    epoch: int
    matrix: np.ndarray
    class_names: tuple[str, ...]
    subset: str  # "validation" | "training"

    @property
    def per_class_accuracy(self) -> np.ndarray:
        totals = self.matrix.sum(axis=1)
        return np.divide(np.diag(self.matrix), totals, out=np.full(len(totals), np.nan),
                         where=totals > 0)


@dataclass(frozen=True)
class GalleryUpdate:
    """Image samples with the network's answers, mistakes first (core.samples).

    ``images`` are (N, H, W) raw pixel values; ``levels`` the (low, high) of the whole subset,
    so every tile shares one grey scale; ``mistakes`` counts the wrong answers in the subset of
    ``total`` samples, of which the gallery shows the first N.
    """

    run_id: int
    epoch: int
    images: np.ndarray
    true: np.ndarray  # class indices
    predicted: np.ndarray
    confidence: np.ndarray  # the network's probability for its predicted class
    class_names: tuple[str, ...]
    subset: str  # "validation" | "training"
    mistakes: int
    total: int
    levels: tuple[float, float] = (0.0, 1.0)


@dataclass(frozen=True)
class RunEnded:
    """The last message of a run. ``reason``: completed, stopped, early_stopping, diverged, error.

    ``weights`` are the final weights (None after divergence or an error: the graph keeps the
    weights it had before the run). ``node`` names the layer an error is about, when known.
    """

    run_id: int
    reason: str
    message: str
    epochs_run: int = 0
    batches_run: int = 0
    elapsed: float = 0.0
    weights: Weights | None = None
    node: str | None = None
    health: str | None = None  # the run learned nothing: stuck | saturated | exploding
    advice: str = ""  # why, and what to try (core.run_health)

    @property
    def ok(self) -> bool:
        return self.reason in ("completed", "stopped", "early_stopping")
