"""The `Dataset` record and the steps every source shares: target encoding, split and scaling.

Sources (built-in generators, inline tables, CSV and IDX files) only produce a `RawData`: features
plus *unencoded* targets (class indices or regression values). Everything that depends on the loss
or on the user's split/scaling choice happens here, once, so every source behaves the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.losses import LOSSES, loss_entry, regression_loss_names
from core.regular_files import NotRegularFileError, check_regular, is_inside

TASKS = ("classification", "regression")


# The one limit on a dataset (docs/file-format.md, "Limits"): the bytes read from its files (after
# gunzip) and its values in memory (4 bytes per value, plus about 64 bytes per CSV row for its
# target cell) may each be at most this. MNIST is 47 MB of images, 188 MB as float32 values.
MAX_DATA_BYTES = 1_000_000_000


class DatasetError(ValueError):
    """Data cannot be loaded or used. The message is plain language and names the culprit."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and validation arrays ready for the compiled network, plus what the GUI shows.

    ``y_*`` are already encoded for the loss (see `encode_targets`). ``scale_offset`` and
    ``scale_factor`` have shape ``input_shape`` and map raw inputs into the space the network saw:
    ``x_scaled = (x_raw - scale_offset) * scale_factor`` (identity when scaling is "none"), so a
    decision-boundary plot can push its grid through the same transform; left out (e.g. in tests
    that build a Dataset by hand) they default to the identity. ``eq=False`` because arrays have
    no single truth value; two Datasets compare by identity.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    task: str
    input_shape: tuple[int, ...]
    n_classes: int
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    scale_offset: np.ndarray = None  # type: ignore[assignment]  # filled in __post_init__
    scale_factor: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.scale_offset is None:
            object.__setattr__(self, "scale_offset", np.zeros(self.input_shape, np.float32))
        if self.scale_factor is None:
            object.__setattr__(self, "scale_factor", np.ones(self.input_shape, np.float32))

    @property
    def output_size(self) -> int:
        """Units the Output layer needs, read off the encoding: indices -> n_classes, else columns."""
        if self.y_train.ndim == 1:
            return self.n_classes
        return int(self.y_train.shape[1])

    def scale(self, x: np.ndarray) -> np.ndarray:
        """Apply the fitted input scaling to raw inputs (e.g. a plotting grid), as float32."""
        return ((np.asarray(x, dtype=np.float32) - self.scale_offset) * self.scale_factor).astype(np.float32)


@dataclass(frozen=True)
class RawData:
    """What a source produces before encoding: x float32 (N, ...); y int64 (N,) class indices for
    classification or float32 (N, targets) for regression."""

    name: str
    x: np.ndarray
    y: np.ndarray
    task: str
    class_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()

    @property
    def n_classes(self) -> int:
        return len(self.class_names) if self.task == "classification" else 0


def encode_targets(y: np.ndarray, task: str, n_classes: int, loss: str) -> np.ndarray:
    """Shape targets the way each loss expects them, so the trainer never has to convert.

    A loss whose entry takes class indices (cross_entropy) gets them; the others (bce/mse/mae)
    compare against the network's outputs, so classes become one 0/1 column (binary, one sigmoid
    unit) or one-hot rows (K classes).
    """
    if loss not in LOSSES:
        raise DatasetError(f"Unknown loss '{loss}'; expected one of {', '.join(LOSSES.names())}.")
    entry = loss_entry(loss)
    if task == "regression":
        if entry.class_indices:
            raise DatasetError(f"{entry.title} loss needs classes, but this dataset has number "
                               f"targets (regression). Choose {' or '.join(regression_loss_names())}"
                               ", or a classification dataset.")
        return np.asarray(y, dtype=np.float32).reshape(len(y), -1)
    indices = np.asarray(y, dtype=np.int64).reshape(-1)
    if entry.class_indices:
        return indices
    if n_classes == 2:
        return indices.astype(np.float32).reshape(-1, 1)
    return np.eye(n_classes, dtype=np.float32)[indices]


