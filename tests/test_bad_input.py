"""Bad input and faults, a test per row of docs/bad-input.md: each input gets a one-line
error with exit code 2 (130 for Ctrl-C), or works; nothing already on disk is damaged."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, unprivileged

from geomap import batch, inputs
from geomap.cli import main
from geomap.gazetteer import COLUMNS, Gazetteer, cache_dir

ARTICLE = (
    "Fighting in Ramadi.\r\nShelling hit Rawa, 80 km east of Al-Qaim, Iraq, on Monday.\r"
    "Troops reached Baghdad.\n"
)
NAMES = ["Ramadi", "Rawa", "Al-Qaim", "Iraq", "Baghdad"]
HEADER = ",".join(COLUMNS)


def geomap(*args: str) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_error(result, message: str) -> None:
    """Exit code 2 and exactly one line: ``Error: message``."""
    assert (result.exit_code, result.output) == (2, f"Error: {message}\n")


def command_args(command: str, article: Path, out: Path) -> list:
    return [command, article] + (["-o", out] if command == "map" else [])


def mentions(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["mentions"]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GEOMAP_GAZETTEER"}
    env.update(extra)
    return env


@pytest.fixture
def old_map(tmp_path) -> Path:
    path = tmp_path / "out" / "map.html"
    path.parent.mkdir()
    path.write_text("the map of yesterday")
    return path


# --------------------------------------------------------------------------- articles


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "no text (the file is empty)"),
        (b" \n\t\r\n  ", "no text (only whitespace)"),
    ],
    ids=["empty", "whitespace"],
)
@pytest.mark.parametrize("command", ["extract", "check", "map"])
def test_an_empty_article_is_refused(tmp_path, old_map, command, content, problem):
    article = tmp_path / "a.txt"
    article.write_bytes(content)
    assert_error(geomap(*command_args(command, article, old_map)), f"{article}: {problem}")
    assert old_map.read_text() == "the map of yesterday"


def test_empty_records_of_a_corpus_are_articles_without_places(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": "a", "text": ""}\n{"id": "b", "text": "  "}\n'
        '{"id": "c", "text": "Rain in Ramadi, Iraq."}\n'
    )
    result = geomap("batch", corpus, "-o", tmp_path / "out", "--workers", "1", "--no-map")
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "out" / "mentions.jsonl").read_text().splitlines()
    assert {json.loads(line)["article"] for line in lines} == {"c"}
    assert (tmp_path / "out" / "errors.jsonl").read_text() == ""


@pytest.mark.parametrize("command", ["extract", "check", "map"])
def test_a_binary_file_is_refused(tmp_path, old_map, command):
    image = tmp_path / "photo.txt"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert_error(
        geomap(*command_args(command, image, old_map)),
        f"{image}:3: binary data, not text (a NUL byte at byte 8)",
    )
    assert old_map.read_text() == "the map of yesterday"


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig"])
def test_a_byte_order_mark_is_followed(tmp_path, codec):
    article = tmp_path / "a.txt"
    article.write_bytes(ARTICLE.encode(codec))
    found = mentions(geomap("extract", article, "--format", "json"))
    assert [m["text"] for m in found] == NAMES
    assert all(ARTICLE[m["start"] : m["end"]] == m["text"] for m in found)


def test_utf16_without_a_mark_names_the_encoding_to_use(tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(ARTICLE.encode("utf-16-le"))
    assert_error(
        geomap("extract", article),
        f"{article}:1: UTF-16 text without a byte-order mark (use --encoding utf-16-le)",
    )
    found = mentions(geomap("extract", article, "--format", "json", "--encoding", "utf-16-le"))
    assert [m["text"] for m in found] == NAMES


def test_a_latin1_file_is_refused_until_its_encoding_is_given(tmp_path):
    article = tmp_path / "a.txt"
    text = "Troops left Ramadi, the caf\u00e9 owner said.\nThey reached Baghdad, Iraq.\n"
    article.write_bytes(text.encode("latin-1"))
    assert_error(
        geomap("check", article), f"{article}:1: not UTF-8 text at byte 27 (use --encoding)"
    )
    found = mentions(geomap("extract", article, "--format", "json", "--encoding", "latin-1"))
    assert [(m["text"], text[m["start"] : m["end"]]) for m in found] == [
        ("Ramadi", "Ramadi"),
        ("Baghdad", "Baghdad"),
        ("Iraq", "Iraq"),
    ]


def test_mixed_line_endings_keep_offsets_into_the_file(tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(ARTICLE.encode())
    found = mentions(geomap("extract", article, "--format", "json"))
    assert [m["text"] for m in found] == NAMES
    assert all(ARTICLE[m["start"] : m["end"]] == m["text"] for m in found)
    assert [m["place"]["country"] for m in found] == ["IQ"] * 5
    claims = json.loads(geomap("check", article, "--format", "json").output)["claims"]
    assert [(c["claim"], c["subject_id"], c["reference_id"], c["distance"]) for c in claims] == [
        ("80 km east of Al-Qaim", "gn:92004", "gn:92138", "consistent")
    ]
    assert ARTICLE[claims[0]["start"] : claims[0]["end"]] == "80 km east of Al-Qaim"


@pytest.mark.parametrize("command", ["extract", "check", "map", "batch"])
def test_a_url_says_it_is_not_fetched(tmp_path, command):
    url = "https://news.example/2017/11/06/husaybah.html"
    args = [command, url] + (["-o", tmp_path / "out"] if command in ("map", "batch") else [])
    assert_error(geomap(*args), f"{url}: URLs are not fetched: save the page and pass the file")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["extract", "check", "map"])
def test_a_folder_points_to_batch(tmp_path, old_map, command):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Rain in Ramadi.")
    assert_error(
        geomap(*command_args(command, folder, old_map)),
        f"{folder}: a folder, and geomap {command} reads article files; for a folder "
        f"of articles use geomap batch {folder} -o OUTDIR",
    )
    assert old_map.read_text() == "the map of yesterday"


@pytest.mark.parametrize("command", ["extract", "check", "map", "batch"])
def test_a_pdf_says_to_extract_its_text(tmp_path, old_map, command):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    args = (
        [command, pdf]
        + (["-o", old_map] if command == "map" else [])
        + (["-o", tmp_path / "out"] if command == "batch" else [])
    )
    assert_error(
        geomap(*args),
        f"{pdf}: a PDF file, not text: extract its text first (e.g. "
        "pdftotext report.pdf report.txt) and pass the text file",
    )
    assert old_map.read_text() == "the map of yesterday"


@pytest.mark.parametrize(
    "command",
    [["extract", "-"], ["batch", "-", "--workers", "1", "--no-map", "-o"]],
    ids=["extract", "batch"],
)
def test_a_closed_output_pipe_ends_quietly(tmp_path, command):
    """As ``geomap extract - | head -3``, with the reader gone before geomap writes a line."""
    if command[0] == "batch":
        command = command + [str(tmp_path / "out")]
        text = json.dumps({"id": "a", "text": ARTICLE}) + "\n"
    else:
        text = ARTICLE
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "geomap", *command],
            input=text.encode(),
            stdout=write,
            stderr=subprocess.PIPE,
            env=subprocess_env(),
        )
    finally:
        os.close(write)
    assert (result.returncode, result.stderr.decode()) == (0, "")
    if command[0] == "batch":
        assert len((tmp_path / "out" / "mentions.jsonl").read_text().splitlines()) == 5


def test_head_of_a_pipe(tmp_path):
    """The shell's view: every command of the pipeline succeeds, nothing is said."""
    script = (
        f"set -o pipefail; {sys.executable} -m geomap extract {EXAMPLE} | head -3 && "
        f"{sys.executable} -m geomap batch {EXAMPLE} -o {tmp_path / 'out'} --no-map "
        "--workers 1 | head -1"
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=subprocess_env()
    )
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and lines[3].startswith("1 article in ")


