"""The map stage: documents with resolved places and checked claims become a Leaflet map.

``build_map`` returns a :class:`folium.Map` whose page holds one JSON payload (places,
articles, claim geometry, outlines) and geomap's own small script, which builds the
markers, popups, article panel and controls with DOM APIs. No user-derived string is ever
placed in HTML or JavaScript source: it travels inside the JSON payload, escaped so that it
cannot close the ``<script type="application/json">`` element, and reaches the page only
through ``textContent``.

``save`` writes the page with every script and style sheet inlined from pip-installed
packages (XStatic's Leaflet and Leaflet.markercluster, and ``geomap/assets``), so the map
works with no network at all; tiles are fetched only when the caller asked for a tile layer.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
from branca.element import MacroElement
from folium.template import Template
from geographiclib.geodesic import Geodesic

from geomap.claims import direction_degrees
from geomap.geometry import COMPASS, compass
from geomap.files import atomic_write
from geomap.errors import GeomapError, InputError
from geomap.records import ClaimCheck, Document, Place

__all__ = [
    "AssetError",
    "build_map",
    "claim_label",
    "compass",
    "country_boundaries",
    "geodesic_line",
    "remote_assets",
    "save",
    "stated_area",
]

_GEOD = Geodesic.WGS84
_EARTH_KM = 6371.0088  # mean radius (IUGG)
ASSETS = Path(__file__).parent / "assets"


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
    "admin1": _KindStyle("province / region", "#00838f", "square", 7),
    "admin2": _KindStyle("district", "#4db6ac", "square", 9),
    "city": _KindStyle("city / town", "#1f5fbf", "circle", 11),
    "border_crossing": _KindStyle("border crossing", "#e65100", "diamond", 12),
}
_OTHER_KIND = _KindStyle("other place", "#8d6e63", "triangle", 10)

#: Verdict → (legend label, colour); the order is the legend's.
_VERDICTS = {
    "consistent": ("consistent", "#2e7d32"),
    "road": ("plausible by road", "#f9a825"),
    "inconsistent": ("inconsistent", "#c62828"),
    "unverifiable": ("unverifiable", "#757575"),
}


_TILE_ALIASES = {"openstreetmap": "OpenStreetMap.Mapnik", "osm": "OpenStreetMap.Mapnik"}


def _kind_style(kind: str) -> _KindStyle:
    return _KIND_STYLES.get(kind, _OTHER_KIND)


# ---------------------------------------------------------------------------------------
# Geometry and labels
# ---------------------------------------------------------------------------------------


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


def _verdict(check: ClaimCheck) -> str:
    """The verdict a claim's colour shows: the worst of distance and bearing."""
    verdicts = {check.distance, check.bearing}
    for v in ("inconsistent", "road", "consistent"):
        if v in verdicts:
            return v
    return "unverifiable"


def _verdict_label(check: ClaimCheck) -> str:
    parts = []
    if check.distance:
        parts.append(f"distance {_VERDICTS.get(check.distance, (check.distance,))[0]}")
    if check.bearing:
        parts.append(f"direction {_VERDICTS.get(check.bearing, (check.bearing,))[0]}")
    return " \u00b7 ".join(parts) or "unverifiable"


