"""The offline basemap: country outlines, and names from the gazetteer that appear as one zooms.

A map page carries no tiles unless asked, so its basemap is built from the bundled data: the
outlines of :func:`geomap.gazetteer.boundaries` and, from the gazetteer itself, the names a
reader needs to find their bearings. :func:`labels` picks those names in tiers (:data:`TIERS`):
countries, capitals and the largest cities everywhere; regions and smaller towns only within a
tier's radius of the places the page shows, so that a page about Iraq carries the villages of
Anbar but not those of Peru. The page draws a tier's names from its ``min_zoom`` on, the more
important first, skipping any that would overlap one already drawn.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from geomap.gazetteer import Gazetteer
    from geomap.records import Landmark, Place

__all__ = [
    "TIERS",
    "CountryOutlines",
    "JSONText",
    "Label",
    "Outlines",
    "Tier",
    "as_geometry",
    "bundled_extents",
    "compact_geometry",
    "compact_outline",
    "country_boundaries",
    "display_name",
    "label_rows",
    "labels",
    "water_features",
]


# --------------------------------------------------------------------------- names


def _is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


def display_name(name: str) -> str:
    """``name`` as a reader should see it: NFC, and without the combining marks of a
    scholarly transliteration that no precomposed letter holds.

    GeoNames writes some names with stacked marks ("Chari̇̄koṭ": i, a dot above, a macron;
    t, a dot below); most fonts draw them badly and no newspaper prints them. A Latin word
    that keeps a combining mark after NFC loses all its marks ("Charikot"); words that NFC
    composes fully ("Qā’im", "São") and words in other scripts are only normalised.
    """
    if name.isascii():  # most names: NFC already, and no mark to drop
        return name
    name = unicodedata.normalize("NFC", name)
    if not any(unicodedata.combining(ch) for ch in name):
        return name
    return _WORD.sub(lambda m: _bare(m.group()), name)


_WORD = re.compile(r"\S+")


def _bare(word: str) -> str:
    if not any(unicodedata.combining(ch) for ch in word):
        return word
    letters = [ch for ch in word if ch.isalpha()]
    if not letters or not all(_is_latin(ch) for ch in letters):
        return word
    bare = "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare)


# --------------------------------------------------------------------------- outlines


def as_geometry(value: Any) -> dict | None:
    """The geometry of a GeoJSON Feature or geometry, or None when it is neither."""
    if not isinstance(value, Mapping):
        return None
    if value.get("type") == "Feature":
        return as_geometry(value.get("geometry"))
    if value.get("type") in _GEOMETRY_TYPES:
        return dict(value)
    return None


#: The geometries an outline may be: areas and lines.
_GEOMETRY_TYPES = ("Polygon", "MultiPolygon", "GeometryCollection", "LineString", "MultiLineString")


def _rounded(coords: Any, digits: int) -> bool:
    """Whether the first points of ``coords`` already have at most ``digits`` decimals (the
    bundled outlines have 3: rounding their 150,000 points again took most of a second)."""
    while coords and isinstance(coords[0], (list, tuple)):
        if coords[0] and not isinstance(coords[0][0], (list, tuple)):
            return all(round(c, digits) == c for point in coords[:8] for c in point)
        coords = coords[0]
    return False


def _round_coords(coords: Any, digits: int = 4) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, digits)
    if (
        coords
        and isinstance(coords[0], (list, tuple))
        and coords[0]
        and isinstance(coords[0][0], (int, float))
    ):
        # A ring or line, the bulk of any outline: its points at once.
        return [[round(c, digits) for c in point] for point in coords]
    return [_round_coords(c, digits) for c in coords]


def compact_geometry(geometry: dict) -> dict:
    """geometry with coordinates rounded to 4 decimals (about 10 m): smaller pages."""
    if "coordinates" in geometry:
        coords = geometry["coordinates"]
        if _rounded(coords, 4):
            return {"type": geometry["type"], "coordinates": coords}
        return {"type": geometry["type"], "coordinates": _round_coords(coords)}
    if geometry.get("type") == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [compact_geometry(g) for g in geometry.get("geometries", ())],
        }
    return geometry


def compact_outline(outlines: Mapping[str, Any], key: str) -> dict | JSONText | None:
    """``compact_geometry(as_geometry(outlines.get(key)))`` (None when not a geometry, or
    absent), cut from the file's text when ``outlines`` reads one lazily
    (:meth:`Outlines.compact_json`)."""
    if isinstance(outlines, Outlines):
        text = outlines.compact_json(key)
        if text is not None:
            return text
    geometry = as_geometry(outlines.get(key))
    return None if geometry is None else compact_geometry(geometry)


def country_boundaries(collection: Mapping[str, Any]) -> dict[str, dict]:
    """``{iso2: geometry}`` from a GeoJSON FeatureCollection whose features carry ``iso2``."""
    out = {}
    for feature in collection.get("features", ()):
        code = str((feature.get("properties") or {}).get("iso2") or "").upper()
        geometry = as_geometry(feature)
        if len(code) == 2 and geometry is not None:
            out[code] = geometry
    return out


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True, slots=True)
class Tier:
    """One group of basemap names: which gazetteer rows, from which zoom, and how far from
    the page's places (``radius_km`` None: anywhere in the world)."""

    name: str
    kinds: tuple[str, ...]
    min_zoom: int
    max_zoom: int
    radius_km: float | None
    cap: int
    min_population: int = 0
    #: Only rows whose ``capital`` column says this ("country": national capitals).
    capital: str = ""
    #: Only rows whose ``extent_km`` is at least this (seas, rivers, regions).
    min_extent_km: float = 0.0
    #: Many rows match (towns, villages): read the gazetteer one row of cells at a time.
    dense: bool = False


