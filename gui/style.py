"""Colours and fonts shared by the palette, the canvas cards and the panels.

One table per concept so that a layer's category looks the same in the palette icon, on its card
and in the properties header. Weight colours follow TensorFlow Playground (blue positive, orange
negative) because students often meet that picture first.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

CATEGORY_COLORS = {
    "Inputs": "#2e7d32",
    "Core": "#1565c0",
    "Activations": "#ad1457",
    "Convolution": "#00796b",
    "Recurrent": "#6d4c41",
    "Merge": "#455a64",
    "Output": "#5e35b1",
}
UNKNOWN_COLOR = "#757575"

# A glyph per layer type for palette icons (category glyph as fallback).
CATEGORY_GLYPHS = {"Inputs": "▶", "Core": "Σ", "Activations": "ƒ", "Convolution": "▦",
                   "Recurrent": "↻", "Merge": "+", "Output": "◎"}
TYPE_GLYPHS = {"Dense": "Σ", "Dropout": "⋰", "BatchNorm": "μ", "Flatten": "≡", "Step": "⌐",
               "Sigmoid": "σ", "Tanh": "τ", "ReLU": "⌟", "Softmax": "%", "Conv2d": "▦",
               "MaxPool2d": "▴", "AvgPool2d": "≈", "SimpleRNN": "↻", "LSTM": "L", "GRU": "G",
               "Add": "+", "Concatenate": "⧺", "Input": "▶", "Output": "◎"}

ERROR_COLOR = QColor("#d32f2f")
WARNING_COLOR = QColor("#f9a825")
SELECTION_COLOR = QColor("#1a73e8")
VALID_COLOR = QColor("#2e7d32")
POSITIVE_COLOR = QColor("#0877bd")
NEGATIVE_COLOR = QColor("#f59322")
NEUTRAL_EDGE_COLOR = QColor("#8a8f98")
CANVAS_BACKGROUND = QColor("#f7f8fa")
CANVAS_DOTS = QColor("#d5d9e0")


def category_color(category: str | None) -> QColor:
    return QColor(CATEGORY_COLORS.get(category or "", UNKNOWN_COLOR))


def tint(color: QColor, amount: float) -> QColor:
    """Blend ``color`` towards white; ``amount`` 0 keeps it, 1 gives white (card bodies)."""
    r, g, b = color.redF(), color.greenF(), color.blueF()
    return QColor.fromRgbF(r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def font(point_size: float, bold: bool = False, mono: bool = False) -> QFont:
    f = QFont()
    if mono:
        f.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        f.setStyleHint(QFont.StyleHint.Monospace)
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


# ----- help pages, About box, empty-canvas hint (gui/help) and exports (gui/export.py) -----
HELP_FONT_POINT_SIZE = 11.0  # help is read, not glanced at: a size above the UI's
ABOUT_MUTED_COLOR = "#5f6368"
HINT_TEXT_COLOR = "#6b7280"  # on CANVAS_BACKGROUND: readable (contrast > 4.5) but clearly a hint
HINT_FONT_POINT_SIZE = 13.0
EXPORT_BACKGROUND = QColor("#ffffff")  # exported pictures go on slides and paper: plain white
EXPORT_MARGIN = 24  # scene units around the layers in an exported picture
