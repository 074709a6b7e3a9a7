"""Auto layout: left-to-right columns by topological generation, as networks are drawn in books.

Pure geometry on a networkx DiGraph and the cards' sizes, so it is easy to test and the result is
applied as a single MoveLayers undo command.
"""

from __future__ import annotations

import networkx as nx

Size = tuple[float, float]
GAP_X = 80.0
GAP_Y = 36.0


def layered_positions(graph: nx.DiGraph, sizes: dict[str, Size],
                      current: dict[str, tuple[float, float]] | None = None,
                      origin: tuple[float, float] = (0.0, 0.0)) -> dict[str, tuple[float, float]]:
    """Top-left positions: one column per generation, centred vertically on ``origin``'s y.

    Within a column layers are ordered by the mean row of their inputs (fewer crossings), then by
    their current height on the canvas (so the user's arrangement is respected), then by id.
    Raises networkx.NetworkXUnfeasible for a graph with a cycle.
    """
    current = current or {}
    rows: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    x = origin[0]
    for generation in nx.topological_generations(graph):
        column = sorted(generation, key=lambda n: (_barycentre(graph, n, rows),
                                                   current.get(n, (0.0, 0.0))[1], n))
        width = max(sizes.get(n, (120.0, 60.0))[0] for n in column)
        heights = [sizes.get(n, (120.0, 60.0))[1] for n in column]
        y = origin[1] - (sum(heights) + GAP_Y * (len(column) - 1)) / 2
        for row, (node, height) in enumerate(zip(column, heights)):
            positions[node] = (x + (width - sizes.get(node, (width, 0))[0]) / 2, y)
            rows[node] = row - (len(column) - 1) / 2
            y += height + GAP_Y
        x += width + GAP_X
    return positions


def _barycentre(graph: nx.DiGraph, node: str, rows: dict[str, float]) -> float:
    placed = [rows[p] for p in graph.predecessors(node) if p in rows]
    return sum(placed) / len(placed) if placed else 0.0
