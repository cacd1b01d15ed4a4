"""Location statements judged: verdicts between known places, locations for the rest.

:mod:`geomap.statements` finds every statement of an article and attaches its ends; this
stage places the ends (a place mention's resolved place, a coreference's antecedent, the
capital a description names, written coordinates) and then, for each statement:

- both ends placed: **judged** against the geodesic (``ClaimCheck.distance`` and
  ``bearing``: "consistent", "road", "inconsistent");
- the reference placed but not the subject (a name the gazetteer lacks, the epicentre, a
  ferry): **located**: the statement puts the subject in an area around the reference,
  and the statements about one subject combine into a :class:`~geomap.records.Location`
  (their intersection, or a contradiction when they allow no common place);
- otherwise **unattached**, with the reason.

Public functions, all pure:

- :func:`judge` ``(claim, subject, reference) -> ClaimCheck``: verdicts for one claim.
- :func:`check_document` ``(doc, gazetteer=None, *, claims=None) -> Document``: a copy of
  ``doc`` with ``checks`` (one per statement) and ``locations`` filled.
- :func:`fits`, :func:`explain`, :func:`target_point`: the places that would fit an
  inconsistent claim, and where the subject would have to be.
- :func:`suggested_place` ``(doc, location) -> Place``: a location as a gazetteer row to
  review (the rows of checks and locations are :mod:`geomap.schema`'s).
- :func:`support_hook`: the resolver's ``claim_support`` callable: statements steer the
  choice between namesakes.

How a claim is judged
---------------------
Distances are geodesics on WGS84 (:mod:`geomap.geometry`); the bearing is the initial azimuth
from the reference to the subject. A stated value ``v`` (or range ``lo``..``hi``) is accepted
within a window:

- Precision: half the step of the number's last significant digit ("410" -> 10, so +-5;
  "400" -> 100, +-50; "3.5" -> 0.1; "two" -> 1; "two and a half" -> 0.5; "a dozen" -> 6),
  at most 25 % of the value ("100" -> +-25, not +-50).
- Relative slack: 5 % of the value for a bare number, 15 % after an approximating hedge
  ("about", "some", "roughly", "around", "approximately", "an estimated").
  The number's slack is the larger of precision and relative slack.
- Hedges that bound: "more than", "over", "at least" leave the window open above;
  "less than", "under", "up to", "within", "no more than" open it below (down to 0);
  "nearly", "almost", "close to" allow 20 % below and only the precision above.
- Extent: each place is an area, not a point. Its ``extent_km`` when the gazetteer gives one,
  else by kind (km): border crossing 0.5, airport 2, city ``max(1, sqrt(population /
  (3000 * pi)))`` (a disc at 3,000 inhabitants per km2; 2 when the population is unknown),
  admin2 25, admin1 80, region 150, water 100, river 50, country 300, continent 2000, else 2.
  Both places' extents widen the window on each side.

Distance verdicts: "consistent" when the geodesic lies in the window; "road" when it lies
below the window but a road up to ``ROAD_FACTOR`` (1.5) times the straight line could reach it;
"inconsistent" otherwise; "unverifiable" when an end is not placed; None when no distance was
stated. Direction verdicts: a stated direction covers +-45 degrees when cardinal, +-33.75 when
8-point, +-22.5 when 16-point, plus the angle the two extents subtend at the computed
distance, ``atan((e_subject + e_reference) / d)``. The window and sector a check was judged
with travel with it (``ClaimCheck.tolerance_km``, ``bearing_window``, ``area``), and the map
draws exactly those.
"""

from __future__ import annotations

import functools
import math
import re
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, Protocol

from geomap import geometry
from geomap.geometry import Area, angle_between, compass, compass_degrees
from geomap.names import normalize
from geomap.records import Claim, ClaimCheck, Document, Location, Party, Place
from geomap.statements import (
    APPROX_HEDGES,
    LOWER_BOUND_HEDGES,
    NEARLY_HEDGES,
    UNIT_KM,
    UPPER_BOUND_HEDGES,
    canonical_unit,
    find_claims,
)

#: A road is assumed at most this many times longer than the straight line.
ROAD_FACTOR = 1.5
#: Relative slack of a bare number and of one after an approximating hedge.
BARE_SLACK = 0.05
APPROX_SLACK = 0.15
NEARLY_SLACK = 0.20
#: The precision slack of a round number is at most this share of its value.
PRECISION_CAP = 0.25
#: People per square kilometre used to turn a city's population into a radius.
CITY_DENSITY = 3000.0
#: :func:`explain` judges at most this many places; past it, only the more populous.
EXPLAIN_PLACES = 2000
#: A stated distance beyond this is no distance on Earth (the antipode is ~20,004 km away).
MAX_KM = geometry.HALF_MERIDIAN_KM

_EXTENT_KM = {
    "border_crossing": 0.5,
    "airport": 2.0,
    "admin2": 25.0,
    "admin1": 80.0,
    "region": 150.0,
    "water": 100.0,
    "river": 50.0,
    "country": 300.0,
    "continent": 2000.0,
    "coordinates": 0.0,
}
#: Unnamed subjects that name one event of an article ("the quake", "its epicentre").
_SAME_EVENT = {
    "epicenter": "epicentre",
    "epicentre": "epicentre",
    "quake": "epicentre",
    "earthquake": "epicentre",
    "tremor": "epicentre",
    "aftershock": "epicentre",
    "centre": "epicentre",
    "center": "epicentre",
    "hypocentre": "epicentre",
}


