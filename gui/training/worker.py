"""The training worker: a QObject living in its own QThread that drives core's training generator.

It never touches a widget or the document (CONVENTIONS rule 5). It pulls events from
`Trainer.run()`, batches what the GUI needs and emits frozen records (gui.training.messages)
through queued signals, each tagged with the run id. Commands come the other way through a
`RunControl`: plain threading primitives, because the worker's own event loop is busy while it
trains. torch is imported inside `run`, so importing this module stays cheap.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from gui.training.messages import (BIG_NETWORK, ConfusionUpdate, ProgressUpdate, RunEnded,
                                   RunPrepared, RunRequest, SurfaceUpdate, WeightsUpdate)

log = logging.getLogger(__name__)
WAIT_SLICE = 0.05  # seconds; a paused worker re-checks the stop flag at least this often


class RunControl:
    """Pause / resume / step / stop, set from the GUI thread and read by the worker.

    ``mode`` is "run", "pause", "batch" (train ``steps`` batches, then pause) or "epoch". Steps
    requested while one is under way add up, so pressing F7 five times trains five epochs. Stop is
    a `threading.Event` because core's generator checks it before every batch.
    """

    def __init__(self, first_step: str | None = None) -> None:
        self.stop_event = threading.Event()
        self._condition = threading.Condition()
        self._mode = first_step or "run"
        self._steps = 1 if first_step else 0

    @property
    def mode(self) -> str:
        return self._mode

    def _set(self, mode: str, steps: int = 0) -> None:
        with self._condition:
            self._mode, self._steps = mode, steps
            self._condition.notify_all()

    def resume(self) -> None:
        self._set("run")

    def pause(self) -> None:
        self._set("pause")

    def step(self, unit: str) -> None:
        """Train one more "batch" or "epoch", then pause again."""
        with self._condition:
            if self._mode == unit:
                self._steps += 1
            else:
                self._mode, self._steps = unit, 1
            self._condition.notify_all()

    def stop(self) -> None:
        self.stop_event.set()
        with self._condition:
            self._condition.notify_all()

    @property
    def stopped(self) -> bool:
        return self.stop_event.is_set()

    def pause_due(self, event) -> bool:
        """After ``event``: should the worker pause now? Counts down requested steps.

        A batch step that completes an epoch waits for that epoch's stats (the next event) so the
        plots show the epoch; the run's very last epoch never pauses, so the run can finish.
        """
        with self._condition:
            kind = type(event).__name__
            done = (kind == "BatchStats" and self._mode == "batch" and event.batch < event.batches) \
                or (kind == "EpochStats" and self._mode in ("batch", "epoch")
                    and event.epoch < event.epochs)
            if done:
                self._steps -= 1
                if self._steps <= 0:
                    self._mode, self._steps = "pause", 0
            return self._mode == "pause"

    def wait_while_paused(self) -> None:
        with self._condition:
            while self._mode == "pause" and not self.stop_event.is_set():
                self._condition.wait(WAIT_SLICE)


class _Throttle:
    """True at most once per ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.last = -1e9

    def due(self, now: float) -> bool:
        if now - self.last >= self.interval:
            self.last = now
            return True
        return False


