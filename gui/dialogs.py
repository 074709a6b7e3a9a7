"""Every modal question the editor asks, in one place.

They all go through Qt's static helpers (or one small QMessageBox for recovery), so tests can
monkeypatch QMessageBox / QFileDialog / QInputDialog — or these functions — and no test ever
blocks on a dialog.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

FILE_FILTER = "NeuroCanvas networks (*.json);;All files (*)"


def ask_save_changes(parent: QWidget, name: str) -> str:
    """'save', 'discard' or 'cancel'."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, "Unsaved changes",
        f"“{name}” has changes that are not saved.\n\nSave them before continuing?",
        buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


def ask_revert(parent: QWidget, name: str) -> bool:
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, "Revert", f"Discard your changes and reload “{name}” from disk?",
        buttons.Discard | buttons.Cancel, buttons.Cancel)
    return answer == buttons.Discard


def ask_recover(parent: QWidget, name: str, original: str | None, saved_at: str) -> bool:
    """Offer an autosave left by a session that did not exit cleanly. True = recover."""
    when = _readable_time(saved_at)
    where = f"\nIt was opened from {original}." if original else ""
    box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work",
                      f"NeuroCanvas did not close normally. An autosaved copy of “{name}” from "
                      f"{when} was found.{where}\n\nRecover it?", parent=parent)
    recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(recover)
    box.exec()
    return box.clickedButton() is recover


def ask_read_outside_data(parent: QWidget | None, paths: list[str]) -> bool:
    """A network file asks for data from outside its own folder: read it? ``paths`` arrive
    escaped and shortened. The default is No: a file must not make the window read any file."""
    buttons = QMessageBox.StandardButton
    listing = "\n".join(f"  {path}" for path in paths)
    answer = QMessageBox.question(
        parent, "Read data from outside the network's folder?",
        "This network file asks for data from outside its own folder:\n\n"
        f"{listing}\n\nRead it? Say yes only if you trust the file and expected it to use "
        "this data.", buttons.Yes | buttons.No, buttons.No)
    return answer == buttons.Yes


def show_error(parent: QWidget, title: str, message: str) -> None:
    QMessageBox.critical(parent, title, message)


def show_warning(parent: QWidget, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def ask_open_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open network", directory, FILE_FILTER)
    return path or None


def ask_save_path(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save network as", suggested, FILE_FILTER)
    if not path:
        return None
    return path if path.lower().endswith(".json") else path + ".json"


def ask_text(parent: QWidget, title: str, label: str, text: str) -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def _readable_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d %b %Y, %H:%M")
    except ValueError:
        return "an earlier session"
