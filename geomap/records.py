"""Records passed between geomap's stages: frozen dataclasses with character offsets.

Coordinates are always (lat, lon) in Python; GeoJSON's (lon, lat) appears only at the
export boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from geomap.geometry import Area

#: Parts of a place a direction word names (``Mention.part``).
PARTS = (
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "central",
)

#: Kinds of place the bundled gazetteer uses; user rows may add others. ``region``: a named
#: area that is no administrative unit (peninsula, desert, mountain range, island group, UN
#: region, "Kathmandu Valley"); ``water``: ocean, sea, gulf, bay, strait, lake; ``river``: a
#: river, its point at the middle of its course. These three carry ``extent_km``.
KINDS = (
    "continent",
    "country",
    "admin1",
    "admin2",
    "city",
    "border_crossing",
    "region",
    "water",
    "river",
    "airport",
)


def _rebuilt(record: Any) -> tuple[type, tuple[object, ...]]:
    """How pickle and copy rebuild a record (``__reduce__``): its class called with its
    fields in order. Compiled (mypyc), a frozen dataclass's own pickling sets each field
    back through the frozen ``__setattr__`` and fails; so a Document could not travel to a
    Dask worker or back. Calling the class works in both builds."""
    return type(record), tuple(getattr(record, field.name) for field in fields(record))


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

    def __init__(
        self,
        id: str,
        name: str,
        lat: float,
        lon: float,
        kind: str,
        country: str = "",
        admin1: str = "",
        population: int = 0,
        source: str = "",
        alternate_names: tuple[str, ...] = (),
        capital: str = "",
        extent_km: float = 0.0,
    ) -> None:
        # The dataclass's own __init__, written out (see Candidate): a cold parse builds some
        # 9,000 places from the index (geomap.gazetteer), at ~5 us each through the generated
        # one, which ran as interpreted Python in the compiled build.
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "admin1", admin1)
        object.__setattr__(self, "population", population)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "alternate_names", alternate_names)
        object.__setattr__(self, "capital", capital)
        object.__setattr__(self, "extent_km", extent_km)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)


class Landmark(NamedTuple):
    """A gazetteer row as a map's basemap reads it: the fields of :class:`Place` a label
    needs, under the same names.

    A tuple rather than a frozen dataclass because every map page reads about 18,600 of them
    (:meth:`geomap.gazetteer.Gazetteer.landmarks`): a frozen dataclass sets each field
    through ``object.__setattr__`` and took 3 us a row (55 ms a page), a tuple 0.4.
    """

    id: str
    name: str
    lat: float
    lon: float
    kind: str
    population: int
    capital: str
    extent_km: float


class Match(NamedTuple):
    """A gazetteer lookup's result: the place and how its name matched (3 primary,
    2 alternate, 1 only without an Arabic article, 0 by consonant skeleton, -1 an
    abbreviation: :data:`geomap.gazetteer.ABBREVIATION`).

    A tuple rather than a frozen dataclass, as :class:`Landmark`: a cold parse of LGL builds
    some 11,000 (a frozen dataclass sets each field through ``object.__setattr__``: 1.4 us a
    match, a tuple 0.7); it hashes and compares alike."""

    place: Place
    quality: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: ``text[start:end]``."""

    index: int
    start: int
    end: int

    def __init__(self, index: int, start: int, end: int) -> None:
        # The dataclass's own __init__, written out (see Candidate): a text's sentences are
        # made one by one (text.split_sentences); the generated one ran as interpreted Python.
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer place considered for a mention, with the score resolution gave it."""

    place: Place
    score: float

    def __init__(self, place: Place, score: float) -> None:
        # The dataclass's own __init__, written out: compiled (mypyc), a generated one runs
        # as interpreted Python, and object.__setattr__ here becomes a native store.
        object.__setattr__(self, "place", place)
        object.__setattr__(self, "score", score)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)


#: The confidence from which a mention's place counts as known: a map draws it filled and
#: fits its view to it; below, hollow, with a "?". Measured end to end on LGL's dev half
#: (1,709 mentions paired with a resolved gold span): 92% of the mentions at 0.5 or above lay
#: within 161 km of the gold point, 50% of those below (27% under 0.3). Resolution turns its
#: scores into confidences with a softmax over a name's candidates; a spelling variant's is
#: lowered further (``resolve.Weights.variant_confidence``).
CONFIDENT = 0.5


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the document naming a place (``kind="place"``), a place inside an
    organisation's name (``kind="modifier"``: "U.S." in "U.S. Geological Survey", "Kansas
    City" in "Kansas City Chiefs") or a country or region adjectivally (``kind="demonym"``,
    e.g. "Iraqi", "Abkhaz"), with the place chosen for it. Only ``kind="place"`` mentions
    are markers on a map; modifiers and demonyms are resolved as evidence and shown in the
    text.

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
    #: The part of the place the text means, from a direction word before the name
    #: ("southern Mexico" -> "south", "Northern Anbar" -> "north"; one of :data:`PARTS`),
    #: or "". ``place`` is then the whole area (Mexico, the country), and a map should draw
    #: the area's point with the part in its label ("southern Mexico"), not a point offset
    #: into that part: the gazetteer holds no outline to cut it from.
    part: str = ""

    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        sentence: int,
        kind: str = "place",
        type_word: str = "",
        place: Place | None = None,
        confidence: float = 0.0,
        candidates: tuple[Candidate, ...] = (),
        reason: str = "",
        part: str = "",
    ) -> None:
        # The dataclass's own __init__, written out (see Candidate): resolution makes one
        # per mention; the generated one took some 15,000 instructions compiled.
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "sentence", sentence)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "type_word", type_word)
        object.__setattr__(self, "place", place)
        object.__setattr__(self, "confidence", confidence)
        object.__setattr__(self, "candidates", candidates)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "part", part)

    @property
    def confident(self) -> bool:
        """Whether the place is known well enough to draw as such (see :data:`CONFIDENT`)."""
        return self.place is not None and self.confidence >= CONFIDENT

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)


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
    #: Where the text puts things the gazetteer lacks: estimates from stated distances and
    #: directions, and coordinates written in the text.
    locations: tuple[Location, ...] = ()

    @property
    def places(self) -> tuple[Mention, ...]:
        """Mentions that name a place (not demonyms)."""
        return tuple(m for m in self.mentions if m.kind == "place")

    @property
    def demonyms(self) -> tuple[Mention, ...]:
        """Adjectival country references ("Iraqi", "Syrian")."""
        return tuple(m for m in self.mentions if m.kind == "demonym")

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)


@dataclass(frozen=True, slots=True)
class Party:
    """One end of a location statement, as the text names it.

    ``kind`` says what the words are: "place" (a place mention, ``mention`` its index in
    ``Document.mentions``), "name" (a proper name the gazetteer lacks: "Qarawul"),
    "unnamed" (a thing without a name: "the epicentre", "a ferry"), "coreference" (a
    description or pronoun referring back to the place mention ``mention``: "the district",
    "it"), "capital" (a capital by description: "the Afghan capital"; ``country`` the
    country named, empty when the article's context must say), "description" (words no map
    can place: "the front line"), "border" (a country's border: ``mention`` the country's
    mention, or ``country`` its code: "the Syria border", "the Russian border", "the border
    with Israel"; the point judged from is the border's nearest to the subject).
    """

    text: str
    start: int
    end: int
    kind: str
    mention: int | None = None
    country: str = ""

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)


@dataclass(frozen=True, slots=True)
class Claim:
    """A location statement: the text puts ``subject`` at ``low_km``..``high_km`` (equal when
    one value is stated) and/or in ``direction`` (a 16-point compass abbreviation such as
    "W" or "NNE") from ``reference``; or, with ``point``, at written coordinates.

    An end the text does not let geomap attach is None, and ``reason`` says why; the
    statement is still reported. ``precision_km`` is half the step of the stated number
    ("410" -> 5 km), the precision the writer implied.
    """

    subject: Party | None
    reference: Party | None
    sentence: int
    start: int
    end: int
    text: str
    low_km: float | None = None
    high_km: float | None = None
    unit: str = ""
    direction: str | None = None
    hedge: str | None = None
    precision_km: float = 0.0
    point: tuple[float, float] | None = None
    reason: str = ""
    subject_reason: str = ""

    @property
    def attached(self) -> bool:
        """Whether both ends are attached (a coordinates statement needs only a subject)."""
        return self.subject is not None and (self.reference is not None or self.point is not None)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)


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
    #: "judged" (both ends are places: verdicts), "located" (the subject is not in the
    #: gazetteer: the statement places it, see ``location``), "unattached" (an end could
    #: not be attached or placed: ``explanation`` says why).
    status: str = "judged"
    computed_km: float | None = None
    computed_bearing: float | None = None
    tolerance_km: tuple[float, float] | None = None
    fits: tuple[Place, ...] = ()
    explanation: str = ""
    #: (stated bearing, accepted half-width) in degrees, when a direction was stated: the
    #: checker accepts bearings within half-width of the stated one.
    bearing_window: tuple[float, float] | None = None
    #: (lat, lon) of the reference the claim was judged from.
    reference_point: tuple[float, float] | None = None
    #: The places the ends were judged as (a coreference's antecedent, the capital a
    #: description names, written coordinates as a place of kind "coordinates").
    subject_place: Place | None = None
    reference_place: Place | None = None
    #: Index in ``Document.locations`` of the location this statement helps place.
    location: int | None = None

    @property
    def area(self) -> Area | None:
        """Where the claim allows the subject, around the reference (None when the reference
        is unresolved or the claim states neither distance nor direction): exactly the
        window and sector the verdicts were judged with, for the map to draw."""
        # Imported here: the records (and the gazetteer, which the wheel's build hook runs
        # with the standard library alone) must not need geographiclib.
        from geomap.geometry import Area

        if self.reference_point is None:
            return None
        low, high = self.tolerance_km if self.tolerance_km else (0.0, math.inf)
        if self.bearing_window is None:
            return None if self.tolerance_km is None else Area(self.reference_point, low, high)
        bearing, half = self.bearing_window
        return Area(self.reference_point, low, high, bearing=bearing, half_width=half)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)


@dataclass(frozen=True, slots=True)
class Location:
    """Where the article puts something the gazetteer lacks ("the epicentre", "Qarawul"):
    estimated from the statements about it, or written as coordinates.

    ``kind`` is "estimate" or "coordinates". ``areas`` are the regions each statement
    allows (their intersection holds the point when they agree; ``contradiction`` says
    which disagree otherwise); ``uncertainty_km`` is how far the thing may lie from
    (``lat``, ``lon``). ``checks`` index the statements in ``Document.checks``.
    ``subject`` is the first naming span; ``name`` a display name such as "the epicentre
    (20 km NE of Kathmandu)".
    """

    name: str
    subject: Party
    kind: str
    lat: float
    lon: float
    uncertainty_km: float
    sentence: int
    checks: tuple[int, ...] = ()
    areas: tuple[Area, ...] = ()
    contradiction: str = ""
    country: str = ""

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return _rebuilt(self)
