"""One recorded tensor on screen: a table of numbers when it is small, a picture when it is an
image or too big to read, with its shape (and min/max/mean when it is summarised).

A long vector (a flattened 1×288) is wrapped into rows before it is drawn, so its values are
cells a student can point at rather than a one-pixel line; every picture names the value under
the mouse in its tooltip.

Tables show 5 significant digits; the tooltip and Ctrl+C give the full float64 value, so a student
can paste a number into a calculator and reproduce the next one exactly.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import (QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, QPoint,
                            Qt, Signal)
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QKeySequence, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHeaderView, QLabel,
                               QSizePolicy, QTableView, QToolTip, QVBoxLayout, QWidget)

from core.inspection.formulas import fmt
from gui.param_editors import localized_numbers
from core.inspection.stages import TensorSpec
from gui.style import (MUTED_STYLE, NEGATIVE_COLOR, POSITIVE_COLOR, SELECTED_COLUMN_COLOR, bolded,
                       font)

TABLE_MAX = 20  # columns (and rows) shown as numbers; beyond: summary + picture
BATCH_ROWS_MAX = 32  # one row per sample: a whole default batch stays readable (scrolling)
SMALL_IMAGE = 256  # an image or filter bank this small also gets a table of its numbers
MAX_PICTURES = 16
PICTURE_SIDE = 72  # pixels per channel picture (nearest-neighbour upscaling)
BIG_PICTURE = (340, 200)  # box for a summarised matrix drawn as one heat map
MIN_ROW_PX = 4  # a heat map's rows (samples) are at least this tall when the box has room
WRAP_MULTIPLE = 8  # a wrapped vector's row length: a multiple of 8, easy to count along
VISIBLE_ROWS = 8
HIDDEN_TEXT = "?"
SELECTED_COLUMN = SELECTED_COLUMN_COLOR


DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
ALIGNMENT, BACKGROUND = Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
SELECTED_BRUSH = QBrush(SELECTED_COLUMN)


def _tints(array: np.ndarray) -> list[list[QBrush | None]]:
    """Faint blue for positive, orange for negative cells, stronger for bigger magnitudes."""
    scale = float(np.max(np.abs(array))) if array.size else 0.0
    brushes: dict[tuple[bool, int], QBrush] = {}

    def tint(value: float) -> QBrush | None:
        if not scale or value == 0:
            return None
        key = (value > 0, round(10 * min(1.0, abs(value) / scale)))
        if key not in brushes:
            color = QColor(POSITIVE_COLOR if key[0] else NEGATIVE_COLOR)
            color.setAlphaF(0.028 * key[1])
            brushes[key] = QBrush(color)
        return brushes[key]
    return [[tint(v) for v in row] for row in array.tolist()]


class TensorTableModel(QAbstractTableModel):
    """A 2-D float array with labels; display rounded, tooltip and copy at full precision."""

    def __init__(self, array: np.ndarray, rows: list[str], columns: list[str], parent=None,
                 selected_column: int | None = None) -> None:
        super().__init__(parent)
        self.array = np.asarray(array, dtype=np.float64)
        self.rows, self.columns = rows, columns
        self.masked = False
        self.selected_column = selected_column
        # Formatted once: views ask for every role of every cell many times while sizing.
        self._texts = [[localized_numbers(fmt(v)) for v in row] for row in self.array.tolist()]
        self._tints = _tints(self.array)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.array.shape[0]

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.array.shape[1]

    def value(self, row: int, column: int) -> float:
        return float(self.array[row, column])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == DISPLAY:
            return HIDDEN_TEXT if self.masked else self._texts[row][column]
        if role == TOOLTIP:
            return "Hidden until you answer" if self.masked else self.full_text(row, column)
        if role == ALIGNMENT:
            return RIGHT_ALIGNED
        if role == BACKGROUND:
            if column == self.selected_column:
                return SELECTED_BRUSH
            return None if self.masked else self._tints[row][column]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole:
            labels = self.columns if horizontal else self.rows
            return labels[section] if section < len(labels) else ""
        if role == Qt.ItemDataRole.FontRole and horizontal and section == self.selected_column:
            return bolded(font())
        return None

    def full_text(self, row: int, column: int) -> str:
        """The value at full float64 precision (repr), in the locale's convention."""
        return localized_numbers(repr(self.value(row, column)))

    def set_masked(self, masked: bool) -> None:
        if masked != self.masked:
            self.masked = masked
            self._changed()

    def set_selected_column(self, column: int | None) -> None:
        if column != self.selected_column:
            self.selected_column = column
            self._changed()
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))

    def _changed(self) -> None:
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))

    def copy_text(self, indexes: list[QModelIndex]) -> str:
        """Tab-separated, full precision (repr), one line per row of the selection."""
        if self.masked or not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        return "\n".join("\t".join(self.full_text(r, c) if (r, c) in chosen else ""
                                   for c in columns) for r in rows)