def geodesic_line(a: tuple[float, float], b: tuple[float, float]) -> list[list[float]]:
    """Points along the great circle from ``a`` to ``b`` (lat, lon), one every ~10 km.

    Drawn on a sphere of the Earth's mean radius: at map scale it is indistinguishable from
    the WGS84 geodesic and a hundred times faster to compute in pure Python.
    """
    p1, l1 = math.radians(a[0]), math.radians(a[1])
    p2, l2 = math.radians(b[0]), math.radians(b[1])
    v1 = (math.cos(p1) * math.cos(l1), math.cos(p1) * math.sin(l1), math.sin(p1))
    v2 = (math.cos(p2) * math.cos(l2), math.cos(p2) * math.sin(l2), math.sin(p2))
    d = 2 * math.asin(min(1.0, math.dist(v1, v2) / 2))
    n = max(2, min(129, int(d * _EARTH_KM / 10) + 2))
    if d < 1e-12:
        return [[a[0], a[1]], [b[0], b[1]]]
    out: list[list[float]] = []
    for i in range(n):
        f = i / (n - 1)
        wa, wb = math.sin((1 - f) * d) / math.sin(d), math.sin(f * d) / math.sin(d)
        x, y, z = (wa * u + wb * v for u, v in zip(v1, v2))
        lon = math.degrees(math.atan2(y, x))
        if out:  # unroll across the antimeridian so Leaflet draws the short way
            lon += 360 * round((out[-1][1] - lon) / 360)
        out.append([round(math.degrees(math.atan2(z, math.hypot(x, y))), 5), round(lon, 5)])
    out[0], out[-1] = [a[0], a[1]], [b[0], b[1] + 360 * round((out[-1][1] - b[1]) / 360)]
    return out


def _arc(
    center: tuple[float, float], km: float, start: float, end: float, steps: int
) -> list[list[float]]:
    """Points at great-circle distance ``km`` from ``center``, bearings ``start``..``end``."""
    p1, l1 = math.radians(center[0]), math.radians(center[1])
    delta = km / _EARTH_KM
    sp, cp, sd, cd = math.sin(p1), math.cos(p1), math.sin(delta), math.cos(delta)
    out = []
    for i in range(steps + 1):
        theta = math.radians(start + (end - start) * i / steps)
        p2 = math.asin(sp * cd + cp * sd * math.cos(theta))
        l2 = l1 + math.atan2(math.sin(theta) * sd * cp, cd - sp * math.sin(p2))
        out.append([round(math.degrees(p2), 5), round(math.degrees(l2), 5)])
    return out


def stated_area(
    center: tuple[float, float], low_km: float, high_km: float, direction: str | None
) -> list[list[list[float]]]:
    """Where a claim puts its subject around ``center``, as Leaflet polygon rings.

    A circle (or annulus when a range is stated) of great-circle radius; an arc sector when a
    compass direction is stated (half-width 22.5° for N/NE-style points, 11.25° for
    three-letter ones).
    """
    # Give a single stated value a visible band, ±1.5 % of the distance.
    if math.isclose(low_km, high_km):
        low_km, high_km = low_km * 0.985, high_km * 1.015
    if direction and direction.upper() in COMPASS:
        az = direction_degrees(direction.upper())
        half = 11.25 if len(direction) == 3 else 22.5
        outer = _arc(center, high_km, az - half, az + half, 24)
        inner = _arc(center, low_km, az + half, az - half, 24)
        return [outer + inner]
    outer = _arc(center, high_km, 0, 360, 96)
    inner = _arc(center, low_km, 360, 0, 96) if low_km > 0.05 else []
    return [outer, inner] if inner else [outer]


def _place_km_bearing(a: Place, b: Place) -> tuple[float, float]:
    g = _GEOD.Inverse(a.lat, a.lon, b.lat, b.lon)
    return g["s12"] / 1000, g["azi1"] % 360


# ---------------------------------------------------------------------------------------
# Payload
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


def _place_key(place: Place) -> str:
    return place.id or f"{place.name}@{place.lat:.5f},{place.lon:.5f}"


def as_geometry(value: Any) -> dict | None:
    """The geometry of a GeoJSON Feature or geometry, or None when it is neither."""
    if not isinstance(value, Mapping):
        return None
    if value.get("type") == "Feature":
        return as_geometry(value.get("geometry"))
    if value.get("type") in (
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
        "LineString",
        "MultiLineString",
    ):
        return dict(value)
    return None


def _round_coords(coords: Any, digits: int = 4) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, digits)
    return [_round_coords(c, digits) for c in coords]


