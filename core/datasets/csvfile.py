"""CSV files: the way students bring their own tables (exported from a spreadsheet or found online).

Errors quote the file name, the row number a spreadsheet would show (1-based, header and blank
lines included) and the column, because that is where the student will go to fix the cell.
Rows are parsed one at a time into float32 so large files (e.g. MNIST as CSV) fit in memory.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from core.datasets.base import (DatasetError, RawData, check_data_size, check_no_unknown, excerpt,
                                resolve_path)
from core.regular_files import open_regular, size_of
from core.datasets.tabular import (classes_from_numbers, classes_from_text,
                                   guess_is_classification, task_param)

_KEYS = {"path", "features", "target", "header", "task", "delimiter"}


@dataclass(frozen=True)
class _Table:
    """The file's layout once the first rows are known."""

    file: str
    names: tuple[str, ...]  # header cells, or "" for every column when there is no header
    decimal_comma: bool

    def column(self, index: int) -> str:
        name = self.names[index]
        return f"column {excerpt(name)}" if name else f"column {index + 1}"

    def cell(self, row: int, index: int) -> str:
        return f"{self.file} row {row}, {self.column(index)}"


def load_csv(params: dict[str, Any], base_dir: Path | None) -> RawData:
    """Read features and one target column from a CSV file (stdlib csv, no pandas)."""
    check_no_unknown(params, _KEYS, "CSV data")
    path = resolve_path(params.get("path"), base_dir, "CSV")
    task = task_param(params, path.name)
    head = peek_text(path)
    try:
        return _load(path, params, task, head, "utf-8-sig")
    except UnicodeDecodeError:  # not UTF-8 after all: old Windows exports are Latin-1
        return _load(path, params, task, head, "latin-1")


def _load(path: Path, params: dict[str, Any], task: str, head: str, encoding: str) -> RawData:
    """One streaming pass over the file: rows are parsed as they are read, never held as text."""
    delimiter = _delimiter(params, head, path.name)
    with _open_text(path, encoding) as stream:
        rows = _numbered_rows(stream, path.name, delimiter)
        first = next(rows, None)
        if first is None:
            raise DatasetError(f"{path.name} is empty.")
        table, data = _layout(path.name, first, next(rows, None), params, delimiter == ";")
        target, features = _choose_columns(table, params)
        x, labels = _read_data(table, itertools.chain(data, rows), features, target)
    y, task, class_names = _targets(table, labels, target, task)
    feature_names = tuple(table.names[i] or f"column {i + 1}" for i in features)
    target_name = table.names[target] or f"column {target + 1}"
    return RawData(path.stem, x, y, task, class_names, feature_names,
                   (target_name,) if task == "regression" else ())


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """The file as a text stream, after checking its size against the dataset limit."""
    handle = open_regular(path)
    try:
        check_data_size(path.name, size_of(handle))
    except BaseException:
        handle.close()
        raise
    return io.TextIOWrapper(handle, encoding=encoding, newline="")


def peek_text(path: Path, limit: int = 65_536) -> str:
    """The start of the file as text (whole lines only), for the delimiter and the column picker.
    UTF-8 (with or without BOM) when valid, else Latin-1, as the full read decides."""
    with open_regular(path) as handle:
        check_data_size(path.name, size_of(handle))
        raw = handle.read(limit)
        complete = len(raw) < limit
    if b"\0" in raw[:4096]:
        raise DatasetError(f"{path.name} is not a text file; a CSV file holds plain text.")
    if not complete and b"\n" in raw:
        raw = raw[: raw.rindex(b"\n") + 1]
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def peek_rows(path: Path, count: int = 2) -> tuple[list[list[str]], str]:
    """The first ``count`` non-blank rows and the delimiter, parsed as the loader parses them."""
    text = peek_text(path)
    delimiter = _delimiter({}, text, path.name)
    rows = itertools.islice(_numbered_rows(io.StringIO(text, newline=""), path.name, delimiter),
                            count)
    return [cells for _, cells in rows], delimiter


