"""``geomap gazetteer ...`` as a user runs it: output, exit codes and exact error text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import unprivileged

from geomap.cli import main
from geomap.gazetteer import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
HEADER = ",".join(COLUMNS) + "\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_every_command_has_help():
    def walk(group: click.Group, path: list[str]):
        for name, command in group.commands.items():
            yield path + [name], command
            if isinstance(command, click.Group):
                yield from walk(command, path + [name])

    commands = list(walk(main, []))
    assert len(commands) >= 6
    for path, command in commands:
        assert command.help, f"geomap {' '.join(path)} has no help text"
        result = run(*path, "--help")
        assert result.exit_code == 0 and "Usage: " in result.output


def test_lookup_prints_the_place(tmp_path):
    csv = tmp_path / "g.csv"
    csv.write_text(
        HEADER + "u:1,Rāwah,Rawa,34.48229,41.91898,city,IQ,Anbar,20000,me\n", encoding="utf-8"
    )
    result = run("gazetteer", "lookup", "rawa", "--gazetteer", str(csv), "--json")
    assert result.exit_code == 0, result.output
    (place,) = [p for p in json.loads(result.output) if p["id"] == "u:1"]
    assert (place["name"], place["lat"], place["lon"], place["admin1"]) == (
        "Rāwah",
        34.48229,
        41.91898,
        "Anbar",
    )


def test_lookup_of_an_unknown_name_says_so():
    result = run("gazetteer", "lookup", "Qwxzptown")
    assert result.exit_code == 1
    assert "No place named 'Qwxzptown'." in result.output


def test_a_bad_extension_file_is_one_line_error_exit_2(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text(HEADER + "u:1,Town,,95,10,city,FR,,1,x\n", encoding="utf-8")
    result = run("gazetteer", "lookup", "Town", "--gazetteer", str(csv))
    assert result.exit_code == 2
    assert result.output == f"Error: {csv}:2: latitude 95 outside [-90, 90]\n"


def test_a_missing_extension_file(tmp_path):
    result = run("gazetteer", "lookup", "Town", "--gazetteer", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope.csv'}: no such file\n"


def test_validate_lists_every_problem_at_once(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text(
        HEADER + "u:1,Town,,95,10,city,FR,,1,x\n"
        "u:2,,,1,1,city,FR,,1,x\n"
        "u:3,Ok,,1,1,city,FR,,1,x\n"
        "u:3,Again,,1,1,city,FR,,1,x\n"
        "u:4,Short,1,1\n",
        encoding="utf-8",
    )
    result = run("gazetteer", "validate", str(csv))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"Error: {csv}:2: latitude 95 outside [-90, 90]",
        f"Error: {csv}:3: missing name",
        f"Error: {csv}:5: duplicate id 'u:3' (first on line 4)",
        f"Error: {csv}:6: expected 10 columns, found 4",
        "4 problems found",
    ]


def test_validate_a_good_file(tmp_path):
    csv = tmp_path / "good.csv"
    csv.write_text(HEADER + "u:1,Town,,45,10,city,FR,,1,x\n", encoding="utf-8")
    result = run("gazetteer", "validate", str(csv))
    assert (result.exit_code, result.output) == (0, f"{csv}: 1 places, no problems\n")


def test_add_then_lookup(tmp_path):
    csv = tmp_path / "mine.csv"
    result = run(
        "gazetteer",
        "add",
        str(csv),
        "--id",
        "me:hq",
        "--name",
        "Camp Zulu",
        "--lat",
        "33.1",
        "--lon",
        "41.2",
        "--kind",
        "base",
        "--country",
        "IQ",
    )
    assert (result.exit_code, result.output) == (0, f"Added Camp Zulu (me:hq) to {csv}\n")
    result = run("gazetteer", "lookup", "camp zulu", "--gazetteer", str(csv), "--json")
    assert json.loads(result.output)[0]["kind"] == "base"


def _info(*args: str) -> dict[str, str]:
    result = run("gazetteer", "info", *args)
    assert result.exit_code == 0, result.output
    return dict(
        line.split(maxsplit=1)
        for line in result.output.splitlines()
        if not line.startswith("file ")
    )


def test_an_edit_is_picked_up_without_rebuilding_the_bundled_places(tmp_path):
    csv = tmp_path / "mine.csv"
    run(
        "gazetteer",
        "add",
        str(csv),
        "--id",
        "me:1",
        "--name",
        "Camp Zulu",
        "--lat",
        "33.1",
        "--lon",
        "41.2",
    )
    before = _info("--gazetteer", str(csv))
    bundled = Path(before["index"]).stat()
    run(
        "gazetteer",
        "add",
        str(csv),
        "--id",
        "me:2",
        "--name",
        "Camp Yankee",
        "--lat",
        "33.2",
        "--lon",
        "41.3",
    )
    result = run("gazetteer", "lookup", "camp yankee", "--gazetteer", str(csv), "--json")
    assert [p["id"] for p in json.loads(result.output)] == ["me:2"]
    after = _info("--gazetteer", str(csv))
    assert after["index"] == before["index"] and after["overlay"] != before["overlay"]
    now = Path(after["index"]).stat()
    assert (now.st_ino, now.st_mtime_ns) == (bundled.st_ino, bundled.st_mtime_ns)
    assert not Path(before["overlay"]).exists()
    assert int(after["places"].replace(",", "")) == int(before["places"].replace(",", "")) + 1


def test_a_refused_add_keeps_the_file(tmp_path):
    csv = tmp_path / "mine.csv"
    run("gazetteer", "add", str(csv), "--id", "me:1", "--name", "A", "--lat", "1", "--lon", "1")
    before = csv.read_bytes()
    result = run(
        "gazetteer", "add", str(csv), "--id", "me:2", "--name", "B", "--lat", "1,5", "--lon", "1"
    )
    assert result.exit_code == 2
    assert result.output == f"Error: {csv}:3: unparsable number '1,5' in column lat\n"
    assert csv.read_bytes() == before


GEONAMES = (
    "99347\tRawah\tRawah\tRawa,Rāwah,راوة\t34.48229\t41.91898\tP\tPPLA2\tIQ\t\t01\t\t\t\t"
    "22000\t\t152\tAsia/Baghdad\t2012-01-19\n"
    "99238\tAnbar\tAnbar\tAl Anbar,Anbar Governorate\t32.9\t41.6\tA\tADM1\tIQ\t\t01\t\t\t\t"
    "1771656\t\t200\tAsia/Baghdad\t2020-01-01\n"
)


def test_import_geonames_dump(tmp_path):
    dump = tmp_path / "IQ.txt"
    dump.write_text(GEONAMES, encoding="utf-8")
    codes = tmp_path / "admin1CodesASCII.txt"
    codes.write_text("IQ.01\tAnbar\tAnbar\t99238\n", encoding="utf-8")
    out = tmp_path / "iq.csv"
    result = run(
        "gazetteer", "import-geonames", str(dump), "--admin1-codes", str(codes), "-o", str(out)
    )
    assert (result.exit_code, result.output) == (0, f"Wrote 2 places to {out}\n")
    result = run(
        "gazetteer", "lookup", "Rawa", "--country", "IQ", "--gazetteer", str(out), "--json"
    )
    rawah = next(p for p in json.loads(result.output) if p["id"] == "gn:99347")
    assert (rawah["kind"], rawah["admin1"], rawah["population"]) == ("city", "Anbar", 22000)
    assert "راوة" not in rawah["alternate_names"]
    anbar = json.loads(
        run(
            "gazetteer", "lookup", "Al Anbar", "--kind", "admin1", "--gazetteer", str(out), "--json"
        ).output
    )
    assert anbar[0]["id"] == "gn:99238"


def test_import_geonames_bad_line(tmp_path):
    dump = tmp_path / "IQ.txt"
    dump.write_text(GEONAMES + "1\tBroken\tline\n", encoding="utf-8")
    out = tmp_path / "iq.csv"
    result = run("gazetteer", "import-geonames", str(dump), "-o", str(out))
    assert result.exit_code == 2
    assert result.output == f"Error: {dump}:3: expected 19 tab-separated columns, found 3\n"
    assert not out.exists()


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "geomap", "--help"], capture_output=True, text=True, check=True
    )
    assert "Usage: geomap" in result.stdout


@pytest.mark.slow
def test_an_index_build_shows_a_progress_bar_on_a_terminal(tmp_path, full_gazetteer):
    """On a terminal, building an index that takes a while (here the overlay of 100,000 user
    rows) draws a bar on stderr; stdout keeps only the answer."""
    csv = tmp_path / "big.csv"
    csv.write_text(
        HEADER
        + "".join(
            f"u:{i},Hamlet {i},,{i % 80},{i % 170},city,FR,,{i},me\n" for i in range(100_000)
        ),
        encoding="utf-8",
    )
    main_fd, terminal = os.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "geomap", "gazetteer", "lookup", "Hamlet 7", "--gazetteer", csv],
            stderr=terminal,
            stdout=subprocess.PIPE,
            text=True,
        )
        os.close(terminal)
        drawn = b""
        while chunk := _read_some(main_fd):
            drawn += chunk
    finally:
        os.close(main_fd)
    assert result.returncode == 0 and result.stdout.startswith("Hamlet 7 ")
    lines = drawn.decode().replace("\r\n", "\n").split("\r")
    assert lines[-1].rstrip().endswith("[########################] 100%")
    assert all(line.strip().startswith("Compiling the gazetteer: [") for line in lines[1:])


def _read_some(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the terminal's other end is closed and drained
        return b""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """A non-editable install into a fresh virtual environment: (environment, a folder).

    The environment sees the already installed dependencies (no network); geomap itself is
    built from this checkout, with its data (and the bundled places' index) inside the wheel.
    """
    tmp_path = tmp_path_factory.mktemp("installed")
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    # The packages of the environment running the tests (hatchling, click, folium...), seen
    # after the new environment's own: system_site_packages would give the base
    # interpreter's, which lack them when the tests run in a virtual environment.
    ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    query = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    theirs = subprocess.run(
        [python, "-c", query], capture_output=True, text=True, check=True
    ).stdout.strip()
    (Path(theirs) / "_geomap_test_parent.pth").write_text("\n".join(sorted(ours)) + "\n")
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".pytest_cache", "output", "test-artifacts", "__pycache__", "*.egg-info"
        ),
    )
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            str(source),
        ],
        check=True,
    )
    shutil.rmtree(source)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    return env, elsewhere


@pytest.mark.scale
def test_installed_wheel_finds_its_gazetteer(installed):
    """The installed package answers from another folder, from its own data."""
    env, elsewhere = installed
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    clean_env["GEOMAP_CACHE_DIR"] = str(elsewhere / "first-cache")
    python = env / "bin" / "python"
    where = subprocess.run(
        [python, "-c", "import geomap; print(geomap.__file__)"],
        cwd=elsewhere,
        env=clean_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(env))
    result = subprocess.run(
        [env / "bin" / "geomap", "gazetteer", "lookup", "Ramadi", "--country", "IQ"],
        cwd=elsewhere,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ramadi ") and "33.4206" in result.stdout
    # The bundled places came compiled in the wheel: nothing was built on first use.
    assert not (elsewhere / "first-cache").exists()


@pytest.mark.scale
def test_a_read_only_install_reads_its_index_and_caches_only_user_rows(installed):
    """As a user who cannot write to the installed package (a system-wide install)."""
    env, folder = installed
    package = next((env / "lib").glob("python*/site-packages/geomap"))
    assert len(list((package / "gazetteer_data").glob("bundled-*.sqlite"))) == 1
    mine = folder / "mine.csv"
    mine.write_text(HEADER + "u:1,Camp Zulu,,33.1,41.2,base,IQ,,0,me\n", encoding="utf-8")
    cache = folder / "cache"
    cache.mkdir()
    subprocess.run(["chmod", "-R", "a-w", str(env)], check=True)
    try:
        clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        clean_env["GEOMAP_CACHE_DIR"] = str(cache)
        for args in (["Ramadi", "--country", "IQ"], ["Camp Zulu", "--gazetteer", str(mine)]):
            result = subprocess.run(
                unprivileged() + [env / "bin" / "geomap", "gazetteer", "lookup", *args],
                cwd=folder,
                env=clean_env,
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, result.stderr
            assert result.stdout.startswith(args[0])
        assert [p.name.split("-")[0] for p in cache.glob("*.sqlite")] == ["user"]
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(env)], check=True)


def test_lookup_fuzzy_in_a_country_shows_near_spellings_with_their_edits():
    result = run("gazetteer", "lookup", "Tikreet", "--fuzzy", "--country", "IQ")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("Tikrīt") and "Saladin, IQ" in first and first.endswith("1 edit")
    assert run("gazetteer", "lookup", "Tikreet", "--country", "IQ").exit_code == 1
