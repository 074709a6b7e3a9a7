"""The generated training settings form against its schema, core.settings.TRAINING_PARAMS.

Every setting's editor must hold exactly its ParamSpec's range, step, decimals and default (one
range per setting: the widget once stopped l1 at 1000 and the seed at 2^31 − 1 while the file
format allowed 1e6 and 2^32 − 1), and the rows shown must follow the `uses` of the chosen
optimizer and schedule entries. The palette and the optimizer list must show the registries'
titles for the two entries added by docs/extending.md: SiLU and AdamW.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QSpinBox

from core.activations import ACTIVATIONS, activation
from core.network import Network
from core.optimizers import OPTIMIZERS, SCHEDULES, optimizer_entry, schedule_entry
from core.settings import SEED_MAX, TRAINING_PARAMS, shown_settings, training_param
from core.layers import get_spec
from gui.document import Document
from gui.icons import ICON_SIZE, _glyph_pixmap, layer_icon, spec_icon
from gui.palette import TYPE_ROLE, LayerPalette
from gui.style import CATEGORY_GLYPHS, category_color
from gui.training.settings_box import SettingsBox

SPECS = {spec.name: spec for spec in TRAINING_PARAMS}


@pytest.fixture
def form(qtbot):
    document = Document(Network())  # default settings: every widget must show its spec's default
    box = SettingsBox(document)
    qtbot.addWidget(box)
    box.resize(360, 700)
    box.show()
    return box


def set_settings(form, **changes) -> None:
    form.document.set_training(form.document.network.training.with_changes(**changes))


def visible_rows(box: SettingsBox) -> set[str]:
    return {name for name in SPECS if box.form.isRowVisible(box.widgets[name])}


# ----- one range per setting ----------------------------------------------------------------------
def check_int(spec, widget) -> None:
    assert isinstance(widget, (QSpinBox, QDoubleSpinBox)), spec.name
    if isinstance(widget, QDoubleSpinBox):  # ranges beyond a QSpinBox's int: whole numbers only
        assert widget.decimals() == 0, spec.name
    assert (widget.minimum(), widget.maximum()) == (spec.minimum, spec.maximum), spec.name
    assert widget.value() == spec.default, spec.name
    assert widget.specialValueText() == spec.special and widget.suffix() == spec.suffix, spec.name


def check_float(spec, widget) -> None:
    assert isinstance(widget, QDoubleSpinBox), spec.name
    assert not spec.open_minimum, f"{spec.name}: an open minimum has no spin box range to check"
    assert (widget.minimum(), widget.maximum()) == (spec.minimum, spec.maximum), spec.name
    if spec.decimals is not None:
        assert widget.decimals() == spec.decimals, spec.name
    if spec.step is not None:
        assert widget.singleStep() == spec.step, spec.name
    assert widget.value() == pytest.approx(spec.default), spec.name


def check_presets(spec, widget) -> None:
    assert isinstance(widget, QComboBox) and widget.isEditable(), spec.name
    assert [widget.itemText(i) for i in range(widget.count())] == list(spec.presets)
    assert float(widget.currentText()) == spec.default, spec.name


def check_choice(spec, widget) -> None:
    assert isinstance(widget, QComboBox) and not widget.isEditable(), spec.name
    assert [widget.itemData(i) for i in range(widget.count())] == list(spec.choices), spec.name
    assert [widget.itemText(i) for i in range(widget.count())] == \
        [spec.title_of(c) for c in spec.choices], spec.name
    assert widget.currentData() == spec.default, spec.name


def check_bool(spec, widget) -> None:
    assert isinstance(widget, QCheckBox), spec.name
    assert widget.text() == spec.label and widget.isChecked() == spec.default, spec.name


def test_every_setting_has_its_specs_range_step_and_default(form):
    assert set(form.editors) == set(SPECS) | {"loss"}  # loss: the Output layer's ParamSpec
    for spec in TRAINING_PARAMS:
        widget = form.widgets[spec.name]
        assert form.editors[spec.name].param is spec
        assert widget.toolTip() == spec.help
        if spec.kind != "bool":  # a check box carries its label itself
            assert form.form.labelForField(widget).text() == spec.label
        if spec.presets:
            check_presets(spec, widget)
        else:
            {"int": check_int, "float": check_float, "choice": check_choice,
             "bool": check_bool}[spec.kind](spec, widget)


@pytest.mark.parametrize("name, low, high", [
    ("l1", 0.0, 1e6), ("l2", 0.0, 1e6), ("seed", 0, 2**32 - 1), ("decay_rate", 0.001, 1.0),
    ("weight_decay", 0.0, 1.0), ("momentum", 0.0, 1.0), ("batch_size", 0, 10_000_000),
    ("early_stopping_patience", 0, 1_000_000), ("epochs", 1, 1_000_000)])
def test_the_ranges_that_once_disagreed_are_the_file_formats(form, name, low, high):
    spec = training_param(name)
    assert (spec.minimum, spec.maximum) == (low, high)
    widget = form.widgets[name]
    assert (widget.minimum(), widget.maximum()) == (low, high)


def type_into(qtbot, widget, text: str) -> None:
    edit = widget.lineEdit()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def test_the_seed_box_accepts_the_largest_32_bit_seed_typed_in(qtbot, form):
    seed = form.widgets["seed"]
    assert seed.validate(str(SEED_MAX), 0)[0] == QValidator.State.Acceptable
    assert seed.validate(str(SEED_MAX + 1), 0)[0] != QValidator.State.Acceptable
    type_into(qtbot, seed, str(SEED_MAX))
    assert form.document.network.training.seed == SEED_MAX == 4_294_967_295
    assert isinstance(form.document.network.training.seed, int)
    form.document.undo_stack.undo()
    assert seed.value() == 0


def test_decay_rate_reaches_its_minimum_and_no_lower(qtbot, form):
    set_settings(form, schedule="step")
    decay = form.widgets["decay_rate"]
    type_into(qtbot, decay, "0")  # below the minimum: the box keeps the value it had
    assert decay.value() == 0.5 and form.document.network.training.decay_rate == 0.5
    type_into(qtbot, decay, "0.001")
    assert form.document.network.training.decay_rate == 0.001


def test_the_learning_rate_list_refuses_values_outside_its_range(form):
    assert form.commit("learning_rate", 1e9) and form.document.network.training.learning_rate == 1e9
    for refused in (0.0, 2e9):
        assert not form.commit("learning_rate", refused)
        assert "Learning rate" in form.error.text()
    assert form.document.network.training.learning_rate == 1e9


# ----- rows follow the optimizer's and the schedule's `uses` ---------------------------------------
@pytest.mark.parametrize("optimizer", OPTIMIZERS.names())
@pytest.mark.parametrize("schedule", SCHEDULES.names())
def test_rows_shown_are_the_settings_the_optimizer_and_schedule_read(form, optimizer, schedule):
    set_settings(form, optimizer=optimizer, schedule=schedule)
    shown = visible_rows(form)
    owned = {n for e in OPTIMIZERS for n in e.uses} | {n for e in SCHEDULES for n in e.uses}
    expected = (set(SPECS) - owned) | set(optimizer_entry(optimizer).uses) \
        | set(schedule_entry(schedule).uses)
    assert shown == expected == shown_settings(form.document.network.training)
    for name in SPECS:
        assert form.widgets[name].isVisibleTo(form) == (name in shown), name


def test_adamw_shows_weight_decay_and_sgd_shows_momentum_and_nesterov(form):
    set_settings(form, optimizer="adamw")
    assert {"weight_decay", "l1", "l2"} <= visible_rows(form)
    assert not {"momentum", "nesterov"} & visible_rows(form)
    set_settings(form, optimizer="sgd", momentum=0.0)
    assert {"momentum", "nesterov"} <= visible_rows(form) and "weight_decay" not in visible_rows(form)
    assert not form.widgets["nesterov"].isEnabled()  # Nesterov moves nothing without momentum
    set_settings(form, momentum=0.9)
    assert form.widgets["nesterov"].isEnabled()
    set_settings(form, optimizer="perceptron")
    assert not {"momentum", "nesterov", "weight_decay", "l1", "l2"} & visible_rows(form)


def test_editing_weight_decay_under_adamw_is_one_undo_step(qtbot, form):
    set_settings(form, optimizer="adamw")
    steps = form.document.undo_stack.count()
    type_into(qtbot, form.widgets["weight_decay"], "0.05")
    assert form.document.network.training.weight_decay == 0.05
    assert form.document.undo_stack.count() == steps + 1


# ----- the registries' titles on screen ---------------------------------------------------------
def test_adamw_is_in_the_optimizer_choice_with_its_registry_title(form):
    combo = form.widgets["optimizer"]
    index = combo.findData("adamw")
    assert index >= 0 and combo.itemText(index) == optimizer_entry("adamw").title
    combo.setCurrentIndex(index)
    assert form.document.network.training.optimizer == "adamw"
    assert "weight_decay" in visible_rows(form)


def test_silu_is_in_the_palette_with_its_registry_text(qtbot):
    palette = LayerPalette()
    qtbot.addWidget(palette)
    entry = activation("silu")
    item = palette.tree.item_for(entry.layer_type)
    assert item is not None and item.parent().text(0) == "Activations"
    assert item.text(0) == entry.layer_type and item.toolTip(0) == entry.description
    assert item.data(0, TYPE_ROLE) == "SiLU"
    group = item.parent()
    assert [group.child(i).data(0, TYPE_ROLE) for i in range(group.childCount())] == \
        [e.layer_type for e in ACTIVATIONS]
    palette.search.setText("swish")  # found by its description too
    assert not item.isHidden() and not group.isHidden()


def icon_image(icon):
    return icon.pixmap(ICON_SIZE, ICON_SIZE).toImage()


def test_each_activation_icon_draws_its_entrys_glyph(qtbot, monkeypatch):
    palette = LayerPalette()
    qtbot.addWidget(palette)
    colour = category_color("Activations")
    for entry in ACTIVATIONS:
        item = palette.tree.item_for(entry.layer_type)
        expected = _glyph_pixmap(entry.glyph or CATEGORY_GLYPHS["Activations"], colour).toImage()
        assert icon_image(item.icon(0)) == expected, entry.name
    assert activation("sigmoid").glyph == "σ" and activation("silu").glyph == ""
    # a new glyph in the entry is the icon's glyph: nothing else to edit
    layer_icon.cache_clear()
    monkeypatch.setitem(ACTIVATIONS._entries, "silu", replace(activation("silu"), glyph="S"))
    try:
        assert icon_image(spec_icon(get_spec("SiLU"))) == _glyph_pixmap("S", colour).toImage()
    finally:
        layer_icon.cache_clear()
