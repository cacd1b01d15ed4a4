"""The text stage: decoding, markup readers and sentence splitting."""

from __future__ import annotations

import codecs

import pytest

from geomap.errors import InputError
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


def test_the_boundary_pattern_written_for_speed_splits_as_its_plain_form(monkeypatch):
    # The pattern starts every match at a stop or a line break, not at the spaces before a
    # break (which are trimmed from the sentence): the sentences must be the same.
    import random
    import re

    from geomap import text

    plain = re.compile(
        r"(?P<stop>[.!?…]+[\"'”’)\]]*)(?P<gap>[ \t]+|[ \t]*\n[ \t\n]*)"
        r"(?=[\"“‘'(\[]?[A-Z0-9\u00C0-\u024F])"
        r"|(?P<para>[ \t]*\n[ \t]*\n\s*)"
        r"|(?P<line>[ \t]*\n[ \t]*)(?=[\"“‘'(\[]?[A-Z0-9\u00C0-\u024F])"
    )
    rng = random.Random(16)
    pieces = [
        "a",
        "B",
        " ",
        "\t",
        "\n",
        ".",
        "!",
        "?",
        "…",
        '"',
        "'",
        "”",
        ")",
        "]",
        "(",
        "U.S.",
        "Gen.",
        "J.",
        "1",
        "É",
        "x",
    ]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(20_000)]
    fast = [text.split_sentences(t) for t in texts]
    monkeypatch.setattr(text, "_BOUNDARY", plain)
    assert fast == [text.split_sentences(t) for t in texts]


def test_the_abbreviation_check_written_for_speed_reads_words_as_its_plain_form():
    # A word of plain letters after a space is sliced out, anything else read by the pattern:
    # both must find the same word before each full stop.
    import random

    from geomap import text

    def plain(t: str, lo: int, dot: int) -> bool:
        word = text._LAST_WORD.search(t, lo, dot + 1)
        return word is not None and text._is_abbreviation(word.group(1))

    rng = random.Random(16)
    pieces = ["a", "B", "mr", "Gen", "st", "U", "S", ".", " ", "\t", "\u00a0", "1", "(", "é", "ſ"]
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
