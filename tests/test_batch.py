"""geomap batch: inputs, the local and Dask engines, resumption, killed workers, the CLI.

The corpus is synthetic (articles written from a template of place names), so the tests
ship no third-party text. Engines run real worker processes: a ProcessPoolExecutor, and a
dask.distributed LocalCluster of two worker processes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import random
import re
import signal
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap import batch, inputs
from geomap.batch import BatchError, Progress
from geomap.batch.folder import MANIFEST_VERSION
from geomap.cli import main
from geomap.inputs import Article, BadRecord, open_input

PLACES = [
    "Baghdad",
    "Ramadi",
    "Mosul",
    "Fallujah",
    "Basra",
    "Damascus",
    "Aleppo",
    "Amman",
    "Beirut",
    "Cairo",
    "Paris",
    "Berlin",
    "Madrid",
    "Nairobi",
    "Chicago",
    "Houston",
    "Toronto",
    "Sydney",
    "Mumbai",
    "Tokyo",
]
TEMPLATES = [
    "Officials in {a} said on Monday that talks with {b} would resume next week.",
    "Flooding in {a} forced thousands to leave their homes, and aid arrived from {b}.",
    "A delegation from {a} visited {b} and {c} to discuss trade.",
    "Prices rose sharply in {a} after the storm.",
]
CLAIM = (
    "Located two kilometers from Al-Qaim city and 410 kilometers west of provincial "
    "capital Ramadi, the Husaybah crossing links Iraq to Syria."
)
FILES = (
    "mentions.jsonl",
    "places.geojson",
    "locations.geojson",
    "claims.csv",
    "errors.jsonl",
    "map.html",
)
N_ARTICLES = 500
CHUNK = 50


def synthetic_articles(n: int, seed: int = 6) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        sentences = [
            rng.choice(TEMPLATES).format(**dict(zip("abc", rng.sample(PLACES, 3))))
            for _ in range(rng.randint(2, 4))
        ]
        if i % 100 == 0:
            sentences.append(CLAIM)
        article = {
            "id": f"a{i:05d}",
            "text": " ".join(sentences),
            "title": f"Report {i}",
            "url": f"https://news.example/{i}",
        }
        if i % 3:
            article["date"] = f"2017-{1 + i % 12:02d}-{1 + i % 28:02d}"
        out.append(article)
    return out


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_outputs(outdir: Path) -> dict[str, bytes]:
    return {name: (outdir / name).read_bytes() for name in FILES}


def run(source_path, outdir, gazetteer, engine, **kwargs):
    try:
        return batch.run(
            inputs.open_input(source_path),
            outdir,
            gazetteer=gazetteer,
            engine=engine,
            chunk_size=kwargs.pop("chunk_size", CHUNK),
            **kwargs,
        )
    finally:
        engine.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_jsonl(
        tmp_path_factory.mktemp("corpus") / "corpus.jsonl", synthetic_articles(N_ARTICLES)
    )


@pytest.fixture(scope="module")
def reference(corpus, full_gazetteer, tmp_path_factory) -> dict[str, bytes]:
    """The files of an uninterrupted local run with two processes."""
    outdir = tmp_path_factory.mktemp("reference") / "out"
    summary = run(corpus, outdir, full_gazetteer, batch.LocalEngine(2))
    assert summary.articles == N_ARTICLES and summary.errors == 0
    return read_outputs(outdir)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    )
    yield cluster
    cluster.close()


@pytest.fixture(params=["local", "dask"])
def engine_factory(request):
    """Makes a fresh engine of each kind: 2 local processes, or the 2-worker LocalCluster."""
    if request.param == "local":
        return lambda: batch.LocalEngine(2)
    cluster = request.getfixturevalue("dask_cluster")
    # Two chunks a task: the 10 chunks of the corpus go as 3 pairs, then one by one.
    return lambda: batch.DaskEngine(scheduler=cluster.scheduler_address, chunks_per_task=2)


# --------------------------------------------------------------------------- engines


def test_the_reference_run_has_every_article(reference):
    lines = reference["mentions.jsonl"].decode().splitlines()
    assert {json.loads(line)["article"] for line in lines} == {
        f"a{i:05d}" for i in range(N_ARTICLES)
    }
    assert reference["errors.jsonl"] == b""
    claims = reference["claims.csv"].decode().splitlines()
    assert len(claims) - 1 == 2 * (N_ARTICLES // 100)  # 2 km from Al-Qaim, 410 km from Ramadi
    assert claims[1].startswith("a00000,")


def test_engines_write_byte_identical_files(
    engine_factory, corpus, full_gazetteer, tmp_path, reference
):
    run(corpus, tmp_path / "out", full_gazetteer, engine_factory())
    assert read_outputs(tmp_path / "out") == reference


def test_workers_read_the_user_files_overlay(engine_factory, full_gazetteer, tmp_path):
    """Workers open the bundled index and the user files' overlay by path: a user place and
    a user correction of a bundled place reach every chunk."""
    from geomap.gazetteer import Gazetteer

    mine = tmp_path / "mine.csv"
    mine.write_text(
        "id,name,alternate_names,lat,lon,kind,country,admin1,population,source\n"
        "u:zorba,Zorbaville,,34.1,41.2,city,IQ,Anbar,5000,me\n"
        "gn:98717,Ramadi,,33.5,43.2,city,IQ,Anbar,223500,corrected\n",
        encoding="utf-8",
    )
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {
                "id": f"z{i}",
                "text": "Shelling hit Zorbaville, Iraq, on Monday. Troops reached Ramadi.",
            }
            for i in range(40)
        ],
    )
    with Gazetteer.open([mine]) as gazetteer:
        assert gazetteer.overlay is not None
        run(source, tmp_path / "out", gazetteer, engine_factory(), chunk_size=10)
    rows = [json.loads(line) for line in (tmp_path / "out" / "mentions.jsonl").open()]
    places = {(row["text"], row["place"]["id"], row["place"]["lat"]) for row in rows}
    assert places == {
        ("Zorbaville", "u:zorba", 34.1),
        ("Iraq", "country:IQ", 33.0),
        ("Ramadi", "gn:98717", 33.5),
    }
    assert len(rows) == 3 * 40


def _wait_until_gone(pid: int, timeout: float = 60) -> None:
    """Until the process is dead and reaped (by the pool or the nanny that started it)."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        assert time.monotonic() < deadline, f"process {pid} still there after {timeout} s"
        time.sleep(0.01)


