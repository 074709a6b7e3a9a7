"""Edit operations on the canvas selection: delete, cut/copy/paste, duplicate, rename, select all,
auto layout, naming a card in place, and the canvas context menus.

Each operation reads the selection from the scene, asks the Document for one undo step, and
explains refusals (never a silent no-op when the user asked for something that cannot happen).

Two names, two gestures. Double-clicking a card's name edits the name the user sees on it, its
display name, in place: file managers and diagram editors rename what they show, and a learner
who double-clicks "Couche cachée" means that text, not the id under it. Enter (or clicking
elsewhere) keeps it as one undo step, Escape cancels, an emptied name shows the id again. The id,
which files, the CLI and PyTorch's module names use, is renamed with "Rename id…" (the card's
context menu, Edit ▸ Rename, F2) or in the Properties panel, where both names stand side by side.
"""

from __future__ import annotations

from typing import Callable

import networkx as nx
from PySide6.QtCore import QObject, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QGraphicsItem, QLineEdit, QMenu, QWidget

from core.display_names import layer_name
from core.fileformat import FileFormatError
from core.fragments import NotAFragment
from core.graph import LABEL_MAX, GraphError
from gui import clipboard, dialogs
from gui.canvas.edges import EdgeItem
from gui.canvas.items import LayerItem
from gui.canvas.layout import layered_positions
from gui.canvas.scene import NetworkScene
from gui.canvas.view import CanvasView
from gui.document import Document

PASTE_STEP = 40.0
NAME_EDITOR_MIN_WIDTH = 180  # px: room to type a name longer than the card is wide


