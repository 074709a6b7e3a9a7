"""Training in the real window: GUI responsiveness and training speed with the live views on.

Trains the digits MLP (assets/examples/digits_mlp.json) from the Training panel of a MainWindow
(offscreen) and prints, each with its target:

  (a) event-loop lag seen by a 5 ms QTimer probe during training: p50 / p99 / max (p99 < 20 ms)
  (b) epochs/s with the live views on vs core's Trainer run headless in this same process, both
      with one torch thread, alternating, best of N each (ratio >= 0.9)
  (c) plot refresh rate during training (>= 20 Hz)
  (d) XOR (assets/examples/xor.json): Train click -> first epoch at 100% accuracy shown (< 1 s),
      torch and the optimizers warmed up beforehand (the panel does this after it is first shown)
  (e) Stop during a digits run -> the panel's training_finished signal (< 200 ms)

    QT_QPA_PLATFORM=offscreen python bench/gui_training.py [--epochs 40] [--repeats 3]

Figures, not a test: the machines are shared, so read them with the noise in mind.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402

EXAMPLES = ROOT / "assets" / "examples"


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class LagProbe:
    """A 5 ms timer; the lag of each tick is how late it fired after the previous one."""

    def __init__(self) -> None:
        self.timer = QTimer(interval=5)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.ticks: list[float] = []

    def start(self) -> None:
        self.ticks = []
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        gaps = [b - a for a, b in zip(self.ticks, self.ticks[1:])]
        return [max(0.0, g - 0.005) * 1000 for g in gaps]

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())


def make_window():
    """The application's own window (all panels docked) when gui.app can build it."""
    folder = tempfile.mkdtemp(prefix="nc-bench-")
    settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
    options = {"settings": settings, "autosave_dir": Path(folder) / "autosave"}
    try:
        from gui.app import build_window
    except ImportError:
        build_window = None
    if build_window is not None:
        window = build_window(**options)
        panel = window.docks["Training"].widget()
    else:
        from gui.main_window import MainWindow
        from gui.training import install
        window = MainWindow(**options)
        panel = install(window)
    window.resize(1400, 900)
    window.show()
    return window, panel


def open_example(window, name: str, epochs: int | None = None) -> None:
    from core.fileformat import load_network
    path = EXAMPLES / f"{name}.json"
    network = load_network(path)
    if epochs:
        network.training = network.training.with_changes(epochs=epochs)
    window.document.replace_network(network, str(path))
    spin(200)


def run_live(window, panel, probe: LagProbe) -> dict:
    """One digits run from the panel; returns the trainer's own elapsed time and GUI figures."""
    open_example(window, "digits_mlp", ARGS.epochs)
    loop = QEventLoop()
    outcome = []
    panel.training_finished.connect(lambda o: (outcome.append(o), loop.quit()))
    refreshes = panel.plots.refresh_count
    probe.start()
    started = time.perf_counter()
    panel.train()
    loop.exec()
    wall = time.perf_counter() - started
    lags = probe.stop()
    panel.training_finished.disconnect()
    ended = outcome[0].ended
    return {"elapsed": ended.elapsed, "epochs": ended.epochs_run, "wall": wall, "lags": lags,
            "refresh_hz": (panel.plots.refresh_count - refreshes) / wall}


def run_headless() -> float:
    """The same run with core's Trainer in this thread, nothing else; the trainer's elapsed."""
    import torch

    from core.fileformat import load_network
    from core.run_setup import prepare_run
    from core.training import Trainer
    network = load_network(EXAMPLES / "digits_mlp.json")
    network.training = network.training.with_changes(epochs=ARGS.epochs)
    torch.set_num_threads(1)  # as the worker does
    prepared = prepare_run(network, EXAMPLES)
    trainer = Trainer(prepared.model, prepared.dataset, network.training, prepared.loss)
    last = None
    for event in trainer.run():
        last = event
    return last.elapsed


