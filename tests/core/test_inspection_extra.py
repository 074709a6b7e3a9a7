"""core.inspection against independent numpy computations, and the inspector's Qt-free helpers.

Every number the inspector shows comes from `trace_step`; here each kind of layer the course uses
(Dense + sigmoid, softmax + cross-entropy, Conv2d, an Add merge) is recomputed by hand in numpy on
the same weights, forward and backward. The formula text is checked on the textbook perceptron.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.compiler import compile_network, extract_weights
from core.fileformat import load_network
from core.inspection import trace_step
from core.settings import TrainingSettings
from core.inspection import answers, formulas
from core.inspection.stages import build_stages, jump_index, loss_facts, neuron_facts
from core.inspection.tracing import TraceRequest, compute_trace, snapshot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"
RTOL = 1e-5


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sgd(lr=0.1):
    return TrainingSettings(optimizer="sgd", learning_rate=lr, batch_size=0)


# ----- Dense + sigmoid, two layers ---------------------------------------------------------------
def test_two_sigmoid_layers_match_numpy_forward_backward_and_update(graph_of):
    w1, b1 = np.array([[0.2, -0.4, 0.1], [0.5, 0.3, -0.7]]), np.array([0.1, -0.2, 0.05])
    w2, b2 = np.array([[0.6], [-0.8], [0.3]]), np.array([0.2])
    graph = graph_of([("x", "Input", {"shape": [2]}),
                      ("h", "Dense", {"units": 3, "activation": "sigmoid"},
                       {"weight": w1, "bias": b1}),
                      ("o", "Dense", {"units": 1, "activation": "sigmoid"},
                       {"weight": w2, "bias": b2}),
                      ("out", "Output", {"loss": "mse"})])
    x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.2]])
    y = np.array([[1.0], [0.0], [1.0]])
    trace = trace_step(compile_network(graph), x, y, "mse", sgd(0.5))
    # numpy, by hand
    z1 = x @ w1 + b1
    h = sigmoid(z1)
    z2 = h @ w2 + b2
    o = sigmoid(z2)
    loss = np.mean((o - y) ** 2)
    d_o = 2 * (o - y) / len(x)
    delta2 = d_o * o * (1 - o)
    d_h = delta2 @ w2.T
    delta1 = d_h * h * (1 - h)
    assert trace.loss == pytest.approx(loss, rel=RTOL)
    np.testing.assert_allclose(trace.find("forward", "h").values["pre_activation"], z1, rtol=RTOL,
                               atol=1e-7)  # float32: one z is 0 up to rounding
    np.testing.assert_allclose(trace.find("forward", "o").values["output"], o, rtol=RTOL)
    back_o, back_h = trace.find("backward", "o"), trace.find("backward", "h")
    np.testing.assert_allclose(back_o.values["grad_output"], d_o, rtol=1e-4)
    np.testing.assert_allclose(back_o.values["grad_pre_activation"], delta2, rtol=1e-4)
    np.testing.assert_allclose(back_o.grads["weight"], h.T @ delta2, rtol=1e-4)
    np.testing.assert_allclose(back_h.values["grad_output"], d_h, rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(back_h.grads["weight"], x.T @ delta1, rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(back_h.grads["bias"], delta1.sum(axis=0), rtol=1e-4, atol=1e-8)
    update = trace.find("update", "h")
    np.testing.assert_allclose(update.params["weight"], w1 - 0.5 * x.T @ delta1, rtol=1e-5)


# ----- softmax + cross-entropy -------------------------------------------------------------------
def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n(graph_of):
    w, b = np.array([[0.5, -0.3, 0.8], [0.1, 0.9, -0.4]]), np.array([0.0, 0.1, -0.1])
    graph = graph_of([("x", "Input", {"shape": [2]}),
                      ("logits", "Dense", {"units": 3}, {"weight": w, "bias": b}),
                      ("out", "Output", {"loss": "cross_entropy"})])
    x = np.array([[1.0, 0.5], [-0.5, 2.0], [0.2, 0.2], [1.5, -1.0]])
    y = np.array([2, 1, 0, 2])
    trace = trace_step(compile_network(graph), x, y, "cross_entropy", sgd())
    logits = x @ w + b
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.eye(3)[y]
    grad = (p - onehot) / len(x)
    assert trace.loss == pytest.approx(-np.mean(np.log(p[np.arange(4), y])), rel=RTOL)
    back = trace.find("backward", "logits")
    np.testing.assert_allclose(back.values["grad_pre_activation"], grad, rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(trace.find("backward", "out").values["grad_output"], grad,
                               rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(back.grads["weight"], x.T @ grad, rtol=1e-4, atol=1e-8)


# ----- Conv2d ------------------------------------------------------------------------------------
def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Valid cross-correlation, stride 1: x (N, C, H, W), w (F, C, K, K) -> (N, F, H-K+1, W-K+1)."""
    n, _, h, wd = x.shape
    f, _, k, _ = w.shape
    out = np.zeros((n, f, h - k + 1, wd - k + 1))
    for i in range(h - k + 1):
        for j in range(wd - k + 1):
            patch = x[:, :, i:i + k, j:j + k]
            out[:, :, i, j] = np.einsum("nckl,fckl->nf", patch, w) + b
    return out


