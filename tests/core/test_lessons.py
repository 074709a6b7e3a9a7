"""Lesson text is bounded and breakable; lesson images come only from the lesson's own folder."""

from __future__ import annotations

import base64
import os

import pytest

from core import lessons
from core.lessons import (LONG_WORD, MAX_TEXT_CHARS, ZERO_WIDTH_SPACE, LessonImageError,
                          display_markdown, read_image)

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/"
                       "iZk9HQAAAABJRU5ErkJggg==")  # 1x1, 70 bytes


def test_a_one_megabyte_word_is_cut_to_the_limit_and_breakable():
    shown = display_markdown("Title", "a" * 1_000_000)
    body = shown.split("\n\n")[1]
    assert body.replace(ZERO_WIDTH_SPACE, "") == "a" * MAX_TEXT_CHARS
    assert max(len(word) for word in body.replace(ZERO_WIDTH_SPACE, " ").split()) <= LONG_WORD
    assert "1,000,000 characters long; only the first 20,000 are shown" in shown


def test_ordinary_lessons_are_unchanged():
    text = "XOR is 1 when exactly one input is 1. [Read more](https://example.org/xor)."
    assert display_markdown("XOR", text) == f"### XOR\n\n{text}"
    assert display_markdown("", text) == text


def test_link_targets_and_urls_are_never_broken():
    target = "images/" + "x" * 200 + ".png"
    url = "https://example.org/" + "y" * 200
    shown = display_markdown("", f"![d]({target}) see {url}")
    assert f"({target})" in shown and url in shown


def test_embedded_images_do_not_count_as_text_but_oversize_ones_are_dropped(monkeypatch):
    small = "data:image/png;base64," + base64.b64encode(PNG).decode()
    text = f"![a]({small}) " + "b" * 10
    assert display_markdown("", text) == text
    monkeypatch.setattr(lessons, "MAX_IMAGE_BYTES", 10)
    assert "data:,too-large" in display_markdown("", text)


def test_a_long_title_is_shortened():
    assert len(display_markdown("t" * 10_000, "")) < 300


# ----- images ----------------------------------------------------------------------------------
def test_an_image_beside_the_lesson_is_read(tmp_path):
    (tmp_path / "pic.png").write_bytes(PNG)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pic.png").write_bytes(PNG)
    assert read_image("pic.png", tmp_path) == PNG
    assert read_image("sub/pic.png", tmp_path) == PNG
    assert read_image(str(tmp_path / "pic.png"), tmp_path) == PNG  # absolute, but inside


def test_a_device_is_refused_without_reading_it(tmp_path):
    with pytest.raises(LessonImageError, match="outside the lesson file's folder"):
        read_image("/dev/zero", tmp_path)
    os.symlink("/dev/zero", tmp_path / "zero.png")  # inside by name, a device in fact
    with pytest.raises(LessonImageError, match="outside"):
        read_image("zero.png", tmp_path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.png")
    with pytest.raises(LessonImageError, match="named pipe"):
        read_image("pipe.png", tmp_path)


def test_a_folder_is_named_as_a_folder(tmp_path):
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(LessonImageError, match="a folder"):
        read_image("dir.png", tmp_path)


def test_paths_leaving_the_folder_are_refused(tmp_path):
    lesson = tmp_path / "lesson"
    lesson.mkdir()
    (tmp_path / "secret.png").write_bytes(PNG)
    for name in ("../secret.png", str(tmp_path / "secret.png"), "~/secret.png",
                 "file://" + str(tmp_path / "secret.png")):
        with pytest.raises(LessonImageError, match="outside"):
            read_image(name, lesson)
    os.symlink(tmp_path / "secret.png", lesson / "link.png")
    with pytest.raises(LessonImageError, match="outside"):
        read_image("link.png", lesson)


def test_an_oversize_file_is_refused_before_reading(tmp_path):
    with open(tmp_path / "big.png", "wb") as handle:  # sparse: no disk space used
        handle.truncate(3 * lessons.MAX_IMAGE_BYTES)
    with pytest.raises(LessonImageError, match="more than 2,000,000"):
        read_image("big.png", tmp_path)
    (tmp_path / "pic.png").write_bytes(PNG)
    with pytest.raises(LessonImageError, match="more than 10"):
        read_image("pic.png", tmp_path, max_bytes=10)


def test_data_uris_are_decoded_with_the_cap():
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert read_image(uri, None) == PNG
    with pytest.raises(LessonImageError, match="larger than 10 bytes"):
        read_image(uri, None, max_bytes=10)
    with pytest.raises(LessonImageError, match="empty"):
        read_image("data:,", None)


def test_without_a_saved_file_only_embedded_images_show():
    with pytest.raises(LessonImageError, match="save the network first"):
        read_image("pic.png", None)


def test_remote_and_resource_urls_are_refused(tmp_path):
    for url in ("http://example.org/a.png", "qrc:/icons/a.png"):
        with pytest.raises(LessonImageError, match="beside the lesson"):
            read_image(url, tmp_path)
