"""The merge: a batch run's corpus files, written from its chunk files in input order.

The run adds each chunk as soon as every chunk before it is finished, so the merge goes on
while the workers work and little is left for the end. Each file is written whole to a
temporary name and renamed into place, so an interrupted merge leaves the previous files (or
none); the engine, the number of workers and interruptions change nothing in the bytes,
because only the chunk files, read in input order, are merged.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from geomap import export
from geomap.batch.folder import OUTPUT_FILES, RunFolder
from geomap.batch.work import LINE_FILES
from geomap.files import atomic_write
from geomap.gazetteer import Gazetteer


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


class Merge:
    """A merge under way: chunk files added in input order (:meth:`add`), their lines copied
    into temporary files beside the outputs and their rows tallied, so the merge runs while
    the workers do; :meth:`finish` puts the corpus files in place.

    Making one opens the temporary files; used as a context manager, leaving it unfinished
    (an error, Ctrl-C) deletes them and leaves the previous outputs (or none).
    """

    def __init__(self, folder: RunFolder, *, map_file: bool = True):
        self.folder = folder
        #: Whether the corpus map will be written (else its rows are not read).
        self.map_file = map_file
        self.tally = export.Tally()
        #: ``locations.geojson``'s features, in input order: each chunk's lines of them.
        self.locations: list[bytes] = []
        self.counts = {"articles": 0, "errors": 0, "mentions": 0, "claims": 0}
        self._temps = {name: folder.outdir / f".{name}.tmp" for name in LINE_FILES}
        self._files: dict[str, BinaryIO] = {}
        try:
            for name, temp in self._temps.items():
                self._files[name] = open(temp, "wb")
            self._files["claims.csv"].write(export.claims_header().encode())
        except BaseException:
            self.__exit__()
            raise

    def __enter__(self) -> Merge:
        return self

    def __exit__(self, *exc: object) -> None:
        for file in self._files.values():
            # Unfinished, the files are deleted: a failing flush (a full disk) must not hide
            # the error that ended the merge.
            with contextlib.suppress(OSError):
                file.close()
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)

    def _close(self) -> None:
        for file in self._files.values():
            file.close()

    def add(self, name: str) -> None:
        """The next chunk file, in input order."""
        chunk = self.folder.read(name, on_map=self.map_file)
        for line_file, lines in chunk.lines.items():
            self._files[line_file].write(lines)
        self.locations.append(chunk.locations)
        try:
            self.tally.add_totals(chunk.places, chunk.places_info)
        except (ValueError, TypeError, IndexError) as err:
            # The header's totals and the places' fields, read as they are needed.
            raise self.folder.unreadable(name, err) from None
        for rows in chunk.rows:
            self.tally.add_rows(rows)
        # The rows come without their mention lines, which were copied as bytes.
        self.tally.mentions += chunk.mentions
        self.counts["mentions"] += chunk.mentions
        self.counts["claims"] += chunk.claims
        self.counts["articles"] += chunk.articles
        self.counts["errors"] += chunk.errors

    def finish(
        self,
        *,
        skipped: int,
        gazetteer: Gazetteer | None = None,
        title: str = "",
    ) -> Summary:
        """Write the corpus files (:data:`~geomap.batch.folder.OUTPUT_FILES`) into the run
        folder's output folder from the chunks added; the map is titled ``title`` and names
        places from ``gazetteer``."""
        outputs = {name: self.folder.outdir / name for name in OUTPUT_FILES}
        self._close()
        for name, temp in self._temps.items():
            os.replace(temp, outputs[name])
        tally = self.tally
        atomic_write(
            outputs["places.geojson"], export.geojson_text(export.places_geojson(tally)).encode()
        )
        atomic_write(
            outputs["locations.geojson"],
            export.geojson_from_lines(b"".join(self.locations)),
        )
        kept = (
            "mentions.jsonl",
            "places.geojson",
            "locations.geojson",
            "claims.csv",
            "errors.jsonl",
        )
        written = [outputs[n] for n in kept]
        if self.map_file:
            from geomap.corpus_map import build_corpus_map
            from geomap.gazetteer import boundaries
            from geomap.render import save

            save(
                build_corpus_map(tally, boundaries=boundaries(), gazetteer=gazetteer, title=title),
                outputs["map.html"],
            )
            written.append(outputs["map.html"])
        return Summary(
            self.folder.outdir,
            self.counts["articles"],
            self.counts["errors"],
            skipped,
            self.counts["mentions"],
            len(tally.places),
            self.counts["claims"],
            tuple(written),
        )
