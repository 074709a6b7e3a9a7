"""The inspector in French: stage titles, explanations, tensor labels and the words inside the
formulas come from the catalogue, and the formulas' numbers take the decimal comma."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import i18n
from core.fileformat import load_network
from core.inspection.formulas import forward_lines, update_lines
from core.inspection.stages import build_stages, neuron_facts
from core.inspection.tracing import TraceRequest, compute_trace
from core.notation import fmt

XOR = Path(__file__).resolve().parents[2] / "assets" / "examples" / "xor.json"


@pytest.fixture
def french():
    i18n.set_language("fr")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def xor_trace():
    return compute_trace(TraceRequest(1, load_network(XOR), XOR.parent, 0))


def test_formula_numbers_take_the_decimal_comma_in_french(french):
    assert fmt(0.5) == "0,5" and fmt(-1.25) == "−1,25" and fmt(3) == "3"
    i18n.set_language("en")
    assert fmt(0.5) == "0.5"


def test_every_stage_of_xor_is_titled_and_explained_in_french(french, xor_trace):
    assert xor_trace.ok, xor_trace.error
    stages = build_stages(xor_trace)
    phases = {stage.title.split(" ")[0] for stage in stages}
    assert {"Propagation", "Perte", "Rétropropagation", "Mise"} <= phases
    english = ("Forward", "Backward", "Update", " unit", "The ", "Each ", "input x", "output)",
               "before", "after", "target", "prediction")
    for stage in stages:
        texts = [stage.title, stage.explanation] + [t.label for t in stage.tensors]
        for text in texts:
            assert not any(word in text for word in english), text


def test_a_neurons_formulas_are_french_with_the_decimal_comma(french, xor_trace):
    result = xor_trace
    node = next(n for n, (kind, _p) in result.layers.items() if kind == "Dense")
    facts = neuron_facts(result.trace, node, 0, result.layers[node][1]["activation"],
                         result.settings)
    z_line = forward_lines(facts)[0]
    assert z_line.startswith("z = ") and "," in z_line and "." not in z_line
    assert update_lines(facts)[0].startswith("Taux d'apprentissage η = ")
