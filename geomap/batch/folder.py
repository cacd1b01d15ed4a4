"""The run folder: ``OUTDIR/.geomap-batch``, where a batch run keeps its manifest and one
result file per finished chunk.

A chunk file is named by the chunk's position and a hash of its articles
(:func:`~geomap.batch.work.chunk_hash`), and written atomically, so a rerun into the same
folder keeps every chunk whose articles are unchanged and runs the others. The manifest
names the input by its first record, the chunk size, the gazetteer index and geomap's
version: an input whose first record differs is another corpus, and is refused; so is a
folder of another layout (:data:`MANIFEST_VERSION`).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geomap import export
from geomap.batch.work import ChunkFile, ChunkOutcome, ChunkTarget, WrittenChunk, decode_chunk
from geomap.errors import BatchError
from geomap.files import atomic_write

#: Files a finished run leaves in the output folder.
OUTPUT_FILES = (
    "mentions.jsonl",
    "places.geojson",
    "locations.geojson",
    "claims.csv",
    "errors.jsonl",
    "map.html",
)
WORK_DIR = ".geomap-batch"
CHUNK_SUFFIX = ".chunk"
#: The run folder's layout: 2, claims with status and locations; 3, chunk files of a header,
#: the map's rows and the output lines (:func:`~geomap.batch.work.decode_chunk`), hashed
#: without JSON; 4, chunk files of places' totals and of location features.
MANIFEST_VERSION = 4


def manifest(*, input: str, first: str, chunk_size: int, gazetteer: str) -> dict[str, Any]:
    """What a run folder records of its run: the input's name, the hash of its first record
    (which identifies the corpus, so a grown or corrected input resumes its run), the chunk
    size, the gazetteer index's name and geomap's version."""
    from geomap import __version__

    return {
        "version": MANIFEST_VERSION,
        "input": input,
        "first": first,
        "chunk_size": chunk_size,
        "gazetteer": gazetteer,
        "geomap": __version__,
    }


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
                raise BatchError(
                    f"{outdir} holds other files ({strangers[0]}, ...) and no "
                    "geomap batch run; choose an empty or new folder"
                )
        self.chunks.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.work / "lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise BatchError(f"another geomap batch is writing to {outdir}") from None
        self._check_manifest()
        #: The finished chunks' file names, by chunk index.
        self.done: dict[int, str] = {}
        for path in self.chunks.iterdir():
            index = _chunk_index(path.name)
            if index is not None:
                self.done[index] = path.name

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
        if "version" in stored and stored["version"] != self.manifest["version"]:
            raise BatchError(
                f"{self.outdir} holds a run of another geomap version's batch layout "
                f"(layout {stored['version']!r}; this geomap writes layout "
                f"{self.manifest['version']}); {delete}"
            )
        if stored.get("first") != self.manifest["first"]:
            raise BatchError(
                f"{self.outdir} holds a run of a different input "
                f"({stored.get('input', '?')}); {delete}"
            )
        for key, what in (
            ("chunk_size", "--chunk-size"),
            ("gazetteer", "gazetteer"),
            ("geomap", "geomap version"),
        ):
            if stored.get(key) != self.manifest[key]:
                raise BatchError(
                    f"{self.outdir} holds a run made with another {what} "
                    f"({stored.get(key)!r}); {delete}"
                )
        # Same corpus and settings, read from another path: take over the run.
        atomic_write(path, (export.dumps(self.manifest) + "\n").encode())

    @staticmethod
    def chunk_name(index: int, digest: str) -> str:
        return f"{index:07d}-{digest}{CHUNK_SUFFIX}"

    def has(self, index: int, digest: str) -> bool:
        return self.done.get(index) == self.chunk_name(index, digest)

    def target(self, name: str) -> ChunkTarget:
        """Where a worker that sees this folder writes the chunk file ``name`` itself."""
        stat = self.chunks.stat()
        return ChunkTarget(str(self.chunks), stat.st_dev, stat.st_ino, name)

    def write(self, index: int, digest: str, chunk: ChunkOutcome) -> None:
        """Record a finished chunk: write its file, or check the one its worker wrote."""
        name = self.chunk_name(index, digest)
        stale = self.done.pop(index, None)
        if stale is not None and stale != name:
            (self.chunks / stale).unlink(missing_ok=True)
        if isinstance(chunk, WrittenChunk):
            path = self.chunks / name
            size = path.stat().st_size if path.exists() else None
            if size != chunk.size:
                found = "missing" if size is None else f"{size} bytes"
                raise BatchError(
                    f"chunk file {path} is {found} where its worker wrote {chunk.size} "
                    "bytes; run again"
                )
        else:
            # No fsync: a chunk file is whole or absent for any process, and one a machine
            # crash cut short fails decode_chunk's size check, which names it to be deleted
            # and rerun.
            atomic_write(self.chunks / name, chunk.data, fsync=False)
        self.done[index] = name

    def read(self, name: str, *, on_map: bool = True) -> ChunkFile:
        """A chunk file, with what only the corpus map needs when ``on_map``."""
        try:
            return decode_chunk((self.chunks / name).read_bytes(), on_map=on_map)
        except (OSError, ValueError) as err:
            raise self.unreadable(name, err) from None

    def unreadable(self, name: str, err: Exception) -> BatchError:
        """The error for the chunk file ``name``, found unreadable (``err``): to delete."""
        return BatchError(
            f"unreadable chunk file {self.chunks / name} ({err}); delete it and run again"
        )

    def prune(self, names: Iterable[str]) -> None:
        """Delete chunk files that are not among ``names`` (left by a longer input), and
        temporary files of writes that never finished."""
        keep = set(names)
        for path in sorted(self.chunks.iterdir()):
            if _chunk_index(path.name) is not None and path.name not in keep:
                path.unlink(missing_ok=True)
            elif path.name.startswith(".") and path.name.endswith(".tmp"):
                # Left by a worker killed while it wrote a chunk file.
                path.unlink(missing_ok=True)
        self.done = {index: name for index, name in self.done.items() if name in keep}

    def close(self) -> None:
        self._lock.close()


def _chunk_index(name: str) -> int | None:
    """The index of a chunk file's name (``0000012-<hash>.chunk``), None for other names."""
    index, dash, _ = name.partition("-")
    if not (dash and name.endswith(CHUNK_SUFFIX) and index.isdigit()):
        return None
    return int(index)
