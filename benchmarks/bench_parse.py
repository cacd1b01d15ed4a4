"""Parse speed: the 588 LGL articles with the full bundled gazetteer, on one core.

Prints articles/s and the process's peak memory, then times geotext (a benchmark-only
dependency: ``pip install geotext==0.4.0``) on the same texts and prints the ratio.
``--stages`` prints instead where a warm parse spends its time, in microseconds per article
(the stages of :func:`geomap.parse.parse`, timed one by one). ``--commands`` first sets the
garbage collector as geomap's commands and local batch workers run
(:func:`geomap.parse.collect_for_a_corpus`); without it, Python's defaults, as a program
calling ``geomap.parse`` has them.

    python benchmarks/bench_parse.py [CORPUS.jsonl] [--repeat N] [--stages] [--commands]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from geomap.claims import check_document, support_hook
from geomap.extract import extract
from geomap.parse import collect_for_a_corpus, default_gazetteer, parse
from geomap.records import Document
from geomap.resolve import resolve
from geomap.statements import find_claims
from geomap.text import split_sentences, to_plain

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "lgl.jsonl"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stages(texts: list[str], repeat: int) -> dict[str, float]:
    """CPU seconds per article spent in each stage of a warm parse (as :func:`parse` runs
    them): CPU time, so that other processes on a shared machine inflate it less."""
    gaz = default_gazetteer()
    spent = dict.fromkeys(("sentences", "extract", "statements", "resolve", "check"), 0.0)
    for run in range(repeat + 1):  # the first run warms the caches and is not counted
        for text in texts:
            t0 = time.process_time()
            plain = to_plain(text, "plain")
            sentences = split_sentences(plain)
            t1 = time.process_time()
            mentions = extract(plain, sentences, gaz)
            t2 = time.process_time()
            claims = find_claims(Document(plain, sentences, mentions))
            support = (
                support_hook(Document(plain, sentences, mentions), claims=claims)
                if claims
                else None
            )
            t3 = time.process_time()
            mentions = resolve(plain, sentences, mentions, gaz, claim_support=support)
            t4 = time.process_time()
            if claims:
                check_document(Document(plain, sentences, mentions), gaz)
            t5 = time.process_time()
            if run:
                for stage, (a, b) in zip(spent, ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5))):
                    spent[stage] += b - a
    return {stage: total / (repeat * len(texts)) for stage, total in spent.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stages", action="store_true", help="time each stage of a warm parse")
    ap.add_argument(
        "--commands",
        action="store_true",
        help="set the garbage collector as geomap's commands do (collect_for_a_corpus)",
    )
    args = ap.parse_args()
    if args.commands:
        collect_for_a_corpus()
    texts = [json.loads(line)["text"] for line in open(args.corpus, encoding="utf-8")]
    if args.stages:
        spent = stages(texts, args.repeat)
        for stage, seconds in spent.items():
            print(f"{stage:<11} {seconds * 1e6:6.0f} us/article")
        total = sum(spent.values())
        print(f"{'total':<11} {total * 1e6:6.0f} us/article ({1 / total:,.0f} articles/s)")
        return
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
    collector = "as geomap's commands set it" if args.commands else "Python's defaults"
    print(f"geomap   {len(texts)} articles, {chars / 1e6:.2f} M chars; collector: {collector}")
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
