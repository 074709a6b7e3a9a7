"""French and English (core.i18n): choosing the language, plural forms, numbers, switching."""

from __future__ import annotations

import pytest

from core import i18n
from core.i18n import _, ngettext


@pytest.fixture(autouse=True)
def english_again():
    """Every test leaves the process in English, as the other core tests expect."""
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr_CA.UTF-8"}, "fr"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),  # a language we do not have: English
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr"),  # LC_ALL before LANG
    ({"LC_ALL": "en_US.UTF-8", "LANGUAGE": "fr"}, "fr"),  # LANGUAGE first of all
    ({"LANGUAGE": "de:fr:en", "LANG": "en_US.UTF-8"}, "fr"),  # the first one we have
    ({"LANGUAGE": "de", "LANG": "fr_FR.UTF-8"}, "fr"),  # nothing usable: on to the locale
    ({"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
    ({"LANG": "fr_FR@euro"}, "fr"),
])
def test_the_language_follows_the_system_locale(environ, expected):
    assert i18n.system_language(environ) == expected


def test_importing_reads_no_environment_and_speaks_english(monkeypatch):
    """The entry points choose the language; the library itself starts in English."""
    assert i18n.current_language() == "en"
    assert _("Stopped by the user.") == "Stopped by the user."


def test_switching_language_changes_the_next_message():
    i18n.set_language("fr")
    assert i18n.current_language() == "fr"
    assert _("Stopped by the user.") == "Arrêté par l'utilisateur."
    i18n.set_language("en")
    assert _("Stopped by the user.") == "Stopped by the user."


def test_a_locale_name_is_accepted_and_an_unknown_language_refused():
    assert i18n.set_language("fr_FR.UTF-8") == "fr"
    with pytest.raises(i18n.LanguageError):
        i18n.set_language("de")
    assert i18n.current_language() == "fr"  # a refused language changes nothing


def test_gettext_in_a_language_leaves_the_current_one():
    assert i18n.gettext_in("fr", "Stopped by the user.") == "Arrêté par l'utilisateur."
    assert i18n.current_language() == "en"


@pytest.mark.parametrize("n, english, french", [
    (0, "Finished 0 epochs.", "Terminé\u00a0: 0 époque."),  # French: 0 and 1 are singular
    (1, "Finished 1 epoch.", "Terminé\u00a0: 1 époque."),
    (2, "Finished 2 epochs.", "Terminé\u00a0: 2 époques."),
    (300, "Finished 300 epochs.", "Terminé\u00a0: 300 époques."),
])
def test_plural_forms_follow_each_language(n, english, french):
    def text():
        return ngettext("Finished {count} epoch.", "Finished {count} epochs.", n).format(count=n)
    assert text() == english
    i18n.set_language("fr")
    assert text() == french


def test_the_french_catalogue_declares_the_french_plural_rule():
    catalogue = i18n.read_catalogue("fr")
    assert catalogue.num_plurals == 2 and catalogue.plural_expr.replace(" ", "") == "(n>1)"


# ----- numbers ---------------------------------------------------------------------------------
def test_numbers_are_written_in_the_language_on_display():
    assert i18n.format_number(0.5) == "0.5"
    assert i18n.format_number(1234567.25, ",.2f") == "1,234,567.25"
    assert i18n.format_percent(0.5) == "50%"
    i18n.set_language("fr")
    assert i18n.format_number(0.5) == "0,5"
    assert i18n.format_number(0.001234, ".3g") == "0,00123"
    assert i18n.format_number(1234567.25, ",.2f") == "1\u00a0234\u00a0567,25"
    assert i18n.format_number(3) == "3"
    assert i18n.format_percent(0.5) == "50\u00a0%"
    assert i18n.format_percent(0.523, 1) == "52,3\u00a0%"
    assert i18n.format_decimal(0.5) == "0,5"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("text, value", [
    ("0,5", 0.5), ("0.5", 0.5), ("-0,25", -0.25), (" 2 ", 2.0), ("1e-3", 0.001),
    ("2,5e-4", 2.5e-4), ("1 000,5", 1000.5), ("1\u00a0000,5", 1000.5), ("1\u202f000,5", 1000.5),
    ("1,000.5", 1000.5), ("1.000,5", 1000.5), (".5", 0.5), ("3.", 3.0),
])
def test_typed_numbers_accept_both_decimal_separators(language, text, value):
    i18n.set_language(language)
    assert i18n.parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "0,5.2,1", "1..2", "e5", "--1", "nan"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        i18n.parse_number(text)


# ----- the --lang option ----------------------------------------------------------------------
@pytest.mark.parametrize("argv, language, rest", [
    (["--lang", "fr", "validate", "x.json"], "fr", ["validate", "x.json"]),
    (["validate", "--lang=fr", "x.json"], "fr", ["validate", "x.json"]),
    (["validate", "x.json", "--lang", "en"], "en", ["validate", "x.json"]),
    (["--lang", "de", "x.json"], None, ["x.json"]),
    (["x.json"], None, ["x.json"]),
])
def test_the_lang_option_is_found_anywhere(argv, language, rest):
    assert i18n.language_option(argv) == language
    assert i18n.strip_language_option(argv) == rest


def test_the_catalogue_files_of_a_language_are_read_as_one(tmp_path, monkeypatch):
    """One file per area (translated side by side); the same English must not get two Frenches."""
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n')
    (folder / "neurocanvas.po").write_text(header + 'msgid "Epoch"\nmsgstr "Époque"\n',
                                           encoding="utf-8")
    (folder / "training.po").write_text(header + 'msgid "Train"\nmsgstr "Entraîner"\n'
                                        'msgid "Epoch"\nmsgstr "Époque"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path)
    catalogue = i18n.read_catalogue("fr")
    assert catalogue.get("Train").string == "Entraîner" and catalogue.get("Epoch").string == "Époque"
    (folder / "window.po").write_text(header + 'msgid "Epoch"\nmsgstr "Epoque"\n', encoding="utf-8")
    with pytest.raises(i18n.LanguageError, match="window.po"):
        i18n.read_catalogue("fr")
