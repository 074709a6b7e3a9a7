"""torch modules for layers that torch does not offer in the shape we need.

Imported only when a network is compiled, so that the GUI can paint before torch is loaded.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from core.activations import activation


def heaviside(x: torch.Tensor) -> torch.Tensor:
    """H(x) = 1 for x >= 0 else 0 (the course convention), with a zero gradient everywhere.

    The ``0 * x`` term keeps the result attached to the autograd graph, so backward runs and shows
    the zero gradient that explains why gradient descent cannot train a Step neuron.
    """
    return (x >= 0).to(x.dtype).detach() + 0.0 * x


class Step(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return heaviside(x)


class Softmax(nn.Module):
    """Softmax over features (vectors, and each step of a sequence) or over channels (images)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(x, dim=1 if x.dim() in (2, 4) else -1)


def make_activation(name: str, slope: float = 0.01) -> nn.Module:
    """The activation module for a Dense/Conv option or an activation layer, from its registry
    entry (core.activations); an unknown name raises UnknownActivation."""
    return activation(name).factory(slope)


class Dense(nn.Module):
    """y = act(x W^T + b) with torch's (units, inputs) weight; keeps z reachable for inspection."""

    def __init__(self, in_features: int, units: int, bias: bool, activation: str) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(units, in_features))
        self.bias = nn.Parameter(torch.empty(units)) if bias else None
        self.act = make_activation(activation)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """The same initialisation as nn.Linear, so results match a hand-written torch script."""
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] > 0 else 0
            nn.init.uniform_(self.bias, -bound, bound)

    def pre_activation(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.pre_activation(x))


class Conv2d(nn.Conv2d):
    """nn.Conv2d with an optional activation, so a conv block is one card on the canvas."""

    def __init__(self, *args, activation: str = "linear", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.act = make_activation(activation)

    def pre_activation(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.pre_activation(x))


class Recurrent(nn.Module):
    """SimpleRNN / LSTM / GRU over (batch, steps, features), returning all steps or the last."""

    def __init__(self, kind: str, in_features: int, hidden: int, return_sequences: bool) -> None:
        super().__init__()
        cls = {"SimpleRNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[kind]
        self.rnn = cls(in_features, hidden, batch_first=True)
        self.return_sequences = return_sequences

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return out if self.return_sequences else out[:, -1, :]


class Add(nn.Module):
    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        total = xs[0]
        for x in xs[1:]:
            total = total + x
        return total


class Concatenate(nn.Module):
    """Joins features (vectors, sequences: last axis) or channels (images: first axis)."""

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        dim = -1 if xs[0].dim() == 3 else 1
        return torch.cat(xs, dim=dim)


class BatchNorm(nn.Module):
    """BatchNorm1d for vectors and sequences (per feature), BatchNorm2d for images."""

    def __init__(self, shape: tuple[int, ...], momentum: float) -> None:
        super().__init__()
        self.rank = len(shape)
        features = shape[0] if self.rank in (1, 3) else shape[-1]
        cls = nn.BatchNorm2d if self.rank == 3 else nn.BatchNorm1d
        self.norm = cls(features, momentum=momentum)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.rank == 2:  # (batch, steps, features) -> normalise each feature
            return self.norm(x.transpose(1, 2)).transpose(1, 2)
        return self.norm(x)
