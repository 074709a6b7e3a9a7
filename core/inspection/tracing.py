"""The use case "trace one training step of this network": a snapshot of the network in, a trace out.

One implementation for `main.py inspect` and the inspector panel's worker (and the benchmark and
the tests), so both pick the same rows, refuse the same samples and word the same errors. The
model is compiled exactly as a training run would compile it (``prepare_run`` with the network's
seed: hand-set or trained weights from the graph, the seeded initialisation for the rest), and "the
current batch" is the first batch `Trainer` would take, as the CLI's ``inspect`` command does.
"""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from core.network import Network
from core.settings import TrainingSettings


@dataclass(frozen=True)
class TraceRequest:
    request_id: int
    network: Network  # a snapshot (graph copied), never the document's live network
    base_dir: Path | None
    sample: int | None  # a training-set row, or None for the current batch
    # The optimizer's state after the steps the user applied (Adam's moments, momentum), so the
    # next step continues them as training would; None = a fresh optimizer.
    optimizer_state: Any = None


@dataclass(frozen=True)
class TraceResult:
    request_id: int
    trace: Any = None  # core.inspection.Trace
    error: str | None = None
    error_node: str | None = None
    # What failed: "network" (cannot run), "dataset", "sample" (not a training row: a usage
    # error for the CLI) or "step" (torch refused the step, e.g. BatchNorm on one sample).
    error_kind: str | None = None
    after: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # weights to Apply
    seeded: tuple[str, ...] = ()  # trainable layers without weights in the graph
    layers: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # type, params
    output_id: str | None = None
    settings: TrainingSettings | None = None
    n_train: int = 0
    rows: tuple[int, ...] = ()
    x_rows: np.ndarray | None = None
    y_rows: np.ndarray | None = None
    optimizer_state: Any = None  # after this step: what the next request carries if applied
    continued: bool = False  # the request's optimizer state was used

    @property
    def ok(self) -> bool:
        return self.trace is not None


class DatasetCache:
    """Datasets keyed by their spec: a weight edit must not reload (or re-download) the data."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, Any] = {}

    def get(self, network: Network, loss: str, base_dir: Path | None):
        from core.datasets import load_dataset
        key = json.dumps([network.dataset.to_dict(), loss, str(base_dir)], sort_keys=True,
                         default=str)
        with self._lock:
            if key not in self._items:
                self._items = {key: load_dataset(network.dataset, loss, base_dir)}
            return self._items[key]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def snapshot(network: Network) -> Network:
    """A copy the worker may read while the user keeps editing the document."""
    return replace(network, graph=network.graph.copy())


def compute_trace(request: TraceRequest, cache: DatasetCache | None = None) -> TraceResult:
    """Compile, pick the rows, trace one step. Errors come back as plain text, never raised."""
    from core.compiler import extract_weights
    from core.datasets import DatasetError
    from core.run_setup import RunError, prepare_run
    network = request.network
    try:
        dataset = cache.get(network, network.loss_name(), request.base_dir) if cache else None
        run = prepare_run(network, request.base_dir, dataset=dataset, purpose="inspect")
    except DatasetError as exc:
        return TraceResult(request.request_id, error=f"Dataset: {exc}", error_kind="dataset")
    except RunError as exc:
        return TraceResult(request.request_id, error=str(exc), error_node=exc.node,
                           error_kind="network")
    n_train = len(run.dataset.x_train)
    if n_train == 0:
        return TraceResult(request.request_id, error="The dataset has no training samples.",
                           error_kind="dataset")
    if request.sample is not None and not 0 <= request.sample < n_train:
        return TraceResult(request.request_id, error_kind="sample", error=(
            f"Sample {request.sample} is not a row of the training set: choose a sample "
            f"between 0 and {n_train - 1}."))
    settings = step_settings(network)
    rows = _rows(run, settings, request.sample)
    seeded = tuple(node for node in run.model.layer_ids
                   if list(run.model.get_submodule(node).parameters())
                   and not network.graph.weights(node))
    optimizer, continued = _optimizer(run.model, settings, request.optimizer_state)
    try:
        trace = _trace(run, settings, rows, optimizer)
    except (RuntimeError, ValueError) as exc:  # e.g. BCE outside [0, 1], BatchNorm on one row
        return TraceResult(request.request_id, error=f"The step could not be traced: {exc}",
                           error_kind="step")
    layers = {node: (network.graph.layer_type(node), run.report.params[node])
              for node in run.model.layer_ids}
    return TraceResult(request.request_id, trace=trace, after=extract_weights(run.model),
                       seeded=seeded, layers=layers, output_id=run.model.output_id,
                       settings=settings, n_train=n_train, rows=tuple(rows),
                       x_rows=run.dataset.x_train[rows], y_rows=run.dataset.y_train[rows],
                       optimizer_state=_state_of(optimizer), continued=continued)


def step_settings(network: Network) -> TrainingSettings:
    """The settings of the step being traced, with the learning rate the schedule has reached:
    weights already trained for N epochs take their next step in epoch N + 1, exactly as
    Continue (and the CLI's train) would, so the inspector and a run never disagree on η."""
    from core.optim import scheduled_lr
    settings = network.training
    lr = scheduled_lr(settings, network.schedule_offset() + 1)
    return settings if lr == settings.learning_rate else settings.with_changes(learning_rate=lr)


def _optimizer(model, settings: TrainingSettings, state: Any):
    """The run's optimizer, continuing ``state`` when it fits this model (else a fresh one)."""
    from core.optim import make_optimizer
    optimizer = make_optimizer(model, settings)
    if state is None or not hasattr(optimizer, "load_state_dict"):
        return optimizer, False
    try:
        optimizer.load_state_dict(copy.deepcopy(state))
    except (ValueError, KeyError, RuntimeError):  # another network or optimizer since
        return make_optimizer(model, settings), False
    for group in optimizer.param_groups:  # the settings' learning rate, not the saved one
        group["lr"] = settings.learning_rate
    return optimizer, True


def _state_of(optimizer) -> Any:
    """The trace's optimizer is thrown away, so its state needs no copy here; `_optimizer`
    copies it once when a later step loads it (Adam updates its moments in place)."""
    return optimizer.state_dict() if hasattr(optimizer, "state_dict") else None


def _rows(run, settings: TrainingSettings, sample: int | None) -> list[int]:
    if sample is not None:  # checked against the training set by compute_trace
        return [sample]
    from core.training import Trainer
    trainer = Trainer(run.model, run.dataset, settings, run.loss)
    return trainer.first_batch_rows()  # the batch training would take first


def _trace(run, settings: TrainingSettings, rows: list[int], optimizer):
    from core.inspection.trace import trace_step
    return trace_step(run.model, run.dataset.x_train[rows], run.dataset.y_train[rows], run.loss,
                      settings, optimizer=optimizer, sample_indices=rows)
