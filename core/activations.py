"""Activation functions: one entry each, the only place that says what an activation is.

An `Activation` holds everything the program knows about one function, in the manner of
TensorFlow Playground's ``{output, der}`` objects: its name in files, the symbol formulas use, the
layer type that applies it alone (and that layer's palette text, icon glyph and parameters), the
torch module, the derivative as a function and as the text the inspector writes, and what kind of
values it produces (the validator's loss rules read that). The layer catalogue, the compiler, the validator,
the inspector and "Check my answer" all read these entries, so adding an activation is adding one
entry here (see docs/extending.md); an unknown name raises `UnknownActivation`.

Importing this module does not import torch: factories import it when called.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from core.notation import factor, fmt, sub
from core.params import ParamSpec
from core.registry import Registry, UnknownName

Line = Callable[[float, float, float, "np.ndarray | None", int], str]  # (z, a, α, z_row, unit)
Slope = Callable[[float, float, float], float]  # (z, a, α) -> da/dz
Slips = Callable[[float], list[tuple[float, str]]]  # z -> [(a usual wrong value of a, hint)]


class UnknownActivation(UnknownName):
    kind = "activation"


@dataclass(frozen=True)
class Activation:
    """One activation function. ``derivative`` is None only when it is not elementwise (softmax:
    its δ line is written with the whole row, see core.inspection.formulas.delta_line)."""

    name: str  # the value in files and in the Dense/Conv2d "activation" choice
    symbol: str  # how formulas write it: "σ", "tanh", "H"
    layer_type: str  # the layer that applies it alone ("Sigmoid")
    description: str  # that layer's palette tooltip
    factory: Callable[[float], Any]  # negative slope -> torch module (imports torch when called)
    line: Line  # "a = σ(3.75) = 0.97702"
    derivative: Slope | None
    derivative_text: Callable[[float, float, float], str]  # "σ'(z) = a(1 − a) = 0.977×(1 − 0.977)"
    derivative_symbol: str = "a'(z)"
    output: str = "real"  # probability (each in (0, 1)) | distribution (sums to 1) | binary | real
    has_gradient: bool = True  # False: flat everywhere, so gradient descent cannot train it
    learned: int = 0  # learned parameters the activation adds to its layer (PReLU's slope)
    kinks: tuple[float, ...] = ()  # where the derivative jumps (not differentiable there)
    slips: Slips = field(default=lambda z: [])  # wrong values of a worth a specific hint
    layer_params: tuple[ParamSpec, ...] = ()  # parameters of the standalone layer
    glyph: str = ""  # one character on the layer's palette icon ("": the Activations category's)


ACTIVATIONS: Registry[Activation] = Registry(UnknownActivation)


def activation(name: str) -> Activation:
    """The entry for ``name``; UnknownActivation (listing the known names) otherwise."""
    return ACTIVATIONS.get(name)


def activation_names() -> tuple[str, ...]:
    return ACTIVATIONS.names()


def for_layer_type(layer_type: str) -> Activation | None:
    """The activation a standalone activation layer applies (None for other layer types)."""
    for entry in ACTIVATIONS:
        if entry.layer_type == layer_type:
            return entry
    return None


# ----- helpers for the entries -------------------------------------------------------------------
def _applied(symbol: str) -> Line:
    return lambda z, a, alpha, row, unit: f"a = {symbol}({fmt(z)}) = {fmt(a)}"


def _torch(name: str, *args: Any) -> Callable[[float], Any]:
    """A factory for torch.nn.<name>(*args), importing torch only when a network is compiled."""
    def make(slope: float) -> Any:
        from torch import nn
        return getattr(nn, name)(*args)
    return make


def _module(name: str) -> Callable[[float], Any]:
    def make(slope: float) -> Any:
        from core.layers import modules
        return getattr(modules, name)()
    return make


def _sigmoid(z: float) -> float:
    return 0.5 * (1 + math.tanh(z / 2))  # = 1 / (1 + e^−z) without overflow for large |z|


def _leaky_line(label: str) -> Line:
    def line(z, a, alpha, row, unit):
        rule = fmt(z) if z > 0 else f"{fmt(alpha)}×{factor(z)}"
        return f"a = {label}({fmt(z)}) = {rule} = {fmt(a)}   (z if z > 0, else {fmt(alpha)}·z)"
    return line


def _softmax_line(z, a, alpha, row, unit) -> str:
    z_row = row if row is not None else np.array([z])
    exps = [f"e^{factor(v)}" for v in z_row]
    denominator = " + ".join(exps) if len(exps) <= 4 else f"Σₖ e^zₖ ({len(exps)} terms)"
    return (f"a{sub(unit)} = softmax(z){sub(unit)} = e^z{sub(unit)} / Σₖ e^zₖ = "
            f"{exps[unit]} / ({denominator}) = {fmt(a)}")


def _gelu_slope(z: float, a: float, alpha: float) -> float:
    phi = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    return phi + z * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def _silu_slope(z: float, a: float, alpha: float) -> float:
    s = _sigmoid(z)
    return s * (1 + z * (1 - s))


def _silu_derivative_text(z: float, a: float, alpha: float) -> str:
    s = fmt(_sigmoid(z))
    return f"SiLU'(z) = σ(z)·(1 + z·(1 − σ(z))) = {s}×(1 + {factor(z)}×(1 − {s}))"


def _silu_slips(z: float) -> list[tuple[float, str]]:
    return [(_sigmoid(z), "That is σ(z) alone: SiLU multiplies it by z, a = z·σ(z).")]


_SLOPE = ParamSpec("slope", "float", 0.01, "Negative slope", "Output for z < 0 is slope·z", 0.0, 1.0)

# ----- the entries (their order is the order of the choices and of the palette) -------------------
ACTIVATIONS.add(Activation(
    "linear", "identity", "Identity", "Passes values through unchanged: a(z) = z.",
    _torch("Identity"), lambda z, a, alpha, row, unit: f"a = z = {fmt(a)}   (linear: no activation)",
    lambda z, a, alpha: 1.0, lambda z, a, alpha: "a'(z) (linear)"))
ACTIVATIONS.add(Activation(
    "step", "H", "Step", "Heaviside step: 1 if z ≥ 0, else 0 (the perceptron's activation).",
    _module("Step"),
    lambda z, a, alpha, row, unit: f"a = H({fmt(z)}) = {fmt(a)}   (step: H(z) = 1 if z ≥ 0, else 0)",
    lambda z, a, alpha: 0.0,
    lambda z, a, alpha: "H'(z) (a step is flat: no gradient flows through it)",
    "H'(z)", output="binary", has_gradient=False, kinks=(0.0,), glyph="⌐"))
ACTIVATIONS.add(Activation(
    "sigmoid", "σ", "Sigmoid", "Squashes to (0, 1): σ(z) = 1 / (1 + e^−z).",
    _torch("Sigmoid"), _applied("σ"), lambda z, a, alpha: a * (1 - a),
    lambda z, a, alpha: f"σ'(z) = a(1 − a) = {fmt(a)}×(1 − {fmt(a)})", "σ'(z)",
    output="probability", glyph="σ",
    slips=lambda z: [(1 / (1 + math.exp(min(z, 700.0))), "Check the sign in σ(z) = 1 / (1 + e^−z).")]))
ACTIVATIONS.add(Activation(
    "tanh", "tanh", "Tanh", "Squashes to (−1, 1): tanh(z).",
    _torch("Tanh"), _applied("tanh"), lambda z, a, alpha: 1 - a * a,
    lambda z, a, alpha: f"tanh'(z) = 1 − a² = 1 − {factor(a)}²", "tanh'(z)", glyph="τ"))
ACTIVATIONS.add(Activation(
    "relu", "ReLU", "ReLU", "Keeps positives, zeroes negatives: max(0, z).",
    _torch("ReLU"), lambda z, a, alpha, row, unit: f"a = ReLU(z) = max(0, {fmt(z)}) = {fmt(a)}",
    lambda z, a, alpha: 1.0 if z > 0 else 0.0, lambda z, a, alpha: "ReLU'(z) = (1 if z > 0 else 0)",
    "ReLU'(z)", kinks=(0.0,), glyph="⌟"))
ACTIVATIONS.add(Activation(
    "leaky_relu", "LeakyReLU", "LeakyReLU", "Like ReLU but lets a small slope through for negatives.",
    lambda slope: _torch("LeakyReLU", slope)(slope), _leaky_line("LeakyReLU"),
    lambda z, a, alpha: 1.0 if z > 0 else alpha,
    lambda z, a, alpha: f"a'(z) = (1 if z > 0 else {fmt(alpha)})", kinks=(0.0,),
    layer_params=(_SLOPE,)))
ACTIVATIONS.add(Activation(
    "prelu", "PReLU", "PReLU", "Like LeakyReLU with a learned negative slope.",
    _torch("PReLU"), _leaky_line("PReLU"), lambda z, a, alpha: 1.0 if z > 0 else alpha,
    lambda z, a, alpha: f"a'(z) = (1 if z > 0 else {fmt(alpha)})", learned=1, kinks=(0.0,)))
ACTIVATIONS.add(Activation(
    "gelu", "GELU", "GELU", "Smooth ReLU used in transformers: z·Φ(z).",
    _torch("GELU"),
    lambda z, a, alpha, row, unit: f"a = GELU(z) = z·Φ(z) = {factor(z)}×Φ({fmt(z)}) = {fmt(a)}",
    _gelu_slope, lambda z, a, alpha: "GELU'(z) = Φ(z) + z·φ(z)", "GELU'(z)"))
ACTIVATIONS.add(Activation(
    "silu", "SiLU", "SiLU", "Sigmoid-weighted linear unit (swish): z·σ(z), smooth and non-monotonic.",
    _torch("SiLU"),
    lambda z, a, alpha, row, unit:
        f"a = SiLU(z) = z·σ(z) = {factor(z)}×{fmt(_sigmoid(z))} = {fmt(a)}",
    _silu_slope, _silu_derivative_text, "SiLU'(z)", slips=_silu_slips))
ACTIVATIONS.add(Activation(
    "softmax", "softmax", "Softmax", "Turns scores into probabilities that sum to 1.",
    _module("Softmax"), _softmax_line, None,
    lambda z, a, alpha: "softmax couples the units: δ = a·(∂L/∂a − Σₖ aₖ·∂L/∂aₖ)",
    "softmax'(z)", output="distribution", glyph="%"))
