"""Keyboard shortcuts on the canvas, panning and wheel zoom."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_helpers import load, view_point, xor_network

NO_MOD = Qt.KeyboardModifier.NoModifier


def focus_canvas(window, qtbot):
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)


def test_delete_key_on_canvas_deletes_selection(window, qtbot):
    load(window, xor_network())
    focus_canvas(window, qtbot)
    window.scene.select_layers(["h"])
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert not window.document.graph.has_layer("h")
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.graph.has_layer("h")
    QTest.keyClick(window.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert not window.document.graph.has_layer("h")


def test_delete_key_in_a_text_field_does_not_delete_layers(window, qtbot):
    load(window, xor_network())
    window.scene.select_layers(["h"])
    edit = window.properties.layer_page.id_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    assert window.document.graph.has_layer("h")


def test_canvas_shortcuts_duplicate_and_fit(window, qtbot):
    load(window, xor_network())
    focus_canvas(window, qtbot)
    window.scene.select_layers(["y"])
    QTest.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.document.graph.has_layer("y_1")
    window.view.resetTransform()
    window.view.scale(3, 3)
    QTest.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom <= 1.25


def test_wheel_zooms_about_the_cursor(window):
    load(window, xor_network())
    item = window.scene.layer_items["h"]
    anchor_scene = item.sceneBoundingRect().center()
    anchor = view_point(window, anchor_scene)
    start = window.view.zoom
    wheel = QWheelEvent(QPointF(anchor), QPointF(window.view.viewport().mapToGlobal(anchor)),
                        QPoint(0, 0), QPoint(0, 240), Qt.MouseButton.NoButton, NO_MOD,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(window.view.viewport(), wheel)
    assert window.view.zoom > start * 1.2
    after = window.view.mapToScene(anchor)
    assert abs(after.x() - anchor_scene.x()) < 2 and abs(after.y() - anchor_scene.y()) < 2


def test_middle_drag_pans_and_does_not_edit(window):
    load(window, xor_network())
    viewport = window.view.viewport()
    before = window.view.mapToScene(viewport.rect().center())
    count = window.document.undo_stack.count()
    start, end = QPoint(300, 300), QPoint(200, 250)
    QTest.mousePress(viewport, Qt.MouseButton.MiddleButton, NO_MOD, start)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.MiddleButton, NO_MOD, end)
    after = window.view.mapToScene(viewport.rect().center())
    assert abs((after.x() - before.x()) * window.view.zoom - 100) < 2
    assert abs((after.y() - before.y()) * window.view.zoom - 50) < 2
    assert window.document.undo_stack.count() == count


def test_space_and_left_drag_pans(window, qtbot):
    load(window, xor_network())
    focus_canvas(window, qtbot)
    viewport = window.view.viewport()
    before = window.view.mapToScene(viewport.rect().center())
    QTest.keyPress(window.view, Qt.Key.Key_Space)
    item = window.scene.layer_items["h"]
    start = view_point(window, item.sceneBoundingRect().center())  # even over a card
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, NO_MOD, start)
    QTest.mouseMove(viewport, start + QPoint(40, 0))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, NO_MOD, start + QPoint(40, 0))
    QTest.keyRelease(window.view, Qt.Key.Key_Space)
    after = window.view.mapToScene(viewport.rect().center())
    assert abs((before.x() - after.x()) * window.view.zoom - 40) < 2
    assert window.document.graph.position("h") == (230, 0)
