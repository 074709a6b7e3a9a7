"""The Help menu, F1 layer help, the generated shortcuts list, About and the empty-canvas hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from core.layer_docs import layer_help_markdown
from core.layers import all_specs, get_spec
from core.network import Network
from core.package_info import dependency_names, doc_folders, find_doc
from gui import training
from gui.help.shortcuts import collect_shortcuts
from tests.gui.gui_helpers import drop_from_palette, load, xor_network

ROOT = Path(__file__).resolve().parents[2]


def help_menu(window):
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    return next(m for m in menus if m.objectName() == "help_menu")


def menu_texts(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


# ----- the menu --------------------------------------------------------------------------------
def test_help_menu_lists_every_page_and_stays_last_when_panels_add_menus(window):
    texts = menu_texts(help_menu(window))
    for wanted in ("Getting Started", "Help on Selected Layer", "Keyboard Shortcuts",
                   "The Network File Format", "The Lessons", "About NeuroCanvas"):
        assert wanted in texts
    training.install(window)  # adds the Training menu after Help was built
    assert window.menuBar().actions()[-1].menu() is help_menu(window)
    assert "Training" in [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_help_actions_carry_their_shortcuts(window):
    actions = window.help.actions
    assert actions["layer"].shortcut() == QKeySequence("F1")
    assert actions["shortcuts"].shortcut() == QKeySequence("Ctrl+/")
    assert window.action("export").shortcut() == QKeySequence("Ctrl+E")
    file_menu = window.menuBar().actions()[0].menu()
    assert "Export…" in menu_texts(file_menu)


# ----- F1 --------------------------------------------------------------------------------------
def test_f1_on_a_selected_layer_opens_its_help_with_every_parameter(window, qtbot):
    load(window, xor_network())
    window.scene.select_layers(["h"])
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    browser = window.help.browser()
    assert browser.isVisible() and browser.topic == "layer:Dense"
    text = browser.text()
    for param in get_spec("Dense").params:
        assert param.label in text and param.name in text and param.help in text
    assert "1 to 4096" in text  # the range, from the ParamSpec
    assert "y = activation(x·W + b)" in text  # what it computes
    assert "sigmoid" in text  # the activation choices are listed


def test_activation_choices_carry_the_activation_registrys_formulas():
    activations = pytest.importorskip("core.activations")  # the registry lands with issue 10
    page = layer_help_markdown(get_spec("Dense"))
    for entry in activations.ACTIVATIONS:
        assert f"`{entry.name}`: {entry.description}" in page


def test_f1_without_a_selection_opens_the_getting_started_guide(window, qtbot):
    load(window, xor_network())
    window.scene.clearSelection()
    window.help.actions["layer"].trigger()
    assert window.help.browser().topic == "getting_started"


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.type_name)
def test_every_layer_type_has_a_help_page_naming_its_parameters(spec):
    page = layer_help_markdown(spec)
    assert spec.description in page
    for param in spec.params:
        assert param.label in page and f"`{param.name}`" in page


# ----- shortcuts -------------------------------------------------------------------------------
def test_shortcuts_page_is_generated_from_the_real_actions(window):
    training.install(window)
    rows = collect_shortcuts(window)
    by_text = {(r.group, r.text): r.keys for r in rows}
    assert by_text[("Training", "Train")] == ("F5",)
    assert by_text[("File", "Save")] == (QKeySequence("Ctrl+S").toString(
        QKeySequence.SequenceFormat.NativeText),)
    window.help.show_shortcuts()
    page = window.help.browser().text()
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            assert key.toString(QKeySequence.SequenceFormat.NativeText) in page


def test_a_changed_shortcut_shows_up_in_the_list_and_the_guide(window):
    training.install(window)
    window.findChild(QAction, "training_train").setShortcut(QKeySequence("Ctrl+T"))
    window.help.show_shortcuts()
    assert "Ctrl+T" in window.help.browser().text()
    window.help.show_getting_started()
    guide = window.help.browser().text()
    assert "Train (Ctrl+T)" in guide and "Train (F5)" not in guide


def test_getting_started_covers_build_connect_train_inspect_with_keys(window):
    training.install(window)
    window.help.actions["getting_started"].trigger()
    browser = window.help.browser()
    text = browser.text()
    for step in ("Build", "Connect", "Train", "Inspect"):
        assert step in text
    assert "Train (F5)" in text and "F1" in text and "F6" in text
    assert "{" not in text  # every placeholder was filled
    assert browser.browser.verticalScrollBar().maximum() > 0 or browser.height() > 400


# ----- documents and About -------------------------------------------------------------------
def test_file_format_doc_is_found_in_the_source_tree_and_rendered(window):
    assert find_doc("file-format.md") == ROOT / "docs" / "file-format.md"
    assert doc_folders()[0] == ROOT / "docs"
    window.help.actions["file_format"].trigger()
    text = window.help.browser().text()
    assert "The network file format" in text and "```" not in text  # Markdown rendered


def test_an_installed_copy_finds_the_docs_under_its_prefix(tmp_path, monkeypatch):
    """A wheel puts docs/ under <prefix>/share/neurocanvas/docs (pyproject data-files); the
    distribution's file list says where, relative to site-packages."""
    from importlib import metadata

    from core import package_info
    site = tmp_path / "lib" / "python3" / "site-packages"
    installed = tmp_path / "share" / "neurocanvas" / "docs"
    installed.mkdir(parents=True)
    site.mkdir(parents=True)
    (installed / "file-format.md").write_text("# The network file format\n", encoding="utf-8")

    class Installed:
        def __init__(self):
            entry = metadata.PackagePath("../../../share/neurocanvas/docs/file-format.md")
            entry.dist = self
            self.files = [metadata.PackagePath("core/__init__.py"), entry]

        def locate_file(self, path):
            return site / path

    monkeypatch.setattr(package_info, "SOURCE_DOCS", tmp_path / "no-source-tree")
    monkeypatch.setattr(package_info.metadata, "distribution", lambda name: Installed())
    assert package_info.find_doc("file-format.md") == installed / "file-format.md"
    assert package_info.find_doc("missing.md") is None


