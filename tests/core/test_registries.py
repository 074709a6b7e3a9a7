"""The registries (core.activations, core.losses, core.optimizers) against the file format, autograd
and hand-written references; and SiLU and AdamW end to end, the two entries added by following
docs/extending.md.

The names a file may hold are probed through the file format itself (a one-layer file per
candidate name, read with `loads_network`), so a name the files accept but a registry lacks, or
the reverse, fails here. Every derivative is checked against torch autograd through the entry's
own torch factory, and every factory against a numpy formula written here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from builders import chain
from core.activations import (ACTIVATIONS, UnknownActivation, activation, activation_names,
                              for_layer_type)
from core.compiler import compile_network
from core.datasets import DatasetError, encode_targets
from core.fileformat import FORMAT_NAME, FORMAT_VERSION, FileFormatError, dumps_network, loads_network
from core.inspection import answers, formulas
from core.inspection.stages import build_stages, neuron_facts
from core.inspection.tracing import TraceRequest, compute_trace, snapshot
from core.layers import all_specs, get_spec
from core.layers.modules import make_activation
from core.losses import LOSSES, UnknownLoss, loss_entry, make_loss
from core.network import Network
from core.notation import factor, fmt
from core.optim import make_optimizer, scheduled_lr
from core.optimizers import (OPTIMIZERS, SCHEDULES, UnknownOptimizer, UnknownSchedule,
                             optimizer_entry, schedule_entry)
from core.registry import UnknownName
from core.probes import probabilities
from core.run_setup import RunError, check_fit, prepare_run
from core.settings import TRAINING_PARAMS, DatasetSpec, TrainingSettings, shown_settings
from core.training import RunFinished, Trainer
from core.validation import validate

GRID = np.linspace(-4.0, 4.0, 81)  # includes 0.0 exactly: the kinks are skipped, not missed
KINK_DISTANCE = 1e-6
LEAKY_SLOPE = 0.2  # not the default 0.01, so a factory or derivative that ignores it fails
PRELU_SLOPE = 0.3  # not torch's initial 0.25
DISTRACTORS = ("", "swish", "SILU", "Adamw", "lion", "cosine", "hinge", "Sigmoidd")
TRAINING_NAMES = {spec.name for spec in TRAINING_PARAMS}


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


def choices_of(layer_type: str, param: str) -> tuple[str, ...]:
    return get_spec(layer_type).param(param).choices


def training_choices(name: str) -> tuple[str, ...]:
    return next(spec for spec in TRAINING_PARAMS if spec.name == name).choices


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


# ----- every accepted name through every registry -------------------------------------------------
def test_every_activation_has_a_complete_entry_everywhere_it_is_read():
    for name in choices_of("Dense", "activation"):
        entry = activation(name)
        assert entry.name == name and entry.symbol and entry.description
        assert isinstance(entry.factory(LEAKY_SLOPE), nn.Module)
        assert isinstance(make_activation(name), nn.Module)
        assert entry.output in ("real", "probability", "distribution", "binary")
        assert for_layer_type(entry.layer_type) is entry
        line = formulas.activation_line(name, 0.5, 0.6, 0.01, np.array([0.5, -0.5]), 0)
        assert line.startswith("a") and fmt(0.6) in line, line
        assert entry.derivative_text(0.5, 0.6, 0.01)
        assert formulas.derivative_symbol(name)
        assert all(isinstance(hint, str) and hint for _, hint in entry.slips(0.5))
        if entry.derivative is None:  # only a function that couples its units may lack one
            assert entry.output == "distribution", name
            with pytest.raises(ValueError):
                formulas.derivative(name, 0.5, 0.6)
        else:
            text, value = formulas.derivative(name, 0.5, 0.6)
            assert text and math.isfinite(value)


def test_every_loss_builds_and_writes_its_formula():
    for name in choices_of("Output", "loss"):
        entry = loss_entry(name)
        assert entry.expects in ("probabilities", "logits", "any")
        for reduction in ("mean", "sum"):
            module = make_loss(name, reduction)
            assert isinstance(module, nn.Module) and module.reduction == reduction
        assert entry.value_rule.startswith("L = ") and "∂L/∂" in entry.grad_rule
        facts = formulas.LossFacts(name, np.array([[0.2, 0.8]]),
                                   np.array([1]) if entry.class_indices else np.array([[0.0, 1.0]]),
                                   0.5)
        assert formulas.loss_lines(facts)[0].startswith("L = ")


def perceptron_model():
    graph = chain([("x", "Input", {"shape": [2]}), ("n", "Dense", {"units": 1, "activation": "step"}),
                   ("out", "Output", {"loss": "mse"})])
    return compile_network(graph, "perceptron", seed=0)


def test_every_optimizer_builds_with_the_settings_it_names():
    model = perceptron_model()
    for name in training_choices("optimizer"):
        entry = optimizer_entry(name)
        assert set(entry.uses) <= TRAINING_NAMES, f"{name} reads a setting that does not exist"
        optimizer = make_optimizer(model, TrainingSettings(optimizer=name, learning_rate=0.25))
        assert optimizer.param_groups[0]["lr"] == 0.25
        kind, text = entry.update_rule()
        assert kind in ("sgd", "perceptron", "adaptive")
        assert formulas.update_kind(name, 0.0) == kind
        assert (kind == "adaptive") == bool(text), f"{name}: an adaptive rule explains itself"
        assert entry.uses_gradients == (entry.rule_step is None)


def test_every_schedule_gives_a_factor_from_the_settings_it_names():
    for name in training_choices("schedule"):
        entry = schedule_entry(name)
        assert set(entry.uses) <= TRAINING_NAMES
        settings = TrainingSettings(schedule=name, learning_rate=0.1, decay_rate=0.5, decay_steps=2)
        rates = [scheduled_lr(settings, epoch) for epoch in (1, 2, 3, 4)]
        assert rates[0] == 0.1 and all(0 < r <= 0.1 for r in rates)
    step = TrainingSettings(schedule="step", learning_rate=0.1, decay_rate=0.5, decay_steps=2)
    assert [scheduled_lr(step, e) for e in (1, 2, 3)] == pytest.approx([0.1, 0.1, 0.05])


def add_for_this_test(monkeypatch, registry, entry) -> None:
    """Register ``entry`` until the test ends (the file format's choices are fixed at import, so
    this reaches only the code that asks the registry at run time, which is what is checked)."""
    monkeypatch.setitem(registry._entries, entry.name, entry)


def test_a_new_class_index_loss_is_encoded_and_pictured_from_its_entry(monkeypatch):
    add_for_this_test(monkeypatch, LOSSES, replace(loss_entry("cross_entropy"), name="nll",
                                                   title="Negative log-likelihood"))
    labels = np.array([0, 2, 1])
    np.testing.assert_array_equal(encode_targets(labels, "classification", 3, "nll"), labels)
    with pytest.raises(DatasetError, match="Negative log-likelihood loss needs classes.*mse or mae"):
        encode_targets(np.array([0.5, 1.5]), "regression", 0, "nll")
    logits = np.array([[1.0, 2.0, 0.5]])
    np.testing.assert_allclose(probabilities(logits, "nll"), np.exp(logits) / np.exp(logits).sum())


def fit_problem(loss: str) -> str | None:
    """What the run setup says about ``loss`` on a one-number regression dataset."""
    report = SimpleNamespace(shapes={"x": (1,), "out": (1,)}, input_id="x", output_id="out")
    data = SimpleNamespace(input_shape=(1,), task="regression", name="line", output_size=1)
    try:
        check_fit(Network(), report, data, loss)
    except RunError as exc:
        return str(exc)
    return None


def test_only_losses_that_compare_classes_refuse_a_regression_dataset(monkeypatch):
    for name in LOSSES.names():
        problem = fit_problem(name)
        assert (problem is not None) == loss_entry(name).classes, name
    assert {n for n in LOSSES.names() if loss_entry(n).classes} == {"bce", "cross_entropy"}
    assert "a classification loss: choose mse or mae." in fit_problem("bce")
    add_for_this_test(monkeypatch, LOSSES, replace(loss_entry("bce"), name="focal"))
    add_for_this_test(monkeypatch, LOSSES, replace(loss_entry("mse"), name="huber"))
    assert "uses focal, a classification loss: choose mse or mae or huber." in fit_problem("focal")
    assert fit_problem("huber") is None


def test_a_losss_own_slips_give_check_my_answer_its_hint(monkeypatch):
    add_for_this_test(monkeypatch, LOSSES, replace(loss_entry("mse"), name="mse_copy"))
    for name in ("mse", "mse_copy"):
        facts = formulas.LossFacts(name, np.array([[3.0]]), np.array([[1.0]]), 4.0)
        verdict = answers.check(answers.loss_quantities(facts)[0], 2.0, facts)
        assert verdict.message.endswith("Square each error before averaging."), name


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


# ----- each derivative against autograd, each factory against numpy --------------------------------
def factory_module(name: str) -> tuple[nn.Module, float]:
    """The entry's own torch module in float64, and the slope α its derivative is given."""
    module = activation(name).factory(LEAKY_SLOPE).double()
    if name == "prelu":
        with torch.no_grad():
            module.weight.fill_(PRELU_SLOPE)
        return module, PRELU_SLOPE
    return module, LEAKY_SLOPE if name == "leaky_relu" else 0.01


