"""Issue 9 in the window: File ▸ Save onto a FIFO, opening a FIFO, data outside the network file's
folder asked about first, stale temp files cleaned at start, a run that diverges on its last
update leaving the pre-run weights."""

from __future__ import annotations

import copy
import json
import os
import stat
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.fileformat import load_network
from gui import dialogs
from gui.data_access import data_guard
from gui.document import Document
from gui.training import TrainingPanel, warmup

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
has_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
XOR_CSV = "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"


def capture_errors(monkeypatch) -> list[str]:
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    return shown


def network_with_csv(folder: Path, data_path: str) -> Path:
    data = json.loads((EXAMPLES / "xor.json").read_text())
    data["dataset"] = {"source": "csv", "name": "xor", "params": {"path": data_path}}
    path = folder / "net.json"
    path.write_text(json.dumps(data))
    return path


# ----- items 2 and 3: non-regular files -----------------------------------------------------------
@has_fifo
def test_save_as_onto_a_fifo_is_refused_with_a_clear_message(window, monkeypatch, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(fifo), "")))
    shown = capture_errors(monkeypatch)
    assert not window.file_actions.save_as()
    assert shown == [f"Cannot save {fifo}: it is a named pipe (FIFO); NeuroCanvas saves only to "
                     "regular files."]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@has_fifo
def test_opening_a_fifo_names_it_and_does_not_hang(window, monkeypatch, tmp_path):
    fifo = tmp_path / "net.json"
    os.mkfifo(fifo)
    shown = capture_errors(monkeypatch)
    assert not window.file_actions.open_path(str(fifo), ask=False)
    assert len(shown) == 1 and "named pipe (FIFO)" in shown[0] and "Cannot find" not in shown[0]


def test_save_into_a_missing_folder_names_the_folder(window, monkeypatch, tmp_path):
    target = tmp_path / "gone" / "net.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    shown = capture_errors(monkeypatch)
    assert not window.file_actions.save_as()
    assert shown == [f"Cannot save {target}: the folder {tmp_path / 'gone'} does not exist."]


# ----- item 9: data outside the network file's folder ---------------------------------------------
@pytest.fixture
def make_panel(qtbot):
    """A training panel on a document opened from ``path`` (as File ▸ Open leaves it)."""
    panels = []

    def make(path: Path) -> TrainingPanel:
        panel = TrainingPanel(Document(load_network(path), str(path)))
        qtbot.addWidget(panel)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def outside_lesson(tmp_path: Path, absolute: bool = False) -> tuple[Path, Path]:
    secret = tmp_path / "secret.csv"
    secret.write_text(XOR_CSV)
    lesson = tmp_path / "lesson"
    lesson.mkdir()
    return network_with_csv(lesson, str(secret) if absolute else "../secret.csv"), secret


def test_data_outside_the_folder_is_asked_about_and_not_read_on_no(make_panel, monkeypatch,
                                                                  qtbot, tmp_path):
    net, secret = outside_lesson(tmp_path)
    asked = []
    monkeypatch.setattr(dialogs, "ask_read_outside_data",
                        lambda parent, paths: asked.append(paths) or False)
    panel = make_panel(net)
    qtbot.waitUntil(lambda: bool(asked), timeout=5_000)
    assert asked == [[str(secret.resolve())]]
    box = panel.dataset_box
    assert "Not read: the network file asks for data from outside its own folder" \
        in box.preview.message.text()
    panel.train()  # Train asks again (explicitly), and a No starts nothing
    assert len(asked) == 2 and not panel.session.active


def test_saying_yes_reads_the_data(make_panel, monkeypatch, qtbot, tmp_path):
    net, _ = outside_lesson(tmp_path, absolute=True)
    asked = []
    monkeypatch.setattr(dialogs, "ask_read_outside_data",
                        lambda parent, paths: asked.append(paths) or True)
    panel = make_panel(net)
    qtbot.waitUntil(lambda: bool(asked), timeout=5_000)
    guard = data_guard(panel.document)
    assert guard.allowed(panel.document.network.dataset, net.parent.resolve(), ask=False)
    preview = panel.dataset_box.preview
    qtbot.waitUntil(lambda: preview.stack.currentWidget() is not preview.message, timeout=10_000)
    assert len(asked) == 1  # asked once, not again on the next preview


def test_opening_another_file_asks_again(make_panel, monkeypatch, qtbot, tmp_path):
    net, _ = outside_lesson(tmp_path)
    asked = []
    monkeypatch.setattr(dialogs, "ask_read_outside_data",
                        lambda parent, paths: asked.append(paths) or True)
    panel = make_panel(net)
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=5_000)
    panel.document.replace_network(load_network(net), str(net))  # File ▸ Open again
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=5_000)


def test_data_inside_the_folder_is_read_without_a_question(make_panel, monkeypatch, tmp_path):
    (tmp_path / "data.csv").write_text(XOR_CSV)
    net = network_with_csv(tmp_path, "data.csv")
    monkeypatch.setattr(dialogs, "ask_read_outside_data",
                        lambda *a: pytest.fail("asked about data inside the folder"))
    panel = make_panel(net)
    assert data_guard(panel.document).allowed(panel.document.network.dataset,
                                              tmp_path.resolve(), ask=False)


# ----- item 12 (file half): stale temp files at start ---------------------------------------------
def test_stale_save_temp_files_beside_recent_files_are_cleaned(window, tmp_path):
    net = tmp_path / "net.json"
    net.write_text((EXAMPLES / "xor.json").read_text())
    window.file_actions.add_recent(str(net))
    stale = tmp_path / ".net.json.0123abcd.tmp"
    stale.write_bytes(b"half a save")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    assert window.file_actions.clean_stale_saves() == [str(stale)]
    assert not stale.exists() and net.exists()


# ----- item 4: the window restores the pre-run weights after a diverged last update ---------------
def test_divergence_on_the_last_update_restores_the_pre_run_weights(qtbot):
    warmup.warm_up()
    network = load_network(EXAMPLES / "linear_regression.json")
    network.training = network.training.__class__(
        **{**network.training.__dict__, "learning_rate": 1e6, "epochs": 3})
    document = Document(network, None)
    before = copy.deepcopy(document.graph.weights("line"))
    steps = document.undo_stack.count()
    panel = TrainingPanel(document)
    qtbot.addWidget(panel)
    try:
        with qtbot.waitSignal(panel.training_finished, timeout=30_000) as blocker:
            panel.train()
        outcome = blocker.args[0]
        assert outcome.ended.reason == "diverged" and "after its last update" in outcome.message
        np.testing.assert_array_equal(document.graph.weights("line")["weight"], before["weight"])
        assert document.undo_stack.count() == steps  # no "Train 3 epochs" step was committed
        assert document.network.trained.epochs == 0  # nor its epochs counted
    finally:
        panel.shutdown()
