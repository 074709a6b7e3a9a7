"""Moved to gui/style.py (every colour and font lives there); kept only until the last importers
are switched over."""

from gui.style import (BATCH_COLOR, CLASS_COLORS, ERROR_STYLE, HISTORY_COLORS,  # noqa: F401
                       INFO_STYLE, MUTED_STYLE, TRAIN_COLOR, VALIDATION_COLOR, WARNING_STYLE,
                       class_color, class_mixture_rgb, diverging_lut, diverging_rgb, value_colors)