class TrainingWorker(QObject):
    prepared = Signal(object)  # RunPrepared
    progressed = Signal(object)  # ProgressUpdate
    weights_updated = Signal(object)  # WeightsUpdate
    surface_updated = Signal(object)  # SurfaceUpdate
    confusion_updated = Signal(object)  # ConfusionUpdate
    run_ended = Signal(object)  # RunEnded, always the last message

    def __init__(self, request: RunRequest, control: RunControl) -> None:
        super().__init__()
        self.request = request
        self.control = control
        self.run_id = request.run_id
        self._pending: list = []
        self._pending_epochs: list = []
        self._confusion_due = False
        self._progress = _Throttle(request.progress_interval)
        self._weights = _Throttle(request.weights_interval)
        self._surface = _Throttle(request.surface_interval)
        self._confusion = _Throttle(request.confusion_interval)
        self._trainer = None
        self._plan = None
        self._batches_run = 0
        self._started = 0.0

    # ----- the run -----------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """Entry point, called in the worker thread by QThread.started."""
        self._started = time.perf_counter()
        try:
            import torch
            torch.set_num_threads(1)  # leave the GUI thread a core (measured in CONVENTIONS)
            if self._prepare():
                self._train()
        except Exception as exc:  # noqa: BLE001 - anything becomes a plain message, never a crash
            log.debug("training run %s failed:\n%s", self.run_id, traceback.format_exc())
            self.run_ended.emit(RunEnded(self.run_id, "error", describe_error(exc),
                                         self._epochs_run(), self._batches_run, self._elapsed(),
                                         node=getattr(exc, "node", None)))
        finally:
            self.moveToThread(QCoreApplication.instance().thread())  # safe to delete from the GUI
            QThread.currentThread().quit()

    def _prepare(self) -> bool:
        """Validate, load the data and compile in this thread (torch import, CSV parsing)."""
        from core.run_setup import prepare_run
        from core.training import Trainer
        from core import probes

        network = self.request.network
        prepared = prepare_run(network, self.request.base_dir)
        if self.control.stopped:
            self.run_ended.emit(RunEnded(self.run_id, "stopped", "Stopped before the first batch.",
                                         elapsed=self._elapsed()))
            return False
        self._trainer = Trainer(prepared.model, prepared.dataset, network.training, prepared.loss,
                                schedule_offset=self.request.epoch_offset)
        size = sum(p.numel() for p in prepared.model.parameters())
        if size > BIG_NETWORK:
            self._weights.interval = self.request.big_weights_interval
        self._plan = probes.surface_plan(prepared.dataset)
        self.prepared.emit(self._describe(prepared.dataset, probes))
        return True

    def _describe(self, dataset, probes) -> RunPrepared:
        plan, trainer = self._plan, self._trainer
        target_range = None
        if dataset.task == "regression":
            values = dataset.y_train[:, 0] if len(dataset.y_train) else dataset.y_val[:, 0]
            target_range = (float(values.min()), float(values.max()))
        return RunPrepared(
            self.run_id, dataset.name, dataset.task, tuple(dataset.class_names),
            tuple(dataset.feature_names), tuple(dataset.input_shape), trainer.settings.epochs,
            -(-len(dataset.x_train) // max(trainer.batch_size(), 1)), len(dataset.x_train),
            len(dataset.x_val), plan.kind if plan else None, plan.extent if plan else None,
            target_range, probes.data_points(dataset) if plan else None)

    def _train(self) -> None:
        trainer = self._trainer
        self.control.wait_while_paused()  # paused while the data was still loading
        for event in trainer.run(self.control.stop_event):
            kind = type(event).__name__
            if kind == "BatchStats":
                self._on_batch(event)
            elif kind == "EpochStats":
                self._on_epoch(event)
            else:
                self._on_finished(event)
                return
            if self.control.pause_due(event) and not self.control.stopped:
                self._flush(force=True)
                self.control.wait_while_paused()

    # ----- per event ---------------------------------------------------------------------
    def _on_batch(self, stats) -> None:
        self._batches_run += 1
        self._pending.append(stats)
        self._flush(force=False)

    def _on_epoch(self, stats) -> None:
        self._pending_epochs.append(stats)
        trainer = self._trainer
        self._confusion_due = trainer.classification and trainer.dataset.n_classes >= 2
        self._flush(force=False, epoch=stats.epoch)

    def _on_finished(self, finished) -> None:
        """Last stats, the final pictures, and the final weights unless the run diverged (the
        panel then restores the weights it had before the run)."""
        self._send_progress()
        weights = None
        if finished.reason != "diverged":
            from core.compiler import extract_weights
            if self._confusion_due:
                self._send_confusion(finished.epochs_run)
            weights = extract_weights(self._trainer.model)
            self._send_surface(finished.epochs_run)
        self.run_ended.emit(RunEnded(self.run_id, finished.reason, finished.message,
                                     finished.epochs_run, self._batches_run, finished.elapsed,
                                     weights))

    def _flush(self, force: bool, epoch: int | None = None) -> None:
        """Send what is due (rates in RunRequest); ``force`` at a pause sends everything now."""
        now = time.perf_counter()
        if force or self._progress.due(now):
            self._send_progress()
        if self._confusion_due and (force or self._confusion.due(now)):
            self._confusion_due = False
            self._send_confusion(self._epochs_run())
        if force or self._weights.due(now):
            self._send_weights()
        if self._plan is not None and (force or self._surface.due(now)):
            self._send_surface(epoch if epoch is not None else self._epochs_run())

    # ----- messages ----------------------------------------------------------------------
    def _send_progress(self) -> None:
        """Batches and epochs since the last update, in order."""
        if self._pending or self._pending_epochs:
            self.progressed.emit(ProgressUpdate(self.run_id, tuple(self._pending),
                                                tuple(self._pending_epochs)))
            self._pending, self._pending_epochs = [], []

    def _send_weights(self) -> None:
        from core.compiler import extract_weights
        self.weights_updated.emit(WeightsUpdate(self.run_id, extract_weights(self._trainer.model)))

    def _send_surface(self, epoch: int) -> None:
        if self._plan is None:
            return
        from core import probes
        trainer = self._trainer
        values, maps = probes.evaluate_surface(trainer.model, self._plan, trainer.loss_name,
                                               trainer.classification)
        self.surface_updated.emit(SurfaceUpdate(self.run_id, epoch, values, self._plan.xs,
                                                self._plan.ys, maps))

    def _send_confusion(self, epoch: int) -> None:
        from core import probes
        dataset = self._trainer.dataset
        matrix, subset = probes.confusion_matrix(self._trainer, dataset.n_classes)
        self.confusion_updated.emit(ConfusionUpdate(self.run_id, epoch, matrix,
                                                    tuple(dataset.class_names), subset))

    def _epochs_run(self) -> int:
        return self._trainer.epochs_run if self._trainer is not None else 0

    def _elapsed(self) -> float:
        return time.perf_counter() - self._started


def describe_error(exc: BaseException) -> str:
    """A plain-language reason for anything that went wrong inside a run."""
    from core.datasets import DatasetError
    name = type(exc).__name__
    first_line = (str(exc).strip().splitlines() or [""])[0]
    if name in ("RunError", "CompileError"):
        return str(exc)
    if isinstance(exc, DatasetError):
        return f"Dataset: {exc}"
    if isinstance(exc, MemoryError):
        return ("The computer ran out of memory while training: use a smaller batch size, "
                "fewer samples or smaller layers.")
    if isinstance(exc, RuntimeError):
        return (f"PyTorch could not run the network: {first_line}. Check the layer sizes and "
                "the data; the network's weights are unchanged.")
    return (f"Training failed unexpectedly ({name}: {first_line}). The network's weights are "
            "unchanged; you can keep editing and try again.")
