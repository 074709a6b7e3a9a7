"""Showing the current stage: its title and explanation, the timeline, the tensors (masked while
the student has not answered), the loss line and the glow on the canvas.

Why a module of its own: `InspectorPanel` decides *which* stage is current (navigation, traces);
this part only draws the stage it is given, from the `Stage` records core.inspection builds, and
is re-run whole on every step. It is a mixin of `InspectorPanel`: it reads the panel's state
(``result``, ``stages``, ``index``, ``units``, ``revealed``) and widgets (built by
`gui.inspector.controls`), and calls `NeuronFormula._render_formula` for the formula below.
"""

from __future__ import annotations

from core.inspection import formulas
from core.inspection.stages import Stage, build_stages
from gui.canvas.overlays_inspector import PHASE_COLORS
from gui.inspector.tensor_view import TensorView
from gui.param_editors import localized_numbers
from gui.style import strong_html


class StageDisplay:
    """The drawing half of `InspectorPanel` (a mixin: no state of its own)."""

    @property
    def current_stage(self) -> Stage | None:
        return self.stages[self.index] if self.stages else None

    @property
    def values_hidden(self) -> bool:
        return self.answer_box.hide_check.isChecked() and self.index not in self.revealed

    def _render_stage(self) -> None:
        stage = self.current_stage
        if stage is None:
            return
        self._forget_answer_of_another_stage(stage)
        self._render_title(stage)
        self.explanation.setText(localized_numbers(stage.explanation))
        self._fill_tensors(stage)
        self._render_formula()
        self._render_footer()
        self._update_buttons()
        self._highlight()
        self._fit_timer.start()

    def _render_title(self, stage: Stage) -> None:
        self.stage_title.setText(strong_html(stage.title, PHASE_COLORS[stage.phase]))
        self.timeline.set_stages(self.stages, self.index)

    def _rename_stages(self) -> None:
        """A layer got another display name: the same numbers, titles naming it anew."""
        if self.result is None:
            return
        if not self.result.ok:
            self._show_error(self.result)
            return
        self.stages = build_stages(self.result, self._labels())
        if self.current_stage is not None:
            self._render_title(self.current_stage)
        self._show_seed_notice(self.result)

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
