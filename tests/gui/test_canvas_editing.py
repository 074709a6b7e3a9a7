"""Editing on the canvas with real events: drops, port drags, moves, delete, clipboard, layout."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from gui.style import ERROR_COLOR

from gui_helpers import (drag_connect, drop_from_palette, load, mouse_drag, port_point,
                         view_point, xor_network, network)


def test_drop_dense_from_palette_then_undo_redo(window):
    load(window, xor_network())
    graph, stack = window.document.graph, window.document.undo_stack
    drop_from_palette(window, "Dense", QPointF(300, 250))
    assert "dense_1" in graph.layer_ids()
    assert graph.layer_type("dense_1") == "Dense"
    x, y = graph.position("dense_1")
    assert abs(x - (300 - 62)) <= 2 and abs(y - (250 - 40)) <= 2
    assert window.scene.selected_layer_ids() == ["dense_1"]
    assert "dense_1" in window.scene.layer_items
    stack.undo()
    assert not graph.has_layer("dense_1") and "dense_1" not in window.scene.layer_items
    stack.redo()
    assert graph.has_layer("dense_1") and "dense_1" in window.scene.layer_items


def test_palette_double_click_adds_at_view_centre(window):
    load(window, xor_network())
    tree = window.layer_palette.tree
    tree.itemDoubleClicked.emit(tree.item_for("ReLU"), 0)
    assert window.document.graph.has_layer("relu_1")


def test_connect_by_dragging_between_ports_then_undo_redo(window):
    load(window, network([("a", "Input", {"shape": (3,)}, (0, 0)),
                          ("b", "Dense", {"units": 2}, (260, 40))]))
    graph, stack = window.document.graph, window.document.undo_stack
    drag_connect(window, "a", "b")
    assert graph.connections() == [("a", "b")]
    assert ("a", "b") in window.scene.edge_items
    stack.undo()
    assert graph.connections() == [] and not window.scene.edge_items
    stack.redo()
    assert graph.connections() == [("a", "b")]


def test_drag_backwards_from_input_port_and_drop_on_card(window):
    load(window, network([("a", "Input", {"shape": (3,)}, (0, 0)),
                          ("b", "Dense", {"units": 2}, (260, 40))]))
    card_centre = window.scene.layer_items["a"].sceneBoundingRect().center()
    mouse_drag(window, port_point(window, "b", "in"), view_point(window, card_centre))
    assert window.document.graph.connections() == [("a", "b")]


def test_refused_connection_is_explained_not_silent(window):
    load(window, network([("a", "Input", {"shape": (3,)}, (0, 0)),
                          ("c", "Input", {"shape": (3,)}, (0, 200)),
                          ("b", "Dense", {"units": 2}, (260, 40))], [("a", "b")]))
    stack_size = window.document.undo_stack.count()
    drag_connect(window, "c", "b")  # a Dense takes one input
    assert window.document.graph.connections() == [("a", "b")]
    assert "takes only one input" in window.statusBar().currentMessage()
    assert window.document.undo_stack.count() == stack_size
    drag_connect(window, "b", "b")
    assert "itself" in window.statusBar().currentMessage()


def test_a_refusal_is_explained_while_dragging_before_the_release(window):
    load(window, network([("a", "Input", {"shape": (3,)}, (0, 0)),
                          ("c", "Input", {"shape": (3,)}, (0, 200)),
                          ("b", "Dense", {"units": 2}, (260, 40))], [("a", "b")]))
    viewport = window.view.viewport()
    start, end = port_point(window, "c", "out"), port_point(window, "b", "in")
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, end)
    drag = window.view._connection
    assert drag is not None and "Dense 'b' takes only one input" in drag.refusal
    assert drag.draft.pen().color() == ERROR_COLOR
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert drag.refusal in window.statusBar().currentMessage()  # the same words on release


def test_cycle_is_refused(window):
    load(window, network([("a", "Dense", {}, (0, 0)), ("b", "Dense", {}, (260, 0))], [("a", "b")]))
    drag_connect(window, "b", "a")
    assert window.document.graph.connections() == [("a", "b")]
    assert "cycle" in window.statusBar().currentMessage()


def test_moving_a_card_by_drag_is_one_undo_step(window):
    load(window, xor_network())
    graph, stack = window.document.graph, window.document.undo_stack
    before, count = graph.position("h"), stack.count()
    item = window.scene.layer_items["h"]
    start = view_point(window, item.mapToScene(item.id_rect().center()))
    mouse_drag(window, start, start + QPoint(60, 45), steps=6)
    assert stack.count() == count + 1
    after = graph.position("h")
    moved = (after[0] - before[0], after[1] - before[1])
    zoom = window.view.zoom
    assert abs(moved[0] - 60 / zoom) <= 2 and abs(moved[1] - 45 / zoom) <= 2
    stack.undo()
    assert graph.position("h") == before
    assert window.scene.layer_items["h"].pos().toTuple() == before


def test_delete_with_edges_and_undo_restores_slots(window):
    net = network([("a", "Input", {"shape": (2,)}, (0, 0)), ("b", "Input", {"shape": (2,)}, (0, 150)),
                   ("m", "Concatenate", {}, (250, 60)), ("o", "Output", {}, (500, 60))],
                  [("b", "m"), ("a", "m"), ("m", "o")])
    load(window, net)
    graph = window.document.graph
    slots = {e: graph.connection_slot(*e) for e in graph.connections()}
    assert graph.inputs_of("m") == ["b", "a"]
    window.scene.select_layers(["m"])
    window.action("delete").trigger()
    assert not graph.has_layer("m") and graph.connections() == []
    window.document.undo_stack.undo()
    assert graph.inputs_of("m") == ["b", "a"]
    assert {e: graph.connection_slot(*e) for e in graph.connections()} == slots
    assert set(window.scene.edge_items) == set(slots)


def test_delete_selected_edge_only(window):
    load(window, xor_network())
    window.scene.clearSelection()
    window.scene.edge_items[("h", "y")].setSelected(True)
    window.action("delete").trigger()
    assert ("h", "y") not in window.document.graph.connections()
    assert window.document.graph.has_layer("h")


def test_copy_paste_layers_with_inner_edges(window):
    load(window, xor_network())
    graph = window.document.graph
    graph_before = set(graph.layer_ids())
    window.scene.select_layers(["h", "y"])
    window.action("copy").trigger()
    window.action("paste").trigger()
    new_ids = set(graph.layer_ids()) - graph_before
    assert len(new_ids) == 2
    assert window.scene.selected_layer_ids() and set(window.scene.selected_layer_ids()) == new_ids
    new_h = next(n for n in new_ids if graph.params(n)["units"] == 2)
    new_y = next(n for n in new_ids if graph.params(n)["units"] == 1)
    assert graph.has_connection(new_h, new_y)
    assert graph.position(new_h) == (230 + 40, 0 + 40)
    window.document.undo_stack.undo()  # one step for the whole paste
    assert set(graph.layer_ids()) == graph_before


def test_duplicate_and_cut(window):
    load(window, xor_network())
    graph = window.document.graph
    window.scene.select_layers(["h"])
    window.action("duplicate").trigger()
    assert graph.has_layer("h_1") and graph.params("h_1") == graph.params("h")
    window.scene.select_layers(["h_1"])
    window.action("cut").trigger()
    assert not graph.has_layer("h_1")
    window.action("paste").trigger()
    assert graph.has_layer("h_1")  # cut + paste keeps the id when it is free


def test_rename_via_dialog_and_refusal(window, monkeypatch):
    load(window, xor_network())
    graph = window.document.graph
    answers = iter([("hidden", True), ("y", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    window.scene.select_layers(["h"])
    window.action("rename").trigger()
    assert graph.has_layer("hidden") and graph.has_connection("x", "hidden")
    assert "hidden" in window.scene.layer_items
    window.action("rename").trigger()  # 'y' is taken
    assert graph.has_layer("hidden") and warnings and "already exists" in warnings[0]
    window.document.undo_stack.undo()
    assert graph.has_layer("h") and "h" in window.scene.layer_items


def test_double_click_on_id_edits_the_display_name_not_the_id(window, qtbot):
    """The id is renamed with F2 / the context menu (above); a double-click names the card
    (tests/gui/test_display_names_gui.py)."""
    load(window, xor_network())
    item = window.scene.layer_items["h"]
    point = view_point(window, item.mapToScene(item.id_rect().center()))
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    editor = window.view.viewport().findChild(QLineEdit, "card_name_editor")
    assert editor is not None and editor.isVisible()  # no id dialog: it would fail the test
    qtbot.keyClicks(editor, "first")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.graph.has_layer("h") and window.document.graph.label("h") == "first"


def test_auto_layout_is_one_undo_step(window):
    net = network([("x", "Input", {}, (500, 300)), ("h", "Dense", {}, (0, 0)),
                   ("y", "Output", {}, (100, 500))], [("x", "h"), ("h", "y")])
    load(window, net)
    graph, stack = window.document.graph, window.document.undo_stack
    count = stack.count()
    window.action("auto_layout").trigger()
    assert stack.count() == count + 1
    xs = [graph.position(n)[0] for n in ("x", "h", "y")]
    assert xs == sorted(xs) and len(set(xs)) == 3
    sizes = window.scene.card_sizes()
    assert graph.position("h")[0] >= graph.position("x")[0] + sizes["x"][0]
    stack.undo()
    assert graph.position("x") == (500, 300)


def test_zoom_and_fit(window):
    load(window, xor_network())
    start = window.view.zoom
    window.action("zoom_in").trigger()
    assert window.view.zoom > start
    window.action("zoom_out").trigger()
    window.action("zoom_out").trigger()
    assert window.view.zoom < start
    window.action("fit").trigger()
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(window.scene.layers_rect())


def test_problems_outline_tooltip_and_problems_dock(window):
    net = network([("x", "Input", {"shape": (1, 8, 8)}, (0, 0)), ("h", "Dense", {}, (250, 0)),
                   ("o", "Output", {}, (500, 0))], [("x", "h"), ("h", "o")])
    load(window, net)
    window.document.validate_now()
    item = window.scene.layer_items["h"]
    assert item.problems and "Flatten" in item.toolTip()
    texts = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert any("Flatten" in t for t in texts)
    assert "problem" in window.validation_label.text()
    row = next(i for i, t in enumerate(texts) if "Flatten" in t)
    window.problems.itemClicked.emit(window.problems.item(row))
    assert window.scene.selected_layer_ids() == ["h"]
    assert window.properties.layer_id == "h"


def test_shapes_update_live(window, qtbot):
    load(window, xor_network())
    window.document.validate_now()
    assert window.scene.layer_items["h"].shape_label == "→ 2"
    window.document.set_param("h", "units", 5)
    qtbot.waitUntil(lambda: window.scene.layer_items["h"].shape_label == "→ 5")
    assert "Valid" in window.validation_label.text()


def test_repeated_palette_double_clicks_cascade(window):
    load(window, xor_network())
    first = window.add_layer_from_palette("Dense")
    second = window.add_layer_from_palette("Dense")
    graph = window.document.graph
    assert graph.position(second) == (graph.position(first)[0] + 30, graph.position(first)[1] + 30)
