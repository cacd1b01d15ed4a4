"""The map stage: payload, escaping, claim geometry, asset inlining and saving.

The documents built here (the founding article with its gold reading, and articles whose
every string is hostile) are also the ones the browser tests open.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import folium
import pytest
from geographiclib.geodesic import Geodesic
from hostile import JS_URL, PAYLOAD

from geomap import claims, geometry, render
from geomap.errors import InputError
from geomap.records import Claim, Document, Location, Mention, Party, Place, Sentence

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "al-qaim-husaybah-2017.gold.json"
EXAMPLE = ROOT / "examples" / "al-qaim-husaybah-2017.txt"
ARTICLE_URL = (
    "https://www.aa.com.tr/en/middle-east/iraqi-pm-raises-flag-at-is-free-crossing-with-syria"
)
ADMIN1 = {
    "al-qaim": "Anbar",
    "husaybah": "Anbar",
    "ramadi": "Anbar",
    "rawa": "Anbar",
    "al-walid": "Anbar",
    "rabia": "Nineveh",
    "baghdad": "Baghdad",
    "abu-kamal": "Deir ez-Zor",
}

#: Tiny hand-made country outlines (lon, lat) until the gazetteer's boundaries are wired in.
BOUNDARIES = {
    "IQ": {
        "type": "Polygon",
        "coordinates": [
            [
                [38.8, 33.4],
                [41.0, 34.4],
                [42.4, 37.1],
                [44.8, 37.3],
                [45.9, 35.8],
                [46.1, 33.0],
                [48.6, 29.9],
                [47.9, 29.0],
                [46.5, 29.1],
                [44.7, 29.2],
                [42.1, 31.1],
                [39.0, 32.0],
                [38.8, 33.4],
            ]
        ],
    },
    "SY": {
        "type": "Polygon",
        "coordinates": [
            [
                [35.7, 32.7],
                [36.4, 32.4],
                [38.8, 33.4],
                [41.0, 34.4],
                [42.4, 37.1],
                [40.7, 37.1],
                [38.0, 36.8],
                [36.7, 36.8],
                [36.2, 35.8],
                [35.9, 35.3],
                [35.7, 32.7],
            ]
        ],
    },
    "JO": {
        "type": "Polygon",
        "coordinates": [
            [
                [35.5, 32.4],
                [36.4, 32.4],
                [38.8, 33.4],
                [39.0, 32.0],
                [37.0, 31.5],
                [38.0, 30.5],
                [37.5, 30.0],
                [36.0, 29.2],
                [35.0, 29.4],
                [35.5, 31.8],
                [35.5, 32.4],
            ]
        ],
    },
}


def _party(mentions, index: int) -> Party:
    """A claim end standing for the place mention ``index``."""
    m = mentions[index]
    return Party(text=m.text, start=m.start, end=m.end, kind="place", mention=index)


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences at line breaks and after . ! ? (enough for the test articles)."""
    out = []
    for block in re.finditer(r"[^\n]+", text):
        start = block.start()
        for m in re.finditer(r"[^.!?]*(?:[.!?]+[\"”’]?|$)", block.group()):
            chunk = m.group()
            if chunk.strip():
                lead = len(chunk) - len(chunk.lstrip())
                s, e = start + m.start() + lead, start + m.end()
                out.append(Sentence(len(out), s, e))
    return tuple(out)


def sentence_of(sentences: tuple[Sentence, ...], offset: int) -> int:
    return next(s.index for s in sentences if s.start <= offset < s.end)


@cache
def gold_places() -> dict[str, Place]:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return {
        key: Place(
            id=f"gold:{key}",
            name=p["name"],
            lat=p["lat"],
            lon=p["lon"],
            kind=p["kind"],
            country=p["country"],
            admin1=ADMIN1.get(key, ""),
            source=p["source"].split(";")[0],
            population=0,
        )
        for key, p in gold["places"].items()
    }


