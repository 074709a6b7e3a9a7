"""The trained state belongs to the file (format version 2): epochs trained and run history survive
saving, version-1 files are upgraded, the CLI records its runs, and a reopened network continues
the learning-rate schedule where it was, in training and in the inspector alike."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from core.cli import run_cli
from core.fileformat import FileFormatError, dumps_network, load_network, loads_network
from core.network import MAX_KEPT_RUNS, EpochPoint, RunRecord, TrainedState
from core.settings import TrainingSettings

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"


def points(n: int, val: bool = False) -> list[EpochPoint]:
    return [EpochPoint(i + 1, 1.0 / (i + 1), 2.0 / (i + 1) if val else None, 0.5 + i / 100,
                       0.4 if val else None, 0.05) for i in range(n)]


def trained_xor(runs: int = 2) -> object:
    network = load_network(EXAMPLES / "xor.json")
    state = TrainedState()
    for number in range(runs):
        state = state.after_run(network.training, state.epochs, "completed",
                                points(3 + number, val=number % 2 == 1))
    network.trained = state
    return network


def test_trained_state_round_trips_exactly():
    network = trained_xor()
    text = dumps_network(network)
    loaded = loads_network(text)
    assert loaded.trained == network.trained
    assert loaded.trained.epochs == 3 + 4
    assert [run.epoch_offset for run in loaded.trained.runs] == [0, 3]
    assert loaded.trained.runs[1].curves["val_loss"] == (2.0, 1.0, 2 / 3, 0.5)
    assert loaded.trained.runs[0].curves["val_loss"] is None
    assert dumps_network(loaded) == text
    data = json.loads(text)
    assert data["version"] == 2 and list(data)[-1] == "trained"
    assert '"train_loss": [1.0, 0.5, 0.3333333333333333]' in text  # one line per curve


def test_untrained_networks_write_no_trained_section():
    network = load_network(EXAMPLES / "xor.json")
    assert "trained" not in json.loads(dumps_network(network))


def test_a_version_1_file_is_upgraded_with_no_trained_epochs():
    text = (EXAMPLES / "xor.json").read_text()
    assert json.loads(text)["version"] == 1
    network = loads_network(text)
    assert network.trained == TrainedState()
    assert json.loads(dumps_network(network))["version"] == 2


def test_history_keeps_the_latest_runs_and_numbers_them_on():
    state = TrainedState()
    settings = TrainingSettings()
    for _ in range(MAX_KEPT_RUNS + 2):
        state = state.after_run(settings, state.epochs, "stopped", points(1))
    assert len(state.runs) == MAX_KEPT_RUNS
    assert state.runs[-1].number == MAX_KEPT_RUNS + 2 and state.epochs == MAX_KEPT_RUNS + 2
    assert state.without_history().runs == state.runs[-1:]
    assert state.with_fresh_weights().epochs == 0 and state.with_fresh_weights().runs == state.runs
    assert state.after_run(settings, 0, "stopped", []) == state  # no epoch finished: nothing


def test_run_record_points_give_the_plots_what_epoch_stats_give():
    run = RunRecord.from_epochs(4, TrainingSettings(batch_size=0), 10, "completed", points(2))
    assert run.label == "run 4: adam lr 0.01 bs full"
    assert run.points() == points(2)


@pytest.mark.parametrize("edit, path, fragment", [
    (lambda t: t.update(epochs=-1), "$.trained.epochs", "whole number"),
    (lambda t: t.update(epochs=True), "$.trained.epochs", "whole number"),
    (lambda t: t.update(extra=1), "$.trained.extra", "Unknown key"),
    (lambda t: t["runs"][0].update(reason="diverged"), "$.trained.runs[0].reason", "completed"),
    (lambda t: t["runs"][0]["curves"].update(train_loss=[1.0, "x", 2.0]),
     "$.trained.runs[0].curves.train_loss[1]", "Expected a number"),
    (lambda t: t["runs"][0]["curves"].update(learning_rate=[0.1]),
     "$.trained.runs[0].curves.learning_rate", "one value per epoch"),
    (lambda t: t["runs"][0]["curves"].pop("learning_rate"),
     "$.trained.runs[0].curves.learning_rate", "required"),
    (lambda t: t["runs"][0]["settings"].update(optimizer="sgdd"),
     "$.trained.runs[0].settings.optimizer", "optimizer"),
    (lambda t: t["runs"].extend([t["runs"][0]] * MAX_KEPT_RUNS), "$.trained.runs", "at most"),
])
def test_bad_trained_sections_are_located(edit, path, fragment):
    data = json.loads(dumps_network(trained_xor()))
    edit(data["trained"])
    with pytest.raises(FileFormatError) as caught:
        loads_network(json.dumps(data))
    assert caught.value.json_path == path and fragment in caught.value.message


# ----- the schedule continues, in the CLI and the inspector ------------------------------------
def decaying_linear(tmp_path: Path, epochs_trained: int) -> Path:
    """The linear-regression lesson with an exponential schedule, its weights trained
    ``epochs_trained`` epochs already (saved by the CLI itself)."""
    network = load_network(EXAMPLES / "linear_regression.json")
    network.training = network.training.with_changes(schedule="exponential", decay_rate=0.5,
                                                     epochs=epochs_trained)
    source = tmp_path / "start.json"
    source.write_text(dumps_network(network))
    trained = tmp_path / "trained.json"
    assert run_cli(["train", str(source), "--save", str(trained)], out=io.StringIO()) == 0
    return trained


def test_cli_train_save_records_the_epochs_and_the_run(tmp_path):
    path = decaying_linear(tmp_path, 3)
    network = load_network(path)
    assert network.trained.epochs == 3
    (run,) = network.trained.runs
    assert run.epoch_offset == 0 and run.reason == "completed" and run.epochs == 3
    lr0 = network.training.learning_rate
    assert run.curves["learning_rate"] == pytest.approx((lr0, lr0 * 0.5, lr0 * 0.25))
    assert run.settings == network.training
    assert run.curves["train_loss"][0] > run.curves["train_loss"][-1]


def test_cli_train_on_a_trained_file_continues_the_schedule(tmp_path):
    path = decaying_linear(tmp_path, 3)
    again = tmp_path / "again.json"
    assert run_cli(["train", str(path), "--epochs", "2", "--save", str(again)],
                   out=io.StringIO()) == 0
    network = load_network(again)
    first, second = network.trained.runs
    lr0 = network.training.learning_rate
    assert second.epoch_offset == 3 and network.trained.epochs == 5
    assert second.curves["learning_rate"] == pytest.approx((lr0 * 0.5 ** 3, lr0 * 0.5 ** 4))


def test_the_inspector_steps_with_the_rate_continue_would_use(tmp_path):
    """After reopening a file trained for 3 epochs, the inspector's update uses epoch 4's rate:
    the rate the next training run (Continue, or the CLI) starts with."""
    from core.inspection.tracing import TraceRequest, compute_trace, step_settings
    path = decaying_linear(tmp_path, 3)
    network = load_network(path)
    lr0 = network.training.learning_rate
    result = compute_trace(TraceRequest(0, network, path.parent, None))
    assert result.ok
    update = next(step for step in result.trace.steps if step.phase == "update")
    assert update.learning_rate == pytest.approx(lr0 * 0.5 ** 3)
    assert step_settings(network).learning_rate == update.learning_rate
    out = io.StringIO()
    assert run_cli(["inspect", str(path), "--json"], out=out) == 0
    steps = json.loads(out.getvalue())["steps"]
    assert [s["learning_rate"] for s in steps if s["phase"] == "update"][0] == \
        pytest.approx(lr0 * 0.5 ** 3)
    # Continue's first epoch (the CLI train, same code as the app's worker) uses the same rate
    again = tmp_path / "again.json"
    assert run_cli(["train", str(path), "--epochs", "1", "--save", str(again)],
                   out=io.StringIO()) == 0
    assert load_network(again).trained.runs[-1].curves["learning_rate"][0] == \
        pytest.approx(update.learning_rate)


def test_only_weights_that_exist_continue_the_schedule(tmp_path):
    network = load_network(decaying_linear(tmp_path, 3))
    assert network.schedule_offset() == 3
    for layer in network.graph.layer_ids():
        network.graph.set_weights(layer, None)
    assert network.trained.epochs == 3 and network.schedule_offset() == 0