class GazetteerLike(Protocol):
    """What this stage needs of a gazetteer (``geomap.gazetteer.Gazetteer`` has it)."""

    def in_box(
        self,
        south: float,
        west: float,
        north: float,
        east: float,
        *,
        kinds: Iterable[str] | None = None,
        min_population: int = 0,
    ) -> Iterator[Place]: ...

    def capital(self, country: str, *, admin1: str | None = None) -> Place | None: ...


# --------------------------------------------------------------------------- judging


def direction_degrees(code: str) -> float:
    """The bearing of a 16-point compass abbreviation ("WNW" -> 292.5)."""
    return compass_degrees(code)


def extent_km(place: Place) -> float:
    """How far a place's edge may lie from its point (see the module docstring)."""
    if place.extent_km > 0:
        return place.extent_km
    if place.kind == "city":
        if place.population > 0:
            return max(1.0, math.sqrt(place.population / (CITY_DENSITY * math.pi)))
        return 2.0
    return _EXTENT_KM.get(place.kind, 2.0)


def tolerance(
    claim: Claim, subject: Place | None = None, reference: Place | None = None
) -> tuple[float, float] | None:
    """The window (km) of straight-line distances consistent with the claim, or None when it
    states no distance. The upper end is ``math.inf`` after "more than", "at least" and the like.
    """
    if claim.low_km is None or claim.high_km is None:
        return None
    extents = sum(0.5 if p is None else extent_km(p) for p in (subject, reference))
    precision = claim.precision_km
    hedge = claim.hedge or ""
    rel = APPROX_SLACK if hedge in APPROX_HEDGES else BARE_SLACK
    below = max(min(precision, PRECISION_CAP * claim.low_km), rel * claim.low_km)
    above = max(min(precision, PRECISION_CAP * claim.high_km), rel * claim.high_km)
    low, high = claim.low_km - below - extents, claim.high_km + above + extents
    if hedge in LOWER_BOUND_HEDGES:
        high = math.inf
    elif hedge in UPPER_BOUND_HEDGES:
        low = 0.0
    elif hedge in NEARLY_HEDGES:
        low = claim.low_km * (1 - NEARLY_SLACK) - extents
        high = claim.high_km + precision + extents
    return max(0.0, low), high


def bearing_tolerance(direction: str) -> float:
    """Half-width in degrees that a stated direction covers, before the places' extent."""
    return {1: 45.0, 2: 33.75, 3: 22.5}[len(direction)]


def _extent_angle(extents: float, km: float) -> float:
    return math.degrees(math.atan2(extents, km))


def range_text(low: float, high: float | None, digits: str = ".4g") -> str:
    if high is not None and high != low:
        return f"{low:{digits}}-{high:{digits}}"
    return f"{low:{digits}}"


def stated(claim: Claim) -> str:
    """The stated distance in km, and in its written unit when that is not km:
    "410 km", "10-15 km", "45 miles (72.42 km)"."""
    if claim.low_km is None:
        return ""
    km = f"{range_text(claim.low_km, claim.high_km)} km"
    try:
        factor = UNIT_KM[canonical_unit(claim.unit)]
    except ValueError:
        return km
    if factor == 1.0:
        return km
    high = None if claim.high_km is None else round(claim.high_km / factor, 3)
    return f"{range_text(round(claim.low_km / factor, 3), high, 'g')} {claim.unit} ({km})"


def _absurd(claim: Claim) -> str:
    """Why a stated distance cannot be one on Earth, or ""."""
    if claim.low_km is not None and claim.low_km < 0:
        return f"a negative distance ({stated(claim)})"
    if claim.low_km is not None and claim.low_km > MAX_KM:
        return (
            f"{stated(claim)} is farther than any two places on Earth can be "
            f"(at most {MAX_KM:,.0f} km apart)"
        )
    return ""


def judge(claim: Claim, subject: Place | None, reference: Place | None) -> ClaimCheck:
    """Verdicts for one claim given the places its ends stand for (None: not placed).

    See the module docstring for the tolerance model. ``explanation`` states the stated and
    computed values, the difference in km and %, and the bearings.
    """
    absurd = _absurd(claim)
    if subject is None or reference is None or absurd:
        missing = ", ".join(
            w for w, p in (("subject", subject), ("reference", reference)) if p is None
        )
        why = absurd or f"{missing} not placed"
        return ClaimCheck(
            claim=claim,
            status="unattached",
            distance="unverifiable" if claim.low_km is not None else None,
            bearing="unverifiable" if claim.direction else None,
            tolerance_km=None if absurd else tolerance(claim, subject, reference),
            explanation=f"unverifiable: {why}",
            subject_place=subject,
            reference_place=reference,
        )
    m = geometry.measure(reference, subject)
    km, azimuth = m.km, m.bearing
    extents = extent_km(subject) + extent_km(reference)
    window = tolerance(claim, subject, reference)
    notes = []
    distance = None
    if window is not None:
        distance, note = _distance_verdict(claim, km, window)
        notes.append(note)
    bearing = bearing_window = None
    if claim.direction:
        off = angle_between(azimuth, direction_degrees(claim.direction))
        allowed = bearing_tolerance(claim.direction) + _extent_angle(extents, km)
        bearing_window = (direction_degrees(claim.direction), allowed)
        bearing = "consistent" if off <= allowed else "inconsistent"
        notes.append(
            f"direction {bearing}: stated {claim.direction} "
            f"({direction_degrees(claim.direction):g}°), computed {azimuth:.0f}° "
            f"({compass(azimuth)}), {off:.0f}° off, accepted {allowed:.0f}°"
        )
    return ClaimCheck(
        claim=claim,
        distance=distance,
        bearing=bearing,
        computed_km=km,
        computed_bearing=azimuth,
        tolerance_km=window,
        explanation="; ".join(notes),
        bearing_window=bearing_window,
        reference_point=(reference.lat, reference.lon),
        subject_place=subject,
        reference_place=reference,
    )


