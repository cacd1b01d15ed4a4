"""Reading articles: the one reader behind every command (``extract``, ``check``, ``map``,
``evaluate``) and ``geomap batch``.

An input is one article in a file (plain text, Markdown or HTML), many articles in a JSON Lines
or CSV file, a folder of article files, or stdin. :func:`open_input` names it (a
:class:`Source`); :meth:`Source.items` streams it as :class:`Article` records and
:class:`BadRecord` ones that say, with the file and line, why a record is not an article.
A bad record does not stop the reader: the caller decides what it means (``geomap batch`` writes
it to ``errors.jsonl``; the article commands stop on it, or skip it with ``--skip-bad``).
Only what makes the whole input unreadable raises :class:`~geomap.errors.InputError`: no such
file, a URL, a PDF, an unknown file type, a CSV without its text column, undecodable CSV.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from geomap.errors import InputError
from geomap.text import FORMATS, Codec, decode, sniff_encoding

#: Kinds of input file: many articles (JSON Lines, CSV) or one (plain text, Markdown, HTML).
INPUT_FORMATS = ("jsonl", "csv", "txt", "md", "html")
#: The input format each file name ending implies ("pdf" is recognised only to be refused).
SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
#: The text format (see :data:`geomap.text.FORMATS`) of a one-article input format.
TEXT_FORMATS = {"txt": "plain", "md": "markdown", "html": "html"}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Article:
    """One article of the input; ``source`` and ``line`` say where it was read.

    ``extra`` holds the record fields a caller asked to keep (``geomap evaluate``: the gold
    spans); it takes no part in comparisons.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    format: str = "plain"
    source: str = ""
    line: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class BadRecord:
    """An input record that is not an article (bad JSON, no text, undecodable bytes, ...):
    ``str()`` of it is ``SOURCE[:LINE]: reason``."""

    source: str
    line: int | None
    reason: str
    id: str | None = None

    def __str__(self) -> str:
        return str(InputError(self.reason, path=self.source, line=self.line))


Item = Article | BadRecord


@dataclass(frozen=True, slots=True)
class Lines:
    """Consecutive lines of a JSON Lines input, not yet decoded: ``records`` lines that are
    not blank from line ``first`` on, which began at byte ``offset`` of the input (the
    blank lines among them included). Iterating gives their records, as
    :meth:`Source.items` would: ``geomap batch`` hands a chunk of the input to a worker
    process this way, and the worker, not the coordinating process, decodes the JSON."""

    source: str
    first: int
    offset: int
    data: bytes
    records: int
    codec: Codec
    extra_fields: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Item]:
        data, start, number = self.data, 0, self.first
        while start < len(data):
            end = data.find(b"\n", start) + 1 or len(data)
            item = _line_record(
                data[start:end],
                number,
                self.offset + start,
                self.codec,
                self.source,
                self.extra_fields,
            )
            if item is not None:
                yield item
            start, number = end, number + 1


#: Records read together: a tuple of them, or the undecoded lines of a JSON Lines input.
Chunk = tuple[Item, ...] | Lines


def chunked(items: Iterable[Item], size: int) -> Iterator[tuple[Item, ...]]:
    """Consecutive chunks of ``size`` items (the last may be shorter)."""
    iterator = iter(items)
    while chunk := tuple(itertools.islice(iterator, size)):
        yield chunk


def records(chunk: Chunk) -> int:
    """How many records a chunk holds (a line that is not blank is one, until decoded)."""
    return chunk.records if isinstance(chunk, Lines) else len(chunk)


def _line_record(
    raw: bytes, number: int, offset: int, codec: Codec, source: str, extra_fields: tuple[str, ...]
) -> Item | None:
    """The record of line ``number`` of JSON Lines in a codec cut at b"\\n", its bytes
    ``raw`` from byte ``offset`` of the input; None for a blank line."""
    try:
        line = raw.decode(codec.name)
    except UnicodeDecodeError as err:
        return BadRecord(
            source, number, f"not {codec.label} text at byte {offset + err.start}{codec.hint}"
        )
    return _json_record(line.removeprefix("\ufeff"), number, source, extra_fields)


