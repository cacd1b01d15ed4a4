"""The article commands as a user runs them: ``geomap map``, ``check`` and ``extract``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT

from geomap.cli import main


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture(scope="module")
def default_map(tmp_path_factory) -> tuple[Path, str]:
    """``geomap map`` with no argument, run in an empty folder."""
    folder = tmp_path_factory.mktemp("cwd")
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, ["map"])
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return folder / "output" / "map.html", result.output


def test_map_with_no_argument_maps_the_bundled_example(default_map):
    path, output = default_map
    assert output == (
        "Mapped 13 places (35 mentions) from 1 article, with 2 distance claims "
        "(1 inconsistent): output/map.html\n"
    )
    page = path.read_text(encoding="utf-8")
    assert "Iraqi PM raises flag at IS-free crossing with Syria" in page
    assert "https://unpkg" not in page and "cdn.jsdelivr" not in page


def test_the_default_map_in_an_offline_browser(default_map, open_offline):
    from test_browser import assert_clean, click_marker, popup_text, ready

    page = ready(open_offline(default_map[0]))
    names = page.js("return geomap.instances[0].places.map(p => p.name)")
    assert len(names) == 13
    assert {
        "Ramadi",
        "Baghdad",
        "Iraq",
        "Syria",
        "Husaybah crossing",
        "Al-Walid border crossing",
    } <= set(names)
    click_marker(page, "Ramadi")
    text = popup_text(page)
    assert "410 kilometers west of provincial capital Ramadi" in text
    page.screenshot("cli-map.png")
    assert_clean(page)


def test_check_reports_the_two_claims_of_the_example():
    result = run("check", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    near, far = json.loads(result.output)["claims"]
    assert (near["subject"], near["reference"], near["distance"]) == (
        "Husaybah",
        "Al-Qaim",
        "consistent",
    )
    assert (far["reference"], far["stated_direction"], far["distance"], far["bearing"]) == (
        "Ramadi",
        "W",
        "inconsistent",
        "consistent",
    )
    assert 235 < far["computed_km"] < 245 and far["computed_direction"] == "WNW"
    assert far["fits"].startswith("Al-Walid border crossing")


def test_check_fails_on_an_inconsistent_claim_when_asked():
    result = run("check", str(EXAMPLE), "--fail-on-inconsistent")
    assert result.exit_code == 1
    assert "distance inconsistent, direction consistent" in result.output
    assert run("check", str(EXAMPLE)).exit_code == 0


def test_check_an_article_without_claims(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Officials in Baghdad met envoys from Damascus.", encoding="utf-8")
    result = run("check", str(article), "--fail-on-inconsistent")
    assert (result.exit_code, result.output) == (0, "No location statements found.\n")


def test_extract_geojson_is_lon_lat():
    result = run("extract", str(EXAMPLE), "--format", "geojson")
    assert result.exit_code == 0, result.output
    collection = json.loads(result.output)
    ramadi = next(f for f in collection["features"] if f["properties"]["text"] == "Ramadi")
    lon, lat = ramadi["geometry"]["coordinates"]
    assert abs(lat - 33.42) < 0.1 and abs(lon - 43.31) < 0.1


def test_extract_labels_the_mentions_of_a_corpus_by_article_id(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"id": "a1", "text": "Flooding hit Rawa, Iraq."})
        + "\n"
        + json.dumps({"id": "a2", "text": "Nothing here."})
        + "\n"
        + json.dumps({"text": "Rain in Mosul."})
        + "\n",
        encoding="utf-8",
    )
    result = run("extract", str(corpus), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["article"], r["text"], r["place"]["country"]) for r in rows] == [
        ("a1", "Rawa", "IQ"),
        ("a1", "Iraq", "IQ"),
        ("3", "Mosul", "IQ"),
    ]
    assert (rows[0]["start"], rows[0]["end"]) == (13, 17)
    table = run("extract", str(corpus)).output
    assert table.startswith("==> a1 <==\n    13-17     place    Rawa ")
    assert "\n\n==> a2 <==\n\n==> 3 <==\n" in table


def test_extract_writes_the_rows_batch_writes(tmp_path):
    """A mention line of ``extract --format jsonl`` is the line of batch's mentions.jsonl."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"id": "a1", "text": "Talks in Basra and Amman, Jordan."}) + "\n",
        encoding="utf-8",
    )
    extracted = run("extract", str(corpus), "--format", "jsonl").output
    assert (
        run(
            "batch", str(corpus), "-o", str(tmp_path / "out"), "--workers", "1", "--no-map"
        ).exit_code
        == 0
    )
    assert extracted == (tmp_path / "out" / "mentions.jsonl").read_text(encoding="utf-8")


