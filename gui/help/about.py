"""Help ▸ About: the version and every dependency's licence, from package metadata.

The facts come from core.package_info (pyproject's version and dependency list, each package's
own declared licence); only the Qt runtime version is asked of Qt itself.
"""

from __future__ import annotations

import html
import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from core.package_info import app_version, dependencies, describe, DISTRIBUTION
from gui.help.texts import ABOUT, TITLES
from gui.style import ABOUT_MUTED_COLOR, HELP_TEXT_STYLE


def about_html() -> str:
    """The About text as rich text (also what the tests read)."""
    own = describe(DISTRIBUTION)
    rows = "".join(_row(d.name, d.version, d.licence, d.from_metadata) for d in dependencies())
    head = "".join(f"<th align='left'>{html.escape(c)}</th>" for c in ABOUT["columns"])
    qt = html.escape(ABOUT["qt_runtime"].format(version=qVersion()))
    python = html.escape(ABOUT["python"].format(version=platform.python_version()))
    return (f"<h2>{html.escape(ABOUT['heading'].format(version=app_version()))}</h2>"
            f"<p>{html.escape(ABOUT['tagline'])}</p>"
            f"<p>{html.escape(ABOUT['licence'].format(licence=own.licence or 'MIT'))}</p>"
            f"<h3>{html.escape(ABOUT['deps_heading'])}</h3>"
            f"<table cellpadding='3' cellspacing='0'><tr>{head}</tr>{rows}</table>"
            f"<p style='color:{ABOUT_MUTED_COLOR}'>{qt} · PySide6 {html.escape(pyside_version)}"
            f" · {python}</p>"
            f"<p style='color:{ABOUT_MUTED_COLOR}'>{html.escape(ABOUT['deps_note'])}</p>")


def _row(name: str, version: str, licence: str, from_metadata: bool) -> str:
    shown = html.escape(licence)
    if not from_metadata and licence:
        note = html.escape(ABOUT["fallback_note"])
        shown += f" <span style='color:{ABOUT_MUTED_COLOR}'>({note})</span>"
    version_text = html.escape(version) if version else html.escape(ABOUT["not_installed"])
    return (f"<tr><td valign='top'><b>{html.escape(name)}</b></td>"
            f"<td valign='top'>{version_text}</td><td valign='top'>{shown}</td></tr>")


class AboutDialog(QDialog):
    """A scrollable, selectable About box (a QMessageBox cannot scroll a long table)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(TITLES["about"])
        self.label = QLabel(about_html())
        self.label.setObjectName("about_text")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setStyleSheet(HELP_TEXT_STYLE)  # at the interface scale (gui/presentation.py)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.setOpenExternalLinks(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setContentsMargins(12, 8, 12, 8)
        area = QScrollArea()
        area.setWidget(self.label)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addWidget(buttons)
        self.resize(640, 600)

    def text(self) -> str:
        """The plain text shown (tests, and a quick copy)."""
        document = QTextDocument()
        document.setHtml(self.label.text())
        return document.toPlainText()
