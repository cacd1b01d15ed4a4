"""Resolution stage: choose the gazetteer place each mention names, and say why.

A mention's candidates are the gazetteer places filed under its name. Each candidate gets a
score, a sum of log-odds-like terms, each a piece of evidence a reader uses:

- **prior**: the kind of place and its population (a country before a region before a big
  city before a village; a bigger namesake before a smaller one);
- **name**: how the name matched (primary name, alternate, without the Arabic article, fuzzy);
- **type word** beside the name ("Anbar *province*" wants a region, "the Husaybah *crossing*"
  a border crossing);
- **qualifier**: a container named right beside it ("Rawa, Iraq", "Abu Kamal in Syria",
  "Syria's Deir ez-Zour");
- **country and region focus**: the countries the article names (demonyms included) and the
  regions its other places lie in;
- **spatial coherence**: closeness to the places chosen for the article's other names;
- optionally **claims**: a ``claim_support`` hook may favour candidates that make a stated
  distance consistent.

The same name is one place throughout an article (one sense per discourse). The first picks
start from namesakes that fit together (each candidate gets the nearness of the other names'
plausible candidates), then every name is re-ranked against the others' picks, each pick
counting in proportion to its probability. The scores of a name's candidates are turned into
probabilities (softmax); the winner's is the confidence (``records.CONFIDENT`` says which
are known). Every score term is a field of :class:`Weights`.

Names with special candidates: an abbreviation ("Okla.", "Qld") keeps only candidates in
countries the rest of the article points to, else stays unresolved; a name with no exact
candidate takes its near spellings there (``geomap.variants``: "Tikreet" is Tikrit, with a
lower confidence), the county it names ("Henrico") or the name it stands for ("South Los
Angeles"); a direction word ("southern Mexico") asks for an area.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final, cast

from geomap.demonyms import country_of, region_of
from geomap.extract import (
    abbreviation_matches,
    is_abbreviated,
    lookup,
    lookup_name,
    other_names,
)
from geomap.gazetteer import Gazetteer, Match
from geomap.geometry import EARTH_RADIUS_KM, approx_km
from geomap.names import normalize
from geomap.records import Candidate, Mention, Place, Sentence
from geomap.variants import Variant, may_vary, variants

#: ``claim_support(index, place, chosen) -> float``: a score bonus (log-odds; about +1 for
#: "a stated distance fits", negative when it contradicts) for giving mention ``index``
#: the place ``place``, knowing the places ``chosen`` so far for the other mentions (by
#: index in the mentions tuple).
ClaimSupport = Callable[[int, Place, Mapping[int, Place]], float]

#: Mention kinds that name a place (and are resolved by name); demonyms are the others.
NAMED_KINDS = frozenset(("place", "modifier"))

#: Kinds of place a type word asks for.
TYPE_KINDS: dict[str, frozenset[str]] = {}
for _phrase, _kinds in (
    ("border crossing", ("border_crossing",)),
    ("border gate", ("border_crossing",)),
    ("border post", ("border_crossing",)),
    ("crossing", ("border_crossing",)),
    ("province", ("admin1",)),
    ("governorate", ("admin1",)),
    ("region", ("admin1", "region")),
    ("state", ("admin1",)),
    ("county", ("admin2",)),
    ("parish", ("admin2",)),
    ("district", ("admin2", "admin1", "city")),
    ("city", ("city",)),
    ("town", ("city",)),
    ("village", ("city",)),
    ("township", ("city",)),
    ("borough", ("city",)),
    ("municipality", ("city",)),
    ("capital", ("city",)),
    ("provincial capital", ("city",)),
    ("suburb", ("city",)),
    ("hamlet", ("city",)),
    ("community", ("city",)),
    ("neighborhood", ("city",)),
    ("neighbourhood", ("city",)),
    ("area", ("city", "region")),
    ("border town", ("city",)),
    ("airport", ("airport",)),
    ("river", ("river",)),
    ("lake", ("water",)),
    ("island", ("region",)),
    ("peninsula", ("region",)),
    ("desert", ("region",)),
    ("mountains", ("region",)),
    ("valley", ("region",)),
):
    TYPE_KINDS[_phrase] = frozenset(_kinds)

#: Kinds of place that have parts ("southern Mexico", "northern Anbar"): areas.
PART_KINDS = frozenset(("continent", "country", "admin1", "admin2", "region", "water"))


@dataclass(frozen=True)
class Weights:
    """The resolver's score terms (log-odds-like; the prior of a place is
    :func:`prior`), each with why. Tuned on LGL's dev half only."""

    #: The first picks: how much nearness to the other names' likely candidates counts.
    pairs: float = 2.0
    #: Candidates below this plausibility (relative to their group's best) support no other
    #: name's first pick; five times less, and they get no support.
    pair_floor: float = 0.35
    #: How much a group's pick counts in the article's references, as a power of its
    #: probability among the group's candidates: 0, fully; 1, in proportion. A doubtful
    #: pick ("Barton", one of a dozen) should not pull the article's other names its way.
    belief: float = 1.0
    #: A city's prior per tenfold population (a city of 100,000: 2.5 with 0.5): news names
    #: bigger namesakes more often.
    city_population: float = 0.5
    #: How the name matched: the primary name, an alternate name, either without an Arabic
    #: article, a consonant skeleton (a variant). An alternate is often a former or
    #: foreign name, a primary name the one news uses.
    primary: float = 1.0
    alternate: float = 0.2
    bare: float = 0.0
    skeleton: float = -1.0
    #: A region named like a big city of its country ("Baghdad" the province): news means
    #: the city.
    city_region: float = -0.6
    #: A type word beside the name ("Anbar province") that asks for the candidate's kind,
    #: or for another kind.
    type_match: float = 2.5
    type_mismatch: float = -1.0
    #: A qualifier beside the name ("Rawa, Iraq", "Alexandria, La."): a candidate inside
    #: it; inside its country only, for a region qualifier.
    container: float = 3.0
    container_country: float = 1.0
    #: A candidate in a country the article refers to: a fixed term, and one growing with
    #: the country's share of the article's references.
    country: float = 1.0
    country_share: float = 1.5
    #: A candidate in a first-level region another of the article's places lies in: weak,
    #: as the nearness terms already reward it, and a small place in the region of a named
    #: city (Augusta, New York, 2,041 people) must not beat a large one elsewhere.
    region: float = 0.25
    #: A candidate near another of the article's places: within 50, 150 and 400 km.
    near_50: float = 1.5
    near_150: float = 1.0
    near_400: float = 0.5
    #: A direction word before the name ("southern Mexico") says an area: about as strong
    #: as a qualifier's region match, weaker than a type word (2.5), which names the kind.
    part: float = 1.5
    #: Each edit between a name and a variant's spelling ("Tikreet", "Tikret": 1): fewer
    #: edits, likelier; the context still outweighs one edit.
    edit: float = 0.5
    #: A variant's confidence is its share of the candidates' probability times this, once
    #: per edit: a near spelling is never as sure as the name itself, and stays under
    #: ``records.CONFIDENT`` (on LGL's dev half, 12 of 14 variants of gold spans were wrong:
    #: there, names missing from the gazetteer outnumber misspellings).
    variant_confidence: float = 0.45
    #: Countries and nearby places searched for a name's variants: the article's leading
    #: countries and the places chosen for its largest groups of names.
    variant_countries: int = 3
    variant_near: int = 12
    #: The most the stated distances add to a candidate: two consistent statements. More
    #: repeat what the article already said (an article pasted a hundred times over must
    #: read as the article once).
    claim_cap: float = 2.0


WEIGHTS: Final = Weights()

#: Type words of second-level units whose names the gazetteer files with the word.
_COUNTY_WORDS = ("county", "parish", "borough")
#: Kinds without population whose prior comes from their extent.
_FEATURE_KINDS = frozenset(("region", "water", "river"))
_AREA_KINDS = frozenset(("country", "continent"))
_COUNTRIES: weakref.WeakKeyDictionary[Gazetteer, dict[str, Place | None]] = (
    weakref.WeakKeyDictionary()
)


#: ``math.radians(x)`` is ``x * _RADIANS`` exactly (CPython multiplies by pi / 180), without
#: a call (compiled, math.radians is one through the module).
_RADIANS: Final = math.pi / 180


