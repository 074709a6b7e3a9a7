"""Image datasets answer in pictures (a gallery, mistakes first); neuron maps a class can read."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRectF

from core.fileformat import load_network
from core.network import Network
from core.samples import image_shape, pick_gallery
from core.settings import DatasetSpec
from gui.training import TrainingPanel
from gui.training.gallery import IDLE_TEXT, MIN_TILE, caption
from gui.training.messages import GalleryUpdate, RunEnded, RunRequest
from gui.training.worker import RunControl, TrainingJob
from tests.gui.gui_helpers import EXAMPLES, example_document

pytestmark = pytest.mark.usefixtures("warm_torch")


@pytest.fixture
def digits_panel(make_training_panel):
    return make_training_panel(example_document("digits_mlp", epochs=2))


# ----- which datasets are pictures ---------------------------------------------------------------
@pytest.mark.parametrize("shape, source, name, expected", [
    ((64,), "builtin", "digits", (8, 8)),  # the digits lesson: 64 numbers, 8 x 8 pictures
    ((1, 8, 8), "builtin", "digits_images", (8, 8)),
    ((1, 28, 28), "idx", "", (28, 28)),
    ((784,), "idx", "", (28, 28)),  # a flattened IDX file
    ((28, 28), "csv", "", (28, 28)),
    ((64,), "csv", "", None),  # 64 columns of a table are not a picture
    ((4,), "builtin", "iris", None),
    ((2,), "builtin", "xor", None),
    ((3, 8, 8), "idx", "", None),
])
def test_image_shape(shape, source, name, expected):
    assert image_shape(shape, source, name) == expected


def test_the_gallery_puts_every_mistake_first_in_dataset_order():
    true = np.array([0, 1, 2, 3, 4, 5])
    predicted = np.array([0, 2, 2, 1, 4, 0])
    assert pick_gallery(true, predicted, 10).tolist() == [1, 3, 5, 0, 2, 4]
    assert pick_gallery(true, predicted, 2).tolist() == [1, 3]


# ----- the digits lesson -------------------------------------------------------------------------
def test_before_training_the_output_tab_promises_answers_not_a_boundary(digits_panel):
    panel = digits_panel
    assert panel.gallery.isVisible() and not panel.boundary.isVisible()
    assert panel.gallery.title.text() == IDLE_TEXT
    assert "two inputs" not in panel.gallery.title.text()


def test_digits_show_samples_with_their_answers_mistakes_first(qtbot, digits_panel):
    panel = digits_panel
    with qtbot.waitSignal(panel.training_finished, timeout=60_000):
        panel.train()
    panel.refresh_views()
    assert panel.output_tabs.currentIndex() == 0  # Output, not Confusion
    assert panel.gallery.isVisible() and not panel.boundary.isVisible()
    update = panel.gallery.latest
    assert update.images.shape[1:] == (8, 8) and update.subset == "validation"
    wrong = update.true != update.predicted
    assert wrong.any(), "two epochs leave some digits wrong"
    first_right = int(np.argmin(wrong))
    assert wrong[:first_right].all() and not wrong[first_right:].any()  # mistakes first
    matrix = panel.confusion.latest.matrix  # the same subset and weights as the confusion matrix
    assert update.total == int(matrix.sum())
    assert update.mistakes == int(matrix.sum() - np.trace(matrix))
    assert f"{update.mistakes} wrong</span> of {update.total}" in panel.gallery.title.text()
    index = int(np.flatnonzero(wrong)[0])
    names = update.class_names
    assert caption(update, index) == \
        f"{names[update.true[index]]} → {names[update.predicted[index]]}"
    tiles = panel.gallery.tiles
    columns, rows, side = tiles.grid()
    assert side >= MIN_TILE and tiles.visible_count() >= 4  # legible, and several at this size
    rect = tiles.tile_rect(0)
    assert tiles.index_at(rect.center()) == 0
    assert tiles.index_at(QPoint(-5, -5)) is None
    image = tiles.grab().toImage()
    inside = rect.adjusted(4, 4, -4, -4)  # within the frame: the digit's own pixels
    ink = [image.pixelColor(x, y).lightness() < 100 for x in range(inside.left(), inside.right())
           for y in range(inside.top(), inside.bottom())]
    assert 0.05 < sum(ink) / len(ink) < 0.95  # a picture: some dark ink on white paper


def test_an_idx_dataset_answers_in_pictures_too(tmp_path):
    """The training job itself, driven in this thread: 4 x 4 IDX images, flattened."""
    from gui_helpers import network
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, size=(30, 4, 4), dtype=np.uint8)
    labels = (np.arange(30) % 3).astype(np.uint8)

    def header(a):
        return bytes([0, 0, 0x08, a.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in a.shape)

    (tmp_path / "img.idx").write_bytes(header(images) + images.tobytes())
    (tmp_path / "lab.idx").write_bytes(header(labels) + labels.tobytes())
    net: Network = network([("x", "Input", {"shape": (16,)}, (0, 0)),
                            ("d", "Dense", {"units": 3, "activation": "linear"}, (200, 0)),
                            ("out", "Output", {"loss": "cross_entropy"}, (400, 0))],
                           [("x", "d"), ("d", "out")])
    net.dataset = DatasetSpec("idx", "", {"images": "img.idx", "labels": "lab.idx",
                                          "flatten": True}, validation_split=0.2)
    net.training = replace(net.training.with_changes(epochs=1))
    messages = [m for batch in TrainingJob(RunRequest(1, net, tmp_path), RunControl()).messages()
                for m in batch or ()]
    prepared = messages[0]
    assert prepared.image_shape == (4, 4)
    galleries = [m for m in messages if isinstance(m, GalleryUpdate)]
    assert galleries and isinstance(messages[-1], RunEnded)
    last = galleries[-1]
    assert last.images.shape == (6, 4, 4) and last.total == 6  # the validation set
    assert 0.0 <= last.images.min() and last.images.max() <= 1.0  # the loader's 0..1 pixels
    low, high = last.levels  # one grey scale for every tile
    assert low <= last.images.min() and last.images.max() <= high


def test_a_two_input_dataset_keeps_its_decision_boundary(qtbot):
    panel = TrainingPanel(example_document("xor"))
    qtbot.addWidget(panel)
    panel.show()
    assert panel.boundary.isVisible() and not panel.gallery.isVisible()
    panel.shutdown()


# ----- neuron maps on the canvas -----------------------------------------------------------------
def test_neuron_maps_are_readable_and_stay_on_their_card(qtbot, window):
    from gui.canvas.overlays_training import TILE
    from gui.training import install
    panel = install(window)
    window.document.replace_network(load_network(EXAMPLES / "xor.json"), None)
    window.scene.set_neurons_everywhere(True)
    with qtbot.waitSignal(panel.training_finished, timeout=60_000):
        panel.train()
    panel.refresh_views()
    assert TILE >= 48
    cards = window.scene.layer_items
    tiles = {layer: tiles for layer, (_, tiles) in panel.overlay._tiles.items()}
    assert sorted(tiles) == ["hidden", "input", "prob"]
    for layer, items in tiles.items():
        rects = [tile.sceneBoundingRect() for tile in items]
        for rect in rects:
            assert rect.width() >= 48 and rect.height() >= 48  # at zoom 1
            assert cards[layer].sceneBoundingRect().contains(rect)  # on its own card
            others = [c for name, c in cards.items() if name != layer]
            assert not any(c.sceneBoundingRect().intersects(rect) for c in others)
        for a, b in zip(rects, rects[1:]):
            assert not QRectF(a).intersects(b)  # neighbouring neurons' maps never touch
    panel.shutdown()
