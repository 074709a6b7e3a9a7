"""One schema for every parameter: layer parameters, dataset generators and training settings.

A `ParamSpec` is the single home of a parameter's type, default, range, label and help. Everything
else is derived from it: the file format checks values with ``check`` (strict: the file must hold
the right JSON type), the properties panel and the settings form build their widgets from it
(gui/param_editors.py), and user input is converted with ``coerce`` (lenient: "4" becomes 4).
A widget therefore never has a range of its own, so core and widget cannot disagree again.

The last group of fields are presentation hints for the generated editors; they change nothing
about which values are valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


class ParamError(ValueError):
    """A parameter value is outside its schema (wrong type, out of range, unknown choice)."""


@dataclass(frozen=True)
class ParamSpec:
    """One typed parameter. ``kind`` is int, float, bool, choice or shape (a tuple of ints)."""

    name: str
    kind: str
    default: Any
    label: str
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    open_minimum: bool = False  # the minimum itself is refused: a learning rate must be > 0
    # ----- presentation hints for generated editors (not part of validity) -----
    choice_titles: tuple[str, ...] = ()  # one per choice, e.g. "Binary cross-entropy (bce)"
    step: float | None = None  # spin-box single step
    decimals: int | None = None  # spin-box decimals
    special: str = ""  # text shown for the minimum value ("off", "full batch")
    suffix: str = ""  # unit after the number (" epochs")
    presets: tuple[str, ...] = ()  # suggested values: the editor becomes an editable list

    def title_of(self, choice: str) -> str:
        """The display title of one choice (the choice itself when no titles are given)."""
        if self.choice_titles and choice in self.choices:
            return self.choice_titles[self.choices.index(choice)]
        return choice

    def coerce(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParamError saying why."""
        try:
            converted = _COERCERS[self.kind](self, value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ParamError(f"{self.label}: {exc}") from None
        self._check_range(converted)
        return converted

    def check(self, value: Any) -> None:
        """Strict check of a stored value (a file's JSON type must already be right).

        Raises ParamError with a message that does not repeat the name, e.g. "must be a whole
        number (got 2.5)", so records can prefix the field as they report it.
        """
        _STRICT[self.kind](self, value)

    def _check_range(self, value: Any) -> None:
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            if self.minimum is not None and (v < self.minimum
                                             or (self.open_minimum and v == self.minimum)):
                bound = "greater than" if self.open_minimum else "at least"
                raise ParamError(f"{self.label} must be {bound} {self.minimum:g} (got {v:g}).")
            if self.maximum is not None and v > self.maximum:
                raise ParamError(f"{self.label} must be at most {self.maximum:g} (got {v:g}).")


def _number(value: Any, what: str) -> float:
    """float(value) with a message a learner understands ("expected a number, got 'four'")."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected {what}, got {value!r}")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"expected {what}, got {value!r}") from None
    except OverflowError:
        raise ValueError("the value is far too large") from None


def _to_int(spec: ParamSpec, value: Any) -> int:
    number = _number(value, "a whole number")
    if not number.is_integer():
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(number)


def _to_float(spec: ParamSpec, value: Any) -> float:
    number = _number(value, "a number")
    if not np.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _to_bool(spec: ParamSpec, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {value!r}")


def _to_choice(spec: ParamSpec, value: Any) -> str:
    if not isinstance(value, str) or value not in spec.choices:
        raise ValueError(f"expected one of {', '.join(spec.choices)}, got {value!r}")
    return value


def _to_shape(spec: ParamSpec, value: Any) -> tuple[int, ...]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, str):
        value = [part for part in value.replace("x", ",").replace("×", ",").split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or not 1 <= len(value) <= 3:
        raise ValueError("expected 1 to 3 sizes, e.g. 2 or 1x8x8")
    dims = tuple(_to_int(spec, v) for v in value)
    if any(d < 1 for d in dims):
        raise ValueError("every size must be at least 1")
    return dims


_COERCERS: dict[str, Callable[[ParamSpec, Any], Any]] = {
    "int": _to_int, "float": _to_float, "bool": _to_bool, "choice": _to_choice, "shape": _to_shape,
}


# ----- strict checks of stored values ------------------------------------------------------------
def _strict_choice(spec: ParamSpec, value: Any) -> None:
    if value not in spec.choices:
        raise ParamError(f"must be one of {', '.join(spec.choices)} (got {value!r})")


def _strict_float(spec: ParamSpec, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParamError(f"must be a number (got {value!r})")
    low, high = spec.minimum, spec.maximum
    if value != value or (high is not None and value > high) or (low is not None and (
            value < low or (spec.open_minimum and value == low))):
        bound = f"greater than {low:g}" if spec.open_minimum else f"at least {low:g}"
        raise ParamError(f"must be {bound} and at most {high:g} (got {value!r})")


def _strict_int(spec: ParamSpec, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamError(f"must be a whole number (got {value!r})")
    if not spec.minimum <= value <= spec.maximum:
        raise ParamError(f"must be between {int(spec.minimum)} and {int(spec.maximum)} (got {value})")


def _strict_bool(spec: ParamSpec, value: Any) -> None:
    if not isinstance(value, bool):
        raise ParamError("must be true or false")


def _strict_shape(spec: ParamSpec, value: Any) -> None:
    spec.coerce(value)


_STRICT: dict[str, Callable[[ParamSpec, Any], None]] = {
    "int": _strict_int, "float": _strict_float, "bool": _strict_bool, "choice": _strict_choice,
    "shape": _strict_shape,
}


def spec_named(specs: tuple[ParamSpec, ...], name: str) -> ParamSpec:
    """The spec called ``name`` in a schema (KeyError naming it otherwise)."""
    for spec in specs:
        if spec.name == name:
            return spec
    raise KeyError(name)
