"""Loss and accuracy curves, created once and fed from growing numpy buffers (CONVENTIONS rule 6).

Messages only append to the buffers; `refresh()` — called by the panel's ~30 Hz timer — pushes
them to the PlotDataItems when something changed. A new run turns the previous run's curves into
faded history curves whose legend entry names the run's settings, so runs can be compared. The
legend is under the plots (gui.training.legend), never over the curves, and both axes' ranges
cover every run shown: a Continue carries on along one epoch axis (101, 102, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (QBoxLayout, QCheckBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from gui.style import (BATCH_COLOR, FAINT_COLOR, HISTORY_COLORS, MUTED_COLOR, MUTED_STYLE,
                       TRAIN_COLOR, VALIDATION_COLOR)
from gui.training.legend import RunLegend

MAX_HISTORY = 6
SIDE_BY_SIDE_WIDTH = 480  # px; narrower than this, the accuracy plot goes under the loss plot
LOG_FLOOR = 1e-12  # a perfect fit (loss 0) must not break the log scale


MAX_SHOWN = 2048  # peak pairs per curve: the plots redraw at most ~4,000 points, however long the run


class Series:
    """An append-only (x, y) buffer that doubles its capacity, plus what the plot draws of it.

    Drawing every point made each refresh cost grow with the run: after 100,000 XOR epochs the
    window trained at a fifth of its first speed and the event loop stalled for 200 ms. So the
    series also keeps a min/max envelope of its points in buckets of ``width`` points (a power of
    two that doubles, merging neighbours, when there would be more than MAX_SHOWN buckets): the
    plot gets at most 2·MAX_SHOWN points plus the unfinished bucket, with every peak kept, and
    the running minimum and maximum cost nothing to read. All of it is amortised O(1) per point.
    """

    def __init__(self, capacity: int = 512) -> None:
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self.n = 0
        self._peaks = np.empty((2 * MAX_SHOWN + 2, 4))  # per bucket: x of min, min, x of max, max
        self._buckets = 0
        self.width = 1
        self.low, self.high = np.inf, -np.inf

    def extend(self, xs, ys) -> None:
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        if not len(xs):
            return
        need = self.n + len(xs)
        if need > len(self._x):
            size = max(need, 2 * len(self._x))
            self._x = np.resize(self._x, size)
            self._y = np.resize(self._y, size)
        self._x[self.n:need], self._y[self.n:need] = xs, ys
        self.n = need
        self.low, self.high = min(self.low, float(ys.min())), max(self.high, float(ys.max()))
        self._close_buckets()

    def _close_buckets(self) -> None:
        """Envelope every bucket that is now complete; halve the resolution when full."""
        start = self._buckets * self.width
        complete = (self.n - start) // self.width
        if complete <= 0:
            return
        stop = start + complete * self.width
        x = self._x[start:stop].reshape(complete, self.width)
        y = self._y[start:stop].reshape(complete, self.width)
        rows = np.arange(complete)
        low, high = y.argmin(axis=1), y.argmax(axis=1)
        peaks = np.column_stack([x[rows, low], y[rows, low], x[rows, high], y[rows, high]])
        self._peaks[self._buckets:self._buckets + complete] = peaks
        self._buckets += complete
        if self._buckets > MAX_SHOWN:
            self._merge_pairs()
            self._close_buckets()  # the tail may complete a bucket of the new width

    def _merge_pairs(self) -> None:
        pairs = self._buckets // 2
        a, b = self._peaks[0:2 * pairs:2], self._peaks[1:2 * pairs:2]
        lower = np.where((a[:, 1] <= b[:, 1])[:, None], a[:, 0:2], b[:, 0:2])
        upper = np.where((a[:, 3] >= b[:, 3])[:, None], a[:, 2:4], b[:, 2:4])
        self._peaks[:pairs] = np.column_stack([lower, upper])
        self._buckets, self.width = pairs, self.width * 2

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point (read-outs, history); use `shown` for drawing."""
        return self._x[:self.n], self._y[:self.n]

    def shown(self) -> tuple[np.ndarray, np.ndarray]:
        """What the plot draws: all points while they are few, else the peak envelope."""
        if self.width == 1:
            return self.data()
        peaks = self._peaks[:self._buckets]
        first = peaks[:, 0] <= peaks[:, 2]  # draw each bucket's two peaks in epoch order
        xs = np.where(first[:, None], peaks[:, [0, 2]], peaks[:, [2, 0]]).reshape(-1)
        ys = np.where(first[:, None], peaks[:, [1, 3]], peaks[:, [3, 1]]).reshape(-1)
        tail = self._buckets * self.width
        return (np.concatenate([xs, self._x[tail:self.n]]),
                np.concatenate([ys, self._y[tail:self.n]]))

    def clear(self) -> None:
        self.n = 0
        self._buckets, self.width = 0, 1
        self.low, self.high = np.inf, -np.inf