def smooth_points(name: str) -> np.ndarray:
    kinks = np.array(activation(name).kinks)
    if not len(kinks):
        return GRID
    return GRID[np.min(np.abs(GRID[:, None] - kinks[None, :]), axis=1) > KINK_DISTANCE]


ELEMENTWISE = [name for name in activation_names() if activation(name).derivative is not None]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_autograd_through_its_own_factory(name):
    module, alpha = factory_module(name)
    points = smooth_points(name)
    z = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    a = module(z)
    a.sum().backward()
    entry = activation(name)
    ours = [entry.derivative(float(zi), float(ai), alpha) for zi, ai in zip(points, a.tolist())]
    np.testing.assert_allclose(ours, z.grad.numpy(), atol=1e-6, rtol=1e-6, err_msg=name)
    assert len(points) >= len(GRID) - len(entry.kinks)


def test_softmax_has_no_elementwise_derivative_and_its_delta_line_is_the_coupled_rule(graph_of):
    assert [n for n in activation_names() if n not in ELEMENTWISE] == ["softmax"]
    w = np.array([[0.5, -0.3, 0.8], [0.1, 0.9, -0.4]])
    graph = graph_of([("x", "Input", {"shape": [2]}),
                      ("soft", "Dense", {"units": 3, "activation": "softmax"},
                       {"weight": w, "bias": np.zeros(3)}),
                      ("out", "Output", {"loss": "mse"})])
    settings = TrainingSettings(optimizer="sgd", learning_rate=0.1)
    x, y = np.array([[1.0, 2.0]]), np.array([[0.0, 1.0, 0.0]])
    trace = formulas_trace(graph, x, y, settings)
    # autograd by hand on the same row: softmax's Jacobian-vector product
    z = torch.tensor(x @ w, dtype=torch.float64, requires_grad=True)
    a = torch.softmax(z, dim=1)
    ((a - torch.tensor(y)) ** 2).mean().backward()
    for unit in range(3):
        facts = neuron_facts(trace, "soft", unit, "softmax", settings)
        line = formulas.delta_line(facts)
        coupled = facts.a[0] * (facts.grad_a[0] - facts.a_row @ facts.grad_a_row)
        assert coupled == pytest.approx(z.grad[0, unit].item(), abs=1e-6)
        assert line.endswith(f"= {fmt(facts.delta[0])}") and "Σₖ aₖ·∂L/∂aₖ" in line
        assert float(facts.delta[0]) == pytest.approx(z.grad[0, unit].item(), abs=1e-6)


