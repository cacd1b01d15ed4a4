"""Location statements in real news sentences: each form read at least once.

The sentences are copied verbatim from published pages (the URL beside each) and belong to
the tuning part of ``eval/claims`` or were found for these tests; ``geomap evaluate-claims``
scores the whole corpus. The test sentences written by the team are in tests/test_claims.py.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Sequence

import pytest
from click.testing import CliRunner
from geographiclib.geodesic import Geodesic

from geomap import claims, geometry
from geomap.cli import main
from geomap.parse import parse

# (url, text, subject, reference, km, direction, status)
REAL = [
    (
        "https://www.newdelhitimes.com/arunachal-pradesh-assam-hit-with-6-1-magnitude-quake/",
        "The epicentre of the quake was located 71 miles (114 km) northwest of the town of "
        "Dibrugarh, at a very shallow depth of 5.8 miles (9 km), it added.",
        "The epicentre of the quake",
        "Dibrugarh",
        71 * 1.609344,
        "NW",
        "located",
    ),
    (
        "https://www.dailymail.co.uk/wires/reuters/article-13002207/Two-dead-Russian-attack-town-"
        "near-Ukraine-line-officials.html",
        "Hirnyk lies to the northwest of Maryinka, a town still held by Ukraine but all but "
        "destroyed after many months of fighting with Russian forces.",
        "Hirnyk",
        "Maryinka",
        None,
        "NW",
        None,
    ),
    (
        "https://www.trtworld.com/article/12772723",
        "Meanwhile, fighting has reportedly spread to Debre Sina, a town located less than 200 "
        "kilometres by road from Addis Ababa.",
        "Debre Sina",
        "Addis Ababa",
        200.0,
        None,
        None,
    ),
    (
        "https://pardaphash.com/four-soldiers-dead-two-crpf-jawans-injured-in-maoist-attack/",
        "When the vehicle carrying six personnel was around one km away from the camp, the "
        "Maoists triggered a powerful land mine blast, he said.",
        "the vehicle",
        "the camp",
        1.0,
        None,
        "unattached",
    ),
    (
        "https://www.sofx.com/2020/11/17/coast-guard-coordinates-the-rescue-of-three-canadian-"
        "boaters-from-sailing-vessel-140-nautical-miles-of-bermuda-hlcopters/",
        "It was then discovered that the three Canadian boaters were sailing a vessel 140 "
        "nautical miles off the coast of Bermuda.",
        "a vessel",
        "Bermuda",
        140 * 1.852,
        None,
        "located",
    ),
    (
        "https://www.albawaba.com/news/iraqi-forces-take-back-another-town-from-daesh-in-anbar-"
        "province-698188",
        "Also on Saturday, security officials said the joint forces of the Iraqi army and the "
        "volunteer fighters repelled an attack on the town of Khalidiya by the ISIL militants "
        "attempting to retake control of the town, located about 83 kilometers (50 miles) west "
        "of the capital, Baghdad, which was liberated after the militants were driven back on "
        "Friday.",
        "the town",
        "Baghdad",
        83.0,
        "W",
        None,
    ),
    (
        "https://www.zeebiz.com/world/news-earthquake-today-52-magnitude-quake-hits-nepals-"
        "lobujya-casualty-damage-yet-to-be-reported-148223/amp",
        "Earthquake Today: An earthquake with a magnitude of 5.2 jolted 110 km NNE of Lobujya, "
        "Nepal 8:01 AM local time on Tuesday.",
        "An earthquake",
        "Lobujya",
        110.0,
        "NNE",
        "located",
    ),
    (
        "https://independent.co.ug/m23-rebels-seize-nyabiondo-in-eastern-drc",
        "Located some 110 kilometers northwest of Goma, the capital city of the North Kivu "
        "province, which was seized by M23 rebels in late January, Nyabiondo opens the way to "
        "mineral-rich Walokale area.",
        None,
        "Goma",
        110.0,
        "NW",
        None,
    ),
    (
        "https://www.komu.com/news/national-weather-service-weak-tornado-touched-down-in-"
        "springfield",
        "SPRINGFIELD, Mo. (AP) - The National Weather Service says a small, weak tornado that "
        "touched down briefly east of downtown Springfield did only minor damage.",
        "tornado",
        "Springfield",
        None,
        "E",
        "located",
    ),
    (
        "http://www.news4jax.com/news/florida/30-migrants-killed-110-rescued-when-boat-capsizes",
        "Coast Guard officials said the overloaded sail freighter capsized about 15 miles "
        "southwest of Staniel Cay about 5:30 p.m. Monday.",
        "the overloaded sail freighter",
        "Staniel Cay",
        15 * 1.609344,
        "SW",
        None,
    ),
    (
        "https://www.business-standard.com/",
        "Heavily armed fighters in all-terrain vehicles stormed the town of Kukawa, some 180 "
        "kilometres from the Borno state capital, Maiduguri, and opened fire on police and a "
        "local market.",
        "Kukawa",
        "Maiduguri",
        180.0,
        None,
        None,
    ),
    (
        "https://www.breitbart.com/",
        "An unknown number of gunmen opened fire on the two army trucks and a police car "
        "travelling through Baramulla district, 60 kilometres (37 miles) west of the region’s "
        "main city of Srinagar.",
        "Baramulla",
        "Srinagar",
        60.0,
        "W",
        None,
    ),
    (
        "https://www.reuters.com/",
        "The hurricane was currently located about 10 miles south west of the mouth of the "
        "Mississippi river and about 90 miles south east of New Orleans, Louisiana, with maximum "
        "sustained winds of 80 miles per hour (130 km per hour), NHC said.",
        "The hurricane",
        "New Orleans",
        90 * 1.609344,
        "SE",
        "located",
    ),
    (
        # A seismological bulletin's quadrant bearing: N 58° E is 58°, nearest ENE.
        "http://www.bicolstandard.com/2015/02/earthquake-bicol-february-2-2015.html",
        "According to the Philippine Institute of Volcanology and Seismology (Phivolcs), the "
        "origin of the tectonic earthquake was located 14.08°N, 124.57°E - 036 km N 58° E of "
        "Panganiban (Payo) (Catanduanes).",
        "the origin of the tectonic earthquake",
        "Panganiban",
        36.0,
        "ENE",
        "judged",
    ),
    (
        # "the poblacion of X": the town centre of a Philippine municipality.
        "https://www.mindanews.com/top-stories/2021/06/"
        "aftershocks-hit-bukidnon-towns-after-magnitude-5-7-quake/",
        "The epicenter is about 14 km west of the poblacion of Don Carlos, and 14 km east of "
        "the town center of Kalilangan.",
        "The epicenter",
        "Don Carlos",
        14.0,
        "W",
        "located",
    ),
    (
        # "the mining port of X"; the depth "6.2 miles (10 km) below the seabed" is no
        # subject (the subject, "the quake" across a coordinated verb, is still missed).
        "https://english.mediabharti.net/news/magnitude-8-quake-hits-off-coast-of-chile-"
        "tsunami-warning",
        "The U.S. Geological Survey reports the quake was very shallow, only 6.2 miles (10 km) "
        "below the seabed, and struck at 6:46 p.m. (0046 BST) 62 miles (99 km) northwest of "
        "the mining port of Iquique, near the Peruvian border.",
        None,
        "Iquique",
        62 * 1.609344,
        "NW",
        "located",
    ),
    (
        # ", in Greenfield," after a date is no aside: Greenfield is what the statement places.
        "https://www.newsbreak.com/news/2926000033684-body-found-at-construction-site-was-a-"
        "mystery-until-cops-learn-of-nearby-car-crash",
        "Construction workers found the man’s body at about 9 a.m. Tuesday, Feb. 14, in "
        "Greenfield, about 25 miles east of Indianapolis, police said in a news release.",
        "Greenfield",
        "Indianapolis",
        25 * 1.609344,
        "E",
        None,
    ),
    (
        # ", occurred ... in the village of Mabule," is a finite verb's clause, no aside.
        "https://sg.news.yahoo.com/suspected-islamists-kill-10-eastern-130557377.html",
        "The attack, in which assailants used machetes, occurred on Friday night in the "
        "village of Mabule, around 25 km (16 miles) south east of Beni, the sources said.",
        "Mabule",
        "Beni",
        25.0,
        "SE",
        "located",
    ),
    (
        # "X, a village in Y district, N km": the statement places X, not the district.
        "https://mg.co.za/article/2006-09-25-nepal-army-finds-wreckage-of-wwf-chopper",
        "The army helicopter found the crashed aircraft one nautical mile south-west of Ghunsa, "
        "a village in Taplejung district, about 300km east of the capital, Kathmandu.",
        "Ghunsa",
        "Kathmandu",
        300.0,
        "E",
        None,
    ),
    (
        # An apposition after a name and its other name in parentheses.
        "https://ethiopiaobserver.com/2024/11/08/over-50-killed-in-series-of-drone-attacks-in-"
        "north-gojam",
        "Witnesses told the BBC that the strikes hit Arge (Zebst), a small town 40 kilometers "
        "from Dur Bete, in three successive waves on Tuesday.",
        "Arge",
        "Dur Bete",
        40.0,
        None,
        "unattached",
    ),
]


def _row(doc, check):
    claim = check.claim
    return (
        claim.subject.text if claim.subject else None,
        claim.reference.text if claim.reference else None,
        claim.low_km,
        claim.direction,
    )


@pytest.mark.parametrize(
    ("url", "text", "subject", "reference", "km", "direction", "status"),
    REAL,
    ids=[r[2] or r[3] for r in REAL],
)
def test_real_statement_is_read(
    full_gazetteer, url, text, subject, reference, km, direction, status
):
    doc = parse(text, gazetteer=full_gazetteer, url=url)
    found = [
        c
        for c in doc.checks
        if c.claim.reference is not None
        and reference in c.claim.reference.text
        and (km is None) == (c.claim.low_km is None)
        and (km is None or math.isclose(c.claim.low_km, km, rel_tol=1e-6))
    ]
    assert found, [_row(doc, c) for c in doc.checks]
    check = found[0]
    assert check.claim.direction == direction
    if subject is not None:
        assert check.claim.subject is not None and subject in check.claim.subject.text, _row(
            doc, check
        )
    if status is not None:
        assert check.status == status, check.explanation


def test_coordinates_written_in_the_text_place_their_subject(full_gazetteer):
    # https://thehimalayantimes.com/kathmandu/nepal-earthquake-light-but-violent-tremor-hits-
    # valley-nsc-revises-epicentre-to-downtown-kathmandu
    text = (
        "Earlier, the NSC had said that the epicentre was about 20 km north-east of "
        "Kathmandu in Sindhupalchok district, at a place between Bhotechaur of "
        "Sindhupalchok and Nanglebhare of Kathmandu, with its coordinates 27.79°N, "
        "85.52°E."
    )
    doc = parse(text, gazetteer=full_gazetteer)
    (location,) = doc.locations
    assert location.kind == "coordinates" and (location.lat, location.lon) == (27.79, 85.52)
    assert location.subject.text == "the epicentre"
    statement = next(c for c in doc.checks if c.claim.low_km == 20.0)
    # The written point lies 22 km at 64° from Kathmandu: consistent with "about 20 km NE".
    assert statement.status == "judged"
    assert (statement.distance, statement.bearing) == ("consistent", "consistent")
    assert statement.computed_km == pytest.approx(22.0, abs=0.5)
    assert statement.computed_bearing == pytest.approx(64, abs=1)


@pytest.mark.parametrize(
    "text, point",
    [
        (
            "with its epicenter located at latitude 28.86 degrees North and longitude 87.51 "
            "degrees East, at a depth of 10 kilometers.",
            (28.86, 87.51),
        ),
        (
            '"EQ of M: 7.1, On: 07/01/2025 06:35:18 IST, Lat: 28.86 N, Long: 87.51 E, Depth: 10 Km',
            (28.86, 87.51),
        ),
        (
            "initially determined to be at 28.8024 degrees north latitude and 87.4023 degrees east "
            "longitude,",
            (28.8024, 87.4023),
        ),
        (
            "the earthquake occurred 12 kilometers underground at 52.04 longitude and 35.78 "
            "latitude.",
            (35.78, 52.04),
        ),
        (
            "with latitude of 28.6°N, longitude of 94.4°W and a depth of 10 kilometres.",
            (28.6, -94.4),
        ),
        (
            "Quake Report : 7.9R earthquake near Kathmandu (Nepal) 28.131°N 84.649°E.",
            (28.131, 84.649),
        ),
    ],
)
def test_coordinates_in_the_forms_reporters_use(text, point):
    from geomap.statements import coordinates

    ((_, _, found),) = coordinates(text)
    assert found == pytest.approx(point)


def test_an_estimated_location_is_the_geodesic_destination(full_gazetteer):
    text = "The overloaded sail freighter capsized about 15 miles southwest of Nassau on Monday."
    doc = parse(text, gazetteer=full_gazetteer)
    (location,) = doc.locations
    nassau = doc.checks[0].reference_place
    want = Geodesic.WGS84.Direct(nassau.lat, nassau.lon, 225.0, 15 * 1609.344)
    assert location.lat == pytest.approx(want["lat2"], abs=1e-9)
    assert location.lon == pytest.approx(want["lon2"], abs=1e-9)
    # the uncertainty spans the accepted window and sector: 45° either side at 15 miles
    assert 15 < location.uncertainty_km < 30
    assert location.name == "The overloaded sail freighter (15 miles (24.14 km) SW of Nassau)"


def test_statements_about_one_subject_are_intersected_or_said_to_contradict(full_gazetteer):
    # Gorkha lies about 77 km WNW of Kathmandu and 67 km ESE of Pokhara.
    agree = parse(
        "The epicentre was 75 km west-northwest of Kathmandu and 65 km east-southeast of Pokhara.",
        gazetteer=full_gazetteer,
    )
    (location,) = agree.locations
    assert location.contradiction == "" and len(location.checks) == 2
    for check in agree.checks:
        assert check.area.contains((location.lat, location.lon))
    apart = parse(
        "The epicentre was 10 km north of Kathmandu and 20 km south of Pokhara.",
        gazetteer=full_gazetteer,
    )
    (location,) = apart.locations
    assert location.contradiction.startswith("the statements allow no common place")


@pytest.mark.parametrize(
    "text, why",
    [
        ("The wreck lies 1000000000 km north of Kathmandu.", "farther than"),
        ("The probe is 25,000 km from Kathmandu.", "farther than"),
    ],
)
def test_an_absurd_distance_is_unverifiable_with_the_reason(full_gazetteer, text, why):
    doc = parse(text, gazetteer=full_gazetteer)
    (check,) = doc.checks
    assert check.distance == "unverifiable" and why in check.explanation
    assert doc.locations == ()


def test_suggested_rows_are_valid_gazetteer_rows(tmp_path):
    article = tmp_path / "ferry.txt"
    article.write_text(
        "Coast Guard officials said the overloaded sail freighter capsized about "
        "15 miles southwest of Nassau on Monday. Ngamdu village, about 40 "
        "kilometres west of Damboa, was attacked.",
        encoding="utf-8",
    )
    rows = tmp_path / "mine.csv"
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(article), "--suggest-rows", str(rows)])
    assert result.exit_code == 0, result.output
    with open(rows, encoding="utf-8") as f:
        suggested = list(csv.DictReader(f))
    names = {r["name"]: r for r in suggested}
    assert set(names) == {"overloaded sail freighter", "Ngamdu village"}
    assert names["Ngamdu village"]["kind"] == "city"
    assert names["overloaded sail freighter"]["kind"] == "event"
    assert float(names["Ngamdu village"]["extent_km"]) > 0
    assert "ferry.txt" in names["Ngamdu village"]["source"]
    valid = runner.invoke(main, ["gazetteer", "validate", str(rows)])
    assert valid.exit_code == 0 and "no problems" in valid.output
    lookup = runner.invoke(
        main, ["gazetteer", "lookup", "Ngamdu village", "--gazetteer", str(rows)]
    )
    assert "Ngamdu village" in lookup.output


def test_check_lists_every_statement_with_its_status(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "The crash site is 12 km north of Kathmandu. Rescuers reached a hamlet "
        "30 km from the border.",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(article)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == 'a.txt: The crash site <- Kathmandu: "12 km north of Kathmandu"'
    assert lines[1].startswith(
        "    located: 'The crash site' names no place; the statement "
        "places it 12 km N of Kathmandu; location "
    )
    assert lines[2] == 'a.txt: a hamlet <- the border: "30 km from the border"'
    assert lines[3] == "    unattached: the reference, 'the border', names no place"
    assert lines[4].startswith("a.txt: location: The crash site (12 km N of Kathmandu): ")


def test_the_drawn_area_is_the_judged_window(full_gazetteer):
    doc = parse(
        "Located two kilometers from Al-Qaim city and 410 kilometers west of "
        "provincial capital Ramadi, the Husaybah crossing reopened.",
        gazetteer=full_gazetteer,
    )
    far = next(c for c in doc.checks if c.claim.direction == "W")
    area = far.area
    assert (area.low_km, area.high_km) == far.tolerance_km
    assert area.bearing == 270 and area.half_width == far.bearing_window[1]
    subject = far.subject_place
    assert area.holds(geometry.measure(far.reference_place, subject)) is (
        far.distance == "consistent" and far.bearing == "consistent"
    )
    assert claims.is_inconsistent(far)


def test_evaluate_claims_scores_a_corpus_and_names_bad_lines(tmp_path):
    import json

    corpus = tmp_path / "c.jsonl"
    good = {
        "id": "a",
        "site": "example.com",
        "url": "https://example.com/a",
        "text": "The epicentre was 12 kilometers north of Kathmandu.",
        "claims": [
            {
                "subject": "The epicentre",
                "kind": "unnamed",
                "reference": "Kathmandu",
                "value": 12,
                "high": None,
                "unit": "km",
                "direction": "N",
            }
        ],
    }
    negative = {
        "id": "b",
        "site": "example.org",
        "text": "The quake struck at a depth of 10 km near Kathmandu.",
        "claims": [],
    }
    corpus.write_text("\n".join(json.dumps(r) for r in (good, negative)) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate-claims", str(corpus)])
    assert result.exit_code == 0, result.output
    lines = {line[:34].strip(): line[34:].split() for line in result.output.splitlines()}
    assert lines["recall unnamed"][-2:] == ["1.000", "(1/1)"]
    assert lines["precision (all statements)"][-2:] == ["1.000", "(1/1)"]
    assert lines["statements on negatives"][-3:] == ["0", "in", "1"]
    corpus.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    bad = runner.invoke(main, ["evaluate-claims", str(corpus)])
    assert bad.exit_code == 2
    assert bad.output.startswith(f"Error: {corpus}:2: not JSON")


def test_located_places_reach_the_exports_and_batch_outputs(tmp_path):
    import json

    text = (
        "Coast Guard officials said the overloaded sail freighter capsized about 15 miles "
        "southwest of Nassau on Monday."
    )
    article = tmp_path / "ferry.txt"
    article.write_text(text, encoding="utf-8")
    runner = CliRunner()
    geojson = json.loads(
        runner.invoke(main, ["extract", str(article), "--format", "geojson"]).output
    )
    (located,) = [f for f in geojson["features"] if "uncertainty_km" in f["properties"]]
    assert located["properties"]["kind"] == "estimate"
    assert located["properties"]["subject"] == "the overloaded sail freighter"
    checked = json.loads(runner.invoke(main, ["check", str(article), "--format", "json"]).output)
    (claim,) = checked["claims"]
    assert (
        claim["status"] == "located"
        and claim["location_lat"] == located["geometry"]["coordinates"][1]
    )
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "f1", "text": text}) + "\n", encoding="utf-8")
    result = runner.invoke(
        main, ["batch", str(corpus), "-o", str(tmp_path / "out"), "--workers", "1", "--no-map"]
    )
    assert result.exit_code == 0, result.output
    batch_file = json.loads((tmp_path / "out" / "locations.geojson").read_text())
    (feature,) = batch_file["features"]
    assert feature["properties"]["article"] == "f1"
    assert feature["geometry"] == located["geometry"]
    claims_csv = (tmp_path / "out" / "claims.csv").read_text().splitlines()
    assert claims_csv[0].startswith("article,sentence,start,end,claim,status,subject,")
    assert ",located,the overloaded sail freighter,unnamed," in claims_csv[1]


@pytest.mark.parametrize(
    "text, country, km",
    [
        ("The shelter in Zahle is only 15 km from the Syria border.", "SY", 13.4),
        ("Lviv is around 70 km from the Polish border.", "PL", 65.0),
        ("Mosul lies about 110 km east of the border with Syria.", "SY", 105.0),
    ],
)
def test_a_distance_from_a_border_is_measured_to_its_nearest_point(
    full_gazetteer, text, country, km
):
    from shapely.geometry import Point, shape

    from geomap.gazetteer import boundaries

    doc = parse(text, gazetteer=full_gazetteer)
    (check,) = doc.checks
    assert check.status == "judged" and check.claim.reference.kind == "border"
    border = check.reference_place
    assert border.kind == "border" and border.country == country
    # the point lies on the country's outline, and no outline point is nearer the subject
    outline = shape(boundaries()[country])
    assert outline.boundary.distance(Point(border.lon, border.lat)) < 1e-6
    subject = check.subject_place
    vertices = [p for poly in getattr(outline, "geoms", [outline]) for p in poly.exterior.coords]
    nearest = min(
        geometry.measure((subject.lat, subject.lon), (lat, lon)).km for lon, lat in vertices
    )
    assert check.computed_km <= nearest + 0.5
    assert check.computed_km == pytest.approx(km, abs=10)


def test_the_hints_written_for_speed_find_what_their_plain_forms_find():
    # The hints skip to the characters a match starts with; each must say yes exactly where
    # the plain pattern (as the comments in statements.py unroll it) does.
    import random
    import re

    from geomap import statements

    plain = {
        statements._UNIT_HINT: re.compile(
            r"(?<=[\s\d(\[-])(?i:k(?:ilo[\s-]?met(?:re|er)s?|ms?)|m(?:et(?:re|er)s?|iles?|ls|i)?"
            r"|n(?:mi|m)|f(?:eet|oot|t)|y(?:ards?|ds?))(?![\w/²³])"
        ),
        statements._DIRECTION_LETTER: re.compile(
            r"\b(?:[NESW]|NNE|ENE|ESE|SSE|SSW|WSW|WNW|NNW|NE|SE|SW|NW)\s+(?i:of)\b"
        ),
        statements._COORDINATE_HINT: re.compile(
            r"[°º˚]|(?i:\blat(?:itude)?\b|\blong?(?:itude)?\b)|\d[.:]\d+\s*[NSEW]\b"
        ),
    }
    pieces = [
        "km",
        "KM",
        "kms",
        "m",
        "mi",
        "mls",
        "miles",
        "metres",
        "kilo-meters",
        "nm",
        "north",
        "South",
        "ſouth",
        "EAST",
        "west",
        "-",
        "ward",
        "wards",
        "to the ",
        "just ",
        "from",
        "FROM",
        "/",
        "NW",
        "Of",
        "nautical",
        "ft",
        "foot",
        "yds",
        "yard",
        "N",
        "NE",
        "NNW",
        "ESE",
        "SW",
        "WSW",
        "of",
        "OF",
        "lat",
        "Lat.",
        "latitude",
        "long",
        "lon",
        "longitude",
        "°",
        "º",
        "12",
        "3.5",
        "4:30",
        "x",
        "ß",
        "é",
        "(",
        "[",
        "-",
        "/",
        "²",
        " ",
        " ",
        "\n",
        ".",
        ",",
        "Nof",
        "aN",
    ]
    rng = random.Random(16)
    texts = _random_texts(rng, pieces, 20_000, 12)
    texts += ["It lies 12 km NE of Mosul.", "at 33.1N, 44.2E", "lat. 5", "the KMT", "N of"]
    for text in texts:
        for start in range(0, len(text), 3):
            for end in (len(text), len(text) - 2):
                for fast, slow in plain.items():
                    assert bool(fast.search(text, start, end)) == bool(
                        slow.search(text, start, end)
                    ), (slow.pattern, text, start, end)
                # Where the bare-direction pattern finds a statement, its cheap
                # precondition holds.
                if statements._BARE_DIRECTION.search(text, start, end):
                    assert statements._DIRECTION_OF.search(
                        text[start:end].casefold()
                    ) or statements._ABBREVIATION_OF.search(text, start, end), (text, start, end)


def test_quadrant_bearings_become_the_nearest_compass_point():
    from geomap.statements import _quadrant_direction

    written = ["N 58° E", "N22°W", "S 81° W", "S 30º E", "N 0° E"]
    assert [_quadrant_direction(t) for t in written] == ["ENE", "NNW", "W", "SSE", "N"]


@pytest.mark.parametrize(
    "text",
    [
        "The depression moved west-northwestwards and lay centred about 300 km east of Manila.",
        "The depression moved with a speed of 15 kmph and lay centred about 300 km east of Manila.",
    ],
)
def test_a_heading_or_a_speed_between_subject_and_statement_is_skipped(full_gazetteer, text):
    (check,) = parse(text, gazetteer=full_gazetteer).checks
    assert check.claim.subject is not None and check.claim.subject.text == "The depression"
    assert check.claim.reference is not None and check.claim.reference.text == "Manila"


def test_the_hints_read_over_a_whole_article_find_the_sentences_read_one_by_one():
    # Scanning the whole article, then checking the sentences a scan finds, must find the
    # sentences that trying each hint on each sentence finds: sentences cut by
    # split_sentences, at random spaces, and anywhere (which the scans refuse).
    import random

    from geomap import statements
    from geomap.records import Sentence
    from geomap.text import split_sentences

    pieces = [
        *("km KM Km kms m M mi MI mls miles Miles metres kilo-meters kilo meters nm NM".split()),
        *("Nautical north South ſouth EAST west ward of Of OF FROM NW NE NNW ESE SW".split()),
        *("WSW N E S W ft FT foot yds Yard lat Lat. LATITUDE long Lon longitude 12".split()),
        *("3.5 4:30 x é K Y F a 5 ( [ - / ² ° º ˚ , . Nof aN ’ “ — ٣ ? \u0345 ΐ".split()),
        *(" ", " ", " ", "\u00a0", "\u2009", "\x1c", "\n", "\t", " N. ", "E\n", ". A ", "? 3 "),
    ]
    rare = ["ı", "İ", "\u0345", "ß", "ﬆ"]
    rng = random.Random(16)
    scanned = 0
    for k in range(6_000):
        words = pieces + rare if k % 5 == 0 else pieces
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        spaces = [i for i, c in enumerate(text) if c.isspace()]
        cuts = sorted(set(rng.sample(spaces, min(len(spaces), rng.randint(3, 12)))))
        bounds = [0, *cuts, len(text)]
        spaced = [(a + rng.randint(0, 1), b) for a, b in zip(bounds, bounds[1:])]
        anywhere = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, 8)))
        for spans in (
            [(s.start, s.end) for s in split_sentences(text)],
            [(a, b) for a, b in spaced if a <= b],
            list(zip([0, *anywhere], [*anywhere, len(text)])),
        ):
            sentences = tuple(Sentence(i, a, b) for i, (a, b) in enumerate(spans))
            expected = statements._hinted_one_by_one(text, sentences)
            assert statements._hinted(text, sentences) == expected, (text, spans)
            scanned += len(sentences) >= 4 and not any(
                c in text for c in statements._FOLDED_TO_LETTERS
            )
    assert scanned > 5_000


def test_the_characters_that_fold_to_letters_are_listed():
    # statements._hinted scans a text outside ASCII lowered as ASCII bytes, every other
    # character a "?", unless it holds one of statements._FOLDED_TO_LETTERS: every character
    # outside ASCII that IGNORECASE takes for an ASCII letter or that casefolds to one.
    import re
    import string
    import sys

    from geomap import statements

    listed = {
        c
        for c in map(chr, range(128, sys.maxunicode + 1))
        if re.fullmatch("(?i)[a-z]", c) or set(c.casefold()) & set(string.ascii_lowercase)
    }
    assert listed == set(statements._FOLDED_TO_LETTERS)


def test_casefolding_reads_letters_as_the_hints_ignorecase_does():
    # What the whole-article scans rely on (statements._hinted): apart from "ı", "İ" and
    # U+0345, casefolding maps every character to one character that is a word character,
    # a space or a digit exactly when the original is, and every character that IGNORECASE
    # takes for an ASCII letter to that letter in lower case.
    import re
    import string
    import sys

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert all(chr(c).casefold() for c in range(sys.maxunicode + 1))
    folded = "".join(f if len(f := c.casefold()) == 1 else c for c in every)
    for cls in (r"\w", r"[\s\d(\[/²³-]"):
        differ = {m.start() for m in re.finditer(cls, every)} ^ {
            m.start() for m in re.finditer(cls, folded)
        }
        assert differ <= {0x345}, (cls, differ)
    for m in re.finditer(r"(?i)[a-z]", every):
        if m[0] not in "ıİ":
            assert m[0].casefold() in string.ascii_lowercase, m[0]
            assert re.fullmatch(f"(?i){m[0].casefold()}", m[0]), m[0]


def test_the_statement_patterns_written_for_speed_match_their_plain_forms():
    # _STATEMENT, _DISTANCE_ONLY and _BARE_DIRECTION open each letter of their word lists
    # with a case-sensitive class (statements._cased); what statements._patterns picks for a
    # text must find what the plain word lists find, with the same groups, on every sentence
    # of eval/claims and on random text, the rare letters IGNORECASE also reads included.
    import random
    import re
    import string
    import sys
    from collections.abc import Callable

    from geomap import statements

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    for letter in string.ascii_lowercase:
        taken = {m[0] for m in re.finditer(f"(?i){letter}", every)}
        assert set(statements._CASES[letter]) <= taken, letter
        assert taken - set(statements._CASES[letter]) <= set(statements._UNCASED), letter

    def plain(cased: Callable[[str], str]) -> list[re.Pattern[str]]:
        return [
            re.compile(statements._statement(cased), re.IGNORECASE | re.VERBOSE),
            re.compile(statements._distance_only(cased), re.IGNORECASE),
            re.compile(statements._bare_direction(cased), re.IGNORECASE),
        ]

    slow = plain(lambda words: words)
    texts = _claims_texts()
    pieces = [
        *("About ABOUT about ſome SOME Some in İN ın within Within a An AN mere just only".split()),
        *("between BETWEEN Twenty twenty-five hundred and one ONE half dozen Dozen ſix".split()),
        *("12 3.5 1,200 km KM Km kms miles Miles metres nautical mile nm ft yards".split()),
        *("north North NORTH ſouth east EAST west north-east NE SW N of OF from FROM".split()),
        *("to the To The due Due directly ſlightly well Well a little not far away apart".split()),
        *("Mosul Kabul the x é K K ( [ ) ] - , . /".split()),
        *(" ", " ", " ", " ", "\n", "\u00a0"),
    ]
    rng = random.Random(16)
    texts += _random_texts(rng, pieces, 6_000, 14, joiner=" ")
    texts += _random_texts(rng, pieces, 3_000, 14)

    def found(patterns: Sequence[re.Pattern[str]], text: str) -> list[list[object]]:
        return [[(m.span(), m.groupdict()) for m in p.finditer(text)] for p in patterns]

    matched = rare = 0
    for text in texts:
        assert found(statements._patterns(text, 0, len(text)), text) == found(slow, text), text
        matched += any(found(slow, text))
        rare += any(c in text for c in statements._UNCASED)
    assert matched > 1_500 and rare > 1_000
    # The comparison can fail: the fast patterns read alone, or patterns that forget the
    # capitals, are told apart.
    fast = [statements._STATEMENT, statements._DISTANCE_ONLY, statements._BARE_DIRECTION]
    assert any(found(fast, text) != found(slow, text) for text in texts)
    short = plain(lambda words: re.sub(r"\[(\w)\w\]", r"[\1]", statements._cased(words)))
    assert any(found(short, text) != found(slow, text) for text in texts)


def test_the_compass_words_written_compactly_match_as_their_flat_list():
    # statements._DIR_WORDS writes the compass words with each point's forms sharing their
    # first word, compiled faster than the flat list sorted longest first it stands for
    # ("north-north-east", "north northeast", "north\u2011east", "north/east", ...) and than
    # the tree of one character a node it replaced; both must find the same spans wherever a
    # compass word may be followed, alone and passed through statements._cased.
    import itertools
    import re

    from geomap import statements

    words = statements._compass_words()
    assert len(words) == 96
    ordered = sorted(words, key=len, reverse=True)
    flat = "|".join(re.escape(w).replace(r"\ ", r"\s") for w in ordered)
    pieces = [
        *("north south east west NORTH East ſouth - \u2011 / ward wards of x N".split()),
        *(" ", "  ", "\t", " of Rawa", ""),
    ]
    for cased in (lambda words: words, statements._cased):
        for tail in (r"", r"\s+of", r"(?=\s+(?:the\s+)?[A-Z])"):
            compact_p, flat_p = (
                re.compile(rf"(?:{cased(w)})(?:ward|wards)?(?![\w-]){tail}", re.IGNORECASE)
                for w in (statements._DIR_WORDS, flat)
            )
            for n in (1, 2, 3):
                for combo in itertools.product(pieces, repeat=n):
                    text = "".join(combo)
                    compact_found = [m.span() for m in compact_p.finditer(text)]
                    assert compact_found == [m.span() for m in flat_p.finditer(text)], text
    # The statement patterns (in their plain forms, which the cased ones match) read every
    # sentence of eval/claims and random text alike with either list.
    texts = _claims_texts()
    pieces = [
        *("north South ſouth EAST west north-east North-North-East northwest ward wards".split()),
        *("of Of from in to the due just NE NNW W 12 km five miles away Mosul Kabul".split()),
        *("north/east / - \u2011 ( , .".split()),
        *(" ", " ", " ", "\t", "\n"),
    ]
    rng = random.Random(16)
    texts += _random_texts(rng, pieces, 6_000, 14, joiner=" ")
    texts += _random_texts(rng, pieces, 3_000, 14)

    def patterns(words: str) -> list[re.Pattern[str]]:
        sources = [
            (statements._statement(str), re.IGNORECASE | re.VERBOSE),
            (statements._bare_direction(str), re.IGNORECASE),
        ]
        return [re.compile(s.replace(statements._DIR_WORDS, words), f) for s, f in sources]

    def found(compiled: list[re.Pattern[str]], text: str) -> list[list[object]]:
        return [[(m.span(), m.groupdict()) for m in p.finditer(text)] for p in compiled]

    compact, listed = patterns(statements._DIR_WORDS), patterns(flat)
    assert compact != listed
    matched = 0
    for text in texts:
        assert found(compact, text) == found(listed, text), text
        matched += any(found(listed, text))
    assert matched > 1_500
    # The comparison can fail: a pattern that stops at the shorter word first is told apart.
    early = statements._DIR_WORDS.replace(")?", ")??")
    assert re.match(rf"(?:{early})(?![\w-])", "north east").span() == (0, 5)
    assert re.match(rf"(?:{statements._DIR_WORDS})(?![\w-])", "north east").span() == (0, 10)
    assert any(found(patterns(early), text) != found(listed, text) for text in texts)


def test_optional_words_written_as_an_empty_alternative_match_as_optional_groups():
    # _STATEMENT and _DISTANCE_ONLY write their optional opening words (lead, hedge,
    # "between", "a"/"one" before a number word) as "(?:X|)", which the engine tries with
    # a branch, not as "(?:X)?", a repeat it enters at every word start: both must find the
    # same spans and groups, in the plain and cased forms, on every sentence of eval/claims
    # and on random text.
    import re

    from geomap import statements

    def optional(source: str) -> str:
        return (
            source.replace("(?:(?P<between>", "(?P<between>")
            .replace(r"\s+)|)", r"\s+)?")
            .replace(r"\s+|)", r"\s+)?")
        )

    pairs = []
    for cased in (str, statements._cased):
        for source, flags in (
            (statements._statement(cased), re.IGNORECASE | re.VERBOSE),
            (statements._distance_only(cased), re.IGNORECASE),
        ):
            assert source.count(r"\s+|)") + source.count(r"\s+)|)") in (2, 5)
            pairs.append((re.compile(source, flags), re.compile(optional(source), flags)))
    pieces = [
        *("about ABOUT some a mere just only between BETWEEN Twenty twenty-five hundred".split()),
        *("a An one ONE half dozen couple of and 12 3.5 1,200 km miles metres nautical".split()),
        *("north of from away apart to the Mosul x ( ) - , .".split()),
        *(" ", " ", "  ", "\n"),
    ]
    rng = random.Random(16)
    texts = _claims_texts()
    texts += _random_texts(rng, pieces, 6_000, 14, joiner=" ")
    texts += _random_texts(rng, pieces, 3_000, 14)

    def found(pattern: re.Pattern[str], text: str) -> list[object]:
        return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]

    matched = 0
    for text in texts:
        for branch, repeat in pairs:
            assert found(branch, text) == found(repeat, text), (branch.pattern[:40], text)
        matched += any(found(repeat, text) for _, repeat in pairs)
    assert matched > 1_200
    # The comparison can fail: optional words tried after going without them are told apart.
    lazy = re.compile(
        optional(statements._statement(str)).replace(r"\s+)?", r"\s+)??"), re.I | re.X
    )
    assert any(found(lazy, text) != found(pairs[0][1], text) for text in texts)


def _random_texts(
    rng: random.Random, pieces: Sequence[str], count: int, longest: int, joiner: str = ""
) -> list[str]:
    """``count`` texts of 1 to ``longest`` pieces drawn by ``rng``, joined by ``joiner``."""
    return [
        joiner.join(rng.choice(pieces) for _ in range(rng.randint(1, longest)))
        for _ in range(count)
    ]


def _claims_texts() -> list[str]:
    import json
    from pathlib import Path

    texts = []
    for path in sorted((Path(__file__).parents[1] / "eval" / "claims").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    return texts


def test_sentences_skipped_for_direction_statements_hold_none():
    # statements._hinted reads a sentence for direction statements only where a compass word
    # or abbreviation AND the precondition of _direction_statements match; before, the first
    # alone sufficed. Reading a sentence with the old hint must find the same statements as
    # with the new, on every sentence of eval/claims and on random text of the words
    # involved; and the new hint must never read a sentence the old one skipped.
    import random

    from geomap import statements
    from geomap.text import split_sentences

    def old_hint(text: str, start: int, end: int) -> bool:
        return bool(
            statements._DIRECTION_WORD.search(text[start:end].casefold())
            or statements._DIRECTION_LETTER.search(text, start, end)
        )

    pieces = [
        *("north South ſouth EAST west North-East northwest ward wards Westfield".split()),
        *("of Of OF from FROM in the to N NE NNW ESE SW W E S of. Nof aN km 12 Mosul".split()),
        *("the East Coast stretching just due / - \u2011 , ( ı İ ß ﬆ".split()),
        *(" ", " ", " ", "\u00a0", "\n", ". ", ". A "),
    ]
    rng = random.Random(16)
    texts = _claims_texts()
    texts += _random_texts(rng, pieces, 4_000, 40)
    read = skipped = 0
    for text in texts:
        sentences = tuple(split_sentences(text))
        for hints in (
            statements._hinted(text, sentences),
            statements._hinted_one_by_one(text, sentences),
        ):
            units, directions, _ = hints
            for sentence in sentences:
                start, end = sentence.start, sentence.end
                old, new = old_hint(text, start, end), sentence.index in directions
                assert old or not new, (text, start, end)
                unit = sentence.index in units
                assert statements._statements(
                    text, start, end, unit=unit, direction=old
                ) == statements._statements(text, start, end, unit=unit, direction=new), (
                    text,
                    start,
                    end,
                )
                read += new
                skipped += old and not new
    assert read > 1_000 and skipped > 1_000
    # The comparison can fail: a sentence with a direction statement, unread, is told apart.
    text = "It lies 20 km north of Mosul."
    assert statements._statements(text, 0, len(text), unit=False, direction=True)
    assert not statements._statements(text, 0, len(text), unit=False, direction=False)


def test_distances_dropped_before_pairing_could_pair_no_places():
    # statements._phrases keeps a bare distance only where the text around it passes the
    # first test of _Context.pair_after or pair_before. With every word of a sentence taken
    # for a place mention, only the text can stop a pair: each distance dropped must pair
    # nothing there, on every sentence of eval/claims and on random text.
    import random

    from geomap import statements
    from geomap.records import Document, Mention
    from geomap.text import split_sentences

    pieces = [
        *("Mosul Kabul Erbil the road between separate separates separating and from".split()),
        *("to is was are were of measures : — – - about more than just long wide".split()),
        *("12 1,600 five a 30-foot km miles mile feet foot".split()),
        *(" ", " ", " ", ", ", ". "),
        *("Mosul to Kabul is", "between Mosul and the Kabul is", "Erbil and Mosul are"),
        *("between Mosul and Kabul", "separate the Erbil from Mosul", "12 km", "five miles"),
    ]
    rng = random.Random(16)
    texts = _claims_texts()
    texts += _random_texts(rng, pieces, 6_000, 16, joiner=" ")
    dropped = paired = 0
    for text in texts:
        sentences = tuple(split_sentences(text))
        for sentence in sentences:
            start, end = sentence.start, sentence.end
            matches = list(statements._DISTANCE_ONLY.finditer(text, start, end))
            if not matches:
                continue
            words = list(statements._WORD_TOKEN.finditer(text, start, end))
            mentions = tuple(Mention(m.start(), m.end(), m.group(), sentence.index) for m in words)
            tokens = [
                statements._Token(m.start(), m.end(), m.group(), m.group().lower()) for m in words
            ]
            phrases = statements._Phrases(
                sentence.index,
                (),
                (),
                (),
                tokens,
                [t.start for t in tokens],
                [t.end for t in tokens],
            )
            doc = Document(text, sentences, mentions)
            ctx = statements._Context(doc, phrases, range(len(mentions)), ())
            for m in matches:
                kept = bool(
                    statements._PAIR_AFTER.match(text, m.end(), end)
                    or statements._PAIR_BEFORE.search(text, start, m.start())
                )
                pair = ctx.pair_after(m.end()) or ctx.pair_before(m.start())
                assert kept or pair is None, (text, m)
                dropped += not kept
                paired += pair is not None
    assert dropped > 1_000 and paired > 100


def test_sentences_skipped_for_distances_hold_none():
    # statements._phrases reads a sentence with a unit hint for distances only where a unit
    # hint follows a number (statements._numbered): wherever a distance pattern matches in a
    # sentence, it must hold a unit hint and _numbered must say yes ("nautical", no longer a
    # hint, included), on every sentence of eval/claims and on random text of numbers, units
    # and the words around them, in both the fast and plain forms of the patterns.
    import random

    from geomap import statements
    from geomap.text import split_sentences

    pieces = [
        *("12 3.5 1,200 0 one ONE Twenty twenty-five hundred thousand dozen and a an A of".split()),
        *("half Half couple about some between to or - – — km KM Km kms km. m M mi mls".split()),
        *("miles Mile metres kilo-meters kilo meters nautical nm nmi ft feet foot yard".split()),
        *("yds on the John Mosul north of from away ( [ ) ] / ² ſ K İ ı , .".split()),
        *(" ", " ", " ", "  ", "\n", "\u00a0", "-", ""),
        *("nautical miles", "Nautical  Mile", "NAUTİCAL\nmiles", "nautical mile,"),
    ]
    patterns = [statements._STATEMENT, statements._DISTANCE_ONLY, *statements._plain()[:2]]
    rng = random.Random(16)
    texts = _claims_texts()
    texts += _random_texts(rng, pieces, 20_000, 14)
    texts += _random_texts(rng, pieces, 20_000, 14, joiner=" ")
    matched = skipped = 0
    for text in texts:
        spans = [(s.start, s.end) for s in split_sentences(text)] + [(0, len(text))]
        for start, end in spans:
            hinted = statements._UNIT_HINT.search(text, start, end) is not None
            numbered = hinted and statements._numbered(text, start, end)
            if any(p.search(text, start, end) for p in patterns):
                assert numbered, (text, start, end)
                matched += 1
            skipped += hinted and not numbered
    assert matched > 5_000 and skipped > 1_000
    # The comparison can fail: a sentence with a distance is told apart from one without,
    # "half" run into a unit included.
    for text, holds in (
        ("one and a halfkm from Mosul on foot", True),
        ("some 22 nautical miles north of Mosul", True),
        ("a 5-Nautical Mile ride from Mosul", True),
        ("He went on foot to see John M. Smith", False),
    ):
        assert bool(statements._STATEMENT.search(text)) == holds
        assert statements._numbered(text, 0, len(text)) == holds
