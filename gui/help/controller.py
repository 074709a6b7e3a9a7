"""The Help menu and F1: which page to show, generated from the program's own registries.

Every page is made when it is opened, from where its facts live: the shortcuts from the
window's QActions, a layer's page from its LayerSpec (core.layer_docs), the lessons from the
example files, the file format from docs/file-format.md (core.package_info.find_doc says where
that is, in a source tree or an installed copy), the licences from package metadata.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar

from core.layer_docs import layer_help_markdown
from core.layers import get_spec
from core.package_info import doc_folders, find_doc
from gui.help import texts
from gui.help.about import AboutDialog
from gui.help.browser import HelpBrowser
from gui.help.empty_hint import EmptyCanvasHint
from gui.help.shortcuts import collect_shortcuts, key_names, shortcuts_markdown
from gui.palette import TYPE_ROLE

if TYPE_CHECKING:
    from gui.main_window import MainWindow

FILE_FORMAT_DOC = "file-format.md"
MENU_PATH_SEPARATOR = " ▸ "
# Placeholders of texts.GETTING_STARTED -> the action that carries the key (window.action_map
# names, then objectName of actions made elsewhere: the training panel, this menu).
GUIDE_ACTIONS = {
    "rename": "rename", "duplicate": "duplicate", "delete": "delete", "undo": "undo",
    "redo": "redo", "fit": "fit", "auto_layout": "auto_layout", "save": "save", "open": "open",
    "train": "training_train", "pause": "training_pause", "stop": "training_stop",
    "step_batch": "training_step_batch", "step_epoch": "training_step_epoch",
    "layer_help": "help_layer", "shortcuts": "help_shortcuts",
}


class HelpController(QObject):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self._browser: HelpBrowser | None = None
        self._about: AboutDialog | None = None
        self.actions = self._make_actions()
        self.menu = self._make_menu()
        self.hint = EmptyCanvasHint(window.view, window.document, self._palette_name(),
                                    self.examples_menu_path())

    # ----- construction ------------------------------------------------------------------
    def _make_actions(self) -> dict[str, QAction]:
        m = texts.MENU
        table = {
            "getting_started": (m["getting_started"], m["getting_started_tip"], (),
                                self.show_getting_started),
            "layer": (m["layer_help"], m["layer_help_tip"], ("F1",), self.show_layer_help),
            "shortcuts": (m["shortcuts"], m["shortcuts_tip"], ("Ctrl+/",), self.show_shortcuts),
            "file_format": (m["file_format"], m["file_format_tip"], (), self.show_file_format),
            "lessons": (m["lessons"], m["lessons_tip"], (), self.show_lessons),
            "about": (m["about"], m["about_tip"], (), self.show_about),
            "about_qt": (m["about_qt"], "", (), QApplication.aboutQt),
        }
        actions = {}
        for name, (text, tip, keys, slot) in table.items():
            action = QAction(text, self.window)
            action.setObjectName(f"help_{name}")
            action.setStatusTip(tip)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setMenuRole(QAction.MenuRole.AboutRole if name == "about" else
                               QAction.MenuRole.AboutQtRole if name == "about_qt" else
                               QAction.MenuRole.NoRole)
            action.triggered.connect(lambda _=False, s=slot: s())
            self.window.addAction(action)
            actions[name] = action
        return actions

    def _make_menu(self) -> QMenu:
        bar = self.window.menuBar()
        menu = bar.addMenu(texts.MENU["help"])
        menu.setObjectName("help_menu")
        a = self.actions
        menu.addActions([a["getting_started"], a["layer"], a["shortcuts"]])
        menu.addSeparator()
        menu.addActions([a["file_format"], a["lessons"]])
        menu.addSeparator()
        menu.addActions([a["about"], a["about_qt"]])
        self._keeper = _KeepLast(bar, menu)
        return menu

    # ----- pages -------------------------------------------------------------------------
    def browser(self) -> HelpBrowser:
        if self._browser is None:
            self._browser = HelpBrowser(self.window)
        return self._browser

    def show_getting_started(self) -> None:
        keys = key_names(self.window, {k: self._find_action(n) for k, n in GUIDE_ACTIONS.items()})
        page = texts.GETTING_STARTED.format(examples=self.examples_menu_path(), **keys)
        self.browser().show_markdown("getting_started", texts.TITLES["getting_started"], page)

    def show_shortcuts(self) -> None:
        page = shortcuts_markdown(collect_shortcuts(self.window))
        self.browser().show_markdown("shortcuts", texts.TITLES["shortcuts"], page)

    def show_layer_help(self, layer_type: str | None = None) -> None:
        """F1: the selected card's layer (or the palette's current entry); no layer, the guide."""
        layer_type = layer_type or self.current_layer_type()
        if layer_type is None:
            self.show_getting_started()
            return
        spec = get_spec(layer_type)
        self.browser().show_markdown(f"layer:{layer_type}",
                                     texts.TITLES["layer"].format(name=spec.display_name),
                                     layer_help_markdown(spec))

    def show_file_format(self) -> None:
        path = find_doc(FILE_FORMAT_DOC)
        page = path.read_text(encoding="utf-8") if path else _missing(FILE_FORMAT_DOC)
        self.browser().show_markdown("file_format", texts.TITLES["file_format"], page,
                                     path.parent if path else None)

    def show_lessons(self) -> None:
        from gui.help.lessons import lessons_markdown
        page = lessons_markdown(self.window.file_actions.examples_dir, self.examples_menu_path())
        self.browser().show_markdown("lessons", texts.TITLES["lessons"], page)

    def show_about(self) -> None:
        if self._about is None:
            self._about = AboutDialog(self.window)
        self._about.show()
        self._about.raise_()

    # ----- what F1 is about --------------------------------------------------------------
    def current_layer_type(self) -> str | None:
        window = self.window
        tree = window.layer_palette.tree
        if tree.hasFocus() and tree.currentItem() is not None:
            chosen = tree.currentItem().data(0, TYPE_ROLE)
            if chosen:
                return chosen
        selected = window.scene.selected_layer_ids()
        return window.document.graph.layer_type(selected[0]) if selected else None

    def _find_action(self, name: str) -> QAction | None:
        found = getattr(self.window, "action_map", {}).get(name)
        return found if found is not None else self.window.findChild(QAction, name)

    def examples_menu_path(self) -> str:
        """Where the examples menu is, e.g. "File ▸ Examples", read from the menu bar."""
        target = getattr(self.window, "examples_menu", None)
        path = _menu_path(self.window.menuBar(), target) if target is not None else None
        return MENU_PATH_SEPARATOR.join(path) if path else texts.TITLES["lessons"]

    def _palette_name(self) -> str:
        dock = getattr(self.window, "docks", {}).get("Layers")
        return dock.windowTitle() if dock is not None else "Layers"


def _menu_path(container, target: QMenu) -> list[str] | None:
    for action in container.actions():
        menu = action.menu()
        if menu is None:
            continue
        title = menu.title().replace("&", "")
        if menu is target:
            return [title]
        inner = _menu_path(menu, target)
        if inner:
            return [title, *inner]
    return None


def _missing(name: str) -> str:
    folders = "\n".join(f"- `{folder}`" for folder in doc_folders())
    return texts.MISSING_DOC.format(name=name, folders=folders)


class _KeepLast(QObject):
    """Keeps Help the last menu when panels add theirs (Training) after it, as users expect."""

    def __init__(self, bar: QMenuBar, menu: QMenu) -> None:
        super().__init__(menu)
        self.bar, self.menu = bar, menu
        bar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ActionAdded and event.action() is not self.menu.menuAction():
            actions = self.bar.actions()
            if actions and actions[-1] is not self.menu.menuAction():
                self.bar.removeAction(self.menu.menuAction())
                self.bar.addAction(self.menu.menuAction())
        return False

