"""Helpers that drive the editor the way a user does: real drop events and mouse drags; and
training panels on the example networks, trained the way a user does (Train, then wait)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.fileformat import load_network
from core.network import Network

if TYPE_CHECKING:
    from gui.document import Document
    from gui.training import TrainingPanel

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
RUN_TIMEOUT = 30_000  # ms: generous, the first run of a process may import torch

LEFT = Qt.MouseButton.LeftButton
NO_MOD = Qt.KeyboardModifier.NoModifier


def network(layers, edges=(), **fields) -> Network:
    """A Network from rows (id, type, params, pos)."""
    net = Network(**fields)
    for layer_id, layer_type, params, pos in layers:
        net.graph.add_layer(layer_id, layer_type, params, pos)
    for source, target in edges:
        net.graph.connect(source, target)
    return net


def xor_network() -> Network:
    return network([("x", "Input", {"shape": (2,)}, (0, 0)),
                    ("h", "Dense", {"units": 2, "activation": "tanh", "bias": True}, (230, 0)),
                    ("y", "Dense", {"units": 1, "activation": "sigmoid", "bias": True}, (460, 0)),
                    ("out", "Output", {"loss": "bce"}, (690, 0))],
                   [("x", "h"), ("h", "y"), ("y", "out")], name="XOR")


def load(window, net: Network, path: str | None = None) -> None:
    window.document.replace_network(net, path)
    window.view.resetTransform()
    window.view.centerOn(window.scene.layers_rect().center())
    QApplication.processEvents()


def drop_from_palette(window, type_name: str, scene_pos: QPointF) -> None:
    """Drop the palette's own mime data for ``type_name`` onto the canvas at ``scene_pos``."""
    tree = window.layer_palette.tree
    mime = tree.mimeData([tree.item_for(type_name)])
    assert send_drop(window.view.viewport(), mime, QPointF(window.view.mapFromScene(scene_pos)))


def send_drop(widget, mime, pos: QPointF) -> bool:
    """DragEnter, DragMove, Drop — the sequence Qt needs (a Drop only reaches the widget that
    accepted the DragEnter). True when all three were accepted."""
    action = Qt.DropAction.CopyAction
    accepted = []
    point = pos.toPoint()  # QDragEnterEvent/QDragMoveEvent take an integer QPoint
    for event in (QDragEnterEvent(point, action, mime, LEFT, NO_MOD),
                  QDragMoveEvent(point, action, mime, LEFT, NO_MOD),
                  QDropEvent(pos, action, mime, LEFT, NO_MOD)):
        QApplication.sendEvent(widget, event)
        accepted.append(event.isAccepted())
    return all(accepted)


def view_point(window, scene_point: QPointF) -> QPoint:
    return window.view.mapFromScene(scene_point)


def mouse_drag(window, start: QPoint, end: QPoint, steps: int = 4) -> None:
    viewport = window.view.viewport()
    QTest.mousePress(viewport, LEFT, NO_MOD, start)
    for i in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * (i / steps))
    QTest.mouseRelease(viewport, LEFT, NO_MOD, end)


def port_point(window, layer_id: str, kind: str) -> QPoint:
    item = window.scene.layer_items[layer_id]
    return view_point(window, item.port_scene_pos(kind))


def drag_connect(window, source: str, target: str) -> None:
    mouse_drag(window, port_point(window, source, "out"), port_point(window, target, "in"))


def close_windows(windows: list) -> None:
    """Teardown of the window factories: close each window without an unsaved-work question
    and leave its deletion to the event loop."""
    for window in windows:
        window.document.undo_stack.setClean()
        window.close()
        window.deleteLater()


def example_document(name: str, **training) -> Document:
    """A Document on ``assets/examples/<name>.json``, its training settings changed by
    ``training`` before the document exists (so no undo step)."""
    from gui.document import Document
    path = EXAMPLES / f"{name}.json"
    network = load_network(path)
    if training:
        network.training = network.training.with_changes(**training)
    return Document(network, str(path))


def show_training_panel(qtbot, document: Document) -> TrainingPanel:
    """A TrainingPanel on ``document``, 1100 x 420 and shown; the caller shuts it down (or lets
    the `make_training_panel` fixture do it)."""
    from gui.training import TrainingPanel
    panel = TrainingPanel(document)
    panel.resize(1100, 420)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def train_and_wait(qtbot, panel: TrainingPanel, timeout: int = RUN_TIMEOUT):
    """Press Train and wait for the run to end; what `training_finished` carried (the outcome)."""
    with qtbot.waitSignal(panel.training_finished, timeout=timeout) as blocker:
        panel.train()
    return blocker.args[0]
