"""Import the training code and wake PyTorch's optimizers before the first Train click.

`import torch` alone is not enough: the first `torch.optim.Adam(...)` imports torch._dynamo, which
takes 1.5-3 s on the course machines. Doing it once in a daemon thread, a moment after the panel
is first shown, makes the first run start as fast as the next ones (the XOR lesson trains in well
under a second). Python's import lock makes a concurrent import elsewhere simply wait.
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

        import torch
        for module in ("core.run_setup", "core.training", "core.probes"):
            importlib.import_module(module)
        param = torch.nn.Parameter(torch.zeros(2))
        for optimizer in (torch.optim.Adam([param]), torch.optim.SGD([param], lr=0.1),
                          torch.optim.RMSprop([param])):
            optimizer.zero_grad()
            (param * param).sum().backward()
            optimizer.step()
    except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first run
        pass
    finally:
        _done.set()


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
