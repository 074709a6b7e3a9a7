"""What to do first, written on an empty canvas, gone as soon as there is a layer.

An overlay label on the view's viewport rather than a scene item: it stays centred and
readable whatever the zoom, never appears in a scene export, never takes part in selection or
fit-to-view, and needs no change to the canvas code. It is transparent to the mouse, so drops
and clicks reach the canvas beneath it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGraphicsView, QLabel

from gui.document import Document
from gui.help.texts import EMPTY_CANVAS_HINT
from gui.style import HINT_STYLE, ui_scale

MAX_WIDTH = 520  # px at the desktop size: two short lines rather than one across a wide canvas
MARGIN = 24


class EmptyCanvasHint(QLabel):
    def __init__(self, view: QGraphicsView, document: Document, palette_name: str,
                 examples_path: str) -> None:
        super().__init__(view.viewport())
        self.setObjectName("empty_canvas_hint")
        self.document = document
        self.setText(EMPTY_CANVAS_HINT.format(palette=palette_name, examples=examples_path))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(HINT_STYLE)  # at the interface scale (gui/presentation.py)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._viewport = view.viewport()
        self._watcher = _ResizeWatcher(self)
        self._viewport.installEventFilter(self._watcher)
        document.graph_changed.connect(lambda _event: self.update_visibility())
        document.document_replaced.connect(self.update_visibility)
        self.update_visibility()

    def set_examples_path(self, examples_path: str, palette_name: str) -> None:
        self.setText(EMPTY_CANVAS_HINT.format(palette=palette_name, examples=examples_path))
        self.place()

    def update_visibility(self) -> None:
        """Shown exactly while the network has no layer."""
        self.setVisible(not self.document.graph.layer_ids())
        if self.isVisible():
            self.place()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.isVisible():
            self.place()  # the interface scale changed: as tall as the text now needs

    def place(self) -> None:
        """Centre in the viewport, at most MAX_WIDTH wide, as tall as the wrapped text needs."""
        area = self._viewport.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        width = max(1, min(round(MAX_WIDTH * ui_scale()), area.width()))
        height = min(self.heightForWidth(width), max(1, area.height()))
        self.setGeometry(area.center().x() - width // 2, area.center().y() - height // 2,
                         width, height)


class _ResizeWatcher(QObject):
    """Re-centres the hint when the viewport changes size (docks opening, window resized)."""

    def __init__(self, hint: EmptyCanvasHint) -> None:
        super().__init__(hint)
        self.hint = hint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and self.hint.isVisible():
            self.hint.place()
        return False
