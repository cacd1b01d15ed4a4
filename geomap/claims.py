"""Stated distances and directions between places: parse, compute, judge, explain.

News text often says where one place lies relative to another ("410 kilometers west of
provincial capital Ramadi"). This stage finds those statements, measures the geodesic between
the resolved places and says whether the statement holds.

Public functions, all pure:

- :func:`find_claims` ``(doc) -> tuple[Claim, ...]``: the statements in ``doc.text`` that put one
  place mention at a distance and/or direction from another.
- :func:`judge` ``(claim, subject, reference) -> ClaimCheck``: verdicts for one claim.
- :func:`fits` ``(claim, reference, places, *, subject=None) -> tuple[Place, ...]``: the places
  lying where the claim puts the subject, best fit first; :func:`target_point` gives the point
  itself (the reference moved by the stated distance along the stated bearing).
- :func:`explain` ``(claim, reference, gazetteer, *, subject=None, limit=3)``: :func:`fits` over
  a gazetteer's places near the target, notable places (same kind as the subject, border
  crossings, populous cities) first.
- :func:`check_document` ``(doc, gazetteer=None) -> Document``: a copy of ``doc`` with
  ``checks`` filled; :func:`check_row` ``(doc, check) -> dict`` flattens one check for a
  table, JSON or CSV; :func:`is_inconsistent` ``(check) -> bool``.

Resolution hook
---------------
:func:`support_hook` ``(doc, *, weight=1.0)`` returns the ``claim_support`` callable that
``geomap.resolve.resolve`` takes (``ClaimSupport``: ``(index, place, chosen) -> float``, a
log-odds bonus). Build it from the extracted, not yet resolved mentions::

    doc = Document(plain, sentences, mentions)
    mentions = resolve(plain, sentences, mentions, gaz, claim_support=support_hook(doc))

For mention ``index`` given ``place``, it sums over the claims the mention takes part in whose
other mention is already in ``chosen``, ``weight`` times the pair's score: 1 consistent,
0.7 plausible by road, 0 inconsistent, distance and direction averaged (so "410 km west of
Ramadi" gives the Husaybah crossing 0.5: wrong distance, right direction). An inconsistent
claim is never a penalty: articles do misstate distances (the founding article does), and the
checker must report that rather than resolve a place elsewhere to make the text right.

:func:`claim_support` ``(claim, subject_candidates, reference_candidates) -> dict[str, float]``
scores every candidate place id of either mention by the best pairing it takes part in:
1.0 when some pairing makes the claim consistent, 0.7 when only as a road distance, 0.0 when
no pairing does (distance and direction verdicts are averaged). :func:`mention_support`
``(doc) -> dict[int, dict[str, float]]`` runs it over every claim of a document, keyed by
mention index, using each mention's ``place`` and ``candidates``. A resolver adds
``weight * support`` to a candidate's score, so that of two places named "Springfield" the
one lying 40 km north of the stated reference wins. Ids absent from a mention's dict are not
involved in any claim; leave them unchanged.

How a claim is judged
---------------------
Distances are geodesics on WGS84 (:func:`geopy.distance.geodesic`); the bearing is the
initial azimuth from the reference to the subject (geographiclib ``Geodesic.WGS84.Inverse``).
A stated value ``v`` (or range ``lo``..``hi``) is accepted within a window:

- Precision: half the step of the number's last significant digit ("410" -> 10, so +-5;
  "400" -> 100, +-50; "3.5" -> 0.1; "two" -> 1; "two and a half" -> 0.5; "a dozen" -> 6),
  at most 25 % of the value ("100" -> +-25, not +-50).
- Relative slack: 5 % of the value for a bare number, 15 % after an approximating hedge
  ("about", "some", "roughly", "around", "approximately", "an estimated").
  The number's slack is the larger of precision and relative slack.
- Hedges that bound: "more than", "over", "at least" leave the window open above;
  "less than", "under", "up to", "within", "no more than" open it below (down to 0);
  "nearly", "almost", "close to" allow 20 % below and only the precision above.
- Extent: each place is an area, not a point. Extent radius (km): border crossing 0.5; city
  ``max(1, sqrt(population / (3000 * pi)))`` (a disc at 3,000 inhabitants per km2; 2 when the
  population is unknown), admin2 25, admin1 80, country 300, continent 2000, else 2. Both
  places' extents widen the window on each side.

Distance verdicts: "consistent" when the geodesic lies in the window; "road" when it lies
below the window but a road up to ``ROAD_FACTOR`` (1.5) times the straight line could reach it
(detour indexes of real road networks are 1.2-1.4, desert and mountain roads up to 1.5);
"inconsistent" otherwise (a road is never shorter than the straight line); "unverifiable" when
a place is unresolved; None when no distance was stated.

Direction verdicts: a stated direction covers +-45 degrees when cardinal (N, E, S, W: news use
"west" for the whole western quadrant), +-33.75 when 8-point (NE: its own sector and the
neighbouring 16-point ones), +-22.5 when 16-point (WNW), plus the angle the two extents subtend
at the computed distance, ``atan((e_subject + e_reference) / d)``. "consistent" inside,
"inconsistent" outside, "unverifiable" when a place is unresolved, None when none was stated.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, Protocol

from geomap import geometry
from geomap.geometry import COMPASS, angle_between, compass
from geomap.records import Claim, ClaimCheck, Document, Mention, Place

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


#: km per unit, keyed by canonical unit code.
UNIT_KM = {"km": 1.0, "m": 0.001, "mi": 1.609344, "nmi": 1.852, "ft": 0.0003048, "yd": 0.0009144}

APPROX_HEDGES = frozenset({"about", "around", "some", "roughly", "approximately", "approx.",
                           "circa", "an estimated", "estimated"})
LOWER_BOUND_HEDGES = frozenset({"more than", "over", "at least", "upwards of", "in excess of"})
UPPER_BOUND_HEDGES = frozenset({"less than", "under", "up to", "within", "no more than",
                                "at most", "below"})
NEARLY_HEDGES = frozenset({"nearly", "almost", "close to"})

_EXTENT_KM = {"border_crossing": 0.5, "admin2": 25.0, "admin1": 80.0, "country": 300.0,
              "continent": 2000.0}


class GazetteerLike(Protocol):
    """What :func:`explain` needs of a gazetteer (``geomap.gazetteer.Gazetteer`` has it)."""

    def in_box(self, south: float, west: float, north: float, east: float, *,
               kinds: Iterable[str] | None = None, min_population: int = 0) -> Iterator[Place]:
        ...


# --------------------------------------------------------------------------- vocabulary

_UNITS = {
    "km": "km", "kms": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km",
    "kilometers": "km", "m": "m", "metre": "m", "metres": "m", "meter": "m", "meters": "m",
    "mile": "mi", "miles": "mi", "mi": "mi", "nautical mile": "nmi", "nautical miles": "nmi",
    "nmi": "nmi", "foot": "ft", "feet": "ft", "ft": "ft", "yard": "yd", "yards": "yd",
    "yd": "yd", "yds": "yd",
}

_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_SCALES = {"hundred": 100, "thousand": 1000}

_WORD = "|".join(sorted([*_SMALL, *_TENS, *_SCALES, "dozen"], key=len, reverse=True))
_BELOW_100 = "|".join(sorted([*_SMALL, *_TENS], key=len, reverse=True))
# "and" joins a number only after a scale ("one hundred and twenty"): "between ten and twelve
# km" is a range, not 22 km.
_WORD_NUMBER = (
    rf"(?:(?:an?|one)\s+)?(?:{_WORD})\b(?:[\s-]+(?:{_WORD})\b)*"
    rf"(?:(?:(?<=hundred)|(?<=thousand))\s+and\s+"
    rf"(?:{_BELOW_100})\b(?:[\s-]+(?:{_BELOW_100})\b)?)?"
    rf"(?:\s+and\s+a\s+half)?|half\s+an?\b|an?\s+couple\s+of\b|an?\b"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d)"
_NUMBER = rf"(?:{_DIGITS}|{_WORD_NUMBER})"
_UNIT = (r"(?:nautical\s+miles?|kilomet(?:re|er)s?|kms?|met(?:re|er)s?|miles?|mi|m|nmi|"
         r"feet|foot|ft|yards?|yds?)")
_HEDGE = (r"(?:about|around|some|roughly|approximately|approx\.|circa|an\s+estimated|nearly|"
          r"almost|close\s+to|more\s+than|over|upwards\s+of|in\s+excess\s+of|at\s+least|"
          r"less\s+than|no\s+more\s+than|under|below|at\s+most|up\s+to|within)")


def _direction_words() -> tuple[str, str]:
    names = {"N": "north", "E": "east", "S": "south", "W": "west"}
    words: set[str] = set()
    for code in COMPASS:
        parts = [names[c] for c in code]
        if len(parts) == 1:
            words.add(parts[0])
        elif len(parts) == 2:
            words.update(sep.join(parts) for sep in ("-", "", " "))
        else:
            tails = {s.join(parts[1:]) for s in ("-", "")}
            words.update(parts[0] + sep + tail for sep in ("-", " ") for tail in tails)
    ordered = sorted(words, key=len, reverse=True)
    abbrevs = sorted(COMPASS, key=len, reverse=True)
    return "|".join(w.replace(" ", r"\s") for w in ordered), "|".join(abbrevs)


_DIR_WORDS, _DIR_ABBREVS = _direction_words()
_DIRECTION = rf"(?:(?:{_DIR_WORDS})|(?-i:{_DIR_ABBREVS}))(?![\w-])"

_STATEMENT = re.compile(
    rf"""
    (?<![\w.,-])
    (?:(?:just|only|barely|a\s+little)\s+)?
    (?:(?P<hedge>{_HEDGE})\s+)?
    (?P<between>between\s+)?
    (?P<n1>{_NUMBER})
    (?:\s*(?:-|–|—|to|and|or)\s*(?P<n2>{_NUMBER}))?
    (?:\s*|-)
    (?P<unit>{_UNIT})(?![\w/²³-])
    (?:\s*\([^()]{{1,40}}\)|\s*,\s*or\s+[^,]{{1,30}},)?
    (?:\s+away)?
    (?:\s+by\s+road)?
    \s+
    (?:
        (?:to\s+the\s+|due\s+)?(?P<dir>{_DIRECTION})\s+(?:of|from)\b
      | (?:away\s+)?(?P<from>from)\b
      | (?P<outside>outside)(?:\s+of)?\b
      | (?P<off>off)(?:\s+the\s+coast\s+of)?\b
      | (?P<apart>apart)\b
      | (?P<of>of)\b
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

_BARE_DIRECTION = re.compile(
    rf"(?<![\w-])(?:(?:just|due|directly|immediately|slightly)\s+)?(?:to\s+the\s+)?"
    rf"(?P<dir>{_DIRECTION})\s+of\b",
    re.IGNORECASE,
)

# Cheap necessary conditions, tried on a sentence before the two patterns above: a unit word
# where _STATEMENT can end its number, a compass word or abbreviation where _BARE_DIRECTION
# can match. Most sentences have neither, and these scan many times faster.
# Alternatives grouped by first letter: the scan tries one branch per position, not all.
_UNIT_HINT = re.compile(
    r"(?<=[\s\d-])(?i:k(?:ilomet(?:re|er)s?|ms?)|m(?:et(?:re|er)s?|iles?|i)?|n(?:autical|mi)"
    r"|f(?:eet|oot|t)|y(?:ards?|ds?))(?![\w/²³-])")
_DIRECTION_WORDS = ("north", "south", "east", "west")
_DIRECTION_LETTER = re.compile(r"[NESW]\s+(?i:of)\b")


def _direction_hint(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may state a direction (a compass word, or "N of")."""
    folded = text[start:end].casefold()
    return (any(word in folded for word in _DIRECTION_WORDS)
            or _DIRECTION_LETTER.search(text, start, end) is not None)

_TOKEN = re.compile(r"\s*([^\W\d_][\w'’.-]*[\w]|[^\W\d_]|\d[\d.,]*|[^\w\s])")
_POSSESSIVE = re.compile(r"['’]s\b")

_TYPE_WORDS = frozenset(
    "city town village hamlet port capital crossing province district region governorate "
    "county state island border base camp airport municipality settlement suburb "
    "neighbourhood neighborhood oasis valley refinery plant dam".split())
_ADJECTIVES = frozenset(
    "provincial regional national federal northern southern eastern western central coastal "
    "desert mountain holy ancient old nearby neighbouring neighboring key strategic besieged "
    "embattled main largest biggest second third commercial industrial frontline front-line oil "
    "market border small tiny remote major busy historic fishing farming restive flashpoint "
    "southernmost northernmost easternmost westernmost".split())
_COMPOUND_ADJECTIVE = re.compile(
    r"(?:north|south)-?(?:east|west)ern|[a-z]+-(?:held|controlled|largest|biggest|run)")
_REFERENCE_FILLER = _TYPE_WORDS | _ADJECTIVES | {"the", "a", "an", "of", "centre", "center",
                                                 "downtown", "city's", "town's"}
_SUBJECT_FILLER = _TYPE_WORDS | _ADJECTIVES | {
    ",", "(", "—", "–", "-", ":", "which", "that", "is", "was", "are", "were", "lies", "lay",
    "lie", "sits", "sat", "stands", "stood", "located", "situated", "lying", "sitting",
    "nestled", "set", "based", "just", "only", "now", "still", "itself", "also", "a", "an",
    "the"}
_AFTER_FILLER = _TYPE_WORDS | _ADJECTIVES | {",", "—", "–", "the", "a", "an", "lies", "lay",
                                             "sits", "sat", "stands", "is", "was", "of"}
_FRONT_WORDS = frozenset({"located", "situated", "lying", "sitting", "nestled", "set", "and",
                          "but", "just", "only", "barely", "a", "little", "“", '"', "'", "(",
                          "—"})
_CHAIN = re.compile(r"[\s,]*(?:(?:and|or|but|while)\b)?[\s,]*\Z", re.IGNORECASE)
_EDGE = re.compile(r"\s+(?:border|frontier|coast|coastline|shore)\b"
                   r"(?!\s+(?:crossing|post|gate|point|town|city|village))", re.IGNORECASE)


# --------------------------------------------------------------------------- numbers, units


def canonical_unit(written: str) -> str:
    """The unit code ("km", "m", "mi", "nmi", "ft", "yd") of a unit as written ("kilometres")."""
    key = re.sub(r"\s+", " ", written.strip().lower())
    try:
        return _UNITS[key]
    except KeyError:
        raise ValueError(f"Unknown distance unit: {written!r}") from None


def parse_number(text: str) -> tuple[float, float]:
    """The value of a number as written and the step its precision implies.

    ``"410"`` -> (410, 10); ``"1,200"`` -> (1200, 100); ``"3.5"`` -> (3.5, 0.1);
    ``"two and a half"`` -> (2.5, 0.5); ``"a dozen"`` -> (12, 6); ``"a"`` (as in "a mile")
    -> (1, 1).
    """
    text = text.strip().lower()
    if text[:1].isdigit():
        digits = text.replace(",", "")
        if "." in digits:
            return float(digits), 10.0 ** -len(digits.split(".")[1])
        stripped = digits.rstrip("0")
        return float(digits), float(f"1e{len(digits) - len(stripped)}") if stripped else 1.0
    words = re.findall(r"[a-z]+", text)
    if words[:1] == ["half"]:
        return 0.5, 0.5
    if "couple" in words:
        return 2.0, 2.0
    total = current = 0.0
    half = dozen = False
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total += (current or 1) * 1000
            current = 0
        elif word == "dozen":
            current = (current or 1) * 12
            dozen = True
        elif word == "half":
            half = True
    value = total + current
    if not value and not half and "zero" not in words:
        value = 1.0
    if half:
        return value + 0.5, 0.5
    if dozen:
        return value, 6.0
    integer = str(int(value))
    return value, 10.0 ** (len(integer) - len(integer.rstrip("0")))


def direction_code(text: str) -> str:
    """The 16-point abbreviation of a compass direction as written ("north-west" -> "NW")."""
    if text in COMPASS:
        return text
    code = "".join(p[0].upper() for p in re.findall(r"north|south|east|west", text.lower()))
    if code not in COMPASS:
        raise ValueError(f"Not a compass direction: {text!r}")
    return code


direction_degrees = geometry.compass_degrees


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class _Statement:
    """A distance/direction phrase before its places are known."""

    start: int
    rel_end: int
    low_km: float | None
    high_km: float | None
    unit: str
    direction: str | None
    hedge: str | None
    apart: bool = False


def _statements(text: str, start: int, end: int) -> list[_Statement]:
    found: list[_Statement] = []
    taken: list[tuple[int, int]] = []
    statements = _STATEMENT.finditer(text, start, end) if _UNIT_HINT.search(text, start, end) \
        else ()
    for m in statements:
        hedge = re.sub(r"\s+", " ", m["hedge"].lower()) if m["hedge"] else None
        if m["of"] and hedge != "within":
            continue
        factor = UNIT_KM[canonical_unit(m["unit"])]
        low = parse_number(m["n1"])[0] * factor
        high = parse_number(m["n2"])[0] * factor if m["n2"] else low
        if not math.isfinite(low + high):
            continue  # a number beyond float range states no distance
        found.append(_Statement(
            start=min(m.start(g) for g in ("hedge", "between", "n1") if m[g]),
            rel_end=m.end(), low_km=low, high_km=max(low, high), unit=m["unit"],
            direction=direction_code(m["dir"]) if m["dir"] else None, hedge=hedge,
            apart=bool(m["apart"])))
        taken.append((m.start(), m.end()))
    directions = _BARE_DIRECTION.finditer(text, start, end) \
        if _direction_hint(text, start, end) else ()
    for m in directions:
        if any(a <= m.start() < b for a, b in taken):
            continue
        if re.search(r"\bthe\s+\Z", text[max(start, m.start() - 6):m.start()], re.I) and \
                not m.group(0).lower().startswith("to"):
            continue
        found.append(_Statement(start=m.start(), rel_end=m.end(), low_km=None, high_km=None,
                                unit="", direction=direction_code(m["dir"]), hedge=None))
    return sorted(found, key=lambda s: s.start)


class _Sentence:
    """Place and demonym mentions of one sentence, by start and end offset."""

    def __init__(self, doc: Document, index: int, members: Sequence[int] | None = None):
        """``members``: indexes of the mentions that may lie in the sentence (default all)."""
        s = doc.sentences[index]
        self.text, self.index, self.start, self.end = doc.text, index, s.start, s.end
        self.places: dict[int, tuple[int, int]] = {}
        self.ends: dict[int, tuple[int, int]] = {}
        self.demonyms: dict[int, int] = {}
        for i in range(len(doc.mentions)) if members is None else members:
            mention = doc.mentions[i]
            if mention.start < s.start or mention.end > s.end:
                continue
            if mention.kind == "place":
                self.places[mention.start] = (i, mention.end)
                self.ends[mention.end] = (i, mention.start)
            elif mention.kind == "demonym":
                self.demonyms[mention.start] = mention.end

    def type_word_end(self, pos: int) -> int:
        """The end of a type word ("city", "crossing") right after ``pos``, else ``pos``."""
        m = re.match(r"\s+([a-z]+)\b", self.text[pos:self.end])
        return pos + m.end() if m and m[1] in _TYPE_WORDS else pos

    def scan(self, pos: int, allowed: frozenset[str], *,
             max_tokens: int = 6) -> tuple[int, int] | None:
        """The first place mention after ``pos`` reached over allowed tokens (and demonyms)
        only, as (mention index, mention end). A comma may follow a type word ("the capital,
        Kampala"). A possessive mention ("Syria's capital,
        Damascus") is passed over: only a later mention can be the answer."""
        previous = ""
        for _ in range(max_tokens + 1):
            while pos < self.end and self.text[pos].isspace():
                pos += 1
            if pos in self.places:
                index, end = self.places[pos]
                possessive = _POSSESSIVE.match(self.text, end)
                if not possessive:
                    return index, end
                pos = possessive.end()
                continue
            if pos in self.demonyms:
                pos = self.demonyms[pos]
                continue
            token = _TOKEN.match(self.text, pos, self.end)
            if not token:
                return None
            word = token[1]
            if not (_allowed(word, allowed) or word == "," and previous in _TYPE_WORDS):
                return None
            previous, pos = word.lower(), token.end()
        return None

    def left_subject(self, pos: int) -> int | None:
        """The place mention just before ``pos``, joined to it by connector words only."""
        ends = [e for e in self.ends if e <= pos]
        if not ends:
            return None
        end = max(ends)
        if _POSSESSIVE.match(self.text, end):
            return None
        tokens = _TOKEN.findall(self.text, end, pos)
        if len(tokens) > 8 or not all(t.lower() in _SUBJECT_FILLER for t in tokens):
            return None
        return self.ends[end][0]

    def mention_before(self, pos: int) -> tuple[int, int, int] | None:
        """(index, start, end) of the last place mention ending at or before ``pos``."""
        ends = [e for e in self.ends if e <= pos]
        if not ends:
            return None
        index, start = self.ends[max(ends)]
        return index, start, max(ends)

    def is_front(self, pos: int) -> bool:
        """Whether only introductory words ("Located", "Lying") precede ``pos``."""
        tokens = _TOKEN.findall(self.text, self.start, pos)
        return all(t.lower() in _FRONT_WORDS for t in tokens)


def _allowed(word: str, allowed: frozenset[str]) -> bool:
    lower = word.lower()
    return lower in allowed or bool(_COMPOUND_ADJECTIVE.fullmatch(lower))


def find_claims(doc: Document) -> tuple[Claim, ...]:
    """The stated distances and directions between place mentions of ``doc``.

    Recognised shapes, with any hedge, number, range and unit inside: "X, 50 km (30 miles)
    north of Y"; "X lies some 120 miles southeast of Y"; "X is about 10km outside Y";
    "X, a town 15 kilometres east of the capital, Y"; "N km from Y, X ..." and chains of such
    statements joined by "and" before or after their subject ("Located two kilometers from
    Al-Qaim city and 410 kilometers west of provincial capital Ramadi, the Husaybah crossing");
    "X and Y, 30 km apart"; "X, north-west of Y" (a direction alone).

    A number counts only when a distance unit and a relation ("from", "of" after a direction,
    "outside", "off", "apart") follow it and both ends are place mentions, so depths, speeds,
    areas, lengths ("a 40-km convoy") and distances to unnamed things ("30 km from the border")
    give no claim; nor does a distance to a country's edge ("15 km from the Syria border").
    ``Claim.start``/``end`` span the statement from its hedge or number to the
    reference (with a trailing type word such as "city"); "apart" claims span both places.
    """
    claims: list[Claim] = []
    # Each sentence reads only the mentions starting inside it: linear in the article's size.
    order = sorted(range(len(doc.mentions)), key=lambda i: doc.mentions[i].start)
    starts = [doc.mentions[i].start for i in order]
    for index, sentence in enumerate(doc.sentences):
        members = order[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]
        claims.extend(_sentence_claims(doc, _Sentence(doc, index, members)))
    return tuple(claims)


def _sentence_claims(doc: Document, sentence: _Sentence) -> list[Claim]:
    text = doc.text
    claims: list[Claim] = []
    pending: list[Claim] = []
    previous: Claim | None = None
    for st in _statements(text, sentence.start, sentence.end):
        if previous is not None and st.start < previous.end:
            continue
        if st.apart:
            claim = _apart_claim(sentence, st)
            if claim:
                claims.append(claim)
                previous = claim
            continue
        found = sentence.scan(st.rel_end, _REFERENCE_FILLER)
        if found is None:
            continue
        reference, ref_end = found
        if _EDGE.match(text, ref_end, sentence.end):
            continue
        end = sentence.type_word_end(ref_end)
        claim = Claim(subject=-1, reference=reference, sentence=sentence.index, start=st.start,
                      end=end, text=text[st.start:end], low_km=st.low_km, high_km=st.high_km,
                      unit=st.unit, direction=st.direction, hedge=st.hedge)
        chained = previous is not None and _CHAIN.match(text, previous.end, st.start) \
            and _CHAIN.match(text, previous.end, st.start).end() == st.start
        if chained and previous.subject == -1:
            pending.append(claim)
        elif chained:
            claim = replace(claim, subject=previous.subject)
        else:
            pending = []
            subject = sentence.left_subject(st.start)
            if subject is not None:
                claim = replace(claim, subject=subject)
            elif sentence.is_front(st.start):
                pending = [claim]
            else:
                previous = None
                continue
        if claim.subject == -1:
            after = sentence.scan(claim.end, _AFTER_FILLER, max_tokens=5)
            if after is not None:
                claims.extend(replace(c, subject=after[0]) for c in pending)
                pending = []
        elif claim.subject != claim.reference:
            claims.append(claim)
        previous = claim
    return [c for c in claims if c.subject != c.reference]


def _apart_claim(sentence: _Sentence, st: _Statement) -> Claim | None:
    """ "X and Y, 30 km apart": X is the subject, Y the reference."""
    second = sentence.left_subject(st.start)
    if second is None:
        return None
    _, second_start, _ = sentence.mention_before(st.start)
    first = sentence.mention_before(second_start)
    if first is None or not re.fullmatch(r"\s*,?\s*and\s+(?:the\s+)?",
                                         sentence.text[first[2]:second_start]):
        return None
    return Claim(subject=first[0], reference=second, sentence=sentence.index, start=first[1],
                 end=st.rel_end, text=sentence.text[first[1]:st.rel_end], low_km=st.low_km,
                 high_km=st.high_km, unit=st.unit, direction=None, hedge=st.hedge)


# --------------------------------------------------------------------------- judging


def extent_km(place: Place) -> float:
    """How far a place's edge may lie from its point (see the module docstring)."""
    if place.kind == "city":
        if place.population > 0:
            return max(1.0, math.sqrt(place.population / (CITY_DENSITY * math.pi)))
        return 2.0
    return _EXTENT_KM.get(place.kind, 2.0)


def _precision_km(claim: Claim) -> float:
    """Half the step the stated number implies, in km, read again from the claim's text
    (0 when the text holds no statement, as for hand-made claims)."""
    m = _STATEMENT.search(claim.text)
    if m is None:
        return 0.0
    factor = UNIT_KM[canonical_unit(m["unit"])]
    return parse_number(m["n1"])[1] * factor / 2


def tolerance(claim: Claim, subject: Place | None = None,
              reference: Place | None = None) -> tuple[float, float] | None:
    """The window (km) of straight-line distances consistent with the claim, or None when it
    states no distance. The upper end is ``math.inf`` after "more than", "at least" and the like.
    """
    if claim.low_km is None or claim.high_km is None:
        return None
    extents = sum(0.5 if p is None else extent_km(p) for p in (subject, reference))
    precision = _precision_km(claim)
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


_angle = angle_between


def _measure(reference: Place, place: Place) -> tuple[float, float]:
    m = geometry.measure(reference, place)
    return m.km, m.bearing


def _extent_angle(extents: float, km: float) -> float:
    return math.degrees(math.atan2(extents, km))


def _range_text(low: float, high: float | None, digits: str = ".4g") -> str:
    if high is not None and high != low:
        return f"{low:{digits}}-{high:{digits}}"
    return f"{low:{digits}}"


def _stated(claim: Claim) -> str:
    """The stated distance in km, and in its written unit when that is not km:
    "410 km", "10-15 km", "45 miles (72.42 km)"."""
    if claim.low_km is None:
        return ""
    km = f"{_range_text(claim.low_km, claim.high_km)} km"
    try:
        factor = UNIT_KM[canonical_unit(claim.unit)]
    except ValueError:
        return km
    if factor == 1.0:
        return km
    high = None if claim.high_km is None else round(claim.high_km / factor, 3)
    return f"{_range_text(round(claim.low_km / factor, 3), high, 'g')} {claim.unit} ({km})"


def judge(claim: Claim, subject: Place | None, reference: Place | None) -> ClaimCheck:
    """Verdicts for one claim given the places its mentions resolved to (None: unresolved).

    See the module docstring for the tolerance model. ``explanation`` states the stated and
    computed values, the difference in km and %, and the bearings.
    """
    if subject is None or reference is None:
        missing = ", ".join(w for w, p in (("subject", subject), ("reference", reference))
                            if p is None)
        return ClaimCheck(
            claim=claim,
            distance="unverifiable" if claim.low_km is not None else None,
            bearing="unverifiable" if claim.direction else None,
            tolerance_km=tolerance(claim, subject, reference),
            explanation=f"unverifiable: {missing} not resolved to a gazetteer place")
    km, azimuth = _measure(reference, subject)
    extents = extent_km(subject) + extent_km(reference)
    window = tolerance(claim, subject, reference)
    notes = []
    distance = None
    if window is not None:
        low, high = window
        stated = (claim.low_km + claim.high_km) / 2
        diff = km - stated
        pct = 100 * diff / stated if stated else math.inf
        if low <= km <= high:
            distance = "consistent"
        elif km < low and km * ROAD_FACTOR >= low:
            distance = "road"
        else:
            distance = "inconsistent"
        window_text = f"{low:.0f}-{high:.0f} km" if high != math.inf else f">= {low:.0f} km"
        notes.append(f"distance {distance}: stated {_stated(claim)}, computed {km:.1f} km "
                     f"({diff:+.1f} km, {pct:+.0f}%), accepted {window_text}")
        if distance == "inconsistent" and km < low:
            notes[-1] += f", a road would reach at most {km * ROAD_FACTOR:.0f} km"
        elif distance == "road":
            notes[-1] += f"; plausible as a road up to {ROAD_FACTOR:g}x the straight line"
    bearing = bearing_window = None
    if claim.direction:
        off = _angle(azimuth, direction_degrees(claim.direction))
        allowed = bearing_tolerance(claim.direction) + _extent_angle(extents, km)
        bearing_window = (direction_degrees(claim.direction), allowed)
        bearing = "consistent" if off <= allowed else "inconsistent"
        notes.append(f"direction {bearing}: stated {claim.direction} "
                     f"({direction_degrees(claim.direction):g}°), computed {azimuth:.0f}° "
                     f"({compass(azimuth)}), {off:.0f}° off, accepted {allowed:.0f}°")
    return ClaimCheck(claim=claim, distance=distance, bearing=bearing, computed_km=km,
                      computed_bearing=azimuth, tolerance_km=window,
                      explanation="; ".join(notes), bearing_window=bearing_window,
                      reference_point=(reference.lat, reference.lon))


# --------------------------------------------------------------------------- explaining


def target_point(claim: Claim, reference: Place) -> tuple[float, float] | None:
    """Where the claim puts the subject: (lat, lon) of the reference moved by the stated
    distance (middle of a range) along the stated direction; None without both."""
    if claim.low_km is None or claim.high_km is None or not claim.direction:
        return None
    km = (claim.low_km + claim.high_km) / 2
    return geometry.destination(reference, direction_degrees(claim.direction), km)


def _fit_error(claim: Claim, reference: Place, place: Place,
               window: tuple[float, float] | None) -> float | None:
    """How far inside the claim's window and sector ``place`` lies: 0 at the stated point,
    up to 1 per dimension at the window's edges; None outside."""
    if place.id == reference.id:
        return None
    km, azimuth = _measure(reference, place)
    error = 0.0
    if window is not None:
        low, high = window
        if not low <= km <= high:
            return None
        stated = (claim.low_km + claim.high_km) / 2
        span = (stated - low) if km < stated else (min(high, 2 * stated) - stated)
        error += min(1.0, abs(km - stated) / span) if span > 0 else 0.0
    if claim.direction:
        allowed = bearing_tolerance(claim.direction) + _extent_angle(
            extent_km(place) + extent_km(reference), km)
        off = _angle(azimuth, direction_degrees(claim.direction))
        if off > allowed:
            return None
        error += off / allowed
    return error


def fits(claim: Claim, reference: Place, places: Iterable[Place], *,
         subject: Place | None = None) -> tuple[Place, ...]:
    """The places lying where the claim puts its subject, best fit first.

    A place fits when its distance and bearing from ``reference`` pass :func:`judge`'s
    consistency test as if it were the subject. ``subject`` (the place the text meant) is
    excluded.
    """
    scored = []
    for place in places:
        if subject is not None and place.id == subject.id:
            continue
        error = _fit_error(claim, reference, place, tolerance(claim, place, reference))
        if error is not None:
            scored.append((error, place))
    scored.sort(key=lambda pair: pair[0])
    return tuple(p for _, p in scored)


def _search_box(claim: Claim, reference: Place) -> tuple[float, float, float, float]:
    window = tolerance(claim, None, reference)
    radius = 200.0 if window is None else min(window[1], 2 * window[0] + 50)
    dlat = radius / 110.574
    dlon = radius / (111.320 * max(0.05, math.cos(math.radians(reference.lat))))
    south, north = max(-90.0, reference.lat - dlat), min(90.0, reference.lat + dlat)
    if dlon >= 180:
        return south, -180.0, north, 180.0
    west = (reference.lon - dlon + 180) % 360 - 180
    east = (reference.lon + dlon + 180) % 360 - 180
    return south, west, north, east


def explain(claim: Claim, reference: Place, gazetteer: GazetteerLike, *,
            subject: Place | None = None, limit: int = 3) -> tuple[Place, ...]:
    """Gazetteer places that fit the claim, notable ones first.

    Candidates come from ``gazetteer.in_box`` around the reference (countries and continents
    excluded) and must pass :func:`fits`; they are ranked by fit error minus a notability
    bonus: 0.5 for the subject's kind, 0.3 for a border crossing, up to 0.5 for population
    (``log10(population) / 14``). When the box holds more than :data:`EXPLAIN_PLACES` places
    (a distant target, a dense region), only those above the lowest population floor (1,000,
    10,000, ... 10 million) that leaves at most that many are judged.
    """
    kinds = ("city", "border_crossing", "admin2")
    box = _search_box(claim, reference)
    for floor in (0, 10**3, 10**4, 10**5, 10**6, 10**7):
        places = list(islice(gazetteer.in_box(*box, kinds=kinds, min_population=floor),
                             EXPLAIN_PLACES + 1))
        if len(places) <= EXPLAIN_PLACES:
            break
    scored = []
    for place in places:
        if subject is not None and place.id == subject.id:
            continue
        error = _fit_error(claim, reference, place, tolerance(claim, place, reference))
        if error is None:
            continue
        bonus = (0.5 * (subject is not None and place.kind == subject.kind)
                 + 0.3 * (place.kind == "border_crossing")
                 + min(0.5, math.log10(place.population + 1) / 14))
        scored.append((error - bonus, place))
    scored.sort(key=lambda pair: pair[0])
    return tuple(p for _, p in scored[:limit])


def _describe_fits(reference: Place, places: Sequence[Place]) -> str:
    parts = []
    for place in places:
        km, azimuth = _measure(reference, place)
        parts.append(f"{place.name} ({km:.0f} km, bearing {azimuth:.0f}° {compass(azimuth)})")
    return ", ".join(parts)


def check_claim(claim: Claim, subject: Place | None, reference: Place | None,
                gazetteer: GazetteerLike | None = None) -> ClaimCheck:
    """:func:`judge`, then for an inconsistent claim the places that would fit and the point
    where the subject would have to be."""
    check = judge(claim, subject, reference)
    if reference is None or "inconsistent" not in (check.distance, check.bearing):
        return check
    notes = [check.explanation]
    point = target_point(claim, reference)
    if point is not None:
        notes.append(f"the subject would have to be near {point[0]:.4f}, {point[1]:.4f}")
    found: tuple[Place, ...] = ()
    if gazetteer is not None:
        found = explain(claim, reference, gazetteer, subject=subject)
        if found:
            notes.append(f"places that fit: {_describe_fits(reference, found)}")
    return replace(check, fits=found, explanation="; ".join(notes))


def check_document(doc: Document, gazetteer: GazetteerLike | None = None, *,
                   claims: Iterable[Claim] | None = None) -> Document:
    """A copy of ``doc`` with ``checks``: one :class:`ClaimCheck` per claim of
    :func:`find_claims` (or of ``claims``, if already found), judged against the places its
    mentions resolved to."""
    checks = []
    # A statement repeated between the same places (a story pasted twice) is judged once:
    # explaining an inconsistent claim searches the gazetteer, a third of a second each.
    judged: dict[tuple, ClaimCheck] = {}
    for claim in find_claims(doc) if claims is None else claims:
        subject = doc.mentions[claim.subject].place
        reference = doc.mentions[claim.reference].place
        key = (claim.text, claim.low_km, claim.high_km, claim.unit, claim.direction,
               claim.hedge, subject, reference)
        if key not in judged:
            judged[key] = check_claim(claim, subject, reference, gazetteer)
        checks.append(replace(judged[key], claim=claim))
    return replace(doc, checks=tuple(checks))


def is_inconsistent(check: ClaimCheck) -> bool:
    """Whether the distance or the direction verdict is "inconsistent"."""
    return "inconsistent" in (check.distance, check.bearing)


def check_row(doc: Document, check: ClaimCheck) -> dict[str, Any]:
    """One check as a flat row (the columns of ``geomap check``); None for empty cells."""
    claim = check.claim
    subject, reference = doc.mentions[claim.subject], doc.mentions[claim.reference]
    stated = None if claim.low_km is None else (claim.low_km + claim.high_km) / 2
    diff = None if stated is None or check.computed_km is None else check.computed_km - stated
    low, high = check.tolerance_km if check.tolerance_km else (None, None)
    return {
        "document": doc.id,
        "sentence": claim.sentence,
        "start": claim.start,
        "end": claim.end,
        "claim": claim.text,
        "subject": subject.text,
        "subject_id": subject.place.id if subject.place else None,
        "reference": reference.text,
        "reference_id": reference.place.id if reference.place else None,
        "stated_km": None if claim.low_km is None else _range_text(claim.low_km, claim.high_km),
        "unit": claim.unit or None,
        "hedge": claim.hedge,
        "computed_km": None if check.computed_km is None else round(check.computed_km, 1),
        "diff_km": None if diff is None else round(diff, 1),
        "diff_pct": None if diff is None or not stated else round(100 * diff / stated),
        "accepted_km": None if low is None else
        f"{low:.1f}-{high:.1f}" if high != math.inf else f">={low:.1f}",
        "distance": check.distance,
        "stated_direction": claim.direction,
        "stated_bearing": None if not claim.direction else direction_degrees(claim.direction),
        "computed_bearing": None if check.computed_bearing is None
        else round(check.computed_bearing),
        "computed_direction": None if check.computed_bearing is None
        else compass(check.computed_bearing),
        "bearing": check.bearing,
        "fits": "; ".join(p.name for p in check.fits) or None,
        "explanation": check.explanation,
    }


# --------------------------------------------------------------------------- resolution


def _verdict_score(check: ClaimCheck) -> float | None:
    scores = [{"consistent": 1.0, "road": 0.7, "inconsistent": 0.0}[v]
              for v in (check.distance, check.bearing)
              if v in ("consistent", "road", "inconsistent")]
    return sum(scores) / len(scores) if scores else None


def _as_place(candidate: Any) -> Place:
    return candidate.place if hasattr(candidate, "place") and \
        not isinstance(candidate, Place) else candidate


def claim_support(claim: Claim, subject_candidates: Iterable[Any],
                  reference_candidates: Iterable[Any]) -> dict[str, float]:
    """For each candidate place id (``Place`` or ``Candidate``, either side), the best score
    any pairing with a candidate of the other side gives the claim: 1.0 consistent, 0.7 road
    distance, 0.0 inconsistent (distance and direction averaged). See the module docstring."""
    subjects = [_as_place(c) for c in subject_candidates]
    references = [_as_place(c) for c in reference_candidates]
    support: dict[str, float] = {}
    for s in subjects:
        for r in references:
            if s.id == r.id:
                continue
            score = _verdict_score(judge(claim, s, r))
            if score is None:
                continue
            for place in (s, r):
                support[place.id] = max(support.get(place.id, 0.0), score)
    return support


def _candidates(mention: Mention) -> list[Place]:
    places = [c.place for c in mention.candidates]
    if mention.place is not None and all(p.id != mention.place.id for p in places):
        places.insert(0, mention.place)
    return places


def mention_support(doc: Document) -> dict[int, dict[str, float]]:
    """:func:`claim_support` for every claim of ``doc``, keyed by mention index and merged
    by maximum when a mention takes part in several claims."""
    result: dict[int, dict[str, float]] = {}
    for claim in find_claims(doc):
        subject, reference = doc.mentions[claim.subject], doc.mentions[claim.reference]
        subjects, references = _candidates(subject), _candidates(reference)
        support = claim_support(claim, subjects, references)
        for index, places in ((claim.subject, subjects), (claim.reference, references)):
            merged = result.setdefault(index, {})
            for place in places:
                if place.id in support:
                    merged[place.id] = max(merged.get(place.id, 0.0), support[place.id])
    return result


def support_hook(doc: Document, *, weight: float = 1.0,
                 claims: Iterable[Claim] | None = None,
                 ) -> Callable[[int, Place, Mapping[int, Place]], float]:
    """The ``claim_support`` callable for ``geomap.resolve.resolve`` over the claims of
    ``doc`` (whose mentions need not be resolved yet; ``claims`` if already found). See the
    module docstring."""
    involved: dict[int, list[Claim]] = {}
    for claim in find_claims(doc) if claims is None else claims:
        involved.setdefault(claim.subject, []).append(claim)
        involved.setdefault(claim.reference, []).append(claim)

    def support(index: int, place: Place, chosen: Mapping[int, Place]) -> float:
        total = 0.0
        for claim in involved.get(index, ()):
            is_subject = claim.subject == index
            other = chosen.get(claim.reference if is_subject else claim.subject)
            if other is None or other.id == place.id:
                continue
            check = judge(claim, place, other) if is_subject else judge(claim, other, place)
            total += weight * (_verdict_score(check) or 0.0)
        return total

    return support
