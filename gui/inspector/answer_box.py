"""'Check my answer': pick a quantity of the selected neuron, type your number, get a verdict.

The verdict (and the hint when the number is off) comes from the Qt-free `answers` module; this
widget only collects the input and shows the text. No dialogs: everything happens inline. The
verdict has room for two lines before it is shown (the box does not jump when it appears) and
grows with a longer hint; the panel keeps the box outside its scrolled parts so it is never cut.
The wheel changes the quantity only once the user has clicked into the list, and a typed answer
belongs to one stage of one document: `clear_answer` forgets it. Numbers are shown in the
locale's convention and typed with either separator.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from core.inspection.answers import (DEFAULT_ATOL, DEFAULT_RTOL, Quantity, Verdict, check,
                                   parse_number)
from gui.param_editors import guard_wheel, localized_numbers
from gui.style import ERROR_TEXT_STYLE, GOOD_TEXT_STYLE

GOOD_STYLE = GOOD_TEXT_STYLE
BAD_STYLE = ERROR_TEXT_STYLE


class AnswerBox(QGroupBox):
    answered = Signal(object)  # Verdict
    reveal_requested = Signal()
    hide_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Check my answer", parent)
        self.rtol, self.atol = DEFAULT_RTOL, DEFAULT_ATOL
        self.quantities: list[Quantity] = []
        self.facts = None
        self.hide_check = QCheckBox("Hide values until I answer")
        self.hide_check.setToolTip("Work each stage out by hand first: its results stay hidden "
                                   "until you check an answer or press Reveal")
        self.hide_check.toggled.connect(self.hide_toggled)
        self.quantity_combo = QComboBox()
        self.quantity_combo.setMinimumContentsLength(10)
        guard_wheel(self.quantity_combo)
        self.answer_edit = QLineEdit(placeholderText="your value")
        self.answer_edit.returnPressed.connect(self.check_answer)
        self.check_button = QPushButton("Check")
        self.check_button.clicked.connect(self.check_answer)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.clicked.connect(self.reveal_requested)
        self.verdict_label = QLabel(wordWrap=True)
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout()
        self.set_tolerance(DEFAULT_RTOL, DEFAULT_ATOL)
        self.set_quantities([], None)

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.quantity_combo, 2)
        row.addWidget(self.answer_edit, 2)
        row.addWidget(self.check_button)
        row.addWidget(self.reveal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.hide_check)
        layout.addLayout(row)
        layout.addWidget(self.verdict_label)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._reserve_verdict_room()

    def showEvent(self, event) -> None:  # noqa: N802
        self._reserve_verdict_room()
        super().showEvent(event)

    def _reserve_verdict_room(self) -> None:
        """Two lines for the verdict whether or not one is shown: the box keeps its height."""
        self.verdict_label.setMinimumHeight(2 * self.verdict_label.fontMetrics().lineSpacing())

    def set_tolerance(self, rtol: float, atol: float) -> None:
        """An answer matches when |yours − traced| ≤ max(atol, rtol·|traced|)."""
        self.rtol, self.atol = rtol, atol
        self.check_button.setToolTip(localized_numbers(
            f"Matches when within {rtol:g} relative or {atol:g} absolute of the traced value"))

    def set_quantities(self, quantities: list[Quantity], facts) -> None:
        """Offer this stage's quantities; keep the chosen one when it is offered again."""
        previous = self.quantity_combo.currentData()
        self.quantities, self.facts = quantities, facts
        self.quantity_combo.blockSignals(True)
        self.quantity_combo.clear()
        for q in quantities:
            self.quantity_combo.addItem(q.label, q.key)
        index = self.quantity_combo.findData(previous)
        self.quantity_combo.setCurrentIndex(max(0, index))
        self.quantity_combo.blockSignals(False)
        enabled = bool(quantities)
        for widget in (self.quantity_combo, self.answer_edit, self.check_button):
            widget.setEnabled(enabled)
        self.answer_edit.setPlaceholderText("your value" if enabled else "nothing to check here")
        self.verdict_label.setVisible(enabled)  # its two reserved lines go to the tensors
        self.verdict_label.clear()

    def clear_answer(self) -> None:
        """Another stage or another document: the number typed for the last one is not an answer
        to this one."""
        self.answer_edit.clear()
        self.verdict_label.clear()

    def select_quantity(self, key: str) -> bool:
        index = self.quantity_combo.findData(key)
        if index >= 0:
            self.quantity_combo.setCurrentIndex(index)
        return index >= 0

    def check_answer(self) -> Verdict | None:
        index = self.quantity_combo.currentIndex()
        if not self.quantities or index < 0:
            return None
        user = parse_number(self.answer_edit.text())
        if user is None:
            self._show(localized_numbers("Type a number, e.g. 0.25 or −1.5 (with a point or "
                                         "a comma)."), BAD_STYLE)
            return None
        verdict = check(self.quantities[index], user, self.facts, self.rtol, self.atol)
        self._show(verdict.message, GOOD_STYLE if verdict.correct else BAD_STYLE)
        self.answered.emit(verdict)
        return verdict

    def _show(self, text: str, style: str) -> None:
        self.verdict_label.setStyleSheet(style)
        self.verdict_label.setText(localized_numbers(text))
