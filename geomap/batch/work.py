"""The work of a batch run: chunks of input items, and what a worker does with one.

A worker receives a chunk (consecutive :class:`~geomap.inputs.Item` records) and a
:class:`GazetteerRef`, runs the pure stages on each article (:func:`analyze`: ``parse``, which
checks the claims, then :func:`geomap.export.article_rows`) and returns the bytes of the
chunk's result file (:class:`EncodedChunk`), so the coordinating process only writes them.

A chunk file is a JSON header line (the chunk's counts and each place's totals over its
articles), then the :data:`PARTS`: the places' fields, a JSON line of what only the corpus
map needs, and the chunk's lines of ``locations.geojson`` and of each of :data:`LINE_FILES`,
rendered by the worker as they appear in those files. The merge copies the lines as bytes,
adds each place's totals to the corpus's, decodes the places' fields only when one of them
is new to it, and the map line only when it writes the map. See :meth:`ChunkResult.encode` and
:func:`decode_chunk`.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geomap import export, schema
from geomap.errors import BatchError, OutputError
from geomap.files import atomic_write
from geomap.gazetteer import Gazetteer
from geomap.inputs import Article, BadRecord, Chunk, Item, Lines
from geomap.schema import PlaceInfo
from geomap.text import Codec

#: Times a chunk may take a worker process down with it before its articles are failed.
MAX_TRIES = 3

#: A unit of work: the chunk's position in the input and its records.
Task = tuple[int, Chunk]


def _item_key(item: Item) -> tuple[str | None, ...]:
    if isinstance(item, Article):
        return ("article", item.id, item.text, item.title, item.url, item.date, item.format)
    line = None if item.line is None else str(item.line)
    return ("bad", item.source, line, item.reason, item.id)


def chunk_hash(chunk: Chunk) -> str:
    """A hash of a chunk's records, naming its result file.

    Of records read: SHA-256 over each record's fields, each written as its UTF-8 length and
    bytes (``-`` for None), so no two records hash alike by shifting text between fields,
    and no text is re-encoded as JSON. Of :class:`~geomap.inputs.Lines`: SHA-256 over
    where they begin (line, byte), their encoding and their bytes, as read (what their
    records are made of), so the coordinating process decodes no JSON. Where they begin
    counts, as their records' default ids and error lines name lines and bytes of the
    file: a record corrected to another length reruns the chunks after it too."""
    digest = hashlib.sha256()
    if isinstance(chunk, Lines):
        digest.update(f"lines {chunk.first} {chunk.offset} {chunk.codec.name}\n".encode())
        digest.update(chunk.data)
        return digest.hexdigest()[:20]
    for item in chunk:
        fields = [
            None if f is None else f.encode("utf-8", "surrogatepass") for f in _item_key(item)
        ]
        digest.update(",".join("-" if f is None else str(len(f)) for f in fields).encode())
        digest.update(b"\n")
        digest.update(b"".join(f for f in fields if f is not None))
    return digest.hexdigest()[:20]


def error_record(item: Item, reason: str) -> dict[str, Any]:
    """A line of ``errors.jsonl``: which record failed, where it was read, and why."""
    return {"id": item.id, "source": item.source, "line": item.line, "reason": reason}


@dataclass(frozen=True, slots=True)
class GazetteerRef:
    """A gazetteer by its files and built indexes (the base and the user files' overlay):
    what a worker needs to reopen it."""

    files: tuple[Path, ...]
    index: Path
    overlay: Path | None = None

    @classmethod
    def of(cls, gazetteer: Gazetteer) -> GazetteerRef:
        return cls(tuple(gazetteer.files), Path(gazetteer.index), gazetteer.overlay)

    @property
    def name(self) -> str:
        """The index files' names, which identify the places a run used."""
        return "+".join(p.name for p in (self.index, self.overlay) if p)

    def open(self) -> Gazetteer:
        """The gazetteer, opened once per process."""
        gaz = _OPEN.get(self)
        if gaz is None:
            for path in (self.index, self.overlay):
                if path and not path.is_file():
                    raise BatchError(
                        f"the gazetteer index {path} is not on this worker "
                        "(workers must share the client's file system)"
                    )
            gaz = _OPEN[self] = Gazetteer(self.files, self.index, self.overlay)
        return gaz


_OPEN: dict[GazetteerRef, Gazetteer] = {}


def analyze(article: Article, gazetteer: Gazetteer) -> export.ArticleRows:
    """The pure stages on one article: parse (which checks its claims), flatten to export
    rows."""
    from geomap.parse import parse

    doc = parse(
        article.text,
        title=article.title,
        url=article.url,
        gazetteer=gazetteer,
        format=article.format,
        id=article.id,
    )
    return export.article_rows(doc, date=article.date)


#: The corpus files whose lines a chunk file carries, in the order it holds them.
LINE_FILES = ("mentions.jsonl", "claims.csv", "errors.jsonl")
#: The parts of a chunk file after its header line: a JSON line of its places' fields (in
#: the header's order of places), a line of what only the corpus map needs, the features of
#: ``locations.geojson`` (a line each), then the lines of each of :data:`LINE_FILES`.
PARTS = ("info", "map", "locations", *LINE_FILES)


def _map_row(rows: export.ArticleRows) -> list[Any]:
    """An article's rows in a chunk file's map part: what the corpus map needs of it (JSON
    writes the tuples as arrays)."""
    return [
        rows.id,
        rows.title,
        rows.url,
        rows.date,
        rows.places,
        rows.snippets,
        rows.claims,
        rows.locations,
    ]


def _rows_from_map(row: list[Any]) -> export.ArticleRows:
    id, title, url, date, places, snippets, claims, locations = row
    return export.ArticleRows(
        id,
        title,
        url,
        date,
        (),
        tuple(map(tuple, claims)),
        tuple(map(tuple, places)),
        {},
        tuple(map(tuple, snippets)),
        tuple(locations),
    )


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """The rows of a chunk's articles and the error lines of those that failed."""

    articles: tuple[export.ArticleRows, ...]
    errors: tuple[dict[str, Any], ...]

    def encode(self) -> bytes:
        """The bytes of this chunk's file (what :func:`decode_chunk` reads back): a header
        line (the counts, each place's totals over the chunk from
        :func:`~geomap.export.place_totals`, and the byte size of each part), then the
        :data:`PARTS`, each rendered here as the merge needs it, so that the coordinating
        process tallies the chunk place by place, not article by article, and copies its
        lines and location features as bytes."""
        totals, info = export.place_totals(self.articles)
        articles = self.articles
        parts = [
            (export.dumps([info[pid] for pid, *_ in totals]) + "\n").encode(),
            (export.dumps([_map_row(r) for r in articles]) + "\n").encode(),
            "".join(
                export.dumps(schema.location_feature(json.loads(line))) + "\n"
                for rows in articles
                for line in rows.locations
            ).encode(),
            "".join(line + "\n" for rows in articles for line in rows.mentions).encode(),
            export.csv_text(c for rows in articles for c in rows.claims).encode(),
            "".join(export.dumps(error) + "\n" for error in self.errors).encode(),
        ]
        header = {
            "articles": len(articles),
            "mentions": sum(len(r.mentions) for r in articles),
            "claims": sum(len(r.claims) for r in articles),
            "errors": len(self.errors),
            "places": totals,
            "sizes": [len(part) for part in parts],
        }
        return b"".join([(export.dumps(header) + "\n").encode(), *parts])


@dataclass(frozen=True, slots=True)
class ChunkFile:
    """A chunk file read back: its numbers of articles, mentions, claims and failed
    records; each of its places' totals (:data:`~geomap.export.PlaceTotals`, in order of
    first mention) and fields (:meth:`places_info`); unless read for the map, no ``rows``,
    else its articles' rows without their mention lines and place fields; the lines of
    ``locations.geojson``'s features and of each of :data:`LINE_FILES`, as bytes."""

    articles: int
    mentions: int
    claims: int
    errors: int
    places: list[export.PlaceTotals]
    #: The places' fields, as JSON (see :meth:`places_info`).
    info: bytes
    rows: tuple[export.ArticleRows, ...]
    locations: bytes
    lines: dict[str, bytes]

    def places_info(self) -> list[PlaceInfo]:
        """The fields of each place of ``places``, in their order: decoded on demand, for
        the merge needs them only when one of the places is new to the corpus."""
        return json.loads(self.info)


def decode_chunk(data: bytes, *, on_map: bool = True) -> ChunkFile:
    """Read a chunk file's bytes (see :meth:`ChunkResult.encode`), with what only the
    corpus map needs when ``on_map``; ValueError when they are not a whole chunk file (cut
    short by a crash, say)."""
    end = data.find(b"\n")
    if end < 0:
        raise ValueError("no header line")
    try:
        header = json.loads(data[:end])
        sizes = header["sizes"]
        if len(sizes) != len(PARTS):
            raise ValueError(f"a header of {len(sizes)} parts, not {len(PARTS)}")
        expected = end + 1 + sum(sizes)
        if expected != len(data):
            raise ValueError(f"{len(data)} bytes where its header gives {expected}")
        parts = {}
        start = end + 1
        for name, size in zip(PARTS, sizes):
            parts[name] = data[start : start + size]
            start += size
        rows = tuple(_rows_from_map(row) for row in json.loads(parts["map"])) if on_map else ()
        chunk = ChunkFile(
            header["articles"],
            header["mentions"],
            header["claims"],
            header["errors"],
            header["places"],
            parts["info"],
            rows,
            parts["locations"],
            {name: parts[name] for name in LINE_FILES},
        )
    except (KeyError, TypeError, IndexError) as err:
        raise ValueError(f"no chunk file header ({type(err).__name__}: {err})") from None
    return chunk


@dataclass(frozen=True, slots=True)
class EncodedChunk:
    """A chunk's result as the bytes of its file, made on the worker, and its error count:
    the coordinating process only writes the bytes, which keeps its share of the CPU (that
    the workers need) small."""

    data: bytes
    errors: int

    @classmethod
    def of(cls, result: ChunkResult) -> EncodedChunk:
        return cls(result.encode(), len(result.errors))


def process_chunk(items: Iterable[Item], gazetteer: Gazetteer | GazetteerRef) -> ChunkResult:
    """Run :func:`analyze` on each article; a failing article becomes an error line."""
    gaz = gazetteer.open() if isinstance(gazetteer, GazetteerRef) else gazetteer
    rows, errors = [], []
    for item in items:
        if isinstance(item, BadRecord):
            errors.append(error_record(item, item.reason))
            continue
        try:
            rows.append(analyze(item, gaz))
        except Exception as err:  # one bad article must not stop the corpus
            errors.append(error_record(item, f"{type(err).__name__}: {err}"))
    return ChunkResult(tuple(rows), tuple(errors))


def run_chunk(items: Iterable[Item], gazetteer: Gazetteer | GazetteerRef) -> EncodedChunk:
    """:func:`process_chunk`, encoded for its chunk file: what the engines run on workers."""
    return EncodedChunk.of(process_chunk(items, gazetteer))


def pack(chunk: Chunk) -> bytes:
    """A chunk as what a task carries: one bytes object (:func:`unpack` reads it back).
    A Dask scheduler unpickles a task and pickles it again for the worker; as one bytes
    object a chunk is copied, not rebuilt article by article. It holds plain fields only:
    for records read, each record's (the fields of :class:`~geomap.inputs.Article` but
    ``extra``, which no stage reads); for :class:`~geomap.inputs.Lines`, theirs, with their
    codec's (a class of a compiled module does not unpickle)."""
    if isinstance(chunk, Lines):
        codec = chunk.codec
        fields: tuple = (
            *(chunk.source, chunk.first, chunk.offset, chunk.data, chunk.records),
            (codec.name, codec.label, codec.hint),
            chunk.extra_fields,
        )
        return pickle.dumps(("lines", fields), protocol=pickle.HIGHEST_PROTOCOL)
    records = tuple(
        (i.id, i.text, i.title, i.url, i.date, i.format, i.source, i.line)
        if isinstance(i, Article)
        else (i.source, i.line, i.reason, i.id)
        for i in chunk
    )
    return pickle.dumps(("records", records), protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> Chunk:
    """The chunk :func:`pack` packed."""
    kind, fields = pickle.loads(data)
    if kind == "lines":
        source, first, offset, lines, records, codec, extra_fields = fields
        return Lines(source, first, offset, lines, records, Codec(*codec), extra_fields)
    return tuple(Article(*record) if len(record) == 8 else BadRecord(*record) for record in fields)


@dataclass(frozen=True, slots=True)
class WrittenChunk:
    """A chunk's result that its worker wrote into the run folder itself: the file's size
    (which the coordinating process checks) and its error count."""

    size: int
    errors: int


#: What a worker hands back for a chunk: its file's bytes, or word that it wrote the file.
ChunkOutcome = EncodedChunk | WrittenChunk


@dataclass(frozen=True, slots=True)
class ChunkTarget:
    """Where a chunk's file goes, for a worker to write it there itself: the run folder's
    chunk directory, known by its path and its device and inode (a worker on another machine
    with a folder of the same path does not take it for the run's), and the file's name."""

    folder: str
    device: int
    inode: int
    name: str

    def write(self, chunk: EncodedChunk) -> ChunkOutcome:
        """Write the chunk's file atomically, as the coordinating process would, when this
        process sees the run folder; else, or when the write fails, hand the bytes back.
        Writing here spares sending the bytes to the coordinating process, whose CPU time
        the workers share."""
        try:
            stat = os.stat(self.folder)
        except OSError:
            return chunk
        if (stat.st_dev, stat.st_ino) != (self.device, self.inode):
            return chunk
        try:
            # No fsync: see RunFolder.write.
            atomic_write(os.path.join(self.folder, self.name), chunk.data, fsync=False)
        except OutputError:
            # A full disk, say: the coordinating process tries, and reports it as for a
            # chunk it writes (nothing is left behind here).
            return chunk
        return WrittenChunk(len(chunk.data), chunk.errors)


def run_packed(
    data: bytes, gazetteer: GazetteerRef, target: ChunkTarget | None = None
) -> ChunkOutcome:
    """:func:`run_chunk` on the items of :func:`pack`, written to ``target`` when this
    process sees it: what the engines submit."""
    chunk = run_chunk(unpack(data), gazetteer)
    return chunk if target is None else target.write(chunk)


def run_packed_chunks(
    chunks: tuple[bytes, ...], gazetteer: GazetteerRef, targets: tuple[ChunkTarget | None, ...]
) -> tuple[ChunkOutcome, ...]:
    """:func:`run_packed` on several chunks, each with its target: one task of a Dask
    cluster for several chunks (its scheduler, this process and the client spend CPU time on
    each task)."""
    return tuple(
        run_packed(data, gazetteer, target) for data, target in zip(chunks, targets, strict=True)
    )


def failed_chunk(items: Iterable[Item], reason: str) -> EncodedChunk:
    """A chunk whose every article failed for the same reason (a worker kept dying)."""
    return EncodedChunk.of(
        ChunkResult(
            (),
            tuple(
                error_record(item, item.reason if isinstance(item, BadRecord) else reason)
                for item in items
            ),
        )
    )


__all__ = [
    "ChunkFile",
    "ChunkOutcome",
    "ChunkResult",
    "ChunkTarget",
    "EncodedChunk",
    "LINE_FILES",
    "PARTS",
    "GazetteerRef",
    "MAX_TRIES",
    "Task",
    "analyze",
    "chunk_hash",
    "decode_chunk",
    "error_record",
    "failed_chunk",
    "pack",
    "process_chunk",
    "run_chunk",
    "run_packed",
    "run_packed_chunks",
    "unpack",
    "WrittenChunk",
]
