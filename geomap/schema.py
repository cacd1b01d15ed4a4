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
  properties of a ``places.geojson`` feature;
- :class:`ClaimRow` (:func:`claim_row`): one location statement and its check: a row of
  ``geomap check`` (every format) and of ``claims.csv`` (:data:`CLAIM_COLUMNS`);
- :class:`LocationRow` (:func:`location_row`): a place the article locates but the gazetteer
  lacks: ``geomap check --format json``, ``extract``'s JSON and GeoJSON, ``locations.geojson``.

Floats are rounded here (:data:`COORD_DIGITS`, :data:`CONFIDENCE_DIGITS`), so every output
shows the same values and the same rows always give the same bytes.

To add a kind of row: a TypedDict and its builder here, its columns derived from the
TypedDict's fields, and the writers in :mod:`geomap.export` and the CLI taking rows of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NotRequired, TypedDict

from geomap.records import ClaimCheck, Document, Location, Mention, Party, Place

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
    return {
        "name": place.name,
        "kind": place.kind,
        "country": place.country,
        "admin1": place.admin1,
        "lat": _coord(place.lat),
        "lon": _coord(place.lon),
    }


def place_row(place: Place) -> PlaceRow:
    """A place as outputs show it: its id and :func:`place_info`."""
    return {"id": place.id, **place_info(place)}


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
            {
                "place_id": c.place.id,
                "name": c.place.name,
                "country": c.place.country,
                "score": round(c.score, CONFIDENCE_DIGITS),
            }
            for c in mention.candidates
        ]
    return row


