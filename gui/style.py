"""Every colour and font of the program: the palette, the canvas, the panels, the live views.

The only module under gui/ that writes a colour or a font (tests/test_architecture.py checks it), so
that one name means one look everywhere: a layer's category is the same in the palette icon, on its
card and in the properties header; an error is the same red in a card outline, a form and the
Problems list. Weight colours follow TensorFlow Playground (blue positive, orange negative) because
students often meet that picture first; the live views use the same pair for two classes.
"""

from __future__ import annotations

import re

import numpy as np
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
# Activation layers take theirs from their core.activations entry (``glyph``).
TYPE_GLYPHS = {"Dense": "Σ", "Dropout": "⋰", "BatchNorm": "μ", "Flatten": "≡", "Conv2d": "▦",
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

# ----- text, paper and the canvas' own marks -------------------------------------------------
TEXT_COLOR = QColor("#202124")
MUTED_COLOR = QColor("#5f6368")
FAINT_COLOR = QColor("#9aa0a6")  # a switched-off plot title, a marker line
PAPER = QColor("#ffffff")  # what text and marks are drawn on: empty ports, neuron fills, cells
TEXT_ON_COLOR = QColor("#ffffff")  # text and rims on a coloured fill (card headers, badges)
EDGE_COLOR = QColor("#5f6b7a")
NEURON_OUTLINE_COLOR = QColor("#37474f")
LABEL_BACKDROP = QColor(255, 255, 255, 225)  # behind a weight written on a neuron line
BIAS_ROW_COLOR = QColor("#f1f3f4")  # the weights table's bias row
SELECTED_COLUMN_COLOR = QColor("#fde9a9")  # warm: never confused with the blue of positive values
POINT_COLOR = QColor("#546e7a")  # data points without a class (regression inputs)
POINT_HALO = QColor(255, 255, 255, 170)
LEGEND_BACKDROP = QColor(255, 255, 255, 200)
# the inspector's four phases, on its timeline, its stage titles and the canvas highlight
PHASE_COLORS = {"forward": QColor("#1a73e8"), "loss": QColor("#8e24aa"),
                "backward": QColor("#e8710a"), "update": QColor("#188038")}

# ----- style sheets (widgets) ----------------------------------------------------------------
MUTED_STYLE = f"color:{MUTED_COLOR.name()};"
SMALL_MUTED_STYLE = MUTED_STYLE + " font-size:8pt;"
ERROR_TEXT_STYLE = f"color:{ERROR_COLOR.name()};"  # a refused value under its field
GOOD_TEXT_STYLE = f"color:{VALID_COLOR.name()};"
ERROR_STYLE = "background:#fdecea; color:#b71c1c; border:1px solid #f5c2c0;"  # message boxes
WARNING_STYLE = "background:#fff8e1; color:#7a4f01; border:1px solid #ffe08a;"
INFO_STYLE = "background:#e8f5e9; color:#1b5e20; border:1px solid #b7dfb9;"
# The training progress bar once a run ended: a failed run must not look like a finished one
PROGRESS_STYLES = {
    "ok": "",
    "warning": "QProgressBar { border:1px solid #e0b000; border-radius:3px; text-align:center; }"
               " QProgressBar::chunk { background:#ffd54f; }",
    "error": "QProgressBar { border:1px solid #c62828; border-radius:3px; text-align:center;"
             " color:#b71c1c; } QProgressBar::chunk { background:#ef9a9a; }",
}
NOTICE_STYLE = "color:#8a5300; background:#fef7e0; padding:4px; border-radius:4px;"
FORMULA_STYLE = ("background:#f8f9fa; border:1px solid #dadce0; border-radius:4px; padding:6px; "
                 "font-size:10pt;")

# ----- the live training views -----------------------------------------------------------------
CLASS_COLORS = (NEGATIVE_COLOR.name(), POSITIVE_COLOR.name(), "#2ca02c", "#9467bd", "#d62728",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
TRAIN_COLOR = "#1565c0"
VALIDATION_COLOR = "#e65100"
BATCH_COLOR = (120, 144, 156, 80)
HISTORY_COLORS = ("#7986cb", "#4db6ac", "#ba68c8", "#a1887f", "#90a4ae", "#f06292")


def category_color(category: str | None) -> QColor:
    return QColor(CATEGORY_COLORS.get(category or "", UNKNOWN_COLOR))


def tint(color: QColor, amount: float) -> QColor:
    """Blend ``color`` towards white; ``amount`` 0 keeps it, 1 gives white (card bodies)."""
    r, g, b = color.redF(), color.greenF(), color.blueF()
    return QColor.fromRgbF(r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def font(point_size: float | None = None, bold: bool = False, mono: bool = False) -> QFont:
    """The application font at ``point_size`` times the interface scale (None: the application
    font's size, which the window already scales)."""
    f = QFont()
    if mono:
        f.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        f.setStyleHint(QFont.StyleHint.Monospace)
    if point_size is not None:
        f.setPointSizeF(scaled_points(point_size))
    f.setBold(bold)
    return f


def marks_in_place(base: QFont) -> QFont:
    """``base`` drawn without OpenType shaping, for labels that show combining marks (Adam's m̂,
    v̂: letters with no precomposed form). Shaped through HarfBuzz, DejaVu Sans (Linux's default
    UI font) lifts U+0302 a whole line above its letter; unshaped, the font's own zero-width mark
    lands on the letter. Latin text needs no shaping, so nothing else changes."""
    f = QFont(base)
    f.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return f


def bold_only() -> QFont:
    """Bold and nothing else: an item's size then follows its view's font (interface scale)."""
    f = QFont()
    f.setBold(True)
    return f


def bolded(base: QFont) -> QFont:
    """``base`` in bold (a palette group, a selected column's header)."""
    f = QFont(base)
    f.setBold(True)
    return f


def smaller(base: QFont, by: float = 1.5, minimum: float = 7.0) -> QFont:
    """``base`` a little smaller, for tables that must fit a narrow dock: ``by`` and ``minimum``
    are desktop points, so at any interface scale the table stays the same share smaller."""
    f = QFont(base)
    f.setPointSizeF(max(scaled_points(minimum), base.pointSizeF() - scaled_points(by)))
    return f


def translucent(color: QColor, alpha: int) -> QColor:
    """``color`` with opacity ``alpha`` (0-255): a stage not reached yet."""
    c = QColor(color)
    c.setAlpha(alpha)
    return c


def strong_html(text: str, color: QColor | str, point_size: float | None = None) -> str:
    """Rich text for a coloured heading (a layer's name, an inspector stage); ``point_size`` in
    desktop points, written at the interface scale in force."""
    size = f" font-size:{scaled_points(point_size):g}pt;" if point_size else ""
    name = color.name() if isinstance(color, QColor) else color
    return f"<span style='font-weight:600; color:{name};{size}'>{text}</span>"


# ----- colour scales of the live views (boundary, preview, confusion matrix, neuron maps) --------
def class_color(index: int) -> QColor:
    return QColor(CLASS_COLORS[int(index) % len(CLASS_COLORS)])


def _rgb(color: str | QColor) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def _lighten(rgb: np.ndarray, amount: float) -> np.ndarray:
    return rgb + (255.0 - rgb) * amount


def diverging_lut(size: int = 256, lighten: float = 0.25) -> np.ndarray:
    """(size, 3) uint8 from orange (0) through white (middle) to blue (1).

    ``lighten`` keeps the extremes pale enough for the data points drawn on top to stand out.
    """
    low = _lighten(_rgb(CLASS_COLORS[0]), lighten)
    high = _lighten(_rgb(CLASS_COLORS[1]), lighten)
    t = np.linspace(-1.0, 1.0, size)[:, None]
    white = np.full(3, 255.0)
    rgb = np.where(t < 0, white + (low - white) * -t, white + (high - white) * t)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def diverging_rgb(values: np.ndarray, lighten: float = 0.0) -> np.ndarray:
    """Values in [-1, 1] -> (..., 3) uint8 on the orange-white-blue scale."""
    lut = diverging_lut(256, lighten)
    index = np.clip(np.round((np.asarray(values) + 1.0) * 127.5), 0, 255).astype(np.int64)
    return lut[index]


def class_mixture_rgb(probabilities: np.ndarray, lighten: float = 0.35) -> np.ndarray:
    """(..., K) probabilities -> (..., 3) uint8: each pixel mixes the class colours by probability,
    so confident regions show their class colour and uncertain ones look greyish."""
    k = probabilities.shape[-1]
    palette = np.stack([_lighten(_rgb(CLASS_COLORS[i % len(CLASS_COLORS)]), lighten)
                        for i in range(k)])
    return np.clip(probabilities @ palette, 0, 255).astype(np.uint8)


def value_colors(values: np.ndarray, low: float, high: float) -> list[QColor]:
    """Regression targets on the diverging scale (low = orange, high = blue)."""
    span = max(high - low, 1e-12)
    rgb = diverging_rgb((np.asarray(values) - low) / span * 2.0 - 1.0)
    return [QColor(int(r), int(g), int(b)) for r, g, b in rgb]


# ----- help pages, About box, empty-canvas hint (gui/help) and exports (gui/export.py) -----
HELP_FONT_POINT_SIZE = 11.0  # help is read, not glanced at: a size above the UI's
ABOUT_MUTED_COLOR = MUTED_COLOR.name()  # one muted grey for every panel
HINT_TEXT_COLOR = "#6b7280"  # on CANVAS_BACKGROUND: readable (contrast > 4.5) but clearly a hint
HINT_FONT_POINT_SIZE = 13.0
# as style sheets, so that presentation mode scales them like every other (see scaled_style_sheet)
HELP_TEXT_STYLE = f"font-size:{HELP_FONT_POINT_SIZE:g}pt;"
HINT_STYLE = f"color:{HINT_TEXT_COLOR}; background:transparent; font-size:{HINT_FONT_POINT_SIZE:g}pt;"
EXPORT_BACKGROUND = QColor("#ffffff")  # exported pictures go on slides and paper: plain white
EXPORT_MARGIN = 24  # scene units around the layers in an exported picture


# ----- interface scale (View ▸ Presentation mode, Ctrl+Shift+= / Ctrl+Shift+−) -----------------
# One number scales every font; sizes are written here at the desktop size (scale 1) and reach
# the screen at the interface scale in one of two ways:
# * widgets: the application font, and each style sheet's ``font-size: Npt`` (the window rewrites
#   every widget's sheet when the scale changes, and while it is not 1 each sheet set later, by a
#   widget created afterwards or re-set by its owner: gui/presentation.py). So a widget is given
#   a desktop-size sheet (a constant of this module), never a point size of its own (setFont).
# * what is painted (canvas cards, the gallery's captions, the inspector's timeline): `font()`
#   and `scaled_points` at layout or paint time, never kept in a module constant.
UI_SCALE_DEFAULT = 1.0
PRESENTATION_SCALE = 1.5  # a projector at the back of a classroom: 1.5x the desktop size
UI_SCALE_STEP = 0.1
UI_SCALE_LIMITS = (0.8, 2.5)
_FONT_SIZE_IN_SHEET = re.compile(r"font-size:\s*([0-9.]+)pt")
_ui = {"scale": UI_SCALE_DEFAULT}


def ui_scale() -> float:
    return _ui["scale"]


def clamp_ui_scale(scale: float) -> float:
    low, high = UI_SCALE_LIMITS
    return round(min(max(float(scale), low), high), 2)


def set_ui_scale(scale: float) -> float:
    """Make ``scale`` the interface scale (clamped); returns the scale now in force."""
    _ui["scale"] = clamp_ui_scale(scale)
    return _ui["scale"]


def scaled_points(points: float) -> float:
    """A desktop point size (or a length beside text), at the interface scale."""
    return points * _ui["scale"]


def scaled_style_sheet(sheet: str, scale: float | None = None) -> str:
    """``sheet`` (written at the desktop size) with each ``font-size: Npt`` multiplied by
    ``scale`` (default: the interface scale in force)."""
    factor = _ui["scale"] if scale is None else scale
    return _FONT_SIZE_IN_SHEET.sub(lambda m: f"font-size:{float(m.group(1)) * factor:g}pt", sheet)


def at_interface_scale(app_font: QFont, desktop_points: float) -> QFont:
    """The application font at ``desktop_points`` times the interface scale."""
    f = QFont(app_font)
    f.setPointSizeF(desktop_points * _ui["scale"])
    return f