def _region_key(country: str, admin1: str) -> str:
    """The key of a first-level region in the article's references: its country and
    normalised name (one string: it hashes once, a pair at every lookup)."""
    return f"{country}\t{normalize(admin1)}"


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places (:func:`geomap.geometry.approx_km`)."""
    return approx_km(a.lat, a.lon, b.lat, b.lon)


def _quality_bonus(quality: int) -> float:
    """The score term of a match quality (see :class:`Weights`): tests in turn, where a dict
    of the four was built at each of a first pass's 15,000 calls."""
    if quality == 3:
        return WEIGHTS.primary
    if quality == 2:
        return WEIGHTS.alternate
    if quality == 1:
        return WEIGHTS.bare
    if quality == 0:
        return WEIGHTS.skeleton
    return 0.0


#: A cell's number where it keys a dict (:data:`_Cell`, :data:`_Near`): an int, typed
#: ``object`` and kept boxed. Compiled, an int is held unboxed and boxed again, a new object
#: past 256, at every lookup.
_Key = object


class _Spot:
    """Where a candidate lies, for nearness: lat, lon, the longitude window (degrees) beyond
    which a pick lies over 400 km away, the latitude in radians and its cosine (the
    haversine's terms of :func:`geomap.geometry.approx_km` that depend on it alone), and
    its cell (see :data:`_Near`). A plain class, here and for :class:`_NearPick` and
    :class:`_Nearness`: compiled, its floats are read where they are stored, where a
    tuple's are checked and unboxed, all of them, at every read."""

    __slots__ = ("lat", "lon", "lon_window", "p1", "cos_p1", "cell")

    def __init__(
        self, lat: float, lon: float, lon_window: float, p1: float, cos_p1: float, cell: _Key
    ) -> None:
        self.lat = lat
        self.lon = lon
        self.lon_window = lon_window
        self.p1 = p1
        self.cos_p1 = cos_p1
        self.cell = cell


def _fixed_score(match: Match) -> float:
    """What a match's score holds whatever the article says: its place's prior plus the
    term of the name's match quality."""
    return prior(match.place) + _quality_bonus(match.quality)


def _fixed(match: Match) -> tuple[float, _Spot | None, str | None]:
    """(:func:`_fixed_score`, where the match lies for nearness (None for an area:
    countries and continents are near nothing), the key (:func:`_region_key`) of the
    region it lies in unless it is a region). Worked out once per group of candidates
    (:meth:`_Group.settle`, whose results are kept): a cache of these by match, as there
    was, kept 12,000 objects more after LGL's first pass, a quarter of the time of each
    full garbage collection, and mostly served settle's second call for the same match."""
    place = match.place
    # Only distances under 400 km count: skip the far ones before the trigonometry.
    p1 = place.lat * _RADIANS
    lon_window = 3.6 / max(0.05, math.cos(p1))
    spot = (
        None
        if place.kind in _AREA_KINDS
        else _Spot(place.lat, place.lon, lon_window, p1, math.cos(p1), _near_cell(place))
    )
    region = (
        _region_key(place.country, place.admin1)
        if place.admin1 and place.kind != "admin1"
        else None
    )
    return _fixed_score(match), spot, region


#: The matches of quality 1 standing for lookups' matches (see :func:`_by_name`), by the id
#: of the lookup's match (the entry holds it, so the id stays its own).
_BY_NAME: dict[int, tuple[Match, Match]] = {}


def _by_name(match: Match) -> Match:
    """``Match(match.place, 1)``: a place the name means without naming it (the county
    "Henrico" names, the place "South Los Angeles" stands for). The same object each time
    for the same lookup match, as the lookup caches hand those out: a group's static terms
    are remembered by its matches' ids (:meth:`_Group.settle`)."""
    entry = _BY_NAME.get(id(match))
    if entry is None or entry[0] is not match:
        if len(_BY_NAME) > 200_000:
            _BY_NAME.clear()
        entry = _BY_NAME[id(match)] = (match, Match(match.place, 1))
    return entry[1]


def prior(place: Place) -> float:
    """How likely a news article means this place, knowing only its kind and population."""
    pop = math.log10(place.population + 1)
    if place.kind == "country":
        return 4.0 + pop / 10
    if place.kind == "continent":
        return 3.5
    if place.kind == "admin1":
        return 2.0 + pop / 5
    if place.kind == "admin2":
        return 1.5 + pop / 5
    if place.kind == "border_crossing":
        return 2.0
    if place.kind in _FEATURE_KINDS:
        # No population: a larger feature is a better known one (the Caspian Sea's extent
        # is 936 km: 3.5; a small lake's 5 km: 2.4).
        return 2.0 + math.log10(place.extent_km + 1) / 2
    if place.kind == "airport":
        return 1.5
    return pop * WEIGHTS.city_population


#: A cell of 1.5 degrees of latitude and longitude: (lat // 1.5) * 512 + lon // 1.5 (an int
#: hashes faster than a pair; see :data:`_Key`); the cells beside it differ by 1 and 512.
_Cell = _Key


def _row_column(cell: _Cell) -> tuple[int, int]:
    """The row (latitude // 1.5) and column (longitude // 1.5) of a cell of :data:`_Cell`:
    its number is row * 512 + column, the column within [-120, 120]."""
    number = cast(int, cell)
    row = (number + 256) // 512
    return row, number - row * 512


