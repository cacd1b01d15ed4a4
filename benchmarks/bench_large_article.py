"""One very large article: time and peak memory of ``geomap extract`` as the article grows.

Builds articles of the given sizes from the LGL texts (or the bundled example when the corpus
is absent) joined as paragraphs, runs ``geomap extract FILE --format jsonl`` on each in a
child process, and prints its wall time, peak memory (max RSS) and output size. Memory that
grows with the article's size, not faster, is what "bounded" means here: a Document holds
every sentence and mention of the article.

    python benchmarks/bench_large_article.py [--sizes 5,10,25,50] [--corpus CORPUS.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "lgl.jsonl"
EXAMPLE = ROOT / "examples" / "al-qaim-husaybah-2017.txt"


def texts(corpus: Path) -> list[str]:
    if corpus.is_file():
        return [
            json.loads(line)["text"]
            for line in corpus.read_text("utf-8").split("\n")
            if line.strip()
        ]
    return [EXAMPLE.read_text("utf-8")]


def write_article(path: Path, parts: list[str], megabytes: float) -> int:
    target = int(megabytes * 1_000_000)
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < target:
            for part in parts:
                chunk = part.strip() + "\n\n"
                out.write(chunk)
                written += len(chunk.encode("utf-8"))
                if written >= target:
                    break
    return written


def run(path: Path) -> tuple[float, float, int, int]:
    """Wall seconds, peak MB, output bytes and mention count of one extract run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        subprocess.run(
            [sys.executable, "-m", "geomap", "extract", str(path), "--format", "json"],
            stdout=out,
            check=True,
        )
        seconds = time.perf_counter() - start
        size = out.tell()
        out.seek(0)
        mentions = len(json.load(out)["mentions"])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("  (peak memory of this child not above an earlier one's: run sizes ascending)")
    return seconds, peak / 1024, size, mentions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,10,25,50", help="article sizes in MB, ascending")
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    args = ap.parse_args()
    parts = texts(args.corpus)
    with tempfile.TemporaryDirectory(prefix="geomap-large-") as tmp:
        for size in (float(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"article-{size:g}mb.txt"
            written = write_article(path, parts, size)
            seconds, peak, out_bytes, mentions = run(path)
            print(
                f"{written / 1e6:6.1f} MB article: {seconds:7.1f} s, peak memory "
                f"{peak:7,.0f} MB ({peak / (written / 1e6):5.1f} MB per MB of text), "
                f"{mentions:,} mentions, {out_bytes / 1e6:.1f} MB of JSON"
            )
            os.unlink(path)


if __name__ == "__main__":
    main()