def gold_document(
    *,
    title: str = "Iraqi PM raises flag at IS-free crossing with Syria",
    url: str | None = ARTICLE_URL,
    doc_id: str = "al-qaim-husaybah-2017",
) -> Document:
    """The founding article with its gold mentions, places and the two gold claims."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    text = EXAMPLE.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    places = gold_places()
    countries = {"IQ": places["iraq"], "SY": places["syria"]}
    mentions = [
        Mention(
            m["start"],
            m["end"],
            m["text"],
            sentence_of(sentences, m["start"]),
            place=places[m["place"]],
            confidence=0.95 - 0.01 * (i % 7),
            reason="gold",
        )
        for i, m in enumerate(gold["mentions"])
    ]
    mentions += [
        Mention(
            m["start"],
            m["end"],
            m["text"],
            sentence_of(sentences, m["start"]),
            kind="demonym",
            place=countries[m["country"]],
            confidence=0.9,
        )
        for m in gold["demonyms"]
    ]
    mentions.sort(key=lambda m: m.start)
    index = {(m.start, m.end): i for i, m in enumerate(mentions)}

    def mention_in(start: int, end: int, key: str) -> int:
        return next(
            index[(m["start"], m["end"])]
            for m in gold["mentions"]
            if m["place"] == key and start <= m["start"] < end
        )

    checks = []
    for c in gold["claims"]:
        start = text.index(c["text"], c["sentence_start"])
        end = start + len(c["text"])
        sentence_end = text.index(".", c["sentence_start"])
        claim = Claim(
            subject=_party(mentions, mention_in(c["sentence_start"], sentence_end, c["subject"])),
            reference=_party(mentions, mention_in(start, end, c["reference"])),
            sentence=sentence_of(sentences, start),
            start=start,
            end=end,
            text=c["text"],
            low_km=c["value"],
            high_km=c["value"],
            unit=c["unit"],
            direction=c["direction"],
        )
        ref, sub = places[c["reference"]], places[c["subject"]]
        check = replace(
            claims.judge(claim, sub, ref),
            fits=(places["al-walid"],) if c["verdict"] == "inconsistent" else (),
            explanation=c["note"],
        )
        assert (check.distance, check.bearing) == (c["verdict"], c.get("direction_verdict"))
        checks.append(check)
    return Document(
        text=text,
        sentences=sentences,
        mentions=tuple(mentions),
        title=title,
        url=url,
        id=doc_id,
        checks=tuple(checks),
    )


def hostile_documents() -> list[Document]:
    """Two articles whose text, titles, URLs, place names and claims carry payloads."""
    evil_city = Place(
        id=f"evil:{PAYLOAD}",
        name=f"Qaim {PAYLOAD}",
        lat=34.39,
        lon=40.99,
        kind="city",
        country="IQ",
        admin1=PAYLOAD,
        source=PAYLOAD,
    )
    evil_kind = Place(
        id="evil:2",
        name=f"Ramadi{PAYLOAD}",
        lat=33.42,
        lon=43.31,
        kind='"><img src=x onerror="window.__pwned=5">',
        country='IQ"><b>',
        source="x",
    )
    fit = Place(id="evil:fit", name=f"Fit {PAYLOAD}", lat=33.43, lon=38.94, kind="city")
    text = (
        f"{PAYLOAD} headline.\n\nFighting near {evil_city.name} went on, {PAYLOAD}. "
        f"It lies 410 kilometers west of {evil_kind.name}, they said.\n"
        f"Unresolved: {PAYLOAD}.\nThe camp {PAYLOAD} burned."
    )
    sentences = split_sentences(text)
    spans = []
    pos = 0
    for name, place in ((evil_city.name, evil_city), (evil_kind.name, evil_kind), (PAYLOAD, None)):
        start = text.index(name, pos)
        spans.append((start, start + len(name), place))
        pos = start + len(name)
    mentions = tuple(
        Mention(s, e, text[s:e], sentence_of(sentences, s), place=p, confidence=0.5 if p else 0.0)
        for s, e, p in spans
    )
    cs = text.index("410 kilometers")
    ce = text.index(", they said")
    claim = Claim(
        subject=_party(mentions, 0),
        reference=_party(mentions, 1),
        sentence=sentence_of(sentences, cs),
        start=cs,
        end=ce,
        text=text[cs:ce],
        low_km=410,
        high_km=410,
        unit="km",
        direction="W",
    )
    check = replace(
        claims.judge(claim, evil_city, evil_kind), fits=(fit,), explanation=f"explanation {PAYLOAD}"
    )
    assert (check.distance, check.bearing) == ("inconsistent", "consistent")
    # A thing the gazetteer lacks, named by a payload and placed 20 km north of the city.
    camp = text.index(f"camp {PAYLOAD}")
    subject = Party(text[camp : camp + 5 + len(PAYLOAD)], camp, camp + 5 + len(PAYLOAD), "name")
    area = geometry.Area((evil_city.lat, evil_city.lon), 15.0, 25.0, bearing=0.0, half_width=50.0)
    location = Location(
        name=f"{subject.text} (20 km N of {evil_city.name})",
        subject=subject,
        kind="estimate",
        lat=area.representative()[0],
        lon=area.representative()[1],
        uncertainty_km=12.0,
        sentence=sentence_of(sentences, camp),
        checks=(0,),
        areas=(area,),
        contradiction=f"contradiction {PAYLOAD}",
        country="IQ",
    )
    first = Document(
        text=text,
        sentences=sentences,
        mentions=mentions,
        title=f"Title {PAYLOAD}",
        url=JS_URL,
        id=f"id {PAYLOAD}",
        checks=(check,),
        locations=(location,),
    )
    second = Document(
        text=f"Second {evil_city.name} article.",
        sentences=(Sentence(0, 0, len(f"Second {evil_city.name} article.")),),
        mentions=(
            Mention(7, 7 + len(evil_city.name), evil_city.name, 0, place=evil_city, confidence=0.7),
        ),
        title=f"Second {PAYLOAD}",
        url='https://example.org/?q="><script>window.__pwned=6</script>',
    )
    return [first, second]


def payload_of(m: folium.Map) -> dict:
    page = m.get_root().render()
    blob = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.DOTALL)
    assert blob, "no payload in the page"
    return json.loads(blob.group(1))


# ---------------------------------------------------------------------------------------


def test_build_map_returns_folium_map_with_one_marker_per_place():
    m = render.build_map([gold_document()], boundaries=BOUNDARIES)
    assert isinstance(m, folium.Map)
    data = payload_of(m)
    assert len(data["places"]) == 13
    qaim = next(p for p in data["places"] if p["name"] == "Al-Qaim")
    assert qaim["refs"][0]["doc"] == 0 and len(qaim["refs"][0]["mentions"]) == 9
    assert (qaim["admin1"], qaim["countryName"], qaim["source"]) == (
        "Anbar",
        "Iraq",
        "GeoNames 'Al Qa'im' (cities500)",
    )
    crossing = next(p for p in data["places"] if p["kind"] == "border_crossing")
    assert crossing["shape"] == "diamond" and crossing["color"] != qaim["color"]


def test_rows_are_read_by_name_and_hold_nothing_private():
    """Every row of a kind has the same named fields; a mention links to a marker index or
    to nothing (no sentinel), and no builder leaves a private key behind."""
    data = payload_of(render.build_map([gold_document(), hostile_documents()[0]]))
    keys = {frozenset(m) for d in data["docs"] for m in d["mentions"]}
    assert keys == {frozenset(render.MentionRow.__annotations__)}
    assert {frozenset(d) for d in data["docs"]} == {frozenset(render.DocRow.__annotations__)}
    assert {frozenset(p) for p in data["places"]} == {frozenset(render.PlaceRow.__annotations__)}
    claims_ = [c for d in data["docs"] for c in d["claims"]]
    assert {frozenset(c) for c in claims_} == {frozenset(render.ClaimRow.__annotations__)}
    for doc in data["docs"]:
        for m in doc["mentions"]:
            assert m["place"] is None or 0 <= m["place"] < len(data["places"])

    def private(value) -> list[str]:
        if isinstance(value, dict):
            return [k for k in value if k.startswith("_")] + [
                k for v in value.values() for k in private(v)
            ]
        if isinstance(value, list):
            return [k for v in value for k in private(v)]
        return []

    assert private(data) == []


def test_demonyms_link_to_their_country_but_add_no_marker():
    data = payload_of(render.build_map([gold_document()]))
    iraq = next(i for i, p in enumerate(data["places"]) if p["name"] == "Iraq")
    doc = data["docs"][0]
    demonyms = [m for m in doc["mentions"] if m["kind"] == "demonym"]
    assert len(demonyms) == 15
    assert all(m["place"] == iraq for m in demonyms if m["end"] - m["start"] == 5)


def test_a_demonym_of_a_country_no_article_names_links_to_nothing():
    text = "Syrian forces moved east."
    syria = gold_places()["syria"]
    doc = Document(
        text,
        split_sentences(text),
        (Mention(0, 6, "Syrian", 0, kind="demonym", place=syria, confidence=1.0),),
    )
    data = payload_of(render.build_map([doc]))
    assert data["places"] == []
    assert data["docs"][0]["mentions"][0]["place"] is None


def test_a_name_inside_another_name_links_to_its_place_but_adds_no_marker():
    """ "U.S." in "U.S. Geological Survey" is a modifier: evidence, not a marker; "southern
    Mexico" is Mexico's south, said so."""
    text = "The U.S. Geological Survey said the quake hit southern Mexico."
    us = Place("country:US", "United States", 39.76, -98.5, "country", "US")
    mexico = Place("country:MX", "Mexico", 23.0, -102.0, "country", "MX")
    doc = Document(
        text,
        split_sentences(text),
        (
            Mention(4, 8, "U.S.", 0, kind="modifier", place=us, confidence=0.9),
            Mention(55, 61, "Mexico", 0, place=mexico, confidence=0.9, part="south"),
        ),
    )
    data = payload_of(render.build_map([doc]))
    assert [p["name"] for p in data["places"]] == ["Mexico"]
    modifier, mention = data["docs"][0]["mentions"]
    assert (modifier["kind"], modifier["place"]) == ("modifier", None)
    assert (mention["kind"], mention["place"], mention["part"]) == ("place", 0, "south")


