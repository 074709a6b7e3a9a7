"""Turn a Network into what a run needs: a compiled model and a dataset that fits it.

Every mismatch between the drawn network and the data is reported here, before training, with the
layer id and the fix ("Input 'input' takes 3 features but 'xor' has 2: set its shape to 2").
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from core.compiler import CompileError, CompiledNetwork, compile_network
from core.datasets import Dataset, DatasetError, load_dataset
from core.datasets.base import size_text
from core.layers import shape_text
from core.losses import loss_entry, regression_loss_names
from core.network import Network
from core.validation import ValidationReport, validate


class RunError(ValueError):
    """The network cannot be trained as it is. ``node`` names the layer when there is one."""

    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(message)
        self.node = node


@dataclass
class PreparedRun:
    model: CompiledNetwork
    dataset: Dataset
    report: ValidationReport
    loss: str


def prepare_run(network: Network, base_dir: Path | None = None, seed: int | None = None,
                dataset: Dataset | None = None, purpose: str = "train") -> PreparedRun:
    """Validate, load the dataset, check they fit, then compile with the run's seed.
    ``purpose`` "inspect" accepts what only training cannot do (see `validate`)."""
    report = validate(network.graph, network.training.optimizer, purpose)
    if not report.is_valid:
        first = report.errors[0]
        raise RunError(first.message, first.node)
    loss = report.params[report.output_id]["loss"]
    if dataset is None:
        try:
            dataset = load_dataset(network.dataset, loss, base_dir)
        except DatasetError as exc:
            raise RunError(f"Dataset: {exc}") from exc
    check_fit(network, report, dataset, loss)
    check_memory(estimate_memory(report, dataset, network.training.batch_size, purpose))
    try:
        model = compile_network(network.graph, network.training.optimizer,
                                seed=network.training.seed if seed is None else seed,
                                report=report)
    except CompileError as exc:
        raise RunError(str(exc), exc.node) from exc
    return PreparedRun(model, dataset, report, loss)


def check_fit(network: Network, report: ValidationReport, dataset: Dataset, loss: str) -> None:
    """The Input shape must match the samples; the Output size must match the targets."""
    input_shape = report.shapes[report.input_id]
    if tuple(input_shape) != tuple(dataset.input_shape):
        raise RunError(f"Input '{report.input_id}' takes {shape_text(input_shape)} but the samples "
                       f"of '{dataset.name}' are {shape_text(dataset.input_shape)}: set the Input "
                       f"shape to {shape_text(dataset.input_shape)}.", report.input_id)
    out_shape = report.shapes[report.output_id]
    if len(out_shape) != 1:
        raise RunError(f"Output '{report.output_id}' receives {shape_text(out_shape)} values per "
                       "sample: add a Flatten and a Dense layer before it.", report.output_id)
    if dataset.task == "regression" and loss_entry(loss).classes:
        raise RunError(f"'{dataset.name}' is a regression set (numbers to predict), but the Output "
                       f"uses {loss}, a classification loss: choose "
                       f"{' or '.join(regression_loss_names())}.", report.output_id)
    want = dataset.output_size
    if out_shape[0] != want:
        last = network.graph.inputs_of(report.output_id)[0]
        units = f"{want} unit{'s' if want != 1 else ''}"
        fix = (f"give '{last}' {units}" if network.graph.layer_type(last) == "Dense"
               else f"add a Dense layer with {units} before '{report.output_id}'")
        raise RunError(f"The network outputs {out_shape[0]} value{'s' if out_shape[0] != 1 else ''} "
                       f"per sample but '{dataset.name}' needs {want}"
                       f"{_target_kind(dataset, loss)}: {fix}.", last)


def _target_kind(dataset: Dataset, loss: str) -> str:
    """Why the dataset needs that many outputs, in the learner's terms."""
    if dataset.task != "classification":
        return " (one per target value)"
    if dataset.output_size == 1:
        return f" (its 2 classes are one 0/1 output with {loss})"
    return f" (one score per class: it has {dataset.n_classes} classes)"


# ----- memory ------------------------------------------------------------------------------
BYTES_PER_VALUE = 4  # float32
TRAINING_COPIES = 3  # per activation value in a batch: the output autograd keeps, its gradient, a temporary
EVALUATION_COPIES = 3  # the largest layer's output, its activation and the next layer's, for every sample
PARAMETER_COPIES = 4  # weights, gradients, and Adam's two moments


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a run needs beyond the program itself: a deliberately simple model, right within a
    factor of two. Measured (peak RSS above the same network on 100 samples) on the spiral lesson
    with two 1024-unit layers and 20,000 samples: full batch, 0.41 GB estimated, 0.23 GB used;
    batch 32, 0.21 GB estimated, 0.27 GB used."""

    training: int  # one batch's activations with their gradients
    evaluation: int  # the loss after each epoch, computed on all samples at once
    parameters: int
    batch: int
    samples: int

    @property
    def total(self) -> int:
        return max(self.training, self.evaluation) + self.parameters


def estimate_memory(report: ValidationReport, dataset: Dataset, batch_size: int,
                    purpose: str = "train") -> MemoryEstimate:
    """What training this network on this data will take, from the shapes validation inferred."""
    samples = max(len(dataset.x_train), len(dataset.x_val))
    batch = len(dataset.x_train) if batch_size <= 0 else min(batch_size, len(dataset.x_train))
    sizes = [math.prod(shape) for shape in report.shapes.values()]
    per_sample = sum(sizes) + math.prod(dataset.input_shape)
    evaluation = samples * max(sizes, default=0) * BYTES_PER_VALUE * EVALUATION_COPIES
    return MemoryEstimate(
        training=batch * per_sample * BYTES_PER_VALUE * TRAINING_COPIES,
        evaluation=evaluation if purpose == "train" else 0,
        parameters=report.total_params * BYTES_PER_VALUE * PARAMETER_COPIES,
        batch=batch, samples=samples)


def check_memory(estimate: MemoryEstimate, available: int | None = None) -> None:
    """Refuse a run that cannot fit, with the figure and the fix, instead of letting it swap the
    machine to a standstill or die of MemoryError halfway through its first epoch."""
    available = available_memory() if available is None else available
    if available is None or estimate.total <= available:
        return
    if estimate.training >= estimate.evaluation:
        cause = f"the activations of one batch of {estimate.batch:,} samples"
        fix = "lower the batch size, or use fewer or smaller layers"
    else:
        cause = (f"the loss after each epoch, computed on all {estimate.samples:,} samples at "
                 "once")
        fix = "use fewer samples (a smaller dataset or limit), or smaller layers"
    raise RunError(f"Training this network needs about {_gb(estimate.total)} of memory ({cause}), "
                   f"but only {_gb(available)} are available: {fix}.")


def available_memory() -> int | None:
    """Bytes the system can still give this process (Linux: MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def _gb(nbytes: int) -> str:
    return f"{nbytes / 1e9:,.1f} GB" if nbytes >= 1e9 else size_text(nbytes)
