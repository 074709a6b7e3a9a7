"""Textbook formulas for one neuron, written out with the real numbers of a traced step.

Pure functions on numpy arrays (no Qt, no torch) so that every line a student reads can be
unit-tested: ``z = 0.6×7 + 0.25×(−3) + 0.15×2 = 3.75``, ``a = σ(3.75) = 0.97702``,
``δ = ∂L/∂a × σ'(z) = …``, ``w₁ ← w₁ − η·∂L/∂w₁ = …``. The numbers on the right of each ``=`` are
the traced values (autograd's), never recomputed here, so the text and the tables always agree.

What is particular to one activation, loss or optimizer (its line, derivative, loss rule, update
explanation) is written by its registry entry (core.activations, core.losses, core.optimizers);
this module arranges those lines. For a batch, the forward and δ lines use the first sample;
parameter gradients are sums over the batch of per-sample terms (δ already carries the 1/N of a
mean loss), and the text says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.activations import activation
from core.i18n import _, ngettext
from core.losses import loss_entry
from core.notation import factor, fmt, sub  # noqa: F401  (re-exported for the panel)
from core.optimizers import optimizer_entry

MAX_TERMS = 8  # longer sums are abbreviated: "w₁x₁ + w₂x₂ + … + w₆₄x₆₄ (64 terms)"


def _join_terms(terms: list[str]) -> str:
    if len(terms) <= MAX_TERMS:
        return " + ".join(terms)
    count = ngettext("{count} term", "{count} terms", len(terms)).format(count=len(terms))
    return " + ".join(terms[:3]) + " + … + " + terms[-1] + f" ({count})"


@dataclass(frozen=True)
class NeuronFacts:
    """Everything the trace recorded about one Dense unit; arrays over the batch are (N,)."""

    unit: int
    activation: str
    x: np.ndarray  # (N, F) the layer's inputs
    w: np.ndarray  # (F,) the weights into this unit, before the update
    b: float | None
    z: np.ndarray  # (N,)
    a: np.ndarray  # (N,)
    z_row: np.ndarray  # (K,) every unit's z for sample 1 (softmax needs them all)
    a_row: np.ndarray
    alpha: float = 0.01  # negative slope of LeakyReLU / PReLU
    grad_a: np.ndarray | None = None  # (N,) ∂L/∂a
    grad_a_row: np.ndarray | None = None  # (K,) sample 1
    delta: np.ndarray | None = None  # (N,) ∂L/∂z
    grad_w: np.ndarray | None = None  # (F,) ∂L/∂w, summed over the batch
    grad_b: float | None = None
    optimizer: str = "sgd"
    momentum: float = 0.0
    learning_rate: float | None = None
    w_after: np.ndarray | None = None
    b_after: float | None = None
    target: np.ndarray | None = None  # (N,) y for this unit (perceptron rule)
    l1: float = 0.0
    l2: float = 0.0

    @property
    def batch(self) -> int:
        return int(self.x.shape[0])


# ----- forward ---------------------------------------------------------------------------------
def z_expression(x: np.ndarray, w: np.ndarray, b: float | None) -> str:
    """'0.6×7 + 0.25×(−3) + 0.15×2 + 0': one term per input, then the bias when there is one."""
    terms = [f"{factor(wi)}×{factor(xi)}" for wi, xi in zip(w, x)]
    if b is not None:
        terms.append(factor(b))
    return _join_terms(terms)


def activation_line(name: str, z: float, a: float, alpha: float = 0.01,
                    z_row: np.ndarray | None = None, unit: int = 0) -> str:
    """'a = σ(3.75) = 0.97702', written by the activation's registry entry."""
    return activation(name).line(float(z), float(a), alpha, z_row, unit)


def forward_lines(f: NeuronFacts) -> list[str]:
    """z written out term by term with the first sample's inputs, then the activation."""
    lines = []
    if f.batch > 1:
        lines.append(_("Sample 1 of the batch of {count}:").format(count=f.batch))
    expression = z_expression(f.x[0], f.w, f.b)
    lines.append(f"z = {expression} = {fmt(f.z[0])}")
    lines.append(activation_line(f.activation, f.z[0], f.a[0], f.alpha, f.z_row, f.unit))
    return lines


# ----- backward --------------------------------------------------------------------------------
def derivative(name: str, z: float, a: float, alpha: float = 0.01) -> tuple[str, float]:
    """The activation's derivative as a formula with numbers, and its value (not for softmax,
    whose δ couples the units: ValueError). An unknown name raises UnknownActivation."""
    entry = activation(name)
    if entry.derivative is None:
        raise ValueError(f"{name} is not elementwise: its δ is written with the whole row")
    z, a = float(z), float(a)
    return entry.derivative_text(z, a, alpha), entry.derivative(z, a, alpha)


def derivative_symbol(name: str) -> str:
    return activation(name).derivative_symbol


