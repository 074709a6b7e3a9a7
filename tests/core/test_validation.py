"""Validation rules: each problem names its layer and tells the learner what to do about it."""

from __future__ import annotations

import numpy as np
import pytest

from core.graph import GraphError, NetworkGraph
from core.validation import connection_problem, validate

IN = ("x", "Input", {"shape": (2,)})
OUT = ("out", "Output")


def only_error(report, node) -> str:
    """The single error of the report, which must be on ``node``."""
    assert len(report.errors) == 1, report.problems
    problem = report.errors[0]
    assert problem.node == node, problem
    return problem.message


# name: (layers, edges or None for a chain, optimizer, node, fragments the message must contain)
RULES = {
    "no_input": ([("d", "Dense"), OUT], None, "adam", None,
                 ["no Input layer", "drag an Input from the palette"]),
    "no_output": ([IN, ("d", "Dense")], None, "adam", None,
                  ["no Output layer", "drag an Output from the palette"]),
    "unconnected_layer": ([IN, ("d", "Dense"), ("lone", "Dense"), OUT],
                          [("x", "d"), ("d", "out")], "adam", "lone",
                          ["Dense 'lone' is not connected", "connect a layer to its input"]),
    "leads_nowhere": ([IN, ("d", "Dense"), ("dead", "Dense"), OUT],
                      [("x", "d"), ("d", "out"), ("d", "dead")], "adam", "dead",
                      ["Dense 'dead' leads nowhere", "connect its output towards the Output",
                       "or delete it"]),
    "not_fed_by_input": ([IN, ("d", "Dense"), ("src", "Dense"), ("mid", "Dense"), ("sum", "Add"),
                          OUT],
                         [("x", "d"), ("src", "mid"), ("d", "sum"), ("mid", "sum"),
                          ("sum", "out")], "adam", "mid",
                         ["Dense 'mid' does not receive data from the Input", "connect it"]),
    "too_many_inputs": ([IN, ("a", "Dense"), ("b", "Dense"), ("d", "Dense"), OUT],
                        [("x", "a"), ("x", "b"), ("a", "d"), ("b", "d"), ("d", "out")],
                        "adam", "d", ["Dense 'd' takes only one input but receives 2",
                                      "join them with an Add or Concatenate layer"]),
    "merge_with_one_input": ([IN, ("a", "Dense"), ("s", "Add"), OUT], None, "adam", "s",
                             ["Add 's' takes at least 2 inputs (has 1)",
                              "connect another layer to it"]),
    "conv_on_vectors": ([IN, ("c", "Conv2d"), OUT], None, "adam", "c",
                        ["Conv2d 'c' needs images C×H×W but receives vectors of 2",
                         "set the Input shape to channels×height×width"]),
    "conv_kernel_too_big": ([("x", "Input", {"shape": (1, 2, 2)}), ("c", "Conv2d"), OUT], None,
                            "adam", "c", ["3×3 kernel larger than its 2×2 input",
                                          "use a smaller kernel or more padding"]),
    "pool_window_too_big": ([("x", "Input", {"shape": (1, 3, 3)}),
                             ("p", "MaxPool2d", {"kernel": 4}), OUT], None, "adam", "p",
                            ["MaxPool2d 'p' has a 4×4 window larger than its 3×3 input",
                             "use a smaller kernel"]),
    "rnn_on_vectors": ([IN, ("r", "LSTM"), OUT], None, "adam", "r",
                       ["LSTM 'r' needs sequences steps×features but receives vectors of 2",
                        "set the Input shape to steps×features"]),
    "add_different_shapes": ([IN, ("a", "Dense", {"units": 2}), ("b", "Dense", {"units": 3}),
                              ("s", "Add"), OUT],
                             [("x", "a"), ("x", "b"), ("a", "s"), ("b", "s"), ("s", "out")],
                             "adam", "s", ["Add 's' adds inputs of different shapes (2, 3)",
                                           "make them the same size"]),
    "concatenate_different_kinds": ([("x", "Input", {"shape": (2, 4)}), ("a", "Dense", {"units": 2}),
                                     ("f", "Flatten"), ("s", "Concatenate"), OUT],
                                    [("x", "a"), ("x", "f"), ("a", "s"), ("f", "s"), ("s", "out")],
                                    "adam", "s", ["Concatenate 's' joins inputs of different kinds "
                                                  "(2×2, 8)", "flatten them first"]),
    "concatenate_image_sizes_differ": ([("x", "Input", {"shape": (1, 6, 6)}),
                                        ("c", "Conv2d", {"filters": 2}), ("p", "MaxPool2d"),
                                        ("s", "Concatenate"), ("f", "Flatten"), OUT],
                                       [("x", "c"), ("x", "p"), ("c", "s"), ("p", "s"),
                                        ("s", "f"), ("f", "out")], "adam", "s",
                                       ["Concatenate 's' joins inputs whose other sizes differ "
                                        "(2×4×4, 1×3×3)", "images must share height and width"]),
    "softmax_layer_before_cross_entropy": (
        [IN, ("d", "Dense"), ("sm", "Softmax"), ("out", "Output", {"loss": "cross_entropy"})],
        None, "adam", "sm", ["Softmax 'sm' applies Softmax before the cross-entropy loss",
                             "delete the Softmax layer"]),
    "softmax_option_before_cross_entropy": (
        [IN, ("d", "Dense", {"activation": "softmax"}), ("out", "Output", {"loss": "cross_entropy"})],
        None, "adam", "d", ["Dense 'd' applies Softmax before the cross-entropy loss",
                            "set its activation to linear"]),
    "softmax_seen_through_dropout": (
        [IN, ("d", "Dense", {"activation": "softmax"}), ("drop", "Dropout"),
         ("out", "Output", {"loss": "cross_entropy"})],
        None, "adam", "d", ["Dense 'd' applies Softmax", "set its activation to linear"]),
    "bce_without_sigmoid": ([IN, ("d", "Dense", {"units": 1}), ("out", "Output", {"loss": "bce"})],
                            None, "adam", "d",
                            ["Binary cross-entropy expects probabilities",
                             "Dense 'd' uses a linear activation", "set it to sigmoid"]),
    "step_with_adam": ([IN, ("d", "Dense", {"activation": "step"}), OUT], None, "adam", "d",
                       ["Dense 'd' uses a Step activation", "gradient is zero",
                        "use sigmoid", "perceptron rule"]),
    "step_layer_with_sgd": ([IN, ("d", "Dense"), ("s", "Step"), OUT], None, "sgd", "s",
                            ["Step 's' uses a Step activation", "use sigmoid"]),
    "perceptron_on_deeper_net": ([IN, ("h", "Dense", {"activation": "step"}),
                                  ("d", "Dense", {"activation": "step"}), OUT], None,
                                 "perceptron", None,
                                 ["perceptron rule trains a single layer of Step neurons",
                                  "Input → Dense (activation step) → Output", "Choose SGD or Adam"]),
    "perceptron_without_step": ([IN, ("d", "Dense", {"activation": "sigmoid"}), OUT], None,
                                "perceptron", None, ["single layer of Step neurons",
                                                     "Choose SGD or Adam"]),
    "units_zero": ([IN, ("d", "Dense", {"units": 0}), OUT], None, "adam", "d",
                   ["Dense 'd'", "Units must be at least 1 (got 0)"]),
    "unknown_param": ([IN, ("d", "Dense", {"neurons": 3}), OUT], None, "adam", "d",
                      ["Dense 'd'", "no parameter named 'neurons'"]),
    "bad_choice": ([IN, ("d", "Dense", {"activation": "swish"}), OUT], None, "adam", "d",
                   ["Dense 'd'", "expected one of linear, step"]),
    "unknown_type": ([IN, ("a", "Foo"), OUT], None, "adam", "a",
                     ["Unknown layer type 'Foo'", "Delete the layer or change its type"]),
    "wrong_hand_weight_shape": ([IN, ("d", "Dense", {"units": 3},
                                      {"weight": np.ones((3, 2)), "bias": np.zeros(3)}), OUT],
                                None, "adam", "d",
                                ["Dense 'd' has a hand-set weight of shape 3×2 but needs 2×3",
                                 "retype the weights or reset them"]),
    "hand_bias_on_layer_without_bias": ([IN, ("d", "Dense", {"units": 3, "bias": False},
                                              {"weight": np.ones((2, 3)), "bias": np.zeros(3)}),
                                         OUT], None, "adam", "d",
                                        ["Dense 'd' has a hand-set 'bias'", "remove it"]),
    "reserved_id": ([IN, ("train", "Dense"), OUT], None, "adam", "train",
                    ["'train' is reserved", "rename the layer"]),
}


