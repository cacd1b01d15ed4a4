"""The map stage: documents with resolved places and checked claims become a Leaflet map.

``build_map`` returns a :class:`folium.Map` whose page holds one JSON payload (places,
articles, claim geometry, outlines, basemap names) and geomap's own small script, which
builds the markers, popups, article panel and controls with DOM APIs. No user-derived string
is ever placed in HTML or JavaScript source: it travels inside the JSON payload, escaped so
that it cannot close the ``<script type="application/json">`` element, and reaches the page
only through ``textContent``.

Every distance and bearing drawn comes from :mod:`geomap.geometry`: a claim's line is the
WGS84 geodesic, and its band or sector is ``ClaimCheck.area``, the very window the checker
judged with, so a place the checker calls consistent lies inside what the map draws.

``save`` writes the page with every script and style sheet inlined from pip-installed
packages (XStatic's Leaflet and Leaflet.markercluster, and ``geomap/assets``), so the map
works with no network at all; tiles are fetched only when the caller asked for a tile layer.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlsplit

import folium
from branca.element import Element, Figure, MacroElement

from geomap import basemap, geometry
from geomap.basemap import (
    JSONText,
    as_geometry,
    compact_geometry,
    compact_outline,
    country_boundaries,
    display_name,
)
from geomap.errors import GeomapError, InputError
from geomap.files import atomic_write
from geomap.geometry import compass
from geomap.records import CONFIDENT, ClaimCheck, Document, Location, Mention, Party, Place

if TYPE_CHECKING:
    from geomap.gazetteer import Gazetteer

__all__ = [
    "ARTICLE_ASSETS",
    "LOW_CONFIDENCE",
    "AssetError",
    "build_map",
    "claim_label",
    "compass",
    "country_boundaries",
    "display_name",
    "display_title",
    "kind_label",
    "page_title",
    "remote_assets",
    "save",
    "verdict_rows",
    "worst_verdict",
]

ASSETS = Path(__file__).parent / "assets"
#: A place whose every mention was resolved with less confidence than this is drawn hollow,
#: marked "?" in the article and left out when the map fits its view (the resolver's
#: :data:`geomap.records.CONFIDENT`: half of such places lie more than 161 km off on LGL).
LOW_CONFIDENCE = CONFIDENT
#: A location whose statements leave it further than this from its point (a direction
#: without a distance: "north of Gao") is marked vague: no area drawn, no view fitted to it.
VAGUE_KM = 1000.0
#: A title longer than this is a first paragraph standing in for a missing headline.
TITLE_MAX = 100
#: ... and is shown cut at a word before this many characters.
TITLE_SHORT = 80
#: Decimals kept for drawn coordinates (about 1 m).
COORD_DIGITS = 5
#: Vertices of a drawn circle (a sector gets its share): between two of them the outline of
#: a 410 km circle lies at most 0.9 km (0.2 %) inside it; each vertex is a WGS84 geodesic,
#: the costliest thing the map computes.
AREA_STEPS = 48
#: Points of a claim line at most: one every 10 km up to 320 km, then sparser (between the
#: points of a 6,000 km line, Leaflet's straight segments stray about 1 km from the
#: geodesic: a pixel at zoom 8).
LINE_POINTS = 33


class AssetError(GeomapError, RuntimeError):
    """A script or style sheet the page needs cannot be inlined from a local package."""


# ---------------------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KindStyle:
    label: str
    color: str
    shape: str
    zoom: int  # zoom at which "fly to" shows a place of this kind


_KIND_STYLES = {
    "continent": _KindStyle("continent", "#5d4037", "hexagon", 3),
    "country": _KindStyle("country", "#7b3294", "star", 5),
    "region": _KindStyle("region", "#8e6c3a", "hexagon", 5),
    "water": _KindStyle("sea / lake", "#1565c0", "wave", 6),
    "river": _KindStyle("river", "#0277bd", "wave", 8),
    "admin1": _KindStyle("province / region", "#00838f", "square", 7),
    "admin2": _KindStyle("district", "#4db6ac", "square", 9),
    "district": _KindStyle("district", "#4db6ac", "square", 9),
    "city": _KindStyle("city / town", "#1f5fbf", "circle", 11),
    "airport": _KindStyle("airport", "#546e7a", "triangle", 12),
    "border_crossing": _KindStyle("border crossing", "#e65100", "diamond", 12),
}
_OTHER_KIND = _KindStyle("other place", "#8d6e63", "triangle", 10)


@dataclass(frozen=True)
class _VerdictStyle:
    """How a verdict is drawn: a colour, and for readers who cannot tell the colours apart,
    a dash pattern (SVG ``stroke-dasharray``; empty: solid) and a symbol."""

    label: str
    color: str
    dash: str
    symbol: str


#: Verdict -> style; the order is the legend's.
_VERDICTS = {
    "consistent": _VerdictStyle("consistent", "#2e7d32", "", "\u2713"),
    "road": _VerdictStyle("plausible by road", "#b7791f", "12 7", "\u2248"),
    "inconsistent": _VerdictStyle("inconsistent", "#c62828", "3 6", "\u2717"),
    "unverifiable": _VerdictStyle("unverifiable", "#757575", "1 7", "?"),
    "located": _VerdictStyle("places a thing the gazetteer lacks", "#6a1b9a", "9 4 2 4", "\u25ce"),
}
#: How a location is marked: an estimate from statements, or coordinates written in the text.
_LOCATION_STYLES = {
    "estimate": _KindStyle("estimated place", "#6a1b9a", "target", 11),
    "coordinates": _KindStyle("coordinates in the text", "#00695c", "pin", 12),
}

_TILE_ALIASES = {"openstreetmap": "OpenStreetMap.Mapnik", "osm": "OpenStreetMap.Mapnik"}


def _kind_style(kind: str) -> _KindStyle:
    return _KIND_STYLES.get(kind, _OTHER_KIND)


def kind_label(kind: str) -> str:
    """What a reader calls a kind of place ("admin1" -> "province / region")."""
    style = _kind_style(kind)
    return style.label if style is not _OTHER_KIND else kind.replace("_", " ")


# ---------------------------------------------------------------------------------------
# Words: titles and claim labels
# ---------------------------------------------------------------------------------------


def display_title(doc: Document, index: int = 0) -> str:
    """The title a page shows for ``doc``: its headline; a first paragraph standing in for a
    missing headline, cut at a word; else its id (the file name) or "Article N"."""
    title = (doc.title or "").strip()
    if not title:
        return (doc.id or "").strip() or f"Article {index + 1}"
    if len(title) <= TITLE_MAX:
        return title
    cut = title[:TITLE_SHORT]
    space = cut.rfind(" ")
    if space > TITLE_SHORT // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"


def page_title(titles: Sequence[str], what: str = "article") -> str:
    """The page's ``<title>``: the one title, or how many there are."""
    if len(titles) == 1:
        return f"{titles[0]} \u2013 geomap"
    if not titles:
        return "geomap"
    return f"{len(titles):,} {what}s \u2013 geomap"


