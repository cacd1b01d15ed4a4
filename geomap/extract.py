"""Extraction stage: find the spans of a text that name places, and the demonyms.

The rules read English news the way a careful reader does, with the gazetteer as lexicon:

1. Words are grouped into *chunks*: runs of capitalised words on one line ("Haider al-Abadi",
   "Rapides Parish Fire District"), broken by punctuation, possessives, function words,
   months and days. A hyphenated pair of names ("Iraq-Syria") splits into its names; a name
   before "-based" ("Los Angeles-based") ends its chunk.
2. A chunk the gazetteer knows as a whole is a place ("Deir ez-Zour", "Abu Kamal"), after
   leading demonyms ("Iraqi", "South Korean", "Abkhaz"), direction words ("Northern") and a
   trailing type word ("Anbar Province") are set aside.
3. Otherwise the chunk is read as a name of a person, organisation or group: a title ("Prime
   Minister", "Colonel") makes what follows a person; an organisation word ("Agency",
   "Survey", "Police") or a team's plural ("Kansas City Chiefs") makes a leading place name
   the organisation's *modifier* (kind "modifier": resolved, never a marker); a street's name
   ("Washington Drive") holds no place; an Arabic name particle ("al-", "bin") or an initial
   marks a person's name; any other chunk is marked only when places cover it all
   ("Alexandria Virginia").
4. A single word needs more: not an acronym ("IS"; "US" is the country but on a line of
   capitals), not an ordinary English word ("Army", "Valley") unless the context says place
   (a type word, a locative, a ", Region" qualifier the gazetteer knows as one), not a surname
   the article has already used for a person ("al-Abadi" after "Haider al-Abadi"), not the
   subject of "said" or "told".
5. A region's abbreviation ("Okla.", "Qld") is marked after a comma or a locative; the
   resolver decides whether the article's countries let it count.
6. A word the gazetteer does not know, written where a place is ("in Fallouja", "Tikreet,
   Iraq"), is a place when it is a near spelling of a place in the countries the article
   names (``geomap.variants``).
7. A type word beside a name ("Anbar province", "the town of Abu Kamal", "Becker, Clay and
   Wilkin counties") is recorded in ``Mention.type_word`` for the resolver, and a direction
   word before it ("southern Mexico") in ``Mention.part``.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Final

from geomap.demonyms import country_of, demonyms, is_demonym
from geomap.gazetteer import ABBREVIATION, Gazetteer, Match
from geomap.names import is_abbreviation, normalize, strip_article
from geomap.records import PARTS, Mention, Sentence
from geomap.variants import may_vary, variants

# --------------------------------------------------------------------------- word lists

FUNCTION_WORDS: Final = frozenset(
    """a an the in on at of for from to by with and but or nor so yet this that these those it
    he she they we i you his her their our my its your me him them us when while after before
    as if since although though because where what who whom which why how there here then now
    also both all some many most several each every any no not yes last next first second third
    meanwhile however according despite during under over about into onto upon near than via
    per without within between among against toward towards through throughout across behind
    beyond above below until unless whether once only just even still more less very much such
    other another same mr mrs ms dr will would can could should may might must shall
    do does did is are was were be been being has have had let please thanks thank dear""".split()
)
MONTHS_DAYS: Final = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun today tonight yesterday
    tomorrow christmas easter thanksgiving halloween ramadan eid""".split()
)
TITLES: Final = frozenset(
    """president minister premier chancellor king queen prince princess sheikh emir sultan pope
    cardinal bishop archbishop rev reverend pastor father imam rabbi general gen colonel col
    lieutenant lt major maj captain capt sergeant sgt corporal cpl private pvt commander cmdr
    admiral adm brigadier marshal officer deputy sheriff chief detective det trooper agent
    mayor governor gov senator sen representative rep congressman congresswoman councilman
    councilwoman councilor alderman commissioner secretary ambassador spokesman spokeswoman
    sens reps gens
    spokesperson director chairman chairwoman chair judge justice attorney prosecutor lawyer
    dr doctor professor prof mr mrs ms miss mister sir lord lady dame coach superintendent
    principal dean treasurer clerk assessor coroner constable inspector warden""".split()
)
ORG_WORDS: Final = frozenset(
    """agency office ministry army navy police department dept council committee commission
    party company corporation corp inc ltd llc co group association union federation league
    university college school academy institute hospital clinic center centre church mosque
    temple cathedral bank court board bureau authority service services news press times post
    journal herald tribune gazette daily radio television tv network club team forces force
    brigade battalion regiment division militia guard coalition front movement organization
    organisation foundation fund trust society alliance assembly parliament congress senate
    house administration government cabinet station airport port harbor stadium arena hall
    building library museum park mall market store restaurant hotel inn bridge dam prison jail
    street st road rd avenue ave boulevard blvd drive lane ln highway hwy freeway parkway pkwy
    way trail plaza square terrace court ct place pl fire sheriff emergency rescue patrol
    elementary middle high county's city's handout survey laboratory laboratories observatory
    airlines airways railway railroad corps""".split()
)
ETHNIC_WORDS: Final = frozenset(
    """arab arabs kurd kurds kurdish sunni sunnis shia shiite shiites muslim muslims islamic
    christian christians catholic catholics jewish jew jews protestant baptist methodist
    lutheran presbyterian mormon hindu buddhist sikh hispanic latino latina asian african
    european caucasian native indian indians western eastern arabic english latin persian
    turkmen yazidi druze alawite bedouin""".split()
)
DIRECTIONS: Final = frozenset(
    """north south east west northern southern eastern western central northeast northwest
    southeast southwest northeastern northwestern southeastern southwestern upper lower greater
    downtown upstate metro inner outer mid""".split()
)
#: Direction words before a name and the part of the place they name (Mention.part).
_PARTS: Final = {
    **{w: w for w in PARTS},
    **{w + "ern": w for w in PARTS if w != "central"},
}
_COMPASS: Final = frozenset(("north", "south", "east", "west"))
#: Organisation words that end a street's name: the name before them is no place
#: ("Washington Drive"), unless it names a county or state ("Otter Tail County Road 80").
STREETS: Final = frozenset(
    """street st road rd avenue ave boulevard blvd drive lane ln way trail plaza square
    terrace court ct place pl""".split()
)
_AREA_KINDS: Final = frozenset(("country", "admin1", "admin2"))
REPORTING_VERBS: Final = frozenset(
    """said says told added stated explained noted praised announced reported wrote asked
    argued insisted warned urged claimed admitted denied confirmed declared replied responded
    testified pleaded agreed believes thinks wants hopes""".split()
)
#: Type words: beside a name they say what kind of place it is.
TYPE_WORDS: Final = (
    "border crossing",
    "border gate",
    "border post",
    "border town",
    "crossing",
    "province",
    "governorate",
    "city",
    "town",
    "village",
    "county",
    "parish",
    "district",
    "region",
    "state",
    "township",
    "borough",
    "municipality",
    "neighborhood",
    "neighbourhood",
    "area",
    "capital",
    "suburb",
    "hamlet",
    "community",
    "airport",
    "river",
    "lake",
    "island",
    "peninsula",
    "desert",
    "mountains",
    "valley",
)
#: Type words that name a feature: after a name they are part of it ("Santa Clara Valley",
#: "Neches River"), never set aside as "Anbar Province" is.
FEATURE_TYPE_WORDS: Final = frozenset(TYPE_WORDS[-8:])
_TYPE_WORD_SET: Final = frozenset(TYPE_WORDS)
_TYPE_PLURALS: Final = {
    "city": "cities",
    "county": "counties",
    "municipality": "municipalities",
    "parish": "parishes",
}


def _by_first_letter(alternatives: list[str]) -> str:
    """A regular expression's alternatives (words, each beginning with a letter) grouped by
    their first letter, in their order within each group: the same match, but the engine
    tries the words of one letter, not all of them, at a position."""
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items())


