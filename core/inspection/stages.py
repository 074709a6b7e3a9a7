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
from core.i18n import N_, _, ngettext
from core.inspection.formulas import (LossFacts, NeuronFacts, fmt, update_explanation,
                                      update_kind)
from core.losses import loss_entry

# English marked with N_ (translated where shown, `phase_title`): the phases of one step
PHASE_TITLES = {"forward": N_("Forward"), "loss": N_("Loss"), "backward": N_("Backward"),
                "update": N_("Update")}
PARAM_SYMBOLS = {"weight": "W", "bias": "b", "act.weight": N_("α (PReLU slope)")}


def phase_title(phase: str) -> str:
    """'Forward', 'Loss', ... in the current language."""
    return _(PHASE_TITLES[phase])


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
    return _(PARAM_SYMBOLS[name]) if name in PARAM_SYMBOLS else name


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
        title = f"{phase_title(step.phase)} {seen[step.phase]}/{totals[step.phase]}{where}"
        stages.append(Stage(index, step.phase, step.node, title,
                            explain(step, layer_type, params, result),
                            tuple(_tensors(step, layer_type))))
    return stages


def describe_layer(layer_type: str, params: dict) -> str:
    if layer_type == "Dense":
        units = params.get("units", 0)
        count = ngettext("{count} unit", "{count} units", units).format(count=units)
        return f"Dense ({count}, {params.get('activation')})"
    if layer_type == "Conv2d":
        filters = params.get("filters", 0)
        count = ngettext("{count} filter", "{count} filters", filters).format(count=filters)
        return f"Conv2d ({count} {params.get('kernel')}×{params.get('kernel')}, " \
               f"{params.get('activation')})"
    if layer_type == "Output":
        return f"Output ({params.get('loss')})"
    return layer_type


def explain(step, layer_type: str, params: dict, result) -> str:
    """One or two sentences on what happens at this stage and why."""
    act = params.get("activation", "linear")
    if step.phase == "forward":
        if layer_type == "Input":
            return _("The sample(s) enter the network: x is what the next layer receives.")
        if layer_type == "Output":
            return _("The prediction ŷ goes to the loss ({loss}).").format(loss=params.get("loss"))
        if layer_type in ("Dense", "Conv2d"):
            how = "x·W + b" if layer_type == "Dense" else _("the filters slid over x (+ b)")
            return _("Each unit computes z = {how}, then the activation: a = {symbol}(z). Click "
                     "a column (a unit) to see its formula with the numbers.").format(
                         how=how, symbol=activation(act).symbol)
        return _spec_text(layer_type)
    if step.phase == "loss":
        entry = loss_entry(result.trace.loss_name)
        return _("The loss ({title}, {name}) measures how far the prediction ŷ is from the "
                 "target y. Backpropagation starts from it.").format(title=entry.title_text().lower(),
                                                                     name=entry.name)
    if step.phase == "backward":
        return _backward_text(layer_type, act)
    return _update_text(result.settings, step.learning_rate)


def _spec_text(layer_type: str) -> str:
    try:
        from core.layers import get_spec
        return _(get_spec(layer_type).description)
    except KeyError:
        return ""


def _backward_text(layer_type: str, act: str) -> str:
    if layer_type == "Output":
        return _("∂L/∂ŷ: how the loss changes with each predicted value. It flows back from "
                 "here.")
    if layer_type == "Input":
        return _("∂L/∂x: how the loss would change with each input value (inputs are not "
                 "trained).")
    if layer_type == "Dense":
        return _("∂L/∂a arrives from the next layer. The chain rule through {symbol} gives "
                 "δ = ∂L/∂z; then ∂L/∂W = xᵀ·δ, ∂L/∂b = Σₙ δ, and ∂L/∂x = δ·Wᵀ flows back."
                 ).format(symbol=activation(act).symbol)
    if layer_type == "Conv2d":
        return _("∂L/∂a arrives from the next layer; δ = ∂L/∂z. Each filter's gradient sums δ × "
                 "the input patch it saw, over every position and sample.")
    return _("The gradient passes back through this layer by the chain rule.")


def _update_text(settings, learning_rate: float | None) -> str:
    lr = fmt(learning_rate or 0.0)
    kind = update_kind(settings.optimizer, settings.momentum) if settings else "sgd"
    if kind == "sgd":
        return _("Gradient descent: each parameter moves against its gradient, p ← p − η·∂L/∂p, "
                 "η = {value}.").format(value=lr)
    if kind == "perceptron":
        return _("Perceptron rule: w ← w + η(y − ŷ)x and b ← b + η(y − ŷ), η = {value}."
                 ).format(value=lr)
    return f"{update_explanation(settings.optimizer, settings.momentum)} η = {lr}."


def _tensors(step, layer_type: str) -> list[TensorSpec]:
    dense = layer_type == "Dense"
    if step.phase == "forward":
        return _forward_tensors(step, layer_type)
    if step.phase == "loss":
        items = [TensorSpec("prediction", _("prediction ŷ"), step.values["prediction"], True,
                            False),
                 TensorSpec("target", _("target y"), step.values["target"], True, False),
                 TensorSpec("value", _("loss L"), step.values["value"], False, True)]
        if "penalty" in step.values:
            items.append(TensorSpec("penalty", _("weight penalty"), step.values["penalty"], False,
                                    True))
        return items
    if step.phase == "backward":
        grad_name = {"Output": "∂L/∂ŷ", "Input": "∂L/∂x"}.get(layer_type, _("∂L/∂a (output)"))
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
        items.append(TensorSpec(f"before:{name}", _("{symbol} before").format(symbol=symbol(name)),
                                step.params_before[name], False, False, units))
        items.append(TensorSpec(f"after:{name}", _("{symbol} after").format(symbol=symbol(name)),
                                after, False, True, units))
    return items


def _forward_tensors(step, layer_type: str) -> list[TensorSpec]:
    dense = layer_type == "Dense"
    items = [TensorSpec(k, _("input x") if k == "input"
                        else _("input {number}").format(number=int(k[6:]) + 1), v, True, False)
             for k, v in step.values.items() if k.startswith("input")]
    items += [TensorSpec(f"param:{k}", symbol(k), v, False, False, dense and v.ndim > 0)
              for k, v in step.params.items()]
    if "pre_activation" in step.values:
        items.append(TensorSpec("pre_activation", _("z (pre-activation)"),
                                step.values["pre_activation"], True, True, dense))
    label = {"Input": _("x (passed on)"), "Output": _("prediction ŷ")}.get(layer_type,
                                                                          _("a (output)"))
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
