"""Engines: where a batch run's chunks are processed.

An engine takes ``(index, chunk)`` tasks and yields ``(index, ChunkOutcome)`` as chunks
finish, in any order (the run folder puts them back in input order): the bytes of a chunk's
file, or word that its worker wrote the file itself (at ``targets(index)``, when it sees the
run folder). ``local`` runs a
:class:`~concurrent.futures.ProcessPoolExecutor` on this machine's cores; ``dask`` submits the
same chunks to a ``dask.distributed`` cluster, an existing scheduler or a ``LocalCluster``
started for the run. Both run :func:`~geomap.batch.work.run_packed`, so both write the same
bytes; both survive a worker process that dies.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import signal
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from geomap.batch.work import (
    MAX_TRIES,
    ChunkOutcome,
    ChunkTarget,
    GazetteerRef,
    Task,
    failed_chunk,
    pack,
    run_packed,
    run_packed_chunks,
)
from geomap.errors import BatchError
from geomap.inputs import Chunk
from geomap.parse import collect_for_a_corpus

DASK_HINT = "the dask engine needs Dask: pip install 'geomap[dask]'"
#: Dask settings for the ``LocalCluster`` the dask engine starts (a cluster joined with
#: ``--scheduler`` keeps its own). Its scheduler and the workers' nannies run in this process,
#: and on a machine of as many cores as workers every CPU second they or a worker's event
#: loop take comes out of the parsing. Dask's own test settings and slower monitors: no
#: sampling of a worker's stack every 10 ms for the dashboard's profile (there is no
#: dashboard without bokeh, and none is shown), the event loop's tick every 0.5 s not
#: 20 ms, each server's system monitor every 2 s (not 0.5 s) without disk counters, each
#: nanny's and worker's memory check every 0.5 s (not 0.1 s). On 6,000 LGL articles, 2
#: workers, they took ~1.5 s of the workers' CPU and ~0.6 s of this process's.
DASK_LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.worker.memory.monitor-interval": "500ms",
}
#: Chunks a Dask task carries (but for the last chunks, see :func:`_groups`): each task
#: costs the scheduler, the client and the worker's event loop some milliseconds of CPU,
#: which, with as many cores as workers, come out of the parsing. On 20,000 LGL articles
#: with 2 workers this process took 0.42-0.51 s of CPU at 8 chunks a task, 0.55-0.91 s at 4.
DASK_CHUNKS_PER_TASK = 8
_DIED = f"a worker process died on this chunk {MAX_TRIES} times"


class Engine(Protocol):
    """Runs :func:`run_chunk` on chunks, yielding ``(index, result)`` as they finish; a
    worker writes chunk ``index``'s file to ``targets(index)`` when it sees it."""

    name: str

    def map_chunks(
        self,
        tasks: Iterator[Task],
        gazetteer: GazetteerRef,
        targets: Callable[[int], ChunkTarget] | None = None,
    ) -> Iterator[tuple[int, ChunkOutcome]]: ...

    def pids(self) -> list[int]: ...

    def close(self) -> None: ...


