"""Typed records for what a network file holds besides the graph: dataset choice and training settings.

Every training setting is one `ParamSpec` in `TRAINING_PARAMS`: its type, default, one range, label
and help. `TrainingSettings` is generated from that tuple (a frozen dataclass with one field per
spec), validated from it, and the settings form is generated from it, so the file format, the CLI
and the GUI cannot disagree about a range again (CONVENTIONS rule 12). Adding a setting is adding
one ParamSpec here (see docs/extending.md). The choices of ``optimizer`` and ``schedule`` are the
names of their registries (core.optimizers).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, make_dataclass, replace
from typing import Any

from core.optimizers import OPTIMIZERS as _OPTIMIZER_REGISTRY
from core.optimizers import SCHEDULES as _SCHEDULE_REGISTRY
from core.optimizers import (optimizer_entry, optimizer_names, optimizer_settings, schedule_entry,
                             schedule_settings)
from core.params import ParamError, ParamSpec, spec_named

OPTIMIZERS = optimizer_names()
SCHEDULES = _SCHEDULE_REGISTRY.names()
REDUCTIONS = ("mean", "sum")
SCALINGS = ("none", "standard", "minmax")
DATASET_SOURCES = ("builtin", "inline", "csv", "idx")
SEED_MAX = 2**32 - 1  # numpy and torch take any 32-bit unsigned seed
RATE_PRESETS = ("0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3")


class SettingsError(ValueError):
    """A setting has the wrong type or an out-of-range value. ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


def _p(name: str, kind: str, default: Any, label: str, help: str = "", low: float | None = None,
       high: float | None = None, **hints: Any) -> ParamSpec:
    return ParamSpec(name, kind, default, label, help, low, high, **hints)


TRAINING_PARAMS: tuple[ParamSpec, ...] = (
    _p("optimizer", "choice", "adam", "Optimizer", "How each step turns gradients into weight changes.",
       choices=OPTIMIZERS, choice_titles=tuple(e.title for e in _OPTIMIZER_REGISTRY)),
    _p("learning_rate", "float", 0.01, "Learning rate", "Step size of each update. Too high: the "
       "loss explodes; too low: nothing seems to happen.", 0.0, 1e9, open_minimum=True,
       presets=RATE_PRESETS),
    _p("momentum", "float", 0.0, "Momentum", "SGD and RMSprop: keep part of the previous step "
       "(0 = none).", 0.0, 1.0, step=0.05, decimals=3),
    _p("nesterov", "bool", False, "Nesterov", "SGD: look ahead along the momentum before "
       "computing the gradient."),
    _p("weight_decay", "float", 0.01, "Weight decay", "AdamW: each step also shrinks every "
       "parameter by η·λ·w, apart from the gradient (decoupled weight decay, λ = this value).",
       0.0, 1.0, step=0.001, decimals=4),
    _p("schedule", "choice", "none", "Schedule", "Lower the learning rate as training goes on.",
       choices=SCHEDULES, choice_titles=tuple(e.title for e in _SCHEDULE_REGISTRY)),
    _p("decay_rate", "float", 0.5, "Decay rate", "Multiplier applied per decay (step) or per "
       "epoch (exponential).", 0.001, 1.0, step=0.05, decimals=3),
    _p("decay_steps", "int", 10, "Decay every", "Step decay: epochs between two decays.",
       1, 1_000_000, suffix=" epochs"),
    _p("loss_reduction", "choice", "mean", "Loss reduction", "Average (mean) or add up (sum) the "
       "per-sample losses.", choices=REDUCTIONS),
    _p("batch_size", "int", 32, "Batch size", "Samples per update (0 = the whole training set: "
       "full-batch gradient descent).", 0, 10_000_000, special="full batch"),
    _p("epochs", "int", 100, "Epochs", "Passes over the training set in one run.", 1, 1_000_000),
    _p("shuffle", "bool", True, "Shuffle every epoch", "Visit the samples in a new random order "
       "each epoch."),
    _p("l1", "float", 0.0, "L1 penalty", "Penalty on the sum of |weights|: pushes weights to "
       "exactly zero.", 0.0, 1e6, step=0.0001, decimals=5),
    _p("l2", "float", 0.0, "L2 penalty", "Penalty on the sum of weights², added to the loss: "
       "keeps weights small.", 0.0, 1e6, step=0.0001, decimals=5),
    _p("early_stopping_patience", "int", 0, "Early stopping", "Stop when the validation loss has "
       "not improved for this many epochs (off = never).", 0, 1_000_000, special="off",
       suffix=" epochs"),
    _p("seed", "int", 0, "Seed", "Same seed, same initial weights and batch order: runs are "
       "repeatable.", 0, SEED_MAX),
)


def training_param(name: str) -> ParamSpec:
    return spec_named(TRAINING_PARAMS, name)


def _validate(record: Any, specs: tuple[ParamSpec, ...]) -> None:
    """Strict check of every field against its spec; the first problem raises SettingsError."""
    for spec in specs:
        try:
            spec.check(getattr(record, spec.name))
        except ParamError as exc:
            raise SettingsError(spec.name, str(exc)) from None


class _TrainingMethods:
    """How to train. ``batch_size`` 0 means the full dataset (full-batch gradient descent)."""

    def __post_init__(self) -> None:
        _validate(self, TRAINING_PARAMS)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainingSettings":
        return _from_dict(cls, data)

    def with_changes(self, **changes: Any) -> "TrainingSettings":
        return replace(self, **changes)


_TYPES = {"int": int, "float": float, "bool": bool, "choice": str}
TrainingSettings = make_dataclass(
    "TrainingSettings", [(p.name, _TYPES[p.kind], field(default=p.default)) for p in TRAINING_PARAMS],
    bases=(_TrainingMethods,), frozen=True)
TrainingSettings.__module__ = __name__
TrainingSettings.__doc__ = ("How to train: one field per spec of TRAINING_PARAMS (same name, "
                            "default and range). ``batch_size`` 0 means the full dataset.")


def shown_settings(settings: Any) -> frozenset[str]:
    """The settings this record's optimizer and schedule read, plus every setting no optimizer
    or schedule owns: the rows the settings form shows (the others keep their values, hidden)."""
    owned = set(optimizer_settings()) | set(schedule_settings())
    own = set(optimizer_entry(settings.optimizer).uses) | set(schedule_entry(settings.schedule).uses)
    return frozenset(p.name for p in TRAINING_PARAMS if p.name not in owned or p.name in own)


def used_settings(settings: Any) -> frozenset[str]:
    """The shown settings that take effect: Nesterov only moves anything with momentum."""
    shown = shown_settings(settings)
    return shown - {"nesterov"} if settings.momentum <= 0 else shown


DATASET_PARAMS: tuple[ParamSpec, ...] = (
    _p("source", "choice", "builtin", "Source", choices=DATASET_SOURCES),
    _p("validation_split", "float", 0.0, "Validation split", "Share of the rows kept aside to "
       "measure generalisation.", 0.0, 0.9),
    _p("scaling", "choice", "none", "Scaling", "Rescale each input feature.", choices=SCALINGS),
    _p("seed", "int", 0, "Seed", "Same seed, same split.", 0, SEED_MAX),
)


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
        _validate(self, DATASET_PARAMS)
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
