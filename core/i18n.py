"""French and English: the one translation mechanism of NeuroCanvas, for core and gui alike.

    from core.i18n import _, ngettext
    print(_("Finished {count} epochs.").format(count=n))       # marked where it is used
    print(ngettext("Valid — {n} parameter", "Valid — {n} parameters", n).format(n=n))

The messages are written in English in the code (the msgid is the English text) and translated in
``assets/translations/<lang>/LC_MESSAGES/*.po``: one gettext catalogue per language, kept in one
file per area of the program (neurocanvas.po: core and the command line; window.po, training.po,
...) and read as one.

Why gettext, read with Babel, and not Qt's tr():
  * core must stay Qt-free (import-linter forbids PySide6 in core), and validation messages,
    file-format errors, training reasons and run-health advice are core's; one mechanism for core
    and gui means one catalogue, one extraction and one completeness test, not two that drift.
  * gettext is the standard the translators' tools (Poedit, Weblate) speak, with plural forms
    from the catalogue's own ``Plural-Forms`` header (French: ``nplurals=2; plural=(n > 1)``, so
    "0 paramètre", "1 paramètre", "2 paramètres"; English: n != 1).
  * The .po file itself is read at run time (babel.messages.pofile.read_po, compiled to .mo in
    memory with write_mo, then handed to the standard library's gettext.GNUTranslations): there
    is no compiled .mo in the tree that could be stale, and fuzzy entries are never used.
  * Babel also knows each language's number symbols (decimal comma and narrow no-break space in
    French), used by `format_number` / `format_decimal` / `format_percent`.

Strings are translated when they are used, never at import time (`_` looks up the language of the
moment), so `set_language` takes effect for every message built afterwards. The program's entry
points choose the language (main.py from ``--lang`` or the system locale, the GUI from its
settings): importing this module never reads the environment, so the library and its tests
behave the same on every machine until someone asks for a language. The default is English.

Numbers typed by a person: `parse_number` accepts both "0,5" and "0.5" in either language (a
class in France uses both, and a learning rate typed the "wrong" way must not become 5). Babel's
parse_decimal is not used for this: in English it reads "0,5" as 5, grouping the comma.
Files always store JSON numbers; only what people read and type is localized.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
import re
import threading
from pathlib import Path
from typing import Mapping

DOMAIN = "neurocanvas"
LANGUAGES = ("en", "fr")  # en is the source language: its "catalogue" is the code itself
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}  # each in its own language, never translated
DEFAULT_LANGUAGE = "en"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "assets" / "translations"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order of priority

_lock = threading.Lock()
_loaded: dict[str, _gettext.NullTranslations] = {}
_language = DEFAULT_LANGUAGE
_active: _gettext.NullTranslations = _gettext.NullTranslations()


class LanguageError(ValueError):
    """A language NeuroCanvas has no catalogue for, or a catalogue that cannot be read."""


# ----- choosing the language ----------------------------------------------------------------------
def normalize_language(code: str | None) -> str | None:
    """"fr", "fr_FR.UTF-8", "fr-CA", "FR" -> "fr"; "en_GB" -> "en"; anything else -> None."""
    if not code:
        return None
    base = re.split(r"[_.@-]", code.strip(), maxsplit=1)[0].lower()
    return base if base in LANGUAGES else None


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the system locale: the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is
    set decides (LANGUAGE may list several, "de:fr", the first we have wins); a locale that is
    neither French nor English (C, POSIX, de_DE) gives English."""
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if not value:
            continue
        if name == "LANGUAGE":
            found = [normalize_language(part) for part in value.split(":")]
            found = [code for code in found if code]
            if found:
                return found[0]
            continue  # GNU gettext too falls through to the locale when LANGUAGE has nothing
        return normalize_language(value) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def language_option(argv: list[str]) -> str | None:
    """The value of ``--lang X`` / ``--lang=X`` anywhere in argv when it names a language we
    have, else None (a wrong value is left for the parser to refuse, with its usage message)."""
    for index, arg in enumerate(argv):
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value is not None and value in LANGUAGES:
            return value
    return None


def strip_language_option(argv: list[str]) -> list[str]:
    """argv without its ``--lang X`` / ``--lang=X`` options (for the window, which takes a FILE)."""
    rest, skip = [], False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--lang":
            skip = index + 1 < len(argv)
            continue
        if not arg.startswith("--lang="):
            rest.append(arg)
    return rest


def catalogue_paths(language: str) -> list[Path]:
    """The language's catalogue files, one per area of the program (``neurocanvas.po`` for core
    and the command line, ``window.po``, ``training.po``...): areas translated side by side never
    edit the same file. Read together, they are one catalogue."""
    return sorted((TRANSLATIONS_DIR / language / "LC_MESSAGES").glob("*.po"),
                  key=lambda path: (path.stem != DOMAIN, path.name))