def test_a_killed_worker_loses_and_duplicates_nothing(
    engine_factory, corpus, full_gazetteer, tmp_path, reference
):
    """A worker killed between two chunks: the run goes on only once the engine has seen the
    death (the local pool is broken when the next chunk is submitted, the case that once
    escaped as BrokenProcessPool), so the test takes the same path under any load."""
    engine = engine_factory()
    killed = []

    def kill_once(progress: Progress) -> None:
        if not killed and progress.done >= 2 * CHUNK:
            pid = engine.pids()[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            _wait_until_gone(pid)

    summary = run(corpus, tmp_path / "out", full_gazetteer, engine, on_progress=kill_once)
    assert killed, "no worker was killed"
    assert summary.articles == N_ARTICLES and summary.errors == 0
    assert read_outputs(tmp_path / "out") == reference


#: In the text of one article of :func:`test_a_chunk_that_kills_its_workers_fails_alone`,
#: whose test cluster kills any worker that starts a task carrying it.
POISON = "Xq7PoisonMarkZ"


def assert_only_chunk_1_failed(outdir: Path, articles: list[dict], summary) -> None:
    """Chunk 1's 50 articles are in errors.jsonl, as killed workers', and every other
    article has its lines in mentions.jsonl."""
    errors = [json.loads(line) for line in (outdir / "errors.jsonl").open()]
    assert {e["id"] for e in errors} == {a["id"] for a in articles[50:100]}
    assert all("worker process died on this chunk" in e["reason"] for e in errors)
    assert summary.articles == 150 and summary.errors == 50
    parsed = {json.loads(line)["article"] for line in (outdir / "mentions.jsonl").open()}
    assert parsed == {a["id"] for a in articles[:50] + articles[100:]}


def kill_on_poison(distributed):
    """A Dask worker plugin that kills its worker, for real, as it starts a task whose
    chunks hold POISON."""

    class KillOnPoison(distributed.WorkerPlugin):
        def setup(self, worker):
            self.worker = worker

        def transition(self, key, start, finish, **kwargs):
            task = self.worker.state.tasks.get(key)
            if finish == "executing" and task is not None:
                if POISON.encode() in pickle.dumps(task.run_spec):
                    os.kill(os.getpid(), signal.SIGKILL)

    return KillOnPoison()


def test_a_chunk_that_kills_its_workers_fails_alone(full_gazetteer, tmp_path):
    """Dask: a task of several chunks whose worker dies every time (an article that brings
    the process down) is split, each chunk tried alone, and only the chunk of that article
    fails (its articles to errors.jsonl); the chunk that shared its task is parsed, and so
    are chunks that Dask charged for the deaths because they waited on a dying worker."""
    distributed = pytest.importorskip("distributed")

    articles = synthetic_articles(200)
    articles[75]["text"] += f" {POISON}."  # chunk 1 of 4 (chunks of 50)
    source = write_jsonl(tmp_path / "poisoned.jsonl", articles)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    )
    try:
        with distributed.Client(cluster) as client:
            client.register_plugin(kill_on_poison(distributed))
        engine = batch.DaskEngine(scheduler=cluster.scheduler_address, chunks_per_task=2)
        summary = run(source, tmp_path / "out", full_gazetteer, engine)
    finally:
        cluster.close()
    assert_only_chunk_1_failed(tmp_path / "out", articles, summary)


