"""The inspector panel: one training step of the user's own network, stage by stage.

The panel owns display state only (which stage, which neuron, what is revealed). The numbers come
from a `TraceResult` computed off the GUI thread from a snapshot of the document; any change to
the graph, the dataset or the training settings invalidates it and a fresh trace is requested
(debounced, and only while the panel is visible, so live training updates do not pile up work).
"Apply step" writes the traced update into the graph as one undo step.

Keyboard (while the panel has focus): Right or N = step, Left or P = step back, Home = restart,
End = last stage.

This module holds what the panel *does*: keep its trace current, move between stages, apply.
Its parts live beside it: `controls` builds the widgets, `stage_display` draws the current stage,
`neuron_formula` writes a neuron's formula and feeds the answer box, `apply_step` writes a step
into the network and carries the optimizer state.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from shiboken6 import isValid
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from core.display_names import labels_of, name_from
from core.graph import LAYOUT_EVENTS
from core.inspection import formulas
from core.inspection.stages import Stage, build_stages, jump_index
from core.inspection.tracing import TraceResult
from gui.canvas.overlays_inspector import InspectorOverlay
from gui.data_access import data_guard, outside_message
from gui.document import Document
from gui.inspector import controls
from gui.inspector.apply_step import StepApplier, divergence_text
from gui.inspector.neuron_formula import NeuronFormula
from gui.inspector.stage_display import StageDisplay
from gui.inspector.tensor_view import TensorView
from gui.inspector.worker import TraceRunner
from gui.param_editors import localized_numbers
from gui.style import ERROR_TEXT_STYLE, MUTED_STYLE

__all__ = ["InspectorPanel", "divergence_text"]

DEBOUNCE_MS = 120
MUTED = MUTED_STYLE
ERROR_STYLE = ERROR_TEXT_STYLE


class InspectorPanel(StageDisplay, NeuronFormula, QWidget):
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
        self.applier = StepApplier(document)
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
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.recompute)
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(self._fit_neuron_box)
        controls.build(self)
        self._connect()
        self._show_status("Computing…", MUTED)
        self._update_buttons()

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
        controls.install_keys(self)

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
        self.applier.forget()  # edited, undone, trained: start the optimizer afresh
        self.invalidate()

    def _on_network_changed(self, field: str) -> None:
        if field in ("training", "dataset"):
            self.applier.forget()
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
        self.runner.request(self.document.network, base_dir, sample,
                            self.applier.optimizer_state)

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
        self.applier.apply(self.result, self._labels())
        self._restart_on_result = True
        self.step_applied.emit()
        return True

    def shutdown(self) -> None:
        """Stop timers and wait for a running trace (tests, closing the window)."""
        self._debounce.stop()
        if self.overlay is not None:
            self.overlay.clear()
        self.runner.wait()


def _vector(values) -> str:
    a = np.asarray(values).reshape(-1)
    if a.size > 8:
        return f"{a.size} values"
    return "[" + ", ".join(formulas.fmt(v) for v in a) + "]" if a.size > 1 else formulas.fmt(a[0])