class TensorTable(QTableView):
    column_clicked = Signal(int)

    def __init__(self, model: TensorTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fit_font()
        self.horizontalHeader().sectionClicked.connect(self.column_clicked)
        self.clicked.connect(lambda index: self.column_clicked.emit(index.column()))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit_height()

    def _fit_font(self) -> None:
        """Rows and columns for the numbers in the font in force: once, and again when the
        interface scale changes the font (the numbers never change while shown)."""
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.resizeColumnsToContents()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_font()
            self._fit_height()

    def _fit_height(self) -> None:
        """Exactly the rows shown (up to VISIBLE_ROWS), plus a scrollbar only when one appears."""
        rows = min(self.model().rowCount(), VISIBLE_ROWS)
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(rows))
        content = self.verticalHeader().sizeHint().width() + self.horizontalHeader().length()
        if content + 2 * self.frameWidth() > self.width():
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_height()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)

    def copy_selection(self) -> str:
        text = self.model().copy_text(self.selectionModel().selectedIndexes())
        if text:
            QGuiApplication.clipboard().setText(text)
        return text


# ----- deciding how to show a tensor -----------------------------------------------------------
def table_layout(spec: TensorSpec, rows: list[int]) -> tuple[np.ndarray, list[str], list[str]] | None:
    """(2-D array, row labels, column labels) when the tensor is small enough to read as numbers."""
    a = np.asarray(spec.array, dtype=np.float64)
    unit = "unit " if spec.units else ""
    if a.ndim == 0:
        return a.reshape(1, 1), [""], [""]
    if spec.batched:
        labels = [f"#{r}" for r in rows] if len(rows) == a.shape[0] else \
            [f"#{i}" for i in range(a.shape[0])]
        if a.ndim == 1:
            return _fits(a.reshape(-1, 1), labels, [""], BATCH_ROWS_MAX)
        if a.ndim == 2:
            return _fits(a, labels, [f"{unit}{j + 1}" for j in range(a.shape[1])], BATCH_ROWS_MAX)
        first = a[0]
        if first.ndim == 2:  # a sequence: one row per step
            return _fits(first, [f"t={t + 1}" for t in range(first.shape[0])],
                         [str(j + 1) for j in range(first.shape[1])])
        return _small_image_table(first, "c")
    if a.ndim == 1:
        return _fits(a.reshape(1, -1), [spec.label.split(" ")[0]],
                     [f"{unit}{j + 1}" for j in range(a.shape[0])])
    if a.ndim == 2:
        return _fits(a, [f"in {i + 1}" for i in range(a.shape[0])],
                     [f"{unit}{j + 1}" for j in range(a.shape[1])])
    if a.ndim == 4:  # conv filters: filters × channels × k × k
        return _small_image_table(a.reshape(-1, *a.shape[2:]), "f·c")
    return None


def _fits(a: np.ndarray, rows: list[str], columns: list[str], max_rows: int = TABLE_MAX):
    if a.shape[0] <= max_rows and a.shape[1] <= TABLE_MAX:
        return a, rows, columns
    return None


def _small_image_table(images: np.ndarray, prefix: str):
    """C×H×W as (C·H)×W with rows 'c1 r1'; only when small enough to be worth reading."""
    if images.ndim != 3 or images.size > SMALL_IMAGE:
        return None
    c, h, w = images.shape
    rows = [f"{prefix}{ci + 1} r{ri + 1}" for ci in range(c) for ri in range(h)]
    return images.reshape(c * h, w), rows, [str(j + 1) for j in range(w)]


def long_vector(spec: TensorSpec) -> np.ndarray | None:
    """The values of a vector too long for a table (one sample's 1×288, a 1-D bias of 300), or
    None: those are wrapped into rows to be drawn."""
    a = np.asarray(spec.array, dtype=np.float64)
    if a.ndim == 2 and a.shape[0] == 1:
        a = a[0]
    return a if a.ndim == 1 and a.shape[0] > TABLE_MAX else None


