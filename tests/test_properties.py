"""Properties over generated input (hypothesis): random text through ``parse``, random
gazetteer rows, generated distance sentences and the map page.

Each property is a plain ``check_*`` function over a strategy's example; the tests below run
a few dozen examples each, and ``benchmarks/bench_fuzz.py`` runs the same pairs by the
hundred thousand.
"""

from __future__ import annotations

import csv
import json
import math
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from geomap import render
from geomap.claims import MAX_KM
from geomap.errors import GazetteerError, GeomapError
from geomap.gazetteer import COLUMNS, Gazetteer, check_file
from geomap.geometry import COMPASS
from geomap.parse import parse
from geomap.records import Document
from geomap.statements import UNIT_KM
from geomap.text import FORMATS

#: Examples per test under pytest (the map's are fewer: pages are the slowest to write);
#: ``benchmarks/bench_fuzz.py`` runs thousands.
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAP_EXAMPLES = settings(EXAMPLES, max_examples=15)

# --------------------------------------------------------------------------- text

#: Pieces of the founding article and of what news text around it holds.
PLACE_WORDS = (
    "Al-Qaim",
    "Al-Qaim’s",
    "Ramadi",
    "Iraq",
    "Iraq's",
    "Syria",
    "Syria’s",
    "BAGHDAD:",
    "Husaybah",
    "Rawa",
    "Abu Kamal",
    "Deir ez-Zour",
    "Anbar",
    "Al-Walid",
    "Rabia",
    "Nineveh",
    "Iraqi",
    "Syrian",
    "Baghdad",
    "Paris",
    "Springfield",
    "Haider al-Abadi",
    "Anadolu Agency",
    "the town of",
    "province",
    "crossing",
)
NUMBER_WORDS = (
    "410",
    "two",
    "1,200",
    "3.5",
    "0",
    "twenty-five",
    "a dozen",
    "half a",
    "10-15",
    "between 5 and 7",
    "one hundred and twenty",
    "9" * 40,
    "1" + "0" * 400,
    "0.000001",
    "12,345,678",
)
UNIT_WORDS = (
    "km",
    "kilometers",
    "kilometres",
    "miles",
    "mi",
    "nautical miles",
    "m",
    "metres",
    "feet",
    "yards",
    "km²",
    "km/h",
)
COMPASS_WORDS = (
    "north",
    "south-west",
    "northeast",
    "west-northwest",
    "NNE",
    "W",
    "of",
    "to the west of",
    "due south of",
    "from",
    "apart",
    "outside",
    "away from",
    "off the coast of",
    "by road",
)
HEDGE_WORDS = ("about", "some", "more than", "nearly", "within", "up to", "less than")
PUNCTUATION = (
    ".",
    ",",
    ";",
    ":",
    "—",
    "–",
    "(",
    ")",
    "“",
    "”",
    '"',
    "'",
    "’",
    "!",
    "?",
    "…",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "  ",
)
MARKUP = (
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<br>",
    "<br/>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<![if !x]>",
    "<![endif]>",
    "<!x>",
    "<?php",
    "<pre>",
    "</pre>",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#x110000;",
    "&nbsp",
    "&",
    "<",
    ">",
    "**",
    "__",
    "_",
    "`",
    "```",
    "# ",
    "> ",
    "- ",
    "1. ",
    "[",
    "](http://x.org/)",
    "![",
    "\\",
    "<img src=x onerror=alert(1)>",
    "</title>",
    "<html>",
    "</html>",
    "{{ 7 * 7 }}",
    "{% for x in y %}",
    "{#",
    "${x}",
)
ODD_CHARACTERS = (
    "\x00",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200f",
    "\u0301",
    "\u0627\u0644\u0642\u0627\u0626\u0645",
    "ﬁ",
    "İ",
    "ß",
    "\U0001f600",
    "\x85",
    "\x1c",
    "\u00a0",
    "\u3000",
)

