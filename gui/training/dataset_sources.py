"""One page per dataset source: built-in lesson, CSV file, IDX files, inline table.

A page shows the document's spec (`show_spec`) and, when the user completes a choice, emits
``changed(source, name, params)``; the dataset box adds the split and scaling and makes it one
undoable `document.set_dataset`. A file page emits only once its files are chosen, so switching
the source alone never leaves the document with a half-made dataset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from core.datasets import BUILTIN, DatasetError
from core.datasets.builtin import normalize_params
from core.layers import ParamError
from core.settings import DatasetSpec
from gui.param_editors import ParamEditor
from gui.style import ERROR_TEXT_STYLE, MUTED_STYLE
from gui.training.widgets import compact_combo
from gui.training.data_loader import BackgroundJobs, CsvColumns, peek_csv

HEADER_CHOICES = {"auto": "Detect", True: "First row is a header", False: "No header row"}
TASK_CHOICES = ("auto", "classification", "regression")


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(MUTED_STYLE)
    return label


class SourcePage(QWidget):
    changed = Signal(str, str, dict)  # source, name, params

    def __init__(self, base_dir: Callable[[], Path | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_dir = base_dir

    def show_spec(self, spec: DatasetSpec) -> None:
        raise NotImplementedError

    def stored_path(self, chosen: str) -> str:
        """Inside the network file's folder: relative (the pair can be moved); else absolute."""
        base = self.base_dir()
        path = Path(chosen).resolve()
        if base is not None:
            try:
                return path.relative_to(Path(base).resolve()).as_posix()
            except ValueError:
                pass
        return str(path)

    def resolved(self, stored: str) -> Path:
        path = Path(stored).expanduser()
        base = self.base_dir()
        return path if path.is_absolute() or base is None else Path(base) / path

    def _path_row(self, edit: QLineEdit, title: str, pattern: str) -> QWidget:
        button = QPushButton("Browse…")
        button.clicked.connect(lambda: self._browse(edit, title, pattern))
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(button)
        return holder

    def _browse(self, edit: QLineEdit, title: str, pattern: str) -> None:
        start = str(self.base_dir() or Path.home())
        path, _ = QFileDialog.getOpenFileName(self, title, start, pattern)
        if path:
            edit.setText(self.stored_path(path))
            edit.editingFinished.emit()


class BuiltinPage(SourcePage):
    """A lesson from core.datasets.BUILTIN with one typed widget per ParamSpec."""

    def __init__(self, base_dir, parent: QWidget | None = None) -> None:
        super().__init__(base_dir, parent)
        self.combo = compact_combo()
        for info in BUILTIN.values():
            self.combo.addItem(info.title, info.name)
            self.combo.setItemData(self.combo.count() - 1, info.description,
                                   Qt.ItemDataRole.ToolTipRole)
        self.combo.activated.connect(lambda _i: self.changed.emit("builtin",
                                                                  self.combo.currentData(), {}))
        self.description = _muted()
        self.form = QFormLayout()
        self.editors: dict[str, ParamEditor] = {}
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_TEXT_STYLE)
        self.error.setWordWrap(True)
        self._spec = DatasetSpec()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.description)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def show_spec(self, spec: DatasetSpec) -> None:
        self._spec = spec
        index = self.combo.findData(spec.name)
        self.combo.setCurrentIndex(max(index, 0))
        info = BUILTIN.get(spec.name)
        self.description.setText(info.description if info else "")
        self._build_editors(spec)

    def _build_editors(self, spec: DatasetSpec) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        info = BUILTIN.get(spec.name)
        if info is None:
            return
        try:
            values = normalize_params(spec.name, spec.params, spec.seed)
        except DatasetError as exc:
            self.error.setText(str(exc))
            values = {}
        for param in info.params:
            editor = ParamEditor(param, self)  # seeds keep their full range
            editor.set_value(values.get(param.name, param.default))
            editor.committed.connect(self._on_param)
            self.editors[param.name] = editor
            self.form.addRow(param.label, editor.widget)

    def _on_param(self, name: str, value: Any) -> None:
        editor = self.editors[name]
        try:
            coerced = editor.param.coerce(value)
        except ParamError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        spec = self._spec
        self.changed.emit("builtin", spec.name, dict(spec.params) | {name: coerced})


