"""Spelling variants: near spellings of a name among the places an article makes likely.

News spells places many ways: "Fallouja" for Fallujah, "Tikreet" for Tikrit. When a name has
no exact candidate in the gazetteer, places whose names are near spellings of it become
candidates, but only where the article's context points: the notable places (regions,
features, cities of :data:`NOTABLE_POPULATION` or more) of the countries it names or places
things in, and any place near its other places (:data:`NEAR_KM`). Searched across the whole
world, "Toco" became Tokyo and "Wilkin" a town in China.

A near spelling keeps the name's consonant skeleton (``names.skeleton``: transliterations
differ in vowels, "h", "w", "y" and doubled letters, "Fallouja" and "Fallujah", while a
different consonant, "Oconee" and "Ocoee", is more often another place missing from the
gazetteer than a typo) *and* lies within :func:`max_edits` edits of it (optimal string
alignment distance over normalised keys, computed with rapidfuzz: a swap of two letters is
one edit). The gazetteer's index files every name under its skeleton, so finding them is
one indexed lookup. Names that are ordinary English words (``geomap/models/common_words.txt``
and the extractor's word lists) never get variants. Variants rank fewest edits first, then by
the resolver's prior (kind and population); the resolver scores them below exact matches
and gives them a lower confidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from geomap.gazetteer import Gazetteer
from geomap.names import is_abbreviation, normalize, skeleton, strip_article
from geomap.records import Place

#: Cities of a named country that may be variants anywhere in it: those of at least this
#: population (the country's regions and features always may); smaller ones only near the
#: article's other places.
NOTABLE_POPULATION = 5000
#: How near the article's other places any place may be a variant, in km.
NEAR_KM = 110.0
#: How many places sharing a skeleton are looked at, most populous first.
SKELETON_LIMIT = 200


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


@lru_cache(maxsize=1)
def _refused() -> frozenset[str]:
    from geomap import extract

    return frozenset(
        extract.common_words()
        | extract.FUNCTION_WORDS
        | extract.MONTHS_DAYS
        | extract.TITLES
        | extract.ORG_WORDS
        | extract.ETHNIC_WORDS
        | extract.DIRECTIONS
    )


def may_vary(name: str) -> bool:
    """Whether a name may get variants: letters enough for an edit, and no ordinary word."""
    key = normalize(name)
    return bool(key) and max_edits(key) > 0 and not any(word in _refused() for word in key.split())


def _spelling(key: str, place: Place, budget: int) -> tuple[int, str] | None:
    """The fewest edits from ``key`` to one of the place's names sharing its skeleton, and
    that name; None when none is within ``budget``."""
    best: tuple[int, str] | None = None
    skel = skeleton(key)
    for name in (place.name, *place.alternate_names):
        if name is not place.name and is_abbreviation(name):
            continue
        other = normalize(name)
        if skeleton(other) != skel:
            continue
        edits = min(
            OSA.distance(key, other, score_cutoff=budget),
            OSA.distance(strip_article(key), strip_article(other), score_cutoff=budget),
        )
        if edits <= budget and (best is None or edits < best[0]):
            best = (edits, name)
    return best


def variants(
    gazetteer: Gazetteer,
    name: str,
    countries: Iterable[str],
    *,
    near: Iterable[Place] = (),
    limit: int = 10,
) -> list[Variant]:
    """Places whose names are near spellings of ``name`` (see the module doc): notable places
    of ``countries`` and any place within :data:`NEAR_KM` of a ``near`` place, fewest edits
    first (then kind and population), one entry per place."""
    if not may_vary(name):
        return []
    from geomap.resolve import distance_km, prior  # resolve uses this module

    key = normalize(name)
    budget = max_edits(key)
    countries = {c.upper() for c in countries if c}
    near = list(near)
    found: list[Variant] = []
    for match in gazetteer.matches(name, fuzzy=True, limit=SKELETON_LIMIT):
        place = match.place
        if match.quality != 0:
            return []  # an exact match: no variants
        notable = place.kind != "city" or place.population >= NOTABLE_POPULATION
        if not (
            (notable and place.country in countries)
            or any(distance_km(place, p) <= NEAR_KM for p in near)
        ):
            continue
        spelling = _spelling(key, place, budget)
        if spelling is not None:
            found.append(Variant(place, spelling[1], spelling[0]))
    found.sort(key=lambda v: (v.edits, -prior(v.place), v.place.id))
    return found[:limit]


__all__ = [
    "NEAR_KM",
    "NOTABLE_POPULATION",
    "SKELETON_LIMIT",
    "Variant",
    "max_edits",
    "may_vary",
    "variants",
]