#: The tiers, most important first: a page draws names in this order and skips those that
#: would overlap a name already drawn. Zooms are Leaflet's (2: the world; 7: a province;
#: 11: a town). The radii keep a page small: at most ``cap`` names per tier, the most
#: populous first, about 300 kB of names for an article.
TIERS = (
    Tier("countries", ("country",), 2, 7, None, 250, min_population=1_000_000),
    Tier("small countries and territories", ("country",), 4, 8, None, 100),
    Tier("oceans, seas and large regions", ("water", "region"), 2, 8, None, 200, min_extent_km=800),
    # (Smaller capitals come with the towns around them: asking the whole world for every
    # town to keep the capitals among them would cost ten times as much.)
    Tier("capitals", ("city",), 4, 18, None, 300, min_population=300_000, capital="country"),
    Tier("cities over a million", ("city",), 5, 18, None, 600, min_population=1_000_000),
    Tier("first-level regions", ("admin1",), 5, 9, 1500, 400),
    Tier(
        "seas, lakes, rivers and regions",
        ("water", "river", "region"),
        5,
        11,
        1500,
        300,
        min_extent_km=100,
    ),
    Tier("cities over 100,000", ("city",), 7, 18, 800, 800, min_population=100_000),
    Tier("districts", ("admin2", "district"), 8, 11, 300, 400),
    Tier("towns over 10,000", ("city",), 9, 18, 200, 1200, min_population=10_000, dense=True),
    Tier("lakes, rivers and airports", ("water", "river", "airport"), 9, 18, 200, 300, dense=True),
    Tier("villages", ("city", "border_crossing"), 11, 18, 40, 1500, min_population=500, dense=True),
)
#: Ids of regions that group countries for statistics (UN M49: "Western Asia"): no one finds
#: their way by them, so the basemap leaves them out.
STATISTICAL_REGIONS = ("m49:",)
#: Cells of a tier with a radius whose surroundings are named: those holding most of the
#: page's places (an article has a handful; a corpus of the world, hundreds). Towns and
#: villages are named around fewer, the reading of each costing more.
MAX_CELLS = 60
MAX_DENSE_CELLS = 16