def flat_mention(article: str | None, mention: Mention, *, explain: bool = False) -> FlatMention:
    """A mention's :func:`mention_row` in flat columns (:data:`MENTION_COLUMNS`); ``explain``
    adds the reason."""
    row = mention_row(article, mention)
    place = row["place"]
    flat: FlatMention = {
        "article": row["article"],
        "start": row["start"],
        "end": row["end"],
        "text": row["text"],
        "kind": row["kind"],
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


def place_properties(
    place_id: str,
    info: PlaceInfo,
    *,
    mentions: int,
    articles: Sequence[str],
    first_date: str | None,
    last_date: str | None,
) -> PlaceProperties:
    """A place's ``places.geojson`` properties: its fields (not its point, which is the
    feature's geometry) and its totals."""
    return {
        "id": place_id,
        "name": info["name"],
        "kind": info["kind"],
        "country": info["country"],
        "admin1": info["admin1"],
        "mentions": mentions,
        "article_count": len(articles),
        "articles": list(articles),
        "first_date": first_date,
        "last_date": last_date,
    }


__all__ = [
    "CONFIDENCE_DIGITS",
    "COORD_DIGITS",
    "CandidateRow",
    "FlatMention",
    "MENTION_COLUMNS",
    "MentionRow",
    "PlaceInfo",
    "PlaceProperties",
    "PlaceRow",
    "flat_mention",
    "mention_row",
    "place_info",
    "place_properties",
    "place_row",
]


# --------------------------------------------------------------------------- statements


class ClaimRow(TypedDict):
    """One location statement as ``geomap check`` and ``claims.csv`` show it.

    ``status``: "judged" (verdicts in ``distance`` and ``bearing``), "located" (the
    statement places a subject the gazetteer lacks: ``location*``) or "unattached" (the
    reason in ``explanation``). ``*_kind`` say what the ends are (place, name, unnamed,
    coreference, capital, description); ``subject_antecedent`` is the place a coreference
    refers back to. Distances in km; ``accepted_*`` the window and half-width the verdicts
    were judged with.
    """

    document: str | None
    sentence: int
    start: int
    end: int
    claim: str
    status: str
    subject: str | None
    subject_kind: str | None
    subject_antecedent: str | None
    subject_id: str | None
    reference: str | None
    reference_kind: str | None
    reference_id: str | None
    reference_name: str | None
    stated_km: str | None
    unit: str | None
    hedge: str | None
    computed_km: float | None
    diff_km: float | None
    diff_pct: int | None
    accepted_km: str | None
    distance: str | None
    stated_direction: str | None
    stated_bearing: float | None
    accepted_bearing: float | None
    computed_bearing: int | None
    computed_direction: str | None
    bearing: str | None
    fits: str | None
    location: str | None
    location_lat: float | None
    location_lon: float | None
    location_uncertainty_km: float | None
    explanation: str


#: The columns of a :class:`ClaimRow` (``claims.csv`` puts ``article`` for ``document``).
CLAIM_COLUMNS = tuple(ClaimRow.__annotations__)


def _party(
    doc: Document, party: Party | None, place: Place | None
) -> tuple[str | None, str | None, str | None, str | None]:
    """(text, kind, place id, antecedent) of a statement's end."""
    if party is None:
        return None, None, None, None
    antecedent = None
    if party.kind == "coreference" and party.mention is not None:
        antecedent = doc.mentions[party.mention].text
    return party.text, party.kind, place.id if place else None, antecedent


def claim_row(doc: Document, check: ClaimCheck) -> ClaimRow:
    """The row of one statement of ``doc`` and its check."""
    from geomap.claims import direction_degrees, range_text
    from geomap.geometry import compass

    claim = check.claim
    subject, subject_kind, subject_id, antecedent = _party(doc, claim.subject, check.subject_place)
    reference, reference_kind, reference_id, _ = _party(doc, claim.reference, check.reference_place)
    middle = (
        None
        if claim.low_km is None or claim.high_km is None
        else (claim.low_km + claim.high_km) / 2
    )
    diff = None if middle is None or check.computed_km is None else check.computed_km - middle
    bearing = check.computed_bearing
    location = doc.locations[check.location] if check.location is not None else None
    return {
        "document": doc.id,
        "sentence": claim.sentence,
        "start": claim.start,
        "end": claim.end,
        "claim": claim.text,
        "status": check.status,
        "subject": subject,
        "subject_kind": subject_kind,
        "subject_antecedent": antecedent,
        "subject_id": subject_id,
        "reference": reference,
        "reference_kind": reference_kind,
        "reference_id": reference_id,
        "reference_name": check.reference_place.name if check.reference_place else None,
        "stated_km": None if claim.low_km is None else range_text(claim.low_km, claim.high_km),
        "unit": claim.unit or None,
        "hedge": claim.hedge,
        "computed_km": _rounded(check.computed_km, 1),
        "diff_km": _rounded(diff, 1),
        "diff_pct": None if diff is None or not middle else round(100 * diff / middle),
        "accepted_km": _accepted_km(check),
        "distance": check.distance,
        "stated_direction": claim.direction,
        "stated_bearing": None if not claim.direction else direction_degrees(claim.direction),
        "accepted_bearing": (
            None if check.bearing_window is None else round(check.bearing_window[1], 1)
        ),
        "computed_bearing": None if bearing is None else round(bearing),
        "computed_direction": None if bearing is None else compass(bearing),
        "bearing": check.bearing,
        "fits": "; ".join(p.name for p in check.fits) or None,
        "location": None if location is None else location.name,
        "location_lat": None if location is None else _coord(location.lat),
        "location_lon": None if location is None else _coord(location.lon),
        "location_uncertainty_km": None if location is None else round(location.uncertainty_km, 1),
        "explanation": check.explanation,
    }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _accepted_km(check: ClaimCheck) -> str | None:
    """The distance window the check accepted: "2.0-6.0", or ">=410.0" when open."""
    low, high = check.tolerance_km if check.tolerance_km else (None, None)
    if low is None or high is None:
        return None
    return f"{low:.1f}-{high:.1f}" if high != math.inf else f">={low:.1f}"


class LocationRow(TypedDict):
    """Where an article puts something the gazetteer lacks: ``kind`` "estimate" (from its
    statements, within ``uncertainty_km``) or "coordinates" (written in the text), with the
    statements and any contradiction between them."""

    article: str | None
    name: str
    subject: str
    subject_kind: str
    kind: str
    lat: float
    lon: float
    uncertainty_km: float
    sentence: int
    statements: list[str]
    contradiction: str | None


def location_row(doc: Document, location: Location) -> LocationRow:
    """The row of one of ``doc``'s locations."""
    return {
        "article": doc.id,
        "name": location.name,
        "subject": location.subject.text,
        "subject_kind": location.subject.kind,
        "kind": location.kind,
        "lat": round(location.lat, COORD_DIGITS),
        "lon": round(location.lon, COORD_DIGITS),
        "uncertainty_km": round(location.uncertainty_km, 1),
        "sentence": location.sentence,
        "statements": [doc.checks[i].claim.text for i in location.checks],
        "contradiction": location.contradiction or None,
    }


def location_feature(row: LocationRow) -> dict:
    """A location row as a GeoJSON Feature (a point; its row as properties)."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
        "properties": dict(row),
    }