class _Namesakes:
    """What a name's candidates bring to the first picks (see
    :meth:`_Resolver.pair_support`), whatever the article says; shared by the articles
    naming them, never changed. (Plain classes with their own ``__init__``, here and
    below: compiled, a dataclass's generated ``__init__`` runs as interpreted Python.)"""

    def __init__(
        self,
        fixed: list[float],
        own: dict[_Cell, tuple[tuple[float, float, float], ...]],
        probes: tuple[tuple[_Cell, tuple[tuple[int, float, float, float], ...]], ...],
    ) -> None:
        #: Per candidate, its prior plus the name's term.
        self.fixed = fixed
        #: The plausible candidates (see ``Weights.pair_floor``) that are not areas, by
        #: their cell, as (lat, lon, plausibility relative to the name's best). Tuples, here
        #: and in ``probes``: a tuple of numbers drops out of the garbage collector's walks
        #: after its first, a list never does (the namesakes of LGL's names were 21,000
        #: lists and pairs, walked at every full collection of a first pass).
        self.own = own
        #: The cells of ``own``, to be read in turn (compiled, a tuple's items are read
        #: by index; a dict's through an iterator checking the dict at every step).
        self.cells = tuple(own)
        #: Those of ``own`` filed under a cell and the eight around it, gathered the first
        #: time another name's probe asks for that cell (see :meth:`gather`): filing each
        #: candidate into nine cells up front built nine times the lists, most never read.
        self.gathered: dict[_Cell, tuple[tuple[float, float, float], ...]] = {}
        #: The candidates that may take support (five times less plausible, not areas), by
        #: their cell, as (index, lat, lon, cosine of lat): (cell, candidates) pairs, as
        #: they are only iterated.
        self.probes = probes
        #: The rows and columns of cells :meth:`gather` may find something in: the box
        #: around ``own``'s cells, one cell wider on each side (a cell's row and column:
        #: :func:`_row_column`). Nine in ten cells that other names' probes ask for hold
        #: nothing (52,000 asked, 5,500 held some, in LGL's first pass): the box turns most
        #: away before the search; a set of the cells around ``own`` cost as much to build
        #: as the searches it saved.
        self.low_row = self.low_column = 1 << 20
        self.high_row = self.high_column = -(1 << 20)
        for key in self.cells:
            row, column = _row_column(key)
            self.low_row = min(self.low_row, row - 1)
            self.high_row = max(self.high_row, row + 1)
            self.low_column = min(self.low_column, column - 1)
            self.high_column = max(self.high_column, column + 1)

    def may_hold(self, cell: _Cell) -> bool:
        """Whether :meth:`gather` may find something around ``cell`` (False: surely not)."""
        row, column = _row_column(cell)
        return (
            self.low_row <= row <= self.high_row and self.low_column <= column <= self.high_column
        )

    def gather(self, cell: _Cell) -> tuple[tuple[float, float, float], ...]:
        """The plausible candidates in ``cell`` and the eight cells around it (empty if
        none), in no particular order (the reader takes their largest term); kept in
        ``gathered``. Most cells asked for hold none (:meth:`may_hold` turns most of
        those away before a call); a name with few cells finds that by comparing their
        numbers rather than looking nine cells up."""
        own = self.own
        base = cast(int, cell)
        entries: list[tuple[float, float, float]] | None = None
        if len(own) <= 16:
            for key in self.cells:
                # key - base = 512 * (row step) + column step, both within [-1, 1].
                step = cast(int, key) - base + 1
                if -512 <= step <= 514 and step % 512 <= 2:
                    if entries is None:
                        entries = list(own[key])
                    else:
                        entries += own[key]
        else:
            for di in (-512, 0, 512):
                for dj in (-1, 0, 1):
                    near = own.get(base + di + dj)
                    if near is not None:
                        if entries is None:
                            entries = list(near)
                        else:
                            entries += near
        kept = self.gathered[cell] = () if entries is None else tuple(entries)
        return kept

    @classmethod
    def of(cls, matches: Sequence[Match], fixed: list[float]) -> _Namesakes:
        """The namesakes of ``matches``, whose :func:`_fixed_score` are ``fixed``."""
        own: dict[_Cell, list[tuple[float, float, float]]] = {}
        probes: dict[_Cell, list[tuple[int, float, float, float]]] = {}
        if fixed:
            floor = math.log(WEIGHTS.pair_floor)
            top = max(fixed)
            lowest = top + floor - math.log(5)
            for k, (m, total) in enumerate(zip(matches, fixed)):
                place = m.place
                if place.kind in _AREA_KINDS:
                    continue
                # get, then a new list: compiled, setdefault finds a missing key by raising
                # KeyError, and most of these cells are new.
                cell: _Cell = int(place.lat // 1.5) * 512 + int(place.lon // 1.5)
                if total - top >= floor:
                    entry = (place.lat, place.lon, math.exp(total - top))
                    entries = own.get(cell)
                    if entries is None:
                        own[cell] = [entry]
                    else:
                        entries.append(entry)
                if total >= lowest:
                    scale = math.cos(place.lat * _RADIANS)
                    probe = (k, place.lat, place.lon, scale)
                    cell_probes = probes.get(cell)
                    if cell_probes is None:
                        probes[cell] = [probe]
                    else:
                        cell_probes.append(probe)
        return _Namesakes(
            fixed,
            {cell: tuple(entries) for cell, entries in own.items()},
            tuple([(cell, tuple(cell_probes)) for cell, cell_probes in probes.items()]),
        )


#: Functions mypyc has no native form of, bound once (compiled, ``math.asin`` is a lookup in
#: the module at every call), and 2 * EARTH_RADIUS_KM as the haversine multiplies by it.
_asin: Final = math.asin
_hypot: Final = math.hypot
_EARTH_DIAMETER_KM: Final = 2 * EARTH_RADIUS_KM

#: Squared degrees (see :meth:`_Resolver.pair_support`) beyond which a pair lies surely over
#: 150 km apart (a margin over (150 / 111.2) ** 2 for rounding): no need of math.hypot.
_BEYOND_150: Final = (150 / 111.2) ** 2 * 1.001
#: Squared degrees surely under 50 km, surely over 50 km and surely under 150 km (the same
#: margins): only between them does the distance need working out.
_WITHIN_50: Final = (50 / 111.2) ** 2 * 0.999
_BEYOND_50: Final = (50 / 111.2) ** 2 * 1.001
_WITHIN_150: Final = (150 / 111.2) ** 2 * 0.999

#: Per candidate, what does not change while the article's picks settle: (score from
#: prior, name and type word; the type word; where it lies for nearness (``_Spot``, None
#: for an area); the key (:func:`_region_key`) of the region it lies in, if not a region).
_Static = tuple[float, str, _Spot | None, str | None]


class _Layout:
    """A group's candidates laid out to be scored term by term (see
    :meth:`_Resolver.scores`): the country and region terms are looked up once per country
    and region rather than once per candidate. Shared like :class:`_Namesakes`."""

    def __init__(
        self,
        static: tuple[float, ...],
        countries: dict[str, tuple[int, ...]],
        regions: dict[str, tuple[int, ...]],
        spot_indexes: tuple[int, ...],
        spots: tuple[_Spot, ...],
    ) -> None:
        #: Per candidate, its static score.
        self.static = static
        #: Candidates by the country they lie in (none for "").
        self.countries = countries
        #: Candidates by the key (:func:`_region_key`) of the region they lie in.
        self.regions = regions
        #: The candidates that may lie near a pick (not areas): their indexes, and their
        #: spots in the same order. Two tuples rather than a tuple of (index, spot) pairs:
        #: a pair holding a spot is one more object for every full garbage collection to
        #: walk (8,700 after LGL's first pass), a tuple of numbers none.
        self.spot_indexes = spot_indexes
        self.spots = spots

    @classmethod
    def of(cls, matches: Sequence[Match], static: Sequence[_Static]) -> _Layout:
        countries: dict[str, list[int]] = {}
        regions: dict[str, list[int]] = {}
        for k, (match, (_, _, _, region)) in enumerate(zip(matches, static)):
            # get, then a new list: compiled, setdefault finds a missing key by raising.
            country = match.place.country
            if country:
                ks = countries.get(country)
                if ks is None:
                    countries[country] = [k]
                else:
                    ks.append(k)
            if region is not None:
                ks = regions.get(region)
                if ks is None:
                    regions[region] = [k]
                else:
                    ks.append(k)
        return _Layout(
            tuple(row[0] for row in static),
            {country: tuple(ks) for country, ks in countries.items()},
            {region: tuple(ks) for region, ks in regions.items()},
            tuple([k for k, row in enumerate(static) if row[2] is not None]),
            tuple([row[2] for row in static if row[2] is not None]),
        )


#: What :meth:`_Group.settle` found, by the group's key, type words and whether a direction
#: word names a part: (the matches, their static terms, their layout, their namesakes'
#: terms). An entry holds for the same matches only (:func:`_same_matches`).
_STATIC: dict[tuple, tuple[tuple[Match, ...], tuple[_Static, ...], _Layout, _Namesakes]] = {}


_NO_LAYOUT = _Layout((), {}, {}, (), ())


def _same_matches(known: tuple[Match, ...], matches: list[Match]) -> bool:
    """Whether ``known`` holds the very objects ``matches`` holds, in the same order."""
    if len(known) != len(matches):
        return False
    for k in range(len(known)):
        if known[k] is not matches[k]:
            return False
    return True


class _Group:
    """All mentions of one name in the article."""

    def __init__(self, key: str, name: str, matches: list[Match], abbreviation: bool) -> None:
        self.key = key
        self.name = name
        self.indexes: list[int] = []
        self.matches = matches
        self.type_words: set[str] = set()
        self.parts: set[str] = set()  # "southern Mexico": a part of an area
        self.containers: set[int] = set()  # indexes of qualifying mentions
        self.pick: Place | None = None
        #: How far the article's references count the pick: its probability among the
        #: group's candidates, raised to ``Weights.belief``.
        self.belief = 1.0
        #: An abbreviation ("Okla."): its candidates count only in countries the rest of
        #: the article names; ``withheld`` keeps the ones that did not.
        self.abbreviation = abbreviation
        self.withheld: list[Match] = []
        #: Near spellings found for a name with no exact candidate, by place id.
        self.variants: dict[str, Variant] = {}
        #: Per candidate, what does not change while the article's picks settle
        #: (``_Static``),
        self.static: list[_Static] = []
        #: laid out for scoring,
        self.layout = _NO_LAYOUT
        #: and what the candidates bring to the first picks (all three filled by
        #: ``settle``).
        self.namesakes: _Namesakes | None = None

    def settle(self) -> None:
        """Fill ``static``, once the group's matches and type words are known. Without
        near spellings it depends on nothing else: remembered across articles, for the
        same matches (the lookup caches hand out the same objects to every article naming
        a place), found by the name's key; a key of the matches' ids cost more to build
        and hash than the search it saved."""
        key = None
        if not self.variants:
            key = (self.key, frozenset(self.type_words), bool(self.parts))
            known = _STATIC.get(key)
            if known is not None and _same_matches(known[0], self.matches):
                self.static, self.layout, self.namesakes = list(known[1]), known[2], known[3]
                return
        fixed = [_fixed(match) for match in self.matches]
        self.namesakes = _Namesakes.of(self.matches, [entry[0] for entry in fixed])
        kinds: set[str] = set()
        for word in self.type_words:
            kinds |= TYPE_KINDS.get(word, frozenset())
        big_cities = {
            m.place.country
            for m in self.matches
            if m.place.kind == "city" and m.place.population >= 100_000
        }
        self.static = []
        for match, (total, spot, region) in zip(self.matches, fixed):
            place = match.place
            variant = self.variants.get(place.id)
            if variant is not None:
                total -= WEIGHTS.edit * variant.edits
            # A city that shares its name with the region it lies in: news means the city.
            if place.kind in ("admin1", "admin2") and place.country in big_cities:
                total += WEIGHTS.city_region
            type_word = ""
            if kinds:
                if place.kind in kinds:
                    total += WEIGHTS.type_match
                    type_word = next(
                        w for w in sorted(self.type_words) if place.kind in TYPE_KINDS.get(w, ())
                    )
                else:
                    total += WEIGHTS.type_mismatch
            elif self.parts and place.kind in PART_KINDS:
                total += WEIGHTS.part
                type_word = "part"
            self.static.append((total, type_word, spot, region))
        self.layout = _Layout.of(self.matches, self.static)
        if key is not None:
            if len(_STATIC) > 10_000:  # some 3 KB each
                _STATIC.clear()
            _STATIC[key] = (tuple(self.matches), tuple(self.static), self.layout, self.namesakes)


class _Evidence:
    """Terms of one candidate's score, kept to explain the choice."""

    def __init__(self, type_word: str) -> None:
        self.type_word = type_word
        self.container = ""
        self.country = ""
        self.country_count = 0
        self.admin1 = ""
        self.near = ""
        self.near_km = 0.0
        self.claim = 0.0


#: The article's references, or a group's share of them: countries named (explicit),
#: country weight, and regions (see :func:`_contribution`).
_Shares = tuple[dict[str, float], dict[str, float], dict[str, float]]


class _Context:
    """The other groups' picks, as one group's candidates are scored against them.

    The article's references (demonyms plus every group's pick: countries named, country
    weight, regions) are kept up to date as picks change; a group's own share is taken
    off at each lookup, so a lookup costs the same however many places the article names.
    """

    def __init__(
        self,
        totals: _Shares,
        own: _Shares,
        weight_total: float,
        near: _Near,
        skip: int,
        chosen: Mapping[int, Place] | None,
    ) -> None:
        self.totals = totals
        self.own = own
        #: The cells of ``own``, to be read in turn (compiled, a tuple's items are read
        #: by index; a dict's through an iterator checking the dict at every step).
        self.cells = tuple(own)
        self.weight_total = weight_total  # of the others' countries, at least 1
        #: The picks that are not areas of the article's 41 largest groups (see
        #: :data:`_Near`; kept up to date as picks change),
        self.near = near
        #: less the one ranked ``skip``: the group's own, or the 41st (40 others count).
        self.skip = skip
        self.chosen = chosen  # for claim_support, in the final round only

    def explicit(self, country: str) -> float:
        return self.totals[0].get(country, 0) - self.own[0].get(country, 0)

    def weight(self, country: str) -> float:
        return self.totals[1].get(country, 0) - self.own[1].get(country, 0)

    def country_term(self, country: str) -> float:
        """The score term of a candidate in ``country`` (see ``Weights.country``)."""
        weight = self.totals[1].get(country, 0) - self.own[1].get(country, 0)
        if weight > 0:
            return WEIGHTS.country + WEIGHTS.country_share * (weight / self.weight_total)
        return 0.0

    def region(self, key: str) -> float:
        return self.totals[2].get(key, 0) - self.own[2].get(key, 0)


_REGION_KINDS = frozenset(("admin1", "admin2", "city", "border_crossing"))


class _NearPick:
    """A group's pick as :func:`_near_term` reads it: the rank of its group in the
    article's order, lat, lon, lat in radians, its cosine, the group's name."""

    __slots__ = ("rank", "lat", "lon", "p2", "cos_p2", "name")

    def __init__(
        self, rank: int, lat: float, lon: float, p2: float, cos_p2: float, name: str
    ) -> None:
        self.rank = rank
        self.lat = lat
        self.lon = lon
        self.p2 = p2
        self.cos_p2 = cos_p2
        self.name = name


class _NearCell:
    """A cell of :data:`_Near`: the picks in it, and its version, new whenever they change
    (0 for a cell no pick has been in)."""

    __slots__ = ("picks", "version")

    def __init__(self) -> None:
        self.picks: list[_NearPick] = []
        self.version = 0


#: Picks by the cells (4 degrees of latitude by 10 of longitude: band * 64 + column, an int
#: hashes faster than a pair; see :data:`_Key`) of the candidates they may lie within 400 km
#: of (:func:`_near_cells`).
_Near = dict[_Key, _NearCell]


def _near_cell(place: Place) -> int:
    """The cell of :data:`_Near` a candidate lies in."""
    return int(place.lat // 4) * 64 + int((place.lon + 180) // 10) % 36


@lru_cache(maxsize=65536)
def _near_cells(lat: float, lon: float) -> tuple[_Key, ...]:
    """The cells of :data:`_Near` whose candidates may have a pick at (lat, lon) within
    their windows: 3.6 degrees of latitude (the band and the two beside it) and the
    longitude window of the band's latitude farthest from the equator (a little more, to
    be safe)."""
    band = int(lat // 4)
    cells: list[int] = []
    for b in (band - 1, band, band + 1):
        edge = min(90, max(abs(4 * b), abs(4 * b + 4)))
        reach = 3.6 / max(0.05, math.cos(math.radians(edge))) + 0.01
        low, high = int((lon - reach + 180) // 10), int((lon + reach + 180) // 10)
        columns = range(36) if high - low >= 35 else [c % 36 for c in range(low, high + 1)]
        cells.extend(b * 64 + c for c in columns)
    return tuple(cells)


class _Nearness:
    """A candidate's nearness: the version of its cell of :data:`_Near` it holds for, the
    term, the distance to the nearest pick, its name; to be computed, when the version is
    -1."""

    __slots__ = ("version", "term", "km", "name")

    def __init__(self, version: int, term: float, km: float, name: str) -> None:
        self.version = version
        self.term = term
        self.km = km
        self.name = name


_NOT_NEAR: Final = _Nearness(-1, 0.0, math.inf, "")


def _near_term(spot: _Spot, picks: list[_NearPick], skip: int) -> tuple[float, float, str]:
    """The nearness term of a candidate at ``spot`` (0 beyond 400 km), the distance
    (:func:`geomap.geometry.approx_km`, its terms spread over ``spot`` and ``picks``) to
    the nearest of ``picks`` (those of its cell of :data:`_Near`) but the one ranked
    ``skip``, the first in the article's order of equals, and that one's name ("" when the
    term is 0). Picks more than 3.6 degrees of latitude or the spot's longitude window
    away (400 km at its latitude) are skipped before the trigonometry."""
    best_km, nearest, first = math.inf, "", -1
    lat, lon, lon_window, p1, cos_p1 = spot.lat, spot.lon, spot.lon_window, spot.p1, spot.cos_p1
    for pick in picks:
        n, pick_lon = pick.rank, pick.lon
        if abs(pick.lat - lat) > 3.6 or n == skip:
            continue
        d_lon = abs(pick_lon - lon)
        if d_lon > lon_window and abs(d_lon - 360) > lon_window:
            continue
        dp, dl = pick.p2 - p1, (pick_lon - lon) * _RADIANS
        # math.pow(x, 2.0) is x ** 2 (both C's pow), compiled without boxing.
        h = math.pow(math.sin(dp / 2), 2.0) + cos_p1 * pick.cos_p2 * math.pow(math.sin(dl / 2), 2.0)
        d = _EARTH_DIAMETER_KM * _asin(min(1.0, math.sqrt(h)))
        if d < best_km or (d == best_km and n < first):
            best_km, nearest, first = d, pick.name, n
    if best_km < 50:
        return WEIGHTS.near_50, best_km, nearest
    if best_km < 150:
        return WEIGHTS.near_150, best_km, nearest
    if best_km < 400:
        return WEIGHTS.near_400, best_km, nearest
    return 0.0, best_km, ""


def _contribution(group: _Group) -> _Shares:
    """What a group's pick adds to the article's references: countries named (explicit),
    country weight, and regions."""
    pick = group.pick
    if pick is None:
        return {}, {}, {}
    n = len(group.indexes) * group.belief
    explicit: dict[str, float] = {}
    weight: dict[str, float] = {}
    regions: dict[str, float] = {}
    if pick.kind == "country":
        explicit[pick.country] = len(group.indexes)  # for the explanation: a count
        weight[pick.country] = n
    elif pick.country:
        weight[pick.country] = 0.5 * n
    if pick.kind in _REGION_KINDS and pick.admin1:
        regions[_pick_region(pick)] = n
    return explicit, weight, regions


#: The key (:func:`_region_key`) of the first-level region a pick is or lies in, by the
#: pick's id (the entry holds the pick, so the id stays its own): the lookup caches hand
#: out the same places to every article naming them.
_PICK_REGION: dict[int, tuple[Place, str]] = {}


def _pick_region(pick: Place) -> str:
    """The key of the region ``pick`` (a region, or a place with its ``admin1``) counts
    for in the article's references."""
    entry = _PICK_REGION.get(id(pick))
    if entry is None or entry[0] is not pick:
        if len(_PICK_REGION) > 200_000:
            _PICK_REGION.clear()
        name = pick.name if pick.kind == "admin1" else pick.admin1
        entry = _PICK_REGION[id(pick)] = (pick, _region_key(pick.country, name))
    return entry[1]


def _round4(x: float) -> float:
    """``round(x, 4)`` for a probability, without the decimal string the builtin writes and
    reads back (some 2,600 instructions a call, compiled). In (0, 1], ``x * 10000`` lies
    within 1e-12 of the exact product, so away from a half its nearest integer ``k`` is the
    one the builtin rounds to, and ``k / 10000`` the double nearest that decimal, which the
    builtin returns. Near a half, and outside (0, 1], the builtin decides."""
    if 0.0 < x <= 1.0:
        y = x * 10000.0
        k = float(int(y + 0.5))
        if -0.4999 < y - k < 0.4999:
            return k / 10000.0
    return round(x, 4)


def _take(total: dict[str, float], part: dict[str, float]) -> None:
    """Take a share's ``part`` (one of its dicts) off the article's ``total``."""
    if part:
        for key, value in part.items():
            total[key] = total[key] - value


def _add(total: dict[str, float], part: dict[str, float]) -> None:
    """Add a share's ``part`` (one of its dicts) to the article's ``total``."""
    if part:  # most shares name no country explicitly
        for key, value in part.items():
            total[key] = total.get(key, 0) + value


def _order(totals: list[float]) -> list[int]:
    """``sorted(range(len(totals)), key=totals.__getitem__, reverse=True)``: the indexes,
    best first, equals in their order. A few are inserted in a native loop (compiled,
    ``sorted`` calls the key through the interpreter); many go to the builtin."""
    if len(totals) > 16:
        return sorted(range(len(totals)), key=totals.__getitem__, reverse=True)
    order: list[int] = []
    for k in range(len(totals)):
        total = totals[k]
        at = len(order)
        while at > 0 and totals[order[at - 1]] < total:
            at -= 1
        order.insert(at, k)
    return order


def _top_and_belief(totals: list[float]) -> tuple[int, float]:
    """The index of the first highest of a group's scores ``totals`` (``totals.index(max(
    totals))``) and its probability among them (the softmax) raised to ``Weights.belief``:
    the builtins' work in native loops (compiled, ``max`` and ``sum`` are calls through the
    builtins module; ``sum`` of floats adds them in order from the first, as here)."""
    best, top = 0, totals[0]
    for k in range(1, len(totals)):
        if totals[k] > top:
            best, top = k, totals[k]
    norm = 0.0
    for total in totals:
        norm += math.exp(total - top)
    # math.pow(x, y) is x ** y (both C's pow for a finite x > 0), compiled without boxing.
    return best, math.pow(1.0 / norm, WEIGHTS.belief)


def _country_weight(share: _Shares) -> float:
    """``sum(share[1].values())`` for a group's share (:func:`_contribution`), which names
    one country at most: a loop, where the builtin is a call (compiled)."""
    total = 0.0
    for value in share[1].values():
        total += value
    return total


def _resolved(
    m: Mention,
    place: Place | None,
    confidence: float,
    candidates: tuple[Candidate, ...],
    reason: str,
) -> Mention:
    """``replace(m, place=..., confidence=..., candidates=..., reason=...)``, built directly:
    half the time of ``dataclasses.replace``, which every resolved mention goes through."""
    return Mention(
        m.start,
        m.end,
        m.text,
        m.sentence,
        m.kind,
        m.type_word,
        place,
        confidence,
        candidates,
        reason,
        m.part,
    )


#: The share of a group without a pick yet.
_NO_SHARE: _Shares = ({}, {}, {})


def _largest_of_kind(place: Place, ranked: list[Match]) -> bool:
    """Whether ``place`` is the most populous of several candidates of its kind."""
    kind, count, largest = place.kind, 0, 0
    for m in ranked:
        other = m.place
        if other.kind == kind:
            if count == 0 or other.population > largest:
                largest = other.population
            count += 1
    return count > 1 and place.population >= largest


def _holds(region: Place, group: _Group) -> bool:
    """Whether one of the group's candidates lies in the first-level region."""
    name = normalize(region.name)
    return any(
        m.place.country == region.country and normalize(m.place.admin1) == name
        for m in group.matches
    )


class _Chosen(Mapping):
    """Mention index -> the place its group picked, leaving out one group's mentions."""

    def __init__(self, group_of: dict[int, _Group], exclude: _Group):
        self._group_of, self._exclude = group_of, exclude

    def __getitem__(self, index: int) -> Place:
        group = self._group_of.get(index)
        if group is None or group is self._exclude or group.pick is None:
            raise KeyError(index)
        return group.pick

    def __iter__(self):
        return (
            i for i, g in self._group_of.items() if g is not self._exclude and g.pick is not None
        )

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Resolver:
    def __init__(
        self,
        text: str,
        mentions: Sequence[Mention],
        gazetteer: Gazetteer,
        claim_support: ClaimSupport | None,
    ):
        self.text = text
        self.mentions = mentions
        self.gazetteer = gazetteer
        self.claim_support = claim_support
        self.groups: dict[str, _Group] = {}
        self.group_of: dict[int, _Group] = {}
        self.by_size: list[_Group] = []
        # A plain dict: compiled, a Counter's __init__ runs as interpreted Python.
        self.demonym_countries: dict[str, int] = {}
        # References of the whole article (see _Context), and each group's share of them.
        self._totals: _Shares = ({}, {}, {})
        self._weight_sum = 0.0
        self._shares: dict[str, _Shares] = {}
        # Each group's latest scores (from best()), reused by the final ranking (stated
        # distances added) when no other group's pick has changed since.
        self._totals_of: dict[str, list[float]] = {}
        # Each group's rank in by_size. The picks of the 41 largest groups for nearness
        # (see _Near), kept up to date by set_pick, and per group the cells, entry and pick
        # it holds there. Each cell has a version, new whenever a pick in it changes: a
        # candidate's nearness, remembered per group with its cell's version, is computed
        # again only then.
        self._rank: dict[str, int] = {}
        self._near: _Near = {}
        self._near_entry: dict[str, tuple[list[_NearCell], _NearPick, Place]] = {}
        self._version = 0
        self._nearness: dict[str, list[_Nearness]] = {}
        countries = _COUNTRIES.get(gazetteer)
        if countries is None:
            countries = _COUNTRIES[gazetteer] = {}
        self._countries: dict[str, Place | None] = countries

    def country(self, code: str) -> Place | None:
        """The country with this code, cached per gazetteer."""
        if code not in self._countries:
            self._countries[code] = self.gazetteer.get(f"country:{code}")
        return self._countries[code]

    # ---------------------------------------------------------------- setup
    def collect(self) -> None:
        places = [i for i, m in enumerate(self.mentions) if m.kind in NAMED_KINDS]
        for i, m in enumerate(self.mentions):
            if m.kind == "demonym":
                code = country_of(m.text)
                if code:
                    self.demonym_countries[code] = self.demonym_countries.get(code, 0) + 1
        for i in places:
            m = self.mentions[i]
            key = normalize(m.text)
            group = self.groups.get(key)
            if group is None:
                name = lookup_name(m.text)
                matches = [x for x in lookup(self.gazetteer, name) if x.quality >= 0]
                abbreviated = is_abbreviated(matches, m.text)
                if abbreviated:
                    matches = abbreviation_matches(self.gazetteer, m.text)
                group = self.groups[key] = _Group(key, m.text, matches, abbreviated)
            group.indexes.append(i)
            if m.type_word:
                group.type_words.add(m.type_word.lower())
            if m.part:
                group.parts.add(m.part)
            self.group_of[i] = group
        for a, b in zip(places, places[1:]):
            self.link_qualifier(a, b)
        for group in self.groups.values():
            if not group.abbreviation:
                self.add_counties(group)
                if not group.matches:
                    self.add_other_names(group)
            group.settle()

    def add_counties(self, group: _Group) -> None:
        """ "Becker and Clay counties", "Henrico": the counties, parishes or boroughs named
        so, when a type word asks for one and the name alone finds none, or when the name
        alone finds nothing."""
        words = [w for w in _COUNTY_WORDS if w in group.type_words]
        if not (words or not group.matches) or any(m.place.kind == "admin2" for m in group.matches):
            return
        known = {m.place.id for m in group.matches}
        for word in words or _COUNTY_WORDS:
            for m in lookup(self.gazetteer, f"{lookup_name(group.name)} {word}"):
                if m.place.kind == "admin2" and m.quality >= 2 and m.place.id not in known:
                    known.add(m.place.id)
                    group.matches.append(_by_name(m))

    def add_other_names(self, group: _Group) -> None:
        """A name without candidates takes those of the first name it may stand for
        (``extract.other_names``: "South Los Angeles" the south of Los Angeles)."""
        for name, part in other_names(lookup_name(group.name)):
            found = [_by_name(m) for m in lookup(self.gazetteer, name) if m.quality >= 2]
            if found:
                group.matches = found
                if part:
                    group.parts.add(part)
                return

    def link_qualifier(self, a: int, b: int) -> None:
        """Record "A, B", "A in B" (B contains A) and "B's A" (B contains A)."""
        ma, mb = self.mentions[a], self.mentions[b]
        between = self.text[ma.end : mb.start]
        stripped = between.strip()
        if stripped in (",", "in", "in the", ", in", "of") and "\n" not in between:
            self.group_of[a].containers.add(b)
        elif between in ("'s ", "’s ", "' ", "’ "):
            self.group_of[b].containers.add(a)

    # ---------------------------------------------------------------- scoring
    def set_pick(self, group: _Group, place: Place | None) -> None:
        """Make ``place`` the group's pick, keeping the article's references up to date."""
        # The three dicts of the shares one by one: compiled, zip over the tuples iterates
        # them generically.
        totals = self._totals
        old = self._shares.get(group.key)
        if old is not None:
            _take(totals[0], old[0])
            _take(totals[1], old[1])
            _take(totals[2], old[2])
            self._weight_sum -= _country_weight(old)
        group.pick = place
        new = _contribution(group)
        self._shares[group.key] = new
        _add(totals[0], new[0])
        _add(totals[1], new[1])
        _add(totals[2], new[2])
        self._weight_sum += _country_weight(new)
        rank = self._rank.get(group.key, 41)
        if rank <= 40:
            self.move_near(group, rank)

    def move_near(self, group: _Group, rank: int) -> None:
        """Put the group's pick in its cells of ``_near`` (an area's in none), out of those
        it was in, and give the cells that changed new versions."""
        pick = group.pick
        old = self._near_entry.get(group.key)
        if old is not None and old[2] is pick:
            return
        touched: list[list[_NearCell]] = []
        if old is not None:
            for cell in old[0]:
                cell.picks.remove(old[1])
            del self._near_entry[group.key]
            touched.append(old[0])
        if pick is not None and pick.kind not in _AREA_KINDS:
            p2 = pick.lat * _RADIANS
            entry = _NearPick(rank, pick.lat, pick.lon, p2, math.cos(p2), group.name)
            cells: list[_NearCell] = []
            for key in _near_cells(pick.lat, pick.lon):
                found = self._near.get(key)
                if found is None:
                    found = self._near[key] = _NearCell()
                found.picks.append(entry)
                cells.append(found)
            self._near_entry[group.key] = (cells, entry, pick)
            touched.append(cells)
        for changed in touched:
            self._version += 1
            for cell in changed:
                cell.version = self._version

    def scores(self, group: _Group, context: _Context) -> list[float]:
        """The scores of ``group``'s candidates in the current context: their static
        scores plus, term by term, what qualifiers, countries, regions, nearness and
        stated distances add (each candidate's terms added in that order, as
        :meth:`evidence` names them)."""
        # Most candidates are scored only to be compared (31,000 on LGL, a few hundred of
        # them explained): term by term, the evidence recorded only for the one explained.
        layout = group.layout
        # ``totals[k] = totals[k] + term``, not ``+=``: compiled, ``+=`` on a list's item boxes
        # the term and adds generically.
        totals = list(layout.static)
        if group.containers:
            for k, m in enumerate(group.matches):
                totals[k] = totals[k] + self.container_term(group, m.place)[0]
        for country, ks in layout.countries.items():
            term = context.country_term(country)
            if term:
                for k in ks:
                    totals[k] = totals[k] + term
        # context.region, inline, from the article's regions or the candidates', whichever
        # are fewer (the candidates' were some 27,000 a pass over LGL).
        regions, own_regions, by_region = context.totals[2], context.own[2], layout.regions
        if len(regions) < len(by_region):
            found = [
                by_region[r]
                for r in regions
                if r in by_region and regions[r] - own_regions.get(r, 0)
            ]
        else:
            found = [ks for r, ks in by_region.items() if regions.get(r, 0) - own_regions.get(r, 0)]
        for ks in found:
            for k in ks:
                totals[k] = totals[k] + WEIGHTS.region
        known = self.nearness(group, context, layout.spot_indexes, layout.spots)
        for k in layout.spot_indexes:
            term = known[k].term
            if term:
                totals[k] = totals[k] + term
        if context.chosen is not None:
            for k, m in enumerate(group.matches):
                totals[k] = totals[k] + self.claim_term(group, m.place, context.chosen)
        return totals

    def evidence(self, group: _Group, context: _Context, k: int) -> _Evidence:
        """The terms of candidate ``k``'s score that explain it (see :meth:`scores`)."""
        place = group.matches[k].place
        _, type_word, spot, region = group.static[k]
        ev = _Evidence(type_word=type_word)
        if group.containers:
            ev.container = self.container_term(group, place)[1]
        country = place.country
        if country and context.country_term(country):
            ev.country, ev.country_count = country, int(context.explicit(country))
        if region is not None and context.region(region):
            ev.admin1 = place.admin1
        if spot is not None:
            nearness = self.nearness(group, context, (k,), (spot,))[k]
            if nearness.term:
                ev.near, ev.near_km = nearness.name, nearness.km
        if context.chosen is not None:
            ev.claim = self.claim_term(group, place, context.chosen)
        return ev

    def nearness(
        self,
        group: _Group,
        context: _Context,
        indexes: tuple[int, ...],
        spots: tuple[_Spot, ...],
    ) -> list[_Nearness]:
        """Per candidate of ``group``, its nearness term, the distance to the nearest pick
        and that pick's name (:func:`_near_term`), with the version of its cell it holds
        for, up to date for the candidates ``indexes`` lists (their spots in ``spots``):
        computed again only when that version changed."""
        known = self._nearness.get(group.key)
        if known is None or len(known) != len(group.matches):
            known = self._nearness[group.key] = [_NOT_NEAR] * len(group.matches)
        near, skip = context.near, context.skip
        for i in range(len(indexes)):
            k, spot = indexes[i], spots[i]
            cell = near.get(spot.cell)
            version = 0 if cell is None else cell.version
            nearness = known[k]
            if nearness.version != version:
                if cell is not None and cell.picks:
                    term, km, name = _near_term(spot, cell.picks, skip)
                else:
                    term, km, name = 0.0, math.inf, ""
                if nearness is _NOT_NEAR:
                    known[k] = _Nearness(version, term, km, name)
                else:  # the group's own: updated where it is
                    nearness.version, nearness.term, nearness.km = version, term, km
                    nearness.name = name
        return known

    def claim_term(self, group: _Group, place: Place, chosen: Mapping[int, Place]) -> float:
        """What the stated distances add to ``place`` for ``group`` (see
        :data:`ClaimSupport`), knowing the other groups' picks ``chosen``."""
        assert self.claim_support is not None
        support = self.claim_support
        return min(WEIGHTS.claim_cap, sum(support(i, place, chosen) for i in group.indexes))

    def container_term(self, group: _Group, place: Place) -> tuple[float, str]:
        """What the qualifiers beside the name ("Rawa, Iraq", "Alexandria, La.") add to
        ``place``, and the qualifier it lies in ("" if none)."""
        term, inside = 0.0, ""
        for c in group.containers:
            container = self.group_of[c].pick if c in self.group_of else None
            if container is None:
                continue
            if container.kind == "country" and place.country == container.country:
                term += WEIGHTS.container
                inside = container.name
            elif container.kind in ("admin1", "admin2") and place.country == container.country:
                name = container.name if container.kind == "admin1" else container.admin1
                if name and normalize(place.admin1) == normalize(name):
                    term += WEIGHTS.container
                    inside = container.name
                else:
                    term += WEIGHTS.container_country
        return term, inside

    def context(self, group: _Group, final: bool) -> _Context:
        """What scoring ``group``'s candidates needs to know of the other groups' picks."""
        own = self._shares.get(group.key, _NO_SHARE)
        weight_total = max(1.0, self._weight_sum - _country_weight(own))
        chosen = None
        if final and self.claim_support is not None:
            chosen = _Chosen(self.group_of, group)
        return _Context(
            self._totals, own, weight_total, self._near, min(self._rank[group.key], 40), chosen
        )

    def rank(
        self, group: _Group, final: bool = False, totals: list[float] | None = None
    ) -> tuple[list[float], list[int], _Evidence]:
        """``group``'s candidates' scores, their order (best first, the first of equals
        first) and the evidence for the best. ``totals`` scored (without stated distances)
        in an unchanged context may be passed in rather than scored again."""
        context = self.context(group, final)
        if len(group.matches) == 1:
            # A lone candidate's probability is 1 whatever its score: only its evidence counts.
            return [0.0], [0], self.evidence(group, context, 0)
        if totals is None:
            totals = self.scores(group, context)
        elif context.chosen is not None:
            # What scores() adds last, to the same sums.
            totals = [
                total + self.claim_term(group, m.place, context.chosen)
                for total, m in zip(totals, group.matches)
            ]
        # Stable, reversed too: equals keep their order.
        order = _order(totals)
        return totals, order, self.evidence(group, context, order[0])

    def best(self, group: _Group) -> Place:
        """The top candidate of ``group`` (the first of equals, as in :meth:`rank`)."""
        context = self.context(group, False)
        totals = self._totals_of[group.key] = self.scores(group, context)
        k, self._belief = _top_and_belief(totals)
        return group.matches[k].place

    def run(self) -> tuple[Mention, ...]:
        self.collect()
        self._totals[0].update(self.demonym_countries)
        self._totals[1].update(self.demonym_countries)
        self._weight_sum = float(sum(self.demonym_countries.values()))
        groups = self.by_size = sorted(self.groups.values(), key=lambda g: -len(g.indexes))
        self._rank = {g.key: n for n, g in enumerate(groups)}
        self.first_picks(groups)
        # Names with no exact candidate: near spellings where the article points.
        for group in groups:
            if not group.matches and not group.abbreviation and may_vary(group.name):
                self.find_variants(group)
        changes, fresh_at = self.settle_picks(groups)
        results: dict[int, Mention] = {}
        for group in groups:
            if not group.matches:
                reason = self.explain_withheld(group) if group.withheld else "not in the gazetteer"
                for i in group.indexes:
                    results[i] = replace(self.mentions[i], reason=reason)
                continue
            reuse = fresh_at.get(group.key) == changes
            if self.final_pick(group, reuse, results):
                changes += 1
        return tuple(
            self.demonym_mention(m) if m.kind == "demonym" else results.get(i, m)
            for i, m in enumerate(self.mentions)
        )

    def first_picks(self, groups: list[_Group]) -> None:
        """Each group's first pick, from the prior, the name and the type word (and the
        nearness of the other names' plausible candidates) only. Abbreviations come after
        the other names, and keep only candidates in countries those name: two
        abbreviations alone cannot vouch for each other."""
        named = [g for g in groups if g.matches and not g.abbreviation]
        pairs = self.pair_support(named) if WEIGHTS.pairs and len(named) > 1 else {}
        for group in sorted(groups, key=lambda g: g.abbreviation):
            if group.abbreviation:
                self.restrict_to_context(group)
            if group.matches:
                if group.abbreviation or group.namesakes is None:
                    totals = [_fixed_score(m) for m in group.matches]
                else:
                    totals = group.namesakes.fixed
                if group.key in pairs:
                    totals = [t + b for t, b in zip(totals, pairs[group.key])]
                k, group.belief = _top_and_belief(totals)
                self.set_pick(group, group.matches[k].place)

    def settle_picks(self, groups: list[_Group]) -> tuple[int, dict[str, int]]:
        """Let the evidence settle: two rounds of re-picking every ambiguous group in the
        context of the others' picks. Returns how many picks changed, and for each group
        that count when its scores were last computed (they hold until another pick
        changes: a group's own pick is no evidence for its candidates)."""
        changes = 0
        ranked_at: dict[str, int] = {}
        fresh_at: dict[str, int] = {}
        for _ in range(2):
            for group in groups:
                if len(group.matches) > 1 and ranked_at.get(group.key) != changes:
                    pick, ranked_at[group.key] = self.best(group), changes
                    if pick is not group.pick or abs(self._belief - group.belief) > 0.1:
                        group.belief = self._belief
                        self.set_pick(group, pick)
                        changes += 1
                    fresh_at[group.key] = changes
        return changes, fresh_at

    def final_pick(self, group: _Group, reuse: bool, results: dict[int, Mention]) -> bool:
        """Rank ``group``'s candidates once more (stated distances included), resolve its
        mentions into ``results`` with the confidence, runners-up and reason; True when
        the pick changed. ``reuse``: the scores of its last ranking still hold."""
        totals, order, best_ev = self.rank(
            group, final=True, totals=self._totals_of.get(group.key) if reuse else None
        )
        ranked = [group.matches[k] for k in order]
        changed = ranked[0].place is not group.pick
        if changed:
            self.set_pick(group, ranked[0].place)
        top = totals[order[0]]  # the first of equals, as max() would give
        weights = [math.exp(totals[k] - top) for k in order]
        norm = 0.0  # sum(weights), without the builtin's call (compiled)
        for weight in weights:
            norm += weight
        best = ranked[0]
        candidates = tuple(
            Candidate(m.place, _round4(w / norm)) for m, w in zip(ranked[1:6], weights[1:6])
        )
        reason = self.explain(group, best_ev, best, ranked)
        confidence = weights[0] / norm
        variant = group.variants.get(best.place.id)
        if variant is not None:
            confidence *= WEIGHTS.variant_confidence ** max(1, variant.edits)
        confidence = _round4(confidence)
        for i in group.indexes:
            results[i] = _resolved(self.mentions[i], best.place, confidence, candidates, reason)
        return changed

    def demonym_mention(self, m: Mention) -> Mention:
        """A demonym resolved to its country (or region)."""
        place = self.demonym_place(m.text)
        if place is None:
            return _resolved(m, None, 0.0, m.candidates, "demonym of a place not in the gazetteer")
        return _resolved(m, place, 1.0, m.candidates, f"demonym of {place.name}")

    def demonym_place(self, word: str) -> Place | None:
        """The country of a demonym, or the region of a regional one ("Abkhaz")."""
        code, region = country_of(word), region_of(word)
        if not region:
            return self.country(code) if code else None
        areas = [
            m.place
            for m in lookup(self.gazetteer, region)
            if m.quality >= 2
            and m.place.kind not in ("city", "border_crossing")
            and (not code or m.place.country == code)
        ]
        return areas[0] if areas else None

    def find_variants(self, group: _Group) -> None:
        """Give a name without candidates the near spellings of it among the places the
        article's context makes likely: its leading countries, and around its places."""
        # Typeshed says a Counter counts in ints; these weights are floats, and compiled
        # (mypyc) code checks what it reads against the declared type.
        weights: list[tuple[str, Any]] = Counter(self._totals[1]).most_common(
            WEIGHTS.variant_countries
        )
        countries = [c for c, w in weights if w > 0]
        near = [
            g.pick for g in self.by_size if g.pick is not None and g.pick.kind not in _AREA_KINDS
        ][: WEIGHTS.variant_near]
        found = variants(self.gazetteer, lookup_name(group.name), countries, near=near)
        if not found:
            return
        group.variants = {v.place.id: v for v in found}
        group.matches = [Match(v.place, 0) for v in found]
        group.settle()
        self.set_pick(
            group, max(group.matches, key=lambda m: group.static[group.matches.index(m)][0]).place
        )

    def pair_support(self, named: list[_Group]) -> dict[str, list[float]]:
        """For each group, per candidate: how near it lies to the likely candidates of the
        other groups (each near term weighted by that candidate's plausibility within its
        group, see :class:`_Namesakes`), so that the first picks start from namesakes that
        fit together ("Columbus" and "Harris County", both in Georgia) rather than from
        each name's largest. Candidates are binned in cells of 1.5 degrees, so only
        neighbours are compared."""
        support: dict[str, list[float]] = {}
        near_50, near_150 = WEIGHTS.near_50, WEIGHTS.near_150
        for group in named:
            namesakes = group.namesakes
            assert namesakes is not None
            probes = namesakes.probes
            if len(group.matches) < 2 or not probes:
                continue
            # Per candidate, the sum of the best term from each other group, in the groups'
            # order (a candidate lies in one cell: its best term from a group is found in
            # that group's entries around the cell).
            sums = [0.0] * len(group.matches)
            found = False
            for other in named:
                if other is group or other.namesakes is None:
                    continue
                theirs = other.namesakes
                if not theirs.own:
                    continue
                gathered = theirs.gathered
                for cell, cell_probes in probes:
                    entries = gathered.get(cell)
                    if entries is None:
                        if theirs.may_hold(cell):
                            entries = theirs.gather(cell)
                        else:  # most: kept, as gather keeps what it finds
                            entries = gathered[cell] = ()
                    if not entries:
                        continue
                    for k, lat0, lon0, scale in cell_probes:
                        top = 0.0
                        for lat, lon, weight in entries:
                            d_lat, d_lon = lat - lat0, (lon - lon0) * scale
                            squared = d_lat * d_lat + d_lon * d_lon
                            if squared > _BEYOND_150:
                                continue
                            if squared < _WITHIN_50:
                                term = weight * near_50
                            elif _BEYOND_50 < squared < _WITHIN_150:
                                term = weight * near_150
                            else:
                                # Equirectangular: exact enough under 150 km.
                                d = 111.2 * _hypot(d_lat, d_lon)
                                if d >= 150:
                                    continue
                                term = weight * (near_50 if d < 50 else near_150)
                            if term > top:
                                top = term
                        if top > 0.0:
                            sums[k] = sums[k] + top
                            found = True
            if found:
                support[group.key] = [WEIGHTS.pairs * total for total in sums]
        return support

    def restrict_to_context(self, group: _Group) -> None:
        """Keep an abbreviation's candidates in countries the article's other references
        (names and demonyms) point to, or holding a namesake of the name it qualifies
        ("London, Ont.": a London lies in Ontario); withhold the others."""
        context = self.context(group, False)
        qualified = [
            g for g in self.groups.values() if any(i in g.containers for i in group.indexes)
        ]
        keep = [
            k
            for k, m in enumerate(group.matches)
            if m.place.country
            and (context.weight(m.place.country) > 0 or any(_holds(m.place, g) for g in qualified))
        ]
        group.withheld = [m for k, m in enumerate(group.matches) if k not in keep]
        group.matches = [group.matches[k] for k in keep]
        group.static = [group.static[k] for k in keep]
        group.layout = _Layout.of(group.matches, group.static)

    def explain_withheld(self, group: _Group) -> str:
        """Why an abbreviation stays unresolved: what it may stand for, and where."""
        named = []
        for m in group.withheld[:3]:
            country = self.country(m.place.country)
            named.append(f"{m.place.name} ({country.name if country else m.place.country})")
        more = f" and {len(group.withheld) - 3} more" if len(group.withheld) > 3 else ""
        return (
            f"abbreviation of {', '.join(named)}{more}, none in a country the article "
            "names otherwise"
        )

    def explain(self, group: _Group, ev: _Evidence, best: Match, ranked: list[Match]) -> str:
        place, name = best.place, group.name
        variant = group.variants.get(place.id)
        if variant is not None:
            edits = f"{variant.edits} edit{'s' if variant.edits != 1 else ''}"
            lead = f"spelled '{name}'; {place.name}, {edits}"
            if normalize(variant.spelled) != normalize(place.name):
                lead += f" from its name '{variant.spelled}'"
        elif group.abbreviation:
            lead = f"abbreviation of {place.name}"
        elif len(ranked) == 1:
            lead = f"only place named '{name}'"
        elif place.kind == "country":
            lead = f"the country '{name}'"
        elif _largest_of_kind(place, ranked):
            lead = f"largest {place.kind} named '{name}' of {len(ranked)} candidates"
        else:
            lead = f"{place.kind} '{place.name}'"
            if place.population:
                lead += f" (population {place.population:,})"
        parts = [lead]
        if ev.type_word == "part":
            part = "/".join(sorted(group.parts))
            parts.append(f"a direction word names a part ({part}) of an area")
        elif ev.type_word:
            parts.append(f"'{ev.type_word}' says {place.kind.replace('_', ' ')}")
        if ev.container:
            parts.append(f"qualified by '{ev.container}'")
        if ev.country and place.kind != "country":
            country = self.country(place.country)
            where = country.name if country is not None else place.country
            if ev.country_count:
                times = "once" if ev.country_count == 1 else f"{ev.country_count} times"
                parts.append(f"in {where}, which the article names {times}")
            else:
                parts.append(f"in {where}, like the article's other places")
        if ev.admin1:
            parts.append(f"in {ev.admin1}, a region of the article")
        if ev.near:
            # The number formatted alone: compiled, an f-string with a format spec formats
            # each of its fields through str.format.
            km = format(ev.near_km, ".0f")
            parts.append(f"{km} km from {ev.near}")
        if ev.claim > 0:
            parts.append("fits a stated distance")
        return "; ".join(parts)


def resolve(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    gazetteer: Gazetteer,
    *,
    claim_support: ClaimSupport | None = None,
) -> tuple[Mention, ...]:
    """The mentions with ``place``, ``confidence`` (0..1), runner-up ``candidates`` and a
    ``reason`` filled in; demonyms get their country with confidence 1.

    ``claim_support`` (see :data:`ClaimSupport`) lets stated distances weigh in the final
    round. Mentions keep their order, so indexes into the input are indexes into the output.
    """
    del sentences  # the evidence used so far is positional; kept for a stable signature
    if not mentions:
        return ()
    return _Resolver(text, mentions, gazetteer, claim_support).run()


__all__ = [
    "NAMED_KINDS",
    "PART_KINDS",
    "TYPE_KINDS",
    "WEIGHTS",
    "ClaimSupport",
    "Weights",
    "distance_km",
    "prior",
    "resolve",
]
