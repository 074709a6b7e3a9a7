"""The inspector panel: one training step of the user's own network, stage by stage.

The panel owns display state only (which stage, which neuron, what is revealed). The numbers come
from a `TraceResult` computed off the GUI thread from a snapshot of the document; any change to
the graph, the dataset or the training settings invalidates it and a fresh trace is requested
(debounced, and only while the panel is visible, so live training updates do not pile up work).
"Apply step" writes the traced update into the graph as one undo step.

Keyboard (while the panel has focus): Right or N = step, Left or P = step back, Home = restart,
End = last stage.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from shiboken6 import isValid
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QRadioButton, QScrollArea, QSpinBox, QSplitter, QVBoxLayout,
                               QWidget)

from core.display_names import labels_of, name_from
from core.graph import LAYOUT_EVENTS
from gui.canvas.overlays_inspector import PHASE_COLORS, InspectorOverlay
from gui.data_access import data_guard, outside_message
from gui.document import Document
from gui.param_editors import guard_wheel, localized_numbers
from gui.style import (ERROR_TEXT_STYLE, FORMULA_STYLE, MUTED_STYLE, NOTICE_STYLE, marks_in_place,
                       strong_html)
from core.inspection import formulas
from gui.inspector.answer_box import AnswerBox
from core.inspection.answers import loss_quantities, neuron_quantities
from core.inspection.stages import Stage, build_stages, jump_index, loss_facts, neuron_facts
from gui.inspector.tensor_view import TensorView
from gui.inspector.timeline import TimelineBar
from core.inspection.tracing import TraceResult
from gui.inspector.worker import TraceRunner

DEBOUNCE_MS = 120
UNKNOWN_SIZE = 10**9
MUTED = MUTED_STYLE
ERROR_STYLE = ERROR_TEXT_STYLE
KEYS = {"step": ("Right", "N"), "step_back": ("Left", "P"), "restart": ("Home",),
        "go_to_end": ("End",)}
# What each key does, as Help ▸ Keyboard shortcuts lists it (it reads a QShortcut's whatsThis).
KEY_TEXTS = {"step": "Inspector: next step", "step_back": "Inspector: previous step",
             "restart": "Inspector: first step", "go_to_end": "Inspector: last step"}


class InspectorPanel(QWidget):
    stage_changed = Signal(int)
    trace_updated = Signal(object)  # TraceResult (ok or with an error)
    step_applied = Signal()

    def __init__(self, document: Document, scene=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.scene = scene
        self.overlay = InspectorOverlay(scene, self) if scene is not None else None
        self.runner = TraceRunner(self)
        self.runner.trace_computed.connect(self._on_trace)
        self.result: TraceResult | None = None
        self.stages: list[Stage] = []
        self.index = 0
        self.units: dict[str, int] = {}  # selected neuron per Dense layer
        self.revealed: set[int] = set()
        self._answered_stage: tuple | None = None  # (index, phase, node) the typed answer is for
        self.tensor_views: dict[str, TensorView] = {}
        self.stale = True
        self._pending = False
        self._restart_on_result = False
        # Optimizer state after the steps applied here, so Adam/momentum continue as in training;
        # dropped by any change that is not our own Apply (see `_on_graph_changed`).
        self._optimizer_state = None
        self._applying = False
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.recompute)
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(self._fit_neuron_box)
        self._build()
        self._connect()
        self._show_status("Computing…", MUTED)
        self._update_buttons()

    # ----- construction ------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(5)
        layout.addLayout(self._build_data_row())
        layout.addLayout(self._build_nav())
        self.timeline = TimelineBar()
        self.timeline.stage_clicked.connect(self.go_to)
        layout.addWidget(self.timeline)
        self.status = QLabel(wordWrap=True)
        self.notice = QLabel(wordWrap=True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.stage_title = QLabel(wordWrap=True)
        self.explanation = QLabel(wordWrap=True)
        self.explanation.setStyleSheet(MUTED)
        self.explanation.setFont(marks_in_place(self.explanation.font()))
        for widget in (self.status, self.notice, self.stage_title, self.explanation):
            layout.addWidget(widget)
        layout.addWidget(self._build_splitter(), 1)
        self.answer_box = AnswerBox()  # outside the scrolled parts: its verdict is never cut
        layout.addWidget(self.answer_box)
        layout.addLayout(self._build_footer())

    def _build_data_row(self) -> QGridLayout:
        self.sample_radio = QRadioButton("Sample")
        self.batch_radio = QRadioButton("Current batch")
        self.batch_radio.setToolTip("The first batch training would take (same shuffle and seed)")
        group = QButtonGroup(self)
        group.addButton(self.sample_radio)
        group.addButton(self.batch_radio)
        self.sample_radio.setChecked(True)
        # The maximum is exact once the data is loaded.
        self.sample_spin = guard_wheel(QSpinBox(minimum=0, maximum=UNKNOWN_SIZE))
        self.sample_spin.setToolTip("Row of the training set (0 = the first)")
        self.sample_label = QLabel()
        self.sample_label.setStyleSheet(MUTED)
        self.sample_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid = QGridLayout()
        grid.addWidget(self.sample_radio, 0, 0)
        grid.addWidget(self.sample_spin, 0, 1)
        grid.addWidget(self.batch_radio, 0, 2)
        grid.addWidget(self.sample_label, 1, 0, 1, 4)
        grid.setColumnStretch(3, 1)
        return grid

    def _build_nav(self) -> QVBoxLayout:
        specs = [("restart", "⇤ Restart", "Back to the first stage (Home)", self.restart),
                 ("back", "◀ Back", "Step back (Left or P)", self.step_back),
                 ("step", "Step ▶", "Next stage (Right or N)", self.step),
                 ("forward_all", "Forward all", "Run every layer forward", self.forward_all),
                 ("backward_all", "Backward all", "Run the loss and every layer backward",
                  self.backward_all),
                 ("update", "Run to update", "Go to the optimizer update", self.run_to_update)]
        self.buttons: dict[str, QPushButton] = {}
        rows = [QHBoxLayout(), QHBoxLayout()]
        for i, (key, text, tip, slot) in enumerate(specs):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            self.buttons[key] = button
            rows[i // 3].addWidget(button)
        self.buttons["step"].setDefault(True)
        box = QVBoxLayout()
        box.setSpacing(3)
        for row in rows:
            box.addLayout(row)
        return box

    def _build_splitter(self) -> QSplitter:
        self.tensor_host = QWidget()
        self.tensor_layout = QVBoxLayout(self.tensor_host)
        self.tensor_layout.setContentsMargins(0, 0, 4, 0)
        self.tensor_layout.addStretch(1)
        self.scroll = QScrollArea(widgetResizable=True)
        self.scroll.setWidget(self.tensor_host)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.scroll)
        splitter.addWidget(self._build_neuron_box())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        return splitter

    def _build_neuron_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        self.neuron_label = QLabel("Neuron")
        self.neuron_spin = guard_wheel(QSpinBox(minimum=1, maximum=1))
        self.neuron_spin.setToolTip("Which unit of this Dense layer (or click a column)")
        self.neuron_spin.valueChanged.connect(lambda v: self.select_unit(v - 1))
        row.addWidget(self.neuron_label)
        row.addWidget(self.neuron_spin)
        row.addStretch(1)
        self.formula = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.formula.setObjectName("formula")
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula.setStyleSheet(FORMULA_STYLE)
        self.formula.setFont(marks_in_place(self.formula.font()))
        layout.addLayout(row)
        layout.addWidget(self.formula)
        layout.addStretch(1)
        self.neuron_box = box
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(box)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.neuron_scroll = scroll
        return scroll

    def _fit_neuron_box(self) -> None:
        """Give the formula the room it needs (up to half), the tensors the rest."""
        wanted = min(self.neuron_box.sizeHint().height() + 4, self.splitter.height() // 2)
        self.splitter.setSizes([max(1, self.splitter.height() - wanted), wanted])

    def _build_footer(self) -> QHBoxLayout:
        self.loss_label = QLabel()
        self.loss_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton("Apply step")
        self.apply_button.setToolTip("Write the updated weights into the network (one undo step)")
        self.apply_button.clicked.connect(self.apply_step)
        row = QHBoxLayout()
        row.addWidget(self.loss_label, 1)
        row.addWidget(self.apply_button)
        return row

    def _connect(self) -> None:
        doc = self.document
        doc.graph_changed.connect(self._on_graph_changed)
        doc.network_changed.connect(self._on_network_changed)
        doc.document_replaced.connect(self._on_document_replaced)
        self.sample_spin.valueChanged.connect(lambda _: self._on_selection_changed())
        self.sample_radio.toggled.connect(lambda _: self._on_selection_changed())
        self.answer_box.answered.connect(lambda _: self.reveal())
        self.answer_box.reveal_requested.connect(self.reveal)
        self.answer_box.hide_toggled.connect(lambda _: self._render_stage())
        for action, keys in KEYS.items():
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.setWhatsThis(KEY_TEXTS[action])
                shortcut.activated.connect(getattr(self, action))

    # ----- invalidation and tracing ------------------------------------------------------
    def invalidate(self) -> None:
        """The model changed: the shown numbers are out of date until the next trace arrives."""
        self.stale = True
        self._update_buttons()
        self._debounce.start()

    def _on_graph_changed(self, event) -> None:
        if event.kind == "label_changed":
            self._rename_stages()
        if event.kind in LAYOUT_EVENTS:
            return  # a card moved or got a display name: the traced numbers still hold
        if not self._applying:
            self._optimizer_state = None  # edited, undone, trained: start the optimizer afresh
        self.invalidate()

    def _on_network_changed(self, field: str) -> None:
        if field in ("training", "dataset"):
            self._optimizer_state = None
            self.invalidate()

    def _on_document_replaced(self) -> None:
        self.answer_box.clear_answer()
        self._answered_stage = None
        self.runner.cache.clear()
        self.units.clear()
        self._restart_on_result = True
        self.invalidate()

    def _on_selection_changed(self) -> None:
        self.sample_spin.setEnabled(self.sample_radio.isChecked())
        self.revealed.clear()
        self.invalidate()

    def is_shown(self) -> bool:
        """On screen: a dock in a hidden tab stays 'visible' to Qt but is moved off screen."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def on_dock_visibility_changed(self, _visible: bool) -> None:
        """Tab switches send no show/hide events, only the dock's visibilityChanged (whose value
        is unreliable while docks are being arranged): look again once the layout settled."""
        QTimer.singleShot(0, self._sync_shown)

    def _sync_shown(self) -> None:
        if not isValid(self):
            return
        if not self.is_shown():
            if self.overlay is not None:
                self.overlay.clear()
        elif self._pending or self.result is None:
            self._debounce.start()
        elif self.stages:
            self._highlight()

    def recompute(self) -> None:
        if not self.is_shown():
            self._pending = True
            return
        if self.document.is_training:
            # Tracing now would be stale at once and would draw random numbers (dropout, seeded
            # init) from torch's global generator while the run does: wait for the run's end,
            # whose final weights arrive as one more graph change.
            self._pending = True
            self._show_status("Training is running: the step-through resumes when it ends.", MUTED)
            return
        self._pending = False
        base_dir = Path(self.document.path).resolve().parent if self.document.path else None
        outside = data_guard(self.document).unapproved(self.document.network.dataset, base_dir)
        if outside:  # asked in the Training panel, not from a refresh here
            self._show_status(outside_message(outside), ERROR_STYLE)
            return
        self._show_status("Computing…", MUTED)
        sample = self.sample_spin.value() if self.sample_radio.isChecked() else None
        self.runner.request(self.document.network, base_dir, sample, self._optimizer_state)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._pending or self.result is None:
            self._debounce.start()
        elif self.stages:
            self._highlight()

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        if self.overlay is not None:
            self.overlay.clear()

    def _on_trace(self, result: TraceResult) -> None:
        self.result = result
        self.stale = False
        if not result.ok:
            self._show_error(result)
        else:
            self._show_trace(result)
        self._update_buttons()
        self.trace_updated.emit(result)

    def _labels(self) -> dict[str, str]:
        """The live graph's display names: a trace's layers are named as their cards are now."""
        return labels_of(self.document.graph)

    def _rename_stages(self) -> None:
        """A layer got another display name: the same numbers, titles naming it anew."""
        if self.result is None:
            return
        if not self.result.ok:
            self._show_error(self.result)
            return
        self.stages = build_stages(self.result, self._labels())
        stage = self.current_stage
        if stage is not None:
            self.stage_title.setText(strong_html(stage.title, PHASE_COLORS[stage.phase]))
            self.timeline.set_stages(self.stages, self.index)
        self._show_seed_notice(self.result)

    def _show_error(self, result: TraceResult) -> None:
        self.stages = []
        where = f" (layer {name_from(self._labels(), result.error_node, quoted=True)})" \
            if result.error_node else ""
        self._show_status(f"This network cannot be stepped through yet{where}: {result.error}",
                          ERROR_STYLE)
        self.notice.hide()
        self.timeline.set_stages([], -1)
        for widget in (self.stage_title, self.explanation, self.formula, self.loss_label):
            widget.clear()
        self._clear_tensors()
        self.answer_box.set_quantities([], None)
        if self.overlay is not None:
            self.overlay.clear()

    def _show_trace(self, result: TraceResult) -> None:
        self.stages = build_stages(result, self._labels())
        if self._restart_on_result:
            self.index, self._restart_on_result = 0, False
            self.revealed.clear()
        self.index = min(self.index, len(self.stages) - 1)
        refusal = divergence_text(result, self._labels())
        self._show_status(refusal or "", ERROR_STYLE if refusal else MUTED)
        self._show_seed_notice(result)
        self._show_samples(result)
        self._render_stage()

    def _show_seed_notice(self, result: TraceResult) -> None:
        if result.seeded:
            labels = self._labels()
            names = ", ".join(name_from(labels, n, quoted=True) for n in result.seeded)
            self.notice.setText(f"{names} had no weights in the network: weights initialised from "
                                f"seed {result.settings.seed}. Apply step writes them all into "
                                "the network.")
        self.notice.setVisible(bool(result.seeded))

    def _show_samples(self, result: TraceResult) -> None:
        self.sample_spin.blockSignals(True)
        self.sample_spin.setMaximum(max(0, result.n_train - 1))
        self.sample_spin.blockSignals(False)
        if len(result.rows) == 1:
            x, y = result.x_rows[0], result.y_rows[0]
            self.sample_label.setText(localized_numbers(
                f"#{result.rows[0]} of {result.n_train}:  x = {_vector(x)}   →   y = {_vector(y)}"))
        else:
            shown = ", ".join(f"#{r}" for r in result.rows[:8])
            more = ", …" if len(result.rows) > 8 else ""
            self.sample_label.setText(f"Batch of {len(result.rows)} samples: {shown}{more}")

    # ----- navigation --------------------------------------------------------------------
    def go_to(self, index: int) -> None:
        if not self.stages:
            return
        index = max(0, min(index, len(self.stages) - 1))
        if index != self.index:
            self.index = index
            self._render_stage()
            self.stage_changed.emit(index)

    def step(self) -> None:
        self.go_to(self.index + 1)

    def step_back(self) -> None:
        self.go_to(self.index - 1)

    def restart(self) -> None:
        self.go_to(0)

    def go_to_end(self) -> None:
        self.go_to(len(self.stages) - 1)

    def forward_all(self) -> None:
        self.go_to(jump_index(self.stages, "forward_all"))

    def backward_all(self) -> None:
        self.go_to(jump_index(self.stages, "backward_all"))

    def run_to_update(self) -> None:
        self.go_to(jump_index(self.stages, "update"))

    @property
    def current_stage(self) -> Stage | None:
        return self.stages[self.index] if self.stages else None

    def _update_buttons(self) -> None:
        has = bool(self.stages)
        for key in ("restart", "back"):
            self.buttons[key].setEnabled(has and self.index > 0)
        for key in ("step", "forward_all", "backward_all", "update"):
            self.buttons[key].setEnabled(has and self.index < len(self.stages) - 1)
        self.apply_button.setEnabled(self.can_apply)

    @property
    def can_apply(self) -> bool:
        return bool(self.result and self.result.ok and not self.stale and self.result.after
                    and divergence_text(self.result) is None)

    # ----- rendering the current stage ---------------------------------------------------
    def _render_stage(self) -> None:
        stage = self.current_stage
        if stage is None:
            return
        self._forget_answer_of_another_stage(stage)
        self.stage_title.setText(strong_html(stage.title, PHASE_COLORS[stage.phase]))
        self.explanation.setText(localized_numbers(stage.explanation))
        self.timeline.set_stages(self.stages, self.index)
        self._fill_tensors(stage)
        self._render_formula()
        self._render_footer()
        self._update_buttons()
        self._highlight()
        self._fit_timer.start()

    def _forget_answer_of_another_stage(self, stage: Stage) -> None:
        """The typed answer belongs to one stage: stepping on (or back) clears it; a re-trace of
        the same stage (after an edit, or Hide values toggled) keeps it."""
        key = (self.index, stage.phase, stage.node)
        if key != self._answered_stage:
            self.answer_box.clear_answer()
            self._answered_stage = key

    def _fill_tensors(self, stage: Stage) -> None:
        self._clear_tensors()
        rows = list(self.result.rows)
        unit = self.units.get(stage.node, 0)
        for spec in stage.tensors:
            view = TensorView(spec, rows, unit if self._is_dense(stage.node) else None)
            view.column_clicked.connect(self._on_column_clicked)
            self.tensor_layout.insertWidget(self.tensor_layout.count() - 1, view)
            self.tensor_views[spec.key] = view
        self._apply_mask()

    def _clear_tensors(self) -> None:
        for view in self.tensor_views.values():
            view.setParent(None)
            view.deleteLater()
        self.tensor_views = {}

    @property
    def values_hidden(self) -> bool:
        return self.answer_box.hide_check.isChecked() and self.index not in self.revealed

    def _apply_mask(self) -> None:
        hidden = self.values_hidden
        for view in self.tensor_views.values():
            view.set_masked(hidden and view.spec.result)
        self.answer_box.reveal_button.setEnabled(hidden)

    def reveal(self) -> None:
        self.revealed.add(self.index)
        self._apply_mask()
        self._render_formula(keep_verdict=True)
        self._render_footer()

    def _is_dense(self, node: str | None) -> bool:
        return bool(self.result and node and self.result.layers.get(node, ("",))[0] == "Dense")

    def _on_column_clicked(self, column: int) -> None:
        view = self.sender()
        if isinstance(view, TensorView) and view.spec.units:
            self.select_unit(column)

    def select_unit(self, unit: int) -> None:
        stage = self.current_stage
        if stage is None or not self._is_dense(stage.node):
            return
        units = int(self.result.layers[stage.node][1].get("units", 1))
        unit = max(0, min(unit, units - 1))
        self.units[stage.node] = unit
        for view in self.tensor_views.values():
            view.set_selected_unit(unit)
        self._render_formula()

    def _render_formula(self, keep_verdict: bool = False) -> None:
        stage = self.current_stage
        lines, quantities, facts = self._formula_content(stage)
        self.formula.setText(localized_numbers("\n".join(lines)))
        self.formula.setVisible(bool(lines))
        # Nothing to show under the tensors (a Flatten, an Input): they take the room.
        self.neuron_scroll.setVisible(bool(lines) or not self.neuron_spin.isHidden())
        verdict = self.answer_box.verdict_label.text(), self.answer_box.verdict_label.styleSheet()
        self.answer_box.set_quantities(quantities, facts)
        if keep_verdict:
            self.answer_box._show(*verdict)

    def _formula_content(self, stage: Stage | None):
        """(lines, quantities to check, facts) for the current stage and neuron."""
        dense = stage is not None and self._is_dense(stage.node)
        self.neuron_label.setVisible(dense)
        self.neuron_spin.setVisible(dense)
        if stage is None:
            return [], [], None
        if stage.phase == "loss":
            facts = loss_facts(self.result.trace, self.result.settings.loss_reduction)
            lines = formulas.hidden_lines("loss", loss=facts) if self.values_hidden \
                else formulas.loss_lines(facts)
            return lines, loss_quantities(facts), facts
        if not dense:
            return [], [], None
        facts = self.neuron_facts(stage.node)
        self._sync_neuron_spin(stage.node)
        if facts is None:
            return ["Formulas are written out for layers that receive vectors."], [], None
        return self._neuron_lines(stage.phase, facts), neuron_quantities(facts, stage.phase), facts

    def _neuron_lines(self, phase: str, facts) -> list[str]:
        if self.values_hidden:
            return formulas.hidden_lines(phase, facts)
        return {"forward": formulas.forward_lines, "backward": formulas.backward_lines,
                "update": formulas.update_lines}[phase](facts)

    def neuron_facts(self, node: str, unit: int | None = None):
        params = self.result.layers[node][1]
        unit = self.units.get(node, 0) if unit is None else unit
        return neuron_facts(self.result.trace, node, unit, params.get("activation", "linear"),
                            self.result.settings, _as_2d(self.result.y_rows))

    def _sync_neuron_spin(self, node: str) -> None:
        self.neuron_spin.blockSignals(True)
        self.neuron_spin.setMaximum(int(self.result.layers[node][1].get("units", 1)))
        self.neuron_spin.setValue(self.units.get(node, 0) + 1)
        self.neuron_spin.blockSignals(False)

    def _render_footer(self) -> None:
        """The step's loss, once the forward pass has reached it (and the student has seen it)."""
        settings = self.result.settings
        loss_index = next(s.index for s in self.stages if s.phase == "loss")
        hidden = self.answer_box.hide_check.isChecked() and loss_index not in self.revealed
        if self.index < loss_index:
            loss = "(after the forward pass)"
        else:
            loss = "?" if hidden else formulas.fmt(self.result.trace.loss)
        self.loss_label.setText(localized_numbers(
            f"Loss {self.result.trace.loss_name} = {loss}   ·   "
            f"{settings.optimizer}, η = {formulas.fmt(settings.learning_rate)}"))

    def _highlight(self) -> None:
        stage = self.current_stage
        if self.overlay is None or stage is None or not self.is_shown():
            return
        node = stage.node if stage.node is not None else self.result.output_id
        self.overlay.show_stage(node, stage.phase)

    def _show_status(self, text: str, style: str) -> None:
        self.status.setStyleSheet(style)
        self.status.setText(localized_numbers(text))
        self.status.setVisible(bool(text))

    # ----- apply -------------------------------------------------------------------------
    def apply_step(self) -> bool:
        """Write every layer's updated weights into the graph as one undo step."""
        if not self.can_apply:
            refusal = divergence_text(self.result, self._labels()) \
                if self.result and self.result.ok else None
            if refusal:
                self._show_status(refusal, ERROR_STYLE)
            return False
        stack = self.document.undo_stack
        text = f"Apply inspector step (loss {formulas.fmt(self.result.trace.loss)})"
        stack.beginMacro(text)
        self._applying = True
        try:
            labels = self._labels()
            for node, weights in self.result.after.items():
                if self.document.graph.has_layer(node):
                    self.document.set_weights(node, weights, "Update weights of "
                                              f"{name_from(labels, node, quoted=True)}")
        finally:
            self._applying = False
            stack.endMacro()
        self._optimizer_state = self.result.optimizer_state
        self._restart_on_result = True
        self.step_applied.emit()
        return True

    def shutdown(self) -> None:
        """Stop timers and wait for a running trace (tests, closing the window)."""
        self._debounce.stop()
        if self.overlay is not None:
            self.overlay.clear()
        self.runner.wait()


