"""Spelling variants: near spellings found only where the article's context points."""

from __future__ import annotations

import pytest

from geomap.extract import extract
from geomap.resolve import resolve
from geomap.text import split_sentences
from geomap.variants import max_edits, may_vary, variants

ROWS = [
    ("country:IQ", "Iraq", "", "33", "44", "country", "IQ", "", "38000000", "t"),
    ("country:US", "United States", "", "39.8", "-98.6", "country", "US", "", "310000000", "t"),
    (
        "gn:fal",
        "Al Fallūjah",
        "Falluja|Fallujah",
        "33.35",
        "43.79",
        "city",
        "IQ",
        "Anbar",
        "190159",
        "t",
    ),
    ("gn:tik", "Tikrīt", "Tikrit", "34.62", "43.68", "city", "IQ", "Saladin", "42477", "t"),
    ("gn:tik-us", "Tikrit", "", "40", "-90", "city", "US", "Illinois", "9000", "t"),
    ("gn:ocoee", "Ocoee", "", "28.57", "-81.54", "city", "US", "Florida", "35000", "t"),
    ("gn:sul", "Sulphur", "", "30.24", "-93.38", "city", "US", "Louisiana", "20000", "t"),
    ("gn:tokyo", "Tokyo", "", "35.69", "139.69", "city", "JP", "Tokyo", "8336599", "t"),
    ("gn:small", "Smallville", "", "33.5", "43.9", "city", "IQ", "Anbar", "100", "t"),
]


@pytest.fixture(scope="module")
def gaz(make_gazetteer):
    return make_gazetteer(ROWS)


def test_near_spellings_in_the_countries_given(gaz):
    found = variants(gaz, "Tikreet", ["IQ"])
    assert [(v.place.id, v.edits) for v in found] == [("gn:tik", 2)]
    assert variants(gaz, "Tikreet", ["JP"]) == []
    assert [v.place.id for v in variants(gaz, "Fallouja", ["US", "IQ"])] == ["gn:fal"]


def test_small_places_only_near_the_articles_places(gaz):
    assert variants(gaz, "Smalville", ["IQ"]) == []  # under NOTABLE_POPULATION
    near = variants(gaz, "Smalville", ["IQ"], near=[gaz.get("gn:fal")])
    assert [(v.place.id, v.edits) for v in near] == [("gn:small", 1)]


def test_a_different_consonant_is_another_place_not_a_variant(gaz):
    assert variants(gaz, "Oconee", ["US"]) == []
    assert [v.place.id for v in variants(gaz, "Sulpher", ["US"])] == ["gn:sul"]


def test_short_names_and_ordinary_words_get_no_variants():
    assert (max_edits("toco"), max_edits("mosul"), max_edits("tikreet")) == (0, 1, 2)
    assert not may_vary("Toco")
    assert not may_vary("Valley") and not may_vary("Survey")


def parse(text, gaz):
    sentences = split_sentences(text)
    return resolve(text, sentences, extract(text, sentences, gaz), gaz)


def test_a_misspelling_resolves_with_a_lower_confidence_and_says_so(gaz):
    mentions = parse("Fighting in Fallouja and Tikreet, Iraq, killed five.", gaz)
    assert [(m.text, m.place.id) for m in mentions] == [
        ("Fallouja", "gn:fal"),
        ("Tikreet", "gn:tik"),
        ("Iraq", "country:IQ"),
    ]
    tikreet = mentions[1]
    assert tikreet.reason.startswith("spelled 'Tikreet'; Tikrīt, 2 edits;")
    assert "in Iraq, which the article names once" in tikreet.reason
    assert tikreet.confidence <= 0.45**2 and not tikreet.confident
    assert mentions[2].confident


def test_without_a_country_in_context_a_misspelling_is_no_place(gaz):
    assert parse("Fighting in Fallouja killed five.", gaz) == ()
