"""Validation rules that are about teaching rather than wiring: losses, activations, weights.

These catch mistakes that run without crashing but silently do the wrong thing (Softmax before a
cross-entropy that applies softmax itself; Step neurons under gradient descent, whose gradient is
zero) and explain why in the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.activations import activation, for_layer_type
from core.display_names import layer_name
from core.graph import NetworkGraph
from core.i18n import _, format_number
from core.layers import get_spec, shape_text
from core.losses import loss_entry
from core.optimizers import optimizer_entry

if TYPE_CHECKING:
    from core.validation import ValidationReport

PASS_THROUGH = {"Dropout", "Identity"}


def describe(graph: NetworkGraph, node: str) -> str:
    """How messages name a layer: "Dense 'hidden_1'", or "Dense 'Couche cachée' (hidden_1)" when
    it has a display name (`core.display_names.layer_name`)."""
    try:
        kind = get_spec(graph.layer_type(node)).display_name
    except KeyError:
        kind = graph.layer_type(node)
    return f"{kind} {layer_name(node, graph.label(node), quoted=True)}"


def activation_of(graph: NetworkGraph, node: str, params: dict) -> str | None:
    """The activation a layer applies last (a Dense option or an activation layer), if any."""
    entry = for_layer_type(graph.layer_type(node))
    if entry is not None:
        return entry.name
    return params.get(node, {}).get("activation")


def final_activation(graph: NetworkGraph, report: "ValidationReport") -> tuple[str | None, str | None]:
    """(layer id, activation) feeding the Output, looking through Dropout/Identity layers."""
    node = report.output_id
    while node is not None:
        inputs = graph.inputs_of(node)
        if len(inputs) != 1:
            return None, None
        node = inputs[0]
        if graph.layer_type(node) not in PASS_THROUGH:
            return node, activation_of(graph, node, report.params)
    return None, None


def check_losses_and_activations(graph: NetworkGraph, report: "ValidationReport",
                                 optimizer: str, purpose: str = "train") -> None:
    out = report.output_id
    if out is None or out not in report.params:
        return
    expects = loss_entry(report.params[out]["loss"]).expects
    last, name = final_activation(graph, report)
    produces = activation(name).output if name is not None else None
    if expects == "logits" and produces == "distribution":
        report.add(last, _("{name} applies {activation} before the cross-entropy loss, which "
                           "expects raw scores (logits) and applies softmax itself: set its "
                           "activation to linear (or delete the {activation} layer).").format(
            name=describe(graph, last), activation=activation(name).layer_type))
    if expects == "probabilities" and produces not in ("probability", None) and last is not None:
        report.add(last, _("Binary cross-entropy expects probabilities between 0 and 1, but "
                           "{name} uses a {activation} activation: set it to sigmoid.").format(
            name=describe(graph, last), activation=name))
    _check_step_neurons(graph, report, optimizer, purpose)


def _check_step_neurons(graph: NetworkGraph, report: "ValidationReport", optimizer: str,
                        purpose: str) -> None:
    step_nodes = [n for n in graph.topological_order()
                  if _is_flat(activation_of(graph, n, report.params))]
    if optimizer_entry(optimizer).uses_gradients:
        severity = "warning" if purpose == "inspect" else "error"
        for node in step_nodes:
            report.add(node, _("{name} uses a Step activation, whose gradient is zero everywhere, "
                               "so gradient descent cannot change the weights before it: use "
                               "sigmoid (a smooth step), or choose the perceptron rule as "
                               "optimizer for a single layer of Step neurons.").format(
                name=describe(graph, node)), severity)
        return
    out = report.output_id
    if out in report.params and loss_entry(report.params[out]["loss"]).expects == "logits":
        report.add(out, _("{name} uses cross-entropy, but the perceptron rule compares 0/1 outputs "
                          "with 0/1 targets: choose the mse loss (one Step neuron per class)."
                          ).format(name=describe(graph, out)))
    if not is_single_step_layer(graph, report):
        report.add(None, _("The perceptron rule trains a single layer of Step neurons: the "
                           "network must be Input → Dense (activation step) → Output. Choose SGD "
                           "or Adam for other networks."))


def _is_flat(name: str | None) -> bool:
    """An activation with a zero gradient everywhere (Step): gradient descent cannot train it."""
    return name is not None and not activation(name).has_gradient


def is_single_step_layer(graph: NetworkGraph, report: "ValidationReport") -> bool:
    """True for Input -> Dense(step) -> Output, the only network the perceptron rule trains."""
    order = graph.topological_order()
    if len(order) != 3 or [graph.layer_type(n) for n in order] != ["Input", "Dense", "Output"]:
        return False
    return report.params.get(order[1], {}).get("activation") == "step"


def check_weight_shapes(graph: NetworkGraph, report: "ValidationReport") -> None:
    """Hand-set Dense weights must fit the layer (other layers are checked by the compiler)."""
    for node in graph.layer_ids():
        weights = graph.weights(node)
        if not weights or graph.layer_type(node) != "Dense" or node not in report.shapes:
            continue
        inputs = graph.inputs_of(node)
        if len(inputs) != 1 or inputs[0] not in report.shapes:
            continue
        units, fan_in = report.params[node]["units"], report.shapes[inputs[0]][-1]
        expected = {"weight": (fan_in, units)}
        if report.params[node]["bias"]:
            expected["bias"] = (units,)
        for name, array in weights.items():
            want = expected.get(name)
            if want is None and name not in ("act.weight",):
                report.add(node, _("{name} has a hand-set '{weight}' but a Dense layer only has "
                                   "{names}: remove it.").format(
                    name=describe(graph, node), weight=name,
                    names=_(" and ").join(expected)))
            elif want is not None and tuple(array.shape) != want:
                report.add(node, _("{name} has a hand-set {weight} of shape {shape} but needs "
                                   "{needed} (inputs × units): retype the weights or reset them."
                                   ).format(name=describe(graph, node), weight=name,
                                            shape=shape_text(array.shape) or _("scalar"),
                                            needed=shape_text(want)))


# A network beyond these cannot be built on the machines NeuroCanvas runs on (50 million float32
# parameters are 200 MB, 800 MB with gradients and Adam's two moments); refusing at validation
# keeps "Valid — 4,096,000,000,000,004,096 parameters" from ever being shown.
MAX_PARAMETERS = 50_000_000
MAX_VALUES_PER_SAMPLE = 50_000_000  # one layer's output for one sample
FLOAT32_MAX = 3.4028234663852886e38


def check_size(graph: NetworkGraph, report: "ValidationReport") -> None:
    """Refuse networks too big to build: per layer output, per layer parameters, and in total."""
    for node, shape in report.shapes.items():
        values = _product(shape)
        if values > MAX_VALUES_PER_SAMPLE:
            fix = _("set a smaller shape") if graph.layer_type(node) == "Input" else \
                _("make the layers before it smaller or add a pooling layer")
            report.add(node, _("{name} outputs {count} values per sample; at most {limit} fit in "
                               "memory: {fix}.").format(
                name=describe(graph, node), count=format_number(values, ",d"),
                limit=format_number(MAX_VALUES_PER_SAMPLE, ",d"), fix=fix))
    for node, count in report.param_counts.items():
        if count > MAX_PARAMETERS:
            report.add(node, _("{name} would have {count} parameters; at most {limit} can be "
                               "built: use fewer units or a smaller input.").format(
                name=describe(graph, node), count=format_number(count, ",d"),
                limit=format_number(MAX_PARAMETERS, ",d")))
    total = report.total_params
    if total > MAX_PARAMETERS and not report.errors:
        report.add(None, _("The network would have {count} parameters; at most {limit} can be "
                           "built: use fewer or smaller layers.").format(
            count=format_number(total, ",d"), limit=format_number(MAX_PARAMETERS, ",d")))


def check_weight_range(graph: NetworkGraph, report: "ValidationReport") -> None:
    """Hand-set weights must fit a 32-bit float, as the network computes: 1e308 would become inf
    and surface later as a torch error far from its cause."""
    for node in graph.layer_ids():
        for name, array in graph.weights(node).items():
            if array.size and float(abs(array).max()) > FLOAT32_MAX:
                value = float(array.flat[int(abs(array).argmax())])
                report.add(node, _("{name} has a hand-set {weight} value of {value}, too large for "
                                   "the 32-bit floats the network computes in (at most about "
                                   "3.4e38): retype it or reset the weights.").format(
                    name=describe(graph, node), weight=name, value=format_number(value, ".3g")))
                break


def _product(shape) -> int:
    result = 1
    for dim in shape:
        result *= int(dim)
    return result
