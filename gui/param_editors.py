"""One typed editor per ParamSpec: the schema decides the widget, its range and its help text.

Layer parameters (properties panel), dataset generator parameters and training settings (the
settings form) all get their widgets here, so a widget's range is always its ParamSpec's range
(tests/gui/test_training_panel.py checks every one). Editors emit ``committed(name, value)`` once
per finished edit (spin boxes without keyboard tracking, so typing "128" is one change, not three),
``refused(name, message)`` for text that is not a value at all, and show refused values in red
under the field. They never touch the model: the panel turns a commit into an undo command.

Numbers follow the locale's convention everywhere (a French desktop shows "0,05" in the spin boxes
and the learning-rate list alike) and both separators are accepted when typing: "." and "," both
mean the decimal point, since these fields never group thousands. Files store JSON numbers: the
value committed is a float, whatever was typed.
"""

from __future__ import annotations

import math
import re
from typing import Any

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox, QLabel,
                               QLineEdit, QSizePolicy, QSpinBox, QWidget)

from core.layers import ParamSpec
from gui.style import ERROR_TEXT_STYLE

INT_LIMIT = 2**31 - 1  # what a QSpinBox holds; larger ranges (seeds) use a 0-decimal double box
FLOAT_LIMIT = 1e9


_DECIMAL = re.compile(r"(\d)\.(\d)")
_LIST_COMMA = re.compile(r"(?<=[\d\])]), (?=[−\-\d\[(])")  # '[0.5, 1]': a comma between numbers


def decimal_point(locale: QLocale | None = None) -> str:
    return (locale or QLocale()).decimalPoint()


def localized_numbers(text: str, locale: QLocale | None = None) -> str:
    """``text`` with each decimal point between two digits written as the locale writes it:
    'η = 0.05' -> 'η = 0,05' and '[0.5, 1]' -> '[0,5; 1]' on a French desktop (core writes
    numbers with '.')."""
    point = decimal_point(locale)
    if point == ".":
        return text
    if point == ",":  # '[0,5, 1]' would read as three numbers: lists take ';' as French does
        text = _LIST_COMMA.sub("; ", text)
    return _DECIMAL.sub(lambda m: f"{m[1]}{point}{m[2]}", text)


def as_decimal_point(text: str, point: str) -> str:
    """What was typed, with either separator read as the decimal point ``point``."""
    other = "," if point == "." else "."
    return text.replace(other, point).replace("−", "-")


class DecimalSpinBox(QDoubleSpinBox):
    """A double spin box in the locale's convention that also takes the other separator: on a
    French desktop '0.5' becomes 0,5 as it is typed, on an English one '0,5' becomes 0.5."""

    def validate(self, text: str, pos: int):
        return super().validate(as_decimal_point(text, self.locale().decimalPoint()), pos)

    def valueFromText(self, text: str) -> float:  # noqa: N802
        return super().valueFromText(as_decimal_point(text, self.locale().decimalPoint()))


