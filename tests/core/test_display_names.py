"""Issue 10, defect 14: a layer carries a free display name; its id stays a module name.

File format: an optional "label" on the layer. Old files (without it) stay valid and are written
back unchanged; a label round-trips, accents, spaces and all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.fileformat import FileFormatError, dumps_network, loads_network
from core.graph import GraphError
from core.network import Network

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
LABEL = "Couche cachée n°1 (tanh)"


def xor_text() -> str:
    return (EXAMPLES / "xor.json").read_text(encoding="utf-8")


def test_a_label_round_trips_with_its_accents_and_spaces():
    network = loads_network(xor_text())
    layer = network.graph.layer_ids()[1]
    network.graph.set_label(layer, LABEL)
    text = dumps_network(network)
    written = json.loads(text)["layers"]
    assert written[1]["label"] == LABEL and list(written[1])[:3] == ["id", "label", "type"]
    assert all("label" not in entry for i, entry in enumerate(written) if i != 1)
    assert LABEL in text  # readable in the file, not \\u-escaped
    again = loads_network(text)
    assert again.graph.label(layer) == LABEL and again.graph.layer_ids() == network.graph.layer_ids()
    assert dumps_network(again) == text


def test_files_without_labels_load_and_are_written_back_without_any():
    network = loads_network(xor_text())
    assert all(network.graph.label(n) == "" for n in network.graph.layer_ids())
    assert '"label"' not in dumps_network(network)


@pytest.mark.parametrize("bad, words", [(3, "must be text"), ("two\nlines", "one line"),
                                        ("x" * 81, "at most 80")])
def test_a_bad_label_is_refused_at_its_place(bad, words):
    data = json.loads(xor_text())
    data["layers"][1]["label"] = bad
    with pytest.raises(FileFormatError) as info:
        loads_network(json.dumps(data))
    assert info.value.json_path == "$.layers[1].label" and words in str(info.value)


def test_the_graph_keeps_the_label_through_a_rename_and_refuses_a_bad_one():
    graph = Network().graph
    events = []
    graph.subscribe(lambda e: events.append((e.kind, e.node)))
    graph.add_layer("hidden", "Dense", {"units": 2}, label="Première couche")
    graph.set_label("hidden", "Couche cachée")
    assert events[-1] == ("label_changed", "hidden")
    graph.rename_layer("hidden", "h1")
    assert graph.label("h1") == "Couche cachée"
    with pytest.raises(GraphError, match="one line"):
        graph.set_label("h1", "a\tb")
    assert graph.label("h1") == "Couche cachée"
