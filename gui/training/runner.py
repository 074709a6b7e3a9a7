"""One training run's thread, worker and control, plus a registry that outlives panels.

A QThread must never be destroyed while it runs ("QThread: Destroyed while thread is still
running" aborts the process). So the thread is not parented to any widget: each `TrainingRun` is
kept in a module-level registry until its thread has finished, and `shutdown_all` — connected to
QApplication.aboutToQuit once — stops and joins whatever is still running.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QThread

from gui.training.messages import RunRequest
from gui.training.worker import RunControl, TrainingWorker

_live_runs: list["TrainingRun"] = []
_quit_hook_installed = False


class TrainingRun:
    """The GUI thread's handle on a run: commands go to the control, messages come from the worker."""

    def __init__(self, request: RunRequest) -> None:
        self.run_id = request.run_id
        self.control = RunControl(request.first_step)
        self.thread = QThread()
        self.thread.setObjectName(f"training-run-{request.run_id}")
        self.worker = TrainingWorker(request, self.control)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)

    def start(self) -> None:
        _install_quit_hook()
        prune_finished()
        _live_runs.append(self)
        self.thread.start()

    # ----- commands (thread-safe: they only touch the control) ----------------------------
    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def step(self, unit: str) -> None:
        self.control.step(unit)

    def stop(self) -> None:
        self.control.stop()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def join(self) -> None:
        """Stop and wait for the thread to end. The worker only blocks outside the training loop
        while importing torch, loading the data or compiling, so this returns promptly."""
        self.control.stop()
        self.thread.quit()
        self.thread.wait()


def prune_finished() -> None:
    """Forget runs whose threads have ended (after joining them, so deleting them is safe)."""
    for run in list(_live_runs):
        if run.thread.isFinished():
            run.thread.wait()
            _live_runs.remove(run)


def live_runs() -> list[TrainingRun]:
    return list(_live_runs)


def shutdown_all() -> None:
    """Stop and join every run of every panel (QApplication.aboutToQuit)."""
    for run in list(_live_runs):
        run.join()
    prune_finished()


def _install_quit_hook() -> None:
    global _quit_hook_installed
    app = QCoreApplication.instance()
    if app is not None and not _quit_hook_installed:
        app.aboutToQuit.connect(shutdown_all)
        _quit_hook_installed = True