def _distance_verdict(claim: Claim, km: float, window: tuple[float, float]) -> tuple[str, str]:
    """The distance verdict for a computed ``km`` against the accepted ``window``, and its
    explanation: consistent inside it; plausible by road when the straight line is short
    by no more than the road factor; else inconsistent."""
    low, high = window
    middle = (claim.low_km + claim.high_km) / 2  # type: ignore[operator]
    diff = km - middle
    pct = 100 * diff / middle if middle else math.inf
    if low <= km <= high:
        distance = "consistent"
    elif km < low and km * ROAD_FACTOR >= low:
        distance = "road"
    else:
        distance = "inconsistent"
    window_text = f"{low:.0f}-{high:.0f} km" if high != math.inf else f">= {low:.0f} km"
    note = (
        f"distance {distance}: stated {stated(claim)}, computed {km:.1f} km "
        f"({diff:+.1f} km, {pct:+.0f}%), accepted {window_text}"
    )
    if distance == "inconsistent" and km < low:
        note += f", a road would reach at most {km * ROAD_FACTOR:.0f} km"
    elif distance == "road":
        note += f"; plausible as a road up to {ROAD_FACTOR:g}x the straight line"
    return distance, note


def is_inconsistent(check: ClaimCheck) -> bool:
    """Whether the distance or the direction verdict is "inconsistent"."""
    return "inconsistent" in (check.distance, check.bearing)


# --------------------------------------------------------------------------- explaining


def target_point(claim: Claim, reference: Place) -> tuple[float, float] | None:
    """Where the claim puts the subject: (lat, lon) of the reference moved by the stated
    distance (middle of a range) along the stated direction; None without both."""
    if claim.low_km is None or claim.high_km is None or not claim.direction:
        return None
    km = min((claim.low_km + claim.high_km) / 2, MAX_KM)
    return geometry.destination(reference, direction_degrees(claim.direction), km)


def _fit_error(
    claim: Claim, reference: Place, place: Place, window: tuple[float, float] | None
) -> float | None:
    """How far inside the claim's window and sector ``place`` lies: 0 at the stated point,
    up to 1 per dimension at the window's edges; None outside."""
    if place.id == reference.id:
        return None
    if window is not None and geometry.outside_km(reference, place, *window):
        return None  # surely outside the window: the geodesic is not solved
    m = geometry.measure(reference, place)
    error = 0.0
    if window is not None:
        low, high = window
        if not low <= m.km <= high:
            return None
        middle = (claim.low_km + claim.high_km) / 2  # type: ignore[operator]
        span = (middle - low) if m.km < middle else (min(high, 2 * middle) - middle)
        error += min(1.0, abs(m.km - middle) / span) if span > 0 else 0.0
    if claim.direction:
        allowed = bearing_tolerance(claim.direction) + _extent_angle(
            extent_km(place) + extent_km(reference), m.km
        )
        off = angle_between(m.bearing, direction_degrees(claim.direction))
        if off > allowed:
            return None
        error += off / allowed
    return error


def fits(
    claim: Claim, reference: Place, places: Iterable[Place], *, subject: Place | None = None
) -> tuple[Place, ...]:
    """The places lying where the claim puts its subject, best fit first (``subject``, the
    place the text meant, excluded)."""
    scored = []
    for place in places:
        if subject is not None and place.id == subject.id:
            continue
        error = _fit_error(claim, reference, place, tolerance(claim, place, reference))
        if error is not None:
            scored.append((error, place))
    scored.sort(key=lambda pair: pair[0])
    return tuple(p for _, p in scored)


def explain(
    claim: Claim,
    reference: Place,
    gazetteer: GazetteerLike,
    *,
    subject: Place | None = None,
    limit: int = 3,
) -> tuple[Place, ...]:
    """Gazetteer places that fit the claim, notable ones first.

    Candidates come from ``gazetteer.in_box`` around the reference and must pass
    :func:`fits`; they are ranked by fit error minus a notability bonus: 0.5 for the
    subject's kind, 0.3 for a border crossing, up to 0.5 for population
    (``log10(population) / 14``). When the box holds more than :data:`EXPLAIN_PLACES` places,
    only those above the lowest population floor (1,000, 10,000, ... 10 million) that leaves
    at most that many are judged.
    """
    window = tolerance(claim, None, reference)
    radius = 200.0 if window is None else min(window[1], 2 * window[0] + 50)
    box = geometry.box(reference, radius)
    kinds = ("city", "border_crossing", "admin2", "airport")
    for floor in (0, 10**3, 10**4, 10**5, 10**6, 10**7):
        places = list(
            islice(gazetteer.in_box(*box, kinds=kinds, min_population=floor), EXPLAIN_PLACES + 1)
        )
        if len(places) <= EXPLAIN_PLACES:
            break
    scored = []
    for place in places:
        if subject is not None and place.id == subject.id:
            continue
        error = _fit_error(claim, reference, place, tolerance(claim, place, reference))
        if error is None:
            continue
        bonus = (
            0.5 * (subject is not None and place.kind == subject.kind)
            + 0.3 * (place.kind == "border_crossing")
            + min(0.5, math.log10(place.population + 1) / 14)
        )
        scored.append((error - bonus, place))
    scored.sort(key=lambda pair: pair[0])
    return tuple(p for _, p in scored[:limit])


