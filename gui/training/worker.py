"""The training job: a generator, run by the one worker (gui.workers), that drives core's trainer.

It never touches a widget or the document (CONVENTIONS rule 5). It pulls events from
`Trainer.run()`, batches what the GUI needs and yields tuples of frozen records
(gui.training.messages), each tagged with the run id; the worker emits each tuple through its
``yielded`` signal. Commands come the other way through a `RunControl`: plain threading
primitives, because the worker thread is busy inside the generator. An exception ends the job and
reaches the session through the worker's ``errored`` signal. torch is imported inside the job, so
importing this module stays cheap.
"""

from __future__ import annotations

import threading
import time
from typing import Iterator

from core.samples import image_shape, pick_gallery
from gui.training.messages import (BIG_NETWORK, ConfusionUpdate, GalleryUpdate, ProgressUpdate,
                                   RunEnded, RunPrepared, RunRequest, SurfaceUpdate, WeightsUpdate)
from gui.workers import WorkerControl

Messages = tuple  # what one yield delivers: the records due at that point, in order
SLOW_MOTION = 30.0  # epochs/s; capped at this or slower, every epoch reaches the views
PACE_SLICE = 0.25  # seconds; a slowed run re-checks its control at least this often
GALLERY_SIZE = 96  # samples sent with their answers; the gallery shows as many as fit
GALLERY_POOL = 5000  # rows of the subset that are predicted to find the mistakes


class RunControl(WorkerControl):
    """Pause / resume / step / stop, set from the GUI thread and read by the training job.

    ``mode`` is "run", "pause", "batch" (train ``steps`` batches, then pause) or "epoch". Steps
    requested while one is under way add up, so pressing F7 five times trains five epochs. Stop
    is a `threading.Event` because core's generator checks it before every batch: a stopped run
    still ends with its own RunEnded (abort, the worker's, drops the rest of the job instead).
    The job decides where it pauses (`pause_due`, after flushing its messages); the worker then
    waits there (`pause_now`). ``speed`` caps the epochs per second (None: full speed) and may
    change during the run; the job waits between epochs in `wait_for_pace`.
    """

    def __init__(self, first_step: str | None = None, speed: float | None = None) -> None:
        super().__init__()
        self.stop_event = threading.Event()
        self._mode = first_step or "run"
        self._steps = 1 if first_step else 0
        self._pause_here = False
        self._speed = speed

    @property
    def speed(self) -> float | None:
        return self._speed

    @property
    def slow_motion(self) -> bool:
        """Capped low enough that every epoch should be shown."""
        return self._speed is not None and self._speed <= SLOW_MOTION

    def set_speed(self, speed: float | None) -> None:
        """Epochs per second at most (None: full speed); wakes a waiting job to use it now."""
        with self.condition:
            self._speed = speed
            self.condition.notify_all()

    @property
    def mode(self) -> str:
        return self._mode

    def _set(self, mode: str, steps: int = 0) -> None:
        with self.condition:
            self._mode, self._steps = mode, steps
            self.condition.notify_all()

    def resume(self) -> None:
        self._set("run")

    def pause(self) -> None:
        self._set("pause")

    def step(self, unit: str) -> None:
        """Train one more "batch" or "epoch", then pause again."""
        with self.condition:
            if self._mode == unit:
                self._steps += 1
            else:
                self._mode, self._steps = unit, 1
            self.condition.notify_all()

    def stop(self) -> None:
        self.stop_event.set()
        with self.condition:
            self.condition.notify_all()

    @property
    def stopped(self) -> bool:
        return self.stop_event.is_set()

    def pause_due(self, unit: str | None = None, last: bool = False) -> bool:
        """After a finished "batch" or "epoch" (``last``: the epoch's last batch / the run's last
        epoch), or at ``unit`` None (the data is loaded): should the job pause here? Counts
        requested steps down.

        A batch step that completes an epoch waits for that epoch's stats (the next event) so the
        plots show the epoch; the run's very last epoch never pauses, so the run can finish.
        """
        with self.condition:
            done = (unit == "batch" and self._mode == "batch" and not last) \
                or (unit == "epoch" and self._mode in ("batch", "epoch") and not last)
            if done:
                self._steps -= 1
                if self._steps <= 0:
                    self._mode, self._steps = "pause", 0
            self._pause_here = self._mode == "pause" and not self.stopped
            return self._pause_here

    def pause_now(self, value) -> bool:
        with self.condition:
            pause, self._pause_here = self._pause_here, False
            return pause

    def is_paused(self) -> bool:
        return self._mode == "pause" and not self.stopped and not self.aborted

    def wait_for_pace(self, pacer) -> None:
        """Between two epochs of a slowed run: wait until ``pacer`` (core.training.EpochPacer)
        lets the next one start at the current speed. Stop, abort and a step end the wait at
        once; a pause holds it (the epoch's messages are already out), and a new speed counts
        from the epoch's start, so "Full speed" goes on immediately."""
        with self.condition:
            while not (self.stopped or self.aborted) and self._mode != "batch" \
                    and self._mode != "epoch":
                delay = PACE_SLICE if self._mode == "pause" else pacer.remaining(self._speed)
                if delay <= 0:
                    return
                self.condition.wait(min(delay, PACE_SLICE))


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


