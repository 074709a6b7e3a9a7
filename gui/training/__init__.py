"""The training panel: dataset, settings, run controls and live views (issue 4).

    from gui.training import install
    panel = install(window)          # docks "Training" at the bottom and its live output in a
                                     # dock "Output" at the right; returns the TrainingPanel
    ...
    panel.shutdown()                 # from MainWindow.closeEvent (also hooked to aboutToQuit)

`TrainingPanel(document, scene=None)` also works on its own (tests). Importing this package does
not import torch: the worker imports it in its thread when the first run starts, and a warm-up
thread does so shortly after the panel is first shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer

from gui.training.panel import TrainingPanel

__all__ = ["TrainingPanel", "install"]

DOCK_HEIGHT = 400
OUTPUT_DOCK = "Output"  # the decision boundary or the gallery, and the confusion matrix


def install(window) -> TrainingPanel:
    """Build the panel for ``window.document``, dock it and make its shortcuts window-wide.

    Uses ``window.scene`` (for the neuron maps on the canvas) when the window has one, a
    "Training" menu when it has a menu bar, and ``window.select_and_center`` for the banner's
    "Show layer" link when it exists; each is optional.
    """
    scene = getattr(window, "scene", None)
    panel = TrainingPanel(window.document, scene=scene)
    dock = window.add_panel_dock("Training", panel, Qt.DockWidgetArea.BottomDockWidgetArea)
    if dock is not None:  # its own dock: the workspaces give the live output the full height
        window.add_panel_dock(OUTPUT_DOCK, panel.detach_output(),
                              Qt.DockWidgetArea.RightDockWidgetArea, tabify=False)
    panel.install_shortcuts(window)
    _add_menu(window, panel)
    select = getattr(window, "select_and_center", None)
    if callable(select):
        panel.layer_activated.connect(select)
    if hasattr(window, "resizeDocks") and dock is not None:
        # Once the window has its real size (the Problems dock it is tabbed with asked for 120 px).
        QTimer.singleShot(0, lambda: window.resizeDocks([dock], [DOCK_HEIGHT],
                                                        Qt.Orientation.Vertical))
    return panel


def _add_menu(window, panel: TrainingPanel) -> None:
    menu_bar = getattr(window, "menuBar", None)
    if not callable(menu_bar):
        return
    menu = menu_bar().addMenu("&Training")
    actions = panel.controls.actions
    menu.addActions([actions[n] for n in ("train", "pause", "stop")])
    menu.addSeparator()
    menu.addActions([actions["step_batch"], actions["step_epoch"]])
    menu.addSeparator()
    menu.addAction(actions["reset"])
    menu.addActions(list(panel.controls.reset_actions.values()))