def read_catalogue(language: str):
    """The language's babel Catalog: its files merged, as they say (fuzzy and empty entries
    included). The same English text in two files must have the same translation."""
    merged = None
    for path in catalogue_paths(language) or [TRANSLATIONS_DIR / language / f"{DOMAIN}.po"]:
        part = _read_po(path, language)
        if merged is None:
            merged = part  # neurocanvas.po first: its header (plural forms) is the catalogue's
            continue
        for message in part:
            if not message.id:
                continue  # the file's header
            known = merged.get(message.id, context=message.context)
            if known is not None and known.string != message.string:
                raise LanguageError(f"{path.name} translates {message.id!r} differently from "
                                    "another catalogue file of the same language")
            merged.add(message.id, message.string, message.locations, message.flags,
                       message.auto_comments, message.user_comments, message.previous_id,
                       message.lineno, message.context)
    return merged


def _read_po(path: Path, language: str):
    from babel.messages.pofile import read_po

    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=language, domain=path.stem)
    except (OSError, ValueError) as exc:
        raise LanguageError(f"Cannot read the {language} catalogue {path}: {exc}") from exc


def _translations(language: str) -> _gettext.NullTranslations:
    with _lock:
        if language not in _loaded:
            if language == DEFAULT_LANGUAGE:
                _loaded[language] = _gettext.NullTranslations()
            else:
                from babel.messages.mofile import write_mo

                buffer = io.BytesIO()
                write_mo(buffer, read_catalogue(language), use_fuzzy=False)
                buffer.seek(0)
                _loaded[language] = _gettext.GNUTranslations(buffer)
        return _loaded[language]


def set_language(language: str) -> str:
    """Use ``language`` ("en", "fr", or a locale name such as "fr_FR.UTF-8") from now on."""
    global _language, _active
    code = normalize_language(language)
    if code is None:
        raise LanguageError(f"NeuroCanvas speaks {' and '.join(LANGUAGES)}, not {language!r}.")
    translations = _translations(code)
    _language, _active = code, translations
    return code


def current_language() -> str:
    return _language


# ----- translating ------------------------------------------------------------------------------
def _(message: str) -> str:
    """``message`` (English) in the current language."""
    return _active.gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` under the current language's plural rule (fill in n with .format)."""
    return _active.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in a context, for a short English word with two French translations."""
    return _active.pgettext(context, message)


def gettext_in(language: str, message: str) -> str:
    """``message`` in ``language`` whatever the current one is (e.g. "applies at the next start",
    said in the language just chosen)."""
    return _translations(normalize_language(language) or DEFAULT_LANGUAGE).gettext(message)


def N_(message: str) -> str:
    """Marks a string for the catalogue without translating it (translate it later with `_`)."""
    return message


# ----- numbers ----------------------------------------------------------------------------------
def _symbols(language: str) -> tuple[str, str]:
    """(decimal symbol, group symbol) of ``language``; English needs no Babel at all."""
    if language == "en":
        return ".", ","
    from babel.numbers import get_decimal_symbol, get_group_symbol
    return get_decimal_symbol(language), _plain_space(get_group_symbol(language))


def _plain_space(text: str) -> str:
    """CLDR's narrow no-break space (U+202F, French thousands and "50 %") as a no-break space
    (U+00A0): the same look, and one that Windows consoles (cp1252) and every font can show."""
    return text.replace("\u202f", "\u00a0")


def decimal_symbol() -> str:
    """"." in English, "," in French."""
    return _symbols(_language)[0]


def format_number(value: float, spec: str = "g") -> str:
    """``format(value, spec)`` with the current language's symbols: format_number(0.5) is "0.5"
    in English and "0,5" in French; ",.0f" groups thousands ("12 345" with a no-break space in
    French). Every Python format spec works, so ".6g" or ".3f" keep their meaning."""
    text = format(value, spec)
    decimal, group = _symbols(_language)
    if (decimal, group) == (".", ","):
        return text
    return text.translate({ord("."): decimal, ord(","): group})


def format_decimal(value: float, pattern: str | None = None) -> str:
    """Babel's format_decimal in the current language (its default: up to 3 decimals)."""
    from babel.numbers import format_decimal as babel_format
    return _plain_space(babel_format(value, format=pattern, locale=_language))


def format_percent(value: float, decimals: int = 0) -> str:
    """0.5 -> "50%" in English, "50 %" (no-break space) in French, as each language writes it."""
    from babel import Locale
    from babel.numbers import format_percent as babel_percent
    pattern = Locale.parse(_language).percent_formats[None].pattern  # "#,##0%", "#,##0\u00a0%"
    if decimals > 0:
        pattern = re.sub(r"0(?=[^0#]*%)", "0." + "0" * decimals, pattern, count=1)
    return _plain_space(babel_percent(value, format=pattern, locale=_language))


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def parse_number(text: str) -> float:
    """A number as a person types it, in either language: "0,5", "0.5", "1 000,5", "1,000.5",
    "1e-3", "2,5e-4". A single "," or "." is the decimal separator; with both, the last one is
    (the other groups thousands); spaces group thousands. Raises ValueError for anything else."""
    cleaned = _SPACES.sub("", str(text))
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        other = "." if decimal == "," else ","
        whole, _sep, fraction = cleaned.rpartition(decimal)
        if other in fraction:
            raise ValueError(f"not a number: {text!r}")
        cleaned = whole.replace(other, "") + "." + fraction
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned)
