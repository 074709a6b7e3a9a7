"""What the inspector draws on the canvas: a glow around the current layer's card and moving dashes
along its edges, downstream for the forward pass and upstream (another colour) for the backward.

Overlay items are display state only. The glow is a child of the card, so it follows drags; the
dashed paths copy their edge's curve on every tick (cheap), so they follow too. The scene may
delete items behind our back (a rebuild after opening a file), hence the validity checks.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene

from gui.style import PHASE_COLORS
TICK_MS = 40  # 25 frames a second: smooth enough, cheap enough
DASH_SPEED = 0.45  # pen widths per tick
GLOW_MARGIN = 7.0


class InspectorOverlay(QObject):
    """``show_stage(node, phase)`` highlights one layer; ``clear()`` removes everything."""

    def __init__(self, scene: QGraphicsScene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.node: str | None = None
        self.phase: str | None = None
        self.glow: QGraphicsPathItem | None = None
        self.flows: list[tuple[QGraphicsPathItem, object]] = []  # (overlay path, edge item)
        self._offset = 0.0
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._tick)

    # ----- public ------------------------------------------------------------------------
    def show_stage(self, node: str | None, phase: str) -> None:
        self.clear()
        layer = getattr(self.scene, "layer_items", {}).get(node) if node else None
        if layer is None:
            return
        self.node, self.phase = node, phase
        color = PHASE_COLORS.get(phase, PHASE_COLORS["forward"])
        self.glow = self._make_glow(layer, color)
        for edge in self._flow_edges(node, phase):
            self.flows.append((self._make_flow(edge, color), edge))
        if self.flows:
            self._timer.start()

    def clear(self) -> None:
        self._timer.stop()
        if self.glow is not None and shiboken6.isValid(self.glow):
            scene = self.glow.scene()
            if scene is not None:
                scene.removeItem(self.glow)
        for item, _ in self.flows:
            if shiboken6.isValid(item) and item.scene() is not None:
                item.scene().removeItem(item)
        self.glow, self.flows = None, []
        self.node = self.phase = None

    @property
    def is_animating(self) -> bool:
        return self._timer.isActive()

    # ----- construction ------------------------------------------------------------------
    def _flow_edges(self, node: str, phase: str) -> list:
        """Forward: the edges bringing values in. Backward: the edges bringing gradients back."""
        edges = getattr(self.scene, "edge_items", {})
        if phase == "forward":
            return [e for (u, v), e in edges.items() if v == node]
        if phase == "backward":
            return [e for (u, v), e in edges.items() if u == node]
        return []

    def _make_glow(self, layer: QGraphicsItem, color: QColor) -> QGraphicsPathItem:
        rect = layer.boundingRect().adjusted(6 - GLOW_MARGIN, 6 - GLOW_MARGIN,
                                             GLOW_MARGIN - 6, GLOW_MARGIN - 6)
        path = QPainterPath()
        path.addRoundedRect(rect, 12, 12)
        glow = QGraphicsPathItem(path, layer)
        halo = QColor(color)
        halo.setAlpha(150)
        glow.setPen(QPen(halo, 6.0))
        glow.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        glow.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        glow.setData(0, "inspector_glow")
        return glow

    def _make_flow(self, edge: QGraphicsPathItem, color: QColor) -> QGraphicsPathItem:
        item = QGraphicsPathItem(edge.path())
        pen = QPen(color, 3.5, Qt.PenStyle.CustomDashLine, Qt.PenCapStyle.RoundCap)
        pen.setDashPattern([2.0, 2.5])
        item.setPen(pen)
        item.setZValue(edge.zValue() + 0.5)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        item.setData(0, "inspector_flow")
        self.scene.addItem(item)
        return item

    # ----- animation ---------------------------------------------------------------------
    def _tick(self) -> None:
        """Move the dashes: a decreasing offset runs along the path (source → target)."""
        step = -DASH_SPEED if self.phase == "forward" else DASH_SPEED
        self._offset = (self._offset + step) % 9.0
        alive = []
        for item, edge in self.flows:
            if not (shiboken6.isValid(item) and shiboken6.isValid(edge)):
                continue
            if item.path() != edge.path():
                item.setPath(edge.path())
            pen = item.pen()
            pen.setDashOffset(self._offset)
            item.setPen(pen)
            alive.append((item, edge))
        self.flows = alive
        if not alive:
            self._timer.stop()
