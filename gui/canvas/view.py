"""The canvas view: zoom about the cursor, pan, fit, palette drops and connection drags.

Edits go through the Document; refusals are never silent: they appear at the cursor and are
posted (``message_posted``) for the status bar.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QContextMenuEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QCursor,
                           QKeyEvent, QMouseEvent, QPainter, QWheelEvent)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QMenu, QToolTip

from core.graph import GraphError
from gui.canvas.edges import EdgeItem
from gui.canvas.interactions import ConnectionDrag, Panner, port_near
from gui.canvas.items import LayerItem
from gui.canvas.scene import NetworkScene
from gui.style import ui_scale
from gui.document import Document

LAYER_MIME = "application/x-neurocanvas-layer"
MIN_ZOOM, MAX_ZOOM, FIT_MAX_ZOOM = 0.2, 4.0, 1.25
DROP_OFFSET = QPointF(62, 40)  # roughly half a card: the card lands centred under the cursor

ContextMenuProvider = Callable[[QGraphicsItem | None, QPointF], QMenu | None]


class CanvasView(QGraphicsView):
    message_posted = Signal(str)
    files_dropped = Signal(list)
    zoom_changed = Signal(float)
    layer_dropped = Signal(str)  # id of the layer added by a palette drop

    def __init__(self, scene: NetworkScene, document: Document, parent=None) -> None:
        super().__init__(scene, parent)
        self.document = document
        self.context_menu_provider: ContextMenuProvider | None = None
        self._connection: ConnectionDrag | None = None
        self._panner = Panner(self)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSceneRect(QRectF(-20000, -20000, 40000, 40000))
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    @property
    def network_scene(self) -> NetworkScene:
        return self.scene()  # type: ignore[return-value]

    # ----- zoom and fit ------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, view_pos: QPoint | None = None) -> None:
        """Scale keeping the scene point under ``view_pos`` (default: the centre) in place."""
        factor = max(MIN_ZOOM / self.zoom, min(MAX_ZOOM / self.zoom, factor))
        if view_pos is None:
            view_pos = self.viewport().rect().center()
        before = self.mapToScene(view_pos)
        self.scale(factor, factor)
        drift = self.mapFromScene(before) - view_pos
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + drift.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + drift.y())
        self.zoom_changed.emit(self.zoom)

    def zoom_in(self) -> None:
        self.zoom_by(1.25, self._cursor_or_none())

    def zoom_out(self) -> None:
        self.zoom_by(0.8, self._cursor_or_none())

    def _cursor_or_none(self) -> QPoint | None:
        pos = self.viewport().mapFromGlobal(QCursor.pos())
        return pos if self.viewport().rect().contains(pos) else None

    def fit_to_view(self) -> None:
        rect = self.network_scene.layers_rect()
        if rect.isNull():
            return
        self.fitInView(rect.adjusted(-50, -50, 50, 50), Qt.AspectRatioMode.KeepAspectRatio)
        most = FIT_MAX_ZOOM * ui_scale()  # presentation mode: cards as large as the text around
        if self.zoom > most or self.zoom < MIN_ZOOM:
            level = min(max(self.zoom, MIN_ZOOM), most)
            self.resetTransform()
            self.scale(level, level)
            self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom)

    def center_on_layer(self, layer_id: str) -> None:
        item = self.network_scene.layer_items.get(layer_id)
        if item is not None:
            self.centerOn(item.sceneBoundingRect().center())

    def visible_center(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15 ** steps, event.position().toPoint())
        event.accept()

    # ----- drops from the palette and the file manager -----------------------------------
    def _accepts(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        mime = event.mimeData()
        return mime.hasFormat(LAYER_MIME) or any(
            u.isLocalFile() and u.toLocalFile().lower().endswith(".json") for u in mime.urls())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        mime = event.mimeData()
        if mime.hasFormat(LAYER_MIME):
            layer_type = bytes(mime.data(LAYER_MIME).data()).decode("utf-8")
            self.add_layer_at(layer_type, self.mapToScene(event.position().toPoint()))
            event.setDropAction(Qt.DropAction.CopyAction)  # never Move: the palette keeps its entry
            event.accept()
            return
        paths = [u.toLocalFile() for u in mime.urls()
                 if u.isLocalFile() and u.toLocalFile().lower().endswith(".json")]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
            return
        event.ignore()

    def add_layer_at(self, layer_type: str, scene_pos: QPointF) -> str | None:
        """AddLayer centred on ``scene_pos``; the new card becomes the selection."""
        try:
            layer_id = self.document.add_layer(layer_type, (scene_pos - DROP_OFFSET).toTuple())
        except KeyError as exc:
            self.message_posted.emit(str(exc.args[0]))
            return None
        self.network_scene.select_layers([layer_id])
        self.layer_dropped.emit(layer_id)
        return layer_id

    # ----- mouse: connections, panning, moves --------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._panner.wants(event.button()):
            self._panner.start(event.position().toPoint())
            event.accept()
            return
        port = port_near(self.scene(), self.mapToScene(event.position().toPoint())) \
            if event.button() == Qt.MouseButton.LeftButton else None
        if port is not None:
            self._connection = ConnectionDrag(self.scene(), self.document.graph, port)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._panner.active:
            self._panner.move(event.position().toPoint())
        elif self._connection is not None:
            self._move_connection(event.position().toPoint())
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._panner.active:
            self._panner.finish()
        elif self._connection is not None:
            self._finish_connection(event.position().toPoint())
        else:
            super().mouseReleaseEvent(event)
            if event.button() == Qt.MouseButton.LeftButton:
                self.network_scene.commit_moves()

    def _move_connection(self, view_pos: QPoint) -> None:
        """Explain a refusal at the cursor as soon as the drag reaches it, not only on release."""
        before = self._connection.refusal
        self._connection.move(self.mapToScene(view_pos))
        refusal = self._connection.refusal
        if refusal != before:
            if refusal:
                QToolTip.showText(self.viewport().mapToGlobal(view_pos), refusal, self.viewport())
            else:
                QToolTip.hideText()

    def _finish_connection(self, view_pos: QPoint) -> None:
        drag, self._connection = self._connection, None
        ends = drag.finish(self.mapToScene(view_pos))
        if ends is None:
            return
        try:
            self.document.connect(*ends)
        except GraphError as exc:
            self.show_refusal(str(exc), view_pos)
            return
        self.message_posted.emit(f"Connected {ends[0]} → {ends[1]}")

    def show_refusal(self, message: str, view_pos: QPoint) -> None:
        """Refused edits are explained where the user is looking, and in the status bar."""
        QToolTip.showText(self.viewport().mapToGlobal(view_pos), message, self.viewport())
        self.message_posted.emit(message)

    # ----- keyboard and context menu -----------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._panner.space_held = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            self.setDragMode(QGraphicsView.DragMode.NoDrag)
            return
        if event.key() == Qt.Key.Key_Escape and self._connection is not None:
            self._connection.cancel()
            self._connection = None
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._panner.space_held = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            return
        super().keyReleaseEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        if self.context_menu_provider is None:
            return
        item = self._selectable_at(event.pos())
        if item is not None and not item.isSelected():
            self.scene().clearSelection()
            item.setSelected(True)
        menu = self.context_menu_provider(item, self.mapToScene(event.pos()))
        if menu is not None:
            menu.exec(event.globalPos())

    def _selectable_at(self, pos: QPoint) -> QGraphicsItem | None:
        item = self.itemAt(pos)
        while item is not None and not isinstance(item, (LayerItem, EdgeItem)):
            item = item.parentItem()
        return item
