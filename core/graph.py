"""The network graph: the single source of truth for layers, connections, layout and hand-set weights.

A `NetworkGraph` wraps a networkx DiGraph whose nodes are stable string ids (``dense_1``) carrying a
layer type, its parameters, a canvas position, optional weights and an optional display name (a
free label such as "Couche cachée 1": ids stay module names, labels are only shown). The GUI
never keeps its own copy of this data: it subscribes to the graph's events and mirrors them (see
CONVENTIONS.md, rule 2).

Weights are stored in the *file/UI convention* (see ``docs/file-format.md``): a Dense layer's
``weight`` has shape inputs x units so that ``y = x @ W + b`` as textbooks write it. The compiler
converts to torch's layout at the boundary.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Any, Callable

import networkx as nx
import numpy as np

ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
LABEL_MAX = 80  # characters of a display name: a card stays readable
# Events that change how the network is drawn, never what it computes: no re-validation, and a
# running training goes on through them.
LAYOUT_EVENTS = frozenset({"layer_moved", "label_changed"})


class GraphError(ValueError):
    """An edit that would leave the graph inconsistent (unknown id, duplicate id, cycle, ...)."""


# ----- the id rules: one wording and one numbering for the graph, the document and paste -------
def id_problem(layer_id: str, taken: Container[str]) -> str | None:
    """Why ``layer_id`` cannot name a new (or renamed) layer; None when it can."""
    if not ID_PATTERN.fullmatch(layer_id):
        return (f"'{layer_id}' is not a valid layer id: use letters, digits and _, starting with "
                "a letter (at most 64 characters).")
    if layer_id in taken:
        return f"A layer named '{layer_id}' already exists."
    return None


def label_problem(label: str) -> str | None:
    """Why ``label`` cannot be a layer's display name; None when it can. Any letters, accents,
    spaces and punctuation are fine: one line of at most LABEL_MAX characters."""
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in label):
        return "A display name is one line of text: remove the line breaks and control characters."
    if len(label) > LABEL_MAX:
        return f"A display name has at most {LABEL_MAX} characters (this one has {len(label)})."
    return None


def next_id(base: str, taken: Container[str]) -> str:
    """The first free ``stem_N`` (N = 1, 2, ...) for ``base``, a layer type or an id being copied:
    ``Dense`` -> ``dense_1``; a copy of ``dense_1`` -> ``dense_2``. Always a valid id."""
    # no leading "_" (reserved for torch's attributes) and room for the suffix within 64 chars
    stem = re.sub(r"[^A-Za-z0-9_]", "_", base.lower()).lstrip("_")[:56] or "layer"
    if stem[0].isdigit():
        stem = "l_" + stem
    stem = re.sub(r"_\d+$", "", stem)
    n = 1
    while f"{stem}_{n}" in taken:
        n += 1
    return f"{stem}_{n}"


@dataclass(frozen=True)
class GraphEvent:
    """What changed. ``kind`` is one of the past-tense names listed in `NetworkGraph.EVENT_KINDS`."""

    kind: str
    node: str | None = None
    other: str | None = None  # edge target, or the new id after a rename


Listener = Callable[[GraphEvent], None]


class NetworkGraph:
    """A DAG of layers. Every mutation goes through a method here and emits one event."""

    EVENT_KINDS = (
        "layer_added", "layer_removed", "layer_renamed", "params_changed", "layer_moved",
        "weights_changed", "connection_added", "connection_removed", "graph_reset", "label_changed",
    )

    def __init__(self) -> None:
        self._g = nx.DiGraph()
        self._listeners: list[Listener] = []
        self._next_slot = 0

    # ----- observation -------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _emit(self, kind: str, node: str | None = None, other: str | None = None) -> None:
        event = GraphEvent(kind, node, other)
        for listener in list(self._listeners):
            listener(event)

    # ----- queries -----------------------------------------------------------------------
    @property
    def nx(self) -> nx.DiGraph:
        """Read-only view for algorithms (topological sort, layering). Do not mutate it."""
        return self._g

    def layer_ids(self) -> list[str]:
        return list(self._g.nodes)

    def has_layer(self, layer_id: str) -> bool:
        return layer_id in self._g

    def layer_type(self, layer_id: str) -> str:
        return self._node(layer_id)["type"]

    def params(self, layer_id: str) -> dict[str, Any]:
        return dict(self._node(layer_id)["params"])

    def position(self, layer_id: str) -> tuple[float, float]:
        return self._node(layer_id)["pos"]

    def weights(self, layer_id: str) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self._node(layer_id)["weights"].items()}

    def label(self, layer_id: str) -> str:
        """The display name ("" when the layer has none: its id is shown)."""
        return self._node(layer_id).get("label", "")

    def connections(self) -> list[tuple[str, str]]:
        """All edges, ordered by creation slot so that files and merges are deterministic."""
        edges = sorted(self._g.edges(data="slot"), key=lambda e: e[2])
        return [(u, v) for u, v, _ in edges]

    def inputs_of(self, layer_id: str) -> list[str]:
        """Predecessors in slot order: the order in which a Concatenate joins its inputs."""
        preds = self._g.in_edges(self._require(layer_id), data="slot")
        return [u for u, _, _ in sorted(preds, key=lambda e: e[2])]

    def outputs_of(self, layer_id: str) -> list[str]:
        return list(self._g.successors(self._require(layer_id)))

    def has_connection(self, source: str, target: str) -> bool:
        return self._g.has_edge(source, target)

    def connection_slot(self, source: str, target: str) -> int:
        return self._g.edges[source, target]["slot"]

    def would_create_cycle(self, source: str, target: str) -> bool:
        return source == target or nx.has_path(self._g, target, source)

    def is_acyclic(self) -> bool:
        return nx.is_directed_acyclic_graph(self._g)

    def topological_order(self) -> list[str]:
        """Deterministic topological order (ties broken by id) for compilation and inspection."""
        return list(nx.lexicographical_topological_sort(self._g))

    def unique_id(self, base: str) -> str:
        """A fresh id derived from ``base`` (``dense`` -> ``dense_1``, ``dense_2``, ...)."""
        return next_id(base, self._g)

    def edge_problem(self, source: str, target: str) -> str | None:
        """Why the graph itself cannot hold ``source`` → ``target`` (unknown layer, duplicate,
        cycle); None when it can. Layer-type rules (how many inputs a type takes) are the
        validator's: see `core.validation.connection_problem`, which starts with this."""
        for layer_id in (source, target):
            if layer_id not in self._g:
                return f"There is no layer named '{layer_id}'."
        if source == target:
            return "A layer cannot be connected to itself: that would be a cycle."
        if self._g.has_edge(source, target):
            return f"'{source}' is already connected to '{target}'."
        if self.would_create_cycle(source, target):
            return (f"Connecting '{source}' to '{target}' would create a cycle: data must flow "
                    "one way, from the Input to the Output.")
        return None

    def copy(self) -> "NetworkGraph":
        """A deep copy without listeners (for compiling or training on a snapshot)."""
        other = NetworkGraph()
        other._g = copy.deepcopy(self._g)
        other._next_slot = self._next_slot
        return other

    # ----- mutations ---------------------------------------------------------------------
    def add_layer(self, layer_id: str, layer_type: str, params: dict[str, Any] | None = None,
                  pos: tuple[float, float] = (0.0, 0.0),
                  weights: dict[str, np.ndarray] | None = None, label: str = "") -> str:
        problem = id_problem(layer_id, self._g) or label_problem(label)
        if problem:
            raise GraphError(problem)
        self._g.add_node(layer_id, type=layer_type, params=dict(params or {}),
                         pos=(float(pos[0]), float(pos[1])),
                         weights={k: np.array(v, dtype=np.float64) for k, v in (weights or {}).items()},
                         label=label)
        self._emit("layer_added", layer_id)
        return layer_id

    def remove_layer(self, layer_id: str) -> None:
        """Remove a layer and its connections (each connection removal is emitted first)."""
        self._require(layer_id)
        for u, v in list(self._g.in_edges(layer_id)) + list(self._g.out_edges(layer_id)):
            self.disconnect(u, v)
        self._g.remove_node(layer_id)
        self._emit("layer_removed", layer_id)

    def rename_layer(self, old: str, new: str) -> None:
        self._require(old)
        if old == new:
            return
        problem = id_problem(new, self._g)
        if problem:
            raise GraphError(problem)
        nx.relabel_nodes(self._g, {old: new}, copy=False)
        self._emit("layer_renamed", old, new)

    def set_params(self, layer_id: str, params: dict[str, Any]) -> None:
        """Replace the parameters; weights that no longer fit are the validator's business."""
        self._node(layer_id)["params"] = dict(params)
        self._emit("params_changed", layer_id)

    def set_label(self, layer_id: str, label: str) -> None:
        """Set (or clear with "") the display name; the id, module names and weights stay."""
        problem = label_problem(label)
        if problem:
            raise GraphError(problem)
        self._node(layer_id)["label"] = label
        self._emit("label_changed", layer_id)

    def move_layer(self, layer_id: str, pos: tuple[float, float]) -> None:
        self._node(layer_id)["pos"] = (float(pos[0]), float(pos[1]))
        self._emit("layer_moved", layer_id)

    def set_weights(self, layer_id: str, weights: dict[str, np.ndarray] | None) -> None:
        """Set (or clear with None/{}) the hand-set or trained weights of a layer."""
        self._node(layer_id)["weights"] = {
            k: np.array(v, dtype=np.float64) for k, v in (weights or {}).items()}
        self._emit("weights_changed", layer_id)

    def connect(self, source: str, target: str, slot: int | None = None) -> None:
        """Add an edge; ``slot`` restores the original position on undo."""
        problem = self.edge_problem(source, target)
        if problem:
            raise GraphError(problem)
        if slot is None:
            slot = self._next_slot
        self._next_slot = max(self._next_slot, slot + 1)
        self._g.add_edge(source, target, slot=slot)
        self._emit("connection_added", source, target)

    def disconnect(self, source: str, target: str) -> None:
        if not self._g.has_edge(source, target):
            raise GraphError(f"'{source}' is not connected to '{target}'.")
        self._g.remove_edge(source, target)
        self._emit("connection_removed", source, target)

    def replace_with(self, other: "NetworkGraph") -> None:
        """Take over another graph's content (e.g. after loading a file) with one reset event."""
        self._g = copy.deepcopy(other._g)
        self._next_slot = other._next_slot
        self._emit("graph_reset")

    # ----- helpers -----------------------------------------------------------------------
    def _require(self, layer_id: str) -> str:
        if layer_id not in self._g:
            raise GraphError(f"There is no layer named '{layer_id}'.")
        return layer_id

    def _node(self, layer_id: str) -> dict[str, Any]:
        return self._g.nodes[self._require(layer_id)]
