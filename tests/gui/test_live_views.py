"""Live views a class can read: runs on one epoch axis, a legend that never covers the curves,
axes whose labels are never clipped.

Runs are real (XOR trains 20 epochs in a few hundredths of a second); the plot checks read
pyqtgraph's own layout, so they hold at any speed of the machine.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from core.network import EpochPoint
from gui.training.plots import MetricPlots, ReadableAxis
from tests.gui.gui_helpers import example_document, train_and_wait

pytestmark = pytest.mark.usefixtures("warm_torch")


@pytest.fixture
def xor_panel(make_training_panel):
    return make_training_panel(example_document("xor", epochs=20))


# ----- Continue: one epoch axis, the true count, every run in range ----------------------------
def test_three_runs_continue_on_one_epoch_axis_with_the_true_count(qtbot, xor_panel):
    panel = xor_panel
    for _ in range(3):
        train_and_wait(qtbot, panel)
    plots, trained = panel.plots, panel.document.network.trained
    assert trained.epochs == 60 and [r.epoch_offset for r in trained.runs] == [0, 20, 40]
    # the header says what the file keeps: 60 epochs on these weights, 20 of them this run
    assert panel.controls.progress.format() == "Finished after 60 epochs (20 in this run)"
    assert panel.controls.progress.value() == 100
    panel.refresh_views()  # the pictures count the same way: the weights' 60th epoch
    assert panel.boundary.title.text().endswith("· epoch 60")
    assert "epoch 60 ·" in panel.confusion.title.text()
    # the two earlier runs are faded curves at epochs 1-20 and 21-40, the current one 41-60
    faded = [items[0].getData()[0] for items in plots.history]
    assert [(x[0], x[-1]) for x in faded] == [(1, 20), (21, 40)]
    x = plots.curves["train_loss"].getData()[0]
    assert (x[0], x[-1]) == (41, 60)
    (x0, x1), (y0, y1) = plots.loss_plot.getPlotItem().viewRange()
    assert x0 <= 0 and x1 >= 60  # the axis runs over all three
    # the y range holds the first run's loss (about 0.7), not only the last run's (near 0)
    first = max(trained.runs[0].curves["train_loss"])
    assert first > 2 * max(trained.runs[-1].curves["train_loss"])
    assert y0 <= min(trained.runs[-1].curves["train_loss"]) and y1 >= first
    assert y0 >= -0.05 * first  # a loss is never negative: no room below zero to speak of


def test_a_first_run_counts_its_own_epochs_only(qtbot, xor_panel):
    train_and_wait(qtbot, xor_panel)
    assert xor_panel.controls.progress.format() == "Finished after 20 epochs"


def test_the_progress_bar_counts_on_from_the_epochs_already_trained(qtbot):
    from core.training import BatchStats
    from gui.training.controls import ControlsBar
    bar = ControlsBar()
    qtbot.addWidget(bar)
    bar.show_progress(BatchStats(50, 1, 1, 0.1, 0.05, 1.0), 100, False, epoch_offset=200)
    assert bar.progress.format().startswith("Epoch 250 of 300 · batch 1/1")
    assert bar.progress.value() == 83  # 250 of 300, not half of this run's 100


def test_clear_history_shrinks_the_range_to_the_runs_still_shown(qtbot, xor_panel):
    panel = xor_panel
    for _ in range(2):
        train_and_wait(qtbot, panel)
    first = max(panel.document.network.trained.runs[0].curves["train_loss"])
    panel.plots.clear_history()
    panel.plots.refresh()
    (_, _), (_, y1) = panel.plots.loss_plot.getPlotItem().viewRange()
    assert y1 < first


# ----- the legend ------------------------------------------------------------------------------
def plots_with_runs(qtbot, runs: int, size=(600, 300)) -> MetricPlots:
    view = MetricPlots()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    for k in range(runs):
        view.begin_run(f"run {k}: adam lr 0.05 bs full" if k else None, 100 * k, True)
        view.set_epoch_span(100)
        start = 0.7 / (k + 1)
        view.add_epochs([EpochPoint(i + 1, start * np.exp(-i / 20), start * np.exp(-i / 25),
                                    min(1.0, 0.5 + i / 100), min(1.0, 0.45 + i / 100), 0.05)
                         for i in range(100)])
        view.refresh()
    qtbot.wait(50)
    return view


def test_the_legend_stays_out_of_the_plot_area_however_many_runs(qtbot):
    view = plots_with_runs(qtbot, 7)
    assert len(view.history) == 6 and len(view.history_labels()) == 6
    for plot in (view.loss_plot, view.acc_plot):
        assert plot.getPlotItem().legend is None  # nothing drawn over the curves
        assert not view.legend.geometry().intersects(plot.geometry())
    legend = view.legend
    assert legend.toggle.text() == "▸ 6 earlier runs" and legend.runs_label.isHidden()
    assert "run 6: adam lr 0.05 bs full" in legend.toggle.toolTip()
    legend.toggle.click()
    assert legend.toggle.text().startswith("▾") and legend.runs_label.isVisible()
    assert legend.runs_label.text().count("run ") == 6
    assert not legend.geometry().intersects(view.loss_plot.geometry())
    legend.toggle.click()
    assert legend.runs_label.isHidden()


# ----- axes ------------------------------------------------------------------------------------
def drawn_texts(axis) -> list[tuple[QRectF, str]]:
    """The tick labels pyqtgraph would draw, as rectangles in the plot widget's pixels."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    view = axis.scene().views()[0]
    return [(view.mapFromScene(axis.mapRectToScene(rect)).boundingRect(), text)
            for rect, _, text in texts]


