"""Training history as rows, and as the CSV file that File ▸ Export… writes.

Qt-free, so the CLI or a test can write the same file: a `HistoryRecorder` collects the per-epoch
statistics of each run (fed by whoever watches the runs: the training panel), and
`write_history_csv` writes them. The column names are the keys `main.py train --json` prints per
epoch, so a spreadsheet made from either looks the same; ``run`` numbers the runs of the session
and ``epoch`` counts on from the epochs the weights already had (a Continue carries on at 301).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TextIO

METRICS = ("train_loss", "val_loss", "train_accuracy", "val_accuracy")
COLUMNS = ("run", "epoch", *METRICS, "settings")


@dataclass
class RunHistory:
    """One run's epochs: ``rows`` are dicts with the keys of ``METRICS`` plus ``epoch``."""

    number: int
    label: str = ""
    epoch_offset: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, stats: Any) -> None:
        """Append one epoch (a core.training.EpochStats or anything with the same fields)."""
        row = {"epoch": self.epoch_offset + int(stats.epoch)}
        row.update({name: getattr(stats, name, None) for name in METRICS})
        self.rows.append(row)


class HistoryRecorder:
    """The runs since the document was opened, newest last, at most ``keep`` of them.

    ``keep`` defaults to the current run plus the six faded runs the plots keep, so the CSV holds
    what the learner can see.
    """

    def __init__(self, keep: int = 7) -> None:
        self.keep = keep
        self.runs: list[RunHistory] = []

    def begin_run(self, number: int, label: str = "", epoch_offset: int = 0) -> None:
        self.runs.append(RunHistory(number, label, epoch_offset))
        del self.runs[:-self.keep]

    def add_epochs(self, epochs: Iterable[Any]) -> None:
        if not self.runs:
            self.begin_run(1)
        for stats in epochs:
            self.runs[-1].add(stats)

    def clear(self) -> None:
        self.runs.clear()

    def history(self) -> list[RunHistory]:
        """Runs that trained at least one epoch (a run stopped while preparing has no rows)."""
        return [run for run in self.runs if run.rows]


def history_rows(runs: Iterable[RunHistory]) -> list[dict[str, Any]]:
    """Flat rows in CSV column order, one per epoch of each run."""
    return [{"run": run.number, **row, "settings": run.label} for run in runs for row in run.rows]


def write_history_csv(runs: Iterable[RunHistory], target: str | Path | TextIO) -> int:
    """Write the header and one line per epoch; returns the number of epoch lines.

    Missing values (no validation set, a regression's accuracy) are empty cells, the spreadsheet
    convention for "not measured"; numbers keep full precision (``repr``), and a diverged epoch
    reads ``inf`` or ``nan`` rather than a blank that would look like "not measured".
    """
    rows = history_rows(runs)
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            _write(rows, handle)
    else:
        _write(rows, target)
    return len(rows)


def history_csv_text(runs: Iterable[RunHistory]) -> str:
    buffer = io.StringIO(newline="")
    write_history_csv(runs, buffer)
    return buffer.getvalue()


def _write(rows: list[dict[str, Any]], handle: TextIO) -> None:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row.get(key)) for key in COLUMNS})


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else value
