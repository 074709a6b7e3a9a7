"""Network files on disk: reading with a size cap, and saving atomically.

Saving writes a temporary file next to the target, flushes and fsyncs it, then renames it over the
target with os.replace (atomic on POSIX and Windows). A crash, a full disk or an exception at any
point therefore leaves either the old file or the new one, never a truncated mix, and the
temporary file is removed whenever the save fails.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat

from core.fileformat import _common as common
from core.fileformat._common import FileFormatError
from core.fileformat._reader import loads_network
from core.fileformat._writer import dumps_network
from core.network import Network


def load_network(path: str | os.PathLike) -> Network:
    """Read a network file. Every failure, including I/O errors, is a FileFormatError naming it."""
    source = os.fsdecode(os.fspath(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read(common.MAX_FILE_BYTES + 1)  # one byte more reveals an oversized file
    except OSError as exc:
        raise FileFormatError(f"Could not be read: {exc.strerror or exc}.", "$", source) from None
    return loads_network(data, source)


def save_network(network: Network, path: str | os.PathLike) -> None:
    """Write ``network`` to ``path`` atomically. Raises FileFormatError if the network cannot be
    written as a valid file (before the disk is touched) and OSError if the disk refuses."""
    data = dumps_network(network).encode("utf-8")
    target = os.path.realpath(os.fspath(path))  # through a symlink, not over it
    temp = _write_temp(os.path.dirname(target), os.path.basename(target), data)
    try:
        _copy_mode(target, temp)
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise
    _sync_directory(os.path.dirname(target))


def _write_temp(directory: str, name: str, data: bytes) -> str:
    """A fully written and fsynced hidden file in ``directory``; removed again if writing fails."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):  # a clash of 32 random bits is already unlikely once
        temp = os.path.join(directory, f".{name[:100]}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temp, flags, 0o666)  # 0o666 & ~umask, like any newly created file
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"Could not create a temporary file in {directory}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _remove_quietly(temp)
        raise
    return temp


def _copy_mode(target: str, temp: str) -> None:
    """Keep the permissions of the file being replaced."""
    with contextlib.suppress(OSError):
        os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX); best effort, the data is already safe on disk."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
