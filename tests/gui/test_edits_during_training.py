"""Edits, undo and redo while a run is training: the trained-so-far weights become one undo step
*before* the user's change, so undo/redo always match what the graph held."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.fileformat import load_network
from gui.document import Document
from gui.training import TrainingPanel, warmup

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"


def start_digits_run(qtbot):
    warmup.warm_up()
    document = Document(load_network(EXAMPLES / "digits_mlp.json"), str(EXAMPLES / "digits_mlp.json"))
    panel = TrainingPanel(document)
    qtbot.addWidget(panel)
    panel.show()
    document.set_param("hidden_1", "units", 100)
    panel.session.train()
    qtbot.waitUntil(lambda: panel.session.weights_shown, timeout=30000)
    return document, panel


def texts(document):
    stack = document.undo_stack
    return [stack.text(i) for i in range(stack.count())], stack.index()


def test_undo_during_a_run_undoes_the_training_and_keeps_redo(qtbot):
    document, panel = start_digits_run(qtbot)
    with qtbot.waitSignal(panel.session.training_finished, timeout=30000):
        document.undo()
    commands, index = texts(document)
    assert commands[-1] == "Train (interrupted)" and index == len(commands) - 1
    assert document.graph.params("hidden_1")["units"] == 100  # the edit before the run stays
    assert document.graph.weights("hidden_1") == {}  # weights as before the run
    document.redo()
    assert document.graph.weights("hidden_1")["weight"].shape == (64, 100)
    panel.shutdown()


def test_an_edit_during_a_run_is_recorded_after_the_training(qtbot):
    document, panel = start_digits_run(qtbot)
    with qtbot.waitSignal(panel.session.training_finished, timeout=30000):
        document.rename("hidden_2", "middle")
    commands, index = texts(document)
    assert commands[-2] == "Train (interrupted)" and index == len(commands)
    trained = document.graph.weights("middle")["weight"]
    document.undo()  # the rename
    np.testing.assert_array_equal(document.graph.weights("hidden_2")["weight"], trained)
    document.undo()  # the training
    assert document.graph.weights("hidden_2") == {}
    assert document.graph.params("hidden_1")["units"] == 100
    panel.shutdown()


def test_late_weight_messages_after_the_flush_do_not_touch_the_graph(qtbot):
    document, panel = start_digits_run(qtbot)
    document.flush_live_weights()
    before = document.graph.weights("scores")
    document.live.show({"scores": {"weight": np.zeros((64, 10)), "bias": np.zeros(10)}})
    np.testing.assert_array_equal(document.graph.weights("scores")["weight"], before["weight"])
    np.testing.assert_array_equal(document.display_weights("scores")["weight"], before["weight"])
    panel.shutdown()


def test_live_weights_are_shown_but_never_put_in_the_model_during_a_run(qtbot):
    """Rule 13: the canvas draws the run's weights; the graph and the undo history change only
    when the run ends, as one step with the epochs trained."""
    document, panel = start_digits_run(qtbot)
    events = []
    document.graph_changed.connect(events.append)
    qtbot.waitUntil(lambda: panel.session.last_epoch is not None, timeout=30000)
    assert document.graph.weights("scores") == {}  # a fresh run: the model still has none
    assert document.display_weights("scores")["weight"].shape == (64, 10)
    assert not [e for e in events if e.kind == "weights_changed"]
    count = document.undo_stack.count()
    with qtbot.waitSignal(panel.session.training_finished, timeout=30000) as blocker:
        panel.stop()
    epochs = blocker.args[0].ended.epochs_run
    assert document.undo_stack.count() == count + 1
    assert document.undo_stack.text(count) == f"Train {epochs} epoch{'s' if epochs != 1 else ''}"
    assert document.graph.weights("scores")["weight"].shape == (64, 10)
    assert document.network.trained.epochs == epochs and document.network.trained.runs
    document.undo()
    assert document.graph.weights("scores") == {} and document.network.trained.epochs == 0
    panel.shutdown()


def test_the_inspector_waits_for_the_run_then_traces_the_trained_weights(qtbot):
    """No trace during a run (it would be stale and would share torch's global generator with
    the run); the run's final weights then trigger one."""
    from gui.inspector import InspectorPanel
    document, panel = start_digits_run(qtbot)
    inspector = InspectorPanel(document)
    qtbot.addWidget(inspector)
    inspector.show()
    inspector.recompute()
    assert "Training is running" in inspector.status.text()
    with qtbot.waitSignal(panel.session.training_finished, timeout=30000):
        panel.stop()
    qtbot.waitUntil(lambda: inspector.result is not None and not inspector.stale, timeout=30000)
    assert inspector.result.ok
    first = inspector.stages[0]
    assert first.phase == "forward"
    inspector.shutdown()
    panel.shutdown()
