"""Runs `compute_trace` on a worker thread and hands the latest result back to the GUI thread.

A private QThreadPool with one thread serialises the jobs (the dataset cache is then never raced
and only one torch computation competes with the GUI). Each request gets an id; a job whose id is
no longer the latest is skipped before it starts, and a late result of an old request is dropped,
so a burst of edits costs at most one stale computation. Torch runs on one intra-op thread, the
setting the training worker also uses: on 2 busy cores a 2-thread trace of the digits MLP took
~100 ms against ~3 ms (bench/inspect_step.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.network import Network
from core.inspection.tracing import DatasetCache, TraceRequest, TraceResult, compute_trace, snapshot


class _Relay(QObject):
    """Lives in the GUI thread: a signal emitted from the job is queued to it."""

    result_arrived = Signal(object)


class _TraceJob(QRunnable):
    def __init__(self, request: TraceRequest, runner: "TraceRunner") -> None:
        super().__init__()
        self.request = request
        self.relay = runner.relay
        self.cache = runner.cache
        self.runner = runner

    def run(self) -> None:
        if self.request.request_id != self.runner.latest_id:
            return  # superseded before it started
        try:
            import torch
            torch.set_num_threads(1)  # as the training worker: leave the GUI thread a core
            result = compute_trace(self.request, self.cache)
        except Exception as exc:  # noqa: BLE001 — a worker must report, never die silently
            result = TraceResult(self.request.request_id, error=f"Unexpected error: {exc!r}")
        try:
            self.relay.result_arrived.emit(result)
        except RuntimeError:
            pass  # the panel was destroyed meanwhile


class TraceRunner(QObject):
    trace_computed = Signal(object)  # TraceResult of the latest request only

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.cache = DatasetCache()
        self.relay = _Relay(self)
        self.relay.result_arrived.connect(self._on_result)
        self.latest_id = 0
        self.busy = False

    def request(self, network: Network, base_dir: Path | None, sample: int | None,
                optimizer_state=None) -> int:
        """Snapshot the network now (GUI thread) and trace it in the background."""
        self.latest_id += 1
        self.busy = True
        job = _TraceJob(TraceRequest(self.latest_id, snapshot(network), base_dir, sample,
                                     optimizer_state), self)
        self.pool.start(job)
        return self.latest_id

    def _on_result(self, result: TraceResult) -> None:
        if result.request_id == self.latest_id:
            self.busy = False
            self.trace_computed.emit(result)

    def wait(self, msecs: int = 10000) -> bool:
        return self.pool.waitForDone(msecs)
