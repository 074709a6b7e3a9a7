"""Overhead of NeuroCanvas's trainer against a plain hand-written torch loop, in one process.

Both sides train the same weights on the same tensors with the same batch order, optimizer, seed and
batch size; the hand loop reports the epoch's mean batch loss (as any script printing progress does)
and evaluates the validation set each epoch when there is one, like the trainer. Runs alternate so
that machine noise hits both alike; the fastest run of each is compared.

    python bench/train_overhead.py            targets: digits <= 1.05, XOR <= 1.3
"""

from __future__ import annotations

import copy
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.graph import NetworkGraph  # noqa: E402
from core.network import Network  # noqa: E402
from core.run_setup import prepare_run  # noqa: E402
from core.settings import DatasetSpec, TrainingSettings  # noqa: E402
from core.training import Trainer  # noqa: E402


def chain_graph(sizes: list[int], hidden: str, last: str, loss: str) -> NetworkGraph:
    graph = NetworkGraph()
    graph.add_layer("input", "Input", {"shape": [sizes[0]]})
    previous = "input"
    for i, units in enumerate(sizes[1:], start=1):
        layer = f"dense_{i}"
        activation = last if i == len(sizes) - 1 else hidden
        graph.add_layer(layer, "Dense", {"units": units, "activation": activation})
        graph.connect(previous, layer)
        previous = layer
    graph.add_layer("output", "Output", {"loss": loss})
    graph.connect(previous, "output")
    return graph


def hand_model(model) -> nn.Sequential:
    """The same network written by hand as nn.Sequential, with the compiled model's weights."""
    layers: list[nn.Module] = []
    for node in model.layer_ids:
        dense = model.get_submodule(node)
        if model.layer_types[node] != "Dense":
            continue
        linear = nn.Linear(dense.weight.shape[1], dense.weight.shape[0])
        linear.load_state_dict({"weight": dense.weight.detach(), "bias": dense.bias.detach()})
        layers += [linear, copy.deepcopy(dense.act)]
    return nn.Sequential(*layers)


def hand_loop(model, x, y, xv, yv, loss_fn, settings: TrainingSettings) -> float:
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    generator = torch.Generator().manual_seed(settings.seed)
    size = settings.batch_size or len(x)
    start = time.perf_counter()
    for _ in range(settings.epochs):
        model.train()
        total = 0.0
        batches = torch.split(torch.randperm(len(x), generator=generator), size)
        for rows in batches:
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()
            total += loss.item()
        if len(xv):
            model.eval()
            with torch.no_grad():
                loss_fn(model(xv), yv).item()
    return time.perf_counter() - start


def ours(run, settings: TrainingSettings) -> float:
    trainer = Trainer(copy.deepcopy(run.model), run.dataset, settings, run.loss)
    start = time.perf_counter()
    for _ in trainer.run():
        pass
    return time.perf_counter() - start


def compare(name: str, network: Network, repeats: int, target: float) -> float:
    run = prepare_run(network)
    base = Trainer(run.model, run.dataset, network.training, run.loss)
    loss_fn = base.loss_fn
    ours_times, hand_times = [], []
    def hand() -> float:
        return hand_loop(hand_model(run.model), base.x_train, base.y_train, base.x_val,
                         base.y_val, loss_fn, network.training)

    for i in range(repeats):  # alternate which side goes first: neither gets the warmer start
        if i % 2:
            hand_times.append(hand())
            ours_times.append(ours(run, network.training))
        else:
            ours_times.append(ours(run, network.training))
            hand_times.append(hand())
    # The fastest of several alternating runs: the least disturbed by other work on the machine
    # (the median ratio is printed too, to show how noisy the machine was).
    mine, hand = min(ours_times), min(hand_times)
    ratio = mine / hand
    median_ratio = statistics.median(ours_times) / statistics.median(hand_times)
    per_epoch = 1000 / network.training.epochs
    print(f"{name:7s} ours {mine * per_epoch:7.2f} ms/epoch   hand loop {hand * per_epoch:7.2f} "
          f"ms/epoch   ratio {ratio:.3f} (ratio of medians {median_ratio:.3f}; target <= {target})  "
          f"{'OK' if ratio <= target else 'OVER'}")
    return ratio


def main() -> int:
    torch.set_num_threads(1)
    digits = Network(chain_graph([64, 128, 64, 10], "relu", "linear", "cross_entropy"),
                     DatasetSpec(name="digits", validation_split=0.2),
                     TrainingSettings(optimizer="adam", learning_rate=0.001, batch_size=32,
                                      epochs=10, seed=0))
    xor = Network(chain_graph([2, 4, 1], "tanh", "sigmoid", "bce"), DatasetSpec(name="xor"),
                  TrainingSettings(optimizer="adam", learning_rate=0.05, batch_size=0, epochs=300,
                                   seed=0))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread")
    ratios = [compare("digits", digits, 16, 1.05), compare("xor", xor, 24, 1.3)]
    return 0 if ratios[0] <= 1.05 and ratios[1] <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
