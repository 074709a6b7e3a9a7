"""File ▸ Export…: the canvas as PNG or SVG, the plots as PNG, the training history as CSV.

Each export is a function of what it draws and a path, so tests call them directly; `export_to`
picks one by kind and `choose_and_export` asks for a file first. The pictures are for slides
and worksheets: the layers only (no selection highlight, no hint), on a plain background, with a
margin. The history comes from the training panel's `epoch_history()` accessor and is written
by core.export_history (Qt-free, the same columns as ``main.py train --json``).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from core.export_history import write_history_csv
from gui.style import EXPORT_BACKGROUND, EXPORT_MARGIN, TEXT_COLOR, font

PNG_SCALE = 2.0  # pixels per scene unit: sharp on a projector and in print
MAX_PNG_SIDE = 12000  # px: a huge network is scaled down rather than failing to allocate
PLOT_SIZE = (900, 560)  # px per exported plot: readable on a slide, as wide as a page
PLOT_TICK_POINTS, PLOT_LABEL_POINTS = 10, 11

TEXTS = {  # one place for the strings (translation later)
    "dialog_title": "Export",
    "empty_canvas": "There is nothing on the canvas to export yet.",
    "no_panel": "The training panel is not open, so there are no plots or history to export.",
    "no_history": "No epochs have been trained yet: train the network, then export its history.",
    "failed": "Could not write {path}: {reason}",
    "done_canvas": "Exported the canvas to {path}",
    "done_plots": "Exported the plots to {path}",
    "done_history": "Exported {rows} epochs of training history to {path}",
}


@dataclass(frozen=True)
class ExportKind:
    name: str
    filter: str  # QFileDialog name filter
    suffix: str


KINDS = (
    ExportKind("canvas_png", "Canvas as PNG image (*.png)", ".png"),
    ExportKind("canvas_svg", "Canvas as SVG drawing (*.svg)", ".svg"),
    ExportKind("plots_png", "Loss and accuracy plots as PNG image (*.png)", ".png"),
    ExportKind("history_csv", "Training history as CSV table (*.csv)", ".csv"),
)


class ExportError(Exception):
    """An export that cannot be made; the message says why, for the user."""


# ----- the canvas ----------------------------------------------------------------------------
def canvas_source_rect(scene) -> QRectF:
    rect = scene.layers_rect()
    if rect.isNull():
        raise ExportError(TEXTS["empty_canvas"])
    return rect.adjusted(-EXPORT_MARGIN, -EXPORT_MARGIN, EXPORT_MARGIN, EXPORT_MARGIN)


def export_canvas_png(scene, path: str | Path, scale: float = PNG_SCALE) -> QSize:
    """Render the layers at ``scale`` px per scene unit; returns the image size."""
    source = canvas_source_rect(scene)
    scale = min(scale, MAX_PNG_SIDE / max(source.width(), source.height()))
    size = QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(EXPORT_BACKGROUND)
    painter = QPainter(image)
    _render(scene, painter, QRectF(0, 0, size.width(), size.height()), source)
    painter.end()
    _save_image(image, path)
    return size


def export_canvas_svg(scene, path: str | Path) -> QSize:
    """A vector drawing at one SVG unit per scene unit (editable in Inkscape, crisp in slides)."""
    from PySide6.QtSvg import QSvgGenerator
    source = canvas_source_rect(scene)
    size = QSize(round(source.width()), round(source.height()))
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)  # 1.1 keeps the cards' clip paths
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(_title(scene))
    painter = QPainter()
    if not painter.begin(generator):
        raise ExportError(TEXTS["failed"].format(path=path, reason="cannot open the file"))
    painter.fillRect(QRectF(0, 0, size.width(), size.height()), EXPORT_BACKGROUND)
    _render(scene, painter, QRectF(0, 0, size.width(), size.height()), source)
    painter.end()
    return size


def _render(scene, painter: QPainter, target: QRectF, source: QRectF) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing |
                           QPainter.RenderHint.TextAntialiasing)
    with _plain_scene(scene):
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)


@contextmanager
def _plain_scene(scene):
    """No selection highlight and the canvas' dot grid off while rendering; both restored."""
    selected = [item for item in scene.selectedItems()]
    blocked = scene.blockSignals(True)  # the properties panel need not follow this
    for item in selected:
        item.setSelected(False)
    draw = getattr(scene, "draw_grid", None)
    if draw is not None:
        scene.draw_grid = False
    try:
        yield
    finally:
        if draw is not None:
            scene.draw_grid = draw
        for item in selected:
            item.setSelected(True)
        scene.blockSignals(blocked)


def _title(scene) -> str:
    document = getattr(scene, "document", None)
    return getattr(getattr(document, "network", None), "name", "") or "NeuroCanvas network"


# ----- the plots ---------------------------------------------------------------------------
def export_plots_png(plots, path: str | Path, size: tuple[int, int] = PLOT_SIZE) -> QSize:
    """The visible plots (loss, and accuracy for a classifier) side by side in one image.

    Each is redrawn on a standalone PlotWidget of ``size`` (the same curves, pens, ranges and
    scale) and written by pyqtgraph's ImageExporter at that size: the dock's plots may be
    240 px wide and stacked, and ImageExporter scaled up past its widget's size draws its
    fonts several times too large.
    """
    shown = [w for w in (plots.loss_plot, plots.acc_plot) if not w.isHidden()]
    # stacked in a narrow dock, only the lower plot names the shared epoch axis: name it on each
    epoch_label = next((w.getPlotItem().getAxis("bottom").labelText for w in shown
                        if w.getPlotItem().getAxis("bottom").labelText), "")
    images = [_plot_image(widget, size, epoch_label) for widget in shown]
    combined = QImage(sum(i.width() for i in images), max(i.height() for i in images),
                      QImage.Format.Format_ARGB32)
    combined.fill(EXPORT_BACKGROUND)
    painter = QPainter(combined)
    x = 0
    for image in images:
        painter.drawImage(x, 0, image)
        x += image.width()
    painter.end()
    _save_image(combined, path)
    return combined.size()