@pytest.mark.parametrize("name", list(RULES))
def test_rule_names_its_layer_and_suggests_a_fix(name, graph_of):
    layers, edges, optimizer, node, fragments = RULES[name]
    report = validate(graph_of(layers, edges), optimizer)
    assert not report.is_valid
    matching = [p for p in report.errors if fragments[0] in p.message]
    assert len(matching) == 1, report.problems
    problem = matching[0]
    assert problem.node == node, problem
    for fragment in fragments[1:]:
        assert fragment in problem.message, (fragment, problem.message)
    if name not in ("no_input", "not_fed_by_input"):  # those also flag the layer left unfed
        assert report.errors == [problem], report.problems


def test_empty_graph():
    report = validate(NetworkGraph())
    message = only_error(report, None)
    assert message.startswith("The network is empty") and "drag an Input" in message
    assert report.summary() == "1 problem"


def test_dense_after_image_input_exact_message(graph_of):
    graph = graph_of([("x", "Input", {"shape": (1, 28, 28)}), ("hidden_1", "Dense"), OUT])
    assert only_error(validate(graph), "hidden_1") == \
        "Dense 'hidden_1' receives 1×28×28 images: add a Flatten before it."


@pytest.mark.parametrize("kind", ["Input", "Output"])
def test_second_input_or_output(kind, graph_of):
    if kind == "Input":
        graph = graph_of([IN, ("x2", "Input", {"shape": (2,)}), ("s", "Add"), OUT],
                         [("x", "s"), ("x2", "s"), ("s", "out")])
        extra = "x2"
    else:
        graph = graph_of([IN, ("d", "Dense"), OUT, ("out2", "Output")],
                         [("x", "d"), ("d", "out"), ("d", "out2")])
        extra = "out2"
    report = validate(graph)
    assert {p.node for p in report.errors} == {extra}
    assert any(f"is a second {kind}" in p.message and "delete this one" in p.message
               for p in report.problems_for(extra))


