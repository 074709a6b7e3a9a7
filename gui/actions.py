"""The window's actions and menus, declared in one table-like place.

Canvas edit actions (delete, copy, rename, ...) get their shortcuts only while the canvas has
focus, so Delete in a text field or the weights table edits that field instead of deleting
layers. Undo/redo and file actions work anywhere in the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gui.file_actions import list_examples, list_templates

if TYPE_CHECKING:
    from gui.main_window import MainWindow

Keys = QKeySequence.StandardKey
CANVAS_ACTIONS = ("delete", "cut", "copy", "paste", "duplicate", "rename", "select_all")


def _action(window: "MainWindow", text: str, slot: Callable, shortcuts=(), tip: str = "",
            checkable: bool = False) -> QAction:
    action = QAction(text, window)
    action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.setStatusTip(tip)
    action.setToolTip(tip or text.replace("&", "").rstrip("…"))
    action.setCheckable(checkable)
    (action.toggled if checkable else action.triggered).connect(slot)
    return action


def build_actions(window: "MainWindow") -> dict[str, QAction]:
    files, edits, view = window.file_actions, window.edit_actions, window.view
    a = {
        "new": _action(window, "&New", files.new, [Keys.New], "Start a new network"),
        "open": _action(window, "&Open…", files.open_dialog, [Keys.Open], "Open a network file"),
        "save": _action(window, "&Save", files.save, [Keys.Save], "Save the network"),
        "save_as": _action(window, "Save &As…", files.save_as, ["Ctrl+Shift+S"],
                           "Save the network under a new name"),
        "revert": _action(window, "&Revert", files.revert, [], "Reload the file from disk"),
        "export": _action(window, "&Export…", lambda: _export(window), ["Ctrl+E"],
                          "Export the canvas (PNG, SVG), the plots (PNG) or the training "
                          "history (CSV)"),
        "quit": _action(window, "&Quit", window.close, ["Ctrl+Q"], "Quit NeuroCanvas"),
        "delete": _action(window, "&Delete", edits.delete, [Keys.Delete, "Backspace"],
                          "Delete the selected layers and connections"),
        "cut": _action(window, "Cu&t", edits.cut, [Keys.Cut]),
        "copy": _action(window, "&Copy", edits.copy, [Keys.Copy]),
        "paste": _action(window, "&Paste", edits.paste, [Keys.Paste]),
        "duplicate": _action(window, "D&uplicate", edits.duplicate, ["Ctrl+D"]),
        "rename": _action(window, "&Rename…", lambda: edits.rename(), ["F2"], "Rename the layer"),
        "select_all": _action(window, "Select &All", edits.select_all, [Keys.SelectAll]),
        "zoom_in": _action(window, "Zoom &In", view.zoom_in, ["Ctrl++", "Ctrl+="]),
        "zoom_out": _action(window, "Zoom &Out", view.zoom_out, ["Ctrl+-"]),
        "fit": _action(window, "&Fit to View", view.fit_to_view, ["Ctrl+0", "F"]),
        "auto_layout": _action(window, "Auto &Layout", edits.auto_layout, ["Ctrl+L"],
                               "Arrange the layers left to right"),
        "show_neurons": _action(window, "Show &Neurons", window.scene.set_neurons_everywhere,
                                [], "Draw small Dense layers as neurons, with their weights",
                                checkable=True),
    }
    a["undo"] = _stack_action(window, "Undo", window.document.undo, "canUndo", "undoText")
    a["undo"].setShortcuts([QKeySequence(Keys.Undo)])
    a["redo"] = _stack_action(window, "Redo", window.document.redo, "canRedo", "redoText")
    a["redo"].setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
    for name in CANVAS_ACTIONS:
        a[name].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        view.addAction(a[name])
    for name, action in a.items():
        if name not in CANVAS_ACTIONS:
            window.addAction(action)
    return a


def build_menus(window: "MainWindow", a: dict[str, QAction]) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a["new"])
    window.templates_menu = file_menu.addMenu("New from &Template")
    fill_templates_menu(window)
    file_menu.addAction(a["open"])
    window.recent_menu = file_menu.addMenu("Open &Recent")
    window.recent_menu.aboutToShow.connect(lambda: fill_recent_menu(window))
    file_menu.addSeparator()
    file_menu.addActions([a["save"], a["save_as"], a["revert"]])
    file_menu.addSeparator()
    file_menu.addAction(a["export"])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([a["undo"], a["redo"]])
    edit_menu.addSeparator()
    edit_menu.addActions([a[n] for n in ("cut", "copy", "paste", "duplicate", "delete")])
    edit_menu.addSeparator()
    edit_menu.addActions([a["rename"], a["select_all"]])
    view_menu = bar.addMenu("&View")
    view_menu.addActions([a[n] for n in ("zoom_in", "zoom_out", "fit", "auto_layout")])
    view_menu.addSeparator()
    view_menu.addAction(a["show_neurons"])
    view_menu.addSeparator()
    _add_workspace_and_scale(window, view_menu)
    view_menu.addSeparator()
    window.panels_menu = view_menu.addMenu("&Panels")
    window.examples_menu = bar.addMenu("E&xamples")
    fill_examples_menu(window)


def _add_workspace_and_scale(window: "MainWindow", view_menu: QMenu) -> None:
    """View ▸ Workspace (Build / Train / Inspect, also in the menu bar's corner) and
    View ▸ Presentation mode with the interface scale steps."""
    workspace_menu = view_menu.addMenu("&Workspace")
    workspace_menu.addActions(list(window.workspaces.actions.values()))
    window.menuBar().setCornerWidget(window.workspaces.corner, Qt.Corner.TopRightCorner)
    view_menu.addActions(window.interface_scale.actions)


def fill_recent_menu(window: "MainWindow") -> None:
    menu: QMenu = window.recent_menu
    menu.clear()
    paths = window.file_actions.recent_files()
    for index, path in enumerate(paths, start=1):
        action = menu.addAction(f"&{index} {path}")
        action.triggered.connect(lambda _=False, p=path: window.file_actions.open_path(p))
    if not paths:
        menu.addAction("No recent files").setEnabled(False)


def fill_examples_menu(window: "MainWindow") -> None:
    menu: QMenu = window.examples_menu
    menu.setToolTipsVisible(True)
    menu.clear()
    for example in list_examples(window.file_actions.examples_dir):
        action = menu.addAction(example.name)
        action.setStatusTip(example.description)
        action.setToolTip(example.description)
        action.setData(str(example.path))
        action.triggered.connect(lambda _=False, p=str(example.path):
                                 window.file_actions.open_path(p))
    if menu.isEmpty():
        menu.addAction("No examples found").setEnabled(False)


def fill_templates_menu(window: "MainWindow") -> None:
    """File ▸ New from template: empty, perceptron, XOR 2-2-1, MLP, CNN (assets/templates)."""
    menu: QMenu = window.templates_menu
    menu.setToolTipsVisible(True)
    for template in list_templates():
        empty = template.path.stem == "empty"
        tip = template.description or "An Input and an Output, for the layers you drag between them."
        action = menu.addAction("Empty" if empty else template.name)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.setData(str(template.path))
        action.triggered.connect(lambda _=False, p=str(template.path):
                                 window.file_actions.new_from_template(p))
    if menu.isEmpty():
        menu.addAction("No templates found").setEnabled(False)


def _export(window: "MainWindow") -> None:
    from gui.export import choose_and_export  # pyqtgraph and QtSvg load on first use only
    choose_and_export(window)


def _stack_action(window, verb: str, trigger, can: str, text: str) -> QAction:
    """Undo/Redo through the Document (not QUndoStack's own actions, which call the C++ slot
    directly): the document first turns a running training's weights into an undo step."""
    stack = window.document.undo_stack
    action = QAction(f"&{verb}", window)
    action.triggered.connect(trigger)

    def refresh() -> None:
        action.setEnabled(getattr(stack, can)())
        label = getattr(stack, text)()
        action.setText(f"&{verb} {label}" if label else f"&{verb}")
    for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.indexChanged):
        signal.connect(refresh)
    refresh()
    return action
