"""Showing a lesson safely: bounded, wrappable text and images that stay inside the lesson's folder.

A lesson is text a file brings with it, so it is as untrusted as the rest of the file:

* Qt lays out an unbroken word in time that grows with the square of its length (a one-word lesson
  of 1 MB froze the window for minutes). `display_markdown` keeps at most `MAX_TEXT_CHARS` of text
  and gives every run of more than `LONG_WORD` letters a break opportunity (a zero-width space),
  leaving link targets and embedded images alone, so any lesson lays out in milliseconds.
* An image named in a lesson was read from anywhere: ``![d](/dev/zero)`` exhausted memory and an
  image pointing at a named pipe hung the window. `read_image` accepts only embedded ``data:``
  images and regular files inside the lesson file's own folder, each at most `MAX_IMAGE_BYTES`.

Pure standard library (plus core.regular_files), so it is tested without a display.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from core.regular_files import NotRegularFileError, is_inside, open_regular, size_of

MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 20_000  # visible text; the shipped lessons have about 250
MAX_IMAGE_BYTES = 2_000_000  # per image, file or embedded
MAX_EMBEDDED_CHARS = 8_000_000  # all data: images of one lesson together (base64 text)
LONG_WORD = 80  # letters without a break opportunity before one is added
ZERO_WIDTH_SPACE = "\u200b"

# Embedded images are kept whole (they are not visible text); link targets and tags are kept
# unbroken because a zero-width space inside them would change where they point.
_DATA_URI = re.compile(r"data:[^\s)\"'>]*", re.IGNORECASE)
# (Each alternative fails fast inside a long word: the scheme is anchored at a word start and
# short, otherwise a 20,000-letter word takes seconds of regex backtracking.)
_KEEP_WHOLE = re.compile(r"\]\([^)\s]*|<[^<>\s]*>|\b[a-z][a-z0-9+.-]{0,15}://\S*", re.IGNORECASE)
_LONG_RUN = re.compile(rf"\S{{{LONG_WORD + 1},}}")


class LessonImageError(ValueError):
    """An image a lesson names that is not shown; the message says which and why."""


def display_markdown(title: str, text: str) -> str:
    """The Markdown the lesson view shows: the title as a heading, then the bounded text."""
    title = _break_long_words(_shorten(title, MAX_TITLE_CHARS).replace("\n", " "))
    body, shown = bound_text(text)
    total = len(_visible(text))
    if shown < total:
        body += (f"\n\n*… The lesson text is {total:,} characters long; only the "
                 f"first {shown:,} are shown.*")
    return f"### {title}\n\n{body}" if title else body


def bound_text(text: str, limit: int = MAX_TEXT_CHARS) -> tuple[str, int]:
    """(text cut after ``limit`` visible characters, with long words breakable; visible count).

    Embedded ``data:`` images do not count towards the limit (a small diagram is thousands of
    base64 characters), but one over the size cap, or beyond `MAX_EMBEDDED_CHARS` in all, is
    replaced by an empty ``data:,`` that the view reports as too large."""
    parts, used, embedded, position = [], 0, 0, 0
    for match in _DATA_URI.finditer(text):
        chunk = text[position:match.start()]
        if used + len(chunk) > limit:
            break
        parts.append(_break_long_words(chunk))
        used, position = used + len(chunk), match.end()
        uri = match.group()
        embedded += len(uri)
        parts.append(uri if len(uri) <= _max_uri_chars() and embedded <= MAX_EMBEDDED_CHARS
                     else "data:,too-large")
    tail = text[position:position + max(0, limit - used)]
    parts.append(_break_long_words(tail))
    return "".join(parts), used + len(tail)


def _visible(text: str) -> str:
    return _DATA_URI.sub("", text)


def _max_uri_chars() -> int:
    return 64 + (MAX_IMAGE_BYTES * 4) // 3 + 4  # header + base64 of the biggest image allowed


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _break_long_words(text: str) -> str:
    """Add a break opportunity every LONG_WORD letters of a long run, outside link targets."""
    if len(text) <= LONG_WORD:
        return text
    parts, position = [], 0
    for match in _KEEP_WHOLE.finditer(text):
        parts.append(_LONG_RUN.sub(_broken, text[position:match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(_LONG_RUN.sub(_broken, text[position:]))
    return "".join(parts)


def _broken(match: re.Match) -> str:
    word = match.group()
    return ZERO_WIDTH_SPACE.join(word[i:i + LONG_WORD] for i in range(0, len(word), LONG_WORD))


# ----- images ------------------------------------------------------------------------------------
def read_image(url: str, folder: str | os.PathLike | None,
               max_bytes: int | None = None) -> bytes:
    """The bytes of an image a lesson names, or LessonImageError saying why it is not shown.

    ``folder`` is the folder of the lesson's file (None for a network never saved: then only
    embedded images are shown). Relative paths are resolved against it; absolute paths, ``..``
    and symlinks are accepted only when they end up inside it."""
    limit = MAX_IMAGE_BYTES if max_bytes is None else max_bytes
    scheme = urlsplit(url).scheme.lower() if ":" in url[:12] else ""
    if scheme == "data":
        return _data_uri_bytes(url, limit)
    if scheme == "file":
        url = unquote(urlsplit(url).path)
    elif len(scheme) > 1:  # http:, qrc:, ... (one letter is a Windows drive, C:\...)
        raise LessonImageError(f"The image {_shown(url)} is not shown: lesson images must be "
                               "files beside the lesson or embedded data: images.")
    return _file_bytes(url, folder, limit)


def _file_bytes(name: str, folder: str | os.PathLike | None, limit: int) -> bytes:
    if folder is None:
        raise LessonImageError(f"The image {_shown(name)} is not shown: save the network first; "
                               "lesson images are read from the file's folder.")
    path = Path(folder) / os.path.expanduser(name)  # an absolute name replaces the folder
    if not is_inside(path, folder):
        raise LessonImageError(f"The image {_shown(name)} is not shown: it is outside the lesson "
                               "file's folder.")
    try:
        with open_regular(path) as handle:
            if size_of(handle) > limit:
                raise LessonImageError(f"The image {_shown(name)} is not shown: it is "
                                       f"{size_of(handle):,} bytes, more than {limit:,}.")
            data = handle.read(limit + 1)
    except NotRegularFileError as exc:
        raise LessonImageError(f"The image {_shown(name)} is not shown: it is {exc.kind}, "
                               "not a regular file.") from None
    except OSError as exc:
        raise LessonImageError(f"The image {_shown(name)} is not shown: "
                               f"{exc.strerror or exc}.") from None
    if len(data) > limit:  # the file grew after fstat
        raise LessonImageError(f"The image {_shown(name)} is not shown: it is more than "
                               f"{limit:,} bytes.")
    return data


def _data_uri_bytes(url: str, limit: int) -> bytes:
    header, comma, payload = url.partition(",")
    if not comma or not payload or payload == "too-large":
        raise LessonImageError("An embedded image is not shown: it is empty or larger than "
                               f"{limit:,} bytes.")
    if len(payload) > (limit * 4) // 3 + 4:
        raise LessonImageError(f"An embedded image is not shown: it is larger than {limit:,} bytes.")
    try:
        if header.lower().endswith(";base64"):
            data = base64.b64decode(unquote(payload), validate=False)
        else:
            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise LessonImageError("An embedded image is not shown: its data is not valid "
                               "base64.") from None
    if len(data) > limit:
        raise LessonImageError(f"An embedded image is not shown: it is larger than {limit:,} bytes.")
    return data


def _shown(name: str) -> str:
    """A path as a message quotes it: short, with control characters escaped."""
    text = name if len(name) <= 80 else name[:77] + "..."
    return repr(text)
