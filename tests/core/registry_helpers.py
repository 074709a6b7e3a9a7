"""What the registry tests (tests/core/test_registry_*.py) share: the schema's choices and training
setting names, and a one-neuron model to build optimizers on (no Qt: the core tests must run
without a display)."""

from __future__ import annotations

from builders import chain
from core.compiler import compile_network
from core.layers import get_spec
from core.settings import TRAINING_PARAMS

TRAINING_NAMES = {spec.name for spec in TRAINING_PARAMS}


def choices_of(layer_type: str, param: str) -> tuple[str, ...]:
    return get_spec(layer_type).param(param).choices


def training_choices(name: str) -> tuple[str, ...]:
    return next(spec for spec in TRAINING_PARAMS if spec.name == name).choices


def perceptron_model():
    graph = chain([("x", "Input", {"shape": [2]}), ("n", "Dense", {"units": 1, "activation": "step"}),
                   ("out", "Output", {"loss": "mse"})])
    return compile_network(graph, "perceptron", seed=0)
