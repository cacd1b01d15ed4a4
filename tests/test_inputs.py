"""The one reader of articles (geomap.inputs): every kind of input, and bad records named by
file and line. The commands' use of it is tested in test_cli.py, test_batch.py and
test_bad_input.py."""

from __future__ import annotations

import io
import json

import pytest

from geomap.errors import InputError
from geomap.inputs import Article, BadRecord, open_input

TEXT = "Flooding in Basra forced thousands to leave."


def items(path, **options) -> list:
    return list(open_input(path, **options).items())


def test_the_jsonl_reader_streams():
    class Endless(io.RawIOBase):
        """One article line after another, for ever."""

        def readable(self):
            return True

        def readinto(self, buffer):
            line = b'{"id": "x", "text": "In Paris."}\n'
            buffer[: len(line)] = line
            return len(line)

    stream = open_input("-", stream=io.BufferedReader(Endless())).items()
    assert next(stream) == Article("x", "In Paris.", source="<stdin>", line=1)


def test_one_article_files_by_their_name(tmp_path):
    for name, fmt in [
        ("a.txt", "plain"),
        ("b.md", "markdown"),
        ("c.HTML", "html"),
        ("d.markdown", "markdown"),
        ("e.htm", "html"),
    ]:
        (tmp_path / name).write_text(TEXT)
        assert items(tmp_path / name) == [
            Article(name, TEXT, format=fmt, source=str(tmp_path / name))
        ]


def test_a_name_that_says_nothing_is_refused_or_read_as_told(tmp_path):
    path = tmp_path / "article"
    path.write_text(TEXT)
    with pytest.raises(InputError, match="cannot tell the input format from the file name"):
        open_input(path)
    assert [a.format for a in items(path, other_format="txt")] == ["plain"]
    assert [a.format for a in items(path, input_format="html")] == ["html"]


def test_stdin_is_read_in_the_format_asked(tmp_path):
    stream = io.BytesIO(TEXT.encode())
    assert items("-", stdin_format="txt", stream=stream) == [
        Article("stdin", TEXT, source="<stdin>")
    ]
    lines = io.BytesIO(b'{"id": 7, "text": "In Basra."}\n\n{"text": "In Amman."}\n')
    assert [(a.id, a.line) for a in items("-", stream=lines)] == [("7", 1), ("3", 3)]


def test_a_jsonl_line_that_is_not_utf8_is_named_by_file_byte(tmp_path):
    path = tmp_path / "c.jsonl"
    data = b'{"text": "In Basra."}\n{"text": "caf\xe9"}\n{"text": "In Amman."}\n'
    path.write_bytes(data)
    found = items(path)
    assert found[1] == BadRecord(
        str(path), 2, f"not UTF-8 text at byte {data.index(0xE9)} (use --encoding)"
    )
    assert [a.text for a in found if isinstance(a, Article)] == ["In Basra.", "In Amman."]
    assert [a.text for a in items(path, encoding="latin-1")] == [
        "In Basra.",
        "caf\u00e9",
        "In Amman.",
    ]


def test_utf16_jsonl_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Rain in Ramadi.\u2028Then sun."}, ensure_ascii=False),
        json.dumps({"id": "b", "text": "In Mosul."}),
    ]
    path.write_bytes("\n".join(lines).encode("utf-16"))
    assert [(a.id, a.text, a.line) for a in items(path)] == [
        ("a", "Rain in Ramadi.\u2028Then sun.", 1),
        ("b", "In Mosul.", 2),
    ]


def test_records_keep_the_fields_asked_for(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "In Basra.", "toponyms": [{"start": 3}], "other": 1}) + "\n"
    )
    (article,) = items(path, extra_fields=("toponyms", "unresolved"))
    assert article.extra == {"toponyms": [{"start": 3}]}


