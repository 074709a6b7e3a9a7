"""The window on the screens classrooms have: 1280×720, 1366×768, and 150 % on 1920×1080.

What ../shared/tools/window_fit.py checks under Xvfb, checked here offscreen: the screen size is
pretended through `gui.screen_fit.available_geometry` (the one place the window asks), and 150 %
scaling is approximated by fonts 1.5 times larger on a 1920×1080 screen (the same proportions
of text to pixels). In every workspace: the window within the screen, no visible text cut or
elided, no panel that scrolls sideways, the status bar and every dock's tab on screen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QApplication, QGraphicsView,
                               QLabel, QTabBar, QTreeWidget, QWidget)

from gui import screen_fit
from gui.app import build_window
from tests.gui.gui_helpers import close_windows

SCREENS = {"1280x720": (1280, 720, 1.0), "1366x768": (1366, 768, 1.0),
           "1920x1080@150%": (1920, 1080, 1.5)}
WORKSPACES = ("build", "train", "inspect")


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _cut_texts(window) -> list[str]:
    """Buttons and one-line labels narrower than their text, as window_fit reports them."""
    problems = []
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if not _shown(widget) or not widget.text().strip():
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or "\n" in widget.text()
                                           or "<" in widget.text()):
            continue
        if widget.width() + 2 < widget.sizeHint().width():
            problems.append(f"{type(widget).__name__} {widget.text()!r}: {widget.width()} px "
                            f"of {widget.sizeHint().width()}")
    return problems


def _cut_tabs(window) -> list[str]:
    problems = []
    for bar in window.findChildren(QTabBar):
        if not _shown(bar):
            continue
        for i in range(bar.count()):
            rect = bar.tabRect(i)
            if rect.right() > bar.width() + 1 or rect.width() + 2 < bar.tabSizeHint(i).width():
                problems.append(f"tab {bar.tabText(i)!r}: {rect.width()} px of "
                                f"{bar.tabSizeHint(i).width()} in a bar of {bar.width()}")
    return problems


def _squeezed_below_minimum(window) -> list[str]:
    problems = []
    for widget in window.findChildren(QWidget):
        if not _shown(widget) or widget.objectName() == "qt_spinbox_lineedit":
            continue
        need = _effective_minimum(widget)
        if widget.width() + 2 < need.width() or widget.height() + 2 < need.height():
            problems.append(f"{type(widget).__name__} {widget.objectName()!r}: "
                            f"{widget.width()}x{widget.height()} below {need.width()}x{need.height()}")
    return problems


def _effective_minimum(widget: QWidget) -> QSize:
    """What layouts must give the widget (Qt's qSmartMinSize): its own minimum size where its
    code set one, else its minimum size hint, never above its maximum size."""
    hint = widget.minimumSizeHint()
    own, most = widget.minimumSize(), widget.maximumSize()
    width = own.width() or max(hint.width(), 0)
    height = own.height() or max(hint.height(), 0)
    return QSize(min(width, most.width()), min(height, most.height()))


def _sideways(window) -> list[str]:
    problems = [f"{type(a).__name__} {a.objectName()!r} scrolls sideways"
                for a in window.findChildren(QAbstractScrollArea)
                if _shown(a) and not isinstance(a, QGraphicsView)
                and a.horizontalScrollBar().isVisible()]
    for tree in window.findChildren(QTreeWidget):
        if _shown(tree) and tree.viewport().width() + 1 < tree.sizeHintForColumn(0):
            problems.append(f"tree names cut: {tree.viewport().width()} px of "
                            f"{tree.sizeHintForColumn(0)}")
    return problems


def _off_screen(window, screen: QRect) -> list[str]:
    problems = []
    if not screen.contains(window.frameGeometry()):
        problems.append(f"window {window.frameGeometry()} not inside screen {screen}")
    bar = window.statusBar()
    if not bar.isVisible() or not window.rect().contains(bar.geometry()):
        problems.append(f"status bar {bar.geometry()} outside the window {window.rect()}")
    for title, dock in window.docks.items():
        if not _shown(dock):
            continue
        top_left = dock.mapTo(window, dock.rect().topLeft())
        if not window.rect().contains(QRect(top_left, dock.size())):
            problems.append(f"dock {title} reaches outside the window")
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window and _shown(bar):
            corner = bar.mapTo(window, bar.rect().bottomRight())
            if not window.rect().contains(corner):
                problems.append(f"dock tabs {[bar.tabText(i) for i in range(bar.count())]} "
                                "off-screen")
    return problems


@pytest.fixture
def screen(monkeypatch):
    """Pretend a screen: (width, height, font scale) -> its available geometry."""
    app = QApplication.instance()
    original_font = app.font()

    def pretend(width: int, height: int, font_scale: float = 1.0) -> QRect:
        area = QRect(0, 0, width, height)
        monkeypatch.setattr(screen_fit, "available_geometry", lambda widget=None: QRect(area))
        if font_scale != 1.0:
            bigger = app.font()
            bigger.setPointSizeF(original_font.pointSizeF() * font_scale)
            app.setFont(bigger)
        return area

    yield pretend
    app.setFont(original_font)


@pytest.fixture
def open_window(qtbot, tmp_path, settings):
    windows = []

    def make(workspace: str = "train"):
        settings.setValue("window/workspace", workspace)
        window = build_window(settings=settings, autosave_dir=tmp_path / "autosave")
        window.open_initial(None)  # the XOR lesson, as `python main.py` opens it
        window.fit_to_screen()
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.workspaces.current == workspace, timeout=5000)
        qtbot.wait(200)  # docks and scroll bars settle
        windows.append(window)
        return window

    yield make
    close_windows(windows)


@pytest.mark.parametrize("workspace", WORKSPACES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_window_fits_small_screens_with_nothing_cut(screen, open_window, name, workspace):
    area = screen(*SCREENS[name])
    window = open_window(workspace)
    problems = (_off_screen(window, area) + _cut_texts(window) + _cut_tabs(window)
                + _sideways(window) + _squeezed_below_minimum(window))
    assert not problems, f"{name}, {workspace} workspace:\n" + "\n".join(problems)


def test_saved_geometry_of_a_big_monitor_is_clamped_to_the_screen(screen, open_window, settings):
    area = screen(1280, 720)
    big = QWidget()
    big.setGeometry(300, 200, 1900, 1150)
    settings.setValue("window/geometry", big.saveGeometry())
    window = open_window()
    assert area.contains(window.frameGeometry())
    assert window.width() <= 1280 and window.height() <= 720


def test_train_workspace_gives_the_boundary_300_px_at_1280x720(screen, open_window, qtbot):
    screen(1280, 720)
    window = open_window("train")
    panel = window.docks["Training"].widget()
    with qtbot.waitSignal(panel.training_finished, timeout=120_000):
        panel.train()
    qtbot.wait(300)
    picture = panel.boundary.plot.getPlotItem().getViewBox()
    assert panel.boundary.plot.isVisible()
    assert picture.height() >= 300, f"boundary picture {picture.width():.0f}x{picture.height():.0f}"
    for plot in (panel.plots.loss_plot, panel.plots.acc_plot):
        assert plot.height() >= 250 and plot.width() >= 250, f"plot {plot.width()}x{plot.height()}"
    assert window.view.viewport().height() >= 250  # the network keeps room above (158 px once)
    output = window.docks["Output"]  # the output at the right over the whole height
    assert output.isVisible() and output.height() >= 0.6 * window.height()


def test_train_workspace_grows_the_curves_on_a_large_screen(screen, open_window, qtbot):
    """At 2560×1440 the training panel took its 1280×720 height and the curves stayed 251 px
    high under a canvas with 700 px of empty margin; it now takes a share of the height."""
    screen(2560, 1440)
    window = open_window("train")
    qtbot.wait(100)
    panel = window.docks["Training"].widget()
    assert window.docks["Training"].height() >= 0.44 * window.height()
    assert panel.plots.loss_plot.height() >= 400, f"plot {panel.plots.loss_plot.height()} px high"