class CsvPage(SourcePage):
    """A CSV file with a column picker: target combo, feature checkboxes, header and task."""

    def __init__(self, base_dir, jobs: BackgroundJobs, parent: QWidget | None = None) -> None:
        super().__init__(base_dir, parent)
        self.jobs = jobs
        self.columns: CsvColumns | None = None
        self.path = QLineEdit(placeholderText="Choose a .csv file")
        self.path.editingFinished.connect(self._on_path)
        self.header = compact_combo()
        for value, title in HEADER_CHOICES.items():
            self.header.addItem(title, value)
        self.header_note = _muted()
        self.target = compact_combo()
        self.task = compact_combo()
        self.task.addItems(list(TASK_CHOICES))
        self.features = QListWidget()
        self.features.setMaximumHeight(110)
        self.note = _muted("Choose a file: its columns appear here.")
        form = QFormLayout()
        form.addRow("File", self._path_row(self.path, "Open a CSV file", "CSV files (*.csv *.txt)"))
        form.addRow("Header", self.header)
        form.addRow("", self.header_note)
        form.addRow("Target", self.target)
        form.addRow("Task", self.task)
        form.addRow("Features", self.features)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.note)
        self._spec_params: dict = {}
        self._peeked_path = ""
        self._emit_after_peek = False
        self.header.activated.connect(lambda _i: self._on_columns_edited(rebuild=True))
        self.target.activated.connect(lambda _i: self._on_columns_edited(rebuild=True))
        self.task.activated.connect(lambda _i: self._on_columns_edited())
        self.features.itemChanged.connect(lambda _item: self._on_columns_edited())
        jobs.finished.connect(self._on_job)

    def show_spec(self, spec: DatasetSpec) -> None:
        same_file = self.columns is not None and \
            str(spec.params.get("path", "")) == self._peeked_path
        self._spec_params = dict(spec.params)
        self.path.setText(str(spec.params.get("path", "")))
        _select(self.header, spec.params.get("header", "auto"))
        self.task.setCurrentText(str(spec.params.get("task", "auto")))
        if same_file:
            self._fill_columns()  # our own edit came back: no need to read the file again
        else:
            self._peek()

    def _on_path(self) -> None:
        if self.path.text().strip() != str(self._spec_params.get("path", "")):
            self._spec_params = {"path": self.path.text().strip()}
            self._peek(emit=True)

    def _peek(self, emit: bool = False) -> None:
        self._emit_after_peek = emit
        text = self.path.text().strip()
        self._peeked_path = text
        if not text:
            self.columns = None
            self._fill_columns()
            return
        self.note.setText("Reading the columns…")
        path = self.resolved(text)
        self.jobs.submit("csv_columns", lambda: peek_csv(path))

    def _on_job(self, key: str, result, error: str) -> None:
        if key != "csv_columns":
            return
        self.columns = result
        self.note.setText(error or "")
        self._fill_columns()
        if self._emit_after_peek and result is not None:
            self._emit()

    def _header_on(self) -> bool:
        choice = self.header.currentData()
        return self.columns.header_detected if choice == "auto" else bool(choice)

    def _fill_columns(self) -> None:
        """Target combo and feature checkboxes from the file and the spec's choices."""
        self.target.clear()
        self.features.blockSignals(True)
        self.features.clear()
        if self.columns is None:
            self.header_note.setText("")
            self.features.blockSignals(False)
            return
        detected = "a header row" if self.columns.header_detected else "no header row"
        self.header_note.setText(f"Detected: {detected}")
        self.header_note.setToolTip("First row: " + ", ".join(self.columns.first_row))
        names = self.columns.names(self._header_on())
        self.target.addItems(list(names))
        target = self._index_of(self._spec_params.get("target", -1), names)
        self.target.setCurrentIndex(target)
        chosen = {self._index_of(ref, names) for ref in self._spec_params.get("features") or []}
        for i, name in enumerate(names):
            if i == target:
                continue
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, i)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if not chosen or i in chosen
                               else Qt.CheckState.Unchecked)
            self.features.addItem(item)
        self.features.blockSignals(False)

    @staticmethod
    def _index_of(ref, names: tuple[str, ...]) -> int:
        if isinstance(ref, int) and -len(names) <= ref < len(names):
            return ref % len(names)
        if isinstance(ref, str) and ref in names:
            return names.index(ref)
        return len(names) - 1

    def _on_columns_edited(self, rebuild: bool = False) -> None:
        if self.columns is None:
            return
        self._spec_params = self._params()
        if rebuild:
            self._fill_columns()
            self._spec_params = self._params()
        self._emit()

    def _params(self) -> dict:
        """Columns by name when the file has a header (robust to reordering), else by number."""
        header = self._header_on()
        names = self.columns.names(header)
        ref = (lambda i: names[i]) if header else (lambda i: i)
        checked = [self.features.item(i) for i in range(self.features.count())]
        picked = [item.data(Qt.ItemDataRole.UserRole) for item in checked
                  if item.checkState() == Qt.CheckState.Checked]
        params = {"path": self.path.text().strip(), "header": self.header.currentData(),
                  "target": ref(self.target.currentIndex()), "task": self.task.currentText()}
        if len(picked) != len(checked):
            params["features"] = [ref(i) for i in picked]
        return params

    def _emit(self) -> None:
        params = self._params()
        self.changed.emit("csv", Path(params["path"]).stem, params)


