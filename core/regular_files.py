"""Opening files a user (or a file) names: regular files only, with a size known before reading.

A path in a network file or on the command line can name anything: a folder, a named pipe (FIFO)
that blocks `open()` until some writer appears, a device such as /dev/zero that never ends. Each of
these once hung or exhausted the program, so every reader and writer of user-named files goes
through here: `open_regular` refuses anything that is not a regular file *before* blocking on it,
`describe_kind` names what it is instead ("a folder", not "Cannot find"), and `is_inside` answers
"does this path stay inside that folder" for the data-path question the window asks.

Pure standard library: the file format, the datasets and the window all share it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotRegularFileError(OSError):
    """The path exists but is not a regular file. ``kind`` is how messages name it."""

    def __init__(self, path: str | os.PathLike, kind: str) -> None:
        self.kind = kind
        text = f"it is {kind}, not a regular file"
        super().__init__(errno.EINVAL, text, os.fspath(path))

    def __str__(self) -> str:
        return f"{self.filename} is {self.kind}, not a regular file"


def describe_kind(mode: int) -> str:
    """What a non-regular file is, as a message names it."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular(path: str | os.PathLike) -> os.stat_result:
    """stat() of ``path`` (through symlinks); NotRegularFileError unless it is a regular file."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFileError(path, describe_kind(info.st_mode))
    return info


def open_regular(path: str | os.PathLike) -> BinaryIO:
    """A binary reader for a regular file. O_NONBLOCK keeps a FIFO swapped in after the first
    check from blocking the open; fstat on the open descriptor then decides for good."""
    check_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(path, describe_kind(mode))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise


def size_of(handle: BinaryIO) -> int:
    """The size of an open regular file, in bytes."""
    return os.fstat(handle.fileno()).st_size


def is_inside(path: str | os.PathLike, folder: str | os.PathLike) -> bool:
    """True when ``path``, with every symlink and ``..`` resolved, lies inside ``folder``.

    Resolving first matters: ``data/../../etc/passwd`` and a symlink ``data -> /`` both leave."""
    real = Path(os.path.realpath(os.path.expanduser(os.fspath(path))))
    base = Path(os.path.realpath(os.fspath(folder)))
    return real == base or base in real.parents
