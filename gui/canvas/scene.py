"""The scene mirrors the graph: it listens to graph events and creates, removes and updates items.

Nothing here edits the model directly except `commit_moves`, which turns a finished drag into one
undo command through the Document. Per-layer "show neurons" toggles are display state and live
here, keyed by layer id.
"""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsScene
from shiboken6 import isValid

from core.graph import GraphEvent
from core.layers import shape_text
from core.validation import ValidationReport
from gui.canvas import neurons
from gui.canvas.edges import EdgeItem
from gui.canvas.items import LayerItem
from gui.document import Document
from gui.style import CANVAS_BACKGROUND, CANVAS_DOTS

GRID = 24.0


class NetworkScene(QGraphicsScene):
    layer_selection_changed = Signal(list)  # ids of the selected layers
    label_edit_requested = Signal(str)  # a card's name was double-clicked: edit its display name

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.layer_items: dict[str, LayerItem] = {}
        self.edge_items: dict[tuple[str, str], EdgeItem] = {}
        self.neurons_everywhere = False
        self.neuron_toggles: set[str] = set()
        self.draw_grid = True  # off while gui/export.py renders a picture on its own background
        self._shown: dict[str, tuple] = {}  # layer id -> what its card shows (see `_display`)
        self._handlers: dict[str, Callable[[GraphEvent], None]] = {
            "layer_added": lambda e: self._add_layer(e.node),
            "layer_removed": lambda e: self._remove_layer(e.node),
            "layer_renamed": lambda e: self._rename_layer(e.node, e.other),
            "params_changed": lambda e: self._refresh_layer(e.node),
            "layer_moved": lambda e: self._move_layer(e.node),
            "label_changed": lambda e: self._refresh_layer(e.node),
            "weights_changed": lambda e: self._refresh_weights(e.node),
            "connection_added": lambda e: self._add_edge(e.node, e.other),
            "connection_removed": lambda e: self._remove_edge(e.node, e.other),
            "graph_reset": lambda e: self.rebuild(),
        }
        # through the document, not the graph: it validates first, so handlers read a current report
        document.graph_changed.connect(self._on_graph_event)
        document.live.changed.connect(self._on_live_weights)  # a run's weights, ~10 Hz
        document.validation_changed.connect(self._apply_report)
        self.selectionChanged.connect(self._on_selection_changed)
        self.rebuild()

    # ----- model → items -----------------------------------------------------------------
    def _on_graph_event(self, event: GraphEvent) -> None:
        self._handlers[event.kind](event)

    def _on_selection_changed(self) -> None:
        if isValid(self):  # QGraphicsScene's destructor deselects items after Python let go
            self.layer_selection_changed.emit(self.selected_layer_ids())

    def rebuild(self) -> None:
        """Recreate every item (a new document): per-layer neuron toggles start over too."""
        self.clear()
        self.layer_items.clear()
        self.edge_items.clear()
        self.neuron_toggles.clear()
        self._shown.clear()
        graph = self.document.graph
        for layer_id in graph.layer_ids():
            self._add_layer(layer_id)
        for source, target in graph.connections():
            self._add_edge(source, target)

    def _add_layer(self, layer_id: str) -> None:
        graph = self.document.graph
        item = LayerItem(layer_id, graph.layer_type(layer_id))
        self.layer_items[layer_id] = item
        self.addItem(item)
        item.setPos(*graph.position(layer_id))
        self._refresh_layer(layer_id)

    def _remove_layer(self, layer_id: str) -> None:
        item = self.layer_items.pop(layer_id)
        self._shown.pop(layer_id, None)
        for edge in list(item.edges):
            self._remove_edge(*edge.key)
        self.removeItem(item)

    def _rename_layer(self, old: str, new: str) -> None:
        item = self.layer_items.pop(old)
        self.layer_items[new] = item
        self._shown.pop(old, None)
        if old in self.neuron_toggles:
            self.neuron_toggles.discard(old)
            self.neuron_toggles.add(new)
        self.edge_items = {(new if u == old else u, new if v == old else v): e
                           for (u, v), e in self.edge_items.items()}
        self._refresh_layer(new)

    def _move_layer(self, layer_id: str) -> None:
        pos = QPointF(*self.document.graph.position(layer_id))
        item = self.layer_items[layer_id]
        if item.pos() != pos:
            item.setPos(pos)

    def _add_edge(self, source: str, target: str) -> None:
        edge = EdgeItem(self.layer_items[source], self.layer_items[target])
        self.edge_items[(source, target)] = edge
        self.addItem(edge)
        self._refresh_edge(edge)

    def _remove_edge(self, source: str, target: str) -> None:
        edge = self.edge_items.pop((source, target), None)
        if edge is not None:
            edge.detach()
            self.removeItem(edge)

    def _refresh_layer(self, layer_id: str, force: bool = True) -> None:
        """Redraw a card from the report, then its edges; unless ``force``, only when what the
        card shows has changed (a report after a parameter edit redraws that one card)."""
        item = self.layer_items[layer_id]
        display = self._display(layer_id)
        if not force and display == self._shown.get(layer_id):
            return
        self._shown[layer_id] = display
        item.set_display(*display)
        item.set_biases(self._biases(layer_id))
        for edge in item.edges:
            self._refresh_edge(edge)

    def _display(self, layer_id: str) -> tuple:
        """What a card shows, all read from the current report (`set_display`'s arguments)."""
        report = self.document.report
        item = self.layer_items[layer_id]
        params = self._current_params(layer_id)
        summary = item.spec.summary(params) if item.spec else ""
        shape = report.shapes.get(layer_id)
        return (layer_id, summary, f"→ {shape_text(shape)}" if shape else "→ ?",
                [p.message for p in report.problems_for(layer_id)],
                self._neuron_total(layer_id, params), self.document.graph.label(layer_id))

    def _refresh_weights(self, layer_id: str) -> None:
        """Cheap path for weights_changed (fires at the live-training rate): pens and fills only."""
        item = self.layer_items[layer_id]
        item.set_biases(self._biases(layer_id))
        for edge in item.edges:
            if edge.target is item:
                edge.set_weights(self._weight_matrix(layer_id))

    def _refresh_edge(self, edge: EdgeItem) -> None:
        on = bool(edge.source.neuron_total and edge.target.neuron_total)
        edge.set_neuron_mode(on, self._weight_matrix(edge.target.layer_id) if on else None)

    def _apply_report(self, report: ValidationReport) -> None:
        """Redraw the cards whose shape, problems or summary the new report changed."""
        for layer_id in list(self.layer_items):
            if self.document.graph.has_layer(layer_id):
                self._refresh_layer(layer_id, force=False)

    def _on_live_weights(self, layer_ids: tuple[str, ...]) -> None:
        for layer_id in layer_ids:
            if layer_id in self.layer_items:
                self._refresh_weights(layer_id)

    def _biases(self, layer_id: str) -> np.ndarray | None:
        return self.document.display_weights(layer_id).get("bias")

    def _weight_matrix(self, layer_id: str) -> np.ndarray | None:
        return self.document.display_weights(layer_id).get("weight")

    # ----- neurons view ------------------------------------------------------------------
    def _neuron_total(self, layer_id: str, params: dict) -> int:
        if not (self.neurons_everywhere or layer_id in self.neuron_toggles):
            return 0
        return neurons.neuron_count(self.document.graph.layer_type(layer_id), params)

    def can_show_neurons(self, layer_id: str) -> bool:
        params = self._current_params(layer_id)
        return neurons.neuron_count(self.document.graph.layer_type(layer_id), params) > 0

    def _current_params(self, layer_id: str) -> dict:
        """The report's normalised parameters; a layer whose values were refused (its card shows
        the problem) shows the values it holds."""
        params = self.document.report.params.get(layer_id)
        return params if params is not None else self.document.graph.params(layer_id)

    def shows_neurons(self, layer_id: str) -> bool:
        return self.layer_items[layer_id].neuron_total > 0

    def set_layer_neurons(self, layer_id: str, on: bool) -> None:
        (self.neuron_toggles.add if on else self.neuron_toggles.discard)(layer_id)
        self._refresh_layer(layer_id)

    def set_neurons_everywhere(self, on: bool) -> None:
        self.neurons_everywhere = on
        if not on:
            self.neuron_toggles.clear()
        self._apply_report(self.document.report)

    # ----- selection and moves -----------------------------------------------------------
    def selected_layer_ids(self) -> list[str]:
        return [i.layer_id for i in self.selectedItems() if isinstance(i, LayerItem)]

    def selected_edges(self) -> list[tuple[str, str]]:
        return [i.key for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_layers(self, layer_ids: list[str]) -> None:
        self.clearSelection()
        for layer_id in layer_ids:
            if layer_id in self.layer_items:
                self.layer_items[layer_id].setSelected(True)

    def commit_moves(self) -> None:
        """After a drag: one MoveLayers command for every card whose position differs."""
        graph = self.document.graph
        moved = {n: (item.pos().x(), item.pos().y()) for n, item in self.layer_items.items()
                 if (item.pos().x(), item.pos().y()) != graph.position(n)}
        self.document.move_layers(moved)
        for layer_id in moved:  # the model rounds to whole pixels: snap the cards to it
            self._move_layer(layer_id)

    def card_sizes(self) -> dict[str, tuple[float, float]]:
        return {n: item.size() for n, item in self.layer_items.items()}

    def layers_rect(self) -> QRectF:
        rect = QRectF()
        for item in self.layer_items.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    # ----- background --------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        """Dots every GRID units from one cached tile: a Python loop over every dot cost ~7 ms a
        repaint, which live training views (repainting at 10-30 Hz) cannot afford."""
        if not self.draw_grid:
            return
        painter.fillRect(rect, CANVAS_BACKGROUND)
        if painter.transform().m11() < 0.45:
            return  # too dense to help when zoomed far out
        painter.fillRect(rect, _dot_brush())


@functools.cache
def _dot_brush() -> QBrush:
    tile = QPixmap(int(GRID), int(GRID))
    tile.fill(Qt.GlobalColor.transparent)
    tile_painter = QPainter(tile)
    tile_painter.setPen(CANVAS_DOTS)
    tile_painter.drawPoint(0, 0)
    tile_painter.end()
    return QBrush(tile)