def _start_worker() -> None:
    """A local worker's initializer. Ctrl-C reaches the whole process group, and the parent
    decides what to do: the worker started with SIGINT blocked (see :func:`_sigint_held`);
    ignoring it discards one that came while the worker was starting. The process is
    geomap's: its collector is set for a corpus (:func:`geomap.parse.collect_for_a_corpus`),
    as the workers of a Dask cluster the dask engine starts are."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    collect_for_a_corpus()


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold Ctrl-C back while worker processes may be started (ProcessPoolExecutor starts
    them on submit): they inherit the blocked signal, so a worker still importing geomap
    when Ctrl-C comes does not die printing a traceback. This process receives a Ctrl-C
    held back here as soon as the block ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


#: A task in flight: its index, chunk and how many pools broke while it ran.
_Try = tuple[int, Chunk, int]


class LocalEngine:
    """Worker processes on this machine (``concurrent.futures``, spawned).

    A worker that dies (killed, out of memory) breaks the pool, and every chunk in flight
    then fails with it: which one killed it is not known. A new pool is started, and the
    chunks that were in flight (suspects) run again one at a time, with nothing beside them,
    before any other. A chunk is failed (its articles go to ``errors.jsonl``) only when a
    pool breaks while it runs alone and it has been in flight for
    :data:`~geomap.batch.work.MAX_TRIES` breaks: the chunks that shared a pool with it are
    parsed. When a chunk would be failed after more than MAX_TRIES breaks in a row with no
    chunk finishing, workers die whatever they run (no memory left?): the run stops with an
    error instead, and fails nothing.
    """

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        if self.workers < 1:
            raise BatchError(f"--workers must be at least 1, not {self.workers}")
        self._pool: Any = None

    def _new_pool(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
        )
        return self._pool

    def pids(self) -> list[int]:
        processes = getattr(self._pool, "_processes", None) or {}
        return sorted(processes)

    def map_chunks(
        self,
        tasks: Iterator[Task],
        gazetteer: GazetteerRef,
        targets: Callable[[int], ChunkTarget] | None = None,
    ) -> Iterator[tuple[int, ChunkOutcome]]:
        from concurrent.futures import FIRST_COMPLETED, wait

        pool = self._pool or self._new_pool()
        inflight: dict[Any, _Try] = {}
        retry: list[_Try] = []
        tasks = iter(tasks)
        barren = 0  # pools in a row that broke with no chunk finishing
        while True:
            broken = not self._fill(pool, inflight, retry, tasks, gazetteer, targets)
            if not inflight and not broken:
                return
            if not broken:
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                broken = any(future.exception() is not None for future in done)
                if not broken:
                    barren = 0
                    for future in sorted(done, key=lambda f: inflight[f][0]):
                        yield inflight.pop(future)[0], future.result()
                    continue
            finished, failed = self._settle(inflight, retry)
            barren = 0 if finished else barren + 1
            if failed and barren > MAX_TRIES:
                raise BatchError(
                    f"worker processes died {barren} times in a row without finishing "
                    "any chunk; is there memory left?"
                )
            yield from finished
            for index, items in failed:
                yield index, failed_chunk(items, _DIED)
            pool.shutdown(wait=True)
            pool = self._new_pool()

    def _fill(
        self,
        pool: Any,
        inflight: dict[Any, _Try],
        retry: list[_Try],
        tasks: Iterator[Task],
        gazetteer: GazetteerRef,
        targets: Callable[[int], ChunkTarget] | None,
    ) -> bool:
        """Submit chunks until 2 per worker are in flight; a suspect (a chunk in flight when
        a pool broke: ``tries`` > 0) goes alone, and before any new chunk. False when the
        pool turns out broken (a worker died since the last look)."""
        from concurrent.futures.process import BrokenProcessPool

        while len(inflight) < 2 * self.workers:
            if any(task[2] for task in inflight.values()):
                return True
            if retry:
                if retry[0][2] and inflight:
                    return True
                task = retry.pop(0)
            else:
                next_task = next(tasks, None)
                if next_task is None:
                    return True
                task = (*next_task, 0)
            target = None if targets is None else targets(task[0])
            try:
                with _sigint_held():
                    future = pool.submit(run_packed, pack(task[1]), gazetteer, target)
                inflight[future] = task
            except BrokenProcessPool:
                retry.insert(0, task)
                return False
        return True

    @staticmethod
    def _settle(
        inflight: dict[Any, _Try], retry: list[_Try]
    ) -> tuple[list[tuple[int, ChunkOutcome]], list[tuple[int, Chunk]]]:
        """The chunks of a broken pool: those that finished, with their outcomes, and those
        to fail (one that ran alone and has been in flight for MAX_TRIES breaks); the others
        go back to ``retry`` as suspects, to run alone, after the suspects already waiting
        (so a chunk that keeps killing its workers takes turns with them) and before the
        chunks that never saw a pool break. Re-raises anything but a broken pool."""
        from concurrent.futures import wait
        from concurrent.futures.process import BrokenProcessPool

        wait(inflight)
        alone = len(inflight) == 1
        finished, failed, suspects = [], [], []
        for future, (index, items, tries) in sorted(inflight.items(), key=lambda kv: kv[1][0]):
            error = future.exception()
            if error is None:
                finished.append((index, future.result()))
            elif not isinstance(error, BrokenProcessPool):
                raise error
            elif alone and tries + 1 >= MAX_TRIES:
                failed.append((index, items))
            else:
                suspects.append((index, items, tries + 1))
        inflight.clear()
        waiting = [task for task in retry if task[2]]
        retry[:] = waiting + suspects + [task for task in retry if not task[2]]
        return finished, failed

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskEngine:
    """Chunks submitted to a ``dask.distributed`` cluster.

    With ``scheduler`` (``tcp://HOST:PORT``) the client joins that cluster, whose workers
    must see the gazetteer index at the same path; otherwise a ``LocalCluster`` of
    ``workers`` single-threaded worker processes is started and closed with the engine.
    A task carries ``chunks_per_task`` consecutive chunks (the last ones one by one). Tasks
    of a killed worker are rerun by the scheduler on another worker; the chunks of a task
    that killed :data:`~geomap.batch.work.MAX_TRIES` workers are tried one by one, and a
    chunk that kills them so is run once more alone, then failed if it kills them again and
    a chunk finishes after it (the workers are sound: the chunk is to blame). When more
    than MAX_TRIES chunks in a row kill their workers running alone, with none finishing,
    workers die whatever they run (no memory left?): the run stops with an error instead,
    and fails nothing.
    """

    name = "dask"

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        workers: int | None = None,
        chunks_per_task: int = DASK_CHUNKS_PER_TASK,
    ):
        self.chunks_per_task = chunks_per_task
        try:
            import logging

            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise BatchError(DASK_HINT) from None
        self._cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as err:
                raise BatchError(
                    f"cannot reach the Dask scheduler at {scheduler} ({err})"
                ) from None
        else:
            n = workers or os.cpu_count() or 1
            if n < 1:
                raise BatchError(f"--workers must be at least 1, not {n}")
            # The nannies hand the settings on to their workers.
            with dask.config.set(DASK_LOCAL_CONFIG):
                self._cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
                # Results straight from the workers, not relayed by the scheduler: on 200
                # tasks of LGL chunks, 0.2-0.3 s less CPU in this process.
                self.client = Client(self._cluster, direct_to_workers=True)
            # The workers of a cluster this engine started are geomap's, as a local
            # engine's are: their collector is set for a corpus, by a plugin, so a worker
            # the nanny restarts after a death is set too. A joined cluster's are not.
            self.client.register_plugin(_corpus_collector())
        self._run = uuid.uuid4().hex[:8]

    def pids(self) -> list[int]:
        if self._cluster is not None:
            # The nannies of a LocalCluster live in this process: no round trip to the workers.
            nannies = list(self._cluster.workers.values())
            return sorted(pid for nanny in nannies if (pid := nanny.pid))
        return sorted(self.client.run(os.getpid).values())

    def map_chunks(
        self,
        tasks: Iterator[Task],
        gazetteer: GazetteerRef,
        targets: Callable[[int], ChunkTarget] | None = None,
    ) -> Iterator[tuple[int, ChunkOutcome]]:
        from distributed import as_completed

        threads = sum(self.client.nthreads().values()) or 1
        limit = 2 * threads
        inflight: dict[Any, list[Task]] = {}
        pending = as_completed()
        groups = _groups(tasks, self.chunks_per_task, tail=threads * self.chunks_per_task)
        #: Chunks of a group that kept killing workers, to run one by one.
        alone: collections.deque[list[Task]] = collections.deque()
        #: Chunks whose task kept killing workers while others ran: Dask charges every task
        #: a dying worker holds, so one queued behind the culprit may be innocent. Each is
        #: run once more with nothing beside it, and failed only if it kills workers then.
        suspects: collections.deque[Task] = collections.deque()
        isolated: set[Any] = set()  # the future of the suspect running alone, if any
        #: Suspects that killed workers running alone, to fail once a chunk finishes.
        condemned: list[Task] = []
        barren = 0  # tasks in a row that killed their workers, with no task finishing
        submitted = itertools.count()

        def submit(group: list[Task]) -> Any:
            future = self.client.submit(
                run_packed_chunks,
                tuple(pack(items) for _, items in group),
                gazetteer,
                tuple(None if targets is None else targets(index) for index, _ in group),
                pure=False,
                retries=MAX_TRIES - 1,
                key=f"geomap-chunks-{self._run}-{next(submitted)}",
            )
            inflight[future] = group
            pending.add(future)
            return future

        def fill() -> None:
            if isolated:
                return
            if suspects:
                if not inflight:  # the others have finished: the suspect runs alone
                    isolated.add(submit([suspects.popleft()]))
                return
            while len(inflight) < limit:
                group = alone.popleft() if alone else next(groups, None)
                if group is None:
                    return
                submit(group)

        fill()
        for future in pending:
            group = inflight.pop(future)
            alone_run = future in isolated
            isolated.discard(future)
            if future.status == "error" and type(future.exception()).__name__ == "KilledWorker":
                barren += 1
                results: tuple[ChunkOutcome, ...] = ()
                if len(group) > 1:
                    # One of them may be to blame: each is tried alone, so only its
                    # articles fail.
                    alone.extend([task] for task in group)
                elif not alone_run:
                    suspects.append(group[0])
                else:
                    condemned.append(group[0])
                    if len(condemned) > MAX_TRIES:
                        raise BatchError(
                            f"worker processes died {barren} times in a row without "
                            "finishing any chunk; is there memory left?"
                        )
            else:
                barren = 0
                results = future.result()
                yield from _failed(condemned)
            future.release()
            for (index, _), result in zip(group, results):
                yield index, result
            fill()
        # The last chunks of the input: nothing finishes after them to tell.
        yield from _failed(condemned)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _corpus_collector() -> Any:
    """A Dask worker plugin that sets each worker's garbage collector for a corpus
    (:func:`~geomap.parse.collect_for_a_corpus`) as it starts, those started later
    included. Made here, as Dask is optional."""
    from distributed import WorkerPlugin

    class CorpusCollector(WorkerPlugin):
        name = "geomap-collect-for-a-corpus"

        def setup(self, worker: Any) -> None:
            collect_for_a_corpus()

    return CorpusCollector()


def _failed(condemned: list[Task]) -> Iterator[tuple[int, ChunkOutcome]]:
    """Fail the chunks of ``condemned`` (their articles to ``errors.jsonl``), emptying it."""
    for index, chunk in condemned:
        yield index, failed_chunk(chunk, _DIED)
    condemned.clear()


def _groups(tasks: Iterator[Task], size: int, *, tail: int) -> Iterator[list[Task]]:
    """Consecutive tasks in groups of ``size``, but one by one once fewer than ``tail``
    follow (read ahead), so that the last chunks spread over the workers."""
    ahead: collections.deque[Task] = collections.deque()
    while True:
        while len(ahead) < size + tail and (task := next(tasks, None)) is not None:
            ahead.append(task)
        if not ahead:
            return
        yield [ahead.popleft() for _ in range(size if len(ahead) >= size + tail else 1)]


def make_engine(
    name: str = "local", *, workers: int | None = None, scheduler: str | None = None
) -> Engine:
    """An engine by name: ``local`` (``workers`` processes) or ``dask`` (see DaskEngine)."""
    if name == "local":
        if scheduler:
            raise BatchError("--scheduler needs --engine dask")
        return LocalEngine(workers)
    if name == "dask":
        return DaskEngine(scheduler=scheduler, workers=workers)
    raise BatchError(f"unknown engine {name!r} (expected local or dask)")
