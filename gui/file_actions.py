"""New / Open / Save / Save As / Revert / Recent / Examples / Recovery for the one open document.

Rules that keep work safe: every action that would drop the current network asks first
(`maybe_save`); a file that fails to load leaves the current document untouched and shows the
FileFormatError message (which names the file and the JSON path); shipped examples are templates,
so Save on one of them becomes Save As.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Signal
from PySide6.QtWidgets import QWidget

from core.fileformat import (FileFormatError, SaveError, clean_stale_temp_files, load_network,
                             loads_network, save_network)
from gui import dialogs
from gui.autosave import Autosaver
from gui.document import TEMPLATES_DIR, Document, new_network

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "assets" / "examples"
RECENT_KEY = "recent_files"
LAST_FOLDER_KEY = "last_folder"  # where the user last opened or saved a network (Save/Open dialogs)
MAX_RECENT = 8
EXAMPLE_ORDER = ("perceptron_and", "perceptron_or", "xor", "linear_regression", "spiral",
                 "digits_mlp")
TEMPLATE_ORDER = ("empty", "perceptron", "xor_2_2_1", "mlp", "cnn")


@dataclass(frozen=True)
class Example:
    path: Path
    name: str
    description: str


def list_templates(directory: Path = TEMPLATES_DIR) -> list[Example]:
    """File ▸ New from template: the shipped starting points, simplest first."""
    return list_examples(directory, TEMPLATE_ORDER)


def list_examples(directory: Path = EXAMPLES_DIR,
                  order: tuple[str, ...] = EXAMPLE_ORDER) -> list[Example]:
    """Shipped examples in lesson order (then alphabetical); names read without full parsing."""
    examples = []
    for path in directory.glob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            examples.append(Example(path, str(data.get("name") or path.stem),
                                    str(data.get("description") or "")))
    rank = {stem: i for i, stem in enumerate(order)}
    return sorted(examples, key=lambda e: (rank.get(e.path.stem, len(rank)), e.name.lower()))


class FileActions(QObject):
    recent_changed = Signal()
    message_posted = Signal(str)

    def __init__(self, window: QWidget, document: Document, settings: QSettings,
                 autosaver: Autosaver, examples_dir: Path = EXAMPLES_DIR) -> None:
        super().__init__(window)
        self.window, self.document, self.settings = window, document, settings
        self.autosaver = autosaver
        self.examples_dir = examples_dir

    # ----- helpers -----------------------------------------------------------------------
    def display_name(self) -> str:
        return Path(self.document.path).name if self.document.path else "Untitled"

    def is_template(self, path: str | None) -> bool:
        """Files inside the shipped examples folder are never overwritten."""
        if not path:
            return False
        try:
            return Path(path).resolve().is_relative_to(self.examples_dir.resolve())
        except OSError:
            return False

    def maybe_save(self) -> bool:
        """Ask what to do with unsaved changes. True when it is fine to go on."""
        if not self.document.has_unsaved_work:  # a run's weights so far count as a change
            return True
        answer = dialogs.ask_save_changes(self.window, self.display_name())
        if answer == "save":
            self.document.flush_live_weights("Save")  # the weights trained so far are saved
            return self.save()
        return answer == "discard"

    # ----- actions -----------------------------------------------------------------------
    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self.document.replace_network(new_network(), None)
        self.message_posted.emit("New network: drag layers from the palette between the Input "
                                 "and the Output.")
        return True

    def new_from_template(self, path: str) -> bool:
        """Start an untitled network from a template file (Save asks where to keep it)."""
        try:
            network = load_network(path)
        except (OSError, FileFormatError) as exc:
            dialogs.show_error(self.window, "Cannot use this template", str(exc))
            return False
        if not self.maybe_save():
            return False
        self.document.replace_network(network, None)
        self.message_posted.emit(f"New network from the template “{network.name}”.")
        return True

    def open_dialog(self) -> bool:
        path = dialogs.ask_open_path(self.window, str(self.last_folder()))
        return self.open_path(path) if path else False

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Read ``path`` first; a file that cannot be opened is reported and the current
        document stays as it was, without a question. Only then ask about unsaved work."""
        try:
            network = load_network(path)
        except FileFormatError as exc:
            dialogs.show_error(self.window, "Cannot open network", str(exc))
            return False
        except OSError as exc:
            dialogs.show_error(self.window, "Cannot open network",
                               f"{path}: {exc.strerror or exc}")
            self._forget_recent(path)
            return False
        if ask and not self.maybe_save():
            return False
        self.document.replace_network(network, str(Path(path).resolve()))
        self.add_recent(self.document.path)
        if not self.is_template(self.document.path):
            self.remember_folder(self.document.path)
        self.message_posted.emit(f"Opened {Path(path).name}")
        return True

    def save(self) -> bool:
        path = self.document.path
        if not path or self.is_template(path):
            return self.save_as()
        return self._save_to(path)

    def save_as(self) -> bool:
        current = self.document.path
        name = Path(current).name if current else f"{_slug(self.document.network.name)}.json"
        folder = Path(current).parent if current and not self.is_template(current) \
            else self.last_folder()
        path = dialogs.ask_save_path(self.window, str(folder / name))
        if not path:
            return False
        if self.is_template(path):
            dialogs.show_warning(self.window, "Cannot overwrite an example",
                                 "The shipped examples are templates: save your version in "
                                 "another folder.")
            return False
        return self._save_to(path)

    def _save_to(self, path: str) -> bool:
        try:
            save_network(self.document.network, path)
        except SaveError as exc:  # one sentence naming the path and the reason
            dialogs.show_error(self.window, "Cannot save network", str(exc))
            return False
        except (OSError, FileFormatError) as exc:
            dialogs.show_error(self.window, "Cannot save network", f"{path}: {exc}")
            return False
        self.document.mark_saved(str(Path(path).resolve()))
        self.autosaver.remove()
        self.add_recent(self.document.path)
        self.remember_folder(self.document.path)
        self.message_posted.emit(f"Saved {Path(path).name}")
        return True

    def revert(self) -> bool:
        path = self.document.path
        if not path or not self.document.is_modified:
            return False
        if not dialogs.ask_revert(self.window, self.display_name()):
            return False
        return self.open_path(path, ask=False)

    # ----- folders -----------------------------------------------------------------------
    def last_folder(self) -> Path:
        """Where the Open and Save dialogs start: the folder of the network the user last
        opened or saved (remembered between sessions), else the Documents folder. The shipped
        examples' folder is never remembered: it is read-only for saving."""
        stored = self.settings.value(LAST_FOLDER_KEY)
        if isinstance(stored, str) and stored and Path(stored).is_dir():
            return Path(stored)
        return Path(_documents_dir())

    def remember_folder(self, path: str) -> None:
        self.settings.setValue(LAST_FOLDER_KEY, str(Path(path).resolve().parent))

    # ----- recent files ------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Remembered files that still exist (missing ones are dropped from the list)."""
        stored = self.settings.value(RECENT_KEY, [])
        paths = [stored] if isinstance(stored, str) else list(stored or [])
        existing = [p for p in paths if Path(p).is_file()][:MAX_RECENT]
        if existing != paths:
            self.settings.setValue(RECENT_KEY, existing)
        return existing

    def add_recent(self, path: str) -> None:
        paths = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue(RECENT_KEY, paths[:MAX_RECENT])
        self.recent_changed.emit()

    def _forget_recent(self, path: str) -> None:
        self.settings.setValue(RECENT_KEY, [p for p in self.recent_files() if p != path])
        self.recent_changed.emit()

    def clean_stale_saves(self) -> list[str]:
        """At startup: remove the temporary files saves that were killed left beside the recent
        files (a save that finishes removes its own; see core.fileformat._files)."""
        folders = {str(Path(p).parent) for p in self.recent_files()}
        if self.document.path:
            folders.add(str(Path(self.document.path).parent))
        removed = []
        for folder in sorted(folders):
            removed += clean_stale_temp_files(folder)
        return removed

    # ----- recovery ----------------------------------------------------------------------
    def offer_recovery(self) -> bool:
        """At startup: offer autosaves left by crashed sessions. True if one was recovered."""
        for entry in self.autosaver.recoverable():
            if not dialogs.ask_recover(self.window, entry.name, entry.original_path,
                                       entry.saved_at):
                self.autosaver.discard(entry)
                continue
            try:
                network = loads_network(entry.json_path.read_text(encoding="utf-8"),
                                        str(entry.json_path))
            except (OSError, FileFormatError) as exc:
                dialogs.show_error(self.window, "Cannot recover", str(exc))
                entry.json_path.rename(entry.json_path.with_suffix(".unreadable"))
                continue
            if not self.maybe_save():
                return False
            self.document.replace_network(network, entry.original_path, modified=True)
            self.autosaver.discard(entry)
            self.message_posted.emit("Recovered unsaved work: save it to keep it.")
            return True
        return False


def _documents_dir() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def _slug(name: str) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in name.strip().lower()).strip("_")
    return cleaned or "network"
