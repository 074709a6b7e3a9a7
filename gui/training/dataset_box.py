"""Dataset choice: source, per-source options, validation split, scaling, and a preview.

Every completed change is ONE undoable `document.set_dataset(spec)`; the widgets are refreshed
from the document (so undo/redo and opening a file update them). The preview reads CSV and IDX
files in a background thread and built-in lessons directly (they take milliseconds).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QSizePolicy,
                               QSpinBox, QVBoxLayout, QWidget)

from core.settings import SCALINGS, DatasetSpec, SettingsError
from gui.data_access import data_guard, outside_message
from gui.document import Document
from gui.style import ERROR_TEXT_STYLE, MUTED_STYLE
from gui.training.widgets import PageStack, compact_combo
from gui.training.data_loader import BackgroundJobs, is_slow, load_preview
from gui.training.dataset_sources import BuiltinPage, CsvPage, IdxPage, InlinePage
from gui.training.preview import DatasetPreview

SOURCE_TITLES = {"builtin": "Built-in lesson", "csv": "CSV file", "idx": "IDX files (MNIST)",
                 "inline": "Table in the network file"}
SCALING_TITLES = {"none": "None (raw values)", "standard": "Standardise (mean 0, std 1)",
                  "minmax": "Min-max (0 to 1)"}


class DatasetBox(QWidget):
    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.guard = data_guard(document)  # now: it takes the opened file's data paths as they are
        self._asking = False
        self.jobs = BackgroundJobs(self)
        self.source = compact_combo()
        for value, title in SOURCE_TITLES.items():
            self.source.addItem(title, value)
        self.pages = {
            "builtin": BuiltinPage(self.base_dir),
            "csv": CsvPage(self.base_dir, self.jobs),
            "idx": IdxPage(self.base_dir),
            "inline": InlinePage(self.base_dir),
        }
        self.stack = PageStack()
        for page in self.pages.values():
            self.stack.addWidget(page)
            page.changed.connect(self._on_page_changed)
        self._build_common()
        self.preview = DatasetPreview()
        self._lay_out()
        self._connect()
        self.refresh()

    def _build_common(self) -> None:
        """Split, scaling and seed apply to every source; hint and error labels."""
        self.split = QDoubleSpinBox(keyboardTracking=False, suffix=" %", decimals=0)
        self.split.setRange(0, 90)
        self.split.setSingleStep(5)
        self.split.setToolTip("Share of the samples kept aside to check the network on data it "
                              "never trained on.")
        self.scaling = compact_combo()
        for value in SCALINGS:
            self.scaling.addItem(SCALING_TITLES.get(value, value), value)
        self.scaling.setToolTip("Input scaling, fitted on the training samples only.")
        self.split_seed = QSpinBox(keyboardTracking=False)
        self.split_seed.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.split_seed.setMinimumWidth(60)
        self.split_seed.setRange(0, 2**31 - 1)
        self.split_seed.setToolTip("Which samples go to validation (and the default data seed).")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(MUTED_STYLE)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_TEXT_STYLE)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Source", self.source)
        common = QFormLayout()
        common.addRow("Validation", self.split)
        common.addRow("Scaling", self.scaling)
        common.addRow("Split seed", self.split_seed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.stack)
        layout.addWidget(self.hint)
        layout.addLayout(common)
        layout.addWidget(self.error)
        layout.addWidget(self.preview, 1)

    def _connect(self) -> None:
        doc = self.document
        doc.network_changed.connect(lambda field: self.refresh() if field == "dataset" else None)
        doc.document_replaced.connect(self.refresh)
        doc.path_changed.connect(lambda _p: self._load_preview())
        self.source.activated.connect(lambda _i: self._on_source_chosen())
        self.split.valueChanged.connect(lambda v: self._commit(validation_split=round(v / 100, 4)))
        self.scaling.activated.connect(lambda _i: self._commit(scaling=self.scaling.currentData()))
        self.split_seed.valueChanged.connect(lambda v: self._commit(seed=int(v)))
        self.jobs.finished.connect(self._on_job)

    def base_dir(self) -> Path | None:
        path = self.document.path
        return Path(path).resolve().parent if path else None

    # ----- edits -------------------------------------------------------------------------
    def _on_source_chosen(self) -> None:
        """Show the page; the document changes once the page has a complete choice."""
        source = self.source.currentData()
        self.stack.setCurrentWidget(self.pages[source])
        current = self.document.network.dataset
        if source == current.source:
            self.hint.clear()
        elif source == "builtin":
            self._on_page_changed("builtin", self.pages["builtin"].combo.currentData(), {})
        else:
            self.hint.setText("Choose the file(s) above to use them; until then the network "
                              f"keeps training on '{current.name}'.")

    def _on_page_changed(self, source: str, name: str, params: dict) -> None:
        spec = self.document.network.dataset
        self._set(replace(spec, source=source, name=name, params=dict(params)))

    def _commit(self, **changes) -> None:
        try:
            spec = replace(self.document.network.dataset, **changes)
        except SettingsError as exc:
            self.error.setText(str(exc))
            self.refresh()
            return
        self._set(spec)

    def _set(self, spec: DatasetSpec) -> None:
        self.error.clear()
        self.hint.clear()
        self.document.set_dataset(spec)  # refresh() follows through network_changed

    # ----- model -> widgets --------------------------------------------------------------
    def refresh(self) -> None:
        spec = self.document.network.dataset
        widgets = (self.source, self.split, self.scaling, self.split_seed)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            _select(self.source, spec.source)
            self.split.setValue(spec.validation_split * 100)
            _select(self.scaling, spec.scaling)
            self.split_seed.setValue(min(spec.seed, 2**31 - 1))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        page = self.pages[spec.source]
        page.show_spec(spec)
        self.stack.setCurrentWidget(page)
        self.source.model().item(self.source.findData("inline")).setEnabled(spec.source == "inline")
        self.hint.clear()
        self._load_preview()

    def _load_preview(self) -> None:
        spec, base = self.document.network.dataset, self.base_dir()
        needed = self.guard.unapproved(spec, base)
        if needed:  # data outside the file's folder: ask first (after the open has finished)
            self.jobs.cancel("preview")
            self.preview.show_message(outside_message(needed), error=True)
            if not self._asking and not self.guard.was_refused(spec, base):
                self._asking = True
                QTimer.singleShot(0, self._ask_outside)
            return
        if is_slow(spec):
            self.preview.show_message("Reading the data…")
        # Built-ins take milliseconds, but the first one may import scikit-learn (a second):
        # every read goes to the background thread.
        self.jobs.submit("preview", lambda: (spec, load_preview(spec, base)))

    def _ask_outside(self) -> None:
        self._asking = False
        spec, base = self.document.network.dataset, self.base_dir()
        if self.guard.unapproved(spec, base) and self.guard.allowed(spec, base, self):
            self._load_preview()

    def _on_job(self, key: str, result, error: str) -> None:
        if key != "preview":
            return
        if error:
            self.preview.show_message(error, error=True)
            return
        spec, raw = result
        self.preview.show_data(raw, spec)


def _select(box: QComboBox, value) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)
