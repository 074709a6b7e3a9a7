"""The weights a run has trained so far: a view laid over the document's model (CONVENTIONS rule 13).

While a run trains, its worker sends weight snapshots ~10 times a second. They go here, not into
the graph: the canvas edges, the neurons view and the weights table draw `Document.display_weights`
(these values while a run shows them, else the model's) and redraw on `changed`. The model and its
undo history change once, when the run ends or an edit interrupts it (`Document.commit_live_weights`,
`Document.flush_live_weights`), so no listener of the model ever has to filter live updates.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

Weights = dict[str, dict[str, np.ndarray]]


class LiveWeights(QObject):
    changed = Signal(object)  # tuple of the layer ids whose shown weights changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open = False
        self._values: Weights = {}

    @property
    def active(self) -> bool:
        """A run is showing (or about to show) its weights."""
        return self._open

    @property
    def has_values(self) -> bool:
        return self._open and bool(self._values)

    def begin(self) -> None:
        self._open, self._values = True, {}

    def show(self, weights: Weights) -> None:
        """The run's latest snapshot. Ignored once the overlay ended: late messages of a run
        whose weights were already committed must not show weights no undo step holds."""
        if self._open:
            self._values = dict(weights)
            self.changed.emit(tuple(weights))

    def get(self, layer_id: str) -> dict[str, np.ndarray] | None:
        return self._values.get(layer_id) if self._open else None

    def values(self) -> Weights:
        return dict(self._values) if self._open else {}

    def end(self) -> None:
        """Stop showing: the views fall back to the model's weights."""
        shown = tuple(self._values)
        self._open, self._values = False, {}
        if shown:
            self.changed.emit(shown)
