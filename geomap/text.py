"""Text stage: bytes and markup in, plain text and sentences out.

Every later stage counts character offsets into the plain text this module returns, so the
markup readers (:func:`from_html`, :func:`from_markdown`) return the text a reader sees and
nothing else; :func:`from_plain` returns its input unchanged.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final

from geomap.errors import InputError
from geomap.records import Sentence

FORMATS: Final = ("plain", "markdown", "html")


# --------------------------------------------------------------------------- decoding


#: Byte-order marks that name their encoding; UTF-32's first, as UTF-16 LE's begins it.
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE: Final = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


@dataclass(frozen=True, slots=True)
class Codec:
    """The encoding to decode an input with, and how messages name it."""

    name: str
    #: How error messages name the encoding: "UTF-8", or what the user gave.
    label: str
    #: What an error message adds: " (use --encoding)" when the user gave no encoding.
    hint: str

    @property
    def wide(self) -> bool:
        """UTF-16 or UTF-32: text that cannot be cut into lines at the byte b"\\n"."""
        return self.name in _WIDE


def sniff_encoding(head: bytes, encoding: str | None = None) -> Codec:
    """The codec for an input beginning with the bytes ``head``: ``encoding`` when given,
    else what a UTF-16 or UTF-32 byte-order mark says, else UTF-8.

    Raises LookupError for an unknown ``encoding``.
    """
    if encoding is not None:
        return Codec(codecs.lookup(encoding).name, encoding, "")
    name = next((codec for bom, codec in _BOMS if head.startswith(bom)), "utf-8")
    return Codec(name, "UTF-8" if name == "utf-8" else name.upper(), " (use --encoding)")


def decode(data: bytes, *, path: str, encoding: str | None = None) -> str:
    """The text of a file's bytes: UTF-8 unless told otherwise or a byte-order mark says
    UTF-16 or UTF-32 (a mark is dropped).

    Raises InputError naming ``path``, the line and the byte for undecodable bytes
    ("not UTF-8 text at byte N (use --encoding)"), for binary data (a NUL byte) and for
    UTF-16 without a byte-order mark (with the ``--encoding`` to use).
    """
    try:
        codec = sniff_encoding(data[:4], encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", path=path) from None
    nul = data.find(b"\0")
    if nul >= 0 and not codec.wide:
        wide = None if encoding else _bomless_utf16(data)
        problem = (
            f"UTF-16 text without a byte-order mark (use --encoding {wide})"
            if wide
            else f"binary data, not text (a NUL byte at byte {nul})"
        )
        raise InputError(problem, path=path, line=_line_of(data, nul))
    try:
        text = data.decode(codec.name)
    except UnicodeDecodeError as err:
        raise InputError(
            f"not {codec.label} text at byte {err.start}{codec.hint}",
            path=path,
            line=_line_of(data, err.start),
        ) from None
    return text.removeprefix("\ufeff")


def _line_of(data: bytes, byte: int) -> int:
    return data.count(b"\n", 0, byte) + 1


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like mostly-ASCII UTF-16 text."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


# --------------------------------------------------------------------------- markup


def from_plain(text: str) -> str:
    """Plain text is its own plain text; offsets are the input's."""
    return text


_BLOCK_TAGS: Final = frozenset(
    "address article aside blockquote br caption dd div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td th thead title "
    "tr ul".split()
)
_SKIPPED_TAGS: Final = frozenset("script style noscript template svg head".split())
_SPACES: Final = re.compile(r"[ \t\r\f\v\n]+")