def test_dask_workers_that_die_whatever_they_run_stop_the_run_and_fail_nothing(
    full_gazetteer, tmp_path
):
    """Dask: when every chunk kills its worker (as when the workers have no memory left),
    the run stops with a clear error before failing any chunk, so once the cause is gone
    the same command parses every article. (The test cluster gives up on a task at its
    first death, so that it takes seconds, not minutes.)"""
    distributed = pytest.importorskip("distributed")
    import dask

    articles = synthetic_articles(120)
    for article in articles:
        article["text"] += f" {POISON}."
    source = write_jsonl(tmp_path / "all-poisoned.jsonl", articles)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=50,
        )
    try:
        with distributed.Client(cluster) as client:
            client.register_plugin(kill_on_poison(distributed))
        engine = batch.DaskEngine(scheduler=cluster.scheduler_address, chunks_per_task=1)
        with pytest.raises(
            BatchError, match=r"died \d+ times in a row without finishing any chunk"
        ):
            run(source, tmp_path / "out", full_gazetteer, engine, chunk_size=20)
        engine.close()
    finally:
        cluster.close()
    assert not (tmp_path / "out" / "errors.jsonl").exists()
    engine = batch.DaskEngine(workers=2)
    try:
        summary = run(source, tmp_path / "out", full_gazetteer, engine, chunk_size=20)
    finally:
        engine.close()
    assert summary.articles == 120 and summary.errors == 0
    parsed = {json.loads(line)["article"] for line in (tmp_path / "out" / "mentions.jsonl").open()}
    assert parsed == {a["id"] for a in articles}


#: A ``sitecustomize`` module for the local engine's worker processes (spawned, they read the
#: test's PYTHONPATH): a profile hook that kills its process, for real, when
#: :func:`geomap.batch.work.run_packed` is called on a chunk holding POISON.
KILLING_SITECUSTOMIZE = f"""
import os, signal, sys

def _kill_on_poison(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "run_packed":
        if {POISON.encode()!r} in frame.f_locals.get("data", b""):
            os.kill(os.getpid(), signal.SIGKILL)

if "spawn_main" in " ".join(sys.argv) or "multiprocessing" in " ".join(sys.argv):
    sys.setprofile(_kill_on_poison)
"""