def test_input_receiving_a_connection_from_a_layer(graph_of):
    graph = graph_of([IN, ("d", "Dense"), OUT, ("pre", "Dense")],
                     [("x", "d"), ("d", "out"), ("pre", "x")])
    report = validate(graph)
    assert [p.message for p in report.problems_for("x")] == \
        ["Input 'x' takes no connections: remove the arrows into it."]


def test_cycle_is_reported(graph_of):
    """NetworkGraph.connect refuses cycles; a graph assembled another way must still be caught."""
    graph = graph_of([IN, ("a", "Dense"), ("b", "Dense"), OUT])
    graph.nx.add_edge("b", "a", slot=99)
    report = validate(graph)
    message = only_error(report, None)
    assert "form a cycle" in message and "remove one of them" in message
    assert "a → b" in message or "b → a" in message


@pytest.mark.parametrize("layers, optimizer", [
    ([IN, ("d", "Dense", {"units": 1, "activation": "step"}), OUT], "perceptron"),
    ([IN, ("d", "Dense", {"units": 3, "activation": "step", "bias": False}), OUT], "perceptron"),
    ([IN, ("d", "Dense", {"units": 1, "activation": "sigmoid"}), ("out", "Output", {"loss": "bce"})],
     "adam"),
    ([IN, ("d", "Dense", {"units": 1}), ("s", "Sigmoid"), ("out", "Output", {"loss": "bce"})], "sgd"),
    ([IN, ("d", "Dense", {"units": 3}), ("out", "Output", {"loss": "cross_entropy"})], "adam"),
    ([IN, ("d", "Dense", {"units": 3, "activation": "softmax"}), OUT], "adam"),
    ([IN, ("d", "Dense", {"units": 3}), ("sm", "Softmax"), ("out", "Output", {"loss": "mae"})],
     "rmsprop"),
], ids=["perceptron", "perceptron_3_units_no_bias", "bce_sigmoid_option", "bce_sigmoid_layer",
        "cross_entropy_logits", "softmax_with_mse", "softmax_layer_with_mae"])
