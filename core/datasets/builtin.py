"""Built-in datasets: logic gates, 2-D toy generators, small regressions and scikit-learn's bundled sets.

Each entry is described by a `BuiltinInfo` whose `ParamSpec`s the GUI turns into widgets. Every
generator is deterministic for a given seed, and nothing touches the network: the real-world sets
are the copies shipped inside the scikit-learn package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from core.datasets.base import DatasetError, RawData, check_no_unknown
from core.layers.base import ParamError, ParamSpec


@dataclass(frozen=True)
class BuiltinInfo:
    """One built-in dataset as the GUI lists it; ``params`` are the widgets to show (none for fixed data)."""

    name: str
    title: str
    description: str
    task: str
    params: tuple[ParamSpec, ...]


def _samples(default: int = 200) -> ParamSpec:
    return ParamSpec("samples", "int", default, "Samples", "How many points to generate.", 4, 100_000)


def _noise(default: float, maximum: float = 5.0) -> ParamSpec:
    return ParamSpec("noise", "float", default, "Noise", "Standard deviation of the random jitter.",
                     0.0, maximum)


def _classes(default: int, maximum: int) -> ParamSpec:
    return ParamSpec("classes", "int", default, "Classes", "How many groups of points.", 2, maximum)


SEED = ParamSpec("seed", "int", 0, "Seed", "Same seed, same data. Defaults to the dataset seed.",
                 0, 2**32 - 1)

_GATES = {"xor": (0, 1, 1, 0), "and": (0, 0, 0, 1), "or": (0, 1, 1, 1), "nand": (1, 1, 1, 0)}


def _gate(name: str) -> Callable[[dict[str, Any]], RawData]:
    """The four rows of a two-input truth table; XOR is the classic not-linearly-separable case."""
    def make(p: dict[str, Any]) -> RawData:
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
        y = np.array(_GATES[name], dtype=np.int64)
        return RawData(name, x, y, "classification", ("0", "1"), ("a", "b"))
    return make


def _linear(p: dict[str, Any]) -> RawData:
    """Points near a line, for the one-neuron regression lesson. x is uniform in [-1, 1]."""
    rng = np.random.default_rng(p["seed"])
    x = rng.uniform(-1.0, 1.0, size=(p["samples"], 1))
    y = p["slope"] * x + p["intercept"] + p["noise"] * rng.standard_normal(x.shape)
    return RawData("linear", x.astype(np.float32), y.astype(np.float32), "regression",
                   feature_names=("x",), target_names=("y",))


def _sum(p: dict[str, Any]) -> RawData:
    """The 'calculator': can a network learn to add two whole numbers?"""
    rng = np.random.default_rng(p["seed"])
    x = rng.integers(0, p["max_value"], size=(p["samples"], 2), endpoint=True)
    y = x.sum(axis=1, keepdims=True)
    return RawData("sum", x.astype(np.float32), y.astype(np.float32), "regression",
                   feature_names=("a", "b"), target_names=("a + b",))


def _two_d(name: str, x: np.ndarray, y: np.ndarray, classes: int) -> RawData:
    names = tuple(str(i) for i in range(classes))
    return RawData(name, x.astype(np.float32), y.astype(np.int64), "classification", names,
                   ("x1", "x2"))


def _circles(p: dict[str, Any]) -> RawData:
    from sklearn.datasets import make_circles
    x, y = make_circles(p["samples"], noise=p["noise"], factor=0.5, random_state=p["seed"])
    return _two_d("circles", x, y, 2)


def _moons(p: dict[str, Any]) -> RawData:
    from sklearn.datasets import make_moons
    x, y = make_moons(p["samples"], noise=p["noise"], random_state=p["seed"])
    return _two_d("moons", x, y, 2)


def _blobs(p: dict[str, Any]) -> RawData:
    """Gaussian clusters whose centres sit evenly on a circle, so no two classes start on top of
    each other whatever the seed; noise is the clusters' standard deviation."""
    from sklearn.datasets import make_blobs
    angles = 2 * np.pi * np.arange(p["classes"]) / p["classes"]
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    x, y = make_blobs(p["samples"], centers=centres, cluster_std=p["noise"], random_state=p["seed"])
    return _two_d("blobs", x, y, p["classes"])


