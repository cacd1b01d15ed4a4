"""The corpus map: every place a corpus mentions, clustered, with its sentences and claims.

:func:`build_corpus_map` takes the :class:`geomap.export.Tally` of a batch run and returns a
:class:`folium.Map`; save it with :func:`geomap.render.save`, which inlines Leaflet,
Leaflet.markercluster and geomap's scripts (``assets/geomap.js`` for the basemap and
helpers, ``assets/corpus.js`` for this page). The page has a title and a summary of the
corpus, a search box for place names, a legend, clustered markers whose popups quote the
first sentences naming the place (with a count of the rest), a heat layer, the corpus's
distance claims as lines coloured by verdict, and a date filter. As in the article map,
user-derived strings travel only inside the escaped JSON payload and reach the page through
``textContent``; only absolute http(s) URLs become links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

import folium

from geomap import geometry
from geomap.basemap import (
    bundled_extents,
    compact_outline,
    display_name,
    label_rows,
    labels,
    water_features,
)
from geomap.export import CLAIM_COLUMNS, Tally
from geomap.render import (
    ARTICLE_ASSETS,
    COORD_DIGITS,
    LINE_POINTS,
    LOW_CONFIDENCE,
    PagePayload,
    http_url,
    json_for_html,
    kind_label,
    new_map,
    verdict_rows,
    worst_verdict,
)

if TYPE_CHECKING:
    from geomap.gazetteer import Gazetteer

__all__ = ["ASSETS", "build_corpus_map", "corpus_payload"]

#: Scripts and style sheets of the corpus page.
ASSETS = ARTICLE_ASSETS | {"geomap_corpus", "geomap_corpus_css"}
#: Articles listed at most in one place's popup (the newest first when dated).
POPUP_ARTICLES = 50
#: Sentences quoted at most in one place's popup.
POPUP_SENTENCES = 3
#: Spacing of the points of a claim line, km (coarser than the article map's).
LINE_STEP_KM = 25.0


class ArticleRow(TypedDict):
    id: str
    title: str
    url: str | None
    date: str | None


class CorpusRef(TypedDict):
    """An article naming a place: how often, and the sentence of its first mention there
    with the name at ``mark`` (None beyond the sentences kept)."""

    article: int
    mentions: int
    sentence: str | None
    mark: list[int] | None


class CorpusPlace(TypedDict):
    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    refs: list[CorpusRef]


class CorpusClaim(TypedDict):
    article: int
    quote: str
    subjectName: str
    referenceName: str
    verdict: str
    verdictLabel: str
    stated: str
    computed: str
    explanation: str
    line: list[list[float]]


class CorpusLocation(TypedDict):
    """A place an article locates but the gazetteer lacks: where, how uncertain, and the
    statements that put it there."""

    article: int
    name: str
    kind: str
    lat: float
    lon: float
    uncertaintyKm: float
    statements: list[str]
    contradiction: str


def _location_rows(tally: Tally) -> list[CorpusLocation]:
    return [
        {
            "article": a,
            "name": display_name(row["name"]),
            "kind": row["kind"],
            "lat": row["lat"],
            "lon": row["lon"],
            "uncertaintyKm": row["uncertainty_km"],
            "statements": row["statements"],
            "contradiction": row["contradiction"] or "",
        }
        for a, row in tally.locations
    ]


def _article_rows(tally: Tally) -> list[ArticleRow]:
    return [
        {
            "id": aid,
            "title": title if title and title.strip() else aid,
            "url": http_url(url),
            "date": date,
        }
        for aid, title, url, date, _ in tally.articles
    ]


def _place_rows(tally: Tally) -> list[CorpusPlace]:
    refs: dict[str, list[CorpusRef]] = {}
    for a, (*_, places) in enumerate(tally.articles):
        for pid, count in places:
            kept = tally.sentences.get((a, pid))
            refs.setdefault(pid, []).append(
                {
                    "article": a,
                    "mentions": count,
                    "sentence": kept[0] if kept else None,
                    "mark": [kept[1], kept[2]] if kept else None,
                }
            )
    return [
        {
            "id": t.id,
            "name": display_name(t.info["name"]),
            "kind": kind_label(t.info["kind"]),
            "country": t.info["country"],
            "lat": t.info["lat"],
            "lon": t.info["lon"],
            "refs": refs.get(t.id, []),
        }
        for t in tally.ranked()
    ]


def _claim_rows(tally: Tally) -> list[CorpusClaim]:
    """The claims whose two places are on the map, as lines."""
    out: list[CorpusClaim] = []
    for a, row in tally.claims:
        if len(row) != len(CLAIM_COLUMNS):
            continue
        cell = dict(zip(CLAIM_COLUMNS, row))
        subject, reference = (
            tally.places.get(cell["subject_id"]),
            tally.places.get(cell["reference_id"]),
        )
        if subject is None or reference is None:
            continue
        a_pt = (reference.info["lat"], reference.info["lon"])
        b_pt = (subject.info["lat"], subject.info["lon"])
        line = [
            [round(lat, COORD_DIGITS), round(lon, COORD_DIGITS)]
            for lat, lon in geometry.line(a_pt, b_pt, step_km=LINE_STEP_KM, max_points=LINE_POINTS)
        ]
        stated = " ".join(
            x
            for x in (
                f"{cell['stated_km']} km" if cell["stated_km"] else "",
                cell["stated_direction"],
            )
            if x
        )
        computed = " ".join(
            x
            for x in (
                f"{cell['computed_km']} km" if cell["computed_km"] else "",
                cell["computed_direction"],
            )
            if x
        )
        verdicts = [
            f"{what} {cell[key]}"
            for what, key in (("distance", "distance"), ("direction", "bearing"))
            if cell[key]
        ]
        out.append(
            {
                "article": a,
                "quote": cell["claim"],
                "subjectName": display_name(subject.info["name"]),
                "referenceName": display_name(reference.info["name"]),
                "verdict": worst_verdict(cell["distance"] or None, cell["bearing"] or None),
                "verdictLabel": " \u00b7 ".join(verdicts) or "unverifiable",
                "stated": stated,
                "computed": computed,
                "explanation": cell["explanation"],
                "line": line,
            }
        )
    return out


def _summary(
    tally: Tally, articles: Sequence[ArticleRow], claims: Sequence[CorpusClaim]
) -> dict[str, Any]:
    dates = sorted(a["date"] for a in articles if a["date"])
    return {
        "articles": len(articles),
        "places": len(tally.places),
        "mentions": tally.mentions,
        "claims": len(tally.claims),
        "inconsistent": sum(1 for c in claims if c["verdict"] == "inconsistent"),
        "dates": [dates[0], dates[-1]] if dates else None,
        "undated": len(articles) - len(dates),
    }


def corpus_payload(
    tally: Tally,
    *,
    boundaries: Mapping[str, Any] | None = None,
    gazetteer: Gazetteer | None = None,
    title: str = "",
) -> dict[str, Any]:
    """The JSON the corpus page reads: title and summary, articles, places with the
    articles naming them, claims, legend rows, outlines and basemap names (an outline cut
    from a bundled file stands in it as :class:`~geomap.basemap.JSONText`, which
    :func:`~geomap.render.json_for_html` writes)."""
    articles = _article_rows(tally)
    places = _place_rows(tally)
    claims = _claim_rows(tally)
    summary = _summary(tally, articles, claims)
    outlines = boundaries or {}
    basemap = [g for g in (compact_outline(outlines, key) for key in outlines) if g is not None]
    points = [(p["lat"], p["lon"]) for p in places]
    names = [] if gazetteer is None else labels(gazetteer, points, exclude=tally.places)
    name = " ".join(title.split())
    return {
        "title": f"{name} \u2013 corpus map \u2013 geomap"
        if name
        else f"Corpus map of {len(articles):,} articles \u2013 geomap",
        "heading": name or "Corpus map",
        "summary": summary,
        "articles": articles,
        "places": places,
        "claims": claims,
        "locations": _location_rows(tally),
        "verdicts": verdict_rows(),
        "basemap": basemap,
        "labels": label_rows(names),
        "water": water_features(names, bundled_extents()) if names else [],
        "popupArticles": POPUP_ARTICLES,
        "popupSentences": POPUP_SENTENCES,
        "lowConfidence": LOW_CONFIDENCE,
        "tiles": None,
    }


def build_corpus_map(
    tally: Tally,
    *,
    boundaries: Mapping[str, Any] | None = None,
    gazetteer: Gazetteer | None = None,
    title: str = "",
) -> folium.Map:
    """The corpus map of a batch run's tally (see the module docstring). ``boundaries``
    (ISO code -> GeoJSON geometry) draws the offline basemap and ``gazetteer`` its names;
    ``title`` names the corpus (the input file's name)."""
    if not isinstance(tally, Tally):
        raise TypeError(f"Expected a geomap.export.Tally, instead got {type(tally).__name__}")
    data = corpus_payload(tally, boundaries=boundaries, gazetteer=gazetteer, title=title)
    m = new_map(data, ASSETS, location=[20.0, 0.0], zoom_start=2, zoom_control=False)
    layer = PagePayload(json_for_html(data), call="geomap.corpus", name="GeomapCorpus").add_to(m)
    # Fixed element ids instead of random ones: the same corpus gives the same page bytes.
    m._id, layer._id = "corpus", "payload"
    return m
