"""The French catalogue speaks the courses' vocabulary: docs/glossary.md's terms, used everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import i18n

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
COURSE_TERMS = {  # the vocabulary issue 11 names: each must be in the glossary
    "couche dense", "neurone", "poids", "biais", "fonction d'activation", "fonction de perte",
    "fonction de coût", "descente de gradient", "taux d'apprentissage", "époque", "lot", "mini-lot",
    "rétropropagation", "jeu d'entraînement", "jeu de validation", "sur-apprentissage",
    "arrêt anticipé", "fonction de Heaviside", "fonction marche", "produit de convolution",
    "couche de regroupement"}


def glossary() -> list[tuple[str, str]]:
    """(English, French) rows of the table, each without its parenthesised remarks."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] not in ("English", "") and not set(cells[0]) <= set("-:"):
            rows.append((cells[0].split(" (")[0], cells[1].split(" (")[0]))
    return rows


def prose(text: str) -> str:
    """The words a person reads: no quoted JSON or code, no {placeholders}, no --options."""
    text = re.sub(r'"[^"]*"', " ", text)
    text = re.sub(r"--[\w-]+", " ", text)
    text = re.sub(r"\{[^{}]*\}", " ", text)
    return re.sub(r"\{[^{}]*\}", " ", text)  # nested JSON such as {"hidden": {"bias": [0.0]}}


def english_pattern(term: str) -> re.Pattern:
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"(s|es)?\b", re.IGNORECASE)


def french_pattern(term: str) -> re.Pattern:
    """Each word may take the plural (couches denses, taux d'apprentissage, poids)."""
    words = [re.escape(word) + r"[sx]?" for word in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def test_the_glossary_has_the_courses_vocabulary():
    french = {fr.lower() for _en, fr in glossary()}
    assert len(glossary()) > 30
    assert {term.lower() for term in COURSE_TERMS} <= french, COURSE_TERMS - french


def test_the_glossary_gives_one_french_term_per_english_term():
    english = [en.lower() for en, _fr in glossary()]
    assert len(english) == len(set(english))


@pytest.fixture(scope="module")
def pairs():
    """(English text, French text) of every catalogue entry, plural forms paired."""
    result = []
    for message in i18n.read_catalogue("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        result += [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(texts)]
    return result


def test_the_catalogue_uses_the_glossary_terms(pairs):
    """A message whose English says "learning rate" says « taux d'apprentissage » in French."""
    wrong = []
    for english_term, french_term in glossary():
        english, french = english_pattern(english_term), french_pattern(french_term)
        for msgid, msgstr in pairs:
            if english.search(prose(msgid)) and not french.search(prose(msgstr)):
                wrong.append(f"{english_term!r} -> {french_term!r}: {msgid!r} => {msgstr!r}")
    assert not wrong, "\n".join(wrong)


def test_the_check_can_fail():
    english, french = english_pattern("learning rate"), french_pattern("taux d'apprentissage")
    assert english.search("The learning rates (0.5)") and french.search("Les taux d'apprentissage")
    assert not french.search("la vitesse d'apprentissage")
    assert french_pattern("couche dense").search("deux couches denses")
    assert not english.search(prose('{"learning rate": 1}'))
