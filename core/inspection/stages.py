"""A traced step cut into the stages a student walks through, and the facts behind each formula.

Qt-free: the panel renders a `Stage` (title, explanation, the tensors to show) but decides nothing
about content, so what is shown at each stage can be tested without a window. Every array here is
taken from the trace untouched: the tables show exactly what core.inspection recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from core.activations import activation
from core.display_names import name_from
from core.inspection.formulas import (LossFacts, NeuronFacts, fmt, update_explanation,
                                      update_kind)
from core.losses import loss_entry

PHASE_TITLES = {"forward": "Forward", "loss": "Loss", "backward": "Backward", "update": "Update"}
PARAM_SYMBOLS = {"weight": "W", "bias": "b", "act.weight": "α (PReLU slope)"}


@dataclass(frozen=True)
class TensorSpec:
    key: str  # e.g. "output", "grad:weight", "after:bias"
    label: str
    array: np.ndarray
    batched: bool  # axis 0 is the batch (one row per sample)
    result: bool  # what this stage computes: hidden in "hide values until I answer" mode
    units: bool = False  # the last axis is the Dense layer's units: clicking a column picks one


@dataclass(frozen=True)
class Stage:
    index: int
    phase: str
    node: str | None
    title: str
    explanation: str
    tensors: tuple[TensorSpec, ...]


def symbol(name: str) -> str:
    return PARAM_SYMBOLS.get(name, name)


def build_stages(result, labels: Mapping[str, str] | None = None) -> list[Stage]:
    """One stage per trace step, numbered within its phase ('Forward 2/4'). ``labels`` ({id:
    display name}, `core.display_names.labels_of`) names the layers in the titles: the live
    graph's, since a trace is not recomputed when a layer is only renamed for display."""
    labels = labels or {}
    steps = result.trace.steps
    totals = {p: sum(1 for s in steps if s.phase == p) for p in PHASE_TITLES}
    seen = dict.fromkeys(PHASE_TITLES, 0)
    stages = []
    for index, step in enumerate(steps):
        seen[step.phase] += 1
        layer_type, params = result.layers.get(step.node, ("", {}))
        where = f" · {name_from(labels, step.node)} — {describe_layer(layer_type, params)}" \
            if step.node else ""
        title = f"{PHASE_TITLES[step.phase]} {seen[step.phase]}/{totals[step.phase]}{where}"
        stages.append(Stage(index, step.phase, step.node, title,
                            explain(step, layer_type, params, result),
                            tuple(_tensors(step, layer_type))))
    return stages


def describe_layer(layer_type: str, params: dict) -> str:
    if layer_type == "Dense":
        units = params.get("units", 0)
        return f"Dense ({units} unit{'s' if units != 1 else ''}, {params.get('activation')})"
    if layer_type == "Conv2d":
        return f"Conv2d ({params.get('filters')} filters {params.get('kernel')}×" \
               f"{params.get('kernel')}, {params.get('activation')})"
    if layer_type == "Output":
        return f"Output ({params.get('loss')})"
    return layer_type


def explain(step, layer_type: str, params: dict, result) -> str:
    """One or two sentences on what happens at this stage and why."""
    act = params.get("activation", "linear")
    if step.phase == "forward":
        if layer_type == "Input":
            return "The sample(s) enter the network: x is what the next layer receives."
        if layer_type == "Output":
            return f"The prediction ŷ goes to the loss ({params.get('loss')})."
        if layer_type in ("Dense", "Conv2d"):
            how = "x·W + b" if layer_type == "Dense" else "the filters slid over x (+ b)"
            return (f"Each unit computes z = {how}, then the activation: "
                    f"a = {activation(act).symbol}(z). "
                    "Click a column (a unit) to see its formula with the numbers.")
        return _spec_text(layer_type)
    if step.phase == "loss":
        entry = loss_entry(result.trace.loss_name)
        return (f"The loss ({entry.title.lower()}, {entry.name}) measures how far the prediction "
                "ŷ is from the target y. Backpropagation starts from it.")
    if step.phase == "backward":
        return _backward_text(layer_type, act)
    return _update_text(result.settings, step.learning_rate)


def _spec_text(layer_type: str) -> str:
    try:
        from core.layers import get_spec
        return get_spec(layer_type).description
    except KeyError:
        return ""


def _backward_text(layer_type: str, act: str) -> str:
    if layer_type == "Output":
        return "∂L/∂ŷ: how the loss changes with each predicted value. It flows back from here."
    if layer_type == "Input":
        return "∂L/∂x: how the loss would change with each input value (inputs are not trained)."
    if layer_type == "Dense":
        return (f"∂L/∂a arrives from the next layer. The chain rule through "
                f"{activation(act).symbol} gives "
                "δ = ∂L/∂z; then ∂L/∂W = xᵀ·δ, ∂L/∂b = Σₙ δ, and ∂L/∂x = δ·Wᵀ flows back.")
    if layer_type == "Conv2d":
        return ("∂L/∂a arrives from the next layer; δ = ∂L/∂z. Each filter's gradient sums δ × the "
                "input patch it saw, over every position and sample.")
    return "The gradient passes back through this layer by the chain rule."


def _update_text(settings, learning_rate: float | None) -> str:
    lr = fmt(learning_rate or 0.0)
    kind = update_kind(settings.optimizer, settings.momentum) if settings else "sgd"
    if kind == "sgd":
        return f"Gradient descent: each parameter moves against its gradient, p ← p − η·∂L/∂p, η = {lr}."
    if kind == "perceptron":
        return f"Perceptron rule: w ← w + η(y − ŷ)x and b ← b + η(y − ŷ), η = {lr}."
    return f"{update_explanation(settings.optimizer, settings.momentum)} η = {lr}."


