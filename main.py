"""NeuroCanvas entry point: the desktop app, or the headless commands validate / train / inspect.

    python main.py                 open the app on the XOR lesson
    python main.py FILE            open FILE in the app
    python main.py validate FILE   check a network (exit 1 if invalid)
    python main.py train FILE [--epochs N] [--seed S] [--json] [--save OUT]
    python main.py inspect FILE [--sample I] [--json]
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


def run_gui(path: str | None) -> int:
    missing = missing_display_libraries()
    if missing:
        print("NeuroCanvas needs Qt's X11 (xcb) system libraries, and these are missing:\n"
              f"  sudo apt-get install {' '.join(missing)}\n"
              "(or run the headless commands: python main.py validate|train|inspect FILE)",
              file=sys.stderr)
        return 3
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
            and sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        print("No display found (DISPLAY is not set). Run NeuroCanvas on a desktop, or use the "
              "headless commands: python main.py validate|train|inspect FILE", file=sys.stderr)
        return 3
    try:
        from gui.app import run
    except ImportError as exc:
        print(f"The desktop app could not start: {exc}", file=sys.stderr)
        return 2
    return run(path)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in HEADLESS_COMMANDS:
        from core.cli import run_cli
        return run_cli(argv)
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    return run_gui(argv[0] if argv else None)


if __name__ == "__main__":
    sys.exit(main())