def _set_page_title(m: folium.Map, title: str) -> None:
    """Put ``title`` in the page's ``<title>``: HTML-escaped, and with its braces written as
    character references, since branca renders the figure as a Jinja template."""
    safe = html.escape(" ".join(title.split()), quote=True)
    root = m.get_root()
    assert isinstance(root, Figure)
    root.title = safe.replace("{", "&#123;").replace("}", "&#125;").replace("\0", "")


def _fmt_km(km: float) -> str:
    if km < 10:
        return f"{km:.1f}".rstrip("0").rstrip(".") + " km"
    return f"{km:,.0f} km"


def _stated(check: ClaimCheck) -> str:
    claim = check.claim
    parts = []
    if claim.low_km is not None:
        high = claim.high_km if claim.high_km is not None else claim.low_km
        if math.isclose(claim.low_km, high):
            parts.append(_fmt_km(claim.low_km))
        else:
            parts.append(f"{_fmt_km(claim.low_km).removesuffix(' km')}\u2013{_fmt_km(high)}")
    if claim.direction:
        parts.append(claim.direction)
    return " ".join(parts)


def claim_label(check: ClaimCheck) -> str:
    """The line label, e.g. ``"stated 410 km W · computed 241 km WNW"``."""
    computed = []
    if check.computed_km is not None and check.claim.low_km is not None:
        computed.append(_fmt_km(check.computed_km))
    if check.computed_bearing is not None:
        computed.append(compass(check.computed_bearing))
    stated = _stated(check) or "nothing"
    return f"stated {stated} \u00b7 computed {' '.join(computed) if computed else 'n/a'}"


def worst_verdict(distance: str | None, bearing: str | None) -> str:
    """The verdict a claim's colour shows: the worse of its distance and bearing verdicts."""
    verdicts = {distance, bearing}
    for v in ("inconsistent", "road", "consistent"):
        if v in verdicts:
            return v
    return "unverifiable"


def _verdict(check: ClaimCheck) -> str:
    return worst_verdict(check.distance, check.bearing)


def verdict_rows() -> list[dict[str, str]]:
    """The verdicts' styles, in the legend's order, as the pages read them."""
    return [
        {"key": k, "label": s.label, "color": s.color, "dash": s.dash, "symbol": s.symbol}
        for k, s in _VERDICTS.items()
    ]


def _verdict_label(check: ClaimCheck) -> str:
    parts = []
    for what, verdict in (("distance", check.distance), ("direction", check.bearing)):
        if verdict:
            style = _VERDICTS.get(verdict)
            parts.append(f"{what} {style.label if style else verdict}")
    return " \u00b7 ".join(parts) or "unverifiable"


