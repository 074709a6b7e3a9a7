"""Undo commands. Each one changes only the model (the graph or the network's records).

The canvas and the panels never appear here: they follow the graph's events, so undoing a command
updates them exactly like doing it did (CONVENTIONS.md, rules 2 and 3). Commands assume they were
checked before being pushed (`Document` does that), because an exception raised inside ``redo``
cannot reach the caller through ``QUndoStack.push``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from core.graph import NetworkGraph

if TYPE_CHECKING:
    from gui.document import Document

Weights = dict[str, np.ndarray]


@dataclass(frozen=True)
class LayerSnapshot:
    """Everything needed to put a removed layer back exactly as it was."""

    layer_id: str
    layer_type: str
    params: dict[str, Any]
    pos: tuple[float, float]
    weights: Weights
    label: str = ""  # the display name, put back with the layer

    @classmethod
    def of(cls, graph: NetworkGraph, layer_id: str) -> "LayerSnapshot":
        return cls(layer_id, graph.layer_type(layer_id), graph.params(layer_id),
                   graph.position(layer_id), graph.weights(layer_id), graph.label(layer_id))

    def restore(self, graph: NetworkGraph) -> None:
        graph.add_layer(self.layer_id, self.layer_type, self.params, self.pos, self.weights,
                        label=self.label)


class AddLayer(QUndoCommand):
    def __init__(self, graph: NetworkGraph, snapshot: LayerSnapshot) -> None:
        super().__init__(f"Add {snapshot.layer_type} '{snapshot.layer_id}'")
        self.graph = graph
        self.snapshot = snapshot

    def redo(self) -> None:
        self.snapshot.restore(self.graph)

    def undo(self) -> None:
        self.graph.remove_layer(self.snapshot.layer_id)


class RemoveItems(QUndoCommand):
    """Delete layers (with every edge touching them) and extra edges, restoring slots on undo."""

    def __init__(self, graph: NetworkGraph, layer_ids: list[str],
                 edges: list[tuple[str, str]] = ()) -> None:
        super().__init__(_removal_text(layer_ids, edges))
        self.graph = graph
        self.layers = [LayerSnapshot.of(graph, n) for n in layer_ids]
        touching = {(u, v) for u, v in graph.connections() if u in layer_ids or v in layer_ids}
        wanted = touching | {tuple(e) for e in edges}
        self.edges = sorted(((u, v, graph.connection_slot(u, v)) for u, v in wanted),
                            key=lambda e: e[2])

    def redo(self) -> None:
        for u, v, _ in self.edges:
            self.graph.disconnect(u, v)
        for layer in self.layers:
            self.graph.remove_layer(layer.layer_id)

    def undo(self) -> None:
        for layer in self.layers:
            layer.restore(self.graph)
        for u, v, slot in self.edges:
            self.graph.connect(u, v, slot=slot)


def _removal_text(layer_ids: list[str], edges: list[tuple[str, str]]) -> str:
    if len(layer_ids) == 1 and not edges:
        return f"Delete '{layer_ids[0]}'"
    if not layer_ids and len(edges) == 1:
        return f"Delete connection {edges[0][0]} → {edges[0][1]}"
    count = len(layer_ids) + len(edges)
    return f"Delete {count} items"


class Connect(QUndoCommand):
    def __init__(self, graph: NetworkGraph, source: str, target: str) -> None:
        super().__init__(f"Connect {source} → {target}")
        self.graph, self.source, self.target = graph, source, target
        self.slot: int | None = None  # chosen by the graph the first time, reused on redo

    def redo(self) -> None:
        self.graph.connect(self.source, self.target, slot=self.slot)
        self.slot = self.graph.connection_slot(self.source, self.target)

    def undo(self) -> None:
        self.graph.disconnect(self.source, self.target)


class SetParams(QUndoCommand):
    def __init__(self, graph: NetworkGraph, layer_id: str, params: dict[str, Any],
                 text: str = "") -> None:
        super().__init__(text or f"Change '{layer_id}'")
        self.graph, self.layer_id = graph, layer_id
        self.old, self.new = graph.params(layer_id), dict(params)

    def redo(self) -> None:
        self.graph.set_params(self.layer_id, self.new)

    def undo(self) -> None:
        self.graph.set_params(self.layer_id, self.old)


class MoveLayers(QUndoCommand):
    """One drag (or one auto layout) of any number of layers."""

    def __init__(self, graph: NetworkGraph, positions: dict[str, tuple[float, float]],
                 text: str = "") -> None:
        super().__init__(text or (f"Move '{next(iter(positions))}'" if len(positions) == 1
                                  else f"Move {len(positions)} layers"))
        self.graph = graph
        self.old = {n: graph.position(n) for n in positions}
        self.new = dict(positions)

    def redo(self) -> None:
        for layer_id, pos in self.new.items():
            self.graph.move_layer(layer_id, pos)

    def undo(self) -> None:
        for layer_id, pos in self.old.items():
            self.graph.move_layer(layer_id, pos)


class Rename(QUndoCommand):
    def __init__(self, graph: NetworkGraph, old: str, new: str) -> None:
        super().__init__(f"Rename '{old}' to '{new}'")
        self.graph, self.old, self.new = graph, old, new

    def redo(self) -> None:
        self.graph.rename_layer(self.old, self.new)

    def undo(self) -> None:
        self.graph.rename_layer(self.new, self.old)


class SetLabel(QUndoCommand):
    """The display name shown on a layer's card ("" shows the id again)."""

    def __init__(self, graph: NetworkGraph, layer_id: str, label: str) -> None:
        super().__init__(f"Name '{layer_id}' “{label}”" if label
                         else f"Clear the display name of '{layer_id}'")
        self.graph, self.layer_id = graph, layer_id
        self.old, self.new = graph.label(layer_id), label

    def redo(self) -> None:
        self.graph.set_label(self.layer_id, self.new)

    def undo(self) -> None:
        self.graph.set_label(self.layer_id, self.old)


