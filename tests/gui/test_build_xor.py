"""The acceptance test of the editor: build the XOR network from an empty canvas through the GUI
only (palette drops, port drags, properties widgets), save it, and train it with the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication, QFileDialog

from core.settings import DatasetSpec, TrainingSettings
from gui_helpers import drag_connect, drop_from_palette

ROOT = Path(__file__).resolve().parents[2]


def visible_point(window, fx: float, fy: float) -> QPointF:
    rect = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    return QPointF(rect.left() + fx * rect.width(), rect.top() + fy * rect.height())


def select(window, layer_id):
    window.scene.select_layers([layer_id])
    return window.properties.layer_page.editors


def build_xor_through_the_gui(window) -> None:
    window.action("new").trigger()
    QApplication.processEvents()
    window.view.fit_to_view()
    drop_from_palette(window, "Dense", visible_point(window, 0.33, 0.78))
    drop_from_palette(window, "Dense", visible_point(window, 0.66, 0.78))
    for source, target in (("input_1", "dense_1"), ("dense_1", "dense_2"),
                           ("dense_2", "output_1")):
        drag_connect(window, source, target)
    shape = select(window, "input_1")["shape"].widget
    shape.setText("2")
    shape.editingFinished.emit()
    editors = select(window, "dense_1")
    editors["units"].widget.setValue(4)
    editors["activation"].widget.setCurrentText("tanh")
    editors = select(window, "dense_2")
    editors["units"].widget.setValue(1)
    editors["activation"].widget.setCurrentText("sigmoid")
    select(window, "output_1")["loss"].widget.setCurrentText("bce")
    window.document.set_dataset(DatasetSpec(source="builtin", name="xor"))
    window.document.set_training(TrainingSettings(optimizer="adam", learning_rate=0.05,
                                                  batch_size=0, epochs=300, seed=0))


def test_build_xor_from_empty_canvas_and_train_it(window, monkeypatch, tmp_path):
    build_xor_through_the_gui(window)
    graph = window.document.graph
    assert graph.connections() == [("input_1", "dense_1"), ("dense_1", "dense_2"),
                                   ("dense_2", "output_1")]
    report = window.document.validate_now()
    assert report.is_valid and report.summary() == "Valid — 17 parameters"
    assert "Valid — 17 parameters" in window.validation_label.text()
    path = tmp_path / "xor_gui.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    window.action("save").trigger()
    assert path.is_file() and not window.document.is_modified
    result = subprocess.run([sys.executable, "main.py", "train", str(path), "--json", "--seed", "0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    final = json.loads(result.stdout.strip().splitlines()[-1])
    assert final["train_accuracy"] == 1.0
