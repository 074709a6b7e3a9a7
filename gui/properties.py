"""The properties panel: the selected layer's id, type, parameters and weights, or — with nothing
selected — the network's name, description and lesson.

Editors are built from the layer's ParamSpecs when the selection changes and only *updated* when
the model changes (undo, redo, another view), so focus and cursor positions survive edits.
Every accepted change is one undo command pushed through the Document.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit,
                               QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from core.graph import GraphError, GraphEvent
from core.layers import ParamError, get_spec
from gui.document import Document
from gui.lesson_view import LessonView
from gui.param_editors import ParamEditor
from gui.style import ERROR_TEXT_STYLE, MUTED_STYLE, category_color, strong_html
from gui.weights_table import WeightsEditor

_UNSHOWN = object()


class LayerPage(QWidget):
    """Editors for one layer; rebuilt by `PropertiesPanel.show_layer`."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.layer_id: str | None = None
        self.editors: dict[str, ParamEditor] = {}
        self.title = QLabel()
        self.id_edit = QLineEdit()
        self.id_edit.setToolTip("The layer's id: letters, digits and _. Used in files, messages "
                                "and the compiled PyTorch module.")
        self.id_edit.editingFinished.connect(self._rename)
        self.id_error = _error_label()
        self.label_edit = QLineEdit(placeholderText="shown on the card instead of the id")
        self.label_edit.setToolTip("A free name for the card, in any language (spaces and "
                                   "accents welcome). Files, messages and PyTorch keep the id.")
        self.label_edit.editingFinished.connect(self._set_label)
        self.label_error = _error_label()
        self.description = QLabel(wordWrap=True)
        self.description.setStyleSheet(MUTED_STYLE)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.problems = _error_label()
        self.weights_box = QGroupBox("Weights")
        self.weights = WeightsEditor(document)
        QVBoxLayout(self.weights_box).addWidget(self.weights)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.description):
            layout.addWidget(widget)
        id_form = QFormLayout()
        id_form.addRow("Id", self.id_edit)
        id_form.addRow("", self.id_error)
        id_form.addRow("Display name", self.label_edit)
        id_form.addRow("", self.label_error)
        layout.addLayout(id_form)
        layout.addLayout(self.form)
        layout.addWidget(self.problems)
        layout.addWidget(self.weights_box)
        layout.addStretch(1)

    def build(self, layer_id: str) -> None:
        self.layer_id = layer_id
        spec = get_spec(self.document.graph.layer_type(layer_id))
        self.title.setText(strong_html(spec.display_name, category_color(spec.category), 14)
                           + f" <span style='{MUTED_STYLE}'>({spec.category})</span>")
        self.description.setText(spec.description)
        while self.form.rowCount():
            self.form.removeRow(0)
        for old in self.editors.values():
            old.deleteLater()
        self.editors = {}
        self._shown: dict[str, object] = {}  # the model value each editor was last given
        for param in spec.params:
            editor = ParamEditor(param, self)
            editor.committed.connect(self._commit)
            self.editors[param.name] = editor
            field = QWidget()
            column = QVBoxLayout(field)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(editor.widget)
            column.addWidget(editor.error_label)
            label = QLabel(param.label)
            label.setToolTip(param.help)
            self.form.addRow(label, field)
        self.weights_box.setVisible(spec.type_name == "Dense")
        self.weights.show_layer(layer_id if spec.type_name == "Dense" else None)
        self.sync()

    def sync(self) -> None:
        """Show the model's current values (after undo/redo or a rename)."""
        graph = self.document.graph
        if self.layer_id is None or not graph.has_layer(self.layer_id):
            return
        if not self.id_edit.hasFocus():
            self.id_edit.setText(self.layer_id)
        if not self.label_edit.isModified():  # not while the user is typing (undo: shown)
            self.label_edit.setText(graph.label(self.layer_id))
        params = self._shown_params()
        for name, editor in self.editors.items():
            if name in params and params[name] != self._shown.get(name, _UNSHOWN):
                # only values that changed: a weights update (a run ending) must not put the
                # old value back over one the user is still typing
                editor.set_value(params[name])
                self._shown[name] = params[name]
        self.sync_problems()

    def _shown_params(self) -> dict:
        """The report's normalised values (defaults filled in, as training uses them); a layer
        whose values were refused shows what it holds, next to the problem."""
        params = self.document.report.params.get(self.layer_id)
        return params if params is not None else self.document.graph.params(self.layer_id)

    def sync_problems(self) -> None:
        if self.layer_id is None:
            return
        messages = [p.message for p in self.document.report.problems_for(self.layer_id)]
        self.problems.setText("\n".join(f"⚠ {m}" for m in messages))
        self.problems.setVisible(bool(messages))
        if self.weights_box.isVisibleTo(self):
            self.weights.refresh()

    def _commit(self, name: str, value: object) -> None:
        editor = self.editors[name]
        try:
            self.document.set_param(self.layer_id, name, value)
        except ParamError as exc:
            editor.show_error(str(exc))
            self._shown.pop(name, None)  # the next sync shows the model's value again
            return
        editor.show_error(None)

    def _rename(self) -> None:
        new = self.id_edit.text().strip()
        if self.layer_id is None or new == self.layer_id:
            self.id_error.hide()
            return
        try:
            self.document.rename(self.layer_id, new)
        except GraphError as exc:
            self.id_error.setText(str(exc))
            self.id_error.show()
            return
        self.id_error.hide()


    def _set_label(self) -> None:
        if self.layer_id is None:
            return
        try:
            self.document.set_label(self.layer_id, self.label_edit.text())
        except GraphError as exc:
            self.label_error.setText(str(exc))
            self.label_error.show()
            return
        self.label_error.hide()
        self.label_edit.setModified(False)
        self.label_edit.setText(self.document.graph.label(self.layer_id))  # as stored: stripped


