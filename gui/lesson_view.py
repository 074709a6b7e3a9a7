"""The lesson text of a network: Markdown in a read-only browser that a hostile file cannot hang.

`core.lessons` bounds the text and decides which images may be read; this widget adds what only
Qt can do: it wraps anywhere when a word is still too wide, decodes images with a pixel cap, and
answers *every* resource request itself. That last point matters: when a QTextBrowser's
``loadResource`` returns nothing, QTextDocument falls back to reading the named file on its own,
so refusing by returning None would still read /dev/zero. Refused images are drawn as a small
"image not shown" box and listed in ``refusals`` (and the tooltip) with the reason.
Links open in the system browser for http(s)/mailto only; the lesson never navigates to files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QUrl, Qt
from PySide6.QtGui import QDesktopServices, QImage, QImageReader, QPainter, QTextDocument, QTextOption
from PySide6.QtWidgets import QTextBrowser, QWidget

from core.lessons import LessonImageError, display_markdown, read_image
from core.network import Lesson

MAX_IMAGE_PIXELS = 4096 * 4096
EXTERNAL_SCHEMES = ("http", "https", "mailto")
NO_LESSON = "*This network has no lesson text.*"


class LessonView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(_open_external)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.folder: Path | None = None
        self.refusals: list[str] = []
        self._source: tuple[str, str] | None = ("", "")  # (title, text) shown; None: no lesson

    def show_lesson(self, lesson: Lesson | None, file_path: str | None) -> None:
        """Show ``lesson``; its images are read from the folder of ``file_path`` only."""
        folder = Path(file_path).resolve().parent if file_path else None
        source = (lesson.title, lesson.text) if lesson and (lesson.title or lesson.text) else None
        if source == self._source and folder == self.folder:
            return  # the panel refreshes on every edit: do not lay the same text out again
        self.folder, self._source, self.refusals = folder, source, []
        markdown = display_markdown(*source) if source else NO_LESSON
        self.setToolTip("")
        self.document().clear()  # also empties the document's resource cache
        self.setMarkdown(markdown)

    def loadResource(self, kind: int, name: QUrl) -> object:  # noqa: N802 (Qt override)
        """Images by our rules; nothing else is ever loaded (see the module docstring)."""
        if kind != QTextDocument.ResourceType.ImageResource.value:
            return QByteArray()
        try:
            return _decode(read_image(_url_text(name), self.folder))
        except LessonImageError as exc:
            self._refuse(str(exc))
            return self._placeholder()

    def _refuse(self, reason: str) -> None:
        if reason not in self.refusals:
            self.refusals.append(reason)
            self.setToolTip("\n".join(self.refusals))

    def _placeholder(self) -> QImage:
        image = QImage(210, 28, QImage.Format.Format_ARGB32)
        image.fill(self.palette().alternateBase().color())
        painter = QPainter(image)
        painter.setPen(self.palette().placeholderText().color())
        painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
        painter.drawText(QRect(0, 0, image.width(), image.height()),
                         Qt.AlignmentFlag.AlignCenter, "image not shown (see tooltip)")
        painter.end()
        return image


def _url_text(url: QUrl) -> str:
    """What core.lessons.read_image expects: a data: URI whole, a path decoded."""
    scheme = url.scheme().lower()
    if scheme == "data":
        return bytes(url.toEncoded().data()).decode("ascii", "replace")
    if scheme == "file":
        return url.toLocalFile()
    if scheme and len(scheme) > 1:
        return url.toString()
    return url.toString(QUrl.ComponentFormattingOption.PrettyDecoded)


def _decode(data: bytes) -> QImage:
    """An image from bytes, refusing pictures whose header promises too many pixels (a small
    PNG can unpack to gigabytes)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() > MAX_IMAGE_PIXELS:
        raise LessonImageError("An image is not shown: it is not an image Qt can read, or it "
                               f"has more than {MAX_IMAGE_PIXELS:,} pixels.")
    image = reader.read()
    if image.isNull():
        raise LessonImageError(f"An image is not shown: {reader.errorString()}.")
    return image


def _open_external(url: QUrl) -> None:
    if url.scheme().lower() in EXTERNAL_SCHEMES:
        QDesktopServices.openUrl(url)
