"""Stage 2 of reading: JSON values -> checked, typed records (see _reader for the whole pipeline).

Every function here either returns a converted value or raises FileFormatError with the JSON path
of the problem; none of them builds a graph, so a bad file never yields a half-built network.
Layer types come from the layer registry and settings from core.settings, never from the file.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable, Collection

import networkx as nx
import numpy as np

from core.fileformat import _common as common
from core.fileformat._common import (FORMAT_NAME, FileFormatError, child, describe, did_you_mean,
                                     expect_list, expect_object, expected_number, is_number, quote,
                                     sentence)
from core.fileformat._trained import check_trained, upgrade_v1
from core.fileformat._weights import check_weights
from core.graph import ID_PATTERN, label_problem
from core.i18n import _
from core.layers import LayerSpec, ParamError, ParamSpec, all_specs, get_spec
from core.network import Lesson, TrainedState
from core.settings import DatasetSpec, SettingsError, TrainingSettings

TOP_KEYS = ("format", "version", "name", "description", "lesson", "layers", "connections",
            "dataset", "training", "weights", "trained")
LAYER_KEYS = ("id", "label", "type", "params", "position")
CONNECTION_EXAMPLE = '{"from": "input", "to": "hidden"}'

# MIGRATIONS[n] turns a version-n document into a version-(n + 1) document. Old files are upgraded
# one step at a time, so each step stays small and the checks below only know the newest layout.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: upgrade_v1}


@dataclass(frozen=True)
class LayerRecord:
    id: str
    type: str
    params: dict[str, Any]  # normalized: every parameter present and coerced
    position: tuple[float, float]
    label: str = ""  # the display name; "" (or absent in the file): the card shows the id


@dataclass(frozen=True)
class Document:
    """A checked file: everything `build_network` needs, already consistent."""

    name: str
    description: str
    lesson: Lesson | None
    layers: tuple[LayerRecord, ...]
    connections: tuple[tuple[str, str], ...]  # file order = slot order
    dataset: DatasetSpec
    training: TrainingSettings
    weights: dict[str, dict[str, np.ndarray]]
    trained: TrainedState


def check_document(data: Any) -> Document:
    """Every field checked and converted, in an order that reports the most basic problem first."""
    root = expect_object(data, "$", _('a network file: a JSON object that starts {"format": '
                                      '"neurocanvas-network", "version": 1, ...}'))
    _check_format(root)
    root = _migrate(root, _check_version(root))
    _check_keys(root, "$", TOP_KEYS, required=("name", "layers", "connections"))
    layers = _check_layers(root["layers"], "$.layers")
    ids = {layer.id: None for layer in layers}  # ordered, for suggestions
    return Document(
        name=_string(root, "name", "$"),
        description=_string(root, "description", "$", default=""),
        lesson=_check_lesson(root.get("lesson"), "$.lesson"),
        layers=layers,
        connections=_check_connections(root["connections"], "$.connections", ids),
        dataset=_check_settings(DatasetSpec, root.get("dataset", {}), "$.dataset"),
        training=_check_settings(TrainingSettings, root.get("training", {}), "$.training"),
        weights=check_weights(root.get("weights", {}), "$.weights", ids),
        trained=check_trained(root.get("trained"), "$.trained"))


def _check_format(root: dict[str, Any]) -> None:
    if "format" not in root:
        raise FileFormatError(_('This is not a NeuroCanvas network file: it has no "format" key '
                                '(expected "format": "{name}").').format(name=FORMAT_NAME), "$.format")
    if root["format"] != FORMAT_NAME:
        raise FileFormatError(_('This is not a NeuroCanvas network file: "format" is {value}, '
                                'expected "{name}".').format(value=describe(root["format"]),
                                                              name=FORMAT_NAME), "$.format")


def _check_version(root: dict[str, Any]) -> int:
    version = root.get("version")
    if "version" not in root or isinstance(version, bool) or not isinstance(version, int):
        got = _("missing") if "version" not in root else describe(version)
        raise FileFormatError(_("The file version must be a whole number such as 1 (it is {value})."
                                ).format(value=got), "$.version")
    shown = version if abs(version) < 10**9 else _("far out of range")
    if version > common.FORMAT_VERSION:
        raise FileFormatError(
            _("This file was written by a newer NeuroCanvas (file version {version}, this program "
              "reads up to {newest}): update NeuroCanvas to open it.").format(
                version=shown, newest=common.FORMAT_VERSION), "$.version")
    if version < 1:
        raise FileFormatError(_("There is no file version {version}: versions start at 1.").format(
            version=shown), "$.version")
    return version


def _migrate(root: dict[str, Any], version: int) -> dict[str, Any]:
    while version < common.FORMAT_VERSION:
        root = MIGRATIONS[version](dict(root))
        version += 1
    return root


def _check_layers(value: Any, path: str) -> tuple[LayerRecord, ...]:
    items = expect_list(value, path, _('a list of layers such as {"id": "hidden", "type": "Dense"}'))
    if len(items) > common.MAX_LAYERS:
        raise FileFormatError(_("The file has {count} layers; NeuroCanvas opens at most {limit}."
                                ).format(count=len(items), limit=common.MAX_LAYERS), path)
    records: dict[str, LayerRecord] = {}
    for index, item in enumerate(items):
        record = _check_layer(item, child(path, index))
        if record.id in records:
            first = list(records).index(record.id)
            raise FileFormatError(_("The id {id} is already used by {path}: give every layer its "
                                    "own id.").format(id=quote(record.id), path=child(path, first)),
                                  child(child(path, index), "id"))
        records[record.id] = record
    return tuple(records.values())


def _check_layer(value: Any, path: str) -> LayerRecord:
    layer = expect_object(value, path, _('a layer such as {"id": "hidden", "type": "Dense"}'))
    _check_keys(layer, path, LAYER_KEYS, required=("id", "type"))
    layer_id = _check_id(layer["id"], child(path, "id"))
    spec = _check_type(layer["type"], child(path, "type"))
    params = _check_params(spec, layer.get("params", {}), child(path, "params"))
    position = _check_position(layer.get("position", [0, 0]), child(path, "position"))
    label = _check_label(layer.get("label", ""), child(path, "label"))
    return LayerRecord(layer_id, spec.type_name, params, position, label)


def _check_label(value: Any, path: str) -> str:
    """A display name: free text ("Couche cachée 1"), one line, at most LABEL_MAX characters."""
    if not isinstance(value, str):
        raise FileFormatError(_('A layer\'s label must be text such as "Hidden layer 1" (got '
                                "{value}).").format(value=describe(value)), path)
    problem = label_problem(value)
    if problem:
        raise FileFormatError(problem, path)
    return value


def _check_id(value: Any, path: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise FileFormatError(_("A layer id must be text made of letters, digits and _, starting "
                                "with a letter or _, at most 64 characters (got {value}).").format(
                                    value=describe(value)), path)
    return value


def _check_type(value: Any, path: str) -> LayerSpec:
    if not isinstance(value, str):
        raise FileFormatError(_('The layer type must be text such as "Dense" (got {value}).').format(
            value=describe(value)), path)
    try:
        return get_spec(value)
    except KeyError:
        names = [spec.type_name for spec in all_specs()]
        hint = did_you_mean(value, names) or " " + _("Known types: {names}.").format(
            names=", ".join(names))
        raise FileFormatError(_("Unknown layer type {type}.").format(type=quote(value)) + hint,
                              path) from None


def _check_params(spec: LayerSpec, value: Any, path: str) -> dict[str, Any]:
    """Each parameter coerced on its own, so that a bad value is reported at its own path."""
    params = expect_object(value, path, _('an object of parameters such as {"units": 4}'))
    names = [p.name for p in spec.params]
    for name, raw in params.items():
        if name not in names:
            listing = " " + (_("Its parameters are: {names}.").format(names=", ".join(names))
                             if names else _("It has none."))
            raise FileFormatError(_("{type} has no parameter {name}.").format(
                type=spec.type_name, name=quote(name)) + (did_you_mean(name, names) or listing),
                child(path, name))
        _coerce(spec.param(name), raw, child(path, name))
    return spec.normalize(params)


def _coerce(param: ParamSpec, raw: Any, path: str) -> None:
    try:
        param.coerce(raw)
    except ParamError as exc:
        raise FileFormatError(sentence(str(exc)), path) from None
    except OverflowError:
        raise FileFormatError(_("{parameter}: {value} is far too large.").format(
            parameter=param.label, value=describe(raw)), path) from None


def _check_position(value: Any, path: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise FileFormatError(_("The canvas position must be [x, y], a list of two numbers "
                                "(got {value}).").format(value=describe(value)), path)
    for index, item in enumerate(value):
        if not is_number(item):
            raise FileFormatError(expected_number(item), child(path, index))
    return float(value[0]), float(value[1])


def _check_connections(value: Any, path: str, ids: Collection[str]) -> tuple[tuple[str, str], ...]:
    items = expect_list(value, path, _("a list of connections such as {example}").format(
        example=CONNECTION_EXAMPLE))
    if len(items) > common.MAX_CONNECTIONS:
        raise FileFormatError(_("The file has {count} connections; NeuroCanvas opens at most "
                                "{limit}.").format(count=len(items), limit=common.MAX_CONNECTIONS),
                              path)
    first_use: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        edge = _check_connection(item, child(path, index), ids)
        if edge in first_use:
            raise FileFormatError(_("This repeats {path} ({source} -> {target}): remove one of "
                                    "them.").format(path=child(path, first_use[edge]),
                                                    source=edge[0], target=edge[1]),
                                  child(path, index))
        first_use[edge] = index
    _check_acyclic(first_use, path)
    return tuple(first_use)


def _check_connection(value: Any, path: str, ids: Collection[str]) -> tuple[str, str]:
    connection = expect_object(value, path, _("a connection such as {example}").format(
        example=CONNECTION_EXAMPLE))
    _check_keys(connection, path, ("from", "to"), required=("from", "to"))
    return (_check_endpoint(connection["from"], child(path, "from"), ids),
            _check_endpoint(connection["to"], child(path, "to"), ids))


def _check_endpoint(value: Any, path: str, ids: Collection[str]) -> str:
    if not isinstance(value, str):
        raise FileFormatError(_("Expected a layer id as text (got {value}).").format(
            value=describe(value)), path)
    if value not in ids:
        raise FileFormatError(_("There is no layer with the id {id}.").format(id=quote(value))
                              + did_you_mean(value, ids) + " "
                              + _('Connections can only join layers listed under "layers".'), path)
    return value


def _check_acyclic(edges: dict[tuple[str, str], int], path: str) -> None:
    """Linear time even for 10,000 layers; the message names one cycle and points at its
    last-listed connection, the one a person most likely added by mistake."""
    graph = nx.DiGraph(list(edges))
    if nx.is_directed_acyclic_graph(graph):
        return
    cycle = _one_cycle(graph, edges)
    names = [source for source, _target in cycle] + [cycle[0][0]]
    if len(names) > 12:
        names = names[:10] + ["...", names[-1]]
    last = max(edges[(source, target)] for source, target in cycle)
    raise FileFormatError(_("The connections form a cycle through {cycle}: signals must flow one "
                            "way, so remove one of these connections.").format(
                                cycle=" -> ".join(names)), child(path, last))


def _one_cycle(graph: nx.DiGraph, edges: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """A cycle found by one depth-first search inside a strongly connected component (find_cycle
    over the whole graph restarts from every node and is quadratic on long chains). Starting at the
    source of the component's first-listed edge makes the message the same on every run."""
    for component in nx.strongly_connected_components(graph):
        inside = [edge for edge in edges if edge[0] in component and edge[1] in component]
        if inside:
            return nx.find_cycle(graph.subgraph(component), source=inside[0][0])
    raise AssertionError("a graph that is not acyclic has a cycle")


