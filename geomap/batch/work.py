"""The work of a batch run: chunks of input items, and what a worker does with one.

A worker receives a chunk (consecutive :class:`~geomap.inputs.Item` records) and a
:class:`GazetteerRef`, runs the pure stages on each article (:func:`analyze`: ``parse``, which
checks the claims, then :func:`geomap.export.article_rows`) and returns the bytes of the
chunk's result file (:class:`EncodedChunk`), so the coordinating process only writes them.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geomap import export
from geomap.errors import BatchError
from geomap.gazetteer import Gazetteer
from geomap.inputs import Article, BadRecord, Item

#: Times a chunk may take a worker process down with it before its articles are failed.
MAX_TRIES = 3

#: A unit of work: the chunk's position in the input and its items.
Task = tuple[int, tuple[Item, ...]]


def chunked(items: Iterable[Item], size: int) -> Iterator[tuple[Item, ...]]:
    """Consecutive chunks of ``size`` items (the last may be shorter)."""
    iterator = iter(items)
    while chunk := tuple(itertools.islice(iterator, size)):
        yield chunk


def _item_key(item: Item) -> list[Any]:
    if isinstance(item, Article):
        return ["article", item.id, item.text, item.title, item.url, item.date, item.format]
    return ["bad", item.source, item.line, item.reason, item.id]


def chunk_hash(items: Iterable[Item]) -> str:
    """A hash of a chunk's articles, naming its result file."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(export.dumps(_item_key(item)).encode())
        digest.update(b"\n")
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


def _rows_to_json(rows: export.ArticleRows) -> dict[str, Any]:
    return {
        "id": rows.id,
        "title": rows.title,
        "url": rows.url,
        "date": rows.date,
        "mentions": list(rows.mentions),
        "claims": [list(c) for c in rows.claims],
        "places": [list(p) for p in rows.places],
        "info": rows.info,
        "snippets": [list(x) for x in rows.snippets],
        "locations": list(rows.locations),
    }


def rows_from_json(data: dict[str, Any]) -> export.ArticleRows:
    """An article's rows as a chunk file stores them (see :meth:`ChunkResult.encode`)."""
    return export.ArticleRows(
        data["id"],
        data["title"],
        data["url"],
        data["date"],
        tuple(data["mentions"]),
        tuple(tuple(c) for c in data["claims"]),
        tuple((p, n) for p, n in data["places"]),
        data["info"],
        tuple(tuple(x) for x in data.get("snippets", ())),
        tuple(data.get("locations", ())),
    )


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """The rows of a chunk's articles and the error lines of those that failed."""

    articles: tuple[export.ArticleRows, ...]
    errors: tuple[dict[str, Any], ...]

    def encode(self) -> bytes:
        """The bytes of this chunk's file (what :meth:`RunFolder.read` reads back)."""
        data = {"articles": [_rows_to_json(r) for r in self.articles], "errors": list(self.errors)}
        return (export.dumps(data) + "\n").encode()


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
    "ChunkResult",
    "EncodedChunk",
    "GazetteerRef",
    "MAX_TRIES",
    "Task",
    "analyze",
    "chunk_hash",
    "chunked",
    "error_record",
    "failed_chunk",
    "process_chunk",
    "rows_from_json",
    "run_chunk",
]
