"""Demonyms: adjectives and nouns naming a country's people ("Iraqi", "Syrians").

They are country references of their own kind: evidence for resolution (an article full of
"Iraqi" favours the Iraqi Rawa), never markers on the map. The table is
``geomap/data/demonyms.csv`` (``demonym,country``), curated by hand; plural nouns ("Iraqis",
"Americans") are derived from it.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Country code (ISO 3166-1 alpha-2) by demonym, plurals included, exact capitalisation."""
    table: dict[str, str] = {}
    with resources.files("geomap").joinpath("data/demonyms.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            word, country = row["demonym"].strip(), row["country"].strip()
            table[word] = country
            if word[-1] in "nio":
                table.setdefault(word + "s", country)
    return table


def country_of(word: str) -> str | None:
    """The country a demonym refers to ("Iraqi" -> "IQ"), or None.

    >>> country_of("Syrians"), country_of("Arab")
    ('SY', None)
    """
    return demonyms().get(word)


__all__ = ["country_of", "demonyms"]