def _check_lesson(value: Any, path: str) -> Lesson | None:
    if value is None:
        return None
    lesson = expect_object(value, path,
                           _('a lesson such as {"title": "XOR", "text": "..."}, or null'))
    _check_keys(lesson, path, ("title", "text", "goal"))
    metric, target = _check_goal(lesson.get("goal"), child(path, "goal"))
    return Lesson(_string(lesson, "title", path, default=""), _string(lesson, "text", path, default=""),
                  metric, target)


def _check_goal(value: Any, path: str) -> tuple[str, float]:
    """null (no promise) -> ("", 0.0), as the Lesson record encodes 'no goal'."""
    if value is None:
        return "", 0.0
    goal = expect_object(value, path,
                         _('a goal such as {"metric": "train_accuracy", "value": 1.0}, or null'))
    _check_keys(goal, path, ("metric", "value"), required=("metric", "value"))
    if not isinstance(goal["metric"], str) or not goal["metric"]:
        raise FileFormatError(_('The goal metric must be a name such as "train_accuracy" (write '
                                '"goal": null for no goal; got {value}).').format(
                                    value=describe(goal["metric"])), child(path, "metric"))
    if not is_number(goal["value"]):
        raise FileFormatError(_("The goal value must be a number (got {value}).").format(
            value=describe(goal["value"])), child(path, "value"))
    return goal["metric"], float(goal["value"])