@pytest.fixture
def killing_hook(tmp_path, monkeypatch) -> Path:
    """KILLING_SITECUSTOMIZE on the path of the worker processes spawned from now on."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(KILLING_SITECUSTOMIZE, encoding="utf-8")
    path = [str(hook), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, path)))
    return hook / "sitecustomize.py"


def test_a_chunk_that_kills_its_local_workers_fails_alone(full_gazetteer, tmp_path, killing_hook):
    """Local engine: a chunk whose article brings its worker down every time fails alone
    (its articles to errors.jsonl); the chunks in flight beside it when the pool broke are
    parsed, though the pool broke under them too."""
    articles = synthetic_articles(200)
    articles[75]["text"] += f" {POISON}."  # chunk 1 of 4 (chunks of 50)
    source = write_jsonl(tmp_path / "poisoned.jsonl", articles)
    summary = run(source, tmp_path / "out", full_gazetteer, batch.LocalEngine(2))
    assert_only_chunk_1_failed(tmp_path / "out", articles, summary)


def test_workers_that_die_whatever_they_run_stop_the_run_and_fail_nothing(
    full_gazetteer, tmp_path, killing_hook
):
    """Local engine: when every chunk kills its worker (as when the machine has no memory
    left), the run stops with a clear error before failing any chunk, so once the cause is
    gone the same command parses every article."""
    articles = synthetic_articles(120)
    for article in articles:
        article["text"] += f" {POISON}."
    source = write_jsonl(tmp_path / "all-poisoned.jsonl", articles)
    with pytest.raises(BatchError, match=r"died \d+ times in a row without finishing any chunk"):
        run(source, tmp_path / "out", full_gazetteer, batch.LocalEngine(2))
    killing_hook.unlink()
    summary = run(source, tmp_path / "out", full_gazetteer, batch.LocalEngine(2))
    assert summary.articles == 120 and summary.errors == 0
    parsed = {json.loads(line)["article"] for line in (tmp_path / "out" / "mentions.jsonl").open()}
    assert parsed == {a["id"] for a in articles}


def test_ctrl_c_reaching_a_starting_worker_is_ignored(full_gazetteer, capfd):
    """Ctrl-C reaches every process of the terminal's group, workers still importing geomap
    included: such a worker neither dies nor prints a traceback (it starts with SIGINT
    blocked, then ignores it)."""
    engine = batch.LocalEngine(1)
    items = (Article("a1", "Fighting in Ramadi.", source="in.jsonl", line=1),)
    signalled = []

    def interrupt_the_first_worker() -> None:
        while not engine.pids():
            time.sleep(0.001)
        pid = engine.pids()[0]
        # Once the worker has loaded sqlite3 it is importing geomap, past Python's own start
        # and before its initializer: when Ctrl-C used to kill it with a traceback.
        maps = Path(f"/proc/{pid}/maps")
        deadline = time.monotonic() + 60
        while "_sqlite3" not in maps.read_text() and time.monotonic() < deadline:
            time.sleep(0.001)
        os.kill(pid, signal.SIGINT)
        signalled.append(pid)

    watcher = threading.Thread(target=interrupt_the_first_worker)
    watcher.start()
    try:
        results = list(engine.map_chunks(iter([(0, items)]), batch.GazetteerRef.of(full_gazetteer)))
    finally:
        watcher.join()
        engine.close()
    assert signalled and [(index, result.errors) for index, result in results] == [(0, 0)]
    assert b'"Ramadi"' in results[0][1].data
    assert "Traceback" not in capfd.readouterr().err


def test_an_interrupted_run_resumes_where_it_stopped(corpus, full_gazetteer, tmp_path, reference):
    def interrupt(progress: Progress) -> None:
        if progress.done >= 3 * CHUNK:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(2), on_progress=interrupt)
    chunks = list((tmp_path / "out" / batch.WORK_DIR / "chunks").glob("*.chunk"))
    assert len(chunks) >= 3
    assert not (tmp_path / "out" / "mentions.jsonl").exists()

    seen: list[Progress] = []
    summary = run(
        corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(2), on_progress=seen.append
    )
    assert summary.skipped == len(chunks) * CHUNK
    assert seen[-1].done == N_ARTICLES and seen[-1].total == N_ARTICLES
    assert read_outputs(tmp_path / "out") == reference


def test_a_finished_run_reruns_without_work(corpus, full_gazetteer, tmp_path, reference):
    run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(1))
    summary = run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(1))
    assert summary.skipped == N_ARTICLES
    assert read_outputs(tmp_path / "out") == reference


def test_a_run_without_the_map_writes_the_same_files(corpus, full_gazetteer, tmp_path, reference):
    """Without the map the merge skips the rows only the map uses; the other files and the
    summary's counts are the same."""
    out = tmp_path / "out"
    summary = run(corpus, out, full_gazetteer, batch.LocalEngine(2), map_file=False)
    assert not (out / "map.html").exists()
    assert {name: (out / name).read_bytes() for name in FILES[:-1]} == {
        name: reference[name] for name in FILES[:-1]
    }
    places = json.loads(reference["places.geojson"])["features"]
    assert (summary.articles, summary.mentions, summary.places, summary.claims) == (
        N_ARTICLES,
        len(reference["mentions.jsonl"].splitlines()),
        len(places),
        len(reference["claims.csv"].splitlines()) - 1,
    )


def test_places_and_locations_add_up_across_chunks(full_gazetteer, tmp_path):
    """``places.geojson`` and ``locations.geojson`` are the same whatever the chunk size,
    and as tallying the articles one by one: an article id repeated in a row is listed once
    for a place, also when the two records fall into two chunks, and a place's first and
    last dates span its chunks."""
    from geomap import export, schema

    records = synthetic_articles(12, seed=3)
    # Records 2 and 3 (the same id) end one chunk of 3 and start the next.
    records.insert(3, {**records[2], "date": "2016-01-01"})
    records[7:7] = [
        {"id": "v", "text": "The village lies 12 km north of Mosul, Iraq.", "date": "2017-02-03"},
        {"id": "c", "text": "The camp, at 36.34 N, 43.13 E, was shelled."},
    ]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    outputs = {}
    for size in (1, 3, 100):
        out = tmp_path / f"out{size}"
        run(source, out, full_gazetteer, batch.LocalEngine(1), chunk_size=size, map_file=False)
        outputs[size] = {name: (out / name).read_bytes() for name in FILES[:-1]}
    assert outputs[1] == outputs[3] == outputs[100]

    tally = export.Tally()
    features = []
    for rows in batch.process_chunk(inputs.open_input(source).items(), full_gazetteer).articles:
        tally.add(rows)
        features += [schema.location_feature(json.loads(line)) for line in rows.locations]
    places = outputs[3]["places.geojson"]
    assert places == export.geojson_text(export.places_geojson(tally)).encode()
    named = [f["properties"] for f in json.loads(places)["features"]]
    twice = records[2]["id"]
    assert any(twice in p["articles"] for p in named)
    assert all(p["articles"].count(twice) <= 1 for p in named)
    assert min(p["first_date"] or "9" for p in named) == "2016-01-01"
    locations = outputs[3]["locations.geojson"]
    assert locations == export.geojson_text({"features": features}).encode()
    assert [f["properties"]["article"] for f in json.loads(locations)["features"]] == ["v", "c"]


