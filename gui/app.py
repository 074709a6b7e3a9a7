"""Start the desktop editor: ``gui.app.run(path)`` is what ``python main.py [FILE]`` calls.

Nothing imported on the way to the first paint pulls in torch (or core.compiler/core.training);
torch is imported in a background thread right after the window appears.

The language is installed before the window is built (its texts are translated as they are
made): ``--lang``, else the one chosen in View ▸ Language (QSettings ``view/language``), else the
system locale's. Qt's own texts (standard buttons, file dialogs) come from the translations
PySide6 ships (``qtbase_fr.qm``), loaded with a QTranslator.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from core import i18n
from gui import gui_thread_gc
from gui.actions import LANGUAGE_KEY
from gui.main_window import APP_NAME, MainWindow

QT_CATALOGUES = ("qtbase",)  # Qt's own texts: standard buttons, file and message dialogs
_qt_translators: list[QTranslator] = []  # the installed ones, so a new language replaces them


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    gui_thread_gc.install(app)  # training and tracing threads must never finalize widgets
    return app


def chosen_language(settings: QSettings, override: str | None = None) -> str:
    """``--lang`` (override), else View ▸ Language's remembered choice, else the system's."""
    saved = settings.value(LANGUAGE_KEY, "", type=str)
    return (i18n.normalize_language(override) or i18n.normalize_language(saved)
            or i18n.system_language())


def install_language(app: QApplication, language: str) -> str:
    """Our catalogue and Qt's for ``language``; English needs neither. Returns the language
    installed (English when ours cannot be read, so the window still opens)."""
    try:
        language = i18n.set_language(language)
    except i18n.LanguageError:
        language = i18n.set_language("en")
    while _qt_translators:
        app.removeTranslator(_qt_translators.pop())
    if language != "en":
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in QT_CATALOGUES:
            translator = QTranslator(app)
            if translator.load(f"{name}_{language}", folder):
                app.installTranslator(translator)
                _qt_translators.append(translator)
    return language


def install_panels(window: MainWindow) -> None:
    """Dock the training panel and the inspector (neither imports torch until it is used)."""
    from gui import inspector, training
    panel = training.install(window)
    inspector.install(window)
    panel.training_started.connect(window.workspaces.show_training)
    QTimer.singleShot(0, lambda: _settle_layout(window))


def _settle_layout(window: MainWindow) -> None:
    """Once the new docks have their sizes: the last session's layout or a workspace
    (`MainWindow.settle_layout`); then fit the network into the canvas, whose size just changed."""
    window.settle_layout()
    window.view.fit_to_view()


def build_window(**options) -> MainWindow:
    """The full application window, as `run` shows it (also used by benchmarks and tests)."""
    window = MainWindow(**options)
    install_panels(window)
    return window


def run(path: str | None = None, language: str | None = None) -> int:
    app = create_application()
    install_language(app, chosen_language(QSettings(), language))
    window = MainWindow()
    window.open_initial(path)
    window.fit_to_screen()
    window.show()
    # The panels dock as tabs beside Problems and Properties right after the first paint: building
    # them imports pyqtgraph (~0.3 s), which would otherwise delay the window past one second.
    QTimer.singleShot(0, lambda: install_panels(window))
    QTimer.singleShot(0, window.start_background_imports)
    QTimer.singleShot(0, window.file_actions.offer_recovery)
    QTimer.singleShot(0, window.file_actions.clean_stale_saves)
    return app.exec()
