"""Tables typed by hand: the inline source, plus target helpers shared with the CSV reader.

Inline data lives in the network file itself (``x`` rows and ``y`` targets), which is how lessons
ship tiny exact examples such as a truth table or a noise-free line.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from core.datasets.base import TASKS, DatasetError, RawData, check_no_unknown

MAX_GUESSED_CLASSES = 20
MAX_CLASSES = 10_000  # a column of ids or free text must not become an output layer that wide
_INLINE_KEYS = {"x", "y", "task", "feature_names", "class_names", "target_names"}


def guess_is_classification(numbers: np.ndarray, all_whole: bool) -> bool:
    """Whole-number targets with few distinct values look like class labels.

    Beyond the 20-value cap, a table where most rows have their own value (distinct > n/2) is
    taken as regression: a five-point line y = 2x + 1 is a regression, not five classes.
    """
    if not all_whole or numbers.ndim != 1 or len(numbers) == 0:
        return False
    distinct = len(np.unique(numbers))
    return distinct <= MAX_GUESSED_CLASSES and distinct <= max(2, len(numbers) // 2)


def classes_from_numbers(values: np.ndarray, where: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Numeric labels -> class indices. Labels 0..K-1 are kept as they are (label 3 is output 3);
    any other set of whole numbers (e.g. -1/1 or 1..3) is mapped to 0.. in sorted order."""
    if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
        raise DatasetError(f"{where}: class labels must be whole numbers or names.")
    labels = values.astype(np.int64)
    if len(labels) and labels.min() == 0 and labels.max() <= 1000:
        count = max(int(labels.max()) + 1, 2)
        return labels, tuple(str(i) for i in range(count))
    unique, indices = np.unique(labels, return_inverse=True)
    _need_two(len(unique), where)
    return indices.astype(np.int64), tuple(str(v) for v in unique)


def classes_from_text(values: Sequence[str], where: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Text labels -> indices in sorted order; the texts become the class names."""
    names = sorted(set(values))
    _need_two(len(names), where)
    if len(names) > MAX_CLASSES:
        raise DatasetError(f"{where}: the target has {len(names):,} different names; at most "
                           f"{MAX_CLASSES:,} classes are possible (is it really a label column?).")
    lookup = {name: i for i, name in enumerate(names)}
    return np.array([lookup[v] for v in values], dtype=np.int64), tuple(names)


def _need_two(count: int, where: str) -> None:
    if count < 2:
        raise DatasetError(f"{where}: classification needs at least two different classes, "
                           f"but the target has {count}.")


def optional_names(params: dict[str, Any], key: str, count: int, where: str) -> tuple[str, ...] | None:
    """A user-given list of names, checked for type and length; None when absent."""
    names = params.get(key)
    if names is None:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise DatasetError(f"{where}: '{key}' must be a list of texts.")
    if len(names) != count:
        raise DatasetError(f"{where}: '{key}' has {len(names)} names but {count} are needed.")
    return tuple(names)


def task_param(params: dict[str, Any], where: str) -> str:
    """'auto' (or missing) means guess from the targets."""
    task = params.get("task", "auto")
    if task not in TASKS + ("auto",):
        raise DatasetError(f"{where}: task must be classification, regression or auto (got {task!r}).")
    return task


def load_inline(params: dict[str, Any], name: str) -> RawData:
    """Build a dataset from ``x`` (rows) and ``y`` (targets) written in the network file."""
    where = "Inline data"
    check_no_unknown(params, _INLINE_KEYS, where)
    x = _inline_x(params.get("x"))
    task, y, class_names, target_names = _inline_y(params, len(x))
    names = optional_names(params, "feature_names", x.shape[1], where) if x.ndim == 2 else None
    default_names = tuple(f"x{i + 1}" for i in range(x.shape[1])) if x.ndim == 2 else ()
    return RawData(name or "inline", x, y, task, class_names, names or default_names, target_names)


def _inline_x(rows: Any) -> np.ndarray:
    """Rows of numbers as float32 (N, ...); a flat list means one feature per row."""
    if not isinstance(rows, list) or not rows:
        raise DatasetError("Inline data: 'x' must be a non-empty list of rows.")
    try:
        x = np.asarray(rows)
    except ValueError:
        raise DatasetError("Inline data: every row of 'x' must have the same length.") from None
    if x.dtype.kind not in "biuf":
        raise DatasetError("Inline data: 'x' must contain only numbers, with equal-length rows.")
    if not np.all(np.isfinite(x)):
        raise DatasetError("Inline data: 'x' contains a value that is not a finite number.")
    return (x.reshape(-1, 1) if x.ndim == 1 else x).astype(np.float32)


def _inline_y(params: dict[str, Any], n: int) -> tuple[str, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Targets with their task, class names and target names (unencoded)."""
    where = "Inline data"
    values = params.get("y")
    if not isinstance(values, list) or len(values) != n:
        got = len(values) if isinstance(values, list) else "no"
        raise DatasetError(f"{where}: 'y' must be a list with one target per row of x "
                           f"({n} rows, {got} targets).")
    task = task_param(params, where)
    if all(isinstance(v, str) for v in values):
        if task == "regression":
            raise DatasetError(f"{where}: regression targets must be numbers, not names.")
        y, classes = classes_from_text(values, where)
        return "classification", y, _names(params, "class_names", classes), ()
    y_num = _inline_numbers(values, where)
    if task == "auto":
        whole = all(isinstance(v, (int, np.integer)) for v in values)
        task = "classification" if guess_is_classification(y_num, whole) else "regression"
    if task == "regression":
        y_num = y_num.reshape(n, -1).astype(np.float32)
        default = ("y",) if y_num.shape[1] == 1 else tuple(f"y{i + 1}" for i in range(y_num.shape[1]))
        return task, y_num, (), _names(params, "target_names", default)
    if y_num.ndim == 2 and y_num.shape[1] == 1:
        y_num = y_num[:, 0]
    if y_num.ndim != 1:
        raise DatasetError(f"{where}: classification needs one class label per row in 'y'.")
    y, classes = classes_from_numbers(y_num.astype(np.float64), where)
    return task, y, _names(params, "class_names", classes), ()


def _inline_numbers(values: list, where: str) -> np.ndarray:
    try:
        y = np.asarray(values)
    except ValueError:
        raise DatasetError(f"{where}: every target in 'y' must have the same length.") from None
    if y.dtype.kind not in "biuf" or y.ndim > 2:
        raise DatasetError(f"{where}: 'y' must hold numbers (or class names), one entry per row.")
    if not np.all(np.isfinite(y)):
        raise DatasetError(f"{where}: 'y' contains a value that is not a finite number.")
    return y.astype(np.float64)


def _names(params: dict[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return optional_names(params, key, len(default), "Inline data") or default
