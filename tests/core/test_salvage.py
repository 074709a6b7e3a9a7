"""An autosave writes what a file can hold and names what it left out (core.salvage)."""

from __future__ import annotations

import numpy as np

from core.fileformat import loads_network
from core.network import Network
from core.salvage import salvage_text


def network() -> Network:
    net = Network(name="N")
    net.graph.add_layer("x", "Input", {"shape": (2,)}, (0, 0))
    net.graph.add_layer("h", "Dense", {"units": 3, "activation": "tanh", "bias": True}, (200, 0))
    net.graph.add_layer("out", "Output", {"loss": "mse"}, (400, 0))
    net.graph.connect("x", "h")
    net.graph.connect("h", "out")
    return net


def test_a_good_network_is_written_whole_without_notes():
    text, notes = salvage_text(network())
    assert notes == [] and loads_network(text).graph.params("h")["units"] == 3


def test_each_bad_value_is_repaired_in_a_copy_and_named():
    net = network()
    net.graph.set_params("h", {"units": 0, "activation": "tanh", "bias": True})
    net.graph.move_layer("x", (float("nan"), 0.0))
    net.graph.set_weights("h", {"weight": np.ones((2, 3)), "bias": np.array([1.0, np.inf, 0.0])})
    text, notes = salvage_text(net)
    saved = loads_network(text).graph
    assert saved.params("h")["units"] == 4 and saved.params("h")["activation"] == "tanh"
    assert saved.position("x") == (0.0, 0.0)
    assert set(saved.weights("h")) == {"weight"} and saved.connections() == [("x", "h"), ("h", "out")]
    assert net.graph.params("h")["units"] == 0  # the document itself is untouched
    assert len(notes) == 3 and any("'h' bias" in n for n in notes)
    assert any(n.startswith("'h': Units must be at least 1") for n in notes)