def _describe_fits(reference: Place, places: Sequence[Place]) -> str:
    parts = []
    for place in places:
        m = geometry.measure(reference, place)
        parts.append(f"{place.name} ({m.km:.0f} km, bearing {m.bearing:.0f}° {compass(m.bearing)})")
    return ", ".join(parts)


def check_claim(
    claim: Claim,
    subject: Place | None,
    reference: Place | None,
    gazetteer: GazetteerLike | None = None,
) -> ClaimCheck:
    """:func:`judge`, then for an inconsistent claim the places that would fit and the point
    where the subject would have to be."""
    check = judge(claim, subject, reference)
    if reference is None or not is_inconsistent(check):
        return check
    notes = [check.explanation]
    point = target_point(claim, reference)
    if point is not None:
        notes.append(f"the subject would have to be near {point[0]:.4f}, {point[1]:.4f}")
    found: tuple[Place, ...] = ()
    if gazetteer is not None and subject is not None and subject.kind != "coordinates":
        found = explain(claim, reference, gazetteer, subject=subject)
        if found:
            notes.append(f"places that fit: {_describe_fits(reference, found)}")
    return replace(check, fits=found, explanation="; ".join(notes))


# --------------------------------------------------------------------------- placing ends


@functools.lru_cache(maxsize=1)
def _outlines() -> dict[str, Any]:
    """Country outlines (shapely geometries) by ISO alpha-2 code, read once."""
    from shapely.geometry import shape

    from geomap.gazetteer import boundaries

    return {code: shape(geometry) for code, geometry in boundaries().items()}


def border_point(country: str, point: tuple[float, float]) -> tuple[float, float] | None:
    """The point of ``country``'s outline nearest ``point`` (lat, lon), found in a frame
    where a degree of longitude is as long as at ``point`` (so "nearest" is nearly the
    geodesic's); None when the gazetteer has no outline for it."""
    from shapely import affinity
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    outline = _outlines().get(country)
    if outline is None:
        return None
    lat, lon = point
    factor = max(0.05, math.cos(math.radians(lat)))
    squeezed = affinity.scale(outline.boundary, xfact=factor, yfact=1.0, origin=(lon, lat))
    near = nearest_points(squeezed, Point(lon, lat))[0]
    return near.y, lon + (near.x - lon) / factor


#: Capitals found, per gazetteer (see :meth:`_Ends.capital_of`).
_CAPITALS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], Place | None]] = (
    weakref.WeakKeyDictionary()
)


class _Ends:
    """Places the ends of an article's statements: mentions, antecedents, capitals."""

    def __init__(self, doc: Document, gazetteer: GazetteerLike | None):
        self.doc = doc
        self.gazetteer = gazetteer
        counts: Counter[str] = Counter()  # a place counts 2, a demonym or modifier 1
        for mention in doc.mentions:
            if mention.place is not None and mention.place.country:
                counts[mention.place.country] += 2 if mention.kind == "place" else 1
        self.countries = counts

    def place(self, party: Party | None, *, near: Place | None = None) -> Place | None:
        """The place an end stands for, or None."""
        if party is None:
            return None
        if party.kind in ("place", "coreference") and party.mention is not None:
            return self.doc.mentions[party.mention].place
        if party.kind == "capital":
            return self.capital(party, near)
        if party.kind == "border":
            return self.border(party, near)
        return None

    def border(self, party: Party, near: Place | None) -> Place | None:
        """The point of a country's border nearest ``near`` (the subject), as a place: a
        distance from a border is measured to its nearest point. For "the U.S.-Mexico
        border", the country the subject is not in. None without a subject or an outline."""
        if near is None:
            return None
        named = self.doc.mentions[party.mention].place if party.mention is not None else None
        codes = [c for c in (named.country if named is not None else "", party.country) if c]
        if len(codes) == 2 and near.country in codes:
            codes.remove(near.country)
        if not codes:
            return None
        point = border_point(codes[0], (near.lat, near.lon))
        if point is None:
            return None
        return Place(
            f"border:{codes[0]}", party.text, point[0], point[1], "border", codes[0], extent_km=0.5
        )

    def capital(self, party: Party, near: Place | None) -> Place | None:
        """The capital a description names: of the place it names ("the capital of Sri
        Lanka"), of its country ("the Afghan capital"), else of the subject's country, else
        of the country the article names most."""
        if self.gazetteer is None or not hasattr(self.gazetteer, "capital"):
            return None
        if party.mention is not None:
            region = self.doc.mentions[party.mention].place
            if region is None:
                return None
            if region.kind == "admin1":
                return self.capital_of(region.country, region.name)
            return self.capital_of(region.country)
        country = party.country or (near.country if near is not None else "")
        if not country and self.countries:
            country = self.countries.most_common(1)[0][0]
        return self.capital_of(country) if country else None

    def capital_of(self, country: str, admin1: str | None = None) -> Place | None:
        """``gazetteer.capital``, remembered per gazetteer: an index answers it by reading
        every row, some 20 ms, and an opened gazetteer's rows do not change."""
        gazetteer: Any = self.gazetteer
        try:
            known = _CAPITALS.get(gazetteer)
            if known is None:
                known = _CAPITALS[gazetteer] = {}
        except TypeError:  # a gazetteer that cannot be weakly referenced: asked every time
            known = {}
        key = (country, admin1)
        if key not in known:
            if admin1 is None:
                known[key] = gazetteer.capital(country)
            else:
                known[key] = gazetteer.capital(country, admin1=admin1)
        return known[key]

    def reason(self, party: Party | None, role: str) -> str:
        """Why an end could not be placed."""
        if party is None:
            return f"no {role} found"
        if party.kind in ("place", "coreference") and party.mention is not None:
            mention = self.doc.mentions[party.mention]
            if party.kind == "coreference":
                return (
                    f"the {role} {party.text!r} refers to {mention.text!r}, which is not "
                    "in the gazetteer"
                )
            return f"the {role} {party.text!r} is not in the gazetteer"
        if party.kind == "capital":
            return f"the {role} {party.text!r}: no capital known for the article's country"
        if party.kind == "border":
            return (
                f"the {role} {party.text!r} is a border: a distance from it places "
                "nothing the gazetteer lacks, and checks only a known place"
            )
        if party.kind == "name":
            return f"the {role} {party.text!r} is not in the gazetteer"
        return f"the {role} {party.text!r} names no place"


