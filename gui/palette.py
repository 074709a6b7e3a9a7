"""The layer palette: every layer type grouped by category, dragged onto the canvas to add it.

Drags carry only the type name under LAYER_MIME, so the drop side (the canvas) needs nothing but
the catalogue. Double-clicking an entry asks the window to add it at the middle of the view.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QLineEdit, QStyle, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from core.layers import CATEGORIES, all_specs
from gui.canvas.view import LAYER_MIME
from gui.icons import spec_icon
from gui.style import bold_only

TYPE_ROLE = Qt.ItemDataRole.UserRole


class PaletteTree(QTreeWidget):
    layer_requested = Signal(str)  # type name (double-click)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setIndentation(10)
        self.setIconSize(QSize(22, 22))
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.itemDoubleClicked.connect(self._on_double_click)
        self._populate()

    def _populate(self) -> None:
        specs = all_specs()
        for category in CATEGORIES:
            members = [s for s in specs if s.category == category]
            if not members:
                continue
            group = QTreeWidgetItem(self, [category])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFont(0, bold_only())
            for spec in members:
                entry = QTreeWidgetItem(group, [spec.display_name])
                entry.setIcon(0, spec_icon(spec))
                entry.setToolTip(0, spec.description)
                entry.setStatusTip(0, spec.description)
                entry.setData(0, TYPE_ROLE, spec.type_name)
                entry.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                               | Qt.ItemFlag.ItemIsDragEnabled)
        self.expandAll()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Never narrower than the longest layer name: a name cut to "Dens" helps nobody, so the
        dock grows instead (at any font size: the hint is measured from the current font)."""
        hint = super().minimumSizeHint()
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        width = self.sizeHintForColumn(0) + scroll_bar + 2 * self.frameWidth() + 2
        return QSize(max(hint.width(), width), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.minimumSizeHint().width(), super().sizeHint().height())

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):
            self.updateGeometry()  # the interface scale changed: ask for the new width

    def item_for(self, type_name: str) -> QTreeWidgetItem | None:
        for group_index in range(self.topLevelItemCount()):
            group = self.topLevelItem(group_index)
            for i in range(group.childCount()):
                if group.child(i).data(0, TYPE_ROLE) == type_name:
                    return group.child(i)
        return None

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [LAYER_MIME]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:  # noqa: N802
        mime = QMimeData()
        types = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        if types:
            mime.setData(LAYER_MIME, types[0].encode("utf-8"))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction

    def _on_double_click(self, item: QTreeWidgetItem, column: int) -> None:
        type_name = item.data(0, TYPE_ROLE)
        if type_name:
            self.layer_requested.emit(type_name)

    def filter(self, text: str) -> None:
        """Show only entries whose name or description contains ``text``."""
        needle = text.strip().lower()
        for group_index in range(self.topLevelItemCount()):
            group = self.topLevelItem(group_index)
            visible = 0
            for i in range(group.childCount()):
                entry = group.child(i)
                hit = not needle or needle in entry.text(0).lower() \
                    or needle in entry.toolTip(0).lower()
                entry.setHidden(not hit)
                visible += hit
            group.setHidden(visible == 0)


class LayerPalette(QWidget):
    """The dock's content: a filter box above the tree."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Filter layers…", clearButtonEnabled=True)
        self.tree = PaletteTree()
        self.search.textChanged.connect(self.tree.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.layer_requested = self.tree.layer_requested