class _HTMLText(HTMLParser):
    """Collects the visible text of an HTML document, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.pre = 0
        self.in_title = False
        self.at_line_start = True

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self.parts.append("\n" if self.parts[-1].endswith("\n") else "\n\n")
        self.at_line_start = True

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in _SKIPPED_TAGS:
            self.skip += 1
            return
        if tag == "pre":
            self.pre += 1
        if tag in _BLOCK_TAGS:
            self.newline()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.newline()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIPPED_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK_TAGS:
            self.newline()

    def handle_data(self, data: str) -> None:
        if self.skip and not self.in_title:
            return
        if not self.pre:
            data = _SPACES.sub(" ", data)
            if self.at_line_start:
                data = data.lstrip(" ")
        if data:
            self.parts.append(data)
            self.at_line_start = data.endswith("\n")

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # Before Python 3.13 the parser raises AssertionError on a marked section it does not
        # know ("<![foo]>"); browsers read one as a bogus comment, up to the next ">".
        try:
            return super().parse_marked_section(i, bool(report))
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1


def from_html(html: str) -> str:
    """The visible text of an HTML page: tags stripped, entities decoded, scripts and styles
    dropped, block elements (p, div, h1, li, br...) on lines of their own.

    >>> from_html("<p>Raids in <b>Al-Qaim</b> &amp; Rawa</p><p>Next</p>")
    'Raids in Al-Qaim & Rawa\\n\\nNext'
    """
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return re.sub(r" +\n", "\n", "".join(parser.parts)).strip()


_MD_RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"^[ \t]*(```|~~~).*$\n?", re.M), ""),  # code fences
    (re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$\n?", re.M), ""),  # link definitions
    (re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$", re.M), ""),  # horizontal rules
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.M), r"\1"),  # ATX headings
    (re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$", re.M), ""),  # setext underlines
    (re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.M), ""),  # block quotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+", re.M), ""),  # list markers
    (re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # images keep their alt text
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),  # inline links keep their text
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),  # reference links
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][^<>\n]*>"), ""),  # inline HTML tags
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strikethrough
    (re.compile(r"`+([^`\n]*?)`+"), r"\1"),  # inline code
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # backslash escapes
)


def from_markdown(markdown: str) -> str:
    """The text a reader sees in Markdown: links keep their text, emphasis and code marks,
    heading hashes, quote and list markers are removed; HTML entities are decoded.

    >>> from_markdown("# Raid\\n\\nFighting in [Rawa](https://x.org/rawa), **Anbar**.")
    'Raid\\n\\nFighting in Rawa, Anbar.'
    """
    import html

    text = markdown
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    return html.unescape(text).strip()


def to_plain(text: str, format: str = "plain") -> str:
    """The plain text of ``text`` in one of :data:`FORMATS`."""
    if format == "plain":
        return from_plain(text)
    if format == "markdown":
        return from_markdown(text)
    if format == "html":
        return from_html(text)
    raise InputError(f"unknown text format {format!r} (expected one of {', '.join(FORMATS)})")


# --------------------------------------------------------------------------- sentences

#: Words whose trailing full stop does not end a sentence.
ABBREVIATIONS: Final = frozenset(
    """mr mrs ms dr prof gen col lt sgt capt cpt maj cmdr adm gov sen rep rev fr st mt ft jr sr
    pres supt insp det cpl pvt brig hon messrs no nos vs etc inc corp co ltd bros dept univ ave
    blvd rd hwy jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs
    fri sat sun approx est fig vol al e.g i.e a.m p.m u.s u.k u.n u.s.a d.c""".split()
)
# Where a sentence may end: a stop ('.', '!', '?' or '…'), more stops and closing quotes or
# brackets, then spaces, tabs or line breaks before a capital, a digit or a quote or bracket
# opening on one; or a line break before a blank line, or before such a capital. The boundary
# ends where the next sentence starts. It was a regular expression searched over the whole
# text, which tested every character against its opening set, the stage's largest cost:
# split_sentences finds the stops and line breaks with str.find and reads from there
# (_boundary), and tests/test_text.py checks that the sentences are the pattern's.
_STOPS: Final = ".!?…"
_OPENERS: Final = ".!?…\n"
_DOTTED: Final = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LAST_WORD: Final = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of a text in order, trimmed of surrounding white space.

    A sentence ends at '.', '!' or '?' before a capital letter or digit (not after an
    abbreviation such as "U.S.", "Gen." or "St." or a single initial), at a paragraph break,
    and at a line break before a capital (headlines and datelines are lines of their own).
    Work is linear in the length of the text.
    """
    sentences: list[Sentence] = []
    start = 0
    after = 0  # where the last boundary ended: the next starts there or later
    for at in _openers(text):
        if at < after:
            continue
        end, after = _boundary(text, at)
        if end < 0:
            continue
        if (
            text[at] == "."
            and text[at + 1] not in _STOPS
            and text.find("\n", end, after) < 0
            and _ends_abbreviation(text, max(start, at - 12), at)
        ):
            continue
        _add_sentence(sentences, text, start, end)
        start = after
    _add_sentence(sentences, text, start, len(text))
    return tuple(sentences)


