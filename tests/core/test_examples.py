"""Every shipped example validates and trains, through the real CLI, to what its lesson promises."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.fileformat import load_network

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "assets" / "examples").glob("*.json"))
REQUIRED = {"xor", "perceptron_and", "perceptron_or", "linear_regression", "digits_mlp", "spiral"}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=240, cwd=ROOT)


def test_the_required_examples_are_shipped():
    assert REQUIRED <= {p.stem for p in EXAMPLES}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_validates(path):
    result = cli("validate", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid —" in result.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_trains_to_its_promise(path):
    lesson = load_network(path).lesson
    assert lesson is not None and lesson.goal_metric, f"{path.name} promises nothing"
    result = cli("train", str(path), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    final = lines[-1]
    assert final["final"] is True and len(lines) == final["epoch"] + 1
    value = final[lesson.goal_metric]
    if lesson.goal_metric.endswith("accuracy"):
        assert value >= lesson.goal_value
    else:
        assert value <= lesson.goal_value
