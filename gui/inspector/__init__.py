"""The step-through inspector: one training step of the user's network, stage by stage.

Integration: ``install(window)`` builds an `InspectorPanel` from ``window.document`` (and the
canvas scene when the window has one) and docks it on the right. The panel also works alone:
``InspectorPanel(document, scene=None)``.

The Qt-free logic (formulas, answer checking, stages, the trace use case) lives in
``core.inspection``; this package holds only widgets, and loads the panel lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gui.inspector.panel import InspectorPanel

__all__ = ["InspectorPanel", "install"]
PREFERRED_WIDTH = 500  # formulas of a 4-input neuron fit on one line each


def install(window: Any) -> "InspectorPanel":
    """Dock an inspector on ``window`` (needs ``document`` and ``add_panel_dock``)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget

    from gui.inspector.panel import InspectorPanel
    scene = getattr(window, "scene", None)
    panel = InspectorPanel(window.document, scene)
    panel.setObjectName("inspector_panel")
    right = Qt.DockWidgetArea.RightDockWidgetArea
    neighbours = [d for d in window.findChildren(QDockWidget)
                  if window.dockWidgetArea(d) == right and not d.isFloating()]
    dock = window.add_panel_dock("Inspector", panel, right)
    if dock is not None:
        dock.visibilityChanged.connect(panel.on_dock_visibility_changed)
    if neighbours and dock is not None:
        # Stacked under Properties the tables would get a few rows: share its full height as a tab.
        window.tabifyDockWidget(neighbours[-1], dock)
        dock.raise_()
    if dock is not None:
        window.resizeDocks([dock], [PREFERRED_WIDTH], Qt.Orientation.Horizontal)
    return panel


def __getattr__(name: str) -> Any:
    if name == "InspectorPanel":
        from gui.inspector.panel import InspectorPanel
        return InspectorPanel
    raise AttributeError(name)
