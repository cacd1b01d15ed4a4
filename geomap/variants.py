"""Spelling variants: near spellings of a name among the places an article makes likely.

News spells places many ways: "Fallouja" for Fallujah, "Tikreet" for Tikrit. When a name has
no exact candidate in the gazetteer, places whose names are near spellings of it become
candidates, but only where the article's context points: the notable places (regions,
features, cities of :data:`NOTABLE_POPULATION` or more) of the countries it names or places
things in, and any place around its other places. Searched across the whole world, "Toco"
became Tokyo and "Wilkin" a town in China.

A near spelling is within :func:`max_edits` edits of the name (optimal string alignment
distance over normalised keys, computed with rapidfuzz: a swap of two letters is one edit)
*and* keeps its hard consonants (``names.consonants``): transliterations differ in vowels,
"h", "w", "y" and doubled letters ("Fallouja", "Fallujah"), while a different consonant
("Oconee", "Ocoee") is more often another place missing from the gazetteer than a typo.
Names that are ordinary English words (``geomap/models/common_words.txt``, and the
extractor's word lists) never get variants. Variants rank fewest edits first, then by the
resolver's prior (kind and population); the resolver scores them below exact matches and
gives them a lower confidence.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from geomap.gazetteer import Gazetteer
from geomap.names import consonants, is_abbreviation, normalize
from geomap.records import Place

#: How many countries' names are kept in memory per gazetteer.
POOL_COUNTRIES = 16
#: Cities of a named country searched for variants: those of at least this population (a
#: country's regions and features always are); smaller ones only near the article's places.
NOTABLE_POPULATION = 5000
#: How far around the article's other places smaller places are searched, in degrees of
#: latitude (about 110 km).
NEAR_DEGREES = 1.0


@dataclass(frozen=True, slots=True)
class Variant:
    """A place whose name is a near spelling of the name looked up."""

    place: Place
    #: The place's name (primary or alternate) the spelling is near to.
    spelled: str
    edits: int


def max_edits(key: str) -> int:
    """How many edits a near spelling of a normalised key may be from it: none under five
    letters (too many short names lie one edit apart), one up to six, two from seven on
    ("tikreet" -> "tikrit", "fallouja" -> "fallujah")."""
    letters = len(key.replace(" ", ""))
    return 0 if letters < 5 else 1 if letters < 7 else 2


#: Names by (first letter, length of key): (keys, (place, name) for each key).
_Buckets = dict[tuple[str, int], tuple[list[str], list[tuple[Place, str]]]]
_POOLS: weakref.WeakKeyDictionary[Gazetteer, dict[str, _Buckets]] = weakref.WeakKeyDictionary()


def _buckets(places: Iterable[Place]) -> _Buckets:
    buckets: _Buckets = {}
    for place in places:
        seen: set[str] = set()
        for name in (place.name, *place.alternate_names):
            if len(name) <= 6 and name is not place.name and is_abbreviation(name):
                continue
            key = normalize(name)
            if not key or key in seen:
                continue
            seen.add(key)
            bucket = buckets.setdefault((key[0], len(key)), ([], []))
            bucket[0].append(key)
            bucket[1].append((place, name))
    return buckets


def _country_pool(gazetteer: Gazetteer, country: str) -> _Buckets:
    """A country's notable places (see :data:`NOTABLE_POPULATION`), cached per gazetteer."""
    pools = _POOLS.get(gazetteer)
    if pools is None:
        pools = _POOLS[gazetteer] = {}
    pool = pools.get(country)
    if pool is None:
        if len(pools) >= POOL_COUNTRIES:
            pools.pop(next(iter(pools)))
        pool = pools[country] = _buckets(gazetteer.in_country(
            country, min_city_population=NOTABLE_POPULATION))
    return pool


def _near_pool(gazetteer: Gazetteer, points: Iterable[tuple[float, float]]) -> _Buckets:
    """The places around some points (see :data:`NEAR_DEGREES`)."""
    places: dict[str, Place] = {}
    for lat, lon in points:
        d_lon = min(180.0, NEAR_DEGREES / max(0.05, math.cos(math.radians(lat))))
        west, east = (lon - d_lon + 540) % 360 - 180, (lon + d_lon + 540) % 360 - 180
        for place in gazetteer.in_box(max(-90.0, lat - NEAR_DEGREES), west,
                                      min(90.0, lat + NEAR_DEGREES), east):
            places.setdefault(place.id, place)
    return _buckets(places.values())


@lru_cache(maxsize=1)
def _refused() -> frozenset[str]:
    from geomap import extract

    return frozenset(extract.common_words() | extract.FUNCTION_WORDS | extract.MONTHS_DAYS
                     | extract.TITLES | extract.ORG_WORDS | extract.ETHNIC_WORDS
                     | extract.DIRECTIONS)


def may_vary(name: str) -> bool:
    """Whether a name may get variants: letters enough for an edit, and no ordinary word."""
    key = normalize(name)
    return bool(key) and max_edits(key) > 0 and not any(
        word in _refused() for word in key.split())


def variants(gazetteer: Gazetteer, name: str, countries: Iterable[str], *,
             near: Iterable[tuple[float, float]] = (), limit: int = 10) -> list[Variant]:
    """Places whose names are near spellings of ``name`` (see the module doc): notable places
    of ``countries`` and any place around the ``near`` points (lat, lon), fewest edits first
    (then kind and population), one entry per place."""
    if not may_vary(name):
        return []
    from geomap.resolve import prior

    key = normalize(name)
    budget = max_edits(key)
    skeleton_key = consonants(key)
    found: dict[str, Variant] = {}
    countries = list(dict.fromkeys(c.upper() for c in countries if c))
    pools = [_country_pool(gazetteer, c) for c in countries]
    near = list(near)
    if near:
        pools.append(_near_pool(gazetteer, near))
    for buckets in pools:
        for length in range(len(key) - budget, len(key) + budget + 1):
            bucket = buckets.get((key[0], length))
            if not bucket:
                continue
            for choice, edits, index in process.extract(
                    key, bucket[0], scorer=OSA.distance, score_cutoff=budget, limit=None):
                if consonants(choice) != skeleton_key:
                    continue
                place, spelled = bucket[1][index]
                old = found.get(place.id)
                if old is None or edits < old.edits:
                    found[place.id] = Variant(place, spelled, int(edits))
    ranked = sorted(found.values(), key=lambda v: (v.edits, -prior(v.place), v.place.id))
    return ranked[:limit]


__all__ = ["NEAR_DEGREES", "NOTABLE_POPULATION", "POOL_COUNTRIES", "Variant", "max_edits",
           "may_vary", "variants"]