def test_one_marker_lists_every_article_that_mentions_the_place():
    docs = [gold_document(), gold_document(title="Second report", doc_id="b", url=None)]
    data = payload_of(render.build_map(docs))
    assert len(data["places"]) == 13
    qaim = next(p for p in data["places"] if p["name"] == "Al-Qaim")
    assert [r["doc"] for r in qaim["refs"]] == [0, 1]
    assert data["docs"][1]["url"] is None


def test_claim_label_and_colours_follow_the_verdicts():
    checks = gold_document().checks
    assert render.claim_label(checks[1]) == "stated 410 km W \u00b7 computed 241 km WNW"
    assert render.claim_label(checks[0]).startswith("stated 2 km \u00b7 computed 1.3 km ")
    data = payload_of(render.build_map([gold_document()]))
    near, far = data["docs"][0]["claims"]
    assert (far["verdict"], near["verdict"]) == ("inconsistent", "consistent")
    styles = {v["key"]: v for v in data["verdicts"]}
    assert styles["inconsistent"]["color"] == "#c62828"
    assert styles["consistent"]["color"] == "#2e7d32"
    # Told apart without colour too: each verdict its own dash pattern and symbol.
    assert len({v["dash"] for v in data["verdicts"]}) == len(data["verdicts"])
    assert len({v["symbol"] for v in data["verdicts"]}) == len(data["verdicts"])
    assert far["verdictLabel"] == "distance inconsistent \u00b7 direction consistent"
    assert [f["name"] for f in far["fits"]] == ["Al-Walid border crossing (Iraq - Syria)"]
    assert far["fits"][0]["note"].startswith("406 km W of Ramadi")
    low, high = gold_document().checks[1].tolerance_km
    bearing, half = gold_document().checks[1].bearing_window
    assert far["accepted"] == (
        f"accepted {low:.0f}\u2013{high:.0f} km, bearings "
        f"{bearing - half:.0f}\u00b0\u2013{bearing + half:.0f}\u00b0"
    )
    places = data["places"]
    assert places[far["subjectPlace"]]["name"].startswith("Husaybah")
    assert places[far["referencePlace"]]["name"] == "Ramadi"


