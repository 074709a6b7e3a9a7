"""Build / Train / Inspect: three arrangements of the same docks, one per thing a learner does.

A 1280×720 classroom screen cannot show the palette, the canvas, the lesson, the training
controls, two plots and the decision boundary at readable sizes all at once, so the window
rearranges its docks for the task at hand (the switch sits in the menu bar's corner and in
View ▸ Workspace, Ctrl+1/2/3):

* **Build** — layers palette on the left, properties and lesson on the right (full height),
  problems under the canvas; the training panel is put away, and starting a run from Build (or
  Inspect) switches to Train, where its live views are;
* **Train** — as TensorFlow Playground lays it out: the output (decision boundary, gallery,
  confusion) at the right over the whole height, under the lesson; on the left the network
  above the training panel (data, settings, controls and curves); palette and inspector put
  away. At 1280×720: canvas 876×279 (158 px high before), curves 292×251 each, boundary
  picture 333×345;
* **Inspect** — the inspector on the right at full height, wide enough for its formulas, next to
  the canvas it highlights.

Docks the user moves stay where they are until the next switch; the workspace in force is
remembered with the window layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QToolButton, QWidget

from gui.style import ui_scale

if TYPE_CHECKING:
    from gui.main_window import MainWindow

Area = Qt.DockWidgetArea
WORKSPACES = ("build", "train", "inspect")
DEFAULT_WORKSPACE = "train"  # the app opens on a lesson: its first step is to train it
TITLES = {"build": "&Build", "train": "&Train", "inspect": "&Inspect"}
TIPS = {"build": "Draw the network: layers palette, properties and problems beside the canvas",
        "train": "Train and watch: the network above, the training panel with large plots and "
                 "the decision boundary below",
        "inspect": "Step through one training step: the inspector beside the canvas"}
SHORTCUTS = {"build": "Ctrl+1", "train": "Ctrl+2", "inspect": "Ctrl+3"}
SETTINGS_KEY = "window/workspace"
# Shares of the window: chosen at 1280×720 so that Train gives the boundary >= 300 px and the
# canvas keeps room for a network's cards; larger screens keep the proportions.
TRAIN_PANEL_SHARE = 0.6  # of the height, at most
TRAIN_PANEL_HEIGHT = 390  # px at the desktop scale: controls and curves of >= 250 px
TRAIN_PANEL_LARGE_SHARE = 0.45  # of the height, at least: what a large screen gives the curves
SIDE_SHARE = {"build": 0.27, "train": 0.31, "inspect": 0.42}  # right dock, of the width
TRAIN_LESSON_SHARE = 0.24  # of the height: the lesson above the output, at the right
PALETTE_SHARE = 0.15  # Build's palette, of the width (it is never narrower than its names)
BUILD_BOTTOM_SHARE = 0.2
INSPECT_BOTTOM_SHARE = 0.18


class Workspaces(QObject):
    """Owns the switch: its actions, the corner buttons, and the arrangements."""

    workspace_changed = Signal(str)

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.current = ""
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {name: self._action(name) for name in WORKSPACES}
        self.corner = self._corner_buttons()

    def _action(self, name: str) -> QAction:
        action = QAction(TITLES[name], self.window)
        action.setObjectName(f"workspace_{name}")
        action.setCheckable(True)
        action.setShortcut(QKeySequence(SHORTCUTS[name]))
        action.setToolTip(f"{TITLES[name].replace('&', '')} workspace ({SHORTCUTS[name]}): "
                          f"{TIPS[name].lower()}")
        action.setStatusTip(TIPS[name])
        action.triggered.connect(lambda _=False, n=name: self.switch(n))
        self.group.addAction(action)
        self.window.addAction(action)
        return action

    def _corner_buttons(self) -> QWidget:
        corner = QWidget()
        corner.setObjectName("workspace_switch")
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 4, 0)
        row.setSpacing(2)
        for name in WORKSPACES:
            button = QToolButton()
            button.setDefaultAction(self.actions[name])
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            row.addWidget(button)
        return corner

    # ----- switching ---------------------------------------------------------------------
    def switch(self, name: str) -> None:
        """Arrange the docks for ``name`` (an unknown name falls back to the default)."""
        name = name if name in WORKSPACES else DEFAULT_WORKSPACE
        docks = self.window.docks
        if not all(t in docks for t in ("Training", "Output", "Inspector")):
            return  # the panels are not installed yet (a bare MainWindow): nothing to arrange
        for dock in docks.values():  # start from an empty layout: moving docks between tab
            self.window.removeDockWidget(dock)  # groups leaves Qt's old tab bars on screen
        ARRANGEMENTS[name](self.window, docks)
        self._mark(name)
        QTimer.singleShot(0, self.window.view.fit_to_view)

    def show_training(self, _info=None) -> None:
        """A run started while the training panel is put away: show the Train workspace."""
        training = self.window.docks.get("Training")
        if self.current in ("build", "inspect") and training is not None \
                and not training.isVisible():
            self.switch("train")

    def restored(self, name: str) -> None:
        """The window put back a saved layout made in workspace ``name``: only mark it."""
        self._mark(name if name in WORKSPACES else DEFAULT_WORKSPACE)

    def _mark(self, name: str) -> None:
        self.current = name
        self.actions[name].setChecked(True)
        self.window.settings.setValue(SETTINGS_KEY, name)
        self.workspace_changed.emit(name)


# ----- the arrangements ----------------------------------------------------------------------
def _place(window, dock: QDockWidget, area: Area,
           orientation: Qt.Orientation = Qt.Orientation.Horizontal) -> None:
    """Docked and shown; ``orientation`` is how it stacks beside the area's other docks."""
    dock.setFloating(False)
    window.addDockWidget(area, dock, orientation)
    dock.show()


