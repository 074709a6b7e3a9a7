"""Issue 9, runs: divergence on the very last update, impossible buffers and weights in a file,
misleading messages, and every CLI step inside its error handling."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest

from core.cli import run_cli
from core.fileformat import FileFormatError, loads_network
from core.run_setup import prepare_run
from core.training import RunFinished, Trainer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"
LINEAR = json.loads((EXAMPLES / "linear_regression.json").read_text())
XOR = json.loads((EXAMPLES / "xor.json").read_text())


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = run_cli([str(a) for a in args], out, err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, data, name="net.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def linear(lr: float) -> dict:
    data = copy.deepcopy(LINEAR)
    data["training"]["learning_rate"] = lr
    return data


def with_batchnorm(weights: dict | None = None) -> dict:
    data = copy.deepcopy(XOR)
    data["layers"].insert(1, {"id": "norm", "type": "BatchNorm", "position": [100, 0]})
    data["connections"][0] = {"from": "input", "to": "norm"}
    data["connections"].insert(1, {"from": "norm", "to": "hidden"})
    if weights is not None:
        data["weights"] = {"norm": weights}
    return data


# ----- item 4: the last update diverges --------------------------------------------------------
@pytest.mark.parametrize("lr, epochs", [(1e6, 3), (1000, 5), (10, 9)])
def test_divergence_on_the_last_update_is_not_success(tmp_path, lr, epochs):
    out_path = tmp_path / "out.json"
    code, out, err = run("train", write(tmp_path, linear(lr)), "--json", "--epochs", epochs,
                         "--save", out_path)
    final = json.loads(out.splitlines()[-1])
    assert code == 1 and final["reason"] == "diverged" and final["epoch"] == epochs
    assert "after its last update" in final["message"] and "learning rate" in final["message"]
    assert not out_path.exists() and "not saved" in err


def test_trainer_reports_the_last_update_diverging():
    network = loads_network(json.dumps(linear(1e6)))
    network.training = network.training.__class__(**{**network.training.__dict__, "epochs": 3})
    run_ = prepare_run(network)
    trainer = Trainer(run_.model, run_.dataset, network.training, run_.loss)
    finished = [e for e in trainer.run() if isinstance(e, RunFinished)]
    assert [f.reason for f in finished] == ["diverged"] and finished[0].epochs_run == 3


def test_a_healthy_run_still_completes():
    code, out, _ = run("train", EXAMPLES / "linear_regression.json", "--json", "--epochs", "3")
    assert code == 0 and json.loads(out.splitlines()[-1])["reason"] == "completed"


# ----- messages: NaN before any update is not the learning rate's fault ---------------------------
def test_non_finite_loss_on_the_first_batch_does_not_blame_the_learning_rate(tmp_path):
    data = linear(0.1)
    data["weights"]["line"]["weight"] = [[3e38]]  # finite in float32; the squared error is not
    code, out, _ = run("train", write(tmp_path, data), "--json")
    final = json.loads(out.splitlines()[-1])
    assert code == 1 and final["reason"] == "diverged"
    assert "before any weight was updated" in final["message"]
    assert "learning rate is not the cause" in final["message"]
    assert "probably too high" not in final["message"]


# ----- messages: 1e308 weights are refused in the file, not by torch --------------------------
def test_weights_beyond_float32_are_refused_naming_the_layer(tmp_path):
    data = linear(0.1)
    data["weights"]["line"]["weight"] = [[1e308]]
    path = write(tmp_path, data)
    code, _, err = run("train", path)
    assert code == 1 and "Dense 'line' has a hand-set weight value of 1e+308" in err
    assert "32-bit floats" in err and "Traceback" not in err
    code, out, _ = run("validate", path)
    assert code == 1 and "error: [line]" in out


def test_an_unbuildable_network_does_not_validate(tmp_path):
    data = copy.deepcopy(XOR)
    data["layers"][0]["params"]["shape"] = [100000, 100000, 100000]
    data["layers"].insert(1, {"id": "flat", "type": "Flatten", "position": [100, 0]})
    data["connections"][0] = {"from": "input", "to": "flat"}
    data["connections"].insert(1, {"from": "flat", "to": "hidden"})
    data["layers"][2]["params"]["units"] = 4096
    code, out, _ = run("validate", write(tmp_path, data))
    assert code == 1 and "Valid" not in out
    assert "Dense 'hidden' would have 4,096,000,000,000,004,096 parameters; at most 50,000,000" in out
    assert "Input 'input' outputs 1,000,000,000,000,000 values per sample" in out


def test_a_400_digit_position_says_what_is_wrong():
    data = copy.deepcopy(XOR)
    data["layers"][0]["position"][0] = int("9" * 400)
    with pytest.raises(FileFormatError) as caught:
        loads_network(json.dumps(data))
    message = str(caught.value)
    assert "$.layers[0].position[0]" in message and "has 400 digits" in message
    assert "got a number" not in message


# ----- item 5: BatchNorm buffers ----------------------------------------------------------------
def test_negative_running_variance_is_refused_on_load():
    data = with_batchnorm({"norm.running_var": [1.0, -1.0], "norm.running_mean": [0.0, 0.0]})
    with pytest.raises(FileFormatError) as caught:
        loads_network(json.dumps(data))
    assert '$.weights.norm["norm.running_var"][1]' in str(caught.value)
    assert "cannot be negative" in str(caught.value)


def test_a_valid_running_variance_still_loads():
    data = with_batchnorm({"norm.running_var": [1.0, 0.0], "norm.running_mean": [0.0, 0.0]})
    loads_network(json.dumps(data))


def test_a_failure_in_the_final_evaluation_is_one_line(tmp_path, monkeypatch):
    def broken(self):
        raise RuntimeError("the final evaluation failed\nwith a long torch message")

    monkeypatch.setattr(Trainer, "evaluate_all", broken)
    code, _, err = run("train", EXAMPLES / "xor.json", "--epochs", "1")
    assert code == 1 and err.count("\n") == 1 and "the final evaluation failed" in err
    assert "Traceback" not in err


def test_a_failure_in_validate_is_one_line(monkeypatch):
    import core.cli as cli

    def broken(*args, **kwargs):
        raise ValueError("shape inference broke")

    monkeypatch.setattr(cli, "validate", broken)
    code, _, err = run("validate", EXAMPLES / "xor.json")
    assert code == 1 and err == "error: validate failed: shape inference broke\n"
