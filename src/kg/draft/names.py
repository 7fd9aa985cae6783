"""Name keys: what two spellings of one name have in common.

A mention and a label match when their keys are equal. Keys forget what news texts vary in
without changing the thing named: case, punctuation, a leading article, plural endings, the
word variants of :data:`WORD_VARIANTS` ("Technology Parks" and "Technoparks", "SEZ" and
"Special Economic Zones", "RF", "the Russian Federation" and "Russia"), and the script: Cyrillic is
romanized with ``anyascii`` before anything else, so «Михаил Лабудин» and "Mikhail Labudin"
share a key. Person names get a second, looser key (:func:`person_key`) for the romanization
variants of one Russian name (Yevgeny/Evgeny/Evgeniy, Aleksandr/Alexander).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

WORD_VARIANTS: tuple[tuple[str, str], ...] = (
    # (pattern on the romanized, lower-cased text, replacement); applied in this order
    (r"\btechnology parks?\b", "technopark"),
    (r"\btechno parks?\b", "technopark"),
    (r"\btechnoparks\b", "technopark"),
    (r"\bspecial economic zones?\b", "sez"),
    (r"\bfree economic zones?\b", "fez"),
    (r"\b(?:the )?russian federation\b", "russia"),
    (r"\brf\b", "russia"),
    (r"\bsezs\b", "sez"),
    (r"\bfezs\b", "fez"),
)
"""Spellings of one word or phrase that news texts use interchangeably."""

_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in WORD_VARIANTS)
_STOPWORDS = frozenset({"the", "of", "and", "at", "in", "for", "&"})
_LEADING_ARTICLES = ("the ", "a ", "an ")
_TOKEN = re.compile(r"[a-z0-9]+")


def romanize(text: str) -> str:
    """``text`` in Latin letters (Cyrillic and other scripts romanized), accents removed."""
    decomposed = unicodedata.normalize("NFKC", text)
    return anyascii(decomposed)


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the key sees them: romanized, lower-cased, variants folded,
    plural ``s`` dropped, articles and small words left out."""
    lowered = re.sub(r"['\u2019]s\b", "", romanize(text).lower()).replace("'", "").replace("\u2019", "")
    for pattern, replacement in _COMPILED:
        lowered = pattern.sub(replacement, lowered)
    words = _TOKEN.findall(lowered)
    return [_singular(w) for w in words if w not in _STOPWORDS]


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def name_key(text: str) -> str:
    """The key two spellings of one name share.

    >>> name_key("the Association of Clusters, Technoparks and SEZs of Russia")
    'association cluster technopark sez russia'
    >>> name_key("Association of Clusters, Technology Parks and Special Economic Zones of Russia")
    'association cluster technopark sez russia'
    >>> name_key("the ACTP of the Russian Federation") == name_key("ACTP RF")
    True
    >>> name_key("the Russian Federation's") == name_key("Russia")
    True
    """
    return " ".join(tokens(text))


def strip_article(text: str) -> str:
    """``text`` without a leading "the", "a" or "an" (case ignored)."""
    lowered = text.lower()
    for article in _LEADING_ARTICLES:
        if lowered.startswith(article):
            return text[len(article) :]
    return text


_ROMANIZATION_FOLDS: tuple[tuple[str, str], ...] = (
    (r"^ye", "e"),
    (r"^yo", "e"),
    (r"^jo", "e"),
    (r"^je", "e"),
    (r"kh", "h"),
    (r"ks", "x"),
    (r"ph", "f"),
    (r"w", "v"),
    (r"tch", "ch"),
    (r"(iy|ii|yi|ij|y)$", "i"),
    (r"yu", "iu"),
    (r"ya", "ia"),
    (r"ju", "iu"),
    (r"ja", "ia"),
)
_FOLDS = tuple((re.compile(pattern), replacement) for pattern, replacement in _ROMANIZATION_FOLDS)
_INNER_VOWELS = re.compile(r"(?<=.)[aeiouy](?=.)")
_DOUBLE = re.compile(r"(.)\1+")


def _word_skeleton(word: str) -> str:
    for pattern, replacement in _FOLDS:
        word = pattern.sub(replacement, word)
    word = _INNER_VOWELS.sub("", word)
    return _DOUBLE.sub(r"\1", word)


def person_key(name: str) -> str:
    """A looser key for a person's name: the romanization variants of one Russian name agree.

    Inner vowels are dropped and the usual spelling pairs folded (ye/e, kh/h, ks/x, -iy/-y/-i),
    but the first and last letters stay, so "Ivanov" and "Ivanova" still differ.

    >>> person_key("Yevgeny Kravchenko") == person_key("Evgeny Kravchenko") == person_key("Евгений Кравченко")
    True
    >>> person_key("Aleksandr Petrov") == person_key("Alexander Petrov")
    True
    >>> person_key("Ivan Ivanov") == person_key("Ivan Ivanova")
    False
    """
    words = _TOKEN.findall(romanize(name).lower().replace("'", ""))
    return " ".join(_word_skeleton(w) for w in words)