def _json_record(line: str, number: int, source: str, extra_fields: tuple[str, ...]) -> Item | None:
    """The record of line ``number`` of a JSON Lines input; None for a blank line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        # "Invalid control character at" is one of json's messages.
        problem = err.msg.removesuffix(" at")
        return BadRecord(source, number, f"bad JSON ({problem} at column {err.colno})")
    return article_from_record(
        record, default_id=str(number), source=source, line=number, extra_fields=extra_fields
    )


def iso_date(value: Any) -> str | None:
    """An article's date as ``YYYY-MM-DD`` (ISO 8601 dates and date-times are accepted)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"date must be a string such as 2017-11-06, not {value!r}")
    try:
        return datetime.fromisoformat(value.strip()).date().isoformat()
    except ValueError:
        raise ValueError(f"date {value!r} is not an ISO 8601 date such as 2017-11-06") from None


def _optional_str(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise ValueError(f"{key} must be a string, not {value!r}")


def article_from_record(
    record: Any,
    *,
    default_id: str,
    source: str,
    line: int | None,
    extra_fields: tuple[str, ...] = (),
) -> Item:
    """Validate one JSON Lines or CSV record: an Article, or a BadRecord saying why not."""
    if not isinstance(record, dict):
        return BadRecord(source, line, f"expected a JSON object, found {type(record).__name__}")
    raw_id = record.get("id")
    if raw_id is None or raw_id == "":
        article_id = default_id
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        article_id = str(raw_id)
    else:
        return BadRecord(source, line, f"id must be a string or an integer, not {raw_id!r}")
    text = record.get("text")
    if not isinstance(text, str):
        reason = "missing text" if text is None else f"text must be a string, not {text!r:.40}"
        return BadRecord(source, line, reason, article_id)
    fmt = record.get("format") or "plain"
    if fmt not in FORMATS:
        return BadRecord(
            source, line, f"format {fmt!r} is not one of {', '.join(FORMATS)}", article_id
        )
    try:
        return Article(
            article_id,
            text,
            _optional_str(record, "title"),
            _optional_str(record, "url"),
            iso_date(record.get("date")),
            fmt,
            source,
            line,
            {k: record[k] for k in extra_fields if k in record},
        )
    except ValueError as err:
        return BadRecord(source, line, str(err), article_id)


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """Where articles are read from: see :func:`open_input`. ``kind`` is "dir" or one of
    :data:`INPUT_FORMATS`; ``path`` is None for stdin (or ``stream``)."""

    kind: str
    path: Path | None = None
    text_column: str = "text"
    encoding: str | None = None
    extra_fields: tuple[str, ...] = ()
    stream: BinaryIO | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else str(self.path)

    @property
    def many(self) -> bool:
        """Whether the input holds records of many articles (JSON Lines, CSV, a folder)."""
        return self.kind not in TEXT_FORMATS

    def items(self) -> Iterator[Item]:
        """The input's records in order, read as a stream."""
        if self.kind == "dir":
            return self._files()
        if self.kind in TEXT_FORMATS:
            return self._single()
        if self.kind == "jsonl":
            return self._jsonl()
        return self._csv()

    def chunks(self, size: int) -> Iterator[Chunk]:
        """The input's records in order, ``size`` at a time (the last chunk may hold fewer).
        JSON Lines in an encoding cut at b"\\n" come as :class:`Lines`, undecoded."""
        if self.kind != "jsonl":
            yield from chunked(self.items(), size)
            return
        stream = self._binary()
        try:
            codec = self._codec(stream)
            if codec.wide:
                yield from chunked(self._jsonl_records(stream, codec), size)
            else:
                yield from self._jsonl_lines(stream, codec, size)
        finally:
            self._close(stream)

    def count(self) -> int | None:
        """How many records the input holds (a quick pass), or None for a stream."""
        if self.path is None or not (self.kind == "dir" or self.path.is_file()):
            return None
        if self.kind == "dir":
            return len(self._file_list())
        if self.kind in TEXT_FORMATS:
            return 1
        if self.kind == "jsonl":
            with open(self.path, "rb") as f:
                return sum(1 for line in f if line.strip())
        return sum(1 for _ in self._csv_rows())

    def _binary(self) -> BinaryIO:
        if self.path is None:
            return self.stream if self.stream is not None else sys.stdin.buffer
        return open(self.path, "rb")

    def _close(self, stream: BinaryIO) -> None:
        if self.path is not None:
            stream.close()

    # ------------------------------------------------------------------ one article a file

    def _file_list(self) -> list[str]:
        """Paths (relative, sorted) of the folder's article files and PDFs, hidden ones
        left out; links to folders are not followed."""
        assert self.path is not None
        found = []
        for folder, dirs, files in os.walk(self.path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                kind = SUFFIXES.get(Path(name).suffix.lower())
                if not name.startswith(".") and (kind in TEXT_FORMATS or kind == "pdf"):
                    found.append(Path(folder, name).relative_to(self.path).as_posix())
        return sorted(found)

    def _files(self) -> Iterator[Item]:
        assert self.path is not None
        for rel in self._file_list():
            path = self.path / rel
            kind = SUFFIXES[path.suffix.lower()]
            if kind == "pdf":
                yield BadRecord(rel, None, pdf_problem(path), rel)
                continue
            try:
                if not stat.S_ISREG(path.stat().st_mode):
                    yield BadRecord(rel, None, "not a regular file", rel)
                    continue
                data = path.read_bytes()
            except OSError as err:
                yield BadRecord(rel, None, f"cannot read file ({err.strerror})", rel)
                continue
            yield self._article(data, rel, rel, kind)

    def _single(self) -> Iterator[Item]:
        name = "stdin" if self.path is None else self.path.name
        try:
            stream = self._binary()
        except OSError as err:
            yield BadRecord(self.name, None, f"cannot read file ({err.strerror})", name)
            return
        try:
            data = stream.read()
        finally:
            self._close(stream)
        yield self._article(data, self.name, name, self.kind)

    def _article(self, data: bytes, source: str, article_id: str, kind: str) -> Item:
        if data.startswith(b"%PDF-"):
            return BadRecord(source, None, pdf_problem(Path(source)), article_id)
        try:
            text = decode(data, path=source, encoding=self.encoding)
        except InputError as err:
            return BadRecord(source, err.line, err.problem, article_id)
        return Article(article_id, text, format=TEXT_FORMATS[kind], source=source)

    # ------------------------------------------------------------------ JSON Lines

    def _jsonl(self) -> Iterator[Item]:
        stream = self._binary()
        try:
            yield from self._jsonl_records(stream, self._codec(stream))
        finally:
            self._close(stream)

    def _codec(self, stream: BinaryIO) -> Codec:
        head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
        return sniff_encoding(head, self.encoding)

    def _jsonl_records(self, stream: BinaryIO, codec: Codec) -> Iterator[Item]:
        """The records of JSON Lines read from ``stream``. Lines end at "\\n" only: JSON
        strings may hold U+2028, U+0085 or a form feed unescaped."""
        if codec.wide:
            # UTF-16 and UTF-32 cannot be cut at b"\n": decode as a stream instead.
            text = io.TextIOWrapper(stream, encoding=codec.name, newline="\n")
            try:
                for number, line in enumerate(text, start=1):
                    item = _json_record(
                        line.removeprefix("\ufeff"), number, self.name, self.extra_fields
                    )
                    if item is not None:
                        yield item
            except UnicodeDecodeError as err:
                yield BadRecord(self.name, None, f"not {codec.label} text ({err.reason})")
            finally:
                text.detach()
            return
        offset = 0
        for number, raw in enumerate(stream, start=1):
            item = _line_record(raw, number, offset, codec, self.name, self.extra_fields)
            if item is not None:
                yield item
            offset += len(raw)

    def _jsonl_lines(self, stream: BinaryIO, codec: Codec, size: int) -> Iterator[Lines]:
        """The lines of a JSON Lines input, undecoded, ``size`` records at a time."""
        taken: list[bytes] = []
        first = offset = start = records = 0
        for number, raw in enumerate(stream, start=1):
            if not taken:
                first, start = number, offset
            taken.append(raw)
            offset += len(raw)
            if raw.strip():
                records += 1
                if records == size:
                    yield Lines(
                        self.name, first, start, b"".join(taken), records, codec, self.extra_fields
                    )
                    taken, records = [], 0
        if records:
            yield Lines(self.name, first, start, b"".join(taken), records, codec, self.extra_fields)

    # ------------------------------------------------------------------ CSV

    def _csv_rows(self) -> Iterator[tuple[int, list[str], list[str]]]:
        """(line, header, cells) of every data row."""
        limit = csv.field_size_limit()
        csv.field_size_limit(max(limit, 2**31 - 1))
        stream = self._binary()
        encoding = self.encoding or "utf-8-sig"
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        reader = csv.reader(text)
        try:
            header = next(reader, None)
            if header is None:
                return
            start = reader.line_num + 1
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield start, header, cells
                start = reader.line_num + 1
        except UnicodeDecodeError as err:
            label = "UTF-8" if encoding == "utf-8-sig" else encoding
            raise InputError(
                f"not {label} text near line {reader.line_num + 1} (byte {err.start} of a block)",
                path=self.name,
            ) from None
        except csv.Error as err:
            raise InputError(f"bad CSV ({err})", path=self.name, line=reader.line_num) from None
        finally:
            text.detach()
            self._close(stream)

    def _csv(self) -> Iterator[Item]:
        columns: list[str] | None = None
        for line, header, cells in self._csv_rows():
            if columns is None:
                columns = [h.strip() for h in header]
                if self.text_column not in columns:
                    raise InputError(
                        f"no column {self.text_column!r} (columns: {', '.join(columns)}); "
                        "name the text column with --text-column",
                        path=self.name,
                        line=1,
                    )
            if len(cells) != len(columns):
                yield BadRecord(
                    self.name, line, f"expected {len(columns)} cells, found {len(cells)}"
                )
                continue
            record: dict[str, Any] = dict(zip(columns, cells))
            record["text"] = record.pop(self.text_column)
            yield article_from_record(
                record,
                default_id=str(line),
                source=self.name,
                line=line,
                extra_fields=self.extra_fields,
            )


def pdf_problem(path: Path) -> str:
    """Why a PDF is refused, and what to do instead."""
    text = f"{path.stem}.txt" if path.suffix.lower() != ".txt" else f"{path.stem}-text.txt"
    return (
        f"a PDF file, not text: extract its text first (e.g. pdftotext {path.name} "
        f"{text}) and pass the text file"
    )


def input_kind(path: Path, *, other: str | None = None) -> str:
    """The input format a file name implies (see :data:`SUFFIXES`); ``other`` for a name
    that implies none (None: refuse it)."""
    kind = SUFFIXES.get(path.suffix.lower(), other)
    if kind is None:
        raise InputError(
            "cannot tell the input format from the file name; use --input-format "
            f"({', '.join(INPUT_FORMATS)})",
            path=str(path),
        )
    if kind == "pdf":
        raise InputError(pdf_problem(path), path=str(path))
    return kind


def open_input(
    path: str | os.PathLike[str] | None,
    *,
    input_format: str | None = None,
    text_column: str = "text",
    encoding: str | None = None,
    stdin_format: str = "jsonl",
    other_format: str | None = None,
    extra_fields: tuple[str, ...] = (),
    stream: BinaryIO | None = None,
) -> Source:
    """The articles at ``path``: a folder of .txt/.md/.html files, a JSON Lines or CSV file,
    or one article in a file. ``None`` or ``"-"`` reads ``stream`` (stdin by default) in
    ``stdin_format``. ``input_format`` overrides what the file name says; ``other_format``
    is the format of a file whose name says nothing (None: refused). ``encoding`` is the
    text encoding of every file (default: UTF-8, or what a byte-order mark says).

    Raises InputError for a missing path, a URL, a PDF, an unknown format or a CSV without
    the text column.
    """
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise InputError(
            f"unknown input format {input_format!r} (expected one of {', '.join(INPUT_FORMATS)})"
        )
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
    where: Path | None = None
    if path is None or str(path) == "-":
        kind = input_format or stdin_format
    else:
        given, where = str(path), Path(path)
        if where.is_dir():
            kind = "dir"
        elif where.exists():  # a file, or a pipe such as <(command)
            kind = input_format or input_kind(where, other=other_format)
        elif _URL.match(given):
            raise InputError("URLs are not fetched: save the page and pass the file", path=given)
        else:
            raise InputError("no such file or folder", path=given)
    source = Source(
        kind, where, text_column, encoding, extra_fields, stream if where is None else None
    )
    if source.kind == "csv" and where is not None and where.is_file():
        next(iter(source._csv()), None)  # checks the header names the text column
    return source


__all__ = [
    "Article",
    "BadRecord",
    "Chunk",
    "INPUT_FORMATS",
    "Item",
    "Lines",
    "SUFFIXES",
    "Source",
    "TEXT_FORMATS",
    "article_from_record",
    "chunked",
    "input_kind",
    "iso_date",
    "open_input",
    "pdf_problem",
    "records",
]