def _window_text(check: ClaimCheck) -> str:
    """What the checker accepted, e.g. "accepted 384–436 km, bearings 224°–316°"."""
    parts = []
    if check.tolerance_km is not None:
        low, high = check.tolerance_km
        parts.append(
            f"{_fmt_km(low).removesuffix(' km')}\u2013{_fmt_km(high)}"
            if math.isfinite(high)
            else f"at least {_fmt_km(low)}"
        )
    if check.bearing_window is not None:
        bearing, half = check.bearing_window
        parts.append(
            f"bearings {(bearing - half) % 360:.0f}\u00b0\u2013{(bearing + half) % 360:.0f}\u00b0"
        )
    return "accepted " + ", ".join(parts) if parts else ""


# ---------------------------------------------------------------------------------------
# Geometry: all of it from geomap.geometry
# ---------------------------------------------------------------------------------------


def _points(points: Iterable[tuple[float, float]]) -> list[list[float]]:
    return [[round(lat, COORD_DIGITS), round(lon, COORD_DIGITS)] for lat, lon in points]


def claim_line(reference: geometry.Located, subject: geometry.Located) -> list[list[float]]:
    """The geodesic from the reference to the subject, as Leaflet points."""
    return _points(geometry.line(reference, subject, max_points=LINE_POINTS))


def claim_area(check: ClaimCheck) -> list[list[list[float]]] | None:
    """The rings of ``check.area``: the distance band and bearing sector the checker
    accepted, drawn as they were judged (None when the claim bounds nothing)."""
    area = check.area
    if area is None:
        return None
    return [_points(ring) for ring in area.rings(steps=AREA_STEPS)]


# ---------------------------------------------------------------------------------------
# Payload: typed rows, built one kind at a time
# ---------------------------------------------------------------------------------------


def http_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL; anything else never becomes a link."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


class RefRow(TypedDict):
    """Where a place is mentioned: an article, its mentions there, the best confidence."""

    doc: int
    mentions: list[int]
    confidence: float | None


class PlaceRow(TypedDict):
    id: str
    name: str
    gazetteerName: str
    kind: str
    kindLabel: str
    country: str
    countryName: str
    admin1: str
    lat: float
    lon: float
    source: str
    color: str
    shape: str
    zoom: int
    confidence: float | None
    low: bool
    #: Whether the view opens on it: a confident place whose point means something (not a
    #: continent's, nor that of a sea or region wider than VAGUE_KM).
    fit: bool
    refs: list[RefRow]


class MentionRow(TypedDict):
    """A mention as the page reads it (by name): its span, its kind ("place"; "demonym":
    "Iraqi"; "modifier": "U.S." in "U.S. Geological Survey"), the marker it links to (None:
    unresolved, or a demonym or modifier whose place has no marker), the part of the place
    it means ("south" in "southern Mexico"), its sentence."""

    start: int
    end: int
    kind: str
    place: int | None
    part: str
    confidence: float | None
    sentence: int


class FitRow(TypedDict):
    name: str
    lat: float
    lon: float
    note: str


class ClaimRow(TypedDict):
    """A location statement as the page draws it. ``status`` is the checker's: "judged"
    (a line between two places, coloured by ``verdict``), "located" (the statement places a
    thing the gazetteer lacks: ``location`` indexes the document's locations) or
    "unattached" (a card only). ``subject``/``reference`` are the positions of the mentions
    the ends stand for (None: not a mention); ``ends`` the points the ends were judged at."""

    status: str
    quote: str
    sentence: int
    start: int
    end: int
    subject: int | None
    reference: int | None
    subjectPlace: int | None
    referencePlace: int | None
    subjectName: str
    referenceName: str
    ends: list[list[float]]
    verdict: str
    verdictLabel: str
    label: str
    stated: str
    accepted: str
    explanation: str
    line: list[list[float]] | None
    area: list[list[list[float]]] | None
    fits: list[FitRow]
    location: int | None


class LocationRow(TypedDict):
    """Where the article puts something the gazetteer lacks: an estimate from its
    statements (``areas``: what each allows; the point lies where they overlap, within
    ``uncertaintyKm``, drawn as ``ring`` when several agree) or coordinates written in the
    text. ``start``/``end`` is the span
    naming it; ``claims`` index the document's claim rows; ``suggestion`` is a gazetteer
    CSV row the reader may review and add."""

    name: str
    kind: str
    vague: bool
    lat: float
    lon: float
    uncertaintyKm: float
    sentence: int
    start: int
    end: int
    subject: str
    claims: list[int]
    areas: list[list[list[list[float]]]]
    ring: list[list[float]] | None
    contradiction: str
    suggestion: str


class DocRow(TypedDict):
    title: str
    fullTitle: str | None
    url: str | None
    id: str | None
    text: str
    sentences: list[list[int]]
    mentions: list[MentionRow]
    claims: list[ClaimRow]
    locations: list[LocationRow]


def _place_key(place: Place) -> str:
    return place.id or f"{place.name}@{place.lat:.5f},{place.lon:.5f}"


