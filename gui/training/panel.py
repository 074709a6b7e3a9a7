"""The training panel: data and settings on the left, run controls and live views on the right.

It composes the pieces and routes the session's messages to the views. Messages only store data;
a ~30 Hz timer redraws whatever changed (CONVENTIONS rule 6), so a fast run (XOR trains 300
epochs in half a second) cannot flood the event loop with redraws. Weights are pushed to the
document by the session as they arrive (~10 Hz); the canvas re-colours its edges on its own.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QLabel, QScrollArea, QSizePolicy, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from core.export_history import HistoryRecorder, RunHistory
from core.samples import expects_images
from gui.document import Document
from gui.training import warmup
from gui.training.boundary import BoundaryView
from gui.style import SMALL_MUTED_STYLE
from gui.training.confusion import ConfusionView
from gui.training.controls import ControlsBar
from gui.training.dataset_box import DatasetBox
from gui.training.gallery import SampleGallery
from gui.training.messages import ProgressUpdate, RunPrepared
from gui.training.plots import MetricPlots
from gui.training.messages import RunState
from gui.training.session import RunInfo, RunOutcome, TrainingSession, join_runs
from gui.training.settings_box import SettingsBox

REFRESH_MS = 33
PROGRESS_EVERY = 3  # the progress bar repaints synchronously: ~10 Hz is plenty for a bar
NEURON_HINT = "Neuron maps: on the canvas, in the neurons view (View ▸ Show Neurons)."
NEURON_TIP = ("Each neuron of a small layer shows its output over the input plane, drawn on its "
              "circle in the canvas' neurons view.")


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class TrainingPanel(QWidget):
    training_started = Signal(object)  # RunInfo
    training_finished = Signal(object)  # RunOutcome, after the views show the final state
    layer_activated = Signal(str)  # "Show layer" in an error banner

    def __init__(self, document: Document, scene=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_panel")
        self.document = document
        self.session = TrainingSession(document, self)
        self.overlay = None
        if scene is not None and hasattr(scene, "layer_items"):
            from gui.canvas.overlays_training import NeuronMapOverlay
            self.overlay = NeuronMapOverlay(scene)
        self.controls = ControlsBar()
        self.dataset_box = DatasetBox(document)
        self.settings_box = SettingsBox(document)
        self.plots = MetricPlots()
        self.boundary = BoundaryView()
        self.session.surface_grid = self.boundary.grid_size  # the resolution it needs
        self.confusion = ConfusionView()
        self.gallery = SampleGallery()
        self._prepared: RunPrepared | None = None
        self._latest_batch = None
        self._progress_dirty = False
        self._pending_maps = None
        self._last_label: str | None = None
        self._ticks = 0
        self.history = HistoryRecorder()  # per-epoch stats of the runs, for File ▸ Export…
        self._build()
        self._connect()
        self.addActions(list(self.controls.actions.values()))
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh_views)
        self._timer.start()
        self._on_state(RunState.IDLE)
        self._on_document_reset()  # the network's own runs (a file saved after training)
        self.session.show_saved_state()  # and what its weights do: boundary, neuron maps
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self.destroyed.connect(functools.partial(join_runs, self.session.owned_runs))

    # ----- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(_scrolled(self.dataset_box), "Data")
        self.left_tabs.addTab(_scrolled(self.settings_box), "Settings")
        self.left_tabs.setMinimumWidth(240)
        self.output_tabs = QTabWidget()
        output = QWidget()
        box = QVBoxLayout(output)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.boundary, 1)
        box.addWidget(self.gallery, 1)  # instead of the boundary for image datasets
        self.neuron_hint = QLabel(NEURON_HINT if self.overlay else "")
        self.neuron_hint.setToolTip(NEURON_TIP)
        self.neuron_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.neuron_hint.setStyleSheet(SMALL_MUTED_STYLE)
        self.neuron_hint.setWordWrap(True)  # a narrow dock wraps it instead of cutting it
        self.neuron_hint.setVisible(self.overlay is not None)
        box.addWidget(self.neuron_hint)
        self.output_tabs.addTab(output, "Predictions")
        self.output_tabs.addTab(self.confusion, "Confusion")
        runs = QWidget()  # the controls sit above the curves only: the output gets the full height
        column = QVBoxLayout(runs)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.controls)
        column.addWidget(self.plots, 1)
        self.views = QSplitter(Qt.Orientation.Horizontal)
        self.views.addWidget(runs)
        self.views.addWidget(self.output_tabs)
        self.views.setStretchFactor(0, 1)
        self.views.setStretchFactor(1, 1)  # a larger screen widens the boundary too
        self.views.setSizes([560, 390])  # the boundary is square: about as wide as it is high
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(4, 0, 0, 0)
        column.addWidget(self.views, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left_tabs)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

    def detach_output(self) -> QTabWidget:
        """Hand the output column (predictions, confusion) over to a dock of its own.

        Inside the panel it gets a third of the panel's height; the window's Train workspace
        gives it the full height at the right instead, beside the network and the curves (as
        TensorFlow Playground shows its output), which at 1280×720 leaves the canvas twice the
        height. A panel on its own (tests, benchmarks) keeps the column in place."""
        self.output_tabs.setParent(None)
        return self.output_tabs

    def _connect(self) -> None:
        a, s = self.controls.actions, self.session
        a["train"].triggered.connect(self.train)
        a["pause"].triggered.connect(s.pause)
        a["stop"].triggered.connect(s.stop)
        a["step_batch"].triggered.connect(lambda: s.step("batch"))
        a["step_epoch"].triggered.connect(lambda: s.step("epoch"))
        a["reset"].triggered.connect(lambda: s.reset_weights())
        for choice, action in self.controls.reset_actions.items():
            action.triggered.connect(functools.partial(s.reset_weights, choice))
        self.controls.layer_activated.connect(self.layer_activated)
        self.controls.speed.speed_changed.connect(s.set_speed)
        s.state_changed.connect(self._on_state)
        s.run_started.connect(self._on_run_started)
        s.run_prepared.connect(self._on_prepared)
        s.preview_prepared.connect(self._show_dataset)
        s.history_changed.connect(self._load_history)
        self.plots.clear_button.clicked.connect(s.clear_history)  # the file keeps the history
        s.progressed.connect(self._on_progress)
        s.surface_updated.connect(self._on_surface)
        s.confusion_updated.connect(self.confusion.set_matrix)
        s.gallery_updated.connect(self.gallery.set_gallery)
        self.document.network_changed.connect(self._on_network_changed)
        s.training_finished.connect(self._on_finished)
        s.weights_state_changed.connect(lambda: self._on_state(s.state))
        s.network_edited.connect(self._clear_neuron_maps)
        s.document_reset.connect(self._on_document_reset)

    # ----- commands ----------------------------------------------------------------------
    def train(self) -> None:
        """Train (or Continue from the current weights, or Resume a paused run)."""
        if not self._timer.isActive():
            self._timer.start()
        self.session.train()

    def pause(self) -> None:
        self.session.pause()

    def resume(self) -> None:
        self.session.resume()

    def stop(self) -> None:
        self.session.stop()

    def step_batch(self) -> None:
        self.session.step("batch")

    def step_epoch(self) -> None:
        self.session.step("epoch")

    def reset_weights(self) -> None:
        self.session.reset_weights()

    def shutdown(self) -> None:
        """Stop any run and wait for its thread (window closing, application quitting)."""
        self._timer.stop()
        self.session.shutdown()

    def epoch_history(self) -> list[RunHistory]:
        """The current and kept runs' epochs (File ▸ Export… writes them as CSV)."""
        return self.history.history()

    def install_shortcuts(self, window: QWidget) -> None:
        """Make F5 & co. work anywhere in ``window``, not only when the panel has focus."""
        for action in self.controls.actions.values():
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)

    # ----- session -> views --------------------------------------------------------------
    def _on_state(self, state: str) -> None:
        self.controls.set_state(state, self.session.graph_has_weights())
        self.controls.set_reset_choices(self.session.reset_availability(),
                                        self.document.network.lesson is not None)
        idle = state == RunState.IDLE
        self.plots.clear_button.setEnabled(idle)
        self.dataset_box.setEnabled(idle)
        self.settings_box.setEnabled(idle)
        if state == RunState.PAUSED:
            self._progress_dirty = True

    def _on_run_started(self, info: RunInfo) -> None:
        self.controls.clear_banner()
        self.plots.begin_run(self._last_label, info.epoch_offset,
                             self._prepared is None or self._prepared.task == "classification")
        self._last_label = None
        self._latest_batch = None
        self.controls.metrics.setText("")
        self.history.begin_run(info.number, info.label, info.epoch_offset)
        self.training_started.emit(info)

    def _on_prepared(self, prepared: RunPrepared) -> None:
        classification = prepared.task == "classification"
        self.plots.set_classification(classification)
        self.plots.set_has_validation(prepared.val_rows > 0)
        self.plots.set_epoch_span(prepared.epochs)
        self._show_dataset(prepared)

    def _show_dataset(self, prepared: RunPrepared) -> None:
        """Set the output views up for the data (a run's, or a picture of the saved weights)."""
        self._prepared = prepared
        classification = prepared.task == "classification"
        self.boundary.begin_run(prepared)
        self.confusion.reset()
        self.gallery.reset()
        images = prepared.image_shape is not None
        self._show_gallery(images)
        if prepared.surface_kind is None and classification and not images:
            self.output_tabs.setCurrentWidget(self.confusion)
        elif prepared.surface_kind is not None or images:
            self.output_tabs.setCurrentIndex(0)
        self.neuron_hint.setVisible(self.overlay is not None and prepared.surface_kind == "2d")

    def _show_gallery(self, on: bool) -> None:
        """Image datasets answer in pictures; the boundary (two inputs) is for the others."""
        self.gallery.setVisible(on)
        self.boundary.setVisible(not on)

    def _on_network_changed(self, field: str) -> None:
        """Another dataset chosen: the Output tab says what it will show, before any run."""
        if field == "dataset" and not self.session.active:
            spec = self.document.network.dataset
            self._show_gallery(expects_images(spec.source, spec.name))

    def _on_progress(self, update: ProgressUpdate) -> None:
        self.plots.add_batches(update.batches)
        self.plots.add_epochs(update.epochs)
        self.history.add_epochs(update.epochs)
        if update.batches:
            self._latest_batch = update.batches[-1]
        self._progress_dirty = True

    def _on_surface(self, update) -> None:
        self.boundary.set_surface(update)
        if self.overlay is not None and update.neuron_maps:
            self._pending_maps = update.neuron_maps

    def _on_finished(self, outcome: RunOutcome) -> None:
        self.refresh_views()
        ended = outcome.ended
        if ended.epochs_run or ended.batches_run:
            self._last_label = outcome.info.label
        level = "error" if not ended.ok else "warning" if ended.health else "ok"
        text = _finished_text(ended, outcome.info.epoch_offset)
        if ended.health:  # it ran, but learned nothing: the banner says why
            text += " — learned nothing"
        self.controls.show_finished(text, ended.elapsed, level)
        if outcome.level != "info" or ended.reason == "early_stopping":
            self.controls.show_banner(outcome.message, outcome.level, ended.node)
        else:
            self.controls.clear_banner()  # "Finished 300 epochs." is on the progress bar
        self.training_finished.emit(outcome)

    def _on_document_reset(self) -> None:
        self._prepared, self._latest_batch, self._last_label = None, None, None
        self.plots.reset()
        self.history.clear()
        self.boundary.reset()
        self.confusion.reset()
        self.gallery.reset()
        self._on_network_changed("dataset")
        self._clear_neuron_maps()
        self.controls.clear_banner()
        self.controls.show_idle(self.document.network.trained.epochs)
        self.plots.set_classification(self.session.expected_task() != "regression")
        self._load_history()

    def _load_history(self) -> None:
        """Draw the network's kept runs, as a run draws them: a reopened file, the undo of a
        run, Clear history. The latest run's curves are the plots' current ones."""
        runs = self.document.network.trained.runs
        self.plots.reset()
        self.history.clear()
        previous = None
        for run in runs:
            self.plots.begin_run(previous, run.epoch_offset,
                                 run.curves["train_accuracy"] is not None)
            self.plots.add_epochs(run.points())
            self.history.begin_run(run.number, run.label, run.epoch_offset)
            self.history.add_epochs(run.points())
            previous = run.label
        if runs:
            self.plots.set_has_validation(runs[-1].curves["val_loss"] is not None)
        self._last_label = previous
        self.plots.refresh()

    def _clear_neuron_maps(self) -> None:
        self._pending_maps = None
        if self.overlay is not None:
            self.overlay.clear()

    # ----- drawing (timer) ---------------------------------------------------------------
    def refresh_views(self) -> None:
        """Redraw what changed since the last tick; cheap when nothing did."""
        self.plots.refresh()
        self.boundary.refresh()
        self.confusion.refresh()
        self.gallery.refresh()
        if self._pending_maps is not None and self.overlay is not None:
            self.overlay.show_maps(self._pending_maps)
            self._pending_maps = None
        self._ticks += 1
        if self._progress_dirty and (self._ticks % PROGRESS_EVERY == 0 or
                                     self.session.state != RunState.RUNNING):
            self._progress_dirty = False
            if self._latest_batch is not None and self._prepared is not None:
                self.controls.show_progress(self._latest_batch, self._prepared.epochs,
                                            self.session.state == RunState.PAUSED,
                                            self.plots.epoch_offset)
            if self.session.last_epoch is not None:
                self.controls.show_epoch(self.session.last_epoch)

    # ----- Qt ----------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        warmup.start_later()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)


def _finished_text(ended, epoch_offset: int = 0) -> str:
    """"Finished after 300 epochs (100 in this run)": the weights' whole count, the count the
    network's trained state keeps (TrainedState.with_run) and the plots' epoch axis shows."""
    titles = {"completed": "Finished", "stopped": "Stopped", "early_stopping": "Stopped early",
              "diverged": "Diverged", "error": "Failed"}
    title = titles.get(ended.reason, ended.reason)
    if not ended.epochs_run:
        return title
    total = epoch_offset + ended.epochs_run
    text = f"{title} after {total} epoch{'s' if total != 1 else ''}"
    return f"{text} ({ended.epochs_run} in this run)" if epoch_offset else text