def compact_geometry(geometry: dict) -> dict:
    """geometry with coordinates rounded to 4 decimals (about 10 m): smaller pages."""
    if "coordinates" in geometry:
        return {"type": geometry["type"], "coordinates": _round_coords(geometry["coordinates"])}
    if geometry.get("type") == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [compact_geometry(g) for g in geometry.get("geometries", ())],
        }
    return geometry


def country_boundaries(collection: Mapping[str, Any]) -> dict[str, dict]:
    """``{iso2: geometry}`` from a GeoJSON FeatureCollection whose features carry ``iso2``."""
    out = {}
    for feature in collection.get("features", ()):
        code = str((feature.get("properties") or {}).get("iso2") or "").upper()
        geometry = as_geometry(feature)
        if len(code) == 2 and geometry is not None:
            out[code] = geometry
    return out


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


class _PlaceEntry:
    __slots__ = ("index", "place", "refs")

    def __init__(self, index: int, place: Place):
        self.index = index
        self.place = place
        # doc index -> (mention indices, best confidence)
        self.refs: dict[int, tuple[list[int], float | None]] = {}


def _payload(
    documents: Sequence[Document], boundaries: Mapping[str, Any] | None, tiles: str | None
) -> dict:
    places: dict[str, _PlaceEntry] = {}
    country_names: dict[str, str] = {}
    mentioned_countries: list[str] = []

    def note_country(code: str) -> None:
        if code and code not in mentioned_countries:
            mentioned_countries.append(code)

    docs_out = []
    for d, doc in enumerate(documents):
        order = sorted(range(len(doc.mentions)), key=lambda i: (doc.mentions[i].start, i))
        remap = {old: new for new, old in enumerate(order)}
        mentions_out = []
        for new, old in enumerate(order):
            m = doc.mentions[old]
            place_index = -1
            conf = round(m.confidence, 3) if m.place is not None else None
            if m.place is not None:
                if m.place.kind == "country":
                    country_names.setdefault(m.place.country.upper(), m.place.name)
                if m.kind != "place":  # demonyms and modifiers link to a marker, have none
                    note_country(m.place.country.upper())
                    entry = places.get(_place_key(m.place))
                    place_index = entry.index if entry else -2  # linked after the loop
                else:
                    entry = places.get(_place_key(m.place))
                    if entry is None:
                        entry = places[_place_key(m.place)] = _PlaceEntry(len(places), m.place)
                    mis, best = entry.refs.get(d, ([], None))
                    mis.append(new)
                    best = conf if best is None else max(best, conf)
                    entry.refs[d] = (mis, best)
                    place_index = entry.index
                    if m.place.kind == "country":
                        note_country(m.place.country.upper())
            mentions_out.append(
                [m.start, m.end, place_index, 0 if m.kind == "place" else 1, conf, m.sentence]
            )
        docs_out.append(
            {
                "title": doc.title or doc.id or f"Article {d + 1}",
                "url": http_url(doc.url),
                "id": doc.id,
                "text": doc.text,
                "sentences": [[s.start, s.end] for s in doc.sentences],
                "mentions": mentions_out,
                "_remap": remap,
                "_doc": doc,
            }
        )

    # Demonyms of a country that also has a marker link to it.
    for d, out in enumerate(docs_out):
        doc = out["_doc"]
        for old, new in out["_remap"].items():
            m = doc.mentions[old]
            if out["mentions"][new][2] == -2:
                entry = places.get(_place_key(m.place)) if m.place else None
                out["mentions"][new][2] = entry.index if entry else -1
        out["claims"] = [
            c
            for c in (_claim_payload(check, doc, out["_remap"], places) for check in doc.checks)
            if c is not None
        ]
        del out["_remap"], out["_doc"]

    places_out = []
    kinds_seen: dict[str, _KindStyle] = {}
    for entry in places.values():
        p = entry.place
        style = _kind_style(p.kind)
        kinds_seen.setdefault(style.label, style)
        confs = [c for _, c in entry.refs.values() if c is not None]
        code = p.country.upper()
        places_out.append(
            {
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "kindLabel": style.label if style is not _OTHER_KIND else p.kind.replace("_", " "),
                "country": code,
                "countryName": country_names.get(code, ""),
                "admin1": p.admin1,
                "lat": p.lat,
                "lon": p.lon,
                "source": p.source,
                "color": style.color,
                "shape": style.shape,
                "zoom": style.zoom,
                "confidence": max(confs) if confs else None,
                "refs": [[d, mis, best] for d, (mis, best) in sorted(entry.refs.items())],
            }
        )

    countries_out, extents_out, basemap = [], [], []
    for key, value in (boundaries or {}).items():
        geometry = as_geometry(value)
        if geometry is None:
            continue
        geometry = compact_geometry(geometry)
        if len(key) == 2 and key.isalpha():
            code = key.upper()
            basemap.append(geometry)
            if code in mentioned_countries:
                name = country_names.get(code)
                if name is None and isinstance(value, Mapping):
                    name = (value.get("properties") or {}).get("name")
                countries_out.append({"iso2": code, "name": name or code, "geometry": geometry})
        elif key in places:
            extents_out.append({"place": places[key].index, "geometry": geometry})

    return {
        "places": places_out,
        "docs": docs_out,
        "kinds": [
            {"label": s.label, "color": s.color, "shape": s.shape}
            for s in sorted(kinds_seen.values(), key=_kind_order)
        ],
        "verdicts": [
            {"key": k, "label": label, "color": col} for k, (label, col) in _VERDICTS.items()
        ],
        "countries": countries_out,
        "extents": extents_out,
        "basemap": basemap,
        "tiles": _tile_layer(tiles),
    }