class WheelGuard(QObject):
    """The mouse wheel changes a combo or spin box only once the user has clicked or tabbed into
    it; otherwise the wheel scrolls the panel under the pointer, as the user meant. Without it,
    scrolling a form past a field silently edits the field (a learning rate, the quantity being
    checked)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) \
                and not watched.hasFocus():
            event.ignore()  # handed on to the parent: the scroll area scrolls
            return True
        return False


_WHEEL_GUARD: list[WheelGuard] = []


def guard_wheel(widget: QWidget) -> QWidget:
    """Focus by click or Tab only, and the wheel edits only a focused ``widget`` (see WheelGuard)."""
    if not _WHEEL_GUARD:
        _WHEEL_GUARD.append(WheelGuard())
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_WHEEL_GUARD[0])
    return widget


class ParamEditor(QObject):
    committed = Signal(str, object)
    refused = Signal(str, str)  # name, message: the text typed is not a number at all

    def __init__(self, param: ParamSpec, parent: QObject | None = None, titled: bool = False,
                 inline_label: bool = False) -> None:
        """``titled``: choices show their titles (the settings form); ``inline_label``: a check
        box carries the label itself, for a form row without a label of its own."""
        super().__init__(parent)
        self.param = param
        self.titled = titled
        self.inline_label = inline_label
        self.widget = self._make_widget()
        if isinstance(self.widget, (QComboBox, QAbstractSpinBox)):
            guard_wheel(self.widget)
        self.widget.setToolTip(param.help)
        self.widget.setObjectName(f"param_{param.name}")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_TEXT_STYLE)
        self.error_label.hide()

    # ----- widgets per kind --------------------------------------------------------------
    def _make_widget(self) -> QWidget:
        if self.param.presets:
            return self._preset_combo()
        return {"int": self._int_box, "float": self._float_box, "bool": self._check_box,
                "choice": self._combo_box, "shape": self._shape_edit}[self.param.kind]()

    def _int_box(self) -> QSpinBox | QDoubleSpinBox:
        low, high = _bound(self.param.minimum, -INT_LIMIT), _bound(self.param.maximum, INT_LIMIT)
        if -INT_LIMIT <= low and high <= INT_LIMIT:
            box = QSpinBox(keyboardTracking=False)
            box.setRange(int(low), int(high))
            box.valueChanged.connect(self._commit)
        else:  # doubles hold whole numbers exactly up to 2^53: the seed's full 32-bit range
            box = QDoubleSpinBox(keyboardTracking=False, decimals=0)
            box.setRange(low, high)
            box.valueChanged.connect(lambda value: self._commit(int(value)))
        return self._decorate(box)

    def _float_box(self) -> QDoubleSpinBox:
        low, high = _bound(self.param.minimum, -FLOAT_LIMIT), _bound(self.param.maximum, FLOAT_LIMIT)
        decimals = self.param.decimals if self.param.decimals is not None \
            else (3 if high <= 10 else 4)
        box = DecimalSpinBox(keyboardTracking=False)
        box.setDecimals(decimals)
        box.setSingleStep(self.param.step or (0.05 if high <= 1 else 0.1))
        if self.param.open_minimum:  # the smallest value the box can show above the minimum
            low += 10.0 ** -decimals
        box.setRange(low, high)
        box.valueChanged.connect(self._commit)
        return self._decorate(box)

    def _decorate(self, box):
        if self.param.special:
            box.setSpecialValueText(self.param.special)
        if self.param.suffix:
            box.setSuffix(self.param.suffix)
        if self.titled:  # the settings form: spin boxes size for their largest value otherwise
            box.setMinimumWidth(60)
            box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        return box

    def _check_box(self) -> QCheckBox:
        box = QCheckBox(self.param.label if self.inline_label else "")
        box.toggled.connect(lambda on: self._commit(bool(on)))
        return box

    def _combo_box(self) -> QComboBox:
        box = self._combo()
        for choice in self.param.choices:
            box.addItem(self.param.title_of(choice) if self.titled else choice, choice)
            box.setItemData(box.count() - 1, self.param.title_of(choice),
                            Qt.ItemDataRole.ToolTipRole)
        box.currentIndexChanged.connect(lambda _i: self._commit(box.currentData()))
        return box

    def _combo(self, editable: bool = False) -> QComboBox:
        box = QComboBox()
        box.setEditable(editable)
        if self.titled:  # a narrow dock must not be widened by the longest title
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        return box

    def _preset_combo(self) -> QComboBox:
        """Suggested values to pick, or any value to type (a learning rate of 0.0042)."""
        box = self._combo(editable=True)
        box.addItems([localized_numbers(p, box.locale()) for p in self.param.presets])
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.activated.connect(lambda _i: self._commit_text(box.currentText()))
        box.lineEdit().editingFinished.connect(lambda: self._commit_text(box.currentText()))
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
            if self.param.presets:
                self.widget.setCurrentText(localized_numbers(f"{value:g}", self.widget.locale()))
            elif self.param.kind in ("int", "float"):
                self.widget.setValue(value)
            elif self.param.kind == "bool":
                self.widget.setChecked(bool(value))
            elif self.param.kind == "choice":
                self.widget.setCurrentIndex(max(self.widget.findData(str(value)), 0))
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

    def _commit_text(self, text: str) -> None:
        value = _parse_number(text)
        if value is None:
            message = f"{self.param.label}: '{text.strip()}' is not a number"
            self.show_error(message)
            self.refused.emit(self.param.name, message)
            return
        self._commit(value)


def _parse_number(text: str) -> float | None:
    """What people type: '0.3', '0,3', ' 1e-4 '. None when it is not a finite number."""
    try:
        value = float(text.strip().replace("−", "-").replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _bound(value: float | None, default: float) -> float:
    return default if value is None else value


def _shape_text(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "x".join(str(v) for v in value)
    return str(value)
