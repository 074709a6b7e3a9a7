"""Geometry of a layer card, computed from its texts so nothing is ever clipped.

Card mode: one rounded box (header with the type, then the display name and the id under it in
small muted text — or the id alone —, parameter summary, output shape).
Neurons mode: the text box on top and, below it, a narrow column holding one circle per neuron
with the shape under it — so neuron-to-neuron lines run between narrow columns, like a textbook
figure, instead of across text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPainterPath

from gui.canvas import neurons
from gui.style import font

TITLE_FONT = font(9.0, bold=True)
ID_FONT = font(10.0, bold=True)
SUMMARY_FONT = font(8.5)
SHAPE_FONT = font(9.0, bold=True, mono=True)
PAD = 10.0
MIN_WIDTH = 112.0
BADGE_ROOM = 18.0
SUMMARY_WRAP = 150.0  # px: longer parameter summaries continue on a second line
COLUMN_WIDTH = 2 * neurons.NEURON_RADIUS + 16
RADIUS = 8.0


@dataclass
class CardGeometry:
    width: float
    height: float
    body: QRectF  # the text box
    column: QRectF | None  # the neuron column (neurons mode only)
    rects: dict[str, QRectF] = field(default_factory=dict)  # text line -> rect
    neuron_top: float = 0.0
    port_y: float = 0.0
    port_x: tuple[float, float] = (0.0, 0.0)  # input and output port x (on the text box)

    def outline(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.body, RADIUS, RADIUS)
        if self.column is not None:
            column = QPainterPath()
            column.addRoundedRect(self.column, COLUMN_WIDTH / 2, COLUMN_WIDTH / 2)
            path = path.united(column)
        return path


def wrap_summary(summary: str, max_width: float = SUMMARY_WRAP) -> list[str]:
    """'units 4 · activation tanh · bias on' on one line if it fits, else one parameter per line
    (the same rule for every card, so cards of one type look alike)."""
    if not summary:
        return []
    if QFontMetricsF(SUMMARY_FONT).horizontalAdvance(summary) <= max_width:
        return [summary]
    return summary.split(" · ")


def text_lines(title: str, layer_id: str, summary: str, shape_label: str, label: str = ""
               ) -> list[tuple[str, QFont, str]]:
    """The card's lines, top to bottom. A display name takes the id's place and font; the id
    stays under it, smaller (the name files, messages and PyTorch use)."""
    lines = [("title", TITLE_FONT, title)]
    lines += [("label", ID_FONT, label), ("id", SUMMARY_FONT, f"id {layer_id}")] if label \
        else [("id", ID_FONT, layer_id)]
    lines += [(f"summary{i}", SUMMARY_FONT, text) for i, text in enumerate(wrap_summary(summary))]
    lines.append(("shape", SHAPE_FONT, shape_label))
    return lines


def layout_card(lines: list[tuple[str, QFont, str]], neuron_total: int) -> CardGeometry:
    widths = [QFontMetricsF(f).horizontalAdvance(text) for _, f, text in lines]
    width = max(MIN_WIDTH, max(widths) + 2 * PAD + BADGE_ROOM)
    rects: dict[str, QRectF] = {}
    y = 0.0
    for key, line_font, _ in lines:
        height = QFontMetricsF(line_font).height()
        if key == "title":
            rects[key] = QRectF(PAD, 4, width - 2 * PAD - BADGE_ROOM, height)
            y = height + 8 + 6
        elif key != "shape" or not neuron_total:
            rects[key] = QRectF(PAD, y, width - 2 * PAD, height)
            y += height + (3 if key != "shape" else 8)
    if not neuron_total:
        body = QRectF(0, 0, width, y)
        return CardGeometry(width, y, body, None, rects, port_y=y / 2, port_x=(0.0, width))
    return _with_column(width, y + 4, rects, neuron_total)


def _with_column(width: float, body_height: float, rects: dict[str, QRectF],
                 neuron_total: int) -> CardGeometry:
    body = QRectF(0, 0, width, body_height)
    column = QRectF((width - COLUMN_WIDTH) / 2, body_height + 8, COLUMN_WIDTH,
                    neurons.column_height(neuron_total) + 12)
    shape_height = QFontMetricsF(SHAPE_FONT).height()
    rects["shape"] = QRectF(0, column.bottom() + 3, width, shape_height)
    height = rects["shape"].bottom() + 3
    return CardGeometry(width, height, body, column, rects, neuron_top=column.top() + 6,
                        port_y=body.center().y(), port_x=(0.0, width))
