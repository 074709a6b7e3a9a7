"""A whole network document: graph + dataset choice + training settings + lesson text.

This is what a network file holds and what the GUI's Document edits. It is a plain container; the
graph inside it is the only part that emits change events.

`TrainedState` is what training did to the weights: how many epochs they were trained for (so a
run that continues them, the learning-rate schedule and the inspector's next step all agree after
the file is reopened) and the per-epoch curves of the runs kept for the plots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from core.graph import NetworkGraph
from core.settings import DatasetSpec, TrainingSettings

# Per-epoch values a run keeps; accuracies are None for regression, val_* without validation data.
CURVES = ("train_loss", "val_loss", "train_accuracy", "val_accuracy", "learning_rate")
MAX_KEPT_RUNS = 7  # the latest run and the six faded ones the plots show
RECORDED_REASONS = ("completed", "stopped", "early_stopping")  # diverged runs change nothing


@dataclass
class Lesson:
    """Text shown to the learner, and the result the lesson promises (checked by the tests)."""

    title: str = ""
    text: str = ""
    goal_metric: str = ""  # e.g. "train_accuracy", "train_loss"; empty = no promise
    goal_value: float = 0.0  # accuracy >= goal_value, or loss <= goal_value


def describe_settings(settings: TrainingSettings) -> str:
    """A legend-sized summary: "adam lr 0.05 bs full"."""
    batch = "full" if settings.batch_size == 0 else str(settings.batch_size)
    return f"{settings.optimizer} lr {settings.learning_rate:g} bs {batch}"


@dataclass(frozen=True)
class EpochPoint:
    """One epoch of a kept run, with the attribute names of core.training.EpochStats, so views
    draw a reopened run with the code that draws a live one."""

    epoch: int  # within its run, 1-based
    train_loss: float
    val_loss: float | None
    train_accuracy: float | None
    val_accuracy: float | None
    learning_rate: float


@dataclass(frozen=True)
class RunRecord:
    """A finished run as the plots draw it: its settings and one value per epoch per curve.

    ``curves[name]`` is None when the run had no such values (no validation set, regression).
    Its epochs are ``epoch_offset + 1`` ... ``epoch_offset + epochs`` of the weights' life.
    """

    number: int  # 1, 2, ... within the file's history, for legends
    settings: TrainingSettings
    epoch_offset: int
    reason: str
    curves: dict[str, tuple[float, ...] | None]

    @classmethod
    def from_epochs(cls, number: int, settings: TrainingSettings, epoch_offset: int, reason: str,
                    epochs: Iterable[Any]) -> "RunRecord":
        """From EpochStats-like objects (the trainer's, or EpochPoints)."""
        epochs = list(epochs)
        curves = {}
        for name in CURVES:
            values = [getattr(stats, name) for stats in epochs]
            curves[name] = None if any(v is None for v in values) else tuple(map(float, values))
        return cls(number, settings, epoch_offset, reason, curves)

    @property
    def epochs(self) -> int:
        return len(self.curves["train_loss"] or ())

    @property
    def label(self) -> str:
        return f"run {self.number}: {describe_settings(self.settings)}"

    def points(self) -> list[EpochPoint]:
        columns = [self.curves[name] or (None,) * self.epochs for name in CURVES]
        return [EpochPoint(index + 1, *values) for index, values in enumerate(zip(*columns))]

    def is_finite(self) -> bool:
        return all(math.isfinite(v) for values in self.curves.values() if values for v in values)


@dataclass(frozen=True)
class TrainedState:
    """What training did to the network's weights; saved with them in the file (version 2)."""

    epochs: int = 0  # epochs the weights were trained for: the schedule continues from here
    runs: tuple[RunRecord, ...] = ()  # oldest first, at most MAX_KEPT_RUNS

    def with_run(self, run: RunRecord) -> "TrainedState":
        """After ``run``: its epochs count on from where it started; old runs beyond the cap go.
        A run that finished no epoch (a few batches stepped) adds no curve and no epoch."""
        if not run.epochs:
            return self
        return TrainedState(run.epoch_offset + run.epochs, (self.runs + (run,))[-MAX_KEPT_RUNS:])

    def after_run(self, settings: TrainingSettings, epoch_offset: int, reason: str,
                  epochs: Iterable[Any]) -> "TrainedState":
        """The state once a run of ``settings`` that started at ``epoch_offset`` produced
        ``epochs`` (EpochStats-like, in order): what the GUI and the CLI both record."""
        return self.with_run(RunRecord.from_epochs(self.next_run_number, settings, epoch_offset,
                                                   reason, epochs))

    def with_fresh_weights(self) -> "TrainedState":
        """Weights reset: nothing is trained any more, but the old runs stay to compare with."""
        return replace(self, epochs=0)

    def without_history(self) -> "TrainedState":
        """Keep the epoch count and the latest run only (the plots' Clear history)."""
        return replace(self, runs=self.runs[-1:])

    @property
    def next_run_number(self) -> int:
        return self.runs[-1].number + 1 if self.runs else 1


@dataclass
class Network:
    graph: NetworkGraph = field(default_factory=NetworkGraph)
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    training: TrainingSettings = field(default_factory=TrainingSettings)
    name: str = "Untitled"
    description: str = ""
    lesson: Lesson | None = None
    trained: TrainedState = field(default_factory=TrainedState)

    def has_weights(self) -> bool:
        return any(self.graph.weights(n) for n in self.graph.layer_ids())

    def schedule_offset(self) -> int:
        """Epochs the current weights were already trained for (0 for fresh weights): where a
        run that continues them, and the inspector's next step, take the learning-rate
        schedule up."""
        return self.trained.epochs if self.has_weights() else 0

    def output_layer(self) -> str | None:
        """The id of the (first) Output layer, or None."""
        graph = self.graph
        for layer_id in graph.topological_order() if graph.is_acyclic() else graph.layer_ids():
            if self.graph.layer_type(layer_id) == "Output":
                return layer_id
        return None

    def loss_name(self) -> str:
        """The loss chosen on the Output layer (mse when there is none yet)."""
        out = self.output_layer()
        return self.graph.params(out).get("loss", "mse") if out else "mse"
