"""Connection items: a curved arrow between two cards, or neuron-to-neuron lines in neurons view.

An edge knows its two card items only for geometry; the connection itself lives in the graph.
In neurons view the lines and their pens are computed once per geometry/weights change and the
item just repaints them, so live weight updates during training stay cheap.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyle, QStyleOptionGraphicsItem, QWidget

from gui.canvas import neurons
from gui.canvas.items import LayerItem
from gui.style import (EDGE_COLOR, ERROR_COLOR, LABEL_BACKDROP, NEUTRAL_EDGE_COLOR, SELECTION_COLOR,
                       VALID_COLOR, font)

LABEL_FONT = font(7.5)


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal S-curve, the usual shape of dataflow editors' links."""
    path = QPainterPath(start)
    dx = max(40.0, abs(end.x() - start.x()) * 0.5)
    path.cubicTo(start + QPointF(dx, 0), end - QPointF(dx, 0), end)
    return path


class EdgeItem(QGraphicsPathItem):
    def __init__(self, source: LayerItem, target: LayerItem) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.neuron_mode = False
        self._lines: list[QLineF] = []
        self._pens: list[QPen] = []
        self._labels: list[str] = []
        self._weights: np.ndarray | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(-1)
        self.setPen(QPen(EDGE_COLOR, 2.0))
        source.edges.append(self)
        target.edges.append(self)
        self.adjust()

    @property
    def key(self) -> tuple[str, str]:
        return (self.source.layer_id, self.target.layer_id)

    def detach(self) -> None:
        for item in (self.source, self.target):
            if self in item.edges:
                item.edges.remove(self)

    # ----- geometry and weights ----------------------------------------------------------
    def set_neuron_mode(self, on: bool, weights: np.ndarray | None = None) -> None:
        self.neuron_mode = on
        self._weights = weights
        self.setZValue(1 if on else -1)  # neuron lines cross the card bodies to reach the circles
        self.adjust()

    def set_weights(self, weights: np.ndarray | None) -> None:
        """New weight values: recompute pens and labels only (geometry is unchanged)."""
        self._weights = weights
        if self.neuron_mode:
            self._update_pens()
            self.update()

    def adjust(self) -> None:
        if self.neuron_mode:
            self._lines = neurons.neuron_lines(self.source.neuron_scene_positions(),
                                               self.target.neuron_scene_positions())
            path = QPainterPath()
            for line in self._lines:
                path.moveTo(line.p1())
                path.lineTo(line.p2())
            self.setPath(path)
            self._update_pens()
        else:
            self._lines = []
            self.setPath(curve(self.source.port_scene_pos("out"), self.target.port_scene_pos("in")))

    def _update_pens(self) -> None:
        n_in, n_out = self.source.neuron_total, self.target.neuron_total
        self._pens = neurons.weight_pens(self._weights, n_in, n_out)
        fits = self._weights is not None and self._weights.shape == (n_in, n_out)
        small = n_in * n_out <= neurons.LABELLED_LINES
        self._labels = [neurons.format_weight(v) for v in self._weights.reshape(-1)] \
            if fits and small else []

    # ----- painting ----------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802
        return super().boundingRect().adjusted(-12, -12, 12, 12)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if self.neuron_mode:
            self._paint_neuron_lines(painter, selected)
            return
        pen = QPen(SELECTION_COLOR if selected else EDGE_COLOR, 3.0 if selected else 2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        self._paint_arrow_head(painter, pen.color())

    def _paint_arrow_head(self, painter: QPainter, color: QColor) -> None:
        end = self.path().pointAtPercent(1.0)
        tip = end - QPointF(6.5, 0)  # stop at the port's rim
        head = QPolygonF([tip, tip + QPointF(-9, -5), tip + QPointF(-9, 5)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(head)

    def _paint_neuron_lines(self, painter: QPainter, selected: bool) -> None:
        if selected:
            painter.setPen(QPen(SELECTION_COLOR.lighter(150), 6.0))
            for line in self._lines:
                painter.drawLine(line)
        for line, pen in zip(self._lines, self._pens):
            painter.setPen(pen)
            painter.drawLine(line)
        if self._labels:
            self._paint_labels(painter)

    def _paint_labels(self, painter: QPainter) -> None:
        painter.setFont(LABEL_FONT)
        targets = max(1, self.target.neuron_total)
        for index, (line, text, pen) in enumerate(zip(self._lines, self._labels, self._pens)):
            at = line.pointAt(neurons.label_position(index % targets, targets))
            rect = QRectF(at.x() - 16, at.y() - 8, 32, 14)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(LABEL_BACKDROP)
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(pen.color().darker(130))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class DraftEdge(QGraphicsPathItem):
    """The rubber-band curve that follows the mouse while a connection is being drawn."""

    def __init__(self, anchor: QPointF, from_output: bool) -> None:
        super().__init__()
        self.anchor, self.from_output = anchor, from_output
        pen = QPen(NEUTRAL_EDGE_COLOR.darker(120), 2.0, Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.setZValue(10)
        self.move_to(anchor)

    def move_to(self, pos: QPointF) -> None:
        start, end = (self.anchor, pos) if self.from_output else (pos, self.anchor)
        self.setPath(curve(start, end))

    def set_valid(self, valid: bool | None) -> None:
        """Green over an acceptable port, red over a refused one, grey elsewhere."""
        color = {True: VALID_COLOR, False: ERROR_COLOR}.get(valid, NEUTRAL_EDGE_COLOR)
        self.setPen(QPen(color, 2.0, Qt.PenStyle.DashLine))
