"""The readings of the extraction stage written for speed find what the patterns they stand
for find: on every LGL article (when the corpus is at hand) and on random texts."""

from __future__ import annotations

import json
import os
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from geomap import extract

LGL = Path(os.environ.get("GEOMAP_LGL", "/work/shared/eval/lgl.jsonl"))


def _lgl_texts() -> Iterator[str]:
    with LGL.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)["text"]


def _random_texts(words: list[str], seps: list[str], *, most: int) -> Iterator[str]:
    """3,000 texts of 1 to ``most`` words, each followed by a separator (the same at each run)."""
    rng = random.Random(16)
    for _ in range(3_000):
        yield "".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(1, most)))


def _type_after_agrees(text: str) -> None:
    # Wherever the pattern may be tried: after each position that a blank follows.
    for end in range(len(text) + 1):
        if extract._may_type_after(text, end):
            expected = extract._type_after(text, end)
            assert extract._type_after_name(text, end) == expected, (text[end : end + 30], end)


def test_the_type_word_after_a_name_is_what_its_pattern_finds_on_random_texts():
    # Type words in any case, cut, run on, followed by digits, underscores or letters outside
    # ASCII ("ſ" and "K", the Kelvin sign, match "s" and "k" ignoring case), after one blank
    # or many, near the end of the text or not.
    rng = random.Random(16)
    words = [*extract._TYPE_AFTER_WORDS, "border", "borders", "bord", "to", "x"]
    words += ["ProVince", "CITIES", "border  town", "border\ttown", "border-town", "ſtate"]
    words += ["laKe", "lake", "İsland", "vallée", "areas_", "town1", "city’s", "river²"]
    seps = [" ", "  ", "\t", " \t ", "", ",", ".", "-", "_", "1", "é", " " * 12, "\n"]
    for _ in range(4_000):
        text = "".join(
            rng.choice(["Anbar", "X", ""]) + rng.choice(seps) + rng.choice(words)
            for _ in range(rng.randint(1, 5))
        )
        if rng.random() < 0.5:
            text = text.upper() if rng.random() < 0.5 else text.title()
        _type_after_agrees(text)
    assert extract._type_after_name("Anbar province", 5) == "province"
    assert extract._type_after_name("the Rabia border crossings", 9) == "border crossing"
    assert extract._type_after_name("Clay counties", 4) == "county"
    assert extract._type_after_name("Clay county1", 4) == ""


@pytest.mark.skipif(not LGL.exists(), reason="the LGL corpus is not at hand (GEOMAP_LGL)")
def test_the_type_word_after_a_name_is_what_its_pattern_finds_on_lgl():
    for text in _lgl_texts():
        _type_after_agrees(text)


def _token_kinds_agree(text: str, start: int, end: int) -> None:
    plain = {m.start(): m.lastgroup for m in extract._PLAIN_TOKEN.finditer(text, start, end)}
    tokens = [t for chunk in extract._chunks(text, start, end) for t in chunk]
    for t in tokens:
        assert plain.get(t.start) == t.kind, (text[t.start : t.end], t.kind)
    dotted = [k for k in plain.values() if k != "word"]
    assert sorted(dotted) == sorted(t.kind for t in tokens if t.kind != "word"), text