def test_a_grown_input_runs_only_the_new_chunks(full_gazetteer, tmp_path):
    articles = synthetic_articles(130)
    source = write_jsonl(tmp_path / "in.jsonl", articles[:100])
    run(source, tmp_path / "out", full_gazetteer, batch.LocalEngine(1))
    write_jsonl(source, articles)
    summary = run(source, tmp_path / "out", full_gazetteer, batch.LocalEngine(1))
    assert (summary.articles, summary.skipped) == (130, 100)
    fresh = run(source, tmp_path / "fresh", full_gazetteer, batch.LocalEngine(1))
    assert fresh.articles == 130
    assert read_outputs(tmp_path / "out") == read_outputs(tmp_path / "fresh")


# --------------------------------------------------------------------------- failures


def test_bad_records_go_to_errors_and_the_run_goes_on(full_gazetteer, tmp_path):
    good = synthetic_articles(3)
    lines = [
        json.dumps(good[0]),
        "{not json",
        json.dumps({"id": "n1"}),
        json.dumps([1, 2]),
        json.dumps({"id": "d1", "text": "In Paris.", "date": "soon"}),
        "",
        json.dumps(good[1]),
        json.dumps({"id": {"x": 1}, "text": "Cairo."}),
        json.dumps(good[2]),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = run(source, tmp_path / "out", full_gazetteer, batch.LocalEngine(1), chunk_size=4)
    assert (summary.articles, summary.errors) == (3, 5)
    errors = [
        json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()
    ]
    name = str(source)
    assert errors == [
        {
            "id": None,
            "line": 2,
            "source": name,
            "reason": "bad JSON (Expecting property name enclosed in double quotes at column 2)",
        },
        {"id": "n1", "line": 3, "source": name, "reason": "missing text"},
        {"id": None, "line": 4, "source": name, "reason": "expected a JSON object, found list"},
        {
            "id": "d1",
            "line": 5,
            "source": name,
            "reason": "date 'soon' is not an ISO 8601 date such as 2017-11-06",
        },
        {
            "id": None,
            "line": 8,
            "source": name,
            "reason": "id must be a string or an integer, not {'x': 1}",
        },
    ]


def test_a_failing_article_becomes_an_error_line(tmp_path):
    from geomap.gazetteer import Gazetteer

    with Gazetteer.open() as closed:
        pass
    items = [
        Article("a1", "Fighting in Ramadi.", source="in.jsonl", line=1),
        BadRecord("in.jsonl", 2, "missing text", "a2"),
    ]
    result = batch.process_chunk(items, closed)
    assert result.articles == ()
    assert result.errors == (
        {
            "id": "a1",
            "line": 1,
            "source": "in.jsonl",
            "reason": "ProgrammingError: Cannot operate on a closed database.",
        },
        {"id": "a2", "line": 2, "source": "in.jsonl", "reason": "missing text"},
    )


def test_another_input_is_refused(corpus, full_gazetteer, tmp_path):
    run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(1), chunk_size=500)
    other = write_jsonl(tmp_path / "other.jsonl", synthetic_articles(10, seed=1))
    with pytest.raises(BatchError, match="holds a run of a different input"):
        run(other, tmp_path / "out", full_gazetteer, batch.LocalEngine(1), chunk_size=500)
    with pytest.raises(BatchError, match="another --chunk-size"):
        run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(1), chunk_size=20)


def test_a_chunk_file_cut_short_is_named_and_rerun_once_deleted(
    corpus, full_gazetteer, tmp_path, reference
):
    """A chunk file that is not whole (a crash of the machine before it reached the disk),
    or garbled, stops the merge with its name; deleted, it is run again and the files are
    the same."""
    run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(1))
    chunks = sorted((tmp_path / "out" / batch.WORK_DIR / "chunks").glob("*.chunk"))
    chunks[3].write_bytes(chunks[3].read_bytes()[:-10])
    # One garbled at its size: its places' fields (the part after the header line), which
    # the merge decodes only as it meets new places.
    data = chunks[0].read_bytes()
    fields = data.index(b"\n") + 1
    chunks[0].write_bytes(data[:fields] + b"x" + data[fields + 1 :])
    for chunk in chunks[0], chunks[3]:
        message = rf"unreadable chunk file {re.escape(str(chunk))} \(.+\); delete it and run again"
        with pytest.raises(BatchError, match=message):
            run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(1))
        chunk.unlink()
    summary = run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(1))
    assert summary.skipped == N_ARTICLES - CHUNK  # chunk 0 ran again in the second run
    assert read_outputs(tmp_path / "out") == reference


