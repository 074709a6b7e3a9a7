"""Hand-editing a Dense layer's weights: rows are inputs (plus a bias row), columns are units.

The table follows the textbook convention y = x·W + b used by the file format: cell (i, j) is the
weight from input i to unit j. Each typed value is one undoable SetWeights; empty cells mean "not
set: training starts from random values". The input count comes from the validation report.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from gui.document import Document
from gui.style import BIAS_ROW_COLOR, MUTED_STYLE, PAPER

MAX_CELLS = 4096  # beyond this a hand-edited table helps nobody and slows the panel down
CAPTION = ("y = x·W + b — row i, column j is the weight from input i to unit j; the last row is "
           "the bias b. Empty cells are not set: training starts them at random values. Typing "
           "one value sets the other empty cells to 0.")


class WeightsEditor(QWidget):
    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.layer_id: str | None = None
        self._shape = (0, 0, False)  # inputs, units, bias
        self.caption = QLabel(CAPTION, wordWrap=True)
        self.caption.setStyleSheet(MUTED_STYLE)
        self.note = QLabel(wordWrap=True)
        self.table = QTableWidget()
        self.table.itemChanged.connect(self._on_item_changed)
        document.live.changed.connect(self._on_live_weights)
        self.reset_button = QPushButton("Reset weights")
        self.reset_button.setToolTip("Forget the hand-set or trained weights (training will "
                                     "start from random values)")
        self.reset_button.clicked.connect(self._reset)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.caption, self.note, self.table):
            layout.addWidget(widget)
        layout.addLayout(buttons)

    def _on_live_weights(self, layer_ids: tuple[str, ...]) -> None:
        """A run's weights so far change ~10 times a second: show them, unless a cell is being
        typed into (typing a value commits the shown weights first, then that one cell)."""
        editing = self.table.state() == QAbstractItemView.State.EditingState
        if self.layer_id in layer_ids and self.isVisible() and not editing:
            self.refresh()

    def show_layer(self, layer_id: str | None) -> None:
        self.layer_id = layer_id
        self.refresh()

    def table_shape(self) -> tuple[int, int, bool] | None:
        """(inputs, units, bias) from the report, or None when the input size is unknown."""
        graph, report = self.document.graph, self.document.report
        if self.layer_id is None or not graph.has_layer(self.layer_id):
            return None
        params = report.params.get(self.layer_id)
        inputs = graph.inputs_of(self.layer_id)
        if params is None:
            return None  # refused parameter values: the problem is shown above the table
        if len(inputs) != 1 or len(report.shapes.get(inputs[0], (0, 0, 0))) > 2:
            return None  # not connected yet, or images (a Flatten is missing: see Problems)
        return (report.shapes[inputs[0]][-1], params["units"], params["bias"])

    def refresh(self) -> None:
        shape = self.table_shape()
        too_big = shape is not None and shape[0] * shape[1] > MAX_CELLS
        self.table.setVisible(shape is not None and not too_big)
        self.reset_button.setEnabled(bool(self.layer_id and self.document.graph.has_layer(
            self.layer_id) and self.document.graph.weights(self.layer_id)))
        if shape is None:
            self.note.setText("Connect a vector input to this layer to see and edit its weights.")
        elif too_big:
            self.note.setText(f"{shape[0]} × {shape[1]} weights: too many to edit by hand.")
        else:
            self.note.setText("")
            self._fill(*shape)
        self.note.setVisible(bool(self.note.text()))

    def _fill(self, inputs: int, units: int, bias: bool) -> None:
        weights = self.document.display_weights(self.layer_id)  # a run's, while it trains
        matrix, biases = _fitting(weights, inputs, units, bias)
        self._shape = (inputs, units, bias)
        self.table.blockSignals(True)
        try:
            self.table.setRowCount(inputs + (1 if bias else 0))
            self.table.setColumnCount(units)
            self.table.setHorizontalHeaderLabels([f"unit {j + 1}" for j in range(units)])
            self.table.setVerticalHeaderLabels([f"in {i + 1}" for i in range(inputs)]
                                               + (["bias"] if bias else []))
            for i in range(inputs):
                for j in range(units):
                    self._set_cell(i, j, None if matrix is None else matrix[i, j])
            if bias:
                for j in range(units):
                    self._set_cell(inputs, j, None if biases is None else biases[j])
        finally:
            self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its rows (up to 12), so the panel does not show an empty grey block."""
        table = self.table
        rows = min(table.rowCount(), 12)
        height = table.horizontalHeader().height() + 2 * table.frameWidth() + sum(
            table.rowHeight(r) for r in range(rows))
        content = table.verticalHeader().width() + sum(
            table.columnWidth(c) for c in range(table.columnCount()))
        if content > table.width() - 2 * table.frameWidth():
            height += table.horizontalScrollBar().sizeHint().height()
        table.setFixedHeight(height + 2)

    def _set_cell(self, row: int, column: int, value: float | None) -> None:
        """Reuse existing items: this runs inside the table's own itemChanged handling."""
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        # the locale's decimal point, as every number field (typing takes '.' and ',' alike)
        item.setText("" if value is None else
                     f"{value:.6g}".replace(".", self.table.locale().decimalPoint()))
        item.setBackground(BIAS_ROW_COLOR if row == self._shape[0] else PAPER)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        try:
            value = float(item.text().strip().replace(",", "."))
            if not np.isfinite(value):
                raise ValueError
        except ValueError:
            self.note.setText(f"'{item.text()}' is not a number: the weight was not changed.")
            self.note.show()
            self.refresh_values_later()
            return
        self._commit(item.row(), item.column(), value)

    def refresh_values_later(self) -> None:
        """Put the model's value back once Qt has finished with the edited item."""
        QTimer.singleShot(0, self._refill_keep_note)

    def _refill_keep_note(self) -> None:
        note = self.note.text()
        self.refresh()
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _commit(self, row: int, column: int, value: float) -> None:
        inputs, units, bias = self._shape
        # the values shown (a run's so far): the edit first commits them, then changes one cell
        matrix, biases = _fitting(self.document.display_weights(self.layer_id), inputs, units,
                                  bias)
        matrix = np.zeros((inputs, units)) if matrix is None else matrix
        new = {"weight": matrix}
        if bias:
            new["bias"] = np.zeros(units) if biases is None else biases
        target = new["bias"] if row == inputs else new["weight"][row]
        target[column] = value
        where = "bias" if row == inputs else f"w[{row + 1},{column + 1}]"
        self.document.set_weights(self.layer_id, new, f"Set {where} of '{self.layer_id}' to {value:g}")

    def _reset(self) -> None:
        if self.layer_id:
            self.document.reset_weights(self.layer_id)


def _fitting(weights: dict[str, np.ndarray], inputs: int, units: int,
             bias: bool) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The stored weight/bias if they fit the current shape (copies), else None for each."""
    matrix = weights.get("weight")
    biases = weights.get("bias")
    matrix = matrix.copy() if matrix is not None and matrix.shape == (inputs, units) else None
    biases = biases.copy() if bias and biases is not None and biases.shape == (units,) else None
    return matrix, biases
