"""The keyboard shortcuts, read from the window's own QActions (one home for each key).

`collect_shortcuts` walks the menu bar (so each key is listed under the menu that has it, with
its menu text), then any window action with a shortcut that no menu shows, then QShortcut
objects that describe themselves with ``whatsThis``. Nothing here names a key: change a
shortcut on its action and the Keyboard Shortcuts page and the Getting started guide follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu

from gui.help.texts import GESTURES, GESTURES_TITLE, KEY_SEPARATOR, NO_KEY, SHORTCUTS_HEADER, \
    SHORTCUTS_INTRO, TITLES

OTHER_GROUP = "Other"
NATIVE = QKeySequence.SequenceFormat.NativeText


@dataclass(frozen=True)
class ShortcutRow:
    group: str  # the menu ("File", "Training", ...) or OTHER_GROUP
    text: str  # the action's text without mnemonics or a trailing ellipsis
    keys: tuple[str, ...]  # as the platform writes them, e.g. ("F5",) or ("Ctrl+Y", "Ctrl+Shift+Z")


def clean_text(text: str) -> str:
    """"Save &As…" -> "Save As" (a menu's mnemonic and ellipsis mean nothing in a table)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def key_texts(action: QAction) -> tuple[str, ...]:
    return tuple(s.toString(NATIVE) for s in action.shortcuts() if not s.isEmpty())


def collect_shortcuts(window: QMainWindow) -> list[ShortcutRow]:
    rows: list[ShortcutRow] = []
    seen: set[int] = set()
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if isinstance(menu, QMenu):
            rows += _menu_rows(menu, clean_text(menu.title()), seen)
    for action in window.findChildren(QAction):
        if id(action) not in seen and key_texts(action) and action.text():
            seen.add(id(action))
            rows.append(ShortcutRow(OTHER_GROUP, clean_text(action.text()), key_texts(action)))
    for shortcut in window.findChildren(QShortcut):
        if shortcut.whatsThis() and not shortcut.key().isEmpty():
            rows.append(ShortcutRow(OTHER_GROUP, shortcut.whatsThis(),
                                    tuple(k.toString(NATIVE) for k in shortcut.keys())))
    return rows


def _menu_rows(menu: QMenu, group: str, seen: set[int]) -> list[ShortcutRow]:
    rows = []
    for action in menu.actions():
        if action.menu() is not None:
            rows += _menu_rows(action.menu(), group, seen)
        elif key_texts(action) and id(action) not in seen:
            seen.add(id(action))
            rows.append(ShortcutRow(group, clean_text(action.text()), key_texts(action)))
    return rows


def key_names(window: QMainWindow, names: dict[str, QAction | None]) -> dict[str, str]:
    """{placeholder: "F5"} for the guide; an action that is missing or has no key reads NO_KEY."""
    return {name: (KEY_SEPARATOR.join(key_texts(action)) if action is not None
                   and key_texts(action) else NO_KEY)
            for name, action in names.items()}


def shortcuts_markdown(rows: list[ShortcutRow]) -> str:
    parts = [f"# {TITLES['shortcuts']}", SHORTCUTS_INTRO]
    groups: dict[str, list[ShortcutRow]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    for group, members in groups.items():
        table = [SHORTCUTS_HEADER, "|---|---|"]
        table += [f"| {_cell(r.text)} | {_cell(KEY_SEPARATOR.join(r.keys))} |" for r in members]
        parts += [f"## {group}", "\n".join(table)]
    gestures = [SHORTCUTS_HEADER, "|---|---|"] + [f"| {a} | {b} |" for a, b in GESTURES]
    parts += [GESTURES_TITLE, "\n".join(gestures)]
    return "\n\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