class NetworkPage(QWidget):
    """Shown when no single layer is selected: what this network is and what it teaches."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.name_edit = QLineEdit()
        self.name_edit.editingFinished.connect(
            lambda: self.document.set_info(name=self.name_edit.text().strip() or "Untitled"))
        self.description_edit = QPlainTextEdit()
        self.description_edit.setPlaceholderText("What does this network do?")
        self.description_edit.setMaximumHeight(90)
        self._description_timer = QTimer(self, singleShot=True, interval=600)
        self._description_timer.timeout.connect(self._commit_description)
        self.description_edit.textChanged.connect(self._description_timer.start)
        self.settings_label = QLabel(wordWrap=True)
        self.settings_label.setStyleSheet(MUTED_STYLE)
        self.lesson = LessonView()
        hint = QLabel("Select a layer on the canvas to edit it; drag layers from the palette.")
        hint.setWordWrap(True)
        hint.setStyleSheet(MUTED_STYLE)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Description", self.description_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.settings_label)
        layout.addWidget(QLabel("<b>Lesson</b>"))
        layout.addWidget(self.lesson, 1)
        layout.addWidget(hint)

    def refresh(self) -> None:
        network = self.document.network
        if not self.name_edit.hasFocus():
            self.name_edit.setText(network.name)
        if not self.description_edit.hasFocus() and \
                self.description_edit.toPlainText() != network.description:
            self.description_edit.blockSignals(True)
            self.description_edit.setPlainText(network.description)
            self.description_edit.blockSignals(False)
        d, t = network.dataset, network.training
        batch = "full batch" if t.batch_size == 0 else f"batch {t.batch_size}"
        self.settings_label.setText(
            f"Dataset: {d.name} ({d.source}) · Training: {t.optimizer}, learning rate "
            f"{t.learning_rate:g}, {t.epochs} epochs, {batch} · Loss: {network.loss_name()}")
        self.lesson.show_lesson(network.lesson, self.document.path)

    def _commit_description(self) -> None:
        self.document.set_info(description=self.description_edit.toPlainText())


class PropertiesPanel(QScrollArea):
    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.stack = QStackedWidget()
        self.network_page = NetworkPage(document)
        self.layer_page = LayerPage(document)
        self.stack.addWidget(self.network_page)
        self.stack.addWidget(self.layer_page)
        self.setWidget(self.stack)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        document.graph_changed.connect(self._on_graph_event)
        document.validation_changed.connect(lambda _: self.layer_page.sync_problems())
        document.network_changed.connect(lambda _: self.network_page.refresh())
        document.document_replaced.connect(lambda: self.show_layer(None))
        self.show_layer(None)

    @property
    def layer_id(self) -> str | None:
        return self.layer_page.layer_id if self.stack.currentWidget() is self.layer_page else None

    def show_selection(self, layer_ids: list[str]) -> None:
        self.show_layer(layer_ids[0] if len(layer_ids) == 1 else None)

    def show_layer(self, layer_id: str | None) -> None:
        if layer_id is None or not self.document.graph.has_layer(layer_id):
            self.layer_page.layer_id = None
            self.network_page.refresh()
            self.stack.setCurrentWidget(self.network_page)
            return
        if layer_id != self.layer_page.layer_id or self.stack.currentWidget() is not self.layer_page:
            self.layer_page.build(layer_id)
        self.stack.setCurrentWidget(self.layer_page)

    def _on_graph_event(self, event: GraphEvent) -> None:
        current = self.layer_page.layer_id
        if event.kind == "graph_reset":
            self.show_layer(None)
        elif current is None:
            self.network_page.refresh()  # e.g. the loss shown in the summary line
        elif event.kind == "layer_renamed" and event.node == current:
            self.layer_page.layer_id = event.other
            self.layer_page.weights.layer_id = event.other
            self.layer_page.sync()
        elif event.kind == "layer_removed" and event.node == current:
            self.show_layer(None)
        elif event.node == current or event.other == current:
            self.layer_page.sync()


def _error_label() -> QLabel:
    label = QLabel(wordWrap=True)
    label.setStyleSheet(ERROR_TEXT_STYLE)
    label.hide()
    return label