class _Markers:
    """The places that get a marker (those named, not only by a demonym or inside another
    name), numbered in order of first mention over all documents, with what each document
    says of them."""

    def __init__(self, documents: Sequence[Document]):
        self.index: dict[str, int] = {}
        self.places: list[Place] = []
        self.refs: list[dict[int, RefRow]] = []
        self.country_names: dict[str, str] = {}
        self.countries: list[str] = []  # mentioned, by name or demonym, in order
        for d, doc in enumerate(documents):
            for position, m in enumerate(_in_text_order(doc)):
                self._note(d, position, m)

    def _note(self, d: int, position: int, m: Mention) -> None:
        place = m.place
        if place is None:
            return
        code = place.country.upper()
        if place.kind == "country":
            self.country_names.setdefault(code, display_name(place.name))
        if (m.kind == "demonym" or place.kind == "country") and code not in self.countries:
            self.countries.append(code)
        if m.kind != "place":
            return
        key = _place_key(place)
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.places)
            self.places.append(place)
            self.refs.append({})
        ref = self.refs[i].setdefault(d, {"doc": d, "mentions": [], "confidence": None})
        ref["mentions"].append(position)
        conf = round(m.confidence, 3)
        ref["confidence"] = conf if ref["confidence"] is None else max(ref["confidence"], conf)

    def of(self, place: Place | None) -> int | None:
        return None if place is None else self.index.get(_place_key(place))


def _in_text_order(doc: Document) -> list[Mention]:
    return [doc.mentions[i] for i in _text_order(doc)]


def _text_order(doc: Document) -> list[int]:
    """Indices of ``doc.mentions`` by start offset: the order the page lists them in."""
    return sorted(range(len(doc.mentions)), key=lambda i: (doc.mentions[i].start, i))


def _place_row(
    place: Place, refs: Mapping[int, RefRow], country_names: Mapping[str, str]
) -> PlaceRow:
    style = _kind_style(place.kind)
    confs = [r["confidence"] for r in refs.values() if r["confidence"] is not None]
    best = max(confs) if confs else None
    low = best is not None and best < LOW_CONFIDENCE
    code = place.country.upper()
    name = display_name(place.name)
    return {
        "id": place.id,
        "name": name,
        "gazetteerName": place.name if place.name != name else "",
        "kind": place.kind,
        "kindLabel": kind_label(place.kind),
        "country": code,
        "countryName": country_names.get(code, ""),
        "admin1": place.admin1,
        "lat": place.lat,
        "lon": place.lon,
        "source": place.source,
        "color": style.color,
        "shape": style.shape,
        "zoom": style.zoom,
        "confidence": best,
        "low": low,
        "fit": not low and place.kind != "continent" and place.extent_km <= VAGUE_KM,
        "refs": [refs[d] for d in sorted(refs)],
    }


def _mention_row(m: Mention, markers: _Markers) -> MentionRow:
    return {
        "start": m.start,
        "end": m.end,
        "kind": m.kind,
        "place": markers.of(m.place),
        "part": m.part,
        "confidence": round(m.confidence, 3) if m.place is not None else None,
        "sentence": m.sentence,
    }


def _fit_row(fit: Place, reference: Place) -> FitRow:
    m = geometry.measure(reference, fit)
    name = display_name(fit.name)
    ref = display_name(reference.name)
    return {
        "name": name,
        "lat": fit.lat,
        "lon": fit.lon,
        "note": f"{_fmt_km(m.km)} {compass(m.bearing)} of {ref}",
    }


def _end(doc: Document, party: Party | None, place: Place | None) -> Place | None:
    """The place a claim end was judged as: the checker's, else its mention's."""
    if place is not None:
        return place
    if party is not None and party.mention is not None and 0 <= party.mention < len(doc.mentions):
        return doc.mentions[party.mention].place
    return None


def _end_name(party: Party | None, place: Place | None) -> str:
    if place is not None and (party is None or party.kind in ("place", "capital")):
        return display_name(place.name)
    return party.text if party is not None else "?"


def _claim_row(
    check: ClaimCheck, doc: Document, position: Mapping[int, int], markers: _Markers
) -> ClaimRow:
    """A statement as the page draws it (see :class:`ClaimRow`)."""
    claim = check.claim
    subject = _end(doc, claim.subject, check.subject_place)
    reference = _end(doc, claim.reference, check.reference_place)
    ref_name = _end_name(claim.reference, reference)
    location = (
        doc.locations[check.location]
        if check.status == "located"
        and check.location is not None
        and 0 <= check.location < len(doc.locations)
        else None
    )
    target: Place | Location | None = location if location is not None else subject
    # A vague location (a direction without a distance) has no point worth a line or a
    # sector reaching across the world.
    vague = (location is not None and location.uncertainty_km > VAGUE_KM) or (
        check.status == "located" and check.claim.low_km is None
    )
    line = None
    if reference is not None and target is not None and check.status != "unattached" and not vague:
        line = claim_line(reference, target)
    ends = [[p.lat, p.lon] for p in (reference, target) if p is not None]
    return {
        "status": check.status,
        "quote": claim.text,
        "sentence": claim.sentence,
        "start": claim.start,
        "end": claim.end,
        "subject": _position(claim.subject, position),
        "reference": _position(claim.reference, position),
        "subjectPlace": markers.of(subject) if check.status == "judged" else None,
        "referencePlace": markers.of(reference),
        "subjectName": _end_name(claim.subject, subject),
        "referenceName": ref_name,
        "ends": ends,
        "verdict": "located" if check.status == "located" else _verdict(check),
        "verdictLabel": _verdict_label(check) if check.status == "judged" else check.status,
        "label": claim_label(check)
        if check.status == "judged"
        else f"{_stated(check) or 'coordinates'}" + (f" of {ref_name}" if reference else ""),
        "stated": f"{_stated(check)} of {ref_name}",
        "accepted": _window_text(check),
        # The checker words its explanation with the gazetteer's spelling of names.
        "explanation": display_name(check.explanation),
        "line": line,
        "area": None if vague else claim_area(check),
        "fits": [_fit_row(f, reference) for f in check.fits] if reference else [],
        "location": check.location if location is not None else None,
    }


