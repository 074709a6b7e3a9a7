"""The training generator: hand-checked gradient descent, determinism, stopping, divergence."""

import threading

import numpy as np
import pytest

from builders import chain
from core.network import Network
from core.optim import scheduled_lr
from core.run_setup import RunError, prepare_run
from core.settings import DatasetSpec, TrainingSettings
from core.training import BatchStats, EpochStats, RunFinished, Trainer


def xor_network(**training):
    graph = chain([("input", "Input", {"shape": [2]}),
                   ("hidden", "Dense", {"units": 4, "activation": "tanh"}),
                   ("prob", "Dense", {"units": 1, "activation": "sigmoid"}),
                   ("output", "Output", {"loss": "bce"})])
    settings = dict(optimizer="adam", learning_rate=0.05, batch_size=0, epochs=300, seed=0) | training
    return Network(graph, DatasetSpec(name="xor"), TrainingSettings(**settings))


def line_network():
    """The textbook example: y = W·x, W starts at 0, lr 0.1, full-batch MSE."""
    graph = chain([("x", "Input", {"shape": [1]}), ("line", "Dense", {"units": 1, "bias": False}),
                   ("out", "Output", {"loss": "mse"})], weights={"line": {"weight": [[0.0]]}})
    data = DatasetSpec(source="inline", name="line",
                       params={"x": [[1], [2], [3], [4]], "y": [[2], [3], [4], [5]],
                               "task": "regression"})
    return Network(graph, data, TrainingSettings(optimizer="sgd", learning_rate=0.1, batch_size=0,
                                                 epochs=4, shuffle=False))


def run_all(network, stop=None):
    run = prepare_run(network)
    trainer = Trainer(run.model, run.dataset, network.training, run.loss)
    return trainer, list(trainer.run(stop))


def test_full_batch_gradient_descent_matches_the_hand_computation():
    trainer, events = run_all(line_network())
    epochs = [e for e in events if isinstance(e, EpochStats)]
    assert [e.train_loss for e in epochs] == pytest.approx([13.5, 3.5, 1.0, 0.375])
    weight = trainer.model.get_submodule("line").weight.item()
    assert weight == pytest.approx(1.25)
    assert isinstance(events[-1], RunFinished) and events[-1].reason == "completed"


def test_xor_trains_to_full_accuracy_and_reports_every_batch_and_epoch():
    trainer, events = run_all(xor_network())
    batches = [e for e in events if isinstance(e, BatchStats)]
    epochs = [e for e in events if isinstance(e, EpochStats)]
    assert len(batches) == len(epochs) == 300  # full batch: one batch per epoch
    assert epochs[-1].epochs == 300 and epochs[-1].val_loss is None
    assert trainer.evaluate_all()["train_accuracy"] == 1.0


def test_same_seed_same_run_and_different_seed_differs():
    losses = [[e.loss for e in run_all(xor_network(epochs=20, seed=s))[1]
               if isinstance(e, BatchStats)] for s in (4, 4, 5)]
    assert losses[0] == losses[1]
    assert losses[0] != losses[2]


def test_epoch_train_loss_is_the_mean_of_its_batch_losses():
    network = xor_network(batch_size=1, epochs=3, optimizer="sgd", learning_rate=0.1)
    _, events = run_all(network)
    batches = [e.loss for e in events if isinstance(e, BatchStats)]
    epochs = [e.train_loss for e in events if isinstance(e, EpochStats)]
    assert epochs == pytest.approx([np.mean(batches[i * 4:(i + 1) * 4]) for i in range(3)])


def test_stop_event_ends_the_run_at_the_next_batch():
    stop = threading.Event()
    run = prepare_run(xor_network(batch_size=1, epochs=1000))
    trainer = Trainer(run.model, run.dataset, xor_network(batch_size=1, epochs=1000).training,
                      run.loss)
    events = []
    for event in trainer.run(stop):
        events.append(event)
        if len(events) == 5:
            stop.set()
    assert isinstance(events[-1], RunFinished) and events[-1].reason == "stopped"
    assert len(events) == 6


def test_huge_learning_rate_stops_with_a_plain_reason():
    network = line_network()
    network.training = network.training.with_changes(learning_rate=1e6, epochs=50)
    _, events = run_all(network)
    final = events[-1]
    assert final.reason == "diverged"
    assert "learning rate" in final.message and "too high" in final.message


def test_perceptron_rule_learns_and():
    graph = chain([("input", "Input", {"shape": [2]}),
                   ("neuron", "Dense", {"units": 1, "activation": "step"}),
                   ("output", "Output", {"loss": "mse"})])
    network = Network(graph, DatasetSpec(name="and"),
                      TrainingSettings(optimizer="perceptron", learning_rate=0.1, batch_size=1,
                                       epochs=30, seed=0))
    trainer, _ = run_all(network)
    assert trainer.evaluate_all()["train_accuracy"] == 1.0


