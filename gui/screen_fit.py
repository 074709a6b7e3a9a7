"""The window fits the screen it opens on, and nothing in it is clipped or elided.

Classrooms have 1280×720 and 1366×768 screens, and laptops at 150 % scaling (1280×720 logical
pixels on a 1920×1080 panel). Two rules hold on all of them:

* the window opens at the screen's available size, or at the last session's geometry clamped
  to the current screen (a layout saved on a big monitor must not open off-screen on a projector);
* text is never elided: tabs keep their whole title (`no_elided_tabs`), and panels that scroll
  scroll vertically only — a scroll area is as wide as the content's minimum width, so the dock
  grows instead of hiding half of every label (`vertical_scrolling_only`).

`available_geometry` is the one place that asks Qt for the screen, so tests can pretend a small one.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QScrollArea, QStyle, QTabBar, QTabWidget, QWidget

FALLBACK_GEOMETRY = QRect(0, 0, 1280, 720)  # no screen at all (should not happen)
OWN_MINIMUM = "_nc_own_minimum_width"  # dynamic property: the minimum width a panel set itself


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The screen area a window may use (without task bars), of ``widget``'s screen."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(FALLBACK_GEOMETRY)


def clamped(rect: QRect, area: QRect) -> QRect:
    """``rect`` made no larger than ``area`` and moved inside it."""
    width, height = min(rect.width(), area.width()), min(rect.height(), area.height())
    left = min(max(rect.left(), area.left()), area.right() - width + 1)
    top = min(max(rect.top(), area.top()), area.bottom() - height + 1)
    return QRect(left, top, width, height)


def fit_window(window: QWidget, saved_geometry: QByteArray | None = None) -> QRect:
    """Give ``window`` the saved geometry clamped to its screen, else the whole available area.

    The frame (title bar, borders) is counted once the window has one, so the frame — not only
    the client area — stays on the screen. Returns the client geometry set.
    """
    area = available_geometry(window)
    if saved_geometry is not None and not saved_geometry.isEmpty():
        window.restoreGeometry(saved_geometry)
        wanted = window.frameGeometry()
    else:
        wanted = QRect(area)
    frame = clamped(wanted, area)
    client = frame.adjusted(*_frame_margins(window))
    window.setGeometry(client)
    return client


def keep_on_screen(window: QWidget) -> None:
    """Move and shrink ``window`` only if its frame reaches past the available area (a window
    fitted before it was shown gets its title bar afterwards)."""
    area = available_geometry(window)
    frame = window.frameGeometry()
    if not area.contains(frame):
        window.setGeometry(clamped(frame, area).adjusted(*_frame_margins(window)))


def _frame_margins(window: QWidget) -> tuple[int, int, int, int]:
    """(left, top, -right, -bottom) of the window manager's frame; zeros before it exists."""
    frame, inner = window.frameGeometry(), window.geometry()
    if not window.isVisible() or frame == inner:
        return 0, 0, 0, 0
    return (inner.left() - frame.left(), inner.top() - frame.top(),
            inner.right() - frame.right(), inner.bottom() - frame.bottom())


def no_elided_tabs(root: QWidget) -> None:
    """Every tab bar under ``root`` shows whole titles, and asks for the width they need."""
    for tabs in root.findChildren(QTabWidget):
        tabs.setElideMode(Qt.TextElideMode.ElideNone)
        tabs.setUsesScrollButtons(False)
        at_least_its_hint(tabs)
    for bar in root.findChildren(QTabBar):
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setUsesScrollButtons(False)
        bar.setExpanding(False)


def vertical_scrolling_only(root: QWidget) -> None:
    """Scroll areas under ``root`` never scroll sideways: each is at least as wide as what it
    holds would like (its size hint: combo boxes show their whole choice), plus room for the
    vertical scroll bar, so its dock grows to show it."""
    scroll_bar = root.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    for area in root.findChildren(QScrollArea):
        content = area.widget()
        if content is None or not area.widgetResizable():
            continue
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        need = content.sizeHint().width() + scroll_bar + 2 * area.frameWidth()
        area.setMinimumWidth(max(_own_minimum_width(area), need))


def at_least_its_hint(widget: QWidget) -> None:
    """A fixed minimum width chosen once (``setMinimumWidth(240)``) must not let the widget get
    narrower than its content needs at the current font: take the larger of the two."""
    widget.setMinimumWidth(max(_own_minimum_width(widget), widget.minimumSizeHint().width()))


def _own_minimum_width(widget: QWidget) -> int:
    """The minimum width the widget's own code set, remembered before these rules change it, so
    the rules can run again after a font change and also shrink back."""
    own = widget.property(OWN_MINIMUM)
    if own is None:
        own = widget.minimumWidth()
        widget.setProperty(OWN_MINIMUM, own)
    return int(own)


def apply_fit_rules(root: QWidget) -> None:
    """The two text rules above, on every panel under ``root`` (run once the panels exist)."""
    vertical_scrolling_only(root)  # first: a tab page's scroll area then asks for its width
    no_elided_tabs(root)

