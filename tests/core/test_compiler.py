"""The compiler: hand examples worked out on paper, naming, weight round trips and DAG execution."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from core.compiler import CompileError, compile_network, extract_weights, load_layer_weights
from core.validation import RESERVED_IDS, validate

W1 = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
B1 = [0.1, 0.2, 0.3]
W2 = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]]
B2 = [0.1, 0.2, 0.3]
W3 = [[0.1], [0.2], [0.3]]
B3 = [0.1]


@pytest.fixture
def mlp(graph_of):
    """The 2-3-3-1 ReLU network of the hand example, weights in the x·W + b convention."""
    return graph_of([
        ("x", "Input", {"shape": (2,)}),
        ("h1", "Dense", {"units": 3, "activation": "relu"}, {"weight": W1, "bias": B1}),
        ("h2", "Dense", {"units": 3, "activation": "relu"}, {"weight": W2, "bias": B2}),
        ("y", "Dense", {"units": 1, "activation": "relu"}, {"weight": W3, "bias": B3}),
        ("out", "Output"),
    ])


def test_mlp_hand_example_gives_29_328(mlp):
    model = compile_network(mlp, seed=0)
    with torch.no_grad():
        y = model(torch.tensor([[70.0, 25.0]]))
    # z1 = [17.1, 26.7, 36.3], z2 = [37.9, 46.01, 54.12], z3 = 29.328
    assert y.shape == (1, 1)
    assert y.item() == pytest.approx(29.328, abs=1e-4)
    with torch.no_grad():
        outputs = dict(zip(model.layer_ids, model.forward_all(torch.tensor([[70.0, 25.0]]))))
    np.testing.assert_allclose(outputs["h1"].numpy()[0], [17.1, 26.7, 36.3], atol=1e-4)
    np.testing.assert_allclose(outputs["h2"].numpy()[0], [37.9, 46.01, 54.12], atol=1e-4)


@pytest.mark.parametrize("activation, expected", [("linear", 3.75),
                                                  ("sigmoid", 1 / (1 + math.exp(-3.75)))])
def test_perceptron_hand_example(activation, expected, graph_of):
    graph = graph_of([("x", "Input", {"shape": (3,)}),
                      ("p", "Dense", {"units": 1, "activation": activation, "bias": False},
                       {"weight": [[0.6], [0.25], [0.15]]}),
                      ("out", "Output")])
    with torch.no_grad():
        y = compile_network(graph)(torch.tensor([[7.0, -3.0, 2.0]])).item()
    assert y == pytest.approx(expected, abs=1e-5)
    if activation == "sigmoid":
        assert y == pytest.approx(0.97702, abs=1e-5)


def test_submodules_are_named_by_layer_id(mlp):
    model = compile_network(mlp)
    assert [name for name, _ in model.named_children()] == ["x", "h1", "h2", "y", "out"]
    assert model.layer_ids == ["x", "h1", "h2", "y", "out"]
    assert isinstance(model.h1, nn.Module) and model.get_submodule("h2") is model.h2
    assert set(model.state_dict()) == {"h1.weight", "h1.bias", "h2.weight", "h2.bias",
                                       "y.weight", "y.bias"}
    # torch keeps units x inputs; the graph holds the transpose
    assert tuple(model.h1.weight.shape) == (3, 2)
    np.testing.assert_allclose(model.h1.weight.detach().numpy(), np.array(W1).T, rtol=1e-7)


def test_extract_weights_round_trip_in_file_convention(graph_of):
    rng = np.random.default_rng(0)

    def dyadic(*shape):
        return rng.integers(-64, 64, size=shape) / 16.0  # exact in float32

    set_weights = {
        "d": {"weight": dyadic(3, 4), "bias": dyadic(4)},
        "p": {"weight": dyadic(4, 2), "act.weight": dyadic(1)},
        "c": {"weight": dyadic(2, 1, 2, 2), "bias": dyadic(2)},
    }
    image = graph_of([("x", "Input", {"shape": (1, 3, 3)}),
                      ("c", "Conv2d", {"filters": 2, "kernel": 2}, set_weights["c"]),
                      ("f", "Flatten"), ("out", "Output")])
    vector = graph_of([("x", "Input", {"shape": (3,)}),
                       ("d", "Dense", {"units": 4}, set_weights["d"]),
                       ("p", "Dense", {"units": 2, "activation": "prelu", "bias": False},
                        set_weights["p"]),
                       ("out", "Output")])
    extracted = extract_weights(compile_network(vector)) | extract_weights(compile_network(image))
    assert set(extracted) == {"d", "p", "c"}
    for layer, weights in set_weights.items():
        assert set(extracted[layer]) == set(weights), layer
        for name, array in weights.items():
            assert extracted[layer][name].shape == array.shape, (layer, name)
            np.testing.assert_array_equal(extracted[layer][name], array)


def test_extract_weights_includes_running_stats(graph_of):
    graph = graph_of([("x", "Input", {"shape": (3,)}), ("bn", "BatchNorm"), ("out", "Output")])
    model = compile_network(graph)
    model(torch.tensor([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]))
    weights = extract_weights(model)["bn"]
    assert set(weights) == {"norm.weight", "norm.bias", "norm.running_mean", "norm.running_var"}
    np.testing.assert_allclose(weights["norm.running_mean"], [0.2, 0.2, 0.2], atol=1e-6)


def test_load_layer_weights_after_edit(mlp):
    model = compile_network(mlp)
    mlp.set_weights("y", {"weight": [[1.0], [0.0], [-1.0]], "bias": [0.5]})
    load_layer_weights(model, mlp, "y")
    with torch.no_grad():
        y = model(torch.tensor([[70.0, 25.0]])).item()
    assert y == pytest.approx(max(0.0, 37.9 - 54.12 + 0.5), abs=1e-4)  # relu clips it to 0
    mlp.set_weights("y", {"weight": [[0.0], [0.0], [1.0]], "bias": [0.5]})
    load_layer_weights(model, mlp, "y")
    with torch.no_grad():
        assert model(torch.tensor([[70.0, 25.0]])).item() == pytest.approx(54.62, abs=1e-4)


def test_wrong_dense_weight_shape_names_the_node(mlp):
    mlp.set_weights("h2", {"weight": np.zeros((3, 2)), "bias": B2})
    with pytest.raises(CompileError) as info:
        compile_network(mlp)
    assert info.value.node == "h2"
    assert "'h2'" in str(info.value) and "3×2" in str(info.value) and "3×3" in str(info.value)


def test_transposed_dense_weight_is_refused(graph_of):
    """A torch-layout (units x inputs) weight must not slip through when it is not square."""
    graph = graph_of([("x", "Input", {"shape": (2,)}),
                      ("h", "Dense", {"units": 3}, {"weight": np.zeros((3, 2))}),
                      ("out", "Output")])
    with pytest.raises(CompileError) as info:
        compile_network(graph)
    assert info.value.node == "h"


def test_wrong_conv_weight_shape_names_the_node(graph_of):
    graph = graph_of([("x", "Input", {"shape": (1, 4, 4)}),
                      ("conv", "Conv2d", {"filters": 2, "kernel": 3}, {"weight": np.zeros((2, 1, 2, 2))}),
                      ("f", "Flatten"), ("out", "Output")])
    with pytest.raises(CompileError) as info:
        compile_network(graph)
    assert info.value.node == "conv"
    assert "'conv'" in str(info.value) and "2×1×3×3" in str(info.value)


@pytest.mark.parametrize("layer_type, params, shape", [
    ("Dense", {"units": 2}, (3,)),
    ("Conv2d", {"filters": 2, "kernel": 1}, (1, 2, 2)),
])
def test_unknown_weight_name_is_a_compile_error(layer_type, params, shape, graph_of):
    graph = graph_of([("x", "Input", {"shape": shape}),
                      ("L", layer_type, params, {"gamma": np.zeros(2)}), ("out", "Output")])
    with pytest.raises(CompileError) as info:
        compile_network(graph)
    assert info.value.node == "L"
    assert "gamma" in str(info.value)


def test_seeded_compile_is_deterministic_and_seeds_differ(graph_of):
    graph = graph_of([("x", "Input", {"shape": (5, 4)}),
                      ("a", "Dense", {"units": 8, "activation": "tanh"}),
                      ("r", "LSTM", {"hidden": 3}), ("out", "Output")])
    first, again, other = (compile_network(graph, seed=s).state_dict() for s in (1, 1, 2))
    assert list(first) == list(again)
    for name in first:
        assert torch.equal(first[name], again[name]), name
    assert any(not torch.equal(first[name], other[name]) for name in first if "weight" in name)
    assert all(not torch.equal(first[name], other[name]) for name in ("a.weight", "r.rnn.weight_ih_l0"))


def test_hand_weights_win_over_the_seed(mlp):
    a, b = compile_network(mlp, seed=1), compile_network(mlp, seed=2)
    for name, value in a.state_dict().items():
        assert torch.equal(value, b.state_dict()[name]), name


def _dense(x, w, b):
    return x @ torch.as_tensor(w, dtype=torch.float32) + torch.as_tensor(b, dtype=torch.float32)


def test_residual_dag_matches_hand_written_torch(graph_of):
    rng = np.random.default_rng(1)
    w = {name: rng.standard_normal(shape).astype(np.float32)
         for name, shape in (("w1", (3, 4)), ("b1", (4,)), ("w2", (4, 4)), ("b2", (4,)))}
    graph = graph_of([("inp", "Input", {"shape": (3,)}),
                      ("d1", "Dense", {"units": 4, "activation": "tanh"},
                       {"weight": w["w1"], "bias": w["b1"]}),
                      ("d2", "Dense", {"units": 4, "activation": "relu"},
                       {"weight": w["w2"], "bias": w["b2"]}),
                      ("sum", "Add"), ("out", "Output")],
                     [("inp", "d1"), ("d1", "d2"), ("d1", "sum"), ("d2", "sum"), ("sum", "out")])
    model = compile_network(graph)
    x = torch.tensor(rng.standard_normal((5, 3)), dtype=torch.float32)
    h1 = torch.tanh(_dense(x, w["w1"], w["b1"]))
    h2 = torch.relu(_dense(h1, w["w2"], w["b2"]))
    with torch.no_grad():
        np.testing.assert_allclose(model(x).numpy(), (h1 + h2).numpy(), rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(model.forward_all(x)[-1].numpy(), (h1 + h2).numpy(),
                                   rtol=1e-6, atol=1e-6)
    assert model.inputs_of("sum") == ["d1", "d2"]


def test_concatenate_follows_connection_slot_order(graph_of):
    # "a" sorts first by id (and topologically), but "b" was connected to the join first
    graph = graph_of([("x", "Input", {"shape": (2,)}),
                      ("a", "Dense", {"units": 1, "bias": False}, {"weight": [[1.0], [0.0]]}),
                      ("b", "Dense", {"units": 2, "bias": False},
                       {"weight": [[0.0, 2.0], [3.0, 0.0]]}),
                      ("cat", "Concatenate"), ("out", "Output")],
                     [("x", "a"), ("x", "b"), ("b", "cat"), ("a", "cat"), ("cat", "out")])
    x = torch.tensor([[5.0, 7.0]])
    with torch.no_grad():
        assert compile_network(graph)(x).tolist() == [[21.0, 10.0, 5.0]]  # [b, a]
    # undoing a disconnect with the original slot restores the original order
    slot = graph.connection_slot("b", "cat")
    graph.disconnect("b", "cat")
    graph.connect("b", "cat")
    with torch.no_grad():
        assert compile_network(graph)(x).tolist() == [[5.0, 21.0, 10.0]]  # [a, b]
    graph.disconnect("b", "cat")
    graph.connect("b", "cat", slot=slot)
    with torch.no_grad():
        assert compile_network(graph)(x).tolist() == [[21.0, 10.0, 5.0]]


def test_chain_fast_path_agrees_with_general_path(graph_of):
    graph = graph_of([("x", "Input", {"shape": (1, 6, 6)}),
                      ("c", "Conv2d", {"filters": 3, "kernel": 3, "activation": "relu"}),
                      ("p", "MaxPool2d"), ("f", "Flatten"),
                      ("d", "Dense", {"units": 4, "activation": "gelu"}), ("bn", "BatchNorm"),
                      ("out", "Output")])
    model = compile_network(graph, seed=5).eval()
    x = torch.randn(3, 1, 6, 6, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        outputs = model.forward_all(x)
        fast = model(x)
        assert torch.equal(fast, outputs[-1])
        # and the general path really is the layers applied one by one
        y = x
        for layer in model.layer_ids:
            y = model.get_submodule(layer)(y)
        assert torch.equal(outputs[-1], y)
    assert len(outputs) == len(model.layer_ids) and tuple(fast.shape) == (3, 4)


def test_compile_refuses_an_invalid_graph_with_the_first_problem(graph_of):
    graph = graph_of([("x", "Input", {"shape": (1, 28, 28)}), ("hidden_1", "Dense", {"units": 4}),
                      ("out", "Output")])
    with pytest.raises(CompileError) as info:
        compile_network(graph)
    assert info.value.node == "hidden_1"
    assert str(info.value) == validate(graph).errors[0].message


# ----- reserved ids -----------------------------------------------------------------------------
def _module_attribute_names() -> set[str]:
    return {n for n in dir(torch.nn.Module) if not n.startswith("__")} | {"training"}


def test_reserved_ids_cover_every_nn_module_attribute():
    public = {n for n in _module_attribute_names() if not n.startswith("_")}
    assert not public - RESERVED_IDS, sorted(public - RESERVED_IDS)


def _one_layer_graph(graph_of, layer_id):
    return graph_of([("x", "Input", {"shape": (2,)}), (layer_id, "Dense", {"units": 2}),
                     ("out", "Output")])


def test_validate_reports_a_layer_named_eval(graph_of):
    report = validate(_one_layer_graph(graph_of, "eval"))
    assert not report.is_valid
    (problem,) = report.problems_for("eval")
    assert "reserved" in problem.message and "rename" in problem.message


def test_every_attribute_of_a_compiled_network_is_refused_as_a_layer_id(mlp, graph_of):
    """Any name the compiled module already uses (torch's, private ones, the compiler's own)
    would make add_module fail or shadow an attribute: validate must catch it first."""
    model = compile_network(mlp)
    names = (_module_attribute_names() | {n for n in dir(model) if not n.startswith("__")}
             | set(vars(model))) - set(model.layer_ids)
    accepted = [n for n in sorted(names) if validate(_one_layer_graph(graph_of, n)).is_valid]
    assert not accepted, accepted


@pytest.mark.parametrize("layer_id", ["layer_ids", "inputs_of", "_plan", "_modules", "forward_all"])
def test_compiler_attribute_ids_give_a_validation_error_not_a_crash(layer_id, graph_of):
    graph = _one_layer_graph(graph_of, layer_id)
    with pytest.raises(CompileError) as info:
        compile_network(graph)
    assert info.value.node == layer_id


def test_ordinary_ids_are_not_reserved(graph_of):
    for layer_id in ("hidden_1", "dense", "conv_2", "output_layer", "Training", "evaluation"):
        assert validate(_one_layer_graph(graph_of, layer_id)).is_valid, layer_id