def _subject_key(doc: Document, party: Party) -> str:
    """Statements about the same thing share a key: a name's or antecedent's normalised
    text, an unnamed thing's head noun (the quake and its epicentre are one event)."""
    if party.mention is not None:
        return "m:" + normalize(doc.mentions[party.mention].text)
    words = normalize(party.text).split()
    if party.kind == "unnamed":
        heads = [_SAME_EVENT[w] for w in words if w in _SAME_EVENT]
        if heads:
            return "u:" + heads[0]
        return "u:" + (words[-1] if words else party.text)
    return "n:" + " ".join(w for w in words if w not in ("the", "a", "an"))


def _written_point(doc: Document, claim: Claim) -> _Point | None:
    """The point a statement's written coordinates give its subject (None without one)."""
    if claim.point is None or claim.subject is None:
        return None
    lat, lon = claim.point
    name = f"coordinates:{lat:.5f},{lon:.5f}"
    place = Place(name, claim.subject.text, lat, lon, "coordinates")
    return _Point(claim, _subject_key(doc, claim.subject), place)


def check_document(
    doc: Document, gazetteer: GazetteerLike | None = None, *, claims: Iterable[Claim] | None = None
) -> Document:
    """A copy of ``doc`` with ``checks`` (one per statement of :func:`find_claims`, or of
    ``claims`` if already found) and ``locations`` (estimates and written coordinates of
    the subjects the gazetteer lacks)."""
    ends = _Ends(doc, gazetteer)
    found = list(find_claims(doc) if claims is None else claims)
    # Written coordinates place their subject first, so that the statements about it can
    # be judged against them: the coordinates in the statement's sentence, else the nearest
    # before it (an article may give a first epicentre, then a revised one).
    written = (_written_point(doc, claim) for claim in found)
    points = [point for point in written if point is not None]
    checks: list[ClaimCheck] = []
    judged: dict[tuple, ClaimCheck] = {}
    for claim in found:
        if claim.point is not None:
            checks.append(_coordinates_check(claim))
            continue
        subject = ends.place(claim.subject)
        if subject is None and claim.subject is not None:
            point = _point_for(claim, _subject_key(doc, claim.subject), points)
            subject = point.place if point is not None else None
        reference = ends.place(claim.reference, near=subject)
        if reference is None:
            why = claim.reason or ends.reason(claim.reference, "reference")
            check = judge(claim, subject, None)
            checks.append(replace(check, explanation=f"unattached: {why}"))
            continue
        if subject is None:
            checks.append(_located_check(claim, reference, ends))
            continue
        key = (
            claim.text,
            claim.low_km,
            claim.high_km,
            claim.direction,
            claim.hedge,
            subject,
            reference,
        )
        if key not in judged:
            # A statement repeated between the same places is judged once: explaining an
            # inconsistent one searches the gazetteer.
            judged[key] = check_claim(claim, subject, reference, gazetteer)
        checks.append(replace(judged[key], claim=claim))
    checks, locations = _locate(doc, checks, points)
    return replace(doc, checks=tuple(checks), locations=tuple(locations))


@dataclass(frozen=True, slots=True)
class _Point:
    """Coordinates written for a subject, as the place its statements are judged against."""

    claim: Claim
    key: str
    place: Place


def _point_for(claim: Claim, key: str, points: Sequence[_Point]) -> _Point | None:
    """The written coordinates a statement about ``key`` is judged against: those in its
    sentence, else the nearest before it, else the nearest after."""
    same = [p for p in points if p.key == key]
    if not same:
        return None
    return min(
        same,
        key=lambda p: (
            p.claim.sentence != claim.sentence,
            p.claim.sentence > claim.sentence,
            abs(p.claim.sentence - claim.sentence),
        ),
    )


def _coordinates_check(claim: Claim) -> ClaimCheck:
    lat, lon = claim.point  # type: ignore[misc]
    if claim.subject is None:
        return ClaimCheck(
            claim=claim,
            distance=None,
            bearing=None,
            status="unattached",
            explanation=f"unattached: coordinates {lat:.4f}, {lon:.4f} with "
            f"{claim.reason or 'no subject found'}",
        )
    return ClaimCheck(
        claim=claim,
        distance=None,
        bearing=None,
        status="located",
        explanation=f"coordinates {lat:.4f}, {lon:.4f} given for {claim.subject.text!r}",
    )


def _located_check(claim: Claim, reference: Place, ends: _Ends) -> ClaimCheck:
    """A statement that places a subject the gazetteer lacks, around ``reference``."""
    if claim.subject is None:
        return replace(
            judge(claim, None, reference),
            explanation=f"unattached: {claim.reason or 'no subject found'}",
        )
    absurd = _absurd(claim)
    if absurd:
        return replace(judge(claim, None, reference), explanation=f"unverifiable: {absurd}")
    window = tolerance(claim, None, reference)
    bearing_window = None
    if claim.direction:
        # Without a distance, the extents subtend no known angle: the direction's own.
        spread = (
            0.0
            if claim.low_km is None
            else _extent_angle(extent_km(reference) + 0.5, claim.low_km + 1)
        )
        bearing_window = (
            direction_degrees(claim.direction),
            bearing_tolerance(claim.direction) + spread,
        )
    what = ends.reason(claim.subject, "subject").removeprefix("the subject ")
    return ClaimCheck(
        claim=claim,
        distance=None,
        bearing=None,
        status="located",
        tolerance_km=window,
        bearing_window=bearing_window,
        reference_point=(reference.lat, reference.lon),
        reference_place=reference,
        explanation=f"located: {what}; the statement places it {_where(claim, reference)}",
    )


