"""The output schema: the rows every output is written from.

A row is a :class:`~typing.TypedDict` (named, typed fields; JSON-ready values) built by a
pure function from the pipeline's records:

- :class:`PlaceRow` (:func:`place_row`): a place as every output shows it: a mention's
  ``place`` in ``extract`` and ``mentions.jsonl``, a feature of ``places.geojson``;
- :class:`MentionRow` (:func:`mention_row`): one mention with its article, offsets and place:
  a line of ``mentions.jsonl`` and of ``geomap extract --format jsonl`` (which adds
  ``type_word``, ``reason`` and ``candidates`` with ``--explain``);
- :class:`FlatMention` (:func:`flat_mention`): the same mention in flat columns, for CSV and
  GeoJSON properties (:data:`MENTION_COLUMNS`);
- :class:`PlaceProperties` (:func:`place_properties`): a place's totals over a corpus, the
  properties of a ``places.geojson`` feature.

Floats are rounded here (:data:`COORD_DIGITS`, :data:`CONFIDENCE_DIGITS`), so every output
shows the same values and the same rows always give the same bytes.

To add a kind of row (a claim, an estimated location): a TypedDict and its builder here, its
columns derived from the TypedDict's fields, and the writers in :mod:`geomap.export` and the
CLI taking rows of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NotRequired, TypedDict

from geomap.records import Mention, Place

#: Decimal places kept for coordinates (about 10 cm) and for confidences and scores.
COORD_DIGITS = 6
CONFIDENCE_DIGITS = 3


class PlaceInfo(TypedDict):
    """A place's fields that outputs repeat (a :class:`PlaceRow` without its id)."""

    name: str
    kind: str
    country: str
    admin1: str
    lat: float
    lon: float


class PlaceRow(PlaceInfo):
    """A gazetteer place as outputs show it."""

    id: str


class CandidateRow(TypedDict):
    """A place considered for a mention, with its score (``--explain``)."""

    place_id: str
    name: str
    country: str
    score: float


class MentionRow(TypedDict):
    """A mention of a place (``kind`` "place") or a demonym ("demonym") in an article.

    ``confidence`` and ``place`` are None when nothing in the gazetteer fits; ``type_word``
    (the word saying what kind of place it is, "" for none), ``reason`` and ``candidates``
    are there only when explaining.
    """

    article: str | None
    start: int
    end: int
    text: str
    sentence: int
    kind: str
    confidence: float | None
    #: Whether the place is chosen with confidence (``records.CONFIDENT``); False if none.
    confident: bool
    place: PlaceRow | None
    #: The part of the place a direction word names ("southern Mexico": "south").
    part: NotRequired[str]
    type_word: NotRequired[str]
    reason: NotRequired[str]
    candidates: NotRequired[list[CandidateRow]]


class FlatMention(TypedDict):
    """A :class:`MentionRow` in flat columns (:data:`MENTION_COLUMNS`); ``reason`` only when
    explaining."""

    article: str | None
    start: int
    end: int
    text: str
    kind: str
    name: str | None
    lat: float | None
    lon: float | None
    country: str | None
    place_id: str | None
    confidence: float | None
    confident: bool
    type_word: str
    part: str
    reason: NotRequired[str]


#: The columns of a :class:`FlatMention` (CSV), ``reason`` last when explaining.
MENTION_COLUMNS = tuple(FlatMention.__annotations__)


class PlaceProperties(TypedDict):
    """A place's totals over a corpus: the properties of a ``places.geojson`` feature."""

    id: str
    name: str
    kind: str
    country: str
    admin1: str
    mentions: int
    article_count: int
    articles: list[str]
    first_date: str | None
    last_date: str | None


def _coord(degrees: float) -> float:
    return round(degrees, COORD_DIGITS)


def _confidence(mention: Mention) -> float | None:
    """A mention's confidence as outputs show it; None when no place was chosen."""
    return round(mention.confidence, CONFIDENCE_DIGITS) if mention.place else None


def place_info(place: Place) -> PlaceInfo:
    """The fields of a place that outputs repeat."""
    return {"name": place.name, "kind": place.kind, "country": place.country,
            "admin1": place.admin1, "lat": _coord(place.lat), "lon": _coord(place.lon)}


def place_row(place: Place) -> PlaceRow:
    """A place as outputs show it: :func:`place_info` and its id."""
    return {"id": place.id, "name": place.name, "kind": place.kind, "country": place.country,
            "admin1": place.admin1, "lat": _coord(place.lat), "lon": _coord(place.lon)}


def mention_row(article: str | None, mention: Mention, *, explain: bool = False) -> MentionRow:
    """The row of a mention in ``article`` (an id or a file name); ``explain`` adds the type
    word, the reason and the candidates."""
    place = mention.place
    row: MentionRow = {
        "article": article,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "sentence": mention.sentence,
        "kind": mention.kind,
        "confidence": _confidence(mention),
        "confident": place is not None and mention.confident,
        "place": None if place is None else place_row(place),
    }
    if mention.part:
        row["part"] = mention.part
    if explain:
        row["type_word"] = mention.type_word
        row["reason"] = mention.reason
        row["candidates"] = [
            {"place_id": c.place.id, "name": c.place.name, "country": c.place.country,
             "score": round(c.score, CONFIDENCE_DIGITS)} for c in mention.candidates]
    return row


def flat_mention(article: str | None, mention: Mention, *, explain: bool = False
                 ) -> FlatMention:
    """A mention's :func:`mention_row` in flat columns (:data:`MENTION_COLUMNS`); ``explain``
    adds the reason."""
    row = mention_row(article, mention)
    place = row["place"]
    flat: FlatMention = {
        "article": row["article"], "start": row["start"], "end": row["end"],
        "text": row["text"], "kind": row["kind"],
        "name": place["name"] if place else None,
        "lat": place["lat"] if place else None,
        "lon": place["lon"] if place else None,
        "country": place["country"] if place else None,
        "place_id": place["id"] if place else None,
        "confidence": row["confidence"],
        "confident": row["confident"],
        "type_word": mention.type_word,
        "part": mention.part,
    }
    if explain:
        flat["reason"] = mention.reason
    return flat


def place_properties(place_id: str, info: PlaceInfo, *, mentions: int,
                     articles: Sequence[str], first_date: str | None,
                     last_date: str | None) -> PlaceProperties:
    """A place's ``places.geojson`` properties: its fields (not its point, which is the
    feature's geometry) and its totals."""
    return {
        "id": place_id, "name": info["name"], "kind": info["kind"],
        "country": info["country"], "admin1": info["admin1"], "mentions": mentions,
        "article_count": len(articles), "articles": list(articles),
        "first_date": first_date, "last_date": last_date,
    }


__all__ = [
    "CONFIDENCE_DIGITS", "COORD_DIGITS", "CandidateRow", "FlatMention", "MENTION_COLUMNS",
    "MentionRow", "PlaceInfo", "PlaceProperties", "PlaceRow", "flat_mention", "mention_row",
    "place_info", "place_properties", "place_row",
]
