"""Every loss in core.losses builds and writes its formula, a new entry reaches the code that asks
the registry at run time, and each factory's value and gradient match a numpy reference written
here.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from registry_helpers import choices_of
from core.datasets import DatasetError, encode_targets
from core.inspection import answers, formulas
from core.losses import LOSSES, loss_entry, make_loss
from core.network import Network
from core.probes import probabilities
from core.run_setup import RunError, check_fit


# ----- every loss through every reader ------------------------------------------------------------
def test_every_loss_builds_and_writes_its_formula():
    for name in choices_of("Output", "loss"):
        entry = loss_entry(name)
        assert entry.expects in ("probabilities", "logits", "any")
        for reduction in ("mean", "sum"):
            module = make_loss(name, reduction)
            assert isinstance(module, nn.Module) and module.reduction == reduction
        assert entry.value_rule.startswith("L = ") and "∂L/∂" in entry.grad_rule
        facts = formulas.LossFacts(name, np.array([[0.2, 0.8]]),
                                   np.array([1]) if entry.class_indices else np.array([[0.0, 1.0]]),
                                   0.5)
        assert formulas.loss_lines(facts)[0].startswith("L = ")


def add_for_this_test(monkeypatch, registry, entry) -> None:
    """Register ``entry`` until the test ends (the file format's choices are fixed at import, so
    this reaches only the code that asks the registry at run time, which is what is checked)."""
    monkeypatch.setitem(registry._entries, entry.name, entry)


def test_a_new_class_index_loss_is_encoded_and_pictured_from_its_entry(monkeypatch):
    add_for_this_test(monkeypatch, LOSSES, replace(loss_entry("cross_entropy"), name="nll",
                                                   title="Negative log-likelihood"))
    labels = np.array([0, 2, 1])
    np.testing.assert_array_equal(encode_targets(labels, "classification", 3, "nll"), labels)
    with pytest.raises(DatasetError, match="Negative log-likelihood loss needs classes.*mse or mae"):
        encode_targets(np.array([0.5, 1.5]), "regression", 0, "nll")
    logits = np.array([[1.0, 2.0, 0.5]])
    np.testing.assert_allclose(probabilities(logits, "nll"), np.exp(logits) / np.exp(logits).sum())


def fit_problem(loss: str) -> str | None:
    """What the run setup says about ``loss`` on a one-number regression dataset."""
    report = SimpleNamespace(shapes={"x": (1,), "out": (1,)}, input_id="x", output_id="out")
    data = SimpleNamespace(input_shape=(1,), task="regression", name="line", output_size=1)
    try:
        check_fit(Network(), report, data, loss)
    except RunError as exc:
        return str(exc)
    return None


def test_only_losses_that_compare_classes_refuse_a_regression_dataset(monkeypatch):
    for name in LOSSES.names():
        problem = fit_problem(name)
        assert (problem is not None) == loss_entry(name).classes, name
    assert {n for n in LOSSES.names() if loss_entry(n).classes} == {"bce", "cross_entropy"}
    assert "a classification loss: choose mse or mae." in fit_problem("bce")
    add_for_this_test(monkeypatch, LOSSES, replace(loss_entry("bce"), name="focal"))
    add_for_this_test(monkeypatch, LOSSES, replace(loss_entry("mse"), name="huber"))
    assert "uses focal, a classification loss: choose mse or mae or huber." in fit_problem("focal")
    assert fit_problem("huber") is None


def test_a_losss_own_slips_give_check_my_answer_its_hint(monkeypatch):
    add_for_this_test(monkeypatch, LOSSES, replace(loss_entry("mse"), name="mse_copy"))
    for name in ("mse", "mse_copy"):
        facts = formulas.LossFacts(name, np.array([[3.0]]), np.array([[1.0]]), 4.0)
        verdict = answers.check(answers.loss_quantities(facts)[0], 2.0, facts)
        assert verdict.message.endswith("Square each error before averaging."), name


# ----- each loss against numpy --------------------------------------------------------------------
def np_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# (prediction, target) -> (mean loss, ∂L/∂prediction), from the textbook definitions
NUMPY_LOSSES = {
    "mse": lambda p, y: (np.mean((p - y) ** 2), 2 * (p - y) / p.size),
    "mae": lambda p, y: (np.mean(np.abs(p - y)), np.sign(p - y) / p.size),
    "bce": lambda p, y: (-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)),
                         (p - y) / (p * (1 - p)) / p.size),
    "cross_entropy": lambda z, c: (-np.mean(np.log(np_softmax(z)[np.arange(len(c)), c])),
                                   (np_softmax(z) - np.eye(z.shape[1])[c]) / len(c)),
}


def test_every_loss_has_an_independent_reference_here():
    assert set(NUMPY_LOSSES) == set(LOSSES.names())


@pytest.mark.parametrize("name", sorted(NUMPY_LOSSES))
def test_loss_factory_value_and_gradient_match_numpy(name):
    rng = np.random.default_rng(4)
    prediction = rng.uniform(0.05, 0.95, (5, 3))
    target = rng.integers(0, 3, 5) if loss_entry(name).class_indices else \
        rng.integers(0, 2, (5, 3)).astype(float)
    p = torch.tensor(prediction, requires_grad=True)
    y = torch.tensor(target)
    value = make_loss(name, "mean")(p, y)
    value.backward()
    expected, gradient = NUMPY_LOSSES[name](prediction, target)
    assert value.item() == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(p.grad.numpy(), gradient, rtol=1e-10, atol=1e-14)
    summed = make_loss(name, "sum")(p, y).item()
    terms = target.shape[0] if loss_entry(name).class_indices else prediction.size
    assert summed == pytest.approx(expected * terms, rel=1e-12)