def _position(party: Party | None, position: Mapping[int, int]) -> int | None:
    if party is None or party.mention is None:
        return None
    return position.get(party.mention)


def _location_row(doc: Document, location: Location) -> LocationRow:
    from geomap.claims import suggested_place
    from geomap.gazetteer import ALL_COLUMNS, place_to_row

    row = place_to_row(suggested_place(doc, location))
    vague = location.uncertainty_km > VAGUE_KM
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    return {
        "name": display_name(location.name),
        "kind": location.kind,
        "vague": vague,
        "lat": round(location.lat, COORD_DIGITS),
        "lon": round(location.lon, COORD_DIGITS),
        "uncertaintyKm": round(location.uncertainty_km, 2),
        "sentence": location.sentence,
        "start": location.subject.start,
        "end": location.subject.end,
        "subject": location.subject.text,
        "claims": list(location.checks),
        "areas": []
        if vague
        else [[_points(ring) for ring in area.rings(steps=AREA_STEPS)] for area in location.areas],
        # Where several statements agree: a circle around their overlap (one statement's
        # own area says more than a circle would).
        "ring": _points(geometry.circle(location, location.uncertainty_km, steps=AREA_STEPS))
        if 0 < location.uncertainty_km <= VAGUE_KM and len(location.areas) > 1
        else None,
        "contradiction": display_name(location.contradiction),
        "suggestion": ",".join(ALL_COLUMNS[: len(row)]) + "\n" + out.getvalue(),
    }


def _doc_row(d: int, doc: Document, markers: _Markers) -> DocRow:
    order = _text_order(doc)
    position = {old: new for new, old in enumerate(order)}
    title = display_title(doc, d)
    return {
        "title": title,
        "fullTitle": doc.title if doc.title and doc.title != title else None,
        "url": http_url(doc.url),
        "id": doc.id,
        "text": doc.text,
        "sentences": [[s.start, s.end] for s in doc.sentences],
        "mentions": [_mention_row(doc.mentions[i], markers) for i in order],
        "claims": [_claim_row(check, doc, position, markers) for check in doc.checks],
        "locations": [_location_row(doc, loc) for loc in doc.locations],
    }


def _outlines(
    boundaries: Mapping[str, Any] | None,
    markers: _Markers,
    extents: Mapping[str, Any] | None = None,
) -> dict[str, list]:
    """The basemap's country outlines, the outlines of the countries mentioned, and the
    extents of places: ``extents`` (the gazetteer's), replaced by those whose id
    ``boundaries`` holds. A country only the basemap draws is cut from the text of a lazily
    read bundled file (:func:`compact_outline`), not decoded."""
    boundaries = boundaries or {}
    extents = extents or {}
    # Keys and values as {**extents, **boundaries} would have them, read only when needed.
    sources = [(key, boundaries if key in boundaries else extents) for key in extents]
    sources += [(key, boundaries) for key in boundaries if key not in extents]
    basemap_out: list[dict | JSONText] = []
    countries: list[dict] = []
    extents_out: list[dict] = []
    for key, source in sources:
        country = len(key) == 2 and key.isalpha()
        if country and key.upper() not in markers.countries:
            outline = compact_outline(source, key)
            if outline is not None:
                basemap_out.append(outline)
            continue
        value = source[key]
        geometry_ = as_geometry(value)
        if geometry_ is None:
            continue
        geometry_ = compact_geometry(geometry_)
        if country:
            code = key.upper()
            basemap_out.append(geometry_)
            if code in markers.countries:
                name = markers.country_names.get(code)
                if name is None and isinstance(value, Mapping):
                    name = (value.get("properties") or {}).get("name")
                countries.append({"iso2": code, "name": name or code, "geometry": geometry_})
        elif key in markers.index:
            extents_out.append({"place": markers.index[key], "geometry": geometry_})
    return {"basemap": basemap_out, "countries": countries, "extents": extents_out}


