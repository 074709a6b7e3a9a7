"""A strip of chips, one per stage (forward, loss, backward, update), that shows where the student
is in the step and lets them jump by clicking. Painted by hand: a row of buttons would not fit a
14-stage step into a narrow dock.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from gui.style import PHASE_COLORS, TEXT_COLOR, TEXT_ON_COLOR, font, translucent

LETTERS = {"forward": "F", "loss": "L", "backward": "B", "update": "U"}
MAX_CHIP = 28.0
GAP = 3.0


class TimelineBar(QWidget):
    stage_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stages: list = []
        self.current = -1
        self.setMouseTracking(True)
        self.setMinimumHeight(24)
        self.setToolTip("Click a stage to jump to it")

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(300, 24)

    def set_stages(self, stages: list, current: int) -> None:
        self.stages, self.current = stages, current
        self.update()

    def set_current(self, current: int) -> None:
        self.current = current
        self.update()

    def _chip(self, index: int) -> QRectF:
        count = max(1, len(self.stages))
        width = min(MAX_CHIP, (self.width() - GAP * (count - 1)) / count)
        return QRectF(index * (width + GAP), 2, width, self.height() - 4)

    def _index_at(self, x: float) -> int | None:
        for i in range(len(self.stages)):
            if self._chip(i).left() <= x <= self._chip(i).right():
                return i
        return None

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font(8.0, bold=True))
        for i, stage in enumerate(self.stages):
            rect = self._chip(i)
            color = QColor(PHASE_COLORS[stage.phase])
            done = i <= self.current
            fill = color if done else translucent(color, 45)
            painter.setPen(QPen(TEXT_COLOR, 2.0) if i == self.current else Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
            painter.setPen(TEXT_ON_COLOR if done else color.darker(130))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, LETTERS[stage.phase])

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self._index_at(event.position().x())
        if index is not None:
            self.stage_clicked.emit(index)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self._index_at(event.position().x())
        if index is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.stages[index].title, self)
