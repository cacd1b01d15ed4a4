"""Location statements in news text: find each statement first, then attach its ends.

A statement puts something at a distance and/or in a direction from a reference ("about 20 km
north-east of Kathmandu", "just south of the burn area", "347 km (216 miles) away from Mexico
City"), or gives its coordinates ("27.79°N, 85.52°E"). Reporters write the located thing in
many ways, and the gazetteer knows only some of them, so the two ends are attached after the
statement is found, each as a :class:`~geomap.records.Party`:

- the **reference**, read rightwards from the relation word: a place mention ("of Ramadi",
  "of the town of Damboa", "of the state capital, Bhopal", "of downtown Chicago"), a capital by
  description ("the capital", "the Afghan capital", "Afghanistan's capital"), a proper name the
  gazetteer lacks, or a description ("the border", "the front line"), which no map can place;
- the **subject**, read leftwards from the statement over the words that join a subject to its
  position ("X, ...", "X lies ...", "X, which is located ...", "the epicentre was centred ...",
  "a ferry capsized ..."): the nearest place mention, proper name or noun phrase the syntax
  allows, never a farther one. A definite description of a place ("the district", "the town")
  or a pronoun ("it") refers back to the last place named before it (a coreference); a
  statement at the head of its sentence ("About 80 km from X lies ...", "Located two km from
  X, the Y crossing ...") takes the subject that follows it; statements chained by "and" share
  one subject.

:func:`find_claims` returns every statement seen, attached or not: an end that cannot be
attached is left None and the claim's ``reason`` says why, so nothing is dropped in silence.

Forms read (each seen in published news): digits, words ("about hundred kilometers"), ranges
("80 to 90 km", "some 300 km to 150 km"), every hedge, conversions in () or [] ("180 kilometers
[112 miles]", "(93 miles)south"), "kms", "Kms", metres, feet, nautical miles, "km NW of", "to
the north-west of", "due west of", "north/east of", "northwest Halmahera", "away from", "by
road", "off the coast of", "offshore of", "inland from", "a 45-mile drive south of",
"X and Y are N km apart", "the N km between X and Y", "X to Y is N miles", written coordinates
in decimal degrees or degrees and minutes.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from geomap.demonyms import country_of
from geomap.geometry import COMPASS, compass
from geomap.records import Claim, Document, Mention, Party, Place, Sentence

# --------------------------------------------------------------------------- vocabulary

#: km per unit, keyed by canonical unit code.
UNIT_KM = {"km": 1.0, "m": 0.001, "mi": 1.609344, "nmi": 1.852, "ft": 0.0003048, "yd": 0.0009144}

_UNITS = {
    "km": "km",
    "kms": "km",
    "kilometre": "km",
    "kilometres": "km",
    "kilometer": "km",
    "kilometers": "km",
    "kilo metres": "km",
    "kilo meters": "km",
    "m": "m",
    "metre": "m",
    "metres": "m",
    "meter": "m",
    "meters": "m",
    "mile": "mi",
    "miles": "mi",
    "mi": "mi",
    "mls": "mi",
    "nautical mile": "nmi",
    "nautical miles": "nmi",
    "nmi": "nmi",
    "nm": "nmi",
    "foot": "ft",
    "feet": "ft",
    "ft": "ft",
    "yard": "yd",
    "yards": "yd",
    "yd": "yd",
    "yds": "yd",
}

APPROX_HEDGES = frozenset(
    {
        "about",
        "around",
        "some",
        "roughly",
        "approximately",
        "approx.",
        "circa",
        "an estimated",
        "estimated",
        "nearly",
        "almost",
        "close to",
        "barely",
    }
)
LOWER_BOUND_HEDGES = frozenset(
    {
        "more than",
        "over",
        "at least",
        "upwards of",
        "in excess of",
        "beyond",
        "further than",
        "farther than",
    }
)
UPPER_BOUND_HEDGES = frozenset(
    {
        "less than",
        "under",
        "up to",
        "within",
        "no more than",
        "at most",
        "below",
        "not more than",
        "fewer than",
    }
)
NEARLY_HEDGES = frozenset({"nearly", "almost", "close to", "barely", "just under", "just over"})

_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)
}
_SCALES = {"hundred": 100, "thousand": 1000}

_WORD = "|".join(sorted([*_SMALL, *_TENS, *_SCALES, "dozen"], key=len, reverse=True))
_BELOW_100 = "|".join(sorted([*_SMALL, *_TENS], key=len, reverse=True))
#: Each lower-case ASCII letter with its capital: all IGNORECASE takes for it but the
#: characters of :data:`_UNCASED`.
_CASES = {c: c + c.upper() for c in "abcdefghijklmnopqrstuvwxyz"}
#: The other characters IGNORECASE takes for ASCII letters ("İ" and "ı" for "i", the Kelvin
#: sign for "k", the long "ſ" for "s"), left out of :data:`_CASES`: a class holding one
#: compiles a hundred times slower, and a text holding one is read with the plain patterns
#: (:func:`_patterns`).
_UNCASED = ("\u0130", "\u0131", "\u212a", "\u017f")


def _cased(alternatives: str) -> str:
    """``alternatives`` ("about|around|some|...") grouped by their opening letter, written as
    a case-sensitive class of the letter and its capital ("(?-i:[aA])(?:bout|round)|
    (?-i:[sS])(?:ome)|..."): the regex engine checks an alternative's first
    character before entering it only when that character is case-sensitive, so a list of
    words tried at every word start (hedges, numbers, compass words) costs a character test
    per letter instead of a step into each word. The same text is matched: no character is
    taken for two letters, so words of different letters never compete and only their order
    within a letter matters, which is kept. The patterns so written read text without the
    characters of :data:`_UNCASED` as their plain forms (``cased`` the identity) do, which
    tests/test_statements.py checks."""
    out: list[str] = []
    run: dict[str, list[str]] = {}  # by letter, since the last part not opened by one
    for part in [*_alternatives(alternatives), ""]:
        if part[:1] in _CASES and part[1:2] not in ("?", "*", "+", "{"):
            run.setdefault(part[0], []).append(part[1:])
            continue
        out += [f"(?-i:[{_CASES[c]}])(?:{'|'.join(tails)})" for c, tails in run.items()]
        run = {}
        out.append(part)
    return "|".join(out[:-1])


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` ("a(?:b|c)|d" -> ["a(?:b|c)", "d"])."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and not depth:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _word_number(cased: Callable[[str], str]) -> str:
    # "and" joins a number only after a scale ("one hundred and twenty"): "between ten and
    # twelve km" is a range, not 22 km.
    # (Only the words a match can open with are passed through ``cased``: the others are
    # tried only after a number word, and compile faster as they are.)
    others = cased(r"half\s+an?\b|an?\s+couple\s+of\b|an?\b")
    return (
        rf"(?:(?:{cased('an?|one')})\s+|)(?:{cased(_WORD)})\b(?:[\s-]+(?:{_WORD})\b)*"
        rf"(?:(?:(?<=hundred)|(?<=thousand))\s+and\s+"
        rf"(?:{_BELOW_100})\b(?:[\s-]+(?:{_BELOW_100})\b)?)?"
        rf"(?:\s+and\s+a\s+half)?|{others}"
    )


_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d)"
_NUMBER = rf"(?:{_DIGITS}|{_word_number(str)})"
_UNIT = (
    r"(?:nautical\s+miles?|kilo[\s-]?met(?:re|er)s?|kms?\.?|met(?:re|er)s?|miles?|mi|"
    r"mls|m|nmi|nm|feet|foot|ft|yards?|yds?)"
)
_HEDGES = (
    r"as\s+close\s+as|as\s+far\s+as|as\s+little\s+as|as\s+much\s+as|"
    r"about|around|some|roughly|approximately|approx\.|circa|an\s+estimated|nearly|"
    r"almost|close\s+to|barely|just\s+(?:over|under)|more\s+than|over|upwards\s+of|"
    r"in\s+excess\s+of|at\s+least|less\s+than|(?:no|not)\s+more\s+than|fewer\s+than|"
    r"under|below|at\s+most|up\s+to|within|further\s+than|farther\s+than"
)
_LEADS = r"a\s+mere|mere|just|only|barely|still"


def _compass_words() -> set[str]:
    """Every written form of the compass points ("north-north-east", "north northeast",
    "north\u2011east", "north/east", ...): 96 words."""
    names = {"N": "north", "E": "east", "S": "south", "W": "west"}
    words: set[str] = set()
    for code in COMPASS:
        parts = [names[c] for c in code]
        if len(parts) == 1:
            words.add(parts[0])
        elif len(parts) == 2:
            words.update(sep.join(parts) for sep in ("-", "", " ", "\u2011", "/"))
        else:
            tails = {s.join(parts[1:]) for s in ("-", "", "\u2011")}
            words.update(parts[0] + sep + tail for sep in ("-", " ", "\u2011") for tail in tails)
    return words


#: The compass words of :func:`_compass_words`, each point's forms sharing their first word
#: ("north", then "-", "\u2011" or a space and "north-east", "northeast", "east" or "west",
#: or "east", "/east", "west", "/west"): a text matches the same words as the flat list of
#: the 96 sorted longest first, since the words matched at one position are prefixes of one
#: another and each optional group tries the longer word first (tests/test_statements.py).
#: The flat list, and a tree of its words one character a node, made :data:`_STATEMENT` and
#: :data:`_BARE_DIRECTION` slow to compile.
_DIR_WORDS = (
    "north(?:[-\u2011\\s](?:north[-\u2011]?(?:east|west)|east|west)|/?(?:east|west))?"
    "|south(?:[-\u2011\\s](?:south[-\u2011]?(?:east|west)|east|west)|/?(?:east|west))?"
    "|east(?:[-\u2011\\s](?:north|south)[-\u2011]?east)?"
    "|west(?:[-\u2011\\s](?:north|south)[-\u2011]?west)?"
)
_DIR_ABBREVS = "|".join(sorted(COMPASS, key=len, reverse=True))
_DIRECTION = rf"(?:(?:{_DIR_WORDS})(?:ward|wards)?|(?-i:{_DIR_ABBREVS}))(?![\w-])"

# What may stand between a distance and its relation word.
_CONVERSION = (
    r"(?:\s*[(\[][^()\[\]\n]{1,40}[)\]]|\s*,\s*or\s+[^,\n]{1,30},|"
    r"\s*/\s*[\d,.]+\s*(?:km|kms|kilomet(?:re|er)s?|miles?|mi|nm|nmi)\b)"
)
_BETWEEN = (
    r"(?:\s+(?:away(?=\s+from)|distant|further|farther|out|overland|"
    r"by\s+(?:road|car|air|sea|boat|river)|as\s+the\s+crow\s+flies|in\s+a\s+straight"
    r"\s+line|(?P<trip>drive|walk|ride|trip|journey|flight|hike|sail|boat\s+ride)))"
)
_RELATION = rf"""
    (?:
        (?P<quad>(?-i:[NS])\s?\d{{1,2}}(?:\.\d+)?\s?[°º˚]\s?(?-i:[EW]))\s+(?:of|from)\b
      | (?:to\s+the\s+|due\s+|directly\s+|just\s+)?(?P<dir>{_DIRECTION})
            (?:\s*/\s*(?P<dir2>{_DIRECTION}))?\s+(?:of|from|in)\b
      | (?P<dir_bare>{_DIRECTION})(?=\s+(?:the\s+)?[A-Z])
      | (?:away\s+)?(?P<from>from)\b
      | (?P<outside>outside)(?:\s+of)?\b
      | (?P<off>off(?:shore)?)(?:\s+(?:of|from)|\s+the\s+(?:coast|shores?|coastline)
            (?:\s+of)?)?\b
      | (?P<inland>inland|upstream|downstream|upriver|downriver|uphill|downhill)
            \s+(?:of|from)\b
      | (?P<short>short)\s+of\b
      | (?P<apart>apart)\b
      | (?P<of>of)\b
      | (?P<away>away|distant)\b
    )"""


def _statement(cased: Callable[[str], str]) -> str:
    """The source of :data:`_STATEMENT`, its word lists passed through ``cased``."""
    return rf"""
    (?<![\w.,-])
    (?:(?P<lead>{cased(_LEADS)})\s+|)
    (?:(?P<hedge>(?:{cased(_HEDGES)}))\s+|)
    (?:(?P<between>{cased("between")}\s+)|)
    (?P<n1>(?:{_DIGITS}|{_word_number(cased)}))
    (?:\s*(?P<unit1>{_UNIT})(?![\w/²³-]))?
    (?:\s*(?:-|–|—|to|and|or)\s*(?P<n2>{_NUMBER}))?
    (?:\s*|-)
    (?P<unit>{_UNIT})(?![\w/²³])(?:-(?=[a-z]))?
    {_CONVERSION}?
    {_BETWEEN}*
    \s*,?\s*
    {_RELATION}
    """


def _distance_only(cased: Callable[[str], str]) -> str:
    """The source of :data:`_DISTANCE_ONLY`, its word lists passed through ``cased``."""
    return (
        rf"(?<![\w.,-])(?:(?P<hedge>(?:{cased(_HEDGES)}))\s+|)"
        rf"(?P<n1>(?:{_DIGITS}|{_word_number(cased)}))(?:\s*|-)(?P<unit>{_UNIT})"
        rf"(?![\w/²³])(?:-(?=[a-z]))?{_CONVERSION}?"
    )


_STATEMENT = re.compile(_statement(_cased), re.IGNORECASE | re.VERBOSE)

_ADVERBS = (
    r"just|due|directly|immediately|slightly|further|farther|some\s+way|well|a\s+little|not\s+far"
)


def _bare_direction(cased: Callable[[str], str]) -> str:
    """The source of :data:`_BARE_DIRECTION`, its word lists passed through ``cased``."""
    direction = rf"(?:(?:{cased(_DIR_WORDS)})(?:ward|wards)?|(?-i:{_DIR_ABBREVS}))(?![\w-])"
    return (
        rf"(?<![\w-])(?:(?P<adverb>{cased(_ADVERBS)})\s+)?(?P<to>{cased('to')}\s+the\s+)?"
        rf"(?P<dir>{direction})(?:\s*/\s*(?P<dir2>{_DIRECTION}))?\s+(?:of|from)\b"
    )


_BARE_DIRECTION = re.compile(_bare_direction(_cased), re.IGNORECASE)
# "X to Y is 1,600 miles", "the 300 km between X and Y", "X and Y are 20 miles apart" are
# read by _between below; _STATEMENT's "apart" branch covers the last.
_TRAVELLED = re.compile(
    r"\b(?:walked|drove|driven|travell?ed|flew|flown|ran|run|marched|advanced|moved|covered|"
    r"swam|sailed|cycled|biked|hiked|trekked|journeyed|retreated|pushed|fled|rode|paddled|"
    r"walk|drive|travel|fly|march|advance|cover|swim|sail|cycle|hike|trek|stay|keep|remain|"
    r"extend(?:s|ed|ing)?(?:\s+(?:out|outward|outwards))?|reach(?:es|ed|ing)?)"
    r"(?:\s+(?:(?:about|around|some|nearly|almost|more|than|over|at|least|just|another|"
    r"a|further|farther|the|last|first|final|an|estimated)\s+)*)?\s*\Z",
    re.IGNORECASE,
)
#: "N miles from X to Y": a route's length, not a position.
_ROUTE = re.compile(r"[^.;,()]{1,60}?\s(?:to|through|into)\s+(?:the\s+)?[A-Z]")
#: A number after these measures something else ("at a depth of 93 kilometers, northeast
#: of Lobuche" states only a direction).
_MEASURED = re.compile(
    r"\b(?:depth|altitude|height|elevation|length|width|radius|range|"
    r"speed|distance\s+covered)\s+of\s+(?:(?:about|around|some|nearly|"
    r"over|up\s+to|just|only)\s+)?\Z",
    re.IGNORECASE,
)
#: A direction after these tells a movement or an extent, not a position ("stretching north
#: from Damascus").
_MOTION = re.compile(
    r"\b(?:stretch(?:es|ed|ing)|extend(?:s|ed|ing)|head(?:s|ed|ing)|"
    r"mov(?:es|ed|ing)|flow(?:s|ed|ing)|march(?:es|ed|ing)|fle(?:d|eing)|"
    r"driving|drove|travell?(?:ed|ing)|sail(?:ed|ing)|flying|flew|"
    r"walk(?:ed|ing)|advanc(?:es|ed|ing)|push(?:es|ed|ing)|spreading|"
    r"drift(?:s|ed|ing)|blow(?:s|ing|n)|track(?:s|ed|ing)|veer(?:s|ed|ing)|"
    r"turn(?:s|ed|ing)|swung|swinging|shift(?:s|ed|ing))"
    r"\s+(?:(?:further|farther|slightly|due)\s+)?\Z",
    re.IGNORECASE,
)
_DISTANCE_ONLY = re.compile(_distance_only(_cased), re.IGNORECASE)

#: What can end a number (:data:`_NUMBER`) right before a unit, looked behind where a unit
#: hint starts (:func:`_numbered`): a digit, a number word, "a", "an", "of" ("a couple of").
_NUMBER_END = re.compile(
    "|".join(
        [
            r"(?<=\d)",
            *(
                f"(?<={re.escape(word)})"
                for word in [
                    *_SMALL,
                    *_TENS,
                    *_SCALES,
                    *"dozen a an of".split(),
                ]
            ),
        ]
    ),
    re.IGNORECASE,
)


def _numbered(text: str, start: int, end: int) -> bool:
    """Whether a unit hint of ``text[start:end]`` follows a number, as a distance's unit
    does: False where no match of :data:`_STATEMENT` or :data:`_DISTANCE_ONLY` can be
    ("on foot", "John M. Smith", "the yard"), which need not be read for one.

    The first unit of such a match ("km" of "5 km to 10 miles", "80 to 90 km") follows a
    number after spaces or a hyphen, and starts where :data:`_UNIT_HINT` matches, or is
    "nautical" before spaces and a "mile" that matches it (:data:`_UNIT_HINT` leaves
    "nautical" out, one scan fewer for :func:`_hinted`); unless "half" runs into it ("one
    and a halfkm"): a sentence holding "half" is read as before.
    """
    if "half" in text[start:end].lower():
        return True
    for m in _UNIT_HINT.finditer(text, start, end):
        at = _before_unit(text, start, m.start())
        if at - 8 >= start and _NAUTICAL.fullmatch(text, at - 8, at):
            at = _before_unit(text, start, at - 8)
        if _NUMBER_END.match(text, at):
            return True
    return False


def _before_unit(text: str, start: int, at: int) -> int:
    """Where a number before a unit starting at ``at`` would end: before the hyphen or the
    spaces (none before ``start``) that precede it."""
    if text[at - 1] == "-":
        return at - 1
    while at > start and text[at - 1].isspace():
        at -= 1
    return at


_NAUTICAL = re.compile("nautical", re.IGNORECASE)


@functools.cache
def _plain() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """:data:`_STATEMENT`, :data:`_DISTANCE_ONLY` and :data:`_BARE_DIRECTION` in their plain
    forms, compiled the first time a text needs them."""
    return (
        re.compile(_statement(str), re.IGNORECASE | re.VERBOSE),
        re.compile(_distance_only(str), re.IGNORECASE),
        re.compile(_bare_direction(str), re.IGNORECASE),
    )


def _patterns(
    text: str, start: int, end: int
) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """:data:`_STATEMENT`, :data:`_DISTANCE_ONLY` and :data:`_BARE_DIRECTION`, or their plain
    forms where ``text[start:end]`` holds a character of :data:`_UNCASED`."""
    part = text[start:end]
    if part.isascii() or not any(c in part for c in _UNCASED):
        return _STATEMENT, _DISTANCE_ONLY, _BARE_DIRECTION
    return _plain()


# Coordinates, one component at a time: "27.79°N", "27.91° N", "27°42′N", "28.131°N",
# "latitude 28.86 degrees North", "Lat: 28.86 N", "28.8024 degrees north latitude",
# "latitude of 27.14", "52.04 longitude". Two components of different axes a few characters
# apart make a point (in either order).
_COMPONENT = re.compile(
    r"(?<![\w.])(?:(?P<kw1>lat(?:itude)?|long(?:itude)?|lon)\.?\s*(?:of\s+|:\s*|=\s*)?)?"
    r"(?P<num>-?\d{1,3}(?:\.\d+)?)"
    r"(?P<deg>\s*(?:°|º|˚|degrees?\b|deg\b\.?)|(?=:\d\d(?:\.\d+)?\s*[NSEW]\b))?"
    r"(?::(?P<colon>\d{2}(?:\.\d+)?))?"
    r"(?:\s*(?P<min>\d{1,2}(?:\.\d+)?)\s*(?:′|'|’|minutes?\b))?"
    r"(?:\s*(?P<sec>\d{1,2}(?:\.\d+)?)\s*(?:″|\"|”|''|seconds?\b))?"
    r"(?:\s*(?P<hemi>[NSEW](?![\w’'])|north\b|south\b|east\b|west\b))?"
    r"(?:\s+(?P<kw2>latitude|longitude)\b)?",
    re.IGNORECASE,
)
_COMPONENT_GAP = re.compile(r"\s*(?:,|;|/|and|&|-|–|—)?\s*\Z", re.IGNORECASE)


# Cheap necessary conditions, tried on a sentence before the patterns above: a unit word
# where _STATEMENT can end its number, a compass word or abbreviation where _BARE_DIRECTION
# can match, a degree sign or "latitude" for coordinates. Most sentences have none. Each
# pattern opens with the characters its match can start with and checks what precedes them
# only then (a lookbehind, or "\b" written as one), so the engine skips to those characters
# instead of trying every position: the unit hint reads, unrolled,
#   (?<=[\s\d(\[-])(?i:k(?:ilo[\s-]?met(?:re|er)s?|ms?)|m(?:et(?:re|er)s?|iles?|ls|i)?
#   |n(?:mi|m)|f(?:eet|oot|t)|y(?:ards?|ds?))(?![\w/²³])
# and tests/test_statements.py checks each against its unrolled form.
_UNIT_HINT = re.compile(
    r"[kmnfyKMNFY](?<=[\s\d(\[-].)(?i:(?<=k)(?:ilo[\s-]?met(?:re|er)s?|ms?)"
    r"|(?<=m)(?:et(?:re|er)s?|iles?|ls|i)?|(?<=n)(?:mi|m)|(?<=f)(?:eet|oot|t)"
    r"|(?<=y)(?:ards?|ds?))(?![\w/²³])"
)
_DIRECTION_WORD = re.compile("north|south|east|west")  # in casefolded text
#: \b(?:[NESW]|NNE|ENE|ESE|SSE|SSW|WSW|WNW|NNW|NE|SE|SW|NW)\s+(?i:of)\b
_DIRECTION_LETTER = re.compile(
    r"[NESW](?<!\w[NESW])(?:(?<=N)(?:NE|NW|E|W)?|(?<=E)(?:NE|SE)?|(?<=S)(?:SE|SW|E|W)?"
    r"|(?<=W)(?:SW|NW)?)\s+(?i:of)\b"
)
#: [°º˚]|(?i:\blat(?:itude)?\b|\blong?(?:itude)?\b)|\d[.:]\d+\s*[NSEW]\b
_COORDINATE_HINT = re.compile(
    r"[°º˚lL\d](?:(?<=[°º˚])|(?<=[lL])(?<!\w.)(?i:at(?:itude)?\b|ong?(?:itude)?\b)"
    r"|(?<=\d)[.:]\d+\s*[NSEW]\b)"
)


# The hints above, tried on a whole article at once. A pattern opening with literal
# characters lets the engine jump from one occurrence to the next with a fast search, several
# times faster than a character class, and it tries the rest of the pattern only there, which
# costs far more than skipping a character: so each scan below opens with the literal bytes
# that fewest positions of a text hold, the rest in lookarounds. A sentence holds a match of
# the hint only if it holds a match of a scan, and is then checked with the hint itself
# (:func:`_hinted`). The scans read the text as ASCII bytes, every other character a "?",
# translated (:func:`_scan_table`) so that the letters a scan opens with are one byte and
# whatever else a lookaround reads, bar letters, another: as a text without the characters
# of :data:`_FOLDED_TO_LETTERS` has no letter the hints' IGNORECASE takes for an ASCII letter
# but those, the scans find each ASCII letter where the hints do, and take any byte made
# "\x03" for whatever a lookaround or a space there reads (a space, a digit, a sign, a
# letter outside ASCII), so that they find every match of the hints, and maybe more.


def _scan_table(marked: bytes, mark: bytes, lower: bool) -> bytes:
    """A table for ``bytes.translate``: the letters of ``marked`` made ``mark``, the other
    ASCII letters kept (lowered if ``lower``), every other byte made "\\x03"."""
    out = bytearray(b"\x03" * 256)
    for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        out[c] = c | 0x20 if lower else c
    for c in marked:
        out[c] = mark[0]
    return bytes(out)


#: The unit, latitude and compass-word scans read the text as ASCII bytes translated by
#: :data:`_SCAN_TABLE` ("\x03" and the translation, :func:`_hinted`): letters lowered, "k",
#: "m", "f", "y" and "l" made "\x02", and any other byte "\x03" (a "?" of the ASCII bytes
#: too, whatever it stood for). :data:`_UNIT_SCAN` opens with a "\x03" and a "\x02", a prefix
#: the engine skips to and few positions hold (a word opening with one of the letters: a
#: unit opens a word, spaces, digits, "(", "[" or "-" before it, and "lat" and "lon" do),
#: then tries the endings of the units, or of "lat" and "lon" (the group "lat" says which:
#: no ending is both); :data:`_NM_SCAN` finds "nm" and "nmi". A match starts where the
#: hint's letter is in the text. As a "\x03" or "\x02" may stand for what the hint rejects
#: (a digit after "km", "km/h", "my"), the scans find every match of the hints, and more.
_SCAN_TABLE = _scan_table(b"kmfylKMFYL", b"\x02", lower=True)
_UNIT_SCAN = re.compile(
    rb"\x03\x02(?:(?=(?:i\x02o\x03?\x02et(?:re|er)s?|\x02s?|et(?:re|er)s?|i\x02es?|\x02s|i|eet"
    rb"|oot|t|ards?|ds?)?(?![a-z\x02]))|(?=(?:at(?:itude)?|ong?(?:itude)?)(?![a-z\x02]))(?P<lat>))"
)
_NM_SCAN = re.compile(rb"\x03n\x02(?=i?(?![a-z\x02]))")
#: A compass abbreviation (:data:`_DIRECTION_LETTER`) or a hemisphere after a digit or a
#: space (that of a decimal coordinate, :data:`_COORDINATE_HINT`), in the ASCII bytes
#: translated by :data:`_LETTER_TABLE` ("N", "E", "S" and "W" made "\x01", the other letters
#: kept, any other byte "\x03") with a "\x03" after: the last of at most three such letters
#: before "of" and what may precede it, or one after what may stand for a digit or a space
#: and before what may stand for no word character. The match is at the last letter of the
#: run, in the sentence of the first.
_LETTER_TABLE = _scan_table(b"NESW", b"\x01", lower=False)
_LETTER_SCAN = re.compile(rb"\x01\x03(?:(?<=\x03\x01\x03)|(?=\x03*(?i:of)\b))")
_DEGREE_SIGNS = "°º˚"
#: :data:`_DIRECTION_OF` after a compass word, in the scanned bytes.
_DIRECTION_OF_SCAN = re.compile(rb"(?:wards?)?\x03+(?:o\x02|\x02ro\x02)")
_DIRECTION_NAMES = (b"north", b"south", b"east", b"west")
#: The characters outside ASCII that IGNORECASE takes for an ASCII letter or that casefold
#: to one or more (tests/test_statements.py lists them from all of Unicode): a text holding
#: one is read sentence by sentence (:func:`_hinted_one_by_one`).
_FOLDED_TO_LETTERS = "ßİıŉſǰẖẗẘẙẚẞ\u212aﬀﬁﬂﬃﬄﬅﬆ"
_FOLDED_SET = frozenset(_FOLDED_TO_LETTERS)


# --------------------------------------------------------------------------- word classes

_TYPE_WORDS = frozenset(
    "city town village hamlet port capital crossing province district region governorate "
    "county state island border base camp airport municipality settlement suburb "
    "neighbourhood neighborhood oasis valley refinery plant dam outpost post checkpoint "
    "headquarters township area areas locality commune payam county oblast raion "
    "prefecture department parish borough community enclave resort harbour harbor "
    "airfield airbase garrison mine site poblacion".split()
)
_CAPITAL_WORDS = frozenset({"capital", "capitol"})
#: A road's name ("Highway 30", "Route 128", "County Road 109", "U.S. 79", "I-95", "Oak
#: Street"): a line, not a point.
_ROAD = re.compile(
    r"(?:(?:U\.?S\.?|State|County|Interstate|National|Provincial)\s+)?"
    r"(?:Highway|Hwy\.?|Route|Rte\.?|Road|Rd\.?|Interstate|Freeway|"
    r"Expressway|Motorway|Turnpike|Parkway|Pkwy\.?)\s*\d+[A-Z]?\b|"
    r"(?:U\.S\.|US|I|SR|CR|FM)(?:-|\s)\d{1,4}\b|"
    r"(?:[A-Z][\w'’.-]*\s+){1,3}(?:Street|St\.|Avenue|Ave\.?|Road|Rd\.?|"
    r"Boulevard|Blvd\.?|Lane|Drive|Highway|Way|Pike|Parkway)\b"
)
_CAPITAL_AFTER = re.compile(
    r"\s+(?:(?:state|regional|provincial|district|national|county)"
    r"\s+)?(?:capital|headquarters|seat)(?:\s+city)?\s*(?:,|of)?\s*",
    re.IGNORECASE,
)
#: The type words of a region, which only locates the place named before it ("Meshkin Dasht
#: in Alborz Province"); the first of a name's last word, the second of a mention's type word.
_REGION_WORDS = frozenset(
    "province district state region county governorate oblast prefecture department "
    "territory municipality".split()
)
_REGION_TYPE_WORDS = frozenset("province district state region county governorate".split())
#: Heads that make a name with the capitalised words before them ("Kalyan station",
#: "Gezira state", "Huntington canyon").
_FEATURE_WORDS = _TYPE_WORDS | frozenset(
    "station mine canyon reservoir lake river bridge market hospital school field forest park "
    "beach bay island islands shoal reef mountain mountains hill hills valley highway road "
    "junction gorge pass creek".split()
)
#: A heading ("westwards", "north-northwestward"), an adverb of motion.
_HEADING = re.compile(
    r"(?:north|south|east|west)(?:[-\u2011]?(?:north|south|east|west)){0,2}wards?"
)
#: Words opening an aside between commas after a name ("Kalyan, in Thane district, 60 km").
_ASIDE_PREPOSITIONS = frozenset("under in near at on off along within".split())
#: Participles opening an aside ("X, located in ..., 40 km from"): not a finite verb
#: ("The attack, in which ..., occurred in the village of Mabule, 25 km from") nor an
#: action ("fired four missiles, hitting ... Datta Khel town, 45 km west of").
_ASIDE_PARTICIPLES = frozenset(
    "located situated based known called named described considered seen estimated "
    "reported built founded home nestled perched set measuring lying sitting bordering "
    "overlooking housing covering stretching spanning boasting comprising including having "
    "being according".split()
)
#: Units of speed, in a speed adjunct ("moved ... with a speed of 12 kmph").
_SPEED_UNITS = frozenset("kmph kph km/h mph knots kt kts".split())
_REFERENCE_ADJECTIVES = frozenset(
    "provincial regional national federal state district divisional county municipal "
    "northern southern eastern western central coastal desert mountain holy ancient old "
    "nearby neighbouring neighboring key strategic besieged embattled main largest biggest "
    "second third commercial industrial frontline front-line oil market border small tiny "
    "remote major busy historic fishing farming mining trading shipping restive flashpoint "
    "southernmost northernmost easternmost westernmost northeastern northwestern southeastern "
    "southwestern north-eastern north-western south-eastern south-western island "
    "administrative economic political seaside port garrison rebel-held government-held "
    "famous popular picturesque sprawling capital".split()
)
_REFERENCE_LEADS = frozenset(
    "the a an of downtown central centre center heart outskirts edge city's town's "
    "village's country's centre's shores shore coast coastline mouth tip".split()
)
_DETERMINERS = frozenset(
    "the a an this that these those its their his her our another one some any each every".split()
)
_ING_PREPOSITIONS = frozenset(
    "following including regarding concerning during according "
    "excluding pending considering".split()
)
_REPORTING = frozenset(
    "say says said tell told report reports reported claim claims according".split()
)
_ARTICLES = frozenset("a an the this these those its their his her our".split())
_PRONOUNS = frozenset({"it", "which", "that", "where", "they", "both"})
#: Words that may stand between a subject and its statement in apposition ("X, which is
#: located about ...", "the epicentre was ...").
_LINKS = frozenset(
    """, ( [ — – - : " “ ” ‘ ’ ' to lying sitting standing located
    situated nestled set based centred centered positioned perched just only now still
    itself also reportedly apparently allegedly officially roughly about around some
    approximately nearly almost barely exactly precisely estimated thought believed said
    currently initially later at down up out off briefly eastbound westbound northbound
    southbound earlier already recently previously again soon still underway adrift afloat
    aground anchored moored .""".split()
)
_VERBS = frozenset(
    """said says told added stated explained noted announced reported wrote asked argued
    insisted warned urged claimed admitted denied confirmed declared replied responded
    attacked stormed seized captured killed fled moved travelled traveled drove walked flew
    arrived returned reached left entered crossed took took advanced retreated launched
    fired shelled bombed hit struck raided evacuated rescued rescue search searched
    searching sent deployed carried brought""".split()
)
_TIME_WORDS = frozenset(
    """gmt utc ist aest aedt awst acst est edt cst cdt mst mdt pst pdt bst cet cest wib mt
    pt et ct hrs a.m p.m lt since monday tuesday wednesday thursday friday saturday sunday
    morning afternoon evening night
    midnight noon dawn dusk today yesterday tonight weekend week month year hours hour
    a.m. p.m. am pm gmt utc ist local time january february march april may june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    early late last""".split()
)
_CLOCK = re.compile(
    r"\d{1,2}(?:[:.]\d{2}(?:am|pm|a\.m\.|p\.m\.|hrs|h)?|"
    r"(?:am|pm|a\.m\.|p\.m\.|hrs|h))|\d{4}(?:hrs|h|gmt|utc)"
)
_PREPOSITIONS = frozenset(
    """in on at of from near into onto by for off over under across along inside outside
    toward towards to through after before during between among behind beyond within
    without via per like around against upon with""".split()
)
_RELATIVES = frozenset({"that", "which", "who", "where"})
#: Prepositions that may open a clause ("after their vessel capsized"), or an absolute
#: phrase ("with the epicentre reported ..."), whose noun phrase is a subject.
_CLAUSE_PREPOSITIONS = frozenset(
    {"with", "after", "before", "since", "until", "as", "when", "while", "once"}
)
#: Intransitive verbs of events and positions, which a located subject comes before.
_EVENT_VERBS = frozenset(
    """is was are were be been being lies lay lie sits sat sit stands stood stand located
    situated nestled centred centered positioned perched struck strikes hit hits occurred
    occurs happened happens erupted erupts exploded explodes capsized capsizes sank sinks
    crashed crashes landed lands ditched went go goes came come fell falls started began
    originated emerged surfaced formed found seen spotted sighted discovered reported recorded
    detected registered measured rattled shook jolted runs ran flows flowed rises rose
    stretches stretched burning burns burned moving moves heading heads tracked sailing
    drifting stranded grounded anchored based stationed parked hovering spinning churning
    intensified weakened made took broke passes pass crosses crossed extends winds wound
    goes meanders meandered abuts borders""".split()
)
#: Words ending in -ed or -ing that are not verbs.
_NOT_VERBS = frozenset(
    """hundred red bed shed speed seed feed need breed weed steed creed deed greed sled
    morning evening building ceiling thing king ring spring string wing sibling meeting
    wedding bombing shooting killing fighting uprising landing crossing setting dwelling
    during something nothing anything everything beijing kunming nanjing chongqing
    harbin ping ming""".split()
)
_TIME_PREPOSITIONS = frozenset(
    {"on", "at", "in", "around", "about", "by", "early", "late", "shortly", "before", "after"}
)
#: Prepositions that put a thing in a setting ("a crash on Highway 84").
_DIRECTION_ADJECTIVE = re.compile(
    r"(?:north|south|east|west|central|north-?east|"
    r"north-?west|south-?east|south-?west)(?:ern)?"
)
#: Facilities a reference may name by the town they are in ("an airport in Oksibil city").
_FACILITIES = frozenset(
    """airport airfield airstrip port harbour harbor base camp station plant mine hospital
    school market bridge dam prison stadium refinery factory hotel church mosque temple
    checkpoint crossing terminal""".split()
)
_SETTING_PREPOSITIONS = frozenset(
    {
        "in",
        "on",
        "at",
        "inside",
        "off",
        "along",
        "across",
        "over",
        "into",
        "onto",
        "from",
        "through",
    }
)
#: Heads of noun phrases naming settings, not things.
_SETTING_NOUNS = frozenset(
    """mountains mountain hills hill sky skies sea seas waters water ocean area areas region
    regions part parts province district highway road street desert forest valley coast
    coastline state county territory zone mediterranean gulf bay strait channel lake river
    outskirts suburbs countryside interior north south east west heart centre center middle
    corridor belt basin plains plain jungle bush wilderness range cliff cliffs ravine gorge
    canyon storm storms rain fog weather stretch section location position point spot
    floor seabed""".split()
)
#: Last words of names of settings ("the Cascade Mountains", "the Red Sea").
_SETTING_NAMES = frozenset(
    """mountains range sea ocean gulf bay strait channel river desert forest highway road
    street lake""".split()
)
_CLAUSE_BREAK = frozenset(
    {
        ";",
        "said",
        "says",
        "told",
        "but",
        "while",
        "whereas",
        "when",
        "after",
        "before",
        "as",
        "because",
        "although",
    }
)
#: Antecedent kinds a definite description refers back to ("the district" -> an admin2...).
_COREFERENCE_KINDS = {
    "town": ("city",),
    "city": ("city",),
    "village": ("city",),
    "hamlet": ("city",),
    "settlement": ("city",),
    "port": ("city",),
    "capital": ("city",),
    "locality": ("city",),
    "district": ("admin2", "admin1", "city"),
    "county": ("admin2",),
    "province": ("admin1",),
    "state": ("admin1",),
    "region": ("admin1", "region"),
    "governorate": ("admin1",),
    "oblast": ("admin1",),
    "country": ("country",),
    "island": ("city", "region"),
    "area": None,
    "site": None,
    "place": None,
}
_WORD_TOKEN = re.compile(
    r"\d+(?:[.,:]\d+)*(?:-[^\W\d_]+)*|[^\W\d_](?:[\w'’.\u2011-]*[\w])?|[^\w\s]"
)
_POSSESSIVE = re.compile(r"['’]s\b")
#: What follows a distance between two places named after it ("... between X and Y") and
#: what precedes one between two places named before it ("X to Y is ..."): the first test of
#: :meth:`_Context.pair_after` and :meth:`_Context.pair_before`, made by :func:`_phrases` too,
#: which keeps only the distances that pass one (a sentence with no other leaves no claim).
_PAIR_AFTER = re.compile(r"\s+(?:between|separat(?:e|es|ing))\s+(?:the\s+)?")
_PAIR_BEFORE = re.compile(
    r"\s+(?:is|was|are|were|of|measures|:|—|–|-)\s+(?:(?:about|around|some|"
    r"roughly|nearly|just|only|approximately|over|more\s+than|less\s+than|"
    r"almost)\s+)?\Z"
)
_EDGE = re.compile(
    r"\s*(?:['’]s\s+)?(?:[-–]\s*(?P<other>[A-Z][\w.]*)\s+)?"
    r"(?:(?P<border>border|frontier|boundary)|coast|coastline|shore)\b"
    r"(?!\s+(?:crossing|post|gate|point|town|city|village|guard|police))",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- numbers


def canonical_unit(written: str) -> str:
    """The unit code ("km", "m", "mi", "nmi", "ft", "yd") of a unit as written ("kilometres")."""
    key = re.sub(r"[\s-]+", " ", written.strip().lower()).rstrip(".")
    try:
        return _UNITS[key]
    except KeyError:
        raise ValueError(f"Unknown distance unit: {written!r}") from None


def parse_number(text: str) -> tuple[float, float]:
    """The value of a number as written and the step its precision implies.

    ``"410"`` -> (410, 10); ``"1,200"`` -> (1200, 100); ``"3.5"`` -> (3.5, 0.1);
    ``"two and a half"`` -> (2.5, 0.5); ``"a dozen"`` -> (12, 6); ``"a"`` (as in "a mile")
    -> (1, 1); ``"hundred"`` -> (100, 100).
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
            current = 0.0
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


def _joined_direction(first: str, second: str | None) -> str:
    """ "north/east" -> "NE": two written directions joined by a slash."""
    code = direction_code(first)
    if second:
        joined = code + direction_code(second)
        if joined in COMPASS:
            return joined
    return code


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class _Statement:
    """A distance/direction phrase before its ends are attached."""

    start: int
    end: int  # after the relation word
    low_km: float | None
    high_km: float | None
    unit: str
    direction: str | None
    hedge: str | None
    precision_km: float = 0.0
    apart: bool = False
    from_end: bool = False  # the relation is "from"/"away from" (a "to" may pair the ends)
    away: bool = False  # "N km away" with no reference written: the place named before


def _quadrant_direction(text: str) -> str:
    """A quadrant bearing ("036 km N 58° E of Panganiban", as seismological agencies write
    their bulletins: 58° east of north) as the 16-point compass direction nearest it."""
    m = re.match(r"([NS])\s?([\d.]+)\s?[°º˚]\s?([EW])", text)
    assert m is not None  # the statement pattern matched this form
    degrees = float(m[2])
    bearing = degrees if m[1] == "N" else 180 - degrees
    return compass(bearing if m[3] == "E" else -bearing)


def _distance_statements(text: str, start: int, end: int) -> list[_Statement]:
    found = []
    for m in _patterns(text, start, end)[0].finditer(text, start, end):
        hedge = re.sub(r"\s+", " ", m["hedge"].lower()) if m["hedge"] else None
        if (
            m["of"]
            and hedge != "within"
            and not (m["unit"].lower() in ("nm", "nmi") and re.match(r"\s+[A-Z]", text[m.end() :]))
        ):
            continue  # "a depth of", "40 km of road"; but "7.5 nm of Tanjung Tondong"
        try:
            unit = canonical_unit(m["unit"])
        except ValueError:
            continue
        factor = UNIT_KM[unit]
        value, step = parse_number(m["n1"])
        low = value * factor
        high = parse_number(m["n2"])[0] * factor if m["n2"] else low
        if m["unit1"] and m["n2"]:
            try:
                high = parse_number(m["n2"])[0] * UNIT_KM[canonical_unit(m["unit"])]
                low = value * UNIT_KM[canonical_unit(m["unit1"])]
            except ValueError:
                continue
        if not math.isfinite(low + high):
            continue  # a number beyond float range states no distance
        low, high = min(low, high), max(low, high)
        direction = None
        if m["quad"]:
            direction = _quadrant_direction(m["quad"])
        elif m["dir"]:
            direction = _joined_direction(m["dir"], m["dir2"])
        elif m["dir_bare"]:
            direction = direction_code(m["dir_bare"])
        first = min(m.start(g) for g in ("lead", "hedge", "between", "n1") if m[g])
        if (
            _TRAVELLED.search(text, max(start, first - 30), first)
            or (m["trip"] and direction is None)
            or _MEASURED.search(text, max(start, first - 40), first)
            or (m["from"] and _ROUTE.match(text, m.end(), end))
        ):
            continue  # "walked 30 km from ...", "the 700-km trip from X to Y": lengths
        found.append(
            _Statement(
                start=first,
                end=m.end(),
                low_km=low,
                high_km=high,
                unit=m["unit"],
                direction=direction,
                hedge=hedge,
                precision_km=step * factor / 2,
                apart=bool(m["apart"]),
                from_end=bool(m["from"]),
                away=bool(m["away"]),
            )
        )
    return found


# Every _BARE_DIRECTION match ends with a compass word (and "ward"/"wards") or an
# abbreviation in capitals, then spaces and "of" or "from": cheap to look for first, in the
# casefolded sentence (casefolding matches what IGNORECASE matches here, "ſ" included), and
# most sentences naming a compass point ("the East Coast", "Westfield") have none.
_DIRECTION_OF = re.compile(r"(?:north|south|east|west)(?:wards?)?\s+(?:of|from)")
_ABBREVIATION_OF = re.compile(r"[NESW]\s+(?:[oO][fF]|[fF][rR][oO][mM])")


def _direction_statements(
    text: str, start: int, end: int, taken: Sequence[tuple[int, int]]
) -> list[_Statement]:
    if not (
        _DIRECTION_OF.search(text[start:end].casefold())
        or _ABBREVIATION_OF.search(text, start, end)
    ):
        return []
    found = []
    for m in _patterns(text, start, end)[2].finditer(text, start, end):
        if any(a <= m.start() < b for a, b in taken):
            continue
        # "the north of X", "in northern X" name a region, not a relative position.
        before = text[max(start, m.start() - 12) : m.start()].lower()
        if not m["to"] and re.search(r"\b(?:the|in|its|their|across|far)\s+\Z", before):
            continue
        if _MOTION.search(text, max(start, m.start() - 20), m.start()) or re.search(
            r"\b(?:Middle|Far|Near)\s+\Z", text[max(start, m.start() - 8) : m.start()]
        ):
            continue  # "stretching north from X"; "the Middle East of ..."
        found.append(
            _Statement(
                start=m.start(),
                end=m.end(),
                low_km=None,
                high_km=None,
                unit="",
                direction=_joined_direction(m["dir"], m["dir2"]),
                hedge=None,
            )
        )
    return found


def statements(text: str, start: int = 0, end: int | None = None) -> list[_Statement]:
    """The distance and direction phrases in ``text[start:end]``, in order."""
    end = len(text) if end is None else end
    unit = _UNIT_HINT.search(text, start, end) is not None
    direction = bool(
        _DIRECTION_WORD.search(text[start:end].casefold())
        or _DIRECTION_LETTER.search(text, start, end)
    )
    return _statements(text, start, end, unit=unit, direction=direction)


def _statements(
    text: str, start: int, end: int, *, unit: bool, direction: bool
) -> list[_Statement]:
    """:func:`statements`, told which hints ``text[start:end]`` holds."""
    found = _distance_statements(text, start, end) if unit else []
    if direction:
        found += _direction_statements(text, start, end, [(s.start, s.end) for s in found])
    return sorted(found, key=lambda s: s.start)


# --------------------------------------------------------------------------- attaching


class _Token(NamedTuple):
    """A word or sign of a sentence (a tuple: made for every word of each sentence with a
    statement, several times faster than a frozen dataclass)."""

    start: int
    end: int
    text: str
    lower: str


#: ``_Token`` from a tuple of its fields, without the Python-level ``__new__`` of a named
#: tuple (a third of the time taken to tokenise a sentence).
_new_token: Callable[[tuple[int, int, str, str]], _Token] = functools.partial(tuple.__new__, _Token)


@dataclass(slots=True)
class _Lead:
    """The words read so far before a reference: where reading stands (token ``i``), the
    words taken, whether they name a capital, the country they name."""

    i: int
    tokens: list[_Token] = field(default_factory=list)
    capital: bool = False
    country: str = ""

    def take(self, tok: _Token, next_token: int) -> None:
        self.tokens.append(tok)
        self.i = next_token


class _Context:
    """One sentence of a document: its tokens and the mentions inside it."""

    def __init__(
        self, doc: Document, phrases: _Phrases, members: Sequence[int], previous: Sequence[int]
    ):
        index = phrases.index
        s = doc.sentences[index]
        self.doc, self.text, self.index, self.start, self.end = doc, doc.text, index, s.start, s.end
        # Shared by the passes over an article (the text's alone), never changed.
        self.tokens, self.starts, self.ends = phrases.tokens, phrases.starts, phrases.ends
        #: place mentions by start and by end offset; demonym ends by start
        self.by_start: dict[int, int] = {}
        self.by_end: dict[int, int] = {}
        self.demonyms: dict[int, Mention] = {}
        for i in members:
            mention = doc.mentions[i]
            if mention.kind == "place":
                self.by_start[mention.start] = i
                self.by_end[mention.end] = i
            elif mention.kind == "demonym":
                self.demonyms[mention.start] = mention
        #: place mentions of earlier sentences, nearest last (for coreference)
        self.previous = previous
        self._points: dict[int, int] | None = None

    # ---------------------------------------------------------------- tokens
    def token_at(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos``."""
        return bisect_left(self.starts, pos)

    def token_before(self, pos: int) -> int:
        """Index of the last token ending at or before ``pos`` (-1 if none)."""
        return bisect_right(self.ends, pos) - 1

    def mention_covering(self, token: _Token) -> int | None:
        """The place mention ending with this token (its last token)."""
        return self.by_end.get(token.end)

    def mention_starting(self, token: _Token) -> int | None:
        return self.by_start.get(token.start)

    def _party(
        self, start: int, end: int, kind: str, *, mention: int | None = None, country: str = ""
    ) -> Party:
        """The words from ``start`` to ``end`` as one end of a statement, its text exactly
        the words it spans."""
        return Party(
            text=self.text[start:end],
            start=start,
            end=end,
            kind=kind,
            mention=mention,
            country=country,
        )

    # ---------------------------------------------------------------- reference
    def reference(self, pos: int) -> tuple[Party | None, int, str]:
        """The reference that a relation word ending at ``pos`` introduces: (party, end of the
        statement, reason when None). The words leading to it ("the", "provincial",
        "capital", a demonym, a possessive) are read first (:meth:`_lead_words`); then a
        place mention, a name, a capital by description, a border or a description."""
        lead = _Lead(self.token_at(pos))
        found = self._lead_words(lead)
        if found is not None:
            return found
        return (
            self._named_reference(lead)
            or self._border_described(lead)
            or self._described_reference(lead)
            or (None, pos, "no reference after the statement")
        )

    def _lead_words(self, lead: _Lead) -> tuple[Party | None, int, str] | None:
        """Read the words before the reference into ``lead``; the reference itself when a
        place mention ends the reading."""
        while lead.i < len(self.tokens) and len(lead.tokens) < 8:
            tok = self.tokens[lead.i]
            mention = self.mention_starting(tok)
            if (
                mention is not None
                and self.doc.mentions[mention].text.lower() in _CAPITAL_WORDS | _TYPE_WORDS
            ):
                mention = None  # "the Capital, Guatemala City": a word, not a place
            if mention is not None:
                found = self._mention_reference(lead, tok, mention)
                if found is not None:
                    return found
                continue
            if tok.start in self.demonyms:
                demonym = self.demonyms[tok.start]
                lead.country = lead.country or (country_of(demonym.text) or "")
                lead.take(tok, self.token_at(demonym.end))
                continue
            if not self._lead_word(lead, tok):
                break
        return None

    def _lead_word(self, lead: _Lead, tok: _Token) -> bool:
        """Take one word that may lead to a reference; False when ``tok`` is none."""
        word = tok.lower
        if word in _CAPITAL_WORDS:
            lead.capital = True
        elif (
            word == ","
            and lead.tokens
            and lead.tokens[-1].lower in _TYPE_WORDS | _CAPITAL_WORDS | {"headquarters"}
            and lead.i + 1 < len(self.tokens)
            and (
                self.mention_starting(self.tokens[lead.i + 1]) is not None
                or _is_name_word(self.tokens[lead.i + 1].text)
            )
        ):
            lead.i += 1  # "the capital, Kampala"
            return True
        elif self._demonym_word(tok):
            lead.country = lead.country or (country_of(tok.text) or "")
        elif not (
            word in _REFERENCE_LEADS
            or word in _REFERENCE_ADJECTIVES
            or word in _TYPE_WORDS
            or _compound_adjective(word)
            or (word[-2:] in ("'s", "’s") and word[:-2].isalpha() and tok.text[:1].islower())
        ):  # "the region’s main city of Srinagar"
            return False
        lead.take(tok, lead.i + 1)
        return True

    def _mention_reference(
        self, lead: _Lead, tok: _Token, mention: int
    ) -> tuple[Party | None, int, str] | None:
        """The reference a place mention after the leading words makes, or None when the
        mention only qualifies what follows ("Afghanistan's capital, Kabul")."""
        m = self.doc.mentions[mention]
        if lead.capital and lead.tokens and lead.tokens[-1].lower == "of":
            # "north of the capital of Sri Lanka": the country's capital
            start = self._lead_start(lead.tokens, tok)
            return self._spanned(start, m.end, "capital", mention=mention)
        later = self._capital_named_after(m.end)
        unknown = self._name_after_capital(m.end) if later is None else None
        if unknown is not None:
            return self._unchecked(unknown.start, unknown.end, "name", "is not in the gazetteer")
        if later is not None:
            # "the Borno state capital, Maiduguri", "the Tigrayan capital of Mekelle"
            lead.country = lead.country or (m.place.country if m.place else "")
            mention, m = later, self.doc.mentions[later]
        if self._qualifies_what_follows(lead, tok, m):
            return None
        edge = _EDGE.match(self.text, m.end, self.end)
        if edge:
            return self._edge_reference(lead, tok, edge, mention)
        return self._place_reference(mention, self._type_word_end(m.end))

    def _qualifies_what_follows(self, lead: _Lead, tok: _Token, m: Mention) -> bool:
        """Whether the mention ``m`` (at ``tok``), followed by a possessive, only qualifies
        the words after it; then it is taken into ``lead``, as the country of the reference
        the reading goes on to."""
        possessive = _POSSESSIVE.match(self.text, m.end)
        if not possessive:
            return False
        after = self.token_at(possessive.end())
        if (
            after < len(self.tokens)
            and _is_name_word(self.tokens[after].text)
            and not self._continues_reference(m.end)
        ):
            # "of Tonga's Fonuafo'ou island", "of Yemen's Aden": the place named after
            lead.country = lead.country or (m.place.country if m.place else "")
            lead.take(tok, after)
            return True
        if not lead.capital and self._continues_reference(m.end):
            # "Afghanistan's capital, Kabul": the country qualifies what follows
            lead.country = lead.country or (m.place.country if m.place else "")
            lead.take(tok, after)
            lead.capital = self._capital_ahead(possessive.end())
            return True
        return False

    def _edge_reference(
        self, lead: _Lead, tok: _Token, edge: re.Match[str], mention: int
    ) -> tuple[Party | None, int, str]:
        """A border or coast written after a place mention: a country's border is a line the
        checker can measure from; a coast is not a point, so the statement is only reported."""
        start = self._lead_start(lead.tokens, tok)
        if edge["border"]:
            # "the Syria border", "the U.S.-Mexico border": a country's border
            other = country_of(edge["other"]) if edge["other"] else None
            return self._spanned(start, edge.end(), "border", mention=mention, country=other or "")
        return self._unchecked(start, edge.end(), "description", "is a coast, not a point")

    def _named_reference(self, lead: _Lead) -> tuple[Party | None, int, str] | None:
        """A reference by a name the gazetteer lacks, a road's name, a capital named after
        its country ("the Sri Lankan capital Colombo") or by description ("the Afghan
        capital")."""
        found = self._capital_after_country(lead)
        if found is not None:
            return found
        if lead.capital:
            return self._capital_reference(lead)
        return self._road_or_name(lead)

    def _capital_after_country(self, lead: _Lead) -> tuple[Party | None, int, str] | None:
        """A capital named after the name of its country, which is taken into ``lead`` as the
        country of a capital the reading goes on to; the capital's mention when it has one."""
        i = lead.i
        stop = self.tokens[i] if i < len(self.tokens) else None
        if stop is None or not _is_name_word(stop.text) or lead.capital:
            return None
        name = self._name_rightwards(i)
        after = _CAPITAL_AFTER.match(self.text, name.end, self.end)
        if not after or self.token_at(after.end()) >= len(self.tokens):
            return None
        # "the Sri Lankan capital Colombo": the name qualifies the capital
        lead.country = lead.country or (country_of(self.text[stop.start : name.end]) or "")
        lead.tokens += self.tokens[i : self.token_at(name.end)]
        lead.capital = True
        lead.i = self.token_at(after.end())
        mention = self.mention_starting(self.tokens[lead.i])
        if mention is None:
            return None
        return self._place_reference(mention, self.doc.mentions[mention].end)

    def _capital_reference(self, lead: _Lead) -> tuple[Party | None, int, str]:
        """A capital the leading words name without a place mention: by its own name, which
        the gazetteer lacks, or by description, in the country those words name (empty when
        the article's context must say which)."""
        stop = self.tokens[lead.i] if lead.i < len(self.tokens) else None
        if stop is not None and _is_name_word(stop.text) and stop.lower not in _TIME_WORDS:
            # "the breakaway region’s capital Tskhinvali": the capital's own name
            return self._unchecked(
                stop.start, self._name_rightwards(lead.i).end, "name", "is not in the gazetteer"
            )
        start = self._lead_start(lead.tokens, stop)
        return self._spanned(start, lead.tokens[-1].end, "capital", country=lead.country)

    def _road_or_name(self, lead: _Lead) -> tuple[Party | None, int, str] | None:
        """A reference by a name the gazetteer lacks: a road's, a border or coast after a
        name, or the name alone. None when no name follows the leading words."""
        stop = self.tokens[lead.i] if lead.i < len(self.tokens) else None
        if stop is None or not _is_name_word(stop.text):
            return None
        name = self._name_rightwards(lead.i)
        road = _ROAD.match(self.text, stop.start, self.end)
        if road:
            return self._unchecked(stop.start, road.end(), "description", "is a road")
        edge = _EDGE.match(self.text, name.end, self.end)
        if edge:
            start = self._lead_start(lead.tokens, stop)
            return self._unchecked(
                start, edge.end(), "description", "is a border or coast, not a point"
            )
        return self._unchecked(stop.start, name.end, "name", "is not in the gazetteer")

    def _described_reference(self, lead: _Lead) -> tuple[Party | None, int, str] | None:
        """A reference by description ("the border", "the front line", "the camp", "the
        town", "an airport in Oksibil city"), by pronoun ("it"), or "town" alone."""
        i = lead.i
        stop = self.tokens[i] if i < len(self.tokens) else None
        k = i
        while (
            k < len(self.tokens)
            and k - i < 6
            and (_is_noun(self.tokens[k].lower) or _is_adjective(self.tokens[k].lower))
            and not self._is_verb(k)
            and self.tokens[k].text[:1].islower()
        ):
            k += 1
        nouns = list(lead.tokens) + self.tokens[i:k]
        while nouns and nouns[-1].lower in _REFERENCE_LEADS - {
            "coast",
            "coastline",
            "shore",
            "shores",
        } | {"of"}:
            nouns.pop()
        if nouns and any(
            t.lower in ("the", "a", "an", "this", "that") or t.lower.endswith(("'s", "’s"))
            for t in lead.tokens[:2] or nouns[:1]
        ):
            return self._description(lead, nouns[-1], stop)
        if stop is not None and stop.lower in ("it", "there", "here"):
            antecedent = self._antecedent(None, stop.start)
            if antecedent is not None:
                return self._spanned(stop.start, stop.end, "coreference", mention=antecedent)
        if [t.lower for t in lead.tokens] == ["town"]:  # "north west of town"
            first = lead.tokens[0]
            return self._spanned(
                first.start,
                first.end,
                "description",
                reason="the reference, 'town', is the article's town, which it does not name",
            )
        return None

    def _description(
        self, lead: _Lead, last: _Token, stop: _Token | None
    ) -> tuple[Party | None, int, str]:
        start = self._lead_start(lead.tokens, stop)
        near = re.match(r"\s+(?:in|at|near|outside)\s+(?:the\s+)?", self.text[last.end :])
        if near and last.lower in _FACILITIES:
            k = self.token_at(last.end + near.end())
            mention = self.mention_starting(self.tokens[k]) if k < len(self.tokens) else None
            if mention is not None:  # "an airport in Oksibil city": Oksibil
                m = self.doc.mentions[mention]
                return self._place_reference(mention, self._type_word_end(m.end))
        head = last.lower
        if (
            lead.tokens
            and lead.tokens[0].lower in ("the", "this", "that")
            and _COREFERENCE_KINDS.get(head) is not None
        ):
            antecedent = self._antecedent(head, start)
            if antecedent is not None:
                return self._spanned(start, last.end, "coreference", mention=antecedent)
        return self._unchecked(start, last.end, "description", "names no place")

    def _border_described(self, lead: _Lead) -> tuple[Party | None, int, str] | None:
        """A country's border named by a demonym ("the Russian border") or after it ("the
        border with Israel"), after the leading words."""
        words, i = lead.tokens, lead.i
        if not words or words[-1].lower not in ("border", "frontier", "boundary", "borders"):
            return None
        start = words[0].start
        if lead.country:
            return self._spanned(start, words[-1].end, "border", country=lead.country)
        if i + 1 < len(self.tokens) and self.tokens[i].lower == "with":
            k = i + 1
            if self.tokens[k].lower == "the" and k + 1 < len(self.tokens):
                k += 1
            mention = self.mention_starting(self.tokens[k])
            if mention is not None:
                end = self.doc.mentions[mention].end
                return self._spanned(start, end, "border", mention=mention)
        return None

    def _spanned(
        self,
        start: int,
        end: int,
        kind: str,
        *,
        mention: int | None = None,
        country: str = "",
        reason: str = "",
    ) -> tuple[Party | None, int, str]:
        """A reference that is the words from ``start`` to ``end``, the statement ending with
        it; ``reason`` says why it cannot be checked. One home for the shape every finder of
        a reference returns, so the party's text is always the words it spans."""
        return self._party(start, end, kind, mention=mention, country=country), end, reason

    def _unchecked(
        self, start: int, end: int, kind: str, why: str
    ) -> tuple[Party | None, int, str]:
        """A reference geomap cannot measure from (a name the gazetteer lacks, a road, a
        coast, words that name no place): the statement is still reported, its reason
        quoting the reference's words before ``why`` ("the reference, 'the front line', names
        no place")."""
        text = self.text[start:end]
        return self._spanned(start, end, kind, reason=f"the reference, {text!r}, {why}")

    def _place_reference(self, mention: int, end: int) -> tuple[Party | None, int, str]:
        """A place mention as the reference, the statement ending at ``end`` (past a type word
        after the mention: "Oksibil| city")."""
        return self._place_subject(mention, end), end, ""

    def _capital_named_after(self, pos: int) -> int | None:
        """The mention of a capital named right after a region's mention at ``pos``
        ("Borno| state capital, Maiduguri", "Tigrayan| capital of Mekelle")."""
        m = _CAPITAL_AFTER.match(self.text, pos, self.end)
        if not m:
            return None
        k = self.token_at(m.end())
        return self.mention_starting(self.tokens[k]) if k < len(self.tokens) else None

    def _name_after_capital(self, pos: int) -> Party | None:
        """A capital's name the gazetteer lacks, right after a region's mention ("Tigrayan|
        capital of Mekelle")."""
        m = _CAPITAL_AFTER.match(self.text, pos, self.end)
        if not m:
            return None
        k = self.token_at(m.end())
        if k >= len(self.tokens) or not _is_name_word(self.tokens[k].text):
            return None
        last = self._name_rightwards(k)
        start = self.tokens[k].start
        return self._party(start, last.end, "name")

    def _continues_reference(self, pos: int) -> bool:
        """Whether a possessive at ``pos`` leads on to a capital or type word."""
        rest = self.text[pos : pos + 40].lower()
        return bool(
            re.match(
                r"['’]s\s+(?:[a-z-]+\s+){0,2}(?:capital|city|town|"
                r"province|region|state)",
                rest,
            )
        )

    def _capital_ahead(self, pos: int) -> bool:
        return bool(
            re.match(r"\s+(?:[a-z-]+\s+){0,2}capital", self.text[pos : pos + 40], re.IGNORECASE)
        )

    def _lead_start(self, lead: Sequence[_Token], stop: _Token | None) -> int:
        if lead:
            return lead[0].start
        return stop.start if stop is not None else self.end

    def _type_word_end(self, pos: int) -> int:
        m = re.match(r"\s+([a-z]+)\b", self.text[pos : self.end])
        return pos + m.end() if m and m[1] in _TYPE_WORDS else pos

    def _demonym_word(self, tok: _Token) -> bool:
        return tok.text[:1].isupper() and country_of(tok.text) is not None

    def _name_rightwards(self, i: int) -> _Token:
        """The last token of a proper name starting at token ``i``."""
        last = self.tokens[i]
        j = i + 1
        while j < len(self.tokens):
            tok = self.tokens[j]
            gap = self.text[last.end : tok.start]
            if gap not in (" ", "-", "\u00a0", "\u2011") and gap != "":
                break
            if _is_name_word(tok.text) or (
                tok.lower in ("de", "del", "la", "el", "al", "of", "du", "des", "di", "da", "dos")
                and j + 1 < len(self.tokens)
                and _is_name_word(self.tokens[j + 1].text)
            ):
                last = tok
                j += 1
                continue
            break
        return last

    # ---------------------------------------------------------------- subject
    def subject_before(self, pos: int) -> tuple[Party | None, str]:
        """The subject a statement starting at ``pos`` places, read leftwards; or the reason
        there is none.

        First as an apposition: over commas, hedges, "located", "which is" and the like to
        the nearest place mention, proper name or noun phrase ("Tarkint, north of Gao",
        "Panthal, a town about 30 miles north of Jammu" gives Panthal, the name the noun
        phrase stands beside). Past a verb ("the quake struck ...", "a ferry capsized ...",
        "the grass fire is burning ..."), the subject is the verb's: the clause's first noun
        phrase or name that is not the object of a preposition, over adjuncts of time,
        depth, parentheses and participles between commas.
        """
        return self._subject_from(self.token_before(pos))

    def _subject_from(self, i: int) -> tuple[Party | None, str]:
        i = self._skip_links(i, verbs=False)
        if i >= 0 and self.tokens[i].lower in _RELATIVES:
            i = self._skip_links(i - 1, verbs=False)  # "X, which is ..."
        if i < 0:
            return None, "no subject before the statement"
        found = self._phrase_at(i)
        if found is not None:
            return self._settle(*found)
        if not self._is_verb(i):
            tok = self.tokens[i]
            if tok.lower in _PRONOUNS:
                return self._pronoun(i)
            return None, f"no subject before the statement (stopped at {tok.text!r})"
        return self._clause_subject(i)

    def _settle(self, party: Party, first: int) -> tuple[Party | None, str]:
        """The subject a phrase found before a statement stands for: a noun phrase in
        apposition stands for the name before it ("Panthal, a town ..."); a name that only
        locates an earlier one stands for it ("Meshkin Dasht in Alborz Province, ...",
        "Kfarjouz near Nabatieh, ...", "Nurdagı, Gaziantep, in Turkey, ...", "Scarborough
        Shoal, also known as Panatag Shoal, ..."); "between A and B" and a participle
        ("... village in Dhubri district bordering Bangladesh, ...") send the search on
        leftwards; a setting ("in the Mediterranean", "on U.S. Highway 84", "in Pazarcik
        district") stands for the thing or event placed in it ("a fishing boat ... capsized
        in the Mediterranean just north of Libya")."""
        settled = (
            self._placed_in_setting(party, first)
            or self._held_in(first)
            or self._said_to_be(party, first)
        )
        if settled is not None:
            return settled, ""
        party, first = self._capital_apposed(party, first)
        return self._settle_leftwards(party, first)

    def _placed_in_setting(self, party: Party, first: int) -> Party | None:
        """The thing or event placed in the setting the phrase at token ``first`` names ("a
        fishing boat ... capsized in the Mediterranean"): the statement places it, not the
        sea. None when the phrase is no setting or nothing stands before it."""
        k = first - 1
        while k > 0 and (
            self.tokens[k].lower in _ARTICLES
            or _DIRECTION_ADJECTIVE.fullmatch(self.tokens[k].lower)
        ):
            k -= 1  # "in the Mediterranean", "in southeastern Turkey"
        if (
            k >= 1
            and self.tokens[k].lower in _SETTING_PREPOSITIONS
            and self._is_setting(party, first)
        ):
            thing, _ = self._subject_from(k - 1)
            return thing
        return None

    def _said_to_be(self, party: Party, first: int) -> Party | None:
        """The place an unnamed phrase is said to be, which the statement then places
        rather than the phrase; None when no place or name comes before "is a"."""
        if not (
            party.kind == "unnamed"
            and first >= 2
            and self.tokens[first].lower in ("a", "an", "one")
            and self.tokens[first - 1].lower in ("is", "was", "are", "were", "remains")
        ):
            return None
        # "Snagost is a small village about 10 kilometres from ...": Snagost
        found = self._phrase_at(first - 2)
        if found is not None and found[0].kind in ("place", "name"):
            return found[0]
        return None

    def _capital_apposed(self, party: Party, first: int) -> tuple[Party, int]:
        """The place a phrase "the capital of X" stands beside, which the statement places
        rather than X; else the phrase itself (and its first token)."""
        if (
            party.kind in ("place", "name")
            and first >= 3
            and self.tokens[first - 1].lower == "of"
            and self.tokens[first - 2].lower in _CAPITAL_WORDS | {"headquarters", "seat"}
        ):
            # "Sebba, the capital of Yagha province, nine miles away": Sebba (but "the
            # regional capital of Zaporizhzhia, around 35 km from" is Zaporizhzhia)
            capital, at = self._noun_phrase(first - 2)
            apposed = self._apposed(capital, at)
            if apposed is not None:
                return apposed
        return party, first

    def _settle_leftwards(self, party: Party, first: int) -> tuple[Party | None, str]:
        """Follow a phrase leftwards, at most four steps, to what the statement places: from
        an unnamed thing to the place after it, over a participle to the noun before it, from
        an unnamed phrase or coreference to the name it stands beside, from "between A and
        B" to the subject before, from a name to the earlier one it only locates."""
        for _ in range(4):
            before = [t.lower for t in self.tokens[max(0, first - 4) : first]]
            if party.kind == "unnamed":
                after = self._place_after(party)
                if after is not None:
                    party, first = after
                    continue
            if (
                first >= 2
                and self._is_verb(first - 1)
                and self.tokens[first - 1].lower.endswith("ing")
                and self.tokens[first - 1].lower not in _ING_PREPOSITIONS
            ):
                # "the vehicle carrying six personnel", "Dhubri district bordering Bangladesh"
                found = self._phrase_at(self._skip_links(first - 2, verbs=False))
                if found is not None:
                    party, first = found
                    continue
            if party.kind in ("unnamed", "coreference"):
                apposed = self._apposed(party, first)
                if apposed is None:
                    break
                party, first = apposed
                continue
            if before[-1:] == ["and"] and first >= 3:
                earlier = self._phrase_at(first - 2)
                if earlier is not None and self.tokens[earlier[1] - 1].lower == "between":
                    return self._subject_from(earlier[1] - 2)
            hop = self._qualified(first)
            if hop is None:
                break
            party, first = hop
        return party, ""

    def _held_in(self, first: int) -> Party | None:
        """ "Kaltjiti is in the Pitjantjatjara Lands, about 137 km from Marla", "Sabanalarga
        is located in the department of Antioquia, some 500 km ...": the named place that
        the phrase at token ``first`` only says is in something."""
        k = first - 1
        while k > 0 and self.tokens[k].lower in (
            "the",
            "department",
            "province",
            "state",
            "region",
            "district",
            "of",
        ):
            k -= 1
        if k < 2 or self.tokens[k].lower not in ("in", "within"):
            return None
        k -= 1
        while k > 0 and self.tokens[k].lower in ("located", "situated", "based", "lying"):
            k -= 1
        if self.tokens[k].lower not in ("is", "are", "was", "were", "lies", "lay", "sits"):
            return None
        found = self._phrase_at(k - 1)
        return found[0] if found is not None and found[0].kind in ("place", "name") else None

    def _is_setting(self, party: Party, first: int) -> bool:
        """Whether a phrase names where things happen rather than a thing: a region, a
        road, a sea, mountains, a part of something."""
        words = normalize_words(party.text)
        if party.kind == "unnamed":
            return bool(words) and words[-1] in _SETTING_NOUNS
        if _ROAD.fullmatch(party.text) or (words and words[-1] in _SETTING_NAMES):
            return True
        place = self.doc.mentions[party.mention].place if party.mention is not None else None
        # A province or district is kept: a statement about it can be checked.
        return place is not None and place.kind in (
            "water",
            "river",
            "region",
            "country",
            "continent",
        )

    def _place_after(self, party: Party) -> tuple[Party, int] | None:
        """The place a noun phrase is said to be at: "The hotel in Slough", "The border post
        at Torkham", "The monastery of Ostrog"."""
        k = self.token_at(party.end)
        if k + 1 >= len(self.tokens) or self.tokens[k].lower not in ("in", "at", "of", "near"):
            return None
        k += 1
        if self.tokens[k].lower == "the" and k + 1 < len(self.tokens):
            k += 1
        mention = self.mention_starting(self.tokens[k])
        if mention is not None:
            m = self.doc.mentions[mention]
            return self._place_subject(mention, m.end), k
        return None

    def _qualified(self, first: int) -> tuple[Party, int] | None:
        """The name or mention that a name starting at token ``first`` qualifies or renames,
        if one stands right before it over "in", "near", "outside", a comma or "also known
        as"."""
        k = first - 1
        steps = 0
        while (
            k >= 0
            and steps < 5
            and self.tokens[k].lower
            in (
                ",",
                "in",
                "near",
                "outside",
                "known",
                "as",
                "also",
                "locally",
                "or",
                "aka",
                "formerly",
                "the",
                "of",
            )
        ):
            if self.tokens[k].lower in ("the", "of") and steps == 0:
                return None  # "the village of X": X is the name itself
            k -= 1
            steps += 1
        if steps == 0 or k < 0:
            return None
        words = {t.lower for t in self.tokens[k + 1 : first]}
        if words <= {",", "the", "of"}:
            if words != {","}:
                return None
        found = self._phrase_at(k)
        if found is not None and found[0].kind == "unnamed" and words == {"in"}:
            # "Ghunsa, a village in Taplejung district, about 300km east of": Ghunsa
            found = self._apposed(*found) if self._is_region(first) else None
        if found is None or found[0].kind not in ("place", "name"):
            return None
        if words <= {"in", "the", ","} and "in" in words and not self._is_region(first):
            return None  # "Khutsong in Carletonville": the town may be the subject
        return found

    def _is_region(self, first: int) -> bool:
        """Whether the name at token ``first`` is a region ("Alborz Province", "Dhubri
        district", a resolved province or country), which only locates what precedes it."""
        found = self._phrase_at(self._name_end(first))
        if found is None:
            return False
        party = found[0]
        last = self.text[party.start : party.end].split()[-1].lower()
        if last in _REGION_WORDS:
            return True
        if party.mention is not None:
            mention = self.doc.mentions[party.mention]
            if mention.type_word and mention.type_word.split()[-1].lower() in _REGION_TYPE_WORDS:
                return True
            place = mention.place
            return place is not None and place.kind in (
                "admin1",
                "admin2",
                "country",
                "region",
                "continent",
            )
        return False

    def _name_end(self, first: int) -> int:
        """The index of the last token of the mention or name starting at token ``first``."""
        mention = self.mention_starting(self.tokens[first])
        end = (
            self.doc.mentions[mention].end
            if mention is not None
            else self._name_rightwards(first).end
        )
        k = self.token_before(end)
        if k + 1 < len(self.tokens) and self.tokens[k + 1].lower in _TYPE_WORDS:
            k += 1
        return k

    def _road_ending(self, i: int) -> tuple[Party, int] | None:
        """A road's name ending at token ``i`` ("U.S. Highway 84", "Hwy. 2A"), as a name
        (a setting: :meth:`_settle` looks for the thing on it)."""
        for k in range(max(0, i - 5), i + 1):
            m = _ROAD.match(self.text, self.tokens[k].start, self.tokens[i].end)
            if (
                m
                and m.end() == self.tokens[i].end
                and (
                    k == 0
                    or not _is_name_word(self.tokens[k - 1].text)
                    or self.tokens[k - 1].lower in _ARTICLES
                )
            ):
                return Party(text=m.group(), start=m.start(), end=m.end(), kind="name"), k
        return None

    def _apposed(self, party: Party, first: int) -> tuple[Party, int] | None:
        """For a noun phrase starting at token ``first``, the name it stands in apposition
        to: "Panthal, a town", "Santa Ana, the country's second-largest city", "Buffalo, a
        city of about 15,000 people", "Bakhmut”, the highly contested city". Only a phrase
        naming a kind of place stands for a name ("..., the quake occurred" does not)."""
        k = first - 1
        while (
            k >= 0
            and self.tokens[k].lower not in (",", "(")
            and first - k < 9
            and not self._is_verb(k)
            and self.tokens[k].lower not in _REPORTING
            and (self.tokens[k].text[:1].isalnum())
        ):
            k -= 1
        if k < 1 or self.tokens[k].lower not in (",", "("):
            return None
        words = self.tokens[k + 1 : self.token_before(party.end) + 1]
        if not any(t.lower in _FEATURE_WORDS or t.lower in _CAPITAL_WORDS for t in words):
            return None
        k -= 1
        while k >= 0 and self.tokens[k].text in ("”", '"', "’", "'"):
            k -= 1
        if k > 0 and self.tokens[k].text == ")":
            k = self._open_before(k) - 1  # "Arge (Zebst), a small town"
        found = self._phrase_at(k)
        if found is not None and found[0].kind in ("place", "name"):
            return found
        return None

    def _skip_links(self, i: int, *, verbs: bool) -> int:
        """The index of the last token at or before ``i`` that is not a linking word, a
        parenthesis, an adjunct of time or depth (or, with ``verbs``, a verb)."""
        while i >= 0:
            tok = self.tokens[i]
            word = tok.lower
            if word in (")", "]"):
                i = self._open_before(i) - 1
                continue
            span = self._coordinates_ending(tok.end)
            if span is not None:
                i = self.token_at(span) - 1  # "Posn: 03:57N – 005:18E, 26nm SW of ..."
                continue
            if word in _UNITS and i > 0 and re.fullmatch(r"[\d.,]+", self.tokens[i - 1].lower):
                i -= 2  # "expected to peak about 6m today"
                continue
            if word == ",":
                k = self._aside_before(i)
                if k is not None:
                    i = k
                    continue
            if (
                word == "of"
                and i >= 3
                and self.tokens[i - 1].lower == "position"
                and self.tokens[i - 3].lower in ("in", "at")
            ):
                i -= 4  # "a 35ft yacht in a position of 1.6 nautical miles south of"
                continue
            if (
                word == "control"
                and i >= 2
                and self.tokens[i - 1].lower == "of"
                and self.tokens[i - 2].lower == "out"
            ):
                i -= 3  # "a forest fire that was burning out of control 60 km north-west of"
                continue
            if word == "and" and i > 0 and self._adjunct_start(i - 1) is not None:
                i -= 1  # "found at a depth of 3 008 metres and approximately four miles"
                continue
            if word in _LINKS or _is_adverb(word) or (verbs and self._is_verb(i)):
                i -= 1
                continue
            skip = self._adjunct_start(i)
            if skip is not None:
                i = skip - 1
                continue
            break
        return i

    def _coordinates_ending(self, end: int) -> int | None:
        """The start of the written coordinates ending at ``end``, if any."""
        if self._points is None:
            self._points = (
                {e: s for s, e, _ in coordinates(self.text, self.start, self.end)}
                if _COORDINATE_HINT.search(self.text, self.start, self.end)
                else {}
            )
        return self._points.get(end)

    def _aside_before(self, i: int) -> int | None:
        """For a comma at token ``i`` closing an aside (", which recorded 47 residents in
        the 2016 census,", ", measuring 3.9,"), the index of the comma opening it."""
        for k in range(i - 1, max(-1, i - 30), -1):
            word = self.tokens[k].lower
            if word in (".", ";"):
                return None
            if word == ",":
                nxt = self.tokens[k + 1].lower if k + 1 < i else ""
                if nxt in ("which", "who", "whose", "where"):
                    return k - 1  # ", which recorded 47 residents in the 2016 census,"
                if nxt in _ASIDE_PREPOSITIONS and k > 0 and self._names_before(k):
                    return k - 1  # "Kalyan, in Thane district,"; not "Feb. 14, in Greenfield,"
                if nxt in _ASIDE_PARTICIPLES and self._is_verb(k + 1):
                    return k - 1  # ", measuring 3.9,"; not "The attack, ..., occurred in"
                return None
        return None

    def _names_before(self, k: int) -> bool:
        """Whether the comma at token ``k`` follows a name (not a date or time): what a
        prepositional aside after it describes."""
        tok = self.tokens[k - 1]
        return tok.lower not in _TIME_WORDS and (
            _is_name_word(tok.text) or self.mention_covering(tok) is not None
        )

    def _open_before(self, i: int) -> int:
        """The index of the bracket opening the one closing at token ``i``."""
        closing = self.tokens[i].text
        opening = "(" if closing == ")" else "["
        for k in range(i - 1, -1, -1):
            if self.tokens[k].text == opening:
                return k
        return i

    def _clause_subject(self, i: int) -> tuple[Party | None, str]:
        """The subject of the verb group ending at token ``i``: the nearest noun phrase,
        name or mention to the left that is not a preposition's object."""
        steps = 0
        fallback: tuple[Party, int] | None = None
        participle = self._reduced_relative(i)
        if participle is not None:
            return participle
        while i >= 0 and steps < 40:
            steps += 1
            i = self._skip_links(i, verbs=True)
            if i < 0:
                break
            tok = self.tokens[i]
            word = tok.lower
            if (
                word in ("while", "when", "after", "before", "since")
                and i + 1 < len(self.tokens)
                and self.tokens[i + 1].lower.endswith("ing")
            ):
                i -= 1  # "was mauled by a shark while bodyboarding just 50 metres from"
                continue
            if word in _CLAUSE_BREAK or word in ("—", "–", "“", '"'):
                break
            if word == ",":
                i -= 1
                continue
            if word == "and" and i > 0 and self._ends_verb_phrase(i - 1):
                i -= 1  # "struck at 7.04, was at a 10km depth and centred 35km east of"
                continue
            if word in _RELATIVES and i > 0:
                # "a boat that capsized ...", "the epicentre of which lay ...": the noun
                # phrase before the relative pronoun
                k = i - 1
                if self.tokens[k].lower == "of":
                    k -= 1
                found = self._phrase_at(self._skip_links(k, verbs=False))
                if found is not None:
                    return self._settle(*found)
                break
            found = self._phrase_at(i)
            if found is None:
                if tok.lower in _PRONOUNS:
                    return self._pronoun(i)
                i -= 1
                continue
            party, first = found
            prep = self.tokens[first - 1].lower if first > 0 else ""
            if prep in _PREPOSITIONS and prep not in _CLAUSE_PREPOSITIONS:
                fallback = fallback or (party, first)
                i = first - 2
                continue
            return self._settle(party, first)
        if fallback is not None:
            return self._settle(*fallback)
        return None, "no subject before the statement"

    def _reduced_relative(self, i: int) -> tuple[Party | None, str] | None:
        """ "human remains found early Thursday morning west of town": a past participle
        with no auxiliary right after a noun phrase makes that phrase the subject."""
        k = i
        while k >= 0 and (self.tokens[k].lower in _LINKS or _is_adverb(self.tokens[k].lower)):
            k -= 1
        if (
            k < 1
            or not self._is_verb(k)
            or not self.tokens[k].lower.endswith(
                ("ed", "found", "seen", "spotted", "shot", "hit", "struck", "caught")
            )
        ):
            return None
        found = self._phrase_at(k - 1)
        if found is None or found[0].kind not in ("unnamed", "coreference"):
            return None
        return self._settle(*found)

    def _ends_verb_phrase(self, i: int) -> bool:
        """Whether the words ending at token ``i`` are a verb phrase's ("was at a 10km
        depth", "moved north-northwestwards"): a verb within the last few words, no clause
        mark between."""
        for k in range(i, max(-1, i - 8), -1):
            word = self.tokens[k].lower
            if word in (",", ";", ".") or word in _RELATIVES:
                return False
            if self._is_verb(k):
                return True
        return False

    def _pronoun(self, i: int) -> tuple[Party | None, str]:
        tok = self.tokens[i]
        if tok.lower in ("it", "they"):
            # "it struck 26km from Nurdagi": "it" is the article's event as often as a place
            return Party(text=tok.text, start=tok.start, end=tok.end, kind="unnamed"), ""
        antecedent = self._antecedent(None, tok.start)
        if antecedent is None:
            return None, f"{tok.text!r} refers to no place named before"
        return Party(
            text=tok.text, start=tok.start, end=tok.end, kind="coreference", mention=antecedent
        ), ""

    def _is_verb(self, i: int) -> bool:
        """Whether token ``i`` is a verb: a known one, or a word ending in -ed, or in -ing
        without a determiner before it ("is burning", not "the shooting")."""
        word = self.tokens[i].lower
        if word in _VERBS or word in _EVENT_VERBS:
            return True
        if (
            word == "place"
            and i > 0
            and self.tokens[i - 1].lower in ("took", "take", "takes", "taking", "taken")
        ):
            return True  # "the incident took place some 22 nautical miles north of"
        if (
            i > 0
            and self.tokens[i - 1].lower == "to"
            and word.isalpha()
            and word not in _DETERMINERS
            and word not in _FUNCTION_WORDS
        ):
            return True  # "is supposed to pass north of"
        if not word.isalpha() or word in _NOT_VERBS:
            return False
        if len(word) > 4 and word.endswith("ed"):
            prev = self.tokens[i - 1].lower if i > 0 else ""
            # "a proposed open-pit mine", "the injured": an adjective after a determiner
            return prev not in _ARTICLES and not _is_adjective(prev)
        if len(word) > 5 and word.endswith("ing"):
            prev = self.tokens[i - 1].lower if i > 0 else ""
            return prev not in _DETERMINERS and not _is_adjective(prev)
        return False

    def _phrase_at(self, i: int) -> tuple[Party, int] | None:
        """The mention, name or noun phrase ending at token ``i`` and the index of its first
        token; None when token ``i`` ends none."""
        if i < 0:
            return None
        tok = self.tokens[i]
        mention = self.mention_covering(tok)
        if mention is not None:
            m = self.doc.mentions[mention]
            if _POSSESSIVE.match(self.text, m.end):
                return None
            return self._place_subject(mention, max(tok.end, m.end)), self.token_at(m.start)
        word = tok.lower
        if word in _TYPE_WORDS and i > 0 and self.mention_covering(self.tokens[i - 1]) is not None:
            mention = self.mention_covering(self.tokens[i - 1])
            m = self.doc.mentions[mention]  # type: ignore[index]
            return self._place_subject(mention, tok.end), self.token_at(m.start)  # type: ignore[arg-type]
        road = self._road_ending(i)
        if road is not None:
            return road
        if (
            _is_name_word(tok.text)
            and not self._sentence_initial_common(i)
            and word not in _TIME_WORDS
        ):
            party = self._name_subject(i)
            return party, self.token_at(party.start)
        if _is_noun(word) and not self._is_verb(i):
            return self._noun_phrase(i)
        return None

    def _type_after(self, pos: int) -> bool:
        return bool(
            re.match(
                r"['’]s\s+(?:[a-z-]+\s+)?(?:capital|city|town|province)",
                self.text[pos : pos + 30].lower(),
            )
        )

    def _place_subject(self, mention: int, end: int) -> Party:
        """A place mention as an end ("Hodeidah" of "Hodeidah port"; ``end`` is unused: the
        mention's own span is kept, its type word is the mention's)."""
        m = self.doc.mentions[mention]
        return Party(text=m.text, start=m.start, end=m.end, kind="place", mention=mention)

    def _adjunct_start(self, i: int) -> int | None:
        """The first token of an adjunct ending at token ``i`` that may stand between a
        subject and its statement: a time ("at 10:15 pm", "on Monday", "6.46pm AEST"), a
        depth ("at a depth of 10 km", "seven kilometers underground"), a travel time ("three
        hours' drive"), a magnitude ("with a magnitude of 7.1 on the Richter Scale"); None
        if token ``i`` ends none."""
        if _HEADING.fullmatch(self.tokens[i].lower):
            return i  # "moved north-northwestwards": a heading, no subject
        for reader in (
            self._time_start,
            self._measure_start,
            self._travel_time_start,
            self._magnitude_start,
        ):
            start = reader(i)
            if start is not None:
                return start
        return None

    def _time_start(self, i: int) -> int | None:
        word = self.tokens[i].lower
        date = word.isdigit() and i > 0 and self.tokens[i - 1].lower in _TIME_WORDS
        if not (word in _TIME_WORDS or _CLOCK.fullmatch(word) or date):
            return None
        j = i
        while j > 0 and (
            self.tokens[j - 1].lower in _TIME_WORDS
            or (word == "time" and j == i and _is_name_word(self.tokens[j - 1].text))
            or _CLOCK.fullmatch(self.tokens[j - 1].lower)
            or (
                re.fullmatch(r"[\d:.,]+", self.tokens[j - 1].lower)
                and j >= 2
                and self.tokens[j - 2].lower in _TIME_WORDS
            )
            or self.tokens[j - 1].lower
            in ("the", "this", "of", "local", "past", "next", "previous", "few")
            or self.tokens[j - 1].lower in _SMALL
            or self.tokens[j - 1].lower in _TENS
        ):
            j -= 1
        if j > 0 and self.tokens[j - 1].lower in _TIME_PREPOSITIONS | {
            "during",
            "over",
            "within",
            "for",
        }:
            j -= 1
        return j

    def _measure_start(self, i: int) -> int | None:
        """ "at a (shallow) depth of 10 km", "at an altitude of 3,000 feet", "seven
        kilometers underground", "10 km deep", "with a speed of 12 kmph"."""
        word = self.tokens[i].lower
        if word in _SPEED_UNITS and i >= 3 and re.fullmatch(r"[\d.,]+", self.tokens[i - 1].lower):
            k = i - 2
            if self.tokens[k].lower in ("of", "at") and self.tokens[k - 1].lower in (
                "speed",
                "velocity",
                "pace",
            ):
                return self._back_over(k - 1, ("a", "an", "the", "with", "at", "its", "of"))
        if (word in _UNITS or word.rstrip(".") in _UNITS) and i >= 3:
            k = i - 1
            while k >= 0 and re.fullmatch(r"[\d.,]+", self.tokens[k].lower):
                k -= 1
            if (
                k >= 1
                and self.tokens[k].lower == "of"
                and self.tokens[k - 1].lower
                in ("depth", "altitude", "height", "elevation", "magnitude")
            ):
                return self._back_over(
                    k - 1, ("a", "an", "the", "shallow", "deep", "at", "of", "its", "with")
                )
        if word in ("floor", "surface", "seabed", "ground", "sea", "level") and i >= 4:
            k = i - 1
            while k > 0 and self.tokens[k].lower in ("the", "sea", "ocean"):
                k -= 1
            if (
                self.tokens[k].lower in ("below", "beneath", "under", "above")
                and self._unit_before(k) is not None
            ):
                i, word = k, self.tokens[k].lower  # "31 kilometers below the sea floor"
        unit = self._unit_before(i) if i >= 2 else None
        if (
            word
            in ("underground", "deep", "below", "beneath", "down", "high", "tall", "long", "wide")
            and unit is not None
        ):
            j = unit - 1
            while j > 0 and (
                re.fullmatch(r"[\d.,]+", self.tokens[j].lower)
                or self.tokens[j].lower in _SMALL
                or self.tokens[j].lower in _TENS
            ):
                j -= 1
            return j + 1
        return None

    def _unit_before(self, i: int) -> int | None:
        """The unit token just before token ``i``, over a conversion in parentheses ("6.2
        miles (10 km) below"); None if there is none."""
        k = i - 1
        if k > 0 and self.tokens[k].text == ")":
            while k > 0 and self.tokens[k].text != "(":
                k -= 1
            k -= 1
        return k if k >= 0 and self.tokens[k].lower.rstrip(".") in _UNITS else None

    def _travel_time_start(self, i: int) -> int | None:
        """ "more than three hours' drive", "a 20-minute walk": a travel time, no subject."""
        if (
            self.tokens[i].lower
            not in ("drive", "walk", "ride", "flight", "journey", "sail", "trip")
            or i < 1
        ):
            return None
        j = i - 1
        while j > 0 and self.tokens[j].text in ("’", "'"):
            j -= 1
        if not re.match(
            r"(?:hours?|minutes?|days?)['’]?s?\Z|\d+-(?:hour|minute|day)", self.tokens[j].lower
        ):
            return None
        while j > 0 and (
            self.tokens[j - 1].lower in _LINKS
            or self.tokens[j - 1].lower in _SMALL
            or re.fullmatch(r"[\d.]+|an?|half|more|than|less|over|under", self.tokens[j - 1].lower)
        ):
            j -= 1
        return j

    def _back_over(self, j: int, words: Sequence[str]) -> int:
        """Token ``j`` moved leftwards over the ``words`` just before it, to where the words
        leading into a measure start ("at a shallow| depth of", "with a| magnitude of")."""
        while j > 0 and self.tokens[j - 1].lower in words:
            j -= 1
        return j

    def _magnitude_start(self, i: int) -> int | None:
        """ "with a magnitude of 7.1", "measuring 3.9", "on the Richter Scale"."""
        word = self.tokens[i].lower
        if (
            re.fullmatch(r"\d+(?:\.\d+)?", word)
            and i >= 1
            and self.tokens[i - 1].lower in ("of", "measuring", "magnitude")
        ):
            return self._back_over(
                i - 1, ("a", "an", "the", "magnitude", "of", "with", "measuring", "preliminary")
            )
        if word == "scale" and i >= 3:
            j = i
            while j > 0 and self.tokens[j - 1].lower not in ("on", "of"):
                j -= 1
            return j - 1 if j > 0 else None
        return None

    def _sentence_initial_common(self, i: int) -> bool:
        """A capitalised word that opens the sentence (or follows a quote or colon) and is
        an ordinary word ("The", "Rescuers") rather than a name."""
        at_start = i == 0 or self.tokens[i - 1].text in ('"', "“", ":", "(", "—", "-")
        word = self.tokens[i].lower
        if word in _DETERMINERS or word in _PRONOUNS or word in _LINKS:
            return True
        return at_start and _is_common_capitalised(word)

    def _name_subject(self, i: int) -> Party:
        """A proper name the gazetteer lacks, ending at token ``i``."""
        j = i
        while j > 0:
            prev = self.tokens[j - 1]
            gap = self.text[prev.end : self.tokens[j].start]
            if gap not in (" ", "-", "\u00a0", "\u2011", ""):
                break
            if (
                _is_name_word(prev.text)
                and not (j - 1 == 0 and _is_common_capitalised(prev.lower))
                and prev.lower not in _DETERMINERS
                and prev.lower not in _TIME_WORDS
            ):
                j -= 1
                continue
            if (
                prev.lower in ("de", "del", "la", "el", "al", "of")
                and j > 1
                and _is_name_word(self.tokens[j - 2].text)
            ):
                j -= 1
                continue
            break
        return self._party(self.tokens[j].start, self.tokens[i].end, "name")

    def _noun_phrase(self, i: int) -> tuple[Party, int]:
        """The noun phrase ending at token ``i`` and its first token: "the epicentre", "a
        25-foot vessel", "The epicentre of the tremor"; a definite description of a place
        type ("the district", "the small town") refers back to a place named before."""
        j = self._noun_phrase_start(i)
        head, first = self.tokens[i], self.tokens[j]
        names = [
            t for t in self.tokens[j:i] if _is_name_word(t.text) and t.lower not in _DETERMINERS
        ]
        if (
            head.lower in _FEATURE_WORDS
            and names
            and all(_is_name_word(t.text) for t in self.tokens[self.tokens.index(names[0]) : i])
        ):
            # "Gezira state", "the Makhmour area": a name the gazetteer lacks, with its type
            return self._party(names[0].start, head.end, "name"), self.tokens.index(names[0])
        if (
            first.lower in ("the", "this", "that")
            and head.lower in _COREFERENCE_KINDS
            and i - j <= 3
        ):
            antecedent = self._antecedent(head.lower, first.start)
            if antecedent is not None and _COREFERENCE_KINDS[head.lower] is not None:
                return self._party(first.start, head.end, "coreference", mention=antecedent), j
        return self._party(first.start, head.end, "unnamed"), j

    def _noun_phrase_start(self, i: int) -> int:
        """The first token of the noun phrase ending at token ``i``: leftwards over nouns,
        adjectives, numbers, possessives and names to its determiner, stopping at a place
        mention (which is no part of an unnamed thing) or a verb."""
        j = i
        while j > 0:
            prev = self.tokens[j - 1]
            word = prev.lower
            if word in _DETERMINERS:
                j -= 1
                # "The epicentre of the tremor": continue over "of" to the noun before it
                if (
                    j >= 2
                    and self.tokens[j - 1].lower == "of"
                    and _is_noun(self.tokens[j - 2].lower)
                    and not self._is_verb(j - 2)
                ):
                    j -= 2
                    continue
                break
            if self.mention_covering(prev) is not None:
                break
            if word.endswith(("'s", "’s")) and word[:-2].isalpha():
                j -= 1  # "the quake's epicentre", "the country's second-largest city"
                continue
            if (
                (_is_noun(word) and not self._is_verb(j - 1))
                or _is_adjective(word)
                or re.match(r"\d", word)
            ):
                j -= 1
                continue
            if _is_name_word(prev.text) and not self._sentence_initial_common(j - 1):
                j -= 1  # "the Trigana Air Service plane"
                continue
            break
        return j

    def _antecedent(self, type_word: str | None, pos: int) -> int | None:
        """The place mention a description or pronoun at ``pos`` refers back to: the nearest
        one before it whose kind fits the type word (any kind for a pronoun)."""
        kinds = _COREFERENCE_KINDS.get(type_word or "", None) if type_word else None
        candidates = [i for e, i in self.by_end.items() if e <= pos]
        candidates.sort(key=lambda i: self.doc.mentions[i].end)
        for index in reversed(list(self.previous) + candidates):
            mention = self.doc.mentions[index]
            if mention.end > pos:
                continue
            if kinds is None:
                return index
            word = mention.type_word.split()[-1].lower() if mention.type_word else ""
            if word and type_word and (word == type_word or word in kinds):
                return index
            if mention.place is None or mention.place.kind in kinds:
                if mention.place is not None or word == type_word:
                    return index
        return None

    # ---------------------------------------------------------------- subject after
    def subject_after(self, pos: int) -> Party | None:
        """The subject of a statement that opens its sentence ("About 80 km from X lies
        the Y valley", "Located 2 km from X, the Y crossing"): the first mention, name or
        noun phrase after ``pos`` over linking words."""
        i = self.token_at(pos)
        steps = 0
        while i < len(self.tokens) and steps < 8:
            tok = self.tokens[i]
            mention = self.mention_starting(tok)
            if mention is not None:
                m = self.doc.mentions[mention]
                return self._place_subject(mention, self._type_word_end(m.end))
            word = tok.lower
            if (
                word in _LINKS
                or self._is_verb(i)
                or word in _DETERMINERS
                or word in _REFERENCE_ADJECTIVES
                or word in ("the", "of", "and")
                or word in _TYPE_WORDS
            ):
                i += 1
                steps += 1
                continue
            if _is_name_word(tok.text):
                last = self._name_rightwards(i)
                return self._party(tok.start, last.end, "name")
            if _is_noun(word):
                k = i
                while (
                    k + 1 < len(self.tokens)
                    and _is_noun(self.tokens[k + 1].lower)
                    and self.tokens[k + 1].lower not in _LINKS
                ):
                    k += 1
                return self._noun_phrase(k)[0]
            return None
        return None

    def coordinates_subject(self, pos: int) -> tuple[Party | None, str]:
        """What coordinates written at ``pos`` locate: the clause's subject, passing over the
        places that only say where it happened ("the quake ... struck in West Siang,
        Arunachal Pradesh with latitude of ..."); after "The coordinates ... show that", the
        subject of "that"."""
        i = self.token_before(pos)
        while i >= 0 and self.tokens[i].lower in (
            "with",
            "at",
            "a",
            "an",
            "the",
            "its",
            "is",
            "coordinates",
            "coordinate",
            "of",
            "located",
            "was",
            "were",
            "are",
            "given",
            "as",
            ":",
            "its",
            "their",
            "his",
            "her",
            "to",
            "be",
            "determined",
            "initially",
            "at",
        ):
            i -= 1
        for _ in range(30):
            if i < 0:
                break
            i = self._skip_links(i, verbs=True)
            if i < 0:
                break
            found = self._phrase_at(i)
            if found is None:
                if self.tokens[i].lower in _CLAUSE_BREAK:
                    break
                i -= 1
                continue
            party, first = found
            if party.kind == "place" and not (
                first == 0 or self.tokens[first - 1].text in ('"', "“")
            ):
                i = first - 1  # "struck in West Siang, Arunachal Pradesh with latitude ..."
                continue
            return party, ""
        m = re.search(r"\bshow(?:s|ed)?\s+that\s+", self.text[pos : self.end])
        if m:
            after = self.subject_after(pos + m.end())
            if after is not None:
                return after, ""
        return None, "no subject for the coordinates"

    def pair_after(self, pos: int) -> tuple[int, int] | None:
        """(X, Y) of "... between X and Y" or "... separate X and/from Y" right after
        ``pos``."""
        m = _PAIR_AFTER.match(self.text[pos : self.end])
        if not m:
            return None
        start = pos + m.end()
        first = self.by_start.get(start)
        if first is None:
            return None
        gap = re.match(r"\s+(?:and|from)\s+(?:the\s+)?", self.text[self.doc.mentions[first].end :])
        if not gap:
            return None
        second = self.by_start.get(self.doc.mentions[first].end + gap.end())
        return (first, second) if second is not None else None

    def pair_before(self, pos: int) -> tuple[int, int] | None:
        """(X, Y) of "X to Y is ...", "between X and Y is ...", "from X to Y, ..." right
        before ``pos``."""
        before = self.text[self.start : pos]
        m = _PAIR_BEFORE.search(before)
        if not m:
            return None
        end = self.start + m.start()
        second = self.by_end.get(end)
        if second is None:
            return None
        link = re.search(
            r"\s+(?:to|and)\s+(?:the\s+)?\Z",
            self.text[self.start : self.doc.mentions[second].start],
        )
        if not link:
            return None
        first = self.by_end.get(self.start + link.start())
        if first is None:
            return None
        lead = self.text[self.start : self.doc.mentions[first].start].lower()
        connector = link.group().split()[0]
        if connector == "and" and not re.search(r"between\s+(?:the\s+)?\Z", lead):
            return None  # "X and Y is ..." alone is no distance between them
        return first, second

    def implied_reference(self, pos: int) -> tuple[Party | None]:
        """The reference of "N km away" written without one: the place named last before the
        statement, in its sentence or the one before ("... the key hub of Pokrovsk, less
        than eight miles away"); the subject, found later, must differ."""
        candidates = [i for e, i in self.by_end.items() if e <= pos]
        candidates.sort(key=lambda i: self.doc.mentions[i].end)
        # A province or country only qualifies the town before it ("Pokrovsk in Donetsk
        # Oblast, less than eight miles away"; "The town of Dayton, Wyoming, ... just six
        # miles away").
        towns = [
            i
            for i in list(self.previous[-3:]) + candidates
            if _town_like(self.doc.mentions[i].place)
        ]
        here = [i for i in towns if i in candidates]
        pool = here[-2:] or candidates[-2:] or towns[-1:]
        if not pool:
            return (None,)
        i = pool[-1]
        subject, _ = self.subject_before(pos)
        if subject is not None and subject.mention == i and len(pool) > 1:
            i = pool[-2]
        elif subject is not None and subject.mention == i:
            return (None,)
        m = self.doc.mentions[i]
        return (Party(text=m.text, start=m.start, end=m.end, kind="place", mention=i),)

    def chained(self, end: int, start: int, *, listed: bool = False) -> bool:
        """Whether the words between one statement's end and the next one's start chain them
        ("... of Williams and 70 miles ...", "... of Oaxaca city, the state capital, and
        220 miles ...", "... of Medan on the Sumatra mainland and 315 kilometres ...").
        A comma alone chains only a list of distances (``listed``: "1,335 kms southwest of
        Chattogram port, 1,310 kms southwest of Cox's Bazar port, ..."); otherwise the next
        statement is about the nearer name ("north of the Litani river, about 30 km from
        the Israeli border")."""
        words = self.tokens[self.token_at(end) : self.token_at(start)]
        joined = any(t.lower in ("and", "or") for t in words)
        if len(words) > 9 or not (joined or listed):
            return False
        if not joined and any(t.lower in ("a", "an", "the") for t in words):
            return False  # "..., Ghunsa, a village in Taplejung district, about 300km ..."
        for tok in words:
            w = tok.lower
            if w in ("is", "was", "are", "were", "said", "says"):
                return False
            if (
                w
                in (
                    ",",
                    "and",
                    "or",
                    "but",
                    "while",
                    "as",
                    "well",
                    "the",
                    "a",
                    "also",
                    "respectively",
                    "-",
                    "—",
                    "–",
                    "(",
                    ")",
                    "on",
                    "in",
                    "near",
                    "off",
                    "of",
                )
                or w in _FEATURE_WORDS
                or w in _SETTING_NOUNS
                or w in _CAPITAL_WORDS
                or w in _REFERENCE_ADJECTIVES
                or w in _LINKS
                or _is_name_word(tok.text)
                or _is_adverb(w)
            ):
                continue
            return False
        return True

    def is_front(self, pos: int) -> bool:
        """Whether only introductory words ("Located", "Lying", "Some") precede ``pos``."""
        i = self.token_before(pos)
        return all(t.lower in _FRONT_WORDS for t in self.tokens[: i + 1])


_FRONT_WORDS = frozenset(
    {
        "located",
        "situated",
        "lying",
        "sitting",
        "nestled",
        "set",
        "and",
        "but",
        "just",
        "only",
        "barely",
        "a",
        "little",
        "“",
        '"',
        "'",
        "(",
        "—",
        "-",
        "some",
        "about",
        "around",
        "roughly",
        "approximately",
        "nearly",
        "almost",
        "at",
    }
)
_ADVERB = re.compile(r"[a-z]+ly\Z")
_COMMON_CAPITALISED = frozenset(
    """the a an this that these those it its he she they we i you police officials residents
    rescuers troops soldiers fighters militants gunmen witnesses authorities villagers
    searchers reporters experts scientists emergency the his her their our there here when
    while after before as if since although though because where what who which why how
    according meanwhile however despite during about around some many most several each
    every any no not earlier later yesterday today on in at of for from to by with and but or
    located situated lying sitting about nearly almost just only epicentre epicenter quake
    earthquake tremor fire wildfire blast explosion attack ambush crash""".split()
)
_ADJECTIVES = frozenset(
    """small tiny large big remote nearby strategic key main major minor old new ancient
    capsized overloaded abandoned burning burnt destroyed damaged flooded isolated rural
    coastal mountainous northern southern eastern western central local shallow deep strong
    powerful massive huge deadly fatal latest first second third last same other apparent
    suspected alleged makeshift temporary military civilian commercial private public
    wrecked sunken missing stricken affected""".split()
)


def _town_like(place: Place | None) -> bool:
    """Whether a place (or an unresolved name) may be a town, not a region or country."""
    return place is None or place.kind not in ("admin1", "admin2", "country", "continent", "region")


def normalize_words(text: str) -> list[str]:
    """The lower-case words of a phrase."""
    return re.findall(r"[a-z]+", text.lower())


def _compound_adjective(word: str) -> bool:
    return bool(
        re.fullmatch(
            r"(?:north|south)-?(?:east|west)ern|[a-z]+-(?:held|controlled|"
            r"largest|biggest|run|based|occupied)",
            word,
        )
    )


def _is_name_word(text: str) -> bool:
    """A capitalised word that can be part of a proper name (not a sentence mark)."""
    return (
        bool(text[:1].isupper())
        and text[:1].isalpha()
        and text.lower() not in ("i", "a")
        and text.lower() not in _FUNCTION_WORDS
    )


def _is_common_capitalised(word: str) -> bool:
    return word in _COMMON_CAPITALISED or word in _LINKS or word in _DETERMINERS


def _is_adverb(word: str) -> bool:
    return bool(_ADVERB.match(word)) and word not in (
        "italy",
        "family",
        "july",
        "assembly",
        "ally",
        "rally",
        "valley",
        "supply",
    )


def _is_adjective(word: str) -> bool:
    return word in _ADJECTIVES or _compound_adjective(word) or word.endswith(("-foot", "-metre"))


def _is_noun(word: str) -> bool:
    """Whether a lower-case word can end a noun phrase (not a function word, verb or
    punctuation)."""
    if not word[:1].isalpha() or word in _LINKS or word in _VERBS:
        return False
    if word in _DETERMINERS or word in _PRONOUNS or word in _TIME_PREPOSITIONS:
        return False
    return word not in _FUNCTION_WORDS and word not in _UNITS


_FUNCTION_WORDS = frozenset(
    """a an the in on at of for from to by with and but or nor so yet this that these those
    it he she they we i you his her their our my its your me him them us when while after
    before as if since although though because where what who whom which why how there here
    then now also both all some many most several each every any no not last next first
    meanwhile however according despite during under over about into onto upon near than
    via per without within between among against toward towards through throughout across
    behind beyond above below until unless whether once only just even still more less very
    much such other another same will would can could should may might must shall do does
    did is are was were be been being has have had""".split()
)


# --------------------------------------------------------------------------- claims


def find_claims(doc: Document) -> tuple[Claim, ...]:
    """Every location statement of ``doc``, with the ends attached where the text allows.

    A claim whose subject or reference could not be attached keeps that end None and says
    why in ``reason``; callers report it rather than drop it. ``Claim.start``/``end`` span the
    statement from its hedge or number to the reference.
    """
    said = _phrases(doc.text, tuple(doc.sentences))
    if not said:
        return ()
    claims: list[Claim] = []
    order = sorted(range(len(doc.mentions)), key=lambda i: doc.mentions[i].start)
    starts = [doc.mentions[i].start for i in order]
    places = [i for i in order if doc.mentions[i].kind == "place"]
    place_starts = [doc.mentions[i].start for i in places]
    for phrases in said:
        sentence = doc.sentences[phrases.index]
        members = order[bisect_left(starts, sentence.start) : bisect_left(starts, sentence.end)]
        previous = places[
            max(0, bisect_left(place_starts, sentence.start) - 12) : bisect_left(
                place_starts, sentence.start
            )
        ]
        context = _Context(doc, phrases, members, previous)
        found = _sentence_claims(context, phrases.statements)
        found += _pair_claims(context, found, phrases.distances)
        found += _coordinate_claims(context, found, phrases.points)
        claims.extend(sorted(found, key=lambda c: c.start))
    return tuple(claims)


@dataclass(frozen=True, slots=True)
class _Phrases:
    """What the text of one sentence says, before any mention is attached: its statements,
    its bare distances (for pairs of places) and its written coordinates; and its words
    (:data:`_WORD_TOKEN`), where they start and where they end."""

    index: int
    statements: tuple[_Statement, ...]
    distances: tuple[re.Match[str], ...]
    points: tuple[tuple[int, int, tuple[float, float]], ...]
    tokens: list[_Token]
    starts: list[int]
    ends: list[int]


#: The last articles read, with what they say: the two passes over an article (before
#: resolution, to steer it, and after) pass the same text and sentences, found here by
#: identity (a dictionary's key would hash every sentence on each pass).
_READ: list[tuple[str, tuple[Sentence, ...], tuple[_Phrases, ...]]] = []


def _phrases(text: str, sentences: tuple[Sentence, ...]) -> tuple[_Phrases, ...]:
    """The sentences that say something :func:`find_claims` attaches, with what they say.

    It reads the text alone, so the two passes over an article share it; most sentences hold
    no hint of a distance, direction or coordinates, and fewer still a phrase. A bare
    distance is kept only where the text around it could name the pair of places it
    separates (:data:`_PAIR_AFTER`, :data:`_PAIR_BEFORE`): "a 30-foot wall", "on foot" are
    not tokenised for :func:`_pair_claims`, which would find no pair there.
    """
    for read_text, read_sentences, said in _READ:
        if read_text is text and read_sentences is sentences:
            return said
    out = []
    units, directions, points = _hinted(text, sentences)
    for index in sorted(units | directions | points):
        start, end = sentences[index].start, sentences[index].end
        unit = index in units and _numbered(text, start, end)
        found = tuple(_statements(text, start, end, unit=unit, direction=index in directions))
        distances = (
            tuple(
                m
                for m in _patterns(text, start, end)[1].finditer(text, start, end)
                if _PAIR_AFTER.match(text, m.end(), end)
                or _PAIR_BEFORE.search(text, start, m.start())
            )
            if unit
            else ()
        )
        written = tuple(coordinates(text, start, end)) if index in points else ()
        if found or distances or written:
            matches = list(_WORD_TOKEN.finditer(text, start, end))
            starts = [m.start() for m in matches]
            ends = [m.end() for m in matches]
            words = [m.group() for m in matches]
            tokens = list(map(_new_token, zip(starts, ends, words, [w.lower() for w in words])))
            out.append(_Phrases(index, found, distances, written, tokens, starts, ends))
    said = tuple(out)
    _READ[:] = [(text, sentences, said), *_READ[:3]]
    return said


def _hinted(text: str, sentences: Sequence[Sentence]) -> tuple[set[int], set[int], set[int]]:
    """The indexes of the sentences holding a unit hint, a direction hint and a coordinate
    hint: where :data:`_UNIT_HINT` matches; where a compass word or abbreviation
    (:data:`_DIRECTION_WORD`, casefolded, or :data:`_DIRECTION_LETTER`) and the precondition
    of :func:`_direction_statements` (:data:`_DIRECTION_OF`, casefolded, or
    :data:`_ABBREVIATION_OF`) both match, which is where :data:`_DIRECTION_OF` or
    :data:`_DIRECTION_LETTER` matches or a compass word and :data:`_ABBREVIATION_OF` do (a
    match of :data:`_DIRECTION_OF` holds a compass word, one of :data:`_DIRECTION_LETTER` a
    match of :data:`_ABBREVIATION_OF`); and where :data:`_COORDINATE_HINT` matches. A
    sentence with a compass word and neither precondition ("the East Coast", "Westfield":
    most of them) has no direction statement, and is not read for one.

    The scans read the whole text once and the hints run only on the sentences a scan finds:
    in an article of 16 sentences that is twice as fast as trying every hint on every
    sentence, which stays the faster under 4 sentences. The scans need sentences in order,
    apart and each followed by a space or the end of the text (as
    :func:`geomap.text.split_sentences` cuts them), so that a hint's closing lookaround reads
    the same in the text as at the sentence's end; and no character of
    :data:`_FOLDED_TO_LETTERS` in a text outside ASCII, where the scans read it lowered as
    ASCII bytes (a compass word of the casefolded text is then one of the bytes, and a match
    of :data:`_DIRECTION_OF` found in the bytes is checked in the casefolded sentence).
    """
    n = len(text)
    if len(sentences) < 4:
        return _hinted_one_by_one(text, sentences)
    raw = text.encode("ascii", "replace")  # text[i] is raw[i] or a "?" there
    if not text.isascii() and _folds_to_letters(text, raw):
        return _hinted_one_by_one(text, sentences)
    starts = [s.start for s in sentences]
    ends = [s.end for s in sentences]
    bounds = starts + ends
    bounds[::2], bounds[1::2] = starts, ends
    inside = ends[: bisect_left(ends, n)]  # the ends a character follows
    if not (
        starts[0] >= 0
        and ends[-1] <= n
        and sorted(bounds) == bounds
        and (not inside or "".join(operator.itemgetter(*inside)(text)).isspace())
    ):
        return _hinted_one_by_one(text, sentences)
    scanned = b"\x03" + raw.translate(_SCAN_TABLE)  # text[i] at scanned[i + 1]

    def holding(positions: Sequence[int]) -> set[int]:
        found = set()
        for pos in positions:
            i = bisect_right(starts, pos) - 1
            if i >= 0 and pos < sentences[i].end:
                found.add(i)
        return found

    def matching(pattern: re.Pattern[str], candidates: set[int], within: str) -> set[int]:
        return {
            i for i in candidates if pattern.search(within, sentences[i].start, sentences[i].end)
        }

    marks: list[int] = []
    latitudes: list[int] = []
    for m in _UNIT_SCAN.finditer(scanned):
        (marks if m.lastindex is None else latitudes).append(m.start())
    if b"\x03n\x02" in scanned:  # rare: the scan would cost a pass
        marks += [m.start() for m in _NM_SCAN.finditer(scanned)]
    # Each match of _UNIT_HINT starts at a mark: checked there, not over the sentence.
    units: set[int] = set()
    for pos in marks:
        i = bisect_right(starts, pos) - 1
        if (
            i >= 0
            and pos < sentences[i].end
            and i not in units
            and _UNIT_HINT.match(text, pos, sentences[i].end)
        ):
            units.add(i)
    # A compass word found in a sentence is a match of _DIRECTION_WORD there: it holds no
    # space and a space follows the sentence, so it ends inside. A match of _DIRECTION_OF
    # opens with one, and must end in the sentence.
    directions: set[int] = set()
    words: set[int] = set()
    for name in _DIRECTION_NAMES:
        for at in _occurrences(scanned, name):
            i = bisect_right(starts, at - 1) - 1
            if i >= 0 and at - 1 < sentences[i].end:
                words.add(i)
                if i not in directions and _DIRECTION_OF_SCAN.match(
                    scanned, at + len(name), sentences[i].end + 1
                ):
                    directions.add(i)
    directions = {
        i
        for i in directions
        if _DIRECTION_OF.search(text[sentences[i].start : sentences[i].end].casefold())
    }
    letters = raw.translate(_LETTER_TABLE) + b"\x03"
    lettered = holding([m.start() for m in _LETTER_SCAN.finditer(letters)])
    directions |= matching(_DIRECTION_LETTER, lettered - directions, text)
    directions |= matching(_ABBREVIATION_OF, words - directions, text)
    marks = [] if text.isascii() else _degree_signs(text)
    marks += latitudes
    points = matching(_COORDINATE_HINT, holding(marks) | lettered, text)
    return units, directions, points


def _folds_to_letters(text: str, raw: bytes) -> bool:
    """Whether ``text`` holds a character of :data:`_FOLDED_TO_LETTERS`: one of its characters
    outside ASCII, each a "?" in its ASCII bytes ``raw``, found from one to the next (a fast
    search) while they are few, which they are in most texts outside ASCII (quotes, dashes,
    a name); else each of the characters looked for in the text."""
    at = raw.find(b"?")
    for _ in range(64):
        if at < 0:
            return False
        if text[at] in _FOLDED_SET:
            return True
        at = raw.find(b"?", at + 1)
    return any(c in text for c in _FOLDED_TO_LETTERS)


def _hinted_one_by_one(
    text: str, sentences: Sequence[Sentence]
) -> tuple[set[int], set[int], set[int]]:
    """:func:`_hinted`, one sentence at a time."""
    units, directions, points = set(), set(), set()
    # Casefolding maps each character on its own, so a sentence's folded text is a part of
    # the whole text's: where that holds no compass word, no sentence does.
    words = _DIRECTION_WORD.search(text.casefold()) is not None
    for index, sentence in enumerate(sentences):
        start, end = sentence.start, sentence.end
        if _UNIT_HINT.search(text, start, end):
            units.add(index)
        folded = text[start:end].casefold() if words else ""
        if (
            _DIRECTION_OF.search(folded)
            or _DIRECTION_LETTER.search(text, start, end)
            or (_DIRECTION_WORD.search(folded) and _ABBREVIATION_OF.search(text, start, end))
        ):
            directions.add(index)
        if _COORDINATE_HINT.search(text, start, end):
            points.add(index)
    return units, directions, points


def _occurrences(text: bytes, word: bytes) -> list[int]:
    """Where ``word`` starts in ``text``."""
    found = []
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _degree_signs(text: str) -> list[int]:
    """Where the signs of :data:`_DEGREE_SIGNS` are in ``text``."""
    found = []
    for sign in _DEGREE_SIGNS:
        at = text.find(sign)
        while at >= 0:
            found.append(at)
            at = text.find(sign, at + 1)
    return found


def _sentence_claims(ctx: _Context, found: Sequence[_Statement]) -> list[Claim]:
    """The claims of one sentence's statements, in order: each with its reference, then
    the subject of each chain of statements; a statement inside the one before is skipped."""
    out: list[Claim] = []
    chains: list[list[Claim]] = []
    previous: Claim | None = None
    for st in found:
        if previous is not None and st.start < previous.end:
            continue
        if st.apart:
            claim = _apart_claim(ctx, st)
            if claim is not None:
                out.append(claim)
                previous = claim
            continue
        claim = _referenced_claim(ctx, st)
        if claim is None:
            continue
        if (
            previous is not None
            and chains
            and chains[-1][-1] is previous
            and ctx.chained(
                previous.end, st.start, listed=previous.low_km is not None and st.low_km is not None
            )
        ):
            chains[-1].append(claim)
        else:
            chains.append([claim])
        previous = claim
    for chain in chains:
        out.extend(_chain_with_subject(ctx, chain))
    return [c for c in out if not _same_end(c)]


def _referenced_claim(ctx: _Context, st: _Statement) -> Claim | None:
    """The claim a statement makes with its reference, its subject still to find; None when
    the text names nothing to measure from, or the statement alone places nothing."""
    reference, end, why_not = (
        (ctx.implied_reference(st.start) + (st.end, ""))
        if st.away and (st.low_km or 0) >= 1.0
        else ctx.reference(st.end)
    )
    if reference is None and st.away:
        return None  # "a blast 200 metres away": from what, the text does not say
    if reference is None:
        # No reference written ("185 kms from", "40 km further west"): no statement
        # to check or place.
        return None
    if st.low_km is None and not _statement_like(st):
        return None  # "north of" with nothing placeable after it; "10 km outside" alone
    end = max(end, st.end)
    return Claim(
        subject=None,
        reference=reference,
        sentence=ctx.index,
        start=st.start,
        end=end,
        text=ctx.text[st.start : end],
        low_km=st.low_km,
        high_km=st.high_km,
        unit=st.unit,
        direction=st.direction,
        hedge=st.hedge,
        precision_km=st.precision_km,
        reason=why_not,
    )


def _chain_with_subject(ctx: _Context, chain: Sequence[Claim]) -> list[Claim]:
    """A chain of statements with their subject, found before the first or, when the chain
    opens the sentence, after the last; none at all for a zone "within" a distance."""
    # Statements chained by "and" or a comma share the subject of the first.
    subject, why = ctx.subject_before(chain[0].start)
    if subject is None and ctx.is_front(chain[0].start):
        subject = ctx.subject_after(chain[-1].end)
        why = "the subject follows the statement" if subject else "no subject found"
    if (
        chain[0].hedge == "within"
        and (subject is None or subject.kind not in ("place", "name", "coreference"))
        and not re.search(
            r"\bto\s+\Z", ctx.text[max(ctx.start, chain[0].start - 4) : chain[0].start]
        )
    ):
        return []  # "coasts within 300 km of the epicentre": a zone ("to within": a move)
    return [_with_subject(claim, subject, why) for claim in chain]


def _statement_like(st: _Statement) -> bool:
    """A statement without a reference is still reported when it says where (a direction,
    or a distance "from"/"off"), not when it only measures."""
    return st.direction is not None or st.from_end


def _same_end(claim: Claim) -> bool:
    s, r = claim.subject, claim.reference
    return (
        s is not None
        and r is not None
        and s.mention is not None
        and s.mention == r.mention
        and s.kind == r.kind == "place"
    )


def _with_subject(claim: Claim, subject: Party | None, why: str) -> Claim:
    reasons = [r for r in (claim.reason, "" if subject is not None else why) if r]
    note = why if subject is not None and why else ""
    return replace(claim, subject=subject, reason="; ".join(reasons), subject_reason=note)


def _pair_claims(
    ctx: _Context, taken: Sequence[Claim], distances: Sequence[re.Match[str]]
) -> list[Claim]:
    """Distances between two named places with no relation word: "New York City to Houston
    is 1,600 miles", "the distance between X and Y is 30 km", "the 300km between X and Y",
    "20 miles separate X and Y". The first place is the subject."""
    out = []
    for m in distances:
        if any(c.start <= m.start() < c.end or m.start() <= c.start < m.end() for c in taken):
            continue
        if re.match(r"\s*(?:long|wide|deep|high|tall|in\s+length)\b", ctx.text[m.end() :]):
            continue  # "the highway from X to Y is 480 km long": a length
        pair = ctx.pair_after(m.end()) or ctx.pair_before(m.start())
        if pair is None:
            continue
        try:
            unit = canonical_unit(m["unit"])
        except ValueError:
            continue
        value, step = parse_number(m["n1"])
        km = value * UNIT_KM[unit]
        if not math.isfinite(km):
            continue
        first, second = (ctx.doc.mentions[i] for i in pair)
        hedge = re.sub(r"\s+", " ", m["hedge"].lower()) if m["hedge"] else None
        start, end = min(m.start(), first.start), max(m.end(), second.end)
        out.append(
            Claim(
                subject=Party(
                    text=first.text, start=first.start, end=first.end, kind="place", mention=pair[0]
                ),
                reference=Party(
                    text=second.text,
                    start=second.start,
                    end=second.end,
                    kind="place",
                    mention=pair[1],
                ),
                sentence=ctx.index,
                start=start,
                end=end,
                text=ctx.text[start:end],
                low_km=km,
                high_km=km,
                unit=m["unit"],
                hedge=hedge,
                precision_km=step * UNIT_KM[unit] / 2,
            )
        )
    return out


def _apart_claim(ctx: _Context, st: _Statement) -> Claim | None:
    """ "X and Y are N km apart", "X and Y, N km apart": X is the subject, Y the reference;
    "the two cities are N km apart" takes the two places named last."""
    i = ctx.token_before(st.start)
    mentions = [ctx.by_end[t.end] for t in ctx.tokens[: i + 1] if t.end in ctx.by_end]
    if len(mentions) < 2:
        mentions = list(ctx.previous[-2:]) + mentions
    if len(mentions) < 2:
        return None
    first, second = mentions[-2], mentions[-1]
    a, b = ctx.doc.mentions[first], ctx.doc.mentions[second]
    return Claim(
        subject=Party(text=a.text, start=a.start, end=a.end, kind="place", mention=first),
        reference=Party(text=b.text, start=b.start, end=b.end, kind="place", mention=second),
        sentence=ctx.index,
        start=st.start,
        end=st.end,
        text=ctx.text[st.start : st.end],
        low_km=st.low_km,
        high_km=st.high_km,
        unit=st.unit,
        direction=None,
        hedge=st.hedge,
        precision_km=st.precision_km,
    )


# --------------------------------------------------------------------------- coordinates


@dataclass(frozen=True, slots=True)
class _Component:
    start: int
    end: int
    axis: str  # "lat" or "lon"
    value: float


def _component(m: re.Match[str]) -> _Component | None:
    """One coordinate component, or None when nothing marks it as one (a bare number)."""
    keyword = (m["kw1"] or m["kw2"] or "").lower()
    hemi = (m["hemi"] or "").upper()[:1]
    if hemi and not m["hemi"][:1].isupper() and len(m["hemi"]) == 1:
        return None  # "5 n..." is no hemisphere
    axis = (
        "lat"
        if keyword.startswith("lat") or hemi in ("N", "S")
        else "lon"
        if keyword.startswith("lo") or hemi in ("E", "W")
        else ""
    )
    if not axis:
        return None
    marked = keyword or m["deg"] or m["colon"] or (hemi and "." in m["num"])
    if not marked or (keyword and hemi and axis != ("lat" if hemi in "NS" else "lon")):
        return None
    value = (
        abs(float(m["num"])) + float(m["min"] or m["colon"] or 0) / 60 + float(m["sec"] or 0) / 3600
    )
    if hemi in ("S", "W") or m["num"].startswith("-"):
        value = -value
    return _Component(m.start(), m.end(), axis, value)


def coordinates(
    text: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int, tuple[float, float]]]:
    """The points written in ``text[start:end]``: (start, end, (lat, lon)), in order."""
    end = len(text) if end is None else end
    parts = [c for c in (_component(m) for m in _COMPONENT.finditer(text, start, end)) if c]
    out = []
    i = 0
    while i + 1 < len(parts):
        a, b = parts[i], parts[i + 1]
        if (
            a.axis != b.axis
            and b.start - a.end <= 12
            and _COMPONENT_GAP.match(text, a.end, b.start)
        ):
            lat, lon = (a.value, b.value) if a.axis == "lat" else (b.value, a.value)
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                out.append((a.start, b.end, (lat, lon)))
            i += 2
            continue
        i += 1
    return out


def _coordinate_claims(
    ctx: _Context, found: Sequence[Claim], points: Sequence[tuple[int, int, tuple[float, float]]]
) -> list[Claim]:
    out = []
    for start, end, point in points:
        subject = next(
            (
                c.subject
                for c in found
                if c.subject is not None
                and c.end <= start
                and c.subject.kind not in ("place", "name")
            ),
            None,
        )
        why = ""
        if subject is None:
            subject, why = ctx.coordinates_subject(start)
        out.append(
            Claim(
                subject=subject,
                reference=None,
                sentence=ctx.index,
                start=start,
                end=end,
                text=ctx.text[start:end],
                point=point,
                reason="" if subject is not None else why,
            )
        )
    return out


__all__ = [
    "APPROX_HEDGES",
    "LOWER_BOUND_HEDGES",
    "NEARLY_HEDGES",
    "UNIT_KM",
    "UPPER_BOUND_HEDGES",
    "canonical_unit",
    "coordinates",
    "direction_code",
    "find_claims",
    "parse_number",
    "statements",
]