def test_claim_line_is_a_geodesic_from_reference_to_subject():
    places = gold_places()
    data = payload_of(render.build_map([gold_document()]))
    line = data["docs"][0]["claims"][1]["line"]
    ramadi, crossing = places["ramadi"], places["husaybah"]
    assert line[0] == pytest.approx([ramadi.lat, ramadi.lon], abs=1e-4)
    assert line[-1] == pytest.approx([crossing.lat, crossing.lon], abs=1e-4)
    assert len(line) > 20
    # every intermediate point lies on the geodesic (to drawing accuracy): the two legs
    # add up to the whole
    whole = Geodesic.WGS84.Inverse(*line[0], *line[-1])["s12"]
    mid = line[len(line) // 2]
    legs = (
        Geodesic.WGS84.Inverse(*line[0], *mid)["s12"]
        + Geodesic.WGS84.Inverse(*mid, *line[-1])["s12"]
    )
    assert legs == pytest.approx(whole, rel=1e-5)


def ring_measures(center, rings) -> list[tuple[float, float]]:
    """(km, bearing) of every drawn vertex from ``center``, by geographiclib."""
    out = []
    for ring in rings:
        for lat, lon in ring:
            g = Geodesic.WGS84.Inverse(*center, lat, lon)
            out.append((g["s12"] / 1000, g["azi1"] % 360))
    return out


def test_the_drawn_sector_is_the_window_the_checker_judged_with():
    """ "410 kilometers west of Ramadi": the checker accepts about 387-433 km within ±45° of W;
    the drawn sector spans exactly that, so the crossing it calls direction-consistent
    (297°) lies inside what the map shows."""
    ramadi = gold_places()["ramadi"]
    check = gold_document().checks[1]
    low, high = check.tolerance_km
    bearing, half = check.bearing_window
    data = payload_of(render.build_map([gold_document()]))
    (ring,) = data["docs"][0]["claims"][1]["area"]
    measures = [(km, b) for km, b in ring_measures((ramadi.lat, ramadi.lon), [ring]) if km > 1]
    kms = [km for km, _ in measures]
    bearings = [b for _, b in measures]
    assert min(kms) == pytest.approx(low, abs=0.01) and max(kms) == pytest.approx(high, abs=0.01)
    assert min(bearings) == pytest.approx(bearing - half, abs=0.01)
    assert max(bearings) == pytest.approx(bearing + half, abs=0.01)
    assert half > 45  # not the ±22.5° the map drew before
    assert bearing - half <= check.computed_bearing <= bearing + half


def test_the_drawn_disc_of_a_distance_without_direction_is_the_accepted_window():
    """ "two kilometers from Al-Qaim city": accepted from 0 to about 5 km (the number's
    precision and the places' extents), drawn as that disc, not as a 2 km thin ring."""
    qaim = gold_places()["al-qaim"]
    check = gold_document().checks[0]
    low, high = check.tolerance_km
    assert low == 0 and high > 4
    data = payload_of(render.build_map([gold_document()]))
    area = data["docs"][0]["claims"][0]["area"]
    assert len(area) == 1  # a disc: no inner ring
    kms = [km for km, _ in ring_measures((qaim.lat, qaim.lon), area)]
    assert min(kms) == pytest.approx(high, abs=0.01) and max(kms) == pytest.approx(high, abs=0.01)


def test_an_open_window_is_drawn_to_twice_its_lower_end():
    """ "more than 100 km east of Ramadi": accepted from 95 km up, with no upper end."""
    ramadi = gold_places()["ramadi"]
    text = "Rawa lies more than 100 km east of Ramadi."
    claim = Claim(
        subject=Party("Rawa", 0, 4, "place"),
        reference=Party("Ramadi", 35, 41, "place"),
        sentence=0,
        start=10,
        end=41,
        text=text[10:41],
        low_km=100,
        high_km=100,
        unit="km",
        direction="E",
        hedge="more than",
    )
    check = claims.judge(claim, gold_places()["rawa"], ramadi)
    assert check.tolerance_km[1] == math.inf
    rings = render.claim_area(check)
    kms = [km for km, _ in ring_measures((ramadi.lat, ramadi.lon), rings) if km > 1]
    assert min(kms) == pytest.approx(check.tolerance_km[0], abs=0.01)
    assert max(kms) == pytest.approx(2 * check.tolerance_km[0], abs=0.01)


def test_compass_points():
    assert [render.compass(b) for b in (0, 11.2, 11.3, 270, 297, 359)] == [
        "N",
        "N",
        "NNE",
        "W",
        "WNW",
        "N",
    ]


def test_countries_mentioned_are_outlined_and_all_boundaries_form_the_basemap():
    data = payload_of(render.build_map([gold_document()], boundaries=BOUNDARIES))
    assert sorted(c["iso2"] for c in data["countries"]) == ["IQ", "SY"]
    assert {c["name"] for c in data["countries"]} == {"Iraq", "Syria"}
    assert len(data["basemap"]) == 3


def test_extent_of_a_province_when_its_boundary_is_known():
    anbar = {"type": "Polygon", "coordinates": [[[39, 31], [44, 31], [44, 35], [39, 35], [39, 31]]]}
    data = payload_of(
        render.build_map(
            [gold_document()], boundaries={"gold:anbar": {"type": "Feature", "geometry": anbar}}
        )
    )
    (extent,) = data["extents"]
    assert data["places"][extent["place"]]["name"] == "Anbar Governorate"


def test_no_tiles_unless_asked(tmp_path):
    page = render.save(render.build_map([gold_document()]), tmp_path / "map.html").read_text()
    assert "tile.openstreetmap.org" not in page
    assert payload_of(render.build_map([gold_document()]))["tiles"] is None


@pytest.mark.parametrize(
    "tiles, url",
    [
        ("OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/{z}/{x}/{y}.png"),
    ],
    ids=["name", "url"],
)
def test_tiles_by_name_or_url(tiles, url):
    data = payload_of(render.build_map([gold_document()], tiles=tiles))
    assert data["tiles"]["url"] == url


@pytest.mark.parametrize(
    "tiles, message",
    [
        ("NoSuchTiles", "unknown tile layer 'NoSuchTiles'"),
        ("javascript:alert(1)//{z}/{x}/{y}", "tile URL must start with http:// or https://"),
        ("https://tiles.example.org/{z}.png", "tile URL must contain {z}, {x} and {y}"),
    ],
    ids=["unknown", "scheme", "placeholders"],
)
def test_bad_tiles_are_refused(tiles, message):
    with pytest.raises(InputError, match=re.escape(message)):
        render.build_map([gold_document()], tiles=tiles)


def test_save_inlines_every_asset_and_links_nothing_remote(tmp_path):
    path = render.save(
        render.build_map([gold_document()], boundaries=BOUNDARIES), tmp_path / "out" / "map.html"
    )
    page = path.read_text(encoding="utf-8")
    assert render.remote_assets(page) == []
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=", page)
    assert "leaflet.js from xstatic.pkg.leaflet" in page
    assert "leaflet.markercluster.js from xstatic.pkg.leaflet_markercluster" in page
    assert "geomap.js from geomap" in page
    assert "url(images/" not in page and "data:image/png;base64," in page
    assert [p.name for p in path.parent.iterdir()] == ["map.html"]  # no temp file left


def test_save_beside_copies_assets(tmp_path):
    path = render.save(render.build_map([gold_document()]), tmp_path / "map.html", inline=False)
    page = path.read_text(encoding="utf-8")
    assert render.remote_assets(page) == []
    srcs = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', page)
    assert sorted(srcs) == sorted(
        f"map_files/{n}"
        for n in (
            "leaflet.js",
            "leaflet.markercluster.js",
            "geomap.js",
            "leaflet.css",
            "MarkerCluster.css",
            "MarkerCluster.Default.css",
            "geomap.css",
        )
    )
    for src in srcs:
        assert (tmp_path / src).is_file()


def test_folium_class_defaults_are_not_mutated(tmp_path):
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    m = render.build_map([gold_document()])
    render.save(m, tmp_path / "map.html")
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css
    assert m.default_js is not folium.Map.default_js
    other = folium.Map(tiles=None).get_root().render()
    assert "geomap.js" not in other and "markercluster" not in other


def test_save_refuses_a_remote_asset_it_cannot_inline(tmp_path):
    m = render.build_map([gold_document()])
    m.add_js_link("extra", "https://cdn.example.org/extra.js")
    with pytest.raises(render.AssetError, match="https://cdn.example.org/extra.js"):
        render.save(m, tmp_path / "map.html")
    assert not (tmp_path / "map.html").exists()


def test_hostile_strings_never_reach_html_or_script_source(tmp_path):
    docs = hostile_documents()
    page = render.save(
        render.build_map(docs, boundaries=BOUNDARIES), tmp_path / "map.html"
    ).read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.DOTALL)
    raw = blob.group(1)
    for bad in ("<", ">", "&", "\u2028"):
        assert bad not in raw
    outside = page.replace(raw, "")
    assert outside.count("pwned") == 0  # (a count: pytest would print the whole page)
    data = json.loads(raw)
    assert data["docs"][0]["fullTitle"] == f"Title {PAYLOAD}"  # intact, just escaped
    assert data["docs"][0]["title"] == render.display_title(docs[0])
    assert data["docs"][0]["url"] is None  # javascript: never becomes a link
    assert data["docs"][1]["url"].startswith("https://example.org/")
    assert data["places"][0]["name"] == f"Qaim {PAYLOAD}"
    assert data["places"][1]["color"] == "#8d6e63"  # an unknown kind gets our colour