_TYPE_ALTERNATION: Final = _by_first_letter(
    "|".join(
        sorted(
            (
                re.escape(w) + ("|" + _TYPE_PLURALS[w] if w in _TYPE_PLURALS else "s?")
                for w in TYPE_WORDS
            ),
            key=len,
            reverse=True,
        )
    ).split("|")
)
_TYPE_AFTER: Final = re.compile(rf"[ \t]+({_TYPE_ALTERNATION})\b", re.I)
_NAME: Final = r"[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*)*"
#: A type word after a list the name opens or continues ("Becker, Clay and Wilkin counties").
#: The names are atomic and the list's repeat possessive: what follows a name (a comma, blanks
#: and "and", "or" or a type word, all in lower case) never starts inside one or at a
#: capital, so giving back a name's characters, words or the list's names cannot lead to a
#: match, and the engine spares the search (a call cost ~7,800 instructions compiled).
_LIST_TYPE_AFTER: Final = re.compile(
    rf"(?:,[ \t]*(?>{_NAME}))*+,?[ \t]+(?:and|or)[ \t]+(?>{_NAME})[ \t]+({_TYPE_ALTERNATION})\b"
)
_TYPE_BEFORE: Final = re.compile(
    r"\b(city|town|village|province|governorate|county|parish|district|region|state|township|"
    r"borough|municipality|capital|suburb|community|neighbou?rhood|hamlet)[ \t]+of[ \t]+"
    r"(?:the[ \t]+)?\Z"
    r"|\b(provincial capital|capital|border town|town|city|village|province|crossing)[ \t]+\Z",
    re.I,
)
#: The words ``_TYPE_BEFORE`` may end with, before its spaces: no other word before a name
#: has a type word before it, and the pattern is tried only after one of these.
_TYPE_BEFORE_LAST: Final = frozenset("of the capital town city village province crossing".split())
#: The type words ``_TYPE_BEFORE`` may find before "of".
_TYPE_BEFORE_OF: Final = frozenset(
    """city town village province governorate county parish district region state township
    borough municipality capital suburb community neighborhood neighbourhood hamlet""".split()
)
_SINGULAR: Final = {p: w for w, p in _TYPE_PLURALS.items()}
LOCATIVE: Final = frozenset("in at near outside inside across around throughout".split())
ARABIC_PARTICLES: Final = frozenset(
    "al el ad ar as ash az ez ed en es et at an ud ul bin ibn bint abd abu".split()
)
#: Country abbreviations written in capitals; other short capitalised words are acronyms.
COUNTRY_ABBREVIATIONS: Final = frozenset("US USA UK UAE DRC".split())

#: AP-style abbreviations of US states (and a few cities) written after a place name
#: ("Alexandria, La."), with the name the gazetteer knows.
ABBREVIATED_NAMES: Final = {
    "Ala.": "Alabama",
    "Ariz.": "Arizona",
    "Ark.": "Arkansas",
    "Calif.": "California",
    "Colo.": "Colorado",
    "Conn.": "Connecticut",
    "Del.": "Delaware",
    "Fla.": "Florida",
    "Ga.": "Georgia",
    "Ill.": "Illinois",
    "Ind.": "Indiana",
    "Kan.": "Kansas",
    "Kans.": "Kansas",
    "Ky.": "Kentucky",
    "La.": "Louisiana",
    "Md.": "Maryland",
    "Mass.": "Massachusetts",
    "Mich.": "Michigan",
    "Minn.": "Minnesota",
    "Miss.": "Mississippi",
    "Mo.": "Missouri",
    "Mont.": "Montana",
    "Neb.": "Nebraska",
    "Nev.": "Nevada",
    "N.H.": "New Hampshire",
    "N.J.": "New Jersey",
    "N.M.": "New Mexico",
    "N.Y.": "New York",
    "N.C.": "North Carolina",
    "N.D.": "North Dakota",
    "Okla.": "Oklahoma",
    "Ore.": "Oregon",
    "Pa.": "Pennsylvania",
    "R.I.": "Rhode Island",
    "S.C.": "South Carolina",
    "S.D.": "South Dakota",
    "Tenn.": "Tennessee",
    "Tex.": "Texas",
    "Vt.": "Vermont",
    "Va.": "Virginia",
    "Wash.": "Washington",
    "W.Va.": "West Virginia",
    "W. Va.": "West Virginia",
    "Wis.": "Wisconsin",
    "Wyo.": "Wyoming",
    "D.C.": "District of Columbia",
    "L.A.": "Los Angeles",
}
#: A state's abbreviation after a comma ("Alexandria, La."), group 1: the comma opens the
#: pattern, so that the engine skips to commas.
#: The most letters an abbreviation has before its period: AP's ("Calif."), and any other
#: (``is_abbreviation``: five).
_ABBREVIATION_LETTERS: Final = max(5, *(len(k) - 1 for k in ABBREVIATED_NAMES))
_STATE_ABBREVIATIONS: Final = "|".join(
    re.escape(k) for k in sorted(ABBREVIATED_NAMES, key=len, reverse=True)
)
_STATE_AFTER_COMMA: Final = re.compile(rf",[ \t]({_STATE_ABBREVIATIONS})(?![A-Za-z])")
#: The same without its lookahead: a sentence's search can match only where this matches
#: in the whole text (no abbreviation holds a comma, so its matches cannot hide one).
_STATE_COMMA: Final = re.compile(rf",[ \t](?:{_STATE_ABBREVIATIONS})")


#: Abbreviated words inside names, with the word the gazetteer files ("W. Columbia",
#: "Pott Co.", "West Chester Twp.", "South L.A.").
_ABBREVIATED_WORDS: Final = {
    "N.": "North",
    "S.": "South",
    "E.": "East",
    "W.": "West",
    "Co.": "County",
    "Twp.": "Township",
    "Twp": "Township",
    "Mt.": "Mount",
    "Ft.": "Fort",
    "L.A.": "Los Angeles",
}
#: Names news gives places that their gazetteer rows lack.
NEWS_NAMES: Final = {"America": "United States"}


def lookup_name(text: str) -> str:
    """The name to look a mention up under: "La." -> "Louisiana", "W. Columbia" -> "West
    Columbia", "America" -> "United States"."""
    name = ABBREVIATED_NAMES.get(text) or NEWS_NAMES.get(text)
    if name:
        return name
    if "." in text or "Twp" in text:
        words = text.split(" ")
        if len(words) > 1:
            return " ".join(_ABBREVIATED_WORDS.get(w, w) for w in words)
    return text


def other_names(name: str) -> Iterator[tuple[str, str]]:
    """Names a name without candidates may stand for, and the part of the place it then
    names: "South Los Angeles" the south of Los Angeles, "Urals" the Ural Mountains,
    "Rockies" the Rocky Mountains, "North Atlantic" the North Atlantic Ocean."""
    first, _, rest = name.partition(" ")
    if rest and first.lower() in _PARTS:
        if first.lower() in _COMPASS:
            yield f"{first}ern {rest}", ""  # "North Africa" is UN M49's "Northern Africa"
        yield rest, _PARTS[first.lower()]
    if " " not in name and name.endswith("s") and len(name) > 4:
        stem = name[:-3] + "y" if name.endswith("ies") else name[:-1]
        yield f"{stem} Mountains", ""
    yield f"{name} Ocean", ""
    yield f"{name} Sea", ""


def is_abbreviated(matches: Sequence[Match], text: str) -> bool:
    """Whether a mention is a region's abbreviation ("Okla.", "Qld", "N.Y."), which counts
    only with its country in the article's context: abbreviation-shaped and not a country's
    own form ("U.S.", "UK")."""
    if text not in ABBREVIATED_NAMES and not is_abbreviation(text):
        return False
    return not any(m.place.kind == "country" and m.quality >= 2 for m in matches)


def abbreviation_matches(gazetteer: Gazetteer, text: str) -> list[Match]:
    """What an abbreviation may stand for: the region an AP abbreviation names ("Okla." ->
    Oklahoma, "L.A." -> Los Angeles), and every place filing it among its abbreviations
    ("Qld" -> Queensland), cached per gazetteer."""
    caches = _caches(gazetteer)
    found = caches[2].get(text)
    if found is None:
        found = []
        if text in ABBREVIATED_NAMES:
            kind = "city" if text == "L.A." else "admin1"
            found = [
                m
                for m in lookup(gazetteer, ABBREVIATED_NAMES[text])
                if m.quality >= 2 and m.place.kind == kind
            ]
        ids = {m.place.id for m in found}
        found += [
            m
            for m in gazetteer.matches(text, limit=100)
            if m.quality == ABBREVIATION and m.place.id not in ids
        ]
        caches[2][text] = found
    return found


_ARTICLES: Final = "al el ad ar as ash az ez ed en es et at an ud ul bin ibn".split()
_ARTICLE_PREFIX: Final = rf"(?:{'|'.join(_ARTICLES)})-"
_ARTICLE_HYPHEN: Final = re.compile(_ARTICLE_PREFIX, re.I)
#: A word that may be part of a name, as plainly written: the lookbehinds keep a token from
#: starting inside a word ("iPhone", "d'Arc"); words that start in lower case (bar an article,
#: "al-Abadi") are never part of a name. ``_TOKEN`` finds the same tokens faster.
_PLAIN_TOKEN: Final = re.compile(
    r"(?<![^\W\d_])(?<![^\W\d_][-'’‘])"
    r"(?:(?P<dotted>(?:[A-Z]\.){2,})"
    r"|(?P<abbr>(?:St|Mt|Ft)\.)"
    r"|(?P<initial>[A-Z]\.)(?=[ \t]+[A-Z])"
    rf"|(?P<word>(?=[^a-z]|(?i:{_ARTICLE_PREFIX}))[^\W\d_]+(?:[-'’‘][^\W\d_]+)*))"
)


def _after_article(width: int) -> str:
    """A lookbehind for an article of ``width`` letters, in lower case bar the rest's case
    ("al", "aL"), before a hyphen, where a token may start (the plain pattern's
    lookbehinds)."""
    articles = "|".join(f"{a[0]}(?i:{a[1:]})" for a in _ARTICLES if len(a) == width)
    return rf"(?<=(?<!{_LETTER})(?<!{_LETTER}[-'’‘])(?:{articles})-)"


