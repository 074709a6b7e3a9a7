"""Defects found in use (issue 10): each test reproduces one as a user met it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.fileformat import load_network, save_network
from tests.gui.gui_helpers import EXAMPLES, RUN_TIMEOUT, example_document, train_and_wait

pytestmark = pytest.mark.usefixtures("warm_torch")


@pytest.fixture
def make_panel(make_training_panel):
    """``make_panel(name)``: a shown training panel on ``assets/examples/<name>.json``."""
    return lambda name: make_training_panel(example_document(name))


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


# ----- 2. Ctrl+Q during training, then Cancel: the run goes on untouched ------------------------
def start_long_xor_run(qtbot, window):
    from gui.training import install
    panel = install(window)
    window.file_actions.open_path(str(EXAMPLES / "xor.json"), ask=False)
    document = window.document
    document.set_training(document.network.training.with_changes(epochs=100_000))
    panel.train()
    qtbot.waitUntil(lambda: panel.session.weights_shown, timeout=RUN_TIMEOUT)
    return panel


def test_quit_then_cancel_leaves_the_run_going(qtbot, window, monkeypatch):
    from gui import dialogs
    panel = start_long_xor_run(qtbot, window)
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: asked.append(a) or "cancel")
    count = window.document.undo_stack.count()
    assert not window.close()  # Ctrl+Q closes the window; Cancel keeps it
    assert asked
    qtbot.wait(200)
    assert panel.session.state == "running"
    assert window.document.undo_stack.count() == count  # no "Train (interrupted)" step
    assert not panel.controls.banner.isVisible()
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT) as blocker:
        panel.stop()
    assert blocker.args[0].level == "info"  # stopped by the user, not "the network was edited"


def test_quit_asks_about_a_run_in_progress_even_on_a_clean_document(qtbot, window, monkeypatch):
    """The weights trained so far are unsaved work: the question is asked, and Save keeps them."""
    from gui import dialogs
    panel = start_long_xor_run(qtbot, window)
    window.document.undo_stack.setClean()
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: asked.append(a) or "cancel")
    assert not window.close()
    assert asked and panel.session.state == "running"
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT):
        panel.stop()


# ----- 9. every edit that stops a run says which one; typed values are never silently undone ----
def test_the_message_names_the_edit_that_stopped_the_run(qtbot, window):
    panel = start_long_xor_run(qtbot, window)
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT):
        window.document.set_param("hidden", "activation", "relu")
    banner = panel.controls.banner.text()
    assert "Set activation of &#x27;hidden&#x27;" in banner, banner
    assert "Training stopped" in banner


def test_undo_during_a_run_is_named_in_the_message(qtbot, window):
    panel = start_long_xor_run(qtbot, window)
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT):
        window.document.undo()  # the epochs change made before the run
    banner = panel.controls.banner.text()
    assert "Undo Change training settings" in banner, banner


def test_renaming_the_network_during_a_run_does_not_stop_it(qtbot, window):
    panel = start_long_xor_run(qtbot, window)
    window.document.set_info(name="My XOR", description="drawn in class")
    qtbot.wait(200)
    assert panel.session.state == "running" and window.document.network.name == "My XOR"
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT):
        panel.stop()
    stack = window.document.undo_stack
    texts = [stack.text(i) for i in range(stack.count())]
    assert texts[-1].startswith("Train ")
    window.document.undo()  # the run
    window.document.undo()  # the description
    window.document.undo()  # the name
    assert window.document.network.name == "XOR"


def test_a_value_being_typed_survives_new_weights_arriving(qtbot, window):
    """A run that ends commits its weights (a weights_changed event on every layer): the
    Properties editors must not put the old value back over one the user is still typing."""
    import numpy as np
    from PySide6.QtTest import QTest
    window.file_actions.open_path(str(EXAMPLES / "xor.json"), ask=False)
    window.scene.select_layers(["hidden"])
    box = window.properties.layer_page.editors["units"].widget
    box.selectAll()
    QTest.keyClicks(box, "8")
    assert window.document.graph.params("hidden")["units"] == 4  # typed, not yet committed
    window.document.set_weights("hidden", {"weight": np.ones((2, 4)), "bias": np.zeros(4)})
    assert box.text() == "8"
    box.interpretText()  # Enter or Tab
    assert window.document.graph.params("hidden")["units"] == 8
    window.document.undo()
    assert box.text() == "4"  # a value that did change is shown


# ----- 5. a run that learns nothing is explained; 12. a failed run's bar does not look done -----
def test_a_run_that_learns_nothing_gets_a_warning_and_an_amber_bar(qtbot, make_panel):
    from gui.style import PROGRESS_STYLES
    panel = make_panel("xor")
    training = panel.document.network.training
    panel.document.set_training(training.with_changes(learning_rate=1e6, epochs=100))
    outcome = train_and_wait(qtbot, panel)
    assert outcome.level == "warning" and outcome.ended.health == "saturated"
    controls = panel.controls
    assert controls.banner.isVisible() and controls.banner_level == "warning"
    assert "learned nothing" in controls.banner.text() and "too high" in controls.banner.text()
    assert controls.progress.format().endswith("— learned nothing")
    assert controls.progress.styleSheet() == PROGRESS_STYLES["warning"]
    panel.grab().save("/tmp/defect5_learned_nothing.png")


def test_a_healthy_run_has_no_warning_and_a_plain_bar(qtbot, make_panel):
    panel = make_panel("xor")
    outcome = train_and_wait(qtbot, panel)
    assert outcome.level == "info" and outcome.ended.health is None
    assert panel.controls.progress.styleSheet() == ""


def test_a_diverged_run_does_not_look_like_a_success(qtbot, make_panel):
    from gui.style import PROGRESS_STYLES
    panel = make_panel("linear_regression")
    training = panel.document.network.training
    panel.document.set_training(training.with_changes(learning_rate=1e9))
    outcome = train_and_wait(qtbot, panel)
    assert outcome.ended.reason == "diverged"
    assert panel.controls.progress.styleSheet() == PROGRESS_STYLES["error"]
    assert panel.controls.progress.format().startswith("Diverged")
    panel.grab().save("/tmp/defect12_diverged.png")
    panel.document.set_training(training)
    train_and_wait(qtbot, panel)  # the next run starts from a plain bar again
    assert panel.controls.progress.styleSheet() == ""


# ----- 3. Reset weights on a lesson that starts from given weights ------------------------------
def test_reset_goes_back_to_the_lessons_starting_weights_by_default(qtbot, make_panel):
    import numpy as np
    panel = make_panel("linear_regression")  # the line starts from W = 0 (the file's weights)
    document, controls = panel.document, panel.controls
    assert panel.session.reset_choices() == ("starting", "random")
    assert not controls.actions["reset"].isEnabled()  # the weights are the starting ones
    train_and_wait(qtbot, panel)
    trained = document.graph.weights("line")["weight"]
    assert trained[0, 0] != 0
    starting = controls.reset_actions["starting"]
    assert starting.text() == "Reset to the lesson's starting weights" and starting.isEnabled()
    assert controls.reset_actions["random"].text() == "Re-initialise randomly"
    controls.actions["reset"].trigger()  # the default: the lesson's start
    np.testing.assert_array_equal(document.graph.weights("line")["weight"], [[0.0]])
    assert document.network.trained.epochs == 0
    assert document.undo_stack.undoText() == "Reset weights to the lesson's starting weights"
    # the lesson's hand calculation holds again: the first step from W = 0 gives W = 2
    from gui.training.messages import RunState
    panel.step_batch()
    qtbot.waitUntil(lambda: panel.session.state == RunState.PAUSED and panel.session.weights_shown,
                    timeout=RUN_TIMEOUT)
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT):
        panel.stop()
    np.testing.assert_allclose(document.graph.weights("line")["weight"], [[2.0]], rtol=1e-6)
    controls.reset_actions["random"].trigger()
    assert document.graph.weights("line") == {}
    assert document.undo_stack.undoText() == "Re-initialise weights randomly"
    assert controls.actions["reset"].isEnabled()  # back to the starting weights is still possible
    document.undo()
    np.testing.assert_allclose(document.graph.weights("line")["weight"], [[2.0]], rtol=1e-6)


def test_a_network_without_file_weights_only_re_initialises(qtbot, make_panel):
    panel = make_panel("xor")
    assert panel.session.reset_choices() == ("random",)
    train_and_wait(qtbot, panel)
    assert not panel.controls.reset_actions["starting"].isVisible()
    panel.controls.actions["reset"].trigger()
    assert not any(panel.document.graph.weights(n) for n in panel.document.graph.layer_ids())


def test_starting_weights_are_not_restored_into_a_changed_layer(qtbot, make_panel):
    panel = make_panel("perceptron_and")
    document = panel.document
    train_and_wait(qtbot, panel)
    layer = next(n for n in document.graph.layer_ids() if document.graph.weights(n))
    assert document.starting_weights()
    activation = document.graph.params(layer)["activation"]
    document.set_param(layer, "activation", "sigmoid" if activation != "sigmoid" else "tanh")
    assert layer not in document.starting_weights()


# ----- 12. files: the last folder, read before asking, binary files -----------------------------
def test_the_save_dialog_opens_in_the_last_folder_used_remembered(make_window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog
    suggested = []

    def save_as(target):
        def answer(parent, title, start, *a, **k):
            suggested.append(start)
            return (str(target), "")
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))

    window = make_window()
    mine = tmp_path / "class" / "week2"
    mine.mkdir(parents=True)
    window.file_actions.open_path(str(EXAMPLES / "xor.json"), ask=False)
    save_as(mine / "my_xor.json")
    window.action("save").trigger()  # an example: Save becomes Save As
    window.file_actions.open_path(str(EXAMPLES / "spiral.json"), ask=False)
    save_as(mine / "my_spiral.json")
    window.action("save").trigger()
    assert Path(suggested[-1]).parent == mine  # not the examples folder, not Documents
    later = make_window()  # the next session remembers it
    later.file_actions.open_path(str(EXAMPLES / "digits_mlp.json"), ask=False)
    save_as(mine / "digits.json")
    later.action("save").trigger()
    assert Path(suggested[-1]).parent == mine


def test_open_reads_the_file_before_asking_about_unsaved_work(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox
    window.file_actions.open_path(str(EXAMPLES / "xor.json"), ask=False)
    window.document.set_param("hidden", "units", 6)
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "neurocanvas", ')
    shown, asked = [], []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a: asked.append(a) or QMessageBox.StandardButton.Cancel))
    assert not window.file_actions.open_path(str(bad))
    assert shown and not asked  # reported; the unsaved-work question was never put
    assert window.document.graph.params("hidden")["units"] == 6 and window.document.is_modified
    assert window.file_actions.open_path(str(EXAMPLES / "spiral.json")) is False  # Cancel
    assert asked and window.document.graph.params("hidden")["units"] == 6


def test_a_binary_file_is_not_a_network_file(window, monkeypatch, tmp_path):
    import random
    from PySide6.QtWidgets import QMessageBox
    blob = tmp_path / "photo.json"
    blob.write_bytes(bytes(random.Random(0).randrange(256) for _ in range(4000)))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    assert not window.file_actions.open_path(str(blob), ask=False)
    assert "not a NeuroCanvas network file" in shown[0] and "photo.json" in shown[0]
    assert "UTF-8" not in shown[0]


# ----- 12. the boundary is computed at the resolution its view needs ---------------------------
def test_the_step_perceptrons_boundary_is_as_fine_as_its_view(qtbot, make_panel, monkeypatch):
    from core import probes
    from core.probes_data import MAX_GRID_2D
    monkeypatch.setattr(probes, "SURFACE_BUDGET", 60.0)  # a loaded machine must not coarsen it
    panel = make_panel("perceptron_and")
    panel.resize(1280, 520)
    qtbot.wait(50)
    wanted = panel.boundary.grid_size()
    side = max(panel.boundary.plot.width(), panel.boundary.plot.height())
    assert wanted == min(int(side * panel.boundary.devicePixelRatioF()), MAX_GRID_2D) > 150
    train_and_wait(qtbot, panel)
    panel.refresh_views()
    values = panel.boundary.image_values()
    assert values.shape == (wanted, wanted)  # was 60 x 60 whatever the view: 7-px steps
    assert side / values.shape[0] < 2  # pixels per grid point
    panel.grab().save("/tmp/defect12_boundary.png")


def test_a_costly_boundary_grid_is_made_coarser_down_to_the_default(qtbot, make_panel, monkeypatch):
    from core import probes
    monkeypatch.setattr(probes, "SURFACE_BUDGET", 0.0)  # every picture is "too slow"
    panel = make_panel("xor")
    panel.resize(1280, 520)
    panel.document.set_training(panel.document.network.training.with_changes(epochs=3000))
    sizes = set()
    panel.session.surface_updated.connect(lambda update: sizes.add(len(update.xs)))
    train_and_wait(qtbot, panel)
    assert max(sizes) > probes.GRID_2D and min(sizes) == probes.GRID_2D


# ----- 11. File ▸ New trains the first networks people build; New from template ---------------
def test_new_from_template_offers_the_five_templates_and_each_opens_untitled(window, qtbot):
    menu = window.templates_menu
    names = [a.text() for a in menu.actions()]
    assert names == ["Empty", "Perceptron", "XOR 2-2-1", "MLP", "CNN"]
    xor = menu.actions()[2]
    xor.trigger()
    document = window.document
    assert document.path is None and not document.is_modified
    assert document.network.name == "XOR 2-2-1" and document.report.is_valid
    assert [document.graph.layer_type(n) for n in document.graph.layer_ids()] == [
        "Input", "Dense", "Dense", "Output"]
    assert window.windowTitle().startswith("Untitled")


def test_new_starts_from_settings_that_train_a_first_xor(window, qtbot):
    from PySide6.QtCore import QPointF
    from gui.training import install
    panel = install(window)
    window.action("new").trigger()
    document = window.document
    training = document.network.training
    assert (training.optimizer, training.learning_rate, training.epochs) == ("adam", 0.05, 300)
    # the student's XOR 2-4-1: two Dense cards from the palette, one set to 1 unit, connected
    hidden = window.view.add_layer_at("Dense", QPointF(160, 0))
    last = window.view.add_layer_at("Dense", QPointF(320, 0))
    assert document.graph.params(hidden)["activation"] == "tanh"  # new cards are not linear
    document.set_param(last, "units", 1)
    for source, target in (("input_1", hidden), (hidden, last), (last, "output_1")):
        document.connect(source, target)
    assert document.report.is_valid
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT) as blocker:
        panel.train()
    assert blocker.args[0].ended.reason == "completed"
    assert panel.session.last_epoch.train_accuracy == 1.0  # was 75% with the old defaults
