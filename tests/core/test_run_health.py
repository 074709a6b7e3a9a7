"""Runs that do not learn are recognised and explained (issue 10, defect 5); healthy ones never."""

from __future__ import annotations

import io
import math
import json
from dataclasses import replace
from pathlib import Path

import pytest

from core.cli import run_cli
from core.fileformat import load_network
from core.run_health import RunSummary, diagnose
from core.run_setup import prepare_run
from core.training import RunFinished, Trainer

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"


def finish(name: str, **changes) -> RunFinished:
    network = load_network(EXAMPLES / f"{name}.json")
    network.training = replace(network.training, **changes)
    run = prepare_run(network, EXAMPLES)
    trainer = Trainer(run.model, run.dataset, network.training, run.loss,
                      schedule_offset=network.schedule_offset())
    return [e for e in trainer.run() if isinstance(e, RunFinished)][0]


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.json")))
def test_no_shipped_example_is_flagged_with_its_saved_settings(name):
    finished = finish(name)
    assert finished.reason == "completed"
    assert finished.health is None and finished.advice == ""


def test_adam_at_1e6_on_xor_is_saturated_and_says_the_learning_rate_is_too_high():
    finished = finish("xor", learning_rate=1e6, epochs=100)
    assert finished.reason == "completed"  # the loss stays finite: 50, at 50%
    assert finished.health == "saturated"
    assert "learned nothing" in finished.advice and "accuracy 50%" in finished.advice
    assert "learning rate (1e+06) is probably too high" in finished.advice


def test_a_tiny_learning_rate_is_stuck_and_says_raise_it():
    finished = finish("xor", learning_rate=1e-7, epochs=100)
    assert finished.health == "stuck"
    assert "too small" in finished.advice


def test_a_regression_at_a_tiny_learning_rate_is_stuck():
    finished = finish("linear_regression", learning_rate=1e-6)
    assert finished.health == "stuck"
    assert "mean of the targets" in finished.advice


def test_weights_thrown_out_of_range_are_exploding():
    finished = finish("spiral", learning_rate=1e3, epochs=50)
    assert finished.health == "exploding"
    assert "grew out of range" in finished.advice


def test_short_or_still_improving_runs_are_not_judged():
    chance = dict(learning_rate=0.01, classification=True, accuracy=0.5, chance=0.5)
    assert diagnose(RunSummary((0.7, 0.7), **chance)) is None  # two epochs: too short
    assert diagnose(RunSummary((0.7, 0.69, 0.68, 0.66, 0.63), **chance)) is None  # still moving
    learned = dict(chance, accuracy=0.75)
    assert diagnose(RunSummary((0.7, 0.7, 0.7, 0.7), **learned)) is None  # better than chance
    assert diagnose(RunSummary((0.7, 0.7, 0.7, 0.7), **chance)).kind == "stuck"


def test_the_cli_final_line_reports_health_and_advice_keeping_its_keys(tmp_path):
    net = load_network(EXAMPLES / "xor.json")
    path = tmp_path / "xor_hot.json"
    from core.fileformat import save_network
    net.training = replace(net.training, learning_rate=1e6, epochs=50)
    save_network(net, str(path))
    out = io.StringIO()
    assert run_cli(["train", str(path), "--json"], out, io.StringIO()) == 0
    final = json.loads(out.getvalue().splitlines()[-1])
    assert {"final", "epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy", "reason",
            "message", "health", "advice"} <= set(final)
    assert final["reason"] == "completed" and final["health"] == "saturated"
    assert "too high" in final["advice"]
    healthy = io.StringIO()
    assert run_cli(["train", str(EXAMPLES / "xor.json"), "--json"], healthy, io.StringIO()) == 0
    final = json.loads(healthy.getvalue().splitlines()[-1])
    assert final["health"] is None and final["advice"] is None
    human = io.StringIO()
    run_cli(["train", str(path)], human, io.StringIO())
    assert "warning: The network learned nothing" in human.getvalue()


def test_a_classifier_scoring_worse_than_the_class_frequencies_learned_nothing():
    """Spiral at learning rate 1e3 ends, depending on the machine's arithmetic, anywhere between
    50% and 61% accuracy (seeds 0-5 here) with a loss of 77-244 nats: far worse than the 0.69 of
    always answering the class frequencies, so it learned nothing whatever its accuracy."""
    losses = (2.2e10, 2.6e7, 188.0)
    lucky = RunSummary(losses, 1e3, True, accuracy=0.61, chance=0.50, baseline_loss=0.693,
                       largest_weight=1.5e4)
    verdict = diagnose(lucky)
    assert verdict is not None and verdict.kind == "exploding"
    fair = RunSummary((0.69, 0.5, 0.4), 0.01, True, accuracy=0.61, chance=0.50,
                      baseline_loss=0.693)
    assert diagnose(fair) is None  # better than chance in both accuracy and loss


def test_the_class_frequencies_score_their_entropy():
    from core.training import _class_entropy
    import torch
    assert _class_entropy(torch.tensor([0, 1, 1, 1])) == pytest.approx(
        -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)))
    assert _class_entropy(torch.tensor([[1.0], [0.0]])) == pytest.approx(math.log(2))
