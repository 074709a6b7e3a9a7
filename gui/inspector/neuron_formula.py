"""The neuron under the tensors: which unit of a Dense layer is picked, its formula written out
with the recorded numbers, and what the answer box checks the student's answer against.

Why a module of its own: this is where the panel meets answer checking. The formulas and the
quantities come from core.inspection (formulas, answers, stages.neuron_facts); this part picks
the unit (spin box or a click on a column), feeds the answer box the quantities of the current
stage and keeps its verdict across a reveal. A mixin of `InspectorPanel`, like `StageDisplay`.
"""

from __future__ import annotations

import numpy as np

from core.inspection import formulas
from core.inspection.answers import loss_quantities, neuron_quantities
from core.inspection.stages import Stage, loss_facts, neuron_facts
from gui.inspector.tensor_view import TensorView
from gui.param_editors import localized_numbers


class NeuronFormula:
    """The formula half of `InspectorPanel` (a mixin: the selected units live in ``units``)."""

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

    def neuron_facts(self, node: str, unit: int | None = None):
        params = self.result.layers[node][1]
        unit = self.units.get(node, 0) if unit is None else unit
        return neuron_facts(self.result.trace, node, unit, params.get("activation", "linear"),
                            self.result.settings, _as_2d(self.result.y_rows))

    def _on_column_clicked(self, column: int) -> None:
        view = self.sender()
        if isinstance(view, TensorView) and view.spec.units:
            self.select_unit(column)

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

    def _sync_neuron_spin(self, node: str) -> None:
        self.neuron_spin.blockSignals(True)
        self.neuron_spin.setMaximum(int(self.result.layers[node][1].get("units", 1)))
        self.neuron_spin.setValue(self.units.get(node, 0) + 1)
        self.neuron_spin.blockSignals(False)

    def _fit_neuron_box(self) -> None:
        """Give the formula the room it needs (up to half), the tensors the rest."""
        wanted = min(self.neuron_box.sizeHint().height() + 4, self.splitter.height() // 2)
        self.splitter.setSizes([max(1, self.splitter.height() - wanted), wanted])


def _as_2d(y: np.ndarray | None) -> np.ndarray | None:
    return None if y is None or y.ndim != 2 else y