#: Whole phrases, so that random text often states a distance between two places.
PHRASES = (
    (
        "Located two kilometers from Al-Qaim city and 410 kilometers west of provincial capital "
        "Ramadi, the Husaybah crossing"
    ),
    "the town of Abu Kamal in Syria’s Deir ez-Zour province",
    "Iraq-Syria border",
    " km north of ",
    " miles from ",
    " kilometres south-west of ",
    "Rawa, 10000 km east of Ramadi",
)

pieces = st.sampled_from(
    PHRASES
    + PLACE_WORDS
    + NUMBER_WORDS
    + UNIT_WORDS
    + COMPASS_WORDS
    + HEDGE_WORDS
    + PUNCTUATION
    + MARKUP
    + ODD_CHARACTERS
)
#: Text mixing the pieces above with spaces and random characters (no surrogates).
mixed_texts = st.lists(
    st.one_of(pieces, pieces.map(" {} ".format), st.characters(codec="utf-8"), st.text(max_size=3)),
    max_size=50,
).map("".join)
texts = st.one_of(st.text(), mixed_texts)
formats = st.sampled_from(FORMATS)


def check_document(doc: Document) -> None:
    """The invariants of a parsed document: offsets, coordinates, confidences, claims."""
    text = doc.text
    previous_end = 0
    for i, s in enumerate(doc.sentences):
        assert s.index == i and previous_end <= s.start < s.end <= len(text), s
        chunk = text[s.start : s.end]
        assert chunk == chunk.strip(), s
        previous_end = s.end
    for m in doc.mentions:
        assert 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.text, m
        sentence = doc.sentences[m.sentence]
        assert sentence.start <= m.start and m.end <= sentence.end, m
        assert 0.0 <= m.confidence <= 1.0, m
        for place in [c.place for c in m.candidates] + ([m.place] if m.place else []):
            assert math.isfinite(place.lat) and -90 <= place.lat <= 90, place
            assert math.isfinite(place.lon) and -180 <= place.lon <= 180, place
        assert all(0.0 <= c.score <= 1.0 for c in m.candidates), m
    for check in doc.checks:
        claim = check.claim
        for party in (claim.subject, claim.reference):
            if party is not None:
                assert text[party.start : party.end] == party.text, claim
                assert party.mention is None or 0 <= party.mention < len(doc.mentions), claim
        assert claim.attached or claim.reason or check.status == "unattached", check
        assert text[claim.start : claim.end] == claim.text, claim
        sentence = doc.sentences[claim.sentence]
        assert sentence.start <= claim.start < claim.end <= sentence.end, claim
        if claim.low_km is not None:
            assert math.isfinite(claim.low_km) and math.isfinite(claim.high_km), claim
            assert 0 <= claim.low_km <= claim.high_km, claim
        if claim.point is not None:
            assert -90 <= claim.point[0] <= 90 and -180 <= claim.point[1] <= 180, claim
        assert claim.direction is None or claim.direction in COMPASS, claim
        if check.computed_km is not None:
            assert math.isfinite(check.computed_km) and check.computed_km >= 0, check
        if check.computed_bearing is not None:
            assert 0 <= check.computed_bearing < 360, check
        for place in check.fits:
            assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180, place
    for location in doc.locations:
        assert -90 <= location.lat <= 90 and -180 <= location.lon <= 180, location
        assert math.isfinite(location.uncertainty_km) and location.uncertainty_km >= 0
        assert all(0 <= i < len(doc.checks) for i in location.checks), location


def check_parse(gazetteer: Gazetteer, text: str, format: str = "plain") -> None:
    """``parse`` raises nothing but geomap's own errors and returns a consistent Document."""
    try:
        doc = parse(text, gazetteer=gazetteer, format=format)
    except GeomapError:
        return
    if format == "plain":
        assert doc.text == text
    event(f"{min(len(doc.places), 2)}+ places, {min(len(doc.checks), 1)}+ claims")
    check_document(doc)


