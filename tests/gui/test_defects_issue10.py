"""Issue 10, "Defects found in use": each test reproduces one defect as the user met it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from tests.gui.test_inspector import go, open_panel


def ink_rows(image: QImage) -> list[int]:
    """Rows of the picture where something darker than the background is drawn."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(height, width, 4)
    gray = pixels[..., :3].mean(axis=2)
    background = np.median(gray)
    return [int(r) for r in np.nonzero((background - gray > 60).any(axis=1))[0]]


def line_bands(rows: list[int], gap: int = 3) -> list[tuple[int, int]]:
    """Runs of inked rows; a hat a pixel or two above its letter belongs to the letter's run."""
    bands: list[list[int]] = []
    for r in rows:
        if bands and r - bands[-1][1] <= gap:
            bands[-1][1] = r
        else:
            bands.append([r, r])
    return [tuple(b) for b in bands]


# ----- defect 8: "m̂ = g and v̂ = g²" with the hats on the line above -------------------------
def test_adam_update_text_draws_its_hats_on_their_letters(qtbot):
    """The labels that show the Adam text draw "m̂" as an m with its hat just above it: one band
    of ink, taller than the m alone. A hat lifted a line up is clipped away or floats apart."""
    panel = open_panel(qtbot, "xor.json")
    try:
        go(panel, "update", "hidden")
        assert "m̂" in panel.explanation.text()
        for label in (panel.explanation, panel.formula):
            label.setText("m")
            label.setFixedSize(label.sizeHint())
            plain = ink_rows(label.grab().toImage())
            label.setText("m̂")
            hatted = ink_rows(label.grab().toImage())
            assert len(line_bands(hatted)) == 1, (label.objectName(), line_bands(hatted))
            assert set(plain) < set(hatted) and min(hatted) < min(plain), label.objectName()
    finally:
        panel.shutdown()


# ----- defect 6: Check my answer ---------------------------------------------------------------
def wrong_answer_on_backward_hidden(qtbot, height: int = 640):
    panel = open_panel(qtbot, "xor.json")
    panel.resize(480, height)
    go(panel, "backward", "hidden")
    box = panel.answer_box
    box.answer_edit.setText("0.3")
    assert not box.check_answer().correct
    qtbot.wait(20)  # the layout settles
    return panel, box


def test_answer_feedback_is_shown_whole_without_scrolling(qtbot):
    """A dock 640 px tall (a 1280×720 screen): the verdict and its hint are on screen, whole."""
    panel, box = wrong_answer_on_backward_hidden(qtbot)
    try:
        label = box.verdict_label
        assert "Not quite" in label.text()
        needed = label.heightForWidth(label.width())
        visible = label.visibleRegion().boundingRect()
        assert visible.height() >= needed and visible.width() == label.width(), (visible, needed)
        top = label.mapTo(panel, label.rect().topLeft()).y()
        assert 0 <= top and top + needed <= panel.height()
    finally:
        panel.shutdown()


