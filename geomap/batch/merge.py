"""The merge: a batch run's corpus files, written from its chunk files in input order.

Each file is written whole to a temporary name and renamed into place, so an interrupted merge
leaves the previous files (or none); the engine, the number of workers and interruptions
change nothing in the bytes, because only the chunk files, read in input order, are merged.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from geomap import export, schema
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


def merge(
    folder: RunFolder,
    names: list[str],
    *,
    map_file: bool,
    skipped: int,
    gazetteer: Gazetteer | None = None,
    title: str = "",
) -> Summary:
    """Write the corpus files (:data:`~geomap.batch.folder.OUTPUT_FILES`) into the run
    folder's output folder from the chunk files ``names``, in that order; the map is
    titled ``title`` and names places from ``gazetteer``."""
    outputs = {name: folder.outdir / name for name in OUTPUT_FILES}
    tally = export.Tally()
    locations: list[dict] = []
    counts = _stream(folder, names, outputs, tally, locations)
    atomic_write(
        outputs["places.geojson"], export.geojson_text(export.places_geojson(tally)).encode()
    )
    atomic_write(
        outputs["locations.geojson"], export.geojson_text({"features": locations}).encode()
    )
    kept = ("mentions.jsonl", "places.geojson", "locations.geojson", "claims.csv", "errors.jsonl")
    written = [outputs[n] for n in kept]
    if map_file:
        from geomap.corpus_map import build_corpus_map
        from geomap.gazetteer import boundaries
        from geomap.render import save

        save(
            build_corpus_map(tally, boundaries=boundaries(), gazetteer=gazetteer, title=title),
            outputs["map.html"],
        )
        written.append(outputs["map.html"])
    return Summary(
        folder.outdir,
        counts["articles"],
        counts["errors"],
        skipped,
        counts["mentions"],
        len(tally.places),
        counts["claims"],
        tuple(written),
    )


def _stream(
    folder: RunFolder,
    names: list[str],
    outputs: dict[str, Path],
    tally: export.Tally,
    locations: list[dict],
) -> dict[str, int]:
    """Copy the chunks' mention, claim and error lines into their files (each replaced only
    once complete), adding the articles to ``tally`` and the located places to
    ``locations``; the counts of articles, errors, mentions and claims."""
    counts = {"articles": 0, "errors": 0, "mentions": 0, "claims": 0}
    temps = {name: folder.outdir / f".{name}.tmp" for name in LINE_FILES}
    try:
        with contextlib.ExitStack() as stack:
            files = {name: stack.enter_context(open(temp, "wb")) for name, temp in temps.items()}
            files["claims.csv"].write(export.claims_header().encode())
            for name in names:
                chunk = folder.read(name)
                for line_file, lines in chunk.lines.items():
                    files[line_file].write(lines)
                for rows in chunk.articles:
                    locations.extend(
                        schema.location_feature(json.loads(line)) for line in rows.locations
                    )
                    counts["claims"] += len(rows.claims)
                    tally.add(rows)
                # The rows come without their mention lines, which are copied as bytes.
                tally.mentions += chunk.mentions
                counts["mentions"] += chunk.mentions
                counts["articles"] += len(chunk.articles)
                counts["errors"] += chunk.errors
        for name, temp in temps.items():
            os.replace(temp, outputs[name])
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    return counts
