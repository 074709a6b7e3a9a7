"""The layer catalogue. Each entry: schema, shape inference and a lazy torch builder.

Shape-error messages are written to follow "<Layer> '<id>' ...", e.g. ShapeError("receives 1×28×28
images: add a Flatten before it") becomes "Dense 'hidden_1' receives 1×28×28 images: add a Flatten
before it" in the validator.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from core.activations import ACTIVATIONS as _ACTIVATION_REGISTRY
from core.activations import activation, activation_names
from core.layers.base import LayerSpec, ParamSpec, Shape, ShapeError, register, shape_text
from core.losses import LOSSES as _LOSS_REGISTRY
from core.losses import loss_help, loss_names

ACTIVATIONS = activation_names()  # the registries' names, as the choices files may hold
LOSSES = loss_names()


def _describe(shape: Shape) -> str:
    kind = {1: "vectors of", 2: "sequences of", 3: "images of"}.get(len(shape), "tensors of")
    return f"{kind} {shape_text(shape)}"


def _one(shapes: Sequence[Shape]) -> Shape:
    if not shapes:
        raise ShapeError("has no input: connect a layer to it")
    return shapes[0]


def _transpose_dense(name: str, array: np.ndarray) -> np.ndarray:
    """Dense weights: file/UI inputs x units <-> torch units x inputs. Biases are unchanged."""
    return array.T if name == "weight" and array.ndim == 2 else array


# ----- Inputs ---------------------------------------------------------------------------------
def _input_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    return tuple(params["shape"])


def _build_identity(params: dict[str, Any], shapes: Sequence[Shape]):
    from torch import nn
    return nn.Identity()


register(LayerSpec(
    "Input", "Inputs", "Where samples enter: a feature count (e.g. 2) or an image shape C×H×W.",
    (ParamSpec("shape", "shape", (2,), "Shape", "Features (e.g. 2), steps×features or C×H×W",
               minimum=1, maximum=100000),),
    _input_shape, _build_identity, min_inputs=0, max_inputs=0))


# ----- Core -----------------------------------------------------------------------------------
def _dense_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    shape = _one(shapes)
    if len(shape) == 3:
        raise ShapeError(f"receives {shape_text(shape)} images: add a Flatten before it")
    return (*shape[:-1], params["units"])


def _dense_count(params: dict[str, Any], shapes: Sequence[Shape]) -> int:
    units = params["units"]
    learned = activation(params["activation"]).learned
    return shapes[0][-1] * units + (units if params["bias"] else 0) + learned


def _build_dense(params: dict[str, Any], shapes: Sequence[Shape]):
    from core.layers.modules import Dense
    return Dense(shapes[0][-1], params["units"], params["bias"], params["activation"])


register(LayerSpec(
    "Dense", "Core", "Fully connected neurons: y = activation(x·W + b).",
    (ParamSpec("units", "int", 4, "Units", "Number of neurons", 1, 4096),
     ParamSpec("activation", "choice", "linear", "Activation", "Applied to z = x·W + b",
               choices=ACTIVATIONS),
     ParamSpec("bias", "bool", True, "Bias", "Add a learned bias b to each neuron")),
    _dense_shape, _build_dense, to_torch=_transpose_dense, from_torch=_transpose_dense,
    count_params=_dense_count,
    # linear neurons stacked stay linear: a first XOR built of them stops at 75% (issue 10)
    starting={"activation": "tanh"}))


def _same_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    return _one(shapes)


def _build_dropout(params: dict[str, Any], shapes: Sequence[Shape]):
    from torch import nn
    return nn.Dropout(params["p"])


register(LayerSpec(
    "Dropout", "Core", "During training, zeroes each value with the drop probability (regularisation).",
    (ParamSpec("p", "float", 0.5, "Drop probability", "Chance that each value is zeroed in training",
               0.0, 0.99),),
    _same_shape, _build_dropout))


def _build_batchnorm(params: dict[str, Any], shapes: Sequence[Shape]):
    from core.layers.modules import BatchNorm
    return BatchNorm(tuple(shapes[0]), params["momentum"])


register(LayerSpec(
    "BatchNorm", "Core", "Normalises each feature (or channel) over the batch, then scales and shifts.",
    (ParamSpec("momentum", "float", 0.1, "Momentum", "Weight of the newest batch in running stats",
               0.0, 1.0),),
    _same_shape, _build_batchnorm,
    count_params=lambda p, s: 2 * (s[0][0] if len(s[0]) in (1, 3) else s[0][-1])))


def _flatten_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    return (math.prod(_one(shapes)),)


def _build_flatten(params: dict[str, Any], shapes: Sequence[Shape]):
    from torch import nn
    return nn.Flatten()


register(LayerSpec(
    "Flatten", "Core", "Turns an image or sequence into one long vector (needed before Dense).",
    (), _flatten_shape, _build_flatten))


# ----- Activations ----------------------------------------------------------------------------
def _activation_builder(function: str):
    def build(params: dict[str, Any], shapes: Sequence[Shape]):
        from core.layers.modules import make_activation
        return make_activation(function, params.get("slope", 0.01))
    return build


def _learned(count: int):
    return lambda p, s: count


for _entry in _ACTIVATION_REGISTRY:  # one layer per activation, from its registry entry
    register(LayerSpec(_entry.layer_type, "Activations", _entry.description, _entry.layer_params,
                       _same_shape, _activation_builder(_entry.name),
                       count_params=_learned(_entry.learned)))


# ----- Convolution ----------------------------------------------------------------------------
def _image(shape: Shape, what: str) -> Shape:
    if len(shape) != 3:
        raise ShapeError(f"needs images C×H×W but receives {_describe(shape)}: "
                         f"set the Input shape to channels×height×width (e.g. 1×8×8) before {what}")
    return shape


def _spatial(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _conv_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    c, h, w = _image(_one(shapes), "a Conv2d")
    k, s, p = params["kernel"], params["stride"], params["padding"]
    oh, ow = _spatial(h, k, s, p), _spatial(w, k, s, p)
    if oh < 1 or ow < 1:
        raise ShapeError(f"has a {k}×{k} kernel larger than its {h}×{w} input: "
                         "use a smaller kernel or more padding")
    return (params["filters"], oh, ow)


def _build_conv(params: dict[str, Any], shapes: Sequence[Shape]):
    from core.layers.modules import Conv2d
    return Conv2d(shapes[0][0], params["filters"], params["kernel"], stride=params["stride"],
                  padding=params["padding"], bias=params["bias"], activation=params["activation"])


register(LayerSpec(
    "Conv2d", "Convolution", "Slides learned filters over an image to detect local patterns.",
    (ParamSpec("filters", "int", 8, "Filters", "Number of output channels", 1, 1024),
     ParamSpec("kernel", "int", 3, "Kernel size", "Filter height and width", 1, 15),
     ParamSpec("stride", "int", 1, "Stride", "Step between filter positions", 1, 8),
     ParamSpec("padding", "int", 0, "Padding", "Zeros added around the image", 0, 8),
     ParamSpec("activation", "choice", "linear", "Activation", "Applied to each output",
               choices=ACTIVATIONS),
     ParamSpec("bias", "bool", True, "Bias", "Add a learned bias per filter")),
    _conv_shape, _build_conv,
    count_params=lambda p, s: p["filters"] * s[0][0] * p["kernel"] ** 2
    + (p["filters"] if p["bias"] else 0) + activation(p["activation"]).learned))


def _pool_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    c, h, w = _image(_one(shapes), "a pooling layer")
    k = params["kernel"]
    s = params["stride"] or k
    if k > h or k > w:
        raise ShapeError(f"has a {k}×{k} window larger than its {h}×{w} input: use a smaller kernel")
    return (c, _spatial(h, k, s, 0), _spatial(w, k, s, 0))


def _pool_builder(kind: str):
    def build(params: dict[str, Any], shapes: Sequence[Shape]):
        from torch import nn
        cls = nn.MaxPool2d if kind == "max" else nn.AvgPool2d
        return cls(params["kernel"], stride=params["stride"] or params["kernel"])
    return build


for _type, _kind, _text in (("MaxPool2d", "max", "Keeps the largest value in each window."),
                            ("AvgPool2d", "avg", "Averages each window (smooths and shrinks).")):
    register(LayerSpec(
        _type, "Convolution", _text,
        (ParamSpec("kernel", "int", 2, "Kernel size", "Window height and width", 1, 15),
         ParamSpec("stride", "int", 0, "Stride", "Step between windows (0 = kernel size)", 0, 15)),
        _pool_shape, _pool_builder(_kind)))


# ----- Recurrent ------------------------------------------------------------------------------
def _rnn_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    shape = _one(shapes)
    if len(shape) != 2:
        raise ShapeError(f"needs sequences steps×features but receives {_describe(shape)}: "
                         "set the Input shape to steps×features (e.g. 10×1)")
    return (shape[0], params["hidden"]) if params["return_sequences"] else (params["hidden"],)


def _rnn_counter(kind: str):
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]

    def count(params: dict[str, Any], shapes: Sequence[Shape]) -> int:
        h = params["hidden"]
        return gates * (h * shapes[0][-1] + h * h + 2 * h)
    return count


def _rnn_builder(kind: str):
    def build(params: dict[str, Any], shapes: Sequence[Shape]):
        from core.layers.modules import Recurrent
        return Recurrent(kind, shapes[0][-1], params["hidden"], params["return_sequences"])
    return build


for _type, _text in (("SimpleRNN", "A recurrent layer: h_t = tanh(x_t·W + h_(t−1)·U + b)."),
                     ("LSTM", "Long short-term memory: gates decide what to keep across steps."),
                     ("GRU", "Gated recurrent unit: a lighter LSTM.")):
    register(LayerSpec(
        _type, "Recurrent", _text,
        (ParamSpec("hidden", "int", 8, "Hidden size", "Size of the state h_t", 1, 1024),
         ParamSpec("return_sequences", "bool", False, "Return sequences",
                   "Output every step (for another recurrent layer) or only the last one")),
        _rnn_shape, _rnn_builder(_type), count_params=_rnn_counter(_type)))


# ----- Merge ----------------------------------------------------------------------------------
def _add_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    if len(shapes) < 2:
        raise ShapeError("adds its inputs but has fewer than two: connect another layer to it")
    if len(set(shapes)) > 1:
        listed = ", ".join(shape_text(s) for s in shapes)
        raise ShapeError(f"adds inputs of different shapes ({listed}): make them the same size, "
                         "e.g. give the Dense layers the same number of units")
    return shapes[0]


def _concat_shape(params: dict[str, Any], shapes: Sequence[Shape]) -> Shape:
    if len(shapes) < 2:
        raise ShapeError("joins its inputs but has fewer than two: connect another layer to it")
    ranks = {len(s) for s in shapes}
    listed = ", ".join(shape_text(s) for s in shapes)
    if len(ranks) > 1:
        raise ShapeError(f"joins inputs of different kinds ({listed}): flatten them first")
    axis = -1 if len(shapes[0]) == 2 else 0
    rest = {s[:axis] + s[axis + 1:] if axis == 0 else s[:-1] for s in shapes}
    if len(rest) > 1:
        raise ShapeError(f"joins inputs whose other sizes differ ({listed}): "
                         "images must share height and width, sequences their length")
    joined = sum(s[axis] for s in shapes)
    return (joined, *shapes[0][1:]) if axis == 0 else (*shapes[0][:-1], joined)


def _merge_builder(cls_name: str):
    def build(params: dict[str, Any], shapes: Sequence[Shape]):
        from core.layers import modules
        return getattr(modules, cls_name)()
    return build


register(LayerSpec("Add", "Merge", "Adds its inputs element by element (a residual connection).",
                   (), _add_shape, _merge_builder("Add"), min_inputs=2, max_inputs=None))
register(LayerSpec("Concatenate", "Merge",
                   "Joins its inputs side by side (features, or channels for images).",
                   (), _concat_shape, _merge_builder("Concatenate"), min_inputs=2, max_inputs=None))


# ----- Output ---------------------------------------------------------------------------------
register(LayerSpec(
    "Output", "Output", "The network's prediction, and the loss used to train it.",
    (ParamSpec("loss", "choice", "mse", "Loss", loss_help(), choices=LOSSES,
               choice_titles=tuple(entry.display for entry in _LOSS_REGISTRY)),),
    _same_shape, _build_identity, has_output=False))