def test_the_wheel_over_an_unfocused_answer_box_changes_nothing(qtbot):
    """Scrolling past the answer box must not pick another quantity behind the user's back."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    panel, box = wrong_answer_on_backward_hidden(qtbot)
    try:
        combo = box.quantity_combo
        assert combo.count() > 1 and not combo.hasFocus()
        assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
        before = combo.currentIndex()
        for delta in (-120, 120, -120):
            centre = QPointF(combo.rect().center())
            event = QWheelEvent(centre, QPointF(combo.mapToGlobal(centre.toPoint())), QPoint(),
                                QPoint(0, delta), Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
            QApplication.sendEvent(combo, event)
        assert combo.currentIndex() == before
        spins = [panel.sample_spin, panel.neuron_spin]
        assert all(s.focusPolicy() == Qt.FocusPolicy.StrongFocus for s in spins)
    finally:
        panel.shutdown()


def test_the_typed_answer_is_cleared_on_another_step_and_another_document(qtbot):
    from core.fileformat import load_network
    from tests.gui.test_inspector import EXAMPLES, wait_for_trace

    panel, box = wrong_answer_on_backward_hidden(qtbot)
    try:
        panel.step()
        assert box.answer_edit.text() == "" and box.verdict_label.text() == ""
        panel.step_back()
        box.answer_edit.setText("0.25")
        panel.document.replace_network(load_network(EXAMPLES / "spiral.json"), None)
        wait_for_trace(qtbot, panel)
        assert box.answer_edit.text() == ""
    finally:
        panel.shutdown()


# ----- defect 4: the Settings tab scrolls sideways after Tab ----------------------------------
def squeezed_settings(qtbot):
    """The training panel with its Data/Settings tabs at their narrowest, Settings shown."""
    from core.network import Network
    from gui.document import Document
    from gui.training.panel import TrainingPanel

    panel = TrainingPanel(Document(Network(), None))
    qtbot.addWidget(panel)
    panel.resize(900, 420)
    panel.show()
    qtbot.waitExposed(panel)
    panel.left_tabs.setCurrentIndex(1)
    panel.splitter.setSizes([0, 900])  # the tabs keep only their minimum width
    qtbot.wait(10)
    return panel, panel.left_tabs.currentWidget()


def test_settings_never_scroll_sideways_and_keep_their_labels_whole(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLabel

    from core.settings import OPTIMIZERS, SCHEDULES

    panel, area = squeezed_settings(qtbot)
    box = panel.settings_box
    for optimizer in OPTIMIZERS:
        for schedule in SCHEDULES:
            box.commit("optimizer", optimizer)
            box.commit("schedule", schedule)
            qtbot.wait(1)
            where = (optimizer, schedule)
            assert box.width() <= area.viewport().width(), where
            assert area.horizontalScrollBar().maximum() == 0, where
            for label in box.findChildren(QLabel):
                if label.isVisibleTo(box) and label.text() and not label.wordWrap():
                    assert label.width() >= label.sizeHint().width(), (where, label.text())
    box.commit("optimizer", "sgd")
    box.widgets["learning_rate"].setFocus()
    for _ in range(12):  # Tab through the whole form, as the user did
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert area.horizontalScrollBar().value() == 0


# ----- defect 10: every card shows "→ ?" while the graph is incomplete -------------------------
def test_cards_of_a_half_drawn_network_show_their_shapes(window):
    """Input → Dense drawn, the Output still alone: the Input and the Dense show their shapes;
    the Output, which receives nothing yet, shows '?'."""
    from tests.gui.gui_helpers import load, network

    net = network([("x", "Input", {"shape": (2,)}, (0, 0)),
                   ("h", "Dense", {"units": 3, "activation": "tanh", "bias": True}, (230, 0)),
                   ("out", "Output", {"loss": "mse"}, (460, 0))], [("x", "h")])
    load(window, net)
    cards = window.scene.layer_items
    assert cards["x"].shape_label == "→ 2"
    assert cards["h"].shape_label == "→ 3"
    assert cards["out"].shape_label == "→ ?"
    window.document.connect("h", "out")
    assert cards["out"].shape_label == "→ 3"


# ----- defect 7: a flattened 1×288 vector drawn as a row of dashes -----------------------------
def test_a_long_vector_is_wrapped_into_cells_that_name_their_values(qtbot):
    from PySide6.QtCore import QPoint

    from core.inspection.stages import TensorSpec
    from gui.inspector.tensor_view import TensorView

    values = np.random.default_rng(3).normal(size=(1, 288))
    view = TensorView(TensorSpec("output", "a", values, True, True), [0])
    qtbot.addWidget(view)
    view.show()
    assert view.pictures is not None
    picture = view.pictures.findChildren(type(view.heat_maps[0]))[0]
    rows, per_row = picture.plane.shape
    assert rows >= 4 and rows * per_row >= 288  # wrapped, not one line
    cell_w, cell_h = picture.width() / per_row, picture.height() / rows
    assert cell_w >= 8 and cell_h >= 8, (cell_w, cell_h)  # cells big enough to point at
    k = per_row + 5  # the 6th cell of the second row is value number per_row + 6
    centre = QPoint(int((5 + 0.5) * cell_w), int(1.5 * cell_h))
    assert picture.value_text_at(centre) == f"value {k + 1} of 288: {float(values[0, k])!r}"
    assert f"288 values, {per_row} per row" in view.note.text()


# ----- defect 13: French number fields mix "0,000" and "0.05" ----------------------------------
@pytest.fixture
def locale_of():
    """``locale_of(QLocale.Language.French)`` makes it the default for the widgets built next."""
    from PySide6.QtCore import QLocale

    before = QLocale()

    def use(language, country):
        QLocale.setDefault(QLocale(language, country))
    yield use
    QLocale.setDefault(before)


def type_into(qtbot, box, text: str) -> None:
    from PySide6.QtCore import Qt

    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


@pytest.mark.parametrize("language, point", [("French", ","), ("English", ".")])
def test_number_fields_follow_the_locale_and_take_both_separators(qtbot, locale_of, language,
                                                                  point):
    import json

    from PySide6.QtCore import QLocale

    from core.network import Network
    from gui.document import Document
    from gui.training.settings_box import SettingsBox

    country = QLocale.Country.France if language == "French" else QLocale.Country.UnitedStates
    locale_of(getattr(QLocale.Language, language), country)
    document = Document(Network(), None)
    box = SettingsBox(document)
    qtbot.addWidget(box)
    box.show()
    document.set_training(document.network.training.with_changes(optimizer="sgd",
                                                                 learning_rate=0.05))
    other = "." if point == "," else ","
    rate, momentum, l2 = (box.widgets[n] for n in ("learning_rate", "momentum", "l2"))
    assert rate.currentText() == f"0{point}05"
    assert all(rate.itemText(i).count(other) == 0 for i in range(rate.count()))
    assert momentum.text() == f"0{point}000" and l2.text() == f"0{point}00000"
    for typed, value in ((f"0{other}5", 0.5), (f"0{point}25", 0.25)):
        type_into(qtbot, momentum, typed)
        assert document.network.training.momentum == value
        assert momentum.text() == f"{value:.3f}".replace(".", point)
    rate.lineEdit().setText(f"0{other}003")
    rate.lineEdit().editingFinished.emit()
    assert document.network.training.learning_rate == 0.003
    assert rate.currentText() == f"0{point}003"
    stored = json.loads(json.dumps(document.network.training.to_dict()))
    assert stored["momentum"] == 0.25 and stored["learning_rate"] == 0.003  # JSON numbers


def test_the_inspector_writes_numbers_the_french_way_and_reads_both(qtbot, locale_of):
    from PySide6.QtCore import QLocale

    locale_of(QLocale.Language.French, QLocale.Country.France)
    panel = open_panel(qtbot, "xor.json", sample=2)
    try:
        go(panel, "forward", "prob")
        model = panel.tensor_views["output"].model
        shown = model.data(model.index(0, 0))
        assert "," in shown and "." not in shown
        assert "." not in panel.formula.text().replace("...", "")
        assert "η = 0,05" in panel.loss_label.text()
        box = panel.answer_box
        box.answer_edit.setText("0")
        right = box.check_answer().right
        for text in (f"{right:.5f}", f"{right:.5f}".replace(".", ",")):
            box.answer_edit.setText(text)
            assert box.check_answer().correct, text
        box.answer_edit.setText("0.1")
        box.check_answer()
        assert "(you wrote 0,1)" in box.verdict_label.text()
    finally:
        panel.shutdown()


# ----- defect 14: layer names refuse spaces and accents ----------------------------------------
def test_a_layer_takes_a_free_display_name_shown_on_its_card_and_undoable(window, qtbot,
                                                                          tmp_path):
    from PySide6.QtCore import Qt

    from core.fileformat import load_network, save_network
    from tests.gui.gui_helpers import load, xor_network

    load(window, xor_network())
    window.scene.select_layers(["h"])
    page = window.properties.layer_page
    edit, card = page.label_edit, window.scene.layer_items["h"]
    graph, stack = window.document.graph, window.document.undo_stack
    name = "Couche cachée n°1"
    edit.setFocus()
    edit.setText(name)  # QTest types ASCII only: the accents are pasted in, Enter is pressed
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert graph.label("h") == name and "h" in graph.layer_ids()  # the id stays a module name
    texts = [text for _, _, text in card._lines()]
    assert texts[1:3] == [name, "id h"]  # the name in the id's place, the id under it
    assert card.size()[0] >= card_text_width(card, name)  # never clipped
    stack.undo()
    assert graph.label("h") == "" and edit.text() == ""
    assert [text for _, _, text in card._lines()][1] == "h"
    stack.redo()
    assert graph.label("h") == name and edit.text() == name
    window.document.remove(["h"])
    stack.undo()  # a deleted layer comes back with its name
    assert graph.label("h") == name
    path = tmp_path / "named.json"
    save_network(window.document.network, path)
    assert load_network(path).graph.label("h") == name
    window.scene.select_layers(["h"])
    edit.setText("tab\there")
    edit.editingFinished.emit()
    assert graph.label("h") == name and page.label_error.isVisible()


def card_text_width(card, text: str) -> float:
    from PySide6.QtGui import QFontMetricsF

    from gui.canvas import card_layout
    return QFontMetricsF(card_layout.ID_FONT).horizontalAdvance(text)


def test_naming_a_layer_during_a_run_lets_the_run_go_on(qtbot):
    """A display name changes nothing a run uses: the run is not stopped for it."""
    from tests.gui.test_edits_during_training import start_digits_run

    document, panel = start_digits_run(qtbot)
    try:
        document.set_label("hidden_2", "Deuxième couche")
        assert panel.session.active
        with qtbot.waitSignal(panel.session.training_finished, timeout=60000) as finished:
            panel.session.stop()
        assert document.graph.label("hidden_2") == "Deuxième couche"
        # stopped by the user, not "training stopped for your edit"
        assert "edit" not in str(getattr(finished.args[0], "message", "")).lower()
    finally:
        panel.shutdown()


def test_the_wheel_over_an_unfocused_settings_field_scrolls_instead_of_editing(qtbot):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    panel, area = squeezed_settings(qtbot)
    box = panel.settings_box
    box.commit("optimizer", "sgd")
    spin = box.widgets["epochs"]
    assert not spin.hasFocus()
    before = panel.document.network.training.epochs
    centre = QPointF(spin.rect().center())
    event = QWheelEvent(centre, QPointF(spin.mapToGlobal(centre.toPoint())), QPoint(),
                        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(spin, event)
    assert panel.document.network.training.epochs == before


def test_the_weights_table_writes_the_french_decimal_comma(make_window, locale_of):
    from PySide6.QtCore import QLocale

    from tests.gui.gui_helpers import load, xor_network

    locale_of(QLocale.Language.French, QLocale.Country.France)
    window = make_window()
    load(window, xor_network())
    window.document.set_weights("h", {"weight": np.full((2, 2), 0.5), "bias": np.zeros(2)})
    window.scene.select_layers(["h"])
    table = window.properties.layer_page.weights.table
    assert table.item(0, 0).text() == "0,5"
    table.item(1, 1).setText("0.25")  # typed with a point: read all the same
    assert window.document.graph.weights("h")["weight"][1, 1] == 0.25
