"""Slow motion: a run capped at N epochs a second, so a class can watch XOR's boundary form.

The schedule is tested with an injected clock (no sleeping, nothing timed): the pacer on its own,
then the real training job driven in this thread with a condition whose waits advance that
clock. The panel test checks the slider reaches the running job and that a slowed run shows every
epoch on its own.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from core.fileformat import load_network
from core.training import EpochPacer
from gui.training import TrainingPanel
from gui.training.controls import SPEEDS
from gui.training.messages import ProgressUpdate, RunEnded, RunRequest, SurfaceUpdate
from gui.training.worker import RunControl, TrainingJob
from tests.gui.gui_helpers import EXAMPLES, example_document

pytestmark = pytest.mark.usefixtures("warm_torch")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ClockCondition:
    """A stand-in for RunControl's threading.Condition: waiting advances the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        self.clock.now += timeout
        return False

    def notify_all(self) -> None:
        pass


def xor_request(epochs: int) -> RunRequest:
    network = load_network(EXAMPLES / "xor.json")
    network = replace(network, training=network.training.with_changes(epochs=epochs))
    return RunRequest(1, network, EXAMPLES)


# ----- the schedule ----------------------------------------------------------------------------
def test_the_pacer_spaces_epoch_starts_by_one_over_the_rate():
    clock = FakeClock()
    pacer = EpochPacer(clock)
    pacer.start()
    clock.now = 0.05  # the epoch took 50 ms
    assert pacer.remaining(4.0) == pytest.approx(0.2)  # 250 ms per epoch at 4 epochs/s
    assert pacer.remaining(None) == 0.0 and pacer.remaining(0) == 0.0  # full speed
    assert pacer.remaining(1.0) == pytest.approx(0.95)  # a new speed counts from the start
    clock.now = 0.4
    pacer.start()
    clock.now = 1.9  # an epoch slower than its share is not made up for by rushing the next
    assert pacer.remaining(4.0) == 0.0
    assert EpochPacer(clock).remaining(4.0) == 0.0  # nothing started yet


def test_a_capped_job_starts_each_epoch_one_share_after_the_last():
    clock = FakeClock()
    control = RunControl(speed=5.0)
    control.condition = ClockCondition(clock)
    job = TrainingJob(xor_request(epochs=10), control, clock=clock)
    arrivals, surfaces, progress = [], [], []
    for messages in job.messages():
        for message in messages or ():
            if isinstance(message, ProgressUpdate) and message.epochs:
                progress.append([e.epoch for e in message.epochs])
                arrivals.append(clock.now)
            elif isinstance(message, SurfaceUpdate):
                surfaces.append(message.epoch)
            elif isinstance(message, RunEnded):
                ended = message
    assert ended.reason == "completed" and ended.epochs_run == 10
    # every epoch reaches the views on its own, with its picture of the boundary
    assert progress == [[n] for n in range(1, 11)]
    assert set(range(1, 11)) <= set(surfaces)
    # 10 epochs at 5 epochs/s: the k-th starts 0.2 s after the one before, and no wait after
    # the last (the run ends as soon as it is done)
    assert arrivals == pytest.approx([0.2 * k for k in range(10)], abs=1e-9)
    assert clock.now == pytest.approx(1.8)


def test_a_full_speed_job_never_waits():
    clock = FakeClock()
    control = RunControl()
    control.condition = ClockCondition(clock)
    job = TrainingJob(xor_request(epochs=30), control, clock=clock)
    for _ in job.messages():
        pass
    assert control.condition.waits == [] and clock.now == 0.0


def test_a_waiting_job_goes_on_at_once_for_full_speed_a_step_or_stop():
    """Real threads: the job waits (1 epoch/s) and is released by the GUI thread's command."""
    for release in (lambda c: c.set_speed(None), lambda c: c.stop(), lambda c: c.step("epoch")):
        control = RunControl(speed=SPEEDS[0])
        pacer = EpochPacer()
        pacer.start()
        waiting = threading.Thread(target=control.wait_for_pace, args=(pacer,))
        waiting.start()
        release(control)
        waiting.join(10)  # returns promptly; 10 s only guards against a hang
        assert not waiting.is_alive()


def test_a_paused_job_holds_its_wait_until_resumed():
    clock = FakeClock()
    control = RunControl(speed=1.0)
    control.condition = ClockCondition(clock)
    control.pause()
    pacer = EpochPacer(clock)
    pacer.start()
    real_wait = control.condition.wait

    def wait_then_resume(timeout):
        real_wait(timeout)
        if clock.now > 3.0:  # paused well past the epoch's share of a second
            control._mode = "run"  # what resume() sets (its notify is the fake's)
        return False

    control.condition.wait = wait_then_resume
    control.wait_for_pace(pacer)
    assert clock.now > 3.0  # it did not go on while paused, though the second had passed


# ----- the panel -------------------------------------------------------------------------------
def test_the_speed_slider_slows_the_running_job_and_every_epoch_is_shown(qtbot):
    document = example_document("xor")
    document.set_training(document.network.training.with_changes(epochs=8))
    panel = TrainingPanel(document)
    qtbot.addWidget(panel)
    panel.show()
    speed = panel.controls.speed
    assert speed.speed is None and speed.label.text() == "Full speed"  # the default
    speed.slider.setValue(SPEEDS.index(20.0))
    assert speed.label.text() == "20 epochs/s" and panel.session.speed == 20.0
    updates = []
    panel.session.progressed.connect(lambda u: updates.append([e.epoch for e in u.epochs]))
    with qtbot.waitSignal(panel.training_started, timeout=10_000):
        panel.train()
    assert panel.session.run.control.speed == 20.0
    with qtbot.waitSignal(panel.training_finished, timeout=30_000):
        pass
    assert [epochs for epochs in updates if epochs] == [[n] for n in range(1, 9)]
    speed.slider.setValue(len(SPEEDS) - 1)
    assert panel.session.speed is None
    panel.shutdown()