@EXAMPLES
@given(text=texts)
@example(text="Rawa, 1" + "0" * 400 + " km north of Ramadi.")  # was OverflowError
@example(text="Rawa, 10000 km north of Ramadi.")  # took 51 s: explain() judged 210,000 places
def test_parse_random_text(full_gazetteer, text):
    check_parse(full_gazetteer, text)


@EXAMPLES
@given(text=mixed_texts, format=formats)
@example(text="<![foo]>Rawa", format="html")  # was AssertionError from html.parser
def test_parse_markup(full_gazetteer, text, format):
    check_parse(full_gazetteer, text, format)


# --------------------------------------------------------------------------- gazetteer rows

#: Cell values that ``row_to_place`` must refuse, or read with care.
BAD_NUMBERS = (
    "",
    " ",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "9" * 400,
    "0x10",
    "3,5",
    "--1",
    "abc",
    "90.0000001",
    "-180.5",
    "1e309",
)
ODD_NUMBERS = ("1_0", "٣٣", " 33.3 ", "+45", "1e1", "-0", "1e-400", "90", "-90", "180", "-180")
_names = st.one_of(
    st.sampled_from(PLACE_WORDS + ODD_CHARACTERS + ("", " ", "'", "-", "Al-")),
    st.text(max_size=12),
    mixed_texts,
)
_numbers = st.one_of(
    st.floats().map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(BAD_NUMBERS),
    st.text(max_size=5),
)
#: Per column: (values the schema accepts, anything else).
_COLUMN_VALUES = (
    (
        st.sampled_from(("p1", " p1 ")) | st.text(max_size=4).filter(str.strip),
        st.text(max_size=4),
    ),  # id
    (_names.filter(str.strip), _names),  # name
    (st.lists(_names, max_size=3).map("|".join), st.text()),  # alternate_names
    (st.floats(-90, 90).map(str) | st.sampled_from(ODD_NUMBERS[:-2]), _numbers),  # lat
    (st.floats(-180, 180).map(str) | st.sampled_from(ODD_NUMBERS), _numbers),  # lon
    (
        st.sampled_from(("city", "admin1", "border_crossing", "x1_")),
        st.sampled_from(("City", "", "x y")) | st.text(max_size=5),
    ),  # kind
    (
        st.sampled_from(("IQ", "SY", "")),
        st.sampled_from(("iq", "IRQ")) | st.text(max_size=3),
    ),  # country
    (st.text(max_size=6), st.text(max_size=6)),  # admin1
    (
        st.sampled_from(("", "0", "20000", "1_0")) | st.integers(0, 10**12).map(str),
        st.integers(-(10**30), 10**30).map(str) | st.sampled_from(BAD_NUMBERS),
    ),  # population
    (st.just("test"), st.text(max_size=6)),  # source
)


@st.composite
def gazetteer_rows(draw) -> tuple[str, ...]:
    """A row in COLUMNS order; one in five is messy: any cell may be bad, the length wrong."""
    messy = draw(st.integers(0, 4)) == 0
    row = tuple(
        draw(bad if messy and draw(st.integers(0, 2)) == 0 else good)
        for good, bad in _COLUMN_VALUES
    )
    if messy:
        row = draw(st.sampled_from((row, row, row[:-1], (*row, "x"))))
    return row


@dataclass(frozen=True)
class GazetteerFile:
    """Rows of a generated gazetteer CSV, written quoted by ``csv`` or naively joined."""

    rows: tuple[tuple[str, ...], ...]
    quoted: bool = True

    def write(self, path: Path) -> None:
        with open(path, "w", newline="", encoding="utf-8") as f:
            if self.quoted:
                writer = csv.writer(f)
                writer.writerow(COLUMNS)
                writer.writerows(self.rows)
            else:
                f.write("\n".join(",".join(row) for row in [COLUMNS, *self.rows]) + "\n")


