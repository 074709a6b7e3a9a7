"""NeuroCanvas entry point: the desktop app, or the headless commands validate / train / inspect.

    python main.py                 open the app on the XOR lesson
    python main.py FILE            open FILE in the app
    python main.py validate FILE   check a network (exit 1 if invalid)
    python main.py train FILE [--epochs N] [--seed S] [--json] [--save OUT]
    python main.py inspect FILE [--sample I] [--json]

Every command takes --lang fr|en; without it the language follows the system locale (LANGUAGE,
LC_ALL, LANG), and the window remembers the one chosen in View > Language.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADLESS_COMMANDS = {"validate", "train", "inspect"}
XCB_LIBRARIES = {"xcb-cursor": "libxcb-cursor0", "xkbcommon-x11": "libxkbcommon-x11-0",
                 "EGL": "libegl1", "GL": "libgl1", "xcb-icccm": "libxcb-icccm4",
                 "xcb-keysyms": "libxcb-keysyms1", "xcb-shape": "libxcb-shape0"}


def missing_display_libraries() -> list[str]:
    """Debian package names of Qt's xcb dependencies that are missing (Linux with X11 only)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return []
    if not os.environ.get("DISPLAY"):
        return []
    return [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


def run_gui(path: str | None, language: str | None = None) -> int:
    from core.i18n import _
    missing = missing_display_libraries()
    if missing:
        print(_("NeuroCanvas needs Qt's X11 (xcb) system libraries, and these are missing:\n"
                "  sudo apt-get install {packages}\n"
                "(or run the headless commands: python main.py validate|train|inspect FILE)")
              .format(packages=" ".join(missing)), file=sys.stderr)
        return 3
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
            and sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        print(_("No display found (DISPLAY is not set). Run NeuroCanvas on a desktop, or use the "
                "headless commands: python main.py validate|train|inspect FILE"), file=sys.stderr)
        return 3
    try:
        from gui.app import run
    except ImportError as exc:
        print(_("The desktop app could not start: {reason}").format(reason=exc), file=sys.stderr)
        return 2
    return run(path, language)


def usage() -> str:
    from core.i18n import _
    return _("""NeuroCanvas: build neural networks by drawing them, train them, watch every number.

    python main.py                 open the app on the XOR lesson
    python main.py FILE            open FILE in the app
    python main.py validate FILE   check a network (exit 1 if invalid)
    python main.py train FILE [--epochs N] [--seed S] [--json] [--save OUT]
    python main.py inspect FILE [--sample I] [--json]

Every command takes --lang fr|en (default: the system's language).""")


def choose_language(argv: list[str]) -> str | None:
    """Install --lang, else the system locale's language; returns --lang's value (None if absent).
    A catalogue that cannot be read leaves English, with a note, rather than no program."""
    from core import i18n
    chosen = i18n.language_option(argv)
    try:
        i18n.set_language(chosen or i18n.system_language())
    except i18n.LanguageError as exc:
        print(f"note: {exc}; continuing in English.", file=sys.stderr)
    return chosen


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = choose_language(argv)
    from core.i18n import _, strip_language_option
    rest = strip_language_option(argv)
    if rest and rest[0] in HEADLESS_COMMANDS:
        from core.cli import run_cli
        return run_cli(argv)  # its parser reads (and checks) --lang again
    if rest and rest[0] in ("-h", "--help"):
        print(usage())
        return 0
    if chosen is None and len(rest) != len(argv):  # --lang with a value we do not have
        print(_("error: --lang takes fr or en."), file=sys.stderr)
        return 2
    return run_gui(rest[0] if rest else None, chosen)


if __name__ == "__main__":
    sys.exit(main())
