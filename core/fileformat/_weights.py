"""Checking the "weights" section: plain numbers in rectangular nested lists, for known layers.

Shapes are deliberately not compared with the layers here: the compiler does that and can name the
layer and the expected shape. This module only guarantees that every entry is a float64 array.
"""

from __future__ import annotations

import re
from typing import Any, Collection

import numpy as np

from core.fileformat import _common as common
from core.fileformat._common import (FileFormatError, child, describe, did_you_mean, expect_object,
                                     expected_number, is_number, quote)
from core.i18n import _, ngettext

WEIGHT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*")


def check_weights(value: Any, path: str, ids: Collection[str]) -> dict[str, dict[str, np.ndarray]]:
    table = expect_object(value, path, _('an object of weights per layer id, such as {"hidden": '
                                         '{"bias": [0.0, 0.0]}}'))
    result = {}
    for layer_id, arrays in table.items():
        if layer_id not in ids:
            raise FileFormatError(
                _("There is no layer with the id {id}.").format(id=quote(layer_id))
                + did_you_mean(layer_id, ids) + " "
                + _('Weights can only be given for layers listed under "layers".'),
                child(path, layer_id))
        result[layer_id] = _check_layer_weights(arrays, child(path, layer_id))
    return result


def _check_layer_weights(value: Any, path: str) -> dict[str, np.ndarray]:
    arrays = expect_object(value, path,
                           _('an object of named arrays such as {"weight": [[0.5]], "bias": [0.0]}'))
    result = {}
    for name, raw in arrays.items():
        if len(name) > 128 or not WEIGHT_NAME.fullmatch(name):
            raise FileFormatError(_("{name} is not a weight name: use PyTorch's parameter names, "
                                    'such as "weight", "bias" or "rnn.weight_ih_l0".').format(
                                        name=quote(name)), child(path, name))
        result[name] = _check_array(raw, child(path, name))
        check_buffers(name, result[name], child(path, name))
    return result


def _check_array(value: Any, path: str) -> np.ndarray:
    """A number or a rectangular nested list of numbers, as float64. Shapes are the compiler's job."""
    if is_number(value):
        return np.array(float(value))
    if not isinstance(value, list):
        raise FileFormatError(_("Weights must be numbers in lists, such as [0.5, -1.0] "
                                "(got {value}).").format(value=describe(value)), path)
    _array_shape(value, path, 1)
    array = np.array(value, dtype=np.float64)
    if not np.isfinite(array).all():  # unreachable from JSON text (the parser refuses), but cheap
        raise FileFormatError(_("Weights must be finite numbers."), path)
    return array


def check_buffers(name: str, array: np.ndarray, path: str) -> None:
    """Statistics a layer keeps rather than learns must be possible ones: a BatchNorm's running
    variance is a variance, so it is >= 0 (a negative one breaks the first evaluation)."""
    if name.split(".")[-1] == "running_var" and (array < 0).any():
        place = _first(array < 0)
        raise FileFormatError(_("A running variance cannot be negative (it is {value}): use 1.0, "
                                "or remove the layer's running_var to start afresh.").format(
                                    value=format(array[place], "g")), _index_path(path, place))


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def _index_path(path: str, place: tuple[int, ...]) -> str:
    for index in place:
        path = child(path, index)
    return path


def _array_shape(rows: list, path: str, depth: int) -> tuple[int, ...]:
    if depth > common.MAX_WEIGHT_DEPTH:
        raise FileFormatError(_("Weights are nested more than {limit} lists deep; no layer has "
                                "arrays with that many dimensions.").format(
                                    limit=common.MAX_WEIGHT_DEPTH), path)
    if rows and isinstance(rows[0], list):
        return (len(rows), *_rows_shape(rows, path, depth))
    if not set(map(type, rows)) <= {float}:  # fast path (C speed): floats from JSON are finite
        for index, item in enumerate(rows):
            if not is_number(item):
                raise FileFormatError(_not_a_number(item), child(path, index))
    return (len(rows),)


def _not_a_number(item: Any) -> str:
    if isinstance(item, list):
        return _("Expected a number, got a list: every row must be nested equally.")
    return expected_number(item)


def _rows_shape(rows: list, path: str, depth: int) -> tuple[int, ...]:
    first: tuple[int, ...] | None = None
    for index, row in enumerate(rows):
        if not isinstance(row, list):
            raise FileFormatError(_("Expected a list like the first row, got {value}: every row "
                                    "must have the same shape.").format(value=describe(row)),
                                  child(path, index))
        shape = _array_shape(row, child(path, index), depth + 1)
        if first is not None and shape != first:
            raise FileFormatError(_("This row has {size} but the first row has {first}: every row "
                                    "must have the same shape.").format(
                                        size=_size_text(shape), first=_size_text(first)),
                                  child(path, index))
        first = shape
    return first or ()


def _size_text(shape: tuple[int, ...]) -> str:
    """'3 numbers' for a vector, 'shape 2×3' for anything bigger."""
    if len(shape) == 1:
        return ngettext("{count} number", "{count} numbers", shape[0]).format(count=shape[0])
    return _("shape {shape}").format(shape="×".join(map(str, shape)))
