"""The properties panel: typed editors, refused values, rename, weights table, network page."""

from __future__ import annotations

import numpy as np

from gui_helpers import load, network, xor_network


def select(window, layer_id):
    window.scene.select_layers([layer_id])
    assert window.properties.layer_id == layer_id
    return window.properties.layer_page


def test_spin_box_edit_is_one_undoable_command(window):
    load(window, xor_network())
    page = select(window, "h")
    graph, stack = window.document.graph, window.document.undo_stack
    spin = page.editors["units"].widget
    assert spin.value() == 2 and spin.minimum() == 1 and spin.maximum() == 4096
    count = stack.count()
    spin.setValue(7)
    assert graph.params("h")["units"] == 7 and stack.count() == count + 1
    stack.undo()
    assert graph.params("h")["units"] == 2 and spin.value() == 2  # the editor follows the model
    stack.redo()
    assert graph.params("h")["units"] == 7 and spin.value() == 7


def test_spin_box_has_no_keyboard_tracking(window):
    load(window, xor_network())
    spin = select(window, "h").editors["units"].widget
    assert not spin.keyboardTracking()  # typing "128" is one edit, not three


def test_choice_and_bool_editors(window):
    load(window, xor_network())
    page = select(window, "h")
    graph = window.document.graph
    page.editors["activation"].widget.setCurrentText("relu")
    page.editors["bias"].widget.setChecked(False)
    assert graph.params("h")["activation"] == "relu" and graph.params("h")["bias"] is False
    window.document.undo_stack.undo()
    assert graph.params("h")["bias"] is True
    assert page.editors["bias"].widget.isChecked()


def test_float_editor_range_and_decimals(window):
    load(window, network([("d", "Dropout", {"p": 0.5}, (0, 0))]))
    box = select(window, "d").editors["p"].widget
    assert box.maximum() == 0.99 and box.decimals() == 3
    box.setValue(0.25)
    assert window.document.graph.params("d")["p"] == 0.25


def test_shape_editor_refuses_invalid_values_with_message(window):
    load(window, xor_network())
    page = select(window, "x")
    graph, stack = window.document.graph, window.document.undo_stack
    edit, error = page.editors["shape"].widget, page.editors["shape"].error_label
    assert edit.text() == "2"
    count = stack.count()
    edit.setText("1x0x3")
    edit.editingFinished.emit()
    assert graph.params("x")["shape"] == (2,) and stack.count() == count
    assert not error.isHidden() and "at least 1" in error.text()
    edit.setText("1x8x8")
    edit.editingFinished.emit()
    assert graph.params("x")["shape"] == (1, 8, 8) and error.isHidden()


def test_rename_in_id_field(window):
    load(window, xor_network())
    page = select(window, "h")
    page.id_edit.setText("hidden")
    page.id_edit.editingFinished.emit()
    assert window.document.graph.has_layer("hidden")
    assert window.properties.layer_id == "hidden"
    page.id_edit.setText("bad id!")
    page.id_edit.editingFinished.emit()
    assert not page.id_error.isHidden() and "not a valid layer id" in page.id_error.text()
    assert window.document.graph.has_layer("hidden")


def test_weights_table_edit_is_undoable(window):
    load(window, xor_network())
    page = select(window, "h")
    graph, stack = window.document.graph, window.document.undo_stack
    table = page.weights.table
    assert (table.rowCount(), table.columnCount()) == (3, 2)  # 2 inputs + bias, 2 units
    assert table.item(0, 0).text() == ""
    table.item(1, 0).setText("0.5")
    weights = graph.weights("h")
    assert weights["weight"].tolist() == [[0.0, 0.0], [0.5, 0.0]]
    assert weights["bias"].tolist() == [0.0, 0.0]
    table.item(2, 1).setText("-1.25")  # the bias row
    assert graph.weights("h")["bias"].tolist() == [0.0, -1.25]
    stack.undo()
    assert graph.weights("h")["bias"].tolist() == [0.0, 0.0] and table.item(2, 1).text() == "0"
    stack.undo()
    assert graph.weights("h") == {} and table.item(1, 0).text() == ""
    stack.redo()
    assert graph.weights("h")["weight"][1, 0] == 0.5 and table.item(1, 0).text() == "0.5"


def test_weights_table_refuses_text_and_reset_clears(window, qtbot):
    load(window, xor_network())
    page = select(window, "h")
    graph = window.document.graph
    page.weights.table.item(0, 0).setText("2")
    page.weights.table.item(0, 1).setText("abc")
    assert graph.weights("h")["weight"][0, 1] == 0.0
    assert "not a number" in page.weights.note.text()
    qtbot.waitUntil(lambda: page.weights.table.item(0, 1).text() == "0")
    page.weights.reset_button.click()
    assert graph.weights("h") == {}
    window.document.undo_stack.undo()
    assert graph.weights("h")["weight"][0, 0] == 2.0


def test_weights_table_follows_input_size(window, qtbot):
    load(window, xor_network())
    page = select(window, "h")
    window.document.set_param("x", "shape", (3,))
    window.document.validate_now()
    assert page.weights.table.rowCount() == 4


def test_weights_table_needs_a_connected_input(window):
    load(window, network([("d", "Dense", {"units": 3}, (0, 0))]))
    page = select(window, "d")
    assert page.weights.table.isHidden() and "Connect" in page.weights.note.text()


def test_network_page_when_nothing_selected(window, qtbot):
    net = xor_network()
    net.description = "Learns XOR."
    load(window, net)
    window.scene.clearSelection()
    page = window.properties.network_page
    assert window.properties.stack.currentWidget() is page
    assert page.name_edit.text() == "XOR" and page.description_edit.toPlainText() == "Learns XOR."
    page.name_edit.setText("My XOR")
    page.name_edit.editingFinished.emit()
    assert window.document.network.name == "My XOR"
    page.description_edit.setPlainText("Two inputs")
    qtbot.waitUntil(lambda: window.document.network.description == "Two inputs")
    window.document.undo_stack.undo()
    assert window.document.network.description == "Learns XOR."


def test_param_edit_marks_window_modified(window):
    load(window, xor_network())
    assert not window.isWindowModified()
    select(window, "y").editors["units"].widget.setValue(3)
    assert window.isWindowModified() and window.windowTitle().endswith("— NeuroCanvas")
    window.document.undo_stack.undo()
    assert not window.isWindowModified()


def test_hand_set_weights_of_wrong_shape_are_a_problem(window):
    load(window, xor_network())
    window.document.set_weights("h", {"weight": np.zeros((3, 2))})
    report = window.document.validate_now()
    assert any("retype the weights" in p.message for p in report.problems_for("h"))
