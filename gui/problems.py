"""The Problems list: every validation problem, whole-network ones included.

Clicking a problem that names a layer asks the window to select and centre that layer, so the
learner goes from "what is wrong" to "where" in one click.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from core.display_names import name_from
from core.validation import ValidationReport
from gui.icons import dot_icon
from gui.style import ERROR_COLOR, MUTED_COLOR, VALID_COLOR, WARNING_COLOR

NODE_ROLE = Qt.ItemDataRole.UserRole


class ProblemsPanel(QListWidget):
    layer_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.itemClicked.connect(self._on_item)
        self.itemActivated.connect(self._on_item)

    def show_report(self, report: ValidationReport) -> None:
        self.clear()
        for problem in sorted(report.problems, key=lambda p: p.severity != "error"):
            color = ERROR_COLOR if problem.severity == "error" else WARNING_COLOR
            # the prefix names the layer as its card does; the message gives the id alongside
            name = name_from(report.labels, problem.node, with_id=False) if problem.node else ""
            item = QListWidgetItem(dot_icon(color), f"[{name}] {problem.message}" if name
                                   else problem.message)
            item.setData(NODE_ROLE, problem.node)
            item.setToolTip(problem.message if not problem.node else
                            f"{problem.message}\n\nClick to show "
                            f"{name_from(report.labels, problem.node, quoted=True)}.")
            self.addItem(item)
        if not report.problems:
            item = QListWidgetItem(dot_icon(VALID_COLOR), f"No problems. {report.summary()}.")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setForeground(MUTED_COLOR)
            self.addItem(item)

    def problem_texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())
                if self.item(i).data(NODE_ROLE) is not None or "No problems" not in self.item(i).text()]

    def _on_item(self, item: QListWidgetItem) -> None:
        node = item.data(NODE_ROLE)
        if node:
            self.layer_activated.emit(node)