def _plot_image(source, size: tuple[int, int], epoch_label: str) -> QImage:
    import pyqtgraph.exporters as exporters
    copy = _standalone_plot(source, epoch_label)
    copy.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    copy.resize(*size)
    copy.show()
    QApplication.processEvents()  # lay the axes and the legend out at the new size
    try:
        exporter = exporters.ImageExporter(copy.getPlotItem())
        exporter.parameters()["width"] = int(copy.getPlotItem().sceneBoundingRect().width())
        return exporter.export(toBytes=True)
    finally:
        copy.close()
        copy.deleteLater()


def _standalone_plot(source, epoch_label: str):
    """A new PlotWidget showing what ``source`` shows: curves, legend names, axes, view range."""
    import pyqtgraph as pg
    item = source.getPlotItem()
    copy = pg.PlotWidget(background=EXPORT_BACKGROUND, enableMenu=False)
    target = copy.getPlotItem()
    for axis in ("left", "bottom"):
        source_axis, target_axis = item.getAxis(axis), target.getAxis(axis)
        label = source_axis.labelText or (epoch_label if axis == "bottom" else "")
        target.setLabel(axis, label or None, **{"font-size": f"{PLOT_LABEL_POINTS:g}pt"})
        target_axis.enableAutoSIPrefix(False)
        target_axis.setStyle(tickFont=font(PLOT_TICK_POINTS))
        target_axis.setPen(TEXT_COLOR)
        target_axis.setTextPen(TEXT_COLOR)
    target.setLogMode(y=bool(item.getAxis("left").logMode))
    corner = getattr(item.legend, "offset", None) or (-10, 10)  # the dock's corner for it
    target.addLegend(offset=tuple(corner), labelTextColor=TEXT_COLOR)
    for data in item.listDataItems():
        if data.xData is None or not len(data.xData):
            continue
        curve = target.plot(data.xData, data.yData, pen=data.opts["pen"], name=data.name())
        curve.setOpacity(data.opacity())
        curve.setZValue(data.zValue())
    (x0, x1), (y0, y1) = item.viewRange()
    target.setXRange(x0, x1, padding=0)
    target.setYRange(y0, y1, padding=0.03)  # the dock's range may end right at the top value
    return copy


def _save_image(image: QImage, path: str | Path) -> None:
    if not image.save(str(path), "PNG"):
        raise ExportError(TEXTS["failed"].format(path=path, reason="the image could not be saved"))


# ----- the history -------------------------------------------------------------------------
def export_history_csv(panel, path: str | Path) -> int:
    """Write the panel's epoch history; returns the number of epoch rows."""
    runs = panel.epoch_history()
    if not any(run.rows for run in runs):
        raise ExportError(TEXTS["no_history"])
    try:
        return write_history_csv(runs, path)
    except OSError as exc:
        raise ExportError(TEXTS["failed"].format(path=path, reason=exc.strerror or exc)) from None


# ----- choosing ------------------------------------------------------------------------------
def training_panel(window) -> QObject | None:
    dock = getattr(window, "docks", {}).get("Training")
    return dock.widget() if dock is not None else None


def export_to(window, kind: str, path: str | Path) -> str:
    """Run the export ``kind`` (an ExportKind name) for ``window``; returns the status message."""
    if kind in ("canvas_png", "canvas_svg"):
        (export_canvas_png if kind == "canvas_png" else export_canvas_svg)(window.scene, path)
        return TEXTS["done_canvas"].format(path=path)
    panel = training_panel(window)
    if panel is None:
        raise ExportError(TEXTS["no_panel"])
    if kind == "plots_png":
        export_plots_png(panel.plots, path)
        return TEXTS["done_plots"].format(path=path)
    rows = export_history_csv(panel, path)
    return TEXTS["done_history"].format(rows=rows, path=path)


def choose_and_export(window: QWidget) -> str | None:
    """File ▸ Export…: one save dialog whose file type chooses what is exported."""
    start = _start_path(window)
    path, chosen = QFileDialog.getSaveFileName(window, TEXTS["dialog_title"], start,
                                               ";;".join(k.filter for k in KINDS))
    if not path:
        return None
    kind = next((k for k in KINDS if k.filter == chosen), _kind_from_suffix(path))
    if not path.lower().endswith(kind.suffix):
        path += kind.suffix
    try:
        message = export_to(window, kind.name, path)
    except ExportError as exc:
        QMessageBox.warning(window, TEXTS["dialog_title"], str(exc))
        return None
    show = getattr(window, "show_message", None)
    if callable(show):
        show(message)
    return message


def _kind_from_suffix(path: str) -> ExportKind:
    suffix = Path(path).suffix.lower()
    return next((k for k in KINDS if k.suffix == suffix), KINDS[0])


def _start_path(window) -> str:
    document = getattr(window, "document", None)
    current = getattr(document, "path", None)
    name = getattr(getattr(document, "network", None), "name", "") or "network"
    folder = Path(current).parent if current else Path.home()
    return str(folder / name)