def _put_away(window, dock: QDockWidget, area: Area) -> None:
    """Hidden, but docked in its usual area: a saved layout then records it as hidden (a dock
    left out of the layout would come back where it was first docked, and visible)."""
    dock.setFloating(False)
    window.addDockWidget(area, dock)
    dock.hide()


def _tab(window, first: QDockWidget, *others: QDockWidget) -> None:
    for dock in others:
        dock.setFloating(False)
        window.tabifyDockWidget(first, dock)
        dock.show()


def _sides_full_height(window, left: bool, right: bool) -> None:
    """Each side's docks run the whole height (True) or stop above the bottom docks."""
    window.setCorner(Qt.Corner.BottomLeftCorner,
                     Area.LeftDockWidgetArea if left else Area.BottomDockWidgetArea)
    window.setCorner(Qt.Corner.BottomRightCorner,
                     Area.RightDockWidgetArea if right else Area.BottomDockWidgetArea)


def _width(window, share: float) -> int:
    return int(window.width() * share)


def _height(window, share: float) -> int:
    return int(window.height() * share)


def _side_beside_canvas(window, docks, side: list[str], share: float, bottom: float) -> None:
    """Build and Inspect: ``side`` tabbed at the right (the first raised), Problems under the
    canvas, the training panel and its output put away."""
    _sides_full_height(window, left=True, right=True)
    _put_away(window, docks["Training"], Area.BottomDockWidgetArea)
    _put_away(window, docks["Output"], Area.RightDockWidgetArea)
    _place(window, docks[side[0]], Area.RightDockWidgetArea)
    _tab(window, docks[side[0]], *(docks[name] for name in side[1:]))
    _place(window, docks["Problems"], Area.BottomDockWidgetArea)
    docks[side[0]].raise_()
    window.resizeDocks([docks[side[0]]], [_width(window, share)], Qt.Orientation.Horizontal)
    window.resizeDocks([docks["Problems"]], [_height(window, bottom)], Qt.Orientation.Vertical)


def arrange_build(window, docks: dict[str, QDockWidget]) -> None:
    _place(window, docks["Layers"], Area.LeftDockWidgetArea)
    _side_beside_canvas(window, docks, ["Properties", "Inspector"], SIDE_SHARE["build"],
                        BUILD_BOTTOM_SHARE)
    window.resizeDocks([docks["Layers"]], [_width(window, PALETTE_SHARE)],
                       Qt.Orientation.Horizontal)


def arrange_inspect(window, docks: dict[str, QDockWidget]) -> None:
    _put_away(window, docks["Layers"], Area.LeftDockWidgetArea)
    _side_beside_canvas(window, docks, ["Inspector", "Properties"], SIDE_SHARE["inspect"],
                        INSPECT_BOTTOM_SHARE)


def arrange_train(window, docks: dict[str, QDockWidget]) -> None:
    """At the right over the whole height: the lesson (Properties, Problems behind it) above the
    output; on the left the network above the training panel."""
    _sides_full_height(window, left=False, right=True)
    _put_away(window, docks["Layers"], Area.LeftDockWidgetArea)
    _put_away(window, docks["Inspector"], Area.RightDockWidgetArea)
    for name in ("Properties", "Output"):  # stacked, the lesson on top
        _place(window, docks[name], Area.RightDockWidgetArea, Qt.Orientation.Vertical)
    _tab(window, docks["Properties"], docks["Problems"])
    _place(window, docks["Training"], Area.BottomDockWidgetArea)
    docks["Properties"].raise_()
    window.resizeDocks([docks["Properties"]], [_width(window, SIDE_SHARE["train"])],
                       Qt.Orientation.Horizontal)
    lesson = _height(window, TRAIN_LESSON_SHARE)
    window.resizeDocks([docks["Properties"], docks["Output"]],
                       [lesson, window.height() - lesson], Qt.Orientation.Vertical)
    window.resizeDocks([docks["Training"]], [_train_panel_height(window)],
                       Qt.Orientation.Vertical)


def _train_panel_height(window) -> int:
    """Enough for the controls and readable curves; on a large screen a share of the height,
    so the curves grow with it instead of leaving the canvas a tall empty margin."""
    wanted = max(int(TRAIN_PANEL_HEIGHT * ui_scale()), _height(window, TRAIN_PANEL_LARGE_SHARE))
    return min(_height(window, TRAIN_PANEL_SHARE), wanted)


ARRANGEMENTS: dict[str, Callable] = {"build": arrange_build, "train": arrange_train,
                                     "inspect": arrange_inspect}
