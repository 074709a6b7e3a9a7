"""Step-through inspection checked against hand computations (the textbook examples) and numpy."""

import numpy as np
import pytest
import torch

from builders import chain
from core.compiler import compile_network
from core.graph import NetworkGraph
from core.inspection import trace_step
from core.settings import TrainingSettings


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def perceptron_graph(activation):
    return chain([("x", "Input", {"shape": [3]}),
                 ("neuron", "Dense", {"units": 1, "activation": activation, "bias": False}),
                 ("out", "Output", {"loss": "mse"})],
                 weights={"neuron": {"weight": [[0.6], [0.25], [0.15]]}})


def test_perceptron_forward_matches_hand_computation():
    """x=[7,-3,2], w=[0.6,0.25,0.15], no bias: z = 3.75 and sigmoid(z) = 0.97702."""
    model = compile_network(perceptron_graph("sigmoid"))
    trace = trace_step(model, np.array([[7.0, -3.0, 2.0]]), np.array([[1.0]]), "mse",
                       TrainingSettings(optimizer="sgd", learning_rate=0.1))
    step = trace.find("forward", "neuron")
    assert step.values["pre_activation"][0, 0] == pytest.approx(3.75, abs=1e-6)
    assert step.values["output"][0, 0] == pytest.approx(0.97702, abs=1e-5)


def test_perceptron_backward_and_update_match_numpy():
    """dL/dz = 2(a − y)·a(1 − a); dL/dw = dL/dz · x; w ← w − η·dL/dw (MSE mean, one sample)."""
    x, w, y, lr = np.array([7.0, -3.0, 2.0]), np.array([0.6, 0.25, 0.15]), 0.0, 0.5
    model = compile_network(perceptron_graph("sigmoid"))
    trace = trace_step(model, x[None], np.array([[y]]), "mse",
                       TrainingSettings(optimizer="sgd", learning_rate=lr))
    a = sigmoid(x @ w)
    delta = 2 * (a - y) * a * (1 - a)
    back = trace.find("backward", "neuron")
    assert trace.find("loss").values["value"] == pytest.approx((a - y) ** 2, rel=1e-5)
    assert back.values["grad_output"][0, 0] == pytest.approx(2 * (a - y), rel=1e-5)
    assert back.values["grad_pre_activation"][0, 0] == pytest.approx(delta, rel=1e-4)
    np.testing.assert_allclose(back.grads["weight"][:, 0], delta * x, rtol=1e-4)
    update = trace.find("update", "neuron")
    np.testing.assert_allclose(update.params_before["weight"][:, 0], w, rtol=1e-6)
    np.testing.assert_allclose(update.params["weight"][:, 0], w - lr * delta * x, rtol=1e-4)
    assert update.learning_rate == lr


def test_mlp_textbook_example_gives_29_328():
    graph = chain([("x", "Input", {"shape": [2]}),
                  ("h1", "Dense", {"units": 3, "activation": "relu"}),
                  ("h2", "Dense", {"units": 3, "activation": "relu"}),
                  ("h3", "Dense", {"units": 1, "activation": "relu"}),
                  ("out", "Output", {"loss": "mse"})],
                  weights={"h1": {"weight": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "bias": [0.1, 0.2, 0.3]},
                           "h2": {"weight": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]],
                                  "bias": [0.1, 0.2, 0.3]},
                           "h3": {"weight": [[0.1], [0.2], [0.3]], "bias": [0.1]}})
    trace = trace_step(compile_network(graph), np.array([[70.0, 25.0]]), np.array([[30.0]]), "mse",
                       TrainingSettings(optimizer="sgd", learning_rate=1e-5))
    np.testing.assert_allclose(trace.find("forward", "h1").values["output"][0], [17.1, 26.7, 36.3],
                               rtol=1e-5)
    np.testing.assert_allclose(trace.find("forward", "h2").values["output"][0], [37.9, 46.01, 54.12],
                               rtol=1e-5)
    assert trace.find("forward", "out").values["output"][0, 0] == pytest.approx(29.328, abs=1e-4)


