"""Batch processing: a corpus of articles in, corpus files and a corpus map out.

This module is an edge: it reads the input, runs the pure stages (``parse``, which checks
the claims, then :func:`geomap.export.article_rows`) on an engine, and writes
files. The input is read as a stream and cut into fixed chunks in input order; each chunk
runs on a worker process and its rows come back to this process, which writes them
atomically (temporary file, then ``os.replace``) into a work folder inside the output
folder. The final files are merged from the chunk files in input order, so the engine, the
number of workers, and interruptions change nothing in the output bytes.

Resuming: a chunk file is named by its position and a hash of its articles, so a rerun
into the same folder skips every chunk whose articles are unchanged and runs the others.
An input whose first chunk differs from the stored run's is another corpus, and is refused.

Engines (:func:`make_engine`): ``local`` runs a :class:`~concurrent.futures.ProcessPoolExecutor`
on this machine's cores; ``dask`` submits the same chunks to a ``dask.distributed`` cluster,
an existing scheduler or a ``LocalCluster`` started for the run. Workers receive a
:class:`GazetteerRef` (the gazetteer's files and index path) and open the already built
SQLite index once per process.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import itertools
import json
import os
import signal
import stat
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from geomap import export
from geomap.errors import GeomapError, InputError, OutputError
from geomap.files import atomic_write
from geomap.gazetteer import Gazetteer
from geomap.text import FORMATS, decode

#: Articles per chunk: the unit of work, of resumption and of loss on a crash.
CHUNK_SIZE = 100
#: Kinds of input: a folder of files, JSON Lines, CSV, or one article as plain text,
#: Markdown or HTML.
INPUT_FORMATS = ("jsonl", "csv", "txt", "md", "html")
#: File name endings read from an input folder, and the text format of each.
FILE_FORMATS = {".txt": "plain", ".md": "markdown", ".markdown": "markdown",
                ".html": "html", ".htm": "html"}
#: Files a finished run leaves in the output folder.
OUTPUT_FILES = ("mentions.jsonl", "places.geojson", "claims.csv", "errors.jsonl", "map.html")
WORK_DIR = ".geomap-batch"
#: Times a chunk may take a worker process down with it before its articles are failed.
MAX_TRIES = 3
_MANIFEST_VERSION = 1
_SINGLE_FORMATS = {"txt": "plain", "md": "markdown", "html": "html"}


class BatchError(GeomapError, RuntimeError):
    """A batch run cannot start or go on: a busy or foreign output folder, a missing engine."""


# --------------------------------------------------------------------------- input items


@dataclass(frozen=True, slots=True)
class Article:
    """One article of the input; ``source`` and ``line`` say where it was read."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    format: str = "plain"
    source: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class BadRecord:
    """An input record that is not an article (bad JSON, no text, a bad date, ...)."""

    source: str
    line: int | None
    reason: str
    id: str | None = None


Item = Article | BadRecord


def error_record(item: Item, reason: str) -> dict[str, Any]:
    """A line of ``errors.jsonl``: which record failed, where it was read, and why."""
    return {"id": item.id, "source": item.source, "line": item.line, "reason": reason}


def _item_key(item: Item) -> list:
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


