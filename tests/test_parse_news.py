"""parse() on the names a news desk writes (issue 13), with the full bundled gazetteer.

Each sentence is written for the test; the reference points are the places' published
coordinates (Wikipedia), and a place counts as found within 50 km of its point, or within
its extent for an area, a sea or a river.
"""

from __future__ import annotations

import pytest

from geomap.parse import parse
from geomap.records import Place
from geomap.resolve import distance_km

#: (sentence, name as written, country of the place, reference lat, lon).
EXAMPLES = [
    ("Fighting in Fallouja and Tikreet, Iraq, killed five.", "Fallouja", "IQ", 33.35, 43.78),
    ("Fighting in Fallouja and Tikreet, Iraq, killed five.", "Tikreet", "IQ", 34.60, 43.68),
    ("Police in Tulsa, Okla., said the storm moved east.", "Okla.", "US", 35.57, -97.49),
    ("Floods hit Toowoomba and towns across Qld, Australia, on Sunday.", "Qld", "AU", -20.9, 142.7),
    ("Police in London, Ont., said two men were arrested.", "Ont.", "CA", 50.0, -85.0),
    ("Storms moved from Pittsburgh, Penn., to Philadelphia.", "Penn.", "US", 40.9, -77.8),
    ("Fires spread near Fresno, Calif., overnight.", "Calif.", "US", 37.2, -119.7),
    (
        "Egyptian troops moved into the Sinai after the attack near El Arish.",
        "Sinai",
        "EG",
        29.5,
        33.8,
    ),
    (
        "Flights at Heathrow were cancelled as fog covered London on Tuesday.",
        "Heathrow",
        "GB",
        51.4700,
        -0.4543,
    ),
    ("Iran and Russia held naval drills in the Caspian Sea.", "Caspian Sea", "", 42.0, 50.5),
    ("Iraqi forces crossed the Euphrates near Ramadi.", "Euphrates", "", 33.42, 43.30),
    (
        "The quake flattened villages across the Kathmandu Valley, Nepal's capital region.",
        "Kathmandu Valley",
        "NP",
        27.70,
        85.33,
    ),
    (
        "Voters in Wiltshire and West Sussex went to the polls in England.",
        "Wiltshire",
        "GB",
        51.35,
        -1.99,
    ),
    (
        "Voters in Wiltshire and West Sussex went to the polls in England.",
        "West Sussex",
        "GB",
        50.93,
        -0.46,
    ),
    (
        "Rescuers reached Kavrepalanchok and Rasuwa districts in Nepal.",
        "Kavrepalanchok",
        "NP",
        27.55,
        85.56,
    ),
    (
        "Rescuers reached Kavrepalanchok and Rasuwa districts in Nepal.",
        "Rasuwa",
        "NP",
        28.17,
        85.33,
    ),
    ("Tension in the Balkans grew as tankers crossed the Persian Gulf.", "Balkans", "", 42.0, 22.0),
    (
        "Tension in the Balkans grew as tankers crossed the Persian Gulf.",
        "Persian Gulf",
        "",
        26.0,
        52.0,
    ),
    ("Ships crossed the Indian Ocean toward North Africa.", "Indian Ocean", "", -20.0, 80.0),
    ("Ships crossed the Indian Ocean toward North Africa.", "North Africa", "", 27.0, 17.0),
    (
        "Barges on the Mississippi River near St. Louis were stranded.",
        "Mississippi River",
        "US",
        38.63,
        -90.18,
    ),
    (
        (
            "A magnitude 7.4 earthquake struck southern Mexico on Tuesday, shaking buildings in "
            "Mexico City and Oaxaca."
        ),
        "Mexico",
        "MX",
        23.0,
        -102.0,
    ),
]


@pytest.fixture(scope="module")
def gazetteer(full_gazetteer):
    return full_gazetteer


def mention(doc, name):
    return next(m for m in doc.mentions if m.text == name)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, name, country, lat, lon", EXAMPLES, ids=[f"{e[1]}" for e in EXAMPLES]
)
def test_the_place_news_means(gazetteer, text, name, country, lat, lon):
    m = mention(parse(text, gazetteer=gazetteer), name)
    assert m.place is not None, m.reason
    assert m.place.country == country, (m.place, m.reason)
    km = distance_km(m.place, Place("", "", lat, lon, "city"))
    assert km <= max(50.0, m.place.extent_km), (km, m.place, m.reason)


@pytest.mark.slow
def test_a_misspelling_says_so_and_is_not_confident(gazetteer):
    m = mention(parse(EXAMPLES[1][0], gazetteer=gazetteer), "Tikreet")
    assert m.reason.startswith("spelled 'Tikreet'; Tikrīt, ")
    assert "in Iraq, which the article names once" in m.reason
    assert not m.confident


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, name",
    [
        ("Officials in Okla. said the storm moved east.", "Okla."),
        ("Floods cut roads in Qld on Sunday.", "Qld"),
    ],
)
def test_an_abbreviation_without_its_country_stays_unresolved(gazetteer, text, name):
    m = mention(parse(text, gazetteer=gazetteer), name)
    assert m.place is None
    assert m.reason.startswith("abbreviation of ")


@pytest.mark.slow
def test_a_common_word_in_a_headline_is_no_place(gazetteer):
    doc = parse(
        "Light but violent tremor hits Valley, NSC revises epicentre to downtown Kathmandu",
        gazetteer=gazetteer,
    )
    assert [(m.text, m.place.country) for m in doc.places] == [("Kathmandu", "NP")]


@pytest.mark.slow
def test_a_place_inside_an_organisations_name_is_no_marker(gazetteer):
    doc = parse(
        "The U.S. Geological Survey said the quake struck at 11:56 a.m. local time.",
        gazetteer=gazetteer,
    )
    assert doc.places == ()
    assert [(m.text, m.kind, m.place.id) for m in doc.mentions] == [
        ("U.S.", "modifier", "country:US")
    ]


@pytest.mark.slow
def test_a_direction_word_keeps_the_country_and_records_the_part(gazetteer):
    m = mention(parse(EXAMPLES[-1][0], gazetteer=gazetteer), "Mexico")
    assert (m.place.id, m.place.kind, m.part) == ("country:MX", "country", "south")
