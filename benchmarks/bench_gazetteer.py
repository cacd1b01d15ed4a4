"""Gazetteer figures: bundled index build, overlay builds, open, lookup per name, size, memory.

    python benchmarks/bench_gazetteer.py [--runs 3]

Each figure is the median of --runs runs. Every bundled build starts from an empty cache
folder (what an editable install or a checkout does on first use; an installed wheel brings
the index built). The overlays are built on that bundled index from user files of 1 and
10,000 rows; "edit -> lookup" is the wall time of ``python -m geomap gazetteer lookup NAME
--gazetteer mine.csv`` after a row was appended to a 1-row mine.csv (the overlay rebuilt, the
bundled index reused). The first run after ``pip install`` is measured by bench_install.py.
Targets (issues 2 and 13): build <= 60 s, overlay well under 1 s, edit -> lookup <= 1 s,
open <= 50 ms, lookup <= 20 us per name, peak RSS of a process that opens the index and
looks up 10,000 names <= 150 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geomap.gazetteer import ALL_COLUMNS, USER, Gazetteer, bundled_files, ensure_index

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
gaz = Gazetteer.open(sys.argv[2:], cache=sys.argv[1], use_env=False)
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


def user_file(path: Path, rows: int) -> Path:
    """A user CSV of new places, a tenth of them replacing bundled ones' ids."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(",".join(ALL_COLUMNS[:10]) + "\n")
        for i in range(rows):
            pid = f"gn:{98717 + i}" if i % 10 == 9 else f"me:{i}"
            out.write(
                f"{pid},Outpost {i},Post {i},{(i % 170) - 85}.5,{(i % 350) - 175}.5,"
                f"base,IQ,,{i},bench\n"
            )
    return path


def lookups(cache: str, names: list[str], extra: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", LOOKUP_PROCESS, cache, *extra],
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out)
    assert not figures["built"], "the lookup process rebuilt an index"
    return figures


def edit_then_lookup(cache: str, folder: Path) -> float:
    """Wall time of the CLI lookup right after a row is appended to a 1-row user file."""
    mine = user_file(folder / "mine.csv", 1)
    env = {**os.environ, "GEOMAP_CACHE_DIR": cache}
    env.pop("GEOMAP_GAZETTEER", None)

    def command(name: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "geomap",
            "gazetteer",
            "lookup",
            name,
            "--gazetteer",
            str(mine),
        ]

    subprocess.run(command("Outpost 0"), env=env, capture_output=True, check=True)
    with open(mine, "a", encoding="utf-8") as out:
        out.write("me:fresh,Fresh Camp,,33.1,41.2,base,IQ,,0,bench\n")
    start = time.perf_counter()
    result = subprocess.run(
        command("Fresh Camp"), env=env, capture_output=True, text=True, check=True
    )
    took = time.perf_counter() - start
    assert result.stdout.startswith("Fresh Camp"), result.stdout
    return took


def line(label: str, values: list[float], unit: str, scale: float, target: str = "") -> str:
    runs = ", ".join(f"{v * scale:.2f}" for v in values)
    return f"{label:<26} median {statistics.median(values) * scale:8.2f} {unit:<3} runs {runs}" + (
        f"   (target {target})" if target else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--names", type=int, default=10_000)
    args = parser.parse_args()
    files = bundled_files()
    fig: dict[str, list[float]] = {
        k: []
        for k in (
            "build",
            "overlay1",
            "overlay10k",
            "edit",
            "open",
            "lookup",
            "lookup10k",
            "rss",
            "size",
            "size1",
            "size10k",
        )
    }
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            folder = Path(cache)
            start = time.perf_counter()
            bundled, _ = ensure_index(files, directory=folder)
            fig["build"].append(time.perf_counter() - start)
            fig["size"].append(bundled.stat().st_size)
            for rows, key in ((1, "1"), (10_000, "10k")):
                csv = user_file(folder / f"user{rows}.csv", rows)
                start = time.perf_counter()
                overlay, built = ensure_index([csv], family=USER, base=bundled, directory=folder)
                fig[f"overlay{key}"].append(time.perf_counter() - start)
                fig[f"size{key}"].append(overlay.stat().st_size)
                assert built
            with Gazetteer.open(cache=cache, use_env=False) as gaz:
                names = sample_names(gaz, args.names)
            figures = lookups(cache, names, [])
            fig["open"].append(figures["open_s"])
            fig["lookup"].append(figures["lookup_s"] / len(names))
            fig["rss"].append(figures["rss_mb"])
            with_overlay = lookups(cache, names, [str(folder / "user10000.csv")])
            fig["lookup10k"].append(with_overlay["lookup_s"] / len(names))
            fig["edit"].append(edit_then_lookup(cache, folder))
    print(
        f"files: {len(files)}, runs: {args.runs}, names looked up per run: {args.names:,}"
        f" ({figures['found']:,} found)"
    )
    print(line("bundled index build", fig["build"], "s", 1, "<= 60 s"))
    print(line("overlay build, 1 row", fig["overlay1"], "ms", 1e3, "well under 1 s"))
    print(line("overlay build, 10k rows", fig["overlay10k"], "ms", 1e3))
    print(line("edit -> CLI lookup", fig["edit"], "s", 1, "<= 1 s"))
    print(line("open", fig["open"], "ms", 1e3, "<= 50 ms"))
    print(line("lookup per name", fig["lookup"], "us", 1e6, "<= 20 us"))
    print(line("  with a 10k-row overlay", fig["lookup10k"], "us", 1e6))
    print(line("bundled index size", fig["size"], "MB", 1e-6))
    print(line("overlay size, 1 row", fig["size1"], "KB", 1e-3))
    print(line("overlay size, 10k rows", fig["size10k"], "MB", 1e-6))
    print(line("peak RSS", fig["rss"], "MB", 1, "<= 150 MB"))


if __name__ == "__main__":
    main()