def test_the_page_title_is_the_headline_escaped(tmp_path):
    doc = replace(hostile_documents()[1], title="{{ 7 * 7 }} </title><script>x</script> & Co")
    page = render.save(render.build_map([doc]), tmp_path / "map.html").read_text()
    (title,) = re.findall(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title == (
        "&#123;&#123; 7 * 7 &#125;&#125; &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;"
        " &amp; Co \u2013 geomap"
    )
    assert html.unescape(title) == f"{doc.title} \u2013 geomap"


@pytest.mark.parametrize(
    "title, doc_id, expected",
    [
        ("Iraqi PM raises flag", "a.txt", "Iraqi PM raises flag"),
        ("  ", "kathmandu-quake.txt", "kathmandu-quake.txt"),
        (None, None, "Article 3"),
        (
            (
                "KATHMANDU, Nepal (AP) \u2014 A powerful earthquake struck near Kathmandu on "
                "Saturday, killing more than 1,000 people and toppling buildings across the "
                "valley, officials said."
            ),
            None,
            "KATHMANDU, Nepal (AP) \u2014 A powerful earthquake struck near Kathmandu on\u2026",
        ),
    ],
    ids=["headline", "file-name", "numbered", "first-paragraph"],
)
def test_display_titles(title, doc_id, expected):
    doc = Document("text", (), title=title, id=doc_id)
    assert render.display_title(doc, 2) == expected
    assert len(render.display_title(doc, 2)) <= render.TITLE_MAX


@pytest.mark.parametrize(
    "name, shown",
    [
        ("Chari\u0307\u0304kot\u0323", "Charikot"),  # GeoNames' marks, stacked: all dropped
        ("Al Qa\u0304\u2019im", "Al Q\u0101\u2019im"),  # composes in NFC: kept
        ("Sa\u0303o Paulo", "S\u00e3o Paulo"),
        ("\u0628\u063a\u062f\u0627\u062f\u064f", "\u0628\u063a\u062f\u0627\u062f\u064f"),
    ],
    ids=["stacked-marks", "macron", "tilde", "arabic-harakat"],
)
def test_display_names_are_nfc_without_stray_marks(name, shown):
    assert render.display_name(name) == shown


def test_names_are_shown_clean_with_the_gazetteer_spelling_kept():
    text = "Troops reached Charikot on Monday."
    charikot = Place("gn:1283613", "Chari\u0307\u0304kot\u0323", 27.67, 86.05, "city", "NP")
    doc = Document(
        text,
        split_sentences(text),
        (Mention(15, 23, "Charikot", 0, place=charikot, confidence=0.9),),
    )
    (place,) = payload_of(render.build_map([doc]))["places"]
    assert (place["name"], place["gazetteerName"]) == ("Charikot", charikot.name)


def test_json_for_html_round_trips():
    value = {"s": "</script><!-- \u2028\u2029 & ${x} `"}
    text = render.json_for_html(value)
    assert "</" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_unknown_records_are_refused():
    with pytest.raises(TypeError, match="Expected Document objects, instead got str at 0"):
        render.build_map(["not a document"])


def test_empty_map_saves(tmp_path):
    page = render.save(render.build_map([]), tmp_path / "empty.html").read_text()
    assert render.remote_assets(page) == []


def test_a_claim_line_takes_the_short_way_across_the_antimeridian():
    fiji = Place("x:fiji", "Suva", -17.7, 178.4, "city")
    samoa = Place("x:samoa", "Apia", -13.8, -171.8, "city")
    line = render.claim_line(fiji, samoa)
    lons = [lon for _, lon in line]
    assert all(abs(b - a) < 5 for a, b in itertools.pairwise(lons))
    assert lons[-1] == pytest.approx(-171.8 + 360)
    assert all(math.isfinite(v) for point in line for v in point)


def test_country_boundaries_from_a_feature_collection():
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso2": "iq", "name": "Iraq"},
                "geometry": BOUNDARIES["IQ"],
            },
            {"type": "Feature", "properties": {"name": "no code"}, "geometry": BOUNDARIES["SY"]},
        ],
    }
    assert render.country_boundaries(fc) == {"IQ": BOUNDARIES["IQ"]}


