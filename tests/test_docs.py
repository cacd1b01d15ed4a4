"""The README's promises: its two set-up commands, and CI running the test command as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_the_two_setup_commands():
    run_main, run_tests = setup_commands()
    assert run_main == "pip install . && geomap map"
    assert run_tests.endswith("&& pytest")


def test_ci_runs_the_readme_test_command_exactly():
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert setup_commands()[1] in ci_lines


def test_the_bundled_example_names_its_source():
    text = (ROOT / "examples" / "al-qaim-husaybah-2017.txt").read_text(encoding="utf-8")
    assert "Source: Anadolu Agency, 6 November 2017." in text


def test_every_row_of_the_bad_input_table_names_a_test_that_exists():
    table = (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`test" in line
            or "tests/test_" in line and line.startswith("| ")]
    assert len(rows) >= 20
    for row in rows:
        last = row.rstrip(" |").rsplit("|", 1)[1]
        names = re.findall(r"`(?:tests/(test_\w+)\.py(?:::(\w+))?|(test_\w+))`", last)
        assert names, row
        for module, in_module, bare in names:
            source = (ROOT / "tests" / f"{module or 'test_bad_input'}.py").read_text()
            name = in_module or bare
            assert not name or f"def {name}(" in source, (row, name)
