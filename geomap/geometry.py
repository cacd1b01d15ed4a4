"""Distances, bearings and areas on the Earth: the one home of geomap's geometry.

Everything the checker judges and the map draws is computed here, on the WGS84 ellipsoid
(geographiclib, the library geopy's ``geodesic`` runs on), so that what the map shows is
exactly what the checker accepted. The resolver's many rough comparisons use
:func:`approx_km`, a spherical formula a hundred times cheaper, with the one mean radius.

All points are (lat, lon) in degrees; bearings are degrees clockwise from north in [0, 360).

>>> m = measure((33.42056, 43.30778), (34.3975, 40.977))      # Ramadi -> Husaybah
>>> round(m.km, 1), round(m.bearing), compass(m.bearing)
(241.3, 297, 'WNW')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from geographiclib.geodesic import Geodesic

if TYPE_CHECKING:
    from geopy.distance import Distance

#: Mean Earth radius (IUGG), km: for :func:`approx_km` and rough boxes only.
EARTH_RADIUS_KM = 6371.0088
#: Half the length of a meridian on WGS84, km: the farthest any two points can be apart along
#: the surface is about this (the antipode).
HALF_MERIDIAN_KM = 20003.93
#: The 16 compass points, clockwise from north; ``COMPASS[i]`` lies at ``22.5 * i`` degrees.
COMPASS = (
    "N",
    "NNE",
    "NE",
    "ENE",
    "E",
    "ESE",
    "SE",
    "SSE",
    "S",
    "SSW",
    "SW",
    "WSW",
    "W",
    "WNW",
    "NW",
    "NNW",
)

_WGS84 = Geodesic.WGS84
_INVERSE = Geodesic.DISTANCE | Geodesic.AZIMUTH
_DIRECT = Geodesic.LATITUDE | Geodesic.LONGITUDE | Geodesic.LONG_UNROLL

Point = tuple[float, float]

# The geodesic on WGS84 is 0.9944-1.0045 times the mean-radius sphere's distance (200,000
# random pairs, near-antipodal ones included); these bounds leave room on either side, so a
# spherical test that rejects with them never rejects what the geodesic would accept.
_SPHERE_LOW, _SPHERE_HIGH = 0.99, 1.01
# The initial bearing on the sphere (:func:`_sphere_bearing`) differs from the geodesic's by at
# most 0.193 degrees (the flattening, in radians) between points 1 to 10,000 km apart
# (200,000 random pairs; farther, up to 1.6 degrees); with this margin a spherical bearing
# decides whether a point lies in a sector, short of the poles.
_BEARING_MARGIN = 1.0
_BEARING_KM = (1.0, 9000.0)
_SPHERE_DESTINATION = 0.01
# math.radians(x) and math.degrees(x) are x times these very floats (CPython's mathmodule.c);
# a product is a C operation in the compiled build, the functions a Python call each.
_RADIANS = math.pi / 180.0
_DEGREES = 180.0 / math.pi


class Located(Protocol):
    """Anything with ``lat`` and ``lon`` (a ``Place``, an estimated location)."""

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


_P = TypeVar("_P", bound="Located | Sequence[float]")


def _point(p: Located | Sequence[float]) -> Point:
    if isinstance(p, Sequence):
        return float(p[0]), float(p[1])
    return p.lat, p.lon


@dataclass(frozen=True, slots=True)
class Measure:
    """The geodesic from one point to another: its length and initial bearing."""

    km: float
    bearing: float

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # Compiled, a frozen dataclass cannot be unpickled its own way (records._rebuilt).
        return Measure, (self.km, self.bearing)

    @property
    def distance(self) -> Distance:
        """The length as geopy's ``Distance`` (``.km``, ``.miles``, ``.nm``)."""
        from geopy.distance import Distance

        return Distance(kilometers=self.km)


def measure(a: Located | Sequence[float], b: Located | Sequence[float]) -> Measure:
    """The geodesic from ``a`` to ``b`` on WGS84, solved once: km and bearing at ``a``."""
    (lat1, lon1), (lat2, lon2) = _point(a), _point(b)
    g = _WGS84.Inverse(lat1, lon1, lat2, lon2, _INVERSE)
    return Measure(g["s12"] / 1000, g["azi1"] % 360)


def destination(origin: Located | Sequence[float], bearing: float, km: float) -> Point:
    """The point ``km`` from ``origin`` along the geodesic leaving it at ``bearing``."""
    lat, lon = _point(origin)
    g = _WGS84.Direct(lat, lon, bearing, km * 1000, _DIRECT)
    return g["lat2"], _wrap(g["lon2"])


