"""SiLU end to end, the activation added by following docs/extending.md: file, validation,
compilation, training, the inspector's lines and stage texts, and "Check my answer", each against
numpy.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from builders import chain
from core.activations import activation
from core.compiler import compile_network
from core.fileformat import dumps_network, loads_network
from core.inspection import answers, formulas
from core.inspection.stages import build_stages, neuron_facts
from core.inspection.tracing import TraceRequest, compute_trace, snapshot
from core.layers import get_spec
from core.network import Network
from core.notation import factor, fmt
from core.run_setup import prepare_run
from core.settings import DatasetSpec, TrainingSettings
from core.training import Trainer
from core.validation import validate


# ----- SiLU end to end ----------------------------------------------------------------------------
W1 = np.array([[0.6, -0.4, 1.2], [0.25, 0.9, -0.7]])  # inputs × units
B1 = np.array([0.1, -0.2, 0.3])
W2 = np.array([[0.5], [-1.1], [0.8]])
B2 = np.array([0.05])
X = np.array([[1.0, 2.0], [-1.5, 0.5], [0.3, -2.0], [2.0, 1.0]])
Y = np.array([[1.0], [0.0], [-0.5], [2.0]])


def np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def silu_network(weights: bool = True) -> Network:
    rows = [("x", "Input", {"shape": [2]}),
            ("hidden", "Dense", {"units": 3, "activation": "silu"}),
            ("swish", "SiLU", {}),
            ("line", "Dense", {"units": 1}),
            ("out", "Output", {"loss": "mse"})]
    hand = {"hidden": {"weight": W1, "bias": B1}, "line": {"weight": W2, "bias": B2}}
    data = DatasetSpec(source="inline", name="points",
                       params={"x": X.tolist(), "y": Y.tolist(), "task": "regression"})
    settings = TrainingSettings(optimizer="sgd", learning_rate=0.05, batch_size=0, epochs=20,
                                shuffle=False)
    return Network(chain(rows, hand if weights else None), data, settings, name="SiLU")


def silu_numpy(x: np.ndarray) -> dict[str, np.ndarray]:
    z = x @ W1 + B1
    a = z * np_sigmoid(z)
    b = a * np_sigmoid(a)
    return {"z": z, "a": a, "b": b, "y": b @ W2 + B2}


def test_silu_round_trips_through_a_file_validates_and_compiles_to_the_numpy_result():
    network = loads_network(dumps_network(silu_network()))
    graph = network.graph
    assert graph.layer_type("swish") == "SiLU" and graph.params("hidden")["activation"] == "silu"
    np.testing.assert_allclose(graph.weights("hidden")["weight"], W1)
    assert dumps_network(network) == dumps_network(silu_network())
    report = validate(graph, network.training.optimizer)
    assert report.is_valid, [p.message for p in report.problems]
    model = compile_network(graph, network.training.optimizer)
    with torch.no_grad():
        out = model(torch.tensor(X, dtype=torch.float32)).double().numpy()
    np.testing.assert_allclose(out, silu_numpy(X)["y"], rtol=1e-5)


def test_silu_network_trains():
    network = silu_network(weights=False)
    run = prepare_run(network)
    trainer = Trainer(run.model, run.dataset, network.training, run.loss)
    losses = [e.train_loss for e in trainer.run() if hasattr(e, "train_loss")]
    assert len(losses) == 20 and all(map(math.isfinite, losses))
    assert losses[-1] < losses[0]


def silu_trace():
    result = compute_trace(TraceRequest(1, snapshot(silu_network()), None, 0))
    assert result.ok, result.error
    return result, neuron_facts(result.trace, "hidden", 2, "silu", result.settings)


def test_inspector_writes_silus_forward_line_and_derivative_with_the_numpy_numbers():
    result, facts = silu_trace()
    ref = silu_numpy(X[:1])
    z, a = ref["z"][0, 2], ref["a"][0, 2]
    assert facts.z[0] == pytest.approx(z, rel=1e-5) and facts.a[0] == pytest.approx(a, rel=1e-5)
    line = formulas.forward_lines(facts)[-1]
    assert line == f"a = SiLU(z) = z·σ(z) = {factor(z)}×{fmt(np_sigmoid(z))} = {fmt(a)}"
    slope = np_sigmoid(z) * (1 + z * (1 - np_sigmoid(z)))
    text, value = formulas.derivative("silu", facts.z[0], facts.a[0])
    assert value == pytest.approx(slope, rel=1e-5)
    s = fmt(np_sigmoid(z))
    assert text == f"SiLU'(z) = σ(z)·(1 + z·(1 − σ(z))) = {s}×(1 + {factor(z)}×(1 − {s}))"
    delta = formulas.delta_line(facts)
    assert delta.startswith(f"{text} = {fmt(slope)}\nδ = ∂L/∂z = ∂L/∂a × SiLU'(z) = ")
    assert facts.delta[0] == pytest.approx(facts.grad_a[0] * slope, rel=1e-4)
    assert formulas.hidden_lines("forward", facts)[1] == "a = SiLU(z) = ?"
    # the standalone SiLU layer's recorded output is z·σ(z) of its input
    swish = result.trace.find("forward", "swish")
    np.testing.assert_allclose(swish.values["output"], ref["b"][:1], rtol=1e-5)


def test_the_stage_texts_name_silu_as_its_formulas_do():
    result, _ = silu_trace()
    stages = {(s.phase, s.node): s for s in build_stages(result)}
    assert "then the activation: a = SiLU(z)." in stages["forward", "hidden"].explanation
    assert "The chain rule through SiLU gives δ = ∂L/∂z" in stages["backward", "hidden"].explanation
    assert stages["forward", "swish"].explanation == activation("silu").description


def test_check_my_answer_accepts_silu_and_names_the_sigmoid_slip():
    _, facts = silu_trace()
    quantity = answers.neuron_quantities(facts, "forward")[1]
    z = float(facts.z[0])
    assert quantity.key == "a"
    assert answers.check(quantity, z * np_sigmoid(z), facts).correct
    wrong = answers.check(quantity, np_sigmoid(z), facts)
    assert not wrong.correct
    assert "That is σ(z) alone: SiLU multiplies it by z, a = z·σ(z)." in wrong.message
    delta = answers.neuron_quantities(facts, "backward")[1]
    slope = np_sigmoid(z) * (1 + z * (1 - np_sigmoid(z)))
    assert answers.check(delta, float(facts.grad_a[0]) * slope, facts).correct


def test_silu_is_the_registry_entry_the_catalogue_reads():
    entry = activation("silu")
    assert entry.layer_type == "SiLU" and entry.symbol == "SiLU" and entry.kinks == ()
    spec = get_spec("SiLU")
    assert spec.category == "Activations" and spec.description == entry.description
    assert spec.count_params({}, [(3,)]) == 0