def test_bundled_outlines_read_one_by_one_are_those_of_the_whole_file():
    # The page decodes only the outlines it draws; each must be the file's own.
    import gzip
    import json

    from geomap.basemap import Outlines, bundled_extents
    from geomap.gazetteer import bundled_dir

    text = gzip.decompress((bundled_dir() / "extents.geojson.gz").read_bytes()).decode()
    whole = {f["id"]: f["geometry"] for f in json.loads(text)["features"]}
    lazy = bundled_extents()
    for pid in whole:
        assert pid in lazy and lazy[pid] == whole[pid] and lazy.get(pid) == whole[pid]
    assert "no:such-place" not in lazy and lazy.get("no:such-place") is None
    # Laid out otherwise (keys in another order), a collection is decoded whole.
    other = Outlines(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "id": "x:1", "geometry": BOUNDARIES["IQ"]}],
            }
        )
    )
    assert dict(other) == {"x:1": BOUNDARIES["IQ"]} and "x:1" in other
    # Laid out as the build writes it, ids with quotes or accents are found whole.
    features = [
        {"geometry": BOUNDARIES["IQ"], "id": 'x:"q"', "properties": {}, "type": "Feature"},
        {"geometry": BOUNDARIES["SY"], "id": "x:Qā’im", "properties": {}, "type": "Feature"},
    ]
    text = json.dumps({"features": features}, ensure_ascii=False, separators=(",", ":"))
    sorted_layout = Outlines(text)
    assert text.startswith('{"features":[{"geometry":')
    assert sorted_layout.get('x:"q"') == BOUNDARIES["IQ"]
    assert sorted_layout["x:Qā’im"] == BOUNDARIES["SY"] and "x:q" not in sorted_layout