def delta_line(f: NeuronFacts) -> str:
    """δ = ∂L/∂z for sample 1, by the chain rule through the activation."""
    g, delta = f.grad_a[0], f.delta[0]
    if activation(f.activation).derivative is None:  # softmax: the units are coupled
        return (f"δ = ∂L/∂z{sub(f.unit)} = a{sub(f.unit)}·(∂L/∂a{sub(f.unit)} − Σₖ aₖ·∂L/∂aₖ) = "
                f"{factor(f.a[0])}×({fmt(g)} − {factor(float(f.a_row @ f.grad_a_row))}) = "
                f"{fmt(delta)}")
    text, value = derivative(f.activation, f.z[0], f.a[0], f.alpha)
    return (f"{text} = {fmt(value)}\n"
            f"δ = ∂L/∂z = ∂L/∂a × {derivative_symbol(f.activation)} = {factor(g)}×{factor(value)}"
            f" = {fmt(delta)}")


def weight_gradient_line(f: NeuronFacts, i: int) -> str:
    """∂L/∂wᵢ = δ × xᵢ (one sample) or Σₙ δₙ·xᵢₙ (a batch), plus any weight penalty."""
    name = f"∂L/∂w{sub(i)}"
    if f.batch == 1:
        text = f"{name} = δ × x{sub(i)} = {factor(f.delta[0])}×{factor(f.x[0, i])}"
    else:
        terms = [f"{factor(d)}×{factor(xn)}" for d, xn in zip(f.delta, f.x[:, i])]
        shown = _join_terms(terms) if f.batch <= 4 else \
            _("sum of {count} terms").format(count=f.batch)
        text = f"{name} = Σₙ δₙ·x{sub(i)}ₙ = {shown}"
    return text + _penalty_text(f, i) + f" = {fmt(f.grad_w[i])}"


def _penalty_text(f: NeuronFacts, i: int) -> str:
    parts = []
    if f.l2:
        parts.append(f" + 2·{fmt(f.l2)}×{factor(f.w[i])}")
    if f.l1:
        parts.append(f" + {fmt(f.l1)}×sign({fmt(f.w[i])})")
    return "".join(parts)


def bias_gradient_line(f: NeuronFacts) -> str:
    if f.batch == 1:
        return f"∂L/∂b = δ = {fmt(f.grad_b)}"
    return f"∂L/∂b = Σₙ δₙ = {fmt(f.grad_b)}"


def backward_lines(f: NeuronFacts) -> list[str]:
    lines = []
    if f.batch > 1:
        lines.append(_("∂L/∂a and δ for sample 1; parameter gradients are sums over the {count} "
                       "samples (δ already includes the 1/N of a mean loss).").format(count=f.batch))
    lines += [f"∂L/∂a = {fmt(f.grad_a[0])}   " + _("(arrives from the next layer)"), delta_line(f)]
    lines += [weight_gradient_line(f, i) for i in range(min(len(f.w), MAX_TERMS))]
    if len(f.w) > MAX_TERMS:
        more = len(f.w) - MAX_TERMS
        lines.append(ngettext("… and {count} more weight (see the ∂L/∂W table)",
                              "… and {count} more weights (see the ∂L/∂W table)", more
                              ).format(count=more))
    if f.b is not None and f.grad_b is not None:
        lines.append(bias_gradient_line(f))
    return lines


# ----- update ----------------------------------------------------------------------------------
def update_kind(optimizer: str, momentum: float) -> str:
    """'sgd' (plain gradient descent), 'perceptron', or 'adaptive' (see `update_explanation`)."""
    return optimizer_entry(optimizer).update_rule(momentum)[0]


def update_explanation(optimizer: str, momentum: float) -> str:
    """Why an adaptive rule's step is not w ← w − η·∂L/∂w (empty for the plain rules)."""
    return optimizer_entry(optimizer).update_rule(momentum)[1]


def sgd_line(name: str, before: float, lr: float, grad: float, after: float, gname: str) -> str:
    return (f"{name} ← {name} − η·{gname} = {fmt(before)} − {fmt(lr)}×{factor(grad)} = "
            f"{fmt(after)}")


def perceptron_line(name: str, before: float, lr: float, f: NeuronFacts, x: np.ndarray | None,
                    after: float) -> str:
    """w ← w + η(y − ŷ)x, with the numbers of a single sample or summed over the batch."""
    input_text = f"x{name[1:]}" if x is not None else ""
    rule = f"{name} ← {name} + η(y − ŷ){input_text}"
    if f.batch == 1:
        error = f"({fmt(f.target[0])} − {fmt(f.a[0])})"
        times = f"×{factor(x[0])}" if x is not None else ""
        return f"{rule} = {fmt(before)} + {fmt(lr)}×{error}{times} = {fmt(after)}"
    return _("{rule}, summed over the {count} samples: {before} → {after}").format(
        rule=rule, count=f.batch, before=fmt(before), after=fmt(after))


