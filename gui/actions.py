"""The window's actions and menus, declared in one table-like place.

Canvas edit actions (delete, copy, rename, ...) get their shortcuts only while the canvas has
focus, so Delete in a text field or the weights table edits that field instead of deleting
layers. Undo/redo and file actions work anywhere in the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from core import i18n
from core.i18n import N_, _
from gui.file_actions import list_examples, list_templates

if TYPE_CHECKING:
    from gui.main_window import MainWindow

Keys = QKeySequence.StandardKey
CANVAS_ACTIONS = ("delete", "cut", "copy", "paste", "duplicate", "rename", "select_all")
LANGUAGE_KEY = "view/language"  # View ▸ Language's choice, "en" or "fr"; gui.app reads it at start
# Said in the language just chosen, which the person choosing it reads
NEXT_START = {"en": N_("NeuroCanvas will be in English from its next start."),
              "fr": N_("NeuroCanvas will be in French from its next start.")}
STAYS = {"en": N_("NeuroCanvas stays in English."), "fr": N_("NeuroCanvas stays in French.")}


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
        "new": _action(window, _("&New"), files.new, [Keys.New], _("Start a new network")),
        "open": _action(window, _("&Open…"), files.open_dialog, [Keys.Open],
                        _("Open a network file")),
        "save": _action(window, _("&Save"), files.save, [Keys.Save], _("Save the network")),
        "save_as": _action(window, _("Save &As…"), files.save_as, ["Ctrl+Shift+S"],
                           _("Save the network under a new name")),
        "revert": _action(window, _("&Revert"), files.revert, [], _("Reload the file from disk")),
        "export": _action(window, _("&Export…"), lambda: _export(window), ["Ctrl+E"],
                          _("Export the canvas (PNG, SVG), the plots (PNG) or the training "
                            "history (CSV)")),
        "quit": _action(window, _("&Quit"), window.close, ["Ctrl+Q"], _("Quit NeuroCanvas")),
        "delete": _action(window, _("&Delete"), edits.delete, [Keys.Delete, "Backspace"],
                          _("Delete the selected layers and connections")),
        "cut": _action(window, _("Cu&t"), edits.cut, [Keys.Cut]),
        "copy": _action(window, _("&Copy"), edits.copy, [Keys.Copy]),
        "paste": _action(window, _("&Paste"), edits.paste, [Keys.Paste]),
        "duplicate": _action(window, _("D&uplicate"), edits.duplicate, ["Ctrl+D"]),
        "rename": _action(window, _("&Rename…"), lambda: edits.rename(), ["F2"],
                          _("Rename the layer")),
        "select_all": _action(window, _("Select &All"), edits.select_all, [Keys.SelectAll]),
        "zoom_in": _action(window, _("Zoom &In"), view.zoom_in, ["Ctrl++", "Ctrl+="]),
        "zoom_out": _action(window, _("Zoom &Out"), view.zoom_out, ["Ctrl+-"]),
        "fit": _action(window, _("&Fit to View"), view.fit_to_view, ["Ctrl+0", "F"]),
        "auto_layout": _action(window, _("Auto &Layout"), edits.auto_layout, ["Ctrl+L"],
                               _("Arrange the layers left to right")),
        "show_neurons": _action(window, _("Show &Neurons"), window.scene.set_neurons_everywhere,
                                [], _("Draw small Dense layers as neurons, with their weights"),
                                checkable=True),
    }
    a["undo"] = _stack_action(window, _("&Undo"), window.document.undo, "canUndo", "undoText")
    a["undo"].setShortcuts([QKeySequence(Keys.Undo)])
    a["redo"] = _stack_action(window, _("&Redo"), window.document.redo, "canRedo", "redoText")
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
    file_menu = bar.addMenu(_("&File"))
    file_menu.addAction(a["new"])
    window.templates_menu = file_menu.addMenu(_("New from &Template"))
    fill_templates_menu(window)
    file_menu.addAction(a["open"])
    window.recent_menu = file_menu.addMenu(_("Open &Recent"))
    window.recent_menu.aboutToShow.connect(lambda: fill_recent_menu(window))
    file_menu.addSeparator()
    file_menu.addActions([a["save"], a["save_as"], a["revert"]])
    file_menu.addSeparator()
    file_menu.addAction(a["export"])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    edit_menu = bar.addMenu(_("&Edit"))
    edit_menu.addActions([a["undo"], a["redo"]])
    edit_menu.addSeparator()
    edit_menu.addActions([a[n] for n in ("cut", "copy", "paste", "duplicate", "delete")])
    edit_menu.addSeparator()
    edit_menu.addActions([a["rename"], a["select_all"]])
    view_menu = bar.addMenu(_("&View"))
    view_menu.addActions([a[n] for n in ("zoom_in", "zoom_out", "fit", "auto_layout")])
    view_menu.addSeparator()
    view_menu.addAction(a["show_neurons"])
    view_menu.addSeparator()
    _add_workspace_and_scale(window, view_menu)
    view_menu.addSeparator()
    window.panels_menu = view_menu.addMenu(_("&Panels"))
    _add_language_menu(window, view_menu)
    window.examples_menu = bar.addMenu(_("E&xamples"))
    fill_examples_menu(window)


def _add_workspace_and_scale(window: "MainWindow", view_menu: QMenu) -> None:
    """View ▸ Workspace (Build / Train / Inspect, also in the menu bar's corner) and
    View ▸ Presentation mode with the interface scale steps."""
    workspace_menu = view_menu.addMenu(_("&Workspace"))
    workspace_menu.addActions(list(window.workspaces.actions.values()))
    window.menuBar().setCornerWidget(window.workspaces.corner, Qt.Corner.TopRightCorner)
    view_menu.addActions(window.interface_scale.actions)


def _add_language_menu(window: "MainWindow", view_menu: QMenu) -> None:
    """View ▸ Language: English / Français (each name in its own language), remembered in the
    window's settings and applied at the next start, as the status bar says when one is chosen."""
    menu = view_menu.addMenu(_("&Language"))
    window.language_menu = menu
    group = QActionGroup(menu)
    group.setExclusive(True)
    saved = i18n.normalize_language(window.settings.value(LANGUAGE_KEY, "", type=str))
    window.language_actions = {}
    for code in i18n.LANGUAGES:
        action = menu.addAction(i18n.LANGUAGE_NAMES[code])
        action.setCheckable(True)
        action.setChecked(code == (saved or i18n.current_language()))
        action.setData(code)
        action.setStatusTip(_("Show NeuroCanvas in this language from its next start"))
        group.addAction(action)
        action.triggered.connect(lambda _checked=False, c=code: choose_language(window, c))
        window.language_actions[code] = action


def choose_language(window: "MainWindow", code: str) -> None:
    """Remember ``code`` for the next start and say so, in that language."""
    window.settings.setValue(LANGUAGE_KEY, code)
    window.settings.sync()
    window.language_actions[code].setChecked(True)
    words = STAYS if code == i18n.current_language() else NEXT_START
    window.show_message(i18n.gettext_in(code, words[code]))


def fill_recent_menu(window: "MainWindow") -> None:
    menu: QMenu = window.recent_menu
    menu.clear()
    paths = window.file_actions.recent_files()
    for index, path in enumerate(paths, start=1):
        action = menu.addAction(f"&{index} {path}")
        action.triggered.connect(lambda _=False, p=path: window.file_actions.open_path(p))
    if not paths:
        menu.addAction(_("No recent files")).setEnabled(False)


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
        menu.addAction(_("No examples found")).setEnabled(False)


def fill_templates_menu(window: "MainWindow") -> None:
    """File ▸ New from template: empty, perceptron, XOR 2-2-1, MLP, CNN (assets/templates)."""
    menu: QMenu = window.templates_menu
    menu.setToolTipsVisible(True)
    for template in list_templates():
        empty = template.path.stem == "empty"
        tip = template.description or _("An Input and an Output, for the layers you drag between "
                                        "them.")
        action = menu.addAction(_("Empty") if empty else template.name)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.setData(str(template.path))
        action.triggered.connect(lambda _=False, p=str(template.path):
                                 window.file_actions.new_from_template(p))
    if menu.isEmpty():
        menu.addAction(_("No templates found")).setEnabled(False)


def _export(window: "MainWindow") -> None:
    from gui.export import choose_and_export  # pyqtgraph and QtSvg load on first use only
    choose_and_export(window)


def _stack_action(window, verb: str, trigger, can: str, text: str) -> QAction:
    """Undo/Redo through the Document (not QUndoStack's own actions, which call the C++ slot
    directly): the document first turns a running training's weights into an undo step.
    ``verb`` is the translated menu text with its mnemonic ("&Undo", « &Annuler »)."""
    stack = window.document.undo_stack
    action = QAction(verb, window)
    action.triggered.connect(trigger)

    def refresh() -> None:
        action.setEnabled(getattr(stack, can)())
        label = getattr(stack, text)()
        action.setText(f"{verb} {label}" if label else verb)
    for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.indexChanged):
        signal.connect(refresh)
    refresh()
    return action
