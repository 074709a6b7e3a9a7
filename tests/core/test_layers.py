"""Every layer type checked against an independent computation (micrograd-style).

For each case a tiny network ``Input -> layer -> Output`` (merge layers: ``Input -> branches ->
merge -> Output``) is compiled with known weights; the forward output, the gradient of
``sum(output * R)`` with respect to the input and every parameter gradient are compared with a
computation that does not use the compiled modules: numpy written by hand for Dense, activations,
Flatten, Dropout and the merges, and torch modules/functions built here for convolution, pooling,
batch norm and recurrent layers. Shape inference and parameter counts are checked on the same cases.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from core.compiler import compile_network
from core.layers import all_specs, get_spec
from core.validation import ValidationReport, validate

BATCH = 4
Weights = dict[str, dict[str, np.ndarray]]  # layer id -> weight name -> array (file convention)
# (x, weights, R, train) -> (y, dL/dx, {"<id>.<name>": dL/dparam}[, {"<id>.<buffer>": value}])
Reference = Callable[[np.ndarray, Weights, np.ndarray, bool], tuple]


@dataclass
class Case:
    name: str
    covers: tuple[str, ...]  # layer types this case checks
    layers: list[tuple]  # rows for graph_of: (id, type, params)
    edges: list[tuple[str, str]] | None
    input_shape: tuple[int, ...]
    weight_shapes: dict[str, dict[str, tuple[int, ...]]]
    reference: Reference
    train: bool = False
    zero_at_first_input: bool = False  # put an exact 0 in x (H(0) = 1 for Step)


def f32(array: np.ndarray) -> np.ndarray:
    """Round to float32 so that both sides see exactly the same numbers."""
    return np.asarray(array, dtype=np.float32).astype(np.float64)


def make_weights(case: Case, rng: np.random.Generator) -> Weights:
    weights: Weights = {}
    for layer, shapes in case.weight_shapes.items():
        weights[layer] = {}
        for name, shape in shapes.items():
            values = rng.standard_normal(shape)
            if name.endswith("running_var"):
                values = np.abs(values) + 0.5
            weights[layer][name] = f32(values)
    return weights


# ----- numpy by hand ----------------------------------------------------------------------------
_erf = np.vectorize(math.erf)


def activation_np(name: str, z: np.ndarray, r: np.ndarray, slope: float = 0.01,
                  alpha: float | None = None) -> tuple[np.ndarray, np.ndarray, float | None]:
    """(a(z), dL/dz given dL/da = r, dL/dalpha for prelu)."""
    if name == "linear":
        return z, r, None
    if name == "step":
        return (z >= 0).astype(np.float64), np.zeros_like(z), None
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s, r * s * (1 - s), None
    if name == "tanh":
        t = np.tanh(z)
        return t, r * (1 - t * t), None
    if name == "relu":
        return np.maximum(z, 0.0), r * (z > 0), None
    if name == "leaky_relu":
        return np.where(z > 0, z, slope * z), r * np.where(z > 0, 1.0, slope), None
    if name == "prelu":
        y = np.where(z > 0, z, alpha * z)
        return y, r * np.where(z > 0, 1.0, alpha), float(np.sum(r * np.where(z > 0, 0.0, z)))
    if name == "gelu":
        cdf = 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))
        pdf = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        return z * cdf, r * (cdf + z * pdf), None
    if name == "silu":  # a = z·σ(z), a' = σ(z)·(1 + z·(1 − σ(z)))
        s = 1.0 / (1.0 + np.exp(-z))
        return z * s, r * s * (1 + z * (1 - s)), None
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        s = e / e.sum(axis=-1, keepdims=True)
        return s, s * (r - np.sum(r * s, axis=-1, keepdims=True)), None
    raise AssertionError(f"no reference for activation {name}")


def dense_np(x: np.ndarray, w: dict[str, np.ndarray], activation: str, r: np.ndarray | None,
             prefix: str) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """y = a(x·W + b) over the last axis; returns y, dL/dx and the parameter gradients."""
    weight = w["weight"]  # inputs x units (file convention)
    z = x @ weight + (w["bias"] if "bias" in w else 0.0)
    if r is None:  # forward only
        r = np.zeros_like(z)
    alpha = float(w["act.weight"][0]) if "act.weight" in w else None
    y, dz, dalpha = activation_np(activation, z, r, alpha=alpha)
    flat_x, flat_dz = x.reshape(-1, x.shape[-1]), dz.reshape(-1, dz.shape[-1])
    grads = {f"{prefix}.weight": flat_x.T @ flat_dz}
    if "bias" in w:
        grads[f"{prefix}.bias"] = flat_dz.sum(axis=0)
    if dalpha is not None:
        grads[f"{prefix}.act.weight"] = np.array([dalpha])
    return y, dz @ weight.T, grads


def conv1x1_np(x: np.ndarray, w: dict[str, np.ndarray], r: np.ndarray, prefix: str):
    """A 1×1 convolution is a matrix product over channels at every pixel."""
    kernel = w["weight"][:, :, 0, 0]  # filters x channels
    y = np.einsum("oc,nchw->nohw", kernel, x) + w["bias"][None, :, None, None]
    if r is None:  # forward only
        r = np.zeros_like(y)
    dx = np.einsum("oc,nohw->nchw", kernel, r)
    grads = {f"{prefix}.weight": np.einsum("nohw,nchw->oc", r, x)[:, :, None, None],
             f"{prefix}.bias": r.sum(axis=(0, 2, 3))}
    return y, dx, grads


# ----- case factories ---------------------------------------------------------------------------
def single(name: str, layer_type: str, params: dict, input_shape: tuple[int, ...],
           weight_shapes: dict[str, tuple[int, ...]], reference: Reference, **kwargs) -> Case:
    return Case(name, (layer_type,), [("x", "Input", {"shape": input_shape}),
                                      ("L", layer_type, params), ("out", "Output")],
                None, input_shape, {"L": weight_shapes} if weight_shapes else {}, reference,
                **kwargs)


def dense_case(name: str, activation: str, bias: bool = True, input_shape=(5,), units=3) -> Case:
    shapes = {"weight": (input_shape[-1], units)}
    if bias:
        shapes["bias"] = (units,)
    if activation == "prelu":
        shapes["act.weight"] = (1,)

    def reference(x, w, r, train):
        return dense_np(x, w["L"], activation, r, "L")
    return single(name, "Dense", {"units": units, "activation": activation, "bias": bias},
                  input_shape, shapes, reference)


def activation_case(layer_type: str, function: str, params: dict | None = None, **kwargs) -> Case:
    params = params or {}
    shapes = {"weight": (1,)} if function == "prelu" else {}

    def reference(x, w, r, train):
        alpha = float(w["L"]["weight"][0]) if function == "prelu" else None
        y, dx, dalpha = activation_np(function, x, r, slope=params.get("slope", 0.01), alpha=alpha)
        return y, dx, ({"L.weight": np.array([dalpha])} if dalpha is not None else {})
    return single(f"{layer_type}", layer_type, params, (6,), shapes, reference, **kwargs)


def identity_reference(x, w, r, train):
    return x, r, {}


def flatten_reference(x, w, r, train):
    return x.reshape(x.shape[0], -1), r.reshape(x.shape), {}


def torch_reference(make: Callable[[], nn.Module], names: dict[str, str],
                    apply: Callable[[nn.Module, torch.Tensor], torch.Tensor] | None = None,
                    state_out: dict[str, str] | None = None):
    """A reference built from torch modules written here, run in float64.

    ``names`` maps the reference module's state names to the compiled ``<id>.<name>``.
    """
    def reference(x, w, r, train):
        module = make().double().train(train)
        with torch.no_grad():
            own = dict(module.state_dict(keep_vars=True))
            for ref_name, compiled_name in names.items():
                layer, weight_name = compiled_name.split(".", 1)
                own[ref_name].copy_(torch.as_tensor(w[layer][weight_name]))
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        y = apply(module, xt) if apply else module(xt)
        (y * torch.as_tensor(r)).sum().backward()
        grads = {names[n]: p.grad.numpy() for n, p in module.named_parameters()}
        state = {compiled: module.state_dict()[ref].numpy() for ref, compiled in
                 (state_out or {}).items()}
        return y.detach().numpy(), xt.grad.numpy(), grads, state
    return reference


def conv_case(name: str, filters: int, kernel: int, stride: int, padding: int, activation: str,
              bias: bool, input_shape=(2, 5, 5)) -> Case:
    shapes = {"weight": (filters, input_shape[0], kernel, kernel)}
    if bias:
        shapes["bias"] = (filters,)
    if activation == "prelu":
        shapes["act.weight"] = (1,)
    acts = {"linear": lambda z, w: z, "relu": lambda z, w: torch.relu(z),
            "tanh": lambda z, w: torch.tanh(z), "prelu": lambda z, w: F.prelu(z, w),
            "silu": lambda z, w: z * torch.sigmoid(z)}

    class Reference(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.zeros(shapes["weight"]))
            self.bias = nn.Parameter(torch.zeros(filters)) if bias else None
            self.alpha = nn.Parameter(torch.zeros(1)) if activation == "prelu" else None

        def forward(self, x):
            z = F.conv2d(x, self.weight, self.bias, stride=stride, padding=padding)
            return acts[activation](z, self.alpha)

    names = {"weight": "L.weight"} | ({"bias": "L.bias"} if bias else {}) \
        | ({"alpha": "L.act.weight"} if activation == "prelu" else {})
    return single(name, "Conv2d", {"filters": filters, "kernel": kernel, "stride": stride,
                                   "padding": padding, "activation": activation, "bias": bias},
                  input_shape, shapes, torch_reference(Reference, names))


def pool_case(layer_type: str, kernel: int, stride: int, input_shape) -> Case:
    function = F.max_pool2d if layer_type == "MaxPool2d" else F.avg_pool2d

    def reference(x, w, r, train):
        xt = torch.tensor(x, requires_grad=True)
        y = function(xt, kernel, stride or kernel)
        (y * torch.as_tensor(r)).sum().backward()
        return y.detach().numpy(), xt.grad.numpy(), {}
    return single(f"{layer_type}_k{kernel}_s{stride}", layer_type,
                  {"kernel": kernel, "stride": stride}, input_shape, {}, reference)


def batchnorm_case(input_shape: tuple[int, ...], train: bool, momentum: float = 0.3) -> Case:
    channels = input_shape[0] if len(input_shape) in (1, 3) else input_shape[-1]
    shapes = {n: (channels,) for n in ("norm.weight", "norm.bias", "norm.running_mean",
                                       "norm.running_var")}
    cls = nn.BatchNorm2d if len(input_shape) == 3 else nn.BatchNorm1d
    if len(input_shape) == 2:  # sequences: every (sample, step) is one observation of F features
        def apply(module, x):
            return module(x.reshape(-1, x.shape[-1])).reshape(x.shape)
    else:
        apply = None
    names = {"weight": "L.norm.weight", "bias": "L.norm.bias",
             "running_mean": "L.norm.running_mean", "running_var": "L.norm.running_var"}
    kind = {1: "vectors", 2: "sequences", 3: "images"}[len(input_shape)]
    return single(f"BatchNorm_{kind}_{'train' if train else 'eval'}", "BatchNorm",
                  {"momentum": momentum}, input_shape, shapes,
                  torch_reference(lambda: cls(channels, momentum=momentum), names, apply,
                                  state_out={"running_mean": "L.norm.running_mean",
                                             "running_var": "L.norm.running_var"}),
                  train=train)


def rnn_case(layer_type: str, return_sequences: bool, steps=4, features=3, hidden=5) -> Case:
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[layer_type]
    cls = {"SimpleRNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[layer_type]
    shapes = {"rnn.weight_ih_l0": (gates * hidden, features),
              "rnn.weight_hh_l0": (gates * hidden, hidden),
              "rnn.bias_ih_l0": (gates * hidden,), "rnn.bias_hh_l0": (gates * hidden,)}

    def apply(module, x):
        out, _ = module(x)
        return out if return_sequences else out[:, -1, :]
    names = {n.removeprefix("rnn."): f"L.{n}" for n in shapes}
    return single(f"{layer_type}_{'seq' if return_sequences else 'last'}", layer_type,
                  {"hidden": hidden, "return_sequences": return_sequences}, (steps, features),
                  shapes, torch_reference(lambda: cls(features, hidden, batch_first=True), names,
                                          apply))


def merge_case(name: str, merge: str, input_shape, branches: list[tuple[str, str, dict]]) -> Case:
    """Input -> branches (Dense or 1×1 Conv2d) -> merge -> Output, branches joined in slot order."""
    layers = [("x", "Input", {"shape": input_shape})] + list(branches) \
        + [("L", merge, {}), ("out", "Output")]
    edges = [("x", b[0]) for b in branches] + [(b[0], "L") for b in branches] + [("L", "out")]
    shapes: dict[str, dict[str, tuple[int, ...]]] = {}
    for layer, kind, params in branches:
        if kind == "Dense":
            shapes[layer] = {"weight": (input_shape[-1], params["units"]),
                             "bias": (params["units"],)}
        else:
            shapes[layer] = {"weight": (params["filters"], input_shape[0], 1, 1),
                             "bias": (params["filters"],)}

    def forward_branch(layer, kind, params, x, w, r):
        if kind == "Dense":
            return dense_np(x, w[layer], params.get("activation", "linear"), r, layer)
        return conv1x1_np(x, w[layer], r, layer)

    def reference(x, w, r, train):
        outs = [forward_branch(b[0], b[1], b[2], x, w, None)[0] for b in branches]
        if merge == "Add":
            y, parts = sum(outs), [r] * len(outs)
        else:
            axis = 1 if len(input_shape) == 3 else -1
            y = np.concatenate(outs, axis=axis)
            bounds = np.cumsum([o.shape[axis] for o in outs])[:-1]
            parts = np.split(r, bounds, axis=axis)
        dx, grads = np.zeros_like(x), {}
        for (layer, kind, params), part in zip(branches, parts):
            _, dxi, gi = forward_branch(layer, kind, params, x, w, part)
            dx += dxi
            grads |= gi
        return y, dx, grads
    return Case(name, (merge,), layers, edges, input_shape, shapes, reference)


CASES: list[Case] = [
    Case("Input_Output", ("Input", "Output"), [("x", "Input", {"shape": (3,)}), ("out", "Output")],
         None, (3,), {}, identity_reference),
    *(dense_case(f"Dense_{a}", a) for a in ("linear", "step", "sigmoid", "tanh", "relu",
                                            "leaky_relu", "prelu", "gelu", "silu", "softmax")),
    dense_case("Dense_linear_nobias", "linear", bias=False),
    dense_case("Dense_prelu_nobias", "prelu", bias=False),
    dense_case("Dense_sequences_softmax", "softmax", input_shape=(3, 4), units=2),
    activation_case("Identity", "linear"),
    activation_case("Step", "step", zero_at_first_input=True),
    activation_case("Sigmoid", "sigmoid"),
    activation_case("Tanh", "tanh"),
    activation_case("ReLU", "relu"),
    activation_case("LeakyReLU", "leaky_relu", {"slope": 0.2}),
    activation_case("PReLU", "prelu"),
    activation_case("GELU", "gelu"),
    activation_case("SiLU", "silu"),
    activation_case("Softmax", "softmax"),
    single("Flatten_images", "Flatten", {}, (2, 3, 4), {}, flatten_reference),
    single("Flatten_sequences", "Flatten", {}, (3, 4), {}, flatten_reference),
    single("Dropout_eval", "Dropout", {"p": 0.5}, (6,), {}, identity_reference),
    single("Dropout_train_p0", "Dropout", {"p": 0.0}, (6,), {}, identity_reference, train=True),
    *(batchnorm_case(shape, train) for shape in ((4,), (3, 4), (2, 3, 3)) for train in (True, False)),
    conv_case("Conv2d_relu_pad1", 3, 3, 1, 1, "relu", True),
    conv_case("Conv2d_stride2_nobias", 4, 2, 2, 0, "linear", False),
    conv_case("Conv2d_prelu", 2, 3, 2, 2, "prelu", True, input_shape=(1, 6, 5)),
    conv_case("Conv2d_silu", 2, 3, 1, 1, "silu", True, input_shape=(1, 5, 5)),
    pool_case("MaxPool2d", 2, 0, (2, 4, 4)),
    pool_case("MaxPool2d", 3, 1, (2, 5, 5)),
    pool_case("AvgPool2d", 2, 0, (2, 4, 5)),
    pool_case("AvgPool2d", 3, 2, (2, 7, 7)),
    *(rnn_case(kind, seq) for kind in ("SimpleRNN", "LSTM", "GRU") for seq in (True, False)),
    merge_case("Add_three_vectors", "Add", (4,),
               [("a", "Dense", {"units": 3}), ("b", "Dense", {"units": 3, "activation": "tanh"}),
                ("c", "Dense", {"units": 3, "activation": "relu"})]),
    merge_case("Concatenate_vectors", "Concatenate", (4,),
               [("a", "Dense", {"units": 2}), ("b", "Dense", {"units": 3, "activation": "tanh"})]),
    merge_case("Concatenate_sequences", "Concatenate", (3, 4),
               [("a", "Dense", {"units": 2}), ("b", "Dense", {"units": 3})]),
    merge_case("Concatenate_image_channels", "Concatenate", (2, 3, 3),
               [("a", "Conv2d", {"filters": 2, "kernel": 1}),
                ("b", "Conv2d", {"filters": 3, "kernel": 1})]),
]


def seed_of(case: Case) -> int:
    return zlib.crc32(case.name.encode())


def report_without_step_rule(graph) -> ValidationReport:
    """Validation for these maths tests, where Step neurons are fine.

    The validator rejects Step activations under gradient descent (their gradient is zero) and
    allows the perceptron rule only for Input -> Dense(step) -> Output, so a network holding a
    Step *layer* never validates; here only that teaching rule is lifted, nothing else.
    """
    report = validate(graph, "adam")
    step_rule = [p for p in report.errors if "uses a Step activation" in p.message]
    assert all(report.params[p.node].get("activation") == "step" or graph.layer_type(p.node) == "Step"
               for p in step_rule)
    report.problems = [p for p in report.problems if p not in step_rule]
    assert report.is_valid, report.problems
    return report


@pytest.fixture
def compiled(graph_of):
    """``compiled(case) -> (graph, weights, model, report)`` with the case's known weights loaded."""
    def build(case: Case):
        rng = np.random.default_rng(seed_of(case))
        weights = make_weights(case, rng)
        layers = [row + (weights.get(row[0]),) if len(row) == 3 else row for row in case.layers]
        graph = graph_of(layers, case.edges)
        report = report_without_step_rule(graph)
        return graph, weights, compile_network(graph, "adam", seed=0, report=report), report
    return build


