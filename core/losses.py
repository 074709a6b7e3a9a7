"""Loss functions: one entry each, plus accuracy and the weight penalty shared by every loop.

A `Loss` entry is the only place that says what a loss is: its name in files, its title (the one
wording of the Output layer's help, the settings form and the inspector), what the last layer must
produce (the validator's rules read ``expects``), how targets are encoded (``class_indices``) and
whether they must be classes (``classes``: the datasets and the run setup read both), the torch
module, the formula text the inspector writes and the slips "Check my answer" recognises. BCE
expects probabilities (the Output follows a sigmoid, as course networks are drawn); cross-entropy
expects logits and class indices, as torch's CrossEntropyLoss does. An unknown name raises `UnknownLoss`.

Importing this module does not import torch (the layer catalogue reads the names and titles before
the first paint); the factories import it when called.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from core.i18n import N_, _
from core.notation import fmt
from core.registry import Registry, UnknownName

if TYPE_CHECKING:
    import torch

EXPECTS = ("probabilities", "logits", "any")
Terms = Callable[[np.ndarray, np.ndarray], list[str]]  # (prediction, target) -> "(0.9 − 1)²", …
Slips = Callable[[float], list[tuple[float, str]]]  # L -> [(a usual wrong value of L, hint)]


class UnknownLoss(UnknownName):
    kind = "loss"


@dataclass(frozen=True)
class Loss:
    name: str
    title: str
    expects: str  # what the last layer must produce: probabilities | logits | any
    factory: Callable[[str], Any]  # reduction ("mean"/"sum") -> torch module
    value_rule: str  # {sum}: "(1/N)·Σ ", "Σ " or nothing for a single term
    grad_rule: str  # {per}: " / N" for a mean over N terms
    class_indices: bool = False  # targets are class indices (else the outputs' shape)
    classes: bool = False  # it compares classes: a dataset of numbers to predict is refused
    terms: Terms = field(default=lambda p, y: [])  # the loss's terms written with numbers
    slips: Slips = field(default=lambda value: [])  # wrong values of L worth a specific hint

    @property
    def is_cross_entropy(self) -> bool:
        """It scores how likely the outputs make the targets (in nats): always answering the
        class frequencies scores their entropy, the mark of a classifier that learned nothing."""
        return self.expects != "any"

    def title_text(self) -> str:
        """The title in the current language (``title`` is the English, marked with N_)."""
        return _(self.title)

    @property
    def display(self) -> str:
        """Title and file name together, as the settings form lists the choices."""
        return f"{self.title_text()} ({self.name})"


LOSSES: Registry[Loss] = Registry(UnknownLoss)


def loss_entry(name: str) -> Loss:
    return LOSSES.get(name)


def loss_names() -> tuple[str, ...]:
    return LOSSES.names()


def regression_loss_names() -> tuple[str, ...]:
    """The losses a dataset of numbers to predict can train with ("mse", "mae")."""
    return tuple(entry.name for entry in LOSSES if not entry.classes)


def make_loss(name: str, reduction: str = "mean"):
    """The torch module for a loss name (UnknownLoss for a name no entry has)."""
    return loss_entry(name).factory(reduction)


def _torch(cls_name: str) -> Callable[[str], Any]:
    def make(reduction: str) -> Any:
        from torch import nn
        return getattr(nn, cls_name)(reduction=reduction)
    return make


def _pairs(template: str) -> Terms:
    return lambda p, y: [template.format(p=fmt(pi), y=fmt(yi))
                         for pi, yi in zip(p.reshape(-1), np.asarray(y).reshape(-1))]


def _bce_terms(p: np.ndarray, y: np.ndarray) -> list[str]:
    p, y = p.reshape(-1), np.asarray(y).reshape(-1)
    if not np.all((y == 0) | (y == 1)):
        return []
    return [f"−ln({fmt(pi if yi >= 0.5 else 1 - pi)})" for pi, yi in zip(p, y)]


def _unsquared(value: float) -> list[tuple[float, str]]:
    return [(math.sqrt(value), _("Square each error before averaging."))] if value > 0 else []


def _cross_entropy_terms(p: np.ndarray, y: np.ndarray) -> list[str]:
    rows = p - p.max(axis=1, keepdims=True)
    probs = np.exp(rows) / np.exp(rows).sum(axis=1, keepdims=True)
    return [f"−ln({fmt(probs[n, int(c)])})" for n, c in enumerate(np.asarray(y).reshape(-1))]


LOSSES.add(Loss("mse", N_("Mean squared error"), "any", _torch("MSELoss"),
                "L = {sum}(ŷ − y)²", "∂L/∂ŷ = 2(ŷ − y){per}", terms=_pairs("({p} − {y})²"),
                slips=_unsquared))
LOSSES.add(Loss("mae", N_("Mean absolute error"), "any", _torch("L1Loss"),
                "L = {sum}|ŷ − y|", "∂L/∂ŷ = sign(ŷ − y){per}", terms=_pairs("|{p} − {y}|")))
LOSSES.add(Loss("bce", N_("Binary cross-entropy"), "probabilities", _torch("BCELoss"),
                "L = −{sum}[y·ln ŷ + (1 − y)·ln(1 − ŷ)]", "∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)){per}",
                classes=True, terms=_bce_terms))
LOSSES.add(Loss("cross_entropy", N_("Cross-entropy"), "logits", _torch("CrossEntropyLoss"),
                "L = −{sum}ln softmax(z)[y]",
                "∂L/∂z = (softmax(z) − onehot(y)){per}   (z: the logits)",
                class_indices=True, classes=True, terms=_cross_entropy_terms))


def loss_help() -> str:
    """The Output layer's help text, written from the entries (one wording everywhere)."""
    needs = {"probabilities": " (expects probabilities: put a sigmoid before the Output)",
             "logits": " (expects logits: no Softmax before it)", "any": ""}
    return "; ".join(f"{e.name}: {e.title.lower()}{needs[e.expects]}" for e in LOSSES)


# ----- accuracy and penalty (used per batch: no registry look-ups here) ---------------------------
def correct_count(output: "torch.Tensor", target: "torch.Tensor", loss: str) -> "torch.Tensor":
    """Number of correctly classified samples in a batch, as a 0-dim tensor (no host sync).

    Class indices (cross-entropy) compare with argmax; a single 0/1 column compares with the 0.5
    threshold; one-hot targets compare argmax with argmax.
    """
    if loss_entry(loss).class_indices:
        return (output.argmax(dim=1) == target).sum()
    if target.shape[-1] == 1:
        return ((output >= 0.5) == (target >= 0.5)).sum()
    return (output.argmax(dim=-1) == target.argmax(dim=-1)).sum()


def weight_penalty(model: Any, l1: float, l2: float) -> "torch.Tensor | None":
    """l1·Σ|w| + l2·Σw² over weights (biases and norm parameters are not penalised)."""
    if not l1 and not l2:
        return None
    total = None
    for name, param in model.named_parameters():
        if not name.endswith("weight") or param.dim() < 2:
            continue
        term = l1 * param.abs().sum() + l2 * (param * param).sum()
        total = term if total is None else total + term
    return total