def test_bundled_country_outlines_cut_from_the_file_are_those_json_writes():
    # The page writes the countries it only draws as text cut from the file: it must be what
    # decoding the file and encoding the compacted geometry would write, byte for byte.
    import gzip
    import json

    from geomap.basemap import CountryOutlines, compact_geometry
    from geomap.gazetteer import boundaries, bundled_dir

    path = bundled_dir() / "country_boundaries.geojson.gz"
    whole = {
        f["properties"]["iso2"]: f["geometry"]
        for f in json.loads(gzip.decompress(path.read_bytes()))["features"]
    }
    lazy = boundaries()
    assert list(lazy) == list(whole) and len(lazy) == len(whole) > 200
    for code, outline in whole.items():
        cut = lazy.compact_json(code)
        written = json.dumps(compact_geometry(outline), ensure_ascii=False, separators=(",", ":"))
        assert cut is not None and cut.text == written
        assert lazy[code] == outline
    assert "gold:anbar" not in lazy and lazy.compact_json("ZZ") is None
    # Laid out otherwise, the collection is decoded whole and nothing is cut from its text.
    other = CountryOutlines(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"iso2": "IQ"}, "geometry": BOUNDARIES["IQ"]}
                ],
            }
        )
    )
    assert dict(other) == {"IQ": BOUNDARIES["IQ"]} and other.compact_json("IQ") is None


def test_bundled_extents_cut_from_the_file_are_those_json_writes():
    # The lakes and rivers a page draws are cut from the file too (water_features).
    import gzip
    import json

    from geomap.basemap import Label, bundled_extents, compact_geometry, water_features
    from geomap.gazetteer import bundled_dir

    path = bundled_dir() / "extents.geojson.gz"
    whole = {
        f["id"]: f["geometry"] for f in json.loads(gzip.decompress(path.read_bytes()))["features"]
    }
    lazy = bundled_extents()
    for pid, outline in whole.items():
        cut = lazy.compact_json(pid)
        written = json.dumps(compact_geometry(outline), ensure_ascii=False, separators=(",", ":"))
        assert cut is not None and cut.text == written
    lakes = [Label(pid, 0.0, 0.0, "water", 9, 18, pid, 1.0) for pid in sorted(whole)[:50]]
    lakes.append(Label("none", 0.0, 0.0, "river", 9, 18, "no:such-place", 1.0))
    drawn = water_features(lakes, lazy)
    decoded = water_features(lakes, dict(whole))
    assert len(drawn) == 50 and render.json_for_html(drawn) == render.json_for_html(decoded)


