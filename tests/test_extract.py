"""Extraction: which spans are places, which are demonyms, which are neither."""

from __future__ import annotations

import pytest

from geomap.extract import extract
from geomap.text import split_sentences

ROWS = [
    ("country:IQ", "Iraq", "", "33", "44", "country", "IQ", "", "38000000", "t"),
    ("country:SY", "Syria", "", "35", "38", "country", "SY", "", "17000000", "t"),
    ("admin1:IQ.01", "Anbar", "Al Anbar", "32.9", "41.6", "admin1", "IQ", "Anbar", "600000", "t"),
    (
        "gn:1",
        "Al Qā’im",
        "Al-Qaim|Dulaym al Husaybah",
        "34.39",
        "40.99",
        "city",
        "IQ",
        "Anbar",
        "74100",
        "t",
    ),
    ("gn:2", "Baghdad", "", "33.34", "44.40", "city", "IQ", "Baghdad", "7216000", "t"),
    (
        "gn:3",
        "Ālbū Kamāl",
        "Abu Kamal",
        "34.45",
        "40.92",
        "city",
        "SY",
        "Deir ez-Zor",
        "57572",
        "t",
    ),
    ("gn:4", "Arab", "", "34.3", "-86.5", "city", "US", "Alabama", "8295", "t"),
    ("gn:5", "Is", "", "52", "53", "city", "RU", "", "4729", "t"),
    ("gn:6", "Walid", "", "30", "30", "city", "EG", "", "500", "t"),
    ("gn:7", "Agency", "", "40", "-95", "city", "US", "Missouri", "672", "t"),
    ("gn:8", "Man", "", "7.41", "-7.55", "city", "CI", "Montagnes", "188704", "t"),
    ("admin1:CV.08", "Paul", "", "17.1", "-25.0", "admin1", "CV", "Paul", "6997", "t"),
    ("gn:9", "Ben", "", "30.1", "51.2", "city", "IR", "Fars", "4000", "t"),
    ("gn:10", "Glória", "", "-9.34", "-38.25", "city", "BR", "Bahia", "15000", "t"),
    ("gn:11", "Flores", "", "-7.87", "-37.97", "city", "BR", "Pernambuco", "22000", "t"),
    ("gn:12", "Alexandria", "", "31.31", "-92.45", "city", "US", "Louisiana", "47000", "t"),
    ("admin1:US.LA", "Louisiana", "", "31", "-92", "admin1", "US", "Louisiana", "4600000", "t"),
    (
        "country:US",
        "United States",
        "US|U.S.|USA",
        "39.8",
        "-98.6",
        "country",
        "US",
        "",
        "310000000",
        "t",
    ),
    (
        "admin1:US.DC",
        "District of Columbia",
        "Washington, D.C.",
        "38.9",
        "-77.0",
        "admin1",
        "US",
        "District of Columbia",
        "600000",
        "t",
    ),
    ("gn:13", "Los Angeles", "", "34.05", "-118.24", "city", "US", "California", "3900000", "t"),
    ("gn:14", "Los", "", "46.1", "106.2", "city", "MN", "", "1000", "t"),
    ("gn:15", "Angeles", "", "15.15", "120.58", "city", "PH", "", "300000", "t"),
    ("admin1:GE.02", "Abkhazia", "", "43.0", "41.0", "admin1", "GE", "Abkhazia", "200000", "t"),
    ("gn:16", "Kansas City", "", "39.1", "-94.58", "city", "US", "Missouri", "475000", "t"),
]


@pytest.fixture(scope="module")
def gaz(make_gazetteer):
    return make_gazetteer(ROWS)


def spans(text, gaz, kind="place"):
    return [m.text for m in extract(text, split_sentences(text), gaz) if m.kind == kind]


def test_possessives_with_straight_and_typographic_apostrophes(gaz):
    text = "Syria’s border and Iraq's west met Al-Qaim’s center."
    mentions = extract(text, split_sentences(text), gaz)
    assert [(m.text, text[m.start : m.end]) for m in mentions] == [
        ("Syria", "Syria"),
        ("Iraq", "Iraq"),
        ("Al-Qaim", "Al-Qaim"),
    ]


def test_dateline_in_capitals(gaz):
    assert spans("BAGHDAD: Troops moved on.", gaz) == ["BAGHDAD"]


def test_acronyms_are_not_places(gaz):
    assert spans("IS fighters fled the IS-held town.", gaz) == []


def test_hyphenated_pair_of_names(gaz):
    text = "the Iraq-Syria border"
    mentions = extract(text, split_sentences(text), gaz)
    assert [(m.start, m.end, m.text) for m in mentions] == [(4, 8, "Iraq"), (9, 14, "Syria")]


def test_type_words_beside_names(gaz):
    text = "He reached the town of Abu Kamal and Anbar province."
    mentions = extract(text, split_sentences(text), gaz)
    assert [(m.text, m.type_word) for m in mentions] == [
        ("Abu Kamal", "town"),
        ("Anbar", "province"),
    ]