def wrap_width(count: int, box: tuple[int, int] = BIG_PICTURE) -> int:
    """Values per row for ``count`` values: about the box's aspect ratio, a multiple of 8."""
    ideal = math.sqrt(count * box[0] / box[1])
    return min(count, max(2 * WRAP_MULTIPLE, WRAP_MULTIPLE * math.ceil(ideal / WRAP_MULTIPLE)))


def wrapped(values: np.ndarray, per_row: int) -> np.ndarray:
    """``values`` as rows of ``per_row``; the last row is padded with NaN (drawn empty)."""
    rows = math.ceil(values.size / per_row)
    padded = np.full(rows * per_row, np.nan)
    padded[:values.size] = values
    return padded.reshape(rows, per_row)


def picture_planes(spec: TensorSpec) -> list[np.ndarray]:
    """The 2-D planes to draw: image channels, filters, a long vector wrapped into rows, or a big
    matrix as one heat map."""
    a = np.asarray(spec.array, dtype=np.float64)
    vector = long_vector(spec)
    if vector is not None:
        return [wrapped(vector, wrap_width(vector.size))]
    if spec.batched and a.ndim >= 3:
        a = a[0]
    if a.ndim == 4:
        a = a.reshape(-1, *a.shape[2:])
    if a.ndim == 3:
        return [a[i] for i in range(min(a.shape[0], MAX_PICTURES))]
    if a.ndim == 2 and table_layout(spec, []) is None:
        return [a]
    return []


