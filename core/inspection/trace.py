"""Step-through inspection of one training step, as a textbook does it by hand.

`trace_step` runs one forward pass layer by layer (recording each input, pre-activation z and output),
the loss, the backward pass in reverse order (dL/d output, dL/dz, dL/d each parameter) and one
optimizer update (parameters before and after). Every tensor is a numpy float64 copy in the file/UI
convention (Dense weights inputs×units), so the GUI and the CLI show the same numbers the tests check
against autograd and numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from core.layers import get_spec
from core.losses import loss_entry, make_loss, weight_penalty
from core.optim import make_optimizer
from core.optimizers import optimizer_entry
from core.settings import TrainingSettings


@dataclass(frozen=True)
class TraceStep:
    phase: str  # forward | loss | backward | update
    node: str | None  # layer id; None for the loss
    values: dict[str, np.ndarray] = field(default_factory=dict)  # input, pre_activation, output, ...
    grads: dict[str, np.ndarray] = field(default_factory=dict)  # backward: dL/d parameter
    params: dict[str, np.ndarray] = field(default_factory=dict)  # update: values after the step
    params_before: dict[str, np.ndarray] = field(default_factory=dict)
    learning_rate: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON shape: see README (`inspect --json`)."""
        data: dict[str, Any] = {"phase": self.phase}
        if self.node is not None:
            data["node"] = self.node
        data.update({k: _listify(v) for k, v in self.values.items()})
        if self.phase == "backward":
            data["grads"] = {k: _listify(v) for k, v in self.grads.items()}
        if self.phase == "update":
            data["params"] = {k: _listify(v) for k, v in self.params.items()}
            data["params_before"] = {k: _listify(v) for k, v in self.params_before.items()}
            data["learning_rate"] = self.learning_rate
        return data


@dataclass(frozen=True)
class Trace:
    steps: list[TraceStep]
    loss: float
    loss_name: str
    sample_indices: list[int]

    def to_json(self) -> dict[str, Any]:
        return {"loss_name": self.loss_name, "samples": self.sample_indices,
                "steps": [s.to_json() for s in self.steps]}

    def find(self, phase: str, node: str | None = None) -> TraceStep:
        for step in self.steps:
            if step.phase == phase and (node is None or step.node == node):
                return step
        raise KeyError(f"no {phase} step for {node}")


def trace_step(model, x: np.ndarray, y: np.ndarray, loss_name: str, settings: TrainingSettings,
               optimizer=None, sample_indices: list[int] | None = None) -> Trace:
    """Record one full training step on (x, y) and apply its update to ``model``.

    ``optimizer`` continues an existing run (Adam's moments, SGD's momentum); by default a fresh
    one is made from ``settings``, which for plain SGD is exactly the textbook update.
    """
    x_t = torch.as_tensor(np.asarray(x), dtype=torch.float32).clone().requires_grad_(True)
    y_t = torch.as_tensor(np.asarray(y))
    y_t = y_t.long() if loss_entry(loss_name).class_indices else y_t.float()
    rule = optimizer_entry(settings.optimizer)
    optimizer = optimizer or make_optimizer(model, settings)
    model.train()
    forward_steps, tensors = _forward(model, x_t)
    prediction = tensors[model.output_id][1]
    loss = make_loss(loss_name, settings.loss_reduction)(prediction, y_t)
    penalty = weight_penalty(model, settings.l1, settings.l2)
    total = loss if penalty is None else loss + penalty
    loss_step = _loss_step(loss, penalty, prediction, y_t, settings)
    backward_steps = []
    if rule.uses_gradients:  # a learning rule without gradients (perceptron) has no backward
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        backward_steps = _backward(model, tensors, x_t)
    update_steps = _update(model, optimizer, rule, x_t, y_t, prediction)
    steps = forward_steps + [loss_step] + backward_steps + update_steps
    return Trace(steps, float(loss.item()), loss_name, list(sample_indices or []))


def _forward(model, x: torch.Tensor):
    """Run each layer, keeping z (pre-activation) and the output with their gradients retained."""
    steps, tensors, outputs = [], {}, {}
    for node in model.layer_ids:
        module = model.get_submodule(node)
        inputs = [outputs[i] for i in model.inputs_of(node)] or [x]
        values = _input_values(inputs)
        z = None
        if hasattr(module, "pre_activation"):
            z = module.pre_activation(*inputs)
            out = module.act(z)
            z.retain_grad()
            values["pre_activation"] = _numpy(z)
        else:
            out = module(*inputs)
        if out.requires_grad:
            out.retain_grad()
        outputs[node] = out
        tensors[node] = (z, out)
        values["output"] = _numpy(out)
        steps.append(TraceStep("forward", node, values, params=_params(model, node)))
    return steps, tensors


def _input_values(inputs: list[torch.Tensor]) -> dict[str, np.ndarray]:
    if len(inputs) == 1:
        return {"input": _numpy(inputs[0])}
    return {f"input_{i}": _numpy(t) for i, t in enumerate(inputs)}


def _loss_step(loss, penalty, prediction, target, settings) -> TraceStep:
    values = {"value": _numpy(loss), "prediction": _numpy(prediction), "target": _numpy(target)}
    if penalty is not None:
        values["penalty"] = _numpy(penalty)
    return TraceStep("loss", None, values, learning_rate=settings.learning_rate)


def _backward(model, tensors, x: torch.Tensor) -> list[TraceStep]:
    """dL/d output (and dL/dz) per layer in reverse order, and dL/d each parameter."""
    steps = []
    for node in reversed(model.layer_ids):
        z, out = tensors[node]
        values = {"grad_output": _grad(out)}
        if z is not None:
            values["grad_pre_activation"] = _grad(z)
        if node == model.input_id and x.grad is not None:
            values["grad_output"] = _numpy(x.grad)
        spec = get_spec(model.layer_types[node])
        grads = {name: spec.from_torch(name, _grad(p))
                 for name, p in model.get_submodule(node).named_parameters()}
        steps.append(TraceStep("backward", node, values, grads=grads))
    return steps


def _update(model, optimizer, rule, x, y, prediction) -> list[TraceStep]:
    """Apply one optimizer step; record parameters before and after for each trainable layer."""
    before = {node: _params(model, node) for node in model.layer_ids}
    if rule.uses_gradients:
        optimizer.step()
    else:
        rule.rule_step(optimizer, x.detach(), y, prediction.detach())
    lr = optimizer.param_groups[0]["lr"]
    return [TraceStep("update", node, params=_params(model, node), params_before=before[node],
                      learning_rate=lr)
            for node in model.layer_ids if before[node]]


def _params(model, node: str) -> dict[str, np.ndarray]:
    spec = get_spec(model.layer_types[node])
    return {name: spec.from_torch(name, _numpy(p))
            for name, p in model.get_submodule(node).named_parameters()}


def _grad(t: torch.Tensor | None) -> np.ndarray:
    if t is None or t.grad is None:
        return np.zeros(tuple(t.shape) if t is not None else (), dtype=np.float64)
    return _numpy(t.grad)


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().double().numpy().copy()


def _listify(a: np.ndarray) -> Any:
    return np.asarray(a).tolist()
