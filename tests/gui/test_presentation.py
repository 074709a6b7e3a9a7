"""Presentation mode: View ▸ Presentation mode and Ctrl+Shift+= / Ctrl+Shift+− scale the whole
interface (fonts, style sheets, plots, canvas), and the scale survives a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from gui import presentation, screen_fit, style
from gui.app import build_window
from tests.gui.gui_helpers import close_windows

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def desktop_scale():
    """Every test starts and ends at the desktop size (the scale and the app font are global)."""
    app = QApplication.instance()
    font = app.font()
    style.set_ui_scale(style.UI_SCALE_DEFAULT)
    yield font
    style.set_ui_scale(style.UI_SCALE_DEFAULT)
    presentation.SheetScaler.follow(app, style.UI_SCALE_DEFAULT)  # no filter left for later tests
    app.setFont(font)


@pytest.fixture
def open_window(qtbot, tmp_path, settings, monkeypatch):
    """The full window on a pretended 1920×1080 screen (offscreen's own is 800×800, where the
    scale would step back down to fit)."""
    monkeypatch.setattr(screen_fit, "available_geometry", lambda widget=None: QRect(0, 0, 1920, 1080))
    windows = []

    def make():
        window = build_window(settings=settings, autosave_dir=tmp_path / f"a{len(windows)}")
        window.open_initial(None)
        window.resize(1280, 720)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.workspaces.current != "", timeout=5000)
        qtbot.wait(50)  # the workspace fits the network into the canvas on the next turn
        windows.append(window)
        return window

    yield make
    close_windows(windows)


def _view_action(window, text: str):
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a for a in view_menu.actions() if a.text().replace("&", "") == text)


def _sizes(window) -> dict[str, float]:
    panel = window.docks["Training"].widget()
    axis = panel.plots.loss_plot.getPlotItem().getAxis("left")
    pen = panel.plots.curves["train_loss"].opts["pen"]
    return {"app": QApplication.instance().font().pointSizeF(),
            "label": window.validation_label.font().pointSizeF(),
            "legend_sheet": _sheet_points(panel.boundary.legend.styleSheet()),
            "tick": axis.style["tickFont"].pointSizeF() if axis.style["tickFont"] else 0.0,
            "pen": pen.widthF()}


def _sheet_points(sheet: str) -> float:
    return float(sheet.split("font-size:")[1].split("pt")[0])


def test_presentation_mode_scales_fonts_sheets_plots_and_canvas(open_window, desktop_scale,
                                                                  settings, qtbot):
    window = open_window()
    action = _view_action(window, "Presentation mode")
    assert action.isCheckable() and not action.isChecked()
    before = _sizes(window)
    action.trigger()
    qtbot.wait(10)  # widgets take the new application font from a posted event
    after = _sizes(window)
    assert action.isChecked()
    for name, value in before.items():
        assert after[name] == pytest.approx(value * style.PRESENTATION_SCALE, rel=0.02), name
    assert float(settings.value("view/ui_scale")) == pytest.approx(style.PRESENTATION_SCALE)
    action.trigger()
    qtbot.wait(10)
    assert _sizes(window) == pytest.approx(before)


def test_presentation_mode_draws_the_cards_larger_where_there_is_room(open_window,
                                                                      desktop_scale, qtbot):
    window = open_window()
    window.resize(1920, 1080)
    qtbot.wait(50)
    window.view.fit_to_view()
    desktop_zoom = window.view.transform().m11()
    _view_action(window, "Presentation mode").trigger()
    qtbot.wait(50)
    assert window.view.transform().m11() > desktop_zoom * 1.2
    rect = window.view.mapFromScene(window.scene.layers_rect()).boundingRect()
    assert window.view.viewport().rect().contains(rect)  # the whole network stays in view


def test_curves_of_runs_in_presentation_mode_are_thicker_and_come_back(open_window,
                                                                         desktop_scale, qtbot):
    window = open_window()
    panel = window.docks["Training"].widget()

    def run_and_measure() -> set[float]:
        with qtbot.waitSignal(panel.training_finished, timeout=120_000):
            panel.train()
        return {round(c.opts["pen"].widthF(), 2) for c in
                panel.plots.loss_plot.getPlotItem().listDataItems() if c.opts.get("pen") is not None}

    run_and_measure()
    desktop = run_and_measure()  # current curves and a faded history curve, at the desktop size
    _view_action(window, "Presentation mode").trigger()
    presented = run_and_measure()  # a history curve made during presentation mode too
    assert presented == {round(w * style.PRESENTATION_SCALE, 2) for w in desktop}
    _view_action(window, "Presentation mode").trigger()  # back: every curve at its own width
    assert {round(c.opts["pen"].widthF(), 2) for c in panel.plots.loss_plot.getPlotItem()
            .listDataItems() if c.opts.get("pen") is not None} == desktop


def test_ctrl_shift_plus_and_minus_step_the_scale(open_window, desktop_scale, qtbot):
    window = open_window()
    window.activateWindow()
    qtbot.waitActive(window)
    start = QApplication.instance().font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL_SHIFT)
    assert style.ui_scale() == pytest.approx(1.0 + style.UI_SCALE_STEP)
    assert QApplication.instance().font().pointSizeF() > start
    assert _view_action(window, "Presentation mode").isChecked()
    qtbot.keyClick(window, Qt.Key.Key_Minus, CTRL_SHIFT)
    qtbot.keyClick(window, Qt.Key.Key_Minus, CTRL_SHIFT)
    assert style.ui_scale() == pytest.approx(1.0 - style.UI_SCALE_STEP)
    assert QApplication.instance().font().pointSizeF() < start
    assert not _view_action(window, "Presentation mode").isChecked()


def test_the_scale_steps_back_to_what_fits_the_screen(open_window, desktop_scale, qtbot,
                                                      monkeypatch):
    monkeypatch.setattr(screen_fit, "available_geometry", lambda widget=None: QRect(0, 0, 1024, 600))
    window = open_window()
    window.workspaces.switch("build")
    window.interface_scale.set_scale(2.0)
    qtbot.waitUntil(lambda: style.ui_scale() < 2.0, timeout=10_000)
    qtbot.waitUntil(lambda: QRect(0, 0, 1024, 600).contains(window.frameGeometry())
                    and "would not fit" in window.statusBar().currentMessage(), timeout=10_000)
    qtbot.wait(500)  # and it stays there
    assert style.UI_SCALE_DEFAULT < style.ui_scale() < 2.0
    assert QRect(0, 0, 1024, 600).contains(window.frameGeometry())
    assert "would not fit" in window.statusBar().currentMessage()


def test_the_scale_is_restored_in_a_new_window(open_window, desktop_scale, settings):
    first = open_window()
    _view_action(first, "Presentation mode").trigger()
    first.close()
    style.set_ui_scale(style.UI_SCALE_DEFAULT)  # as in a fresh process
    QApplication.instance().setFont(desktop_scale)
    second = open_window()
    assert style.ui_scale() == pytest.approx(style.PRESENTATION_SCALE)
    assert _view_action(second, "Presentation mode").isChecked()
    assert QApplication.instance().font().pointSizeF() == pytest.approx(
        desktop_scale.pointSizeF() * style.PRESENTATION_SCALE)
    legend = second.docks["Training"].widget().boundary.legend
    assert _sheet_points(legend.styleSheet()) == pytest.approx(8 * style.PRESENTATION_SCALE)
    pen = second.docks["Training"].widget().plots.curves["train_loss"].opts["pen"]
    assert pen.widthF() == pytest.approx(2 * style.PRESENTATION_SCALE)  # drawn at 2 px on a desktop


def test_an_unreadable_saved_scale_opens_at_the_desktop_size(open_window, desktop_scale,
                                                             settings, monkeypatch):
    # a screen where even the largest scale fits (on 1920×1080, 250 % steps back to what fits)
    monkeypatch.setattr(screen_fit, "available_geometry", lambda widget=None: QRect(0, 0, 4000, 3000))
    settings.setValue("view/ui_scale", "huge")
    open_window()
    assert style.ui_scale() == style.UI_SCALE_DEFAULT
    settings.setValue("view/ui_scale", 40)
    open_window()
    assert style.ui_scale() == style.UI_SCALE_LIMITS[1]
