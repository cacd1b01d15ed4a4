"""Corpus exports: one article's rows, and the files a batch run writes from them.

The row functions are pure: a parsed, checked :class:`~geomap.records.Document` in, the
rows of :mod:`geomap.schema` (rounded, JSON-ready) out. The writers at the bottom turn rows
into the three corpus files with a fixed byte layout (sorted keys, no timestamps), so the
same rows always give the same bytes, whichever engine or process produced them:

- ``mentions.jsonl``: one line per mention, with the article id and character offsets;
- ``places.geojson``: one Point feature per place, with its mention count, the ids of the
  articles naming it (in input order) and the first and last article date;
- ``claims.csv``: every location statement with its status and verdicts (the columns of
  :class:`geomap.schema.ClaimRow`, ``article`` first);
- ``locations.geojson``: one Point feature per place an article locates but the gazetteer
  lacks (an estimate from its statements, or coordinates written in the text), with the
  article id, the uncertainty and the statements (:class:`geomap.schema.LocationRow`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geomap import schema
from geomap.records import ClaimCheck, Document, Mention
from geomap.schema import PlaceInfo, mention_row, place_info, place_properties

#: Columns of ``claims.csv``: a claim row's, the article id first.
CLAIM_COLUMNS = ("article", *schema.CLAIM_COLUMNS[1:])
#: Characters of a sentence kept for a corpus map popup.
SNIPPET_CHARS = 280
#: Articles per place whose sentence the corpus map keeps.
SENTENCES_PER_PLACE = 20


def dumps(value: Any) -> str:
    """The one JSON layout of every export line: sorted keys, compact, UTF-8 kept."""
    return _ENCODER.encode(value)


#: :func:`dumps`'s encoder, made once (``json.dumps`` with options makes one a call).
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def claim_row(doc: Document, check: ClaimCheck) -> list[str]:
    """One row of ``claims.csv`` (see :data:`CLAIM_COLUMNS`); empty cells for None."""
    row: dict[str, Any] = dict(schema.claim_row(doc, check))
    row["article"] = row.pop("document")
    return [_cell(row.get(column)) for column in CLAIM_COLUMNS]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """What one article contributes to the corpus files and the corpus map.

    ``places`` counts the article's place mentions (not demonyms) by place id, in the order
    of first mention; ``info`` holds each of those places' fields.
    """

    id: str
    title: str | None
    url: str | None
    date: str | None
    mentions: tuple[str, ...]
    claims: tuple[tuple[str, ...], ...]
    places: tuple[tuple[str, int], ...]
    info: Mapping[str, PlaceInfo] = field(default_factory=dict)
    #: Per place, the sentence of its first mention, for the corpus map's popups:
    #: (place id, text, start, end of the name in the text).
    snippets: tuple[tuple[str, str, int, int], ...] = ()
    #: The article's locations (estimates, written coordinates): lines of JSON.
    locations: tuple[str, ...] = ()


def article_rows(doc: Document, *, date: str | None = None) -> ArticleRows:
    """The export rows of a parsed and checked article (``doc.id`` must be set)."""
    if doc.id is None:
        raise ValueError("Expected a Document with an id, instead got id=None")
    mentions = sorted(doc.mentions, key=lambda m: (m.start, m.end, m.kind))
    counts: dict[str, int] = {}
    info: dict[str, PlaceInfo] = {}
    snippets = []
    for m in mentions:
        if m.kind == "place" and m.place is not None:
            counts[m.place.id] = counts.get(m.place.id, 0) + 1
            if m.place.id not in info:
                snippets.append((m.place.id, *snippet(doc, m)))
                info[m.place.id] = place_info(m.place)
    return ArticleRows(
        id=doc.id,
        title=doc.title,
        url=doc.url,
        date=date,
        mentions=tuple(dumps(mention_row(doc.id, m)) for m in mentions),
        claims=tuple(tuple(claim_row(doc, c)) for c in doc.checks),
        places=tuple(counts.items()),
        info=info,
        snippets=tuple(snippets),
        locations=tuple(dumps(schema.location_row(doc, loc)) for loc in doc.locations),
    )


def snippet(doc: Document, mention: Mention) -> tuple[str, int, int]:
    """The sentence of ``mention`` (cut to about :data:`SNIPPET_CHARS` around the name when
    longer), and where the name lies in it."""
    start, end = mention.start, mention.end
    if 0 <= mention.sentence < len(doc.sentences):
        s = doc.sentences[mention.sentence]
        start, end = min(s.start, start), max(s.end, end)
    lead = tail = ""
    if end - start > SNIPPET_CHARS:
        room = max(0, (SNIPPET_CHARS - (mention.end - mention.start)) // 2)
        if mention.start - room > start:
            start, lead = mention.start - room, "\u2026"
        if mention.end + room < end:
            end, tail = mention.end + room, "\u2026"
    before = lead + doc.text[start : mention.start]
    name = doc.text[mention.start : mention.end]
    return before + name + doc.text[mention.end : end] + tail, len(before), len(before) + len(name)


# --------------------------------------------------------------------------- places


@dataclass(slots=True)
class PlaceTally:
    """A place's totals over a corpus, filled article by article in input order."""

    id: str
    info: PlaceInfo
    mentions: int = 0
    articles: list[str] = field(default_factory=list)
    first_date: str | None = None
    last_date: str | None = None

    def add(self, article: str, count: int, date: str | None) -> None:
        self.mentions += count
        if not self.articles or self.articles[-1] != article:
            self.articles.append(article)
        self.add_dates(date, date)

    def add_totals(
        self, mentions: int, articles: list[str], first: str | None, last: str | None
    ) -> None:
        """The place's totals over the articles that follow (see :data:`PlaceTotals`)."""
        self.mentions += mentions
        if self.articles and articles and self.articles[-1] == articles[0]:
            self.articles.extend(articles[1:])
        else:
            self.articles.extend(articles)
        self.add_dates(first, last)

    def add_dates(self, first: str | None, last: str | None) -> None:
        if first is not None and (self.first_date is None or first < self.first_date):
            self.first_date = first
        if last is not None and (self.last_date is None or last > self.last_date):
            self.last_date = last