class Ray:
    """The geodesic leaving ``origin`` at ``bearing``, set up once: :meth:`at` gives the
    point any distance along it, the same point :func:`destination` gives (geographiclib
    solves ``Direct`` on such a line)."""

    def __init__(self, origin: Located | Sequence[float], bearing: float):
        lat, lon = _point(origin)
        self._line = _WGS84.Line(lat, lon, bearing, _DIRECT | Geodesic.DISTANCE_IN)

    def at(self, km: float) -> Point:
        """The point ``km`` along the geodesic."""
        g = self._line.Position(km * 1000, _DIRECT)
        return g["lat2"], _wrap(g["lon2"])


def destinations(
    origin: Located | Sequence[float], bearing: float, kms: Sequence[float]
) -> list[Point]:
    """The points at each of ``kms`` from ``origin`` along one bearing: the same points as
    :func:`destination` gives one by one, the geodesic set up once (a :class:`Ray`)."""
    ray = Ray(origin, bearing)
    return [ray.at(km) for km in kms]


def sphere_destination(origin: Point, bearing: float, km: float) -> Point:
    """Where :func:`destination` lands, roughly: the point ``km`` along the great circle
    leaving ``origin`` at ``bearing`` on the sphere of :func:`approx_km` (longitude not
    wrapped), some hundred times cheaper. It lies within :func:`sphere_destination_error`
    of the geodesic's point."""
    return sphere_grid(origin, [km], [bearing])[0]


def sphere_grid(origin: Point, kms: Sequence[float], bearings: Sequence[float]) -> list[Point]:
    """:func:`sphere_destination` at each of ``kms`` (outer loop) and ``bearings`` (inner),
    each distance's and bearing's sines taken once."""
    lat, lon = origin
    p1 = lat * _RADIANS
    sin_p1, cos_p1 = math.sin(p1), math.cos(p1)
    turns = [(math.sin(b * _RADIANS), math.cos(b * _RADIANS)) for b in bearings]
    out = []
    for km in kms:
        d = km / EARTH_RADIUS_KM
        sin_d, cos_d = math.sin(d), math.cos(d)
        for sin_t, cos_t in turns:
            sin_p2 = sin_p1 * cos_d + cos_p1 * sin_d * cos_t
            sin_p2 = -1.0 if sin_p2 < -1.0 else 1.0 if sin_p2 > 1.0 else sin_p2
            dl = math.atan2(sin_t * sin_d * cos_p1, cos_d - sin_p1 * sin_p2)
            out.append((math.asin(sin_p2) * _DEGREES, lon + dl * _DEGREES))
    return out


def sphere_destination_error(km: float) -> float:
    """How far (:func:`approx_km`) :func:`sphere_destination` may lie from
    :func:`destination`'s point ``km`` away. The two differ by at most 0.56 % of ``km`` (a
    meridian's curvature against the mean radius; 200,000 random rays up to 19,990 km, near
    the poles too): the bound is 1 %, plus a metre for round-off."""
    return _SPHERE_DESTINATION * km + 1e-3


def farthest_km(
    origin: Located | Sequence[float],
    points: Sequence[_P],
    *,
    where: Callable[[int], bool] | None = None,
) -> float:
    """The largest geodesic distance from ``origin`` to any of ``points`` (as
    ``max(measure(origin, p).km ...)``), or to those ``where`` accepts (asked with the
    point's index; at least one must be): the points are taken in order of their spherical
    distance, and solved (``where`` asked) until the farthest found is surely farther than
    any left."""
    lat, lon = _point(origin)
    reach = []
    for p in points:
        p_lat, p_lon = _point(p)
        reach.append(approx_km(lat, lon, p_lat, p_lon))
    return farthest_of((lat, lon), reach, lambda i: _point(points[i]), where=where)


def farthest_of(
    origin: Point,
    reach: Sequence[float],
    place: Callable[[int], Point],
    *,
    where: Callable[[int], bool] | None = None,
) -> float:
    """:func:`farthest_km` of points placed only when needed: point ``i`` is ``place(i)``,
    which lies at most ``reach[i]`` from ``origin`` on the sphere (:func:`approx_km`). The
    points are taken in order of their reach and placed until the farthest found is surely
    farther than any left; the answer is the largest distance whatever the reaches, these
    only spare work."""
    order = sorted(range(len(reach)), key=lambda i: -reach[i])
    best = -math.inf
    for i in order:
        if reach[i] * _SPHERE_HIGH + 1e-6 < best:
            break
        lat, lon = point = place(i)
        if approx_km(origin[0], origin[1], lat, lon) * _SPHERE_HIGH + 1e-6 < best:
            continue
        if where is None or where(i):
            best = max(best, measure(origin, point).km)
    return best