def test_no_false_alarms(layers, optimizer, graph_of):
    report = validate(graph_of(layers), optimizer)
    assert report.problems == [], report.problems
    assert report.is_valid


def test_stale_hand_weights_after_changing_units(graph_of):
    graph = graph_of([IN, ("d", "Dense", {"units": 2},
                           {"weight": np.ones((2, 2)), "bias": np.zeros(2)}), OUT])
    assert validate(graph).is_valid
    graph.set_params("d", {"units": 3})
    messages = [p.message for p in validate(graph).problems_for("d")]
    assert len(messages) == 2 and "weight of shape 2×2 but needs 2×3" in messages[0]
    assert "bias of shape 2 but needs 3" in messages[1]


def test_shapes_still_inferred_for_unaffected_branches(graph_of):
    # the faulty layers 'c' and 'side' sort (and come topologically) before the healthy 'h', 'h2'
    graph = graph_of([IN, ("h", "Dense", {"units": 3}), ("h2", "Dense", {"units": 5}),
                      ("c", "Conv2d"), ("f", "Flatten"), ("cat", "Concatenate"), OUT,
                      ("side", "Dense", {"units": 0}), ("side2", "Dense")],
                     [("x", "c"), ("x", "h"), ("h", "h2"), ("h2", "cat"), ("c", "f"), ("f", "cat"),
                      ("cat", "out"), ("x", "side"), ("side", "side2"), ("side2", "cat")])
    assert graph.topological_order().index("c") < graph.topological_order().index("h")
    report = validate(graph)
    assert {p.node for p in report.errors} == {"c", "side"}
    assert report.shapes == {"x": (2,), "h": (3,), "h2": (5,)}
    assert report.param_counts == {"x": 0, "h": 9, "h2": 20}


def test_summary_of_a_valid_2_2_1_net(graph_of):
    graph = graph_of([IN, ("h", "Dense", {"units": 2, "activation": "sigmoid"}),
                      ("y", "Dense", {"units": 1, "activation": "sigmoid"}),
                      ("out", "Output", {"loss": "bce"})])
    report = validate(graph)
    assert report.summary() == "Valid — 9 parameters"
    assert report.total_params == 9 and report.param_counts["h"] == 6
    assert report.input_id == "x" and report.output_id == "out"
    assert report.shapes == {"x": (2,), "h": (2,), "y": (1,), "out": (1,)}


def test_summary_groups_thousands(graph_of):
    graph = graph_of([("x", "Input", {"shape": (1, 28, 28)}), ("f", "Flatten"),
                      ("h", "Dense", {"units": 128}), OUT])
    assert validate(graph).summary() == "Valid — 100,480 parameters"