def test_lessons_page_lists_each_example_with_its_lesson(window):
    window.help.actions["lessons"].trigger()
    text = window.help.browser().text()
    assert "XOR" in text and "Perceptron: AND" in text
    assert "Promise" in text


def test_about_lists_the_version_and_the_dependencies_licences(window):
    window.help.actions["about"].trigger()
    text = window.help._about.text()
    assert "NeuroCanvas 0.1" in text
    for name in ("PySide6-Essentials", "torch", "pyqtgraph", "numpy", "networkx", "scikit-learn"):
        assert name in text
    assert "LGPL-3.0" in text and "MIT" in text and "BSD-3-Clause" in text
    assert set(dependency_names()) >= {"torch", "numpy", "networkx", "scikit-learn"}


# ----- the empty canvas ------------------------------------------------------------------------
def test_the_empty_canvas_says_what_to_do_and_the_hint_goes_with_the_first_layer(window):
    hint = window.help.hint
    window.document.replace_network(Network(), None)
    QApplication.processEvents()
    assert hint.isVisible()
    assert "Drag a layer" in hint.text() and "Examples" in hint.text()
    assert window.view.viewport().rect().contains(hint.geometry())
    drop_from_palette(window, "Dense", window.view.visible_center())  # the drop passes through
    assert window.document.graph.layer_ids() and not hint.isVisible()
    window.document.undo()
    assert hint.isVisible()


def test_opening_a_network_hides_the_hint(window):
    window.document.replace_network(Network(), None)
    assert window.help.hint.isVisible()
    load(window, xor_network())
    assert not window.help.hint.isVisible()


def test_a_copy_without_the_docs_says_where_it_looked(window, monkeypatch):
    from gui.help import controller
    monkeypatch.setattr(controller, "find_doc", lambda name: None)
    window.help.show_file_format()
    text = window.help.browser().text()
    assert "Document not found" in text and "file-format.md" in text and str(ROOT / "docs") in text


def test_f1_in_the_palette_explains_the_layer_type_under_the_cursor(window, qtbot):
    tree = window.layer_palette.tree
    tree.setCurrentItem(tree.item_for("Conv2d"))
    tree.setFocus()
    qtbot.waitUntil(tree.hasFocus)
    window.help.actions["layer"].trigger()
    assert window.help.browser().topic == "layer:Conv2d"
    assert "Kernel size" in window.help.browser().text()


def test_output_help_writes_each_loss_formula_from_the_loss_registry():
    from core.losses import LOSSES
    page = layer_help_markdown(get_spec("Output"))
    for entry in LOSSES:
        assert entry.title in page
    assert "L = (1/N)·Σ (ŷ − y)²" in page  # mse, averaged over the batch as training does


def test_the_inspectors_step_keys_are_listed_with_what_they_do(window):
    from gui import inspector
    inspector.install(window)
    rows = {(r.text, r.keys) for r in collect_shortcuts(window)}
    assert ("Inspector: next step", ("Right",)) in rows
    assert ("Inspector: next step", ("N",)) in rows
    assert ("Inspector: previous step", ("Left",)) in rows
    assert ("Inspector: first step", ("Home",)) in rows
    assert ("Inspector: last step", ("End",)) in rows