def test_chunk_hash_tells_records_apart():
    records = [
        Article("a", "bc"),
        Article("ab", "c"),
        Article("a", "bc", title=""),
        Article("a", "bc", title="t"),
        Article("a", "bc", url="t"),
        Article("a", "bc", format="html"),
        BadRecord("in.jsonl", 1, "bc", "a"),
        BadRecord("in.jsonl", 11, "bc", "a"),
        BadRecord("in.jsonl", None, "bc", "a"),
    ]
    assert len({batch.chunk_hash([r]) for r in records}) == len(records)
    assert batch.chunk_hash(records[:2]) != batch.chunk_hash(records[1::-1])
    assert batch.chunk_hash([Article("a", "bc", source="x", line=9)]) == batch.chunk_hash(
        records[:1]
    )


def test_chunk_hash_of_undecoded_lines_tells_their_bytes_and_place_apart(tmp_path):
    """JSON Lines reach the workers undecoded: their chunk's hash is of the bytes as read,
    and of where they begin (a line number or byte offset shifted gives other ids and error
    lines), so a changed or moved chunk is run again and an unchanged one is not."""
    from geomap.inputs import Lines

    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "In Basra."}\n{"text": "In Mosul."}\n')
    again = tmp_path / "again.jsonl"
    again.write_bytes(path.read_bytes())
    chunks = list(open_input(path).chunks(1))
    assert all(isinstance(c, Lines) for c in chunks)
    assert [batch.chunk_hash(c) for c in chunks] == [
        batch.chunk_hash(c) for c in open_input(again).chunks(1)
    ]
    first = chunks[0]
    variants = [
        dataclasses.replace(first, first=2),
        dataclasses.replace(first, offset=1),
        dataclasses.replace(first, data=first.data.replace(b"Basra", b"Basrah")),
        chunks[1],
    ]
    assert len({batch.chunk_hash(c) for c in [first, *variants]}) == 5


def test_a_packed_chunk_unpacks_to_the_same_records(tmp_path):
    """What a task carries (one bytes object per chunk) gives the worker the records read."""
    from geomap.batch.work import pack, unpack

    records = (
        Article("a", "Fighting in Ramadi.", "T", "https://x", "2017-11-06", "html", "in.jsonl", 3),
        Article("b", "\ud800 lone surrogate", source="in.jsonl", line=None),
        BadRecord("in.jsonl", 4, "no text", "c"),
        BadRecord("in.csv", None, "bad bytes"),
    )
    assert unpack(pack(records)) == records
    assert [type(r) for r in unpack(pack(records))] == [Article, Article, BadRecord, BadRecord]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a", "text": "In Ramadi."}\n\n{bad\n')
    (lines,) = open_input(path).chunks(5)
    assert list(unpack(pack(lines))) == [
        Article("a", "In Ramadi.", source=str(path), line=1),
        BadRecord(
            str(path), 3, "bad JSON (Expecting property name enclosed in double quotes at column 2)"
        ),
    ]


def test_a_worker_writes_the_chunk_file_only_into_the_run_folder_it_sees(full_gazetteer, tmp_path):
    """A worker that sees the run folder writes the chunk's file itself and hands back its
    size; one that finds another folder at that path (on another machine) hands back the
    bytes for the coordinating process to write; a file not as its worker wrote it is
    refused."""
    from geomap.batch.folder import RunFolder, manifest
    from geomap.batch.work import EncodedChunk, WrittenChunk, pack, run_packed

    items = (Article("a1", "Fighting in Ramadi.", source="in.jsonl", line=1),)
    digest = batch.chunk_hash(items)
    ref = batch.GazetteerRef.of(full_gazetteer)
    folder = RunFolder(
        tmp_path / "out", manifest(input="in.jsonl", first=digest, chunk_size=1, gazetteer="g")
    )
    try:
        target = folder.target(folder.chunk_name(0, digest))
        path = folder.chunks / target.name
        written = run_packed(pack(items), ref, target)
        assert isinstance(written, WrittenChunk) and written.errors == 0
        data = path.read_bytes()
        assert len(data) == written.size and b'"Ramadi"' in data
        folder.write(0, digest, written)
        assert folder.has(0, digest) and folder.read(target.name).rows[0].id == "a1"

        path.unlink()
        elsewhere = run_packed(pack(items), ref, dataclasses.replace(target, inode=0))
        assert elsewhere == EncodedChunk(data, 0) and not path.exists()
        with pytest.raises(BatchError, match=r"chunk file .+ is missing where its worker wrote"):
            folder.write(0, digest, written)
        folder.write(0, digest, elsewhere)
        assert path.read_bytes() == data
        assert os.listdir(folder.chunks) == [target.name]
    finally:
        folder.close()


