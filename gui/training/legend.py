"""The plots' legend, drawn under them instead of inside them.

pyqtgraph's legend sits inside the plot area and grows by one line with each kept run: after three
runs it covered the curves of a 180 px plot. Here one line names the current run's curves (train,
validation, batch) for both plots at once, and the faded runs are a list behind a toggle, so the
plots keep their whole area however many runs are shown. The list starts collapsed because the
plots need the height in a small dock; the toggle says how many runs there are and its tooltip
names them.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from gui.style import BATCH_COLOR, MUTED_STYLE, SMALL_MUTED_STYLE, TRAIN_COLOR, VALIDATION_COLOR
from gui.training.controls import stacked_layout

SOLID, DASHED = "━━", "╍╍"


def swatch(color: str, dashed: bool = False) -> str:
    """A short line in ``color`` (rich text), solid or dashed like the curve it stands for."""
    return f"<span style='color:{color}'>{DASHED if dashed else SOLID}</span>"


def _batch_color() -> str:
    r, g, b, _ = BATCH_COLOR
    return f"rgb({r},{g},{b})"


class RunLegend(QWidget):
    """``set_current(validation, batches)`` and ``set_runs([(label, color), ...])``."""

    toggled = Signal(bool)  # the past runs' list was shown (True) or hidden

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plot_legend")
        self.current = QLabel()
        self.current.setObjectName("legend_current")
        self.current.setTextFormat(Qt.TextFormat.RichText)
        self.current.setStyleSheet(MUTED_STYLE)
        self.current.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.toggle = QToolButton()
        self.toggle.setObjectName("legend_toggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._on_toggled)
        self.runs_label = QLabel()
        self.runs_label.setObjectName("legend_runs")
        self.runs_label.setTextFormat(Qt.TextFormat.RichText)
        self.runs_label.setWordWrap(True)
        self.runs_label.setStyleSheet(SMALL_MUTED_STYLE)
        self.runs: list[tuple[str, str]] = []
        self._current: tuple[bool, bool] | None = None
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.current, 1)
        row.addWidget(self.toggle)
        stacked_layout(self, (row, self.runs_label), margins=(2, 0, 2, 0))
        self.set_current(True, True)
        self.set_runs([])

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_current(self, validation: bool, batches: bool) -> None:
        if self._current == (validation, batches):
            return  # called at every refresh of the batch curve
        self._current = (validation, batches)
        parts = [f"{swatch(TRAIN_COLOR)} train"]
        if validation:
            parts.append(f"{swatch(VALIDATION_COLOR)} validation")
        if batches:
            parts.append(f"{swatch(_batch_color())} batch loss")
        self.current.setText("&nbsp;&nbsp;".join(parts))

    def set_runs(self, runs: list[tuple[str, str]]) -> None:
        """The faded runs, oldest first: (legend label, colour name)."""
        self.runs = list(runs)
        count = len(runs)
        self.toggle.setVisible(count > 0)
        self.toggle.setText(f"{'▾' if self.expanded else '▸'} {count} earlier "
                            f"run{'s' if count != 1 else ''}")
        lines = ["Earlier runs, faded (solid: train, dashed: validation):"]
        lines += [f"{swatch(color)} {html.escape(label)}" for label, color in runs]
        self.runs_label.setText("<br>".join(lines))
        self.toggle.setToolTip("Faded curves of earlier runs:\n" +
                               "\n".join(label for label, _ in runs) if runs else "")
        self.runs_label.setVisible(self.expanded and count > 0)

    def _on_toggled(self, on: bool) -> None:
        self.set_runs(self.runs)
        self.toggled.emit(on)
