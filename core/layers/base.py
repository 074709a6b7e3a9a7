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

from core.params import ParamError, ParamSpec  # noqa: F401  (re-exported: the layer API)

Shape = tuple[int, ...]


class ShapeError(ValueError):
    """A layer cannot accept its inputs. The message is plain language and suggests a fix."""


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
    # A new card's values where they differ from the defaults (which also stand for values a file
    # leaves out, so they cannot change): what the first networks people build need to train.
    starting: dict[str, Any] = field(default_factory=dict)

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

    def new_params(self) -> dict[str, Any]:
        """What a layer dropped from the palette starts with."""
        return self.defaults() | self.starting

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
