"""The parse() entry point on the founding article, with the full bundled gazetteer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geomap.parse import parse
from geomap.records import Place
from geomap.resolve import distance_km

ROOT = Path(__file__).resolve().parents[1]
GOLD = json.loads((ROOT / "tests/data/al-qaim-husaybah-2017.gold.json").read_text("utf-8"))
ARTICLE = (ROOT / "examples/al-qaim-husaybah-2017.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def doc():
    from geomap.parse import default_gazetteer

    return parse(ARTICLE, gazetteer=default_gazetteer())


def spans(mentions):
    return {(m.start, m.end) for m in mentions}


@pytest.mark.slow
def test_all_gold_mentions_found_with_exact_offsets(doc):
    found = spans(doc.places)
    missing = [m for m in GOLD["mentions"] if (m["start"], m["end"]) not in found]
    assert missing == []


@pytest.mark.slow
def test_no_extra_place_markers(doc):
    allowed = {(m["start"], m["end"]) for m in GOLD["mentions"] + GOLD["optional"]}
    assert [m.text for m in doc.places if (m.start, m.end) not in allowed] == []


@pytest.mark.slow
def test_places_resolved_within_tolerance(doc):
    by_span = {(m.start, m.end): m for m in doc.places}
    resolved = {}
    for gold in GOLD["mentions"]:
        mention = by_span[(gold["start"], gold["end"])]
        ref = GOLD["places"][gold["place"]]
        point = Place("", "", ref["lat"], ref["lon"], ref["kind"])
        km = distance_km(mention.place, point)
        assert km <= ref["tolerance_km"], (gold["text"], mention.place, mention.reason)
        resolved[gold["place"]] = mention.place.id
    assert len(resolved) == 13


@pytest.mark.slow
def test_not_places_are_not_marked(doc):
    marked = [
        (m.start, m.end, m.text)
        for m in doc.places
        for bad in GOLD["not_places"]
        if m.start < bad["end"] and bad["start"] < m.end
    ]
    assert marked == []


@pytest.mark.slow
def test_demonyms_recorded_as_country_references(doc):
    gold = {(d["start"], d["end"]): d["country"] for d in GOLD["demonyms"]}
    got = {(m.start, m.end): m.place.country for m in doc.demonyms}
    assert got == gold


@pytest.mark.slow
def test_every_resolution_explains_itself(doc):
    assert all(m.reason and 0 < m.confidence <= 1 for m in doc.mentions)
    rawa = next(m for m in doc.places if m.text == "Rawa")
    assert "Iraq" in rawa.reason


@pytest.mark.slow
def test_html_offsets_refer_to_extracted_text():
    from geomap.parse import default_gazetteer

    doc = parse(
        "<p>Fighting in <b>Ramadi</b>, Iraq &amp; beyond.</p>",
        format="html",
        gazetteer=default_gazetteer(),
    )
    assert doc.text == "Fighting in Ramadi, Iraq & beyond."
    assert [(doc.text[m.start : m.end], m.place.country) for m in doc.places] == [
        ("Ramadi", "IQ"),
        ("Iraq", "IQ"),
    ]


@pytest.mark.slow
def test_markdown_offsets_refer_to_extracted_text():
    from geomap.parse import default_gazetteer

    doc = parse(
        "**Raid** near [Ramadi](http://x.org), *Iraq*.",
        format="markdown",
        gazetteer=default_gazetteer(),
    )
    assert [doc.text[m.start : m.end] for m in doc.places] == ["Ramadi", "Iraq"]


def test_empty_text_gives_empty_document():
    doc = parse("", gazetteer=None)
    assert (doc.text, doc.sentences, doc.mentions) == ("", (), ())


def test_a_parsed_document_survives_pickling_and_copying(doc):
    """Dask and multiprocessing send documents between processes by pickle. The installed
    (compiled) build once failed here: its frozen records could not be unpickled."""
    import copy
    import pickle

    located = parse("The village of Zork lies 30 km north of Baghdad, officials said.")
    assert located.locations and located.locations[0].areas  # an Area travels too
    for document in (doc, located):
        again = pickle.loads(pickle.dumps(document))
        assert again == document
        assert [m.place for m in again.mentions] == [m.place for m in document.mentions]
        assert [(c.distance, c.bearing) for c in again.checks] == [
            (c.distance, c.bearing) for c in document.checks
        ]
        assert copy.deepcopy(document) == document


@pytest.fixture
def collector():
    """The garbage collector's settings as the test found them, restored after it."""
    import gc

    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_parse_leaves_the_callers_garbage_collector_alone(collector):
    """A library call: whatever the caller set stays set (geomap's own commands set theirs,
    see the next test)."""
    import gc

    gc.set_threshold(555, 7, 9)
    parse(ARTICLE)
    assert gc.get_threshold() == (555, 7, 9)
    assert gc.isenabled()


def test_geomap_commands_set_the_collector_for_a_corpus(collector, tmp_path):
    """geomap's commands own their process: a full collection waits for more collections
    of the middle generation (the caches a corpus fills are walked less often); the young
    generation is collected as before."""
    import gc

    from click.testing import CliRunner

    from geomap.cli import main
    from geomap.parse import FULL_COLLECTION_AFTER

    gc.set_threshold(700, 10, 10)
    article = tmp_path / "a.txt"
    article.write_text("Shelling hit Rawa, 80 km east of Al-Qaim, on Monday.", "utf-8")
    result = CliRunner().invoke(main, ["extract", str(article)])
    assert result.exit_code == 0, result.output
    assert "Rawa" in result.output
    assert gc.get_threshold() == (700, 10, FULL_COLLECTION_AFTER)
