"""Every activation in core.activations through every place that reads it; each derivative against
torch autograd through the entry's own torch factory, and each factory (and each standalone
activation layer) against a numpy formula written here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from builders import chain
from registry_helpers import choices_of
from core.activations import activation, activation_names, for_layer_type
from core.compiler import compile_network
from core.inspection import formulas
from core.inspection.stages import neuron_facts
from core.layers.modules import make_activation
from core.notation import fmt
from core.settings import TrainingSettings
from core.validation import validate


GRID = np.linspace(-4.0, 4.0, 81)  # includes 0.0 exactly: the kinks are skipped, not missed
KINK_DISTANCE = 1e-6
LEAKY_SLOPE = 0.2  # not the default 0.01, so a factory or derivative that ignores it fails
PRELU_SLOPE = 0.3  # not torch's initial 0.25


# ----- every activation through every reader ------------------------------------------------------
def test_every_activation_has_a_complete_entry_everywhere_it_is_read():
    for name in choices_of("Dense", "activation"):
        entry = activation(name)
        assert entry.name == name and entry.symbol and entry.description
        assert isinstance(entry.factory(LEAKY_SLOPE), nn.Module)
        assert isinstance(make_activation(name), nn.Module)
        assert entry.output in ("real", "probability", "distribution", "binary")
        assert for_layer_type(entry.layer_type) is entry
        line = formulas.activation_line(name, 0.5, 0.6, 0.01, np.array([0.5, -0.5]), 0)
        assert line.startswith("a") and fmt(0.6) in line, line
        assert entry.derivative_text(0.5, 0.6, 0.01)
        assert formulas.derivative_symbol(name)
        assert all(isinstance(hint, str) and hint for _, hint in entry.slips(0.5))
        if entry.derivative is None:  # only a function that couples its units may lack one
            assert entry.output == "distribution", name
            with pytest.raises(ValueError):
                formulas.derivative(name, 0.5, 0.6)
        else:
            text, value = formulas.derivative(name, 0.5, 0.6)
            assert text and math.isfinite(value)


# ----- each derivative against autograd, each factory against numpy -------------------------------
def factory_module(name: str) -> tuple[nn.Module, float]:
    """The entry's own torch module in float64, and the slope α its derivative is given."""
    module = activation(name).factory(LEAKY_SLOPE).double()
    if name == "prelu":
        with torch.no_grad():
            module.weight.fill_(PRELU_SLOPE)
        return module, PRELU_SLOPE
    return module, LEAKY_SLOPE if name == "leaky_relu" else 0.01


def smooth_points(name: str) -> np.ndarray:
    kinks = np.array(activation(name).kinks)
    if not len(kinks):
        return GRID
    return GRID[np.min(np.abs(GRID[:, None] - kinks[None, :]), axis=1) > KINK_DISTANCE]


ELEMENTWISE = [name for name in activation_names() if activation(name).derivative is not None]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_autograd_through_its_own_factory(name):
    module, alpha = factory_module(name)
    points = smooth_points(name)
    z = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    a = module(z)
    a.sum().backward()
    entry = activation(name)
    ours = [entry.derivative(float(zi), float(ai), alpha) for zi, ai in zip(points, a.tolist())]
    np.testing.assert_allclose(ours, z.grad.numpy(), atol=1e-6, rtol=1e-6, err_msg=name)
    assert len(points) >= len(GRID) - len(entry.kinks)


def test_softmax_has_no_elementwise_derivative_and_its_delta_line_is_the_coupled_rule(graph_of):
    assert [n for n in activation_names() if n not in ELEMENTWISE] == ["softmax"]
    w = np.array([[0.5, -0.3, 0.8], [0.1, 0.9, -0.4]])
    graph = graph_of([("x", "Input", {"shape": [2]}),
                      ("soft", "Dense", {"units": 3, "activation": "softmax"},
                       {"weight": w, "bias": np.zeros(3)}),
                      ("out", "Output", {"loss": "mse"})])
    settings = TrainingSettings(optimizer="sgd", learning_rate=0.1)
    x, y = np.array([[1.0, 2.0]]), np.array([[0.0, 1.0, 0.0]])
    trace = formulas_trace(graph, x, y, settings)
    # autograd by hand on the same row: softmax's Jacobian-vector product
    z = torch.tensor(x @ w, dtype=torch.float64, requires_grad=True)
    a = torch.softmax(z, dim=1)
    ((a - torch.tensor(y)) ** 2).mean().backward()
    for unit in range(3):
        facts = neuron_facts(trace, "soft", unit, "softmax", settings)
        line = formulas.delta_line(facts)
        coupled = facts.a[0] * (facts.grad_a[0] - facts.a_row @ facts.grad_a_row)
        assert coupled == pytest.approx(z.grad[0, unit].item(), abs=1e-6)
        assert line.endswith(f"= {fmt(facts.delta[0])}") and "Σₖ aₖ·∂L/∂aₖ" in line
        assert float(facts.delta[0]) == pytest.approx(z.grad[0, unit].item(), abs=1e-6)


def formulas_trace(graph, x, y, settings):
    from core.inspection import trace_step
    return trace_step(compile_network(graph, settings.optimizer), x, y, "mse", settings)


_ERF = np.vectorize(math.erf)
NUMPY_FORMULAS = {  # written from the textbook definitions, not from the registry
    "linear": lambda z: z,
    "step": lambda z: (z >= 0).astype(float),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
    "prelu": lambda z: np.where(z > 0, z, PRELU_SLOPE * z),
    "gelu": lambda z: z * 0.5 * (1 + _ERF(z / math.sqrt(2))),
    "silu": lambda z: z / (1 + np.exp(-z)),  # z·σ(z)
    "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True),
}


def test_every_activation_has_an_independent_reference_here():
    assert set(NUMPY_FORMULAS) == set(activation_names())


@pytest.mark.parametrize("name", sorted(NUMPY_FORMULAS))
def test_factory_output_matches_the_numpy_formula(name):
    module, _ = factory_module(name)
    rows = GRID.reshape(9, 9)  # softmax works over each row
    out = module(torch.tensor(rows, dtype=torch.float64)).detach().numpy()
    np.testing.assert_allclose(out, NUMPY_FORMULAS[name](rows), atol=1e-12, rtol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", sorted(NUMPY_FORMULAS))
def test_each_activation_layer_compiles_to_the_numpy_formula(name):
    """The standalone layer, built by the catalogue from the entry (with the LeakyReLU slope
    its ParamSpec holds), computes the same function as the Dense option."""
    layer_type = activation(name).layer_type
    params = {"slope": LEAKY_SLOPE} if name == "leaky_relu" else {}
    graph = chain([("x", "Input", {"shape": [9]}), ("act", layer_type, params),
                   ("out", "Output", {"loss": "mse"})])
    report = validate(graph, "sgd", purpose="inspect")  # Step under SGD: a warning, not refused
    model = compile_network(graph, "sgd", seed=0, report=report).double()
    if name == "prelu":
        with torch.no_grad():
            model.get_submodule("act").weight.fill_(PRELU_SLOPE)
    rows = GRID.reshape(9, 9)
    with torch.no_grad():
        out = model(torch.tensor(rows, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(out, NUMPY_FORMULAS[name](rows), atol=1e-12, rtol=1e-12, err_msg=name)
