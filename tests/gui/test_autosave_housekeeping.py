"""Locks of crashed sessions are cleaned at the next start; a running session's lock never is."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from gui.autosave import Autosaver
from gui.document import Document

CRASH = """
import os, sys
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
assert lock.tryLock(0)
for leftover in sys.argv[2:]:
    open(leftover, "w").write("half written")
os._exit(9)  # no unlock: what a crash leaves behind
"""


def crashed_session(directory, session: str, *leftovers: str) -> None:
    files = [str(directory / f"{session}{suffix}") for suffix in leftovers]
    subprocess.run([sys.executable, "-c", CRASH, str(directory / f"{session}.lock"), *files],
                   check=False, timeout=60)
    assert (directory / f"{session}.lock").exists()


def test_locks_of_crashed_sessions_without_autosave_are_removed_at_start(qtbot, tmp_path):
    crashed_session(tmp_path, "20260101-000000-1-aaaaaa", ".json.tmp", ".meta.json")
    crashed_session(tmp_path, "20260101-000000-2-bbbbbb")
    saver = Autosaver(Document(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{saver.session}.lock"]
    saver.shutdown()


def test_a_crashed_session_with_an_autosave_stays_recoverable(qtbot, tmp_path):
    session = "20260101-000000-3-cccccc"
    crashed_session(tmp_path, session)
    (tmp_path / f"{session}.json").write_text("{}", encoding="utf-8")
    saver = Autosaver(Document(), tmp_path)
    assert [e.session for e in saver.recoverable()] == [session]
    saver.shutdown()


def test_a_running_sessions_old_lock_is_left_alone(qtbot, tmp_path):
    running = Autosaver(Document(), tmp_path)
    hour_ago = time.time() - 3600  # Qt would call a lock older than 30 s stale by default
    os.utime(running._lock.fileName(), (hour_ago, hour_ago))
    other = Autosaver(Document(), tmp_path)
    assert os.path.exists(running._lock.fileName())
    assert other.recoverable() == []
    other.shutdown()
    running.shutdown()