def test_json_for_html_writes_json_text_as_it_is():
    from geomap.basemap import JSONText

    value = {"a": [JSONText('{"type":"Point","coordinates":[1,2]}'), {"b": "<x>"}], "c": 1.5}
    expected = {"a": [{"type": "Point", "coordinates": [1, 2]}, {"b": "<x>"}], "c": 1.5}
    assert render.json_for_html(value) == render.json_for_html(expected)
    # At any depth, escaped as the rest, and never taken for a string that names it.
    value = {"a": [[JSONText("1")], {"b": JSONText('"</script>{{"')}], "c": "1", "d": ["0"]}
    expected = {"a": [[1], {"b": "</script>{{"}], "c": "1", "d": ["0"]}
    assert render.json_for_html(value) == render.json_for_html(expected)
    assert render.json_for_html(JSONText("[2]")) == "[2]"
    with pytest.raises(TypeError):
        render.json_for_html({"a": [object()]})


# --------------------------------------------------------------------------- locations

#: Reworded from a Reuters report (Sept 2015) so that one thing the gazetteer lacks is placed
#: by a statement and another by written coordinates.
BORNO = (
    "MAIDUGURI, Nigeria, Sept 3 - Gunmen killed five villagers in Mainari, 20 km (12 miles) "
    "southeast of the state capital Maiduguri, on Wednesday. The epicentre of a small "
    "tremor was at 11.70°N, 13.30°E, officials said."
)


@pytest.fixture(scope="module")
def borno(full_gazetteer) -> Document:
    from geomap.parse import parse

    doc = parse(BORNO, gazetteer=full_gazetteer, title="Gunmen kill five in Borno", id="borno")
    assert [loc.kind for loc in doc.locations] == ["estimate", "coordinates"]
    return doc


def test_estimated_places_and_written_coordinates_in_the_payload(borno):
    from geomap.gazetteer import row_to_place

    data = payload_of(render.build_map([borno]))
    (doc,) = data["docs"]
    mainari, tremor = doc["locations"]
    assert (mainari["name"], mainari["kind"], mainari["vague"]) == (
        "Mainari (20 km SE of Maiduguri)",
        "estimate",
        False,
    )
    assert BORNO[mainari["start"] : mainari["end"]] == "Mainari"
    assert mainari["uncertaintyKm"] == pytest.approx(borno.locations[0].uncertainty_km, abs=0.01)
    # the area the statement allows is the checker's, and the ring its uncertainty
    area = borno.locations[0].areas[0]
    kms = [km for km, _ in ring_measures(area.center, mainari["areas"][0])]
    assert min(kms) == pytest.approx(area.low_km, abs=0.01)
    assert max(kms) == pytest.approx(area.high_km, abs=0.01)
    assert mainari["ring"] is None  # one statement: its area says it all
    # the statement is a claim card that points at the location, drawn from the reference
    claim = doc["claims"][mainari["claims"][0]]
    assert (claim["status"], claim["verdict"], claim["location"]) == ("located", "located", 0)
    assert claim["line"][-1] == pytest.approx([mainari["lat"], mainari["lon"]], abs=1e-4)
    # the suggested row is one a user can add as it is
    header, row = mainari["suggestion"].split("\n")
    place = row_to_place(next(__import__("csv").reader([row])))
    assert header.startswith("id,name,alternate_names,lat,lon,kind")
    assert (place.name, place.country) == ("Mainari", "NG")
    assert (place.lat, place.lon) == pytest.approx((mainari["lat"], mainari["lon"]), abs=1e-5)
    assert (tremor["kind"], tremor["ring"], tremor["areas"]) == ("coordinates", None, [])
    assert (tremor["lat"], tremor["lon"]) == (11.7, 13.3)


def test_statements_that_agree_are_drawn_with_a_ring_round_their_overlap(full_gazetteer):
    from geomap.parse import parse

    text = (
        "The attack on Mainari, 20 km southeast of Maiduguri and 50 km northwest of Bama, "
        "killed five."
    )
    doc = parse(text, gazetteer=full_gazetteer)
    (loc,) = doc.locations
    (row,) = payload_of(render.build_map([doc]))["docs"][0]["locations"]
    assert len(row["areas"]) == 2 and len(row["claims"]) == 2
    kms = [km for km, _ in ring_measures((row["lat"], row["lon"]), [row["ring"]])]
    assert min(kms) == pytest.approx(loc.uncertainty_km, abs=0.01)
    assert all(a.contains((row["lat"], row["lon"])) for a in loc.areas)


def test_a_vague_location_draws_no_line_or_sector(full_gazetteer):
    from geomap.parse import parse

    text = "Fighting broke out in Tarkint, north of Gao, on Monday."
    doc = parse(text, gazetteer=full_gazetteer)
    assert doc.locations == ()  # a direction without a distance places no point
    data = payload_of(render.build_map([doc]))
    assert data["docs"][0]["locations"] == []
    (claim,) = data["docs"][0]["claims"]
    assert claim["line"] is None and claim["area"] is None