def test_a_folder_of_other_files_is_refused(corpus, full_gazetteer, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match=r"holds other files \(notes.txt, ...\)"):
        run(corpus, tmp_path / "out", full_gazetteer, batch.LocalEngine(1))


# --------------------------------------------------------------------------- inputs

TEXT = "Flooding in Basra forced thousands to leave, and aid arrived from Amman."


def mention_texts(outdir: Path) -> list[tuple[str, str]]:
    return [
        (m["article"], m["text"])
        for m in map(json.loads, (outdir / "mentions.jsonl").read_text().splitlines())
    ]


def test_a_folder_of_text_markdown_and_html(full_gazetteer, tmp_path):
    folder = tmp_path / "articles"
    (folder / "b").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT)
    (folder / "b" / "c.md").write_text(f"# Floods\n\n{TEXT.replace('Basra', '**Basra**')}")
    (folder / "b" / "d.html").write_text(f"<p>{TEXT.replace('Amman', '<b>Amman</b>')}</p>")
    (folder / "report.pdf").write_bytes(b"%PDF-1.7")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    source = inputs.open_input(folder)
    assert source.count() == 5
    summary = batch.run(
        source,
        tmp_path / "out",
        gazetteer=full_gazetteer,
        engine=batch.LocalEngine(1),
        map_file=False,
    )
    assert (summary.articles, summary.errors) == (3, 2)
    assert mention_texts(tmp_path / "out") == [
        ("a.txt", "Basra"),
        ("a.txt", "Amman"),
        ("b/c.md", "Basra"),
        ("b/c.md", "Amman"),
        ("b/d.html", "Basra"),
        ("b/d.html", "Amman"),
    ]
    errors = [
        json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()
    ]
    assert errors == [
        {
            "id": "bad.txt",
            "source": "bad.txt",
            "line": 3,
            "reason": "binary data, not text (a NUL byte at byte 8)",
        },
        {
            "id": "report.pdf",
            "source": "report.pdf",
            "line": None,
            "reason": "a PDF file, not text: extract its text first (e.g. pdftotext report.pdf "
            "report.txt) and pass the text file",
        },
    ]


def test_a_csv_with_a_text_column(full_gazetteer, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        'id,body,date\nx1,"' + TEXT + '",2017-11-06\n,"Cairo, Egypt.",\n', encoding="utf-8"
    )
    with pytest.raises(Exception, match="no column 'text'"):
        inputs.open_input(path)
    source = inputs.open_input(path, text_column="body")
    summary = batch.run(
        source,
        tmp_path / "out",
        gazetteer=full_gazetteer,
        engine=batch.LocalEngine(1),
        map_file=False,
    )
    assert summary.articles == 2
    assert mention_texts(tmp_path / "out") == [
        ("x1", "Basra"),
        ("x1", "Amman"),
        ("3", "Cairo"),
        ("3", "Egypt"),
    ]
    places = json.loads((tmp_path / "out" / "places.geojson").read_text())
    basra = next(f for f in places["features"] if f["properties"]["name"] == "Basra")
    assert basra["properties"]["first_date"] == basra["properties"]["last_date"] == "2017-11-06"


# --------------------------------------------------------------------------- the command


def test_cli_reads_stdin_and_prints_a_summary(tmp_path):
    records = synthetic_articles(5)
    result = CliRunner().invoke(
        main,
        ["batch", "-", "-o", str(tmp_path / "out"), "--workers", "1"],
        input="".join(json.dumps(r) + "\n" for r in records),
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("5 articles in ") and first.endswith(" 0 errors")
    assert "\r" not in result.output and "articles/s" not in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*FILES, batch.WORK_DIR])


def test_cli_dask_engine_starts_its_own_cluster(tmp_path):
    pytest.importorskip("distributed")
    source = write_jsonl(tmp_path / "in.jsonl", synthetic_articles(40))
    results = []
    for engine in ("local", "dask"):
        result = CliRunner().invoke(
            main,
            [
                "batch",
                str(source),
                "-o",
                str(tmp_path / engine),
                "--engine",
                engine,
                "--workers",
                "2",
                "--chunk-size",
                "10",
            ],
        )
        assert result.exit_code == 0, result.output
        results.append(read_outputs(tmp_path / engine))
    assert results[0] == results[1]