def test_step_neuron_under_gradient_descent_is_refused_before_training():
    graph = chain([("input", "Input", {"shape": [2]}),
                   ("neuron", "Dense", {"units": 1, "activation": "step"}),
                   ("output", "Output", {"loss": "mse"})])
    with pytest.raises(RunError, match="zero") as info:
        prepare_run(Network(graph, DatasetSpec(name="and"), TrainingSettings(optimizer="sgd")))
    assert info.value.node == "neuron"


def test_mismatched_output_size_names_the_layer_and_the_fix():
    network = xor_network()
    network.dataset = DatasetSpec(name="iris")
    network.graph.set_params("input", {"shape": [4]})
    network.graph.set_params("output", {"loss": "cross_entropy"})
    network.graph.set_params("prob", {"units": 1, "activation": "linear"})
    with pytest.raises(RunError) as info:
        prepare_run(network)
    assert info.value.node == "prob" and "3 units" in str(info.value)


def test_input_shape_mismatch_is_reported():
    network = xor_network()
    network.graph.set_params("input", {"shape": [3]})
    with pytest.raises(RunError, match="set the Input shape to 2"):
        prepare_run(network)


def test_early_stopping_uses_validation_patience():
    graph = chain([("input", "Input", {"shape": [2]}), ("d", "Dense", {"units": 2}),
                   ("output", "Output", {"loss": "cross_entropy"})])
    network = Network(graph, DatasetSpec(name="moons", params={"samples": 60, "noise": 0.3},
                                         validation_split=0.5),
                      TrainingSettings(optimizer="sgd", learning_rate=5.0, epochs=500,
                                       early_stopping_patience=3, seed=1))
    _, events = run_all(network)
    assert events[-1].reason == "early_stopping"
    assert events[-1].epochs_run < 500


def test_learning_rate_schedules():
    step = TrainingSettings(learning_rate=1.0, schedule="step", decay_rate=0.5, decay_steps=2)
    assert [scheduled_lr(step, e) for e in (1, 2, 3, 5)] == [1.0, 1.0, 0.5, 0.25]
    exp = TrainingSettings(learning_rate=1.0, schedule="exponential", decay_rate=0.9)
    assert scheduled_lr(exp, 3) == pytest.approx(0.81)


def test_l2_penalty_shrinks_weights():
    plain, _ = run_all(xor_network(epochs=100))
    shrunk, _ = run_all(xor_network(epochs=100, l2=0.05))
    norm = lambda t: float((t.model.get_submodule("hidden").weight.detach() ** 2).sum())  # noqa: E731
    assert norm(shrunk) < norm(plain)


def test_predict_mid_epoch_keeps_training_mode():
    run = prepare_run(xor_network(batch_size=1, epochs=2))
    trainer = Trainer(run.model, run.dataset, xor_network().training, run.loss)
    events = trainer.run()
    next(events)
    trainer.predict(np.zeros((3, 2), dtype=np.float32))
    assert trainer.model.training


def test_a_leftover_single_row_batch_joins_the_previous_one_for_batchnorm():
    graph = chain([("input", "Input", {"shape": [2]}), ("norm", "BatchNorm"),
                   ("d", "Dense", {"units": 1, "activation": "sigmoid"}),
                   ("output", "Output", {"loss": "bce"})])
    network = Network(graph, DatasetSpec(name="xor"),
                      TrainingSettings(batch_size=3, epochs=2, optimizer="sgd"))
    trainer, events = run_all(network)
    assert [len(b) for b in trainer._batches()] == [4]
    assert events[-1].reason == "completed"


def test_l2_on_a_network_without_weight_matrices_trains():
    graph = chain([("input", "Input", {"shape": [1]}), ("norm", "BatchNorm"),
                   ("output", "Output", {"loss": "mse"})])
    network = Network(graph, DatasetSpec(name="linear"), TrainingSettings(l2=0.1, epochs=2))
    assert run_all(network)[1][-1].reason == "completed"


def test_early_stopping_without_validation_says_it_watched_the_training_loss():
    network = xor_network(learning_rate=1e-9, epochs=50, early_stopping_patience=2,
                          optimizer="sgd")
    final = run_all(network)[1][-1]
    assert final.reason == "early_stopping" and "training loss" in final.message


def test_a_continued_run_keeps_decaying_the_learning_rate():
    network = xor_network(epochs=2, schedule="exponential", decay_rate=0.5, learning_rate=0.4)
    run = prepare_run(network)
    fresh = Trainer(run.model, run.dataset, network.training, run.loss)
    continued = Trainer(run.model, run.dataset, network.training, run.loss, schedule_offset=3)
    lrs = lambda t: [e.learning_rate for e in t.run() if isinstance(e, EpochStats)]  # noqa: E731
    assert lrs(fresh) == pytest.approx([0.4, 0.2])
    assert lrs(continued) == pytest.approx([0.05, 0.025])
