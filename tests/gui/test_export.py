"""File ▸ Export…: canvas PNG and SVG, plots PNG, training history CSV (after a real XOR run)."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.export_history import COLUMNS, HistoryRecorder, history_csv_text
from core.fileformat import load_network
from core.network import Network
from gui import export, training
from gui.training import warmup
from tests.gui.gui_helpers import load, xor_network

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
RUN_TIMEOUT = 30_000  # ms: the first run of a process may import torch
EPOCHS = 12


def assert_png(path: Path) -> QImage:
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    image = QImage(str(path))
    assert not image.isNull()
    return image


def trained_xor_window(window, qtbot):
    """The XOR lesson, trained for EPOCHS epochs in the real training panel."""
    warmup.warm_up()
    panel = training.install(window)
    network = load_network(EXAMPLES / "xor.json")
    load(window, network, None)
    window.document.set_training(window.document.network.training.with_changes(epochs=EPOCHS))
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT):
        panel.train()
    return panel


# ----- the canvas ------------------------------------------------------------------------------
def test_canvas_png_is_a_valid_image_of_the_layers(window, tmp_path):
    load(window, xor_network())
    window.scene.select_layers(["h"])
    path = tmp_path / "net.png"
    size = export.export_canvas_png(window.scene, path)
    image = assert_png(path)
    assert (image.width(), image.height()) == (size.width(), size.height())
    rect = window.scene.layers_rect()
    assert image.width() > rect.width()  # drawn at 2 px per scene unit, with a margin
    assert window.scene.selected_layer_ids() == ["h"]  # the selection is back afterwards
    corner = image.pixelColor(2, 2)
    assert (corner.red(), corner.green(), corner.blue()) == (255, 255, 255)  # plain background


def test_canvas_svg_parses_as_xml_with_drawing_elements(window, tmp_path):
    load(window, xor_network())
    path = tmp_path / "net.svg"
    export.export_canvas_svg(window.scene, path)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert {"g", "path", "text"} <= tags or {"g", "rect", "text"} <= tags
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "Dense" in texts and "Output" in texts  # the cards' text stays text, not pixels


def test_an_empty_canvas_is_refused_with_a_reason(window, tmp_path):
    window.document.replace_network(Network(), None)
    with pytest.raises(export.ExportError, match="nothing on the canvas"):
        export.export_canvas_png(window.scene, tmp_path / "empty.png")
    assert not (tmp_path / "empty.png").exists()


def test_export_dialog_chooses_the_kind_by_its_filter_and_adds_the_suffix(window, tmp_path,
                                                                          monkeypatch):
    load(window, xor_network())
    svg_filter = next(k.filter for k in export.KINDS if k.name == "canvas_svg")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "drawing"), svg_filter)))
    window.action("export").trigger()
    ET.parse(tmp_path / "drawing.svg")


def test_export_without_training_panel_explains_why(window, tmp_path, monkeypatch):
    load(window, xor_network())
    csv_filter = next(k.filter for k in export.KINDS if k.name == "history_csv")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "h.csv"), csv_filter)))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: warnings.append(a[2])))
    assert export.choose_and_export(window) is None
    assert warnings and "training panel" in warnings[0]


# ----- after a real XOR run --------------------------------------------------------------------
def test_history_csv_and_plots_png_after_a_short_xor_run(window, qtbot, tmp_path):
    panel = trained_xor_window(window, qtbot)
    csv_path = tmp_path / "history.csv"
    message = export.export_to(window, "history_csv", csv_path)
    assert f"{EPOCHS} epochs" in message
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0][:6] == ["run", "epoch", "train_loss", "val_loss", "train_accuracy",
                           "val_accuracy"]
    body = rows[1:]
    assert len(body) == EPOCHS  # one row per epoch
    assert [int(r[1]) for r in body] == list(range(1, EPOCHS + 1))
    assert all(float(r[2]) >= 0 and 0 <= float(r[4]) <= 1 for r in body)
    assert all(r[3] == "" for r in body)  # XOR has no validation set: empty cells, not 0

    plots_path = tmp_path / "plots.png"
    export.export_to(window, "plots_png", plots_path)
    image = assert_png(plots_path)
    assert image.width() >= 2 * export.PLOT_SIZE[0] - 2  # loss and accuracy side by side
    assert panel.epoch_history()[0].rows[-1]["epoch"] == EPOCHS


def test_a_continued_run_adds_rows_on_the_cumulative_epoch_axis(window, qtbot, tmp_path):
    panel = trained_xor_window(window, qtbot)
    with qtbot.waitSignal(panel.training_finished, timeout=RUN_TIMEOUT):
        panel.train()  # Continue from the trained weights
    path = tmp_path / "two_runs.csv"
    export.export_history_csv(panel, path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    runs = sorted({r["run"] for r in rows})
    assert len(runs) == 2 and len(rows) == 2 * EPOCHS
    second = [int(r["epoch"]) for r in rows if r["run"] == runs[1]]
    assert second[0] == EPOCHS + 1


def test_opening_another_network_forgets_the_history(window, qtbot):
    panel = trained_xor_window(window, qtbot)
    load(window, xor_network())
    assert panel.epoch_history() == []


# ----- the Qt-free writer ----------------------------------------------------------------------
def test_history_writer_keeps_full_precision_and_blanks_missing_values():
    recorder = HistoryRecorder(keep=2)
    for number in (1, 2, 3):
        recorder.begin_run(number, f"run {number}: sgd lr 0.1 bs full")
        recorder.add_epochs([SimpleNamespace(epoch=1, train_loss=0.1 + number, val_loss=None,
                                             train_accuracy=None, val_accuracy=None)])
    text = history_csv_text(recorder.history())
    lines = text.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1:] == ["2,1,2.1,,,,run 2: sgd lr 0.1 bs full",
                         "3,1,3.1,,,,run 3: sgd lr 0.1 bs full"]  # only the last `keep` runs
