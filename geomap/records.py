"""Records passed between geomap's stages: frozen dataclasses with character offsets.

Coordinates are always (lat, lon) in Python; GeoJSON's (lon, lat) appears only at the
export boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds of place the bundled gazetteer uses; user rows may add others.
KINDS = ("continent", "country", "admin1", "admin2", "city", "border_crossing")


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer row: a named place with a representative point."""

    id: str
    name: str
    lat: float
    lon: float
    kind: str
    country: str = ""
    admin1: str = ""
    population: int = 0
    source: str = ""
    alternate_names: tuple[str, ...] = ()
    #: "country" for a national capital, "admin1" for a first-level one, "admin2" for a
    #: district's seat; empty otherwise.
    capital: str = ""
    #: How far the place's edge may lie from its point, in km (0: unknown, use the kind's).
    extent_km: float = 0.0


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: ``text[start:end]``."""

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer place considered for a mention, with the score resolution gave it."""

    place: Place
    score: float


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the document naming a place (``kind="place"``) or a country adjectivally
    (``kind="demonym"``, e.g. "Iraqi"), with the place chosen for it.

    ``place`` is None when nothing in the gazetteer fits; ``candidates`` holds the
    runner-ups, best first; ``reason`` says in a few words why ``place`` won.
    """

    start: int
    end: int
    text: str
    sentence: int
    kind: str = "place"
    type_word: str = ""
    place: Place | None = None
    confidence: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """An article after parsing: its text, sentences and place mentions."""

    text: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...] = ()
    title: str | None = None
    url: str | None = None
    id: str | None = None
    checks: tuple[ClaimCheck, ...] = ()

    @property
    def places(self) -> tuple[Mention, ...]:
        """Mentions that name a place (not demonyms)."""
        return tuple(m for m in self.mentions if m.kind == "place")

    @property
    def demonyms(self) -> tuple[Mention, ...]:
        """Adjectival country references ("Iraqi", "Syrian")."""
        return tuple(m for m in self.mentions if m.kind == "demonym")


@dataclass(frozen=True, slots=True)
class Claim:
    """A stated distance and/or direction between two mentioned places.

    ``subject`` and ``reference`` index ``Document.mentions``: the text puts the subject at
    ``low_km``..``high_km`` (equal when one value is stated) and/or ``direction`` (a 16-point
    compass abbreviation such as "W" or "NNE") from the reference.
    """

    subject: int
    reference: int
    sentence: int
    start: int
    end: int
    text: str
    low_km: float | None = None
    high_km: float | None = None
    unit: str = ""
    direction: str | None = None
    hedge: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """A claim judged against the geodesic between its resolved places.

    Verdicts: ``distance`` is "consistent", "road" (plausible as a road distance),
    "inconsistent" or "unverifiable" (a place is unresolved, or no distance was stated: None);
    ``bearing`` is "consistent", "inconsistent", "unverifiable" or None when no direction
    was stated. ``fits`` are gazetteer places lying where the claim puts the subject.
    """

    claim: Claim
    distance: str | None
    bearing: str | None
    computed_km: float | None = None
    computed_bearing: float | None = None
    tolerance_km: tuple[float, float] | None = None
    fits: tuple[Place, ...] = ()
    explanation: str = ""
