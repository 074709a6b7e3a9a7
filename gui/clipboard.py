"""Copy/paste payloads: a selection of layers and the edges between them, as plain JSON.

JSON rather than pickle so that pasting text from anywhere can never execute anything, and so a
student can paste a fragment into a chat or an issue. Parsing is defensive for the same reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QMimeData

from core.graph import NetworkGraph
from core.layers import ParamError, get_spec
from gui.commands import LayerSnapshot as FragmentLayer  # a copied layer is a layer snapshot

MIME_TYPE = "application/x-neurocanvas-fragment+json"
FORMAT = "neurocanvas-fragment"


@dataclass(frozen=True)
class Fragment:
    layers: tuple[FragmentLayer, ...]
    connections: tuple[tuple[str, str], ...]


def capture(graph: NetworkGraph, layer_ids: list[str]) -> Fragment:
    """The given layers and the connections among them, in slot order."""
    chosen = set(layer_ids)
    layers = tuple(FragmentLayer.of(graph, n) for n in layer_ids)
    edges = tuple((u, v) for u, v in graph.connections() if u in chosen and v in chosen)
    return Fragment(layers, edges)


def to_json(fragment: Fragment) -> str:
    layers = [{"id": l.layer_id, "type": l.layer_type, "params": _plain(l.params),
               "position": list(l.pos),
               "weights": {k: v.tolist() for k, v in l.weights.items()}} for l in fragment.layers]
    return json.dumps({"format": FORMAT, "layers": layers,
                       "connections": [list(e) for e in fragment.connections]}, indent=1)


def from_json(text: str) -> Fragment | None:
    """Parse a payload; None for anything that is not a well-formed fragment."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        layers = tuple(_layer(entry) for entry in data["layers"])
        ids = {l.layer_id for l in layers}
        edges = tuple((str(u), str(v)) for u, v in data.get("connections", ())
                      if u in ids and v in ids)
        return Fragment(layers, edges)
    except (ValueError, TypeError, KeyError):
        return None


def _layer(entry: dict[str, Any]) -> FragmentLayer:
    layer_type = str(entry["type"])
    get_spec(layer_type)  # KeyError for unknown types: the whole paste is refused
    params = dict(entry.get("params", {}))
    try:
        params = get_spec(layer_type).normalize(params)
    except ParamError:
        pass  # keep the raw values: the validator will explain what is wrong with them
    x, y = entry.get("position", (0.0, 0.0))
    weights = {str(k): np.asarray(v, dtype=np.float64) for k, v in entry.get("weights", {}).items()}
    return FragmentLayer(str(entry["id"]), layer_type, params, (float(x), float(y)), weights)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def to_mime(fragment: Fragment) -> QMimeData:
    text = to_json(fragment)
    mime = QMimeData()
    mime.setData(MIME_TYPE, text.encode("utf-8"))
    mime.setText(text)
    return mime


def from_mime(mime: QMimeData | None) -> Fragment | None:
    if mime is None:
        return None
    if mime.hasFormat(MIME_TYPE):
        return from_json(bytes(mime.data(MIME_TYPE).data()).decode("utf-8", "replace"))
    if mime.hasText():
        return from_json(mime.text())
    return None
