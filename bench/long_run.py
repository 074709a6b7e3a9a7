"""Long runs in the real window: does training keep its speed as a run (or a series of runs) grows?

A per-epoch cost that grows with the run's length (a plot that redraws every point it ever got, a
history curve drawn in full) shows up as a run that slows down towards its end and as an event loop
that stalls longer and longer. Trains XOR (assets/examples/xor.json, one batch per epoch) from the
Training panel of a MainWindow (offscreen) and prints, each with its target:

  (a) epochs/s in the first and in the last tenth of a long run (default 100,000 epochs), measured
      from the times the panel received its progress messages; ratio last/first >= 0.9
  (b) event-loop lag seen by a 5 ms QTimer probe throughout the run: p50 / p99 / max (p99 < 20 ms)
  (c) with --continues N: N successive Continue runs (each --continue-epochs long, the earlier
      runs kept as faded history curves): epochs/s and the longest stall of each run

    QT_QPA_PLATFORM=offscreen python bench/long_run.py [--epochs 100000] [--repeats 1]
        [--continues 0] [--continue-epochs 20000]

It drives the window with bench/gui_training.py's helpers (window, lag probe, percentiles).
Figures, not a test: the machines are shared, so run it several times and read the medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gui_training import LagProbe, make_window, open_example, percentile, spin, verdict  # noqa: E402
from PySide6.QtCore import QEventLoop  # noqa: E402


def train_once(panel, probe: LagProbe) -> dict:
    """Press Train (or Continue) and wait for the end; (time, epochs so far) of every message."""
    marks: list[tuple[float, int]] = []

    def on_progress(update) -> None:
        if update.epochs:
            marks.append((time.perf_counter(), update.epochs[-1].epoch))

    loop = QEventLoop()
    outcome = []
    panel.session.progressed.connect(on_progress)
    panel.training_finished.connect(lambda o: (outcome.append(o), loop.quit()))
    probe.start()
    panel.train()
    loop.exec()
    lags = probe.stop()
    panel.session.progressed.disconnect(on_progress)
    panel.training_finished.disconnect()
    ended = outcome[0].ended
    return {"marks": marks, "lags": lags, "epochs": ended.epochs_run,
            "eps": ended.epochs_run / max(ended.elapsed, 1e-9), "reason": ended.reason}


def rate_between(marks: list[tuple[float, int]], first: int, last: int) -> float:
    """Epochs per second between the first messages that reached epoch ``first`` and ``last``."""
    start = next(m for m in marks if m[1] >= first)
    end = next(m for m in marks if m[1] >= last)
    return (end[1] - start[1]) / max(end[0] - start[0], 1e-9)


def tenths(run: dict) -> tuple[float, float]:
    """Epochs/s over the first and the last tenth of the run."""
    total = run["epochs"]
    first = rate_between(run["marks"], 1, total // 10)
    last = rate_between(run["marks"], total - total // 10, total)
    return first, last


def long_runs(window, panel, probe: LagProbe) -> list[dict]:
    runs = []
    for _ in range(ARGS.repeats):
        open_example(window, "xor", ARGS.epochs)  # fresh weights, no history curves
        run = train_once(panel, probe)
        run["first"], run["last"] = tenths(run)
        runs.append(run)
        spin(200)
    return runs


def continue_runs(window, panel, probe: LagProbe) -> list[dict]:
    open_example(window, "xor", ARGS.continue_epochs)
    runs = []
    for _ in range(ARGS.continues):
        runs.append(train_once(panel, probe))  # the second and later presses continue
        spin(200)
    return runs


def report_long(runs: list[dict]) -> None:
    ratios = [r["last"] / r["first"] for r in runs]
    lags = [lag for r in runs for lag in r["lags"]]
    p99s = [percentile(r["lags"], 0.99) for r in runs]
    print(f"XOR, {ARGS.epochs} epochs, {len(runs)} run(s) from fresh weights")
    for i, r in enumerate(runs, 1):
        print(f"    run {i}: first tenth {r['first']:.0f} epochs/s, last tenth {r['last']:.0f} "
              f"epochs/s (ratio {r['last'] / r['first']:.2f}); whole run {r['eps']:.0f} epochs/s; "
              f"lag p99 {p99s[i - 1]:.1f} ms, max {max(r['lags']):.1f} ms")
    ratio = statistics.median(ratios)
    print(f"(a) last/first tenth epochs/s: median {ratio:.2f}, best {max(ratios):.2f}   "
          f"target >= 0.90   {verdict(ratio >= 0.9)}")
    p99 = statistics.median(p99s)
    print(f"(b) event-loop lag, 5 ms probe, {len(lags)} ticks: p50 {percentile(lags, 0.5):.1f} ms, "
          f"p99 median {p99:.1f} ms (best {min(p99s):.1f}), max {max(lags):.1f} ms   "
          f"target p99 < 20 ms   {verdict(p99 < 20)}")


def report_continues(runs: list[dict]) -> None:
    speeds = ", ".join(f"{r['eps']:.0f}" for r in runs)
    stalls = ", ".join(f"{max(r['lags']):.0f}" for r in runs)
    p99s = ", ".join(f"{percentile(r['lags'], 0.99):.1f}" for r in runs)
    print(f"(c) {len(runs)} successive runs of {ARGS.continue_epochs} epochs (Train, then Continue)")
    print(f"    epochs/s: {speeds}")
    print(f"    lag p99 ms: {p99s}; longest stall ms: {stalls}")
    if len(runs) > 1:
        print(f"    last/first run epochs/s: {runs[-1]['eps'] / runs[0]['eps']:.2f}")


def main() -> None:
    from gui.app import create_application
    app = create_application()  # as the application runs: collection in the GUI thread
    from gui.training import warmup
    warmup.warm_up()
    window, panel = make_window()
    spin(300)
    probe = LagProbe()
    if ARGS.epochs:
        report_long(long_runs(window, panel, probe))
    if ARGS.continues:
        report_continues(continue_runs(window, panel, probe))
    if ARGS.screenshot:
        panel.plots.grab().save(ARGS.screenshot)
    panel.shutdown()
    window.document.undo_stack.setClean()
    window.close()
    app.processEvents()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100_000, help="0 = skip the long run")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--continues", type=int, default=0)
    parser.add_argument("--continue-epochs", type=int, default=20_000)
    parser.add_argument("--screenshot", help="save the plots to this PNG at the end")
    ARGS = parser.parse_args()
    main()