def outside_km(
    a: Located | Sequence[float], b: Located | Sequence[float], low: float, high: float
) -> bool:
    """Whether the geodesic from ``a`` to ``b`` is surely shorter than ``low`` or longer than
    ``high`` km, by the spherical formula and its error bound: a cheap test that lets
    :func:`measure` be skipped (False says nothing)."""
    (lat1, lon1), (lat2, lon2) = _point(a), _point(b)
    return _outside(approx_km(lat1, lon1, lat2, lon2), low, high)


def _outside(rough: float, low: float, high: float) -> bool:
    return rough * _SPHERE_LOW - 1e-6 > high or rough * _SPHERE_HIGH + 1e-6 < low


def _inside(rough: float, low: float, high: float) -> bool:
    """Whether a geodesic whose spherical length is ``rough`` surely lies in [low, high]."""
    return rough * _SPHERE_LOW - 1e-6 >= low and rough * _SPHERE_HIGH + 1e-6 <= high


def _sphere_bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The initial bearing of the great circle from one point to another, degrees."""
    p1, p2 = lat1 * _RADIANS, lat2 * _RADIANS
    dl = (lon2 - lon1) * _RADIANS
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.atan2(y, x) * _DEGREES


def approx_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the mean radius (haversine): within 0.5 % of the
    geodesic, for ranking and thresholds, never for a verdict."""
    # math.pow is the float ** of Python (the same C pow), which the compiled build calls
    # directly; x * x differs from it in the last bit for one square in a thousand.
    p1, p2 = lat1 * _RADIANS, lat2 * _RADIANS
    dp, dl = p2 - p1, (lon2 - lon1) * _RADIANS
    h = math.pow(math.sin(dp / 2), 2.0) + math.cos(p1) * math.cos(p2) * math.pow(
        math.sin(dl / 2), 2.0
    )
    root = math.sqrt(h)
    return 2 * EARTH_RADIUS_KM * math.asin(root if root < 1.0 else 1.0)


def angle_between(a: float, b: float) -> float:
    """The smaller angle between two bearings, in [0, 180]."""
    return abs((a - b + 180) % 360 - 180)


def compass(bearing: float) -> str:
    """The 16-point compass abbreviation nearest a bearing (297 -> "WNW")."""
    return COMPASS[round((bearing % 360) / 22.5) % 16]


def compass_degrees(code: str) -> float:
    """The bearing of a 16-point compass abbreviation ("WNW" -> 292.5)."""
    return COMPASS.index(code) * 22.5