gazetteer_files = st.builds(
    GazetteerFile,
    st.lists(gazetteer_rows(), max_size=6).map(tuple),
    st.sampled_from((True, True, True, False)),
)


def _assert_names_file_and_line(err: GeomapError, path: Path) -> None:
    message = str(err)
    assert len(message.splitlines()) == 1, message
    assert err.path == str(path) and isinstance(err.line, int) and err.line >= 1, message
    assert message.startswith(f"{path}:{err.line}: "), message


def check_gazetteer_file(file: GazetteerFile, folder: Path) -> None:
    """A gazetteer CSV is either refused with one-line FILE:LINE errors, or opens with every
    place in range and found by its name."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "g.csv"
        file.write(path)
        places, problems = check_file(path)
        for problem in problems:
            _assert_names_file_and_line(problem, path)
        try:
            gazetteer = Gazetteer.open(
                [path], bundled=False, use_env=False, cache=Path(tmp) / "cache"
            )
        except GazetteerError as err:
            event("gazetteer refused")
            assert problems, err
            _assert_names_file_and_line(err, path)
            assert (err.path, err.line) == (problems[0].path, problems[0].line)
            return
        assert not problems, problems
        event(f"gazetteer opened, {min(len(places), 2)}+ places")
        with gazetteer:
            assert len(gazetteer) == len(places)
            for _, place in places:
                assert math.isfinite(place.lat) and -90 <= place.lat <= 90, place
                assert math.isfinite(place.lon) and -180 <= place.lon <= 180, place
                assert gazetteer.get(place.id) == place
                for name in (place.name, *place.alternate_names):
                    assert place in gazetteer.lookup(name, limit=len(places) + 1), (name, place)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder for the files the properties write (each example overwrites its own)."""
    return tmp_path_factory.mktemp("properties")


def _row(name: str = "Rawa", population: str = "") -> tuple[str, ...]:
    return ("p1", name, "", "34.5", "41.9", "city", "IQ", "", population, "t")


@EXAMPLES
@given(file=gazetteer_files)
@example(file=GazetteerFile((_row(population="1" + "0" * 400),)))  # was OverflowError
@example(file=GazetteerFile((_row(population=str(10**25)),)))  # was OverflowError (SQLite)
@example(file=GazetteerFile((_row(name="'"),)))  # was accepted, and never found
def test_gazetteer_rows(scratch, file):
    check_gazetteer_file(file, scratch)


# --------------------------------------------------------------------------- distance claims

#: The places distance sentences name: (name as written, CSV row).
CLAIM_PLACES = (
    ("Ramadi", ("t:ramadi", "Ramadi", "", "33.42", "43.30", "city", "IQ", "Anbar", "274539", "t")),
    ("Rawa", ("t:rawa", "Rawa", "", "34.48", "41.92", "city", "IQ", "Anbar", "20000", "t")),
    (
        "Al-Qaim",
        ("t:qaim", "Al Qā’im", "Al-Qaim", "34.39", "40.99", "city", "IQ", "Anbar", "74100", "t"),
    ),
    (
        "Baghdad",
        ("t:baghdad", "Baghdad", "", "33.34", "44.40", "city", "IQ", "Baghdad", "7216000", "t"),
    ),
    (
        "Abu Kamal",
        (
            "t:abukamal",
            "Ālbū Kamāl",
            "Abu Kamal",
            "34.45",
            "40.92",
            "city",
            "SY",
            "Deir ez-Zor",
            "57572",
            "t",
        ),
    ),
    ("Mosul", ("t:mosul", "Mosul", "", "36.34", "43.13", "city", "IQ", "Nineveh", "1739800", "t")),
)
CLAIM_NAMES = tuple(name for name, _ in CLAIM_PLACES)
_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
#: Written unit -> unit code.
UNITS = {
    "km": "km",
    "kms": "km",
    "kilometres": "km",
    "kilometers": "km",
    "miles": "mi",
    "mi": "mi",
    "nautical miles": "nmi",
    "metres": "m",
    "meters": "m",
    "feet": "ft",
    "yards": "yd",
}
HEDGES = (
    "about",
    "some",
    "roughly",
    "approximately",
    "around",
    "nearly",
    "almost",
    "more than",
    "over",
    "at least",
    "less than",
    "under",
    "up to",
)