# Most words start in lower case and are passed over in C rather than yielding a token each.
# ``_PLAIN_TOKEN`` with its first letter taken first: a pattern that opens with a set of
# characters lets the engine skip to the next one in a tight loop (a capital or a letter
# outside ASCII may open a name); the lookbehinds, one character wider, then read what
# precedes it, and each branch checks the letter it took. An article in lower case
# ("al-Abadi") is found at its hyphen, the token then read from its start by
# ``_PLAIN_TOKEN`` (see ``_token_matches``).
#: A letter, as ``[^\W\d_]`` is one, with the ASCII characters that are none left out first:
#: the engine rejects a space or a period by its bitmap, without a Unicode lookup.
_LETTER: Final = r"[^\x00-@\[-`{-\x7f\W\d_]"
_TOKEN: Final = re.compile(
    # "-", "A"-"Z" and all beyond ASCII, written as what it leaves out: 0.1 ms to compile,
    # where the range up to U+10FFFF took 10.
    r"[^\x00-,.-@\[-\x7f]"
    rf"(?:(?<!{_LETTER}.)(?<!{_LETTER}[-'’‘].)"
    # Each branch opens with the character it needs after the first (the lookbehind that
    # checks the first follows): the engine passes over a branch whose character is not
    # there without trying it. The group still closes last (Match.lastgroup).
    r"(?:\.(?<=[A-Z]\.)(?P<dotted>(?:[A-Z]\.)+)"
    r"|t(?<=[SMF]t)(?P<abbr>\.)"
    r"|\.(?<=[A-Z]\.)(?P<initial>(?=[ \t]+[A-Z]))"
    # ASCII letters first: a run of them is read without a Unicode lookup per letter. The
    # last repeat is possessive (nothing follows it to give back to), which spares the
    # engine the bookkeeping of a repeat it may backtrack into.
    rf"|(?P<word>(?<={_LETTER})[A-Za-z]*{_LETTER}*(?:[-'’‘][A-Za-z]*{_LETTER}+)*+))"
    + "".join(
        f"|{_after_article(width)}(?P<article{width}>)"
        for width in sorted({len(a) for a in _ARTICLES})
    )
    + ")"
)


def _token_matches(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The matches of ``_PLAIN_TOKEN`` in ``text[start:end]``, found by ``_TOKEN``."""
    for m in _TOKEN.finditer(text, start, end):
        if m.lastgroup in _TOKEN_KINDS:
            yield m
        elif token := _article_token(m, text, start, end):
            yield token


_TOKEN_KINDS: Final = frozenset(("word", "dotted", "abbr", "initial"))


def _article_token(m: re.Match[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The token an article's hyphen that ``_TOKEN`` found opens ("al-Abadi"), if any."""
    first = m.start() - int((m.lastgroup or "")[7:])  # the width of "article3"
    return _PLAIN_TOKEN.match(text, first, end) if first >= start else None


_AGE: Final = re.compile(r",[ \t]*\d{1,3},(?!\d)")  # not "Rawa, 1,000 feet"
_PREVIOUS_WORD: Final = re.compile(r"([A-Za-z]+)[ \t]+\Z")
_QUALIFIER: Final = re.compile(r",[ \t]+[A-Z]")
_QUALIFIER_NAME: Final = re.compile(r",[ \t]+([A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?)")
_VERB_AFTER: Final = re.compile(r"[ \t]+(?:has[ \t]+|had[ \t]+|also[ \t]+)?([a-z]+)")
_WHO_AFTER: Final = re.compile(r",?[ \t]+who\b")
_CONTRACTION: Final = re.compile(r"['’](?:ve|re|ll|d|m|t)\Z", re.I)
_COORDINATION: Final = re.compile(r"(?:,[ \t]*|[ \t]+)(?:(?:and|or)[ \t]+)?(?:the[ \t]+)?")
_ROAD_NUMBER: Final = re.compile(r"-\d")
_DATELINE_AFTER: Final = re.compile(r"[ \t]*(?:[:,(—–]|-[ \t-])")


#: :func:`normalize`, :func:`may_vary` and :func:`is_abbreviation` remembered: they depend on
#: the word alone, and an article's names repeat the same few hundred words.
_normalize: Final = lru_cache(maxsize=1 << 16)(normalize)
_may_vary: Final = lru_cache(maxsize=1 << 16)(may_vary)
_is_abbreviation: Final = lru_cache(maxsize=1 << 16)(is_abbreviation)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case English words that are also place names (see tools/train_common_words.py)."""
    text = resources.files("geomap").joinpath("models/common_words.txt").read_text("utf-8")
    return frozenset(w for w in text.split() if not w.startswith("#"))


# --------------------------------------------------------------------------- lookups


_LOOKUPS: Final[weakref.WeakKeyDictionary[Gazetteer, tuple[dict[str, list[Match]], ...]]] = (
    weakref.WeakKeyDictionary()
)
#: is_strong of a cached list of matches, with and without cities, by the list's id (the
#: entry holds the list, so the id stays its own).
_STRENGTHS: Final[
    weakref.WeakKeyDictionary[Gazetteer, dict[int, tuple[list[Match], bool, bool]]]
] = weakref.WeakKeyDictionary()

#: Whether a word has spelling variants in the article's countries (``variants``), by the
#: word and the countries: the same few words recur with the same countries.
_VARIES: Final[weakref.WeakKeyDictionary[Gazetteer, dict[tuple[str, tuple[str, ...]], bool]]] = (
    weakref.WeakKeyDictionary()
)


class _Recent:
    """The gazetteer :func:`_caches` last answered for (a weak reference) and its caches:
    nearly every call asks for the same one, and ``WeakKeyDictionary.get`` runs as
    interpreted Python (2,500 instructions a call compiled, some 7 calls per article)."""

    __slots__ = ("ref", "caches")

    def __init__(self) -> None:
        self.ref: weakref.ref[Gazetteer] | None = None
        self.caches: tuple[dict[str, list[Match]], ...] = ()


_RECENT: Final = _Recent()


def _forget(ref: weakref.ref[Gazetteer]) -> None:
    """Let go of a gazetteer's caches once it is gone (the callback of ``_RECENT.ref``)."""
    if _RECENT.ref is ref:
        _RECENT.ref = None
        _RECENT.caches = ()


def _caches(gazetteer: Gazetteer) -> tuple[dict[str, list[Match]], ...]:
    """The gazetteer's lookup caches: exact, fuzzy, abbreviations, and the matches of a
    span of text as :meth:`_Extractor.matches` first reads them."""
    recent = _RECENT
    ref = recent.ref
    if ref is not None and ref() is gazetteer:
        return recent.caches
    caches = _LOOKUPS.get(gazetteer)
    if caches is None:
        caches = _LOOKUPS[gazetteer] = ({}, {}, {}, {})
    recent.ref = weakref.ref(gazetteer, _forget)
    recent.caches = caches
    return caches


#: Most names looked up (an article's capitalised words) are no place's, and the gazetteer's
#: key hashes say so without a query (Gazetteer.may_hold). They are read (2 MB, a few ms)
#: once this many names have been looked up, some 25 articles: the few dozen queries of one
#: article (``geomap map``) cost less.
_LOOKUPS_BEFORE_HASHES = 500


#: What every lookup that finds nothing answers: one list, never changed. LGL's first pass
#: looks up 9,000 names that are no place's, and the caches keep each answer: a list per
#: answer was one more object for every full garbage collection to walk (9,000 of the
#: 132,000 the collector tracked after that pass).
_NOTHING: Final[list[Match]] = []


def lookup(gazetteer: Gazetteer, name: str, *, fuzzy: bool = False) -> list[Match]:
    """The gazetteer's matches of a name (25 at most; with ``fuzzy``, 10 at most and
    transliteration variants when nothing matches exactly), cached per gazetteer for speed.
    The list is shared: never change it."""
    cache = _caches(gazetteer)[fuzzy]
    found = cache.get(name)
    if found is None:
        if fuzzy:
            found = gazetteer.matches(name, fuzzy=True, limit=10)
        elif len(cache) < _LOOKUPS_BEFORE_HASHES or gazetteer.may_hold(name):
            found = gazetteer.matches(name, limit=25)
        else:
            found = _NOTHING
        if not found:
            found = _NOTHING
        if len(cache) > 200_000:
            cache.clear()
        cache[name] = found
    return found


_STRONG_KINDS: Final = frozenset(("country", "admin1", "admin2", "continent", "border_crossing"))


def is_strong(matches: Sequence[Match], *, cities: bool = True) -> bool:
    """Whether a name is surely a place: a country, region or (with ``cities``) a big city
    under that name. An ordinary word needs a region ("Turkey", "Chad"): a city of 150,000
    does not make "Man" in "Man charged with theft" a place."""
    return any(
        (m.place.kind in _STRONG_KINDS and m.quality >= 2)
        or (cities and m.place.kind == "city" and m.quality == 3 and m.place.population >= 100_000)
        for m in matches
    )


@lru_cache(maxsize=1)
def _demonym_openers() -> frozenset[str]:
    """The first words of the demonyms of several words ("South" of "South Korean")."""
    return frozenset(word.split(" ")[0] for word in demonyms() if " " in word)


# --------------------------------------------------------------------------- tokens


class _Token:
    """A word that may be part of a name: offsets, text (without a possessive 's) and kind
    (dotted, abbr, initial, word). A plain class: LGL's articles make 33,000 of them."""

    __slots__ = (
        "start",
        "end",
        "text",
        "kind",
        "possessive",
        "full_end",
        "lower",
        "capitalised",
        "bare",
        "allcaps",
        "letters",
    )

    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        kind: str,
        possessive: bool,
        full_end: int,
        reading: _Reading | None = None,
    ):
        self.start = start
        self.end = end  # without a possessive 's
        self.text = text
        self.kind = kind
        self.possessive = possessive
        self.full_end = full_end
        #: lower case, capitalised, lower case without trailing periods (a title: "gen"),
        #: in capitals (two letters or more): the reading's if the token is one's stem, else
        #: ``text``'s.
        #: The letters in ``text`` (:func:`_letter_count`), -1 until read.
        if reading is None:
            self.lower, self.capitalised, self.bare = _spelling(text)
            self.allcaps = _allcaps(text)
            self.letters = -1
        else:
            self.lower = reading.lower
            self.capitalised = reading.capitalised
            self.bare = reading.bare
            self.allcaps = reading.allcaps
            self.letters = reading.letters


