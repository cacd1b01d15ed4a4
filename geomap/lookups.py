"""The gazetteer's name lookups where they spend their time, in a module that mypyc compiles
(``COMPILED`` in ``hatch_build.py``): the search of an index's key hashes
(:meth:`geomap.gazetteer.Gazetteer.may_hold`).

:mod:`geomap.gazetteer` stays Python: other modules keep weak references to its
:class:`~geomap.gazetteer.Gazetteer` objects, which mypyc's native classes do not support.
Compiled here, the hash search of a cold LGL pass (11,085 names) runs 3.7M fewer
instructions (callgrind, of 2,165M); most of what remains is normalising the names (52M)
and bisecting the hashes (45M).
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from collections.abc import Sequence
from typing import Final

from geomap.names import keys

#: A key hash's top byte (:func:`may_be_filed` searches among the hashes sharing it).
TOP_SHIFT: Final = 24


def key_hash(key: str) -> int:
    """The hash of a name key that an index stores (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(key.encode("utf-8"))


def may_be_filed(name: str, tables: Sequence[tuple[Sequence[int], list[int]]]) -> bool:
    """Whether the hash of one of a name's keys is in one of ``tables``: sorted key hashes
    (:func:`key_hash`), each with where the hashes of each top byte start (257 offsets)."""
    for key in keys(name):
        h = zlib.crc32(key.encode("utf-8"))
        top = h >> TOP_SHIFT
        for hashes, starts in tables:
            end = starts[top + 1]
            i = bisect_left(hashes, h, starts[top], end)
            if i < end and hashes[i] == h:
                return True
    return False
