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
from dataclasses import dataclass, field, replace
from typing import Any

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


WEIGHTS = Weights()

#: Type words of second-level units whose names the gazetteer files with the word.
_COUNTY_WORDS = ("county", "parish", "borough")
#: Kinds without population whose prior comes from their extent.
_FEATURE_KINDS = frozenset(("region", "water", "river"))
_AREA_KINDS = frozenset(("country", "continent"))
_COUNTRIES: weakref.WeakKeyDictionary[Gazetteer, dict[str, Place | None]] = (
    weakref.WeakKeyDictionary()
)


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places (:func:`geomap.geometry.approx_km`)."""
    return approx_km(a.lat, a.lon, b.lat, b.lon)


def _quality_bonus(quality: int) -> float:
    """The score term of a match quality (see :class:`Weights`)."""
    return {3: WEIGHTS.primary, 2: WEIGHTS.alternate, 1: WEIGHTS.bare, 0: WEIGHTS.skeleton}.get(
        quality, 0.0
    )


#: Where a candidate lies, for nearness: lat, lon, the longitude window (degrees) beyond
#: which a pick lies over 400 km away, the latitude in radians and its cosine (the
#: haversine's terms of :func:`geomap.geometry.approx_km` that depend on it alone), and
#: its band of latitude (see :data:`_Near`).
_Spot = tuple[float, float, float, float, float, int]

#: What a match contributes whatever the article says, by the match's id (the entry holds
#: the match, so the id stays its own): the lookup caches hand out the same matches to
#: every article naming a place.
_FIXED: dict[int, tuple[Match, float, _Spot | None, tuple[str, str] | None]] = {}


def _fixed(match: Match) -> tuple[Match, float, _Spot | None, tuple[str, str] | None]:
    """(match, prior plus the name's term, where it lies for nearness (None for an area:
    countries and continents are near nothing), the (country, normalised admin1) of the
    region it lies in unless it is a region)."""
    entry = _FIXED.get(id(match))
    if entry is None or entry[0] is not match:
        if len(_FIXED) > 200_000:
            _FIXED.clear()
        place = match.place
        # Only distances under 400 km count: skip the far ones before the trigonometry.
        lon_window = 3.6 / max(0.05, math.cos(math.radians(place.lat)))
        p1 = math.radians(place.lat)
        spot = (
            None
            if place.kind in _AREA_KINDS
            else (place.lat, place.lon, lon_window, p1, math.cos(p1), int(place.lat // 4))
        )
        region = (
            (place.country, normalize(place.admin1))
            if place.admin1 and place.kind != "admin1"
            else None
        )
        entry = _FIXED[id(match)] = (
            match,
            prior(place) + _quality_bonus(match.quality),
            spot,
            region,
        )
    return entry


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


#: What :meth:`_Group.settle` found, by its matches' ids, type words and whether a
#: direction word names a part: (the matches, their static terms).
_STATIC: dict[tuple, tuple[tuple[Match, ...], tuple]] = {}


@dataclass
class _Group:
    """All mentions of one name in the article."""

    key: str
    name: str
    indexes: list[int] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    type_words: set[str] = field(default_factory=set)
    parts: set[str] = field(default_factory=set)  # "southern Mexico": a part of an area
    containers: set[int] = field(default_factory=set)  # indexes of qualifying mentions
    pick: Place | None = None
    #: How far the article's references count the pick: its probability among the group's
    #: candidates, raised to ``Weights.belief``.
    belief: float = 1.0
    #: An abbreviation ("Okla."): its candidates count only in countries the rest of the
    #: article names; ``withheld`` keeps the ones that did not.
    abbreviation: bool = False
    withheld: list[Match] = field(default_factory=list)
    #: Near spellings found for a name with no exact candidate, by place id.
    variants: dict[str, Variant] = field(default_factory=dict)
    #: Per candidate, what does not change while the article's picks settle:
    #: (score from prior, name and type word; the type word; where it lies for nearness
    #: (``_Spot``, None for an area); the (country, normalised admin1) of the region it lies
    #: in, if not a region).
    static: list[tuple[float, str, _Spot | None, tuple[str, str] | None]] = field(
        default_factory=list
    )

    def settle(self) -> None:
        """Fill ``static``, once the group's matches and type words are known. Without
        near spellings it depends on nothing else: remembered across articles, by the
        matches' ids (the entry holds the matches, so the ids stay theirs)."""
        key = None
        if not self.variants:
            key = (tuple(map(id, self.matches)), frozenset(self.type_words), bool(self.parts))
            known = _STATIC.get(key)
            if known is not None:
                self.static = list(known[1])
                return
        kinds: set[str] = set()
        for word in self.type_words:
            kinds |= TYPE_KINDS.get(word, frozenset())
        big_cities = {
            m.place.country
            for m in self.matches
            if m.place.kind == "city" and m.place.population >= 100_000
        }
        self.static = []
        for match in self.matches:
            place = match.place
            _, total, spot, region = _fixed(match)
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
        if key is not None:
            if len(_STATIC) > 10_000:  # some 2 KB each
                _STATIC.clear()
            _STATIC[key] = (tuple(self.matches), tuple(self.static))