def sample_input(case: Case) -> np.ndarray:
    x = f32(np.random.default_rng(seed_of(case) + 1).standard_normal((BATCH, *case.input_shape)))
    if case.zero_at_first_input:
        x.flat[0] = 0.0
    return x


def test_every_registered_layer_type_has_a_case():
    covered = {t for case in CASES for t in case.covers}
    missing = sorted({spec.type_name for spec in all_specs()} - covered)
    assert not missing, f"layer types without a maths test in test_layers.py: {missing}"


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_forward_and_gradients_match_independent_computation(case, dtype, compiled):
    graph, weights, model, _ = compiled(case)
    model = model.to(dtype).train(case.train)
    x = sample_input(case)
    xt = torch.tensor(x, dtype=dtype, requires_grad=True)
    y = model(xt)
    r = f32(np.random.default_rng(seed_of(case) + 2).standard_normal(tuple(y.shape)))
    (y * torch.as_tensor(r, dtype=dtype)).sum().backward()

    ref_y, ref_dx, ref_grads, *more = case.reference(x, weights, r, case.train)
    state: dict[str, np.ndarray] = more[0] if more else {}
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == torch.float32 else dict(rtol=1e-10, atol=1e-10)

    np.testing.assert_allclose(y.detach().double().numpy(), ref_y, **tol, err_msg="output")
    np.testing.assert_allclose(xt.grad.double().numpy(), ref_dx, **tol, err_msg="input gradient")
    grads = {}
    for name, parameter in model.named_parameters():
        layer, local = name.split(".", 1)
        spec = get_spec(graph.layer_type(layer))
        assert parameter.grad is not None, f"{name} received no gradient"
        grads[name] = spec.from_torch(local, parameter.grad.double().numpy())
    assert set(grads) == set(ref_grads)
    for name, grad in grads.items():
        np.testing.assert_allclose(grad, ref_grads[name], **tol, err_msg=f"gradient of {name}")
    state_dict = model.state_dict()
    for name, value in state.items():  # running statistics after a training-mode forward
        np.testing.assert_allclose(state_dict[name].double().numpy(), value, **tol, err_msg=name)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_shape_inference_and_parameter_count_match_the_built_module(case, compiled):
    graph, _, model, report = compiled(case)
    model.eval()
    with torch.no_grad():
        outputs = model.forward_all(torch.as_tensor(sample_input(case), dtype=torch.float32))
    for layer, output in zip(model.layer_ids, outputs):
        assert report.shapes[layer] == tuple(output.shape[1:]), layer
        module = model.get_submodule(layer)
        assert report.param_counts[layer] == sum(p.numel() for p in module.parameters()), layer
    assert report.total_params == sum(p.numel() for p in model.parameters())


