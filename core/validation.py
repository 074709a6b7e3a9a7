"""Validation with shape inference: every problem carries the layer id and a plain-language fix.

Runs without torch (the GUI validates on every edit, before torch has even been imported). Problems
are collected, not raised, so the canvas can outline every faulty layer at once. Messages name a
layer by its display name with the id alongside (`core.display_names`); `Problem.node` is the id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from core.display_names import labels_of, layer_name
from core.graph import NetworkGraph
from core.i18n import _, format_number, ngettext
from core.layers import LayerSpec, ParamError, Shape, ShapeError, get_spec
from core.validation_rules import (check_losses_and_activations, check_size, check_weight_range,
                                   check_weight_shapes, describe)

# Names a layer id may not take because the compiled torch module uses them as attributes
# (tests/core/test_compiler.py checks this against the installed torch). The last line holds
# CompiledNetwork's own attributes. Ids starting with "_" are refused as well: torch keeps its
# private attributes (_modules, _apply, _version, ...) under that prefix.
RESERVED_IDS = frozenset("""
T_destination add_module apply bfloat16 buffers call_super_init children compile cpu cuda double
dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule
half ipu load_state_dict modules mtia named_buffers named_children named_modules named_parameters
parameters register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
register_load_state_dict_pre_hook register_module register_parameter register_state_dict_post_hook
register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule share_memory state_dict to
to_empty train training type xpu zero_grad
input_id output_id layer_ids layer_types forward_all inputs_of
""".split())


@dataclass(frozen=True)
class Problem:
    node: str | None  # None for whole-network problems (e.g. no Input)
    message: str
    severity: str = "error"  # "error" blocks training; "warning" does not


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    shapes: dict[str, Shape] = field(default_factory=dict)  # inferred output shape per layer
    param_counts: dict[str, int] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)  # normalized params per layer
    input_id: str | None = None
    output_id: str | None = None
    # {id: display name} of the labelled layers, as the messages name them: a list of problems
    # names its layers the same way (`core.display_names.name_from`)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def total_params(self) -> int:
        return sum(self.param_counts.values())

    def problems_for(self, node: str) -> list[Problem]:
        return [p for p in self.problems if p.node == node]

    def summary(self) -> str:
        """One line for a status bar: 'Valid — 17 parameters' or '2 problems', in the language
        on display with its plural rule ('Valide — 1 paramètre', '0 paramètre')."""
        if self.is_valid:
            total = self.total_params
            return ngettext("Valid — {count} parameter", "Valid — {count} parameters", total).format(
                count=format_number(total, ",d"))
        n = len(self.errors)
        return ngettext("{count} problem", "{count} problems", n).format(count=n)

    def add(self, node: str | None, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(node, message, severity))


def validate(graph: NetworkGraph, optimizer: str = "adam", purpose: str = "train") -> ValidationReport:
    """Check the whole graph; ``optimizer`` matters for the Step/perceptron rules. ``purpose``
    "inspect" (one step traced by hand) lets Step neurons under gradient descent through as a
    warning: seeing their zero gradient is the lesson; training them is what cannot work."""
    report = ValidationReport(labels=labels_of(graph))
    if not graph.layer_ids():
        report.add(None, _("The network is empty: drag an Input, some layers and an Output "
                           "from the palette, then connect them."))
        return report
    _check_types_and_params(graph, report)
    _check_ends(graph, report)
    if not graph.is_acyclic():
        cycle = " → ".join(layer_name(u, graph.label(u)) for u, _ in nx.find_cycle(graph.nx))
        report.add(None, _("The connections form a cycle ({cycle}): remove one of them.").format(
            cycle=cycle))
        return report
    _check_connectivity(graph, report)
    _infer_shapes(graph, report)
    check_losses_and_activations(graph, report, optimizer, purpose)
    check_weight_shapes(graph, report)
    check_weight_range(graph, report)
    check_size(graph, report)
    return report


def _check_types_and_params(graph: NetworkGraph, report: ValidationReport) -> None:
    for node in graph.layer_ids():
        if node in RESERVED_IDS or node.startswith("_"):
            report.add(node, _reserved_message(node, graph.label(node)))
        try:
            spec = get_spec(graph.layer_type(node))
        except KeyError as exc:
            report.add(node, exc.args[0] + " " + _("Delete the layer or change its type."))
            continue
        try:
            report.params[node] = spec.normalize(graph.params(node))
        except ParamError as exc:
            report.add(node, _("{name}: {problem}").format(name=describe(graph, node), problem=exc))


def _reserved_message(node: str, label: str) -> str:
    """The id is what PyTorch refuses: a labelled layer is told so, since its name is fine."""
    if layer_name(node, label, with_id=False) == node:
        return _("The name '{id}' is reserved by PyTorch: rename the layer.").format(id=node)
    return _("The id '{id}' of {name} is reserved by PyTorch: change the layer's id (its display "
             "name can stay).").format(id=node, name=layer_name(node, label, quoted=True,
                                                                with_id=False))


def _check_ends(graph: NetworkGraph, report: ValidationReport) -> None:
    """Exactly one Input and one Output."""
    missing = {"Input": _("The network has no Input layer: drag an Input from the palette and "
                          "connect it."),
               "Output": _("The network has no Output layer: drag an Output from the palette and "
                           "connect the last layer to it.")}
    for kind, attr in (("Input", "input_id"), ("Output", "output_id")):
        found = [n for n in graph.layer_ids() if graph.layer_type(n) == kind]
        if not found:
            report.add(None, missing[kind])
            continue
        setattr(report, attr, sorted(found)[0])
        for extra in sorted(found)[1:]:
            report.add(extra, _("{name} is a second {type}: a network has exactly one {type}; "
                                "delete this one.").format(name=describe(graph, extra), type=kind))


def connection_problem(graph: NetworkGraph, source: str, target: str) -> str | None:
    """Why ``source`` → ``target`` may not be drawn, in plain words; None when it may.

    The one home of the connection rules: the document refuses a connection with this message,
    the canvas colours (and explains) a connection being dragged with it, and `validate` words a
    graph that breaks the same rules (a file, a paste) with the same phrases (`_takes`)."""
    if source == target or not (graph.has_layer(source) and graph.has_layer(target)):
        return graph.edge_problem(source, target)
    source_spec, target_spec = _spec_or_none(graph, source), _spec_or_none(graph, target)
    if source_spec is not None and not source_spec.has_output:
        return _("{name} is where the network ends: nothing comes out of it.").format(
            name=describe(graph, source))
    if target_spec is not None and target_spec.max_inputs == 0:
        return _("{name} {takes}: data starts there.").format(name=describe(graph, target),
                                                               takes=_takes(target_spec))
    problem = graph.edge_problem(source, target)
    if problem or target_spec is None or target_spec.max_inputs is None:
        return problem
    existing = graph.inputs_of(target)
    if len(existing) >= target_spec.max_inputs:
        first = layer_name(existing[0], graph.label(existing[0]), quoted=True)
        return _("{name} {takes} and already receives {first}: delete that connection first, or "
                 "join both with an Add or Concatenate layer.").format(
            name=describe(graph, target), takes=_takes(target_spec), first=first)
    return None


def _takes(spec: LayerSpec) -> str:
    """How many inputs a layer type accepts, in the words every connection message uses."""
    if spec.max_inputs == 0:
        return _("takes no connections")
    if spec.max_inputs == 1:
        return _("takes only one input")
    if spec.max_inputs is None:
        return ngettext("takes at least {count} input", "takes at least {count} inputs",
                        spec.min_inputs).format(count=spec.min_inputs)
    return _("takes {least} to {most} inputs").format(least=spec.min_inputs, most=spec.max_inputs)


def _spec_or_none(graph: NetworkGraph, node: str) -> LayerSpec | None:
    try:
        return get_spec(graph.layer_type(node))
    except KeyError:
        return None


def inputs_problem(graph: NetworkGraph, node: str) -> str | None:
    """What is wrong with the number of connections into ``node`` (the rules of
    `connection_problem`, checked on a whole graph), or None."""
    spec = get_spec(graph.layer_type(node))
    count = len(graph.inputs_of(node))
    name = describe(graph, node)
    if spec.max_inputs == 0 and count:
        return _("{name} {takes}: remove the arrows into it.").format(name=name, takes=_takes(spec))
    if count == 0 and spec.min_inputs > 0:
        return _("{name} is not connected: connect a layer to its input.").format(name=name)
    if spec.max_inputs is not None and count > spec.max_inputs:
        return _("{name} {takes} but receives {count}: join them with an Add or Concatenate layer "
                 "first.").format(name=name, takes=_takes(spec), count=count)
    if count < spec.min_inputs:
        return _("{name} {takes} (has {count}): connect another layer to it.").format(
            name=name, takes=_takes(spec), count=count)
    return None


def _check_connectivity(graph: NetworkGraph, report: ValidationReport) -> None:
    """Input counts per layer, and every layer on a path from the Input to the Output."""
    reachable = nx.descendants(graph.nx, report.input_id) | {report.input_id} \
        if report.input_id else set()
    useful = nx.ancestors(graph.nx, report.output_id) | {report.output_id} \
        if report.output_id else set()
    for node in graph.topological_order():
        if node not in report.params or report.problems_for(node):
            continue  # one message per layer: a second Input is not also "unconnected"
        name = describe(graph, node)
        problem = inputs_problem(graph, node)
        if problem:
            report.add(node, problem)
        elif report.input_id and node not in reachable:
            report.add(node, _("{name} does not receive data from the Input: connect it.").format(
                name=name))
        elif report.output_id and node not in useful:
            report.add(node, _("{name} leads nowhere: connect its output towards the Output layer, "
                               "or delete it.").format(name=name))


def _infer_shapes(graph: NetworkGraph, report: ValidationReport) -> None:
    """Propagate shapes in topological order along every connected path, complete or not: a
    layer gets its shape when its parameters are valid and its inputs are all there with theirs,
    even if it leads nowhere yet or the Output is still alone (the cards show shapes while the
    network is drawn). A failed layer stops inference below it only."""
    for node in graph.topological_order():
        if node not in report.params or inputs_problem(graph, node):
            continue
        inputs = graph.inputs_of(node)
        if any(i not in report.shapes for i in inputs):
            continue
        spec = get_spec(graph.layer_type(node))
        in_shapes = [report.shapes[i] for i in inputs]
        if spec.min_inputs > 0 and not in_shapes:
            continue
        try:
            report.shapes[node] = tuple(spec.infer_shape(report.params[node], in_shapes))
            report.param_counts[node] = spec.count_params(report.params[node], in_shapes)
        except ShapeError as exc:
            report.add(node, f"{describe(graph, node)} {exc}.")