def split_indices(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pick a random validation subset; keep each part in the original row order.

    Order is kept so tables and step-by-step lessons show rows as the file lists them; the trainer
    shuffles batches itself. A non-zero fraction always yields >= 1 validation row when n >= 2, and
    at least one training row is always kept.
    """
    if fraction <= 0 or n < 2:
        return np.arange(n), np.arange(0)
    n_val = min(max(1, int(round(n * fraction))), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[: n - n_val]), np.sort(order[n - n_val:])


def fit_scaler(x_train: np.ndarray, scaling: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature (offset, factor) fitted on the training rows only, so validation stays unseen.

    Constant features (zero std or range) get factor 1 instead of a division by zero.
    """
    feature_shape = x_train.shape[1:]
    if scaling == "none" or len(x_train) == 0:
        return np.zeros(feature_shape, np.float32), np.ones(feature_shape, np.float32)
    data = x_train.astype(np.float64)
    if scaling == "standard":
        offset, spread = data.mean(axis=0), data.std(axis=0)
    elif scaling == "minmax":
        offset = data.min(axis=0)
        spread = data.max(axis=0) - offset
    else:
        raise DatasetError(f"Unknown scaling '{scaling}'; expected none, standard or minmax.")
    factor = np.where(spread > 1e-12, 1.0 / np.where(spread > 1e-12, spread, 1.0), 1.0)
    return offset.astype(np.float32), factor.astype(np.float32)


def resolve_path(value: object, base_dir: Path | None, what: str) -> Path:
    """A data file path from the spec; relative paths are relative to the network file's folder.
    Only a regular file will do: a folder, a FIFO (which would block the read forever) or a
    device is named as what it is."""
    path = full_path(value, base_dir, what)
    try:
        check_regular(path)
    except FileNotFoundError:
        raise DatasetError(f"Cannot find the {what} file {excerpt(str(path), 200)}.") from None
    except NotRegularFileError as exc:
        raise DatasetError(f"The {what} file {excerpt(str(path), 200)} is {exc.kind}, not a "
                           "regular file: choose a data file.") from None
    return path


def full_path(value: object, base_dir: Path | None, what: str = "data") -> Path:
    """Where a data path from a network file points, without touching the disk."""
    if not isinstance(value, str) or not value.strip():
        raise DatasetError(f"The {what} path is missing; choose a file.")
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    return path


def excerpt(text: str, limit: int = 40, quoted: bool = True) -> str:
    """A cell (or name) as a message quotes it: at most ``limit`` characters, control characters
    escaped, in quotes. A hostile file must not fill a dialog with its contents."""
    shown = text if len(text) <= limit else text[:limit]
    escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown)
    escaped = f"'{escaped}'" if quoted else escaped
    return escaped + ("…" if len(text) > limit else "")


def check_data_size(what: str, nbytes: int, detail: str = "") -> None:
    """The one limit on what a dataset may occupy (bytes read from its files, after gunzip, and
    its values in memory): DatasetError with both numbers when ``nbytes`` exceeds it."""
    if nbytes > MAX_DATA_BYTES:
        raise DatasetError(f"{what} {detail or 'is'} {size_text(nbytes)}; a dataset may take "
                           f"at most {size_text(MAX_DATA_BYTES)}: use a smaller file "
                           "(or fewer rows).")


def size_text(nbytes: int) -> str:
    """A size as messages show it: '1,000 MB', '4.2 MB', '213 KB' (decimal units)."""
    if nbytes >= 10_000_000:
        return f"{nbytes / 1e6:,.0f} MB"
    if nbytes >= 1_000_000:
        return f"{nbytes / 1e6:.1f} MB"
    return f"{nbytes / 1e3:,.0f} KB"


def check_no_unknown(params: dict, known: set[str], where: str) -> None:
    """Reject misspelt parameters instead of silently ignoring them (e.g. 'sample' for 'samples')."""
    unknown = sorted(set(params) - known)
    if unknown:
        raise DatasetError(f"{where} has no parameter named '{unknown[0]}'; "
                           f"known: {', '.join(sorted(known)) or 'none'}.")


DATA_PATH_KEYS = {"csv": ("path",), "idx": ("images", "labels")}


def outside_paths(spec, base_dir: Path | None) -> list[Path]:
    """The data files ``spec`` (a DatasetSpec) would read from outside ``base_dir``, the network
    file's folder: an absolute path elsewhere, ``../``, ``~``, ``/proc/self/...`` or a symlink that
    leads out. With no folder (an unsaved network) every data file counts as outside. The window
    asks before reading these: a network file must not make it read any file on the disk."""
    outside = []
    for key in DATA_PATH_KEYS.get(spec.source, ()):
        value = spec.params.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        path = full_path(value, base_dir)
        if base_dir is None or not is_inside(path, base_dir):
            outside.append(Path(os.path.realpath(path)))  # where it really leads
    return outside
