"""Graph -> torch.nn.Module whose submodule names are the layer ids.

``model.hidden_1`` is the Dense layer drawn as ``hidden_1``, and its state_dict keys are
``hidden_1.weight`` / ``hidden_1.bias`` — the same ids the file and the canvas use.
"""

from __future__ import annotations

import threading

import numpy as np
import torch
from torch import nn

from core.graph import NetworkGraph
from core.layers import get_spec, shape_text
from core.validation import ValidationReport, validate


# Two threads (the training worker and the inspector's) may compile at once; torch's default
# generator is process-wide, so a seeded build holds this lock from seeding to the last init.
_BUILD_LOCK = threading.Lock()


class CompileError(ValueError):
    """The graph cannot be built. ``node`` names the layer when there is one."""

    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(message)
        self.node = node


class CompiledNetwork(nn.Module):
    """Runs the layers in topological order; merge layers receive their inputs in slot order."""

    def __init__(self, graph: NetworkGraph, report: ValidationReport) -> None:
        super().__init__()
        self.input_id = report.input_id
        self.output_id = report.output_id
        self.layer_ids: list[str] = []
        self._plan: list[tuple[str, list[int]]] = []
        self.layer_types: dict[str, str] = {}
        slot_of: dict[str, int] = {}
        for node in graph.topological_order():
            spec = get_spec(graph.layer_type(node))
            inputs = graph.inputs_of(node)
            module = spec.build(report.params[node], [report.shapes[i] for i in inputs])
            self.add_module(node, module)
            self.layer_types[node] = graph.layer_type(node)
            slot_of[node] = len(self.layer_ids)
            self.layer_ids.append(node)
            self._plan.append((node, [slot_of[i] for i in inputs]))
        self._is_chain = all(args == [i - 1] for i, (_, args) in enumerate(self._plan) if i > 0)
        # The chain fast path skips pass-through Input/Output layers: fewer calls per batch.
        self._chain = [self._modules[n] for n in self.layer_ids
                       if self.layer_types[n] not in ("Input", "Output")]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._is_chain:  # the common case: skip the bookkeeping of a general DAG
            for module in self._chain:
                x = module(x)
            return x
        return self.forward_all(x)[-1]

    def forward_all(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's output, in ``layer_ids`` order (used by inspection and neuron maps)."""
        outputs: list[torch.Tensor] = []
        for node, args in self._plan:
            module = self._modules[node]
            outputs.append(module(*[outputs[i] for i in args]) if args else module(x))
        return outputs

    def inputs_of(self, node: str) -> list[str]:
        index = self.layer_ids.index(node)
        return [self.layer_ids[i] for i in self._plan[index][1]]


def compile_network(graph: NetworkGraph, optimizer: str = "adam", seed: int | None = None,
                    report: ValidationReport | None = None) -> CompiledNetwork:
    """Validate, build and load hand-set weights. Raises CompileError naming the first problem."""
    report = report or validate(graph, optimizer)
    if not report.is_valid:
        first = report.errors[0]
        raise CompileError(first.message, first.node)
    try:
        with _BUILD_LOCK:  # seeding and drawing the initial weights must not interleave
            if seed is not None:
                torch.manual_seed(seed)
            model = CompiledNetwork(graph, report)
    except (ValueError, RuntimeError, TypeError) as exc:
        raise CompileError(f"Building the network failed: {exc}") from exc
    for node in graph.layer_ids():
        load_layer_weights(model, graph, node)
    return model


def load_layer_weights(model: CompiledNetwork, graph: NetworkGraph, node: str) -> None:
    """Copy a layer's hand-set/trained weights (file convention) into its torch tensors."""
    weights = graph.weights(node)
    if not weights:
        return
    spec = get_spec(graph.layer_type(node))
    tensors = dict(model.get_submodule(node).state_dict(keep_vars=True))
    for name, array in weights.items():
        if name not in tensors:
            known = ", ".join(tensors) or "no weights"
            raise CompileError(f"'{node}' has no weight named '{name}' (it has {known}).", node)
        target = tensors[name]
        value = np.asarray(spec.to_torch(name, array))
        if tuple(value.shape) != tuple(target.shape):
            want = spec.from_torch(name, np.zeros(tuple(target.shape))).shape
            raise CompileError(f"'{node}' {name} has shape {shape_text(array.shape) or 'scalar'} "
                               f"but the layer needs {shape_text(want) or 'scalar'}.", node)
        with torch.no_grad():
            target.copy_(torch.as_tensor(value, dtype=target.dtype))


def extract_weights(model: CompiledNetwork) -> dict[str, dict[str, np.ndarray]]:
    """Every layer's floating-point state (parameters and running stats), in the file convention."""
    result: dict[str, dict[str, np.ndarray]] = {}
    for node in model.layer_ids:
        spec = get_spec(model.layer_types[node])
        state = {name: spec.from_torch(name, t.detach().cpu().double().numpy())
                 for name, t in model.get_submodule(node).state_dict().items()
                 if t.is_floating_point()}
        if state:
            result[node] = state
    return result
