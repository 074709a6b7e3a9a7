"""Layer registry. Importing this package registers the whole catalogue (without importing torch)."""

from core.layers.base import (CATEGORIES, LayerSpec, ParamError, ParamSpec, Shape, ShapeError,
                              all_specs, get_spec, shape_text)
from core.layers import catalogue as _catalogue  # noqa: F401  (registers the layer types)
from core.layers.catalogue import ACTIVATIONS, LOSSES

__all__ = ["ACTIVATIONS", "CATEGORIES", "LOSSES", "LayerSpec", "ParamError", "ParamSpec", "Shape",
           "ShapeError", "all_specs", "get_spec", "shape_text"]