def test_bad_records_say_where_and_why(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,text,date\na,In Basra.,2017-11-06\nb,In Amman.\nc,In Mosul.,soon\n")
    assert [str(item) for item in items(path) if isinstance(item, BadRecord)] == [
        f"{path}:3: expected 3 cells, found 2",
        f"{path}:4: date 'soon' is not an ISO 8601 date such as 2017-11-06",
    ]


@pytest.mark.parametrize(
    "name", ["https://news.example/article.html", "http://x.org/a", "ftp://x.org/a.txt"]
)
def test_a_url_is_not_fetched(name):
    with pytest.raises(InputError) as err:
        open_input(name)
    assert str(err.value) == f"{name}: URLs are not fetched: save the page and pass the file"


def test_a_pdf_is_refused_with_what_to_do(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    problem = (
        "a PDF file, not text: extract its text first (e.g. pdftotext report.pdf "
        "report.txt) and pass the text file"
    )
    with pytest.raises(InputError) as err:
        open_input(pdf)
    assert str(err.value) == f"{pdf}: {problem}"
    disguised = tmp_path / "report.txt"
    disguised.write_bytes(pdf.read_bytes())
    assert items(disguised) == [
        BadRecord(
            str(disguised),
            None,
            problem.replace("report.pdf report.txt", "report.txt report-text.txt"),
            "report.txt",
        )
    ]


#: JSON Lines with what a reader meets: a byte-order mark, blank lines, lines of Unicode
#: spaces only, bad JSON, bytes that are not UTF-8, a carriage return inside a record and
#: one ending its line, U+2028 unescaped, a record without an id, and no final newline.
AWKWARD_JSONL = b"".join(
    [
        "\ufeff".encode(),
        b'{"id": "a", "text": "In Basra."}\n',
        b"\n  \n",
        b'{"text": "In Mosul.", "date": "2017-11-06"}\n',
        "\u00a0\u3000\n".encode(),
        b"{bad json\n",
        b'{"id": "b", "text": "caf\xe9 in Paris"}\n',
        b'{"id": "c",\r "text": "Baghdad and Kirkuk"}\r\n',
        '{"id": "d", "text": "Ramadi\u2028Rawa", "title": "T"}\n'.encode(),
        b'[1, 2]\n{"id": 7}\n{"id": "f", "text": "A\tB"}\n',
        b'{"id": "e", "text": "Near Rabia."}',
    ]
)


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_jsonl_chunks_hold_the_records_the_reader_reads(tmp_path, size):
    """``geomap batch`` hands JSON Lines to its workers undecoded, ``size`` records at a
    time: decoded there, they are the records read one by one, with the same lines, ids
    and reasons (the bad bytes named by their byte in the file)."""
    from geomap.inputs import Lines, records

    path = tmp_path / "in.jsonl"
    path.write_bytes(AWKWARD_JSONL)
    source = open_input(path)
    chunks = list(source.chunks(size))
    assert all(isinstance(chunk, Lines) for chunk in chunks)
    assert [item for chunk in chunks for item in chunk] == items(path)
    assert [records(chunk) for chunk in chunks][:-1] == [size] * (len(chunks) - 1)
    read = items(path)
    assert [(i.id, i.line) for i in read if isinstance(i, Article)] == [
        ("a", 1),
        ("4", 4),
        ("c", 8),
        ("d", 9),
        ("e", 13),
    ]
    assert [(b.line, b.reason) for b in read if isinstance(b, BadRecord)] == [
        (6, "bad JSON (Expecting property name enclosed in double quotes at column 2)"),
        (7, f"not UTF-8 text at byte {AWKWARD_JSONL.index(0xE9)} (use --encoding)"),
        (10, "expected a JSON object, found list"),
        (11, "missing text"),
        (12, "bad JSON (Invalid control character at column 23)"),
    ]


def test_chunks_of_utf16_and_of_other_inputs_are_records(tmp_path):
    """Text that cannot be cut at b"\\n" (UTF-16), and inputs other than JSON Lines, come in
    chunks of records read."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        AWKWARD_JSONL.replace(b"\xe9", b"e").decode("utf-8").lstrip("\ufeff").encode("utf-16")
    )
    chunks = list(open_input(path).chunks(4))
    assert all(isinstance(chunk, tuple) for chunk in chunks)
    assert [len(chunk) for chunk in chunks] == [4, 4, 2]
    assert [item for chunk in chunks for item in chunk] == items(path)
    (tmp_path / "in.csv").write_text("id,text\na,In Basra.\nb,In Mosul.\n")
    assert list(open_input(tmp_path / "in.csv").chunks(1)) == [
        (Article("a", "In Basra.", source=str(tmp_path / "in.csv"), line=2),),
        (Article("b", "In Mosul.", source=str(tmp_path / "in.csv"), line=3),),
    ]