def xor_to_full_accuracy(window, panel) -> float:
    """Seconds from the Train click to the GUI receiving an epoch at 100% training accuracy."""
    open_example(window, "xor")
    loop = QEventLoop()
    reached: list[float] = []

    def on_progress(update) -> None:
        if not reached and any(e.train_accuracy == 1.0 for e in update.epochs):
            reached.append(time.perf_counter())

    panel.session.progressed.connect(on_progress)
    panel.training_finished.connect(loop.quit)
    started = time.perf_counter()
    panel.train()
    loop.exec()
    panel.session.progressed.disconnect(on_progress)
    panel.training_finished.disconnect()
    return reached[0] - started if reached else float("inf")


def stop_latency(window, panel) -> float:
    """Seconds from Stop (one second into a digits run) to the panel reporting the run ended."""
    open_example(window, "digits_mlp", 1000)
    loop = QEventLoop()
    panel.training_finished.connect(loop.quit)
    panel.train()
    spin(1000)
    started = time.perf_counter()
    panel.stop()
    loop.exec()
    panel.training_finished.disconnect()
    return time.perf_counter() - started


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def main() -> None:
    from gui.app import create_application
    app = create_application()  # as the application runs: collection in the GUI thread
    from gui.training import warmup
    warmup.warm_up()
    window, panel = make_window()
    spin(300)
    probe = LagProbe()
    live, headless = [], []
    run_headless()  # first run in the process pays one-off costs (sklearn, allocator)
    for _ in range(ARGS.repeats):
        live.append(run_live(window, panel, probe))
        headless.append(run_headless())
        spin(200)
    xor = [xor_to_full_accuracy(window, panel) for _ in range(ARGS.repeats)]
    stops = [stop_latency(window, panel) for _ in range(ARGS.repeats)]
    report(live, headless, xor, stops)
    panel.shutdown()
    window.document.undo_stack.setClean()
    window.close()
    app.processEvents()


def report(live: list[dict], headless: list[float], xor: list[float], stops: list[float]) -> None:
    lags = [lag for run in live for lag in run["lags"]]
    best_live = min(live, key=lambda r: r["elapsed"])
    live_eps = best_live["epochs"] / best_live["elapsed"]
    head_eps = ARGS.epochs / min(headless)
    ratio = live_eps / head_eps
    median_ratio = statistics.median(headless) / statistics.median(r["elapsed"] for r in live)
    p50, p99, worst = percentile(lags, 0.5), percentile(lags, 0.99), max(lags)
    refresh = statistics.median(r["refresh_hz"] for r in live)
    print(f"digits MLP, {ARGS.epochs} epochs, {ARGS.repeats} runs each (best of each compared)")
    print(f"(a) event-loop lag, 5 ms probe, {len(lags)} ticks: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {worst:.1f} ms   target p99 < 20 ms   {verdict(p99 < 20)}")
    print(f"(b) epochs/s live {live_eps:.1f} vs headless {head_eps:.1f} "
          f"({1000 / live_eps:.1f} vs {1000 / head_eps:.1f} ms/epoch): ratio {ratio:.2f}   "
          f"target >= 0.90   {verdict(ratio >= 0.9)}   (ratio of medians {median_ratio:.2f})")
    live_ms = ", ".join(f"{1000 * r['elapsed'] / r['epochs']:.1f}" for r in live)
    head_ms = ", ".join(f"{1000 * h / ARGS.epochs:.1f}" for h in headless)
    print(f"    every run, ms/epoch: live {live_ms}; headless {head_ms}")
    print(f"(c) plot refresh rate during training: {refresh:.1f} Hz   target >= 20 Hz   "
          f"{verdict(refresh >= 20)}")
    print(f"(d) XOR click -> 100% accuracy shown: best {min(xor):.3f} s, median "
          f"{statistics.median(xor):.3f} s   target < 1 s   {verdict(min(xor) < 1.0)}")
    print(f"(e) Stop -> run ended in the panel (digits): worst {1000 * max(stops):.0f} ms, median "
          f"{1000 * statistics.median(stops):.0f} ms   target < 200 ms   "
          f"{verdict(max(stops) < 0.2)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    ARGS = parser.parse_args()
    main()
