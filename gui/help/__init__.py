"""The Help menu, F1 layer help and the empty-canvas hint.

    from gui import help as app_help
    window.help = app_help.install(window)    # adds Help (kept last), F1 and the hint

Pages are generated when opened (see controller.py), so they always match the program.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gui.help.controller import HelpController


def install(window) -> "HelpController":
    from gui.help.controller import HelpController
    return HelpController(window)
