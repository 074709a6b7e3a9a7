"""The names a network file may hold against the registries (core.activations, core.losses,
core.optimizers), docs/file-format.md against the schema, and unknown names as named errors.

The names are probed through the file format itself (a one-layer file per candidate name, read
with `loads_network`), so a name the files accept but a registry lacks, or the reverse, fails here.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from registry_helpers import TRAINING_NAMES, choices_of, perceptron_model, training_choices
from core.activations import (ACTIVATIONS, UnknownActivation, activation, activation_names,
                              for_layer_type)
from core.fileformat import FORMAT_NAME, FORMAT_VERSION, FileFormatError, loads_network
from core.inspection import formulas
from core.layers import all_specs, get_spec
from core.layers.modules import make_activation
from core.losses import LOSSES, UnknownLoss, loss_entry, make_loss
from core.optim import make_optimizer, scheduled_lr
from core.optimizers import (OPTIMIZERS, SCHEDULES, UnknownOptimizer, UnknownSchedule,
                             optimizer_entry, schedule_entry)
from core.registry import UnknownName
from core.settings import TRAINING_PARAMS


DISTRACTORS = ("", "swish", "SILU", "Adamw", "lion", "cosine", "hinge", "Sigmoidd")


# ----- the names the file format accepts ----------------------------------------------------------
def file_with(layers: list[dict], training: dict | None = None) -> str:
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "name": "probe",
                "layers": layers, "connections": []}
    if training is not None:
        document["training"] = training
    return json.dumps(document)


def accepted(candidates, make_file) -> set[str]:
    """The candidates a network file may hold, found by reading one file per candidate."""
    names = set()
    for name in candidates:
        try:
            loads_network(make_file(name))
        except FileFormatError:
            continue
        names.add(name)
    return names


def candidates(*groups) -> set[str]:
    return set(DISTRACTORS).union(*groups)


def test_layer_types_files_accept_include_one_activation_layer_per_registry_entry():
    spec_types = {spec.type_name for spec in all_specs()}
    registry_types = {entry.layer_type for entry in ACTIVATIONS}
    found = accepted(candidates(spec_types, registry_types),
                     lambda name: file_with([{"id": "layer", "type": name}]))
    assert found == spec_types
    activation_layers = {s.type_name for s in all_specs() if s.category == "Activations"}
    assert activation_layers == registry_types
    for layer_type in sorted(found):
        entry = for_layer_type(layer_type)
        if layer_type in registry_types:
            assert entry is not None and entry.layer_type == layer_type
            assert get_spec(layer_type).description == entry.description
            assert get_spec(layer_type).params == entry.layer_params
        else:
            assert entry is None, f"{layer_type} is no activation layer"


@pytest.mark.parametrize("layer_type", ["Dense", "Conv2d"])
def test_activation_choices_files_accept_are_the_registry(layer_type):
    found = accepted(candidates(choices_of(layer_type, "activation"), activation_names()),
                     lambda name: file_with([{"id": "layer", "type": layer_type,
                                              "params": {"activation": name}}]))
    assert found == set(activation_names())
    assert choices_of(layer_type, "activation") == activation_names()  # same order in the editor


def test_loss_names_files_accept_are_the_registry():
    found = accepted(candidates(choices_of("Output", "loss"), LOSSES.names()),
                     lambda name: file_with([{"id": "out", "type": "Output",
                                              "params": {"loss": name}}]))
    assert found == set(LOSSES.names())
    output = get_spec("Output").param("loss")
    assert output.choices == LOSSES.names()
    assert output.choice_titles == tuple(loss_entry(n).display for n in output.choices)


@pytest.mark.parametrize("setting, registry", [("optimizer", OPTIMIZERS), ("schedule", SCHEDULES)])
def test_optimizer_and_schedule_names_files_accept_are_the_registry(setting, registry):
    found = accepted(candidates(training_choices(setting), registry.names()),
                     lambda name: file_with([], {setting: name}))
    assert found == set(registry.names())
    spec = next(s for s in TRAINING_PARAMS if s.name == setting)
    assert spec.choices == registry.names()
    assert spec.choice_titles == tuple(entry.title for entry in registry)


# ----- docs/file-format.md, the one hand-written copy of the schema, kept in step -----------------
FILE_FORMAT_DOC = Path(__file__).resolve().parents[2] / "docs" / "file-format.md"


def layer_row(spec) -> str:
    """The row docs/file-format.md must hold for a layer type, written from its ParamSpecs."""
    def one(p) -> str:
        default = json.dumps(list(p.default) if isinstance(p.default, tuple) else p.default)
        if p.kind == "choice":
            allowed = f" ({', '.join(p.choices)})"
        else:
            allowed = "" if p.kind == "bool" else f" ({p.minimum:g} to {p.maximum:g})"
        return f"`{p.name}` {p.kind} = `{default}`{allowed}"
    return f"| `{spec.type_name}` | {'; '.join(one(p) for p in spec.params) or 'none'} |"


def training_rows(doc: str) -> dict[str, tuple[str, str]]:
    """{setting: (default, meaning)} from the doc's training table."""
    section = doc.split("### `training`", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| (`[^|]+`) \| [^|]+ \| `([^`]+)` \| (.+) \|$", line)
        if match:
            rows.update(dict.fromkeys(re.findall(r"`(\w+)`", match.group(1)),
                                      (match.group(2), match.group(3))))
    return rows


def number_forms(value: float) -> set[str]:
    forms = {f"{value:g}"}
    if float(value).is_integer():
        forms.add(str(int(value)))
        if value >= 10 and math.log10(value).is_integer():
            forms.add(f"1e{int(math.log10(value))}")
    return forms


def test_the_file_format_doc_has_every_layer_type_as_the_catalogue_says():
    doc = FILE_FORMAT_DOC.read_text(encoding="utf-8")
    for spec in all_specs():
        assert layer_row(spec) in doc, f"docs/file-format.md needs the row\n{layer_row(spec)}"
    table = doc.split("| Type | Parameters", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE))
    assert listed == {spec.type_name for spec in all_specs()}


def test_the_file_format_doc_has_every_training_setting_as_its_paramspec_says():
    rows = training_rows(FILE_FORMAT_DOC.read_text(encoding="utf-8"))
    assert set(rows) == TRAINING_NAMES
    for spec in TRAINING_PARAMS:
        default, meaning = rows[spec.name]
        assert default == json.dumps(spec.default), spec.name
        if spec.kind in ("int", "float"):
            assert any(form in meaning for form in number_forms(spec.maximum)), spec.name
    for setting, registry in (("optimizer", OPTIMIZERS), ("schedule", SCHEDULES)):
        assert all(f'"{name}"' in rows[setting][1] for name in registry.names()), setting


# ----- unknown names: a named error listing the known names, never a fallback ---------------------
def assert_named(error: pytest.ExceptionInfo, kind: type[UnknownName], asked, known) -> None:
    assert error.type is kind and isinstance(error.value, KeyError)
    assert error.value.name == asked
    message = str(error.value)
    assert message.startswith(f"Unknown {kind.kind} {asked!r}")
    assert all(name in message for name in known), message


def test_unknown_activation_is_a_named_error_everywhere():
    names = activation_names()
    for call in (lambda: activation("swish"), lambda: make_activation("swish"),
                 lambda: formulas.derivative("swish", 1.0, 0.7),
                 lambda: formulas.activation_line("swish", 1.0, 0.7),
                 lambda: formulas.derivative_symbol("swish")):
        with pytest.raises(UnknownActivation) as error:
            call()
        assert_named(error, UnknownActivation, "swish", names)
    with pytest.raises(UnknownActivation):
        activation(["a", "list"])  # an unhashable value read from a file: still the named error
    assert for_layer_type("Swish") is None


def test_unknown_optimizer_and_schedule_are_named_errors():
    model = perceptron_model()
    for call in (lambda: make_optimizer(model, SimpleNamespace(optimizer="lion", learning_rate=0.1)),
                 lambda: optimizer_entry("lion"), lambda: formulas.update_kind("lion", 0.0)):
        with pytest.raises(UnknownOptimizer) as error:
            call()
        assert_named(error, UnknownOptimizer, "lion", OPTIMIZERS.names())
    for call in (lambda: schedule_entry("cosine"),
                 lambda: scheduled_lr(SimpleNamespace(schedule="cosine", learning_rate=0.1), 1)):
        with pytest.raises(UnknownSchedule) as error:
            call()
        assert_named(error, UnknownSchedule, "cosine", SCHEDULES.names())


def test_unknown_loss_is_a_named_error():
    for call in (lambda: make_loss("hinge"), lambda: loss_entry("hinge"),
                 lambda: formulas.loss_lines(formulas.LossFacts("hinge", np.zeros((1, 1)),
                                                                np.zeros((1, 1)), 0.0))):
        with pytest.raises(UnknownLoss) as error:
            call()
        assert_named(error, UnknownLoss, "hinge", LOSSES.names())


def test_a_name_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        ACTIVATIONS.add(activation("silu"))
