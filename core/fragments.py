"""Clipboard fragments ("neurocanvas-fragment"), read with exactly the checks a network file gets.

Pasted text can come from anywhere. It was once checked more loosely than a file: an invalid id
left a phantom undo entry, NaN or 1e400 positions and text weights raised out of Paste, a self-loop
broke Undo/Redo, and units 0 or a NaN bias pasted fine and then made every autosave fail. So a
fragment is reshaped into a network file and read by `core.fileformat`'s own reader: whatever it
accepts is a graph the file format can also write, and every refusal names its place in the pasted
text (``$.layers[0].params.units``) the way file errors do.

Fragment layout (what Copy writes): ``{"format": "neurocanvas-fragment", "layers": [{"id", "type",
"params", "position", "weights"}], "connections": [[from, to], ...]}``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from core.fileformat import FORMAT_NAME, FORMAT_VERSION, FileFormatError, loads_network
from core.fileformat._common import child, describe
from core.fileformat._reader import parse  # the file's strict JSON stage: no NaN, no 1e400
from core.network import Network

FRAGMENT_FORMAT = "neurocanvas-fragment"
SOURCE = "the pasted text"


class NotAFragment(ValueError):
    """The text is something else (a sentence, another program's JSON): nothing to explain."""


def read_fragment(text: str) -> Network:
    """The fragment's layers, connections and weights as a checked network (name unused).

    NotAFragment when the text is not a fragment at all; FileFormatError (with the path inside
    the pasted text) when it is one that the file format would refuse."""
    try:
        data = parse(text)
    except FileFormatError as exc:
        if f'"{FRAGMENT_FORMAT}"' not in text:  # some other text: nothing to explain
            raise NotAFragment("not JSON") from None
        raise FileFormatError(exc.message, exc.json_path, SOURCE) from None  # NaN, 1e400, ...
    if not isinstance(data, dict) or data.get("format") != FRAGMENT_FORMAT:
        raise NotAFragment("not a NeuroCanvas fragment")
    layers, weights = _layers(data.get("layers"))
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "name": "Pasted layers",
                "layers": layers, "connections": _connections(data.get("connections", [])),
                "weights": weights}
    try:
        return loads_network(json.dumps(document))
    except FileFormatError as exc:
        raise FileFormatError(exc.message, _fragment_path(exc.json_path, layers), SOURCE) from None


def _layers(value: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """File-format layers (without their weights) and the file's "weights" table."""
    if not isinstance(value, list):
        raise FileFormatError(f"Expected a list of layers, got {describe(value)}.", "$.layers",
                              SOURCE)
    layers, weights = [], {}
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise FileFormatError(f"Expected a layer object, got {describe(entry)}.",
                                  child("$.layers", index), SOURCE)
        layers.append({key: item for key, item in entry.items() if key != "weights"})
        if "weights" in entry and isinstance(entry.get("id"), str):
            weights[entry["id"]] = entry["weights"]
    return layers, weights


def _connections(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise FileFormatError(f"Expected a list of connections, got {describe(value)}.",
                              "$.connections", SOURCE)
    result = []
    for index, pair in enumerate(value):
        if not isinstance(pair, list) or len(pair) != 2:
            raise FileFormatError('A connection is a pair of layer ids such as ["input", '
                                  f'"hidden"] (got {describe(pair)}).',
                                  child("$.connections", index), SOURCE)
        result.append({"from": pair[0], "to": pair[1]})
    return result


def _fragment_path(path: str, layers: list[dict[str, Any]]) -> str:
    """A file path (``$.weights.h.bias``, ``$.connections[2].from``) as a path in the fragment."""
    ids = {layer.get("id"): index for index, layer in enumerate(layers)
           if isinstance(layer.get("id"), str)}
    match = re.match(r"\$\.weights(\.([A-Za-z_][A-Za-z0-9_]*)|\[(\"[^\"]*\")\])?(.*)", path)
    if match:
        layer_id = match.group(2) or (json.loads(match.group(3)) if match.group(3) else None)
        if layer_id in ids:
            return child(child("$.layers", ids[layer_id]), "weights") + match.group(4)
        return "$.layers"
    return re.sub(r"^(\$\.connections\[\d+\])\.(from|to)", lambda m: m.group(1) +
                  ("[0]" if m.group(2) == "from" else "[1]"), path)