def _openers(text: str) -> list[int]:
    """The offsets of the characters a boundary starts with, in order."""
    found: list[int] = []
    for char in _OPENERS:
        at = text.find(char)
        while at >= 0:
            found.append(at)
            at = text.find(char, at + 1)
    found.sort()
    return found


def _boundary(text: str, at: int) -> tuple[int, int]:
    """The boundary starting at the stop or line break at ``at``: where the sentence before
    it ends (after the stops and closing quotes; at ``at`` for a line break) and where the
    next one starts. When there is none, -1 and where the run of stops or the line break at
    ``at`` ends: no boundary starts inside it either."""
    # Characters are compared by code point: compiled, ord(text[i]) reads the character
    # where text[i] would make a string of it.
    n = len(text)
    i = at + 1
    if ord(text[at]) == 10:  # a line break
        while i < n and ord(text[i]) in (32, 9):
            i += 1
        if i < n and ord(text[i]) == 10:  # a blank line: the next sentence starts after it
            i += 1
            while i < n and text[i].isspace():
                i += 1
            return at, i
        return (at, i) if _opens_sentence(text, i, n) else (-1, at + 1)
    while i < n and ord(text[i]) in (46, 33, 63, 0x2026):  # . ! ? …
        i += 1
    stops = i
    while i < n and ord(text[i]) in (34, 39, 0x201D, 0x2019, 41, 93):  # " ' ” ’ ) ]
        i += 1
    gap = i
    while gap < n and ord(text[gap]) in (32, 9, 10):
        gap += 1
    return (i, gap) if gap > i and _opens_sentence(text, gap, n) else (-1, stops)


def _opens_sentence(text: str, i: int, n: int) -> bool:
    """Whether a capital (A-Z or Latin letters U+00C0-U+024F) or a digit is at ``i``, or
    after a quote or bracket there."""
    if i >= n:
        return False
    c = ord(text[i])
    if c in (34, 0x201C, 0x2018, 39, 40, 91) and i + 1 < n:  # " “ ‘ ' ( [
        c = ord(text[i + 1])
    return 65 <= c <= 90 or 48 <= c <= 57 or 0xC0 <= c <= 0x24F


def _add_sentence(sentences: list[Sentence], text: str, s: int, end: int) -> None:
    """Add ``text[s:end]`` as the next sentence, without the space around it (nothing when
    it is blank)."""
    while s < end and text[s].isspace():
        s += 1
    while end > s and text[end - 1].isspace():
        end -= 1
    if end > s:
        sentences.append(Sentence(len(sentences), s, end))


def _ends_abbreviation(text: str, lo: int, dot: int) -> bool:
    """Whether the word before the full stop at ``dot`` (read from ``lo``) is an
    abbreviation: the longest run of letters and full stops ending there that starts with a
    letter."""
    last_char = ord(text[dot - 1]) if dot > lo else 0
    if not (65 <= last_char <= 90 or 97 <= last_char <= 122 or last_char == 46):
        return False  # the pattern's word ends in a letter or a full stop: a year, a quote...
    # Most words before a full stop are plain letters after a space; slicing them out is
    # three times faster than the pattern, which reads any other case the same way.
    space = text.rfind(" ", lo, dot)
    word = text[space + 1 if space >= 0 else lo : dot]
    if word.isalpha() and word.isascii():
        return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())
    last = _LAST_WORD.search(text, lo, dot + 1)
    return last is not None and _is_abbreviation(last.group(1))


def _is_abbreviation(word: str) -> bool:
    lower = word.lower()
    if lower in ABBREVIATIONS:
        return True
    # Initials ("J." in "John J. Smith") and dotted acronyms ("U.S.", "N.Y.").
    if len(word) == 1 and word.isupper():
        return True
    return bool(_DOTTED.fullmatch(word))


def sentence_at(sentences: tuple[Sentence, ...], offset: int) -> int:
    """The index of the sentence holding ``offset`` (the nearest one before it otherwise)."""
    from bisect import bisect_right

    starts = [s.start for s in sentences]
    i = bisect_right(starts, offset) - 1
    return max(i, 0)


__all__ = [
    "ABBREVIATIONS",
    "FORMATS",
    "decode",
    "from_html",
    "from_markdown",
    "from_plain",
    "sentence_at",
    "split_sentences",
    "to_plain",
]
