"""Optimizers and learning-rate schedules: one entry each, the only place that defines them.

An `Optimizer` entry holds its name in files, its title (the settings form), the training settings
it reads (the form shows only those; ``uses``), its builder, and how the inspector writes its
update: ``rule`` "sgd" is written out as w ← w − η·∂L/∂w with numbers, "perceptron" as
w ← w + η(y − ŷ)x, and "adaptive" shows before → after with ``update_text`` explaining why the
simple rule does not apply. A learning rule that does not use gradients (the perceptron rule)
gives its own ``rule_step(optimizer, x, y, output)``; the trainer and the inspector ask
``uses_gradients`` once per run instead of checking the optimizer's class.

A `Schedule` entry maps the epoch to a learning-rate factor and names the settings it reads.
Unknown names raise `UnknownOptimizer` / `UnknownSchedule`. Importing this module does not import
torch: builders import it when called.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from core.i18n import N_, _
from core.registry import Registry, UnknownName

Builder = Callable[[Any, Any], Any]  # (model, settings) -> optimizer with param_groups
RuleStep = Callable[[Any, Any, Any, Any], None]  # (optimizer, x, y, output) -> None


class UnknownOptimizer(UnknownName):
    kind = "optimizer"


class UnknownSchedule(UnknownName):
    kind = "schedule"


@dataclass(frozen=True)
class Optimizer:
    name: str
    title: str
    uses: tuple[str, ...]  # settings it reads besides learning_rate (the form shows only these)
    build: Builder
    rule: str = "adaptive"  # how the inspector writes the update: sgd | perceptron | adaptive
    update_text: str = ""  # why the simple rule does not apply (adaptive rules)
    momentum_text: str = ""  # replaces the plain rule when momentum > 0 (SGD)
    rule_step: RuleStep | None = None  # a learning rule applied without gradients

    @property
    def uses_gradients(self) -> bool:
        return self.rule_step is None

    def update_rule(self, momentum: float = 0.0) -> tuple[str, str]:
        """(rule, explanation) for these settings: SGD with momentum is no longer the plain rule."""
        if self.momentum_text and momentum > 0:
            return "adaptive", _(self.momentum_text)
        return self.rule, _(self.update_text) if self.update_text else ""

    def title_text(self) -> str:
        """The title in the current language (``title`` is the English, marked with N_)."""
        return _(self.title)


OPTIMIZERS: Registry[Optimizer] = Registry(UnknownOptimizer)


def optimizer_entry(name: str) -> Optimizer:
    return OPTIMIZERS.get(name)


def optimizer_names() -> tuple[str, ...]:
    return OPTIMIZERS.names()


def optimizer_settings() -> tuple[str, ...]:
    """Every setting some optimizer reads (the ones the form shows or hides by optimizer)."""
    seen: dict[str, None] = {}
    for entry in OPTIMIZERS:
        seen.update(dict.fromkeys(entry.uses))
    return tuple(seen)


# ----- builders --------------------------------------------------------------------------------
def _sgd(model, settings):
    import torch
    return torch.optim.SGD(model.parameters(), lr=settings.learning_rate,
                           momentum=settings.momentum,
                           nesterov=settings.nesterov and settings.momentum > 0)


def _adam(model, settings):
    import torch
    return torch.optim.Adam(model.parameters(), lr=settings.learning_rate)


def _adamw(model, settings):
    import torch
    return torch.optim.AdamW(model.parameters(), lr=settings.learning_rate,
                             weight_decay=settings.weight_decay)


def _rmsprop(model, settings):
    import torch
    return torch.optim.RMSprop(model.parameters(), lr=settings.learning_rate,
                               momentum=settings.momentum)


def _perceptron(model, settings):
    from core.optim import PerceptronRule, single_dense
    return PerceptronRule(single_dense(model), settings.learning_rate)


def _perceptron_step(optimizer, x, y, output) -> None:
    optimizer.apply(x, y, output.detach())


_ADAM = N_("Adam keeps running averages of the gradient (m) and of its square (v), so the simple "
         "rule w ← w − η·∂L/∂w does not apply. On the first step of a fresh Adam, m̂ = g and "
         "v̂ = g², so each weight moves by about η against the sign of its gradient. Apply "
         "step keeps m and v for the next step, as training does.")
_PENALTY = ("l1", "l2")

OPTIMIZERS.add(Optimizer(
    "sgd", N_("SGD (gradient descent)"), ("momentum", "nesterov", *_PENALTY), _sgd, rule="sgd",
    momentum_text=N_("SGD with momentum moves along a velocity, a running sum of past gradients, so "
                   "the simple rule w ← w − η·∂L/∂w does not apply in general. Apply step keeps "
                   "the velocity for the next step.")))
OPTIMIZERS.add(Optimizer("adam", "Adam", _PENALTY, _adam, update_text=_ADAM))
OPTIMIZERS.add(Optimizer(
    "adamw", N_("AdamW (weight decay)"), ("weight_decay", *_PENALTY), _adamw,
    update_text=N_("AdamW is Adam with decoupled weight decay: each weight first shrinks, "
                 "w ← w − η·λ·w (λ the weight decay), then takes Adam's step from the running "
                 "averages m and v of the gradient and its square, so the simple rule "
                 "w ← w − η·∂L/∂w does not apply. On the first step of a fresh AdamW each weight "
                 "moves by about η against the sign of its gradient, plus the decay. Apply step "
                 "keeps m and v for the next step, as training does.")))
OPTIMIZERS.add(Optimizer(
    "rmsprop", "RMSprop", ("momentum", *_PENALTY), _rmsprop,
    update_text=N_("RMSprop divides the gradient by a running average of its square, so the simple "
                 "rule w ← w − η·∂L/∂w does not apply. Apply step keeps that average for the next "
                 "step.")))
OPTIMIZERS.add(Optimizer("perceptron", N_("Perceptron rule"), (), _perceptron, rule="perceptron",
                         rule_step=_perceptron_step))


# ----- learning-rate schedules -----------------------------------------------------------------
@dataclass(frozen=True)
class Schedule:
    name: str
    title: str
    uses: tuple[str, ...]
    factor: Callable[[Any, int], float]  # (settings, epochs done before this one) -> multiplier


SCHEDULES: Registry[Schedule] = Registry(UnknownSchedule)
SCHEDULES.add(Schedule("none", N_("Constant"), (), lambda s, done: 1.0))
SCHEDULES.add(Schedule("step", N_("Step decay"), ("decay_rate", "decay_steps"),
                       lambda s, done: s.decay_rate ** (done // s.decay_steps)))
SCHEDULES.add(Schedule("exponential", N_("Exponential decay"), ("decay_rate",),
                       lambda s, done: s.decay_rate ** done))


def schedule_entry(name: str) -> Schedule:
    return SCHEDULES.get(name)


def schedule_settings() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for entry in SCHEDULES:
        seen.update(dict.fromkeys(entry.uses))
    return tuple(seen)