def _where(claim: Claim, reference: Place) -> str:
    parts = []
    if claim.low_km is not None:
        parts.append(stated(claim))
    if claim.direction:
        parts.append(claim.direction)
    return f"{' '.join(parts)} {'of' if claim.direction else 'from'} {reference.name}"


def _locate(
    doc: Document, checks: list[ClaimCheck], points: Sequence[_Point]
) -> tuple[list[ClaimCheck], list[Location]]:
    """Group the statements by what they place and combine each group into a Location:
    written coordinates with the statements judged against them, and the located
    statements about one subject."""
    groups: dict[object, list[int]] = {}
    by_place = {id(p.place): p for p in points}
    by_claim = {id(p.claim): p for p in points}
    for i, check in enumerate(checks):
        claim = check.claim
        if claim.subject is None:
            continue
        point = by_claim.get(id(claim)) or by_place.get(id(check.subject_place))
        if point is not None:
            groups.setdefault(id(point), []).append(i)
        elif check.status == "located":
            groups.setdefault(_subject_key(doc, claim.subject), []).append(i)
    by_id: dict[object, _Point] = {id(p): p for p in points}
    locations: list[Location] = []
    for key, members in groups.items():
        location = _combine(doc, [checks[i] for i in members], members, by_id.get(key))
        if location is None:
            continue
        for i in members:
            checks[i] = replace(checks[i], location=len(locations))
        locations.append(location)
    return checks, locations


def _area(check: ClaimCheck) -> Area | None:
    """The area a located statement allows, bounded to the Earth; None when the statement
    gives no distance ("north of Gao"): a sector of unknown depth places no point."""
    area = check.area
    if area is None or not math.isfinite(area.high_km) or check.claim.low_km is None:
        return None
    return replace(area, high_km=min(area.high_km, MAX_KM))


def _combine(
    doc: Document, checks: Sequence[ClaimCheck], indexes: Sequence[int], point: _Point | None
) -> Location | None:
    """One Location from the statements about one subject: at its written coordinates
    (``point``), else where the statements' areas meet (their intersection's mean point,
    or the smallest area's stated point when they do not meet, saying so)."""
    subject = checks[0].claim.subject
    assert subject is not None
    if point is not None:
        return _written_location(subject, checks, indexes, point)
    located = [
        (c, a) for c in checks if c.reference_place is not None and (a := _area(c)) is not None
    ]
    if not located:
        return None
    areas = [a for _, a in located]
    first = checks[[c.reference_place is not None for c in checks].index(True)]
    reference = first.reference_place
    assert reference is not None
    grid = _Grid(areas)
    stated = _stated_point(first) if len(areas) == 1 else None
    contradiction = ""
    if len(areas) == 1 and areas[0].bearing is None and grid.any_inside():
        # A ring around the reference (see below): where on it is not known.
        lat, lon, uncertainty = reference.lat, reference.lon, areas[0].drawn_high_km()
    elif stated is not None and grid.any_inside():
        lat, lon = stated
        uncertainty = grid.farthest_km(stated)
    elif inside := grid.inside():
        lat, lon = _mean_point(inside)
        uncertainty = geometry.farthest_km((lat, lon), inside)
    else:
        check, best = min(located, key=lambda ca: _area_size(ca[1]))
        lat, lon = _stated_point(check) or best.representative()
        uncertainty = geometry.farthest_km((lat, lon), best.rings()[0])
        contradiction = "the statements allow no common place: " + "; ".join(
            f"'{c.claim.text}'" for c in checks if c.reference_place is not None
        )
    if len(areas) == 1 and areas[0].bearing is None:
        # A ring around the reference: the thing lies on it, anywhere round.
        lat, lon = reference.lat, reference.lon
        uncertainty = areas[0].drawn_high_km()
    return Location(
        name=f"{subject.text} ({_where(first.claim, reference)})",
        subject=subject,
        kind="estimate",
        lat=lat,
        lon=lon,
        uncertainty_km=uncertainty,
        sentence=first.claim.sentence,
        checks=tuple(indexes),
        areas=tuple(areas),
        contradiction=contradiction,
        country=reference.country,
    )


def _written_location(
    subject: Party, checks: Sequence[ClaimCheck], indexes: Sequence[int], point: _Point
) -> Location:
    """The Location written coordinates give, with the statements judged against them
    (those they contradict named)."""
    claim, place = point.claim, point.place
    subject = claim.subject or subject
    disagree = "; ".join(f"'{c.claim.text}'" for c in checks if is_inconsistent(c))
    return Location(
        name=f"{subject.text} ({place.lat:.4f}, {place.lon:.4f})",
        subject=subject,
        kind="coordinates",
        lat=place.lat,
        lon=place.lon,
        uncertainty_km=0.0,
        sentence=claim.sentence,
        checks=tuple(indexes),
        contradiction=f"the written coordinates contradict: {disagree}" if disagree else "",
    )


