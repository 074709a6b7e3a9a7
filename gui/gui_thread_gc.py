"""Python's cyclic garbage collector runs in the GUI thread only.

Automatic collection runs in whichever thread happens to allocate when a threshold is crossed:
here that is usually a training run, an inspector trace or the background `import torch`, all of
which allocate far more than the GUI thread. A collection there finalizes *every* unreachable
cycle, including ones made of widgets, graphics items and timers the GUI thread dropped (a
lambda connected to its own widget is such a cycle), and so runs their C++ destructors in the
wrong thread while the GUI thread may be painting them. The test suite crashed that way, a
segmentation fault in a different place each time (deleting a window, building a plot, in the
middle of an event loop), in about half of its full runs.

pyqtgraph's ``GarbageCollector`` documents the cure used here: automatic collection is turned
off and a timer of the GUI thread collects instead, generation by generation with the
interpreter's own thresholds. Reference counting, which frees nearly everything, is unchanged;
only cycles wait for the next tick (a second at most).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 1000  # how long a cycle of garbage may wait; a young collection takes < 1 ms


class GuiThreadCollector(QObject):
    """Collects from the GUI thread's event loop; ``install`` creates the one instance."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect)

    def start(self) -> None:
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        """Back to automatic collection (the application is quitting)."""
        self.timer.stop()
        gc.enable()

    def collect(self) -> None:
        """The young generation at every tick, older ones when their counts say so, as the
        interpreter would have done at its own allocation thresholds."""
        gc.collect(0)
        _, middle, old = gc.get_count()
        if middle > self.thresholds[1]:
            gc.collect(2 if old > self.thresholds[2] else 1)


def install(app: QCoreApplication | None = None) -> GuiThreadCollector:
    """Turn automatic collection off and collect from ``app``'s event loop (once per app)."""
    app = app or QCoreApplication.instance()
    existing = app.findChild(GuiThreadCollector)
    if existing is not None:
        return existing
    collector = GuiThreadCollector(app)
    app.aboutToQuit.connect(collector.stop)
    collector.start()
    return collector