def test_extract_reads_a_csv_corpus(tmp_path):
    corpus = tmp_path / "c.csv"
    corpus.write_text('id,body\nx1,"Talks in Basra, Iraq."\n,Rain in Amman.\n', encoding="utf-8")
    result = run("extract", str(corpus), "--format", "csv")
    assert (result.exit_code, result.output) == (
        2,
        f"Error: {corpus}:1: no column 'text' (columns: id, body); name the text column "
        "with --text-column\n",
    )
    result = run("extract", str(corpus), "--format", "csv", "--text-column", "body")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "article,start,end,text,kind,name,lat,lon,country,place_id,confidence,"
        "confident,type_word,part"
    )
    assert [line.split(",")[:4] for line in lines[1:]] == [
        ["x1", "9", "14", "Basra"],
        ["x1", "16", "20", "Iraq"],
        ["3", "8", "13", "Amman"],
    ]


def test_jsonl_text_may_hold_line_separators(tmp_path):
    corpus = tmp_path / "c.jsonl"
    text = "Flooding hit Rawa, Iraq.\u2028Crews left Ramadi.\x85Then Baghdad."
    corpus.write_text(
        json.dumps({"id": "a1", "text": text}, ensure_ascii=False)
        + "\r\n"
        + json.dumps({"id": "a2", "text": "In Mosul."})
        + "\n",
        encoding="utf-8",
    )
    result = run("extract", str(corpus), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.split("\n") if line]
    assert [(r["article"], r["text"]) for r in rows] == [
        ("a1", "Rawa"),
        ("a1", "Iraq"),
        ("a1", "Ramadi"),
        ("a1", "Baghdad"),
        ("a2", "Mosul"),
    ]


def test_extract_reads_stdin():
    result = run("extract", "-", "--format", "json", input="Shelling near Abu Kamal, Syria.")
    names = [m["place"]["name"] for m in json.loads(result.output)["mentions"]]
    assert names[-1] == "Syria" and len(names) == 2


def test_a_binary_file_is_refused(tmp_path):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0 JFIF")
    for command in ("extract", "check", "map"):
        result = run(command, str(binary))
        assert result.exit_code == 2
        assert result.output == f"Error: {binary}:1: not UTF-8 text at byte 0 (use --encoding)\n"


def test_a_latin1_file_reads_with_encoding(tmp_path):
    article = tmp_path / "latin1.txt"
    article.write_bytes("Troops left Ramadi, the café owner said.".encode("latin-1"))
    result = run("extract", str(article), "--encoding", "latin-1", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["mentions"][0]["text"] == "Ramadi"


def test_a_bad_jsonl_line_is_named_or_skipped(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": "a", "text": "Rain in Ramadi."}\n{oops\n{"id": "c"}\n', encoding="utf-8"
    )
    result = run("extract", str(corpus), "--format", "jsonl")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {corpus}:2: bad JSON (Expecting property name enclosed in double quotes at "
        "column 2)"
    )
    result = run("extract", str(corpus), "--skip-bad", "--format", "jsonl")
    assert result.exit_code == 0
    assert f"Skipped {corpus}:3: missing text" in result.output


def test_map_refuses_an_unknown_tile_layer(tmp_path):
    result = run("map", str(EXAMPLE), "-o", str(tmp_path / "m.html"), "--tiles", "nonsense")
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")
    assert not (tmp_path / "m.html").exists()


def test_evaluate_scores_one_half_and_breaks_down_by_feature_type(tmp_path):
    text = "Floods in Ramadi, Iraq."
    gold = [
        {
            "start": 10,
            "end": 16,
            "name": "Ramadi",
            "lat": 33.4206,
            "lon": 43.3078,
            "feature_code": "PPLA",
        },
        {"start": 18, "end": 22, "name": "Iraq", "lat": 33.0, "lon": 44.0, "feature_code": "PCLI"},
    ]
    corpus = tmp_path / "gold.jsonl"
    # crc32("4") is even (dev), crc32("1") odd (held-out).
    corpus.write_text(
        "".join(json.dumps({"id": i, "text": text, "toponyms": gold}) + "\n" for i in ("4", "1")),
        encoding="utf-8",
    )
    result = run("evaluate", str(corpus), "--half", "dev")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "articles                1"
    assert "recognition (exact)     P 1.000  R 1.000  F1 1.000" in lines
    assert "PPL*                 1      0.0% (0)               1.000           1.000 (1)" in lines
    assert lines[-1].split() == ["all", "2", "0.0%", "(0)", "1.000", "1.000", "(2)"]


def test_the_cli_module_runs_as_a_script(tmp_path):
    """``python geomap/cli.py batch ...`` knows every command (the script guard comes last)."""
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "geomap" / "cli.py"),
            "batch",
            str(EXAMPLE),
            "-o",
            str(tmp_path / "out"),
            "--workers",
            "1",
            "--no-map",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 article in ")
    assert (tmp_path / "out" / "mentions.jsonl").read_text().count("\n") == 51


def test_batch_help_gives_the_chunk_size_batch_uses():
    from geomap import batch

    result = CliRunner().invoke(main, ["batch", "--help"])
    assert result.exit_code == 0
    assert f"default {batch.CHUNK_SIZE}." in " ".join(result.output.split())
