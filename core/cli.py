"""The headless command line: validate, train and inspect network files without a window.

The interface is a contract (scripts and tests rely on it): see README.md. Exit codes: 0 success,
1 invalid network, unreadable file or a run that diverged, 2 bad usage.

``--lang fr|en`` (before or after the command) chooses the language of the human-readable text;
without it the text follows the language main.py took from the system locale. JSON output keeps
its English keys and machine values (``"reason": "completed"``) in every language.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from core.display_names import labels_of, name_from
from core import i18n
from core.fileformat import (FileFormatError, SaveError, check_save_target, load_network,
                             save_network)
from core.layers import shape_text
from core.i18n import _, format_number
from core.network import Network
from core.settings import SettingsError
from core.validation import validate


class _HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the chosen language: our headings, help texts and "error:" prefix (the
    wording of argparse's own complaints, such as "invalid choice", stays English)."""

    def __init__(self, *args, **kwargs) -> None:
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, formatter_class=_HelpFormatter, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=_("show this help message and exit"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {_error(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    """Built when used, after the language is chosen: its help texts are translated."""
    lang = _Parser(add_help=False)
    lang.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS,
                      help=_("language of the messages (default: the system's)"))
    parser = _Parser(prog="main.py", description=_("NeuroCanvas headless commands."),
                     parents=[lang])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                title=_("commands"))
    v = sub.add_parser("validate", parents=[lang],
                       help=_("check a network file and show its layers and shapes"))
    v.add_argument("file", help=_("the network file (.json)"))
    t = sub.add_parser("train", parents=[lang], help=_("train a network file"))
    t.add_argument("file", help=_("the network file (.json)"))
    t.add_argument("--epochs", type=int, help=_("override the file's epoch count"))
    t.add_argument("--seed", type=int, help=_("override the file's seed"))
    t.add_argument("--json", action="store_true", help=_("one JSON object per line per epoch"))
    t.add_argument("--save", metavar="OUT", help=_("write the network with trained weights"))
    i = sub.add_parser("inspect", parents=[lang],
                       help=_("trace one training step: forward, loss, backward, update"))
    i.add_argument("file", help=_("the network file (.json)"))
    i.add_argument("--sample", type=int, help=_("trace this sample instead of the first batch"))
    i.add_argument("--json", action="store_true", help=_("print the trace as one JSON object"))
    return parser


def run_cli(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    language = i18n.language_option(argv)
    if language:
        i18n.set_language(language)
    args = build_parser().parse_args(argv)
    try:
        network = load_network(args.file)
    except FileFormatError as exc:
        print(_error(str(exc)), file=err)
        return 1
    command = {"validate": cmd_validate, "train": cmd_train, "inspect": cmd_inspect}[args.command]
    try:
        return command(network, args, out, err)
    except (RuntimeError, ValueError, OSError, MemoryError) as exc:
        # Every step runs inside this net: a late failure (the final evaluation, the save) is
        # still one line and exit 1, never a traceback.
        print(_error(_("{command} failed: {reason}").format(command=args.command,
                                                            reason=_one_line(exc))), file=err)
        return 1


def _error(text: str) -> str:
    return _("error: {message}").format(message=text)


def _warning(text: str) -> str:
    return _("warning: {message}").format(message=text)


def _one_line(exc: BaseException) -> str:
    """An exception as one short line (torch's messages can span many)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"


def cmd_validate(network: Network, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report = validate(network.graph, network.training.optimizer)
    labels = labels_of(network.graph)
    # The first column stays the id (what the file, scripts and PyTorch use); display names get
    # a last column of their own, only in files that have some.
    rows = [(_("layer"), _("type"), _("output"), _("params")) + ((_("name"),) if labels else ())]
    for node in _order(network):
        shape = report.shapes.get(node)
        rows.append((node, network.graph.layer_type(node), shape_text(shape) if shape else "?",
                     str(report.param_counts.get(node, "?")))
                    + ((name_from(labels, node, with_id=False),) if labels else ()))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip(), file=out)
    print(report.summary(), file=out)
    for problem in report.problems:
        where = f"[{problem.node}] " if problem.node else ""
        line = where + problem.message
        print(_warning(line) if problem.severity == "warning" else _error(line), file=out)
    return 0 if report.is_valid else 1


def cmd_train(network: Network, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from core.training import EpochStats, RunFinished

    changes = {k: v for k, v in (("epochs", args.epochs), ("seed", args.seed)) if v is not None}
    try:
        network.training = replace(network.training, **changes)
    except SettingsError as exc:
        print(_error(f"--{exc.field}: {exc}"), file=err)
        return 2
    if args.save is not None and not _save_target_ok(args.save, err):
        return 2 if not args.save.strip() else 1
    prepared = _prepare(network, args.file, err)
    if prepared is None:
        return 1
    run, trainer = prepared
    finished, epochs = None, []
    try:
        for event in trainer.run():
            if isinstance(event, EpochStats):
                _print_epoch(event, args.json, out)
                epochs.append(event)
            elif isinstance(event, RunFinished):
                finished = event
        final = {"final": True, "epoch": trainer.epochs_run, **trainer.evaluate_all(),
                 "reason": finished.reason, "message": finished.message,
                 "health": finished.health, "advice": finished.advice or None}
    except (RuntimeError, ValueError) as exc:  # e.g. a shape torch refuses at run time
        print(_error(_("training failed: {reason}").format(reason=_one_line(exc))), file=err)
        return 1
    _print_final(final, args.json, out)
    if finished.reason == "diverged":  # never save weights that blew up
        if args.save:
            print(_error(_("not saved: {reason}").format(reason=finished.message)), file=err)
        return 1
    if args.save:
        # the file remembers how far its weights got: a later train or inspect continues the
        # learning-rate schedule from there, and the app draws the run's curves
        network.trained = network.trained.after_run(network.training, trainer.schedule_offset,
                                                    finished.reason, epochs)
        return _save_trained(network, run.model, args.save, err)
    return 0


def _save_target_ok(path: str, err: TextIO) -> bool:
    """Refuse a --save target that cannot work before training, so no run is wasted on it."""
    if not path.strip():
        print(_error(_("--save needs a file name (got an empty one).")), file=err)
        return False
    try:
        check_save_target(path)
    except OSError as exc:
        print(_error(str(exc)), file=err)
        return False
    return True


def cmd_inspect(network: Network, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The same use case as the inspector panel (core.inspection.tracing), printed."""
    from core.inspection.tracing import TraceRequest, compute_trace

    _use_one_thread()
    result = compute_trace(TraceRequest(0, network, Path(args.file).resolve().parent, args.sample))
    if not result.ok:
        print(_error(result.error), file=err)
        return 2 if result.error_kind == "sample" else 1
    if args.json:
        print(json.dumps(result.trace.to_json()), file=out)
    else:
        _print_trace(result.trace, labels_of(network.graph), out)
    return 0


# ----- helpers -----------------------------------------------------------------------------
def _prepare(network: Network, file: str, err: TextIO, purpose: str = "train"):
    """(PreparedRun, Trainer) for the file's network, or None after printing why it cannot run."""
    from core.run_setup import RunError, prepare_run
    from core.training import Trainer

    _use_one_thread()
    base_dir = Path(file).resolve().parent
    _note_outside_data(network, base_dir, err)
    try:
        run = prepare_run(network, base_dir, purpose=purpose)
    except (RunError, ValueError) as exc:
        print(_error(str(exc)), file=err)
        return None
    return run, Trainer(run.model, run.dataset, network.training, run.loss,
                        schedule_offset=network.schedule_offset())


def _note_outside_data(network: Network, base_dir: Path, err: TextIO) -> None:
    """The window asks before reading data from outside the network file's folder; the command
    line reads it, since the user named the file to run, but says so, so that a file pointing at
    /etc/passwd or ~/.ssh cannot do it unnoticed."""
    from core.datasets import outside_paths
    from core.datasets.base import excerpt
    for path in outside_paths(network.dataset, base_dir):
        print(_("note: reading data from outside the network file's folder: {path}")
              .format(path=excerpt(str(path), 300)), file=err)


def _use_one_thread() -> None:
    """Small networks train faster on one torch thread (measured: CONVENTIONS.md rule 5)."""
    import torch
    torch.set_num_threads(1)


def _order(network: Network) -> list[str]:
    graph = network.graph
    return graph.topological_order() if graph.is_acyclic() else sorted(graph.layer_ids())


def _clean(value: Any) -> Any:
    """JSON has no NaN: a diverged loss is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _print_epoch(stats, as_json: bool, out: TextIO) -> None:
    row = {"epoch": stats.epoch, "train_loss": stats.train_loss, "val_loss": stats.val_loss,
           "train_accuracy": stats.train_accuracy, "val_accuracy": stats.val_accuracy}
    if as_json:
        print(json.dumps({k: _clean(v) for k, v in row.items()}), file=out)
    else:
        print(_human(row), file=out)


def _print_final(final: dict[str, Any], as_json: bool, out: TextIO) -> None:
    if as_json:
        print(json.dumps({k: _clean(v) for k, v in final.items()}), file=out)
    else:
        advice = "\n" + _warning(final["advice"]) if final.get("advice") else ""
        print(f"{final['message']}{advice}\n" + _("final: {stats}").format(stats=_human(final)),
              file=out)


def _human(row: dict[str, Any]) -> str:
    """One epoch as text: "epoch 3  train_loss 0.375" (French: "époque 3  perte_entraînement
    0,375"); the English names are the JSON keys, so a reader of both finds the same words."""
    labels = {"train_loss": _("train_loss"), "val_loss": _("val_loss"),
              "train_accuracy": _("train_accuracy"), "val_accuracy": _("val_accuracy")}
    parts = [_("epoch {number}").format(number=row["epoch"])]
    for key, label in labels.items():
        if row.get(key) is not None:
            parts.append(f"{label} {format_number(row[key], '.6g')}")
    return "  ".join(parts)


def _save_trained(network: Network, model, path: str, err: TextIO) -> int:
    """Write the trained network; a refused save is one line naming the path and the reason."""
    from core.compiler import extract_weights
    for node, weights in extract_weights(model).items():
        network.graph.set_weights(node, weights)
    try:
        save_network(network, path)
    except SaveError as exc:  # names the path and the reason already
        print(_error(str(exc)), file=err)
        return 1
    except (OSError, FileFormatError) as exc:
        print(_error(_("Cannot save {path}: {reason}").format(path=path, reason=exc)), file=err)
        return 1
    return 0


def _print_trace(trace, labels: dict[str, str], out: TextIO) -> None:
    import numpy as np
    with np.printoptions(precision=6, suppress=True):
        for step in trace.steps:
            title = step.phase if step.node is None else f"{step.phase} {name_from(labels, step.node)}"
            print(f"== {title}", file=out)
            for name, value in {**step.values, **step.grads, **step.params}.items():
                label = f"d{name}" if name in step.grads and step.phase == "backward" else name
                text = localize_numbers(np.array2string(np.asarray(value), prefix="  "))
                print(f"  {label} = {text}", file=out)


_NUMPY_POINT = re.compile(r"(?<=\d)\.(?=\d|e)")  # 0.25, 1.e-07: a decimal point
_NUMPY_WHOLE = re.compile(r"(?<=\d)\.(?=[\s\],]|$)")  # numpy's "1." for a whole number


def localize_numbers(text: str) -> str:
    """numpy's printout with the language's decimal symbol: "[0.25 1. ]" is "[0,25 1  ]" in
    French (the column widths stay; a whole number loses its point rather than showing "1,")."""
    decimal = i18n.decimal_symbol()
    if decimal == ".":
        return text
    return _NUMPY_POINT.sub(decimal, _NUMPY_WHOLE.sub(" ", text))
