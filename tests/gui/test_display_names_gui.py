"""A layer's display name is what the window calls it: the Problems list, the Properties panel's
messages, the inspector's titles and the rename dialog say "Couche cachée", with the id alongside
where it matters; a label edit (and its undo) rewords them at once. Double-clicking a card's name
edits that name in place, as one undo step; its id is renamed from the context menu / Properties.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from core.fileformat import load_network
from gui.document import Document
from gui.inspector import InspectorPanel
from tests.gui.gui_helpers import load, network, view_point

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
LABEL = "Couche cachée"
TRACE_TIMEOUT_MS = 30000


def image_net():
    """An MLP fed images without a Flatten: one problem, on the (labelled) hidden layer."""
    net = network([("x", "Input", {"shape": (1, 8, 8)}, (0, 0)),
                   ("hidden", "Dense", {"units": 3}, (250, 0)), ("o", "Output", {}, (500, 0))],
                  [("x", "hidden"), ("hidden", "o")])
    net.graph.set_label("hidden", LABEL)
    return net


def problem_rows(window) -> list[str]:
    return [window.problems.item(i).text() for i in range(window.problems.count())]


def test_problems_name_a_labelled_layer_by_its_label_and_keep_its_id(make_window):
    window = make_window()
    load(window, image_net())
    window.document.validate_now()
    rows = problem_rows(window)
    assert any(r.startswith("[Couche cachée] Dense 'Couche cachée' (hidden) receives") for r in rows)
    assert not any("[hidden]" in r for r in rows)
    assert "Click to show 'Couche cachée' (hidden)." in window.problems.item(0).toolTip()
    window.problems.itemClicked.emit(window.problems.item(0))
    assert window.scene.selected_layer_ids() == ["hidden"]  # the row still carries the id
    assert any("'Couche cachée' (hidden)" in m for m in
               window.properties.layer_page.problems.text().splitlines())


def test_a_label_edit_and_its_undo_reword_the_problems_at_once(make_window):
    window = make_window()
    load(window, image_net())
    window.document.validate_now()
    window.document.set_label("hidden", "Cachée 2")
    assert any(r.startswith("[Cachée 2] Dense 'Cachée 2' (hidden)") for r in problem_rows(window))
    window.document.undo_stack.undo()
    assert any(r.startswith("[Couche cachée] Dense 'Couche cachée'") for r in problem_rows(window))
    window.document.set_label("hidden", "")
    assert any(r.startswith("[hidden] Dense 'hidden' receives") for r in problem_rows(window))


@pytest.fixture
def labelled_inspector(qtbot):
    net = load_network(EXAMPLES / "xor.json")
    net.graph.set_label("hidden", LABEL)
    document = Document(net, path=str(EXAMPLES / "xor.json"))
    panel = InspectorPanel(document)
    qtbot.addWidget(panel)
    panel.resize(480, 900)
    panel.show()
    qtbot.waitUntil(lambda: panel.result is not None and not panel.stale and not panel.runner.busy,
                    timeout=TRACE_TIMEOUT_MS)
    yield panel
    panel.shutdown()


def test_the_inspector_titles_name_the_layer_by_its_label(labelled_inspector, qtbot):
    panel = labelled_inspector
    panel.go_to(next(s.index for s in panel.stages if s.node == "hidden"))
    assert "Couche cachée (hidden)" in panel.stage_title.text()
    assert "Couche cachée (hidden)" in panel.current_stage.title
    panel.document.set_label("hidden", "Autre nom")  # no re-trace: only the words change
    assert not panel.stale and "Autre nom (hidden)" in panel.stage_title.text()
    assert all("Couche cachée" not in s.title for s in panel.stages)
    panel.document.undo_stack.undo()
    assert "Couche cachée (hidden)" in panel.stage_title.text()


def test_the_rename_dialog_names_the_layer_by_its_label(make_window, monkeypatch):
    window = make_window()
    load(window, image_net())
    asked = []

    def answer(parent, title, label, *args):
        asked.append(label)
        return "h2", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    assert window.edit_actions.rename("hidden")
    assert asked == ["New id for 'Couche cachée' (hidden):"]
    assert window.document.graph.label("h2") == LABEL


# ----- double-click edits the display name -----------------------------------------------------
def name_editor(window) -> QLineEdit | None:
    editors = [e for e in window.view.viewport().findChildren(QLineEdit, "card_name_editor")
               if e.isVisible()]
    return editors[0] if editors else None


def double_click_name(window, layer_id: str) -> None:
    item = window.scene.layer_items[layer_id]
    rect = item._geometry.rects["label" if window.document.graph.label(layer_id) else "id"]
    point = view_point(window, item.mapToScene(rect.center()))
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, point)
    QApplication.processEvents()


def test_double_clicking_a_cards_name_edits_its_display_name_in_one_undo_step(make_window):
    window = make_window()
    load(window, image_net())
    stack = window.document.undo_stack
    before = stack.count()
    double_click_name(window, "hidden")
    editor = name_editor(window)
    assert editor is not None and editor.text() == LABEL and editor.hasFocus()
    editor.setText("Première couche")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    graph = window.document.graph
    assert graph.label("hidden") == "Première couche" and graph.has_layer("hidden")  # id kept
    assert stack.count() == before + 1 and name_editor(window) is None
    stack.undo()
    assert graph.label("hidden") == LABEL
    stack.redo()
    assert graph.label("hidden") == "Première couche"


def test_double_clicking_an_unlabelled_cards_id_names_it_and_escape_cancels(make_window):
    window = make_window()
    load(window, image_net())
    window.document.set_label("hidden", "")
    before = window.document.undo_stack.count()
    double_click_name(window, "hidden")
    editor = name_editor(window)
    assert editor is not None and editor.text() == "" and editor.placeholderText()
    editor.setText("ignored")
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    QApplication.processEvents()
    assert window.document.graph.label("hidden") == "" and name_editor(window) is None
    assert window.document.undo_stack.count() == before
    double_click_name(window, "hidden")
    editor = name_editor(window)
    editor.setText("Couche cachée")
    QTest.keyClick(editor, Qt.Key.Key_Enter)
    QApplication.processEvents()
    assert window.document.graph.label("hidden") == LABEL and window.document.graph.has_layer("hidden")


def test_the_context_menu_still_renames_the_id(make_window):
    window = make_window()
    load(window, image_net())
    menu = window.edit_actions.context_menu(window.scene.layer_items["hidden"],
                                            window.scene.layer_items["hidden"].pos())
    texts = [a.text() for a in menu.actions()]
    assert "Rename id…" in texts and "Edit display name…" in texts
