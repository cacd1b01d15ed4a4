"""The README's promises: its two set-up commands, and CI running the test command as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_the_two_setup_commands():
    run_main, run_tests = setup_commands()
    assert run_main == "pip install . && geomap map"
    assert run_tests.endswith("&& pytest")


def test_ci_runs_the_readme_test_command_exactly_then_the_scale_tests():
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert setup_commands()[1] in ci_lines
    assert ci_lines.index("pytest -m scale") > ci_lines.index(setup_commands()[1])


def test_the_bundled_example_names_its_source():
    text = (ROOT / "examples" / "al-qaim-husaybah-2017.txt").read_text(encoding="utf-8")
    assert "Source: Anadolu Agency, 6 November 2017." in text


def test_every_row_of_the_bad_input_table_names_a_test_that_exists():
    table = (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8")
    rows = [
        line
        for line in table.splitlines()
        if line.startswith("| ")
        and "`test" in line
        or "tests/test_" in line
        and line.startswith("| ")
    ]
    assert len(rows) >= 20
    for row in rows:
        last = row.rstrip(" |").rsplit("|", 1)[1]
        names = re.findall(r"`(?:tests/(test_\w+)\.py(?:::(\w+))?|(test_\w+))`", last)
        assert names, row
        for module, in_module, bare in names:
            source = (ROOT / "tests" / f"{module or 'test_bad_input'}.py").read_text()
            name = in_module or bare
            assert not name or f"def {name}(" in source, (row, name)


def console_sessions() -> list[list[tuple[str, str]]]:
    """The README's terminal sessions: for each ```console block, (command, output shown)
    of every ``$ command`` in it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sessions = []
    for block in re.findall(r"```console\n(.*?)```", readme, re.S):
        entries: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                entries.append((line[2:], []))
            else:
                entries[-1][1].append(line)
        sessions.append([(command, "\n".join(shown).strip("\n")) for command, shown in entries])
    return sessions


def _timeless(output: str) -> str:
    """Output with its elapsed times masked: they are the one thing that varies."""
    return re.sub(r" in \d+(\.\d+)? s:", " in N s:", output)


@pytest.mark.parametrize(
    "session",
    console_sessions(),
    ids=lambda s: s[0][0].split()[1] if s[0][0].startswith("geomap") else s[0][0],
)
def test_the_readme_sessions_print_what_the_readme_shows(session, tmp_path):
    """Each session runs as written, in a fresh folder holding the examples (as a fresh
    clone does), and prints what the README shows."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    script = ['geomap() { "$GEOMAP_PYTHON" -m geomap "$@"; }', "status=0"]
    for number, (command, _) in enumerate(session):
        script += [f"echo '@@ {number}'", "(exit $status)", command, "status=$?"]
    env = {**os.environ, "GEOMAP_PYTHON": sys.executable}
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    printed = re.split(r"^@@ \d+\n", result.stdout, flags=re.M)[1:]
    assert len(printed) == len(session), result.stderr
    for (command, shown), output in zip(session, printed):
        assert (command, _timeless(output.strip("\n"))) == (command, _timeless(shown)), (
            result.stderr
        )


def test_the_readme_counts_the_bundled_places(full_gazetteer):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = int(re.search(r"bundled gazetteer of ([\d,]+) places", readme)[1].replace(",", ""))
    assert abs(len(full_gazetteer) - stated) <= 0.05 * stated, len(full_gazetteer)
