"""The training session: starts runs, routes their messages, and keeps the document consistent.

A run's weights are a view, not an edit (CONVENTIONS rule 13): while it trains, its snapshots go to
the document's live overlay (`Document.live`), which the canvas and the weights table draw; the
model is untouched. The document changes once — when the run ends (one undo step "Train N epochs",
with the network's trained state: epochs and the run's curves) or when an edit interrupts it ("Train
(interrupted)", made by the document before the edit) — and a run that diverged or failed leaves it
as it was. The session also watches the document: an edit during a run stops the run with a message.
Views only listen to its signals, which carry messages of the current run only (stale run ids are
dropped here).

Runs and the picture of a reopened file's weights are jobs of the one generator worker
(gui.workers); their messages arrive as tuples of typed records and are dispatched by type.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot

from core.datasets.builtin import BUILTIN
from core.graph import LAYOUT_EVENTS, GraphEvent
from core.network import Network, TrainedState, describe_settings
from gui import workers
from gui.data_access import data_guard
from gui.document import Document
from gui.training.messages import (ConfusionUpdate, GalleryUpdate, ProgressUpdate, RunEnded,
                                   RunPrepared, RunRequest, RunState, SurfaceUpdate,
                                   WeightsUpdate)
from gui.training.worker import RunControl, describe_error, run_training

__all__ = ["RunInfo", "RunOutcome", "RunState", "TrainingSession", "describe_settings",
           "join_runs"]

RESET_TEXTS = {"starting": "Reset weights to the lesson's starting weights",
               "random": "Re-initialise weights randomly"}
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
    number: int  # 1, 2, ... within the network's run history, for legends
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
    state_changed = Signal(str)  # a RunState
    run_started = Signal(object)  # RunInfo
    run_prepared = Signal(object)  # RunPrepared
    progressed = Signal(object)  # ProgressUpdate (batches and epochs)
    surface_updated = Signal(object)  # SurfaceUpdate (of a run, or of the saved weights)
    confusion_updated = Signal(object)  # ConfusionUpdate (likewise)
    gallery_updated = Signal(object)  # GalleryUpdate (likewise; image datasets)
    training_finished = Signal(object)  # RunOutcome
    weights_state_changed = Signal()  # the graph's weights changed outside a run (Train/Continue)
    network_edited = Signal()  # an edit not made by the session (neuron maps become stale)
    document_reset = Signal()  # another network was opened: the views start over
    history_changed = Signal()  # the network's run history changed, not by a run (undo, clear)
    preview_prepared = Signal(object)  # RunPrepared of a picture of the weights, no training

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.state = RunState.IDLE
        self.run: workers.GeneratorWorker | None = None
        self.info: RunInfo | None = None
        self.last_epoch = None  # core.training.EpochStats of the latest epoch
        self.owned_runs: list[workers.GeneratorWorker] = []  # joined on shutdown, even late
        self._run_ids = 0
        self._preview_id: int | None = None
        self._edit_reason: str | None = None
        self._epochs: list = []  # the current run's EpochStats, for its record in the history
        self._batches_seen = 0
        self._started = 0.0
        self._run_settings = document.network.training  # what the current run trains with
        self.surface_grid = lambda: 60  # boundary grid points per side; the panel asks its view
        self.speed: float | None = None  # slow motion: epochs/s at most (None: full speed)
        self._handlers = {RunPrepared: self.handle_prepared, ProgressUpdate: self.handle_progress,
                          WeightsUpdate: self.handle_weights, SurfaceUpdate: self.handle_surface,
                          ConfusionUpdate: self.handle_confusion, RunEnded: self.handle_run_ended,
                          GalleryUpdate: self.handle_gallery}
        document.graph_changed.connect(self._on_graph_changed)
        document.network_changed.connect(self._on_network_changed)
        document.document_replaced.connect(self._on_document_replaced)
        document.run_interrupted.connect(self._on_run_interrupted)

    # ----- queries -----------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.state.active

    def graph_has_weights(self) -> bool:
        return self.document.network.has_weights()

    def threads_running(self) -> bool:
        return any(worker.is_running() for worker in self.owned_runs)

    def expected_task(self) -> str | None:
        """"classification" or "regression" as the file says before any data is loaded (its
        latest saved run, else the built-in dataset, else a declared task); None when unknown."""
        network = self.document.network
        if network.trained.runs:
            classified = network.trained.runs[-1].curves.get("train_accuracy") is not None
            return "classification" if classified else "regression"
        spec = network.dataset
        if spec.source == "builtin" and spec.name in BUILTIN:
            return BUILTIN[spec.name].task
        declared = spec.params.get("task")
        return declared if declared in ("classification", "regression") else None

    @property
    def weights_shown(self) -> bool:
        """The current run's weights are on the canvas (it has sent a snapshot)."""
        return self.document.live.has_values

    # ----- commands ----------------------------------------------------------------------
    def train(self, first_step: str | None = None) -> None:
        """Start a run from the graph's current weights (continue) or fresh ones (none set)."""
        if self.state == RunState.PAUSED and first_step is None:
            self.resume()
            return
        if self.active:
            return
        if not data_guard(self.document).allowed(self.document.network.dataset, self._base_dir()):
            return  # the user said no to data from outside the network file's folder
        self._stop_preview()  # its late pictures would show the weights before this run
        self._run_ids += 1
        self.info = self._run_info()
        request = RunRequest(self._run_ids, self._snapshot(), self._base_dir(), first_step,
                             epoch_offset=self.info.epoch_offset,
                             surface_grid=self.surface_grid())
        self.run = self._start_job(request, RunControl(first_step, self.speed))
        self._run_settings = request.network.training
        self.document.begin_live_weights(self._trained_so_far)
        self._edit_reason, self.last_epoch = None, None
        self._epochs, self._batches_seen, self._started = [], 0, time.perf_counter()
        self._set_state(RunState.PAUSED if first_step else RunState.PREPARING)
        self.run_started.emit(self.info)

    def pause(self) -> None:
        if self.state in (RunState.RUNNING, RunState.PREPARING) and self.run:
            self.run.control.pause()
            self._set_state(RunState.PAUSED)

    def resume(self) -> None:
        if self.state == RunState.PAUSED and self.run:
            self.run.control.resume()
            self._set_state(RunState.RUNNING)

    def step(self, unit: str) -> None:
        """One batch or one epoch: from a paused run, or a new run that pauses after it."""
        if self.state == RunState.IDLE:
            self.train(first_step=unit)
        elif self.state == RunState.PAUSED and self.run:
            self.run.control.step(unit)

    def set_speed(self, speed: float | None) -> None:
        """Slow motion (epochs per second at most) for this run and the next ones; None is
        full speed. A view setting: the document does not change."""
        self.speed = speed
        if self.run is not None:
            self.run.control.set_speed(speed)

    def stop(self) -> None:
        if self.run and self.active and self.state != RunState.STOPPING:
            self.run.control.stop()
            self._set_state(RunState.STOPPING)

    def reset_choices(self) -> tuple[str, ...]:
        """What Reset weights can do for this network, the default first: "starting" (back to
        the weights the file held when opened — a lesson's given start) when it has them, and
        "random" (clear them: the next run draws them from the seed)."""
        return ("starting", "random") if self.document.starting_weights() else ("random",)

    def reset_availability(self) -> dict[str, bool]:
        """Each of `reset_choices` -> whether it would change anything now (idle only)."""
        graph, idle = self.document.graph, self.state == RunState.IDLE
        has_weights = any(graph.weights(n) for n in graph.layer_ids())
        available = {}
        for choice in self.reset_choices():
            if choice == "starting":
                starting = self.document.starting_weights()
                changes = self.document.network.trained.epochs > 0 or not _same_weights(
                    {n: graph.weights(n) for n in graph.layer_ids() if graph.weights(n)}, starting)
                available[choice] = idle and changes
            else:
                available[choice] = idle and has_weights
        return available

    def reset_weights(self, to: str | None = None) -> None:
        """Reset every layer's weights as ONE undo step, to ``to`` (a `reset_choices` entry;
        None: the default); the schedule starts again. The old runs' curves stay, to compare."""
        if self.active:
            return
        document, stack = self.document, self.document.undo_stack
        to = to or self.reset_choices()[0]
        starting = document.starting_weights() if to == "starting" else {}
        layers = [n for n in document.graph.layer_ids() if document.graph.weights(n) or n in starting]
        if not layers:
            return
        stack.beginMacro(RESET_TEXTS[to])
        try:
            for layer_id in layers:
                weights = starting.get(layer_id)
                document.set_weights(layer_id, {k: v.copy() for k, v in weights.items()}
                                     if weights else None, f"Reset weights of '{layer_id}'")
            document.set_trained(document.network.trained.with_fresh_weights())
        finally:
            stack.endMacro()

    def clear_history(self) -> None:
        """Forget the faded runs (one undo step); the latest run's curves stay."""
        trained = self.document.network.trained
        if not self.active and len(trained.runs) > 1:
            self.document.set_trained(trained.without_history(), "Clear run history")

    def show_saved_state(self) -> None:
        """Picture the weights the document holds — decision boundary, confusion matrix,
        neuron maps — without training, e.g. for a reopened file."""
        self._stop_preview()
        network = self.document.network
        if self.active or not network.has_weights() or \
                data_guard(self.document).unapproved(network.dataset, self._base_dir()):
            return  # nothing to picture, or data outside the file's folder not yet allowed
        self._run_ids += 1
        self._preview_id = self._run_ids
        request = RunRequest(self._run_ids, self._snapshot(), self._base_dir(), preview=True,
                             surface_grid=self.surface_grid(),
                             epoch_offset=self.document.network.schedule_offset())
        self._start_job(request, RunControl())

    def shutdown(self) -> None:
        """Stop every job of this session and wait for the threads; keep what was trained."""
        self.run = None
        self._preview_id = None
        join_runs(self.owned_runs)
        if self.active:
            self._set_state(RunState.FINISHED)
            self._finish_live_weights(self.document.live.has_values, "Train (interrupted)",
                                      self._trained_so_far())
            self.info = None
            self._set_state(RunState.IDLE)
        workers.prune_finished()

    # ----- jobs and their messages (queued into the GUI thread) --------------------------
    def _start_job(self, request: RunRequest, control: RunControl) -> workers.GeneratorWorker:
        kind = "preview" if request.preview else "run"
        worker = workers.GeneratorWorker(run_training, request, control, control=control,
                                         name=f"training-{kind}-{request.run_id}")
        queued = Qt.ConnectionType.QueuedConnection
        worker.yielded.connect(self._on_yielded, queued)
        worker.errored.connect(self._on_errored, queued)
        self.owned_runs[:] = [w for w in self.owned_runs if w.is_running()] + [worker]
        worker.start()
        return worker

    @Slot(object)
    def _on_yielded(self, messages: tuple) -> None:
        for message in messages:
            self._handlers[type(message)](message)

    @Slot(object)
    def _on_errored(self, exc: BaseException) -> None:
        """The run's job raised: report it as the run's end; the document stays as it was."""
        if self.sender() is not self.run or not self.active or self.info is None:
            return  # a picture of saved weights that failed, or an abandoned run
        self.handle_run_ended(RunEnded(
            self.info.run_id, "error", describe_error(exc), len(self._epochs),
            self._batches_seen, time.perf_counter() - self._started,
            node=getattr(exc, "node", None)))

    def _is_current(self, message) -> bool:
        return self.active and self.info is not None and message.run_id == self.info.run_id

    def _is_preview(self, message) -> bool:
        return not self.active and message.run_id == self._preview_id

    @Slot(object)
    def handle_prepared(self, message: RunPrepared) -> None:
        if self._is_current(message):
            if self.state == RunState.PREPARING:
                self._set_state(RunState.RUNNING)
            self.run_prepared.emit(message)
        elif self._is_preview(message):
            self.preview_prepared.emit(message)

    @Slot(object)
    def handle_progress(self, message: ProgressUpdate) -> None:
        if self._is_current(message):
            self._epochs.extend(message.epochs)
            self._batches_seen += len(message.batches)
            if message.epochs:
                self.last_epoch = message.epochs[-1]
            self.progressed.emit(message)

    @Slot(object)
    def handle_weights(self, message: WeightsUpdate) -> None:
        if self._is_current(message):
            self.document.live.show(message.weights)  # ignored once an edit committed them

    @Slot(object)
    def handle_surface(self, message: SurfaceUpdate) -> None:
        if self._is_current(message) or self._is_preview(message):
            self.surface_updated.emit(message)

    @Slot(object)
    def handle_confusion(self, message: ConfusionUpdate) -> None:
        if self._is_current(message) or self._is_preview(message):
            self.confusion_updated.emit(message)

    @Slot(object)
    def handle_gallery(self, message: GalleryUpdate) -> None:
        if self._is_current(message) or self._is_preview(message):
            self.gallery_updated.emit(message)

    @Slot(object)
    def handle_run_ended(self, message: RunEnded) -> None:
        if not self._is_current(message):
            return
        info = self.info
        live = self.document.live
        if message.ok and message.weights is not None:
            live.show(message.weights)
        self._set_state(RunState.FINISHED)  # the document changes below are the run's own
        self._finish_live_weights(message.ok and live.has_values, _undo_text(message),
                                  self._trained_after(message.reason))
        self.run = None
        self._set_state(RunState.IDLE)
        self.training_finished.emit(self._outcome(info, message))
        self.weights_state_changed.emit()
        workers.prune_finished()

    # ----- document ----------------------------------------------------------------------
    def _trained_after(self, reason: str) -> TrainedState:
        """The network's trained state once the current run's epochs so far are counted."""
        network = self.document.network
        return network.trained.after_run(self._run_settings, self.info.epoch_offset, reason,
                                         self._epochs)

    def _trained_so_far(self) -> TrainedState:
        return self._trained_after("stopped")

    def _finish_live_weights(self, commit: bool, text: str, trained: TrainedState) -> None:
        if commit:
            self.document.commit_live_weights(text, trained)
        else:
            self.document.cancel_live_weights()

    def _on_graph_changed(self, event: GraphEvent) -> None:
        if self.state == RunState.FINISHED or event.kind in LAYOUT_EVENTS:
            return  # the run's own result, or a card moved or renamed (nothing the run uses)
        self.network_edited.emit()
        if self.active:
            self._stop_for_edit("graph")
        elif event.kind in ("weights_changed", "graph_reset", "layer_removed", "layer_added"):
            self.weights_state_changed.emit()

    def _on_network_changed(self, field: str) -> None:
        if field in ("dataset", "training") and self.active:
            self._stop_for_edit(field)
        elif field == "trained" and self.state == RunState.IDLE:
            self.history_changed.emit()  # undo/redo of a run, Reset weights, Clear history

    def _on_run_interrupted(self, cause: str) -> None:
        """The document names the edit that is about to stop the run (before its events)."""
        if self.active and self._edit_reason is None and cause:
            self._edit_reason = edit_message(cause)

    def _stop_for_edit(self, what: str) -> None:
        """Stop now; the weights trained so far were committed before the edit (the document
        does that), and later snapshots from the worker are no longer shown."""
        if self._edit_reason is None:
            self._edit_reason = EDIT_MESSAGES[what]
        self.document.live.end()
        self.stop()

    def _on_document_replaced(self) -> None:
        """Another network: abandon the run (its messages become stale) and start over."""
        run, self.run = self.run, None
        if run is not None:
            run.quit()
        self.info = None
        self._set_state(RunState.IDLE)
        self.document_reset.emit()
        self.weights_state_changed.emit()
        self.show_saved_state()

    def _stop_preview(self) -> None:
        self._preview_id = None  # its messages are stale from now on
        for worker in self.owned_runs:
            if worker is not self.run:
                worker.quit()

    # ----- helpers -----------------------------------------------------------------------
    def _set_state(self, state: RunState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _snapshot(self) -> Network:
        network = self.document.network
        return replace(network, graph=network.graph.copy())

    def _base_dir(self) -> Path | None:
        path = self.document.path
        return Path(path).resolve().parent if path else None

    def _run_info(self) -> RunInfo:
        """Curves of a run that continues trained weights start where those epochs ended."""
        network = self.document.network
        number = network.trained.next_run_number
        label = f"run {number}: {describe_settings(network.training)}"
        return RunInfo(self._run_ids, number, label, network.schedule_offset(),
                       network.has_weights())

    def _outcome(self, info: RunInfo, ended: RunEnded) -> RunOutcome:
        if self._edit_reason is not None and ended.reason in ("stopped", "completed"):
            message = self._edit_reason
            if not self.document.validate_now().is_valid:
                message += (" Some trained weights may no longer fit the edited layers: see the "
                            "problems, or press Reset weights.")
            return RunOutcome(info, ended, message, "warning")
        level = {"diverged": "error", "error": "error"}.get(ended.reason, "info")
        if ended.health:  # it ran to the end but learned nothing: say why, as for divergence
            return RunOutcome(info, ended, ended.advice, "warning")
        return RunOutcome(info, ended, ended.message, level)


def _same_weights(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[n].keys() == b[n].keys() and all(np.array_equal(a[n][k], b[n][k]) for k in a[n]) for n in a)


def edit_message(cause: str) -> str:
    """Why the run stopped, naming the edit by its undo text ("Set units of 'hidden'")."""
    return (f"Training stopped for your edit “{cause}”: a run trains the network as it was when "
            "it started. The weights trained so far are kept; press Train to go on.")


def join_runs(runs: list) -> None:
    """Abort and wait for jobs (module-level so a destroyed panel can still call it)."""
    for worker in list(runs):
        worker.join()
    runs.clear()
    workers.prune_finished()


def _undo_text(ended: RunEnded) -> str:
    if ended.epochs_run:
        return f"Train {ended.epochs_run} epoch{'s' if ended.epochs_run != 1 else ''}"
    n = ended.batches_run
    return f"Train {n} batch{'es' if n != 1 else ''}"