def test_a_tokens_kind_read_from_its_text_is_the_patterns():
    # _chunks tells an initial ("J."), an abbreviation ("St.") and a dotted one ("U.S.") by
    # their text, not by the group the pattern matched.
    rng = random.Random(16)
    pieces = ["J.", "St.", "Mt.", "Ft.", "Tt.", "U.S.", "A.B.C.", "S", "t.", " ", "  ", ".", "-"]
    pieces += ["al-", "Abadi", "Smith", "x", "'s", "\t", "\n", "é", "Los Angeles-based"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        for start in (0, 1):
            _token_kinds_agree(text, start, len(text))


@pytest.mark.skipif(not LGL.exists(), reason="the LGL corpus is not at hand (GEOMAP_LGL)")
def test_a_tokens_kind_read_from_its_text_is_the_patterns_on_lgl():
    for text in _lgl_texts():
        _token_kinds_agree(text, 0, len(text))


def test_the_letters_outside_ascii_that_match_ascii_ones_ignoring_case_are_known():
    letter = re.compile("[a-z]", re.I)
    folds = [chr(c) for c in range(128, sys.maxunicode + 1) if letter.match(chr(c))]
    assert "".join(folds) == extract._FOLDS_TO_ASCII


def _type_before_agrees(text: str) -> None:
    for start in range(1, len(text) + 1):
        if text[start - 1] in " \t":
            m = extract._TYPE_BEFORE.search(text[max(0, start - 30) : start])
            expected = (m.group(1) or m.group(2)).lower() if m else ""
            assert extract._type_before(text, start) == expected, (text[:start][-30:],)


def test_the_type_word_before_a_name_is_what_its_pattern_finds_on_random_texts():
    # As test_extract.py's test, with the two-word type words, long runs of blanks and long
    # words, which the window of 30 characters cuts.
    words = ["provincial", "capital", "border", "town", "city", "of", "the", "OF", "x", "1"]
    words += ["Provincial", "BORDER", "_", "county", "abcdefghijklmnopqrstuvwxcity", "é", "ſ"]
    words += ["İ", "ı", "\u212a", "’s", "cıty", "provİncial", "ofé", "éof", "Kity"]
    seps = [" ", " ", " ", "  ", "\t", "", "-", " " * 14, " " * 25]
    for text in _random_texts(words, seps, most=6):
        _type_before_agrees(text)


@pytest.mark.skipif(not LGL.exists(), reason="the LGL corpus is not at hand (GEOMAP_LGL)")
def test_the_type_word_before_a_name_is_what_its_pattern_finds_on_lgl():
    for text in _lgl_texts():
        _type_before_agrees(text)


def _person_context_agrees(text: str) -> None:
    for end in range(len(text)):
        if text[end] in " \t":
            after = text[end : end + 30]
            m = extract._VERB_AFTER.match(after)
            assert extract._verb_after(after) == (m.group(1) if m else ""), after
            assert extract._who_after(after) == bool(extract._WHO_AFTER.match(after)), after


def test_the_verb_or_who_after_a_name_is_what_their_patterns_find_on_random_texts():
    words = ["has", "had", "also", "said", "who", "whoé", "who_", "who1", "hasty", "Said"]
    words += ["told", "x", "é", "A", "also", ",", "1", "ha", "wh"]
    seps = [" ", " ", "  ", "\t", "", "-", " " * 20]
    for text in _random_texts(words, seps, most=6):
        _person_context_agrees(text)


@pytest.mark.skipif(not LGL.exists(), reason="the LGL corpus is not at hand (GEOMAP_LGL)")
def test_the_verb_or_who_after_a_name_is_what_their_patterns_find_on_lgl():
    for text in _lgl_texts():
        _person_context_agrees(text)


def _may_type_after_by_pairs(text: str, end: int) -> bool:
    # The reading _may_type_after replaced (a set of the pairs of letters that open a type
    # word), kept here to compare it with.
    blank = text[end : end + 1]
    if blank != " ":
        return blank == "\t"
    pair = text[end + 1 : end + 3]
    if pair in extract._TYPE_OPENINGS:
        return True
    return len(pair) == 2 and (ord(pair[0]) > 127 or ord(pair[1]) > 127 or pair[0] in " \t")


def _type_after_gates_agree(text: str) -> None:
    # The checks made before the type-word patterns after a name: the same answers as the
    # reading they replaced, and never False where the pattern matches.
    for end in range(len(text) + 2):
        may = extract._may_type_after(text, end)
        assert may == _may_type_after_by_pairs(text, end), (text[end : end + 5], end)
        if extract._TYPE_AFTER.match(text, end, end + 200):
            assert may, (text[end : end + 30], end)
        if extract._LIST_TYPE_AFTER.match(text, end, end + 200):
            assert extract._may_list_type_after(text, end), (text[end : end + 60], end)


def test_the_checks_before_the_type_word_patterns_pass_what_they_match_on_random_texts():
    # Lists of names with commas, "and" or "or" between spaces or tabs, type words and their
    # plurals, words in lower case or outside ASCII, and runs long enough to take the list's
    # "and" beyond the pattern's reach of 200 characters.
    words = ["Becker", "Clay", "Wilkin", "St.", "O'Brien", "Ab-Cd", "counties", "county"]
    words += ["towns", "cities", "border crossings", "and", "or", "And", "the", "x", "é", "ſ"]
    words += ["Éa", "pr", "PR", "Co", "a" * 90, "Long" * 25, "1", "_", "’", "Clay\tand", "or\t"]
    seps = [" ", " ", ", ", ",", " and ", " or ", ",\tand\t", " \t", "\t", "  ", "", ".", "-"]
    seps += [" " * 120, ", ", " and  "]
    for text in _random_texts(words, seps, most=9):
        _type_after_gates_agree(text)
    for text in ("Becker, Clay\tand Wilkin counties", "Becker, Clay,\tor Wilkin towns"):
        _type_after_gates_agree(text)
    assert extract._may_list_type_after("Becker, Clay and Wilkin counties", 6)
    assert extract._may_list_type_after("Clay and Wilkin counties", 4)
    assert not extract._may_list_type_after("Becker, the county", 6)


@pytest.mark.skipif(not LGL.exists(), reason="the LGL corpus is not at hand (GEOMAP_LGL)")
def test_the_checks_before_the_type_word_patterns_pass_what_they_match_on_lgl():
    for text in _lgl_texts():
        _type_after_gates_agree(text)


def _ends_none_pairs(words: frozenset[str] | dict[str, str]) -> frozenset[str]:
    # The reading _ends_none_at replaced: the pairs of an ASCII character and a space.
    last = {w[-1] for w in words}
    return frozenset(
        c + " " for c in map(chr, range(128)) if c not in " \t" and c.lower() not in last
    )


_ENDS_NONE = [
    (extract._NOT_AFTER_LOCATIVE, _ends_none_pairs(extract.LOCATIVE)),
    (extract._NOT_AFTER_PERSON_BEFORE, _ends_none_pairs(extract._PERSON_BEFORE)),
    (extract._NOT_AFTER_PART, _ends_none_pairs(extract._PARTS)),
    (extract._NOT_AFTER_TYPE, _ends_none_pairs(extract._TYPE_BEFORE_LAST)),
]


def _ends_none_agrees(text: str) -> None:
    for start in range(len(text) + 3):
        for table, pairs in _ENDS_NONE:
            expected = text[start - 2 : start] in pairs
            assert extract._ends_none_at(text, start, table) == expected, (text[:start][-5:],)


def test_the_character_before_a_name_is_read_as_the_pairs_it_replaced_on_random_texts():
    rng = random.Random(16)
    pieces = ["in", "near", "of", "the", "town", "by", "Mr", "north", "x", "1", ".", ",", "é"]
    pieces += [" ", " ", "  ", "\t", "\x7f", "ſ", "N", "Y", "X"]
    for _ in range(3_000):
        _ends_none_agrees("".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))))