class Label(NamedTuple):
    """A name on the basemap: drawn from ``min_zoom`` to ``max_zoom`` in ``style``
    ("country", "capital", "city", "admin1", "district", "water", "region", "river",
    "airport"); ``id`` and ``extent_km`` are its gazetteer row's.

    A tuple, as :class:`~geomap.records.Landmark` is: a page names some 3,300 places, and
    a frozen dataclass, setting each field through ``object.__setattr__``, took 5 ms of it.
    """

    name: str
    lat: float
    lon: float
    style: str
    min_zoom: int
    max_zoom: int
    id: str = ""
    extent_km: float = 0.0


def _style(place: Place | Landmark) -> str:
    if place.kind == "city":
        return "capital" if place.capital == "country" else "city"
    if place.kind == "admin2":
        return "district"
    if place.kind == "border_crossing":
        return "city"
    return place.kind


#: Cell sizes in degrees that divide the circle, for :class:`_Near`.
_CELL_SIZES = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 9.0, 10.0, 12.0, 15.0, 18.0, 20.0)


class _Near:
    """Which places lie within about ``radius_km`` of the page's points, on a grid of cells
    about that size: the ``cells`` cells holding most points, and their neighbours."""

    def __init__(
        self, points: Sequence[tuple[float, float]], radius_km: float, cells: int = MAX_CELLS
    ):
        self.radius_km = radius_km
        self.size = max([s for s in _CELL_SIZES if s <= radius_km / 111] or [_CELL_SIZES[0]])
        self.columns = round(360 / self.size)
        counts = Counter(self._cell(lat, lon) for lat, lon in points)
        self.cells = {cell for cell, _ in counts.most_common(cells)}
        self.reach = math.ceil(radius_km / (self.size * 111))
        # The cells near an occupied one: as many rows either side, and as many columns as
        # that row's latitude needs for the same distance.
        self.covered: set[tuple[int, int]] = set()
        for i, j in self.cells:
            for row in range(i - self.reach, i + self.reach + 1):
                lat = min(89.0, abs((row + 0.5) * self.size - 90))
                across = min(
                    self.columns // 2, math.ceil(self.reach / max(0.1, math.cos(math.radians(lat))))
                )
                for b in range(-across, across + 1):
                    self.covered.add((row, (j + b) % self.columns))

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return (
            math.floor((lat + 90) / self.size),
            math.floor((lon + 180) / self.size) % self.columns,
        )

    def holds(self, lat: float, lon: float) -> bool:
        return self._cell(lat, lon) in self.covered

    def latitudes(self) -> tuple[float, float]:
        """(south, north) of the cells :meth:`holds`, a hair wider."""
        rows = [row for row, _ in self.covered]
        return min(rows) * self.size - 90 - 1e-6, (max(rows) + 1) * self.size - 90 + 1e-6

    def longitudes(self) -> tuple[float, float] | None:
        """(west, east) of the cells :meth:`holds`, a hair wider: the shortest arc holding
        their columns (west > east when it crosses the antimeridian; None: all the way
        round)."""
        columns = sorted({j for _, j in self.covered})
        if len(columns) == self.columns:
            return None
        # The arc starts after the widest gap between columns, going round the circle.
        gaps = [(b - a, k) for k, (a, b) in enumerate(zip(columns, columns[1:]))]
        gaps.append((columns[0] + self.columns - columns[-1], len(columns) - 1))
        _, k = max(gaps)
        first, last = columns[(k + 1) % len(columns)], columns[k]
        west = first * self.size - 180 - 1e-6
        east = (last + 1) * self.size - 180 + 1e-6
        if first == 0:
            # Longitude 180 lies in column 0, with -180.
            west = 180 - 1e-6
        return west, east

    def within(self, places: Iterable[Place | Landmark]) -> list[Place | Landmark]:
        """Those of ``places`` that :meth:`holds` (thousands at a time, the cell
        computed inline)."""
        size, columns, covered, floor = self.size, self.columns, self.covered, math.floor
        return [
            p
            for p in places
            if (floor((p.lat + 90) / size), floor((p.lon + 180) / size) % columns) in covered
        ]

    def boxes(self, *, by_row: bool) -> list[tuple[float, float, float, float]]:
        """(south, west, north, east) boxes covering the cells and their reach: one for all,
        or one per row of cells (a dense tier: fewer rows to read per query)."""
        groups: dict[int, list[tuple[int, int]]] = {}
        for cell in self.cells:
            groups.setdefault(cell[0] if by_row else 0, []).append(cell)
        pad = self.radius_km / 111 + self.size
        out = []
        for cells in groups.values():
            rows, columns = [i for i, _ in cells], [j for _, j in cells]
            south = max(-90.0, min(rows) * self.size - 90 - pad)
            north = min(90.0, (max(rows) + 1) * self.size - 90 + pad)
            slack = pad / max(0.05, math.cos(math.radians(max(abs(south), abs(north)))))
            west = min(columns) * self.size - 180 - slack
            east = (max(columns) + 1) * self.size - 180 + slack
            if east - west >= 360:
                west, east = -180.0, 180.0
            else:
                west, east = (west + 180) % 360 - 180, (east + 180) % 360 - 180
            out.append((south, west, north, east))
        return out


