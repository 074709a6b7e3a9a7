"""'Check my answer': the quantities a student can compute by hand, and hints when a guess is off.

Qt-free. A hint comes from recognising the usual slips: the user's number equals the right one
minus the bias, minus one term w·x, with one sign flipped, before the activation, without η, ...
Each check compares against the traced value with a relative and an absolute tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from core.activations import activation
from core.losses import loss_entry
from core.inspection.formulas import (LossFacts, NeuronFacts, derivative, fmt, sub, term_count,
                                      update_kind)

DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-4


@dataclass(frozen=True)
class Quantity:
    key: str  # z, a, grad_a, delta, grad_w<i>, grad_b, new_w<i>, new_b, loss
    label: str
    value: float


@dataclass(frozen=True)
class Verdict:
    correct: bool
    right: float
    message: str


def parse_number(text: str) -> float | None:
    """Accept what people type: '−0.5', '-0,5', ' 3.75 '. None when it is not a number."""
    cleaned = text.strip().replace("−", "-").replace("\u2212", "-").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def matches(user: float, right: float, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> bool:
    return abs(user - right) <= max(atol, rtol * abs(right))


# ----- which quantities each stage offers ------------------------------------------------------
def neuron_quantities(f: NeuronFacts, phase: str) -> list[Quantity]:
    """The numbers of one neuron a student can work out at this stage (sample 1 for a batch)."""
    first = " (sample 1)" if f.batch > 1 else ""
    count = min(len(f.w), 8)
    if phase == "forward":
        return [Quantity("z", f"z{first}", float(f.z[0])), Quantity("a", f"a{first}", float(f.a[0]))]
    if phase == "backward" and f.delta is not None:
        items = [Quantity("grad_a", f"∂L/∂a{first}", float(f.grad_a[0])),
                 Quantity("delta", f"δ = ∂L/∂z{first}", float(f.delta[0]))]
        items += [Quantity(f"grad_w{i}", f"∂L/∂w{sub(i)}", float(f.grad_w[i])) for i in range(count)]
        if f.grad_b is not None:
            items.append(Quantity("grad_b", "∂L/∂b", float(f.grad_b)))
        return items
    if phase == "update" and f.w_after is not None:
        items = [Quantity(f"new_w{i}", f"new w{sub(i)}", float(f.w_after[i])) for i in range(count)]
        if f.b_after is not None:
            items.append(Quantity("new_b", "new b", float(f.b_after)))
        return items
    return []


def loss_quantities(f: LossFacts) -> list[Quantity]:
    return [Quantity("loss", "loss L", float(f.value))]


# ----- checking --------------------------------------------------------------------------------
def check(quantity: Quantity, user: float, facts: NeuronFacts | LossFacts | None,
          rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> Verdict:
    """Right or wrong; when wrong, the traced value and the likeliest slip."""
    right = quantity.value
    if matches(user, right, rtol, atol):
        return Verdict(True, right, f"✓ Correct: {quantity.label} = {fmt(right)}.")
    hint = _hint(quantity, user, facts, rtol, atol)
    message = f"✗ Not quite: {quantity.label} = {fmt(right)} (you wrote {fmt(user)})."
    return Verdict(False, right, f"{message} {hint}".strip())


def _hint(quantity: Quantity, user: float, facts, rtol: float, atol: float) -> str:
    key = quantity.key
    if isinstance(facts, LossFacts):
        candidates = _loss_candidates(facts)
    elif facts is None:
        candidates = []
    elif key.startswith("grad_w"):
        candidates = _grad_w_candidates(facts, int(key[6:]))
    elif key.startswith("new_w"):
        i = int(key[5:])
        candidates = _update_candidates(facts, facts.w[i], facts.grad_w[i], facts.w_after[i])
    else:
        candidates = _CANDIDATES.get(key, lambda f: [])(facts)
    for value, hint in candidates:
        if value is not None and matches(user, value, rtol, atol):
            return hint
    if quantity.value != 0 and matches(-user, quantity.value, rtol, atol):
        return "Check the signs."
    return _fallback(key, facts)


def _z_candidates(f: NeuronFacts) -> list[tuple[float, str]]:
    x, z = f.x[0], float(f.z[0])
    items: list[tuple[float, str]] = []
    if f.b is not None and f.b != 0:
        items.append((z - f.b, f"You may have missed the bias b = {fmt(f.b)}."))
    for i, (wi, xi) in enumerate(zip(f.w, x)):
        term = float(wi * xi)
        if term != 0:
            items.append((z - term, f"Check the term w{sub(i)}·x{sub(i)} = {fmt(wi)}×{fmt(xi)} = "
                                    f"{fmt(term)}: it seems to be missing."))
            items.append((z - 2 * term, f"Check the sign of w{sub(i)}·x{sub(i)} = {fmt(term)}."))
    items.append((float(f.a[0]), "That is a, after the activation: z is the sum before it."))
    return items


def _a_candidates(f: NeuronFacts) -> list[tuple[float, str]]:
    z = float(f.z[0])
    return [(z, "That is z: now apply the activation to it.")] + activation(f.activation).slips(z)


def _delta_candidates(f: NeuronFacts) -> list[tuple[float, str]]:
    if activation(f.activation).derivative is None:  # softmax couples the units
        return [(float(f.grad_a[0]), "Softmax mixes the units: δ = a·(∂L/∂a − Σₖ aₖ·∂L/∂aₖ).")]
    _, slope = derivative(f.activation, float(f.z[0]), float(f.a[0]), f.alpha)
    return [(float(f.grad_a[0]), f"That is ∂L/∂a: multiply it by the activation's derivative "
                                 f"{fmt(slope)}."),
            (slope, f"That is the activation's derivative: multiply it by ∂L/∂a = "
                    f"{fmt(f.grad_a[0])}.")]


def _grad_w_candidates(f: NeuronFacts, i: int) -> list[tuple[float, str]]:
    items = [(float(f.delta[0]), f"That is δ: multiply it by the input x{sub(i)} = "
                                 f"{fmt(f.x[0, i])}.")]
    if f.batch > 1:
        first = float(f.delta[0] * f.x[0, i])
        items.append((first, f"That is sample 1's term only: add δₙ·x{sub(i)}ₙ over all "
                             f"{f.batch} samples."))
        items.append((float(f.grad_w[i]) / f.batch, "Sum over the batch, do not average: δ "
                                                    "already includes the 1/N of the mean."))
    return items


def _grad_b_candidates(f: NeuronFacts) -> list[tuple[float, str]]:
    if f.batch > 1:
        return [(float(f.delta[0]), f"That is sample 1's δ: add δ over all {f.batch} samples.")]
    return []


def _new_b_candidates(f: NeuronFacts) -> list[tuple[float, str]]:
    if f.b is None or f.b_after is None:
        return []
    return _update_candidates(f, f.b, f.grad_b if f.grad_b is not None else 0.0, f.b_after)


def _update_candidates(f: NeuronFacts, before: float, grad: float,
                       after: float) -> list[tuple[float, str]]:
    lr = f.learning_rate or 0.0
    kind = update_kind(f.optimizer, f.momentum)
    if kind == "perceptron":
        return [(before - (after - before), "Check the sign: w ← w + η(y − ŷ)x.")]
    if kind == "adaptive":
        return [(before - lr * grad, "That is the plain SGD rule; this optimizer uses running "
                                     "averages, so its step differs (see the formula).")]
    return [(before + lr * grad, "Subtract the step: w ← w − η·∂L/∂w."),
            (-lr * grad, f"That is the change only: add it to the old value {fmt(before)}."),
            (before - grad, f"Multiply the gradient by the learning rate η = {fmt(lr)}.")]


def _loss_candidates(f: LossFacts) -> list[tuple[float, str]]:
    count = term_count(f)
    items = []
    if count > 1 and f.reduction == "mean":
        items.append((f.value * count, f"That is the sum: divide by the {count} terms (mean)."))
    return items + loss_entry(f.loss_name).slips(float(f.value))


_CANDIDATES: dict[str, Callable[[NeuronFacts], list[tuple[float, str]]]] = {
    "z": _z_candidates, "a": _a_candidates, "delta": _delta_candidates,
    "grad_b": _grad_b_candidates, "new_b": _new_b_candidates,
}


def _fallback(key: str, facts) -> str:
    if key == "z" and isinstance(facts, NeuronFacts):
        return "Partial sums: " + partial_sums(facts) + "."
    texts = {"a": "Apply the activation to z.",
             "grad_a": "∂L/∂a arrives from the layer after this one: see its backward stage.",
             "delta": "δ = ∂L/∂a × the activation's derivative at z.",
             "grad_b": "∂L/∂b is δ (summed over the batch).",
             "loss": "Compare your terms with the loss formula above."}
    if key.startswith("grad_w"):
        return "∂L/∂w = δ × x (summed over the batch)."
    if key.startswith("new_"):
        return "See the update rule above."
    return texts.get(key, "")


def partial_sums(f: NeuronFacts) -> str:
    """'w₁x₁ = 4.2, + w₂x₂ → 3.45, + w₃x₃ → 3.75, + b → 3.75' for sample 1."""
    total, parts = 0.0, []
    for i, (wi, xi) in enumerate(zip(f.w[:8], f.x[0][:8])):
        total += float(wi * xi)
        parts.append(f"w{sub(i)}x{sub(i)} = {fmt(total)}" if i == 0
                     else f"+ w{sub(i)}x{sub(i)} → {fmt(total)}")
    if len(f.w) > 8:
        parts.append("…")
    if f.b is not None:
        parts.append(f"+ b → {fmt(float(f.z[0]))}")
    return ", ".join(parts)