def run_training(request: RunRequest, control: RunControl) -> Iterator[Messages | None]:
    """The job of one run (or, with ``request.preview``, of picturing the current weights)."""
    yield from TrainingJob(request, control).messages()


class TrainingJob:
    """One run's state inside the worker thread: the trainer, what is pending, the throttles."""

    def __init__(self, request: RunRequest, control: RunControl, clock=time.monotonic) -> None:
        """``clock`` paces slow motion (core.training.EpochPacer); tests pass a fake one."""
        self.request = request
        self.control = control
        self._clock = clock
        self.run_id = request.run_id
        self._pending: list = []
        self._pending_epochs: list = []
        self._confusion_due = False
        self._progress = _Throttle(request.progress_interval)
        self._weights = _Throttle(request.weights_interval)
        self._surface = _Throttle(request.surface_interval)
        self._confusion = _Throttle(request.confusion_interval)
        self._gallery = _Throttle(request.gallery_interval)
        self._trainer = None
        self._pacer = None
        self._plan = None
        self._gallery_shape: tuple[int, int] | None = None
        self._gallery_levels = (0.0, 1.0)
        self._batches_run = 0
        self._started = 0.0

    # ----- the run -----------------------------------------------------------------------
    def messages(self) -> Iterator[Messages | None]:
        self._started = time.perf_counter()
        import torch
        torch.set_num_threads(1)  # leave the GUI thread a core (measured in CONVENTIONS)
        prepared = self._prepare()
        if self.control.stopped and not self.request.preview:
            yield (RunEnded(self.run_id, "stopped", "Stopped before the first batch.",
                            elapsed=self._elapsed()),)
            return
        yield (prepared,)
        if self.request.preview:  # titled with the epochs the weights were trained for
            yield self._pictures(self.request.epoch_offset)
            return
        self.control.pause_due()  # paused while the data was still loading
        yield None
        yield from self._train()

    def _prepare(self) -> RunPrepared:
        """Validate, load the data and compile in this thread (torch import, CSV parsing)."""
        from core import probes
        from core.run_setup import prepare_run
        from core.training import Trainer

        network = self.request.network
        prepared = prepare_run(network, self.request.base_dir)
        self._trainer = Trainer(prepared.model, prepared.dataset, network.training, prepared.loss,
                                schedule_offset=self.request.epoch_offset)
        size = sum(p.numel() for p in prepared.model.parameters())
        if size > BIG_NETWORK:
            self._weights.interval = self.request.big_weights_interval
        self._plan = probes.surface_plan(prepared.dataset, self.request.surface_grid)
        self._plan_gallery(prepared.dataset, network.dataset, probes)
        return self._describe(prepared.dataset, probes)

    def _plan_gallery(self, dataset, spec, probes) -> None:
        """Image classification: the samples' shape and one grey scale for all of them."""
        if dataset.task != "classification" or dataset.n_classes < 2:
            return
        self._gallery_shape = image_shape(dataset.input_shape, spec.source, spec.name)
        x = dataset.x_val if len(dataset.x_val) else dataset.x_train
        if self._gallery_shape is not None and len(x):
            raw = probes.raw_inputs(dataset, x[:GALLERY_POOL])
            low, high = float(raw.min()), float(raw.max())
            self._gallery_levels = (low, high if high > low else low + 1.0)

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
            target_range, probes.data_points(dataset) if plan else None, self._gallery_shape)

    def _train(self) -> Iterator[Messages | None]:
        from core.training import BatchStats, EpochPacer, EpochStats, RunFinished
        self._pacer = EpochPacer(self._clock)
        self._pacer.start()
        for event in self._trainer.run(self.control.stop_event):
            match event:
                case BatchStats():
                    self._on_batch(event)
                    epoch = None
                    pause = self.control.pause_due("batch", event.batch >= event.batches)
                case EpochStats():
                    self._on_epoch(event)
                    epoch = event.epoch
                    pause = self.control.pause_due("epoch", event.epoch >= event.epochs)
                case RunFinished():
                    yield self._finished(event)
                    return
            slow = epoch is not None and self.control.slow_motion
            yield self._flush(force=pause or slow)
            if epoch is not None and event.epoch < event.epochs:
                self._pace()

    def _pace(self) -> None:
        """Slow motion: hold the next epoch back until its time (see EpochPacer)."""
        if self.control.speed is not None:
            self.control.wait_for_pace(self._pacer)
        self._pacer.start()

    # ----- per event ---------------------------------------------------------------------
    def _on_batch(self, stats) -> None:
        self._batches_run += 1
        self._pending.append(stats)

    def _on_epoch(self, stats) -> None:
        self._pending_epochs.append(stats)
        trainer = self._trainer
        self._confusion_due = trainer.classification and trainer.dataset.n_classes >= 2

    def _finished(self, finished) -> Messages:
        """Last stats, the final pictures, and the final weights unless the run diverged (the
        document then keeps the weights it had before the run)."""
        out = list(self._progress_messages())
        weights = None
        if finished.reason != "diverged":
            from core.compiler import extract_weights
            out += self._pictures(self._epochs_run(), confusion=self._confusion_due)
            weights = extract_weights(self._trainer.model)
        out.append(RunEnded(self.run_id, finished.reason, finished.message, finished.epochs_run,
                            self._batches_run, finished.elapsed, weights,
                            health=finished.health, advice=finished.advice))
        return tuple(out)

    def _pictures(self, epoch: int, confusion: bool = True) -> Messages:
        """The boundary and the confusion matrix of the model as it is now."""
        out = []
        trainer = self._trainer
        if confusion and trainer.classification and trainer.dataset.n_classes >= 2:
            out.append(self._confusion_message(epoch))
            if self._gallery_shape is not None:
                out.append(self._gallery_message(epoch))
        if self._plan is not None:
            out.append(self._surface_message(epoch))
        return tuple(out)

    def _flush(self, force: bool) -> Messages | None:
        """What is due (rates in RunRequest); ``force`` at a pause sends everything now."""
        now = time.perf_counter()
        out = []
        if force or self._progress.due(now):
            out += self._progress_messages()
        if self._confusion_due and (force or self._confusion.due(now)):
            self._confusion_due = False
            out.append(self._confusion_message(self._epochs_run()))
            if self._gallery_shape is not None and (force or self._gallery.due(now)):
                out.append(self._gallery_message(self._epochs_run()))
        if force or self._weights.due(now):
            out.append(self._weights_message())
        if self._plan is not None and (force or self._surface.due(now)):
            out.append(self._surface_message(self._epochs_run()))
        return tuple(out) or None

    # ----- messages ----------------------------------------------------------------------
    def _progress_messages(self) -> list:
        """Batches and epochs since the last update, in order."""
        if not (self._pending or self._pending_epochs):
            return []
        update = ProgressUpdate(self.run_id, tuple(self._pending), tuple(self._pending_epochs))
        self._pending, self._pending_epochs = [], []
        return [update]

    def _weights_message(self) -> WeightsUpdate:
        from core.compiler import extract_weights
        return WeightsUpdate(self.run_id, extract_weights(self._trainer.model))

    def _surface_message(self, epoch: int) -> SurfaceUpdate:
        from core import probes
        trainer, plan, started = self._trainer, self._plan, time.perf_counter()
        values, maps = probes.evaluate_surface(trainer.model, plan, trainer.loss_name,
                                               trainer.classification)
        if plan.kind == "2d" and len(plan.xs) > probes.GRID_2D and \
                time.perf_counter() - started > probes.SURFACE_BUDGET:  # a costly network
            self._plan = probes.surface_plan(trainer.dataset, probes.coarser_grid(len(plan.xs)))
        return SurfaceUpdate(self.run_id, epoch, values, plan.xs, plan.ys, maps)

    def _confusion_message(self, epoch: int) -> ConfusionUpdate:
        from core import probes
        dataset = self._trainer.dataset
        matrix, subset = probes.confusion_matrix(self._trainer, dataset.n_classes)
        return ConfusionUpdate(self.run_id, epoch, matrix, tuple(dataset.class_names), subset)

    def _gallery_message(self, epoch: int) -> GalleryUpdate:
        """The answers on the confusion matrix's subset, mistakes first, as pictures."""
        import numpy as np

        from core import probes
        trainer, dataset = self._trainer, self._trainer.dataset
        use_val = trainer.has_validation
        x = (trainer.x_val if use_val else trainer.x_train)[:GALLERY_POOL].numpy()
        y = (trainer.y_val if use_val else trainer.y_train)[:GALLERY_POOL].numpy()
        output = trainer.predict(x)
        true = probes.target_indices(y)
        predicted = np.clip(probes.predicted_indices(output), 0, dataset.n_classes - 1)
        rows = pick_gallery(true, predicted, GALLERY_SIZE)
        confidence = probes.probabilities(output[rows], trainer.loss_name)
        confidence = confidence[np.arange(len(rows)), np.minimum(predicted[rows],
                                                                 confidence.shape[1] - 1)]
        h, w = self._gallery_shape
        images = probes.raw_inputs(dataset, x[rows]).reshape(len(rows), h, w).astype(np.float32)
        return GalleryUpdate(self.run_id, epoch, images, true[rows], predicted[rows], confidence,
                             tuple(dataset.class_names), "validation" if use_val else "training",
                             int((true != predicted).sum()), len(true), self._gallery_levels)

    def _epochs_run(self) -> int:
        """The weights' epochs so far, counted on from the request's offset, as the plots'
        axis and the header count them: the pictures of a Continue read "epoch 301", not 1."""
        run = self._trainer.epochs_run if self._trainer is not None else 0
        return self.request.epoch_offset + run

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