def colorize(plane: np.ndarray) -> np.ndarray:
    """uint32 ARGB: grayscale for data that is never negative, blue/white/orange otherwise; NaN
    (a wrapped vector's padding) is transparent."""
    finite = np.nan_to_num(plane)
    low, high = float(finite.min()), float(finite.max())
    if low >= 0:
        t = finite / high if high > 0 else np.zeros_like(finite)
        gray = (255 * t).astype(np.uint32)
        argb = 0xFF000000 | (gray << 16) | (gray << 8) | gray
    else:
        scale = max(abs(low), abs(high))
        t = np.clip(finite / scale, -1, 1)
        pos, neg = np.array(POSITIVE_COLOR.getRgb()[:3]), np.array(NEGATIVE_COLOR.getRgb()[:3])
        target = np.where(t[..., None] >= 0, pos, neg)
        rgb = (255 + (target - 255) * np.abs(t)[..., None]).astype(np.uint32)
        argb = 0xFF000000 | (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    return np.where(np.isnan(plane), np.uint32(0), argb).astype(np.uint32)


def cell_size(shape: tuple[int, int], box: tuple[int, int]) -> tuple[float, float]:
    """(width, height) in pixels of one value: square, a whole factor when enlarged so pixels
    stay crisp; rows at least MIN_ROW_PX tall when the box has room (32 samples × 288 units)."""
    h, w = shape
    factor = min(box[0] / w, box[1] / h)
    factor = float(int(factor)) if factor >= 1 else factor
    height = factor
    if height < MIN_ROW_PX and h * MIN_ROW_PX <= box[1]:
        height = float(MIN_ROW_PX)
    return factor, height


def plane_pixmap(plane: np.ndarray, box: tuple[int, int]) -> QPixmap:
    """Fit the plane in ``box`` with `cell_size` cells."""
    argb = np.ascontiguousarray(colorize(plane))
    h, w = argb.shape
    image = QImage(argb.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()
    cw, ch = cell_size((h, w), box)
    size = (max(1, round(w * cw)), max(1, round(h * ch)))
    return QPixmap.fromImage(image.scaled(*size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                          Qt.TransformationMode.FastTransformation))


class HeatMap(QLabel):
    """One plane as a picture whose tooltip names the value under the mouse, at full precision:
    'value 37: 0.2841…' for a wrapped vector, 'row 2, column 13: …' for a matrix."""

    def __init__(self, plane: np.ndarray, box: tuple[int, int], summary: str,
                 wrapped_from: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plane = plane
        self.wrapped_from = wrapped_from  # the vector's length when the plane wraps one
        self.summary = summary
        self.setPixmap(plane_pixmap(plane, box))
        self.setFixedSize(self.pixmap().size())
        self.setToolTip(summary)

    def value_text_at(self, pos: QPoint) -> str | None:
        """What the tooltip says at ``pos`` (label coordinates); None outside the values."""
        h, w = self.plane.shape
        column = pos.x() * w // max(1, self.width())
        row = pos.y() * h // max(1, self.height())
        if not (0 <= row < h and 0 <= column < w) or np.isnan(self.plane[row, column]):
            return None
        value = localized_numbers(repr(float(self.plane[row, column])))
        if self.wrapped_from is not None:
            return f"value {row * w + column + 1} of {self.wrapped_from}: {value}"
        return f"row {row + 1}, column {column + 1}: {value}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.value_text_at(event.pos())
            QToolTip.showText(event.globalPos(), text or localized_numbers(self.summary), self)
            return True
        return super().event(event)


def summary_text(a: np.ndarray) -> str:
    a = np.asarray(a, dtype=np.float64)
    if a.size <= 1:
        return ""
    return f"min {fmt(a.min(), 4)}   max {fmt(a.max(), 4)}   mean {fmt(a.mean(), 3)}"


class TensorView(QFrame):
    """Title, shape, and the table and/or pictures for one tensor of the current stage."""

    column_clicked = Signal(int)

    def __init__(self, spec: TensorSpec, rows: list[int], selected_unit: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._selected = selected_unit if spec.units else None
        self.model: TensorTableModel | None = None
        self.table: TensorTable | None = None
        self.setObjectName("tensor_view")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(3)
        shape = "×".join(str(d) for d in np.shape(spec.array)) or "scalar"
        self.title = QLabel(f"<b>{spec.label}</b> <span style='{MUTED_STYLE}'>{shape}</span>")
        layout.addWidget(self.title)
        self.note = QLabel(wordWrap=True)
        self.note.setStyleSheet(MUTED_STYLE)
        layout.addWidget(self.note)
        self._build_table(layout, rows)
        self.pictures = self._build_pictures(layout)
        self._set_note(rows)

    def _build_table(self, layout: QVBoxLayout, rows: list[int]) -> None:
        content = table_layout(self.spec, rows)
        if content is None:
            return
        self.model = TensorTableModel(*content, parent=self, selected_column=self._selected)
        self.table = TensorTable(self.model)
        self.table.column_clicked.connect(self.column_clicked)
        if not any(content[1]) and not any(content[2]):  # a scalar: no labels to show
            self.table.horizontalHeader().hide()
            self.table.verticalHeader().hide()
            self.table._fit_height()
        layout.addWidget(self.table)

    def _build_pictures(self, layout: QVBoxLayout) -> QWidget | None:
        planes = picture_planes(self.spec)
        self.heat_maps: list[HeatMap] = []
        if not planes:
            return None
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        per_row = 1 if len(planes) == 1 else 4
        side = PICTURE_SIDE * (2 if len(planes) == 1 else 1)
        vector = long_vector(self.spec)
        big = np.ndim(self.spec.array) <= 2
        box_size = BIG_PICTURE if big else (side, side)
        for i, plane in enumerate(planes):
            values = vector if vector is not None else plane
            summary = (f"{'channel' if len(planes) > 1 else 'values'} {i + 1}: "
                       f"{summary_text(values) or fmt(values.ravel()[0])}")
            label = HeatMap(plane, box_size, summary,
                            wrapped_from=None if vector is None else vector.size)
            self.heat_maps.append(label)
            grid.addWidget(label, i // per_row, i % per_row, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(box)
        return box

    def _set_note(self, rows: list[int]) -> None:
        a = np.asarray(self.spec.array)
        parts = []
        if self.model is None:
            parts.append(summary_text(a))
        if self.spec.batched and a.ndim >= 3 and a.shape[0] > 1:
            parts.append(f"sample #{rows[0] if rows else 0} shown (first of {a.shape[0]})")
        vector = long_vector(self.spec)
        if vector is not None and self.pictures is not None:
            parts.append(f"{vector.size} values, {self.heat_maps[0].plane.shape[1]} per row")
        if self.pictures is not None and np.nanmin(a) < 0:
            parts.append("blue: positive, orange: negative")
        if self.pictures is not None:
            parts.append("point at a cell for its value")
        self._note_text = "   ·   ".join(p for p in parts if p)
        self.note.setText(localized_numbers(self._note_text))
        self.note.setVisible(bool(self._note_text))

    def set_masked(self, masked: bool) -> None:
        if self.model is not None:
            self.model.set_masked(masked)
        if self.pictures is not None:
            self.pictures.setVisible(not masked)
        self.note.setText("Hidden until you answer (or press Reveal)." if masked else self._note_text)
        self.note.setVisible(masked or bool(self._note_text))

    def set_selected_unit(self, unit: int | None) -> None:
        if self.model is not None and self.spec.units:
            self.model.set_selected_column(unit)
