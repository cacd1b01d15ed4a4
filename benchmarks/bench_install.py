"""The first run after ``pip install``: wheel size, install time, first ``geomap map``.

    python benchmarks/bench_install.py [--runs 3] [--source CHECKOUT] [--online]

Builds a wheel of the checkout (the build hook compiles the bundled places into it), installs
it into a fresh virtual environment, then times ``geomap map -o map.html`` (the bundled
example article) with an empty cache folder, --runs times, and once more with the cache that
run left (a warm run). Offline by default: the new environment sees this one's installed
dependencies through a .pth file and pip reaches no index; --online installs them from the
package index as a user would (``python -m venv V && V/bin/pip install CHECKOUT``).
Target (issue 13): the first ``geomap map`` <= 3 s on a 2-core machine; wheel < 60 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list, **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to install")
    parser.add_argument(
        "--online", action="store_true", help="install the dependencies from the package index"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = folder / "venv"
        venv.create(env, with_pip=True)
        python = env / "bin" / "python"
        pip = [python, "-m", "pip", "--disable-pip-version-check"]
        if args.online:
            build = timed([*pip, "wheel", "--no-deps", "-w", folder / "wheel", args.source])
            wheel = next((folder / "wheel").glob("*.whl"))
            install = timed([*pip, "install", wheel])
        else:
            ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
            query = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
            theirs = subprocess.run(
                [python, "-c", query], capture_output=True, text=True, check=True
            ).stdout.strip()
            (Path(theirs) / "_bench_parent.pth").write_text("\n".join(sorted(ours)) + "\n")
            build = timed(
                [
                    *pip,
                    "wheel",
                    "--no-deps",
                    "--no-build-isolation",
                    "--no-index",
                    "-w",
                    folder / "wheel",
                    args.source,
                ]
            )
            wheel = next((folder / "wheel").glob("*.whl"))
            # --force-reinstall: a geomap already in the parent environment (seen through the
            # .pth) would otherwise count as installed, and the venv would get no `geomap`.
            install = timed(
                [*pip, "install", "--no-deps", "--no-index", "--force-reinstall", wheel]
            )
        run_env = {
            k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GEOMAP_GAZETTEER")
        }
        firsts = []
        for run in range(args.runs):
            run_env["GEOMAP_CACHE_DIR"] = str(folder / f"cache{run}")
            firsts.append(
                timed(
                    [env / "bin" / "geomap", "map", "-o", folder / "map.html"],
                    cwd=folder,
                    env=run_env,
                )
            )
        warm = timed(
            [env / "bin" / "geomap", "map", "-o", folder / "map.html"], cwd=folder, env=run_env
        )
        cached = (
            sorted(p.name for p in (folder / "cache0").glob("*.sqlite"))
            if (folder / "cache0").is_dir()
            else []
        )
        size = wheel.stat().st_size
    print(
        f"source: {args.source} ({'online' if args.online else 'offline'} install), "
        f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"wheel build      {build:8.1f} s")
    print(f"wheel size       {size / 1e6:8.1f} MB   (target < 60 MB)")
    print(f"install          {install:8.1f} s")
    print(
        f"first map        median {statistics.median(firsts):6.2f} s   runs "
        f"{', '.join(f'{f:.2f}' for f in firsts)}   (target <= 3 s)"
    )
    print(f"warm map         {warm:8.2f} s")
    print(f"indexes the first run left in the cache: {', '.join(cached) or 'none'}")


if __name__ == "__main__":
    main()
