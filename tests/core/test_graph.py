"""NetworkGraph: edits, the events that mirror them, and the invariants it protects."""

from __future__ import annotations

import numpy as np
import pytest

from core.graph import ID_PATTERN, GraphError, GraphEvent, NetworkGraph, id_problem, next_id


@pytest.fixture
def recorded():
    """A fresh graph and the list of (kind, node, other) events it emits."""
    graph = NetworkGraph()
    events: list[tuple] = []
    graph.subscribe(lambda e: events.append((e.kind, e.node, e.other)))
    return graph, events


def three_layers(graph: NetworkGraph) -> None:
    graph.add_layer("x", "Input", {"shape": (2,)})
    graph.add_layer("d", "Dense", {"units": 3})
    graph.add_layer("out", "Output")
    graph.connect("x", "d")
    graph.connect("d", "out")


def test_edits_emit_events_in_order(recorded):
    graph, events = recorded
    three_layers(graph)
    graph.set_params("d", {"units": 4})
    graph.move_layer("d", (10, 20))
    graph.set_weights("d", {"weight": np.ones((2, 4))})
    graph.rename_layer("d", "hidden")
    graph.disconnect("hidden", "out")
    assert events == [
        ("layer_added", "x", None), ("layer_added", "d", None), ("layer_added", "out", None),
        ("connection_added", "x", "d"), ("connection_added", "d", "out"),
        ("params_changed", "d", None), ("layer_moved", "d", None), ("weights_changed", "d", None),
        ("layer_renamed", "d", "hidden"), ("connection_removed", "hidden", "out"),
    ]
    assert all(kind in NetworkGraph.EVENT_KINDS for kind, _, _ in events)
    assert graph.params("hidden") == {"units": 4}
    assert graph.position("hidden") == (10.0, 20.0)
    assert graph.weights("hidden")["weight"].shape == (2, 4)
    assert graph.connections() == [("x", "hidden")]


def test_remove_layer_emits_connection_removals_first(recorded):
    graph, events = recorded
    three_layers(graph)
    events.clear()
    graph.remove_layer("d")
    assert events == [("connection_removed", "x", "d"), ("connection_removed", "d", "out"),
                      ("layer_removed", "d", None)]
    assert graph.layer_ids() == ["x", "out"] and graph.connections() == []


def test_listener_sees_the_state_after_the_edit():
    graph = NetworkGraph()
    seen = []
    graph.subscribe(lambda e: seen.append((e.kind, graph.has_layer(e.node) if e.node else None)))
    graph.add_layer("a", "Dense")
    graph.remove_layer("a")
    assert seen == [("layer_added", True), ("layer_removed", False)]


def test_unsubscribe_stops_events():
    graph, events = NetworkGraph(), []
    graph.subscribe(events.append)
    graph.add_layer("a", "Dense")
    graph.unsubscribe(events.append)
    graph.unsubscribe(events.append)  # harmless twice
    graph.add_layer("b", "Dense")
    assert events == [GraphEvent("layer_added", "a")]


def test_rename_keeps_connections_params_weights_and_slots():
    graph = NetworkGraph()
    three_layers(graph)
    graph.add_layer("e", "Dense")
    graph.add_layer("cat", "Concatenate")
    graph.connect("x", "e")
    graph.connect("e", "cat")
    graph.connect("d", "cat")
    graph.set_weights("d", {"weight": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]})
    graph.rename_layer("e", "first")
    assert graph.inputs_of("cat") == ["first", "d"]
    graph.rename_layer("d", "hidden")
    assert graph.inputs_of("cat") == ["first", "hidden"]
    assert graph.inputs_of("out") == ["hidden"]
    assert sorted(graph.outputs_of("x")) == ["first", "hidden"]
    assert graph.params("hidden") == {"units": 3} and graph.layer_type("hidden") == "Dense"
    np.testing.assert_array_equal(graph.weights("hidden")["weight"], [[1, 2, 3], [4, 5, 6]])
    assert not graph.has_layer("d")


def test_rename_refusals():
    graph = NetworkGraph()
    three_layers(graph)
    events = []
    graph.subscribe(events.append)
    graph.rename_layer("d", "d")  # no-op, no event
    for bad in ("out", "2d", "has space", "", "a" * 65):
        with pytest.raises(GraphError):
            graph.rename_layer("d", bad)
    with pytest.raises(GraphError):
        graph.rename_layer("missing", "other")
    assert events == [] and graph.has_layer("d")