def conv_weight_grad(x: np.ndarray, delta: np.ndarray, k: int) -> np.ndarray:
    """dL/dW[f, c, a, b] = Σ_n Σ_ij δ[n, f, i, j] · x[n, c, i + a, j + b]."""
    _, _, oh, ow = delta.shape
    grad = np.zeros((delta.shape[1], x.shape[1], k, k))
    for a in range(k):
        for b in range(k):
            grad[:, :, a, b] = np.einsum("nfij,ncij->fc", delta, x[:, :, a:a + oh, b:b + ow])
    return grad


def test_conv2d_forward_and_weight_gradient_match_numpy(graph_of):
    rng = np.random.default_rng(4)
    wc, bc = rng.normal(size=(2, 1, 3, 3)), np.array([0.1, -0.2])
    wd, bd = rng.normal(size=(8, 1)), np.array([0.05])
    graph = graph_of([("img", "Input", {"shape": [1, 4, 4]}),
                      ("conv", "Conv2d", {"filters": 2, "kernel": 3}, {"weight": wc, "bias": bc}),
                      ("flat", "Flatten"),
                      ("head", "Dense", {"units": 1}, {"weight": wd, "bias": bd}),
                      ("out", "Output", {"loss": "mse"})])
    x = rng.normal(size=(2, 1, 4, 4))
    y = np.array([[1.0], [-1.0]])
    trace = trace_step(compile_network(graph), x, y, "mse", sgd())
    z = conv2d(x, wc, bc)
    pred = z.reshape(2, -1) @ wd + bd
    d_pred = 2 * (pred - y) / 2
    delta = (d_pred @ wd.T).reshape(z.shape)  # linear activation: dL/dz = dL/da
    forward = trace.find("forward", "conv")
    np.testing.assert_allclose(forward.values["pre_activation"], z, rtol=1e-4, atol=1e-6)
    back = trace.find("backward", "conv")
    np.testing.assert_allclose(back.values["grad_pre_activation"], delta, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(back.grads["weight"], conv_weight_grad(x, delta, 3), rtol=1e-4,
                               atol=1e-6)
    np.testing.assert_allclose(back.grads["bias"], delta.sum(axis=(0, 2, 3)), rtol=1e-4, atol=1e-6)


# ----- Add merge ---------------------------------------------------------------------------------
def test_add_merge_forward_sum_and_gradient_fan_out(graph_of):
    wa, wb = np.array([[1.0, -2.0], [0.5, 0.25]]), np.array([[0.3, 0.1], [-0.6, 0.9]])
    wh = np.array([[0.7], [-0.4]])
    graph = graph_of([("x", "Input", {"shape": [2]}),
                      ("a", "Dense", {"units": 2, "bias": False}, {"weight": wa}),
                      ("b", "Dense", {"units": 2, "bias": False}, {"weight": wb}),
                      ("sum", "Add"),
                      ("head", "Dense", {"units": 1, "bias": False}, {"weight": wh}),
                      ("out", "Output", {"loss": "mse"})],
                     [("x", "a"), ("x", "b"), ("a", "sum"), ("b", "sum"), ("sum", "head"),
                      ("head", "out")])
    x, y = np.array([[2.0, -1.0]]), np.array([[0.5]])
    trace = trace_step(compile_network(graph), x, y, "mse", sgd())
    s = x @ wa + x @ wb
    pred = s @ wh
    d_s = 2 * (pred - y) @ wh.T
    merge = trace.find("forward", "sum")
    np.testing.assert_allclose(merge.values["input_0"], x @ wa, rtol=RTOL)
    np.testing.assert_allclose(merge.values["input_1"], x @ wb, rtol=RTOL)
    np.testing.assert_allclose(merge.values["output"], s, rtol=RTOL)
    np.testing.assert_allclose(trace.find("backward", "sum").values["grad_output"], d_s, rtol=1e-5)
    for node in ("a", "b"):  # an Add hands the same gradient to each input
        np.testing.assert_allclose(trace.find("backward", node).values["grad_output"], d_s,
                                   rtol=1e-5)
        np.testing.assert_allclose(trace.find("backward", node).grads["weight"], x.T @ d_s,
                                   rtol=1e-5)


# ----- formulas on the textbook perceptron -------------------------------------------------------
def perceptron_trace(graph_of, activation="sigmoid", optimizer="sgd", y=1.0, lr=0.5):
    graph = graph_of([("x", "Input", {"shape": [3]}),
                      ("neuron", "Dense", {"units": 1, "activation": activation, "bias": False},
                       {"weight": np.array([[0.6], [0.25], [0.15]])}),
                      ("out", "Output", {"loss": "mse"})])
    settings = TrainingSettings(optimizer=optimizer, learning_rate=lr)
    trace = trace_step(compile_network(graph, optimizer=optimizer), np.array([[7.0, -3.0, 2.0]]),
                       np.array([[y]]), "mse", settings)
    return trace, settings


def test_formula_text_on_the_perceptron_example(graph_of):
    trace, settings = perceptron_trace(graph_of)
    facts = neuron_facts(trace, "neuron", 0, "sigmoid", settings, np.array([[1.0]]))
    lines = formulas.forward_lines(facts)
    assert lines[0] == "z = 0.6×7 + 0.25×(−3) + 0.15×2 = 3.75"
    assert "σ(3.75) = 0.97702" in lines[1]


def test_backward_and_update_formulas_agree_with_numpy(graph_of):
    trace, settings = perceptron_trace(graph_of, y=0.0)
    facts = neuron_facts(trace, "neuron", 0, "sigmoid", settings)
    a = sigmoid(3.75)
    delta = 2 * a * a * (1 - a)
    text = "\n".join(formulas.backward_lines(facts))
    assert f"= {formulas.fmt(delta)}" in text
    assert f"∂L/∂w₂ = δ × x₂ = {formulas.factor(delta)}×(−3) = {formulas.fmt(-3 * delta)}" in text
    line = formulas.update_lines(facts)[1]
    assert line.startswith(f"w₁ ← w₁ − η·∂L/∂w₁ = 0.6 − 0.5×{formulas.factor(7 * delta)} = ")
    assert float(line.rsplit("= ", 1)[1]) == pytest.approx(0.6 - 0.5 * 7 * delta, rel=1e-4)


def test_perceptron_rule_formula(graph_of):
    trace, settings = perceptron_trace(graph_of, activation="step", optimizer="perceptron", y=0.0,
                                       lr=0.1)
    facts = neuron_facts(trace, "neuron", 0, "step", settings, np.array([[0.0]]))
    lines = formulas.update_lines(facts)
    assert "w₁ ← w₁ + η(y − ŷ)x₁ = 0.6 + 0.1×(0 − 1)×7 = −0.1" in lines
    assert "H(3.75) = 1" in formulas.forward_lines(facts)[1]


def test_check_answer_verdicts_and_hints(graph_of):
    trace, settings = perceptron_trace(graph_of)
    facts = neuron_facts(trace, "neuron", 0, "sigmoid", settings)
    z, a = answers.neuron_quantities(facts, "forward")
    assert answers.check(z, 3.75, facts).correct
    assert answers.check(z, 3.7502, facts).correct  # within the relative tolerance 1e-3
    wrong = answers.check(z, 4.5, facts)  # forgot 0.25×(−3)
    assert not wrong.correct and "w₂·x₂" in wrong.message and "3.75" in wrong.message
    assert "activation" in answers.check(a, 3.75, facts).message  # gave z for a
    assert answers.check(a, 0.97702, facts).correct
    assert answers.parse_number(" −0,5 ") == -0.5 and answers.parse_number("abc") is None


def test_missing_bias_hint(graph_of):
    graph = graph_of([("x", "Input", {"shape": [2]}),
                      ("n", "Dense", {"units": 1}, {"weight": np.array([[1.0], [2.0]]),
                                                    "bias": np.array([0.5])}),
                      ("out", "Output", {"loss": "mse"})])
    trace = trace_step(compile_network(graph), np.array([[1.0, 1.0]]), np.array([[0.0]]), "mse",
                       sgd())
    facts = neuron_facts(trace, "n", 0, "linear", sgd())
    z = answers.neuron_quantities(facts, "forward")[0]
    assert "bias" in answers.check(z, 3.0, facts).message
    assert formulas.forward_lines(facts)[0] == "z = 1×1 + 2×1 + 0.5 = 3.5"


def test_loss_formula_for_linear_regression():
    result = compute_trace(TraceRequest(1, snapshot(load_network(EXAMPLES / "linear_regression.json")),
                                        EXAMPLES, None))
    facts = loss_facts(result.trace)
    lines = formulas.loss_lines(facts)
    assert lines[1] == "L = ((0 − 2)² + (0 − 3)² + (0 − 4)² + (0 − 5)²) / 4 = 13.5"
    assert answers.check(answers.loss_quantities(facts)[0], 54, facts).message.endswith(
        "divide by the 4 terms (mean).")


# ----- the worker's computation and the stage list ------------------------------------------------
def test_compute_trace_takes_the_first_training_batch_and_seeded_weights():
    network = load_network(EXAMPLES / "xor.json")
    result = compute_trace(TraceRequest(7, snapshot(network), EXAMPLES, None))
    assert result.ok and result.request_id == 7
    assert result.rows == (0, 1, 3, 2)  # shuffled with the run's seed, as Trainer takes it
    assert result.seeded == ("hidden", "prob")
    reference = compile_network(network.graph, "adam", seed=0)
    np.testing.assert_allclose(result.trace.find("forward", "hidden").params["weight"],
                               extract_weights(reference)["hidden"]["weight"])
    stages = build_stages(result)
    assert [s.phase for s in stages] == ["forward"] * 4 + ["loss"] + ["backward"] * 4 + \
        ["update"] * 2
    assert jump_index(stages, "forward_all") == 3 and jump_index(stages, "backward_all") == 8
    assert jump_index(stages, "update") == 9


def test_compute_trace_reports_an_invalid_network_in_plain_words(graph_of):
    network = load_network(EXAMPLES / "xor.json")
    network.graph.disconnect("hidden", "prob")
    result = compute_trace(TraceRequest(1, snapshot(network), EXAMPLES, 0))
    assert not result.ok and "leads nowhere" in result.error and result.error_node == "input"


def test_helpers_import_without_qt():
    code = ("import sys; import core.inspection.formulas, core.inspection.answers, "
            "core.inspection.stages, core.inspection.tracing; "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_cli_and_panel_refuse_the_same_out_of_range_sample():
    """One use case: the panel's request and `main.py inspect --sample` share compute_trace."""
    network = load_network(EXAMPLES / "linear_regression.json")
    result = compute_trace(TraceRequest(1, snapshot(network), EXAMPLES, 9))
    assert not result.ok and result.error_kind == "sample" and "between 0 and 3" in result.error
    result = compute_trace(TraceRequest(2, snapshot(network), EXAMPLES, -1))
    assert not result.ok and result.error_kind == "sample"
    assert compute_trace(TraceRequest(3, snapshot(network), EXAMPLES, 3)).rows == (3,)
