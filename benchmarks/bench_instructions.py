"""Instructions per article of each stage of a warm parse, counted by callgrind: a figure
that other processes on a shared machine do not change, where ``bench_parse.py --stages``
(CPU time) moves by a third with the load. Use it to compare two trees, or the pure and the
compiled build, one change at a time; quote times from bench_parse on a quiet machine.

Needs valgrind (Debian: ``apt install valgrind``). The script runs itself under callgrind
with counting off, parses the corpus once to warm every cache, then runs each stage over the
whole corpus again with counting on for that stage alone (switched by ``callgrind_control``
from this process, outside valgrind). Takes a few minutes: callgrind runs Python some 50
times slower.

It prints, per article of the corpus, the thousands of instructions each stage ran, garbage
collections left out, then a ``gc`` line: the instructions of every collection that fired
while a stage was counted (CPython's ``gc_collect_main``, with all it calls, finalizers
included), and how many fired in each stage. A collection fires when allocations since the
last one pass a threshold, so which stage pays for it, and whether an old generation is
walked then, depends on the stages before it: charged to the stage it fired in, it moved a
stage's figure by a tenth with no change in that stage. The ``total`` line counts everything,
collections included, as it did before the ``gc`` line was split out. The child runs with
``PYTHONHASHSEED=0`` unless the variable is set (string hashes order sets and place dict
collisions, so a random seed moves the figures a little from run to run).

    python benchmarks/bench_instructions.py [CORPUS.jsonl] [--limit N]
    PYTHONPATH=/path/to/tree python benchmarks/bench_instructions.py ...   # another tree
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "lgl.jsonl"
STAGES = ("sentences", "extract", "statements", "resolve", "check")
_CHILD = "GEOMAP_BENCH_INSTRUCTIONS_DIR"
#: The function of CPython's cyclic collector that one collection runs (Python 3.8 to 3.12).
_GC = "gc_collect_main"


def _wait_for(path: Path, child: subprocess.Popen | None = None) -> None:
    while not path.exists():
        if child is not None and child.poll() is not None:
            sys.exit(f"the parse under callgrind stopped early (exit {child.returncode})")
        time.sleep(0.02)


def _in_callgrind(corpus: str, limit: int | None, flags: Path) -> None:
    """The child, under callgrind: each stage over every text, counted alone. Counting is
    switched on and off by the parent; this process only says where it stands (files in
    ``flags``) and waits in short sleeps, which let valgrind take the parent's commands."""
    from geomap.claims import check_document, support_hook
    from geomap.extract import extract
    from geomap.parse import default_gazetteer
    from geomap.records import Document
    from geomap.resolve import resolve
    from geomap.statements import find_claims
    from geomap.text import split_sentences, to_plain

    texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8")][:limit]
    gaz = default_gazetteer()
    plains = [to_plain(text, "plain") for text in texts]
    splits = [split_sentences(plain) for plain in plains]
    found = [extract(p, s, gaz) for p, s in zip(plains, splits)]
    claims = [find_claims(Document(p, s, m)) for p, s, m in zip(plains, splits, found)]
    supports = [
        support_hook(Document(p, s, m), claims=c) if c else None
        for p, s, m, c in zip(plains, splits, found, claims)
    ]
    resolved = [
        resolve(p, s, m, gaz, claim_support=h)
        for p, s, m, h in zip(plains, splits, found, supports)
    ]
    runs = {
        "sentences": lambda: [split_sentences(to_plain(t, "plain")) for t in texts],
        "extract": lambda: [extract(p, s, gaz) for p, s in zip(plains, splits)],
        "statements": lambda: [
            support_hook(Document(p, s, m), claims=c)
            if (c := find_claims(Document(p, s, m)))
            else None
            for p, s, m in zip(plains, splits, found)
        ],
        "resolve": lambda: [
            resolve(p, s, m, gaz, claim_support=h)
            for p, s, m, h in zip(plains, splits, found, supports)
        ],
        "check": lambda: [
            check_document(Document(p, s, r), gaz)
            for p, s, r, c in zip(plains, splits, resolved, claims)
            if c
        ],
    }
    for stage in STAGES:
        runs[stage]()  # once more uncounted: the stage's own caches are warm
        # Written whole, then named: the parent reads the pid as soon as the name is there.
        (flags / "pid").write_text(str(os.getpid()))
        (flags / "pid").rename(flags / f"{stage}.ready")
        _wait_for(flags / f"{stage}.go")
        runs[stage]()
        (flags / f"{stage}.done").touch()
        _wait_for(flags / f"{stage}.counted")
    (flags / "count").write_text(str(len(texts)))


