"""Command latency: what a user waits for at the terminal, each command a fresh process.

Times, as the median of ``--runs`` runs, ``import geomap`` (measured inside the child, so
the interpreter's own start is left out), ``geomap map`` and ``geomap check`` and ``geomap
extract`` on the founding article, with the gazetteer index already built (a first run
builds it and is not counted), and with the modules' bytecode cached as an installed
package has it (in a temporary ``PYTHONPYCACHEPREFIX``, whatever PYTHONDONTWRITEBYTECODE
says). Prints the wall time, the CPU time (steadier on a shared machine) and the peak
resident memory (max RSS of the child) of each. Targets (issue 16): import <= 150 ms,
map <= 0.8 s and <= 120 MB, check <= 0.4 s.

    python benchmarks/bench_commands.py [--runs 3] [ARTICLE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "al-qaim-husaybah-2017.txt"
IMPORT = "import time; t = time.perf_counter(); import geomap; print(time.perf_counter() - t)"


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str, float]:
    """Wall seconds, peak RSS in MB, stdout and CPU seconds (user and system) of one child
    process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = child.stdout.read().decode() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited with {child.returncode}")
    return wall, usage.ru_maxrss / 1024, out, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, default=EXAMPLE)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    py = [sys.executable]
    with tempfile.TemporaryDirectory() as tmp:
        page = str(Path(tmp) / "map.html")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        commands = {
            "map": py + ["-m", "geomap", "map", str(args.article), "-o", page],
            "check": py + ["-m", "geomap", "check", str(args.article)],
            "extract": py + ["-m", "geomap", "extract", str(args.article)],
        }
        for argv in commands.values():  # builds the index and the bytecode; not counted
            run(argv, env)
        print(f"median of {args.runs} runs; load average {os.getloadavg()[0]:.2f}")
        inside = [float(run(py + ["-c", IMPORT], env)[2]) for _ in range(args.runs)]
        print(f"{'import geomap':<14} {statistics.median(inside) * 1000:6.0f} ms (in the process)")
        for name, argv in commands.items():
            results = [run(argv, env) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in results)
            rss = max(r[1] for r in results)
            cpu = statistics.median(r[3] for r in results)
            print(
                f"{'geomap ' + name:<14} {wall * 1000:6.0f} ms wall   {cpu * 1000:6.0f} ms CPU   "
                f"peak {rss:5.0f} MB"
            )


if __name__ == "__main__":
    main()
