"""The network's answer over the input plane, updated live, as in TensorFlow Playground.

Two inputs: an ImageItem heatmap of p(class 1) (orange-white-blue), a mixture of class colours for
more classes, or the regression output, drawn behind the samples (training points filled,
validation points hollow). One input with a regression target: the fitted curve over the samples.
Items are created once; `refresh()` (the panel's ~30 Hz timer) uploads the latest grid only.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.probes_data import GRID_2D, MAX_GRID_2D
from gui.style import (MUTED_STYLE, PAPER, POINT_COLOR, POINT_HALO, SMALL_MUTED_STYLE, TEXT_COLOR,
                       class_color, class_mixture_rgb, diverging_lut, value_colors)
from gui.training.messages import RunPrepared, SurfaceUpdate

IDLE_TEXT = "Train a network with two inputs to see its decision boundary here."


class BoundaryView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w", enableMenu=False)
        item = self.plot.getPlotItem()
        item.showGrid(x=False, y=False)
        self.plot.setMinimumSize(170, 140)
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        self.curve = pg.PlotDataItem(pen=pg.mkPen(TEXT_COLOR, width=2.5))
        self.train_points = pg.ScatterPlotItem(size=7, pxMode=True)
        self.val_points = pg.ScatterPlotItem(size=8, pxMode=True)
        for graphic in (self.image, self.curve, self.train_points, self.val_points):
            item.addItem(graphic)
        self.title = QLabel(IDLE_TEXT)
        self.idle = QLabel(IDLE_TEXT)
        self.idle.setWordWrap(True)
        self.idle.setStyleSheet(MUTED_STYLE)
        self.title.setObjectName("boundary_title")
        self.legend = QLabel()
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.legend.setStyleSheet(SMALL_MUTED_STYLE)
        self.readout = QLabel(" ")
        self.readout.setStyleSheet(SMALL_MUTED_STYLE)
        for label in (self.legend, self.readout):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._lut = diverging_lut()
        self._prepared: RunPrepared | None = None
        self._surface: SurfaceUpdate | None = None
        self._dirty = False
        self.updates = 0  # how many grids were drawn (tests, bench)
        self._set_idle(True)
        self._proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30,
                                     slot=self._on_mouse_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.idle)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.readout)

    # ----- data --------------------------------------------------------------------------
    def grid_size(self) -> int:
        """Grid points per side the picture needs: one per device pixel of the plot's larger
        side (a step perceptron's edge is then as straight as a drawn line, not a staircase of
        5-pixel cells), within core.probes' limits; the worker coarsens it for costly networks."""
        side = max(self.plot.width(), self.plot.height())
        if not self.plot.isVisible() or side < self.plot.minimumWidth():
            side = max(side, self.width(), self.height(), 300)  # not laid out yet: an estimate
        return int(min(max(side * self.devicePixelRatioF(), GRID_2D), MAX_GRID_2D))

    @property
    def kind(self) -> str | None:
        return self._prepared.surface_kind if self._prepared else None

    def begin_run(self, prepared: RunPrepared) -> None:
        """Set up axes, samples and legend for a run; the picture comes with the first grid."""
        self._prepared, self._surface = prepared, None
        self.image.clear()
        self.curve.setData([], [])
        self._set_idle(prepared.surface_kind is None)
        if prepared.surface_kind is None:
            self._show_points(None)
            return
        names = prepared.feature_names or ("x1", "x2")
        item = self.plot.getPlotItem()
        item.setLabel("bottom", names[0] if names else "x")
        item.setLabel("left", names[1] if prepared.surface_kind == "2d" and len(names) > 1
                      else "target")
        x0, x1, y0, y1 = prepared.extent
        ratio = (x1 - x0) / max(y1 - y0, 1e-12)
        # Round clouds should look round, unless the two inputs have very different ranges.
        item.getViewBox().setAspectLocked(prepared.surface_kind == "2d" and 0.25 < ratio < 4)
        item.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._show_points(prepared)
        self.legend.setText(self._legend_text(prepared))
        self.title.setText(self._title_text(None))

    def set_surface(self, update: SurfaceUpdate) -> None:
        self._surface = update
        self._dirty = True

    def image_values(self) -> np.ndarray | None:
        """The grid drawn last (tests compare two epochs)."""
        return None if self._surface is None else self._surface.values

    def reset(self) -> None:
        self._prepared, self._surface = None, None
        self.image.clear()
        self.curve.setData([], [])
        self._show_points(None)
        self.legend.clear()
        self._set_idle(True)

    def _set_idle(self, idle: bool) -> None:
        """No picture for this network: say why instead of showing empty axes."""
        self.idle.setVisible(idle)
        for widget in (self.title, self.plot, self.legend, self.readout):
            widget.setVisible(not idle)

    # ----- drawing -----------------------------------------------------------------------
    def refresh(self) -> None:
        if not self._dirty or self._surface is None or self._prepared is None:
            return
        self._dirty = False
        self.updates += 1
        surface, prepared = self._surface, self._prepared
        if prepared.surface_kind == "1d":
            self.curve.setData(surface.xs, surface.values)
        else:
            self._draw_image(surface, prepared)
        self.title.setText(self._title_text(surface.epoch))

    def _draw_image(self, surface: SurfaceUpdate, prepared: RunPrepared) -> None:
        values = surface.values
        if values.ndim == 3:  # K > 2 classes: mix the class colours
            self.image.setImage(class_mixture_rgb(values).transpose(1, 0, 2), autoLevels=False,
                                levels=(0, 255))
        else:
            levels = (0.0, 1.0) if prepared.task == "classification" else prepared.target_range
            if levels[1] <= levels[0]:
                levels = (levels[0] - 1.0, levels[0] + 1.0)
            self.image.setImage(values.T, autoLevels=False, levels=levels, lut=self._lut)
        xs, ys = surface.xs, surface.ys
        dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
        dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
        self.image.setRect(QRectF(float(xs[0] - dx / 2), float(ys[0] - dy / 2),
                                  float(xs[-1] - xs[0] + dx), float(ys[-1] - ys[0] + dy)))

    def _show_points(self, prepared: RunPrepared | None) -> None:
        points = prepared.points if prepared else None
        if points is None:
            self.train_points.clear()
            self.val_points.clear()
            return
        one_d = prepared.surface_kind == "1d"
        for scatter, x, y, hollow in ((self.train_points, points.x_train, points.y_train, False),
                                      (self.val_points, points.x_val, points.y_val, True)):
            pos = np.column_stack([x[:, 0], y]) if one_d else x
            colors = self._point_colors(prepared, y)
            if hollow:
                scatter.setData(pos=pos, brush=pg.mkBrush(POINT_HALO), symbol="o",
                                pen=[pg.mkPen(c, width=2) for c in colors])
            else:
                scatter.setData(pos=pos, brush=[pg.mkBrush(c) for c in colors], symbol="o",
                                pen=pg.mkPen(PAPER, width=1))

    def _point_colors(self, prepared: RunPrepared, y: np.ndarray) -> list:
        if prepared.task == "classification":
            cache = {k: class_color(k) for k in np.unique(y)}
            return [cache[k] for k in y]
        if prepared.surface_kind == "1d":
            return [pg.mkColor(POINT_COLOR)] * len(y)
        low, high = prepared.target_range
        return value_colors(y, low, high)

    def _title_text(self, epoch: int | None) -> str:
        prepared = self._prepared
        what = ("Fitted curve" if prepared.surface_kind == "1d" else
                "Decision boundary" if prepared.task == "classification" else "Network output")
        when = (f" · epoch {epoch}" if epoch else " · first batches") if epoch is not None \
            else " · waiting for the first batch"
        return f"<b>{what}</b>{when}"

    def _legend_text(self, prepared: RunPrepared) -> str:
        if prepared.task != "classification":
            low, high = prepared.target_range
            return (f"● train ○ validation · output "
                    f"<span style='color:{class_color(0).name()}'>low ({low:.3g})</span> to "
                    f"<span style='color:{class_color(1).name()}'>high ({high:.3g})</span>")
        classes = " ".join(f"<span style='color:{class_color(i).name()}'>■ {html.escape(n)}</span>"
                           for i, n in enumerate(prepared.class_names[:10]))
        return f"● train ○ validation · {classes}"

    # ----- hover -------------------------------------------------------------------------
    def _on_mouse_moved(self, args) -> None:
        box = self.plot.getPlotItem().getViewBox()
        pos = args[0]
        if self._surface is None or not box.sceneBoundingRect().contains(pos):
            return
        point = box.mapSceneToView(QPointF(pos))
        self.readout.setText(self.describe_point(point.x(), point.y()))

    def describe_point(self, x: float, y: float) -> str:
        """What the network answers at the grid point nearest to (x, y)."""
        surface, prepared = self._surface, self._prepared
        if surface is None or prepared is None:
            return ""
        i = int(np.abs(surface.xs - x).argmin())
        if prepared.surface_kind == "1d":
            return f"x = {x:.3g} → output {float(surface.values[i]):.4g}"
        j = int(np.abs(surface.ys - y).argmin())
        value = surface.values[j, i]
        where = f"({x:.3g}, {y:.3g})"
        if prepared.task != "classification":
            return f"{where} → output {float(value):.4g}"
        if np.ndim(value) == 0:
            name = prepared.class_names[1] if len(prepared.class_names) > 1 else "1"
            return f"{where} → p(class {name}) = {float(value):.2f}"
        best = int(np.argmax(value))
        return f"{where} → class {prepared.class_names[best]} (p = {float(value[best]):.2f})"
