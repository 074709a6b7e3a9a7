"""Layer cards and their ports. Items hold a layer id and what to draw, never model data.

A card is sized to its text (no clipping at any zoom): header with the layer type, then the
display name when the layer has one (with the id under it, smaller), else the id, then the key
parameters and the inferred output shape. In the neurons view the card also shows one
circle per neuron between the summary and the shape. Its text follows the interface scale
(gui/canvas/card_layout.py): the window calls `follow_interface_scale` when the scale changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsSceneHoverEvent,
                               QGraphicsSceneMouseEvent, QStyleOptionGraphicsItem, QWidget)

from core.layers import LayerSpec, get_spec
from gui.canvas import card_layout, neurons
from gui.style import (ERROR_COLOR, MUTED_COLOR, NEURON_OUTLINE_COLOR, PAPER, SELECTION_COLOR,
                       TEXT_COLOR, TEXT_ON_COLOR, category_color, tint, ui_scale)

if TYPE_CHECKING:
    from gui.canvas.edges import EdgeItem


class PortItem(QGraphicsEllipseItem):
    """The input (left) or output (right) connector of a card; drags start and end on these."""

    RADIUS = 6.5

    def __init__(self, layer: "LayerItem", kind: str) -> None:
        r = self.RADIUS
        super().__init__(-r, -r, 2 * r, 2 * r, layer)
        self.kind = kind  # "in" or "out"
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        self.setToolTip("Drag to another layer to connect" if kind == "out"
                        else "Drop a connection here")
        self.set_highlighted(False)

    @property
    def layer(self) -> "LayerItem":
        return self.parentItem()  # type: ignore[return-value]

    def set_highlighted(self, on: bool) -> None:
        color = self.layer.color
        self.setPen(QPen(color.darker(120), 2.0))
        self.setBrush(QBrush(color if on else PAPER))

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self.set_highlighted(True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self.set_highlighted(False)
        super().hoverLeaveEvent(event)


class LayerItem(QGraphicsItem):
    """One layer's card. The scene pushes what to show (`set_display`); the card never reads the
    model, so undo/redo and other views update it exactly like a direct edit does."""

    def __init__(self, layer_id: str, layer_type: str) -> None:
        super().__init__()
        self.layer_id = layer_id
        self.layer_type = layer_type
        self.spec: LayerSpec | None = _spec(layer_type)
        self.color = category_color(self.spec.category if self.spec else None)
        self.title = self.spec.display_name if self.spec else f"{layer_type} (unknown)"
        self.summary = ""
        self.shape_label = "→ ?"
        self.label = ""  # the display name ("": the id is the card's name)
        self.problems: list[str] = []
        self.neuron_total = 0
        self.biases: np.ndarray | None = None
        self.edges: list["EdgeItem"] = []
        self._geometry: card_layout.CardGeometry
        self._text: list[tuple[str, QFont, str]] = []  # the lines as laid out (and painted)
        self._fonts = card_layout.fonts()
        self._scale = ui_scale()  # the interface scale they were laid out at
        self._outline = QPainterPath()
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        has_input = self.spec is None or self.spec.max_inputs != 0
        has_output = self.spec is None or self.spec.has_output
        self.in_port = PortItem(self, "in") if has_input else None
        self.out_port = PortItem(self, "out") if has_output else None
        self._relayout()

    # ----- display state -----------------------------------------------------------------
    def set_display(self, layer_id: str, summary: str, shape_label: str, problems: list[str],
                    neuron_total: int, label: str = "") -> None:
        """Update everything drawn from the model; relayout only when the size may change."""
        changed = (layer_id, summary, shape_label, neuron_total, label) != \
            (self.layer_id, self.summary, self.shape_label, self.neuron_total, self.label)
        self.layer_id, self.summary, self.shape_label = layer_id, summary, shape_label
        self.neuron_total, self.label = neuron_total, label
        self.problems = list(problems)
        if changed:
            self._relayout()
        self._update_tooltip()
        self.update()

    def set_biases(self, biases: np.ndarray | None) -> None:
        self.biases = biases
        self.update()

    def port_scene_pos(self, kind: str) -> QPointF:
        port = self.in_port if kind == "in" else self.out_port
        if port is None:
            return self.mapToScene(self._geometry.body.center())
        return port.scenePos()

    def neuron_scene_positions(self) -> list[QPointF]:
        return [self.mapToScene(self._neuron_center(i)) for i in range(self.neuron_total)]

    def size(self) -> tuple[float, float]:
        return (self._geometry.width, self._geometry.height)

    def id_rect(self) -> QRectF:
        return QRectF(self._geometry.rects.get("id", QRectF()))

    # ----- geometry ----------------------------------------------------------------------
    def _lines(self) -> list[tuple[str, QFont, str]]:
        return card_layout.text_lines(self.title, self.layer_id, self.summary, self.shape_label,
                                      self.label)

    def follow_interface_scale(self) -> None:
        """Lay the card out again in its fonts at the interface scale now in force. What an
        overlay hung on the card follows it: a halo behind it (the inspector's glow) grows with
        the card, a picture on its neurons (a neuron map) moves with the neuron column."""
        if self._scale == ui_scale():
            return
        size, neuron = self.size(), self._neuron_center(0)
        self._relayout()
        grow = QTransform.fromScale(self.size()[0] / size[0], self.size()[1] / size[1])
        shift = self._neuron_center(0) - neuron
        for child in self.childItems():
            if child is self.in_port or child is self.out_port:
                continue
            if child.flags() & QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent:
                child.setTransform(grow, combine=True)
            elif self.neuron_total:
                child.moveBy(shift.x(), shift.y())
        self.update()

    def _relayout(self) -> None:
        self.prepareGeometryChange()
        self._scale, self._fonts = ui_scale(), card_layout.fonts()
        self._text = self._lines()
        self._geometry = card_layout.layout_card(self._text, self.neuron_total)
        self._outline = self._geometry.outline()
        x_in, x_out = self._geometry.port_x
        if self.in_port:
            self.in_port.setPos(x_in, self._geometry.port_y)
        if self.out_port:
            self.out_port.setPos(x_out, self._geometry.port_y)
        for edge in self.edges:
            edge.adjust()

    def _neuron_center(self, index: int) -> QPointF:
        return QPointF(self._geometry.width / 2,
                       self._geometry.neuron_top + neurons.NEURON_PITCH * (index + 0.5))

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(0, 0, self._geometry.width, self._geometry.height).adjusted(-6, -6, 6, 6)

    def shape(self) -> QPainterPath:
        return self._outline

    # ----- painting ----------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.isSelected():
            painter.strokePath(self._outline, QPen(SELECTION_COLOR, 8.0))
        painter.fillPath(self._outline, tint(self.color, 0.9))
        painter.save()
        body = QPainterPath()
        body.addRoundedRect(self._geometry.body, self._geometry.px(card_layout.RADIUS),
                            self._geometry.px(card_layout.RADIUS))
        painter.setClipPath(body)
        header = self._geometry.rects["title"].bottom() + self._geometry.px(4)
        painter.fillRect(QRectF(0, 0, self._geometry.width, header), self.color)
        painter.restore()
        self._paint_texts(painter)
        if self.neuron_total:
            self._paint_neurons(painter)
        outline = QPen(ERROR_COLOR, 2.5) if self.problems else QPen(self.color.darker(130), 1.0)
        painter.strokePath(self._outline, outline)
        if self.problems:
            self._paint_badge(painter)

    def _paint_texts(self, painter: QPainter) -> None:
        shape_align = Qt.AlignmentFlag.AlignHCenter if self.neuron_total \
            else Qt.AlignmentFlag.AlignLeft
        for key, line_font, text in self._text:
            color = {"title": TEXT_ON_COLOR, "label": TEXT_COLOR,
                     "id": MUTED_COLOR if self.label else TEXT_COLOR,
                     "shape": self.color.darker(140)}.get(key, MUTED_COLOR)
            painter.setFont(line_font)
            painter.setPen(color)
            align = shape_align if key == "shape" else Qt.AlignmentFlag.AlignLeft
            painter.drawText(self._geometry.rects[key], align | Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_neurons(self, painter: QPainter) -> None:
        painter.setPen(QPen(NEURON_OUTLINE_COLOR, 1.4))
        r = neurons.NEURON_RADIUS
        for i in range(self.neuron_total):
            bias = None
            if self.biases is not None and self.biases.shape == (self.neuron_total,):
                bias = float(self.biases[i])
            painter.setBrush(neurons.neuron_fill(bias))
            painter.drawEllipse(self._neuron_center(i), r, r)

    def _paint_badge(self, painter: QPainter) -> None:
        r = self._geometry.px(card_layout.BADGE_RADIUS)
        center = QPointF(self._geometry.width - self._geometry.px(12),
                         self._geometry.rects["title"].center().y())
        painter.setPen(QPen(TEXT_ON_COLOR, 1.5))
        painter.setBrush(ERROR_COLOR)
        painter.drawEllipse(center, r, r)
        painter.setFont(self._fonts.badge)
        painter.drawText(QRectF(center.x() - r, center.y() - r, 2 * r, 2 * r),
                         Qt.AlignmentFlag.AlignCenter, "!")

    def _update_tooltip(self) -> None:
        lines = [f"{self.title} “{self.label}” (id '{self.layer_id}')" if self.label
                 else f"{self.title} '{self.layer_id}'"]
        if self.spec:
            lines.append(self.spec.description)
        if self.problems:
            lines.append("")
            lines += [f"⚠ {message}" for message in self.problems]
        self.setToolTip("\n".join(lines))

    # ----- Qt hooks ----------------------------------------------------------------------
    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
        return super().itemChange(change, value)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        """A double-click on the card's name (its type, display name or id line) edits the
        display name, the name the user sees (gui/edit_actions.py says why)."""
        scene = self.scene()
        names = [r for k, r in self._geometry.rects.items() if k in ("title", "label", "id")]
        if any(r.adjusted(-4, -3, 4, 3).contains(event.pos()) for r in names) \
                and hasattr(scene, "label_edit_requested"):
            scene.label_edit_requested.emit(self.layer_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)


def _spec(layer_type: str) -> LayerSpec | None:
    try:
        return get_spec(layer_type)
    except KeyError:
        return None