def test_people_groups_and_words_are_not_places(gaz):
    text = (
        "Army Colonel Walid al-Duleimi told Anadolu Agency that Arab volunteers "
        "joined. Prime Minister Haider al-Abadi spoke on Sunday in November."
    )
    assert spans(text, gaz) == []


def test_an_ordinary_word_opening_a_sentence_needs_a_places_context(gaz):
    assert spans("Man charged with theft after a chase in Baghdad.", gaz) == ["Baghdad"]
    assert spans("Flooding hit homes in Man, a city of 190,000.", gaz) == ["Man"]


def test_a_name_is_a_region_qualifier_only_when_the_place_lies_in_it(gaz):
    assert spans("Talks in Baghdad went well, said Ben Paul, a spokesman.", gaz) == ["Baghdad"]
    assert spans("Storms hit Alexandria Louisiana on Monday.", gaz) == ["Alexandria", "Louisiana"]


def test_an_age_marks_a_person(gaz):
    text = "A car driven by Gloria Major, 75, hit a wall in Baghdad."
    assert spans(text, gaz) == ["Baghdad"]
    text = "Flores, 26, had just moved to Baghdad. Friends of Flores said Flores loved it."
    assert spans(text, gaz) == ["Baghdad"]


def test_demonyms_are_country_references(gaz):
    text = "Iraqi and Syrian forces met Iraqis."
    assert spans(text, gaz, "demonym") == ["Iraqi", "Syrian", "Iraqis"]
    assert spans(text, gaz) == []


def test_empty_text(gaz):
    assert extract("", (), gaz) == ()


def test_a_name_before_based_is_one_place(gaz):
    text = "The Los Angeles-based firm and an Iraq-based group met."
    mentions = extract(text, split_sentences(text), gaz)
    assert [(m.start, m.end, m.text) for m in mentions] == [
        (4, 15, "Los Angeles"),
        (34, 38, "Iraq"),
    ]


def test_the_country_in_capitals_is_not_the_pronoun(gaz):
    assert spans("It seems that the US wants talks. US diplomats agree.", gaz) == ["US", "US"]
    assert spans("Tell us more. LET US PRAY.", gaz) == []
    assert spans("Drive north on US-24 to Baghdad.", gaz) == ["Baghdad"]


def test_dc_alone(gaz):
    assert spans("He moved to D.C. last year.", gaz) == ["D.C."]


def test_two_word_and_regional_demonyms(gaz):
    text = "South Korean, North Korean and Abkhaz officials met European diplomats."
    assert spans(text, gaz, "demonym") == ["South Korean", "North Korean", "Abkhaz", "European"]
    assert spans("Arab countries met.", gaz, "demonym") == []


def kinds(text, gaz):
    return [(m.text, m.kind) for m in extract(text, split_sentences(text), gaz)]


def test_a_place_inside_an_organisations_name_is_a_modifier(gaz):
    assert kinds("The U.S. Geological Survey said so.", gaz) == [("U.S.", "modifier")]
    assert kinds("The Kansas City Chiefs lost.", gaz) == [("Kansas City", "modifier")]
    assert kinds("The Anbar Police Department said.", gaz) == [("Anbar", "modifier")]
    # A title is not an organisation: the governor's state is a place.
    assert kinds("Louisiana Gov. Bobby Jindal spoke.", gaz) == [("Louisiana", "place")]


def test_a_streets_name_holds_no_place(gaz):
    assert kinds("He lives on Baghdad Street near Alexandria Drive.", gaz) == []
    assert kinds("A dotted direction names nothing: N.W. Baghdad burned.", gaz) == [
        ("Baghdad", "place")
    ]


def test_the_readings_written_for_speed_agree_with_their_plain_patterns():
    # The token pattern lets the engine skip to a token's possible first letters, and the
    # word before a name is read backwards: both must find what the plain patterns find.
    import random

    from geomap import extract

    plain_token = extract._PLAIN_TOKEN
    assert plain_token.pattern != extract._TOKEN.pattern
    rng = random.Random(16)
    # With the ASCII characters around the ranges the token pattern leaves out ("@[`{").
    alphabet = "aAbBeEiIuUlLnNsStTxXdDzZhHMFK-'’‘ \t\n.İıſé1_@[`{\x7f²ǅ٣"
    texts = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(20_000)
    ]
    texts += [
        "Haider al-Abadi met U.S. Gen. J. Smith in St. Louis's suburbs.",
        "bin-Laden, ibn-Saud, ud-Din, aL-Qaim, ash-Sham, al-1, al--Qa, Ft. Mt. St. A. B. C.",
        "Zürich-Bülach's Ñandú, São Tomé, Ab²c, Düsseldorf-Nord, O’Hare’s Şanlıurfa",
    ]
    texts += [
        "".join(
            rng.choice(["al-", "aL-", "AS-", "ash-", "bin-", "x", " ", "-", "'", "A."])
            for _ in range(9)
        )
        for _ in range(5_000)
    ]
    for text in texts:
        for end in (len(text), len(text) - 1):
            assert [(m.span(), m.lastgroup) for m in extract._token_matches(text, 2, end)] == [
                (m.span(), m.lastgroup) for m in plain_token.finditer(text, 2, end)
            ], text
        for start in range(len(text) + 1):
            m = extract._PREVIOUS_WORD.search(text[max(0, start - 20) : start])
            assert extract._word_before(text, start, 20) == (m.group(1) if m else ""), (text, start)


