"""Throughput of ``geomap batch``: the local engine with 1 and 2 processes and the Dask
engine with 1 and 2 workers, on a corpus of LGL texts repeated to ``--articles``; the
median of ``--runs`` runs, the speed-up of 2 over 1, the peak resident memory of each
worker process (sampled every 0.2 s), the CPU time of the coordinating process (this one:
reading, hashing, writing and merging the chunks; with Dask, the scheduler too), which on a
machine of as many cores as workers comes out of the workers' time, and the workers' CPU
time per article (importing geomap and opening the gazetteer count). Wall-clock
rates need a quiet machine; the CPU times hold up under load.

``--ceiling`` first prints what this machine's cores give the work itself: the same articles
parsed by one process alone, then split between two independent processes started together
(no engine, no chunks, no merge), so an engine's speed-up can be read against it.

    python benchmarks/bench_batch.py --lgl /work/shared/eval/lgl.jsonl --articles 20000 --runs 3

LGL is not redistributed with geomap: point ``--lgl`` at a local copy.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from geomap import batch, inputs
from geomap.gazetteer import Gazetteer


def make_corpus(lgl: Path, n: int, target: Path) -> Path:
    texts = [json.loads(line) for line in lgl.read_text(encoding="utf-8").split("\n") if line]
    with open(target, "w", encoding="utf-8") as out:
        for i in range(n):
            src = texts[i % len(texts)]
            out.write(json.dumps({"id": f"{i}-{src['id']}", "text": src["text"]}) + "\n")
    return target


class MemorySampler(threading.Thread):
    """Peak RSS and CPU time of each worker process of an engine, sampled in the background
    (and once more by :meth:`sample` before the engine closes)."""

    def __init__(self, engine: batch.Engine):
        super().__init__(daemon=True)
        self.engine = engine
        self.peak: dict[int, int] = {}
        #: CPU seconds of each worker process since it started, at its last sample.
        self.worker_cpu: dict[int, float] = {}
        self.stopping = threading.Event()
        #: CPU seconds this thread used (not the coordinator's work).
        self.cpu = 0.0

    def sample(self) -> None:
        for pid in self.engine.pids():
            try:
                with (process := psutil.Process(pid)).oneshot():
                    rss = process.memory_info().rss
                    times = process.cpu_times()
            except psutil.Error:
                continue
            self.peak[pid] = max(self.peak.get(pid, 0), rss)
            self.worker_cpu[pid] = times.user + times.system

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            self.sample()
        self.cpu = time.thread_time()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_run(
    corpus: Path, engine_name: str, workers: int, gazetteer: Gazetteer, chunk_size: int
) -> tuple[float, int, float, float]:
    """Articles per second, the largest worker's peak RSS, the coordinator's CPU seconds,
    the workers' CPU seconds per article (from the run's start: importing geomap and opening
    the gazetteer count)."""
    engine = batch.make_engine(engine_name, workers=workers)
    sampler = MemorySampler(engine)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            sampler.sample()
            before = sum(sampler.worker_cpu.values())  # a Dask cluster's workers are up
            sampler.start()
            cpu = _cpu()
            start = time.perf_counter()
            summary = batch.run(
                inputs.open_input(corpus),
                Path(tmp) / "out",
                gazetteer=gazetteer,
                engine=engine,
                chunk_size=chunk_size,
                map_file=False,
            )
            elapsed = time.perf_counter() - start
            cpu = _cpu() - cpu
        finally:
            sampler.stopping.set()
            sampler.join()
            sampler.sample()
            engine.close()
    done = summary.articles + summary.errors
    assert done > 0
    peak = max(sampler.peak.values(), default=0)
    workers_cpu = sum(sampler.worker_cpu.values()) - before
    return done / elapsed, peak, cpu - sampler.cpu, workers_cpu / done


def _parse_all(corpus: Path, part: int, parts: int, ready: Any) -> None:
    """Parse every ``parts``-th article of ``corpus`` from number ``part`` on (a process of
    the ceiling run), once every process is ready (``ready``: a barrier)."""
    from geomap.parse import parse

    gazetteer = Gazetteer.open()
    lines = corpus.read_text(encoding="utf-8").splitlines()[part::parts]
    ready.wait()
    for line in lines:
        parse(json.loads(line)["text"], gazetteer=gazetteer)


def ceiling(corpus: Path, processes: int) -> float:
    """Seconds for ``processes`` independent processes to parse the corpus between them,
    timed from when all have imported geomap and opened the gazetteer."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(processes + 1)
    workers = [
        context.Process(target=_parse_all, args=(corpus, i, processes, ready))
        for i in range(processes)
    ]
    for w in workers:
        w.start()
    ready.wait()  # imports and opening are not timed
    began = time.perf_counter()
    for w in workers:
        w.join()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lgl", type=Path, default=Path("/work/shared/eval/lgl.jsonl"))
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=batch.CHUNK_SIZE)
    parser.add_argument(
        "--engines", nargs="+", default=["local", "dask"], choices=["local", "dask"]
    )
    parser.add_argument(
        "--ceiling", action="store_true", help="first time 1 and 2 bare parsing processes"
    )
    args = parser.parse_args()
    gazetteer = Gazetteer.open()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = make_corpus(args.lgl, args.articles, Path(tmp) / "corpus.jsonl")
        print(
            f"{args.articles:,} articles, chunks of {args.chunk_size}, "
            f"median of {args.runs} runs, {psutil.cpu_count()} cores"
        )
        if args.ceiling:
            one = statistics.median(ceiling(corpus, 1) for _ in range(args.runs))
            two = statistics.median(ceiling(corpus, 2) for _ in range(args.runs))
            print(
                f"bare   1 process {args.articles / one:8.1f} articles/s, 2 processes "
                f"{args.articles / two:8.1f} articles/s: speed-up {one / two:.2f}x",
                flush=True,
            )
        rates: dict[tuple[str, int], float] = {}
        for engine in args.engines:
            for workers in (1, 2):
                results = [
                    one_run(corpus, engine, workers, gazetteer, args.chunk_size)
                    for _ in range(args.runs)
                ]
                rate = statistics.median(r[0] for r in results)
                peak = max(r[1] for r in results)
                cpu = statistics.median(r[2] for r in results)
                per_article = statistics.median(r[3] for r in results)
                rates[engine, workers] = rate
                print(
                    f"{engine:<6} {workers} worker{'s' if workers > 1 else ' '}  "
                    f"{rate:8.1f} articles/s   peak {peak / 2**20:6.0f} MiB per worker   "
                    f"coordinator CPU {cpu:5.2f} s   workers' CPU "
                    f"{per_article * 1e6:5.0f} us/article",
                    flush=True,
                )
            print(
                f"{engine:<6} speed-up 2 / 1: {rates[engine, 2] / rates[engine, 1]:.2f}x",
                flush=True,
            )


if __name__ == "__main__":
    main()
