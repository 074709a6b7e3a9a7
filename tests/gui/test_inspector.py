"""The inspector panel, driven like a student would, with every displayed number checked against an
independent numpy computation on the same weights (read back from the table models and the formula
label, i.e. what is on screen)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from core.compiler import compile_network, extract_weights
from core.fileformat import load_network
from gui.canvas.scene import NetworkScene
from gui.document import Document
from gui.inspector import InspectorPanel, install
from core.inspection.formulas import factor, fmt
from core.inspection.stages import TensorSpec
from gui.inspector.tensor_view import TensorView

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
TRACE_TIMEOUT_MS = 30000


def wait_for_trace(qtbot, panel: InspectorPanel) -> None:
    qtbot.waitUntil(lambda: panel.result is not None and not panel.stale
                    and not panel.runner.busy, timeout=TRACE_TIMEOUT_MS)


def open_panel(qtbot, name: str, with_scene: bool = False, sample: int | None = 0):
    document = Document(load_network(EXAMPLES / name), path=str(EXAMPLES / name))
    scene = NetworkScene(document) if with_scene else None
    panel = InspectorPanel(document, scene)
    qtbot.addWidget(panel)
    if sample is None:
        panel.batch_radio.setChecked(True)
    else:
        panel.sample_spin.setValue(sample)
    panel.resize(480, 900)
    panel.show()
    wait_for_trace(qtbot, panel)
    return panel


@pytest.fixture
def xor(qtbot):
    panel = open_panel(qtbot, "xor.json", with_scene=True, sample=2)
    yield panel
    panel.shutdown()


def shown(panel: InspectorPanel, key: str) -> np.ndarray:
    """The numbers as displayed (5 significant digits), parsed back from the table model."""
    model = panel.tensor_views[key].model
    cells = [[model.data(model.index(r, c)) for c in range(model.columnCount())]
             for r in range(model.rowCount())]
    return np.array([[parse_shown(t) for t in row] for row in cells])


def parse_shown(text: str) -> float:
    """'−1.5×10⁻⁵' -> -1.5e-05."""
    text = text.replace("−", "-").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
    return float(text.replace("×10", "e"))


def close(displayed: np.ndarray, expected, rtol: float = 1e-4) -> None:
    expected = np.asarray(expected, dtype=np.float64).reshape(displayed.shape)
    np.testing.assert_allclose(displayed, expected, rtol=rtol, atol=1e-6)


def go(panel: InspectorPanel, phase: str, node: str | None = None) -> None:
    panel.go_to(next(s.index for s in panel.stages if s.phase == phase and s.node == node))


def xor_by_hand(panel: InspectorPanel) -> dict[str, np.ndarray]:
    """Sample 2 (x = [1, 0], y = 1) through the seeded weights, forward, backward and one Adam step."""
    network = panel.document.network
    weights = extract_weights(compile_network(network.graph, "adam", seed=network.training.seed))
    w1, b1 = weights["hidden"]["weight"], weights["hidden"]["bias"]
    w2, b2 = weights["prob"]["weight"], weights["prob"]["bias"]
    x, y = np.array([[1.0, 0.0]]), np.array([[1.0]])
    z1 = x @ w1 + b1
    h = np.tanh(z1)
    z2 = h @ w2 + b2
    p = 1 / (1 + np.exp(-z2))
    d_p = (p - y) / (p * (1 - p))
    delta2 = d_p * p * (1 - p)
    delta1 = (delta2 @ w2.T) * (1 - h ** 2)
    g1, g2 = x.T @ delta1, h.T @ delta2
    lr = network.training.learning_rate

    def adam_first_step(w, g):  # a fresh Adam: m̂ = g, v̂ = g², so w − η·g / (|g| + ε)
        return w - lr * g / (np.abs(g) + 1e-8)

    return {"x": x, "w1": w1, "b1": b1, "w2": w2, "z1": z1, "h": h, "z2": z2, "p": p,
            "loss": -np.log(p), "d_p": d_p, "delta2": delta2, "delta1": delta1, "g1": g1, "g2": g2,
            "w1_after": adam_first_step(w1, g1), "w2_after": adam_first_step(w2, g2)}


def test_full_cycle_on_xor_matches_numpy(xor):
    ref = xor_by_hand(xor)
    seen = []
    while True:
        stage = xor.current_stage
        seen.append((stage.phase, stage.node))
        check_stage(xor, stage.phase, stage.node, ref)
        if not xor.buttons["step"].isEnabled():
            break
        xor.buttons["step"].click()
    assert seen == [("forward", "input"), ("forward", "hidden"), ("forward", "prob"),
                    ("forward", "output"), ("loss", None), ("backward", "output"),
                    ("backward", "prob"), ("backward", "hidden"), ("backward", "input"),
                    ("update", "hidden"), ("update", "prob")]
    tooltip = xor.tensor_views["after:weight"].model.data(
        xor.tensor_views["after:weight"].model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert float(tooltip) == pytest.approx(ref["w2_after"][0, 0], rel=1e-6)  # full precision


def check_stage(panel, phase: str, node: str | None, ref: dict) -> None:
    expected = {
        ("forward", "hidden"): {"pre_activation": ref["z1"], "output": ref["h"]},
        ("forward", "prob"): {"input": ref["h"], "pre_activation": ref["z2"], "output": ref["p"]},
        ("loss", None): {"value": ref["loss"]},
        ("backward", "output"): {"grad_output": ref["d_p"]},
        ("backward", "prob"): {"grad_pre_activation": ref["delta2"], "grad:weight": ref["g2"]},
        ("backward", "hidden"): {"grad_pre_activation": ref["delta1"], "grad:weight": ref["g1"]},
        ("update", "hidden"): {"before:weight": ref["w1"], "after:weight": ref["w1_after"]},
        ("update", "prob"): {"after:weight": ref["w2_after"]},
    }.get((phase, node), {})
    for key, value in expected.items():
        close(shown(panel, key), value)


def test_step_back_and_keyboard(xor, qtbot):
    xor.activateWindow()
    xor.buttons["step"].setFocus()
    qtbot.keyClick(xor.buttons["step"], Qt.Key.Key_Right)
    qtbot.keyClick(xor.buttons["step"], Qt.Key.Key_N)
    assert xor.index == 2 and xor.current_stage.node == "prob"
    xor.buttons["back"].click()
    assert xor.index == 1
    qtbot.keyClick(xor.buttons["step"], Qt.Key.Key_End)
    assert xor.index == len(xor.stages) - 1
    qtbot.keyClick(xor.buttons["step"], Qt.Key.Key_Left)
    assert xor.index == len(xor.stages) - 2
    qtbot.keyClick(xor.buttons["step"], Qt.Key.Key_Home)
    assert xor.index == 0
    xor.buttons["backward_all"].click()
    assert (xor.current_stage.phase, xor.current_stage.node) == ("backward", "input")
    xor.buttons["forward_all"].click()
    assert xor.current_stage.node == "output"
    xor.buttons["update"].click()
    assert xor.current_stage.phase == "update"


def test_selected_neuron_formula(xor):
    ref = xor_by_hand(xor)
    go(xor, "forward", "hidden")
    xor.tensor_views["output"].table.horizontalHeader().sectionClicked.emit(1)  # unit 2
    assert xor.neuron_spin.value() == 2
    text = xor.formula.text()
    w, b = ref["w1"][:, 1], ref["b1"][1]
    assert f"z = {factor(w[0])}×1 + {factor(w[1])}×0 + {factor(b)} = {fmt(ref['z1'][0, 1])}" in text
    assert f"a = tanh({fmt(ref['z1'][0, 1])}) = {fmt(ref['h'][0, 1])}" in text
    go(xor, "backward", "hidden")
    text = xor.formula.text()
    assert f"tanh'(z) = 1 − a² = 1 − {factor(ref['h'][0, 1])}²" in text
    assert f"= {fmt(ref['delta1'][0, 1])}" in text
    assert f"∂L/∂w₁ = δ × x₁ = {factor(ref['delta1'][0, 1])}×1 = " in text


def test_check_my_answer_right_wrong_and_hidden_values(xor, qtbot):
    ref = xor_by_hand(xor)
    go(xor, "forward", "prob")
    box = xor.answer_box
    assert box.select_quantity("z")
    box.answer_edit.setText(f"{ref['z2'][0, 0]:.5f}")
    assert box.check_answer().correct and "Correct" in box.verdict_label.text()
    box.answer_edit.setText(f"{ref['z2'][0, 0] - float(xor.neuron_facts('prob').b):.5f}")
    verdict = box.check_answer()
    assert not verdict.correct and "bias" in verdict.message
    assert fmt(ref["z2"][0, 0]) in box.verdict_label.text()  # the right value is shown
    box.hide_check.setChecked(True)
    go(xor, "forward", "hidden")
    model = xor.tensor_views["output"].model
    assert model.data(model.index(0, 0)) == "?" and "= ?" in xor.formula.text()
    assert shown_text(xor, "input") != "?"  # what the student needs stays visible
    box.select_quantity("a")
    box.answer_edit.setText("0.5")
    qtbot.keyClick(box.answer_edit, Qt.Key.Key_Return)
    assert "Not quite" in box.verdict_label.text()
    assert model.data(model.index(0, 0)) == fmt(ref["h"][0, 0])  # revealed after answering


def shown_text(panel, key: str) -> str:
    model = panel.tensor_views[key].model
    return model.data(model.index(0, 0))


def test_apply_step_is_one_undo_step(xor, qtbot):
    document = xor.document
    ref = xor_by_hand(xor)
    before_count, loss_before = document.undo_stack.count(), xor.result.trace.loss
    assert "initialised from seed 0" in xor.notice.text()
    assert xor.apply_step()
    assert document.undo_stack.count() == before_count + 1
    np.testing.assert_allclose(document.graph.weights("hidden")["weight"], ref["w1_after"],
                               rtol=1e-5)
    wait_for_trace(qtbot, xor)
    assert xor.index == 0 and xor.result.trace.loss < loss_before and xor.notice.isHidden()
    document.undo_stack.undo()
    assert document.graph.weights("hidden") == {} and document.graph.weights("prob") == {}
    wait_for_trace(qtbot, xor)
    assert xor.result.trace.loss == pytest.approx(loss_before, rel=1e-6)


def test_linear_regression_by_hand_four_applies(qtbot):
    panel = open_panel(qtbot, "linear_regression.json", sample=None)
    losses, weights = [], []
    for _ in range(4):
        go(panel, "loss")
        losses.append(shown(panel, "value")[0, 0])
        go(panel, "update", "line")
        weights.append(shown(panel, "after:weight")[0, 0])
        assert panel.apply_step()
        wait_for_trace(qtbot, panel)
    assert losses == [13.5, 3.5, 1.0, 0.375]
    assert weights == [2.0, 1.0, 1.5, 1.25]
    assert panel.document.graph.weights("line")["weight"][0, 0] == 1.25
    go(panel, "update", "line")
    assert "w₁ ← w₁ − η·∂L/∂w₁ = 1.25 − 0.1×" in panel.formula.text()
    panel.shutdown()


def test_canvas_overlay_follows_the_stage(xor, qtbot):
    scene = xor.scene
    go(xor, "forward", "hidden")
    overlay = xor.overlay
    assert overlay.glow.parentItem() is scene.layer_items["hidden"]
    assert [edge.key for _, edge in overlay.flows] == [("input", "hidden")]
    assert overlay.is_animating
    offset = overlay.flows[0][0].pen().dashOffset()
    qtbot.waitUntil(lambda: overlay.flows[0][0].pen().dashOffset() != offset, timeout=2000)
    go(xor, "backward", "hidden")
    assert [edge.key for _, edge in overlay.flows] == [("hidden", "prob")]
    assert overlay.flows[0][0].pen().color().name() != "#1a73e8"  # backward has its own colour
    xor.hide()
    assert overlay.glow is None and not overlay.flows
    assert not [i for i in scene.items() if i.data(0) in ("inspector_glow", "inspector_flow")]


def test_invalid_network_shows_the_message(xor, qtbot):
    xor.document.disconnect("hidden", "prob")
    wait_for_trace(qtbot, xor)
    assert "cannot be stepped through" in xor.status.text()
    assert "leads nowhere" in xor.status.text()
    assert not xor.apply_button.isEnabled() and not xor.buttons["step"].isEnabled()
    assert xor.overlay.glow is None
    xor.document.undo_stack.undo()
    wait_for_trace(qtbot, xor)
    assert xor.stages and xor.status.isHidden()


def test_copy_gives_full_precision(xor):
    go(xor, "forward", "hidden")
    table = xor.tensor_views["output"].table
    table.selectAll()
    text = table.copy_selection()
    values = [float(v) for v in text.split("\t")]
    assert values == [xor.tensor_views["output"].model.value(0, c) for c in range(4)]
    assert QGuiApplication.clipboard().text() == text


def test_images_are_drawn_as_pictures(qtbot):
    images = np.random.default_rng(0).normal(size=(2, 3, 6, 6))
    view = TensorView(TensorSpec("output", "a", images, True, True), [5, 9])
    qtbot.addWidget(view)
    assert view.pictures is not None and view.pictures.layout().count() == 3
    assert "sample #5 shown (first of 2)" in view.note.text()
    big = TensorView(TensorSpec("param:weight", "W", np.ones((64, 128)), False, False, True), [])
    qtbot.addWidget(big)
    assert big.model is None and big.pictures is not None and "min 1" in big.note.text()


def test_install_docks_the_panel_in_the_main_window(qtbot, make_window):
    """Docked in the real window: keys reach the panel and Ctrl+C copies full precision (no
    window-wide shortcut steals them)."""
    window = make_window()
    panel = install(window)
    assert window.docks["Inspector"].widget() is panel and panel.scene is window.scene
    qtbot.wait(50)  # let the dock layout settle before switching tabs
    window.docks["Properties"].raise_()
    qtbot.waitUntil(lambda: not panel.is_shown())  # a hidden tab: no tracing, no canvas overlay
    window.docks["Inspector"].raise_()
    qtbot.waitUntil(panel.is_shown)
    assert window.file_actions.open_path(str(EXAMPLES / "xor.json"), ask=False)
    wait_for_trace(qtbot, panel)
    window.activateWindow()
    panel.buttons["step"].setFocus()
    qtbot.keyClick(panel.buttons["step"], Qt.Key.Key_Right)
    assert panel.current_stage.node == "hidden"
    assert panel.overlay.glow.parentItem() is window.scene.layer_items["hidden"]
    table = panel.tensor_views["output"].table
    table.setFocus()
    table.selectAll()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    model = panel.tensor_views["output"].model
    assert QGuiApplication.clipboard().text() == "\t".join(repr(model.value(0, c))
                                                            for c in range(4))
    window.docks["Properties"].raise_()  # the inspector's tab hidden: its highlight goes too
    qtbot.waitUntil(lambda: panel.overlay.glow is None)
    panel.shutdown()
    QApplication.processEvents()


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_example_renders_every_stage(qtbot, name):
    """Current batch, values shown then hidden: no stage of any lesson fails to render."""
    from core.inspection.tracing import TraceRequest, compute_trace, snapshot
    network = load_network(EXAMPLES / name)
    panel = InspectorPanel(Document(network))
    qtbot.addWidget(panel)
    result = compute_trace(TraceRequest(panel.runner.latest_id, snapshot(network), EXAMPLES, None))
    panel._on_trace(result)  # synchronously: the worker path is covered above
    assert result.ok, result.error
    for hidden in (False, True):
        panel.answer_box.hide_check.setChecked(hidden)
        for index in range(len(panel.stages)):
            panel.go_to(index)
            assert panel.stage_title.text() and panel.tensor_views
            if hidden and panel.current_stage.phase == "forward" and "output" in panel.tensor_views \
                    and panel.tensor_views["output"].spec.result:
                assert panel.tensor_views["output"].pictures is None or \
                    panel.tensor_views["output"].pictures.isHidden()
    panel.shutdown()


def test_applied_adam_steps_continue_the_optimizer_like_training(qtbot):
    """Two Apply steps with Adam equal two steps of one Adam on the same batch (moments kept);
    any other edit starts the optimizer afresh."""
    import torch

    from core.compiler import extract_weights
    from core.inspection import trace_step
    from core.run_setup import prepare_run
    from core.training import Trainer
    panel = open_panel(qtbot, "xor.json", sample=None)
    document = panel.document
    network = load_network(EXAMPLES / "xor.json")
    run = prepare_run(network)
    rows = Trainer(run.model, run.dataset, network.training, run.loss).first_batch_rows()
    optimizer = torch.optim.Adam(run.model.parameters(), lr=network.training.learning_rate)
    for _ in range(2):
        trace_step(run.model, run.dataset.x_train[rows], run.dataset.y_train[rows], run.loss,
                   network.training, optimizer=optimizer)
        assert panel.apply_step()
        wait_for_trace(qtbot, panel)
    assert panel.result.continued
    expected = extract_weights(run.model)
    for node in ("hidden", "prob"):
        np.testing.assert_allclose(document.graph.weights(node)["weight"],
                                   expected[node]["weight"], rtol=1e-6)
    document.set_param("hidden", "activation", "relu")
    wait_for_trace(qtbot, panel)
    assert not panel.result.continued
    panel.shutdown()