def _stated_point(check: ClaimCheck) -> tuple[float, float] | None:
    if check.reference_place is None:
        return None
    claim = check.claim
    if claim.direction and claim.low_km is not None:
        return target_point(claim, check.reference_place)
    return None


def _area_size(area: Area) -> float:
    high = area.drawn_high_km()
    return (high**2 - min(area.low_km, high) ** 2) * (area.half_width / 180)


# The geodesic on WGS84 is at most a^2 / b / EARTH_RADIUS_KM = 1.004487 times the
# great-circle distance of geometry.approx_km: along any path, the ellipsoid's element of
# length (M dphi, N cos(phi) dlambda; both radii of curvature at most a^2 / b, reached at the
# poles) is at most that many times the sphere's, and the geodesic is no longer than the
# ellipsoid's image of the great circle. 1.005 leaves room for the haversine's round-off
# (under a metre, near the antipode). geometry._SPHERE_HIGH (1.01) is twice as wide.
_GEODESIC_OVER_SPHERE = 1.005


class _Grid:
    """The points spread over each area (a polar grid of 9 distances by 25 bearings), and
    which of them every area contains, solved only when asked.

    A point strictly inside the grid of the area it was drawn in is inside that area (the
    grid's steps are far wider than a geodesic's round-off), short of the antipode's lune,
    some 70 km wide, where the inverse geodesic may take another way round: that test is
    solved only for the grid's edges, points within 1,000 km of the antipode, and the other
    areas, once per distinct point (the 25 points at distance 0 are one). An edge point's
    answer is the round-off's, so a single area's location asks only for the points that
    decide it (:meth:`any_inside`, :meth:`farthest_km`).

    Each grid point is first placed on the sphere (:func:`geometry.sphere_destination`,
    within :func:`geometry.sphere_destination_error` of the geodesic's point): a point that
    an area surely excludes there, or that is surely nearer than the farthest found, is
    never solved on the ellipsoid, and the answers are those of solving every point.
    """

    def __init__(self, areas: Sequence[Area]):
        self.areas = areas
        self._solved: dict[tuple[int, tuple[float, float]], bool] = {}
        # Per area: (distances, first bearing, bearing span, whether the grid's inner points
        # are surely inside it).
        self._grids: list[tuple[list[float], float, float, bool]] = []
        for area in areas:
            high = area.drawn_high_km()
            low = min(area.low_km, high)
            if area.bearing is None:
                start, span = 0.0, 360.0
            else:
                start, span = area.bearing - area.half_width, 2 * area.half_width
            kms = [low + (high - low) * d / 8 for d in range(9)]
            grid_ok = high - low >= 8e-3 and span >= 24e-3
            self._grids.append((kms, start, span, grid_ok))
        self._cells: list[tuple[int, int, int, int]] = []
        self._rough: list[tuple[float, float]] = []
        self._errors: list[float] = []
        self._exact: dict[int, tuple[float, float]] = {}
        self._rays: dict[tuple[int, int], geometry.Ray] = {}

    def _own(self, k: int, d: int, b: int) -> bool:
        kms, _, _, grid_ok = self._grids[k]
        return (
            grid_ok
            and 0 < d < 8
            and kms[d] <= 19_000
            and (self.areas[k].bearing is None or 0 < b < 24)
        )

    def _bearing(self, k: int, b: int) -> float:
        _, start, span, _ = self._grids[k]
        return start + span * b / 24

    def cells(self) -> list[tuple[int, int, int, int]]:
        """Every grid point as (area, distance step, bearing step, the index of the area it
        surely lies in or -1), in the grid's order; their spherical places are ``_rough``."""
        if not self._cells:
            for k, (area, (kms, _, _, _)) in enumerate(zip(self.areas, self._grids)):
                bearings = [self._bearing(k, b) for b in range(25)]
                self._rough += geometry.sphere_grid(area.center, kms, bearings)
                for d in range(9):
                    self._errors += [geometry.sphere_destination_error(kms[d])] * 25
                    for b in range(25):
                        self._cells.append((k, d, b, k if self._own(k, d, b) else -1))
        return self._cells

    def _point(self, i: int) -> tuple[float, float]:
        """The grid point of cell ``i``, solved on the ellipsoid (one geodesic per bearing)."""
        point = self._exact.get(i)
        if point is None:
            k, d, b, _ = self._cells[i]
            ray = self._rays.get((k, b))
            if ray is None:
                ray = self._rays[k, b] = geometry.Ray(self.areas[k].center, self._bearing(k, b))
            point = self._exact[i] = ray.at(self._grids[k][0][d])
        return point

    def _contains(self, j: int, p: tuple[float, float]) -> bool:
        inside = self._solved.get((j, p))
        if inside is None:
            inside = self._solved[j, p] = self.areas[j].contains(p)
        return inside

    def holds(self, p: tuple[float, float], own: int, drawn: int) -> bool:
        """Whether every area contains the point (``own``: the area it surely lies in;
        ``drawn``: the area it was drawn in, asked last: on its edge, only the geodesic
        answers)."""
        n = len(self.areas)
        return all(j == own or self._contains(j, p) for j in range(n) if j != drawn) and (
            drawn == own or self._contains(drawn, p)
        )

    def _held(self, i: int) -> bool:
        """Whether every area contains the point of cell ``i``, solved only when no area
        surely excludes its spherical place."""
        k, _, _, own = self.cells()[i]
        rough, error = self._rough[i], self._errors[i]
        if any(
            j != own and area.excludes_around(rough, error) for j, area in enumerate(self.areas)
        ):
            return False
        return self.holds(self._point(i), own, k)

    def inside(self) -> list[tuple[float, float]]:
        """The grid points every area contains, in the grid's order."""
        return [self._point(i) for i in range(len(self.cells())) if self._held(i)]

    def any_inside(self) -> bool:
        """Whether some grid point lies in every area (``bool(self.inside())``)."""
        if len(self.areas) == 1 and any(
            self._own(0, d, b) for d in range(1, 8) for b in range(1, 24)
        ):
            return True
        return any(self._held(i) for i in range(len(self.cells())))

    def farthest_km(self, origin: tuple[float, float]) -> float:
        """``geometry.farthest_km(origin, self.inside())``, solving only the points that
        may be the farthest (some point must be inside): each reaches at most its spherical
        place's distance plus that place's error, and its geodesic at most
        :data:`_GEODESIC_OVER_SPHERE` times its spherical distance (``geometry.farthest_of``
        with that tighter factor: it stops sooner, on the same answer)."""
        lat, lon = origin
        self.cells()
        reach = [
            geometry.approx_km(lat, lon, r_lat, r_lon) + error
            for (r_lat, r_lon), error in zip(self._rough, self._errors)
        ]
        best = -math.inf
        for i in sorted(range(len(reach)), key=lambda i: -reach[i]):
            if reach[i] * _GEODESIC_OVER_SPHERE + 1e-6 < best:
                break
            p_lat, p_lon = point = self._point(i)
            if geometry.approx_km(lat, lon, p_lat, p_lon) * _GEODESIC_OVER_SPHERE + 1e-6 < best:
                continue
            if self._held(i):
                best = max(best, geometry.measure(origin, point).km)
        return best