def divergence_text(result: TraceResult, labels: dict[str, str] | None = None) -> str | None:
    """Why this step must not be applied (it makes weights infinite or NaN), or None.

    Applying such a step once made every later autosave and save fail (linear regression at
    learning rate 1e9: 4e9, -8e18, ..., inf, nan were all written). The words are training's:
    the same cause, the same fix."""
    broken = [f"{name_from(labels or {}, node, quoted=True)} "
              f"({', '.join(n for n, a in arrays.items() if not np.isfinite(a).all())})"
              for node, arrays in (result.after or {}).items()
              if any(not np.isfinite(a).all() for a in arrays.values())]
    if not broken:
        return None
    return (f"This step would make the weights of {', '.join(broken)} infinite or NaN, so it "
            "cannot be applied. The weights grew out of range — the learning rate "
            f"({result.settings.learning_rate:g}) is probably too high. Lower it (for example to "
            "0.01), reset the weights and step again.")


def _vector(values) -> str:
    a = np.asarray(values).reshape(-1)
    if a.size > 8:
        return f"{a.size} values"
    return "[" + ", ".join(formulas.fmt(v) for v in a) + "]" if a.size > 1 else formulas.fmt(a[0])


def _as_2d(y: np.ndarray | None) -> np.ndarray | None:
    return None if y is None or y.ndim != 2 else y
