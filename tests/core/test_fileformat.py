"""The network file format: exact round trips, readable layout, and a loader that is a contract.

Every rejected file must raise FileFormatError with the JSON path of the problem; the fuzz test
checks that nothing else ever escapes, whatever is done to a valid file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core import fileformat
from core.fileformat import (FORMAT_NAME, FORMAT_VERSION, FileFormatError, dumps_network,
                             load_network, loads_network, save_network)
from core.graph import NetworkGraph
from core.layers import get_spec
from core.network import Lesson, Network
from core.settings import DatasetSpec, TrainingSettings

ROOT = Path(__file__).resolve().parents[2]


# ----- sample networks -----------------------------------------------------------------------------
def rich_network() -> Network:
    """Many layer types, odd positions, hand-set weights of several ranks, lesson and settings."""
    rng = np.random.default_rng(7)
    g = NetworkGraph()
    g.add_layer("x", "Input", {"shape": (2,)}, (0, 0))
    g.add_layer("hidden", "Dense", {"units": 3, "activation": "tanh"}, (200, -50.5),
                {"weight": np.array([[0.1, 0.2, 1 / 3], [-0.3, 5e-324, 1e300]]),
                 "bias": np.array([0.0, -0.0, 2.5])})
    g.add_layer("drop", "Dropout", {"p": 0.25}, (300.3, 0.0))
    g.add_layer("image", "Input", {"shape": (1, 4, 4)}, (0, 200))
    g.add_layer("conv", "Conv2d", {"filters": 2, "kernel": 3, "activation": "relu"}, (150, 200),
                {"weight": rng.normal(size=(2, 1, 3, 3)), "bias": rng.normal(size=2)})
    g.add_layer("pool", "MaxPool2d", {"kernel": 2}, (250, 200))
    g.add_layer("flat", "Flatten", {}, (350, 200))
    g.add_layer("seq", "Input", {"shape": (5, 3)}, (0, 400))
    g.add_layer("lstm", "LSTM", {"hidden": 2}, (150, 400),
                {"rnn.weight_ih_l0": rng.normal(size=(8, 3)), "rnn.weight_hh_l0": rng.normal(size=(8, 2)),
                 "rnn.bias_ih_l0": rng.normal(size=8)})
    g.add_layer("join", "Concatenate", {}, (450, 100))
    g.add_layer("norm", "BatchNorm", {"momentum": 0.2}, (550, 100),
                {"norm.weight": np.ones(7), "norm.num_batches_tracked": np.array(3.0)})
    g.add_layer("act", "LeakyReLU", {"slope": 0.2}, (650, 100))
    g.add_layer("out", "Dense", {"units": 3}, (750, 100))
    g.add_layer("output", "Output", {"loss": "cross_entropy"}, (850, 100))
    # Deliberately not in topological order: the concatenation order is lstm, drop, flat.
    for source, target in [("lstm", "join"), ("x", "hidden"), ("hidden", "drop"), ("drop", "join"),
                           ("image", "conv"), ("conv", "pool"), ("pool", "flat"), ("flat", "join"),
                           ("seq", "lstm"), ("join", "norm"), ("norm", "act"), ("act", "out"),
                           ("out", "output")]:
        g.connect(source, target)
    return Network(
        graph=g, name="Everything — ünïcode ✓", description="A network that uses\nmany layers.",
        dataset=DatasetSpec(source="inline", name="tiny", params={
            "x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": ["no", "yes", "yes", "no"]},
            validation_split=0.25, scaling="standard", seed=3),
        training=TrainingSettings(optimizer="sgd", learning_rate=0.125, momentum=0.9, batch_size=0,
                                  epochs=500, seed=42),
        lesson=Lesson("Mixing inputs", "Three branches join.", "train_accuracy", 0.75))


def xor_network() -> Network:
    g = NetworkGraph()
    g.add_layer("input", "Input", {"shape": (2,)}, (0, 0))
    g.add_layer("hidden", "Dense", {"units": 2, "activation": "sigmoid"}, (200, 0),
                {"weight": np.array([[20.0, -20.0], [20.0, -20.0]]), "bias": np.array([-10.0, 30.0])})
    g.add_layer("out", "Dense", {"units": 1, "activation": "sigmoid"}, (400, 0),
                {"weight": np.array([[20.0], [20.0]]), "bias": np.array([-30.0])})
    g.add_layer("output", "Output", {"loss": "bce"}, (600, 0))
    for source, target in [("input", "hidden"), ("hidden", "out"), ("out", "output")]:
        g.connect(source, target)
    return Network(graph=g, name="XOR", training=TrainingSettings(optimizer="sgd", learning_rate=0.5),
                   lesson=Lesson("XOR", "Needs a hidden layer.", "train_accuracy", 1.0))


def xor_doc() -> dict[str, Any]:
    return json.loads(dumps_network(xor_network()))


def assert_same_graph(a: NetworkGraph, b: NetworkGraph) -> None:
    """Equal layers, connections (in slot order) and weights (bit for bit); ``b`` may have
    normalized parameters where ``a`` left some to their defaults."""
    assert a.layer_ids() == b.layer_ids()
    for layer_id in a.layer_ids():
        assert a.layer_type(layer_id) == b.layer_type(layer_id)
        assert get_spec(a.layer_type(layer_id)).normalize(a.params(layer_id)) == b.params(layer_id)
        assert a.position(layer_id) == b.position(layer_id)
        wa, wb = a.weights(layer_id), b.weights(layer_id)
        assert list(wa) == list(wb)
        for name in wa:
            assert wb[name].dtype == np.float64 and wa[name].shape == wb[name].shape
            assert np.array_equal(wa[name], wb[name]) and np.array_equal(np.signbit(wa[name]),
                                                                         np.signbit(wb[name]))
    assert a.connections() == b.connections()


# ----- round trip and layout ---------------------------------------------------------------------
def test_round_trip_is_exact():
    original = rich_network()
    text = dumps_network(original)
    loaded = loads_network(text)
    assert dumps_network(loaded) == text
    assert_same_graph(original.graph, loaded.graph)
    assert loaded.dataset == original.dataset and loaded.training == original.training
    assert (loaded.name, loaded.description, loaded.lesson) == (
        original.name, original.description, original.lesson)
    assert loaded.graph.inputs_of("join") == ["lstm", "drop", "flat"]


def test_output_is_deterministic_and_readable():
    text = dumps_network(rich_network())
    assert text == dumps_network(rich_network())
    assert text.endswith("}\n") and "\t" not in text
    assert '"format": "neurocanvas-network",\n  "version": 2,' in text
    # Matrix rows and vectors on one line each; Dense weight in the file convention (inputs x units).
    assert '        [0.1, 0.2, 0.3333333333333333],\n        [-0.3, 5e-324, 1e+300]\n' in text
    assert '"bias": [0.0, -0.0, 2.5]' in text
    assert '{"from": "lstm", "to": "join"},' in text
    assert '"position": [300.3, 0]' in text and "ünïcode ✓" in text
    data = json.loads(text)
    assert (data["format"], data["version"]) == (FORMAT_NAME, FORMAT_VERSION)
    assert [c["from"] for c in data["connections"]][:4] == ["lstm", "x", "hidden", "drop"]
    assert data["layers"][4]["params"] == {"filters": 2, "kernel": 3, "stride": 1, "padding": 0,
                                           "activation": "relu", "bias": True}
    assert data["lesson"]["goal"] == {"metric": "train_accuracy", "value": 0.75}
    assert np.array(data["weights"]["conv"]["weight"]).shape == (2, 1, 3, 3)
    assert data["weights"]["norm"]["norm.num_batches_tracked"] == 3.0
    assert set(data["weights"]) == {"hidden", "conv", "lstm", "norm"}


def test_positions_are_rounded_to_a_tenth():
    net = xor_network()
    net.graph.move_layer("hidden", (12.345, -0.04))
    text = dumps_network(net)
    assert '"position": [12.3, 0]' in text
    assert loads_network(text).graph.position("hidden") == (12.3, 0.0)


def test_omitted_fields_take_defaults():
    text = json.dumps({"format": FORMAT_NAME, "version": 1, "name": "Bare",
                       "layers": [{"id": "input", "type": "Input"},
                                  {"id": "d", "type": "Dense", "params": {"units": "3"}}],
                       "connections": [{"from": "input", "to": "d"}]})
    net = loads_network(text)
    assert net.graph.params("input") == {"shape": (2,)}
    assert net.graph.params("d") == {"units": 3, "activation": "linear", "bias": True}
    assert net.graph.position("d") == (0.0, 0.0) and net.graph.weights("d") == {}
    assert net.dataset == DatasetSpec() and net.training == TrainingSettings()
    assert net.description == "" and net.lesson is None
    rewritten = json.loads(dumps_network(net))
    assert rewritten["layers"][1]["params"] == {"units": 3, "activation": "linear", "bias": True}
    assert "lesson" not in rewritten and "weights" not in rewritten


def test_lesson_goal_null_means_no_goal():
    doc = xor_doc()
    doc["lesson"]["goal"] = None
    net = loads_network(json.dumps(doc))
    assert net.lesson == Lesson("XOR", "Needs a hidden layer.", "", 0.0)
    assert json.loads(dumps_network(net))["lesson"]["goal"] is None
    del doc["lesson"]["goal"], doc["lesson"]["text"]
    assert loads_network(json.dumps(doc)).lesson == Lesson("XOR", "", "", 0.0)


def test_lone_surrogate_in_text_survives_saving(tmp_path):
    doc = xor_doc()
    doc["name"] = "odd \ud800 name"
    text = dumps_network(loads_network(json.dumps(doc)))
    assert "\\ud800" in text
    save_network(loads_network(text), tmp_path / "odd.json")
    assert load_network(tmp_path / "odd.json").name == "odd \ud800 name"


def test_accepts_bytes_and_byte_order_mark():
    text = dumps_network(xor_network())
    assert loads_network(b"\xef\xbb\xbf" + text.encode()).name == "XOR"


def test_older_versions_are_migrated(monkeypatch):
    from core.fileformat import _checks, _common
    version_2 = json.dumps(xor_doc())
    monkeypatch.setattr(_common, "FORMAT_VERSION", 3)
    monkeypatch.setitem(_checks.MIGRATIONS, 2, lambda doc: {**doc, "name": doc["name"] + " (v3)"})
    net = loads_network(version_2)
    assert net.name == "XOR (v3)"
    assert json.loads(dumps_network(net))["version"] == 3


def test_fileformat_does_not_import_torch_or_qt():
    code = ("import sys, core.fileformat; "
            "assert 'torch' not in sys.modules and not any(m.startswith('PySide6') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# ----- rejected files ----------------------------------------------------------------------------
DELETE = object()


def edited(doc: dict[str, Any], keys: tuple, value: Any) -> dict[str, Any]:
    """``doc`` with the value at ``keys`` replaced (DELETE removes it; index len(list) appends)."""
    doc = json.loads(json.dumps(doc))  # a deep copy, several times faster than copy.deepcopy
    parent = doc
    for key in keys[:-1]:
        parent = parent[key]
    last = keys[-1]
    if value is DELETE:
        del parent[last]
    elif isinstance(parent, list) and last == len(parent):
        parent.append(value)
    else:
        parent[last] = value
    return doc


def nested(depth: int) -> Any:
    value: Any = 1.0
    for _ in range(depth):
        value = [value]
    return value


EDIT_CASES = [  # keys, new value, expected json_path, fragment of the message
    (("format",), DELETE, "$.format", 'no "format" key'),
    (("format",), "neurocanvas-lesson", "$.format", "expected \"neurocanvas-network\""),
    (("version",), DELETE, "$.version", "it is missing"),
    (("version",), "1", "$.version", "whole number"),
    (("version",), True, "$.version", "whole number"),
    (("version",), 1.0, "$.version", "whole number"),
    (("version",), 3, "$.version", "was written by a newer NeuroCanvas (file version 3, this "
                                   "program reads up to 2): update NeuroCanvas"),
    (("version",), 0, "$.version", "versions start at 1"),
    (("conections",), [], "$.conections", 'Did you mean "connections"?'),
    (("name",), DELETE, "$.name", "required"),
    (("name",), 5, "$.name", "Expected text"),
    (("description",), None, "$.description", "Expected text"),
    (("layers",), {}, "$.layers", "Expected a list of layers"),
    (("layers", 0), 3, "$.layers[0]", "Expected a layer"),
    (("layers", 0, "id"), DELETE, "$.layers[0].id", "required"),
    (("layers", 0, "parms"), {}, "$.layers[0].parms", 'Did you mean "params"?'),
    (("layers", 1, "type"), "Dens", "$.layers[1].type", 'Did you mean "Dense"?'),
    (("layers", 1, "type"), "dense", "$.layers[1].type", 'Did you mean "Dense"?'),
    (("layers", 1, "type"), "Transformer", "$.layers[1].type", "Known types: Input, Dense"),
    (("layers", 1, "type"), 5, "$.layers[1].type", "must be text"),
    (("layers", 2, "id"), "hidden", "$.layers[2].id", "already used by $.layers[1]"),
    (("layers", 1, "id"), "2nd", "$.layers[1].id", "letters, digits and _"),
    (("layers", 1, "id"), "hidden\n", "$.layers[1].id", "letters, digits and _"),
    (("layers", 1, "params", "units"), 0, "$.layers[1].params.units", "Units must be at least 1"),
    (("layers", 1, "params", "units"), "four", "$.layers[1].params.units", "Units"),
    (("layers", 1, "params", "units"), 2.5, "$.layers[1].params.units", "whole number"),
    (("layers", 1, "params", "units"), 10**400, "$.layers[1].params.units", "far too large"),
    (("layers", 1, "params", "unit"), 2, "$.layers[1].params.unit", 'Did you mean "units"?'),
    (("layers", 1, "params", "activation"), "sigmod", "$.layers[1].params.activation", "sigmoid"),
    (("layers", 1, "params"), [], "$.layers[1].params", "Expected an object of parameters"),
    (("layers", 0, "params", "shape"), [0], "$.layers[0].params.shape", "at least 1"),
    (("layers", 0, "position"), [1], "$.layers[0].position", "[x, y]"),
    (("layers", 0, "position"), ["a", "b"], "$.layers[0].position[0]", "Expected a number"),
    (("layers", 0, "position"), [0, True], "$.layers[0].position[1]", "got true"),
    (("connections",), None, "$.connections", "Expected a list of connections"),
    (("connections", 0, "to"), "hiden", "$.connections[0].to", 'Did you mean "hidden"?'),
    (("connections", 1, "from"), "nowhere", "$.connections[1].from", "no layer with the id"),
    (("connections", 0, "to"), DELETE, "$.connections[0].to", "required"),
    (("connections", 0, "weight"), 1, "$.connections[0].weight", "Unknown key"),
    (("connections", 3), {"from": "input", "to": "hidden"}, "$.connections[3]",
     "repeats $.connections[0]"),
    (("connections", 3), {"from": "out", "to": "hidden"}, "$.connections[3]",
     "connections form a cycle through hidden -> out -> hidden"),
    (("connections", 3), {"from": "hidden", "to": "hidden"}, "$.connections[3]",
     "cycle through hidden -> hidden"),
    (("lesson",), "text", "$.lesson", "Expected a lesson"),
    (("lesson", "goal", "metric"), "", "$.lesson.goal.metric", '"goal": null'),
    (("lesson", "goal", "value"), "high", "$.lesson.goal.value", "must be a number"),
    (("lesson", "goal", "value"), DELETE, "$.lesson.goal.value", "required"),
    (("training",), [], "$.training", "Expected an object of settings"),
    (("training", "learning_rate"), 0, "$.training.learning_rate", "learning_rate must be greater"),
    (("training", "lerning_rate"), 0.1, "$.training.lerning_rate", 'Did you mean "learning_rate"?'),
    (("training", "optimizer"), "adamax", "$.training.optimizer", "must be one of sgd, adam"),
    (("training", "epochs"), [10], "$.training.epochs", "single value"),
    (("training", "shuffle"), 1, "$.training.shuffle", "true or false"),
    (("dataset", "source"), "web", "$.dataset.source", "must be one of builtin"),
    (("dataset", "seed"), -1, "$.dataset.seed", "between 0 and"),
    (("dataset", "params"), nested(20), "$.dataset.params", "levels deep"),
    (("weights", "hiden"), {"bias": [0.0]}, "$.weights.hiden", 'Did you mean "hidden"?'),
    (("weights", "hidden"), [1.0], "$.weights.hidden", "Expected an object of named arrays"),
    (("weights", "hidden", "bias", 1), "x", "$.weights.hidden.bias[1]", "Expected a number"),
    (("weights", "hidden", "bias", 0), True, "$.weights.hidden.bias[0]", "Expected a number"),
    (("weights", "hidden", "bias"), "0.5", "$.weights.hidden.bias", "numbers in lists"),
    (("weights", "hidden", "bias"), [0.0, [1.0]], "$.weights.hidden.bias[1]", "nested equally"),
    (("weights", "hidden", "weight", 1), [1.0], "$.weights.hidden.weight[1]",
     "has 1 number but the first row has 2"),
    (("weights", "hidden", "weight", 1), 3.0, "$.weights.hidden.weight[1]", "Expected a list"),
    (("weights", "hidden", "weight", 1, 0), 10**400, "$.weights.hidden.weight[1][0]", "too large"),
    (("weights", "hidden", "weight"), nested(6), "$.weights.hidden.weight[0][0][0][0][0]",
     "more than 5 lists deep"),
    (("weights", "hidden", "my weight"), [1.0], '$.weights.hidden["my weight"]', "weight name"),
]


@pytest.mark.parametrize("keys, value, path, fragment", EDIT_CASES,
                         ids=[f"{'.'.join(map(str, c[0]))}={str(c[1])[:12]}" for c in EDIT_CASES])
def test_bad_field_is_reported_at_its_path(keys, value, path, fragment):
    text = json.dumps(edited(xor_doc(), keys, value))
    with pytest.raises(FileFormatError) as info:
        loads_network(text, source="xor.json")
    assert info.value.json_path == path
    assert fragment in info.value.message
    assert str(info.value).startswith(f"xor.json at {path}: ")
    assert info.value.source == "xor.json"


def test_error_text_names_file_path_and_fix():
    text = json.dumps(edited(xor_doc(), ("layers", 2, "params", "units"), 0))
    with pytest.raises(FileFormatError) as info:
        loads_network(text, source="xor.json")
    assert str(info.value) == "xor.json at $.layers[2].params.units: Units must be at least 1 (got 0)."


TEXT_CASES = [  # whole-file problems: the path is "$"
    ("[1, 2]", "Expected a network file"),
    ('"neurocanvas-network"', "Expected a network file"),
    ("", "not valid JSON"),
    ('{"format": "neurocanvas-network", "version": 1,}', "(line 1, column 48)"),
    ('{"format": "neurocanvas-network",\n "version": NaN}', "NaN"),
    ('{"format": "neurocanvas-network", "version": -Infinity}', "-Infinity"),
    ('{"format": "neurocanvas-network", "version": 1e999}', "too large"),
    ('{"format": "neurocanvas-network", "version": 1' + "0" * 250 + 'e99}', "too large"),
    ('{"format": "neurocanvas-network", "format": "x"}', 'key "format" appears twice'),
    ('{"version": ' + "9" * 5000 + "}", "thousands of digits"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
]


@pytest.mark.parametrize("text, fragment", TEXT_CASES, ids=[c[1] for c in TEXT_CASES])
def test_malformed_text_is_reported(text, fragment):
    with pytest.raises(FileFormatError) as info:
        loads_network(text, source="bad.json")
    assert info.value.json_path == "$"
    assert fragment in info.value.message
    assert str(info.value) == f"bad.json: {info.value.message}"


def test_error_keeps_its_parts_when_pickled():
    import pickle
    error = pickle.loads(pickle.dumps(FileFormatError("Bad.", "$.layers[0]", "a.json")))
    assert (error.message, error.json_path, error.source, str(error)) == (
        "Bad.", "$.layers[0]", "a.json", "a.json at $.layers[0]: Bad.")
    assert str(FileFormatError("Bad.")) == "Bad." and isinstance(error, ValueError)


def test_odd_keys_get_bracketed_paths():
    doc = edited(xor_doc(), ("weights", "hidden", "bias\n"), [1.0])
    with pytest.raises(FileFormatError) as info:
        loads_network(json.dumps(doc))
    assert info.value.json_path == '$.weights.hidden["bias\\n"]'


def test_not_utf8():
    with pytest.raises(FileFormatError, match=r"not UTF-8 text \(byte 1"):
        loads_network(b'{\xff}')


def test_size_caps():
    with pytest.raises(FileFormatError, match="at most 50 MB"):
        loads_network(b" " * (fileformat.MAX_FILE_BYTES + 1))
    doc = xor_doc()
    doc["layers"] = [{"id": f"l{i}", "type": "Identity"} for i in range(fileformat.MAX_LAYERS + 1)]
    with pytest.raises(FileFormatError, match="at most 10000") as info:
        loads_network(json.dumps(doc))
    assert info.value.json_path == "$.layers"


def test_many_layers_load_quickly():
    """10,000 layers in a chain listed backwards: the connection order must not make loading quadratic."""
    n = fileformat.MAX_LAYERS
    doc = {"format": FORMAT_NAME, "version": 1, "name": "chain",
           "layers": [{"id": f"l{i}", "type": "Identity"} for i in range(n)],
           "connections": [{"from": f"l{i}", "to": f"l{i + 1}"} for i in reversed(range(n - 1))]}
    net = loads_network(json.dumps(doc))
    assert net.graph.connections()[0] == (f"l{n - 2}", f"l{n - 1}")


def test_unexpected_errors_are_wrapped(monkeypatch):
    from core.fileformat import _checks
    text = dumps_network(xor_network())
    monkeypatch.setattr(_checks, "_check_lesson", lambda *args: {}["boom"])
    with pytest.raises(FileFormatError, match="internal error \\(KeyError") as info:
        loads_network(text, source="x.json")
    assert info.value.source == "x.json"


def test_dumps_refuses_networks_that_would_not_load():
    net = xor_network()
    net.graph.set_params("hidden", {"units": 0})
    with pytest.raises(FileFormatError) as info:
        dumps_network(net)
    assert info.value.json_path == "$.layers[1].params"
    net = xor_network()
    net.graph.set_weights("out", {"bias": np.array([np.nan])})
    with pytest.raises(FileFormatError, match="NaN") as info:
        dumps_network(net)
    assert info.value.json_path == "$.weights.out.bias"


# ----- files on disk -----------------------------------------------------------------------------
def test_save_and_load_file(tmp_path):
    path = tmp_path / "xor.json"
    save_network(rich_network(), path)
    assert path.read_bytes().decode("utf-8") == dumps_network(rich_network())
    assert_same_graph(rich_network().graph, load_network(path).graph)
    assert os.listdir(tmp_path) == ["xor.json"]


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(FileFormatError, match="missing.json: Could not be read") as info:
        load_network(tmp_path / "missing.json")
    assert info.value.source == str(tmp_path / "missing.json")
    bad = tmp_path / "latin1.json"
    bad.write_bytes('{"name": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(FileFormatError, match="latin1.json: The file is not UTF-8"):
        load_network(bad)


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_save_is_atomic(tmp_path, monkeypatch, failing):
    path = tmp_path / "net.json"
    save_network(xor_network(), path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="disk full"):
        save_network(rich_network(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.json"]


def test_save_refuses_invalid_network_before_touching_disk(tmp_path):
    path = tmp_path / "net.json"
    net = xor_network()
    net.graph.set_params("out", {"activation": "nope"})
    with pytest.raises(FileFormatError):
        save_network(net, path)
    assert os.listdir(tmp_path) == []


# ----- documentation -----------------------------------------------------------------------------
def test_documented_example_loads_and_is_canonical():
    doc = (ROOT / "docs" / "file-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", doc, flags=re.S)
    assert blocks, "docs/file-format.md must contain a ```json example"
    net = loads_network(blocks[0], source="docs/file-format.md")
    assert net.name == "XOR" and net.graph.weights("hidden")["weight"].shape == (2, 2)
    assert dumps_network(net) == blocks[0]  # the example is exactly what the program writes


# ----- fuzzing: nothing but FileFormatError, ever ------------------------------------------------
def fuzz_base() -> dict[str, Any]:
    """Small (fuzzing cost grows with the number of places to mutate) but touching every section."""
    net = xor_network()
    net.graph.add_layer("seq", "Input", {"shape": (3, 1)}, (0, 300))
    net.graph.add_layer("gru", "GRU", {"hidden": 1}, (200, 300),
                        {"rnn.weight_hh_l0": np.array([[0.5], [-0.25], [1e-3]])})
    net.graph.connect("seq", "gru")
    net.dataset = DatasetSpec(source="inline", params={"x": [[0, 1], [1, 0]], "y": [1, 0]})
    return json.loads(dumps_network(net))


BASE_DOC = fuzz_base()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)
NEST = "@@nest@@"


def all_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    paths = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        paths.append(prefix + (key,))
        paths.extend(all_paths(item, prefix + (key,)))
    return paths


def mutate(data: st.DataObject, doc: dict[str, Any]) -> dict[str, Any]:
    kind = data.draw(st.sampled_from(["delete", "replace", "version", "nest"]))
    if kind == "version":
        return edited(doc, ("version",), data.draw(st.integers(-2, 3) | json_values))
    paths = all_paths(doc)
    if not paths:
        return doc
    keys = data.draw(st.sampled_from(paths))
    value = {"delete": DELETE, "nest": NEST}.get(kind) or data.draw(json_values)
    return edited(doc, keys, value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_files_load_or_raise_file_format_error(data):
    doc = BASE_DOC
    for _ in range(data.draw(st.integers(1, 3))):
        doc = mutate(data, doc)
    depth = data.draw(st.integers(1, 3000))
    raw: str | bytes = json.dumps(doc, ensure_ascii=False).replace(
        json.dumps(NEST), "[" * depth + "0" + "]" * depth)
    damage = data.draw(st.sampled_from(["none", "truncate", "insert"]))
    if damage == "truncate":
        raw = raw[:data.draw(st.integers(0, len(raw)))]
    elif damage == "insert":
        encoded = raw.encode("utf-8")
        at = data.draw(st.integers(0, len(encoded)))
        raw = encoded[:at] + data.draw(st.binary(min_size=1, max_size=8)) + encoded[at:]
    try:
        network = loads_network(raw)
    except FileFormatError as exc:
        assert exc.json_path.startswith("$") and exc.message
        assert "internal error" not in exc.message  # bad input must hit a specific check
        event("rejected")
        return
    event("accepted")
    assert isinstance(network, Network)
    text = dumps_network(network)  # whatever loads must save, and save the same way again
    assert dumps_network(loads_network(text)) == text