def _tensors(step, layer_type: str) -> list[TensorSpec]:
    dense = layer_type == "Dense"
    if step.phase == "forward":
        return _forward_tensors(step, layer_type)
    if step.phase == "loss":
        items = [TensorSpec("prediction", "prediction ŷ", step.values["prediction"], True, False),
                 TensorSpec("target", "target y", step.values["target"], True, False),
                 TensorSpec("value", "loss L", step.values["value"], False, True)]
        if "penalty" in step.values:
            items.append(TensorSpec("penalty", "weight penalty", step.values["penalty"], False, True))
        return items
    if step.phase == "backward":
        grad_name = {"Output": "∂L/∂ŷ", "Input": "∂L/∂x"}.get(layer_type, "∂L/∂a (output)")
        items = [TensorSpec("grad_output", grad_name, step.values["grad_output"], True, True, dense)]
        if "grad_pre_activation" in step.values:
            items.append(TensorSpec("grad_pre_activation", "δ = ∂L/∂z",
                                    step.values["grad_pre_activation"], True, True, dense))
        items += [TensorSpec(f"grad:{k}", f"∂L/∂{symbol(k)}", v, False, True, dense and v.ndim > 0)
                  for k, v in step.grads.items()]
        return items
    items = []
    for name, after in step.params.items():
        units = dense and after.ndim > 0
        items.append(TensorSpec(f"before:{name}", f"{symbol(name)} before", step.params_before[name],
                                False, False, units))
        items.append(TensorSpec(f"after:{name}", f"{symbol(name)} after", after, False, True, units))
    return items


def _forward_tensors(step, layer_type: str) -> list[TensorSpec]:
    dense = layer_type == "Dense"
    items = [TensorSpec(k, "input x" if k == "input" else f"input {int(k[6:]) + 1}", v, True,
                        False) for k, v in step.values.items() if k.startswith("input")]
    items += [TensorSpec(f"param:{k}", symbol(k), v, False, False, dense and v.ndim > 0)
              for k, v in step.params.items()]
    if "pre_activation" in step.values:
        items.append(TensorSpec("pre_activation", "z (pre-activation)",
                                step.values["pre_activation"], True, True, dense))
    label = {"Input": "x (passed on)", "Output": "prediction ŷ"}.get(layer_type, "a (output)")
    items.append(TensorSpec("output", label, step.values["output"], True,
                            layer_type not in ("Input", "Output"), dense))
    return items


def jump_index(stages: list[Stage], target: str) -> int:
    """Where 'Forward all', 'Backward all' and 'Run to update' land."""
    last_of = {p: max((s.index for s in stages if s.phase == p), default=None) for p in PHASE_TITLES}
    first_update = min((s.index for s in stages if s.phase == "update"), default=None)
    index = {"forward_all": last_of["forward"],
             "backward_all": last_of["backward"] if last_of["backward"] is not None
             else last_of["loss"],
             "update": first_update}.get(target)
    return len(stages) - 1 if index is None else index


# ----- facts for the formulas ------------------------------------------------------------------
def _find(trace, phase: str, node: str | None):
    try:
        return trace.find(phase, node)
    except KeyError:
        return None


def neuron_facts(trace, node: str, unit: int, activation: str, settings=None,
                 targets: np.ndarray | None = None) -> NeuronFacts | None:
    """The recorded numbers of one Dense unit; None when the layer's input is not a vector."""
    fwd = _find(trace, "forward", node)
    if fwd is None or "pre_activation" not in fwd.values or fwd.values["input"].ndim != 2:
        return None
    x, z, a = fwd.values["input"], fwd.values["pre_activation"], fwd.values["output"]
    weight, bias = fwd.params["weight"], fwd.params.get("bias")
    alpha = float(np.ravel(fwd.params["act.weight"])[0]) if "act.weight" in fwd.params else 0.01
    kwargs = dict(unit=unit, activation=activation, x=x, w=weight[:, unit],
                  b=None if bias is None else float(bias[unit]), z=z[:, unit], a=a[:, unit],
                  z_row=z[0], a_row=a[0], alpha=alpha)
    kwargs.update(_backward_facts(trace, node, unit))
    kwargs.update(_update_facts(trace, node, unit))
    if settings is not None:
        kwargs.update(optimizer=settings.optimizer, momentum=settings.momentum, l1=settings.l1,
                      l2=settings.l2)
    if targets is not None and targets.ndim == 2 and targets.shape[1] == z.shape[1]:
        kwargs["target"] = targets[:, unit].astype(np.float64)
    return NeuronFacts(**kwargs)


def _backward_facts(trace, node: str, unit: int) -> dict:
    back = _find(trace, "backward", node)
    if back is None:
        return {}
    bias = back.grads.get("bias")
    return dict(grad_a=back.values["grad_output"][:, unit],
                grad_a_row=back.values["grad_output"][0],
                delta=back.values["grad_pre_activation"][:, unit],
                grad_w=back.grads["weight"][:, unit],
                grad_b=None if bias is None else float(bias[unit]))


def _update_facts(trace, node: str, unit: int) -> dict:
    update = _find(trace, "update", node)
    if update is None:
        return {}
    bias = update.params.get("bias")
    return dict(w_after=update.params["weight"][:, unit],
                b_after=None if bias is None else float(bias[unit]),
                learning_rate=update.learning_rate)


def loss_facts(trace, reduction: str = "mean") -> LossFacts:
    step = trace.find("loss")
    penalty = step.values.get("penalty")
    return LossFacts(trace.loss_name, step.values["prediction"], step.values["target"],
                     float(step.values["value"]), reduction,
                     None if penalty is None else float(penalty))
