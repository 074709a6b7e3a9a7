"""Confusion matrix and per-class accuracy after each epoch (classification only).

A plain QTableWidget: rows are the true classes, columns what the network predicted, plus a last
column with each class' accuracy. Cells are tinted by their share of the row (blue on the
diagonal = right, orange off it = wrong), so the mistakes stand out without reading numbers. Items
are created when the class count changes and only re-texted afterwards. The table's font is
the panel's, a little smaller, and follows it when the interface scale changes it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from gui.style import CLASS_COLORS, MUTED_STYLE, PAPER, smaller, tint
from gui.training.messages import ConfusionUpdate

IDLE_TEXT = "The confusion matrix appears after the first epoch of a classification run."


class ConfusionView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(IDLE_TEXT)
        self.title.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("confusion_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(18)
        self.table.verticalHeader().setMinimumSectionSize(14)
        self._follow_font()
        self.note = QLabel("Rows: true class · columns: predicted class · ok: share of each "
                           "class predicted correctly.")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(MUTED_STYLE)
        self.latest: ConfusionUpdate | None = None
        self._dirty = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.FontChange:  # the interface scale changed the app font
            self._follow_font()
        super().changeEvent(event)

    def _follow_font(self) -> None:
        self.table.setFont(smaller(self.font()))  # ten classes must fit a narrow dock

    def set_matrix(self, update: ConfusionUpdate) -> None:
        self.latest = update
        self._dirty = True

    def reset(self) -> None:
        self.latest = None
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.title.setText(IDLE_TEXT)

    def refresh(self) -> None:
        if not self._dirty or self.latest is None:
            return
        self._dirty = False
        update = self.latest
        k = len(update.matrix)
        self.table.setUpdatesEnabled(False)  # one repaint for the whole table, not one per cell
        try:
            if self.table.rowCount() != k or self._headers() != self._names(update):
                self._rebuild(update)
            self._fill(update)
        finally:
            self.table.setUpdatesEnabled(True)
        total = update.matrix.sum()
        overall = np.trace(update.matrix) / total if total else 0.0
        self.title.setText(f"<b>Confusion matrix</b> · {update.subset} set, epoch {update.epoch} "
                           f"· {int(total)} samples · accuracy {overall:.1%}")

    # ----- table -------------------------------------------------------------------------
    @staticmethod
    def _names(update: ConfusionUpdate) -> list[str]:
        k = len(update.matrix)
        names = list(update.class_names[:k])
        return names + [str(i) for i in range(len(names), k)]

    def _headers(self) -> list[str]:
        return [self.table.verticalHeaderItem(i).text() if self.table.verticalHeaderItem(i) else ""
                for i in range(self.table.rowCount())]

    def _rebuild(self, update: ConfusionUpdate) -> None:
        names = self._names(update)
        k = len(names)
        self.table.setRowCount(k)
        self.table.setColumnCount(k + 1)
        self.table.setVerticalHeaderLabels(names)
        self.table.setHorizontalHeaderLabels([f"→{n}" for n in names] + ["ok"])
        self.table.horizontalHeaderItem(k).setToolTip("Share of this class predicted correctly")
        self.table.horizontalHeader().setSectionResizeMode(k, QHeaderView.ResizeMode.ResizeToContents)
        for row in range(k):
            for col in range(k + 1):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)

    def _fill(self, update: ConfusionUpdate) -> None:
        matrix = update.matrix
        rows = matrix.sum(axis=1)
        accuracy = update.per_class_accuracy
        right, wrong = QColor(CLASS_COLORS[1]), QColor(CLASS_COLORS[0])
        for i in range(len(matrix)):
            for j in range(len(matrix)):
                share = matrix[i, j] / rows[i] if rows[i] else 0.0
                item = self.table.item(i, j)
                item.setText(str(int(matrix[i, j])))
                base = right if i == j else wrong
                item.setBackground(QBrush(tint(base, 1.0 - 0.75 * share) if share else
                                          PAPER))
            acc_item = self.table.item(i, len(matrix))
            acc_item.setText("—" if np.isnan(accuracy[i]) else f"{accuracy[i]:.0%}")
