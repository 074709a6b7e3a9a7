"""The trained state belongs to the file, seen from the app: a run records its epochs and curves
in the document (one undo step with the weights), saving and reopening keeps them, the reopened
panel draws the curves and the decision boundary, and Continue takes the learning-rate schedule
up at the rate the inspector steps with."""

from __future__ import annotations

import numpy as np
import pytest

from core.fileformat import load_network, save_network
from core.inspection.tracing import TraceRequest, compute_trace
from gui.document import Document
from tests.gui.gui_helpers import EXAMPLES, RUN_TIMEOUT, example_document, train_and_wait

pytestmark = pytest.mark.usefixtures("warm_torch")


def test_a_run_records_its_epochs_and_curves_with_its_weights(qtbot, make_training_panel):
    document = example_document("xor", epochs=12)
    panel = make_training_panel(document)
    train_and_wait(qtbot, panel)
    trained = document.network.trained
    assert trained.epochs == 12 and len(trained.runs) == 1
    run = trained.runs[0]
    assert run.number == 1 and run.epoch_offset == 0 and run.reason == "completed"
    np.testing.assert_allclose(run.curves["train_loss"],
                               panel.plots.curves["train_loss"].yData)
    train_and_wait(qtbot, panel)
    assert document.network.trained.epochs == 24
    assert [r.epoch_offset for r in document.network.trained.runs] == [0, 12]
    document.undo_stack.undo()  # the second run: weights and trained state together
    assert document.network.trained.epochs == 12 and len(document.network.trained.runs) == 1
    assert len(panel.plots.curves["train_loss"].xData) == 12 and not panel.plots.history


def test_reset_keeps_the_runs_but_not_the_epochs_and_clear_history_is_undoable(
        qtbot, make_training_panel):
    document = example_document("xor", epochs=5)
    panel = make_training_panel(document)
    train_and_wait(qtbot, panel)
    train_and_wait(qtbot, panel)
    panel.controls.actions["reset"].trigger()
    assert document.network.trained.epochs == 0 and len(document.network.trained.runs) == 2
    assert document.undo_stack.text(document.undo_stack.count() - 1) == "Re-initialise weights randomly"
    panel.plots.clear_button.click()
    assert len(document.network.trained.runs) == 1 and not panel.plots.history
    document.undo_stack.undo()
    assert len(document.network.trained.runs) == 2 and len(panel.plots.history) == 1


def test_reopened_file_shows_its_curves_and_boundary_and_continues(qtbot, make_training_panel,
                                                                   tmp_path):
    document = example_document("xor", epochs=30)
    panel = make_training_panel(document)
    train_and_wait(qtbot, panel)
    train_and_wait(qtbot, panel)
    path = tmp_path / "trained.json"
    save_network(document.network, path)
    curves = panel.plots.curves["train_loss"].xData.copy()

    reopened = Document(load_network(path), str(path))
    assert reopened.network.trained == document.network.trained
    again = make_training_panel(reopened)
    np.testing.assert_array_equal(again.plots.curves["train_loss"].xData, curves)
    assert len(again.plots.history) == 1  # run 1 faded, run 2 the current curve
    qtbot.waitUntil(lambda: again.boundary.image_values() is not None, timeout=RUN_TIMEOUT)
    qtbot.waitUntil(lambda: "epoch 60" in again.boundary.title.text(), timeout=RUN_TIMEOUT)
    assert not reopened.undo_stack.count()  # picturing the weights is no edit
    assert again.controls.actions["train"].text() == "Continue"
    outcome = train_and_wait(qtbot, again)
    assert outcome.info.epoch_offset == 60 and outcome.info.number == 3
    assert again.plots.curves["train_loss"].xData[0] == 61


def test_continue_after_reopening_uses_the_inspectors_learning_rate(qtbot, make_training_panel,
                                                                    tmp_path):
    """The learning rate of the first batch Continue trains equals the rate of the update the
    inspector shows for the reopened file: both are epoch N + 1 of the schedule."""
    document = example_document("xor", epochs=7, schedule="exponential", decay_rate=0.8)
    panel = make_training_panel(document)
    train_and_wait(qtbot, panel)
    path = tmp_path / "decayed.json"
    save_network(document.network, path)

    reopened = Document(load_network(path), str(path))
    trace = compute_trace(TraceRequest(0, reopened.network, EXAMPLES, None))
    assert trace.ok
    update = next(step for step in trace.trace.steps if step.phase == "update")
    lr0 = reopened.network.training.learning_rate
    assert update.learning_rate == pytest.approx(lr0 * 0.8 ** 7)

    again = make_training_panel(reopened)
    batches = []
    again.session.progressed.connect(lambda update: batches.extend(update.batches))
    again.step_batch()
    qtbot.waitUntil(lambda: bool(batches), timeout=RUN_TIMEOUT)
    assert batches[0].learning_rate == pytest.approx(update.learning_rate)
    with qtbot.waitSignal(again.training_finished, timeout=RUN_TIMEOUT):
        again.stop()
