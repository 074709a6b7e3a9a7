"""Document and undo commands without a window: every edit undoes and redoes exactly."""

from __future__ import annotations

import numpy as np
import pytest

from core.graph import GraphError
from core.layers import ParamError
from core.settings import TrainingSettings
from core.validation import connection_problem
from gui import clipboard
from gui.document import Document, new_network
from gui_helpers import network, xor_network


@pytest.fixture
def doc(qapp):
    return Document(xor_network())


def test_add_undo_redo(doc):
    layer_id = doc.add_layer("Dense", (10.4, 20.6))
    assert layer_id == "dense_1" and doc.graph.position(layer_id) == (10.0, 21.0)
    assert doc.is_modified and doc.undo_stack.undoText() == "Add Dense 'dense_1'"
    doc.undo_stack.undo()
    assert not doc.graph.has_layer("dense_1") and not doc.is_modified
    doc.undo_stack.redo()
    assert doc.graph.params("dense_1") == {"units": 4, "activation": "tanh", "bias": True}


def test_connection_refusals_are_explained(qapp):
    graph = network([("i", "Input", {}, (0, 0)), ("a", "Dense", {}, (0, 0)),
                     ("b", "Dense", {}, (0, 0)), ("o", "Output", {}, (0, 0)),
                     ("m", "Add", {}, (0, 0))], [("i", "a"), ("a", "b")]).graph
    assert "itself" in connection_problem(graph, "a", "a")
    assert "already connected" in connection_problem(graph, "i", "a")
    assert "cycle" in connection_problem(graph, "b", "a")
    assert "takes only one input" in connection_problem(graph, "i", "b")
    assert "takes no connections" in connection_problem(graph, "a", "i")
    assert "nothing comes out" in connection_problem(graph, "o", "m")
    assert connection_problem(graph, "a", "m") is None  # merge layers take many inputs
    assert connection_problem(graph, "b", "o") is None


def test_connect_refused_raises_and_pushes_nothing(doc):
    with pytest.raises(GraphError, match="cycle"):
        doc.connect("y", "h")
    assert doc.undo_stack.count() == 0


def test_remove_layers_and_extra_edges_restores_slots(doc):
    slots = {e: doc.graph.connection_slot(*e) for e in doc.graph.connections()}
    doc.remove(["h"], [("y", "out")])
    assert doc.graph.connections() == []
    doc.undo_stack.undo()
    assert {e: doc.graph.connection_slot(*e) for e in doc.graph.connections()} == slots


def test_set_param_coerces_or_refuses(doc):
    doc.set_param("x", "shape", "1x8x8")
    assert doc.graph.params("x")["shape"] == (1, 8, 8)
    with pytest.raises(ParamError):
        doc.set_param("h", "units", 0)
    count = doc.undo_stack.count()
    doc.set_param("h", "units", 2)  # unchanged: no empty undo step
    assert doc.undo_stack.count() == count


def test_rename_refusals(doc):
    with pytest.raises(GraphError, match="already exists"):
        doc.rename("h", "y")
    with pytest.raises(GraphError, match="not a valid layer id"):
        doc.rename("h", "2fast")
    doc.rename("h", " hidden ")
    assert doc.graph.has_layer("hidden")


def test_paste_gives_fresh_ids_and_keeps_inner_edges(doc):
    fragment = clipboard.from_json(clipboard.to_json(clipboard.capture(doc.graph, ["h", "y"])))
    new_ids = doc.paste(fragment, (40, 40))
    assert new_ids == ["h_1", "y_1"]
    assert doc.graph.has_connection("h_1", "y_1") and not doc.graph.inputs_of("h_1")
    assert doc.undo_stack.count() == 1


def test_clipboard_rejects_foreign_or_bad_payloads():
    assert clipboard.from_json("hello") is None
    assert clipboard.from_json('{"format": "other"}') is None
    assert clipboard.from_json('{"format": "neurocanvas-fragment", "layers": '
                               '[{"id": "a", "type": "NoSuchLayer"}]}') is None


def test_weights_and_reset(doc):
    doc.set_weights("h", {"weight": np.ones((2, 2))})
    doc.reset_weights("h")
    assert doc.graph.weights("h") == {}
    doc.undo_stack.undo()
    assert doc.graph.weights("h")["weight"].sum() == 4


def test_training_settings_are_undoable_and_revalidate(doc, qtbot):
    doc.set_param("h", "activation", "step")
    with qtbot.waitSignal(doc.validation_changed, timeout=0):  # emitted within the edit itself
        doc.set_training(TrainingSettings(optimizer="perceptron"))
    assert any("perceptron rule" in p.message for p in doc.report.problems)
    doc.undo_stack.undo()
    assert doc.network.training.optimizer == "adam"


def test_validation_is_synchronous_and_precedes_the_views(doc):
    """No debounce: after each edit the report is already current, and graph_changed listeners
    (the canvas, the properties) already read the report of the graph they are told about."""
    reports, seen_by_views = [], []
    doc.validation_changed.connect(reports.append)
    doc.graph_changed.connect(lambda event: seen_by_views.append(
        (event.node, event.node in doc.report.params)))
    for i in range(5):
        layer_id = doc.add_layer("ReLU", (i * 10, 0))
        assert len(reports) == i + 1 and reports[-1] is doc.report
        assert any(p.node == layer_id for p in doc.report.problems)  # not connected
    assert seen_by_views == [(f"relu_{i}", True) for i in range(1, 6)]
    assert len(doc.report.problems) >= 5


def test_moving_layers_keeps_the_report(doc):
    reports = []
    doc.validation_changed.connect(reports.append)
    before = doc.report
    doc.move_layers({"h": (300.0, 120.0), "y": (500.0, 120.0)})
    doc.undo_stack.undo()
    assert reports == [] and doc.report is before


def test_description_edits_merge_into_one_step(doc):
    doc.set_info(description="T")
    doc.set_info(description="Tw")
    doc.set_info(description="Two")
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.network.description == ""


def test_replace_network_and_modified_flag(doc):
    doc.add_layer("Dense", (0, 0))
    doc.replace_network(new_network(), "/tmp/x.json")
    assert not doc.is_modified and doc.undo_stack.count() == 0 and doc.path == "/tmp/x.json"
    doc.replace_network(xor_network(), None, modified=True)
    assert doc.is_modified and doc.graph.has_layer("h")


def test_live_weights_cancel_restores(doc):
    doc.set_weights("h", {"weight": np.ones((2, 2))})
    doc.begin_live_weights(lambda: doc.network.trained)
    doc.live.show({"h": {"weight": np.zeros((2, 2))}})
    assert doc.display_weights("h")["weight"].sum() == 0  # shown ...
    assert doc.graph.weights("h")["weight"].sum() == 4  # ... but never put in the model
    count = doc.undo_stack.count()
    doc.cancel_live_weights()
    assert doc.display_weights("h")["weight"].sum() == 4 and doc.undo_stack.count() == count
    assert doc.graph.weights("h")["weight"].sum() == 4
