"""The text stage: decoding, markup readers and sentence splitting."""

from __future__ import annotations

import codecs
import json
import random
import re
from pathlib import Path

import pytest

from geomap.errors import InputError
from geomap.records import Sentence
from geomap.text import decode, from_html, from_markdown, split_sentences


def test_decode_utf8_drops_bom():
    assert decode("\ufeffRawa".encode(), path="a.txt") == "Rawa"


def test_undecodable_bytes_name_file_and_byte():
    with pytest.raises(InputError) as err:
        decode(b"Rawa \xff\xfe", path="a.txt")
    assert str(err.value) == "a.txt:1: not UTF-8 text at byte 5 (use --encoding)"
    with pytest.raises(InputError) as err:
        decode("Rawa\nAl-Qaim\r\nSyria \xe9t\xe9".encode("latin-1"), path="b.txt")
    assert str(err.value) == "b.txt:3: not UTF-8 text at byte 20 (use --encoding)"


def test_binary_file_is_not_text():
    with pytest.raises(InputError) as err:
        decode(b"PK\x03\x00\x04", path="x.zip")
    assert str(err.value) == "x.zip:1: binary data, not text (a NUL byte at byte 3)"


@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
def test_a_byte_order_mark_names_the_encoding(bom, codec):
    data = bom + "Fighting in Ramadi, Iraq.".encode(codec)
    assert decode(data, path="a.txt") == "Fighting in Ramadi, Iraq."


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_says_which_encoding_to_use(codec):
    with pytest.raises(InputError) as err:
        decode("Fighting in Ramadi.\n".encode(codec), path="a.txt")
    assert str(err.value) == (
        f"a.txt:1: UTF-16 text without a byte-order mark (use --encoding {codec})"
    )
    assert decode("Fighting in Ramadi.".encode(codec), path="a.txt", encoding=codec) == (
        "Fighting in Ramadi."
    )


def test_explicit_encoding():
    assert decode("Zaragoza, España".encode("latin-1"), path="a", encoding="latin-1") == (
        "Zaragoza, España"
    )


def test_html_strips_tags_and_decodes_entities():
    html = (
        "<html><head><title>Raid</title><style>p{}</style></head><body>"
        "<p>Fighting in <b>Al-Qaim</b> &amp; Rawa.</p><script>var x=1;</script>"
        "<div>Syria&#8217;s east</div></body></html>"
    )
    text = from_html(html)
    assert text == "Raid\n\nFighting in Al-Qaim & Rawa.\n\nSyria’s east"
    assert "var x" not in text


def test_markdown_keeps_link_text_and_drops_marks():
    md = "# Raid on *Rawa*\n\nTroops in [Al-Qaim](https://example.org/q) and **Anbar**."
    assert from_markdown(md) == "Raid on Rawa\n\nTroops in Al-Qaim and Anbar."


def test_sentences_do_not_split_after_abbreviations():
    text = "Gen. Smith met U.S. officials in St. Louis on Friday. Then he left."
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == [
        "Gen. Smith met U.S. officials in St. Louis on Friday.",
        "Then he left.",
    ]


def test_paragraph_and_headline_breaks_split():
    text = "Headline about Rawa\nBody starts here. Second one!\n\nNew paragraph"
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Headline about Rawa",
        "Body starts here.",
        "Second one!",
        "New paragraph",
    ]


def test_empty_text_has_no_sentences():
    assert split_sentences("") == ()
    assert split_sentences("  \n ") == ()


# The rule split_sentences read its boundaries by until it was written out for speed: the
# pattern searched over the whole text, and the same in a plain form (before the search was
# made to start every match at a stop or a line break).
_SEARCHED = (
    r"[.!?…\n](?:(?<=[.!?…])(?P<stop>[.!?…]*[\"'”’)\]]*)(?:[ \t]+|[ \t]*\n[ \t\n]*)"
    r"(?=[\"“‘'(\[]?[A-Z0-9\u00C0-\u024F])"
    r"|(?<=\n)[ \t]*\n\s*"
    r"|(?<=\n)[ \t]*(?=[\"“‘'(\[]?[A-Z0-9\u00C0-\u024F]))"
)
_PLAIN = (
    r"(?P<stop>[.!?…]+[\"'”’)\]]*)(?P<gap>[ \t]+|[ \t]*\n[ \t\n]*)"
    r"(?=[\"“‘'(\[]?[A-Z0-9\u00C0-\u024F])"
    r"|(?P<para>[ \t]*\n[ \t]*\n\s*)"
    r"|(?P<line>[ \t]*\n[ \t]*)(?=[\"“‘'(\[]?[A-Z0-9\u00C0-\u024F])"
)


