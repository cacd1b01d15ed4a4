"""Parse speed: the 588 LGL articles with the full bundled gazetteer, on one core.

Prints articles/s and the process's peak memory, then times geotext (a benchmark-only
dependency: ``pip install geotext==0.4.0``) on the same texts and prints the ratio.

    python benchmarks/bench_parse.py [CORPUS.jsonl] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from geomap.parse import default_gazetteer, parse

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "lgl.jsonl"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = [json.loads(line)["text"] for line in open(args.corpus, encoding="utf-8")]
    chars = sum(map(len, texts))
    gaz = default_gazetteer()  # opening (and a first index build) is not timed
    start = time.perf_counter()
    for text in texts:  # cold: empty lookup caches
        parse(text, gazetteer=gaz)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            parse(text, gazetteer=gaz)
    warm = (time.perf_counter() - start) / args.repeat
    print(f"geomap   {len(texts)} articles, {chars / 1e6:.2f} M chars")
    print(
        f"geomap   cold {len(texts) / cold:,.0f} articles/s   warm {len(texts) / warm:,.0f} "
        f"articles/s   peak memory {peak_mb():,.0f} MB"
    )
    try:
        from geotext import GeoText
    except ImportError:
        print("geotext  not installed (pip install geotext==0.4.0): no comparison")
        return
    GeoText("warm up")
    start = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            GeoText(text)
    geotext = (time.perf_counter() - start) / args.repeat
    print(f"geotext  {len(texts) / geotext:,.0f} articles/s")
    print(f"ratio    geomap (warm) / geotext = {geotext / warm:.2f}")


if __name__ == "__main__":
    main()
