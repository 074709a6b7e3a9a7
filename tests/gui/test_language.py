"""View ▸ Language, the language installed at start, and Qt's own texts in French."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from core import i18n
from gui.actions import LANGUAGE_KEY
from gui.app import chosen_language, install_language


@pytest.fixture(autouse=True)
def english_again(qapp):
    """Each test leaves English installed (ours and Qt's), as the other GUI tests expect."""
    yield
    install_language(qapp, "en")


def menu_titles(window) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_view_language_offers_both_languages_each_in_its_own_words(window):
    menu = window.language_menu
    assert menu.title() == "&Language"
    assert [a.text() for a in menu.actions()] == ["English", "Français"]
    assert window.language_actions["en"].isChecked()
    assert not window.language_actions["fr"].isChecked()


def test_choosing_french_is_remembered_and_says_a_restart_applies_it(window, settings):
    window.language_actions["fr"].trigger()
    assert settings.value(LANGUAGE_KEY) == "fr"
    assert window.language_actions["fr"].isChecked() and not window.language_actions["en"].isChecked()
    # said in French, the language just chosen; this window stays English until the next start
    assert window.statusBar().currentMessage() == ("NeuroCanvas sera en français à partir du "
                                                   "prochain démarrage.")
    assert i18n.current_language() == "en" and menu_titles(window)[0] == "&File"
    window.language_actions["en"].trigger()
    assert settings.value(LANGUAGE_KEY) == "en"
    assert window.statusBar().currentMessage() == "NeuroCanvas stays in English."


def test_the_language_at_start_is_lang_then_the_remembered_one_then_the_system(settings,
                                                                               monkeypatch):
    for name in i18n.LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert chosen_language(settings) == "fr"  # nothing remembered: the system's
    settings.setValue(LANGUAGE_KEY, "en")
    assert chosen_language(settings) == "en"  # View ▸ Language wins over the system
    assert chosen_language(settings, "fr") == "fr"  # --lang wins over both
    settings.setValue(LANGUAGE_KEY, "klingon")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert chosen_language(settings) == "en"  # a damaged setting is ignored


def test_a_window_built_in_french_has_french_menus(qapp, make_window):
    assert install_language(qapp, "fr") == "fr"
    window = make_window()
    assert menu_titles(window)[:4] == ["&Fichier", "É&dition", "&Affichage", "E&xemples"]
    texts = {a.text() for a in window.menuBar().actions()[0].menu().actions()}
    assert {"&Nouveau", "&Ouvrir…", "&Enregistrer", "Enregistrer &sous…", "&Quitter"} <= texts
    assert window.action_map["undo"].text().startswith("&Annuler")
    assert window.language_actions["fr"].isChecked()  # the language in use
    assert window.language_menu.title() == "&Langue"


def test_qt_standard_buttons_are_french_with_its_shipped_translations(qapp):
    install_language(qapp, "fr")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Open)
    assert {button.text() for button in box.buttons()} == {"Annuler", "Ouvrir"}
    install_language(qapp, "en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    assert isinstance(QApplication.instance(), QApplication)


def test_no_english_is_left_in_the_file_and_edit_menus_in_french(qapp, make_window):
    """What gui/actions.py builds is all French (the Examples menu lists the files' own names,
    and View holds entries of other modules, still English)."""
    french = set()
    for message in i18n.read_catalogue("fr"):
        if message.id:
            french |= set(message.string) if isinstance(message.string, tuple) else {message.string}
    install_language(qapp, "fr")
    window = make_window()
    for menu_action in window.menuBar().actions()[:2]:  # Fichier, Édition
        for action in menu_action.menu().actions():
            if action.isSeparator():
                continue
            assert action.text() in french, action.text()
            assert action.menu() is None or action.menu().title() in french
