"""The headless CLI contract: validate / train / inspect, their JSON shapes and exit codes."""

import io
import json
from pathlib import Path

import numpy as np
import pytest

from core.cli import run_cli
from core.fileformat import load_network

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_validate_prints_layers_shapes_and_parameter_counts():
    code, out, _ = run("validate", str(EXAMPLES / "xor.json"))
    assert code == 0
    assert "hidden" in out and "Dense" in out and "Valid — 17 parameters" in out


def test_validate_invalid_network_exits_1_with_the_layer_named(tmp_path):
    data = json.loads((EXAMPLES / "xor.json").read_text())
    data["layers"][0]["params"]["shape"] = [1, 28, 28]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    code, out, _ = run("validate", str(path))
    assert code == 1
    assert "Dense 'hidden' receives 1×28×28 images: add a Flatten before it" in out


def test_malformed_file_is_a_clean_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "neurocanvas-network", "version": 1, "layers": [')
    code, _, err = run("train", str(path))
    assert code == 1 and "broken.json" in err


def test_train_json_lines_and_final_line():
    code, out, _ = run("train", str(EXAMPLES / "linear_regression.json"), "--json", "--epochs", "4")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 5
    assert [r["train_loss"] for r in rows[:4]] == pytest.approx([13.5, 3.5, 1.0, 0.375])
    for row in rows[:4]:
        assert set(row) == {"epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy"}
        assert row["val_loss"] is None and row["train_accuracy"] is None
    final = rows[-1]
    assert final["final"] is True and final["epoch"] == 4
    # After the 4th update W = 1.25: loss = mean((1.25x − y)²) over x = 1..4, evaluated afresh.
    expected = sum((1.25 * x - (x + 1)) ** 2 for x in range(1, 5)) / 4
    assert final["train_loss"] == pytest.approx(expected)


def test_train_save_writes_trained_weights(tmp_path):
    out_path = tmp_path / "trained.json"
    code, _, _ = run("train", str(EXAMPLES / "linear_regression.json"), "--epochs", "2",
                     "--save", str(out_path))
    assert code == 0
    assert load_network(out_path).graph.weights("line")["weight"][0, 0] == pytest.approx(1.0)


def test_train_seed_override_changes_the_run():
    first = run("train", str(EXAMPLES / "xor.json"), "--json", "--epochs", "3", "--seed", "1")[1]
    second = run("train", str(EXAMPLES / "xor.json"), "--json", "--epochs", "3", "--seed", "2")[1]
    again = run("train", str(EXAMPLES / "xor.json"), "--json", "--epochs", "3", "--seed", "1")[1]
    assert first == again and first != second


def test_divergence_exits_1_with_reason(tmp_path):
    data = json.loads((EXAMPLES / "linear_regression.json").read_text())
    data["training"]["learning_rate"] = 1e6
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(data))
    code, out, _ = run("train", str(path), "--json")
    final = json.loads(out.splitlines()[-1])
    assert code == 1 and final["reason"] == "diverged" and "learning rate" in final["message"]


def test_inspect_json_phases_and_values():
    code, out, _ = run("inspect", str(EXAMPLES / "linear_regression.json"), "--json")
    steps = json.loads(out)["steps"]
    assert code == 0
    assert [s["phase"] for s in steps] == ["forward"] * 3 + ["loss"] + ["backward"] * 3 + ["update"]
    loss = next(s for s in steps if s["phase"] == "loss")
    assert "node" not in loss and loss["value"] == pytest.approx(13.5)
    back = next(s for s in steps if s["phase"] == "backward" and s["node"] == "line")
    np.testing.assert_allclose(back["grads"]["weight"], [[-20.0]])
    np.testing.assert_allclose(back["grad_output"], [[-1.0], [-1.5], [-2.0], [-2.5]])
    update = steps[-1]
    assert update["node"] == "line"
    np.testing.assert_allclose(update["params"]["weight"], [[2.0]])
    forward = next(s for s in steps if s["phase"] == "forward" and s["node"] == "line")
    np.testing.assert_allclose(forward["output"], [[0.0]] * 4)


def test_inspect_single_sample():
    code, out, _ = run("inspect", str(EXAMPLES / "linear_regression.json"), "--json", "--sample", "2")
    data = json.loads(out)
    assert code == 0 and data["samples"] == [2]
    loss = next(s for s in data["steps"] if s["phase"] == "loss")
    assert loss["value"] == pytest.approx(16.0)  # (0·3 − 4)²
    code, _, err = run("inspect", str(EXAMPLES / "linear_regression.json"), "--sample", "9")
    assert code == 2 and "between 0 and 3" in err


def test_bad_overrides_are_usage_errors_not_tracebacks():
    code, _, err = run("train", str(EXAMPLES / "xor.json"), "--epochs", "0")
    assert code == 2 and "--epochs" in err and "between 1" in err


def test_diverged_run_is_not_saved(tmp_path):
    data = json.loads((EXAMPLES / "linear_regression.json").read_text())
    data["training"]["learning_rate"] = 1e6
    path, out_path = tmp_path / "nan.json", tmp_path / "out.json"
    path.write_text(json.dumps(data))
    code, _, err = run("train", str(path), "--save", str(out_path))
    assert code == 1 and not out_path.exists() and "not saved" in err


def test_batchnorm_on_one_sample_is_a_clean_inspect_error(tmp_path):
    data = json.loads((EXAMPLES / "xor.json").read_text())
    data["layers"].insert(1, {"id": "norm", "type": "BatchNorm", "position": [100, 0]})
    data["connections"][0] = {"from": "input", "to": "norm"}
    data["connections"].insert(1, {"from": "norm", "to": "hidden"})
    path = tmp_path / "bn.json"
    path.write_text(json.dumps(data))
    code, _, err = run("inspect", str(path), "--sample", "1")
    assert code == 1 and "could not be traced" in err
    assert run("inspect", str(path), "--json")[0] == 0  # the whole batch traces fine


def threshold_xor(tmp_path):
    """XOR from threshold units with textbook weights: h = H(x·W + b), y = H(h·V + c)."""
    data = json.loads((EXAMPLES / "xor.json").read_text())
    data["layers"][1]["params"] = {"units": 2, "activation": "step", "bias": True}
    data["layers"][2]["params"] = {"units": 1, "activation": "step", "bias": True}
    data["layers"][3]["params"] = {"loss": "mse"}
    data["weights"] = {"hidden": {"weight": [[1, 1], [1, 1]], "bias": [-0.5, -1.5]},
                       "prob": {"weight": [[1], [-1]], "bias": [-0.5]}}
    data["training"]["optimizer"] = "sgd"
    data["training"]["shuffle"] = False
    path = tmp_path / "threshold_xor.json"
    path.write_text(json.dumps(data))
    return path


def test_threshold_network_can_be_inspected_but_not_trained_by_gradient_descent(tmp_path):
    path = threshold_xor(tmp_path)
    code, out, _ = run("inspect", str(path), "--json")
    steps = json.loads(out)["steps"]
    assert code == 0
    prob = next(s for s in steps if s["phase"] == "forward" and s["node"] == "prob")
    np.testing.assert_array_equal(np.ravel(prob["output"]), [0, 1, 1, 0])  # XOR, by hand
    hidden = next(s for s in steps if s["phase"] == "backward" and s["node"] == "hidden")
    assert not np.any(hidden["grads"]["weight"])  # the zero gradient that is the lesson
    code, _, err = run("train", str(path))
    assert code == 1 and "gradient is zero" in err
