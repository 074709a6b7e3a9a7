"""Layer specifications: parameter schemas, shape inference and torch builders.

A `LayerSpec` describes one layer type once, for everyone: the palette (category, description),
the properties panel (typed `ParamSpec`s with ranges), validation (``infer_shape``), the compiler
(``build``) and the file format (weight layout conversion). Shapes never include the batch axis:
``(4,)`` is a vector of 4 features, ``(1, 8, 8)`` a one-channel 8x8 image, ``(T, F)`` a sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

Shape = tuple[int, ...]


class ShapeError(ValueError):
    """A layer cannot accept its inputs. The message is plain language and suggests a fix."""


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

    def coerce(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParamError saying why."""
        try:
            converted = _COERCERS[self.kind](self, value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ParamError(f"{self.label}: {exc}") from None
        self._check_range(converted)
        return converted

    def _check_range(self, value: Any) -> None:
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            if self.minimum is not None and v < self.minimum:
                raise ParamError(f"{self.label} must be at least {self.minimum:g} (got {v:g}).")
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


@dataclass(frozen=True)
class LayerSpec:
    """Everything the program knows about one layer type."""

    type_name: str
    category: str  # Inputs, Core, Activations, Convolution, Recurrent, Merge, Output
    description: str  # one line, shown as the palette tooltip
    params: tuple[ParamSpec, ...]
    infer_shape: Callable[[dict[str, Any], Sequence[Shape]], Shape]
    build: Callable[[dict[str, Any], Sequence[Shape]], Any]  # -> torch.nn.Module
    min_inputs: int = 1
    max_inputs: int | None = 1  # None: any number (merge layers)
    has_output: bool = True
    label: str = ""
    # Learnable parameter count for the given params and input shapes (no torch needed, so the
    # status bar can show it before torch is loaded; tests compare it with the built module).
    count_params: Callable[[dict[str, Any], Sequence[Shape]], int] = field(default=lambda p, s: 0)
    # Weight layout conversion between the file/UI convention and torch (identity by default).
    to_torch: Callable[[str, np.ndarray], np.ndarray] = field(default=lambda name, a: a)
    from_torch: Callable[[str, np.ndarray], np.ndarray] = field(default=lambda name, a: a)

    @property
    def display_name(self) -> str:
        return self.label or self.type_name

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def normalize(self, params: dict[str, Any]) -> dict[str, Any]:
        """Defaults filled in, every value coerced; unknown names raise ParamError."""
        unknown = set(params) - {p.name for p in self.params}
        if unknown:
            raise ParamError(f"{self.type_name} has no parameter named {sorted(unknown)[0]!r}.")
        merged = self.defaults() | dict(params)
        return {p.name: p.coerce(merged[p.name]) for p in self.params}

    def summary(self, params: dict[str, Any]) -> str:
        """Key parameters as a short text for the canvas card (e.g. 'units 4 · relu')."""
        parts = []
        for p in self.params[:3]:
            value = params.get(p.name, p.default)
            if isinstance(value, tuple):
                value = "×".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "on" if value else "off"
            parts.append(f"{p.name} {value}")
        return " · ".join(parts)


_REGISTRY: dict[str, LayerSpec] = {}


def register(spec: LayerSpec) -> LayerSpec:
    _REGISTRY[spec.type_name] = spec
    return spec


def get_spec(type_name: str) -> LayerSpec:
    try:
        return _REGISTRY[type_name]
    except KeyError:
        raise KeyError(f"Unknown layer type '{type_name}'.") from None


def all_specs() -> list[LayerSpec]:
    return list(_REGISTRY.values())


CATEGORIES = ("Inputs", "Core", "Activations", "Convolution", "Recurrent", "Merge", "Output")


def shape_text(shape: Shape) -> str:
    return "×".join(str(d) for d in shape)
