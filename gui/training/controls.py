"""Run controls: Train/Continue, Pause/Resume, Stop, Step, Reset weights; progress and banner.

The buttons show QActions, so the same actions carry the keyboard shortcuts (on the panel, or
window-wide once `install` adds them to the main window) and can be put in a menu. The bar only
displays state; the panel connects the actions to the training session.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QMenu, QHBoxLayout, QLayout, QSizePolicy, QLabel, QProgressBar,
                               QSlider, QToolButton, QVBoxLayout, QWidget)

from gui.flow_layout import FlowLayout
from gui.style import ERROR_STYLE, INFO_STYLE, MUTED_STYLE, PROGRESS_STYLES, WARNING_STYLE
from gui.training.messages import RunState

SHORTCUTS = {"train": "F5", "stop": "Shift+F5", "step_batch": "F6", "step_epoch": "F7",
             "pause": "F8"}
ACTION_TEXTS = {
    "train": ("Train", "Train the network (F5)"),
    "pause": ("Pause", "Pause training; step or resume later (F8)"),
    "stop": ("Stop", "Stop training and keep the weights reached so far (Shift+F5)"),
    "step_batch": ("Step batch", "Train one batch, then pause (F6)"),
    "step_epoch": ("Step epoch", "Train one epoch, then pause (F7)"),
    "reset": ("Reset weights", "Forget the trained weights (one undo step); the next run starts "
              "from random weights drawn with the seed"),
}
RESET_CHOICES = {  # Reset weights' menu; its button does the first one available
    "starting": ("Reset to the lesson's starting weights",
                 "Put back the weights the file held when it was opened (the lesson's starting "
                 "point, e.g. W = 0), so its hand calculation holds again (one undo step)"),
    "random": ("Re-initialise randomly",
               "Forget the weights (one undo step); the next run starts from random weights drawn "
               "with the seed"),
}
BANNER_STYLES = {"error": ERROR_STYLE, "warning": WARNING_STYLE, "info": INFO_STYLE}
# Slow motion, slowest first; None (the slider's right end) is full speed.
SPEEDS: tuple[float | None, ...] = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, None)
SPEED_TIP = ("Slow motion: at most this many epochs a second, so you can watch the loss and the "
             "decision boundary change epoch by epoch. Full speed trains as fast as it can. "
             "You can change it during a run.")


def speed_text(speed: float | None) -> str:
    return "Full speed" if speed is None else f"{speed:g} epoch{'s' if speed != 1 else ''}/s"


class SpeedControl(QWidget):
    """A slider from 1 epoch/s (left) to Full speed (right), with its value written beside it."""

    speed_changed = Signal(object)  # float epochs/s, or None for full speed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("training_speed")
        self.slider.setRange(0, len(SPEEDS) - 1)
        self.slider.setPageStep(1)
        self.slider.setValue(len(SPEEDS) - 1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setFixedWidth(84)
        self.slider.setAccessibleName("Training speed")
        self.label = QLabel()
        self.label.setObjectName("training_speed_label")
        width = max(self.label.fontMetrics().horizontalAdvance(speed_text(s)) for s in SPEEDS)
        self.label.setMinimumWidth(width + 4)  # the row does not jump as the value changes
        for widget in (self, self.slider, self.label):
            widget.setToolTip(SPEED_TIP)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.slider)
        row.addWidget(self.label)
        self.slider.valueChanged.connect(self._on_value)
        self._on_value(self.slider.value())

    @property
    def speed(self) -> float | None:
        return SPEEDS[self.slider.value()]

    def set_speed(self, speed: float | None) -> None:
        self.slider.setValue(SPEEDS.index(speed) if speed in SPEEDS else len(SPEEDS) - 1)

    def _on_value(self, index: int) -> None:
        self.label.setText(speed_text(SPEEDS[index]))
        self.speed_changed.emit(SPEEDS[index])


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def stacked_layout(parent: QWidget, items, margins=(0, 0, 0, 0), spacing: int = 0) -> QVBoxLayout:
    """``parent``'s layout: ``items`` (widgets and layouts) from top to bottom, ``margins`` (left,
    top, right, bottom) around them and ``spacing`` pixels between them."""
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    for item in items:
        if isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)
    return layout


class ControlsBar(QWidget):
    layer_activated = Signal(str)  # the banner's "Show layer" link

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actions = {name: self._action(name) for name in ACTION_TEXTS}
        self.buttons = {name: self._button(action) for name, action in self.actions.items()}
        self.progress = QProgressBar()
        self.progress.setObjectName("training_progress")
        self.progress.setTextVisible(True)
        self.progress.setFormat("Ready")
        self.progress.setValue(0)
        self.status = QLabel("Press Train (F5) to start.")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status.setObjectName("training_status")
        self.status.setStyleSheet(MUTED_STYLE)
        self.metrics = QLabel("")
        self.metrics.setObjectName("training_metrics")
        self.metrics.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long metrics line must never widen the window
        self.metrics.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.banner = QLabel()
        self.banner.setObjectName("training_banner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.linkActivated.connect(self._on_link)
        self.banner.hide()
        self.banner_level = ""
        self.outcome_level = "ok"
        self.reset_actions = {name: self._reset_action(name) for name in RESET_CHOICES}
        self.reset_menu = QMenu(self)
        self.reset_menu.addActions(list(self.reset_actions.values()))
        self.buttons["reset"].setMenu(self.reset_menu)
        self.buttons["reset"].setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.speed = SpeedControl()
        self._layout()

    def _new_action(self, object_name: str, text: str, tip: str) -> QAction:
        """An action whose tooltip and status-bar tip are both ``tip``."""
        action = QAction(text, self)
        action.setObjectName(object_name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def _action(self, name: str) -> QAction:
        action = self._new_action(f"training_{name}", *ACTION_TEXTS[name])
        if name in SHORTCUTS:
            action.setShortcut(QKeySequence(SHORTCUTS[name]))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return action

    def _reset_action(self, name: str) -> QAction:
        return self._new_action(f"training_reset_{name}", *RESET_CHOICES[name])

    def set_reset_choices(self, available: dict[str, bool], lesson: bool = True) -> None:
        """``available``: each choice the network offers (in `RESET_CHOICES` order, the default
        first) -> whether it would change anything now. Reset weights does the default. A file
        without a lesson names its starting weights as the file's."""
        self.reset_actions["starting"].setText(RESET_CHOICES["starting"][0] if lesson
                                               else "Reset to the weights in the file")
        for name, action in self.reset_actions.items():
            action.setVisible(name in available)
            action.setEnabled(available.get(name, False))
        default = next(iter(available), "random")
        reset = self.actions["reset"]
        reset.setEnabled(available.get(default, False))
        reset.setToolTip(RESET_CHOICES[default][1] + (" — the menu ▾ offers the other choice"
                                                      if len(available) > 1 else ""))

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setMinimumWidth(40)
        return button

    def _layout(self) -> None:
        row = FlowLayout(spacing=4)  # wraps onto a second line in a narrow dock
        for name in ("train", "pause", "stop", "step_batch", "step_epoch", "reset"):
            row.addWidget(self.buttons[name])
        third = QHBoxLayout()
        third.addWidget(self.metrics, 1)
        third.addWidget(self.status)
        third.addSpacing(8)
        third.addWidget(self.speed)
        stacked_layout(self, (row, self.progress, third, self.banner), spacing=3)

    # ----- state -------------------------------------------------------------------------
    def set_state(self, state: RunState, has_weights: bool) -> None:
        """Enable what makes sense now and name the Train button after what it will do."""
        a = self.actions
        idle, paused = state == RunState.IDLE, state == RunState.PAUSED
        going = state in (RunState.RUNNING, RunState.PREPARING)
        a["train"].setText("Resume" if paused else "Continue" if has_weights else "Train")
        a["train"].setToolTip(_train_tip(paused, has_weights))
        a["train"].setEnabled(idle or paused)
        a["pause"].setEnabled(going)
        a["stop"].setEnabled(going or paused)
        a["step_batch"].setEnabled(idle or paused)
        a["step_epoch"].setEnabled(idle or paused)
        a["reset"].setEnabled(idle and has_weights)
        if state == RunState.PREPARING:
            self.set_outcome_level("ok")
            self.progress.setFormat("Preparing: loading the data and building the network…")
        elif state == RunState.STOPPING:
            self.progress.setFormat("Stopping…")

    def show_progress(self, batch, epochs_total: int, paused: bool, epoch_offset: int = 0) -> None:
        """Bar and status line from the latest BatchStats, with elapsed time and an ETA
        extrapolated from the share of this run done. Epochs count on from the ``epoch_offset``
        the weights already had, like the plots' axis: a Continue of 100 after 200 reads
        "Epoch 250 of 300", and the bar starts two thirds full."""
        run_epochs = max(epochs_total, 1)
        run_done = (batch.epoch - 1 + batch.batch / max(batch.batches, 1)) / run_epochs
        run_done = min(max(run_done, 0.0), 1.0)
        total = epoch_offset + run_epochs
        done = (epoch_offset + run_done * run_epochs) / total
        self.progress.setMaximum(100)
        if int(done * 100) != self.progress.value():  # setValue repaints synchronously
            self.progress.setValue(int(done * 100))
        prefix = "Paused at epoch" if paused else "Epoch"
        eta = batch.elapsed * (1 - run_done) / run_done if run_done > 0 else 0.0
        # Times live in the bar, whose width is fixed, so the metrics line below keeps its room.
        self.progress.setFormat(f"{prefix} {epoch_offset + batch.epoch} of {total} · batch "
                                f"{batch.batch}/{batch.batches} · {format_duration(batch.elapsed)} "
                                f"elapsed, ETA {format_duration(eta) if run_done < 1 else '0:00'}")
        self.status.setText("")

    def show_epoch(self, stats) -> None:
        """Latest epoch's numbers, compact enough for a narrow dock ("val" = validation); the
        tooltip spells them out."""
        short, full = [], [f"after epoch {stats.epoch}:"]  # the progress bar shows the epoch
        for name, train, val, fmt in (("loss", stats.train_loss, stats.val_loss, "{:.4g}"),
                                      ("accuracy", stats.train_accuracy, stats.val_accuracy,
                                       "{:.1%}")):
            if train is None:
                continue
            text = fmt.format(train)
            short.append(f"{'acc' if name == 'accuracy' else name} {text}"
                         + (f" (val {fmt.format(val)})" if val is not None else ""))
            full.append(f"training {name} {text}"
                        + (f", validation {name} {fmt.format(val)}" if val is not None else ""))
        self.metrics.setText(" · ".join(short) or f"epoch {stats.epoch}")
        self.metrics.setToolTip("\n".join(full))

    def set_outcome_level(self, level: str) -> None:
        """Colour the bar by how the last run ended (gui.style.PROGRESS_STYLES)."""
        self.outcome_level = level
        self.progress.setStyleSheet(PROGRESS_STYLES[level])

    def show_idle(self, trained_epochs: int) -> None:
        """A network was opened: an empty bar, or the epochs its saved weights were trained for."""
        self.set_outcome_level("ok")
        self.progress.setMaximum(100)
        self.progress.setValue(0)
        if trained_epochs:
            plural = "s" if trained_epochs != 1 else ""
            self.progress.setFormat(f"Trained for {trained_epochs} epoch{plural} (saved in the file)")
            self.status.setText("Press Continue (F5) to train further.")
        else:
            self.progress.setFormat("Ready")
            self.status.setText("Press Train (F5) to start.")
        self.metrics.setText("")
        self.metrics.setToolTip("")

    def show_finished(self, text: str, elapsed: float, level: str = "ok") -> None:
        """``level``: "ok", "warning" (it learned nothing) or "error" (diverged, failed)."""
        self.set_outcome_level(level)
        self.progress.setFormat(text)
        self.status.setText(f"took {format_duration(elapsed)}")

    def show_banner(self, text: str, level: str, node: str | None = None) -> None:
        body = html.escape(text)
        if node:
            body += f" <a href='layer:{html.escape(node)}'>Show '{html.escape(node)}'</a>"
        self.banner.setText(body)
        self.banner.setStyleSheet(BANNER_STYLES.get(level, INFO_STYLE) +
                                  " padding:4px 6px; border-radius:4px;")
        self.banner_level = level
        self.banner.show()

    def clear_banner(self) -> None:
        self.banner.clear()
        self.banner_level = ""
        self.banner.hide()

    def _on_link(self, link: str) -> None:
        if link.startswith("layer:"):
            self.layer_activated.emit(link[len("layer:"):])


def _train_tip(paused: bool, has_weights: bool) -> str:
    if paused:
        return "Resume the paused run (F5)"
    if has_weights:
        return ("Continue training from the weights shown on the canvas (F5). Use Reset weights "
                "to start again from random weights.")
    return "Train from random weights drawn with the seed (F5)"
