"""Per-neuron output maps drawn on the canvas, on top of the neuron circles, during training.

For networks with two inputs, TensorFlow Playground shows what every neuron "sees": its output
over the input plane. Here each neuron circle of the neurons view (View > Show Neurons) gets a
tile of that map, MAP_SIZE (48 px at zoom 1) a side. The tiles are QGraphicsPixmapItems
parented to the layer card, so they move with it; they are found through the scene's public
`layer_items` and `LayerItem.neuron_scene_positions()` and never change the model. Layers not
shown as neurons get no tiles. The training panel owns this overlay; the scene does not know
about it.
"""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem, QGraphicsRectItem

from gui.canvas.neurons import MAP_SIZE
from gui.style import diverging_rgb

TILE = MAP_SIZE  # scene px; the card's neuron column is wider, so a tile stays on its card


class NeuronMapOverlay:
    def __init__(self, scene) -> None:
        self.scene = scene
        self._tiles: dict[str, tuple[QGraphicsItem, list[QGraphicsPixmapItem]]] = {}
        self.updates = 0

    def show_maps(self, maps: dict[str, np.ndarray]) -> None:
        """``maps[layer_id]`` is (units, G, G); each neuron's map is scaled by its own largest
        magnitude, so the pattern is visible whatever the activation's range."""
        shown = set()
        for layer_id, values in maps.items():
            item = self.scene.layer_items.get(layer_id)
            if item is None or item.neuron_total != len(values):
                continue
            tiles = self._tiles_for(layer_id, item, len(values))
            positions = item.neuron_scene_positions()
            for index, (tile, value, centre) in enumerate(zip(tiles, values, positions)):
                tile.setPixmap(_pixmap(value))
                corner = item.mapFromScene(centre) - QPointF(TILE / 2, TILE / 2)
                tile.setPos(corner)
                tile.data(0).setRect(corner.x(), corner.y(), TILE, TILE)
                tile.setToolTip(f"'{layer_id}' neuron {index + 1}: output from "
                                f"{float(value.min()):.3g} to {float(value.max()):.3g} over the "
                                "plane (colours scaled to this neuron's range)")
            shown.add(layer_id)
        for layer_id in set(self._tiles) - shown:
            self._remove(layer_id)
        self.updates += 1

    def clear(self) -> None:
        for layer_id in list(self._tiles):
            self._remove(layer_id)

    def tile_count(self) -> int:
        return sum(len(tiles) for _, tiles in self._tiles.values())

    # ----- items -------------------------------------------------------------------------
    def _tiles_for(self, layer_id: str, item, count: int) -> list[QGraphicsPixmapItem]:
        """Reuse the layer's tiles unless the card was recreated or its size changed."""
        parent, tiles = self._tiles.get(layer_id, (None, []))
        if parent is item and len(tiles) == count and all(shiboken6.isValid(t) for t in tiles):
            return tiles
        self._remove(layer_id)
        tiles = []
        for _ in range(count):
            tile = QGraphicsPixmapItem(item)
            tile.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            tile.setZValue(3)
            frame = QGraphicsRectItem(item)
            frame.setPen(QPen(Qt.GlobalColor.darkGray, 1.0))
            frame.setZValue(4)
            tile.setData(0, frame)
            tiles.append(tile)
        self._tiles[layer_id] = (item, tiles)
        return tiles

    def _remove(self, layer_id: str) -> None:
        parent, tiles = self._tiles.pop(layer_id, (None, []))
        for tile in tiles:
            if shiboken6.isValid(tile):
                frame = tile.data(0)
                for graphic in (frame, tile):
                    if graphic is not None and shiboken6.isValid(graphic):
                        if graphic.scene() is not None:
                            graphic.scene().removeItem(graphic)
                        graphic.setParentItem(None)


def _pixmap(values: np.ndarray) -> QPixmap:
    """(G, G) outputs (row = y upwards) -> a TILE x TILE pixmap on the orange-white-blue scale."""
    peak = float(np.abs(values).max())
    normalised = values / peak if peak > 1e-12 else np.zeros_like(values)
    rgb = np.ascontiguousarray(diverging_rgb(normalised[::-1]))  # image rows go downwards
    h, w, _ = rgb.shape
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(image).scaled(int(TILE), int(TILE),
                                           Qt.AspectRatioMode.IgnoreAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation)