@pytest.mark.skipif(not LGL.exists(), reason="the LGL corpus is not at hand (GEOMAP_LGL)")
def test_the_character_before_a_name_is_read_as_the_pairs_it_replaced_on_lgl():
    for text in _lgl_texts():
        _ends_none_agrees(text)


def _letters_agree(text: str) -> None:
    # A token's letter count, read once per word, is what single_ok counted at each call.
    for chunk in extract._chunks(text, 0, len(text)):
        for t in chunk:
            counted = len(t.text) if t.text.isalpha() else sum(map(str.isalpha, t.text))
            assert t.letters in (-1, counted), t.text


def test_a_tokens_letter_count_is_its_texts_on_random_texts():
    rng = random.Random(16)
    pieces = ["O'Brien", "O’Brien's", "Iraq's", "Al-Abadi", "al-Abadi", "Ab", "X", "É", "ǅa"]
    pieces += ["Los Angeles-based", "J.", "U.S.", "St.", "the", " ", " ", "\t", "-", "1", "’s"]
    for _ in range(3_000):
        _letters_agree("".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))))


@pytest.mark.skipif(not LGL.exists(), reason="the LGL corpus is not at hand (GEOMAP_LGL)")
def test_a_tokens_letter_count_is_its_texts_on_lgl():
    for text in _lgl_texts():
        _letters_agree(text)


#: The list pattern as first written, without its atomic groups and possessive repeat.
_PLAIN_LIST_TYPE_AFTER = re.compile(
    rf"(?:,[ \t]*{extract._NAME})*,?[ \t]+(?:and|or)[ \t]+{extract._NAME}[ \t]+"
    rf"({extract._TYPE_ALTERNATION})\b"
)


def _list_patterns_agree(text: str) -> None:
    for end in range(len(text) + 1):
        m = extract._LIST_TYPE_AFTER.match(text, end, end + 200)
        plain = _PLAIN_LIST_TYPE_AFTER.match(text, end, end + 200)
        assert (m and m.span(1)) == (plain and plain.span(1)), (text[end : end + 60], end)


def test_the_atomic_list_pattern_finds_what_the_plain_one_does_on_random_texts():
    words = ["Becker", "Clay", "Wilkin", "St.", "O'Brien", "Ab-Cd", "A_1", "counties", "county"]
    words += ["towns", "cities", "border crossings", "and", "or", "And", "the", "x", "é", "Éa"]
    words += ["Long" * 30, "’", "Rock’s", "Co.", "CountY", "Counties"]
    seps = [" ", " ", ", ", ",", " and ", " or ", ",\tand\t", " \t", "\t", "  ", "", ".", "-"]
    seps += [" " * 90, ", ", " and  ", ",,"]
    for text in _random_texts(words, seps, most=10):
        _list_patterns_agree(text)


@pytest.mark.skipif(not LGL.exists(), reason="the LGL corpus is not at hand (GEOMAP_LGL)")
def test_the_atomic_list_pattern_finds_what_the_plain_one_does_on_lgl():
    for text in _lgl_texts():
        _list_patterns_agree(text)
