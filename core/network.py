"""A whole network document: graph + dataset choice + training settings + lesson text.

This is what a network file holds and what the GUI's Document edits. It is a plain container; the
graph inside it is the only part that emits change events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from core.graph import NetworkGraph
from core.settings import DatasetSpec, TrainingSettings


@dataclass
class Lesson:
    """Text shown to the learner, and the result the lesson promises (checked by the tests)."""

    title: str = ""
    text: str = ""
    goal_metric: str = ""  # e.g. "train_accuracy", "train_loss"; empty = no promise
    goal_value: float = 0.0  # accuracy >= goal_value, or loss <= goal_value


@dataclass
class Network:
    graph: NetworkGraph = field(default_factory=NetworkGraph)
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    training: TrainingSettings = field(default_factory=TrainingSettings)
    name: str = "Untitled"
    description: str = ""
    lesson: Lesson | None = None

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
