"""Presentation mode scales the whole interface (issue 10 leftover): the canvas cards, the confusion
matrix, every style-sheeted widget (those built before the switch and those built after it), and
it all comes back exactly to the desktop size."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsPixmapItem, QLabel

from gui import presentation, style
from tests.gui.gui_helpers import load, xor_network
from tests.gui import test_presentation

desktop_scale = test_presentation.desktop_scale  # the fixtures of the first presentation tests
open_window = test_presentation.open_window
SCALE = style.PRESENTATION_SCALE


def _card_facts(card) -> dict:
    geometry = card._geometry
    return {"title_pt": card._lines()[0][1].pointSizeF(), "size": card.size(),
            "rects": {k: r.getRect() for k, r in geometry.rects.items()}}


def _assert_text_fits(card) -> None:
    """Each line inside its rect, and each rect inside the card (the title beside the badge)."""
    width, height = card.size()
    for key, font, text in card._lines():
        rect = card._geometry.rects[key]
        metrics = QFontMetricsF(font)
        assert metrics.horizontalAdvance(text) <= rect.width() + 0.01, (card.layer_id, key)
        assert metrics.height() <= rect.height() + 0.01, (card.layer_id, key)
        assert rect.left() >= 0 and rect.right() <= width + 0.01, (card.layer_id, key)
        assert rect.top() >= 0 and rect.bottom() <= height + 0.01, (card.layer_id, key)


def test_cards_are_laid_out_in_scaled_fonts_and_the_network_is_fitted_again(
        open_window, desktop_scale, qtbot):
    window = open_window()
    window.resize(1920, 1080)
    load(window, xor_network())
    window.view.fit_to_view()
    cards = window.scene.layer_items
    desktop = {n: _card_facts(c) for n, c in cards.items()}
    on_screen = window.view.zoom * desktop["h"]["title_pt"]
    window.interface_scale.set_scale(SCALE)
    qtbot.wait(200)  # the docks take the new fonts, then the canvas fits the network again
    for name, card in cards.items():
        before, now = desktop[name], _card_facts(card)
        assert now["title_pt"] == pytest.approx(before["title_pt"] * SCALE)
        for axis in (0, 1):  # font metrics are not exactly linear in the point size
            assert now["size"][axis] == pytest.approx(before["size"][axis] * SCALE, rel=0.05)
        _assert_text_fits(card)
    assert window.view.zoom * cards["h"]._lines()[0][1].pointSizeF() > on_screen * 1.2
    rect = window.view.mapFromScene(window.scene.layers_rect()).boundingRect()
    assert window.view.viewport().rect().contains(rect)  # fitted again: the whole network shows
    window.interface_scale.set_scale(style.UI_SCALE_DEFAULT)
    qtbot.wait(50)
    assert {n: _card_facts(c) for n, c in cards.items()} == desktop  # exactly the desktop cards


def test_a_card_with_neurons_and_a_problem_fits_its_text_at_every_scale(open_window,
                                                                        desktop_scale, qtbot):
    window = open_window()
    net = xor_network()
    net.graph.disconnect("y", "out")  # the output has no input: its card shows a problem
    load(window, net)
    window.scene.set_neurons_everywhere(True)
    assert window.scene.shows_neurons("h") and window.scene.layer_items["out"].problems
    for scale in (1.0, 1.3, SCALE, style.UI_SCALE_LIMITS[1]):
        window.interface_scale.set_scale(scale)
        for card in window.scene.layer_items.values():
            assert card._lines()[0][1].pointSizeF() == pytest.approx(9.0 * scale)
            _assert_text_fits(card)


def test_a_neuron_map_and_a_glow_stay_on_their_card_when_it_grows(open_window, desktop_scale):
    window = open_window()
    load(window, xor_network())
    window.scene.set_layer_neurons("h", True)
    card = window.scene.layer_items["h"]
    tile = QGraphicsPixmapItem(card)  # as gui/canvas/overlays_training.py hangs a map
    tile.setPos(card.mapFromScene(card.neuron_scene_positions()[0]))
    path = QPainterPath()  # as gui/canvas/overlays_inspector.py puts a glow around it
    path.addRect(QRectF(0, 0, *card.size()))
    glow = QGraphicsPathItem(path, card)
    glow.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
    window.interface_scale.set_scale(SCALE)
    assert card.mapFromScene(card.neuron_scene_positions()[0]) == tile.pos()
    outline = glow.mapRectToParent(glow.path().boundingRect())
    assert (outline.width(), outline.height()) == pytest.approx(card.size())


def test_the_confusion_matrix_follows_the_scale(open_window, desktop_scale, qtbot):
    window = open_window()
    table = window.docks["Training"].widget().confusion.table
    desktop = table.font().pointSizeF()
    assert desktop < window.docks["Training"].widget().font().pointSizeF()  # a little smaller
    window.interface_scale.set_scale(SCALE)
    qtbot.wait(10)  # widgets take the new application font from a posted event
    assert table.font().pointSizeF() == pytest.approx(desktop * SCALE)
    window.interface_scale.set_scale(style.UI_SCALE_DEFAULT)
    qtbot.wait(10)
    assert table.font().pointSizeF() == desktop


def test_styled_widgets_follow_the_scale_whether_built_before_or_after_it(open_window,
                                                                           desktop_scale, qtbot):
    window = open_window()
    app_points = window.font().pointSizeF()
    hint = window.docks["Training"].widget().dataset_box.hint  # styled, without a size of its own
    assert hint.styleSheet() and "font-size" not in hint.styleSheet()
    window.interface_scale.set_scale(SCALE)
    qtbot.wait(10)
    assert hint.font().pointSizeF() == pytest.approx(app_points * SCALE)
    late = QLabel("made after the switch", window)
    late.setStyleSheet(style.SMALL_MUTED_STYLE)  # 8 pt on a desktop
    late.show()
    window.help.show_getting_started()
    window.help.show_about()
    browser, about = window.help.browser().browser, window.help._about.label
    qtbot.wait(10)
    expected = {"late": 8.0 * SCALE, "help": style.HELP_FONT_POINT_SIZE * SCALE,
                "about": style.HELP_FONT_POINT_SIZE * SCALE}
    assert {"late": late.font().pointSizeF(), "help": browser.font().pointSizeF(),
            "about": about.font().pointSizeF()} == pytest.approx(expected)
    late.setStyleSheet(style.FORMULA_STYLE)  # its owner styles it again: desktop text, scaled
    assert late.font().pointSizeF() == pytest.approx(10.0 * SCALE)
    window.interface_scale.set_scale(style.UI_SCALE_DEFAULT)
    qtbot.wait(10)
    assert late.font().pointSizeF() == 10.0 and late.styleSheet() == style.FORMULA_STYLE
    assert browser.font().pointSizeF() == style.HELP_FONT_POINT_SIZE
    assert hint.font().pointSizeF() == app_points
    assert presentation.SheetScaler._installed is None  # no application-wide filter on a desktop


def test_the_empty_canvas_hint_follows_the_scale(open_window, desktop_scale, qtbot):
    window = open_window()
    window.document.remove(window.document.graph.layer_ids())
    hint = window.help.hint
    assert hint.isVisible()
    window.interface_scale.set_scale(SCALE)
    qtbot.wait(10)
    assert hint.font().pointSizeF() == pytest.approx(style.HINT_FONT_POINT_SIZE * SCALE)
    window.interface_scale.set_scale(style.UI_SCALE_DEFAULT)
    qtbot.wait(10)
    assert hint.font().pointSizeF() == style.HINT_FONT_POINT_SIZE
