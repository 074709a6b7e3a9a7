"""Views read the document's current report, and an edit redraws only the cards it changes."""

from __future__ import annotations

from collections import Counter

import pytest

from gui.canvas.items import LayerItem
from gui_helpers import load, network


def mlp():
    return network([("x", "Input", {"shape": (4,)}, (0, 0)),
                    ("h1", "Dense", {"units": 8, "activation": "relu"}, (200, 0)),
                    ("h2", "Dense", {"units": 6, "activation": "relu"}, (400, 0)),
                    ("y", "Dense", {"units": 3}, (600, 0)),
                    ("out", "Output", {"loss": "cross_entropy"}, (800, 0))],
                   [("x", "h1"), ("h1", "h2"), ("h2", "y"), ("y", "out")])


@pytest.fixture
def card_updates(monkeypatch):
    """Counter of `LayerItem.set_display` calls per layer id."""
    counts: Counter[str] = Counter()
    original = LayerItem.set_display

    def counting(item, layer_id, *args):
        counts[layer_id] += 1
        original(item, layer_id, *args)

    monkeypatch.setattr(LayerItem, "set_display", counting)
    return counts


def test_a_parameter_edit_redraws_one_card(window, card_updates):
    load(window, mlp())
    card_updates.clear()
    window.document.set_param("h2", "activation", "tanh")
    assert dict(card_updates) == {"h2": 1}
    assert "tanh" in window.scene.layer_items["h2"].summary


def test_a_shape_change_redraws_the_cards_whose_shape_changed(window, card_updates):
    load(window, mlp())
    card_updates.clear()
    window.document.set_param("h1", "units", 5)
    assert dict(card_updates) == {"h1": 1}  # h2's output stays 6 wide: its card is unchanged
    assert window.scene.layer_items["h1"].shape_label == "→ 5"
    card_updates.clear()
    window.document.set_param("x", "shape", (7,))
    assert dict(card_updates) == {"x": 1}
    window.document.disconnect("h2", "y")
    assert {"y", "out"} <= set(card_updates)  # their shapes became unknown
    assert window.scene.layer_items["out"].shape_label == "→ ?"


def test_cards_and_properties_show_the_reports_normalised_values(window):
    """A file may leave parameters out: views show the values training will use (the report's),
    not ones they worked out from the defaults themselves."""
    net = mlp()
    net.graph.set_params("h2", {"units": 6})  # activation and bias left to their defaults
    load(window, net)
    report = window.document.report
    assert set(report.params["h2"]) > {"units"}
    card = window.scene.layer_items["h2"]
    assert card.summary == card.spec.summary(report.params["h2"])
    window.scene.select_layers(["h2"])
    editors = window.properties.layer_page.editors
    assert report.params["h2"]["bias"] is True  # a default the file left out
    assert editors["bias"].widget.isChecked()
    assert editors["activation"].widget.currentText() == report.params["h2"]["activation"]


def test_refused_values_are_shown_as_held_with_their_problem(window):
    net = mlp()
    net.graph.set_params("h2", {"units": 0})
    load(window, net)
    assert "h2" not in window.document.report.params
    card = window.scene.layer_items["h2"]
    assert "units 0" in card.summary and card.problems
