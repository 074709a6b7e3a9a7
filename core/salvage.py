"""Writing as much of a network as a file can hold, and saying what had to be left out.

`dumps_network` refuses a network with one bad value anywhere (a NaN weight, units 0, a position
at infinity), which is right for File ▸ Save: the user is there to read the message. An autosave
has no one watching; when it refused, every later autosave failed too, and after a crash the
user's earlier good edits were lost with it. `salvage_text` therefore asks the writer what is
wrong, repairs a *copy* of the network at exactly that place (a parameter back to its default,
non-finite weights dropped, a position back to the origin, a cycle-closing connection removed),
and asks again, until the writer accepts it. The notes say what was changed, for the status bar.
"""

from __future__ import annotations

import dataclasses
import re

from core.fileformat import FileFormatError, dumps_network
from core.layers import ParamError, get_spec
from core.network import Network, TrainedState

MAX_REPAIRS = 200  # each repair removes one problem; more than this is not a network to rescue

_LAYER = re.compile(r"^\$\.layers\[(\d+)\](\.params)?")
_WEIGHTS = re.compile(r"^\$\.weights(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\"([^\"]*)\"\])"
                      r"(?:\.([A-Za-z0-9_.]+)|\[\"([^\"]*)\"\])?")
_CONNECTION = re.compile(r"^\$\.connections\[(\d+)\]")
_RECORDS = {"$.dataset": "dataset", "$.training": "training", "$.trained": "trained",
            "$.lesson": "lesson", "$.name": "name", "$.description": "description"}


def salvage_text(network: Network) -> tuple[str, list[str]]:
    """(file text, notes): the whole network when it can be written (notes empty), otherwise
    a repaired copy and one note per repair. Never raises FileFormatError."""
    try:
        return dumps_network(network), []
    except FileFormatError as first:
        problem = first
    copy = dataclasses.replace(network, graph=network.graph.copy())
    notes: list[str] = []
    for _ in range(MAX_REPAIRS):
        notes.append(_repair(copy, problem))
        try:
            return dumps_network(copy), notes
        except FileFormatError as exc:
            problem = exc
    empty = dataclasses.replace(network, graph=type(network.graph)(), trained=TrainedState())
    return dumps_network(_plain_records(empty)), notes + ["too many problems: saved no layers"]


def _repair(network: Network, problem: FileFormatError) -> str:
    """Fix the one place ``problem`` names; a note saying what was done."""
    path, graph = problem.json_path, network.graph
    ids = graph.layer_ids()
    if (match := _LAYER.match(path)) and int(match.group(1)) < len(ids):
        layer_id = ids[int(match.group(1))]
        if match.group(2):
            return f"'{layer_id}': {_clause(problem)} {_reset_params(network, layer_id)}"
        if path.endswith("position") or ".position" in path:
            graph.move_layer(layer_id, (0.0, 0.0))
            return f"'{layer_id}': {_clause(problem)} (saved at the origin)"
        graph.remove_layer(layer_id)
        return f"'{layer_id}': {_clause(problem)} (layer left out)"
    if match := _WEIGHTS.match(path):
        return _drop_weights(network, match.group(1) or match.group(2),
                             match.group(3) or match.group(4), problem)
    if (match := _CONNECTION.match(path)) and int(match.group(1)) < len(graph.connections()):
        source, target = graph.connections()[int(match.group(1))]
        graph.disconnect(source, target)
        return f"{source} -> {target}: {_clause(problem)} (connection left out)"
    return _reset_record(network, path, problem)


def _clause(problem: FileFormatError) -> str:
    """The writer's sentence without its full stop, to be followed by what was done."""
    return problem.message.rstrip(".")


def _reset_params(network: Network, layer_id: str) -> str:
    """Each parameter the layer's spec refuses goes back to its default; the others stay."""
    graph = network.graph
    spec = get_spec(graph.layer_type(layer_id))
    params, reset = dict(graph.params(layer_id)), []
    for name, value in list(params.items()):
        try:
            spec.param(name).coerce(value)
        except (KeyError, ParamError, OverflowError, TypeError, ValueError):
            params.pop(name)
            reset.append(name)
    try:
        spec.normalize(params)
    except (ParamError, OverflowError, TypeError, ValueError):
        params, reset = {}, ["all parameters"]
    graph.set_params(layer_id, params)
    return f"(saved with the default {', '.join(reset) or 'parameters'})"


def _drop_weights(network: Network, layer_id: str | None, name: str | None,
                  problem: FileFormatError) -> str:
    graph = network.graph
    if layer_id is None or not graph.has_layer(layer_id):
        for each in graph.layer_ids():
            graph.set_weights(each, None)
        return f"weights: {_clause(problem)} (all weights left out)"
    weights = graph.weights(layer_id)
    if name in weights:
        weights.pop(name)
    else:
        weights = {}
    graph.set_weights(layer_id, weights)
    what = f"'{layer_id}' {name}" if name else f"'{layer_id}'"
    return f"weights of {what}: {_clause(problem)} (left out)"


def _reset_record(network: Network, path: str, problem: FileFormatError) -> str:
    for prefix, field in _RECORDS.items():
        if path.startswith(prefix):
            default = {f.name: f for f in dataclasses.fields(Network)}[field]
            value = default.default_factory() if default.default_factory is not \
                dataclasses.MISSING else default.default
            setattr(network, field, value)
            return f"{field}: {_clause(problem)} (saved with the default)"
    _plain_records(network)
    return f"{path}: {_clause(problem)} (settings saved as defaults)"


def _plain_records(network: Network) -> Network:
    """Every record but the graph back to its default: the last resort."""
    for field in dataclasses.fields(Network):
        if field.name != "graph":
            setattr(network, field.name, field.default_factory()
                    if field.default_factory is not dataclasses.MISSING else field.default)
    return network
