"""Import the training code and wake PyTorch's optimizers before the first Train click.

`import torch` alone is not enough: the first `torch.optim.Adam(...)` imports torch._dynamo, which
takes 1.5-3 s on the course machines. So every optimizer of the registry (core.optimizers) that
follows gradients takes one step here, built as training builds it: a new entry is woken too.
Doing it once in a daemon thread, a moment after the panel is first shown, makes the first run
start as fast as the next ones (the XOR lesson trains in well under a second). Python's import
lock makes a concurrent import elsewhere simply wait.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer

DELAY_MS = 1500  # after the first paint and the main window's own torch import has begun
_started = False
_done = threading.Event()


def warm_up() -> None:
    """Blocking: import and exercise what a run needs (also used by the benchmark)."""
    try:
        import importlib

        for module in ("core.run_setup", "core.training", "core.probes"):
            importlib.import_module(module)
        _step_every_optimizer()
    except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first run
        pass
    finally:
        _done.set()


def _step_every_optimizer() -> None:
    """One step of each registered optimizer that uses gradients, built by `make_optimizer` from
    default settings naming it. A rule without gradients (the perceptron's) needs no waking."""
    import torch

    from core.optim import make_optimizer
    from core.optimizers import OPTIMIZERS
    from core.settings import TrainingSettings
    model = torch.nn.Linear(2, 1)
    for entry in OPTIMIZERS:
        if entry.uses_gradients:
            optimizer = make_optimizer(model, TrainingSettings(optimizer=entry.name))
            optimizer.zero_grad()
            model(torch.ones(1, 2)).sum().backward()
            optimizer.step()


def start() -> None:
    """Non-blocking, once per process."""
    global _started
    if not _started:
        _started = True
        threading.Thread(target=warm_up, name="training-warm-up", daemon=True).start()


def start_later() -> None:
    if not _started:
        QTimer.singleShot(DELAY_MS, start)


def wait(timeout: float | None = None) -> bool:
    return _done.wait(timeout)
