"""Fixtures for the GUI tests: an isolated main window, and no modal dialog can ever block.

Every static dialog helper is replaced by one that fails the test; a test that expects a dialog
monkeypatches it again with the answer it wants.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from gui import dialogs
from tests.gui.gui_helpers import close_windows, show_training_panel

# pytest-qt's binding is chosen here, not in pyproject (which the Qt-less core tests share). The
# environment variable decides when this conftest loads before pytest-qt configures itself
# (`pytest tests/gui/...`); `pytest_configure` below re-points pytest-qt when it loads later
# (`pytest` from the root collects tests/gui after pytest-qt already guessed a binding).
QT_API = "pyside6"
os.environ.setdefault("PYTEST_QT_API", QT_API)

QStandardPaths.setTestModeEnabled(True)


@pytest.hookimpl(trylast=True)  # after pytest-qt's own pytest_configure
def pytest_configure(config):
    """Pin pytest-qt to PySide6 whatever it guessed before this conftest was imported."""
    from pytestqt.qt_compat import qt_api
    if qt_api.pytest_qt_api != QT_API:
        qt_api.set_qt_api(QT_API)  # an explicit PYTEST_QT_API still wins, as pytest-qt documents


@pytest.fixture(autouse=True, scope="session")
def collect_garbage_in_the_gui_thread(qapp):
    """As the application does (gui/gui_thread_gc.py): without it, a trace or training thread
    finalized widgets dropped by earlier tests and the suite segfaulted in about half its runs."""
    from gui import gui_thread_gc
    gui_thread_gc.install(qapp)


def _unexpected(*args, **kwargs):
    texts = [a for a in args if isinstance(a, str)]
    raise AssertionError(f"unexpected modal dialog: {texts[:2]}")


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    for name in ("question", "critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(_unexpected))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(_unexpected))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(_unexpected))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(_unexpected))
    monkeypatch.setattr(dialogs, "ask_recover", _unexpected)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, tmp_path, settings):
    """Factory: MainWindow with temporary settings/autosave; closed (without prompting) after."""
    from gui.main_window import MainWindow
    windows = []

    def make(autosave_interval_ms: int = 3_600_000, autosave_dir=None):
        window = MainWindow(settings, autosave_dir=autosave_dir or tmp_path / "autosave",
                            autosave_interval_ms=autosave_interval_ms)
        window.resize(1200, 800)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    close_windows(windows)


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture(scope="module")
def warm_torch():
    """Import the training code and wake torch's optimizers once per module (as the app does a
    moment after start), so the first run's timeout does not pay for it. A module asks for it
    with ``pytestmark = pytest.mark.usefixtures("warm_torch")``."""
    from gui.training import warmup
    warmup.warm_up()


@pytest.fixture
def make_training_panel(qtbot):
    """Factory: ``make_training_panel(document)``, a shown 1100 x 420 TrainingPanel; each one is
    shut down after the test, and its threads must have stopped."""
    panels = []

    def make(document):
        panel = show_training_panel(qtbot, document)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()
        assert not panel.session.threads_running()
