"""Datasets: built-in generators, inline tables, CSV and IDX files, turned into training arrays.

`load_dataset` is the one entry point the trainer and the GUI use: it asks the chosen source for raw
features and targets, then encodes the targets for the loss, splits off validation rows and fits
the input scaling on the training rows. numpy only: no torch, no Qt.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.datasets.base import (MAX_DATA_BYTES, Dataset, DatasetError, RawData, encode_targets,
                                fit_scaler, outside_paths, split_indices)
from core.datasets.builtin import BUILTIN, BuiltinInfo, builtin_raw, load_builtin
from core.datasets.csvfile import load_csv
from core.datasets.idx import load_idx, read_idx
from core.datasets.tabular import load_inline
from core.settings import DatasetSpec

__all__ = ["BUILTIN", "MAX_DATA_BYTES", "BuiltinInfo", "Dataset", "DatasetError", "builtin_raw",
           "load_dataset", "load_raw", "outside_paths", "read_idx"]


def load_raw(spec: DatasetSpec, base_dir: Path | None = None) -> RawData:
    """Features and unencoded targets from the spec's source, before any split or scaling."""
    params = dict(spec.params)
    if spec.source == "builtin":
        return load_builtin(spec.name, params, spec.seed)
    if spec.source == "inline":
        return load_inline(params, spec.name)
    if spec.source == "csv":
        return load_csv(params, base_dir)
    if spec.source == "idx":
        return load_idx(params, base_dir)
    raise DatasetError(f"Unknown dataset source '{spec.source}'.")


def load_dataset(spec: DatasetSpec, loss: str, base_dir: Path | None = None) -> Dataset:
    """Load, encode for ``loss``, split and scale. ``base_dir`` resolves relative file paths
    (the folder of the network file). Raises DatasetError with a plain-language message."""
    try:
        raw = load_raw(spec, base_dir)
    except OSError as exc:
        raise DatasetError(f"Cannot read the data file: {exc.strerror or exc}.") from None
    if not np.all(np.isfinite(raw.x)):
        raise DatasetError(f"Dataset '{raw.name}' contains inputs that are not finite numbers.")
    y = encode_targets(raw.y, raw.task, raw.n_classes, loss)
    train, val = split_indices(len(raw.x), spec.validation_split, spec.seed)
    offset, factor = fit_scaler(raw.x[train], spec.scaling)

    def scaled(rows: np.ndarray) -> np.ndarray:
        return ((raw.x[rows] - offset) * factor).astype(np.float32)

    return Dataset(
        name=raw.name, x_train=scaled(train), y_train=y[train], x_val=scaled(val), y_val=y[val],
        task=raw.task, input_shape=tuple(int(d) for d in raw.x.shape[1:]), n_classes=raw.n_classes,
        class_names=raw.class_names, feature_names=raw.feature_names,
        target_names=raw.target_names, scale_offset=offset, scale_factor=factor)