def test_gradient_descent_on_linear_regression_by_hand():
    """y = W·x, W0 = 0, lr 0.1, MSE mean, x=[1,2,3,4], y=[2,3,4,5] (full batch)."""
    graph = chain([("x", "Input", {"shape": [1]}),
                  ("line", "Dense", {"units": 1, "bias": False}),
                  ("out", "Output", {"loss": "mse"})],
                  weights={"line": {"weight": [[0.0]]}})
    model = compile_network(graph)
    settings = TrainingSettings(optimizer="sgd", learning_rate=0.1, batch_size=0)
    xs, ys = np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([[2.0], [3.0], [4.0], [5.0]])
    losses, weights = [], []
    for _ in range(4):
        trace = trace_step(model, xs, ys, "mse", settings)
        losses.append(trace.loss)
        weights.append(trace.find("update", "line").params["weight"][0, 0])
    np.testing.assert_allclose(losses, [13.5, 3.5, 1.0, 0.375], rtol=1e-6)
    np.testing.assert_allclose(weights, [2.0, 1.0, 1.5, 1.25], rtol=1e-6)


def test_trace_agrees_with_autograd_on_a_dag():
    """Residual DAG: every recorded gradient equals torch.autograd.grad on a separate copy."""
    graph = NetworkGraph()
    graph.add_layer("x", "Input", {"shape": [3]})
    graph.add_layer("a", "Dense", {"units": 3, "activation": "tanh"})
    graph.add_layer("b", "Dense", {"units": 3, "activation": "sigmoid"})
    graph.add_layer("sum", "Add")
    graph.add_layer("head", "Dense", {"units": 2})
    graph.add_layer("out", "Output", {"loss": "cross_entropy"})
    for u, v in [("x", "a"), ("a", "b"), ("a", "sum"), ("b", "sum"), ("sum", "head"), ("head", "out")]:
        graph.connect(u, v)
    model = compile_network(graph, seed=3)
    reference = compile_network(graph, seed=3)
    x = np.random.default_rng(0).normal(size=(5, 3))
    y = np.array([0, 1, 1, 0, 1])
    trace = trace_step(model, x, y, "cross_entropy", TrainingSettings(optimizer="sgd"))
    loss = torch.nn.functional.cross_entropy(reference(torch.tensor(x, dtype=torch.float32)),
                                             torch.tensor(y))
    params = dict(reference.named_parameters())
    grads = dict(zip(params, torch.autograd.grad(loss, list(params.values()))))
    assert trace.loss == pytest.approx(loss.item(), rel=1e-6)
    for node in ("a", "b", "head"):
        step = trace.find("backward", node)
        np.testing.assert_allclose(step.grads["weight"], grads[f"{node}.weight"].numpy().T, rtol=1e-5,
                                   atol=1e-7)
        np.testing.assert_allclose(step.grads["bias"], grads[f"{node}.bias"].numpy(), rtol=1e-5,
                                   atol=1e-7)


def test_backward_runs_in_reverse_topological_order_then_update():
    model = compile_network(perceptron_graph("sigmoid"))
    trace = trace_step(model, np.ones((1, 3)), np.ones((1, 1)), "mse", TrainingSettings())
    phases = [(s.phase, s.node) for s in trace.steps]
    assert phases == [("forward", "x"), ("forward", "neuron"), ("forward", "out"), ("loss", None),
                      ("backward", "out"), ("backward", "neuron"), ("backward", "x"),
                      ("update", "neuron")]


def test_perceptron_rule_update_in_trace():
    """Step neuron trained by the perceptron rule: w ← w + η(y − ŷ)x."""
    model = compile_network(perceptron_graph("step"), optimizer="perceptron")
    trace = trace_step(model, np.array([[7.0, -3.0, 2.0]]), np.array([[0.0]]), "mse",
                       TrainingSettings(optimizer="perceptron", learning_rate=0.1))
    assert trace.find("forward", "neuron").values["output"][0, 0] == 1.0
    new = trace.find("update", "neuron").params["weight"][:, 0]
    np.testing.assert_allclose(new, np.array([0.6, 0.25, 0.15]) - 0.1 * np.array([7, -3, 2]),
                               rtol=1e-6)