@dataclass
class _Evidence:
    """Terms of one candidate's score, kept to explain the choice."""

    total: float = 0.0
    type_word: str = ""
    container: str = ""
    country: str = ""
    country_count: int = 0
    admin1: str = ""
    near: str = ""
    near_km: float = 0.0
    claim: float = 0.0


@dataclass(slots=True)
class _Context:
    """The other groups' picks, as one group's candidates are scored against them."""

    refs: _References
    weight_total: float  # at least 1
    #: The picks that are not areas of the article's 41 largest groups (see :data:`_Near`;
    #: kept up to date as picks change),
    near: _Near
    #: less the one ranked ``skip``: the group's own, or the 41st (40 others count).
    skip: int
    chosen: Mapping[int, Place] | None  # for claim_support, in the final round only


_REGION_KINDS = frozenset(("admin1", "admin2", "city", "border_crossing"))

#: Picks by bands of 4 degrees of latitude (a candidate's picks within 3.6 degrees lie in
#: its band and the two beside it), each as (rank of its group in the article's order,
#: lat, lon, lat in radians, its cosine, the group's name).
_Near = dict[int, list[tuple[int, float, float, float, float, str]]]


def _nearest(spot: _Spot, near: _Near, skip: int) -> tuple[float, str]:
    """The distance (:func:`geomap.geometry.approx_km`, its terms spread over ``spot`` and
    ``near``) to the nearest of the picks in ``near`` but the one ranked ``skip``, the first
    in the article's order of equals, and that name; picks more than 3.6 degrees of
    latitude or the spot's longitude window away (400 km at its latitude) are skipped
    before the trigonometry."""
    best_km, nearest, first = math.inf, "", -1
    lat, lon, lon_window, p1, cos_p1, band = spot
    for picks in (near.get(band - 1), near.get(band), near.get(band + 1)):
        if not picks:
            continue
        for n, pick_lat, pick_lon, p2, cos_p2, name in picks:
            if abs(pick_lat - lat) > 3.6 or n == skip:
                continue
            d_lon = abs(pick_lon - lon)
            if d_lon > lon_window and abs(d_lon - 360) > lon_window:
                continue
            dp, dl = p2 - p1, math.radians(pick_lon - lon)
            h = math.sin(dp / 2) ** 2 + cos_p1 * cos_p2 * math.sin(dl / 2) ** 2
            d = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
            if d < best_km or (d == best_km and n < first):
                best_km, nearest, first = d, name, n
    return best_km, nearest


