"""A look at the chosen data before training: points, images or the first rows of the table.

Two inputs are drawn as a scatter coloured by class (or by value for a regression), one input with
a number target as x against y, image sets (the digits, IDX files: core.samples) as a
grid of the first images with their labels, and anything else as a table of the first rows. Raw
values are shown, before the split and the scaling.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import (QAbstractItemView, QLabel, QStackedWidget, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from core.samples import image_shape
from core.settings import DatasetSpec
from gui.style import (ERROR_COLOR, ERROR_TEXT_STYLE, MUTED_STYLE, PAPER, POINT_COLOR, class_color,
                       value_colors)

MAX_SCATTER = 2000
IMAGE_COLUMNS, IMAGE_ROWS = 8, 3
TABLE_ROWS = 20


def summary_text(raw, spec: DatasetSpec) -> str:
    n = len(raw.x)
    features = " × ".join(str(d) for d in raw.x.shape[1:])
    if raw.task == "classification":
        what = f"{raw.n_classes} classes"
    else:
        what = f"regression ({', '.join(raw.target_names) or 'number target'})"
    n_val = 0 if spec.validation_split <= 0 or n < 2 else \
        min(max(1, int(round(n * spec.validation_split))), n - 1)
    return (f"<b>{n:,}</b> samples · inputs {features} · {what} · training {n - n_val:,} / "
            f"validation {n_val:,} · scaling {spec.scaling}")


class DatasetPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("dataset_summary")
        self.stack = QStackedWidget()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MUTED_STYLE)
        self.scatter_plot = self._plot()
        self.scatter = pg.ScatterPlotItem(size=6, pen=pg.mkPen(PAPER, width=0.8))
        self.scatter_plot.addItem(self.scatter)
        self.image_plot = self._plot()
        self.image_plot.getPlotItem().hideAxis("left")
        self.image_plot.getPlotItem().hideAxis("bottom")
        self.image_plot.getPlotItem().getViewBox().invertY(True)
        self.image_plot.getPlotItem().getViewBox().setAspectLocked(True)
        self.mosaic = pg.ImageItem()
        self.image_plot.addItem(self.mosaic)
        self._labels: list[pg.TextItem] = []
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for page in (self.message, self.scatter_plot, self.image_plot, self.table):
            self.stack.addWidget(page)
        self.kind = "message"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 240)  # pyqtgraph asks for 600 x 500, which a side column cannot give

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return False  # else the scroll area sizes the column from the plots' 500 px hint

    @staticmethod
    def _plot() -> pg.PlotWidget:
        plot = pg.PlotWidget(background="w", enableMenu=False)
        plot.setMinimumHeight(140)
        return plot

    # ----- states ------------------------------------------------------------------------
    def show_message(self, text: str, error: bool = False) -> None:
        self.kind = "message"
        self.message.setStyleSheet(ERROR_TEXT_STYLE if error else MUTED_STYLE)
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        if error:
            self.summary.setText("")

    def show_data(self, raw, spec: DatasetSpec) -> None:
        """Pick the picture that fits the data's shape."""
        self.summary.setText(summary_text(raw, spec))
        x = raw.x
        shape = image_shape(x.shape[1:], spec.source, spec.name)
        if shape is not None:
            self._show_images(x, raw, shape)
        elif x.ndim == 2 and x.shape[1] == 2:
            self._show_scatter(x, raw)
        elif x.ndim == 2 and x.shape[1] == 1 and raw.task == "regression":
            self._show_scatter(np.column_stack([x[:, 0], raw.y[:, 0]]), raw, by_value=False)
        else:
            self._show_table(raw)

    # ----- pictures ----------------------------------------------------------------------
    def _show_scatter(self, points: np.ndarray, raw, by_value: bool = True) -> None:
        self.kind = "scatter"
        y = raw.y
        if len(points) > MAX_SCATTER:
            rows = np.random.default_rng(0).choice(len(points), MAX_SCATTER, replace=False)
            points, y = points[rows], y[rows]
        if raw.task == "classification":
            brushes = [pg.mkBrush(class_color(k)) for k in y]
        elif by_value:
            values = y[:, 0]
            brushes = [pg.mkBrush(c) for c in value_colors(values, values.min(), values.max())]
        else:
            brushes = pg.mkBrush(POINT_COLOR)
        self.scatter.setData(pos=points, brush=brushes)
        names = list(raw.feature_names) + ["", ""]
        item = self.scatter_plot.getPlotItem()
        item.setLabel("bottom", names[0] or "x1")
        item.setLabel("left", (names[1] or "x2") if by_value else
                      (raw.target_names[0] if raw.target_names else "target"))
        item.autoRange()
        self.stack.setCurrentWidget(self.scatter_plot)

    def _show_images(self, x: np.ndarray, raw, shape: tuple[int, int]) -> None:
        self.kind = "images"
        h, w = shape
        count = min(len(x), IMAGE_COLUMNS * IMAGE_ROWS)
        images = x[:count].reshape(count, h, w)
        gap = max(1, h // 8)
        rows = math.ceil(count / IMAGE_COLUMNS)
        mosaic = np.full((rows * (h + gap), IMAGE_COLUMNS * (w + gap)), np.nan, np.float32)
        for i, image in enumerate(images):
            r, c = divmod(i, IMAGE_COLUMNS)
            mosaic[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = image
        low, high = float(np.nanmin(images)), float(np.nanmax(images))
        filled = np.where(np.isnan(mosaic), low, mosaic)
        self.mosaic.setImage(filled.T, autoLevels=False, levels=(low, high if high > low else low + 1))
        self._label_images(raw, count, h, w, gap)
        self.image_plot.getPlotItem().autoRange()
        self.stack.setCurrentWidget(self.image_plot)

    def _label_images(self, raw, count: int, h: int, w: int, gap: int) -> None:
        for label in self._labels:
            self.image_plot.removeItem(label)
        self._labels = []
        if raw.task != "classification":
            return
        for i in range(count):
            r, c = divmod(i, IMAGE_COLUMNS)
            text = pg.TextItem(raw.class_names[int(raw.y[i])], color=ERROR_COLOR, anchor=(0, 0))
            text.setPos(c * (w + gap), r * (h + gap))
            self.image_plot.addItem(text)
            self._labels.append(text)

    def _show_table(self, raw) -> None:
        self.kind = "table"
        x = raw.x.reshape(len(raw.x), -1)
        rows = min(len(x), TABLE_ROWS)
        names = list(raw.feature_names) or [f"x{i + 1}" for i in range(x.shape[1])]
        names = names[:x.shape[1]] + [f"x{i + 1}" for i in range(len(names), x.shape[1])]
        if raw.task == "classification":
            target = ["class"]
        else:
            width = raw.y.reshape(len(raw.y), -1).shape[1]
            target = list(raw.target_names)[:width] or [f"y{j + 1}" for j in range(width)]
        self.table.setRowCount(rows)
        self.table.setColumnCount(len(names) + len(target))
        self.table.setHorizontalHeaderLabels(names + target)
        for r in range(rows):
            for c, value in enumerate(x[r]):
                self.table.setItem(r, c, QTableWidgetItem(f"{value:.4g}"))
            self._table_target(r, len(names), raw)
        self.table.resizeColumnsToContents()
        self.stack.setCurrentWidget(self.table)

    def _table_target(self, row: int, column: int, raw) -> None:
        if raw.task == "classification":
            self.table.setItem(row, column, QTableWidgetItem(raw.class_names[int(raw.y[row])]))
            return
        for j, value in enumerate(np.atleast_1d(raw.y[row])):
            self.table.setItem(row, column + j, QTableWidgetItem(f"{value:.4g}"))
