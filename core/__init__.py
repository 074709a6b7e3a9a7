"""NeuroCanvas core: graph, layers, compiler, training, inspection, datasets, file format.

Nothing in this package imports Qt (tests/core/test_no_qt.py enforces it), and importing it does not
import torch: modules that need torch import it themselves, so the GUI can paint first.
"""
