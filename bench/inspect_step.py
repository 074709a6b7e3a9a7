"""Cost of the inspector on the digits MLP (64-128-64-10, one batch of 32), in one process.

- trace_step on the batch (forward layer by layer with retained gradients, loss, backward, update,
  every tensor copied to float64 numpy), against the baseline of a plain training step on the same
  batch (zero_grad, forward, loss, backward, step) measured in the same run;
- compute_trace, what the panel's worker runs: compile from the graph + pick the batch + trace;
- the panel's refresh of one stage (building its tables and pictures), on the GUI thread.

    python bench/inspect_step.py                        target: trace_step median < 50 ms
                                                        (1 torch thread, as the worker runs it;
                                                        torch's default count is printed too)
    python bench/inspect_step.py --screenshot docs/inspector.png
                                                        also render the docked panel mid-backward
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.fileformat import load_network  # noqa: E402
from core.inspection import trace_step  # noqa: E402
from core.losses import make_loss  # noqa: E402
from core.optim import make_optimizer  # noqa: E402
from core.run_setup import prepare_run  # noqa: E402
from core.training import Trainer  # noqa: E402
from core.inspection.tracing import DatasetCache, TraceRequest, compute_trace, snapshot  # noqa: E402

EXAMPLES = ROOT / "assets" / "examples"
RUNS = 50
TARGET_MS = 50.0


def timed(fn, runs: int = RUNS) -> tuple[float, float]:
    """(median, min) in milliseconds after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def bench_core() -> None:
    import torch
    network = load_network(EXAMPLES / "digits_mlp.json")
    run = prepare_run(network, EXAMPLES)
    rows = Trainer(run.model, run.dataset, network.training, run.loss)._batches()[0].tolist()
    x, y = run.dataset.x_train[rows], run.dataset.y_train[rows]
    settings = network.training
    trace_ms = timed(lambda: trace_step(run.model, x, y, run.loss, settings, sample_indices=rows))
    loss_fn, optimizer = make_loss(run.loss), make_optimizer(run.model, settings)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)

    def plain_step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(run.model(xt), yt).backward()
        optimizer.step()

    plain_ms = timed(plain_step)
    cache = DatasetCache()
    request = TraceRequest(1, snapshot(network), EXAMPLES, None)
    full_ms = timed(lambda: compute_trace(request, cache), runs=20)
    print(f"digits MLP, batch of {len(rows)}, torch threads {torch.get_num_threads()}")
    print(f"  trace_step        median {trace_ms[0]:7.2f} ms   min {trace_ms[1]:7.2f} ms   "
          f"target < {TARGET_MS:.0f} ms: {'OK' if trace_ms[0] < TARGET_MS else 'MISSED'}")
    print(f"  plain train step  median {plain_ms[0]:7.2f} ms   min {plain_ms[1]:7.2f} ms   "
          f"(baseline)")
    print(f"  ratio trace/plain median {trace_ms[0] / plain_ms[0]:7.2f}×   "
          f"min {trace_ms[1] / plain_ms[1]:7.2f}×")
    print(f"  compute_trace     median {full_ms[0]:7.2f} ms   min {full_ms[1]:7.2f} ms   "
          "(compile + batch + trace, dataset cached)")


def loaded_panel(path: Path, sample: int | None, scene: bool = False):
    """A panel showing a trace computed synchronously (no worker thread: cleaner timings)."""
    from gui.document import Document
    from gui.inspector.panel import InspectorPanel
    network = load_network(path)
    document = Document(network, path=str(path))
    panel = InspectorPanel(document)
    panel.sample_spin.blockSignals(True)
    panel.batch_radio.blockSignals(True)
    panel.sample_spin.setValue(sample or 0)
    panel.batch_radio.setChecked(sample is None)
    result = compute_trace(TraceRequest(panel.runner.latest_id, snapshot(network), path.parent,
                                        sample))
    panel._on_trace(result)
    return panel


def bench_panel() -> None:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    for name, sample, node in (("digits_mlp.json", None, "hidden_1"), ("xor.json", 2, "hidden")):
        panel = loaded_panel(EXAMPLES / name, sample)
        panel.resize(460, 900)
        panel.show()
        index = next(s.index for s in panel.stages if s.phase == "forward" and s.node == node)
        panel.go_to(index)
        app.processEvents()
        median, best = timed(lambda panel=panel: (panel._render_stage(), app.processEvents()))
        label = "batch of 32" if sample is None else f"sample {sample}"
        print(f"  panel refresh, {name} ({label}) forward '{node}': median {median:6.2f} ms   "
              f"min {best:6.2f} ms")
        panel.shutdown()
        panel.close()


def screenshot(path: Path) -> None:
    """The real main window with the inspector docked, mid-backward on the XOR lesson."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from gui.inspector import install
    from gui.main_window import MainWindow
    app = QApplication.instance() or QApplication([])
    window = MainWindow(settings=QSettings(str(ROOT / ".bench-settings.ini"),
                                           QSettings.Format.IniFormat),
                        autosave_dir=Path("/tmp/neurocanvas-bench-autosave"))
    panel = install(window)
    window.resize(1500, 900)
    window.show()
    window.open_initial(str(EXAMPLES / "xor.json"))
    panel.sample_spin.setValue(2)
    _wait_for_trace(panel, app)
    panel.go_to(next(s.index for s in panel.stages if s.phase == "backward" and s.node == "hidden"))
    panel.select_unit(1)
    panel.answer_box.select_quantity("delta")  # a classic slip: δ without the tanh' factor
    panel.answer_box.answer_edit.setText(f"{panel.neuron_facts('hidden').grad_a[0]:.5f}")
    panel.answer_box.check_answer()
    loop = QEventLoop()
    QTimer.singleShot(400, loop.quit)
    loop.exec()
    window.grab().save(str(path))
    print(f"saved {path}")
    panel.shutdown()
    Path(ROOT / ".bench-settings.ini").unlink(missing_ok=True)


def _wait_for_trace(panel, app) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    for _ in range(3):  # the file load and the sample change each trigger a trace
        loop = QEventLoop()
        panel.trace_updated.connect(loop.quit)
        QTimer.singleShot(20000, loop.quit)
        loop.exec()
        panel.trace_updated.disconnect(loop.quit)
        if not panel.stale and panel.result is not None and panel.result.rows == (2,):
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", type=Path, help="save a PNG of the docked panel")
    args = parser.parse_args()
    import torch
    default_threads = torch.get_num_threads()
    for threads in sorted({1, default_threads}):  # 1 = what the inspector's worker uses
        torch.set_num_threads(threads)
        bench_core()
    torch.set_num_threads(1)
    bench_panel()
    if args.screenshot:
        screenshot(args.screenshot)


if __name__ == "__main__":
    main()
