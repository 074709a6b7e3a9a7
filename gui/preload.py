"""Import heavy modules (PyTorch) in a background thread once the window is on screen.

The first paint must not wait for torch (about two seconds on the course machines), but the
first training run should not wait either; importing in a plain thread right after showing the
window gives both. Python's import lock makes a concurrent `import torch` elsewhere simply wait.
"""

from __future__ import annotations

import importlib
import threading

from PySide6.QtCore import QObject, Signal


class BackgroundImporter(QObject):
    finished = Signal(str)  # "" on success, else the error text (delivered in the GUI thread)

    def __init__(self, module: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.module = module
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name=f"import-{self.module}",
                                       daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            importlib.import_module(self.module)
        except Exception as exc:  # noqa: BLE001 (reported in the status bar, never fatal)
            self.finished.emit(f"{type(exc).__name__}: {exc}")
            return
        self.finished.emit("")