def _contribution(group: _Group) -> tuple[dict[str, float], dict[str, float], dict[tuple, float]]:
    """What a group's pick adds to the article's references: countries named (explicit),
    country weight, and regions."""
    pick = group.pick
    if pick is None:
        return {}, {}, {}
    n = len(group.indexes) * group.belief
    explicit: dict[str, float] = {}
    weight: dict[str, float] = {}
    regions: dict[tuple, float] = {}
    if pick.kind == "country":
        explicit[pick.country] = len(group.indexes)  # for the explanation: a count
        weight[pick.country] = n
    elif pick.country:
        weight[pick.country] = 0.5 * n
    if pick.kind in _REGION_KINDS and pick.admin1:
        name = pick.name if pick.kind == "admin1" else pick.admin1
        regions[(pick.country, normalize(name))] = n
    return explicit, weight, regions


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


def _holds(region: Place, group: _Group) -> bool:
    """Whether one of the group's candidates lies in the first-level region."""
    name = normalize(region.name)
    return any(
        m.place.country == region.country and normalize(m.place.admin1) == name
        for m in group.matches
    )


#: The article's reference totals: Counters (an absent key counts 0) of explicit counts, float
#: weights and float region weights. Typeshed types a Counter's values as int, which compiled
#: (mypyc) code would check on every read, so they are typed as what they hold: numbers, Any.
_Totals = tuple[Any, Any, Any]


