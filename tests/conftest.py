"""Shared fixtures. The gazetteer index is cached once per checkout under .pytest_cache,
so repeated runs reuse it while a fresh clone (CI) builds it once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "examples" / "al-qaim-husaybah-2017.txt"

os.environ.setdefault("GEOMAP_CACHE_DIR", str(ROOT / ".pytest_cache" / "geomap-index"))
os.environ.pop("GEOMAP_GAZETTEER", None)


@pytest.fixture(scope="session")
def gold() -> dict:
    """The expected reading of the founding article."""
    return json.loads((DATA / "al-qaim-husaybah-2017.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def full_gazetteer():
    """The bundled gazetteer, opened once."""
    from geomap.gazetteer import Gazetteer

    with Gazetteer.open() as gazetteer:
        yield gazetteer