def _kind_order(style: _KindStyle) -> int:
    styles = list(_KIND_STYLES.values())
    return styles.index(style) if style in styles else len(styles)


def _claim_payload(
    check: ClaimCheck, doc: Document, remap: Mapping[int, int], places: Mapping[str, _PlaceEntry]
) -> dict | None:
    claim = check.claim
    if claim.subject is None or claim.reference is None or claim.subject.mention is None \
            or claim.reference.mention is None:
        return None
    subject = doc.mentions[claim.subject.mention]
    reference = doc.mentions[claim.reference.mention]
    verdict = _verdict(check)
    stated = _stated(check)
    out: dict[str, Any] = {
        "quote": claim.text,
        "sentence": claim.sentence,
        "subjectName": subject.place.name if subject.place else subject.text,
        "referenceName": reference.place.name if reference.place else reference.text,
        "subject": remap[claim.subject.mention],
        "reference": remap[claim.reference.mention],
        "color": _VERDICTS.get(verdict, _VERDICTS["unverifiable"])[1],
        "verdictLabel": _verdict_label(check),
        "label": claim_label(check),
        "stated": f"{stated} of {reference.place.name if reference.place else reference.text}",
        "explanation": check.explanation,
        "line": None,
        "area": None,
        "fits": [],
    }
    if subject.place is None or reference.place is None:
        return out
    a = (reference.place.lat, reference.place.lon)
    out["line"] = geodesic_line(a, (subject.place.lat, subject.place.lon))
    low = claim.low_km
    high = claim.high_km if claim.high_km is not None else low
    if low is not None and high is not None and high > 0:
        out["area"] = stated_area(a, low, high, claim.direction)
    elif claim.direction and check.computed_km:
        reach = max(check.computed_km * 1.25, 20.0)
        out["area"] = stated_area(a, 0.0, reach, claim.direction)
    for fit in check.fits:
        km, bearing = _place_km_bearing(reference.place, fit)
        out["fits"].append(
            {
                "name": fit.name,
                "lat": fit.lat,
                "lon": fit.lon,
                "note": f"{_fmt_km(km)} {compass(bearing)} of {reference.place.name}",
            }
        )
    return out