def _view_points(places: Sequence[PlaceRow]) -> list[tuple[float, float]]:
    """The points the page opens on: its confident places (all, when none is)."""
    confident = [(p["lat"], p["lon"]) for p in places if p["fit"]]
    return confident or [(p["lat"], p["lon"]) for p in places]


def _legend_rows(places: Sequence[PlaceRow]) -> dict[str, object]:
    kinds: dict[str, _KindStyle] = {}
    for p in places:
        style = _kind_style(p["kind"])
        kinds.setdefault(p["kindLabel"], style)
    order = list(_KIND_STYLES.values())
    ranked = sorted(
        kinds.items(), key=lambda kv: order.index(kv[1]) if kv[1] in order else len(order)
    )
    return {
        "kinds": [{"label": label, "color": s.color, "shape": s.shape} for label, s in ranked],
        "verdicts": verdict_rows(),
        "locationStyles": {
            k: {"label": s.label, "color": s.color, "shape": s.shape, "zoom": s.zoom}
            for k, s in _LOCATION_STYLES.items()
        },
    }


def _tile_layer(tiles: str | None) -> dict | None:
    """The tile layer ``--tiles`` asked for: an xyzservices name or an http(s) URL template."""
    if tiles is None:
        return None
    name = tiles.strip()
    if "{z}" in name or "://" in name:
        parts = urlsplit(name)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise InputError(f"tile URL must start with http:// or https://, got {tiles!r}")
        if not all(f"{{{k}}}" in name for k in "zxy"):
            raise InputError(f"tile URL must contain {{z}}, {{x}} and {{y}}, got {tiles!r}")
        return {
            "name": parts.netloc,
            "url": name,
            "maxZoom": 19,
            "attribution": f"Tiles: {html.escape(parts.netloc)}",
        }
    import xyzservices

    try:
        provider = xyzservices.providers.query_name(_TILE_ALIASES.get(name.lower(), name))
    except ValueError:
        raise InputError(
            f"unknown tile layer {tiles!r}: give a name such as 'OpenStreetMap' or "
            "'OpenTopoMap', or an http(s) URL template with {z}, {x} and {y}"
        ) from None
    if provider.requires_token():
        raise InputError(f"tile layer {tiles!r} needs an API key: pass its URL template instead")
    return {
        "name": provider.name,
        "url": provider.build_url(scale_factor="{r}"),
        "maxZoom": int(provider.get("max_zoom", 19)),
        "attribution": provider.html_attribution,
    }


def map_payload(
    documents: Sequence[Document],
    *,
    boundaries: Mapping[str, Any] | None = None,
    gazetteer: Gazetteer | None = None,
    tiles: str | None = None,
) -> dict[str, Any]:
    """The JSON the article map's script reads (see the row types above); an outline cut
    from a bundled file stands in it as :class:`JSONText`, which :func:`json_for_html`
    writes."""
    markers = _Markers(documents)
    docs = [_doc_row(d, doc, markers) for d, doc in enumerate(documents)]
    places = [
        _place_row(place, refs, markers.country_names)
        for place, refs in zip(markers.places, markers.refs)
    ]
    points = _view_points(places) + [
        (loc["lat"], loc["lon"]) for doc in docs for loc in doc["locations"]
    ]
    names = [] if gazetteer is None else basemap.labels(gazetteer, points, exclude=markers.index)
    extents = {}
    if gazetteer is not None:
        # The gazetteer's own outlines of the regions, seas and rivers the article names.
        bundled = basemap.bundled_extents()
        extents = {k: bundled[k] for k in markers.index if k in bundled}
    return {
        "title": page_title([doc["title"] for doc in docs]),
        "places": places,
        "docs": docs,
        **_legend_rows(places),
        **_outlines(boundaries, markers, extents),
        "labels": basemap.label_rows(names),
        "water": basemap.water_features(names, basemap.bundled_extents()) if names else [],
        "lowConfidence": LOW_CONFIDENCE,
        "tiles": _tile_layer(tiles),
    }