def in_words(n: int) -> str:
    """An integer below a million in English words ("one hundred and twenty")."""
    if n >= 1000:
        thousands, rest = divmod(n, 1000)
        tail = "" if not rest else (" and " if rest < 100 else " ") + in_words(rest)
        return f"{in_words(thousands)} thousand{tail}"
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        return f"{_SMALL[hundreds]} hundred" + (f" and {in_words(rest)}" if rest else "")
    if n >= 20:
        tens, rest = divmod(n, 10)
        return _TENS[tens] + (f"-{_SMALL[rest]}" if rest else "")
    return _SMALL[n]


@st.composite
def numbers(draw, above: float = -1) -> tuple[str, float]:
    """A number as news writes it, and its value (greater than ``above``)."""
    value = draw(st.integers(math.floor(above) + 1, math.floor(above) + 100_000))
    style = draw(st.sampled_from(("digits", "commas", "words", "decimal")))
    if style == "words" and value < 100_000:  # not "one hundred and one thousand"
        return in_words(value), float(value)
    if style == "commas":
        return f"{value:,}", float(value)
    if style == "decimal":
        tenths = draw(st.integers(0, 9))
        return f"{value}.{tenths}", value + tenths / 10
    return str(value), float(value)


def _direction_text(code: str, form: str) -> str:
    if form == "abbreviation":
        return code
    names = {"N": "north", "E": "east", "S": "south", "W": "west"}
    words = [names[c] for c in code]
    if len(words) == 3:
        return words[0] + "-" + "".join(words[1:])
    return ("-" if form == "hyphen" else "").join(words)


@dataclass(frozen=True)
class DistanceSentence:
    """A generated sentence and the claim it states (distances in km, None: no distance)."""

    text: str
    subject: str
    reference: str
    low_km: float | None
    high_km: float | None
    direction: str | None
    hedge: str | None


@st.composite
def distance_sentences(draw, names: tuple[str, ...] = CLAIM_NAMES) -> DistanceSentence:
    """ "X, 12 km north of Y." in its many written forms, X and Y two of ``names``."""
    subject, reference = draw(st.permutations(names))[:2]
    unit = draw(st.sampled_from(sorted(UNITS)))
    factor = UNIT_KM[UNITS[unit]]
    hedge = draw(st.none() | st.sampled_from(HEDGES))
    low_text, low = draw(numbers())
    shape = draw(
        st.sampled_from(
            ("single", "single", "range-to", "range-hyphen", "between", "direction-only")
        )
    )
    if shape == "direction-only":
        quantity, low_km, high_km, hedge = "", None, None, None
    else:
        high_text, high = low_text, low
        if shape != "single":
            high_text, high = draw(numbers(above=low))
        if shape == "range-hyphen" and not (low_text[-1] + high_text[0]).isdigit():
            shape = "range-to"  # "twenty-thirty" reads as one number
        if shape == "between" and low_text.endswith(("hundred", "thousand")):
            shape = "range-to"  # "between two hundred and fifty" reads as 250
        quantity = {
            "single": low_text,
            "range-to": f"{low_text} to {high_text}",
            "range-hyphen": f"{low_text}-{high_text}",
            "between": f"between {low_text} and {high_text}",
        }[shape]
        if shape == "between":
            hedge = None
        separator = "" if unit == "km" and quantity[-1].isdigit() and draw(st.booleans()) else " "
        quantity = (f"{hedge} " if hedge else "") + quantity + separator + unit + " "
        low_km, high_km = low * factor, high * factor
    direction = draw(st.none() | st.sampled_from(COMPASS))
    if direction is None and low_km is None:
        direction = "W"
    if direction is None:
        relation = draw(st.sampled_from(("from", "away from")))
    else:
        form = draw(st.sampled_from(("abbreviation", "hyphen", "joined")))
        lead = draw(st.sampled_from(("", "", "to the ", "due ")))
        relation = f"{lead}{_direction_text(direction, form)} of"
    template = draw(
        st.sampled_from(
            (
                "{s}, {q}{r} {ref}, was quiet.",
                "{s} lies {q}{r} {ref}.",
                "{s} is {q}{r} {ref}, officials said.",
                "Fighting reached {s}, {q}{r} {ref}.",
            )
        )
    )
    text = template.format(s=subject, q=quantity, r=relation, ref=reference)
    return DistanceSentence(text, subject, reference, low_km, high_km, direction, hedge)