def test_cli_refuses_another_input_with_exit_code_2(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", synthetic_articles(3))
    b = write_jsonl(tmp_path / "b.jsonl", synthetic_articles(3, seed=2))
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["batch", str(a), "-o", str(out), "--no-map"]).exit_code == 0
    result = CliRunner().invoke(main, ["batch", str(b), "-o", str(out), "--no-map"])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {out} holds a run of a different input ({a}); choose "
        f"another output folder, or delete {out} to start over\n"
    )


def test_cli_refuses_a_run_folder_of_another_layout_and_leaves_it(tmp_path):
    """A run folder that a geomap of another batch layout wrote (its chunk files read
    differently, its chunks named by another hash) is refused with exit code 2, untouched."""
    source = write_jsonl(tmp_path / "in.jsonl", synthetic_articles(3))
    out = tmp_path / "out"
    command = ["batch", str(source), "-o", str(out), "--no-map"]
    assert CliRunner().invoke(main, command).exit_code == 0
    manifest = out / batch.WORK_DIR / "manifest.json"
    older = {**json.loads(manifest.read_text()), "version": 2, "first": "7d4c1e0b9a3f5e2d6c8b"}
    manifest.write_text(json.dumps(older) + "\n")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {out} holds a run of another geomap version's batch layout (layout 2; this "
        f"geomap writes layout {MANIFEST_VERSION}); choose another output folder, or delete "
        f"{out} to start over\n"
    )
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.jsonl", "-o", "out"], "Error: missing.jsonl: no such file or folder\n"),
        (
            ["in.xml", "-o", "out"],
            (
                "Error: in.xml: cannot tell the input format from the file "
                "name; use --input-format (jsonl, csv, txt, md, html)\n"
            ),
        ),
        (
            ["in.jsonl", "-o", "out", "--scheduler", "tcp://127.0.0.1:8786"],
            "Error: --scheduler needs --engine dask\n",
        ),
    ],
    ids=["missing", "unknown-format", "scheduler-without-dask"],
)
def test_cli_errors(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.xml").write_text("<x/>")
    write_jsonl(tmp_path / "in.jsonl", synthetic_articles(1))
    result = CliRunner().invoke(main, ["batch", *args])
    assert (result.exit_code, result.output) == (2, message)


def test_progress_line():
    from geomap.cli import progress_line

    line = progress_line(Progress(done=500, total=2000, skipped=100, errors=0, elapsed=8.0))
    assert line == "[######..................] 500/2,000 articles  50.0 articles/s  ETA 0:30"
    assert progress_line(Progress(30, None, 0, 0, 2.0)) == "30 articles  15.0 articles/s"


def _full_collection_threshold() -> int:
    import gc

    return gc.get_threshold()[2]


def test_worker_processes_geomap_starts_collect_for_a_corpus_and_joined_ones_are_left_alone(
    dask_cluster,
):
    """A local engine's processes and the workers of the Dask cluster the engine starts are
    geomap's: their garbage collector is set for a corpus (geomap.parse.collect_for_a_corpus),
    as the commands' is, a worker restarted after a death included. The workers of a
    cluster joined with --scheduler are the user's."""
    from geomap.parse import FULL_COLLECTION_AFTER

    local = batch.LocalEngine(1)
    try:
        pool = local._new_pool()
        assert pool.submit(_full_collection_threshold).result() == FULL_COLLECTION_AFTER
    finally:
        local.close()
    started = batch.DaskEngine(workers=1)
    try:
        thresholds = started.client.run(_full_collection_threshold)
        assert list(thresholds.values()) == [FULL_COLLECTION_AFTER]
        # A worker the nanny restarts after a death is set as it starts.
        (pid,) = started.pids()
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while started.pids() in ([], [pid]) or not started.client.nthreads():
            assert time.monotonic() < deadline, "the nanny started no worker in 60 s"
            time.sleep(0.05)
        deadline = time.monotonic() + 10  # the worker may answer before its plugins are set
        while list(started.client.run(_full_collection_threshold).values()) != [
            FULL_COLLECTION_AFTER
        ]:
            assert time.monotonic() < deadline, "the restarted worker keeps Python's defaults"
            time.sleep(0.05)
    finally:
        started.close()
    joined = batch.DaskEngine(scheduler=dask_cluster.scheduler_address)
    try:
        assert set(joined.client.run(_full_collection_threshold).values()) == {10}
    finally:
        joined.close()


def test_dask_missing_gives_an_install_hint(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(BatchError, match=r"pip install 'geomap\[dask\]'"):
        batch.make_engine("dask")
