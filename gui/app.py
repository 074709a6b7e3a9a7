"""Start the desktop editor: ``gui.app.run(path)`` is what ``python main.py [FILE]`` calls.

Nothing imported on the way to the first paint pulls in torch (or core.compiler/core.training);
torch is imported in a background thread right after the window appears.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gui.main_window import APP_NAME, MainWindow


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    return app


def run(path: str | None = None) -> int:
    app = create_application()
    window = MainWindow()
    window.open_initial(path)
    window.show()
    QTimer.singleShot(0, window.start_background_imports)
    QTimer.singleShot(0, window.file_actions.offer_recovery)
    return app.exec()