def _control(flags: Path, pid: str, *args: str) -> None:
    subprocess.run(
        ["callgrind_control", f"--vgdb-prefix={flags / 'vgdb'}", *args, pid],
        check=True,
        capture_output=True,
    )


def _collections(dump: Path) -> tuple[int, int]:
    """The instructions that calls to :data:`_GC` ran in a callgrind dump, inclusive of what
    they called, and the number of those calls. Needs ``--compress-strings=no``: each
    ``calls=`` line follows a ``cfn=`` line naming the function called and precedes a cost
    line whose second field holds the call's inclusive cost."""
    caller = callee = ""
    cost = calls = 0
    take = False
    with dump.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if take:
                fields = line.split()
                cost += int(fields[1]) if len(fields) > 1 else 0
                take = False
            elif line.startswith("fn="):
                caller = line[3:].strip()
            elif line.startswith("cfn="):
                callee = line[4:].strip()
            elif line.startswith("calls=") and callee == _GC and caller != _GC:
                calls += int(line[6:].split()[0])
                take = True
    return cost, calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = ap.parse_args()
    if os.environ.get(_CHILD):
        _in_callgrind(args.corpus, args.limit, Path(os.environ[_CHILD]))
        return
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        sys.exit("bench_instructions needs valgrind (apt install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        flags = Path(tmp)
        out = flags / "callgrind.out"
        child = subprocess.Popen(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                "--compress-strings=no",  # function names in full, for _collections
                # A private channel: a callgrind_control given no pid (another run's, say)
                # reaches every callgrind on the machine, and would switch this one's counting.
                f"--vgdb-prefix={flags / 'vgdb'}",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                *sys.argv[1:],
            ],
            env={"PYTHONHASHSEED": "0", **os.environ, _CHILD: tmp},
            stderr=subprocess.DEVNULL,
        )
        counts: dict[str, int] = {}
        collected: dict[str, tuple[int, int]] = {}
        for stage in STAGES:
            ready = flags / f"{stage}.ready"
            _wait_for(ready, child)
            pid = ready.read_text()
            _control(flags, pid, "--instr=on")
            (flags / f"{stage}.go").touch()
            _wait_for(flags / f"{stage}.done", child)
            _control(flags, pid, "--instr=off")
            _control(flags, pid, f"--dump={stage}")
            (flags / f"{stage}.counted").touch()
        child.wait()
        # One dump file per stage, in order; each counts since the one before.
        dumps = sorted(flags.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
        for stage, dump in zip(STAGES, dumps):
            totals = re.search(r"^totals: (\d+)", dump.read_text(), re.M)
            counts[stage] = int(totals.group(1)) if totals else 0
            collected[stage] = _collections(dump)
        articles = int((flags / "count").read_text())
    gc_cost = sum(cost for cost, _ in collected.values())
    for stage, count in counts.items():
        own = (count - collected[stage][0]) / articles / 1e3
        print(f"{stage:<11} {own:8,.0f}k instructions/article")
    fired = ", ".join(f"{stage} {calls}" for stage, (_, calls) in collected.items())
    gc_line = f"{gc_cost / articles / 1e3:8,.0f}k instructions/article"
    print(f"{'gc':<11} {gc_line} (collections: {fired})")
    print(f"{'total':<11} {sum(counts.values()) / articles / 1e3:8,.0f}k instructions/article")


if __name__ == "__main__":
    main()