@pytest.mark.scale
def test_a_50_mb_article(tmp_path):
    """The example article repeated to 50 MB: every copy reads the same."""
    one = EXAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    copies = 50_000_000 // len(one.encode()) + 1
    article = tmp_path / "big.txt"
    article.write_text(one * copies, encoding="utf-8")
    assert article.stat().st_size >= 50_000_000
    small = tmp_path / "one.txt"
    small.write_text(one, encoding="utf-8")
    command = [sys.executable, "-m", "geomap", "extract", "--format", "csv"]
    single = subprocess.run(
        command + [small], capture_output=True, text=True, check=True, env=subprocess_env()
    ).stdout.splitlines()[1:]
    result = subprocess.run(
        command + [article], capture_output=True, text=True, env=subprocess_env()
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = result.stdout.splitlines()[1:]
    assert len(rows) == copies * len(single)
    # The last copy names the same places as the article alone (only the confidence may
    # grow with the evidence of 21,441 copies), at offsets shifted by the copies before it.
    assert _places(rows[-len(single) :]) == _places(single)
    assert int(rows[-1].split(",")[1]) == int(single[-1].split(",")[1]) + (copies - 1) * len(one)


def _places(csv_rows: list[str]) -> list[list[str]]:
    """text, kind, name, lat, lon, country, place id and type word of each CSV row."""
    return [cells[3:10] + cells[11:] for cells in (row.split(",") for row in csv_rows)]


# --------------------------------------------------------------------------- corpora


@pytest.mark.scale
def test_a_million_line_jsonl_with_ten_bad_lines_streams(tmp_path):
    """The reader streams: a million records, the ten bad ones named by line."""
    path = tmp_path / "million.jsonl"
    bad = {17, 1_000, 99_999, 250_000, 500_001, 600_000, 777_777, 900_000, 999_998, 1_000_000}
    with open(path, "w", encoding="utf-8") as out:
        for line in range(1, 1_000_001):
            out.write(
                '{"id": 1, "text": oops\n'
                if line in bad
                else f'{{"id": "a{line}", "text": "Rain in Rawa."}}\n'
            )
    articles = errors = 0
    for item in inputs.open_input(path).items():
        if isinstance(item, inputs.BadRecord):
            assert item.line in bad and item.reason.startswith("bad JSON (Expecting value")
            errors += 1
        else:
            articles += 1
    assert (articles, errors) == (999_990, 10)


def test_bad_lines_of_a_corpus_go_to_errors_and_the_run_goes_on(tmp_path):
    path = tmp_path / "corpus.jsonl"
    bad = {
        3: b'{"id": "x", "text": oops',
        50: b"[1, 2]",
        120: b'{"id": "y"}',
        200: b'{"id": [1], "text": "a"}',
        333: b'{"text": 5}',
        400: b"\xff\xfe not UTF-8",
        512: b'{"id": "z", "text": "a", "format": "pdf"}',
        640: b'{"text": "a", "date": "yesterday"}',
        777: b"not json",
        1000: b'{"id": "w", "text": null}',
    }
    with open(path, "wb") as out:
        for line in range(1, 1001):
            out.write(
                (
                    bad[line]
                    if line in bad
                    else json.dumps({"id": f"a{line}", "text": "Rain in Rawa, Iraq."}).encode()
                )
                + b"\n"
            )
    result = geomap("batch", path, "-o", tmp_path / "out", "--workers", "2", "--no-map")
    assert result.exit_code == 0, result.output
    errors = [json.loads(x) for x in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert sorted(e["line"] for e in errors) == sorted(bad)
    assert len((tmp_path / "out" / "mentions.jsonl").read_text().splitlines()) == 990 * 2


def test_a_folder_with_unreadable_files_and_loops(tmp_path):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "ok.txt").write_text("Shelling hit Ramadi, Iraq.")
    (folder / "sub" / "deeper.md").write_text("# Rain\n\nRain fell on *Rawa*.")
    (folder / "secret.txt").write_text("Troops reached Baghdad.")
    (folder / "secret.txt").chmod(0)
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "gone.txt").symlink_to("nowhere.txt")
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    out = tmp_path / "out"
    result = subprocess.run(
        unprivileged()
        + [
            sys.executable,
            "-m",
            "geomap",
            "batch",
            folder,
            "-o",
            out,
            "--workers",
            "1",
            "--no-map",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=subprocess_env(),
    )
    assert result.returncode == 0, result.stderr
    articles = {json.loads(x)["article"] for x in (out / "mentions.jsonl").read_text().splitlines()}
    assert articles == {"ok.txt", "sub/deeper.md"}
    errors = {
        e["source"]: e["reason"]
        for e in map(json.loads, (out / "errors.jsonl").read_text().splitlines())
    }
    assert errors == {
        "gone.txt": "cannot read file (No such file or directory)",
        "loop.txt": "cannot read file (Too many levels of symbolic links)",
        "pipe.txt": "not a regular file",
        "secret.txt": "cannot read file (Permission denied)",
    }


# --------------------------------------------------------------------------- gazetteers


@pytest.mark.parametrize(
    "content, line, problem",
    [
        (f"{HEADER}\nu:1,Rawa,,91,41.9,city,IQ,,0,me\n", 2, "latitude 91 outside [-90, 90]"),
        (
            f"{HEADER}\nu:1,Rawa,,34.5,41.9,city,IQ,,many,me\n",
            2,
            "unparsable number 'many' in column population",
        ),
        (f"{HEADER}\nu:1,,,34.5,41.9,city,IQ,,0,me\n", 2, "missing name"),
        (f"{HEADER}\nu:1,Rawa,34.5,41.9,city,IQ,,0,me\n", 2, "expected 10 columns, found 9"),
        (
            f"{HEADER}\nu:1,Rawa,,34.5,41.9,city,IQ,,0,me\nu:1,Rawa,,34.5,41.9,city,IQ,,0,me\n",
            3,
            "duplicate id 'u:1' (first on line 2)",
        ),
        (
            f"{HEADER}\nu:1,Rawa,,34.5,41.9,city,IQ,,0,me\nu:2,R\udcffwa,,1,1,city,IQ,,0,me\n",
            3,
            f"not UTF-8 text at byte {len(HEADER) + 40}",
        ),
        (
            "id,name,lat,lon\nu:1,Rawa,34.5,41.9\n",
            1,
            "header column 3 is 'lat', expected 'alternate_names' (the header must be "
            + ",".join(COLUMNS)
            + ", optionally followed by capital,extent_km)",
        ),
        ("", 1, "empty file: expected a header row"),
    ],
    ids=["latitude", "number", "name", "columns", "duplicate", "bytes", "header", "empty"],
)
def test_a_bad_gazetteer_row_stops_every_command(tmp_path, old_map, content, line, problem):
    csv = tmp_path / "mine.csv"
    csv.write_bytes(content.encode("utf-8", "surrogateescape"))
    before = csv.read_bytes()
    article = tmp_path / "a.txt"
    article.write_text("Shelling hit Rawa, Iraq.")
    cache = tmp_path / "cache"
    for command in ("extract", "check", "map"):
        result = CliRunner(env={"GEOMAP_CACHE_DIR": str(cache)}).invoke(
            main,
            [str(a) for a in command_args(command, article, old_map)] + ["--gazetteer", str(csv)],
        )
        assert_error(result, f"{csv}:{line}: {problem}")
    assert csv.read_bytes() == before and old_map.read_text() == "the map of yesterday"
    assert not list(cache.glob("*.sqlite")) and not list(cache.glob("*.tmp"))


def test_a_gazetteer_that_is_not_gzip(tmp_path):
    csv = tmp_path / "mine.csv.gz"
    csv.write_text(f"{HEADER}\n")
    assert_error(
        geomap("gazetteer", "lookup", "Rawa", "--gazetteer", csv),
        f"{csv}: not a gzip file (Not a gzipped file (b'id'))",
    )


def _write_big_gazetteer(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            out.write(
                f"u:{i},Hamlet {i},Ham {i},{(i % 17_999) / 100 - 89.99:.2f},"
                f"{(i % 35_999) / 100 - 179.99:.2f},city,FR,,{i % 5000},test\n"
            )


@pytest.mark.scale
def test_a_gazetteer_of_two_million_rows(tmp_path):
    csv = tmp_path / "big.csv"
    _write_big_gazetteer(csv, 2_000_000)
    with Gazetteer.open([csv], bundled=False, use_env=False, cache=tmp_path / "cache") as gaz:
        assert len(gaz) == 2_000_000
        place = gaz.lookup("Hamlet 1999999")[0]
        assert (place.id, place.lat, place.lon) == ("u:1999999", -68.89, 20.55)
        assert [p.id for p in gaz.lookup("Ham 42")] == ["u:42"]


# --------------------------------------------------------------------------- output


def test_a_read_only_output_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "map.html").write_text("the map of yesterday")
    folder.chmod(0o555)
    try:
        result = subprocess.run(
            unprivileged()
            + [sys.executable, "-m", "geomap", "map", EXAMPLE, "-o", folder / "map.html"],
            capture_output=True,
            text=True,
            env=subprocess_env(),
        )
        assert (result.returncode, result.stderr) == (
            2,
            f"Error: {folder / 'map.html'}: cannot write (Permission denied)\n",
        )
        result = subprocess.run(
            unprivileged()
            + [sys.executable, "-m", "geomap", "batch", EXAMPLE, "-o", folder / "corpus"],
            capture_output=True,
            text=True,
            env=subprocess_env(),
        )
        assert (result.returncode, result.stderr) == (
            2,
            f"Error: {folder / 'corpus'}: cannot write (Permission denied); finished "
            "chunks are kept, rerun to resume\n",
        )
        assert os.listdir(folder) == ["map.html"]
        assert (folder / "map.html").read_text() == "the map of yesterday"
    finally:
        folder.chmod(0o755)


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of its own (tmpfs), so a test can fill it."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount], capture_output=True, text=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", mount], check=True)


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    filler.write_bytes(b"\0" * max(0, free - leave))
    return filler