def test_cycles_and_self_loops_are_refused(recorded):
    graph, events = recorded
    for layer in "abc":
        graph.add_layer(layer, "Dense")
    graph.connect("a", "b")
    graph.connect("b", "c")
    events.clear()
    for source, target in (("c", "a"), ("b", "a"), ("a", "a")):
        assert graph.would_create_cycle(source, target)
        with pytest.raises(GraphError, match="cycle"):
            graph.connect(source, target)
    assert not graph.would_create_cycle("a", "c")
    assert events == [] and graph.is_acyclic()
    with pytest.raises(GraphError):
        graph.connect("a", "b")  # already connected
    with pytest.raises(GraphError):
        graph.disconnect("a", "c")  # not connected
    with pytest.raises(GraphError):
        graph.connect("a", "missing")
    assert events == []


@pytest.mark.parametrize("bad_id", ["", "1dense", "dense-1", "dense 1", "dénse", "a" * 65, "a.b"])
def test_invalid_ids_are_refused(bad_id):
    graph = NetworkGraph()
    with pytest.raises(GraphError, match="not a valid layer id"):
        graph.add_layer(bad_id, "Dense")
    assert graph.layer_ids() == []


def test_duplicate_ids_are_refused(recorded):
    graph, events = recorded
    graph.add_layer("dense_1", "Dense", {"units": 2})
    with pytest.raises(GraphError, match="already exists"):
        graph.add_layer("dense_1", "Conv2d")
    assert graph.layer_type("dense_1") == "Dense" and len(events) == 1
    assert issubclass(GraphError, ValueError)


def test_unknown_ids_raise_graph_error():
    graph = NetworkGraph()
    for call in (lambda: graph.params("nope"), lambda: graph.remove_layer("nope"),
                 lambda: graph.inputs_of("nope"), lambda: graph.set_params("nope", {}),
                 lambda: graph.move_layer("nope", (0, 0)), lambda: graph.set_weights("nope", {})):
        with pytest.raises(GraphError, match="no layer named 'nope'"):
            call()


def test_unique_id():
    graph = NetworkGraph()
    assert graph.unique_id("Dense") == "dense_1"
    graph.add_layer("dense_1", "Dense")
    graph.add_layer("dense_2", "Dense")
    assert graph.unique_id("Dense") == "dense_3"
    assert graph.unique_id("dense_1") == "dense_3"  # a copy of dense_1 gets the next free number
    graph.remove_layer("dense_1")
    assert graph.unique_id("dense") == "dense_1"
    assert graph.unique_id("MaxPool2d") == "maxpool2d_1"
    assert graph.unique_id("2d conv") == "l_2d_conv_1"
    assert graph.unique_id("") == "layer_1"


@pytest.mark.parametrize("base", ["Dense", "", "_", "__init__", "-x", "(conv)", "ünïcode",
                                  "9", "a" * 63, "b" * 200, "x_12345"])
def test_unique_id_is_always_accepted_by_add_layer(base):
    graph = NetworkGraph()
    for _ in range(3):
        new = graph.unique_id(base)
        assert ID_PATTERN.match(new) and not new.startswith("_"), new
        graph.add_layer(new, "Dense")  # must not raise
    assert len(graph.layer_ids()) == 3


def test_inputs_of_follows_slots_and_connect_slot_restores_position(recorded):
    graph, events = recorded
    for layer in ("a", "b", "c", "cat"):
        graph.add_layer(layer, "Dense")
    graph.connect("c", "cat")
    graph.connect("a", "cat")
    graph.connect("b", "cat")
    assert graph.inputs_of("cat") == ["c", "a", "b"]  # connection order, not id order
    slot = graph.connection_slot("c", "cat")
    graph.disconnect("c", "cat")
    graph.connect("c", "cat")
    assert graph.inputs_of("cat") == ["a", "b", "c"]
    graph.disconnect("c", "cat")
    graph.connect("c", "cat", slot=slot)  # undo: back in its original place
    assert graph.inputs_of("cat") == ["c", "a", "b"]
    assert graph.connections() == [("c", "cat"), ("a", "cat"), ("b", "cat")]
    graph.add_layer("d", "Dense")
    graph.connect("d", "cat")  # new slots stay after every slot used so far
    assert graph.inputs_of("cat") == ["c", "a", "b", "d"]
    assert events[-1] == ("connection_added", "d", "cat")


