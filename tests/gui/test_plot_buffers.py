"""The plots draw a bounded number of points however long a run is, with every peak kept."""

from __future__ import annotations

import numpy as np

from gui.training import plots
from gui.training.plots import MAX_SHOWN, MetricPlots, Series


def fill(series: Series, ys: np.ndarray, chunk: int = 37) -> None:
    xs = np.arange(1, len(ys) + 1, dtype=float)
    for start in range(0, len(ys), chunk):
        series.extend(xs[start:start + chunk], ys[start:start + chunk])


def test_a_long_series_is_drawn_as_a_bounded_peak_envelope():
    ys = np.random.default_rng(0).normal(size=100_003)
    series = Series()
    fill(series, ys)
    xs, shown = series.shown()
    assert len(xs) <= 2 * MAX_SHOWN + series.width  # bounded, not 100,003
    assert shown.min() == ys.min() and shown.max() == ys.max()  # no spike is lost
    assert np.all(np.diff(xs) > 0) and xs[-1] == len(ys)  # in epoch order, up to the last one
    assert (series.low, series.high) == (ys.min(), ys.max())
    assert series.data()[1].tolist() == ys.tolist()  # every point is still kept for read-outs


def test_a_short_series_is_drawn_point_for_point():
    series = Series()
    fill(series, np.arange(100.0))
    assert series.shown()[1].tolist() == list(range(100))
    series.clear()
    assert series.n == 0 and len(series.shown()[0]) == 0


def test_curves_and_history_get_the_bounded_data(qtbot, monkeypatch):
    monkeypatch.setattr(plots, "MAX_SHOWN", 64)
    view = MetricPlots()
    qtbot.addWidget(view)
    ys = np.linspace(1.0, 0.01, 5000)
    for name in ("train_loss", "batch_loss"):
        view.series[name] = Series()
        fill(view.series[name], ys)
        view._dirty.add(name)
    view.refresh()
    assert len(view.curves["train_loss"].getData()[0]) <= 2 * 64 + 128
    view.begin_run("run 1", 5000, True)  # the run becomes a faded history curve
    assert all(len(item.getData()[0]) <= 2 * 64 + 128 for item in view.history[0])