def _spiral(p: dict[str, Any]) -> RawData:
    """Interleaved spiral arms as in TensorFlow Playground, radius normalised to 1.

    Each arm turns 1.75 times; arm k is rotated by 2*pi*k/classes. Samples are spread over the
    arms as evenly as possible (the first arms get the remainder).
    """
    rng = np.random.default_rng(p["seed"])
    classes, total = p["classes"], p["samples"]
    counts = [total // classes + (k < total % classes) for k in range(classes)]
    xs, ys = [], []
    for k, n in enumerate(counts):
        r = np.arange(n) / max(n, 1)
        t = 1.75 * 2 * np.pi * r + 2 * np.pi * k / classes
        arm = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        xs.append(arm + p["noise"] * rng.standard_normal(arm.shape))
        ys.append(np.full(n, k))
    return _two_d("spiral", np.concatenate(xs), np.concatenate(ys), classes)


def _digits(images: bool) -> Callable[[dict[str, Any]], RawData]:
    """scikit-learn's 1,797 handwritten 8x8 digits, pixel values 0..16 rescaled to 0..1."""
    def make(p: dict[str, Any]) -> RawData:
        from sklearn.datasets import load_digits
        bunch = load_digits()
        x = (bunch.data / 16.0).astype(np.float32)
        names: tuple[str, ...] = tuple(bunch.feature_names)
        if images:
            x, names = x.reshape(-1, 1, 8, 8), ()
        return RawData("digits_images" if images else "digits", x, bunch.target.astype(np.int64),
                       "classification", tuple(str(c) for c in bunch.target_names), names)
    return make


def _iris(p: dict[str, Any]) -> RawData:
    from sklearn.datasets import load_iris
    bunch = load_iris()
    return RawData("iris", bunch.data.astype(np.float32), bunch.target.astype(np.int64),
                   "classification", tuple(str(c) for c in bunch.target_names),
                   tuple(bunch.feature_names))


def _diabetes(p: dict[str, Any]) -> RawData:
    """442 patients, 10 already-standardised measurements -> disease progression after one year."""
    from sklearn.datasets import load_diabetes
    bunch = load_diabetes()
    return RawData("diabetes", bunch.data.astype(np.float32),
                   bunch.target.astype(np.float32).reshape(-1, 1), "regression",
                   feature_names=tuple(bunch.feature_names), target_names=("progression",))


_TWO_D = "Two-dimensional points in {} classes; try to draw the boundary."

BUILTIN: dict[str, BuiltinInfo] = {info.name: info for info in (
    BuiltinInfo("xor", "XOR gate", "Output 1 when exactly one input is 1. Not linearly separable: "
                "a single neuron cannot learn it.", "classification", ()),
    BuiltinInfo("and", "AND gate", "Output 1 only when both inputs are 1.", "classification", ()),
    BuiltinInfo("or", "OR gate", "Output 1 when at least one input is 1.", "classification", ()),
    BuiltinInfo("nand", "NAND gate", "Output 0 only when both inputs are 1.", "classification", ()),
    BuiltinInfo("circles", "Circles", "A ring around a disc. " + _TWO_D.format(2), "classification",
                (_samples(), _noise(0.1, 1.0), SEED)),
    BuiltinInfo("moons", "Moons", "Two interleaving half moons. " + _TWO_D.format(2),
                "classification", (_samples(), _noise(0.1, 1.0), SEED)),
    BuiltinInfo("spiral", "Spiral", "Interleaved spiral arms. " + _TWO_D.format("2 to 6"),
                "classification", (_samples(), _noise(0.05, 1.0), _classes(2, 6), SEED)),
    BuiltinInfo("blobs", "Gaussian clusters", "Round clouds of points. " + _TWO_D.format("2 to 10"),
                "classification", (_samples(), _noise(0.5), _classes(3, 10), SEED)),
    BuiltinInfo("linear", "Line", "Noisy points along y = slope * x + intercept.", "regression", (
        _samples(50),
        ParamSpec("slope", "float", 2.0, "Slope", "", -1000.0, 1000.0),
        ParamSpec("intercept", "float", 1.0, "Intercept", "", -1000.0, 1000.0),
        _noise(0.1, 100.0), SEED)),
    BuiltinInfo("sum", "Calculator (a + b)", "Two whole numbers in, their sum out.", "regression", (
        _samples(),
        ParamSpec("max_value", "int", 10, "Largest number", "Inputs range from 0 to this.", 1, 1_000_000),
        SEED)),
    BuiltinInfo("iris", "Iris flowers", "150 flowers, 4 measurements, 3 species.",
                "classification", ()),
    BuiltinInfo("digits", "Digits (vectors)", "1,797 handwritten 8x8 digits as 64 numbers in 0..1.",
                "classification", ()),
    BuiltinInfo("digits_images", "Digits (images)", "The same digits as 1x8x8 images, for "
                "convolution layers.", "classification", ()),
    BuiltinInfo("diabetes", "Diabetes", "442 patients, 10 measurements, predict disease "
                "progression (a number).", "regression", ()),
)}

_MAKERS: dict[str, Callable[[dict[str, Any]], RawData]] = {
    **{gate: _gate(gate) for gate in _GATES}, "linear": _linear, "sum": _sum, "circles": _circles,
    "moons": _moons, "spiral": _spiral, "blobs": _blobs, "digits": _digits(False),
    "digits_images": _digits(True), "iris": _iris, "diabetes": _diabetes,
}


def normalize_params(name: str, params: dict[str, Any], default_seed: int = 0) -> dict[str, Any]:
    """Defaults filled in and values coerced. 'seed' is accepted by every dataset and falls back to
    ``default_seed`` (the DatasetSpec seed) so one seed can drive both generation and split."""
    info = _info(name)
    specs = info.params if any(p.name == "seed" for p in info.params) else info.params + (SEED,)
    check_no_unknown(params, {p.name for p in specs}, f"Dataset '{name}'")
    values = {p.name: p.default for p in specs} | {"seed": default_seed} | dict(params)
    try:
        return {p.name: p.coerce(values[p.name]) for p in specs}
    except ParamError as exc:
        raise DatasetError(f"Dataset '{name}': {exc}") from None


def load_builtin(name: str, params: dict[str, Any], default_seed: int = 0) -> RawData:
    """Generate or load a built-in dataset, unencoded."""
    values = normalize_params(name, params, default_seed)
    return _MAKERS[name](values)


def builtin_raw(name: str, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Unencoded (x, y) for previews: y is int64 class indices (N,) or float32 targets (N, T)."""
    raw = load_builtin(name, params)
    return raw.x, raw.y


def _info(name: str) -> BuiltinInfo:
    try:
        return BUILTIN[name]
    except KeyError:
        raise DatasetError(f"There is no built-in dataset named '{name}'; "
                           f"choose one of {', '.join(BUILTIN)}.") from None
