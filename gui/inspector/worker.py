"""Runs `compute_trace` as a job of the one generator worker (gui.workers) and hands the latest
result back to the GUI thread.

One trace runs at a time (the dataset cache is then never raced and only one torch computation
competes with the GUI); a request made meanwhile waits, and a newer one replaces it before it
starts, so a burst of edits costs at most one stale computation. A late result of an old request
is dropped. Torch runs on one intra-op thread, the setting the training job also uses: on 2 busy
cores a 2-thread trace of the digits MLP took ~100 ms against ~3 ms (bench/inspect_step.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from PySide6.QtCore import QObject, Qt, Signal, Slot

from core.inspection.tracing import DatasetCache, TraceRequest, TraceResult, compute_trace, snapshot
from core.network import Network
from gui import workers


def trace_job(request: TraceRequest, cache: DatasetCache) -> Iterator[TraceResult]:
    """The worker's job: one trace, yielded once."""
    import torch
    torch.set_num_threads(1)  # as the training job: leave the GUI thread a core
    yield compute_trace(request, cache)


class TraceRunner(QObject):
    trace_computed = Signal(object)  # TraceResult of the latest request only

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache = DatasetCache()
        self.latest_id = 0
        self.busy = False
        self._worker: workers.GeneratorWorker | None = None
        self._worker_id = 0
        self._waiting: TraceRequest | None = None

    def request(self, network: Network, base_dir: Path | None, sample: int | None,
                optimizer_state=None) -> int:
        """Snapshot the network now (GUI thread) and trace it in the background."""
        self.latest_id += 1
        self.busy = True
        self._waiting = TraceRequest(self.latest_id, snapshot(network), base_dir, sample,
                                     optimizer_state)
        if self._worker is None:
            self._start_waiting()
        return self.latest_id

    def _start_waiting(self) -> None:
        request, self._waiting = self._waiting, None
        if request is None:
            return
        worker = workers.GeneratorWorker(trace_job, request, self.cache,
                                         name=f"inspector-trace-{request.request_id}")
        queued = Qt.ConnectionType.QueuedConnection
        worker.yielded.connect(self._on_result, queued)
        worker.errored.connect(self._on_error, queued)
        worker.finished.connect(self._on_finished, queued)
        self._worker, self._worker_id = worker, request.request_id
        worker.start()

    @Slot(object)
    def _on_result(self, result: TraceResult) -> None:
        if result.request_id == self.latest_id:
            self.busy = False
            self.trace_computed.emit(result)

    @Slot(object)
    def _on_error(self, exc: BaseException) -> None:
        """A bug, not a bad network (compute_trace words those itself): still a result."""
        self._on_result(TraceResult(self._worker_id, error=f"Unexpected error: {exc!r}"))

    @Slot()
    def _on_finished(self) -> None:
        self._worker = None
        workers.prune_finished()
        self._start_waiting()

    def wait(self, msecs: int = 10000) -> bool:
        """Drop any waiting request and wait for the running trace (shutting down)."""
        self._waiting = None
        worker = self._worker
        return worker is None or worker.thread.wait(msecs)