Box = tuple[float, float, float, float]


def _inside(place: Place | Landmark, box: Box) -> bool:
    south, west, north, east = box
    if not south <= place.lat <= north:
        return False
    return west <= place.lon <= east if west <= east else place.lon >= west or place.lon <= east


def _merged(boxes: Sequence[Box]) -> list[Box]:
    """``boxes``, those that overlap enough joined: two boxes are read as one that holds
    both when it is no larger than they are together (the rows of a band of latitude are
    read once, not once per box: three boxes of towns around Anbar took 26 ms, one 8).
    Boxes crossing the antimeridian stay apart."""
    out = list(boxes)
    joined = True
    while joined:
        joined = False
        for a, b in itertools.combinations(range(len(out)), 2):
            (s1, w1, n1, e1), (s2, w2, n2, e2) = out[a], out[b]
            if w1 > e1 or w2 > e2:
                continue
            union = (min(s1, s2), min(w1, w2), max(n1, n2), max(e1, e2))
            if _area(union) <= _area(out[a]) + _area(out[b]):
                out[a] = union
                del out[b]
                joined = True
                break
    return out


def _area(box: Box) -> float:
    south, west, north, east = box
    return (north - south) * (east - west)


def _landmark_tier(tier: Tier) -> bool:
    """Whether the gazetteer's landmarks (:meth:`~geomap.gazetteer.Gazetteer.landmarks`:
    every area, and the cities of at least
    :data:`~geomap.gazetteer.LANDMARK_CITY_POPULATION`) hold every row of ``tier``."""
    from geomap.gazetteer import LANDMARK_CITY_POPULATION, LANDMARK_KINDS

    if tier.dense:
        return False
    if "city" in tier.kinds:
        return tier.kinds == ("city",) and tier.min_population >= LANDMARK_CITY_POPULATION
    return all(kind in LANDMARK_KINDS for kind in tier.kinds)


def _candidates(
    gazetteer: Gazetteer, tier: Tier, points: Sequence[tuple[float, float]]
) -> Iterable[Place | Landmark]:
    """The rows ``tier`` may name: of its kinds, population, extent and capital, near the
    page's ``points`` (:class:`_Near`) when the tier has a radius."""
    near = (
        None
        if tier.radius_km is None
        else _Near(points, tier.radius_km, MAX_DENSE_CELLS if tier.dense else MAX_CELLS)
    )
    kinds, least = tier.kinds, tier.min_population
    if _landmark_tier(tier):
        rows = gazetteer.landmarks(
            kinds=kinds,
            min_population=least,
            min_extent_km=tier.min_extent_km,
            capital=tier.capital,
            latitudes=None if near is None else near.latitudes(),
            longitudes=None if near is None else near.longitudes(),
        )
        yield from rows if near is None else near.within(rows)
        return
    if near is None:
        yield from gazetteer.landmarks_in_box(
            -90.0, -180.0, 90.0, 180.0, kinds=kinds, min_population=least
        )
        return
    boxes = near.boxes(by_row=tier.dense)
    for box in _merged(boxes):
        held = near.within(gazetteer.landmarks_in_box(*box, kinds=kinds, min_population=least))
        # A joined box holds rows that none of the boxes held: they stay out.
        yield from held if box in boxes else (p for p in held if any(_inside(p, b) for b in boxes))


