"""Fixtures for the core tests (no Qt here: the core tests must run without a display)."""

from __future__ import annotations

import pytest

from builders import build_graph


@pytest.fixture
def graph_of():
    """``graph_of(layers, edges=None)``: see `build_graph`."""
    return build_graph
