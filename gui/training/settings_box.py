"""Training settings: a form generated from core.settings.TRAINING_PARAMS, each edit one undo step.

Every row is a `ParamEditor` built from the setting's ParamSpec, so labels, tooltips and ranges
come from the one schema the file format checks against. The form shows the settings that matter
for the chosen optimizer and schedule (`core.settings.used_settings`) and hides the rest, keeping
their values. The widgets never hold state of their own: `refresh()` copies the document's
settings into them (signals blocked) and each finished edit builds a replaced settings record and
hands it to `document.set_training`, so undo, files and the CLI all see the same values. The loss
lives on the Output layer: its row is that layer's ParamSpec, edited through `document.set_param`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from core.layers import ParamError, get_spec
from core.settings import (TRAINING_PARAMS, SettingsError, shown_settings, training_param,
                           used_settings)
from gui.document import Document
from gui.param_editors import ParamEditor
from gui.style import ERROR_TEXT_STYLE, MUTED_STYLE

FULL_BATCH_TIP = "Use the whole training set for every update (batch size 0 in the file)."


class SettingsBox(QWidget):
    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.editors: dict[str, ParamEditor] = {}
        self.widgets: dict[str, QWidget] = {}
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_TEXT_STYLE)
        self.error.hide()
        self._last_batch = training_param("batch_size").default
        self._pinned = False
        self._build()
        document.network_changed.connect(self._on_network_changed)
        document.document_replaced.connect(self.refresh)
        document.graph_changed.connect(self._on_graph_changed)
        self.refresh()

    # ----- construction ------------------------------------------------------------------
    def _build(self) -> None:
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A narrow tab puts a field under its label instead of widening the form past the tab:
        # the form's minimum width is its widest label or field, not the two side by side.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in TRAINING_PARAMS:
            self._add_row(spec, self._on_commit)
            if spec.name == "batch_size":
                self._add_full_batch()
            if spec.name == "loss_reduction":  # the loss itself sits beside its reduction
                self.loss_editor = self._add_row(get_spec("Output").param("loss"), self._on_loss)
        self.loss_hint = QLabel()
        self.loss_hint.setWordWrap(True)
        self.loss_hint.setStyleSheet(MUTED_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.loss_hint)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _add_row(self, spec, on_commit) -> ParamEditor:
        """One generated editor; check boxes carry their label, other rows a form label."""
        inline = spec.kind == "bool"
        editor = ParamEditor(spec, self, titled=True, inline_label=inline)
        editor.committed.connect(on_commit)
        editor.refused.connect(lambda _name, message: self._refuse(message))
        if spec.name == "loss":
            editor.widget.setToolTip("Stored on the Output layer; changing it here edits that "
                                     "layer.\n" + spec.help)
        self.editors[spec.name] = editor
        self.widgets[spec.name] = editor.widget
        self.form.addRow("" if inline else spec.label, editor.widget)
        return editor

    def _add_full_batch(self) -> None:
        box = QCheckBox("Full batch")
        box.setToolTip(FULL_BATCH_TIP)
        box.toggled.connect(self._on_full_batch)
        self.widgets["full_batch"] = box
        self.form.addRow("", box)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._pin_horizontal_scroll()

    def _pin_horizontal_scroll(self) -> None:
        """The form never scrolls sideways: a scroll area moves its content left to show a field
        that got the focus by Tab even with its horizontal bar off, cutting every label, and
        keeps that offset for the next document."""
        area = self.parentWidget().parentWidget() if self.parentWidget() else None
        if isinstance(area, QScrollArea) and area.widget() is self and not self._pinned:
            self._pinned = True
            bar = area.horizontalScrollBar()
            bar.valueChanged.connect(lambda value: value and bar.setValue(0))

    # ----- edits -------------------------------------------------------------------------
    def _on_commit(self, field: str, value: Any) -> None:
        self.commit(field, value)

    def commit(self, field: str, value: Any) -> bool:
        """Replace one field; a refused value is shown in red and the widget goes back."""
        current = self.document.network.training
        try:
            value = self.editors[field].param.coerce(value) if field in self.editors else value
            settings = current.with_changes(**{field: value})
        except (ParamError, SettingsError) as exc:
            self._refuse(str(exc))
            return False
        self.show_error(None)
        if settings != current:  # re-picking the shown value is no edit
            self.document.set_training(settings)
        return True

    def _refuse(self, message: str) -> None:
        self.show_error(message)
        self.refresh()

    def _on_full_batch(self, on: bool) -> None:
        self.commit("batch_size", 0 if on else self._last_batch)

    def _on_loss(self, _name: str, loss: str) -> None:
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
        if t.batch_size:
            self._last_batch = t.batch_size
        for spec in TRAINING_PARAMS:
            value = getattr(t, spec.name)
            if spec.name == "batch_size" and not value:
                value = self._last_batch  # full batch: the box keeps the size to go back to
            self.editors[spec.name].set_value(value)
        full = self.widgets["full_batch"]
        full.blockSignals(True)
        full.setChecked(t.batch_size == 0)
        full.blockSignals(False)
        self._update_shown(t)
        self._refresh_loss()

    def _update_shown(self, t) -> None:
        """Rows of settings this optimizer/schedule does not read are hidden (values kept)."""
        shown, used = shown_settings(t), used_settings(t)
        for spec in TRAINING_PARAMS:
            self.form.setRowVisible(self.widgets[spec.name], spec.name in shown)
            self.widgets[spec.name].setEnabled(spec.name in used)
        self.widgets["batch_size"].setEnabled(t.batch_size != 0)  # full batch: the box rests

    def _refresh_loss(self) -> None:
        network = self.document.network
        output = network.output_layer()
        self.loss_editor.set_value(network.loss_name())
        self.widgets["loss"].setEnabled(output is not None)
        self.loss_hint.setText(f"The loss is a setting of the Output layer '{output}'." if output
                               else "Add an Output layer to choose the loss.")

