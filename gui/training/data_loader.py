"""Read datasets for the preview without freezing the window.

CSV and IDX files can take seconds (MNIST is 60,000 rows), so `BackgroundJobs` runs such reads in
a daemon thread and delivers the result through a queued signal; built-in sets are generated in
milliseconds and are read directly. Only the newest request per key is delivered, so quickly
changing a setting never shows an older preview last.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from core.datasets import DatasetError, load_raw
from core.settings import DatasetSpec


@dataclass(frozen=True)
class CsvColumns:
    """What the column picker needs: the first row's cells and whether they look like a header."""

    first_row: tuple[str, ...]
    header_detected: bool
    delimiter: str

    def names(self, header: bool) -> tuple[str, ...]:
        """Header cells when row 1 is a header, else "column 1", "column 2", ..."""
        if header:
            return tuple(c.strip() or f"column {i + 1}" for i, c in enumerate(self.first_row))
        return tuple(f"column {i + 1}" for i in range(len(self.first_row)))


def peek_csv(path: Path) -> CsvColumns:
    """The first rows of a CSV file, parsed the way core's reader parses them.

    Uses core's own delimiter and header rules so the picker and the loader never disagree.
    """
    from core.datasets import csvfile
    try:
        rows, delimiter = csvfile.peek_rows(path, 2)  # reads the first 64 KB, not the whole file
    except OSError as exc:  # e.g. a FIFO or a folder: named as such
        raise DatasetError(f"Cannot read {path.name}: {exc.strerror or exc}.") from None
    if not rows:
        raise DatasetError(f"{path.name} is empty.")
    first = rows[0]
    second = rows[1] if len(rows) > 1 else None
    header = csvfile.looks_like_header(first, second, delimiter == ";")
    return CsvColumns(tuple(first), header, delimiter)


def load_preview(spec: DatasetSpec, base_dir: Path | None):
    """Raw features and targets (before split and scaling) for the preview and its summary."""
    try:
        return load_raw(spec, base_dir)
    except OSError as exc:
        raise DatasetError(f"Cannot read the data file: {exc.strerror or exc}.") from None


def is_slow(spec: DatasetSpec) -> bool:
    return spec.source in ("csv", "idx")


class BackgroundJobs(QObject):
    """Runs callables in daemon threads; ``finished(key, result, error)`` arrives in the GUI thread."""

    finished = Signal(str, object, str)
    _delivered = Signal(str, int, object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest: dict[str, int] = {}
        self._tokens = itertools.count(1)
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(self, key: str, job: Callable[[], Any], background: bool = True) -> None:
        token = next(self._tokens)
        self._latest[key] = token
        if not background:
            self._run(key, token, job)
            return
        threading.Thread(target=self._run, args=(key, token, job), daemon=True,
                         name=f"load-{key}").start()

    def cancel(self, key: str) -> None:
        self._latest.pop(key, None)

    def _run(self, key: str, token: int, job: Callable[[], Any]) -> None:
        try:
            result, error = job(), ""
        except DatasetError as exc:
            result, error = None, str(exc)
        except Exception as exc:  # noqa: BLE001 - a preview must never take the app down
            result, error = None, f"Cannot read the data: {type(exc).__name__}: {exc}"
        try:
            self._delivered.emit(key, token, result, error)
        except RuntimeError:
            pass  # the panel was closed while the file was being read

    @Slot(str, int, object, str)
    def _deliver(self, key: str, token: int, result: Any, error: str) -> None:
        if self._latest.get(key) == token:
            self.finished.emit(key, result, error)