_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def json_for_html(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element, break a JS string or open a Jinja tag;
    a :class:`JSONText` anywhere in ``data`` is written as it is.

    branca compiles each element's rendered HTML as a Jinja template once more, so a
    ``{{``, ``{%`` or ``{#`` in the data would run as template code (Python) when the page
    is saved; such a brace is written ``\\u007b``. A brace of the JSON itself is always
    followed by ``"`` or ``}``.
    """
    # json writes each JSONText as a string naming it, which no other string can be (a
    # random token): the texts then take their places, escaped apart (a bundled outline,
    # megabytes of ASCII digits, is searched much faster alone than in the page's text).
    token = secrets.token_hex(16)
    texts: list[str] = []

    def name(value: Any) -> str:
        if not isinstance(value, JSONText):
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        texts.append(value.text)
        return f"{token}:{len(texts) - 1}"

    text = json.dumps(
        data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=name
    )
    if not texts:
        return _escaped(text)
    parts = re.split(f'"{token}:([0-9]+)"', text)
    parts[1::2] = [texts[int(n)] for n in parts[1::2]]
    return "".join(_escaped(part) for part in parts)


def _escaped(text: str) -> str:
    text = (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return _JINJA_OPEN.sub(r"\\u007b", text)


# ---------------------------------------------------------------------------------------
# The folium map
# ---------------------------------------------------------------------------------------

_LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
_LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
_CLUSTER_JS = (
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.4.1/leaflet.markercluster.js"
)
_CLUSTER_CSS = (
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.4.1/MarkerCluster.css"
)
_CLUSTER_DEFAULT_CSS = (
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.4.1/MarkerCluster.Default.css"
)

#: The pages' scripts and style sheets: (name, URL the page links, package, file in it).
#: ``save`` replaces each URL with the file from the pip-installed package.
PAGE_JS = (
    ("leaflet", _LEAFLET_JS, "xstatic.pkg.leaflet", "leaflet.js"),
    (
        "leaflet_markercluster",
        _CLUSTER_JS,
        "xstatic.pkg.leaflet_markercluster",
        "leaflet.markercluster.js",
    ),
    ("geomap", "geomap-assets/geomap.js", "geomap", "geomap.js"),
    ("geomap_corpus", "geomap-assets/corpus.js", "geomap", "corpus.js"),
)
PAGE_CSS = (
    ("leaflet_css", _LEAFLET_CSS, "xstatic.pkg.leaflet", "leaflet.css"),
    ("markercluster_css", _CLUSTER_CSS, "xstatic.pkg.leaflet_markercluster", "MarkerCluster.css"),
    (
        "markercluster_default_css",
        _CLUSTER_DEFAULT_CSS,
        "xstatic.pkg.leaflet_markercluster",
        "MarkerCluster.Default.css",
    ),
    ("geomap_css", "geomap-assets/geomap.css", "geomap", "geomap.css"),
    ("geomap_corpus_css", "geomap-assets/corpus.css", "geomap", "corpus.css"),
)
#: The assets of the article map; the corpus map adds its own (``corpus_map.ASSETS``).
ARTICLE_ASSETS = frozenset(
    {
        "leaflet",
        "leaflet_markercluster",
        "geomap",
        "leaflet_css",
        "markercluster_css",
        "markercluster_default_css",
        "geomap_css",
    }
)


def new_map(payload: Mapping[str, Any], assets: Iterable[str], **options: Any) -> folium.Map:
    """A tile-less folium map titled ``payload["title"]`` that links only ``assets``."""
    m = folium.Map(tiles=None, world_copy_jump=True, maxZoom=18, minZoom=2, **options)
    assets = set(assets)
    # Per-instance lists: folium's are shared by every Map (add_js_link mutates them).
    m.default_js = [(name, url) for name, url, _, _ in PAGE_JS if name in assets]
    m.default_css = [(name, url) for name, url, _, _ in PAGE_CSS if name in assets]
    _set_page_title(m, payload["title"])
    return m


class _Raw(Element):
    """HTML written into the page as it is. branca compiles a macro's output as a Jinja
    template once more, which for a payload of megabytes took seconds (and would run a
    ``{{`` in the data); a _Raw element is never compiled."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class PagePayload(MacroElement):
    """A page's JSON payload, what precedes it in the body, and the call of geomap's script
    that reads it: ``call(map, payloadElement)``."""

    def __init__(self, payload: str, *, call: str, before: str = "", name: str = "GeomapData"):
        super().__init__()
        self._name = name
        self.payload = payload
        self.call = call
        self.before = before

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        figure = self.get_root()
        assert isinstance(figure, Figure) and self._parent is not None
        name = self.get_name()
        figure.html.add_child(
            _Raw(
                f'{self.before}<script type="application/json" id="{name}">{self.payload}</script>'
            ),
            name=name,
        )
        figure.script.add_child(
            _Raw(f'{self.call}({self._parent.get_name()}, document.getElementById("{name}"));'),
            name=name,
        )


def build_map(
    documents: Sequence[Document],
    *,
    boundaries: Mapping[str, Any] | None = None,
    gazetteer: Gazetteer | None = None,
    tiles: str | None = None,
) -> folium.Map:
    """A map of the places ``documents`` mention and the distance claims they make.

    ``boundaries`` maps ISO 3166-1 alpha-2 codes to GeoJSON geometries (or Features): all of
    them draw the offline basemap and those of the countries mentioned are outlined; a key
    that is a ``Place.id`` draws that place's approximate extent. With ``gazetteer``, the
    basemap names countries, regions and towns around the places (:func:`basemap.labels`).
    ``tiles`` adds a tile layer for online use: an xyzservices name ("OpenStreetMap") or an
    http(s) URL template. Save the result with :func:`save`, which inlines every asset.
    """
    documents = list(documents)
    for i, doc in enumerate(documents):
        if not isinstance(doc, Document):
            raise TypeError(f"Expected Document objects, instead got {type(doc).__name__} at {i}")
    data = map_payload(documents, boundaries=boundaries, gazetteer=gazetteer, tiles=tiles)
    points = _view_points(data["places"])
    center = (
        [sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)]
        if points
        else [20.0, 0.0]
    )
    m = new_map(data, ARTICLE_ASSETS, location=center, zoom_start=5 if points else 2)
    PagePayload(
        json_for_html(data),
        call="geomap.init",
        before='<aside id="gm-panel" aria-label="Article"></aside>',
    ).add_to(m)
    return m


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------


def _asset_path(package: str, filename: str) -> Path:
    if package == "geomap":
        return ASSETS / filename
    try:
        module = __import__(package, fromlist=["BASE_DIR"])
    except ImportError:
        dist = package.replace("xstatic.pkg.", "xstatic-").replace("_", "-")
        raise AssetError(f"{package} is not installed: pip install {dist}") from None
    return Path(module.BASE_DIR) / filename


_CSS_URL = re.compile(r"url\(\s*['\"]?(?!data:|#)([^'\")]+?)['\"]?\s*\)")


def _css_text(path: Path) -> str:
    """A style sheet with its relative images turned into data URIs."""

    def inline(match: re.Match) -> str:
        target = (path.parent / match.group(1)).resolve()
        if not target.is_file():
            return match.group(0)
        mime = {
            ".png": "image/png",
            ".svg": "image/svg+xml",
            ".gif": "image/gif",
            ".woff2": "font/woff2",
        }.get(target.suffix, "application/octet-stream")
        return f'url("data:{mime};base64,{base64.b64encode(target.read_bytes()).decode()}")'

    return _CSS_URL.sub(inline, path.read_text(encoding="utf-8"))


_REMOTE_ASSET = re.compile(
    r"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)


def remote_assets(page: str) -> list[str]:
    """URLs of scripts and style sheets a page would fetch from the network."""
    return _REMOTE_ASSET.findall(page)


def _asset_tag(
    kind: str, url: str, filename: str, package: str, text: str, *, inline: bool, files_dir: str
) -> tuple[str, str]:
    """The tag linking an asset, and what replaces it: the file inlined or copied beside."""
    if kind == "js":
        tag = f'<script src="{url}"></script>'
        if not inline:
            return tag, f'<script src="{files_dir}/{filename}"></script>'
        body = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
        return tag, f"<script>/* {filename} from {package} */\n{body}\n</script>"
    tag = f'<link rel="stylesheet" href="{url}"/>'
    if not inline:
        return tag, f'<link rel="stylesheet" href="{files_dir}/{filename}"/>'
    body = re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE)
    return tag, f"<style>/* {filename} from {package} */\n{body}\n</style>"


def _replace_all(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with each key of ``replacements`` replaced by its value wherever it stands,
    in one copy (replacing the links one after another copied the 2 MB page each time)."""
    spots = []
    for old in replacements:
        at = text.find(old)
        while at >= 0:
            spots.append((at, old))
            at = text.find(old, at + len(old))
    pieces: list[str] = []
    done = 0
    for at, old in sorted(spots):
        if at >= done:
            pieces += (text[done:at], replacements[old])
            done = at + len(old)
    pieces.append(text[done:])
    return "".join(pieces)


def save(m: folium.Map, path: str | os.PathLike, *, inline: bool = True) -> Path:
    """Write ``m`` as an HTML page at ``path`` and return its path.

    With ``inline`` (the default) every script and style sheet is embedded in the page;
    otherwise they are copied to ``<name>_files/`` beside it. Either way the page links
    nothing on the network; :class:`AssetError` is raised if it would.
    """
    path = Path(path)
    page = m.get_root().render()
    files_dir = path.parent / f"{path.stem}_files"
    copies: dict[str, str] = {}
    links: dict[str, str] = {}
    for kind, entries in (("js", PAGE_JS), ("css", PAGE_CSS)):
        own = dict(m.default_js if kind == "js" else m.default_css)
        for name, url, package, filename in entries:
            if own.get(name) != url:
                continue
            source = _asset_path(package, filename)
            if not source.is_file():
                raise AssetError(f"asset {filename} is missing from {package} ({source})")
            text = _css_text(source) if kind == "css" else source.read_text(encoding="utf-8")
            # A source map would be fetched when developer tools open.
            text = re.sub(r"^\s*(//|/\*)# sourceMappingURL=.*$", "", text, flags=re.MULTILINE)
            tag, new = _asset_tag(
                kind, url, filename, package, text, inline=inline, files_dir=files_dir.name
            )
            if tag not in page:
                raise AssetError(f"cannot find the link to {url} in the page")
            links[tag] = new
            if not inline:
                copies[filename] = text
    page = _replace_all(page, links)
    left = remote_assets(page)
    if left:
        raise AssetError(
            f"the page would fetch {left[0]} from the network; geomap cannot "
            "inline it (was a folium plugin added to the map?)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if copies:
        files_dir.mkdir(exist_ok=True)
        for filename, text in copies.items():
            atomic_write(files_dir / filename, text)
    atomic_write(path, page)
    return path