def labels(
    gazetteer: Gazetteer,
    points: Sequence[tuple[float, float]],
    *,
    exclude: Iterable[str] = (),
    tiers: Sequence[Tier] = TIERS,
) -> list[Label]:
    """The basemap's names for a page showing ``points`` (lat, lon), most important first.

    Places whose id is in ``exclude`` (those with a marker of their own) are left out, except
    countries, which a reader looks for by name (the page sets a country's name below its
    point, where a marker may stand); a place is named once, by the first tier that holds it.
    """
    marked = set(exclude)
    named: set[str] = set()
    out: list[Label] = []
    for tier in tiers:
        if tier.radius_km is not None and not points:
            continue
        picked: dict[str, Place | Landmark] = {}
        for place in _candidates(gazetteer, tier, points):
            if place.id in named or (place.id in marked and place.kind != "country"):
                continue
            if place.id.startswith(STATISTICAL_REGIONS):
                continue
            if tier.capital and place.capital != tier.capital:
                continue
            if place.extent_km >= tier.min_extent_km:
                picked[place.id] = place
        ranked = sorted(picked.values(), key=lambda p: (-p.population, -p.extent_km, p.id))
        for place in ranked[: tier.cap]:
            named.add(place.id)
            out.append(
                Label(
                    display_name(place.name),
                    round(place.lat, 4),
                    round(place.lon, 4),
                    _style(place),
                    tier.min_zoom,
                    tier.max_zoom,
                    place.id,
                    place.extent_km,
                )
            )
    return out


def label_rows(labels_: Sequence[Label]) -> list[dict[str, Any]]:
    """Labels as the pages read them."""
    return [
        {
            "name": lb.name,
            "lat": lb.lat,
            "lon": lb.lon,
            "style": lb.style,
            "minZoom": lb.min_zoom,
            "maxZoom": lb.max_zoom,
        }
        for lb in labels_
    ]


#: Water wider than this is a sea or an ocean: the page's background already shows it.
LAKE_MAX_KM = 400.0


def water_features(labels_: Sequence[Label], extents: Mapping[str, Any]) -> list[dict]:
    """The outlines of the lakes and the lines of the rivers the basemap names (seas and
    oceans are the page's background), each compacted (:func:`compact_outline`: cut from
    the text of a lazily read bundled file, not decoded)."""
    out = []
    for lb in labels_:
        if lb.style == "river" or (lb.style == "water" and lb.extent_km <= LAKE_MAX_KM):
            geometry = compact_outline(extents, lb.id)
            if geometry is not None:
                out.append({"kind": lb.style, "geometry": geometry})
    return out


@functools.cache
def bundled_extents() -> Mapping[str, dict]:
    """Outlines of the bundled regions, seas, lakes, rivers and districts, by place id
    (``gazetteer/extents.geojson.gz``; empty when the file is absent)."""
    from geomap.gazetteer import bundled_dir

    path = bundled_dir() / "extents.geojson.gz"
    if not path.is_file():
        return {}
    return Outlines(gzip.decompress(path.read_bytes()).decode("utf-8"))


#: A feature's id member in :class:`Outlines`' text, its JSON string captured.
_ID_MEMBER = re.compile(r',"id":("(?:[^"\\]|\\.)*"),')
#: A country's code in :class:`CountryOutlines`' text, its JSON string captured.
_ISO2_MEMBER = re.compile(r',"properties":\{"iso2":("(?:[^"\\]|\\.)*")')
_GEOMETRY = '{"geometry":'
#: A geometry as ``gazetteer/build.py`` writes it (sorted keys): its coordinates, its type.
_COORDINATES, _TYPE = '{"coordinates":', ',"type":'
_TYPE_NAMES = tuple(f'"{name}"' for name in _GEOMETRY_TYPES)


@dataclass(frozen=True, slots=True)
class JSONText:
    """A value already written as JSON, which :func:`geomap.render.json_for_html` puts in
    the page as it is: a bundled outline cut from its file (re-encoding the 150,000 points
    of the world's countries took 40 ms, and decoding them 50 ms more)."""

    text: str