def _allcaps(text: str) -> bool:
    """Whether a token is written in capitals, two characters or more ("US", "IRAQ")."""
    return text.isupper() and len(text) > 1


def _letter_count(text: str) -> int:
    """How many letters a token holds ("O'Brien": 6): read once per word (``str.isalpha`` is
    a generic method call compiled, some 400 instructions)."""
    return len(text) if text.isalpha() else sum(map(str.isalpha, text))


def _spelling(text: str) -> tuple[str, bool, str]:
    """A token's :attr:`_Token.lower`, :attr:`_Token.capitalised` and :attr:`_Token.bare`."""
    lower = text.lower()
    return lower, text[:1].isupper(), lower.rstrip(".")


def _compound_adjective(text: str) -> bool:
    """ "IS-held", "Iraq-based": a name joined to a lower-case word, not a name."""
    return "-" in text and text.rsplit("-", 1)[1][:1].islower() and not _ARTICLE_HYPHEN.match(text)


def _is_name_word(text: str) -> bool:
    """Whether a word (without its possessive 's) may be part of a name."""
    if _compound_adjective(text):
        return False
    if text[:1].isupper():
        if text in COUNTRY_ABBREVIATIONS:  # "the US", not the pronoun "us"
            return True
        return text.lower() not in FUNCTION_WORDS and text.lower() not in MONTHS_DAYS
    return bool(_ARTICLE_HYPHEN.match(text))


class _Reading:
    """How a word the token pattern found reads: the word without a possessive 's (its
    ``stem``), whether it had one, and whether it is part of a name; if it is not, the name
    before its hyphen that ends a chunk ("Los Angeles-based": "Angeles"), else ""; and the
    spelling of the stem (:func:`_spelling`). A plain class: compiled, its attributes are
    read without unpacking a tuple."""

    __slots__ = (
        "stem",
        "possessive",
        "name",
        "head",
        "lower",
        "capitalised",
        "bare",
        "allcaps",
        "letters",
    )

    def __init__(self, word: str):
        possessive = len(word) > 2 and word.endswith(("'s", "’s"))
        stem = word[:-2] if possessive else word
        self.stem = stem
        self.possessive = possessive
        self.name = _is_name_word(stem)
        self.head = ""
        if not self.name and stem[:1].isupper() and _compound_adjective(stem):
            self.head = stem.rsplit("-", 1)[0]
        self.lower, self.capitalised, self.bare = _spelling(stem)
        self.allcaps = _allcaps(stem)
        self.letters = _letter_count(stem)


#: The readings of the words the token pattern found, by the word as found.
_WORDS: Final[dict[str, _Reading]] = {}


def _word(word: str) -> _Reading:
    """What :data:`_WORDS` holds for a word, remembered there."""
    found = _WORDS.get(word)
    if found is None:
        if len(_WORDS) > 100_000:
            _WORDS.clear()
        found = _WORDS[word] = _Reading(word)
    return found


def _chunks(text: str, start: int, end: int) -> list[list[_Token]]:
    """The runs of name tokens of ``text[start:end]`` separated only by spaces or tabs, no
    possessive inside: a word that is no part of a name ("The", "March") ends a run, and a
    name before "-based" ends it too ("Los Angeles-based") or is a run of its own
    ("Texas-based"). The tokens are :func:`_token_matches`, read inline (33,000 on LGL)."""
    chunks: list[list[_Token]] = []
    current: list[_Token] = []
    prev_end = -1  # where the last token of ``current`` ends, or -1 after a possessive
    words = _WORDS
    for m in _TOKEN.finditer(text, start, end):
        word: str = m[0]
        first = m.start()
        if word == "-":
            token = _article_token(m, text, start, end)
            if token is None:
                continue
            word, first = token[0], token.start()
        last = first + len(word)
        if word.endswith("."):
            tok = _Token(first, last, word, _dotted_kind(word), False, last)
        else:
            reading = words.get(word) or _word(word)
            if not reading.name:
                head = reading.head
                if head:
                    last = first + len(head)
                    tok = _Token(first, last, head, "word", False, last)
                    if current and _only_blanks(text, prev_end, first):
                        current.append(tok)
                    else:
                        if current:
                            chunks.append(current)
                        current = [tok]
                if current:
                    chunks.append(current)
                    current = []
                continue
            stem = reading.stem
            tok = _Token(first, first + len(stem), stem, "word", reading.possessive, last, reading)
        # One space, the usual gap, without a call (prev_end is -1 after a possessive).
        if current and not (
            (first == prev_end + 1 and prev_end >= 0 and text[prev_end] == " ")
            or _only_blanks(text, prev_end, first)
        ):
            chunks.append(current)
            current = []
        current.append(tok)
        prev_end = -1 if tok.possessive else last
    if current:
        chunks.append(current)
    return chunks


def _blanks(text: str, i: int) -> int:
    """Where the run of spaces and tabs from ``text[i]`` on ends."""
    n = len(text)
    while i < n and (ord(text[i]) == 32 or ord(text[i]) == 9):
        i += 1
    return i


def _lowercase(text: str, i: int) -> int:
    """Where the run of ASCII lower-case letters from ``text[i]`` on ends."""
    n = len(text)
    while i < n and 97 <= ord(text[i]) <= 122:
        i += 1
    return i


def _verb_after(after: str) -> str:
    """The group ``_VERB_AFTER.match(after)`` finds, "" if it matches nothing: the word of
    lower-case letters after the blanks, or after "has", "had" or "also" and blanks if one
    follows. Read a character at a time: a call of the pattern costs some 1,500 instructions
    compiled, and a name is read for a person's context some 9 times an article."""
    i = _blanks(after, 0)
    if not i:
        return ""
    j = _lowercase(after, i)
    word = after[i:j]
    if word == "has" or word == "had" or word == "also":
        k = _blanks(after, j)
        if k > j:
            end = _lowercase(after, k)
            if end > k:
                return after[k:end]
    return word


def _who_after(after: str) -> bool:
    """Whether ``_WHO_AFTER.match(after)`` matches where ``after`` opens with a blank: "who"
    after the blanks, and no letter, digit or underscore after it."""
    i = _blanks(after, 0)
    if not i or after[i : i + 3] != "who":
        return False
    return i + 3 == len(after) or not (after[i + 3].isalnum() or after[i + 3] == "_")


def _dotted_kind(token: str) -> str:
    """The kind of a token ending with a period, by its length: "J." an initial, "St." an
    abbreviation, "U.S." dotted (a word holds none)."""
    return "initial" if len(token) == 2 else "abbr" if len(token) == 3 else "dotted"


