"""Presentation mode: the whole interface larger, for a projector at the back of a classroom.

View ▸ Presentation mode (checkable) switches between the desktop size and the presentation
scale; Ctrl+Shift+= / Ctrl+Shift+− make everything one step larger or smaller. The scale itself is
one number in gui/style.py; this module applies it to what already exists on screen:

* the application font (every widget without a font of its own follows it);
* every widget's style sheet: point sizes written in it (small hints, formulas, the help text)
  at the scale, and re-set even without one, because a widget styled by a sheet keeps the font
  it was polished with when the application font changes. While the scale is not 1, a sheet set
  later (a dialog or an inspector tensor view created afterwards, a label re-styled by its
  owner) is rewritten at the scale as it is set (`SheetScaler`), so widgets never need to know;
* the plots: axis labels and tick fonts, and the width of every curve's pen;
* the canvas: every card lays itself out again in its fonts at the new scale (a card at 150 %
  is 1.5 times as large, text and padding alike), then the network is fitted into the canvas
  once the docks have taken the new fonts (the canvas is smaller when they grew).

The window never becomes larger than its screen for it: when the docks of the current workspace
cannot fit at the new scale (Build at 150 % needs 1439 px, wider than a 1280×720 projector), the
scale steps back down to the largest that fits, and the status bar says so.

It is remembered between sessions in the window's QSettings (``view/ui_scale``, and the scale
presentation mode returns to, ``view/presentation_scale``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from gui import style
from gui import screen_fit
from gui.screen_fit import apply_fit_rules

if TYPE_CHECKING:
    from gui.main_window import MainWindow

SCALE_KEY = "view/ui_scale"
PRESENTATION_KEY = "view/presentation_scale"
BASE_SHEET = "_base_style_sheet"  # dynamic property: a widget's style sheet at scale 1
APPLIED_SHEET = "_scaled_style_sheet"  # dynamic property: what this module set it to
BASE_PEN = "_nc_base_pen_width"  # attribute on a pyqtgraph item: its pen width at scale 1
BIGGER_KEYS = ("Ctrl+Shift+=", "Ctrl+Shift++")  # "+" is Shift+= on most keyboards
SMALLER_KEYS = ("Ctrl+Shift+-", "Ctrl+Shift+_")
FIT_CHECK_MS = 50  # after the widgets have taken the new font (a posted event) and relaid out


class InterfaceScale(QObject):
    """Applies and remembers the interface scale of one window."""

    scale_changed = Signal(float)

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        app = QApplication.instance()
        self._base_points = app.font().pointSizeF() / style.ui_scale() if app else 9.0
        self.presentation_action = self._action(
            "&Presentation mode", [], "Make the whole interface larger, for a "
            "projector (Ctrl+Shift+= / Ctrl+Shift+− adjust it)", checkable=True)
        self.presentation_action.toggled.connect(self._on_presentation_toggled)
        self.bigger_action = self._action("Interface &Larger", BIGGER_KEYS,
                                          "Make fonts, cards and plots larger")
        self.bigger_action.triggered.connect(lambda: self.step(+1))
        self.smaller_action = self._action("Interface &Smaller", SMALLER_KEYS,
                                           "Make fonts, cards and plots smaller")
        self.smaller_action.triggered.connect(lambda: self.step(-1))

    def _action(self, text: str, keys, tip: str, checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.setCheckable(checkable)
        self.window.addAction(action)
        return action

    @property
    def actions(self) -> list[QAction]:
        return [self.presentation_action, self.bigger_action, self.smaller_action]

    # ----- commands ----------------------------------------------------------------------
    def restore(self) -> None:
        """Apply the scale of the last session (the desktop size if none or unreadable) to the
        panels just built, whose curves were all drawn at the desktop width."""
        self.set_scale(_as_float(self.settings.value(SCALE_KEY), style.UI_SCALE_DEFAULT),
                       drawn_at=style.UI_SCALE_DEFAULT)

    def step(self, direction: int) -> None:
        self.set_scale(style.ui_scale() + direction * style.UI_SCALE_STEP)

    def set_scale(self, scale: float, drawn_at: float | None = None) -> float:
        """``drawn_at``: the scale unmarked curves were drawn at (default: the one in force,
        because the plots draw a new run's faded history curve from the current, scaled pen)."""
        old = style.ui_scale()
        new = style.set_ui_scale(scale)
        self._apply(new, old, old if drawn_at is None else drawn_at)
        self.settings.setValue(SCALE_KEY, new)
        if new > style.UI_SCALE_DEFAULT:
            self.settings.setValue(PRESENTATION_KEY, new)
        self.presentation_action.blockSignals(True)
        self.presentation_action.setChecked(new > style.UI_SCALE_DEFAULT)
        self.presentation_action.blockSignals(False)
        self.scale_changed.emit(new)
        if self.window.isVisible():
            QTimer.singleShot(FIT_CHECK_MS, self.keep_fitting)
        return new

    def keep_fitting(self) -> None:
        """Step the scale down while the window's minimum size is larger than its screen."""
        area = screen_fit.available_geometry(self.window)
        frame = self.window.frameGeometry().size() - self.window.geometry().size()
        need = self.window.minimumSizeHint() + frame  # its title bar and borders too
        fits = need.width() <= area.width() and need.height() <= area.height()
        if fits or style.ui_scale() <= style.UI_SCALE_DEFAULT:
            screen_fit.keep_on_screen(self.window)
            self._fit_network()  # into the canvas the docks left at the new font
            return
        scale = self.set_scale(max(style.UI_SCALE_DEFAULT, style.ui_scale() - style.UI_SCALE_STEP))
        show = getattr(self.window, "show_message", None)
        if callable(show):
            show(f"Interface at {scale:.0%}: larger would not fit this "
                 f"{area.width()}×{area.height()} screen.")

    def _on_presentation_toggled(self, on: bool) -> None:
        if not on:
            self.set_scale(style.UI_SCALE_DEFAULT)
            return
        remembered = _as_float(self.settings.value(PRESENTATION_KEY), style.PRESENTATION_SCALE)
        self.set_scale(remembered if remembered > style.UI_SCALE_DEFAULT
                       else style.PRESENTATION_SCALE)

    # ----- applying ----------------------------------------------------------------------
    def _apply(self, new: float, old: float, drawn_at: float) -> None:
        app = QApplication.instance()
        if app is not None:
            app.setFont(style.at_interface_scale(app.font(), self._base_points))
            SheetScaler.follow(app, new)
        for root in _windows(self.window):
            scale_style_sheets(root, new)
        scale_plots(self.window, new, drawn_at)
        scale_cards(self.window)
        apply_fit_rules(self.window)  # widths measured in the new font
        if abs(new - old) > 1e-9:
            self._fit_network()  # again once the docks relaid out (keep_fitting), if shown

    def _fit_network(self) -> None:
        view = getattr(self.window, "view", None)  # None while the window is being built
        if view is not None:
            view.fit_to_view()


def _windows(window: QWidget) -> list[QWidget]:
    """``window`` and the top-level widgets that are not its children (a Help window without a
    parent): each is scaled with everything under it."""
    app = QApplication.instance()
    others = [w for w in app.topLevelWidgets() if w is not window and w.parentWidget() is None
              and not window.isAncestorOf(w)] if app is not None else []
    return [window, *others]


def scale_style_sheets(root: QWidget, scale: float) -> None:
    """Every style sheet under ``root`` at ``scale`` (from its desktop text), re-set even when its
    text does not change so that the widget takes the application font in force."""
    for widget in [root, *root.findChildren(QWidget)]:
        scale_style_sheet(widget, scale, force=True)


def scale_style_sheet(widget: QWidget, scale: float, force: bool = False) -> None:
    """``widget``'s sheet at ``scale``. Its desktop text is the sheet it has, unless that is the
    one this function set (its owner sets desktop text: the constants of gui/style.py)."""
    current = widget.styleSheet()
    base = widget.property(BASE_SHEET)
    if base is None or current != widget.property(APPLIED_SHEET):
        base = current
    if not base:
        return
    scaled = style.scaled_style_sheet(base, scale)
    widget.setProperty(BASE_SHEET, base)
    widget.setProperty(APPLIED_SHEET, scaled)
    if force or scaled != current:
        widget.setStyleSheet(scaled)


class SheetScaler(QObject):
    """While the interface scale is not 1: rewrites a widget's style sheet at the scale as soon as
    it is set (Qt sends the widget a StyleChange event then), so a widget created after the
    switch, or re-styled by its owner, gets the scaled size. It costs about 1 µs an event (some
    1000 events a second while the digits MLP trains in the window: 0.1 % of a core); at the
    desktop size there is nothing to rewrite, and it is removed."""

    _installed: "SheetScaler | None" = None

    @classmethod
    def follow(cls, app: QApplication, scale: float) -> None:
        on = abs(scale - style.UI_SCALE_DEFAULT) > 1e-9
        if on and cls._installed is None:
            cls._installed = cls(app)
            app.installEventFilter(cls._installed)
        elif not on and cls._installed is not None:
            app.removeEventFilter(cls._installed)
            cls._installed.deleteLater()
            cls._installed = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.StyleChange and isinstance(watched, QWidget) \
                and style.ui_scale() != style.UI_SCALE_DEFAULT:
            scale_style_sheet(watched, style.ui_scale())
        return False


def scale_cards(window: QWidget) -> None:
    """Each canvas card laid out again in its fonts at the scale in force (edges follow)."""
    view = getattr(window, "view", None)
    scene = view.scene() if view is not None else None
    for item in getattr(scene, "layer_items", {}).values():
        item.follow_interface_scale()


def scale_plots(root: QWidget, scale: float, drawn_at: float = style.UI_SCALE_DEFAULT) -> None:
    """Titles, axis fonts and curve pens of the pyqtgraph plots under ``root`` (if loaded); a
    curve met for the first time is taken to be drawn at scale ``drawn_at``."""
    import sys
    pg = sys.modules.get("pyqtgraph")
    if pg is None:
        return  # no plot exists before pyqtgraph is imported
    for plot in root.findChildren(pg.PlotWidget):
        item = plot.getPlotItem()
        for name in ("left", "bottom", "right", "top"):
            axis = item.getAxis(name)
            axis.setStyle(tickFont=style.font())
            axis.label.setFont(style.font())
            axis.setLabel(axis.labelText, units=axis.labelUnits)
        for curve in item.listDataItems():
            _scale_pen(curve, scale, drawn_at)


def _scale_pen(curve, scale: float, drawn_at: float) -> None:
    pen = curve.opts.get("pen") if hasattr(curve, "opts") else None
    if pen is None or not hasattr(pen, "widthF"):
        return
    base = getattr(curve, BASE_PEN, None)
    if base is None:
        base = pen.widthF() / drawn_at
        setattr(curve, BASE_PEN, base)
    scaled = type(pen)(pen)
    scaled.setWidthF(base * scale)
    curve.setPen(scaled)


def _as_float(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