def _optional_str(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise ValueError(f"{key} must be a string, not {value!r}")


def article_from_record(record: Any, *, default_id: str, source: str,
                        line: int | None) -> Item:
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
        return BadRecord(source, line, f"format {fmt!r} is not one of {', '.join(FORMATS)}",
                         article_id)
    try:
        return Article(article_id, text, _optional_str(record, "title"),
                       _optional_str(record, "url"), iso_date(record.get("date")), fmt,
                       source, line)
    except ValueError as err:
        return BadRecord(source, line, str(err), article_id)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Source:
    """Where a batch reads its articles: see :func:`open_input`."""

    kind: str
    path: Path | None = None
    text_column: str = "text"
    stream: BinaryIO | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return "<stdin>" if self.path is None else str(self.path)

    def items(self) -> Iterator[Item]:
        """The input's records in order, read as a stream."""
        if self.kind == "dir":
            return self._files()
        if self.kind in _SINGLE_FORMATS:
            return self._single()
        if self.kind == "jsonl":
            return self._jsonl()
        return self._csv()

    def count(self) -> int | None:
        """How many records the input holds (a quick pass), or None for a stream."""
        if self.path is None:
            return None
        if self.kind == "dir":
            return len(self._file_list())
        if self.kind in _SINGLE_FORMATS:
            return 1
        if self.kind == "jsonl":
            with open(self.path, "rb") as f:
                return sum(1 for line in f if line.strip())
        return sum(1 for _ in self._csv_rows())

    def _binary(self) -> BinaryIO:
        if self.path is None:
            return self.stream if self.stream is not None else sys.stdin.buffer
        return open(self.path, "rb")

    def _file_list(self) -> list[str]:
        assert self.path is not None
        found = []
        for folder, dirs, files in os.walk(self.path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if name.startswith("."):
                    continue
                if Path(name).suffix.lower() in FILE_FORMATS:
                    found.append(Path(folder, name).relative_to(self.path).as_posix())
        return sorted(found)

    def _files(self) -> Iterator[Item]:
        assert self.path is not None
        for rel in self._file_list():
            fmt = FILE_FORMATS[Path(rel).suffix.lower()]
            try:
                if not stat.S_ISREG((self.path / rel).stat().st_mode):
                    yield BadRecord(rel, None, "not a regular file", rel)
                    continue
                text = decode((self.path / rel).read_bytes(), path=rel)
            except OSError as err:
                yield BadRecord(rel, None, f"cannot read file ({err.strerror})", rel)
                continue
            except InputError as err:
                yield BadRecord(rel, None, err.problem, rel)
                continue
            yield Article(rel, text, format=fmt, source=rel)

    def _single(self) -> Iterator[Item]:
        stream = self._binary()
        try:
            data = stream.read()
        finally:
            if self.path is not None:
                stream.close()
        name = "stdin" if self.path is None else self.path.name
        try:
            text = decode(data, path=self.name)
        except InputError as err:
            yield BadRecord(self.name, None, err.problem, name)
            return
        yield Article(name, text, format=_SINGLE_FORMATS[self.kind], source=self.name)

    def _jsonl(self) -> Iterator[Item]:
        stream = self._binary()
        try:
            for number, raw in enumerate(stream, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw.decode("utf-8").removeprefix("\ufeff"))
                except UnicodeDecodeError as err:
                    yield BadRecord(self.name, number, f"not UTF-8 text at byte {err.start}")
                    continue
                except json.JSONDecodeError as err:
                    yield BadRecord(self.name, number, f"bad JSON ({err.msg} at column "
                                                      f"{err.colno})")
                    continue
                yield article_from_record(record, default_id=str(number), source=self.name,
                                          line=number)
        finally:
            if self.path is not None:
                stream.close()

    def _csv_rows(self) -> Iterator[tuple[int, list[str], list[str]]]:
        """(line, header, cells) of every data row."""
        limit = csv.field_size_limit()
        csv.field_size_limit(max(limit, 2**31 - 1))
        stream = self._binary()
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
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
            raise InputError(f"not UTF-8 text near line {reader.line_num + 1} "
                             f"(byte {err.start} of a block)", path=self.name) from None
        except csv.Error as err:
            raise InputError(f"bad CSV ({err})", path=self.name, line=reader.line_num) from None
        finally:
            text.detach()
            if self.path is not None:
                stream.close()

    def _csv(self) -> Iterator[Item]:
        columns: list[str] | None = None
        for line, header, cells in self._csv_rows():
            if columns is None:
                columns = [h.strip() for h in header]
                if self.text_column not in columns:
                    raise InputError(
                        f"no column {self.text_column!r} (columns: {', '.join(columns)}); "
                        "name the text column with --text-column", path=self.name, line=1)
            if len(cells) != len(columns):
                yield BadRecord(self.name, line,
                                f"expected {len(columns)} cells, found {len(cells)}")
                continue
            record = dict(zip(columns, cells))
            record["text"] = record.pop(self.text_column)
            yield article_from_record(record, default_id=str(line), source=self.name,
                                      line=line)


def input_kind(path: Path) -> str:
    """The input format a file name implies (see :data:`INPUT_FORMATS`)."""
    suffix = path.suffix.lower()
    kinds = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".txt": "txt",
             ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
    if suffix not in kinds:
        raise InputError("cannot tell the input format from the file name; use --input-format "
                         f"({', '.join(INPUT_FORMATS)})", path=str(path))
    return kinds[suffix]


def open_input(path: str | os.PathLike | None, *, input_format: str | None = None,
               text_column: str = "text", stream: BinaryIO | None = None) -> Source:
    """The articles at ``path``: a folder of .txt/.md/.html files, a JSON Lines or CSV
    file, or one article in a text file. ``None`` or ``"-"`` reads ``stream`` (stdin by
    default) as JSON Lines unless ``input_format`` says otherwise.

    Raises InputError for a missing path, an unknown format or a CSV without the text column.
    """
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise InputError(f"unknown input format {input_format!r} "
                         f"(expected one of {', '.join(INPUT_FORMATS)})")
    if path is None or str(path) == "-":
        source = Source(input_format or "jsonl", None, text_column, stream)
    else:
        path = Path(path)
        if path.is_dir():
            source = Source("dir", path)
        elif path.is_file():
            source = Source(input_format or input_kind(path), path, text_column)
        else:
            raise InputError("no such file or folder", path=str(path))
    if source.kind == "csv" and source.path is not None:
        next(iter(source._csv()), None)  # checks the header names the text column
    return source


def chunked(items: Iterable[Item], size: int) -> Iterator[tuple[Item, ...]]:
    """Consecutive chunks of ``size`` items (the last may be shorter)."""
    iterator = iter(items)
    while chunk := tuple(itertools.islice(iterator, size)):
        yield chunk


# --------------------------------------------------------------------------- the work


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
                    raise BatchError(f"the gazetteer index {path} is not on this worker "
                                     "(workers must share the client's file system)")
            gaz = _OPEN[self] = Gazetteer(self.files, self.index, self.overlay)
        return gaz


_OPEN: dict[GazetteerRef, Gazetteer] = {}


def analyze(article: Article, gazetteer: Gazetteer) -> export.ArticleRows:
    """The pure stages on one article: parse (which checks its claims), flatten to export
    rows."""
    from geomap.parse import parse

    doc = parse(article.text, title=article.title, url=article.url, gazetteer=gazetteer,
                format=article.format, id=article.id)
    return export.article_rows(doc, date=article.date)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """The rows of a chunk's articles and the error lines of those that failed."""

    articles: tuple[export.ArticleRows, ...]
    errors: tuple[dict[str, Any], ...]

    @property
    def size(self) -> int:
        return len(self.articles) + len(self.errors)

    def encode(self) -> bytes:
        """The bytes of this chunk's file (what :meth:`RunFolder.read` reads back)."""
        data = {"articles": [_rows_to_json(r) for r in self.articles],
                "errors": list(self.errors)}
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


def failed_chunk(items: Iterable[Item], reason: str) -> ChunkResult:
    """A chunk whose every article failed for the same reason (a worker kept dying)."""
    return ChunkResult((), tuple(
        error_record(item, item.reason if isinstance(item, BadRecord) else reason)
        for item in items))


# --------------------------------------------------------------------------- engines

Task = tuple[int, tuple[Item, ...]]


class Engine(Protocol):
    """Runs :func:`run_chunk` on chunks, yielding ``(index, result)`` as they finish."""

    name: str

    def map_chunks(self, tasks: Iterator[Task], gazetteer: GazetteerRef
                   ) -> Iterator[tuple[int, EncodedChunk]]: ...

    def pids(self) -> list[int]: ...

    def close(self) -> None: ...


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group; the parent decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalEngine:
    """Worker processes on this machine (``concurrent.futures``, spawned).

    A worker that dies (killed, out of memory) breaks the pool: a new pool is started and
    every chunk that had not come back is submitted again.
    """

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        if self.workers < 1:
            raise BatchError(f"--workers must be at least 1, not {self.workers}")
        self._pool = None

    def _new_pool(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(self.workers,
                                         mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_ignore_sigint)
        return self._pool

    def pids(self) -> list[int]:
        processes = getattr(self._pool, "_processes", None) or {}
        return sorted(processes)

    def map_chunks(self, tasks, gazetteer):
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pool = self._pool or self._new_pool()
        inflight: dict[Any, tuple[int, tuple[Item, ...], int]] = {}
        retry: list[tuple[int, tuple[Item, ...], int]] = []
        limit = 2 * self.workers
        tasks = iter(tasks)
        exhausted = False
        barren = 0  # pools in a row that broke before returning anything
        while True:
            while len(inflight) < limit and (retry or not exhausted):
                if retry:
                    index, items, tries = retry.pop(0)
                else:
                    task = next(tasks, None)
                    if task is None:
                        exhausted = True
                        break
                    (index, items), tries = task, 0
                inflight[pool.submit(run_chunk, items, gazetteer)] = (index, items, tries)
            if not inflight:
                return
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            broken = False
            for future in sorted(done, key=lambda f: inflight[f][0]):
                index, items, tries = inflight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    if tries + 1 >= MAX_TRIES:
                        yield index, EncodedChunk.of(failed_chunk(
                            items, f"a worker process died on this chunk {MAX_TRIES} times"))
                    else:
                        retry.append((index, items, tries + 1))
                    continue
                barren = 0
                yield index, result
            if broken:
                barren += 1
                if barren >= MAX_TRIES:
                    raise BatchError(f"worker processes died {barren} times in a row before "
                                     "finishing any chunk; is there memory left?")
                # Every chunk still in the broken pool comes back with BrokenProcessPool.
                wait(inflight)
                for future, (index, items, tries) in sorted(inflight.items(),
                                                            key=lambda kv: kv[1][0]):
                    if future.exception() is None:
                        yield index, future.result()
                    else:
                        retry.append((index, items, tries))
                inflight.clear()
                retry.sort(key=lambda t: t[0])
                pool.shutdown(wait=True)
                pool = self._new_pool()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


DASK_HINT = "the dask engine needs Dask: pip install 'geomap[dask]'"


class DaskEngine:
    """Chunks submitted to a ``dask.distributed`` cluster.

    With ``scheduler`` (``tcp://HOST:PORT``) the client joins that cluster, whose workers
    must see the gazetteer index at the same path; otherwise a ``LocalCluster`` of
    ``workers`` single-threaded worker processes is started and closed with the engine.
    Tasks of a killed worker are rerun by the scheduler on another worker.
    """

    name = "dask"

    def __init__(self, *, scheduler: str | None = None, workers: int | None = None):
        try:
            import logging

            from distributed import Client, LocalCluster
        except ImportError:
            raise BatchError(DASK_HINT) from None
        self._cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as err:
                raise BatchError(f"cannot reach the Dask scheduler at {scheduler} ({err})"
                                 ) from None
        else:
            n = workers or os.cpu_count() or 1
            if n < 1:
                raise BatchError(f"--workers must be at least 1, not {n}")
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         dashboard_address=":0", silence_logs=logging.ERROR)
            self.client = Client(self._cluster)
        self._run = uuid.uuid4().hex[:8]

    def pids(self) -> list[int]:
        return sorted(self.client.run(os.getpid).values())

    def map_chunks(self, tasks, gazetteer):
        from distributed import as_completed

        threads = sum(self.client.nthreads().values()) or 1
        limit = 2 * threads
        inflight: dict[Any, tuple[int, tuple[Item, ...]]] = {}
        pending = as_completed()
        tasks = iter(tasks)

        def fill() -> None:
            while len(inflight) < limit:
                task = next(tasks, None)
                if task is None:
                    return
                index, items = task
                future = self.client.submit(run_chunk, items, gazetteer, pure=False,
                                            retries=MAX_TRIES - 1,
                                            key=f"geomap-chunk-{self._run}-{index}")
                inflight[future] = (index, items)
                pending.add(future)

        fill()
        for future in pending:
            index, items = inflight.pop(future)
            if future.status == "error" and type(future.exception()).__name__ == "KilledWorker":
                result = EncodedChunk.of(failed_chunk(
                    items, f"a worker process died on this chunk {MAX_TRIES} times"))
            else:
                result = future.result()
            future.release()
            yield index, result
            fill()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(name: str = "local", *, workers: int | None = None,
                scheduler: str | None = None) -> Engine:
    """An engine by name: ``local`` (``workers`` processes) or ``dask`` (see DaskEngine)."""
    if name == "local":
        if scheduler:
            raise BatchError("--scheduler needs --engine dask")
        return LocalEngine(workers)
    if name == "dask":
        return DaskEngine(scheduler=scheduler, workers=workers)
    raise BatchError(f"unknown engine {name!r} (expected local or dask)")


# --------------------------------------------------------------------------- the run folder


def _rows_to_json(rows: export.ArticleRows) -> dict[str, Any]:
    return {"id": rows.id, "title": rows.title, "url": rows.url, "date": rows.date,
            "mentions": list(rows.mentions), "claims": [list(c) for c in rows.claims],
            "places": [list(p) for p in rows.places], "info": rows.info,
            "snippets": [list(x) for x in rows.snippets]}


def _rows_from_json(data: dict[str, Any]) -> export.ArticleRows:
    return export.ArticleRows(
        data["id"], data["title"], data["url"], data["date"], tuple(data["mentions"]),
        tuple(tuple(c) for c in data["claims"]), tuple((p, n) for p, n in data["places"]),
        data["info"], tuple(tuple(x) for x in data.get("snippets", ())))


class RunFolder:
    """``OUTDIR/.geomap-batch``: the manifest and one result file per finished chunk.

    Holding a RunFolder locks it, so two runs cannot write into one output folder.
    """

    def __init__(self, outdir: Path, manifest: dict[str, Any]):
        self.outdir = outdir
        self.work = outdir / WORK_DIR
        self.chunks = self.work / "chunks"
        self.manifest = manifest
        if outdir.exists() and not outdir.is_dir():
            raise BatchError(f"{outdir} is a file; -o needs a folder")
        if outdir.is_dir() and not self.work.is_dir():
            strangers = [p.name for p in outdir.iterdir() if p.name not in OUTPUT_FILES]
            if strangers:
                raise BatchError(f"{outdir} holds other files ({strangers[0]}, ...) and no "
                                 "geomap batch run; choose an empty or new folder")
        self.chunks.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.work / "lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise BatchError(f"another geomap batch is writing to {outdir}") from None
        self._check_manifest()
        self.done = {p.name for p in self.chunks.iterdir() if p.suffix == ".json"}

    def _check_manifest(self) -> None:
        path = self.work / "manifest.json"
        if not path.exists():
            atomic_write(path, (export.dumps(self.manifest) + "\n").encode())
            return
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
        if stored == self.manifest:
            return
        delete = f"choose another output folder, or delete {self.outdir} to start over"
        if stored.get("first") != self.manifest["first"]:
            raise BatchError(f"{self.outdir} holds a run of a different input "
                             f"({stored.get('input', '?')}); {delete}")
        for key, what in (("chunk_size", "--chunk-size"), ("gazetteer", "gazetteer"),
                          ("geomap", "geomap version")):
            if stored.get(key) != self.manifest[key]:
                raise BatchError(f"{self.outdir} holds a run made with another {what} "
                                 f"({stored.get(key)!r}); {delete}")
        # Same corpus and settings, read from another path: take over the run.
        atomic_write(path, (export.dumps(self.manifest) + "\n").encode())

    @staticmethod
    def chunk_name(index: int, digest: str) -> str:
        return f"{index:07d}-{digest}.json"

    def has(self, index: int, digest: str) -> bool:
        return self.chunk_name(index, digest) in self.done

    def write(self, index: int, digest: str, chunk: EncodedChunk) -> None:
        name = self.chunk_name(index, digest)
        for stale in [n for n in self.done if n.startswith(f"{index:07d}-") and n != name]:
            (self.chunks / stale).unlink(missing_ok=True)
            self.done.discard(stale)
        atomic_write(self.chunks / name, chunk.data)
        self.done.add(name)

    def read(self, name: str) -> ChunkResult:
        try:
            data = json.loads((self.chunks / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise BatchError(f"unreadable chunk file {self.chunks / name} ({err}); delete it "
                             "and run again") from None
        return ChunkResult(tuple(_rows_from_json(a) for a in data["articles"]),
                           tuple(data["errors"]))

    def prune(self, names: Iterable[str]) -> None:
        """Delete chunk files that are not among ``names`` (left by a longer input)."""
        keep = set(names)
        for stale in sorted(self.done - keep):
            (self.chunks / stale).unlink(missing_ok=True)
        self.done &= keep

    def close(self) -> None:
        self._lock.close()


# --------------------------------------------------------------------------- running


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a run is: records done (``skipped`` of them by resuming) out of ``total``."""

    done: int
    total: int | None
    skipped: int
    errors: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Records processed per second in this run (resumed ones not counted)."""
        return (self.done - self.skipped) / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate, or None when unknown."""
        if self.total is None or self.rate <= 0:
            return None
        return max(self.total - self.done, 0) / self.rate


@dataclass(frozen=True, slots=True)
class Summary:
    """What a finished run wrote."""

    outdir: Path
    articles: int
    errors: int
    skipped: int
    mentions: int
    places: int
    claims: int
    files: tuple[Path, ...]


def run(source: Source, outdir: str | os.PathLike, *, gazetteer: Gazetteer,
        engine: Engine, chunk_size: int = CHUNK_SIZE,
        on_progress: Callable[[Progress], None] | None = None,
        map_file: bool = True) -> Summary:
    """Process every article of ``source`` on ``engine`` and write the corpus files to
    ``outdir`` (see :data:`OUTPUT_FILES`), resuming a run already there.

    ``on_progress`` is called after each chunk. Raises BatchError when ``outdir`` holds
    another corpus's run or another run is writing there; InputError for unreadable input.
    On KeyboardInterrupt every finished chunk is kept for the next run.
    """
    from geomap import __version__

    if chunk_size < 1:
        raise BatchError(f"--chunk-size must be at least 1, not {chunk_size}")
    outdir = Path(outdir)
    ref = GazetteerRef.of(gazetteer)
    chunks = chunked(source.items(), chunk_size)
    first = next(chunks, ())
    # The first record identifies the corpus: a grown or corrected input resumes its run.
    manifest = {"version": _MANIFEST_VERSION, "input": source.name,
                "first": chunk_hash(first[:1]),
                "chunk_size": chunk_size, "gazetteer": ref.name, "geomap": __version__}
    with _writing(outdir):
        folder = RunFolder(outdir, manifest)
    try:
        total = source.count()
        start = time.monotonic()
        state = {"done": 0, "skipped": 0, "errors": 0}
        names: list[str] = []
        sizes: dict[int, tuple[str, int]] = {}

        def report() -> None:
            if on_progress is not None:
                on_progress(Progress(state["done"], total, state["skipped"], state["errors"],
                                     time.monotonic() - start))

        def todo() -> Iterator[Task]:
            for index, items in enumerate(itertools.chain([first] if first else [], chunks)):
                digest = chunk_hash(items)
                names.append(folder.chunk_name(index, digest))
                if folder.has(index, digest):
                    state["done"] += len(items)
                    state["skipped"] += len(items)
                    report()
                    continue
                sizes[index] = (digest, len(items))
                yield index, items

        for index, result in engine.map_chunks(todo(), ref):
            digest, size = sizes.pop(index)
            with _writing(outdir):
                folder.write(index, digest, result)
            state["done"] += size
            state["errors"] += result.errors
            report()
        with _writing(outdir):
            folder.prune(names)
            return _merge(folder, names, outdir, map_file=map_file,
                          skipped=state["skipped"], gazetteer=gazetteer,
                          title=Path(source.name).name)
    finally:
        folder.close()


@contextlib.contextmanager
def _writing(outdir: Path) -> Iterator[None]:
    """Turn a failed write in the output folder (read-only, full) into an OutputError;
    finished chunks and earlier outputs stay as they were, so a rerun resumes."""
    try:
        yield
    except (OSError, OutputError) as err:
        problem = (err.problem if isinstance(err, OutputError)
                   else f"cannot write ({err.strerror or err})")
        raise OutputError(f"{problem}; finished chunks are kept, rerun to resume",
                          path=str(outdir)) from None


def _merge(folder: RunFolder, names: list[str], outdir: Path, *, map_file: bool,
           skipped: int, gazetteer: Gazetteer | None = None, title: str = "") -> Summary:
    """Write the corpus files from the chunk files, in input order, each atomically."""
    tally = export.Tally()
    counts = {"articles": 0, "errors": 0, "mentions": 0, "claims": 0}
    outputs = {name: outdir / name for name in OUTPUT_FILES}
    temps = {name: outdir / f".{name}.tmp" for name in ("mentions.jsonl", "claims.csv",
                                                         "errors.jsonl")}
    try:
        with open(temps["mentions.jsonl"], "w", encoding="utf-8", newline="\n") as mentions, \
                open(temps["claims.csv"], "w", encoding="utf-8", newline="\n") as claims, \
                open(temps["errors.jsonl"], "w", encoding="utf-8", newline="\n") as errors:
            claims.write(export.claims_header())
            for name in names:
                result = folder.read(name)
                for rows in result.articles:
                    mentions.writelines(line + "\n" for line in rows.mentions)
                    claims.write(export.csv_text(rows.claims))
                    counts["mentions"] += len(rows.mentions)
                    counts["claims"] += len(rows.claims)
                    tally.add(rows)
                errors.writelines(export.dumps(error) + "\n" for error in result.errors)
                counts["articles"] += len(result.articles)
                counts["errors"] += len(result.errors)
        for name, temp in temps.items():
            os.replace(temp, outputs[name])
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    atomic_write(outputs["places.geojson"],
                  export.geojson_text(export.places_geojson(tally)).encode())
    written = [outputs[n] for n in ("mentions.jsonl", "places.geojson", "claims.csv",
                                    "errors.jsonl")]
    if map_file:
        from geomap.corpus_map import build_corpus_map
        from geomap.gazetteer import boundaries
        from geomap.render import save

        save(build_corpus_map(tally, boundaries=boundaries(), gazetteer=gazetteer, title=title),
             outputs["map.html"])
        written.append(outputs["map.html"])
    return Summary(outdir, counts["articles"], counts["errors"], skipped, counts["mentions"],
                   len(tally.places), counts["claims"], tuple(written))


__all__ = [
    "Article", "BadRecord", "BatchError", "CHUNK_SIZE", "ChunkResult", "DaskEngine",
    "EncodedChunk", "Engine", "GazetteerRef", "LocalEngine", "OUTPUT_FILES", "Progress",
    "RunFolder", "Source", "Summary", "analyze", "chunk_hash", "make_engine", "open_input",
    "process_chunk", "run", "run_chunk",
]