def test_the_type_word_before_a_name_is_what_its_pattern_finds():
    # _type_before tries its pattern only after a word the pattern may end with: it must find
    # what the pattern finds wherever it is tried, letters that match others ignoring case
    # ("ſ", "İ") and windows that cut a word included.
    import random

    from geomap import extract

    rng = random.Random(16)
    words = "of the OF The city Town village province croſſing cİty capital provincial border"
    words += " xcity county state a é ſ K governorate neighbourhood neighborhood hamlet 1 _"
    for _ in range(3_000):
        text = "".join(
            rng.choice(words.split()) + rng.choice([" ", "  ", "\t", "", "-", ","])
            for _ in range(rng.randint(1, 12))
        )
        for start in range(len(text) + 1):
            m = None
            if start and text[start - 1] in " \t":
                m = extract._TYPE_BEFORE.search(text[max(0, start - 30) : start])
            expected = (m.group(1) or m.group(2)).lower() if m else ""
            assert extract._type_before(text, start) == expected, (text, start)


def test_names_no_place_has_are_read_alike_with_or_without_the_key_hashes(monkeypatch):
    # A lookup skips the query of a name whose keys the gazetteer's hashes lack once enough
    # names have been looked up: the reading must be the same as with every query made.
    from pathlib import Path

    from geomap import extract as module
    from geomap.gazetteer import Gazetteer

    example = Path(__file__).resolve().parents[1] / "examples" / "al-qaim-husaybah-2017.txt"
    text = example.read_text(encoding="utf-8")
    readings = []
    for before in (0, 10**9):
        monkeypatch.setattr(module, "_LOOKUPS_BEFORE_HASHES", before)
        with Gazetteer.open() as gaz:  # a new gazetteer: lookups not cached yet
            readings.append(extract(text, split_sentences(text), gaz))
            assert (gaz._hashes is not None) == (before == 0)
    assert readings[0] == readings[1]
    assert {"Husaybah", "Al-Qaim", "Iraq"} <= {m.text for m in readings[0]}


def test_a_states_abbreviation_after_a_comma_is_sought_only_where_it_may_stand():
    # A sentence is searched for ", La." only when the text-wide search without the
    # lookahead found a comma in it: that must never skip an abbreviation, wherever the
    # sentence starts or ends (", Wash" ending one is an abbreviation, ", Washx" not).
    import random

    from geomap import extract

    rng = random.Random(16)
    pieces = [", La.", ", La", ", N.Y.", ",\tMiss.", ", Wash", "Alexandria", ". ", "x", " "]
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        commas = [m.start() for m in extract._STATE_COMMA.finditer(text)]
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1):
                if extract._STATE_AFTER_COMMA.search(text, start, end):
                    assert any(start <= c < end for c in commas), (text, start, end)


def test_a_near_spelling_is_a_place_only_with_its_country_however_often_it_is_read():
    # Whether a word has variants is remembered by the word and the article's countries.
    from geomap.gazetteer import Gazetteer

    with Gazetteer.open() as gaz:
        for _ in range(2):
            assert kinds("Iraqi troops fought in Tikreet.", gaz) == [
                ("Iraqi", "demonym"),
                ("Tikreet", "place"),
            ]
            assert kinds("Kenyan troops fought in Tikreet.", gaz) == [("Kenyan", "demonym")]


def test_type_words_grouped_by_first_letter_match_as_the_plain_alternation():
    # The type-word patterns group their words by first letter for speed: at every position
    # they must find what the plain alternation, longest first, finds, ignoring case too.
    import random
    import re

    from geomap import extract

    plain = sorted(
        (
            re.escape(w) + ("|" + extract._TYPE_PLURALS[w] if w in extract._TYPE_PLURALS else "s?")
            for w in extract.TYPE_WORDS
        ),
        key=len,
        reverse=True,
    )
    grouped = f"({extract._TYPE_ALTERNATION})"
    assert extract._TYPE_AFTER.pattern.endswith(grouped + r"\b")
    assert extract._LIST_TYPE_AFTER.pattern.endswith(grouped + r"\b")
    rng = random.Random(16)
    words = "city Cities county counties ſtate İsland ısland Parish parishes mountainss".split()
    words += ["border crossing", "border  crossing", "crossings", "x", "and", "Clay", "_", "é"]
    for flags in (0, re.I):
        expected = re.compile(rf"[ \t]+({'|'.join(plain)})\b", flags)
        actual = re.compile(rf"[ \t]+{grouped}\b", flags)
        for _ in range(3_000):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
            for pos in range(len(text)):
                m, n = expected.match(text, pos), actual.match(text, pos)
                assert (m and (m.end(), m.group(1))) == (n and (n.end(), n.group(1))), text
