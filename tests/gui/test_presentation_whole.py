"""Presentation mode scales the whole interface (issue 10 leftover): the confusion matrix, every
style-sheeted widget (those built before the switch and those built after it), and it all comes
back exactly to the desktop size."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from gui import presentation, style
from tests.gui import test_presentation

desktop_scale = test_presentation.desktop_scale  # the fixtures of the first presentation tests
open_window = test_presentation.open_window
SCALE = style.PRESENTATION_SCALE


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
