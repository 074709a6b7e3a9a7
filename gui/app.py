"""Start the desktop editor: ``gui.app.run(path)`` is what ``python main.py [FILE]`` calls.

Nothing imported on the way to the first paint pulls in torch (or core.compiler/core.training);
torch is imported in a background thread right after the window appears.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gui import gui_thread_gc
from gui.main_window import APP_NAME, MainWindow


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    gui_thread_gc.install(app)  # training and tracing threads must never finalize widgets
    return app


def install_panels(window: MainWindow) -> None:
    """Dock the training panel and the inspector (neither imports torch until it is used)."""
    from gui import inspector, training
    panel = training.install(window)
    inspector.install(window)
    panel.training_started.connect(window.workspaces.show_training)
    QTimer.singleShot(0, lambda: _settle_layout(window))


def _settle_layout(window: MainWindow) -> None:
    """Once the new docks have their sizes: the last session's layout or a workspace
    (`MainWindow.settle_layout`); then fit the network into the canvas, whose size just changed."""
    window.settle_layout()
    window.view.fit_to_view()


def build_window(**options) -> MainWindow:
    """The full application window, as `run` shows it (also used by benchmarks and tests)."""
    window = MainWindow(**options)
    install_panels(window)
    return window


def run(path: str | None = None) -> int:
    app = create_application()
    window = MainWindow()
    window.open_initial(path)
    window.fit_to_screen()
    window.show()
    # The panels dock as tabs beside Problems and Properties right after the first paint: building
    # them imports pyqtgraph (~0.3 s), which would otherwise delay the window past one second.
    QTimer.singleShot(0, lambda: install_panels(window))
    QTimer.singleShot(0, window.start_background_imports)
    QTimer.singleShot(0, window.file_actions.offer_recovery)
    QTimer.singleShot(0, window.file_actions.clean_stale_saves)
    return app.exec()