class Outlines(Mapping[str, dict]):
    """The geometries of a GeoJSON FeatureCollection by feature id, each decoded when first
    asked for: a page needs the outlines of a few dozen of the file's thousands, and
    decoding them all took 80 ms.

    ``gazetteer/build.py`` writes the features with sorted keys, so a feature reads
    ``{"geometry":...,"id":"...","properties":...}`` and no geometry holds ``"id"``; a file
    laid out otherwise is decoded whole. Where each id stands is found in one pass over the
    text when first needed (7 ms; searching the text once per id took 37 ms for a page's
    200 lakes and rivers).
    """

    #: The member naming a feature, right after its geometry in the build's layout.
    _member = _ID_MEMBER

    def __init__(self, text: str):
        self._text = text
        self._found: dict[str, dict | None] = {}
        self._all: dict[str, dict] | None = None
        self._ids: dict[str, int] | None = None
        if not text.startswith('{"features":[' + _GEOMETRY):
            self._decode_all()

    @staticmethod
    def _key(feature: Mapping[str, Any]) -> Any:
        return feature.get("id")

    def _decode_all(self) -> dict[str, dict]:
        if self._all is None:
            collection = json.loads(self._text)
            self._all = {}
            for feature in collection.get("features", ()):
                key = self._key(feature)
                if key:
                    self._all[key] = feature["geometry"]
        return self._all

    def _index(self) -> dict[str, int]:
        """Each key's JSON string -> where its member stands (a key given twice: its last
        feature, in its first place, as decoding the whole file gives it)."""
        if self._ids is None:
            self._ids = {}
            for match in self._member.finditer(self._text):
                self._ids[match[1]] = match.start()
        return self._ids

    def _geometry_text(self, key: str) -> str | None:
        at = self._index().get(json.dumps(key, ensure_ascii=False), -1)
        if at < 0:
            return None
        return self._text[self._text.rfind(_GEOMETRY, 0, at) + len(_GEOMETRY) : at]

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if self._all is not None:
            return self._all.get(key, default)
        if key not in self._found:
            text = self._geometry_text(key)
            self._found[key] = None if text is None else json.loads(text)
        found = self._found[key]
        return default if found is None else found

    def compact_json(self, key: str) -> JSONText | None:
        """``key``'s geometry as ``json.dumps(compact_geometry(self[key]), separators=(",",
        ":"))`` writes it, cut from the text without decoding it (None when the text is not
        laid out as the build writes it, holds no such key, or no geometry
        :func:`as_geometry` takes).

        The build writes a geometry's coordinates rounded as :func:`compact_geometry` leaves
        them and with :func:`json.dumps` (``tests/test_render.py`` checks every bundled
        outline), so only its members' order differs: ``{"type":...,"coordinates":...}``.
        """
        if self._all is not None:
            return None
        text = self._geometry_text(key)
        if text is None or not text.startswith(_COORDINATES):
            return None
        cut = text.rfind(_TYPE)
        kind = text[cut + len(_TYPE) : -1]
        if cut < 0 or not text.endswith("}") or kind not in _TYPE_NAMES:
            return None
        coordinates = text[len(_COORDINATES) : cut]
        return JSONText(f'{{"type":{kind},"coordinates":{coordinates}}}')

    def __getitem__(self, key: str) -> dict:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        if self._all is not None:
            return iter(self._all)
        return (json.loads(key) for key in self._index())

    def __len__(self) -> int:
        return len(self._all if self._all is not None else self._index())


class CountryOutlines(Outlines):
    """Country outlines by ISO 3166-1 alpha-2 code (the ``iso2`` property), read as
    :class:`Outlines` reads extents: ``gazetteer/build.py`` writes a feature as
    ``{"geometry":...,"properties":{"iso2":"IQ",...},...}``."""

    _member = _ISO2_MEMBER

    @staticmethod
    def _key(feature: Mapping[str, Any]) -> Any:
        return (feature.get("properties") or {}).get("iso2")
