"""The inspector panel's widgets, built once: the data row, the step buttons, the tensor and
formula areas, the footer and the step keys.

Why a module of its own: building the panel's ~25 widgets is long and says nothing about what
the panel does with them; kept apart, `InspectorPanel` reads as its behaviour. Each function
builds one part on the panel it is given and returns the layout to insert; the widgets stay
attributes of the panel (``panel.sample_spin``, ``panel.buttons``, ``panel.formula``, ...),
which is the panel's public surface for the window, the tests and the benchmarks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QRadioButton, QScrollArea, QSpinBox, QSplitter, QVBoxLayout,
                               QWidget)

from gui.inspector.answer_box import AnswerBox
from gui.inspector.timeline import TimelineBar
from gui.param_editors import guard_wheel
from gui.style import FORMULA_STYLE, MUTED_STYLE, NOTICE_STYLE, marks_in_place

if TYPE_CHECKING:
    from gui.inspector.panel import InspectorPanel

UNKNOWN_SIZE = 10**9
KEYS = {"step": ("Right", "N"), "step_back": ("Left", "P"), "restart": ("Home",),
        "go_to_end": ("End",)}
# What each key does, as Help ▸ Keyboard shortcuts lists it (it reads a QShortcut's whatsThis).
KEY_TEXTS = {"step": "Inspector: next step", "step_back": "Inspector: previous step",
             "restart": "Inspector: first step", "go_to_end": "Inspector: last step"}


def build(panel: "InspectorPanel") -> None:
    """Every widget of the panel, top to bottom."""
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.setSpacing(5)
    layout.addLayout(_data_row(panel))
    layout.addLayout(_nav(panel))
    panel.timeline = TimelineBar()
    panel.timeline.stage_clicked.connect(panel.go_to)
    layout.addWidget(panel.timeline)
    panel.status = QLabel(wordWrap=True)
    panel.notice = QLabel(wordWrap=True)
    panel.notice.setStyleSheet(NOTICE_STYLE)
    panel.stage_title = QLabel(wordWrap=True)
    panel.explanation = QLabel(wordWrap=True)
    panel.explanation.setStyleSheet(MUTED_STYLE)
    panel.explanation.setFont(marks_in_place(panel.explanation.font()))
    for widget in (panel.status, panel.notice, panel.stage_title, panel.explanation):
        layout.addWidget(widget)
    layout.addWidget(_splitter(panel), 1)
    panel.answer_box = AnswerBox()  # outside the scrolled parts: its verdict is never cut
    layout.addWidget(panel.answer_box)
    layout.addLayout(_footer(panel))


def install_keys(panel: "InspectorPanel") -> None:
    """Right/N, Left/P, Home, End while the panel (or a child) has the focus."""
    for action, keys in KEYS.items():
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), panel)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setWhatsThis(KEY_TEXTS[action])
            shortcut.activated.connect(getattr(panel, action))


def _data_row(panel: "InspectorPanel") -> QGridLayout:
    panel.sample_radio = QRadioButton("Sample")
    panel.batch_radio = QRadioButton("Current batch")
    panel.batch_radio.setToolTip("The first batch training would take (same shuffle and seed)")
    group = QButtonGroup(panel)
    group.addButton(panel.sample_radio)
    group.addButton(panel.batch_radio)
    panel.sample_radio.setChecked(True)
    # The maximum is exact once the data is loaded.
    panel.sample_spin = guard_wheel(QSpinBox(minimum=0, maximum=UNKNOWN_SIZE))
    panel.sample_spin.setToolTip("Row of the training set (0 = the first)")
    panel.sample_label = QLabel()
    panel.sample_label.setStyleSheet(MUTED_STYLE)
    panel.sample_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    grid = QGridLayout()
    grid.addWidget(panel.sample_radio, 0, 0)
    grid.addWidget(panel.sample_spin, 0, 1)
    grid.addWidget(panel.batch_radio, 0, 2)
    grid.addWidget(panel.sample_label, 1, 0, 1, 4)
    grid.setColumnStretch(3, 1)
    return grid


def _nav(panel: "InspectorPanel") -> QVBoxLayout:
    specs = [("restart", "⇤ Restart", "Back to the first stage (Home)", panel.restart),
             ("back", "◀ Back", "Step back (Left or P)", panel.step_back),
             ("step", "Step ▶", "Next stage (Right or N)", panel.step),
             ("forward_all", "Forward all", "Run every layer forward", panel.forward_all),
             ("backward_all", "Backward all", "Run the loss and every layer backward",
              panel.backward_all),
             ("update", "Run to update", "Go to the optimizer update", panel.run_to_update)]
    panel.buttons = {}
    rows = [QHBoxLayout(), QHBoxLayout()]
    for i, (key, text, tip, slot) in enumerate(specs):
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        panel.buttons[key] = button
        rows[i // 3].addWidget(button)
    panel.buttons["step"].setDefault(True)
    box = QVBoxLayout()
    box.setSpacing(3)
    for row in rows:
        box.addLayout(row)
    return box


def _splitter(panel: "InspectorPanel") -> QSplitter:
    """The tensors (scrolled) over the neuron's formula (scrolled too, sized to its text)."""
    panel.tensor_host = QWidget()
    panel.tensor_layout = QVBoxLayout(panel.tensor_host)
    panel.tensor_layout.setContentsMargins(0, 0, 4, 0)
    panel.tensor_layout.addStretch(1)
    panel.scroll = QScrollArea(widgetResizable=True)
    panel.scroll.setWidget(panel.tensor_host)
    panel.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(panel.scroll)
    splitter.addWidget(_neuron_box(panel))
    splitter.setStretchFactor(0, 1)
    splitter.setStretchFactor(1, 0)
    splitter.setChildrenCollapsible(False)
    panel.splitter = splitter
    return splitter


def _neuron_box(panel: "InspectorPanel") -> QScrollArea:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    row = QHBoxLayout()
    panel.neuron_label = QLabel("Neuron")
    panel.neuron_spin = guard_wheel(QSpinBox(minimum=1, maximum=1))
    panel.neuron_spin.setToolTip("Which unit of this Dense layer (or click a column)")
    panel.neuron_spin.valueChanged.connect(lambda v: panel.select_unit(v - 1))
    row.addWidget(panel.neuron_label)
    row.addWidget(panel.neuron_spin)
    row.addStretch(1)
    panel.formula = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
    panel.formula.setObjectName("formula")
    panel.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    panel.formula.setStyleSheet(FORMULA_STYLE)
    panel.formula.setFont(marks_in_place(panel.formula.font()))
    layout.addLayout(row)
    layout.addWidget(panel.formula)
    layout.addStretch(1)
    panel.neuron_box = box
    scroll = QScrollArea(widgetResizable=True)
    scroll.setWidget(box)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    panel.neuron_scroll = scroll
    return scroll


def _footer(panel: "InspectorPanel") -> QHBoxLayout:
    panel.loss_label = QLabel()
    panel.loss_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    panel.apply_button = QPushButton("Apply step")
    panel.apply_button.setToolTip("Write the updated weights into the network (one undo step)")
    panel.apply_button.clicked.connect(panel.apply_step)
    row = QHBoxLayout()
    row.addWidget(panel.loss_label, 1)
    row.addWidget(panel.apply_button)
    return row
