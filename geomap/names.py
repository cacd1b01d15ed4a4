"""Name normalisation: the keys under which the gazetteer files a place name.

Two spellings of one name should meet at one key: case, diacritics and transliteration marks
("Ḩuşaybah" = "Husaybah"), apostrophes and ayn marks ("al Qa'im" = "Al Qā’im"), hyphens and
Arabic article variants ("Al-Qaim" = "al Qaim" = "Qaim"). The original spelling is kept for
display; only keys are normalised.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: Leading Arabic articles (and their assimilated forms) that a name may carry or drop.
ARTICLES: Final = frozenset(
    "al el ar er as es ash esh ad ed an en az ez at et ath adh ud ul".split()
)

_MARKS: Final = str.maketrans(
    {
        # Apostrophes, ayn/hamza marks and modifier letters: dropped.
        "'": None,
        "’": None,
        "‘": None,
        "`": None,
        "´": None,
        "ʿ": None,
        "ʾ": None,
        "ʻ": None,
        "ʼ": None,
        "′": None,
        "ˈ": None,
        # Letters NFKD does not decompose.
        "ı": "i",
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "ng",
        "ə": "e",
        "Ə": "e",
    }
)
_SEPARATORS: Final = re.compile(r"[\s\-‐‑‒–—_/.,;:()\[\]\"“”]+")
_SOFT: Final = re.compile(r"[aeiouyhw]")
_DOUBLES: Final = re.compile(r"(.)\1+")


#: Names normalised and keyed so far (:func:`normalize`, :func:`keys`), emptied when full: a
#: corpus names the same places again and again. Plain dicts rather than ``functools.lru_cache``:
#: compiled, a call through the cache's wrapper cost more than most normalisations, and its
#: entries are objects the garbage collector tracks (a cold LGL pass adds some 12,000).
_NORMAL: Final[dict[str, str]] = {}
_KEYS: Final[dict[str, tuple[str, ...]]] = {}
_MEMO_SIZE: Final = 65536


def normalize(name: str) -> str:
    """The lookup key of a name: lower case, ASCII, words separated by single spaces.

    >>> normalize("Ḩuşaybah"), normalize("al Qa'im"), normalize("Deir ez-Zour")
    ('husaybah', 'al qaim', 'deir ez zour')
    """
    key = _NORMAL.get(name)
    if key is None:
        if len(_NORMAL) >= _MEMO_SIZE:
            _NORMAL.clear()
        key = _NORMAL[name] = _normalize(name)
    return key


def _normalize(name: str) -> str:
    if name.isascii():  # most names: no diacritics to fold, and casefold() is lower()
        # isalnum rather than isalpha: compiled, it is a C loop where isalpha is a method
        # call (some 700 instructions), 7.9M fewer in a cold LGL pass (of 2,125M); an ASCII
        # letter or digit is never a mark or a separator.
        if name.isalnum():  # one plain word (most): no mark to drop, no separator
            return name.lower()
        # Plain words between single spaces (nearly all the others: "New York", "Lake
        # Charles"): no mark to drop, and each separator is already one space.
        if (
            name.replace(" ", "").isalnum()
            and "  " not in name
            and name[0] != " "
            and name[-1] != " "
        ):
            return name.lower()
        return _SEPARATORS.sub(" ", name.translate(_MARKS).lower()).strip()
    text = name.translate(_MARKS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().translate(_MARKS)
    return _SEPARATORS.sub(" ", text).strip()


def strip_article(key: str) -> str:
    """The key without a leading Arabic article ("al qaim" -> "qaim"), or the key itself."""
    head, _, rest = key.partition(" ")
    if rest and head in ARTICLES:
        return rest
    return key


def keys(name: str) -> tuple[str, ...]:
    """Every key a name is filed under: its normal form, and that form without an article."""
    found = _KEYS.get(name)
    if found is None:
        if len(_KEYS) >= _MEMO_SIZE:
            _KEYS.clear()
        key = normalize(name)
        bare = strip_article(key)
        found = _KEYS[name] = () if not key else (key,) if bare == key else (key, bare)
    return found


def skeleton(key: str) -> str:
    """A coarse consonant skeleton for transliteration variants of one name: the first letter
    and the hard consonants, without an Arabic article, vowels, "h", "w", "y" and doubled
    letters.

    Transliterations keep it ("deir ez zour" and "deir ez zor": "drzr"; "fallouja" and
    "fallujah": "flj"; "tikreet" and "tikrit": "tkrt"), an English misspelling usually changes
    it ("oconee": "ocn", "ocoee": "oc"). Used only when no exact key matches.
    """
    key = strip_article(key).replace(" ", "")
    if not key:
        return ""
    return _DOUBLES.sub(r"\1", key[0] + _SOFT.sub("", key[1:]))


def is_latin(name: str) -> bool:
    """Whether every letter of a name is Latin script (basic or extended)."""
    for char in name:
        if char.isalpha() and not ("LATIN" in unicodedata.name(char, "") or char.isascii()):
            return False
    return any(char.isalpha() for char in name)


def is_abbreviation(name: str) -> bool:
    """Whether a name has the shape of an abbreviation: at most five letters ending with a
    period ("Okla.", "N. Mex."), at most four capitals ("QLD", "NSW", "ON"), or a capital and
    consonants ("Qld", "Nfld").

    The bundled gazetteer marks a region's abbreviations among its alternate names by this
    shape (``gazetteer/README.md``); the index files them under their own match quality.

    >>> is_abbreviation("Okla."), is_abbreviation("Qld"), is_abbreviation("Ontario")
    (True, True, False)
    """
    letters = name.replace(".", "").replace(" ", "")
    if not letters.isalpha() or len(letters) > 5:
        return False
    if name.endswith("."):
        return True
    if letters.isupper():
        return len(letters) <= 4
    return letters[0].isupper() and not any(c in "aeiouy" for c in letters[1:].lower())
