"""Figures for the heavy rows of docs/bad-input.md: a 2,000,000-row gazetteer, a
1,000,000-line JSONL with 10 bad lines, and a 50 MB article, each run as the CLI runs.

Prints wall time and peak memory (the child process's maximum resident set) for each step:

    python benchmarks/bench_bad_input.py [--only gazetteer,jsonl,article] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,name,alternate_names,lat,lon,kind,country,admin1,population,source\n"
BAD_LINES = {17, 1_000, 99_999, 250_000, 500_001, 600_000, 777_777, 900_000, 999_998, 1_000_000}


def run(label: str, args: list, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``python -m geomap ARGS``; print its wall time and the peak resident memory of
    its largest process (workers included: wait4 reports the waited-for descendants too).
    Returns the exit code and stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "geomap", *map(str, args)],
            stdout=out,
            stderr=err,
            env={**os.environ, **(env or {})},
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    print(f"{label:<44} {seconds:8.1f} s   peak {usage.ru_maxrss / 1024:7.0f} MB   exit {code}")
    if code != 0:
        print(stderr[-2000:], file=sys.stderr)
    return code, stdout


def gazetteer(folder: Path) -> None:
    csv = folder / "two-million.csv"
    with open(csv, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(2_000_000):
            out.write(
                f"u:{i},Hamlet {i},Ham {i},{(i % 17_999) / 100 - 89.99:.2f},"
                f"{(i % 35_999) / 100 - 179.99:.2f},city,FR,,{i % 5000},test\n"
            )
    print(f"gazetteer: {csv.stat().st_size / 1e6:.0f} MB, 2,000,000 rows")
    cache = {"GEOMAP_CACHE_DIR": str(folder / "cache")}
    run("gazetteer validate", ["gazetteer", "validate", csv])
    run("bundled index build (checkout), lookup", ["gazetteer", "lookup", "Ramadi"], cache)
    run(
        "overlay build (2M rows), lookup",
        ["gazetteer", "lookup", "Hamlet 1999999", "--gazetteer", csv],
        cache,
    )
    run(
        "cached indexes, lookup",
        ["gazetteer", "lookup", "Hamlet 1999999", "--gazetteer", csv],
        cache,
    )


def jsonl(folder: Path, workers: int) -> None:
    path = folder / "million.jsonl"
    places = [
        "Ramadi",
        "Rawa",
        "Baghdad",
        "Mosul",
        "Aleppo",
        "Paris",
        "Lyon",
        "Nice",
        "Boston",
        "Denver",
    ]
    with open(path, "w", encoding="utf-8") as out:
        for line in range(1, 1_000_001):
            if line in BAD_LINES:
                out.write('{"id": "x", "text": broken\n')
            else:
                out.write(
                    json.dumps(
                        {
                            "id": f"a{line}",
                            "text": f"Rain fell on {places[line % 10]} on day {line}.",
                        }
                    )
                    + "\n"
                )
    print(f"jsonl: {path.stat().st_size / 1e6:.0f} MB, 1,000,000 lines, 10 bad")
    out = folder / "million-out"
    _, stdout = run(
        f"batch, {workers} workers, no map",
        ["batch", path, "-o", out, "--workers", workers, "--no-map"],
    )
    print("  " + stdout.splitlines()[0])
    errors = (out / "errors.jsonl").read_text().splitlines()
    print(
        f"  errors.jsonl: {len(errors)} lines, at lines "
        f"{sorted(json.loads(e)['line'] for e in errors)}"
    )


def article(folder: Path) -> None:
    one = (ROOT / "examples" / "al-qaim-husaybah-2017.txt").read_text(encoding="utf-8")
    one = one.rstrip("\n") + "\n\n"
    path = folder / "fifty.txt"
    copies = 50_000_000 // len(one.encode()) + 1
    path.write_text(one * copies, encoding="utf-8")
    print(f"article: {path.stat().st_size / 1e6:.1f} MB, the example {copies:,} times")
    _, stdout = run("extract --format csv", ["extract", path, "--format", "csv"])
    print(f"  {stdout.count(chr(10)) - 1:,} mentions")
    _, stdout = run("map", ["map", path, "-o", folder / "fifty.html"])
    print(f"  {stdout.strip()}; {(folder / 'fifty.html').stat().st_size / 1e6:.0f} MB page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="gazetteer,jsonl,article")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    steps = args.only.split(",")
    with tempfile.TemporaryDirectory(prefix="geomap-bad-input-") as tmp:
        folder = Path(tmp)
        if "jsonl" in steps:
            jsonl(folder, args.workers)
        if "gazetteer" in steps:
            gazetteer(folder)
        if "article" in steps:
            article(folder)


if __name__ == "__main__":
    main()