def test_summary_counts_problems(graph_of):
    graph = graph_of([IN, ("d", "Dense", {"units": 0}), ("c", "Conv2d"), OUT],
                     [("x", "d"), ("d", "out"), ("x", "c"), ("c", "out")])
    report = validate(graph)
    assert report.summary() == "3 problems"  # d: units, c: vectors, out: two inputs
    assert {p.node for p in report.errors} == {"d", "c", "out"}
    graph.remove_layer("c")
    assert validate(graph).summary() == "1 problem"
    graph.set_params("d", {"units": 2, "activation": "relu"})
    assert validate(graph).summary() == "Valid — 6 parameters"
    graph.add_layer("lone", "Dense")
    graph.add_layer("eval", "Dense")
    graph.connect("d", "eval")
    graph.connect("eval", "out")
    graph.disconnect("d", "out")
    report = validate(graph)
    assert report.summary() == "2 problems"
    assert {p.node for p in report.errors} == {"lone", "eval"}


def test_validation_does_not_touch_the_graph(graph_of):
    graph = graph_of([IN, ("d", "Dense", {"units": "3"}), OUT])
    events = []
    graph.subscribe(events.append)
    report = validate(graph)
    assert report.params["d"]["units"] == 3 and graph.params("d") == {"units": "3"}
    assert events == []


def test_perceptron_rule_refuses_cross_entropy(graph_of):
    graph = graph_of([("x", "Input", {"shape": [2]}),
                      ("d", "Dense", {"units": 2, "activation": "step"}),
                      ("out", "Output", {"loss": "cross_entropy"})])
    report = validate(graph, "perceptron")
    assert [p.node for p in report.errors] == ["out"]
    assert "mse" in report.errors[0].message


# ----- the connection rules: one home for the drag, the document and the validator ------------
def connection_graph(graph_of):
    return graph_of([IN, ("a", "Dense"), ("b", "Dense"), OUT, ("m", "Add")],
                    [("x", "a"), ("a", "b")])


@pytest.mark.parametrize("source, target, words", [
    ("a", "a", ["cannot be connected to itself"]),
    ("x", "a", ["'x' is already connected to 'a'"]),
    ("b", "a", ["would create a cycle"]),
    ("x", "b", ["Dense 'b' takes only one input", "already receives 'a'",
                "join both with an Add or Concatenate layer"]),
    ("a", "x", ["Input 'x' takes no connections"]),
    ("out", "m", ["Output 'out'", "nothing comes out of it"]),
    ("a", "nope", ["There is no layer named 'nope'"]),
])
def test_connection_problem_explains_each_refusal(graph_of, source, target, words):
    problem = connection_problem(connection_graph(graph_of), source, target)
    assert problem is not None and all(w in problem for w in words), problem


def test_connection_problem_allows_what_the_validator_accepts(graph_of):
    graph = connection_graph(graph_of)
    assert connection_problem(graph, "a", "m") is None  # merge layers take many inputs
    assert connection_problem(graph, "b", "out") is None
    for source, target in (("b", "out"), ("a", "m"), ("b", "m")):
        graph.connect(source, target)
    assert [p.message for p in validate(graph).problems] == \
        ["Add 'm' leads nowhere: connect its output towards the Output layer, or delete it."]


def test_a_refused_connection_forced_into_the_graph_is_worded_alike(graph_of):
    """A file or a script can hold what the canvas refuses; the validator names the same rule."""
    graph = connection_graph(graph_of)
    refusal = connection_problem(graph, "x", "b")
    graph.connect("x", "b")  # the graph allows it: only layer-type rules forbid it
    message = validate(graph).problems_for("b")[0].message
    assert "Dense 'b' takes only one input" in refusal and "Dense 'b' takes only one input" in message


def test_graph_connect_refuses_with_the_same_words(graph_of):
    graph = connection_graph(graph_of)
    for source, target in (("a", "a"), ("x", "a"), ("b", "a")):
        with pytest.raises(GraphError) as caught:
            graph.connect(source, target)
        assert str(caught.value) == connection_problem(graph, source, target)
