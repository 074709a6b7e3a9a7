"""Startup: the first paint never waits for PyTorch; torch is then imported in the background."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]

FIRST_PAINT = r"""
import json, sys, tempfile
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
import time
start = time.perf_counter()
from gui.app import create_application, install_panels
from gui.main_window import MainWindow
app = create_application()
tmp = tempfile.mkdtemp()
window = MainWindow(QSettings(tmp + "/s.ini", QSettings.Format.IniFormat), autosave_dir=tmp)
window.open_initial(None)
window.show()
for _ in range(5):
    app.processEvents()
window.grab()
heavy = sorted(m for m in ("torch", "core.compiler", "core.training", "pyqtgraph")
               if m in sys.modules)
report = {"heavy": heavy, "title": window.windowTitle(), "app": app.applicationName(),
          "layers": sorted(window.document.graph.layer_ids()),
          "first_paint_s": time.perf_counter() - start}
install_panels(window)  # as gui.app.run does right after the first paint
report["panels"] = sorted(window.docks)
report["torch_after_panels"] = "torch" in sys.modules
window.start_background_imports()
report["label_while_loading"] = window.torch_label.text()
import time
deadline = time.monotonic() + 90
while window.torch_label.text() != "PyTorch ready" and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
report["label_after"] = window.torch_label.text()
report["torch_loaded"] = "torch" in sys.modules
window.document.undo_stack.setClean()
window.close()
print(json.dumps(report))
"""


def test_no_torch_before_first_paint_then_background_import():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", FIRST_PAINT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["heavy"] == [], f"imported before the first paint: {report['heavy']}"
    assert {"Training", "Inspector"} <= set(report["panels"])
    assert not report["torch_after_panels"], "building the panels must not import torch"
    print(f"first paint after {report['first_paint_s']:.2f} s of imports and construction")
    assert report["app"] == "NeuroCanvas"
    assert report["title"].startswith("xor.json (example)") and "NeuroCanvas" in report["title"]
    assert report["layers"] == ["hidden", "input", "output", "prob"]
    assert report["label_while_loading"] == "Loading PyTorch…"
    assert report["label_after"] == "PyTorch ready" and report["torch_loaded"]


def test_pinned_pyside_survives_many_void_calls():
    """PySide6 6.12.0 on Python < 3.12 leaks a reference to None/True on every void call and
    aborts the interpreter after a few thousand ("none_dealloc"); pyproject.toml pins 6.11.3,
    which does not. Run in a subprocess: a regression would abort the interpreter."""
    code = ("from PySide6.QtWidgets import QApplication, QGraphicsRectItem\n"
            "app = QApplication([])\nitem = QGraphicsRectItem()\n"
            "for _ in range(200_000):\n    item.setPos(1, 2)\n    item.isSelected()\n"
            "print('ok')\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_add_panel_dock_lists_the_panel_in_the_view_menu(window):
    from PySide6.QtWidgets import QLabel
    dock = window.add_panel_dock("Training", QLabel("plots"))
    QApplication.processEvents()
    assert dock.toggleViewAction() in window.panels_menu.actions()
    assert window.tabifiedDockWidgets(dock) == [window.docks["Problems"]]
    assert window.docks["Training"] is dock


def test_window_layout_is_saved_on_close_and_restored(qtbot, tmp_path):
    """Dock arrangement and size survive a restart (settings written on close)."""
    from PySide6.QtCore import QSettings

    from gui.app import _settle_layout, install_panels
    from gui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = MainWindow(settings, autosave_dir=tmp_path / "a")
    install_panels(first)
    first.show()
    qtbot.waitExposed(first)
    qtbot.wait(50)  # let the docks settle before switching tabs
    first.docks["Inspector"].show()  # the Train workspace (the default) puts it away
    first.docks["Inspector"].raise_()
    first.docks["Problems"].setFloating(True)
    qtbot.waitUntil(lambda: first.docks["Inspector"].widget().is_shown())
    first.close()
    second = MainWindow(settings, autosave_dir=tmp_path / "b")
    install_panels(second)
    second.show()
    qtbot.waitExposed(second)
    _settle_layout(second)
    assert second.docks["Problems"].isFloating()
    qtbot.waitUntil(lambda: second.docks["Inspector"].widget().is_shown())
    second.document.undo_stack.setClean()
    second.close()
