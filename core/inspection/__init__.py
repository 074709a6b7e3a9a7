"""Step-through inspection of one training step: one use case, shared by the CLI and the panel.

- ``trace``: runs forward → loss → backward → update layer by layer and records every tensor.
- ``tracing``: the whole use case "trace one step of this network file" (compile, pick the rows,
  carry the optimizer state); `main.py inspect` and the inspector panel's worker both call it.
- ``formulas``, ``answers``, ``stages``: the textbook lines, answer checking and the stage list the
  panel shows, as pure numpy so they are tested without a display.


Importing this package does not import torch (the panels import ``formulas`` and ``stages`` on
the way to the first paint); ``trace_step`` and its records load ``trace`` on first use.
"""

__all__ = ["Trace", "TraceStep", "trace_step"]


def __getattr__(name: str):
    if name in __all__:
        from core.inspection import trace
        return getattr(trace, name)
    raise AttributeError(f"module 'core.inspection' has no attribute {name!r}")
