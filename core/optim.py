"""The torch side of the optimizer registry: building an entry, the perceptron rule, schedules.

Which optimizers exist, what they are called and which settings they read is core.optimizers;
this module holds the code that needs torch.
"""

from __future__ import annotations

import torch

from core.optimizers import optimizer_entry, schedule_entry


class PerceptronRule:
    """Rosenblatt's rule for one layer of Step neurons: w ← w + η·(y − ŷ)·x, b ← b + η·(y − ŷ).

    Gradient descent cannot train Step neurons (their gradient is zero), so this rule is applied
    directly. Errors are summed over the batch; batch size 1 gives the textbook online rule.
    """

    def __init__(self, layer: torch.nn.Module, learning_rate: float) -> None:
        self.layer = layer
        self.param_groups = [{"lr": learning_rate}]

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Nothing to clear: the rule uses no gradients."""

    @torch.no_grad()
    def apply(self, x: torch.Tensor, target: torch.Tensor, output: torch.Tensor) -> None:
        error = target.reshape(output.shape) - output  # (batch, units), each 0 or ±1
        lr = self.param_groups[0]["lr"]
        self.layer.weight += lr * error.T @ x
        if self.layer.bias is not None:
            self.layer.bias += lr * error.sum(dim=0)


def single_dense(model: torch.nn.Module) -> torch.nn.Module:
    """The Dense layer of an Input -> Dense -> Output network (validated beforehand)."""
    ids = model.layer_ids
    return model.get_submodule(ids[1])


def make_optimizer(model: torch.nn.Module, settings):
    """The optimizer the settings name (UnknownOptimizer for a name no entry has)."""
    return optimizer_entry(settings.optimizer).build(model, settings)


def scheduled_lr(settings, epoch: int) -> float:
    """Learning rate for a 1-based epoch, from the schedule's entry."""
    return settings.learning_rate * schedule_entry(settings.schedule).factor(settings, epoch - 1)