def test_a_full_disk_keeps_the_old_map(small_disk):
    old = small_disk / "map.html"
    old.write_text("the map of yesterday")
    _fill(small_disk, leave=64 * 1024)
    before = sorted(os.listdir(small_disk))
    assert_error(
        geomap("map", EXAMPLE, "-o", old), f"{old}: cannot write (No space left on device)"
    )
    assert old.read_text() == "the map of yesterday"
    assert sorted(os.listdir(small_disk)) == before


def test_a_batch_on_a_full_disk_resumes_once_there_is_room(small_disk, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as out:
        for i in range(400):
            out.write(
                json.dumps(
                    {
                        "id": f"a{i}",
                        "text": f"Day {i}: shelling hit Ramadi, "
                        "Rawa and Al-Qaim, Iraq, and Abu Kamal, Syria.",
                    }
                )
                + "\n"
            )
    args = [corpus, "--workers", "1", "--chunk-size", "20", "--no-map"]
    reference = tmp_path / "reference"
    assert geomap("batch", *args[:1], "-o", reference, *args[1:]).exit_code == 0
    filler = _fill(small_disk, leave=120 * 1024)
    out = small_disk / "out"
    result = geomap("batch", *args[:1], "-o", out, *args[1:])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert result.output == (
        f"Error: {out}: cannot write (No space left on device); "
        "finished chunks are kept, rerun to resume\n"
    )
    assert list((out / batch.WORK_DIR / "chunks").glob("*.chunk"))
    filler.unlink()
    result = geomap("batch", *args[:1], "-o", out, *args[1:])
    assert result.exit_code == 0, result.output
    assert "resumed" in result.output
    for name in ("mentions.jsonl", "places.geojson", "claims.csv", "errors.jsonl"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_a_full_cache_disk(small_disk, tmp_path):
    # A user file needs an index in the cache whatever the install (a wheel carries the
    # bundled places' index; a checkout builds it in the cache too).
    mine = tmp_path / "mine.csv"
    mine.write_text(HEADER + "\nt:1,Hamlet,,1,1,city,FR,,0,test\n", encoding="utf-8")
    _fill(small_disk, leave=16 * 1024)
    result = CliRunner(env={"GEOMAP_CACHE_DIR": str(small_disk)}).invoke(
        main, ["gazetteer", "lookup", "Hamlet", "--gazetteer", str(mine)]
    )
    assert_error(
        result,
        f"{small_disk}: cannot build the gazetteer index here (database or "
        "disk is full); set GEOMAP_CACHE_DIR to a folder with room",
    )
    left = sorted(p.name for p in small_disk.iterdir() if p.suffix in (".sqlite", ".tmp"))
    assert left == []


# --------------------------------------------------------------------------- Ctrl-C


def _wait_for(predicate, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


@pytest.mark.scale
def test_ctrl_c_during_an_index_build(tmp_path, full_gazetteer):
    """Interrupted while it compiles a big user file (the bundled index already built)."""
    csv = tmp_path / "mine.csv"
    _write_big_gazetteer(csv, 300_000)
    before = csv.read_bytes()
    # The cache the user file's index goes to (which holds the bundled places' index too
    # in a checkout; a wheel carries that one in the package).
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    cached = set(cache.iterdir())
    command = [
        sys.executable,
        "-m",
        "geomap",
        "gazetteer",
        "lookup",
        "Hamlet 7",
        "--gazetteer",
        csv,
    ]
    env = subprocess_env(GEOMAP_CACHE_DIR=str(cache))
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    _wait_for(lambda: list(cache.glob("*.tmp")) or process.poll() is not None)
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out) == (130, "")
    assert err == "Interrupted: files already on disk are as they were, or complete.\n"
    assert set(cache.iterdir()) - cached <= {cache / "user.lock"}
    assert csv.read_bytes() == before
    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.startswith("Hamlet 7 ")


@pytest.mark.slow
def test_ctrl_c_during_a_batch_loses_nothing(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as out:
        for i in range(1200):
            out.write(
                json.dumps(
                    {
                        "id": f"a{i}",
                        "text": f"Day {i}: shelling hit Ramadi "
                        "and Rawa, Iraq, 80 km east of Al-Qaim.",
                    }
                )
                + "\n"
            )
    command = [
        sys.executable,
        "-m",
        "geomap",
        "batch",
        corpus,
        "--workers",
        "2",
        "--chunk-size",
        "20",
        "--no-map",
        "-o",
    ]
    reference = tmp_path / "reference"
    subprocess.run(command + [reference], check=True, capture_output=True, env=subprocess_env())
    out = tmp_path / "out"
    chunks = out / batch.WORK_DIR / "chunks"
    process = subprocess.Popen(
        command + [out],
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    _wait_for(lambda: len(list(chunks.glob("*.chunk"))) >= 3 if chunks.is_dir() else False)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("Interrupted: finished chunks are kept in")
    kept = len(list(chunks.glob("*.chunk")))
    assert 3 <= kept < 60 and not (out / "mentions.jsonl").exists()
    again = subprocess.run(command + [out], capture_output=True, text=True, env=subprocess_env())
    assert again.returncode == 0, again.stderr
    assert f"({kept * 20:,} resumed)" in again.stdout
    for name in ("mentions.jsonl", "places.geojson", "claims.csv", "errors.jsonl"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


# --------------------------------------------------------------------------- concurrency


def _open_cold(args: tuple[str, list[str]]) -> tuple[bool, str]:
    cache, files = args
    with Gazetteer.open(files, cache=cache, use_env=False) as gaz:
        place = gaz.lookup("Ramadi", country="IQ")[0]
        return gaz.built, f"{place.id} {place.lat} {place.lon}"


@pytest.mark.scale
def test_eight_processes_on_a_cold_cache_build_the_index_once(tmp_path):
    # In a checkout the cold cache lacks the bundled places' index; an installed wheel
    # carries that one, and a user file's index is what the cache lacks.
    from geomap.gazetteer import bundled_dir, bundled_files, packaged_index_name

    files = []
    if (bundled_dir() / packaged_index_name(bundled_files())).exists():
        mine = tmp_path / "mine.csv"
        mine.write_text(HEADER + "\nt:1,Hamlet,,1,1,city,FR,,0,test\n", encoding="utf-8")
        files = [str(mine)]
    cache = tmp_path / "cold"
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        results = pool.map(_open_cold, [(str(cache), files)] * 8)
    assert sorted(built for built, _ in results) == [False] * 7 + [True]
    answers = {answer for _, answer in results}
    assert len(answers) == 1 and answers.pop().startswith("gn:98717 33.42")
    # One index, its lock (and the memo of the bundled files' digests), nothing half-built.
    assert {p.suffix for p in cache.iterdir()} <= {".json", ".lock", ".sqlite"}
    assert len(list(cache.glob("*.sqlite"))) == 1
