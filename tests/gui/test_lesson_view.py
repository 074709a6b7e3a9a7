"""The lesson panel opens any lesson at once and reads images only from the lesson's folder."""

from __future__ import annotations

import base64
import json
import os

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import QApplication

from core import lessons
from core.lessons import MAX_TEXT_CHARS, ZERO_WIDTH_SPACE
from gui.lesson_view import LessonView

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/"
                       "iZk9HQAAAABJRU5ErkJggg==")  # 1x1, 70 bytes
DATA_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()


def write_lesson(folder, text: str, title: str = "Lesson"):
    path = folder / "lesson.json"
    path.write_text(json.dumps({
        "format": "neurocanvas-network", "version": 1, "name": "L",
        "lesson": {"title": title, "text": text},
        "layers": [{"id": "x", "type": "Input", "params": {"shape": [2]}}],
        "connections": []}), encoding="utf-8")
    return path


def lesson_view(window) -> LessonView:
    window.properties.show_layer(None)
    return window.properties.network_page.lesson


def test_a_one_megabyte_one_word_lesson_opens_bounded_and_wrapping(window, tmp_path):
    path = write_lesson(tmp_path, "a" * 1_000_000)
    assert window.file_actions.open_path(str(path), ask=False)
    QApplication.processEvents()
    view = lesson_view(window)
    shown = view.toPlainText()
    assert len(shown) < MAX_TEXT_CHARS + 500
    assert shown.replace(ZERO_WIDTH_SPACE, "").count("a" * 100) > 0
    assert "only the first 20,000 are shown" in shown
    assert view.wordWrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
    assert view.horizontalScrollBar().maximum() == 0  # wrapped, not one endless line


def images_lesson(tmp_path):
    lesson_dir = tmp_path / "lesson"
    lesson_dir.mkdir()
    os.mkfifo(lesson_dir / "pipe.png")
    (tmp_path / "outside.png").write_bytes(PNG)
    (lesson_dir / "big.png").write_bytes(PNG * 20)
    (lesson_dir / "ok.png").write_bytes(PNG)
    text = ("![zero](/dev/zero) ![pipe](pipe.png) ![out](../outside.png) ![big](big.png) "
            f"![ok](ok.png) ![embedded]({DATA_URI})")
    return write_lesson(lesson_dir, text)


def test_images_only_from_the_lesson_folder_capped(window, tmp_path, monkeypatch):
    monkeypatch.setattr(lessons, "MAX_IMAGE_BYTES", len(PNG) * 5)
    path = images_lesson(tmp_path)
    assert window.file_actions.open_path(str(path), ask=False)  # neither aborts nor hangs
    view = lesson_view(window)
    view.grab()  # lay out and paint: every image is requested now
    refusals = "\n".join(view.refusals)
    assert "'/dev/zero' is not shown: it is outside" in refusals
    assert "'pipe.png' is not shown: it is a named pipe (FIFO)" in refusals
    assert "'../outside.png' is not shown: it is outside" in refusals
    assert "'big.png' is not shown: it is 1,400 bytes, more than 350" in refusals
    assert len(view.refusals) == 4 and view.toolTip() == "\n".join(view.refusals)
    for name in ("ok.png", DATA_URI):
        image = view.document().resource(QTextDocument.ResourceType.ImageResource.value, name)
        assert image is not None and image.width() == 1, name


def test_links_to_files_do_not_navigate(window, tmp_path):
    path = write_lesson(tmp_path, "[secret](/etc/passwd) and [site](https://example.org)")
    window.file_actions.open_path(str(path), ask=False)
    view = lesson_view(window)
    before = view.toPlainText()
    view.anchorClicked.emit(QUrl("/etc/passwd"))
    assert view.toPlainText() == before and view.openLinks() is False