#: Random sequences of the words distance sentences are made of.
distance_word_salad = st.lists(
    st.one_of(
        st.sampled_from(
            list(CLAIM_NAMES + HEDGES)
            + list(UNITS)
            + list(NUMBER_WORDS + COMPASS_WORDS + PUNCTUATION)
            + ["lies", "is", "and", "or", "to", "the", "capital", ",", "."]
        ),
        numbers().map(lambda n: n[0]),
        st.sampled_from(COMPASS),
    ),
    max_size=25,
).map(" ".join)


#: Places of the bundled gazetteer for generated articles: namesakes, dense regions, far apart.
NEWS_PLACES = (
    "Ramadi",
    "Rawa",
    "Al-Qaim",
    "Baghdad",
    "Abu Kamal",
    "Mosul",
    "Husaybah",
    "Syria",
    "Iraq",
    "Anbar",
    "Paris",
    "Lyon",
    "Springfield",
    "Chicago",
    "New York",
    "Tokyo",
    "Perth",
)
#: Articles of generated distance sentences between real places, and random text.
news_articles = st.lists(
    st.one_of(distance_sentences(NEWS_PLACES).map(lambda case: case.text), mixed_texts),
    min_size=1,
    max_size=6,
).map(" ".join)


def check_distance_sentence(gazetteer: Gazetteer, case: DistanceSentence) -> None:
    """The generated sentence gives exactly its claim, judged with finite numbers."""
    doc = parse(case.text, gazetteer=gazetteer)
    check_document(doc)
    assert len(doc.checks) == 1, (case, doc.checks)
    claim = doc.checks[0].claim
    names = (doc.mentions[claim.subject.mention].text, doc.mentions[claim.reference.mention].text)
    assert names == (case.subject, case.reference), (case, claim)
    assert (claim.direction, claim.hedge) == (case.direction, case.hedge), (case, claim)
    if case.low_km is None:
        assert claim.low_km is None and claim.high_km is None, (case, claim)
    else:
        assert claim.low_km == pytest.approx(case.low_km, rel=1e-9), (case, claim)
        assert claim.high_km == pytest.approx(case.high_km, rel=1e-9), (case, claim)
    check = doc.checks[0]
    if claim.low_km is not None and claim.low_km > MAX_KM:
        # farther than the antipode: reported, never judged
        assert check.distance == "unverifiable" and "farther than" in check.explanation, check
    else:
        assert check.computed_km is not None and check.distance != "unverifiable", check


def check_distance_text(gazetteer: Gazetteer, text: str) -> None:
    """Any mix of distance words parses into claims with finite, ordered values."""
    check_document(parse(text, gazetteer=gazetteer))


@EXAMPLES
@given(text=news_articles)
def test_parse_articles(full_gazetteer, text):
    check_parse(full_gazetteer, text)


@pytest.fixture(scope="module")
def claim_gazetteer(make_gazetteer):
    return make_gazetteer([row for _, row in CLAIM_PLACES])


