"""Apply step: the traced update written into the network as one undo step, and the optimizer
state carried from one applied step to the next.

Why a module of its own: applying is the inspector's only edit of the document, with rules the
display does not have: refuse a step that makes weights infinite or NaN (`divergence_text`),
push one macro for every layer, and keep Adam's moments / the momentum after an applied step
(so a second step continues as training would) but drop them on any other change of the network.
`StepApplier` owns that state; `InspectorPanel` asks it whether a graph change is its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.display_names import name_from
from core.inspection import formulas
from core.inspection.tracing import TraceResult
from gui.document import Document


class StepApplier:
    """Writes a trace's updated weights into ``document``; remembers the optimizer state."""

    def __init__(self, document: Document) -> None:
        self.document = document
        # Optimizer state after the steps applied here, so Adam/momentum continue as in
        # training; `forget` drops it on any change that is not our own Apply.
        self.optimizer_state: Any = None
        self.applying = False  # True while our own weight updates reach the graph

    def forget(self) -> None:
        """The network changed (an edit, an undo, a run): the next step starts the optimizer
        afresh. Our own Apply's changes do not count."""
        if not self.applying:
            self.optimizer_state = None

    def apply(self, result: TraceResult, labels: dict[str, str]) -> None:
        """Every layer's updated weights, as one undo step named after the step's loss."""
        stack = self.document.undo_stack
        stack.beginMacro(f"Apply inspector step (loss {formulas.fmt(result.trace.loss)})")
        self.applying = True
        try:
            for node, weights in result.after.items():
                if self.document.graph.has_layer(node):
                    self.document.set_weights(node, weights, "Update weights of "
                                              f"{name_from(labels, node, quoted=True)}")
        finally:
            self.applying = False
            stack.endMacro()
        self.optimizer_state = result.optimizer_state


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
