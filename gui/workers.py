"""One worker for every background job: a generator run in its own QThread (CONVENTIONS rule 5).

Modelled on napari's ``thread_worker``: the job is a plain generator function; each value it
yields is emitted through ``yielded`` (queued into the GUI thread), and the worker reports its
life through ``started``, ``paused``/``resumed``, ``aborted``, ``errored`` and ``finished``
(always the last signal). The GUI talks to the job through a `WorkerControl` — plain threading
primitives, because the worker thread is busy inside the generator and has no event loop to
receive signals. Training runs and inspector traces both use it; neither ever touches a widget.

The worker object lives in its thread while the job runs, so connect its signals with
``Qt.QueuedConnection`` to slots of GUI-thread QObjects (as the session and the inspector do): a
plain function or lambda connected without a type would be called inside the worker thread.

Between two values the generator is suspended, so the worker checks the control there: abort
closes the generator (its ``finally`` blocks run) and emits ``aborted``; a pause waits in the
worker thread until resumed. A control may decide *where* pausing is allowed (`pause_now`): the
training run pauses only where it has flushed its messages.

A QThread must never be destroyed while it runs ("QThread: Destroyed while thread is still
running" aborts the process), so threads are not parented to widgets: every started worker is
kept in a module-level registry until its thread has finished, and `shutdown_all` — connected to
QApplication.aboutToQuit once — aborts and joins whatever still runs.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Callable, Iterator

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot
from shiboken6 import isValid

log = logging.getLogger(__name__)
WAIT_SLICE = 0.05  # seconds; a paused worker re-checks abort at least this often

_live: list["GeneratorWorker"] = []
_retired: list["GeneratorWorker"] = []  # released one event-loop turn after they finished
_quit_hook_installed = False


class WorkerControl:
    """Pause / resume / abort, set from the GUI thread and read by the worker between values."""

    def __init__(self) -> None:
        self.abort_event = threading.Event()
        self.condition = threading.Condition()
        self._pause_requested = False

    def pause(self) -> None:
        with self.condition:
            self._pause_requested = True

    def resume(self) -> None:
        with self.condition:
            self._pause_requested = False
            self.condition.notify_all()

    def abort(self) -> None:
        self.abort_event.set()
        with self.condition:
            self.condition.notify_all()

    @property
    def aborted(self) -> bool:
        return self.abort_event.is_set()

    def pause_now(self, value: Any) -> bool:
        """Asked by the worker after ``value`` was yielded: pause here? (Any value, by default.)"""
        return self.is_paused()

    def is_paused(self) -> bool:
        return self._pause_requested and not self.aborted

    def wait_while_paused(self) -> None:
        with self.condition:
            while self.is_paused():
                self.condition.wait(WAIT_SLICE)


class GeneratorWorker(QObject):
    """Runs ``function(*args, **kwargs)`` — a generator function — in a thread of its own."""

    started = Signal()
    yielded = Signal(object)  # every value but None (a generator may yield None to be pausable)
    paused = Signal()
    resumed = Signal()
    aborted = Signal()
    errored = Signal(object)  # the exception; ``finished`` follows
    finished = Signal()

    def __init__(self, function: Callable[..., Iterator[Any]], *args: Any,
                 control: WorkerControl | None = None, name: str = "worker",
                 **kwargs: Any) -> None:
        super().__init__()
        self.control = control or WorkerControl()
        self._job = (function, args, kwargs)
        self.thread = QThread()
        self.thread.setObjectName(name)
        self.moveToThread(self.thread)
        self.thread.started.connect(self._run)

    # ----- GUI thread --------------------------------------------------------------------
    def start(self) -> None:
        _install_quit_hook()
        prune_finished()
        _live.append(self)
        self.thread.start()

    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def quit(self) -> None:
        """Abort: the generator is closed at its next value (napari's ``worker.quit``)."""
        self.control.abort()

    def is_running(self) -> bool:
        return isValid(self.thread) and self.thread.isRunning()

    def join(self, msecs: int | None = None) -> bool:
        """Abort and wait for the thread to end; the job only blocks between values while
        importing torch, loading data or compiling, so this returns promptly."""
        self.control.abort()
        if not isValid(self.thread):  # the application is tearing Qt down already
            return True
        self.thread.quit()
        return self.thread.wait() if msecs is None else self.thread.wait(msecs)

    # ----- worker thread -----------------------------------------------------------------
    @Slot()
    def _run(self) -> None:
        self.started.emit()
        try:
            self._drive()
        except Exception as exc:  # noqa: BLE001 - reported, never a crash of the thread
            log.debug("worker %s failed:\n%s", self.thread.objectName(), traceback.format_exc())
            self.errored.emit(exc)
        finally:
            self.finished.emit()
            self.moveToThread(QCoreApplication.instance().thread())  # deletable from the GUI
            QThread.currentThread().quit()

    def _drive(self) -> None:
        function, args, kwargs = self._job
        generator = function(*args, **kwargs)
        control = self.control
        for value in generator:
            if value is not None:
                self.yielded.emit(value)
            if not control.aborted and control.pause_now(value):
                self.paused.emit()
                control.wait_while_paused()
                if not control.aborted:
                    self.resumed.emit()
            if control.aborted:
                generator.close()
                self.aborted.emit()
                return


def prune_finished() -> None:
    """Forget workers whose threads have ended (after joining them, so deleting them is safe)."""
    for worker in list(_live):
        if not isValid(worker.thread):  # deleted by Qt's own teardown at exit
            _live.remove(worker)
        elif worker.thread.isFinished():
            worker.thread.wait()
            _live.remove(worker)
            _retire(worker)


def _retire(worker: GeneratorWorker) -> None:
    """Hold the last reference one event-loop turn longer. Pruning often runs in a slot that
    the worker's own signal called (``finished``, the last ``yielded``); dropping the last Python
    reference there would delete the QObject in the middle of its signal's delivery (a crash)."""
    if not _retired:
        QTimer.singleShot(0, _retired.clear)
    _retired.append(worker)


def live_workers() -> list[GeneratorWorker]:
    return list(_live)


def shutdown_all() -> None:
    """Abort and join every worker (QApplication.aboutToQuit)."""
    for worker in list(_live):
        worker.join()
    prune_finished()


def _install_quit_hook() -> None:
    global _quit_hook_installed
    app = QCoreApplication.instance()
    if app is not None and not _quit_hook_installed:
        app.aboutToQuit.connect(shutdown_all)
        _quit_hook_installed = True
