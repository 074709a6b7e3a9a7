"""The one generator worker (gui.workers): its signals, pause/resume, abort and errors."""

from __future__ import annotations

import threading

from gui import workers


def counting(n: int, gate: threading.Event | None = None):
    for i in range(n):
        if gate is not None and i == 2:
            gate.wait(5)
        yield i


def finished(events: list, worker) -> bool:
    """Polled by qtbot.waitUntil. Not qtbot.waitSignal(worker.finished): the worker lives in its
    own thread, so pytest-qt's slot would run there and could quit the wait loop before the loop
    has started (a hang about one run in ten)."""
    return "finished" in events and not worker.is_running()


def record(worker) -> list:
    events = []
    for name in ("started", "paused", "resumed", "aborted", "finished"):
        getattr(worker, name).connect(lambda name=name: events.append(name))
    worker.yielded.connect(lambda value: events.append(value))
    worker.errored.connect(lambda exc: events.append(("errored", str(exc))))
    return events


def test_values_are_yielded_in_order_then_finished(qtbot):
    worker = workers.GeneratorWorker(counting, 3, name="test-count")
    events = record(worker)
    worker.start()
    qtbot.waitUntil(lambda: finished(events, worker), timeout=5000)
    qtbot.waitUntil(lambda: not worker.is_running(), timeout=5000)
    assert events == ["started", 0, 1, 2, "finished"]
    workers.prune_finished()
    assert worker not in workers.live_workers()


def test_none_is_a_pause_point_not_a_value(qtbot):
    def job():
        yield None
        yield "x"

    worker = workers.GeneratorWorker(job)
    events = record(worker)
    worker.start()
    qtbot.waitUntil(lambda: finished(events, worker), timeout=5000)
    assert events == ["started", "x", "finished"]


def test_pause_waits_between_values_until_resumed(qtbot):
    gate = threading.Event()
    worker = workers.GeneratorWorker(counting, 5, gate)
    events = record(worker)
    worker.start()
    qtbot.waitUntil(lambda: 1 in events, timeout=5000)
    worker.pause()
    gate.set()  # the job reaches its next value, and the worker pauses after it
    qtbot.waitUntil(lambda: "paused" in events, timeout=5000)
    stalled = list(events)
    qtbot.wait(100)
    assert events == stalled and "finished" not in events
    worker.resume()
    qtbot.waitUntil(lambda: finished(events, worker), timeout=5000)
    assert events[-1] == "finished" and "resumed" in events
    assert [e for e in events if isinstance(e, int)] == [0, 1, 2, 3, 4]


def test_quit_closes_the_generator_and_reports_aborted(qtbot):
    closed = threading.Event()
    gate = threading.Event()

    def job():
        try:
            yield 1
            gate.wait(5)
            yield 2
            yield 3
        finally:
            closed.set()

    worker = workers.GeneratorWorker(job)
    events = record(worker)
    worker.start()
    qtbot.waitUntil(lambda: 1 in events, timeout=5000)
    worker.quit()
    gate.set()
    qtbot.waitUntil(lambda: finished(events, worker), timeout=5000)
    assert closed.is_set() and "aborted" in events and 3 not in events


def test_an_exception_is_errored_then_finished(qtbot):
    def job():
        yield 1
        raise RuntimeError("boom")

    worker = workers.GeneratorWorker(job)
    events = record(worker)
    worker.start()
    qtbot.waitUntil(lambda: finished(events, worker), timeout=5000)
    assert events == ["started", 1, ("errored", "boom"), "finished"]


def test_join_aborts_a_paused_worker(qtbot):
    worker = workers.GeneratorWorker(counting, 100)
    worker.pause()  # pauses after its first value
    worker.start()
    qtbot.waitUntil(lambda: worker.is_running(), timeout=5000)
    assert worker.join(5000)
    assert not worker.is_running()

