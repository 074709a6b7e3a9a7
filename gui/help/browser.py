"""The help window: one non-modal dialog with a QTextBrowser that renders Markdown.

Non-modal so a learner can keep the guide open beside the canvas while following it; one window
for every topic (the Help menu and F1 replace its page) so help never piles up in windows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from gui.help.texts import TITLES
from gui.style import HELP_TEXT_STYLE, ui_scale

PREFERRED_SIZE = (760, 680)  # px at the desktop size: about 90 characters a line, a page of text
SCREEN_SHARE = 0.85  # never more of the screen than this


class HelpBrowser(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_browser")
        self.setWindowTitle(TITLES["browser"])
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setObjectName("help_text")
        self.browser.setOpenExternalLinks(True)
        self.browser.setStyleSheet(HELP_TEXT_STYLE)  # at the interface scale (gui/presentation.py)
        self.browser.document().setDocumentMargin(14)
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.topic = ""
        self._fit_to_screen()

    def show_markdown(self, topic: str, title: str, markdown: str,
                      base_folder: Path | None = None) -> None:
        """Show ``markdown`` (relative links and images resolve against ``base_folder``)."""
        self.topic = topic
        self.setWindowTitle(f"{title} — {TITLES['browser']}")
        self.browser.setSearchPaths([str(base_folder)] if base_folder else [])
        if base_folder is not None:
            self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(base_folder) + "/"))
        self.browser.setMarkdown(markdown)
        self.browser.verticalScrollBar().setValue(0)
        self.show()
        self.raise_()
        self.activateWindow()

    def text(self) -> str:
        return self.browser.toPlainText()

    def _fit_to_screen(self) -> None:
        screen = (self.parentWidget().screen() if self.parentWidget() else None) \
            or QGuiApplication.primaryScreen()
        width, height = (round(side * ui_scale()) for side in PREFERRED_SIZE)  # as its text
        if screen is not None:
            area = screen.availableGeometry()
            width = min(width, int(area.width() * SCREEN_SHARE))
            height = min(height, int(area.height() * SCREEN_SHARE))
        self.resize(width, height)
