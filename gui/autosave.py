"""Autosave and crash recovery: unsaved work survives a crash or a power cut.

Every ``interval_ms`` (60 s by default), if the document is modified and changed since the last
autosave, the network is written (atomically) to ``<dir>/<session>.json`` with a small
``<session>.meta.json`` (original path, time, name). A ``<session>.lock`` QLockFile marks the
session as alive; files whose lock can be taken belong to a session that ended without cleaning
up — those are offered for recovery at the next start, and the locks (and half-written files) of
such sessions that left nothing to recover are removed then, so they do not pile up. The
directory and interval are injected so tests can use a temporary directory and a short interval.

An autosave never stops working because of one bad value: what a file cannot hold (units 0, a
NaN weight) is left out of the copy (core.salvage) and the status bar says so; a failed write is
reported there too, never raised out of the timer.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal

from core.salvage import salvage_text
from gui.document import Document

DEFAULT_INTERVAL_MS = 60_000


def default_directory() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "autosave"


@dataclass(frozen=True)
class AutosaveEntry:
    session: str
    json_path: Path
    meta_path: Path
    original_path: str | None
    saved_at: str
    name: str


class Autosaver(QObject):
    autosaved = Signal(str)  # path written
    message_posted = Signal(str)  # what an autosave left out, or why it failed (status bar)

    def __init__(self, document: Document, directory: Path | str | None = None,
                 interval_ms: int = DEFAULT_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.directory = Path(directory) if directory else default_directory()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.session = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._lock = QLockFile(str(self.directory / f"{self.session}.lock"))
        self._lock.tryLock(0)
        self.remove_dead_sessions()
        self._saved_revision: int | None = None
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.autosave_now)
        self.timer.start()
        document.modified_changed.connect(lambda modified: None if modified else self.remove())

    @property
    def json_path(self) -> Path:
        return self.directory / f"{self.session}.json"

    @property
    def meta_path(self) -> Path:
        return self.directory / f"{self.session}.meta.json"

    def autosave_now(self) -> bool:
        """Write the document if it has unsaved changes not yet autosaved. True if written."""
        if not self.document.is_modified or self._saved_revision == self.document.revision:
            return False
        text, notes = salvage_text(self.document.network)
        meta = {"original_path": self.document.path, "name": self.document.network.name,
                "saved_at": datetime.now().isoformat(timespec="seconds"), "session": self.session}
        try:
            _write_atomic(self.json_path, text)
            _write_atomic(self.meta_path, json.dumps(meta, indent=1))
        except OSError as exc:
            self.message_posted.emit(f"Autosave failed: {exc.strerror or exc} ({self.directory}).")
            return False
        self._saved_revision = self.document.revision
        self.autosaved.emit(str(self.json_path))
        if notes:
            self.message_posted.emit("Autosaved, leaving out what a file cannot hold: "
                                     + "; ".join(notes))
        return True

    def remove(self) -> None:
        """Forget this session's autosave (after a save, or a clean exit)."""
        for path in (self.json_path, self.meta_path):
            path.unlink(missing_ok=True)
        self._saved_revision = None

    def shutdown(self) -> None:
        self.timer.stop()
        self.remove()
        self._lock.unlock()

    def recoverable(self) -> list[AutosaveEntry]:
        """Autosaves of sessions that are no longer running, newest first."""
        entries = []
        for json_path in self.directory.glob("*.json"):
            session = json_path.stem
            if session.endswith(".meta") or session == self.session:
                continue
            if not _session_is_dead(self.directory, session):
                continue
            entries.append(_entry(self.directory, session, json_path))
        return sorted(entries, key=lambda e: e.saved_at, reverse=True)

    def remove_dead_sessions(self) -> list[str]:
        """Delete the lock and leftovers of every ended session that has nothing to recover.

        A session that crashed before it ever autosaved leaves only its ``.lock`` (and perhaps a
        ``.tmp`` or ``.meta.json``); nothing will ever offer those, so they go at the next
        start. Sessions with an autosave stay for `recoverable`. Returns the sessions removed."""
        removed = []
        for lock_path in self.directory.glob("*.lock"):
            session = lock_path.stem
            if session == self.session or (self.directory / f"{session}.json").exists():
                continue
            if _session_is_dead(self.directory, session):  # taking the lock deletes a stale one
                for leftover in (lock_path, self.directory / f"{session}.meta.json",
                                 *self.directory.glob(f"{session}.*.tmp")):
                    leftover.unlink(missing_ok=True)
                removed.append(session)
        return removed

    def discard(self, entry: AutosaveEntry) -> None:
        for path in (entry.json_path, entry.meta_path, self.directory / f"{entry.session}.lock"):
            path.unlink(missing_ok=True)


def _session_is_dead(directory: Path, session: str) -> bool:
    """True when nobody holds the session's lock (its process ended without cleaning up)."""
    lock = QLockFile(str(directory / f"{session}.lock"))
    # Only a dead owner makes a lock stale, never its age: Qt's 30 s default applies to locks it
    # cannot check (another host sharing the folder), whose session may well still be running.
    lock.setStaleLockTime(0)
    if not lock.tryLock(0):
        return False
    lock.unlock()
    return True


def _entry(directory: Path, session: str, json_path: Path) -> AutosaveEntry:
    meta_path = directory / f"{session}.meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    saved_at = str(meta.get("saved_at") or datetime.fromtimestamp(
        json_path.stat().st_mtime).isoformat(timespec="seconds"))
    original = meta.get("original_path")
    return AutosaveEntry(session, json_path, meta_path,
                         original if isinstance(original, str) else None, saved_at,
                         str(meta.get("name") or json_path.name))


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