class EditActions(QObject):
    message_posted = Signal(str)

    def __init__(self, window: QWidget, document: Document, scene: NetworkScene,
                 view: CanvasView) -> None:
        super().__init__(window)
        self.window, self.document, self.scene, self.view = window, document, scene, view
        self._paste_count = 0
        self.actions: dict[str, QAction] = {}  # filled by gui.actions; used by context menus

    # ----- delete / clipboard ------------------------------------------------------------
    def delete(self) -> None:
        layers, edges = self.scene.selected_layer_ids(), self.scene.selected_edges()
        if not layers and not edges:
            self.message_posted.emit("Nothing selected to delete.")
            return
        self.document.remove(layers, edges)

    def copy(self) -> bool:
        layers = self.scene.selected_layer_ids()
        if not layers:
            self.message_posted.emit("Select layers to copy.")
            return False
        fragment = clipboard.capture(self.document.graph, layers)
        QGuiApplication.clipboard().setMimeData(clipboard.to_mime(fragment))
        self._paste_count = 0
        self.message_posted.emit(f"Copied {len(layers)} layer{'s' if len(layers) != 1 else ''}.")
        return True

    def cut(self) -> None:
        if self.copy():
            self.document.remove(self.scene.selected_layer_ids(), self.scene.selected_edges())

    def paste(self) -> list[str]:
        """Paste only what a network file could hold; say why anything else is refused."""
        try:
            fragment = clipboard.read_mime(QGuiApplication.clipboard().mimeData())
        except NotAFragment:
            fragment = None
        except FileFormatError as exc:
            self.message_posted.emit(f"Cannot paste: {exc}")
            return []
        if fragment is None or not fragment.layers:
            self.message_posted.emit("The clipboard holds no NeuroCanvas layers.")
            return []
        self._paste_count += 1
        step = PASTE_STEP * self._paste_count
        return self._add_fragment(fragment, (step, step), "Paste")

    def duplicate(self) -> list[str]:
        layers = self.scene.selected_layer_ids()
        if not layers:
            self.message_posted.emit("Select layers to duplicate.")
            return []
        fragment = clipboard.capture(self.document.graph, layers)
        return self._add_fragment(fragment, (PASTE_STEP, PASTE_STEP), "Duplicate")

    def _add_fragment(self, fragment: clipboard.Fragment, offset: tuple[float, float],
                      text: str) -> list[str]:
        new_ids = self.document.paste(fragment, offset, text)
        self.scene.select_layers(new_ids)
        return new_ids

    # ----- rename / select / layout ------------------------------------------------------
    def _single_selected(self, refusal: str) -> str | None:
        """The one selected layer's id; else None, after posting ``refusal``."""
        selected = self.scene.selected_layer_ids()
        if len(selected) != 1:
            self.message_posted.emit(refusal)
            return None
        return selected[0]

    def rename(self, layer_id: str | None = None) -> bool:
        if layer_id is None:
            layer_id = self._single_selected("Select one layer to rename.")
            if layer_id is None:
                return False
        name = layer_name(layer_id, self.document.graph.label(layer_id), quoted=True)
        new = dialogs.ask_text(self.window, "Rename layer", f"New id for {name}:", layer_id)
        if new is None:
            return False
        try:
            self.document.rename(layer_id, new)
        except GraphError as exc:
            dialogs.show_warning(self.window, "Cannot rename layer", str(exc))
            return False
        return True

    def edit_label(self, layer_id: str | None = None) -> bool:
        """Edit a card's display name in place (double-click on its name; see the module
        docstring for why the double-click names the card rather than renaming its id)."""
        if layer_id is None:
            layer_id = self._single_selected("Select one layer to name.")
            if layer_id is None:
                return False
        item = self.scene.layer_items.get(layer_id)
        if item is None:
            return False
        editor = NameEditor(self.view.viewport(), self.document.graph.label(layer_id))
        editor.finished.connect(lambda text: self._set_label(layer_id, text))
        editor.setGeometry(self._name_geometry(item, editor))
        editor.show()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        editor.selectAll()
        return True

    def _name_geometry(self, item: LayerItem, editor: QLineEdit) -> QRect:
        """Over the line that shows the card's name (its display name, else its id)."""
        rects = item._geometry.rects  # the card's laid-out lines (LayerItem exposes id_rect only)
        line = QRectF(rects.get("label") or rects.get("id") or item.boundingRect())
        box = self.view.mapFromScene(item.mapToScene(line)).boundingRect()
        height = max(box.height(), editor.sizeHint().height())
        width = max(box.width(), NAME_EDITOR_MIN_WIDTH)
        return QRect(box.left() - 2, box.center().y() - height // 2, width + 4, height)

    def _set_label(self, layer_id: str, text: str) -> None:
        if not self.document.graph.has_layer(layer_id):
            return  # deleted (or undone away) while its name was being typed
        try:
            self.document.set_label(layer_id, text)
        except GraphError as exc:
            self.message_posted.emit(f"Name not changed: {exc}")

    def select_all(self) -> None:
        for item in self.scene.items():
            if isinstance(item, (LayerItem, EdgeItem)):
                item.setSelected(True)

    def auto_layout(self) -> None:
        graph = self.document.graph
        if not graph.layer_ids():
            return
        try:
            positions = layered_positions(graph.nx, self.scene.card_sizes(),
                                          {n: graph.position(n) for n in graph.layer_ids()},
                                          self._layout_origin())
        except nx.NetworkXUnfeasible:
            self.message_posted.emit("Auto layout needs a network without cycles.")
            return
        self.document.move_layers(positions, "Auto layout")
        self.view.fit_to_view()

    def _layout_origin(self) -> tuple[float, float]:
        rect = self.scene.layers_rect()
        return (rect.left(), rect.center().y()) if not rect.isNull() else (0.0, 0.0)

    # ----- context menus -----------------------------------------------------------------
    def context_menu(self, item: QGraphicsItem | None, scene_pos: QPointF) -> QMenu:
        menu = QMenu(self.window)
        if isinstance(item, LayerItem):
            self._layer_menu(menu, item.layer_id)
        elif isinstance(item, EdgeItem):
            menu.addAction("Delete connection", self.delete)
        else:
            menu.addAction("Paste here", self.paste)
            menu.addSeparator()
            for name in ("auto_layout", "fit", "select_all"):
                if name in self.actions:
                    menu.addAction(self.actions[name])
        return menu

    def _layer_menu(self, menu: QMenu, layer_id: str) -> None:
        menu.addAction("Edit display name…", lambda: self.edit_label(layer_id))
        menu.addAction("Rename id…", lambda: self.rename(layer_id))
        for name in ("duplicate", "copy", "cut", "delete"):
            if name in self.actions:
                menu.addAction(self.actions[name])
        menu.addSeparator()
        neurons = menu.addAction("Show neurons")
        neurons.setCheckable(True)
        neurons.setChecked(self.scene.shows_neurons(layer_id))
        neurons.setEnabled(self.scene.can_show_neurons(layer_id))
        if not neurons.isEnabled():
            neurons.setToolTip("Only Dense and Input layers with at most 16 neurons")
        neurons.toggled.connect(_bind(self.scene.set_layer_neurons, layer_id))
        if self.document.graph.layer_type(layer_id) == "Dense":
            reset = menu.addAction("Reset weights", lambda: self.document.reset_weights(layer_id))
            reset.setEnabled(bool(self.document.graph.weights(layer_id)))


class NameEditor(QLineEdit):
    """A one-line editor laid over a card: ``finished(text)`` once, on Enter or when the focus
    goes elsewhere; Escape closes it without a word. It removes itself when done."""

    finished = Signal(str)

    def __init__(self, parent: QWidget, text: str) -> None:
        super().__init__(text, parent)
        self.setObjectName("card_name_editor")
        self.setMaxLength(LABEL_MAX)
        self.setPlaceholderText("Display name (empty: the id)")
        self.setToolTip("The name shown on the card, in any language. Enter keeps it, Escape "
                        "cancels; the id is renamed from the context menu.")
        self._done = False
        self.editingFinished.connect(self._finish)

    def _finish(self) -> None:
        if not self._done:
            self._done = True
            self.finished.emit(self.text())
            self._close()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self._done = True
            self._close()
            return
        super().keyPressEvent(event)

    def _close(self) -> None:
        self.hide()
        self.deleteLater()


def _bind(function: Callable[[str, bool], None], layer_id: str) -> Callable[[bool], None]:
    return lambda on: function(layer_id, on)