def formulas_trace(graph, x, y, settings):
    from core.inspection import trace_step
    return trace_step(compile_network(graph, settings.optimizer), x, y, "mse", settings)


_ERF = np.vectorize(math.erf)
NUMPY_FORMULAS = {  # written from the textbook definitions, not from the registry
    "linear": lambda z: z,
    "step": lambda z: (z >= 0).astype(float),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
    "prelu": lambda z: np.where(z > 0, z, PRELU_SLOPE * z),
    "gelu": lambda z: z * 0.5 * (1 + _ERF(z / math.sqrt(2))),
    "silu": lambda z: z / (1 + np.exp(-z)),  # z·σ(z)
    "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True),
}


def test_every_activation_has_an_independent_reference_here():
    assert set(NUMPY_FORMULAS) == set(activation_names())


@pytest.mark.parametrize("name", sorted(NUMPY_FORMULAS))
def test_factory_output_matches_the_numpy_formula(name):
    module, _ = factory_module(name)
    rows = GRID.reshape(9, 9)  # softmax works over each row
    out = module(torch.tensor(rows, dtype=torch.float64)).detach().numpy()
    np.testing.assert_allclose(out, NUMPY_FORMULAS[name](rows), atol=1e-12, rtol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", sorted(NUMPY_FORMULAS))
def test_each_activation_layer_compiles_to_the_numpy_formula(name):
    """The standalone layer, built by the catalogue from the entry (with the LeakyReLU slope
    its ParamSpec holds), computes the same function as the Dense option."""
    layer_type = activation(name).layer_type
    params = {"slope": LEAKY_SLOPE} if name == "leaky_relu" else {}
    graph = chain([("x", "Input", {"shape": [9]}), ("act", layer_type, params),
                   ("out", "Output", {"loss": "mse"})])
    report = validate(graph, "sgd", purpose="inspect")  # Step under SGD: a warning, not refused
    model = compile_network(graph, "sgd", seed=0, report=report).double()
    if name == "prelu":
        with torch.no_grad():
            model.get_submodule("act").weight.fill_(PRELU_SLOPE)
    rows = GRID.reshape(9, 9)
    with torch.no_grad():
        out = model(torch.tensor(rows, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(out, NUMPY_FORMULAS[name](rows), atol=1e-12, rtol=1e-12, err_msg=name)


def np_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# (prediction, target) -> (mean loss, ∂L/∂prediction), from the textbook definitions
NUMPY_LOSSES = {
    "mse": lambda p, y: (np.mean((p - y) ** 2), 2 * (p - y) / p.size),
    "mae": lambda p, y: (np.mean(np.abs(p - y)), np.sign(p - y) / p.size),
    "bce": lambda p, y: (-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)),
                         (p - y) / (p * (1 - p)) / p.size),
    "cross_entropy": lambda z, c: (-np.mean(np.log(np_softmax(z)[np.arange(len(c)), c])),
                                   (np_softmax(z) - np.eye(z.shape[1])[c]) / len(c)),
}


def test_every_loss_has_an_independent_reference_here():
    assert set(NUMPY_LOSSES) == set(LOSSES.names())


@pytest.mark.parametrize("name", sorted(NUMPY_LOSSES))
def test_loss_factory_value_and_gradient_match_numpy(name):
    rng = np.random.default_rng(4)
    prediction = rng.uniform(0.05, 0.95, (5, 3))
    target = rng.integers(0, 3, 5) if loss_entry(name).class_indices else \
        rng.integers(0, 2, (5, 3)).astype(float)
    p = torch.tensor(prediction, requires_grad=True)
    y = torch.tensor(target)
    value = make_loss(name, "mean")(p, y)
    value.backward()
    expected, gradient = NUMPY_LOSSES[name](prediction, target)
    assert value.item() == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(p.grad.numpy(), gradient, rtol=1e-10, atol=1e-14)
    summed = make_loss(name, "sum")(p, y).item()
    terms = target.shape[0] if loss_entry(name).class_indices else prediction.size
    assert summed == pytest.approx(expected * terms, rel=1e-12)


# ----- AdamW end to end ---------------------------------------------------------------------------
ADAMW = dict(optimizer="adamw", learning_rate=0.05, weight_decay=0.1, batch_size=2, epochs=3,
             shuffle=True, seed=3)


def xor_network(**training) -> Network:
    graph = chain([("input", "Input", {"shape": [2]}),
                   ("hidden", "Dense", {"units": 4, "activation": "tanh"}),
                   ("prob", "Dense", {"units": 1, "activation": "sigmoid"}),
                   ("output", "Output", {"loss": "bce"})])
    return Network(graph, DatasetSpec(name="xor"), TrainingSettings(**training))


def hand_adamw(initial: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor,
               settings: TrainingSettings) -> nn.Sequential:
    """The same run written with torch.optim.AdamW and nn layers, batches drawn as documented:
    a fresh permutation per epoch from a generator seeded with the run's seed."""
    reference = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    reference.load_state_dict({"0.weight": initial["hidden.weight"], "0.bias": initial["hidden.bias"],
                               "2.weight": initial["prob.weight"], "2.bias": initial["prob.bias"]})
    optimizer = torch.optim.AdamW(reference.parameters(), lr=settings.learning_rate,
                                  weight_decay=settings.weight_decay)
    generator = torch.Generator().manual_seed(settings.seed)
    loss_fn = nn.BCELoss()
    for _ in range(settings.epochs):
        for rows in torch.split(torch.randperm(len(x), generator=generator), settings.batch_size):
            optimizer.zero_grad()
            loss_fn(reference(x[rows]), y[rows]).backward()
            optimizer.step()
    return reference


def test_adamw_training_matches_a_hand_written_torch_adamw_loop():
    network = xor_network(**ADAMW)
    run = prepare_run(network)
    initial = {k: v.clone() for k, v in run.model.state_dict().items()}
    trainer = Trainer(run.model, run.dataset, network.training, run.loss)
    events = list(trainer.run())
    assert isinstance(events[-1], RunFinished) and events[-1].reason == "completed"
    x = torch.as_tensor(run.dataset.x_train, dtype=torch.float32)
    y = torch.as_tensor(run.dataset.y_train, dtype=torch.float32)
    reference = hand_adamw(initial, x, y, network.training)
    trained = run.model.state_dict()
    for ours, theirs in (("hidden.weight", "0.weight"), ("hidden.bias", "0.bias"),
                         ("prob.weight", "2.weight"), ("prob.bias", "2.bias")):
        assert not torch.equal(trained[ours], initial[ours])
        torch.testing.assert_close(trained[ours], reference.state_dict()[theirs], atol=1e-6, rtol=0)
    # weight_decay takes effect: without it the run ends elsewhere
    plain = xor_network(**(ADAMW | {"weight_decay": 0.0}))
    plain_run = prepare_run(plain)
    list(Trainer(plain_run.model, plain_run.dataset, plain.training, plain_run.loss).run())
    assert not torch.allclose(plain_run.model.state_dict()["hidden.weight"], trained["hidden.weight"],
                              atol=1e-4)


def test_adamw_reads_weight_decay_and_the_form_shows_it():
    assert "weight_decay" in optimizer_entry("adamw").uses
    assert [name for name in OPTIMIZERS.names() if "weight_decay" in optimizer_entry(name).uses] \
        == ["adamw"]
    assert "weight_decay" in shown_settings(TrainingSettings(optimizer="adamw"))
    assert "weight_decay" not in shown_settings(TrainingSettings(optimizer="adam"))
    optimizer = make_optimizer(perceptron_model(), TrainingSettings(optimizer="adamw",
                                                                     weight_decay=0.25))
    assert isinstance(optimizer, torch.optim.AdamW)
    assert optimizer.param_groups[0]["weight_decay"] == 0.25


def test_adamw_settings_round_trip_through_a_file():
    network = xor_network(**ADAMW)
    reread = loads_network(dumps_network(network))
    assert reread.training == network.training
    assert reread.training.optimizer == "adamw" and reread.training.weight_decay == 0.1


def test_the_inspector_steps_adamw_as_torch_does():
    network = xor_network(**(ADAMW | {"batch_size": 0}))
    result = compute_trace(TraceRequest(1, snapshot(network), None, 0))
    assert result.ok, result.error
    update = result.trace.find("update", "prob")
    before, after = update.params_before["weight"], update.params["weight"]  # inputs × units
    grad = result.trace.find("backward", "prob").grads["weight"]
    # AdamW's first step: w ← w − η·λ·w − η·m̂/(√v̂ + ε) with m̂ = g, v̂ = g²
    expected = before * (1 - 0.05 * 0.1) - 0.05 * grad / (np.abs(grad) + 1e-8)
    np.testing.assert_allclose(after, expected, atol=1e-6)
    assert formulas.update_kind("adamw", 0.0) == "adaptive"
    assert "weight decay" in formulas.update_explanation("adamw", 0.0)


# ----- SiLU end to end ----------------------------------------------------------------------------
W1 = np.array([[0.6, -0.4, 1.2], [0.25, 0.9, -0.7]])  # inputs × units
B1 = np.array([0.1, -0.2, 0.3])
W2 = np.array([[0.5], [-1.1], [0.8]])
B2 = np.array([0.05])
X = np.array([[1.0, 2.0], [-1.5, 0.5], [0.3, -2.0], [2.0, 1.0]])
Y = np.array([[1.0], [0.0], [-0.5], [2.0]])


def np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def silu_network(weights: bool = True) -> Network:
    rows = [("x", "Input", {"shape": [2]}),
            ("hidden", "Dense", {"units": 3, "activation": "silu"}),
            ("swish", "SiLU", {}),
            ("line", "Dense", {"units": 1}),
            ("out", "Output", {"loss": "mse"})]
    hand = {"hidden": {"weight": W1, "bias": B1}, "line": {"weight": W2, "bias": B2}}
    data = DatasetSpec(source="inline", name="points",
                       params={"x": X.tolist(), "y": Y.tolist(), "task": "regression"})
    settings = TrainingSettings(optimizer="sgd", learning_rate=0.05, batch_size=0, epochs=20,
                                shuffle=False)
    return Network(chain(rows, hand if weights else None), data, settings, name="SiLU")


def silu_numpy(x: np.ndarray) -> dict[str, np.ndarray]:
    z = x @ W1 + B1
    a = z * np_sigmoid(z)
    b = a * np_sigmoid(a)
    return {"z": z, "a": a, "b": b, "y": b @ W2 + B2}


def test_silu_round_trips_through_a_file_validates_and_compiles_to_the_numpy_result():
    network = loads_network(dumps_network(silu_network()))
    graph = network.graph
    assert graph.layer_type("swish") == "SiLU" and graph.params("hidden")["activation"] == "silu"
    np.testing.assert_allclose(graph.weights("hidden")["weight"], W1)
    assert dumps_network(network) == dumps_network(silu_network())
    report = validate(graph, network.training.optimizer)
    assert report.is_valid, [p.message for p in report.problems]
    model = compile_network(graph, network.training.optimizer)
    with torch.no_grad():
        out = model(torch.tensor(X, dtype=torch.float32)).double().numpy()
    np.testing.assert_allclose(out, silu_numpy(X)["y"], rtol=1e-5)


def test_silu_network_trains():
    network = silu_network(weights=False)
    run = prepare_run(network)
    trainer = Trainer(run.model, run.dataset, network.training, run.loss)
    losses = [e.train_loss for e in trainer.run() if hasattr(e, "train_loss")]
    assert len(losses) == 20 and all(map(math.isfinite, losses))
    assert losses[-1] < losses[0]


def silu_trace():
    result = compute_trace(TraceRequest(1, snapshot(silu_network()), None, 0))
    assert result.ok, result.error
    return result, neuron_facts(result.trace, "hidden", 2, "silu", result.settings)


def test_inspector_writes_silus_forward_line_and_derivative_with_the_numpy_numbers():
    result, facts = silu_trace()
    ref = silu_numpy(X[:1])
    z, a = ref["z"][0, 2], ref["a"][0, 2]
    assert facts.z[0] == pytest.approx(z, rel=1e-5) and facts.a[0] == pytest.approx(a, rel=1e-5)
    line = formulas.forward_lines(facts)[-1]
    assert line == f"a = SiLU(z) = z·σ(z) = {factor(z)}×{fmt(np_sigmoid(z))} = {fmt(a)}"
    slope = np_sigmoid(z) * (1 + z * (1 - np_sigmoid(z)))
    text, value = formulas.derivative("silu", facts.z[0], facts.a[0])
    assert value == pytest.approx(slope, rel=1e-5)
    s = fmt(np_sigmoid(z))
    assert text == f"SiLU'(z) = σ(z)·(1 + z·(1 − σ(z))) = {s}×(1 + {factor(z)}×(1 − {s}))"
    delta = formulas.delta_line(facts)
    assert delta.startswith(f"{text} = {fmt(slope)}\nδ = ∂L/∂z = ∂L/∂a × SiLU'(z) = ")
    assert facts.delta[0] == pytest.approx(facts.grad_a[0] * slope, rel=1e-4)
    assert formulas.hidden_lines("forward", facts)[1] == "a = SiLU(z) = ?"
    # the standalone SiLU layer's recorded output is z·σ(z) of its input
    swish = result.trace.find("forward", "swish")
    np.testing.assert_allclose(swish.values["output"], ref["b"][:1], rtol=1e-5)


def test_the_stage_texts_name_silu_as_its_formulas_do():
    result, _ = silu_trace()
    stages = {(s.phase, s.node): s for s in build_stages(result)}
    assert "then the activation: a = SiLU(z)." in stages["forward", "hidden"].explanation
    assert "The chain rule through SiLU gives δ = ∂L/∂z" in stages["backward", "hidden"].explanation
    assert stages["forward", "swish"].explanation == activation("silu").description


def test_check_my_answer_accepts_silu_and_names_the_sigmoid_slip():
    _, facts = silu_trace()
    quantity = answers.neuron_quantities(facts, "forward")[1]
    z = float(facts.z[0])
    assert quantity.key == "a"
    assert answers.check(quantity, z * np_sigmoid(z), facts).correct
    wrong = answers.check(quantity, np_sigmoid(z), facts)
    assert not wrong.correct
    assert "That is σ(z) alone: SiLU multiplies it by z, a = z·σ(z)." in wrong.message
    delta = answers.neuron_quantities(facts, "backward")[1]
    slope = np_sigmoid(z) * (1 + z * (1 - np_sigmoid(z)))
    assert answers.check(delta, float(facts.grad_a[0]) * slope, facts).correct


def test_silu_is_the_registry_entry_the_catalogue_reads():
    entry = activation("silu")
    assert entry.layer_type == "SiLU" and entry.symbol == "SiLU" and entry.kinks == ()
    spec = get_spec("SiLU")
    assert spec.category == "Activations" and spec.description == entry.description
    assert spec.count_params({}, [(3,)]) == 0