class _References:
    """The article's references (demonyms plus every group's pick) without one group's own:
    totals kept up to date as picks change, minus that group's contribution, so a lookup
    costs the same however many places the article names."""

    __slots__ = ("totals", "own")

    def __init__(self, totals: _Totals, own: tuple[dict, dict, dict]):
        self.totals, self.own = totals, own

    def explicit(self, country: str) -> float:
        return self.totals[0][country] - self.own[0].get(country, 0)

    def weight(self, country: str) -> float:
        return self.totals[1][country] - self.own[1].get(country, 0)

    def region(self, key: tuple) -> float:
        return self.totals[2][key] - self.own[2].get(key, 0)


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
        self.demonym_countries: Counter[str] = Counter()
        # References of the whole article (see _References), and each group's share of them.
        self._totals: _Totals = (Counter(), Counter(), Counter())
        self._weight_sum = 0.0
        self._shares: dict[str, tuple[dict, dict, dict]] = {}
        # Each group's latest scores (from best()), reused by the final ranking when no
        # other group's pick has changed since.
        self._totals_of: dict[str, list[float]] = {}
        # Each group's rank in by_size. The picks of the 41 largest groups for nearness
        # (see _Near), kept up to date by set_pick, and per group the band, entry and pick
        # it holds there. Each band's neighbourhood (it and the two beside it) has a
        # version, new whenever a pick in it changes: a candidate's nearness, remembered
        # per group with that version, is computed again only then.
        self._rank: dict[str, int] = {}
        self._near: _Near = {}
        self._near_entry: dict[str, tuple[int, tuple[int, float, float, float, float, str], Place]]
        self._near_entry = {}
        self._hood_version: dict[int, int] = {}
        self._version = 0
        self._nearness: dict[str, list[tuple[int, float, str] | None]] = {}
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
                    self.demonym_countries[code] += 1
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
                group = self.groups[key] = _Group(
                    key, m.text, matches=matches, abbreviation=abbreviated
                )
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
        if any(m.place.kind == "admin2" for m in group.matches) or not (words or not group.matches):
            return
        known = {m.place.id for m in group.matches}
        for word in words or _COUNTY_WORDS:
            for m in lookup(self.gazetteer, f"{lookup_name(group.name)} {word}"):
                if m.place.kind == "admin2" and m.quality >= 2 and m.place.id not in known:
                    known.add(m.place.id)
                    group.matches.append(Match(m.place, 1))

    def add_other_names(self, group: _Group) -> None:
        """A name without candidates takes those of the first name it may stand for
        (``extract.other_names``: "South Los Angeles" the south of Los Angeles)."""
        for name, part in other_names(lookup_name(group.name)):
            found = [Match(m.place, 1) for m in lookup(self.gazetteer, name) if m.quality >= 2]
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
        empty: tuple[dict, dict, dict] = ({}, {}, {})
        old = self._shares.get(group.key, empty)
        for total, share in zip(self._totals, old):
            for key, value in share.items():
                total[key] -= value
        self._weight_sum -= sum(old[1].values())
        group.pick = place
        new: tuple[dict, dict, dict] = _contribution(group)
        self._shares[group.key] = new
        for grand, part in zip(self._totals, new):
            for key, value in part.items():
                grand[key] += value
        self._weight_sum += sum(new[1].values())
        rank = self._rank.get(group.key, 41)
        if rank <= 40:
            self.move_near(group, rank)

    def move_near(self, group: _Group, rank: int) -> None:
        """Put the group's pick in its band of ``_near`` (an area's in none), out of the
        one it was in, and give the neighbourhoods of the bands that changed new versions."""
        pick = group.pick
        old = self._near_entry.get(group.key)
        if old is not None and old[2] is pick:
            return
        touched = []
        if old is not None:
            self._near[old[0]].remove(old[1])
            del self._near_entry[group.key]
            touched.append(old[0])
        if pick is not None and pick.kind not in _AREA_KINDS:
            p2 = math.radians(pick.lat)
            entry = (rank, pick.lat, pick.lon, p2, math.cos(p2), group.name)
            band = int(pick.lat // 4)
            self._near.setdefault(band, []).append(entry)
            self._near_entry[group.key] = (band, entry, pick)
            touched.append(band)
        for band in touched:
            self._version += 1
            for hood in (band - 1, band, band + 1):
                self._hood_version[hood] = self._version

    def references(self, exclude: _Group) -> tuple[_References, float]:
        """Country mentions (explicit), country weight and regions of all picks but
        ``exclude``'s, and the total country weight (at least 1)."""
        own = self._shares.get(exclude.key, ({}, {}, {}))
        return (_References(self._totals, own), max(1.0, self._weight_sum - sum(own[1].values())))

    def scores(
        self, group: _Group, context: _Context, ev: _Evidence | None = None, only: int = -1
    ) -> list[float]:
        """The scores of ``group``'s candidates in the current context; with ``only``, of
        that candidate alone, its terms recorded into ``ev`` to explain the choice."""
        # Most candidates are scored only to be compared (31,000 on LGL, a few hundred of
        # them explained): one loop, the terms recorded only into an ``ev`` given.
        refs = context.refs
        weights, own_weights = refs.totals[1], refs.own[1]
        regions, own_regions = refs.totals[2], refs.own[2]
        near, skip = context.near, context.skip
        support = self.claim_support if context.chosen is not None else None
        matches, static = group.matches, group.static
        versions = self._hood_version
        known = self._nearness.get(group.key)
        if known is None or len(known) != len(matches):
            known = self._nearness[group.key] = [None] * len(matches)
        out = []
        for k in range(len(matches)) if only < 0 else (only,):
            place = matches[k].place
            total, type_word, spot, region = static[k]
            container_name = ""
            if group.containers:
                term, container_name = self.container_term(group, place)
                total += term
            country = place.country
            # dict.get: a Counter's [] calls its __missing__ for an absent key, in Python.
            weight = weights.get(country, 0) - own_weights.get(country, 0) if country else 0
            if weight > 0:
                share = weight / context.weight_total
                total += WEIGHTS.country + WEIGHTS.country_share * share
            in_region = region is not None and regions.get(region, 0) - own_regions.get(region, 0)
            if in_region:
                total += WEIGHTS.region
            best_km, nearest = math.inf, ""
            if spot is not None:
                version = versions.get(spot[5], 0)
                seen = known[k]
                if seen is not None and seen[0] == version:
                    _, best_km, nearest = seen
                else:
                    best_km, nearest = _nearest(spot, near, skip)
                    known[k] = (version, best_km, nearest)
                bonus = (
                    WEIGHTS.near_50
                    if best_km < 50
                    else WEIGHTS.near_150
                    if best_km < 150
                    else WEIGHTS.near_400
                    if best_km < 400
                    else 0
                )
                if bonus:
                    total += bonus
                else:
                    nearest = ""
            claim = 0.0
            if support is not None:
                assert context.chosen is not None
                claim = min(
                    WEIGHTS.claim_cap,
                    sum(support(i, place, context.chosen) for i in group.indexes),
                )
                total += claim
            if ev is not None:
                ev.type_word, ev.container, ev.claim = type_word, container_name, claim
                ev.total = total
                if weight > 0:
                    ev.country, ev.country_count = country, int(refs.explicit(country))
                if in_region:
                    ev.admin1 = place.admin1
                if nearest:
                    ev.near, ev.near_km = nearest, best_km
            out.append(total)
        return out

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
        refs, weight_total = self.references(group)
        chosen = None
        if final and self.claim_support is not None:
            chosen = _Chosen(self.group_of, group)
        return _Context(refs, weight_total, self._near, min(self._rank[group.key], 40), chosen)

    def rank(
        self, group: _Group, final: bool = False, totals: list[float] | None = None
    ) -> tuple[list[float], list[int], _Evidence]:
        """``group``'s candidates' scores, their order (best first, the first of equals
        first) and the evidence for the best; ``totals`` of an unchanged context may be
        passed in rather than scored again."""
        context = self.context(group, final)
        if totals is None:
            totals = self.scores(group, context)
        order = sorted(range(len(totals)), key=lambda k: -totals[k])
        evidence = _Evidence()
        self.scores(group, context, evidence, order[0])
        return totals, order, evidence

    def best(self, group: _Group) -> Place:
        """The top candidate of ``group`` (the first of equals, as in :meth:`rank`)."""
        context = self.context(group, False)
        totals = self._totals_of[group.key] = self.scores(group, context)
        top = max(totals)
        self._belief = (1.0 / sum(math.exp(t - top) for t in totals)) ** WEIGHTS.belief
        return group.matches[totals.index(top)].place

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
            reuse = self.claim_support is None and fresh_at.get(group.key) == changes
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
        statics = {
            g.key: [_fixed(m)[1] for m in g.matches]
            for g in groups
            if g.matches and not g.abbreviation
        }
        pairs = self.pair_support(statics) if WEIGHTS.pairs and len(statics) > 1 else {}
        for group in sorted(groups, key=lambda g: g.abbreviation):
            if group.abbreviation:
                self.restrict_to_context(group)
            if group.matches:
                totals = statics.get(group.key) or [_fixed(m)[1] for m in group.matches]
                if group.key in pairs:
                    totals = [t + b for t, b in zip(totals, pairs[group.key])]
                top = max(totals)
                group.belief = (1.0 / sum(math.exp(t - top) for t in totals)) ** WEIGHTS.belief
                self.set_pick(group, group.matches[totals.index(top)].place)

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
        top = max(totals)
        weights = [math.exp(totals[k] - top) for k in order]
        norm = sum(weights)
        best = ranked[0]
        candidates = tuple(
            Candidate(m.place, round(w / norm, 4)) for m, w in zip(ranked[1:6], weights[1:6])
        )
        reason = self.explain(group, best_ev, best, ranked)
        confidence = weights[0] / norm
        variant = group.variants.get(best.place.id)
        if variant is not None:
            confidence *= WEIGHTS.variant_confidence ** max(1, variant.edits)
        confidence = round(confidence, 4)
        for i in group.indexes:
            results[i] = _resolved(self.mentions[i], best.place, confidence, candidates, reason)
        return changed

    def demonym_mention(self, m: Mention) -> Mention:
        """A demonym resolved to its country (or region)."""
        place = self.demonym_place(m.text)
        if place is None:
            return replace(
                m, place=None, confidence=0.0, reason="demonym of a place not in the gazetteer"
            )
        return replace(m, place=place, confidence=1.0, reason=f"demonym of {place.name}")

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
        countries = [c for c, w in self._totals[1].most_common(WEIGHTS.variant_countries) if w > 0]
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

    def pair_support(self, statics: dict[str, list[float]]) -> dict[str, list[float]]:
        """For each group, per candidate: how near it lies to the likely candidates of the
        other groups (each near term weighted by that candidate's plausibility within its
        group, from ``statics``), so that the first picks start from namesakes that fit
        together ("Columbus" and "Harris County", both in Georgia) rather than from each
        name's largest. Candidates are binned in cells of 1.5 degrees, so only neighbours
        are compared."""
        floor = math.log(WEIGHTS.pair_floor)
        around: dict[tuple[int, int], list[tuple[str, float, float, float]]] = {}
        for key, totals in statics.items():
            top = max(totals)
            for m, total in zip(self.groups[key].matches, totals):
                place = m.place
                if total - top >= floor and place.kind not in _AREA_KINDS:
                    entry = (key, place.lat, place.lon, math.exp(total - top))
                    i, j = int(place.lat // 1.5), int(place.lon // 1.5)
                    for cell in (
                        (i - 1, j - 1),
                        (i - 1, j),
                        (i - 1, j + 1),
                        (i, j - 1),
                        (i, j),
                        (i, j + 1),
                        (i + 1, j - 1),
                        (i + 1, j),
                        (i + 1, j + 1),
                    ):
                        around.setdefault(cell, []).append(entry)
        support: dict[str, list[float]] = {}
        near_50, near_150 = WEIGHTS.near_50, WEIGHTS.near_150
        for key, totals in statics.items():
            matches = self.groups[key].matches
            if len(matches) < 2:
                continue
            lowest = max(totals) + floor - math.log(5)
            terms = [0.0] * len(matches)
            for k, (m, total) in enumerate(zip(matches, totals)):
                place = m.place
                if total < lowest or place.kind in _AREA_KINDS:
                    continue
                neighbours = around.get((int(place.lat // 1.5), int(place.lon // 1.5)))
                if not neighbours:
                    continue
                best: dict[str, float] = {}
                lat0, lon0 = place.lat, place.lon
                scale = math.cos(math.radians(lat0))
                for other, lat, lon, weight in neighbours:
                    if other != key:
                        # Equirectangular: exact enough under 150 km.
                        d = 111.2 * math.hypot(lat - lat0, (lon - lon0) * scale)
                        if d < 150:
                            term = weight * (near_50 if d < 50 else near_150)
                            if term > best.get(other, 0.0):
                                best[other] = term
                if best:
                    terms[k] = WEIGHTS.pairs * sum(best.values())
            if any(terms):
                support[key] = terms
        return support

    def restrict_to_context(self, group: _Group) -> None:
        """Keep an abbreviation's candidates in countries the article's other references
        (names and demonyms) point to, or holding a namesake of the name it qualifies
        ("London, Ont.": a London lies in Ontario); withhold the others."""
        refs, _ = self.references(group)
        qualified = [
            g for g in self.groups.values() if any(i in g.containers for i in group.indexes)
        ]
        keep = [
            k
            for k, m in enumerate(group.matches)
            if m.place.country
            and (refs.weight(m.place.country) > 0 or any(_holds(m.place, g) for g in qualified))
        ]
        group.withheld = [m for k, m in enumerate(group.matches) if k not in keep]
        group.matches = [group.matches[k] for k in keep]
        group.static = [group.static[k] for k in keep]

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
        same_kind = [m for m in ranked if m.place.kind == place.kind]
        country = self.country(place.country)
        where = country.name if country is not None else place.country
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
        elif all(place.population >= m.place.population for m in same_kind) and len(same_kind) > 1:
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
            if ev.country_count:
                times = "once" if ev.country_count == 1 else f"{ev.country_count} times"
                parts.append(f"in {where}, which the article names {times}")
            else:
                parts.append(f"in {where}, like the article's other places")
        if ev.admin1:
            parts.append(f"in {ev.admin1}, a region of the article")
        if ev.near:
            parts.append(f"{ev.near_km:.0f} km from {ev.near}")
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
