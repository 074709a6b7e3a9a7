"""Copy/paste payloads: a selection of layers and the edges between them, as plain JSON.

JSON rather than pickle so that pasting text from anywhere can never execute anything, and so a
student can paste a fragment into a chat or an issue. Pasted text is read with the file format's
own checks (core.fragments), so whatever becomes an undo command is something a file could hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMimeData

from core.fileformat import FileFormatError
from core.fragments import FRAGMENT_FORMAT as FORMAT
from core.fragments import NotAFragment, read_fragment
from core.graph import NetworkGraph
from gui.commands import LayerSnapshot as FragmentLayer  # a copied layer is a layer snapshot

MIME_TYPE = "application/x-neurocanvas-fragment+json"


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
    layers = [{"id": layer.layer_id, **({"label": layer.label} if layer.label else {}),
               "type": layer.layer_type, "params": _plain(layer.params),
               "position": list(layer.pos),
               "weights": {k: v.tolist() for k, v in layer.weights.items()}}
              for layer in fragment.layers]
    return json.dumps({"format": FORMAT, "layers": layers,
                       "connections": [list(e) for e in fragment.connections]}, indent=1)


def from_json(text: str) -> Fragment | None:
    """Parse a payload; None for anything that is not a fragment the file format accepts."""
    try:
        return read(text)
    except (NotAFragment, FileFormatError):
        return None


def read(text: str) -> Fragment:
    """The fragment in ``text``, checked as strictly as a network file (core.fragments).

    NotAFragment for text that is no fragment at all; FileFormatError naming the place inside the
    pasted text for a fragment that cannot be pasted."""
    network = read_fragment(text)
    return capture(network.graph, network.graph.layer_ids())


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def to_mime(fragment: Fragment) -> QMimeData:
    text = to_json(fragment)
    mime = QMimeData()
    mime.setData(MIME_TYPE, text.encode("utf-8"))
    mime.setText(text)
    return mime


def from_mime(mime: QMimeData | None) -> Fragment | None:
    try:
        return read_mime(mime)
    except (NotAFragment, FileFormatError):
        return None


def read_mime(mime: QMimeData | None) -> Fragment:
    """Like `read`, from the clipboard's data (our own type first, then plain text)."""
    if mime is not None and mime.hasFormat(MIME_TYPE):
        return read(bytes(mime.data(MIME_TYPE).data()).decode("utf-8", "replace"))
    if mime is not None and mime.hasText():
        return read(mime.text())
    raise NotAFragment("no text")
