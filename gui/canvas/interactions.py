"""Mouse gestures of the canvas that are more than Qt's built-in select/move: drawing a
connection from a port, and panning with the middle button or space + left drag.

Kept apart from the view so each gesture is a small state object with start/move/finish, and the
view's event handlers only dispatch.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from core.graph import NetworkGraph
from core.validation import connection_problem
from gui.canvas.edges import DraftEdge
from gui.canvas.items import LayerItem, PortItem

SNAP_RADIUS = 14.0  # scene units around the cursor in which a port counts as hit


def port_near(scene: QGraphicsScene, pos: QPointF, kind: str | None = None) -> PortItem | None:
    """The port closest to ``pos`` within SNAP_RADIUS (of the given kind, if any)."""
    r = SNAP_RADIUS
    candidates = [i for i in scene.items(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r))
                  if isinstance(i, PortItem) and (kind is None or i.kind == kind)]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (p.scenePos() - pos).manhattanLength())


def layer_at(scene: QGraphicsScene, pos: QPointF) -> LayerItem | None:
    for item in scene.items(pos):
        while item is not None and not isinstance(item, LayerItem):
            item = item.parentItem()
        if item is not None:
            return item
    return None


class ConnectionDrag:
    """A connection being drawn from an output port (or backwards from an input port)."""

    def __init__(self, scene: QGraphicsScene, graph: NetworkGraph, port: PortItem) -> None:
        self.scene, self.graph, self.port = scene, graph, port
        self.draft = DraftEdge(port.scenePos(), port.kind == "out")
        scene.addItem(self.draft)
        self._highlighted: PortItem | None = None
        self.refusal: str | None = None  # why the connection under the cursor is refused

    def endpoints_at(self, pos: QPointF) -> tuple[str, str] | None:
        """(source, target) if the cursor is over a port of the other kind or over a card."""
        wanted = "in" if self.port.kind == "out" else "out"
        other = port_near(self.scene, pos, wanted)
        layer = other.layer if other else layer_at(self.scene, pos)
        if layer is None or (layer is self.port.layer and other is None):
            return None
        mine = self.port.layer.layer_id
        return (mine, layer.layer_id) if self.port.kind == "out" else (layer.layer_id, mine)

    def move(self, pos: QPointF) -> None:
        """Follow the cursor; over a layer, say at once whether (and why not) it may connect:
        the same rule, in the same words, as the document applies on release."""
        self.draft.move_to(pos)
        ends = self.endpoints_at(pos)
        self.refusal = None if ends is None else connection_problem(self.graph, *ends)
        self.draft.set_valid(None if ends is None else self.refusal is None)
        self._highlight(port_near(self.scene, pos, "in" if self.port.kind == "out" else "out"))

    def finish(self, pos: QPointF) -> tuple[str, str] | None:
        ends = self.endpoints_at(pos)
        self.cancel()
        return ends

    def cancel(self) -> None:
        self._highlight(None)
        if self.draft.scene() is not None:
            self.scene.removeItem(self.draft)

    def _highlight(self, port: PortItem | None) -> None:
        if self._highlighted is not None and self._highlighted.scene() is not None:
            self._highlighted.set_highlighted(False)
        self._highlighted = port
        if port is not None:
            port.set_highlighted(True)


class Panner:
    """Scrolls the view by the mouse delta while the middle button (or space + left) is held."""

    def __init__(self, view: QGraphicsView) -> None:
        self.view = view
        self.space_held = False
        self._last: QPoint | None = None

    @property
    def active(self) -> bool:
        return self._last is not None

    def wants(self, button: Qt.MouseButton) -> bool:
        return button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self.space_held)

    def start(self, pos: QPoint) -> None:
        self._last = pos
        self.view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, pos: QPoint) -> None:
        delta = pos - self._last
        self._last = pos
        h, v = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        h.setValue(h.value() - delta.x())
        v.setValue(v.value() - delta.y())

    def finish(self) -> None:
        self._last = None
        self.view.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self.space_held
                                       else Qt.CursorShape.ArrowCursor)