#: A place's totals over consecutive articles (a chunk's): its id, its mention count, the
#: ids of the articles naming it in input order (one id repeated in a row is kept once, as
#: :meth:`PlaceTally.add` keeps it) and the first and last of their dates.
PlaceTotals = tuple[str, int, list[str], str | None, str | None]


class Tally:
    """Places and articles of a corpus, for ``places.geojson`` and the corpus map."""

    def __init__(self) -> None:
        self.places: dict[str, PlaceTally] = {}
        #: (id, title, url, date, [(place id, count)]) of every article, in input order.
        self.articles: list[
            tuple[str, str | None, str | None, str | None, tuple[tuple[str, int], ...]]
        ] = []
        #: Lines of ``mentions.jsonl``: every mention, resolved or not, demonyms included.
        self.mentions = 0
        #: (article index, ``claims.csv`` row) of every claim.
        self.claims: list[tuple[int, tuple[str, ...]]] = []
        #: (article index, place id) -> the snippet of the place's first mention there, for
        #: the first :data:`SENTENCES_PER_PLACE` articles naming the place.
        self.sentences: dict[tuple[int, str], tuple[str, int, int]] = {}
        #: (article index, ``locations.geojson`` row) of every located place.
        self.locations: list[tuple[int, dict[str, Any]]] = []
        self._kept: dict[str, int] = {}

    def add(self, rows: ArticleRows) -> None:
        """The next article: its places and its rows."""
        self.add_places(rows)
        self.add_rows(rows)

    def add_places(self, rows: ArticleRows) -> None:
        """The next article's places alone (:meth:`add` adds its rows too)."""
        for pid, count in rows.places:
            tally = self.places.get(pid)
            if tally is None:
                tally = self.places[pid] = PlaceTally(pid, rows.info[pid])
            tally.add(rows.id, count, rows.date)

    def add_rows(self, rows: ArticleRows) -> None:
        """The next article's rows but for its places, which :meth:`add_totals` adds."""
        a = len(self.articles)
        for pid, text, start, end in rows.snippets:
            if self._kept.get(pid, 0) < SENTENCES_PER_PLACE:
                self._kept[pid] = self._kept.get(pid, 0) + 1
                self.sentences[(a, pid)] = (text, start, end)
        self.articles.append((rows.id, rows.title, rows.url, rows.date, rows.places))
        self.mentions += len(rows.mentions)
        self.claims.extend((a, row) for row in rows.claims)
        self.locations.extend((a, json.loads(line)) for line in rows.locations)

    def add_totals(
        self, totals: Iterable[PlaceTotals], info: Callable[[], Sequence[PlaceInfo]]
    ) -> None:
        """Places' totals over the articles that follow those added (a chunk's, from
        :func:`place_totals`): the same tally as adding the articles one by one, in one step
        per place. ``info()`` gives the places' fields in the order of ``totals``, called
        only when one of them is new to the tally; the totals' lists of article ids become
        the tally's."""
        places = self.places
        fields = None
        for i, (pid, mentions, articles, first, last) in enumerate(totals):
            tally = places.get(pid)
            if tally is None:
                if fields is None:
                    fields = info()
                places[pid] = PlaceTally(pid, fields[i], mentions, articles, first, last)
            else:
                tally.add_totals(mentions, articles, first, last)

    def ranked(self) -> list[PlaceTally]:
        """Places, most mentioned first (ties by id)."""
        return sorted(self.places.values(), key=lambda t: (-t.mentions, t.id))


