"""Asking before the window reads data a network file points to outside its own folder.

A network file names its data files, and opening a file must not make the window read any file on
the disk (a file pointing at /etc/passwd was once previewed as 24 samples, one class per user
name). The preview, a training run and the inspector therefore all ask this document's guard
before they read; core decides what is outside (`core.datasets.outside_paths`).
"""

from __future__ import annotations

import weakref
from pathlib import Path

from PySide6.QtCore import QObject

from core.datasets import outside_paths
from core.datasets.base import excerpt
from core.settings import DatasetSpec
from gui import dialogs


class OutsideDataGuard(QObject):
    """Asks before the window reads data files that a network file points to outside its own
    folder (absolute paths, ``../``, ``~``, ``/proc/self/...``, symlinks leading out).

    Only paths that arrived with a file count: those present when a document is opened,
    reverted or recovered (the graph's reset). A path the user types or browses to in the window
    is the user's own choice and is read without a question. One guard per document, from
    `data_guard`; the preview, a run and the inspector all ask it before reading.
    """

    def __init__(self, document) -> None:
        super().__init__(document)
        self.document = document
        self.pending: set[Path] = set()
        self.refused: set[Path] = set()
        self._take_from_file()
        document.graph_changed.connect(self._on_graph_changed)

    def _on_graph_changed(self, event) -> None:
        if getattr(event, "kind", None) == "graph_reset":  # records and path are set by then
            self._take_from_file()

    def _take_from_file(self) -> None:
        path = self.document.path
        base = Path(path).resolve().parent if path else None
        self.pending = set(outside_paths(self.document.network.dataset, base))
        self.refused = set()

    def unapproved(self, spec: DatasetSpec, base_dir: Path | None) -> list[Path]:
        return [p for p in outside_paths(spec, base_dir) if p in self.pending]

    def allowed(self, spec: DatasetSpec, base_dir: Path | None, parent=None,
                ask: bool = True) -> bool:
        """True when ``spec`` may be read. Asks (once per refusal unless ``ask`` is forced by an
        explicit action such as Train) when it needs data from outside the file's folder."""
        needed = self.unapproved(spec, base_dir)
        if not needed:
            return True
        if not ask:
            return False
        if dialogs.ask_read_outside_data(parent, [excerpt(str(p), 200, quoted=False)
                                                  for p in needed]):
            self.pending.difference_update(needed)
            return True
        self.refused.update(needed)
        return False

    def was_refused(self, spec: DatasetSpec, base_dir: Path | None) -> bool:
        return any(p in self.refused for p in self.unapproved(spec, base_dir))


def outside_message(paths: list[Path]) -> str:
    """What the preview (and the inspector) show instead of data that was not read."""
    shown = ", ".join(excerpt(str(p), 120) for p in paths)
    return (f"Not read: the network file asks for data from outside its own folder ({shown}). "
            "Press Train to be asked again, or choose a data file.")


_GUARDS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def data_guard(document) -> OutsideDataGuard:
    """The document's guard, created on first use (which treats the current network as opened
    from its file: the window opens the first file before the panels exist)."""
    guard = _GUARDS.get(document)
    if guard is None:
        guard = _GUARDS[document] = OutsideDataGuard(document)
    return guard