def box(center: Located | Sequence[float], km: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a box holding every point within ``km`` of ``center``;
    west > east when it crosses the antimeridian, the whole circle of longitudes near a pole."""
    lat, lon = _point(center)
    dlat = math.degrees(km / EARTH_RADIUS_KM) * 1.01
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_lat = min(math.cos(math.radians(south)), math.cos(math.radians(north)))
    if south <= -90 or north >= 90 or cos_lat < 1e-6:
        return south, -180.0, north, 180.0
    dlon = dlat / cos_lat
    if dlon >= 180:
        return south, -180.0, north, 180.0
    return south, _wrap(lon - dlon), north, _wrap(lon + dlon)


def _wrap(lon: float) -> float:
    return (lon + 180) % 360 - 180


# --------------------------------------------------------------------------- shapes


def line(
    a: Located | Sequence[float],
    b: Located | Sequence[float],
    *,
    step_km: float = 10.0,
    max_points: int = 129,
) -> list[Point]:
    """Points along the geodesic from ``a`` to ``b``, about one every ``step_km``, with
    longitudes unrolled so that a map draws the short way across the antimeridian."""
    (lat1, lon1), (lat2, lon2) = _point(a), _point(b)
    geodesic_line = _WGS84.InverseLine(lat1, lon1, lat2, lon2, _DIRECT | Geodesic.DISTANCE_IN)
    length = geodesic_line.s13
    n = max(2, min(max_points, int(length / 1000 / step_km) + 2))
    out = []
    for i in range(n):
        g = geodesic_line.Position(length * i / (n - 1), _DIRECT)
        out.append((g["lat2"], g["lon2"]))
    return out


def arc(
    center: Located | Sequence[float], km: float, start: float, end: float, *, steps: int = 48
) -> list[Point]:
    """Points ``km`` from ``center`` at bearings from ``start`` to ``end`` (clockwise when
    end > start), ``steps + 1`` of them, longitudes unrolled around the centre's."""
    lat, lon = _point(center)
    out = []
    for i in range(steps + 1):
        g = _WGS84.Direct(lat, lon, start + (end - start) * i / steps, km * 1000, _DIRECT)
        out.append((g["lat2"], g["lon2"]))
    return out


def circle(center: Located | Sequence[float], km: float, *, steps: int = 96) -> list[Point]:
    """A closed ring of points ``km`` from ``center``. An ellipsoid of revolution is
    symmetric about every meridian, so the western half mirrors the eastern one: half the
    geodesics are solved (an even ``steps``)."""
    if steps % 2:
        return arc(center, km, 0.0, 360.0, steps=steps)
    lat, lon = _point(center)
    east = arc((lat, lon), km, 0.0, 180.0, steps=steps // 2)
    west = [(p_lat, 2 * lon - p_lon) for p_lat, p_lon in reversed(east[:-1])]
    return east + west


@dataclass(frozen=True, slots=True)
class Area:
    """Where a statement puts a thing: distances ``low_km``..``high_km`` from ``center``
    (``high_km`` may be ``math.inf``: open above), within ``half_width`` degrees of
    ``bearing`` (None: any bearing). A point lies inside when :meth:`contains` says so;
    :meth:`rings` draws exactly that region."""

    center: Point
    low_km: float
    high_km: float
    bearing: float | None = None
    half_width: float = 180.0

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # Compiled, a frozen dataclass cannot be unpickled its own way (records._rebuilt).
        return Area, (self.center, self.low_km, self.high_km, self.bearing, self.half_width)

    def contains(self, point: Located | Sequence[float]) -> bool:
        lat, lon = _point(point)
        (c_lat, c_lon), low, high = self.center, self.low_km, self.high_km
        rough = approx_km(c_lat, c_lon, lat, lon)
        # The geodesic is solved only when the sphere leaves the answer open.
        if _outside(rough, low, high):
            return False
        if self.bearing is None or self.half_width >= 180:
            if _inside(rough, low, high):
                return True
        elif _BEARING_KM[0] <= rough <= _BEARING_KM[1] and abs(c_lat) <= 89 and abs(lat) <= 89:
            off = angle_between(_sphere_bearing(c_lat, c_lon, lat, lon), self.bearing)
            if off > self.half_width + _BEARING_MARGIN:
                return False
            if off < self.half_width - _BEARING_MARGIN and _inside(rough, low, high):
                return True
        return self.holds(measure(self.center, (lat, lon)))

    def excludes_around(self, point: Point, km: float) -> bool:
        """Whether :meth:`contains` is False for every point within ``km`` of ``point`` (on
        the sphere of :func:`approx_km`): the first test of :meth:`contains`, the spherical
        distance surely outside the window, answers so for each of them."""
        rough = approx_km(self.center[0], self.center[1], point[0], point[1])
        return (rough - km) * _SPHERE_LOW - 1e-6 > self.high_km or (
            rough + km
        ) * _SPHERE_HIGH + 1e-6 < self.low_km

    def holds(self, m: Measure) -> bool:
        """Whether a geodesic measured from the centre ends inside the area."""
        if not self.low_km <= m.km <= self.high_km:
            return False
        return self.bearing is None or angle_between(m.bearing, self.bearing) <= self.half_width

    def drawn_high_km(self) -> float:
        """The outer radius a map draws: an open window is drawn to twice its lower end
        (at least 50 km), and never past the antipode."""
        high = self.high_km if math.isfinite(self.high_km) else max(2 * self.low_km, 50.0)
        return min(high, HALF_MERIDIAN_KM * 0.999)

    def rings(self, *, steps: int = 96) -> list[list[Point]]:
        """Polygon rings (outer first) covering the area: an annular sector when a bearing
        is set and narrower than the circle, else a disc or an annulus."""
        high = self.drawn_high_km()
        low = min(self.low_km, high)
        if self.bearing is not None and self.half_width < 180:
            start, end = self.bearing - self.half_width, self.bearing + self.half_width
            n = max(8, int(steps * self.half_width / 180))
            outer = arc(self.center, high, start, end, steps=n)
            inner = arc(self.center, low, end, start, steps=n) if low > 0 else [self.center]
            return [outer + inner]
        outer = circle(self.center, high, steps=steps)
        if low <= 0:
            return [outer]
        return [outer, circle(self.center, low, steps=steps)[::-1]]

    def representative(self) -> Point:
        """The point a single estimate stands at: the middle of the window along the bearing
        (the centre itself when no bearing is known)."""
        if self.bearing is None:
            return self.center
        high = self.drawn_high_km()
        return destination(self.center, self.bearing, (min(self.low_km, high) + high) / 2)


__all__ = [
    "COMPASS",
    "EARTH_RADIUS_KM",
    "HALF_MERIDIAN_KM",
    "Area",
    "Measure",
    "Ray",
    "angle_between",
    "approx_km",
    "arc",
    "box",
    "circle",
    "compass",
    "compass_degrees",
    "destination",
    "destinations",
    "farthest_km",
    "farthest_of",
    "line",
    "outside_km",
    "measure",
    "sphere_destination",
    "sphere_destination_error",
    "sphere_grid",
]
