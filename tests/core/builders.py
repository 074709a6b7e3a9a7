"""Graph builders shared by the core tests (no Qt: the core tests must run without a display)."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from core.graph import NetworkGraph

LayerRow = tuple  # (id, type) or (id, type, params) or (id, type, params, weights)


def build_graph(layers: Sequence[LayerRow],
                edges: Iterable[tuple[str, str]] | None = None) -> NetworkGraph:
    """A graph from compact rows; ``edges=None`` connects the layers as a chain in the given order."""
    graph = NetworkGraph()
    for row in layers:
        layer_id, layer_type = row[0], row[1]
        params: dict[str, Any] = row[2] if len(row) > 2 else {}
        weights: dict[str, np.ndarray] | None = row[3] if len(row) > 3 else None
        graph.add_layer(layer_id, layer_type, params, weights=weights)
    if edges is None:
        ids = [row[0] for row in layers]
        edges = list(zip(ids, ids[1:]))
    for source, target in edges:
        graph.connect(source, target)
    return graph


def chain(layers: Sequence[LayerRow], weights: dict[str, dict] | None = None) -> NetworkGraph:
    """A chain of (id, type, params) rows, with optional hand-set weights per layer id."""
    weights = weights or {}
    return build_graph([(row[0], row[1], row[2] if len(row) > 2 else {}, weights.get(row[0]))
                        for row in layers])
