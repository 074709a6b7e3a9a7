"""Every optimizer and schedule in core.optimizers builds from the settings it names, and AdamW,
the optimizer added by following docs/extending.md, end to end.
"""

from __future__ import annotations


import numpy as np
import pytest
import torch
from torch import nn

from builders import chain
from registry_helpers import TRAINING_NAMES, perceptron_model, training_choices
from core.fileformat import dumps_network, loads_network
from core.inspection import formulas
from core.inspection.tracing import TraceRequest, compute_trace, snapshot
from core.network import Network
from core.optim import make_optimizer, scheduled_lr
from core.optimizers import OPTIMIZERS, optimizer_entry, schedule_entry
from core.run_setup import prepare_run
from core.settings import DatasetSpec, TrainingSettings, shown_settings
from core.training import RunFinished, Trainer


# ----- every optimizer and schedule through every reader ------------------------------------------
def test_every_optimizer_builds_with_the_settings_it_names():
    model = perceptron_model()
    for name in training_choices("optimizer"):
        entry = optimizer_entry(name)
        assert set(entry.uses) <= TRAINING_NAMES, f"{name} reads a setting that does not exist"
        optimizer = make_optimizer(model, TrainingSettings(optimizer=name, learning_rate=0.25))
        assert optimizer.param_groups[0]["lr"] == 0.25
        kind, text = entry.update_rule()
        assert kind in ("sgd", "perceptron", "adaptive")
        assert formulas.update_kind(name, 0.0) == kind
        assert (kind == "adaptive") == bool(text), f"{name}: an adaptive rule explains itself"
        assert entry.uses_gradients == (entry.rule_step is None)


def test_every_schedule_gives_a_factor_from_the_settings_it_names():
    for name in training_choices("schedule"):
        entry = schedule_entry(name)
        assert set(entry.uses) <= TRAINING_NAMES
        settings = TrainingSettings(schedule=name, learning_rate=0.1, decay_rate=0.5, decay_steps=2)
        rates = [scheduled_lr(settings, epoch) for epoch in (1, 2, 3, 4)]
        assert rates[0] == 0.1 and all(0 < r <= 0.1 for r in rates)
    step = TrainingSettings(schedule="step", learning_rate=0.1, decay_rate=0.5, decay_steps=2)
    assert [scheduled_lr(step, e) for e in (1, 2, 3)] == pytest.approx([0.1, 0.1, 0.05])


# ----- AdamW end to end ---------------------------------------------------------------------------
ADAMW = dict(optimizer="adamw", learning_rate=0.05, weight_decay=0.1, batch_size=2, epochs=3,
             shuffle=True, seed=3)


def xor_network(**training) -> Network:
    graph = chain([("input", "Input", {"shape": [2]}),
                   ("hidden", "Dense", {"units": 4, "activation": "tanh"}),
                   ("prob", "Dense", {"units": 1, "activation": "sigmoid"}),
                   ("output", "Output", {"loss": "bce"})])
    return Network(graph, DatasetSpec(name="xor"), TrainingSettings(**training))


def hand_adamw(initial: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor,
               settings: TrainingSettings) -> nn.Sequential:
    """The same run written with torch.optim.AdamW and nn layers, batches drawn as documented:
    a fresh permutation per epoch from a generator seeded with the run's seed."""
    reference = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    reference.load_state_dict({"0.weight": initial["hidden.weight"], "0.bias": initial["hidden.bias"],
                               "2.weight": initial["prob.weight"], "2.bias": initial["prob.bias"]})
    optimizer = torch.optim.AdamW(reference.parameters(), lr=settings.learning_rate,
                                  weight_decay=settings.weight_decay)
    generator = torch.Generator().manual_seed(settings.seed)
    loss_fn = nn.BCELoss()
    for _ in range(settings.epochs):
        for rows in torch.split(torch.randperm(len(x), generator=generator), settings.batch_size):
            optimizer.zero_grad()
            loss_fn(reference(x[rows]), y[rows]).backward()
            optimizer.step()
    return reference


def test_adamw_training_matches_a_hand_written_torch_adamw_loop():
    network = xor_network(**ADAMW)
    run = prepare_run(network)
    initial = {k: v.clone() for k, v in run.model.state_dict().items()}
    trainer = Trainer(run.model, run.dataset, network.training, run.loss)
    events = list(trainer.run())
    assert isinstance(events[-1], RunFinished) and events[-1].reason == "completed"
    x = torch.as_tensor(run.dataset.x_train, dtype=torch.float32)
    y = torch.as_tensor(run.dataset.y_train, dtype=torch.float32)
    reference = hand_adamw(initial, x, y, network.training)
    trained = run.model.state_dict()
    for ours, theirs in (("hidden.weight", "0.weight"), ("hidden.bias", "0.bias"),
                         ("prob.weight", "2.weight"), ("prob.bias", "2.bias")):
        assert not torch.equal(trained[ours], initial[ours])
        torch.testing.assert_close(trained[ours], reference.state_dict()[theirs], atol=1e-6, rtol=0)
    # weight_decay takes effect: without it the run ends elsewhere
    plain = xor_network(**(ADAMW | {"weight_decay": 0.0}))
    plain_run = prepare_run(plain)
    list(Trainer(plain_run.model, plain_run.dataset, plain.training, plain_run.loss).run())
    assert not torch.allclose(plain_run.model.state_dict()["hidden.weight"], trained["hidden.weight"],
                              atol=1e-4)


def test_adamw_reads_weight_decay_and_the_form_shows_it():
    assert "weight_decay" in optimizer_entry("adamw").uses
    assert [name for name in OPTIMIZERS.names() if "weight_decay" in optimizer_entry(name).uses] \
        == ["adamw"]
    assert "weight_decay" in shown_settings(TrainingSettings(optimizer="adamw"))
    assert "weight_decay" not in shown_settings(TrainingSettings(optimizer="adam"))
    optimizer = make_optimizer(perceptron_model(), TrainingSettings(optimizer="adamw",
                                                                     weight_decay=0.25))
    assert isinstance(optimizer, torch.optim.AdamW)
    assert optimizer.param_groups[0]["weight_decay"] == 0.25


def test_adamw_settings_round_trip_through_a_file():
    network = xor_network(**ADAMW)
    reread = loads_network(dumps_network(network))
    assert reread.training == network.training
    assert reread.training.optimizer == "adamw" and reread.training.weight_decay == 0.1


def test_the_inspector_steps_adamw_as_torch_does():
    network = xor_network(**(ADAMW | {"batch_size": 0}))
    result = compute_trace(TraceRequest(1, snapshot(network), None, 0))
    assert result.ok, result.error
    update = result.trace.find("update", "prob")
    before, after = update.params_before["weight"], update.params["weight"]  # inputs × units
    grad = result.trace.find("backward", "prob").grads["weight"]
    # AdamW's first step: w ← w − η·λ·w − η·m̂/(√v̂ + ε) with m̂ = g, v̂ = g²
    expected = before * (1 - 0.05 * 0.1) - 0.05 * grad / (np.abs(grad) + 1e-8)
    np.testing.assert_allclose(after, expected, atol=1e-6)
    assert formulas.update_kind("adamw", 0.0) == "adaptive"
    assert "weight decay" in formulas.update_explanation("adamw", 0.0)
