"""Network files on disk: reading with a size cap, and saving atomically.

Saving writes a temporary file next to the target, flushes and fsyncs it, then renames it over the
target with os.replace (atomic on POSIX and Windows). A crash, a full disk or an exception at any
point therefore leaves either the old file or the new one, never a truncated mix, and the
temporary file is removed whenever the save fails. A save that is killed outright cannot remove
its temporary file; `clean_stale_temp_files` does, at the next save into that folder and when the
window starts.

Only regular files are read or replaced: a named pipe would block the reader forever, and renaming
over a device node or a pipe would silently turn it into a plain file. Every refusal and every
error from the disk becomes one `SaveError` sentence that names the path and the reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time

from core.fileformat import _common as common
from core.fileformat._common import FileFormatError
from core.fileformat._reader import loads_network
from core.fileformat._writer import dumps_network
from core.network import Network
from core.i18n import N_, _
from core.regular_files import NotRegularFileError, check_regular, open_regular, size_of

TEMP_SUFFIX = ".tmp"
STALE_AFTER_SECONDS = 60.0  # a save takes well under a second; an older temp file is left by a kill
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{8}\.tmp$")
# core.regular_files.describe_kind's words, for the catalogue: messages translate exc.kind with _()
FILE_KINDS = (N_("a folder"), N_("a named pipe (FIFO)"), N_("a device"), N_("a socket"),
              N_("not a regular file"))


class SaveError(OSError):
    """A save that did not happen: one sentence naming the file and why; the old file is intact.
    An OSError, so callers that catch disk errors keep working."""

    def __init__(self, path: str, reason: str, code: int = 0) -> None:
        super().__init__(code, reason, path)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return _("Cannot save {path}: {reason}.").format(path=self.path, reason=self.reason)


def load_network(path: str | os.PathLike) -> Network:
    """Read a network file. Every failure, including I/O errors, is a FileFormatError naming it."""
    source = os.fsdecode(os.fspath(path))
    try:
        with open_regular(path) as handle:
            size = size_of(handle)
            if size > common.MAX_FILE_BYTES:  # the real size, not the bytes read so far
                raise FileFormatError(common.too_large_text(size), "$", source)
            data = handle.read(common.MAX_FILE_BYTES + 1)  # one byte more: it grew meanwhile
    except NotRegularFileError as exc:
        raise FileFormatError(_("Could not be read: it is {kind}, not a network file.").format(
            kind=_(exc.kind)), "$", source) from None
    except OSError as exc:
        raise FileFormatError(_("Could not be read: {reason}.").format(reason=_read_reason(exc)),
                              "$", source) from None
    return loads_network(data, source)


def _read_reason(exc: OSError) -> str:
    """Why a file could not be read: the common cases in the program's language (the system's
    own text, exc.strerror, is in the language of the C library's locale)."""
    if exc.errno == errno.ENOENT:
        return _("No such file or directory")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("Permission denied")
    if exc.errno == errno.EISDIR:
        return _("it is a folder")
    return str(exc.strerror or exc)


def save_network(network: Network, path: str | os.PathLike) -> None:
    """Write ``network`` to ``path`` atomically. Raises FileFormatError if the network cannot be
    written as a valid file (before the disk is touched) and OSError if the disk refuses."""
    shown = os.fsdecode(os.fspath(path))
    data = dumps_network(network).encode("utf-8")
    target = _checked_target(shown)
    try:
        temp = _write_temp(os.path.dirname(target), os.path.basename(target), data)
        try:
            _copy_mode(target, temp)
            os.replace(temp, target)
        except BaseException:
            _remove_quietly(temp)
            raise
    except SaveError:
        raise
    except OSError as exc:
        raise SaveError(shown, _reason(exc, os.path.dirname(target)), exc.errno or 0) from None
    _sync_directory(os.path.dirname(target))
    clean_stale_temp_files(os.path.dirname(target), os.path.basename(target))


def check_save_target(path: str | os.PathLike) -> None:
    """Raise the SaveError a save to ``path`` would certainly end with (no name, a folder, a pipe,
    a device, a missing folder), before any work whose result would then be lost."""
    _checked_target(os.fsdecode(os.fspath(path)))


def _checked_target(shown: str) -> str:
    """The real path to write (through a symlink, not over it), after refusing what must never be
    replaced: an empty name, a folder, a pipe or a device (/dev/stdout is one of those)."""
    if not shown.strip():
        raise SaveError("''", _("no file name was given"), errno.EINVAL)
    if _is_system_path(shown):
        raise SaveError(shown, _("it is a device or process path (such as /dev/stdout), not a place "
                                 "for files; NeuroCanvas saves only to regular files"), errno.EINVAL)
    try:
        check_regular(shown)  # follows symlinks, including /dev/stdout -> /proc/self/fd/1
    except NotRegularFileError as exc:
        raise SaveError(shown, _("it is {kind}; NeuroCanvas saves only to regular files").format(
            kind=_(exc.kind)), errno.EINVAL) from None
    except FileNotFoundError:
        pass  # a new file (or a missing folder, reported below with the folder's name)
    except OSError as exc:
        raise SaveError(shown, _reason(exc, os.path.dirname(shown) or "."), exc.errno or 0) from None
    target = os.path.realpath(shown)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        what = (_("the folder {folder} is not a folder") if os.path.exists(folder)
                else _("the folder {folder} does not exist"))
        raise SaveError(shown, what.format(folder=folder), errno.ENOENT)
    return target


def _is_system_path(path: str) -> bool:
    """/dev/... and /proc/... hold streams and devices; even when /dev/stdout is redirected to a
    regular file, replacing that file would swallow the program's own output."""
    if os.name != "posix":
        return False
    absolute = os.path.abspath(path)
    return any(absolute == root or absolute.startswith(root + "/") for root in ("/dev", "/proc"))


def _reason(exc: OSError, folder: str) -> str:
    """Why the disk refused, in the user's terms (the temporary file's name means nothing to them)."""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return _("the folder {folder} is not writable (saving writes a new file beside the old "
                 "one and then renames it, so the folder itself must be writable)").format(
                     folder=folder)
    if code == errno.ENOSPC:
        return _("the disk is full")
    if code == getattr(errno, "EDQUOT", -1):
        return _("the disk quota is exceeded")
    if code == errno.EROFS:
        return _("the disk is read-only")
    if code == errno.ENOENT:
        return _("the folder {folder} does not exist").format(folder=folder)
    if code == errno.EISDIR:
        return _("it is a folder")
    return (exc.strerror or str(exc)).rstrip(".")


def clean_stale_temp_files(folder: str | os.PathLike, name: str | None = None,
                           older_than: float = STALE_AFTER_SECONDS) -> list[str]:
    """Remove the hidden ``.NAME.xxxxxxxx.tmp`` files a killed save left in ``folder`` (only those
    of ``name`` when given). Files younger than ``older_than`` seconds are kept: they may belong to
    a save still in progress in another window. Returns the removed paths; never raises."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or (name is not None and match["name"] != name[:100]):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime >= older_than:
                os.unlink(entry.path)
                removed.append(entry.path)
    return removed


def _write_temp(directory: str, name: str, data: bytes) -> str:
    """A fully written and fsynced hidden file in ``directory``; removed again if writing fails."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):  # a clash of 32 random bits is already unlikely once
        temp = os.path.join(directory, f".{name[:100]}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temp, flags, 0o666)  # 0o666 & ~umask, like any newly created file
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(_("Could not create a temporary file in {folder}.").format(
            folder=directory))
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
