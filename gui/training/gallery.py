"""The Output tab for image datasets: samples with the network's answers, mistakes first.

A decision boundary needs two inputs; a digit has 64. What a class can read instead is the
network's answer on real pictures: each tile is one sample of the validation set (the training
set when there is none), captioned with its true class, and the wrong answers come first, framed
in red and captioned "true → predicted". The tiles are painted by one widget (no item per tile),
as many as fit, at least MIN_TILE px a side so an 8 × 8 digit is legible on a projector; they
are redrawn only when a new update arrives (the panel's ~30 Hz timer calls `refresh`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from gui.style import (ERROR_COLOR, FAINT_COLOR, MUTED_STYLE, PAPER, SMALL_MUTED_STYLE,
                       VALID_COLOR, font, ui_scale)
from gui.training.messages import GalleryUpdate

IDLE_TEXT = ("The network's answers on sample pictures appear here after the first epoch, "
             "mistakes first.")
NOTE = ("Each picture is one sample with its true class; red ones were answered wrong "
        "(true → predicted). Hover a picture for the network's confidence.")
MIN_TILE = 48  # px at the interface scale 1
MAX_TILE = 80
GAP = 6
CAPTION_POINTS = 9.0


class SampleGallery(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sample_gallery")
        self.title = QLabel(IDLE_TEXT)
        self.title.setObjectName("gallery_title")
        self.title.setWordWrap(True)
        self.title.setStyleSheet(MUTED_STYLE)
        self.tiles = GalleryTiles()
        self.note = QLabel(NOTE)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(SMALL_MUTED_STYLE)
        self.latest: GalleryUpdate | None = None
        self._dirty = False
        self.updates = 0  # drawn updates (tests)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.tiles, 1)
        layout.addWidget(self.note)

    def set_gallery(self, update: GalleryUpdate) -> None:
        self.latest = update
        self._dirty = True

    def reset(self) -> None:
        self.latest, self._dirty = None, False
        self.tiles.show_update(None)
        self.title.setText(IDLE_TEXT)
        self.title.setStyleSheet(MUTED_STYLE)

    def refresh(self) -> None:
        if not self._dirty or self.latest is None:
            return
        self._dirty = False
        self.updates += 1
        update = self.latest
        self.tiles.show_update(update)
        self.title.setStyleSheet("")
        self.title.setText(title_text(update))


def title_text(update: GalleryUpdate) -> str:
    right = update.total - update.mistakes
    share = right / update.total if update.total else 0.0
    mistakes = (f"<span style='color:{ERROR_COLOR.name()}'>{update.mistakes} wrong</span>"
                if update.mistakes else "none wrong")
    return (f"<b>Answers</b> · {update.subset} set, epoch {update.epoch} · {mistakes} of "
            f"{update.total} ({share:.1%} right) · mistakes first")


def caption(update: GalleryUpdate, index: int) -> str:
    names = update.class_names
    true, predicted = int(update.true[index]), int(update.predicted[index])
    name = names[true] if true < len(names) else str(true)
    if true == predicted:
        return name
    guess = names[predicted] if predicted < len(names) else str(predicted)
    return f"{name} → {guess}"


def grey_images(update: GalleryUpdate) -> list[QImage]:
    """Dark ink on white, on the subset's one grey scale (high values are ink, as in MNIST and
    the digits)."""
    low, high = update.levels
    span = high - low if high > low else 1.0
    ink = np.clip((update.images - low) / span, 0.0, 1.0)
    grey = np.ascontiguousarray((255 * (1.0 - ink)).astype(np.uint8))
    images = []
    for tile in grey:
        h, w = tile.shape
        images.append(QImage(tile.data, w, h, w, QImage.Format.Format_Grayscale8).copy())
    return images


class GalleryTiles(QWidget):
    """The grid itself: as many tiles as fit, row by row, in the order the update gives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.update_shown: GalleryUpdate | None = None
        self._images: list[QImage] = []

    def sizeHint(self) -> QSize:  # noqa: N802
        side = self.tile_side(4 * (MIN_TILE + GAP))
        return QSize(4 * (side + GAP), 3 * (side + self._caption_height() + GAP))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        side = round(MIN_TILE * ui_scale())
        return QSize(side + 2 * GAP, side + self._caption_height() + 2 * GAP)

    def show_update(self, update: GalleryUpdate | None) -> None:
        self.update_shown = update
        self._images = grey_images(update) if update is not None else []
        self.update()

    # ----- geometry ----------------------------------------------------------------------
    @staticmethod
    def tile_side(width: int) -> int:
        """Tiles from MIN_TILE to MAX_TILE px (times the interface scale), as wide as the row
        allows once it holds as many of the smallest as fit."""
        smallest, largest = MIN_TILE * ui_scale(), MAX_TILE * ui_scale()
        columns = max(1, int((width - GAP) // (smallest + GAP)))
        return int(min(largest, max(smallest, (width - GAP) / columns - GAP)))

    @staticmethod
    def _caption_height() -> int:
        return QFontMetrics(font(CAPTION_POINTS, bold=True)).height()

    def grid(self) -> tuple[int, int, int]:
        """(columns, rows, tile side) that fit the widget now."""
        side = self.tile_side(self.width())
        columns = max(1, (self.width() - GAP) // (side + GAP))
        rows = max(0, (self.height() - GAP) // (side + self._caption_height() + GAP))
        return columns, rows, side

    def tile_rect(self, index: int) -> QRect:
        columns, _, side = self.grid()
        row, column = divmod(index, columns)
        step_y = side + self._caption_height() + GAP
        return QRect(GAP + column * (side + GAP), GAP + row * step_y, side, side)

    def visible_count(self) -> int:
        columns, rows, _ = self.grid()
        return min(len(self._images), columns * rows)

    def index_at(self, pos: QPoint) -> int | None:
        for index in range(self.visible_count()):
            rect = self.tile_rect(index)
            if rect.adjusted(0, 0, 0, self._caption_height()).contains(pos):
                return index
        return None

    # ----- Qt ----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), PAPER)
        update = self.update_shown
        if update is None:
            return
        painter.setFont(font(CAPTION_POINTS, bold=True))
        caption_height = self._caption_height()
        for index in range(self.visible_count()):
            rect = self.tile_rect(index)
            wrong = int(update.true[index]) != int(update.predicted[index])
            painter.drawImage(rect, self._images[index])  # nearest pixels: honest at 8 x 8
            painter.setPen(QPen(ERROR_COLOR if wrong else FAINT_COLOR, 3 if wrong else 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.setPen(ERROR_COLOR if wrong else VALID_COLOR)
            text_rect = QRect(rect.left() - GAP // 2, rect.bottom() + 1, rect.width() + GAP,
                              caption_height)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, caption(update, index))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        index = self.index_at(event.position().toPoint())
        update = self.update_shown
        if index is None or update is None:
            QToolTip.hideText()
            return
        names = update.class_names
        true, predicted = int(update.true[index]), int(update.predicted[index])
        verdict = "right" if true == predicted else "wrong"
        text = (f"true class {names[true]}, the network answers {names[predicted]} "
                f"(p = {float(update.confidence[index]):.2f}): {verdict}")
        QToolTip.showText(event.globalPosition().toPoint(), text, self)
