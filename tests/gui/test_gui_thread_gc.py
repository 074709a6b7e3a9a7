"""Garbage cycles are finalized in the GUI thread, never in a worker's (gui/gui_thread_gc.py).

Checked with a sentinel whose ``__del__`` records the thread it runs in: with automatic
collection, the allocations of another thread collect the cycle there (the test fails on the
code before the collector: the sentinel was finalized in "allocator").
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading

from gui import gui_thread_gc
from gui.app import create_application


class Sentinel:
    def __init__(self, record: list[str]) -> None:
        self.record = record
        self.cycle = self  # only the cyclic collector can free it

    def __del__(self) -> None:
        self.record.append(threading.current_thread().name)


def allocate_in_a_thread() -> None:
    def churn() -> None:
        for _ in range(20):
            kept = [[] for _ in range(10_000)]  # container objects: they count towards a collection
            del kept
    thread = threading.Thread(target=churn, name="allocator")
    thread.start()
    thread.join()


def test_cycles_dropped_by_the_gui_thread_are_collected_there(qtbot):
    collector = gui_thread_gc.install(create_application())
    assert not gc.isenabled() and collector.timer.isActive()
    finalized_in: list[str] = []
    Sentinel(finalized_in)
    allocate_in_a_thread()
    assert finalized_in == []  # the other thread's allocations collected nothing
    qtbot.waitUntil(lambda: bool(finalized_in), timeout=3 * gui_thread_gc.INTERVAL_MS)
    assert finalized_in == [threading.main_thread().name]


def test_the_application_installs_one_collector_and_quitting_restores_automatic_collection(qtbot):
    app = create_application()
    collector = gui_thread_gc.install(app)
    assert gui_thread_gc.install(app) is collector and len(app.findChildren(
        gui_thread_gc.GuiThreadCollector)) == 1
    collector.stop()
    try:
        assert gc.isenabled() and not collector.timer.isActive()
    finally:
        collector.start()  # the rest of the suite runs as the application does


def test_the_application_itself_collects_in_the_gui_thread():
    """`create_application` (what `main.py` runs) installs it; checked in a fresh interpreter,
    since this suite's own fixture installs it too."""
    script = ("import gc\nfrom gui.app import create_application\napp = create_application()\n"
              "print(gc.isenabled())")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         timeout=60, cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                             os.path.abspath(__file__)))))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
