"""How the textbook lines print numbers: 5 significant digits, real minus signs, subscripts.

Shared by the inspector's formulas and by the registries whose entries write their own formula
lines (core.activations, core.losses), so a number looks the same in every line.
"""

from __future__ import annotations

import math

from core.i18n import decimal_symbol

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def fmt(value: float, digits: int = 5) -> str:
    """A number as a textbook prints it: 5 significant digits, a real minus sign, no '-0', and
    the language's decimal symbol (0,5 in French: the inspector's formulas follow the language)."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPTS)}"
    return text.replace("-", "−").replace(".", decimal_symbol())


def sep() -> str:
    """What separates a function's arguments or a list's numbers: ", " in English; French,
    whose decimal comma would make "max(0, 0,5)" ambiguous, writes "max(0\u00a0; 0,5)"."""
    return ", " if decimal_symbol() == "." else "\u00a0; "


def factor(value: float) -> str:
    """A factor inside a product: negatives in parentheses, ``0.25×(−3)``."""
    text = fmt(value)
    return f"({text})" if text.startswith("−") else text


def sub(index: int) -> str:
    """1-based subscript for the index-th input: sub(0) == '₁'."""
    return str(index + 1).translate(_SUBSCRIPTS)
