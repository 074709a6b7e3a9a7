"""Training settings: every field of `TrainingSettings`, each edit one undoable document change.

The widgets never hold state of their own: `refresh()` copies the document's settings into them
(signals blocked) and each finished edit builds a replaced settings record and hands it to
`document.set_training`, so undo, files and the CLI all see the same values. The loss lives on the
Output layer; it is edited here through `document.set_param` on that layer.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel,
                               QSizePolicy, QSpinBox, QVBoxLayout, QWidget)

from core.layers import ParamError
from core.layers.catalogue import LOSSES
from core.settings import OPTIMIZERS, REDUCTIONS, SCHEDULES, SettingsError
from gui.document import Document
from gui.training.colors import MUTED_STYLE
from gui.training.widgets import compact_combo

OPTIMIZER_TITLES = {"sgd": "SGD (gradient descent)", "adam": "Adam", "rmsprop": "RMSprop",
                    "perceptron": "Perceptron rule"}
SCHEDULE_TITLES = {"none": "Constant", "step": "Step decay", "exponential": "Exponential decay"}
LOSS_TITLES = {"mse": "Mean squared error (mse)", "mae": "Mean absolute error (mae)",
               "bce": "Binary cross-entropy (bce)", "cross_entropy": "Cross-entropy"}
RATE_PRESETS = ("0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3")
INT32 = 2**31 - 1


def _combo(items: dict[str, str]) -> QComboBox:
    box = compact_combo()
    for value, title in items.items():
        box.addItem(title, value)
    return box


def _narrow(box):
    """Spin boxes size themselves for their largest value: let the form decide instead."""
    box.setMinimumWidth(60)
    box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    return box


def _double(low: float, high: float, step: float, decimals: int) -> QDoubleSpinBox:
    box = _narrow(QDoubleSpinBox(keyboardTracking=False))
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    return box


def _int(low: int, high: int) -> QSpinBox:
    box = _narrow(QSpinBox(keyboardTracking=False))
    box.setRange(low, high)
    return box


class SettingsBox(QWidget):
    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.widgets: dict[str, QWidget] = {}
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#d32f2f;")
        self.error.hide()
        self._build()
        self._connect()
        document.network_changed.connect(self._on_network_changed)
        document.document_replaced.connect(self.refresh)
        document.graph_changed.connect(self._on_graph_changed)
        self.refresh()

    # ----- construction ------------------------------------------------------------------
    def _build(self) -> None:
        w = self.widgets
        w["optimizer"] = _combo({o: OPTIMIZER_TITLES.get(o, o) for o in OPTIMIZERS})
        w["learning_rate"] = compact_combo(editable=True)
        w["learning_rate"].addItems(list(RATE_PRESETS))
        w["learning_rate"].setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        w["momentum"] = _double(0.0, 1.0, 0.05, 3)
        w["nesterov"] = QCheckBox("Nesterov")
        w["schedule"] = _combo({n: SCHEDULE_TITLES.get(n, n) for n in SCHEDULES})
        w["decay_rate"] = _double(0.001, 1.0, 0.05, 3)
        w["decay_steps"] = _int(1, 1_000_000)
        w["decay_steps"].setSuffix(" epochs")
        w["batch_size"] = _int(1, 10_000_000)
        w["full_batch"] = QCheckBox("Full batch")
        w["epochs"] = _int(1, 1_000_000)
        w["shuffle"] = QCheckBox("Shuffle every epoch")
        w["l1"] = _double(0.0, 1000.0, 0.0001, 5)  # the file allows more; nobody needs it
        w["l2"] = _double(0.0, 1000.0, 0.0001, 5)
        w["early_stopping_patience"] = _int(0, 1_000_000)
        w["early_stopping_patience"].setSpecialValueText("off")
        w["early_stopping_patience"].setSuffix(" epochs")
        w["seed"] = _int(0, INT32)
        w["loss_reduction"] = _combo({r: r for r in REDUCTIONS})
        w["loss"] = _combo({n: LOSS_TITLES.get(n, n) for n in LOSSES})
        self.loss_hint = QLabel()
        self.loss_hint.setWordWrap(True)
        self.loss_hint.setStyleSheet(MUTED_STYLE)
        self._tooltips()
        self._lay_out()

    def _tooltips(self) -> None:
        tips = {
            "learning_rate": "Step size of each update. Too high: the loss explodes; too low: "
                             "nothing seems to happen.",
            "momentum": "SGD and RMSprop: keep part of the previous step (0 = none).",
            "nesterov": "SGD: look ahead along the momentum before computing the gradient.",
            "schedule": "Lower the learning rate as training goes on.",
            "decay_rate": "Multiplier applied per decay (step) or per epoch (exponential).",
            "decay_steps": "Step decay: epochs between two decays.",
            "batch_size": "Samples per update.",
            "full_batch": "Use the whole training set for every update (batch size 0 in the file).",
            "l1": "Penalty on the sum of |weights|: pushes weights to exactly zero.",
            "l2": "Penalty on the sum of weights²: keeps weights small (weight decay).",
            "early_stopping_patience": "Stop when the validation loss has not improved for this "
                                       "many epochs (off = never).",
            "seed": "Same seed, same initial weights and batch order: runs are repeatable.",
            "loss_reduction": "Average (mean) or add up (sum) the per-sample losses.",
            "loss": "Stored on the Output layer; changing it here edits that layer.",
        }
        for name, tip in tips.items():
            self.widgets[name].setToolTip(tip)

    def _lay_out(self) -> None:
        w = self.widgets
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Optimizer", w["optimizer"])
        form.addRow("Learning rate", w["learning_rate"])
        form.addRow("Momentum", w["momentum"])
        form.addRow("", w["nesterov"])
        form.addRow("Schedule", w["schedule"])
        form.addRow("Decay rate", w["decay_rate"])
        form.addRow("Decay every", w["decay_steps"])
        form.addRow("Batch size", w["batch_size"])
        form.addRow("", w["full_batch"])
        form.addRow("Epochs", w["epochs"])
        form.addRow("", w["shuffle"])
        form.addRow("L1 penalty", w["l1"])
        form.addRow("L2 penalty", w["l2"])
        form.addRow("Early stopping", w["early_stopping_patience"])
        form.addRow("Seed", w["seed"])
        form.addRow("Loss reduction", w["loss_reduction"])
        form.addRow("Loss", w["loss"])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.loss_hint)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _connect(self) -> None:
        w = self.widgets
        for name in ("optimizer", "schedule", "loss_reduction"):
            w[name].activated.connect(lambda _i, n=name: self.commit(n, w[n].currentData()))
        for name in ("momentum", "decay_rate", "decay_steps", "epochs", "l1", "l2",
                     "early_stopping_patience", "seed"):
            w[name].valueChanged.connect(lambda value, n=name: self.commit(n, value))
        for name in ("nesterov", "shuffle"):
            w[name].toggled.connect(lambda on, n=name: self.commit(n, bool(on)))
        w["batch_size"].valueChanged.connect(lambda value: self.commit("batch_size", value))
        w["full_batch"].toggled.connect(self._on_full_batch)
        w["learning_rate"].activated.connect(lambda _i: self._commit_rate())
        w["learning_rate"].lineEdit().editingFinished.connect(self._commit_rate)
        w["loss"].activated.connect(lambda _i: self._commit_loss(w["loss"].currentData()))

    # ----- edits -------------------------------------------------------------------------
    def commit(self, field: str, value: Any) -> bool:
        """Replace one field; a refused value is shown in red and the widget goes back."""
        current = self.document.network.training
        try:
            settings = current.with_changes(**{field: value})
        except SettingsError as exc:
            self.show_error(str(exc))
            self.refresh()
            return False
        self.show_error(None)
        self.document.set_training(settings)
        return True

    def _on_full_batch(self, on: bool) -> None:
        self.commit("batch_size", 0 if on else max(1, self.widgets["batch_size"].value()))

    def _commit_rate(self) -> None:
        text = self.widgets["learning_rate"].currentText().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            self.show_error(f"learning_rate: '{text}' is not a number")
            self.refresh()
            return
        if value != self.document.network.training.learning_rate:
            self.commit("learning_rate", value)

    def _commit_loss(self, loss: str) -> None:
        output = self.document.network.output_layer()
        if output is None:
            return
        try:
            self.document.set_param(output, "loss", loss)
        except (ParamError, KeyError) as exc:
            self.show_error(str(exc))
        self._refresh_loss()

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    # ----- model -> widgets --------------------------------------------------------------
    def _on_graph_changed(self, event) -> None:
        if event.kind != "weights_changed":  # live training changes weights ~10 times a second
            self._refresh_loss()

    def _on_network_changed(self, field: str) -> None:
        if field == "training":
            self.refresh()

    def refresh(self) -> None:
        t = self.document.network.training
        w = self.widgets
        for widget in w.values():
            widget.blockSignals(True)
        try:
            _select(w["optimizer"], t.optimizer)
            w["learning_rate"].setCurrentText(f"{t.learning_rate:g}")
            w["momentum"].setValue(t.momentum)
            w["nesterov"].setChecked(t.nesterov)
            _select(w["schedule"], t.schedule)
            w["decay_rate"].setValue(t.decay_rate)
            w["decay_steps"].setValue(t.decay_steps)
            w["full_batch"].setChecked(t.batch_size == 0)
            if t.batch_size:
                w["batch_size"].setValue(t.batch_size)
            w["epochs"].setValue(t.epochs)
            w["shuffle"].setChecked(t.shuffle)
            w["l1"].setValue(t.l1)
            w["l2"].setValue(t.l2)
            w["early_stopping_patience"].setValue(t.early_stopping_patience)
            w["seed"].setValue(min(t.seed, INT32))
            _select(w["loss_reduction"], t.loss_reduction)
        finally:
            for widget in w.values():
                widget.blockSignals(False)
        self._update_enabled()
        self._refresh_loss()

    def _update_enabled(self) -> None:
        t, w = self.document.network.training, self.widgets
        w["momentum"].setEnabled(t.optimizer in ("sgd", "rmsprop"))
        w["nesterov"].setEnabled(t.optimizer == "sgd" and t.momentum > 0)
        w["decay_rate"].setEnabled(t.schedule != "none")
        w["decay_steps"].setEnabled(t.schedule == "step")
        w["batch_size"].setEnabled(t.batch_size != 0)
        w["l1"].setEnabled(t.optimizer != "perceptron")
        w["l2"].setEnabled(t.optimizer != "perceptron")

    def _refresh_loss(self) -> None:
        network = self.document.network
        output = network.output_layer()
        box = self.widgets["loss"]
        box.blockSignals(True)
        _select(box, network.loss_name())
        box.blockSignals(False)
        box.setEnabled(output is not None)
        self.loss_hint.setText(f"The loss is a setting of the Output layer '{output}'." if output
                               else "Add an Output layer to choose the loss.")


def _select(box: QComboBox, value: str) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


