"""Is a finished run learning? Stuck, saturated and exploding runs, explained like divergence is.

A run can end "Finished after 100 epochs" without having learned anything: Adam at learning rate
1e6 on XOR sits at loss 50 and 50% accuracy (the first updates threw the weights to 1e7, every
sigmoid is pinned at 0 or 1 and no gradient is left), and a learning rate of 1e-7 leaves the loss
where it started. Divergence (a loss that is not a number) is caught while training; these runs
are only recognisable at the end, from their epochs and one look at the final model.

The verdict is deliberately conservative, so that no healthy run is ever flagged (every shipped
example is tested): a run is judged only when it did not learn at all — a classifier no better
than always answering the most frequent class, a regression no better than always answering the
mean — and after at least `MIN_EPOCHS` epochs. Pure numbers in, a `Diagnosis` out: no torch here,
so the GUI, the CLI and the tests share one judgement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from core.i18n import _, format_number, format_percent

MIN_EPOCHS = 3  # fewer epochs (a Step epoch, a run stopped at once) are not judged
CHANCE_MARGIN = 0.02  # accuracy within this of the majority-class rate learned nothing
BASELINE_SHARE = 0.95  # regression: loss above this share of the mean predictor's learned nothing
FLAT_SHARE = 0.01  # the loss moved less than this share over the run's second half: stuck
GRADIENT_FLOOR = 1e-7  # gradient norm per weight norm below this: nothing moves any more
HUGE_WEIGHT = 1e3  # largest |weight| above this: the weights were thrown out of range
EXPLODED_LOSS = 10.0  # final loss above this many times the first epoch's: exploding


@dataclass(frozen=True)
class RunSummary:
    """What the verdict needs to know about a finished run (all plain numbers)."""

    train_losses: Sequence[float]  # one per epoch of this run, in order
    learning_rate: float
    classification: bool
    accuracy: float | None = None  # final training accuracy (classification)
    chance: float | None = None  # majority-class rate of the training targets
    # loss of the trivial answer: the mean of the targets (regression), the class frequencies
    # (a cross-entropy: a classifier scoring worse than that learned nothing, whatever its accuracy)
    baseline_loss: float | None = None
    gradient_ratio: float | None = None  # |grad| / |weights| after the run; None: no gradients
    largest_weight: float = 0.0


@dataclass(frozen=True)
class Diagnosis:
    kind: str  # "stuck" | "saturated" | "exploding"
    message: str  # what happened and what to try, in the words of the divergence message


def learned_nothing(summary: RunSummary) -> bool:
    """No better than the trivial answer (most frequent class, or the mean of the targets)."""
    final = summary.train_losses[-1]
    if summary.classification:
        if summary.accuracy is None or summary.chance is None:
            return False
        worse_than_chance = summary.baseline_loss is not None and final > summary.baseline_loss
        return summary.accuracy <= summary.chance + CHANCE_MARGIN or worse_than_chance
    if summary.baseline_loss is None or summary.baseline_loss <= 0:
        return False
    return final >= BASELINE_SHARE * summary.baseline_loss


def diagnose(summary: RunSummary) -> Diagnosis | None:
    """None for a run that learned (or is too short to judge), else what went wrong."""
    losses = [v for v in summary.train_losses if math.isfinite(v)]
    if len(losses) < MIN_EPOCHS or len(losses) != len(summary.train_losses):
        return None  # too short, or diverged (already explained while training)
    if not learned_nothing(summary):
        return None
    if summary.gradient_ratio is not None and summary.gradient_ratio < GRADIENT_FLOOR:
        return Diagnosis("saturated", _saturated_text(summary))
    if summary.largest_weight > HUGE_WEIGHT or losses[-1] > EXPLODED_LOSS * losses[0]:
        return Diagnosis("exploding", _exploding_text(summary))
    half = losses[len(losses) // 2:]
    if max(half) - min(half) <= FLAT_SHARE * max(abs(half[0]), 1e-12):
        return Diagnosis("stuck", _stuck_text(summary, losses))
    return None  # not there yet, but still moving: more epochs may do


def _result(summary: RunSummary) -> str:
    loss = format_number(summary.train_losses[-1], ".4g")
    if summary.classification and summary.accuracy is not None:
        return _("loss {loss}, accuracy {accuracy}: no better than always answering the most "
                 "frequent class ({chance})").format(loss=loss,
                                                     accuracy=format_percent(summary.accuracy),
                                                     chance=format_percent(summary.chance or 0))
    return _("loss {loss}: no better than always answering the mean of the targets").format(
        loss=loss)


def _numbers(summary: RunSummary) -> dict[str, str]:
    return {"result": _result(summary), "rate": format_number(summary.learning_rate),
            "largest": format_number(summary.largest_weight, ".3g"),
            "example": format_number(0.01)}


def _saturated_text(summary: RunSummary) -> str:
    values = _numbers(summary)
    if summary.largest_weight > HUGE_WEIGHT:
        return _("The network learned nothing ({result}). Its units are saturated — outputs pinned "
                 "at their limits, the weights thrown far out of range (largest {largest}) — so "
                 "the gradients are zero. The learning rate ({rate}) is probably too high: lower "
                 "it (for example to {example}), reset the weights and train again.").format(**values)
    return _("The network learned nothing ({result}). Its units are saturated — outputs pinned at "
             "their limits — so the gradients are zero. The learning rate ({rate}) is probably too "
             "high: lower it (for example to {example}), reset the weights and train again."
             ).format(**values)


def _exploding_text(summary: RunSummary) -> str:
    return _("The network learned nothing ({result}). The weights grew out of range (largest "
             "{largest}): the learning rate ({rate}) is probably too high. Lower it (for example "
             "to {example}), reset the weights and train again.").format(**_numbers(summary))


def _stuck_text(summary: RunSummary, losses: list[float]) -> str:
    first, last = losses[0], losses[-1]
    moved = abs(first - last) <= FLAT_SHARE * max(abs(first), 1e-12)
    values = _numbers(summary)
    if moved:
        return _("The network learned nothing ({result}). The loss has hardly moved since the "
                 "first epoch: the learning rate ({rate}) is probably too small. Raise it (for "
                 "example to {example}) and train again.").format(**values)
    return _("The network learned nothing ({result}). The loss stopped improving: try a higher "
             "learning rate, more hidden units, another activation (tanh or relu), or reset the "
             "weights to start from other random values.").format(**values)
