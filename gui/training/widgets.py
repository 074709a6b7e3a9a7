"""Small widget helpers shared by the panel's forms."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget


def compact_combo(editable: bool = False) -> QComboBox:
    """A combo box whose width does not grow with its longest item, so a narrow dock never
    clips the form it sits in (the popup still shows whole items)."""
    box = QComboBox()
    box.setEditable(editable)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(8)
    return box


class PageStack(QWidget):
    """Pages of which one is shown: hidden pages take no room in a layout, so the box is as tall
    as the page shown (a QStackedWidget keeps the tallest page's height, leaving gaps or
    squeezing word-wrapped text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._pages: list[QWidget] = []
        self._current: QWidget | None = None

    def addWidget(self, page: QWidget) -> None:  # noqa: N802 (QStackedWidget's name)
        self._pages.append(page)
        self._layout.addWidget(page)
        if self._current is None:
            self._current = page
        page.setVisible(page is self._current)

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802
        self._current = page
        for other in self._pages:
            other.setVisible(other is page)

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self._current
