"""The run folder: ``OUTDIR/.geomap-batch``, where a batch run keeps its manifest and one
result file per finished chunk.

A chunk file is named by the chunk's position and a hash of its articles
(:func:`~geomap.batch.work.chunk_hash`), and written atomically, so a rerun into the same
folder keeps every chunk whose articles are unchanged and runs the others. The manifest
names the input by its first record, the chunk size, the gazetteer index and geomap's
version: an input whose first record differs is another corpus, and is refused.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geomap import export
from geomap.batch.work import ChunkResult, EncodedChunk, rows_from_json
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
MANIFEST_VERSION = 2  # 2: claims with status and locations


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
            raise BatchError(
                f"unreadable chunk file {self.chunks / name} ({err}); delete it and run again"
            ) from None
        return ChunkResult(
            tuple(rows_from_json(a) for a in data["articles"]), tuple(data["errors"])
        )

    def prune(self, names: Iterable[str]) -> None:
        """Delete chunk files that are not among ``names`` (left by a longer input)."""
        keep = set(names)
        for stale in sorted(self.done - keep):
            (self.chunks / stale).unlink(missing_ok=True)
        self.done &= keep

    def close(self) -> None:
        self._lock.close()