@EXAMPLES
@given(case=distance_sentences())
@example(
    case=DistanceSentence(  # "Rawa, 1," was read as a person's age
        "Rawa, 1,000 feet from Ramadi, was quiet.", "Rawa", "Ramadi", 0.3048, 0.3048, None, None
    )
)
@example(
    case=DistanceSentence(  # "zero" was read as "a" (one)
        "Rawa lies zero km north of Ramadi.", "Rawa", "Ramadi", 0.0, 0.0, "N", None
    )
)
@example(
    case=DistanceSentence(  # was 22 km
        "Rawa is between ten and twelve km from Ramadi.", "Rawa", "Ramadi", 10.0, 12.0, None, None
    )
)
def test_distance_sentence(claim_gazetteer, case):
    check_distance_sentence(claim_gazetteer, case)


@EXAMPLES
@given(text=distance_word_salad)
def test_distance_word_salad(claim_gazetteer, text):
    check_distance_text(claim_gazetteer, text)


# --------------------------------------------------------------------------- the map page

#: Tiny outlines, so the page has countries to draw.
BOUNDARIES = {
    "IQ": {
        "type": "Polygon",
        "coordinates": [[[38.8, 33.4], [41.0, 34.4], [44.8, 37.3], [48.6, 29.9], [38.8, 33.4]]],
    },
    "SY": {
        "type": "Polygon",
        "coordinates": [[[35.7, 32.7], [38.8, 33.4], [42.4, 37.1], [36.2, 35.8], [35.7, 32.7]]],
    },
}


class _Tags(HTMLParser):
    """The tag sequence of a page, and the text of its JSON payload."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.payloads: list[str] = []
        self._json = False

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)
        self._json = tag == "script" and ("type", "application/json") in attrs
        if self._json:
            self.payloads.append("")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.tags.append(f"{tag}/")

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(f"/{tag}")
        self._json = False

    def handle_data(self, data: str) -> None:
        if self._json:
            self.payloads[-1] += data


def page_tags(document: Document | None, path: Path) -> _Tags:
    """Build and save the map of one document (or none) and read the page back."""
    documents = [] if document is None else [document]
    render.save(render.build_map(documents, boundaries=BOUNDARIES), path)
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


#: The tags of a map of no article, by folder.
_BLANK_PAGES: dict[Path, list[str]] = {}


@dataclass(frozen=True)
class MapInput:
    """An article's text, title and URL, all random."""

    text: str
    title: str | None
    url: str | None


map_inputs = st.builds(
    MapInput,
    st.one_of(mixed_texts, st.lists(mixed_texts, max_size=4).map("\n\n".join), st.text()),
    st.one_of(st.none(), st.text(), mixed_texts),
    st.none() | st.text() | st.text().map(lambda t: "http://example.org/" + t),
)


def check_map(gazetteer: Gazetteer, case: MapInput, folder: Path) -> None:
    """The page of any article has the tags of a blank map and carries its text intact in
    the JSON payload: nothing the article says ever becomes markup."""
    document = parse(case.text, gazetteer=gazetteer, title=case.title, url=case.url)
    path = folder / "map.html"
    if folder not in _BLANK_PAGES:
        _BLANK_PAGES[folder] = page_tags(None, path).tags
    page = page_tags(document, path)
    assert page.tags == _BLANK_PAGES[folder]
    assert page.tags.count("html") == page.tags.count("/html") == 1
    assert page.tags.count("script") == page.tags.count("/script")
    (payload,) = page.payloads
    (article,) = json.loads(payload)["docs"]
    assert (article["text"], article["title"]) == (document.text, render.display_title(document, 0))
    assert len(article["mentions"]) == len(document.mentions)


@MAP_EXAMPLES
@given(case=map_inputs)
@example(case=MapInput("Rawa {{ 7 * 7 }} </script><b>", "{% if 1 %}", "javascript:x"))
def test_map_page(full_gazetteer, scratch, case):
    check_map(full_gazetteer, case, scratch)
