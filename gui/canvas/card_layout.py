"""Geometry of a layer card, computed from its texts so nothing is ever clipped.

Card mode: one rounded box (header with the type, then the display name and the id under it in
small muted text — or the id alone —, parameter summary, output shape).
Neurons mode: the text box on top and, below it, a narrow column holding one circle per neuron
with the shape under it — so neuron-to-neuron lines run between narrow columns, like a textbook
figure, instead of across text.

The card follows the interface scale (View ▸ Presentation mode): its fonts, and every length
beside its text (padding, gaps, the minimum width, the width where a summary wraps), are desktop
sizes times the scale, taken when the card is laid out. A card at 150 % is the desktop card 1.5
times as large, laid out the same way, so nothing is clipped at any scale. The neuron column is
a picture, not text: it keeps its size (the neuron maps are drawn on it at a fixed resolution).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPainterPath

from gui.canvas import neurons
from gui.style import font, ui_scale

# desktop sizes (scale 1): points for the fonts, px for the lengths
TITLE_POINTS, ID_POINTS, SUMMARY_POINTS, SHAPE_POINTS = 9.0, 10.0, 8.5, 9.0
BADGE_POINTS, BADGE_RADIUS = 8.5, 7.5  # the "!" on a card with a problem
PAD = 10.0
MIN_WIDTH = 112.0
BADGE_ROOM = 18.0
SUMMARY_WRAP = 150.0  # px: longer parameter summaries continue on a second line
COLUMN_WIDTH = 2 * neurons.NEURON_RADIUS + 16  # the neuron column: not scaled
RADIUS = 8.0
_FONT_NAMES = {"TITLE_FONT": "title", "ID_FONT": "id", "SUMMARY_FONT": "summary",
               "SHAPE_FONT": "shape"}


@dataclass(frozen=True)
class CardFonts:
    title: QFont
    id: QFont
    summary: QFont
    shape: QFont
    badge: QFont


@functools.lru_cache(maxsize=8)
def _fonts_at(scale: float) -> CardFonts:  # `font()` reads the scale in force, which is `scale`
    return CardFonts(title=font(TITLE_POINTS, bold=True), id=font(ID_POINTS, bold=True),
                     summary=font(SUMMARY_POINTS), shape=font(SHAPE_POINTS, bold=True, mono=True),
                     badge=font(BADGE_POINTS, bold=True))


def fonts() -> CardFonts:
    """The card fonts at the interface scale in force."""
    return _fonts_at(ui_scale())


def px(length: float) -> float:
    """A desktop length beside the text, at the interface scale in force."""
    return length * ui_scale()


def __getattr__(name: str) -> QFont:
    """``TITLE_FONT``, ``ID_FONT``, ``SUMMARY_FONT``, ``SHAPE_FONT``: that font at the scale in
    force (a module constant would keep the scale of the moment it was imported)."""
    if name in _FONT_NAMES:
        return getattr(fonts(), _FONT_NAMES[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    scale: float = 1.0  # the interface scale it was laid out at

    def px(self, length: float) -> float:
        """A desktop length at the scale of this layout (for what is painted beside the text)."""
        return length * self.scale

    def outline(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.body, self.px(RADIUS), self.px(RADIUS))
        if self.column is not None:
            column = QPainterPath()
            column.addRoundedRect(self.column, COLUMN_WIDTH / 2, COLUMN_WIDTH / 2)
            path = path.united(column)
        return path


def wrap_summary(summary: str, max_width: float | None = None) -> list[str]:
    """'units 4 · activation tanh · bias on' on one line if it fits in ``max_width`` (default
    SUMMARY_WRAP at the scale), else one parameter per line (the same rule for every card, so
    cards of one type look alike, at any scale)."""
    if not summary:
        return []
    limit = px(SUMMARY_WRAP) if max_width is None else max_width
    if QFontMetricsF(fonts().summary).horizontalAdvance(summary) <= limit:
        return [summary]
    return summary.split(" · ")


def text_lines(title: str, layer_id: str, summary: str, shape_label: str, label: str = ""
               ) -> list[tuple[str, QFont, str]]:
    """The card's lines, top to bottom. A display name takes the id's place and font; the id
    stays under it, smaller (the name files, messages and PyTorch use)."""
    f = fonts()
    lines = [("title", f.title, title)]
    lines += [("label", f.id, label), ("id", f.summary, f"id {layer_id}")] if label \
        else [("id", f.id, layer_id)]
    lines += [(f"summary{i}", f.summary, text) for i, text in enumerate(wrap_summary(summary))]
    lines.append(("shape", f.shape, shape_label))
    return lines


def layout_card(lines: list[tuple[str, QFont, str]], neuron_total: int) -> CardGeometry:
    """Each line's rect, in its font's height; every length beside the text at the scale."""
    pad = px(PAD)
    widths = [QFontMetricsF(f).horizontalAdvance(text) for _, f, text in lines]
    width = max(px(MIN_WIDTH), max(widths) + 2 * pad + px(BADGE_ROOM))
    rects: dict[str, QRectF] = {}
    y = 0.0
    for key, line_font, _ in lines:
        height = QFontMetricsF(line_font).height()
        if key == "title":
            rects[key] = QRectF(pad, px(4), width - 2 * pad - px(BADGE_ROOM), height)
            y = height + px(8 + 6)
        elif key != "shape" or not neuron_total:
            rects[key] = QRectF(pad, y, width - 2 * pad, height)
            y += height + px(3 if key != "shape" else 8)
    if not neuron_total:
        body = QRectF(0, 0, width, y)
        return CardGeometry(width, y, body, None, rects, port_y=y / 2, port_x=(0.0, width),
                            scale=ui_scale())
    return _with_column(width, y + px(4), rects, neuron_total)


def _with_column(width: float, body_height: float, rects: dict[str, QRectF],
                 neuron_total: int) -> CardGeometry:
    body = QRectF(0, 0, width, body_height)
    column = QRectF((width - COLUMN_WIDTH) / 2, body_height + 8, COLUMN_WIDTH,
                    neurons.column_height(neuron_total) + 12)
    shape_height = QFontMetricsF(fonts().shape).height()
    rects["shape"] = QRectF(0, column.bottom() + px(3), width, shape_height)
    height = rects["shape"].bottom() + px(3)
    return CardGeometry(width, height, body, column, rects, neuron_top=column.top() + 6,
                        port_y=body.center().y(), port_x=(0.0, width), scale=ui_scale())