class IdxPage(SourcePage):
    """MNIST-style IDX files: images and labels (plain or .gz), a row limit and flattening."""

    def __init__(self, base_dir, parent: QWidget | None = None) -> None:
        super().__init__(base_dir, parent)
        self.images = QLineEdit(placeholderText="…-images-idx3-ubyte.gz")
        self.labels = QLineEdit(placeholderText="…-labels-idx1-ubyte.gz")
        self.limit = QSpinBox(keyboardTracking=False)
        self.limit.setRange(0, 10_000_000)
        self.limit.setSpecialValueText("all")
        self.limit.setToolTip("Use only the first N images (0 = all): quicker lessons.")
        self.flatten = QCheckBox("Flatten to vectors")
        self.flatten.setToolTip("Turn each image into one row of numbers, for Dense layers.")
        pattern = "IDX files (*idx*ubyte* *.idx *.gz);;All files (*)"
        form = QFormLayout()
        form.addRow("Images", self._path_row(self.images, "Open an IDX images file", pattern))
        form.addRow("Labels", self._path_row(self.labels, "Open an IDX labels file", pattern))
        form.addRow("Limit", self.limit)
        form.addRow("", self.flatten)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(_muted("MNIST and Fashion-MNIST come as IDX files: choose an images "
                                "file and the labels file of the same set."))
        for edit in (self.images, self.labels):
            edit.editingFinished.connect(self._emit)
        self.limit.valueChanged.connect(lambda _v: self._emit())
        self.flatten.toggled.connect(lambda _on: self._emit())
        self._shown: dict = {}

    def show_spec(self, spec: DatasetSpec) -> None:
        for widget in (self.images, self.labels, self.limit, self.flatten):
            widget.blockSignals(True)
        self.images.setText(str(spec.params.get("images", "")))
        self.labels.setText(str(spec.params.get("labels", "")))
        self.limit.setValue(int(spec.params.get("limit", 0) or 0))
        self.flatten.setChecked(bool(spec.params.get("flatten", False)))
        for widget in (self.images, self.labels, self.limit, self.flatten):
            widget.blockSignals(False)
        self._shown = self._params()

    def _params(self) -> dict:
        return {"images": self.images.text().strip(), "labels": self.labels.text().strip(),
                "limit": self.limit.value(), "flatten": self.flatten.isChecked()}

    def _emit(self) -> None:
        params = self._params()
        if params["images"] and params["labels"] and params != self._shown:
            self._shown = params
            self.changed.emit("idx", Path(params["images"]).name.split(".")[0], params)


class InlinePage(SourcePage):
    """Data typed into the network file itself (lessons with a handful of exact rows)."""

    def __init__(self, base_dir, parent: QWidget | None = None) -> None:
        super().__init__(base_dir, parent)
        self.label = _muted()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addStretch(1)

    def show_spec(self, spec: DatasetSpec) -> None:
        rows = spec.params.get("x", [])
        self.label.setText(f"'{spec.name}': {len(rows)} rows written in the network file itself. "
                           "Edit the file to change them, or choose another source.")


def _select(box: QComboBox, value) -> None:
    for i in range(box.count()):
        if box.itemData(i) == value:
            box.setCurrentIndex(i)
            return