def _only_blanks(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is spaces or tabs, at least one (-1: never)."""
    if start < 0 or start >= end:
        return False
    for i in range(start, end):
        c = ord(text[i])
        if c != 32 and c != 9:
            return False
    return True


# --------------------------------------------------------------------------- extraction


class _Found:
    """A span found, before it is a :class:`Mention`: its kind ("place", "modifier" or
    "demonym") and what the rules read beside it. A plain class, not a dataclass: compiled,
    a dataclass's generated ``__init__`` still runs as Python code."""

    __slots__ = (
        "start",
        "end",
        "kind",
        "sentence",
        "single",
        "strong",
        "qualified",
        "type_word",
        "part",
    )

    def __init__(
        self,
        start: int,
        end: int,
        kind: str,
        sentence: int,
        *,
        single: bool = False,
        strong: bool = False,
        qualified: bool = False,
        type_word: str = "",
        part: str = "",
    ):
        self.start = start
        self.end = end
        self.kind = kind
        self.sentence = sentence
        self.single = single
        self.strong = strong
        self.qualified = qualified
        self.type_word = type_word
        self.part = part


class _Extractor:
    def __init__(self, text: str, gazetteer: Gazetteer):
        self.text = text
        self.gazetteer = gazetteer
        self.spans = _caches(gazetteer)[3]
        self.strengths = _STRENGTHS.setdefault(gazetteer, {})
        self.common = common_words()
        self.demonyms = demonyms()
        self.demonym_openers = _demonym_openers()
        self.found: list[_Found] = []
        self.persons: set[str] = set()
        self.unknowns: list[_Found] = []
        self.sentence = 0

    # ---------------------------------------------------------------- helpers
    def span(self, toks: list[_Token]) -> str:
        return self.text[toks[0].start : toks[-1].end]

    def after(self, toks: list[_Token], width: int = 30) -> str:
        end = toks[-1].full_end
        return self.text[end : end + width]

    def before(self, toks: list[_Token], width: int = 40) -> str:
        start = toks[0].start
        return self.text[max(0, start - width) : start]

    def previous_word_in(self, toks: list[_Token], words: frozenset[str], ends_none: str) -> bool:
        """Whether the word before the tokens (:func:`_word_before`), in lower case, is one
        of ``words``; ``ends_none`` is ``_ends_none(words)``, which answers for most names
        without reading the word."""
        start = toks[0].start
        if _ends_none_at(self.text, start, ends_none):
            return False
        return _word_before(self.text, start, 20).lower() in words

    def type_word(self, toks: list[_Token]) -> str:
        """The type word beside the name (see :func:`_type_word`)."""
        if toks[-1].possessive:
            return _type_before(self.text, toks[0].start)
        return _type_word(self.text, toks[0].start, toks[-1].end)

    def qualified(self, toks: list[_Token]) -> bool:
        """Followed by ", Region" (a country, first- or second-level region: "Valley, Ala.",
        not "Valley, NSC revises") or preceded by a locative."""
        end = toks[-1].full_end
        # The patterns that open with a comma are tried only after one (most names have none).
        m = (
            _QUALIFIER_NAME.match(self.text, end, end + 40)
            if self.text[end : end + 1] == ","
            else None
        )
        if m:
            name = m.group(1)
            for candidate in (name, name.split()[0]) if " " in name else (name,):
                if candidate in ABBREVIATED_NAMES or any(
                    r.quality >= 2 and r.place.kind in _AREA_KINDS
                    for r in lookup(self.gazetteer, candidate.rstrip("."))
                ):
                    return True
        return self.previous_word_in(toks, LOCATIVE, _NOT_AFTER_LOCATIVE)

    def is_person_context(self, toks: list[_Token]) -> bool:
        after = self.after(toks, 30)
        # The patterns open with a space or tab, or (but the verb's) a comma.
        first = after[:1]
        if first == " " or first == "\t":
            if _verb_after(after) in REPORTING_VERBS or _who_after(after):
                return True
        elif first == "," and (_WHO_AFTER.match(after) or _AGE.match(after)):
            return True
        return self.previous_word_in(toks, _PERSON_BEFORE, _NOT_AFTER_PERSON_BEFORE)

    def starts_sentence(self, tok: _Token) -> bool:
        """Whether the word opens a sentence, line or quote, where capitals say nothing."""
        i = tok.start - 1
        while i >= 0 and self.text[i] in " \t":
            i -= 1
        return i < 0 or self.text[i] in "\n.!?:;\"“‘'(—–-"

    def is_dateline(self, toks: list[_Token]) -> bool:
        before = self.text[max(0, toks[0].start - 3) : toks[0].start].rstrip(" \t")
        if before and before[-1] not in ".!?\n":
            return False
        return bool(_DATELINE_AFTER.match(self.text, toks[-1].full_end))

    def headline_caps(self, toks: list[_Token]) -> bool:
        line_start = self.text.rfind("\n", 0, toks[0].start) + 1
        line_end = self.text.find("\n", toks[-1].end)
        line = self.text[line_start : line_end if line_end >= 0 else len(self.text)]
        return not any(c.islower() for c in line)

    # ---------------------------------------------------------------- decisions
    def matches(self, toks: list[_Token]) -> list[Match]:
        if len(toks) == 1 and toks[0].kind == "initial":
            return []
        span = self.text[toks[0].start : toks[-1].end]
        found = self.spans.get(span)
        if found is None:
            if len(self.spans) > 200_000:
                self.spans.clear()
            # The lookup's own list when it is the answer (as it mostly is), else a new one:
            # the cache's lists are objects every garbage collection walks.
            looked = lookup(self.gazetteer, lookup_name(span))
            found = [m for m in looked if m.quality > 0]
            if len(found) == len(looked):
                found = looked
            elif not found:
                found = _NOTHING
            self.spans[span] = found
        if not found and len(toks) > 1 and toks[0].lower in _COMPASS:
            # "North Africa" as the gazetteer files it, "Northern Africa".
            name = f"{toks[0].text}ern {self.text[toks[1].start : toks[-1].end]}"
            found = [m for m in lookup(self.gazetteer, name) if m.quality >= 2]
        return found

    def strong(self, matches: list[Match], *, cities: bool = True) -> bool:
        """:func:`is_strong`, remembered for the lists of matches the caches hold."""
        entry = self.strengths.get(id(matches))
        if entry is None or entry[0] is not matches:
            if len(self.strengths) > 200_000:
                self.strengths.clear()
            entry = self.strengths[id(matches)] = (
                matches,
                is_strong(matches),
                is_strong(matches, cities=False),
            )
        return entry[1] if cities else entry[2]

    def single_ok(self, tok: _Token, matches: list[Match], toks: list[_Token]) -> bool:
        """Whether one word that the gazetteer knows may be marked as a place."""
        word, lower = tok.text, tok.lower
        if tok.text in COUNTRY_ABBREVIATIONS and _ROAD_NUMBER.match(self.text, tok.full_end):
            return False  # "US-24" is a highway ("U.S. 41" counts as the country in LGL's gold)
        if tok.kind == "dotted":
            return any(m.place.kind == "country" for m in matches) or (
                tok.text in ABBREVIATED_NAMES
            )
        if (("'" in word or "’" in word) and _CONTRACTION.search(word)) or lower in DIRECTIONS:
            return False
        if tok.allcaps:
            if len(word) <= 3:
                # "LET US PRAY": in a line of capitals "US" is the pronoun.
                return word in COUNTRY_ABBREVIATIONS and not self.headline_caps(toks)
            return self.is_dateline(toks) or self.headline_caps(toks)
        if lower in DIRECTIONS:
            return False
        letters = tok.letters if tok.letters >= 0 else _letter_count(word)
        if letters < 3:
            return False
        if lower in MONTHS_DAYS or lower in TITLES or lower in ORG_WORDS or lower in ETHNIC_WORDS:
            return False
        if not tok.capitalised:
            return False
        strong = self.strong(matches)
        if (
            _normalize(word) in self.common
            and not self.strong(matches, cities=False)
            and (not strong or self.starts_sentence(tok))
        ):
            # An ordinary word ("Man", "Reading") is a place only in a place's context; a big
            # city's name is one mid-sentence, where its capital letter says a name.
            return bool(self.type_word(toks) or self.qualified(toks))
        if not strong and self.is_person_context(toks):
            self.person(toks)
            return False
        return True

    def emit(
        self,
        toks: list[_Token],
        matches: list[Match],
        kind: str = "place",
        *,
        typed: bool = True,
    ) -> None:
        found = _Found(toks[0].start, toks[-1].end, kind, self.sentence)
        if kind in ("place", "modifier"):
            found.single = len(toks) == 1
            found.strong = self.strong(matches)
            end = toks[-1].full_end
            found.qualified = self.text[end : end + 1] == "," and bool(
                _QUALIFIER.match(self.text, end, end + 4)
            )
            if typed:
                found.type_word = self.type_word(toks)
            found.part = _part_before(self.text, toks[0].start)
        self.found.append(found)

    def person(self, toks: list[_Token]) -> None:
        """Remember a person's or group's name so that a later lone surname is not a place."""
        words = [t for t in toks if t.kind == "word"]
        if not words:
            return
        self.persons.add(_normalize(self.span(toks)))
        last = _normalize(words[-1].text)
        self.persons.add(last)
        self.persons.add(strip_article(last))
        for t in words:
            if "-" in t.text and _ARTICLE_HYPHEN.match(t.text):
                self.persons.add(strip_article(_normalize(t.text)))

    # ---------------------------------------------------------------- chunks
    def demonym_at(self, toks: list[_Token], i: int) -> int:
        """How many tokens from ``toks[i]`` on form a demonym ("South Korean": 2), or 0."""
        tok = toks[i]
        if tok.kind != "word":
            return 0
        # Two words can be one only if the first opens a demonym of two ("South Korean").
        if (
            i + 1 < len(toks)
            and toks[i + 1].kind == "word"
            and self.text[tok.start : tok.full_end] in self.demonym_openers
            and self.text[tok.start : toks[i + 1].end] in self.demonyms
        ):
            return 2
        return 1 if tok.text in self.demonyms else 0

    def abbreviation(self, tok: _Token) -> bool:
        """Mark a region's abbreviation after a comma or a locative ("Brisbane, Qld", "in
        Okla."), its period included; True if marked. The resolver takes it only with its
        country in the article's context."""
        if tok.kind != "word" or len(tok.text) > _ABBREVIATION_LETTERS:
            return False
        end = tok.end + 1 if self.text[tok.end : tok.end + 1] == "." else tok.end
        text = self.text[tok.start : end]
        if not (text in ABBREVIATED_NAMES or _is_abbreviation(text)):
            return False
        after_comma = self.text[max(0, tok.start - 2) : tok.start] == ", "
        # A code in capitals is an acronym but after a place's comma ("in IS territory";
        # "Perth, WA").
        if not (
            after_comma
            or (self.previous_word_in([tok], LOCATIVE, _NOT_AFTER_LOCATIVE) and not tok.allcaps)
        ):
            return False
        if not abbreviation_matches(self.gazetteer, text):
            return False
        self.found.append(
            _Found(tok.start, end, "place", self.sentence, strong=True, qualified=True)
        )
        return True

    def chunk(self, toks: list[_Token]) -> None:
        """A run of capitalised tokens: its demonyms, then the whole as a place, else the
        signs that it names a person, an organisation or a team, else its parts."""
        if len(toks) == 1:
            self.word(toks[0])
            return
        toks = self.leading_demonyms(toks)
        if not toks or self.whole(toks):
            return
        # Demonyms inside ("Royal Iraqi Army") still count as country references.
        i = 1
        while i < len(toks):
            n = self.demonym_at(toks, i)
            if n:
                self.emit(toks[i : i + n], [], "demonym")
            i += n or 1
        if len(toks) == 1:
            self.unmatched(toks[0])
            return
        if self.person_or_body(toks):
            return
        # A team: a place and a plural that names nothing ("Kansas City Chiefs").
        last = toks[-1]
        if (
            last.kind == "word"
            and len(last.text) > 3
            and last.lower.endswith("s")
            and not last.lower.endswith("ss")
            and last.lower not in _TYPE_WORD_SET
            and not self.matches([last])
            and self.matches(toks[:-1])
        ):
            self.modifier(toks[:-1], "modifier")
            return
        # Directions and trailing type words ("Northern Anbar", "Anbar Province").
        if toks[0].lower in DIRECTIONS and self.whole(toks[1:]):
            return
        if (
            toks[-1].lower in _TYPE_WORD_SET
            and toks[-1].lower not in FEATURE_TYPE_WORDS
            and self.whole(toks[:-1])
        ):
            return
        if any(
            t.kind == "initial"
            or (t.kind == "word" and "-" in t.text and _ARTICLE_HYPHEN.match(t.text))
            or t.lower in ARABIC_PARTICLES
            for t in toks
        ):
            self.person(toks)
            return
        if self.is_person_context(toks):
            self.person(toks)
            return
        self.covered(toks)

    def word(self, tok: _Token) -> None:
        """A chunk of one token (most chunks): what :meth:`chunk` reads in it, in the same
        order, without the steps that need two tokens or more."""
        if self.abbreviation(tok):
            return
        if tok.kind == "word" and tok.text in self.demonyms:
            self.emit([tok], [], "demonym")
            return
        toks = [tok]
        matches = self.matches(toks)
        if matches:
            if self.single_ok(tok, matches, toks):
                self.emit(toks, matches)
            return
        self.unmatched(tok)

    def unmatched(self, tok: _Token) -> None:
        """A word the gazetteer does not know, alone in its chunk (bar demonyms): a title
        names no one (as person_or_body reads it); a hyphenated word may join places; any
        other may be a spelling variant (:meth:`unknown`)."""
        if tok.capitalised and tok.bare in TITLES:
            return
        if tok.kind == "word" and "-" in tok.text and not _ARTICLE_HYPHEN.match(tok.text):
            self.hyphenated(tok)
        else:
            self.unknown(tok)

    def leading_demonyms(self, toks: list[_Token]) -> list[_Token]:
        """Emit the demonyms a chunk opens with, country references of their own ("Iraqi
        Prime Minister"), and return what follows; nothing when the chunk from a demonym
        on is a place as a whole."""
        while toks and (n := self.demonym_at(toks, 0)):
            if len(toks) > n and self.whole(toks):
                return []
            self.emit(toks[:n], [], "demonym")
            toks = toks[n:]
        return toks

    def person_or_body(self, toks: list[_Token]) -> bool:
        """Read a chunk an age, a title, a dotted abbreviation or an organisation word marks
        as a person or a body (its place names modifiers); False if none does."""
        # "Gloria Major, 75,": an age says person, whatever the words ("Major") look like.
        end = toks[-1].full_end
        text = self.text
        if len(toks) > 1 and text[end : end + 1] == "," and _AGE.match(text, end, end + 8):
            self.person(toks)
            return True
        # A title: what follows is a person; what precedes is read on its own.
        for i in range(len(toks) - 1, -1, -1):
            if toks[i].capitalised and toks[i].bare in TITLES:
                if i + 1 < len(toks):
                    self.person(toks[i + 1 :])
                if i:
                    self.modifier(toks[:i])
                return True
        # "U.S. Geological Survey", "D.C. Council": a dotted abbreviation opening a longer
        # chunk modifies what follows; one that names nothing ("N.W. Rochester") is dropped.
        if toks[0].kind == "dotted" and len(toks) > 1:
            if not self.matches(toks[:1]):
                self.chunk(toks[1:])
            else:
                self.modifier(toks[:1], "modifier")
            return True
        # An organisation word: a leading place name is the organisation's modifier; a
        # street's name ("Washington Drive") holds none, unless it is a county's or state's.
        for i, t in enumerate(toks):
            word = t.bare
            if word not in ORG_WORDS:
                continue
            if t.capitalised and i:
                self.modifier(toks[:i], "modifier", areas_only=word in STREETS)
                return True
            if i == 0 and len(toks) > 1:
                # "Army Colonel ..." was handled above; "Police Chief" has no place.
                return True
        return False

    def unknown(self, tok: _Token) -> None:
        """Remember a word the gazetteer does not know, written where a place is ("in
        Fallouja", "Tikreet, Iraq", "the town of Tikreet"): once the article's countries are
        known it is a place if it is a near spelling of one of theirs (see ``variants``)."""
        if tok.kind != "word" or not tok.capitalised or tok.allcaps or tok.possessive:
            return
        if tok.lower in self.persons or not _may_vary(tok.text):
            return
        toks = [tok]
        type_word = self.type_word(toks)
        if not (type_word or self.qualified(toks)) or self.is_person_context(toks):
            return
        found = _Found(
            tok.start,
            tok.end,
            "place",
            self.sentence,
            single=True,
            type_word=type_word,
            part=_part_before(self.text, tok.start),
        )
        if type_word in ("county", "parish", "borough") and any(
            m.place.kind == "admin2" and m.quality >= 2
            for m in lookup(self.gazetteer, f"{tok.text} {type_word}")
        ):
            self.found.append(found)  # "Wilkin County" is named in "Clay and Wilkin counties"
            return
        self.unknowns.append(found)

    def vary_unknowns(self) -> None:
        """Keep the unknown words that are near spellings of places in the countries the
        article names (demonyms, countries, regions) as places."""
        countries: dict[str, None] = {}
        for f in self.found:
            name = self.text[f.start : f.end]
            if f.kind == "demonym":
                code = country_of(name)
                if code:
                    countries[code] = None
            elif f.strong:
                for m in lookup(self.gazetteer, lookup_name(name)):
                    if m.quality >= 2 and m.place.kind in _AREA_KINDS:
                        countries[m.place.country] = None
                        break
        if not countries:
            return
        varies = _VARIES.setdefault(self.gazetteer, {})
        context = tuple(countries)
        for f in self.unknowns:
            name = self.text[f.start : f.end]
            known = varies.get((name, context))
            if known is None:
                if len(varies) > 200_000:
                    varies.clear()
                known = varies[name, context] = bool(variants(self.gazetteer, name, countries))
            if known:
                self.found.append(f)

    def whole(self, toks: list[_Token]) -> bool:
        """Mark the tokens as one place if the gazetteer knows them so; True if marked."""
        if not toks:
            return False
        matches = self.matches(toks)
        if not matches:
            return False
        if len(toks) == 1 and not self.single_ok(toks[0], matches, toks):
            return True  # known to the gazetteer but not a place here: nothing to split
        self.emit(toks, matches)
        return True

    def hyphenated(self, tok: _Token) -> None:
        """ "Iraq-Syria": each capitalised part that is a place is marked on its own."""
        pos = tok.start
        parts: list[tuple[_Token, list[Match], str]] = []
        for part in tok.text.split("-"):
            sub = _Token(pos, pos + len(part), part, "word", False, pos + len(part))
            pos += len(part) + 1
            if not part or not part[0].isupper():
                continue
            if is_demonym(part):
                parts.append((sub, [], "demonym"))
                continue
            matches = self.matches([sub])
            if not (matches and self.single_ok(sub, matches, [sub])):
                return  # "Wal-Mart": one part is no place, so the word is a name
            parts.append((sub, matches, "place"))
        for sub, matches, kind in parts:
            self.emit([sub], matches, kind, typed=False)

    def modifier(
        self, toks: list[_Token], kind: str = "place", *, areas_only: bool = False
    ) -> None:
        """Words before a title or organisation word: a leading place name is marked, as a
        place ("Louisiana Gov.") or, inside an organisation's name, with ``kind``
        "modifier" ("Rapides Parish Fire District", "U.S. Geological Survey"); the rest is
        not."""
        while toks and (n := self.demonym_at(toks, 0)):
            self.emit(toks[:n], [], "demonym")
            toks = toks[n:]
        for j in range(len(toks), 0, -1):
            matches = self.matches(toks[:j])
            if not matches:
                continue
            if j == 1:
                tok = toks[0]
                if tok.allcaps and len(tok.text) <= 3 and tok.text not in COUNTRY_ABBREVIATIONS:
                    return
                if _normalize(tok.text) in self.common and not self.strong(matches):
                    return
                if tok.lower in ORG_WORDS or tok.lower in TITLES or tok.lower in ETHNIC_WORDS:
                    return
                if not (self.strong(matches) or any(m.quality == 3 for m in matches)):
                    return
            if areas_only and not any(
                m.quality >= 2 and m.place.kind in _AREA_KINDS for m in matches
            ):
                return
            self.emit(toks[:j], matches, kind)
            return

    def covered(self, toks: list[_Token]) -> None:
        """Mark places only if they cover the whole chunk ("Alexandria Virginia")."""
        parts: list[tuple[int, int, list[Match]]] = []
        i = 0
        while i < len(toks):
            for j in range(min(len(toks), i + 5), i, -1):
                matches = self.matches(toks[i:j])
                if matches and (j - i > 1 or self.single_ok(toks[i], matches, toks[i:j])):
                    parts.append((i, j, matches))
                    i = j
                    break
            else:
                if 2 <= len(toks) <= 4 and all(t.capitalised for t in toks):
                    self.person(toks)
                return
        # "Alexandria Virginia" is a place and its region; "George Jackson" and "Ben Paul"
        # (Paul, a region of Cabo Verde, holds no Ben) are persons.
        if len(parts) > 1 and not _in_region(
            parts[-1][2], [m for _, _, ms in parts[:-1] for m in ms]
        ):
            self.person(toks)
            return
        for i, j, matches in parts:
            self.emit(toks[i:j], matches)

    # ---------------------------------------------------------------- the document
    def run(self, sentences: Sequence[Sentence]) -> list[_Found]:
        commas = [m.start() for m in _STATE_COMMA.finditer(self.text)]
        for sentence in sentences:
            self.sentence = sentence.index
            for chunk in _chunks(self.text, sentence.start, sentence.end):
                self.chunk(chunk)
            start = max(0, sentence.start - 2)  # the comma may end the sentence before
            k = bisect_left(commas, start)
            if k == len(commas) or commas[k] >= sentence.end:
                continue
            for m in _STATE_AFTER_COMMA.finditer(self.text, start, sentence.end):
                found = _Found(m.start(1), m.end(), "place", sentence.index, strong=True)
                found.qualified = True
                self.found.append(found)
            # Lower-case and mid-chunk demonyms were handled; "Iraqis" alone is a chunk.
        if self.unknowns:
            self.vary_unknowns()
        return self.resolve_coreference()

    def resolve_coreference(self) -> list[_Found]:
        """Drop lone words the article uses as a person's surname, unless qualified."""
        kept = []
        for f in self.found:
            if f.kind == "place" and f.single and not f.strong and not f.qualified:
                if _normalize(self.text[f.start : f.end]) in self.persons:
                    continue
            kept.append(f)
        return kept


def _in_region(regions: Sequence[Match], places: Sequence[Match]) -> bool:
    """Whether one of ``places`` lies in one of ``regions`` (countries or admin1 regions)."""
    for r in regions:
        if r.quality < 2 or r.place.kind not in ("country", "admin1"):
            continue
        for m in places:
            if m.place.country == r.place.country and (
                r.place.kind == "country" or m.place.admin1 == r.place.admin1
            ):
                return True
    return False


def _type_word(text: str, start: int, end: int) -> str:
    """The type word of the name ``text[start:end]``, singular: right after it ("Anbar
    province"), before it ("the town of Abu Kamal"), or after the list it opens or
    continues ("Becker, Clay and Wilkin counties")."""
    word = (_type_after_name(text, end) if _may_type_after(text, end) else "") or _type_before(
        text, start
    )
    if word:
        return word
    c = text[end : end + 1]
    if c == "," or (c == " " and (text[end : end + 5] == " and " or text[end : end + 4] == " or ")):
        return _type_after(text, end, _LIST_TYPE_AFTER) if _may_list_type_after(text, end) else ""
    return ""


def _and_or_name(text: str, i: int) -> bool:
    """Whether blanks, "and" or "or", blanks and a capital follow ``text[i]`` on."""
    j = _blanks(text, i)
    if j == i:
        return False
    if text[j : j + 3] == "and":
        k = j + 3
    elif text[j : j + 2] == "or":
        k = j + 2
    else:
        return False
    m = _blanks(text, k)
    return m > k and m < len(text) and 65 <= ord(text[m]) <= 90


def _may_list_type_after(text: str, end: int) -> bool:
    """Whether ``_LIST_TYPE_AFTER`` may match at ``end``, read without calling it (some
    7,800 instructions a call compiled, most finding nothing): its list opens with ", Name"
    (a capital after the comma and blanks), or it opens with "and" or "or" between blanks
    (after a comma or not) and a capital; and a list holds "and" or "or" between blanks
    within the pattern's reach (without a tab there, " and " or " or ")."""
    comma = text[end : end + 1] == ","
    if _and_or_name(text, end + 1 if comma else end):
        return True
    if not comma:
        return False
    k = _blanks(text, end + 1)
    if k >= len(text) or not 65 <= ord(text[k]) <= 90:
        return False
    stop = end + 200
    return (
        text.find(" and ", end, stop) >= 0
        or text.find(" or ", end, stop) >= 0
        or text.find("\t", end, stop) >= 0
    )


#: The first two letters of the type words, in either case ("pr", "Pr", "pR", "PR").
_TYPE_OPENINGS: Final = frozenset(
    a + b
    for w in (*TYPE_WORDS, *_TYPE_PLURALS.values())
    for a in (w[0], w[0].upper())
    for b in (w[1], w[1].upper())
)


#: ``_TYPE_OPENINGS`` in lower case as a table of 26 by 26 letters, "1" where a pair opens.
_TYPE_OPENING_TABLE: Final = "".join(
    "1" if a + b in _TYPE_OPENINGS else "0"
    for a in "abcdefghijklmnopqrstuvwxyz"
    for b in "abcdefghijklmnopqrstuvwxyz"
)


def _may_type_after(text: str, end: int) -> bool:
    """Whether ``_TYPE_AFTER`` may match at ``end``, read without calling it: not unless a
    space or tab follows, and after one space, not unless two letters that open a type word
    (in either case) or a letter outside ASCII do (ignoring case, "ſ" is an "s"). Read by
    character codes: slices and a set of pairs cost some 250 instructions a call compiled."""
    n = len(text)
    if end >= n:
        return False
    c = ord(text[end])
    if c != 32:
        return c == 9
    if end + 2 >= n:
        return False  # fewer than two characters hold no type word
    a = ord(text[end + 1])
    b = ord(text[end + 2])
    if a > 127 or b > 127 or a == 32 or a == 9:
        return True
    # ``| 32`` puts an ASCII letter in lower case and no other character among them.
    a |= 32
    b |= 32
    if a < 97 or a > 122 or b < 97 or b > 122:
        return False
    return _TYPE_OPENING_TABLE[(a - 97) * 26 + b - 97] == "1"


def _type_after(text: str, end: int, pattern: re.Pattern = _TYPE_AFTER) -> str:
    """The type word right after a name ending at ``end`` ("Anbar province"), singular."""
    m = pattern.match(text, end, end + 200)
    if not m:
        return ""
    return _singular(m.group(1).lower())


def _singular(word: str) -> str:
    """A type word as ``_type_after`` returns it: singular, in lower case."""
    word = _SINGULAR.get(word, word)
    return word[:-1] if word.endswith("s") and word[:-1] in _TYPE_WORD_SET else word


#: What ``_type_after`` returns for each word ``_TYPE_AFTER`` finds, in lower case: the type
#: words and their plurals ("cities", "towns"; "border crossings").
_TYPE_AFTER_WORDS: Final = {
    form: _singular(form) for w in TYPE_WORDS for form in (w, _TYPE_PLURALS.get(w, w + "s"))
}
#: The characters after the blanks that decide what ``_TYPE_AFTER`` finds in ASCII text: its
#: longest word and the one after it (``\b``).
_TYPE_AFTER_READ: Final = max(map(len, _TYPE_AFTER_WORDS)) + 1


def _letters(text: str, i: int) -> int:
    """Where the run of ASCII letters from ``text[i]`` on ends."""
    n = len(text)
    while i < n:
        c = ord(text[i]) | 32
        if c < 97 or c > 122:
            break
        i += 1
    return i


def _type_after_name(text: str, end: int) -> str:
    """``_type_after(text, end)``, read without the pattern where the words after the blanks
    are ASCII (the pattern tries each of its first letters in turn, ignoring case: some
    5,000 instructions compiled where it finds nothing): the run of letters there is a type
    word or its plural ("border" and a space open two words), and no letter, digit or
    underscore follows it."""
    head = text[end : end + _TYPE_AFTER_READ + 8]
    rest = head.lstrip(" \t")
    if len(rest) == len(head):
        return ""
    window = rest[:_TYPE_AFTER_READ]
    if not window.isascii() or (len(window) < _TYPE_AFTER_READ and end + len(head) < len(text)):
        return _type_after(text, end)
    window = window.lower()
    i = _letters(window, 0)
    word = window[:i]
    if word == "border" and window[i : i + 1] == " ":
        i = _letters(window, i + 1)
        word = window[:i]
    if i < len(window) and (window[i] == "_" or window[i].isdigit()):
        return ""
    return _TYPE_AFTER_WORDS.get(word, "")


def _type_before(text: str, start: int) -> str:
    """The type word before a name starting at ``start`` ("the town of Abu Kamal")."""
    if not start or text[start - 1] not in " \t":
        return ""  # the pattern ends with a space or tab
    if _ends_none_at(text, start, _NOT_AFTER_TYPE):
        return ""  # nor can an ASCII character that ends none of its words precede it
    lo = max(0, start - 30)  # the window the pattern is searched in
    first, stop = _last_word(text, lo, start)
    word = text[first:stop].lower()
    # A letter outside ASCII may match one inside it ("ſ" is "s" to a pattern ignoring case).
    if word not in _TYPE_BEFORE_LAST and (first == lo or text[first - 1] not in _FOLDS_TO_ASCII):
        return ""
    if word == "the":
        first, stop = _last_word(text, lo, first)
        word = text[first:stop].lower()
        if word != "of":
            return ""  # "the" ends the pattern only after "of"; no other letter matches these
    of = word == "of"
    if of:
        # Only a type word makes "of" end the pattern: the word before it must be one, or
        # end with a letter outside ASCII (one of its own, or the word's end cut by one).
        first, stop = _last_word(text, lo, first)
        word = text[first:stop].lower()
        if word not in _TYPE_BEFORE_OF and (first == lo or text[first - 1] not in _FOLDS_TO_ASCII):
            return ""
    # The pattern finds the type word read (the checks above leave no other), from its first
    # letter (a word boundary: no letter, digit or underscore before it), or the two words
    # that end with it; read so where what it may match and the character before are ASCII.
    two = "" if of else _TYPE_BEFORE_TWO.get(word, "")
    opens = first - len(two)
    if not text[max(lo, opens - 1) : start].isascii():
        m = _TYPE_BEFORE.search(text[lo:start])
        return (m.group(1) or m.group(2)).lower() if m else ""
    if two and text[opens:first].lower() == two and _opens_word(text, lo, opens):
        return two + word
    return word if _opens_word(text, lo, first) else ""


#: The characters outside ASCII that match an ASCII letter in a pattern ignoring case ("İ",
#: "ı", "ſ" and the Kelvin sign): no other may be part of what ``_TYPE_BEFORE`` finds.
_FOLDS_TO_ASCII: Final = "\u0130\u0131\u017f\u212a"
#: The word and space before the type words ``_TYPE_BEFORE`` finds as two words.
_TYPE_BEFORE_TWO: Final = {"capital": "provincial ", "town": "border "}


def _opens_word(text: str, lo: int, i: int) -> bool:
    """Whether a word may start at ``text[i]`` to a pattern searched in ``text[lo:]`` (``\\b``
    before a letter): ``i`` is where the search starts or no ASCII letter, digit or underscore
    precedes it (the caller's text is ASCII)."""
    if i <= lo:
        return i == lo
    c = text[i - 1]
    return not (c.isalnum() or c == "_")


def _part_before(text: str, start: int) -> str:
    """The part a direction word before a name names ("southern Mexico": "south")."""
    if _ends_none_at(text, start, _NOT_AFTER_PART):
        return ""
    word = _word_before(text, start, 20)
    return _PARTS.get(word.lower(), "") if word else ""


def _ends_none(words: Iterable[str]) -> str:
    """The ASCII characters that, before a space and a name, say the word before it is none
    of ``words`` (:func:`_word_before`, in lower case): any but a letter that ends one of
    them, a space or a tab (the name follows no word, or the word ends with another letter).
    A table of the 128 codes, "1" for those characters (see :func:`_ends_none_at`)."""
    last = {w[-1] for w in words}
    return "".join(
        "1" if c not in " \t" and c.lower() not in last else "0" for c in map(chr, range(128))
    )


def _ends_none_at(text: str, start: int, table: str) -> bool:
    """Whether ``text[start - 2 : start]`` is a character ``table`` marks (an
    :func:`_ends_none` table) and a space, read by its code: a slice and a set of pairs cost
    some 170 instructions a call compiled."""
    if start < 2 or start > len(text) or text[start - 1] != " ":
        return False
    c = ord(text[start - 2])
    return c < 128 and table[c] == "1"


#: Words before a name that make it a person's: "Mr Adams", "by Adams".
_PERSON_BEFORE: Final = frozenset(("mr", "mrs", "ms", "dr", "by", "with"))
_NOT_AFTER_LOCATIVE: Final = _ends_none(LOCATIVE)
_NOT_AFTER_PERSON_BEFORE: Final = _ends_none(_PERSON_BEFORE)
_NOT_AFTER_PART: Final = _ends_none(_PARTS)
_NOT_AFTER_TYPE: Final = _ends_none(_TYPE_BEFORE_LAST)


def _last_word(text: str, lo: int, end: int) -> tuple[int, int]:
    """Where the ASCII letters that end ``text[lo:end]`` before its trailing spaces or tabs
    start and stop: for "the town of " the offsets of "of"; (end, end) if no space or tab
    ends it. Read backwards a character at a time: compiled, no string is made."""
    stop = end
    while stop > lo and (ord(text[stop - 1]) == 32 or ord(text[stop - 1]) == 9):
        stop -= 1
    if stop == end:
        return end, end
    first = stop
    while first > lo and 97 <= (ord(text[first - 1]) | 32) <= 122:
        first -= 1
    return first, stop


def _word_before(text: str, start: int, width: int) -> str:
    """The word of ASCII letters that spaces or tabs before ``start`` follow, within
    ``width`` characters ("" if none): what ``_PREVIOUS_WORD`` finds in that window, read
    backwards from ``start`` rather than tried at every position of it."""
    first, stop = _last_word(text, max(0, start - width), start)
    return text[first:stop]


def _propagate_type_words(text: str, found: Sequence[_Found | Mention]) -> list[str]:
    """The type words of the names, a list's last one applying to all ("the Al-Walid and
    Rabia crossings", "Becker, Clay and Wilkin counties")."""
    words = [f.type_word for f in found]
    for k in range(len(found) - 2, -1, -1):
        a, b = found[k], found[k + 1]
        if (
            a.kind == b.kind == "place"
            and not words[k]
            and words[k + 1]
            and _COORDINATION.fullmatch(text[a.end : b.start])
        ):
            words[k] = words[k + 1]
    return words


def read_context(text: str, mentions: Sequence[Mention]) -> tuple[Mention, ...]:
    """Mentions found elsewhere (a gold corpus's spans) with what :func:`extract` records
    beside each name: its type word (propagated along lists) and the part a direction
    word before it names."""
    mentions = [
        replace(
            m,
            type_word=m.type_word or _type_word(text, m.start, m.end),
            part=m.part or _part_before(text, m.start),
        )
        if m.kind == "place"
        else m
        for m in mentions
    ]
    words = _propagate_type_words(text, mentions)
    return tuple(
        replace(m, type_word=w) if w != m.type_word else m for m, w in zip(mentions, words)
    )


def extract(text: str, sentences: Sequence[Sentence], gazetteer: Gazetteer) -> tuple[Mention, ...]:
    """Place and demonym mentions of a text, in order of their offsets.

    ``sentences`` are the text's sentences (:func:`geomap.text.split_sentences`); mentions
    never cross them. Each Mention has ``kind`` "place", "modifier" (a place name inside an
    organisation's name: "U.S. Geological Survey", "Kansas City Chiefs") or "demonym" and,
    for places, the ``type_word`` found beside the name ("province", "crossing", "town"...).
    Nothing is resolved yet: ``place`` is None.
    """
    if not text:
        return ()
    extractor = _Extractor(text, gazetteer)
    found = sorted(extractor.run(sentences), key=lambda f: (f.start, -f.end))
    unique: list[_Found] = []
    for f in found:
        if unique and f.start < unique[-1].end:
            continue
        unique.append(f)
    words = _propagate_type_words(text, unique)
    return tuple(
        Mention(f.start, f.end, text[f.start : f.end], f.sentence, f.kind, word, part=f.part)
        for f, word in zip(unique, words)
    )


__all__ = [
    "ABBREVIATED_NAMES",
    "abbreviation_matches",
    "common_words",
    "extract",
    "is_abbreviated",
    "is_strong",
    "lookup",
    "lookup_name",
    "other_names",
    "read_context",
]
