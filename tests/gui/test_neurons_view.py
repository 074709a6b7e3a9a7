"""Neurons view: small Dense/Input layers drawn neuron by neuron, pens following the weights."""

from __future__ import annotations

import numpy as np

from gui.style import NEGATIVE_COLOR, POSITIVE_COLOR
from gui_helpers import load, network, xor_network


def test_global_toggle_shows_neurons_and_neuron_lines(window):
    load(window, xor_network())
    window.action("show_neurons").setChecked(True)
    items = window.scene.layer_items
    assert items["x"].neuron_total == 2 and items["h"].neuron_total == 2
    assert items["y"].neuron_total == 1 and items["out"].neuron_total == 0
    edge = window.scene.edge_items[("x", "h")]
    assert edge.neuron_mode and len(edge._lines) == 4
    assert not window.scene.edge_items[("y", "out")].neuron_mode
    window.action("show_neurons").setChecked(False)
    assert items["h"].neuron_total == 0 and not edge.neuron_mode


def test_per_layer_toggle_and_size_limit(window):
    load(window, network([("x", "Input", {"shape": (2,)}, (0, 0)),
                          ("big", "Dense", {"units": 17}, (250, 0)),
                          ("small", "Dense", {"units": 3}, (500, 0))],
                         [("x", "big"), ("big", "small")]))
    scene = window.scene
    assert not scene.can_show_neurons("big") and scene.can_show_neurons("small")
    scene.set_layer_neurons("small", True)
    assert scene.shows_neurons("small") and not scene.shows_neurons("x")
    assert not scene.edge_items[("big", "small")].neuron_mode  # needs neurons at both ends
    window.document.set_param("small", "units", 20)
    assert not scene.shows_neurons("small")


def test_weights_drive_colour_and_width_and_update_without_new_items(window):
    load(window, xor_network())
    window.action("show_neurons").setChecked(True)
    edge = window.scene.edge_items[("x", "h")]
    h_item = window.scene.layer_items["h"]
    items_before = set(window.scene.items())
    weights = np.array([[1.5, -0.5], [0.0, -3.0]])
    window.document.set_weights("h", {"weight": weights, "bias": np.array([0.2, -0.4])})
    pens = edge._pens
    assert pens[0].color().rgb() == POSITIVE_COLOR.rgb()
    assert pens[1].color().rgb() == NEGATIVE_COLOR.rgb()
    assert pens[3].widthF() > pens[1].widthF() > pens[2].widthF()
    assert edge._labels == ["1.5", "-0.5", "0", "-3"]
    assert h_item.biases.tolist() == [0.2, -0.4]
    # a later issue streams trained weights: silent live updates reuse the same items
    window.document.begin_live_weights(lambda: window.document.network.trained)
    window.document.live.show({"h": {"weight": -weights, "bias": np.zeros(2)}})
    assert set(window.scene.items()) == items_before
    assert edge._pens[0].color().rgb() == NEGATIVE_COLOR.rgb()
    assert h_item.biases.tolist() == [0.0, 0.0]
    assert window.document.graph.weights("h")["weight"][0, 0] == 1.5  # a view, not an edit
    window.document.commit_live_weights("Train")
    window.document.undo_stack.undo()
    assert window.document.graph.weights("h")["weight"][0, 0] == 1.5
    assert edge._pens[0].color().rgb() == POSITIVE_COLOR.rgb()


def test_context_menu_offers_neuron_toggle(window):
    load(window, xor_network())
    menu = window.edit_actions.context_menu(window.scene.layer_items["h"], None)
    toggle = next(a for a in menu.actions() if a.text() == "Show neurons")
    assert toggle.isEnabled() and not toggle.isChecked()
    toggle.setChecked(True)
    assert window.scene.shows_neurons("h")
    menu.deleteLater()
