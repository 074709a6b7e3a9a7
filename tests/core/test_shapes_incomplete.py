"""Issue 10, defect 10: while a network is being drawn, every connected path gets its shapes.

A card showed "→ ?" for every layer, even the Input, until the graph was complete: a layer with a
connectivity problem ("leads nowhere", "does not receive data from the Input") was skipped by
shape inference, and with it everything downstream.
"""

from __future__ import annotations

from core.validation import validate
from tests.core.builders import build_graph


def test_a_path_not_yet_connected_to_the_output_has_its_shapes():
    graph = build_graph([("x", "Input", {"shape": (2,)}), ("h", "Dense", {"units": 3}),
                         ("out", "Output")], [])
    graph.connect("x", "h")  # the Output is still alone
    report = validate(graph)
    assert not report.is_valid and report.problems_for("x") and report.problems_for("h")
    assert report.shapes["x"] == (2,) and report.shapes["h"] == (3,)
    assert "out" not in report.shapes  # nothing flows into it yet


def test_a_lone_input_has_its_shape_and_an_unconnected_branch_does_not_hide_the_rest():
    graph = build_graph([("x", "Input", {"shape": (1, 8, 8)}), ("c", "Conv2d", {"filters": 2}),
                         ("f", "Flatten"), ("d", "Dense", {"units": 4}), ("lost", "Dense"),
                         ("after_lost", "Dense", {"units": 5}), ("out", "Output")],
                        [("x", "c"), ("c", "f"), ("lost", "after_lost")])
    report = validate(graph)
    assert report.shapes["x"] == (1, 8, 8)
    assert report.shapes["f"] == (2 * 6 * 6,)
    assert "d" not in report.shapes and "lost" not in report.shapes  # no input: no shape
    assert "after_lost" not in report.shapes
    assert report.param_counts["c"] == 2 * 9 + 2

