"""The French catalogue is complete, in step with the code, and its translations can be used:
every marked string has a translation, no entry is empty or fuzzy, placeholders match, and the
French typography is the same everywhere."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract, extract_from_dir

from core import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("core", "gui")  # plus main.py
NBSP = "\u00a0"


def marked_messages() -> dict[str, str]:
    """msgid -> where, for every string marked with _, ngettext, pgettext or N_ in our code."""
    found: dict[str, str] = {}
    for folder in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
                str(ROOT / folder), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS):
            for msgid in (message,) if isinstance(message, str) else message[:1]:
                found.setdefault(msgid, f"{folder}/{filename}:{lineno}")
    with (ROOT / "main.py").open("rb") as handle:
        for lineno, message, _comments, _context in extract("python", handle,
                                                              keywords=DEFAULT_KEYWORDS):
            msgid = message if isinstance(message, str) else message[0]
            found.setdefault(msgid, f"main.py:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalogue():
    return i18n.read_catalogue("fr")


@pytest.fixture(scope="module")
def entries(catalogue):
    return [message for message in catalogue if message.id]


def strings_of(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def ids_of(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def test_the_extraction_sees_the_marked_strings():
    found = marked_messages()
    assert "Stopped by the user." in found  # _()
    assert "Finished {count} epoch." in found  # ngettext()
    assert "a folder" in found  # N_()
    assert len(found) > 150


def test_no_entry_is_untranslated_or_fuzzy(entries):
    assert len(entries) > 150
    bad = [message.id for message in entries
           if message.fuzzy or not all(text.strip() for text in strings_of(message))]
    assert not bad, f"untranslated or fuzzy entries in the French catalogue: {bad[:10]}"


def test_every_marked_string_has_a_catalogue_entry(catalogue):
    missing = {msgid: where for msgid, where in marked_messages().items()
               if catalogue.get(msgid) is None}
    assert not missing, ("strings marked for translation with no French entry (update the "
                         f"catalogue, see docs/i18n.md): {missing}")


def test_no_catalogue_entry_is_left_over_from_old_code(entries):
    found = marked_messages()
    stale = [ids_of(message)[0] for message in entries if ids_of(message)[0] not in found]
    assert not stale, f"entries no code uses any more (remove them): {stale[:10]}"


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text)
            if name is not None}


def test_translations_keep_the_placeholders_of_the_english(entries):
    """A missing or misspelt {name} would raise KeyError in .format(), or lose a value."""
    wrong = []
    for message in entries:
        for text in strings_of(message):
            if placeholders(text) != placeholders(ids_of(message)[-1]):
                wrong.append((ids_of(message)[0], text))
    assert not wrong, wrong


def test_plural_entries_have_both_french_forms(entries):
    plurals = [message for message in entries if isinstance(message.id, tuple)]
    assert plurals
    for message in plurals:
        assert len(message.string) == 2, message.id


def prose(text: str) -> str:
    """The text without quoted JSON or code, where French typography does not apply."""
    text = re.sub(r'"[^"]*"', '""', text)
    return re.sub(r"'[^' ]*'", "''", text)


def test_french_typography_is_consistent(entries):
    """A no-break space before : ; ? ! and inside « », never an ordinary one; no English
    quotation marks in prose; the apostrophe is always the same (')."""
    wrong = []
    for message in entries:
        for text in strings_of(message):
            body = prose(text)
            if re.search(r" [:;?!»]", body) or "« " in body or re.search(r"\w[;?!»]", body) \
                    or re.search(r"«\w", body) or "\u2019" in body or "“" in body:
                wrong.append(text)
    assert not wrong, wrong


def test_colons_in_french_prose_have_their_space(entries):
    """"erreur : ..." and not "erreur: ...": a letter, a digit or a bracket directly before a
    colon followed by a space is English typography (URLs, "1:1" and JSON are not prose)."""
    wrong = [text for message in entries for text in strings_of(message)
             if re.search(r"[\w)}\]]: ", prose(text))]
    assert not wrong, wrong


def test_the_catalogue_is_usable_as_gettext_translations():
    i18n.set_language("fr")
    try:
        assert i18n.ngettext("{count} number", "{count} numbers", 3).format(count=3) == "3 nombres"
    finally:
        i18n.set_language("en")