def _split_by_pattern(source: str, t: str) -> tuple[Sentence, ...]:
    """split_sentences as it was: the boundaries a regular expression finds."""
    from geomap import text

    sentences: list[Sentence] = []
    start = 0
    for m in re.finditer(source, t):
        at = m.start()
        end = m.end("stop")
        if end < 0:
            end = at  # a line or paragraph break
        elif (
            t[at] == "."
            and t[at + 1] not in ".!?…"
            and t.find("\n", end, m.end()) < 0
            and text._ends_abbreviation(t, max(start, at - 12), at)
        ):
            continue
        text._add_sentence(sentences, t, start, end)
        start = m.end()
    text._add_sentence(sentences, t, start, len(t))
    return tuple(sentences)


def _random_texts(count: int) -> list[str]:
    pieces = [
        *("a B x É Ā ɏ × 1 U.S. Gen. J. Mr. e.g. ... ?! … A Rawa 9 Ö Z".split()),
        *(" ", " ", "\t", "\n", "\n", "\r", "\x0c", "\xa0", "\u2028", ".", ".", "!", "?", "…"),
        *('"', "'", "”", "’", "“", "‘", ")", "]", "(", "["),
    ]
    rng = random.Random(16)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def _corpus_texts() -> list[str]:
    """Every article of the LGL corpus (when this machine has it), the claims corpus and the
    examples."""
    root = Path(__file__).resolve().parents[1]
    files = [Path("/work/shared/eval/lgl.jsonl"), *sorted((root / "eval").glob("**/*.jsonl"))]
    texts = [
        json.loads(line)["text"]
        for file in files
        if file.exists()
        for line in file.read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    return texts + [
        p.read_text(encoding="utf-8") for p in sorted((root / "examples").glob("*.txt"))
    ]


def test_sentences_are_those_the_boundary_pattern_found():
    # split_sentences reads boundaries by hand from the stops and line breaks str.find finds;
    # the sentences must be those the pattern it replaced found, on random texts full of
    # stops, quotes and spaces, and on every article at hand.
    texts = _random_texts(20_000) + _corpus_texts()
    found = [split_sentences(t) for t in texts]
    assert found == [_split_by_pattern(_SEARCHED, t) for t in texts]
    assert found[:20_000] == [_split_by_pattern(_PLAIN, t) for t in texts[:20_000]]
    assert sum(len(s) > 1 for s in found[:20_000]) > 5_000


def test_the_abbreviation_check_written_for_speed_reads_words_as_its_plain_form():
    # A word of plain letters after a space is sliced out, a stop after something else than
    # a letter or a stop is none, anything else is read by the pattern: all must find the
    # same word before each full stop.
    import random

    from geomap import text

    def plain(t: str, lo: int, dot: int) -> bool:
        word = text._LAST_WORD.search(t, lo, dot + 1)
        return word is not None and text._is_abbreviation(word.group(1))

    rng = random.Random(16)
    pieces = ["a", "B", "mr", "Gen", "st", "U", "S", ".", " ", "\t", "\u00a0", "1", "(", "é", "ſ"]
    pieces += ["approx", "Messrs", "z", "Z", "`", "{", "@", "["]
    for _ in range(20_000):
        t = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20))) + ". Next"
        dot = len(t) - 6
        for lo in range(max(0, dot - 14), dot + 1):
            assert text._ends_abbreviation(t, lo, dot) == plain(t, lo, dot), (t, lo)
    assert [
        t
        for t in ("Mr", "mr", "J", "j", "Smith", "U.S", "St")
        if text._ends_abbreviation(t + ".", 0, len(t))
    ] == ["Mr", "mr", "J", "U.S", "St"]
