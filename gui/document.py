"""The open document: one `Network`, its undo stack, its file path and its latest validation.

Every edit the user makes goes through a method here, which checks it (so the user gets a plain
message instead of a half-applied change) and pushes one undo command. Panels read
``document.network`` and listen to ``graph_changed`` / ``validation_changed``; none of them keeps a
copy of the model.

The graph object is kept for the document's whole life: opening a file replaces its *content*
(one ``graph_reset`` event), so listeners never have to re-subscribe.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from shiboken6 import isValid

from core.fileformat import FileFormatError, load_network
from core.graph import (LAYOUT_EVENTS, GraphError, GraphEvent, NetworkGraph, id_problem,
                        label_problem, next_id)
from core.layers import get_spec
from core.network import Network, TrainedState
from core.settings import DatasetSpec, TrainingSettings
from core.validation import ValidationReport, connection_problem, validate
from gui import clipboard, commands
from gui.commands import LayerSnapshot
from gui.live_weights import LiveWeights

NEW_INPUT_POS = (0.0, 0.0)
NEW_OUTPUT_POS = (480.0, 0.0)
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "assets" / "templates"
EMPTY_TEMPLATE = TEMPLATES_DIR / "empty.json"


def new_network() -> Network:
    """What File > New starts from: the empty template (an Input and an Output, ready to be
    joined by layers, with training settings that train the first networks people build: see
    assets/templates/empty.json); built here only if that file is missing or unreadable."""
    try:
        return load_network(EMPTY_TEMPLATE)
    except (OSError, FileFormatError):
        network = Network(name="Untitled")
        network.graph.add_layer("input_1", "Input", get_spec("Input").defaults(), NEW_INPUT_POS)
        network.graph.add_layer("output_1", "Output", get_spec("Output").defaults(), NEW_OUTPUT_POS)
        return network


class Document(QObject):
    validation_changed = Signal(object)  # ValidationReport
    graph_changed = Signal(object)  # core.graph.GraphEvent, re-emitted for Qt listeners
    network_changed = Signal(str)  # a non-graph field changed: name, description, training, ...
    document_replaced = Signal()  # new/open/revert/recover: everything may have changed
    run_interrupted = Signal(str)  # this edit (its undo text) is about to stop the running training
    modified_changed = Signal(bool)
    path_changed = Signal(object)  # str | None

    def __init__(self, network: Network | None = None, path: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = EditStack(self.flush_live_weights, self)
        self._network = network or new_network()
        self._path = path
        self._report = ValidationReport()
        self.live = LiveWeights(self)  # a run's weights so far: shown, not yet in the model
        self._trained_so_far: Callable[[], TrainedState] | None = None
        self._starting = _starting_weights(self._network)  # what Reset weights can go back to
        self.revision = 0  # bumped on every model change (autosave compares it)
        self._network.graph.subscribe(self._on_graph_event)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        stack = self.undo_stack  # ~QUndoStack clears itself, emitting to listeners already gone
        self.destroyed.connect(lambda: stack.blockSignals(True))
        self.validate_now()

    # ----- state --------------------------------------------------------------------------
    @property
    def network(self) -> Network:
        return self._network

    @property
    def graph(self) -> NetworkGraph:
        return self._network.graph

    @property
    def path(self) -> str | None:
        return self._path

    def set_path(self, path: str | None) -> None:
        self._path = path
        self.path_changed.emit(path)

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_saved(self, path: str) -> None:
        self.set_path(path)
        self.undo_stack.setClean()

    @property
    def report(self) -> ValidationReport:
        """The validation of the model as it is now: every edit re-validates synchronously
        (0.17 ms for the digits MLP), before any view hears of the edit, so views read their
        normalised parameters and shapes here and never work them out themselves."""
        return self._report

    def validate_now(self) -> ValidationReport:
        self._report = validate(self.graph, self._network.training.optimizer)
        self.validation_changed.emit(self._report)
        return self._report

    def replace_network(self, network: Network, path: str | None, modified: bool = False) -> None:
        """Show another network (new, opened, reverted, recovered); the undo history restarts."""
        self.live.end()
        self.undo_stack.clear()
        for f in fields(Network):  # records and path first: graph_reset listeners may read them
            if f.name != "graph":
                setattr(self._network, f.name, getattr(network, f.name))
        self._path = path
        self._starting = _starting_weights(network)
        self.graph.replace_with(network.graph)
        if modified:
            self.undo_stack.resetClean()  # no state matches a file: stays modified until saved
        else:
            self.undo_stack.setClean()
        self.revision += 1
        self.path_changed.emit(path)
        self.document_replaced.emit()  # graph_reset validated it already, records included

    def _on_clean_changed(self, clean: bool) -> None:
        if isValid(self):  # QUndoStack's destructor clears the stack after we are gone
            self.modified_changed.emit(not clean)

    def _on_graph_event(self, event: GraphEvent) -> None:
        if not isValid(self):
            self.graph.unsubscribe(self._on_graph_event)
            return
        self.revision += 1
        # Where a card sits changes no message; what it is called does (messages name layers
        # by their display names, core.display_names), so a label edit re-words them.
        revalidate = event.kind not in LAYOUT_EVENTS or event.kind == "label_changed"
        if revalidate:  # first, so graph_changed listeners already read the current report (live
            # training weights never reach the graph, so this does not run at the live rate)
            self._report = validate(self.graph, self._network.training.optimizer)
        self.graph_changed.emit(event)
        if revalidate:
            self.validation_changed.emit(self._report)

    def apply_network_field(self, field: str, value: Any) -> None:
        """Used by `SetNetworkField` only; user code calls `set_training`, `set_info`, ..."""
        setattr(self._network, field, value)
        self.revision += 1
        self.network_changed.emit(field)
        if field == "training":
            self.validate_now()

    # ----- edits (each one undo step) -----------------------------------------------------
    def add_layer(self, layer_type: str, pos: tuple[float, float],
                  params: dict[str, Any] | None = None) -> str:
        spec = get_spec(layer_type)
        layer_id = self.graph.unique_id(layer_type)
        merged = spec.new_params() | dict(params or {})
        self.undo_stack.push(commands.AddLayer(
            self.graph, LayerSnapshot(layer_id, layer_type, merged, _rounded(pos), {})))
        return layer_id

    def remove(self, layer_ids: list[str], edges: list[tuple[str, str]] = ()) -> None:
        layer_ids = [n for n in layer_ids if self.graph.has_layer(n)]
        edges = [e for e in edges if self.graph.has_connection(*e)
                 and e[0] not in layer_ids and e[1] not in layer_ids]
        if layer_ids or edges:
            self.undo_stack.push(commands.RemoveItems(self.graph, layer_ids, edges))

    def connect(self, source: str, target: str) -> None:
        """Raises GraphError with the reason when the connection is not allowed."""
        reason = connection_problem(self.graph, source, target)
        if reason:
            raise GraphError(reason)
        self.undo_stack.push(commands.Connect(self.graph, source, target))

    def disconnect(self, source: str, target: str) -> None:
        self.remove([], [(source, target)])

    def set_params(self, layer_id: str, params: dict[str, Any], text: str = "") -> None:
        if params != self.graph.params(layer_id):
            self.undo_stack.push(commands.SetParams(self.graph, layer_id, params, text))

    def set_param(self, layer_id: str, name: str, value: Any) -> None:
        """Coerce through the layer's schema; raises ParamError (value refused) when invalid."""
        param = get_spec(self.graph.layer_type(layer_id)).param(name)
        coerced = param.coerce(value)
        params = self.graph.params(layer_id) | {name: coerced}
        self.set_params(layer_id, params, f"Set {param.label.lower()} of '{layer_id}'")

    def move_layers(self, positions: dict[str, tuple[float, float]], text: str = "") -> None:
        moved = {n: _rounded(p) for n, p in positions.items()
                 if self.graph.has_layer(n) and _rounded(p) != self.graph.position(n)}
        if moved:
            # moving cards changes nothing a run uses: the run goes on, its weights stay shown
            self.undo_stack.push_layout(commands.MoveLayers(self.graph, moved, text))

    def rename(self, old: str, new: str) -> None:
        """Raises GraphError (invalid or taken id) before anything changes."""
        new = new.strip()
        if new == old:
            return
        problem = id_problem(new, self.graph.nx)
        if problem:
            raise GraphError(problem)
        self.undo_stack.push(commands.Rename(self.graph, old, new))

    def set_label(self, layer_id: str, label: str) -> None:
        """The layer's display name (free text; "" shows the id). Raises GraphError (not one
        line, too long) before anything changes. Nothing a run uses: a run goes on."""
        label = label.strip()
        if label == self.graph.label(layer_id):
            return
        problem = label_problem(label)
        if problem:
            raise GraphError(problem)
        self.undo_stack.push_layout(commands.SetLabel(self.graph, layer_id, label))

    def set_weights(self, layer_id: str, weights: dict[str, np.ndarray] | None,
                    text: str = "") -> None:
        self.undo_stack.push(commands.SetWeights(self.graph, layer_id, weights, text))

    def reset_weights(self, layer_id: str) -> None:
        if self.graph.weights(layer_id):
            self.set_weights(layer_id, None, f"Reset weights of '{layer_id}'")

    def starting_weights(self) -> dict[str, dict[str, np.ndarray]]:
        """The weights the file held when it was opened (a lesson's given starting point: the
        line from W = 0, the perceptrons from zero), for the layers that are still as they were
        then (same type and parameters); empty when the file had none."""
        graph = self.graph
        return {n: weights for n, (layer_type, params, weights) in self._starting.items()
                if graph.has_layer(n) and graph.layer_type(n) == layer_type
                and graph.params(n) == params}

    def paste(self, fragment: clipboard.Fragment, offset: tuple[float, float],
              text: str = "Paste") -> list[str]:
        """Add a copied fragment with fresh ids, shifted by ``offset``; returns the new ids."""
        if not fragment.layers:
            return []
        taken = set(self.graph.layer_ids())
        renames = {}
        for layer in fragment.layers:
            renames[layer.layer_id] = _fresh_id(layer.layer_id, taken)
            taken.add(renames[layer.layer_id])
        macro = commands.Macro(f"{text} {len(fragment.layers)} layer"
                               f"{'s' if len(fragment.layers) != 1 else ''}")
        for layer in fragment.layers:
            pos = _rounded((layer.pos[0] + offset[0], layer.pos[1] + offset[1]))
            macro.add(commands.AddLayer(self.graph, LayerSnapshot(
                renames[layer.layer_id], layer.layer_type, layer.params, pos, layer.weights,
                layer.label)))
        for u, v in fragment.connections:
            macro.add(commands.Connect(self.graph, renames[u], renames[v]))
        self.undo_stack.push(macro)
        return [renames[layer.layer_id] for layer in fragment.layers]

    def set_training(self, settings: TrainingSettings) -> None:
        if settings != self._network.training:
            self.undo_stack.push(commands.SetNetworkField(self, "training", settings,
                                                          "Change training settings"))

    def set_trained(self, trained: TrainedState, text: str = "Change the run history") -> None:
        """The epochs the weights were trained for and the kept runs (Reset weights, Clear
        history); a run's own result comes with its weights, in `commit_live_weights`."""
        if trained != self._network.trained:
            self.undo_stack.push(commands.SetNetworkField(self, "trained", trained, text))

    def set_dataset(self, spec: DatasetSpec) -> None:
        if spec != self._network.dataset:
            self.undo_stack.push(commands.SetNetworkField(self, "dataset", spec, "Change dataset"))

    def set_info(self, name: str | None = None, description: str | None = None) -> None:
        """The network's name and description: nothing a run uses, so a run goes on through
        them (recorded before the run's own step, which undo takes back first)."""
        for field, value in (("name", name), ("description", description)):
            if value is not None and value != getattr(self._network, field):
                self.undo_stack.push_layout(commands.SetNetworkField(self, field, value))

    # ----- a run's weights: shown over the model, committed once (CONVENTIONS rule 13) ------
    def display_weights(self, layer_id: str) -> dict[str, np.ndarray]:
        """What views draw for a layer: the running training's latest weights, else the model's."""
        live = self.live.get(layer_id)
        return live if live is not None else self.graph.weights(layer_id)

    def begin_live_weights(self, trained_so_far: Callable[[], TrainedState]) -> None:
        """A run starts: its snapshots go to `live` (`live.show`) and never into the model.
        ``trained_so_far`` says what the run has trained when an edit interrupts it."""
        self.live.begin()
        self._trained_so_far = trained_so_far

    def commit_live_weights(self, text: str, trained: TrainedState | None = None) -> None:
        """Make the weights shown last the model's, with the network's trained state (epochs,
        run history), as ONE undo step; undo restores the weights and state before the run."""
        if not self.live.active:
            return
        weights = {n: v for n, v in self.live.values().items() if self.graph.has_layer(n)}
        if trained is None:
            trained = self._trained_so_far() if self._trained_so_far else self._network.trained
        self.live.end()  # first: the push below must not flush a second time
        if not weights:
            return
        macro = commands.Macro(text)
        before = {n: self.graph.weights(n) for n in weights}
        macro.add(commands.SetManyWeights(self.graph, before, weights, text))
        if trained != self._network.trained:
            macro.add(commands.SetNetworkField(self, "trained", trained))
        self.undo_stack.push(macro)

    def cancel_live_weights(self) -> None:
        """A run diverged or failed: stop showing its weights; the model never had them."""
        self.live.end()

    @property
    def is_training(self) -> bool:
        """A run is showing live weights (between begin_live_weights and commit/cancel)."""
        return self.live.active

    @property
    def has_unsaved_work(self) -> bool:
        """Modified, or a run has trained weights not in the model yet (asking about them
        must not commit them: the user may still say Cancel and let the run go on)."""
        return self.is_modified or (self.live.active and self.live.has_values)

    def flush_live_weights(self, cause: str = "") -> None:
        """Before any other change (an edit, undo, redo, save) during a run: make the weights
        trained so far one undo step, so the user's change is recorded after them and undo/redo
        keep matching what the graph held. The run itself stops on that change; ``cause`` (the
        edit's undo text) is announced first, so the message can say which edit stopped it."""
        if self.live.active:
            self.run_interrupted.emit(cause)
            self.commit_live_weights("Train (interrupted)")

    def undo(self) -> None:
        text = self.undo_stack.undoText()
        self.flush_live_weights(f"Undo {text}" if text else "Undo")
        self.undo_stack.undo()

    def redo(self) -> None:
        text = self.undo_stack.redoText()
        self.flush_live_weights(f"Redo {text}" if text else "Redo")
        self.undo_stack.redo()