def _mean_point(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The mean of points on the sphere (through 3-D vectors: safe across the antimeridian)."""
    x = y = z = 0.0
    for lat, lon in points:
        phi, lam = math.radians(lat), math.radians(lon)
        x += math.cos(phi) * math.cos(lam)
        y += math.cos(phi) * math.sin(lam)
        z += math.sin(phi)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


# --------------------------------------------------------------------------- rows


_SLUG = re.compile(r"[^a-z0-9]+")
_SETTLEMENT_WORDS = frozenset("village town city hamlet settlement camp outpost".split())


def suggested_place(doc: Document, location: Location, *, source: str = "") -> Place:
    """A gazetteer row a user may review and add for a location (``--suggest-rows``): the
    estimated point, its uncertainty as ``extent_km``, the article as source."""
    subject = location.subject
    words = normalize(subject.text).split()
    if subject.kind in ("name", "place", "coreference"):
        name = subject.text
        if subject.mention is not None:
            name = doc.mentions[subject.mention].text
        kind = "city"
    else:
        name = (
            " ".join(subject.text.split()[1:])
            if words and words[0] in ("the", "a", "an", "its", "their")
            else subject.text
        )
        kind = "city" if words and words[-1] in _SETTLEMENT_WORDS else "event"
    article = _SLUG.sub("-", normalize(doc.id or doc.title or "article")).strip("-")[:40]
    slug = _SLUG.sub("-", normalize(name)).strip("-")[:40] or "place"
    statement = "; ".join(doc.checks[i].claim.text for i in location.checks)[:200]
    origin = source or doc.url or doc.id or "article"
    return Place(
        id=f"estimate:{article}:{slug}",
        name=name.strip() or "place",
        lat=round(location.lat, 5),
        lon=round(location.lon, 5),
        kind=kind,
        country=location.country,
        population=0,
        source=f"estimated by geomap from {origin}: {statement}",
        extent_km=round(max(location.uncertainty_km, 0.1), 1),
    )


# --------------------------------------------------------------------------- resolution


def _verdict_score(check: ClaimCheck) -> float | None:
    scores = [
        {"consistent": 1.0, "road": 0.7, "inconsistent": 0.0}[v]
        for v in (check.distance, check.bearing)
        if v in ("consistent", "road", "inconsistent")
    ]
    return sum(scores) / len(scores) if scores else None


def support_hook(
    doc: Document,
    *,
    weight: float = 1.0,
    claims: Iterable[Claim] | None = None,
) -> Callable[[int, Place, Mapping[int, Place]], float]:
    """The ``claim_support`` callable for ``geomap.resolve.resolve``: for mention ``index``
    given ``place``, the sum over the statements between it and another mention already in
    ``chosen`` of ``weight`` times the pair's score (1 consistent, 0.7 plausible by road,
    0 inconsistent; distance and direction averaged). An inconsistent statement is never a
    penalty: articles do misstate distances, and the checker must say so rather than resolve
    a place elsewhere to make the text right."""
    involved: dict[int, list[tuple[Claim, int, bool]]] = {}
    for claim in find_claims(doc) if claims is None else claims:
        s = claim.subject.mention if claim.subject is not None else None
        r = claim.reference.mention if claim.reference is not None else None
        if s is None or r is None or s == r:
            continue
        involved.setdefault(s, []).append((claim, r, True))
        involved.setdefault(r, []).append((claim, s, False))

    def support(index: int, place: Place, chosen: Mapping[int, Place]) -> float:
        total = 0.0
        for claim, other_index, is_subject in involved.get(index, ()):
            other = chosen.get(other_index)
            if other is None or other.id == place.id:
                continue
            check = judge(claim, place, other) if is_subject else judge(claim, other, place)
            total += weight * (_verdict_score(check) or 0.0)
        return total

    return support


__all__ = [
    "ROAD_FACTOR",
    "bearing_tolerance",
    "check_claim",
    "check_document",
    "direction_degrees",
    "explain",
    "extent_km",
    "fits",
    "is_inconsistent",
    "judge",
    "range_text",
    "stated",
    "suggested_place",
    "support_hook",
    "target_point",
    "tolerance",
]
