"""The gazetteer's name lookups where they spend their time, in a module that mypyc compiles
(``COMPILED`` in ``hatch_build.py``): the search of an index's key hashes
(:meth:`geomap.gazetteer.Gazetteer.may_hold`), and the places and matches made from the rows
a name query returns.

:mod:`geomap.gazetteer` stays Python: other modules keep weak references to its
:class:`~geomap.gazetteer.Gazetteer` objects, which mypyc's native classes do not support.
Compiled here, the hash search of a cold LGL pass (11,085 names) runs 3.7M fewer
instructions (callgrind, of 2,165M); most of what remains is normalising the names (52M)
and bisecting the hashes (45M). Making the places and matches of the rows here rather than
there takes another 36.6M off that pass (2,161M to 2,125M).
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any, Final

from geomap.names import keys
from geomap.records import Match, Place

#: Separator of names inside the ``alternate_names`` column.
ALT_SEP: Final = "|"
#: A key hash's top byte (:func:`may_be_filed` searches among the hashes sharing it).
TOP_SHIFT: Final = 24

#: Builds a :class:`Match` from a (place, quality) pair in C: ``Match(place, quality)`` runs
#: the ``__new__`` that NamedTuple writes in Python, a frame per match.
_new_match: Final = tuple.__new__


def key_hash(key: str) -> int:
    """The hash of a name key that an index stores (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(key.encode("utf-8"))


def may_be_filed(name: str, tables: Sequence[tuple[Sequence[int], list[int]]]) -> bool:
    """Whether the hash of one of a name's keys is in one of ``tables``: sorted key hashes
    (:func:`key_hash`), each with where the hashes of each top byte start (257 offsets)."""
    for key in keys(name):
        h = zlib.crc32(key.encode("utf-8"))  # key_hash, written out: most names end here
        top = h >> TOP_SHIFT
        for hashes, starts in tables:
            end = starts[top + 1]
            i = bisect_left(hashes, h, starts[top], end)
            if i < end and hashes[i] == h:
                return True
    return False


def place(row: tuple[Any, ...]) -> Place:
    """The place of an index row (the columns of ``_PLACE_COLUMNS``, in its order)."""
    alternates: str | None = row[2]
    return Place(
        row[0],
        row[1],
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
        tuple(alternates.split(ALT_SEP)) if alternates else (),
        row[10],
        row[11],
    )


def new_match(row: tuple[Any, ...], quality: int, places: dict[str, Place]) -> Match:
    """The match of an index row's place, made once per id and kept in ``places``: a place
    many names find is built once."""
    found = places.get(row[0])
    if found is None:
        found = places[row[0]] = place(row)
    return _new_match(Match, (found, quality))  # type: ignore[no-any-return]


def row_matches(rows: list[tuple[Any, ...]], column: int, places: dict[str, Place]) -> list[Match]:
    """The matches of the rows of one name key, each with the quality in ``column``."""
    return [new_match(row, row[column], places) for row in rows]
