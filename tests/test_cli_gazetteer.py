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
    csv.write_text(HEADER + "u:1,Rāwah,Rawa,34.48229,41.91898,city,IQ,Anbar,20000,me\n",
                   encoding="utf-8")
    result = run("gazetteer", "lookup", "rawa", "--gazetteer", str(csv), "--json")
    assert result.exit_code == 0, result.output
    (place,) = [p for p in json.loads(result.output) if p["id"] == "u:1"]
    assert (place["name"], place["lat"], place["lon"], place["admin1"]) == (
        "Rāwah", 34.48229, 41.91898, "Anbar")


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
    csv.write_text(HEADER + "u:1,Town,,95,10,city,FR,,1,x\n"
                   "u:2,,,1,1,city,FR,,1,x\n"
                   "u:3,Ok,,1,1,city,FR,,1,x\n"
                   "u:3,Again,,1,1,city,FR,,1,x\n"
                   "u:4,Short,1,1\n", encoding="utf-8")
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
    result = run("gazetteer", "add", str(csv), "--id", "me:hq", "--name", "Camp Zulu",
                 "--lat", "33.1", "--lon", "41.2", "--kind", "base", "--country", "IQ")
    assert (result.exit_code, result.output) == (0, f"Added Camp Zulu (me:hq) to {csv}\n")
    result = run("gazetteer", "lookup", "camp zulu", "--gazetteer", str(csv), "--json")
    assert json.loads(result.output)[0]["kind"] == "base"


def test_a_refused_add_keeps_the_file(tmp_path):
    csv = tmp_path / "mine.csv"
    run("gazetteer", "add", str(csv), "--id", "me:1", "--name", "A", "--lat", "1", "--lon", "1")
    before = csv.read_bytes()
    result = run("gazetteer", "add", str(csv), "--id", "me:2", "--name", "B", "--lat", "1,5",
                 "--lon", "1")
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
    result = run("gazetteer", "import-geonames", str(dump), "--admin1-codes", str(codes),
                 "-o", str(out))
    assert (result.exit_code, result.output) == (0, f"Wrote 2 places to {out}\n")
    result = run("gazetteer", "lookup", "Rawa", "--country", "IQ", "--gazetteer", str(out),
                 "--json")
    rawah = next(p for p in json.loads(result.output) if p["id"] == "gn:99347")
    assert (rawah["kind"], rawah["admin1"], rawah["population"]) == ("city", "Anbar", 22000)
    assert "راوة" not in rawah["alternate_names"]
    anbar = json.loads(run("gazetteer", "lookup", "Al Anbar", "--kind", "admin1",
                           "--gazetteer", str(out), "--json").output)
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
    result = subprocess.run([sys.executable, "-m", "geomap", "--help"], capture_output=True,
                            text=True, check=True)
    assert "Usage: geomap" in result.stdout


@pytest.mark.scale
def test_installed_wheel_finds_its_gazetteer(tmp_path):
    """A non-editable install into a fresh virtual environment answers from another folder.

    The environment sees the already installed dependencies (no network); geomap itself is
    built from this checkout, with its data inside the wheel.
    """
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    # The packages of the environment running the tests (hatchling, click, folium...), seen
    # after the new environment's own: system_site_packages would give the base
    # interpreter's, which lack them when the tests run in a virtual environment.
    ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    query = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    theirs = subprocess.run([python, "-c", query], capture_output=True, text=True,
                            check=True).stdout.strip()
    (Path(theirs) / "_geomap_test_parent.pth").write_text("\n".join(sorted(ours)) + "\n")
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".pytest_cache", "output", "test-artifacts", "__pycache__", "*.egg-info"))
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", str(source)], check=True)
    shutil.rmtree(source)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    clean_env["GEOMAP_CACHE_DIR"] = str(tmp_path / "cache")
    where = subprocess.run([python, "-c", "import geomap; print(geomap.__file__)"],
                           cwd=elsewhere, env=clean_env, capture_output=True, text=True,
                           check=True).stdout
    assert where.startswith(str(env))
    result = subprocess.run([env / "bin" / "geomap", "gazetteer", "lookup", "Ramadi",
                             "--country", "IQ"], cwd=elsewhere, env=clean_env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ramadi ") and "33.4206" in result.stdout