def _delimiter(params: dict[str, Any], text: str, file: str) -> str:
    """Auto: tab or semicolon when the first line uses them (European spreadsheets), else comma."""
    choice = params.get("delimiter", "auto")
    if choice != "auto":
        if not isinstance(choice, str) or len(choice) != 1:
            raise DatasetError(f"{file}: the delimiter must be one character or 'auto'.")
        return choice
    line = next((ln for ln in io.StringIO(text) if ln.strip()), "")
    return "\t" if "\t" in line else ";" if ";" in line else ","


def _numbered_rows(lines: Iterable[str], file: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with their spreadsheet row number; blank lines are skipped but counted.
    Strict parsing: an unterminated quote would otherwise swallow the rest of the file into one
    cell, and be reported as a cell that is not a number."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    started = 1  # the line the current row starts on
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                yield number, cells
            started = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise DatasetError(f"{file} row {started}: a quote (\") opens a cell that is never "
                               "closed; add the closing quote or remove the opening one.") from None
        raise DatasetError(f"{file} is not a readable CSV file near row {reader.line_num}: "
                           f"{exc}.") from None


def _layout(file: str, first, second, params: dict[str, Any], decimal_comma: bool):
    """Decide whether the first row is a header; return the table layout and the buffered data rows."""
    header = params.get("header", "auto")
    if header not in ("auto", True, False):
        raise DatasetError(f"{file}: header must be true, false or auto (got {header!r}).")
    if header == "auto":
        header = looks_like_header(first[1], second[1] if second else None, decimal_comma)
    names = tuple(c.strip() for c in first[1]) if header else ("",) * len(first[1])
    data = ([] if header else [first]) + ([second] if second else [])
    if not data:
        raise DatasetError(f"{file} has a header row but no data rows.")
    return _Table(file, names, decimal_comma), data


def looks_like_header(first: list[str], second: list[str] | None, decimal_comma: bool) -> bool:
    """A header has a text cell where the next row has a number (string labels don't count)."""
    text = [i for i, cell in enumerate(first) if _number(cell, decimal_comma) is None]
    if not text:
        return False
    if second is None:
        return len(text) == len(first)
    return any(i < len(second) and _number(second[i], decimal_comma) is not None for i in text)


def _number(cell: str, decimal_comma: bool) -> float | None:
    try:
        return float(cell.replace(",", ".") if decimal_comma else cell)
    except ValueError:
        return None


def _choose_columns(table: _Table, params: dict[str, Any]) -> tuple[int, list[int]]:
    """Target (default: last column) and features (default: every other column)."""
    target = _column_index(table, params.get("target", -1))
    chosen = params.get("features") or []
    if not isinstance(chosen, list):
        raise DatasetError(f"{table.file}: 'features' must be a list of column names or numbers.")
    features = [_column_index(table, ref) for ref in chosen]
    features = features or [i for i in range(len(table.names)) if i != target]
    if target in features:
        raise DatasetError(f"{table.file}: {table.column(target)} cannot be both a feature and the target.")
    if len(set(features)) != len(features):
        raise DatasetError(f"{table.file}: a feature column is listed twice.")
    if not features:
        raise DatasetError(f"{table.file}: there is no column left to use as a feature.")
    return target, features


def _column_index(table: _Table, ref: Any) -> int:
    """A column by 0-based index (negative counts from the end) or by header name."""
    width = len(table.names)
    if isinstance(ref, int) and not isinstance(ref, bool):
        if not -width <= ref < width:
            raise DatasetError(f"{table.file}: there is no column number {ref}; the file has {width} "
                               f"columns, numbered 0 to {width - 1}.")
        return ref % width
    if not isinstance(ref, str):
        raise DatasetError(f"{table.file}: columns are chosen by name or number, not {ref!r}.")
    if not any(table.names):
        raise DatasetError(f"{table.file} has no header row, so choose columns by number "
                           f"(0 to {width - 1}), not by name {excerpt(ref)}.")
    matches = [i for i, name in enumerate(table.names) if name == ref.strip()]
    if len(matches) != 1:
        problem = "has no column named" if not matches else "has more than one column named"
        shown = ", ".join(excerpt(name, 20, quoted=False) for name in table.names[:20])
        more = f" and {len(table.names) - 20} more" if len(table.names) > 20 else ""
        raise DatasetError(f"{table.file} {problem} {excerpt(ref)}; columns: {shown}{more}.")
    return matches[0]


_CHUNK_ROWS = 4096
_ROW_OVERHEAD = 64  # bytes per row beyond its feature values: the target cell and its row number
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _read_data(table: _Table, rows, features: list[int],
               target: int) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Feature rows as float32 and target cells as (row number, text) for later typing.
    Rows are packed into float32 blocks as they come, and the dataset limit is checked as the
    table grows, so a huge file stops early with the figure instead of exhausting memory."""
    width = len(table.names)
    blocks, block, labels, seen = [], [], [], {}
    row_bytes = len(features) * 4 + _ROW_OVERHEAD
    for number, cells in rows:
        if len(cells) != width:
            raise DatasetError(f"{table.file} row {number} has {len(cells)} values, but the first "
                               f"row has {width}. Every row needs the same number of columns.")
        block.append(_feature_row(table, number, cells, features))
        text = cells[target].strip()
        labels.append((number, seen.setdefault(text, text)))  # repeated labels share one string
        if len(block) == _CHUNK_ROWS:
            blocks.append(np.stack(block))
            block = []
            check_data_size(table.file, len(labels) * row_bytes,
                            f"has {len(labels):,} rows of {len(features)} features so far, about")
    if block:
        blocks.append(np.stack(block))
    if not blocks:
        raise DatasetError(f"{table.file} has no data rows.")
    return (blocks[0] if len(blocks) == 1 else np.concatenate(blocks)), labels


def _feature_row(table: _Table, number: int, cells: list[str], features: list[int]) -> np.ndarray:
    texts = [cells[i].replace(",", ".") if table.decimal_comma else cells[i] for i in features]
    try:
        values = np.array(texts, dtype=np.float64)
    except ValueError:
        values = None
    if values is None or not np.all(np.abs(values) <= _FLOAT32_MAX):  # also catches NaN and inf
        _raise_bad_cell(table, number, cells, features)
    return values.astype(np.float32)


def _raise_bad_cell(table: _Table, number: int, cells: list[str], columns: list[int]) -> None:
    """Find the first cell that is not a usable number and say exactly where it is."""
    for i in columns:
        text = cells[i].strip()
        value = _number(text, table.decimal_comma)
        if not text:
            raise DatasetError(f"{table.cell(number, i)}: the cell is empty; every feature needs a number.")
        if value is None:
            raise DatasetError(f"{table.cell(number, i)}: {excerpt(text)} is not a number.")
        if not np.isfinite(value):
            raise DatasetError(f"{table.cell(number, i)}: {excerpt(text)} is not a finite number.")
        if abs(value) > _FLOAT32_MAX:
            raise DatasetError(f"{table.cell(number, i)}: {excerpt(text)} is too large: features are "
                               "32-bit floats, at most about 3.4e38.")
    raise DatasetError(f"{table.file} row {number}: a value is not a number.")  # unreachable in practice


def _targets(table: _Table, labels: list[tuple[int, str]], target: int, task: str):
    """Type the target column: text labels mean classes; numbers follow ``task`` or the guess."""
    empty = next((row for row, text in labels if not text), None)
    if empty is not None:
        raise DatasetError(f"{table.cell(empty, target)}: the target cell is empty.")
    numbers = [_number(text, table.decimal_comma) for _, text in labels]
    where = f"{table.file}, target {table.column(target)}"
    if None in numbers and task != "regression":
        y, names = classes_from_text([text for _, text in labels], where)
        return y, "classification", names
    bad = next(((row, text) for (row, text), v in zip(labels, numbers)
                if v is None or not abs(v) <= _FLOAT32_MAX), None)
    if bad is not None:
        problem = "is not a number" if _number(bad[1], table.decimal_comma) is None else \
            "is not a number a 32-bit float can hold (at most about 3.4e38)"
        raise DatasetError(f"{table.cell(bad[0], target)}: {excerpt(bad[1])} {problem}, "
                           f"but this target column must hold numbers ({task} task).")
    values = np.array(numbers, dtype=np.float64)
    if task == "auto":
        whole = bool(np.all(values == np.round(values)))
        task = "classification" if guess_is_classification(values, whole) else "regression"
    if task == "regression":
        return values.astype(np.float32).reshape(-1, 1), task, ()
    y, names = classes_from_numbers(values, where)
    return y, task, names