def test_cases_really_exercise_the_parameter_options(compiled):
    """The count checks above only mean something if these variants have distinct counts."""
    counts = {}
    for case in CASES:
        if case.name in ("Dense_linear", "Dense_linear_nobias", "Dense_prelu", "Dense_prelu_nobias",
                         "Conv2d_relu_pad1", "Conv2d_stride2_nobias", "Conv2d_prelu",
                         "SimpleRNN_last", "LSTM_last", "GRU_last"):
            counts[case.name] = compiled(case)[3].param_counts["L"]
    assert counts == {"Dense_linear": 18, "Dense_linear_nobias": 15, "Dense_prelu": 19,
                      "Dense_prelu_nobias": 16, "Conv2d_relu_pad1": 57,
                      "Conv2d_stride2_nobias": 32, "Conv2d_prelu": 21,
                      "SimpleRNN_last": 5 * 3 + 5 * 5 + 10, "LSTM_last": 4 * 50,
                      "GRU_last": 3 * 50}


@pytest.mark.parametrize("layers", [
    [("x", "Input", {"shape": (3,)}), ("L", "Dense", {"units": 2, "activation": "step"}),
     ("out", "Output")],
    [("x", "Input", {"shape": (3,)}), ("L", "Step"), ("out", "Output")],
], ids=["Dense_step", "Step_layer"])
def test_step_gradient_is_exactly_zero_but_backward_runs(layers, graph_of):
    graph = graph_of(layers)
    model = compile_network(graph, seed=0, report=report_without_step_rule(graph))
    x = torch.tensor([[0.0, 1.5, -2.0], [-0.5, 0.25, 3.0]], requires_grad=True)
    y = model(x)
    assert set(torch.unique(y).tolist()) <= {0.0, 1.0}
    (y * torch.tensor(np.random.default_rng(0).standard_normal(tuple(y.shape)),
                      dtype=torch.float32)).sum().backward()
    assert x.grad is not None and torch.count_nonzero(x.grad) == 0
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None, name
        assert torch.count_nonzero(parameter.grad) == 0, name


