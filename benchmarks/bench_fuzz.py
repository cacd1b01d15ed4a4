"""Fuzzing at scale: the properties of tests/test_properties.py over 100,000 generated examples.

Each property runs under hypothesis for its share of ``--examples`` (the map's share is small:
a page takes tens of milliseconds to write). Prints the examples run per property, the total
and the wall time, and every failure with its falsifying example; exits 1 on a failure.

    python benchmarks/bench_fuzz.py [--examples 100000] [--seed 0] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import test_properties as props  # noqa: E402 (found through the path set above)

from geomap.gazetteer import Gazetteer  # noqa: E402
from geomap.parse import default_gazetteer  # noqa: E402


@dataclass(frozen=True)
class Property:
    """A property of tests/test_properties.py: its strategy, its check, its share of examples."""

    name: str
    share: float
    strategy: st.SearchStrategy
    check: Callable[[Any], None]


def properties(folder: Path) -> list[Property]:
    """The properties, with the gazetteers and scratch folder their checks need."""
    full = default_gazetteer()  # opening (and a first index build) is not timed
    (folder / "claims").mkdir()
    rows = props.GazetteerFile(tuple(row for _, row in props.CLAIM_PLACES))
    rows.write(folder / "claims" / "g.csv")
    small = Gazetteer.open(
        [folder / "claims" / "g.csv"],
        bundled=False,
        use_env=False,
        cache=folder / "claims" / "cache",
    )
    return [
        Property(
            "parse random text", 0.28, props.texts, lambda text: props.check_parse(full, text)
        ),
        Property(
            "parse markup",
            0.15,
            st.tuples(props.mixed_texts, props.formats),
            lambda case: props.check_parse(full, *case),
        ),
        Property(
            "parse articles", 0.02, props.news_articles, lambda text: props.check_parse(full, text)
        ),
        Property(
            "gazetteer rows",
            0.10,
            props.gazetteer_files,
            lambda file: props.check_gazetteer_file(file, folder),
        ),
        Property(
            "distance sentence",
            0.22,
            props.distance_sentences(),
            lambda case: props.check_distance_sentence(small, case),
        ),
        Property(
            "distance word salad",
            0.22,
            props.distance_word_salad,
            lambda text: props.check_distance_text(small, text),
        ),
        Property(
            "map page", 0.01, props.map_inputs, lambda case: props.check_map(full, case, folder)
        ),
    ]


def run(prop: Property, examples: int, random_seed: int) -> tuple[int, BaseException | None]:
    """Run one property for ``examples`` examples: (checks run, failure or None). After a
    failure the count includes the checks hypothesis ran to shrink it."""
    count = 0

    def body(example: Any) -> None:
        nonlocal count
        count += 1
        prop.check(example)

    test = seed(random_seed)(
        settings(
            max_examples=examples,
            deadline=None,
            database=None,
            print_blob=True,
            suppress_health_check=list(HealthCheck),
        )(given(prop.strategy)(body))
    )
    try:
        test()
    except Exception as err:  # noqa: BLE001 (the property's failure, shrunk)
        return count, err
    return count, None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=100_000, help="total over all properties")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="+", metavar="NAME", help="properties whose name has NAME")
    args = ap.parse_args()
    failures = []
    total = 0
    with tempfile.TemporaryDirectory(prefix="geomap-fuzz-") as tmp:
        chosen = [
            p for p in properties(Path(tmp)) if not args.only or any(n in p.name for n in args.only)
        ]
        shares = sum(p.share for p in chosen)
        start = time.perf_counter()
        for prop in chosen:
            examples = max(1, round(args.examples * prop.share / shares))
            began = time.perf_counter()
            count, failure = run(prop, examples, args.seed)
            seconds = time.perf_counter() - began
            total += count
            status = "ok" if failure is None else "FAILED"
            print(
                f"{prop.name:<22} {count:>8,} examples {seconds:>8.1f} s "
                f"{count / seconds:>8,.0f}/s  {status}",
                flush=True,
            )
            if failure is not None:
                failures.append((prop.name, failure))
        wall = time.perf_counter() - start
    print(
        f"{'total':<22} {total:>8,} examples {wall:>8.1f} s {total / wall:>8,.0f}/s  "
        f"{len(failures)} failed"
    )
    for name, failure in failures:
        print(f"\n--- {name}: falsifying example and traceback")
        print("".join(traceback.format_exception(failure)), end="")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