def test_topological_order_is_deterministic():
    graph = NetworkGraph()
    for layer in ("out", "z", "a", "inp"):
        graph.add_layer(layer, "Dense")
    graph.connect("inp", "z")
    graph.connect("inp", "a")
    graph.connect("z", "out")
    graph.connect("a", "out")
    assert graph.topological_order() == ["inp", "a", "z", "out"]


def test_copy_is_independent():
    graph = NetworkGraph()
    three_layers(graph)
    graph.set_weights("d", {"weight": np.zeros((2, 3))})
    events = []
    graph.subscribe(events.append)
    clone = graph.copy()
    clone.set_params("d", {"units": 9})
    clone.rename_layer("out", "result")
    clone.add_layer("extra", "Dense")
    clone.connect("x", "extra")
    clone.nx.nodes["d"]["weights"]["weight"][0, 0] = 5.0  # even in-place edits do not leak back
    clone.set_weights("d", None)
    assert events == []  # no listeners were copied
    assert graph.layer_ids() == ["x", "d", "out"]
    assert graph.params("d") == {"units": 3}
    assert graph.connections() == [("x", "d"), ("d", "out")]
    assert graph.weights("d")["weight"][0, 0] == 0.0
    # slots continue after the original's
    graph.add_layer("e", "Dense")
    graph.connect("x", "e")
    assert graph.connection_slot("x", "e") == clone.connection_slot("x", "extra")


def test_weights_and_params_are_returned_as_copies():
    graph = NetworkGraph()
    source = np.array([[1.0, 2.0]])
    graph.add_layer("d", "Dense", {"units": 2}, weights={"weight": source})
    source[0, 0] = 99.0
    graph.weights("d")["weight"][0, 1] = 99.0
    graph.params("d")["units"] = 7
    assert graph.weights("d")["weight"].tolist() == [[1.0, 2.0]]
    assert graph.weights("d")["weight"].dtype == np.float64
    assert graph.params("d") == {"units": 2}


def test_replace_with_emits_graph_reset(recorded):
    graph, events = recorded
    three_layers(graph)
    other = NetworkGraph()
    other.add_layer("a", "Input", {"shape": (3,)})
    other.add_layer("b", "Output")
    other.connect("a", "b")
    events.clear()
    graph.replace_with(other)
    assert events == [("graph_reset", None, None)]
    assert graph.layer_ids() == ["a", "b"] and graph.connections() == [("a", "b")]
    other.set_params("a", {"shape": (4,)})  # the two stay independent
    assert graph.params("a") == {"shape": (3,)}
    graph.add_layer("c", "Dense")
    graph.connect("a", "c")
    assert graph.connection_slot("a", "c") > graph.connection_slot("a", "b")


def test_one_id_numbering_for_new_layers_and_copies():
    taken = {"dense_1", "dense_2", "h"}
    assert next_id("Dense", taken) == "dense_3"
    assert next_id("dense_2", taken) == "dense_3"  # the copy of a numbered id
    assert next_id("h", taken) == "h_1"
    graph = NetworkGraph()
    for layer_id in sorted(taken):
        graph.add_layer(layer_id, "Dense")
    assert graph.unique_id("Dense") == next_id("Dense", taken)


def test_one_wording_for_refused_ids():
    assert id_problem("fine_1", set()) is None
    assert "not a valid layer id" in id_problem("2fast", set())
    assert id_problem("h", {"h"}) == "A layer named 'h' already exists."
    graph = NetworkGraph()
    graph.add_layer("h", "Dense")
    graph.add_layer("k", "Dense")
    for call, bad in ((lambda: graph.add_layer("h", "Dense"), "h"),
                      (lambda: graph.rename_layer("k", "h"), "h"),
                      (lambda: graph.rename_layer("k", "a b"), "a b")):
        with pytest.raises(GraphError) as caught:
            call()
        assert str(caught.value) == id_problem(bad, {"h", "k"})
