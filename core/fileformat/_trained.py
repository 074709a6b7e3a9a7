"""The file's ``"trained"`` section (version 2): the epochs the weights were trained for and the
per-epoch curves of the kept runs, read into `core.network.TrainedState` and written back.

Without it a reopened network forgot how far its weights had got: Continue restarted the
learning-rate schedule, the inspector stepped with the undecayed rate, and the plots were empty.
The curves are stored column by column (one array per curve), so each is one line of the file.
"""

from __future__ import annotations

from typing import Any

from core.fileformat._common import (FileFormatError, child, describe, expect_list, expect_object,
                                     is_number)
from core.i18n import _
from core.network import CURVES, MAX_KEPT_RUNS, RECORDED_REASONS, RunRecord, TrainedState

TRAINED_KEYS = ("epochs", "runs")
RUN_KEYS = ("number", "epoch_offset", "reason", "settings", "curves")
REQUIRED_CURVES = ("train_loss", "learning_rate")  # the others are null when a run had none
MAX_EPOCHS = 10**9


def upgrade_v1(document: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: version 1 kept no trained state, so its weights count as trained for 0
    epochs and it has no run history; nothing in a version-1 document changes meaning."""
    return document


# ----- reading -----------------------------------------------------------------------------------
def check_trained(value: Any, path: str) -> TrainedState:
    if value is None:
        return TrainedState()
    from core.fileformat._checks import _check_keys  # _checks imports this module
    trained = expect_object(value, path, _('the trained state such as {"epochs": 300, "runs": []}'))
    _check_keys(trained, path, TRAINED_KEYS, required=("epochs",))
    epochs = _count(trained["epochs"], child(path, "epochs"))
    items = expect_list(trained.get("runs", []), child(path, "runs"), _("a list of runs"))
    if len(items) > MAX_KEPT_RUNS:
        raise FileFormatError(_("The file keeps {count} runs; at most {limit} are kept: remove the "
                                "oldest.").format(count=len(items), limit=MAX_KEPT_RUNS),
                              child(path, "runs"))
    runs = tuple(_check_run(item, child(child(path, "runs"), i)) for i, item in enumerate(items))
    return TrainedState(epochs, runs)


def _check_run(value: Any, path: str) -> RunRecord:
    from core.fileformat._checks import _check_keys, _check_settings
    from core.settings import TrainingSettings
    run = expect_object(value, path, _("a run with its number, settings and curves"))
    _check_keys(run, path, RUN_KEYS, required=RUN_KEYS)
    reason = run["reason"]
    if reason not in RECORDED_REASONS:
        raise FileFormatError(_("The reason must be one of {names} (got {value}).").format(
            names=", ".join(RECORDED_REASONS), value=describe(reason)), child(path, "reason"))
    return RunRecord(_count(run["number"], child(path, "number"), least=1),
                     _check_settings(TrainingSettings, run["settings"], child(path, "settings")),
                     _count(run["epoch_offset"], child(path, "epoch_offset")), reason,
                     _check_curves(run["curves"], child(path, "curves")))


def _check_curves(value: Any, path: str) -> dict[str, tuple[float, ...] | None]:
    from core.fileformat._checks import _check_keys
    curves = expect_object(value, path, _('an object of curves such as {"train_loss": [0.7, 0.5]}'))
    _check_keys(curves, path, CURVES, required=REQUIRED_CURVES)
    result = {name: _curve(curves.get(name), child(path, name), name in REQUIRED_CURVES)
              for name in CURVES}
    length = len(result["train_loss"])
    for name, values in result.items():
        if values is not None and len(values) != length:
            raise FileFormatError(_("This curve has {count} values but train_loss has {length}: "
                                    "every curve has one value per epoch.").format(
                                        count=len(values), length=length), child(path, name))
    return result


def _curve(value: Any, path: str, required: bool) -> tuple[float, ...] | None:
    if value is None and not required:
        return None
    items = expect_list(value, path, _("a list of numbers, one per epoch") if required
                        else _("a list of numbers, one per epoch, or null"))
    for index, item in enumerate(items):
        if not is_number(item):
            raise FileFormatError(_("Expected a number, got {value}.").format(value=describe(item)),
                                  child(path, index))
    return tuple(float(item) for item in items)


def _count(value: Any, path: str, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MAX_EPOCHS:
        raise FileFormatError(_("Expected a whole number from {least} to {most} (got {value})."
                                ).format(least=least, most=MAX_EPOCHS, value=describe(value)), path)
    return value


# ----- writing -----------------------------------------------------------------------------------
def trained_document(trained: TrainedState) -> dict[str, Any] | None:
    """The section as JSON values, or None (left out) for weights nothing trained."""
    if not trained.epochs and not trained.runs:
        return None
    return {"epochs": trained.epochs, "runs": [_run_document(run) for run in trained.runs]}


def _run_document(run: RunRecord) -> dict[str, Any]:
    if not run.is_finite():
        raise FileFormatError(_("Run {number} has a curve with NaN or infinite values: clear the "
                                "run history, then save again.").format(number=run.number),
                              "$.trained.runs")
    return {"number": run.number, "epoch_offset": run.epoch_offset, "reason": run.reason,
            "settings": run.settings.to_dict(),
            "curves": {name: list(values) if values is not None else None
                       for name, values in run.curves.items()}}