class SetWeights(QUndoCommand):
    """Hand-set (or cleared, with None) weights of one layer."""

    def __init__(self, graph: NetworkGraph, layer_id: str, weights: Weights | None,
                 text: str = "") -> None:
        super().__init__(text or f"Edit weights of '{layer_id}'")
        self.graph, self.layer_id = graph, layer_id
        self.old = graph.weights(layer_id)
        self.new = {k: np.array(v, dtype=np.float64) for k, v in (weights or {}).items()}

    def redo(self) -> None:
        self.graph.set_weights(self.layer_id, self.new)

    def undo(self) -> None:
        self.graph.set_weights(self.layer_id, self.old)


class SetManyWeights(QUndoCommand):
    """Weights of several layers at once, with explicit before/after (e.g. the result of a
    training run, whose intermediate values were only shown, never put into the model)."""

    def __init__(self, graph: NetworkGraph, before: dict[str, Weights],
                 after: dict[str, Weights], text: str) -> None:
        super().__init__(text)
        self.graph, self.before, self.after = graph, before, after

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)

    def _apply(self, weights: dict[str, Weights]) -> None:
        for layer_id, values in weights.items():
            if self.graph.has_layer(layer_id):
                self.graph.set_weights(layer_id, values)


class SetNetworkField(QUndoCommand):
    """Change a non-graph field of the network (name, description, training, dataset).

    Consecutive edits of the same text field merge, so typing a description is one undo step.
    """

    MERGE_ID = 7301

    def __init__(self, document: "Document", field: str, value: Any, text: str = "") -> None:
        super().__init__(text or f"Change {field}")
        self.document, self.field = document, field
        self.old, self.new = getattr(document.network, field), value

    def id(self) -> int:  # noqa: A003 (Qt override)
        return self.MERGE_ID if self.field in ("name", "description") else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt override)
        if not isinstance(other, SetNetworkField) or other.field != self.field:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.document.apply_network_field(self.field, self.new)

    def undo(self) -> None:
        self.document.apply_network_field(self.field, self.old)


class Macro(QUndoCommand):
    """Several commands as one undo step (paste, duplicate).

    Children are kept in a Python list rather than as Qt child commands: Qt would own them, but
    their Python overrides (redo/undo) must stay alive, which a plain list guarantees.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.commands: list[QUndoCommand] = []

    def add(self, command: QUndoCommand) -> None:
        self.commands.append(command)

    def redo(self) -> None:
        for command in self.commands:
            command.redo()

    def undo(self) -> None:
        for command in reversed(self.commands):
            command.undo()
