"""Optimizers, learning-rate schedules and the classic perceptron learning rule."""

from __future__ import annotations

import torch

from core.settings import TrainingSettings


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


def make_optimizer(model: torch.nn.Module, settings: TrainingSettings):
    lr = settings.learning_rate
    params = list(model.parameters())
    if settings.optimizer == "perceptron":
        return PerceptronRule(single_dense(model), lr)
    if settings.optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=settings.momentum,
                               nesterov=settings.nesterov and settings.momentum > 0)
    if settings.optimizer == "adam":
        return torch.optim.Adam(params, lr=lr)
    return torch.optim.RMSprop(params, lr=lr, momentum=settings.momentum)


def scheduled_lr(settings: TrainingSettings, epoch: int) -> float:
    """Learning rate for a 1-based epoch: constant, step decay, or exponential decay."""
    done = epoch - 1
    if settings.schedule == "step":
        return settings.learning_rate * settings.decay_rate ** (done // settings.decay_steps)
    if settings.schedule == "exponential":
        return settings.learning_rate * settings.decay_rate ** done
    return settings.learning_rate
