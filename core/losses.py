"""Loss functions and accuracy, shared by training, inspection and evaluation.

BCE expects probabilities (the Output follows a sigmoid, as course networks are drawn); cross-entropy
expects logits and class indices, as torch's CrossEntropyLoss does.
"""

from __future__ import annotations

import torch
from torch import nn

LOSS_TITLES = {"mse": "Mean squared error", "mae": "Mean absolute error",
               "bce": "Binary cross-entropy", "cross_entropy": "Cross-entropy"}


def make_loss(name: str, reduction: str = "mean") -> nn.Module:
    factories = {"mse": nn.MSELoss, "mae": nn.L1Loss, "bce": nn.BCELoss,
                 "cross_entropy": nn.CrossEntropyLoss}
    return factories[name](reduction=reduction)


def correct_count(output: torch.Tensor, target: torch.Tensor, loss: str) -> torch.Tensor:
    """Number of correctly classified samples in a batch, as a 0-dim tensor (no host sync).

    Class indices (cross-entropy) compare with argmax; a single 0/1 column compares with the 0.5
    threshold; one-hot targets compare argmax with argmax.
    """
    if loss == "cross_entropy":
        return (output.argmax(dim=1) == target).sum()
    if target.shape[-1] == 1:
        return ((output >= 0.5) == (target >= 0.5)).sum()
    return (output.argmax(dim=-1) == target.argmax(dim=-1)).sum()


def weight_penalty(model: nn.Module, l1: float, l2: float) -> torch.Tensor | None:
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
