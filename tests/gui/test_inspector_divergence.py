"""Apply step refuses an update that makes weights infinite or NaN, with training's explanation."""

from __future__ import annotations

import numpy as np

from core.fileformat import dumps_network
from test_inspector import open_panel, wait_for_trace


def test_a_diverging_step_is_refused_and_nothing_non_finite_is_written(qtbot):
    panel = open_panel(qtbot, "linear_regression.json", sample=None)
    document = panel.document
    document.set_training(document.network.training.with_changes(learning_rate=1e9))
    wait_for_trace(qtbot, panel)
    applied = 0
    while panel.can_apply and applied < 50:
        assert panel.apply_step()
        applied += 1
        wait_for_trace(qtbot, panel)
    assert 0 < applied < 50  # 4e9, -8e18, ... grow until the next step would overflow
    for arrays in panel.result.after.values():
        assert any(not np.isfinite(a).all() for a in arrays.values())
    count = document.undo_stack.count()
    assert not panel.apply_step() and document.undo_stack.count() == count
    assert not panel.apply_button.isEnabled()
    text = panel.status.text()
    assert "'line' (weight" in text and "infinite or NaN" in text and "(1e+09)" in text
    assert "Lower it" in text and not panel.status.isHidden()
    assert all(np.isfinite(a).all() for n in document.graph.layer_ids()
               for a in document.graph.weights(n).values())
    dumps_network(document.network)  # so every autosave and save still works
    panel.shutdown()