@pytest.mark.parametrize("size", [(300, 150), (200, 110), (500, 300)])
def test_tick_labels_never_overlap_nor_leave_the_plot(qtbot, size):
    view = plots_with_runs(qtbot, 9)  # epochs 0 ... 900: wide labels on the epoch axis
    for plot in (view.loss_plot, view.acc_plot):
        plot.setParent(None)
        qtbot.addWidget(plot)
        plot.resize(*size)
        plot.show()
    qtbot.wait(50)
    for plot in (view.loss_plot, view.acc_plot):
        inside = QRectF(plot.rect())
        for name in ("left", "bottom"):
            axis = plot.getPlotItem().getAxis(name)
            assert isinstance(axis, ReadableAxis)
            texts = drawn_texts(axis)
            assert texts, f"{name} axis of a {size} plot shows no value at all"
            rects = [QRectF(rect) for rect, _ in texts]
            for rect, text in texts:
                assert inside.contains(QRectF(rect)), f"tick '{text}' cut at {size}"
            for a, b in zip(rects, rects[1:]):
                assert not a.intersects(b), f"ticks run into each other at {size}"


@pytest.mark.parametrize("size", [(300, 150), (500, 300)])
def test_axis_titles_are_whole_or_not_drawn(qtbot, size):
    view = plots_with_runs(qtbot, 1)
    plot = view.acc_plot
    plot.setParent(None)
    qtbot.addWidget(plot)
    plot.resize(*size)
    plot.show()
    qtbot.wait(50)
    scene_view = plot
    for name in ("left", "bottom"):
        label = plot.getPlotItem().getAxis(name).label
        if not label.isVisible():
            continue
        rect = scene_view.mapFromScene(label.mapRectToScene(label.boundingRect())).boundingRect()
        assert QRectF(plot.rect()).contains(QRectF(rect)), f"'{name}' title cut at {size}"
    assert plot.getPlotItem().getAxis("left").label.isVisible()  # "accuracy" fits here


def test_a_title_longer_than_its_axis_is_hidden_not_cut(qtbot):
    view = plots_with_runs(qtbot, 1)
    plot = view.acc_plot
    plot.setParent(None)
    qtbot.addWidget(plot)
    plot.resize(300, 150)
    plot.show()
    plot.getPlotItem().setLabel("left", "accuracy on the validation set, in percent")
    qtbot.wait(50)
    assert not plot.getPlotItem().getAxis("left").label.isVisible()
    plot.getPlotItem().setLabel("left", "accuracy")
    qtbot.wait(50)
    assert plot.getPlotItem().getAxis("left").label.isVisible()
