"""The training session: starts runs, routes their messages, and keeps the document consistent.

It is the only part of the training panel that changes the document during a run: it shows live
weights (no undo step), turns a finished run into ONE undo step, and restores the old weights after
a divergence or an error. It also watches the document: an edit during a run stops the run with a
message, except the weight changes it makes itself. Views only listen to its signals, which carry
messages of the current run only (stale run ids are dropped here).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot

from core.graph import GraphEvent
from core.network import Network
from gui.document import Document
from gui.training import runner
from gui.training.messages import (ConfusionUpdate, ProgressUpdate, RunEnded,
                                   RunPrepared, RunRequest, SurfaceUpdate, WeightsUpdate)

IDLE, PREPARING, RUNNING, PAUSED, STOPPING = "idle", "preparing", "running", "paused", "stopping"
EDIT_MESSAGES = {
    "graph": "The network was edited, so training stopped. Press Train to start again.",
    "dataset": "The dataset was changed, so training stopped. Press Train to start again.",
    "training": "The training settings were changed, so training stopped. Press Train to "
                "start again.",
}


@dataclass(frozen=True)
class RunInfo:
    """What the views show about a run before its first message arrives."""

    run_id: int
    number: int  # 1, 2, ... within this session, for legends
    label: str  # e.g. "run 2: adam lr 0.05 bs full"
    epoch_offset: int  # epochs already trained on these weights (curves continue from here)
    continued: bool


@dataclass(frozen=True)
class RunOutcome:
    """A finished run as the panel reports it (``ended`` is the worker's last message)."""

    info: RunInfo
    ended: RunEnded
    message: str  # what to show: the edit message when an edit stopped the run
    level: str  # "info" | "warning" | "error"


class TrainingSession(QObject):
    state_changed = Signal(str)
    run_started = Signal(object)  # RunInfo
    run_prepared = Signal(object)  # RunPrepared
    progressed = Signal(object)  # ProgressUpdate (batches and epochs)
    surface_updated = Signal(object)  # SurfaceUpdate
    confusion_updated = Signal(object)  # ConfusionUpdate
    training_finished = Signal(object)  # RunOutcome
    weights_state_changed = Signal()  # the graph's weights changed outside a run (Train/Continue)
    network_edited = Signal()  # an edit not made by the session (neuron maps become stale)
    document_reset = Signal()  # another network was opened: the views start over

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.state = IDLE
        self.run: runner.TrainingRun | None = None
        self.info: RunInfo | None = None
        self._run_ids = 0
        self._runs_started = 0
        self._applying = False  # our own weight changes must not look like user edits
        self._accept_weights = False
        self._weights_shown = False
        self._edit_reason: str | None = None
        self._last_result: tuple[dict, int] | None = None  # (weights after a run, epoch count)
        self.last_epoch = None  # core.training.EpochStats of the latest epoch
        self.owned_runs: list[runner.TrainingRun] = []  # joined on shutdown, even after deletion
        document.graph_changed.connect(self._on_graph_changed)
        document.network_changed.connect(self._on_network_changed)
        document.document_replaced.connect(self._on_document_replaced)

    # ----- queries -----------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.state != IDLE

    @property
    def current_run_id(self) -> int | None:
        return self.info.run_id if self.info is not None and self.active else None

    def graph_has_weights(self) -> bool:
        graph = self.document.graph
        return any(graph.weights(n) for n in graph.layer_ids())

    def threads_running(self) -> bool:
        return any(run.is_running() for run in runner.live_runs())

    # ----- commands ----------------------------------------------------------------------
    def train(self, first_step: str | None = None) -> None:
        """Start a run from the graph's current weights (continue) or fresh ones (none set)."""
        if self.state == PAUSED and first_step is None:
            self.resume()
            return
        if self.active:
            return
        self._run_ids += 1
        self._runs_started += 1
        self.info = self._run_info()
        request = RunRequest(self._run_ids, self._snapshot(), self._base_dir(), first_step,
                             epoch_offset=self.info.epoch_offset)
        self.run = runner.TrainingRun(request)
        self.owned_runs[:] = [r for r in self.owned_runs if r.is_running()] + [self.run]
        self._connect_worker(self.run.worker)
        self.document.begin_live_weights()
        self._accept_weights, self._weights_shown, self._edit_reason = True, False, None
        self.last_epoch = None
        self._set_state(PAUSED if first_step else PREPARING)
        self.run_started.emit(self.info)
        self.run.start()

    def pause(self) -> None:
        if self.state in (RUNNING, PREPARING) and self.run:
            self.run.pause()
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.state == PAUSED and self.run:
            self.run.resume()
            self._set_state(RUNNING)

    def step(self, unit: str) -> None:
        """One batch or one epoch: from a paused run, or a new run that pauses after it."""
        if self.state == IDLE:
            self.train(first_step=unit)
        elif self.state == PAUSED and self.run:
            self.run.step(unit)

    def stop(self) -> None:
        if self.run and self.state not in (IDLE, STOPPING):
            self.run.stop()
            self._set_state(STOPPING)

    def reset_weights(self) -> None:
        """Clear every layer's weights as ONE undo step; the next run starts from the seed."""
        if self.active:
            return
        graph, stack = self.document.graph, self.document.undo_stack
        layers = [n for n in graph.layer_ids() if graph.weights(n)]
        if not layers:
            return
        stack.beginMacro("Reset weights")
        try:
            for layer_id in layers:
                self.document.set_weights(layer_id, None, f"Reset weights of '{layer_id}'")
        finally:
            stack.endMacro()

    def shutdown(self) -> None:
        """Stop every run of this session and wait for the threads; keep what was trained."""
        self.run = None
        join_runs(self.owned_runs)
        if self.active:
            self._finish_live_weights(commit=self._weights_shown, text="Train (interrupted)")
            self.info = None
            self._set_state(IDLE)
        runner.prune_finished()

    # ----- worker messages (queued into the GUI thread) ----------------------------------
    def _connect_worker(self, worker) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        worker.prepared.connect(self.handle_prepared, queued)
        worker.progressed.connect(self.handle_progress, queued)
        worker.weights_updated.connect(self.handle_weights, queued)
        worker.surface_updated.connect(self.handle_surface, queued)
        worker.confusion_updated.connect(self.handle_confusion, queued)
        worker.run_ended.connect(self.handle_run_ended, queued)

    def _is_current(self, message) -> bool:
        return self.active and self.info is not None and message.run_id == self.info.run_id

    @Slot(object)
    def handle_prepared(self, message: RunPrepared) -> None:
        if self._is_current(message):
            if self.state == PREPARING:
                self._set_state(RUNNING)
            self.run_prepared.emit(message)

    @Slot(object)
    def handle_progress(self, message: ProgressUpdate) -> None:
        if self._is_current(message):
            if message.epochs:
                self.last_epoch = message.epochs[-1]
            self.progressed.emit(message)

    @Slot(object)
    def handle_weights(self, message: WeightsUpdate) -> None:
        if self._is_current(message) and self._accept_weights:
            self._show_weights(message.weights)

    @Slot(object)
    def handle_surface(self, message: SurfaceUpdate) -> None:
        if self._is_current(message):
            self.surface_updated.emit(message)

    @Slot(object)
    def handle_confusion(self, message: ConfusionUpdate) -> None:
        if self._is_current(message):
            self.confusion_updated.emit(message)

    @Slot(object)
    def handle_run_ended(self, message: RunEnded) -> None:
        if not self._is_current(message):
            return
        info = self.info
        if message.ok and message.weights is not None and self._accept_weights:
            self._show_weights(message.weights)
        commit = message.ok and self._weights_shown
        self._finish_live_weights(commit, _undo_text(message))
        if commit:
            self._last_result = (self._graph_weights(), info.epoch_offset + message.epochs_run)
        self.run = None
        self._set_state(IDLE)
        self.training_finished.emit(self._outcome(info, message))
        self.weights_state_changed.emit()
        runner.prune_finished()

    # ----- document ----------------------------------------------------------------------
    def _show_weights(self, weights: dict) -> None:
        self._applying = True
        try:
            self.document.set_live_weights(weights)
        finally:
            self._applying = False
        self._weights_shown = True

    def _finish_live_weights(self, commit: bool, text: str) -> None:
        self._applying = True
        try:
            if commit:
                self.document.commit_live_weights(text)
            else:
                self.document.cancel_live_weights()
        finally:
            self._applying = False

    def _on_graph_changed(self, event: GraphEvent) -> None:
        if self._applying or event.kind == "layer_moved":
            return  # moving a card changes nothing the run depends on
        self.network_edited.emit()
        if self.active:
            self._stop_for_edit("graph")
        elif event.kind in ("weights_changed", "graph_reset", "layer_removed", "layer_added"):
            self.weights_state_changed.emit()

    def _on_network_changed(self, field: str) -> None:
        if field in ("dataset", "training") and self.active:
            self._stop_for_edit(field)

    def _stop_for_edit(self, what: str) -> None:
        """Stop now; weights still in flight from the worker would no longer match the graph."""
        if self._edit_reason is None:
            self._edit_reason = EDIT_MESSAGES[what]
        self._accept_weights = False
        self.stop()

    def _on_document_replaced(self) -> None:
        """Another network: abandon the run (its messages become stale) and start over."""
        run, self.run = self.run, None
        if run is not None:
            run.stop()
        self.info = None
        self._last_result = None
        self._runs_started = 0
        self._set_state(IDLE)
        self.document_reset.emit()
        self.weights_state_changed.emit()

    # ----- helpers -----------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _snapshot(self) -> Network:
        network = self.document.network
        return Network(graph=network.graph.copy(), dataset=network.dataset,
                       training=network.training, name=network.name)

    def _base_dir(self) -> Path | None:
        path = self.document.path
        return Path(path).resolve().parent if path else None

    def _graph_weights(self) -> dict:
        graph = self.document.graph
        return {n: graph.weights(n) for n in graph.layer_ids() if graph.weights(n)}

    def _run_info(self) -> RunInfo:
        """Curves of a run that continues the previous one start where that one ended."""
        continued = self.graph_has_weights()
        offset = 0
        if self._last_result is not None and _same_weights(self._last_result[0],
                                                           self._graph_weights()):
            offset = self._last_result[1]
        label = f"run {self._runs_started}: {describe_settings(self.document.network)}"
        return RunInfo(self._run_ids, self._runs_started, label, offset, continued)

    def _outcome(self, info: RunInfo, ended: RunEnded) -> RunOutcome:
        if self._edit_reason is not None and ended.reason in ("stopped", "completed"):
            message = self._edit_reason
            if not self.document.validate_now().is_valid:
                message += (" Some trained weights may no longer fit the edited layers: see the "
                            "problems, or press Reset weights.")
            return RunOutcome(info, ended, message, "warning")
        level = {"diverged": "error", "error": "error"}.get(ended.reason, "info")
        return RunOutcome(info, ended, ended.message, level)


def join_runs(runs: list) -> None:
    """Stop and wait for runs (module-level so a destroyed panel can still call it)."""
    for run in list(runs):
        run.join()
    runs.clear()
    runner.prune_finished()


def describe_settings(network: Network) -> str:
    """A legend-sized summary: "adam lr 0.05 bs full"."""
    t = network.training
    batch = "full" if t.batch_size == 0 else str(t.batch_size)
    return f"{t.optimizer} lr {t.learning_rate:g} bs {batch}"


def _undo_text(ended: RunEnded) -> str:
    if ended.epochs_run:
        return f"Train {ended.epochs_run} epoch{'s' if ended.epochs_run != 1 else ''}"
    n = ended.batches_run
    return f"Train {n} batch{'es' if n != 1 else ''}"


def _same_weights(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    for layer, values in a.items():
        other = b[layer]
        if values.keys() != other.keys():
            return False
        if not all(np.array_equal(values[k], other[k]) for k in values):
            return False
    return True
