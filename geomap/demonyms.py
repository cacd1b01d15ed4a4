"""Demonyms: adjectives and nouns naming a place's people ("Iraqi", "Syrians", "Ohioans").

They are references of their own kind: evidence for resolution (an article full of "Iraqi"
favours the Iraqi Rawa), never markers on the map. The table is ``geomap/data/demonyms.csv``
(``demonym,country,region``), curated by hand; plural nouns ("Iraqis", "Americans",
"Michiganders") are derived from it.

Most demonyms name a country. *Regional* ones name a region the gazetteer holds, given in the
``region`` column and looked up inside ``country`` when one is given: a part of a country
("Abkhaz" -> Abkhazia, Georgia; "Ohioan" -> Ohio, United States; "Scottish" -> Scotland), or
an area across borders ("European" -> Europe, "Kurdish" -> Kurdistan, no country). The
country of a regional demonym still counts as a country reference. Deliberately left out,
because on the LGL corpus and in news they rarely point at one place: "Arab" (a people and
a language across some twenty states: never a gold toponym in LGL's 19 uses), "African",
"Asian", "Latino" (ethnic labels in US news: "African-American", "Asian-themed"), and
demonyms that are also newspaper titles ("Oklahoman", "Tennessean", "Oregonian").
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import NamedTuple


class Demonym(NamedTuple):
    """What a demonym refers to: a country code (may be empty) and a region name (empty
    for a country's demonym)."""

    country: str
    region: str


@lru_cache(maxsize=1)
def demonyms() -> dict[str, Demonym]:
    """Every demonym, plurals included, exact capitalisation, with what it refers to."""
    table: dict[str, Demonym] = {}
    with resources.files("geomap").joinpath("data/demonyms.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            word = row["demonym"].strip()
            entry = Demonym(row["country"].strip(), (row.get("region") or "").strip())
            table[word] = entry
            if word[-1] in "nioer":
                table.setdefault(word + "s", entry)
    return table


def is_demonym(word: str) -> bool:
    """Whether the word is a demonym of the table ("Iraqi", "South Koreans", "European")."""
    return word in demonyms()


def country_of(word: str) -> str | None:
    """The country a demonym refers to ("Iraqi" -> "IQ", "Ohioans" -> "US"), or None (not a
    demonym, or a region across borders such as "European").

    >>> country_of("Syrians"), country_of("Arab")
    ('SY', None)
    """
    entry = demonyms().get(word)
    return entry.country or None if entry else None


def region_of(word: str) -> str | None:
    """The region a regional demonym refers to ("Abkhaz" -> "Abkhazia"), or None."""
    entry = demonyms().get(word)
    return entry.region or None if entry else None


__all__ = ["Demonym", "country_of", "demonyms", "is_demonym", "region_of"]
