"""Corpus exports (mentions.jsonl, places.geojson, claims.csv) and the corpus map."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geomap import export
from geomap.claims import check_document
from geomap.corpus_map import build_corpus_map, corpus_payload
from geomap.parse import parse
from geomap.render import remote_assets, save


@pytest.fixture(scope="module")
def example_rows(example_text, full_gazetteer) -> export.ArticleRows:
    doc = parse(
        example_text,
        title="Iraqi PM raises flag",
        url="https://aa.com.tr/x",
        gazetteer=full_gazetteer,
        id="aa-2017",
    )
    return export.article_rows(check_document(doc, full_gazetteer), date="2017-11-06")


def rows_of(text: str, gazetteer, *, id: str, date: str | None = None, url=None):
    doc = parse(text, gazetteer=gazetteer, id=id, url=url, title=f"Title {id}")
    return export.article_rows(check_document(doc, gazetteer), date=date)


def test_mention_lines_carry_the_article_and_offsets(example_rows, example_text):
    lines = [json.loads(line) for line in example_rows.mentions]
    assert all(m["article"] == "aa-2017" for m in lines)
    assert [m["start"] for m in lines] == sorted(m["start"] for m in lines)
    qaim = next(m for m in lines if m["text"] == "Al-Qaim")
    assert qaim["place"]["country"] == "IQ" and qaim["kind"] == "place"
    assert set(qaim) == {
        "article",
        "start",
        "end",
        "text",
        "sentence",
        "kind",
        "confidence",
        "confident",
        "place",
    }
    assert set(qaim["place"]) == {"id", "name", "kind", "country", "admin1", "lat", "lon"}


def test_mention_lines_have_one_layout(example_rows):
    line = example_rows.mentions[0]
    assert line == export.dumps(json.loads(line))
    assert ": " not in line and list(json.loads(line)) == sorted(json.loads(line))


def test_claim_rows_hold_the_verdicts(example_rows):
    rows = [dict(zip(export.CLAIM_COLUMNS, row)) for row in example_rows.claims]
    ramadi = next(r for r in rows if r["reference"] == "Ramadi")
    assert ramadi["article"] == "aa-2017"
    assert ramadi["stated_km"] == "410" and ramadi["unit"] == "kilometers"
    assert ramadi["distance"] in ("consistent", "road", "inconsistent")
    assert ramadi["stated_direction"] == "W" and ramadi["stated_bearing"] == "270"
    assert ramadi["hedge"] == ""


def test_claims_csv_round_trips(example_rows):
    text = export.claims_header() + export.csv_text(example_rows.claims)
    parsed = list(csv.reader(io.StringIO(text)))
    assert tuple(parsed[0]) == export.CLAIM_COLUMNS
    assert [tuple(r) for r in parsed[1:]] == list(example_rows.claims)


def test_places_count_place_mentions_not_demonyms(example_rows):
    places = dict(example_rows.places)
    mentions = [json.loads(line) for line in example_rows.mentions]
    iraq = [m for m in mentions if m["place"] and m["place"]["id"] == "country:IQ"]
    assert places["country:IQ"] == sum(1 for m in iraq if m["kind"] == "place")
    assert len(iraq) > places["country:IQ"]  # "Iraqi" is a demonym


def test_tally_counts_articles_and_dates(full_gazetteer):
    tally = export.Tally()
    for id, text, date in [
        ("a", "Floods hit Basra and Basra again.", "2017-03-01"),
        ("b", "Talks in Basra and Amman.", "2016-12-31"),
        ("c", "Rain in Amman.", None),
    ]:
        tally.add(rows_of(text, full_gazetteer, id=id, date=date))
    collection = export.places_geojson(tally)
    props = {f["properties"]["name"]: f["properties"] for f in collection["features"]}
    assert props["Basra"]["mentions"] == 3
    assert props["Basra"]["articles"] == ["a", "b"]
    assert (props["Basra"]["first_date"], props["Basra"]["last_date"]) == (
        "2016-12-31",
        "2017-03-01",
    )
    assert props["Amman"]["articles"] == ["b", "c"]
    assert props["Amman"]["first_date"] == props["Amman"]["last_date"] == "2016-12-31"
    assert [f["properties"]["name"] for f in collection["features"]] == ["Basra", "Amman"]
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert 29 < lat < 32 and 46 < lon < 49  # GeoJSON order: (lon, lat)


def test_geojson_text_is_valid_json_one_feature_a_line(full_gazetteer):
    tally = export.Tally()
    tally.add(rows_of("Talks in Basra and Amman.", full_gazetteer, id="b"))
    text = export.geojson_text(export.places_geojson(tally))
    assert json.loads(text) == export.places_geojson(tally)
    assert text.count("\n") == 4
    assert export.geojson_text({"features": []}) == '{"features":[],"type":"FeatureCollection"}\n'


def test_geojson_from_rendered_features_is_the_same_text(full_gazetteer):
    """The batch merge writes ``locations.geojson`` from features its workers rendered."""
    tally = export.Tally()
    tally.add(rows_of("Talks in Basra and Amman.", full_gazetteer, id="b"))
    features = export.places_geojson(tally)["features"]
    for collection in ({"features": features}, {"features": features[:1]}, {"features": []}):
        lines = "".join(export.dumps(f) + "\n" for f in collection["features"])
        assert export.geojson_from_lines(lines.encode()) == (
            export.geojson_text(collection).encode()
        )


def test_article_rows_need_an_id(full_gazetteer):
    doc = parse("In Paris.", gazetteer=full_gazetteer)
    with pytest.raises(ValueError, match="Expected a Document with an id, instead got id=None"):
        export.article_rows(doc)


# --------------------------------------------------------------------------- corpus map


@pytest.fixture(scope="module")
def tally(full_gazetteer) -> export.Tally:
    tally = export.Tally()
    articles = [
        ("a", "Floods hit Basra.", "2017-03-01", "https://news.example/a"),
        ("b", "Talks in Basra and Amman.", "2016-12-31", "javascript:alert(1)"),
        ("c", "Rain in Cairo.", None, None),
    ]
    for id, text, date, url in articles:
        tally.add(rows_of(text, full_gazetteer, id=id, date=date, url=url))
    return tally


def test_corpus_payload(tally):
    data = corpus_payload(tally)
    assert data["articles"] == [
        {"id": "a", "title": "Title a", "url": "https://news.example/a", "date": "2017-03-01"},
        {"id": "b", "title": "Title b", "url": None, "date": "2016-12-31"},
        {"id": "c", "title": "Title c", "url": None, "date": None},
    ]
    assert data["summary"]["dates"] == ["2016-12-31", "2017-03-01"]
    assert data["summary"]["undated"] == 1
    basra = next(p for p in data["places"] if p["name"] == "Basra")
    assert basra["refs"] == [
        {"article": 0, "mentions": 1, "sentence": "Floods hit Basra.", "mark": [11, 16]},
        {"article": 1, "mentions": 1, "sentence": "Talks in Basra and Amman.", "mark": [9, 14]},
    ]


def test_corpus_map_saves_offline_and_reproducibly(tally, tmp_path):
    first = save(build_corpus_map(tally), tmp_path / "one.html").read_text()
    second = save(build_corpus_map(tally), tmp_path / "two.html").read_text()
    assert first == second
    assert remote_assets(first) == []
    assert "leaflet.markercluster.js from xstatic" in first
    assert "javascript:alert" not in first.split("GeomapCorpus")[0]


def test_build_corpus_map_checks_its_input():
    with pytest.raises(TypeError, match="Expected a geomap.export.Tally, instead got list"):
        build_corpus_map([])


@pytest.mark.slow
def test_corpus_map_in_a_browser(tally, tmp_path, open_offline):
    from geomap.gazetteer import boundaries

    path = save(build_corpus_map(tally, boundaries=boundaries()), tmp_path / "map.html")
    page = open_offline(path)
    assert page.js("return window.geomapCorpus.cluster.getLayers().length") == 3
    assert page.js("return window.geomapCorpus.heat.getLayers().length") == 9
    assert page.js("return window.geomapCorpus.setRange('2017-01-01', null)") == 2  # + undated
    assert page.js("return window.geomapCorpus.setRange('2017-01-01', null, false)") == 1
    assert page.js("return window.geomapCorpus.setRange(null, null, true)") == 3
    assert page.js("return document.querySelectorAll('.gm-dates input[type=date]').length") == 2
    popup = (
        "var m = window.geomapCorpus.cluster.getLayers().find(function (l) {"
        " return l.options.title === 'Basra'; }); var box = m.getPopup()._content(m);"
    )
    links = page.js(
        popup + "return Array.from(box.querySelectorAll('a'))"
        ".map(function (a) { return [a.href, a.textContent]; })"
    )
    assert links == [["https://news.example/a", "Title a"]]
    text = page.js(popup + "return box.textContent")
    assert text == (
        "Basraprovince / region · IQ2 mentions in 2 articlesFloods hit Basra.2017-03-01Title a"
        "Talks in Basra and Amman.2016-12-31Title b"
    )
    page.screenshot("corpus-map.png")
    assert page.leaving() == [] and page.errors == [] and page.dialogs == []