def place_totals(
    articles: Iterable[ArticleRows],
) -> tuple[list[PlaceTotals], dict[str, PlaceInfo]]:
    """The totals of each place the articles name, in order of first mention (what
    :meth:`Tally.add_totals` adds), and the places' fields, each as the last article
    naming it gives them."""
    tally = Tally()
    info: dict[str, PlaceInfo] = {}
    for rows in articles:
        tally.add_places(rows)
        info.update(rows.info)
    totals = [
        (t.id, t.mentions, t.articles, t.first_date, t.last_date) for t in tally.places.values()
    ]
    return totals, {pid: info[pid] for pid, *_ in totals}


def places_geojson(tally: Tally) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the tally's places, most mentioned first."""
    features = []
    for t in tally.ranked():
        features.append(
            {
                "type": "Feature",
                "id": t.id,
                "geometry": {"type": "Point", "coordinates": [t.info["lon"], t.info["lat"]]},
                "properties": place_properties(
                    t.id,
                    t.info,
                    mentions=t.mentions,
                    articles=t.articles,
                    first_date=t.first_date,
                    last_date=t.last_date,
                ),
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- text layout


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """CSV lines ending in ``\\n``, quoted only where needed."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def claims_header() -> str:
    return csv_text([CLAIM_COLUMNS])


def geojson_text(collection: Mapping[str, Any]) -> str:
    """``places.geojson``: one feature per line, so large corpora stay diffable."""
    features = collection["features"]
    if not features:
        return '{"features":[],"type":"FeatureCollection"}\n'
    return _GEOJSON_HEAD + ",\n".join(dumps(f) for f in features) + _GEOJSON_TAIL


_GEOJSON_HEAD = '{"type":"FeatureCollection","features":[\n'
_GEOJSON_TAIL = "\n]}\n"


def geojson_from_lines(features: bytes) -> bytes:
    """:func:`geojson_text`'s bytes for features already rendered, each a line of its
    :func:`dumps` (which writes no raw newline): the lines are joined without decoding
    them."""
    if not features:
        return geojson_text({"features": []}).encode()
    body = features[:-1].replace(b"\n", b",\n").decode()
    return (_GEOJSON_HEAD + body + _GEOJSON_TAIL).encode()


__all__ = [
    "ArticleRows",
    "CLAIM_COLUMNS",
    "PlaceTally",
    "PlaceTotals",
    "Tally",
    "article_rows",
    "claim_row",
    "claims_header",
    "csv_text",
    "dumps",
    "geojson_from_lines",
    "geojson_text",
    "place_totals",
    "places_geojson",
    "snippet",
]
