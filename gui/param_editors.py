"""One typed editor per ParamSpec: the schema decides the widget, its range and its help text.

Editors emit ``committed(name, value)`` once per finished edit (spin boxes without keyboard
tracking, so typing "128" is one change, not three) and show refused values in red under the
field. They never touch the model: the properties panel turns a commit into an undo command.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QLineEdit, QSpinBox,
                               QWidget)

from core.layers import ParamSpec

INT_LIMIT = 2**31 - 1


class ParamEditor(QObject):
    committed = Signal(str, object)

    def __init__(self, param: ParamSpec, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.param = param
        self.widget = self._make_widget()
        self.widget.setToolTip(param.help)
        self.widget.setObjectName(f"param_{param.name}")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #d32f2f;")
        self.error_label.hide()

    # ----- widgets per kind --------------------------------------------------------------
    def _make_widget(self) -> QWidget:
        return {"int": self._int_box, "float": self._float_box, "bool": self._check_box,
                "choice": self._combo_box, "shape": self._shape_edit}[self.param.kind]()

    def _int_box(self) -> QSpinBox:
        box = QSpinBox(keyboardTracking=False)
        box.setRange(int(_bound(self.param.minimum, -INT_LIMIT)),
                     int(_bound(self.param.maximum, INT_LIMIT)))
        box.valueChanged.connect(self._commit)
        return box

    def _float_box(self) -> QDoubleSpinBox:
        box = QDoubleSpinBox(keyboardTracking=False)
        low, high = _bound(self.param.minimum, -1e9), _bound(self.param.maximum, 1e9)
        box.setDecimals(3 if high <= 10 else 4)
        box.setSingleStep(0.05 if high <= 1 else 0.1)
        box.setRange(low, high)
        box.valueChanged.connect(self._commit)
        return box

    def _check_box(self) -> QCheckBox:
        box = QCheckBox()
        box.toggled.connect(self._commit)
        return box

    def _combo_box(self) -> QComboBox:
        box = QComboBox()
        box.addItems(list(self.param.choices))
        box.currentTextChanged.connect(self._commit)
        return box

    def _shape_edit(self) -> QLineEdit:
        edit = QLineEdit(placeholderText="e.g. 2 or 1x8x8")
        edit.editingFinished.connect(lambda: self._commit(edit.text()))
        return edit

    # ----- values ------------------------------------------------------------------------
    def set_value(self, value: Any) -> None:
        """Show the model's value without emitting a commit."""
        self.widget.blockSignals(True)
        try:
            if self.param.kind in ("int", "float"):
                self.widget.setValue(value)
            elif self.param.kind == "bool":
                self.widget.setChecked(bool(value))
            elif self.param.kind == "choice":
                self.widget.setCurrentText(str(value))
            else:
                self.widget.setText(_shape_text(value))
        finally:
            self.widget.blockSignals(False)
        self.show_error(None)

    def show_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def _commit(self, value: Any) -> None:
        self.committed.emit(self.param.name, value)


def _bound(value: float | None, default: float) -> float:
    return default if value is None else value


def _shape_text(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "x".join(str(v) for v in value)
    return str(value)