def test_step_is_one_at_zero_and_zero_below(graph_of):
    graph = graph_of([("x", "Input", {"shape": (5,)}), ("s", "Step"), ("out", "Output")])
    model = compile_network(graph, report=report_without_step_rule(graph))
    y = model(torch.tensor([[-1e-30, 0.0, -0.0, 1e-30, -3.0]]))
    assert y.tolist() == [[0.0, 1.0, 1.0, 1.0, 0.0]]


def test_dropout_in_training_zeroes_or_rescales(graph_of):
    """Training mode with p = 0.5: every value is 0 or 2·x, both happen, and the gradient follows."""
    model = compile_network(graph_of([("x", "Input", {"shape": (200,)}),
                                      ("d", "Dropout", {"p": 0.5}), ("out", "Output")]), seed=3)
    model.train()
    x = torch.rand(2, 200, dtype=torch.float32) + 1.0
    x.requires_grad_(True)
    y = model(x)
    kept = y != 0
    assert 0 < int(kept.sum()) < y.numel()
    np.testing.assert_allclose(y[kept].detach().numpy(), 2 * x.detach()[kept].numpy(), rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2.0 * kept.numpy())


def test_softmax_on_images_normalises_over_channels():
    """For C×H×W inputs the probabilities are per pixel across channels, not across the width."""
    import torch

    from core.layers.modules import Softmax
    x = torch.randn(2, 3, 4, 5)
    out = Softmax()(x)
    torch.testing.assert_close(out.sum(dim=1), torch.ones(2, 4, 5))
    torch.testing.assert_close(out, torch.softmax(x, dim=1))
    seq = torch.randn(2, 6, 3)
    torch.testing.assert_close(Softmax()(seq), torch.softmax(seq, dim=-1))