_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def json_for_html(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element, break a JS string or open a Jinja tag.

    branca compiles each element's rendered HTML as a Jinja template once more, so a
    ``{{``, ``{%`` or ``{#`` in the data would run as template code (Python) when the page
    is saved; such a brace is written ``\\u007b``. A brace of the JSON itself is always
    followed by ``"`` or ``}``.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
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
_GEOMAP_JS = "geomap-assets/geomap.js"
_GEOMAP_CSS = "geomap-assets/geomap.css"

#: The page's scripts and style sheets: (name, URL the page links, package, file in it).
#: ``save`` replaces each URL with the file from the pip-installed package.
PAGE_JS = (
    ("leaflet", _LEAFLET_JS, "xstatic.pkg.leaflet", "leaflet.js"),
    (
        "leaflet_markercluster",
        _CLUSTER_JS,
        "xstatic.pkg.leaflet_markercluster",
        "leaflet.markercluster.js",
    ),
    ("geomap", _GEOMAP_JS, "geomap", "geomap.js"),
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
    ("geomap_css", _GEOMAP_CSS, "geomap", "geomap.css"),
)


class _ArticleMap(MacroElement):
    """The payload, the article panel's container and the call to geomap's script."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <aside id="gm-panel" aria-label="Article"></aside>
        <script type="application/json" id="{{ this.get_name() }}">{{ this.payload }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        geomap.init({{ this._parent.get_name() }}, document.getElementById("{{ this.get_name() }}"));
        {% endmacro %}
        """
    )

    def __init__(self, payload: str):
        super().__init__()
        self._name = "GeomapData"
        self.payload = payload


def build_map(
    documents: Sequence[Document],
    *,
    boundaries: Mapping[str, Any] | None = None,
    tiles: str | None = None,
) -> folium.Map:
    """A map of the places ``documents`` mention and the distance claims they make.

    ``boundaries`` maps ISO 3166-1 alpha-2 codes to GeoJSON geometries (or Features): all of
    them draw the offline basemap and those of the countries mentioned are outlined; a key
    that is a ``Place.id`` draws that place's approximate extent. ``tiles`` adds a tile
    layer for online use: an xyzservices name ("OpenStreetMap") or an http(s) URL template.
    Save the result with :func:`save`, which inlines every asset.
    """
    documents = list(documents)
    for i, doc in enumerate(documents):
        if not isinstance(doc, Document):
            raise TypeError(f"Expected Document objects, instead got {type(doc).__name__} at {i}")
    data = _payload(documents, boundaries, tiles)
    points = [(p["lat"], p["lon"]) for p in data["places"]]
    center = (
        [sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)]
        if points
        else [20.0, 0.0]
    )
    m = folium.Map(
        location=center,
        zoom_start=5 if points else 2,
        tiles=None,
        world_copy_jump=True,
        maxZoom=18,
        minZoom=2,
    )
    # Per-instance lists: folium's are shared by every Map (add_js_link mutates them).
    m.default_js = [(name, url) for name, url, _, _ in PAGE_JS]
    m.default_css = [(name, url) for name, url, _, _ in PAGE_CSS]
    _ArticleMap(json_for_html(data)).add_to(m)
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
            if kind == "js":
                tag = f'<script src="{url}"></script>'
                if inline:
                    body = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
                    new = f"<script>/* {filename} from {package} */\n{body}\n</script>"
                else:
                    new = f'<script src="{files_dir.name}/{filename}"></script>'
            else:
                tag = f'<link rel="stylesheet" href="{url}"/>'
                if inline:
                    body = re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE)
                    new = f"<style>/* {filename} from {package} */\n{body}\n</style>"
                else:
                    new = f'<link rel="stylesheet" href="{files_dir.name}/{filename}"/>'
            if tag not in page:
                raise AssetError(f"cannot find the link to {url} in the page")
            page = page.replace(tag, new)
            if not inline:
                copies[filename] = text
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


