"""Gazetteer figures: full index build, open, lookup per name, peak memory.

    python benchmarks/bench_gazetteer.py [--runs 3]

Each figure is the median of --runs runs; every build starts from an empty cache folder.
Targets (issue 2): build <= 60 s, open <= 50 ms, lookup <= 20 us per name, peak RSS of a
process that opens the index and looks up 10,000 names <= 150 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geomap.gazetteer import Gazetteer, bundled_files, ensure_index

LOOKUP_PROCESS = """
import json, sys, time
from geomap.gazetteer import Gazetteer
def peak_rss_mb():
    # VmHWM is this process's own peak; ru_maxrss would include the parent's across exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
names = json.loads(sys.stdin.read())
start = time.perf_counter()
gaz = Gazetteer.open(cache=sys.argv[1])
opened = time.perf_counter() - start
start = time.perf_counter()
found = sum(1 for name in names if gaz.lookup(name, limit=10))
looked = time.perf_counter() - start
print(json.dumps({"built": gaz.built, "open_s": opened, "lookup_s": looked, "found": found,
                  "rss_mb": peak_rss_mb()}))
"""


def sample_names(gaz: Gazetteer, count: int) -> list[str]:
    """Names as articles use them: mostly real place names, a fifth unknown words."""
    rng = random.Random(7)
    rows = gaz._db.execute("SELECT name FROM places").fetchall()
    names = [rng.choice(rows)[0] for _ in range(count * 4 // 5)]
    names += [f"Notaplace{rng.randrange(10**6)}" for _ in range(count - len(names))]
    rng.shuffle(names)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--names", type=int, default=10_000)
    args = parser.parse_args()
    files = bundled_files()
    builds, opens, lookups, rss = [], [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            start = time.perf_counter()
            ensure_index(files, directory=Path(cache))
            builds.append(time.perf_counter() - start)
            with Gazetteer.open(cache=cache) as gaz:
                names = sample_names(gaz, args.names)
            out = subprocess.run([sys.executable, "-c", LOOKUP_PROCESS, cache],
                                 input=json.dumps(names), capture_output=True, text=True,
                                 check=True).stdout
            figures = json.loads(out)
            assert not figures["built"], "the lookup process rebuilt the index"
            opens.append(figures["open_s"])
            lookups.append(figures["lookup_s"] / len(names))
            rss.append(figures["rss_mb"])
    print(f"files: {len(files)}, runs: {args.runs}, names looked up per run: {args.names:,}"
          f" ({figures['found']:,} found)")
    print(f"index build      median {statistics.median(builds):8.2f} s    "
          f"runs {', '.join(f'{b:.2f}' for b in builds)}   (target <= 60 s)")
    print(f"open             median {statistics.median(opens) * 1e3:8.2f} ms   "
          f"runs {', '.join(f'{o * 1e3:.2f}' for o in opens)}   (target <= 50 ms)")
    print(f"lookup per name  median {statistics.median(lookups) * 1e6:8.2f} us   "
          f"runs {', '.join(f'{x * 1e6:.2f}' for x in lookups)}   (target <= 20 us)")
    print(f"peak RSS         median {statistics.median(rss):8.1f} MB   "
          f"runs {', '.join(f'{r:.1f}' for r in rss)}   (target <= 150 MB)")


if __name__ == "__main__":
    main()