def update_lines(f: NeuronFacts) -> list[str]:
    kind = update_kind(f.optimizer, f.momentum)
    lr = f.learning_rate or 0.0
    count = min(len(f.w), MAX_TERMS)
    lines = [_("Learning rate η = {value}").format(value=fmt(lr))]
    for i in range(count):
        name = f"w{sub(i)}"
        if kind == "sgd":
            lines.append(sgd_line(name, f.w[i], lr, f.grad_w[i], f.w_after[i], f"∂L/∂{name}"))
        elif kind == "perceptron":
            lines.append(perceptron_line(name, f.w[i], lr, f, f.x[:, i], f.w_after[i]))
        else:
            lines.append(_change_line(name, f.w[i], f.w_after[i]))
    if len(f.w) > MAX_TERMS:
        more = len(f.w) - MAX_TERMS
        lines.append(ngettext("… and {count} more weight (see the tables)",
                              "… and {count} more weights (see the tables)", more
                              ).format(count=more))
    if f.b is not None and f.b_after is not None:
        lines.append(_bias_update_line(f, kind, lr))
    if kind == "adaptive":
        lines.append(update_explanation(f.optimizer, f.momentum))
    return lines


def _bias_update_line(f: NeuronFacts, kind: str, lr: float) -> str:
    if kind == "sgd":
        return sgd_line("b", f.b, lr, f.grad_b, f.b_after, "∂L/∂b")
    if kind == "perceptron":
        return perceptron_line("b", f.b, lr, f, None, f.b_after)
    return _change_line("b", f.b, f.b_after)


def _change_line(name: str, before: float, after: float) -> str:
    """'w₁: 0.5 → 0.49   (change −0.01)': an adaptive rule's step, before and after."""
    return _("{name}: {before} → {after}   (change {change})").format(
        name=name, before=fmt(before), after=fmt(after), change=fmt(after - before))


# ----- loss ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LossFacts:
    loss_name: str
    prediction: np.ndarray  # (N, K)
    target: np.ndarray  # (N, K), or (N,) class indices for cross-entropy
    value: float
    reduction: str = "mean"
    penalty: float | None = None


def loss_lines(f: LossFacts) -> list[str]:
    """The loss formula, its terms with numbers when there are few, and its derivative."""
    entry = loss_entry(f.loss_name)
    count = term_count(f)
    mean = f.reduction == "mean"
    value_rule, grad_rule = entry.value_rule, entry.grad_rule
    total = "" if count == 1 else f"(1/{count})·Σ " if mean else "Σ "
    value_rule = value_rule.format(sum=total)
    grad_rule = grad_rule.format(per=f" / {count}" if mean and count > 1 else "")
    lines = [value_rule]
    terms = entry.terms(f.prediction, f.target)
    if terms and len(terms) <= 4:
        joined = " + ".join(terms)
        lines.append(f"L = ({joined}) / {count} = {fmt(f.value)}" if mean and count > 1
                     else f"L = {joined} = {fmt(f.value)}")
    else:
        lines.append(f"L = {fmt(f.value)}")
    if f.penalty is not None:
        lines.append(_("plus the weight penalty {value} (L1/L2), minimised with it").format(
            value=fmt(f.penalty)))
    lines.append(grad_rule)
    return lines


def term_count(f: LossFacts) -> int:
    """How many terms the loss averages: samples for class indices, else every output value."""
    return f.prediction.shape[0] if loss_entry(f.loss_name).class_indices else f.prediction.size


# ----- "hide values until I answer" ------------------------------------------------------------
def hidden_lines(phase: str, f: NeuronFacts | None = None, loss: LossFacts | None = None) -> list[str]:
    """The rule with its inputs but without the answer, for a student working it out first."""
    if phase == "loss" and loss is not None:
        return [loss_lines(loss)[0], "L = ?"]
    if f is None:
        return []
    name = activation(f.activation).symbol
    if phase == "forward":
        return [f"z = {z_expression(f.x[0], f.w, f.b)} = ?", f"a = {name}(z) = ?"]
    batch = " " + _("summed over the batch") if f.batch > 1 else ""
    if phase == "backward":
        lines = ["∂L/∂a = ?   " + _("(from the next layer)"),
                 f"δ = ∂L/∂z = ∂L/∂a × {derivative_symbol(f.activation)} = ?",
                 f"∂L/∂wᵢ = δ × xᵢ{batch} = ?", f"∂L/∂b = δ{batch} = ?"]
        return lines if f.b is not None else lines[:-1]
    kind = update_kind(f.optimizer, f.momentum)
    if kind == "adaptive":
        return [update_explanation(f.optimizer, f.momentum)]
    if kind == "perceptron":
        lines = [f"wᵢ ← wᵢ + η(y − ŷ)xᵢ{batch} = ?", f"b ← b + η(y − ŷ){batch} = ?"]
    else:
        lines = ["wᵢ ← wᵢ − η·∂L/∂wᵢ = ?", "b ← b − η·∂L/∂b = ?"]
    return lines if f.b is not None else lines[:-1]
