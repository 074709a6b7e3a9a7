"""Defects found in use (issue 10): each test reproduces one as a user met it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.fileformat import load_network, save_network
from gui.document import Document
from gui.training import TrainingPanel, warmup

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
RUN_TIMEOUT = 30_000


@pytest.fixture(scope="module", autouse=True)
def warm_torch():
    warmup.warm_up()


@pytest.fixture
def make_panel(qtbot):
    panels = []

    def make(name: str) -> TrainingPanel:
        path = EXAMPLES / f"{name}.json"
        document = Document(load_network(path), str(path))
        panel = TrainingPanel(document)
        panel.resize(1100, 420)
        qtbot.addWidget(panel)
        panel.show()
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def train_and_wait(qtbot, panel: TrainingPanel):
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT) as blocker:
        panel.train()
    return blocker.args[0]


# ----- 1. opening another network shows that network's own training state --------------------
def test_opening_another_network_shows_its_own_empty_training_state(qtbot, make_panel):
    panel = make_panel("linear_regression")  # regression: the loss plot alone
    train_and_wait(qtbot, panel)
    assert panel.controls.progress.format().startswith("Finished after")
    panel.document.replace_network(load_network(EXAMPLES / "xor.json"), str(EXAMPLES / "xor.json"))
    qtbot.wait(50)
    controls = panel.controls
    assert controls.progress.format() == "Ready" and controls.progress.value() == 0
    assert controls.status.text() == "Press Train (F5) to start."
    assert controls.actions["train"].text() == "Train"
    assert not controls.actions["reset"].isEnabled()
    assert panel.plots.acc_plot.isVisibleTo(panel.plots)  # XOR is a classifier
    assert panel.plots.series["train_loss"].n == 0 and not panel.plots.history


def test_opening_a_trained_file_shows_its_saved_runs(qtbot, make_panel, tmp_path):
    xor = make_panel("xor")
    train_and_wait(qtbot, xor)
    saved = tmp_path / "trained_xor.json"
    save_network(xor.document.network, str(saved))
    panel = make_panel("linear_regression")
    train_and_wait(qtbot, panel)
    panel.document.replace_network(load_network(saved), str(saved))
    qtbot.wait(50)
    controls = panel.controls
    epochs = panel.document.network.trained.epochs
    assert epochs == 300
    assert controls.progress.format() == f"Trained for {epochs} epochs (saved in the file)"
    assert controls.actions["train"].text() == "Continue"
    assert controls.actions["reset"].isEnabled()
    assert panel.plots.acc_plot.isVisibleTo(panel.plots)
    assert panel.plots.series["train_loss"].n == 300


def test_a_panel_built_for_a_regression_file_starts_in_the_regression_layout(qtbot, make_panel):
    panel = make_panel("linear_regression")
    assert not panel.plots.acc_plot.isVisibleTo(panel.plots)
    assert panel.controls.progress.format() == "Ready"
