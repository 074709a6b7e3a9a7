"""Writing network files: deterministic, diff-friendly JSON that people can read and edit by hand.

Layout rules (documented in docs/file-format.md): two-space indentation; an array holding only plain
values (a vector, a matrix row, a position) always stays on one line; an object holding only plain
values and such arrays stays on one line when that line is short; everything else is one item per
line. Floats use Python's shortest round-trip repr, so float64 weights come back bit for bit.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np

from core.fileformat import _common as common
from core.fileformat._common import FORMAT_NAME, FileFormatError, child, quote, sentence
from core.fileformat._reader import loads_network
from core.fileformat._trained import trained_document
from core.graph import NetworkGraph
from core.i18n import _
from core.layers import ParamError, get_spec
from core.network import Lesson, Network

INDENT = "  "
ONE_LINE_OBJECT_WIDTH = 80
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps_network(network: Network) -> str:
    """The file text for ``network``, ending in a newline.

    Raises FileFormatError (with the JSON path) when the network cannot be written as a file that
    loads again — an unknown layer type, an invalid parameter, NaN weights — because the result is
    loaded back before it is returned: whatever this returns, `loads_network` accepts.
    """
    text = _encode(_document(network), 0) + "\n"
    # Lone surrogates (only possible inside strings) cannot be encoded as UTF-8: escape them.
    text = _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    loads_network(text, source=_("the network being saved"))
    return text


def _document(network: Network) -> dict[str, Any]:
    graph = network.graph
    document: dict[str, Any] = {
        "format": FORMAT_NAME, "version": common.FORMAT_VERSION,
        "name": _plain(network.name, "$.name"), "description": _plain(network.description, "$.description"),
    }
    if network.lesson is not None:
        document["lesson"] = _plain(_lesson(network.lesson), "$.lesson")
    layer_ids = graph.layer_ids()
    document["layers"] = [_layer(graph, layer_id, child("$.layers", index))
                          for index, layer_id in enumerate(layer_ids)]
    document["connections"] = [{"from": source, "to": target}
                               for source, target in graph.connections()]
    document["dataset"] = _plain(network.dataset.to_dict(), "$.dataset")
    document["training"] = _plain(network.training.to_dict(), "$.training")
    weights = {layer_id: _weights(graph, layer_id) for layer_id in layer_ids}
    weights = {layer_id: arrays for layer_id, arrays in weights.items() if arrays}
    if weights:
        document["weights"] = weights
    trained = trained_document(network.trained)
    if trained is not None:
        document["trained"] = _plain(trained, "$.trained")
    return document


def _lesson(lesson: Lesson) -> dict[str, Any]:
    """An empty goal_metric means 'no promise' and is written as "goal": null."""
    goal = {"metric": lesson.goal_metric, "value": float(lesson.goal_value)} if lesson.goal_metric else None
    return {"title": lesson.title, "text": lesson.text, "goal": goal}


def _layer(graph: NetworkGraph, layer_id: str, path: str) -> dict[str, Any]:
    """All parameters, normalized, in schema order: the file shows every knob, not just changed ones."""
    layer_type = graph.layer_type(layer_id)
    try:
        params = get_spec(layer_type).normalize(graph.params(layer_id))
    except KeyError:
        raise FileFormatError(_("Unknown layer type {type}: it cannot be saved.").format(
            type=quote(layer_type)), child(path, "type")) from None
    except (ParamError, OverflowError) as exc:
        raise FileFormatError(sentence(str(exc)), child(path, "params")) from None
    x, y = graph.position(layer_id)
    label = {"label": graph.label(layer_id)} if graph.label(layer_id) else {}  # optional field
    return {"id": layer_id, **label, "type": layer_type,
            "params": _plain(params, child(path, "params")),
            "position": [_coordinate(x, path), _coordinate(y, path)]}


def _coordinate(value: float, path: str) -> float | int:
    """Rounded to 0.1 pixel; whole numbers without '.0' because that is how people type them."""
    rounded = round(float(value), 1)
    if not math.isfinite(rounded):
        raise FileFormatError(_("The canvas position is not a finite number: move the layer."),
                              child(path, "position"))
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def _weights(graph: NetworkGraph, layer_id: str) -> dict[str, Any]:
    """Arrays as nested lists of Python floats, in the file convention the graph already uses."""
    result = {}
    for name, array in graph.weights(layer_id).items():
        array = np.asarray(array, dtype=np.float64)
        if not np.isfinite(array).all():
            raise FileFormatError(_("These weights contain NaN or infinite values (did training "
                                    "diverge?): reset them or lower the learning rate, then save "
                                    "again."),
                                  child(child("$.weights", layer_id), name))
        result[name] = array.tolist()
    return result


def _plain(value: Any, path: str) -> Any:
    """JSON-ready copy: tuples become lists, numpy values Python ones; non-finite floats are refused."""
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise FileFormatError(_("Object keys must be text."), path)
        return {key: _plain(item, child(path, key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, child(path, index)) for index, item in enumerate(value)]
    if isinstance(value, (np.ndarray, np.generic)):
        return _plain(value.tolist(), path)
    if isinstance(value, float) and not math.isfinite(value):
        raise FileFormatError(_("{value} is not a number a file can hold: use a finite number."
                                ).format(value=value), path)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise FileFormatError(_("A {type} cannot be written to a network file.").format(
        type=type(value).__name__), path)


# ----- layout ------------------------------------------------------------------------------------
def _encode(value: Any, depth: int) -> str:
    if isinstance(value, dict):
        return _encode_object(value, depth)
    if isinstance(value, list):
        return _encode_array(value, depth)
    return _dumps(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


_CONTAINERS = {dict, list}


def _all_plain(items: Any) -> bool:
    """No dict or list among ``items`` (checked at C speed: weight rows have thousands of items)."""
    return not _CONTAINERS & set(map(type, items))


def _is_flat(value: Any) -> bool:
    """A plain value, an empty container, or an array of plain values: fits on one line."""
    if isinstance(value, list):
        return _all_plain(value)
    return not isinstance(value, dict) or not value


def _encode_array(items: list[Any], depth: int) -> str:
    if _all_plain(items):
        return _dumps(items)
    return _block("[", "]", [_encode(item, depth + 1) for item in items], depth)


def _encode_object(obj: dict[str, Any], depth: int) -> str:
    if all(map(_is_flat, obj.values())):
        line = _dumps(obj)
        if len(line) <= ONE_LINE_OBJECT_WIDTH:
            return line
    entries = [f"{_dumps(key)}: {_encode(item, depth + 1)}" for key, item in obj.items()]
    return _block("{", "}", entries, depth)


def _block(opening: str, closing: str, items: list[str], depth: int) -> str:
    if not items:
        return opening + closing
    inner = INDENT * (depth + 1)
    return f"{opening}\n{inner}" + f",\n{inner}".join(items) + f"\n{INDENT * depth}{closing}"
