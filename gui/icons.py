"""Layer icons drawn with QPainter: a rounded square in the category colour with a glyph.

Drawn rather than shipped as files so every layer type (including ones added to the catalogue
later) gets a consistent icon without anyone opening an image editor.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from core.activations import for_layer_type
from core.layers import LayerSpec
from gui.style import CATEGORY_GLYPHS, TEXT_ON_COLOR, TYPE_GLYPHS, category_color, font

ICON_SIZE = 32


@lru_cache(maxsize=None)
def layer_icon(type_name: str, category: str) -> QIcon:
    return QIcon(_glyph_pixmap(layer_glyph(type_name, category), category_color(category)))


def layer_glyph(type_name: str, category: str) -> str:
    """The character on a layer's icon: an activation layer's from its registry entry."""
    entry = for_layer_type(type_name)
    own = entry.glyph if entry is not None else TYPE_GLYPHS.get(type_name)
    return own or CATEGORY_GLYPHS.get(category, "?")


def spec_icon(spec: LayerSpec) -> QIcon:
    return layer_icon(spec.type_name, spec.category)


def _filled_canvas(size: int, color: QColor) -> tuple[QPixmap, QPainter]:
    """A transparent square pixmap and a painter on it, set to fill shapes with ``color``."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    return pixmap, painter


def _glyph_pixmap(glyph: str, color: QColor) -> QPixmap:
    pixmap, painter = _filled_canvas(ICON_SIZE, color)
    rect = QRectF(1, 1, ICON_SIZE - 2, ICON_SIZE - 2)
    painter.drawRoundedRect(rect, 7, 7)
    painter.setPen(TEXT_ON_COLOR)
    painter.setFont(font(13, bold=True))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return pixmap


def dot_icon(color: QColor, size: int = 12) -> QIcon:
    """A filled circle (problem severities in the Problems list)."""
    pixmap, painter = _filled_canvas(size, color)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)
