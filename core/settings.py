"""Typed records for what a network file holds besides the graph: dataset choice and training settings.

Both are frozen dataclasses with ``to_dict``/``from_dict`` so that the file format, the CLI and the
GUI share one definition of every field, its default and its valid values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

OPTIMIZERS = ("sgd", "adam", "rmsprop", "perceptron")
SCHEDULES = ("none", "step", "exponential")
REDUCTIONS = ("mean", "sum")
SCALINGS = ("none", "standard", "minmax")
DATASET_SOURCES = ("builtin", "inline", "csv", "idx")


class SettingsError(ValueError):
    """A setting has the wrong type or an out-of-range value. ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class TrainingSettings:
    """How to train. ``batch_size`` 0 means the full dataset (full-batch gradient descent)."""

    optimizer: str = "adam"
    learning_rate: float = 0.01
    momentum: float = 0.0
    nesterov: bool = False
    schedule: str = "none"  # learning-rate decay
    decay_rate: float = 0.5  # multiplier: per `decay_steps` epochs (step) or per epoch (exponential)
    decay_steps: int = 10
    loss_reduction: str = "mean"
    batch_size: int = 32
    epochs: int = 100
    shuffle: bool = True
    l1: float = 0.0
    l2: float = 0.0
    early_stopping_patience: int = 0  # 0 = off; else epochs without val-loss improvement
    seed: int = 0

    def __post_init__(self) -> None:
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("schedule", self.schedule, SCHEDULES)
        _check_choice("loss_reduction", self.loss_reduction, REDUCTIONS)
        _check_number("learning_rate", self.learning_rate, 0.0, 1e9, exclusive_min=True)
        _check_number("momentum", self.momentum, 0.0, 1.0)
        _check_number("decay_rate", self.decay_rate, 0.0, 1.0, exclusive_min=True)
        _check_int("decay_steps", self.decay_steps, 1, 1_000_000)
        _check_int("batch_size", self.batch_size, 0, 10_000_000)
        _check_int("epochs", self.epochs, 1, 1_000_000)
        _check_number("l1", self.l1, 0.0, 1e6)
        _check_number("l2", self.l2, 0.0, 1e6)
        _check_int("early_stopping_patience", self.early_stopping_patience, 0, 1_000_000)
        _check_int("seed", self.seed, 0, 2**32 - 1)
        for name in ("nesterov", "shuffle"):
            if not isinstance(getattr(self, name), bool):
                raise SettingsError(name, "must be true or false")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainingSettings":
        return _from_dict(cls, data)

    def with_changes(self, **changes: Any) -> "TrainingSettings":
        return replace(self, **changes)


@dataclass(frozen=True)
class DatasetSpec:
    """Which data to train on. What ``params`` holds depends on ``source``:

    - builtin: ``name`` (see core.datasets.BUILTIN) and generator params (samples, noise, seed, ...)
    - inline: ``x`` (list of rows) and ``y`` (list of targets) written in the file itself
    - csv: ``path``, ``features`` (column names or indices), ``target`` (name or index)
    - idx: ``images`` and ``labels`` paths (plain or .gz)
    """

    source: str = "builtin"
    name: str = "xor"
    params: dict[str, Any] = field(default_factory=dict)
    validation_split: float = 0.0
    scaling: str = "none"
    seed: int = 0

    def __post_init__(self) -> None:
        _check_choice("source", self.source, DATASET_SOURCES)
        _check_choice("scaling", self.scaling, SCALINGS)
        _check_number("validation_split", self.validation_split, 0.0, 0.9)
        _check_int("seed", self.seed, 0, 2**32 - 1)
        if not isinstance(self.name, str):
            raise SettingsError("name", "must be a string")
        if not isinstance(self.params, dict):
            raise SettingsError("params", "must be an object")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DatasetSpec":
        return _from_dict(cls, data)


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    if not isinstance(data, dict):
        raise SettingsError(cls.__name__, "must be an object")
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(sorted(unknown)[0], "is not a known setting")
    try:
        return cls(**data)
    except TypeError as exc:
        raise SettingsError(cls.__name__, str(exc)) from None


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SettingsError(name, f"must be one of {', '.join(choices)} (got {value!r})")


def _check_number(name: str, value: Any, low: float, high: float, exclusive_min: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(name, f"must be a number (got {value!r})")
    if value != value or value > high or value < low or (exclusive_min and value == low):
        bound = f"greater than {low:g}" if exclusive_min else f"at least {low:g}"
        raise SettingsError(name, f"must be {bound} and at most {high:g} (got {value!r})")


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(name, f"must be a whole number (got {value!r})")
    if not low <= value <= high:
        raise SettingsError(name, f"must be between {low} and {high} (got {value})")