class EditStack(QUndoStack):
    """A QUndoStack that lets the document flush live training weights before every push or
    macro, so a command never snapshots weights that no undo step holds."""

    def __init__(self, before_change, parent: QObject) -> None:
        super().__init__(parent)
        self._before_change = before_change

    def push(self, command) -> None:  # noqa: D102 (QUndoStack API)
        self._before_change(command.text())
        super().push(command)

    def push_layout(self, command) -> None:
        """Push a change nothing a run uses depends on (card positions, the network's name): a
        run goes on through it, so the weights it shows stay shown rather than being committed."""
        super().push(command)

    def beginMacro(self, text: str) -> None:  # noqa: N802
        self._before_change(text)
        super().beginMacro(text)


def _starting_weights(network: Network) -> dict[str, tuple[str, dict, dict[str, np.ndarray]]]:
    """Each layer's type, parameters and weights as the file gives them (copies)."""
    graph = network.graph
    return {n: (graph.layer_type(n), graph.params(n), {k: v.copy() for k, v in graph.weights(n).items()})
            for n in graph.layer_ids() if graph.weights(n)}


def _rounded(pos: tuple[float, float]) -> tuple[float, float]:
    """Whole-pixel positions keep files tidy and make 'did it move?' comparisons exact."""
    return (float(round(pos[0])), float(round(pos[1])))


def _fresh_id(wanted: str, taken: set[str]) -> str:
    """Keep the copied id when it is free (cut + paste), else number it as new layers are."""
    return wanted if wanted not in taken else next_id(wanted, taken)
