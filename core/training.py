"""Training as a plain generator: the GUI worker, the CLI and the tests all drive the same loop.

`Trainer.run()` yields a `BatchStats` after every batch, an `EpochStats` after every epoch and one
`RunFinished` at the end. The consumer decides the pace: pulling one item is "step one batch",
not pulling is "pause", setting the stop Event ends the run at the next batch. Between two items
the generator is suspended, so the consumer may read `trainer.model` safely (for live weights).
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch

from core.datasets import Dataset
from core.i18n import _, format_number, ngettext
from core.losses import correct_count, loss_entry, make_loss, weight_penalty
from core.optim import make_optimizer, scheduled_lr
from core.optimizers import optimizer_entry
from core.run_health import RunSummary, diagnose, learned_nothing
from core.settings import TrainingSettings


@dataclass(frozen=True)
class BatchStats:
    epoch: int  # 1-based
    batch: int  # 1-based within the epoch
    batches: int
    loss: float  # the batch's data loss, computed before its update
    learning_rate: float
    elapsed: float  # seconds since the run started


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    epochs: int
    train_loss: float  # mean of the epoch's batch losses (each before its update), as Keras reports
    val_loss: float | None
    train_accuracy: float | None  # running accuracy over the epoch; None for regression
    val_accuracy: float | None
    learning_rate: float
    elapsed: float


@dataclass(frozen=True)
class RunFinished:
    reason: str  # completed | stopped | early_stopping | diverged
    message: str
    epochs_run: int
    elapsed: float
    health: str | None = None  # core.run_health: "stuck" | "saturated" | "exploding"; None: fine
    advice: str = ""  # what went wrong and what to try, when ``health`` is set


Event = BatchStats | EpochStats | RunFinished
HEALTH_ROWS = 4096  # training rows the end-of-run health look evaluates (enough to judge)


class EpochPacer:
    """Slow motion: when the next epoch may start so that a run makes at most ``rate`` epochs a
    second, e.g. for a class to watch XOR's boundary form (it trains 300 epochs in half a second).

    The consumer of `Trainer.run` marks each epoch's start (`start`) and, between two epochs,
    waits `remaining(rate)` seconds; the rate may change at any time (a slider), and each wait
    is computed from the current one. An epoch that took longer than its share is not made up
    for by rushing the next. ``clock`` (seconds, monotonic) is injectable, so the schedule is
    tested without sleeping.
    """

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self._started: float | None = None

    def start(self) -> None:
        """An epoch starts now."""
        self._started = self.clock()

    def remaining(self, rate: float | None) -> float:
        """Seconds until the next epoch may start (0: now); ``rate`` None or 0 is full speed."""
        if not rate or rate <= 0 or self._started is None:
            return 0.0
        return max(0.0, self._started + 1.0 / rate - self.clock())


class Trainer:
    """Owns the model, the data as tensors, the optimizer and the loss for one run."""

    def __init__(self, model: torch.nn.Module, dataset: Dataset, settings: TrainingSettings,
                 loss: str, schedule_offset: int = 0) -> None:
        """``schedule_offset``: epochs these weights were already trained for, so that a run
        that continues them keeps decaying the learning rate instead of restarting it."""
        self.model = model
        self.dataset = dataset
        self.settings = settings
        self.loss_name = loss
        self.classification = dataset.task == "classification"
        self.loss_fn = make_loss(loss, settings.loss_reduction)
        self.x_train, self.y_train = _tensors(dataset.x_train, dataset.y_train)
        self.x_val, self.y_val = _tensors(dataset.x_val, dataset.y_val)
        self.optimizer = make_optimizer(model, settings)
        self._rule_step = optimizer_entry(settings.optimizer).rule_step  # None: gradient descent
        self._penalised = bool(settings.l1 or settings.l2)
        self.generator = torch.Generator().manual_seed(settings.seed)
        self.epochs_run = 0
        self.target_epoch = settings.epochs
        self.schedule_offset = schedule_offset

    @property
    def has_validation(self) -> bool:
        return len(self.x_val) > 0

    def batch_size(self) -> int:
        n = len(self.x_train)
        return n if self.settings.batch_size <= 0 else min(self.settings.batch_size, n)

    def run(self, stop: threading.Event | None = None) -> Iterator[Event]:
        """Train for ``settings.epochs`` more epochs, yielding stats; see the module docstring."""
        stop = stop or threading.Event()
        start = time.perf_counter()
        best, waited = math.inf, 0
        self.target_epoch = self.epochs_run + self.settings.epochs
        self._first_epoch = self.epochs_run + 1  # its first batch comes before any update
        self._run_losses: list[float] = []  # this run's epoch losses, for its health verdict
        for _epoch_index in range(self.settings.epochs):
            epoch = self.epochs_run + 1
            lr = self._set_learning_rate(epoch)
            losses, outputs = [], []
            batches = self._batches()
            if not self.model.training:  # once per epoch: evaluate() leaves eval mode on
                self.model.train()
            for index, rows in enumerate(batches, start=1):
                if stop.is_set():
                    yield self._finished("stopped", _("Stopped by the user."), start)
                    return
                loss, output = self._train_batch(rows)
                if not math.isfinite(loss):
                    yield self._finished("diverged", self._divergence_text(loss, epoch, index), start)
                    return
                losses.append(loss)
                outputs.append(output)
                yield BatchStats(epoch, index, len(batches), loss, lr, time.perf_counter() - start)
            self.epochs_run = epoch
            stats = self._epoch_stats(epoch, losses, outputs, batches, lr, start)
            self._run_losses.append(stats.train_loss)
            yield stats
            monitored = stats.val_loss if stats.val_loss is not None else stats.train_loss
            if not math.isfinite(monitored):
                yield self._finished("diverged", self._divergence_text(monitored, epoch, None), start)
                return
            best, waited = (monitored, 0) if monitored < best else (best, waited + 1)
            patience = self.settings.early_stopping_patience
            if patience and waited >= patience:
                yield self._after_last_update(start) or self._finished(
                    "early_stopping", self._early_stopping_text(stats, patience, best), start)
                return
        yield self._after_last_update(start) or \
            self._finished("completed", ngettext("Finished {count} epoch.", "Finished {count} epochs.",
                                                 self.epochs_run).format(count=self.epochs_run), start)

    @staticmethod
    def _early_stopping_text(stats: EpochStats, patience: int, best: float) -> str:
        values = {"count": patience, "best": format_number(best, ".6g")}
        if stats.val_loss is not None:
            return ngettext("Early stopping: the validation loss has not improved for {count} epoch "
                            "(best {best}).", "Early stopping: the validation loss has not improved "
                            "for {count} epochs (best {best}).", patience).format(**values)
        return ngettext("Early stopping: the training loss has not improved for {count} epoch "
                        "(best {best}).", "Early stopping: the training loss has not improved for "
                        "{count} epochs (best {best}).", patience).format(**values)

    def _after_last_update(self, start: float) -> RunFinished | None:
        """A "diverged" finish when the last update broke the weights, else None. Every batch
        loss is computed before its update, so only a look after the last one catches a run
        that blows up on its final step (lr 1e6 on the line: W = 4.5e21, loss inf)."""
        loss, _outputs = self.evaluate(self.x_train, self.y_train)
        broken = loss is not None and not math.isfinite(loss)
        if not broken and all(bool(torch.isfinite(p).all()) for p in self.model.parameters()):
            return None
        value = loss if broken else math.nan
        return self._finished("diverged", self._divergence_text(value, self.epochs_run, None,
                                                                after_last=True), start)

    # ----- one batch ---------------------------------------------------------------------
    def _train_batch(self, rows: torch.Tensor) -> tuple[float, torch.Tensor | None]:
        """One update; returns the batch loss and its outputs (before the update, detached)."""
        x, y = self.x_train[rows], self.y_train[rows]
        self.optimizer.zero_grad(set_to_none=True)
        output = self.model(x)
        loss = self.loss_fn(output, y)
        value = loss.item()
        if not math.isfinite(value):
            return value, None
        if self._rule_step is not None:  # a learning rule without gradients (perceptron)
            self._rule_step(self.optimizer, x, y, output)
            return value, output.detach()
        penalty = weight_penalty(self.model, self.settings.l1, self.settings.l2) \
            if self._penalised else None
        if penalty is not None:  # None when the network has no weight matrix to penalise
            loss = loss + penalty
        loss.backward()
        self.optimizer.step()
        return value, output.detach()

    def first_batch_rows(self) -> list[int]:
        """Row indices of the batch a fresh run takes first (what inspection traces by default)."""
        return self._batches()[0].tolist()

    def _batches(self) -> list[torch.Tensor]:
        """The epoch's row indices in batches. A leftover last batch of one row joins the one
        before it: BatchNorm cannot normalise a single sample in training mode (e.g. 1441 rows,
        batch 32). Batch size 1 (online learning) is left as it is."""
        n, size = len(self.x_train), self.batch_size()
        order = torch.randperm(n, generator=self.generator) if self.settings.shuffle \
            else torch.arange(n)
        batches = list(torch.split(order, size))
        if size > 1 and len(batches) > 1 and len(batches[-1]) == 1:
            batches[-2:] = [torch.cat(batches[-2:])]
        return batches

    def _set_learning_rate(self, epoch: int) -> float:
        lr = scheduled_lr(self.settings, epoch + self.schedule_offset)
        for group in getattr(self.optimizer, "param_groups", []):
            group["lr"] = lr
        return lr

    # ----- reporting ---------------------------------------------------------------------
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float | None, float | None]:
        """(loss, accuracy) of the current model on (x, y) in eval mode; (None, None) when empty."""
        if len(x) == 0:
            return None, None
        with self._eval_mode(), torch.no_grad():
            output = self.model(x)
            loss = self.loss_fn(output, y).item()
            hits = correct_count(output, y, self.loss_name).item() if self.classification else None
        return loss, (hits / len(x) if hits is not None else None)

    @contextlib.contextmanager
    def _eval_mode(self):
        """Eval mode for a look at the model, then back: a consumer may call this mid-epoch."""
        was_training = self.model.training
        self.model.eval()
        try:
            yield
        finally:
            self.model.train(was_training)

    def evaluate_all(self) -> dict[str, float | None]:
        """Loss and accuracy on the training and validation sets with the current weights."""
        train_loss, train_acc = self.evaluate(self.x_train, self.y_train)
        val_loss, val_acc = self.evaluate(self.x_val, self.y_val)
        return {"train_loss": train_loss, "val_loss": val_loss,
                "train_accuracy": train_acc, "val_accuracy": val_acc}

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Model outputs for a numpy batch (eval mode), e.g. a decision-boundary grid."""
        with self._eval_mode(), torch.no_grad():
            return self.model(torch.as_tensor(x, dtype=torch.float32)).numpy()

    def _epoch_stats(self, epoch: int, losses: list[float], outputs: list[torch.Tensor],
                     batches: list[torch.Tensor], lr: float, start: float) -> EpochStats:
        """Training accuracy is the running one (each batch's outputs before its update, as Keras
        reports), counted once per epoch over the kept outputs: per-batch counting of small
        tensors cost 4% of a digits epoch."""
        val_loss, val_acc = self.evaluate(self.x_val, self.y_val)
        train_acc = None
        if self.classification:
            rows = batches[0] if len(batches) == 1 else torch.cat(batches)
            output = outputs[0] if len(outputs) == 1 else torch.cat(outputs)
            hits = correct_count(output, self.y_train[rows], self.loss_name)
            train_acc = int(hits) / len(self.x_train)
        return EpochStats(epoch, self.target_epoch, sum(losses) / len(losses), val_loss, train_acc,
                          val_acc, lr, time.perf_counter() - start)

    def _finished(self, reason: str, message: str, start: float) -> RunFinished:
        verdict = self.health() if reason != "diverged" else None
        return RunFinished(reason, message, self.epochs_run, time.perf_counter() - start,
                           verdict.kind if verdict else None, verdict.message if verdict else "")

    # ----- health (core.run_health) ------------------------------------------------------
    def health(self):
        """A `Diagnosis` when this run learned nothing (stuck, saturated, exploding), else None.
        The gradient look costs one backward pass, taken only for a run that learned nothing."""
        summary = self._summary(gradients=False)
        if summary is None or not learned_nothing(summary):
            return None
        return diagnose(self._summary(gradients=True))

    def _summary(self, gradients: bool) -> RunSummary | None:
        losses = getattr(self, "_run_losses", [])
        if not losses or len(self.x_train) == 0:
            return None
        x, y = self.x_train[:HEALTH_ROWS], self.y_train[:HEALTH_ROWS]
        accuracy = chance = baseline = None
        if self.classification:
            _, accuracy = self.evaluate(x, y)
            chance = _majority_rate(y)
            if loss_entry(self.loss_name).is_cross_entropy and \
                    self.settings.loss_reduction == "mean":  # a sum grows with the batch
                baseline = _class_entropy(y)
        else:
            with torch.no_grad():
                baseline = float(self.loss_fn(y.float().mean(0).expand_as(y), y))
        weights = [p.detach() for p in self.model.parameters()]
        largest = max((float(w.abs().max()) for w in weights if w.numel()), default=0.0)
        ratio = self._gradient_ratio(x, y, weights) if gradients else None
        return RunSummary(tuple(losses), self.settings.learning_rate, self.classification,
                          accuracy, chance, baseline, ratio, largest)

    def _gradient_ratio(self, x: torch.Tensor, y: torch.Tensor, weights: list) -> float | None:
        """|gradient| / |weights| of the loss on (x, y) now; None for a rule without gradients
        (the perceptron's) or weights that are all zero."""
        norm = math.sqrt(sum(float((w.double() ** 2).sum()) for w in weights))
        if self._rule_step is not None or norm == 0 or not math.isfinite(norm):
            return None
        self.optimizer.zero_grad(set_to_none=True)
        with self._eval_mode():
            loss = self.loss_fn(self.model(x), y)
            if not loss.requires_grad:
                return None
            loss.backward()
        grads = [p.grad for p in self.model.parameters() if p.grad is not None]
        total = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads))
        self.optimizer.zero_grad(set_to_none=True)
        return total / norm

    def _divergence_text(self, value: float, epoch: int, batch: int | None,
                         after_last: bool = False) -> str:
        if batch == 1 and epoch == getattr(self, "_first_epoch", 1):
            return _("Training stopped: the loss is {value} on the first batch, before any weight "
                     "was updated, so the learning rate is not the cause. The starting weights or "
                     "the data give a result out of range: reset the weights, and check the data "
                     "for very large values.").format(value=value)
        where = (_("epoch {epoch}, batch {batch}") if batch else _("epoch {epoch}"))
        if after_last:
            where = _("the end of epoch {epoch} (after its last update)")
        return _("Training stopped: the loss became {value} at {where}. The weights grew out of "
                 "range — the learning rate ({rate}) is probably too high. Lower it (for example "
                 "to {example}), reset the weights and train again.").format(
            value=value, where=where.format(epoch=epoch, batch=batch),
            rate=format_number(self.settings.learning_rate), example=format_number(0.01))


def _class_shares(y: torch.Tensor) -> torch.Tensor:
    """Share of each class: class indices, a 0/1 column, or one-hot rows."""
    if y.dim() == 1:
        labels = y.long()
    elif y.shape[1] == 1:
        labels = (y[:, 0] >= 0.5).long()
    else:
        labels = y.argmax(dim=1)
    return torch.bincount(labels).double() / len(labels)


def _majority_rate(y: torch.Tensor) -> float:
    return float(_class_shares(y).max())


def _class_entropy(y: torch.Tensor) -> float:
    """The cross-entropy of always answering the class frequencies (nats): what a classifier
    that learned nothing scores at best."""
    shares = _class_shares(y)
    shares = shares[shares > 0]
    return float(-(shares * shares.log()).sum())


def _tensors(x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    x_t = torch.as_tensor(np.ascontiguousarray(x), dtype=torch.float32)
    y_dtype = torch.long if np.issubdtype(y.dtype, np.integer) else torch.float32
    return x_t, torch.as_tensor(np.ascontiguousarray(y), dtype=y_dtype)