NICE_STEPS = (1.0, 2.0, 5.0)
LABEL_GAP = 14  # px between two tick labels along the bottom axis
# Room around the plot area for what sticks out of it: the axis titles (pyqtgraph draws them 5 px
# outside their axes), half a label above the top tick, half the last epoch number right of its tick.
PLOT_MARGINS = (6, 8, 12, 5)


def _nice_above(step: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``step``."""
    power = 10.0 ** math.floor(math.log10(step))
    for factor in NICE_STEPS + (10.0,):
        if factor * power >= step * (1 - 1e-9):
            return factor * power
    return 10.0 * power


class ReadableAxis(pg.AxisItem):
    """An axis whose tick labels never run into each other and whose title is never cut.

    pyqtgraph picks the tick spacing from the axis length alone, so a 130 px epoch axis read
    "200400600800"; here the spacing also leaves each label its own width (bottom) or twice its
    height (left). Only the major ticks are labelled. A title longer than a short vertical axis
    was drawn from below its bottom edge ("accuracy" read "curacy"); it is hidden instead, the
    plot's title and legend still say which plot is which.
    """

    def __init__(self, orientation: str, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.setStyle(maxTextLevel=0)
        if orientation == "bottom":
            self.setStyle(hideOverlappingLabels=PLOT_MARGINS[2])  # the last label in the margin

    def _label_room(self, low: float, high: float) -> float:
        metrics = QFontMetricsF(self.style["tickFont"] or self.font())
        if self.orientation in ("left", "right"):
            return 2.0 * metrics.height()
        widest = max(abs(low), abs(high))
        text = f"{widest:.6g}" if widest >= 1 or widest == 0 else f"{widest:.2g}"
        return metrics.horizontalAdvance(text + "0") + LABEL_GAP

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph's names
        levels = super().tickSpacing(minVal, maxVal, size)
        if self.logMode or not levels or size <= 0:
            return levels
        span = abs(maxVal - minVal)
        most = max(1, int(size // self._label_room(minVal, maxVal)))
        major = levels[0][0]
        if span / major > most:
            major = _nice_above(span / most)
        return [(major, 0)] + [(step, offset) for step, offset in levels[1:] if step < major][:1]

    def resizeEvent(self, ev=None):  # noqa: N802
        super().resizeEvent(ev)
        self._fit_label()

    def _updateLabel(self):  # noqa: N802 - pyqtgraph's name; called after each setLabel
        super()._updateLabel()
        self._fit_label()

    def _fit_label(self) -> None:
        if self.label is None or self.orientation not in ("left", "right"):
            return
        wanted = bool(self.labelText or self.labelUnits)
        show = wanted and self.label.boundingRect().width() <= self.size().height()
        if self.label.isVisible() != show:
            super().showLabel(show)


def _plot(y_label: str) -> pg.PlotWidget:
    """A plot without a title: its y label names it, and a small dock needs the height."""
    axes = {name: ReadableAxis(name) for name in ("left", "bottom")}
    widget = pg.PlotWidget(background="w", axisItems=axes, enableMenu=False)
    item = widget.getPlotItem()
    item.layout.setContentsMargins(*PLOT_MARGINS)
    item.setLabel("bottom", "epoch")
    item.setLabel("left", y_label)
    # No grid: pyqtgraph draws grid lines with the axis items, which then cover the whole plot
    # and are repainted (ticks, labels and all) with every new point.
    for axis in ("left", "bottom"):
        item.getAxis(axis).enableAutoSIPrefix(False)  # "loss (x0.001)" puzzles students
        item.getAxis(axis).setTextPen(MUTED_COLOR)  # pyqtgraph's light grey fades on a projector
    widget.setMinimumSize(150, 110)
    return widget


class MetricPlots(QWidget):
    """Two plots (loss, accuracy) plus a header with the hover read-out and the toggles."""

    CURVES = ("batch_loss", "train_loss", "val_loss", "train_acc", "val_acc")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss_plot = _plot("loss")
        self.acc_plot = _plot("accuracy")
        self.acc_plot.getPlotItem().setYRange(0, 1.02, padding=0)
        self.acc_plot.getPlotItem().getViewBox().setMouseEnabled(y=False)
        self.acc_plot.setXLink(self.loss_plot)
        self.series = {name: Series() for name in self.CURVES}
        self.curves = self._make_curves()
        self._has_validation = True
        self.history: list[list[pg.PlotDataItem]] = []
        self._history_runs: list[_ArchivedRun] = []  # parallel to ``history``
        self.refresh_count = 0
        self.epoch_offset = 0
        self._dirty: set[str] = set()
        self._classification = True
        self._build_header()
        self._cursors = [self._cursor(p) for p in (self.loss_plot, self.acc_plot)]
        self._proxies = [pg.SignalProxy(p.scene().sigMouseMoved, rateLimit=30,
                                        slot=lambda args, p=p: self._on_mouse_moved(p, args))
                         for p in (self.loss_plot, self.acc_plot)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.header)
        self.plots_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.plots_layout.addWidget(self.loss_plot)
        self.plots_layout.addWidget(self.acc_plot)
        layout.addLayout(self.plots_layout, 1)
        self.legend = RunLegend()
        layout.addWidget(self.legend)

    def resizeEvent(self, event) -> None:  # noqa: N802
        """Side by side when there is room, stacked (sharing the epoch axis) in a narrow dock."""
        super().resizeEvent(event)
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH or \
            event.size().width() > 1.6 * event.size().height()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.plots_layout.direction() != direction:
            self.plots_layout.setDirection(direction)
            self._show_epoch_labels()

    def _show_epoch_labels(self) -> None:
        """Stacked plots share one epoch axis label, under the lower plot (accuracy, when a
        classifier shows it; the loss plot's own otherwise)."""
        stacked = self.plots_layout.direction() == QBoxLayout.Direction.TopToBottom
        upper_only = stacked and self._classification
        self.loss_plot.getPlotItem().setLabel("bottom", None if upper_only else "epoch")

    # ----- construction ------------------------------------------------------------------
    def _make_curves(self) -> dict[str, pg.PlotDataItem]:
        """The current run's curves; their names are for exports (the legend is under the plots)."""
        styles = {
            "batch_loss": (self.loss_plot, pg.mkPen(BATCH_COLOR, width=1), "batch"),
            "train_loss": (self.loss_plot, pg.mkPen(TRAIN_COLOR, width=2), "train"),
            "val_loss": (self.loss_plot, pg.mkPen(VALIDATION_COLOR, width=2), "validation"),
            "train_acc": (self.acc_plot, pg.mkPen(TRAIN_COLOR, width=2), "train"),
            "val_acc": (self.acc_plot, pg.mkPen(VALIDATION_COLOR, width=2), "validation"),
        }
        curves = {}
        for name, (plot, pen, label) in styles.items():
            curve = plot.plot([], [], pen=pen, name=label)  # fed at most ~2·MAX_SHOWN points
            curve.setZValue(10 if name != "batch_loss" else 5)
            curves[name] = curve
        return curves

    def _build_header(self) -> None:
        self.readout = QLabel("")
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.readout.setStyleSheet(MUTED_STYLE)
        self.readout.setObjectName("plot_readout")
        self.log_check = QCheckBox("Log scale")
        self.log_check.setToolTip("Show the loss on a logarithmic scale")
        self.log_check.toggled.connect(self._set_log)
        self.clear_button = QPushButton("Clear history")
        self.clear_button.setToolTip("Remove the faded curves of earlier runs")
        self.clear_button.clicked.connect(self.clear_history)
        self.header = QHBoxLayout()
        self.header.addWidget(self.readout, 1)
        self.header.addWidget(self.log_check)
        self.header.addWidget(self.clear_button)

    def _set_log(self, on: bool) -> None:
        self.loss_plot.getPlotItem().setLogMode(y=on)
        self._fit_loss_range()

    def _cursor(self, plot: pg.PlotWidget) -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(FAINT_COLOR, style=Qt.PenStyle.DotLine))
        line.setVisible(False)
        plot.addItem(line, ignoreBounds=True)
        return line

    # ----- runs --------------------------------------------------------------------------
    def begin_run(self, previous_label: str | None, epoch_offset: int, classification: bool) -> None:
        """Keep the previous run (if any) as faded history, then start empty curves."""
        if previous_label and self.series["train_loss"].n:
            self._archive(previous_label)
        for series in self.series.values():
            series.clear()
        self.epoch_offset = epoch_offset
        self.loss_plot.getPlotItem().enableAutoRange(x=True)
        self.set_classification(classification)
        self._dirty = set(self.CURVES)
        self.refresh()

    def set_has_validation(self, on: bool) -> None:
        """List the validation curves in the legend only when there is a validation set."""
        self._has_validation = on
        self._show_current_legend()

    def _show_current_legend(self) -> None:
        self.legend.set_current(self._has_validation, self.series["batch_loss"].n > 0)

    def set_epoch_span(self, epochs: int) -> None:
        """Fix the x axis to the whole run (history included) once its length is known.

        Students see at a glance how far the run has got, and the axes no longer re-layout
        their ticks at every refresh, which is most of a plot's drawing time.
        """
        end = max([self.epoch_offset + max(epochs, 1)] + [run.last for run in self._history_runs])
        self.loss_plot.getPlotItem().setXRange(0, end, padding=0.02)

    def set_classification(self, on: bool) -> None:
        """Regression has no accuracy: the loss plot then gets the whole width."""
        self._classification = on
        self.acc_plot.setVisible(on)
        self._show_epoch_labels()

    def add_batches(self, batches) -> None:
        batches = [b for b in batches if np.isfinite(b.loss)]
        if not batches:
            return
        xs = [self.epoch_offset + b.epoch - 1 + b.batch / b.batches for b in batches]
        self.series["batch_loss"].extend(xs, [_loss_value(b.loss) for b in batches])
        self._dirty.add("batch_loss")

    def add_epochs(self, epochs) -> None:
        for stats in epochs:
            x = self.epoch_offset + stats.epoch
            self._append("train_loss", x, stats.train_loss, loss=True)
            self._append("val_loss", x, stats.val_loss, loss=True)
            self._append("train_acc", x, stats.train_accuracy)
            self._append("val_acc", x, stats.val_accuracy)

    def _append(self, name: str, x: float, value: float | None, loss: bool = False) -> None:
        if value is not None and np.isfinite(value):
            self.series[name].extend([x], [_loss_value(value) if loss else value])
            self._dirty.add(name)

    def refresh(self) -> None:
        """Push changed buffers to their plot items (called at ~30 Hz; only what changed, so the
        accuracy plot is redrawn once per epoch, not with every batch)."""
        if not self._dirty:
            return
        dirty, self._dirty = self._dirty, set()
        self.refresh_count += 1
        for name in dirty:
            x, y = self.series[name].shown()
            self.curves[name].setData(x, y, skipFiniteCheck=True)  # only finite values are stored
        if dirty & {"batch_loss", "train_loss", "val_loss"}:
            self._fit_loss_range()
        if "batch_loss" in dirty:
            self._show_current_legend()

    def _fit_loss_range(self, exact: bool = False) -> None:
        """Sticky y range for the loss: change it only when the data leaves it or fills less
        than a third of it, so the axis (and its tick labels) is not rebuilt at every refresh.
        ``exact`` fits it now (the runs shown changed)."""
        series = [self.series[n] for n in ("batch_loss", "train_loss", "val_loss")]
        extremes = [(s.low, s.high) for s in series if s.n]  # running: no pass over the run
        extremes += [(run.low, run.high) for run in self._history_runs]  # every run shown
        if not extremes:
            return
        low = min(low for low, _ in extremes)
        high = max(high for _, high in extremes)
        log = self.log_check.isChecked()
        if log:
            low, high = np.log10(max(low, LOG_FLOOR)), np.log10(max(high, LOG_FLOOR))
        box = self.loss_plot.getPlotItem().getViewBox()
        box.enableAutoRange(y=False)  # (pyqtgraph applies a pending auto range first)
        (_, _), (y0, y1) = box.viewRange()
        span = max(high - low, 1e-12)
        pad = 0.1 * span
        bottom = low - pad if log else max(0.0, low - pad)  # a loss is never negative
        inside = bottom - pad <= y0 <= low and high <= y1
        if inside and (y1 - y0) <= 3 * span and not exact:
            return
        box.setYRange(bottom, high + pad, padding=0)

    # ----- history -----------------------------------------------------------------------
    def _archive(self, label: str) -> None:
        color = HISTORY_COLORS[len(self.history) % len(HISTORY_COLORS)]
        losses = [self.series[n] for n in ("train_loss", "val_loss") if self.series[n].n]
        self._history_runs.append(_ArchivedRun(
            label, color, min(s.low for s in losses), max(s.high for s in losses),
            int(self.series["train_loss"].data()[0][-1])))
        items = []
        for name, plot, style in (("train_loss", self.loss_plot, Qt.PenStyle.SolidLine),
                                  ("val_loss", self.loss_plot, Qt.PenStyle.DashLine),
                                  ("train_acc", self.acc_plot, Qt.PenStyle.SolidLine),
                                  ("val_acc", self.acc_plot, Qt.PenStyle.DashLine)):
            x, y = self.series[name].shown()  # faded curves are drawn at every refresh too
            if not len(x):
                continue
            legend_name = label if name in ("train_loss", "train_acc") else None
            item = plot.plot(x.copy(), y.copy(), name=legend_name,
                             pen=pg.mkPen(pg.mkColor(color), width=1.5, style=style))
            item.setOpacity(0.55)
            item.setZValue(1)
            items.append(item)
        self.history.append(items)
        while len(self.history) > MAX_HISTORY:
            self._remove_items(self.history.pop(0))
            self._history_runs.pop(0)
        self._show_legend()

    def clear_history(self) -> None:
        for items in self.history:
            self._remove_items(items)
        self.history.clear()
        self._history_runs.clear()
        self._show_legend()
        self._fit_loss_range(exact=True)  # to the runs still shown

    def history_labels(self) -> list[str]:
        """The faded runs' legend entries, oldest first."""
        return [run.label for run in self._history_runs]

    def _show_legend(self) -> None:
        self.legend.set_runs([(run.label, run.color) for run in self._history_runs])

    def _remove_items(self, items: list[pg.PlotDataItem]) -> None:
        for item in items:
            for plot in (self.loss_plot, self.acc_plot):
                if item in plot.getPlotItem().items:
                    plot.removeItem(item)

    def reset(self) -> None:
        """Another network was opened: nothing of the old runs applies any more."""
        self.clear_history()
        for series in self.series.values():
            series.clear()
        self.epoch_offset = 0
        self._dirty = set(self.CURVES)
        self.refresh()

    # ----- hover read-out ----------------------------------------------------------------
    def _on_mouse_moved(self, plot: pg.PlotWidget, args) -> None:
        pos = args[0]
        box = plot.getPlotItem().getViewBox()
        if not box.sceneBoundingRect().contains(pos):
            for cursor in self._cursors:
                cursor.setVisible(False)
            return
        x = box.mapSceneToView(QPointF(pos)).x()
        self.readout.setText(self.describe_epoch(x))
        self.readout.setToolTip(self.readout.text())
        for cursor in self._cursors:
            cursor.setPos(round(x))
            cursor.setVisible(True)

    def describe_epoch(self, x: float) -> str:
        """"epoch 12 · train loss 0.123 · validation loss 0.145 · train accuracy 96.0%"."""
        epochs, _ = self.series["train_loss"].data()
        if not len(epochs):
            return "No epochs yet."
        index = int(np.clip(np.searchsorted(epochs, x - 0.5), 0, len(epochs) - 1))
        epoch = epochs[index]
        parts = [f"epoch {int(epoch)}"]
        for name, label, percent in (("train_loss", "train loss", False),
                                     ("val_loss", "validation loss", False),
                                     ("train_acc", "train accuracy", True),
                                     ("val_acc", "validation accuracy", True)):
            value = _value_at(self.series[name], epoch)
            if value is not None:
                parts.append(f"{label} {value:.1%}" if percent else f"{label} {value:.4g}")
        return " · ".join(parts)


@dataclass(frozen=True)
class _ArchivedRun:
    """What the axes and the legend need of a faded run."""

    label: str
    color: str
    low: float  # of its loss curves (train and validation)
    high: float
    last: int  # its last epoch on the shared axis


def _value_at(series: Series, x: float) -> float | None:
    xs, ys = series.data()
    hits = np.flatnonzero(xs == x)
    return float(ys[hits[0]]) if len(hits) else None


def _loss_value(value: float) -> float:
    return max(float(value), LOG_FLOOR)