def _check_settings(cls: type, value: Any, path: str) -> Any:
    """A DatasetSpec/TrainingSettings via its own from_dict; SettingsError.field becomes the path."""
    data = expect_object(value, path, _("an object of settings"))
    known = [f.name for f in fields(cls)]
    for key, item in data.items():
        if key not in known:
            raise FileFormatError(_("Unknown setting {name}.").format(name=quote(key))
                                  + did_you_mean(key, known) + " "
                                  + _("Known settings: {names}.").format(names=", ".join(known)),
                                  child(path, key))
        if key != "params" and isinstance(item, (list, dict)):  # keeps SettingsError's repr small
            raise FileFormatError(_("{name} must be a single value, not {value}.").format(
                name=key, value=describe(item)), child(path, key))
    if "params" in data:
        _check_depth(data["params"], child(path, "params"), common.MAX_DATASET_DEPTH)
    try:
        return cls.from_dict(data)
    except SettingsError as exc:
        message = str(exc).removeprefix(f"{exc.field}: ")
        where = child(path, exc.field) if exc.field in known else path
        raise FileFormatError(sentence(f"{exc.field} {message}"), where) from None


def _check_depth(value: Any, path: str, limit: int) -> None:
    """Free-form JSON (dataset params) must stay shallow, so writing it back cannot recurse too far."""
    stack = [(value, 0)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise FileFormatError(_("This is nested more than {limit} levels deep; no dataset "
                                    "setting needs that.").format(limit=limit), path)
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))


def _check_keys(obj: dict[str, Any], path: str, allowed: tuple[str, ...],
                required: tuple[str, ...] = ()) -> None:
    for key in obj:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or " " + _("Allowed here: {names}.").format(
                names=", ".join(allowed))
            raise FileFormatError(_("Unknown key {key}.").format(key=quote(key)) + hint,
                                  child(path, key))
    for key in required:
        if key not in obj:
            raise FileFormatError(_("The required key {key} is missing.").format(key=quote(key)),
                                  child(path, key))


def _string(obj: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
    if key not in obj and default is not None:
        return default
    value = obj.get(key)
    if not isinstance(value, str):
        raise FileFormatError(_("Expected text in double quotes, got {value}.").format(
            value=describe(value)), child(path, key))
    return value
